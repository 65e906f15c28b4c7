//! Vivantio configuration: ticket types, statuses, priorities, categories, agents and groups.

use serde::{Deserialize, Serialize};

/// A ticket type (Vivantio "record type"), e.g. Incident or Service Request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketType {
    /// Record type id.
    pub id: i64,
    /// Singular name ("Incident").
    pub name: String,
    /// Plural name ("Incidents").
    #[serde(default)]
    pub name_plural: String,
    /// Whether new tickets of this type can be raised.
    #[serde(default = "enabled")]
    pub enabled: bool,
}

/// What a status means, whatever it is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusKind {
    /// Work can happen (StatusType 1).
    Open,
    /// Parked (StatusType 2).
    OnHold,
    /// Finished (StatusType 4).
    Closed,
    /// Waiting on someone (StatusType 5).
    Pending,
    /// Deleted (StatusType 99).
    Deleted,
}

impl StatusKind {
    /// The kind for a Vivantio `StatusType` code or name; `None` for an unknown one.
    pub fn from_wire(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "1" | "open" => Some(Self::Open),
            "2" | "onhold" | "on_hold" | "on hold" => Some(Self::OnHold),
            "4" | "closed" => Some(Self::Closed),
            "5" | "pending" => Some(Self::Pending),
            "99" | "deleted" => Some(Self::Deleted),
            _ => None,
        }
    }
}

/// A ticket status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// Status id.
    pub id: i64,
    /// Display name ("Awaiting customer").
    pub name: String,
    /// What the status means.
    pub kind: StatusKind,
    /// Ticket type the status belongs to, when statuses are per type.
    #[serde(default)]
    pub record_type_id: Option<i64>,
    /// Whether the status is still offered.
    #[serde(default = "enabled")]
    pub enabled: bool,
}

/// A ticket priority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Priority {
    /// Priority id.
    pub id: i64,
    /// Display name ("P1 - Critical").
    pub name: String,
    /// Ticket type the priority belongs to.
    #[serde(default)]
    pub record_type_id: Option<i64>,
    /// Rank (lower is more urgent), when Vivantio gives one.
    #[serde(default)]
    pub order: Option<i32>,
}

/// A category; ticket categories and knowledge-base categories (record type 10) share the shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    /// Category id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Parent category, for nested categories.
    #[serde(default)]
    pub parent_id: Option<i64>,
    /// Record type (ticket type id, or 10 for knowledge base).
    pub record_type_id: i64,
    /// Whether the category is still offered.
    #[serde(default = "enabled")]
    pub enabled: bool,
}

/// Vivantio's record type id for knowledge-base articles and their categories.
pub const KNOWLEDGE_BASE_RECORD_TYPE: i64 = 10;
/// Vivantio's record type id for callers (custom forms on callers use it).
pub const CALLER_RECORD_TYPE: i64 = 7;
/// Vivantio's record type id for clients (custom forms on organisations use it).
pub const CLIENT_RECORD_TYPE: i64 = 6;

/// An agent (Vivantio "user").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agent {
    /// User id.
    pub id: i64,
    /// First name.
    #[serde(default)]
    pub first_name: String,
    /// Last name.
    #[serde(default)]
    pub last_name: String,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the account is active.
    #[serde(default = "enabled")]
    pub enabled: bool,
}

impl Agent {
    /// "First Last", trimmed.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }
}

/// An agent group (becomes an Intercom team, matched by name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Group id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the group is active.
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// Members.
    #[serde(default)]
    pub agent_ids: Vec<i64>,
}

/// An SLA stage target for one priority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlaTarget {
    /// Target id.
    pub id: i64,
    /// Priority it applies to.
    pub priority_id: i64,
    /// Stage ("Response", "Resolution").
    pub stage_name: String,
    /// Minutes allowed.
    pub target_minutes: i64,
    /// Whether only business hours count.
    #[serde(default)]
    pub business_hours_only: bool,
}

/// A ticket origin (`CallOrigin`), whose codes are tenant-specific.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Origin {
    /// The code tickets carry.
    pub id: i64,
    /// A readable name, when known ("Email").
    #[serde(default)]
    pub name: Option<String>,
}

impl Origin {
    /// The name Vivantio gives one of its built-in `CallOrigin` codes (1 Phone, 2 E-mail,
    /// 3 Self-service portal, 4 Walk-in, 5 Created by an agent), as the tool's model of
    /// Vivantio has them (`fixtures/README.md`). The API serves the code only and the API
    /// research lists its values as unconfirmed, so a proposal using one says so.
    pub fn standard_name(code: i64) -> Option<&'static str> {
        match code {
            1 => Some("Phone"),
            2 => Some("E-mail"),
            3 => Some("Self-service portal"),
            4 => Some("Walk-in"),
            5 => Some("Created by an agent"),
            _ => None,
        }
    }
}

fn enabled() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_kinds_read_from_codes_and_names() {
        let cases = [
            ("1", Some(StatusKind::Open)),
            ("Open", Some(StatusKind::Open)),
            ("2", Some(StatusKind::OnHold)),
            ("OnHold", Some(StatusKind::OnHold)),
            ("4", Some(StatusKind::Closed)),
            (" closed ", Some(StatusKind::Closed)),
            ("5", Some(StatusKind::Pending)),
            ("99", Some(StatusKind::Deleted)),
            ("3", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(StatusKind::from_wire(text), expected, "{text:?}");
        }
    }

    #[test]
    fn agent_names_are_trimmed() {
        let agent = Agent {
            id: 1,
            first_name: "Ada".into(),
            last_name: String::new(),
            email: None,
            enabled: true,
        };
        assert_eq!(agent.display_name(), "Ada");
    }
}
