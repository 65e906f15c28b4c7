//! Conversation request bodies (`create_conversation_request`, `update_conversation_request`,
//! and the four `/parts` bodies).

use serde::{Deserialize, Serialize};

use crate::common::CustomAttributes;
use crate::ids::{AdminId, CompanyId, ContactId, Id, TeamId};
use crate::timestamp::Timestamp;

/// The kind of contact starting a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactType {
    /// A user.
    User,
    /// A lead.
    Lead,
    /// Either (Intercom looks the id up).
    Contact,
}

/// Who starts a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationFrom {
    /// User, lead or contact.
    #[serde(rename = "type")]
    pub kind: ContactType,
    /// Intercom's contact id (at most 24 characters).
    pub id: ContactId,
}

/// Body of `POST /conversations` (`create_conversation_request`): a contact-initiated conversation.
///
/// The API takes no assignee, state, title, tags or attributes here; set them afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateConversationRequest {
    /// The contact.
    pub from: ConversationFrom,
    /// Plain text (HTML is not supported on create).
    pub body: String,
    /// Subject (email conversations only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Public URLs to attach (at most ten).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment_urls: Vec<String>,
    /// Original creation time (Unix seconds), for migrating past conversations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// Brand, for multi-brand workspaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand_id: Option<Id>,
}

impl CreateConversationRequest {
    /// A conversation started by this contact.
    pub fn new(contact_id: impl Into<ContactId>, body: impl Into<String>) -> Self {
        CreateConversationRequest {
            from: ConversationFrom {
                kind: ContactType::Contact,
                id: contact_id.into(),
            },
            body: body.into(),
            subject: None,
            attachment_urls: Vec::new(),
            created_at: None,
            brand_id: None,
        }
    }

    /// Sets the original creation time.
    pub fn created_at(mut self, at: impl Into<Timestamp>) -> Self {
        self.created_at = Some(at.into());
        self
    }
}

/// Body of `PUT /conversations/{id}` (`update_conversation_request`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateConversationRequest {
    /// Mark as read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read: Option<bool>,
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Conversation attribute values, by attribute name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<CustomAttributes>,
    /// Company to associate (Intercom's id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<CompanyId>,
}

/// Who a conversation is assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignee {
    /// An admin.
    Admin(AdminId),
    /// A team.
    Team(TeamId),
    /// Nobody.
    Unassigned,
}

/// Body of an assignment (`assign_conversation_request`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The admin performing the assignment.
    pub admin_id: AdminId,
    /// The new assignee.
    pub assignee: Assignee,
    /// Optional note shown with the assignment.
    pub body: Option<String>,
}

/// The four `POST /conversations/{id}/parts` bodies.
#[derive(Debug, Serialize)]
#[serde(tag = "message_type", rename_all = "snake_case")]
pub(crate) enum ManagePart<'a> {
    Close {
        #[serde(rename = "type")]
        author_type: &'static str,
        admin_id: &'a AdminId,
        #[serde(skip_serializing_if = "Option::is_none")]
        body: Option<&'a str>,
    },
    Snoozed {
        admin_id: &'a AdminId,
        snoozed_until: Timestamp,
    },
    Open {
        admin_id: &'a AdminId,
    },
    Assignment {
        #[serde(rename = "type")]
        assignee_type: &'static str,
        admin_id: &'a AdminId,
        assignee_id: Id,
        #[serde(skip_serializing_if = "Option::is_none")]
        body: Option<&'a str>,
    },
}

impl<'a> ManagePart<'a> {
    pub(crate) fn assignment(assignment: &'a Assignment) -> Self {
        let (assignee_type, assignee_id) = match &assignment.assignee {
            Assignee::Admin(id) => ("admin", Id::from(id)),
            Assignee::Team(id) => ("team", Id::from(id)),
            // Intercom spells "unassigned" as admin 0.
            Assignee::Unassigned => ("admin", Id::new("0")),
        };
        ManagePart::Assignment {
            assignee_type,
            admin_id: &assignment.admin_id,
            assignee_id,
            body: assignment.body.as_deref(),
        }
    }
}
