//! The one error type of this crate.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::ids::Id;

/// One entry of Intercom's `error.list` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiErrorItem {
    /// Machine-readable code, e.g. `not_found`, `parameter_invalid`, `conflict`.
    #[serde(default)]
    pub code: String,
    /// Human-readable explanation.
    #[serde(default)]
    pub message: Option<String>,
    /// The request field the error is about, when Intercom names one.
    #[serde(default)]
    pub field: Option<String>,
}

impl ApiErrorItem {
    /// An entry with a code and a message, as Intercom would send it (for tests and mocks).
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiErrorItem {
            code: code.into(),
            message: Some(message.into()),
            field: None,
        }
    }
}

/// Everything that can go wrong when calling Intercom.
///
/// Two questions matter to a caller deciding what to do next: [`Error::is_retryable`] (would the
/// same request plausibly succeed later?) and [`Error::may_have_been_applied`] (could Intercom have
/// acted on it even though we saw a failure?). A create whose error may have been applied must be
/// reconciled (look the object up) before it is sent again, or it may be duplicated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Intercom answered with an error status (other than 409 and exhausted 429s).
    #[error(
        "Intercom returned HTTP {status}: {}{}",
        describe_refusal(*status, errors),
        request_suffix(request_id)
    )]
    Api {
        /// HTTP status code.
        status: u16,
        /// Intercom's request id (body `request_id` or `X-Request-Id` header), for support tickets.
        request_id: Option<String>,
        /// The parsed `error.list` entries; empty when the body was not an `error.list`.
        errors: Vec<ApiErrorItem>,
    },
    /// HTTP 409: the object already exists (for contacts, a user with this email or external id).
    #[error(
        "Intercom reported a conflict: {}{}",
        describe(errors),
        request_suffix(request_id)
    )]
    Conflict {
        /// The id of the existing object, parsed from the message (`... with id=<id>`) when present.
        existing_id: Option<Id>,
        /// Intercom's request id.
        request_id: Option<String>,
        /// The parsed `error.list` entries.
        errors: Vec<ApiErrorItem>,
    },
    /// HTTP 429 persisted through every rate-limit retry the client was allowed.
    #[error(
        "rate limit still exceeded after retrying{}",
        request_suffix(request_id)
    )]
    RateLimited {
        /// How long until the current window resets, when Intercom said so.
        retry_after: Option<Duration>,
        /// Intercom's request id.
        request_id: Option<String>,
    },
    /// The connection failed, before or after the request was sent.
    #[error("connection to Intercom failed ({}): {}", if *sent { "request may have been sent" } else { "request not sent" }, crate::cause::transport_cause(source))]
    Transport {
        /// Whether the request may have reached Intercom (false only for failures to connect).
        sent: bool,
        /// The underlying HTTP client error (it names the URL, never the token).
        #[source]
        source: reqwest::Error,
    },
    /// No response arrived within the configured timeout.
    #[error("request to Intercom timed out ({})", if *sent { "request may have been sent" } else { "while connecting" })]
    Timeout {
        /// Whether the request may have reached Intercom.
        sent: bool,
    },
    /// A successful response did not match the expected shape.
    #[error("could not decode the response of {endpoint} at `{path}`: {message} (body starts: {excerpt})")]
    Decode {
        /// Method and path of the request, e.g. `GET /contacts/abc`.
        endpoint: String,
        /// JSON path of the first mismatch, e.g. `data[3].created_at`.
        path: String,
        /// What serde found wrong.
        message: String,
        /// The first few hundred characters of the body.
        excerpt: String,
    },
    /// The request was refused by the client before sending (it breaks a documented limit).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The client was configured with an unusable value (e.g. a malformed base URL).
    #[error("invalid client configuration: {0}")]
    Config(String),
}

impl Error {
    /// Whether sending the same request again later could succeed (429, 5xx, connection problems, timeouts).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api { status, .. } => *status >= 500,
            Error::RateLimited { .. } | Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Conflict { .. }
            | Error::Decode { .. }
            | Error::InvalidRequest(_)
            | Error::Config(_) => false,
        }
    }

    /// Whether Intercom may have applied the request although the call failed.
    ///
    /// True for timeouts and dropped connections after the request was sent, for 5xx answers
    /// (the server may have committed before failing) and for undecodable 2xx answers (it was
    /// applied). Before retrying a create after such an error, look the object up (for contacts,
    /// [`Contacts::find_by_external_id`](crate::contacts::Contacts::find_by_external_id)).
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            Error::Transport { sent, .. } | Error::Timeout { sent } => *sent,
            Error::Api { status, .. } => *status >= 500,
            Error::Decode { .. } => true,
            Error::Conflict { .. }
            | Error::RateLimited { .. }
            | Error::InvalidRequest(_)
            | Error::Config(_) => false,
        }
    }

    /// The HTTP status Intercom answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::Conflict { .. } => Some(409),
            Error::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// Intercom's request id, if the error came from a response carrying one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. }
            | Error::Conflict { request_id, .. }
            | Error::RateLimited { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The `error.list` entries, empty when there were none.
    pub fn api_errors(&self) -> &[ApiErrorItem] {
        match self {
            Error::Api { errors, .. } | Error::Conflict { errors, .. } => errors,
            _ => &[],
        }
    }

    /// Whether Intercom said the object does not exist (HTTP 404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Whether any `error.list` entry has this code.
    pub fn has_code(&self, code: &str) -> bool {
        self.api_errors().iter().any(|e| e.code == code)
    }
}

/// The error list, or for a bare status what it means, so a report never says only a number.
fn describe_refusal(status: u16, errors: &[ApiErrorItem]) -> String {
    if !errors.is_empty() {
        return describe(errors);
    }
    match status {
        413 => "the request is larger than Intercom accepts (a body or file too big)".to_owned(),
        414 => "the URL is longer than Intercom accepts".to_owned(),
        _ => reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|code| code.canonical_reason())
            .map_or_else(
                || "no error details".to_owned(),
                |reason| format!("{reason}, no error details"),
            ),
    }
}

fn describe(errors: &[ApiErrorItem]) -> String {
    if errors.is_empty() {
        return "no error details".to_owned();
    }
    errors
        .iter()
        .map(|e| {
            let mut text = e.code.clone();
            if let Some(message) = &e.message {
                text.push_str(": ");
                text.push_str(message);
            }
            if let Some(field) = &e.field {
                text.push_str(&format!(" (field {field})"));
            }
            text
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn request_suffix(request_id: &Option<String>) -> String {
    request_id
        .as_deref()
        .map(|id| format!(" [request id {id}]"))
        .unwrap_or_default()
}

/// The `error.list` body Intercom sends with error statuses.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub(crate) request_id: Option<String>,
    #[serde(default)]
    pub(crate) errors: Vec<ApiErrorItem>,
}

/// Builds the error for a non-success status from its body and request id header.
pub(crate) fn from_response(status: u16, body: &[u8], header_request_id: Option<String>) -> Error {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let (body_request_id, errors) = match parsed {
        Some(body) => (body.request_id, body.errors),
        None => (None, Vec::new()),
    };
    let request_id = body_request_id.or(header_request_id);
    if status == 409 {
        let existing_id = errors
            .iter()
            .filter_map(|e| e.message.as_deref())
            .find_map(parse_existing_id);
        return Error::Conflict {
            existing_id,
            request_id,
            errors,
        };
    }
    Error::Api {
        status,
        request_id,
        errors,
    }
}

/// Extracts `<id>` from messages like "A contact matching those details already exists with id=<id>".
fn parse_existing_id(message: &str) -> Option<Id> {
    let start = message.find("id=")? + 3;
    let id: String = message[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    (!id.is_empty()).then(|| Id::new(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_error_list_and_conflict_id() {
        let body = br#"{"type":"error.list","request_id":"r-1","errors":[{"code":"conflict","message":"A contact matching those details already exists with id=6762f0dd1bb69f9f2193bb83"}]}"#;
        let error = from_response(409, body, None);
        match &error {
            Error::Conflict {
                existing_id,
                request_id,
                ..
            } => {
                assert_eq!(
                    existing_id.as_ref().unwrap().as_str(),
                    "6762f0dd1bb69f9f2193bb83"
                );
                assert_eq!(request_id.as_deref(), Some("r-1"));
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert!(!error.is_retryable());
        assert!(!error.may_have_been_applied());
    }

    #[test]
    fn a_refusal_without_details_says_what_the_status_means() {
        let cases = [
            (413, "larger than Intercom accepts"),
            (404, "Not Found, no error details"),
            (599, "no error details"),
        ];
        for (status, expected) in cases {
            let text = from_response(status, b"<html>nginx</html>", None).to_string();
            assert!(text.contains(expected), "{status}: {text}");
        }
        assert!(!from_response(413, b"", None).is_retryable());
    }

    #[test]
    fn falls_back_to_header_request_id_and_tolerates_non_json() {
        let error = from_response(502, b"<html>bad gateway</html>", Some("hdr".into()));
        assert_eq!(error.request_id(), Some("hdr"));
        assert!(error.is_retryable());
        assert!(error.may_have_been_applied());
        assert!(error.api_errors().is_empty());
    }

    #[test]
    fn display_names_codes_fields_and_request_id() {
        let body = br#"{"type":"error.list","request_id":"abc","errors":[{"code":"parameter_invalid","message":"Name is bad","field":"name"}]}"#;
        let error = from_response(400, body, None);
        assert_eq!(
            error.to_string(),
            "Intercom returned HTTP 400: parameter_invalid: Name is bad (field name) [request id abc]"
        );
        assert!(error.has_code("parameter_invalid"));
        assert!(!error.is_retryable());
    }
}
