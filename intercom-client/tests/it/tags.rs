use serde_json::json;

use crate::common::{setup, Expect};

fn tag(id: &str, name: &str) -> serde_json::Value {
    json!({"type": "tag", "id": id, "name": name})
}

#[tokio::test]
async fn create_rename_list_get_delete() {
    let (server, client) = setup().await;
    Expect::call("POST", "/tags")
        .body(json!({"name": "vip"}))
        .respond(200, tag("17", "vip"))
        .mount(&server)
        .await;
    Expect::call("POST", "/tags")
        .body(json!({"name": "VIP", "id": "17"}))
        .respond(200, tag("17", "VIP"))
        .mount(&server)
        .await;
    Expect::call("GET", "/tags")
        .respond(
            200,
            json!({"type": "list", "data": [tag("17", "VIP"), {"type": "tag", "id": 18, "name": "x",
            "applied_at": 1663597223, "applied_by": {"type": "admin", "id": "991267716"}}]}),
        )
        .mount(&server)
        .await;
    Expect::call("GET", "/tags/17")
        .respond(200, tag("17", "VIP"))
        .mount(&server)
        .await;
    Expect::call("DELETE", "/tags/17").mount(&server).await;
    let tags = client.tags();
    assert_eq!(tags.create("vip").await.unwrap().id, "17");
    assert_eq!(
        tags.rename(&"17".into(), "VIP")
            .await
            .unwrap()
            .name
            .as_deref(),
        Some("VIP")
    );
    let all = tags.list().await.unwrap();
    assert_eq!(all[1].id, "18");
    assert_eq!(
        all[1].applied_by.as_ref().unwrap().kind.as_deref(),
        Some("admin")
    );
    assert_eq!(tags.get(&"17".into()).await.unwrap().id, "17");
    tags.delete(&"17".into()).await.unwrap();
}

#[tokio::test]
async fn tag_and_untag_contacts_conversations_and_tickets() {
    let (server, client) = setup().await;
    Expect::call("POST", "/contacts/c1/tags")
        .body(json!({"id": "17"}))
        .respond(200, tag("17", "vip"))
        .mount(&server)
        .await;
    Expect::call("DELETE", "/contacts/c1/tags/17")
        .respond(200, tag("17", "vip"))
        .mount(&server)
        .await;
    Expect::call("POST", "/conversations/123/tags")
        .body(json!({"id": "17", "admin_id": "991"}))
        .respond(200, tag("17", "vip"))
        .mount(&server)
        .await;
    Expect::call("DELETE", "/conversations/123/tags/17")
        .body(json!({"admin_id": "991"}))
        .respond(200, tag("17", "vip"))
        .mount(&server)
        .await;
    Expect::call("POST", "/tickets/456/tags")
        .body(json!({"id": "17", "admin_id": "991"}))
        .respond(200, tag("17", "vip"))
        .mount(&server)
        .await;
    Expect::call("DELETE", "/tickets/456/tags/17")
        .body(json!({"admin_id": "991"}))
        .respond(200, tag("17", "vip"))
        .mount(&server)
        .await;
    let tags = client.tags();
    tags.tag_contact(&"c1".into(), &"17".into()).await.unwrap();
    tags.untag_contact(&"c1".into(), &"17".into())
        .await
        .unwrap();
    tags.tag_conversation(&"123".into(), &"17".into(), &"991".into())
        .await
        .unwrap();
    tags.untag_conversation(&"123".into(), &"17".into(), &"991".into())
        .await
        .unwrap();
    tags.tag_ticket(&"456".into(), &"17".into(), &"991".into())
        .await
        .unwrap();
    tags.untag_ticket(&"456".into(), &"17".into(), &"991".into())
        .await
        .unwrap();
}
