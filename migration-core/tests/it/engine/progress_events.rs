//! What a progress display learns from the engine: each stage's total when it is known, and
//! how many of its items are done, counted the same way.

use std::collections::BTreeMap;
use std::sync::Arc;

use migration_core::engine::{CollectingObserver, Event, RunMode, Stage};
use migration_core::model::source::{SourceInstance, SourceKind};

use super::harness::{confirmed, instance, World};

/// Each stage's announced total and its last `done`, from a run's events.
fn totals_and_done(events: &[Event]) -> BTreeMap<Stage, (Option<u64>, u64)> {
    let mut stages = BTreeMap::new();
    for event in events {
        match event {
            Event::StageStarted { stage, total } => {
                stages.insert(*stage, (*total, 0));
            }
            Event::StageAdvanced { stage, done } => {
                let entry = stages.get_mut(stage).expect("advanced after it started");
                assert_eq!(*done, entry.1 + 1, "{stage:?} counts one item at a time");
                entry.1 = *done;
            }
            _ => {}
        }
    }
    stages
}

fn counts(instance: &SourceInstance) -> [(SourceKind, u64); 4] {
    [
        (
            SourceKind::Organisation,
            instance.organisations.len() as u64,
        ),
        (SourceKind::Caller, instance.callers.len() as u64),
        (SourceKind::Ticket, instance.tickets.len() as u64),
        (SourceKind::Article, instance.articles.len() as u64),
    ]
}

#[tokio::test]
async fn a_full_run_announces_every_total_and_advances_each_stage_to_it() {
    let instance = instance(6);
    let spec = confirmed(&instance);
    let expected = counts(&instance);
    let world = World::new(instance);
    let events = Arc::new(CollectingObserver::new());
    world
        .engine()
        .observer(events.clone())
        .expected_records(expected)
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    let stages = totals_and_done(&events.take());
    assert_eq!(stages.len(), Stage::ALL.len(), "{stages:?}");
    for (stage, (total, done)) in &stages {
        assert_eq!(*total, Some(*done), "{stage:?}: total and items done");
    }
    assert_eq!(
        stages[&Stage::Tickets],
        (Some(8), 8),
        "the placeholder is no ticket"
    );
}

#[tokio::test]
async fn streamed_stages_have_no_total_without_counts_or_in_a_delta() {
    let instance = instance(2);
    let spec = confirmed(&instance);
    let expected = counts(&instance);
    let world = World::new(instance);
    let streamed = [
        Stage::Companies,
        Stage::Contacts,
        Stage::Articles,
        Stage::Tickets,
    ];
    let uncounted = Arc::new(CollectingObserver::new());
    world
        .engine()
        .observer(uncounted.clone())
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    let stages = totals_and_done(&uncounted.take());
    for stage in streamed {
        assert_eq!(stages[&stage].0, None, "{stage:?} without counts");
        assert!(stages[&stage].1 > 0, "{stage:?} still advances");
    }
    let delta = Arc::new(CollectingObserver::new());
    world
        .engine()
        .observer(delta.clone())
        .expected_records(expected)
        .build()
        .run(&spec, RunMode::Delta)
        .await
        .unwrap();
    let stages = totals_and_done(&delta.take());
    for stage in streamed {
        assert_eq!(stages[&stage].0, None, "{stage:?} in a delta");
    }
}
