//! Sends one action: builds the URL, adds Basic auth, waits on the limiter, retries throttled
//! requests, and hands back the body of a 2xx answer. Also GETs what the tenant's web
//! application serves (inline images, the OData feed), the same way.
//!
//! Credentials (and every request) go to the platform's origin and the configured tenant's
//! origin only (scheme, host and port compared).

use std::time::Duration;

use base64::Engine;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use url::Url;

use crate::endpoints::Endpoint;
use crate::error::{excerpt, Error};
use crate::limiter::AdaptiveLimiter;

/// One request: which action, an optional id path segment, query parameters, a JSON body.
#[derive(Debug, Clone, Default)]
pub(crate) struct Request {
    pub(crate) path_id: Option<i64>,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Option<Vec<u8>>,
}

impl Request {
    /// A request with an empty body (`Content-Length: 0`, as the vendor samples send).
    pub(crate) fn empty() -> Self {
        Self::default()
    }

    /// A request with the id as the last path segment (`Ticket/SelectById/123`).
    pub(crate) fn with_id(id: i64) -> Self {
        Self {
            path_id: Some(id),
            ..Self::default()
        }
    }

    /// A request with this JSON body.
    pub(crate) fn json<B: serde::Serialize + ?Sized>(body: &B) -> Result<Self, Error> {
        let body = serde_json::to_vec(body)
            .map_err(|error| Error::Config(format!("cannot serialise a request body: {error}")))?;
        Ok(Self {
            body: Some(body),
            ..Self::default()
        })
    }

    /// Adds a query-string parameter.
    pub(crate) fn param(mut self, name: &'static str, value: impl ToString) -> Self {
        self.query.push((name, value.to_string()));
        self
    }
}

/// Where requests go: the API root on the platform host, and the tenant's web application.
#[derive(Debug, Clone)]
pub(crate) struct Hosts {
    /// `{platform_url}api/`.
    pub(crate) api_root: Url,
    /// The tenant's web application (inline images, OData), when configured.
    pub(crate) tenant_root: Option<Url>,
    /// Other origins naming the tenant in record bodies; never sent a request.
    pub(crate) tenant_aliases: Vec<Url>,
}

/// Names the inline image GETs in errors and logs.
pub(crate) const INLINE_IMAGE: &str = "inline image";

/// The HTTP side of a [`Client`](crate::Client).
pub(crate) struct Transport {
    http: reqwest::Client,
    hosts: Hosts,
    limiter: AdaptiveLimiter,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("api_root", &self.hosts.api_root.as_str())
            .field(
                "tenant_root",
                &self.hosts.tenant_root.as_ref().map(Url::as_str),
            )
            .field("limiter", &self.limiter.snapshot())
            .finish_non_exhaustive()
    }
}

impl Transport {
    pub(crate) fn new(
        hosts: Hosts,
        username: &str,
        password: &str,
        timeout: Duration,
        user_agent: &str,
        limiter: AdaptiveLimiter,
    ) -> Result<Self, Error> {
        let user_agent = HeaderValue::from_str(user_agent)
            .map_err(|_| Error::Config("the User-Agent contains characters not allowed".into()))?;
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
        let mut authorization = HeaderValue::from_str(&format!("Basic {token}"))
            .map_err(|_| Error::Config("credentials contain characters not allowed".into()))?;
        // Keeps the header out of reqwest's and hyper's debug output.
        authorization.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(timeout)
            .user_agent(user_agent)
            .build()
            .map_err(|error| Error::Config(format!("cannot build the HTTP client: {error}")))?;
        Ok(Self {
            http,
            hosts,
            limiter,
        })
    }

    pub(crate) fn api_root(&self) -> &Url {
        &self.hosts.api_root
    }

    /// The tenant's web application, when configured.
    pub(crate) fn tenant_root(&self) -> Option<&Url> {
        self.hosts.tenant_root.as_ref()
    }

    /// Other origins naming the tenant in record bodies.
    pub(crate) fn tenant_aliases(&self) -> &[Url] {
        &self.hosts.tenant_aliases
    }

    /// Whether `url` is on the platform's or the configured tenant's origin, the only places
    /// credentials are sent.
    pub(crate) fn may_authenticate(&self, url: &Url) -> bool {
        let origin = url.origin();
        origin == self.hosts.api_root.origin()
            || self
                .hosts
                .tenant_root
                .as_ref()
                .is_some_and(|tenant| tenant.origin() == origin)
    }

    pub(crate) fn limiter(&self) -> &AdaptiveLimiter {
        &self.limiter
    }

    /// Sends the request, retrying throttled attempts, and returns the body of a 2xx answer.
    pub(crate) async fn send(
        &self,
        endpoint: Endpoint,
        request: &Request,
    ) -> Result<Vec<u8>, Error> {
        self.send_with(endpoint, request, |response| async move {
            let body = response
                .bytes()
                .await
                .map_err(|error| Error::from_reqwest(endpoint.path, error))?;
            Ok(Vec::from(body))
        })
        .await
    }

    /// Like [`Transport::send`], but hands the 2xx response to `read`, which may consume the
    /// body as it arrives (attachment downloads). `read` runs once per attempt.
    pub(crate) async fn send_with<T, F, Fut>(
        &self,
        endpoint: Endpoint,
        request: &Request,
        read: F,
    ) -> Result<T, Error>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: std::future::Future<Output = Result<T, Error>>,
    {
        let url = self.url(endpoint, request)?;
        let (url, read) = (&url, &read);
        self.retrying(
            endpoint.path,
            endpoint.read_only,
            "POST",
            move || async move {
                let response = self.send_once(endpoint, url, request).await?;
                read(response).await
            },
        )
        .await
    }

    /// Runs `attempt_once` under the limiter, retrying throttled attempts (a timed-out one only
    /// when `read_only`: a write may have been applied); `what` and `method` name it in logs.
    async fn retrying<T, F, Fut>(
        &self,
        what: &'static str,
        read_only: bool,
        method: &'static str,
        attempt_once: F,
    ) -> Result<T, Error>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, Error>>,
    {
        let max_retries = self.limiter.settings().max_retries;
        let mut attempt = 0;
        loop {
            let outcome = {
                let _permit = self.limiter.acquire().await;
                tracing::debug!(endpoint = what, attempt, method);
                attempt_once().await
            };
            let error = match outcome {
                Ok(body) => {
                    self.limiter.on_success();
                    return Ok(body);
                }
                Err(error) => error,
            };
            if !error.is_throttling() {
                if matches!(error, Error::Http { .. }) {
                    // The server answered promptly; that is not a reason to slow down.
                    self.limiter.on_success();
                }
                return Err(error);
            }
            let wait = self.limiter.on_throttle(retry_after(&error));
            // A timed-out write may have been applied; repeating it could duplicate it.
            let may_repeat = read_only || matches!(error, Error::Http { .. });
            if attempt >= max_retries || !may_repeat {
                return Err(error);
            }
            attempt += 1;
            tracing::warn!(
                endpoint = what,
                attempt,
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                // The error's text may quote the answer's body; its status says enough here.
                status = ?error.status(),
                "Vivantio throttled the request; backing off"
            );
        }
    }

    async fn send_once(
        &self,
        endpoint: Endpoint,
        url: &Url,
        request: &Request,
    ) -> Result<reqwest::Response, Error> {
        let mut builder = self.http.post(url.clone());
        builder = match &request.body {
            Some(body) => builder
                .header(CONTENT_TYPE, "application/json; charset=utf-8")
                .body(body.clone()),
            None => builder.body(Vec::new()),
        };
        let response = builder
            .send()
            .await
            .map_err(|error| Error::from_reqwest(endpoint.path, error))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(parse_retry_after);
        if !status.is_success() {
            let body = response
                .bytes()
                .await
                .map_err(|error| Error::from_reqwest(endpoint.path, error))?;
            if status == reqwest::StatusCode::NOT_FOUND {
                return Err(Error::UnknownAction {
                    endpoint: endpoint.path,
                    status: status.as_u16(),
                    body_excerpt: excerpt(&body),
                });
            }
            return Err(Error::Http {
                endpoint: endpoint.path,
                status: status.as_u16(),
                retry_after,
                body_excerpt: excerpt(&body),
            });
        }
        Ok(response)
    }

    /// GETs `url` with the API user's credentials, through the limiter, retrying throttled
    /// attempts, and hands the 2xx response to `read` (once per attempt). The URL must be on the
    /// platform's or the tenant's origin: nothing is sent anywhere else.
    pub(crate) async fn get_with<T, F, Fut>(
        &self,
        what: &'static str,
        url: &Url,
        accept: &'static str,
        read: F,
    ) -> Result<T, Error>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: std::future::Future<Output = Result<T, Error>>,
    {
        if !self.may_authenticate(url) {
            return Err(Error::Config(format!(
                "{url} is on neither the platform's nor the tenant's host; credentials are not \
                 sent to that host, so it was not requested"
            )));
        }
        let read = &read;
        self.retrying(what, true, "GET", move || async move {
            let response = self
                .http
                .get(url.clone())
                .header(ACCEPT, accept)
                .send()
                .await
                .map_err(|error| Error::from_reqwest(what, error))?;
            read(successful(what, response).await?).await
        })
        .await
    }

    /// GETs a file the tenant serves outside the API (inline images): its bytes and MIME type.
    pub(crate) async fn get_file(
        &self,
        url: &Url,
    ) -> Result<(bytes::Bytes, Option<String>), Error> {
        self.get_with(
            INLINE_IMAGE,
            url,
            "image/*, */*;q=0.8",
            |response| async move {
                let content_type = response
                    .headers()
                    .get(CONTENT_TYPE)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned);
                let body = response
                    .bytes()
                    .await
                    .map_err(|error| Error::from_reqwest(INLINE_IMAGE, error))?;
                Ok((body, content_type))
            },
        )
        .await
    }

    fn url(&self, endpoint: Endpoint, request: &Request) -> Result<Url, Error> {
        let mut url = self.hosts.api_root.join(endpoint.path).map_err(|error| {
            Error::Config(format!(
                "cannot join {} to the API root: {error}",
                endpoint.path
            ))
        })?;
        if let Some(id) = request.path_id {
            url.path_segments_mut()
                .map_err(|()| Error::Config("the platform URL cannot take a path".into()))?
                .push(&id.to_string());
        }
        if !request.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &request.query {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }
}

/// The response when its status is 2xx; otherwise an [`Error::Http`] with the start of its body
/// and its `Retry-After` (for GETs outside the API, where a 404 is no unknown action).
async fn successful(
    what: &'static str,
    response: reqwest::Response,
) -> Result<reqwest::Response, Error> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(parse_retry_after);
    let body = response
        .bytes()
        .await
        .map_err(|error| Error::from_reqwest(what, error))?;
    Err(Error::Http {
        endpoint: what,
        status: status.as_u16(),
        retry_after,
        body_excerpt: excerpt(&body),
    })
}

fn retry_after(error: &Error) -> Option<Duration> {
    match error {
        Error::Http { retry_after, .. } => *retry_after,
        _ => None,
    }
}

/// Reads `Retry-After` as delay-seconds or as an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let delay = date.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delay.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("12"), Some(Duration::from_secs(12)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
