//! Logs: everything to a file in the state folder, errors (or more with -v) to the terminal,
//! secrets scrubbed from both.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::private_files::{create_private_dir_all, open_private};
use crate::secret::Secret;

/// File name of the log in the state folder.
pub const LOG_FILE: &str = "vivantio2intercom.log";

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

/// Installs logging: the state folder's log file (when it can be opened) at debug level and
/// the terminal at `terminal_level`.
pub fn init(state_dir: Option<&Path>, terminal_level: &str, secrets: Vec<Secret>) {
    let terminal = tracing_subscriber::fmt::layer()
        // Colour codes only for a person at a terminal, never into a pipe or a file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(Redacting::new(std::io::stderr(), secrets.clone()))
        .with_target(false)
        .with_filter(EnvFilter::new(terminal_level));
    let file = state_dir.and_then(|dir| {
        create_private_dir_all(dir).ok()?;
        let file = open_private(
            &dir.join(LOG_FILE),
            std::fs::OpenOptions::new().create(true).append(true),
        )
        .ok()?;
        Some(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(Redacting::new(file, secrets))
                .with_filter(EnvFilter::new(
                    "debug,hyper=info,reqwest=info,h2=info,rustls=info",
                )),
        )
    });
    // A second install (tests calling main logic twice) is harmless; keep the first.
    let _ = tracing_subscriber::registry()
        .with(terminal)
        .with(file)
        .try_init();
}
