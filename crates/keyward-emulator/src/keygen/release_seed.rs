//! The seeds of releases and their artifacts (`spec/factories/{release,release_artifact}.rb`'s
//! defaults: published, uploaded) and products' distribution strategies; what they decide is in
//! [`releases`](super::releases).

use chrono::{DateTime, Utc};

/// Where a release stands (`release.rb`'s `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReleaseStatus {
    /// `DRAFT`: not yet published; no license reaches it.
    Draft,
    /// `PUBLISHED` (the default).
    Published,
    /// `YANKED`: withdrawn; no license reaches it.
    Yanked,
}

/// Where an artifact's upload stands (`release_artifact.rb`'s `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArtifactStatus {
    /// `WAITING`: created, no file yet.
    Waiting,
    /// `PROCESSING`: its file is being checked.
    Processing,
    /// `UPLOADED` (the default): its file is there; only these match a checksum.
    Uploaded,
    /// `FAILED`: its upload failed.
    Failed,
    /// `YANKED`: withdrawn.
    Yanked,
}

/// Who may download a product's releases (`product.rb`'s `distribution_strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DistributionStrategy {
    /// `LICENSED` (the default): its licenses.
    #[default]
    Licensed,
    /// `OPEN`: anyone, its unconstrained published releases.
    Open,
    /// `CLOSED`: no license.
    Closed,
}

/// One file of a release.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ArtifactSeed {
    /// Its checksum (what a validation's `scope.checksum` names).
    pub checksum: Option<String>,
    /// Its upload's status.
    pub status: ArtifactStatus,
}

impl ArtifactSeed {
    /// An uploaded artifact with this checksum.
    pub fn new(checksum: impl Into<String>) -> Self {
        ArtifactSeed {
            checksum: Some(checksum.into()),
            status: ArtifactStatus::Uploaded,
        }
    }

    /// Sets its status.
    #[must_use]
    pub fn status(mut self, status: ArtifactStatus) -> Self {
        self.status = status;
        self
    }
}

/// A release of a product.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReleaseSeed {
    /// The id (a UUID).
    pub id: String,
    /// Its product's id.
    pub product_id: String,
    /// Its version (a semver, as a validation's `scope.version` names it).
    pub version: String,
    /// Whether it is published.
    pub status: ReleaseStatus,
    /// When it was created (`None`: when it is added).
    pub created: Option<DateTime<Utc>>,
    /// The date it counts as published at for licenses that expired (`backdated_to`).
    pub backdated_to: Option<DateTime<Utc>>,
    /// The entitlement codes a license needs, all of them, to reach it.
    pub constraints: Vec<String>,
    /// Its files.
    pub artifacts: Vec<ArtifactSeed>,
}

impl ReleaseSeed {
    /// A published release of product `product_id` with this version (and a new id).
    pub fn new(product_id: impl Into<String>, version: impl Into<String>) -> Self {
        ReleaseSeed {
            id: uuid::Uuid::new_v4().to_string(),
            product_id: product_id.into(),
            version: version.into(),
            status: ReleaseStatus::Published,
            created: None,
            backdated_to: None,
            constraints: Vec::new(),
            artifacts: Vec::new(),
        }
    }

    /// Uses this id.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Sets its status.
    #[must_use]
    pub fn status(mut self, status: ReleaseStatus) -> Self {
        self.status = status;
        self
    }

    /// Sets when it was created.
    #[must_use]
    pub fn created(mut self, at: DateTime<Utc>) -> Self {
        self.created = Some(at);
        self
    }

    /// Backdates it: licenses that expired after `at` still reach it.
    #[must_use]
    pub fn backdated_to(mut self, at: DateTime<Utc>) -> Self {
        self.backdated_to = Some(at);
        self
    }

    /// Requires these entitlements (their codes) of a license.
    #[must_use]
    pub fn constraints<I: IntoIterator<Item = S>, S: Into<String>>(mut self, codes: I) -> Self {
        self.constraints = codes.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a file.
    #[must_use]
    pub fn artifact(mut self, artifact: ArtifactSeed) -> Self {
        self.artifacts.push(artifact);
        self
    }
}
