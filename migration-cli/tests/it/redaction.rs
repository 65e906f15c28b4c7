//! What never leaves, through both simulators: a sample ticket with a card number in its title,
//! description and a message, and a password pasted in that message, is planned, migrated and
//! verified; Intercom stores none of them, `plan` previews the counts, and the run and the
//! report count the same.

use fixtures::instance::Kind;
use migration_cli::commands::plan::PlanOptions;
use migration_cli::commands::{confirm, plan, report, verify};
use serde_json::{json, Value};

use crate::common;

/// A Luhn-valid card number, as the caller typed it.
const CARD: &str = "4556 7375 8689 9855";

/// The pasted password.
const PASSWORD: &str = "Tr0ub4dor&3";

/// Adds a ticket made from sample incident 5001, with the card number in its title,
/// description and a caller's message, and the password in that message.
fn add_ticket(world: &common::World) -> i64 {
    let template = world
        .vivantio
        .record(Kind::Tickets, 5001)
        .expect("the sample ticket");
    let mut fields = template.as_object().expect("a ticket is an object").clone();
    for generated in [
        "Id",
        "DisplayId",
        "LastModifiedDate",
        "LastActionId",
        "ExtensionFields",
    ] {
        fields.remove(generated);
    }
    let dashed = CARD.replace(' ', "-");
    fields.insert("Title".into(), json!(format!("Refund to card {CARD}")));
    fields.insert(
        "Description".into(),
        json!(format!("Please refund {dashed} for the duplicate order.")),
    );
    fields.insert(
        "DescriptionHtml".into(),
        json!(format!(
            "<p>Please refund {dashed} for the duplicate order.</p>"
        )),
    );
    let ticket = world.vivantio.insert_ticket(Value::Object(fields));
    let caller = (
        template["CallerName"].clone(),
        template["CallerEmail"].clone(),
    );
    let message = json!({
        "ActionType": "EmailIn", "Description": "Email received", "Private": false,
        "ActionUserId": null, "ActionUserName": caller.0, "ActionUserEmail": caller.1,
        "Notes": format!("Card: {CARD}\nPassword: {PASSWORD}"),
        "NotesHtml": format!("<p>Card: <b>{CARD}</b></p><p>Password: {PASSWORD}</p>"),
        "ActionDate": "2024-03-04T10:00:00",
    });
    assert!(world.vivantio.add_action(ticket, message).is_some());
    ticket
}

/// Every string of `value`, however deep.
fn strings(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::String(text) => found.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| strings(item, found)),
        Value::Object(fields) => fields.values().for_each(|item| strings(item, found)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_number_in_a_ticket_never_reaches_intercom_and_is_counted() {
    let world = common::world().await;
    add_ticket(&world);
    let planned = plan::run(
        &world.project,
        &PlanOptions {
            replace_mapping: true,
        },
    )
    .await
    .unwrap();
    // The title, the description and the message each held the number once.
    assert!(
        planned
            .human
            .contains("redacted by card: 3 values in 1 record"),
        "{}",
        planned.human
    );
    assert!(
        planned
            .human
            .contains("redacted by credential: 1 value in 1 record"),
        "{}",
        planned.human
    );
    confirm::run(&world.project, "test").await.unwrap();
    let run = common::full_migration(&world).await;
    assert_eq!(
        run.json["redactions"],
        json!({
            "card": {"values": 3, "attachments_skipped": 0, "records": 1},
            "credential": {"values": 1, "attachments_skipped": 0, "records": 1},
        }),
        "the run counts what plan previewed"
    );
    assert!(run.human.contains("redacted by card: 3 values in 1 record"));

    let workspace = serde_json::to_value(world.intercom.workspace()).unwrap();
    let mut stored = Vec::new();
    strings(&workspace, &mut stored);
    let digits: String = CARD.chars().filter(char::is_ascii_digit).collect();
    for text in &stored {
        let text_digits: String = text.chars().filter(char::is_ascii_digit).collect();
        assert!(!text_digits.contains(&digits), "Intercom stores {text}");
        assert!(!text.contains(PASSWORD), "Intercom stores {text}");
    }
    let redacted = stored
        .iter()
        .filter(|text| text.contains("[redacted: card]"))
        .count();
    assert!(
        redacted >= 3,
        "the redacted texts were written ({redacted})"
    );

    let verified = verify::run(
        &world.project,
        migration_core::engine::VerifySelection::All,
        &common::silent(),
    )
    .await
    .unwrap();
    assert!(
        verified.human.contains(": 0 differences"),
        "{}",
        verified.human
    );

    report::run(&world.project).unwrap();
    let reports = world.project.reports_dir();
    for name in ["report.md", "report.html"] {
        let written = std::fs::read_to_string(reports.join(name)).unwrap();
        assert_eq!(
            written
                .matches("Redacted before sending: card: 3 values in 1 record · credential: 1 value in 1 record")
                .count(),
            2,
            "{name} shows the pre-flight's and the run's counts"
        );
        assert!(!written.contains(PASSWORD) && !written.contains(CARD));
    }
}
