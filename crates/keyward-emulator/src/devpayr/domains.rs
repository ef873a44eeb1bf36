//! The project-domain endpoints.

use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::routes::{authorize, fail, invalid, ok, paginate};
use super::state::{DomainRec, State};
use crate::support;

const ENVIRONMENTS: [&str; 3] = ["production", "staging", "development"];

/// Where one of a domain's boolean fields is in its record.
type Field = fn(&mut DomainRec) -> &mut bool;

/// A domain's boolean fields as a request names them, each with its place in the record.
const FLAGS: [(&str, Field); 5] = [
    ("has_paid", |d| &mut d.has_paid),
    ("is_active", |d| &mut d.is_active),
    ("is_primary", |d| &mut d.is_primary),
    ("is_verified", |d| &mut d.is_verified),
    ("is_locked", |d| &mut d.is_locked),
];

/// `GET /project/{p}/domains`: the limited fields, 50 a page by default.
pub(crate) fn list(state: &mut State, request: &Request, project: u64) -> ResponseTemplate {
    let result = authorize(state, request, project).and_then(|()| {
        let items = state
            .domains
            .values()
            .filter(|d| d.project_id == project)
            .map(|d| (d.id, d.to_list_json()))
            .collect();
        paginate(request, items, "project_domains.id", 50)
    });
    match result {
        Ok(page) => ok(200, "Success", page),
        Err(e) => e,
    }
}

/// `POST /project/{p}/domains`: unique per project; `is_primary` demotes the current primary.
pub(crate) fn create(state: &mut State, request: &Request, project: u64) -> ResponseTemplate {
    if let Err(e) = authorize(state, request, project) {
        return e;
    }
    let body = support::json_body(request);
    let text = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .map(|s| s.trim().to_owned())
    };
    let flag = |k: &str, default: bool| body.get(k).and_then(boolean).unwrap_or(default);
    let mut errors = Vec::new();
    let domain = text("domain").unwrap_or_default().to_ascii_lowercase();
    if domain.is_empty() {
        errors.push(("domain", "The domain field is required.".to_owned()));
    } else if taken(state, project, &domain, None) {
        errors.push(("domain", "The domain has already been taken.".to_owned()));
    }
    let environment = text("environment").unwrap_or_default();
    if !ENVIRONMENTS.contains(&environment.as_str()) {
        errors.push((
            "environment",
            "The selected environment is invalid.".to_owned(),
        ));
    }
    if !errors.is_empty() {
        return invalid(errors);
    }
    let Some(id) = state.next_id() else {
        return fail(500, "Server Error");
    };
    let is_primary = flag("is_primary", false);
    if is_primary {
        demote_primary(state, project);
    }
    let now = state.now();
    let record = DomainRec {
        id,
        project_id: project,
        domain,
        environment,
        has_paid: flag("has_paid", false),
        is_active: flag("is_active", true),
        is_primary,
        is_verified: flag("is_verified", false),
        is_locked: flag("is_locked", false),
        created_at: now,
        updated_at: now,
    };
    let body = record.to_json();
    state.domains.insert(id, record);
    ok(201, "Domain created successfully.", body)
}

/// Authorizes the API key for `project`, then 404 unless `domain` is one of its domains.
fn own_domain(
    state: &State,
    request: &Request,
    project: u64,
    domain: u64,
) -> Result<(), ResponseTemplate> {
    authorize(state, request, project)?;
    if state
        .domains
        .get(&domain)
        .is_none_or(|d| d.project_id != project)
    {
        return Err(fail(404, "Domain not found."));
    }
    Ok(())
}

/// Whether a domain of `project` other than `except` is named `name`.
fn taken(state: &State, project: u64, name: &str, except: Option<u64>) -> bool {
    state
        .domains
        .values()
        .any(|d| d.project_id == project && Some(d.id) != except && d.domain == name)
}

/// No domain of `project` is primary any more (a new primary is about to be set).
fn demote_primary(state: &mut State, project: u64) {
    for domain in state
        .domains
        .values_mut()
        .filter(|d| d.project_id == project)
    {
        domain.is_primary = false;
    }
}

/// A boolean-like value as Laravel's `boolean` rule takes it: `true`/`false`, `1`/`0`, and the
/// same as strings; `None` for anything else.
fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.as_str() {
            "1" | "true" => Some(true),
            "0" | "false" => Some(false),
            _ => None,
        },
        Value::Number(n) => match n.as_u64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// `PUT /project/{p}/domain/{d}` (singular): every field optional, flags boolean-like; a domain
/// not in the project is a 404; `is_primary` demotes the current primary.
pub(crate) fn update(
    state: &mut State,
    request: &Request,
    project: u64,
    domain_id: u64,
) -> ResponseTemplate {
    if let Err(e) = own_domain(state, request, project, domain_id) {
        return e;
    }
    let body = support::json_body(request);
    let mut errors = Vec::new();
    let domain = match body.get("domain") {
        None | Some(Value::Null) => None,
        Some(value) => {
            let name = value.as_str().map(|s| s.trim().to_ascii_lowercase());
            match name.filter(|n| !n.is_empty()) {
                None => {
                    errors.push(("domain", "The domain field must be a string.".to_owned()));
                    None
                }
                Some(name) if taken(state, project, &name, Some(domain_id)) => {
                    errors.push(("domain", "The domain has already been taken.".to_owned()));
                    None
                }
                Some(name) => Some(name),
            }
        }
    };
    let environment = body.get("environment").and_then(|v| match v.as_str() {
        Some(e) if ENVIRONMENTS.contains(&e) => Some(e.to_owned()),
        _ => {
            errors.push((
                "environment",
                "The selected environment is invalid.".to_owned(),
            ));
            None
        }
    });
    let mut flags = Vec::new();
    for (name, field) in FLAGS {
        match body.get(name).map(boolean) {
            None => {}
            Some(Some(value)) => flags.push((name, field, value)),
            Some(None) => errors.push((name, format!("The {name} field must be true or false."))),
        }
    }
    if !errors.is_empty() {
        return invalid(errors);
    }
    if flags
        .iter()
        .any(|&(name, _, value)| name == "is_primary" && value)
    {
        demote_primary(state, project);
    }
    let now = state.now();
    // `own_domain` found it above and nothing since removes a domain; still no panic.
    let Some(record) = state.domains.get_mut(&domain_id) else {
        return fail(404, "Domain not found.");
    };
    if let Some(domain) = domain {
        record.domain = domain;
    }
    if let Some(environment) = environment {
        record.environment = environment;
    }
    for (_, field, value) in flags {
        *field(record) = value;
    }
    record.updated_at = now;
    ok(200, "Domain updated successfully.", record.to_json())
}

/// `GET /project/{p}/domain/{d}` (singular): a domain of another project is a 403.
pub(crate) fn show(
    state: &mut State,
    request: &Request,
    project: u64,
    domain: u64,
) -> ResponseTemplate {
    if let Err(e) = authorize(state, request, project) {
        return e;
    }
    match state.domains.get(&domain) {
        None => fail(404, "Domain not found."),
        Some(d) if d.project_id != project => {
            fail(403, "This domain does not belong to the specified project.")
        }
        Some(d) => ok(200, "Domain successfully loaded.", d.to_json()),
    }
}

/// `DELETE /project/{p}/domains/{d}`.
pub(crate) fn delete(
    state: &mut State,
    request: &Request,
    project: u64,
    domain: u64,
) -> ResponseTemplate {
    if let Err(e) = own_domain(state, request, project, domain) {
        return e;
    }
    // Licenses pinned to it stay pinned (and are refused at runtime from now on).
    state.domains.remove(&domain);
    ok(200, "Domain deleted successfully.", json!(null))
}
