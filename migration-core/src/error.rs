//! The crate's errors.

pub use crate::spec::SpecError;

/// Why a port (source, destination or state store) call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?}: {message}")]
pub struct PortError {
    /// What kind of failure.
    pub kind: PortErrorKind,
    /// What happened (never a secret).
    pub message: String,
}

/// Kinds of port failure, which decide what the engine does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PortErrorKind {
    /// Try again later (rate limit, timeout, 5xx).
    Transient,
    /// The request may have been applied but the answer was lost: check before retrying.
    Uncertain,
    /// The record is not there.
    NotFound,
    /// The destination refuses the data; retrying does not help.
    Rejected,
    /// Credentials or permissions are wrong.
    Unauthorized,
    /// Anything else.
    Other,
}

impl PortError {
    /// An error of `kind`.
    pub fn new(kind: PortErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// Whether the same call may succeed if retried.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            PortErrorKind::Transient | PortErrorKind::Uncertain
        )
    }
}

/// Every error of this crate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A specification problem.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// A port failure.
    #[error(transparent)]
    Port(#[from] PortError),
}

impl Error {
    /// Whether retrying may help (only transient port failures).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Spec(_) => false,
            Error::Port(error) => error.is_retryable(),
        }
    }
}
