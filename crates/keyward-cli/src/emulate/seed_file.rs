//! The seed file of `licensectl emulate` (JSON): its shape, and reading it with errors that
//! name the JSON path and line, never a value.

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// A seed file: every section optional; a provider without one starts with no licenses.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedFile {
    /// Pins every emulator's clock at this instant (RFC 3339).
    pub(super) now: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) dodo: Option<Keyed<DodoLicense>>,
    #[serde(default)]
    pub(super) lemonsqueezy: Option<Keyed<LemonLicense>>,
    #[serde(default)]
    pub(super) polar: Option<Keyed<PolarLicense>>,
    #[serde(default)]
    pub(super) creem: Option<Keyed<CreemLicense>>,
    #[serde(default)]
    pub(super) gumroad: Option<Keyed<GumroadLicense>>,
    #[serde(default)]
    pub(super) devpayr: DevPayrSection,
    #[serde(default, rename = "signed-license", alias = "getkeymanager")]
    pub(super) signed_license: Option<Keyed<GkmLicense>>,
}

/// A provider with one admin key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Keyed<L> {
    pub(super) api_key: Option<String>,
    #[serde(default = "Vec::new")]
    pub(super) licenses: Vec<L>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DodoLicense {
    pub(super) key: String,
    pub(super) activation_limit: Option<u32>,
    pub(super) expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) disabled: bool,
    pub(super) product: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LemonLicense {
    pub(super) key: String,
    pub(super) activation_limit: Option<u32>,
    #[serde(default)]
    pub(super) unlimited: bool,
    pub(super) expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) disabled: bool,
    pub(super) store_id: Option<u64>,
    pub(super) product_id: Option<u64>,
    pub(super) variant_id: Option<u64>,
    #[serde(default)]
    pub(super) test_mode: bool,
}

/// A Polar key (`api_key` of its section is the organization access token).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PolarLicense {
    pub(super) key: String,
    /// Without one, Polar only validates the key (activate answers 403).
    pub(super) activation_limit: Option<u32>,
    pub(super) expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) disabled: bool,
}

/// A Creem license (`api_key` of its section is the secret key).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CreemLicense {
    pub(super) key: String,
    pub(super) activation_limit: Option<u32>,
    pub(super) expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) disabled: bool,
    pub(super) customer: Option<String>,
}

/// A Gumroad license (`api_key` of its section is the OAuth access token).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GumroadLicense {
    pub(super) key: String,
    /// The product's id (default: the emulator's `DEFAULT_PRODUCT_ID`).
    pub(super) product_id: Option<String>,
    pub(super) permalink: Option<String>,
    /// Whether a verify without `product_id` is 500 (products since 2023-01-09; the default).
    #[serde(default = "yes")]
    pub(super) requires_product_id: bool,
    #[serde(default)]
    pub(super) uses: u64,
    #[serde(default)]
    pub(super) disabled: bool,
    #[serde(default)]
    pub(super) refunded: bool,
    #[serde(default)]
    pub(super) chargebacked: bool,
    /// A subscription with this recurrence (`monthly`, …).
    pub(super) recurrence: Option<String>,
    pub(super) subscription_ended_at: Option<DateTime<Utc>>,
    pub(super) subscription_cancelled_at: Option<DateTime<Utc>>,
    pub(super) subscription_failed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DevPayrSection {
    /// A global API key of the projects' owner.
    pub(super) api_key: Option<String>,
    /// The projects (default: one, [`SEED_PROJECT`](keyward_emulator::devpayr::SEED_PROJECT), paid).
    pub(super) projects: Option<Vec<DevPayrProject>>,
    #[serde(default)]
    pub(super) licenses: Vec<DevPayrLicense>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DevPayrProject {
    pub(super) id: u64,
    #[serde(default = "yes")]
    pub(super) paid: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DevPayrLicense {
    pub(super) key: String,
    pub(super) project: Option<u64>,
    pub(super) title: Option<String>,
    pub(super) expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) disabled: bool,
    #[serde(default)]
    pub(super) test_mode: bool,
    pub(super) max_domains: Option<u64>,
    pub(super) max_usage_per_day: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GkmLicense {
    pub(super) key: String,
    pub(super) activation_limit: Option<u32>,
    #[serde(default)]
    pub(super) unlimited: bool,
    pub(super) product: Option<u64>,
    pub(super) expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) disabled: bool,
    #[serde(default)]
    pub(super) unassigned: bool,
}

/// Reads a seed file; the error names the file and the JSON path and line of the fault (never
/// the value: seed files hold keys).
pub(crate) fn read(path: &std::path::Path) -> Result<SeedFile, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("could not read the seed file {}: {e}", path.display()))?;
    let mut de = serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        format!(
            "the seed file {} at `{}` (line {}, column {}): {}",
            path.display(),
            e.path(),
            inner.line(),
            inner.column(),
            classify(inner)
        )
    })
}

/// What is wrong, in words that never quote the file's values.
fn classify(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match e.classify() {
        serde_json::error::Category::Data => {
            // serde's data messages quote field names and types (`unknown field `x``, `invalid
            // type: string "…", expected u32`); drop any quoted value.
            match text.split_once(": string \"") {
                Some((head, _)) => format!("{head}: a string, {}", after_expected(&text)),
                None => strip_position(&text),
            }
        }
        _ => strip_position(&text),
    }
}

fn after_expected(text: &str) -> String {
    text.rfind("expected")
        .map(|i| strip_position(&text[i..]))
        .unwrap_or_default()
}

fn strip_position(text: &str) -> String {
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn parse(text: &str) -> Result<SeedFile, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seed.json");
        std::fs::write(&path, text).unwrap();
        read(&path)
    }

    #[test]
    fn a_wrong_type_names_the_path_and_line_but_not_the_value() {
        let e = parse("{\"dodo\": {\"licenses\": [\n {\"key\": \"K\", \"activation_limit\": \"SECRET-CANARY\"}]}}")
            .unwrap_err();
        assert!(e.contains("dodo.licenses[0].activation_limit"), "{e}");
        assert!(e.contains("line 2"), "{e}");
        assert!(!e.contains("SECRET-CANARY"), "{e}");
    }

    #[test]
    fn an_unknown_field_and_broken_json_are_errors() {
        let e = parse("{\"lemonsqueezy\": {\"licences\": []}}").unwrap_err();
        assert!(e.contains("lemonsqueezy"), "{e}");
        assert!(e.contains("licences"), "{e}");
        let e = parse("{\"dodo\": {\n\"licenses\": [}").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn a_full_seed_parses() {
        let seed = parse(
            r#"{"now": "2026-01-15T10:00:00Z",
                "dodo": {"api_key": "k", "licenses": [{"key": "A", "activation_limit": 2}]},
                "lemonsqueezy": {"licenses": [{"key": "B", "unlimited": true, "product_id": 4}]},
                "devpayr": {"projects": [{"id": 3}], "licenses": [{"key": "C"}]},
                "gumroad": {"api_key": "t", "licenses": [{"key": "G", "uses": 2, "refunded": true}]},
                "signed-license": {"licenses": [{"key": "D", "expires_at": "2027-01-01T00:00:00Z"}]}}"#,
        )
        .unwrap();
        assert_eq!(seed.dodo.unwrap().licenses[0].activation_limit, Some(2));
        assert_eq!(seed.devpayr.projects.unwrap()[0].id, 3);
        let gumroad = &seed.gumroad.unwrap().licenses[0];
        assert!(gumroad.requires_product_id && gumroad.refunded && gumroad.uses == 2);
        assert!(
            seed.signed_license.unwrap().licenses[0]
                .expires_at
                .is_some()
        );
    }
}
