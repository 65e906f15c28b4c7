//! Configuring a [`Client`]: platform URL, credentials, tenant time zone, limiter, timeout.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono_tz::Tz;
use url::Url;

use crate::limiter::{AdaptiveLimiter, LimiterSettings};
use crate::paging::WindowSettings;
use crate::transport::Transport;
use crate::{Client, Error, Inner};

/// Default request timeout: the vendor's sample uses three minutes because large selects are slow.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(180);

/// API user name and password (Admin > Integration & API > API Credentials). Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    username: String,
    password: String,
}

impl Credentials {
    /// Credentials from a user name and password.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials { username: <redacted>, password: <redacted> }")
    }
}

/// Configures a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    platform_url: Option<String>,
    credentials: Option<Credentials>,
    tenant_zone: Tz,
    limiter: LimiterSettings,
    timeout: Duration,
    window: WindowSettings,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            platform_url: None,
            credentials: None,
            tenant_zone: Tz::UTC,
            limiter: LimiterSettings::default(),
            timeout: DEFAULT_TIMEOUT,
            window: WindowSettings::default(),
        }
    }
}

impl ClientBuilder {
    /// The tenant's *Platform Url* (e.g. `https://webservices-na01.vivantio.com/`); the API lives
    /// under `{platform_url}api/`. A missing trailing slash, or a URL that already ends in
    /// `api/`, is accepted.
    pub fn platform_url(mut self, url: impl Into<String>) -> Self {
        self.platform_url = Some(url.into());
        self
    }

    /// The API user's name and password.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::new(username, password));
        self
    }

    /// The zone naive dates are read in (default UTC); see [`crate::dates`].
    pub fn tenant_time_zone(mut self, zone: Tz) -> Self {
        self.tenant_zone = zone;
        self
    }

    /// Limiter tuning (default [`LimiterSettings::default`]).
    pub fn limiter(mut self, settings: LimiterSettings) -> Self {
        self.limiter = settings;
        self
    }

    /// Timeout of one HTTP request, body included (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Window tuning of the default pager (default [`WindowSettings::default`]).
    pub fn window_settings(mut self, settings: WindowSettings) -> Self {
        self.window = settings;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let platform_url = self
            .platform_url
            .ok_or_else(|| Error::Config("a platform URL is required".into()))?;
        let credentials = self
            .credentials
            .ok_or_else(|| Error::Config("credentials are required".into()))?;
        self.limiter.validate().map_err(Error::Config)?;
        self.window.validate().map_err(Error::Config)?;
        let api_root = api_root(&platform_url)?;
        let transport = Transport::new(
            api_root,
            &credentials.username,
            &credentials.password,
            self.timeout,
            AdaptiveLimiter::new(self.limiter),
        )?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                tenant_zone: self.tenant_zone,
                window: self.window,
            }),
        })
    }
}

/// `{platform_url}api/`, from a platform URL with or without its trailing slash.
fn api_root(platform_url: &str) -> Result<Url, Error> {
    let mut url = Url::parse(platform_url.trim())
        .map_err(|error| Error::Config(format!("the platform URL is not a URL: {error}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config("the platform URL must be http(s)".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // Credentials in a URL would end up in logs and error messages.
        return Err(Error::Config(
            "the platform URL must not contain credentials; use ClientBuilder::credentials".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(
            "the platform URL must not have a query or fragment".into(),
        ));
    }
    let path = url.path().trim_end_matches('/').to_string();
    let root = if path.to_ascii_lowercase().ends_with("/api") {
        format!("{path}/")
    } else {
        format!("{path}/api/")
    };
    url.set_path(&root);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Client;

    #[test]
    fn api_root_tolerates_slashes_and_api_suffix() {
        for input in [
            "https://webservices-na01.vivantio.com/",
            "https://webservices-na01.vivantio.com",
            " https://webservices-na01.vivantio.com/api/ ",
            "https://webservices-na01.vivantio.com/api",
        ] {
            assert_eq!(
                api_root(input).unwrap().as_str(),
                "https://webservices-na01.vivantio.com/api/",
                "{input}"
            );
        }
        assert_eq!(
            api_root("http://127.0.0.1:8080/tenant1").unwrap().as_str(),
            "http://127.0.0.1:8080/tenant1/api/"
        );
    }

    #[test]
    fn api_root_refuses_credentials_and_odd_urls() {
        for input in [
            "https://user:pw@webservices-na01.vivantio.com/",
            "ftp://webservices-na01.vivantio.com/",
            "https://webservices-na01.vivantio.com/?x=1",
            "not a url",
        ] {
            assert!(api_root(input).is_err(), "{input}");
        }
    }

    #[test]
    fn debug_output_has_no_secrets() {
        let builder = Client::builder()
            .platform_url("https://example.vivantio.com/")
            .credentials("api-user", "hunter2");
        assert!(!format!("{builder:?}").contains("hunter2"));
        assert!(!format!("{builder:?}").contains("api-user"));
        let client = builder.build().unwrap();
        let printed = format!("{client:?}");
        assert!(!printed.contains("hunter2") && !printed.contains("api-user"));
        assert!(printed.contains("https://example.vivantio.com/api/"));
    }

    #[test]
    fn build_requires_url_and_credentials() {
        assert!(matches!(
            Client::builder().credentials("a", "b").build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            Client::builder().platform_url("https://x.test/").build(),
            Err(Error::Config(_))
        ));
    }
}
