//! `[run] order = "open_first"` through the real binary against both simulators: open, on-hold
//! and pending tickets reach Intercom before any closed one, the closed ones most recently
//! closed first; `migrate`, `status` and the report say when every open ticket was in
//! Intercom; the workspace ends as a migration by stage leaves it, and delta, verify and
//! rollback work as after one.

use std::collections::BTreeMap;

use fixtures::instance::Kind;
use migration_cli::store::{Store, OPEN_TICKETS_MOVED};
use migration_core::engine::{RunOrder, OPEN_FIRST_KINDS};
use migration_core::keys::RecordKey;
use migration_core::model::source::StatusKind;
use migration_core::spec::MappingSpec;
use serde_json::{json, Value};
use vivantio_client::dates::VivantioDate;

use crate::common::binary::{edit_config, BinaryWorld, Template};
use crate::common::compare::{assert_same, Snapshot};

const MIGRATE: &[&str] = &["migrate", "--yes", "--continue-on-mismatch"];
/// A run that finished (the sample has records rejected on purpose: 6).
const RUN_DONE: &[i32] = &[0, 6];

/// A Vivantio ticket of the sample as the tests see it.
#[derive(Debug, Clone)]
struct SourceTicket {
    id: i64,
    open: bool,
    /// The close (or, never closed, opening) instant, in Unix seconds.
    recency: i64,
}

fn sample_tickets(world: &BinaryWorld) -> Vec<SourceTicket> {
    let text = |ticket: &Value, field: &str| match &ticket[field] {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => String::new(),
    };
    // Dates without an offset are read in the mapping's zone, as the migration reads them.
    let mapping = std::fs::read_to_string(world.dir().join("mapping.toml")).unwrap();
    let zone: chrono_tz::Tz = MappingSpec::from_toml(&mapping)
        .unwrap()
        .source_time_zone
        .parse()
        .unwrap();
    let instant = |text: String| {
        VivantioDate::parse(&text)
            .unwrap()
            .map(|date| date.to_utc(zone).timestamp())
    };
    world
        .vivantio
        .records(Kind::Tickets)
        .iter()
        .map(|ticket| {
            let kind = StatusKind::from_wire(&text(ticket, "StatusType"));
            let recency = instant(text(ticket, "CloseDate"))
                .or_else(|| instant(text(ticket, "OpenDate")))
                .unwrap_or(i64::MIN);
            SourceTicket {
                id: ticket["Id"].as_i64().unwrap(),
                open: kind.is_some_and(|kind| OPEN_FIRST_KINDS.contains(&kind)),
                recency,
            }
        })
        .collect()
}

/// Each moved ticket's thread, as (kind, simulator id): ids follow the order of creation
/// within a kind.
fn threads(world: &BinaryWorld, tickets: &[SourceTicket]) -> BTreeMap<i64, (&'static str, u64)> {
    let store = Store::open_read_only(&world.state_dir()).unwrap();
    let mut threads = BTreeMap::new();
    for ticket in tickets {
        for (kind, key) in [
            ("conversation", RecordKey::conversation(ticket.id)),
            ("ticket", RecordKey::ticket(ticket.id)),
        ] {
            if let Some(found) = store.id_map_get(&key).unwrap() {
                threads.insert(ticket.id, (kind, found.id.parse::<u64>().unwrap()));
            }
        }
    }
    threads
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_tickets_reach_intercom_first_and_the_workspace_ends_as_a_migration_by_stage() {
    let template = Template::confirmed().await;
    let by_stage = BinaryWorld::start(&template).await;
    by_stage.run_expecting(MIGRATE, RUN_DONE).await;
    let expected = Snapshot::of(&by_stage.intercom.workspace());

    let world = BinaryWorld::start(&template).await;
    // One write at a time: with several in flight, neighbours finish in any order.
    edit_config(world.dir(), |config| {
        config.run.order = RunOrder::OpenFirst;
        config.intercom.concurrency = 1;
    });
    let migrated = world.run_expecting(MIGRATE, RUN_DONE).await.json();
    let passes: Vec<&str> = migrated["stages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|stage| stage["pass"].as_str())
        .collect();
    assert!(passes.first() == Some(&"open") && passes.last() == Some(&"history"));
    assert_same(
        "open first",
        &Snapshot::of(&world.intercom.workspace()),
        &expected,
    );

    let tickets = sample_tickets(&world);
    let open = tickets.iter().filter(|ticket| ticket.open).count() as u64;
    assert_open_first(&world, &tickets);

    let status = world.run_expecting(&["status"], &[0]).await.json();
    let milestone = &status["open_tickets_in_intercom"];
    assert_eq!(milestone["count"], json!(open - rejected_open(&migrated)));
    assert_eq!(status["order"], json!("open_first"));
    let said = world
        .human_command(&["status"])
        .output()
        .await
        .unwrap()
        .stdout;
    let said = String::from_utf8_lossy(&said).into_owned();
    assert!(said.contains("open tickets in Intercom since"), "{said}");

    world.run_expecting(&["report"], &[0]).await;
    let html = std::fs::read_to_string(world.dir().join("reports/report.html")).unwrap();
    assert!(html.contains("open tickets were in Intercom at"), "report");
    assert!(html.contains("Tickets (history)"), "report");

    // The history moved while agents worked: a delta finds the new message, verify is clean.
    let first_open = tickets.iter().find(|ticket| ticket.open).unwrap().id;
    world.vivantio.add_action(
        first_open,
        json!({
            "ActionType": "EmailIn",
            "Description": "Email received",
            "Notes": "Still waiting for the engineer",
            "Private": false,
            "ActionDate": "2026-04-04T09:30:00",
        }),
    );
    world.run_expecting(&["delta", "--yes"], RUN_DONE).await;
    world.run_expecting(&["verify"], &[0]).await;

    world.run_expecting(&["rollback", "--yes"], &[0]).await;
    assert!(world.intercom.workspace().is_empty_of_migrated_data());
    let store = Store::open_read_only(&world.state_dir()).unwrap();
    assert_eq!(store.milestone(OPEN_TICKETS_MOVED).unwrap(), None);
}

/// Within each kind of thread, no open ticket after a closed one, and the closed ones most
/// recently closed first.
fn assert_open_first(world: &BinaryWorld, tickets: &[SourceTicket]) {
    let threads = threads(world, tickets);
    for kind in ["conversation", "ticket"] {
        let mut moved: Vec<(u64, &SourceTicket)> = tickets
            .iter()
            .filter_map(|ticket| match threads.get(&ticket.id) {
                Some((found, id)) if *found == kind => Some((*id, ticket)),
                _ => None,
            })
            .collect();
        moved.sort_by_key(|(id, _)| *id);
        let opened: Vec<bool> = moved.iter().map(|(_, ticket)| ticket.open).collect();
        assert!(
            opened.windows(2).all(|pair| pair[0] || !pair[1]),
            "{kind}s: an open ticket came after a closed one: {moved:?}"
        );
        let history: Vec<(i64, i64)> = moved
            .iter()
            .filter(|(_, ticket)| !ticket.open)
            .map(|(_, ticket)| (ticket.recency, ticket.id))
            .collect();
        assert!(
            history.windows(2).all(|pair| pair[0] > pair[1]),
            "{kind}s: closed tickets not newest first: {history:?}"
        );
    }
}

/// Open tickets the mapping rejected (deleted in Vivantio, say): accounted for, not in
/// Intercom.
fn rejected_open(report: &Value) -> u64 {
    report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|stage| stage["pass"] == "open" && stage["stage"] == "tickets")
        .map(|stage| stage["records"]["rejected"].as_u64().unwrap())
        .sum()
}
