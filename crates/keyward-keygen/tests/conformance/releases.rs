//! A [`World`]'s releases and their artifacts (`spec/factories/{release,release_artifact}.rb`:
//! published, uploaded, a semver of their own) and its products' distribution strategies, put
//! into the Keygen emulator.

use keyward_emulator::keygen::{
    ArtifactSeed, ArtifactStatus, DistributionStrategy, KeygenEmulator, ReleaseSeed, ReleaseStatus,
};
use serde_json::Value;

use super::attributes::{is_default, time};
use super::world::{Kind, Skip, World};

fn artifact_seed(artifact: &super::world::Entity) -> Result<ArtifactSeed, Skip> {
    // The factory gives none; every case here gives one.
    let Some(checksum) = artifact.attrs.get("checksum").and_then(Value::as_str) else {
        return Err("an artifact without a checksum".to_owned());
    };
    let mut seed = ArtifactSeed::new(checksum);
    for (name, value) in &artifact.attrs {
        seed = match (name.as_str(), value) {
            ("checksum", _) => seed,
            ("status", Value::String(status)) => seed.status(match status.as_str() {
                "WAITING" => ArtifactStatus::Waiting,
                "PROCESSING" => ArtifactStatus::Processing,
                "UPLOADED" => ArtifactStatus::Uploaded,
                "FAILED" => ArtifactStatus::Failed,
                "YANKED" => ArtifactStatus::Yanked,
                other => return Err(format!("artifact status {other}")),
            }),
            _ if is_default(name, value) => seed,
            _ => return Err(format!("artifact attribute {name} = {value}")),
        };
    }
    Ok(seed)
}

/// The attribute a factory trait sets: the status traits of `spec/factories/release.rb` and
/// `release_artifact.rb`, the distribution strategy traits of `product.rb`.
pub(crate) fn factory_trait(name: &str, kind: Kind) -> Result<(&'static str, String), Skip> {
    match (name, kind) {
        ("draft" | "published" | "yanked", Kind::Release)
        | ("waiting" | "processing" | "uploaded" | "failed" | "yanked", Kind::Artifact) => {
            Ok(("status", name.to_uppercase()))
        }
        ("licensed" | "open" | "closed", Kind::Product) => {
            Ok(("distribution_strategy", name.to_uppercase()))
        }
        _ => Err(format!("factory trait `{name}`")),
    }
}

/// The releases of `world`, each with its artifacts.
pub(crate) fn seeds(world: &World) -> Result<Vec<ReleaseSeed>, Skip> {
    let artifacts = world.all(Kind::Artifact);
    world
        .all(Kind::Release)
        .iter()
        .enumerate()
        .map(|(index, release)| {
            let product = &world.all(Kind::Product)[release.parent];
            // The factory's `Faker::App.semantic_version` with a build tag: one of its own.
            let version = match release.attrs.get("version") {
                Some(Value::String(version)) => version.clone(),
                _ => format!("0.{index}.0+build.1"),
            };
            let mut seed = ReleaseSeed::new(&product.id, version)
                .id(&release.id)
                .created(world.now);
            for (name, value) in &release.attrs {
                seed = match (name.as_str(), value) {
                    ("version", Value::String(_)) => seed,
                    ("backdated_to", _) => seed.backdated_to(time(name, value)?),
                    ("status", Value::String(status)) => seed.status(match status.as_str() {
                        "DRAFT" => ReleaseStatus::Draft,
                        "PUBLISHED" => ReleaseStatus::Published,
                        "YANKED" => ReleaseStatus::Yanked,
                        other => return Err(format!("release status {other}")),
                    }),
                    _ if is_default(name, value) => seed,
                    _ => return Err(format!("release attribute {name} = {value}")),
                };
            }
            for artifact in artifacts.iter().filter(|a| a.parent == index) {
                seed = seed.artifact(artifact_seed(artifact)?);
            }
            Ok(seed)
        })
        .collect()
}

/// The distribution strategies the products' traits give.
pub(crate) fn distributions(world: &World) -> Result<Vec<(String, DistributionStrategy)>, Skip> {
    let mut out = Vec::new();
    for product in world.all(Kind::Product) {
        let strategy = match product.attrs.get("distribution_strategy") {
            None => continue,
            Some(value) => match value.as_str() {
                Some("LICENSED") => DistributionStrategy::Licensed,
                Some("OPEN") => DistributionStrategy::Open,
                Some("CLOSED") => DistributionStrategy::Closed,
                _ => return Err(format!("distribution strategy {value}")),
            },
        };
        out.push((product.id.clone(), strategy));
    }
    Ok(out)
}

/// Puts them into `emulator`.
pub(crate) fn seed(
    emulator: &KeygenEmulator,
    releases: Vec<ReleaseSeed>,
    distributions: Vec<(String, DistributionStrategy)>,
) {
    for (product, strategy) in distributions {
        emulator.set_distribution_strategy(&product, strategy);
    }
    for release in releases {
        emulator.add_release(release);
    }
}
