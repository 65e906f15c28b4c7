//! The ports drive a run: a tiny engine loop over the memory store and a recording
//! destination, then the rollback planned from the journal.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use futures::StreamExt;
use migration_core::idmap::{DestinationRef, EmptyIdMap};
use migration_core::model::destination::{DestinationSchema, ObservedRecord};
use migration_core::plan::plan_with;
use migration_core::ports::{
    Destination, ExecutionOutcome, ExecutionRequest, MemoryStateStore, ResolvedRefs, StateStore,
    WriteEffect,
};
use migration_core::rollback::{plan_rollback, UndoStep};
use migration_core::transform::Mapper;
use migration_core::{DestinationOp, PortError, RecordKind};

use crate::common;

/// Creates everything, except that one company "already existed" and is updated.
#[derive(Default)]
struct Recorder {
    next: Mutex<u64>,
}

#[async_trait]
impl Destination for Recorder {
    async fn schema(&self) -> Result<DestinationSchema, PortError> {
        Ok(common::destination())
    }

    async fn execute(&self, request: ExecutionRequest<'_>) -> Result<ExecutionOutcome, PortError> {
        for key in &request.operation.requires {
            assert!(
                request.refs.get(key).is_some(),
                "{} ran before {key} existed",
                request.operation.mark
            );
        }
        let mut next = self.next.lock().unwrap();
        *next += 1;
        let effect = match &request.operation.op {
            DestinationOp::MatchAdmin { .. }
            | DestinationOp::MatchFallbackAdmin { .. }
            | DestinationOp::MatchTeam { .. } => WriteEffect::Matched,
            DestinationOp::UpsertCompany(_) => WriteEffect::Updated {
                previous: BTreeMap::from([("name".to_string(), "Old name".into())]),
            },
            _ if request.operation.creates.is_some() => WriteEffect::Created,
            _ => WriteEffect::Added,
        };
        Ok(ExecutionOutcome {
            destination: Some(DestinationRef::id(format!("d{next}"))),
            effect,
        })
    }

    async fn read_back(
        &self,
        _kind: RecordKind,
        _id: &str,
    ) -> Result<Option<ObservedRecord>, PortError> {
        Ok(None)
    }

    async fn undo(&self, _step: &UndoStep) -> Result<(), PortError> {
        Ok(())
    }
}

#[tokio::test]
async fn a_run_through_the_ports_can_be_rolled_back() {
    let instance = common::small_instance();
    let mapper = Mapper::new(
        &common::default_spec(&instance),
        &instance.schema,
        instance.directory(),
    )
    .unwrap();
    let plan = plan_with(&mapper, &instance, &EmptyIdMap).plan;
    let store = MemoryStateStore::new();
    let destination = Recorder::default();
    for operation in plan.operations() {
        if store.completed(&operation.mark).await.unwrap().is_some() {
            continue;
        }
        let mut refs = ResolvedRefs::default();
        for key in &operation.requires {
            let found = store
                .lookup(key)
                .await
                .unwrap()
                .expect("plan order guarantees it");
            refs.0.insert(key.clone(), found);
        }
        let sequence = store.begin(operation, &refs).await.unwrap();
        let outcome = destination
            .execute(ExecutionRequest {
                operation,
                refs: &refs,
                files: &[],
            })
            .await
            .unwrap();
        if let (Some(key), Some(created)) = (&operation.creates, &outcome.destination) {
            store.remember(key, created).await.unwrap();
        }
        store.complete(sequence, &outcome).await.unwrap();
    }
    let journal: Vec<_> = store.journal().map(Result::unwrap).collect().await;
    assert_eq!(journal.len(), plan.operations().len());
    let rollback = plan_rollback(&journal);
    assert!(rollback.uncertain.is_empty());
    // The company existed before: restored, never deleted.
    assert!(rollback.steps.iter().any(|step| matches!(
        step,
        UndoStep::Restore {
            kind: RecordKind::Company,
            ..
        }
    )));
    assert!(!rollback.steps.iter().any(|step| matches!(
        step,
        UndoStep::Delete {
            kind: RecordKind::Company,
            ..
        }
    )));
    // Matched admins and teams are left alone; created attributes are archived, not deleted.
    assert!(!rollback.steps.iter().any(|step| matches!(
        step,
        UndoStep::Delete {
            kind: RecordKind::Admin | RecordKind::Team,
            ..
        }
    )));
    assert!(rollback.steps.iter().any(|step| matches!(
        step,
        UndoStep::Archive {
            kind: RecordKind::Attribute,
            ..
        }
    )));
    // Newest first: the last thread created is the first thing deleted.
    let first_delete = rollback.steps.iter().find_map(|step| match step {
        UndoStep::Delete { key, .. } => Some(key.kind()),
        _ => None,
    });
    assert!(
        matches!(
            first_delete,
            Some(RecordKind::Contact | RecordKind::Ticket | RecordKind::Conversation)
        ),
        "{first_delete:?}"
    );
    // Parts, tags and links on threads the run created need no step of their own.
    assert!(!rollback.steps.iter().any(|step| matches!(
        step,
        UndoStep::RedactPart { .. } | UndoStep::Untag { .. } | UndoStep::Unlink { .. }
    )));
    // A rerun skips everything already done.
    for operation in plan.operations() {
        assert!(
            store.completed(&operation.mark).await.unwrap().is_some(),
            "{}",
            operation.mark
        );
    }
}
