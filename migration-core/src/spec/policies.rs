//! Policies of the mapping specification: everything that is not a per-object rule.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How agents are matched to admins.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct AdminPolicy {
    /// Email of the admin who writes whatever has no matching admin (required).
    pub fallback_email: String,
    /// Agent id → admin email (the proposal lists every agent; one not listed is matched by
    /// their own email). An agent mapped to the fallback email, which is not their own, is
    /// written as the fallback admin with their name opening each part.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub overrides: BTreeMap<String, String>,
}

/// How groups are matched to teams.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct TeamPolicy {
    /// Group id → team name (the proposal lists every group it matched; one not listed is
    /// matched by its own name).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub overrides: BTreeMap<String, String>,
}

/// How a ticket's priority is kept on its thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct PriorityPolicy {
    /// List attribute on conversations and tickets holding the priority's name, its options the
    /// names in `[[priorities]]`; empty: no attribute.
    pub attribute: String,
    /// Whether threads are also tagged with their priority rule's `tag` (one more request per
    /// thread).
    pub tags: bool,
}

impl Default for PriorityPolicy {
    fn default() -> Self {
        Self {
            attribute: "vivantio_priority".into(),
            tags: false,
        }
    }
}

/// How a category is named, in the category attribute's options and in tags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryMode {
    /// The whole path ("Hardware / Laptop").
    #[default]
    #[serde(alias = "tag_path")]
    Path,
    /// The category's own name ("Laptop").
    #[serde(alias = "tag_leaf")]
    Leaf,
    /// Not carried over.
    None,
}

/// How ticket categories map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct CategoryPolicy {
    /// How a category is named.
    pub mode: CategoryMode,
    /// List attribute on conversations and tickets holding the category, its options every
    /// ticket category of the instance; empty: no attribute.
    pub attribute: String,
    /// Whether threads are also tagged with their category (one more request per thread).
    pub tags: bool,
    /// Text before the category in the tag.
    pub tag_prefix: String,
    /// Separator between path levels.
    pub separator: String,
}

impl Default for CategoryPolicy {
    fn default() -> Self {
        Self {
            mode: CategoryMode::Path,
            attribute: "vivantio_category".into(),
            tags: false,
            tag_prefix: "Category: ".into(),
            separator: " / ".into(),
        }
    }
}

/// How origins (`CallOrigin`) map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct OriginPolicy {
    /// List attribute on conversations and tickets holding the origin's name, its options the
    /// names below; empty: no attribute.
    pub attribute: String,
    /// Whether threads are also tagged with their origin (one more request per thread).
    pub tags: bool,
    /// Text before the origin name in the tag.
    pub tag_prefix: String,
    /// Origin code → name ("2" = "E-mail"); codes not listed are not carried over (and get a
    /// finding).
    pub names: BTreeMap<String, String>,
}

impl Default for OriginPolicy {
    fn default() -> Self {
        Self {
            attribute: "vivantio_origin".into(),
            tags: false,
            tag_prefix: "Origin: ".into(),
            names: BTreeMap::new(),
        }
    }
}

/// What happens to callers without a usable email.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingEmailPolicy {
    /// Create an anonymous lead and tag it.
    #[default]
    AnonymousLead,
    /// Do not move the caller.
    Reject,
}

/// How callers become contacts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct ContactPolicy {
    /// Callers without a usable email.
    pub missing_email: MissingEmailPolicy,
    /// Tag on contacts created without a usable email.
    pub flag_tag: String,
    /// Region (ISO 3166 alpha-2) for phone numbers written without a country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_default_region: Option<String>,
    /// Contact attribute that keeps a phone number that is not E.164.
    pub unparsed_phone_attribute: String,
    /// Whether callers deleted in Vivantio are skipped.
    pub skip_deleted: bool,
}

impl Default for ContactPolicy {
    fn default() -> Self {
        Self {
            missing_email: MissingEmailPolicy::AnonymousLead,
            flag_tag: "Vivantio: no usable email".into(),
            phone_default_region: None,
            unparsed_phone_attribute: "vivantio_phone_text".into(),
            skip_deleted: true,
        }
    }
}

/// How organisations become companies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct CompanyPolicy {
    /// Whether a company without a website gets one from its email domain (free-mail
    /// domains excepted).
    pub website_from_email_domain: bool,
    /// Whether organisations deleted in Vivantio are skipped.
    pub skip_deleted: bool,
}

impl Default for CompanyPolicy {
    fn default() -> Self {
        Self {
            website_from_email_domain: true,
            skip_deleted: true,
        }
    }
}

/// What happens to tickets whose caller does not exist.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrphanTicketPolicy {
    /// Attribute them to one placeholder contact, tagged.
    #[default]
    PlaceholderContact,
    /// Do not move them.
    Reject,
}

/// How tickets move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct TicketPolicy {
    /// Tickets without an existing caller.
    pub orphans: OrphanTicketPolicy,
    /// Name of the placeholder contact.
    pub placeholder_contact_name: String,
    /// Tag on threads whose caller was missing.
    pub orphan_tag: String,
    /// Whether tickets deleted in Vivantio are skipped.
    pub skip_deleted: bool,
    /// Whether history events without text (status changes) become notes.
    pub events_as_notes: bool,
}

impl Default for TicketPolicy {
    fn default() -> Self {
        Self {
            orphans: OrphanTicketPolicy::PlaceholderContact,
            placeholder_contact_name: "Unknown Vivantio caller".into(),
            orphan_tag: "Vivantio: caller missing".into(),
            skip_deleted: true,
            events_as_notes: false,
        }
    }
}

/// How parent/child tickets are kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct ParentChildPolicy {
    /// Tag on parents.
    pub parent_tag: String,
    /// Tag on children.
    pub child_tag: String,
    /// Thread attribute on children holding the parent's ticket number.
    pub reference_attribute: String,
    /// Whether children are also linked to their parent in Intercom. Off by default: the 2.16
    /// API links only a conversation to a tracker ticket, so the relation travels as the tags
    /// and the reference attribute above, which every thread kind accepts.
    pub link: bool,
}

impl Default for ParentChildPolicy {
    fn default() -> Self {
        Self {
            parent_tag: "Vivantio: parent ticket".into(),
            child_tag: "Vivantio: child ticket".into(),
            reference_attribute: "vivantio_parent_ticket".into(),
            link: false,
        }
    }
}

/// What happens to SLA stage values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaMode {
    /// Target, completion and breach of each stage go into thread attributes.
    #[default]
    Attributes,
    /// Not moved.
    Ignore,
}

/// How SLA values are kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct SlaHandling {
    /// Mode.
    pub mode: SlaMode,
    /// Prefix of the attribute names (`vivantio_sla_resolution_target`).
    pub attribute_prefix: String,
}

impl Default for SlaHandling {
    fn default() -> Self {
        Self {
            mode: SlaMode::Attributes,
            attribute_prefix: "vivantio_sla".into(),
        }
    }
}

/// How HTML is rewritten.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct HtmlPolicy {
    /// Regular expression matching links to Vivantio articles; group 1 is the article id.
    pub article_link_pattern: String,
    /// Regular expression matching inline image sources on Vivantio; group 1 is the
    /// attachment GUID.
    pub inline_image_pattern: String,
}

impl Default for HtmlPolicy {
    fn default() -> Self {
        Self {
            article_link_pattern: r"(?i)(?:/kb/article/|[?&]articleid=)(\d+)".into(),
            inline_image_pattern:
                r"(?i)(?:[?&](?:guid|attachmentguid)=|/attachment/inline/)([0-9a-f-]{32,36})".into(),
        }
    }
}

/// Attachment limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct AttachmentPolicy {
    /// Largest file moved, in bytes (Intercom refuses larger uploads; 20 MiB by default,
    /// its inbound limit).
    pub max_bytes: u64,
    /// Files per part (Intercom takes at most 10; more become further parts).
    pub max_files_per_part: usize,
    /// Bytes of files per part (20 MiB by default): more become further parts, so no request
    /// carries more than this (a single file up to `max_bytes` still goes alone), and the
    /// memory a part needs in flight stays small.
    pub max_bytes_per_part: u64,
}

impl Default for AttachmentPolicy {
    fn default() -> Self {
        Self {
            max_bytes: 20 * 1024 * 1024,
            max_files_per_part: 10,
            max_bytes_per_part: 20 * 1024 * 1024,
        }
    }
}

/// How articles are published.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatePolicy {
    /// Published when Vivantio shows them published and public.
    #[default]
    FollowSource,
    /// Always drafts, for review.
    Draft,
}

/// How knowledge moves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct ArticlePolicy {
    /// Publication.
    pub state: ArticleStatePolicy,
}
