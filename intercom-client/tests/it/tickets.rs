//! Tickets, ticket types (and their attributes) and ticket states.

use futures::TryStreamExt;
use intercom_client::replies::{AdminReply, ContactIdentity, ContactReply};
use intercom_client::search::SearchQuery;
use intercom_client::ticket_states::TicketStateCategory;
use intercom_client::ticket_types::{
    CreateTicketTypeAttributeRequest, CreateTicketTypeRequest, TicketAttributeType, TicketCategory,
    UpdateTicketTypeAttributeRequest, UpdateTicketTypeRequest,
};
use intercom_client::tickets::{
    CreateTicketRequest, TicketAssignment, TicketContact, UpdateTicketRequest,
};
use intercom_client::Error;
use serde_json::json;

use crate::common::{setup, ticket_json, Expect};

fn ticket_type(id: &str) -> serde_json::Value {
    json!({"type": "ticket_type", "id": id, "category": "Back-office", "name": "Bug", "description": "",
        "icon": "🐞", "workspace_id": "ecahpwf5", "archived": false, "created_at": 1734537474, "updated_at": 1734537474,
        "ticket_type_attributes": {"type": "list", "ticket_type_attributes": [attribute("7", id)]},
        "ticket_states": {"type": "list", "data": [{"type": "ticket_state", "id": "7493", "category": "submitted",
            "internal_label": "Submitted", "external_label": "Submitted"}]}})
}

fn attribute(id: &str, ticket_type_id: &str) -> serde_json::Value {
    json!({"type": "ticket_type_attribute", "id": id, "workspace_id": "ecahpwf5", "name": "Severity",
        "description": "How bad", "data_type": "list", "input_options": {"list_options": [{"id": "a1", "label": "High"}]},
        "order": 2, "required_to_create": false, "required_to_create_for_contacts": false, "visible_on_create": true,
        "visible_to_contacts": true, "default": false, "ticket_type_id": ticket_type_id.parse::<u64>().unwrap(),
        "archived": false, "created_at": 1734537474, "updated_at": 1734537474})
}

#[tokio::test]
async fn ticket_types_and_attributes() {
    let (server, client) = setup().await;
    Expect::call("GET", "/ticket_types")
        .respond(200, json!({"type": "list", "data": [ticket_type("1234")]}))
        .mount(&server)
        .await;
    Expect::call("GET", "/ticket_types/1234")
        .respond(200, ticket_type("1234"))
        .mount(&server)
        .await;
    Expect::call("POST", "/ticket_types")
        .body(json!({"name": "Bug", "category": "Back-office", "icon": "🐞"}))
        .respond(200, ticket_type("1234"))
        .mount(&server)
        .await;
    Expect::call("PUT", "/ticket_types/1234")
        .body(json!({"description": "Bugs"}))
        .respond(200, ticket_type("1234"))
        .mount(&server)
        .await;
    Expect::call("PUT", "/ticket_types/1235")
        .body(json!({"archived": true}))
        .respond(200, ticket_type("1235"))
        .mount(&server)
        .await;
    Expect::call("POST", "/ticket_types/1234/attributes")
        .body(json!({"name": "Severity", "description": "How bad", "data_type": "list", "list_items": "High,Low",
            "required_to_create": false}))
        .respond(200, attribute("7", "1234"))
        .mount(&server)
        .await;
    Expect::call("PUT", "/ticket_types/1234/attributes/7")
        .body(json!({"visible_to_contacts": false}))
        .respond(200, attribute("7", "1234"))
        .mount(&server)
        .await;
    Expect::call("PUT", "/ticket_types/1234/attributes/8")
        .body(json!({"archived": true}))
        .respond(200, attribute("8", "1234"))
        .mount(&server)
        .await;
    let types = client.ticket_types();
    let all = types.list().await.unwrap();
    assert_eq!(all[0].category, Some(TicketCategory::BackOffice));
    let attributes = types.list_attributes(&"1234".into()).await.unwrap();
    assert_eq!(attributes[0].ticket_type_id.as_ref().unwrap(), "1234");
    let create = CreateTicketTypeRequest {
        name: "Bug".into(),
        category: Some(TicketCategory::BackOffice),
        icon: Some("🐞".into()),
        ..CreateTicketTypeRequest::default()
    };
    types.create(&create).await.unwrap();
    let update = UpdateTicketTypeRequest {
        description: Some("Bugs".into()),
        ..UpdateTicketTypeRequest::default()
    };
    types.update(&"1234".into(), &update).await.unwrap();
    types.archive(&"1235".into()).await.unwrap();
    let mut attribute =
        CreateTicketTypeAttributeRequest::new("Severity", "How bad", TicketAttributeType::List);
    attribute.list_items = Some("High,Low".into());
    attribute.required_to_create = Some(false);
    types
        .create_attribute(&"1234".into(), &attribute)
        .await
        .unwrap();
    let change = UpdateTicketTypeAttributeRequest {
        visible_to_contacts: Some(false),
        ..UpdateTicketTypeAttributeRequest::default()
    };
    types
        .update_attribute(&"1234".into(), &"7".into(), &change)
        .await
        .unwrap();
    types
        .archive_attribute(&"1234".into(), &"8".into())
        .await
        .unwrap();
}

#[tokio::test]
async fn ticket_states_are_listed() {
    let (server, client) = setup().await;
    Expect::call("GET", "/ticket_states")
        .respond(200, json!({"type": "list", "data": [{"type": "ticket_state", "id": "7493", "category": "resolved",
            "internal_label": "Resolved", "external_label": "Resolved", "archived": false,
            "ticket_types": {"type": "list", "data": [ticket_type("1234")]}}]}))
        .mount(&server)
        .await;
    let states = client.ticket_states().list().await.unwrap();
    assert_eq!(states[0].category, Some(TicketStateCategory::Resolved));
    assert_eq!(states[0].ticket_types.as_ref().unwrap().data[0].id, "1234");
}

#[tokio::test]
async fn create_update_reply_get_search_delete() {
    let (server, client) = setup().await;
    Expect::call("POST", "/tickets")
        .body(json!({"ticket_type_id": "1234", "contacts": [{"external_id": "70"}],
            "ticket_attributes": {"_default_title_": "Broken", "Severity": "a1"}, "created_at": 1262304000,
            "assignment": {"team_assignee_id": "814865"}, "skip_notifications": true}))
        .respond(200, ticket_json("494"))
        .mount(&server)
        .await;
    Expect::call("PUT", "/tickets/494")
        .body(json!({"ticket_state_id": "7493", "open": false, "admin_id": 991267716, "assignee_id": "0",
            "ticket_attributes": {"Severity": "a2"}}))
        .respond(200, ticket_json("494"))
        .mount(&server)
        .await;
    Expect::call("POST", "/tickets/494/reply")
        .body(json!({"message_type": "note", "type": "admin", "admin_id": "991267716", "body": "looked at it",
            "created_at": 1262307600, "skip_notifications": true}))
        .respond(200, json!({"type": "ticket_part", "id": "310", "part_type": "note", "body": "<p>looked at it</p>",
            "created_at": 1262307600, "updated_at": 1262307600, "author": {"type": "admin", "id": "991267716"},
            "attachments": [], "redacted": false}))
        .mount(&server)
        .await;
    Expect::call("POST", "/tickets/494/reply")
        .body(json!({"message_type": "comment", "type": "user", "email": "ada@example.com", "body": "still broken"}))
        .respond(200, json!({"type": "ticket_part", "id": "311", "part_type": "comment"}))
        .mount(&server)
        .await;
    Expect::call("GET", "/tickets/494")
        .respond(200, ticket_json("494"))
        .mount(&server)
        .await;
    Expect::call("POST", "/tickets/search")
        .body(json!({"query": {"field": "ticket_type_id", "operator": "=", "value": "1234"}}))
        .respond(
            200,
            json!({"type": "ticket.list", "tickets": [ticket_json("494")], "total_count": 1,
            "pages": {"type": "pages", "page": 1, "per_page": 20, "total_pages": 1}}),
        )
        .mount(&server)
        .await;
    Expect::call("DELETE", "/tickets/494")
        .respond(
            200,
            json!({"id": "494", "object": "ticket", "deleted": true}),
        )
        .mount(&server)
        .await;

    let tickets = client.tickets();
    let mut create =
        CreateTicketRequest::new("1234", TicketContact::ExternalId("70".into()), "Broken");
    create
        .ticket_attributes
        .as_mut()
        .unwrap()
        .insert("Severity".into(), "a1".into());
    create.created_at = Some(1262304000.into());
    create.assignment = Some(TicketAssignment {
        team_assignee_id: Some("814865".into()),
        ..TicketAssignment::default()
    });
    create.skip_notifications = Some(true);
    let ticket = tickets.create(&create).await.unwrap();
    assert_eq!(ticket.ticket_id.unwrap(), "22");
    assert_eq!(ticket.ticket_state.unwrap().id, "7493");

    let update = UpdateTicketRequest {
        ticket_state_id: Some("7493".into()),
        open: Some(false),
        admin_id: Some("991267716".into()),
        assignee_id: Some("0".into()),
        ticket_attributes: Some(serde_json::from_value(json!({"Severity": "a2"})).unwrap()),
        ..UpdateTicketRequest::default()
    };
    tickets.update(&"494".into(), &update).await.unwrap();

    let note = AdminReply::note("991267716", "looked at it")
        .created_at(1262307600)
        .skip_notifications();
    assert_eq!(
        tickets.reply(&"494".into(), &note.into()).await.unwrap().id,
        "310"
    );
    let mut by_email = ContactReply::new("x", "still broken");
    by_email.contact = ContactIdentity::Email("ada@example.com".into());
    tickets
        .reply(&"494".into(), &by_email.into())
        .await
        .unwrap();

    assert_eq!(tickets.get(&"494".into()).await.unwrap().id, "494");
    let found: Vec<_> = tickets
        .search(SearchQuery::eq("ticket_type_id", "1234"), None)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert!(tickets.delete(&"494".into()).await.unwrap().deleted);
}

#[tokio::test]
async fn a_non_numeric_admin_id_is_refused_where_an_integer_is_required() {
    let (_server, client) = setup().await;
    let update = UpdateTicketRequest {
        admin_id: Some("admin-abc".into()),
        ..UpdateTicketRequest::default()
    };
    let error = client
        .tickets()
        .update(&"494".into(), &update)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
}

#[tokio::test]
async fn a_ticket_takes_exactly_one_contact() {
    let (_server, client) = setup().await;
    let mut request = CreateTicketRequest::new("1234", TicketContact::Id("c1".into()), "t");
    request
        .contacts
        .push(TicketContact::Email("x@example.com".into()));
    assert!(matches!(
        client.tickets().create(&request).await,
        Err(Error::InvalidRequest(_))
    ));
}
