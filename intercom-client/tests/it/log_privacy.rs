//! What the client logs never quotes Intercom's answer: a retried failure is logged by kind,
//! status and request id, since Intercom's error messages can echo the request's content.

use std::sync::{Arc, Mutex};

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::common::{error_list, setup};

#[tokio::test]
async fn a_retried_failure_is_logged_without_intercoms_message() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/teams"))
        .respond_with(ResponseTemplate::new(500).set_body_json(error_list(
            "server_error",
            "could not save Rachel Hughes <rachel.hughes@harbourlogistics.co.uk>",
        )))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/teams"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"type": "team.list", "teams": []})),
        )
        .mount(&server)
        .await;
    let (captured, _guard) = Captured::start();
    client.teams().list().await.unwrap();
    let log = captured.text();
    assert!(log.contains("retrying"), "{log}");
    assert!(
        log.contains("kind=\"api\"") && log.contains("Some(500)"),
        "{log}"
    );
    assert!(log.contains("b5d2bb3c"), "the request id is kept: {log}");
    assert!(!log.contains("Rachel"), "{log}");
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
