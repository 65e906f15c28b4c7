//! Ticket request and response types (`create_ticket_request`, `update_ticket_request`, `ticket`,
//! ...); a ticket's parts share the conversations' [`Part`](crate::conversations::Part) type.

use serde::{Deserialize, Serialize};

use crate::common::CustomAttributes;
use crate::conversations::{ConversationContacts, LinkedObjects, PartList};
use crate::ids::{
    self, AdminId, CompanyId, ContactId, ConversationId, Id, TeamId, TicketId, TicketStateId,
    TicketTypeId,
};
use crate::serde_helpers::null_as_default;
use crate::ticket_states::TicketState;
use crate::ticket_types::{TicketCategory, TicketType};
use crate::timestamp::Timestamp;

/// How a new ticket names its contact (exactly one per ticket).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketContact {
    /// Intercom's contact id: `{"id": ...}`.
    Id(ContactId),
    /// Your external id: `{"external_id": ...}`.
    ExternalId(String),
    /// An email; Intercom creates the contact if none has it: `{"email": ...}`.
    Email(String),
}

/// Initial assignment of a new ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketAssignment {
    /// Admin to assign.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_assignee_id: Option<AdminId>,
    /// Team to assign.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_assignee_id: Option<TeamId>,
}

/// Body of `POST /tickets` (`create_ticket_request` plus `skip_notifications`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateTicketRequest {
    /// The ticket type.
    pub ticket_type_id: TicketTypeId,
    /// The contact (exactly one).
    pub contacts: Vec<TicketContact>,
    /// Attribute values: `_default_title_`, `_default_description_` and the type's attributes
    /// (list attributes take the list item's id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_attributes: Option<CustomAttributes>,
    /// Original creation time (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// Company (Intercom's id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<CompanyId>,
    /// A conversation to link (customer tickets: the conversation becomes the ticket).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_to_link_id: Option<ConversationId>,
    /// Initial assignee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment: Option<TicketAssignment>,
    /// Do not notify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_notifications: Option<bool>,
}

impl CreateTicketRequest {
    /// A ticket of a type, for one contact, with a title.
    pub fn new(
        ticket_type_id: impl Into<TicketTypeId>,
        contact: TicketContact,
        title: impl Into<String>,
    ) -> Self {
        let mut attributes = CustomAttributes::new();
        attributes.insert("_default_title_".into(), title.into().into());
        CreateTicketRequest {
            ticket_type_id: ticket_type_id.into(),
            contacts: vec![contact],
            ticket_attributes: Some(attributes),
            created_at: None,
            company_id: None,
            conversation_to_link_id: None,
            assignment: None,
            skip_notifications: None,
        }
    }
}

/// Body of `PUT /tickets/{id}` (`update_ticket_request` plus `skip_notifications`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateTicketRequest {
    /// Attribute values to change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_attributes: Option<CustomAttributes>,
    /// New state (from [`crate::ticket_states`]); 2.16 has no state string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_state_id: Option<TicketStateId>,
    /// Company (Intercom's id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<CompanyId>,
    /// `false` closes the ticket, `true` reopens it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open: Option<bool>,
    /// Whether the ticket is visible to the contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_shared: Option<bool>,
    /// Snooze until (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<Timestamp>,
    /// The admin performing the change (sent as an integer, as the description requires).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ids::as_integer::option"
    )]
    pub admin_id: Option<AdminId>,
    /// New assignee (admin or team id; `0` unassigns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<Id>,
    /// Do not notify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_notifications: Option<bool>,
}

/// A ticket (`ticket`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ticket {
    /// Always `ticket`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The API id: use this in paths.
    pub id: TicketId,
    /// The inbox number shown to people; never use it in API calls.
    #[serde(default)]
    pub ticket_id: Option<Id>,
    /// Category.
    #[serde(default)]
    pub category: Option<TicketCategory>,
    /// Attribute values.
    #[serde(default, deserialize_with = "null_as_default")]
    pub ticket_attributes: CustomAttributes,
    /// Current state.
    #[serde(default)]
    pub ticket_state: Option<TicketState>,
    /// The ticket's type.
    #[serde(default)]
    pub ticket_type: Option<TicketType>,
    /// The contacts.
    #[serde(default)]
    pub contacts: Option<ConversationContacts>,
    /// Assigned admin.
    #[serde(default)]
    pub admin_assignee_id: Option<AdminId>,
    /// Assigned team.
    #[serde(default)]
    pub team_assignee_id: Option<TeamId>,
    /// Creation time (Unix seconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// Whether it is open.
    #[serde(default)]
    pub open: Option<bool>,
    /// Snoozed until (Unix seconds).
    #[serde(default)]
    pub snoozed_until: Option<Timestamp>,
    /// Linked conversations and tickets.
    #[serde(default)]
    pub linked_objects: Option<LinkedObjects>,
    /// The parts (replies, notes, state changes); only on `GET /tickets/{id}`.
    #[serde(default)]
    pub ticket_parts: Option<PartList>,
    /// Whether the contact can see it.
    #[serde(default)]
    pub is_shared: Option<bool>,
    /// The state before the last change.
    #[serde(default)]
    pub previous_ticket_state_id: Option<TicketStateId>,
}
