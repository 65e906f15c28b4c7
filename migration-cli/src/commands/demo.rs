//! `demo`: the whole journey against bundled simulators, with no account anywhere: discover,
//! plan, confirm, a sample, the full migration, verify, a delta after changing a few source
//! records, and a rollback that leaves the Intercom workspace as it started.

use migration_core::engine::VerifySelection;
use std::path::{Path, PathBuf};

use fixtures::instance::Instance;
use fixtures::sim::intercom::{IntercomSim, IntercomSimConfig, RateLimitConfig};
use fixtures::sim::vivantio::{VivantioSim, VivantioSimConfig};
use migration_core::engine::RunMode;
use serde::Serialize;
use serde_json::json;

use super::{confirm, discover, migrate, plan, rollback, verify, Outcome};
use crate::cli::GlobalArgs;
use crate::error::CliError;
use crate::progress::Progress;
use crate::project::Project;

/// Sample size of the demo's first, reviewable migration.
const DEMO_SAMPLE: usize = 12;

/// One step of the demo and how it went.
#[derive(Debug, Serialize)]
pub struct DemoStep {
    /// The command it stands for.
    pub command: String,
    /// Its summary.
    pub summary: String,
    /// Its exit code.
    pub exit_code: i32,
}

/// The whole demo.
#[derive(Debug, Serialize)]
pub struct DemoOutcome {
    /// The folder holding the demo project (config, mapping, state, reports).
    pub project_dir: PathBuf,
    /// Every step.
    pub steps: Vec<DemoStep>,
    /// Records the Intercom simulator held after the full migration and delta, per kind.
    pub migrated_records: serde_json::Value,
    /// Whether the Intercom simulator held none of the migrated data after the rollback.
    pub rollback_left_workspace_empty: bool,
}

/// Runs the demo in `dir` (a new temporary folder when `None`) on the sample instance or on a
/// generated one with `tickets` tickets.
pub async fn run(
    dir: Option<PathBuf>,
    tickets: Option<u64>,
    progress: &Progress,
) -> Result<Outcome, CliError> {
    let dir = match dir {
        Some(dir) => dir,
        None => std::env::temp_dir().join(format!("vivantio2intercom-demo-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|error| CliError::failed(format!("cannot create {}: {error}", dir.display())))?;
    let instance = load_instance(&dir, tickets)?;
    let vivantio = VivantioSim::start(VivantioSimConfig::default(), instance)
        .await
        .map_err(|error| {
            CliError::failed(format!("cannot start the Vivantio simulator: {error}"))
        })?;
    let intercom_config = IntercomSimConfig {
        rate_limit: RateLimitConfig::off(),
        ..IntercomSimConfig::default()
    };
    let intercom = IntercomSim::start(intercom_config).map_err(|error| {
        CliError::failed(format!("cannot start the Intercom simulator: {error}"))
    })?;
    let project = simulator_project(&dir, &vivantio, &intercom)?;
    let mut steps = Vec::new();
    let mut record = |command: &str, outcome: Result<Outcome, CliError>| -> Result<(), CliError> {
        let outcome = outcome?;
        progress_line(progress, command, &outcome.human);
        steps.push(DemoStep {
            command: command.to_string(),
            summary: outcome.human,
            exit_code: outcome.exit_code,
        });
        Ok(())
    };
    record("discover", discover::run(&project).await)?;
    record("plan", plan::run(&project, true).await)?;
    record("confirm", confirm::run(&project, "demo").await)?;
    record(
        &format!("migrate --sample {DEMO_SAMPLE}"),
        migrate::run(
            &project,
            RunMode::Sample {
                tickets: DEMO_SAMPLE,
            },
            false,
            false,
            progress,
        )
        .await,
    )?;
    record(
        "verify",
        verify::run(&project, VerifySelection::All, progress).await,
    )?;
    record(
        "migrate",
        migrate::run(&project, RunMode::Full, false, true, progress).await,
    )?;
    record(
        "verify",
        verify::run(&project, VerifySelection::All, progress).await,
    )?;
    let changed = change_source(&vivantio);
    record(
        &format!("delta (after changing {changed} Vivantio tickets)"),
        migrate::run(&project, RunMode::Delta, false, true, progress).await,
    )?;
    record(
        "verify --sample 50",
        verify::run(
            &project,
            VerifySelection::PerKind {
                records: 50,
                seed: 7,
            },
            progress,
        )
        .await,
    )?;
    let migrated_records = serde_json::to_value(intercom.workspace().migrated_record_counts())
        .unwrap_or(serde_json::Value::Null);
    record("report", crate::commands::report::run(&project))?;
    record("rollback", rollback::run(&project, progress).await)?;
    let workspace = intercom.workspace();
    let empty = workspace.is_empty_of_migrated_data();
    let outcome = DemoOutcome {
        project_dir: dir.clone(),
        steps,
        migrated_records,
        rollback_left_workspace_empty: empty,
    };
    let mut human = vec![format!("demo project: {}", dir.display())];
    human.push(format!(
        "report: {}",
        project.reports_dir().join("report.html").display()
    ));
    human.push(if empty {
        "rollback proved: the Intercom simulator holds none of the migrated data".to_string()
    } else {
        format!(
            "rollback left data behind: {}",
            json!(workspace.migrated_record_counts())
        )
    });
    let exit = if empty { 0 } else { crate::error::EXIT_FAILED };
    Ok(Outcome::ok(human.join("\n"), &outcome).with_exit(exit))
}

fn progress_line(progress: &Progress, command: &str, summary: &str) {
    progress.say(&format!("── {command}\n{summary}"));
}

/// The sample instance (compiled into `fixtures`), or a generated one written into the demo folder.
fn load_instance(dir: &Path, tickets: Option<u64>) -> Result<Instance, CliError> {
    let Some(tickets) = tickets else {
        return Instance::sample().map_err(CliError::failed);
    };
    let instance_dir = dir.join("instance");
    let config = fixtures::generator::GeneratorConfig::for_tickets(tickets);
    fixtures::generator::generate_overwriting(&config, &instance_dir).map_err(CliError::failed)?;
    Instance::load(&instance_dir).map_err(CliError::failed)
}

/// The addresses the bundled sample and the generated instances give the tenant in bodies.
pub const DEMO_TENANT_ALIASES: [&str; 2] = [
    "https://brightline.vivantio.com/",
    fixtures::generator::TENANT_HOST,
];

/// Where the demo re-hosts article images, inside the project folder.
pub const DEMO_IMAGES_DIR: &str = "help-assets";

/// The public URL the demo pretends that folder is served at.
pub const DEMO_IMAGES_URL: &str = "https://help-assets.example.com/";

/// Writes a project configuration for the simulators into `dir` and opens it with their
/// credentials (the demo uses it; so can tests).
pub fn simulator_project(
    dir: &Path,
    vivantio: &VivantioSim,
    intercom: &IntercomSim,
) -> Result<Project, CliError> {
    let config_path = dir.join(crate::config::CONFIG_FILE);
    crate::commands::init::run(dir, true).map_err(|error| {
        CliError::failed(format!("cannot write the demo configuration: {error}"))
    })?;
    let simulators = VivantioSimConfig::default();
    let global = GlobalArgs {
        config: config_path,
        vivantio_url: Some(vivantio.platform_url()),
        vivantio_tenant_url: None,
        intercom_url: Some(intercom.base_url()),
        vivantio_timeout: None,
        intercom_timeout: None,
        json: false,
        verbose: 0,
        quiet: false,
        progress_interval: crate::progress::DEFAULT_INTERVAL,
    };
    let token = intercom.token().to_string();
    let mut project = Project::open_with_env(&global, |name| match name {
        "VIVANTIO_USERNAME" => Some(simulators.username.clone()),
        "VIVANTIO_PASSWORD" => Some(simulators.password.clone()),
        "INTERCOM_TOKEN" => Some(token.clone()),
        _ => None,
    })?;
    project.config.vivantio.request_interval_ms = 0;
    project.config.vivantio.max_concurrency = 8;
    // One simulator port, two host names: the API on the platform host (`127.0.0.1`), inline
    // images and the OData feed on the tenant host (`localhost`), as on a real tenant. Bodies
    // name the tenant by the instances' own addresses: aliases of the simulator's tenant host.
    project.config.vivantio.tenant_url =
        Some(format!("http://localhost:{}/", vivantio.address().port()));
    project.config.vivantio.tenant_aliases = DEMO_TENANT_ALIASES
        .iter()
        .map(|alias| (*alias).to_string())
        .collect();
    project.config.intercom.fallback_admin = Some("migration@example.com".into());
    // The simulator's search index never lags.
    project.config.intercom.search_index_lag_seconds = 0;
    // The sample's inventory, written beside the configuration: an installed binary has no
    // source tree to point at. Named relative to the project, so a copied project finds it.
    let inventory = fixtures::sample::write_inventory(dir).map_err(CliError::failed)?;
    project.config.paths.inventory = inventory.file_name().map(PathBuf::from);
    // Article images are re-hosted into the project folder, as a customer's static site would
    // serve them.
    project.config.images = Some(crate::config::ImagesConfig {
        dir: PathBuf::from(DEMO_IMAGES_DIR),
        base_url: DEMO_IMAGES_URL.to_string(),
    });
    Ok(project)
}

/// Changes a few Vivantio records the way a live helpdesk would during the cutover window.
fn change_source(vivantio: &VivantioSim) -> usize {
    let tickets = vivantio.records(fixtures::instance::Kind::Tickets);
    let mut changed = 0;
    for ticket in tickets
        .iter()
        .filter_map(|t| t.get("Id").and_then(|id| id.as_i64()))
        .take(3)
    {
        let added = vivantio.add_action(
            ticket,
            json!({
                "ActionType": "EmailIn",
                "Description": "Email received",
                "Notes": "Any update on this? (sent during the cutover window)",
                "Private": false
            }),
        );
        if added.is_some() {
            changed += 1;
        }
    }
    changed
}
