//! What the fault cells call: every facade operation, and each client's own read and write,
//! each returning the `Debug` of its answer.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use keyward_core::{
    ActivateRequest, CreateRequest, DeactivateRequest, LicenseAdmin, LicenseError, ListRequest,
    SecretLicenseKey, ValidateRequest,
};
use keyward_http::HttpOptions;

use crate::check::{CREATED_KEY, LICENSE_KEY};
use crate::rig;

type Answer = Pin<Box<dyn Future<Output = Result<String, LicenseError>> + Send>>;

/// A facade operation on a provider and a license id.
pub(crate) type Call = fn(Arc<dyn LicenseAdmin>, String) -> Answer;

/// The facade operations: each returns the `Debug` of its answer.
pub(crate) const OPERATIONS: &[(&str, Call)] = &[
    ("validate", |p, _| {
        Box::pin(async move {
            let request = ValidateRequest::new(SecretLicenseKey::new(LICENSE_KEY));
            p.validate(request).await.map(|v| format!("{v:?}"))
        })
    }),
    ("activate", |p, _| {
        Box::pin(async move {
            let request = ActivateRequest::new(SecretLicenseKey::new(LICENSE_KEY), "box");
            p.activate(request).await.map(|v| format!("{v:?}"))
        })
    }),
    ("deactivate", |p, _| {
        Box::pin(async move {
            let request = DeactivateRequest::new(SecretLicenseKey::new(LICENSE_KEY), "inst_1");
            p.deactivate(request).await.map(|v| format!("{v:?}"))
        })
    }),
    ("get", |p, id| {
        Box::pin(async move { p.get(&id).await.map(|v| format!("{v:?}")) })
    }),
    ("list", |p, _| {
        Box::pin(async move { p.list(ListRequest::new()).await.map(|v| format!("{v:?}")) })
    }),
    ("create", |p, _| {
        Box::pin(async move {
            let mut create = CreateRequest::for_product("pdt_canary");
            create.customer_id = Some("cus_canary".into());
            create.title = Some("Canary".into());
            create.key = Some(SecretLicenseKey::new(CREATED_KEY));
            p.create(create).await.map(|v| format!("{v:?}"))
        })
    }),
];

/// A client's own call on a base URL.
pub(crate) type Direct = fn(String, HttpOptions) -> Answer;

/// Each client's own read and write, as the fault matrix drives them (`faults/providers.rs`),
/// the models they answer with shown whole: provider index, operation, call.
pub(crate) const CLIENT_CALLS: &[(usize, &str, Direct)] = &[
    (0, "validate", |url, options| {
        Box::pin(async move {
            let client = rig::dodo(&url, options)?;
            let answer = client.licenses().validate(&key(), None).await;
            answer.map(|v| format!("{v:?}"))
        })
    }),
    (0, "activate", |url, options| {
        Box::pin(async move {
            let client = rig::dodo(&url, options)?;
            let answer = client.licenses().activate(&key(), "box").await;
            answer.map(|v| format!("{v:?}"))
        })
    }),
    (1, "validate", |url, options| {
        Box::pin(async move {
            let client = rig::lemon(&url, options)?;
            let answer = client.licenses().validate(&key(), None).await;
            answer.map(|v| format!("{v:?}"))
        })
    }),
    (1, "activate", |url, options| {
        Box::pin(async move {
            let client = rig::lemon(&url, options)?;
            let answer = client.licenses().activate(&key(), "box").await;
            answer.map(|v| format!("{v:?}"))
        })
    }),
    (2, "validate", |url, options| {
        Box::pin(async move {
            let client = rig::devpayr(&url, options)?;
            let answer = client.has_paid(&key()).send().await;
            answer.map(|v| format!("{v:?}"))
        })
    }),
    (2, "show", |url, options| {
        Box::pin(async move {
            let client = rig::devpayr(&url, options)?;
            let answer = client.licenses(2).show(7).await;
            answer.map(|v| format!("{v:?}"))
        })
    }),
    (2, "create (generated key)", |url, options| {
        Box::pin(async move {
            let client = rig::devpayr(&url, options)?;
            let new = keyward_devpayr::models::NewLicense::new("Canary");
            let answer = client.licenses(2).create(&new).await;
            answer.map(|v| format!("{v:?}"))
        })
    }),
    (3, "validate", |url, options| {
        Box::pin(async move {
            let client = rig::gkm(&url, options)?;
            let answer = client.verify(&key(), "box").await;
            answer.map(|v| format!("{v:?}"))
        })
    }),
    (3, "activate", |url, options| {
        Box::pin(async move {
            let client = rig::gkm(&url, options)?;
            let answer = client.activate(&key(), "box").await;
            answer.map(|v| format!("{v:?}"))
        })
    }),
    (7, "validate", |url, options| {
        Box::pin(async move {
            let client = rig::gumroad(&url, options)?;
            let answer = client.licenses().verify(&key()).await;
            answer.map(|v| format!("{v:?}"))
        })
    }),
    (7, "disable", |url, options| {
        Box::pin(async move {
            let client = rig::gumroad(&url, options)?;
            let answer = client.licenses().disable(&key()).await;
            answer.map(|v| format!("{v:?}"))
        })
    }),
];

fn key() -> SecretLicenseKey {
    SecretLicenseKey::new(LICENSE_KEY)
}
