//! The benchmark's figures, computed from the run report, the simulator's counters and the
//! samples taken during the run, and rendered as one table whose format stays stable.

use fixtures::sim::intercom::SimStats;
use migration_core::engine::{RunReport, Stage};
use migration_core::forecast::Forecast;
use serde::Serialize;

use super::compare::ForecastCheck;
use super::routes;
use super::usage::ChildUsage;
use crate::numbers::thousands;

/// Both simulators' request counters at one moment of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Sample {
    /// Milliseconds since the migration started.
    pub at_ms: u64,
    /// Requests the Vivantio simulator had answered.
    pub vivantio_requests: u64,
    /// Requests the Intercom simulator had received.
    pub intercom_requests: u64,
}

/// When the migration ran.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LoadWindow {
    /// Unix time (seconds, fractional) it started.
    pub started_unix: f64,
    /// Its wall time.
    pub wall_ms: u64,
}

/// `plan` against the same tenant, measured like the migration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PlanRun {
    /// Its wall time, in milliseconds.
    pub wall_ms: u64,
    /// Its CPU time and peak memory.
    pub usage: ChildUsage,
}

/// Everything the figures are computed from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub tickets: u64,
    pub minimal_history: bool,
    pub apps: u32,
    pub per_app_per_minute: Option<u32>,
    pub effective_per_minute: Option<u32>,
    pub concurrency: usize,
    pub attachment_memory_mib: u64,
    pub report: &'a RunReport,
    pub stats: &'a SimStats,
    pub samples: &'a [Sample],
    pub window: LoadWindow,
    pub usage: ChildUsage,
    pub plan: PlanRun,
    /// `plan`'s forecast of the run, when it printed one.
    pub forecast: Option<&'a Forecast>,
    /// Vivantio requests of the run by action.
    pub vivantio_operations: &'a std::collections::BTreeMap<String, u64>,
}

/// One stage of the run: records, the operations the mapping needs, and the requests made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageRow {
    /// The stage.
    pub stage: String,
    /// Source records it moved.
    pub records: u64,
    /// Operations the engine sent (retries not counted): the mapping's minimum, one call each,
    /// except that an operation the workspace already satisfies needs none and a few need two
    /// (see `docs/benchmarks.md`).
    pub operations: u64,
    /// HTTP requests Intercom handled for the stage's routes (retries, reconciliations and
    /// before-image reads included).
    pub requests: u64,
    /// The requests `plan` forecast for the stage.
    pub forecast: Option<u64>,
}

/// How extraction from Vivantio and loading into Intercom overlapped.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Overlap {
    /// Requests Vivantio answered.
    pub vivantio_requests: u64,
    /// From the first to the last Vivantio request, in milliseconds.
    pub extraction_ms: u64,
    /// From the first to the last Intercom request, in milliseconds.
    pub load_ms: u64,
    /// Time both were under way, in milliseconds.
    pub overlap_ms: u64,
}

/// Every figure of one benchmark run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchFigures {
    /// Tickets in the instance.
    pub tickets: u64,
    /// Whether tickets had only their opening and closing actions.
    pub minimal_history: bool,
    /// Apps (tokens) the load was spread over.
    pub apps: u32,
    /// Each app's limit per minute (`None`: lifted).
    pub per_app_per_minute: Option<u32>,
    /// The limit the run was held to, per minute (apps' sum capped by the workspace).
    pub limit_per_minute: Option<u32>,
    /// Writes in flight at once.
    pub concurrency: usize,
    /// Attachment mebibytes held in memory at once.
    pub attachment_memory_mib: u64,
    /// How the run ended.
    pub outcome: String,
    /// Per stage.
    pub stages: Vec<StageRow>,
    /// Requests the Intercom simulator received.
    pub requests: u64,
    /// Of which writes (POST, PUT, DELETE).
    pub writes: u64,
    /// Handled requests on routes no stage calls.
    pub unclaimed_requests: u64,
    /// Requests answered 429.
    pub rate_limited: u64,
    /// Wall time of the migration, in milliseconds.
    pub wall_ms: u64,
    /// Requests ÷ limit: no run can be faster, in milliseconds.
    pub lower_bound_ms: Option<u64>,
    /// Requests per minute over the whole rate-limit windows the run spanned.
    pub achieved_per_minute: f64,
    /// Whole windows those figures were measured over.
    pub measured_windows: u32,
    /// Seconds those windows cover.
    pub measured_seconds: u64,
    /// CPU time and peak memory of the migration process.
    pub usage: ChildUsage,
    /// `plan` (reading and pre-flight validation) before the migration.
    pub plan: PlanRun,
    /// Extraction against load.
    pub overlap: Overlap,
    /// Requests by operation (`"POST /contacts"`), as the Intercom simulator counted them.
    pub operations: std::collections::BTreeMap<String, u64>,
    /// Vivantio requests by action (`"Ticket/SelectByParent"`), as its simulator saw them.
    pub vivantio_operations: std::collections::BTreeMap<String, u64>,
    /// `plan`'s forecast beside the run.
    pub forecast: Option<ForecastCheck>,
}

impl BenchFigures {
    /// Computes the figures.
    pub fn compute(inputs: Inputs<'_>) -> Self {
        let (stages, unclaimed) = stage_rows(&inputs);
        let writes = inputs
            .stats
            .operations
            .iter()
            .filter(|(operation, _)| !operation.starts_with("GET "))
            .map(|(_, count)| count)
            .sum();
        let lower_bound_ms = inputs
            .effective_per_minute
            .filter(|limit| *limit > 0)
            .map(|limit| inputs.stats.requests * 60_000 / u64::from(limit));
        let (achieved_per_minute, measured_windows, measured_seconds) =
            achieved_rate(inputs.stats, inputs.window);
        let forecast = inputs.forecast.map(|forecast| ForecastCheck {
            forecast: forecast.clone(),
            intercom_requests: inputs.stats.requests,
            vivantio_requests: inputs.vivantio_operations.values().sum(),
            wall_ms: inputs.window.wall_ms,
            at_a_limit: inputs.effective_per_minute.is_some(),
        });
        Self {
            tickets: inputs.tickets,
            minimal_history: inputs.minimal_history,
            apps: inputs.apps,
            per_app_per_minute: inputs.per_app_per_minute,
            limit_per_minute: inputs.effective_per_minute,
            concurrency: inputs.concurrency,
            attachment_memory_mib: inputs.attachment_memory_mib,
            outcome: format!("{:?}", inputs.report.outcome),
            stages,
            requests: inputs.stats.requests,
            unclaimed_requests: unclaimed,
            writes,
            rate_limited: inputs.stats.rate_limited,
            wall_ms: inputs.window.wall_ms,
            lower_bound_ms,
            achieved_per_minute,
            measured_windows,
            measured_seconds,
            usage: inputs.usage,
            plan: inputs.plan,
            overlap: overlap(inputs.samples),
            operations: inputs.stats.operations.clone(),
            vivantio_operations: inputs.vivantio_operations.clone(),
            forecast,
        }
    }

    /// Records moved over all stages.
    pub fn records(&self) -> u64 {
        self.stages.iter().map(|row| row.records).sum()
    }

    /// Operations the mapping needed, over all stages.
    pub fn operations(&self) -> u64 {
        self.stages.iter().map(|row| row.operations).sum()
    }

    /// Requests the stages made, over all stages.
    pub fn stage_requests(&self) -> u64 {
        self.stages.iter().map(|row| row.requests).sum()
    }

    /// Share of requests answered 429.
    pub fn rate_limited_share(&self) -> f64 {
        ratio(self.rate_limited, self.requests)
    }

    /// Achieved rate as a share of the limit.
    pub fn achieved_share(&self) -> Option<f64> {
        self.limit_per_minute
            .map(|limit| self.achieved_per_minute / f64::from(limit.max(1)))
    }

    /// Wall time against the lower bound.
    pub fn wall_over_lower_bound(&self) -> Option<f64> {
        self.lower_bound_ms
            .map(|bound| self.wall_ms as f64 / bound.max(1) as f64)
    }

    /// `plan`'s peak memory over the migration's.
    pub fn plan_memory_ratio(&self) -> f64 {
        ratio(self.plan.usage.peak_rss_bytes, self.usage.peak_rss_bytes)
    }

    /// Writes per second over the whole run.
    pub fn writes_per_second(&self) -> f64 {
        self.writes as f64 * 1000.0 / self.wall_ms.max(1) as f64
    }

    /// The table, in a format kept stable for comparisons across versions.
    pub fn table(&self) -> String {
        let mut lines = vec![self.title_line()];
        lines.extend(self.stage_lines());
        lines.push(self.requests_line());
        lines.push(self.per_ticket_line());
        lines.push(self.rate_line());
        lines.push(self.wall_time_line());
        if let Some(forecast) = &self.forecast {
            lines.push(forecast.line());
        }
        lines.push(self.cpu_line());
        lines.push(format!(
            "peak memory    {:.1} MB (resident, migration process)",
            self.usage.peak_rss_bytes as f64 / 1_000_000.0
        ));
        lines.push(self.plan_line());
        lines.push(self.extraction_line());
        lines.join("\n")
    }
}

impl BenchFigures {
    /// The table's first line: the instance, the limit and the settings the run had.
    fn title_line(&self) -> String {
        let limit = match (self.per_app_per_minute, self.limit_per_minute) {
            (Some(per_app), Some(limit)) => format!(
                "{} app(s) at {}/min each, held to {}/min",
                self.apps,
                thousands(u64::from(per_app)),
                thousands(u64::from(limit))
            ),
            _ => format!("{} app(s), limit lifted", self.apps),
        };
        format!(
            "vivantio2intercom bench: {} tickets{}, {limit}, concurrency {}, attachments {} MiB ({})",
            thousands(self.tickets),
            if self.minimal_history {
                " (minimal history)"
            } else {
                ""
            },
            self.concurrency,
            self.attachment_memory_mib,
            self.outcome
        )
    }

    /// The per-stage rows under their heading, and the total over all stages.
    fn stage_lines(&self) -> Vec<String> {
        let row =
            |stage: &str, records: u64, operations: u64, requests: u64, forecast: Option<u64>| {
                format!(
                    "{:<14} {:>9} {:>9} {:>9} {:>9.2} {:>9.2} {:>9}",
                    stage,
                    records,
                    operations,
                    requests,
                    ratio(operations, records),
                    ratio(requests, records),
                    forecast.map_or("-".to_string(), |n| n.to_string())
                )
            };
        let mut lines = vec![format!(
            "{:<14} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "stage", "records", "ops", "requests", "ops/rec", "req/rec", "forecast"
        )];
        lines.extend(self.stages.iter().map(|stage| {
            row(
                &stage.stage,
                stage.records,
                stage.operations,
                stage.requests,
                stage.forecast,
            )
        }));
        lines.push(row(
            "all stages",
            self.records(),
            self.operations(),
            self.stage_requests(),
            self.forecast.as_ref().map(|f| f.forecast.intercom_requests),
        ));
        lines
    }

    /// The table's `requests` line: Intercom's count, its writes and its 429 answers.
    fn requests_line(&self) -> String {
        format!(
            "requests       {} to Intercom ({} writes, {} outside stages), {} answered 429 ({:.2}%)",
            thousands(self.requests),
            thousands(self.writes),
            thousands(self.unclaimed_requests),
            thousands(self.rate_limited),
            self.rate_limited_share() * 100.0
        )
    }

    /// The table's `rate` line: the rate over whole windows, beside the limit when there is one.
    fn rate_line(&self) -> String {
        let share = self.achieved_share().map_or_else(String::new, |share| {
            format!(" = {:.1}% of the limit", share * 100.0)
        });
        format!(
            "rate           {}/min over {} whole windows ({} s){share}; {:.0} writes/s over the run",
            thousands(self.achieved_per_minute.round() as u64),
            self.measured_windows,
            self.measured_seconds,
            self.writes_per_second()
        )
    }

    /// The table's `wall time` line, beside the lower bound the limit sets.
    fn wall_time_line(&self) -> String {
        let bound = match (self.lower_bound_ms, self.wall_over_lower_bound()) {
            (Some(bound), Some(factor)) => {
                format!("; lower bound {} = {factor:.3}x", seconds(bound))
            }
            _ => String::new(),
        };
        format!("wall time      {}{bound}", seconds(self.wall_ms))
    }

    /// The table's `CPU time` line: the migration's, and its share of one core.
    fn cpu_line(&self) -> String {
        format!(
            "CPU time       {} (user {}, system {}) = {:.0}% of one core",
            seconds(millis(self.usage.cpu())),
            seconds(millis(self.usage.user)),
            seconds(millis(self.usage.system)),
            ratio(millis(self.usage.cpu()), self.wall_ms) * 100.0
        )
    }

    /// The table's `extraction` line: how Vivantio's reads and Intercom's writes overlapped.
    fn extraction_line(&self) -> String {
        format!(
            "extraction     {} Vivantio requests over {}; load over {}; both under way for {}",
            thousands(self.overlap.vivantio_requests),
            seconds(self.overlap.extraction_ms),
            seconds(self.overlap.load_ms),
            seconds(self.overlap.overlap_ms)
        )
    }

    /// Vivantio requests of the run.
    pub fn vivantio_requests(&self) -> u64 {
        self.vivantio_operations.values().sum()
    }

    /// The table's `per ticket` line: both sides' requests over the instance's tickets.
    fn per_ticket_line(&self) -> String {
        format!(
            "per ticket     {:.2} Intercom requests, {:.2} Vivantio requests ({} tickets)",
            ratio(self.requests, self.tickets),
            ratio(self.vivantio_requests(), self.tickets),
            thousands(self.tickets)
        )
    }

    /// The table's `plan` line: its time, and its peak memory beside the migration's.
    fn plan_line(&self) -> String {
        format!(
            "plan           {} wall, {} CPU; peak memory {:.1} MB = {:.2}x the migration's",
            seconds(self.plan.wall_ms),
            seconds(millis(self.plan.usage.cpu())),
            self.plan.usage.peak_rss_bytes as f64 / 1_000_000.0,
            self.plan_memory_ratio()
        )
    }
}

/// One row per stage the report lists, with the requests of its routes; and the requests no
/// listed stage claims.
fn stage_rows(inputs: &Inputs<'_>) -> (Vec<StageRow>, u64) {
    let mut by_stage = std::collections::BTreeMap::<Stage, u64>::new();
    let mut unclaimed = 0;
    for (route, count) in &inputs.stats.operations {
        match routes::stage_of(route) {
            Some(stage) => *by_stage.entry(stage).or_default() += count,
            None => unclaimed += count,
        }
    }
    let stages = inputs
        .report
        .stages
        .iter()
        .map(|stage| StageRow {
            stage: stage_name(stage.stage),
            records: stage.records.moved,
            operations: stage.operations.sent,
            requests: by_stage.remove(&stage.stage).unwrap_or(0),
            forecast: inputs
                .forecast
                .map(|forecast| forecast.requests_of(stage.stage)),
        })
        .collect();
    // A stage the report does not list made no requests the table could show.
    unclaimed += by_stage.values().sum::<u64>();
    (stages, unclaimed)
}

/// Requests per minute over the windows that lie wholly inside the run.
fn achieved_rate(stats: &SimStats, window: LoadWindow) -> (f64, u32, u64) {
    let start = window.started_unix;
    let end = start + window.wall_ms as f64 / 1000.0;
    let mut requests = 0u64;
    let mut seconds = 0i64;
    let mut count = 0u32;
    for usage in &stats.windows {
        if (usage.start as f64) >= start && (usage.reset as f64) <= end {
            requests += u64::from(usage.total_admitted())
                + usage.refused.values().map(|n| u64::from(*n)).sum::<u64>();
            seconds += usage.reset - usage.start;
            count += 1;
        }
    }
    if seconds <= 0 {
        return (0.0, 0, 0);
    }
    let seconds = u64::try_from(seconds).unwrap_or(0);
    (requests as f64 * 60.0 / seconds as f64, count, seconds)
}

/// When each simulator first and last saw a request, and how long both were busy together.
fn overlap(samples: &[Sample]) -> Overlap {
    let span = |count: fn(&Sample) -> u64| -> Option<(u64, u64)> {
        let last = samples.last().map(count)?;
        let first = samples.iter().find(|sample| count(sample) > 0)?.at_ms;
        let done = samples.iter().find(|sample| count(sample) == last)?.at_ms;
        Some((first, done.max(first)))
    };
    let extraction = span(|sample| sample.vivantio_requests);
    let load = span(|sample| sample.intercom_requests);
    let length = |span: Option<(u64, u64)>| span.map_or(0, |(from, to)| to - from);
    let overlap_ms = match (extraction, load) {
        (Some((e0, e1)), Some((l0, l1))) => e1.min(l1).saturating_sub(e0.max(l0)),
        _ => 0,
    };
    Overlap {
        vivantio_requests: samples.last().map_or(0, |sample| sample.vivantio_requests),
        extraction_ms: length(extraction),
        load_ms: length(load),
        overlap_ms,
    }
}

fn stage_name(stage: migration_core::engine::Stage) -> String {
    serde_json::to_value(stage)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{stage:?}"))
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn seconds(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fixtures::sim::intercom::WindowUsage;

    fn window(start: i64, admitted: u32) -> WindowUsage {
        WindowUsage {
            start,
            reset: start + 10,
            admitted: [("migrator-1".to_owned(), admitted)].into(),
            refused: Default::default(),
        }
    }

    #[test]
    fn achieved_rate_counts_only_whole_windows_inside_the_run() {
        let stats = SimStats {
            windows: vec![
                window(100, 50),
                window(110, 1_600),
                window(120, 1_650),
                window(130, 7),
            ],
            ..SimStats::default()
        };
        let run = LoadWindow {
            started_unix: 105.5,
            wall_ms: 27_000,
        };
        let (per_minute, windows, seconds) = achieved_rate(&stats, run);
        assert_eq!((windows, seconds), (2, 20));
        assert!((per_minute - 3_250.0 * 3.0).abs() < 1e-6);
    }

    #[test]
    fn overlap_is_the_time_both_simulators_were_busy() {
        let sample = |at_ms, vivantio_requests, intercom_requests| Sample {
            at_ms,
            vivantio_requests,
            intercom_requests,
        };
        let samples = [
            sample(0, 0, 0),
            sample(250, 4, 0),
            sample(500, 8, 10),
            sample(750, 9, 20),
            sample(1_000, 9, 25),
        ];
        let overlap = overlap(&samples);
        assert_eq!(overlap.vivantio_requests, 9);
        assert_eq!((overlap.extraction_ms, overlap.load_ms), (500, 500));
        assert_eq!(overlap.overlap_ms, 250);
    }

    #[test]
    fn the_plan_line_puts_plan_s_peak_beside_the_migration_s() {
        let report = RunReport::new(migration_core::engine::RunMode::Full, false);
        let usage = |peak_rss_bytes, cpu_ms| ChildUsage {
            user: std::time::Duration::from_millis(cpu_ms),
            system: std::time::Duration::ZERO,
            peak_rss_bytes,
        };
        let figures = BenchFigures::compute(Inputs {
            tickets: 10,
            minimal_history: false,
            apps: 1,
            per_app_per_minute: None,
            effective_per_minute: None,
            concurrency: 1,
            attachment_memory_mib: 1,
            report: &report,
            stats: &SimStats::default(),
            samples: &[],
            window: LoadWindow {
                started_unix: 0.0,
                wall_ms: 10_000,
            },
            usage: usage(80_000_000, 9_000),
            plan: PlanRun {
                wall_ms: 4_200,
                usage: usage(100_000_000, 3_100),
            },
            forecast: None,
            vivantio_operations: &[("Ticket/Select".to_string(), 25)].into(),
        });
        assert_eq!(figures.plan_memory_ratio(), 1.25);
        let line = figures
            .table()
            .lines()
            .find(|line| line.starts_with("plan "))
            .expect("a plan line")
            .to_string();
        assert_eq!(
            line,
            "plan           4.2 s wall, 3.1 s CPU; peak memory 100.0 MB = 1.25x the migration's"
        );
        let per_ticket = figures
            .table()
            .lines()
            .find(|line| line.starts_with("per ticket "))
            .expect("a per ticket line")
            .to_string();
        assert_eq!(
            per_ticket,
            "per ticket     0.00 Intercom requests, 2.50 Vivantio requests (10 tickets)"
        );
    }

    #[test]
    fn the_table_keeps_its_format_at_a_limit() {
        let ms = std::time::Duration::from_millis;
        let stage = |stage: &str, records, operations, requests, forecast| StageRow {
            stage: stage.to_owned(),
            records,
            operations,
            requests,
            forecast,
        };
        let figures = BenchFigures {
            tickets: 1_000,
            minimal_history: true,
            apps: 2,
            per_app_per_minute: Some(10_000),
            limit_per_minute: Some(20_000),
            concurrency: 8,
            attachment_memory_mib: 32,
            outcome: "Completed".to_owned(),
            stages: vec![
                stage("contacts", 500, 1_000, 1_010, Some(1_000)),
                stage("tickets", 1_000, 7_000, 6_500, None),
            ],
            requests: 7_600,
            writes: 7_000,
            unclaimed_requests: 90,
            rate_limited: 76,
            wall_ms: 30_000,
            lower_bound_ms: Some(22_800),
            achieved_per_minute: 15_123.4,
            measured_windows: 2,
            measured_seconds: 20,
            usage: ChildUsage {
                user: ms(3_000),
                system: ms(500),
                peak_rss_bytes: 64_300_000,
            },
            plan: PlanRun {
                wall_ms: 4_200,
                usage: ChildUsage {
                    user: ms(3_100),
                    system: ms(0),
                    peak_rss_bytes: 100_000_000,
                },
            },
            overlap: Overlap {
                vivantio_requests: 6_170,
                extraction_ms: 25_000,
                load_ms: 29_500,
                overlap_ms: 24_500,
            },
            operations: Default::default(),
            vivantio_operations: [("Ticket/Select".to_owned(), 6_170)].into(),
            forecast: None,
        };
        // Tools compare these tables across versions: every line, space and the missing final
        // newline are part of the format.
        let expected = [
            "vivantio2intercom bench: 1,000 tickets (minimal history), 2 app(s) at 10,000/min \
             each, held to 20,000/min, concurrency 8, attachments 32 MiB (Completed)",
            "stage            records       ops  requests   ops/rec   req/rec  forecast",
            "contacts             500      1000      1010      2.00      2.02      1000",
            "tickets             1000      7000      6500      7.00      6.50         -",
            "all stages          1500      8000      7510      5.33      5.01         -",
            "requests       7,600 to Intercom (7,000 writes, 90 outside stages), 76 answered 429 \
             (1.00%)",
            "per ticket     7.60 Intercom requests, 6.17 Vivantio requests (1,000 tickets)",
            "rate           15,123/min over 2 whole windows (20 s) = 75.6% of the limit; 233 \
             writes/s over the run",
            "wall time      30.0 s; lower bound 22.8 s = 1.316x",
            "CPU time       3.5 s (user 3.0 s, system 0.5 s) = 12% of one core",
            "peak memory    64.3 MB (resident, migration process)",
            "plan           4.2 s wall, 3.1 s CPU; peak memory 100.0 MB = 1.56x the migration's",
            "extraction     6,170 Vivantio requests over 25.0 s; load over 29.5 s; both under way \
             for 24.5 s",
        ]
        .join("\n");
        assert_eq!(figures.table(), expected);
    }
}
