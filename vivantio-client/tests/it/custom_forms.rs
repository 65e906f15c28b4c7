//! `Entity/*`: custom form definitions, field definitions, instances and simplified values.

use serde_json::json;
use vivantio_client::{CustomFormId, FieldType, SystemArea};
use wiremock::matchers::body_json;

use crate::common;
use crate::common::{empty_body, ok_data, post, setup};

#[tokio::test]
async fn definitions_by_record_type_and_by_id() {
    let (server, client) = setup().await;
    post("Entity/CustomEntityDefinitionSelectByRecordTypeId")
        .and(body_json(json!({"Id": 54})))
        .respond_with(ok_data("custom_form_definitions"))
        .expect(1)
        .mount(&server)
        .await;
    post("Entity/CustomEntityDefinitionSelectById/9799")
        .and(empty_body)
        .respond_with(ok_data("custom_form_definition_by_id"))
        .expect(1)
        .mount(&server)
        .await;
    post("Entity/CustomEntityFieldDefinitionSelectById/97993")
        .and(empty_body)
        .respond_with(ok_data("field_definition"))
        .expect(1)
        .mount(&server)
        .await;
    let forms = client.custom_forms();
    let definitions = forms.definitions(54.into()).await.unwrap();
    let fields = &definitions[0].fields;
    assert_eq!(fields[1].options, vec![], "null options are empty");
    assert_eq!(fields[2].field_type, Some(FieldType::DropDown));
    assert_eq!(fields[3].required, None);
    let one = forms.definition(9799.into()).await.unwrap().unwrap();
    assert_eq!(one.fields.len(), 1);
    let field = forms.field_definition(97993.into()).await.unwrap().unwrap();
    assert_eq!(field.options[1].value.as_deref(), Some("OfficeJet 9"));
    insta::assert_json_snapshot!("custom_form_definitions", definitions);
}

#[tokio::test]
async fn instances_on_a_ticket() {
    let (server, client) = setup().await;
    post("Entity/SelectEntityTypeIdsByParentItem")
        .and(body_json(
            json!({"ParentId": 655984, "SystemArea": "Ticket"}),
        ))
        .respond_with(ok_data("custom_form_type_ids"))
        .expect(1)
        .mount(&server)
        .await;
    post("Entity/CustomEntitySelectByTypeIdAndParent")
        .and(body_json(
            json!({"TypeId": 0, "ParentId": 655984, "SystemArea": "Ticket"}),
        ))
        .respond_with(ok_data("custom_form_instances"))
        .expect(1)
        .mount(&server)
        .await;
    post("Entity/CustomEntitySelectById/558902")
        .and(empty_body)
        .respond_with(ok_data("custom_form_instance_by_id"))
        .expect(1)
        .mount(&server)
        .await;
    post("Entity/CustomEntitySimplifiedSelectByTypeIdAndParent")
        .and(body_json(
            json!({"TypeId": 9799, "ParentId": 655983, "SystemArea": "Ticket"}),
        ))
        .respond_with(ok_data("custom_form_simplified"))
        .expect(1)
        .mount(&server)
        .await;
    let forms = client.custom_forms();
    assert_eq!(
        forms
            .definition_ids_for(655984, SystemArea::Ticket)
            .await
            .unwrap(),
        [CustomFormId::new(9799), CustomFormId::new(9800)]
    );
    let instances = forms
        .instances(None, 655984, SystemArea::Ticket)
        .await
        .unwrap();
    assert_eq!(instances[0].field_values[1].value, json!(true));
    let one = forms.instance(558902.into()).await.unwrap().unwrap();
    assert!(one.field_values.is_empty());
    let simplified = forms
        .simplified_instances(Some(9799.into()), 655983, SystemArea::Ticket)
        .await
        .unwrap();
    assert_eq!(simplified[0].values["Model"], json!("OfficeJet 9"));
    insta::assert_json_snapshot!("custom_form_instances", instances);
    insta::assert_json_snapshot!("custom_form_simplified", simplified);
}

/// The request bodies match the vendor's Postman collection (read from the shared folder).
#[tokio::test]
async fn bodies_match_the_vendor_postman_collection() {
    let Some(file) = fixtures::shared::shared_file(
        "vivantio-samples/vivantio-custom-forms.postman_collection.json",
    ) else {
        return;
    };
    let collection: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let vendor_body = |name: &str| -> serde_json::Value {
        let item = collection["item"]
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["name"] == name)
            .unwrap_or_else(|| panic!("no request named {name}"));
        serde_json::from_str(item["request"]["body"]["raw"].as_str().unwrap()).unwrap()
    };
    let (server, client) = setup().await;
    for (action, name) in [
        (
            "Entity/CustomEntityDefinitionSelectByRecordTypeId",
            "Get Custom Form Definition Master Details For Ticket Type ID",
        ),
        (
            "Entity/SelectEntityTypeIdsByParentItem",
            "Get Custom Form Definition Master IDs For Ticket Instance ID",
        ),
        (
            "Entity/CustomEntitySelectByTypeIdAndParent",
            "Get Custom Form Instance For Ticket Instance ID",
        ),
        (
            "Entity/CustomEntitySimplifiedSelectByTypeIdAndParent",
            "Get Custom Form Instance For Ticket Instance ID Simple",
        ),
    ] {
        post(action)
            .and(body_json(vendor_body(name)))
            .respond_with(common::ok(common::results(json!([]))))
            .expect(1)
            .mount(&server)
            .await;
    }
    let forms = client.custom_forms();
    forms.definitions(54.into()).await.unwrap();
    forms
        .definition_ids_for(655984, SystemArea::Ticket)
        .await
        .unwrap();
    forms
        .instances(None, 655984, SystemArea::Ticket)
        .await
        .unwrap();
    forms
        .simplified_instances(None, 655983, SystemArea::Ticket)
        .await
        .unwrap();
}
