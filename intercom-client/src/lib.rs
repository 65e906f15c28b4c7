//! A typed async client for the Intercom REST API, pinned to API version **2.16**.
//!
//! ```no_run
//! # async fn run() -> Result<(), intercom_client::Error> {
//! use futures::TryStreamExt;
//! use intercom_client::{Client, Cursor, contacts::CreateContactRequest};
//!
//! let client = Client::builder()
//!     .token(std::env::var("INTERCOM_TOKEN").unwrap_or_default())
//!     .base_url("https://api.eu.intercom.io")
//!     .build()?;
//! let admins = client.admins().list().await?;
//! let contact = client
//!     .contacts()
//!     .create(&CreateContactRequest::user("vivantio-42").email("ada@example.com"))
//!     .await?;
//! let mut contacts = client.contacts().list(Some(150));
//! while let Some(contact) = contacts.try_next().await? {
//!     println!("{} {:?}", contact.id, contact.email);
//! }
//! // Page by page: each page says where the next one starts, to resume in a later call.
//! let mut pages = client.contacts().list_pages(Some(150), None);
//! if let Some(page) = pages.try_next().await? {
//!     let saved = page.next_cursor().map(ToString::to_string);
//!     let _rest = client.contacts().list_pages(Some(150), saved.map(Cursor::new));
//! }
//! client.contacts().get(&contact.id).await?; // a ContactId: a ConversationId would not compile
//! # Ok(()) }
//! ```
//!
//! Every resource has a handler reached from [`Client`] (`client.contacts()`, `client.tags()`, ...)
//! whose methods take request structs and return response structs that follow the 2.16 OpenAPI
//! description field by field: optional fields are `Option`s and unknown fields are ignored.
//! Every kind of object has its own id type ([`ContactId`], [`ConversationId`], ...; see
//! [`ids`]), so an id of one kind cannot be passed where another belongs; each accepts the
//! integer and string forms the description mixes. Values Intercom adds to over time (states,
//! part types, roles, categories) are enums whose `Unknown(String)` keeps a new value verbatim;
//! Unix-seconds fields are [`Timestamp`]s; response types are `#[non_exhaustive]`. Every listing
//! has a `*_pages` method yielding [`Page`]s whose [`Page::next_cursor`] resumes it later.
//! Conversations and tickets share one part type, [`conversations::Part`].
//!
//! # Rate limits
//! Intercom splits its per-minute budget into 10-second windows and reports them in
//! `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`. All clones of a client
//! share one budget learnt from those headers (nothing is hard-coded): requests are paced so the
//! remaining budget is spread over the rest of the window, and a 429 makes every task wait until
//! the reset before retrying. [`Client::stats`] reports requests, 429s and time spent waiting.
//!
//! # Retries and idempotency
//! 5xx answers, connection drops and timeouts are retried with bounded exponential backoff and
//! jitter, but only for requests that are safe to repeat (reads, updates, deletes, upserts,
//! searches, tagging, attaching, state changes). Requests that create something (contacts,
//! conversations, replies, notes, tickets, articles, collections, attributes, ticket types) are
//! **never resent after a failure that may have reached Intercom**: the error is returned with
//! [`Error::may_have_been_applied`] set, and the caller must reconcile before trying again.
//! For contacts, [`contacts::Contacts::find_by_external_id`] is reliable right after a create;
//! search is not (its index lags by minutes). For other objects keep your own record of what
//! was created (the migration journal) and, where possible, check it with a `get`/`list` call.
//! A 409 from contact creation becomes [`Error::Conflict`] carrying the existing contact's id.
//!
//! # What the API cannot do
//! Admins (teammates), teams, ticket states and help centers cannot be created, changed or
//! deleted through the API; this client only reads them. Data attributes, ticket types and
//! ticket type attributes cannot be deleted, only archived; conversation attributes are archived
//! by their DELETE call.
#![warn(missing_docs)]

#[macro_use]
mod open_enum;

pub mod admins;
mod apps;
mod body;
mod cause;
pub mod common;
pub mod companies;
pub mod contacts;
pub mod conversation_attributes;
pub mod conversations;
pub mod data_attributes;
mod error;
pub mod help_center;
pub mod ids;
mod pagination;
mod rate_limit;
pub mod replies;
pub mod search;
mod serde_helpers;
mod stats;
pub mod tags;
pub mod teams;
pub mod ticket_states;
pub mod ticket_types;
pub mod tickets;
mod timestamp;
mod transport;

use std::sync::Arc;
use std::time::Duration;

use url::Url;

pub use error::{ApiErrorItem, Error};
pub use ids::{
    AdminId, ArticleId, AttributeOptionId, CollectionId, CompanyId, ContactId,
    ConversationAttributeId, ConversationId, DataAttributeId, HelpCenterId, Id, MessageId, PartId,
    TagId, TeamId, TicketId, TicketStateId, TicketTypeAttributeId, TicketTypeId,
};
pub use pagination::{
    Cursor, ItemStream, Page, PageNumber, PageStream, Pages, ScrollParam, StartingAfterPaging,
};
pub use stats::{ClientStats, Wait, WaitCause};
pub use timestamp::Timestamp;

use crate::apps::AppPool;
use crate::stats::{Counters, WaitListener};
use crate::transport::{RetryPolicy, Transport};

/// The API version this client is written against and sends in `Intercom-Version`.
pub const API_VERSION: &str = "2.16";
/// Intercom's US data-hosting endpoint (EU: `https://api.eu.intercom.io`, AU: `https://api.au.intercom.io`).
pub const DEFAULT_BASE_URL: &str = "https://api.intercom.io";

/// Intercom's cap on all private apps of one workspace together, per minute.
pub const WORKSPACE_RATE_LIMIT_PER_MINUTE: u32 = 25_000;

/// A handle on the Intercom API. Cheap to clone; clones share one connection pool and one rate-limit budget.
#[derive(Clone, Debug)]
pub struct Client {
    transport: Arc<Transport>,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for the US endpoint with default settings.
    pub fn new(token: impl Into<String>) -> Result<Client, Error> {
        Client::builder().token(token).build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.transport.base_url
    }

    /// Counters shared by this client and all its clones.
    pub fn stats(&self) -> ClientStats {
        self.transport.stats()
    }

    /// Contacts (users and leads).
    pub fn contacts(&self) -> contacts::Contacts<'_> {
        contacts::Contacts::new(self)
    }

    /// Companies.
    pub fn companies(&self) -> companies::Companies<'_> {
        companies::Companies::new(self)
    }

    /// Admins (teammates); read-only.
    pub fn admins(&self) -> admins::Admins<'_> {
        admins::Admins::new(self)
    }

    /// Teams; read-only.
    pub fn teams(&self) -> teams::Teams<'_> {
        teams::Teams::new(self)
    }

    /// Contact and company data attributes.
    pub fn data_attributes(&self) -> data_attributes::DataAttributes<'_> {
        data_attributes::DataAttributes::new(self)
    }

    /// Conversation attributes (the 2.16 API).
    pub fn conversation_attributes(&self) -> conversation_attributes::ConversationAttributes<'_> {
        conversation_attributes::ConversationAttributes::new(self)
    }

    /// Tags, and tagging of contacts, conversations and tickets.
    pub fn tags(&self) -> tags::Tags<'_> {
        tags::Tags::new(self)
    }

    /// Conversations.
    pub fn conversations(&self) -> conversations::Conversations<'_> {
        conversations::Conversations::new(self)
    }

    /// Tickets.
    pub fn tickets(&self) -> tickets::Tickets<'_> {
        tickets::Tickets::new(self)
    }

    /// Ticket types and their attributes.
    pub fn ticket_types(&self) -> ticket_types::TicketTypes<'_> {
        ticket_types::TicketTypes::new(self)
    }

    /// Ticket states; read-only.
    pub fn ticket_states(&self) -> ticket_states::TicketStates<'_> {
        ticket_states::TicketStates::new(self)
    }

    /// Help centers (read-only), collections and articles.
    pub fn help_center(&self) -> help_center::HelpCenter<'_> {
        help_center::HelpCenter::new(self)
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.transport
    }
}

/// Configures a [`Client`].
///
/// The token never appears in `Debug` output, errors or logs.
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    tokens: Vec<String>,
    workspace_rate_limit_per_minute: Option<u32>,
    version: String,
    timeout: Duration,
    connect_timeout: Duration,
    max_retries: u32,
    max_rate_limit_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    rate_limit_safety_margin: f64,
    user_agent: String,
    wait_listener: Option<WaitListener>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("tokens", &format_args!("<{} redacted>", self.tokens.len()))
            .field("version", &self.version)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("max_rate_limit_retries", &self.max_rate_limit_retries)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_owned(),
            tokens: Vec::new(),
            workspace_rate_limit_per_minute: Some(WORKSPACE_RATE_LIMIT_PER_MINUTE),
            version: API_VERSION.to_owned(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_retries: 4,
            max_rate_limit_retries: 10,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            rate_limit_safety_margin: 0.01,
            user_agent: format!("intercom-client-rs/{}", env!("CARGO_PKG_VERSION")),
            wait_listener: None,
        }
    }
}

impl ClientBuilder {
    /// The access token (sent as `Authorization: Bearer <token>`). Required.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.tokens = vec![token.into()];
        self
    }

    /// Access tokens of several private apps of one workspace: each request goes to the app that
    /// can send it soonest, so the client runs at up to the sum of the apps' limits, capped by
    /// [`ClientBuilder::workspace_rate_limit`]. Replaces any token set before.
    pub fn tokens<I, S>(mut self, tokens: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tokens = tokens.into_iter().map(Into::into).collect();
        self
    }

    /// The workspace's cap on all its private apps together, per minute (default 25,000;
    /// `None` for no cap). With several tokens each app keeps to an equal share of it.
    pub fn workspace_rate_limit(mut self, per_minute: Option<u32>) -> Self {
        self.workspace_rate_limit_per_minute = per_minute;
        self
    }

    /// The API root: a regional endpoint, a simulator or a proxy (a path prefix is kept).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Overrides the `Intercom-Version` header. The types in this crate match 2.16 only.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// Timeout for a whole request, body included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout for establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How often a 5xx, dropped connection or timeout is retried (default 4).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// How often a 429 is retried after waiting for the window to reset (default 10).
    pub fn max_rate_limit_retries(mut self, retries: u32) -> Self {
        self.max_rate_limit_retries = retries;
        self
    }

    /// Backoff before the first retry and its cap (defaults 500 ms and 30 s); doubled per attempt, with jitter.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Share of each rate-limit window left unused as a cushion for clock skew and other
    /// integrations (default 0.01, at least one request).
    pub fn rate_limit_safety_margin(mut self, fraction: f64) -> Self {
        self.rate_limit_safety_margin = fraction;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Calls `listener` before every wait of every clone of the client (pacing and resets for
    /// the rate limit, backoff before a retry), so a progress display can say why nothing
    /// moves. It runs on the waiting task: keep it quick.
    pub fn on_wait(mut self, listener: impl Fn(&Wait) + Send + Sync + 'static) -> Self {
        self.wait_listener = Some(Arc::new(listener));
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        if self.tokens.is_empty() {
            return Err(Error::Config("an access token is required".into()));
        }
        if self.tokens.iter().any(|token| token.trim().is_empty()) {
            return Err(Error::Config("an access token is empty".into()));
        }
        let base_url = Url::parse(&self.base_url)
            .map_err(|e| Error::Config(format!("invalid base URL {:?}: {e}", self.base_url)))?;
        if base_url.cannot_be_a_base() || !matches!(base_url.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "the base URL {:?} must be an http(s) URL",
                self.base_url
            )));
        }
        let headers = self
            .tokens
            .iter()
            .map(|token| Transport::default_headers(token, &self.version, &self.user_agent))
            .collect::<Result<Vec<_>, Error>>()?;
        let workspace_per_window = self
            .workspace_rate_limit_per_minute
            .map(|per_minute| per_minute / rate_limit::WINDOWS_PER_MINUTE);
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let transport = Transport {
            http,
            base_url,
            apps: AppPool::new(headers, self.rate_limit_safety_margin, workspace_per_window),
            policy: RetryPolicy {
                max_retries: self.max_retries,
                max_rate_limit_retries: self.max_rate_limit_retries,
                initial_backoff: self.initial_backoff,
                max_backoff: self.max_backoff,
            },
            counters: Counters::with_listener(self.wait_listener),
        };
        Ok(Client {
            transport: Arc::new(transport),
        })
    }
}
