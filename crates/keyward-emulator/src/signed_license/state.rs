//! The emulated install's state and the answer of each endpoint, as (code, message, fields).

use std::collections::HashMap;

use serde_json::{Value, json};

/// A license key held by the emulator.
#[derive(Debug, Clone)]
pub(crate) struct LicenseRecord {
    pub(crate) id: u64,
    pub(crate) key: String,
    pub(crate) product_id: u64,
    pub(crate) status: String,
    pub(crate) owner_name: Option<String>,
    pub(crate) owner_email: Option<String>,
    /// As sent: 0 and -1 are both unlimited.
    pub(crate) activation_limit: i64,
    pub(crate) validity: u64,
    pub(crate) assigned_at: Option<String>,
    pub(crate) expires_at: Option<i64>,
    pub(crate) activations: Vec<String>,
    pub(crate) meta: Vec<(u64, String, String)>,
}

/// A product held by the emulator.
#[derive(Debug, Clone)]
pub(crate) struct ProductRecord {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) meta: Vec<(String, String)>,
    pub(crate) releases: Vec<(u64, String)>,
}

/// An answer before signing.
pub(crate) struct Answer {
    pub(crate) code: Value,
    pub(crate) message: &'static str,
    pub(crate) fields: Vec<(&'static str, Value)>,
}

pub(crate) fn answer(code: u32, message: &'static str) -> Answer {
    Answer {
        code: json!(code),
        message,
        fields: Vec::new(),
    }
}

impl Answer {
    pub(crate) fn with(mut self, name: &'static str, value: Value) -> Self {
        self.fields.push((name, value));
        self
    }
}

/// The emulated install's records.
#[derive(Debug, Default, Clone)]
pub(crate) struct Install {
    pub(crate) licenses: Vec<LicenseRecord>,
    pub(crate) products: Vec<ProductRecord>,
    pub(crate) telemetry: Vec<HashMap<String, String>>,
    pub(crate) next_id: u64,
}

/// A request's merged input.
pub(crate) type Fields = HashMap<String, String>;

/// The method the server routes an emulated endpoint with; `None` for an endpoint not emulated.
pub(crate) fn route_method(endpoint: &str) -> Option<&'static str> {
    match endpoint {
        "get-license-keys" | "get-available-license-keys-count" => Some("GET"),
        "verify"
        | "activate"
        | "deactivate"
        | "get-license-key-details"
        | "access-downloadables"
        | "create-license-key-meta"
        | "update-license-key-meta"
        | "delete-license-key-meta"
        | "assign-and-activate-license-key"
        | "assign-license-key"
        | "create-license-keys"
        | "update-license-key"
        | "delete-license-key"
        | "send-telemetry-data" => Some("POST"),
        _ => None,
    }
}

/// A non-empty field.
pub(crate) fn get<'a>(f: &'a Fields, name: &str) -> Option<&'a str> {
    f.get(name).map(String::as_str).filter(|s| !s.is_empty())
}

impl Install {
    pub(crate) fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// The index of the key named by the `license_key` field.
    pub(crate) fn license_index(&self, f: &Fields) -> Option<usize> {
        let key = get(f, "license_key")?;
        self.licenses.iter().position(|l| l.key == key)
    }

    /// The answer of `endpoint` for these request fields at time `now`.
    pub(crate) fn handle(
        &mut self,
        endpoint: &str,
        f: &Fields,
        now: i64,
        api_key: &str,
    ) -> Option<Answer> {
        Some(match endpoint {
            "verify"
            | "activate"
            | "deactivate"
            | "get-license-key-details"
            | "access-downloadables"
            | "create-license-key-meta"
            | "update-license-key-meta"
            | "delete-license-key-meta" => self.licensing(endpoint, f, now, api_key),
            "assign-and-activate-license-key" => self.assign_and_activate(f, now, api_key),
            "assign-license-key" => self.assign(f),
            "create-license-keys" => self.create_keys(f),
            "update-license-key" => self.update_key(f),
            "delete-license-key" => match self.license_index(f) {
                Some(i) => {
                    self.licenses.remove(i);
                    answer(850, "License key deleted")
                }
                None => answer(851, "License key not found"),
            },
            "get-license-keys" => {
                let list: Vec<Value> = self.licenses.iter().map(record_json).collect();
                answer(730, "License keys").with("license_keys", Value::Array(list))
            }
            "get-available-license-keys-count" => {
                let product = get(f, "product_id").and_then(|p| p.parse::<u64>().ok());
                if product.is_some_and(|p| !self.products.iter().any(|x| x.id == p)) {
                    return Some(answer(740, "Product doesn't exist"));
                }
                let count = self
                    .licenses
                    .iter()
                    .filter(|l| {
                        l.status == "available" && product.is_none_or(|p| l.product_id == p)
                    })
                    .count();
                answer(741, "Available license keys count").with("count", json!(count))
            }
            "send-telemetry-data" => {
                if get(f, "data_type").is_none() || get(f, "data_group").is_none() {
                    let errors = json!({"data_type": ["The data type field is required."]});
                    self.telemetry.push(f.clone());
                    answer(831, "Incorrect format data saved").with("errors", errors)
                } else {
                    self.telemetry.push(f.clone());
                    answer(830, "Correct format data saved").with("errors", json!([]))
                }
            }
            _ => return None,
        })
    }

    fn licensing(&mut self, endpoint: &str, f: &Fields, now: i64, api_key: &str) -> Answer {
        let Some(i) = self.license_index(f) else {
            return answer(210, "Invalid license key");
        };
        let Some(identifier) = get(f, "identifier").map(str::to_owned) else {
            return answer(215, "Identifier is required");
        };
        let products = &self.products;
        let Some(license) = self.licenses.get_mut(i) else {
            return answer(210, "Invalid license key");
        };
        if license.status == "available" {
            return answer(201, "This license key is not assigned");
        }
        if license.status == "blocked" {
            return answer(204, "License key blocked");
        }
        if license.expires_at.is_some_and(|e| e <= now) {
            return answer(205, "License key expired");
        }
        let active = license.activations.contains(&identifier);
        match endpoint {
            "verify" if active => answer(200, "Valid license key"),
            "activate" if active => answer(301, "License key already active"),
            "activate" => {
                let limit = license.activation_limit;
                if u64::try_from(limit)
                    .is_ok_and(|l| l > 0 && license.activations.len() as u64 >= l)
                {
                    return answer(302, "License key reached activation limit");
                }
                license.activations.push(identifier);
                answer(300, "License key activated")
            }
            "deactivate" if active => {
                license.activations.retain(|a| *a != identifier);
                // The real server sends this one code as a string.
                Answer {
                    code: json!("400"),
                    message: "License key deactivated",
                    fields: Vec::new(),
                }
            }
            "deactivate" => answer(401, "License key already inactive"),
            "create-license-key-meta" => {
                let (Some(key), Some(value)) = (get(f, "key"), get(f, "value")) else {
                    return answer(450, "Meta key is required");
                };
                if license.meta.iter().any(|(_, k, _)| k == key) {
                    return answer(452, "Meta key already exists");
                }
                let id = license.meta.iter().map(|(id, _, _)| *id).max().unwrap_or(0) + 1;
                license.meta.push((id, key.to_owned(), value.to_owned()));
                answer(453, "Metadata created").with("meta_id", json!(id))
            }
            "update-license-key-meta" => {
                let (Some(key), Some(value)) = (get(f, "key"), get(f, "value")) else {
                    return answer(350, "Meta key is required");
                };
                match license.meta.iter_mut().find(|(_, k, _)| k == key) {
                    Some(entry) => {
                        entry.2 = value.to_owned();
                        answer(353, "Metadata updated").with("meta_id", json!(entry.0))
                    }
                    None => answer(352, "Meta key doesn't exist"),
                }
            }
            "delete-license-key-meta" => {
                let Some(key) = get(f, "key") else {
                    return answer(250, "Meta key is required");
                };
                let before = license.meta.len();
                license.meta.retain(|(_, k, _)| k != key);
                if license.meta.len() == before {
                    answer(251, "Meta key doesn't exist")
                } else {
                    answer(252, "Metadata deleted")
                }
            }
            _ if !active => answer(
                202,
                "No activation found for this license key/identifier combination",
            ),
            "get-license-key-details" => {
                let product = products.iter().find(|p| p.id == license.product_id);
                answer(500, "Active license key found")
                    .with("licenseKey", details_json(license))
                    .with("product", product.map_or(Value::Null, product_json))
            }
            _ => {
                let id = base64_urlencoded(&identifier);
                let list: Vec<Value> = products
                    .iter()
                    .filter(|p| p.id == license.product_id)
                    .flat_map(|p| p.releases.iter().map(move |r| (p.id, r)))
                    .enumerate()
                    .map(|(n, (product_id, (numeric, version)))| {
                        json!({"id": n + 1, "product_id": product_id, "numeric_version": numeric,
                            "version": version, "update_summary": "", "changelog": "", "published": 1,
                            "release_date": "2024-02-27 00:00:00", "download_counter": 0,
                            "url": format!("https://emulator.local/api/v1/download/{api_key}/{}/{id}/{numeric}", license.key)})
                    })
                    .collect();
                answer(600, "Downloads").with("downloadables", Value::Array(list))
            }
        }
    }

    fn assign_and_activate(&mut self, f: &Fields, now: i64, api_key: &str) -> Answer {
        if let Some(i) = self.license_index(f)
            && let Some(license) = self.licenses.get_mut(i)
            && license.status == "available"
        {
            license.status = String::from("assigned");
            license.owner_name = get(f, "owner_name").map(str::to_owned);
            license.owner_email = get(f, "owner_email").map(str::to_owned);
            license.assigned_at = Some(String::from("2024-02-27 03:05:31"));
        }
        self.licensing("activate", f, now, api_key)
    }

    fn assign(&mut self, f: &Fields) -> Answer {
        let Some(license) = self.license_index(f).and_then(|i| self.licenses.get_mut(i)) else {
            return answer(801, "Invalid or already assigned license key");
        };
        if license.status != "available" {
            return answer(801, "Invalid or already assigned license key");
        }
        license.status = String::from("assigned");
        license.owner_name = get(f, "owner_name").map(str::to_owned);
        license.owner_email = get(f, "email").map(str::to_owned);
        answer(800, "License key assigned")
    }
}

fn details_json(l: &LicenseRecord) -> Value {
    let meta: Vec<Value> = l
        .meta
        .iter()
        .map(|(_, k, v)| json!({"key": k, "value": v}))
        .collect();
    json!({"id": l.id, "license_key": l.key, "owner_name": l.owner_name, "owner_email": l.owner_email,
        "activation_limit": l.activation_limit, "validity": l.validity, "assigned_at": l.assigned_at,
        "meta_data": meta, "expires_at": false})
}

fn record_json(l: &LicenseRecord) -> Value {
    json!({"id": l.id, "product_id": l.product_id, "license_key": l.key, "owner_name": l.owner_name,
        "owner_email": l.owner_email, "activation_limit": l.activation_limit, "validity": l.validity,
        "assigned_at": l.assigned_at, "status": l.status,
        "created_at": "2024-02-24T21:21:24.000000Z", "updated_at": "2024-02-24T21:21:24.000000Z"})
}

fn product_json(p: &ProductRecord) -> Value {
    let meta: Vec<Value> = p
        .meta
        .iter()
        .map(|(k, v)| json!({"key": k, "value": v}))
        .collect();
    json!({"id": p.id, "external_reference": "", "source": "internal", "name": p.name,
        "post_url": "", "description": p.description, "meta_data": meta})
}

/// PHP `urlencode(base64_encode($identifier))`.
fn base64_urlencoded(identifier: &str) -> String {
    super::sign::base64(identifier)
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}
