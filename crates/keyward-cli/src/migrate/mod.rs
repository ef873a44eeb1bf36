//! `licensectl migrate`: every license of one provider created at another with the same key text,
//! limit and expiry.
//!
//! A run reads the target first (list only) to find the keys already there, then walks the
//! source, deciding each license ([`plan::step`]). A dry run (the default) writes that as a
//! plan; `--apply` does it with `--concurrency` workers at `--rate`, journalling every outcome.
//! The journal is bound to where it ran ([`binding`]), locked while a run holds it, and makes a
//! rerun do only what is left.

mod apply;
mod binding;
mod breaker;
mod existing;
mod journal;
mod mapping;
mod pace;
mod plan;
mod plan_file;
mod progress;
mod references;
mod report;
mod worker;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use keyward_core::{ErrorKind, LicenseAdmin, LicenseError};
use keyward_http::{HttpOptions, RetryPolicy};

use crate::cli::MigrateArgs;
use crate::commands::Outcome;
use crate::listing::Walk;
use crate::providers;
use binding::{Binding, End};
use existing::Existing;
use journal::Journal;
use mapping::Mapping;
use plan::Step;
use plan_file::{Line, Plan, Writer};
use progress::Progress;
use report::Survey;

/// How many drifting keys the summary lists by id.
const DRIFT_LISTED: usize = 50;

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
    // Creates are retried here, paced across workers; the transport sends each attempt once.
    let options = HttpOptions::new()
        .retry(RetryPolicy::none())
        .max_connections(usize::from(args.concurrency).max(32));
    let target = providers::build_with(args.to, args.to_base_url.as_deref(), project, options)?;
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
    let binding = Binding {
        source: End::new(from, source.identity()),
        target: End::new(to, target.identity()),
        mapping: mapping.digest(),
    };
    // Listing every license and creating them both need the admin credential.
    let dodo = target.dodo().cloned();
    let (source, target) = (source.admin()?, target.admin()?);
    if !target.capabilities().create {
        return Err(LicenseError::unsupported(to, "create"));
    }
    let history = journal::read(&args.journal, &binding, args.mapping_changed)?;
    let plan = match (&args.plan, args.apply) {
        (Some(path), true) => Some(Plan::load(path, &binding)?),
        _ => None,
    };
    let existing = Existing::read(target.as_ref()).await?;
    let mut context = plan::Owned {
        mapping,
        history,
        existing,
        target: to.to_owned(),
        retry_refused: args.retry_refused,
    };
    let plan_path = (!args.apply).then(|| {
        args.plan
            .clone()
            .unwrap_or_else(|| default_plan_path(&args.journal))
    });
    let mut survey = survey(source.as_ref(), &context, plan_path.as_deref(), &binding).await?;
    if !args.apply {
        survey.missing = references::missing(dodo.as_ref(), &context.mapping).await?;
    }
    let counts = &survey.counts;
    if args.apply && !counts.unmapped.is_empty() && !args.skip_unmapped {
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
    if !args.apply {
        return Ok(report::summary(
            &survey,
            None,
            (from, to),
            plan_path.as_deref(),
            json,
        ));
    }
    if counts.create + counts.exists_same + counts.exists_differs == 0 {
        // Nothing to create or to record: the source is not read again, the journal not opened.
        let nothing = apply::Applied::default();
        return Ok(report::summary(
            &survey,
            Some(&nothing),
            (from, to),
            None,
            json,
        ));
    }
    let (mut journal, history) = Journal::open(&args.journal, &binding, args.mapping_changed)?;
    context.history = history;
    let settings = apply::Settings {
        concurrency: usize::from(args.concurrency),
        rate: Some(args.rate.unwrap_or(pace::DEFAULT_RATE)),
        breaker: args.breaker,
        total: counts.create,
    };
    let walker = apply::Walker {
        source,
        context,
        plan,
    };
    let mut applied = apply::run(walker, target, &mut journal, &settings).await;
    let fatal = applied.fatal.take();
    let outcome = report::summary(&survey, Some(&applied), (from, to), None, json);
    match fatal {
        // The summary first, then the error (exit code 2).
        Some(e) => {
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{}", outcome.text);
            let _ = stdout.flush();
            Err(e)
        }
        None => Ok(outcome),
    }
}

/// Walks the source once, deciding each license: the counts, the drift, and (for a dry run) the
/// plan file at `plan`. One page is held at a time.
async fn survey(
    source: &dyn LicenseAdmin,
    context: &plan::Owned,
    plan: Option<&Path>,
    binding: &Binding,
) -> Result<Survey, LicenseError> {
    let cx = context.borrow();
    let mut writer = plan.map(|p| Writer::create(p, binding)).transpose()?;
    let mut survey = Survey {
        at_target: context.existing.len(),
        ..Survey::default()
    };
    let mut walk = Walk::new(source);
    let mut progress = Progress::on_stderr("read", Instant::now());
    let mut read = 0;
    while let Some(page) = walk.next_page().await? {
        read += page.len();
        let total = walk.total().and_then(|t| usize::try_from(t).ok());
        progress.show(read, total.unwrap_or_default(), Instant::now());
        for license in page {
            let step = plan::step(&license, &cx);
            survey.counts.add(&step);
            if let Step::Exists { differs, .. } = &step
                && !differs.is_empty()
            {
                survey.drift.0 += 1;
                if survey.drift.1.len() < DRIFT_LISTED {
                    survey.drift.1.insert(license.id.clone(), differs.clone());
                }
            }
            if let Some(writer) = writer.as_mut() {
                writer.add(&Line::of(&license.id, &step))?;
            }
        }
    }
    if let Some(writer) = writer {
        writer.finish()?;
    }
    Ok(survey)
}

/// `<journal>.plan.jsonl` beside the journal (its extension replaced).
fn default_plan_path(journal: &Path) -> PathBuf {
    journal.with_extension("plan.jsonl")
}
