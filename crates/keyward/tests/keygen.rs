//! The Keygen adapter against the emulator (every answer signed and verified): the app side
//! through `Arc<dyn LicenseProvider>`, the admin side through `Box<dyn LicenseAdmin>`, the
//! mapping into `LicenseKey` / `Instance` with `raw` as received.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(feature = "keygen")]

use std::sync::Arc;

use keyward::{
    ActivateRequest, ActivationOutcome, CreateRequest, DeactivateRequest, InstancesRequest,
    InvalidReason, KeygenProvider, LicenseAdmin, LicenseProvider, LicenseStatus, ListRequest,
    PageToken, Patch, Provider, UpdateRequest, ValidateRequest,
};
use keyward_emulator::keygen::{KeygenEmulator, LicenseSeed};

fn provider(emulator: &KeygenEmulator, token: bool) -> KeygenProvider {
    let mut builder = keyward::keygen::Client::builder()
        .base_url(emulator.uri())
        .account(emulator.account_id())
        .public_key(&emulator.public_key_hex());
    if token {
        builder = builder.token(emulator.api_key());
    }
    KeygenProvider::new(builder.build().unwrap())
}

#[tokio::test]
async fn the_app_side_activates_validates_and_deactivates_machines() {
    let emulator = KeygenEmulator::start().await;
    let id = emulator.add_license(LicenseSeed::new("APP-KEY").strict(true).max_machines(1));
    let app: Arc<dyn LicenseProvider> = Arc::new(provider(&emulator, false));
    assert_eq!(app.provider(), Provider::Keygen);
    let caps = app.capabilities();
    assert!(caps.validate && caps.activate && caps.deactivate && caps.signed && caps.offline);
    assert!(!caps.get && !caps.list);

    let unactivated = app.validate(ValidateRequest::new("APP-KEY")).await.unwrap();
    assert_eq!(unactivated.reason(), Some(&InvalidReason::InstanceMismatch));
    let activated = app
        .activate(ActivateRequest::new("APP-KEY", "fp-1"))
        .await
        .unwrap();
    let ActivationOutcome::Activated { instance, license } = activated else {
        panic!("{activated:?}")
    };
    assert_eq!(instance.name.as_deref(), Some("fp-1"));
    assert_eq!(instance.license_id.as_deref(), Some(id.as_str()));
    assert_eq!(license.unwrap().id, id);
    // Activating the same fingerprint again answers the same machine.
    let again = app
        .activate(ActivateRequest::new("APP-KEY", "fp-1"))
        .await
        .unwrap();
    assert_eq!(again.instance().unwrap().id, instance.id);
    let full = app
        .activate(ActivateRequest::new("APP-KEY", "fp-2"))
        .await
        .unwrap();
    assert!(
        matches!(
            full,
            ActivationOutcome::Refused {
                reason: InvalidReason::LimitReached,
                ..
            }
        ),
        "{full:?}"
    );

    let mut check = ValidateRequest::new("APP-KEY");
    check.instance_id = Some(instance.id.clone());
    let valid = app.validate(check).await.unwrap();
    assert!(valid.is_valid());
    let license = valid.license().unwrap();
    assert_eq!(
        (
            license.provider,
            license.activations,
            license.activation_limit
        ),
        (Provider::Keygen, Some(1), Some(1))
    );
    assert_eq!(license.raw.to_value()["attributes"]["key"], "APP-KEY");

    app.deactivate(DeactivateRequest::new("APP-KEY", instance.id.clone()))
        .await
        .unwrap();
    let gone = app
        .deactivate(DeactivateRequest::new("APP-KEY", instance.id))
        .await
        .unwrap_err();
    assert!(gone.is_not_found());
    let unknown = app
        .activate(ActivateRequest::new("NO-SUCH-KEY", "fp"))
        .await
        .unwrap();
    assert!(matches!(
        unknown,
        ActivationOutcome::Refused {
            reason: InvalidReason::NotFound,
            ..
        }
    ));
    emulator.set_suspended(&id, true);
    let suspended = app.validate(ValidateRequest::new("APP-KEY")).await.unwrap();
    assert_eq!(suspended.reason(), Some(&InvalidReason::Suspended));
}

#[tokio::test]
async fn the_admin_side_needs_the_token_and_maps_every_operation() {
    let emulator = KeygenEmulator::start().await;
    assert!(provider(&emulator, false).admin().unwrap_err().is_config());
    let admin: Box<dyn LicenseAdmin> = Box::new(provider(&emulator, true).admin().unwrap());
    assert!(admin.capabilities().list && admin.capabilities().signed);
    // Keygen makes licenses from a policy the account holds: `product_id` names it.
    emulator.add_policy("policy-1", LicenseSeed::new("policy-1").floating(true));
    let mut create = CreateRequest::for_product("policy-1");
    create.activation_limit = Some(3);
    create.title = Some("Team".into());
    let created = admin.create(create).await.unwrap();
    assert_eq!(
        (created.activation_limit, created.status.clone()),
        (Some(3), LicenseStatus::Active)
    );
    for n in 0..3 {
        emulator.add_license(LicenseSeed::new(format!("K-{n}")));
    }
    let mut request = ListRequest::new();
    request.page_size = Some(3);
    let first = admin.list(request.clone()).await.unwrap();
    assert_eq!(
        (first.items.len(), first.next.clone(), first.total),
        (3, Some(PageToken::Number(2)), Some(4))
    );
    request.page = first.next;
    assert_eq!(admin.list(request).await.unwrap().items.len(), 1);

    let mut update = UpdateRequest::new(created.id.clone());
    update.activation_limit = Patch::Set(5);
    update.disabled = Some(true);
    let updated = admin.update(update).await.unwrap();
    assert_eq!(
        (updated.activation_limit, updated.status),
        (Some(5), LicenseStatus::Suspended)
    );
    let mut reinstate = UpdateRequest::new(created.id.clone());
    reinstate.disabled = Some(false);
    assert_eq!(
        admin.update(reinstate).await.unwrap().status,
        LicenseStatus::Active
    );

    emulator.add_instance(&created.id, "fp-a").unwrap();
    let instances = admin
        .instances(InstancesRequest::new(created.id.clone()))
        .await
        .unwrap();
    assert_eq!(instances.items[0].name.as_deref(), Some("fp-a"));
    assert_eq!(admin.get(&created.id).await.unwrap().activations, Some(1));
    assert!(!format!("{admin:?}").contains(&emulator.api_key()));
}

#[tokio::test]
async fn a_tampered_answer_is_an_error_never_a_verdict() {
    let emulator = KeygenEmulator::start().await;
    emulator.add_license(LicenseSeed::new("TAMPER"));
    let app = provider(&emulator, false);
    assert!(
        app.validate(ValidateRequest::new("TAMPER"))
            .await
            .unwrap()
            .is_valid()
    );
    emulator.set_tampering(true);
    let err = app
        .validate(ValidateRequest::new("TAMPER"))
        .await
        .unwrap_err();
    assert!(err.is_signature(), "{err}");
}

#[tokio::test]
async fn webhooks_become_license_events_once_and_only_for_their_endpoint() {
    use keyward::EventKind;
    use keyward::events::{EventRejection, KeygenEvents, Webhooks};

    let emulator = KeygenEmulator::start().await;
    let receiver = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(204))
        .mount(&receiver)
        .await;
    let url = format!("{}/hooks/keygen", receiver.uri());
    let target =
        keyward_emulator::WebhookTarget::new(&url, emulator.signing_seed_hex()).attempts(1);
    emulator.set_webhooks(target).unwrap();
    let id = emulator.add_license(LicenseSeed::new("HOOK-KEY"));
    let app = provider(&emulator, false);
    app.activate(ActivateRequest::new("HOOK-KEY", "fp-h"))
        .await
        .unwrap();
    let admin = provider(&emulator, true).admin().unwrap();
    let mut revoke = UpdateRequest::new(id.clone());
    revoke.disabled = Some(true);
    admin.update(revoke).await.unwrap();
    emulator
        .wait_for_webhooks(4, std::time::Duration::from_secs(10))
        .await;

    let events = KeygenEvents::new(&emulator.public_key_hex(), &url).unwrap();
    let elsewhere = KeygenEvents::new(
        &emulator.public_key_hex(),
        "https://other.example/hooks/keygen",
    )
    .unwrap();
    let mut kinds = Vec::new();
    let mut requests = receiver.received_requests().await.unwrap();
    // Applied in Keygen's order (the signed `created` of each event), as a receiver would.
    requests.sort_by_key(|r| {
        let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        body["data"]["attributes"]["created"]
            .as_str()
            .unwrap()
            .to_owned()
    });
    for request in requests {
        let rejected = elsewhere
            .verify(&request.headers, &request.body)
            .await
            .unwrap_err();
        assert!(
            matches!(rejected, EventRejection::BadSignature),
            "{rejected:?}"
        );
        let event = events
            .verify(&request.headers, &request.body)
            .await
            .unwrap();
        assert_eq!(event.provider, Provider::Keygen);
        if let Some(license) = &event.license {
            assert_eq!(license.id, id);
        }
        kinds.push((event.event_type.clone(), event.kind));
        let busy = events
            .verify(&request.headers, &request.body)
            .await
            .unwrap_err();
        assert!(matches!(busy, EventRejection::InFlight { .. }), "{busy:?}");
        events.acknowledge(&event).await.unwrap();
        let again = events
            .verify(&request.headers, &request.body)
            .await
            .unwrap_err();
        assert!(
            matches!(again, EventRejection::Replayed { .. }),
            "{again:?}"
        );
    }
    assert!(
        kinds.contains(&("license.created".into(), EventKind::Created)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("machine.created".into(), EventKind::Updated)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("license.suspended".into(), EventKind::Suspended)),
        "{kinds:?}"
    );
}
