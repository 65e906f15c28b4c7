use futures::TryStreamExt;
use intercom_client::contacts::{Contact, ContactRequest, ContactRole, ContactSearchOptions};
use intercom_client::search::{SearchQuery, SearchSort, SortOrder};
use intercom_client::{Cursor, Error, Page};
use serde_json::json;

use crate::common::{company_json, contact_json, error_list, setup, Expect};

#[tokio::test]
async fn create_user_sends_every_field_and_parses_the_contact() {
    let (server, client) = setup().await;
    Expect::call("POST", "/contacts")
        .body(json!({
            "role": "user", "external_id": "42", "email": "ada@example.com", "phone": "+353871234567",
            "name": "Ada Lovelace", "signed_up_at": 1262304000, "custom_attributes": {"vivantio_id": "42"}
        }))
        .respond(200, contact_json("6762f0dd1bb69f9f2193bb83", "42"))
        .mount(&server)
        .await;
    let request = ContactRequest::user("42")
        .email("ada@example.com")
        .phone("+353871234567")
        .name("Ada Lovelace")
        .signed_up_at(1262304000)
        .custom_attribute("vivantio_id", "42");
    let contact = client.contacts().create(&request).await.unwrap();
    assert_eq!(contact.id, "6762f0dd1bb69f9f2193bb83");
    assert_eq!(contact.role, Some(ContactRole::User));
    // owner_id arrives as an integer and is kept without loss.
    assert_eq!(contact.owner_id.unwrap().as_str(), "991267583");
    assert_eq!(contact.custom_attributes["vivantio_id"], "42");
}

#[tokio::test]
async fn create_lead_with_only_a_role() {
    let (server, client) = setup().await;
    let mut lead = contact_json("lead1", "x");
    lead["role"] = json!("lead");
    lead["external_id"] = json!(null);
    Expect::call("POST", "/contacts")
        .body(json!({"role": "lead", "name": "Visitor"}))
        .respond(200, lead)
        .mount(&server)
        .await;
    let contact = client
        .contacts()
        .create(&ContactRequest::lead().name("Visitor"))
        .await
        .unwrap();
    assert_eq!(contact.role, Some(ContactRole::Lead));
    assert_eq!(contact.external_id, None);
}

#[tokio::test]
async fn create_refuses_a_contact_without_identity() {
    let (_server, client) = setup().await;
    let error = client
        .contacts()
        .create(&ContactRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)));
}

#[tokio::test]
async fn conflict_on_create_carries_the_existing_id() {
    let (server, client) = setup().await;
    Expect::call("POST", "/contacts")
        .respond(
            409,
            error_list(
                "conflict",
                "A contact matching those details already exists with id=6762f0dd1bb69f9f2193bb83",
            ),
        )
        .mount(&server)
        .await;
    let error = client
        .contacts()
        .create(&ContactRequest::user("42"))
        .await
        .unwrap_err();
    match error {
        Error::Conflict {
            existing_id,
            request_id,
            ..
        } => {
            assert_eq!(existing_id.unwrap(), "6762f0dd1bb69f9f2193bb83");
            assert!(request_id.is_some());
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn update_get_delete_archive_unarchive() {
    let (server, client) = setup().await;
    Expect::call("PUT", "/contacts/c1")
        .body(json!({"name": "New Name"}))
        .respond(200, contact_json("c1", "42"))
        .mount(&server)
        .await;
    Expect::call("GET", "/contacts/c1")
        .respond(200, contact_json("c1", "42"))
        .mount(&server)
        .await;
    Expect::call("DELETE", "/contacts/c1")
        .respond(
            200,
            json!({"type": "contact", "id": "c1", "external_id": "42", "deleted": true}),
        )
        .mount(&server)
        .await;
    Expect::call("POST", "/contacts/c1/archive")
        .respond(
            200,
            json!({"type": "contact", "id": "c1", "external_id": "42", "archived": true}),
        )
        .mount(&server)
        .await;
    Expect::call("POST", "/contacts/c1/unarchive")
        .respond(
            200,
            json!({"type": "contact", "id": "c1", "external_id": "42", "archived": false}),
        )
        .mount(&server)
        .await;
    let contacts = client.contacts();
    let update = ContactRequest {
        name: Some("New Name".into()),
        ..ContactRequest::default()
    };
    assert_eq!(
        contacts.update(&"c1".into(), &update).await.unwrap().id,
        "c1"
    );
    assert_eq!(
        contacts.get(&"c1".into()).await.unwrap().email.as_deref(),
        Some("ada@example.com")
    );
    assert!(contacts.delete(&"c1".into()).await.unwrap().deleted);
    assert!(contacts.archive(&"c1".into()).await.unwrap().archived);
    assert!(!contacts.unarchive(&"c1".into()).await.unwrap().archived);
}

#[tokio::test]
async fn find_by_external_id_encodes_the_path_and_maps_404_to_none() {
    let (server, client) = setup().await;
    Expect::call("GET", "/contacts/find_by_external_id/viv%2F42")
        .respond(200, contact_json("c1", "viv/42"))
        .mount(&server)
        .await;
    Expect::call("GET", "/contacts/find_by_external_id/missing")
        .respond(404, error_list("not_found", "User Not Found"))
        .mount(&server)
        .await;
    let found = client
        .contacts()
        .find_by_external_id("viv/42")
        .await
        .unwrap();
    assert_eq!(found.unwrap().external_id.as_deref(), Some("viv/42"));
    assert!(client
        .contacts()
        .find_by_external_id("missing")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn list_follows_cursors_to_the_end() {
    let (server, client) = setup().await;
    Expect::call("GET", "/contacts")
        .query("per_page", "2")
        .query("starting_after", "cursor-2")
        .respond(
            200,
            json!({"type": "list", "data": [contact_json("c3", "3")], "total_count": 3,
            "pages": {"type": "pages", "page": 2, "per_page": 2, "total_pages": 2}}),
        )
        .mount(&server)
        .await;
    // The first page has no starting_after; mounted after the specific mock so it matches last.
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/contacts"))
        .and(wiremock::matchers::query_param_is_missing("starting_after"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({
            "type": "list", "data": [contact_json("c1", "1"), contact_json("c2", "2")], "total_count": 3,
            "pages": {"type": "pages", "page": 1, "per_page": 2, "total_pages": 2,
                "next": {"per_page": 2, "starting_after": "cursor-2"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let ids: Vec<String> = client
        .contacts()
        .list(Some(2))
        .map_ok(|c| c.id.into_string())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["c1", "c2", "c3"]);
}

#[tokio::test]
async fn search_sends_query_sort_and_pagination() {
    let (server, client) = setup().await;
    Expect::call("POST", "/contacts/search")
        .body(json!({
            "query": {"operator": "AND", "value": [
                {"field": "external_id", "operator": "=", "value": "42"},
                {"field": "role", "operator": "=", "value": "user"}
            ]},
            "pagination": {"per_page": 50},
            "sort": {"field": "created_at", "order": "ascending"}
        }))
        .respond(
            200,
            json!({"type": "list", "data": [contact_json("c1", "42")], "total_count": 1,
            "pages": {"type": "pages", "page": 1, "per_page": 50, "total_pages": 1}}),
        )
        .mount(&server)
        .await;
    let query = SearchQuery::and(vec![
        SearchQuery::eq("external_id", "42"),
        SearchQuery::eq("role", "user"),
    ]);
    let options = ContactSearchOptions {
        per_page: Some(50),
        sort: Some(SearchSort {
            field: "created_at".into(),
            order: SortOrder::Ascending,
        }),
    };
    let found: Vec<_> = client
        .contacts()
        .search(query, options)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
}

#[tokio::test]
async fn attach_and_detach_company() {
    let (server, client) = setup().await;
    Expect::call("POST", "/contacts/c1/companies")
        .body(json!({"id": "co1"}))
        .respond(200, company_json("co1", "acme"))
        .mount(&server)
        .await;
    Expect::call("DELETE", "/contacts/c1/companies/co1")
        .respond(200, company_json("co1", "acme"))
        .mount(&server)
        .await;
    let attached = client
        .contacts()
        .attach_company(&"c1".into(), &"co1".into())
        .await
        .unwrap();
    assert_eq!(attached.company_id.as_deref(), Some("acme"));
    let detached = client
        .contacts()
        .detach_company(&"c1".into(), &"co1".into())
        .await
        .unwrap();
    assert_eq!(detached.id, "co1");
}

/// A page of `GET /contacts` holding `ids`, pointing at `next`.
fn contact_page(ids: &[&str], next: Option<&str>) -> serde_json::Value {
    let data: Vec<_> = ids.iter().map(|id| contact_json(id, id)).collect();
    let mut pages = json!({"type": "pages", "per_page": 2, "total_pages": 3});
    if let Some(next) = next {
        pages["next"] = json!({"per_page": 2, "starting_after": next});
    }
    json!({"type": "list", "data": data, "total_count": 5, "pages": pages})
}

#[tokio::test]
async fn a_listing_resumes_from_a_saved_cursor_with_exactly_the_remaining_items() {
    let (server, client) = setup().await;
    for (after, ids, next) in [
        ("cur-2", &["c3", "c4"][..], Some("cur-4")),
        ("cur-4", &["c5"][..], None),
    ] {
        Expect::call("GET", "/contacts")
            .query("per_page", "2")
            .query("starting_after", after)
            .respond(200, contact_page(ids, next))
            .mount(&server)
            .await;
    }
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/contacts"))
        .and(wiremock::matchers::query_param_is_missing("starting_after"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_json(contact_page(&["c1", "c2"], Some("cur-2"))),
        )
        .expect(1)
        .mount(&server)
        .await;

    // A first run handles one page, saves where it stopped as text, and ends.
    let mut pages = client.contacts().list_pages(Some(2), None);
    let first = pages.try_next().await.unwrap().unwrap();
    let handled: Vec<&str> = first.items().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(handled, ["c1", "c2"]);
    let saved = first.next_cursor().unwrap().to_string();
    drop(pages);

    // A new call resumes from the saved cursor and sees only what is left.
    let cursor: Cursor = saved.parse().unwrap();
    let rest: Vec<Page<Contact>> = client
        .contacts()
        .list_pages(Some(2), Some(cursor))
        .try_collect()
        .await
        .unwrap();
    assert!(rest.last().unwrap().is_last());
    let remaining: Vec<String> = rest
        .into_iter()
        .flatten()
        .map(|c| c.id.into_string())
        .collect();
    assert_eq!(remaining, ["c3", "c4", "c5"]);
}
