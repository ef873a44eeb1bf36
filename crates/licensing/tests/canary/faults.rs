//! The error paths: every facade operation of every provider against the fault matrix's server
//! (`faults/server.rs`), its HTTP answers echoing the secrets the call carried in the body and
//! in headers.

use std::sync::Arc;
use std::time::Duration;

use license_core::{
    ActivateRequest, CreateRequest, DeactivateRequest, LicenseError, ListRequest, SecretLicenseKey,
    ValidateRequest,
};
use license_http::{HttpOptions, RetryPolicy};

use crate::check::{
    CREATED_KEY, DEVPAYR_API_KEY, DODO_API_KEY, GKM_API_KEY, LEMON_API_KEY, LICENSE_KEY, Shown,
};
use crate::rig::{self, NAMES};
use crate::server::{self, Fault};

/// The body cap of every cell.
const CAP: usize = 16 * 1024;

fn options() -> HttpOptions {
    HttpOptions::new()
        .connect_timeout(Duration::from_millis(500))
        .attempt_timeout(Duration::from_millis(300))
        .deadline(Duration::from_secs(2))
        .max_body_bytes(CAP)
        .retry(RetryPolicy::default().backoff(Duration::from_millis(5), Duration::from_millis(20)))
}

/// What a hostile server echoes to operation `op` of provider `index`: the secrets the call
/// carries. Dodo's, Lemon Squeezy's and DevPayr's license checks send no API key (DevPayr's
/// has-paid sends the license key instead); their other calls, and every GetKeyManager call,
/// send it.
fn echo(index: usize, op: &str) -> String {
    let license_call = matches!(op, "validate" | "activate" | "deactivate");
    let mut carried = Vec::new();
    if license_call {
        carried.push(LICENSE_KEY);
    }
    if op == "create" {
        carried.push(CREATED_KEY);
    }
    if index == 3 || !license_call {
        carried.push([DODO_API_KEY, LEMON_API_KEY, DEVPAYR_API_KEY, GKM_API_KEY][index]);
    }
    carried.join(" ")
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// The faults, each echoing `echo` where an answer can carry it.
fn faults(echo: &str) -> Vec<(&'static str, Fault)> {
    let headers = leak(format!(
        "x-request-id: req-{echo}\r\nwww-authenticate: Bearer error=\"{echo}\"\r\nx-echo: {echo}\r\n"
    ));
    let json = |text: String| leak(text).as_bytes();
    let answer = |status, body: &'static [u8]| Fault::Answer(status, headers, body);
    let message = json(format!(
        r#"{{"message":"Invalid key {echo}","error":"{echo}"}}"#
    ));
    let json_api = json(format!(
        r#"{{"errors":[{{"detail":"The key {echo} is invalid","status":"422","source":{{"pointer":"/{echo}"}}}}]}}"#
    ));
    let refusal = json(format!(
        r#"{{"activated":false,"valid":false,"error":"The license key {echo} is disabled.","license_key":null,"instance":null,"meta":null}}"#
    ));
    let across_the_cut = json(format!("{}{echo} {echo}", "p".repeat(2040)));
    let html = json(format!("<html><body>{echo}</body></html>"));
    let big = json(format!("{echo}{}{echo}", " ".repeat(CAP * 2)));
    let location = leak(format!(
        "location: http://127.0.0.1:9/{}\r\n",
        echo.replace(' ', "/")
    ));
    vec![
        ("refused", Fault::Refused),
        ("closed", Fault::Closed),
        ("reset mid-headers", Fault::ResetMidHeaders),
        ("hang", Fault::Hang),
        ("trickle", Fault::Trickle),
        ("short body", Fault::ShortBody),
        ("endless chunked", Fault::EndlessChunked),
        ("deep JSON", Fault::Deep),
        ("redirect", Fault::Redirect),
        ("302 echoing", Fault::Answer(302, location, b"")),
        ("400", answer(400, message)),
        ("400 refusal", answer(400, refusal)),
        ("401", answer(401, message)),
        ("403 text", answer(403, json(format!("Forbidden: {echo}")))),
        ("404", answer(404, message)),
        ("409", answer(409, message)),
        ("422 JSON:API", answer(422, json_api)),
        ("429", answer(429, message)),
        ("500 across the cut", answer(500, across_the_cut)),
        ("502 HTML", answer(502, html)),
        ("503", answer(503, b"")),
        ("200 HTML", answer(200, html)),
        (
            "200 invalid JSON",
            answer(200, json(format!(r#"{{"key":"{echo}","valid":tru"#))),
        ),
        (
            "200 wrong type",
            answer(
                200,
                json(format!(
                    r#"{{"valid":"{echo}","activated":"{echo}","data":7}}"#
                )),
            ),
        ),
        ("200 empty", answer(200, b"")),
        ("200 over the cap", answer(200, big)),
    ]
}

type Call = fn(
    Arc<dyn license_core::LicenseProvider>,
    String,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<String, LicenseError>> + Send>,
>;

/// The facade operations: each returns the `Debug` of its answer.
const OPERATIONS: &[(&str, Call)] = &[
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

type Direct = fn(
    String,
    HttpOptions,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<String, LicenseError>> + Send>,
>;

/// Each client's own read and write, as the fault matrix drives them (`faults/providers.rs`),
/// the models they answer with shown whole: provider index, operation, call.
const CLIENT_CALLS: &[(usize, &str, Direct)] = &[
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
            let new = devpayr::models::NewLicense::new("Canary");
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
];

fn key() -> SecretLicenseKey {
    SecretLicenseKey::new(LICENSE_KEY)
}

/// An error the user holds: its `Display`, `Debug`, what it carries, and its sources.
pub(crate) fn error(shown: &Shown, label: &str, e: &LicenseError) {
    shown.both(label, e);
    shown.text(label, e.message().to_owned());
    shown.debug(label, &e.http());
    shown.debug(label, &e.provider_body());
    shown.debug(label, &(e.provider_code(), e.provider_message()));
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        shown.text(label, format!("{cause} {cause:?}"));
        source = cause.source();
    }
}

/// Drives every cell; returns the number of cells.
pub(crate) async fn matrix(shown: Arc<Shown>) -> usize {
    let gate = Arc::new(tokio::sync::Semaphore::new(16));
    let mut cells = tokio::task::JoinSet::new();
    for (index, name) in NAMES.iter().enumerate() {
        for (op, call) in OPERATIONS {
            for (fault_name, fault) in faults(&echo(index, op)) {
                let (gate, shown) = (gate.clone(), shown.clone());
                let label = format!("{name} {op} / {fault_name}");
                cells.spawn(async move {
                    let _permit = gate.acquire_owned().await.unwrap_or_else(|e| panic!("{e}"));
                    let server = server::serve(fault).await;
                    let url = match index {
                        2 => format!("{}/api/v1/", server.url),
                        _ => server.url.clone(),
                    };
                    let p = rig::provider(index, &url, options(), &shown);
                    let id = if index == 0 { "lic_1" } else { "7" }.to_owned();
                    let outcome = call(p, id).await;
                    match &outcome {
                        Ok(answer) => shown.text(&label, answer.clone()),
                        Err(e) => error(&shown, &label, e),
                    }
                });
            }
        }
    }
    for (index, op, call) in CLIENT_CALLS {
        for (fault_name, fault) in faults(&echo(*index, op)) {
            let (gate, shown) = (gate.clone(), shown.clone());
            let label = format!("{} client {op} / {fault_name}", NAMES[*index]);
            cells.spawn(async move {
                let _permit = gate.acquire_owned().await.unwrap_or_else(|e| panic!("{e}"));
                let server = server::serve(fault).await;
                let url = match index {
                    2 => format!("{}/api/v1/", server.url),
                    _ => server.url.clone(),
                };
                match &call(url, options()).await {
                    Ok(answer) => shown.text(&label, answer.clone()),
                    Err(e) => error(&shown, &label, e),
                }
            });
        }
    }
    let mut count = 0;
    while let Some(done) = cells.join_next().await {
        done.unwrap_or_else(|e| panic!("a cell panicked: {e}"));
        count += 1;
    }
    count
}
