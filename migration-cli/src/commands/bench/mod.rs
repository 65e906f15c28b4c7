//! `bench`: a real migration, through the real clients, engine and state store, of a generated
//! instance served by the bundled simulators under Intercom's window rules; measured and printed
//! as one table (see `docs/benchmarks.md`).
//!
//! The simulators run in this process; `plan` and then the migration run in child processes
//! (this same binary, `plan` and `migrate --yes`), so that their CPU time and peak memory are
//! the tool's own, not the simulators'.

mod compare;
mod figures;
mod routes;
mod usage;

pub use compare::ForecastCheck;
pub use figures::{BenchFigures, LoadWindow, PlanRun, Sample, StageRow};
pub use usage::ChildUsage;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fixtures::generator::{GeneratorConfig, History};
use fixtures::instance::Instance;
use fixtures::sim::intercom::{AppConfig, IntercomSim, IntercomSimConfig, RateLimitConfig};
use fixtures::sim::vivantio::{VivantioSim, VivantioSimConfig};
use migration_core::engine::RunReport;

use super::forecast::PlanForecast;
use super::{confirm, discover, doctor, plan, Outcome};
use crate::error::{CliError, EXIT_FAILED, EXIT_OK, EXIT_PARTIAL};
use crate::progress::Progress;
use crate::project::Project;
use crate::settings::ProjectOptions;

/// The per-app limit announced when the limit is lifted: a million requests a second.
const LIFTED_PER_MINUTE: u32 = 60_000_000;

/// How often the simulators' request counters are sampled during the run.
const SAMPLE_EVERY: Duration = Duration::from_millis(250);
/// How often the migration's memory high-water mark is read.
const PEAK_POLL: Duration = Duration::from_millis(20);

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Tickets in the generated instance (callers, companies and articles in the proportions of
    /// the seed account: half, a twentieth and a twentieth as many).
    pub tickets: u64,
    /// Each app's limit per minute; `None` lifts the limit (to measure the tool itself).
    pub per_minute: Option<u32>,
    /// Private apps (access tokens) the load is spread over.
    pub apps: u32,
    /// The workspace's cap on all apps together, per minute.
    pub workspace_per_minute: u32,
    /// Writes in flight at once (the configuration's `intercom.concurrency`).
    pub concurrency: usize,
    /// Attachment mebibytes in memory at once (`intercom.attachment_memory_mib`).
    pub attachment_memory_mib: u64,
    /// Tickets with only their opening and closing actions.
    pub minimal_history: bool,
    /// Folder for the instance, project and results (default: a new temporary folder).
    pub dir: Option<PathBuf>,
}

impl BenchOptions {
    /// The limit the run is held to, per minute: the apps' sum capped by the workspace.
    pub fn effective_per_minute(&self) -> Option<u32> {
        self.per_minute.map(|per_app| {
            per_app
                .saturating_mul(self.apps.max(1))
                .min(self.workspace_per_minute)
        })
    }
}

/// Runs the benchmark and renders its table.
pub async fn run(options: BenchOptions, progress: &Progress) -> Result<Outcome, CliError> {
    let dir = bench_dir(&options)?;
    progress.say(&format!(
        "generating an instance of {} tickets in {}",
        options.tickets,
        dir.display()
    ));
    let instance = generate_instance(&dir, options.tickets, options.minimal_history)?;
    let (vivantio, intercom) = start_simulators(instance, &options).await?;
    let global = prepare_project(&dir, &vivantio, &intercom, &options)?;
    let project = Project::open_with_env(&global, bench_env)?;
    progress.say("discover, propose a mapping and confirm; doctor times Vivantio's reads");
    prepare_migration(&project).await?;

    progress.say("planning (a child process; its CPU and memory are measured)");
    let planned = run_plan(&dir, &global, &vivantio, &intercom).await?;
    intercom.reset_stats();
    vivantio.clear_requests();
    progress.say("migrating (a child process; its CPU and memory are measured)");
    let load = run_child(&dir, &global, &vivantio, &intercom, ChildCommand::Migrate).await?;
    let report = run_report(&load)?;
    let stats = intercom.stats();
    let vivantio_operations = compare::vivantio_routes(
        vivantio
            .requests()
            .iter()
            .map(|request| request.path.as_str()),
    );
    let forecast = planned_forecast(&planned.stdout_path);
    let figures = BenchFigures::compute(figures::Inputs {
        tickets: options.tickets,
        minimal_history: options.minimal_history,
        apps: options.apps,
        per_app_per_minute: options.per_minute,
        effective_per_minute: options.effective_per_minute(),
        concurrency: options.concurrency,
        attachment_memory_mib: options.attachment_memory_mib,
        report: &report,
        stats: &stats,
        samples: &load.samples,
        window: load.window,
        usage: load.usage,
        plan: PlanRun {
            wall_ms: planned.window.wall_ms,
            usage: planned.usage,
        },
        forecast: forecast.as_ref().map(|forecast| &forecast.in_scope),
        vivantio_operations: &vivantio_operations,
    });
    let json_path = write_figures(&dir, &figures)?;
    let mut human = figures.table();
    human.push_str(&format!("\nfigures: {}", json_path.display()));
    // The migration's own code when it finished (0, or 6 when it rejected records), else
    // failed.
    let exit = match load.exit_code {
        EXIT_OK | EXIT_PARTIAL => load.exit_code,
        _ => EXIT_FAILED,
    };
    Ok(Outcome::ok(human, &figures).with_exit(exit))
}

/// The folder asked for, or a new one in the temporary folder; created.
fn bench_dir(options: &BenchOptions) -> Result<PathBuf, CliError> {
    let dir = match &options.dir {
        Some(dir) => dir.clone(),
        None => {
            std::env::temp_dir().join(format!("vivantio2intercom-bench-{}", std::process::id()))
        }
    };
    std::fs::create_dir_all(&dir)
        .map_err(|error| CliError::failed(format!("cannot create {}: {error}", dir.display())))?;
    Ok(dir)
}

/// Both simulators, the Vivantio one serving `instance`.
async fn start_simulators(
    instance: Instance,
    options: &BenchOptions,
) -> Result<(VivantioSim, IntercomSim), CliError> {
    let vivantio = VivantioSim::start(VivantioSimConfig::default(), instance)
        .await
        .map_err(|error| {
            CliError::failed(format!("cannot start the Vivantio simulator: {error}"))
        })?;
    let intercom = IntercomSim::start(intercom_config(options)).map_err(|error| {
        CliError::failed(format!("cannot start the Intercom simulator: {error}"))
    })?;
    Ok((vivantio, intercom))
}

/// What a person does before migrating: discover, propose a mapping, confirm it, `doctor`.
async fn prepare_migration(project: &Project) -> Result<(), CliError> {
    discover::run(project).await?;
    // Proposed here, so that the child `plan` below keeps this mapping (and its confirmation)
    // and measures its reading and pre-flight validation alone.
    plan::propose_only(project).await?;
    confirm::run(project, "bench").await?;
    // Its latency and the limit the workspace announces are the pace of `plan`'s forecast.
    doctor::run(project, &doctor::DoctorOptions::default()).await?;
    Ok(())
}

/// `plan` in a child process; an error when it did not succeed.
async fn run_plan(
    dir: &Path,
    global: &ProjectOptions,
    vivantio: &VivantioSim,
    intercom: &IntercomSim,
) -> Result<ChildRun, CliError> {
    let planned = run_child(dir, global, vivantio, intercom, ChildCommand::Plan).await?;
    if planned.exit_code != EXIT_OK {
        return Err(CliError::failed(format!(
            "plan failed (exit code {}, see {})",
            planned.exit_code,
            planned.stderr_path.display()
        )));
    }
    Ok(planned)
}

/// The run report the child migration printed.
fn run_report(load: &ChildRun) -> Result<RunReport, CliError> {
    let report_text = std::fs::read_to_string(&load.stdout_path).map_err(|error| {
        CliError::failed(format!(
            "cannot read {}: {error}",
            load.stdout_path.display()
        ))
    })?;
    serde_json::from_str(&report_text).map_err(|error| {
        CliError::failed(format!(
            "the migration did not print a run report (exit code {}, see {}): {error}",
            load.exit_code,
            load.stderr_path.display()
        ))
    })
}

/// Writes the figures to `bench.json` in `dir`; returns its path.
fn write_figures(dir: &Path, figures: &BenchFigures) -> Result<PathBuf, CliError> {
    let json_path = dir.join("bench.json");
    let json = serde_json::to_string_pretty(figures)
        .map_err(|error| CliError::failed(format!("cannot encode the figures: {error}")))?;
    std::fs::write(&json_path, json).map_err(|error| {
        CliError::failed(format!("cannot write {}: {error}", json_path.display()))
    })?;
    Ok(json_path)
}

/// The forecast the child `plan` printed (`None` when its output holds none).
fn planned_forecast(stdout: &Path) -> Option<PlanForecast> {
    let text = std::fs::read_to_string(stdout).ok()?;
    let mut outcome: serde_json::Value = serde_json::from_str(&text).ok()?;
    serde_json::from_value(outcome.get_mut("forecast")?.take()).ok()
}

/// An instance in the seed account's proportions, generated once per size and kept.
fn generate_instance(
    dir: &Path,
    tickets: u64,
    minimal_history: bool,
) -> Result<Instance, CliError> {
    let history = if minimal_history {
        History::Minimal
    } else {
        History::Full
    };
    let suffix = if minimal_history { "-minimal" } else { "" };
    let instance_dir = dir.join(format!("instance-{tickets}{suffix}"));
    if instance_dir.join("manifest.json").is_file() {
        return Instance::load(&instance_dir).map_err(CliError::failed);
    }
    let mut config = GeneratorConfig::for_tickets(tickets)
        .with_callers((tickets / 2).max(10))
        .with_history(history);
    config.clients = (tickets / 20).max(3);
    config.articles = (tickets / 20).clamp(10, 5_000);
    fixtures::generator::generate_overwriting(&config, &instance_dir).map_err(CliError::failed)?;
    Instance::load(&instance_dir).map_err(CliError::failed)
}

/// The Intercom simulator with one app per token and Intercom's window rules.
fn intercom_config(options: &BenchOptions) -> IntercomSimConfig {
    let apps = (1..=options.apps.max(1))
        .map(|app| AppConfig::new(&format!("migrator-{app}"), &app_token(app), "991267001"))
        .collect();
    let rate_limit = match options.per_minute {
        // Headers still announce a budget, so the client's pacing is exercised, but one far
        // above anything a loopback run can reach.
        None => RateLimitConfig::per_app(LIFTED_PER_MINUTE),
        Some(per_minute) => RateLimitConfig {
            default_app_per_minute: per_minute,
            workspace_per_minute: Some(options.workspace_per_minute),
            ..RateLimitConfig::default()
        },
    };
    IntercomSimConfig {
        apps,
        rate_limit,
        // Size and SHA-256 still arrive and are checked; holding gigabytes of content would
        // only make the simulator, not the tool, slower.
        keep_file_contents: false,
        ..IntercomSimConfig::default()
    }
}

fn app_token(app: u32) -> String {
    format!("bench-token-{app}")
}

fn token_env(app: u32) -> String {
    format!("V2I_BENCH_TOKEN_{app}")
}

/// The credentials the bench's project reads from its environment.
fn bench_env(name: &str) -> Option<String> {
    let simulator = VivantioSimConfig::default();
    match name {
        "VIVANTIO_USERNAME" => Some(simulator.username),
        "VIVANTIO_PASSWORD" => Some(simulator.password),
        _ => {
            let app = name.strip_prefix("V2I_BENCH_TOKEN_")?.parse().ok()?;
            Some(app_token(app))
        }
    }
}

/// Writes the project's configuration (read again by the child) and returns its global options.
fn prepare_project(
    dir: &Path,
    vivantio: &VivantioSim,
    intercom: &IntercomSim,
    options: &BenchOptions,
) -> Result<ProjectOptions, CliError> {
    let project_dir = dir.join("project");
    std::fs::create_dir_all(&project_dir).map_err(|error| {
        CliError::failed(format!("cannot create {}: {error}", project_dir.display()))
    })?;
    // Each bench starts from an empty state: the simulators are new.
    let _ = std::fs::remove_dir_all(project_dir.join(".vivantio2intercom"));
    let mut config = super::demo::simulator_config(&project_dir)?;
    config.intercom.token_envs = (1..=options.apps.max(1)).map(token_env).collect();
    config.intercom.concurrency = options.concurrency.max(1);
    config.intercom.attachment_memory_mib = options.attachment_memory_mib.max(1);
    config.intercom.workspace_rate_limit_per_minute = options.workspace_per_minute;
    let config_path = super::demo::write_config(&project_dir, &config)?;
    Ok(ProjectOptions {
        vivantio_url: Some(vivantio.platform_url()),
        intercom_url: Some(intercom.base_url()),
        ..ProjectOptions::new(config_path)
    })
}

/// The commands the bench measures in a child process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChildCommand {
    /// `plan`: reading, proposal check and pre-flight validation.
    Plan,
    /// `migrate --yes`: the migration.
    Migrate,
}

impl ChildCommand {
    /// The command's arguments after the global options.
    fn args(self) -> &'static [&'static str] {
        match self {
            ChildCommand::Plan => &["plan"],
            ChildCommand::Migrate => &["migrate", "--yes"],
        }
    }

    /// The name its output files take (`bench-plan.json`).
    fn name(self) -> &'static str {
        match self {
            ChildCommand::Plan => "plan",
            ChildCommand::Migrate => "migrate",
        }
    }
}

/// What a child command did, seen from outside.
struct ChildRun {
    exit_code: i32,
    stdout_path: PathBuf,
    stderr_path: PathBuf,
    samples: Vec<Sample>,
    window: LoadWindow,
    usage: ChildUsage,
}

/// Runs `child_command` in a child process, sampling both simulators while it runs.
async fn run_child(
    dir: &Path,
    global: &ProjectOptions,
    vivantio: &VivantioSim,
    intercom: &IntercomSim,
    child_command: ChildCommand,
) -> Result<ChildRun, CliError> {
    let stdout_path = dir.join(format!("bench-{}.json", child_command.name()));
    let stderr_path = dir.join(format!("bench-{}.stderr", child_command.name()));
    let mut command = child_process(global, intercom, child_command)?;
    command
        .stdout(create_file(&stdout_path)?)
        .stderr(create_file(&stderr_path)?);
    // The kernel adds up the CPU time of every child waited for: this child's is the growth.
    let earlier = usage::children().unwrap_or_default();
    let started_unix = unix_now();
    let started = Instant::now();
    let child = command.spawn().map_err(|error| {
        CliError::failed(format!(
            "cannot start `{}`: {error}",
            child_command.args().join(" ")
        ))
    })?;
    let watched = watch(child, child_command, started, vivantio, intercom).await?;
    let wall = started.elapsed();
    let mut samples = watched.samples;
    samples.push(sample(wall, vivantio, intercom));
    Ok(ChildRun {
        exit_code: watched.status.code().unwrap_or(EXIT_FAILED),
        stdout_path,
        stderr_path,
        samples,
        window: LoadWindow {
            started_unix,
            wall_ms: millis(wall),
        },
        usage: ChildUsage {
            peak_rss_bytes: watched.peak_rss_bytes,
            ..usage::children().unwrap_or_default().since(earlier)
        },
    })
}

/// This same program running `child_command` against the bench's project and simulators,
/// with their credentials in its environment.
fn child_process(
    global: &ProjectOptions,
    intercom: &IntercomSim,
    child_command: ChildCommand,
) -> Result<Command, CliError> {
    let exe = std::env::current_exe()
        .map_err(|error| CliError::failed(format!("cannot find this program: {error}")))?;
    let mut command = Command::new(exe);
    command
        .arg("--config")
        .arg(&global.config)
        .args(["--json", "-q"])
        .args(child_command.args())
        .stdin(Stdio::null());
    if let Some(url) = &global.vivantio_url {
        command.args(["--vivantio-url", url]);
    }
    if let Some(url) = &global.intercom_url {
        command.args(["--intercom-url", url]);
    }
    for name in ["VIVANTIO_USERNAME", "VIVANTIO_PASSWORD"]
        .into_iter()
        .map(str::to_owned)
        .chain((1..).map(token_env).take(intercom.config().apps.len()))
    {
        if let Some(value) = bench_env(&name) {
            command.env(&name, value);
        }
    }
    Ok(command)
}

fn create_file(path: &Path) -> Result<std::fs::File, CliError> {
    std::fs::File::create(path)
        .map_err(|error| CliError::failed(format!("cannot create {}: {error}", path.display())))
}

/// What was seen of a child process while it ran.
struct Watched {
    status: ExitStatus,
    samples: Vec<Sample>,
    peak_rss_bytes: u64,
}

/// Waits for `child`, polling its memory high-water mark and sampling both simulators.
async fn watch(
    mut child: Child,
    child_command: ChildCommand,
    started: Instant,
    vivantio: &VivantioSim,
    intercom: &IntercomSim,
) -> Result<Watched, CliError> {
    let mut samples = Vec::new();
    let mut peak_rss_bytes = 0;
    let mut next_sample = started;
    let status = loop {
        // The high-water mark only grows, so polling it often loses at most the last poll's
        // worth of growth; the simulators are sampled less often.
        if let Some(peak) = usage::peak_resident_bytes(child.id()) {
            peak_rss_bytes = peak_rss_bytes.max(peak);
        }
        if Instant::now() >= next_sample {
            samples.push(sample(started.elapsed(), vivantio, intercom));
            next_sample += SAMPLE_EVERY;
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => tokio::time::sleep(PEAK_POLL).await,
            Err(error) => {
                return Err(CliError::failed(format!(
                    "cannot wait for `{}`: {error}",
                    child_command.args().join(" ")
                )))
            }
        }
    };
    Ok(Watched {
        status,
        samples,
        peak_rss_bytes,
    })
}

/// Both simulators' request counters, `elapsed` into the run.
fn sample(elapsed: Duration, vivantio: &VivantioSim, intercom: &IntercomSim) -> Sample {
    Sample {
        at_ms: millis(elapsed),
        vivantio_requests: vivantio.request_count() as u64,
        intercom_requests: intercom.stats().requests,
    }
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
