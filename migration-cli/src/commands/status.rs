//! `status`: what has moved, what was rejected, what is pending.

use serde::Serialize;

use super::Outcome;
use crate::error::CliError;
use crate::project::Project;
use crate::store::{RowState, RunInfo};

/// Where the project stands.
#[derive(Debug, Serialize)]
pub struct Status {
    /// Every run so far.
    pub runs: Vec<RunInfo>,
    /// Destination records known per kind (the ID map).
    pub records: Vec<(String, i64)>,
    /// Journal rows per state.
    pub journal: Vec<(RowState, i64)>,
    /// Source records rejected by the mapping.
    pub rejected: usize,
    /// Source records whose writes failed.
    pub failed: usize,
}

/// Reads the state store.
pub fn run(project: &Project) -> Result<Outcome, CliError> {
    let store = project.open_store()?;
    let status = Status {
        runs: store.runs()?,
        records: store.id_map_counts()?,
        journal: store.journal_counts()?,
        rejected: store.records_with_status("rejected")?.len(),
        failed: store.records_with_status("failed")?.len(),
    };
    let mut lines = Vec::new();
    match status.runs.last() {
        Some(run) => lines.push(format!(
            "last run: #{} {} started {} — {}",
            run.id,
            run.mode,
            run.started_at,
            run.outcome
                .as_deref()
                .unwrap_or("did not finish (run it again to resume)")
        )),
        None => lines.push("no run yet".to_string()),
    }
    for (kind, count) in &status.records {
        lines.push(format!("  {kind:<22} {count}"));
    }
    let unsettled = status
        .journal
        .iter()
        .find(|(state, _)| *state == RowState::Intent)
        .map_or(0, |(_, count)| *count);
    lines.push(format!(
        "rejected {}, failed {}, writes of unknown outcome {} (settled on the next run)",
        status.rejected, status.failed, unsettled
    ));
    Ok(Outcome::ok(lines.join("\n"), &status))
}
