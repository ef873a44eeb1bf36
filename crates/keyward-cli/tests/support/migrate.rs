//! A migration rig: a Lemon Squeezy emulator seeded with keys, a Dodo emulator that holds the
//! mapped product and customer (and refuses others, as the real API does), a directory for the
//! mapping, journal and plan, and `licensectl migrate` run against them.

use std::time::Duration;

use keyward::{DodoAdmin, DodoProvider};
use keyward_core::{LicenseAdmin, LicenseKey, ListRequest};
use keyward_emulator::dodo::DodoEmulator;
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed};
use tempfile::TempDir;

use super::{args, in_dir};

/// The source product the keys are of.
pub(crate) const PRODUCT: u64 = 41;
/// The Dodo product and customer it maps to.
pub(crate) const TARGET_PRODUCT: &str = "pdt_new";
pub(crate) const TARGET_CUSTOMER: &str = "cus_moved";

/// The key text of key `i`.
pub(crate) fn key(i: usize) -> String {
    format!("MIGRATE-{i:05}-SECRET-KEY")
}

pub(crate) struct Rig {
    pub ls: LemonSqueezyEmulator,
    pub dodo: DodoEmulator,
    pub dir: TempDir,
}

impl Rig {
    /// `keys` active keys of [`PRODUCT`] (limit 3, every other one expiring) and one disabled.
    pub(crate) async fn start(keys: usize) -> Self {
        let ls = LemonSqueezyEmulator::start().await;
        for i in 0..keys {
            let mut seed = LicenseSeed::new(key(i))
                .product(PRODUCT, 1)
                .activation_limit(3);
            if i % 2 == 0 {
                seed = seed.expires_at(chrono::DateTime::from_timestamp(1_900_000_000, 0).unwrap());
            }
            ls.add_license(seed);
        }
        // A disabled key stays behind.
        ls.add_license(
            LicenseSeed::new("MIGRATE-DISABLED-SECRET")
                .product(PRODUCT, 1)
                .disabled(),
        );
        let dodo = DodoEmulator::start().await;
        dodo.add_product(TARGET_PRODUCT, "Moved product");
        dodo.add_customer(TARGET_CUSTOMER, "moved@example.com", "Moved customer");
        dodo.require_known_references(true);
        let rig = Self {
            ls,
            dodo,
            dir: TempDir::new().unwrap(),
        };
        rig.map_to(TARGET_PRODUCT);
        rig
    }

    /// Writes the mapping: [`PRODUCT`] to `product`, every license to [`TARGET_CUSTOMER`].
    pub(crate) fn map_to(&self, product: &str) {
        std::fs::write(
            self.path("mapping.json"),
            format!(
                r#"{{"products": {{"{PRODUCT}": "{product}"}}, "default_customer": "{TARGET_CUSTOMER}"}}"#
            ),
        )
        .unwrap();
    }

    /// `name` in the rig's directory.
    pub(crate) fn path(&self, name: &str) -> String {
        in_dir(&self.dir, name)
    }

    /// `licensectl migrate` from the Lemon Squeezy emulator to the Dodo one, then `extra`.
    pub(crate) fn args(&self, extra: &[&str]) -> Vec<String> {
        let mut a = args(&[
            "migrate",
            "--from",
            "lemonsqueezy",
            "--to",
            "dodo",
            "--from-base-url",
            &self.ls.uri(),
            "--to-base-url",
            &self.dodo.uri(),
        ]);
        a.extend(args(&["--mapping", &self.path("mapping.json")]));
        a.extend(args(&["--journal", &self.path("journal.jsonl")]));
        a.extend(args(extra));
        a
    }

    pub(crate) fn envs(&self) -> Vec<(String, String)> {
        vec![
            ("LEMONSQUEEZY_API_KEY".into(), self.ls.api_key()),
            ("DODO_PAYMENTS_API_KEY".into(), self.dodo.api_key()),
        ]
    }

    /// The journal's lines: the header first, then one per license handled.
    pub(crate) fn journal(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.path("journal.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// How many license lines the journal holds (the header left out).
    pub(crate) fn journalled(&self) -> usize {
        let text = std::fs::read_to_string(self.path("journal.jsonl")).unwrap_or_default();
        text.lines().filter(|l| l.contains("\"source_id\"")).count()
    }

    /// The `POST /license_keys` Dodo received (faults included).
    pub(crate) async fn creates_sent(&self) -> usize {
        self.dodo
            .received_requests()
            .await
            .iter()
            .filter(|r| r.method.as_str() == "POST" && r.url.path() == "/license_keys")
            .count()
    }

    pub(crate) fn dodo(&self) -> DodoAdmin {
        DodoProvider::new(
            keyward_dodo::Client::builder()
                .base_url(self.dodo.uri())
                .api_key(self.dodo.api_key())
                .build()
                .unwrap(),
        )
        .admin()
        .unwrap()
    }

    /// Every key at Dodo.
    pub(crate) async fn at_dodo(&self) -> Vec<LicenseKey> {
        let dodo = self.dodo();
        let mut all = Vec::new();
        let mut request = ListRequest::new().page_size(100);
        loop {
            let answer = dodo.list(request.clone()).await.unwrap();
            all.extend(answer.items);
            match answer.next {
                Some(next) => request = ListRequest::new().page_size(100).page(next),
                None => return all,
            }
        }
    }
}

/// Waits (off the runtime) until the journal at `path` holds `lines` license lines, then kills
/// the child with SIGKILL; its output.
pub(crate) async fn kill_at(
    mut child: std::process::Child,
    path: String,
    lines: usize,
) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        let journalled = || {
            std::fs::read_to_string(&path)
                .map(|t| t.lines().filter(|l| l.contains("\"source_id\"")).count())
                .unwrap_or(0)
        };
        while journalled() < lines {
            assert!(
                child.try_wait().unwrap().is_none(),
                "finished before the interruption"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        child.kill().unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}
