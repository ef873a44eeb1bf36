//! The signed-license keys and checks the envelope targets share.

use std::sync::LazyLock;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::Duration;
use keyward_signed_license::models::{
    AssignedLicenseKey, Contract, CreatedLicenseKeys, Downloadable, Generator, LicenseDetails,
    LicenseKeyRecord, Product, TelemetryRecord,
};
use keyward_signed_license::offline::verify_offline;
use keyward_signed_license::{
    Call, Expected, KeyScope, KeySet, Payload, Policy, PublicKey, SecretLicenseKey, Verifier,
    check_echoes, verify,
};

use crate::{CANARY, now};

const PRODUCT_PUB: &str =
    include_str!("../../fixtures/signed-license/test-keys/emulator-2048.pub.pem");
const PRODUCT_PRIVATE: &str =
    include_str!("../../fixtures/signed-license/test-keys/emulator-2048.TEST-ONLY.pkcs8.pem");
const ARCHIVED_PUB: &str =
    include_str!("../../fixtures/signed-license/test-keys/archived-2048.pub.pem");
const GLOBAL_PUB: &str =
    include_str!("../../fixtures/signed-license/docs-demo-signing-key.pub.pem");

/// The product key (current and archived) and the docs' global key, as a client pins them.
pub static KEYS: LazyLock<Option<KeySet>> = LazyLock::new(|| {
    let product = PublicKey::from_pem("product", PRODUCT_PUB).ok()?;
    let archived = PublicKey::from_pem("archived", ARCHIVED_PUB).ok()?;
    let global = PublicKey::from_pem("global", GLOBAL_PUB).ok()?;
    Some(
        KeySet::new(product)
            .with_archived_product_key(archived)
            .with_global_key(global),
    )
});

/// The product key's private half (a test-only key from fixtures/), to sign envelopes.
pub static SIGNER: LazyLock<Option<RsaKeyPair>> = LazyLock::new(|| {
    let body: String = PRODUCT_PRIVATE
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    RsaKeyPair::from_pkcs8(&STANDARD.decode(body).ok()?).ok()
});

/// The base64 signature of `message` with [`SIGNER`].
pub fn sign(message: &[u8]) -> String {
    let Some(key) = SIGNER.as_ref() else {
        return String::new();
    };
    let mut signature = vec![0; key.public_modulus_len()];
    match key.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        message,
        &mut signature,
    ) {
        Ok(()) => STANDARD.encode(signature),
        Err(_) => String::new(),
    }
}

/// Every verification path a client runs on an envelope (live with each key scope, through a
/// [`Verifier`] with echo checks and the replay store, offline), then every payload decode of
/// the client on what verified. Never panics; no error text shows the request's license key.
pub fn check_envelope(body: &[u8], newest_seen: Option<i64>) {
    let Some(keys) = KEYS.as_ref() else {
        return;
    };
    let now = now();
    let key = SecretLicenseKey::new(CANARY);
    let expected = Expected {
        license_key: Some(&key),
        identifier: Some("host-1"),
        product_id: Some(7),
    };
    let mut texts = Vec::new();
    // The payload is the same whichever scope verified it: decoded once, for the first.
    let mut decoded = false;
    for scope in [KeyScope::ProductOnly, KeyScope::ProductOrGlobal] {
        let policy = Policy::new().key_scope(scope);
        match verify(body, keys, &policy, now) {
            Ok(_) if decoded => {}
            Ok(verified) => {
                decoded = true;
                if let Err(e) = check_echoes(verified.value(), &expected) {
                    texts.push(format!("{e} {e:?}"));
                }
                texts.extend(decode_payload(verified.value()));
            }
            Err(e) => texts.push(format!("{e} {e:?}")),
        }
        let offline = verify_offline(
            body,
            keys,
            scope,
            Duration::days(7),
            Duration::hours(1),
            now,
            newest_seen,
        );
        if let Err(e) = offline {
            texts.push(format!("{e} {e:?}"));
        }
    }
    let verifier = Verifier::new(keys.clone(), Policy::new())
        .with_clock(std::sync::Arc::new(keyward_core::FixedClock::new(now)));
    let call = Call {
        operation: "verify",
        license_call: true,
        replay_guard: true,
        expected,
    };
    for _ in 0..2 {
        if let Err(e) = verifier.check(body, &call) {
            texts.push(format!("{e} {e:?}"));
        }
    }
    crate::assert_no_canary(&texts);
}

/// Every model a client decodes from a verified payload, the error texts of the failures.
pub fn decode_payload(payload: &Payload) -> Vec<String> {
    fn field<T: serde::de::DeserializeOwned>(p: &Payload, name: &str) -> Option<String> {
        p.field::<T>(name).err().map(|e| format!("{e} {e:?}"))
    }
    let _ = (
        payload.code(),
        payload.message(),
        payload.signed_at(),
        payload.raw(),
    );
    [
        payload
            .decode::<LicenseDetails>()
            .err()
            .map(|e| format!("{e} {e:?}")),
        payload
            .decode::<CreatedLicenseKeys>()
            .err()
            .map(|e| format!("{e} {e:?}")),
        field::<Vec<Downloadable>>(payload, "downloadables"),
        field::<Vec<Contract>>(payload, "contracts"),
        field::<Contract>(payload, "contract"),
        field::<Vec<Product>>(payload, "products"),
        field::<Vec<Generator>>(payload, "products"),
        field::<Vec<LicenseKeyRecord>>(payload, "license_keys"),
        field::<Vec<AssignedLicenseKey>>(payload, "license_keys"),
        field::<Vec<TelemetryRecord>>(payload, "data"),
        field::<u64>(payload, "meta_id"),
        field::<u64>(payload, "count"),
    ]
    .into_iter()
    .flatten()
    .collect()
}
