use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::*;
use migration_core::model::source::SourceTime;

fn wire<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

fn base_ticket() -> core::Ticket {
    ticket(wire(json!({
        "Id": 5012, "DisplayId": "INC-5012", "RecordTypeId": 11, "Title": "Drucker im 2. OG – Störung",
        "CallerId": 0, "ClientId": 101, "OwnerId": null, "CallOrigin": 2,
        "OpenDate": "2024-05-01T10:37:09", "LastModifiedDate": "2024-06-02T10:00:00+02:00",
        "CloseDate": "0001-01-01T00:00:00", "Deleted": null,
        "ExtensionFields": [{"FieldId": 701, "Name": "AssetTag", "Value": "HL-DT-0112"}, {"Name": "orphan", "Value": 1}]
    })))
}

#[test]
fn ticket_record_fields() {
    let converted = base_ticket();
    assert_eq!(converted.title, "Drucker im 2. OG – Störung");
    assert_eq!((converted.record_type_id, converted.origin), (11, Some(2)));
    assert_eq!(
        (converted.caller_id, converted.client_id, converted.owner_id),
        (None, Some(101), None)
    );
    assert_eq!(
        converted.opened_at,
        SourceTime::parse("2024-05-01T10:37:09").unwrap()
    );
    assert!(matches!(converted.updated_at, Some(SourceTime::Zoned(_))));
    assert_eq!(converted.closed_at, None);
    assert!(!converted.deleted);
    assert_eq!(
        converted.legacy_values.len(),
        1,
        "a value without a field id has no field to go to"
    );
    assert_eq!(converted.legacy_values[0].value, json!("HL-DT-0112"));
}

#[test]
fn actions_are_sorted_and_privacy_defaults_to_private() {
    let extras = TicketExtras {
        actions: wire(json!([
            {"Id": 3, "ActionType": "EmailOut", "Notes": "Hi Zoë", "Private": false, "ActionUserId": 201},
            {"Id": 1, "ActionType": null, "Description": "Ticket logged via Email", "Private": false},
            {"Id": 2, "ActionType": 7, "NotesHtml": "<p>internal</p>"}
        ])),
        ..TicketExtras::default()
    };
    let converted = hydrate_ticket(base_ticket(), extras);
    let summary: Vec<(i64, Option<&str>, bool)> = converted
        .actions
        .iter()
        .map(|action| (action.id, action.kind.as_deref(), action.private))
        .collect();
    assert_eq!(
        summary,
        [
            (1, Some("Ticket logged via Email"), false),
            (2, Some("7"), true),
            (3, Some("EmailOut"), false)
        ]
    );
    assert_eq!(converted.actions[2].agent_id, Some(201));
    assert_eq!(converted.actions[2].notes.as_deref(), Some("Hi Zoë"));
}

#[test]
fn attachments_merge_with_the_listing() {
    let extras = TicketExtras {
        actions: wire(json!([
            {"Id": 10, "Private": true, "Notes": "log attached", "Attachments": [
                {"Id": 95003, "AttachmentGuid": "D2F9-AA", "FileName": "crash.log"}
            ]},
            {"Id": 11, "Private": false, "Attachments": [
                {"AttachmentGuid": "no-id-anywhere", "FileName": "lost.txt"},
                {"Id": 95009, "FileName": "no guid.bak"}
            ]},
            {"Id": 12, "Private": false, "Attachments": []}
        ])),
        listed_attachments: wire(json!([
            {"Id": 95003, "AttachmentGuid": "d2f9-aa", "FileName": "crash.log", "ContentType": "text/plain",
             "Size": 415, "ActionId": 10, "IsPrivate": false, "CreatedDate": "2024-01-22T12:05:00"},
            {"Id": 95009, "AttachmentGuid": "big-1", "FileName": "full.bak", "Size": 47185920, "ActionId": 11},
            {"Id": 95020, "AttachmentGuid": "late-1", "FileName": "added later.png", "ActionId": 12},
            {"Id": 95021, "AttachmentGuid": "ticket-1", "FileName": "contract.pdf", "IsPrivate": false},
            {"Id": 95022, "AttachmentGuid": "ticket-2", "FileName": "notes.txt", "ActionId": 999}
        ])),
        ..TicketExtras::default()
    };
    let converted = hydrate_ticket(base_ticket(), extras);
    let files = |index: usize| -> Vec<(i64, &str, &str, Option<u64>, bool)> {
        converted.actions[index]
            .attachments
            .iter()
            .map(|f| {
                (
                    f.id,
                    f.guid.as_str(),
                    f.file_name.as_str(),
                    f.size,
                    f.private,
                )
            })
            .collect()
    };
    // The listing fills size and type, and its explicit privacy wins over the action's.
    assert_eq!(
        files(0),
        [(95003, "D2F9-AA", "crash.log", Some(415), false)]
    );
    assert_eq!(
        converted.actions[0].attachments[0].content_type.as_deref(),
        Some("text/plain")
    );
    assert!(converted.actions[0].attachments[0].created_at.is_some());
    // Matched by id, the listing supplies the GUID; a file with neither is left out.
    assert_eq!(
        files(1),
        [(95009, "big-1", "no guid.bak", Some(47185920), false)]
    );
    // A file only the listing knows goes to the action its ActionId names.
    assert_eq!(
        files(2),
        [(95020, "late-1", "added later.png", None, false)]
    );
    // The rest belong to the ticket; without a privacy flag a file is private.
    let ticket_files: Vec<(i64, bool)> = converted
        .attachments
        .iter()
        .map(|f| (f.id, f.private))
        .collect();
    assert_eq!(ticket_files, [(95021, false), (95022, true)]);
}

#[test]
fn files_listed_twice_appear_once() {
    let extras = TicketExtras {
        actions: wire(json!([{"Id": 1, "Private": false, "Attachments": [
            {"Id": 1, "AttachmentGuid": "a"}, {"Id": 1, "AttachmentGuid": "A"}
        ]}])),
        listed_attachments: wire(json!([
            {"Id": 2, "AttachmentGuid": "b"}, {"Id": 2, "AttachmentGuid": "b"}
        ])),
        ..TicketExtras::default()
    };
    let converted = hydrate_ticket(base_ticket(), extras);
    assert_eq!(converted.actions[0].attachments.len(), 1);
    assert_eq!(converted.attachments.len(), 1);
}

#[test]
fn parents_forms_and_sla() {
    let extras = TicketExtras {
        parent_ids: vec![5013, 5012, 5031, 5013],
        forms: wire(json!([
            {"Id": 9001, "CustomEntityDefinitionId": 801, "FieldValues": [
                {"FieldId": 8101, "Value": "PC-SURG2"}, {"FieldId": 8109, "Value": [81096]}
            ]},
            {"Id": 9002, "FieldValues": null}
        ])),
        sla: wire(json!([
            {"Id": 1, "StageName": "Response", "TargetDate": "2024-01-22T13:00:00", "Breached": true},
            {"Id": 2, "StageName": null, "CompletedDate": "/Date(1714559829000)/"}
        ])),
        ..TicketExtras::default()
    };
    let converted = hydrate_ticket(base_ticket(), extras);
    assert_eq!(
        converted.parent_ids,
        [5013, 5031],
        "self and repeats dropped, order kept"
    );
    let values: Vec<(i64, Value)> = converted
        .custom_values
        .iter()
        .map(|v| (v.field_id, v.value.clone()))
        .collect();
    assert_eq!(values, [(8101, json!("PC-SURG2")), (8109, json!([81096]))]);
    assert_eq!(converted.sla.len(), 2);
    assert!(converted.sla[0].breached && converted.sla[0].target_at.is_some());
    assert_eq!(
        (
            converted.sla[1].stage_name.as_str(),
            converted.sla[1].breached
        ),
        ("", false)
    );
    assert!(converted.sla[1].completed_at.is_some());
}
