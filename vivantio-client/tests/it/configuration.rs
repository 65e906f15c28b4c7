//! `Configuration/*`: every action's path, method, auth and body, and the parsed answers.

use vivantio_client::{FieldType, StatusType};

use crate::common::{empty_body, ok, ok_data, post, results, setup};

#[tokio::test]
async fn ticket_types() {
    let (server, client) = setup().await;
    post("Configuration/TicketTypeSelectAll")
        .and(empty_body)
        .respond_with(ok_data("ticket_types"))
        .expect(1)
        .mount(&server)
        .await;
    let types = client.configuration().ticket_types().await.unwrap();
    assert_eq!(types.len(), 3);
    assert_eq!(types[2].enabled, Some(false));
    insta::assert_json_snapshot!("ticket_types", types);
}

#[tokio::test]
async fn statuses_priorities_categories_by_record_type() {
    let (server, client) = setup().await;
    for (action, data) in [
        ("StatusSelectByRecordTypeId", "statuses"),
        ("PrioritySelectByRecordTypeId", "priorities"),
        ("CategorySelectByRecordTypeId", "categories"),
    ] {
        post(&format!("Configuration/{action}/11"))
            .and(empty_body)
            .respond_with(ok_data(data))
            .expect(1)
            .mount(&server)
            .await;
    }
    let config = client.configuration();
    let statuses = config.statuses(11.into()).await.unwrap();
    let kinds: Vec<_> = statuses.iter().map(|s| s.status_type.clone()).collect();
    assert_eq!(
        kinds,
        [
            Some(StatusType::Open),
            Some(StatusType::Pending),
            Some(StatusType::OnHold),
            Some(StatusType::Closed),
            Some(StatusType::Other("6".into())),
        ]
    );
    let priorities = config.priorities(11.into()).await.unwrap();
    assert_eq!(priorities[2].order, None);
    let categories = config.categories(11.into()).await.unwrap();
    assert_eq!(categories[1].parent_id, Some(301.into()));
    insta::assert_json_snapshot!("statuses", statuses);
    insta::assert_json_snapshot!("priorities", priorities);
    insta::assert_json_snapshot!("categories", categories);
}

#[tokio::test]
async fn knowledge_base_categories_use_record_type_10() {
    let (server, client) = setup().await;
    post("Configuration/CategorySelectByRecordTypeId/10")
        .respond_with(ok(results(serde_json::json!([
            {"Id": 1001, "Name": "How-to", "ParentId": null, "RecordTypeId": 10, "Enabled": true}
        ]))))
        .expect(2)
        .mount(&server)
        .await;
    let categories = client
        .configuration()
        .knowledge_base_categories()
        .await
        .unwrap();
    assert_eq!(categories[0].name.as_deref(), Some("How-to"));
    assert_eq!(client.articles().categories().await.unwrap(), categories);
}

#[tokio::test]
async fn users_groups_and_membership() {
    let (server, client) = setup().await;
    post("Configuration/UserSelectAll")
        .and(empty_body)
        .respond_with(ok_data("users"))
        .expect(1)
        .mount(&server)
        .await;
    post("Configuration/GroupSelectAll")
        .and(empty_body)
        .respond_with(ok_data("groups"))
        .expect(1)
        .mount(&server)
        .await;
    post("Configuration/UserSelectByGroupId/61")
        .and(empty_body)
        .respond_with(ok(results(
            serde_json::json!([{"Id": 501, "FirstName": "Priya"}]),
        )))
        .expect(1)
        .mount(&server)
        .await;
    post("Configuration/UserSelectById/502")
        .respond_with(ok(
            serde_json::json!({"Successful": true, "Item": {"Id": 502, "FirstName": "Tom"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    post("Configuration/UserSelectById/999")
        .respond_with(ok_data("error_not_found"))
        .expect(1)
        .mount(&server)
        .await;
    let config = client.configuration();
    let users = config.users().await.unwrap();
    assert_eq!(users[0].full_name(), "Priya Shah");
    assert_eq!(users[1].full_name(), "Tom");
    let groups = config.groups().await.unwrap();
    assert_eq!(groups[1].description, None);
    let members = config.users_in_group(61.into()).await.unwrap();
    assert_eq!(members[0].id, 501.into());
    assert_eq!(
        config.user(502.into()).await.unwrap().unwrap().id,
        502.into()
    );
    assert_eq!(
        config.user(999.into()).await.unwrap(),
        None,
        "ItemNotFound is None"
    );
    insta::assert_json_snapshot!("users", users);
    insta::assert_json_snapshot!("groups", groups);
}

#[tokio::test]
async fn sla_targets_and_extension_fields() {
    let (server, client) = setup().await;
    post("Configuration/SLAStageTargetSelectByPriority/21")
        .and(empty_body)
        .respond_with(ok_data("sla_targets"))
        .expect(1)
        .mount(&server)
        .await;
    post("Configuration/ExtensionFieldSelectByRecordTypeId/11")
        .and(empty_body)
        .respond_with(ok_data("extension_fields"))
        .expect(1)
        .mount(&server)
        .await;
    let targets = client
        .configuration()
        .sla_stage_targets(21.into())
        .await
        .unwrap();
    assert_eq!(targets[1].target_minutes, Some(240));
    let fields = client
        .configuration()
        .extension_fields(11.into())
        .await
        .unwrap();
    assert_eq!(fields[0].field_type, Some(FieldType::Text));
    assert_eq!(fields[1].field_type, Some(FieldType::Other("7".into())));
    insta::assert_json_snapshot!("sla_targets", targets);
    insta::assert_json_snapshot!("extension_fields", fields);
}

#[tokio::test]
async fn empty_and_null_results_are_empty_lists() {
    let (server, client) = setup().await;
    post("Configuration/GroupSelectAll")
        .respond_with(ok(serde_json::json!({"Successful": true, "Results": null})))
        .mount(&server)
        .await;
    post("Configuration/UserSelectAll")
        .respond_with(ok(results(serde_json::json!([]))))
        .mount(&server)
        .await;
    assert!(client.configuration().groups().await.unwrap().is_empty());
    assert!(client.configuration().users().await.unwrap().is_empty());
}
