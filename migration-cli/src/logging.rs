//! Logs: a size-rotated file in the state folder and the terminal, secrets scrubbed from both.
//!
//! The file keeps this project's own crates at debug and everything else at warn (the HTML
//! parser's debug output quotes the bodies it parses); [`LOG_ENV`] replaces that filter. The
//! terminal shows what `-q`/`-v` chose. Every command that opens a project writes a start line
//! and an end line to the file, so each run in it says what ran and how it ended.

mod rotating;

use std::fmt::{Debug, Display};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use migration_core::spec::MappingSpec;
use tracing_subscriber::filter::Directive;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

pub use rotating::{numbered, RotatingFile};

use crate::private_files::create_private_dir_all;
use crate::project::Project;
use crate::secret::Secret;

/// File name of the live log in the state folder; rotated ones are `vivantio2intercom.<n>.log`,
/// 1 the most recent.
pub const LOG_FILE: &str = "vivantio2intercom.log";

/// Environment variable whose filter directives (`tracing` `EnvFilter` syntax, e.g.
/// `debug` or `warn,vivantio_client=trace`) replace [`FILE_FILTER`] for the file.
pub const LOG_ENV: &str = "V2I_LOG";

/// What the file keeps unless [`LOG_ENV`] says otherwise: this project's crates (and their
/// `progress` lines) at debug, and only warnings and errors from dependencies.
pub const FILE_FILTER: &str = "warn,migration_cli=debug,migration_core=debug,\
                               vivantio_client=debug,intercom_client=debug,fixtures=debug,\
                               progress=debug";

/// Target of the start and end lines: always in the file, never on the terminal (the terminal
/// already shows the outcome).
pub const COMMAND_TARGET: &str = "vivantio2intercom";

/// Longest final error text an end line keeps, in bytes; a longer one is cut with a note.
const MAX_ERROR_BYTES: usize = 4096;

/// How large the file log may grow: files of at most `max_file_bytes`, `max_files` of them
/// (`[logging]` of the settings).
pub use crate::settings::LogSettings as Rotation;

/// A writer that replaces every secret before the bytes reach the file or the terminal.
pub struct Redacting<W> {
    inner: Arc<Mutex<W>>,
    secrets: Arc<Vec<Secret>>,
}

impl<W> Clone for Redacting<W> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
            secrets: Arc::clone(&self.secrets),
        }
    }
}

impl<W: Write> Redacting<W> {
    /// Wraps `inner`.
    pub fn new(inner: W, secrets: Vec<Secret>) -> Self {
        Self {
            inner: Arc::new(Mutex::new(inner)),
            secrets: Arc::new(secrets),
        }
    }
}

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let clean = self
            .secrets
            .iter()
            .fold(text.into_owned(), |text, secret| secret.redact_in(&text));
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        inner.write_all(clean.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .flush()
    }
}

impl<'a, W: Write + 'a> MakeWriter<'a> for Redacting<W> {
    type Writer = Redacting<W>;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Installs logging: the state folder's log file (when it can be opened) with the default
/// [`Rotation`], and the terminal at `terminal_level`.
pub fn init(state_dir: Option<&Path>, terminal_level: &str, secrets: Vec<Secret>) {
    install(
        terminal_level,
        secrets,
        state_dir.map(|dir| (dir.to_path_buf(), Rotation::default())),
    );
}

/// Installs logging for an opened project: its state folder's log with its `[logging]` limits,
/// its credentials redacted, and the terminal at `terminal_level`.
pub fn init_project(project: &Project, terminal_level: &str) {
    install(
        terminal_level,
        project.credentials.secrets().cloned().collect(),
        Some((project.state_dir(), project.settings.logging)),
    );
}

fn install(terminal_level: &str, secrets: Vec<Secret>, file: Option<(PathBuf, Rotation)>) {
    let requested = std::env::var(LOG_ENV).ok();
    let (file_filter, refused) = file_filter(requested.as_deref());
    let file_writer = file.and_then(|(dir, rotation)| {
        create_private_dir_all(&dir).ok()?;
        let log = RotatingFile::open(
            &dir.join(LOG_FILE),
            rotation.max_file_bytes,
            rotation.max_files,
        )
        .ok()?
        .with_header_marker(START_MESSAGE);
        Some(Redacting::new(log, secrets.clone()))
    });
    let terminal = Redacting::new(std::io::stderr(), secrets);
    // Colour codes only for a person at a terminal, never into a pipe or a file.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    // A second install (tests calling main logic twice) is harmless; keep the first.
    let installed = tracing_subscriber::registry()
        .with(terminal_layer(terminal, ansi, terminal_level))
        .with(file_writer.map(|writer| file_layer(writer, file_filter)))
        .try_init()
        .is_ok();
    if let (true, Some(spec)) = (installed, refused) {
        tracing::warn!(
            "{LOG_ENV}={spec:?} is not a valid log filter; the log file keeps the default ({FILE_FILTER})"
        );
    }
}

fn terminal_layer<S, W>(writer: W, ansi: bool, level: &str) -> impl Layer<S> + Send + Sync + 'static
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt::layer()
        .with_ansi(ansi)
        .with_writer(writer)
        .with_target(false)
        .with_filter(EnvFilter::new(level).add_directive(command_directive("off")))
}

fn file_layer<S, W>(writer: W, filter: EnvFilter) -> impl Layer<S> + Send + Sync + 'static
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(writer)
        .with_filter(filter)
}

/// The file's filter: `requested` (from [`LOG_ENV`]) when set and valid, else [`FILE_FILTER`];
/// the start and end lines pass either way. The second value is a refused request.
fn file_filter(requested: Option<&str>) -> (EnvFilter, Option<String>) {
    let requested = requested.filter(|spec| !spec.trim().is_empty());
    let (filter, refused) = match requested.map(EnvFilter::try_new) {
        Some(Ok(filter)) => (filter, None),
        Some(Err(_)) => (EnvFilter::new(FILE_FILTER), requested.map(str::to_string)),
        None => (EnvFilter::new(FILE_FILTER), None),
    };
    (filter.add_directive(command_directive("info")), refused)
}

fn command_directive(level: &str) -> Directive {
    format!("{COMMAND_TARGET}={level}")
        .parse()
        .expect("a target and a level form a valid directive")
}

/// The message of the start line, repeated at the top of every rotated log file.
const START_MESSAGE: &str = "command started";

/// What the start line said, for the end line.
#[derive(Debug, Clone)]
struct Started {
    command: String,
    at: Instant,
}

static STARTED: OnceLock<Started> = OnceLock::new();

/// Writes the start line of `command` (the parsed subcommand, whose `Debug` form holds only
/// flags and numbers): its name and arguments, the tool's version, the mapping's content hash
/// when `mapping.toml` exists, and the state folder.
pub fn command_started(command: &dyn Debug, project: &Project) {
    let started = start_line(command, project);
    let _ = STARTED.set(started);
}

/// Writes the end line of the command [`command_started`] announced: its exit code and, when it
/// failed, the error text shown to the person (secrets are redacted by the writer). Nothing
/// when no command was started (the project could not be opened).
pub fn command_finished(exit_code: i32, error: Option<&dyn Display>) {
    if let Some(started) = STARTED.get() {
        end_line(started, exit_code, error);
    }
}

fn start_line(command: &dyn Debug, project: &Project) -> Started {
    let arguments = format!("{command:?}");
    let name = command_name(&arguments);
    let mapping = mapping_hash(&project.mapping_path());
    tracing::info!(
        target: COMMAND_TARGET,
        command = %name,
        arguments = %arguments,
        version = %env!("CARGO_PKG_VERSION"),
        mapping = %mapping,
        state_dir = %project.state_dir().display(),
        "{START_MESSAGE}"
    );
    Started {
        command: name,
        at: Instant::now(),
    }
}

fn end_line(started: &Started, exit_code: i32, error: Option<&dyn Display>) {
    let elapsed_ms = u64::try_from(started.at.elapsed().as_millis()).unwrap_or(u64::MAX);
    match error {
        None => tracing::info!(
            target: COMMAND_TARGET,
            command = %started.command,
            exit_code,
            elapsed_ms,
            "command finished"
        ),
        Some(error) => tracing::error!(
            target: COMMAND_TARGET,
            command = %started.command,
            exit_code,
            elapsed_ms,
            error = %one_line(&error.to_string()),
            "command failed"
        ),
    }
}

/// `Migrate(MigrateArgs { .. })` → `migrate`, `ConfirmAll { .. }` → `confirm-all`: the
/// subcommand as typed.
fn command_name(debug: &str) -> String {
    let mut name = String::new();
    for (index, letter) in debug
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .enumerate()
    {
        if letter.is_ascii_uppercase() && index > 0 {
            name.push('-');
        }
        name.push(letter.to_ascii_lowercase());
    }
    name
}

/// The content hash `confirm` records for the mapping at `path`, `none` without a mapping, or
/// why it has none.
fn mapping_hash(path: &Path) -> String {
    match std::fs::read_to_string(path) {
        Ok(text) => match MappingSpec::from_toml(&text) {
            Ok(spec) => spec.content_hash().as_str().to_string(),
            Err(_) => "invalid".to_string(),
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => "none".to_string(),
        Err(_) => "unreadable".to_string(),
    }
}

/// `text` on one line (so that every log entry is one line), cut at [`MAX_ERROR_BYTES`].
fn one_line(text: &str) -> String {
    let mut end = text.len().min(MAX_ERROR_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let line = text[..end].replace('\n', " | ");
    if end < text.len() {
        format!("{line} [cut: {} bytes in all]", text.len())
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A terminal that tests can read back.
    #[derive(Clone, Default)]
    struct Screen(Arc<Mutex<Vec<u8>>>);

    impl Write for Screen {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Screen {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    /// Runs `emit` with the terminal at `level` on a [`Screen`] and the file log in `dir`.
    fn with_logs(
        dir: &Path,
        level: &str,
        rotation: Rotation,
        requested: Option<&str>,
        emit: impl FnOnce(),
    ) -> Screen {
        let screen = Screen::default();
        let file = RotatingFile::open(
            &dir.join(LOG_FILE),
            rotation.max_file_bytes,
            rotation.max_files,
        )
        .unwrap();
        let secrets = vec![Secret::new("tok-123")];
        let subscriber = tracing_subscriber::registry()
            .with(terminal_layer(
                Redacting::new(screen.clone(), secrets.clone()),
                false,
                level,
            ))
            .with(file_layer(
                Redacting::new(file, secrets),
                file_filter(requested).0,
            ));
        tracing::subscriber::with_default(subscriber, emit);
        screen
    }

    fn log_text(dir: &Path) -> String {
        std::fs::read_to_string(dir.join(LOG_FILE)).unwrap()
    }

    #[test]
    fn the_file_keeps_project_debug_and_drops_dependency_debug() {
        let dir = tempfile::tempdir().unwrap();
        let screen = with_logs(dir.path(), "warn", Rotation::default(), None, || {
            tracing::debug!(target: "html5ever::tree_builder", "processing Characters(customer text)");
            tracing::warn!(target: "hyper::proto", "dependency warning");
            tracing::debug!(target: "vivantio_client::transport", "project debug");
            tracing::info!(target: "progress", "stage People started");
            tracing::trace!(target: "intercom_client::rate_limit", "project trace");
            tracing::warn!(target: "intercom_client::transport", "retrying with tok-123");
        });
        let log = log_text(dir.path());
        assert!(!log.contains("customer text"), "{log}");
        assert!(!log.contains("project trace"), "{log}");
        for kept in [
            "dependency warning",
            "project debug",
            "stage People started",
        ] {
            assert!(log.contains(kept), "{kept} missing from {log}");
        }
        assert!(log.contains("retrying with [redacted]") && !log.contains("tok-123"));
        // The terminal keeps its own level: warnings only.
        let shown = screen.text();
        assert!(shown.contains("retrying with [redacted]"), "{shown}");
        assert!(!shown.contains("project debug"), "{shown}");
    }

    #[test]
    fn the_environment_filter_replaces_the_default_and_a_bad_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        with_logs(
            dir.path(),
            "warn",
            Rotation::default(),
            Some("html5ever=debug"),
            || {
                tracing::debug!(target: "html5ever::tree_builder", "parser detail");
                tracing::debug!(target: "vivantio_client::transport", "project debug");
                tracing::info!(target: COMMAND_TARGET, "start line");
            },
        );
        let log = log_text(dir.path());
        assert!(log.contains("parser detail"), "{log}");
        assert!(!log.contains("project debug"), "{log}");
        assert!(
            log.contains("start line"),
            "the command lines pass any filter: {log}"
        );

        let (_, refused) = file_filter(Some("vivantio_client=loud"));
        assert_eq!(refused.as_deref(), Some("vivantio_client=loud"));
        assert_eq!(file_filter(Some("  ")).1, None);
    }

    #[test]
    fn start_and_end_lines_reach_the_file_only_with_the_error_clipped_and_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let started = Started {
            command: "migrate".into(),
            at: Instant::now(),
        };
        let long = format!(
            "Intercom failed with tok-123:\n{}",
            "x".repeat(2 * MAX_ERROR_BYTES)
        );
        let screen = with_logs(dir.path(), "debug", Rotation::default(), None, || {
            end_line(&started, 0, None);
            end_line(&started, 1, Some(&long));
        });
        let log = log_text(dir.path());
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines.len(), 2, "{log}");
        assert!(lines[0].contains("command finished"), "{}", lines[0]);
        assert!(lines[0].contains("exit_code=0"), "{}", lines[0]);
        assert!(lines[1].contains("ERROR"), "{}", lines[1]);
        assert!(lines[1].contains("exit_code=1"), "{}", lines[1]);
        assert!(
            lines[1].contains("Intercom failed with [redacted]: | xxx"),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains("bytes in all]"), "{}", lines[1]);
        assert!(lines[1].len() < MAX_ERROR_BYTES + 300, "{}", lines[1].len());
        assert_eq!(screen.text(), "", "the terminal shows the outcome itself");
    }

    #[test]
    fn rotation_bounds_the_log_written_through_the_subscriber() {
        let dir = tempfile::tempdir().unwrap();
        let rotation = Rotation {
            max_file_bytes: 2_000,
            max_files: 3,
        };
        with_logs(dir.path(), "off", rotation, None, || {
            for n in 0..500 {
                tracing::debug!(target: "migration_cli::test", n, "a line of some length");
            }
        });
        let files: Vec<(String, u64)> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| {
                let entry = entry.unwrap();
                let name = entry.file_name().to_string_lossy().into_owned();
                (name, entry.metadata().unwrap().len())
            })
            .collect();
        assert_eq!(files.len(), 3, "{files:?}");
        let total: u64 = files.iter().map(|(_, size)| size).sum();
        assert!(total <= 3 * 2_000, "{total} bytes in {files:?}");
        assert!(log_text(dir.path()).contains("n=499"));
    }

    #[test]
    fn command_names_read_as_typed() {
        assert_eq!(
            command_name("Migrate(MigrateArgs { sample: None })"),
            "migrate"
        );
        assert_eq!(
            command_name("Rollback { dry_run: true, yes: false }"),
            "rollback"
        );
        assert_eq!(command_name("Status"), "status");
        assert_eq!(command_name("ConfirmAll"), "confirm-all");
    }

    #[test]
    fn the_mapping_hash_is_the_confirmed_content_hash_or_says_why_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mapping.toml");
        assert_eq!(mapping_hash(&path), "none");
        std::fs::write(&path, "not = [a mapping").unwrap();
        assert_eq!(mapping_hash(&path), "invalid");
        let spec = MappingSpec::new("Europe/London");
        std::fs::write(&path, spec.to_toml().unwrap()).unwrap();
        assert_eq!(mapping_hash(&path), spec.content_hash().as_str());
    }
}
