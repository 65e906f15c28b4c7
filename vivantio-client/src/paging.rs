//! Streaming every record of a large set without loading it whole.
//!
//! Vivantio's `…/Select` actions return every match at once and have no paging fields (C-off);
//! tenants are believed to cap the result size (INF). A [`Pager`] turns a query into a stream of
//! *items*; the default [`IdWindowPager`] narrows the query to windows of ids:
//!
//! 1. it asks for `base query AND Id > lo AND Id <= lo + width`;
//! 2. on a "too many results" refusal it halves the width and asks again;
//! 3. it doubles the width while windows come back small (and halves it when they come back much
//!    larger than the target), so sparse id ranges are crossed quickly;
//! 4. once a long enough run of ids came back empty it tries the open-ended window `Id > lo`:
//!    accepted, it is the last window; refused, windowing goes on.
//!
//! Windows are disjoint and contiguous, so each record is yielded exactly once, in id order, and
//! records inserted during the run (which get higher ids) are read by a later window or by the
//! final open-ended one. Memory is bounded by one window. A `SelectPage` strategy can replace this
//! one by implementing [`Pager`] once that action's shape is known.

use futures::stream::BoxStream;
use futures::StreamExt;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::assumptions::WINDOW_FIELD;
use crate::endpoints::Endpoint;
use crate::error::Error;
use crate::query::{Operator, Query, QueryItem};
use crate::transport::Request;
use crate::Client;

/// A record type that can be listed with a `{Query}` select and fetched by a list of ids.
pub trait Selectable: DeserializeOwned + Send + 'static {
    /// The `…/Select` action.
    const SELECT: Endpoint;
    /// The `…/SelectById/{id}` action.
    const SELECT_BY_ID: Endpoint;
    /// The `…/SelectList` action (a bare JSON array of ids).
    const SELECT_LIST: Endpoint;
    /// The record's id.
    fn id(&self) -> i64;
}

/// A strategy that streams every record matching a query, one item at a time.
pub trait Pager: Send + Sync {
    /// Streams the records of type `T` matching `query`.
    fn stream<T: Selectable>(
        &self,
        client: Client,
        query: Query,
    ) -> BoxStream<'static, Result<T, Error>>;
}

/// Tuning of the [`IdWindowPager`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowSettings {
    /// Only ids greater than this are read (default 0; resume a run from the last id seen).
    pub start_after: i64,
    /// Width of the first window, in ids (default 500).
    pub initial_width: i64,
    /// Widest window (default 1 048 576).
    pub max_width: i64,
    /// Records per window aimed at: below half of it the window doubles, above twice it halves
    /// (default 250). This bounds memory even on a tenant that caps nothing.
    pub target_per_window: usize,
    /// Ids in a row that must come back empty before the open-ended window is tried (default
    /// 100 000). The open-ended window is unbounded, so it is tried only where the data seems
    /// to have ended.
    pub open_end_after_empty_span: i64,
    /// When set, windows are read as ids only and the records fetched with `…/SelectList` in
    /// chunks of this size (for tenants whose `Select` answers are partial). Default: unset, the
    /// `Select` records are used as they are (C-off: `Select` returns full records).
    pub hydrate_chunk: Option<usize>,
}

impl Default for WindowSettings {
    fn default() -> Self {
        Self {
            start_after: 0,
            initial_width: 500,
            max_width: 1 << 20,
            target_per_window: 250,
            open_end_after_empty_span: 100_000,
            hydrate_chunk: None,
        }
    }
}

impl WindowSettings {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.initial_width < 1 || self.max_width < self.initial_width {
            return Err("window widths must satisfy 1 <= initial_width <= max_width".into());
        }
        if self.target_per_window == 0 || self.hydrate_chunk == Some(0) {
            return Err("window target and hydrate chunk must be at least 1".into());
        }
        Ok(())
    }
}

/// The default [`Pager`]: windows of ids, see the module docs.
#[derive(Debug, Clone, Default)]
pub struct IdWindowPager {
    settings: WindowSettings,
}

impl IdWindowPager {
    /// A pager with these settings.
    pub fn new(settings: WindowSettings) -> Self {
        Self { settings }
    }

    /// The settings in use.
    pub fn settings(&self) -> &WindowSettings {
        &self.settings
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct IdOnly {
    id: i64,
}

/// Where the window walk stands.
struct Walk {
    lo: i64,
    width: i64,
    empty_span: i64,
    try_open_end: bool,
}

impl Pager for IdWindowPager {
    fn stream<T: Selectable>(
        &self,
        client: Client,
        query: Query,
    ) -> BoxStream<'static, Result<T, Error>> {
        let settings = self.settings.clone();
        let stream = async_stream::try_stream! {
            let mut walk = Walk {
                lo: settings.start_after,
                width: settings.initial_width,
                empty_span: 0,
                try_open_end: false,
            };
            loop {
                if walk.try_open_end {
                    let open = query.clone().and(id_item(Operator::GreaterThan, walk.lo));
                    match fetch_window::<T>(&client, &settings, &open, walk.lo, None).await {
                        Ok(records) => {
                            tracing::debug!(endpoint = T::SELECT.path, after = walk.lo, count = records.len(), "final open-ended window");
                            for record in records {
                                yield record;
                            }
                            return;
                        }
                        Err(error) if error.is_too_many_results() => {
                            walk.try_open_end = false;
                            walk.empty_span = 0;
                        }
                        Err(error) => Err(error)?,
                    }
                }
                let hi = walk.lo.saturating_add(walk.width);
                let bounded = query
                    .clone()
                    .and(id_item(Operator::GreaterThan, walk.lo))
                    .and(id_item(Operator::LessThanOrEqualTo, hi));
                let records = match fetch_window::<T>(&client, &settings, &bounded, walk.lo, Some(hi)).await {
                    Ok(records) => records,
                    Err(error) if error.is_too_many_results() => {
                        if walk.width == 1 {
                            Err(Error::Paging {
                                endpoint: T::SELECT.path,
                                message: format!("a window of one id ({hi}) is refused as too many results"),
                            })?;
                        }
                        walk.width = (walk.width / 2).max(1);
                        tracing::debug!(endpoint = T::SELECT.path, width = walk.width, "window refused; halving");
                        continue;
                    }
                    Err(error) => Err(error)?,
                };
                let count = records.len();
                tracing::debug!(endpoint = T::SELECT.path, lo = walk.lo, hi, count, "window read");
                for record in records {
                    yield record;
                }
                if hi == i64::MAX {
                    return;
                }
                advance(&mut walk, &settings, hi, count);
            }
        };
        stream.boxed()
    }
}

/// Moves past the window `(lo, hi]` that held `count` records and adapts the width.
fn advance(walk: &mut Walk, settings: &WindowSettings, hi: i64, count: usize) {
    walk.lo = hi;
    walk.empty_span = if count == 0 {
        walk.empty_span.saturating_add(walk.width)
    } else {
        0
    };
    if count < settings.target_per_window / 2 {
        walk.width = walk.width.saturating_mul(2).min(settings.max_width);
    } else if count > settings.target_per_window.saturating_mul(2) {
        walk.width = (walk.width / 2).max(1);
    }
    if walk.empty_span >= settings.open_end_after_empty_span {
        walk.try_open_end = true;
    }
}

fn id_item(op: Operator, value: i64) -> QueryItem {
    QueryItem::new(WINDOW_FIELD, op, value)
}

/// Reads one window, keeps only records inside `(lo, hi]` (in case a tenant ignores the id
/// filter), sorted by id.
async fn fetch_window<T: Selectable>(
    client: &Client,
    settings: &WindowSettings,
    query: &Query,
    lo: i64,
    hi: Option<i64>,
) -> Result<Vec<T>, Error> {
    let inside = |id: i64| id > lo && hi.is_none_or(|hi| id <= hi);
    let request = Request::json(&query.to_body())?;
    let mut records: Vec<T> = match settings.hydrate_chunk {
        None => client.results(T::SELECT, request).await?,
        Some(chunk) => {
            let mut ids: Vec<i64> = client
                .results::<IdOnly>(T::SELECT, request)
                .await?
                .into_iter()
                .map(|row| row.id)
                .filter(|id| inside(*id))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            let mut records = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(chunk) {
                let list = Request::json(chunk)?;
                records.extend(client.results::<T>(T::SELECT_LIST, list).await?);
            }
            records
        }
    };
    let before = records.len();
    records.retain(|record| inside(record.id()));
    if records.len() != before {
        tracing::warn!(
            endpoint = T::SELECT.path,
            dropped = before - records.len(),
            "records outside the id window were returned and skipped"
        );
    }
    records.sort_by_key(Selectable::id);
    records.dedup_by_key(|record| record.id());
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_grow_when_small_and_shrink_when_large() {
        let settings = WindowSettings::default();
        let mut walk = Walk {
            lo: 0,
            width: 500,
            empty_span: 0,
            try_open_end: false,
        };
        advance(&mut walk, &settings, 500, 10);
        assert_eq!((walk.lo, walk.width), (500, 1000));
        advance(&mut walk, &settings, 1500, 200);
        assert_eq!(walk.width, 1000, "near the target: unchanged");
        advance(&mut walk, &settings, 2500, 900);
        assert_eq!(walk.width, 500);
    }

    #[test]
    fn a_long_empty_run_triggers_the_open_ended_window() {
        let settings = WindowSettings {
            open_end_after_empty_span: 3000,
            ..WindowSettings::default()
        };
        let mut walk = Walk {
            lo: 0,
            width: 1000,
            empty_span: 0,
            try_open_end: false,
        };
        advance(&mut walk, &settings, 1000, 0);
        assert!(!walk.try_open_end);
        advance(&mut walk, &settings, 3000, 0);
        assert!(walk.try_open_end, "1000 + 2000 empty ids");
    }

    #[test]
    fn settings_are_validated() {
        assert!(WindowSettings::default().validate().is_ok());
        let bad = WindowSettings {
            initial_width: 0,
            ..WindowSettings::default()
        };
        assert!(bad.validate().is_err());
        let bad = WindowSettings {
            hydrate_chunk: Some(0),
            ..WindowSettings::default()
        };
        assert!(bad.validate().is_err());
    }
}
