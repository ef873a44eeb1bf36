//! A license's create and update parameters checked before anything changes: `typed_params`'
//! blank key and metadata depth (`licenses_controller.rb`: `depth: { maximum: 2 }`) and
//! `license.rb`'s key validations, under the policy's key scheme, and its own permissions.

use serde_json::Value;

use super::answer::{Answer, error, unprocessable};
use super::auth::Caller;
use super::roles::{LICENSE_PERMISSIONS, UserRole};
use super::state::State;

/// The 400 of `typed_params` for a blank key (`"key": ""`).
pub(crate) fn blank_key(attributes: &Value) -> Option<Answer> {
    (attributes["key"].as_str() == Some("")).then(|| {
        let pointer = "/data/attributes/key";
        error(400, "Bad request", "cannot be blank", None, Some(pointer))
    })
}

/// The 400 of `typed_params`' `depth: { maximum: 2 }` for `metadata`: an object or array
/// nested more than two levels inside it, named by its pointer.
pub(crate) fn metadata_too_deep(attributes: &Value) -> Option<Answer> {
    fn deepest(value: &Value, pointer: String, level: usize) -> Option<String> {
        let children: Vec<(String, &Value)> = match value {
            Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => return None,
        };
        if level > 2 {
            return Some(pointer);
        }
        children
            .into_iter()
            .find_map(|(name, child)| deepest(child, format!("{pointer}/{name}"), level + 1))
    }
    let metadata = attributes.get("metadata")?;
    let pointer = deepest(metadata, "/data/attributes/metadata".to_owned(), 0)?;
    Some(error(
        400,
        "Bad request",
        "maximum depth of 2 exceeded",
        None,
        Some(&pointer),
    ))
}

/// The 422 of `license.rb`'s key validations on create: reserved, shorter than 6 characters
/// (without a scheme), refused by the policy's scheme (a key `given`, not generated), another
/// license's id.
pub(crate) fn invalid_key(
    state: &State,
    key: &str,
    scheme: Option<&str>,
    given: bool,
) -> Option<Answer> {
    let pointer = "/data/attributes/key";
    if matches!(key, "actions" | "action") {
        return Some(unprocessable(
            "is reserved",
            Some("KEY_NOT_ALLOWED"),
            pointer,
        ));
    }
    if scheme.is_none() && key.chars().count() < 6 {
        let detail = "is too short (minimum is 6 characters)";
        return Some(unprocessable(detail, Some("KEY_TOO_SHORT"), pointer));
    }
    if let Some((code, detail)) = scheme.filter(|_| given).and_then(|s| refused_by(s, key)) {
        return Some(unprocessable(&detail, Some(code), pointer));
    }
    state.licenses.iter().any(|l| l.id == key).then(|| {
        let detail = "must not conflict with another license's identifier (UUID)";
        unprocessable(detail, Some("KEY_CONFLICT"), pointer)
    })
}

/// What `license.rb` refuses in a key given under `scheme`: any key for a legacy encrypted
/// license (its key is generated), more than RSA-2048 can encrypt (245 bytes), claims that
/// are not a JSON object or an `exp` that is not a number for a JWT. The emulator keeps the key
/// as given (it does not sign or encrypt it), so the other schemes accept any key.
fn refused_by(scheme: &str, key: &str) -> Option<(&'static str, String)> {
    match scheme {
        "LEGACY_ENCRYPT" => Some((
            "KEY_NOT_SUPPORTED",
            "cannot be specified for a legacy encrypted license".to_owned(),
        )),
        "RSA_2048_PKCS1_ENCRYPT" if key.len() > 245 => Some((
            "KEY_BYTE_SIZE_EXCEEDED",
            "key exceeds maximum byte length (max size of 245 bytes)".to_owned(),
        )),
        "RSA_2048_JWT_RS256" => {
            let invalid = |why: &str| {
                let detail = format!("key is not a valid JWT claims payload ({why})");
                Some(("KEY_JWT_CLAIMS_INVALID", detail))
            };
            match serde_json::from_str::<Value>(key) {
                Ok(Value::Object(claims)) => match claims.get("exp") {
                    None | Some(Value::Number(_)) => None,
                    Some(other) => invalid(&format!(
                        "exp claim must be a numeric value but it is a {}",
                        json_type(other)
                    )),
                },
                _ => invalid("must be a valid JSON encoded string"),
            }
        }
        _ => None,
    }
}

/// Ruby's name of a JSON value's class, as the JWT gem's messages say it.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Array(_) => "array",
        Value::Object(_) => "hash",
        Value::Null => "nil",
        Value::Number(_) => "number",
    }
}

/// A license's own permissions in `POST /licenses` (Keygen EE, `licenses_controller.rb`'s
/// `param :permissions, if: -> { current_bearer&.has_role?(:admin, :developer, :product,
/// :environment) }`): 400 from any other caller, 422 `PERMISSIONS_NOT_ALLOWED` for one a license
/// may not have (`permissible.rb`); `None` when not given.
pub(crate) fn custom_permissions(
    caller: &Caller,
    attributes: &Value,
) -> Result<Option<Vec<String>>, Answer> {
    let given = &attributes["permissions"];
    if given.is_null() {
        return Ok(None);
    }
    let permitted = match caller {
        Caller::Admin | Caller::Product(..) | Caller::Environment(_) => true,
        Caller::User(user) => matches!(user.role, UserRole::Admin | UserRole::Developer),
        Caller::License(_) | Caller::Anonymous => false,
    };
    let pointer = "/data/attributes/permissions";
    let list = given.as_array().filter(|_| permitted).ok_or_else(|| {
        error(
            400,
            "Bad request",
            "unpermitted parameter",
            None,
            Some(pointer),
        )
    })?;
    let names: Vec<String> = list
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    if names.len() != list.len()
        || names
            .iter()
            .any(|p| !LICENSE_PERMISSIONS.contains(&p.as_str()))
    {
        return Err(unprocessable(
            "unsupported permissions",
            Some("PERMISSIONS_NOT_ALLOWED"),
            pointer,
        ));
    }
    Ok(Some(names))
}

/// The 400 of `typed_params` for an `id` that is not a UUID.
pub(crate) fn invalid_id(data: &Value) -> Option<Answer> {
    let id = data["id"].as_str()?;
    uuid::Uuid::try_parse(id).is_err().then(|| {
        let detail = "type mismatch (received string expected UUID string)";
        let code = Some("PARAMETER_INVALID");
        error(400, "Bad request", detail, code, Some("/data/id"))
    })
}

/// The 422 `ID_CONFLICT` for a given `id` a record of the account already has (`license.rb`,
/// `machine.rb`: `must not conflict with another license`).
pub(crate) fn id_conflict(
    data: &Value,
    what: &str,
    taken: impl Fn(&str) -> bool,
) -> Option<Answer> {
    data["id"].as_str().filter(|id| taken(id))?;
    let detail = format!("must not conflict with another {what}");
    Some(unprocessable(&detail, Some("ID_CONFLICT"), "/data/id"))
}

/// The 400 a string with a null byte gets once it reaches the database, which refuses it
/// (`application_controller.rb` rescues Postgres' `string contains null byte`).
pub(crate) fn null_byte(attributes: &Value) -> Option<Answer> {
    fn holds(value: &Value) -> bool {
        match value {
            Value::String(text) => text.contains('\0'),
            Value::Array(items) => items.iter().any(holds),
            Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || holds(v)),
            _ => false,
        }
    }
    holds(attributes).then(|| {
        let detail = "The request could not be completed because it contains an unexpected \
                      null byte (check encoding)";
        error(400, "Bad request", detail, Some("ENCODING_INVALID"), None)
    })
}
