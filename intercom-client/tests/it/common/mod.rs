//! Shared helpers for the wiremock tests.
use std::time::Duration;

use intercom_client::Client;
use serde_json::Value;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The token every test client sends; tests assert it never leaks.
pub const TOKEN: &str = "tok_secret_abc123";

/// A client for `server` with tiny backoffs so retry tests stay fast.
pub fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .backoff(Duration::from_millis(1), Duration::from_millis(5))
        .max_retries(2)
        .max_rate_limit_retries(2)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// A server and a client pointed at it.
pub async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = client_for(&server);
    (server, client)
}

/// One expected call: method, path, auth and version headers, optionally the exact JSON body.
pub struct Expect {
    method: &'static str,
    path: String,
    body: Option<Value>,
    query: Vec<(&'static str, String)>,
    status: u16,
    response: Value,
}

impl Expect {
    /// Expects `method path` exactly once.
    pub fn call(method: &'static str, path: impl Into<String>) -> Self {
        Expect {
            method,
            path: path.into(),
            body: None,
            query: Vec::new(),
            status: 200,
            response: Value::Null,
        }
    }

    /// The exact JSON body the client must send.
    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// A query parameter the client must send.
    pub fn query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }

    /// The answer.
    pub fn respond(mut self, status: u16, response: Value) -> Self {
        self.status = status;
        self.response = response;
        self
    }

    /// Mounts the mock; the server verifies on drop that it was called exactly once.
    pub async fn mount(self, server: &MockServer) {
        let mut mock = Mock::given(method(self.method))
            .and(path(self.path.as_str()))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .and(header("intercom-version", "2.16"))
            .and(header("accept", "application/json"));
        if let Some(body) = self.body {
            mock = mock
                .and(header("content-type", "application/json"))
                .and(body_json(body));
        }
        for (name, value) in self.query {
            mock = mock.and(wiremock::matchers::query_param(name, value.as_str()));
        }
        let template = if self.response.is_null() {
            ResponseTemplate::new(self.status)
        } else {
            ResponseTemplate::new(self.status).set_body_json(self.response)
        };
        mock.respond_with(template).expect(1).mount(server).await;
    }
}

/// An Intercom `error.list` body.
pub fn error_list(code: &str, message: &str) -> Value {
    serde_json::json!({
        "type": "error.list",
        "request_id": "b5d2bb3c-0000-4e0c-9b4a-1f2a3b4c5d6e",
        "errors": [{"code": code, "message": message}]
    })
}

/// A realistic contact as Intercom returns it.
pub fn contact_json(id: &str, external_id: &str) -> Value {
    serde_json::json!({
        "type": "contact",
        "id": id,
        "workspace_id": "ecahpwf5",
        "external_id": external_id,
        "role": "user",
        "email": "ada@example.com",
        "phone": "+353871234567",
        "name": "Ada Lovelace",
        "avatar": null,
        "owner_id": 991267583,
        "social_profiles": {"type": "list", "data": []},
        "has_hard_bounced": false,
        "marked_email_as_spam": false,
        "unsubscribed_from_emails": false,
        "created_at": 1734537437,
        "updated_at": 1734537437,
        "signed_up_at": 1262304000,
        "last_seen_at": null,
        "custom_attributes": {"vivantio_id": "42"},
        "tags": {"type": "list", "data": [], "url": format!("/contacts/{id}/tags"), "total_count": 0, "has_more": false},
        "notes": {"type": "list", "data": [], "url": format!("/contacts/{id}/notes"), "total_count": 0, "has_more": false},
        "companies": {"type": "list", "data": [], "url": format!("/contacts/{id}/companies"), "total_count": 0, "has_more": false},
        "location": {"type": "location", "country": null, "region": null, "city": null, "country_code": null, "continent_code": null},
        "enabled_push_messaging": null
    })
}

/// A realistic company.
pub fn company_json(id: &str, company_id: &str) -> Value {
    serde_json::json!({
        "type": "company",
        "company_id": company_id,
        "id": id,
        "app_id": "ecahpwf5",
        "name": "Acme",
        "remote_created_at": 1262304000,
        "created_at": 1734537338,
        "updated_at": 1734537338,
        "monthly_spend": 0,
        "session_count": 0,
        "user_count": 4,
        "tags": {"type": "tag.list", "tags": []},
        "segments": {"type": "segment.list", "segments": []},
        "plan": {},
        "custom_attributes": {"region": "EMEA"}
    })
}

/// A realistic conversation with one part.
pub fn conversation_json(id: &str) -> Value {
    serde_json::json!({
        "type": "conversation",
        "id": id,
        "title": "Printer on fire",
        "created_at": 1262304000,
        "updated_at": 1734537460,
        "waiting_since": null,
        "snoozed_until": null,
        "open": true,
        "state": "open",
        "read": false,
        "priority": "not_priority",
        "admin_assignee_id": 0,
        "team_assignee_id": "5017691",
        "tags": {"type": "tag.list", "tags": []},
        "source": {"type": "conversation", "id": "403918330", "delivered_as": "customer_initiated",
            "subject": "", "body": "<p>help</p>", "author": {"type": "user", "id": "6762f11b1bb69f9f2193bba3",
            "name": "Ada", "email": "ada@example.com"}, "attachments": [], "url": null, "redacted": false},
        "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "6762f11b1bb69f9f2193bba3", "external_id": "42"}]},
        "teammates": {"type": "admin.list", "teammates": []},
        "custom_attributes": {"Vivantio ID": "T-1"},
        "statistics": null,
        "conversation_parts": {"type": "conversation_part.list", "conversation_parts": [
            {"type": "conversation_part", "id": "149", "part_type": "note", "body": "<p>internal</p>",
             "created_at": 1262307600, "updated_at": 1262307600, "notified_at": 1262307600, "assigned_to": null,
             "author": {"type": "admin", "id": "991267716", "name": "Agent", "email": "agent@example.com"},
             "attachments": [], "external_id": null, "redacted": false}
        ], "total_count": 1},
        "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": false}
    })
}

/// A realistic ticket.
pub fn ticket_json(id: &str) -> Value {
    serde_json::json!({
        "type": "ticket",
        "id": id,
        "ticket_id": "22",
        "category": "Customer",
        "ticket_attributes": {"_default_title_": "Broken", "_default_description_": "It broke"},
        "ticket_state": {"type": "ticket_state", "id": "7493", "category": "submitted",
            "internal_label": "Submitted", "external_label": "Submitted"},
        "ticket_type": {"type": "ticket_type", "id": "1234", "name": "Bug", "description": "Bug report",
            "icon": "🐞", "workspace_id": "ecahpwf5", "archived": false, "created_at": 1734537474,
            "updated_at": 1734537474, "is_internal": false,
            "ticket_type_attributes": {"type": "list", "ticket_type_attributes": []}, "category": "Customer"},
        "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "6762f2341bb69f9f2193bc17", "external_id": "70"}]},
        "admin_assignee_id": "0",
        "team_assignee_id": "0",
        "created_at": 1262304000,
        "updated_at": 1734537476,
        "ticket_parts": {"type": "ticket_part.list", "ticket_parts": [], "total_count": 0},
        "open": true,
        "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": false},
        "is_shared": true
    })
}
