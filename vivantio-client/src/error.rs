//! The one error type of this crate.
//!
//! No variant ever holds credentials: requests carry them only in an `Authorization` header that
//! is marked sensitive, and the platform URL is refused when it embeds a user name or password.

use std::fmt;
use std::time::Duration;

use crate::enums::ErrorType;
use crate::messages::{ApiMessage, InfoMessage};

/// Everything that can go wrong talking to Vivantio.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client was configured wrongly (bad platform URL, zero concurrency, …).
    #[error("invalid Vivantio client configuration: {0}")]
    Config(String),

    /// The request did not get an HTTP answer (connection refused, timeout, broken body).
    #[error("{endpoint}: {kind} error: {}", crate::cause::transport_cause(source))]
    Transport {
        /// Path of the action called.
        endpoint: &'static str,
        /// What kind of failure it was.
        kind: TransportErrorKind,
        /// The underlying cause.
        #[source]
        source: reqwest::Error,
    },

    /// Vivantio answered with a non-success HTTP status.
    #[error("{endpoint}: HTTP {status}{}", excerpt_suffix(body_excerpt))]
    Http {
        /// Path of the action called.
        endpoint: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The `Retry-After` delay, when the server sent one.
        retry_after: Option<Duration>,
        /// The start of the response body (at most a few hundred characters).
        body_excerpt: String,
    },

    /// The tenant has no such action: HTTP 404 on an API path (ASP.NET's "No HTTP resource was
    /// found"). If every action answers this way the platform URL is wrong instead.
    #[error(
        "{endpoint}: this tenant has no such action (HTTP {status}){}; if every action answers \
         this way, the platform URL is wrong{}",
        assumption_suffix(endpoint),
        excerpt_suffix(body_excerpt)
    )]
    UnknownAction {
        /// Path of the action called.
        endpoint: &'static str,
        /// The HTTP status code (404).
        status: u16,
        /// The start of the response body (at most a few hundred characters).
        body_excerpt: String,
    },

    /// Vivantio answered `Successful: false`.
    #[error("{endpoint}: Vivantio refused the request: {}", MessageList(errors))]
    Api {
        /// Path of the action called.
        endpoint: &'static str,
        /// The `ErrorMessages` of the answer.
        errors: Vec<ApiMessage>,
        /// The `InfoMessages` of the answer.
        infos: Vec<InfoMessage>,
    },

    /// The answer was not the JSON this crate expects.
    #[error("{endpoint}: cannot read the answer at `{path}`: {message} (body starts {excerpt:?})")]
    Decode {
        /// Path of the action called.
        endpoint: &'static str,
        /// Where in the answer decoding failed, e.g. `Results[3].OpenDate`.
        path: String,
        /// What was wrong there.
        message: String,
        /// The start of the response body (at most a few hundred characters).
        excerpt: String,
    },

    /// The windowed pager could not make a window small enough for the tenant's result cap.
    #[error("{endpoint}: paging failed: {message}")]
    Paging {
        /// Path of the select action.
        endpoint: &'static str,
        /// What went wrong.
        message: String,
    },
}

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// The request or the response body timed out.
    Timeout,
    /// No connection could be made.
    Connect,
    /// Anything else (TLS, a broken body stream, a redirect loop, …).
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportErrorKind::Timeout => "timeout",
            TransportErrorKind::Connect => "connection",
            TransportErrorKind::Other => "transport",
        })
    }
}

impl Error {
    /// Whether trying the same request again later may succeed.
    ///
    /// True for timeouts, connection failures, HTTP 408/429/502/503/504, and `Successful: false`
    /// answers whose messages are all of type `Unknown` (the research notes' advice; a "too many
    /// results" answer is not retryable as such — narrow the query instead).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { kind, .. } => {
                matches!(
                    kind,
                    TransportErrorKind::Timeout | TransportErrorKind::Connect
                )
            }
            Error::Http { status, .. } => matches!(status, 408 | 429 | 502 | 503 | 504),
            Error::Api { errors, .. } => {
                !errors.is_empty()
                    && !self.is_too_many_results()
                    && errors.iter().all(|m| m.kind == ErrorType::Unknown)
            }
            Error::Config(_)
            | Error::Decode { .. }
            | Error::Paging { .. }
            | Error::UnknownAction { .. } => false,
        }
    }

    /// Whether this is a throttling signal (HTTP 429 or 503) or a timeout, the cases the client
    /// itself backs off and retries on.
    pub fn is_throttling(&self) -> bool {
        match self {
            Error::Transport { kind, .. } => *kind == TransportErrorKind::Timeout,
            Error::Http { status, .. } => matches!(status, 429 | 503),
            _ => false,
        }
    }

    /// Whether the record asked for does not exist (HTTP 404 or an `ItemNotFound` message).
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::Http { status, .. } => *status == 404,
            Error::Api { errors, .. } => errors.iter().any(|m| m.kind == ErrorType::ItemNotFound),
            _ => false,
        }
    }

    /// Whether the tenant has no such action (see [`Error::UnknownAction`]).
    pub fn is_unknown_action(&self) -> bool {
        matches!(self, Error::UnknownAction { .. })
    }

    /// Whether the credentials were refused (HTTP 401 or 403).
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self,
            Error::Http {
                status: 401 | 403,
                ..
            }
        )
    }

    /// Whether a select matched more records than the tenant returns at once (INF, see
    /// [`assumptions::is_too_many_results_message`](crate::assumptions::is_too_many_results_message)).
    pub fn is_too_many_results(&self) -> bool {
        match self {
            Error::Api { errors, .. } => errors.iter().any(|m| {
                m.message
                    .as_deref()
                    .is_some_and(crate::assumptions::is_too_many_results_message)
            }),
            _ => false,
        }
    }

    /// The HTTP status, for [`Error::Http`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Http { status, .. } | Error::UnknownAction { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Vivantio's `ErrorMessages`, for [`Error::Api`] (empty otherwise).
    pub fn api_messages(&self) -> &[ApiMessage] {
        match self {
            Error::Api { errors, .. } => errors,
            _ => &[],
        }
    }

    /// The path of the action that failed, when there was one.
    pub fn endpoint(&self) -> Option<&'static str> {
        match self {
            Error::Config(_) => None,
            Error::Transport { endpoint, .. }
            | Error::Http { endpoint, .. }
            | Error::UnknownAction { endpoint, .. }
            | Error::Api { endpoint, .. }
            | Error::Decode { endpoint, .. }
            | Error::Paging { endpoint, .. } => Some(endpoint),
        }
    }

    pub(crate) fn from_reqwest(endpoint: &'static str, source: reqwest::Error) -> Self {
        let kind = if source.is_timeout() {
            TransportErrorKind::Timeout
        } else if source.is_connect() {
            TransportErrorKind::Connect
        } else {
            TransportErrorKind::Other
        };
        Error::Transport {
            endpoint,
            kind,
            source,
        }
    }
}

/// Longest body excerpt kept in an error.
pub(crate) const EXCERPT_CHARS: usize = 300;

/// The start of a response body, for error messages.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_CHARS * 4)]);
    let mut excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS || body.len() > EXCERPT_CHARS * 4 {
        excerpt.push('…');
    }
    excerpt
}

/// ` (assumption `id`, evidence TAG)` for an action the registry knows.
fn assumption_suffix(endpoint: &str) -> String {
    crate::assumptions::registry::for_endpoint(endpoint).map_or_else(String::new, |assumption| {
        format!(
            " (assumption `{}`, evidence {})",
            assumption.id, assumption.confidence
        )
    })
}

fn excerpt_suffix(excerpt: &str) -> String {
    if excerpt.is_empty() {
        String::new()
    } else {
        format!(": {excerpt}")
    }
}

struct MessageList<'a>(&'a [ApiMessage]);

impl fmt::Display for MessageList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("no error message given");
        }
        for (index, message) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{message}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api_error(kind: ErrorType, message: &str) -> Error {
        Error::Api {
            endpoint: "Ticket/Select",
            errors: vec![ApiMessage {
                kind,
                field: None,
                message: Some(message.into()),
            }],
            infos: vec![],
        }
    }

    #[test]
    fn classifies_api_errors() {
        let not_found = api_error(ErrorType::ItemNotFound, "Item not found");
        assert!(not_found.is_not_found());
        assert!(!not_found.is_retryable());
        let unknown = api_error(ErrorType::Unknown, "Something went wrong");
        assert!(unknown.is_retryable());
        let too_many = api_error(
            ErrorType::ItemNotValidForAction,
            "Query returned too many results (900 > 500); narrow it",
        );
        assert!(too_many.is_too_many_results());
        assert!(!too_many.is_retryable());
        assert_eq!(
            too_many.to_string(),
            "Ticket/Select: Vivantio refused the request: ItemNotValidForAction: Query returned \
             too many results (900 > 500); narrow it"
        );
    }

    #[test]
    fn classifies_http_errors() {
        let http = |status| Error::Http {
            endpoint: "Ticket/Select",
            status,
            retry_after: None,
            body_excerpt: String::new(),
        };
        assert!(http(429).is_retryable() && http(429).is_throttling());
        assert!(http(503).is_throttling());
        assert!(http(502).is_retryable() && !http(502).is_throttling());
        assert!(!http(400).is_retryable());
        assert!(http(401).is_unauthorized());
        assert!(http(404).is_not_found());
        assert_eq!(http(401).to_string(), "Ticket/Select: HTTP 401");
    }

    #[test]
    fn excerpts_are_short() {
        let long = "x".repeat(10_000);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(excerpt(b"{}"), "{}");
    }
}
