//! The mapping's `[scope]` end to end against both simulators: `plan` says what it leaves out,
//! `confirm` refuses a broken one, `migrate` moves exactly what it names (and never reads the
//! history of a ticket it leaves out), and widening it later moves only what was left out,
//! exactly once. Discovery's counts make `plan` propose unused custom fields as skipped.

use migration_cli::commands::migrate::MigrateOptions;
use migration_cli::commands::plan::PlanOptions;
use std::collections::{BTreeMap, BTreeSet};

use fixtures::instance::Kind;
use migration_cli::commands::{confirm, discover, migrate, plan, verify};
use migration_core::engine::{RunMode, VerifySelection};
use migration_core::keys::RecordKey;
use migration_core::model::source::{SourceKind, SourceRef};
use migration_core::ports::{RecordStatus, StateStore};
use serde_json::{json, Value};

use crate::common;

/// Appends `scope` (TOML tables) to the world's mapping and confirms it.
async fn scope(world: &common::World, scope: &str) {
    let path = world.project.mapping_path();
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push('\n');
    text.push_str(scope);
    std::fs::write(&path, text).unwrap();
    confirm::run(&world.project, "test").await.unwrap();
}

/// Takes the `[scope]` tables out of the world's mapping (everything moves) and confirms it.
async fn widen(world: &common::World) {
    let path = world.project.mapping_path();
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = text
        .split("\n[")
        .filter(|table| !table.starts_with("scope"))
        .collect();
    std::fs::write(&path, kept.join("\n[")).unwrap();
    confirm::run(&world.project, "test").await.unwrap();
}

async fn full(world: &common::World) -> Value {
    let outcome = migrate::run(
        &world.project,
        &MigrateOptions::new(RunMode::Full).continue_on_mismatch(),
        &common::silent(),
    )
    .await
    .unwrap();
    assert!(
        !outcome.human.contains("stopped_on_mismatch"),
        "{}",
        outcome.human
    );
    outcome.json
}

/// `objects.<kind>.<count>` of a run report.
fn count(report: &Value, kind: &str, what: &str) -> u64 {
    report["objects"][kind][what].as_u64().unwrap_or(0)
}

fn ids_of(world: &common::World, kind: Kind, keep: impl Fn(&Value) -> bool) -> BTreeSet<i64> {
    world
        .vivantio
        .records(kind)
        .into_iter()
        .filter(|record| keep(record))
        .map(|record| record["Id"].as_i64().unwrap())
        .collect()
}

async fn status(world: &common::World, kind: SourceKind, id: i64) -> Option<RecordStatus> {
    let store = world.project.open_store().unwrap();
    store.record_status(SourceRef::new(kind, id)).await.unwrap()
}

async fn thread_moved(world: &common::World, id: i64) -> bool {
    let store = world.project.open_store().unwrap();
    for key in [RecordKey::conversation(id), RecordKey::ticket(id)] {
        if store.lookup(&key).await.unwrap().is_some() {
            return true;
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_scope_moves_its_tickets_and_never_reads_the_others_history() {
    let world = common::confirmed_world().await;
    let planned = plan::run(&world.project, &PlanOptions::default())
        .await
        .unwrap();
    assert!(
        planned.human.contains("scope: everything moves"),
        "{}",
        planned.human
    );
    scope(&world, "[scope.tickets]\nrecord_types = [12]\n").await;
    let planned = plan::run(&world.project, &PlanOptions::default())
        .await
        .unwrap();
    let in_scope = ids_of(&world, Kind::Tickets, |ticket| ticket["RecordTypeId"] == 12);
    let left_out = 60 - in_scope.len();
    assert!(
        planned.human.contains(&format!(
            "scope: tickets type 12; leaves out {left_out} records ({left_out} of 60 tickets, 0 of 40 callers, 0 of 10 organisations, 0 of 15 articles)"
        )),
        "{}",
        planned.human
    );
    assert_eq!(
        planned.json["scope"]["left_out"]["tickets"]["left_out"],
        left_out
    );

    world.vivantio.clear_requests();
    let report = full(&world).await;
    assert_eq!(count(&report, "ticket", "out_of_scope"), left_out as u64);
    assert_eq!(count(&report, "ticket", "source"), 60);
    assert_eq!(
        count(&report, "ticket", "moved") + count(&report, "ticket", "rejected"),
        in_scope.len() as u64
    );
    let workspace = world.intercom.workspace();
    assert_eq!(
        (workspace.conversations.len() + workspace.tickets.len()) as u64,
        count(&report, "ticket", "moved")
    );
    for ticket in ids_of(&world, Kind::Tickets, |ticket| ticket["RecordTypeId"] != 12) {
        assert!(
            !thread_moved(&world, ticket).await,
            "{ticket} is out of scope"
        );
        assert_eq!(
            status(&world, SourceKind::Ticket, ticket).await,
            Some(RecordStatus::OutOfScope)
        );
    }
    let histories: BTreeSet<i64> = world
        .vivantio
        .requests()
        .iter()
        .filter_map(|request| {
            request
                .path
                .strip_prefix("/api/Ticket/ActionSelectByParentId/")?
                .split(['?', '/'])
                .next()?
                .parse()
                .ok()
        })
        .collect();
    assert!(!histories.is_empty());
    assert!(
        histories.is_subset(&in_scope),
        "histories read for tickets out of scope: {:?}",
        histories.difference(&in_scope).collect::<Vec<_>>()
    );

    // Verification compares what the scope moved, and finds nothing missing.
    let verified = verify::run(&world.project, VerifySelection::All, &common::silent())
        .await
        .unwrap();
    assert!(
        verified.human.contains(": 0 differences"),
        "{}",
        verified.human
    );
    let threads = ["conversation", "ticket"]
        .iter()
        .map(|kind| {
            verified.json["objects"][kind]["migrated"]
                .as_u64()
                .unwrap_or(0)
        })
        .sum::<u64>();
    assert_eq!(threads, count(&report, "ticket", "moved"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn referenced_people_move_with_the_tickets_that_name_them() {
    let world = common::confirmed_world().await;
    scope(
        &world,
        "[scope]\ncallers = \"referenced\"\norganisations = \"referenced\"\n\n[scope.tickets]\ngroups = [303]\n",
    )
    .await;
    let report = full(&world).await;
    assert!(count(&report, "caller", "out_of_scope") > 0);
    assert!(count(&report, "organisation", "out_of_scope") > 0);
    assert_eq!(count(&report, "ticket", "failed"), 0);
    assert_eq!(count(&report, "caller", "failed"), 0);

    let tickets: Vec<Value> = world
        .vivantio
        .records(Kind::Tickets)
        .into_iter()
        .filter(|ticket| ticket["GroupId"] == 303)
        .collect();
    let named: BTreeSet<i64> = tickets
        .iter()
        .filter_map(|ticket| ticket["CallerId"].as_i64())
        .collect();
    let callers = world.vivantio.records(Kind::Callers);
    let email = |caller: &Value| caller["Email"].as_str().map(|e| e.trim().to_lowercase());
    let named_emails: BTreeSet<String> = callers
        .iter()
        .filter(|caller| named.contains(&caller["Id"].as_i64().unwrap()))
        .filter_map(email)
        .collect();
    // A named caller, or one whose email a named caller shares (its contact is theirs).
    let allowed = |caller: &Value| {
        named.contains(&caller["Id"].as_i64().unwrap())
            || email(caller).is_some_and(|email| named_emails.contains(&email))
    };
    let mut moving_organisations: BTreeSet<i64> = tickets
        .iter()
        .filter_map(|ticket| ticket["ClientId"].as_i64())
        .collect();
    for caller in &callers {
        let id = caller["Id"].as_i64().unwrap();
        let status = status(&world, SourceKind::Caller, id).await;
        if allowed(caller) {
            assert_ne!(status, Some(RecordStatus::OutOfScope), "caller {id}");
            moving_organisations.extend(caller["ClientId"].as_i64());
        } else {
            assert_eq!(status, Some(RecordStatus::OutOfScope), "caller {id}");
        }
    }
    for organisation in ids_of(&world, Kind::Clients, |_| true) {
        let status = status(&world, SourceKind::Organisation, organisation).await;
        assert_eq!(
            status == Some(RecordStatus::OutOfScope),
            !moving_organisations.contains(&organisation),
            "organisation {organisation}: {status:?}"
        );
    }
    let workspace = world.intercom.workspace();
    assert!(workspace.contacts.len() < callers.len());
    assert!(workspace.companies.len() <= moving_organisations.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn articles_move_by_status_and_visibility() {
    let world = common::confirmed_world().await;
    scope(
        &world,
        "[scope.articles]\nstatuses = [\"Published\"]\nvisibility = \"public\"\n",
    )
    .await;
    let kept = ids_of(&world, Kind::Articles, |article| {
        article["Status"] == "Published" && article["IsPublic"] == true
    });
    let report = full(&world).await;
    assert_eq!(
        count(&report, "article", "out_of_scope"),
        15 - kept.len() as u64
    );
    assert_eq!(world.intercom.workspace().articles.len(), kept.len());
    let store = world.project.open_store().unwrap();
    for article in ids_of(&world, Kind::Articles, |_| true) {
        let moved = store
            .lookup(&RecordKey::article(article))
            .await
            .unwrap()
            .is_some();
        assert_eq!(moved, kept.contains(&article), "article {article}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widening_the_scope_moves_only_what_was_left_out_exactly_once() {
    let world = common::confirmed_world().await;
    scope(
        &world,
        "[scope]\ncallers = \"referenced\"\norganisations = \"referenced\"\n\n\
         [scope.tickets]\ngroups = [301]\nopened_from = 2024-01-01\n\n\
         [scope.articles]\nstatuses = [\"Published\"]\nvisibility = \"public\"\n",
    )
    .await;
    let narrow = full(&world).await;
    let narrow_counts = world.intercom.workspace().migrated_record_counts();
    assert!(count(&narrow, "ticket", "out_of_scope") > 0);

    widen(&world).await;
    let planned = plan::run(&world.project, &PlanOptions::default())
        .await
        .unwrap();
    assert!(
        planned.human.contains("scope: everything moves"),
        "{}",
        planned.human
    );
    let widened = full(&world).await;
    assert_eq!(count(&widened, "ticket", "out_of_scope"), 0);
    assert_eq!(
        count(&widened, "ticket", "skipped"),
        count(&narrow, "ticket", "moved"),
        "what moved narrow is not moved again"
    );
    let again = full(&world).await;
    assert_eq!(again["requests"], 0, "a third run sends nothing");

    let fresh = common::confirmed_world().await;
    common::full_migration(&fresh).await;
    let counts = world.intercom.workspace().migrated_record_counts();
    assert_eq!(counts, fresh.intercom.workspace().migrated_record_counts());
    assert_ne!(counts, narrow_counts);
    // Nothing twice: one contact per email, one company per company_id, one thread per ticket.
    let workspace = world.intercom.workspace();
    let mut emails: BTreeMap<String, usize> = BTreeMap::new();
    for contact in workspace.contacts.values() {
        if let Some(email) = &contact.email {
            *emails.entry(email.to_lowercase()).or_default() += 1;
        }
    }
    assert!(emails.values().all(|n| *n == 1), "{emails:?}");
    let company_ids: BTreeSet<&str> = workspace
        .companies
        .values()
        .map(|company| company.company_id.as_str())
        .collect();
    assert_eq!(company_ids.len(), workspace.companies.len());
    let moved_tickets = count(&narrow, "ticket", "moved") + count(&widened, "ticket", "moved");
    assert_eq!(
        (workspace.conversations.len() + workspace.tickets.len()) as u64,
        moved_tickets
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirm_refuses_an_inverted_range_and_an_unknown_group() {
    let world = common::confirmed_world().await;
    let path = world.project.mapping_path();
    let original = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!(
            "{original}\n[scope.tickets]\nopened_from = \"2024-06-01\"\nopened_until = \"2024-01-01\"\ngroups = [301, 999]\n"
        ),
    )
    .unwrap();
    let refused = confirm::run(&world.project, "test").await.unwrap_err();
    let message = refused.to_string();
    for expected in [
        "scope.tickets.opened_from",
        "opened_from 2024-06-01 is after opened_until 2024-01-01",
        "scope.tickets.groups[1]",
        "the instance has no group 999",
    ] {
        assert!(message.contains(expected), "{expected}: {message}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_proposes_a_custom_field_nobody_fills_as_skipped_with_its_count() {
    let world = common::world().await;
    assert!(world
        .vivantio
        .update_record(Kind::CustomForms, 801, |form| {
            form["Fields"].as_array_mut().unwrap().push(json!({
                "Id": 8110, "Name": "AssetOwner", "Label": "Asset owner", "FieldType": "Text",
                "Required": false, "Options": []
            }));
        }));
    discover::run(&world.project).await.unwrap();
    let summary: Value = serde_json::from_str(
        &std::fs::read_to_string(world.project.reports_dir().join("discovery-summary.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(summary["field_usage"]["records"]["11"], 32);
    assert_eq!(summary["field_usage"]["values"]["8103"], 3);
    assert!(summary["field_usage"]["values"].get("8110").is_none());

    plan::run(
        &world.project,
        &PlanOptions {
            replace_mapping: true,
        },
    )
    .await
    .unwrap();
    let text = std::fs::read_to_string(world.project.mapping_path()).unwrap();
    assert!(
        text.contains("# Incident details / Asset owner (custom:8110) → skipped: no attribute"),
        "{text}"
    );
    assert!(
        text.contains("# why: 0 of 32 tickets of its types hold a value (under 1%)"),
        "{text}"
    );
    let rule = |field: &str| {
        text.lines()
            .any(|line| line == format!("source = \"custom:{field}\""))
    };
    assert!(!rule("8110"), "no rule for the unused field");
    assert!(rule("8105"), "1 of 32 is used");
    let notes: Value = serde_json::from_str(
        &std::fs::read_to_string(world.project.resolve(std::path::Path::new(
            migration_cli::project::PROPOSAL_NOTES_FILE,
        )))
        .unwrap(),
    )
    .unwrap();
    assert!(notes
        .as_array()
        .unwrap()
        .iter()
        .any(|note| note["unset_key"] == "fields[source=custom:8110]"));
    confirm::run(&world.project, "test").await.unwrap();
}

#[test]
fn records_out_of_scope_leave_the_exit_code_alone() {
    use migration_core::engine::{ObjectCounts, RunReport};
    let mut report = RunReport::new(RunMode::Full, false);
    report.objects.insert(
        SourceKind::Ticket,
        ObjectCounts {
            source: 60,
            moved: 6,
            out_of_scope: 54,
            ..ObjectCounts::default()
        },
    );
    let outcome = migrate::outcome("full", &report);
    assert_eq!(outcome.exit_code, migration_cli::error::EXIT_OK);
    assert!(
        outcome
            .human
            .contains("54 records outside the [scope] of mapping.toml were left out"),
        "{}",
        outcome.human
    );
    report
        .rejections
        .push(migration_core::reject::Rejection::new(
            SourceRef::new(SourceKind::Ticket, 1),
            migration_core::reject::ReasonCode::OrphanedTicket,
            "no caller",
            "give it one",
        ));
    assert_eq!(
        migrate::outcome("full", &report).exit_code,
        migration_cli::error::EXIT_PARTIAL,
        "a rejection still needs a look"
    );
}
