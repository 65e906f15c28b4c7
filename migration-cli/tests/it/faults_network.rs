//! The whole migration against simulators whose network and answers misbehave: connections cut
//! mid-request, slow answers, answers slower than the client's timeout, 429 bursts with and
//! without rate-limit headers, 5xx storms, Vivantio's `Successful: false`, truncated JSON and an
//! empty page in the middle of a stream.
//!
//! Each scenario runs the migration with the fault in force (a run may stop or leave records
//! failed: the fault is the point), then lifts it and runs once more, and requires the Intercom
//! workspace of an undisturbed run, record for record, plus proof that the fault did hit.

use migration_cli::commands::migrate::MigrateOptions;
use std::time::Duration;

use fixtures::sim::faults::{Fault, FaultConfig, RateLimit, RetryAfter};
use fixtures::sim::intercom::{IntercomFaults, LostResponse, RateLimitConfig};
use migration_cli::commands::migrate;
use migration_core::engine::RunMode;
use tokio::sync::OnceCell;

use crate::common;
use crate::common::compare::{assert_same, Snapshot};
use crate::common::World;

/// Runs with the fault in force before it is lifted.
const FAULTED_RUNS: usize = 2;

/// The workspace of an undisturbed run, computed once for the file.
async fn undisturbed() -> &'static Snapshot {
    static UNDISTURBED: OnceCell<Snapshot> = OnceCell::const_new();
    UNDISTURBED
        .get_or_init(|| async {
            let world = common::confirmed_world().await;
            common::full_migration(&world).await;
            Snapshot::of(&world.intercom.workspace())
        })
        .await
}

/// Runs the migration [`FAULTED_RUNS`] times under the faults already set on `world` (failures
/// allowed), lifts every fault, runs once more, and compares with an undisturbed run.
async fn survive(world: &World, scenario: &str) {
    for _ in 0..FAULTED_RUNS {
        let attempt = migrate::run(
            &world.project,
            &MigrateOptions::new(RunMode::Full).continue_on_mismatch(),
            &common::silent(),
        )
        .await;
        if let Err(error) = attempt {
            // A fault the client cannot ride out stops the run with a message; the state
            // store stays consistent and the next run resumes.
            assert!(!error.to_string().is_empty(), "{scenario}: an empty error");
        }
    }
    world.intercom.set_faults(IntercomFaults::none());
    world.intercom.set_rate_limit(RateLimitConfig::off());
    world.vivantio.set_faults(FaultConfig::none());
    common::full_migration(world).await;
    let found = Snapshot::of(&world.intercom.workspace());
    let difference = assert_same(scenario, &found, undisturbed().await);
    println!(
        "{scenario}: {} records and parts compared, {} duplicates, {} missing",
        difference.compared, difference.duplicates, difference.missing
    );
}

/// Requests the Vivantio simulator answered with `fault` so far.
fn vivantio_faults(world: &World, fault: &str) -> usize {
    world
        .vivantio
        .requests()
        .iter()
        .filter(|request| request.fault.as_ref().is_some_and(|f| f.name() == fault))
        .count()
}

fn rates(seed: u64, configure: impl FnOnce(&mut FaultConfig)) -> FaultConfig {
    let mut config = FaultConfig {
        seed,
        ..FaultConfig::default()
    };
    configure(&mut config);
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intercom_connections_cut_mid_request() {
    let world = common::confirmed_world().await;
    world
        .intercom
        .set_faults(IntercomFaults::common(rates(21, |c| {
            c.drop_connection_rate = 0.08
        })));
    survive_and_count(&world, "intercom connections cut", "drop_connection").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intercom_truncated_json() {
    let world = common::confirmed_world().await;
    world
        .intercom
        .set_faults(IntercomFaults::common(rates(22, |c| {
            c.truncated_body_rate = 0.05
        })));
    survive_and_count(&world, "intercom truncated JSON", "truncated_body").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intercom_slow_answers() {
    let world = common::confirmed_world().await;
    world
        .intercom
        .set_faults(IntercomFaults::common(rates(23, |c| {
            c.slow_rate = 0.1;
            c.slow_delay = Duration::from_millis(300);
        })));
    survive_and_count(&world, "intercom slow answers", "slow").await;
}

/// Writes applied whose answer the simulator then withholds past the client's timeout.
const WRITES_ANSWERED_TOO_LATE: usize = 6;

/// With `intercom.timeout_seconds = 1`, some requests wait 1.5 s before they are handled (a
/// timed-out read is retried; a timed-out write may or may not have been applied) and some
/// writes are applied and then answered 1.5 s late (applied, but the client cannot know). The
/// engine must reconcile every such write: nothing duplicated, nothing missing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intercom_answers_slower_than_the_client_timeout() {
    let mut world = common::confirmed_world().await;
    world.project.settings.intercom.timeout = Duration::from_secs(1);
    let past_the_timeout = Duration::from_millis(1500);
    world.intercom.set_faults(IntercomFaults {
        // One request in 25 of the first 500 waits past the timeout before it is handled.
        common: FaultConfig::scripted((0..500).map(|n| {
            (n % 25 == 0).then_some(Fault::Slow {
                delay: past_the_timeout,
            })
        })),
        response_lost_script: vec![true; WRITES_ANSWERED_TOO_LATE],
        response_lost_as: LostResponse::Timeout {
            after: past_the_timeout,
        },
        ..IntercomFaults::none()
    });
    survive(&world, "intercom answers slower than the client timeout").await;
    let stats = world.intercom.stats();
    assert!(
        stats.fault("slow") > 0,
        "no request was held before handling"
    );
    assert_eq!(
        stats.fault("response_lost"),
        WRITES_ANSWERED_TOO_LATE as u64,
        "writes applied and answered too late"
    );
    // The client hung up on every late answer, so it did time out (a 60 s timeout would have
    // waited them out).
    assert!(
        stats.fault("abandoned") >= WRITES_ANSWERED_TOO_LATE as u64,
        "the client waited past its timeout: {:?}",
        stats.faults
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intercom_5xx_storm() {
    let world = common::confirmed_world().await;
    world
        .intercom
        .set_faults(IntercomFaults::common(rates(24, |c| {
            c.server_error_rate = 0.25
        })));
    survive_and_count(&world, "intercom 5xx storm", "server_error").await;
}

/// Bursts of eight 429s in a row, one burst every hundred requests, for the first thousand.
fn rate_limit_bursts() -> FaultConfig {
    FaultConfig::scripted(
        (0..1000).map(|n| (n % 100 < 8).then_some(Fault::RateLimited { retry_after: None })),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intercom_429_bursts_with_rate_limit_headers() {
    let world = common::confirmed_world().await;
    // One-second windows, so the X-RateLimit-Reset the 429s carry is never far.
    world
        .intercom
        .set_rate_limit(RateLimitConfig::off().with_window(Duration::from_secs(1)));
    world
        .intercom
        .set_faults(IntercomFaults::common(rate_limit_bursts()));
    survive(&world, "intercom 429 bursts with headers").await;
    assert!(
        world.intercom.stats().rate_limited >= 8,
        "no 429 burst was sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intercom_429_bursts_without_rate_limit_headers() {
    let world = common::confirmed_world().await;
    world.intercom.set_faults(IntercomFaults {
        omit_rate_limit_headers: true,
        ..IntercomFaults::common(rate_limit_bursts())
    });
    survive(&world, "intercom 429 bursts without headers").await;
    assert!(
        world.intercom.stats().rate_limited >= 8,
        "no 429 burst was sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vivantio_connections_cut_mid_request() {
    let world = common::confirmed_world().await;
    world
        .vivantio
        .set_faults(rates(31, |c| c.drop_connection_rate = 0.05));
    survive_counting_vivantio(&world, "vivantio connections cut", "drop_connection").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vivantio_unsuccessful_answers() {
    let world = common::confirmed_world().await;
    world
        .vivantio
        .set_faults(rates(32, |c| c.unsuccessful_rate = 0.05));
    survive_counting_vivantio(&world, "vivantio Successful: false", "unsuccessful").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vivantio_truncated_json() {
    let world = common::confirmed_world().await;
    world
        .vivantio
        .set_faults(rates(33, |c| c.truncated_body_rate = 0.05));
    survive_counting_vivantio(&world, "vivantio truncated JSON", "truncated_body").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vivantio_5xx_storm() {
    let world = common::confirmed_world().await;
    world.vivantio.set_faults(rates(34, |c| {
        c.server_error_rate = 0.15;
    }));
    survive_counting_vivantio(&world, "vivantio 5xx storm", "server_error").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vivantio_429_bursts_with_retry_after() {
    let world = common::confirmed_world().await;
    world.vivantio.set_faults(FaultConfig {
        rate_limit: Some(RateLimit {
            max_requests: 40,
            window: Duration::from_millis(500),
            retry_after: RetryAfter::Fixed(Duration::from_secs(1)),
        }),
        ..FaultConfig::default()
    });
    survive_counting_vivantio(&world, "vivantio 429 with Retry-After", "rate_limited").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vivantio_429_bursts_without_retry_after() {
    let world = common::confirmed_world().await;
    world.vivantio.set_faults(FaultConfig {
        rate_limit: Some(RateLimit {
            max_requests: 40,
            window: Duration::from_millis(500),
            retry_after: RetryAfter::Omit,
        }),
        ..FaultConfig::default()
    });
    survive_counting_vivantio(&world, "vivantio 429 without Retry-After", "rate_limited").await;
}

/// An empty page in the middle of the ticket stream must not end it nor skip its records: a
/// single run, no settling run, must already hold every ticket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vivantio_empty_page_mid_stream_loses_nothing_in_that_run() {
    let world = common::confirmed_world().await;
    // Half the ticket windows come back empty, whether or not they hold tickets.
    world.vivantio.set_faults(FaultConfig {
        seed: 35,
        only_paths: vec!["/api/Ticket/Select".into()],
        empty_results_rate: 0.5,
        ..FaultConfig::default()
    });
    common::full_migration(&world).await;
    let emptied_tickets = emptied_ticket_windows(&world);
    assert!(
        emptied_tickets > 0,
        "no window holding tickets was emptied ({} empty answers)",
        vivantio_faults(&world, "empty_results")
    );
    let found = Snapshot::of(&world.intercom.workspace());
    assert_same(
        "vivantio empty page mid-stream",
        &found,
        undisturbed().await,
    );
}

/// Tickets the emptied `Ticket/Select` windows should have returned.
fn emptied_ticket_windows(world: &World) -> usize {
    let ids: Vec<i64> = world
        .vivantio
        .records(fixtures::instance::Kind::Tickets)
        .iter()
        .filter_map(|ticket| ticket["Id"].as_i64())
        .collect();
    world
        .vivantio
        .requests()
        .iter()
        .filter(|request| request.fault == Some(Fault::EmptyResults))
        .filter_map(|request| request.body_json())
        .map(|body| {
            let bound = |op: &str| {
                body["Query"]["Items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|item| item["FieldName"] == "Id" && item["Op"] == op)
                    .and_then(|item| {
                        item["Value"]
                            .as_i64()
                            .or_else(|| item["Value"].as_str()?.parse().ok())
                    })
            };
            let low = bound("GreaterThan").unwrap_or(i64::MIN);
            let high = bound("LessThanOrEqualTo").unwrap_or(i64::MAX);
            ids.iter().filter(|id| **id > low && **id <= high).count()
        })
        .sum()
}

async fn survive_and_count(world: &World, scenario: &str, fault: &str) {
    survive(world, scenario).await;
    let counted = world.intercom.stats().fault(fault);
    assert!(counted > 0, "{scenario}: the fault `{fault}` never hit");
}

async fn survive_counting_vivantio(world: &World, scenario: &str, fault: &str) {
    survive(world, scenario).await;
    assert!(
        vivantio_faults(world, fault) > 0,
        "{scenario}: the fault `{fault}` never hit"
    );
}
