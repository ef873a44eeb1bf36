//! The verification core: envelope → signature over the exact `response_base64` text → payload
//! → freshness. Pure: no clock, disk or network.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;
use std::fmt;

use crate::error::{UnsignedReason, VerifyError};
use crate::keys::{KeyRole, KeySet, SignedText};
use crate::payload::{Payload, SignedEnvelope, Verified};

/// The text the server puts in `signature` when it has no private key.
pub const UNSIGNED_SENTINEL: &str = "Private key not set";

/// Which keys a call accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum KeyScope {
    /// Only product keys (current or archived): the default for license-state calls.
    #[default]
    ProductOnly,
    /// Product keys and the global key.
    ProductOrGlobal,
}

/// What verification requires beyond a good signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// The oldest a signed timestamp may be (default 5 minutes).
    pub max_age: Duration,
    /// How far in the future a signed timestamp may be (default 60 seconds).
    pub max_skew: Duration,
    /// Which keys are accepted (default product keys only).
    pub key_scope: KeyScope,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            max_age: Duration::minutes(5),
            max_skew: Duration::seconds(60),
            key_scope: KeyScope::ProductOnly,
        }
    }
}

impl Policy {
    /// The defaults: 5 minutes old at most, 60 s ahead at most, product keys only.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the largest accepted age.
    #[must_use]
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// Sets the largest accepted clock skew into the future.
    #[must_use]
    pub fn max_skew(mut self, max_skew: Duration) -> Self {
        self.max_skew = max_skew;
        self
    }

    /// Sets which keys are accepted.
    #[must_use]
    pub fn key_scope(mut self, scope: KeyScope) -> Self {
        self.key_scope = scope;
        self
    }
}

/// Verifies a response body: the signature over the exact `response_base64` text with the
/// configured keys, then the payload, then its freshness against `now`.
///
/// The unsigned `response` copy is never read, except to report
/// [`plain_copy_matches`](Verified::plain_copy_matches).
pub fn verify(
    body: &[u8],
    keys: &KeySet,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Verified<Payload>, VerifyError> {
    let verified = authenticate(body, keys, policy.key_scope)?;
    check_freshness(verified.timestamp, policy, now)?;
    Ok(verified)
}

/// Rejects a timestamp older than `max_age` or further ahead than `max_skew`.
pub(crate) fn check_freshness(
    timestamp: i64,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<(), VerifyError> {
    let age = now.timestamp().saturating_sub(timestamp);
    if age > policy.max_age.num_seconds() {
        return Err(VerifyError::Stale { age_secs: age });
    }
    if age.saturating_neg() > policy.max_skew.num_seconds() {
        return Err(VerifyError::FromFuture {
            ahead_secs: age.saturating_neg(),
        });
    }
    Ok(())
}

/// Signature and payload checks, without freshness.
pub(crate) fn authenticate(
    body: &[u8],
    keys: &KeySet,
    scope: KeyScope,
) -> Result<Verified<Payload>, VerifyError> {
    let Ok(mut outer) = serde_json::from_slice::<Envelope>(body) else {
        return Err(VerifyError::NotJson);
    };
    let Some(Value::String(response_base64)) = outer.response_base64.take() else {
        return Err(VerifyError::MissingPayload);
    };
    let signature_text = match outer.signature.take() {
        Some(Value::String(s)) => s,
        Some(_) => return Err(VerifyError::Unsigned(UnsignedReason::NotBase64)),
        None => return Err(VerifyError::Unsigned(UnsignedReason::Missing)),
    };
    if signature_text == UNSIGNED_SENTINEL {
        return Err(VerifyError::Unsigned(UnsignedReason::PrivateKeyNotSet));
    }
    if signature_text.is_empty() {
        return Err(VerifyError::Unsigned(UnsignedReason::Empty));
    }
    let signature = STANDARD
        .decode(signature_text.as_bytes())
        .map_err(|_| VerifyError::Unsigned(UnsignedReason::NotBase64))?;
    let hint = match outer.private_key_used.take() {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    let prefer_global = hint.as_deref() == Some("global");
    let allow_global = scope == KeyScope::ProductOrGlobal;

    let message = response_base64.as_bytes();
    let text = SignedText::new(message);
    let candidates = keys.candidates(allow_global, prefer_global);
    let Some((key, role)) = candidates
        .iter()
        .find(|(key, _)| key.verifies_text(&text, &signature))
    else {
        if !allow_global
            && keys
                .global_key()
                .is_some_and(|g| g.verifies_text(&text, &signature))
        {
            return Err(VerifyError::GlobalKeyRefused);
        }
        return Err(VerifyError::BadSignature {
            tried: candidates.len(),
        });
    };

    // Only now is the signed text decoded.
    let decoded = STANDARD
        .decode(message)
        .map_err(|_| VerifyError::MalformedPayload(String::from("not standard base64")))?;
    let json = String::from_utf8(decoded)
        .map_err(|_| VerifyError::MalformedPayload(String::from("not UTF-8")))?;
    // The signed JSON is parsed once: compared with the unsigned copy, then read.
    let signed = Payload::value_of(&json);
    // The same text is the same JSON (how the server writes both, compact); only a copy written
    // differently is parsed to be compared as JSON.
    let plain_copy_matches = outer.response.map(|plain| {
        plain.get() == json
            || signed.as_ref().is_ok_and(|signed| {
                serde_json::from_str::<Value>(plain.get()).is_ok_and(|plain| *signed == plain)
            })
    });
    if plain_copy_matches == Some(false) {
        tracing::debug!("the unsigned `response` copy differs from the signed payload; ignored");
    }
    let payload = signed
        .and_then(|value| Payload::from_value(json, value))
        .map_err(VerifyError::MalformedPayload)?;
    let text_sha256 = text.into_sha256();
    Ok(Verified {
        timestamp: payload.timestamp(),
        value: payload,
        key_id: key.id().to_owned(),
        key_role: *role,
        envelope: SignedEnvelope {
            response_base64,
            signature: signature_text,
            private_key_used: hint,
        },
        plain_copy_matches,
        text_sha256,
    })
}

/// The envelope's members that verification reads, each as the JSON it was (the last one wins
/// when a name repeats, as in a parsed object); every other member is skipped unread. Anything
/// but a JSON object does not decode. The unsigned `response` copy is kept as the JSON text it
/// was (borrowed from the body), for the diagnostic comparison only.
#[derive(Default)]
struct Envelope<'a> {
    response_base64: Option<Value>,
    signature: Option<Value>,
    private_key_used: Option<Value>,
    response: Option<&'a RawValue>,
}

/// A member name of [`Envelope`].
enum Member {
    ResponseBase64,
    Signature,
    PrivateKeyUsed,
    Response,
    Other,
}

impl<'de> Deserialize<'de> for Member {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl Visitor<'_> for Name {
            type Value = Member;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Member, E> {
                Ok(match name {
                    "response_base64" => Member::ResponseBase64,
                    "signature" => Member::Signature,
                    "private_key_used" => Member::PrivateKeyUsed,
                    "response" => Member::Response,
                    _ => Member::Other,
                })
            }
        }
        deserializer.deserialize_identifier(Name)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Envelope<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Members<'a> {
            type Value = Envelope<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope<'a>, A::Error> {
                let mut envelope = Envelope::default();
                while let Some(member) = map.next_key::<Member>()? {
                    let slot = match member {
                        Member::ResponseBase64 => &mut envelope.response_base64,
                        Member::Signature => &mut envelope.signature,
                        Member::PrivateKeyUsed => &mut envelope.private_key_used,
                        Member::Response => {
                            envelope.response = Some(map.next_value()?);
                            continue;
                        }
                        Member::Other => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = Some(map.next_value()?);
                }
                Ok(envelope)
            }
        }
        deserializer.deserialize_map(Members(std::marker::PhantomData))
    }
}

impl KeyRole {
    /// Whether a product key signed.
    pub fn is_product(self) -> bool {
        self == Self::Product
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_envelope_reads_its_members_as_a_parsed_object_would() {
        let envelope: Envelope = serde_json::from_str(
            r#"{"signature":1,"extra":{"deep":[1,{"a":null}]},"signature":"s","response":null}"#,
        )
        .unwrap();
        assert_eq!(envelope.signature, Some(Value::from("s")));
        assert_eq!(envelope.response.map(RawValue::get), Some("null"));
        assert!(envelope.response_base64.is_none());
        assert!(envelope.private_key_used.is_none());
        for not_an_object in ["[1]", "\"text\"", "null", r#"{"a":1} trailing"#, "{"] {
            assert!(serde_json::from_str::<Envelope>(not_an_object).is_err());
        }
    }
}
