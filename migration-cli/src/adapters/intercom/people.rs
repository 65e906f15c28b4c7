//! People operations: matching Vivantio agents to Intercom admins by email and groups to teams
//! by name. Intercom cannot create either, so nothing is written; admins and teams are listed
//! once per process.

use migration_core::ports::{ExecutionOutcome, ResolvedRefs, WriteEffect};
use migration_core::{PortError, RecordKey};

use super::destination::{outcome, IntercomDestination};
use super::errors::{reading, rejected};

impl IntercomDestination {
    /// Admins as `(id, name, email)`, listed once.
    pub(crate) async fn admins(&self) -> Result<&[(String, String, Option<String>)], PortError> {
        let admins = self
            .session
            .admins
            .get_or_try_init(|| async {
                let admins = self
                    .client
                    .admins()
                    .list()
                    .await
                    .map_err(reading("listing admins"))?;
                Ok::<_, PortError>(
                    admins
                        .into_iter()
                        .map(|admin| {
                            (
                                admin.id.into_string(),
                                admin.name.unwrap_or_default(),
                                admin.email,
                            )
                        })
                        .collect(),
                )
            })
            .await?;
        Ok(admins)
    }

    /// Teams as `(id, name)`, listed once.
    pub(crate) async fn teams(&self) -> Result<&[(String, String)], PortError> {
        let teams = self
            .session
            .teams
            .get_or_try_init(|| async {
                let teams = self
                    .client
                    .teams()
                    .list()
                    .await
                    .map_err(reading("listing teams"))?;
                Ok::<_, PortError>(
                    teams
                        .into_iter()
                        .map(|team| (team.id.into_string(), team.name.unwrap_or_default()))
                        .collect(),
                )
            })
            .await?;
        Ok(teams)
    }

    pub(crate) async fn match_fallback_admin(
        &self,
        email: &str,
    ) -> Result<ExecutionOutcome, PortError> {
        let admins = self.admins().await?;
        let Some(id) = admin_by_email(admins, email) else {
            return Err(rejected(format!(
                "no Intercom admin has the fallback email {email}; set admins.fallback_email to a teammate's address"
            )));
        };
        self.session.set_fallback_admin(id);
        Ok(outcome(id, WriteEffect::Matched))
    }

    pub(crate) async fn match_admin(
        &self,
        email: Option<&str>,
        name: &str,
        mark: &str,
        refs: &ResolvedRefs,
    ) -> Result<ExecutionOutcome, PortError> {
        let admins = self.admins().await?;
        if let Some(id) = email.and_then(|email| admin_by_email(admins, email)) {
            return Ok(outcome(id, WriteEffect::Matched));
        }
        let fallback = refs
            .get(&RecordKey::fallback_admin())
            .map(|destination| destination.id.clone())
            .or_else(|| self.session.fallback_admin())
            .ok_or_else(|| {
                rejected(format!(
                    "agent {name} matches no admin and the fallback admin is not known"
                ))
            })?;
        // The mark names the agent by id; its name and email stay out of the log.
        tracing::info!(
            %mark,
            "no Intercom admin has the agent's email; the fallback admin stands in"
        );
        Ok(outcome(fallback, WriteEffect::Matched))
    }

    pub(crate) async fn match_team(&self, name: &str) -> Result<ExecutionOutcome, PortError> {
        let teams = self.teams().await?;
        match team_by_name(teams, name) {
            Some(id) => Ok(outcome(id, WriteEffect::Matched)),
            None => {
                tracing::info!(
                    team = name,
                    "no Intercom team has this name; its threads stay unassigned to a team"
                );
                Ok(ExecutionOutcome {
                    destination: None,
                    effect: WriteEffect::Matched,
                })
            }
        }
    }
}

/// The id of the admin with this email (case and surrounding spaces ignored).
pub(crate) fn admin_by_email<'a>(
    admins: &'a [(String, String, Option<String>)],
    email: &str,
) -> Option<&'a str> {
    let wanted = email.trim();
    admins
        .iter()
        .find(|(_, _, own)| {
            own.as_deref()
                .is_some_and(|own| own.trim().eq_ignore_ascii_case(wanted))
        })
        .map(|(id, _, _)| id.as_str())
}

/// The id of the team with this name (case and surrounding spaces ignored).
pub(crate) fn team_by_name<'a>(teams: &'a [(String, String)], name: &str) -> Option<&'a str> {
    let wanted = name.trim().to_lowercase();
    teams
        .iter()
        .find(|(_, own)| own.trim().to_lowercase() == wanted)
        .map(|(id, _)| id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_match_by_email_and_teams_by_name_ignoring_case() {
        let admins = vec![
            (
                "1".to_string(),
                "Alex".to_string(),
                Some("Alex.Morgan@Example.com".to_string()),
            ),
            ("2".to_string(), "Bot".to_string(), None),
        ];
        assert_eq!(
            admin_by_email(&admins, " alex.morgan@example.com "),
            Some("1")
        );
        assert_eq!(admin_by_email(&admins, "nobody@example.com"), None);
        let teams = vec![("10".to_string(), "Support".to_string())];
        assert_eq!(team_by_name(&teams, "support "), Some("10"));
        assert_eq!(team_by_name(&teams, "Billing"), None);
    }
}
