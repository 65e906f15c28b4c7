//! `rollback`: undoes what the runs created, newest first; restores what existed before.

use migration_core::engine::RollbackOptions;

use super::{engine, engine_failure, Outcome};
use crate::error::{CliError, EXIT_FAILED};
use crate::progress::Progress;
use crate::project::Project;

/// Rolls back (or, with `dry_run`, lists the steps).
pub async fn run(
    project: &Project,
    dry_run: bool,
    progress: &Progress,
) -> Result<Outcome, CliError> {
    let source = project.source()?;
    let destination = project.destination()?;
    let store = project.open_store()?;
    let run_id = (!dry_run)
        .then(|| store.begin_run("rollback", None))
        .transpose()?;
    let engine = engine(
        project,
        &source,
        &destination,
        &store,
        progress.observer(),
        false,
    );
    let result = engine.rollback(&RollbackOptions { dry_run }).await;
    progress.finish();
    let report = match result {
        Ok(report) => report,
        Err(error) => {
            if let Some(run_id) = run_id {
                store.finish_run(run_id, "failed")?;
            }
            return Err(engine_failure(error));
        }
    };
    if let Some(run_id) = run_id {
        let outcome = if report.failures.is_empty() {
            "completed"
        } else {
            "incomplete"
        };
        store.finish_run(run_id, outcome)?;
        crate::history::save_rollback(&project.state_dir(), &report)?;
    }
    let mut lines = vec![if dry_run {
        format!(
            "rollback would take {} steps (nothing was changed)",
            report.steps.len()
        )
    } else {
        format!(
            "rolled back: {} undone, {} already gone, {} never applied, {} could not be undone",
            report.undone,
            report.already_absent,
            report.never_applied,
            report.failures.len()
        )
    }];
    for failure in &report.failures {
        lines.push(format!("  {}: {}", failure.mark, failure.reason));
    }
    let outcome = Outcome::ok(lines.join("\n"), &report);
    Ok(if report.failures.is_empty() {
        outcome
    } else {
        outcome.with_exit(EXIT_FAILED)
    })
}
