//! The features' requests sent to the Keygen emulator: each case's setup seeded
//! ([`World`] → [`seeding`](super::seeding)), its request sent with plain HTTP, and the answer's
//! status, `meta.valid`/`meta.code` (`meta.constant` for API versions before 1.2), first error `code` and a list's length ("the response body
//! should be an array with N …") compared with what the feature asserts. A case whose setup the emulator cannot hold is skipped with the reason.

use std::collections::BTreeMap;

use base64::Engine as _;
use keyward_emulator::keygen::{ACCOUNT_ID, Edition, KeygenEmulator};
use serde_json::Value;

use super::world::{Bearer, Credential, Kind, Skip, World};
use super::{attributes, seeding};

/// What happened to the cases of one feature file.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) replayed: usize,
    pub(crate) skipped: BTreeMap<String, usize>,
    pub(crate) mismatches: Vec<String>,
}

/// The `Authorization` header of the case's credential: `Bearer <token>` or `License <key>`,
/// or (`basic`) the same as `Basic` credentials, as `authentication_steps.rb` sends either.
fn authorization(emulator: &KeygenEmulator, world: &World, basic: bool) -> Option<String> {
    let (scheme, secret) = match world.credential? {
        Credential::Token(Bearer::Admin(true)) => ("Bearer", emulator.api_key()),
        // Another account's token is, to this account, a token it never issued.
        Credential::Token(Bearer::Admin(false)) => ("Bearer", "another-accounts-token".into()),
        // `authentication_steps.rb` makes the bearer a token; the seeds give each one.
        Credential::Token(Bearer::License(i)) => (
            "Bearer",
            attributes::license_token(&world.all(Kind::License)[i]),
        ),
        Credential::Token(Bearer::Product(i)) => (
            "Bearer",
            attributes::product_token(&world.all(Kind::Product)[i]),
        ),
        Credential::Token(Bearer::User(i)) => {
            ("Bearer", attributes::user_token(&world.all(Kind::User)[i]))
        }
        Credential::Token(Bearer::Environment(i)) => (
            "Bearer",
            super::environments::environment_token(&world.all(Kind::Environment)[i]),
        ),
        Credential::Key(i) => ("License", world.all(Kind::License)[i].secret.clone()),
        Credential::InvalidKey => ("License", "5b2a0c7e9d1f4a3b8c6e2d0f1a9b7c5e".into()),
    };
    if !basic {
        return Some(format!("{scheme} {secret}"));
    }
    let pair = match scheme {
        "License" => format!("license:{secret}"),
        _ => format!("{secret}:"),
    };
    Some(format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    ))
}

/// The request of `case`, its path and body resolved in `world`, sent to `emulator`; its
/// status and body.
async fn send(
    emulator: &KeygenEmulator,
    http: &reqwest::Client,
    world: &World,
    case: &Value,
) -> Result<(u16, Value), Skip> {
    // Half the cases (odd feature lines) send their credential as `Basic`.
    let line = case["source"].as_str().and_then(|s| s.rsplit(':').next());
    let basic = line
        .and_then(|l| l.parse::<u64>().ok())
        .is_some_and(|l| l % 2 == 1);
    let path = world.resolve_path(case["path"].as_str().unwrap_or_default())?;
    let rest = path
        .strip_prefix("/accounts/")
        .ok_or_else(|| "a path outside /accounts".to_owned())?;
    let (account, rest) = rest.split_once('/').unwrap_or((rest, ""));
    if account != world.account {
        return Err("another account (the emulator holds one)".to_owned());
    }
    let url = format!("{}/v1/accounts/{ACCOUNT_ID}/{rest}", emulator.uri());
    let method = reqwest::Method::from_bytes(case["method"].as_str().unwrap_or("GET").as_bytes())
        .map_err(|_| "a method".to_owned())?;
    let mut request = http
        .request(method, url)
        .header("content-type", "application/vnd.api+json")
        .header("accept", "application/vnd.api+json");
    if let Some(value) = authorization(emulator, world, basic) {
        request = request.header("authorization", value);
    }
    // The case's own headers replace the defaults (`Accept: text/plain, text/html`).
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in &world.headers {
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("header name {name:?}"))?;
        let value = reqwest::header::HeaderValue::from_str(value)
            .map_err(|_| format!("header value {value:?}"))?;
        headers.insert(name, value);
    }
    // `request_steps.rb`: "I use API version" sends `Keygen-Version`.
    if let Some(version) = case["version"].as_str() {
        request = request.header("keygen-version", version);
    }
    request = request.headers(headers);
    match &case["request"] {
        Value::Null => {}
        // A body that is not JSON (or not only JSON) is sent as the feature writes it.
        Value::String(text) => request = request.body(world.resolve(text)?),
        body => request = request.body(world.resolve(&body.to_string())?),
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("transport: {e}"))?;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

/// What the feature asserts that the answer does not do (empty: it matches).
fn differences(case: &Value, status: u16, body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if case["status"].as_u64() != Some(u64::from(status)) {
        out.push(format!("status {status}, feature {}", case["status"]));
    }
    for field in ["valid", "code", "constant"] {
        let wanted = &case["meta"][field];
        if !wanted.is_null() && *wanted != body["meta"][field] {
            out.push(format!(
                "meta.{field} {}, feature {wanted}",
                body["meta"][field]
            ));
        }
    }
    let wanted = &case["error"]["code"];
    if !wanted.is_null() && *wanted != body["errors"][0]["code"] {
        out.push(format!(
            "error code {}, feature {wanted}",
            body["errors"][0]["code"]
        ));
    }
    // "the response body should be an array with N …": the list holds N items.
    if let Some(wanted) = case["array"]["count"].as_u64() {
        let len = body["data"].as_array().map(|items| items.len() as u64);
        if len != Some(wanted) {
            out.push(format!("array length {len:?}, feature {wanted}"));
        }
    }
    if !out.is_empty() {
        out.push(format!(
            "answer {}",
            body.to_string().chars().take(300).collect::<String>()
        ));
    }
    out
}

/// Replays one case: `Err` when it is skipped.
async fn case(
    emulator: &KeygenEmulator,
    http: &reqwest::Client,
    case: &Value,
) -> Result<Vec<String>, Skip> {
    let relationships = case["request"]["data"]["relationships"].as_object();
    if let Some(name) = relationships
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
        .find(|k| {
            !matches!(
                k.as_str(),
                "policy"
                    | "license"
                    | "product"
                    | "owner"
                    | "user"
                    | "components"
                    | "environment"
                    | "group"
            )
        })
    {
        return Err(format!("a request relating a {name} (not modeled)"));
    }
    let mut world = World::new(chrono::Utc::now());
    for step in case["given"].as_array().into_iter().flatten() {
        world.step(step)?;
    }
    emulator.reset();
    // `@ce`: the feature runs against Keygen CE.
    let community = case["tags"]
        .as_array()
        .is_some_and(|tags| tags.iter().any(|t| t == "@ce"));
    emulator.set_edition(if community {
        Edition::Community
    } else {
        Edition::Enterprise
    });
    emulator.use_system_clock();
    if world.frozen {
        emulator.set_now(world.now);
    }
    if let Some(Credential::Token(Bearer::Product(i))) = world.credential
        && world.all(Kind::Product)[i].environment.is_some()
    {
        return Err("a product bearer in an environment (not modeled)".to_owned());
    }
    seeding::seed(&world, emulator)?;
    if let (Some(environment), Some(token)) = (
        world.token_environment(),
        authorization(emulator, &world, false)
            .and_then(|a| a.strip_prefix("Bearer ").map(str::to_owned)),
    ) {
        emulator.set_token_environment(&token, world.environment_id(environment));
    }
    emulator.set_subscription_active(!world.canceled);
    let (status, body) = send(emulator, http, &world, case).await?;
    emulator.use_system_clock();
    Ok(differences(case, status, &body))
}

/// Replays every case of one feature file.
pub(crate) async fn feature(
    emulator: &KeygenEmulator,
    http: &reqwest::Client,
    file: &Value,
) -> Tally {
    let mut tally = Tally::default();
    for item in file["cases"].as_array().into_iter().flatten() {
        match case(emulator, http, item).await {
            Ok(differences) if differences.is_empty() => tally.replayed += 1,
            Ok(differences) => {
                tally.replayed += 1;
                tally.mismatches.push(format!(
                    "{} ({}): {}",
                    item["source"].as_str().unwrap_or_default(),
                    item["scenario"].as_str().unwrap_or_default(),
                    differences.join("; ")
                ));
            }
            Err(reason) => *tally.skipped.entry(reason).or_default() += 1,
        }
    }
    tally
}
