//! Tags: `/tags`, and tagging of contacts, conversations and tickets.

use serde::{Deserialize, Serialize};

use crate::common::Reference;
use crate::error::Error;
use crate::ids::{AdminId, ContactId, ConversationId, TagId, TicketId};
use crate::pagination::DataList;
use crate::timestamp::Timestamp;
use crate::transport::ApiRequest;
use crate::Client;

/// A tag (`tag` / `tag_basic` schemas).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Tag {
    /// Always `tag`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Intercom's id.
    pub id: TagId,
    /// Name (case-insensitively unique).
    #[serde(default)]
    pub name: Option<String>,
    /// When it was applied to the object it was returned with (Unix seconds).
    #[serde(default)]
    pub applied_at: Option<Timestamp>,
    /// Who applied it.
    #[serde(default)]
    pub applied_by: Option<Reference>,
}

#[derive(Serialize)]
struct CreateOrUpdateTag<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a TagId>,
}

#[derive(Serialize)]
struct TagObject<'a> {
    id: &'a TagId,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_id: Option<&'a AdminId>,
}

#[derive(Serialize)]
struct ActingAdmin<'a> {
    admin_id: &'a AdminId,
}

/// Tag operations; get one with [`Client::tags`].
#[derive(Debug, Clone, Copy)]
pub struct Tags<'a> {
    client: &'a Client,
}

impl<'a> Tags<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Tags { client }
    }

    /// `POST /tags {name}`: creates a tag, or returns the existing one with that name
    /// (names are case-insensitive), so it is safe to resend.
    pub async fn create(&self, name: &str) -> Result<Tag, Error> {
        let request = ApiRequest::post(&["tags"])
            .idempotent()
            .json(&CreateOrUpdateTag { name, id: None })?;
        self.client.transport().send(request).await
    }

    /// `POST /tags {id, name}`: renames a tag.
    pub async fn rename(&self, tag_id: &TagId, name: &str) -> Result<Tag, Error> {
        let request = ApiRequest::post(&["tags"])
            .idempotent()
            .json(&CreateOrUpdateTag {
                name,
                id: Some(tag_id),
            })?;
        self.client.transport().send(request).await
    }

    /// `GET /tags`: every tag (unpaginated).
    pub async fn list(&self) -> Result<Vec<Tag>, Error> {
        let list: DataList<Tag> = self
            .client
            .transport()
            .send(ApiRequest::get(&["tags"]))
            .await?;
        Ok(list.data)
    }

    /// `GET /tags/{id}`.
    pub async fn get(&self, tag_id: &TagId) -> Result<Tag, Error> {
        self.client
            .transport()
            .send(ApiRequest::get(&["tags", tag_id.as_str()]))
            .await
    }

    /// `DELETE /tags/{id}` (400 `tag_has_dependent_objects` while a segment uses it).
    pub async fn delete(&self, tag_id: &TagId) -> Result<(), Error> {
        self.client
            .transport()
            .send_ignoring_body(ApiRequest::delete(&["tags", tag_id.as_str()]))
            .await
    }

    /// `POST /contacts/{id}/tags`: tags a contact.
    pub async fn tag_contact(&self, contact_id: &ContactId, tag_id: &TagId) -> Result<Tag, Error> {
        self.attach(&["contacts", contact_id.as_str(), "tags"], tag_id, None)
            .await
    }

    /// `DELETE /contacts/{id}/tags/{tag_id}`: removes a tag from a contact.
    pub async fn untag_contact(
        &self,
        contact_id: &ContactId,
        tag_id: &TagId,
    ) -> Result<Tag, Error> {
        let path = ["contacts", contact_id.as_str(), "tags", tag_id.as_str()];
        self.client
            .transport()
            .send(ApiRequest::delete(&path))
            .await
    }

    /// `POST /conversations/{id}/tags`: tags a conversation on behalf of an admin.
    pub async fn tag_conversation(
        &self,
        conversation_id: &ConversationId,
        tag_id: &TagId,
        admin_id: &AdminId,
    ) -> Result<Tag, Error> {
        let path = ["conversations", conversation_id.as_str(), "tags"];
        self.attach(&path, tag_id, Some(admin_id)).await
    }

    /// `DELETE /conversations/{id}/tags/{tag_id}`: removes a tag from a conversation.
    pub async fn untag_conversation(
        &self,
        conversation_id: &ConversationId,
        tag_id: &TagId,
        admin_id: &AdminId,
    ) -> Result<Tag, Error> {
        let path = [
            "conversations",
            conversation_id.as_str(),
            "tags",
            tag_id.as_str(),
        ];
        self.detach(&path, admin_id).await
    }

    /// `POST /tickets/{id}/tags`: tags a ticket on behalf of an admin.
    pub async fn tag_ticket(
        &self,
        ticket_id: &TicketId,
        tag_id: &TagId,
        admin_id: &AdminId,
    ) -> Result<Tag, Error> {
        let path = ["tickets", ticket_id.as_str(), "tags"];
        self.attach(&path, tag_id, Some(admin_id)).await
    }

    /// `DELETE /tickets/{id}/tags/{tag_id}`: removes a tag from a ticket.
    pub async fn untag_ticket(
        &self,
        ticket_id: &TicketId,
        tag_id: &TagId,
        admin_id: &AdminId,
    ) -> Result<Tag, Error> {
        let path = ["tickets", ticket_id.as_str(), "tags", tag_id.as_str()];
        self.detach(&path, admin_id).await
    }

    async fn attach(
        &self,
        path: &[&str],
        tag_id: &TagId,
        admin_id: Option<&AdminId>,
    ) -> Result<Tag, Error> {
        // Applying a tag twice leaves it applied once, so tagging is safe to resend.
        let request = ApiRequest::post(path).idempotent().json(&TagObject {
            id: tag_id,
            admin_id,
        })?;
        self.client.transport().send(request).await
    }

    async fn detach(&self, path: &[&str], admin_id: &AdminId) -> Result<Tag, Error> {
        let request = ApiRequest::delete(path).json(&ActingAdmin { admin_id })?;
        self.client.transport().send(request).await
    }
}
