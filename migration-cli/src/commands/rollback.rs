//! `rollback`: undoes what the runs created, newest first; restores what existed before.
//! `rollback --dry-run` lists the steps from the journal alone, without credentials.

use migration_core::engine::{RollbackOptions, RollbackReport};
use migration_core::rollback::{
    count_steps, kept_values, plan_rollback, slim, KeptValue, StepCount, UndoStep,
};
use serde::Serialize;

use super::{engine, engine_failure, Outcome};
use crate::error::{CliError, EXIT_FAILED};
use crate::progress::Progress;
use crate::project::Project;
use crate::store::{RunEnd, RunKind, Store};

/// Journal rows read per page while planning a preview.
const PREVIEW_PAGE: u32 = 10_000;

/// What a rollback would do, computed from the state folder only.
#[derive(Debug, Serialize)]
pub struct RollbackPreview {
    /// Always true: nothing was changed or read from Intercom.
    pub dry_run: bool,
    /// Steps counted by action and kind, in the order the rollback reaches them.
    pub by_kind: Vec<StepCount>,
    /// Every step, newest first.
    pub steps: Vec<UndoStep>,
    /// Writes of unknown outcome: the rollback first asks Intercom whether each applied.
    pub uncertain: Vec<migration_core::ops::Mark>,
    /// Values the rollback leaves as the migration set them.
    pub kept: Vec<KeptValue>,
}

/// Lists the steps a rollback would take from the journal in the state folder: no
/// credentials, nothing sent or read, and it works beside a running migration.
pub fn preview(project: &Project) -> Result<Outcome, CliError> {
    let store = project.open_store_read_only()?;
    let mut entries = live_journal(&store)?;
    entries.sort_by_key(|entry| std::cmp::Reverse(entry.sequence));
    let plan = plan_rollback(&entries);
    let preview = RollbackPreview {
        dry_run: true,
        by_kind: count_steps(&plan.steps),
        kept: kept_values(&plan.steps),
        steps: plan.steps,
        uncertain: plan.uncertain,
    };
    let mut lines = vec![format!(
        "rollback would take {} steps (nothing was changed; --json lists every step)",
        preview.steps.len()
    )];
    lines.extend(step_lines(&preview.by_kind));
    if !preview.uncertain.is_empty() {
        lines.push(format!(
            "  {} writes of unknown outcome: the rollback first asks Intercom whether each applied",
            preview.uncertain.len()
        ));
    }
    lines.extend(kept_lines(&preview.kept));
    Ok(Outcome::ok(lines.join("\n"), &preview))
}

/// Every live journal entry, slimmed, a page at a time.
fn live_journal(store: &Store) -> Result<Vec<migration_core::rollback::JournalEntry>, CliError> {
    let mut entries = Vec::new();
    let mut after = 0;
    loop {
        let page = store.journal_live_page(after, PREVIEW_PAGE)?;
        let full = page.len() == PREVIEW_PAGE as usize;
        for row in page {
            after = row.entry.sequence;
            entries.push(slim(row.entry));
        }
        if !full {
            return Ok(entries);
        }
    }
}

fn step_lines(counts: &[StepCount]) -> impl Iterator<Item = String> + '_ {
    counts.iter().map(|count| {
        format!(
            "  {:<12} {:<24} {:>9}",
            count.action.replace('_', " "),
            count.subject,
            crate::numbers::thousands(count.count)
        )
    })
}

fn kept_lines(kept: &[KeptValue]) -> Vec<String> {
    if kept.is_empty() {
        return Vec::new();
    }
    let mut fields: Vec<(&str, usize, &str)> = Vec::new();
    for value in kept {
        match fields
            .iter_mut()
            .find(|(field, _, _)| *field == value.field)
        {
            Some((_, count, _)) => *count += 1,
            None => fields.push((&value.field, 1, &value.reason)),
        }
    }
    fields
        .into_iter()
        .map(|(field, count, reason)| {
            format!("  {count} contacts that existed before keep their {field}: {reason}")
        })
        .collect()
}

/// Rolls back, newest first. When everything is undone, the runs it undid are marked rolled
/// back: `status` and `report` stop counting them, and another mapping may be rehearsed.
pub async fn run(project: &Project, progress: &Progress) -> Result<Outcome, CliError> {
    let source = project.source()?;
    let destination = project.destination()?;
    let store = project.open_store()?;
    let run_id = store.begin_run(RunKind::Rollback, None)?;
    let engine = engine(
        project,
        &source,
        &destination,
        &store,
        progress.observer(),
        false,
    );
    let result = engine.rollback(&RollbackOptions { dry_run: false }).await;
    progress.finish();
    let report = match result {
        Ok(report) => report,
        Err(error) => {
            let error = engine_failure(error);
            store.fail_run(run_id, &project.credentials.redact(&error.to_string()))?;
            return Err(error);
        }
    };
    let outcome = if report.is_complete() {
        store.mark_rolled_back(run_id)?;
        RunEnd::Completed
    } else {
        RunEnd::Incomplete
    };
    store.finish_run(run_id, outcome)?;
    crate::history::save_rollback(&project.state_dir(), &report)?;
    Ok(rollback_outcome(&report))
}

fn rollback_outcome(report: &RollbackReport) -> Outcome {
    let mut lines = vec![format!(
        "rolled back: {} undone, {} already gone, {} never applied, {} could not be undone",
        report.undone,
        report.already_absent,
        report.never_applied,
        report.failures.len()
    )];
    lines.extend(step_lines(&count_steps(&report.steps)));
    for failure in &report.failures {
        lines.push(format!("  {}: {}", failure.mark, failure.reason));
    }
    lines.extend(kept_lines(&report.kept));
    if !report.is_complete() {
        lines.push("  run `vivantio2intercom rollback --yes` again to finish".to_string());
    }
    let outcome = Outcome::ok(lines.join("\n"), report);
    if report.failures.is_empty() && !report.interrupted {
        outcome
    } else {
        outcome.with_exit(EXIT_FAILED)
    }
}
