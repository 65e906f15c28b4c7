//! What the checker reports: one issue per problem, and the report that collects them.
//!
//! A module of its own so that the checks outside `check` (the scope's) add to the report
//! without depending on the checker that calls them.

use serde::{Deserialize, Serialize};

/// What kind of problem an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueCode {
    /// The attribute exists with another type, or two rules give it different types.
    TypeClash,
    /// Intercom refuses the attribute name.
    InvalidAttributeName,
    /// Two sources write to one attribute.
    DuplicateTarget,
    /// A ticket type of the instance has no rule.
    UnmappedTicketType,
    /// A legacy field has no decision.
    UndecidedLegacyField,
    /// The attribute type does not exist on that model.
    UnsupportedType,
    /// A ticket rule names no Intercom ticket type.
    MissingTicketTypeName,
    /// A field rule names a value map that does not exist.
    UnknownValueMap,
    /// A field rule reads a custom field the instance does not have.
    UnknownSourceField,
    /// The time zone is not an IANA zone.
    InvalidTimeZone,
    /// A pattern is not a valid regular expression.
    InvalidPattern,
    /// No fallback admin is configured.
    MissingFallbackAdmin,
    /// A list attribute has no options.
    ListWithoutOptions,
    /// A limit is outside what Intercom accepts.
    InvalidLimit,
    /// A remapped legacy field names no attribute or type.
    IncompleteRemap,
    /// A status or priority has no rule; a default applies.
    UnmappedValue,
    /// A rule names something the instance does not have.
    UnknownSource,
    /// A rule names an admin or team the Intercom workspace does not have.
    UnknownDestination,
    /// A range ends before it starts.
    InvertedRange,
}

/// One problem in a specification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecIssue {
    /// Whether it blocks confirmation.
    pub blocking: bool,
    /// Where in the document (`fields[3].attribute`).
    pub path: String,
    /// Machine-readable code.
    pub code: IssueCode,
    /// What is wrong.
    pub message: String,
}

/// Everything the checker found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    /// Problems, blocking first.
    pub issues: Vec<SpecIssue>,
}

impl CheckReport {
    /// Whether nothing blocks confirmation.
    pub fn is_ok(&self) -> bool {
        !self.issues.iter().any(|issue| issue.blocking)
    }

    /// The blocking problems.
    pub fn errors(&self) -> impl Iterator<Item = &SpecIssue> {
        self.issues.iter().filter(|issue| issue.blocking)
    }

    pub(super) fn error(
        &mut self,
        path: impl Into<String>,
        code: IssueCode,
        message: impl Into<String>,
    ) {
        self.issues.push(SpecIssue {
            blocking: true,
            path: path.into(),
            code,
            message: message.into(),
        });
    }

    pub(super) fn warning(
        &mut self,
        path: impl Into<String>,
        code: IssueCode,
        message: impl Into<String>,
    ) {
        self.issues.push(SpecIssue {
            blocking: false,
            path: path.into(),
            code,
            message: message.into(),
        });
    }
}

impl std::fmt::Display for CheckReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for issue in &self.issues {
            let level = if issue.blocking { "error" } else { "warning" };
            writeln!(f, "{level}: {}: {}", issue.path, issue.message)?;
        }
        Ok(())
    }
}
