//! The demo: each provider's emulator on loopback, one licensing flow through the one
//! `LicenseProvider` interface. No account, no network.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use keyward::guard::{Fingerprint, Guard, Source, Standing, Unsealed};
use keyward_core::{
    ActivateRequest, DeactivateRequest, FixedClock, LicenseAdmin, LicenseError, LicenseProvider,
    ListRequest, SecretLicenseKey, UpdateRequest, ValidateRequest,
};

use crate::demo_setup::{self, DemoProvider};
use crate::output;

/// Runs the demo and returns its report; `Err` when a step failed in a way the demo did not
/// expect (the report says which).
pub(crate) async fn run() -> Result<String, String> {
    let mut report = vec![String::from(
        "licensing demo: every provider, one interface, each against its local emulator\n",
    )];
    let mut failures = Vec::new();
    for setup in demo_setup::ALL {
        let provider = match setup().await {
            Ok(provider) => provider,
            Err(e) => {
                failures.push(format!("could not start an emulator: {e}"));
                continue;
            }
        };
        report.push(format!("== {} ({}) ==", provider.title, provider.base_url));
        let mut lines = Vec::new();
        let result = scenario(&provider, &mut lines).await;
        report.extend(lines);
        if let Err(e) = result {
            report.push(format!("  FAILED: {e}"));
            failures.push(format!("{}: {e}", provider.title));
        }
        report.push(String::new());
    }
    if failures.is_empty() {
        report.push(String::from(
            "demo finished: every provider answered as expected",
        ));
        Ok(report.join("\n"))
    } else {
        report.push(format!("demo failed: {}", failures.join("; ")));
        Err(report.join("\n"))
    }
}

/// One step's line: what was asked, what came back.
fn step(what: &str, answer: impl std::fmt::Display) -> String {
    format!("  {what:<34} → {answer}")
}

/// The flow, driven by what the provider can do.
async fn scenario(demo: &DemoProvider, lines: &mut Vec<String>) -> Result<(), LicenseError> {
    let provider: &dyn LicenseAdmin = demo.provider.as_ref();
    let caps = provider.capabilities();
    let key = demo.key.clone();
    lines.push(step("capabilities", output::capabilities_line(&caps)));

    let unknown = SecretLicenseKey::new("00000000-DEMO-UNKNOWN-KEY");
    let mut request = with_name(ValidateRequest::new(unknown), demo);
    if let Some(instance) = demo.extras.unknown_instance {
        request = request.instance_id(instance);
    }
    let outcome = provider.validate(request).await?;
    lines.push(step(
        "validate an unknown key",
        output::validation_line(&outcome),
    ));
    expect(!outcome.is_valid(), "an unknown key validated")?;

    let mut instance_ids = Vec::new();
    if caps.activate {
        for machine in ["laptop", "desktop", "tablet"] {
            let outcome = provider
                .activate(ActivateRequest::new(key.clone(), machine))
                .await?;
            lines.push(step(
                &format!("activate on {machine}"),
                output::activation_line(&outcome),
            ));
            if let Some(instance) = outcome.instance() {
                instance_ids.push(instance.id.clone());
            }
        }
        expect(
            instance_ids.len() == 2,
            "the activation limit of 2 was not enforced",
        )?;
    }

    let mut request = with_name(ValidateRequest::new(key.clone()), demo);
    if let Some(first) = instance_ids.first() {
        request = request.instance_id(first.clone());
    }
    let outcome = provider.validate(request).await?;
    lines.push(step("validate the key", output::validation_line(&outcome)));
    expect(outcome.is_valid(), "the demo key did not validate")?;

    if caps.deactivate
        && let Some(first) = instance_ids.first()
    {
        provider
            .deactivate(DeactivateRequest::new(key.clone(), first.clone()))
            .await?;
        lines.push(step("deactivate laptop", "slot freed"));
        let outcome = provider
            .activate(ActivateRequest::new(key.clone(), "tablet"))
            .await?;
        lines.push(step(
            "activate on tablet again",
            output::activation_line(&outcome),
        ));
        expect(
            outcome.instance().is_some(),
            "deactivate did not free a slot",
        )?;
    }

    if caps.list {
        let mut request = ListRequest::new().page_size(10);
        if let Some(customer) = demo.extras.customer {
            request = request.customer_id(customer);
        }
        let page = provider.list(request).await?;
        lines.push(step(
            "list licenses",
            format!("{} on the first page", page.items.len()),
        ));
        for license in page.items.iter().take(3) {
            lines.push(format!("      {}", output::license_line(license)));
        }
    }

    if caps.update
        && let Some(id) = &demo.extras.license_id
    {
        let mut update = UpdateRequest::new(id.clone());
        update.disabled = Some(true);
        provider.update(update).await?;
        let outcome = provider
            .validate(with_name(ValidateRequest::new(key.clone()), demo))
            .await?;
        lines.push(step(
            "disable it, then validate",
            output::validation_line(&outcome),
        ));
        expect(!outcome.is_valid(), "a disabled key still validated")?;
    }

    guard_step(demo, lines).await?;

    if let Some(offline_file) = &demo.extras.offline_file {
        lines.push(step("a machine file, offline", offline_file().await?));
    }

    if let Some(tamper) = &demo.extras.tamper {
        tamper();
        let result = provider
            .validate(with_name(ValidateRequest::new(key.clone()), demo))
            .await;
        let shown = match &result {
            Ok(outcome) => output::validation_line(outcome),
            Err(e) if e.is_signature() => {
                format!("refused, signature check failed ({})", e.message())
            }
            Err(e) => format!("error: {e}"),
        };
        lines.push(step("a tampered answer", shown));
        expect(
            result.as_ref().is_err_and(LicenseError::is_signature),
            "a tampered answer was not refused",
        )?;
    }
    Ok(())
}

/// The app secret the demo's guard seals its state with (an app compiles in its own).
const GUARD_SECRET: &str = "licensectl-demo-guard-secret";

/// The offline-first guard over a second license: checked online; what it keeps for offline use
/// (GetKeyManager's signed lease, the sealed state elsewhere); offline with the grace left; the
/// clock moved past the grace; online again; and the state file copied to another machine
/// (another fingerprint), refused.
async fn guard_step(demo: &DemoProvider, lines: &mut Vec<String>) -> Result<(), LicenseError> {
    let key = (demo.add_guard_license)().await?;
    let here = StateDir::new(demo.title, "here")?;
    let elsewhere_dir = StateDir::new(demo.title, "elsewhere")?;
    let clock = Arc::new(FixedClock::new(Utc::now()));
    let guard = |provider: &Arc<dyn LicenseProvider>, machine: &str, dir: &Path| {
        // A fixed machine id, as in a container: the demo must not depend on this machine's.
        let mut builder = Guard::builder(Arc::clone(provider), key.clone())
            .app_secret(GUARD_SECRET)?
            .fingerprint(Fingerprint::from_id(machine, "licensectl-demo")?)
            .state_dir(dir)
            .clock(clock.clone());
        if let (false, Some(name)) = (provider.capabilities().activate, &demo.extras.instance_name)
        {
            builder = builder.validate_name(name.clone());
        }
        builder.build()
    };
    // The app's side of the same provider: a guard needs no admin credential.
    let app: Arc<dyn LicenseProvider> = demo.provider.clone();
    let online = guard(&app, "demo-machine-1", here.path())?;
    let offline = guard(&demo.offline, "demo-machine-1", here.path())?;

    let verdict = online.check().await;
    lines.push(step("guard: check online", &verdict));
    expect(
        verdict.is_licensed() && verdict.source == Source::Online,
        "the guard's online check did not license",
    )?;

    let lease = online.stored_state().ok().and_then(|state| state.lease);
    let kept = match &lease {
        Some(lease) => format!(
            "the provider's signed lease, signed {} (verified again before each use)",
            lease.signed_at.format("%Y-%m-%d %H:%M:%S UTC")
        ),
        None => {
            String::from("a sealed state (HMAC, this machine only; the provider signs nothing)")
        }
    };
    lines.push(step("guard: kept for offline use", kept));
    expect(
        lease.is_some() == app.capabilities().signed,
        "a signing provider's lease was not kept, or another provider had one",
    )?;

    clock.advance(TimeDelta::days(2));
    let verdict = offline.check().await;
    lines.push(step("guard: offline 2 days later", &verdict));
    expect(
        verdict.grace_left().is_some(),
        "the guard did not license from its sealed state while offline",
    )?;

    clock.advance(TimeDelta::days(6));
    let verdict = offline.check().await;
    lines.push(step("guard: still offline, 8 days on", &verdict));
    expect(
        matches!(verdict.standing, Standing::GraceEnded { .. }),
        "the grace did not end",
    )?;

    let verdict = online.check().await;
    lines.push(step("guard: back online", &verdict));
    expect(
        verdict.is_licensed() && verdict.source == Source::Online,
        "the guard did not license once back online",
    )?;

    let elsewhere = guard(&demo.offline, "demo-machine-2", elsewhere_dir.path())?;
    std::fs::copy(online.state_path(), elsewhere.state_path())
        .map_err(|e| LicenseError::config(format!("could not copy the state file: {e}")))?;
    let refusal = elsewhere.stored_state().err();
    let verdict = elsewhere.check().await;
    let shown = match refusal {
        Some(why) if !verdict.is_licensed() => format!("refused: {why}"),
        _ => format!("accepted: {verdict}"),
    };
    lines.push(step("guard: state copied elsewhere", shown));
    expect(
        refusal == Some(Unsealed::BadSeal) && !verdict.is_licensed(),
        "a state file copied to another machine was accepted",
    )
}

/// A temporary state directory, removed when dropped.
struct StateDir(PathBuf);

impl StateDir {
    fn new(title: &str, which: &str) -> Result<Self, LicenseError> {
        let slug: String = title.chars().filter(char::is_ascii_alphanumeric).collect();
        let dir = std::env::temp_dir().join(format!(
            "licensectl-demo-{}-{slug}-{which}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir)
            .map_err(|e| LicenseError::config(format!("no state directory: {e}")))?;
        Ok(Self(dir))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for StateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Adds the demo's instance name (DevPayr validates per domain).
fn with_name(request: ValidateRequest, demo: &DemoProvider) -> ValidateRequest {
    match &demo.extras.instance_name {
        Some(name) => request.instance_name(name.clone()),
        None => request,
    }
}

fn expect(condition: bool, what: &str) -> Result<(), LicenseError> {
    if condition {
        Ok(())
    } else {
        Err(LicenseError::invalid_input(format!("unexpected: {what}")))
    }
}
