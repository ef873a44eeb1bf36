//! A feature's request as client arguments (and whether the client can send exactly it), and the
//! typed fields of an answer compared with the attributes the feature asserts.

use chrono::{DateTime, Utc};
use keyward_core::{Patch, SecretLicenseKey};
use keyward_keygen::models::UpdateLicense;
use keyward_keygen::{CheckoutOptions, Listing, NewLicense, NewMachine, ValidationScope};
use serde_json::{Map, Value};

const SCOPE_STRINGS: &[&str] = &[
    "product",
    "policy",
    "user",
    "machine",
    "fingerprint",
    "checksum",
    "version",
    "environment",
];
const SCOPE_LISTS: &[&str] = &["fingerprints", "components", "entitlements"];

fn object(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

fn only(map: &Map<String, Value>, allowed: &[&str]) -> bool {
    map.keys().all(|k| allowed.contains(&k.as_str()))
}

fn string(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_owned)
}

/// `meta.scope` and `meta.nonce` of a validation request.
pub(crate) fn validation(meta: &Value, with_key: bool) -> (ValidationScope, Option<i64>, bool) {
    let meta_map = object(meta);
    let allowed: &[&str] = if with_key {
        &["key", "scope", "nonce"]
    } else {
        &["scope", "nonce"]
    };
    let mut same = only(&meta_map, allowed) && (!with_key || meta["key"].is_string());
    let mut scope = ValidationScope::default();
    if let Some(value) = meta.get("scope") {
        let map = object(value);
        same &= !map.is_empty();
        for (name, value) in &map {
            let text = value.as_str().map(str::to_owned);
            let list: Option<Vec<String>> = value
                .as_array()
                .and_then(|items| {
                    items
                        .iter()
                        .map(|i| i.as_str().map(str::to_owned))
                        .collect()
                })
                .filter(|l: &Vec<String>| !l.is_empty());
            match (name.as_str(), text, list) {
                ("product", Some(t), _) => scope.product = Some(t),
                ("policy", Some(t), _) => scope.policy = Some(t),
                ("user", Some(t), _) => scope.user = Some(t),
                ("machine", Some(t), _) => scope.machine = Some(t),
                ("fingerprint", Some(t), _) => scope.fingerprint = Some(t),
                ("checksum", Some(t), _) => scope.checksum = Some(t),
                ("version", Some(t), _) => scope.version = Some(t),
                ("environment", Some(t), _) => scope.environment = Some(t),
                ("fingerprints", _, Some(l)) => scope.fingerprints = l,
                ("components", _, Some(l)) => scope.components = l,
                ("entitlements", _, Some(l)) => scope.entitlements = l,
                _ => same = false,
            }
        }
        debug_assert!(SCOPE_STRINGS.len() + SCOPE_LISTS.len() == 11);
    }
    let nonce = meta.get("nonce").and_then(Value::as_i64);
    same &= meta.get("nonce").is_none_or(Value::is_i64);
    (scope, nonce, same)
}

/// `POST /licenses`.
pub(crate) fn new_license(request: &Value) -> (NewLicense, bool) {
    let data = &request["data"];
    let attributes = object(&data["attributes"]);
    let relationships = object(&data["relationships"]);
    let mut same = only(
        &attributes,
        &["name", "key", "expiry", "maxMachines", "metadata"],
    ) && only(&relationships, &["policy", "owner"]);
    let mut new = NewLicense::new(
        data["relationships"]["policy"]["data"]["id"]
            .as_str()
            .unwrap_or("no-policy"),
    );
    same &= data["relationships"]["policy"]["data"]["id"].is_string();
    new.id = string(data.get("id"));
    new.name = string(attributes.get("name"));
    new.key = string(attributes.get("key")).map(SecretLicenseKey::new);
    new.expiry = attributes.get("expiry").and_then(timestamp);
    new.max_machines = attributes.get("maxMachines").and_then(Value::as_u64);
    new.metadata = attributes.get("metadata").map(object).unwrap_or_default();
    new.owner_id = string(data["relationships"]["owner"]["data"].get("id"));
    same &= attributes.iter().all(|(k, v)| match k.as_str() {
        "name" | "key" => v.is_string(),
        "expiry" => timestamp(v).is_some(),
        "maxMachines" => v.is_u64(),
        _ => v.as_object().is_some_and(|m| !m.is_empty()),
    });
    same &= relationships
        .get("owner")
        .is_none_or(|o| o["data"]["id"].is_string());
    (new, same)
}

/// `PATCH /licenses/{id}`.
pub(crate) fn update_license(request: &Value) -> (UpdateLicense, bool) {
    let attributes = object(&request["data"]["attributes"]);
    let mut same = only(&attributes, &["name", "expiry", "maxMachines", "metadata"])
        && request["data"]["id"].is_string();
    let mut update = UpdateLicense::default();
    for (name, value) in &attributes {
        match (name.as_str(), value) {
            ("name", Value::String(s)) => update.name = Patch::Set(s.clone()),
            ("expiry", Value::Null) => update.expiry = Patch::Clear,
            ("expiry", v) if timestamp(v).is_some() => {
                update.expiry = Patch::from_option(timestamp(v))
            }
            ("maxMachines", Value::Null) => update.max_machines = Patch::Clear,
            ("maxMachines", v) if v.is_u64() => {
                update.max_machines = Patch::from_option(v.as_u64())
            }
            ("metadata", Value::Object(m)) => update.metadata = Patch::Set(m.clone()),
            _ => same = false,
        }
    }
    (update, same)
}

/// `meta` of a check-out.
pub(crate) fn checkout(meta: &Value) -> (CheckoutOptions, bool) {
    let map = object(meta);
    let mut same = only(&map, &["encrypt", "ttl", "include", "algorithm"]);
    let mut options = CheckoutOptions::default();
    for (name, value) in &map {
        match (name.as_str(), value) {
            ("encrypt", Value::Bool(true)) => options.encrypt = true,
            ("ttl", Value::Null) => options.ttl = Patch::Clear,
            ("ttl", v) if v.is_u64() => options.ttl = Patch::from_option(v.as_u64()),
            ("algorithm", Value::String(a)) => options.algorithm = Some(a.clone()),
            ("include", Value::Array(items))
                if !items.is_empty() && items.iter().all(Value::is_string) =>
            {
                options.include = items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect();
            }
            _ => same = false,
        }
    }
    (options, same)
}

/// `POST /machines`.
pub(crate) fn new_machine(request: &Value) -> (NewMachine, bool) {
    let data = &request["data"];
    let attributes = object(&data["attributes"]);
    let relationships = object(&data["relationships"]);
    let mut same = only(
        &attributes,
        &[
            "fingerprint",
            "name",
            "platform",
            "hostname",
            "ip",
            "cores",
            "memory",
            "disk",
            "metadata",
        ],
    ) && only(&relationships, &["license", "owner"]);
    let license = data["relationships"]["license"]["data"]["id"].as_str();
    same &= license.is_some() && attributes.get("fingerprint").is_some_and(Value::is_string);
    let mut new = NewMachine::new(
        license.unwrap_or("no-license"),
        attributes
            .get("fingerprint")
            .and_then(Value::as_str)
            .unwrap_or(""),
    );
    new.id = string(data.get("id"));
    new.name = string(attributes.get("name"));
    new.platform = string(attributes.get("platform"));
    new.hostname = string(attributes.get("hostname"));
    new.ip = string(attributes.get("ip"));
    new.cores = attributes.get("cores").and_then(Value::as_u64);
    new.memory = attributes.get("memory").and_then(Value::as_u64);
    new.disk = attributes.get("disk").and_then(Value::as_u64);
    new.metadata = attributes.get("metadata").map(object).unwrap_or_default();
    new.owner_id = string(data["relationships"]["owner"]["data"].get("id"));
    same &= attributes.iter().all(|(k, v)| match k.as_str() {
        "cores" | "memory" | "disk" => v.is_u64(),
        "metadata" => v.as_object().is_some_and(|m| !m.is_empty()),
        _ => v.is_string(),
    });
    same &= relationships
        .get("owner")
        .is_none_or(|o| o["data"]["id"].is_string());
    (new, same)
}

/// A listing's query (`page[number]=1&page[size]=100&product=…`) applied to the client's listing.
pub(crate) fn listing<T: serde::de::DeserializeOwned + keyward_core::AttachRaw + Send + 'static>(
    mut listing: Listing<T>,
    query: &str,
) -> Listing<T> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    // A negative or non-numeric value reads as 0, which the client refuses before sending.
    let parse = |v: String| v.parse::<u32>().unwrap_or(0);
    let number = get("page[number]").map(parse);
    let size = get("page[size]").map(parse);
    if let Some(number) = number {
        listing = listing.page(number);
    } else if let Some(cursor) = get("page[cursor]") {
        listing = listing.cursor(Some(cursor).filter(|c| !c.is_empty()));
    }
    if let Some(size) = size {
        listing = listing.per_page(size);
    }
    if let Some(limit) = get("limit") {
        listing = listing.limit(parse(limit));
    }
    for (name, value) in &pairs {
        if !name.starts_with("page[") && name != "limit" {
            listing = listing.filter(name.clone(), value);
        }
    }
    listing
}

/// A JSON:API document without its `type` members (Keygen takes `license` and `licenses` alike).
pub(crate) fn normalize(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| k.as_str() != "type")
                .map(|(k, v)| (k.clone(), normalize(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

fn timestamp(value: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value.as_str()?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
