//! Retries, rate limiting, timeouts, error parsing and secrecy of the token.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use intercom_client::contacts::ContactRequest;
use intercom_client::{Client, Error, WaitCause};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{client_for, contact_json, error_list, setup, TOKEN};

fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn admins_body() -> serde_json::Value {
    json!({"type": "admin.list", "admins": [{"type": "admin", "id": "1", "name": "A", "email": "a@example.com",
        "away_mode_enabled": false, "away_mode_reassign": false, "has_inbox_seat": true, "team_ids": [5]}]})
}

#[tokio::test]
async fn retries_a_5xx_on_a_read_then_succeeds() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/admins"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(error_list("service_unavailable", "try later")),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/admins"))
        .respond_with(ResponseTemplate::new(200).set_body_json(admins_body()))
        .expect(1)
        .mount(&server)
        .await;
    let admins = client.admins().list().await.unwrap();
    assert_eq!(admins[0].team_ids[0], "5");
    let stats = client.stats();
    assert_eq!(stats.requests_sent, 2);
    assert_eq!(stats.retries, 1);
    assert!(stats.backoff_wait > Duration::ZERO);
}

#[tokio::test]
async fn gives_up_after_max_retries_with_a_retryable_error() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/teams"))
        .respond_with(ResponseTemplate::new(500).insert_header("x-request-id", "req-9"))
        .expect(3) // first try + max_retries (2)
        .mount(&server)
        .await;
    let error = client.teams().list().await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(error.request_id(), Some("req-9"));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn never_resends_a_create_after_a_5xx() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/contacts"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let error = client
        .contacts()
        .create(&ContactRequest::user("42"))
        .await
        .unwrap_err();
    assert!(error.is_retryable());
    assert!(
        error.may_have_been_applied(),
        "the engine must reconcile before retrying"
    );
}

#[tokio::test]
async fn never_retries_other_4xx() {
    let (server, client) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/contacts/c1"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "type": "error.list", "request_id": "r-400",
            "errors": [{"code": "parameter_invalid", "message": "Phone is invalid", "field": "phone"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let error = client
        .contacts()
        .update(&"c1".into(), &ContactRequest::default().phone("nope"))
        .await
        .unwrap_err();
    match &error {
        Error::Api {
            status,
            request_id,
            errors,
        } => {
            assert_eq!(*status, 400);
            assert_eq!(request_id.as_deref(), Some("r-400"));
            assert_eq!(errors[0].code, "parameter_invalid");
            assert_eq!(errors[0].field.as_deref(), Some("phone"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(!error.is_retryable());
    assert!(!error.may_have_been_applied());
}

#[tokio::test]
async fn retries_a_409_on_an_idempotent_update_only() {
    let (server, client) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/contacts/c1"))
        .respond_with(ResponseTemplate::new(409).set_body_json(error_list("conflict", "busy")))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/contacts/c1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(contact_json("c1", "42")))
        .expect(1)
        .mount(&server)
        .await;
    let contact = client
        .contacts()
        .update(&"c1".into(), &ContactRequest::default().name("x"))
        .await
        .unwrap();
    assert_eq!(contact.id, "c1");
}

#[tokio::test]
async fn waits_for_the_reset_after_a_429_and_retries() {
    let (server, client) = setup().await;
    let reset = now_epoch() + 1;
    Mock::given(method("GET"))
        .and(path("/admins"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-limit", "167")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", reset.to_string().as_str())
                .set_body_json(error_list(
                    "rate_limit_exceeded",
                    "Exceeded rate limit of 167 in 10_seconds",
                )),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/admins"))
        .respond_with(ResponseTemplate::new(200).set_body_json(admins_body()))
        .expect(1)
        .mount(&server)
        .await;
    let started = SystemTime::now();
    client.admins().list().await.unwrap();
    // The retry must not start before the window's reset second.
    let retried_at = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    assert!(
        retried_at >= Duration::from_secs(reset),
        "retried before the reset"
    );
    let stats = client.stats();
    assert_eq!(stats.rate_limited, 1);
    assert_eq!(stats.requests_sent, 2);
    assert!(stats.rate_limit_wait > Duration::ZERO);
    assert!(started.elapsed().unwrap() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_429_on_a_create_is_retried_because_it_was_not_applied() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/contacts"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-reset", now_epoch().to_string().as_str()),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/contacts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(contact_json("c1", "42")))
        .expect(1)
        .mount(&server)
        .await;
    let contact = client
        .contacts()
        .create(&ContactRequest::user("42"))
        .await
        .unwrap();
    assert_eq!(contact.id, "c1");
}

#[tokio::test]
async fn persistent_429s_end_in_rate_limited() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/tags"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-reset", now_epoch().to_string().as_str()),
        )
        .expect(3) // first try + max_rate_limit_retries (2)
        .mount(&server)
        .await;
    let error = client.tags().list().await.unwrap_err();
    assert!(matches!(error, Error::RateLimited { .. }));
    assert!(error.is_retryable());
    assert!(!error.may_have_been_applied());
    assert_eq!(client.stats().rate_limited, 3);
}

#[tokio::test]
async fn paces_requests_to_stay_under_the_reported_budget() {
    let (server, client) = setup().await;
    let reset = now_epoch() + 1;
    Mock::given(method("GET"))
        .and(path("/admins"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-limit", "10")
                .insert_header("x-ratelimit-remaining", "3")
                .insert_header("x-ratelimit-reset", reset.to_string().as_str())
                .set_body_json(admins_body()),
        )
        .expect(4)
        .mount(&server)
        .await;
    // Clones share one budget: four calls from two handles exhaust the three remaining requests
    // (minus the safety margin), so the last call waits for the window to reset instead of
    // provoking a 429.
    let other = client.clone();
    client.admins().list().await.unwrap();
    other.admins().list().await.unwrap();
    client.admins().list().await.unwrap();
    other.admins().list().await.unwrap();
    let stats = other.stats();
    assert_eq!(stats, client.stats());
    assert_eq!(stats.rate_limited, 0);
    assert!(stats.rate_limit_wait > Duration::ZERO, "{stats:?}");
    assert_eq!(stats.rate_limit_limit, Some(10));
    let done = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    assert!(done >= Duration::from_secs(reset));
}

#[tokio::test]
async fn timeouts_are_retried_for_reads_but_not_for_creates() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .timeout(Duration::from_millis(100))
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .max_retries(1)
        .build()
        .unwrap();
    Mock::given(method("GET"))
        .and(path("/admins"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(400)))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/conversations"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(400)))
        .expect(1)
        .mount(&server)
        .await;
    let error = client.admins().list().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { sent: true }), "{error:?}");
    let request = intercom_client::conversations::CreateConversationRequest::new("c1", "hello");
    let error = client.conversations().create(&request).await.unwrap_err();
    assert!(error.may_have_been_applied());
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_creates_and_reported_as_not_sent() {
    // Bind then drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .max_retries(2)
        .build()
        .unwrap();
    let error = client
        .contacts()
        .create(&ContactRequest::user("42"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Transport { sent: false, .. }),
        "{error:?}"
    );
    assert!(!error.may_have_been_applied());
    assert_eq!(client.stats().requests_sent, 3);
    for text in [format!("{error}"), format!("{error:?}")] {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
    }
}

#[tokio::test]
async fn undecodable_success_names_the_json_path_and_counts_as_applied() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/contacts/c1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "c1", "created_at": "yesterday"})),
        )
        .mount(&server)
        .await;
    let error = client.contacts().get(&"c1".into()).await.unwrap_err();
    match &error {
        Error::Decode {
            endpoint,
            path,
            excerpt,
            ..
        } => {
            assert_eq!(endpoint, "GET /contacts/c1");
            assert_eq!(path, "created_at");
            assert!(excerpt.contains("yesterday"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(error.may_have_been_applied());
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn the_token_never_appears_in_debug_output_or_errors() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(error_list("unauthorized", "Access Token Invalid")),
        )
        .mount(&server)
        .await;
    let error = client.admins().me().await.unwrap_err();
    assert_eq!(error.status(), Some(401));
    let builder = Client::builder().token(TOKEN);
    for text in [
        format!("{client:?}"),
        format!("{builder:?}"),
        format!("{error}"),
        format!("{error:?}"),
    ] {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
    }
}

#[tokio::test]
async fn base_url_path_prefix_is_kept_for_proxies() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("{}/intercom/", server.uri()))
        .build()
        .unwrap();
    Mock::given(method("GET"))
        .and(path("/intercom/admins"))
        .respond_with(ResponseTemplate::new(200).set_body_json(admins_body()))
        .expect(1)
        .mount(&server)
        .await;
    client.admins().list().await.unwrap();
    assert!(client.base_url().as_str().ends_with("/intercom/"));
}

#[test]
fn bad_configuration_is_rejected() {
    assert!(matches!(Client::builder().build(), Err(Error::Config(_))));
    assert!(matches!(
        Client::builder().token("t").base_url("not a url").build(),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        Client::builder()
            .token("t")
            .base_url("mailto:x@example.com")
            .build(),
        Err(Error::Config(_))
    ));
}

#[tokio::test]
async fn stats_start_at_zero() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    assert_eq!(client.stats(), intercom_client::ClientStats::default());
}

#[tokio::test]
async fn the_wait_listener_hears_each_wait_and_the_stats_tell_the_allowance() {
    let server = MockServer::start().await;
    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .backoff(Duration::from_millis(1), Duration::from_millis(5))
        .on_wait({
            let heard = heard.clone();
            move |wait| heard.lock().unwrap().push(*wait)
        })
        .build()
        .unwrap();
    Mock::given(method("GET"))
        .and(path("/admins"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    let reset = (now_epoch() + 1).to_string();
    Mock::given(method("GET"))
        .and(path("/admins"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-limit", "167")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", reset.as_str()),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    let later = (now_epoch() + 10).to_string();
    Mock::given(method("GET"))
        .and(path("/admins"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-limit", "167")
                .insert_header("x-ratelimit-remaining", "160")
                .insert_header("x-ratelimit-reset", later.as_str())
                .set_body_json(admins_body()),
        )
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(client.stats().allowed_per_minute, None, "no limit told yet");
    client.admins().list().await.unwrap();
    let heard = heard.lock().unwrap().clone();
    let causes: Vec<WaitCause> = heard.iter().map(|wait| wait.cause).collect();
    assert!(
        causes.contains(&WaitCause::Backoff { attempt: 1 }),
        "{heard:?}"
    );
    assert!(
        heard
            .iter()
            .any(|wait| wait.cause == WaitCause::RateLimit && wait.duration > Duration::ZERO),
        "the reset after the 429: {heard:?}"
    );
    // 167 a window less the 1% margin (2 requests), six windows a minute.
    assert_eq!(client.stats().allowed_per_minute, Some(165 * 6));
}
