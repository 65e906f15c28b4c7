//! A thread longer than Intercom shows: `GET /conversations/{id}` and `GET /tickets/{id}` return
//! only the 500 most recent parts. A Vivantio ticket with 650 actions, three of whose replies
//! lose their answer (parts 10, 300 and 640), must migrate with every part exactly once (the
//! reconciliation of a lost reply reads the thread back), and verify with no difference and
//! exactly 150 parts not readable through the API. Incidents become Intercom conversations and
//! service requests Intercom tickets: both are played.

use fixtures::instance::Kind;
use fixtures::sim::faults::FaultConfig;
use fixtures::sim::intercom::{IntercomFaults, LostResponse, Workspace};
use migration_cli::commands::plan::PlanOptions;
use migration_cli::commands::{confirm, plan, report, verify};
use serde_json::{json, Value};

use crate::common;

/// Actions of the long ticket, each a message.
const ACTIONS: usize = 650;
/// Parts whose reply loses its answer (1-based, in the order written).
const LOST: [usize; 3] = [10, 300, 640];

/// Adds the long ticket to the Vivantio simulator: the fields of sample ticket `template`,
/// unassigned and left in the open status `status`, titled `title`, with [`ACTIONS`] messages
/// alternating between the template's caller and an agent.
fn add_long_ticket(world: &common::World, template: i64, status: i64, title: &str) -> i64 {
    let template = world
        .vivantio
        .record(Kind::Tickets, template)
        .expect("the sample ticket");
    let caller_name = template["CallerName"].clone();
    let caller_email = template["CallerEmail"].clone();
    let mut fields = template.as_object().expect("a ticket is an object").clone();
    for generated in [
        "Id",
        "DisplayId",
        "LastModifiedDate",
        "CloseDate",
        "ResolvedDate",
        "LastActionId",
        "StatusName",
        "StatusType",
        "Solution",
        "SolutionHtml",
        // Legacy values would open the thread with an archive note, and an owner or a group
        // with an assignment event: the thread holds exactly its messages.
        "ExtensionFields",
        "OwnerId",
        "OwnerName",
        "GroupId",
        "GroupName",
    ] {
        fields.remove(generated);
    }
    fields.insert("Title".into(), json!(title));
    fields.insert("OpenDate".into(), json!("2024-01-08T08:00:00"));
    fields.insert("StatusId".into(), json!(status));
    fields.insert("Resolved".into(), json!(false));
    let ticket = world.vivantio.insert_ticket(Value::Object(fields));
    for n in 1..=ACTIONS {
        // Seven minutes apart from 08:00 on the 8th.
        let minutes = 8 * 60 + n * 7;
        let at = format!(
            "2024-01-{:02}T{:02}:{:02}:00",
            8 + minutes / (24 * 60),
            minutes % (24 * 60) / 60,
            minutes % 60
        );
        let action = if n % 2 == 1 {
            json!({
                "ActionType": "EmailIn", "Description": "Email received", "Private": false,
                "ActionUserId": null, "ActionUserName": caller_name,
                "ActionUserEmail": caller_email,
                "Notes": format!("Scanner log {n}: dropped again at dock 4."),
                "ActionDate": at, "StatusId": status,
            })
        } else {
            json!({
                "ActionType": "EmailOut", "Description": "Email sent to caller", "Private": false,
                "ActionUserId": 201, "ActionUserName": "Sarah Mitchell",
                "ActionUserEmail": "sarah.mitchell@brightline-it.co.uk",
                "Notes": format!("Reply {n}: noted, adjusting the access point."),
                "ActionDate": at, "StatusId": status,
            })
        };
        assert!(world.vivantio.add_action(ticket, action).is_some());
    }
    ticket
}

/// The messages (replies and notes) of the migrated long thread, as stored, in order.
fn messages(workspace: &Workspace, title: &str) -> Vec<String> {
    let parts = workspace
        .tickets
        .values()
        .find(|ticket| ticket.ticket_attributes.get("_default_title_") == Some(&json!(title)))
        .map(|ticket| ticket.parts.clone())
        .or_else(|| {
            workspace
                .conversations
                .values()
                .find(|conversation| conversation.title.as_deref() == Some(title))
                .map(|conversation| conversation.parts.clone())
        })
        .expect("the long thread was migrated");
    parts
        .into_iter()
        .filter(|part| matches!(part.part_type.as_str(), "comment" | "note"))
        .map(|part| part.body.unwrap_or_default())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_650_part_conversation_settles_lost_replies_once_and_has_150_parts_unreadable() {
    // Incident 5001 as a template; status 1 (New) keeps the conversation open.
    long_thread(
        5001,
        1,
        "Warehouse scanners drop off the Wi-Fi (long-running)",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_650_part_ticket_settles_lost_replies_once_and_has_150_parts_unreadable() {
    // Service request 5047 as a template; status 21 (Submitted) is the state tickets open in.
    long_thread(5047, 21, "New starter laptops for the depot (long-running)").await;
}

/// Migrates the sample, then the long ticket with the replies of [`LOST`] losing their answer,
/// and checks the thread, `verify` and the report.
async fn long_thread(template: i64, status: i64, title: &str) {
    let world = common::world().await;
    plan::run(
        &world.project,
        &PlanOptions {
            replace_mapping: true,
        },
    )
    .await
    .unwrap();
    confirm::run(&world.project, "test").await.unwrap();
    // The sample first, so that every write of the next run is the long ticket's.
    common::full_migration(&world).await;
    add_long_ticket(&world, template, status, title);

    // Only replies and updates of existing threads count: the long thread's replies are then
    // the first writes the script sees, in order.
    let mut script = vec![false; ACTIONS];
    for part in LOST {
        script[part - 1] = true;
    }
    world.intercom.set_faults(IntercomFaults {
        common: FaultConfig {
            only_paths: vec!["/tickets/*".into(), "/conversations/*".into()],
            ..FaultConfig::none()
        },
        response_lost_script: script,
        response_lost_as: LostResponse::DropConnection,
        ..IntercomFaults::none()
    });
    let run = common::full_migration(&world).await;
    assert_eq!(
        world.intercom.stats().fault("response_lost"),
        LOST.len() as u64,
        "the three replies lost their answer"
    );
    let reconciled: u64 = run.json["stages"]
        .as_array()
        .expect("the run report lists its stages")
        .iter()
        .map(|stage| stage["operations"]["reconciled"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(
        reconciled,
        LOST.len() as u64,
        "each lost reply was found by reading the thread back"
    );
    world.intercom.set_faults(IntercomFaults::none());

    let written = messages(&world.intercom.workspace(), title);
    assert_eq!(written.len(), ACTIONS, "every action is one part, once");
    for (index, body) in written.iter().enumerate() {
        let n = index + 1;
        let expected = if n % 2 == 1 {
            format!("Scanner log {n}:")
        } else {
            format!("Reply {n}:")
        };
        assert!(body.contains(&expected), "part {n} is {body}");
    }

    let outcome = verify::run(
        &world.project,
        migration_core::engine::VerifySelection::All,
        &common::silent(),
    )
    .await
    .unwrap();
    assert!(
        outcome.human.contains(": 0 differences"),
        "{}",
        outcome.human
    );
    assert!(
        outcome
            .human
            .contains("150 parts not readable through the API,"),
        "{}",
        outcome.human
    );
    let unreadable = outcome.json["unreadable_parts"]
        .as_array()
        .expect("the report lists threads with unreadable parts");
    assert_eq!(unreadable.len(), 1, "{unreadable:?}");
    assert_eq!(unreadable[0]["parts"], 150);
    assert_eq!(outcome.exit_code, 0);

    report::run(&world.project).unwrap();
    let markdown = std::fs::read_to_string(world.project.reports_dir().join("report.md")).unwrap();
    assert!(
        markdown.contains("150 parts not readable through the API"),
        "the report tells it"
    );
    let html = std::fs::read_to_string(world.project.reports_dir().join("report.html")).unwrap();
    assert!(html.contains("150 parts not readable through the API"));
}
