//! Verification finds what changed behind the engine's back; rollback returns the
//! destination to what it was, resumably.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use migration_core::engine::{
    Event, Observer, RollbackOptions, RunMode, RunOutcome, StopHandle, VerifyOptions,
    VerifySelection,
};
use migration_core::keys::{RecordKey, RecordKind};
use migration_core::model::source::{SourceKind, SourceRef};
use migration_core::ports::{RecordStatus, StateStore};
use migration_core::EngineError;
use serde_json::json;

use super::fake_destination::Faults;
use super::harness::{confirmed, instance, World};

#[tokio::test]
async fn verify_finds_a_record_corrupted_behind_the_engines_back() {
    let instance = instance(3);
    let spec = confirmed(&instance);
    let world = World::new(instance);
    world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    let engine = world.engine().build();
    let clean = engine
        .verify(&spec, &VerifyOptions::default())
        .await
        .unwrap();
    assert!(clean.is_clean(), "{:#?}", clean.differences);
    let contacts = clean.objects[&RecordKind::Contact];
    assert_eq!(
        (contacts.migrated, contacts.checked, contacts.matching),
        (2, 2, 2),
        "two callers share one contact"
    );
    let threads = clean
        .objects
        .get(&RecordKind::Conversation)
        .map_or(0, |counts| counts.matching)
        + clean
            .objects
            .get(&RecordKind::Ticket)
            .map_or(0, |counts| counts.matching);
    assert_eq!(threads, 5);

    world
        .destination
        .corrupt(&RecordKey::contact(1001), "name", json!("Someone Else"));
    world
        .destination
        .corrupt(&RecordKey::conversation(5001), "state", json!("snoozed"));
    let found = engine
        .verify(&spec, &VerifyOptions::default())
        .await
        .unwrap();
    assert!(!found.is_clean());
    let mut differences: Vec<(
        RecordKey,
        String,
        serde_json::Value,
        Option<serde_json::Value>,
    )> = found
        .differences
        .iter()
        .map(|difference| {
            (
                difference.key.clone(),
                difference.field.clone(),
                difference.expected.clone(),
                difference.found.clone(),
            )
        })
        .collect();
    differences.sort_by(|left, right| left.0.cmp(&right.0));
    assert_eq!(
        differences,
        vec![
            (
                RecordKey::contact(1001),
                "name".into(),
                json!("Caller 1001"),
                Some(json!("Someone Else"))
            ),
            (
                RecordKey::conversation(5001),
                "state".into(),
                json!("closed"),
                Some(json!("snoozed"))
            ),
        ]
    );
    assert!(found.differences.iter().all(|difference| matches!(
        difference.record.kind,
        SourceKind::Caller | SourceKind::Ticket
    )));
    assert_eq!(found.objects[&RecordKind::Contact].differing, 1);
}

#[tokio::test]
async fn verify_samples_reproducibly_and_checks_attachment_checksums() {
    let instance = instance(8);
    let spec = confirmed(&instance);
    let world = World::new(instance);
    world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    let engine = world.engine().build();
    let checked = |report: &migration_core::engine::VerifyReport| {
        report
            .objects
            .values()
            .map(|counts| counts.checked)
            .sum::<u64>()
    };
    let count = VerifyOptions {
        selection: VerifySelection::Count {
            records: 4,
            seed: 9,
        },
        attachment_checksums: true,
    };
    let report = engine.verify(&spec, &count).await.unwrap();
    assert_eq!(checked(&report), 4);
    assert!(report.is_clean(), "{:#?}", report.differences);
    let percent = VerifyOptions {
        selection: VerifySelection::Percent {
            percent: 50,
            seed: 3,
        },
        attachment_checksums: true,
    };
    let first = engine.verify(&spec, &percent).await.unwrap();
    let second = engine.verify(&spec, &percent).await.unwrap();
    assert_eq!(
        first.objects, second.objects,
        "the same seed checks the same records"
    );
    let all = engine
        .verify(&spec, &VerifyOptions::default())
        .await
        .unwrap();
    assert!(checked(&first) < checked(&all));

    // An attachment whose bytes changed in the destination is found by its checksum.
    world
        .destination
        .corrupt_file(&RecordKey::conversation(5001));
    let report = engine
        .verify(&spec, &VerifyOptions::default())
        .await
        .unwrap();
    let fields: Vec<&str> = report
        .differences
        .iter()
        .map(|difference| difference.field.as_str())
        .collect();
    assert!(
        fields.iter().any(|field| field.ends_with(".sha256")),
        "{fields:?}"
    );
}

#[tokio::test]
async fn rollback_returns_the_destination_to_what_it_was_and_a_rerun_moves_it_again() {
    let instance = instance(3);
    let spec = confirmed(&instance);
    let world = World::new(instance);
    let before = world.destination.snapshot();
    world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    let after_run = world.destination.snapshot();
    assert_ne!(before, after_run);

    let engine = world.engine().build();
    let plan = engine
        .rollback(&RollbackOptions { dry_run: true })
        .await
        .unwrap();
    assert!(!plan.steps.is_empty());
    assert_eq!(
        world.destination.snapshot(),
        after_run,
        "a dry run changes nothing"
    );

    let report = engine.rollback(&RollbackOptions::default()).await.unwrap();
    assert!(report.is_complete(), "{report:#?}");
    assert_eq!(report.undone as usize, plan.steps.len());
    assert_eq!(
        world.destination.violations(),
        Vec::<String>::new(),
        "nothing that existed before was deleted"
    );
    assert_eq!(
        world.destination.snapshot(),
        before,
        "every record created is gone; the company that existed is restored"
    );
    assert!(world.journal().await.is_empty());
    assert_eq!(
        world.store.lookup(&RecordKey::contact(1001)).await.unwrap(),
        None
    );
    assert_eq!(
        world
            .store
            .record_status(SourceRef::new(SourceKind::Ticket, 5001))
            .await
            .unwrap(),
        Some(RecordStatus::Pending)
    );

    let again = world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(again.outcome, RunOutcome::Completed);
    assert_eq!(world.destination.snapshot(), after_run);
}

/// Stops the engine after a number of undone steps.
struct StopAfter {
    steps: AtomicUsize,
    limit: usize,
    stop: StopHandle,
}

impl Observer for StopAfter {
    fn observe(&self, event: &Event) {
        if matches!(event, Event::UndoDone { .. })
            && self.steps.fetch_add(1, Ordering::SeqCst) + 1 == self.limit
        {
            self.stop.stop();
        }
    }
}

#[tokio::test]
async fn rollback_can_be_interrupted_or_crash_and_resume() {
    let instance = instance(3);
    let spec = confirmed(&instance);
    let world = World::new(instance);
    let before = world.destination.snapshot();
    world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();

    let stop = StopHandle::new();
    let observer = Arc::new(StopAfter {
        steps: AtomicUsize::new(0),
        limit: 5,
        stop: stop.clone(),
    });
    let stopped = world
        .engine()
        .observer(observer)
        .stop_handle(stop)
        .build()
        .rollback(&RollbackOptions::default())
        .await
        .unwrap();
    assert!(stopped.interrupted);
    assert_eq!(stopped.undone, 5);

    world.destination.set_faults(Faults {
        crash_undo_after: Some(8),
        ..Faults::default()
    });
    let crashed = world
        .engine()
        .build()
        .rollback(&RollbackOptions::default())
        .await;
    assert!(
        matches!(crashed, Err(EngineError::Destination { .. })),
        "{crashed:?}"
    );

    let resumed = world
        .engine()
        .build()
        .rollback(&RollbackOptions::default())
        .await
        .unwrap();
    assert!(resumed.is_complete(), "{resumed:#?}");
    assert_eq!(
        stopped.undone + 3 + resumed.undone + resumed.already_absent,
        stopped.steps.len() as u64,
        "no step twice, none skipped"
    );
    assert_eq!(world.destination.violations(), Vec::<String>::new());
    assert_eq!(world.destination.snapshot(), before);
}

#[tokio::test]
async fn rollback_after_a_crash_settles_the_write_whose_outcome_was_unknown() {
    let instance = instance(1);
    let spec = confirmed(&instance);
    let world = World::new(instance);
    let before = world.destination.snapshot();
    world.destination.set_faults(Faults {
        crash_after: Some(40),
        crash_applies: true,
        ..Faults::default()
    });
    assert!(world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .is_err());
    let report = world
        .engine()
        .build()
        .rollback(&RollbackOptions::default())
        .await
        .unwrap();
    assert!(report.is_complete(), "{report:#?}");
    assert_eq!(
        world.destination.snapshot(),
        before,
        "the applied write whose answer was lost is undone too"
    );
}
