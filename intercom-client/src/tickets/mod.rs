//! Tickets: `/tickets`.
//!
//! Use the ticket's `id` in calls, never its `ticket_id` (the inbox number).

mod model;

pub use model::*;

use crate::common::Deleted;
use crate::conversations::Part;
use crate::error::Error;
use crate::ids::TicketId;
use crate::pagination::{items, paginate, Cursor, ItemStream, Page, PageStream, Pages};
use crate::replies::{Reply, ReplyTarget};
use crate::search::{SearchBody, SearchQuery};
use crate::serde_helpers::null_as_default;
use crate::transport::ApiRequest;
use crate::Client;

#[derive(serde::Deserialize)]
struct TicketList {
    #[serde(default, deserialize_with = "null_as_default")]
    tickets: Vec<Ticket>,
    #[serde(default)]
    pages: Option<Pages>,
}

/// Ticket operations; get one with [`Client::tickets`].
#[derive(Debug, Clone, Copy)]
pub struct Tickets<'a> {
    client: &'a Client,
}

impl<'a> Tickets<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Tickets { client }
    }

    /// `POST /tickets`. Not resent after a failure that may have reached Intercom.
    pub async fn create(&self, request: &CreateTicketRequest) -> Result<Ticket, Error> {
        if request.contacts.len() != 1 {
            return Err(Error::InvalidRequest(format!(
                "a ticket takes exactly one contact (got {})",
                request.contacts.len()
            )));
        }
        let request = ApiRequest::post(&["tickets"]).json(request)?;
        self.client.transport().send(request).await
    }

    /// `PUT /tickets/{id}`: state (by `ticket_state_id`), attributes, assignee, open/closed.
    pub async fn update(
        &self,
        ticket_id: &TicketId,
        request: &UpdateTicketRequest,
    ) -> Result<Ticket, Error> {
        let request = ApiRequest::put(&["tickets", ticket_id.as_str()]).json(request)?;
        self.client.transport().send(request).await
    }

    /// `POST /tickets/{id}/reply`: a reply or note; returns the part added (`ticket_reply`).
    /// Not resent after a failure that may have reached Intercom.
    pub async fn reply(&self, ticket_id: &TicketId, reply: &Reply) -> Result<Part, Error> {
        reply.check(ReplyTarget::Ticket)?;
        let request = reply.request(&["tickets", ticket_id.as_str(), "reply"])?;
        self.client.transport().send(request).await
    }

    /// `GET /tickets/{id}`.
    pub async fn get(&self, ticket_id: &TicketId) -> Result<Ticket, Error> {
        self.client
            .transport()
            .send(ApiRequest::get(&["tickets", ticket_id.as_str()]))
            .await
    }

    /// `POST /tickets/search`: every matching ticket (the index lags writes).
    pub fn search(&self, query: SearchQuery, per_page: Option<u32>) -> ItemStream<Ticket> {
        items(self.search_pages(query, per_page, None))
    }

    /// `POST /tickets/search` as whole pages, starting after `from` (a [`Page::next_cursor`]
    /// saved earlier) or at the beginning.
    pub fn search_pages(
        &self,
        query: SearchQuery,
        per_page: Option<u32>,
        from: Option<Cursor>,
    ) -> PageStream<Ticket> {
        let client = self.client.clone();
        paginate(from, move |cursor: Option<Cursor>| {
            let client = client.clone();
            let query = query.clone();
            async move {
                let body = SearchBody::page(&query, per_page, cursor, None);
                let request = ApiRequest::post(&["tickets", "search"])
                    .idempotent()
                    .json(&body)?;
                let list: TicketList = client.transport().send(request).await?;
                Ok(Page::new(
                    list.tickets,
                    list.pages.and_then(|p| p.next_cursor()),
                ))
            }
        })
    }

    /// `DELETE /tickets/{id}`: permanent (reporting keeps traces).
    pub async fn delete(&self, ticket_id: &TicketId) -> Result<Deleted, Error> {
        self.client
            .transport()
            .send(ApiRequest::delete(&["tickets", ticket_id.as_str()]))
            .await
    }
}
