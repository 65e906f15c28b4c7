//! Progress on the terminal: indicatif bars per stage with counts, rate and ETA on a terminal,
//! plain lines otherwise; rate-limit waits are shown as they happen.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use migration_core::engine::{Event, Observer};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// Bars on a terminal.
    Bars,
    /// One line per stage (logs, CI, pipes).
    Lines,
    /// Nothing (`--quiet`, `--json`).
    Silent,
}

impl ProgressMode {
    /// Bars on a terminal, lines elsewhere, nothing when quiet.
    pub fn detect(quiet: bool) -> Self {
        if quiet {
            ProgressMode::Silent
        } else if std::io::stderr().is_terminal() {
            ProgressMode::Bars
        } else {
            ProgressMode::Lines
        }
    }
}

/// The progress display of one command.
#[derive(Debug, Clone)]
pub struct Progress {
    inner: Arc<Display>,
}

#[derive(Debug)]
struct Display {
    mode: ProgressMode,
    bars: MultiProgress,
    current: Mutex<Option<ProgressBar>>,
}

impl Progress {
    /// A display in `mode`.
    pub fn new(mode: ProgressMode) -> Self {
        let bars = MultiProgress::with_draw_target(match mode {
            ProgressMode::Bars => ProgressDrawTarget::stderr(),
            _ => ProgressDrawTarget::hidden(),
        });
        Self {
            inner: Arc::new(Display {
                mode,
                bars,
                current: Mutex::new(None),
            }),
        }
    }

    /// The engine observer that feeds this display.
    pub fn observer(&self) -> Arc<dyn Observer> {
        self.inner.clone()
    }

    /// Prints a line above the bars (nothing when silent).
    pub fn say(&self, text: &str) {
        self.inner.line(text.to_string());
    }

    /// Ends the current bar.
    pub fn finish(&self) {
        if let Some(bar) = self.inner.current().take() {
            bar.finish();
        }
    }
}

impl Display {
    fn current(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        self.current
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    fn line(&self, text: String) {
        match self.mode {
            ProgressMode::Lines => eprintln!("{text}"),
            ProgressMode::Bars => self.bars.suspend(|| eprintln!("{text}")),
            ProgressMode::Silent => {}
        }
        tracing::info!(target: "progress", "{text}");
    }
}

impl Observer for Display {
    fn observe(&self, event: &Event) {
        match event {
            Event::StageStarted { stage, total } => {
                let bar = self.bars.add(ProgressBar::new(total.unwrap_or(0)));
                bar.set_style(
                    ProgressStyle::with_template(
                        "{prefix:>22} [{bar:30}] {pos}/{len} {per_sec} eta {eta} {msg}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                bar.set_prefix(format!("{stage:?}"));
                if let Some(previous) = self.current().replace(bar) {
                    previous.finish();
                }
                self.line(format!(
                    "stage {stage:?} started ({} records)",
                    total.unwrap_or(0)
                ));
            }
            Event::RecordFinished { .. } => {
                if let Some(bar) = self.current().as_ref() {
                    bar.inc(1);
                }
            }
            Event::StageFinished { report } => {
                if let Some(bar) = self.current().take() {
                    bar.finish();
                }
                self.line(format!("stage {:?} finished", report.stage));
            }
            Event::OperationPlanned {
                operation,
                already_done,
                ..
            } => {
                let done = if *already_done { " (already done)" } else { "" };
                self.line(format!("would send: {}{done}", operation.mark));
            }
            Event::Waiting { mark, reason } => {
                let text = format!("waiting on {mark}: {reason:?}");
                if let Some(bar) = self.current().as_ref() {
                    bar.set_message(text.clone());
                }
                tracing::info!(target: "progress", "{text}");
            }
            Event::Mismatch { .. } => self.line(format!("{event:?}")),
            _ => {}
        }
    }
}
