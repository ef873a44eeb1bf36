//! The summary: the plan's counts, the drift found, and after `--apply` what was done, as text
//! or JSON. The same on every way a run ends.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use super::apply::Applied;
use super::existing::Difference;
use super::plan::Counts;
use crate::commands::Outcome;

/// What the survey (the walk before anything is done) found.
#[derive(Debug, Default)]
pub(crate) struct Survey {
    /// How many keys the target held before the run.
    pub at_target: usize,
    /// What the mapping names that the target lacks; `None` when not checked (only a dry run
    /// against Dodo checks).
    pub missing: Option<Vec<String>>,
    /// The counts.
    pub counts: Counts,
    /// Keys at the target differing from the source: (count, the first few by source id).
    pub drift: (usize, BTreeMap<String, Vec<Difference>>),
}

/// The summary of a run from `from` to `to`; `plan` is the plan file a dry run wrote.
pub(crate) fn summary(
    survey: &Survey,
    applied: Option<&Applied>,
    (from, to): (&str, &str),
    plan: Option<&Path>,
    json: bool,
) -> Outcome {
    let counts = &survey.counts;
    let affirmative = match applied {
        None => counts.unmapped.is_empty() && survey.missing.as_ref().is_none_or(Vec::is_empty),
        Some(a) => a.refused.0 == 0 && a.failed.0 == 0 && a.stopped.is_none(),
    };
    let rate = applied.map(|a| {
        let secs = a.elapsed.as_secs_f64();
        if secs > 0.0 {
            (a.created + a.exists) as f64 / secs
        } else {
            0.0
        }
    });
    if json {
        let value = json!({
            "from": from,
            "to": to,
            "dry_run": applied.is_none(),
            "plan_file": plan.map(|p| p.display().to_string()),
            "at_target_before": survey.at_target,
            "missing_at_target": survey.missing,
            "plan": {
                "create": counts.create,
                "exists_same": counts.exists_same,
                "exists_differs": counts.exists_differs,
                "already_done": counts.already,
                "skip": counts.skip,
                "unmapped": counts.unmapped,
            },
            "drift": drift_json(&survey.drift),
            "applied": applied.map(|a| json!({
                "created": a.created,
                "exists": a.exists,
                "drift": drift_json(&a.drift),
                "refused_count": a.refused.0,
                "refused": a.refused.1,
                "failed_count": a.failed.0,
                "failed": a.failed.1,
                "left": a.left,
                "stopped": a.stopped,
                "seconds": a.elapsed.as_secs_f64(),
                "keys_per_second": rate,
            })),
        });
        let text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string());
        return Outcome { text, affirmative };
    }
    let mut lines = vec![format!(
        "migration {from} → {to} ({} keys at {to} before the run)",
        survey.at_target
    )];
    lines.push(format!("  to create: {}", counts.create));
    lines.push(format!(
        "  at {to} already, the same: {}",
        counts.exists_same
    ));
    lines.push(format!(
        "  at {to} already, differing: {}",
        counts.exists_differs
    ));
    for (what, n) in &counts.already {
        lines.push(format!("  done by an earlier run ({what}): {n}"));
    }
    for (why, n) in &counts.skip {
        lines.push(format!("  left behind ({why}): {n}"));
    }
    for (what, n) in &counts.unmapped {
        lines.push(format!("  left behind (no mapping for {what}): {n}"));
    }
    match &survey.missing {
        Some(missing) if missing.is_empty() => {
            lines.push(format!(
                "  mapped products and customers: all found at {to}"
            ));
        }
        Some(missing) => lines.push(format!(
            "  missing at {to} (its creates would be refused; fix the mapping): {}",
            missing.join(", ")
        )),
        None => {}
    }
    drift_lines(&mut lines, &survey.drift, to);
    match applied {
        None => {
            let written = plan.map_or_else(String::new, |p| format!(", plan in {}", p.display()));
            lines.push(format!(
                "dry run: nothing written at {to}{written}; --apply does it"
            ));
        }
        Some(a) => {
            lines.push(format!("created: {}", a.created));
            lines.push(format!("skipped (already at {to}): {}", a.exists));
            lines.push(format!("refused by {to}: {}", a.refused.0));
            for (id, why) in &a.refused.1 {
                lines.push(format!("  {id}: {why}"));
            }
            lines.push(format!("failed (a rerun tries again): {}", a.failed.0));
            for (id, why) in &a.failed.1 {
                lines.push(format!("  {id}: {why}"));
            }
            for (why, n) in &a.left {
                lines.push(format!("left behind ({why}): {n}"));
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

fn drift_json(drift: &(usize, BTreeMap<String, Vec<Difference>>)) -> Value {
    json!({"count": drift.0, "listed": drift.1})
}

/// The drift report: each key listed with what differs.
fn drift_lines(
    lines: &mut Vec<String>,
    drift: &(usize, BTreeMap<String, Vec<Difference>>),
    to: &str,
) {
    if drift.0 == 0 {
        return;
    }
    lines.push(format!(
        "drift: {} keys at {to} differ from the source (not changed; listed first {}):",
        drift.0,
        drift.1.len()
    ));
    for (id, differs) in &drift.1 {
        let fields: Vec<String> = differs
            .iter()
            .map(|d| format!("{} {} here, {} at {to}", d.field, d.source, d.target))
            .collect();
        lines.push(format!("  {id}: {}", fields.join("; ")));
    }
}
