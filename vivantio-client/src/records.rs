//! The actions every queryable record type shares: `Select`, `SelectById`, `SelectList`, and
//! streaming through a [`Pager`].

use std::marker::PhantomData;

use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};

use crate::assumptions::registry::ids;
use crate::assumptions::WINDOW_FIELD;
use crate::enums::ErrorType;

use crate::error::Error;
use crate::paging::{pages_of, IdWindowPager, PageStream, Pager, Selectable};
use crate::query::Query;
use crate::transport::Request;
use crate::Client;

/// Queries for one record type; [`TicketsApi`](crate::tickets::TicketsApi) and the other
/// resource handles are this type with extra actions.
#[derive(Debug)]
pub struct RecordsApi<'a, T> {
    pub(crate) client: &'a Client,
    record: PhantomData<fn() -> T>,
}

impl<T> Clone for RecordsApi<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for RecordsApi<'_, T> {}

impl<'a, T: Selectable> RecordsApi<'a, T> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self {
            client,
            record: PhantomData,
        }
    }

    /// Every record matching `query`, in one answer. Vivantio may refuse large answers (see
    /// [`Error::is_too_many_results`]); use [`stream`](Self::stream) for large sets.
    pub async fn select(&self, query: &Query) -> Result<Vec<T>, Error> {
        self.client
            .results(T::SELECT, Request::json(&query.to_body())?)
            .await
    }

    /// One record by id; `None` if it does not exist.
    pub async fn select_by_id(&self, id: T::Id) -> Result<Option<T>, Error> {
        self.client
            .item(T::SELECT_BY_ID, Request::with_id(id.into()))
            .await
    }

    /// The records with these ids (missing ones are simply absent). An empty list makes no call.
    pub async fn select_list(&self, ids: &[T::Id]) -> Result<Vec<T>, Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.client
            .results(T::SELECT_LIST, Request::json(ids)?)
            .await
    }

    /// Streams every record matching `query`, item by item, with the default
    /// [`IdWindowPager`] configured on the client.
    pub fn stream(&self, query: Query) -> BoxStream<'static, Result<T, Error>> {
        self.stream_from(query, None)
    }

    /// Streams the records matching `query` whose id is greater than `after`, item by item, in
    /// id order: resumes a stream after the last record handled.
    pub fn stream_after(&self, query: Query, after: T::Id) -> BoxStream<'static, Result<T, Error>> {
        self.stream_from(query, Some(after))
    }

    /// Streams every record matching `query` as pages of up to `page_size` records, after the
    /// id `from` (a [`Page::next_cursor`](crate::paging::Page::next_cursor) saved earlier) or
    /// from the start set in [`WindowSettings::start_after`](crate::WindowSettings::start_after).
    pub fn pages(&self, query: Query, page_size: usize, from: Option<T::Id>) -> PageStream<T> {
        pages_of(self.stream_from(query, from), page_size)
    }

    fn stream_from(
        &self,
        query: Query,
        after: Option<T::Id>,
    ) -> BoxStream<'static, Result<T, Error>> {
        let mut settings = self.client.window_settings().clone();
        if let Some(after) = after {
            settings.start_after = after.into();
        }
        IdWindowPager::new(settings)
            .stream(self.client.clone(), query)
            .map_err(name_paging_assumption)
            .boxed()
    }

    /// Streams every record matching `query` with another paging strategy.
    pub fn stream_with<P: Pager>(
        &self,
        pager: &P,
        query: Query,
    ) -> BoxStream<'static, Result<T, Error>> {
        pager.stream(self.client.clone(), query)
    }
}

/// A refusal of a windowed read, named after the paging assumption it contradicts: `Id` is
/// not queryable, or a cap is announced in words the client does not know.
fn name_paging_assumption(error: Error) -> Error {
    let Error::Api {
        endpoint, errors, ..
    } = &error
    else {
        return error;
    };
    let said = errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    let id_refused = errors.iter().any(|m| {
        matches!(m.kind, ErrorType::FieldInvalid | ErrorType::FieldMissing)
            && (m.field.as_deref() == Some(WINDOW_FIELD)
                || m.message.as_deref().is_some_and(|text| {
                    text.split(|c: char| !c.is_alphanumeric())
                        .any(|w| w == WINDOW_FIELD)
                }))
    });
    let message = if id_refused {
        format!(
            "the tenant refuses `{WINDOW_FIELD}` in queries ({said}); assumption `{}` is wrong \
             here, so large sets cannot be read in windows",
            ids::ID_QUERYABLE
        )
    } else if errors
        .iter()
        .any(|m| m.kind == ErrorType::ItemNotValidForAction)
    {
        format!(
            "the tenant refused a window ({said}); if these words say the answer is too large, \
             assumption `{}` does not know them",
            ids::TOO_MANY_WORDING
        )
    } else {
        return error;
    };
    Error::Paging { endpoint, message }
}
