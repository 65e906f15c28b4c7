//! The request budget shared by every task that uses one client.
//!
//! Intercom splits its per-minute limit into 10-second windows and reports the current window on
//! every authenticated response: `X-RateLimit-Limit` (requests allowed in the window),
//! `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix time when the window refills). Nothing
//! here assumes a number: the budget is learnt from those headers.
//!
//! Instead of firing until a 429 comes back, [`RateLimiter::acquire`] spreads the remaining budget
//! evenly over the time left in the window, keeping a small safety margin for other apps sharing
//! the workspace budget. A bulk load therefore runs just under the limit. When a 429 does arrive
//! (another app took the budget, or clocks disagree), every task waits until the reset.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use tokio::time::Instant;

use crate::stats::{Counters, WaitCause};

/// Intercom splits its per-minute limits into six 10-second windows.
pub(crate) const WINDOWS_PER_MINUTE: u32 = 6;
/// How long to hold back after a 429 that names no reset time.
const UNKNOWN_RESET_WAIT: Duration = Duration::from_secs(2);
/// `X-RateLimit-Reset` has one-second resolution; waiting this much longer avoids arriving early.
const RESET_GRACE: Duration = Duration::from_millis(50);
/// How often tasks waiting on a probe look whether its answer has arrived.
const PROBE_POLL: Duration = Duration::from_millis(10);
/// How long one probe may be outstanding before another task probes instead (a probe whose
/// answer carries no headers, or that hangs, must not stall everyone).
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// What one response said about the current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Observation {
    pub(crate) limit: Option<u32>,
    pub(crate) remaining: Option<u32>,
    /// The window's reset as Unix seconds; identifies the window.
    pub(crate) reset_epoch: Option<u64>,
    /// Time from now until that reset.
    pub(crate) reset_in: Option<Duration>,
}

impl Observation {
    /// Reads the `X-RateLimit-*` headers; absent or malformed headers yield `None` fields.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        let number = |name: &str| -> Option<u64> {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let reset_epoch = number("x-ratelimit-reset");
        let now_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let reset_in = reset_epoch.map(|reset| {
            Duration::from_secs(reset)
                .saturating_sub(now_epoch)
                .saturating_add(RESET_GRACE)
        });
        Observation {
            limit: number("x-ratelimit-limit").and_then(|v| u32::try_from(v).ok()),
            remaining: number("x-ratelimit-remaining").and_then(|v| u32::try_from(v).ok()),
            reset_epoch,
            reset_in,
        }
    }

    fn is_empty(&self) -> bool {
        self.limit.is_none() && self.remaining.is_none() && self.reset_epoch.is_none()
    }
}

#[derive(Debug, Default)]
struct Window {
    limit: Option<u32>,
    /// Our estimate: the server's last figure minus the requests we started since.
    remaining: Option<u32>,
    reset_epoch: Option<u64>,
    reset_at: Option<Instant>,
    /// The earliest moment the next request may start, so concurrent tasks queue instead of bursting.
    next_slot: Option<Instant>,
    /// While nothing is known of the current window, one request probes it and the others
    /// wait until this instant (or until its headers arrive).
    probe_until: Option<Instant>,
    /// The server answered without rate-limit headers (a proxy, a mock): nothing to pace by.
    unmetered: bool,
}

/// The shared, header-driven request budget (one per client and all its clones).
#[derive(Debug)]
pub(crate) struct RateLimiter {
    window: Mutex<Window>,
    /// Fraction of each window's limit left unused as a cushion for other apps and clock skew.
    safety_margin: f64,
    /// The most this budget may spend in one window whatever the headers say (its share of a
    /// workspace cap that several apps draw from).
    window_cap: Option<u32>,
}

enum Decision {
    Go,
    SleepThenGo(Duration),
    SleepThenRetry(Duration),
}

impl RateLimiter {
    pub(crate) fn new(safety_margin: f64) -> Self {
        RateLimiter {
            window: Mutex::new(Window::default()),
            safety_margin: safety_margin.clamp(0.0, 0.9),
            window_cap: None,
        }
    }

    /// Limits the requests this budget spends per window to `cap`, below what the headers allow.
    pub(crate) fn with_window_cap(mut self, cap: Option<u32>) -> Self {
        self.window_cap = cap;
        self
    }

    /// How long a request would wait if it asked now (without reserving anything).
    pub(crate) fn ready_in(&self, now: Instant) -> Duration {
        let window = self.lock();
        if window.reset_at.is_some_and(|reset| now >= reset) {
            return Duration::ZERO;
        }
        let Some(remaining) = window.remaining else {
            return match window.probe_until {
                Some(until) if !window.unmetered && now < until => PROBE_POLL,
                _ => Duration::ZERO,
            };
        };
        if remaining <= self.margin(window.limit) {
            return window
                .reset_at
                .map_or(UNKNOWN_RESET_WAIT, |reset| reset - now);
        }
        window
            .next_slot
            .map_or(Duration::ZERO, |slot| slot.saturating_duration_since(now))
    }

    /// Waits until this request may be sent without exceeding the budget, and reserves it.
    pub(crate) async fn acquire(&self, counters: &Counters) {
        loop {
            let (wait, done) = match self.decide(Instant::now()) {
                Decision::Go => return,
                Decision::SleepThenGo(wait) => (wait, true),
                Decision::SleepThenRetry(wait) => (wait, false),
            };
            tracing::trace!(wait_ms = wait.as_millis() as u64, "pacing for rate limit");
            counters.waiting(WaitCause::RateLimit, wait);
            tokio::time::sleep(wait).await;
            counters.waited_for_rate_limit(wait);
            if done {
                return;
            }
        }
    }

    fn decide(&self, now: Instant) -> Decision {
        let mut window = self.lock();
        if window.reset_at.is_some_and(|reset| now >= reset) {
            // The window refilled, but its size and end are unknown until a response says:
            // probe it rather than let every waiting task burst into it.
            window.remaining = None;
            window.reset_at = None;
            window.next_slot = None;
            window.probe_until = None;
        }
        let Some(remaining) = window.remaining else {
            if window.unmetered {
                return Decision::Go;
            }
            // Nothing known about this window: one request probes it, the others wait for the
            // headers of its answer instead of bursting past a limit nobody has read yet.
            if window.probe_until.is_some_and(|until| now < until) {
                return Decision::SleepThenRetry(PROBE_POLL);
            }
            window.probe_until = Some(now + PROBE_TIMEOUT);
            return Decision::Go;
        };
        let margin = self.margin(window.limit);
        let usable = remaining.saturating_sub(margin);
        if usable == 0 {
            return match window.reset_at {
                Some(reset) => Decision::SleepThenRetry(reset - now),
                None => {
                    // Exhausted with no reset time: wait a little, then probe the next window.
                    window.remaining = None;
                    window.probe_until = None;
                    Decision::SleepThenRetry(UNKNOWN_RESET_WAIT)
                }
            };
        }
        window.remaining = Some(remaining - 1);
        let Some(reset) = window.reset_at else {
            return Decision::Go;
        };
        let spacing = (reset - now) / usable;
        let slot = window.next_slot.map_or(now, |next| next.max(now));
        window.next_slot = Some(slot + spacing);
        if slot > now {
            Decision::SleepThenGo(slot - now)
        } else {
            Decision::Go
        }
    }

    /// Feeds the headers of a response into the shared budget.
    pub(crate) fn observe(&self, observation: Observation) {
        let now = Instant::now();
        let mut window = self.lock();
        if observation.is_empty() {
            // An answer without headers: stop holding tasks back for a budget nobody reports.
            window.unmetered = true;
            window.probe_until = None;
            return;
        }
        window.unmetered = false;
        if observation.limit.is_some() {
            window.limit = observation.limit;
        }
        let same_window = observation.reset_epoch.is_some()
            && observation.reset_epoch == window.reset_epoch
            && window.reset_at.is_some();
        let older_window = matches!(
            (observation.reset_epoch, window.reset_epoch),
            (Some(seen), Some(current)) if seen < current
        );
        if older_window {
            // A slow response from a window that has already rolled over says nothing current.
            return;
        }
        if same_window {
            // Responses overtake each other; the lower figure counts requests still in flight.
            window.remaining = match (window.remaining, self.capped(observation.remaining)) {
                (Some(ours), Some(theirs)) => Some(ours.min(theirs)),
                (ours, theirs) => theirs.or(ours),
            };
        } else {
            window.remaining = self.capped(observation.remaining);
            window.reset_epoch = observation.reset_epoch;
            window.reset_at = observation.reset_in.map(|wait| now + wait);
            window.next_slot = None;
        }
    }

    /// Records a 429: nobody sends until the window resets.
    pub(crate) fn rate_limited(&self, observation: Observation) -> Duration {
        let now = Instant::now();
        let wait = observation.reset_in.unwrap_or(UNKNOWN_RESET_WAIT);
        let mut window = self.lock();
        if observation.limit.is_some() {
            window.limit = observation.limit;
        }
        window.remaining = Some(0);
        window.reset_epoch = observation.reset_epoch.or(window.reset_epoch);
        let reset_at = now + wait;
        window.reset_at = Some(window.reset_at.map_or(reset_at, |r| r.max(reset_at)));
        window.next_slot = None;
        wait
    }

    /// The last known limit and our estimate of what is left.
    pub(crate) fn snapshot(&self) -> (Option<u32>, Option<u32>) {
        let window = self.lock();
        (window.limit, window.remaining)
    }

    /// The requests this budget lets itself send in a whole window: the last known limit,
    /// capped by its share of the workspace, less the safety margin (`None` until known).
    pub(crate) fn allowed_per_window(&self) -> Option<u32> {
        let limit = self.lock().limit?;
        let limit = self.window_cap.map_or(limit, |cap| limit.min(cap));
        Some(limit.saturating_sub(self.margin(Some(limit))))
    }

    fn capped(&self, remaining: Option<u32>) -> Option<u32> {
        match (remaining, self.window_cap) {
            (Some(remaining), Some(cap)) => Some(remaining.min(cap)),
            (remaining, _) => remaining,
        }
    }

    fn margin(&self, limit: Option<u32>) -> u32 {
        let limit = match (limit, self.window_cap) {
            (Some(limit), Some(cap)) => Some(limit.min(cap)),
            (limit, cap) => limit.or(cap),
        };
        match limit {
            // Truncation is fine: the margin is a cushion, not an exact figure.
            Some(limit) => ((f64::from(limit) * self.safety_margin).ceil() as u32).max(1),
            None => 1,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Window> {
        // The window holds plain numbers; a panic elsewhere cannot leave it inconsistent.
        self.window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn seen(limit: u32, remaining: u32, reset_epoch: u64, reset_in_ms: u64) -> Observation {
        Observation {
            limit: Some(limit),
            remaining: Some(remaining),
            reset_epoch: Some(reset_epoch),
            reset_in: Some(Duration::from_millis(reset_in_ms)),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn one_request_probes_an_unknown_window_and_the_rest_wait_for_its_headers() {
        let limiter = Arc::new(RateLimiter::new(0.0));
        let counters = Counters::default();
        let start = Instant::now();
        limiter.acquire(&counters).await;
        assert_eq!(start.elapsed(), Duration::ZERO, "the probe goes at once");
        let waiting = {
            let limiter = Arc::clone(&limiter);
            tokio::spawn(async move {
                limiter.acquire(&Counters::default()).await;
                Instant::now()
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!waiting.is_finished(), "others wait while the probe is out");
        limiter.observe(seen(100, 99, 1_000, 10_000));
        let released = waiting.await.unwrap();
        assert!(released - start < Duration::from_millis(200));
    }

    #[tokio::test(start_paused = true)]
    async fn a_probe_without_an_answer_lets_another_task_probe() {
        let limiter = RateLimiter::new(0.0);
        let counters = Counters::default();
        let start = Instant::now();
        limiter.acquire(&counters).await;
        limiter.acquire(&counters).await;
        let waited = start.elapsed();
        assert!(waited >= PROBE_TIMEOUT && waited < PROBE_TIMEOUT + Duration::from_millis(50));
    }

    #[tokio::test(start_paused = true)]
    async fn spreads_the_remaining_budget_over_the_window() {
        let limiter = RateLimiter::new(0.0);
        let counters = Counters::default();
        // 100 requests left (margin 1 => 99 usable), window resets in 10 s.
        limiter.observe(seen(100, 100, 1_000, 10_000));
        let start = Instant::now();
        for _ in 0..99 {
            limiter.acquire(&counters).await;
        }
        let elapsed = start.elapsed();
        // Evenly spaced, the 99th request starts close to the end of the window, never after it.
        assert!(elapsed >= Duration::from_millis(9_000), "{elapsed:?}");
        assert!(elapsed <= Duration::from_millis(10_000), "{elapsed:?}");
        assert!(counters.snapshot(None, None).rate_limit_wait > Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn waits_for_the_reset_when_the_budget_is_spent() {
        let limiter = RateLimiter::new(0.0);
        let counters = Counters::default();
        limiter.observe(seen(10, 1, 1_000, 3_000));
        let start = Instant::now();
        limiter.acquire(&counters).await;
        assert!(start.elapsed() >= Duration::from_millis(3_000));
        // After the reset the request went out as the probe of the new window, whose budget
        // is unknown until its answer arrives.
        assert_eq!(limiter.snapshot(), (Some(10), None));
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_blocks_every_task_until_the_reset() {
        let limiter = Arc::new(RateLimiter::new(0.05));
        let counters = Arc::new(Counters::default());
        let waited = limiter.rate_limited(seen(50, 0, 2_000, 4_000));
        assert_eq!(waited, Duration::from_millis(4_000));
        let start = Instant::now();
        let tasks: Vec<_> = (0..5)
            .map(|_| {
                let limiter = Arc::clone(&limiter);
                let counters = Arc::clone(&counters);
                tokio::spawn(async move { limiter.acquire(&counters).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert!(start.elapsed() >= Duration::from_millis(4_000));
    }

    #[tokio::test(start_paused = true)]
    async fn lower_figures_win_within_a_window_and_stale_windows_are_ignored() {
        let limiter = RateLimiter::new(0.0);
        limiter.observe(seen(100, 80, 1_000, 10_000));
        limiter.observe(seen(100, 90, 1_000, 10_000));
        assert_eq!(limiter.snapshot(), (Some(100), Some(80)));
        limiter.observe(seen(100, 99, 1_010, 20_000));
        assert_eq!(limiter.snapshot(), (Some(100), Some(99)));
        limiter.observe(seen(100, 5, 1_000, 10_000));
        assert_eq!(limiter.snapshot(), (Some(100), Some(99)));
    }

    #[tokio::test(start_paused = true)]
    async fn long_waits_are_told_to_the_listener_before_they_start() {
        let told = Arc::new(std::sync::Mutex::new(Vec::new()));
        let counters = Counters::with_listener(Some({
            let told = Arc::clone(&told);
            Arc::new(move |wait: &crate::stats::Wait| told.lock().unwrap().push(*wait))
        }));
        let limiter = RateLimiter::new(0.0);
        limiter.observe(seen(10, 1, 1_000, 3_000));
        limiter.acquire(&counters).await;
        let told = told.lock().unwrap();
        assert_eq!(told.len(), 1, "{told:?}");
        assert_eq!(told[0].cause, WaitCause::RateLimit);
        assert!(told[0].duration >= Duration::from_millis(2_900), "{told:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_allowance_is_the_limit_capped_by_the_share_less_the_margin() {
        let unknown = RateLimiter::new(0.1);
        assert_eq!(unknown.allowed_per_window(), None);
        unknown.observe(seen(100, 100, 1_000, 10_000));
        assert_eq!(unknown.allowed_per_window(), Some(90));
        let shared = RateLimiter::new(0.1).with_window_cap(Some(50));
        shared.observe(seen(100, 100, 1_000, 10_000));
        assert_eq!(shared.allowed_per_window(), Some(45));
    }

    #[test]
    fn reads_headers_and_ignores_garbage() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-limit", "167".parse().unwrap());
        headers.insert("x-ratelimit-remaining", "nonsense".parse().unwrap());
        let observation = Observation::from_headers(&headers);
        assert_eq!(observation.limit, Some(167));
        assert_eq!(observation.remaining, None);
        assert_eq!(observation.reset_in, None);
    }
}
