//! Conversations, tickets and the Help Center, with fully populated requests.

use std::collections::BTreeMap;

use intercom_client::conversations::{
    Assignee, Assignment, ContactType, CreateConversationRequest, UpdateConversationRequest,
};
use intercom_client::help_center::{
    ArticleContent, ArticleSearch, ArticleState, ArticleTranslations, CollectionContent,
    CollectionTranslations, CreateArticleRequest, CreateCollectionRequest, UpdateArticleRequest,
    UpdateCollectionRequest,
};
use intercom_client::replies::{
    AdminMessageType, AdminReply, AttachmentFile, ContactIdentity, ContactReply, QuickReplyOption,
};
use intercom_client::ticket_types::{
    CreateTicketTypeAttributeRequest, CreateTicketTypeRequest, TicketAttributeType, TicketCategory,
    UpdateTicketTypeAttributeRequest, UpdateTicketTypeRequest,
};
use intercom_client::tickets::{
    CreateTicketRequest, TicketAssignment, TicketContact, UpdateTicketRequest,
};
use intercom_client::{AdminId, Client};
use serde_json::json;

use super::scenario::{attributes, check, drain, sample_query};

/// Calls every operation of these resources.
pub async fn exercise(client: &Client, failures: &mut Vec<String>) {
    let admin = AdminId::from("991267716");
    // Conversations.
    let conversations = client.conversations();
    let mut create = CreateConversationRequest::new("6762f11b1bb69f9f2193bba3", "Printer on fire")
        .created_at(1_262_304_000);
    create.from.kind = ContactType::User;
    create.subject = Some("Printer".into());
    create.attachment_urls = vec!["https://files.example/a.png".into()];
    create.brand_id = Some("1".into());
    check!(
        failures,
        "conversations.create",
        conversations.create(&create).await
    );
    let mut note = AdminReply::note(admin.clone(), "<p>internal</p>")
        .created_at(1_262_307_600)
        .skip_notifications();
    note.attachment_urls = vec!["https://files.example/log.txt".into()];
    note.attachment_files = vec![AttachmentFile::from_bytes("log.txt", "text/plain", b"log")];
    check!(
        failures,
        "conversations.reply note",
        conversations.reply(&"363".into(), &note.into()).await
    );
    let mut quick = AdminReply::comment(admin.clone(), "Pick one");
    quick.message_type = AdminMessageType::QuickReply;
    quick.reply_options = Some(vec![QuickReplyOption {
        text: "Yes".into(),
        uuid: "0b7b6a43-7a39-4d6b-8f14-3c2d3f1f5a10".into(),
    }]);
    check!(
        failures,
        "conversations.reply quick",
        conversations.reply(&"363".into(), &quick.into()).await
    );
    for identity in [
        ContactIdentity::IntercomUserId("6762f11b1bb69f9f2193bba3".into()),
        ContactIdentity::Email("ada@example.com".into()),
        ContactIdentity::ExternalId("viv-42".into()),
    ] {
        let mut reply = ContactReply::new("x", "thanks").created_at(1_262_311_200);
        reply.contact = identity;
        reply.attachment_urls = vec!["https://files.example/b.png".into()];
        reply.attachment_files = vec![AttachmentFile::from_bytes("b.txt", "text/plain", b"b")];
        check!(
            failures,
            "conversations.reply contact",
            conversations.reply(&"363".into(), &reply.into()).await
        );
    }
    for assignee in [
        Assignee::Admin(admin.clone()),
        Assignee::Team("814865".into()),
        Assignee::Unassigned,
    ] {
        let assignment = Assignment {
            admin_id: admin.clone(),
            assignee,
            body: Some("moving".into()),
        };
        check!(
            failures,
            "conversations.assign",
            conversations.assign(&"363".into(), &assignment).await
        );
    }
    check!(
        failures,
        "conversations.open",
        conversations.open(&"363".into(), &admin).await
    );
    check!(
        failures,
        "conversations.snooze",
        conversations
            .snooze(&"363".into(), &admin, 1_893_456_000)
            .await
    );
    check!(
        failures,
        "conversations.close",
        conversations
            .close(&"363".into(), &admin, Some("Resolved"))
            .await
    );
    let update = UpdateConversationRequest {
        read: Some(true),
        title: Some("Printer on fire".into()),
        custom_attributes: Some(attributes(json!({"Vivantio ID": "T-1", "Impact": 3}))),
        company_id: Some("co1".into()),
    };
    check!(
        failures,
        "conversations.update",
        conversations.update(&"363".into(), &update).await
    );
    check!(
        failures,
        "conversations.get",
        conversations.get(&"363".into()).await
    );
    check!(
        failures,
        "conversations.list",
        drain(conversations.list(Some(150))).await
    );
    check!(
        failures,
        "conversations.search",
        drain(conversations.search(sample_query(), Some(150))).await
    );
    check!(
        failures,
        "conversations.delete",
        conversations.delete(&"363".into(), Some(true)).await
    );

    // Tickets, ticket types and states.
    let tickets = client.tickets();
    for contact in [
        TicketContact::Id("6762f2341bb69f9f2193bc17".into()),
        TicketContact::ExternalId("viv-42".into()),
        TicketContact::Email("ada@example.com".into()),
    ] {
        let mut create = CreateTicketRequest::new("1234", contact, "Broken");
        let ticket_attributes = create
            .ticket_attributes
            .get_or_insert_with(Default::default);
        ticket_attributes.insert("_default_description_".into(), "It broke".into());
        ticket_attributes.insert(
            "Severity".into(),
            "de1825a0-0164-4070-8ca6-13e22462fa7e".into(),
        );
        create.created_at = Some(1_262_304_000.into());
        create.company_id = Some("co1".into());
        create.conversation_to_link_id = Some("363".into());
        create.assignment = Some(TicketAssignment {
            admin_assignee_id: Some(admin.clone()),
            team_assignee_id: Some("814865".into()),
        });
        create.skip_notifications = Some(true);
        check!(failures, "tickets.create", tickets.create(&create).await);
    }
    let update = UpdateTicketRequest {
        ticket_attributes: Some(attributes(json!({"Severity": "high"}))),
        ticket_state_id: Some("7493".into()),
        company_id: Some("co1".into()),
        open: Some(false),
        is_shared: Some(true),
        snoozed_until: Some(1_893_456_000.into()),
        admin_id: Some(admin.clone()),
        assignee_id: Some("0".into()),
        skip_notifications: Some(true),
    };
    check!(
        failures,
        "tickets.update",
        tickets.update(&"494".into(), &update).await
    );
    let mut ticket_note = AdminReply::note(admin.clone(), "looked at it")
        .created_at(1_262_307_600)
        .skip_notifications();
    ticket_note.cross_post = Some(true);
    ticket_note.attachment_files =
        vec![AttachmentFile::from_bytes("log.txt", "text/plain", b"log")];
    check!(
        failures,
        "tickets.reply admin",
        tickets.reply(&"494".into(), &ticket_note.into()).await
    );
    let mut by_contact =
        ContactReply::new("6762f2341bb69f9f2193bc17", "still broken").created_at(1_262_311_200);
    by_contact.attachment_urls = vec!["https://files.example/c.png".into()];
    check!(
        failures,
        "tickets.reply contact",
        tickets.reply(&"494".into(), &by_contact.into()).await
    );
    check!(failures, "tickets.get", tickets.get(&"494".into()).await);
    check!(
        failures,
        "tickets.search",
        drain(tickets.search(sample_query(), Some(20))).await
    );
    check!(
        failures,
        "tickets.delete",
        tickets.delete(&"494".into()).await
    );

    let types = client.ticket_types();
    check!(failures, "ticket_types.list", types.list().await);
    check!(
        failures,
        "ticket_types.list_attributes",
        types.list_attributes(&"1234".into()).await
    );
    let create = CreateTicketTypeRequest {
        name: "Bug".into(),
        description: Some("Bug reports".into()),
        category: Some(TicketCategory::BackOffice),
        icon: Some("🐞".into()),
        is_internal: Some(false),
    };
    check!(failures, "ticket_types.create", types.create(&create).await);
    let update = UpdateTicketTypeRequest {
        name: Some("Bugs".into()),
        description: Some("All bugs".into()),
        category: Some(TicketCategory::Tracker),
        icon: Some("🐛".into()),
        archived: Some(false),
        is_internal: Some(false),
    };
    check!(
        failures,
        "ticket_types.update",
        types.update(&"1234".into(), &update).await
    );
    check!(
        failures,
        "ticket_types.archive",
        types.archive(&"1234".into()).await
    );
    for data_type in [
        TicketAttributeType::String,
        TicketAttributeType::List,
        TicketAttributeType::Integer,
        TicketAttributeType::Decimal,
        TicketAttributeType::Boolean,
        TicketAttributeType::Datetime,
        TicketAttributeType::Files,
    ] {
        let mut request = CreateTicketTypeAttributeRequest::new("Severity", "How bad", data_type);
        request.required_to_create = Some(false);
        request.required_to_create_for_contacts = Some(false);
        request.visible_on_create = Some(true);
        request.visible_to_contacts = Some(true);
        match data_type {
            TicketAttributeType::String => request.multiline = Some(true),
            TicketAttributeType::List => request.list_items = Some("High,Low".into()),
            TicketAttributeType::Files => request.allow_multiple_values = Some(true),
            _ => {}
        }
        check!(
            failures,
            format!("ticket_types.create_attribute {data_type:?}"),
            types.create_attribute(&"1234".into(), &request).await
        );
    }
    let update = UpdateTicketTypeAttributeRequest {
        name: Some("Severity".into()),
        description: Some("How bad".into()),
        required_to_create: Some(true),
        required_to_create_for_contacts: Some(false),
        visible_on_create: Some(true),
        visible_to_contacts: Some(false),
        multiline: Some(false),
        list_items: Some("High,Medium,Low".into()),
        allow_multiple_values: Some(false),
        archived: Some(false),
    };
    check!(
        failures,
        "ticket_types.update_attribute",
        types
            .update_attribute(&"1234".into(), &"7".into(), &update)
            .await
    );
    check!(
        failures,
        "ticket_types.archive_attribute",
        types.archive_attribute(&"1234".into(), &"7".into()).await
    );
    check!(
        failures,
        "ticket_states.list",
        client.ticket_states().list().await
    );

    // Help Center.
    let help_center = client.help_center();
    check!(
        failures,
        "help_center.list_help_centers",
        help_center.list_help_centers().await
    );
    check!(
        failures,
        "help_center.get_help_center",
        help_center.get_help_center(&"79".into()).await
    );
    let mut group_locales = BTreeMap::new();
    group_locales.insert(
        "fr".to_owned(),
        CollectionContent {
            kind: Some("group_content".into()),
            name: Some("Imprimantes".into()),
            description: Some("Tout".into()),
        },
    );
    let translations = CollectionTranslations {
        kind: Some("group_translated_content".into()),
        locales: group_locales,
    };
    let collections = help_center.collections();
    let create = CreateCollectionRequest {
        name: "Printers".into(),
        description: Some("All about printers".into()),
        translated_content: Some(translations.clone()),
        parent_id: Some("159".into()),
        help_center_id: Some("79".into()),
    };
    check!(
        failures,
        "collections.create",
        collections.create(&create).await
    );
    let update = UpdateCollectionRequest {
        name: Some("Printers".into()),
        description: Some("Printers".into()),
        translated_content: Some(translations),
        parent_id: Some("159".into()),
    };
    check!(
        failures,
        "collections.update",
        collections.update(&"160".into(), &update).await
    );
    check!(
        failures,
        "collections.get",
        collections.get(&"160".into()).await
    );
    check!(
        failures,
        "collections.list",
        drain(collections.list(Some(20))).await
    );
    check!(
        failures,
        "collections.delete",
        collections.delete(&"160".into()).await
    );

    let mut article_locales = BTreeMap::new();
    article_locales.insert(
        "fr".to_owned(),
        ArticleContent {
            kind: Some("article_content".into()),
            title: Some("Réinitialiser".into()),
            description: Some("Comment".into()),
            body: Some("<p>Éteindre</p>".into()),
            author_id: Some(admin.clone()),
            state: Some(ArticleState::Draft),
            ..ArticleContent::default()
        },
    );
    let article_translations = ArticleTranslations {
        kind: Some("article_translated_content".into()),
        locales: article_locales,
    };
    let articles = help_center.articles();
    let create = CreateArticleRequest {
        title: "Reset the printer".into(),
        author_id: admin.clone(),
        description: Some("How to".into()),
        body: Some("<p>Turn it off</p>".into()),
        body_markdown: None,
        state: Some(ArticleState::Published),
        parent_id: Some("18".into()),
        parent_type: Some("collection".into()),
        translated_content: Some(article_translations.clone()),
        audience_ids: Some(vec!["5".into()]),
        ai_chatbot_availability: Some(true),
        ai_copilot_availability: Some(true),
        ai_sales_agent_availability: Some(false),
        scheduled_publish_at: None,
        scheduled_unpublish_at: None,
    };
    check!(failures, "articles.create", articles.create(&create).await);
    let update = UpdateArticleRequest {
        title: Some("Reset".into()),
        description: Some("How to".into()),
        body_markdown: Some("Turn it **off**".into()),
        author_id: Some(admin.clone()),
        state: Some(ArticleState::Draft),
        parent_id: Some("18".into()),
        parent_type: Some("collection".into()),
        translated_content: Some(article_translations),
        ..UpdateArticleRequest::default()
    };
    check!(
        failures,
        "articles.update",
        articles.update(&"55".into(), &update).await
    );
    check!(failures, "articles.get", articles.get(&"55".into()).await);
    check!(
        failures,
        "articles.list",
        drain(articles.list(Some(25))).await
    );
    let search = ArticleSearch {
        phrase: Some("printer".into()),
        state: Some("published".into()),
        help_center_id: Some("79".into()),
    };
    check!(
        failures,
        "articles.search",
        drain(articles.search(search)).await
    );
    check!(
        failures,
        "articles.delete",
        articles.delete(&"55".into()).await
    );
}
