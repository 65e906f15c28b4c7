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
//! A tenant could also cut an answer without saying so. Every answer is at most the tenant's
//! cap, so an answer smaller than the largest seen so far is complete; one that is not (the
//! first non-empty answer, one as large as the largest so far, or a round count such as 500) is
//! *verified*: the window is split into two halves at the answer's median id, both are read, and
//! the window's records are taken from the halves. Halves holding more records together than the
//! window did (and the window answering no more when read again) prove a silent cap: it is recorded
//! in the client's [census](crate::census) (`paging.no_silent_truncation`), later answers that
//! large are split at once, and the target per window drops below the cap. A half holding every
//! record of its window is verified the same way; a window of one id is never split. An
//! open-ended answer that looks full is discarded and windowing goes on.
//!
//! An answer holding records outside its window means the tenant ignores the `Id` filter: it is
//! recorded in the census (`paging.id_filter_honoured`) and that one answer is used as the whole
//! set, unless it looks cut (a round count, or the known cap), which is an [`Error::Paging`].
//!
//! Windows are disjoint and contiguous, so each record is yielded exactly once, in id order, and
//! records inserted during the run (which get higher ids) are read by a later window or by the
//! final open-ended one. Memory is bounded by one window (and its halves). A `SelectPage`
//! strategy can replace this one by implementing [`Pager`] once that action's shape is known.

use futures::stream::BoxStream;
use futures::StreamExt;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::assumptions::registry::ids;
use crate::assumptions::WINDOW_FIELD;
use crate::endpoints::Endpoint;
use crate::error::Error;
use crate::ids::RecordId;
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
    /// The type of the record's id.
    type Id: RecordId;
    /// The record's id.
    fn id(&self) -> Self::Id;
}

/// The raw id of a record, for the window arithmetic.
fn raw_id<T: Selectable>(record: &T) -> i64 {
    record.id().into()
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
    /// Whether answers that could have been cut silently are verified by re-reading their two
    /// halves (default true; see the [module docs](self)). Off, only refusals narrow windows.
    pub verify_full_windows: bool,
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
            verify_full_windows: true,
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

/// What an answer's size says about its completeness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Smaller than an answer already seen (or empty): complete.
    Trusted,
    /// Could be cut at the tenant's cap: split and re-read to find out.
    Verify,
    /// At least the silent cap found earlier: treated as cut, split without verifying.
    Truncated,
}

/// What one stream has learnt about the tenant's answers.
#[derive(Debug, Clone, Default)]
struct Trust {
    /// Whether answers are verified at all ([`WindowSettings::verify_full_windows`]).
    verify: bool,
    /// The largest answer seen (a tenant's cap is at least this).
    largest: usize,
    /// The silent cap, once proven: the smallest answer found cut.
    cap: Option<usize>,
}

impl Trust {
    fn new(verify: bool) -> Self {
        Self {
            verify,
            ..Self::default()
        }
    }

    /// The verdict on an answer of `count` records for a window of `width` ids, whose enclosing
    /// window answered `whole` records (`None`: a window of its own, or one whose enclosing
    /// window was refused).
    fn judge(&self, count: usize, width: i64, whole: Option<usize>) -> Verdict {
        if !self.verify || count == 0 || width <= 1 {
            return Verdict::Trusted;
        }
        if self.cap.is_some_and(|cap| count >= cap) {
            return Verdict::Truncated;
        }
        let suspicious = match whole {
            // A half is smaller than the answer of its window, unless every record sat in it.
            Some(whole) => count >= whole,
            None => count >= self.largest || is_round(count),
        };
        if suspicious {
            Verdict::Verify
        } else {
            Verdict::Trusted
        }
    }

    /// Notes an answer of `count` records.
    fn saw(&mut self, count: usize) {
        self.largest = self.largest.max(count);
    }

    /// Records that a window answered `count` records although it held more; returns whether
    /// this is the first proof of a silent cap.
    fn found_cut(&mut self, count: usize) -> bool {
        let first = self.cap.is_none();
        self.cap = Some(self.cap.map_or(count, |cap| cap.min(count)));
        first
    }

    /// Whether an answer that cannot be verified (the `Id` filter is ignored) looks cut: the
    /// proven cap or a round count.
    fn looks_cut(&self, count: usize) -> bool {
        self.verify && (self.cap.is_some_and(|cap| count >= cap) || is_round(count))
    }
}

/// A count such as 100, 500 or 1 000 (caps are usually round).
fn is_round(count: usize) -> bool {
    count >= 100 && count.is_multiple_of(100)
}

/// Where a window `(lo, hi]` (at least two ids wide) is split: at the median id of its answer
/// when it is verified (so that a complete answer is proven by two halves each holding fewer
/// records), at the middle of the range when it is known to be cut (its answer then says little
/// about where the records are). The result lies in `lo + 1 ..= hi - 1`.
fn split_point(lo: i64, hi: i64, sorted_ids: &[i64], verdict: Verdict) -> i64 {
    let middle = (i128::from(lo) + (i128::from(hi) - i128::from(lo)) / 2) as i64;
    let at = match verdict {
        Verdict::Verify if !sorted_ids.is_empty() => sorted_ids[(sorted_ids.len() - 1) / 2],
        _ => middle,
    };
    at.clamp(
        lo.saturating_add(1),
        hi.saturating_sub(1).max(lo.saturating_add(1)),
    )
}

/// One answer, sorted by id without repeats: records, or ids only when records are hydrated
/// with `…/SelectList`.
enum Rows<T> {
    Records(Vec<T>),
    Ids(Vec<i64>),
}

impl<T: Selectable> Rows<T> {
    fn id(&self, index: usize) -> i64 {
        match self {
            Rows::Records(records) => raw_id(&records[index]),
            Rows::Ids(ids) => ids[index],
        }
    }

    fn len(&self) -> usize {
        match self {
            Rows::Records(records) => records.len(),
            Rows::Ids(ids) => ids.len(),
        }
    }

    fn ids(&self) -> Vec<i64> {
        (0..self.len()).map(|index| self.id(index)).collect()
    }

    fn normalise(&mut self) {
        match self {
            Rows::Records(records) => {
                records.sort_by_key(raw_id);
                records.dedup_by_key(|record| raw_id(record));
            }
            Rows::Ids(ids) => {
                ids.sort_unstable();
                ids.dedup();
            }
        }
    }

    /// How many ids lie outside `(lo, hi]` (`hi` `None`: unbounded).
    fn outside(&self, lo: i64, hi: Option<i64>) -> usize {
        (0..self.len())
            .filter(|&index| {
                let id = self.id(index);
                id <= lo || hi.is_some_and(|hi| id > hi)
            })
            .count()
    }

    fn keep_after(&mut self, lo: i64) {
        match self {
            Rows::Records(records) => records.retain(|record| raw_id(record) > lo),
            Rows::Ids(ids) => ids.retain(|id| *id > lo),
        }
    }
}

/// A part of a window still to be yielded, in id order.
enum Piece<T> {
    /// Read and trusted.
    Ready(Rows<T>),
    /// To be read again as two halves.
    Split(Split),
}

/// A window `(lo, hi]` to read again as the halves `(lo, at]` and `(at, hi]`.
struct Split {
    lo: i64,
    hi: i64,
    at: i64,
    /// What `(lo, hi]` answered (`None`: refused).
    count: Option<usize>,
    verdict: Verdict,
}

impl<T: Selectable> Piece<T> {
    /// The piece for the window `(lo, hi]` that answered `rows` (`None`: refused), inside a
    /// window that answered `whole`.
    fn of(
        trust: &Trust,
        lo: i64,
        hi: i64,
        rows: Option<Rows<T>>,
        whole: Option<usize>,
    ) -> Result<Self, Error> {
        let Some(rows) = rows else {
            if hi.saturating_sub(lo) <= 1 {
                return Err(refused_one_id::<T>(hi));
            }
            let at = split_point(lo, hi, &[], Verdict::Truncated);
            return Ok(Piece::Split(Split {
                lo,
                hi,
                at,
                count: None,
                verdict: Verdict::Truncated,
            }));
        };
        let count = rows.len();
        match trust.judge(count, hi.saturating_sub(lo), whole) {
            Verdict::Trusted => Ok(Piece::Ready(rows)),
            verdict => Ok(Piece::Split(Split {
                lo,
                hi,
                at: split_point(lo, hi, &rows.ids(), verdict),
                count: Some(count),
                verdict,
            })),
        }
    }
}

impl Pager for IdWindowPager {
    fn stream<T: Selectable>(
        &self,
        client: Client,
        query: Query,
    ) -> BoxStream<'static, Result<T, Error>> {
        let settings = self.settings.clone();
        let source = Source {
            client,
            query,
            ids_only: settings.hydrate_chunk.is_some(),
            chunk: settings.hydrate_chunk.unwrap_or(1),
        };
        let mut reader = WindowReader::<T>::new(source, settings);
        // Rows are yielded before the next read, so memory stays bounded by one window.
        let stream = async_stream::try_stream! {
            while let Some(rows) = reader.next_rows().await? {
                let mut records = reader.source.emit(rows);
                while let Some(record) = records.next().await {
                    yield record?;
                }
            }
        };
        stream.boxed()
    }
}

/// One stream's walk over windows of ids, handing out the rows to yield one piece at a time.
struct WindowReader<T> {
    source: Source,
    settings: WindowSettings,
    trust: Trust,
    walk: Walk,
    /// The window whose pieces are being yielded.
    window: Option<Window<T>>,
    finished: bool,
}

/// A window `(…, hi]` being yielded piece by piece.
struct Window<T> {
    hi: i64,
    /// Pieces still to yield, the lowest ids last.
    pending: Vec<Piece<T>>,
    /// Whether its first answer had to be verified.
    verified: bool,
    /// Whether it proved to be cut (or was known to be).
    cut: bool,
    /// Records yielded from it so far.
    total: usize,
}

/// What one step of the walk produced.
enum Advance<T> {
    /// Rows to yield; the walk goes on after them.
    Rows(Rows<T>),
    /// The last rows of the set.
    Last(Rows<T>),
    /// Nothing to yield yet: take another step.
    Again,
    /// The set is complete.
    End,
}

impl<T: Selectable> WindowReader<T> {
    fn new(source: Source, settings: WindowSettings) -> Self {
        Self {
            source,
            trust: Trust::new(settings.verify_full_windows),
            walk: Walk {
                lo: settings.start_after,
                width: settings.initial_width,
                empty_span: 0,
                try_open_end: false,
            },
            settings,
            window: None,
            finished: false,
        }
    }

    /// The next rows to yield, in id order; `None` once the set is complete.
    async fn next_rows(&mut self) -> Result<Option<Rows<T>>, Error> {
        while !self.finished {
            let advance = match self.window.take() {
                None => self.open_window().await?,
                Some(window) => self.continue_window(window).await?,
            };
            match advance {
                Advance::Rows(rows) => return Ok(Some(rows)),
                Advance::Last(rows) => {
                    self.finished = true;
                    return Ok(Some(rows));
                }
                Advance::Again => {}
                Advance::End => self.finished = true,
            }
        }
        Ok(None)
    }

    /// Reads the next window: the open-ended one when the data seems to have ended, else
    /// `(lo, lo + width]`, halving the width on a refusal.
    async fn open_window(&mut self) -> Result<Advance<T>, Error> {
        if self.walk.try_open_end {
            if let Some(last) = self.try_open_end().await? {
                return Ok(Advance::Last(last));
            }
        }
        let lo = self.walk.lo;
        let hi = lo.saturating_add(self.walk.width);
        let Some(rows) = self.source.read::<T>(lo, Some(hi)).await? else {
            if self.walk.width == 1 {
                return Err(refused_one_id::<T>(hi));
            }
            self.walk.width = (self.walk.width / 2).max(1);
            let path = T::SELECT.path;
            tracing::debug!(
                endpoint = path,
                width = self.walk.width,
                "window refused; halving"
            );
            return Ok(Advance::Again);
        };
        if rows.outside(lo, Some(hi)) > 0 {
            let rows = self
                .source
                .whole_set(&self.trust, rows, lo, (lo, Some(hi)))?;
            return Ok(Advance::Last(rows));
        }
        let count = rows.len();
        tracing::debug!(endpoint = T::SELECT.path, lo, hi, count, "window read");
        let first = Piece::of(&self.trust, lo, hi, Some(rows), None)?;
        self.trust.saw(count);
        self.window = Some(Window {
            hi,
            verified: matches!(first, Piece::Split(_)),
            pending: vec![first],
            cut: false,
            total: 0,
        });
        Ok(Advance::Again)
    }

    /// Reads the open-ended window `Id > lo`: its rows when they are the last of the set, `None`
    /// when windowing goes on (refused, or an answer that may have been cut).
    async fn try_open_end(&mut self) -> Result<Option<Rows<T>>, Error> {
        let lo = self.walk.lo;
        let rows = match self.source.read::<T>(lo, None).await? {
            None => {
                self.walk.try_open_end = false;
                self.walk.empty_span = 0;
                return Ok(None);
            }
            Some(rows) if rows.outside(lo, None) > 0 => {
                return self
                    .source
                    .whole_set(&self.trust, rows, lo, (lo, None))
                    .map(Some);
            }
            Some(rows) => rows,
        };
        let count = rows.len();
        let verdict = self.trust.judge(count, i64::MAX, None);
        self.trust.saw(count);
        let path = T::SELECT.path;
        if verdict == Verdict::Trusted {
            tracing::debug!(endpoint = path, after = lo, count, "last window");
            return Ok(Some(rows));
        }
        // It may have been cut: go on with bounded windows, wide enough to reach its first
        // record.
        tracing::debug!(endpoint = path, after = lo, count, "last window full");
        self.walk.try_open_end = false;
        self.walk.empty_span = 0;
        let reach = rows.id(0).saturating_sub(lo);
        self.walk.width = reach.max(self.walk.width).min(self.settings.max_width);
        Ok(None)
    }

    /// Takes the window's next piece: rows to yield, a split to read, or the window's end.
    async fn continue_window(&mut self, mut window: Window<T>) -> Result<Advance<T>, Error> {
        match window.pending.pop() {
            Some(Piece::Ready(rows)) => {
                window.total += rows.len();
                self.window = Some(window);
                Ok(Advance::Rows(rows))
            }
            Some(Piece::Split(split)) => match self.read_split(&mut window, split).await? {
                Some(whole_set) => Ok(Advance::Last(whole_set)),
                None => {
                    self.window = Some(window);
                    Ok(Advance::Again)
                }
            },
            None if window.hi == i64::MAX => Ok(Advance::End),
            None => {
                self.close_window(&window);
                Ok(Advance::Again)
            }
        }
    }

    /// Reads both halves of `split` and queues them as pieces of `window`; the whole set instead
    /// when a half shows that the tenant ignores the `Id` filter.
    async fn read_split(
        &mut self,
        window: &mut Window<T>,
        split: Split,
    ) -> Result<Option<Rows<T>>, Error> {
        let Split { lo, hi, at, .. } = split;
        // Nothing above `lo` has been yielded yet: a half answering records outside it means
        // the filter is ignored, and the set is taken from it above `lo`.
        let mut halves = [(lo, at, None), (at, hi, None)];
        for (half_lo, half_hi, answer) in &mut halves {
            let rows = self.source.read::<T>(*half_lo, Some(*half_hi)).await?;
            if let Some(rows) = rows {
                if rows.outside(*half_lo, Some(*half_hi)) > 0 {
                    let half = (*half_lo, Some(*half_hi));
                    return self.source.whole_set(&self.trust, rows, lo, half).map(Some);
                }
                self.trust.saw(rows.len());
                *answer = Some(rows);
            }
        }
        let [(_, _, left), (_, _, right)] = halves;
        let held = left.as_ref().zip(right.as_ref());
        let whole = self
            .weigh_halves(window, &split, held.map(|(l, r)| (l.len(), r.len())))
            .await?;
        window
            .pending
            .push(Piece::of(&self.trust, at, hi, right, whole)?);
        window
            .pending
            .push(Piece::of(&self.trust, lo, at, left, whole)?);
        Ok(None)
    }

    /// Decides from the halves' sizes (`held`, when both answered) whether the split window was
    /// cut; returns the count its halves are judged against.
    async fn weigh_halves(
        &mut self,
        window: &mut Window<T>,
        split: &Split,
        held: Option<(usize, usize)>,
    ) -> Result<Option<usize>, Error> {
        if split.verdict == Verdict::Truncated {
            window.cut = true;
            return Ok(split.count);
        }
        let (Some(answered), Some(held)) = (split.count, held) else {
            return Ok(split.count);
        };
        if held.0 + held.1 <= answered {
            return Ok(split.count);
        }
        let range = (split.lo, split.at, split.hi);
        match self
            .source
            .recount::<T>(&mut self.trust, range, answered, held)
            .await?
        {
            Recount::Cut(cap) => {
                window.cut = true;
                // Aim below the cap, so that few windows come back cut.
                let below = (cap * 2 / 3).max(1);
                self.settings.target_per_window = self.settings.target_per_window.min(below);
                Ok(split.count)
            }
            Recount::Grew(again) => Ok(again),
        }
    }

    /// Moves past a window whose pieces have all been yielded, and sizes the next one.
    fn close_window(&mut self, window: &Window<T>) {
        let width = self.walk.width;
        advance(&mut self.walk, &self.settings, window.hi, window.total);
        if window.cut && window.total > 0 {
            // Aim the next window at the target at once, rather than halving step by step.
            let target = self.settings.target_per_window as i128;
            let aimed = i128::from(width) * target / window.total as i128;
            self.walk.width = self.walk.width.min(aimed.max(1) as i64);
        } else if window.verified {
            // An answer as large as any seen had to be verified; a slightly narrower next
            // window keeps the next answers below it, so they need no verification.
            self.walk.width = (self.walk.width - self.walk.width / 8).max(1);
        }
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

fn refused_one_id<T: Selectable>(id: i64) -> Error {
    Error::Paging {
        endpoint: T::SELECT.path,
        message: format!("a window of one id ({id}) is refused as too many results"),
    }
}

/// What reading a window again says about halves holding more records than it answered.
enum Recount {
    /// It answered no more: it was cut, at this cap (the smallest found so far).
    Cut(usize),
    /// It answered more (records were inserted meanwhile), or was refused (`None`).
    Grew(Option<usize>),
}

/// The query and client of one stream.
struct Source {
    client: Client,
    query: Query,
    ids_only: bool,
    chunk: usize,
}

impl Source {
    /// Reads the window `(lo, hi]` (`hi` `None`: unbounded) as records, or as ids when records
    /// are hydrated; `None` when the tenant refuses it as too many results.
    async fn read<T: Selectable>(
        &self,
        lo: i64,
        hi: Option<i64>,
    ) -> Result<Option<Rows<T>>, Error> {
        let mut window = self.query.clone().and(id_item(Operator::GreaterThan, lo));
        if let Some(hi) = hi {
            window = window.and(id_item(Operator::LessThanOrEqualTo, hi));
        }
        let request = Request::json(&window.to_body())?;
        let answer = if self.ids_only {
            self.client
                .results::<IdOnly>(T::SELECT, request)
                .await
                .map(|rows| Rows::Ids(rows.into_iter().map(|row| row.id).collect()))
        } else {
            self.client
                .results::<T>(T::SELECT, request)
                .await
                .map(Rows::Records)
        };
        match answer {
            Ok(mut rows) => {
                rows.normalise();
                Ok(Some(rows))
            }
            Err(error) if error.is_too_many_results() => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Reads `(lo, hi]` again after its halves `(lo, at]` and `(at, hi]` held `held` records,
    /// more than the `answered` of its first answer. The same count again proves a silent cap,
    /// recorded once in the census.
    async fn recount<T: Selectable>(
        &self,
        trust: &mut Trust,
        (lo, at, hi): (i64, i64, i64),
        answered: usize,
        held: (usize, usize),
    ) -> Result<Recount, Error> {
        let again = self.read::<T>(lo, Some(hi)).await?.map(|rows| rows.len());
        let Some(again) = again.filter(|again| *again <= answered) else {
            again.into_iter().for_each(|count| trust.saw(count));
            return Ok(Recount::Grew(again));
        };
        trust.saw(again);
        if trust.found_cut(answered) {
            let (l, r) = held;
            let detail = format!(
                "the ids ({lo}, {hi}] answered {answered} records (and {again} when read again), \
                 but its halves ({lo}, {at}] and ({at}, {hi}] hold {l} + {r}: answers are cut at \
                 {answered} records without an error; windows that look full are split and re-read"
            );
            tracing::warn!(
                endpoint = T::SELECT.path,
                cap = answered,
                "the tenant cuts answers silently; windows are verified"
            );
            self.client.census().contradict(
                ids::NO_SILENT_TRUNCATION,
                Some(T::SELECT.path),
                detail,
            );
        }
        Ok(Recount::Cut(trust.cap.unwrap_or(answered)))
    }

    /// The whole set, from an answer to `window` that held records outside it: the tenant
    /// ignores the `Id` filter. Keeps the records above `after` (those not yet yielded), or fails
    /// when the answer looks cut, since nothing could then read the rest.
    fn whole_set<T: Selectable>(
        &self,
        trust: &Trust,
        mut rows: Rows<T>,
        after: i64,
        window: (i64, Option<i64>),
    ) -> Result<Rows<T>, Error> {
        let count = rows.len();
        let (lo, hi) = window;
        let range = match hi {
            Some(hi) => format!("({lo}, {hi}]"),
            None => format!("above {lo}"),
        };
        let outside = rows.outside(lo, hi);
        let detail = format!(
            "a window of ids {range} answered {count} records, {outside} of them outside it: \
             the `Id` filter is ignored; the set is read once, from that answer"
        );
        tracing::warn!(
            endpoint = T::SELECT.path,
            count,
            outside,
            "the tenant ignores the Id filter; the set is read from one answer"
        );
        self.client
            .census()
            .contradict(ids::ID_FILTER_HONOURED, Some(T::SELECT.path), detail);
        if trust.looks_cut(count) {
            return Err(Error::Paging {
                endpoint: T::SELECT.path,
                message: format!(
                    "the tenant ignores the Id filter and its answer of {count} records looks cut \
                     (a round count, or the silent cap found earlier): the records cannot be read \
                     completely"
                ),
            });
        }
        rows.keep_after(after);
        Ok(rows)
    }

    /// The records of `rows`, hydrated with `…/SelectList` in chunks when they are ids.
    fn emit<T: Selectable>(&self, rows: Rows<T>) -> BoxStream<'static, Result<T, Error>> {
        let client = self.client.clone();
        let chunk = self.chunk;
        let stream = async_stream::try_stream! {
            match rows {
                Rows::Records(records) => {
                    for record in records {
                        yield record;
                    }
                }
                Rows::Ids(ids) => {
                    for ids in ids.chunks(chunk) {
                        let list = Request::json(ids)?;
                        let mut records: Vec<T> = client.results(T::SELECT_LIST, list).await?;
                        records.retain(|record| ids.binary_search(&raw_id(record)).is_ok());
                        records.sort_by_key(raw_id);
                        records.dedup_by_key(|record| raw_id(record));
                        for record in records {
                            yield record;
                        }
                    }
                }
            }
        };
        stream.boxed()
    }
}

/// A stream of pages of records; see [`RecordsApi::pages`](crate::records::RecordsApi::pages).
pub type PageStream<T> = BoxStream<'static, Result<Page<T>, Error>>;

/// Consecutive records of a stream in id order, and the id after which the next page starts.
///
/// Record streams are read in windows of ids and yield every record once in id order, so the
/// id of the last record handled is an exact resume point: records with a greater id are the
/// ones not seen yet (including those created since).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T: Selectable> {
    items: Vec<T>,
    next: Option<T::Id>,
}

impl<T: Selectable> Page<T> {
    /// The records of this page, in id order.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The records of this page, owned.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// The id after which the next page starts: pass it to
    /// [`RecordsApi::pages`](crate::records::RecordsApi::pages) to resume after this page.
    /// `None` on the last page.
    pub fn next_cursor(&self) -> Option<T::Id> {
        self.next
    }

    /// Whether this is the last page.
    pub fn is_last(&self) -> bool {
        self.next.is_none()
    }
}

impl<T: Selectable> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T: Selectable> IntoIterator for &'a Page<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// Cuts `records` into pages of `size` (at least one) records. A stream that ends with nothing
/// yields one empty last page; an error ends the stream after the pages before it.
pub(crate) fn pages_of<T: Selectable>(
    mut records: BoxStream<'static, Result<T, Error>>,
    size: usize,
) -> PageStream<T> {
    let size = size.max(1);
    let stream = async_stream::try_stream! {
        // One record read past a full page tells whether it was the last; it opens the next.
        let mut ahead: Option<T> = None;
        loop {
            let mut items: Vec<T> = ahead.take().into_iter().collect();
            while items.len() < size {
                match records.next().await {
                    Some(record) => items.push(record?),
                    None => {
                        yield Page { items, next: None };
                        return;
                    }
                }
            }
            let next = items.last().map(Selectable::id);
            match records.next().await {
                None => {
                    yield Page { items, next: None };
                    return;
                }
                Some(Ok(record)) => {
                    ahead = Some(record);
                    yield Page { items, next };
                }
                Some(Err(error)) => {
                    // The full page is complete: hand it over with its cursor before failing.
                    yield Page { items, next };
                    Err(error)?;
                }
            }
        }
    };
    stream.boxed()
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
    fn the_first_answer_one_as_large_as_any_and_round_ones_are_verified() {
        let mut trust = Trust::new(true);
        assert_eq!(trust.judge(0, 500, None), Verdict::Trusted, "empty");
        assert_eq!(trust.judge(40, 500, None), Verdict::Verify, "the first");
        trust.saw(40);
        assert_eq!(trust.judge(39, 500, None), Verdict::Trusted);
        assert_eq!(trust.judge(40, 500, None), Verdict::Verify, "as large");
        assert_eq!(trust.judge(41, 500, None), Verdict::Verify, "larger");
        trust.saw(400);
        assert_eq!(trust.judge(300, 500, None), Verdict::Verify, "round");
        assert_eq!(trust.judge(99, 1, None), Verdict::Trusted, "one id wide");
        assert_eq!(Trust::new(false).judge(40, 500, None), Verdict::Trusted);
    }

    #[test]
    fn a_half_is_verified_only_when_it_holds_the_whole_answer() {
        let mut trust = Trust::new(true);
        trust.saw(10);
        assert_eq!(trust.judge(9, 100, Some(10)), Verdict::Trusted);
        assert_eq!(trust.judge(200, 100, Some(300)), Verdict::Trusted, "round");
        assert_eq!(trust.judge(10, 100, Some(10)), Verdict::Verify);
        assert_eq!(
            trust.judge(10, 1, Some(10)),
            Verdict::Trusted,
            "one id wide"
        );
    }

    #[test]
    fn once_a_cap_is_found_answers_that_large_are_cut_and_the_smallest_cap_is_kept() {
        let mut trust = Trust::new(true);
        assert!(trust.found_cut(40));
        assert!(!trust.found_cut(37));
        assert!(!trust.found_cut(50));
        assert_eq!(trust.cap, Some(37));
        assert_eq!(trust.judge(37, 100, None), Verdict::Truncated);
        assert_eq!(trust.judge(37, 100, Some(80)), Verdict::Truncated);
        assert!(trust.looks_cut(37));
        assert!(!trust.looks_cut(36));
    }

    #[test]
    fn an_answer_that_cannot_be_verified_looks_cut_only_when_round_or_capped() {
        let trust = Trust::new(true);
        assert!(!trust.looks_cut(4286));
        assert!(!trust.looks_cut(50));
        assert!(trust.looks_cut(500));
        assert!(!Trust::new(false).looks_cut(500));
    }

    #[test]
    fn verified_windows_split_at_the_median_id_and_cut_ones_in_the_middle() {
        let ids = [3, 5, 8, 13, 21];
        assert_eq!(
            split_point(0, 100, &ids, Verdict::Verify),
            8,
            "3 left, 2 right"
        );
        assert_eq!(
            split_point(0, 100, &ids[..4], Verdict::Verify),
            5,
            "2 and 2"
        );
        assert_eq!(split_point(0, 100, &ids, Verdict::Truncated), 50);
        // A single record at the top of its window: the split still narrows it.
        assert_eq!(split_point(0, 13, &[13], Verdict::Verify), 12);
        assert_eq!(split_point(12, 14, &[14], Verdict::Verify), 13);
        assert_eq!(
            split_point(0, i64::MAX, &[], Verdict::Truncated),
            i64::MAX / 2
        );
    }

    #[derive(Debug, Clone, PartialEq, Deserialize)]
    struct Row(i64);

    impl Selectable for Row {
        const SELECT: Endpoint = crate::endpoints::TICKET_SELECT;
        const SELECT_BY_ID: Endpoint = crate::endpoints::TICKET_SELECT_BY_ID;
        const SELECT_LIST: Endpoint = crate::endpoints::TICKET_SELECT_LIST;
        type Id = crate::TicketId;

        fn id(&self) -> crate::TicketId {
            crate::TicketId::new(self.0)
        }
    }

    /// A page as its ids and its cursor, or the error that ended the stream.
    type Seen = Result<(Vec<i64>, Option<i64>), String>;

    fn rows(items: Vec<Result<Row, Error>>) -> Vec<Seen> {
        let pages = pages_of(futures::stream::iter(items).boxed(), 2);
        futures::executor::block_on(pages.collect::<Vec<_>>())
            .into_iter()
            .map(|page| {
                page.map(|page| {
                    let next = page.next_cursor().map(i64::from);
                    (
                        page.into_items().into_iter().map(|row| row.0).collect(),
                        next,
                    )
                })
                .map_err(|error| error.to_string())
            })
            .collect()
    }

    #[test]
    fn pages_point_at_their_last_id_and_the_last_page_at_nothing() {
        let ok = |id| Ok(Row(id));
        assert_eq!(
            rows(vec![ok(1), ok(2), ok(5), ok(8)]),
            [Ok((vec![1, 2], Some(2))), Ok((vec![5, 8], None))]
        );
        assert_eq!(rows(vec![]), [Ok((vec![], None))]);
        let failed = Err(Error::Config("gone".into()));
        let pages = rows(vec![ok(1), ok(2), failed]);
        assert_eq!(
            pages[0],
            Ok((vec![1, 2], Some(2))),
            "a full page is handed over"
        );
        assert!(pages[1].is_err());
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
