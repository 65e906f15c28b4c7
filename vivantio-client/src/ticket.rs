//! The ticket record and the records hanging off a ticket (SLA stage instances).
//!
//! Fields are C-off (vendor DTOs) unless marked. Every field but `Id` is optional: Vivantio sends
//! `null` freely, and a tenant may omit fields.

use serde::{Deserialize, Serialize};

use crate::ids::{
    ActionId, CallerId, CategoryId, ExtensionFieldId, GroupId, LocationId, OrganisationId,
    PriorityId, RecordTypeId, SlaStageInstanceId, StatusId, TicketId, UserId,
};

use crate::dates::VivantioDate;
use crate::de::null_as_default;
use crate::enums::StatusType;

/// A ticket, as `Ticket/Select`, `SelectById` and `SelectList` return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Ticket {
    /// Internal id.
    pub id: TicketId,
    /// Human ticket number ("INC-10225").
    pub display_id: Option<String>,
    /// Ticket type.
    pub record_type_id: Option<RecordTypeId>,
    /// Singular name of the ticket type.
    pub record_type_name_singular: Option<String>,
    /// Workflow in use.
    pub workflow_id: Option<i64>,
    /// Next workflow step.
    pub next_step_id: Option<i64>,
    /// Most recent action.
    pub last_action_id: Option<ActionId>,

    /// Subject.
    pub title: Option<String>,
    /// Description as text.
    pub description: Option<String>,
    /// Description as HTML.
    pub description_html: Option<String>,
    /// Solution as text.
    pub solution: Option<String>,
    /// Solution as HTML.
    pub solution_html: Option<String>,
    /// CC addresses, `;`-separated (C-com).
    #[serde(rename = "CCAddressList")]
    pub cc_address_list: Option<String>,

    /// Status.
    pub status_id: Option<StatusId>,
    /// Status name.
    pub status_name: Option<String>,
    /// Lifecycle class of the status (name or code).
    pub status_type: Option<StatusType>,
    /// Priority.
    pub priority_id: Option<PriorityId>,
    /// Priority name.
    pub priority_name: Option<String>,
    /// Impact.
    pub impact_id: Option<i64>,
    /// Category.
    pub category_id: Option<CategoryId>,
    /// Category path ("Hardware > Printers").
    pub category_lineage: Option<String>,
    /// Whether it is resolved.
    pub resolved: Option<bool>,
    /// Whether it is deferred.
    pub is_deferred: Option<bool>,
    /// Whether it is deleted.
    pub deleted: Option<bool>,

    /// End user who raised it.
    pub caller_id: Option<CallerId>,
    /// End user's name.
    pub caller_name: Option<String>,
    /// End user's email.
    pub caller_email: Option<String>,
    /// End user's phone.
    pub caller_phone: Option<String>,
    /// Organisation.
    pub client_id: Option<OrganisationId>,
    /// Organisation name.
    pub client_name: Option<String>,
    /// Location.
    pub location_id: Option<LocationId>,
    /// Owning agent.
    pub owner_id: Option<UserId>,
    /// Owning agent's name.
    pub owner_name: Option<String>,
    /// Assigned group.
    pub group_id: Option<GroupId>,
    /// Assigned group's name.
    pub group_name: Option<String>,
    /// Agent who logged it.
    pub taken_by_id: Option<UserId>,
    /// Name of the agent who logged it.
    pub taken_by_name: Option<String>,
    /// Agent who last changed it.
    pub last_modified_by_id: Option<UserId>,
    /// Third party.
    pub third_party_id: Option<i64>,
    /// Third party's reference.
    pub third_party_ref: Option<String>,
    /// Kind of assignee (code).
    pub assignee_type: Option<i64>,
    /// Assigned organisation.
    pub assignee_client_id: Option<OrganisationId>,
    /// Assigned end user.
    pub assignee_caller_id: Option<CallerId>,
    /// Assigned email address.
    pub assigned_to_email: Option<String>,
    /// Assigned group's name.
    pub assigned_to_group_name: Option<String>,
    /// Assigned agent's name.
    pub assigned_to_individual_name: Option<String>,
    /// Assignment summary text.
    pub assigned_to_summary: Option<String>,

    /// Opened.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub open_date: Option<VivantioDate>,
    /// Closed.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub close_date: Option<VivantioDate>,
    /// Resolved.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub resolved_date: Option<VivantioDate>,
    /// Last changed.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub last_modified_date: Option<VivantioDate>,
    /// Logged with the third party.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub third_party_log_date: Option<VivantioDate>,

    /// Total effort in minutes (unit INF).
    pub total_effort: Option<f64>,
    /// How the ticket came in (code; values UNK).
    pub call_origin: Option<i64>,
    /// Legacy extension field values (INF).
    #[serde(default, deserialize_with = "null_as_default")]
    pub extension_fields: Vec<ExtensionFieldValue>,
}

/// A legacy extension field value on a ticket (INF).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ExtensionFieldValue {
    /// The field's definition id.
    pub field_id: Option<ExtensionFieldId>,
    /// The field's name.
    pub name: Option<String>,
    /// The value, as sent (text, number, flag, list or null).
    #[serde(default)]
    pub value: serde_json::Value,
}

/// An SLA stage of one ticket (`Ticket/SLAStageInstanceSelectByTicket`; shape INF).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SlaStageInstance {
    /// Instance id.
    pub id: SlaStageInstanceId,
    /// The ticket.
    pub ticket_id: Option<TicketId>,
    /// Stage name ("Response", "Resolution", …).
    pub stage_name: Option<String>,
    /// When the stage is due.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub target_date: Option<VivantioDate>,
    /// When the stage was met, if it was.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub completed_date: Option<VivantioDate>,
    /// Whether the target was missed.
    pub breached: Option<bool>,
}

impl crate::paging::Selectable for Ticket {
    const SELECT: crate::Endpoint = crate::endpoints::TICKET_SELECT;
    const SELECT_BY_ID: crate::Endpoint = crate::endpoints::TICKET_SELECT_BY_ID;
    const SELECT_LIST: crate::Endpoint = crate::endpoints::TICKET_SELECT_LIST;
    type Id = TicketId;

    fn id(&self) -> TicketId {
        self.id
    }
}
