//! The control API of `licensectl emulate`, on a port of its own so an outage never cuts it:
//! `/_emulator/[<provider>/]<knob>`, every knob applying to the five emulators when no provider
//! is named. JSON in, JSON out.
//!
//! | request | does |
//! | --- | --- |
//! | `GET /_emulator` | the providers and their base URLs |
//! | `GET /_emulator/dump` | every emulator's state (test keys included) |
//! | `POST /_emulator/clock` | `{"now": "<RFC 3339>"}`, `{"advance_seconds": n}` or `{"system": true}` |
//! | `POST /_emulator/outage` | `{"mode": "refuse" \| "hang" \| "status" \| "rate-limit", "status": 503, "retry_after": 30}` |
//! | `POST /_emulator/fault` | `{"method": "POST", "path": "/license_keys", "every": 100, "status": 503, "retry_after": 1, "after_applying": true}` |
//! | `POST /_emulator/latency` | `{"ms": 250}` |
//! | `POST /_emulator/restore` | ends outages, faults and latency |
//! | `POST /_emulator/reset` | back to the seed |

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use keyward_emulator::{Emulator, Fault, Outage, Provider};
use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

/// The knobs of one emulator, whatever its provider.
pub(crate) trait Knobs: Send + Sync {
    /// The base URL.
    fn uri(&self) -> String;
    /// Pins the clock.
    fn set_now(&self, now: DateTime<Utc>);
    /// Moves the clock.
    fn advance(&self, by: chrono::Duration);
    /// Follows the system clock again.
    fn use_system_clock(&self);
    /// Starts an outage.
    fn outage(&self, outage: Outage);
    /// Adds a fault.
    fn add_fault(&self, fault: Fault);
    /// Delays every answer.
    fn set_latency(&self, latency: Duration);
    /// Ends outages and latency.
    fn restore(&self);
    /// The state as JSON.
    fn dump(&self) -> Value;
    /// Back to the seed.
    fn reset(&self);
}

impl<P: Provider> Knobs for Emulator<P>
where
    Emulator<P>: Send + Sync,
{
    fn uri(&self) -> String {
        Emulator::uri(self)
    }
    fn set_now(&self, now: DateTime<Utc>) {
        Emulator::set_now(self, now);
    }
    fn advance(&self, by: chrono::Duration) {
        Emulator::advance(self, by);
    }
    fn use_system_clock(&self) {
        Emulator::use_system_clock(self);
    }
    fn outage(&self, outage: Outage) {
        Emulator::outage(self, outage);
    }
    fn add_fault(&self, fault: Fault) {
        Emulator::add_fault(self, fault);
    }
    fn set_latency(&self, latency: Duration) {
        Emulator::set_latency(self, latency);
    }
    fn restore(&self) {
        Emulator::restore(self);
    }
    fn dump(&self) -> Value {
        Emulator::dump(self)
    }
    fn reset(&self) {
        Emulator::reset(self);
    }
}

/// One emulator by its `--provider` name.
pub(crate) type Entry = (&'static str, Arc<dyn Knobs>);

/// The emulators by their `--provider` names.
pub(crate) type Named = Vec<Entry>;

/// Answers the control API.
pub(crate) struct Control {
    /// The emulators.
    pub emulators: Named,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Clock {
    now: Option<DateTime<Utc>>,
    advance_seconds: Option<i64>,
    #[serde(default)]
    system: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutageBody {
    mode: Mode,
    status: Option<u16>,
    retry_after: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultBody {
    method: String,
    path: String,
    every: u64,
    status: u16,
    retry_after: Option<u64>,
    #[serde(default)]
    after_applying: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Mode {
    Refuse,
    Hang,
    Status,
    #[serde(alias = "429", alias = "too-many-requests")]
    RateLimit,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Latency {
    ms: u64,
}

/// A refused control request: its status and why.
struct Fail {
    status: u16,
    message: String,
}

fn error(status: u16, message: impl Into<String>) -> Fail {
    Fail {
        status,
        message: message.into(),
    }
}

/// Reads a JSON body, the error naming the JSON path.
fn body<T: serde::de::DeserializeOwned>(request: &Request) -> Result<T, Fail> {
    let bytes: &[u8] = if request.body.is_empty() {
        b"{}"
    } else {
        &request.body
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de)
        .map_err(|e| error(400, format!("the body at `{}`: {}", e.path(), e.inner())))
}

impl Respond for Control {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        match self.answer(request) {
            Ok(body) => ResponseTemplate::new(200).set_body_json(body),
            Err(fail) => {
                ResponseTemplate::new(fail.status).set_body_json(json!({"error": fail.message}))
            }
        }
    }
}

impl Control {
    fn answer(&self, request: &Request) -> Result<Value, Fail> {
        let path = request.url.path().trim_end_matches('/');
        let Some(rest) = path.strip_prefix("/_emulator") else {
            return Err(error(404, "the control API is under /_emulator/"));
        };
        let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
        let (targets, knob): (Vec<&Entry>, Option<&str>) = match parts[..] {
            [] => (self.emulators.iter().collect(), None),
            [one] => match self.find(one) {
                Some(e) => (vec![e], None),
                None => (self.emulators.iter().collect(), Some(one)),
            },
            [provider, knob] => match self.find(provider) {
                Some(e) => (vec![e], Some(knob)),
                None => return Err(unknown_provider(provider)),
            },
            _ => return Err(error(404, "no such control endpoint")),
        };
        let method = request.method.as_str();
        let want = |m: &str| {
            if method == m {
                Ok(())
            } else {
                Err(error(405, format!("use {m}")))
            }
        };
        match knob {
            None => {
                want("GET")?;
                let providers: serde_json::Map<String, Value> = targets
                    .iter()
                    .map(|(name, e)| ((*name).to_owned(), json!(e.uri())))
                    .collect();
                return Ok(json!({"providers": providers}));
            }
            Some("dump") => {
                want("GET")?;
                return Ok(dumps(&targets));
            }
            Some(_) => want("POST")?,
        }
        match knob {
            Some("clock") => {
                let clock: Clock = body(request)?;
                for (_, e) in &targets {
                    match (&clock.now, clock.advance_seconds, clock.system) {
                        (Some(now), None, false) => e.set_now(*now),
                        (None, Some(secs), false) => e.advance(chrono::Duration::seconds(secs)),
                        (None, None, true) => e.use_system_clock(),
                        _ => {
                            return Err(error(
                                400,
                                "give exactly one of `now`, `advance_seconds`, `system`",
                            ));
                        }
                    }
                }
                let now: serde_json::Map<String, Value> = targets
                    .iter()
                    .map(|(name, e)| ((*name).to_owned(), e.dump()["now"].clone()))
                    .collect();
                Ok(json!({"now": now}))
            }
            Some("outage") => {
                let o: OutageBody = body(request)?;
                let outage = match o.mode {
                    Mode::Refuse => Outage::Refuse,
                    Mode::Hang => Outage::Hang,
                    Mode::Status => Outage::Status {
                        status: o.status.unwrap_or(503),
                        retry_after_secs: o.retry_after,
                    },
                    Mode::RateLimit => Outage::too_many_requests(o.retry_after),
                };
                targets.iter().for_each(|(_, e)| e.outage(outage));
                Ok(done(&targets))
            }
            Some("fault") => {
                let f: FaultBody = body(request)?;
                let mut fault = Fault::every(f.every, &f.method, &f.path, f.status);
                if let Some(secs) = f.retry_after {
                    fault = fault.retry_after(secs);
                }
                if f.after_applying {
                    fault = fault.after_applying();
                }
                targets.iter().for_each(|(_, e)| e.add_fault(fault.clone()));
                Ok(done(&targets))
            }
            Some("latency") => {
                let l: Latency = body(request)?;
                let latency = Duration::from_millis(l.ms);
                targets.iter().for_each(|(_, e)| e.set_latency(latency));
                Ok(done(&targets))
            }
            Some("restore") => {
                targets.iter().for_each(|(_, e)| e.restore());
                Ok(done(&targets))
            }
            Some("reset") => {
                targets.iter().for_each(|(_, e)| e.reset());
                Ok(done(&targets))
            }
            _ => Err(error(
                404,
                "no such control endpoint: dump, clock, outage, fault, latency, restore, reset",
            )),
        }
    }

    fn find(&self, name: &str) -> Option<&Entry> {
        self.emulators.iter().find(|(n, _)| *n == name)
    }
}

fn unknown_provider(name: &str) -> Fail {
    // The name comes from the request path; it holds no secret.
    error(
        404,
        format!("no provider `{name}`: dodo, lemonsqueezy, devpayr or signed-license"),
    )
}

fn done(targets: &[&Entry]) -> Value {
    let names: Vec<&str> = targets.iter().map(|(n, _)| *n).collect();
    json!({"applied_to": names})
}

fn dumps(targets: &[&Entry]) -> Value {
    let map: serde_json::Map<String, Value> = targets
        .iter()
        .map(|(name, e)| ((*name).to_owned(), e.dump()))
        .collect();
    Value::Object(map)
}
