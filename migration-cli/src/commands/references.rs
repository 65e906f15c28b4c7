//! What `plan` checks of the destination beyond the mapping checker's admins and teams: the
//! Help Center articles need, and the one fallback admin both files could name.

use migration_core::model::source::SourceKind;
use migration_core::spec::MappingSpec;

use crate::error::CliError;
use crate::project::Project;

/// One thing `plan` found about what the mapping refers to in Intercom.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReferenceIssue {
    /// Whether it blocks `confirm` and the migration.
    pub blocking: bool,
    /// Where (`articles`, `admins.fallback_email`).
    pub path: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl std::fmt::Display for ReferenceIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = if self.blocking { "error" } else { "warning" };
        write!(f, "{level}: {}: {}", self.path, self.message)
    }
}

/// Checks what the mapping needs of Intercom that the schema does not show: a Help Center
/// when there are articles to move (asked of Intercom), and whether `migration.toml`'s
/// `intercom.fallback_admin` still agrees with `mapping.toml`'s `admins.fallback_email` (the
/// mapping's is the one used once it exists).
pub async fn check(project: &Project, spec: &MappingSpec) -> Result<Vec<ReferenceIssue>, CliError> {
    let mut issues = Vec::new();
    if let Some(configured) = project
        .settings
        .intercom
        .fallback_admin
        .as_deref()
        .map(str::trim)
        .filter(|configured| !configured.is_empty())
    {
        let mapped = spec.admins.fallback_email.trim();
        if !configured.eq_ignore_ascii_case(mapped) {
            issues.push(ReferenceIssue {
                blocking: false,
                path: "admins.fallback_email".into(),
                message: format!(
                    "migration.toml's intercom.fallback_admin is {configured} but mapping.toml's admins.fallback_email is {mapped}; the mapping's is used. Make them agree (or remove intercom.fallback_admin, which only seeds a new proposal)"
                ),
            });
        }
    }
    let discovered = super::discovered_counts(project);
    let articles = (!discovered.is_empty()).then(|| {
        discovered
            .iter()
            .find(|(kind, _)| *kind == SourceKind::Article)
            .map_or(0, |(_, count)| *count)
    });
    if articles != Some(0) {
        let client = project.intercom_client()?;
        let help_centers = client.help_center().list_help_centers().await;
        if matches!(&help_centers, Ok(sites) if sites.is_empty()) {
            let count = articles.map_or_else(
                || "the knowledge base's articles (run `discover` to count them)".to_string(),
                |count| format!("{count} articles"),
            );
            issues.push(ReferenceIssue {
                blocking: articles.is_some(),
                path: "articles".into(),
                message: format!(
                    "the Intercom workspace has no Help Center, so {count} cannot move; set one up in Intercom (Settings → Help Center), then plan again"
                ),
            });
        }
    }
    Ok(issues)
}
