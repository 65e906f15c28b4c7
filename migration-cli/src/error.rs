//! The binary's failures, each with the exit code scripts can rely on (see `docs/runbook.md`).

use crate::config::ConfigError;
use crate::store::StoreError;

/// Exit code: done.
pub const EXIT_OK: i32 = 0;
/// Exit code: failed; the state is consistent and the command can be re-run.
pub const EXIT_FAILED: i32 = 1;
/// Exit code: the command line needs changing (clap's own usage errors, and a write command
/// without `--yes` where there is no terminal to ask on).
pub const EXIT_USAGE: i32 = 2;
/// Exit code: configuration or credentials missing or wrong.
pub const EXIT_CONFIG: i32 = 3;
/// Exit code: refused (no confirmed mapping, blocking findings, state folder in use).
pub const EXIT_REFUSED: i32 = 4;
/// Exit code: verification found differences.
pub const EXIT_DIFFERENCES: i32 = 5;
/// Exit code: finished, but some records were rejected or failed.
pub const EXIT_PARTIAL: i32 = 6;
/// Exit code: `doctor` found something that would stop or mislead the migration.
pub const EXIT_BLOCKED: i32 = 7;

/// Why a command did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The configuration or a credential is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The command refuses to go on until the person acts.
    #[error("{0}")]
    Refused(String),
    /// A write command ran without a terminal to ask on and without `--yes`.
    #[error("{command} writes to Intercom and there is no terminal to ask for confirmation on: add --yes to run it unattended (nothing was sent)")]
    ConfirmationNeeded {
        /// The command (`migrate`, `delta`, `rollback`).
        command: &'static str,
    },
    /// The person answered no to the confirmation question.
    #[error("you answered no; nothing was sent")]
    Declined,
    /// The state store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Anything else, phrased for the person.
    #[error("{0}")]
    Failed(String),
}

impl CliError {
    /// The process exit code for this failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Config(_) => EXIT_CONFIG,
            CliError::ConfirmationNeeded { .. } => EXIT_USAGE,
            CliError::Refused(_) | CliError::Declined => EXIT_REFUSED,
            CliError::Store(
                StoreError::Locked(_)
                | StoreError::NoState(_)
                | StoreError::NewerSchema { .. }
                | StoreError::Corrupt { .. },
            ) => EXIT_REFUSED,
            CliError::Store(_) | CliError::Failed(_) => EXIT_FAILED,
        }
    }

    /// A failure with a message.
    pub fn failed(message: impl std::fmt::Display) -> Self {
        CliError::Failed(message.to_string())
    }
}
