//! Every Vivantio action this crate calls, in one table, each marked with how sure we are of it.
//!
//! Vivantio's API is only partly documented in public. The confidence marks follow
//! `shared/research/vivantio-api.md` and `docs/vivantio-wire.md`: when a real tenant shows a path
//! is spelt differently, the fix is a one-line change here. The other inferred wire facts (not
//! paths) live in [`crate::assumptions`].
//!
//! All calls are `POST {platform_url}api/{path}` (C-off), reads included.

use std::fmt;

/// How well a fact about the Vivantio API is established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Confidence {
    /// Confirmed by Vivantio's own public code or documentation (C-off).
    Official,
    /// Confirmed by community code that ran against a real tenant (C-com).
    Community,
    /// Inferred from naming patterns or one weak source (INF); verify on a tenant.
    Inferred,
    /// No public evidence at all (UNK); the project fixed a shape in `docs/vivantio-wire.md`.
    Unknown,
}

impl Confidence {
    /// The short tag used in the research notes (`C-off`, `C-com`, `INF`, `UNK`).
    pub fn tag(self) -> &'static str {
        match self {
            Confidence::Official => "C-off",
            Confidence::Community => "C-com",
            Confidence::Inferred => "INF",
            Confidence::Unknown => "UNK",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// One Vivantio RPC action: its path below `{platform_url}api/` and how sure we are of it.
///
/// The confidence covers the path and the request shape; the response record shapes carry their
/// own marks on the DTO fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// Path below the API root, `Controller/Action`, without a leading slash.
    pub path: &'static str,
    /// How well the path and request shape are established.
    pub confidence: Confidence,
    /// Whether the call only reads: reads are retried after timeouts, writes are not (a timed-out
    /// write may have been applied).
    pub read_only: bool,
}

impl Endpoint {
    const fn read(path: &'static str, confidence: Confidence) -> Self {
        Self {
            path,
            confidence,
            read_only: true,
        }
    }

    const fn write(path: &'static str, confidence: Confidence) -> Self {
        Self {
            path,
            confidence,
            read_only: false,
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path)
    }
}

use Confidence::{Community, Inferred, Official, Unknown};

// ---- Configuration -------------------------------------------------------------------------

/// `Configuration/TicketTypeSelectAll`: every ticket type (record type).
pub const TICKET_TYPE_SELECT_ALL: Endpoint =
    Endpoint::read("Configuration/TicketTypeSelectAll", Official);
/// `Configuration/StatusSelectByRecordTypeId/{recordTypeId}`.
pub const STATUS_SELECT_BY_RECORD_TYPE: Endpoint =
    Endpoint::read("Configuration/StatusSelectByRecordTypeId", Official);
/// `Configuration/PrioritySelectByRecordTypeId/{recordTypeId}`.
pub const PRIORITY_SELECT_BY_RECORD_TYPE: Endpoint =
    Endpoint::read("Configuration/PrioritySelectByRecordTypeId", Official);
/// `Configuration/CategorySelectByRecordTypeId/{recordTypeId}`.
pub const CATEGORY_SELECT_BY_RECORD_TYPE: Endpoint =
    Endpoint::read("Configuration/CategorySelectByRecordTypeId", Community);
/// `Configuration/UserSelectAll`: every agent.
pub const USER_SELECT_ALL: Endpoint = Endpoint::read("Configuration/UserSelectAll", Official);
/// `Configuration/UserSelectById/{id}`.
pub const USER_SELECT_BY_ID: Endpoint = Endpoint::read("Configuration/UserSelectById", Community);
/// `Configuration/UserSelectByGroupId/{groupId}`: the agents of one group.
pub const USER_SELECT_BY_GROUP: Endpoint =
    Endpoint::read("Configuration/UserSelectByGroupId", Community);
/// `Configuration/GroupSelectAll`: agent groups. The name is a guess (UNK).
pub const GROUP_SELECT_ALL: Endpoint = Endpoint::read("Configuration/GroupSelectAll", Unknown);
/// `Configuration/SLAStageTargetSelectByPriority/{priorityId}`.
pub const SLA_STAGE_TARGET_SELECT_BY_PRIORITY: Endpoint =
    Endpoint::read("Configuration/SLAStageTargetSelectByPriority", Community);
/// `Configuration/ExtensionFieldSelectByRecordTypeId/{recordTypeId}`: legacy extension fields (UNK).
pub const EXTENSION_FIELD_SELECT_BY_RECORD_TYPE: Endpoint =
    Endpoint::read("Configuration/ExtensionFieldSelectByRecordTypeId", Unknown);

// ---- Tickets -------------------------------------------------------------------------------

/// `Ticket/Select` with a `{Query}` body.
pub const TICKET_SELECT: Endpoint = Endpoint::read("Ticket/Select", Official);
/// `Ticket/SelectById/{id}`.
pub const TICKET_SELECT_BY_ID: Endpoint = Endpoint::read("Ticket/SelectById", Official);
/// `Ticket/SelectList` with a bare JSON array of ids.
pub const TICKET_SELECT_LIST: Endpoint = Endpoint::read("Ticket/SelectList", Official);
/// `Ticket/SelectChildTicketsByTicketId/{id}`.
pub const TICKET_SELECT_CHILDREN: Endpoint =
    Endpoint::read("Ticket/SelectChildTicketsByTicketId", Official);
/// `Ticket/SelectParentTicketsByTicketId/{id}`.
pub const TICKET_SELECT_PARENTS: Endpoint =
    Endpoint::read("Ticket/SelectParentTicketsByTicketId", Official);
/// `Ticket/ActionSelectByParentId/{ticketId}?includePrivate=&includeAttachments=`.
pub const TICKET_ACTION_SELECT_BY_PARENT: Endpoint =
    Endpoint::read("Ticket/ActionSelectByParentId", Official);
/// `Ticket/SLAStageInstanceSelectByTicket/{id}`.
pub const TICKET_SLA_STAGE_INSTANCES: Endpoint =
    Endpoint::read("Ticket/SLAStageInstanceSelectByTicket", Official);
/// `Ticket/Insert`.
pub const TICKET_INSERT: Endpoint = Endpoint::write("Ticket/Insert", Official);
/// `Ticket/AddNote`.
pub const TICKET_ADD_NOTE: Endpoint = Endpoint::write("Ticket/AddNote", Official);
/// `Ticket/ChangeStatus`.
pub const TICKET_CHANGE_STATUS: Endpoint = Endpoint::write("Ticket/ChangeStatus", Official);

// ---- Clients, callers, locations -----------------------------------------------------------

/// `Client/Select` (organisations).
pub const CLIENT_SELECT: Endpoint = Endpoint::read("Client/Select", Official);
/// `Client/SelectById/{id}`.
pub const CLIENT_SELECT_BY_ID: Endpoint = Endpoint::read("Client/SelectById", Official);
/// `Client/SelectList`.
pub const CLIENT_SELECT_LIST: Endpoint = Endpoint::read("Client/SelectList", Official);
/// `Caller/Select` (end users).
pub const CALLER_SELECT: Endpoint = Endpoint::read("Caller/Select", Community);
/// `Caller/SelectById/{id}`.
pub const CALLER_SELECT_BY_ID: Endpoint = Endpoint::read("Caller/SelectById", Community);
/// `Caller/SelectList`.
pub const CALLER_SELECT_LIST: Endpoint = Endpoint::read("Caller/SelectList", Community);
/// `Location/Select` (by analogy with the other controllers).
pub const LOCATION_SELECT: Endpoint = Endpoint::read("Location/Select", Inferred);
/// `Location/SelectById/{id}` (by analogy).
pub const LOCATION_SELECT_BY_ID: Endpoint = Endpoint::read("Location/SelectById", Inferred);
/// `Location/SelectList` (by analogy).
pub const LOCATION_SELECT_LIST: Endpoint = Endpoint::read("Location/SelectList", Inferred);

// ---- Knowledge base ------------------------------------------------------------------------

/// `Article/Select` (knowledge base).
pub const ARTICLE_SELECT: Endpoint = Endpoint::read("Article/Select", Inferred);
/// `Article/SelectById/{id}`.
pub const ARTICLE_SELECT_BY_ID: Endpoint = Endpoint::read("Article/SelectById", Inferred);
/// `Article/SelectList`.
pub const ARTICLE_SELECT_LIST: Endpoint = Endpoint::read("Article/SelectList", Inferred);

// ---- Custom forms (Entity/*) ---------------------------------------------------------------

/// `Entity/CustomEntityDefinitionSelectByRecordTypeId` with `{Id: recordTypeId}`.
pub const CUSTOM_FORM_DEFINITIONS_BY_RECORD_TYPE: Endpoint = Endpoint::read(
    "Entity/CustomEntityDefinitionSelectByRecordTypeId",
    Official,
);
/// `Entity/CustomEntityDefinitionSelectById/{id}`.
pub const CUSTOM_FORM_DEFINITION_BY_ID: Endpoint =
    Endpoint::read("Entity/CustomEntityDefinitionSelectById", Official);
/// `Entity/CustomEntityFieldDefinitionSelectById/{id}`.
pub const CUSTOM_FIELD_DEFINITION_BY_ID: Endpoint =
    Endpoint::read("Entity/CustomEntityFieldDefinitionSelectById", Official);
/// `Entity/SelectEntityTypeIdsByParentItem` with `{ParentId, SystemArea}`.
pub const CUSTOM_FORM_TYPE_IDS_BY_PARENT: Endpoint =
    Endpoint::read("Entity/SelectEntityTypeIdsByParentItem", Official);
/// `Entity/CustomEntitySelectByTypeIdAndParent` with `{TypeId, ParentId, SystemArea}`.
pub const CUSTOM_FORM_INSTANCES_BY_PARENT: Endpoint =
    Endpoint::read("Entity/CustomEntitySelectByTypeIdAndParent", Official);
/// `Entity/CustomEntitySelectById/{id}`.
pub const CUSTOM_FORM_INSTANCE_BY_ID: Endpoint =
    Endpoint::read("Entity/CustomEntitySelectById", Official);
/// `Entity/CustomEntitySimplifiedSelectByTypeIdAndParent` with `{TypeId, ParentId, SystemArea}`.
pub const CUSTOM_FORM_SIMPLIFIED_BY_PARENT: Endpoint = Endpoint::read(
    "Entity/CustomEntitySimplifiedSelectByTypeIdAndParent",
    Official,
);

// ---- Attachments ---------------------------------------------------------------------------

/// `File/AttachmentSelectByParent?parentId=&parentArea=`.
pub const ATTACHMENT_SELECT_BY_PARENT: Endpoint =
    Endpoint::read("File/AttachmentSelectByParent", Community);
/// `File/AttachmentDownload` with `{AttachmentGuid}`.
pub const ATTACHMENT_DOWNLOAD: Endpoint = Endpoint::read("File/AttachmentDownload", Community);

/// Every endpoint above, for coverage reports and tests.
pub const ALL: &[Endpoint] = &[
    TICKET_TYPE_SELECT_ALL,
    STATUS_SELECT_BY_RECORD_TYPE,
    PRIORITY_SELECT_BY_RECORD_TYPE,
    CATEGORY_SELECT_BY_RECORD_TYPE,
    USER_SELECT_ALL,
    USER_SELECT_BY_ID,
    USER_SELECT_BY_GROUP,
    GROUP_SELECT_ALL,
    SLA_STAGE_TARGET_SELECT_BY_PRIORITY,
    EXTENSION_FIELD_SELECT_BY_RECORD_TYPE,
    TICKET_SELECT,
    TICKET_SELECT_BY_ID,
    TICKET_SELECT_LIST,
    TICKET_SELECT_CHILDREN,
    TICKET_SELECT_PARENTS,
    TICKET_ACTION_SELECT_BY_PARENT,
    TICKET_SLA_STAGE_INSTANCES,
    TICKET_INSERT,
    TICKET_ADD_NOTE,
    TICKET_CHANGE_STATUS,
    CLIENT_SELECT,
    CLIENT_SELECT_BY_ID,
    CLIENT_SELECT_LIST,
    CALLER_SELECT,
    CALLER_SELECT_BY_ID,
    CALLER_SELECT_LIST,
    LOCATION_SELECT,
    LOCATION_SELECT_BY_ID,
    LOCATION_SELECT_LIST,
    ARTICLE_SELECT,
    ARTICLE_SELECT_BY_ID,
    ARTICLE_SELECT_LIST,
    CUSTOM_FORM_DEFINITIONS_BY_RECORD_TYPE,
    CUSTOM_FORM_DEFINITION_BY_ID,
    CUSTOM_FIELD_DEFINITION_BY_ID,
    CUSTOM_FORM_TYPE_IDS_BY_PARENT,
    CUSTOM_FORM_INSTANCES_BY_PARENT,
    CUSTOM_FORM_INSTANCE_BY_ID,
    CUSTOM_FORM_SIMPLIFIED_BY_PARENT,
    ATTACHMENT_SELECT_BY_PARENT,
    ATTACHMENT_DOWNLOAD,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_controller_action_pairs() {
        for endpoint in ALL {
            assert!(!endpoint.path.starts_with('/'), "{endpoint}");
            assert_eq!(endpoint.path.split('/').count(), 2, "{endpoint}");
        }
    }

    #[test]
    fn only_the_three_ticket_writes_are_writes() {
        let writes: Vec<_> = ALL
            .iter()
            .filter(|e| !e.read_only)
            .map(|e| e.path)
            .collect();
        assert_eq!(
            writes,
            ["Ticket/Insert", "Ticket/AddNote", "Ticket/ChangeStatus"]
        );
    }
}
