//! The discovered configuration of a Vivantio instance: what the proposer and checker read.

use serde::{Deserialize, Serialize};

use super::config::{Agent, Category, Group, Origin, Priority, SlaTarget, Status, TicketType};
use super::custom::{CustomForm, FieldDefinition, LegacyField};

/// Everything about a Vivantio instance except its records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceSchema {
    /// Ticket types.
    pub ticket_types: Vec<TicketType>,
    /// Statuses.
    pub statuses: Vec<Status>,
    /// Priorities.
    pub priorities: Vec<Priority>,
    /// Categories of every record type (knowledge base is record type 10).
    pub categories: Vec<Category>,
    /// Agents.
    pub agents: Vec<Agent>,
    /// Groups.
    pub groups: Vec<Group>,
    /// SLA stage targets.
    pub sla_targets: Vec<SlaTarget>,
    /// Ticket origin codes.
    pub origins: Vec<Origin>,
    /// Custom form definitions.
    pub custom_forms: Vec<CustomForm>,
    /// Legacy extension field definitions.
    pub legacy_fields: Vec<LegacyField>,
}

impl SourceSchema {
    /// Every custom field with the form it belongs to.
    pub fn custom_fields(&self) -> impl Iterator<Item = (&CustomForm, &FieldDefinition)> {
        self.custom_forms
            .iter()
            .flat_map(|form| form.fields.iter().map(move |field| (form, field)))
    }

    /// The distinct SLA stage names, sorted.
    pub fn sla_stage_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .sla_targets
            .iter()
            .map(|target| target.stage_name.trim().to_string())
            .filter(|name| !name.is_empty())
            .collect();
        names.sort();
        names.dedup();
        names
    }
}
