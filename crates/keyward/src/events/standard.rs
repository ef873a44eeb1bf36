//! Standard Webhooks (Dodo's and Polar's scheme, verified by `keyward_http::standard_webhooks`):
//! its refusals as [`EventRejection`]s.

use keyward_http::standard_webhooks::Rejection;

use super::EventRejection;

/// A Standard Webhooks refusal as the event refusal.
pub(crate) fn rejection(rejection: Rejection) -> EventRejection {
    match rejection {
        Rejection::MissingHeader(name) => EventRejection::MissingHeader(name),
        Rejection::BadTimestamp => EventRejection::BadTimestamp,
        Rejection::TooOld | Rejection::TooNew => EventRejection::StaleTimestamp,
        _ => EventRejection::BadSignature,
    }
}
