//! Exactly once: crashes at every point, lost responses, transient errors, refusals, reruns.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use migration_core::engine::{Engine, EngineError, FailureCode, RunMode, RunOutcome, Stage};
use migration_core::model::source::{SourceInstance, SourceKind};
use migration_core::spec::ConfirmedSpec;
use serde_json::Value;

use super::fake_destination::Faults;
use super::faulty_store::FaultyStore;
use super::harness::{confirmed, instance, NoWait, World};

/// The destination after an uninterrupted run.
async fn baseline(instance: &SourceInstance, spec: &ConfirmedSpec) -> BTreeMap<String, Value> {
    let world = World::new(instance.clone());
    let report = world
        .engine()
        .build()
        .run(spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(report.outcome, RunOutcome::Completed);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    world.destination.snapshot()
}

#[tokio::test]
async fn a_full_run_moves_everything_in_order_and_a_second_run_sends_nothing() {
    let instance = instance(6);
    let spec = confirmed(&instance);
    let world = World::new(instance);
    let report = world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(report.outcome, RunOutcome::Completed);
    assert_eq!(world.destination.violations(), Vec::<String>::new());
    let tickets = report.objects[&SourceKind::Ticket];
    assert_eq!((tickets.source, tickets.moved, tickets.failed), (8, 8, 0));
    assert!(report
        .stages
        .iter()
        .filter_map(|stage| stage.reconciliation.as_ref())
        .all(|check| check.matches));
    assert!(report.requests_per_record > 1.0);
    assert!(report.watermark.is_some());
    assert_eq!(report.unlinked_children, Vec::new(), "both parents moved");
    let stages: Vec<Stage> = report.stages.iter().map(|stage| stage.stage).collect();
    assert_eq!(stages, Stage::ALL.to_vec());

    let calls = world.destination.calls();
    let again = world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(
        world.destination.calls(),
        calls,
        "a finished run sends nothing"
    );
    assert_eq!(again.operations().sent, 0);
    assert_eq!(again.objects[&SourceKind::Ticket].skipped, 8);
    assert_eq!(world.destination.reconciles(), 0);
}

#[tokio::test]
async fn a_run_crashed_at_any_write_and_resumed_ends_as_an_uninterrupted_run() {
    let instance = instance(2);
    let spec = confirmed(&instance);
    let expected = baseline(&instance, &spec).await;
    let total = World::new(instance.clone());
    total
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    let writes = total.destination.writes();
    assert!(writes > 50, "{writes} writes");
    for crash_after in 0..writes {
        let world = World::new(instance.clone());
        let applies = crash_after % 2 == 0;
        world.destination.set_faults(Faults {
            crash_after: Some(crash_after),
            crash_applies: applies,
            ..Faults::default()
        });
        let concurrency = 1 + (crash_after as usize % 4);
        let crashed = world
            .engine()
            .concurrency(concurrency)
            .build()
            .run(&spec, RunMode::Full)
            .await;
        assert!(
            matches!(crashed, Err(EngineError::Destination { .. })),
            "crash after {crash_after}: {crashed:?}"
        );
        let resumed = world
            .engine()
            .build()
            .run(&spec, RunMode::Full)
            .await
            .unwrap();
        assert_eq!(resumed.outcome, RunOutcome::Completed);
        assert_eq!(
            world.destination.violations(),
            Vec::<String>::new(),
            "crash after {crash_after} (applied: {applies})"
        );
        assert_eq!(
            world.destination.snapshot(),
            expected,
            "crash after {crash_after} (applied: {applies})"
        );
        if applies {
            assert!(
                resumed.operations().reconciled >= 1,
                "the applied write is found, not sent again"
            );
        }
    }
}

#[tokio::test]
async fn a_run_whose_state_store_fails_between_any_two_steps_resumes_without_duplicates() {
    let instance = instance(1);
    let spec = confirmed(&instance);
    let expected = baseline(&instance, &spec).await;
    let mut crash_after = 0;
    loop {
        let world = World::new(instance.clone());
        let store = FaultyStore::new(&world.store, crash_after);
        let crashed = Engine::builder(&world.source, &world.destination, &store)
            .sleeper(Arc::new(NoWait::default()))
            .concurrency(3)
            .build()
            .run(&spec, RunMode::Full)
            .await;
        let finished = crashed.is_ok();
        if !finished {
            assert!(matches!(crashed, Err(EngineError::Store(_))), "{crashed:?}");
            world
                .engine()
                .build()
                .run(&spec, RunMode::Full)
                .await
                .unwrap();
        }
        assert_eq!(
            world.destination.violations(),
            Vec::<String>::new(),
            "store failing after {crash_after} writes"
        );
        assert_eq!(
            world.destination.snapshot(),
            expected,
            "store failing after {crash_after} writes"
        );
        if finished {
            break;
        }
        crash_after += 3;
    }
    assert!(
        crash_after > 100,
        "the loop covered the whole run ({crash_after} store writes)"
    );
}

#[tokio::test]
async fn lost_responses_are_reconciled_and_never_duplicate() {
    let instance = instance(4);
    let spec = confirmed(&instance);
    let expected = baseline(&instance, &spec).await;
    let world = World::new(instance);
    world.destination.set_faults(Faults {
        lose_every: Some(3),
        ..Faults::default()
    });
    let report = world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(report.outcome, RunOutcome::Completed);
    assert!(
        report.operations().reconciled > 10,
        "{:?}",
        report.operations()
    );
    assert_eq!(world.destination.violations(), Vec::<String>::new());
    assert_eq!(world.destination.snapshot(), expected);
}

#[tokio::test]
async fn transient_failures_back_off_and_retry() {
    let instance = instance(2);
    let spec = confirmed(&instance);
    let expected = baseline(&instance, &spec).await;
    let world = World::new(instance);
    world.destination.set_faults(Faults {
        transient_every: Some(4),
        ..Faults::default()
    });
    let sleeper = Arc::new(NoWait::default());
    let report = world
        .engine()
        .sleeper(sleeper.clone())
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    let operations = report.operations();
    assert!(operations.retries > 10, "{operations:?}");
    assert_eq!(operations.requests, operations.sent + operations.retries);
    assert_eq!(
        sleeper.0.load(std::sync::atomic::Ordering::SeqCst),
        operations.retries
    );
    assert_eq!(world.destination.snapshot(), expected);
}

#[tokio::test]
async fn a_transient_failure_that_does_not_clear_stops_the_run_resumably() {
    let instance = instance(0);
    let spec = confirmed(&instance);
    let world = World::new(instance);
    world.destination.set_faults(Faults {
        transient_every: Some(1),
        ..Faults::default()
    });
    let stopped = world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap_err();
    assert!(
        matches!(stopped, EngineError::RetriesExhausted { attempts: 6, .. }),
        "{stopped:?}"
    );
    assert!(stopped.is_retryable());
    world.destination.set_faults(Faults::default());
    let report = world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(report.outcome, RunOutcome::Completed);
}

#[tokio::test]
async fn a_refused_record_is_reported_stops_on_mismatch_and_moves_once_fixed() {
    let instance = instance(2);
    let spec = confirmed(&instance);
    let expected = baseline(&instance, &spec).await;
    let world = World::new(instance);
    let refused = "part:vivantio-action:70005".to_string();
    world.destination.set_faults(Faults {
        refuse: HashSet::from([refused.clone()]),
        ..Faults::default()
    });
    let report = world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(
        report.outcome,
        RunOutcome::StoppedOnMismatch {
            stage: Stage::Tickets
        }
    );
    assert!(report.stage(Stage::Links).is_none(), "later stages wait");
    let [failure] = report.failures.as_slice() else {
        panic!("{:?}", report.failures)
    };
    assert_eq!(failure.mark, refused);
    assert_eq!(failure.code, FailureCode::DestinationRejected);
    assert!(
        failure.message.contains("refused the value"),
        "the API's own message: {}",
        failure.message
    );
    assert!(!failure.fix.is_empty());
    assert_eq!(report.objects[&SourceKind::Ticket].failed, 1);

    let report = world
        .engine()
        .continue_on_mismatch(true)
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(report.outcome, RunOutcome::Completed);
    assert_eq!(report.failures.len(), 1, "still refused, still reported");

    world.destination.set_faults(Faults::default());
    let report = world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(report.outcome, RunOutcome::Completed);
    assert_eq!(
        world.destination.violations(),
        Vec::<String>::new(),
        "the rest of the thread arrives in order"
    );
    assert_eq!(world.destination.snapshot(), expected);
}
