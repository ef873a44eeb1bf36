//! `licensectl migrate`: every license of one provider created at another with the same key text,
//! limit and expiry. A dry run unless `--apply`; a journal makes it resumable and idempotent.

mod journal;
mod mapping;
mod plan;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use keyward_core::{CreateRequest, ErrorKind, LicenseAdmin, LicenseError};
use serde_json::json;

use crate::cli::MigrateArgs;
use crate::commands::Outcome;
use crate::listing::{self, Progress};
use crate::providers;
use journal::{Done, Journal, Record};
use mapping::Mapping;
use plan::{Counts, Step};

/// Transient failures in a row after which the run stops (the target is unreachable).
const MAX_TRANSIENT_IN_A_ROW: u32 = 5;
/// How often a rate-limited create is tried again, and the longest wait between tries.
const RATE_LIMIT_TRIES: u32 = 3;
const MAX_WAIT: Duration = Duration::from_secs(10);

/// What `--apply` did.
#[derive(Debug, Default)]
struct Applied {
    created: usize,
    exists: usize,
    refused: BTreeMap<String, String>,
    failed: BTreeMap<String, String>,
    stopped: Option<String>,
    elapsed: Duration,
}

/// Runs the migration.
pub(crate) async fn run(
    args: MigrateArgs,
    project: Option<u64>,
    json: bool,
) -> Result<Outcome, LicenseError> {
    if args.from == args.to {
        return Err(LicenseError::invalid_input(
            "--from and --to are the same provider: credentials come from one environment \
             variable per provider, so both ends would be the same account",
        ));
    }
    let mapping = Mapping::load(&args.mapping)?;
    let source = providers::build(args.from, args.from_base_url.as_deref(), project)?;
    let target = providers::build(args.to, args.to_base_url.as_deref(), project)?;
    let (from, to) = (
        source.app().provider().as_str(),
        target.app().provider().as_str(),
    );
    if !crate::admin::imports_keys(target.app().provider()) {
        // Checked before anything is read: every key would be refused at the target.
        return Err(LicenseError::new(
            ErrorKind::Unsupported,
            format!(
                "{to} generates its license keys and cannot import one, so customers' keys \
                 cannot keep working there: it cannot be a migration target"
            ),
        )
        .with_provider(to)
        .with_operation("import"));
    }
    // Listing every license and creating them both need the admin credential.
    let (source, target) = (source.admin()?, target.admin()?);
    if !target.capabilities().create {
        return Err(LicenseError::unsupported(to, "create"));
    }
    let done = journal::read(&args.journal, from, to)?;
    let licenses = listing::all(source.as_ref()).await?;
    let steps: Vec<Step> = licenses
        .iter()
        .map(|l| plan::step(l, &mapping, &done, to))
        .collect();
    drop(licenses);
    let counts = Counts::of(&steps);
    if !counts.unmapped.is_empty() && !args.skip_unmapped {
        let missing: Vec<String> = counts
            .unmapped
            .iter()
            .map(|(what, n)| format!("{what} ({n} licenses)"))
            .collect();
        return Err(LicenseError::invalid_input(format!(
            "no mapping for {}; nothing was written. Add them to {} or pass --skip-unmapped",
            missing.join(", "),
            args.mapping.display()
        )));
    }
    let applied = if args.apply {
        Some(apply(target.as_ref(), steps, &args.journal, from, to).await?)
    } else {
        None
    };
    Ok(report(&counts, applied.as_ref(), from, to, json))
}

/// Creates each planned license at the target, journalling each outcome before the next.
async fn apply(
    target: &dyn LicenseAdmin,
    steps: Vec<Step>,
    path: &std::path::Path,
    from: &str,
    to: &str,
) -> Result<Applied, LicenseError> {
    let mut journal = Journal::open(path)?;
    let mut applied = Applied::default();
    let mut progress = Progress::on_stderr();
    let total = steps
        .iter()
        .filter(|s| matches!(s, Step::Create { .. }))
        .count();
    let started = Instant::now();
    let mut transient_in_a_row = 0;
    let mut handled = 0;
    for step in steps {
        let Step::Create { source_id, request } = step else {
            continue;
        };
        let last4 = request.key.as_ref().map(|k| k.last4()).unwrap_or_default();
        let secret = request
            .key
            .as_ref()
            .map(|k| k.expose().to_owned())
            .unwrap_or_default();
        let record = |outcome, target_id, reason| Record {
            from: from.to_owned(),
            to: to.to_owned(),
            source_id: source_id.clone(),
            outcome,
            target_id,
            reason,
            at: Utc::now(),
        };
        match create(target, &request).await {
            Ok(created) => {
                journal.append(&record(Done::Created, Some(created), None))?;
                applied.created += 1;
                transient_in_a_row = 0;
            }
            Err(e) if e.is_conflict() => {
                journal.append(&record(Done::Exists, None, None))?;
                applied.exists += 1;
                transient_in_a_row = 0;
            }
            // The credentials or the client are wrong: every key would fail the same way.
            Err(e) if e.is_unauthorized() || (e.is_config() && !e.is_invalid_input()) => {
                return Err(e);
            }
            Err(e) if e.is_unsupported() => return Err(e),
            Err(e) if is_transient(&e) => {
                applied
                    .failed
                    .insert(source_id.clone(), scrub(&e, &secret, &last4));
                transient_in_a_row += 1;
                if transient_in_a_row >= MAX_TRANSIENT_IN_A_ROW {
                    applied.stopped = Some(format!(
                        "{MAX_TRANSIENT_IN_A_ROW} failures in a row, the last: {}",
                        scrub(&e, &secret, &last4)
                    ));
                    break;
                }
            }
            Err(e) => {
                let reason = scrub(&e, &secret, &last4);
                journal.append(&record(Done::Refused, None, Some(reason.clone())))?;
                applied.refused.insert(source_id.clone(), reason);
                transient_in_a_row = 0;
            }
        }
        handled += 1;
        progress.show(handled, u64::try_from(total).ok());
    }
    progress.finish();
    applied.elapsed = started.elapsed();
    Ok(applied)
}

/// One create, tried again after a rate limit (waiting what the provider asks, capped).
async fn create(
    target: &dyn LicenseAdmin,
    request: &CreateRequest,
) -> Result<String, LicenseError> {
    let mut tries = 0;
    loop {
        tries += 1;
        match target.create(request.clone()).await {
            Ok(license) => return Ok(license.id),
            Err(e) if e.is_rate_limited() && tries < RATE_LIMIT_TRIES => {
                let wait = e
                    .retry_after()
                    .unwrap_or(Duration::from_secs(1))
                    .min(MAX_WAIT);
                tokio::time::sleep(wait).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// A failure that may pass: left out of the journal so the next run tries again. When the create
/// may have been applied, the rerun's 409 tells.
fn is_transient(e: &LicenseError) -> bool {
    e.is_network()
        || e.is_timeout()
        || e.is_rate_limited()
        || e.http().is_some_and(|h| h.status >= 500)
}

/// An error as text, the key (should a provider echo it) reduced to its last four characters.
fn scrub(e: &LicenseError, secret: &str, last4: &str) -> String {
    let text = e.to_string();
    if secret.is_empty() {
        text
    } else {
        text.replace(secret, &format!("…{last4}"))
    }
}

/// The plan and, after `--apply`, what was done.
fn report(counts: &Counts, applied: Option<&Applied>, from: &str, to: &str, json: bool) -> Outcome {
    let rate = applied.map(|a| {
        let handled = a.created + a.exists;
        let secs = a.elapsed.as_secs_f64();
        if secs > 0.0 {
            handled as f64 / secs
        } else {
            0.0
        }
    });
    let affirmative =
        applied.is_none_or(|a| a.refused.is_empty() && a.failed.is_empty() && a.stopped.is_none());
    if json {
        let value = json!({
            "from": from,
            "to": to,
            "dry_run": applied.is_none(),
            "plan": {
                "create": counts.create,
                "already_done": counts.already,
                "skip": counts.skip,
                "unmapped": counts.unmapped,
            },
            "applied": applied.map(|a| json!({
                "created": a.created,
                "exists": a.exists,
                "refused": a.refused,
                "failed": a.failed,
                "stopped": a.stopped,
                "seconds": a.elapsed.as_secs_f64(),
                "keys_per_second": rate,
            })),
        });
        let text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string());
        return Outcome { text, affirmative };
    }
    let mut lines = vec![format!("migration {from} → {to}")];
    lines.push(format!("  to create: {}", counts.create));
    for (what, n) in &counts.already {
        lines.push(format!("  done by an earlier run ({what}): {n}"));
    }
    for (why, n) in &counts.skip {
        lines.push(format!("  left behind ({why}): {n}"));
    }
    for (what, n) in &counts.unmapped {
        lines.push(format!("  left behind (no mapping for {what}): {n}"));
    }
    match applied {
        None => lines.push(String::from("dry run: nothing written; --apply does it")),
        Some(a) => {
            lines.push(format!("created: {}", a.created));
            lines.push(format!("skipped (already at {to}): {}", a.exists));
            lines.push(format!("refused by {to}: {}", a.refused.len()));
            for (id, why) in &a.refused {
                lines.push(format!("  {id}: {why}"));
            }
            lines.push(format!("failed (a rerun tries again): {}", a.failed.len()));
            for (id, why) in &a.failed {
                lines.push(format!("  {id}: {why}"));
            }
            if let Some(why) = &a.stopped {
                lines.push(format!("stopped early: {why}; rerun to finish"));
            }
            lines.push(format!(
                "{:.1} s, {:.0} keys/s",
                a.elapsed.as_secs_f64(),
                rate.unwrap_or(0.0)
            ));
        }
    }
    Outcome {
        text: lines.join("\n"),
        affirmative,
    }
}
