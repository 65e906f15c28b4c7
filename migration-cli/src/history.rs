//! The reports of past runs, kept as JSON in the state folder so that `report` and `status` can
//! show them later without re-running anything.

use std::path::{Path, PathBuf};

use migration_core::engine::{RollbackReport, RunReport, VerifyReport};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::CliError;
use crate::private_files::{create_private_dir_all, write_private};
use crate::store::RunId;

const RUNS_DIR: &str = "runs";

fn runs_dir(state_dir: &Path) -> PathBuf {
    state_dir.join(RUNS_DIR)
}

fn save(state_dir: &Path, name: &str, value: &impl Serialize) -> Result<(), CliError> {
    let dir = runs_dir(state_dir);
    create_private_dir_all(&dir)
        .map_err(|error| CliError::failed(format!("cannot create {}: {error}", dir.display())))?;
    let path = dir.join(name);
    let text = serde_json::to_string_pretty(value).map_err(CliError::failed)?;
    write_private(&path, text)
        .map_err(|error| CliError::failed(format!("cannot write {}: {error}", path.display())))
}

/// Keeps the report of run `run_id`.
pub fn save_run(state_dir: &Path, run_id: RunId, report: &RunReport) -> Result<(), CliError> {
    save(state_dir, &format!("run-{run_id:05}.json"), report)
}

/// Keeps the latest verification report.
pub fn save_verify(state_dir: &Path, report: &VerifyReport) -> Result<(), CliError> {
    save(state_dir, "verify-latest.json", report)
}

/// Keeps the latest rollback report.
pub fn save_rollback(state_dir: &Path, report: &RollbackReport) -> Result<(), CliError> {
    save(state_dir, "rollback-latest.json", report)
}

fn load<T: DeserializeOwned>(path: &Path) -> Result<T, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| CliError::failed(format!("cannot read {}: {error}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|error| CliError::failed(format!("{} is unreadable: {error}", path.display())))
}

/// The kept report of run `run_id`, if that run finished.
pub fn run(state_dir: &Path, run_id: RunId) -> Result<Option<RunReport>, CliError> {
    let path = runs_dir(state_dir).join(format!("run-{run_id:05}.json"));
    path.exists().then(|| load(&path)).transpose()
}

/// The latest verification report, if any.
pub fn latest_verify(state_dir: &Path) -> Result<Option<VerifyReport>, CliError> {
    let path = runs_dir(state_dir).join("verify-latest.json");
    path.exists().then(|| load(&path)).transpose()
}

/// The latest rollback report, if any.
pub fn latest_rollback(state_dir: &Path) -> Result<Option<RollbackReport>, CliError> {
    let path = runs_dir(state_dir).join("rollback-latest.json");
    path.exists().then(|| load(&path)).transpose()
}
