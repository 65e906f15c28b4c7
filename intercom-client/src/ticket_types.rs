//! Ticket types and their attributes: `/ticket_types`.
//!
//! Neither ticket types nor their attributes can be deleted through the API, only archived.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ids::{TicketTypeAttributeId, TicketTypeId};
use crate::pagination::DataList;
use crate::serde_helpers::null_as_default;
use crate::ticket_states::TicketState;
use crate::timestamp::Timestamp;
use crate::transport::ApiRequest;
use crate::Client;

open_enum! {
    /// What a ticket type is for.
    pub enum TicketCategory {
        /// Customer-facing tickets.
        Customer = "Customer",
        /// Internal back-office work.
        BackOffice = "Back-office",
        /// Trackers linking many conversations.
        Tracker = "Tracker",
    }
}

/// A ticket type (`ticket_type`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TicketType {
    /// Always `ticket_type`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Intercom's id.
    pub id: TicketTypeId,
    /// Category.
    #[serde(default)]
    pub category: Option<TicketCategory>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Emoji icon.
    #[serde(default)]
    pub icon: Option<String>,
    /// Workspace id.
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// Attributes (including `_default_title_` and `_default_description_`).
    #[serde(default)]
    pub ticket_type_attributes: Option<TicketTypeAttributes>,
    /// States available to tickets of this type.
    #[serde(default)]
    pub ticket_states: Option<TicketTypeStates>,
    /// Whether it is archived.
    #[serde(default)]
    pub archived: Option<bool>,
    /// Creation time (Unix seconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
}

/// `{type: "ticket_type_attributes.list", ticket_type_attributes: [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TicketTypeAttributes {
    /// The attributes.
    #[serde(default, deserialize_with = "null_as_default")]
    pub ticket_type_attributes: Vec<TicketTypeAttribute>,
}

/// `{type: "list", data: [ticket states]}` inside a ticket type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TicketTypeStates {
    /// The states.
    #[serde(default, deserialize_with = "null_as_default")]
    pub data: Vec<TicketState>,
}

/// An attribute of a ticket type (`ticket_type_attribute`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TicketTypeAttribute {
    /// Always `ticket_type_attribute`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Intercom's id.
    pub id: TicketTypeAttributeId,
    /// Workspace id.
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// Name (the key in `ticket_attributes`).
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Value type.
    #[serde(default)]
    pub data_type: Option<String>,
    /// Type-specific settings, e.g. list items with their ids.
    #[serde(default)]
    pub input_options: Option<serde_json::Value>,
    /// Display order.
    #[serde(default)]
    pub order: Option<i64>,
    /// Required when a teammate creates a ticket.
    #[serde(default)]
    pub required_to_create: Option<bool>,
    /// Required when a contact creates a ticket.
    #[serde(default)]
    pub required_to_create_for_contacts: Option<bool>,
    /// Shown on the creation form.
    #[serde(default)]
    pub visible_on_create: Option<bool>,
    /// Visible to contacts.
    #[serde(default)]
    pub visible_to_contacts: Option<bool>,
    /// Whether it is a built-in attribute.
    #[serde(default)]
    pub default: Option<bool>,
    /// The owning ticket type.
    #[serde(default)]
    pub ticket_type_id: Option<TicketTypeId>,
    /// Whether it is archived.
    #[serde(default)]
    pub archived: Option<bool>,
    /// Creation time (Unix seconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
}

/// Body of `POST /ticket_types` (`create_ticket_type_request`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateTicketTypeRequest {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Category (defaults to Customer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<TicketCategory>,
    /// Emoji icon.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Whether tickets are internal only (deprecated by Intercom in favour of `category`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_internal: Option<bool>,
}

/// Body of `PUT /ticket_types/{id}` (`update_ticket_type_request`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateTicketTypeRequest {
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<TicketCategory>,
    /// Emoji icon.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Archive (true) or restore (false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
    /// Whether tickets are internal only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_internal: Option<bool>,
}

/// Value type of a ticket type attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TicketAttributeType {
    /// Text.
    String,
    /// A list (items given as a comma-separated `list_items`).
    List,
    /// Whole number.
    Integer,
    /// Decimal number.
    Decimal,
    /// True / false.
    Boolean,
    /// Date and time.
    Datetime,
    /// Files.
    Files,
}

/// Body of `POST /ticket_types/{id}/attributes` (`create_ticket_type_attribute_request`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateTicketTypeAttributeRequest {
    /// Name.
    pub name: String,
    /// Description (required by the API).
    pub description: String,
    /// Value type.
    pub data_type: TicketAttributeType,
    /// Required when a teammate creates a ticket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_to_create: Option<bool>,
    /// Required when a contact creates a ticket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_to_create_for_contacts: Option<bool>,
    /// Shown on the creation form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visible_on_create: Option<bool>,
    /// Visible to contacts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visible_to_contacts: Option<bool>,
    /// Multi-line text (string attributes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiline: Option<bool>,
    /// Comma-separated list items (list attributes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_items: Option<String>,
    /// Whether several files may be attached (files attributes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_multiple_values: Option<bool>,
}

impl CreateTicketTypeAttributeRequest {
    /// An attribute with no optional settings.
    pub fn new(
        name: impl Into<String>,
        description: impl Into<String>,
        data_type: TicketAttributeType,
    ) -> Self {
        CreateTicketTypeAttributeRequest {
            name: name.into(),
            description: description.into(),
            data_type,
            required_to_create: None,
            required_to_create_for_contacts: None,
            visible_on_create: None,
            visible_to_contacts: None,
            multiline: None,
            list_items: None,
            allow_multiple_values: None,
        }
    }
}

/// Body of `PUT /ticket_types/{id}/attributes/{attribute_id}` (`update_ticket_type_attribute_request`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateTicketTypeAttributeRequest {
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Required when a teammate creates a ticket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_to_create: Option<bool>,
    /// Required when a contact creates a ticket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_to_create_for_contacts: Option<bool>,
    /// Shown on the creation form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visible_on_create: Option<bool>,
    /// Visible to contacts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visible_to_contacts: Option<bool>,
    /// Multi-line text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiline: Option<bool>,
    /// Comma-separated list items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_items: Option<String>,
    /// Whether several files may be attached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_multiple_values: Option<bool>,
    /// Archive (true) or restore (false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
}

/// Ticket type operations; get one with [`Client::ticket_types`].
#[derive(Debug, Clone, Copy)]
pub struct TicketTypes<'a> {
    client: &'a Client,
}

impl<'a> TicketTypes<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        TicketTypes { client }
    }

    /// `GET /ticket_types`.
    pub async fn list(&self) -> Result<Vec<TicketType>, Error> {
        let list: DataList<TicketType> = self
            .client
            .transport()
            .send(ApiRequest::get(&["ticket_types"]))
            .await?;
        Ok(list.data)
    }

    /// `GET /ticket_types/{id}`.
    pub async fn get(&self, ticket_type_id: &TicketTypeId) -> Result<TicketType, Error> {
        self.client
            .transport()
            .send(ApiRequest::get(&["ticket_types", ticket_type_id.as_str()]))
            .await
    }

    /// `POST /ticket_types`. Each new type gets `_default_title_` and `_default_description_`.
    pub async fn create(&self, request: &CreateTicketTypeRequest) -> Result<TicketType, Error> {
        let request = ApiRequest::post(&["ticket_types"]).json(request)?;
        self.client.transport().send(request).await
    }

    /// `PUT /ticket_types/{id}`.
    pub async fn update(
        &self,
        ticket_type_id: &TicketTypeId,
        request: &UpdateTicketTypeRequest,
    ) -> Result<TicketType, Error> {
        let request = ApiRequest::put(&["ticket_types", ticket_type_id.as_str()]).json(request)?;
        self.client.transport().send(request).await
    }

    /// Archives a ticket type (the API offers no delete).
    pub async fn archive(&self, ticket_type_id: &TicketTypeId) -> Result<TicketType, Error> {
        let request = UpdateTicketTypeRequest {
            archived: Some(true),
            ..UpdateTicketTypeRequest::default()
        };
        self.update(ticket_type_id, &request).await
    }

    /// The attributes of a ticket type (read from `GET /ticket_types/{id}`; there is no separate list call).
    pub async fn list_attributes(
        &self,
        ticket_type_id: &TicketTypeId,
    ) -> Result<Vec<TicketTypeAttribute>, Error> {
        let ticket_type = self.get(ticket_type_id).await?;
        Ok(ticket_type
            .ticket_type_attributes
            .map(|list| list.ticket_type_attributes)
            .unwrap_or_default())
    }

    /// `POST /ticket_types/{id}/attributes`.
    pub async fn create_attribute(
        &self,
        ticket_type_id: &TicketTypeId,
        request: &CreateTicketTypeAttributeRequest,
    ) -> Result<TicketTypeAttribute, Error> {
        let request = ApiRequest::post(&["ticket_types", ticket_type_id.as_str(), "attributes"])
            .json(request)?;
        self.client.transport().send(request).await
    }

    /// `PUT /ticket_types/{id}/attributes/{attribute_id}`.
    pub async fn update_attribute(
        &self,
        ticket_type_id: &TicketTypeId,
        attribute_id: &TicketTypeAttributeId,
        request: &UpdateTicketTypeAttributeRequest,
    ) -> Result<TicketTypeAttribute, Error> {
        let request = ApiRequest::put(&[
            "ticket_types",
            ticket_type_id.as_str(),
            "attributes",
            attribute_id.as_str(),
        ])
        .json(request)?;
        self.client.transport().send(request).await
    }

    /// Archives a ticket type attribute (the API offers no delete).
    pub async fn archive_attribute(
        &self,
        ticket_type_id: &TicketTypeId,
        attribute_id: &TicketTypeAttributeId,
    ) -> Result<TicketTypeAttribute, Error> {
        let request = UpdateTicketTypeAttributeRequest {
            archived: Some(true),
            ..UpdateTicketTypeAttributeRequest::default()
        };
        self.update_attribute(ticket_type_id, attribute_id, &request)
            .await
    }
}
