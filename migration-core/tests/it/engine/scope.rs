//! The mapping's `[scope]`: each filter moves exactly what it names and counts the rest as out
//! of scope (no rejection, no mismatch); a delta, a verification and a sample respect it; a
//! wider scope later moves only what was left out, exactly once.

use std::collections::BTreeSet;

use futures::StreamExt;
use migration_core::engine::{RunMode, RunOutcome, RunReport, VerifyOptions};
use migration_core::keys::{RecordKey, RecordKind};
use migration_core::model::source::{
    Article, Caller, Group, Organisation, SourceInstance, SourceKind, SourceRef, Status,
    StatusKind, Ticket,
};
use migration_core::ports::{RecordStatus, StateStore};
use migration_core::spec::{
    ArticleScope, ArticleVisibility, ConfirmedSpec, PeopleScope, Scope, ScopeDate, TicketScope,
};

use super::harness::{at, World};
use crate::common;

/// The small instance with four tickets of different dates, states, types, organisations and
/// groups; four organisations (one named by nothing); six callers (two sharing an email, one
/// named by nothing and one without organisation); four articles of different status and
/// visibility. Every message the template ticket has is also by the caller 1001's email.
fn instance() -> SourceInstance {
    let mut instance = common::small_instance();
    instance.schema.groups.push(Group {
        id: 302,
        name: "Field engineers".into(),
        description: None,
        enabled: true,
        agent_ids: Vec::new(),
    });
    instance.schema.statuses.push(Status {
        id: 7,
        name: "Waiting on customer".into(),
        kind: StatusKind::Pending,
        record_type_id: Some(11),
        enabled: true,
    });
    let organisation = instance.organisations[0].clone();
    for (id, name) in [(102, "Northwind"), (103, "Contoso"), (104, "Fabrikam")] {
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
        (1004, Some("ana@northwind.example"), Some(102)),
        (1005, Some("li@contoso.example"), Some(103)),
        (1006, Some("sam@example.org"), None),
    ] {
        instance.callers.push(Caller {
            id,
            name: Some(format!("Caller {id}")),
            email: email.map(String::from),
            phone: None,
            client_id: client,
            ..caller.clone()
        });
    }
    let template = instance.tickets[0].clone();
    let ticket = |id: i64, edit: &dyn Fn(&mut Ticket)| {
        let mut ticket = template.clone();
        ticket.id = id;
        ticket.display_id = Some(format!("T-{id}"));
        for (position, action) in ticket.actions.iter_mut().enumerate() {
            action.id = id * 100 + position as i64;
            action.attachments.clear();
        }
        ticket.custom_values.clear();
        ticket.legacy_values.clear();
        ticket.sla.clear();
        edit(&mut ticket);
        ticket
    };
    instance.tickets = vec![
        ticket(6001, &|t| {
            t.status_id = Some(1);
            t.opened_at = at("2023-06-01T09:00:00");
            t.closed_at = None;
            t.caller_id = Some(1002);
        }),
        ticket(6002, &|t| {
            t.opened_at = at("2024-01-15T09:00:00");
            t.closed_at = at("2024-01-16T09:00:00");
            t.client_id = Some(102);
            t.caller_id = Some(1004);
            t.group_id = Some(302);
        }),
        ticket(6003, &|t| {
            t.record_type_id = 13;
            t.status_id = Some(7);
            t.opened_at = at("2024-03-01T09:00:00");
            t.closed_at = None;
            t.caller_id = Some(1003);
            t.parent_ids = vec![6002];
        }),
        ticket(6004, &|t| {
            t.record_type_id = 13;
            t.opened_at = at("2022-05-01T09:00:00");
            t.closed_at = at("2022-05-02T09:00:00");
            t.client_id = Some(102);
            t.caller_id = Some(1004);
            t.group_id = None;
        }),
    ];
    let article = instance.articles[1].clone();
    for (id, status, public) in [(4003, "Draft", true), (4004, "Published", false)] {
        instance.articles.push(Article {
            id,
            title: format!("Article {id}"),
            status: Some(status.into()),
            is_public: public,
            ..article.clone()
        });
    }
    for (id, updated) in [(4001, "2024-01-02T09:00:00"), (4002, "2024-01-03T09:00:00")] {
        let article = instance.articles.iter_mut().find(|a| a.id == id).unwrap();
        article.updated_at = at(updated);
    }
    instance
}

fn confirmed_with(instance: &SourceInstance, scope: Scope) -> ConfirmedSpec {
    let mut spec = common::default_spec(instance);
    spec.scope = scope;
    // Links to a parent left out wait for the scope to widen.
    spec.parent_child.link = true;
    ConfirmedSpec::new(
        spec.confirmed("tester", "2024-06-01T00:00:00Z"),
        &instance.schema,
        &common::destination(),
    )
    .expect("the scoped specification is valid")
}

fn day(text: &str) -> Option<ScopeDate> {
    Some(text.parse().unwrap())
}

fn tickets(scope: TicketScope) -> Scope {
    Scope {
        tickets: scope,
        ..Scope::default()
    }
}

/// The ids of the source records of `kind` whose destination records exist.
fn moved(world: &World, kinds: &[RecordKind]) -> BTreeSet<i64> {
    kinds
        .iter()
        .flat_map(|kind| world.destination.created_keys(*kind))
        .map(|key| {
            key.id()
                .rsplit(':')
                .next()
                .and_then(|id| id.parse().ok())
                .expect("a source id")
        })
        .collect()
}

fn threads(world: &World) -> BTreeSet<i64> {
    moved(world, &[RecordKind::Conversation, RecordKind::Ticket])
}

/// Every stage that counts source records matched them, out-of-scope records included.
fn assert_reconciled(report: &RunReport) {
    assert_eq!(report.outcome, RunOutcome::Completed);
    for stage in &report.stages {
        if let Some(reconciliation) = &stage.reconciliation {
            assert!(
                reconciliation.matches,
                "{:?}: {reconciliation:?}",
                stage.stage
            );
            assert_eq!(reconciliation.out_of_scope, stage.records.out_of_scope);
        }
    }
    assert!(
        report.rejections.is_empty(),
        "out of scope is not rejected: {:?}",
        report.rejections
    );
}

async fn full(world: &World, spec: &ConfirmedSpec) -> RunReport {
    let report = world
        .engine()
        .build()
        .run(spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(world.destination.violations(), Vec::<String>::new());
    assert_reconciled(&report);
    report
}

#[tokio::test]
async fn each_ticket_filter_moves_exactly_the_tickets_it_names() {
    let instance = instance();
    let cases: Vec<(TicketScope, &[i64])> = vec![
        (TicketScope::default(), &[6001, 6002, 6003, 6004]),
        (
            TicketScope {
                opened_from: day("2024-01-01"),
                ..TicketScope::default()
            },
            &[6002, 6003],
        ),
        (
            TicketScope {
                opened_until: day("2023-12-31"),
                ..TicketScope::default()
            },
            &[6001, 6004],
        ),
        (
            TicketScope {
                closed_until: day("2023-12-31"),
                ..TicketScope::default()
            },
            &[6001, 6003, 6004],
        ),
        (
            TicketScope {
                status_kinds: vec![StatusKind::Open, StatusKind::Pending],
                ..TicketScope::default()
            },
            &[6001, 6003],
        ),
        (
            TicketScope {
                record_types: vec![13],
                ..TicketScope::default()
            },
            &[6003, 6004],
        ),
        (
            TicketScope {
                organisations: vec![102],
                ..TicketScope::default()
            },
            &[6002, 6004],
        ),
        (
            TicketScope {
                groups: vec![301],
                ..TicketScope::default()
            },
            &[6001, 6003],
        ),
    ];
    for (rules, expected) in cases {
        let spec = confirmed_with(&instance, tickets(rules.clone()));
        let world = World::new(instance.clone());
        let report = full(&world, &spec).await;
        let expected: BTreeSet<i64> = expected.iter().copied().collect();
        assert_eq!(threads(&world), expected, "{rules:?}");
        let counts = report.objects[&SourceKind::Ticket];
        assert_eq!(counts.source, 4, "{rules:?}");
        assert_eq!(counts.moved, expected.len() as u64, "{rules:?}");
        assert_eq!(counts.out_of_scope, 4 - expected.len() as u64, "{rules:?}");
        for ticket in &instance.tickets {
            let status = world
                .store
                .record_status(SourceRef::new(SourceKind::Ticket, ticket.id))
                .await
                .unwrap();
            let want = if expected.contains(&ticket.id) {
                RecordStatus::Migrated
            } else {
                RecordStatus::OutOfScope
            };
            assert_eq!(status, Some(want), "{rules:?} {}", ticket.id);
        }
        // Every caller and organisation moves while the people scopes say `all`.
        assert_eq!(report.objects[&SourceKind::Caller].out_of_scope, 0);
        assert_eq!(report.objects[&SourceKind::Organisation].out_of_scope, 0);
    }
}

#[tokio::test]
async fn referenced_people_are_those_the_moving_tickets_name() {
    let instance = instance();
    // (tickets, callers, organisations, contacts created, companies created)
    type Case = (
        TicketScope,
        PeopleScope,
        PeopleScope,
        &'static [i64],
        &'static [i64],
    );
    let cases: Vec<Case> = vec![
        (
            TicketScope {
                organisations: vec![102],
                ..TicketScope::default()
            },
            PeopleScope::Referenced,
            PeopleScope::Referenced,
            &[1004],
            &[102],
        ),
        (
            // 1002 shares 1001's email: 1001's contact moves for it.
            TicketScope {
                groups: vec![301],
                ..TicketScope::default()
            },
            PeopleScope::Referenced,
            PeopleScope::Referenced,
            &[1001, 1003],
            &[101],
        ),
        (
            // Every caller moves, but the tickets' organisation filter names the only
            // organisations that may: callers of others move without their company.
            TicketScope {
                organisations: vec![101],
                ..TicketScope::default()
            },
            PeopleScope::All,
            PeopleScope::Referenced,
            &[1001, 1003, 1004, 1005, 1006],
            &[101],
        ),
        (
            TicketScope {
                organisations: vec![102],
                ..TicketScope::default()
            },
            PeopleScope::Referenced,
            PeopleScope::All,
            &[1004],
            &[101, 102, 103, 104],
        ),
    ];
    for (rules, callers, organisations, contacts, companies) in cases {
        let scope = Scope {
            tickets: rules.clone(),
            callers,
            organisations,
            ..Scope::default()
        };
        let spec = confirmed_with(&instance, scope);
        let world = World::new(instance.clone());
        let report = full(&world, &spec).await;
        let case = format!("{rules:?} {callers:?} {organisations:?}");
        let contacts: BTreeSet<i64> = contacts.iter().copied().collect();
        assert_eq!(moved(&world, &[RecordKind::Contact]), contacts, "{case}");
        let mut companies: BTreeSet<i64> = companies.iter().copied().collect();
        let preexisting = world
            .store
            .lookup(&RecordKey::company(101))
            .await
            .unwrap()
            .is_some();
        // Company 101 existed before the run: it is matched, not created.
        let expected_101 = companies.remove(&101);
        assert_eq!(preexisting, expected_101, "{case}");
        assert_eq!(moved(&world, &[RecordKind::Company]), companies, "{case}");
        let organisations_moving = companies.len() as u64 + u64::from(expected_101);
        assert_eq!(
            report.objects[&SourceKind::Organisation].out_of_scope,
            4 - organisations_moving,
            "{case}"
        );
        // 1002 moves whenever its contact's owner does (it merges into it).
        let callers_moving = contacts.len() as u64 + u64::from(contacts.contains(&1001));
        assert_eq!(
            report.objects[&SourceKind::Caller].out_of_scope,
            6 - callers_moving,
            "{case}"
        );
    }
}

#[tokio::test]
async fn articles_move_by_status_and_visibility() {
    let instance = instance();
    let cases: Vec<(ArticleScope, &[i64])> = vec![
        (ArticleScope::default(), &[4001, 4002, 4003, 4004]),
        (
            ArticleScope {
                statuses: vec!["published".into()],
                visibility: ArticleVisibility::All,
            },
            &[4001, 4002, 4004],
        ),
        (
            ArticleScope {
                statuses: Vec::new(),
                visibility: ArticleVisibility::Public,
            },
            &[4001, 4002, 4003],
        ),
        (
            ArticleScope {
                statuses: vec!["Published".into()],
                visibility: ArticleVisibility::Internal,
            },
            &[4004],
        ),
    ];
    for (rules, expected) in cases {
        let scope = Scope {
            articles: rules.clone(),
            ..Scope::default()
        };
        let spec = confirmed_with(&instance, scope);
        let world = World::new(instance.clone());
        let report = full(&world, &spec).await;
        let expected: BTreeSet<i64> = expected.iter().copied().collect();
        assert_eq!(moved(&world, &[RecordKind::Article]), expected, "{rules:?}");
        assert_eq!(
            report.objects[&SourceKind::Article].out_of_scope,
            4 - expected.len() as u64,
            "{rules:?}"
        );
        assert_eq!(threads(&world).len(), 4, "tickets are not filtered");
    }
}

/// Narrow enough that every message's author (caller 1001's email) still has a contact.
fn narrow() -> Scope {
    Scope {
        tickets: TicketScope {
            groups: vec![301],
            ..TicketScope::default()
        },
        callers: PeopleScope::Referenced,
        organisations: PeopleScope::Referenced,
        articles: ArticleScope {
            statuses: vec!["Published".into()],
            visibility: ArticleVisibility::Public,
        },
    }
}

#[tokio::test]
async fn widening_the_scope_moves_only_what_was_left_out_exactly_once() {
    let instance = instance();
    let narrow = confirmed_with(&instance, narrow());
    let wide = confirmed_with(&instance, Scope::default());
    assert_ne!(narrow.hash(), wide.hash(), "the scope is confirmed content");
    assert_eq!(narrow.mapping_hash(), wide.mapping_hash());
    let world = World::new(instance.clone());

    let first = full(&world, &narrow).await;
    assert_eq!(threads(&world), BTreeSet::from([6001, 6003]));
    assert_eq!(
        first.unlinked_children.len(),
        1,
        "6003's parent is left out"
    );
    let written = world.destination.log().len();

    let widened = full(&world, &wide).await;
    let ticket = widened.objects[&SourceKind::Ticket];
    assert_eq!(
        (ticket.moved, ticket.skipped, ticket.out_of_scope),
        (2, 2, 0)
    );
    assert!(
        widened.unlinked_children.is_empty(),
        "the parent moved and the child is linked now"
    );
    let again_sources: BTreeSet<SourceRef> = world.destination.log()[written..]
        .iter()
        .filter_map(|(_, source)| *source)
        .collect();
    for record in [
        SourceRef::new(SourceKind::Ticket, 6001),
        SourceRef::new(SourceKind::Article, 4001),
        SourceRef::new(SourceKind::Caller, 1003),
        SourceRef::new(SourceKind::Organisation, 101),
    ] {
        assert!(
            !again_sources.contains(&record),
            "{record} moved already and is not written again: {again_sources:?}"
        );
    }
    for record in [
        SourceRef::new(SourceKind::Ticket, 6002),
        SourceRef::new(SourceKind::Article, 4004),
        SourceRef::new(SourceKind::Caller, 1005),
        SourceRef::new(SourceKind::Organisation, 104),
    ] {
        assert!(again_sources.contains(&record), "{record} moves now");
    }

    let calls = world.destination.calls();
    let third = full(&world, &wide).await;
    assert_eq!(third.operations().sent, 0);
    assert_eq!(
        world.destination.calls(),
        calls,
        "a third run sends nothing"
    );

    let fresh = World::new(instance);
    full(&fresh, &wide).await;
    assert_eq!(
        world.destination.snapshot(),
        fresh.destination.snapshot(),
        "narrow then wide ends where one wide run does"
    );

    // Narrowing again removes nothing, and what moved is still known as moved.
    let narrowed = full(&world, &narrow).await;
    assert_eq!(narrowed.operations().sent, 0);
    assert_eq!(narrowed.objects[&SourceKind::Ticket].out_of_scope, 2);
    assert_eq!(world.destination.snapshot(), fresh.destination.snapshot());
    let status = world
        .store
        .record_status(SourceRef::new(SourceKind::Ticket, 6002))
        .await
        .unwrap();
    assert_eq!(status, Some(RecordStatus::Migrated));
}

#[tokio::test]
async fn a_delta_and_a_verification_leave_out_what_the_scope_does() {
    let instance = instance();
    let spec = confirmed_with(&instance, narrow());
    let world = World::new(instance);
    full(&world, &spec).await;
    let before = world.destination.log().len();
    world.source.edit(|instance| {
        for ticket in &mut instance.tickets {
            if ticket.id == 6001 || ticket.id == 6002 {
                ticket.title = format!("{} (edited)", ticket.title);
                ticket.updated_at = at("2024-06-03T10:00:00");
            }
        }
    });
    let delta = world
        .engine()
        .build()
        .run(&spec, RunMode::Delta)
        .await
        .unwrap();
    assert_reconciled(&delta);
    let tickets = delta.objects[&SourceKind::Ticket];
    assert_eq!((tickets.source, tickets.out_of_scope), (2, 1));
    let written: BTreeSet<_> = world.destination.log()[before..]
        .iter()
        .filter_map(|(_, source)| *source)
        .collect();
    assert_eq!(
        written,
        BTreeSet::from([SourceRef::new(SourceKind::Ticket, 6001)])
    );

    let verified = world
        .engine()
        .build()
        .verify(&spec, &VerifyOptions::default())
        .await
        .unwrap();
    assert!(
        verified.differences.is_empty(),
        "{:?}",
        verified.differences
    );
    let migrated = |kind: RecordKind| verified.objects.get(&kind).map_or(0, |c| c.migrated);
    assert_eq!(
        migrated(RecordKind::Conversation) + migrated(RecordKind::Ticket),
        2
    );
    assert_eq!(migrated(RecordKind::Article), 2);
    assert!(verified.objects.values().all(|counts| counts.missing == 0));
    assert!(world.journal().await.iter().all(|entry| entry
        .operation
        .source
        .is_none_or(|source| source.id != 6002 && source.id != 6004)));
}

#[tokio::test]
async fn a_sample_chooses_only_tickets_in_scope() {
    let instance = instance();
    let spec = confirmed_with(
        &instance,
        tickets(TicketScope {
            record_types: vec![13],
            ..TicketScope::default()
        }),
    );
    let world = World::new(instance);
    let report = world
        .engine()
        .build()
        .run(&spec, RunMode::Sample { tickets: 4 })
        .await
        .unwrap();
    assert_eq!(report.outcome, RunOutcome::Completed);
    let chosen: BTreeSet<i64> = report.sample.iter().map(|record| record.id).collect();
    assert_eq!(chosen, BTreeSet::from([6003, 6004]));
    assert_eq!(world.destination.violations(), Vec::<String>::new());
    let journal = world.store.journal().count().await;
    assert!(journal > 0);
}
