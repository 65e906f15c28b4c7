//! What reading the source proved wrong about its API: the `wire_assumption` findings, the
//! fallbacks taken, and the spellings the tenant uses.
//!
//! A source adapter fills a [`WireReport`] while it reads (the Vivantio adapter from its
//! client's census and its own fallbacks); `discover` and `plan` show it, and `migrate` refuses
//! while a blocking finding the mapping depends on is not acknowledged
//! ([`WireReport::unacknowledged`]).

use serde::{Deserialize, Serialize};

use crate::reject::{Finding, ReasonCode, Severity};

use super::{SourceKind, SourceRef};

/// The part of a migration an assumption feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireArea {
    /// Reading the source at all.
    Everything,
    /// Ticket types, statuses, priorities, categories, agents, groups, SLA targets.
    Configuration,
    /// Tickets and their history.
    Tickets,
    /// Attachments.
    Attachments,
    /// Custom form values.
    CustomFields,
    /// Callers and organisations.
    People,
    /// The knowledge base.
    Articles,
}

/// One assumption about the source API that the tenant contradicted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireFinding {
    /// The assumption's id (`action.private`); acknowledgements name it.
    pub assumption: String,
    /// The action it was seen on, if any.
    pub endpoint: Option<String>,
    /// What was seen.
    pub detail: String,
    /// What it means for the migration.
    pub consequence: String,
    /// The evidence the assumption rested on (`UNK: none`).
    pub evidence: String,
    /// The part of the migration it feeds.
    pub area: WireArea,
    /// Whether `migrate` refuses until it is acknowledged (when the mapping moves its area).
    pub blocking: bool,
}

impl WireFinding {
    /// The finding as a pre-flight finding (`wire_assumption`).
    pub fn to_finding(&self) -> Finding {
        let severity = if self.blocking {
            Severity::Error
        } else {
            Severity::Warning
        };
        let fix = if self.blocking {
            format!(
                "check the tenant's answers (`doctor --samples`, or the log at debug level); if the \
                 consequence is acceptable, add \"{}\" to `[wire] acknowledged` in mapping.toml",
                self.assumption
            )
        } else {
            "nothing to do unless the consequence matters; the migration goes on with it"
                .to_string()
        };
        Finding::new(
            severity,
            SourceRef {
                kind: SourceKind::Instance,
                id: 0,
            },
            ReasonCode::WireAssumption,
            format!(
                "{} ({}): {}; {}",
                self.assumption,
                self.endpoint.as_deref().unwrap_or("tenant"),
                self.detail,
                self.consequence
            ),
            fix,
        )
    }
}

/// A fallback the source took because the tenant lacks an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireFallback {
    /// The assumption's id (`endpoint.groups`).
    pub assumption: String,
    /// The missing action.
    pub endpoint: String,
    /// What was done instead.
    pub instead: String,
}

/// The spelling a tenant uses for a field that has several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireSpelling {
    /// The assumption's id.
    pub assumption: String,
    /// The action.
    pub endpoint: String,
    /// The spelling seen.
    pub spelling: String,
    /// Records that used it.
    pub records: u64,
    /// Whether it is the spelling the project documents (not worth a person's look).
    #[serde(default)]
    pub primary: bool,
}

/// Everything reading the source proved about its API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireReport {
    /// Contradicted assumptions.
    pub findings: Vec<WireFinding>,
    /// Fallbacks taken for missing actions.
    pub fallbacks: Vec<WireFallback>,
    /// Spellings seen of fields that have several.
    pub spellings: Vec<WireSpelling>,
}

impl WireReport {
    /// Whether nothing was contradicted and no fallback was needed.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty() && self.fallbacks.is_empty()
    }

    /// The blocking findings in `moved` areas that `acknowledged` does not name.
    pub fn unacknowledged<'a>(
        &'a self,
        acknowledged: &'a [String],
        moved: impl Fn(WireArea) -> bool + 'a,
    ) -> impl Iterator<Item = &'a WireFinding> + 'a {
        self.findings.iter().filter(move |finding| {
            finding.blocking
                && moved(finding.area)
                && !acknowledged.iter().any(|id| id == &finding.assumption)
        })
    }

    /// Adds `other`'s entries, keeping one finding per assumption and action.
    pub fn merge(&mut self, other: WireReport) {
        for finding in other.findings {
            let known = self
                .findings
                .iter()
                .any(|f| f.assumption == finding.assumption && f.endpoint == finding.endpoint);
            if !known {
                self.findings.push(finding);
            }
        }
        for fallback in other.fallbacks {
            if !self.fallbacks.contains(&fallback) {
                self.fallbacks.push(fallback);
            }
        }
        for spelling in other.spellings {
            match self
                .spellings
                .iter_mut()
                .find(|s| s.assumption == spelling.assumption && s.spelling == spelling.spelling)
            {
                Some(known) => known.records = known.records.max(spelling.records),
                None => self.spellings.push(spelling),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: &str, area: WireArea, blocking: bool) -> WireFinding {
        WireFinding {
            assumption: id.into(),
            endpoint: Some("Ticket/ActionSelectByParentId".into()),
            detail: "absent".into(),
            consequence: "bad".into(),
            evidence: "UNK: none".into(),
            area,
            blocking,
        }
    }

    #[test]
    fn only_blocking_unacknowledged_findings_in_moved_areas_block() {
        let report = WireReport {
            findings: vec![
                finding("action.private", WireArea::Tickets, true),
                finding("action.effort", WireArea::Tickets, false),
                finding("article.body_html", WireArea::Articles, true),
                finding("form.fields", WireArea::CustomFields, true),
            ],
            ..WireReport::default()
        };
        let acknowledged = vec!["form.fields".to_string()];
        let blocking: Vec<&str> = report
            .unacknowledged(&acknowledged, |area| area != WireArea::Articles)
            .map(|f| f.assumption.as_str())
            .collect();
        assert_eq!(blocking, ["action.private"]);
    }

    #[test]
    fn a_blocking_finding_is_an_error_finding_naming_the_acknowledgement() {
        let converted = finding("action.private", WireArea::Tickets, true).to_finding();
        assert_eq!(converted.severity, Severity::Error);
        assert_eq!(converted.code, ReasonCode::WireAssumption);
        assert!(converted.fix.contains("\"action.private\""));
        assert!(converted
            .message
            .starts_with("action.private (Ticket/ActionSelectByParentId)"));
    }

    #[test]
    fn merging_keeps_one_finding_per_assumption_and_action() {
        let mut report = WireReport::default();
        for _ in 0..2 {
            report.merge(WireReport {
                findings: vec![finding("action.private", WireArea::Tickets, true)],
                ..WireReport::default()
            });
        }
        assert_eq!(report.findings.len(), 1);
    }
}
