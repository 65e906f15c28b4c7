use futures::TryStreamExt;
use intercom_client::companies::{UpdateCompanyRequest, UpsertCompanyRequest};
use serde_json::json;

use crate::common::{company_json, error_list, setup, Expect};

#[tokio::test]
async fn upsert_sends_company_id_and_remote_created_at() {
    let (server, client) = setup().await;
    Expect::call("POST", "/companies")
        .body(json!({"company_id": "acme", "name": "Acme", "remote_created_at": 1262304000,
            "size": 50, "website": "https://acme.example", "custom_attributes": {"region": "EMEA"}}))
        .respond(200, company_json("6762f07a1bb69f9f2193baea", "acme"))
        .mount(&server)
        .await;
    let mut request = UpsertCompanyRequest::new("acme", "Acme");
    request.remote_created_at = Some(1262304000.into());
    request.size = Some(50);
    request.website = Some("https://acme.example".into());
    request.custom_attributes = Some(serde_json::from_value(json!({"region": "EMEA"})).unwrap());
    let company = client.companies().upsert(&request).await.unwrap();
    assert_eq!(company.remote_created_at, Some(1262304000.into()));
    assert_eq!(company.plan.unwrap().name, None);
}

#[tokio::test]
async fn get_update_delete() {
    let (server, client) = setup().await;
    Expect::call("GET", "/companies/co1")
        .respond(200, company_json("co1", "acme"))
        .mount(&server)
        .await;
    Expect::call("PUT", "/companies/co1")
        .body(json!({"industry": "Manufacturing"}))
        .respond(200, company_json("co1", "acme"))
        .mount(&server)
        .await;
    Expect::call("DELETE", "/companies/co1")
        .respond(
            200,
            json!({"id": "co1", "object": "company", "deleted": true}),
        )
        .mount(&server)
        .await;
    assert_eq!(
        client
            .companies()
            .get(&"co1".into())
            .await
            .unwrap()
            .user_count,
        Some(4)
    );
    let update = UpdateCompanyRequest {
        industry: Some("Manufacturing".into()),
        ..UpdateCompanyRequest::default()
    };
    client
        .companies()
        .update(&"co1".into(), &update)
        .await
        .unwrap();
    let deleted = client.companies().delete(&"co1".into()).await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.object.as_deref(), Some("company"));
}

#[tokio::test]
async fn find_by_company_id_accepts_a_single_company_a_list_or_a_404() {
    let (server, client) = setup().await;
    Expect::call("GET", "/companies")
        .query("company_id", "acme")
        .respond(200, company_json("co1", "acme"))
        .mount(&server)
        .await;
    Expect::call("GET", "/companies")
        .query("company_id", "listed")
        .respond(
            200,
            json!({"type": "list", "data": [company_json("co2", "listed")], "total_count": 1,
            "pages": {"type": "pages", "page": 1, "per_page": 15, "total_pages": 1}}),
        )
        .mount(&server)
        .await;
    Expect::call("GET", "/companies")
        .query("company_id", "nope")
        .respond(404, error_list("company_not_found", "Company Not Found"))
        .mount(&server)
        .await;
    let companies = client.companies();
    assert_eq!(
        companies
            .find_by_company_id("acme")
            .await
            .unwrap()
            .unwrap()
            .id,
        "co1"
    );
    assert_eq!(
        companies
            .find_by_company_id("listed")
            .await
            .unwrap()
            .unwrap()
            .id,
        "co2"
    );
    assert!(companies
        .find_by_company_id("nope")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn list_walks_page_numbers() {
    let (server, client) = setup().await;
    for (page, id) in [(1, "co1"), (2, "co2")] {
        Expect::call("POST", "/companies/list")
            .query("page", page.to_string())
            .query("per_page", "1")
            .respond(
                200,
                json!({"type": "list", "data": [company_json(id, id)], "total_count": 2,
                "pages": {"type": "pages", "page": page, "per_page": 1, "total_pages": 2}}),
            )
            .mount(&server)
            .await;
    }
    let ids: Vec<String> = client
        .companies()
        .list(Some(1))
        .map_ok(|c| c.id.into_string())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["co1", "co2"]);
}

#[tokio::test]
async fn scroll_continues_with_the_same_param_until_an_empty_page() {
    let (server, client) = setup().await;
    // Mounted first so it is matched last: the opening call carries no scroll_param.
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/companies/scroll"))
        .and(wiremock::matchers::query_param_is_missing("scroll_param"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({
            "type": "list", "data": [company_json("co1", "a")], "pages": null, "total_count": null,
            "scroll_param": "69352cd2"})))
        .expect(1)
        .mount(&server)
        .await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/companies/scroll"))
        .and(wiremock::matchers::query_param("scroll_param", "69352cd2"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({
            "type": "list", "data": [company_json("co2", "b")], "scroll_param": "69352cd2"})))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/companies/scroll"))
        .and(wiremock::matchers::query_param("scroll_param", "69352cd2"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({
            "type": "list", "data": [], "scroll_param": "69352cd2"})))
        .expect(1)
        .mount(&server)
        .await;
    let companies: Vec<_> = client.companies().scroll().try_collect().await.unwrap();
    assert_eq!(companies.len(), 2);
}
