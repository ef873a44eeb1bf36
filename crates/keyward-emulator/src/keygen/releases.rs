//! Releases and their artifacts (`app/models/release.rb`, `app/models/release_artifact.rb`), as a
//! validation's `checksum` and `version` scopes read them (`license_validation_service.rb`): a
//! published release of the license's product with that version, or an uploaded artifact of
//! one with that checksum, among those the license may access (`for_license`: its product
//! neither closed nor another's, the release's entitlement constraints all the license's, and
//! published before the license expired when its policy restricts or maintains access).

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

pub use super::release_seed::{
    ArtifactSeed, ArtifactStatus, DistributionStrategy, ReleaseSeed, ReleaseStatus,
};
use super::state::{ExpirationStrategy, LicenseRecord, State};
use super::validation::Verdict;
use super::validation_scope::missing;
use crate::shell::Emulator;

/// The versions a validation's `checksum` and `version` scopes reach for its license: that of
/// the newest release with an artifact of that checksum, that of the release with that version
/// (`None`: none the license may access, or no such scope).
#[derive(Debug, Default)]
pub(crate) struct Published {
    pub(crate) by_checksum: Option<String>,
    pub(crate) by_version: Option<String>,
}

impl State {
    /// What `scope`'s `checksum` and `version` reach for `license`.
    pub(crate) fn published(
        &self,
        license: Option<&LicenseRecord>,
        scope: Option<&Value>,
    ) -> Published {
        let (Some(license), Some(scope)) = (license, scope) else {
            return Published::default();
        };
        let text = |name: &str| scope.get(name).and_then(Value::as_str);
        Published {
            by_checksum: text("checksum").and_then(|c| self.artifact_for(license, c)),
            by_version: text("version").and_then(|v| self.release_for(license, v)),
        }
    }

    fn distribution(&self, product_id: &str) -> DistributionStrategy {
        self.distributions
            .iter()
            .find(|(id, _)| id == product_id)
            .map(|(_, strategy)| *strategy)
            .unwrap_or_default()
    }

    /// `release.rb`'s `for_license`, of the license's own product's releases: licensed ones
    /// within its constraints and expiry, and (the `union`) open ones without constraints.
    fn accessible(&self, release: &ReleaseSeed, license: &LicenseRecord) -> bool {
        let strategy = self.distribution(&release.product_id);
        let constrained = release
            .constraints
            .iter()
            .all(|code| license.entitlements.contains(code));
        let licensed = strategy != DistributionStrategy::Closed
            && constrained
            && within_expiry(release, license, self.now());
        let open = strategy == DistributionStrategy::Open
            && release.constraints.is_empty()
            && release.status == ReleaseStatus::Published;
        release.product_id == license.product_id && (licensed || open)
    }

    /// `product.releases.with_version(version).for_license(license).published.take`.
    fn release_for(&self, license: &LicenseRecord, version: &str) -> Option<String> {
        self.releases
            .iter()
            .filter(|r| r.version == version && r.status == ReleaseStatus::Published)
            .find(|r| self.accessible(r, license))
            .map(|r| r.version.clone())
    }

    /// `product.release_artifacts.with_checksum(checksum).for_license(license)
    /// .order_by_version.published.uploaded.take`: the version of the newest release with such
    /// an artifact.
    fn artifact_for(&self, license: &LicenseRecord, checksum: &str) -> Option<String> {
        self.releases
            .iter()
            .rev()
            .filter(|r| r.status == ReleaseStatus::Published && self.accessible(r, license))
            .filter(|r| {
                r.artifacts.iter().any(|a| {
                    a.status == ArtifactStatus::Uploaded && a.checksum.as_deref() == Some(checksum)
                })
            })
            .max_by(|a, b| version_order(&a.version).cmp(&version_order(&b.version)))
            .map(|r| r.version.clone())
    }
}

/// The `checksum` and `version` scope checks of `license_validation_service.rb`: required by
/// the policy when absent, else reaching a release the license may access (whose version
/// `touched` gets), else a mismatch.
pub(crate) fn scopes(
    license: &LicenseRecord,
    scope: &Map<String, Value>,
    published: &Published,
    touched: &mut Option<String>,
) -> Option<Verdict> {
    for (name, found, detail, code) in [
        (
            "checksum",
            &published.by_checksum,
            "checksum scope is not valid (does not match any accessible artifacts)",
            "CHECKSUM_SCOPE_MISMATCH",
        ),
        (
            "version",
            &published.by_version,
            "version scope is not valid (does not match any accessible releases)",
            "VERSION_SCOPE_MISMATCH",
        ),
    ] {
        if let Some(verdict) = missing(license, scope, name) {
            return Some(verdict);
        }
        if scope.contains_key(name) {
            match found {
                Some(version) => *touched = Some(version.clone()),
                None => return Some((false, detail, code)),
            }
        }
    }
    None
}

/// `within_expiry_for`: every release for a license that does not expire or allows access;
/// none for an expired one that revokes it; else those created (or backdated) before it expired.
fn within_expiry(release: &ReleaseSeed, license: &LicenseRecord, now: DateTime<Utc>) -> bool {
    let Some(expiry) = license.expiry else {
        return true;
    };
    match license.expiration_strategy {
        ExpirationStrategy::RevokeAccess => expiry >= now,
        ExpirationStrategy::RestrictAccess | ExpirationStrategy::MaintainAccess => {
            release.created.unwrap_or(now) <= expiry
                || release.backdated_to.is_some_and(|at| at <= expiry)
        }
        ExpirationStrategy::AllowAccess => true,
    }
}

/// `release_artifact.rb`'s `order_by_version` key: major, minor, patch, then a release before
/// its pre-releases (`semver_pre_word DESC NULLS FIRST`), then a build tag over none.
fn version_order(version: &str) -> (Vec<u64>, bool, String, bool, String) {
    let (core, build) = version.split_once('+').unwrap_or((version, ""));
    let (numbers, pre) = core.split_once('-').unwrap_or((core, ""));
    let numbers = numbers.split('.').map(|n| n.parse().unwrap_or(0)).collect();
    (
        numbers,
        pre.is_empty(),
        pre.to_owned(),
        !build.is_empty(),
        build.to_owned(),
    )
}

impl Emulator<State> {
    /// Adds a release (and its artifacts) of a product and returns its id: what a validation's
    /// `checksum` and `version` scopes match.
    pub fn add_release(&self, seed: ReleaseSeed) -> String {
        self.write(|state| {
            let mut seed = seed;
            seed.created.get_or_insert(state.now());
            state.releases.retain(|r| r.id != seed.id);
            let id = seed.id.clone();
            state.releases.push(seed);
            id
        })
    }

    /// Sets who may download product `product_id`'s releases (Keygen's default: licensed).
    pub fn set_distribution_strategy(&self, product_id: &str, strategy: DistributionStrategy) {
        self.write(|state| {
            state.distributions.retain(|(id, _)| id != product_id);
            state.distributions.push((product_id.to_owned(), strategy));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::version_order;

    #[test]
    fn versions_order_as_keygen_sorts_them() {
        let mut versions = [
            "1.0.0",
            "2.0.1",
            "2.0.1+hotfix",
            "2.0.0",
            "2.0.1-beta.1",
            "1.0.1",
        ];
        versions.sort_by_key(|v| version_order(v));
        assert_eq!(
            versions,
            [
                "1.0.0",
                "1.0.1",
                "2.0.0",
                "2.0.1-beta.1",
                "2.0.1",
                "2.0.1+hotfix"
            ]
        );
    }
}
