//! What the client logs never quotes a record or an answer's text: a throttled answer's body,
//! a contradicted assumption's detail and Vivantio's info messages stay out of the log (the
//! error, the wire report and the caller keep them); ids, kinds and statuses go in.

use std::sync::{Arc, Mutex};

use serde_json::json;
use vivantio_client::assumptions::registry::ids;
use wiremock::{MockServer, ResponseTemplate};

use crate::common::{client_for, fast_limiter, ok, post};

/// Text a tenant could send back: a caller's name and email.
const CUSTOMER: &str = "Rachel Hughes <rachel.hughes@harbourlogistics.co.uk>";

#[tokio::test]
async fn a_throttled_answer_is_logged_by_status_without_its_body() {
    let server = MockServer::start().await;
    let client = client_for(&server, fast_limiter());
    post("Configuration/TicketTypeSelectAll")
        .respond_with(ResponseTemplate::new(503).set_body_string(format!("busy saving {CUSTOMER}")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    post("Configuration/TicketTypeSelectAll")
        .respond_with(ok(
            json!({"Successful": true, "ErrorMessages": [], "InfoMessages": [],
            "Results": [{"Id": 11, "NameSingular": "Incident"}]}),
        ))
        .mount(&server)
        .await;
    let (captured, _guard) = Captured::start();
    client.configuration().ticket_types().await.unwrap();
    let log = captured.text();
    assert!(log.contains("throttled") && log.contains("503"), "{log}");
    assert!(!log.contains("Rachel"), "{log}");
}

#[tokio::test]
async fn info_messages_are_logged_by_kind_and_field_without_their_text() {
    let server = MockServer::start().await;
    let client = client_for(&server, fast_limiter());
    post("Configuration/TicketTypeSelectAll")
        .respond_with(ok(json!({"Successful": true, "ErrorMessages": [],
            "InfoMessages": [{"Type": 1, "Field": "CallerId", "Message": format!("hidden: {CUSTOMER}")}],
            "Results": [{"Id": 11, "NameSingular": "Incident"}]})))
        .mount(&server)
        .await;
    let (captured, _guard) = Captured::start();
    client.configuration().ticket_types().await.unwrap();
    let log = captured.text();
    assert!(log.contains("Permission on CallerId"), "{log}");
    assert!(!log.contains("Rachel"), "{log}");
}

#[tokio::test]
async fn a_contradiction_is_logged_by_assumption_while_the_census_keeps_the_detail() {
    let server = MockServer::start().await;
    let client = client_for(&server, fast_limiter());
    let (captured, _guard) = Captured::start();
    client.census().contradict(
        ids::ID_FILTER_HONOURED,
        Some("Caller/Select"),
        format!("the answer held {CUSTOMER}"),
    );
    let log = captured.text();
    assert!(log.contains(ids::ID_FILTER_HONOURED), "{log}");
    assert!(!log.contains("Rachel"), "{log}");
    let report = format!("{:?}", client.census().report());
    assert!(
        report.contains("Rachel"),
        "the wire report keeps the detail: {report}"
    );
}

/// Every event emitted on this thread while the guard lives, one line each:
/// `LEVEL target field=value ...`.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<String>>>);

impl Captured {
    /// Starts capturing on the current thread (the tests' runtime runs on it).
    fn start() -> (Self, tracing::subscriber::DefaultGuard) {
        let captured = Self::default();
        let guard = tracing::subscriber::set_default(captured.clone());
        (captured, guard)
    }

    fn text(&self) -> String {
        self.0.lock().unwrap().join("\n")
    }
}

impl tracing::Subscriber for Captured {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let metadata = event.metadata();
        let mut line = format!("{} {}", metadata.level(), metadata.target());
        event.record(&mut Fields(&mut line));
        self.0.lock().unwrap().push(line);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}
