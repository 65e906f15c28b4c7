//! Conversation attributes, the 2.16 API: `/conversations/attributes`.
//!
//! Versions before 2.16 cannot create conversation attributes at all. `DELETE` archives
//! (a soft delete); values are set per conversation with
//! [`Conversations::update`](crate::conversations::Conversations::update).

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ids::{AdminId, AttributeOptionId, ConversationAttributeId, TeamId};
use crate::pagination::DataList;
use crate::serde_helpers::null_as_default;
use crate::timestamp::Timestamp;
use crate::transport::ApiRequest;
use crate::Client;

open_enum! {
    /// The value type of a conversation attribute.
    pub enum ConversationAttributeType {
        /// Text (optionally multi-line).
        String = "string",
        /// Whole number.
        Integer = "integer",
        /// A list of labelled options.
        List = "list",
        /// Decimal number.
        Decimal = "decimal",
        /// True / false.
        Boolean = "boolean",
        /// Date and time.
        Datetime = "datetime",
        /// A reference to custom objects.
        Relationship = "relationship",
        /// Uploaded files.
        Files = "files",
    }
}

/// The target of a relationship attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeReference {
    /// `one` or `many`.
    #[serde(rename = "type")]
    pub cardinality: String,
    /// The custom object type referenced.
    pub object_type_id: String,
}

/// A new option of a list attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionLabel {
    /// The option's label.
    pub label: String,
}

/// Body of `POST /conversations/attributes` (`create_conversation_attribute_request`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateConversationAttributeRequest {
    /// Name.
    pub name: String,
    /// Value type.
    pub data_type: ConversationAttributeType,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether teammates must fill it in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Teams that can see it (empty: all teams).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visible_to_team_ids: Option<Vec<TeamId>>,
    /// Multi-line text (string attributes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiline: Option<bool>,
    /// Initial options (list attributes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<OptionLabel>>,
    /// Referenced object type (relationship attributes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<AttributeReference>,
}

impl CreateConversationAttributeRequest {
    /// An attribute of the given type with no optional settings.
    pub fn new(name: impl Into<String>, data_type: ConversationAttributeType) -> Self {
        CreateConversationAttributeRequest {
            name: name.into(),
            data_type,
            description: None,
            required: None,
            visible_to_team_ids: None,
            multiline: None,
            options: None,
            reference: None,
        }
    }

    /// A list attribute with these option labels.
    pub fn list<S: Into<String>>(
        name: impl Into<String>,
        labels: impl IntoIterator<Item = S>,
    ) -> Self {
        let options = labels
            .into_iter()
            .map(|label| OptionLabel {
                label: label.into(),
            })
            .collect();
        CreateConversationAttributeRequest {
            options: Some(options),
            ..Self::new(name, ConversationAttributeType::List)
        }
    }

    fn check(&self) -> Result<(), Error> {
        use ConversationAttributeType as T;
        let misplaced = (self.multiline.is_some() && self.data_type != T::String)
            || (self.options.is_some() && self.data_type != T::List)
            || (self.reference.is_some() && self.data_type != T::Relationship);
        if misplaced {
            return Err(Error::InvalidRequest(
                "multiline is for string, options for list and reference for relationship attributes"
                    .into(),
            ));
        }
        if !self.data_type.is_known() {
            return Err(Error::InvalidRequest(format!(
                "unknown conversation attribute type {}",
                self.data_type
            )));
        }
        Ok(())
    }
}

/// Body of `PUT /conversations/attributes/{id}` (`update_conversation_attribute_request`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateConversationAttributeRequest {
    /// New name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Multi-line text (string attributes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiline: Option<bool>,
    /// Whether teammates must fill it in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Teams that can see it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visible_to_team_ids: Option<Vec<TeamId>>,
    /// Referenced object type (relationship attributes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<AttributeReference>,
}

/// A conversation attribute (`conversation_attribute`, all data-type variants in one struct).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConversationAttribute {
    /// Always `conversation_attribute`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Intercom's id (an integer).
    pub id: ConversationAttributeId,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Value type.
    #[serde(default)]
    pub data_type: Option<ConversationAttributeType>,
    /// Whether teammates must fill it in.
    #[serde(default)]
    pub required: Option<bool>,
    /// Teams that can see it (empty: all).
    #[serde(default, deserialize_with = "null_as_default")]
    pub visible_to_team_ids: Vec<TeamId>,
    /// Whether it is archived.
    #[serde(default)]
    pub archived: Option<bool>,
    /// Creation time (Unix seconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// The admin who created it.
    #[serde(default)]
    pub admin_id: Option<AdminId>,
    /// Multi-line text (string attributes).
    #[serde(default)]
    pub multiline: Option<bool>,
    /// Options (list attributes).
    #[serde(default, deserialize_with = "null_as_default")]
    pub options: Vec<ConversationAttributeOption>,
    /// Referenced object type (relationship attributes).
    #[serde(default)]
    pub reference: Option<AttributeReference>,
}

/// An option of a list attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConversationAttributeOption {
    /// The option's UUID (the `option_id` of the option calls).
    pub id: AttributeOptionId,
    /// Label.
    #[serde(default)]
    pub label: Option<String>,
    /// Whether it is archived.
    #[serde(default)]
    pub archived: Option<bool>,
}

/// Conversation attribute operations; get one with [`Client::conversation_attributes`].
#[derive(Debug, Clone, Copy)]
pub struct ConversationAttributes<'a> {
    client: &'a Client,
}

impl<'a> ConversationAttributes<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        ConversationAttributes { client }
    }

    /// `GET /conversations/attributes`.
    pub async fn list(&self, include_archived: bool) -> Result<Vec<ConversationAttribute>, Error> {
        let request = ApiRequest::get(&["conversations", "attributes"])
            .query("include_archived", include_archived);
        let list: DataList<ConversationAttribute> = self.client.transport().send(request).await?;
        Ok(list.data)
    }

    /// `GET /conversations/attributes/{id}`.
    pub async fn get(&self, id: &ConversationAttributeId) -> Result<ConversationAttribute, Error> {
        let request = ApiRequest::get(&["conversations", "attributes", id.as_str()]);
        self.client.transport().send(request).await
    }

    /// `POST /conversations/attributes`.
    pub async fn create(
        &self,
        request: &CreateConversationAttributeRequest,
    ) -> Result<ConversationAttribute, Error> {
        request.check()?;
        let request = ApiRequest::post(&["conversations", "attributes"]).json(request)?;
        self.client.transport().send(request).await
    }

    /// `PUT /conversations/attributes/{id}`.
    pub async fn update(
        &self,
        id: &ConversationAttributeId,
        request: &UpdateConversationAttributeRequest,
    ) -> Result<ConversationAttribute, Error> {
        let request =
            ApiRequest::put(&["conversations", "attributes", id.as_str()]).json(request)?;
        self.client.transport().send(request).await
    }

    /// `DELETE /conversations/attributes/{id}`: archives the attribute.
    pub async fn archive(
        &self,
        id: &ConversationAttributeId,
    ) -> Result<ConversationAttribute, Error> {
        let request = ApiRequest::delete(&["conversations", "attributes", id.as_str()]);
        self.client.transport().send(request).await
    }

    /// `POST /conversations/attributes/{id}/options`: adds an option to a list attribute.
    pub async fn add_option(
        &self,
        id: &ConversationAttributeId,
        label: &str,
    ) -> Result<ConversationAttribute, Error> {
        let request = ApiRequest::post(&["conversations", "attributes", id.as_str(), "options"])
            .json(&OptionLabel {
                label: label.to_owned(),
            })?;
        self.client.transport().send(request).await
    }

    /// `PUT /conversations/attributes/{id}/options/{option_id}`: relabels an option.
    pub async fn update_option(
        &self,
        id: &ConversationAttributeId,
        option_id: &AttributeOptionId,
        label: &str,
    ) -> Result<ConversationAttribute, Error> {
        let request = ApiRequest::put(&[
            "conversations",
            "attributes",
            id.as_str(),
            "options",
            option_id.as_str(),
        ])
        .json(&OptionLabel {
            label: label.to_owned(),
        })?;
        self.client.transport().send(request).await
    }

    /// `DELETE /conversations/attributes/{id}/options/{option_id}`: archives an option.
    pub async fn archive_option(
        &self,
        id: &ConversationAttributeId,
        option_id: &AttributeOptionId,
    ) -> Result<ConversationAttribute, Error> {
        let request = ApiRequest::delete(&[
            "conversations",
            "attributes",
            id.as_str(),
            "options",
            option_id.as_str(),
        ]);
        self.client.transport().send(request).await
    }
}
