//! The proposer's matching of agents to admins (by email, then name) and groups to teams
//! (by name, then similar name).

use super::names::name_similarity;
use super::propose::{Confidence, Proposer};

impl Proposer<'_> {
    pub(super) fn admins(&mut self) {
        for agent in &self.source.agents {
            let email = agent.email.as_deref().map(str::trim).unwrap_or_default();
            let by_email = self.destination.admins.iter().find(|admin| {
                admin
                    .email
                    .as_deref()
                    .is_some_and(|known| !email.is_empty() && known.eq_ignore_ascii_case(email))
            });
            let name = agent.display_name();
            let path = format!("admins.overrides.{}", agent.id);
            if let Some(admin) = by_email {
                self.note(
                    path,
                    format!("agent {name} → admin {}", admin.name),
                    "same email".into(),
                    Confidence::High,
                );
                continue;
            }
            let by_name = self
                .destination
                .admins
                .iter()
                .find(|admin| !name.is_empty() && admin.name.eq_ignore_ascii_case(&name));
            match by_name.and_then(|admin| admin.email.clone().map(|email| (admin, email))) {
                Some((admin, admin_email)) => {
                    self.spec.admins.overrides.insert(agent.id.to_string(), admin_email);
                    self.note(
                        path,
                        format!("agent {name} → admin {}", admin.name),
                        "same name, different email".into(),
                        Confidence::Medium,
                    );
                }
                None => self.note(
                    path,
                    format!("agent {name} → fallback admin"),
                    "no admin with this email or name; their parts are written by the fallback admin".into(),
                    Confidence::Low,
                ),
            }
        }
    }

    pub(super) fn teams(&mut self) {
        for group in &self.source.groups {
            let path = format!("teams.overrides.{}", group.id);
            let exact = self
                .destination
                .teams
                .iter()
                .find(|team| team.name.eq_ignore_ascii_case(group.name.trim()));
            if let Some(team) = exact {
                self.note(
                    path,
                    format!("group {} → team {}", group.name, team.name),
                    "same name".into(),
                    Confidence::High,
                );
                continue;
            }
            let similar = self
                .destination
                .teams
                .iter()
                .map(|team| (name_similarity(&team.name, &group.name), team))
                .filter(|(score, _)| *score >= 0.5)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            match similar {
                Some((score, team)) => {
                    self.spec.teams.overrides.insert(group.id.to_string(), team.name.clone());
                    self.note(
                        path,
                        format!("group {} → team {}", group.name, team.name),
                        format!("similar name ({:.0}% of words shared)", score * 100.0),
                        Confidence::Medium,
                    );
                }
                None => self.note(
                    path,
                    format!("group {} → no team", group.name),
                    "no team with a similar name; tickets of this group stay unassigned to a team (create the team in Intercom or add an override)".into(),
                    Confidence::Low,
                ),
            }
        }
    }
}
