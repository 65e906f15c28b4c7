//! `confirm`: records the person's approval of exactly the current mapping.toml.

use migration_core::spec::check;

use super::{port_failure, read_mapping, Outcome};
use crate::error::CliError;
use crate::private_files::write_private;
use crate::project::Project;

/// What `confirm` recorded.
#[derive(Debug, serde::Serialize)]
pub struct Confirmed {
    /// The content hash that was approved.
    pub hash: String,
    /// Who approved it.
    pub by: String,
}

/// Checks the mapping against both sides, then writes the confirmation into the file and the
/// state store.
pub async fn run(project: &Project, who: &str) -> Result<Outcome, CliError> {
    let spec = read_mapping(project)?;
    let original = std::fs::read_to_string(project.mapping_path()).map_err(|error| {
        CliError::failed(format!(
            "cannot read {}: {error}",
            project.mapping_path().display()
        ))
    })?;
    let source = project.source()?;
    let destination = project.destination()?;
    let source_schema = migration_core::ports::Source::schema(&source)
        .await
        .map_err(port_failure)?;
    let destination_schema = migration_core::ports::Destination::schema(&destination)
        .await
        .map_err(port_failure)?;
    let mut report = check(&spec, &source_schema, &destination_schema);
    super::scope::check_organisations(&source, &spec, &mut report).await?;
    let references = super::references::check(project, &spec).await?;
    let blocking: Vec<String> = references
        .iter()
        .filter(|issue| issue.blocking)
        .map(ToString::to_string)
        .collect();
    if !report.is_ok() || !blocking.is_empty() {
        return Err(CliError::Refused(format!(
            "the mapping has errors; fix them and confirm again:\n{report}{}",
            blocking.join("\n")
        )));
    }
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let confirmed = spec.confirmed(who, at);
    let hash = confirmed.content_hash();
    let text = confirmed
        .confirmation_into(&original)
        .map_err(|error| CliError::failed(format!("cannot write the mapping: {error}")))?;
    let path = project.mapping_path();
    write_private(&path, &text)
        .map_err(|error| CliError::failed(format!("cannot write {}: {error}", path.display())))?;
    project.open_store()?.confirm_mapping(&hash, &text)?;
    Ok(Outcome::ok(
        format!(
            "confirmed {} (content hash {})",
            path.display(),
            hash.as_str()
        ),
        &Confirmed {
            hash: hash.as_str().to_string(),
            by: who.to_string(),
        },
    ))
}
