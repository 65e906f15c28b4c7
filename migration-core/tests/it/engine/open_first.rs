//! Open-first order: every open ticket and what it needs moves before any closed ticket, the
//! closed tickets newest first, each pass keeping the load order; the destination ends as a run
//! by stage leaves it, exactly once across crashes, and delta, verify, rollback and the
//! `[scope]` work as in a run by stage.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use migration_core::engine::{
    CollectingObserver, EngineError, Event, Pass, RollbackOptions, RunMode, RunOrder, RunOutcome,
    RunReport, Stage, VerifyOptions,
};
use migration_core::keys::RecordKind;
use migration_core::model::source::{
    Caller, Organisation, SourceInstance, SourceKind, Status, StatusKind, Ticket,
};
use migration_core::ops::Phase;
use migration_core::spec::{ConfirmedSpec, Scope, TicketScope};
use serde_json::Value;

use super::fake_destination::Faults;
use super::harness::{at, World};
use crate::common;

const OPEN: [i64; 3] = [7001, 7002, 7006];
/// The closed tickets, most recently closed first (7004 and 7007 closed at the same time: the
/// higher id first).
const CLOSED_NEWEST_FIRST: [i64; 4] = [7007, 7004, 7003, 7005];

/// Seven tickets: three open, on hold or pending, four closed at different times. Open 7001 is
/// the child of closed 7005; pending 7002 has messages from a caller (1005) of another
/// organisation (103) whom no open ticket has as its caller; 7006's caller shares 1001's email.
fn instance() -> SourceInstance {
    let mut instance = common::small_instance();
    for (id, name, kind) in [
        (7, "Waiting on customer", StatusKind::Pending),
        (8, "Parked", StatusKind::OnHold),
    ] {
        instance.schema.statuses.push(Status {
            id,
            name: name.into(),
            kind,
            record_type_id: Some(11),
            enabled: true,
        });
    }
    let organisation = instance.organisations[0].clone();
    for (id, name) in [(102, "Northwind"), (103, "Contoso")] {
        instance.organisations.push(Organisation {
            id,
            name: name.into(),
            reference: None,
            email: None,
            ..organisation.clone()
        });
    }
    let caller = instance.callers[0].clone();
    for (id, email, client) in [
        (1004, "ana@northwind.example", Some(102)),
        (1005, "li@contoso.example", Some(103)),
        (1006, "sam@example.org", None),
    ] {
        instance.callers.push(Caller {
            id,
            name: Some(format!("Caller {id}")),
            email: Some(email.into()),
            phone: None,
            client_id: client,
            ..caller.clone()
        });
    }
    instance.tickets = tickets(&instance.tickets[0]);
    instance
}

/// The tickets of [`instance`], made from `template`.
fn tickets(template: &Ticket) -> Vec<Ticket> {
    let ticket = |id: i64, status: i64, caller: i64, closed: Option<&str>, author: &str| {
        let mut ticket = template.clone();
        ticket.id = id;
        ticket.display_id = Some(format!("T-{id}"));
        ticket.status_id = Some(status);
        ticket.caller_id = Some(caller);
        ticket.opened_at = at("2023-01-01T09:00:00");
        ticket.closed_at = closed.and_then(at);
        ticket.updated_at = closed.and_then(at).or(ticket.opened_at);
        ticket.sla.clear();
        for (position, action) in ticket.actions.iter_mut().enumerate() {
            action.id = id * 100 + position as i64;
            action.attachments.retain(|file| file.size < Some(1_000));
            for (number, file) in action.attachments.iter_mut().enumerate() {
                file.id = id * 1_000 + position as i64 * 20 + number as i64;
                file.guid = format!("00000000-0000-0000-0000-{:012}", file.id);
            }
            if action.author_email.is_some() {
                action.author_email = Some(author.into());
            }
        }
        ticket
    };
    let mut child = ticket(7001, 1, 1004, None, "ana@northwind.example");
    child.parent_ids = vec![7005];
    vec![
        child,
        ticket(7002, 7, 1003, None, "li@contoso.example"),
        ticket(
            7003,
            6,
            1001,
            Some("2024-03-01T09:00:00"),
            "rachel.hughes@harbourlogistics.co.uk",
        ),
        ticket(
            7004,
            6,
            1006,
            Some("2024-05-01T09:00:00"),
            "sam@example.org",
        ),
        ticket(
            7005,
            6,
            1002,
            Some("2023-01-02T09:00:00"),
            "rachel.hughes@harbourlogistics.co.uk",
        ),
        ticket(7006, 8, 1002, None, "rachel.hughes@harbourlogistics.co.uk"),
        ticket(
            7007,
            6,
            1004,
            Some("2024-05-01T09:00:00"),
            "ana@northwind.example",
        ),
    ]
}

fn confirmed_with(instance: &SourceInstance, scope: Scope) -> ConfirmedSpec {
    let mut spec = common::default_spec(instance);
    spec.scope = scope;
    spec.parent_child.link = true;
    ConfirmedSpec::new(
        spec.confirmed("tester", "2024-06-01T00:00:00Z"),
        &instance.schema,
        &common::destination(),
    )
    .expect("the specification is valid")
}

async fn run(world: &World, spec: &ConfirmedSpec, order: RunOrder) -> RunReport {
    let report = world
        .engine()
        .concurrency(1)
        .order(order)
        .build()
        .run(spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(report.outcome, RunOutcome::Completed);
    assert_eq!(world.destination.violations(), Vec::<String>::new());
    report
}

/// Where each source record's first write is in the destination's log.
fn first_writes(world: &World, kind: SourceKind) -> BTreeMap<i64, usize> {
    let mut first = BTreeMap::new();
    for (index, (_, source)) in world.destination.log().iter().enumerate() {
        if let Some(source) = source.filter(|source| source.kind == kind) {
            first.entry(source.id).or_insert(index);
        }
    }
    first
}

/// The destination, record for record, and the run's counts, after a run by stage.
async fn by_stage(
    instance: &SourceInstance,
    spec: &ConfirmedSpec,
) -> (BTreeMap<String, Value>, RunReport) {
    let world = World::new(instance.clone());
    let report = run(&world, spec, RunOrder::ByStage).await;
    (world.destination.snapshot(), report)
}

#[tokio::test]
async fn open_tickets_and_what_they_need_move_first_then_closed_ones_newest_first() {
    let instance = instance();
    let spec = confirmed_with(&instance, Scope::default());
    let world = World::new(instance.clone());
    let report = run(&world, &spec, RunOrder::OpenFirst).await;

    let tickets = first_writes(&world, SourceKind::Ticket);
    assert_eq!(tickets.len(), 7, "every ticket moved: {tickets:?}");
    let last_open = OPEN.iter().map(|id| tickets[id]).max().unwrap();
    let first_closed = CLOSED_NEWEST_FIRST
        .iter()
        .map(|id| tickets[id])
        .min()
        .unwrap();
    assert!(last_open < first_closed, "{tickets:?}");
    let closed: Vec<usize> = CLOSED_NEWEST_FIRST.iter().map(|id| tickets[id]).collect();
    assert!(
        closed.windows(2).all(|pair| pair[0] < pair[1]),
        "{tickets:?}"
    );

    // Only the people the open tickets need came before them; the caller of closed tickets
    // alone (1006) came after. The colleague writing in on 7002 (1005) and their company came
    // before 7002, in the second round.
    let contacts = first_writes(&world, SourceKind::Caller);
    let companies = first_writes(&world, SourceKind::Organisation);
    assert!(contacts[&1006] > last_open, "{contacts:?} {tickets:?}");
    for caller in [1001, 1003, 1004] {
        assert!(contacts[&caller] < tickets[&7001], "{contacts:?}");
    }
    assert!(contacts[&1005] > tickets[&7001] && contacts[&1005] < tickets[&7002]);
    assert!(companies[&103] > tickets[&7001] && companies[&103] < tickets[&7002]);

    let (expected, stage_report) = by_stage(&instance, &spec).await;
    assert_eq!(
        world.destination.snapshot(),
        expected,
        "the same destination"
    );
    assert_eq!(
        report.objects, stage_report.objects,
        "each record counted once"
    );
    assert_eq!(report.findings, stage_report.findings);
    assert!(report.unlinked_children.is_empty(), "7001 linked to 7005");

    let passes: Vec<(Stage, Option<Pass>)> = report
        .stages
        .iter()
        .map(|stage| (stage.stage, stage.pass))
        .collect();
    let open = Some(Pass::Open);
    let history = Some(Pass::History);
    assert_eq!(
        passes,
        [
            (Stage::Schema, open),
            (Stage::People, open),
            (Stage::Companies, open),
            (Stage::Contacts, open),
            (Stage::Collections, open),
            (Stage::Articles, open),
            (Stage::ArticleLinks, open),
            (Stage::Tickets, open),
            (Stage::Companies, open),
            (Stage::Contacts, open),
            (Stage::Tickets, open),
            (Stage::Companies, history),
            (Stage::Contacts, history),
            (Stage::Tickets, history),
            (Stage::Links, history),
        ]
    );
    assert!(report
        .stages
        .iter()
        .filter_map(|stage| stage.reconciliation.as_ref())
        .all(|check| check.matches));
}

#[tokio::test]
async fn the_moment_every_open_ticket_is_in_the_destination_is_kept_before_any_closed_one_moves() {
    let instance = instance();
    let spec = confirmed_with(&instance, Scope::default());
    let world = World::new(instance);
    let observer = Arc::new(CollectingObserver::new());
    world
        .engine()
        .order(RunOrder::OpenFirst)
        .observer(observer.clone())
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    let (tickets, journalled) = world.store.open_tickets_moved().expect("kept");
    assert_eq!(tickets, 3);
    let journal = world.journal().await;
    let ticket_of = |index: usize| {
        let operation = &journal[index].operation;
        operation
            .source
            .filter(|source| source.kind == SourceKind::Ticket && operation.phase != Phase::Links)
            .map(|source| source.id)
    };
    let before: Vec<i64> = (0..journalled).filter_map(ticket_of).collect();
    let after: Vec<i64> = (journalled..journal.len()).filter_map(ticket_of).collect();
    assert!(!before.is_empty() && before.iter().all(|id| OPEN.contains(id)));
    assert!(!after.is_empty() && after.iter().all(|id| !OPEN.contains(id)));

    let events = observer.take();
    let position = |wanted: &dyn Fn(&Event) -> bool| events.iter().position(wanted).unwrap();
    let open = position(&|event| matches!(event, Event::PassStarted { pass: Pass::Open }));
    let moved = position(&|event| matches!(event, Event::OpenTicketsMoved { tickets: 3 }));
    let history = position(&|event| {
        matches!(
            event,
            Event::PassStarted {
                pass: Pass::History
            }
        )
    });
    assert!(open < moved && moved < history);
}

#[tokio::test]
async fn a_run_crashed_anywhere_in_either_pass_and_resumed_ends_as_a_run_by_stage() {
    let instance = instance();
    let spec = confirmed_with(&instance, Scope::default());
    let (expected, _) = by_stage(&instance, &spec).await;
    let whole = World::new(instance.clone());
    run(&whole, &spec, RunOrder::OpenFirst).await;
    let writes = whole.destination.writes();
    assert!(writes > 40, "{writes} writes");
    for crash_after in 0..writes {
        let world = World::new(instance.clone());
        let applies = crash_after % 2 == 1;
        world.destination.set_faults(Faults {
            crash_after: Some(crash_after),
            crash_applies: applies,
            ..Faults::default()
        });
        let crashed = world
            .engine()
            .order(RunOrder::OpenFirst)
            .concurrency(1 + crash_after as usize % 3)
            .build()
            .run(&spec, RunMode::Full)
            .await;
        assert!(
            matches!(crashed, Err(EngineError::Destination { .. })),
            "crash after {crash_after}: {crashed:?}"
        );
        let resumed = world
            .engine()
            .order(RunOrder::OpenFirst)
            .build()
            .run(&spec, RunMode::Full)
            .await
            .unwrap();
        let context = format!("crash after write {crash_after} (applied: {applies})");
        assert_eq!(resumed.outcome, RunOutcome::Completed, "{context}");
        assert_eq!(
            world.destination.violations(),
            Vec::<String>::new(),
            "{context}"
        );
        assert_eq!(world.destination.snapshot(), expected, "{context}");
        assert_eq!(world.store.open_tickets_moved().map(|kept| kept.0), Some(3));
    }
}

#[tokio::test]
async fn delta_verify_and_rollback_work_after_an_open_first_run() {
    let instance = instance();
    let spec = confirmed_with(&instance, Scope::default());
    let change = |world: &World| {
        world.source.edit(|instance| {
            let open = instance.tickets.iter_mut().find(|t| t.id == 7001).unwrap();
            let mut reply = open.actions[2].clone();
            reply.id = 700_199;
            reply.at = at("2026-04-04T10:00:00");
            reply.notes = Some("Any news?".into());
            open.actions.push(reply);
            open.updated_at = at("2026-04-04T10:00:00");
            let mut new = instance.tickets[0].clone();
            new.id = 7010;
            new.parent_ids.clear();
            new.display_id = Some("T-7010".into());
            new.opened_at = at("2026-04-04T11:00:00");
            new.updated_at = new.opened_at;
            for action in &mut new.actions {
                action.id += 1_000_000;
                action.attachments.clear();
            }
            instance.tickets.push(new);
        });
    };
    let reference = World::new(instance.clone());
    run(&reference, &spec, RunOrder::ByStage).await;
    change(&reference);
    reference
        .engine()
        .build()
        .run(&spec, RunMode::Delta)
        .await
        .unwrap();

    let world = World::new(instance);
    run(&world, &spec, RunOrder::OpenFirst).await;
    change(&world);
    let delta = world
        .engine()
        .order(RunOrder::OpenFirst)
        .build()
        .run(&spec, RunMode::Delta)
        .await
        .unwrap();
    assert_eq!(delta.outcome, RunOutcome::Completed);
    assert!(delta.stages.iter().all(|stage| stage.pass.is_none()));
    assert_eq!(world.destination.violations(), Vec::<String>::new());
    assert_eq!(
        world.destination.snapshot(),
        reference.destination.snapshot()
    );

    let verified = world
        .engine()
        .build()
        .verify(&spec, &VerifyOptions::default())
        .await
        .unwrap();
    assert!(verified.is_clean(), "{verified:?}");
    assert!(verified.objects.values().any(|counts| counts.checked > 0));
    assert!(verified.objects.values().all(|counts| counts.missing == 0));

    world
        .engine()
        .build()
        .rollback(&RollbackOptions::default())
        .await
        .unwrap();
    for kind in [
        RecordKind::Company,
        RecordKind::Contact,
        RecordKind::Conversation,
        RecordKind::Ticket,
    ] {
        assert!(world.destination.created_keys(kind).is_empty(), "{kind:?}");
    }
}

#[tokio::test]
async fn open_first_moves_nothing_the_scope_leaves_out() {
    let instance = instance();
    let scope = Scope {
        tickets: TicketScope {
            status_kinds: vec![StatusKind::Open, StatusKind::OnHold, StatusKind::Closed],
            organisations: vec![101, 102],
            ..TicketScope::default()
        },
        ..Scope::default()
    };
    let spec = confirmed_with(&instance, scope);
    let world = World::new(instance.clone());
    let report = run(&world, &spec, RunOrder::OpenFirst).await;
    let (expected, stage_report) = by_stage(&instance, &spec).await;
    assert_eq!(world.destination.snapshot(), expected);
    assert_eq!(report.objects, stage_report.objects);
    let tickets = report.objects[&SourceKind::Ticket];
    assert_eq!(tickets.out_of_scope, 1, "pending 7002 stays: {tickets:?}");
    let moved = first_writes(&world, SourceKind::Ticket);
    assert!(!moved.contains_key(&7002));
    assert_eq!(world.store.open_tickets_moved().map(|kept| kept.0), Some(2));
}

#[tokio::test]
async fn a_source_that_cannot_read_by_id_gives_the_history_in_its_own_order() {
    let instance = instance();
    let spec = confirmed_with(&instance, Scope::default());
    let world = World::new(instance.clone());
    world.source.reads_by_id.store(false, Ordering::SeqCst);
    let report = run(&world, &spec, RunOrder::OpenFirst).await;
    let tickets = first_writes(&world, SourceKind::Ticket);
    let mut listed = CLOSED_NEWEST_FIRST;
    listed.sort_unstable();
    let closed: Vec<usize> = listed.iter().map(|id| tickets[id]).collect();
    assert!(
        closed.windows(2).all(|pair| pair[0] < pair[1]),
        "{tickets:?}"
    );
    let (expected, stage_report) = by_stage(&instance, &spec).await;
    assert_eq!(world.destination.snapshot(), expected);
    assert_eq!(report.objects, stage_report.objects);
}

#[tokio::test]
async fn a_dry_run_in_open_first_order_plans_what_a_run_by_stage_plans() {
    let instance = instance();
    let spec = confirmed_with(&instance, Scope::default());
    let planned = |order: RunOrder| {
        let (instance, spec) = (instance.clone(), spec.clone());
        async move {
            let world = World::new(instance);
            let observer = Arc::new(CollectingObserver::new());
            world
                .engine()
                .order(order)
                .observer(observer.clone())
                .build()
                .dry_run(&spec, RunMode::Full)
                .await
                .unwrap();
            assert_eq!(world.destination.writes(), 0);
            let mut marks: Vec<String> = observer
                .planned()
                .into_iter()
                .map(|operation| String::from(operation.mark))
                .collect();
            marks.sort_unstable();
            marks
        }
    };
    let open_first = planned(RunOrder::OpenFirst).await;
    assert_eq!(open_first, planned(RunOrder::ByStage).await);
    let mut unique = open_first.clone();
    unique.dedup();
    assert_eq!(unique, open_first, "no operation planned twice");
}

#[tokio::test]
async fn a_scope_that_moves_no_open_ticket_moves_the_history_alone() {
    let instance = instance();
    let scope = Scope {
        tickets: TicketScope {
            status_kinds: vec![StatusKind::Closed],
            ..TicketScope::default()
        },
        ..Scope::default()
    };
    let spec = confirmed_with(&instance, scope);
    let world = World::new(instance.clone());
    let report = run(&world, &spec, RunOrder::OpenFirst).await;
    let open_tickets: Vec<&Stage> = report
        .stages
        .iter()
        .filter(|stage| stage.pass == Some(Pass::Open))
        .map(|stage| &stage.stage)
        .collect();
    assert!(!open_tickets.contains(&&Stage::Tickets), "{open_tickets:?}");
    assert_eq!(world.store.open_tickets_moved().map(|kept| kept.0), Some(0));
    let (expected, _) = by_stage(&instance, &spec).await;
    assert_eq!(world.destination.snapshot(), expected);
}

/// The open pass's tickets, from a ticket's fields: a test of the test instance itself, so
/// that the assertions above talk about the tickets they mean.
#[test]
fn the_instance_has_the_open_and_closed_tickets_the_tests_name() {
    let instance = instance();
    let kind = |ticket: &Ticket| {
        instance
            .schema
            .statuses
            .iter()
            .find(|status| Some(status.id) == ticket.status_id)
            .map(|status| status.kind)
    };
    let open: Vec<i64> = instance
        .tickets
        .iter()
        .filter(|ticket| kind(ticket) != Some(StatusKind::Closed))
        .map(|ticket| ticket.id)
        .collect();
    assert_eq!(open, OPEN);
}
