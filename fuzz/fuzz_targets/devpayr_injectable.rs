//! DevPayr injectables: hostile ciphertexts and signatures through `crypto::decrypt`,
//! `crypto::verify_signature` and `Injectable::verify_and_decrypt` (decoded from JSON, as the
//! client receives them); never a panic, and an intact, correctly signed ciphertext decrypts
//! back to its plaintext in both formats.
#![no_main]

use arbitrary::Arbitrary;
use aws_lc_rs::cipher::{AES_256, EncryptionContext, PaddedBlockEncryptingKey, UnboundCipherKey};
use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::iv::FixedLength;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use keyward_devpayr::InjectableSecret;
use keyward_devpayr::crypto::{decrypt, sign, verify_signature};
use keyward_devpayr::models::Injectable;
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "injectable-secret-CANARY";

#[derive(Arbitrary, Debug)]
enum Ciphertext<'a> {
    /// `base64(IV ‖ "::" ‖ base64(ct))`, the server's format.
    Server {
        iv: [u8; 16],
        plaintext: &'a [u8],
        corrupt: Option<(u16, u8)>,
    },
    /// `base64(base64(IV) "::" base64(ct))`, the helper package's format.
    Helper {
        iv: [u8; 16],
        plaintext: &'a [u8],
        corrupt: Option<(u16, u8)>,
    },
    Raw(&'a str),
}

#[derive(Arbitrary, Debug)]
enum Signature<'a> {
    Valid,
    Text(&'a str),
    Missing,
}

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    ciphertext: Ciphertext<'a>,
    signature: Signature<'a>,
    other_name: bool,
}

fn encrypt(iv: [u8; 16], plaintext: &[u8]) -> Option<Vec<u8>> {
    let key = digest(&SHA256, SECRET.as_bytes());
    let key = UnboundCipherKey::new(&AES_256, key.as_ref()).ok()?;
    let key = PaddedBlockEncryptingKey::cbc_pkcs7(key).ok()?;
    let mut data = plaintext.to_vec();
    key.less_safe_encrypt(&mut data, EncryptionContext::Iv128(FixedLength::from(iv)))
        .ok()?;
    Some(data)
}

fn corrupt(mut bytes: Vec<u8>, at: Option<(u16, u8)>) -> Vec<u8> {
    if let Some((i, x)) = at.filter(|(_, x)| *x != 0) {
        if !bytes.is_empty() {
            let i = usize::from(i) % bytes.len();
            bytes[i] ^= x;
        }
    }
    bytes
}

fuzz_target!(|input: Input<'_>| {
    let Ok(secret) = InjectableSecret::new(SECRET) else {
        return;
    };
    let (ciphertext, expected) = match input.ciphertext {
        Ciphertext::Raw(text) => (text.to_owned(), None),
        Ciphertext::Server {
            iv,
            plaintext,
            corrupt: at,
        }
        | Ciphertext::Helper {
            iv,
            plaintext,
            corrupt: at,
        } => {
            let Some(ct) = encrypt(iv, plaintext) else {
                return;
            };
            let outer = if matches!(input.ciphertext, Ciphertext::Server { .. }) {
                [&iv[..], b"::", STANDARD.encode(ct).as_bytes()].concat()
            } else {
                format!("{}::{}", STANDARD.encode(iv), STANDARD.encode(ct)).into_bytes()
            };
            let intact = at.is_none_or(|(_, x)| x == 0);
            (
                STANDARD.encode(corrupt(outer, at)),
                intact.then(|| plaintext.to_vec()),
            )
        }
    };
    let decrypted = decrypt(&ciphertext, &secret);
    if let Some(plain) = &expected {
        assert_eq!(decrypted.as_ref().ok(), Some(plain), "round trip failed");
    }
    let signature = match input.signature {
        Signature::Valid => Some(sign(&ciphertext, &secret)),
        Signature::Text(t) => Some(t.to_owned()),
        Signature::Missing => None,
    };
    if let Some(signature) = &signature {
        let _ = verify_signature(&ciphertext, signature, &secret);
    }
    let field = if input.other_name {
        "content"
    } else {
        "encrypted_content"
    };
    let json = serde_json::json!({ field: ciphertext, "signature": signature, "slug": "s" });
    if let Ok(injectable) = serde_json::from_value::<Injectable>(json) {
        match injectable.verify_and_decrypt(&secret) {
            Ok(plain) => {
                if let Some(expected) = &expected {
                    assert_eq!(&plain, expected);
                }
            }
            Err(e) => {
                let text = format!("{e} {e:?}");
                assert!(!text.contains(SECRET), "{text}");
            }
        }
    }
});
