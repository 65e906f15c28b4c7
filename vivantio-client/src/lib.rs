//! A typed async client for the Vivantio RPC-style REST API.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use vivantio_client::{query::Query, Client, TicketId};
//!
//! # async fn run() -> Result<(), vivantio_client::Error> {
//! let client = Client::builder()
//!     .platform_url("https://webservices-na01.vivantio.com/")
//!     .credentials("api-user", "secret")
//!     .tenant_time_zone(chrono_tz::Europe::London)
//!     .build()?;
//! for ticket_type in client.configuration().ticket_types().await? {
//!     println!("{} {:?}", ticket_type.id, ticket_type.name_plural);
//! }
//! let mut tickets = client.tickets().stream(Query::match_all());
//! while let Some(ticket) = tickets.try_next().await? {
//!     println!("{} {:?}", ticket.id, ticket.title);
//! }
//! // Pages of 100 after a ticket id saved by an earlier run; each page names the next start.
//! let mut pages = client.tickets().pages(Query::match_all(), 100, Some(TicketId::new(10225)));
//! while let Some(page) = pages.try_next().await? {
//!     println!("{} tickets; next after {:?}", page.items().len(), page.next_cursor());
//! }
//! # Ok(()) }
//! ```
//!
//! * Every call is `POST {platform_url}api/{Controller}/{Action}` with HTTP Basic auth; the
//!   platform URL always comes from configuration (Vivantio hosts tenants in several regions).
//! * Answers are unwrapped from Vivantio's envelope; `Successful: false` is an [`Error::Api`]
//!   carrying Vivantio's messages.
//! * Every record type has its own id type ([`TicketId`], [`CallerId`], [`OrganisationId`], ...;
//!   see [`ids`]), on records, query fields and parameters, so ids of different kinds cannot be
//!   mixed up; record types are `#[non_exhaustive]`.
//! * Large sets are streamed item by item through a [`paging::Pager`] (by default the
//!   [`paging::IdWindowPager`]), in memory bounded by one window, in id order; or as
//!   [`Page`]s whose [`Page::next_cursor`] (the last id) resumes the stream in a later call
//!   ([`records::RecordsApi::pages`]).
//! * An [`limiter::AdaptiveLimiter`] caps concurrency and backs off on throttling.
//! * Dates keep what was sent ([`VivantioDate`]); naive values are resolved in the tenant time
//!   zone, see [`dates`].
//! * Facts about the API that rest on inference are gathered in [`endpoints`] and
//!   [`assumptions`].
#![warn(missing_docs)]

pub mod actions;
pub mod articles;
pub mod assumptions;
pub mod attachments;
mod builder;
pub mod callers;
mod cause;
pub mod census;
pub mod clients;
pub mod config;
pub mod custom_forms;
pub mod dates;
mod de;
pub mod endpoints;
pub mod enums;
pub mod envelope;
pub mod error;
pub mod ids;
pub mod limiter;
pub mod locations;
mod messages;
pub mod odata;
pub mod paging;
pub mod query;
pub mod records;
pub mod ticket;
pub mod tickets;
mod transport;
pub mod writes;

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

pub use builder::{ClientBuilder, Credentials, DEFAULT_TIMEOUT};
pub use dates::VivantioDate;
pub use endpoints::{Confidence, Endpoint};
pub use enums::{ErrorType, FieldType, InfoType, StatusType, SystemArea};
pub use error::Error;
pub use ids::{
    ActionId, ArticleId, AttachmentId, CallerId, CategoryId, CustomFieldId, CustomFormId,
    CustomFormInstanceId, ExtensionFieldId, GroupId, LocationId, OrganisationId, PriorityId,
    RecordId, RecordTypeId, SlaStageInstanceId, SlaStageTargetId, StatusId, TicketId, UserId,
};
pub use limiter::{LimiterSettings, LimiterSnapshot};
pub use paging::{IdWindowPager, Page, PageStream, Pager, WindowSettings};

use envelope::Answer;
use transport::{Request, Transport};

struct Inner {
    transport: Transport,
    tenant_zone: Tz,
    window: WindowSettings,
    census: census::WireCensus,
}

/// Decodes a whole answer body the way every `…/Select*` call does: the envelope first, then
/// its `Results` list. Public for fuzzing and for tests that hold a recorded answer; not part of
/// the supported API.
#[doc(hidden)]
pub fn decode_results<T: DeserializeOwned>(
    endpoint: &'static str,
    body: &[u8],
) -> Result<Vec<T>, Error> {
    Answer::parse(endpoint, body)?.results()
}

/// Decodes a whole answer body the way every `…/SelectById` call does (`ItemNotFound` is
/// `None`). Public for fuzzing and tests; not part of the supported API.
#[doc(hidden)]
pub fn decode_item<T: DeserializeOwned>(
    endpoint: &'static str,
    body: &[u8],
) -> Result<Option<T>, Error> {
    match Answer::parse(endpoint, body) {
        Ok(answer) => answer.item(),
        Err(error) if error.is_not_found() => Ok(None),
        Err(error) => Err(error),
    }
}

/// A Vivantio API client. Cheap to clone; clones share one connection pool and one limiter.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_root", &self.inner.transport.api_root().as_str())
            .field("tenant_zone", &self.inner.tenant_zone)
            .field("limiter", &self.inner.transport.limiter().snapshot())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder; the platform URL and credentials are required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Ticket types, statuses, priorities, categories, agents, groups, SLA targets, legacy fields.
    pub fn configuration(&self) -> config::ConfigurationApi<'_> {
        config::ConfigurationApi::new(self)
    }

    /// Tickets: queries, history, SLA stages, and writes.
    pub fn tickets(&self) -> tickets::TicketsApi<'_> {
        tickets::TicketsApi::new(self)
    }

    /// Clients (organisations).
    pub fn clients(&self) -> clients::ClientsApi<'_> {
        clients::ClientsApi::new(self)
    }

    /// Callers (end users).
    pub fn callers(&self) -> callers::CallersApi<'_> {
        callers::CallersApi::new(self)
    }

    /// Locations.
    pub fn locations(&self) -> locations::LocationsApi<'_> {
        locations::LocationsApi::new(self)
    }

    /// Knowledge-base articles and their categories.
    pub fn articles(&self) -> articles::ArticlesApi<'_> {
        articles::ArticlesApi::new(self)
    }

    /// Custom forms (the `Entity/*` actions).
    pub fn custom_forms(&self) -> custom_forms::CustomFormsApi<'_> {
        custom_forms::CustomFormsApi::new(self)
    }

    /// Attachment listings and downloads.
    pub fn attachments(&self) -> attachments::AttachmentsApi<'_> {
        attachments::AttachmentsApi::new(self)
    }

    /// The tenant's OData feed (counts of callers and clients), when a tenant URL is configured.
    pub fn odata(&self) -> odata::OdataApi<'_> {
        odata::OdataApi::new(self)
    }

    /// The zone naive dates are read in.
    pub fn tenant_time_zone(&self) -> Tz {
        self.inner.tenant_zone
    }

    /// A Vivantio date as a UTC instant, naive values read in the tenant time zone.
    pub fn to_utc(&self, date: &VivantioDate) -> DateTime<Utc> {
        date.to_utc(self.inner.tenant_zone)
    }

    /// A UTC instant as the naive tenant-local time Vivantio queries expect.
    pub fn to_tenant_naive(&self, instant: DateTime<Utc>) -> chrono::NaiveDateTime {
        dates::to_tenant_naive(instant, self.inner.tenant_zone)
    }

    /// The API root all paths are joined to (`{platform_url}api/`).
    pub fn api_root(&self) -> &Url {
        self.inner.transport.api_root()
    }

    /// What the rate limiter is doing now.
    pub fn limiter_snapshot(&self) -> LimiterSnapshot {
        self.inner.transport.limiter().snapshot()
    }

    /// The window settings of the default pager.
    pub fn window_settings(&self) -> &WindowSettings {
        &self.inner.window
    }

    /// Calls any action that answers `Results`, for actions this crate does not wrap (and for
    /// custom [`Pager`] strategies). `path_id` becomes the last path segment; `body` is sent as
    /// JSON (none: an empty body).
    pub async fn call_results<T, B>(
        &self,
        endpoint: Endpoint,
        path_id: Option<i64>,
        body: Option<&B>,
    ) -> Result<Vec<T>, Error>
    where
        T: DeserializeOwned,
        B: Serialize + ?Sized,
    {
        let mut request = match body {
            Some(body) => Request::json(body)?,
            None => Request::empty(),
        };
        request.path_id = path_id;
        self.results(endpoint, request).await
    }

    /// Calls any action that answers `Item`; see [`Client::call_results`].
    pub async fn call_item<T, B>(
        &self,
        endpoint: Endpoint,
        path_id: Option<i64>,
        body: Option<&B>,
    ) -> Result<Option<T>, Error>
    where
        T: DeserializeOwned,
        B: Serialize + ?Sized,
    {
        let mut request = match body {
            Some(body) => Request::json(body)?,
            None => Request::empty(),
        };
        request.path_id = path_id;
        self.item(endpoint, request).await
    }

    /// What the wire census has seen on this client's answers so far: fields absent or of
    /// another type, spellings, contradicted behaviours (see [`census`]).
    pub fn wire_census(&self) -> census::CensusReport {
        self.inner.census.report()
    }

    /// The census, for the checks that find contradictions while reading (paging, hosts).
    pub fn census(&self) -> &census::WireCensus {
        &self.inner.census
    }

    pub(crate) async fn results<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        request: Request,
    ) -> Result<Vec<T>, Error> {
        let body = self.inner.transport.send(endpoint, &request).await?;
        let answer = Answer::parse(endpoint.path, &body)?;
        self.count_fields(endpoint, &answer);
        answer.results()
    }

    /// Feeds the records of an answer to the census when the registry watches its action, and
    /// keeps it as a sample when samples are being recorded.
    fn count_fields(&self, endpoint: Endpoint, answer: &Answer<'_>) {
        let census = &self.inner.census;
        let Some(raw) = answer.raw_records() else {
            return;
        };
        if census::WireCensus::watches(endpoint.path) {
            census.observe(endpoint.path, raw.get());
        }
        if census.wants_sample(endpoint.path) {
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(raw.get()) {
                census.sample(endpoint.path, &value);
            }
        }
    }

    /// `Item` of the answer; `None` when it is absent or Vivantio answers `ItemNotFound`.
    pub(crate) async fn item<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        request: Request,
    ) -> Result<Option<T>, Error> {
        // An HTTP 404 stays an error: it more likely means a wrong platform URL than a
        // missing record, which Vivantio reports inside the envelope.
        let body = self.inner.transport.send(endpoint, &request).await?;
        match Answer::parse(endpoint.path, &body) {
            Ok(answer) => {
                self.count_fields(endpoint, &answer);
                answer.item()
            }
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(error),
        }
    }

    pub(crate) async fn insert(&self, endpoint: Endpoint, request: Request) -> Result<i64, Error> {
        let body = self.inner.transport.send(endpoint, &request).await?;
        Answer::parse(endpoint.path, &body)?.inserted_item_id()
    }

    pub(crate) async fn execute(&self, endpoint: Endpoint, request: Request) -> Result<(), Error> {
        let body = self.inner.transport.send(endpoint, &request).await?;
        Answer::parse(endpoint.path, &body).map(|_| ())
    }

    /// The transport, for answers read as a stream (attachment downloads).
    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }
}
