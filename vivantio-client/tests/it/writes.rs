//! `Ticket/Insert`, `Ticket/AddNote`, `Ticket/ChangeStatus`.

use chrono::NaiveDate;
use serde_json::json;
use vivantio_client::writes::{NewNote, NewTicket, StatusChange};
use wiremock::matchers::{body_json, header};

use crate::common::{ok, post, setup};

#[tokio::test]
async fn insert_returns_the_new_id() {
    let (server, client) = setup().await;
    post("Ticket/Insert")
        .and(header("content-type", "application/json; charset=utf-8"))
        .and(body_json(json!({
            "RecordTypeId": 11, "Title": "Printer offline", "Description": "3rd floor",
            "ClientId": 7001, "CallerId": 9001, "CategoryId": 302,
            "OpenDate": "2024-05-01T10:37:09"
        })))
        .respond_with(ok(
            json!({"Successful": true, "ErrorMessages": [], "InsertedItemId": 10500}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let ticket = NewTicket {
        description: Some("3rd floor".into()),
        client_id: Some(7001.into()),
        caller_id: Some(9001.into()),
        category_id: Some(302.into()),
        open_date: NaiveDate::from_ymd_opt(2024, 5, 1).and_then(|d| d.and_hms_opt(10, 37, 9)),
        ..NewTicket::new(11, "Printer offline")
    };
    assert_eq!(
        client.tickets().insert(&ticket).await.unwrap(),
        10500.into()
    );
}

#[tokio::test]
async fn insert_refused_carries_the_messages() {
    let (server, client) = setup().await;
    post("Ticket/Insert")
        .respond_with(ok(json!({"Successful": false, "ErrorMessages": [
            {"Type": "FieldMissing", "Field": "CategoryId", "Message": "Category is required"}
        ]})))
        .mount(&server)
        .await;
    let error = client
        .tickets()
        .insert(&NewTicket::new(11, "x"))
        .await
        .unwrap_err();
    assert_eq!(error.api_messages()[0].field.as_deref(), Some("CategoryId"));
}

#[tokio::test]
async fn add_note_and_change_status() {
    let (server, client) = setup().await;
    post("Ticket/AddNote")
        .and(body_json(
            json!({"AffectedTickets": [10500], "Notes": "Checked toner", "MarkPrivate": true}),
        ))
        .respond_with(ok(json!({"Successful": true})))
        .expect(1)
        .mount(&server)
        .await;
    post("Ticket/ChangeStatus")
        .and(body_json(
            json!({"AffectedTickets": [10500], "StatusId": 4}),
        ))
        .respond_with(ok(
            json!({"Successful": true, "ErrorMessages": [], "InfoMessages": []}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    client
        .tickets()
        .add_note(&NewNote::text(10500, "Checked toner", true))
        .await
        .unwrap();
    client
        .tickets()
        .change_status(&StatusChange::new(10500, 4))
        .await
        .unwrap();
}

#[tokio::test]
async fn add_note_sends_effort_as_a_whole_number() {
    let (server, client) = setup().await;
    post("Ticket/AddNote")
        .and(body_json(json!({
            "AffectedTickets": [10500], "Notes": "Replaced drum", "MarkPrivate": false, "Effort": 25
        })))
        .respond_with(ok(json!({"Successful": true})))
        .expect(1)
        .mount(&server)
        .await;
    let note = NewNote {
        effort: Some(25),
        ..NewNote::text(10500, "Replaced drum", false)
    };
    client.tickets().add_note(&note).await.unwrap();
}
