//! The parts of the report in the order every rendering shows them: each renderer walks
//! [`MigrationReport::parts`] and lays out each part its own way.

use migration_core::inventory::WrittenInventory;

use super::lists::Listed;
use super::model::{CompanyWithoutContacts, DiscoverySummary, MigrationReport};
use super::sections::{PreflightSection, RollbackSection, RunSection, VerificationSection};

/// One part of the report, with what it shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Part<'a> {
    /// The counts per object of the baseline run (or that nothing has run yet).
    Objects,
    /// What discovery found.
    Discovery(&'a DiscoverySummary),
    /// The pre-flight findings.
    Preflight(&'a PreflightSection),
    /// The companies Intercom will not list until a contact is attached.
    UnlistedCompanies(&'a Listed<CompanyWithoutContacts>),
    /// Every run, oldest first.
    Runs(&'a [RunSection]),
    /// The latest verification.
    Verification(&'a VerificationSection),
    /// The latest rollback.
    Rollback(&'a RollbackSection),
    /// What must be rebuilt by hand.
    Inventory(&'a WrittenInventory),
}

impl Part<'_> {
    /// The part's title, as a table of contents lists it.
    pub(crate) fn title(&self) -> &'static str {
        match self {
            Part::Objects => "Counts per object",
            Part::Discovery(_) => "Discovery",
            Part::Preflight(_) => "Pre-flight",
            Part::UnlistedCompanies(_) => "Companies Intercom will not list",
            Part::Runs(_) => "Runs",
            Part::Verification(_) => "Verification",
            Part::Rollback(_) => "Rollback",
            Part::Inventory(_) => "Written inventory",
        }
    }
}

impl MigrationReport {
    /// The parts this report has, in order: the counts per object always, every other part
    /// when there is something to show.
    pub(crate) fn parts(&self) -> Vec<Part<'_>> {
        let mut parts = vec![Part::Objects];
        parts.extend(self.discovery.as_ref().map(Part::Discovery));
        parts.extend(self.preflight.as_ref().map(Part::Preflight));
        if !self.companies_without_contacts.is_empty() {
            parts.push(Part::UnlistedCompanies(&self.companies_without_contacts));
        }
        if !self.runs.is_empty() {
            parts.push(Part::Runs(&self.runs));
        }
        parts.extend(self.verification.as_ref().map(Part::Verification));
        parts.extend(self.rollback.as_ref().map(Part::Rollback));
        parts.extend(self.inventory.as_ref().map(Part::Inventory));
        parts
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::report::sections::RollbackSection;

    #[test]
    fn parts_keep_the_report_order_and_leave_out_what_there_is_nothing_of() {
        let mut report = MigrationReport::new("project", Utc::now());
        assert_eq!(report.parts(), [Part::Objects]);
        report.rollback = Some(RollbackSection::default());
        report.discovery = Some(DiscoverySummary::default());
        let titles: Vec<&str> = report.parts().iter().map(Part::title).collect();
        assert_eq!(titles, ["Counts per object", "Discovery", "Rollback"]);
    }
}
