//! What the progress display says, as a person reads it: stage names, counts with thousands
//! separated, rates such as `105/s` or `1.2k/s`, estimates such as `3h 12m`, and sentences
//! instead of the engine's types.

use std::fmt;
use std::time::Duration;

use migration_core::engine::{Pass, Reconciliation, Stage, StageReport};

use crate::numbers::{duration, thousands};

/// The widest stage name, so bars line up.
pub const NAME_WIDTH: usize = 25;

/// A stage's name for people.
pub fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Schema => "Attributes and types",
        Stage::People => "Teammates and teams",
        Stage::Companies => "Companies",
        Stage::Contacts => "Contacts",
        Stage::Collections => "Collections",
        Stage::Articles => "Articles",
        Stage::ArticleLinks => "Article links",
        Stage::Tickets => "Conversations and tickets",
        Stage::Links => "Ticket links",
    }
}

/// A stage's name in a pass of an open-first run: the stages both passes run say which pass
/// they are in (`Tickets (open)`, `Tickets (history)`).
pub fn stage_name_in(stage: Stage, pass: Option<Pass>) -> &'static str {
    match (pass, stage) {
        (Some(Pass::Open), Stage::Companies) => "Companies (open)",
        (Some(Pass::Open), Stage::Contacts) => "Contacts (open)",
        (Some(Pass::Open), Stage::Tickets) => "Tickets (open)",
        (Some(Pass::History), Stage::Companies) => "Companies (history)",
        (Some(Pass::History), Stage::Contacts) => "Contacts (history)",
        (Some(Pass::History), Stage::Tickets) => "Tickets (history)",
        (_, stage) => stage_name(stage),
    }
}

/// What a pass of an open-first run does, said when it starts.
pub fn pass_started(pass: Pass) -> &'static str {
    match pass {
        Pass::Open => {
            "Open tickets first: the companies and contacts they name, the articles, then every \
             open, on-hold and pending ticket"
        }
        Pass::History => {
            "History: the other companies and contacts, then the other tickets, most recently \
             closed first, then the ticket links"
        }
    }
}

/// A pace: `0.5/s`, `105/s`, `1.2k/s`, `12k/s`, `1.5M/s`.
pub fn rate(per_second: f64) -> String {
    let per_second = per_second.max(0.0);
    match per_second {
        r if r < 9.95 => format!("{r:.1}/s"),
        r if r < 999.5 => format!("{r:.0}/s"),
        r if r < 9_950.0 => format!("{:.1}k/s", r / 1e3),
        r if r < 999_500.0 => format!("{:.0}k/s", r / 1e3),
        r => format!("{:.1}M/s", r / 1e6),
    }
}

/// An estimate, no finer than it deserves: `45s`, `6m`, `3h 12m`, `2d 4h`.
pub fn estimate(left: Duration) -> String {
    let seconds = left.as_secs_f64().round() as u64;
    if seconds < 60 {
        return format!("{seconds}s");
    }
    let minutes = (seconds + 30) / 60;
    match minutes {
        m if m < 60 => format!("{m}m"),
        m if m < 24 * 60 => format!("{}h {}m", m / 60, m % 60),
        m => format!("{}d {}h", m / (24 * 60), m / 60 % 24),
    }
}

/// Time since the command started, as `[hh:mm:ss]` (hours go past 24 on long runs).
pub fn clock(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs();
    format!(
        "[{:02}:{:02}:{:02}]",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// A wait, in whole seconds rounded up (`12 s`), never `0 s`.
fn seconds(wait: Duration) -> String {
    let whole = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    format!("{} s", whole.max(1))
}

/// Why the run stands still.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pause {
    /// Intercom's rate-limit budget is spent until its window refills.
    RateLimit,
    /// The Intercom client retries a request that failed.
    ClientRetry {
        /// The retry (1 for the first).
        attempt: u32,
    },
    /// The engine retries an operation that failed.
    Retry {
        /// The operation's mark.
        mark: String,
        /// The attempt that failed.
        attempt: u32,
        /// What failed.
        error: String,
    },
}

impl Pause {
    /// The pause as a sentence, with `left` to wait.
    pub fn describe(&self, left: Duration) -> String {
        let left = seconds(left);
        match self {
            Pause::RateLimit => format!("waiting for Intercom's rate limit, {left}"),
            Pause::ClientRetry { attempt } => {
                format!("an Intercom request failed; retry {attempt} in {left}")
            }
            Pause::Retry {
                mark,
                attempt,
                error,
            } => format!("{mark} failed ({error}); attempt {} in {left}", attempt + 1),
        }
    }
}

/// Where a stage (or a verification, a rollback) stands, as one line after its name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Status {
    /// Items done.
    pub done: u64,
    /// Items in all, when known.
    pub total: Option<u64>,
    /// Items a second.
    pub per_second: Option<f64>,
    /// Whether that pace is what Intercom's rate limit allows (the limit sets the pace).
    pub at_rate_limit: bool,
    /// Time left.
    pub eta: Option<Duration>,
    /// Records the mapping refused so far.
    pub rejected: u64,
    /// Operations that failed so far.
    pub failed: u64,
    /// Why nothing moves right now.
    pub pause: Option<String>,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", thousands(self.done))?;
        if let Some(total) = self.total {
            let percent = (self.done.min(total) * 100)
                .checked_div(total)
                .unwrap_or(100);
            write!(f, "/{} ({percent}%)", thousands(total))?;
        }
        if let Some(per_second) = self.per_second {
            write!(f, " {}", rate(per_second))?;
            if self.at_rate_limit {
                write!(f, " at Intercom's rate limit")?;
            }
        }
        // Under a second left is the stage ending, not an estimate worth a word.
        if let Some(eta) = self.eta.filter(|eta| *eta >= Duration::from_secs(1)) {
            write!(f, ", eta {}", estimate(eta))?;
        }
        for (count, what) in [(self.rejected, "rejected"), (self.failed, "failed")] {
            if count > 0 {
                write!(f, ", {} {what}", thousands(count))?;
            }
        }
        if let Some(pause) = &self.pause {
            write!(f, "; {pause}")?;
        }
        Ok(())
    }
}

/// `done` items in `took`, with the pace when there was time to have one: `50,000 in 8m 3s
/// (104/s)`.
pub fn done_in(done: u64, took: Duration) -> String {
    let mut text = format!("{} in {}", thousands(done), duration(took.as_secs()));
    if took >= Duration::from_secs(1) && done > 0 {
        text.push_str(&format!(" ({})", rate(done as f64 / took.as_secs_f64())));
    }
    text
}

/// How a finished stage went: `50,000 in 8m 3s (104/s): 49,990 moved, 10 rejected`.
pub fn stage_summary(report: &StageReport, done: u64) -> String {
    let mut text = done_in(done, Duration::from_millis(report.duration_ms));
    let parts: Vec<String> = if report.stage.source_kind().is_some() {
        let records = &report.records;
        // A delta reads every record but counts only those that changed.
        let unchanged = done.saturating_sub(records.source);
        [
            (records.moved, "moved"),
            (records.skipped, "already there"),
            (records.rejected, "rejected"),
            (records.failed, "failed"),
            (records.out_of_scope, "out of scope"),
            (unchanged, "unchanged"),
        ]
        .into_iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, what)| format!("{} {what}", thousands(count)))
        .collect()
    } else {
        let operations = &report.operations;
        [
            (operations.sent, "sent"),
            (operations.skipped, "already done"),
            (operations.failed, "failed"),
        ]
        .into_iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, what)| format!("{} {what}", thousands(count)))
        .collect()
    };
    if !parts.is_empty() {
        text.push_str(": ");
        text.push_str(&parts.join(", "));
    }
    text
}

/// A stage whose records do not add up, as a sentence.
pub fn mismatch(stage: Stage, counts: &Reconciliation) -> String {
    let mut missing = Vec::new();
    for (count, what) in [
        (counts.rejected, "rejected by the mapping"),
        (counts.failed, "failed"),
        (counts.unaccounted, "not accounted for"),
    ] {
        if count > 0 {
            missing.push(format!("{} {what}", thousands(count)));
        }
    }
    let why = if missing.is_empty() {
        String::new()
    } else {
        format!(": {}", missing.join(", "))
    };
    format!(
        "{}: {} read from Vivantio, {} in Intercom{why} (the report lists each record)",
        stage_name(stage),
        thousands(counts.source),
        thousands(counts.present),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use migration_core::engine::{ObjectCounts, OperationCounts};

    #[test]
    fn rates_read_at_a_glance() {
        for (per_second, text) in [
            (0.0, "0.0/s"),
            (0.26, "0.3/s"),
            (9.94, "9.9/s"),
            (9.96, "10/s"),
            (105.2236, "105/s"),
            (999.4, "999/s"),
            (999.6, "1.0k/s"),
            (1_234.0, "1.2k/s"),
            (12_345.0, "12k/s"),
            (1_500_000.0, "1.5M/s"),
            (-3.0, "0.0/s"),
        ] {
            assert_eq!(rate(per_second), text, "{per_second}");
        }
    }

    #[test]
    fn estimates_are_as_coarse_as_they_are_sure() {
        for (seconds, text) in [
            (0, "0s"),
            (45, "45s"),
            (89, "1m"),
            (360, "6m"),
            (389, "6m"),
            (3_599, "1h 0m"),
            (11_520, "3h 12m"),
            (50_400, "14h 0m"),
            (187_200, "2d 4h"),
        ] {
            assert_eq!(estimate(Duration::from_secs(seconds)), text, "{seconds}");
        }
    }

    #[test]
    fn the_clock_counts_hours_past_a_day() {
        assert_eq!(clock(Duration::from_secs(750)), "[00:12:30]");
        assert_eq!(clock(Duration::from_secs(30 * 3600 + 61)), "[30:01:01]");
    }

    #[test]
    fn a_status_says_only_what_is_known() {
        let cases = [
            (
                Status {
                    done: 12_345,
                    total: Some(50_000),
                    per_second: Some(105.2),
                    eta: Some(Duration::from_secs(361)),
                    ..Status::default()
                },
                "12,345/50,000 (24%) 105/s, eta 6m",
            ),
            (
                Status {
                    done: 575,
                    per_second: Some(105.2236),
                    eta: None,
                    ..Status::default()
                },
                "575 105/s",
            ),
            (
                Status {
                    done: 10,
                    total: Some(10),
                    eta: Some(Duration::ZERO),
                    ..Status::default()
                },
                "10/10 (100%)",
            ),
            (
                Status {
                    done: 0,
                    total: Some(0),
                    ..Status::default()
                },
                "0/0 (100%)",
            ),
            (
                Status {
                    done: 1_200,
                    total: Some(1_000),
                    ..Status::default()
                },
                "1,200/1,000 (100%)",
            ),
            (
                Status {
                    done: 7,
                    total: Some(1_000_000),
                    per_second: Some(1_234.0),
                    eta: Some(Duration::from_secs(11_520)),
                    rejected: 2,
                    failed: 1_001,
                    pause: Some(Pause::RateLimit.describe(Duration::from_millis(11_200))),
                    at_rate_limit: false,
                },
                "7/1,000,000 (0%) 1.2k/s, eta 3h 12m, 2 rejected, 1,001 failed; \
                 waiting for Intercom's rate limit, 12 s",
            ),
            (
                Status {
                    done: 69,
                    total: Some(3_000),
                    per_second: Some(1.94),
                    at_rate_limit: true,
                    eta: Some(Duration::from_secs(1_510)),
                    ..Status::default()
                },
                "69/3,000 (2%) 1.9/s at Intercom's rate limit, eta 25m",
            ),
        ];
        for (status, text) in cases {
            assert_eq!(status.to_string(), text);
        }
    }

    #[test]
    fn pauses_are_sentences() {
        let second = Duration::from_millis(400);
        assert_eq!(
            Pause::ClientRetry { attempt: 2 }.describe(second),
            "an Intercom request failed; retry 2 in 1 s"
        );
        let retry = Pause::Retry {
            mark: "contact:caller:7".into(),
            attempt: 1,
            error: "HTTP 503".into(),
        };
        assert_eq!(
            retry.describe(Duration::from_secs(4)),
            "contact:caller:7 failed (HTTP 503); attempt 2 in 4 s"
        );
    }

    #[test]
    fn stage_names_are_words_and_fit_the_column() {
        let names: std::collections::BTreeSet<&str> = Stage::ALL.map(stage_name).into();
        assert_eq!(names.len(), Stage::ALL.len(), "{names:?}");
        assert!(
            names.iter().all(|name| name.len() <= NAME_WIDTH),
            "{names:?}"
        );
        assert_eq!(stage_name(Stage::Tickets), "Conversations and tickets");
        assert_eq!(stage_name(Stage::ArticleLinks), "Article links");
        for pass in [Pass::Open, Pass::History] {
            let named: std::collections::BTreeSet<&str> = Stage::ALL
                .map(|stage| stage_name_in(stage, Some(pass)))
                .into();
            assert_eq!(named.len(), Stage::ALL.len(), "{named:?}");
            assert!(named.iter().all(|name| name.len() <= NAME_WIDTH));
        }
        assert_eq!(
            stage_name_in(Stage::Tickets, Some(Pass::Open)),
            "Tickets (open)"
        );
        assert_eq!(
            stage_name_in(Stage::Tickets, Some(Pass::History)),
            "Tickets (history)"
        );
        assert_eq!(
            stage_name_in(Stage::Tickets, None),
            stage_name(Stage::Tickets)
        );
    }

    #[test]
    fn a_finished_stage_sums_up_its_records_or_operations() {
        let mut contacts = StageReport::new(Stage::Contacts);
        contacts.duration_ms = 483_000;
        contacts.records = ObjectCounts {
            source: 50_000,
            moved: 49_985,
            skipped: 0,
            rejected: 10,
            failed: 5,
            out_of_scope: 0,
        };
        assert_eq!(
            stage_summary(&contacts, 50_000),
            "50,000 in 8m 3s (104/s): 49,985 moved, 10 rejected, 5 failed"
        );
        let mut scoped = contacts.clone();
        scoped.records.moved = 40_000;
        scoped.records.out_of_scope = 9_985;
        assert_eq!(
            stage_summary(&scoped, 50_000),
            "50,000 in 8m 3s (104/s): 40,000 moved, 10 rejected, 5 failed, 9,985 out of scope"
        );
        let mut delta = StageReport::new(Stage::Tickets);
        delta.records = ObjectCounts {
            source: 3,
            moved: 3,
            ..ObjectCounts::default()
        };
        assert_eq!(
            stage_summary(&delta, 3_000),
            "3,000 in 0s: 3 moved, 2,997 unchanged"
        );
        let mut schema = StageReport::new(Stage::Schema);
        schema.duration_ms = 400;
        schema.operations = OperationCounts {
            sent: 30,
            skipped: 4,
            ..OperationCounts::default()
        };
        assert_eq!(
            stage_summary(&schema, 34),
            "34 in 0s: 30 sent, 4 already done"
        );
    }

    #[test]
    fn a_mismatch_is_a_sentence() {
        let counts = Reconciliation {
            source: 50_000,
            present: 49_985,
            rejected: 10,
            failed: 3,
            unaccounted: 2,
            matches: false,
            out_of_scope: 0,
        };
        assert_eq!(
            mismatch(Stage::Contacts, &counts),
            "Contacts: 50,000 read from Vivantio, 49,985 in Intercom: 10 rejected by the \
             mapping, 3 failed, 2 not accounted for (the report lists each record)"
        );
    }
}
