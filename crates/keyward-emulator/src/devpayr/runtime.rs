//! The runtime endpoints: has-paid with a license key or an API key, and the injectable stream.

use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::routes::{authorize, bare, fail, ok};
use super::state::{DomainMode, State};
use crate::support;

/// The switches, read from the query first and then the JSON body (as the Python SDK sends).
struct Switches {
    check_project: bool,
    include_injectables: bool,
}

fn switches(request: &Request) -> Switches {
    let query = support::query(request);
    let body = support::json_body(request);
    let get = |k: &str| {
        query
            .get(k)
            .cloned()
            .or_else(|| body.get(k).and_then(Value::as_str).map(str::to_owned))
    };
    Switches {
        check_project: get("action").as_deref() == Some("check_project"),
        include_injectables: get("include")
            .is_some_and(|v| v.split(',').any(|p| p.trim() == "injectables")),
    }
}

/// The runtime identifier: `X-Devpayr-Domain`, else the `domain` query parameter.
fn request_domain(request: &Request) -> Option<String> {
    support::header(request, "x-devpayr-domain")
        .map(str::to_owned)
        .or_else(|| support::query(request).get("domain").cloned())
        .map(|d| d.trim().to_ascii_lowercase())
        .filter(|d| !d.is_empty())
}

fn is_dev_domain(domain: &str) -> bool {
    let host = domain.split(':').next().unwrap_or(domain);
    host == "localhost" || host == "127.0.0.1" || host.ends_with(".test")
}

/// The license key: `X-LICENSE-KEY`, else `license` in the query or the body.
fn license_key(request: &Request) -> Option<String> {
    support::header(request, "x-license-key")
        .map(str::to_owned)
        .or_else(|| support::query(request).get("license").cloned())
        .or_else(|| {
            support::json_body(request)
                .get("license")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
}

/// Finds the license and applies the key rules; returns its id.
fn licensed(state: &State, request: &Request) -> Result<u64, ResponseTemplate> {
    let key = license_key(request).ok_or_else(|| bare(401, "Missing license key."))?;
    let license = state
        .license_by_key(&key)
        .ok_or_else(|| bare(403, "Invalid license key."))?;
    if license.revoked {
        return Err(bare(403, "This license has been revoked."));
    }
    if license.is_expired(state.now()) {
        return Err(bare(403, "This license has expired."));
    }
    Ok(license.id)
}

/// `POST /project/has-paid` with a license key.
pub(crate) fn has_paid(state: &mut State, request: &Request) -> ResponseTemplate {
    match check(state, request) {
        Ok(answer) | Err(answer) => answer,
    }
}

fn check(state: &mut State, request: &Request) -> Result<ResponseTemplate, ResponseTemplate> {
    let id = licensed(state, request)?;
    let now = state.now();
    let switches = switches(request);
    let license = state
        .licenses
        .get(&id)
        .cloned()
        .ok_or_else(|| bare(403, "Invalid license key."))?;
    let project = state
        .projects
        .get(&license.project_id)
        .cloned()
        .ok_or_else(|| bare(403, "Invalid license key."))?;
    let used = license.usage.get(&now.date_naive()).copied().unwrap_or(0);
    if license.max_usage_per_day.is_some_and(|max| used >= max) {
        return Err(bare(403, "Daily usage limit reached for this license."));
    }
    let has_paid = if switches.check_project {
        project.paid
    } else {
        let domain = request_domain(request).ok_or_else(|| {
            fail(
                400,
                "Unable to determine the request domain. Send the X-Devpayr-Domain header.",
            )
        })?;
        if license.is_test_license && !is_dev_domain(&domain) {
            return Err(bare(
                403,
                "This test license can only be used on development domains.",
            ));
        }
        if !license.is_test_license && is_dev_domain(&domain) {
            return Err(bare(
                403,
                "A production license cannot be used on a development domain.",
            ));
        }
        let denied = || {
            bare(
                403,
                "This license is not authorized for the current domain.",
            )
        };
        let registered = state.domains.values().find(|d| {
            d.project_id == license.project_id
                && d.is_active
                && d.domain.eq_ignore_ascii_case(&domain)
        });
        match (license.domain_id, project.mode) {
            (Some(pinned), _) => match registered {
                Some(d) if d.id == pinned => d.has_paid,
                _ => return Err(denied()),
            },
            (None, DomainMode::ProjectDomains) => registered.ok_or_else(denied)?.has_paid,
            (None, DomainMode::LicenseDomains) => {
                let record = state.licenses.get_mut(&id).ok_or_else(denied)?;
                if !record.used_domains.contains(&domain) {
                    if record
                        .max_domains
                        .is_some_and(|max| record.used_domains.len() as u64 >= max)
                    {
                        return Err(bare(403, "This license has reached its domain limit."));
                    }
                    record.used_domains.push(domain);
                }
                project.paid
            }
        }
    };
    if let Some(record) = state.licenses.get_mut(&id) {
        *record.usage.entry(now.date_naive()).or_insert(0) += 1;
    }
    let mut data = json!({ "has_paid": has_paid });
    if switches.include_injectables && has_paid {
        data["injectables"] = Value::Array(project.injectables.clone());
    }
    Ok(ok(200, "Success", data))
}

/// `GET /project/{p}/has-paid` with the API key.
pub(crate) fn project_has_paid(
    state: &mut State,
    request: &Request,
    project: u64,
) -> ResponseTemplate {
    if let Err(e) = authorize(state, request, project) {
        return e;
    }
    let switches = switches(request);
    let Some(record) = state.projects.get(&project) else {
        return fail(404, "Project not found.");
    };
    let has_paid = if switches.check_project {
        record.paid
    } else {
        let Some(domain) = request_domain(request) else {
            return fail(
                400,
                "Unable to determine the request domain. Send the X-Devpayr-Domain header.",
            );
        };
        match state
            .domains
            .values()
            .find(|d| d.project_id == project && d.domain.eq_ignore_ascii_case(&domain))
        {
            Some(d) => d.has_paid,
            None => return fail(403, "Domain is not registered under this project."),
        }
    };
    let mut data = json!({ "has_paid": has_paid });
    if switches.include_injectables && has_paid {
        data["injectables"] = Value::Array(record.injectables.clone());
    }
    ok(200, "Success", data)
}

/// `GET /injectable/stream` with a license key: the project's injectables, when it is paid.
pub(crate) fn stream(state: &mut State, request: &Request) -> ResponseTemplate {
    let id = match licensed(state, request) {
        Ok(id) => id,
        Err(e) => return e,
    };
    let project = state
        .licenses
        .get(&id)
        .and_then(|l| state.projects.get(&l.project_id));
    let injectables = match project {
        Some(p) if p.paid => p.injectables.clone(),
        _ => Vec::new(),
    };
    ok(
        200,
        "Success",
        json!({ "injectables": injectables, "next_cursor": null, "has_more": false }),
    )
}
