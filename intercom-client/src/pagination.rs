//! Cursor, page-number and scroll lists, exposed as streams of pages or of items.
//!
//! Every listing has a `*_pages` method that yields whole [`Page`]s, each carrying the position
//! of the next one ([`Page::next_cursor`]), and takes a position to start from: save the cursor
//! of the last page handled, and a later call (in another process, after a crash) resumes the
//! listing there. The plain method (`list`, `search`, ...) yields the items of the same pages.
//!
//! The position depends on how the endpoint pages: a [`Cursor`] (`starting_after`) for
//! contacts, conversations and searches, a [`PageNumber`] for companies and the Help Center,
//! a [`ScrollParam`] for the company scroll. A stream stops early if the API hands back the
//! position it was given, so a misbehaving server cannot make it loop forever.

use std::fmt;
use std::future::Future;

use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::serde_helpers::null_as_default;

/// A stream of list items, fetched page by page as it is polled.
///
/// It owns a clone of the client, so it can outlive the handler that created it.
pub type ItemStream<T> = BoxStream<'static, Result<T, Error>>;

/// A stream of whole pages of a listing, each with the position of the next one.
pub type PageStream<T, C = Cursor> = BoxStream<'static, Result<Page<T, C>, Error>>;

/// One page of a listing: its items, and where the next page starts.
///
/// `C` is the kind of position the listing uses: [`Cursor`], [`PageNumber`] or [`ScrollParam`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T, C = Cursor> {
    items: Vec<T>,
    next: Option<C>,
}

impl<T, C> Page<T, C> {
    pub(crate) fn new(items: Vec<T>, next: Option<C>) -> Self {
        Page { items, next }
    }

    /// The items of this page.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The items of this page, owned.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// Where the next page starts: pass it to the same `*_pages` call to resume the listing
    /// after this page. `None` on the last page.
    pub fn next_cursor(&self) -> Option<&C> {
        self.next.as_ref()
    }

    /// Whether this is the last page.
    pub fn is_last(&self) -> bool {
        self.next.is_none()
    }
}

impl<T, C> IntoIterator for Page<T, C> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T, C> IntoIterator for &'a Page<T, C> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// Generates an opaque text position with `Display`, `FromStr` and transparent serde.
macro_rules! text_position {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value saved from an earlier page.
            pub fn new(value: impl Into<String>) -> Self {
                $name(value.into())
            }

            /// The value as Intercom sent it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok($name(text.to_owned()))
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                $name(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(value.to_owned())
            }
        }
    };
}

text_position!(
    /// Intercom's `starting_after` cursor of cursor-paginated lists (contacts, conversations,
    /// searches). Opaque: save it as text and parse it back.
    Cursor
);
text_position!(
    /// The `scroll_param` of `GET /companies/scroll`. Intercom keeps a scroll open for about a
    /// minute after its last page was read, and one scroll per app at a time.
    ScrollParam
);

/// The number (1-based) of a page of a page-number list (companies, Help Center).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PageNumber(u32);

impl PageNumber {
    /// The first page.
    pub const FIRST: PageNumber = PageNumber(1);

    /// A page number (0 is read as the first page).
    pub fn new(number: u32) -> Self {
        PageNumber(number.max(1))
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for PageNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for PageNumber {
    type Err = std::num::ParseIntError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.trim().parse().map(PageNumber::new)
    }
}

/// Follows `fetch` from `start` (`None`: the first page) until a page has no next position
/// or hands back the position it was fetched with.
pub(crate) fn paginate<T, C, F, Fut>(start: Option<C>, fetch: F) -> PageStream<T, C>
where
    T: Send + 'static,
    C: Clone + PartialEq + Send + 'static,
    F: FnMut(Option<C>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T, C>, Error>> + Send + 'static,
{
    follow(start, true, fetch)
}

/// Like [`paginate`], for the company scroll: its parameter usually stays the same from page
/// to page, so only an empty page (a `next` of `None`) ends it.
pub(crate) fn scroll<T, C, F, Fut>(start: Option<C>, fetch: F) -> PageStream<T, C>
where
    T: Send + 'static,
    C: Clone + PartialEq + Send + 'static,
    F: FnMut(Option<C>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T, C>, Error>> + Send + 'static,
{
    follow(start, false, fetch)
}

fn follow<T, C, F, Fut>(start: Option<C>, stop_on_repeat: bool, mut fetch: F) -> PageStream<T, C>
where
    T: Send + 'static,
    C: Clone + PartialEq + Send + 'static,
    F: FnMut(Option<C>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T, C>, Error>> + Send + 'static,
{
    Box::pin(async_stream::try_stream! {
        let mut position = start;
        loop {
            let page = fetch(position.clone()).await?;
            let next = page.next.clone();
            yield page;
            match next {
                Some(next) if !(stop_on_repeat && position.as_ref() == Some(&next)) => {
                    position = Some(next);
                }
                _ => break,
            }
        }
    })
}

/// The items of `pages`, in order.
pub(crate) fn items<T, C>(pages: PageStream<T, C>) -> ItemStream<T>
where
    T: Send + 'static,
    C: Send + 'static,
{
    pages
        .map_ok(|page| futures::stream::iter(page.items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
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
    pub fn next_cursor(&self) -> Option<Cursor> {
        self.next.as_ref().and_then(|n| n.starting_after.clone())
    }

    /// The next page number for page-number lists, if the current one is not the last.
    pub fn next_page_number(&self) -> Option<PageNumber> {
        match (self.page, self.total_pages) {
            (Some(page), Some(total)) if page < total => Some(PageNumber::new(page + 1)),
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
    pub starting_after: Option<Cursor>,
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
    pub(crate) fn into_cursor_page(self) -> Page<T, Cursor> {
        let next = self.pages.and_then(|p| p.next_cursor());
        Page::new(self.data, next)
    }

    /// Converts a page-number response into a page (stops on an empty page, whatever `pages` says).
    pub(crate) fn into_numbered_page(self) -> Page<T, PageNumber> {
        numbered_page(self.data, self.pages)
    }
}

/// A page of a page-number list; an empty page is the last, whatever `pages` says.
pub(crate) fn numbered_page<T>(items: Vec<T>, pages: Option<Pages>) -> Page<T, PageNumber> {
    let next = if items.is_empty() {
        None
    } else {
        pages.and_then(|p| p.next_page_number())
    };
    Page::new(items, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(pages: &[(usize, Option<u32>)]) -> PageStream<usize, PageNumber> {
        let pages = pages.to_vec();
        paginate(None, move |at: Option<PageNumber>| {
            let (items, next) = pages[at.map_or(0, |n| n.get() as usize - 1)];
            async move { Ok(Page::new((0..items).collect(), next.map(PageNumber::new))) }
        })
    }

    #[tokio::test]
    async fn items_follow_pages_and_a_repeated_position_ends_the_stream() {
        let all: Vec<usize> = items(numbered(&[(2, Some(2)), (1, Some(3)), (1, Some(3))]))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(all, vec![0, 1, 0, 0], "page 3 names itself as next");
    }

    #[test]
    fn positions_read_back_what_they_print() {
        let cursor: Cursor = "WzE3MDAwMDAwMDAwMDAsIjEiXQ==".parse().unwrap();
        assert_eq!(cursor.to_string().parse::<Cursor>().unwrap(), cursor);
        assert_eq!("7".parse::<PageNumber>().unwrap().get(), 7);
        assert_eq!(PageNumber::new(0), PageNumber::FIRST);
        assert_eq!(
            serde_json::to_string(&StartingAfterPaging {
                per_page: None,
                starting_after: Some(cursor)
            })
            .unwrap(),
            r#"{"starting_after":"WzE3MDAwMDAwMDAwMDAsIjEiXQ=="}"#
        );
    }
}
