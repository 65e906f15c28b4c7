//! Ticket actions: query, select by id or ids, stream, parents and children, history, SLA stages.
//! The write actions (insert, add note, change status) are in [`crate::writes`].

use crate::actions::{ActionOptions, TicketAction};
use crate::assumptions::{ACTIONS_INCLUDE_ATTACHMENTS_PARAM, ACTIONS_INCLUDE_PRIVATE_PARAM};
use crate::endpoints as ep;
use crate::error::Error;
use crate::ids::TicketId;
use crate::records::RecordsApi;
use crate::ticket::{SlaStageInstance, Ticket};
use crate::transport::Request;

/// The `Ticket/*` actions; get one from [`Client::tickets`](crate::Client::tickets).
pub type TicketsApi<'a> = RecordsApi<'a, Ticket>;

impl RecordsApi<'_, Ticket> {
    /// The child tickets of a ticket.
    pub async fn children(&self, ticket_id: TicketId) -> Result<Vec<Ticket>, Error> {
        self.client
            .results(
                ep::TICKET_SELECT_CHILDREN,
                Request::with_id(ticket_id.get()),
            )
            .await
    }

    /// The parent tickets of a ticket.
    pub async fn parents(&self, ticket_id: TicketId) -> Result<Vec<Ticket>, Error> {
        self.client
            .results(ep::TICKET_SELECT_PARENTS, Request::with_id(ticket_id.get()))
            .await
    }

    /// The history of a ticket: status changes, replies, private notes, attachments.
    pub async fn actions(
        &self,
        ticket_id: TicketId,
        options: ActionOptions,
    ) -> Result<Vec<TicketAction>, Error> {
        let request = Request::with_id(ticket_id.get())
            .param(ACTIONS_INCLUDE_PRIVATE_PARAM, options.include_private)
            .param(
                ACTIONS_INCLUDE_ATTACHMENTS_PARAM,
                options.include_attachments,
            );
        self.client
            .results(ep::TICKET_ACTION_SELECT_BY_PARENT, request)
            .await
    }

    /// The SLA stages of a ticket.
    pub async fn sla_stages(&self, ticket_id: TicketId) -> Result<Vec<SlaStageInstance>, Error> {
        self.client
            .results(
                ep::TICKET_SLA_STAGE_INSTANCES,
                Request::with_id(ticket_id.get()),
            )
            .await
    }
}
