//! The error paths: every facade operation of every provider, and each client's own calls,
//! against the fault matrix's server (`keyward-test-support`), its HTTP answers echoing the secrets
//! the call carried in the body and in headers, and against servers echoing all they received.

use std::sync::Arc;
use std::time::Duration;

use keyward_core::LicenseError;
use keyward_http::{HttpOptions, RetryPolicy};

use crate::calls::{CLIENT_CALLS, Call, Direct, OPERATIONS};
use crate::check::{
    CREATED_KEY, CREEM_API_KEY, DEVPAYR_API_KEY, DODO_API_KEY, GKM_API_KEY, GUMROAD_TOKEN,
    KEYGEN_TOKEN, LEMON_API_KEY, LICENSE_KEY, POLAR_API_KEY, Shown,
};
use crate::echo;
use crate::rig::{self, NAMES};
use keyward_test_support::{Fault, compose, serve};

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
/// send it. Gumroad's calls all carry the license key (its only handle, `get`'s too), and only
/// its writes the token.
fn echo(index: usize, op: &str) -> String {
    if index == 7 {
        return match op {
            "disable" => format!("{LICENSE_KEY} {GUMROAD_TOKEN}"),
            _ => LICENSE_KEY.to_owned(),
        };
    }
    let license_call = matches!(op, "validate" | "activate" | "deactivate");
    let mut carried = Vec::new();
    if license_call {
        carried.push(LICENSE_KEY);
    }
    if op == "create" {
        carried.push(CREATED_KEY);
    }
    // GetKeyManager and Creem send their API key with every call.
    if index == 3 || index == 5 || !license_call {
        let keys = [
            DODO_API_KEY,
            LEMON_API_KEY,
            DEVPAYR_API_KEY,
            GKM_API_KEY,
            POLAR_API_KEY,
            CREEM_API_KEY,
            KEYGEN_TOKEN,
        ];
        carried.push(keys[index]);
    }
    carried.join(" ")
}

/// The faults, each echoing `echo` where an answer can carry it.
fn faults(echo: &str) -> Vec<(&'static str, Fault)> {
    let headers = format!(
        "x-request-id: req-{echo}\r\nwww-authenticate: Bearer error=\"{echo}\"\r\nx-echo: {echo}\r\n"
    );
    let answer = |status, body: &str| Fault::Raw(compose(status, &headers, body.as_bytes(), false));
    let message = format!(r#"{{"message":"Invalid key {echo}","error":"{echo}"}}"#);
    let json_api = format!(
        r#"{{"errors":[{{"detail":"The key {echo} is invalid","status":"422","source":{{"pointer":"/{echo}"}}}}]}}"#
    );
    let refusal = format!(
        r#"{{"activated":false,"valid":false,"error":"The license key {echo} is disabled.","license_key":null,"instance":null,"meta":null}}"#
    );
    let across_the_cut = format!("{}{echo} {echo}", "p".repeat(2040));
    let html = format!("<html><body>{echo}</body></html>");
    let big = format!("{echo}{}{echo}", " ".repeat(CAP * 2));
    let location = format!(
        "location: http://127.0.0.1:9/{}\r\n",
        echo.replace(' ', "/")
    );
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
        (
            "302 echoing",
            Fault::Raw(compose(302, &location, b"", false)),
        ),
        ("400", answer(400, &message)),
        ("400 refusal", answer(400, &refusal)),
        ("401", answer(401, &message)),
        ("403 text", answer(403, &format!("Forbidden: {echo}"))),
        ("404", answer(404, &message)),
        ("409", answer(409, &message)),
        ("422 JSON:API", answer(422, &json_api)),
        ("429", answer(429, &message)),
        ("500 across the cut", answer(500, &across_the_cut)),
        ("502 HTML", answer(502, &html)),
        ("503", answer(503, "")),
        ("200 HTML", answer(200, &html)),
        (
            "200 invalid JSON",
            answer(200, &format!(r#"{{"key":"{echo}","valid":tru"#)),
        ),
        (
            "200 wrong type",
            answer(
                200,
                &format!(r#"{{"valid":"{echo}","activated":"{echo}","data":7}}"#),
            ),
        ),
        ("200 empty", answer(200, "")),
        ("200 over the cap", answer(200, &big)),
    ]
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

/// Where a cell's call goes: a fault server of its own, or a shared echoing server's URL.
enum Target {
    Fault(Fault),
    Echo(String),
}

/// What a cell calls.
#[derive(Clone, Copy)]
enum Caller {
    Facade(Call),
    Client(Direct),
}

/// The statuses the echoing servers answer with.
const ECHO_STATUSES: [u16; 10] = [200, 400, 401, 403, 404, 409, 422, 429, 500, 502];

async fn cell(index: usize, caller: Caller, target: Target, label: String, shown: Arc<Shown>) {
    let (_server, base) = match target {
        Target::Fault(fault) => {
            let server = serve(fault).await.unwrap_or_else(|e| panic!("{e}"));
            let url = server.url().to_owned();
            (Some(server), url)
        }
        Target::Echo(url) => (None, url),
    };
    let url = match index {
        2 => format!("{base}/api/v1/"),
        _ => base,
    };
    let outcome = match caller {
        Caller::Facade(call) => {
            let id = match index {
                0 => "lic_1",
                4 => "508176f7-065a-4b5d-b524-4e9c8a11ed63",
                7 => LICENSE_KEY,
                _ => "7",
            };
            call(rig::provider(index, &url, options(), &shown), id.to_owned()).await
        }
        Caller::Client(call) => call(url, options()).await,
    };
    match &outcome {
        Ok(answer) => shown.text(&label, answer.clone()),
        Err(e) => error(&shown, &label, e),
    }
}

/// Drives every cell: each call against each fault, and against each echoing server; returns
/// the number of cells.
pub(crate) async fn matrix(shown: Arc<Shown>) -> usize {
    let mut echoes = Vec::new();
    for status in ECHO_STATUSES {
        echoes.push((status, echo::echoing(status).await));
    }
    let mut callers = Vec::new();
    for (index, name) in NAMES.iter().enumerate() {
        for (op, call) in OPERATIONS {
            callers.push((index, *op, format!("{name} {op}"), Caller::Facade(*call)));
        }
    }
    for (index, op, call) in CLIENT_CALLS {
        let label = format!("{} client {op}", NAMES[*index]);
        callers.push((*index, *op, label, Caller::Client(*call)));
    }
    let gate = Arc::new(tokio::sync::Semaphore::new(16));
    let mut cells = tokio::task::JoinSet::new();
    for (index, op, label, caller) in callers {
        let mut targets: Vec<(String, Target)> = faults(&echo(index, op))
            .into_iter()
            .map(|(name, fault)| (name.to_owned(), Target::Fault(fault)))
            .collect();
        for (status, server) in &echoes {
            targets.push((format!("{status} echoing"), Target::Echo(server.uri())));
        }
        for (fault_name, target) in targets {
            let (gate, shown) = (gate.clone(), shown.clone());
            let label = format!("{label} / {fault_name}");
            cells.spawn(async move {
                let _permit = gate.acquire_owned().await.unwrap_or_else(|e| panic!("{e}"));
                cell(index, caller, target, label, shown).await;
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
