//! How long a stage has left. Intercom's rate limit caps the pace: the items left times the
//! requests each took so far, over the requests a second the limit allows, is the least the
//! stage can take; when the pace observed is slower (Vivantio, attachments), it decides.

use std::collections::VecDeque;
use std::time::Duration;

/// The longest estimate worth telling (beyond it, a person learns nothing more).
const LONGEST: Duration = Duration::from_secs(100 * 24 * 3600);
/// The share of the pace the rate limit allows above which it is the limit that sets it.
const AT_LIMIT: f64 = 0.8;
/// How far back the observed pace looks: long enough to smooth over a rate-limit window
/// (10 s), short enough to follow a change of pace.
const RECENT: Duration = Duration::from_secs(60);

/// What an estimate is made from.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Pace {
    /// Items the stage has left (`None` when its total is unknown).
    pub remaining: Option<u64>,
    /// Requests to Intercom per finished item so far in the stage.
    pub requests_per_item: Option<f64>,
    /// Requests a second Intercom's rate limit lets the client send.
    pub allowed_per_second: Option<f64>,
    /// Items finished a second over the recent past.
    pub observed_per_second: Option<f64>,
}

impl Pace {
    /// Items a second the rate limit allows at the requests per item seen so far.
    pub fn limit_per_second(&self) -> Option<f64> {
        let per_item = positive(self.requests_per_item)?;
        Some(positive(self.allowed_per_second)? / per_item)
    }

    /// Whether the rate limit sets the pace: what was observed is close to what it allows
    /// (the client paces requests just under the limit, so they never quite meet).
    pub fn at_rate_limit(&self) -> bool {
        match (self.limit_per_second(), positive(self.observed_per_second)) {
            (Some(limit), Some(observed)) => observed >= limit * AT_LIMIT,
            _ => false,
        }
    }
}

/// The time the stage has left, or `None` when nothing tells (its total is unknown, or no pace
/// is known yet).
pub fn eta(pace: &Pace) -> Option<Duration> {
    let remaining = pace.remaining?;
    if remaining == 0 {
        return Some(Duration::ZERO);
    }
    let rate = match (pace.limit_per_second(), positive(pace.observed_per_second)) {
        (Some(limit), Some(observed)) => limit.min(observed),
        (Some(rate), None) | (None, Some(rate)) => rate,
        (None, None) => return None,
    };
    let seconds = remaining as f64 / rate;
    Some(Duration::try_from_secs_f64(seconds).map_or(LONGEST, |eta| eta.min(LONGEST)))
}

/// The pace over the last minute, from samples of the items done.
#[derive(Debug, Clone, Default)]
pub struct Recent {
    /// `(time since the start, items done)`, oldest first; the first is the newest sample at
    /// least [`RECENT`] old, once there is one.
    samples: VecDeque<(Duration, u64)>,
}

impl Recent {
    /// Notes `done` items at `at` (time since the stage started).
    pub fn record(&mut self, at: Duration, done: u64) {
        self.samples.push_back((at, done));
        while self
            .samples
            .get(1)
            .is_some_and(|(then, _)| at.saturating_sub(*then) >= RECENT)
        {
            self.samples.pop_front();
        }
    }

    /// Items a second over the last minute (since the start while younger), `None` during the
    /// first second.
    pub fn per_second(&self, at: Duration, done: u64) -> Option<f64> {
        let (since, base) = self.samples.front().copied().unwrap_or_default();
        let span = at.saturating_sub(since);
        (span >= Duration::from_secs(1))
            .then(|| done.saturating_sub(base) as f64 / span.as_secs_f64())
    }
}

fn positive(value: Option<f64>) -> Option<f64> {
    value.filter(|value| value.is_finite() && *value > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slower_of_the_rate_limit_and_the_observed_pace_decides() {
        let secs = |seconds: u64| Some(Duration::from_secs(seconds));
        let cases: [(&str, Pace, Option<Duration>); 10] = [
            (
                "rate limit binds: 1,000 items x 4 requests at 100/s",
                Pace {
                    remaining: Some(1_000),
                    requests_per_item: Some(4.0),
                    allowed_per_second: Some(100.0),
                    observed_per_second: Some(60.0),
                },
                secs(40),
            ),
            (
                "observed pace slower than the limit allows",
                Pace {
                    remaining: Some(1_000),
                    requests_per_item: Some(4.0),
                    allowed_per_second: Some(100.0),
                    observed_per_second: Some(10.0),
                },
                secs(100),
            ),
            (
                "no pace observed yet: the limit alone",
                Pace {
                    remaining: Some(600),
                    requests_per_item: Some(2.0),
                    allowed_per_second: Some(60.0),
                    observed_per_second: None,
                },
                secs(20),
            ),
            (
                "limit unknown: the observed pace alone",
                Pace {
                    remaining: Some(500),
                    requests_per_item: Some(2.0),
                    allowed_per_second: None,
                    observed_per_second: Some(50.0),
                },
                secs(10),
            ),
            (
                "no request per item yet: the observed pace alone",
                Pace {
                    remaining: Some(500),
                    requests_per_item: None,
                    allowed_per_second: Some(100.0),
                    observed_per_second: Some(25.0),
                },
                secs(20),
            ),
            (
                "unknown total",
                Pace {
                    remaining: None,
                    requests_per_item: Some(2.0),
                    allowed_per_second: Some(100.0),
                    observed_per_second: Some(50.0),
                },
                None,
            ),
            (
                "no pace at all",
                Pace {
                    remaining: Some(10),
                    ..Pace::default()
                },
                None,
            ),
            (
                "a stalled pace is no pace",
                Pace {
                    remaining: Some(10),
                    observed_per_second: Some(0.0),
                    ..Pace::default()
                },
                None,
            ),
            (
                "nothing left",
                Pace {
                    remaining: Some(0),
                    ..Pace::default()
                },
                secs(0),
            ),
            (
                "a 14-hour run: 1,000,000 tickets x 8 requests at 166/s",
                Pace {
                    remaining: Some(1_000_000),
                    requests_per_item: Some(8.0),
                    allowed_per_second: Some(10_000.0 * 0.99 / 60.0),
                    observed_per_second: Some(40.0),
                },
                secs(48_485),
            ),
        ];
        for (name, pace, expected) in cases {
            let found = eta(&pace).map(|eta| Duration::from_secs(eta.as_secs_f64().round() as u64));
            assert_eq!(found, expected, "{name}");
        }
    }

    #[test]
    fn the_observed_pace_follows_the_last_minute() {
        let secs = Duration::from_secs;
        let mut recent = Recent::default();
        assert_eq!(
            recent.per_second(secs(0), 0),
            None,
            "nothing in the first second"
        );
        // 10 a second for two minutes, then 2 a second.
        for second in 1..=120 {
            recent.record(secs(second), second * 10);
        }
        assert_eq!(recent.per_second(secs(120), 1_200), Some(10.0));
        for second in 121..=180 {
            recent.record(secs(second), 1_200 + (second - 120) * 2);
        }
        assert_eq!(recent.per_second(secs(180), 1_320), Some(2.0));
        let young = Recent::default();
        assert_eq!(
            young.per_second(secs(4), 100),
            Some(25.0),
            "since the start"
        );
    }

    #[test]
    fn the_rate_limit_sets_the_pace_when_the_observed_one_comes_close() {
        let pace = |observed| Pace {
            remaining: Some(100),
            requests_per_item: Some(10.0),
            allowed_per_second: Some(165.0),
            observed_per_second: Some(observed),
        };
        assert!(pace(16.0).at_rate_limit(), "16/s of the 16.5/s allowed");
        assert!(!pace(8.0).at_rate_limit(), "half of what is allowed");
        let unknown = Pace {
            allowed_per_second: None,
            ..pace(16.0)
        };
        assert!(!unknown.at_rate_limit());
    }

    #[test]
    fn an_absurdly_slow_pace_is_capped() {
        let pace = Pace {
            remaining: Some(u64::MAX),
            observed_per_second: Some(1e-300),
            ..Pace::default()
        };
        assert_eq!(eta(&pace), Some(LONGEST));
    }
}
