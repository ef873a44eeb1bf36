//! The client against the Keygen emulator's releases: a validation's `version` and `checksum`
//! scopes (features/api/v1/licenses/actions/validations.feature, "…version scope…",
//! "…checksum scope…").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use keyward_emulator::keygen::{
    ArtifactSeed, ArtifactStatus, DistributionStrategy, ExpirationStrategy, KeygenEmulator,
    LicenseSeed, ReleaseSeed, ReleaseStatus,
};
use keyward_keygen::{Client, SecretLicenseKey, Validation, ValidationScope};

const PRODUCT: &str = "7d3a1a5e-52a0-4c55-9a2b-6d0c9f0d1a01";
const POLICY: &str = "7d3a1a5e-52a0-4c55-9a2b-6d0c9f0d1a02";

async fn validate(emulator: &KeygenEmulator, key: &str, scope: &ValidationScope) -> Validation {
    let client = Client::builder()
        .base_url(emulator.uri())
        .account(emulator.account_id())
        .public_key(&emulator.public_key_hex())
        .build()
        .unwrap();
    client
        .licenses()
        .validate_key(&SecretLicenseKey::new(key), scope)
        .await
        .unwrap()
}

fn version(v: &str) -> ValidationScope {
    let mut scope = ValidationScope::default();
    scope.version = Some(v.to_owned());
    scope
}

fn checksum(c: &str) -> ValidationScope {
    let mut scope = ValidationScope::default();
    scope.checksum = Some(c.to_owned());
    scope
}

fn license(key: &str) -> LicenseSeed {
    LicenseSeed::new(key).product(PRODUCT, POLICY)
}

#[tokio::test]
async fn a_version_scope_matches_the_published_releases_the_license_reaches() {
    let emulator = KeygenEmulator::start().await;
    let now = chrono::Utc::now();
    let year = chrono::Duration::days(365);
    emulator.add_release(ReleaseSeed::new(PRODUCT, "1.2.3"));
    emulator.add_release(ReleaseSeed::new(PRODUCT, "1.3.0").status(ReleaseStatus::Draft));
    emulator.add_release(ReleaseSeed::new(PRODUCT, "1.4.0").constraints(["PRO"]));
    emulator.add_release(ReleaseSeed::new("another-product", "2.0.0"));
    emulator.add_license(license("REQUIRED").require_scope("version"));
    emulator.add_license(license("PLAIN"));
    emulator.add_license(license("PRO").entitlements(["PRO"]));
    // `MAINTAIN_ACCESS`: releases made before the expiry, or backdated to before it.
    emulator.add_license(
        license("MAINTAINED")
            .expiry(now - year)
            .expiration_strategy(ExpirationStrategy::MaintainAccess),
    );
    emulator.add_release(
        ReleaseSeed::new(PRODUCT, "0.9.0").backdated_to(now - year - chrono::Duration::days(1)),
    );

    let none = ValidationScope::default();
    assert_eq!(
        validate(&emulator, "REQUIRED", &none).await.code().as_str(),
        "VERSION_SCOPE_REQUIRED"
    );
    let valid = validate(&emulator, "REQUIRED", &version("1.2.3")).await;
    assert_eq!(valid.code().as_str(), "VALID");
    // The validation touches the license's `version`.
    assert_eq!(
        valid.data.unwrap().attributes.version.as_deref(),
        Some("1.2.3")
    );
    for (key, wanted, code) in [
        ("PLAIN", "1.3.0", "VERSION_SCOPE_MISMATCH"),
        ("PLAIN", "1.4.0", "VERSION_SCOPE_MISMATCH"),
        ("PRO", "1.4.0", "VALID"),
        ("PLAIN", "2.0.0", "VERSION_SCOPE_MISMATCH"),
        ("MAINTAINED", "1.2.3", "VERSION_SCOPE_MISMATCH"),
        ("MAINTAINED", "0.9.0", "EXPIRED"),
    ] {
        let answer = validate(&emulator, key, &version(wanted)).await;
        assert_eq!(answer.code().as_str(), code, "{key} {wanted}");
    }
}

#[tokio::test]
async fn a_checksum_scope_matches_uploaded_artifacts_and_touches_the_newest_version() {
    let emulator = KeygenEmulator::start().await;
    for v in ["1.0.0", "2.0.1+hotfix", "2.0.0"] {
        emulator.add_release(ReleaseSeed::new(PRODUCT, v).artifact(ArtifactSeed::new("abc")));
    }
    emulator.add_release(
        ReleaseSeed::new(PRODUCT, "3.0.0")
            .artifact(ArtifactSeed::new("abc").status(ArtifactStatus::Waiting)),
    );
    emulator.add_release(
        ReleaseSeed::new(PRODUCT, "4.0.0")
            .status(ReleaseStatus::Yanked)
            .artifact(ArtifactSeed::new("abc")),
    );
    emulator.add_license(license("KEY").require_scope("checksum"));

    let answer = validate(&emulator, "KEY", &checksum("abc")).await;
    assert_eq!(answer.code().as_str(), "VALID");
    assert_eq!(
        answer.data.unwrap().attributes.version.as_deref(),
        Some("2.0.1+hotfix")
    );
    let other = validate(&emulator, "KEY", &checksum("def")).await;
    assert_eq!(other.code().as_str(), "CHECKSUM_SCOPE_MISMATCH");
}

#[tokio::test]
async fn a_closed_product_gives_its_licenses_no_release() {
    let emulator = KeygenEmulator::start().await;
    emulator.add_release(ReleaseSeed::new(PRODUCT, "1.0.0"));
    emulator.add_license(license("KEY"));
    // Licensed (the default), closed, then open: an open product's unconstrained published
    // releases are anyone's.
    for (strategy, code) in [
        (DistributionStrategy::Licensed, "VALID"),
        (DistributionStrategy::Closed, "VERSION_SCOPE_MISMATCH"),
        (DistributionStrategy::Open, "VALID"),
    ] {
        emulator.set_distribution_strategy(PRODUCT, strategy);
        let answer = validate(&emulator, "KEY", &version("1.0.0")).await;
        assert_eq!(answer.code().as_str(), code, "{strategy:?}");
    }
}
