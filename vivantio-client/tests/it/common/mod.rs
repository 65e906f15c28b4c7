//! Shared helpers: a wiremock server, a client pointed at it, canned answers from `tests/data/`.
use std::time::Duration;

use serde_json::Value;
use vivantio_client::{Client, LimiterSettings};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

/// The test credentials and their Basic header (`api-user:s3cret!`).
pub const USERNAME: &str = "api-user";
/// See [`USERNAME`].
pub const PASSWORD: &str = "s3cret!";
/// `base64("api-user:s3cret!")`.
pub const AUTHORIZATION: &str = "Basic YXBpLXVzZXI6czNjcmV0IQ==";

/// A limiter that keeps tests fast: no spacing, millisecond back-offs.
pub fn fast_limiter() -> LimiterSettings {
    LimiterSettings {
        initial_concurrency: 2,
        max_concurrency: 4,
        initial_interval: Duration::ZERO,
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(40),
        max_retries: 3,
        ..LimiterSettings::default()
    }
}

/// A mock server and a client for it (platform URL given without its trailing slash on purpose).
pub async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = client_for(&server, fast_limiter());
    (server, client)
}

/// A client for `server` with these limiter settings.
pub fn client_for(server: &MockServer, limiter: LimiterSettings) -> Client {
    Client::builder()
        .platform_url(server.uri())
        .credentials(USERNAME, PASSWORD)
        .limiter(limiter)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("valid test client")
}

/// A `POST /api/{action}` mock that also checks the Basic auth header.
pub fn post(action: &str) -> MockBuilder {
    Mock::given(method("POST"))
        .and(path(format!("/api/{action}")))
        .and(header("authorization", AUTHORIZATION))
}

/// Matches a request sent with an empty body.
pub fn empty_body(request: &Request) -> bool {
    request.body.is_empty()
}

/// A canned answer from `tests/data/{name}.json`.
pub fn data(name: &str) -> Value {
    let file = format!("{}/tests/data/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// HTTP 200 with this JSON.
pub fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// HTTP 200 with a canned answer from `tests/data/`.
pub fn ok_data(name: &str) -> ResponseTemplate {
    ok(data(name))
}

/// A successful `Results` envelope.
pub fn results(results: Value) -> Value {
    serde_json::json!({"Successful": true, "ErrorMessages": [], "InfoMessages": [], "Results": results})
}
