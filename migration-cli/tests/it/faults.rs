//! The whole tool against the simulators under faults: responses lost after the write was
//! applied, and runs cut off at many points and resumed. Afterwards the Intercom workspace must
//! hold exactly what an undisturbed run produces: no duplicate, no gap, nothing different.

use migration_cli::commands::migrate::MigrateOptions;
use std::collections::BTreeMap;
use std::time::Duration;

use fixtures::sim::intercom::{IntercomFaults, LostResponse, RateLimitConfig, Workspace};
use migration_cli::commands::{migrate, verify};
use migration_core::engine::RunMode;

use crate::common;
use crate::common::World;

/// What a workspace holds, without the ids the simulator assigns (those depend on order):
/// counts per kind, and every conversation and ticket with its parts (kind, time, body) in order.
fn shape(workspace: &Workspace) -> Shape {
    let parts =
        |parts: &[fixtures::sim::intercom::PartRecord]| -> Vec<(String, i64, Option<String>)> {
            // Replies and notes carry their original time; assignments and state changes carry the
            // time of the run, which differs between any two runs.
            parts
                .iter()
                .filter(|part| matches!(part.part_type.as_str(), "comment" | "note"))
                .map(|part| (part.part_type.clone(), part.created_at, part.body.clone()))
                .collect()
        };
    let mut threads: Vec<String> = workspace
        .conversations
        .values()
        .map(|c| serde_json::to_string(&(c.created_at, &c.body, parts(&c.parts))).unwrap())
        .chain(
            workspace
                .tickets
                .values()
                .map(|t| serde_json::to_string(&(t.created_at, parts(&t.parts))).unwrap()),
        )
        .collect();
    threads.sort();
    (workspace.migrated_record_counts(), threads)
}

async fn undisturbed_shape() -> Shape {
    let world = common::confirmed_world().await;
    common::full_migration(&world).await;
    shape(&world.intercom.workspace())
}

type Shape = (BTreeMap<&'static str, usize>, Vec<String>);

/// Compares two shapes, printing counts and the first differing thread instead of everything.
fn assert_same(found: &Shape, expected: &Shape) {
    assert_eq!(found.0, expected.0, "record counts differ");
    let first = found.1.iter().zip(&expected.1).find(|(f, e)| f != e);
    assert!(first.is_none(), "a thread differs: {first:?}");
    assert_eq!(found.1.len(), expected.1.len());
}

/// Lifts every fault, runs once more, and requires the workspace of an undisturbed run.
async fn settle_and_compare(world: &World, expected: &Shape) {
    world.intercom.set_faults(IntercomFaults::none());
    common::full_migration(world).await;
    assert_same(&shape(&world.intercom.workspace()), expected);
    assert_verified(world).await;
}

async fn assert_verified(world: &World) {
    let outcome = verify::run(
        &world.project,
        migration_core::engine::VerifySelection::All,
        &common::silent(),
    )
    .await
    .unwrap();
    assert!(
        outcome.human.contains(": 0 differences"),
        "{}",
        outcome.human
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_responses_never_duplicate_a_record() {
    let expected = undisturbed_shape().await;
    let world = common::confirmed_world().await;
    world.intercom.set_faults(IntercomFaults::lose_writes(
        0.2,
        LostResponse::DropConnection,
        11,
    ));
    // A lost response may stop a record for this run (reported); the next run settles it.
    for _ in 0..4 {
        common::full_migration(&world).await;
    }
    settle_and_compare(&world, &expected).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_cut_off_at_many_points_and_resumed_end_like_an_undisturbed_run() {
    let expected = undisturbed_shape().await;
    let world = common::confirmed_world().await;
    let mut cut_offs = 0;
    let progress = common::silent();
    // Each attempt is cut off after a growing time, like a process killed mid-run; the state
    // store survives and the next attempt resumes.
    for millis in [
        15u64, 30, 45, 60, 80, 100, 130, 160, 200, 250, 300, 400, 500, 700, 1000,
    ] {
        let options = MigrateOptions::new(RunMode::Full).continue_on_mismatch();
        let attempt = migrate::run(&world.project, &options, &progress);
        if tokio::time::timeout(Duration::from_millis(millis), attempt)
            .await
            .is_err()
        {
            cut_offs += 1;
        }
    }
    common::full_migration(&world).await;
    assert!(cut_offs >= 5, "only {cut_offs} runs were cut off");
    assert_same(&shape(&world.intercom.workspace()), &expected);
    assert_verified(&world).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tight_rate_limit_and_a_5xx_storm_slow_the_run_but_lose_nothing() {
    let expected = undisturbed_shape().await;
    let world = common::confirmed_world().await;
    // 200 requests per one-second window, and one request in seven answered with a 5xx.
    world
        .intercom
        .set_rate_limit(RateLimitConfig::per_app(1200).with_window(Duration::from_secs(1)));
    world
        .intercom
        .set_faults(IntercomFaults::common(fixtures::sim::faults::FaultConfig {
            seed: 5,
            server_error_rate: 0.15,
            ..fixtures::sim::faults::FaultConfig::default()
        }));
    for _ in 0..3 {
        common::full_migration(&world).await;
    }
    let stats = world.intercom.stats();
    assert!(
        stats.faults.values().sum::<u64>() > 0,
        "the storm must have hit: {:?}",
        stats.faults
    );
    settle_and_compare(&world, &expected).await;
}
