//! The report document: one serialisable value holding everything a migration produced, from
//! discovery to rollback, that the renderers turn into HTML, Markdown and JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::io;

use chrono::{DateTime, Utc};
use migration_core::inventory::WrittenInventory;
use migration_core::keys::RecordKey;
use migration_core::model::destination::DestinationSchema;
use migration_core::model::source::{SourceRef, SourceSchema, WireReport};
use migration_core::ops::{DestinationOp, Operation};
use migration_core::spec::FieldUsage;
use serde::{Deserialize, Serialize};

use super::lists::{ListFolder, Listed, COMPANIES_WITHOUT_CONTACTS_LIST};
use super::sections::{PreflightSection, RollbackSection, RunSection, VerificationSection};
use super::words;

/// Everything about one migration project, as one document.
///
/// Every section is optional: a report written after `discover` has only the discovery, one
/// written after `rollback` has everything. Per-record lists hold counts and the first few
/// records of each reason; every record is in the list files beside the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationReport {
    /// The project's name (its folder, or the name in `migration.toml`).
    pub project: String,
    /// When the report was written.
    pub generated_at: DateTime<Utc>,
    /// The version of the tool that wrote it.
    pub tool_version: String,
    /// What discovery found on both sides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discovery: Option<DiscoverySummary>,
    /// The pre-flight findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preflight: Option<PreflightSection>,
    /// Every run, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<RunSection>,
    /// The latest verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<VerificationSection>,
    /// The latest rollback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback: Option<RollbackSection>,
    /// What has no API and must be rebuilt by hand in Intercom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<WrittenInventory>,
    /// Companies the plan writes with no contact attached, which Intercom leaves out of its
    /// company lists until one is (kept by `plan`).
    #[serde(default, skip_serializing_if = "Listed::is_empty")]
    pub companies_without_contacts: Listed<CompanyWithoutContacts>,
    /// When every open ticket in scope was first in Intercom (an open-first run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_tickets_in_intercom: Option<OpenTicketsInIntercom>,
}

/// The moment the open pass of an open-first run ended with every open ticket in Intercom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenTicketsInIntercom {
    /// When.
    pub at: DateTime<Utc>,
    /// Open tickets in Intercom then.
    pub tickets: u64,
}

impl OpenTicketsInIntercom {
    /// The moment in a sentence.
    pub fn sentence(&self) -> String {
        format!(
            "All {} open tickets were in Intercom at {}; the history followed them.",
            words::count(self.tickets),
            self.at.format("%Y-%m-%d %H:%M:%S UTC")
        )
    }
}

/// A company no migrated contact is attached to. Intercom's API "does not include companies who
/// have no associated users in list responses" (`GET /companies`, `POST /companies/list`, the
/// scroll), and its Inbox shows a company only once a user is associated: lookups by
/// `company_id` or id still find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyWithoutContacts {
    /// The Vivantio organisation.
    pub record: SourceRef,
    /// Its `company_id` in Intercom.
    pub company_id: String,
    /// Its name.
    pub name: String,
}

impl CompanyWithoutContacts {
    /// The companies `operations` create that no `AttachContactToCompany` among them links to,
    /// in the order created.
    pub fn find(operations: &[Operation]) -> Vec<Self> {
        let attached: BTreeSet<&RecordKey> = operations
            .iter()
            .filter_map(|operation| match &operation.op {
                DestinationOp::AttachContactToCompany { company, .. } => Some(company),
                _ => None,
            })
            .collect();
        operations
            .iter()
            .filter_map(|operation| match (&operation.op, &operation.creates) {
                (DestinationOp::UpsertCompany(company), Some(key)) if !attached.contains(key) => {
                    Some(Self {
                        record: operation.source?,
                        company_id: company.company_id.clone(),
                        name: company.name.clone(),
                    })
                }
                _ => None,
            })
            .collect()
    }
}

/// The companies no contact is attached to, summarised; the list is
/// `companies-without-contacts.jsonl`.
pub fn companies_without_contacts(
    companies: &[CompanyWithoutContacts],
    lists: &ListFolder,
) -> io::Result<Listed<CompanyWithoutContacts>> {
    lists.listed(
        &format!("{COMPANIES_WITHOUT_CONTACTS_LIST}.jsonl"),
        companies,
    )
}

impl MigrationReport {
    /// The list files the report links to, in the order it shows them.
    pub fn list_files(&self) -> Vec<&str> {
        let mut files = Vec::new();
        if let Some(preflight) = &self.preflight {
            files.push(&preflight.findings.file);
        }
        files.push(&self.companies_without_contacts.file);
        for run in &self.runs {
            files.extend([
                &run.rejections.file,
                &run.failures.file,
                &run.unlinked_children.file,
                &run.sample.file,
            ]);
        }
        if let Some(verification) = &self.verification {
            files.extend([
                &verification.differences.file,
                &verification.unreadable_parts.file,
                &verification.foreign_parts.file,
            ]);
        }
        if let Some(rollback) = &self.rollback {
            files.extend([
                &rollback.failures.file,
                &rollback.uncertain.file,
                &rollback.kept.file,
            ]);
        }
        files.into_iter().filter_map(Option::as_deref).collect()
    }
}

impl MigrationReport {
    /// An empty report of `project`, stamped with this tool's version.
    pub fn new(project: impl Into<String>, generated_at: DateTime<Utc>) -> Self {
        Self {
            project: project.into(),
            generated_at,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            discovery: None,
            preflight: None,
            runs: Vec::new(),
            verification: None,
            rollback: None,
            inventory: None,
            companies_without_contacts: Listed::default(),
            open_tickets_in_intercom: None,
        }
    }
}

/// What discovery found in Vivantio and in the Intercom workspace, before anything moves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiscoverySummary {
    /// Records per source object (`tickets`, `callers`, `actions`…).
    pub records: BTreeMap<String, u64>,
    /// Custom fields, modern and legacy.
    pub custom_fields: CustomFieldCounts,
    /// Records read per record type and records holding a value per custom field: `plan`
    /// proposes the fields almost nobody fills as skipped.
    #[serde(skip_serializing_if = "FieldUsage::is_empty")]
    pub field_usage: FieldUsage,
    /// Attachment volume and the largest files.
    pub attachments: AttachmentSummary,
    /// Knowledge-base articles per category and language.
    pub articles: Vec<ArticleTally>,
    /// Vivantio agents.
    pub agents: u64,
    /// Vivantio groups.
    pub groups: u64,
    /// What the Intercom workspace already has.
    pub intercom: IntercomSummary,
    /// What reading proved about Vivantio's API: contradicted assumptions, fallbacks taken,
    /// and the spellings this tenant uses.
    pub wire: WireReport,
    /// What the last `doctor` found, when it ran before this discovery.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doctor: Option<DoctorDigest>,
}

/// The last `doctor`'s verdicts, counted, with the checks that did not hold named.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorDigest {
    /// Checks that held.
    pub held: usize,
    /// Checks nothing read could decide.
    pub cannot_tell: usize,
    /// Checks the answers contradicted, by name.
    pub contradicted: Vec<String>,
    /// Checks that block the migration, by name.
    pub blocking: Vec<String>,
}

impl DiscoverySummary {
    /// The parts that both schemas tell; record counts, attachments, articles and the Help
    /// Center come from reading the records and are left for the caller to fill.
    pub fn from_schemas(source: &SourceSchema, destination: &DestinationSchema) -> Self {
        Self {
            custom_fields: CustomFieldCounts::from_schema(source),
            agents: source.agents.len() as u64,
            groups: source.groups.len() as u64,
            intercom: IntercomSummary::from_schema(destination),
            ..Self::default()
        }
    }
}

/// How many custom fields each kind of Vivantio field definition holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomFieldCounts {
    /// Fields of modern custom forms.
    pub modern: u64,
    /// Legacy extension fields (each must be remapped or archived).
    pub legacy: u64,
}

impl CustomFieldCounts {
    /// Counts the fields of a discovered schema.
    pub fn from_schema(schema: &SourceSchema) -> Self {
        Self {
            modern: schema.custom_fields().count() as u64,
            legacy: schema.legacy_fields.len() as u64,
        }
    }
}

/// Attachments: how many, how big, and the largest ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AttachmentSummary {
    /// Attachments on tickets and their actions.
    pub count: u64,
    /// Their total size, in bytes (files of unknown size count as 0).
    pub total_bytes: u64,
    /// Attachments over Intercom's size limit.
    pub over_limit: u64,
    /// The largest files, largest first.
    pub largest: Vec<LargeFile>,
}

impl AttachmentSummary {
    /// Counts one attachment of `bytes` on ticket `ticket_id`, keeping the `keep` largest
    /// files and counting those over `limit` bytes.
    pub fn add(&mut self, ticket_id: i64, file_name: &str, bytes: u64, limit: u64, keep: usize) {
        self.count += 1;
        self.total_bytes = self.total_bytes.saturating_add(bytes);
        if bytes > limit {
            self.over_limit += 1;
        }
        let smallest_kept = self.largest.last().map_or(0, |file| file.bytes);
        if self.largest.len() < keep || bytes > smallest_kept {
            let position = self.largest.partition_point(|file| file.bytes >= bytes);
            self.largest.insert(
                position,
                LargeFile {
                    ticket_id,
                    file_name: file_name.to_string(),
                    bytes,
                },
            );
            self.largest.truncate(keep);
        }
    }
}

/// One large attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LargeFile {
    /// The ticket it is attached to.
    pub ticket_id: i64,
    /// Its file name.
    pub file_name: String,
    /// Its size, in bytes.
    pub bytes: u64,
}

/// Knowledge-base articles of one category in one language.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ArticleTally {
    /// The category's name (`(no category)` when the article has none).
    pub category: String,
    /// The language code (`(unknown)` when Vivantio gives none).
    pub language: String,
    /// How many articles.
    pub articles: u64,
}

/// What the Intercom workspace has before the migration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntercomSummary {
    /// Non-archived attributes per model (`contact`, `company`, `conversation`, `ticket`).
    pub attributes: BTreeMap<String, u64>,
    /// Admins (teammates).
    pub admins: u64,
    /// Team names.
    pub teams: Vec<String>,
    /// Ticket type names.
    pub ticket_types: Vec<String>,
    /// Whether the workspace has a Help Center to receive the articles.
    pub help_center: HelpCenterStatus,
    /// Whether SLAs can be used, in a sentence (the API cannot tell; a person must check).
    pub sla_note: String,
}

impl IntercomSummary {
    /// Everything the destination schema tells; the Help Center and the SLA note are left for
    /// the caller to fill.
    pub fn from_schema(schema: &DestinationSchema) -> Self {
        let mut attributes = BTreeMap::new();
        for attribute in schema.attributes.iter().filter(|a| !a.archived) {
            *attributes
                .entry(attribute.model.as_str().to_string())
                .or_insert(0) += 1;
        }
        Self {
            attributes,
            admins: schema.admins.len() as u64,
            teams: schema.teams.iter().map(|team| team.name.clone()).collect(),
            ticket_types: schema
                .ticket_types
                .iter()
                .map(|ticket_type| ticket_type.name.clone())
                .collect(),
            help_center: HelpCenterStatus::NotChecked,
            sla_note: String::new(),
        }
    }
}

/// Whether the workspace has a Help Center.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum HelpCenterStatus {
    /// Discovery did not look.
    #[default]
    NotChecked,
    /// There is none: articles cannot move until one is set up.
    Missing,
    /// There is one.
    Present {
        /// Collections it already has.
        collections: u64,
        /// Articles it already has.
        articles: u64,
    },
}

impl HelpCenterStatus {
    /// The Help Center's state, in words.
    pub(crate) fn text(self) -> String {
        match self {
            HelpCenterStatus::NotChecked => "not checked".to_string(),
            HelpCenterStatus::Missing => "none: set one up before articles can move".to_string(),
            HelpCenterStatus::Present {
                collections,
                articles,
            } => format!(
                "present · {} collections · {} articles",
                words::count(collections),
                words::count(articles)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_keep_the_largest_files_largest_first() {
        let mut summary = AttachmentSummary::default();
        for (ticket, bytes) in [(1, 10), (2, 50), (3, 30), (4, 40), (5, 5)] {
            summary.add(ticket, "file", bytes, 35, 3);
        }
        let kept: Vec<u64> = summary.largest.iter().map(|file| file.bytes).collect();
        assert_eq!(kept, [50, 40, 30]);
        assert_eq!(
            (summary.count, summary.total_bytes, summary.over_limit),
            (5, 135, 2)
        );
    }

    #[test]
    fn the_intercom_side_counts_live_attributes_per_model() {
        use migration_core::model::destination::{
            AttributeModel, AttributeType, ExistingAttribute, Team,
        };
        let attribute = |model, archived| ExistingAttribute {
            model,
            name: "plan".into(),
            data_type: AttributeType::String,
            options: Vec::new(),
            ticket_type: None,
            archived,
        };
        let schema = DestinationSchema {
            attributes: vec![
                attribute(AttributeModel::Contact, false),
                attribute(AttributeModel::Contact, true),
                attribute(AttributeModel::Company, false),
            ],
            teams: vec![Team {
                id: "1".into(),
                name: "Billing".into(),
            }],
            ..DestinationSchema::default()
        };
        let summary = IntercomSummary::from_schema(&schema);
        assert_eq!(
            summary.attributes,
            BTreeMap::from([("company".to_string(), 1), ("contact".to_string(), 1)])
        );
        assert_eq!(summary.teams, ["Billing"]);
        assert_eq!(summary.help_center, HelpCenterStatus::NotChecked);
    }
}
