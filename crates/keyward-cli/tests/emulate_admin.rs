//! Every admin command against a real `licensectl emulate` child process, one table row per
//! provider: create or import (a key from standard input, then from a file), update (limit,
//! expiry, `--unlimited`, `--never-expires`), disable, enable, `list --all`, export (JSON Lines and
//! CSV, with and without `--include-keys`), and exit code 2 with "not supported by <provider>"
//! where the provider lacks the operation. Each change is checked three ways: the CLI's answer,
//! a plain HTTP request to the provider's own route, and the control API's dump. SIGTERM ends it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use serde_json::Value;
use support::admin::{Cli, not_supported};
use support::emulate::{Running, start};
use support::text;
use tempfile::TempDir;

/// The demo seed's key at Dodo, Lemon Squeezy and GetKeyManager.
const DEMO_KEY: &str = "DEMO-7F3A-41C2-9B8E-5D60";

/// How a provider gets a new license.
enum Make {
    /// It imports a key given to it (read from standard input, then from a file); `create`
    /// without a key is not supported.
    Import,
    /// It generates the key; `import` is not supported.
    Create,
    /// Neither: both are "not supported"; the tests use the seeded license `id` (key `DEMO_KEY`).
    Seeded { id: &'static str },
}

/// What `update` can do at a provider.
enum Update {
    /// Limit and expiry, set and cleared.
    Full,
    /// All but an expiry date, refused with this text.
    NoExpiryDate { refusal: &'static str },
    /// Nothing: "not supported by <provider>".
    Unsupported,
}

/// One provider: what it supports and where its own data shows a license.
struct Case {
    /// The `--provider` name, also the control API's.
    provider: &'static str,
    make: Make,
    /// What `create` and `import` also need.
    make_args: &'static [&'static str],
    update: Update,
    /// Whether the CLI validates the bare key (no instance needed).
    validates_bare_key: bool,
    /// The licenses in the control API's dump, and in each: the key, limit and disabled flag.
    dump_list: &'static str,
    dump_key: &'static str,
    dump_limit: &'static str,
    /// The disabled flag's pointer in a license (dump and plain HTTP alike) and its value when
    /// disabled.
    disabled_at: &'static str,
    disabled_is: &'static str,
    /// The provider's own route showing one license, and where the license is in its answer.
    raw: fn(&Running, &str) -> reqwest::RequestBuilder,
    raw_license: fn(Value, &str) -> Value,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            provider: "dodo",
            make: Make::Import,
            make_args: &["--product", "pdt_1", "--customer", "cus_1"],
            update: Update::Full,
            validates_bare_key: true,
            dump_list: "/dodo/state/license_keys",
            dump_key: "/key",
            dump_limit: "/activations_limit",
            disabled_at: "/status",
            disabled_is: "\"disabled\"",
            raw: |emu, id| {
                let url = format!("{}/license_keys/{id}", emu.var("DODO_PAYMENTS_BASE_URL"));
                reqwest::Client::new()
                    .get(url)
                    .bearer_auth(emu.var("DODO_PAYMENTS_API_KEY"))
            },
            raw_license: |answer, _| answer,
        },
        Case {
            provider: "lemonsqueezy",
            make: Make::Seeded { id: "1" },
            make_args: &[],
            update: Update::Full,
            validates_bare_key: true,
            dump_list: "/lemonsqueezy/state/license-keys",
            dump_key: "/attributes/key",
            dump_limit: "/attributes/activation_limit",
            disabled_at: "/attributes/disabled",
            disabled_is: "true",
            raw: |emu, id| {
                let url = format!("{}/v1/license-keys/{id}", emu.var("LEMONSQUEEZY_BASE_URL"));
                reqwest::Client::new()
                    .get(url)
                    .bearer_auth(emu.var("LEMONSQUEEZY_API_KEY"))
                    .header("accept", "application/vnd.api+json")
            },
            raw_license: |answer, _| answer["data"].clone(),
        },
        Case {
            provider: "devpayr",
            make: Make::Create,
            make_args: &["--title", "Admin test"],
            update: Update::Unsupported,
            validates_bare_key: false,
            dump_list: "/devpayr/state/licenses",
            dump_key: "/uuid",
            dump_limit: "/max_domains",
            disabled_at: "/status",
            disabled_is: "\"revoked\"",
            raw: |emu, id| {
                let url = format!(
                    "{}project/{}/licenses/{id}",
                    emu.var("DEVPAYR_BASE_URL"),
                    emu.var("DEVPAYR_PROJECT_ID")
                );
                reqwest::Client::new()
                    .get(url)
                    .header("x-api-key", emu.var("DEVPAYR_API_KEY"))
            },
            raw_license: |answer, _| answer["data"].clone(),
        },
        Case {
            provider: "signed-license",
            make: Make::Import,
            make_args: &[],
            update: Update::NoExpiryDate {
                refusal: "validity in days",
            },
            validates_bare_key: false,
            dump_list: "/signed-license/state/licenses",
            dump_key: "/license_key",
            dump_limit: "/activation_limit",
            disabled_at: "/status",
            disabled_is: "\"blocked\"",
            // Every key of the install at once; the unsigned `response` copy is what a user
            // reading it with curl sees (the CLI verifies the signed one).
            raw: |emu, _| {
                let url = format!(
                    "{}/api/v1/get-license-keys?api_key={}",
                    emu.var("GETKEYMANAGER_BASE_URL"),
                    emu.var("GETKEYMANAGER_API_KEY")
                );
                reqwest::Client::new().get(url)
            },
            raw_license: |answer, id| {
                let keys = answer["response"]["license_keys"].as_array().unwrap();
                keys.iter()
                    .find(|k| same_id(&k["id"], id))
                    .cloned()
                    .unwrap_or(Value::Null)
            },
        },
    ]
}

/// Whether a numeric JSON id is `id`.
fn same_id(value: &Value, id: &str) -> bool {
    id.parse::<u64>().is_ok_and(|n| *value == n)
}

impl Case {
    /// The license with key `key` in the control API's dump.
    async fn dumped(&self, emu: &Running, key: &str) -> Value {
        let dump = emu.dump().await;
        let list = dump.pointer(self.dump_list).unwrap().as_array().unwrap();
        list.iter()
            .find(|l| l.pointer(self.dump_key) == Some(&Value::from(key)))
            .cloned()
            .unwrap_or_else(|| panic!("{}: no {key} in {dump}", self.provider))
    }

    /// How many licenses the dump holds.
    async fn dumped_count(&self, emu: &Running) -> usize {
        let dump = emu.dump().await;
        dump.pointer(self.dump_list)
            .unwrap()
            .as_array()
            .unwrap()
            .len()
    }

    /// License `id` as the provider's own route answers it, by plain HTTP.
    async fn raw_license(&self, emu: &Running, id: &str) -> Value {
        let answer = (self.raw)(emu, id).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{}", self.provider);
        let body: Value = answer.json().await.unwrap();
        let license = (self.raw_license)(body, id);
        assert!(license.is_object(), "{}: {id}", self.provider);
        license
    }

    fn is_disabled(&self, license: &Value) -> bool {
        license
            .pointer(self.disabled_at)
            .is_some_and(|v| *v == serde_json::from_str::<Value>(self.disabled_is).unwrap())
    }

    /// Creates or imports the licenses; the id and key the rest of the run works on.
    async fn make(&self, emu: &Running, cli: &mut Cli, dir: &TempDir) -> (String, String) {
        let key_a = format!("EMU-{}-STDIN-SECRET-0001", self.provider.to_uppercase());
        let key_b = format!("EMU-{}-FILE-SECRET-0002", self.provider.to_uppercase());
        let import = |from: &'static str| {
            let mut a = vec!["import", "--key-file", from, "--limit", "2"];
            a.extend_from_slice(self.make_args);
            a
        };
        match self.make {
            Make::Import => {
                // From standard input, then from a file: never from the command line.
                let a = cli.json(&import("-"), Some(&format!("{key_a}\n"))).await;
                assert_eq!(a["key_last4"], "0001", "{a}");
                assert_eq!(a["activation_limit"], 2, "{a}");
                let file = support::in_dir(dir, &format!("{}.key", self.provider));
                std::fs::write(&file, format!("{key_b}\n")).unwrap();
                let mut from_file: Vec<&str> = vec!["import", "--key-file", &file];
                from_file.extend_from_slice(self.make_args);
                let b = cli.json(&from_file, None).await;
                assert_eq!(b["key_last4"], "0002", "{b}");
                assert_ne!(a["id"], b["id"]);
                // Both keys are at the emulator (`dumped` fails when one is not).
                self.dumped(emu, &key_a).await;
                self.dumped(emu, &key_b).await;
                // The same key again is refused; so is `create` without a key.
                cli.expect(2, &import("-"), Some(&key_a)).await;
                let mut create = vec!["create"];
                create.extend_from_slice(self.make_args);
                not_supported(&cli.run(&create, None).await, self.provider);
                (a["id"].as_str().unwrap().to_owned(), key_a)
            }
            Make::Create => {
                let mut create = vec!["create", "--limit", "3"];
                create.extend_from_slice(self.make_args);
                let created = cli.json(&create, None).await;
                let id = created["id"].as_str().unwrap().to_owned();
                let dump = emu.dump().await;
                let list = dump.pointer(self.dump_list).unwrap().as_array().unwrap();
                let record = list.iter().find(|l| same_id(&l["id"], &id)).unwrap();
                let key = record.pointer(self.dump_key).unwrap().as_str().unwrap();
                assert_eq!(created["key_last4"], key[key.len() - 4..]);
                assert_eq!(record.pointer(self.dump_limit), Some(&Value::from(3)));
                let out = cli.run(&import("-"), Some(&key_a)).await;
                not_supported(&out, self.provider);
                (id, key.to_owned())
            }
            Make::Seeded { id } => {
                let out = cli.run(&import("-"), Some(&key_a)).await;
                not_supported(&out, self.provider);
                let out = cli.run(&["import", "--key-file", "-"], Some(&key_a)).await;
                not_supported(&out, self.provider);
                let out = cli.run(&["create"], None).await;
                not_supported(&out, self.provider);
                (id.to_owned(), DEMO_KEY.to_owned())
            }
        }
    }

    /// Every kind of `update` the provider takes; the others refused.
    async fn updates(&self, emu: &Running, cli: &mut Cli, id: &str, key: &str) {
        if matches!(self.update, Update::Unsupported) {
            for flags in [
                &["--limit", "5"][..],
                &["--never-expires"],
                &["--unlimited"],
            ] {
                let mut a = vec!["update", id];
                a.extend_from_slice(flags);
                not_supported(&cli.run(&a, None).await, self.provider);
            }
            return;
        }
        let updated = cli.json(&["update", id, "--limit", "5"], None).await;
        assert_eq!(updated["activation_limit"], 5, "{updated}");
        assert_eq!(
            self.dumped(emu, key).await.pointer(self.dump_limit),
            Some(&Value::from(5))
        );
        let updated = cli.json(&["update", id, "--unlimited"], None).await;
        assert!(updated["activation_limit"].is_null(), "{updated}");
        let expiry = ["update", id, "--expires-at", "2031-02-01T00:00:00Z"];
        match self.update {
            Update::NoExpiryDate { refusal } => {
                let out = cli.expect(2, &expiry, None).await;
                assert!(text(&out).contains(refusal), "{}", text(&out));
            }
            _ => {
                let updated = cli.json(&expiry, None).await;
                let at = updated["expires_at"].as_str().unwrap();
                assert!(at.starts_with("2031-02-01"), "{updated}");
                // Past the expiry the key no longer validates; "never" brings it back below.
                emu.control(
                    &format!("{}/clock", self.provider),
                    serde_json::json!({"now": "2031-03-01T00:00:00Z"}),
                )
                .await;
                cli.expect(1, &["validate", "-"], Some(key)).await;
            }
        }
        let updated = cli
            .json(&["update", id, "--limit", "3", "--never-expires"], None)
            .await;
        assert_eq!(updated["activation_limit"], 3, "{updated}");
        assert!(updated["expires_at"].is_null(), "{updated}");
        if self.validates_bare_key {
            cli.expect(0, &["validate", "-"], Some(key)).await;
        }
        emu.control(
            &format!("{}/clock", self.provider),
            serde_json::json!({"system": true}),
        )
        .await;
        // Nothing to change, or a time that is not one: refused before anything is sent.
        cli.expect(2, &["update", id], None).await;
        cli.expect(2, &["update", id, "--expires-at", "tomorrow"], None)
            .await;
    }

    /// Disable then enable, each seen by the CLI, the provider's own route and the dump.
    async fn disable_enable(&self, emu: &Running, cli: &mut Cli, id: &str, key: &str) {
        let disabled = cli.json(&["disable", id], None).await;
        let status = disabled["status"].as_str().unwrap().to_owned();
        assert!(
            ["disabled", "revoked"].contains(&status.as_str()),
            "{disabled}"
        );
        let raw = self.raw_license(emu, id).await;
        assert!(self.is_disabled(&raw), "{}: {raw}", self.provider);
        assert!(self.is_disabled(&self.dumped(emu, key).await));
        if self.validates_bare_key {
            cli.expect(1, &["validate", "-"], Some(key)).await;
        }
        let enabled = cli.json(&["enable", id], None).await;
        assert_ne!(enabled["status"].as_str().unwrap(), status, "{enabled}");
        let raw = self.raw_license(emu, id).await;
        assert!(!self.is_disabled(&raw), "{}: {raw}", self.provider);
        assert!(!self.is_disabled(&self.dumped(emu, key).await));
        if self.validates_bare_key {
            cli.expect(0, &["validate", "-"], Some(key)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_admin_command_on_every_provider_against_a_child_process() {
    let mut emu = start(&[]);
    let dir = TempDir::new().unwrap();
    for case in cases() {
        let mut cli = Cli::provider(case.provider, emu.env.clone());
        let (id, key) = case.make(&emu, &mut cli, &dir).await;
        case.updates(&emu, &mut cli, &id, &key).await;
        case.disable_enable(&emu, &mut cli, &id, &key).await;

        // `list --all` and the exports hold exactly what the emulator holds.
        let count = case.dumped_count(&emu).await;
        assert_eq!(cli.all().await.len(), count, "{}", case.provider);
        cli.exports(count, &key).await;
        // Only the `--include-keys` exports (not kept in `printed`) showed a key or API key.
        let api_keys: Vec<String> = emu
            .env
            .iter()
            .filter(|(k, _)| k.ends_with("_API_KEY"))
            .map(|(_, v)| v.clone())
            .collect();
        let mut secrets: Vec<&str> = api_keys.iter().map(String::as_str).collect();
        secrets.push(&key);
        cli.assert_no_secret(&secrets);

        // What the child holds at the end, through the control API: every provider's license
        // has the last limit set (3, DevPayr's from its creation) and is enabled.
        let last = case.dumped(&emu, &key).await;
        assert_eq!(
            last.pointer(case.dump_limit),
            Some(&Value::from(3)),
            "{last}"
        );
        assert!(!case.is_disabled(&last), "{last}");
    }

    // SIGTERM: a clean exit, and nothing listens any more.
    let dodo_url = emu.var("DODO_PAYMENTS_BASE_URL");
    emu.stop("-TERM");
    assert!(reqwest::get(&dodo_url).await.unwrap_err().is_connect());
}
