//! A Keygen machine file as the guard's signed [`Lease`].
//!
//! After a valid machine-scoped validation, the adapter checks out the machine's file
//! **encrypted** (AES-256-GCM keyed with the SHA-256 of the license key and the fingerprint, as
//! Keygen encrypts files): the proof kept on disk is that certificate and the fingerprint, and
//! holds no license key, not even encoded. The lease is signed at the file's signed `issued` and
//! ends at its signed `expiry` (the check-out's TTL). [`verify`] checks it again before each use:
//! the signature over the exact `enc` first (under the account key of the file's algorithm:
//! Ed25519, RSA or ECDSA, [`Client::account_keys`]), then the decryption (which only the license
//! key and fingerprint it was made for can do), then that the signed machine is that
//! fingerprint. Threat model: someone who can edit, swap or restore the state file but holds
//! neither the account's private key nor the license key cannot make a lease verify with other
//! times or for another key or machine; a restored older file still verifies, and its signed
//! expiry is what bounds it.

use ::keyward_keygen::{AccountKeys, CheckoutOptions, Client, MachineFile};
use keyward_core::{Lease, LicenseError, SecretLicenseKey};
use serde_json::{Value, json};

use super::PROVIDER;

/// Checks out the machine `machine` (an id or the fingerprint) as an encrypted machine file and
/// answers it as a lease; `None` when the client holds no account key, or the check-out fails
/// (the validation stands; only offline time is not granted).
pub(super) async fn check_out(
    client: &Client,
    key: &SecretLicenseKey,
    machine: &str,
    fingerprint: &str,
) -> Option<Lease> {
    let keys = Some(client.account_keys()).filter(|k| !k.is_empty())?;
    let mut options = CheckoutOptions::default();
    options.encrypt = true;
    let as_app = client.with_license_key(key.clone());
    let checkout = match as_app.machines().check_out(machine, &options).await {
        Ok(document) => document.into_data(),
        // A policy that forbids check-outs, or a failure: the validation stands, with no lease.
        Err(_) => return None,
    };
    // What the guard keeps: the certificate and the fingerprint it was encrypted for.
    let proof =
        json!({"fingerprint": fingerprint, "machine_file": checkout.attributes.certificate})
            .to_string();
    // Encrypted, the file cannot carry the key in clear; refuse one that would anyway.
    if proof.contains(key.expose()) {
        return None;
    }
    read(keys, key, &proof).ok()
}

/// The lease's machine file verified again, offline (see the module's threat model).
pub(super) fn verify(
    client: &Client,
    key: &SecretLicenseKey,
    proof: &str,
) -> Result<Lease, LicenseError> {
    let keys = client.account_keys();
    if keys.is_empty() {
        return Err(LicenseError::config(
            "verifying a Keygen lease needs the account's public key",
        )
        .with_provider(PROVIDER.as_str())
        .with_operation("verify lease"));
    }
    read(keys, key, proof)
}

fn read(keys: &AccountKeys, key: &SecretLicenseKey, text: &str) -> Result<Lease, LicenseError> {
    let fail = |message: &str| {
        LicenseError::signature(message.to_owned())
            .with_provider(PROVIDER.as_str())
            .with_operation("verify lease")
    };
    let proof: Value = serde_json::from_str(text).unwrap_or_default();
    let (Some(fingerprint), Some(certificate)) = (
        proof["fingerprint"].as_str(),
        proof["machine_file"].as_str(),
    ) else {
        return Err(fail("the lease is not a Keygen machine file"));
    };
    let file = MachineFile::verify(certificate, keys, Some((key, fingerprint)))
        .map_err(|e| e.with_operation("verify lease"))?;
    if !file.encrypted {
        return Err(fail("the lease's machine file is not encrypted"));
    }
    if file.data.attributes.fingerprint != fingerprint {
        return Err(fail("the machine file is for another machine"));
    }
    let signed_at = file
        .meta
        .issued
        .ok_or_else(|| fail("the machine file has no signed issue time"))?;
    let lease = Lease::new(text, signed_at);
    Ok(match file.meta.expiry {
        Some(expiry) => lease.valid_until(expiry),
        None => lease,
    })
}
