//! `Ticket/*` reads: query, by id, by ids, parents and children, history, SLA stages.

use chrono_tz::Europe::London;
use serde_json::json;
use vivantio_client::actions::ActionOptions;
use vivantio_client::query::{fields::ticket, Query};
use vivantio_client::{Error, StatusType, SystemArea, VivantioDate};
use wiremock::matchers::{body_json, query_param};

use crate::common;
use crate::common::{empty_body, ok, ok_data, post, results, setup};

#[tokio::test]
async fn select_sends_the_query_and_parses_odd_records() {
    let (server, client) = setup().await;
    post("Ticket/Select")
        .and(body_json(json!({"Query": {"Mode": "MatchAll", "Items": [
            {"FieldName": "RecordTypeId", "Op": "Equals", "Value": 11},
            {"FieldName": "StatusType", "Op": "DoesNotEqual", "Value": 99}
        ]}})))
        .respond_with(ok_data("tickets"))
        .expect(1)
        .mount(&server)
        .await;
    let query = Query::match_all()
        .and(ticket::RECORD_TYPE_ID.equals(11))
        .and(ticket::STATUS_TYPE.does_not_equal(StatusType::Deleted));
    let tickets = client.tickets().select(&query).await.unwrap();
    assert_eq!(tickets.len(), 2);
    let first = &tickets[0];
    assert_eq!(first.status_type, Some(StatusType::Closed));
    assert_eq!(first.third_party_log_date, None, "0001-01-01 is no date");
    assert_eq!(first.extension_fields[0].value, json!("PRN-0042"));
    let second = &tickets[1];
    assert_eq!(second.status_type, Some(StatusType::Open));
    assert_eq!(second.close_date, None);
    assert_eq!(second.resolved_date, None);
    assert!(second.extension_fields.is_empty(), "null list is empty");
    insta::assert_json_snapshot!("tickets_select", tickets);
}

#[tokio::test]
async fn dates_resolve_in_the_tenant_zone() {
    let (server, _) = setup().await;
    let client = vivantio_client::Client::builder()
        .platform_url(format!("{}/", server.uri()))
        .credentials(common::USERNAME, common::PASSWORD)
        .tenant_time_zone(London)
        .limiter(common::fast_limiter())
        .build()
        .unwrap();
    post("Ticket/SelectById/10225")
        .respond_with(ok(json!({"Successful": true, "Item": data_ticket(0)})))
        .mount(&server)
        .await;
    let ticket = client
        .tickets()
        .select_by_id(10225.into())
        .await
        .unwrap()
        .unwrap();
    let utc = |date: &Option<VivantioDate>| client.to_utc(date.as_ref().unwrap()).to_rfc3339();
    // Naive: London summer time, one hour ahead of UTC.
    assert_eq!(utc(&ticket.open_date), "2024-05-01T09:37:09+00:00");
    // With an offset: the offset wins over the tenant zone.
    assert_eq!(utc(&ticket.close_date), "2024-05-02T07:00:00.123+00:00");
    assert_eq!(utc(&ticket.resolved_date), "2024-05-02T06:00:00+00:00");
    assert_eq!(
        utc(&ticket.last_modified_date),
        "2024-05-02T07:00:00.123456700+00:00"
    );
}

fn data_ticket(index: usize) -> serde_json::Value {
    common::data("tickets")["Results"][index].clone()
}

#[tokio::test]
async fn select_by_id_and_not_found() {
    let (server, client) = setup().await;
    post("Ticket/SelectById/10225")
        .and(empty_body)
        .respond_with(ok_data("ticket_by_id"))
        .expect(1)
        .mount(&server)
        .await;
    post("Ticket/SelectById/1")
        .respond_with(ok_data("error_not_found"))
        .expect(1)
        .mount(&server)
        .await;
    post("Ticket/SelectById/2")
        .respond_with(ok(json!({"Successful": true, "Item": null})))
        .expect(1)
        .mount(&server)
        .await;
    let ticket = client
        .tickets()
        .select_by_id(10225.into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ticket.display_id.as_deref(), Some("INC-10225"));
    assert_eq!(ticket.close_date, None, "empty text is no date");
    assert_eq!(client.tickets().select_by_id(1.into()).await.unwrap(), None);
    assert_eq!(client.tickets().select_by_id(2.into()).await.unwrap(), None);
    // No mock for id 3: wiremock answers 404, which must not pass for "no such ticket".
    let error = client.tickets().select_by_id(3.into()).await.unwrap_err();
    assert_eq!(error.status(), Some(404));
}

#[tokio::test]
async fn select_list_sends_a_bare_array() {
    let (server, client) = setup().await;
    post("Ticket/SelectList")
        .and(body_json(json!([10404, 10402, 10225])))
        .respond_with(ok_data("tickets"))
        .expect(1)
        .mount(&server)
        .await;
    let tickets = client
        .tickets()
        .select_list(&[10404.into(), 10402.into(), 10225.into()])
        .await
        .unwrap();
    assert_eq!(tickets.len(), 2);
    assert!(client.tickets().select_list(&[]).await.unwrap().is_empty());
}

#[tokio::test]
async fn parents_and_children() {
    let (server, client) = setup().await;
    post("Ticket/SelectChildTicketsByTicketId/10225")
        .and(empty_body)
        .respond_with(ok(results(json!([{"Id": 10300, "Title": "Child"}]))))
        .expect(1)
        .mount(&server)
        .await;
    post("Ticket/SelectParentTicketsByTicketId/10370")
        .and(empty_body)
        .respond_with(ok(results(json!([{"Id": 10225}]))))
        .expect(1)
        .mount(&server)
        .await;
    let children = client.tickets().children(10225.into()).await.unwrap();
    assert_eq!(children[0].title.as_deref(), Some("Child"));
    let parents = client.tickets().parents(10370.into()).await.unwrap();
    assert_eq!(parents[0].id, 10225.into());
}

#[tokio::test]
async fn actions_with_private_notes_and_attachments() {
    let (server, client) = setup().await;
    post("Ticket/ActionSelectByParentId/10225")
        .and(query_param("includePrivate", "true"))
        .and(query_param("includeAttachments", "true"))
        .and(empty_body)
        .respond_with(ok_data("actions"))
        .expect(1)
        .mount(&server)
        .await;
    post("Ticket/ActionSelectByParentId/10225")
        .and(query_param("includePrivate", "false"))
        .and(query_param("includeAttachments", "false"))
        .respond_with(ok(results(json!([]))))
        .expect(1)
        .mount(&server)
        .await;
    let actions = client
        .tickets()
        .actions(10225.into(), ActionOptions::default())
        .await
        .unwrap();
    assert_eq!(actions.len(), 3);
    assert!(!actions[0].is_private());
    assert!(actions[1].is_private() && actions[1].has_note());
    let attachment = &actions[1].attachments[0];
    assert_eq!(attachment.parent_area, Some(SystemArea::Ticket));
    assert!(!actions[2].has_note());
    assert!(actions[2].attachments.is_empty());
    insta::assert_json_snapshot!("ticket_actions", actions);

    let public_only = ActionOptions {
        include_private: false,
        include_attachments: false,
    };
    assert!(client
        .tickets()
        .actions(10225.into(), public_only)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn sla_stage_instances() {
    let (server, client) = setup().await;
    post("Ticket/SLAStageInstanceSelectByTicket/10225")
        .and(empty_body)
        .respond_with(ok_data("sla_instances"))
        .expect(1)
        .mount(&server)
        .await;
    let stages = client.tickets().sla_stages(10225.into()).await.unwrap();
    assert_eq!(stages[1].completed_date, None);
    assert_eq!(stages[1].breached, Some(true));
    insta::assert_json_snapshot!("sla_instances", stages);
}

#[tokio::test]
async fn unsuccessful_answers_carry_vivantio_messages() {
    let (server, client) = setup().await;
    post("Ticket/Select")
        .respond_with(ok(json!({
            "Successful": false,
            "InfoMessages": [],
            "ErrorMessages": [{"Type": 2, "Field": "Query.Items[0].FieldName", "Message": "Unknown field 'Colour'"}]
        })))
        .mount(&server)
        .await;
    let error = client
        .tickets()
        .select(&Query::match_all())
        .await
        .unwrap_err();
    let Error::Api { errors, .. } = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(errors[0].message.as_deref(), Some("Unknown field 'Colour'"));
    assert!(!error.is_retryable());
    assert!(error
        .to_string()
        .contains("FieldInvalid: Unknown field 'Colour'"));
}

#[tokio::test]
async fn a_bad_field_reports_where_it_is() {
    let (server, client) = setup().await;
    post("Ticket/Select")
        .respond_with(ok(results(json!([
            {"Id": 1, "OpenDate": "2024-05-01T10:00:00"},
            {"Id": 2, "OpenDate": "last Tuesday"}
        ]))))
        .mount(&server)
        .await;
    let error = client
        .tickets()
        .select(&Query::match_all())
        .await
        .unwrap_err();
    let Error::Decode {
        path,
        message,
        excerpt,
        ..
    } = &error
    else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(path, "Results[1].OpenDate");
    assert!(message.contains("last Tuesday"), "{message}");
    assert!(excerpt.contains("\"Results\""), "{excerpt}");
    assert!(!error.to_string().contains(common::PASSWORD));
}
