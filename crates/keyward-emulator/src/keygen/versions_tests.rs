//! Tests of the API version migrations ([`versions`](super)).

use serde_json::{Value, json};

use super::super::answer::Answer;
use super::super::state::State;
use super::{migrate, minor};

/// The body of `body` answered with `status` to `method` `path` for a caller of `1.{version}`.
fn migrated(version: u8, method: &str, path: &str, status: u16, body: Value) -> Value {
    let state = State {
        account_id: "acct".to_owned(),
        ..State::default()
    };
    let parts: Vec<&str> = path.split('/').collect();
    let mut answer = Answer::Json(status, body);
    migrate(&state, version, method, &parts, &mut answer);
    match answer {
        Answer::Json(_, body) => body,
        _ => Value::Null,
    }
}

#[test]
fn the_requested_version_is_the_header_else_the_current_one() {
    for (asked, expected) in [
        (None, Some(7)),
        (Some("1.5"), Some(5)),
        (Some("v1.1"), Some(1)),
        (Some("1.0"), Some(0)),
        (Some("1.7"), Some(7)),
        (Some("1.8"), None),
        (Some("2.0"), None),
        (Some("1.05"), None),
        (Some("latest"), None),
    ] {
        assert_eq!(minor(asked).ok(), expected, "{asked:?}");
    }
}

#[test]
fn validations_before_1_2_answer_a_constant_valid_only_when_valid_or_expired() {
    let path = "licenses/l1/actions/validate";
    let verdict = |version, code| {
        let body = json!({"meta": {"valid": true, "code": code, "detail": "d"}});
        migrated(version, "POST", path, 200, body)["meta"].clone()
    };
    assert_eq!(
        verdict(1, "TOO_MANY_PROCESSES"),
        json!({"valid": false, "constant": "TOO_MANY_PROCESSES", "detail": "d"})
    );
    assert_eq!(
        verdict(0, "EXPIRED"),
        json!({"valid": true, "constant": "EXPIRED", "detail": "d"})
    );
    assert_eq!(
        verdict(2, "TOO_MANY_PROCESSES"),
        json!({"valid": true, "code": "TOO_MANY_PROCESSES", "detail": "d"})
    );
}

#[test]
fn a_license_before_1_6_has_a_user_where_it_has_an_owner() {
    let license = json!({"data": {"id": "l1", "type": "licenses", "relationships": {
        "account": {"data": {"type": "accounts", "id": "acct"}},
        "owner": {"data": {"type": "users", "id": "u1"}},
    }}});
    let old = migrated(5, "GET", "licenses/l1", 200, license.clone());
    let relationships = &old["data"]["relationships"];
    assert_eq!(relationships["user"]["data"]["id"], "u1");
    assert!(relationships["owner"].is_null());
    assert!(
        relationships["user"]["links"]["related"]
            .as_str()
            .is_some_and(|l| l.ends_with("/licenses/l1/v1.5/user"))
    );
    assert_eq!(
        migrated(6, "GET", "licenses/l1", 200, license.clone()),
        license
    );
    let list = json!({"data": [license["data"].clone()]});
    let old = migrated(5, "GET", "licenses", 200, list);
    assert_eq!(old["data"][0]["relationships"]["user"]["data"]["id"], "u1");
}

#[test]
fn a_missing_owner_before_1_6_is_a_missing_user() {
    let refused = json!({"errors": [{"code": "OWNER_NOT_FOUND", "detail": "must exist",
        "source": {"pointer": "/data/relationships/owner"}}]});
    let old = migrated(5, "POST", "licenses", 422, refused.clone());
    assert_eq!(old["errors"][0]["code"], "USER_NOT_FOUND");
    assert_eq!(
        old["errors"][0]["source"]["pointer"],
        "/data/relationships/user"
    );
    assert_eq!(
        migrated(6, "POST", "licenses", 422, refused.clone()),
        refused
    );
}

#[test]
fn a_machine_before_1_6_has_its_license_owner_as_user() {
    let machine = json!({"data": {"id": "m1", "type": "machines", "attributes": {}, "relationships": {
        "license": {"data": {"type": "licenses", "id": "unknown"}},
        "owner": {"data": null},
    }}});
    let old = migrated(5, "GET", "machines/m1", 200, machine);
    let relationships = &old["data"]["relationships"];
    assert!(relationships["owner"].is_null());
    assert_eq!(relationships["user"]["data"], Value::Null);
}

#[test]
fn nested_metadata_keys_before_1_5_are_snake_case() {
    let license = json!({"data": {"type": "licenses", "attributes": {"metadata": {
        "parentKey": {"childKey": {"deepKey": 1}},
        "listKey": [{"itemKey": 2}, "plainValue"],
        "topKey": "keptValue",
    }}}});
    let old = migrated(4, "GET", "licenses/l1", 200, license.clone());
    assert_eq!(
        old["data"]["attributes"]["metadata"],
        json!({
            "parentKey": {"child_key": {"deep_key": 1}},
            "listKey": [{"item_key": 2}, "plainValue"],
            "topKey": "keptValue",
        })
    );
    assert_eq!(
        migrated(5, "GET", "licenses/l1", 200, license.clone()),
        license
    );
}

#[test]
fn a_new_machine_before_1_3_has_not_started() {
    let created = json!({"data": {"type": "machines", "attributes": {
        "heartbeatStatus": "ALIVE", "lastHeartbeat": "2026-01-01T00:00:00.000Z",
    }}});
    let old = migrated(2, "POST", "machines", 201, created.clone());
    assert_eq!(old["data"]["attributes"]["heartbeatStatus"], "NOT_STARTED");
    assert!(old["data"]["attributes"]["lastHeartbeat"].is_null());
    assert_eq!(
        migrated(3, "POST", "machines", 201, created.clone()),
        created
    );
}
