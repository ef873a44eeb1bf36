//! Who is calling: the admin token, a license's token or key, or no one.

use base64::Engine as _;
use wiremock::Request;

use super::answer::{Answer, error};
use super::roles::{LICENSE_PERMISSIONS, LICENSE_ROLE_RULES, Standing, UserRole};
use super::state::{AuthStrategy, ExpirationStrategy, LicenseRecord, State};
use crate::support;

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
    /// A user's token.
    User(UserCaller),
    /// An environment's token (Keygen EE): its id.
    Environment(String),
}

/// A user calling with its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UserCaller {
    pub(crate) id: String,
    pub(crate) role: UserRole,
    /// The licenses it owns or is a user of (`License.for_user`).
    pub(crate) licenses: Vec<String>,
}

impl Caller {
    /// Whether the caller may reach the admin routes (an admin, a product for its own, a
    /// user as its role allows: [`Caller::may_on`]).
    pub(crate) fn manages(&self) -> bool {
        matches!(
            self,
            Caller::Admin | Caller::Product(..) | Caller::User(_) | Caller::Environment(_)
        )
    }

    /// Whether the caller may do `permission` to `license` (or to its machine owned by
    /// `machine_owner`): it holds the permission, and its role's case of the policy allows it
    /// (a license acts on itself, a user on the licenses it owns or uses unless protected).
    pub(crate) fn may_on(
        &self,
        state: &State,
        permission: &str,
        license: &LicenseRecord,
        machine_owner: Option<&str>,
    ) -> bool {
        if !self.may(state, permission) {
            return false;
        }
        let user = match self {
            Caller::User(user) => user,
            Caller::License(_) => return LICENSE_ROLE_RULES.contains(&permission),
            _ => return true,
        };
        let owner = license.owner_id.as_deref() == Some(user.id.as_str())
            || machine_owner == Some(user.id.as_str());
        // Deleting, revoking and renewing ask whether the policy is protected, the rest the
        // license (its own flag, the policy's by default).
        let policy_protected = state
            .policies
            .iter()
            .find(|p| p.policy_id == license.policy_id)
            .map(|p| p.protected);
        let protected = match permission {
            "license.delete" | "license.revoke" | "license.renew" => {
                policy_protected.unwrap_or(license.protected)
            }
            _ => license.protected,
        };
        let standing = Standing {
            owner,
            user: owner || license.user_ids.contains(&user.id),
            protected,
        };
        user.role.allows(permission, standing)
    }

    /// Whether the caller holds `permission`: an admin or a product every one, a license its
    /// own (`LicenseSeed::permissions`) or Keygen's default set.
    pub(crate) fn may(&self, state: &State, permission: &str) -> bool {
        match self {
            Caller::License(id) => state.license(id).is_some_and(|l| match &l.permissions {
                Some(own) => own.iter().any(|p| p == permission),
                None => LICENSE_PERMISSIONS.contains(&permission),
            }),
            Caller::User(user) => state
                .user(&user.id)
                .is_some_and(|u| u.token_holds(permission)),
            Caller::Anonymous => false,
            Caller::Admin | Caller::Product(..) | Caller::Environment(_) => true,
        }
    }

    /// Whether the caller may act on license `id`.
    pub(crate) fn owns(&self, license_id: &str) -> bool {
        match self {
            Caller::Admin | Caller::Environment(_) => true,
            Caller::License(id) => id == license_id,
            Caller::Product(_, licenses) => licenses.iter().any(|l| l == license_id),
            Caller::User(user) => {
                user.role.sees_all() || user.licenses.iter().any(|l| l == license_id)
            }
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
    let normalized = normalized(auth);
    let auth = normalized.as_deref().unwrap_or(auth);
    let refused =
        |code: &str, detail: &str| Err(error(403, "Access denied", detail, Some(code), None));
    if let Some(token) = auth.strip_prefix("Bearer ") {
        // `authentication.rb`: a token id (a UUID) where the token belongs, a common mistake.
        if super::uuid_re::matches_uuid_re(token) {
            let detail = "Token format is invalid (make sure that you're providing a token \
                          value, not a token's UUID identifier)";
            return Err(error(
                401,
                "Unauthorized",
                detail,
                Some("TOKEN_FORMAT_INVALID"),
                None,
            ));
        }
        // The token and its bearer must belong where the request is (Keygen EE).
        let admitted = |bearer: Option<&str>, admin: bool| {
            let token_environment = state.token_environment(token, bearer);
            match state.refused_environment(token_environment.as_deref(), bearer, admin) {
                Some(answer) => Err(answer),
                None => Ok(()),
            }
        };
        if token == state.token {
            admitted(None, true)?;
            return Ok(Caller::Admin);
        }
        if let Some(env) = state
            .environments
            .iter()
            .find(|e| e.token.as_deref() == Some(token))
        {
            admitted(Some(&env.id), false)?;
            return Ok(Caller::Environment(env.id.clone()));
        }
        if let Some((_, product)) = state.product_tokens.iter().find(|(t, _)| t == token) {
            admitted(None, false)?;
            let licenses = state.licenses.iter().filter(|l| l.product_id == *product);
            let licenses = licenses.map(|l| l.id.clone()).collect();
            return Ok(Caller::Product(product.clone(), licenses));
        }
        if let Some(user) = state
            .users
            .iter()
            .find(|u| u.token.as_deref() == Some(token))
        {
            admitted(user.environment_id.as_deref(), user.role == UserRole::Admin)?;
            if user.banned {
                return refused("USER_BANNED", "User is banned");
            }
            return Ok(Caller::User(UserCaller {
                id: user.id.clone(),
                role: user.role,
                licenses: state.licenses_of_user(&user.id),
            }));
        }
        let license = state
            .licenses
            .iter()
            .find(|l| l.token.as_deref() == Some(token));
        if let Some(license) = license {
            admitted(license.environment_id.as_deref(), false)?;
        }
        return match license {
            // `banned?` of any bearer: a license's is its owner's (the code is still `USER_…`).
            Some(license) if state.banned(license) => refused("USER_BANNED", "User is banned"),
            Some(license) if license.authentication.allows_token() => {
                Ok(Caller::License(license.id.clone()))
            }
            Some(_) => refused(
                "TOKEN_NOT_ALLOWED",
                "Token authentication is not allowed by policy",
            ),
            None => Err(super::answer::token_invalid()),
        };
    }
    if let Some(key) = auth.strip_prefix("License ") {
        let now = state.now();
        // `LicenseKeyLookupService` finds only the licenses the request sees.
        let found = state.licenses.iter().find(|l| l.has_key(key));
        return match found.filter(|l| state.seen(l.environment_id.as_deref())) {
            Some(l) if state.banned(l) => refused("LICENSE_BANNED", "License is banned"),
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

/// `Authorization` as `Bearer <token>` or `License <key>`: `Basic base64(token:)` is the token,
/// `Basic base64(license:key)` the key (`authentication_steps.rb` sends either form at random).
fn normalized(auth: &str) -> Option<String> {
    auth.strip_prefix("Basic ").and_then(|b| {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(b.trim())
            .ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let (user, password) = decoded.split_once(':')?;
        Some(match user {
            "license" => format!("License {password}"),
            token => format!("Bearer {token}"),
        })
    })
}

/// The token the request carries (none for a license key).
pub(crate) fn token(request: &Request) -> Option<String> {
    let auth = support::header(request, "authorization")?;
    let normalized = normalized(auth);
    let auth = normalized.as_deref().unwrap_or(auth);
    auth.strip_prefix("Bearer ").map(str::to_owned)
}
