//! `status`: where the project stands, read from the state folder alone (no credentials, no
//! request), also while a migration runs: records done and left per kind, the current rate,
//! when it should end, when every open ticket was in Intercom (open-first order), and the
//! last error.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use migration_core::engine::RunOrder;
use migration_core::model::source::SourceKind;
use serde::Serialize;

use super::Outcome;
use crate::error::CliError;
use crate::numbers::{duration, thousands};
use crate::project::Project;
use crate::store::{Milestone, RowState, RunInfo, RunKind, Store, OPEN_TICKETS_MOVED};

/// Writes looked at to measure the current rate.
const RATE_WINDOW_WRITES: u32 = 2_000;
/// Only writes this recent count towards the current rate.
const RATE_WINDOW_SECONDS: i64 = 300;

/// Where the project stands.
#[derive(Debug, Serialize)]
pub struct Status {
    /// Whether a run holds the state folder now.
    pub running: bool,
    /// Every run so far.
    pub runs: Vec<RunInfo>,
    /// Source records per kind: done, rejected, failed and left of what discovery counted.
    pub records: Vec<KindProgress>,
    /// Destination records known per kind (the ID map).
    pub destination_records: Vec<(String, i64)>,
    /// Journal rows per state.
    pub journal: Vec<(RowState, i64)>,
    /// Writes a second over the last few minutes of journal, when there were any.
    pub writes_per_second: Option<f64>,
    /// Records a second at that rate.
    pub records_per_second: Option<f64>,
    /// Seconds until every counted record is done at that rate, when both are known.
    pub eta_seconds: Option<u64>,
    /// The last run's error, when it failed.
    pub last_error: Option<String>,
    /// The order a full run moves records in (`[run] order`).
    pub order: RunOrder,
    /// When every open ticket in scope was first in Intercom (the open pass of an open-first
    /// run ended), unless a rollback undid it since.
    pub open_tickets_in_intercom: Option<Milestone>,
}

/// One kind of source record's progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KindProgress {
    /// `organisation`, `caller`, `ticket`, `article`.
    pub kind: String,
    /// Moved into Intercom.
    pub done: u64,
    /// Rejected by the mapping (each with its reason in the report).
    pub rejected: u64,
    /// Whose writes failed.
    pub failed: u64,
    /// Left out by the mapping's `[scope]` (settled: nothing is left to do for them).
    pub out_of_scope: u64,
    /// What discovery counted, when it ran.
    pub total: Option<u64>,
}

impl KindProgress {
    /// Records not yet settled (neither done, rejected, failed nor out of scope), when the
    /// total is known.
    pub fn left(&self) -> Option<u64> {
        self.total.map(|total| {
            total.saturating_sub(self.done + self.rejected + self.failed + self.out_of_scope)
        })
    }
}

/// Reads the state folder.
pub fn run(project: &Project) -> Result<Outcome, CliError> {
    let store = project.open_store_read_only()?;
    let running = crate::store::in_use(&project.state_dir());
    let discovered = super::discovered_counts(project);
    let runs = store.runs()?;
    let records = kind_progress(&store, &discovered)?;
    let journal = store.journal_counts()?;
    let done_writes = count_of(&journal, RowState::Done);
    let done_records: u64 = records.iter().map(|kind| kind.done).sum();
    let writes_per_second = if running {
        writes_per_second(&store.recent_write_times(RATE_WINDOW_WRITES)?, Utc::now())
    } else {
        None
    };
    let records_per_second = writes_per_second
        .filter(|_| done_records > 0 && done_writes > 0)
        .map(|rate| rate * done_records as f64 / done_writes as f64);
    let left: Option<u64> = records.iter().map(KindProgress::left).sum();
    let eta_seconds = match (records_per_second, left) {
        (Some(rate), Some(left)) if rate > 0.0 => Some((left as f64 / rate).ceil() as u64),
        _ => None,
    };
    let status = Status {
        running,
        last_error: runs.last().and_then(|run| run.error.clone()),
        runs,
        records,
        destination_records: store.id_map_counts()?,
        journal,
        writes_per_second,
        records_per_second,
        eta_seconds,
        order: project.settings.order,
        open_tickets_in_intercom: store.milestone(OPEN_TICKETS_MOVED)?,
    };
    Ok(Outcome::ok(
        lines(&status, !discovered.is_empty()).join("\n"),
        &status,
    ))
}

fn count_of(journal: &[(RowState, i64)], state: RowState) -> u64 {
    journal
        .iter()
        .find(|(row_state, _)| *row_state == state)
        .map_or(0, |(_, count)| u64::try_from(*count).unwrap_or(0))
}

fn kind_progress(
    store: &Store,
    discovered: &[(SourceKind, u64)],
) -> Result<Vec<KindProgress>, CliError> {
    let mut kinds: BTreeMap<String, KindProgress> = BTreeMap::new();
    for (kind, total) in discovered {
        kinds.entry(kind.as_str().to_string()).or_default().total = Some(*total);
    }
    for (kind, status, count) in store.record_status_counts()? {
        let progress = kinds.entry(kind).or_default();
        match status.as_str() {
            "migrated" => progress.done += count,
            "rejected" => progress.rejected += count,
            "failed" => progress.failed += count,
            "out_of_scope" => progress.out_of_scope += count,
            _ => {}
        }
    }
    Ok(kinds
        .into_iter()
        .map(|(kind, progress)| KindProgress { kind, ..progress })
        .collect())
}

/// Writes a second over the recent journal: the newest `times` (newest first) that fall in
/// the last few minutes before `now`.
pub fn writes_per_second(times: &[String], now: DateTime<Utc>) -> Option<f64> {
    let since = now - chrono::Duration::seconds(RATE_WINDOW_SECONDS);
    let recent: Vec<DateTime<Utc>> = times
        .iter()
        .filter_map(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|at| at.with_timezone(&Utc))
        .take_while(|at| *at >= since)
        .collect();
    let oldest = recent.last()?;
    let seconds = (now - *oldest).num_milliseconds() as f64 / 1000.0;
    (recent.len() > 1 && seconds > 0.0).then(|| recent.len() as f64 / seconds)
}

fn lines(status: &Status, discovered: bool) -> Vec<String> {
    let mut lines = Vec::new();
    match status.runs.last() {
        Some(run) => lines.push(format!(
            "last run: #{} {} started {} — {}",
            run.id,
            run.mode,
            run.started_at,
            match (status.running, run.outcome) {
                (true, None) => "running now",
                (false, None) => "did not finish (run it again to resume)",
                (_, Some(end)) => end.as_str(),
            }
        )),
        None => lines.push("no run yet".to_string()),
    }
    let rolled_back = status
        .runs
        .iter()
        .filter(|run| run.is_rolled_back())
        .count();
    if rolled_back > 0 {
        lines.push(format!(
            "  {rolled_back} earlier runs were rolled back: nothing they wrote is in Intercom"
        ));
    }
    lines.push(format!(
        "  {:<14} {:>10} {:>9} {:>7} {:>10} {:>10}",
        "records", "done", "rejected", "failed", "left", "of"
    ));
    let known = |value: Option<u64>| value.map_or_else(|| "?".to_string(), thousands);
    for kind in &status.records {
        lines.push(format!(
            "  {:<14} {:>10} {:>9} {:>7} {:>10} {:>10}",
            kind.kind,
            thousands(kind.done),
            thousands(kind.rejected),
            thousands(kind.failed),
            known(kind.left()),
            known(kind.total)
        ));
    }
    if !discovered {
        lines.push("  (run `discover` to know how many are left)".to_string());
    }
    lines.extend(open_tickets_line(status));
    if status.running {
        lines.push(match (status.records_per_second, status.eta_seconds) {
            (Some(rate), Some(eta)) => format!(
                "rate {rate:.1} records/s ({:.1} writes/s) over the last minutes; about {} left",
                status.writes_per_second.unwrap_or_default(),
                duration(eta)
            ),
            (Some(rate), None) => format!("rate {rate:.1} records/s over the last minutes"),
            _ => "no write in the last minutes (waiting on a rate limit, reading Vivantio, or \
                  stuck: see the log)"
                .to_string(),
        });
    }
    let unsettled = count_of(&status.journal, RowState::Intent);
    if unsettled > 0 {
        lines.push(format!(
            "writes of unknown outcome: {unsettled} (settled on the next run)"
        ));
    }
    if let Some(error) = &status.last_error {
        lines.push(format!("last error: {error}"));
    }
    lines
}

/// When every open ticket was in Intercom; in open-first order, that it is not yet.
fn open_tickets_line(status: &Status) -> Option<String> {
    if let Some(milestone) = &status.open_tickets_in_intercom {
        let run = milestone
            .run_id
            .map(|run| format!(", run #{run}"))
            .unwrap_or_default();
        return Some(format!(
            "all {} open tickets in Intercom since {}{run}",
            thousands(milestone.count),
            milestone.reached_at
        ));
    }
    let full_run = status
        .runs
        .iter()
        .any(|run| run.mode == RunKind::Full && !run.is_rolled_back());
    (status.order == RunOrder::OpenFirst && full_run).then(|| {
        "open tickets first: not all in Intercom yet (the history follows them)".to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RunId;

    fn at(seconds_ago: i64, now: DateTime<Utc>) -> String {
        (now - chrono::Duration::seconds(seconds_ago)).to_rfc3339()
    }

    #[test]
    fn rate_counts_only_recent_writes() {
        let now = Utc::now();
        let times: Vec<String> = (0..10).map(|i| at(i, now)).chain([at(900, now)]).collect();
        let rate = writes_per_second(&times, now).unwrap();
        assert!((rate - 10.0 / 9.0).abs() < 0.01, "{rate}");
        assert_eq!(writes_per_second(&[at(900, now)], now), None);
        assert_eq!(writes_per_second(&[], now), None);
    }

    #[test]
    fn left_is_what_discovery_counted_minus_what_settled() {
        let kind = KindProgress {
            kind: "ticket".into(),
            done: 70,
            rejected: 2,
            failed: 1,
            out_of_scope: 7,
            total: Some(100),
        };
        assert_eq!(kind.left(), Some(20));
        assert_eq!(KindProgress::default().left(), None);
    }

    fn status(order: RunOrder, runs: Vec<RunInfo>, milestone: Option<Milestone>) -> Status {
        Status {
            running: false,
            runs,
            records: Vec::new(),
            destination_records: Vec::new(),
            journal: Vec::new(),
            writes_per_second: None,
            records_per_second: None,
            eta_seconds: None,
            last_error: None,
            order,
            open_tickets_in_intercom: milestone,
        }
    }

    #[test]
    fn the_moment_every_open_ticket_was_in_intercom_is_said() {
        let full = RunInfo {
            id: RunId::from(3),
            mode: RunKind::Full,
            mapping_hash: None,
            started_at: "2026-04-04T20:00:00.000Z".into(),
            finished_at: None,
            outcome: None,
            error: None,
            rolled_back_by: None,
        };
        let reached = Milestone {
            reached_at: "2026-04-04T20:42:10.000Z".into(),
            run_id: Some(RunId::from(3)),
            count: 1_234,
        };
        let said = |status: &Status| open_tickets_line(status);
        assert_eq!(
            said(&status(
                RunOrder::OpenFirst,
                vec![full.clone()],
                Some(reached)
            ))
            .as_deref(),
            Some("all 1,234 open tickets in Intercom since 2026-04-04T20:42:10.000Z, run #3")
        );
        assert_eq!(
            said(&status(RunOrder::OpenFirst, vec![full.clone()], None)).as_deref(),
            Some("open tickets first: not all in Intercom yet (the history follows them)")
        );
        assert_eq!(said(&status(RunOrder::OpenFirst, Vec::new(), None)), None);
        assert_eq!(said(&status(RunOrder::ByStage, vec![full], None)), None);
    }
}
