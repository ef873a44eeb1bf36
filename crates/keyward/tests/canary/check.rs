//! The canary and its checker: every secret of the suite carries the canary; a text leaks when
//! it holds any 8-character piece of a secret, as is, percent-encoded or base64-encoded.

use std::fmt::{Debug, Display};
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};

/// The canary: base64-alphabet only, so it fits a Standard Webhooks secret too.
macro_rules! canary {
    () => {
        "cnRy4Qv7Zk2Xw9Lp"
    };
}

/// A license key the emulators hold and every call carries.
pub(crate) const LICENSE_KEY: &str = concat!("LK-", canary!(), "-0001");
/// A second license key, created through the facade (`create` with a key).
pub(crate) const CREATED_KEY: &str = concat!("LK-", canary!(), "-0002");
pub(crate) const DODO_API_KEY: &str = concat!("sk_", canary!(), "_dodo");
pub(crate) const LEMON_API_KEY: &str = concat!("ls_", canary!(), "_lemon");
pub(crate) const DEVPAYR_API_KEY: &str = concat!("gk_1_", canary!(), "_dvp");
pub(crate) const GKM_API_KEY: &str = concat!("gkm_", canary!(), "_api");
pub(crate) const POLAR_API_KEY: &str = concat!("polar_oat_", canary!());
pub(crate) const CREEM_API_KEY: &str = concat!("creem_", canary!(), "_key");
pub(crate) const KEYGEN_TOKEN: &str = concat!("admin-", canary!(), "-kgn");
pub(crate) const GUMROAD_TOKEN: &str = concat!("gumroad_", canary!(), "_tok");
/// Dodo's Standard Webhooks secret (`whsec_` + base64).
pub(crate) const DODO_WEBHOOK_SECRET: &str = concat!("whsec_", canary!(), "dodo");
pub(crate) const LEMON_WEBHOOK_SECRET: &str = concat!("ls-wh-", canary!(), "-lemon");
/// The guard's app secret (sealing key material).
pub(crate) const APP_SECRET: &str = concat!("app-", canary!(), "-secret");
/// The machine id the guard fingerprints.
pub(crate) const MACHINE_ID: &str = concat!("mid-", canary!(), "-id");
/// DevPayr's injectable secret.
pub(crate) const INJECTABLE_SECRET: &str = concat!("inj-", canary!(), "-secret");

/// Every secret of the suite. No prefix or suffix is 8 characters long: each 8-character
/// piece holds part of the canary.
pub(crate) const SECRETS: &[&str] = &[
    LICENSE_KEY,
    CREATED_KEY,
    DODO_API_KEY,
    LEMON_API_KEY,
    DEVPAYR_API_KEY,
    GKM_API_KEY,
    POLAR_API_KEY,
    CREEM_API_KEY,
    KEYGEN_TOKEN,
    GUMROAD_TOKEN,
    DODO_WEBHOOK_SECRET,
    LEMON_WEBHOOK_SECRET,
    APP_SECRET,
    MACHINE_ID,
    INJECTABLE_SECRET,
];

/// Every 8-character piece of `text`.
fn windows(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(8).map(|w| w.iter().collect()).collect()
}

fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What must never appear: every 8-character piece of every secret, of its percent-encoding,
/// and of its base64 encodings at each of the three byte alignments (the first and last four
/// characters of those depend on the bytes around the secret, so they are left out).
pub(crate) fn needles() -> Vec<String> {
    let mut out = Vec::new();
    for secret in SECRETS {
        out.extend(windows(secret));
        out.extend(windows(&percent_encoded(secret)));
        for pad in 0..3 {
            let bytes = [&b"xx"[..pad], secret.as_bytes()].concat();
            for engine in [STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
                let encoded = engine.encode(&bytes);
                if encoded.len() > 8 + 8 {
                    out.extend(windows(&encoded[4..encoded.len() - 4]));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every text the suite showed, with what it was.
#[derive(Default)]
pub(crate) struct Shown {
    texts: Mutex<Vec<(String, String)>>,
}

impl Shown {
    /// `Debug` (plain and pretty) of a value the user can hold.
    pub(crate) fn debug(&self, what: &str, value: &impl Debug) {
        self.text(what, format!("{value:?}"));
        self.text(what, format!("{value:#?}"));
    }

    /// `Display` and `Debug` of a value the user can hold.
    pub(crate) fn both(&self, what: &str, value: &(impl Debug + Display)) {
        self.text(what, value.to_string());
        self.debug(what, value);
    }

    /// `Debug` of a result, and `Display` of its error.
    pub(crate) fn result<T: Debug, E: Debug + Display>(&self, what: &str, value: &Result<T, E>) {
        self.debug(what, value);
        if let Err(e) = value {
            self.text(what, e.to_string());
        }
    }

    /// Any other text the user sees (a file written, a process's output).
    pub(crate) fn text(&self, what: &str, text: String) {
        self.texts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((what.to_owned(), text));
    }

    /// How many texts were shown, and their bytes.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let texts = self
            .texts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (texts.len(), texts.iter().map(|(_, t)| t.len()).sum())
    }

    /// How many texts show a redaction: the echoed secrets reached what the user sees.
    pub(crate) fn redacted(&self) -> usize {
        let texts = self
            .texts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        texts
            .iter()
            .filter(|(_, t)| t.contains(keyward_core::REDACTED))
            .count()
    }

    /// Every leak: what showed it, the piece, and the text around it.
    pub(crate) fn leaks(&self) -> Vec<String> {
        let needles = needles();
        let texts = self
            .texts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = Vec::new();
        for (what, text) in texts.iter() {
            out.extend(leaks_in(what, text, &needles));
        }
        out
    }
}

/// Fails with every leak, one a line.
pub(crate) fn assert_none(leaks: &[String]) {
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

/// The leaks of one text: one line per piece found, with its surroundings.
pub(crate) fn leaks_in(what: &str, text: &str, needles: &[String]) -> Vec<String> {
    needles
        .iter()
        .filter_map(|needle| {
            let at = text.find(needle.as_str())?;
            let before: String = text[..at].chars().rev().take(80).collect();
            let after: String = text[at..].chars().take(needle.len() + 80).collect();
            let before: String = before.chars().rev().collect();
            Some(format!("{what}: {needle:?} in …{before}{after}…"))
        })
        .collect()
}

/// The checker finds what it must: a sanity check of the needles themselves.
#[test]
fn the_checker_finds_every_form_of_a_secret() {
    let needles = needles();
    let found = |text: &str| !leaks_in("t", text, &needles).is_empty();
    let b64 = STANDARD_NO_PAD.encode(format!("user:{DODO_API_KEY}"));
    for text in [
        LICENSE_KEY.to_owned(),
        format!("Bearer {}", &GKM_API_KEY[2..10]),
        percent_encoded(&format!("{APP_SECRET}/x")),
        format!("Basic {b64}"),
        URL_SAFE_NO_PAD.encode(format!("{{\"k\":\"{MACHINE_ID}\"}}")),
    ] {
        assert!(found(&text), "{text}");
    }
    assert!(!found(
        "SecretLicenseKey(…0001) ApiKey([redacted]) LK-[redacted]"
    ));
}
