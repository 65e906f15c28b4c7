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

use super::migrate::MigrateOptions;
use super::{confirm, discover, migrate, plan, rollback, verify, Outcome};
use crate::config::{Config, CONFIG_FILE};
use crate::error::CliError;
use crate::progress::Progress;
use crate::project::Project;
use crate::settings::ProjectOptions;

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

/// What `demo` is asked to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoOptions {
    /// Generate an instance with this many tickets instead of the bundled sample.
    pub tickets: Option<u64>,
    /// Folder for the demo's state and reports (a new temporary folder when `None`).
    pub dir: Option<PathBuf>,
}

/// Runs the whole journey against the simulators, on the sample instance or a generated one.
pub async fn run(options: &DemoOptions, progress: &Progress) -> Result<Outcome, CliError> {
    let dir = match &options.dir {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("vivantio2intercom-demo-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|error| CliError::failed(format!("cannot create {}: {error}", dir.display())))?;
    let (vivantio, intercom) = start_simulators(&dir, options.tickets).await?;
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
    let replace = plan::PlanOptions {
        replace_mapping: true,
    };
    record("discover", discover::run(&project).await)?;
    record("plan", plan::run(&project, &replace).await)?;
    record("confirm", confirm::run(&project, "demo").await)?;
    let sample = MigrateOptions::new(RunMode::Sample {
        tickets: DEMO_SAMPLE,
    });
    record(
        &format!("migrate --sample {DEMO_SAMPLE}"),
        migrate::run(&project, &sample, progress).await,
    )?;
    let all = VerifySelection::All;
    record("verify", verify::run(&project, all, progress).await)?;
    let full = MigrateOptions::new(RunMode::Full).continue_on_mismatch();
    record("migrate", migrate::run(&project, &full, progress).await)?;
    record("verify", verify::run(&project, all, progress).await)?;
    let changed = change_source(&vivantio);
    let delta = MigrateOptions::new(RunMode::Delta).continue_on_mismatch();
    record(
        &format!("delta (after changing {changed} Vivantio tickets)"),
        migrate::run(&project, &delta, progress).await,
    )?;
    let some = VerifySelection::PerKind {
        records: 50,
        seed: 7,
    };
    record(
        "verify --sample 50",
        verify::run(&project, some, progress).await,
    )?;
    let migrated_records = serde_json::to_value(intercom.workspace().migrated_record_counts())
        .unwrap_or(serde_json::Value::Null);
    record("report", crate::commands::report::run(&project))?;
    record("rollback", rollback::run(&project, progress).await)?;
    let empty = intercom.workspace().is_empty_of_migrated_data();
    let outcome = DemoOutcome {
        project_dir: dir.clone(),
        steps,
        migrated_records,
        rollback_left_workspace_empty: empty,
    };
    Ok(finished(&project, &intercom, outcome))
}

/// Both simulators, the Vivantio one serving the sample instance or a generated one.
async fn start_simulators(
    dir: &Path,
    tickets: Option<u64>,
) -> Result<(VivantioSim, IntercomSim), CliError> {
    let instance = load_instance(dir, tickets)?;
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
    Ok((vivantio, intercom))
}

/// The demo's outcome: where its project is, and whether the rollback left Intercom empty.
fn finished(project: &Project, intercom: &IntercomSim, outcome: DemoOutcome) -> Outcome {
    let empty = outcome.rollback_left_workspace_empty;
    let mut human = vec![format!("demo project: {}", outcome.project_dir.display())];
    human.push(format!(
        "report: {}",
        project.reports_dir().join("report.html").display()
    ));
    human.push(if empty {
        "rollback proved: the Intercom simulator holds none of the migrated data".to_string()
    } else {
        format!(
            "rollback left data behind: {}",
            json!(intercom.workspace().migrated_record_counts())
        )
    });
    let exit = if empty { 0 } else { crate::error::EXIT_FAILED };
    Outcome::ok(human.join("\n"), &outcome).with_exit(exit)
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
/// credentials (the demo uses it; so can tests, and so can the binary: the file on disk is the
/// one the project was opened from).
pub fn simulator_project(
    dir: &Path,
    vivantio: &VivantioSim,
    intercom: &IntercomSim,
) -> Result<Project, CliError> {
    let mut config = simulator_config(dir)?;
    // One simulator port, two host names: the API on the platform host (`127.0.0.1`), inline
    // images and the OData feed on the tenant host (`localhost`), as on a real tenant. Bodies
    // name the tenant by the instances' own addresses: aliases of the simulator's tenant host.
    config.vivantio.tenant_url = Some(format!("http://localhost:{}/", vivantio.address().port()));
    config.vivantio.tenant_aliases = DEMO_TENANT_ALIASES
        .iter()
        .map(|alias| (*alias).to_string())
        .collect();
    // Article images are re-hosted into the project folder, as a customer's static site would
    // serve them.
    config.images = Some(crate::config::ImagesConfig {
        dir: PathBuf::from(DEMO_IMAGES_DIR),
        base_url: DEMO_IMAGES_URL.to_string(),
    });
    let config_path = write_config(dir, &config)?;
    let simulators = VivantioSimConfig::default();
    let options = ProjectOptions {
        vivantio_url: Some(vivantio.platform_url()),
        intercom_url: Some(intercom.base_url()),
        ..ProjectOptions::new(config_path)
    };
    let token = intercom.token().to_string();
    Project::open_with_env(&options, |name| match name {
        "VIVANTIO_USERNAME" => Some(simulators.username.clone()),
        "VIVANTIO_PASSWORD" => Some(simulators.password.clone()),
        "INTERCOM_TOKEN" => Some(token.clone()),
        _ => None,
    })
}

/// `init`'s configuration in `dir`, tuned for the simulators: no pause between reads, a search
/// index that never lags, a fallback admin the simulator has, and the sample's inventory.
pub(crate) fn simulator_config(dir: &Path) -> Result<Config, CliError> {
    let init = crate::commands::init::InitOptions {
        dir: dir.to_path_buf(),
        overwrite: true,
    };
    crate::commands::init::run(&init)
        .map_err(|error| CliError::failed(format!("cannot write the configuration: {error}")))?;
    let mut config = Config::load(&dir.join(CONFIG_FILE))?;
    config.vivantio.request_interval_ms = 0;
    config.vivantio.max_concurrency = 8;
    config.intercom.fallback_admin = Some("migration@example.com".into());
    config.intercom.search_index_lag_seconds = 0;
    // Written beside the configuration (an installed binary has no source tree to point at)
    // and named relative to it, so a copied or moved project still finds it.
    let inventory = fixtures::sample::write_inventory(dir).map_err(CliError::failed)?;
    config.paths.inventory = inventory.file_name().map(PathBuf::from);
    Ok(config)
}

/// Writes `config` as the project's configuration file and returns its path.
pub(crate) fn write_config(dir: &Path, config: &Config) -> Result<PathBuf, CliError> {
    let path = dir.join(CONFIG_FILE);
    let text = toml::to_string_pretty(config)
        .map_err(|error| CliError::failed(format!("cannot encode the configuration: {error}")))?;
    crate::private_files::write_private(&path, text)
        .map_err(|error| CliError::failed(format!("cannot write {}: {error}", path.display())))?;
    Ok(path)
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
