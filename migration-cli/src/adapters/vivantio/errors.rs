//! Vivantio client errors as port errors, classified so the engine knows whether to retry.

use migration_core::{PortError, PortErrorKind};
use vivantio_client::{Error, ErrorType};

/// The port error for a client error. The message is the client's own, which never carries
/// credentials (they travel only in a sensitive header, and platform URLs with credentials are
/// refused when the client is built); `context` says what the adapter was reading.
pub fn port_error(context: &str, error: &Error) -> PortError {
    PortError::new(kind_of(error), format!("Vivantio: {context}: {error}"))
}

/// A closure for `map_err` (on futures and streams) that adds `context`.
pub fn with_context(context: impl Into<String>) -> impl Fn(Error) -> PortError + Send + Sync {
    let context = context.into();
    move |error| port_error(&context, &error)
}

/// The kind of failure, from the client's own classification.
pub fn kind_of(error: &Error) -> PortErrorKind {
    let permission_denied = error
        .api_messages()
        .iter()
        .any(|message| message.kind == ErrorType::ItemPermissionDeniedForAction);
    if error.is_unauthorized() || permission_denied {
        PortErrorKind::Unauthorized
    } else if error.is_retryable() {
        PortErrorKind::Transient
    } else if error.is_not_found() {
        PortErrorKind::NotFound
    } else {
        PortErrorKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vivantio_client::envelope::ApiMessage;

    fn http(status: u16) -> Error {
        Error::Http {
            endpoint: "Ticket/Select",
            status,
            retry_after: None,
            body_excerpt: String::new(),
        }
    }

    fn api(kind: ErrorType, message: &str) -> Error {
        Error::Api {
            endpoint: "Ticket/Select",
            errors: vec![ApiMessage::new(kind, message)],
            infos: vec![],
        }
    }

    #[test]
    fn kinds_follow_the_client_classification() {
        let cases = [
            (http(401), PortErrorKind::Unauthorized),
            (http(403), PortErrorKind::Unauthorized),
            (http(429), PortErrorKind::Transient),
            (http(503), PortErrorKind::Transient),
            (http(502), PortErrorKind::Transient),
            (http(404), PortErrorKind::NotFound),
            (http(400), PortErrorKind::Other),
            (
                api(ErrorType::Unknown, "Something went wrong"),
                PortErrorKind::Transient,
            ),
            (
                api(ErrorType::ItemNotFound, "Item not found"),
                PortErrorKind::NotFound,
            ),
            (
                api(ErrorType::ItemPermissionDeniedForAction, "No access"),
                PortErrorKind::Unauthorized,
            ),
            (
                api(
                    ErrorType::ItemNotValidForAction,
                    "Query returned too many results (9 > 5)",
                ),
                PortErrorKind::Other,
            ),
            (Error::Config("bad".into()), PortErrorKind::Other),
            (
                Error::Paging {
                    endpoint: "Ticket/Select",
                    message: "one id refused".into(),
                },
                PortErrorKind::Other,
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(kind_of(&error), expected, "{error}");
        }
    }

    #[test]
    fn messages_name_the_context_and_the_action() {
        let error = port_error("ticket 5001 actions", &http(503));
        assert_eq!(error.kind, PortErrorKind::Transient);
        assert!(error.is_retryable());
        assert_eq!(
            error.message,
            "Vivantio: ticket 5001 actions: Ticket/Select: HTTP 503"
        );
    }
}
