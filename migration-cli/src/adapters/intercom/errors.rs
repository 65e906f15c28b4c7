//! Intercom client errors as port errors, classified so the engine knows what to do next.
//!
//! The message is the client's own (it names the endpoint and Intercom's error codes, never the
//! token, which travels only in a sensitive header) prefixed with what the adapter was doing.

use intercom_client::Error;
use migration_core::{PortError, PortErrorKind};

/// The port error for a failed write (a create, update, delete, reply, tagging...).
///
/// A failure that may have reached Intercom is [`PortErrorKind::Uncertain`]: the engine must
/// reconcile before sending it again.
pub fn write_error(context: &str, error: &Error) -> PortError {
    let kind = if error.may_have_been_applied() {
        PortErrorKind::Uncertain
    } else {
        settled_kind(error)
    };
    PortError::new(kind, message(context, error))
}

/// The port error for a failed read: never uncertain, since reading changes nothing.
pub fn read_error(context: &str, error: &Error) -> PortError {
    PortError::new(settled_kind(error), message(context, error))
}

/// A closure for `map_err` on a write.
pub fn writing(context: impl Into<String>) -> impl FnOnce(Error) -> PortError {
    let context = context.into();
    move |error| write_error(&context, &error)
}

/// A closure for `map_err` on a read.
pub fn reading(context: impl Into<String>) -> impl FnOnce(Error) -> PortError {
    let context = context.into();
    move |error| read_error(&context, &error)
}

/// A refusal by the adapter itself (a reference missing, an operation the API cannot do).
pub fn rejected(message: impl Into<String>) -> PortError {
    PortError::new(
        PortErrorKind::Rejected,
        format!("Intercom: {}", message.into()),
    )
}

/// The kind of a failure known not to have been applied.
fn settled_kind(error: &Error) -> PortErrorKind {
    match error.status() {
        Some(401 | 403) => PortErrorKind::Unauthorized,
        Some(404) => PortErrorKind::NotFound,
        _ if error.is_retryable() => PortErrorKind::Transient,
        Some(status) if (400..500).contains(&status) => PortErrorKind::Rejected,
        _ => match error {
            Error::InvalidRequest(_) => PortErrorKind::Rejected,
            _ => PortErrorKind::Other,
        },
    }
}

fn message(context: &str, error: &Error) -> String {
    format!("Intercom: {context}: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use intercom_client::ApiErrorItem;

    fn api(status: u16, code: &str, text: &str) -> Error {
        Error::Api {
            status,
            request_id: Some("req-1".into()),
            errors: vec![ApiErrorItem::new(code, text)],
        }
    }

    #[test]
    fn writes_that_may_have_landed_are_uncertain() {
        let error = write_error(
            "creating a conversation",
            &api(502, "server_error", "bad gateway"),
        );
        assert_eq!(error.kind, PortErrorKind::Uncertain);
        assert!(error.is_retryable());
        assert_eq!(
            read_error("reading", &api(502, "server_error", "bad gateway")).kind,
            PortErrorKind::Transient
        );
        assert_eq!(
            write_error("x", &Error::Timeout { sent: true }).kind,
            PortErrorKind::Uncertain
        );
        assert_eq!(
            write_error("x", &Error::Timeout { sent: false }).kind,
            PortErrorKind::Transient
        );
    }

    #[test]
    fn client_errors_keep_the_apis_message() {
        let error = write_error(
            "creating ticket type Bug",
            &api(
                400,
                "parameter_invalid",
                "A ticket type named 'Bug' already exists",
            ),
        );
        assert_eq!(error.kind, PortErrorKind::Rejected);
        assert!(
            error.message.contains("already exists"),
            "{}",
            error.message
        );
        assert!(error
            .message
            .starts_with("Intercom: creating ticket type Bug: "));
        let kinds = [
            (401, PortErrorKind::Unauthorized),
            (403, PortErrorKind::Unauthorized),
            (404, PortErrorKind::NotFound),
            (422, PortErrorKind::Rejected),
        ];
        for (status, kind) in kinds {
            assert_eq!(
                write_error("x", &api(status, "c", "m")).kind,
                kind,
                "{status}"
            );
        }
        let conflict = Error::Conflict {
            existing_id: None,
            request_id: None,
            errors: vec![],
        };
        assert_eq!(write_error("x", &conflict).kind, PortErrorKind::Rejected);
        let rate_limited = Error::RateLimited {
            retry_after: None,
            request_id: None,
        };
        assert_eq!(
            read_error("x", &rate_limited).kind,
            PortErrorKind::Transient
        );
        assert_eq!(
            write_error("x", &Error::InvalidRequest("eleven files".into())).kind,
            PortErrorKind::Rejected
        );
    }
}
