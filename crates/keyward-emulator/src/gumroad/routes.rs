//! HTTP routing and the license rules of the emulated Gumroad (`licenses_controller.rb`).

use serde_json::{Map, Value, json};
use wiremock::{Request, ResponseTemplate};

use super::{State, purchase};
use crate::support::{bearer, json as json_response, merged_input, segments};

type Params = Map<String, Value>;

const NOT_FOUND: &str = "That license does not exist for the provided product.";

/// `{"success": false, "message"}`: every refusal of the controller.
fn refusal(status: u16, message: &str) -> ResponseTemplate {
    json_response(status, json!({"success": false, "message": message}))
}

/// `e404_json`: another seller's license, and (a guess) an unknown route.
fn not_found() -> ResponseTemplate {
    json_response(404, json!({"success": false, "error": "Not found"}))
}

/// Doorkeeper's answer to a missing or unknown token: no body, the reason in a header.
fn unauthorized() -> ResponseTemplate {
    ResponseTemplate::new(401).insert_header(
        "www-authenticate",
        r#"Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid""#,
    )
}

/// Rails' `present?`: not null, `false`, blank text or an empty list or object.
fn present(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Bool(true) | Value::Number(_) => true,
    }
}

/// A present parameter as text (a non-string as its JSON text, which names nothing).
fn text(params: &Params, name: &str) -> Option<String> {
    let value = params.get(name).filter(|v| present(v))?;
    Some(match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// Answers a request from the state.
pub(crate) fn respond(state: &mut State, request: &Request) -> ResponseTemplate {
    let parts = segments(request);
    let mut parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    // gumroad.com/api/v2/… is api.gumroad.com/v2/….
    if parts.first() == Some(&"api") {
        parts.remove(0);
    }
    let params = merged_input(request);
    match (request.method.as_str(), parts.as_slice()) {
        ("POST", ["v2", "licenses", "verify"]) => verify(state, &params),
        (
            "PUT",
            [
                "v2",
                "licenses",
                action @ ("enable" | "disable" | "decrement_uses_count"),
            ],
        ) => {
            let token = bearer(request)
                .map(str::to_owned)
                .or_else(|| text(&params, "access_token"))
                .or_else(|| text(&params, "bearer_token"));
            if token.as_deref() != Some(state.access_token.as_str()) {
                return unauthorized();
            }
            with_token(state, &params, action)
        }
        _ => not_found(),
    }
}

/// `fetch_valid_license`: the license's index, or the status and message of the refusal.
fn find(state: &State, params: &Params, permalink: Option<&str>) -> Result<usize, (u16, String)> {
    let key = text(params, "license_key");
    let product_id = text(params, "product_id");
    let found = state.licenses.iter().position(|l| {
        Some(&l.key) == key.as_ref() && product_id.as_ref().is_none_or(|p| *p == l.product_id)
    });
    let Some(index) = found else {
        return Err((404, NOT_FOUND.to_owned()));
    };
    let license = &state.licenses[index];
    if product_id.is_none() && license.requires_product_id {
        return Err((
            500,
            format!(
                "The 'product_id' parameter is required to verify the license for this product. \
                 Please set 'product_id' to '{}' in the request.",
                license.product_id
            ),
        ));
    }
    if product_id.is_none() && !permalink.is_some_and(|p| license.matches_permalink(p)) {
        return Err((404, NOT_FOUND.to_owned()));
    }
    if license.access_revoked {
        return Err((
            404,
            "Access to the purchase associated with this license has expired.".to_owned(),
        ));
    }
    Ok(index)
}

/// `{"success": true, "uses", "purchase"}`.
fn success(state: &State, index: usize) -> ResponseTemplate {
    let license = &state.licenses[index];
    json_response(
        200,
        json!({"success": true, "uses": license.uses, "purchase": purchase::json(license)}),
    )
}

/// `POST /v2/licenses/verify`.
fn verify(state: &mut State, params: &Params) -> ResponseTemplate {
    // `clean_params`.
    for name in [
        "license_key",
        "product_id",
        "product_permalink",
        "id",
        "link_id",
    ] {
        if params
            .get(name)
            .is_some_and(|v| present(v) && !v.is_string())
        {
            return refusal(400, &format!("The '{name}' parameter must be a string."));
        }
    }
    let permalink = ["id", "link_id", "product_permalink"]
        .into_iter()
        .find_map(|name| text(params, name));
    let index = match find(state, params, permalink.as_deref()) {
        Ok(index) => index,
        Err((status, message)) => return refusal(status, &message),
    };
    if state.licenses[index].disabled {
        return refusal(404, "This license key has been disabled.");
    }
    let counts = !matches!(params.get("increment_uses_count"), Some(Value::Bool(false)))
        && params.get("increment_uses_count").and_then(Value::as_str) != Some("false");
    if counts {
        let license = &mut state.licenses[index];
        license.uses = license.uses.saturating_add(1);
    }
    success(state, index)
}

/// `PUT /v2/licenses/{enable,disable,decrement_uses_count}`, the token checked.
fn with_token(state: &mut State, params: &Params, action: &str) -> ResponseTemplate {
    let permalink = text(params, "product_permalink");
    let index = match find(state, params, permalink.as_deref()) {
        Ok(index) => index,
        Err((status, message)) => return refusal(status, &message),
    };
    let license = &mut state.licenses[index];
    if license.other_seller {
        return not_found();
    }
    match action {
        "enable" => license.disabled = false,
        "disable" => license.disabled = true,
        _ => license.uses = license.uses.saturating_sub(1),
    }
    success(state, index)
}
