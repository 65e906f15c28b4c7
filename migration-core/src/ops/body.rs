//! The typed destination operations.

use serde::{Deserialize, Serialize};

use crate::keys::RecordKey;
use crate::model::destination::{
    ArticleRecord, AttributeDefinition, AttributeValues, CollectionRecord, CompanyRecord,
    ContactRecord, ConversationOpening, PartRecord, PriorityLevel, ThreadState, TicketRecord,
    TicketTypeDefinition,
};

/// One thing to do in the destination. Keys name records by their source identity; the engine
/// resolves them through the ID map when it runs the operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum DestinationOp {
    /// Create a contact, company or conversation attribute unless one with this name exists.
    EnsureAttribute(AttributeDefinition),
    /// Create a ticket type unless one with this name exists.
    EnsureTicketType(TicketTypeDefinition),
    /// Create an attribute on a ticket type unless it exists.
    EnsureTicketTypeAttribute {
        /// The ticket type.
        ticket_type: RecordKey,
        /// The attribute.
        attribute: AttributeDefinition,
    },
    /// Create a tag unless it exists (Intercom returns the existing tag).
    EnsureTag {
        /// Tag name.
        name: String,
    },
    /// Find the admin for the fallback email; the run stops if there is none.
    MatchFallbackAdmin {
        /// Email of the fallback admin.
        email: String,
    },
    /// Find the admin for an agent by email; the fallback admin stands in when none matches.
    MatchAdmin {
        /// Email to match (an override from the spec, else the agent's).
        email: Option<String>,
        /// Agent name, for reports.
        name: String,
    },
    /// Find the team for a group by name (case-insensitive); none leaves threads unassigned.
    MatchTeam {
        /// Team name to match.
        name: String,
    },
    /// Create or update a company by `company_id`.
    UpsertCompany(CompanyRecord),
    /// Create or update a contact (a duplicate found by email or external id is updated).
    UpsertContact(ContactRecord),
    /// Attach a contact to a company.
    AttachContactToCompany {
        /// The contact.
        contact: RecordKey,
        /// The company.
        company: RecordKey,
    },
    /// Tag a contact.
    TagContact {
        /// The contact.
        contact: RecordKey,
        /// The tag.
        tag: RecordKey,
    },
    /// Create a Help Center collection.
    CreateCollection(CollectionRecord),
    /// Create a Help Center article.
    CreateArticle(ArticleRecord),
    /// Render an article body again once every article exists, so links between articles
    /// resolve; the engine calls [`crate::transform::Mapper::render_article_body`] at run time.
    RelinkArticle {
        /// The article to update.
        article: RecordKey,
        /// The source HTML to render.
        source_html: String,
    },
    /// Open a conversation with the contact's first message.
    CreateConversation(ConversationOpening),
    /// Create an Intercom ticket.
    CreateTicket(TicketRecord),
    /// Add a reply or note to a thread.
    AddPart {
        /// The conversation or ticket.
        thread: RecordKey,
        /// The part.
        part: PartRecord,
    },
    /// Set a thread's title, priority and custom attributes.
    UpdateThread {
        /// The conversation or ticket.
        thread: RecordKey,
        /// Title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// Priority.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<PriorityLevel>,
        /// Company the thread belongs to.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        company: Option<RecordKey>,
        /// Custom attributes (conversation attributes, or the ticket type's attributes).
        #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
        custom_attributes: AttributeValues,
    },
    /// Tag a thread.
    TagThread {
        /// The conversation or ticket.
        thread: RecordKey,
        /// The tag.
        tag: RecordKey,
    },
    /// Link a child thread to its parent.
    LinkThreads {
        /// Parent.
        parent: RecordKey,
        /// Child.
        child: RecordKey,
    },
    /// Assign a thread to an admin and/or a team.
    AssignThread {
        /// The conversation or ticket.
        thread: RecordKey,
        /// Admin.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        admin: Option<RecordKey>,
        /// Team.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        team: Option<RecordKey>,
    },
    /// Put a thread in its final state.
    SetThreadState {
        /// The conversation or ticket.
        thread: RecordKey,
        /// The state.
        state: ThreadState,
    },
}

impl DestinationOp {
    /// A short name of the operation kind (`add_part`), for logs and reports.
    pub fn name(&self) -> &'static str {
        match self {
            DestinationOp::EnsureAttribute(_) => "ensure_attribute",
            DestinationOp::EnsureTicketType(_) => "ensure_ticket_type",
            DestinationOp::EnsureTicketTypeAttribute { .. } => "ensure_ticket_type_attribute",
            DestinationOp::EnsureTag { .. } => "ensure_tag",
            DestinationOp::MatchFallbackAdmin { .. } => "match_fallback_admin",
            DestinationOp::MatchAdmin { .. } => "match_admin",
            DestinationOp::MatchTeam { .. } => "match_team",
            DestinationOp::UpsertCompany(_) => "upsert_company",
            DestinationOp::UpsertContact(_) => "upsert_contact",
            DestinationOp::AttachContactToCompany { .. } => "attach_contact_to_company",
            DestinationOp::TagContact { .. } => "tag_contact",
            DestinationOp::CreateCollection(_) => "create_collection",
            DestinationOp::CreateArticle(_) => "create_article",
            DestinationOp::RelinkArticle { .. } => "relink_article",
            DestinationOp::CreateConversation(_) => "create_conversation",
            DestinationOp::CreateTicket(_) => "create_ticket",
            DestinationOp::AddPart { .. } => "add_part",
            DestinationOp::UpdateThread { .. } => "update_thread",
            DestinationOp::TagThread { .. } => "tag_thread",
            DestinationOp::LinkThreads { .. } => "link_threads",
            DestinationOp::AssignThread { .. } => "assign_thread",
            DestinationOp::SetThreadState { .. } => "set_thread_state",
        }
    }
}
