//! keygen: license and machine files. Any bytes as a certificate of either kind, with and
//! without a decryption key: never a panic, never the license key in an error. A certificate
//! signed here over any payload: refused only when a byte of it changed.
#![no_main]

use arbitrary::Arbitrary;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use keyward_keygen::{LicenseFile, MachineFile, SecretLicenseKey, SigningKey};
use libfuzzer_sys::fuzz_target;

const LICENSE_KEY: &str = "CANARY-KEYGEN-LICENSE-7f3a41";

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    raw: &'a [u8],
    payload: &'a str,
    machine: bool,
    flip: Option<u16>,
}

fuzz_target!(|input: Input<'_>| {
    let Ok(signer) = SigningKey::from_seed(&[9; 32]) else {
        return;
    };
    let key = signer.public_key();
    let license_key = SecretLicenseKey::new(LICENSE_KEY);
    let text = String::from_utf8_lossy(input.raw);
    for result in [
        LicenseFile::verify(&text, &key, Some(&license_key)).map(drop),
        LicenseFile::verify(&text, &key, None).map(drop),
        MachineFile::verify(&text, &key, Some((&license_key, "fp"))).map(drop),
    ] {
        if let Err(e) = result {
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains(LICENSE_KEY), "{shown}");
        }
    }

    let (prefix, label) = if input.machine {
        ("machine/", "MACHINE FILE")
    } else {
        ("license/", "LICENSE FILE")
    };
    let enc = STANDARD.encode(input.payload.as_bytes());
    let sig = STANDARD.encode(signer.sign(format!("{prefix}{enc}").as_bytes()));
    let envelope = serde_json::json!({"enc": enc, "sig": sig, "alg": "base64+ed25519"}).to_string();
    let mut body = STANDARD.encode(envelope.as_bytes()).into_bytes();
    let flipped = input.flip.map(|at| {
        let i = usize::from(at) % body.len();
        body[i] = if body[i] == b'A' { b'B' } else { b'A' };
    });
    let certificate = format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        String::from_utf8_lossy(&body)
    );
    let verdict = if input.machine {
        MachineFile::verify(&certificate, &key, None).map(drop)
    } else {
        LicenseFile::verify(&certificate, &key, None).map(drop)
    };
    match (flipped, verdict) {
        // Untouched: it verifies; only a payload that is not a license or machine document fails.
        (None, Err(e)) => assert!(!e.is_signature(), "{e}"),
        // A changed byte of the envelope is never read as genuine.
        (Some(()), Ok(())) => panic!("a changed certificate was accepted"),
        _ => {}
    }
});
