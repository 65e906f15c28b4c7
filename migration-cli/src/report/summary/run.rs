//! One run as the reports show it: its title and facts, its counts per object, its time per
//! stage, and its rejections, failures and record lists.

use migration_core::engine::{ObjectCounts, RunOutcome, StageReport};
use migration_core::model::source::SourceKind;
use std::collections::BTreeMap;

use super::{figure, GroupedShape, GroupedTables, RecordList};
use crate::report::sections::RunSection;
use crate::report::table::{Cell, Column, Table, TableKind, Tone};
use crate::report::words;

/// One run, ready to lay out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunSummary {
    /// Its number in the report, from 1.
    pub number: usize,
    /// What was run (`Full run`, `Sample run (25 tickets), dry run`).
    pub title: String,
    /// How it ended, in words.
    pub outcome: String,
    /// How it ended, as a tone: good, warn when some records failed, bad when it stopped.
    pub tone: Tone,
    /// When it started (`2025-03-13 19:00 UTC`), when known.
    pub started: Option<String>,
    /// Its wall time, requests and watermark, in one line.
    pub facts: String,
    /// Records per object, when it read any.
    pub counts: Option<Table>,
    /// Time per stage, when any stage took time.
    pub stages: Option<StageTimes>,
    /// Records the mapping refused.
    pub rejections: GroupedTables,
    /// Operations that did not apply.
    pub failures: GroupedTables,
    /// Findings during the run: each reason code with how many.
    pub findings: Vec<(String, String)>,
    /// Values redacted, per rule, in one line.
    pub redactions: Option<String>,
    /// The unlinked children and the sample's tickets, those there are.
    pub records: Vec<RecordList>,
}

impl RunSummary {
    /// Run `number` of the report.
    pub(crate) fn new(number: usize, run: &RunSection) -> Self {
        let tone = match run.outcome {
            RunOutcome::Completed if run.failures.is_empty() => Tone::Good,
            RunOutcome::Completed => Tone::Warn,
            _ => Tone::Bad,
        };
        Self {
            number,
            title: words::run_title(run.mode, run.dry_run),
            outcome: words::outcome_text(&run.outcome),
            tone,
            started: run
                .started_at
                .map(|started| started.format("%Y-%m-%d %H:%M UTC").to_string()),
            facts: facts(run),
            counts: (!run.objects.is_empty()).then(|| counts(&run.objects)),
            stages: StageTimes::new(&run.stages),
            rejections: rejections(run),
            failures: failures(run),
            findings: run
                .findings
                .iter()
                .map(|(code, found)| (code.as_str().to_string(), words::count(*found)))
                .collect(),
            redactions: (!run.redactions.is_empty()).then(|| run.redactions.lines().join(" · ")),
            records: [
                RecordList::new(
                    "Children not linked to their parent (the parent did not move)",
                    &run.unlinked_children,
                ),
                RecordList::new("Tickets in the sample", &run.sample),
            ]
            .into_iter()
            .filter(|list| !list.records.is_empty())
            .collect(),
        }
    }
}

/// Wall time, requests and the watermark, in one line.
fn facts(run: &RunSection) -> String {
    let mut facts = format!(
        "{} · {} requests · {:.2} requests per record",
        words::duration(run.duration_ms),
        words::count(run.requests),
        run.requests_per_record
    );
    if let Some(watermark) = run.watermark {
        let at = match chrono::DateTime::from_timestamp(watermark.at, 0) {
            Some(at) => at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            None => watermark.at.to_string(),
        };
        facts.push_str(&format!(" · watermark {at}"));
    }
    facts
}

/// Records per object: read, left out, moved, already there, rejected, failed.
fn counts(objects: &BTreeMap<SourceKind, ObjectCounts>) -> Table {
    // The column shows only when the scope left something out.
    let scoped = objects.values().any(|counts| counts.out_of_scope > 0);
    let mut columns = vec![Column::text("Object"), Column::figure("Source")];
    if scoped {
        columns.push(Column::figure("Out of scope"));
    }
    columns.extend([
        Column::figure("Moved"),
        Column::figure("Already there"),
        Column::figure("Rejected"),
        Column::figure("Failed"),
    ]);
    let mut table = Table::new(columns);
    for (object, counts) in objects {
        let mut cells = vec![
            Cell::Text(words::humanize(object.as_str())),
            figure(counts.source),
        ];
        if scoped {
            cells.push(figure(counts.out_of_scope));
        }
        cells.extend([
            figure(counts.moved),
            figure(counts.skipped),
            Cell::Figure(
                words::count(counts.rejected),
                Tone::warn_if(counts.rejected),
            ),
            Cell::Figure(words::count(counts.failed), Tone::bad_if(counts.failed)),
        ]);
        table.push(cells);
    }
    table
}

fn rejections(run: &RunSection) -> GroupedTables {
    GroupedTables::new(
        &run.rejections,
        GroupedShape {
            title: "Rejected by the mapping",
            kind: TableKind::Records,
            columns: &[Column::text("Record"), Column::text("Reason")],
            row: &|rejection| {
                vec![
                    Cell::Record(rejection.record.to_string()),
                    Cell::Text(rejection.message.clone()),
                ]
            },
            fix: Some(&|rejection| rejection.fix.as_str()),
        },
    )
}

fn failures(run: &RunSection) -> GroupedTables {
    GroupedTables::new(
        &run.failures,
        GroupedShape {
            title: "Failed",
            kind: TableKind::Records,
            columns: &[
                Column::text("Record"),
                Column::text("Operation"),
                Column::text("Message"),
            ],
            row: &|failure| {
                let record = failure
                    .record
                    .map_or_else(|| "–".to_string(), |record| record.to_string());
                vec![
                    Cell::Record(record),
                    Cell::Code(failure.operation.clone()),
                    Cell::Text(failure.message.clone()),
                ]
            },
            fix: Some(&|failure| failure.fix.as_str()),
        },
    )
}

/// The time of every stage of a run, against the slowest.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StageTimes {
    /// The slowest stage's wall time, in milliseconds (never 0).
    pub slowest_ms: u64,
    /// Every stage, in run order.
    pub stages: Vec<StageTime>,
}

/// One stage's time.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StageTime {
    /// Its name, with its pass in an open-first run.
    pub title: String,
    /// Whether its count did not match the source's.
    pub mismatch: bool,
    /// Its wall time, in words.
    pub duration: String,
    /// Its destination requests, counted.
    pub requests: String,
    /// Its wall time, in milliseconds.
    pub ms: u64,
}

impl StageTimes {
    /// The times of `stages`; none when no stage took any.
    fn new(stages: &[StageReport]) -> Option<Self> {
        let slowest_ms = stages.iter().map(|stage| stage.duration_ms).max()?;
        (slowest_ms > 0).then(|| Self {
            slowest_ms,
            stages: stages
                .iter()
                .map(|stage| StageTime {
                    title: words::stage_title(stage),
                    mismatch: stage
                        .reconciliation
                        .as_ref()
                        .is_some_and(|reconciliation| !reconciliation.matches),
                    duration: words::duration(stage.duration_ms),
                    requests: words::count(stage.operations.requests),
                    ms: stage.duration_ms,
                })
                .collect(),
        })
    }

    /// `stage`'s share of the slowest stage's time, in percent.
    pub(crate) fn percent(&self, stage: &StageTime) -> f64 {
        stage.ms as f64 * 100.0 / self.slowest_ms as f64
    }

    /// How many of `width` steps of a bar `stage` fills, rounded up so that no stage that took
    /// time shows as none.
    pub(crate) fn filled(&self, stage: &StageTime, width: u64) -> u64 {
        (stage.ms * width).div_ceil(self.slowest_ms)
    }
}

#[cfg(test)]
mod tests {
    use migration_core::engine::{RunMode, RunReport, Stage};
    use migration_core::model::source::SourceRef;

    use super::*;
    use crate::report::lists::ListFolder;

    fn section(report: &RunReport) -> RunSection {
        let lists = tempfile::tempdir().unwrap();
        RunSection::new(1, None, report, &ListFolder::open(lists.path()).unwrap()).unwrap()
    }

    #[test]
    fn stage_bars_are_scaled_to_the_slowest_stage_and_a_quick_stage_still_shows() {
        let mut report = RunReport::new(RunMode::Full, false);
        for (stage, ms) in [(Stage::Schema, 1), (Stage::Tickets, 400)] {
            let mut timed = StageReport::new(stage);
            timed.duration_ms = ms;
            report.stages.push(timed);
        }
        let times = RunSummary::new(1, &section(&report)).stages.unwrap();
        let [quick, slow] = &times.stages[..] else {
            panic!("two stages: {times:?}");
        };
        assert_eq!((times.filled(quick, 24), times.filled(slow, 24)), (1, 24));
        assert_eq!(times.percent(slow), 100.0);
        assert_eq!(times.percent(quick), 0.25);
    }

    #[test]
    fn a_run_whose_stages_took_no_time_has_no_bars_and_empty_lists_are_left_out() {
        let mut report = RunReport::new(RunMode::Sample { tickets: 1 }, false);
        report.stages.push(StageReport::new(Stage::Tickets));
        report.sample = vec![SourceRef::new(SourceKind::Ticket, 7)];
        let summary = RunSummary::new(3, &section(&report));
        assert_eq!(summary.stages, None);
        let titles: Vec<&str> = summary.records.iter().map(|list| list.title).collect();
        assert_eq!(titles, ["Tickets in the sample"]);
        assert_eq!(summary.records[0].records.first, ["ticket 7"]);
        assert_eq!((summary.number, summary.tone), (3, Tone::Good));
    }
}
