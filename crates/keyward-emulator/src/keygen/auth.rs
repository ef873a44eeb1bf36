//! Who is calling: the admin token, a license's token or key, or no one.

use base64::Engine as _;
use wiremock::Request;

use super::answer::{Answer, error};
use super::state::{AuthStrategy, ExpirationStrategy, State};
use crate::support;

/// `Permission::LICENSE_PERMISSIONS`: what a license may do unless its own permissions say
/// otherwise.
const LICENSE_PERMISSIONS: &[&str] = &[
    "account.read",
    "arch.read",
    "artifact.read",
    "component.create",
    "component.delete",
    "component.read",
    "component.update",
    "channel.read",
    "constraint.read",
    "engine.read",
    "entitlement.read",
    "group.owners.read",
    "group.read",
    "license.check-in",
    "license.check-out",
    "license.read",
    "license.usage.increment",
    "license.validate",
    "machine.check-out",
    "machine.create",
    "machine.delete",
    "machine.heartbeat.ping",
    "machine.proofs.generate",
    "machine.read",
    "machine.update",
    "package.read",
    "platform.read",
    "policy.read",
    "process.create",
    "process.delete",
    "process.heartbeat.ping",
    "process.read",
    "process.update",
    "product.read",
    "release.download",
    "release.read",
    "release.upgrade",
    "token.read",
    "token.regenerate",
    "token.revoke",
    "user.read",
];

/// The permissions reading an `include` needs (`license.policy`: the license's and the
/// policy's).
pub(crate) fn include_permissions(include: &str) -> impl Iterator<Item = &'static str> + '_ {
    include.split('.').map(|part| match part {
        "license" => "license.read",
        "policy" => "policy.read",
        "product" => "product.read",
        "owner" | "user" | "users" => "user.read",
        "entitlements" => "entitlement.read",
        "components" => "component.read",
        "environment" => "environment.read",
        "group" => "group.read",
        _ => "unknown.read",
    })
}

impl AuthStrategy {
    /// Whether a license's token may authenticate (`TOKEN`, `MIXED`).
    fn allows_token(self) -> bool {
        matches!(self, AuthStrategy::Token | AuthStrategy::Mixed)
    }

    /// Whether a license's key may authenticate (`LICENSE`, `MIXED`).
    fn allows_license(self) -> bool {
        matches!(self, AuthStrategy::License | AuthStrategy::Mixed)
    }
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    /// No credential.
    Anonymous,
    /// The admin token.
    Admin,
    /// A license key or token: the license's id.
    License(String),
    /// A product's token: its id and its licenses' ids.
    Product(String, Vec<String>),
}

impl Caller {
    /// Whether the caller manages licenses (an admin, a product for its own).
    pub(crate) fn manages(&self) -> bool {
        matches!(self, Caller::Admin | Caller::Product(..))
    }

    /// Whether the caller holds `permission`: an admin or a product every one, a license its
    /// own (`LicenseSeed::permissions`) or Keygen's default set.
    pub(crate) fn may(&self, state: &State, permission: &str) -> bool {
        match self {
            Caller::License(id) => state.license(id).is_some_and(|l| match &l.permissions {
                Some(own) => own.iter().any(|p| p == permission),
                None => LICENSE_PERMISSIONS.contains(&permission),
            }),
            Caller::Anonymous => false,
            Caller::Admin | Caller::Product(..) => true,
        }
    }

    /// Whether the caller may act on license `id`.
    pub(crate) fn owns(&self, license_id: &str) -> bool {
        match self {
            Caller::Admin => true,
            Caller::License(id) => id == license_id,
            Caller::Product(_, licenses) => licenses.iter().any(|l| l == license_id),
            Caller::Anonymous => false,
        }
    }
}

/// The caller, or the 401/403 its credential gets (`concerns/authentication.rb`): an unknown
/// token or key; a license's token or key its policy's authentication strategy refuses
/// (`TOKEN_NOT_ALLOWED`, `LICENSE_NOT_ALLOWED`); a suspended license's key, or a revoked-by-expiry
/// one's.
pub(crate) fn caller(state: &State, request: &Request) -> Result<Caller, Answer> {
    let Some(auth) = support::header(request, "authorization") else {
        return Ok(Caller::Anonymous);
    };
    // `Basic base64(token:)` is the token, `Basic base64(license:key)` the key
    // (`authentication_steps.rb` sends either form at random).
    let basic = auth.strip_prefix("Basic ").and_then(|b| {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(b.trim())
            .ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let (user, password) = decoded.split_once(':')?;
        Some(match user {
            "license" => format!("License {password}"),
            token => format!("Bearer {token}"),
        })
    });
    let auth = basic.as_deref().unwrap_or(auth);
    let refused =
        |code: &str, detail: &str| Err(error(403, "Access denied", detail, Some(code), None));
    if let Some(token) = auth.strip_prefix("Bearer ") {
        if token == state.token {
            return Ok(Caller::Admin);
        }
        if let Some((_, product)) = state.product_tokens.iter().find(|(t, _)| t == token) {
            let licenses = state.licenses.iter().filter(|l| l.product_id == *product);
            let licenses = licenses.map(|l| l.id.clone()).collect();
            return Ok(Caller::Product(product.clone(), licenses));
        }
        return match state
            .licenses
            .iter()
            .find(|l| l.token.as_deref() == Some(token))
        {
            Some(license) if license.authentication.allows_token() => {
                Ok(Caller::License(license.id.clone()))
            }
            Some(_) => refused(
                "TOKEN_NOT_ALLOWED",
                "Token authentication is not allowed by policy",
            ),
            None => Err(error(
                401,
                "Unauthorized",
                "Token is invalid",
                Some("TOKEN_INVALID"),
                None,
            )),
        };
    }
    if let Some(key) = auth.strip_prefix("License ") {
        let now = state.now();
        return match state.licenses.iter().find(|l| l.key == key) {
            Some(l) if l.suspended => refused("LICENSE_SUSPENDED", "License is suspended"),
            Some(l)
                if l.expiration_strategy == ExpirationStrategy::RevokeAccess
                    && l.expiry.is_some_and(|e| e < now) =>
            {
                refused("LICENSE_EXPIRED", "License is expired")
            }
            Some(l) if !l.authentication.allows_license() => refused(
                "LICENSE_NOT_ALLOWED",
                "License key authentication is not allowed by policy",
            ),
            Some(license) => Ok(Caller::License(license.id.clone())),
            None => Err(error(
                401,
                "Unauthorized",
                "License key is invalid",
                Some("LICENSE_INVALID"),
                None,
            )),
        };
    }
    Err(error(
        401,
        "Unauthorized",
        "Token format is invalid",
        Some("TOKEN_FORMAT_INVALID"),
        None,
    ))
}
