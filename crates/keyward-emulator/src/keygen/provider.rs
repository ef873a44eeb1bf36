//! The Keygen account as the emulator shell runs it: its initial state (a fresh Ed25519 key,
//! the default admin token), each request answered by the router and signed (then changed on
//! the way when tampering is on), its webhooks' outbox and its state dump.

use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::answer::Answer;
use super::state::State;
use super::{ACCOUNT_ID, DEFAULT_TOKEN, route, sign};
use crate::shell::{Clock, Keyed, Outbox, Provider};

impl Provider for State {
    const NAME: &'static str = "KeygenEmulator";

    /// Empty, with a fresh Ed25519 key, the token [`DEFAULT_TOKEN`], signed responses.
    fn initial(_base_url: &str) -> Self {
        let mut seed = [0u8; 32];
        // A fixed key only if the system has no randomness, which aws-lc-rs does not expect.
        let _ = aws_lc_rs::rand::fill(&mut seed);
        State {
            account_id: ACCOUNT_ID.to_owned(),
            token: DEFAULT_TOKEN.to_owned(),
            signing_seed: seed,
            sign_responses: true,
            ..State::default()
        }
    }

    fn clock(&mut self) -> &mut Clock {
        &mut self.clock
    }

    fn respond(&mut self, request: &Request) -> ResponseTemplate {
        let answer = route::route(self, request);
        let (status, body) = match answer {
            Answer::Json(status, value) => (
                status,
                Some((value.to_string().into_bytes(), "application/vnd.api+json")),
            ),
            Answer::Empty(status) => (status, None),
            Answer::Raw(status, text, disposition) => {
                let template = sign::response(
                    self,
                    request,
                    status,
                    Some((text.into_bytes(), "application/octet-stream")),
                );
                return template.insert_header("content-disposition", disposition.as_str());
            }
        };
        let tampered = self
            .tamper
            .then(|| body.clone())
            .flatten()
            .map(|(mut bytes, t)| {
                // Signed as sent, then changed on the way: what a man in the middle does.
                if let Some(i) = bytes.iter().position(|b| *b == b'"') {
                    bytes.insert(i, b' ');
                }
                (bytes, t)
            });
        let template = sign::response(self, request, status, body);
        match tampered {
            Some((bytes, content_type)) => template.set_body_raw(bytes, content_type),
            None => template,
        }
    }

    fn outbox(&mut self) -> Option<&mut Outbox> {
        Some(&mut self.outbox)
    }

    fn dump(&self) -> Value {
        let licenses: Vec<Value> = self
            .licenses
            .iter()
            .map(|l| self.license_resource(l))
            .collect();
        let machines: Vec<Value> = self
            .machines
            .iter()
            .map(|m| self.machine_resource(m))
            .collect();
        json!({"licenses": licenses, "machines": machines})
    }
}

impl Keyed for State {
    fn api_key(&mut self) -> &mut String {
        &mut self.token
    }
}
