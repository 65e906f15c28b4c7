//! Progress of a run, a verification or a rollback. On a terminal: one bar per stage with its
//! count, pace and estimate, each finished stage left as its summary line. Elsewhere (CI,
//! `nohup`, a log collector): a dated line when a stage starts and ends and one every interval
//! between. Waits for Intercom's rate limit and retries are said in words.

mod eta;
mod text;

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use intercom_client::{ClientStats, Wait, WaitCause};
use migration_core::engine::{Event, Observer, Pass, Stage, StageReport, WaitReason};

pub use eta::{eta, Pace, Recent};
pub use text::{clock, estimate, rate, stage_name, Pause, Status};

/// How often a line is printed without a terminal, unless told otherwise.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);
/// How often the bars are redrawn on a terminal.
const BAR_REFRESH: Duration = Duration::from_millis(200);
/// Waits shorter than this are the rate limit's ordinary pacing, not worth a word.
const NOTABLE_WAIT: Duration = Duration::from_secs(1);
/// Without a terminal, waits at least this long get a line of their own.
const LOUD_WAIT: Duration = Duration::from_secs(5);

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// Bars on a terminal.
    Bars,
    /// Dated lines (logs, CI, pipes).
    Lines,
    /// Nothing (`--quiet`, `--json`).
    Silent,
}

impl ProgressMode {
    /// Bars on a terminal, lines elsewhere, nothing when quiet.
    pub fn detect(quiet: bool) -> Self {
        if quiet {
            ProgressMode::Silent
        } else if std::io::stderr().is_terminal() {
            ProgressMode::Bars
        } else {
            ProgressMode::Lines
        }
    }
}

/// Reads an interval such as `30s`, `2m`, `500ms`, `1h` or `45` (seconds).
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not an interval (for example 30s, 2m, 500ms)"))?;
    let seconds = match unit.trim() {
        "ms" => number / 1000.0,
        "" | "s" => number,
        "m" | "min" => number * 60.0,
        "h" => number * 3600.0,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?} (ms, s, m or h)"
            ))
        }
    };
    let interval = Duration::try_from_secs_f64(seconds).map_err(|error| error.to_string())?;
    if interval < Duration::from_millis(100) {
        return Err(format!("{text:?} is shorter than 100ms"));
    }
    Ok(interval)
}

/// The progress display of one command.
#[derive(Debug, Clone)]
pub struct Progress {
    inner: Arc<Display>,
}

impl Progress {
    /// A display in `mode`, printing a line every [`DEFAULT_INTERVAL`] without a terminal.
    pub fn new(mode: ProgressMode) -> Self {
        Self::with_interval(mode, DEFAULT_INTERVAL)
    }

    /// A display in `mode`, printing a line every `interval` without a terminal. Intercom
    /// clients built afterwards through [`build_intercom_client`] report their waits and
    /// request budget to it (there is one terminal per process: the last one made wins).
    pub fn with_interval(mode: ProgressMode, interval: Duration) -> Self {
        let (stop, stopped) = mpsc::channel();
        let inner = Arc::new(Display::new(mode, interval, Sink::Stderr, stop));
        if mode != ProgressMode::Silent {
            *lock(&ACTIVE) = Some(Arc::downgrade(&inner));
            let tick = match mode {
                ProgressMode::Bars => BAR_REFRESH,
                _ => interval.min(Duration::from_secs(1)),
            };
            let display = Arc::downgrade(&inner);
            // Without a thread the display would stay silent through a long request or wait.
            let spawned = std::thread::Builder::new()
                .name("progress".into())
                .spawn(move || ticker(&display, &stopped, tick));
            if let Err(error) = spawned {
                tracing::warn!(%error, "progress is shown only as events arrive");
            }
        }
        Self { inner }
    }

    /// The engine observer that feeds this display.
    pub fn observer(&self) -> Arc<dyn Observer> {
        self.inner.clone()
    }

    /// Prints a line above the bars (nothing when silent).
    pub fn say(&self, text: &str) {
        self.inner.line(text);
    }

    /// Ends what is under way (a verification, a rollback, an interrupted stage), leaving its
    /// summary.
    pub fn finish(&self) {
        self.inner.finish_task(None);
    }
}

/// Builds an Intercom client whose waits and request budget the progress display of this
/// process (when there is one) shows and uses for its estimates.
pub fn build_intercom_client(
    builder: intercom_client::ClientBuilder,
) -> Result<intercom_client::Client, intercom_client::Error> {
    let client = builder
        .on_wait(|wait| {
            if let Some(display) = active() {
                display.client_waits(wait);
            }
        })
        .build()?;
    if let Some(display) = active() {
        *lock(&display.intercom) = Some(client.clone());
    }
    Ok(client)
}

/// The display Intercom clients report to.
static ACTIVE: Mutex<Option<Weak<Display>>> = Mutex::new(None);

fn active() -> Option<Arc<Display>> {
    lock(&ACTIVE).as_ref().and_then(Weak::upgrade)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Counters and bars only: a panic elsewhere leaves nothing inconsistent to fear.
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// Refreshes the display every `tick` until it is dropped.
fn ticker(display: &Weak<Display>, stopped: &mpsc::Receiver<()>, tick: Duration) {
    while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(tick) {
        let Some(display) = display.upgrade() else {
            return;
        };
        display.tick();
    }
}

/// Where lines go without a terminal.
#[derive(Debug)]
enum Sink {
    Stderr,
    #[cfg(test)]
    Memory(Mutex<Vec<String>>),
}

#[derive(Debug)]
struct Display {
    mode: ProgressMode,
    sink: Sink,
    interval: Duration,
    started: Instant,
    state: Mutex<State>,
    /// The Intercom client in use: its request count and budget feed the estimate.
    intercom: Mutex<Option<intercom_client::Client>>,
    /// Dropped with the display, which ends the ticker.
    _stop: mpsc::Sender<()>,
}

#[derive(Debug, Default)]
struct State {
    task: Option<Task>,
    /// Why nothing moves.
    pause: Option<Paused>,
    /// The pass of an open-first run under way.
    pass: Option<Pass>,
}

/// A pause being shown.
#[derive(Debug)]
struct Paused {
    pause: Pause,
    until: Instant,
    /// Whether its line was printed (without a terminal).
    announced: bool,
}

/// A stage, a verification or a rollback under way.
#[derive(Debug)]
struct Task {
    name: &'static str,
    stage: Option<Stage>,
    total: Option<u64>,
    done: u64,
    rejected: u64,
    failed: u64,
    started: Instant,
    /// Intercom requests sent before it started.
    requests_before: Option<u64>,
    recent: Recent,
    /// When the last line was printed (without a terminal).
    last_line: Instant,
    bar: Option<ProgressBar>,
}

impl Display {
    fn new(mode: ProgressMode, interval: Duration, sink: Sink, stop: mpsc::Sender<()>) -> Self {
        Self {
            mode,
            sink,
            interval,
            started: Instant::now(),
            state: Mutex::new(State::default()),
            intercom: Mutex::new(None),
            _stop: stop,
        }
    }

    fn print(&self, text: &str) {
        match &self.sink {
            Sink::Stderr => eprintln!("{text}"),
            #[cfg(test)]
            Sink::Memory(lines) => lock(lines).push(text.to_string()),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    fn intercom_stats(&self) -> Option<ClientStats> {
        lock(&self.intercom)
            .as_ref()
            .map(intercom_client::Client::stats)
    }

    fn clock(&self) -> String {
        clock(self.started.elapsed())
    }

    /// A line for people: above the bars, or on its own.
    fn line(&self, text: &str) {
        match self.mode {
            ProgressMode::Lines => self.print(text),
            ProgressMode::Bars => {
                // One bar at a time: the line goes above it, and it is drawn again below.
                let bar = self.state().task.as_ref().and_then(|task| task.bar.clone());
                match bar {
                    Some(bar) => bar.suspend(|| self.print(text)),
                    None => self.print(text),
                }
            }
            ProgressMode::Silent => {}
        }
        tracing::info!(target: "progress", "{text}");
    }

    /// A dated line without a terminal; on a terminal the bar's message says it instead.
    fn note(&self, text: &str) {
        if self.mode == ProgressMode::Lines {
            self.print(&format!("{} {text}", self.clock()));
        }
        tracing::info!(target: "progress", "{text}");
    }

    fn start_task(&self, name: &'static str, stage: Option<Stage>, total: Option<u64>) {
        self.finish_task(None);
        let bar = (self.mode == ProgressMode::Bars).then(|| self.bar(name, total));
        let noun = match stage {
            Some(stage) if stage.source_kind().is_none() => "operations",
            Some(_) => "records",
            None => "steps",
        };
        let start = match total {
            Some(total) => format!(
                "{name} started: {} {noun}",
                crate::numbers::thousands(total)
            ),
            None => format!("{name} started"),
        };
        self.note(&start);
        let now = Instant::now();
        self.state().task = Some(Task {
            name,
            stage,
            total,
            done: 0,
            rejected: 0,
            failed: 0,
            started: now,
            requests_before: self.intercom_stats().map(|stats| stats.requests_sent),
            recent: Recent::default(),
            last_line: now,
            bar,
        });
    }

    fn bar(&self, name: &str, total: Option<u64>) -> ProgressBar {
        let (bar, template) = match total {
            Some(total) => (
                ProgressBar::new(total),
                format!("{{prefix:>{}}} [{{bar:30}}] {{msg}}", text::NAME_WIDTH),
            ),
            None => (
                ProgressBar::new_spinner(),
                format!("{{prefix:>{}}} {{spinner}} {{msg}}", text::NAME_WIDTH),
            ),
        };
        bar.set_style(
            ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix(name.to_string());
        bar
    }

    /// Ends the task under way with `summary` (or its count and pace).
    fn finish_task(&self, summary: Option<String>) {
        let Some(task) = self.state().task.take() else {
            return;
        };
        let summary = summary.unwrap_or_else(|| text::done_in(task.done, task.started.elapsed()));
        let finished = format!("{} finished: {summary}", task.name);
        match &task.bar {
            // The bar gives way to a line of the same shape that stays as the stage's summary.
            Some(bar) => {
                bar.finish_and_clear();
                let full = "=".repeat(30);
                let width = text::NAME_WIDTH;
                self.print(&format!("{:>width$} [{full}] {summary}", task.name));
                tracing::info!(target: "progress", "{finished}");
            }
            None => self.note(&finished),
        }
    }

    /// Redraws the bar; prints (without a terminal) and logs a line when the interval has
    /// passed.
    fn tick(&self) {
        let stats = self.intercom_stats();
        let now = Instant::now();
        let mut state = self.state();
        if state
            .pause
            .as_ref()
            .is_some_and(|paused| now >= paused.until)
        {
            state.pause = None;
        }
        let pause = state
            .pause
            .as_ref()
            .map(|paused| paused.pause.describe(paused.until - now));
        let Some(task) = state.task.as_mut() else {
            return;
        };
        task.recent.record(now - task.started, task.done);
        let status = task.status(now, stats.as_ref(), pause);
        if let Some(bar) = &task.bar {
            bar.set_message(status.to_string());
            bar.tick();
        }
        // The log file gets the line whatever the terminal shows.
        if now - task.last_line >= self.interval {
            task.last_line = now;
            let line = format!("{} {status}", task.name);
            drop(state);
            self.note(&line);
        }
    }

    /// An Intercom client is about to wait.
    fn client_waits(&self, wait: &Wait) {
        if wait.duration < NOTABLE_WAIT {
            return;
        }
        let pause = match wait.cause {
            WaitCause::RateLimit => Pause::RateLimit,
            WaitCause::Backoff { attempt } => Pause::ClientRetry { attempt },
            _ => return,
        };
        self.pause(pause, wait.duration);
    }

    /// Shows a pause of `length`; the requests in flight waiting for the same window make one
    /// pause, said once.
    fn pause(&self, pause: Pause, length: Duration) {
        let until = Instant::now() + length;
        let announce = {
            let mut state = self.state();
            let has_task = state.task.is_some();
            let paused = match state.pause.take() {
                Some(mut paused)
                    if paused.pause == pause && until <= paused.until + NOTABLE_WAIT =>
                {
                    paused.until = paused.until.max(until);
                    paused
                }
                _ => Paused {
                    pause: pause.clone(),
                    until,
                    announced: false,
                },
            };
            let announce = !paused.announced && has_task && length >= LOUD_WAIT;
            state.pause = Some(Paused {
                announced: paused.announced || announce,
                ..paused
            });
            announce
        };
        if announce {
            self.note(&pause.describe(length));
        }
    }

    fn with_task(&self, update: impl FnOnce(&mut Task)) {
        if let Some(task) = self.state().task.as_mut() {
            update(task);
        }
    }
}

impl Task {
    fn status(&self, now: Instant, stats: Option<&ClientStats>, pause: Option<String>) -> Status {
        let at = now - self.started;
        let per_second = self.recent.per_second(at, self.done);
        let requests = stats
            .zip(self.requests_before)
            .map(|(stats, before)| stats.requests_sent.saturating_sub(before));
        let pace = Pace {
            remaining: self.total.map(|total| total.saturating_sub(self.done)),
            requests_per_item: requests
                .filter(|_| self.done > 0)
                .map(|requests| requests as f64 / self.done as f64),
            allowed_per_second: stats
                .and_then(|stats| stats.allowed_per_minute)
                .map(|per_minute| f64::from(per_minute) / 60.0),
            observed_per_second: per_second,
        };
        Status {
            done: self.done,
            total: self.total,
            per_second,
            at_rate_limit: pace.at_rate_limit(),
            eta: eta(&pace),
            rejected: self.rejected,
            failed: self.failed,
            pause,
        }
    }

    fn advance(&mut self, done: u64) {
        self.done = done;
        // A total counted before the run (a discovery) can be short of what the source holds
        // now: the count grows rather than run past its end.
        if let Some(total) = self.total.filter(|total| done > *total) {
            self.total = Some(done);
            if let Some(bar) = &self.bar {
                bar.set_length(done.max(total));
            }
        }
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }
}

impl Display {
    /// Closes the stage's bar with its summary, if the bar is still that stage's.
    fn stage_finished(&self, report: &StageReport) {
        let done = self
            .state()
            .task
            .as_ref()
            .filter(|task| task.stage == Some(report.stage))
            .map(|task| task.done);
        if let Some(done) = done {
            self.finish_task(Some(text::stage_summary(report, done)));
        }
    }

    /// An operation waits: a retry after a failure pauses the display with why.
    fn waiting(&self, mark: &str, reason: &WaitReason) {
        match reason {
            WaitReason::Backoff {
                attempt,
                delay_ms,
                error,
            } => self.pause(
                Pause::Retry {
                    mark: mark.to_string(),
                    attempt: *attempt,
                    error: error.clone(),
                },
                Duration::from_millis(*delay_ms),
            ),
            // Brief and ordinary: a record waits for another of its stage to create what it
            // needs. Only the log hears of it.
            WaitReason::Dependency { key } => {
                tracing::debug!(target: "progress", "{mark} waits for {key} to be created first");
            }
        }
    }

    /// One more record verified, the verification's bar started by the first.
    fn record_verified(&self) {
        let verifying = matches!(&self.state().task, Some(task) if task.name == VERIFYING);
        if !verifying {
            self.start_task(VERIFYING, None, None);
        }
        self.with_task(|task| task.advance(task.done + 1));
    }
}

impl Observer for Display {
    fn observe(&self, event: &Event) {
        match event {
            Event::StageStarted { stage, total } => {
                let pass = self.state().pass;
                self.start_task(text::stage_name_in(*stage, pass), Some(*stage), *total);
            }
            Event::PassStarted { pass } => {
                self.state().pass = Some(*pass);
                self.line(text::pass_started(*pass));
            }
            Event::OpenTicketsMoved { tickets } => self.line(&format!(
                "All {} open tickets are in Intercom; the history follows",
                crate::numbers::thousands(*tickets)
            )),
            Event::StageAdvanced { stage, done } => self.with_task(|task| {
                if task.stage == Some(*stage) {
                    task.advance(*done);
                }
            }),
            Event::StageFinished { report } => self.stage_finished(report),
            Event::RecordRejected { .. } => self.with_task(|task| task.rejected += 1),
            Event::OperationFailed { .. } => self.with_task(|task| task.failed += 1),
            Event::OperationPlanned {
                operation,
                already_done,
                ..
            } => {
                let done = if *already_done { " (already done)" } else { "" };
                self.line(&format!("would send: {}{done}", operation.mark));
            }
            Event::Waiting { mark, reason } => self.waiting(mark, reason),
            Event::Mismatch {
                stage,
                reconciliation,
            } => {
                let text = text::mismatch(*stage, reconciliation);
                match self.mode {
                    ProgressMode::Lines => self.note(&text),
                    _ => self.line(&text),
                }
            }
            Event::RecordVerified { .. } => self.record_verified(),
            Event::RollbackStarted { steps } => self.start_task(ROLLING_BACK, None, Some(*steps)),
            Event::UndoDone { .. } => self.with_task(|task| task.advance(task.done + 1)),
            Event::UndoFailed { .. } => self.with_task(|task| {
                task.failed += 1;
                task.advance(task.done + 1);
            }),
            _ => {}
        }
    }
}

/// The name of a verification's progress.
const VERIFYING: &str = "Verifying";
/// The name of a rollback's progress.
const ROLLING_BACK: &str = "Rolling back";

#[cfg(test)]
mod tests {
    use migration_core::engine::{ObjectCounts, Reconciliation, StageReport};
    use migration_core::keys::RecordKey;

    use super::*;

    /// A display without a terminal that keeps its lines, printing one at every tick.
    fn lines() -> Display {
        let (stop, _) = mpsc::channel();
        Display::new(
            ProgressMode::Lines,
            Duration::ZERO,
            Sink::Memory(Mutex::default()),
            stop,
        )
    }

    fn printed(display: &Display) -> Vec<String> {
        match &display.sink {
            Sink::Memory(lines) => std::mem::take(&mut *lock(lines)),
            Sink::Stderr => Vec::new(),
        }
    }

    fn finished(stage: Stage, moved: u64) -> Event {
        let mut report = StageReport::new(stage);
        report.records = ObjectCounts {
            source: moved,
            moved,
            ..ObjectCounts::default()
        };
        Event::StageFinished { report }
    }

    #[test]
    fn without_a_terminal_each_stage_has_a_dated_start_and_end() {
        let display = lines();
        display.observe(&Event::StageStarted {
            stage: Stage::Tickets,
            total: Some(12_345),
        });
        for done in 1..=3 {
            display.observe(&Event::StageAdvanced {
                stage: Stage::Tickets,
                done,
            });
        }
        display.tick();
        display.observe(&finished(Stage::Tickets, 3));
        assert_eq!(
            printed(&display),
            [
                "[00:00:00] Conversations and tickets started: 12,345 records",
                "[00:00:00] Conversations and tickets 3/12,345 (0%)",
                "[00:00:00] Conversations and tickets finished: 3 in 0s: 3 moved",
            ]
        );
    }

    #[test]
    fn an_open_first_run_says_which_pass_each_stage_is_in() {
        let display = lines();
        display.observe(&Event::PassStarted { pass: Pass::Open });
        display.observe(&Event::StageStarted {
            stage: Stage::Tickets,
            total: Some(14),
        });
        display.observe(&finished(Stage::Tickets, 14));
        display.observe(&Event::OpenTicketsMoved { tickets: 14 });
        display.observe(&Event::PassStarted {
            pass: Pass::History,
        });
        display.observe(&Event::StageStarted {
            stage: Stage::Tickets,
            total: Some(46),
        });
        let lines = printed(&display);
        assert_eq!(lines[0], text::pass_started(Pass::Open));
        assert_eq!(lines[1], "[00:00:00] Tickets (open) started: 14 records");
        assert_eq!(
            lines[3],
            "All 14 open tickets are in Intercom; the history follows"
        );
        assert_eq!(lines[4], text::pass_started(Pass::History));
        assert_eq!(lines[5], "[00:00:00] Tickets (history) started: 46 records");
    }

    #[test]
    fn an_unknown_total_is_a_count_never_a_fraction_of_zero() {
        let display = lines();
        display.observe(&Event::StageStarted {
            stage: Stage::Companies,
            total: None,
        });
        display.observe(&Event::StageAdvanced {
            stage: Stage::Companies,
            done: 575,
        });
        display.tick();
        let lines = printed(&display);
        assert_eq!(
            lines,
            ["[00:00:00] Companies started", "[00:00:00] Companies 575"]
        );
        assert!(lines.iter().all(|line| !line.contains("eta")), "{lines:?}");
    }

    #[test]
    fn a_total_counted_before_the_run_grows_when_the_source_holds_more() {
        let display = lines();
        display.observe(&Event::StageStarted {
            stage: Stage::Contacts,
            total: Some(2),
        });
        display.observe(&Event::StageAdvanced {
            stage: Stage::Contacts,
            done: 3,
        });
        display.tick();
        assert_eq!(printed(&display)[1], "[00:00:00] Contacts 3/3 (100%)");
    }

    #[test]
    fn rejections_and_failures_are_counted_on_the_line() {
        let display = lines();
        display.observe(&Event::StageStarted {
            stage: Stage::Contacts,
            total: Some(10),
        });
        let rejection = migration_core::reject::Rejection {
            record: migration_core::model::source::SourceRef::new(
                migration_core::model::source::SourceKind::Caller,
                7,
            ),
            code: migration_core::reject::ReasonCode::MissingEmail,
            message: "no email".into(),
            fix: "give the caller an email".into(),
        };
        display.observe(&Event::RecordRejected { rejection });
        display.tick();
        assert_eq!(
            printed(&display)[1],
            "[00:00:00] Contacts 0/10 (0%), 1 rejected"
        );
    }

    #[test]
    fn a_rate_limit_wait_is_said_once_in_words() {
        let display = lines();
        let wait = |seconds| Wait {
            cause: WaitCause::RateLimit,
            duration: Duration::from_secs(seconds),
        };
        display.client_waits(&wait(12));
        assert_eq!(printed(&display), Vec::<String>::new(), "no task, no word");
        display.observe(&Event::StageStarted {
            stage: Stage::Contacts,
            total: None,
        });
        // Eight requests in flight wait for the same window.
        for _ in 0..8 {
            display.client_waits(&wait(12));
        }
        display.client_waits(&Wait {
            cause: WaitCause::RateLimit,
            duration: Duration::from_millis(60),
        });
        display.tick();
        let lines = printed(&display);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(
            lines[1],
            "[00:00:00] waiting for Intercom's rate limit, 12 s"
        );
        assert!(
            lines[2].starts_with("[00:00:00] Contacts 0; waiting for Intercom's rate limit, 1"),
            "{lines:?}"
        );
    }

    #[test]
    fn retries_are_said_in_words_and_dependencies_not_at_all() {
        let display = lines();
        display.observe(&Event::StageStarted {
            stage: Stage::Contacts,
            total: Some(1),
        });
        display.observe(&Event::Waiting {
            mark: "contact:caller:7".into(),
            reason: WaitReason::Dependency {
                key: RecordKey::placeholder_contact(),
            },
        });
        display.observe(&Event::Waiting {
            mark: "contact:caller:7".into(),
            reason: WaitReason::Backoff {
                attempt: 1,
                delay_ms: 8_000,
                error: "HTTP 503".into(),
            },
        });
        let lines = printed(&display);
        assert_eq!(
            lines[1..],
            ["[00:00:00] contact:caller:7 failed (HTTP 503); attempt 2 in 8 s"]
        );
        assert!(lines.iter().all(|line| !line.contains("Dependency")));
    }

    #[test]
    fn a_mismatch_is_a_sentence() {
        let display = lines();
        display.observe(&Event::Mismatch {
            stage: Stage::Contacts,
            reconciliation: Reconciliation {
                source: 3,
                present: 2,
                rejected: 1,
                failed: 0,
                unaccounted: 0,
                matches: false,
                out_of_scope: 0,
            },
        });
        assert_eq!(
            printed(&display),
            [
                "[00:00:00] Contacts: 3 read from Vivantio, 2 in Intercom: 1 rejected by the \
                 mapping (the report lists each record)"
            ]
        );
    }

    #[test]
    fn verification_and_rollback_show_their_progress_too() {
        let display = lines();
        for _ in 0..3 {
            display.observe(&Event::RecordVerified {
                key: RecordKey::placeholder_contact(),
                differences: 0,
            });
        }
        display.finish_task(None);
        display.observe(&Event::RollbackStarted { steps: 2 });
        let step = migration_core::rollback::UndoStep::Delete {
            kind: migration_core::keys::RecordKind::Contact,
            id: "1".into(),
            key: RecordKey::placeholder_contact(),
        };
        display.observe(&Event::UndoDone { step: step.clone() });
        display.observe(&Event::UndoFailed {
            step,
            reason: "HTTP 500".into(),
        });
        display.tick();
        display.finish_task(None);
        assert_eq!(
            printed(&display),
            [
                "[00:00:00] Verifying started",
                "[00:00:00] Verifying finished: 3 in 0s",
                "[00:00:00] Rolling back started: 2 steps",
                "[00:00:00] Rolling back 2/2 (100%), 1 failed",
                "[00:00:00] Rolling back finished: 2 in 0s",
            ]
        );
    }

    #[test]
    fn intervals_read_as_people_write_them() {
        for (text, expected) in [
            ("30s", Ok(Duration::from_secs(30))),
            ("45", Ok(Duration::from_secs(45))),
            ("2m", Ok(Duration::from_secs(120))),
            ("1h", Ok(Duration::from_secs(3600))),
            ("500ms", Ok(Duration::from_millis(500))),
            ("1.5s", Ok(Duration::from_millis(1500))),
        ] {
            assert_eq!(parse_interval(text), expected, "{text}");
        }
        for wrong in ["", "s", "10 fortnights", "0s", "50ms", "-1s"] {
            assert!(parse_interval(wrong).is_err(), "{wrong}");
        }
    }
}
