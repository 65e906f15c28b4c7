//! The crate's errors.

use crate::spec::{CheckReport, SpecHash};

/// Why a specification cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    /// The TOML is not a specification.
    #[error("the mapping specification cannot be read: {0}")]
    Parse(String),
    /// The specification cannot be written as TOML.
    #[error("the mapping specification cannot be written: {0}")]
    Serialize(String),
    /// The document's format version is not this crate's.
    #[error("mapping specification format version {0} is not supported (expected {expected})", expected = crate::spec::SPEC_FORMAT_VERSION)]
    UnsupportedVersion(u32),
    /// Nobody confirmed the specification.
    #[error("the mapping specification is not confirmed; review it and confirm it before anything moves")]
    NotConfirmed,
    /// The specification changed after it was confirmed.
    #[error("the mapping specification changed after it was confirmed (confirmed {confirmed}, now {actual}); confirm it again")]
    StaleConfirmation {
        /// Hash that was confirmed.
        confirmed: SpecHash,
        /// Hash of the content now.
        actual: SpecHash,
    },
    /// The checker refuses the specification.
    #[error("the mapping specification is inconsistent:\n{0}")]
    Invalid(CheckReport),
    /// A setting cannot be used (bad time zone or pattern) even though the document was not
    /// checked.
    #[error("the mapping specification has an unusable setting {path}: {message}")]
    Setting {
        /// Where.
        path: String,
        /// What is wrong.
        message: String,
    },
}

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
