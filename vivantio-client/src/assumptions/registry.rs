//! The registry: one entry per fact about the Vivantio API that the client relies on, with the
//! public evidence for it and what the tool does when a tenant proves it wrong.
//!
//! `docs/vivantio-wire.md` shows this table (a test keeps the two equal), and the migration
//! tests break every entry in the simulator to prove its `if_wrong` holds.

use crate::endpoints::{self as ep, Confidence, Endpoint};

use Confidence::{Community, Inferred, Official, Unknown};

/// What an assumption is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// That an action exists on every tenant.
    Endpoint(Endpoint),
    /// A field of the records an action answers, checked on every answer (see
    /// [`crate::census`]).
    Field {
        /// The action whose records hold it.
        endpoint: Endpoint,
        /// Where it sits: names joined by `.`, `[]` after a name stepping into each element of a
        /// list, alternatives joined by `|` (the first is the spelling this project writes).
        path: &'static str,
        /// What a present, non-null value must look like.
        kind: ValueKind,
    },
    /// Anything else: paging, hosts, wording, dates.
    Behaviour,
}

/// The JSON shape a field's value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// `true`/`false`.
    Bool,
    /// A whole number (or a string of digits: .NET ids sometimes arrive quoted).
    Integer,
    /// Any number.
    Number,
    /// Text.
    Text,
    /// A list.
    List,
    /// Anything (the value is kept as sent).
    Any,
    /// A name or code of [`crate::StatusType`].
    StatusType,
    /// A name or code of [`crate::FieldType`].
    FieldType,
}

/// What the tool does when a tenant proves an assumption wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IfWrong {
    /// Another spelling is read as well; nothing changes but the discovery report, which names
    /// the spelling the tenant uses.
    Alias,
    /// The same facts are read another way, named in the discovery report.
    Fallback,
    /// A warning finding; the migration goes on with the documented default.
    Degrades,
    /// A blocking finding: `migrate` refuses until the finding is acknowledged in
    /// `mapping.toml` (`[wire] acknowledged = ["id"]`).
    Blocks,
    /// Reading stops before anything is written, with an error naming the assumption.
    Stops,
}

impl IfWrong {
    /// The word the docs use.
    pub fn as_str(self) -> &'static str {
        match self {
            IfWrong::Alias => "alias",
            IfWrong::Fallback => "fallback",
            IfWrong::Degrades => "degrades",
            IfWrong::Blocks => "blocks",
            IfWrong::Stops => "stops",
        }
    }
}

/// The part of a migration an assumption feeds; a blocking finding blocks only a mapping that
/// moves that part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// Reading the tenant at all.
    Everything,
    /// Ticket types, statuses, priorities, categories, agents, groups, SLA targets.
    Configuration,
    /// Tickets and their history.
    Tickets,
    /// Attachments of tickets.
    Attachments,
    /// Custom form values.
    CustomFields,
    /// Callers and organisations.
    People,
    /// The knowledge base.
    Articles,
}

impl Area {
    /// The word the docs use.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Everything => "everything",
            Area::Configuration => "configuration",
            Area::Tickets => "tickets",
            Area::Attachments => "attachments",
            Area::CustomFields => "custom fields",
            Area::People => "people",
            Area::Articles => "articles",
        }
    }
}

/// One fact the client relies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assumption {
    /// Stable id (`action.private`), used in findings and in `mapping.toml` acknowledgements.
    pub id: &'static str,
    /// What it is about.
    pub subject: Subject,
    /// What is assumed, in a sentence.
    pub assumed: &'static str,
    /// How well it is established.
    pub confidence: Confidence,
    /// The public code that confirms it (tags of `shared/research/vivantio-evidence.md`), or
    /// why nothing does.
    pub sources: &'static str,
    /// What the tool does when it is wrong.
    pub if_wrong: IfWrong,
    /// What would go wrong, silently, without the check.
    pub consequence: &'static str,
    /// The part of the migration it feeds.
    pub area: Area,
}

impl Assumption {
    /// The action it concerns, if any.
    pub fn endpoint(&self) -> Option<Endpoint> {
        match self.subject {
            Subject::Endpoint(endpoint) | Subject::Field { endpoint, .. } => Some(endpoint),
            Subject::Behaviour => None,
        }
    }

    /// The field path, for field assumptions.
    pub fn field_path(&self) -> Option<&'static str> {
        match self.subject {
            Subject::Field { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The field's spellings (the last segment's alternatives), for field assumptions.
    pub fn spellings(&self) -> Vec<&'static str> {
        self.field_path()
            .and_then(|path| path.rsplit('.').next())
            .map(|last| last.trim_end_matches("[]").split('|').collect())
            .unwrap_or_default()
    }
}

/// The registry entry with this id.
pub fn find(id: &str) -> Option<&'static Assumption> {
    REGISTRY.iter().find(|assumption| assumption.id == id)
}

/// The registry entry saying that `endpoint` exists.
pub fn for_endpoint(endpoint: &str) -> Option<&'static Assumption> {
    REGISTRY.iter().find(|assumption| {
        matches!(assumption.subject, Subject::Endpoint(e) if e.path.eq_ignore_ascii_case(endpoint))
    })
}

/// The field assumptions checked on the answers of `endpoint`.
pub fn fields_of(endpoint: &str) -> impl Iterator<Item = &'static Assumption> + '_ {
    REGISTRY.iter().filter(move |assumption| {
        matches!(assumption.subject, Subject::Field { endpoint: e, .. } if e.path == endpoint)
    })
}

/// The registry as the Markdown table `docs/vivantio-wire.md` shows: id, what is assumed,
/// evidence, what the tool does if it is wrong, and what would go wrong unchecked.
pub fn to_markdown() -> String {
    let mut table = String::from(
        "| id | assumed | evidence | if wrong | consequence |\n| --- | --- | --- | --- | --- |\n",
    );
    for assumption in REGISTRY {
        let assumed = match assumption.subject {
            Subject::Endpoint(endpoint) => format!("`{}` exists", endpoint.path),
            Subject::Field { endpoint, path, .. } => {
                let spellings = assumption.spellings();
                let also = if spellings.len() > 1 {
                    format!(" (also read as `{}`)", spellings[1..].join("`, `"))
                } else {
                    String::new()
                };
                format!("`{}` on `{}`{also}", path.replace('|', "/"), endpoint.path)
            }
            Subject::Behaviour => assumption.assumed.to_string(),
        };
        table.push_str(&format!(
            "| `{}` | {} | {}: {} | {} | {} |\n",
            assumption.id,
            assumed.replace('|', "/"),
            assumption.confidence,
            assumption.sources.replace('|', "/"),
            assumption.if_wrong.as_str(),
            assumption.consequence.replace('|', "/"),
        ));
    }
    table
}

/// Ids of the behaviour assumptions, for the code that checks them.
pub mod ids {
    /// `Id` is a queryable field of every `…/Select`.
    pub const ID_QUERYABLE: &str = "paging.id_queryable";
    /// A result too large is refused with words we recognise.
    pub const TOO_MANY_WORDING: &str = "paging.too_many_results_wording";
    /// A `…/Select` answer holds every match or is refused: never silently cut.
    pub const NO_SILENT_TRUNCATION: &str = "paging.no_silent_truncation";
    /// `…/Select` honours conditions on `Id`.
    pub const ID_FILTER_HONOURED: &str = "paging.id_filter_honoured";
    /// The extracted callers and organisations are every one the tenant has.
    pub const EXTRACTION_COMPLETE: &str = "paging.extraction_complete";
    /// Dates in answers come in a form the client reads.
    pub const DATE_FORMS: &str = "dates.answer_forms";
    /// The tenant host serves inline images to the API user's Basic credentials.
    pub const INLINE_IMAGES_BASIC_AUTH: &str = "hosts.inline_images_basic_auth";
}

const fn endpoint(
    id: &'static str,
    endpoint: Endpoint,
    sources: &'static str,
    if_wrong: IfWrong,
    consequence: &'static str,
    area: Area,
) -> Assumption {
    Assumption {
        id,
        subject: Subject::Endpoint(endpoint),
        assumed: "the action exists",
        confidence: endpoint.confidence,
        sources,
        if_wrong,
        consequence,
        area,
    }
}

/// An action whose absence stops the read.
const fn needed(id: &'static str, e: Endpoint, sources: &'static str, area: Area) -> Assumption {
    endpoint(
        id,
        e,
        sources,
        IfWrong::Stops,
        "the records it returns could not be read at all",
        area,
    )
}

/// An action the migration never calls (writes, by-id reads for embedders).
const fn offered(id: &'static str, e: Endpoint, sources: &'static str) -> Assumption {
    endpoint(
        id,
        e,
        sources,
        IfWrong::Stops,
        "the call fails with an error naming the action",
        Area::Everything,
    )
}

#[allow(clippy::too_many_arguments)]
const fn field(
    id: &'static str,
    endpoint: Endpoint,
    path: &'static str,
    kind: ValueKind,
    confidence: Confidence,
    sources: &'static str,
    if_wrong: IfWrong,
    consequence: &'static str,
    area: Area,
) -> Assumption {
    Assumption {
        id,
        subject: Subject::Field {
            endpoint,
            path,
            kind,
        },
        assumed: "the field is present on the records",
        confidence,
        sources,
        if_wrong,
        consequence,
        area,
    }
}

const fn behaviour(
    id: &'static str,
    assumed: &'static str,
    confidence: Confidence,
    sources: &'static str,
    if_wrong: IfWrong,
    consequence: &'static str,
    area: Area,
) -> Assumption {
    Assumption {
        id,
        subject: Subject::Behaviour,
        assumed,
        confidence,
        sources,
        if_wrong,
        consequence,
        area,
    }
}

use Area::{Articles, Attachments, Configuration, CustomFields, Everything, People, Tickets};
use IfWrong::{Blocks, Degrades, Fallback, Stops};
use ValueKind::{Any, Bool, Integer, List, Number, Text};

/// Every assumption, endpoints first, then fields by action, then behaviours.
pub const REGISTRY: &[Assumption] = &[
    // ---- Endpoints the migration reads ------------------------------------------------------
    needed("endpoint.ticket_types", ep::TICKET_TYPE_SELECT_ALL, "AX `VivantioApiInteractive/Ticket.cs`, `Dtos/TicketTypeDto.cs`", Configuration),
    needed("endpoint.statuses", ep::STATUS_SELECT_BY_RECORD_TYPE, "AX `JsonApi/ConfigurationApi.cs`", Configuration),
    needed("endpoint.priorities", ep::PRIORITY_SELECT_BY_RECORD_TYPE, "AX `JsonApi/ConfigurationApi.cs`", Configuration),
    needed("endpoint.categories", ep::CATEGORY_SELECT_BY_RECORD_TYPE, "PY only (hearsay)", Configuration),
    needed("endpoint.users", ep::USER_SELECT_ALL, "AX `VivantioApi.Model/UserInfo.cs`; PS `Get-VivantioRPCUser.ps1`", Configuration),
    needed("endpoint.users_by_group", ep::USER_SELECT_BY_GROUP, "AX `UserInfo.cs`; PS `Get-VivantioRPCUser.ps1`", Configuration),
    endpoint("endpoint.groups", ep::GROUP_SELECT_ALL, "none", Fallback,
        "discovery would stop before any ticket is read; instead groups are rebuilt from the tickets' `GroupId`/`GroupName` and `UserSelectByGroupId`", Configuration),
    needed("endpoint.sla_targets", ep::SLA_STAGE_TARGET_SELECT_BY_PRIORITY, "PY only (hearsay)", Configuration),
    endpoint("endpoint.extension_fields", ep::EXTENSION_FIELD_SELECT_BY_RECORD_TYPE, "none; AX `Dtos/TicketBaseDto.cs` has no `ExtensionFields`", Fallback,
        "discovery would stop before any ticket is read; instead legacy fields are found from the values on the tickets", Configuration),
    needed("endpoint.ticket_select", ep::TICKET_SELECT, "AX `JsonApi/TicketApi.cs`, `Utility/Query.cs`; PS; Postman", Tickets),
    needed("endpoint.ticket_parents", ep::TICKET_SELECT_PARENTS, "Postman; AX", Tickets),
    needed("endpoint.ticket_actions", ep::TICKET_ACTION_SELECT_BY_PARENT, "AX `VivantioApi.Data/Tickets.cs`", Tickets),
    needed("endpoint.ticket_sla_stages", ep::TICKET_SLA_STAGE_INSTANCES, "Postman", Tickets),
    needed("endpoint.client_select", ep::CLIENT_SELECT, "AX `Client.cs`; PS", People),
    needed("endpoint.caller_select", ep::CALLER_SELECT, "PS (`Caller/SelectById/1` connectivity check)", People),
    endpoint("endpoint.article_select", ep::ARTICLE_SELECT, "none: the names appear once in a PS parameter list, deleted days later", Blocks,
        "the knowledge base is skipped: no article moves", Articles),
    needed("endpoint.custom_form_definitions", ep::CUSTOM_FORM_DEFINITIONS_BY_RECORD_TYPE, "Postman; AX `CustomForms.cs`; PS", CustomFields),
    needed("endpoint.custom_form_instances", ep::CUSTOM_FORM_INSTANCES_BY_PARENT, "Postman; TUT; AX; PS", CustomFields),
    needed("endpoint.attachment_list", ep::ATTACHMENT_SELECT_BY_PARENT, "PS (area sent by name)", Attachments),
    needed("endpoint.attachment_download", ep::ATTACHMENT_DOWNLOAD, "PS reads `Successful`, `FileName`, base64 `Content`", Attachments),
    // ---- Endpoints offered to embedders ------------------------------------------------------
    offered("endpoint.user_by_id", ep::USER_SELECT_BY_ID, "AX `UserInfo.cs`; PS"),
    offered("endpoint.ticket_by_id", ep::TICKET_SELECT_BY_ID, "AX `JsonApi/TicketApi.cs` (path and `?id=`)"),
    offered("endpoint.ticket_list", ep::TICKET_SELECT_LIST, "AX `JsonApi/TicketApi.cs`"),
    offered("endpoint.ticket_children", ep::TICKET_SELECT_CHILDREN, "Postman; AX"),
    offered("endpoint.ticket_insert", ep::TICKET_INSERT, "AX; PS"),
    offered("endpoint.ticket_add_note", ep::TICKET_ADD_NOTE, "AX `Dtos/TicketAddNoteDto.cs`, `EmbeddedAttachmentDto.cs`; PS"),
    offered("endpoint.ticket_change_status", ep::TICKET_CHANGE_STATUS, "AX; PS"),
    offered("endpoint.client_by_id", ep::CLIENT_SELECT_BY_ID, "AX `Client.cs`; PS"),
    offered("endpoint.client_list", ep::CLIENT_SELECT_LIST, "AX `Client.cs`; PS"),
    offered("endpoint.caller_by_id", ep::CALLER_SELECT_BY_ID, "PS"),
    offered("endpoint.caller_list", ep::CALLER_SELECT_LIST, "PS"),
    offered("endpoint.location_select", ep::LOCATION_SELECT, "none (only `Location/Insert` appears, AX)"),
    offered("endpoint.location_by_id", ep::LOCATION_SELECT_BY_ID, "none"),
    offered("endpoint.location_list", ep::LOCATION_SELECT_LIST, "none"),
    offered("endpoint.article_by_id", ep::ARTICLE_SELECT_BY_ID, "none"),
    offered("endpoint.article_list", ep::ARTICLE_SELECT_LIST, "none"),
    offered("endpoint.custom_form_definition", ep::CUSTOM_FORM_DEFINITION_BY_ID, "Postman; AX; PS"),
    offered("endpoint.custom_field_definition", ep::CUSTOM_FIELD_DEFINITION_BY_ID, "AX `FieldDefinition.cs`"),
    offered("endpoint.custom_form_type_ids", ep::CUSTOM_FORM_TYPE_IDS_BY_PARENT, "Postman; AX (reads `Results` as strings)"),
    offered("endpoint.custom_form_instance", ep::CUSTOM_FORM_INSTANCE_BY_ID, "Postman; AX; PS"),
    offered("endpoint.custom_form_simplified", ep::CUSTOM_FORM_SIMPLIFIED_BY_PARENT, "Postman; TUT"),
    // ---- Fields: configuration -------------------------------------------------------------
    field("status.type", ep::STATUS_SELECT_BY_RECORD_TYPE, "Type", ValueKind::StatusType, Official, "AX `JsonApi/ConfigurationApi.cs`", Blocks,
        "no status could be told open from closed: every ticket would land in the wrong state", Configuration),
    field("status.record_type_id", ep::STATUS_SELECT_BY_RECORD_TYPE, "RecordTypeId", Integer, Inferred, "none", Degrades,
        "statuses are attributed to the record type they were asked for", Configuration),
    field("priority.order", ep::PRIORITY_SELECT_BY_RECORD_TYPE, "Order", Integer, Inferred, "none", Degrades,
        "priorities are listed by id instead of their order", Configuration),
    field("category.name", ep::CATEGORY_SELECT_BY_RECORD_TYPE, "Name", Text, Inferred, "PY only (hearsay)", Blocks,
        "every category would be nameless: no ticket would keep its category", Configuration),
    field("category.parent_id", ep::CATEGORY_SELECT_BY_RECORD_TYPE, "ParentId", Integer, Inferred, "PY only (hearsay)", Degrades,
        "category paths are built from names alone", Configuration),
    field("user.email", ep::USER_SELECT_ALL, "EmailAddress", Text, Official, "AX `VivantioApi.Model/UserInfo.cs`", Blocks,
        "no agent could be matched to an Intercom admin: every reply would be written by the fallback admin", Configuration),
    field("user.enabled", ep::USER_SELECT_ALL, "Enabled", Bool, Inferred, "none", Degrades,
        "every agent counts as enabled", Configuration),
    field("group.name", ep::GROUP_SELECT_ALL, "Name", Text, Unknown, "none", Degrades,
        "no group could be matched to an Intercom team by name: tickets keep no team", Configuration),
    field("sla_target.target_minutes", ep::SLA_STAGE_TARGET_SELECT_BY_PRIORITY, "TargetMinutes", Integer, Inferred, "PY only (hearsay)", Blocks,
        "every SLA target would be skipped for want of a duration: past SLA values would not move", Configuration),
    field("extension_field.name", ep::EXTENSION_FIELD_SELECT_BY_RECORD_TYPE, "Name", Text, Unknown, "none", Degrades,
        "legacy fields are named by id in the archive note", Configuration),
    // ---- Fields: tickets and history ---------------------------------------------------------
    field("ticket.extension_fields", ep::TICKET_SELECT, "ExtensionFields", List, Unknown, "none; AX `Dtos/TicketBaseDto.cs` has none", Blocks,
        "legacy field values could not be read from tickets: none would be archived", Tickets),
    field("ticket.call_origin", ep::TICKET_SELECT, "CallOrigin", Integer, Inferred, "none", Degrades,
        "every ticket's origin is unknown", Tickets),
    field("action.private", ep::TICKET_ACTION_SELECT_BY_PARENT, "Private|IsPrivate|MarkPrivate", Bool, Unknown,
        "none for actions; elsewhere the API spells privacy `MarkPrivate` or `IsPrivate`", Blocks,
        "every action would be read as private: public replies would land in Intercom as internal notes", Tickets),
    field("action.notes_html", ep::TICKET_ACTION_SELECT_BY_PARENT, "NotesHtml", Text, Inferred, "none", Degrades,
        "notes are moved from their plain text: formatting and inline images are lost", Tickets),
    field("action.attachments", ep::TICKET_ACTION_SELECT_BY_PARENT, "Attachments", List, Inferred, "none", Fallback,
        "attachments are placed on their part from the listing's `ActionId` instead", Tickets),
    field("action.action_type", ep::TICKET_ACTION_SELECT_BY_PARENT, "ActionType", Any, Inferred, "none", Degrades,
        "events are told from messages by their text alone", Tickets),
    field("action.status_id", ep::TICKET_ACTION_SELECT_BY_PARENT, "StatusId", Integer, Inferred, "none", Degrades,
        "status changes in the history are not linked to a status", Tickets),
    field("action.effort", ep::TICKET_ACTION_SELECT_BY_PARENT, "Effort", Number, Inferred, "none", Degrades,
        "time spent per action is not moved", Tickets),
    field("action.user_id", ep::TICKET_ACTION_SELECT_BY_PARENT, "ActionUserId", Integer, Inferred, "none", Degrades,
        "authors are matched by their email alone", Tickets),
    field("sla_stage.stage_name", ep::TICKET_SLA_STAGE_INSTANCES, "StageName", Text, Inferred, "none (record shape unproven)", Degrades,
        "past SLA stages move without their names", Tickets),
    // ---- Fields: attachments -------------------------------------------------------------------
    field("attachment.guid", ep::ATTACHMENT_SELECT_BY_PARENT, "AttachmentGuid|UniqueId", Text, Community, "PS (`AttachmentGuid` or `UniqueId`)", Blocks,
        "no attachment could be downloaded", Attachments),
    field("attachment.file_name", ep::ATTACHMENT_SELECT_BY_PARENT, "FileName", Text, Community, "PS", Degrades,
        "files are uploaded under their GUID or the download's name", Attachments),
    field("attachment.size", ep::ATTACHMENT_SELECT_BY_PARENT, "Size", Integer, Inferred, "none", Degrades,
        "oversize files are found only when downloaded", Attachments),
    field("attachment.action_id", ep::ATTACHMENT_SELECT_BY_PARENT, "ActionId", Integer, Inferred, "none", Degrades,
        "files listed only on the ticket are attached to its first part", Attachments),
    field("attachment.is_private", ep::ATTACHMENT_SELECT_BY_PARENT, "IsPrivate", Bool, Inferred, "none", Degrades,
        "a file takes the privacy of the action it belongs to", Attachments),
    // ---- Fields: custom forms ----------------------------------------------------------------
    field("form.fields", ep::CUSTOM_FORM_DEFINITIONS_BY_RECORD_TYPE, "Fields|FieldDefinitions", List, Inferred,
        "AX `FieldDefinition.cs` (the record); PS README names the part `FieldDefinitions`", Blocks,
        "every form would have no fields: every custom value would be dropped", CustomFields),
    field("form.field_type", ep::CUSTOM_FORM_DEFINITIONS_BY_RECORD_TYPE, "Fields|FieldDefinitions[].FieldType", ValueKind::FieldType, Inferred, "none", Degrades,
        "fields of unknown type become text attributes", CustomFields),
    field("form.field_options", ep::CUSTOM_FORM_DEFINITIONS_BY_RECORD_TYPE, "Fields|FieldDefinitions[].Options|FieldOptions", List, Inferred,
        "none; PS README names them `FieldOptions`", Degrades,
        "list fields would have no choices: their values move as text", CustomFields),
    field("form_instance.field_values", ep::CUSTOM_FORM_INSTANCES_BY_PARENT, "FieldValues", List, Inferred, "none (seen only in write bodies)", Blocks,
        "every custom field value would be read as empty", CustomFields),
    // ---- Fields: knowledge base ----------------------------------------------------------------
    field("article.title", ep::ARTICLE_SELECT, "Title", Text, Unknown, "none", Blocks,
        "every article would be published without a title", Articles),
    field("article.body_html", ep::ARTICLE_SELECT, "BodyHtml", Text, Unknown, "none", Blocks,
        "every article would be published empty", Articles),
    field("article.is_public", ep::ARTICLE_SELECT, "IsPublic", Bool, Unknown, "none", Blocks,
        "every article would be read as internal", Articles),
    field("article.status", ep::ARTICLE_SELECT, "Status", Any, Unknown, "none", Degrades,
        "articles follow the mapping's publication default", Articles),
    field("article.category_id", ep::ARTICLE_SELECT, "CategoryId", Integer, Unknown, "none", Degrades,
        "articles land in no collection", Articles),
    // ---- Behaviours ----------------------------------------------------------------------------
    behaviour(ids::ID_QUERYABLE, "`Id` is a queryable field of every `…/Select`", Inferred, "none", Stops,
        "the windowed pager cannot read any large set", Everything),
    behaviour(ids::TOO_MANY_WORDING, "a result over the tenant's cap is refused with \"too many results\" or \"too many records\"", Unknown, "none", Stops,
        "a refusal in other words stops the read with Vivantio's own message", Everything),
    behaviour(ids::NO_SILENT_TRUNCATION, "a `…/Select` answers every match or refuses; it never cuts an answer without saying so", Unknown, "none", Fallback,
        "records past the cut would be lost with no error; windows that look full are split and re-read", Everything),
    behaviour(ids::ID_FILTER_HONOURED, "`…/Select` honours conditions on `Id`", Inferred, "none", Fallback,
        "every window would return everything (quadratic traffic); the set is read once, with a warning", Everything),
    behaviour(ids::EXTRACTION_COMPLETE, "the callers and organisations read are every one the tenant's OData feed counts", Community,
        "PS `Get-VivantioODataCaller.ps1` (`@odata.count`)", Stops,
        "records missing from every window would be lost with no error", People),
    behaviour(ids::DATE_FORMS, "dates arrive as ISO 8601 (with or without offset) or `/Date(ms)/`", Inferred, "PY (outgoing form only)", Stops,
        "a record whose date cannot be read stops the read, naming the field", Everything),
    behaviour(ids::INLINE_IMAGES_BASIC_AUTH, "the tenant host serves inline images to the API user's Basic credentials", Unknown,
        "KB downloads them with a browser session; PS shows Basic auth works on the tenant's `/odata/`", Degrades,
        "a login page would be published as an image; instead each is an `unresolved_image` finding and the link keeps pointing at Vivantio", Articles),
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_are_unique_and_dotted() {
        let mut seen = HashSet::new();
        for assumption in REGISTRY {
            assert!(seen.insert(assumption.id), "{} twice", assumption.id);
            assert!(assumption.id.contains('.'), "{}", assumption.id);
        }
    }

    #[test]
    fn every_endpoint_has_exactly_one_entry() {
        for endpoint in ep::ALL {
            let entries = REGISTRY
                .iter()
                .filter(|a| a.subject == Subject::Endpoint(*endpoint))
                .count();
            assert_eq!(entries, 1, "{endpoint}");
        }
    }

    #[test]
    fn field_spellings_come_from_the_last_segment() {
        let private = find("action.private").unwrap();
        assert_eq!(private.spellings(), ["Private", "IsPrivate", "MarkPrivate"]);
        let options = find("form.field_options").unwrap();
        assert_eq!(options.spellings(), ["Options", "FieldOptions"]);
        assert_eq!(
            for_endpoint("configuration/groupselectall").unwrap().id,
            "endpoint.groups"
        );
        assert_eq!(fields_of("Ticket/ActionSelectByParentId").count(), 7);
    }
}
