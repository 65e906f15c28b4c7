//! The source's [`WireReport`]: the client's census turned into core findings, plus the
//! fallbacks and findings this adapter records itself (missing actions).

use std::sync::{Arc, Mutex, PoisonError};

use migration_core::model::source::{
    WireArea, WireFallback, WireFinding, WireReport, WireSpelling,
};
use vivantio_client::assumptions::registry::{self, Area, Assumption, IfWrong};
use vivantio_client::census::CensusReport;
use vivantio_client::Endpoint;

/// What the adapter itself learnt about the tenant's API (shared by clones of the source).
#[derive(Debug, Clone, Default)]
pub struct WireLog {
    report: Arc<Mutex<WireReport>>,
}

impl WireLog {
    /// Records that `endpoint` is missing and what was done instead; a blocking assumption also
    /// becomes a finding.
    pub fn missing_action(&self, endpoint: Endpoint, instead: &str) {
        let Some(assumption) = registry::for_endpoint(endpoint.path) else {
            return;
        };
        tracing::warn!(
            endpoint = endpoint.path,
            assumption = assumption.id,
            instead,
            "Vivantio action missing on this tenant; falling back"
        );
        let mut addition = WireReport {
            fallbacks: vec![WireFallback {
                assumption: assumption.id.to_string(),
                endpoint: endpoint.path.to_string(),
                instead: instead.to_string(),
            }],
            ..WireReport::default()
        };
        if assumption.if_wrong != IfWrong::Fallback {
            addition.findings.push(finding(
                assumption,
                Some(endpoint.path),
                format!("the tenant has no action `{}` (HTTP 404)", endpoint.path),
            ));
        }
        self.lock().merge(addition);
    }

    /// The adapter's own entries.
    pub fn snapshot(&self) -> WireReport {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WireReport> {
        self.report.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The census as core findings and spellings.
pub fn from_census(census: CensusReport) -> WireReport {
    WireReport {
        findings: census
            .observations
            .iter()
            .map(|observation| {
                finding(
                    observation.entry(),
                    observation.endpoint,
                    observation.detail.clone(),
                )
            })
            .collect(),
        fallbacks: Vec::new(),
        spellings: census
            .spellings
            .into_iter()
            .map(|spelling| WireSpelling {
                assumption: spelling.assumption.to_string(),
                endpoint: spelling.endpoint.to_string(),
                spelling: spelling.spelling,
                records: spelling.records,
                primary: spelling.primary,
            })
            .collect(),
    }
}

/// A finding against `assumption`, blocking when the registry says a wrong guess blocks.
fn finding(assumption: &Assumption, endpoint: Option<&str>, detail: String) -> WireFinding {
    WireFinding {
        assumption: assumption.id.to_string(),
        endpoint: endpoint.map(str::to_string),
        detail,
        consequence: assumption.consequence.to_string(),
        evidence: format!("{}: {}", assumption.confidence, assumption.sources),
        area: area(assumption.area),
        blocking: assumption.if_wrong == IfWrong::Blocks,
    }
}

fn area(area: Area) -> WireArea {
    match area {
        Area::Everything => WireArea::Everything,
        Area::Configuration => WireArea::Configuration,
        Area::Tickets => WireArea::Tickets,
        Area::Attachments => WireArea::Attachments,
        Area::CustomFields => WireArea::CustomFields,
        Area::People => WireArea::People,
        Area::Articles => WireArea::Articles,
    }
}

#[cfg(test)]
mod tests {
    use vivantio_client::endpoints;

    use super::*;

    #[test]
    fn a_missing_fallback_action_is_a_fallback_and_a_missing_blocking_one_a_finding() {
        let log = WireLog::default();
        log.missing_action(endpoints::GROUP_SELECT_ALL, "groups rebuilt from tickets");
        log.missing_action(endpoints::ARTICLE_SELECT, "knowledge base skipped");
        let report = log.snapshot();
        assert_eq!(report.fallbacks.len(), 2);
        assert_eq!(report.findings.len(), 1);
        let articles = &report.findings[0];
        assert_eq!(articles.assumption, "endpoint.article_select");
        assert!(articles.blocking);
        assert_eq!(articles.area, WireArea::Articles);
    }
}
