//! The operations compared, and one call of each through the bare client, the provider crate
//! and the facade. Every call checks its answer, so a benchmark that silently measured an
//! error path would fail instead.

use std::hint::black_box;

use keyward_core::ValidateRequest;
use keyward_lemonsqueezy::LicenseKeyId;
use keyward_test_support::Server;

use crate::bare::Bare;
use crate::canned;
use crate::ours::Ours;

/// An operation measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Dodo `GET /license_keys/{id}`.
    DodoRetrieve,
    /// Dodo `POST /licenses/validate`.
    DodoValidate,
    /// Lemon Squeezy `GET /v1/license-keys/{id}`.
    LsRetrieve,
    /// Lemon Squeezy `POST /v1/licenses/validate`.
    LsValidate,
    /// DevPayr `POST /project/has-paid`.
    DevpayrHasPaid,
    /// GetKeyManager `POST /api/v1/verify`, signature verified.
    GkmValidate,
    /// Polar `POST /v1/customer-portal/license-keys/validate`.
    PolarValidate,
    /// Creem `POST /v1/licenses/validate`.
    CreemValidate,
    /// Gumroad `POST /v2/licenses/verify`, counting no use.
    GumroadValidate,
}

impl Op {
    /// Every operation, in table order.
    pub const ALL: [Op; 9] = [
        Op::DodoRetrieve,
        Op::DodoValidate,
        Op::LsRetrieve,
        Op::LsValidate,
        Op::DevpayrHasPaid,
        Op::GkmValidate,
        Op::PolarValidate,
        Op::CreemValidate,
        Op::GumroadValidate,
    ];

    /// The validate operations (one per provider), for the peak-RSS comparison.
    pub const VALIDATES: [Op; 7] = [
        Op::DodoValidate,
        Op::LsValidate,
        Op::DevpayrHasPaid,
        Op::GkmValidate,
        Op::PolarValidate,
        Op::CreemValidate,
        Op::GumroadValidate,
    ];

    /// The name used on the command line and in tables.
    pub fn name(self) -> &'static str {
        match self {
            Op::DodoRetrieve => "dodo-retrieve",
            Op::DodoValidate => "dodo-validate",
            Op::LsRetrieve => "lemonsqueezy-retrieve",
            Op::LsValidate => "lemonsqueezy-validate",
            Op::DevpayrHasPaid => "devpayr-has-paid",
            Op::GkmValidate => "getkeymanager-validate",
            Op::PolarValidate => "polar-validate",
            Op::CreemValidate => "creem-validate",
            Op::GumroadValidate => "gumroad-validate",
        }
    }

    /// The operation with this name.
    pub fn parse(name: &str) -> Result<Op, String> {
        Op::ALL
            .into_iter()
            .find(|op| op.name() == name)
            .ok_or_else(|| format!("unknown operation `{name}`"))
    }

    /// What the facade request for a validate op carries.
    pub fn validate_request(self) -> ValidateRequest {
        match self {
            Op::DodoValidate => ValidateRequest::new(canned::DODO_KEY),
            Op::LsValidate => ValidateRequest::new(canned::LS_KEY),
            Op::PolarValidate => ValidateRequest::new(canned::POLAR_KEY),
            Op::CreemValidate => {
                ValidateRequest::new(canned::CREEM_KEY).instance_id(canned::CREEM_INSTANCE)
            }
            Op::GumroadValidate => ValidateRequest::new(canned::GUMROAD_KEY),
            _ => ValidateRequest::new(canned::KEY).instance_name(canned::IDENTIFIER),
        }
    }
}

/// Which client makes the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The bare reqwest + serde client.
    Bare,
    /// The provider crate.
    Crate,
    /// The provider crate behind the `keyward` facade.
    Facade,
}

impl Variant {
    /// Every variant.
    pub const ALL: [Variant; 3] = [Variant::Bare, Variant::Crate, Variant::Facade];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Bare => "bare",
            Variant::Crate => "crate",
            Variant::Facade => "facade",
        }
    }

    /// The variant with this name.
    pub fn parse(name: &str) -> Result<Variant, String> {
        Variant::ALL
            .into_iter()
            .find(|v| v.name() == name)
            .ok_or_else(|| format!("unknown variant `{name}` (bare, crate, facade)"))
    }
}

/// Both clients, against one canned server (which runs as long as they do).
pub struct Clients {
    /// The bare client.
    pub bare: Bare,
    /// Ours.
    pub ours: Ours,
    _server: Server,
}

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn expect(ok: bool, op: Op, variant: Variant) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{} through {}: not the expected answer",
            op.name(),
            variant.name()
        ))
    }
}

impl Clients {
    /// Starts the canned server on the current runtime and points both clients at it.
    pub async fn start() -> Result<Self, String> {
        let server = canned::serve().await?;
        let base = server.url();
        Ok(Self {
            bare: Bare::new(base)?.with_signed_key(canned::SIGNED_AT + 30)?,
            ours: Ours::new(base)?,
            _server: server,
        })
    }

    /// One call of `op` through `variant`; the answer is checked, then dropped.
    pub async fn call(&self, op: Op, variant: Variant) -> Result<(), String> {
        match variant {
            Variant::Bare => self.bare_call(op).await,
            Variant::Crate => self.crate_call(op).await,
            Variant::Facade => self.facade_call(op).await,
        }
    }

    async fn bare_call(&self, op: Op) -> Result<(), String> {
        let ok = self.bare.call(op).await?;
        expect(black_box(ok), op, Variant::Bare)
    }

    async fn crate_call(&self, op: Op) -> Result<(), String> {
        let ours = &self.ours;
        let ok = match op {
            Op::DodoRetrieve => {
                let keys = ours.dodo.license_keys();
                let key = keys.retrieve(canned::DODO_KEY_ID).await.map_err(text)?;
                black_box(key).id == canned::DODO_KEY_ID
            }
            Op::DodoValidate => {
                let licenses = ours.dodo.licenses();
                let answer = licenses.validate(&ours.dodo_key, None).await;
                black_box(answer.map_err(text)?).valid
            }
            Op::LsRetrieve => {
                let keys = ours.lemonsqueezy.license_keys();
                let doc = keys.retrieve(LicenseKeyId::from(canned::LS_KEY_ID)).await;
                black_box(doc.map_err(text)?).data.id == LicenseKeyId::from(canned::LS_KEY_ID)
            }
            Op::LsValidate => {
                let licenses = ours.lemonsqueezy.licenses();
                let answer = licenses.validate(&ours.ls_key, None).await;
                black_box(answer.map_err(text)?).is_accepted()
            }
            Op::DevpayrHasPaid => {
                let check = ours.devpayr.has_paid(&ours.key).domain(canned::IDENTIFIER);
                black_box(check.send().await.map_err(text)?).is_paid()
            }
            Op::GkmValidate => {
                let reply = ours.signed_license.verify(&ours.key, canned::IDENTIFIER);
                black_box(reply.await.map_err(text)?).is_done()
            }
            Op::PolarValidate => {
                let options = keyward_polar::ValidateLicenseKey::new();
                let answer = ours
                    .polar
                    .licenses()
                    .validate(&ours.polar_key, &options)
                    .await;
                let key = black_box(answer.map_err(text)?).license_key;
                key.status == keyward_polar::LicenseKeyStatus::Granted
            }
            Op::CreemValidate => {
                let licenses = ours.creem.licenses();
                let answer = licenses
                    .validate(&ours.creem_key, canned::CREEM_INSTANCE)
                    .await;
                black_box(answer.map_err(text)?).status == keyward_creem::LicenseStatus::Active
            }
            Op::GumroadValidate => {
                let answer = ours.gumroad.licenses().verify(&ours.gumroad_key).await;
                let license = black_box(answer.map_err(text)?);
                license.success && !license.purchase.is_some_and(|p| p.is_void())
            }
        };
        expect(ok, op, Variant::Crate)
    }

    async fn facade_call(&self, op: Op) -> Result<(), String> {
        let ours = &self.ours;
        // Polar's, Creem's and Gumroad's facades are app-side only here: the bench validates.
        let app = match op {
            Op::PolarValidate => Some(&ours.polar_facade),
            Op::CreemValidate => Some(&ours.creem_facade),
            Op::GumroadValidate => Some(&ours.gumroad_facade),
            _ => None,
        };
        if let Some(app) = app {
            let outcome = app.validate(op.validate_request()).await.map_err(text)?;
            return expect(black_box(outcome).is_valid(), op, Variant::Facade);
        }
        let provider = match op {
            Op::DodoRetrieve | Op::DodoValidate => &ours.dodo_facade,
            Op::LsRetrieve | Op::LsValidate => &ours.lemonsqueezy_facade,
            Op::DevpayrHasPaid => &ours.devpayr_facade,
            // Polar, Creem and Gumroad returned above.
            Op::GkmValidate | Op::PolarValidate | Op::CreemValidate | Op::GumroadValidate => {
                &ours.signed_license_facade
            }
        };
        let ok = match op {
            Op::DodoRetrieve => {
                let license = provider.get(canned::DODO_KEY_ID).await.map_err(text)?;
                black_box(license).id == canned::DODO_KEY_ID
            }
            Op::LsRetrieve => {
                let license = provider.get("1").await.map_err(text)?;
                black_box(license).id == "1"
            }
            _ => {
                let request = op.validate_request();
                let outcome = provider.validate(request).await.map_err(text)?;
                black_box(outcome).is_valid()
            }
        };
        expect(ok, op, Variant::Facade)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn every_operation_gets_its_canned_answer_through_every_client() {
        let clients = Clients::start().await.unwrap();
        for op in Op::ALL {
            for variant in Variant::ALL {
                // Twice: the second call reuses the kept-alive connection.
                for _ in 0..2 {
                    clients.call(op, variant).await.unwrap();
                }
            }
        }
    }
}
