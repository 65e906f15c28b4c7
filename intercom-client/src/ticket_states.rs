//! Ticket states: `GET /ticket_states`. Read-only.
//!
//! Ticket states cannot be created through the API; set a ticket's state by `ticket_state_id`
//! ([`UpdateTicketRequest::ticket_state_id`](crate::tickets::UpdateTicketRequest::ticket_state_id)).

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ids::TicketStateId;
use crate::pagination::DataList;
use crate::serde_helpers::null_as_default;
use crate::ticket_types::TicketType;
use crate::transport::ApiRequest;
use crate::Client;

open_enum! {
    /// The category of a ticket state: every custom state belongs to one of these.
    pub enum TicketStateCategory {
        /// Submitted, not yet worked on.
        Submitted = "submitted",
        /// Being worked on.
        InProgress = "in_progress",
        /// Waiting for the customer's answer.
        WaitingOnCustomer = "waiting_on_customer",
        /// Resolved.
        Resolved = "resolved",
    }
}

/// A ticket state (`ticket_state` / `ticket_state_detailed`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TicketState {
    /// Always `ticket_state`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Intercom's id (use it as `ticket_state_id`).
    pub id: TicketStateId,
    /// `submitted`, `in_progress`, `waiting_on_customer` or `resolved`.
    #[serde(default)]
    pub category: Option<TicketStateCategory>,
    /// Label teammates see.
    #[serde(default)]
    pub internal_label: Option<String>,
    /// Label customers see.
    #[serde(default)]
    pub external_label: Option<String>,
    /// Whether it is archived (state list only).
    #[serde(default)]
    pub archived: Option<bool>,
    /// Ticket types using this state (state list only).
    #[serde(default)]
    pub ticket_types: Option<TicketTypeRefs>,
}

/// `{type: "list", data: [ticket types]}` inside a ticket state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TicketTypeRefs {
    /// The ticket types.
    #[serde(default, deserialize_with = "null_as_default")]
    pub data: Vec<TicketType>,
}

/// Ticket state operations; get one with [`Client::ticket_states`].
#[derive(Debug, Clone, Copy)]
pub struct TicketStates<'a> {
    client: &'a Client,
}

impl<'a> TicketStates<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        TicketStates { client }
    }

    /// `GET /ticket_states`: every state of the workspace.
    pub async fn list(&self) -> Result<Vec<TicketState>, Error> {
        let list: DataList<TicketState> = self
            .client
            .transport()
            .send(ApiRequest::get(&["ticket_states"]))
            .await?;
        Ok(list.data)
    }
}
