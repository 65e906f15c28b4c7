//! The mapping document: one TOML file a person can read, edit, diff and keep in git.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::hash::SpecHash;
use super::policies::{
    AdminPolicy, ArticlePolicy, AttachmentPolicy, CategoryPolicy, CompanyPolicy, ContactPolicy,
    HtmlPolicy, OriginPolicy, ParentChildPolicy, PriorityPolicy, SlaHandling, TeamPolicy,
    TicketPolicy,
};
use super::redaction::RedactionPolicy;
use super::rules::{FieldRule, LegacyFieldRule, PriorityRule, StatusRule, TicketTypeRule};
use super::scope::Scope;
use super::SpecError;
use crate::model::source::WireArea;

/// The version of the document format this crate writes and reads.
pub const SPEC_FORMAT_VERSION: u32 = 1;

/// A mapping specification: every decision the migration makes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingSpec {
    /// Document format version.
    pub version: u32,
    /// IANA zone in which dates without an offset are read ("Europe/London").
    pub source_time_zone: String,
    /// Agents to admins.
    #[serde(default)]
    pub admins: AdminPolicy,
    /// Groups to teams.
    #[serde(default)]
    pub teams: TeamPolicy,
    /// Ticket types to conversations or Intercom tickets.
    #[serde(default)]
    pub ticket_types: Vec<TicketTypeRule>,
    /// Statuses to final states.
    #[serde(default)]
    pub statuses: Vec<StatusRule>,
    /// How priorities are kept on threads: an attribute, tags or both.
    #[serde(default)]
    pub priority: PriorityPolicy,
    /// Priorities to priority levels, attribute options and tags.
    #[serde(default)]
    pub priorities: Vec<PriorityRule>,
    /// Categories to an attribute and tags.
    #[serde(default)]
    pub categories: CategoryPolicy,
    /// Origins to an attribute and tags.
    #[serde(default)]
    pub origins: OriginPolicy,
    /// Fields to attributes.
    #[serde(default)]
    pub fields: Vec<FieldRule>,
    /// Named value maps (source text → destination text), used by field rules.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub value_maps: BTreeMap<String, BTreeMap<String, String>>,
    /// A decision for every legacy extension field.
    #[serde(default)]
    pub legacy_fields: Vec<LegacyFieldRule>,
    /// Callers to contacts.
    #[serde(default)]
    pub contacts: ContactPolicy,
    /// Organisations to companies.
    #[serde(default)]
    pub companies: CompanyPolicy,
    /// Tickets.
    #[serde(default)]
    pub tickets: TicketPolicy,
    /// Parent/child tickets.
    #[serde(default)]
    pub parent_child: ParentChildPolicy,
    /// SLA values.
    #[serde(default)]
    pub sla: SlaHandling,
    /// HTML rewriting.
    #[serde(default)]
    pub html: HtmlPolicy,
    /// Attachment limits.
    #[serde(default)]
    pub attachments: AttachmentPolicy,
    /// Knowledge base.
    #[serde(default)]
    pub articles: ArticlePolicy,
    /// Which records move (everything unless narrowed).
    #[serde(default, skip_serializing_if = "Scope::is_everything")]
    pub scope: Scope,
    /// What never leaves: card numbers, credentials and patterns of your own, redacted.
    #[serde(default, skip_serializing_if = "RedactionPolicy::is_default")]
    pub redaction: RedactionPolicy,
    /// Source API findings a person accepted (`wire_assumption` findings of `plan`).
    #[serde(default, skip_serializing_if = "WirePolicy::is_empty")]
    pub wire: WirePolicy,
    /// Who confirmed this exact content, and its hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<Confirmation>,
}

/// The `[wire]` table: blocking `wire_assumption` findings a person has looked at and accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WirePolicy {
    /// Assumption ids (`action.private`) whose findings no longer block `migrate`.
    #[serde(default)]
    pub acknowledged: Vec<String>,
}

impl WirePolicy {
    /// Whether nothing is acknowledged (the table is then left out of the file).
    pub fn is_empty(&self) -> bool {
        self.acknowledged.is_empty()
    }
}

/// A person's confirmation of one exact specification content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    /// Hash of the content that was confirmed.
    pub content_hash: SpecHash,
    /// Who confirmed it.
    pub confirmed_by: String,
    /// When (RFC 3339).
    pub confirmed_at: String,
}

impl MappingSpec {
    /// An empty specification for a tenant in `source_time_zone`.
    pub fn new(source_time_zone: impl Into<String>) -> Self {
        Self {
            version: SPEC_FORMAT_VERSION,
            source_time_zone: source_time_zone.into(),
            admins: AdminPolicy::default(),
            teams: TeamPolicy::default(),
            ticket_types: Vec::new(),
            statuses: Vec::new(),
            priority: PriorityPolicy::default(),
            priorities: Vec::new(),
            categories: CategoryPolicy::default(),
            origins: OriginPolicy::default(),
            fields: Vec::new(),
            value_maps: BTreeMap::new(),
            legacy_fields: Vec::new(),
            contacts: ContactPolicy::default(),
            companies: CompanyPolicy::default(),
            tickets: TicketPolicy::default(),
            parent_child: ParentChildPolicy::default(),
            sla: SlaHandling::default(),
            html: HtmlPolicy::default(),
            attachments: AttachmentPolicy::default(),
            articles: ArticlePolicy::default(),
            scope: Scope::default(),
            redaction: RedactionPolicy::default(),
            wire: WirePolicy::default(),
            confirmation: None,
        }
    }

    /// Reads a specification from TOML.
    pub fn from_toml(text: &str) -> Result<Self, SpecError> {
        let spec: Self =
            toml::from_str(text).map_err(|error| SpecError::Parse(error.to_string()))?;
        if spec.version != SPEC_FORMAT_VERSION {
            return Err(SpecError::UnsupportedVersion(spec.version));
        }
        Ok(spec)
    }

    /// Writes the specification as TOML.
    pub fn to_toml(&self) -> Result<String, SpecError> {
        toml::to_string_pretty(self).map_err(|error| SpecError::Serialize(error.to_string()))
    }

    /// `text` (this specification as the person wrote it) with its `[confirmation]` table set
    /// to this specification's: everything else, comments and layout included, stays as it
    /// was, so the reasons `plan` wrote beside each decision survive `confirm`.
    pub fn confirmation_into(&self, text: &str) -> Result<String, SpecError> {
        let mut document: toml_edit::DocumentMut = text
            .parse()
            .map_err(|error: toml_edit::TomlError| SpecError::Parse(error.to_string()))?;
        let written: toml_edit::DocumentMut = self
            .to_toml()?
            .parse()
            .map_err(|error: toml_edit::TomlError| SpecError::Serialize(error.to_string()))?;
        match written.get("confirmation") {
            Some(confirmation) => {
                document.insert("confirmation", confirmation.clone());
            }
            None => {
                document.remove("confirmation");
            }
        }
        Ok(document.to_string())
    }

    /// Whether the mapping moves what `area` feeds: a blocking `wire_assumption` finding
    /// blocks only a mapping that does.
    pub fn moves(&self, area: WireArea) -> bool {
        match area {
            WireArea::CustomFields => !self.fields.is_empty(),
            _ => true,
        }
    }

    /// The hash of the content (everything but the confirmation).
    pub fn content_hash(&self) -> SpecHash {
        SpecHash::of(self)
    }

    /// The same specification, confirmed by `who` at `at` (RFC 3339) for its current content.
    /// Confirm only after [`crate::spec::check`] passes; [`ConfirmedSpec::new`] checks again.
    ///
    /// [`ConfirmedSpec::new`]: super::ConfirmedSpec::new
    pub fn confirmed(mut self, who: impl Into<String>, at: impl Into<String>) -> Self {
        self.confirmation = Some(Confirmation {
            content_hash: self.content_hash(),
            confirmed_by: who.into(),
            confirmed_at: at.into(),
        });
        self
    }

    /// The rule for a ticket type, if any.
    pub fn ticket_type_rule(&self, record_type_id: i64) -> Option<&TicketTypeRule> {
        self.ticket_types
            .iter()
            .find(|rule| rule.source_id == record_type_id)
    }
}

// The content a hash covers (everything but the confirmation, or also without the scope) is
// a decision about the document's fields, so it is made here rather than in `hash`.
impl SpecHash {
    /// The hash of `spec`'s content.
    ///
    /// The content is the specification's canonical JSON (fields in declaration order, maps
    /// sorted), so formatting, comments and key order in the TOML file do not change it; any
    /// change of meaning does.
    pub fn of(spec: &MappingSpec) -> Self {
        let mut content = spec.clone();
        content.confirmation = None;
        Self::of_content(&content)
    }

    /// The hash of `spec`'s mapping: its content without the `[scope]`, which says which
    /// records move and not how they look, so a run may widen or narrow it between runs. The
    /// same as [`SpecHash::of`] when everything moves.
    pub fn of_mapping(spec: &MappingSpec) -> Self {
        let mut content = spec.clone();
        content.confirmation = None;
        content.scope = Scope::default();
        Self::of_content(&content)
    }
}
