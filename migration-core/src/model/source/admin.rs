//! Configuration that no Vivantio API offers, read from the admin inventory file
//! (`inventory.json`: one list per kind, filled from the Vivantio admin screens). The types
//! deserialise that file as it is.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Everything the admin inventory file lists, one list per kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdminInventory {
    /// Workflows.
    pub workflows: Vec<AdminRule>,
    /// Business rules.
    pub business_rules: Vec<AdminRule>,
    /// Saved reports.
    #[serde(alias = "reports")]
    pub saved_reports: Vec<SavedReport>,
    /// SLA policies.
    pub sla_policies: Vec<SlaPolicy>,
    /// Self-service portal settings.
    pub portal_settings: Vec<PortalSetting>,
}

/// What starts a rule: an event and its details (`{"event": "Schedule", "cron": "0 8 * * 1"}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trigger {
    /// Event name ("TicketLogged").
    pub event: String,
    /// Anything else the trigger says.
    #[serde(flatten)]
    pub details: BTreeMap<String, Value>,
}

/// One condition: `field op value`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// Field ("ClientName").
    pub field: String,
    /// Operator ("Contains").
    pub op: String,
    /// Value.
    #[serde(default)]
    pub value: Value,
}

/// One action: a type and its parameters (`{"type": "AssignGroup", "group": "Service Desk"}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleAction {
    /// Action type ("AssignGroup").
    #[serde(rename = "type")]
    pub kind: String,
    /// Its parameters.
    #[serde(flatten)]
    pub parameters: BTreeMap<String, Value>,
}

/// A workflow or business rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminRule {
    /// Id in the inventory ("WF-1").
    pub id: String,
    /// Name.
    pub name: String,
    /// What it is for.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether it is active.
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// Ticket types it applies to.
    #[serde(default)]
    pub record_types: Vec<String>,
    /// What starts it.
    #[serde(default)]
    pub trigger: Option<Trigger>,
    /// Conditions.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// Actions.
    #[serde(default)]
    pub actions: Vec<RuleAction>,
}

/// A saved report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedReport {
    /// Id in the inventory.
    pub id: String,
    /// Name.
    pub name: String,
    /// Owner.
    #[serde(default)]
    pub owner: Option<String>,
    /// Schedule or other trigger.
    #[serde(default)]
    pub trigger: Option<Trigger>,
    /// Filters.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// Delivery actions.
    #[serde(default)]
    pub actions: Vec<RuleAction>,
    /// Columns.
    #[serde(default)]
    pub columns: Vec<String>,
    /// Grouping.
    #[serde(default)]
    pub group_by: Option<String>,
    /// Chart kind.
    #[serde(default)]
    pub chart: Option<String>,
}

/// An SLA policy with its business hours, pause rules and targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlaPolicy {
    /// Id in the inventory.
    pub id: String,
    /// Name.
    pub name: String,
    /// Whether it is active.
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// Ticket types it applies to.
    #[serde(default)]
    pub record_types: Vec<String>,
    /// What starts the clock.
    #[serde(default)]
    pub trigger: Option<Trigger>,
    /// Conditions.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// Actions (warnings, escalations).
    #[serde(default)]
    pub actions: Vec<RuleAction>,
    /// Business hours, if the clock only runs during them.
    #[serde(default)]
    pub business_hours: Option<BusinessHours>,
    /// When the clock stops.
    #[serde(default)]
    pub pause_rules: Vec<PauseRule>,
    /// Targets per priority and stage.
    #[serde(default)]
    pub targets: Vec<SlaPolicyTarget>,
}

/// Working hours used by SLA clocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusinessHours {
    /// IANA time zone.
    pub time_zone: String,
    /// Opening hours per day.
    #[serde(default)]
    pub days: Vec<OpeningHours>,
    /// Holidays excluded (dates).
    #[serde(default)]
    pub holidays: Vec<String>,
}

/// Opening hours of one weekday.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpeningHours {
    /// Weekday ("Monday").
    pub day: String,
    /// Opening time ("08:00").
    pub start: String,
    /// Closing time ("18:00").
    pub end: String,
}

/// When an SLA clock pauses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PauseRule {
    /// The condition.
    pub when: Condition,
    /// Stages it pauses.
    #[serde(default)]
    pub stages: Vec<String>,
}

/// One target of an SLA policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlaPolicyTarget {
    /// Priority name.
    pub priority: String,
    /// Stage ("Resolution").
    pub stage: String,
    /// Minutes allowed.
    pub minutes: i64,
    /// Whether only business hours count.
    #[serde(default)]
    pub business_hours_only: bool,
}

/// One self-service portal setting group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortalSetting {
    /// Id in the inventory.
    pub id: String,
    /// Name.
    pub name: String,
    /// Whether it is active.
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// What it reacts to.
    #[serde(default)]
    pub trigger: Option<Trigger>,
    /// Conditions.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// What it does.
    #[serde(default)]
    pub actions: Vec<RuleAction>,
    /// The settings, as configured.
    #[serde(default)]
    pub settings: BTreeMap<String, Value>,
}

fn enabled() -> bool {
    true
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.event)?;
        for (key, value) in &self.details {
            write!(f, " {key}={}", value_text(value))?;
        }
        Ok(())
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.field, self.op, value_text(&self.value))
    }
}

impl fmt::Display for RuleAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.kind)?;
        let parameters: Vec<String> = self
            .parameters
            .iter()
            .map(|(key, value)| format!("{key}: {}", value_text(value)))
            .collect();
        if !parameters.is_empty() {
            write!(f, " ({})", parameters.join("; "))?;
        }
        Ok(())
    }
}

impl fmt::Display for PauseRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pause {} while {}", self.stages.join(" and "), self.when)
    }
}

impl fmt::Display for OpeningHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}-{}", self.day, self.start, self.end)
    }
}
