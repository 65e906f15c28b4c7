//! `doctor`: proves, read-only, whether this tool will work on *this* Vivantio tenant and
//! Intercom workspace, and says what the migration will do where it cannot be sure.
//!
//! Every check sends only reads: the Vivantio side calls each action the migration uses once
//! (a few records each) and checks every entry of the assumption registry against the
//! answers; the Intercom side reads every resource the mapping touches. The result is a table
//! (check, call made, held / contradicted / cannot tell, what the migration will do) and exit
//! code [`EXIT_BLOCKED`] when something would stop or mislead the migration.

mod intercom;
mod samples;
mod vivantio;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::report::{keep_section, DOCTOR_FILE};
use super::Outcome;
use crate::error::{CliError, EXIT_BLOCKED};
use crate::project::Project;
use crate::report::DoctorDigest;

pub use samples::mask;

/// What `doctor` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct DoctorOptions {
    /// Where to save the first three answers of each Vivantio action, personal data masked.
    pub samples: Option<PathBuf>,
}

/// The side of the migration a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The Vivantio tenant.
    Vivantio,
    /// The Intercom workspace.
    Intercom,
}

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The assumption held on the answers read.
    Held,
    /// The answers contradict it.
    Contradicted,
    /// Nothing read could confirm or contradict it.
    CannotTell,
}

impl Verdict {
    fn label(self) -> &'static str {
        match self {
            Verdict::Held => "held",
            Verdict::Contradicted => "CONTRADICTED",
            Verdict::CannotTell => "cannot tell",
        }
    }
}

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Which side.
    pub side: Side,
    /// What is checked (an assumption id, or a short name).
    pub check: String,
    /// The call that checked it.
    pub call: String,
    /// What it found.
    pub verdict: Verdict,
    /// What the migration will do about it.
    pub will_do: String,
    /// Whether it stops `migrate` (or would mislead it) until dealt with.
    pub blocking: bool,
}

impl Check {
    fn new(side: Side, check: impl Into<String>, call: impl Into<String>) -> Self {
        Self {
            side,
            check: check.into(),
            call: call.into(),
            verdict: Verdict::CannotTell,
            will_do: String::new(),
            blocking: false,
        }
    }

    fn held(mut self, will_do: impl Into<String>) -> Self {
        self.verdict = Verdict::Held;
        self.will_do = will_do.into();
        self
    }

    fn contradicted(mut self, will_do: impl Into<String>, blocking: bool) -> Self {
        self.verdict = Verdict::Contradicted;
        self.will_do = will_do.into();
        self.blocking = blocking;
        self
    }

    fn cannot_tell(mut self, will_do: impl Into<String>) -> Self {
        self.verdict = Verdict::CannotTell;
        self.will_do = will_do.into();
        self
    }

    /// A check that could not be made because a call failed: blocking, since the migration
    /// would fail the same way.
    fn failed(mut self, error: impl std::fmt::Display) -> Self {
        self.verdict = Verdict::CannotTell;
        self.will_do = format!("the call failed: {error}");
        self.blocking = true;
        self
    }
}

/// Everything `doctor` found.
#[derive(Debug, Clone, Serialize)]
pub struct DoctorReport {
    /// Every check, Vivantio first.
    pub checks: Vec<Check>,
    /// Checks that block.
    pub blocking: usize,
    /// What to pause in Intercom for the migration window.
    pub pause_in_intercom: Vec<&'static str>,
    /// Where the masked samples went, if asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub samples: Option<PathBuf>,
    /// What was timed and announced, for `plan`'s forecast.
    pub measured: Measured,
}

/// What `doctor` timed on Vivantio and was told by Intercom, kept for `plan`'s forecast.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    /// The median Vivantio read, in milliseconds (`None`: nothing could be timed).
    pub vivantio_latency_ms: Option<f64>,
    /// Vivantio reads timed.
    pub vivantio_reads_timed: usize,
    /// Requests a 10-second window the workspace announced to one app (`None`: no headers).
    pub intercom_limit_per_window: Option<u32>,
}

/// Runs every check, read-only, and keeps the report beside the others.
pub async fn run(project: &Project, options: &DoctorOptions) -> Result<Outcome, CliError> {
    let vivantio_client = project.vivantio_client()?;
    if options.samples.is_some() {
        vivantio_client.census().record_samples(3);
    }
    let (mut checks, latency) = vivantio::checks(project, &vivantio_client).await;
    let (intercom_checks, announced) = intercom::checks(project).await;
    checks.extend(intercom_checks);
    let samples = match &options.samples {
        Some(dir) => Some(samples::save(
            dir,
            &vivantio_client.census().samples(),
            project,
        )?),
        None => None,
    };
    let report = DoctorReport {
        blocking: checks.iter().filter(|check| check.blocking).count(),
        checks,
        pause_in_intercom: crate::automation::AUTOMATION_CHECKLIST.to_vec(),
        samples,
        measured: Measured {
            vivantio_latency_ms: latency.median_ms,
            vivantio_reads_timed: latency.reads,
            intercom_limit_per_window: announced,
        },
    };
    keep_section(project, DOCTOR_FILE, &report)?;
    let outcome = Outcome::ok(render(&report), &report);
    Ok(if report.blocking > 0 {
        outcome.with_exit(EXIT_BLOCKED)
    } else {
        outcome
    })
}

/// The last `doctor`'s checks, counted, from the report it keeps (`None` before the first).
pub fn last_digest(project: &Project) -> Result<Option<DoctorDigest>, CliError> {
    #[derive(Deserialize)]
    struct Kept {
        checks: Vec<Check>,
    }
    let path = project.reports_dir().join(DOCTOR_FILE);
    let Some(kept) = super::report::read_optional::<Kept>(&path)? else {
        return Ok(None);
    };
    let named = |pick: &dyn Fn(&Check) -> bool| -> Vec<String> {
        kept.checks
            .iter()
            .filter(|check| pick(check))
            .map(|check| check.check.clone())
            .collect()
    };
    Ok(Some(DoctorDigest {
        held: kept
            .checks
            .iter()
            .filter(|c| c.verdict == Verdict::Held)
            .count(),
        cannot_tell: kept
            .checks
            .iter()
            .filter(|c| c.verdict == Verdict::CannotTell)
            .count(),
        contradicted: named(&|check| check.verdict == Verdict::Contradicted),
        blocking: named(&|check| check.blocking),
    }))
}

/// What the last `doctor` measured (`None` before the first, or from a report written before
/// it kept measurements).
pub fn last_measured(project: &Project) -> Result<Option<Measured>, CliError> {
    #[derive(Deserialize)]
    struct Kept {
        measured: Option<Measured>,
    }
    let path = project.reports_dir().join(DOCTOR_FILE);
    Ok(super::report::read_optional::<Kept>(&path)?.and_then(|kept| kept.measured))
}

/// The table a person reads: one line per check, what the migration will do below it.
pub fn render(report: &DoctorReport) -> String {
    let width = |pick: fn(&Check) -> usize| report.checks.iter().map(pick).max().unwrap_or(0);
    let check_width = width(|c| c.check.chars().count());
    let call_width = width(|c| c.call.chars().count()).min(60);
    let mut lines = Vec::new();
    for (side, title) in [(Side::Vivantio, "Vivantio"), (Side::Intercom, "Intercom")] {
        lines.push(format!(
            "{title}: {:<12} {:<check_width$}  {:<call_width$}  what the migration will do",
            "verdict", "check", "call made"
        ));
        for check in report.checks.iter().filter(|check| check.side == side) {
            let mark = if check.blocking { "!" } else { " " };
            lines.push(format!(
                "{mark} {:<12} {:<check_width$}  {:<call_width$}  {}",
                check.verdict.label(),
                check.check,
                check.call,
                check.will_do
            ));
        }
    }
    lines.push(String::new());
    lines.push("Pause in Intercom for the migration window (the API cannot see them):".into());
    lines.extend(
        report
            .pause_in_intercom
            .iter()
            .map(|item| format!("  - {item}")),
    );
    if let Some(dir) = &report.samples {
        lines.push(format!(
            "Samples of every Vivantio answer, personal data masked: {}",
            dir.display()
        ));
    }
    lines.push(if report.blocking == 0 {
        "nothing blocks the migration (checks marked \"cannot tell\" are re-checked while it reads)"
            .to_string()
    } else {
        format!(
            "{} check(s) marked ! block the migration: see what it will do beside each",
            report.blocking
        )
    });
    lines.join("\n")
}
