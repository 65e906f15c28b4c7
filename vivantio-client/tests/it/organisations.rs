//! `Client/*`, `Caller/*`, `Location/*` and `Article/*`: the shared select actions on each.

use serde_json::json;
use vivantio_client::query::{fields, Query};
use wiremock::matchers::body_json;

use crate::common;
use crate::common::{empty_body, ok, ok_data, post, setup};

#[tokio::test]
async fn clients_select_by_query_id_and_list() {
    let (server, client) = setup().await;
    post("Client/Select")
        .and(body_json(json!({"Query": {"Mode": "MatchAll", "Items": [
            {"FieldName": "Deleted", "Op": "Equals", "Value": false}
        ]}})))
        .respond_with(ok_data("clients"))
        .expect(1)
        .mount(&server)
        .await;
    post("Client/SelectById/7001")
        .and(empty_body)
        .respond_with(ok(
            json!({"Successful": true, "Item": common::data("clients")["Results"][0]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    post("Client/SelectList")
        .and(body_json(json!([7001])))
        .respond_with(ok_data("clients"))
        .expect(1)
        .mount(&server)
        .await;
    let query = Query::match_all().and(fields::client::DELETED.equals(false));
    let organisations = client.clients().select(&query).await.unwrap();
    assert_eq!(
        organisations[0].email_suffix.as_deref(),
        Some("acme.example")
    );
    let one = client
        .clients()
        .select_by_id(7001.into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(one, organisations[0]);
    assert_eq!(
        client.clients().select_list(&[7001.into()]).await.unwrap(),
        organisations
    );
    insta::assert_json_snapshot!("clients", organisations);
}

#[tokio::test]
async fn callers_select_by_email() {
    let (server, client) = setup().await;
    post("Caller/Select")
        .and(body_json(json!({"Query": {"Mode": "MatchAny", "Items": [
            {"FieldName": "Email", "Op": "Equals", "Value": "jane.doe@acme.example"}
        ]}})))
        .respond_with(ok_data("callers"))
        .expect(1)
        .mount(&server)
        .await;
    post("Caller/SelectById/9001")
        .and(empty_body)
        .respond_with(ok(
            json!({"Successful": true, "Item": common::data("callers")["Results"][0]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    post("Caller/SelectList")
        .and(body_json(json!([9001, 9002])))
        .respond_with(ok_data("callers"))
        .expect(1)
        .mount(&server)
        .await;
    let query = Query::match_any().and(fields::caller::EMAIL.equals("jane.doe@acme.example"));
    let callers = client.callers().select(&query).await.unwrap();
    assert_eq!(callers[0].domain_login_name.as_deref(), Some("ACME\\jdoe"));
    assert_eq!(callers[0].update_date, None);
    assert_eq!(
        client
            .callers()
            .select_by_id(9001.into())
            .await
            .unwrap()
            .as_ref(),
        callers.first()
    );
    assert_eq!(
        client
            .callers()
            .select_list(&[9001.into(), 9002.into()])
            .await
            .unwrap()
            .len(),
        1
    );
    insta::assert_json_snapshot!("callers", callers);
}

#[tokio::test]
async fn locations_select() {
    let (server, client) = setup().await;
    post("Location/Select")
        .and(body_json(json!({"Query": {"Mode": "MatchAll", "Items": [
            {"FieldName": "ClientId", "Op": "Equals", "Value": 7001}
        ]}})))
        .respond_with(ok_data("locations"))
        .expect(1)
        .mount(&server)
        .await;
    post("Location/SelectById/8001")
        .and(empty_body)
        .respond_with(ok(
            json!({"Successful": true, "Item": common::data("locations")["Results"][0]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    post("Location/SelectList")
        .and(body_json(json!([8001])))
        .respond_with(ok_data("locations"))
        .expect(1)
        .mount(&server)
        .await;
    let query = Query::match_all().and(fields::location::CLIENT_ID.equals(7001));
    let locations = client.locations().select(&query).await.unwrap();
    assert_eq!(locations[0].post_code.as_deref(), Some("EC1A 1AA"));
    assert!(client
        .locations()
        .select_by_id(8001.into())
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        client
            .locations()
            .select_list(&[8001.into()])
            .await
            .unwrap(),
        locations
    );
    insta::assert_json_snapshot!("locations", locations);
}

#[tokio::test]
async fn articles_select() {
    let (server, client) = setup().await;
    post("Article/Select")
        .and(body_json(
            json!({"Query": {"Mode": "MatchAll", "Items": []}}),
        ))
        .respond_with(ok_data("articles"))
        .expect(1)
        .mount(&server)
        .await;
    post("Article/SelectById/12001")
        .and(empty_body)
        .respond_with(ok(
            json!({"Successful": true, "Item": common::data("articles")["Results"][0]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    post("Article/SelectList")
        .and(body_json(json!([12001, 12002])))
        .respond_with(ok_data("articles"))
        .expect(1)
        .mount(&server)
        .await;
    let articles = client.articles().select(&Query::match_all()).await.unwrap();
    assert_eq!(articles.len(), 2);
    assert_eq!(articles[0].keywords, json!(["password", "reset"]));
    assert_eq!(articles[1].keywords, json!(null));
    assert_eq!(articles[1].update_date, None);
    assert_eq!(
        client
            .articles()
            .select_by_id(12001.into())
            .await
            .unwrap()
            .as_ref(),
        articles.first()
    );
    assert_eq!(
        client
            .articles()
            .select_list(&[12001.into(), 12002.into()])
            .await
            .unwrap(),
        articles
    );
    insta::assert_json_snapshot!("articles", articles);
}
