//! Cursor, page-number and scroll lists, all exposed as one kind of stream of items.
//!
//! Each list endpoint supplies a `fetch` closure that turns a position (a cursor, a page number
//! or a scroll parameter) into a page of items and the next position. The stream follows those
//! positions to the end and stops early if the API hands back the position it was given, so a
//! misbehaving server cannot make it loop forever.

use std::future::Future;

use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::serde_helpers::null_as_default;

/// A stream of list items, fetched page by page as it is polled.
///
/// It owns a clone of the client, so it can outlive the handler that created it.
pub type ItemStream<T> = BoxStream<'static, Result<T, Error>>;

/// One fetched page: its items and where the next one starts (`None` at the end).
pub(crate) struct Page<T, P> {
    pub(crate) items: Vec<T>,
    pub(crate) next: Option<P>,
}

/// Follows `fetch` from `start` until it reports no next position.
pub(crate) fn paginate<T, P, F, Fut>(start: P, mut fetch: F) -> ItemStream<T>
where
    T: Send + 'static,
    P: Clone + PartialEq + Send + 'static,
    F: FnMut(P) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T, P>, Error>> + Send + 'static,
{
    Box::pin(async_stream::try_stream! {
        let mut position = start;
        loop {
            let page = fetch(position.clone()).await?;
            for item in page.items {
                yield item;
            }
            match page.next {
                Some(next) if next != position => position = next,
                _ => break,
            }
        }
    })
}

/// The `pages` object of cursor- and page-number-paginated lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Pages {
    /// The current page number (1-based).
    #[serde(default)]
    pub page: Option<u32>,
    /// Items per page.
    #[serde(default)]
    pub per_page: Option<u32>,
    /// Total number of pages.
    #[serde(default)]
    pub total_pages: Option<u32>,
    /// Where the next page starts; absent on the last page.
    #[serde(default, deserialize_with = "next_page")]
    pub next: Option<StartingAfterPaging>,
}

impl Pages {
    /// The cursor of the next page, if any.
    pub fn next_cursor(&self) -> Option<String> {
        self.next.as_ref().and_then(|n| n.starting_after.clone())
    }

    /// The next page number for page-number lists, if the current one is not the last.
    pub fn next_page_number(&self) -> Option<u32> {
        match (self.page, self.total_pages) {
            (Some(page), Some(total)) if page < total => Some(page + 1),
            _ => None,
        }
    }
}

/// `pages.next` is an object for cursor lists but a URL string for some older lists; only the
/// object form carries a cursor, so a string is treated as "no cursor".
fn next_page<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<StartingAfterPaging>, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    match value {
        serde_json::Value::Object(_) => serde_json::from_value(value)
            .map(Some)
            .map_err(serde::de::Error::custom),
        _ => Ok(None),
    }
}

/// Cursor paging parameters, sent in search bodies and received in `pages.next`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartingAfterPaging {
    /// Items per page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
    /// The cursor to continue from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starting_after: Option<String>,
}

/// A list response whose items live under `data` with cursor or page `pages`.
#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub(crate) struct DataList<T> {
    #[serde(default = "Vec::new", deserialize_with = "null_as_default")]
    pub(crate) data: Vec<T>,
    #[serde(default)]
    pub(crate) pages: Option<Pages>,
}

impl<T> DataList<T> {
    /// Converts a cursor-paginated response into a page.
    pub(crate) fn into_cursor_page(self) -> Page<T, Option<String>> {
        let next = self.pages.and_then(|p| p.next_cursor()).map(Some);
        Page {
            items: self.data,
            next,
        }
    }

    /// Converts a page-number response into a page (stops on an empty page, whatever `pages` says).
    pub(crate) fn into_numbered_page(self) -> Page<T, u32> {
        let next = if self.data.is_empty() {
            None
        } else {
            self.pages.and_then(|p| p.next_page_number())
        };
        Page {
            items: self.data,
            next,
        }
    }
}
