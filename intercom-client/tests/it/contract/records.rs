//! Contacts, companies, admins, teams, attributes and tags, with fully populated requests.

use intercom_client::companies::{UpdateCompanyRequest, UpsertCompanyRequest};
use intercom_client::contacts::{ContactRequest, ContactSearchOptions};
use intercom_client::conversation_attributes::{
    AttributeReference, ConversationAttributeType, CreateConversationAttributeRequest,
    UpdateConversationAttributeRequest,
};
use intercom_client::data_attributes::{
    CreateDataAttributeRequest, DataAttributeModel, DataAttributeOption, DataAttributeType,
    UpdateDataAttributeRequest,
};
use intercom_client::search::{SearchSort, SortOrder};
use intercom_client::Client;
use serde_json::json;

use super::scenario::{attributes, check, drain, sample_query};

/// Calls every operation of these resources.
pub async fn exercise(client: &Client, failures: &mut Vec<String>) {
    // Contacts.
    let contacts = client.contacts();
    let mut user = ContactRequest::user("viv-42")
        .email("ada@example.com")
        .phone("+353871234567")
        .name("Ada Lovelace")
        .signed_up_at(1_262_304_000)
        .custom_attribute("vivantio_id", "42");
    user.email_verified = Some(true);
    user.avatar = Some("https://example.com/a.png".into());
    user.last_seen_at = Some(1_600_000_000.into());
    user.owner_id = Some("991267716".into());
    user.unsubscribed_from_emails = Some(false);
    check!(
        failures,
        "contacts.create user",
        contacts.create(&user).await
    );
    check!(
        failures,
        "contacts.create lead",
        contacts
            .create(&ContactRequest::lead().name("Visitor"))
            .await
    );
    check!(
        failures,
        "contacts.update",
        contacts
            .update(&"c1".into(), &ContactRequest::default().name("Ada"))
            .await
    );
    check!(failures, "contacts.get", contacts.get(&"c1".into()).await);
    check!(
        failures,
        "contacts.find_by_external_id",
        contacts.find_by_external_id("viv-42").await
    );
    let query = sample_query();
    let options = ContactSearchOptions {
        per_page: Some(50),
        sort: Some(SearchSort {
            field: "created_at".into(),
            order: SortOrder::Descending,
        }),
    };
    check!(
        failures,
        "contacts.search",
        drain(contacts.search(query.clone(), options)).await
    );
    check!(
        failures,
        "contacts.list",
        drain(contacts.list(Some(150))).await
    );
    check!(
        failures,
        "contacts.delete",
        contacts.delete(&"c1".into()).await
    );
    check!(
        failures,
        "contacts.archive",
        contacts.archive(&"c1".into()).await
    );
    check!(
        failures,
        "contacts.unarchive",
        contacts.unarchive(&"c1".into()).await
    );
    check!(
        failures,
        "contacts.attach_company",
        contacts.attach_company(&"c1".into(), &"co1".into()).await
    );
    check!(
        failures,
        "contacts.detach_company",
        contacts.detach_company(&"c1".into(), &"co1".into()).await
    );

    // Companies.
    let companies = client.companies();
    let upsert = UpsertCompanyRequest {
        company_id: "acme".into(),
        name: Some("Acme".into()),
        plan: Some("Enterprise".into()),
        size: Some(50),
        website: Some("https://acme.example".into()),
        industry: Some("Manufacturing".into()),
        custom_attributes: Some(attributes(json!({"region": "EMEA"}))),
        remote_created_at: Some(1_262_304_000.into()),
        update_last_request_at: Some(false),
        monthly_spend: Some(1000),
    };
    check!(
        failures,
        "companies.upsert",
        companies.upsert(&upsert).await
    );
    let update = UpdateCompanyRequest {
        name: Some("Acme Ltd".into()),
        plan: Some("Pro".into()),
        size: Some(51),
        website: Some("https://acme.example".into()),
        industry: Some("Manufacturing".into()),
        custom_attributes: Some(attributes(json!({"region": "APAC"}))),
        monthly_spend: Some(2000),
    };
    check!(
        failures,
        "companies.update",
        companies.update(&"co1".into(), &update).await
    );
    check!(
        failures,
        "companies.get",
        companies.get(&"co1".into()).await
    );
    check!(
        failures,
        "companies.find_by_company_id",
        companies.find_by_company_id("acme").await
    );
    check!(
        failures,
        "companies.list",
        drain(companies.list(Some(50))).await
    );
    check!(
        failures,
        "companies.scroll",
        drain(companies.scroll()).await
    );
    check!(
        failures,
        "companies.delete",
        companies.delete(&"co1".into()).await
    );

    // Admins and teams.
    check!(failures, "admins.list", client.admins().list().await);
    check!(
        failures,
        "admins.get",
        client.admins().get(&"991267716".into()).await
    );
    check!(failures, "admins.me", client.admins().me().await);
    check!(failures, "teams.list", client.teams().list().await);
    check!(
        failures,
        "teams.get",
        client.teams().get(&"814865".into()).await
    );

    // Data attributes.
    let data_attributes = client.data_attributes();
    check!(
        failures,
        "data_attributes.list",
        data_attributes
            .list(Some(DataAttributeModel::Company), true)
            .await
    );
    for data_type in [
        DataAttributeType::String,
        DataAttributeType::Integer,
        DataAttributeType::Float,
        DataAttributeType::Boolean,
        DataAttributeType::Datetime,
        DataAttributeType::Date,
    ] {
        let mut request =
            CreateDataAttributeRequest::new("attr", DataAttributeModel::Contact, data_type)
                .description("from Vivantio");
        request.messenger_writable = Some(false);
        check!(
            failures,
            format!("data_attributes.create {data_type:?}"),
            data_attributes.create(&request).await
        );
    }
    let list = CreateDataAttributeRequest::options(
        "tier",
        DataAttributeModel::Company,
        ["gold", "silver"],
    );
    check!(
        failures,
        "data_attributes.create options",
        data_attributes.create(&list).await
    );
    let update = UpdateDataAttributeRequest {
        archived: Some(false),
        description: Some("new".into()),
        messenger_writable: Some(true),
        options: Some(vec![
            DataAttributeOption { value: "a".into() },
            DataAttributeOption { value: "b".into() },
        ]),
    };
    check!(
        failures,
        "data_attributes.update",
        data_attributes.update(&"1".into(), &update).await
    );
    check!(
        failures,
        "data_attributes.archive",
        data_attributes.archive(&"1".into()).await
    );

    // Conversation attributes.
    let conversation_attributes = client.conversation_attributes();
    check!(
        failures,
        "conversation_attributes.list",
        conversation_attributes.list(true).await
    );
    check!(
        failures,
        "conversation_attributes.get",
        conversation_attributes.get(&"8".into()).await
    );
    for data_type in [
        ConversationAttributeType::String,
        ConversationAttributeType::Integer,
        ConversationAttributeType::List,
        ConversationAttributeType::Decimal,
        ConversationAttributeType::Boolean,
        ConversationAttributeType::Datetime,
        ConversationAttributeType::Relationship,
        ConversationAttributeType::Files,
    ] {
        let mut request = CreateConversationAttributeRequest::new("attr", data_type.clone());
        request.description = Some("from Vivantio".into());
        request.required = Some(false);
        request.visible_to_team_ids = Some(vec!["814865".into()]);
        match data_type {
            ConversationAttributeType::String => request.multiline = Some(true),
            ConversationAttributeType::List => {
                request = CreateConversationAttributeRequest {
                    ..CreateConversationAttributeRequest::list("attr", ["High", "Low"])
                }
            }
            ConversationAttributeType::Relationship => {
                request.reference = Some(AttributeReference {
                    cardinality: "many".into(),
                    object_type_id: "obj".into(),
                })
            }
            _ => {}
        }
        check!(
            failures,
            format!("conversation_attributes.create {data_type:?}"),
            conversation_attributes.create(&request).await
        );
    }
    let update = UpdateConversationAttributeRequest {
        name: Some("Priority".into()),
        description: Some("How urgent".into()),
        multiline: Some(false),
        required: Some(true),
        visible_to_team_ids: Some(vec![]),
        reference: None,
    };
    check!(
        failures,
        "conversation_attributes.update",
        conversation_attributes.update(&"8".into(), &update).await
    );
    check!(
        failures,
        "conversation_attributes.archive",
        conversation_attributes.archive(&"8".into()).await
    );
    check!(
        failures,
        "conversation_attributes.add_option",
        conversation_attributes
            .add_option(&"8".into(), "Urgent")
            .await
    );
    check!(
        failures,
        "conversation_attributes.update_option",
        conversation_attributes
            .update_option(&"8".into(), &"opt".into(), "Very")
            .await
    );
    check!(
        failures,
        "conversation_attributes.archive_option",
        conversation_attributes
            .archive_option(&"8".into(), &"opt".into())
            .await
    );

    // Tags.
    let tags = client.tags();
    check!(failures, "tags.create", tags.create("vip").await);
    check!(
        failures,
        "tags.rename",
        tags.rename(&"17".into(), "VIP").await
    );
    check!(failures, "tags.list", tags.list().await);
    check!(failures, "tags.get", tags.get(&"17".into()).await);
    check!(failures, "tags.delete", tags.delete(&"17".into()).await);
    check!(
        failures,
        "tags.tag_contact",
        tags.tag_contact(&"c1".into(), &"17".into()).await
    );
    check!(
        failures,
        "tags.untag_contact",
        tags.untag_contact(&"c1".into(), &"17".into()).await
    );
    check!(
        failures,
        "tags.tag_conversation",
        tags.tag_conversation(&"363".into(), &"17".into(), &"991267716".into())
            .await
    );
    check!(
        failures,
        "tags.untag_conversation",
        tags.untag_conversation(&"363".into(), &"17".into(), &"991267716".into())
            .await
    );
    check!(
        failures,
        "tags.tag_ticket",
        tags.tag_ticket(&"494".into(), &"17".into(), &"991267716".into())
            .await
    );
    check!(
        failures,
        "tags.untag_ticket",
        tags.untag_ticket(&"494".into(), &"17".into(), &"991267716".into())
            .await
    );
}
