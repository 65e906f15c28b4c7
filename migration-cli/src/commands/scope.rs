//! The mapping's `[scope]` as `plan` shows it: the scope in a line and how many records it
//! leaves out, counted by reading tickets as Vivantio lists them (no history) and articles.

use migration_core::model::source::SourceSchema;
use migration_core::ports::Source;
use migration_core::scope::{census, ScopeCensus, ScopeFilter};
use migration_core::spec::MappingSpec;
use migration_core::transform::SourceDirectory;
use serde::Serialize;

use super::port_failure;
use crate::error::CliError;
use crate::numbers::thousands;

/// What the scope moves and leaves out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScopeSummary {
    /// The scope in words.
    pub scope: String,
    /// What it leaves out, when it leaves anything out (everything moves otherwise, and
    /// nothing is read to count it).
    pub left_out: Option<ScopeCensus>,
    /// Organisation ids `[scope.tickets] organisations` names that Vivantio does not have.
    pub unknown_organisations: Vec<i64>,
}

impl ScopeSummary {
    /// The summary as `plan` prints it: a line, and a warning per unknown organisation.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![match &self.left_out {
            None => format!("scope: {}", self.scope),
            Some(census) => {
                let kinds = [
                    (census.tickets, "tickets"),
                    (census.callers, "callers"),
                    (census.organisations, "organisations"),
                    (census.articles, "articles"),
                ]
                .iter()
                .map(|(kind, noun)| {
                    format!(
                        "{} of {} {noun}",
                        thousands(kind.left_out),
                        thousands(kind.total)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
                format!(
                    "scope: {}; leaves out {} records ({kinds}), counted as out of scope, not rejected",
                    self.scope,
                    thousands(census.left_out())
                )
            }
        }];
        for id in &self.unknown_organisations {
            lines.push(format!(
                "warning: scope.tickets.organisations: Vivantio has no organisation {id}; no ticket of it would move"
            ));
        }
        lines
    }
}

/// Summarises `spec`'s scope over `source`, whose organisations and callers `directory`
/// holds (unrestricted, as `plan` reads it).
pub async fn summary(
    source: &dyn Source,
    spec: &MappingSpec,
    schema: &SourceSchema,
    directory: &SourceDirectory,
) -> Result<ScopeSummary, CliError> {
    let scope = &spec.scope;
    let filter = ScopeFilter::of_spec(spec, schema);
    let left_out = if filter.is_everything() {
        None
    } else {
        Some(
            census(source, &filter, directory)
                .await
                .map_err(port_failure)?,
        )
    };
    Ok(ScopeSummary {
        scope: scope.to_string(),
        left_out,
        unknown_organisations: scope
            .tickets
            .organisations
            .iter()
            .copied()
            .filter(|id| !directory.has_organisation(*id))
            .collect(),
    })
}
