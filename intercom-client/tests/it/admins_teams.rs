use serde_json::json;

use crate::common::{setup, Expect};

#[tokio::test]
async fn admins_list_get_and_me() {
    let (server, client) = setup().await;
    let admin = json!({"type": "admin", "id": "991267716", "name": "Joe", "email": "joe@example.com",
        "job_title": "Support", "away_mode_enabled": false, "away_mode_reassign": false,
        "has_inbox_seat": true, "team_ids": [814865], "avatar": null,
        "team_priority_level": {"primary_team_ids": [814865], "secondary_team_ids": null}});
    Expect::call("GET", "/admins")
        .respond(
            200,
            json!({"type": "admin.list", "admins": [admin.clone()]}),
        )
        .mount(&server)
        .await;
    Expect::call("GET", "/admins/991267716")
        .respond(200, admin)
        .mount(&server)
        .await;
    Expect::call("GET", "/me")
        .respond(200, json!({"type": "admin", "id": "991267716", "email": "joe@example.com", "name": "Joe",
            "email_verified": true, "app": {"type": "app", "id_code": "ecahpwf5", "name": "Acme",
            "region": "EU", "timezone": "Europe/Dublin", "created_at": 1734537243, "identity_verification": false},
            "avatar": {"type": "avatar", "image_url": null}, "has_inbox_seat": true, "team_ids": []}))
        .mount(&server)
        .await;
    let admins = client.admins().list().await.unwrap();
    assert_eq!(admins[0].team_ids[0], "814865");
    assert_eq!(
        client
            .admins()
            .get(&"991267716".into())
            .await
            .unwrap()
            .email
            .as_deref(),
        Some("joe@example.com")
    );
    let me = client.admins().me().await.unwrap();
    assert_eq!(me.admin.id, "991267716");
    assert_eq!(me.app.unwrap().region.as_deref(), Some("EU"));
}

#[tokio::test]
async fn teams_list_and_get() {
    let (server, client) = setup().await;
    let team = json!({"type": "team", "id": "814865", "name": "Tier 1", "admin_ids": [493881, "991267716"],
        "admin_priority_level": {"primary_admin_ids": [], "secondary_admin_ids": []}});
    Expect::call("GET", "/teams")
        .respond(200, json!({"type": "team.list", "teams": [team.clone()]}))
        .mount(&server)
        .await;
    Expect::call("GET", "/teams/814865")
        .respond(200, team)
        .mount(&server)
        .await;
    let teams = client.teams().list().await.unwrap();
    // Integer and string ids in one list are both kept verbatim.
    assert_eq!(teams[0].admin_ids, ["493881", "991267716"]);
    assert_eq!(
        client
            .teams()
            .get(&"814865".into())
            .await
            .unwrap()
            .name
            .as_deref(),
        Some("Tier 1")
    );
}
