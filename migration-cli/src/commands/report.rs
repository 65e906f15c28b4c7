//! `report`: writes the report (HTML, Markdown, JSON) from what the state folder and the
//! reports folder hold, with every per-record list beside it as JSON Lines; it sends nothing
//! to either API.

use std::path::Path;

use super::Outcome;
use crate::error::CliError;
use crate::private_files::{create_private_dir_all, write_private};
use crate::project::Project;
use crate::report::{
    self, ListFolder, MigrationReport, PreflightSection, RollbackSection, RunSection,
    VerificationSection, PREFLIGHT_FINDINGS_FILE,
};
use crate::store::RunKind;

/// File (in the reports folder) where `discover` keeps its summary for the report.
pub const DISCOVERY_SUMMARY_FILE: &str = "discovery-summary.json";
/// File (in the reports folder) where `plan` keeps its pre-flight summary for the report:
/// counts and the first findings of each reason (every finding is in
/// [`PREFLIGHT_FINDINGS_FILE`]).
pub const PREFLIGHT_FILE: &str = "preflight.json";
/// File (in the reports folder) where `discover` and `plan` keep what reading proved about
/// Vivantio's API; `migrate` refuses while it holds an unacknowledged blocking finding.
pub const WIRE_FILE: &str = "vivantio-wire.json";
/// File (in the reports folder) where `doctor` keeps its checks.
pub const DOCTOR_FILE: &str = "doctor.json";
/// File (in the reports folder) where `discover` keeps the written inventory for the report.
pub const INVENTORY_FILE: &str = "inventory.json";
/// File (in the reports folder) where `plan` keeps the companies no contact will be attached
/// to, which Intercom leaves out of its company lists.
pub const COMPANIES_WITHOUT_CONTACTS_FILE: &str = "companies-without-contacts.json";

/// A kept JSON section, if it exists.
pub fn read_optional<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
) -> Result<Option<T>, CliError> {
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path)
        .map_err(|error| CliError::failed(format!("cannot read {}: {error}", path.display())))?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|error| CliError::failed(format!("{} is unreadable: {error}", path.display())))
}

/// Writes a JSON section file into the reports folder for a later `report`.
pub fn keep_section(
    project: &Project,
    file: &str,
    value: &impl serde::Serialize,
) -> Result<(), CliError> {
    let dir = project.reports_dir();
    create_private_dir_all(&dir)
        .map_err(|error| CliError::failed(format!("cannot create {}: {error}", dir.display())))?;
    let path = dir.join(file);
    let text = serde_json::to_string_pretty(value).map_err(CliError::failed)?;
    write_private(&path, text)
        .map_err(|error| CliError::failed(format!("cannot write {}: {error}", path.display())))
}

/// The project's folder name, which titles the report.
fn project_name(project: &Project) -> String {
    project
        .root
        .canonicalize()
        .ok()
        .and_then(|path| {
            path.file_name()
                .map(|name| name.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "migration".to_string())
}

fn lists_failed(dir: &Path, error: std::io::Error) -> CliError {
    CliError::failed(format!(
        "cannot write the report's lists into {}: {error}",
        dir.display()
    ))
}

/// What `discover` and `plan` kept: discovery, pre-flight, inventory, companies without contacts.
fn add_planning_sections(
    migration: &mut MigrationReport,
    dir: &Path,
    lists: &ListFolder,
) -> Result<(), CliError> {
    migration.discovery = read_optional(&dir.join(DISCOVERY_SUMMARY_FILE))?;
    let findings_file = dir
        .join(PREFLIGHT_FINDINGS_FILE)
        .is_file()
        .then(|| PREFLIGHT_FINDINGS_FILE.to_string());
    migration.preflight = read_optional(&dir.join(PREFLIGHT_FILE))?
        .map(|preflight| PreflightSection::new(&preflight, findings_file));
    migration.inventory = read_optional(&dir.join(INVENTORY_FILE))?;
    let companies: Vec<report::CompanyWithoutContacts> =
        read_optional(&dir.join(COMPANIES_WITHOUT_CONTACTS_FILE))?.unwrap_or_default();
    migration.companies_without_contacts = report::companies_without_contacts(&companies, lists)
        .map_err(|error| lists_failed(dir, error))?;
    Ok(())
}

/// What the runs kept: each run that is still in Intercom, the last verification and the last
/// rollback. Read-only, so a report can be written while a migration runs. A rolled-back run
/// left nothing in Intercom: the report describes what is there, with the rollback beside it.
fn add_run_sections(
    project: &Project,
    migration: &mut MigrationReport,
    lists: &ListFolder,
) -> Result<(), CliError> {
    let dir = project.reports_dir();
    let failed = |error| lists_failed(&dir, error);
    let state = project.state_dir();
    let store = project.open_store_read_only()?;
    migration.open_tickets_in_intercom = store
        .milestone(crate::store::OPEN_TICKETS_MOVED)?
        .and_then(|reached| {
            let at = chrono::DateTime::parse_from_rfc3339(&reached.reached_at).ok()?;
            Some(report::OpenTicketsInIntercom {
                at: at.with_timezone(&chrono::Utc),
                tickets: reached.count,
            })
        });
    for info in store
        .runs()?
        .iter()
        .filter(|run| run.mode != RunKind::Rollback && !run.is_rolled_back())
    {
        // One run's whole report in memory at a time: its lists go to disk as it is read.
        if let Some(run) = crate::history::run(&state, info.id)? {
            let started_at = chrono::DateTime::parse_from_rfc3339(&info.started_at)
                .ok()
                .map(|at| at.with_timezone(&chrono::Utc));
            let number = migration.runs.len() + 1;
            let section = RunSection::new(number, started_at, &run, lists).map_err(failed)?;
            migration.runs.push(section);
        }
    }
    migration.verification = crate::history::latest_verify(&state)?
        .map(|verification| VerificationSection::new(&verification, lists))
        .transpose()
        .map_err(failed)?;
    migration.rollback = crate::history::latest_rollback(&state)?
        .map(|rollback| RollbackSection::new(&rollback, lists))
        .transpose()
        .map_err(failed)?;
    Ok(())
}

/// Gathers every section that exists and writes the three report files.
pub fn run(project: &Project) -> Result<Outcome, CliError> {
    let dir = project.reports_dir();
    let mut migration = MigrationReport::new(project_name(project), chrono::Utc::now());
    let lists = ListFolder::open(&dir).map_err(|error| lists_failed(&dir, error))?;
    add_planning_sections(&mut migration, &dir, &lists)?;
    add_run_sections(project, &mut migration, &lists)?;
    let paths = report::write_all(&migration, &dir).map_err(|error| {
        CliError::failed(format!(
            "cannot write the report into {}: {error}",
            dir.display()
        ))
    })?;
    Ok(Outcome::ok(
        format!("report written: {}", paths.html.display()),
        &serde_json::json!({
            "html": paths.html,
            "markdown": paths.markdown,
            "json": paths.json,
            "lists": migration.list_files().iter().map(|file| dir.join(file)).collect::<Vec<_>>(),
        }),
    ))
}
