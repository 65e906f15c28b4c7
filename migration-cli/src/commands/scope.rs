//! The mapping's `[scope]` as `plan` shows it: the scope in a line and how many records it
//! leaves out, counted by reading tickets as Vivantio lists them (no history) and articles;
//! and the organisation ids it names, checked against Vivantio's organisations.

use futures::TryStreamExt;
use migration_core::model::source::SourceSchema;
use migration_core::ports::Source;
use migration_core::scope::{census, referenced_people, ScopeCensus, ScopeFilter};
use migration_core::spec::{check_scope_organisations, CheckReport, MappingSpec};
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
}

impl ScopeSummary {
    /// The summary as `plan` prints it.
    pub fn lines(&self) -> Vec<String> {
        vec![match &self.left_out {
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
        }]
    }
}

/// Summarises `spec`'s scope over `source`, whose organisations and callers `directory`
/// holds (unrestricted, as `plan` reads it), then restricts `directory` to the callers and
/// organisations that move, as a run does, so that pre-flight checks only those.
pub async fn summary(
    source: &dyn Source,
    spec: &MappingSpec,
    schema: &SourceSchema,
    directory: &mut SourceDirectory,
) -> Result<ScopeSummary, CliError> {
    let filter = ScopeFilter::of_spec(spec, schema);
    let left_out = if filter.is_everything() {
        None
    } else {
        let referenced = referenced_people(source, &filter, directory)
            .await
            .map_err(port_failure)?;
        let counted = census(source, &filter, &referenced, directory)
            .await
            .map_err(port_failure)?;
        referenced.restrict(directory);
        Some(counted)
    };
    Ok(ScopeSummary {
        scope: spec.scope.to_string(),
        left_out,
    })
}

/// Adds to `report` an error for each organisation id `[scope.tickets] organisations` names
/// that Vivantio lacks, with the nearest it has; reads the organisations only when the scope
/// names some.
pub async fn check_organisations(
    source: &dyn Source,
    spec: &MappingSpec,
    report: &mut CheckReport,
) -> Result<(), CliError> {
    if spec.scope.tickets.organisations.is_empty() {
        return Ok(());
    }
    let mut known = Vec::new();
    let mut organisations = source.organisations();
    while let Some(organisation) = organisations.try_next().await.map_err(port_failure)? {
        known.push((organisation.id, organisation.name));
    }
    check_scope_organisations(&spec.scope, &known, report);
    Ok(())
}
