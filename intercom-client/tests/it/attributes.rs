//! Data attributes (contacts, companies) and conversation attributes.

use intercom_client::conversation_attributes::{
    AttributeReference, ConversationAttributeType, CreateConversationAttributeRequest,
    UpdateConversationAttributeRequest,
};
use intercom_client::data_attributes::{
    CreateDataAttributeRequest, DataAttributeModel, DataAttributeOption, DataAttributeType,
    UpdateDataAttributeRequest,
};
use intercom_client::Error;
use serde_json::json;

use crate::common::{setup, Expect};

fn data_attribute(id: u64, name: &str, data_type: &str) -> serde_json::Value {
    json!({"type": "data_attribute", "id": id, "model": "contact", "name": name,
        "full_name": format!("custom_attributes.{name}"), "label": name, "description": "",
        "data_type": data_type, "options": ["a", "b"], "api_writable": true, "messenger_writable": false,
        "ui_writable": true, "custom": true, "archived": false, "created_at": 1734537261,
        "updated_at": 1734537261, "admin_id": "991267696"})
}

#[tokio::test]
async fn data_attributes_of_every_type_are_created() {
    let (server, client) = setup().await;
    let scalar_types = [
        (DataAttributeType::String, "string"),
        (DataAttributeType::Integer, "integer"),
        (DataAttributeType::Float, "float"),
        (DataAttributeType::Boolean, "boolean"),
        (DataAttributeType::Datetime, "datetime"),
        (DataAttributeType::Date, "date"),
    ];
    for (i, (_, wire)) in scalar_types.iter().enumerate() {
        Expect::call("POST", "/data_attributes")
            .body(
                json!({"name": format!("attr_{wire}"), "model": "company", "data_type": wire,
                "description": "from Vivantio"}),
            )
            .respond(200, data_attribute(i as u64, &format!("attr_{wire}"), wire))
            .mount(&server)
            .await;
    }
    Expect::call("POST", "/data_attributes")
        .body(
            json!({"name": "tier", "model": "contact", "data_type": "options",
            "options": [{"value": "gold"}, {"value": "silver"}]}),
        )
        .respond(200, data_attribute(99, "tier", "string"))
        .mount(&server)
        .await;
    for (data_type, wire) in scalar_types {
        let request = CreateDataAttributeRequest::new(
            format!("attr_{wire}"),
            DataAttributeModel::Company,
            data_type,
        )
        .description("from Vivantio");
        client.data_attributes().create(&request).await.unwrap();
    }
    let list = CreateDataAttributeRequest::options(
        "tier",
        DataAttributeModel::Contact,
        ["gold", "silver"],
    );
    let created = client.data_attributes().create(&list).await.unwrap();
    assert_eq!(created.id.unwrap(), "99");
    assert_eq!(created.options, ["a", "b"]);
}

#[tokio::test]
async fn a_list_attribute_needs_two_options() {
    let (_server, client) = setup().await;
    let request =
        CreateDataAttributeRequest::options("tier", DataAttributeModel::Contact, ["only"]);
    let error = client.data_attributes().create(&request).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)));
}

#[tokio::test]
async fn data_attributes_list_update_archive() {
    let (server, client) = setup().await;
    Expect::call("GET", "/data_attributes")
        .query("model", "contact")
        .query("include_archived", "true")
        .respond(
            200,
            json!({"type": "list", "data": [data_attribute(1, "x", "string"),
            {"type": "data_attribute", "name": "email", "full_name": "email", "data_type": "string",
             "api_writable": false, "custom": false, "model": "contact"}]}),
        )
        .mount(&server)
        .await;
    Expect::call("PUT", "/data_attributes/1")
        .body(json!({"description": "new", "options": [{"value": "a"}, {"value": "b"}]}))
        .respond(200, data_attribute(1, "x", "string"))
        .mount(&server)
        .await;
    Expect::call("PUT", "/data_attributes/2")
        .body(json!({"archived": true}))
        .respond(200, data_attribute(2, "y", "string"))
        .mount(&server)
        .await;
    let attributes = client
        .data_attributes()
        .list(Some(DataAttributeModel::Contact), true)
        .await
        .unwrap();
    assert_eq!(attributes.len(), 2);
    assert!(attributes[1].id.is_none(), "built-in attributes have no id");
    let update = UpdateDataAttributeRequest {
        description: Some("new".into()),
        options: Some(vec![
            DataAttributeOption { value: "a".into() },
            DataAttributeOption { value: "b".into() },
        ]),
        ..UpdateDataAttributeRequest::default()
    };
    client
        .data_attributes()
        .update(&"1".into(), &update)
        .await
        .unwrap();
    client.data_attributes().archive(&"2".into()).await.unwrap();
}

fn conversation_attribute(id: u64, data_type: &str) -> serde_json::Value {
    json!({"type": "conversation_attribute", "id": id, "name": "Priority", "description": "",
        "data_type": data_type, "required": false, "visible_to_team_ids": [], "archived": false,
        "created_at": 1778239701, "updated_at": 1778239701, "admin_id": "16",
        "options": [{"id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "label": "High", "archived": false}]})
}

#[tokio::test]
async fn conversation_attributes_crud_and_options() {
    let (server, client) = setup().await;
    Expect::call("GET", "/conversations/attributes")
        .query("include_archived", "false")
        .respond(
            200,
            json!({"type": "list", "data": [conversation_attribute(8, "list")]}),
        )
        .mount(&server)
        .await;
    Expect::call("GET", "/conversations/attributes/8")
        .respond(200, conversation_attribute(8, "list"))
        .mount(&server)
        .await;
    Expect::call("POST", "/conversations/attributes")
        .body(json!({"name": "Priority", "data_type": "list", "options": [{"label": "High"}, {"label": "Low"}],
            "visible_to_team_ids": ["5"]}))
        .respond(200, conversation_attribute(8, "list"))
        .mount(&server)
        .await;
    Expect::call("POST", "/conversations/attributes")
        .body(json!({"name": "Notes", "data_type": "string", "multiline": true, "required": true}))
        .respond(200, conversation_attribute(9, "string"))
        .mount(&server)
        .await;
    Expect::call("POST", "/conversations/attributes")
        .body(json!({"name": "Asset", "data_type": "relationship",
            "reference": {"type": "one", "object_type_id": "obj_1"}}))
        .respond(200, conversation_attribute(10, "relationship"))
        .mount(&server)
        .await;
    Expect::call("PUT", "/conversations/attributes/8")
        .body(json!({"description": "How urgent"}))
        .respond(200, conversation_attribute(8, "list"))
        .mount(&server)
        .await;
    Expect::call("DELETE", "/conversations/attributes/9")
        .respond(200, conversation_attribute(9, "string"))
        .mount(&server)
        .await;
    Expect::call("POST", "/conversations/attributes/8/options")
        .body(json!({"label": "Urgent"}))
        .respond(200, conversation_attribute(8, "list"))
        .mount(&server)
        .await;
    Expect::call("PUT", "/conversations/attributes/8/options/a1b2")
        .body(json!({"label": "Very high"}))
        .respond(200, conversation_attribute(8, "list"))
        .mount(&server)
        .await;
    Expect::call("DELETE", "/conversations/attributes/8/options/a1b2")
        .respond(200, conversation_attribute(8, "list"))
        .mount(&server)
        .await;

    let api = client.conversation_attributes();
    let listed = api.list(false).await.unwrap();
    assert_eq!(listed[0].data_type, Some(ConversationAttributeType::List));
    assert_eq!(listed[0].options[0].label.as_deref(), Some("High"));
    assert_eq!(api.get(&"8".into()).await.unwrap().id, "8");

    let mut list = CreateConversationAttributeRequest::list("Priority", ["High", "Low"]);
    list.visible_to_team_ids = Some(vec!["5".into()]);
    api.create(&list).await.unwrap();
    let mut notes =
        CreateConversationAttributeRequest::new("Notes", ConversationAttributeType::String);
    notes.multiline = Some(true);
    notes.required = Some(true);
    api.create(&notes).await.unwrap();
    let mut asset =
        CreateConversationAttributeRequest::new("Asset", ConversationAttributeType::Relationship);
    asset.reference = Some(AttributeReference {
        cardinality: "one".into(),
        object_type_id: "obj_1".into(),
    });
    api.create(&asset).await.unwrap();

    let update = UpdateConversationAttributeRequest {
        description: Some("How urgent".into()),
        ..UpdateConversationAttributeRequest::default()
    };
    api.update(&"8".into(), &update).await.unwrap();
    api.archive(&"9".into()).await.unwrap();
    api.add_option(&"8".into(), "Urgent").await.unwrap();
    api.update_option(&"8".into(), &"a1b2".into(), "Very high")
        .await
        .unwrap();
    api.archive_option(&"8".into(), &"a1b2".into())
        .await
        .unwrap();
}

#[tokio::test]
async fn misplaced_type_settings_are_refused() {
    let (_server, client) = setup().await;
    let mut request =
        CreateConversationAttributeRequest::new("n", ConversationAttributeType::Integer);
    request.multiline = Some(true);
    let error = client
        .conversation_attributes()
        .create(&request)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)));
}
