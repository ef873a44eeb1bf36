//! What `licensectl emulate` starts with: a seed file (JSON) or the demo's seed, applied to the
//! four running emulators, and the test keys it holds, for the printout.

use chrono::{DateTime, Utc};
use license_emulator::devpayr::{
    DevPayrEmulator, DomainMode, GLOBAL_KEY, LicenseSeed as DevPayrSeed, SEED_PROJECT,
};
use license_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use license_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use license_emulator::signed_license::{LicenseSeed as GkmSeed, SignedLicenseEmulator};
use serde::Deserialize;

use crate::demo_setup::DEMO_KEY;

/// The key of the demo seed's DevPayr license (DevPayr keys are UUIDs).
const DEVPAYR_DEMO_KEY: &str = "7f3a41c2-9b8e-4d60-8a1b-2c3d4e5f6071";

/// A seed file: every section optional; a provider without one starts with no licenses.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedFile {
    /// Pins every emulator's clock at this instant (RFC 3339).
    now: Option<DateTime<Utc>>,
    #[serde(default)]
    dodo: Option<Keyed<DodoLicense>>,
    #[serde(default)]
    lemonsqueezy: Option<Keyed<LemonLicense>>,
    #[serde(default)]
    devpayr: DevPayrSection,
    #[serde(default, rename = "signed-license", alias = "getkeymanager")]
    signed_license: Option<Keyed<GkmLicense>>,
}

/// A provider with one admin key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Keyed<L> {
    api_key: Option<String>,
    #[serde(default = "Vec::new")]
    licenses: Vec<L>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DodoLicense {
    key: String,
    activation_limit: Option<u32>,
    expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    disabled: bool,
    product: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LemonLicense {
    key: String,
    activation_limit: Option<u32>,
    #[serde(default)]
    unlimited: bool,
    expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    disabled: bool,
    store_id: Option<u64>,
    product_id: Option<u64>,
    variant_id: Option<u64>,
    #[serde(default)]
    test_mode: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DevPayrSection {
    /// A global API key of the projects' owner.
    api_key: Option<String>,
    /// The projects (default: one, [`SEED_PROJECT`], paid).
    projects: Option<Vec<DevPayrProject>>,
    #[serde(default)]
    licenses: Vec<DevPayrLicense>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DevPayrProject {
    id: u64,
    #[serde(default = "yes")]
    paid: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DevPayrLicense {
    key: String,
    project: Option<u64>,
    title: Option<String>,
    expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    disabled: bool,
    #[serde(default)]
    test_mode: bool,
    max_domains: Option<u64>,
    max_usage_per_day: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GkmLicense {
    key: String,
    activation_limit: Option<u32>,
    #[serde(default)]
    unlimited: bool,
    product: Option<u64>,
    expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    disabled: bool,
    #[serde(default)]
    unassigned: bool,
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

/// What the seed left: the test keys, and DevPayr's API key and first project.
pub(crate) struct Seeded {
    /// The test keys.
    pub keys: Vec<TestKey>,
    /// DevPayr's global API key.
    pub devpayr_key: String,
    /// DevPayr's (first) project.
    pub devpayr_project: u64,
}

/// A test key the emulators hold, for the printout.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct TestKey {
    /// The provider (`dodo`, `lemonsqueezy`, `devpayr`, `signed-license`).
    pub provider: &'static str,
    /// The license key (a test key).
    pub key: String,
    /// What it is, in a few words.
    pub note: String,
}

fn key(provider: &'static str, key: &str, note: impl Into<String>) -> TestKey {
    TestKey {
        provider,
        key: key.to_owned(),
        note: note.into(),
    }
}

fn limit_note(limit: Option<u32>, unlimited: bool) -> String {
    match (limit, unlimited) {
        (_, true) | (None, false) => String::from("no activation limit"),
        (Some(n), false) => format!("activation limit {n}"),
    }
}

/// The four emulators, started and not yet seeded.
pub(crate) struct Targets<'a> {
    pub dodo: &'a DodoEmulator,
    pub lemonsqueezy: &'a LemonSqueezyEmulator,
    pub devpayr: &'a DevPayrEmulator,
    pub signed: &'a SignedLicenseEmulator,
}

/// Seeds the emulators as the demo does: one license with an activation limit of 2 each, and
/// DevPayr's fixtures. Returns the test keys.
pub(crate) fn demo(t: &Targets<'_>) -> Result<Seeded, String> {
    t.dodo
        .add_license(DodoSeed::new(DEMO_KEY).activation_limit(2));
    t.lemonsqueezy
        .add_license(LemonSeed::new(DEMO_KEY).activation_limit(2));
    t.devpayr.seed_fixtures();
    t.devpayr
        .add_license(DevPayrSeed::new(DEVPAYR_DEMO_KEY).title("Demo license"))
        .map_err(|e| format!("the demo seed: {e}"))?;
    t.signed
        .add_license(GkmSeed::new(DEMO_KEY).activation_limit(2));
    let mut keys = vec![
        key("dodo", DEMO_KEY, "activation limit 2"),
        key("lemonsqueezy", DEMO_KEY, "activation limit 2"),
        key(
            "devpayr",
            DEVPAYR_DEMO_KEY,
            "project 2, valid for the domain app.example.com",
        ),
        key("signed-license", DEMO_KEY, "activation limit 2, product 1"),
    ];
    for id in [5, 4] {
        if let Some(k) = t.devpayr.license_key(id) {
            keys.push(key(
                "devpayr",
                &k,
                format!("fixture license {id}, project 2"),
            ));
        }
    }
    mark(t);
    Ok(Seeded {
        keys,
        devpayr_key: GLOBAL_KEY.to_owned(),
        devpayr_project: SEED_PROJECT,
    })
}

/// Seeds the emulators from a seed file. Returns the test keys.
pub(crate) fn apply(t: &Targets<'_>, seed: SeedFile) -> Result<Seeded, String> {
    let mut keys = Vec::new();
    if let Some(dodo) = seed.dodo {
        if let Some(api_key) = dodo.api_key {
            t.dodo.set_api_key(api_key);
        }
        for l in dodo.licenses {
            let mut s = DodoSeed::new(&l.key);
            if let Some(n) = l.activation_limit {
                s = s.activation_limit(n);
            }
            if let Some(at) = l.expires_at {
                s = s.expires_at(at);
            }
            if l.disabled {
                s = s.disabled();
            }
            if let Some(product) = l.product {
                s = s.product(product, None);
            }
            t.dodo.add_license(s);
            keys.push(key("dodo", &l.key, limit_note(l.activation_limit, false)));
        }
    }
    if let Some(ls) = seed.lemonsqueezy {
        if let Some(api_key) = ls.api_key {
            t.lemonsqueezy.set_api_key(api_key);
        }
        for l in ls.licenses {
            let mut s = LemonSeed::new(&l.key);
            s = match (l.unlimited, l.activation_limit) {
                (true, _) => s.unlimited(),
                (false, Some(n)) => s.activation_limit(n),
                (false, None) => s,
            };
            if let Some(at) = l.expires_at {
                s = s.expires_at(at);
            }
            if l.disabled {
                s = s.disabled();
            }
            if let Some(store) = l.store_id {
                s = s.store(store);
            }
            if let Some(product) = l.product_id {
                s = s.product(product, l.variant_id.unwrap_or(product));
            }
            if l.test_mode {
                s = s.test_mode();
            }
            t.lemonsqueezy.add_license(s);
            // Lemon Squeezy's default limit is the seed's (5).
            let note = limit_note(l.activation_limit.or(Some(5)), l.unlimited);
            keys.push(key("lemonsqueezy", &l.key, note));
        }
    }
    let dp = seed.devpayr;
    let devpayr_key = dp.api_key.unwrap_or_else(|| GLOBAL_KEY.to_owned());
    let devpayr_project;
    {
        let projects = dp.projects.unwrap_or_else(|| {
            vec![DevPayrProject {
                id: SEED_PROJECT,
                paid: true,
            }]
        });
        for p in &projects {
            t.devpayr.add_project(p.id, 1, p.paid);
            // Without registered domains, each license registers the domains it is used on.
            t.devpayr.set_domain_mode(p.id, DomainMode::LicenseDomains);
        }
        t.devpayr.add_global_key(&devpayr_key, 1);
        let first = projects.first().map_or(SEED_PROJECT, |p| p.id);
        devpayr_project = first;
        for (i, l) in dp.licenses.into_iter().enumerate() {
            let project = l.project.unwrap_or(first);
            let mut s = DevPayrSeed::new(&l.key).project(project);
            if let Some(title) = l.title {
                s = s.title(title);
            }
            if let Some(at) = l.expires_at {
                s = s.expires_at(at);
            }
            if l.disabled {
                s = s.disabled();
            }
            if l.test_mode {
                s = s.test_mode();
            }
            if let Some(n) = l.max_domains {
                s = s.max_domains(n);
            }
            if let Some(n) = l.max_usage_per_day {
                s = s.max_usage_per_day(n);
            }
            t.devpayr
                .add_license(s)
                .map_err(|e| format!("the seed file at `devpayr.licenses[{i}]`: {e}"))?;
            keys.push(key("devpayr", &l.key, format!("project {project}")));
        }
    }
    if let Some(gkm) = seed.signed_license {
        if let Some(api_key) = gkm.api_key {
            t.signed.set_api_key(api_key);
        }
        for l in gkm.licenses {
            let mut s = GkmSeed::new(&l.key);
            s = match (l.unlimited, l.activation_limit) {
                (true, _) => s.unlimited(),
                (false, Some(n)) => s.activation_limit(n),
                (false, None) => s,
            };
            if let Some(product) = l.product {
                s = s.product(product);
            }
            if let Some(at) = l.expires_at {
                s = s.expires_at(at);
            }
            if l.disabled {
                s = s.disabled();
            }
            if l.unassigned {
                s = s.unassigned();
            }
            t.signed.add_license(s);
            let note = limit_note(l.activation_limit.or(Some(1)), l.unlimited);
            keys.push(key("signed-license", &l.key, note));
        }
    }
    if let Some(now) = seed.now {
        t.dodo.set_now(now);
        t.lemonsqueezy.set_now(now);
        t.devpayr.set_now(now);
        t.signed.set_now(now);
    }
    mark(t);
    Ok(Seeded {
        keys,
        devpayr_key,
        devpayr_project,
    })
}

/// Makes the seeded state the one `reset` returns to.
fn mark(t: &Targets<'_>) {
    t.dodo.mark_seed();
    t.lemonsqueezy.mark_seed();
    t.devpayr.mark_seed();
    t.signed.mark_seed();
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn parse(text: &str) -> Result<SeedFile, String> {
        let dir = std::env::temp_dir().join(format!("licensectl-seed-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{}.json", text.len()));
        std::fs::write(&path, text).unwrap();
        let out = read(&path);
        let _ = std::fs::remove_file(&path);
        out
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
                "signed-license": {"licenses": [{"key": "D", "expires_at": "2027-01-01T00:00:00Z"}]}}"#,
        )
        .unwrap();
        assert_eq!(seed.dodo.unwrap().licenses[0].activation_limit, Some(2));
        assert_eq!(seed.devpayr.projects.unwrap()[0].id, 3);
        assert!(
            seed.signed_license.unwrap().licenses[0]
                .expires_at
                .is_some()
        );
    }
}
