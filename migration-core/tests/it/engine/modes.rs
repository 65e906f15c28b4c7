//! Sample, delta and dry runs; back-pressure and overlap of extraction and load.

use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use futures::StreamExt;
use migration_core::engine::{CollectingObserver, EngineError, Event, RunMode, RunOutcome, Stage};
use migration_core::keys::{RecordKey, RecordKind};
use migration_core::model::source::{SourceKind, SourceRef};
use migration_core::ports::StateStore;
use serde_json::{json, Value};

use super::harness::{at, confirmed, instance, World};

#[tokio::test]
async fn a_sample_spans_types_and_channels_and_brings_exactly_what_it_needs() {
    let mut instance = instance(12);
    // The first ticket of one stratum links to an article in its description.
    let linking = instance
        .tickets
        .iter_mut()
        .find(|ticket| ticket.id == 10_000)
        .unwrap();
    linking.description_html =
        Some("<p>See <a href=\"https://acme.vivantio.com/kb/article/4002\">reset</a></p>".into());
    linking.description = None;
    let spec = confirmed(&instance);
    let world = World::new(instance.clone());
    let report = world
        .engine()
        .build()
        .run(&spec, RunMode::Sample { tickets: 3 })
        .await
        .unwrap();
    assert_eq!(report.outcome, RunOutcome::Completed);
    assert_eq!(world.destination.violations(), Vec::<String>::new());
    assert_eq!(report.sample.len(), 3);
    let chosen: Vec<_> = report
        .sample
        .iter()
        .map(|record| {
            instance
                .tickets
                .iter()
                .find(|ticket| ticket.id == record.id)
                .unwrap()
        })
        .collect();
    let strata: HashSet<(i64, Option<i64>)> = chosen
        .iter()
        .map(|ticket| (ticket.record_type_id, ticket.origin))
        .collect();
    assert_eq!(
        strata.len(),
        3,
        "one ticket per type and channel first: {strata:?}"
    );
    assert!(chosen.iter().any(|ticket| ticket.id == 10_000));

    let threads = world
        .destination
        .created_keys(RecordKind::Conversation)
        .len()
        + world.destination.created_keys(RecordKind::Ticket).len();
    assert_eq!(threads, 3);
    let contacts: BTreeSet<RecordKey> = chosen
        .iter()
        .map(|ticket| match ticket.caller_id {
            Some(1002) | Some(1001) => RecordKey::contact(1001),
            Some(1003) => RecordKey::contact(1003),
            _ => RecordKey::placeholder_contact(),
        })
        .collect();
    assert_eq!(
        world.destination.created_keys(RecordKind::Contact),
        contacts
    );
    assert_eq!(
        world.destination.created_keys(RecordKind::Article),
        BTreeSet::from([RecordKey::article(4002)])
    );
    assert_eq!(
        world.destination.created_keys(RecordKind::Collection),
        BTreeSet::from([RecordKey::collection(651), RecordKey::collection(652)])
    );
    assert!(
        world
            .store
            .lookup(&RecordKey::company(101))
            .await
            .unwrap()
            .is_some(),
        "the callers' company"
    );
    assert!(report.stages.iter().all(|stage| stage.records.failed == 0));

    // The full run after the sample moves the rest and nothing twice.
    let full = world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(full.outcome, RunOutcome::Completed);
    assert_eq!(full.objects[&SourceKind::Ticket].skipped, 3);
    assert_eq!(world.destination.violations(), Vec::<String>::new());
    let fresh = World::new(instance);
    fresh
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(world.destination.snapshot(), fresh.destination.snapshot());
}

#[tokio::test]
async fn a_delta_moves_exactly_what_changed_as_updates() {
    let instance = instance(2);
    let spec = confirmed(&instance);
    let world = World::new(instance);
    assert!(matches!(
        world.engine().build().run(&spec, RunMode::Delta).await,
        Err(EngineError::NoWatermark)
    ));
    let first = world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    let watermark = first.watermark.unwrap();
    let before = world.destination.log().len();

    world.source.edit(|instance| {
        let ticket = instance
            .tickets
            .iter_mut()
            .find(|ticket| ticket.id == 5001)
            .unwrap();
        let mut reply = ticket.actions[0].clone();
        reply.id = 70_100;
        reply.at = at("2024-06-01T10:00:00");
        reply.notes = Some("Following up: fixed?".into());
        reply.attachments.clear();
        ticket.actions.push(reply);
        ticket.status_id = Some(1);
        ticket.updated_at = at("2024-06-01T10:00:00");
        let caller = instance
            .callers
            .iter_mut()
            .find(|caller| caller.id == 1003)
            .unwrap();
        caller.name = Some("Kenji Sato".into());
        caller.updated_at = at("2024-06-01T09:00:00");
        let mut new = instance.tickets[0].clone();
        new.id = 5003;
        new.opened_at = at("2024-06-02T08:00:00");
        new.updated_at = at("2024-06-02T08:00:00");
        new.actions.truncate(1);
        new.actions[0].id = 70_200;
        new.actions[0].at = at("2024-06-02T08:05:00");
        new.actions[0].attachments.clear();
        instance.tickets.push(new);
    });
    let delta = world
        .engine()
        .build()
        .run(&spec, RunMode::Delta)
        .await
        .unwrap();
    assert_eq!(delta.outcome, RunOutcome::Completed);
    assert_eq!(world.destination.violations(), Vec::<String>::new());
    let log = world.destination.log();
    let sent: Vec<_> = log[before..].to_vec();
    let sources: BTreeSet<SourceRef> = sent.iter().filter_map(|(_, source)| *source).collect();
    let changed = BTreeSet::from([
        SourceRef::new(SourceKind::Caller, 1003),
        SourceRef::new(SourceKind::Ticket, 5001),
        SourceRef::new(SourceKind::Ticket, 5003),
    ]);
    assert_eq!(
        sources, changed,
        "only the changed records are written: {sent:?}"
    );
    let marks: HashSet<&str> = sent.iter().map(|(mark, _)| mark.as_str()).collect();
    assert!(
        marks.contains("part:vivantio-action:70100"),
        "the new message: {marks:?}"
    );
    assert!(
        marks.contains(
            format!(
                "state:conversation:vivantio-ticket:5001@delta:{}",
                watermark.at
            )
            .as_str()
        ),
        "the status change: {marks:?}"
    );
    assert!(
        marks.contains("conversation:vivantio-ticket:5003"),
        "the new ticket"
    );
    assert!(
        !marks.contains("part:vivantio-action:70002"),
        "old messages are not sent again"
    );
    let contact = world
        .store
        .lookup(&RecordKey::contact(1003))
        .await
        .unwrap()
        .unwrap();
    let observed = world
        .destination_read(RecordKind::Contact, &contact.id)
        .await;
    assert_eq!(observed["name"], json!("Kenji Sato"));
    let thread = world
        .store
        .lookup(&RecordKey::conversation(5001))
        .await
        .unwrap()
        .unwrap();
    let observed = world
        .destination_read(RecordKind::Conversation, &thread.id)
        .await;
    assert_eq!(observed["state"], json!("open"));
    assert!(delta.watermark.unwrap() > watermark);
    assert_eq!(delta.objects[&SourceKind::Ticket].source, 2);

    let calls = world.destination.calls();
    let again = world
        .engine()
        .build()
        .run(&spec, RunMode::Delta)
        .await
        .unwrap();
    assert_eq!(world.destination.calls(), calls, "nothing changed since");
    assert_eq!(again.operations().sent, 0);
}

#[tokio::test]
async fn a_dry_run_plans_everything_and_sends_nothing() {
    let instance = instance(2);
    let spec = confirmed(&instance);
    let world = World::new(instance);
    let observer = Arc::new(CollectingObserver::new());
    let report = world
        .engine()
        .observer(observer.clone())
        .build()
        .dry_run(&spec, RunMode::Full)
        .await
        .unwrap();
    assert!(report.dry_run);
    assert_eq!(world.destination.calls(), 0);
    assert_eq!(world.journal().await.len(), 0);
    assert_eq!(world.store.watermark().await.unwrap(), None);
    assert_eq!(world.store.confirmed_hash().await.unwrap(), None);
    let planned = observer.planned();
    assert_eq!(planned.len() as u64, report.operations().sent);

    let real = world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(
        real.operations().sent,
        planned.len() as u64,
        "the dry run planned exactly what the run sent"
    );
    let sent: BTreeSet<String> = world
        .destination
        .log()
        .into_iter()
        .map(|(mark, _)| mark)
        .collect();
    let planned_marks: BTreeSet<String> = planned
        .iter()
        .map(|operation| operation.mark.to_string())
        .collect();
    assert_eq!(sent, planned_marks);

    let after = Arc::new(CollectingObserver::new());
    world
        .engine()
        .observer(after.clone())
        .build()
        .dry_run(&spec, RunMode::Full)
        .await
        .unwrap();
    let done = after
        .take()
        .into_iter()
        .filter(|event| {
            matches!(
                event,
                Event::OperationPlanned {
                    already_done: true,
                    ..
                }
            )
        })
        .count();
    assert_eq!(
        done,
        planned.len(),
        "after the run, everything is planned as already done"
    );
}

#[tokio::test]
async fn memory_stays_bounded_and_loading_starts_before_extraction_ends() {
    let instance = instance(200);
    let spec = confirmed(&instance);
    let world = World::new(instance);
    let (concurrency, read_ahead) = (4, 4);
    let report = world
        .engine()
        .concurrency(concurrency)
        .read_ahead(read_ahead)
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(report.outcome, RunOutcome::Completed);
    assert_eq!(world.destination.violations(), Vec::<String>::new());
    let probe = &world.probe;
    assert_eq!(probe.tickets_read.load(Ordering::SeqCst), 202);
    let outstanding = probe.max_outstanding.load(Ordering::SeqCst);
    assert!(
        outstanding as usize <= concurrency + read_ahead + 3,
        "at most {outstanding} tickets held at once"
    );
    let overlapped = probe.threads_written_while_reading.load(Ordering::SeqCst);
    assert!(
        overlapped > 150,
        "threads written while tickets were still being read: {overlapped}"
    );
}

#[tokio::test]
async fn a_changed_specification_is_refused_while_a_run_is_in_the_store() {
    let instance = instance(0);
    let spec = confirmed(&instance);
    let world = World::new(instance.clone());
    world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    let mut other = crate::common::default_spec(&instance);
    other.contacts.flag_tag = "Needs review".into();
    let other = migration_core::spec::ConfirmedSpec::new(
        other.confirmed("tester", "2024-06-02T00:00:00Z"),
        &instance.schema,
        &crate::common::destination(),
    )
    .unwrap();
    let refused = world
        .engine()
        .build()
        .run(&other, RunMode::Full)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, EngineError::SpecChanged { .. }),
        "{refused:?}"
    );
    let journal = world.store.journal().count().await;
    assert!(journal > 0);
}

#[test]
fn the_engines_futures_can_be_spawned_on_a_multithreaded_runtime() {
    fn assert_send<T: Send>(_: &T) {}
    let instance = instance(0);
    let spec = confirmed(&instance);
    let world = World::new(instance);
    let engine = world.engine().build();
    assert_send(&engine.run(&spec, RunMode::Full));
    assert_send(&engine.dry_run(&spec, RunMode::Delta));
    assert_send(&engine.verify(&spec, &migration_core::engine::VerifyOptions::default()));
    assert_send(&engine.rollback(&migration_core::engine::RollbackOptions::default()));
}

#[tokio::test]
async fn a_group_without_a_team_leaves_threads_unassigned_to_a_team() {
    let instance = instance(0);
    let spec = confirmed(&instance);
    let mut world = World::new(instance);
    let mut schema = crate::common::destination();
    schema.teams.clear();
    world.destination =
        super::fake_destination::FakeDestination::new(schema, None, world.probe.clone());
    let report = world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(
        report.outcome,
        RunOutcome::Completed,
        "{:?}",
        report.failures
    );
    assert_eq!(world.destination.violations(), Vec::<String>::new());
    let thread = world
        .store
        .lookup(&RecordKey::conversation(5001))
        .await
        .unwrap()
        .unwrap();
    let observed = world
        .destination_read(RecordKind::Conversation, &thread.id)
        .await;
    assert_eq!(observed["team_assignee_id"], json!(null));
    assert_eq!(observed["admin_assignee_id"], json!("9001"));
}

#[tokio::test]
async fn a_requirement_nothing_created_stops_the_run_loudly_with_the_operation_and_key() {
    let instance = instance(0);
    let spec = confirmed(&instance);
    let world = World::new(instance);
    world
        .engine()
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    // The ID map loses a contact behind the engine's back; a new ticket of that caller arrives.
    world.store.forget(&RecordKey::contact(1001)).await.unwrap();
    world.source.edit(|instance| {
        let mut new = instance.tickets[0].clone();
        new.id = 5003;
        new.opened_at = at("2024-06-02T08:00:00");
        new.actions.clear();
        instance.tickets.push(new);
    });
    let stopped = world
        .engine()
        .build()
        .run(&spec, RunMode::Delta)
        .await
        .unwrap_err();
    match stopped {
        EngineError::MissingRequirement { mark, key } => {
            assert_eq!(mark, "conversation:vivantio-ticket:5003");
            assert_eq!(key, RecordKey::contact(1001));
        }
        other => panic!("{other:?}"),
    }
}

/// Runs `instance` with every attachment declared at 100 KiB and the given byte budget; the
/// most declared file bytes held at once.
async fn most_file_bytes_held(budget: u64) -> u64 {
    let mut instance = instance(30);
    for file in instance
        .tickets
        .iter_mut()
        .flat_map(|ticket| ticket.actions.iter_mut())
        .flat_map(|action| action.attachments.iter_mut())
    {
        file.size = Some(100 * 1024);
    }
    let spec = confirmed(&instance);
    let world = World::new(instance);
    let report = world
        .engine()
        .concurrency(8)
        .file_bytes_in_flight(budget)
        .build()
        .run(&spec, RunMode::Full)
        .await
        .unwrap();
    assert_eq!(report.outcome, RunOutcome::Completed);
    assert_eq!(world.destination.violations(), Vec::<String>::new());
    assert_eq!(world.probe.file_bytes_held.load(Ordering::SeqCst), 0);
    world.probe.max_file_bytes_held.load(Ordering::SeqCst)
}

#[tokio::test]
async fn file_bytes_in_memory_stay_within_the_budget() {
    // A part carries at most ten files of 100 KiB: a 1 MiB budget holds one part at a time.
    let one_part = 1024 * 1024;
    let held = most_file_bytes_held(one_part).await;
    assert!(held <= one_part, "{held} bytes held, budget {one_part}");
    assert!(held >= 10 * 100 * 1024, "the largest part ran: {held}");
    // The same run with room to spare holds several parts at once: the budget did the work.
    let unbounded = most_file_bytes_held(1 << 40).await;
    assert!(
        unbounded > one_part,
        "{unbounded} bytes held without a budget"
    );
}

/// Whether an article body needs a second pass for its links must not depend on which
/// concurrent creates happened to finish first: a run's writes are then the same every time,
/// which is what lets a resumed run be compared with an uninterrupted one.
#[tokio::test]
async fn the_relinks_a_run_needs_do_not_depend_on_which_creates_finish_first() {
    let mut instance = instance(0);
    let template = instance.articles[1].clone();
    // Twenty more articles, each linking to the first one, which is created long before most
    // of them are read from the source.
    for index in 0..20 {
        let mut article = template.clone();
        article.id = 4100 + index;
        article.title = format!("Linking {index}");
        article.body_html =
            "<p>See <a href=\"https://acme.vivantio.com/Portal/KB/Article/4001\">welcome</a>.</p>"
                .into();
        instance.articles.push(article);
    }
    let spec = confirmed(&instance);
    let mut relinks = Vec::new();
    for (concurrency, read_ahead) in [(1, 1), (4, 4), (16, 64)] {
        let world = World::new(instance.clone());
        let report = world
            .engine()
            .concurrency(concurrency)
            .read_ahead(read_ahead)
            .build()
            .run(&spec, RunMode::Full)
            .await
            .unwrap();
        assert_eq!(report.outcome, RunOutcome::Completed);
        assert_eq!(world.destination.violations(), Vec::<String>::new());
        relinks.push(
            report
                .stage(Stage::ArticleLinks)
                .expect("the article links stage ran")
                .operations
                .sent,
        );
        // Every linking article ends up pointing at the migrated first article.
        let snapshot = world.destination.snapshot();
        for index in 0..20 {
            let key = RecordKey::article(4100 + index).to_string();
            let record: &Value = snapshot.get(&key).expect("every article is created");
            let body = record.to_string();
            assert!(
                body.contains("help.example/articles/"),
                "a link was not rewritten: {body}"
            );
        }
    }
    // 4001 links to 4002 (later in the source), and the twenty link to 4001.
    assert_eq!(relinks, vec![21, 21, 21]);
}
