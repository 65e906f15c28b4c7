//! `vivantio2intercom`: parses the command line, runs the command, prints the outcome.

mod cli;

use std::path::Path;

use clap::Parser;
use cli::{Cli, Command, GlobalArgs, MigrateArgs};
use migration_cli::commands::migrate::MigrateOptions;
use migration_cli::commands::{self, Outcome};
use migration_cli::error::CliError;
use migration_cli::logging;
use migration_cli::progress::{Progress, ProgressMode};
use migration_cli::project::Project;
use migration_cli::settings::ProjectOptions;
use migration_core::engine::RunMode;

/// The mapping and the engine allocate many small strings; mimalloc serves them faster and
/// returns memory to the system sooner than the platform allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = Cli::parse();
    // The bench process only hosts the simulators (its migration runs in a child that sets
    // this itself); there, giving memory back at once would only cost page faults.
    if !hosts_bench(&cli.command) {
        migration_cli::allocator::keep_resident_memory_low();
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            std::process::exit(migration_cli::error::EXIT_FAILED);
        }
    };
    let json = cli.global.json;
    let code = match runtime.block_on(run(cli)) {
        Ok(outcome) => {
            if json {
                print_out(&serde_json::to_string_pretty(&outcome.json).unwrap_or_default());
            } else if !outcome.human.is_empty() {
                print_out(&outcome.human);
            }
            logging::command_finished(outcome.exit_code, None);
            outcome.exit_code
        }
        Err(error) => {
            logging::command_finished(error.exit_code(), Some(&error));
            if json {
                let body = serde_json::json!({ "error": error.to_string(), "exit_code": error.exit_code() });
                print_out(&serde_json::to_string_pretty(&body).unwrap_or_default());
            } else {
                eprintln!("error: {error}");
            }
            error.exit_code()
        }
    };
    std::process::exit(code);
}

/// Whether this process runs `bench`.
#[cfg(feature = "simulators")]
fn hosts_bench(command: &Command) -> bool {
    matches!(command, Command::Bench(_))
}

/// Whether this process runs `bench`: never, the command exists only with `simulators`.
#[cfg(not(feature = "simulators"))]
fn hosts_bench(_: &Command) -> bool {
    false
}

/// Prints a command's output. A reader that went away (`| head`) is not an error: the
/// command's own exit code stands, and `println!`'s panic on a closed pipe is avoided.
fn print_out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
}

/// What the terminal shows besides the outcome, from the global flags.
struct Terminal {
    level: &'static str,
    progress: Progress,
}

impl Terminal {
    fn from_flags(global: &GlobalArgs) -> Self {
        let level = match (global.quiet, global.verbose) {
            (true, _) => "error",
            (false, 0) => "warn",
            (false, 1) => "info",
            (false, _) => "debug",
        };
        let mode = if global.json {
            ProgressMode::Silent
        } else {
            ProgressMode::detect(global.quiet)
        };
        Self {
            level,
            progress: Progress::with_interval(mode, global.progress_interval),
        }
    }
}

/// Opens the project named by the global flags and starts its log.
struct Opener<'a> {
    cli: &'a Cli,
    options: ProjectOptions,
    level: &'static str,
}

impl Opener<'_> {
    /// The project with its credentials (commands that reach an account).
    fn open(&self) -> Result<Project, CliError> {
        self.logged(Project::open(&self.options)?)
    }

    /// The project without requiring credentials (commands that read only local state).
    fn open_local(&self) -> Result<Project, CliError> {
        self.logged(Project::open_local(&self.options)?)
    }

    fn logged(&self, project: Project) -> Result<Project, CliError> {
        logging::init_project(&project, self.level);
        logging::command_started(&self.cli.command, &project);
        Ok(project)
    }
}

async fn run(cli: Cli) -> Result<Outcome, CliError> {
    let terminal = Terminal::from_flags(&cli.global);
    let progress = &terminal.progress;
    let projects = Opener {
        cli: &cli,
        options: cli.global.project_options(),
        level: terminal.level,
    };
    match &cli.command {
        Command::Init { dir, force } => {
            logging::init(None, terminal.level, Vec::new());
            init(dir, *force)
        }
        Command::Doctor { samples } => {
            let options = commands::doctor::DoctorOptions {
                samples: samples.clone(),
            };
            commands::doctor::run(&projects.open()?, &options).await
        }
        Command::Discover => commands::discover::run(&checked(projects.open()?).await?).await,
        Command::Plan { force } => {
            let options = commands::plan::PlanOptions {
                replace_mapping: *force,
            };
            commands::plan::run(&checked(projects.open()?).await?, &options).await
        }
        Command::Confirm => {
            let who = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
            commands::confirm::run(&checked(mapped(projects.open()?)?).await?, &who).await
        }
        Command::Migrate(args) => {
            let project = checked(mapped(projects.open()?)?).await?;
            migrate(&project, args, progress).await
        }
        Command::Status => commands::status::run(&projects.open_local()?),
        Command::Verify {
            sample,
            percent,
            seed,
        } => {
            let selection = commands::verify::selection(*sample, *percent, *seed);
            let project = checked(mapped(projects.open()?)?).await?;
            commands::verify::run(&project, selection, progress).await
        }
        Command::Delta { yes } => {
            let project = checked(mapped(projects.open()?)?).await?;
            if !yes {
                ask("Move what changed in Vivantio since the last run?", "delta")?;
            }
            let options = MigrateOptions::new(RunMode::Delta);
            commands::migrate::run(&project, &options, progress).await
        }
        Command::Rollback { dry_run: true, .. } => {
            commands::rollback::preview(&projects.open_local()?)
        }
        Command::Rollback { yes, .. } => {
            let project = checked(projects.open()?).await?;
            if !yes {
                ask("Delete what the migration created in Intercom?", "rollback")?;
            }
            commands::rollback::run(&project, progress).await
        }
        Command::Report => commands::report::run(&projects.open_local()?),
        #[cfg(feature = "simulators")]
        Command::Demo { tickets, dir } => {
            logging::init(None, terminal.level, Vec::new());
            let options = commands::demo::DemoOptions {
                tickets: *tickets,
                dir: dir.clone(),
            };
            commands::demo::run(&options, progress).await
        }
        #[cfg(feature = "simulators")]
        Command::Bench(args) => {
            logging::init(None, terminal.level, Vec::new());
            commands::bench::run(args.options(), progress).await
        }
    }
}

/// `init`: writes the configuration and says what to do next.
fn init(dir: &Path, force: bool) -> Result<Outcome, CliError> {
    let options = commands::init::InitOptions {
        dir: dir.to_path_buf(),
        overwrite: force,
    };
    let outcome = commands::init::run(&options).map_err(|error| {
        CliError::failed(format!("cannot initialise {}: {error}", dir.display()))
    })?;
    let human = if outcome.config_written {
        format!(
            "wrote {} — edit it, export the credential variables it names, then run `vivantio2intercom discover`",
            dir.join(migration_cli::config::CONFIG_FILE).display()
        )
    } else {
        "kept the existing migration.toml (use --force to overwrite)".to_string()
    };
    Ok(Outcome::ok(human, &outcome))
}

/// `migrate`: unless told `--yes` (or only previewing), shows what would be sent and asks
/// before writing.
async fn migrate(
    project: &Project,
    args: &MigrateArgs,
    progress: &Progress,
) -> Result<Outcome, CliError> {
    let options = MigrateOptions {
        mode: match args.sample {
            Some(tickets) => RunMode::Sample { tickets },
            None => RunMode::Full,
        },
        dry_run: args.dry_run,
        continue_on_mismatch: args.continue_on_mismatch,
        accept_automation: args.accept_automation,
    };
    if !args.dry_run && !args.yes {
        // No one to ask: say so before spending a dry run on the preview.
        someone_to_ask("migrate")?;
        // Show what would be sent before asking: the same run, computed without writing.
        let silent = Progress::new(ProgressMode::Silent);
        let preview = commands::migrate::run(project, &options.dry_run(), &silent).await?;
        eprintln!("{}", preview.human);
        let question = format!(
            "Write this to Intercom at {}?",
            project.settings.intercom.base_url
        );
        ask(&question, "migrate")?;
    }
    commands::migrate::run(project, &options, progress).await
}

/// The project, once its mapping was found: a missing `mapping.toml` is said before any
/// request.
fn mapped(project: Project) -> Result<Project, CliError> {
    commands::read_mapping(&project)?;
    Ok(project)
}

/// The project, once both accounts answered (see [`commands::check_accounts`]).
async fn checked(project: Project) -> Result<Project, CliError> {
    commands::check_accounts(&project).await?;
    Ok(project)
}

/// A terminal to ask on, or the usage error that names `--yes`.
fn someone_to_ask(command: &'static str) -> Result<(), CliError> {
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        Ok(())
    } else {
        Err(CliError::ConfirmationNeeded { command })
    }
}

/// Asks a yes/no question on the terminal before `command` writes to Intercom. Without a
/// terminal there is no one to ask: that is a usage error naming `--yes`, not a refusal.
fn ask(question: &str, command: &'static str) -> Result<(), CliError> {
    use std::io::{BufRead, Write};
    someone_to_ask(command)?;
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let yes = std::io::stdin().lock().read_line(&mut answer).is_ok()
        && matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes");
    if yes {
        Ok(())
    } else {
        Err(CliError::Declined)
    }
}
