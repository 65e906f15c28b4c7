//! The private apps whose tokens a client spreads its requests over.
//!
//! Intercom limits each private app (10,000 requests a minute) and, separately, the sum of all
//! apps of a workspace (25,000 a minute). A customer who installs several private apps can
//! therefore go faster than one app allows, up to the workspace ceiling. Each app keeps its own
//! header-driven budget; when the apps together could exceed the workspace cap, each keeps to an
//! equal share of it, so that they never bounce off the shared ceiling. Every request goes to
//! the app that can send it soonest.

use http::HeaderMap;
use tokio::time::Instant;

use crate::rate_limit::RateLimiter;
use crate::stats::Counters;

/// One private app: its headers (which hold its token) and its budget.
#[derive(Debug)]
pub(crate) struct App {
    /// The fixed headers of its requests, bearer token included (marked sensitive).
    pub(crate) headers: HeaderMap,
    /// Its request budget.
    pub(crate) limiter: RateLimiter,
}

/// Every app of the client, with a shared choice of which one sends next.
#[derive(Debug)]
pub(crate) struct AppPool {
    apps: Vec<App>,
}

impl AppPool {
    /// A pool over `headers` (one per app, at least one). `workspace_per_window` is the
    /// workspace's cap per rate-limit window, shared equally when there are several apps.
    pub(crate) fn new(
        headers: Vec<HeaderMap>,
        safety_margin: f64,
        workspace_per_window: Option<u32>,
    ) -> Self {
        let count = u32::try_from(headers.len()).unwrap_or(u32::MAX).max(1);
        // One app alone is told its own remaining budget, workspace included, by the headers.
        let share = workspace_per_window
            .filter(|_| count > 1)
            .map(|cap| (cap / count).max(1));
        let apps = headers
            .into_iter()
            .map(|headers| App {
                headers,
                limiter: RateLimiter::new(safety_margin).with_window_cap(share),
            })
            .collect();
        AppPool { apps }
    }

    /// Number of apps.
    pub(crate) fn len(&self) -> usize {
        self.apps.len()
    }

    /// Waits until some app may send one request, reserves it there, and returns that app.
    pub(crate) async fn acquire(&self, counters: &Counters) -> &App {
        let app = match self.apps.as_slice() {
            [only] => only,
            apps => {
                let now = Instant::now();
                apps.iter()
                    .min_by_key(|app| app.limiter.ready_in(now))
                    .unwrap_or(&apps[0])
            }
        };
        app.limiter.acquire(counters).await;
        app
    }

    /// The sum of the apps' last known limits and of what they have left (`None` until known).
    pub(crate) fn snapshot(&self) -> (Option<u32>, Option<u32>) {
        let mut limit = None;
        let mut remaining = None;
        for app in &self.apps {
            let (app_limit, app_remaining) = app.limiter.snapshot();
            limit = sum(limit, app_limit);
            remaining = sum(remaining, app_remaining);
        }
        (limit, remaining)
    }
}

impl AppPool {
    /// The requests all apps together let themselves send in a whole window (`None` until a
    /// response told any app its limit).
    pub(crate) fn allowed_per_window(&self) -> Option<u32> {
        self.apps
            .iter()
            .map(|app| app.limiter.allowed_per_window())
            .fold(None, sum)
    }
}

fn sum(total: Option<u32>, value: Option<u32>) -> Option<u32> {
    match (total, value) {
        (Some(total), Some(value)) => Some(total.saturating_add(value)),
        (total, value) => total.or(value),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::rate_limit::Observation;

    fn observation(remaining: u32, reset_in_ms: u64) -> Observation {
        Observation {
            limit: Some(100),
            remaining: Some(remaining),
            reset_epoch: Some(1_000),
            reset_in: Some(Duration::from_millis(reset_in_ms)),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_app_that_can_send_soonest_is_chosen() {
        let pool = AppPool::new(vec![HeaderMap::new(), HeaderMap::new()], 0.0, None);
        let counters = Counters::default();
        // The first app is exhausted until its reset; the second has budget.
        pool.apps[0].limiter.rate_limited(observation(0, 5_000));
        pool.apps[1].limiter.observe(observation(50, 5_000));
        let chosen = pool.acquire(&counters).await;
        assert!(std::ptr::eq(chosen, &pool.apps[1]));
    }

    #[tokio::test(start_paused = true)]
    async fn several_apps_keep_to_an_equal_share_of_the_workspace_cap() {
        let pool = AppPool::new(vec![HeaderMap::new(); 3], 0.0, Some(60));
        for app in &pool.apps {
            app.limiter.observe(observation(99, 10_000));
        }
        let counters = Counters::default();
        let start = Instant::now();
        // Each app's share is 20, of which one request is kept as the safety margin.
        for _ in 0..57 {
            pool.acquire(&counters).await;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "57 fit in one window"
        );
        let (_, remaining) = pool.snapshot();
        assert_eq!(remaining, Some(3), "each app keeps its margin of one");
        pool.acquire(&counters).await;
        assert!(
            start.elapsed() >= Duration::from_secs(10),
            "the 58th waits for the next window"
        );
    }

    #[test]
    fn one_app_is_not_capped_by_the_workspace_share() {
        let pool = AppPool::new(vec![HeaderMap::new()], 0.0, Some(60));
        pool.apps[0].limiter.observe(observation(99, 10_000));
        assert_eq!(pool.snapshot(), (Some(100), Some(99)));
        assert_eq!(pool.len(), 1);
    }
}
