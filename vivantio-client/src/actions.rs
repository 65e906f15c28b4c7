//! The history of a ticket (`Ticket/ActionSelectByParentId`): status changes, public replies,
//! private notes, and their attachments.
//!
//! Confirmed fields (C-off/C-com): `Id`, `ActionDate`, `ActionUserName`, `ActionUserEmail`,
//! `Description`, `Notes`. Everything else is INF (`docs/vivantio-wire.md`) — in particular
//! `Private`, which decides whether a note becomes a public reply or an internal note.

use serde::{Deserialize, Serialize};

use crate::attachments::Attachment;
use crate::dates::VivantioDate;
use crate::de::null_as_default;
use crate::ids::{ActionId, StatusId, TicketId, UserId};

/// One entry of a ticket's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct TicketAction {
    /// Action id.
    pub id: ActionId,
    /// The ticket (INF).
    pub parent_id: Option<TicketId>,
    /// When it happened.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub action_date: Option<VivantioDate>,
    /// Agent who did it (INF).
    pub action_user_id: Option<UserId>,
    /// Name of who did it.
    pub action_user_name: Option<String>,
    /// Email of who did it.
    pub action_user_email: Option<String>,
    /// Kind of action (code or name; values UNK, kept as sent) (INF).
    #[serde(default)]
    pub action_type: serde_json::Value,
    /// What happened ("Note Added", "Status Changed", …).
    pub description: Option<String>,
    /// Note text; `None` for actions without a note.
    pub notes: Option<String>,
    /// Note as HTML (INF).
    pub notes_html: Option<String>,
    /// Whether the note is private to agents (UNK; elsewhere the API spells it `IsPrivate` or
    /// `MarkPrivate`, read as well).
    #[serde(alias = "IsPrivate", alias = "MarkPrivate")]
    pub private: Option<bool>,
    /// Time spent, in minutes (INF).
    pub effort: Option<f64>,
    /// Status the ticket moved to, for status changes (INF).
    pub status_id: Option<StatusId>,
    /// Attachments, when asked for (INF).
    #[serde(default, deserialize_with = "null_as_default")]
    pub attachments: Vec<Attachment>,
}

impl TicketAction {
    /// Whether this action carries a note (text or HTML).
    pub fn has_note(&self) -> bool {
        let present = |text: &Option<String>| text.as_deref().is_some_and(|t| !t.trim().is_empty());
        present(&self.notes) || present(&self.notes_html)
    }

    /// Whether the note is private; an action that does not say is treated as private, so that
    /// nothing internal is published by mistake.
    pub fn is_private(&self) -> bool {
        self.private.unwrap_or(true)
    }
}

/// What `Ticket/ActionSelectByParentId` includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionOptions {
    /// Include private notes (`includePrivate`).
    pub include_private: bool,
    /// Include attachment lists (`includeAttachments`).
    pub include_attachments: bool,
}

impl Default for ActionOptions {
    /// Everything: a migration needs private notes and attachments.
    fn default() -> Self {
        Self {
            include_private: true,
            include_attachments: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privacy_is_read_under_every_known_spelling() {
        for spelling in ["Private", "IsPrivate", "MarkPrivate"] {
            let text = format!(r#"{{"Id": 1, "{spelling}": false}}"#);
            let action: TicketAction = serde_json::from_str(&text).unwrap();
            assert!(!action.is_private(), "{spelling}");
        }
    }

    #[test]
    fn privacy_defaults_to_private() {
        let action: TicketAction =
            serde_json::from_str(r#"{"Id": 1, "Notes": " ", "NotesHtml": "<p>x</p>"}"#).unwrap();
        assert!(action.is_private());
        assert!(action.has_note());
        let public: TicketAction =
            serde_json::from_str(r#"{"Id": 2, "Private": false, "Attachments": null}"#).unwrap();
        assert!(!public.is_private());
        assert!(!public.has_note());
    }
}
