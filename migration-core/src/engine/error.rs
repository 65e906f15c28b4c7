//! Why a run, a verification or a rollback stopped.

use crate::error::{PortError, PortErrorKind, SpecError};
use crate::keys::RecordKey;
use crate::ops::Mark;
use crate::spec::SpecHash;

/// Why the engine stopped. Every stop leaves the state store consistent: run the same command
/// again to resume.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    /// The specification cannot be compiled.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The state store holds a run made with another specification.
    #[error("the state folder holds a run made with specification {stored}, but the specification now is {current}; finish or roll back that run, or confirm the specification it used")]
    SpecChanged {
        /// The hash the store has.
        stored: SpecHash,
        /// The hash of the specification given now.
        current: SpecHash,
    },
    /// Reading the source failed.
    #[error("reading Vivantio failed: {0}")]
    Source(PortError),
    /// The state store failed.
    #[error("the state store failed: {0}")]
    Store(PortError),
    /// The destination failed in a way that stops the run (credentials, an unknown error).
    #[error("Intercom failed on operation {mark}: {error}")]
    Destination {
        /// The operation.
        mark: Mark,
        /// What the destination said.
        error: PortError,
    },
    /// A transient failure did not clear within the retry budget.
    #[error("operation {mark} still failed after {attempts} attempts: {error}")]
    RetriesExhausted {
        /// The operation.
        mark: Mark,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        error: PortError,
    },
    /// An operation references a record that nothing created: the load order is wrong.
    #[error("operation {mark} requires {key}, which no earlier step created and which was neither rejected nor failed: the load order is wrong (a bug; please report it)")]
    MissingRequirement {
        /// The operation.
        mark: Mark,
        /// The record it needs.
        key: RecordKey,
    },
    /// A delta run needs the watermark of an earlier complete run.
    #[error("there is no watermark: a delta moves what changed since a complete migration, so run the full migration first")]
    NoWatermark,
}

impl EngineError {
    /// Whether running the same command again later may succeed without changing anything
    /// (an outage, a rate limit that outlasted the retries).
    pub fn is_retryable(&self) -> bool {
        match self {
            EngineError::RetriesExhausted { .. } => true,
            EngineError::Source(error)
            | EngineError::Store(error)
            | EngineError::Destination { error, .. } => error.is_retryable(),
            EngineError::Spec(_)
            | EngineError::SpecChanged { .. }
            | EngineError::MissingRequirement { .. }
            | EngineError::NoWatermark => false,
        }
    }

    /// Whether the credentials or permissions are the problem.
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self,
            EngineError::Source(PortError {
                kind: PortErrorKind::Unauthorized,
                ..
            }) | EngineError::Destination {
                error: PortError {
                    kind: PortErrorKind::Unauthorized,
                    ..
                },
                ..
            }
        )
    }
}
