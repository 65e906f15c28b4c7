//! An adaptive rate limiter for an API that publishes no limits.
//!
//! Vivantio documents no rate limits (UNK), so the client starts conservatively — few requests in
//! flight, spaced apart — and adapts:
//!
//! * on a throttling signal (HTTP 429, HTTP 503, a timeout) it halves the concurrency, doubles the
//!   spacing and pauses *all* requests for an exponential back-off with jitter, or for exactly the
//!   server's `Retry-After` when one is sent;
//! * after a run of successes it allows one more request in flight (up to the cap) and halves the
//!   spacing (down to its floor).
//!
//! One limiter is shared by every clone of a [`Client`](crate::Client).

use std::sync::Mutex;
use std::time::Duration;

use rand::Rng;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Tuning of the [`AdaptiveLimiter`]; every field has a conservative default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimiterSettings {
    /// Requests allowed in flight at the start (default 2).
    pub initial_concurrency: usize,
    /// Most requests ever allowed in flight (default 4, the research notes' advice).
    pub max_concurrency: usize,
    /// Spacing between request starts at the start and after a throttle (default 200 ms).
    pub initial_interval: Duration,
    /// Smallest spacing reached while requests succeed (default 0).
    pub min_interval: Duration,
    /// Largest spacing reached while throttled (default 10 s).
    pub max_interval: Duration,
    /// Successes in a row that earn one more request in flight and half the spacing (default 20).
    pub successes_to_speed_up: u32,
    /// First back-off after a throttle; doubles with each throttle in a row (default 1 s).
    pub base_backoff: Duration,
    /// Longest computed back-off (default 60 s).
    pub max_backoff: Duration,
    /// Longest `Retry-After` honoured; longer values are cut to this (default 5 min).
    pub max_retry_after: Duration,
    /// How often one request is retried after throttling before its error is returned (default 6).
    pub max_retries: u32,
}

impl Default for LimiterSettings {
    fn default() -> Self {
        Self {
            initial_concurrency: 2,
            max_concurrency: 4,
            initial_interval: Duration::from_millis(200),
            min_interval: Duration::ZERO,
            max_interval: Duration::from_secs(10),
            successes_to_speed_up: 20,
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(300),
            max_retries: 6,
        }
    }
}

impl LimiterSettings {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.max_concurrency == 0 || self.initial_concurrency == 0 {
            return Err("limiter concurrency must be at least 1".into());
        }
        if self.initial_concurrency > self.max_concurrency {
            return Err("limiter initial_concurrency exceeds max_concurrency".into());
        }
        if self.min_interval > self.max_interval {
            return Err("limiter min_interval exceeds max_interval".into());
        }
        Ok(())
    }
}

/// What the limiter is doing right now (for logs, progress displays and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimiterSnapshot {
    /// Requests currently allowed in flight.
    pub concurrency_limit: usize,
    /// Requests currently in flight.
    pub in_flight: usize,
    /// Current spacing between request starts.
    pub interval: Duration,
    /// Throttling signals in a row without a success between them.
    pub consecutive_throttles: u32,
    /// How long every request is still held back by the last back-off.
    pub paused_for: Duration,
}

#[derive(Debug)]
struct State {
    limit: usize,
    in_flight: usize,
    interval: Duration,
    next_start: Instant,
    paused_until: Instant,
    consecutive_throttles: u32,
    success_streak: u32,
}

/// Caps concurrency, spaces requests and backs off on throttling; see the module docs.
#[derive(Debug)]
pub struct AdaptiveLimiter {
    settings: LimiterSettings,
    state: Mutex<State>,
    released: Notify,
}

/// A slot for one request; dropping it frees the slot.
#[derive(Debug)]
pub struct Permit<'a> {
    limiter: &'a AdaptiveLimiter,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.limiter.lock().in_flight -= 1;
        self.limiter.released.notify_waiters();
    }
}

impl AdaptiveLimiter {
    /// A limiter with these settings (validated by the client builder).
    pub fn new(settings: LimiterSettings) -> Self {
        let now = Instant::now();
        let state = State {
            limit: settings.initial_concurrency.max(1),
            in_flight: 0,
            interval: settings.initial_interval,
            next_start: now,
            paused_until: now,
            consecutive_throttles: 0,
            success_streak: 0,
        };
        Self {
            settings,
            state: Mutex::new(state),
            released: Notify::new(),
        }
    }

    /// The settings in use.
    pub fn settings(&self) -> &LimiterSettings {
        &self.settings
    }

    /// Waits until a request may start: a slot is free, the spacing has passed, no back-off holds.
    pub async fn acquire(&self) -> Permit<'_> {
        loop {
            // Registered before the state is checked so a release in between is not missed.
            let released = self.released.notified();
            tokio::pin!(released);
            released.as_mut().enable();

            let wait = {
                let mut state = self.lock();
                let now = Instant::now();
                if state.in_flight < state.limit {
                    let ready_at = state.next_start.max(state.paused_until);
                    if ready_at <= now {
                        state.in_flight += 1;
                        state.next_start = now + state.interval;
                        return Permit { limiter: self };
                    }
                    Some(ready_at - now)
                } else {
                    None
                }
            };
            match wait {
                Some(delay) => {
                    tokio::select! {
                        () = tokio::time::sleep(delay) => {}
                        () = &mut released => {}
                    }
                }
                None => released.await,
            }
        }
    }

    /// Records a request that got an answer that was not a throttling signal.
    pub fn on_success(&self) {
        let mut state = self.lock();
        state.consecutive_throttles = 0;
        state.success_streak += 1;
        if state.success_streak >= self.settings.successes_to_speed_up {
            state.success_streak = 0;
            // Halving never reaches zero by itself; below a millisecond spacing is noise.
            let halved = state.interval / 2;
            state.interval = if halved < Duration::from_millis(1) {
                self.settings.min_interval
            } else {
                halved.max(self.settings.min_interval)
            };
            if state.limit < self.settings.max_concurrency {
                state.limit += 1;
                drop(state);
                self.released.notify_waiters();
            }
        }
    }

    /// Records a throttling signal and returns how long every request is now held back.
    ///
    /// `retry_after` is the server's `Retry-After`, honoured up to
    /// [`LimiterSettings::max_retry_after`]; without it the back-off is
    /// `base_backoff × 2^(throttles in a row − 1)`, capped at `max_backoff`, of which a random
    /// half is taken off (jitter) so that parallel clients do not retry in step.
    pub fn on_throttle(&self, retry_after: Option<Duration>) -> Duration {
        let mut state = self.lock();
        state.consecutive_throttles = state.consecutive_throttles.saturating_add(1);
        state.success_streak = 0;
        state.limit = (state.limit / 2).max(1);
        state.interval = (state.interval * 2)
            .max(self.settings.initial_interval)
            .min(self.settings.max_interval);
        let wait = match retry_after {
            Some(delay) => delay.min(self.settings.max_retry_after),
            None => self.jittered_backoff(state.consecutive_throttles),
        };
        let until = Instant::now() + wait;
        state.paused_until = state.paused_until.max(until);
        wait
    }

    /// The current state.
    pub fn snapshot(&self) -> LimiterSnapshot {
        let state = self.lock();
        LimiterSnapshot {
            concurrency_limit: state.limit,
            in_flight: state.in_flight,
            interval: state.interval,
            consecutive_throttles: state.consecutive_throttles,
            paused_for: state.paused_until.saturating_duration_since(Instant::now()),
        }
    }

    fn jittered_backoff(&self, throttles_in_row: u32) -> Duration {
        let exponent = throttles_in_row.saturating_sub(1).min(20);
        let full = self
            .settings
            .base_backoff
            .saturating_mul(1 << exponent)
            .min(self.settings.max_backoff);
        let half = full / 2;
        let jitter_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(rand::rng().random_range(0..=jitter_nanos))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the counters half-updated in a way that
        // matters more than stopping every request, so a poisoned lock is used as is.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn settings() -> LimiterSettings {
        LimiterSettings {
            initial_concurrency: 2,
            max_concurrency: 4,
            initial_interval: Duration::from_millis(100),
            successes_to_speed_up: 3,
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(8),
            ..LimiterSettings::default()
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let limiter = AdaptiveLimiter::new(settings());
        let expected_full = [1, 2, 4, 8, 8, 8];
        for full_secs in expected_full {
            let wait = limiter.on_throttle(None);
            let full = Duration::from_secs(full_secs);
            assert!(wait >= full / 2 && wait <= full, "{wait:?} for {full:?}");
        }
        assert_eq!(limiter.snapshot().consecutive_throttles, 6);
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let limiter = AdaptiveLimiter::new(LimiterSettings {
            max_retry_after: Duration::from_secs(30),
            ..settings()
        });
        assert_eq!(
            limiter.on_throttle(Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
        assert_eq!(
            limiter.on_throttle(Some(Duration::from_secs(3600))),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn slows_down_on_throttle_and_recovers_on_success() {
        let limiter = AdaptiveLimiter::new(settings());
        limiter.on_throttle(None);
        let slowed = limiter.snapshot();
        assert_eq!(slowed.concurrency_limit, 1);
        assert_eq!(slowed.interval, Duration::from_millis(200));
        for _ in 0..3 {
            limiter.on_success();
        }
        let recovering = limiter.snapshot();
        assert_eq!(recovering.concurrency_limit, 2);
        assert_eq!(recovering.interval, Duration::from_millis(100));
        assert_eq!(recovering.consecutive_throttles, 0);
        for _ in 0..30 {
            limiter.on_success();
        }
        let fast = limiter.snapshot();
        assert_eq!(fast.concurrency_limit, 4, "capped at max_concurrency");
        assert_eq!(fast.interval, Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_backoff_holds_every_request() {
        let limiter = AdaptiveLimiter::new(settings());
        let wait = limiter.on_throttle(Some(Duration::from_secs(5)));
        let started = Instant::now();
        drop(limiter.acquire().await);
        assert!(started.elapsed() >= wait);
    }

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_by_the_interval() {
        let limiter = AdaptiveLimiter::new(settings());
        let started = Instant::now();
        for _ in 0..3 {
            drop(limiter.acquire().await);
        }
        assert!(started.elapsed() >= Duration::from_millis(200));
    }

    #[tokio::test(start_paused = true)]
    async fn never_exceeds_the_concurrency_limit() {
        let limiter = Arc::new(AdaptiveLimiter::new(LimiterSettings {
            initial_interval: Duration::ZERO,
            ..settings()
        }));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let (limiter, in_flight, peak) = (limiter.clone(), in_flight.clone(), peak.clone());
                tokio::spawn(async move {
                    let _permit = limiter.acquire().await;
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2);
        assert_eq!(limiter.snapshot().in_flight, 0);
    }

    #[test]
    fn settings_are_validated() {
        assert!(LimiterSettings::default().validate().is_ok());
        let zero = LimiterSettings {
            max_concurrency: 0,
            ..LimiterSettings::default()
        };
        assert!(zero.validate().is_err());
        let inverted = LimiterSettings {
            initial_concurrency: 5,
            ..LimiterSettings::default()
        };
        assert!(inverted.validate().is_err());
    }
}
