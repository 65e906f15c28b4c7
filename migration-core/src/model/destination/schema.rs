//! What a destination workspace already has, as the proposer and checker need it.

use serde::{Deserialize, Serialize};

use super::attributes::{AttributeModel, AttributeType};

/// An attribute that already exists in the workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExistingAttribute {
    /// Object it belongs to.
    pub model: AttributeModel,
    /// Name.
    pub name: String,
    /// Type.
    pub data_type: AttributeType,
    /// Choices, for list attributes.
    #[serde(default)]
    pub options: Vec<String>,
    /// For ticket attributes: the ticket type's name.
    #[serde(default)]
    pub ticket_type: Option<String>,
    /// Whether it is archived.
    #[serde(default)]
    pub archived: bool,
}

/// An Intercom admin (teammate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Admin {
    /// Admin id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
}

/// An Intercom team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Team {
    /// Team id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// An Intercom ticket type that already exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExistingTicketType {
    /// Ticket type id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// What the destination workspace has before the migration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DestinationSchema {
    /// Attributes of every model.
    pub attributes: Vec<ExistingAttribute>,
    /// Admins.
    pub admins: Vec<Admin>,
    /// Teams.
    pub teams: Vec<Team>,
    /// Ticket types.
    pub ticket_types: Vec<ExistingTicketType>,
    /// Tag names.
    pub tags: Vec<String>,
}

impl DestinationSchema {
    /// The non-archived attribute with this name on this model (names compare exactly, as
    /// Intercom does), if any.
    pub fn attribute(&self, model: AttributeModel, name: &str) -> Option<&ExistingAttribute> {
        self.attributes.iter().find(|attribute| {
            !attribute.archived && attribute.model == model && attribute.name == name
        })
    }
}
