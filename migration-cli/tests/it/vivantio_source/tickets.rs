//! Tickets: completeness, history order, hard cases, streaming and deltas.

use std::collections::{BTreeMap, BTreeSet};

use fixtures::instance::Kind;
use futures::StreamExt;
use migration_cli::adapters::vivantio::VivantioSourceOptions;
use migration_core::delta::Watermark;
use migration_core::model::source::{SourceTime, Ticket};
use migration_core::ports::Source;
use serde_json::Value;

use super::harness::*;

#[tokio::test]
async fn every_ticket_arrives_once_with_its_history_in_order() {
    let Some(instance) = sample() else { return };
    let (sim, source) = serve(
        &instance,
        VivantioSourceOptions {
            record_concurrency: 3,
            ..Default::default()
        },
    )
    .await;
    let tickets = all_tickets(&source, None).await;

    assert_eq!(
        tickets.iter().map(|t| t.id).collect::<Vec<_>>(),
        ids(instance.records(Kind::Tickets))
    );
    let history_reads = sim
        .requests()
        .iter()
        .filter(|r| r.path.contains("/ActionSelectByParentId"))
        .count();
    assert_eq!(history_reads, tickets.len(), "one history read per ticket");

    let mut actions_seen = 0;
    for ticket in &tickets {
        let record = raw(&instance, Kind::Tickets, ticket.id);
        // An empty title (the sample has one) stays empty: nothing is invented.
        assert_eq!(
            ticket.title,
            record["Title"].as_str().unwrap_or_default(),
            "ticket {}",
            ticket.id
        );
        assert_eq!(
            ticket.description.as_deref(),
            text(record, "Description"),
            "ticket {}",
            ticket.id
        );
        let expected: Vec<&Value> = {
            let mut list: Vec<&Value> = instance
                .records(Kind::Actions)
                .iter()
                .filter(|a| int(a, "ParentId") == Some(ticket.id))
                .collect();
            list.sort_by_key(|a| int(a, "Id"));
            list
        };
        let got: Vec<i64> = ticket.actions.iter().map(|a| a.id).collect();
        assert_eq!(
            got,
            expected
                .iter()
                .filter_map(|a| int(a, "Id"))
                .collect::<Vec<_>>(),
            "ticket {}",
            ticket.id
        );
        for (action, wire) in ticket.actions.iter().zip(&expected) {
            assert_eq!(
                action.private,
                wire["Private"] == true,
                "action {}",
                action.id
            );
            assert_eq!(
                action.notes.as_deref(),
                text(wire, "Notes"),
                "action {}",
                action.id
            );
            assert_eq!(
                action.notes_html.as_deref(),
                text(wire, "NotesHtml"),
                "action {}",
                action.id
            );
            let expected_files: Vec<i64> = instance
                .records(Kind::Attachments)
                .iter()
                .filter(|f| int(f, "ActionId") == Some(action.id))
                .filter_map(|f| int(f, "Id"))
                .collect();
            assert_eq!(
                action.attachments.iter().map(|f| f.id).collect::<Vec<_>>(),
                expected_files
            );
        }
        actions_seen += ticket.actions.len();

        let parents: BTreeSet<i64> = instance
            .records(Kind::TicketLinks)
            .iter()
            .filter(|l| int(l, "ChildId") == Some(ticket.id))
            .filter_map(|l| int(l, "ParentId"))
            .collect();
        assert_eq!(
            ticket.parent_ids.iter().copied().collect::<BTreeSet<_>>(),
            parents,
            "ticket {}",
            ticket.id
        );
        let stages = instance
            .records(Kind::SlaInstances)
            .iter()
            .filter(|s| int(s, "TicketId") == Some(ticket.id))
            .count();
        assert_eq!(ticket.sla.len(), stages, "ticket {}", ticket.id);
        let values: usize = instance
            .records(Kind::CustomFormInstances)
            .iter()
            .filter(|f| int(f, "ParentId") == Some(ticket.id))
            .map(|f| f["FieldValues"].as_array().map_or(0, Vec::len))
            .sum();
        assert_eq!(ticket.custom_values.len(), values, "ticket {}", ticket.id);
        let legacy = record["ExtensionFields"].as_array().map_or(0, Vec::len);
        assert_eq!(ticket.legacy_values.len(), legacy, "ticket {}", ticket.id);
    }
    assert_eq!(
        actions_seen,
        instance.records(Kind::Actions).len(),
        "every action once"
    );
}

#[tokio::test]
async fn hard_cases_survive() {
    let Some(instance) = sample() else { return };
    let (_sim, source) = serve(&instance, VivantioSourceOptions::default()).await;
    let tickets: BTreeMap<i64, Ticket> = all_tickets(&source, None)
        .await
        .into_iter()
        .map(|t| (t.id, t))
        .collect();

    // Three levels of parent/child: 5012 → 5013 → 5015.
    assert_eq!(tickets[&5015].parent_ids, [5013]);
    assert_eq!(tickets[&5013].parent_ids, [5012]);
    // …under problem 5034, which makes four levels.
    assert_eq!(tickets[&5012].parent_ids, [5034]);
    assert!(tickets[&5034].parent_ids.is_empty());

    // Non-ASCII text arrives byte for byte.
    let non_ascii_titles = tickets.values().filter(|t| !t.title.is_ascii()).count();
    assert!(
        non_ascii_titles >= 4,
        "Japanese, Arabic, Cyrillic and emoji titles"
    );
    assert_eq!(tickets[&5005].title, "会計システムにログインできません");
    assert_eq!(tickets[&5006].title, "الطابعة في الاستقبال لا تعمل");
    let file_names: BTreeSet<&str> = tickets
        .values()
        .flat_map(|t| t.actions.iter().flat_map(|a| &a.attachments))
        .map(|f| f.file_name.as_str())
        .collect();
    assert!(file_names.contains("whiteboard 😅.png"));
    assert!(file_names.contains("Migrationsplan_Übersicht_会議メモ.pdf"));

    // Dates keep their form: naive stays tenant-local, offsets stay zoned.
    for ticket in tickets.values() {
        let wire = raw(&instance, Kind::Tickets, ticket.id)["OpenDate"]
            .as_str()
            .unwrap();
        assert_eq!(
            ticket.opened_at,
            SourceTime::parse(wire).unwrap(),
            "ticket {}",
            ticket.id
        );
    }
    assert!(tickets
        .values()
        .any(|t| matches!(t.opened_at, Some(SourceTime::Zoned(_)))));
    assert!(tickets
        .values()
        .any(|t| matches!(t.opened_at, Some(SourceTime::Local(_)))));
}

#[tokio::test]
async fn tickets_stream_without_reading_everything_first() {
    let Some(instance) = sample() else { return };
    let (sim, source) = serve(
        &instance,
        VivantioSourceOptions {
            record_concurrency: 2,
            ..Default::default()
        },
    )
    .await;
    let first = source
        .tickets(None)
        .next()
        .await
        .expect("a ticket")
        .expect("no error");
    assert_eq!(
        Some(first.id),
        ids(instance.records(Kind::Tickets)).first().copied()
    );
    let history_reads = sim
        .requests()
        .iter()
        .filter(|r| r.path.contains("/ActionSelectByParentId"))
        .count();
    assert!(
        (1..=2).contains(&history_reads),
        "{history_reads} tickets were being completed at once"
    );
}

#[tokio::test]
async fn changed_since_returns_only_tickets_modified_after_the_cutoff() {
    let Some(instance) = sample() else { return };
    let cutoff = instance
        .manifest
        .delta_cutoff
        .clone()
        .expect("the sample has a delta cut-off");
    let cutoff = SourceTime::parse(&cutoff)
        .unwrap()
        .unwrap()
        .to_unix(chrono_tz::UTC);
    let expected: Vec<i64> = instance
        .records(Kind::Tickets)
        .iter()
        .filter(|t| {
            let modified = t["LastModifiedDate"]
                .as_str()
                .and_then(|d| SourceTime::parse(d).unwrap());
            modified.is_some_and(|m| m.to_unix(chrono_tz::UTC) > cutoff)
        })
        .filter_map(|t| int(t, "Id"))
        .collect();
    assert!(!expected.is_empty() && expected.len() < instance.records(Kind::Tickets).len());

    let (sim, source) = serve(&instance, VivantioSourceOptions::default()).await;
    let delta = all_tickets(&source, Some(Watermark::at(cutoff))).await;
    assert_eq!(delta.iter().map(|t| t.id).collect::<Vec<_>>(), expected);
    let filtered = sim
        .requests()
        .iter()
        .any(|r| r.path.ends_with("/Ticket/Select") && r.body.contains("LastModifiedDate"));
    assert!(filtered, "the date filter is sent to Vivantio");

    // A ticket changed now joins the delta.
    let old = *ids(instance.records(Kind::Tickets)).first().unwrap();
    assert!(sim.modify_ticket(old, |ticket| ticket["Title"] =
        "Edited after the cut-off".into()));
    let delta = all_tickets(&source, Some(Watermark::at(cutoff))).await;
    assert_eq!(
        delta.first().map(|t| (t.id, t.title.as_str())),
        Some((old, "Edited after the cut-off"))
    );
    assert_eq!(delta.len(), expected.len() + 1);
}
