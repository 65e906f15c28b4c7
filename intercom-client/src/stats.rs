//! Counters shared by every clone of a client, for progress bars and benchmarks.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A snapshot of what a client (and all its clones) has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientStats {
    /// HTTP requests sent, retries included.
    pub requests_sent: u64,
    /// HTTP 429 answers received.
    pub rate_limited: u64,
    /// Requests sent again after a retryable failure (429, 5xx, connection error).
    pub retries: u64,
    /// Total time tasks spent waiting for the rate-limit budget (pacing and 429 resets).
    pub rate_limit_wait: Duration,
    /// Total time tasks spent in exponential backoff after 5xx and connection errors.
    pub backoff_wait: Duration,
    /// `X-RateLimit-Limit` of the most recent response that carried it.
    pub rate_limit_limit: Option<u32>,
    /// The client's estimate of the requests left in the current window.
    pub rate_limit_remaining: Option<u32>,
    /// The most requests a minute the client lets itself send: the apps' last known limits,
    /// each capped by its share of the workspace's cap, less the safety margin (`None` until a
    /// response told a limit).
    pub allowed_per_minute: Option<u32>,
}

/// A wait the client is about to sleep through (see [`crate::ClientBuilder::on_wait`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// Why it waits.
    pub cause: WaitCause,
    /// How long.
    pub duration: Duration,
}

/// Why the client waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitCause {
    /// For the rate-limit budget: pacing within a window, or the window's reset once its budget
    /// is spent or Intercom answered 429.
    RateLimit,
    /// Backing off before sending again after a 5xx, a timeout or a dropped connection.
    Backoff {
        /// The retry this wait precedes (1 for the first).
        attempt: u32,
    },
}

/// Told of every wait before it starts.
pub(crate) type WaitListener = Arc<dyn Fn(&Wait) + Send + Sync>;

#[derive(Default)]
pub(crate) struct Counters {
    requests_sent: AtomicU64,
    rate_limited: AtomicU64,
    retries: AtomicU64,
    rate_limit_wait_micros: AtomicU64,
    backoff_wait_micros: AtomicU64,
    listener: Option<WaitListener>,
}

impl std::fmt::Debug for Counters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Counters")
            .field("requests_sent", &self.requests_sent)
            .field("listener", &self.listener.is_some())
            .finish_non_exhaustive()
    }
}

impl Counters {
    /// Counters that tell `listener` of every wait.
    pub(crate) fn with_listener(listener: Option<WaitListener>) -> Self {
        Self {
            listener,
            ..Self::default()
        }
    }

    /// Tells the listener, if any, that a wait starts.
    pub(crate) fn waiting(&self, cause: WaitCause, duration: Duration) {
        if let Some(listener) = &self.listener {
            listener(&Wait { cause, duration });
        }
    }

    pub(crate) fn request_sent(&self) {
        self.requests_sent.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn waited_for_rate_limit(&self, waited: Duration) {
        self.rate_limit_wait_micros
            .fetch_add(micros(waited), Ordering::Relaxed);
    }

    pub(crate) fn waited_in_backoff(&self, waited: Duration) {
        self.backoff_wait_micros
            .fetch_add(micros(waited), Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self, limit: Option<u32>, remaining: Option<u32>) -> ClientStats {
        ClientStats {
            requests_sent: self.requests_sent.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            rate_limit_wait: Duration::from_micros(
                self.rate_limit_wait_micros.load(Ordering::Relaxed),
            ),
            backoff_wait: Duration::from_micros(self.backoff_wait_micros.load(Ordering::Relaxed)),
            rate_limit_limit: limit,
            rate_limit_remaining: remaining,
            allowed_per_minute: None,
        }
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}
