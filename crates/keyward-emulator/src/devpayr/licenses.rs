//! The license endpoints, with DevPayr's order of checks and state rules.

use std::collections::HashMap;

use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::routes::{api_key, authorize, fail, invalid, may_manage, ok, paginate};
use super::state::{LicenseRec, State, parse_time};
use crate::support;

type Answer = Result<ResponseTemplate, ResponseTemplate>;

fn answer(result: Answer) -> ResponseTemplate {
    result.unwrap_or_else(|e| e)
}

/// `GET /project/{p}/licenses`: newest first, 20 a page by default.
pub(crate) fn list(state: &mut State, request: &Request, project: u64) -> ResponseTemplate {
    answer((|| {
        authorize(state, request, project)?;
        let items = state
            .licenses
            .values()
            .filter(|l| l.project_id == project)
            .map(|l| (l.id, l.to_json()))
            .collect();
        let page = paginate(request, items, "licenses.id", 20)?;
        Ok(ok(200, "Success", page))
    })())
}

/// `GET /project/{p}/licenses/{l}`: a license outside the project is 404, checked before scope.
pub(crate) fn show(
    state: &mut State,
    request: &Request,
    project: u64,
    license: u64,
) -> ResponseTemplate {
    answer((|| {
        let scope = api_key(state, request, project)?;
        let record = state
            .licenses
            .get(&license)
            .filter(|l| l.project_id == project)
            .ok_or_else(|| fail(404, "License not found for this project."))?;
        let body = record.to_json();
        may_manage(state, scope, project)?;
        Ok(ok(200, "Success", body))
    })())
}

/// `POST /project/{p}/licenses`: validates like Laravel and answers 201.
pub(crate) fn create(state: &mut State, request: &Request, project: u64) -> ResponseTemplate {
    answer((|| {
        authorize(state, request, project)?;
        let body = support::json_body(request);
        let now = state.now();
        let mut errors = Vec::new();
        let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
        let title = text("title")
            .map(|t| t.trim().to_owned())
            .unwrap_or_default();
        if title.is_empty() {
            errors.push(("title", "The title field is required.".to_owned()));
        } else if title.chars().count() > 255 {
            errors.push((
                "title",
                "The title field must not be greater than 255 characters.".to_owned(),
            ));
        } else if state
            .licenses
            .values()
            .any(|l| l.project_id == project && l.title == title)
        {
            errors.push(("title", "The title has already been taken.".to_owned()));
        }
        let domain_id = body.get("domain_id").and_then(Value::as_u64);
        if domain_id.is_some_and(|d| {
            state
                .domains
                .get(&d)
                .is_none_or(|r| r.project_id != project)
        }) {
            errors.push(("domain_id", "The selected domain id is invalid.".to_owned()));
        }
        let expires_at = match body.get("expires_at") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => match parse_time(s) {
                Some(t) if t > now => Some(t),
                Some(_) => {
                    errors.push((
                        "expires_at",
                        "The expires at field must be a date after now.".to_owned(),
                    ));
                    None
                }
                None => {
                    errors.push((
                        "expires_at",
                        "The expires at field must be a valid date.".to_owned(),
                    ));
                    None
                }
            },
            Some(_) => {
                errors.push((
                    "expires_at",
                    "The expires at field must be a valid date.".to_owned(),
                ));
                None
            }
        };
        let mut limits = HashMap::new();
        for field in [
            "max_domains",
            "max_subdomains_per_domain",
            "max_usage_per_day",
        ] {
            match body.get(field) {
                None | Some(Value::Null) => {}
                Some(v) => match v.as_u64() {
                    Some(n) => {
                        limits.insert(field, n);
                    }
                    None => errors.push((
                        field,
                        format!("The {} field must be at least 0.", field.replace('_', " ")),
                    )),
                },
            }
        }
        if !errors.is_empty() {
            return Err(invalid(errors));
        }
        let id = state.next_id().ok_or_else(|| fail(500, "Server Error"))?;
        let flag = |k: &str| body.get(k).and_then(Value::as_bool).unwrap_or(false);
        let record = LicenseRec {
            id,
            uuid: uuid::Uuid::new_v4().to_string(),
            project_id: project,
            title,
            domain_id,
            expires_at,
            max_domains: limits.get("max_domains").copied(),
            max_subdomains_per_domain: limits.get("max_subdomains_per_domain").copied(),
            max_usage_per_day: limits.get("max_usage_per_day").copied(),
            allowed_ips: text("allowed_ips"),
            allowed_countries: text("allowed_countries"),
            is_test_license: flag("is_test_license"),
            allow_configs: flag("allow_configs"),
            revoked: false,
            created_at: now,
            updated_at: now,
            used_domains: Vec::new(),
            usage: HashMap::new(),
        };
        let body = record.to_json();
        state.licenses.insert(id, record);
        Ok(ok(201, "License created successfully.", body))
    })())
}

/// The checks revoke and reactivate share: scope (403), existence (404), project (403).
fn managed<'a>(
    state: &'a mut State,
    request: &Request,
    project: u64,
    license: u64,
) -> Result<&'a mut LicenseRec, ResponseTemplate> {
    authorize(state, request, project)?;
    let record = state
        .licenses
        .get_mut(&license)
        .ok_or_else(|| fail(404, "License not found."))?;
    if record.project_id != project {
        return Err(fail(
            403,
            "This license does not belong to the specified project.",
        ));
    }
    Ok(record)
}

/// `POST /project/{p}/licenses/{l}/revoke`: only an active license.
pub(crate) fn revoke(
    state: &mut State,
    request: &Request,
    project: u64,
    license: u64,
) -> ResponseTemplate {
    let now = state.now();
    answer((|| {
        let record = managed(state, request, project, license)?;
        if record.revoked {
            return Err(fail(403, "Only active licenses can be revoked."));
        }
        record.revoked = true;
        record.updated_at = now;
        Ok(ok(200, "License revoked successfully.", Value::Null))
    })())
}

/// `POST /project/{p}/licenses/{l}/reactivate`: only a revoked, unexpired license.
pub(crate) fn reactivate(
    state: &mut State,
    request: &Request,
    project: u64,
    license: u64,
) -> ResponseTemplate {
    let now = state.now();
    answer((|| {
        let record = managed(state, request, project, license)?;
        if !record.revoked {
            return Err(fail(403, "Only revoked licenses can be reactivated."));
        }
        if record.is_expired(now) {
            return Err(fail(403, "Cannot reactivate an expired license."));
        }
        record.revoked = false;
        record.updated_at = now;
        Ok(ok(
            200,
            "License reactivated successfully.",
            json!({"message": "License has been reactivated."}),
        ))
    })())
}

/// `DELETE /project/{p}/licenses/{l}`: a license of another project is a 422.
pub(crate) fn delete(
    state: &mut State,
    request: &Request,
    project: u64,
    license: u64,
) -> ResponseTemplate {
    answer((|| {
        authorize(state, request, project)?;
        let record = state
            .licenses
            .get(&license)
            .ok_or_else(|| fail(404, "License not found."))?;
        if record.project_id != project {
            return Err(invalid(vec![(
                "license",
                "This license does not belong to the specified project.".to_owned(),
            )]));
        }
        state.licenses.remove(&license);
        Ok(ok(
            200,
            "License deleted successfully.",
            json!({"deleted": true, "license_id": license}),
        ))
    })())
}
