//! Configuration: ticket types, statuses, priorities, categories, agents, groups, SLA stage
//! targets and legacy extension field definitions.
//!
//! Field confidence: marked per field where it goes beyond the vendor's DTOs (see
//! `docs/vivantio-wire.md`); unmarked fields are C-off.

use serde::{Deserialize, Serialize};

use crate::assumptions::KNOWLEDGE_BASE_RECORD_TYPE_ID;
use crate::endpoints as ep;
use crate::enums::{FieldType, StatusType};
use crate::error::Error;
use crate::ids::{
    CategoryId, ExtensionFieldId, GroupId, PriorityId, RecordTypeId, SlaStageTargetId, StatusId,
    UserId,
};
use crate::transport::Request;
use crate::Client;

/// A ticket type (Vivantio "record type"); its `id` is the `RecordTypeId` of its tickets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct TicketType {
    /// Record type id.
    pub id: RecordTypeId,
    /// Singular name ("Incident").
    pub name_singular: Option<String>,
    /// Plural name ("Incidents").
    pub name_plural: Option<String>,
    /// Whether new tickets can use it.
    pub enabled: Option<bool>,
}

/// A ticket status of one record type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Status {
    /// Status id.
    pub id: StatusId,
    /// Display name.
    pub name: Option<String>,
    /// Lifecycle class (open, closed, …), sent as a name or a code.
    #[serde(rename = "Type")]
    pub status_type: Option<StatusType>,
    /// Record type it belongs to (INF).
    pub record_type_id: Option<RecordTypeId>,
    /// Whether it can be chosen (INF).
    pub enabled: Option<bool>,
}

/// A ticket priority of one record type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Priority {
    /// Priority id.
    pub id: PriorityId,
    /// Display name.
    pub name: Option<String>,
    /// Record type it belongs to (INF).
    pub record_type_id: Option<RecordTypeId>,
    /// Sort order (INF).
    pub order: Option<i64>,
}

/// A category (a tree node) of one record type; whole shape INF.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Category {
    /// Category id.
    pub id: CategoryId,
    /// Display name.
    pub name: Option<String>,
    /// Parent category, `None` at the root.
    pub parent_id: Option<CategoryId>,
    /// Record type it belongs to (knowledge-base categories use record type 10).
    pub record_type_id: Option<RecordTypeId>,
    /// Whether it can be chosen.
    pub enabled: Option<bool>,
}

/// An agent (Vivantio "user" or technician).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct User {
    /// User id.
    pub id: UserId,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Email address.
    pub email_address: Option<String>,
    /// Whether the account is active (INF).
    pub enabled: Option<bool>,
}

impl User {
    /// "First Last", skipping missing parts.
    pub fn full_name(&self) -> String {
        [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|part| !part.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// An agent group (team); endpoint and shape UNK.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Group {
    /// Group id (tickets carry it as `GroupId`).
    pub id: GroupId,
    /// Display name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Whether it is active.
    pub enabled: Option<bool>,
}

impl Group {
    /// A group with a name and nothing else known (e.g. one named by tickets only).
    pub fn new(id: GroupId, name: Option<String>) -> Self {
        Group {
            id,
            name,
            description: None,
            enabled: None,
        }
    }
}

/// An SLA stage target of one priority; shape INF.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SlaStageTarget {
    /// Target id.
    pub id: SlaStageTargetId,
    /// Priority it belongs to.
    pub priority_id: Option<PriorityId>,
    /// Stage name ("Response", "Resolution", …).
    pub stage_name: Option<String>,
    /// Target duration in minutes.
    pub target_minutes: Option<i64>,
    /// Whether the clock runs in business hours only.
    pub business_hours_only: Option<bool>,
}

/// A legacy extension field definition of one record type; endpoint and shape UNK.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ExtensionFieldDefinition {
    /// Field id (tickets carry values as `ExtensionFields[].FieldId`).
    pub id: ExtensionFieldId,
    /// Internal name.
    pub name: Option<String>,
    /// Label shown to agents.
    pub label: Option<String>,
    /// Data type.
    pub field_type: Option<FieldType>,
    /// Record type it belongs to.
    pub record_type_id: Option<RecordTypeId>,
}

impl ExtensionFieldDefinition {
    /// A legacy field known by its id, name and record type only (e.g. from ticket values).
    pub fn new(
        id: ExtensionFieldId,
        name: Option<String>,
        record_type_id: Option<RecordTypeId>,
    ) -> Self {
        ExtensionFieldDefinition {
            id,
            name,
            label: None,
            field_type: None,
            record_type_id,
        }
    }
}

/// The `Configuration/*` actions; get one from [`Client::configuration`].
#[derive(Debug, Clone, Copy)]
pub struct ConfigurationApi<'a> {
    client: &'a Client,
}

impl<'a> ConfigurationApi<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Every ticket type (`Configuration/TicketTypeSelectAll`).
    pub async fn ticket_types(&self) -> Result<Vec<TicketType>, Error> {
        self.client
            .results(ep::TICKET_TYPE_SELECT_ALL, Request::empty())
            .await
    }

    /// The statuses of a record type.
    pub async fn statuses(&self, record_type_id: RecordTypeId) -> Result<Vec<Status>, Error> {
        self.by_id(ep::STATUS_SELECT_BY_RECORD_TYPE, record_type_id)
            .await
    }

    /// The priorities of a record type.
    pub async fn priorities(&self, record_type_id: RecordTypeId) -> Result<Vec<Priority>, Error> {
        self.by_id(ep::PRIORITY_SELECT_BY_RECORD_TYPE, record_type_id)
            .await
    }

    /// The categories of a record type (a flat list; rebuild the tree from `parent_id`).
    pub async fn categories(&self, record_type_id: RecordTypeId) -> Result<Vec<Category>, Error> {
        self.by_id(ep::CATEGORY_SELECT_BY_RECORD_TYPE, record_type_id)
            .await
    }

    /// The knowledge-base categories (record type 10, see
    /// [`KNOWLEDGE_BASE_RECORD_TYPE_ID`]).
    pub async fn knowledge_base_categories(&self) -> Result<Vec<Category>, Error> {
        self.categories(KNOWLEDGE_BASE_RECORD_TYPE_ID).await
    }

    /// Every agent.
    pub async fn users(&self) -> Result<Vec<User>, Error> {
        self.client
            .results(ep::USER_SELECT_ALL, Request::empty())
            .await
    }

    /// One agent; `None` if there is no such agent.
    pub async fn user(&self, user_id: UserId) -> Result<Option<User>, Error> {
        self.client
            .item(ep::USER_SELECT_BY_ID, Request::with_id(user_id.get()))
            .await
    }

    /// Every agent group (endpoint name UNK).
    pub async fn groups(&self) -> Result<Vec<Group>, Error> {
        self.client
            .results(ep::GROUP_SELECT_ALL, Request::empty())
            .await
    }

    /// The agents of a group.
    pub async fn users_in_group(&self, group_id: GroupId) -> Result<Vec<User>, Error> {
        self.by_id(ep::USER_SELECT_BY_GROUP, group_id).await
    }

    /// The SLA stage targets of a priority.
    pub async fn sla_stage_targets(
        &self,
        priority_id: PriorityId,
    ) -> Result<Vec<SlaStageTarget>, Error> {
        self.by_id(ep::SLA_STAGE_TARGET_SELECT_BY_PRIORITY, priority_id)
            .await
    }

    /// The legacy extension field definitions of a record type (endpoint UNK).
    pub async fn extension_fields(
        &self,
        record_type_id: RecordTypeId,
    ) -> Result<Vec<ExtensionFieldDefinition>, Error> {
        self.by_id(ep::EXTENSION_FIELD_SELECT_BY_RECORD_TYPE, record_type_id)
            .await
    }

    async fn by_id<T: serde::de::DeserializeOwned>(
        &self,
        endpoint: ep::Endpoint,
        id: impl Into<i64>,
    ) -> Result<Vec<T>, Error> {
        self.client
            .results(endpoint, Request::with_id(id.into()))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_name_skips_missing_parts() {
        let user = User {
            id: UserId::new(1),
            first_name: Some("Ada".into()),
            last_name: None,
            email_address: None,
            enabled: None,
        };
        assert_eq!(user.full_name(), "Ada");
    }
}
