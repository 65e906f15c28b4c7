//! A whole source instance held in memory (the sample, tests, small tenants).

use serde::{Deserialize, Serialize};

use super::{AdminInventory, Article, Caller, Organisation, SourceSchema, Ticket};

/// Every record of an instance. Large tenants are streamed through [`crate::ports::Source`]
/// instead.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceInstance {
    /// Configuration.
    pub schema: SourceSchema,
    /// Organisations.
    pub organisations: Vec<Organisation>,
    /// Callers.
    pub callers: Vec<Caller>,
    /// Tickets, with their actions.
    pub tickets: Vec<Ticket>,
    /// Knowledge-base articles.
    pub articles: Vec<Article>,
    /// What no API offers.
    pub inventory: AdminInventory,
}

impl SourceInstance {
    /// The directory of this instance's callers, organisations and tickets.
    pub fn directory(&self) -> crate::transform::SourceDirectory {
        crate::transform::SourceDirectory::build(&self.organisations, &self.callers, &self.tickets)
    }
}
