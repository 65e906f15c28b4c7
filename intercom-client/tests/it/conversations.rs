use futures::TryStreamExt;
use intercom_client::conversations::{
    Assignee, Assignment, ConversationState, CreateConversationRequest, PartType,
    UpdateConversationRequest,
};
use intercom_client::replies::{AdminReply, AttachmentFile, ContactReply, Reply};
use intercom_client::search::SearchQuery;
use intercom_client::{AdminId, Error};
use serde_json::json;

use crate::common::{conversation_json, setup, Expect};

#[tokio::test]
async fn create_with_a_historical_timestamp_returns_the_conversation_id() {
    let (server, client) = setup().await;
    Expect::call("POST", "/conversations")
        .body(json!({"from": {"type": "user", "id": "6762f11b1bb69f9f2193bba3"}, "body": "Printer on fire",
            "attachment_urls": ["https://files.example/a.png"], "created_at": 1262304000}))
        .respond(200, json!({"type": "user_message", "id": "403918330", "created_at": 1262304000,
            "body": "Printer on fire", "message_type": "inapp", "conversation_id": "363"}))
        .mount(&server)
        .await;
    let mut request = CreateConversationRequest::new("6762f11b1bb69f9f2193bba3", "Printer on fire")
        .created_at(1262304000);
    request.from.kind = intercom_client::conversations::ContactType::User;
    request
        .attachment_urls
        .push("https://files.example/a.png".into());
    let message = client.conversations().create(&request).await.unwrap();
    assert_eq!(message.conversation_id, "363");
}

#[tokio::test]
async fn admin_notes_and_contact_replies_keep_created_at_and_attachments() {
    let (server, client) = setup().await;
    Expect::call("POST", "/conversations/363/reply")
        .body(json!({"message_type": "note", "type": "admin", "admin_id": "991267716", "body": "<p>internal</p>",
            "created_at": 1262307600, "skip_notifications": true,
            "attachment_urls": ["https://files.example/log.txt"],
            "attachment_files": [{"content_type": "text/plain", "data": "aGVsbG8=", "name": "hello.txt"}]}))
        .respond(200, conversation_json("363"))
        .mount(&server)
        .await;
    Expect::call("POST", "/conversations/363/reply")
        .body(json!({"message_type": "comment", "type": "user", "intercom_user_id": "6762f11b1bb69f9f2193bba3",
            "body": "thanks", "created_at": 1262311200}))
        .respond(200, conversation_json("363"))
        .mount(&server)
        .await;
    Expect::call("POST", "/conversations/363/reply")
        .body(json!({"message_type": "comment", "type": "admin", "admin_id": "991267716", "body": "on it",
            "created_at": 1262314800}))
        .respond(200, conversation_json("363"))
        .mount(&server)
        .await;
    let mut note = AdminReply::note("991267716", "<p>internal</p>")
        .created_at(1262307600)
        .skip_notifications();
    note.attachment_urls
        .push("https://files.example/log.txt".into());
    note.attachment_files.push(AttachmentFile::from_bytes(
        "hello.txt",
        "text/plain",
        b"hello",
    ));
    let conversation = client
        .conversations()
        .reply(&"363".into(), &note.into())
        .await
        .unwrap();
    let parts = conversation.conversation_parts.unwrap().parts;
    assert_eq!(parts[0].part_type, Some(PartType::Note));
    assert_eq!(
        parts[0].author.as_ref().unwrap().id.as_ref().unwrap(),
        "991267716"
    );
    let contact = ContactReply::new("6762f11b1bb69f9f2193bba3", "thanks").created_at(1262311200);
    client
        .conversations()
        .reply(&"363".into(), &contact.into())
        .await
        .unwrap();
    let comment = AdminReply::comment("991267716", "on it").created_at(1262314800);
    client
        .conversations()
        .reply(&"363".into(), &Reply::Admin(comment))
        .await
        .unwrap();
}

#[tokio::test]
async fn more_than_ten_files_are_refused_before_sending() {
    let (_server, client) = setup().await;
    let mut note = AdminReply::note("1", "x");
    note.attachment_files = (0..11)
        .map(|i| AttachmentFile::from_bytes(format!("{i}.txt"), "text/plain", b"x"))
        .collect();
    let error = client
        .conversations()
        .reply(&"363".into(), &note.into())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)));
}

#[tokio::test]
async fn assign_open_snooze_close() {
    let (server, client) = setup().await;
    let admin = AdminId::from("991267716");
    let bodies = [
        json!({"message_type": "assignment", "type": "team", "admin_id": "991267716", "assignee_id": "814865"}),
        json!({"message_type": "assignment", "type": "admin", "admin_id": "991267716", "assignee_id": "0", "body": "unassigning"}),
        json!({"message_type": "open", "admin_id": "991267716"}),
        json!({"message_type": "snoozed", "admin_id": "991267716", "snoozed_until": 1893456000}),
        json!({"message_type": "close", "type": "admin", "admin_id": "991267716", "body": "Resolved in Vivantio"}),
    ];
    for body in bodies {
        Expect::call("POST", "/conversations/363/parts")
            .body(body)
            .respond(200, conversation_json("363"))
            .mount(&server)
            .await;
    }
    let conversations = client.conversations();
    let to_team = Assignment {
        admin_id: admin.clone(),
        assignee: Assignee::Team("814865".into()),
        body: None,
    };
    conversations.assign(&"363".into(), &to_team).await.unwrap();
    let nobody = Assignment {
        admin_id: admin.clone(),
        assignee: Assignee::Unassigned,
        body: Some("unassigning".into()),
    };
    conversations.assign(&"363".into(), &nobody).await.unwrap();
    conversations.open(&"363".into(), &admin).await.unwrap();
    conversations
        .snooze(&"363".into(), &admin, 1893456000)
        .await
        .unwrap();
    let closed = conversations
        .close(&"363".into(), &admin, Some("Resolved in Vivantio"))
        .await
        .unwrap();
    assert_eq!(closed.state, Some(ConversationState::Open));
}

#[tokio::test]
async fn update_get_delete() {
    let (server, client) = setup().await;
    Expect::call("PUT", "/conversations/363")
        .body(json!({"title": "Printer on fire", "custom_attributes": {"Vivantio ID": "T-1", "Impact": 3}}))
        .respond(200, conversation_json("363"))
        .mount(&server)
        .await;
    Expect::call("GET", "/conversations/363")
        .respond(200, conversation_json("363"))
        .mount(&server)
        .await;
    Expect::call("DELETE", "/conversations/363")
        .query("retain_metrics", "false")
        .respond(
            200,
            json!({"id": "363", "object": "conversation", "deleted": true}),
        )
        .mount(&server)
        .await;
    let update = UpdateConversationRequest {
        title: Some("Printer on fire".into()),
        custom_attributes: Some(
            serde_json::from_value(json!({"Vivantio ID": "T-1", "Impact": 3})).unwrap(),
        ),
        ..UpdateConversationRequest::default()
    };
    client
        .conversations()
        .update(&"363".into(), &update)
        .await
        .unwrap();
    let conversation = client.conversations().get(&"363".into()).await.unwrap();
    assert_eq!(conversation.team_assignee_id.unwrap(), "5017691");
    assert_eq!(conversation.custom_attributes["Vivantio ID"], "T-1");
    assert!(
        client
            .conversations()
            .delete(&"363".into(), Some(false))
            .await
            .unwrap()
            .deleted
    );
}

#[tokio::test]
async fn list_and_search_stream_every_page() {
    let (server, client) = setup().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/conversations"))
        .and(wiremock::matchers::query_param_is_missing("starting_after"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({
            "type": "conversation.list", "conversations": [conversation_json("1")], "total_count": 2,
            "pages": {"type": "pages", "page": 1, "per_page": 1, "total_pages": 2, "next": {"per_page": 1, "starting_after": "WzE3"}}})))
        .expect(1)
        .mount(&server)
        .await;
    Expect::call("GET", "/conversations")
        .query("starting_after", "WzE3")
        .query("per_page", "1")
        .respond(200, json!({"type": "conversation.list", "conversations": [conversation_json("2")], "total_count": 2,
            "pages": {"type": "pages", "page": 2, "per_page": 1, "total_pages": 2, "next": null}}))
        .mount(&server)
        .await;
    Expect::call("POST", "/conversations/search")
        .body(json!({"query": {"field": "custom_attributes.Vivantio ID", "operator": "=", "value": "T-1"},
            "pagination": {"per_page": 150}}))
        .respond(200, json!({"type": "conversation.list", "conversations": [conversation_json("1")], "total_count": 1,
            "pages": {"type": "pages", "page": 1, "per_page": 150, "total_pages": 1}}))
        .mount(&server)
        .await;
    let listed: Vec<_> = client
        .conversations()
        .list(Some(1))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    let found: Vec<_> = client
        .conversations()
        .search(
            SearchQuery::eq("custom_attributes.Vivantio ID", "T-1"),
            Some(150),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found[0].id, "1");
}
