//! Which Keygen edition the emulator answers as: Keygen EE (the default) or Keygen CE, the
//! self-hosted community edition, which has no environments (`current_environment_scope.rb`:
//! `Keygen.ee? && Keygen.ee { it.entitled?(:environments) }`) and does not declare the
//! parameters the controllers' `typed_params` declare only in `Keygen.ee do … end`.

use serde_json::{Value, json};

use super::answer::{Answer, error};
use super::state::State;
use crate::shell::Emulator;

/// The Keygen edition answering.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Edition {
    /// Keygen EE (keygen.sh, or self-hosted with an EE license): every feature modelled.
    #[default]
    Enterprise,
    /// Keygen CE: environments and a license's own permissions are refused.
    Community,
}

impl Edition {
    /// Its `Keygen-Edition` answer header (`Keygen.edition`).
    pub(crate) fn code(self) -> &'static str {
        match self {
            Edition::Enterprise => "EE",
            Edition::Community => "CE",
        }
    }
}

impl State {
    /// 400 `ENVIRONMENT_NOT_SUPPORTED` where the edition has no environments, for a request
    /// naming one by its `Keygen-Environment` header (`by_header`) or `?environment=`.
    pub(crate) fn environments_supported(&self, by_header: bool) -> Result<(), Answer> {
        if self.edition == Edition::Enterprise {
            return Ok(());
        }
        let source = if by_header {
            json!({"header": "Keygen-Environment"})
        } else {
            json!({"parameter": "environment"})
        };
        Err(Answer::Json(
            400,
            json!({"errors": [{
                "title": "Bad request", "detail": "is unsupported",
                "code": "ENVIRONMENT_NOT_SUPPORTED", "source": source,
            }]}),
        ))
    }
}

impl State {
    /// The 400 `typed_params` answers (`unpermitted parameter`) where the edition does not
    /// declare a parameter at one of `pointers` of `body` that Keygen EE alone permits
    /// (`licenses_controller.rb`, `machines_controller.rb`, `validations_controller.rb`).
    pub(crate) fn enterprise_parameter(&self, body: &Value, pointers: &[&str]) -> Option<Answer> {
        if self.edition == Edition::Enterprise {
            return None;
        }
        let given = pointers.iter().find(|p| body.pointer(p).is_some())?;
        Some(error(
            400,
            "Bad request",
            "unpermitted parameter",
            None,
            Some(given),
        ))
    }
}

impl Emulator<State> {
    /// Answers as Keygen `edition` (Keygen EE by default). Keygen CE refuses a request that
    /// names an environment (the `Keygen-Environment` header or `?environment=`) with 400
    /// `ENVIRONMENT_NOT_SUPPORTED`, before it reads the credential, and a new license's or
    /// machine's `relationships.environment`, a new license's own `permissions` and a
    /// validation's `meta.scope.environment` with 400 `unpermitted parameter`.
    pub fn set_edition(&self, edition: Edition) {
        self.write(|state| state.edition = edition);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::answer::Answer;
    use super::{Edition, State};

    /// The status and first error of `answer` (`None`: no answer, the request goes on).
    fn refusal(answer: Option<Answer>) -> Option<(u16, serde_json::Value)> {
        match answer? {
            Answer::Json(status, body) => Some((status, body["errors"][0].clone())),
            _ => None,
        }
    }

    #[test]
    fn community_refuses_environments_and_enterprise_only_parameters() {
        let mut state = State::default();
        let body = json!({"meta": {"scope": {"environment": null}}});
        let pointers = ["/data/relationships/environment", "/meta/scope/environment"];
        assert!(state.environments_supported(true).is_ok());
        assert!(state.enterprise_parameter(&body, &pointers).is_none());
        state.edition = Edition::Community;
        let (status, error) = refusal(state.environments_supported(true).err()).unwrap();
        assert_eq!(
            (status, &error["code"]),
            (400, &json!("ENVIRONMENT_NOT_SUPPORTED"))
        );
        assert_eq!(error["source"], json!({"header": "Keygen-Environment"}));
        let (_, error) = refusal(state.environments_supported(false).err()).unwrap();
        assert_eq!(error["source"], json!({"parameter": "environment"}));
        let (status, error) = refusal(state.enterprise_parameter(&body, &pointers)).unwrap();
        assert_eq!(
            (status, &error["detail"]),
            (400, &json!("unpermitted parameter"))
        );
        assert_eq!(error["source"]["pointer"], "/meta/scope/environment");
        let without = json!({"meta": {"scope": {"fingerprint": "f"}}});
        assert!(state.enterprise_parameter(&without, &pointers).is_none());
    }
}
