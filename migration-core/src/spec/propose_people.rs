//! The proposer's matching of agents to admins (by email, then name) and groups to teams
//! (by name, then similar name). Every match is written out as an override, so each agent and
//! group has its decision, and its reason, in the document.

use super::confidence::Confidence;
use super::names::name_similarity;
use super::propose::Proposer;

impl Proposer<'_> {
    pub(super) fn admins(&mut self) {
        let fallback = self.spec.admins.fallback_email.trim().to_string();
        for agent in &self.source.agents {
            let email = agent.email.as_deref().map(str::trim).unwrap_or_default();
            let name = agent.display_name();
            let key = agent.id.to_string();
            let path = format!("admins.overrides.{key}");
            let by_email = self.destination.admins.iter().find(|admin| {
                admin
                    .email
                    .as_deref()
                    .is_some_and(|known| !email.is_empty() && known.eq_ignore_ascii_case(email))
            });
            let by_name = || {
                self.destination
                    .admins
                    .iter()
                    .find(|admin| !name.is_empty() && admin.name.eq_ignore_ascii_case(&name))
            };
            let matched = match by_email {
                Some(admin) => Some((admin, "same email", Confidence::High)),
                None => {
                    by_name().map(|admin| (admin, "same name, different email", Confidence::Medium))
                }
            };
            match matched.and_then(|(admin, reason, confidence)| {
                admin
                    .email
                    .clone()
                    .map(|email| (admin.name.clone(), email, reason, confidence))
            }) {
                Some((admin_name, admin_email, reason, confidence)) => {
                    self.spec.admins.overrides.insert(key, admin_email);
                    self.note(
                        path,
                        format!("agent {name} → admin {admin_name}"),
                        reason.into(),
                        confidence,
                    );
                }
                None if !fallback.is_empty() => {
                    self.spec.admins.overrides.insert(key, fallback.clone());
                    self.note(
                        path,
                        format!("agent {name} → fallback admin {fallback}"),
                        format!("no admin with this email or name; the fallback admin writes their parts, each opened with \"Originally from {name}:\" (put their admin's email here once they have one)"),
                        Confidence::Low,
                    );
                }
                None => {
                    self.note(
                        "admins.fallback_email".into(),
                        format!("agent {name} → fallback admin"),
                        "no admin with this email or name, and no fallback admin is set yet: set fallback_email".into(),
                        Confidence::Low,
                    );
                    self.unset(path);
                }
            }
        }
    }

    pub(super) fn teams(&mut self) {
        for group in &self.source.groups {
            let key = group.id.to_string();
            let path = format!("teams.overrides.{key}");
            let exact = self
                .destination
                .teams
                .iter()
                .find(|team| team.name.eq_ignore_ascii_case(group.name.trim()));
            if let Some(team) = exact {
                self.spec.teams.overrides.insert(key, team.name.clone());
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
                    self.spec.teams.overrides.insert(key, team.name.clone());
                    self.note(
                        path,
                        format!("group {} → team {}", group.name, team.name),
                        format!("similar name ({:.0}% of words shared)", score * 100.0),
                        Confidence::Medium,
                    );
                }
                None => {
                    self.note(
                        "teams".into(),
                        format!("group {} ({key}) → no team", group.name),
                        format!("no team with a similar name; tickets of this group stay unassigned to a team (create the team in Intercom, or add `{key} = \"<team name>\"` under a [teams.overrides] table)"),
                        Confidence::Low,
                    );
                    self.unset(path);
                }
            }
        }
    }
}
