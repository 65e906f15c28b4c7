//! Conversations: `/conversations`.
//!
//! Importing history: create with a past `created_at`, add replies and notes in order with their
//! own `created_at` and `skip_notifications`, then set attributes, tags, assignee and state
//! (state changes and assignments take no `created_at`, so they are stamped with import time).

mod model;
mod parts;
mod requests;

pub use model::*;
pub use parts::*;
pub use requests::*;

use crate::common::Deleted;
use crate::error::Error;
use crate::ids::{AdminId, ConversationId};
use crate::pagination::{items, paginate, Cursor, ItemStream, Page, PageStream, Pages};
use crate::replies::{Reply, ReplyTarget, MAX_ATTACHMENTS};
use crate::search::{SearchBody, SearchQuery};
use crate::serde_helpers::null_as_default;
use crate::timestamp::Timestamp;
use crate::transport::ApiRequest;
use crate::Client;

#[derive(serde::Deserialize)]
struct ConversationList {
    #[serde(default, deserialize_with = "null_as_default")]
    conversations: Vec<Conversation>,
    #[serde(default)]
    pages: Option<Pages>,
}

impl ConversationList {
    fn into_page(self) -> Page<Conversation> {
        Page::new(self.conversations, self.pages.and_then(|p| p.next_cursor()))
    }
}

/// Conversation operations; get one with [`Client::conversations`].
#[derive(Debug, Clone, Copy)]
pub struct Conversations<'a> {
    client: &'a Client,
}

impl<'a> Conversations<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Conversations { client }
    }

    /// `POST /conversations`: a conversation started by a contact; returns the first message,
    /// whose `conversation_id` names the conversation.
    ///
    /// Not resent after a failure that may have reached Intercom (it would duplicate the conversation).
    pub async fn create(&self, request: &CreateConversationRequest) -> Result<Message, Error> {
        if request.attachment_urls.len() > MAX_ATTACHMENTS {
            return Err(Error::InvalidRequest(format!(
                "at most {MAX_ATTACHMENTS} attachment URLs per conversation"
            )));
        }
        let request = ApiRequest::post(&["conversations"]).json(request)?;
        self.client.transport().send(request).await
    }

    /// `POST /conversations/{id}/reply`: a reply or note (`id` may be `last` for contact replies).
    ///
    /// Not resent after a failure that may have reached Intercom (it would duplicate the part).
    pub async fn reply(
        &self,
        conversation_id: &ConversationId,
        reply: &Reply,
    ) -> Result<Conversation, Error> {
        reply.check(ReplyTarget::Conversation)?;
        let request = reply.request(&["conversations", conversation_id.as_str(), "reply"])?;
        self.client.transport().send(request).await
    }

    /// Assigns to an admin or team, or unassigns.
    pub async fn assign(
        &self,
        conversation_id: &ConversationId,
        assignment: &Assignment,
    ) -> Result<Conversation, Error> {
        self.manage(conversation_id, &ManagePart::assignment(assignment))
            .await
    }

    /// Opens (or reopens) the conversation.
    pub async fn open(
        &self,
        conversation_id: &ConversationId,
        admin_id: &AdminId,
    ) -> Result<Conversation, Error> {
        self.manage(conversation_id, &ManagePart::Open { admin_id })
            .await
    }

    /// Snoozes until a time (Unix seconds).
    pub async fn snooze(
        &self,
        conversation_id: &ConversationId,
        admin_id: &AdminId,
        snoozed_until: impl Into<Timestamp>,
    ) -> Result<Conversation, Error> {
        self.manage(
            conversation_id,
            &ManagePart::Snoozed {
                admin_id,
                snoozed_until: snoozed_until.into(),
            },
        )
        .await
    }

    /// Closes, optionally with a closing message.
    pub async fn close(
        &self,
        conversation_id: &ConversationId,
        admin_id: &AdminId,
        body: Option<&str>,
    ) -> Result<Conversation, Error> {
        let part = ManagePart::Close {
            author_type: "admin",
            admin_id,
            body,
        };
        self.manage(conversation_id, &part).await
    }

    async fn manage(
        &self,
        conversation_id: &ConversationId,
        part: &ManagePart<'_>,
    ) -> Result<Conversation, Error> {
        // State changes converge (closing twice leaves it closed), so they are safe to resend.
        let request = ApiRequest::post(&["conversations", conversation_id.as_str(), "parts"])
            .idempotent()
            .json(part)?;
        self.client.transport().send(request).await
    }

    /// `PUT /conversations/{id}`: title, read flag, attribute values, company.
    pub async fn update(
        &self,
        conversation_id: &ConversationId,
        request: &UpdateConversationRequest,
    ) -> Result<Conversation, Error> {
        let request =
            ApiRequest::put(&["conversations", conversation_id.as_str()]).json(request)?;
        self.client.transport().send(request).await
    }

    /// `GET /conversations/{id}`: the conversation with its parts (up to 500).
    pub async fn get(&self, conversation_id: &ConversationId) -> Result<Conversation, Error> {
        self.client
            .transport()
            .send(ApiRequest::get(&[
                "conversations",
                conversation_id.as_str(),
            ]))
            .await
    }

    /// `GET /conversations`: every conversation (without parts), following cursors; at most 150 per page.
    pub fn list(&self, per_page: Option<u32>) -> ItemStream<Conversation> {
        items(self.list_pages(per_page, None))
    }

    /// `GET /conversations` as whole pages, starting after `from` (a [`Page::next_cursor`]
    /// saved earlier) or at the beginning.
    pub fn list_pages(
        &self,
        per_page: Option<u32>,
        from: Option<Cursor>,
    ) -> PageStream<Conversation> {
        let client = self.client.clone();
        paginate(from, move |cursor: Option<Cursor>| {
            let client = client.clone();
            async move {
                let request = ApiRequest::get(&["conversations"])
                    .query_opt("per_page", per_page)
                    .query_opt("starting_after", cursor);
                let list: ConversationList = client.transport().send(request).await?;
                Ok(list.into_page())
            }
        })
    }

    /// `POST /conversations/search`: every matching conversation (the index lags writes).
    pub fn search(&self, query: SearchQuery, per_page: Option<u32>) -> ItemStream<Conversation> {
        items(self.search_pages(query, per_page, None))
    }

    /// `POST /conversations/search` as whole pages, starting after `from` or at the beginning.
    pub fn search_pages(
        &self,
        query: SearchQuery,
        per_page: Option<u32>,
        from: Option<Cursor>,
    ) -> PageStream<Conversation> {
        let client = self.client.clone();
        paginate(from, move |cursor: Option<Cursor>| {
            let client = client.clone();
            let query = query.clone();
            async move {
                let body = SearchBody::page(&query, per_page, cursor, None);
                let request = ApiRequest::post(&["conversations", "search"])
                    .idempotent()
                    .json(&body)?;
                let list: ConversationList = client.transport().send(request).await?;
                Ok(list.into_page())
            }
        })
    }

    /// `DELETE /conversations/{id}`: permanent. `retain_metrics: Some(false)` also wipes
    /// reporting data (needs the `delete_conversations_and_metrics` scope).
    pub async fn delete(
        &self,
        conversation_id: &ConversationId,
        retain_metrics: Option<bool>,
    ) -> Result<Deleted, Error> {
        let request = ApiRequest::delete(&["conversations", conversation_id.as_str()])
            .query_opt("retain_metrics", retain_metrics);
        self.client.transport().send(request).await
    }
}
