//! The migration's own model of an Intercom workspace: what it writes and what it reads back.

mod attributes;
mod observed;
mod records;
mod schema;

pub use attributes::{AttributeDefinition, AttributeModel, AttributeType, AttributeValue};
pub use observed::ObservedRecord;
pub use records::{
    ArticleRecord, ArticleState, AttributeValues, CollectionRecord, CompanyRecord, ContactRecord,
    ContactRole, ConversationOpening, ConversationState, FileRef, PartAuthor, PartKind, PartRecord,
    PriorityLevel, ThreadState, TicketCategory, TicketRecord, TicketStateCategory,
    TicketTypeDefinition,
};
pub use schema::{Admin, DestinationSchema, ExistingAttribute, ExistingTicketType, Team};
