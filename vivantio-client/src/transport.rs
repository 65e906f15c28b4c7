//! Sends one action: builds the URL, adds Basic auth, waits on the limiter, retries throttled
//! requests, and hands back the body of a 2xx answer.

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

/// The HTTP side of a [`Client`](crate::Client).
pub(crate) struct Transport {
    http: reqwest::Client,
    api_root: Url,
    limiter: AdaptiveLimiter,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("api_root", &self.api_root.as_str())
            .field("limiter", &self.limiter.snapshot())
            .finish_non_exhaustive()
    }
}

impl Transport {
    pub(crate) fn new(
        api_root: Url,
        username: &str,
        password: &str,
        timeout: Duration,
        limiter: AdaptiveLimiter,
    ) -> Result<Self, Error> {
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
            .user_agent(concat!("vivantio-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| Error::Config(format!("cannot build the HTTP client: {error}")))?;
        Ok(Self {
            http,
            api_root,
            limiter,
        })
    }

    pub(crate) fn api_root(&self) -> &Url {
        &self.api_root
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
        let max_retries = self.limiter.settings().max_retries;
        let mut attempt = 0;
        loop {
            let outcome = {
                let _permit = self.limiter.acquire().await;
                tracing::debug!(endpoint = endpoint.path, attempt, "POST");
                match self.send_once(endpoint, &url, request).await {
                    Ok(response) => read(response).await,
                    Err(error) => Err(error),
                }
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
            let may_repeat = endpoint.read_only || matches!(error, Error::Http { .. });
            if attempt >= max_retries || !may_repeat {
                return Err(error);
            }
            attempt += 1;
            tracing::warn!(
                endpoint = endpoint.path,
                attempt,
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                reason = %error,
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
            return Err(Error::Http {
                endpoint: endpoint.path,
                status: status.as_u16(),
                retry_after,
                body_excerpt: excerpt(&body),
            });
        }
        Ok(response)
    }

    /// GETs a file the tenant serves outside the API (inline images), with the API user's
    /// credentials, through the limiter; the URL must be on the platform's origin.
    pub(crate) async fn get_file(
        &self,
        url: &Url,
    ) -> Result<(bytes::Bytes, Option<String>), Error> {
        const WHAT: &str = "inline file";
        if url.origin() != self.api_root.origin() {
            return Err(Error::Config(format!(
                "{url} is not on the platform's host; credentials are sent there only"
            )));
        }
        let _permit = self.limiter.acquire().await;
        let response = self
            .http
            .get(url.clone())
            .header(ACCEPT, "*/*")
            .send()
            .await
            .map_err(|error| Error::from_reqwest(WHAT, error))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = response
            .bytes()
            .await
            .map_err(|error| Error::from_reqwest(WHAT, error))?;
        if !status.is_success() {
            return Err(Error::Http {
                endpoint: WHAT,
                status: status.as_u16(),
                retry_after: None,
                body_excerpt: excerpt(&body),
            });
        }
        self.limiter.on_success();
        Ok((body, content_type))
    }

    fn url(&self, endpoint: Endpoint, request: &Request) -> Result<Url, Error> {
        let mut url = self.api_root.join(endpoint.path).map_err(|error| {
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
