//! The signed payload, and the [`Verified`] wrapper that only verification can build.

use std::fmt;

use aws_lc_rs::digest::Digest;
use chrono::{DateTime, Utc};
use keyward_core::{LicenseError, RawJson, decode_json, without_values};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::code::ResponseCode;
use crate::keys::KeyRole;

/// The decoded `response_base64`: code, message, the call's fields and the server timestamp.
/// Everything here was covered by the signature. `Debug` shows code, timestamp, the message's
/// length and the field names only: payloads (their message included, which can echo what the
/// request sent) can hold license keys and URLs that embed the API key.
#[derive(Clone, PartialEq)]
pub struct Payload {
    code: ResponseCode,
    message: String,
    timestamp: i64,
    fields: Map<String, Value>,
    json: String,
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payload")
            .field("code", &self.code)
            .field("message_chars", &self.message.len())
            .field("timestamp", &self.timestamp)
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Payload {
    /// Reads the signed JSON text (called only after the signature verified), in two steps:
    /// Parses the signed JSON text once, for [`from_value`](Self::from_value) (and for comparing
    /// with the unsigned copy before that).
    pub(crate) fn value_of(json: &str) -> Result<Value, String> {
        // serde's messages quote values, and signed payloads carry license keys and URLs that
        // embed the API key: every message loses its quoted values.
        serde_json::from_str(json).map_err(|e| without_values(&format!("not JSON: {e}")))
    }

    /// The payload of the signed JSON text `json`, already parsed into `value`.
    pub(crate) fn from_value(json: String, value: Value) -> Result<Self, String> {
        let Value::Object(mut fields) = value else {
            return Err(String::from("not a JSON object"));
        };
        let code = fields.remove("code").ok_or("no `code`")?;
        let code =
            ResponseCode::deserialize(code).map_err(|e| without_values(&format!("`code`: {e}")))?;
        let timestamp = match fields.remove("timestamp") {
            Some(Value::Number(n)) => n.as_i64().ok_or("`timestamp` is not an integer")?,
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map_err(|_| "`timestamp` is not a number")?,
            _ => return Err(String::from("no integer `timestamp`")),
        };
        let message = match fields.remove("message") {
            Some(Value::String(s)) => s,
            _ => String::new(),
        };
        Ok(Self {
            code,
            message,
            timestamp,
            fields,
            json,
        })
    }

    /// The response code.
    pub fn code(&self) -> ResponseCode {
        self.code
    }

    /// The server's message (fixed English text per code; do not branch on it).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The server timestamp, Unix seconds.
    pub fn timestamp(&self) -> i64 {
        self.timestamp
    }

    /// The server timestamp as a date, if representable.
    pub fn signed_at(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.timestamp, 0)
    }

    /// The fields beyond `code`, `message` and `timestamp`.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// The exact signed JSON text.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The signed JSON as received (verified), for models to keep: `raw().at("/license_keys/0")`.
    pub fn raw(&self) -> RawJson {
        RawJson::from_text(self.json.clone())
    }

    /// Decodes one field; `Ok(None)` when it is absent. A decode error names the path.
    pub fn field<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, LicenseError> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => {
                let text = value.to_string();
                decode_json(text.as_bytes(), without_values)
                    .map(Some)
                    .map_err(|e| {
                        LicenseError::decode(format!("field `{name}`: {}", e.message()))
                            .with_provider(crate::PROVIDER)
                    })
            }
        }
    }

    /// Decodes the whole signed JSON into `T`. A decode error names the path.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, LicenseError> {
        decode_json(self.json.as_bytes(), without_values)
            .map_err(|e| e.with_provider(crate::PROVIDER))
    }
}

/// The signed part of an envelope, as received: enough to re-verify it later, offline.
/// Serialises to a valid envelope (without the unsigned `response` copy). `Debug` shows lengths
/// only (the base64 text can carry secrets).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedEnvelope {
    /// The signed base64 text.
    pub response_base64: String,
    /// The base64 signature.
    pub signature: String,
    /// The server's unsigned hint of which key signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key_used: Option<String>,
}

impl fmt::Debug for SignedEnvelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedEnvelope")
            .field("response_base64_chars", &self.response_base64.len())
            .field("signature_chars", &self.signature.len())
            .field("private_key_used", &self.private_key_used)
            .finish()
    }
}

/// A value that came out of a verified response. Only this crate's verification builds one.
#[derive(Debug, Clone)]
pub struct Verified<T> {
    pub(crate) value: T,
    pub(crate) key_id: String,
    pub(crate) key_role: KeyRole,
    pub(crate) timestamp: i64,
    pub(crate) envelope: SignedEnvelope,
    pub(crate) plain_copy_matches: Option<bool>,
    /// SHA-256 of the signed `response_base64` text when the signature check computed it (an
    /// RSA-SHA256 key), kept for the replay store.
    pub(crate) text_sha256: Option<Digest>,
}

impl<T> Verified<T> {
    /// The verified value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The verified value, owned.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The id of the key whose signature verified.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Whether a product key or the global key signed.
    pub fn key_role(&self) -> KeyRole {
        self.key_role
    }

    /// The signed server timestamp, Unix seconds.
    pub fn timestamp(&self) -> i64 {
        self.timestamp
    }

    /// The signed part of the envelope, to save for offline re-verification.
    pub fn envelope(&self) -> &SignedEnvelope {
        &self.envelope
    }

    /// The signed envelope as JSON: exactly what `serde_json::to_string(self.envelope())`
    /// writes (to keep it as a proof, for example), built faster. Verification decoded both
    /// base64 texts with the standard alphabet, so they hold no character JSON escapes and are
    /// copied as they are; only the unsigned hint goes through the escaping writer.
    pub fn envelope_json(&self) -> Result<String, serde_json::Error> {
        let SignedEnvelope {
            response_base64,
            signature,
            private_key_used,
        } = &self.envelope;
        let mut out = Vec::with_capacity(response_base64.len() + signature.len() + 96);
        out.extend_from_slice(b"{\"response_base64\":\"");
        out.extend_from_slice(response_base64.as_bytes());
        out.extend_from_slice(b"\",\"signature\":\"");
        out.extend_from_slice(signature.as_bytes());
        out.push(b'"');
        if let Some(hint) = private_key_used {
            out.extend_from_slice(b",\"private_key_used\":");
            serde_json::to_writer(&mut out, hint)?;
        }
        out.push(b'}');
        // Only ASCII and a string serde_json wrote went in.
        String::from_utf8(out).map_err(|e| serde::ser::Error::custom(e.to_string()))
    }

    /// Diagnostic only: whether the unsigned `response` copy equals the signed payload
    /// (`None` when the envelope had no copy). Nothing is ever read from the copy.
    pub fn plain_copy_matches(&self) -> Option<bool> {
        self.plain_copy_matches
    }

    /// Transforms the value, keeping the verification facts.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Verified<U> {
        Verified {
            value: f(self.value),
            key_id: self.key_id,
            key_role: self.key_role,
            timestamp: self.timestamp,
            envelope: self.envelope,
            plain_copy_matches: self.plain_copy_matches,
            text_sha256: self.text_sha256,
        }
    }

    /// Transforms the value with a fallible function.
    pub fn try_map<U, E>(self, f: impl FnOnce(T) -> Result<U, E>) -> Result<Verified<U>, E> {
        let Self {
            value,
            key_id,
            key_role,
            timestamp,
            envelope,
            plain_copy_matches,
            text_sha256,
        } = self;
        Ok(Verified {
            value: f(value)?,
            key_id,
            key_role,
            timestamp,
            envelope,
            plain_copy_matches,
            text_sha256,
        })
    }
}
