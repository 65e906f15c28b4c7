//! Sending one request: headers, pacing, retries, timeouts and decoding.
//!
//! Retry rules, in one place:
//! * HTTP 429 is always retried after the window resets (the request was refused, not applied),
//!   up to `max_rate_limit_retries` times.
//! * 5xx answers, dropped connections and timeouts are retried with exponential backoff and jitter,
//!   up to `max_retries` times, **only for idempotent requests** (GET, PUT, DELETE and POSTs that
//!   converge, such as upserts, searches, tagging and state changes). 409 is retried likewise.
//! * Requests that create something (new contact, conversation, reply, ticket, ...) are resent only
//!   when the failure proves nothing reached Intercom (a failed connect). Otherwise the error is
//!   returned with [`Error::may_have_been_applied`] set and the caller reconciles before retrying.
//! * Any other 4xx is returned at once.

use std::time::Duration;

use http::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use crate::apps::AppPool;
use crate::body::{RequestBody, StreamingJson};
use crate::error::{self, Error};
use crate::rate_limit::{Observation, WINDOWS_PER_MINUTE};
use crate::stats::Counters;

/// Whether a request may be sent again after a failure that might have reached Intercom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Sending it twice leaves the same state as sending it once.
    Idempotent,
    /// Sending it twice could create a duplicate.
    CreatesOnce,
}

/// One API call, fully described before anything is sent.
#[derive(Debug)]
pub(crate) struct ApiRequest {
    method: Method,
    segments: Vec<String>,
    query: Vec<(&'static str, String)>,
    body: Option<RequestBody>,
    retry: Retry,
}

impl ApiRequest {
    fn new(method: Method, segments: &[&str]) -> Self {
        let retry = if method == Method::POST {
            Retry::CreatesOnce
        } else {
            Retry::Idempotent
        };
        ApiRequest {
            method,
            segments: segments.iter().map(|s| (*s).to_owned()).collect(),
            query: Vec::new(),
            body: None,
            retry,
        }
    }

    /// A GET of the path made of these segments (each is percent-encoded).
    pub(crate) fn get(segments: &[&str]) -> Self {
        Self::new(Method::GET, segments)
    }

    /// A POST; treated as creating something unless marked [`ApiRequest::idempotent`].
    pub(crate) fn post(segments: &[&str]) -> Self {
        Self::new(Method::POST, segments)
    }

    /// A PUT.
    pub(crate) fn put(segments: &[&str]) -> Self {
        Self::new(Method::PUT, segments)
    }

    /// A DELETE.
    pub(crate) fn delete(segments: &[&str]) -> Self {
        Self::new(Method::DELETE, segments)
    }

    /// Marks a POST as safe to resend (upserts, searches, attaching, tagging, state changes).
    pub(crate) fn idempotent(mut self) -> Self {
        self.retry = Retry::Idempotent;
        self
    }

    /// Adds a query parameter.
    pub(crate) fn query(mut self, name: &'static str, value: impl ToString) -> Self {
        self.query.push((name, value.to_string()));
        self
    }

    /// Adds a query parameter when a value is given.
    pub(crate) fn query_opt(self, name: &'static str, value: Option<impl ToString>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// Sets the JSON body; serialization errors (e.g. a non-numeric id where an integer is required)
    /// surface here, before anything is sent.
    pub(crate) fn json(mut self, body: &impl Serialize) -> Result<Self, Error> {
        self.body = Some(RequestBody::json(body)?);
        Ok(self)
    }

    /// Sets a JSON body whose file data is encoded while it is sent.
    pub(crate) fn streaming_json(mut self, body: StreamingJson) -> Self {
        self.body = Some(RequestBody::Streaming(body));
        self
    }

    fn endpoint(&self) -> String {
        format!("{} /{}", self.method, self.segments.join("/"))
    }
}

/// Timeouts and retry bounds.
#[derive(Debug, Clone)]
pub(crate) struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) max_rate_limit_retries: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
}

/// The connection to Intercom shared by all clones of a client.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: Url,
    /// The apps whose tokens the requests are spread over (usually one).
    pub(crate) apps: AppPool,
    pub(crate) policy: RetryPolicy,
    pub(crate) counters: Counters,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The apps' headers hold bearer tokens; they are deliberately left out.
        f.debug_struct("Transport")
            .field("base_url", &self.base_url.as_str())
            .field("apps", &self.apps.len())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// Builds the fixed headers: bearer token (marked sensitive so it is never logged), version, agent.
    pub(crate) fn default_headers(
        token: &str,
        version: &str,
        user_agent: &str,
    ) -> Result<HeaderMap, Error> {
        let mut auth = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| Error::Config("the access token contains invalid characters".into()))?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        headers.insert(
            "Intercom-Version",
            HeaderValue::from_str(version)
                .map_err(|_| Error::Config(format!("invalid API version {version:?}")))?,
        );
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_str(user_agent)
                .map_err(|_| Error::Config(format!("invalid user agent {user_agent:?}")))?,
        );
        Ok(headers)
    }

    /// Sends the request and decodes a JSON answer.
    pub(crate) async fn send<T: DeserializeOwned>(&self, request: ApiRequest) -> Result<T, Error> {
        let body = self.execute(&request).await?;
        decode(&request.endpoint(), &body)
    }

    /// Sends the request and ignores the answer's body (some endpoints send none).
    pub(crate) async fn send_ignoring_body(&self, request: ApiRequest) -> Result<(), Error> {
        self.execute(&request).await.map(|_| ())
    }

    fn url(&self, request: &ApiRequest) -> Result<Url, Error> {
        let mut url = self.base_url.clone();
        {
            let mut path = url
                .path_segments_mut()
                .map_err(|_| Error::Config("the base URL cannot hold a path".into()))?;
            path.pop_if_empty();
            path.extend(request.segments.iter());
        }
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter());
        }
        Ok(url)
    }

    async fn execute(&self, request: &ApiRequest) -> Result<Vec<u8>, Error> {
        let url = self.url(request)?;
        let endpoint = request.endpoint();
        let mut failures = 0u32;
        let mut rate_limit_retries = 0u32;
        loop {
            let app = self.apps.acquire(&self.counters).await;
            let mut builder = self
                .http
                .request(request.method.clone(), url.clone())
                .headers(app.headers.clone());
            if let Some(body) = &request.body {
                builder = body.attach(builder);
            }
            self.counters.request_sent();
            let failure = match builder.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let observation = Observation::from_headers(response.headers());
                    let request_id = response
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    if status == 429 {
                        self.counters.rate_limited();
                        let wait = app.limiter.rate_limited(observation);
                        tracing::warn!(%endpoint, wait_ms = wait.as_millis() as u64, "rate limited by Intercom");
                        if rate_limit_retries < self.policy.max_rate_limit_retries {
                            rate_limit_retries += 1;
                            self.counters.retry();
                            continue;
                        }
                        return Err(Error::RateLimited {
                            retry_after: Some(wait),
                            request_id,
                        });
                    }
                    app.limiter.observe(observation);
                    tracing::debug!(%endpoint, status, "Intercom answered");
                    match response.bytes().await {
                        Ok(body) if (200..300).contains(&status) => return Ok(body.to_vec()),
                        Ok(body) => error::from_response(status, &body, request_id),
                        // Headers arrived, so the request certainly reached Intercom.
                        Err(source) => connection_error(source, true),
                    }
                }
                // A failed connect proves nothing was sent; anything later may have been.
                Err(source) => {
                    let sent = !source.is_connect();
                    connection_error(source, sent)
                }
            };
            if !self.should_retry(request, &failure, failures) {
                return Err(failure);
            }
            failures += 1;
            let wait = self.backoff(failures);
            tracing::warn!(
                %endpoint,
                attempt = failures,
                wait_ms = wait.as_millis() as u64,
                kind = failure_kind(&failure),
                status = ?failure.status(),
                request_id = ?failure.request_id(),
                "retrying"
            );
            self.counters
                .waiting(crate::stats::WaitCause::Backoff { attempt: failures }, wait);
            tokio::time::sleep(wait).await;
            self.counters.waited_in_backoff(wait);
            self.counters.retry();
        }
    }

    fn should_retry(&self, request: &ApiRequest, failure: &Error, failures: u32) -> bool {
        if failures >= self.policy.max_retries {
            return false;
        }
        let retryable = failure.is_retryable()
            || (failure.status() == Some(409) && request.retry == Retry::Idempotent);
        let safe = request.retry == Retry::Idempotent || !failure.may_have_been_applied();
        retryable && safe
    }

    /// Exponential backoff with "equal jitter": half the delay fixed, half random, capped.
    fn backoff(&self, failures: u32) -> Duration {
        use rand::Rng;
        let exponent = failures.saturating_sub(1).min(20);
        let ceiling = self
            .policy
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.policy.max_backoff);
        let half = ceiling / 2;
        let jitter_micros = u64::try_from(half.as_micros()).unwrap_or(u64::MAX);
        half + Duration::from_micros(rand::rng().random_range(0..=jitter_micros))
    }

    /// Current counters plus the apps' view of their windows.
    pub(crate) fn stats(&self) -> crate::stats::ClientStats {
        let (limit, remaining) = self.apps.snapshot();
        let mut stats = self.counters.snapshot(limit, remaining);
        stats.allowed_per_minute = self
            .apps
            .allowed_per_window()
            .map(|window| window.saturating_mul(WINDOWS_PER_MINUTE));
        stats
    }
}

fn connection_error(source: reqwest::Error, sent: bool) -> Error {
    if source.is_timeout() {
        Error::Timeout { sent }
    } else {
        Error::Transport { sent, source }
    }
}

/// The kind of a failure, for the log: the error's text can quote Intercom's validation
/// message or the answer's body, which can hold the request's content.
fn failure_kind(error: &Error) -> &'static str {
    match error {
        Error::Api { .. } => "api",
        Error::Conflict { .. } => "conflict",
        Error::RateLimited { .. } => "rate_limited",
        Error::Transport { .. } => "connection",
        Error::Timeout { .. } => "timeout",
        Error::Decode { .. } => "decode",
        Error::InvalidRequest(_) => "invalid_request",
        Error::Config(_) => "config",
    }
}

/// Decodes a JSON body, naming the JSON path of the first mismatch.
pub(crate) fn decode<T: DeserializeOwned>(endpoint: &str, body: &[u8]) -> Result<T, Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| Error::Decode {
        endpoint: endpoint.to_owned(),
        path: e.path().to_string(),
        message: e.inner().to_string(),
        excerpt: excerpt(body),
    })
}

/// The first 300 characters of a body, for error messages.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut cut: String = text.chars().take(300).collect();
    if text.chars().count() > 300 {
        cut.push('…');
    }
    cut
}
