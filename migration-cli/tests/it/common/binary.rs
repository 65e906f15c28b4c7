//! The real `vivantio2intercom` binary against simulators started in the test process: a
//! confirmed project template copied per run, the environment that points the binary at the
//! simulators, and helpers to run, kill and resume it.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use fixtures::instance::Instance;
use fixtures::sim::intercom::{IntercomSim, IntercomSimConfig, RateLimitConfig};
use fixtures::sim::vivantio::{VivantioSim, VivantioSimConfig};
use tokio::process::{Child, Command};

/// Path of the binary cargo built for these tests.
pub const BINARY: &str = env!("CARGO_BIN_EXE_vivantio2intercom");

/// Longest any single command may take before the test gives up on it.
pub const COMMAND_DEADLINE: Duration = Duration::from_secs(120);

/// A project folder (migration.toml, confirmed mapping.toml, state with the confirmation) that
/// every run copies, so planning and confirming happen once per test file.
pub struct Template {
    dir: tempfile::TempDir,
}

impl Template {
    /// Plans and confirms the sample mapping against throwaway simulators and keeps the folder.
    pub async fn confirmed() -> Self {
        let world = super::confirmed_world().await;
        let dir = tempfile::tempdir().unwrap();
        copy_dir(world.dir(), dir.path());
        Self { dir }
    }

    /// The template folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Both simulators, fresh, and a copy of the template pointed at them.
pub struct BinaryWorld {
    /// The Vivantio simulator serving the sample instance.
    pub vivantio: VivantioSim,
    /// The Intercom simulator, without rate limit.
    pub intercom: IntercomSim,
    dir: tempfile::TempDir,
}

impl BinaryWorld {
    /// Fresh simulators and a fresh copy of `template`.
    pub async fn start(template: &Template) -> Self {
        let intercom = IntercomSimConfig {
            rate_limit: RateLimitConfig::off(),
            ..IntercomSimConfig::default()
        };
        Self::start_with(template, intercom).await
    }

    /// [`BinaryWorld::start`] with the Intercom simulator configured as `intercom`.
    pub async fn start_with(template: &Template, intercom: IntercomSimConfig) -> Self {
        let vivantio =
            VivantioSim::start(VivantioSimConfig::default(), Instance::sample().unwrap())
                .await
                .unwrap();
        let intercom = IntercomSim::start(intercom).unwrap();
        let dir = tempfile::tempdir().unwrap();
        copy_dir(template.path(), dir.path());
        Self {
            vivantio,
            intercom,
            dir,
        }
    }

    /// The project folder.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The state folder inside the project.
    pub fn state_dir(&self) -> PathBuf {
        self.dir().join(".vivantio2intercom")
    }

    /// The binary with `args`, its configuration, credentials and simulator URLs in the
    /// environment, output captured, killed if the test drops it.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = self.human_command(args);
        command.arg("--json");
        command
    }

    /// [`BinaryWorld::command`] as a person runs it: without `--json`, so it shows progress
    /// (as lines: its standard error is no terminal).
    pub fn human_command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BINARY);
        let simulators = VivantioSimConfig::default();
        command
            .args(args)
            .env(
                "V2I_CONFIG",
                self.dir().join(migration_cli::config::CONFIG_FILE),
            )
            .env("V2I_VIVANTIO_URL", self.vivantio.platform_url())
            .env(
                "V2I_VIVANTIO_TENANT_URL",
                format!("http://localhost:{}/", self.vivantio.address().port()),
            )
            .env("V2I_INTERCOM_URL", self.intercom.base_url())
            .env("VIVANTIO_USERNAME", simulators.username)
            .env("VIVANTIO_PASSWORD", simulators.password)
            .env("INTERCOM_TOKEN", self.intercom.token())
            .env_remove("RUST_LOG")
            .env_remove("V2I_VIVANTIO_TIMEOUT")
            .env_remove("V2I_INTERCOM_TIMEOUT")
            .env_remove("V2I_PROGRESS_INTERVAL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command
    }

    /// Starts the binary with `args` without waiting for it.
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command(args).spawn().unwrap()
    }

    /// Runs the binary with `args` to its end and returns what it said.
    pub async fn run(&self, args: &[&str]) -> Finished {
        finish(self.spawn(args), args).await
    }

    /// Runs the binary with `args` and requires one of `codes` as its exit code.
    pub async fn run_expecting(&self, args: &[&str], codes: &[i32]) -> Finished {
        let finished = self.run(args).await;
        assert!(
            codes.contains(&finished.code()),
            "`{}` exited with {:?}, expected one of {codes:?}\nstdout: {}\nstderr: {}",
            args.join(" "),
            finished.status,
            finished.stdout,
            finished.stderr
        );
        finished
    }
}

/// What a finished command said.
#[derive(Debug)]
pub struct Finished {
    /// How it ended.
    pub status: ExitStatus,
    /// Standard output (one JSON document with `--json`).
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Finished {
    /// The exit code, or -1 when a signal ended the process.
    pub fn code(&self) -> i32 {
        self.status.code().unwrap_or(-1)
    }

    /// The JSON document on standard output.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("stdout is not JSON ({error}): {}", self.stdout))
    }
}

/// Waits for `child` (at most [`COMMAND_DEADLINE`]) and collects its output.
pub async fn finish(child: Child, args: &[&str]) -> Finished {
    let output = tokio::time::timeout(COMMAND_DEADLINE, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("`{}` did not finish in time", args.join(" ")))
        .unwrap();
    Finished {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Kills `child` with SIGKILL (no chance to clean up) and reaps it; `false` when it had
/// already exited by itself.
pub async fn kill(mut child: Child) -> bool {
    // `start_kill` sends SIGKILL on Unix; it fails only if the child was already reaped.
    let _ = child.start_kill();
    let status = child.wait().await.unwrap();
    status.code().is_none()
}

/// Sets `[run] order` in the configuration of the project in `dir`.
pub fn set_run_order(dir: &Path, order: migration_core::engine::RunOrder) {
    edit_config(dir, |config| config.run.order = order);
}

/// Changes the configuration of the project in `dir`.
pub fn edit_config(dir: &Path, edit: impl FnOnce(&mut migration_cli::config::Config)) {
    let path = dir.join(migration_cli::config::CONFIG_FILE);
    let mut config: migration_cli::config::Config =
        toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut config);
    std::fs::write(path, toml::to_string(&config).unwrap()).unwrap();
}

/// Copies a folder tree (regular files and folders; the template holds nothing else).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
