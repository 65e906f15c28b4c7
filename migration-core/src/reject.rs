//! Machine-readable reasons, and the findings and rejections that carry them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::source::SourceRef;

/// Why something will not move as it is; stable codes for reports and scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// A caller has no email.
    MissingEmail,
    /// A caller's email cannot be an address.
    MalformedEmail,
    /// Several callers share an email; they become one contact.
    DuplicateEmail,
    /// A phone number could not be read as E.164; it is kept as text.
    UnparsedPhone,
    /// A caller names an organisation that does not exist.
    OrphanedCaller,
    /// A ticket names a caller that does not exist (or none).
    OrphanedTicket,
    /// A ticket names a parent ticket that does not exist.
    MissingParent,
    /// Parent/child links form a cycle.
    ParentCycle,
    /// A ticket carries values of legacy extension fields.
    LegacyField,
    /// An attachment is over the size limit.
    AttachmentTooLarge,
    /// A ticket's type has no rule in the specification.
    UnmappedTicketType,
    /// A status, priority, category or origin has no rule; a default applies.
    UnmappedValue,
    /// Actions are dated before the ticket or before each other; they are reordered.
    PartOrderConflict,
    /// A custom value could not be converted; it is kept in the archive note.
    InvalidValue,
    /// A ticket has no date to place it in time.
    MissingDate,
    /// A record was deleted in Vivantio and is skipped.
    DeletedRecord,
    /// An author has no admin; the fallback admin writes it.
    UnmatchedAuthor,
    /// An inline image has no re-hosted copy; the link keeps pointing at Vivantio.
    UnresolvedImage,
    /// An article's category is not a knowledge-base category.
    MissingCategory,
    /// A history event without text is not a message and is not moved.
    SkippedEvent,
    /// A ticket has more attachments on a part than Intercom takes; they are split over parts.
    SplitAttachments,
    /// An attachment's name is not safe to save (a path, a device name, control characters);
    /// it is uploaded under a safe name.
    RenamedFile,
    /// A text held control characters (NUL, BEL, ESC sequences); they are removed.
    ControlCharacters,
    /// The source's API contradicted something the tool assumed about it (a field absent from
    /// every record, a missing action, a cut answer).
    WireAssumption,
    /// Values matched a redaction rule and were replaced (or an attachment whose name matched
    /// was left out); the finding names the rule and the count, never the value.
    Redacted,
}

impl ReasonCode {
    /// Whether a record rejected for this reason is one the mapping leaves out on purpose
    /// (deleted in Vivantio), not one a person must look at: a run whose only rejections are
    /// these succeeded.
    pub fn is_deliberate_skip(self) -> bool {
        matches!(self, ReasonCode::DeletedRecord | ReasonCode::SkippedEvent)
    }

    /// The code as text (`missing_email`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::MissingEmail => "missing_email",
            ReasonCode::MalformedEmail => "malformed_email",
            ReasonCode::DuplicateEmail => "duplicate_email",
            ReasonCode::UnparsedPhone => "unparsed_phone",
            ReasonCode::OrphanedCaller => "orphaned_caller",
            ReasonCode::OrphanedTicket => "orphaned_ticket",
            ReasonCode::MissingParent => "missing_parent",
            ReasonCode::ParentCycle => "parent_cycle",
            ReasonCode::LegacyField => "legacy_field",
            ReasonCode::AttachmentTooLarge => "attachment_too_large",
            ReasonCode::UnmappedTicketType => "unmapped_ticket_type",
            ReasonCode::UnmappedValue => "unmapped_value",
            ReasonCode::PartOrderConflict => "part_order_conflict",
            ReasonCode::InvalidValue => "invalid_value",
            ReasonCode::MissingDate => "missing_date",
            ReasonCode::DeletedRecord => "deleted_record",
            ReasonCode::UnmatchedAuthor => "unmatched_author",
            ReasonCode::UnresolvedImage => "unresolved_image",
            ReasonCode::MissingCategory => "missing_category",
            ReasonCode::SkippedEvent => "skipped_event",
            ReasonCode::SplitAttachments => "split_attachments",
            ReasonCode::RenamedFile => "renamed_file",
            ReasonCode::ControlCharacters => "control_characters",
            ReasonCode::WireAssumption => "wire_assumption",
            ReasonCode::Redacted => "redacted",
        }
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Moves, with a change worth knowing.
    Info,
    /// Moves, but not as it is (flagged, defaulted, archived into a note).
    Warning,
    /// Does not move.
    Error,
}

/// Something a person should know before anything moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// How serious.
    pub severity: Severity,
    /// The record it is about.
    pub record: SourceRef,
    /// Machine-readable reason.
    pub code: ReasonCode,
    /// What is wrong, in a sentence.
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// The figures of a `redacted` finding, which reports add up per rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redaction: Option<RedactionCount>,
}

impl Finding {
    /// A finding.
    pub fn new(
        severity: Severity,
        record: SourceRef,
        code: ReasonCode,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            severity,
            record,
            code,
            message: message.into(),
            fix: fix.into(),
            redaction: None,
        }
    }
}

/// What one redaction rule did to one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionCount {
    /// The rule (`card`, `credential`, or a pattern's name).
    pub rule: String,
    /// Values replaced in what the record sends.
    pub values: u64,
    /// Attachments left out because their name matched.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub attachments_skipped: u64,
}

fn is_zero(count: &u64) -> bool {
    *count == 0
}

/// What one redaction rule did over many records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleTotal {
    /// Values replaced.
    pub values: u64,
    /// Attachments left out.
    #[serde(default)]
    pub attachments_skipped: u64,
    /// Records with at least one of either.
    pub records: u64,
}

/// Redactions per rule, added up from `redacted` findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RedactionTotals(pub BTreeMap<String, RuleTotal>);

impl RedactionTotals {
    /// Adds `finding`'s figures, if it is a `redacted` finding.
    pub fn add(&mut self, finding: &Finding) {
        let Some(count) = &finding.redaction else {
            return;
        };
        let total = self.0.entry(count.rule.clone()).or_default();
        total.values += count.values;
        total.attachments_skipped += count.attachments_skipped;
        total.records += 1;
    }

    /// Whether nothing was redacted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// One line per rule (`card: 3 values in 2 records`), for the terminal.
    pub fn lines(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|(rule, total)| {
                let mut line = format!(
                    "{rule}: {} value{} in {} record{}",
                    total.values,
                    plural(total.values),
                    total.records,
                    plural(total.records)
                );
                if total.attachments_skipped > 0 {
                    line.push_str(&format!(
                        ", {} attachment{} left out",
                        total.attachments_skipped,
                        plural(total.attachments_skipped)
                    ));
                }
                line
            })
            .collect()
    }
}

fn plural(count: u64) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// A record that cannot be mapped at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{record} rejected ({}): {message}", code.as_str())]
pub struct Rejection {
    /// The record.
    pub record: SourceRef,
    /// Machine-readable reason.
    pub code: ReasonCode,
    /// Why, in a sentence.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl Rejection {
    /// A rejection.
    pub fn new(
        record: SourceRef,
        code: ReasonCode,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            record,
            code,
            message: message.into(),
            fix: fix.into(),
        }
    }

    /// The rejection as an error finding, for reports.
    pub fn to_finding(&self) -> Finding {
        Finding::new(
            Severity::Error,
            self.record,
            self.code,
            self.message.clone(),
            self.fix.clone(),
        )
    }
}
