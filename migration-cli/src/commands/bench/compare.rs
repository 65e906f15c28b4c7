//! `plan`'s forecast beside what the migration did: requests on both sides and, when the run
//! is held to a limit, the wall time.

use std::collections::BTreeMap;

use migration_core::engine::Stage;
use migration_core::forecast::Forecast;
use serde::Serialize;

use crate::numbers::thousands;

/// The forecast and the measured figures it forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastCheck {
    /// `plan`'s forecast for the run (its records in scope).
    pub forecast: Forecast,
    /// Intercom requests the run sent.
    pub intercom_requests: u64,
    /// Vivantio requests the run made.
    pub vivantio_requests: u64,
    /// The run's wall time, in milliseconds.
    pub wall_ms: u64,
    /// Whether the run was held to a limit (else its wall time is the tool's own speed, which
    /// the forecast does not claim to know).
    pub at_a_limit: bool,
}

impl ForecastCheck {
    /// Forecast Intercom requests over measured.
    pub fn intercom_ratio(&self) -> f64 {
        ratio(self.forecast.intercom_requests, self.intercom_requests)
    }

    /// Forecast Vivantio requests over measured.
    pub fn vivantio_ratio(&self) -> f64 {
        ratio(self.forecast.vivantio.total(), self.vivantio_requests)
    }

    /// Forecast wall time over measured, for a run held to a limit.
    pub fn wall_ratio(&self) -> Option<f64> {
        self.at_a_limit
            .then(|| self.forecast.wall_seconds * 1000.0 / self.wall_ms.max(1) as f64)
    }

    /// The forecast requests of `stage`.
    pub fn stage_requests(&self, stage: Stage) -> u64 {
        self.forecast.requests_of(stage)
    }

    /// The table's `forecast` line.
    pub fn line(&self) -> String {
        let wall = match self.wall_ratio() {
            Some(factor) => format!(
                "; wall {:.1} s at the limit = {factor:.3}x measured ({} the slower side)",
                self.forecast.wall_seconds,
                slower(&self.forecast)
            ),
            None => "; limit lifted, so no wall time".to_string(),
        };
        format!(
            "forecast       {} Intercom requests = {:.3}x measured, {} Vivantio = {:.3}x{wall}",
            thousands(self.forecast.intercom_requests),
            self.intercom_ratio(),
            thousands(self.forecast.vivantio.total()),
            self.vivantio_ratio(),
        )
    }
}

fn slower(forecast: &Forecast) -> &'static str {
    match forecast.slower {
        migration_core::forecast::Slower::Vivantio => "Vivantio",
        _ => "Intercom",
    }
}

/// Vivantio requests by action (`Ticket/SelectByParent`; `odata/Callers` off the API), from
/// the simulator's request paths.
pub fn vivantio_routes<'a>(paths: impl Iterator<Item = &'a str>) -> BTreeMap<String, u64> {
    let mut routes = BTreeMap::new();
    for path in paths {
        let path = path.split('?').next().unwrap_or_default();
        let mut segments = path.split('/').filter(|segment| !segment.is_empty());
        let first = segments.next().unwrap_or_default();
        let route = if first.eq_ignore_ascii_case("api") {
            segments.take(2).collect::<Vec<_>>().join("/")
        } else {
            [first]
                .into_iter()
                .chain(segments.take(1))
                .collect::<Vec<_>>()
                .join("/")
        };
        *routes.entry(route).or_insert(0) += 1;
    }
    routes
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migration_core::forecast::{Pace, StageRequests, VivantioRequests};

    fn forecast() -> Forecast {
        let stages = vec![StageRequests {
            stage: Stage::Tickets,
            records: 100,
            operations: 1_000,
            requests: 990,
        }];
        let vivantio = VivantioRequests {
            ticket_details: 500,
            ..VivantioRequests::default()
        };
        let pace = Pace {
            per_app_per_minute: 3_000,
            announced: true,
            apps: 1,
            workspace_per_minute: 25_000,
            margin: 0.01,
            vivantio_latency_ms: Some(1.0),
            vivantio_concurrency: 8,
        };
        Forecast::new(stages, vivantio, &pace)
    }

    #[test]
    fn the_line_puts_the_forecast_beside_the_run() {
        let check = ForecastCheck {
            forecast: forecast(),
            intercom_requests: 1_000,
            vivantio_requests: 520,
            wall_ms: 15_500,
            at_a_limit: true,
        };
        assert_eq!(
            check.line(),
            "forecast       990 Intercom requests = 0.990x measured, 500 Vivantio = 0.962x; wall 15.0 s at the limit = 0.968x measured (Intercom the slower side)"
        );
        let lifted = ForecastCheck {
            at_a_limit: false,
            ..check
        };
        assert_eq!(lifted.wall_ratio(), None);
        assert!(lifted.line().ends_with("; limit lifted, so no wall time"));
    }

    #[test]
    fn vivantio_requests_are_counted_by_action() {
        let routes = vivantio_routes(
            [
                "/api/Ticket/SelectByParent/12?x=1",
                "/api//Ticket/SelectByParent/13",
                "/api/Caller/Select",
                "/odata/Callers/$count",
                "/Attachment/Inline/ab",
            ]
            .into_iter(),
        );
        let expected: BTreeMap<String, u64> = [
            ("Attachment/Inline", 1),
            ("Caller/Select", 1),
            ("Ticket/SelectByParent", 2),
            ("odata/Callers", 1),
        ]
        .into_iter()
        .map(|(route, count)| (route.to_string(), count))
        .collect();
        assert_eq!(routes, expected);
    }
}
