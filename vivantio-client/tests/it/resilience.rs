//! The limiter and retries end to end: back-off on 429/503/timeouts, `Retry-After`, recovery,
//! no retries of timed-out writes, and errors that never show credentials.

use std::time::{Duration, Instant};

use serde_json::json;
use vivantio_client::writes::NewTicket;
use vivantio_client::{Client, Error, LimiterSettings};
use wiremock::{MockServer, ResponseTemplate};

use crate::common;
use crate::common::{client_for, fast_limiter, ok, post, results, PASSWORD, USERNAME};

fn ticket_types_ok() -> ResponseTemplate {
    ok(results(json!([{"Id": 11, "NameSingular": "Incident"}])))
}

#[tokio::test]
async fn retries_429_honouring_retry_after_then_succeeds() {
    let server = MockServer::start().await;
    let client = client_for(&server, fast_limiter());
    post("Configuration/TicketTypeSelectAll")
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    post("Configuration/TicketTypeSelectAll")
        .respond_with(ticket_types_ok())
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let types = client.configuration().ticket_types().await.unwrap();
    assert_eq!(types[0].id, 11.into());
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 honoured"
    );
    let state = client.limiter_snapshot();
    assert_eq!(state.concurrency_limit, 1, "halved from 2 on the 429");
    assert_eq!(state.consecutive_throttles, 0, "reset by the success");
}

#[tokio::test]
async fn gives_up_after_max_retries_on_503() {
    let server = MockServer::start().await;
    let client = client_for(&server, fast_limiter());
    post("Configuration/TicketTypeSelectAll")
        .respond_with(ResponseTemplate::new(503).set_body_string("Service Unavailable"))
        .expect(4) // the first try and max_retries = 3
        .mount(&server)
        .await;
    let error = client.configuration().ticket_types().await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert!(error.is_retryable() && error.is_throttling());
    assert!(error.to_string().contains("Service Unavailable"));
    assert_eq!(client.limiter_snapshot().consecutive_throttles, 4);
}

#[tokio::test]
async fn backs_off_then_recovers_speed() {
    let server = MockServer::start().await;
    let limiter = LimiterSettings {
        initial_concurrency: 4,
        successes_to_speed_up: 2,
        initial_interval: Duration::from_millis(1),
        ..fast_limiter()
    };
    let client = client_for(&server, limiter);
    post("Configuration/TicketTypeSelectAll")
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    post("Configuration/TicketTypeSelectAll")
        .respond_with(ticket_types_ok())
        .mount(&server)
        .await;
    client.configuration().ticket_types().await.unwrap();
    let slowed = client.limiter_snapshot();
    assert_eq!(slowed.concurrency_limit, 1, "4 -> 2 -> 1");
    assert!(
        slowed.interval >= Duration::from_millis(4),
        "{:?}",
        slowed.interval
    );
    for _ in 0..6 {
        client.configuration().ticket_types().await.unwrap();
    }
    let recovered = client.limiter_snapshot();
    assert_eq!(
        recovered.concurrency_limit, 4,
        "one more slot per two successes"
    );
    assert!(recovered.interval < slowed.interval);
}

fn timeout_client(server: &MockServer) -> Client {
    Client::builder()
        .platform_url(server.uri())
        .credentials(USERNAME, PASSWORD)
        .limiter(fast_limiter())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap()
}

#[tokio::test]
async fn timed_out_reads_are_retried() {
    let server = MockServer::start().await;
    let client = timeout_client(&server);
    post("Configuration/TicketTypeSelectAll")
        .respond_with(ticket_types_ok().set_delay(Duration::from_secs(2)))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    post("Configuration/TicketTypeSelectAll")
        .respond_with(ticket_types_ok())
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(
        client.configuration().ticket_types().await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn timed_out_writes_are_not_repeated() {
    let server = MockServer::start().await;
    let client = timeout_client(&server);
    post("Ticket/Insert")
        .respond_with(
            ok(json!({"Successful": true, "InsertedItemId": 1})).set_delay(Duration::from_secs(2)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client
        .tickets()
        .insert(&NewTicket::new(11, "x"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: vivantio_client::error::TransportErrorKind::Timeout,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn other_statuses_are_not_retried() {
    let server = MockServer::start().await;
    let client = client_for(&server, fast_limiter());
    post("Ticket/SelectList")
        .respond_with(ResponseTemplate::new(500).set_body_string("Object reference not set"))
        .expect(1)
        .mount(&server)
        .await;
    let error = client.tickets().select_list(&[1.into()]).await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn bad_credentials_never_leak() {
    let server = MockServer::start().await;
    let client = client_for(&server, fast_limiter());
    // Any request, with or without the right header, is refused the way the simulator does.
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(ResponseTemplate::new(401).insert_header("WWW-Authenticate", "Basic"))
        .expect(1)
        .mount(&server)
        .await;
    let error = client.configuration().users().await.unwrap_err();
    assert!(error.is_unauthorized());
    for shown in [
        error.to_string(),
        format!("{error:?}"),
        format!("{client:?}"),
    ] {
        assert!(!shown.contains(PASSWORD), "{shown}");
        assert!(!shown.contains(USERNAME), "{shown}");
        assert!(!shown.contains(&common::AUTHORIZATION[6..]), "{shown}");
    }
}

#[tokio::test]
async fn connection_refused_is_a_retryable_transport_error() {
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}/", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder()
        .platform_url(uri)
        .credentials(USERNAME, PASSWORD)
        .limiter(fast_limiter())
        .build()
        .unwrap();
    let error = client.configuration().users().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: vivantio_client::error::TransportErrorKind::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
}
