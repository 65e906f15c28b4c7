//! Configuring a [`Client`]: platform URL, tenant URL, credentials, tenant time zone, limiter,
//! timeout, User-Agent.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono_tz::Tz;
use url::Url;

use crate::limiter::{AdaptiveLimiter, LimiterSettings};
use crate::paging::WindowSettings;
use crate::transport::{Hosts, Transport};
use crate::{Client, Error, Inner};

/// Default request timeout: the vendor's sample uses three minutes because large selects are slow.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(180);

/// Default `User-Agent` of every Vivantio request: the tool and its version.
pub(crate) const DEFAULT_USER_AGENT: &str =
    concat!("vivantio2intercom/", env!("CARGO_PKG_VERSION"));

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
    tenant_url: Option<String>,
    tenant_aliases: Vec<String>,
    user_agent: Option<String>,
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
            tenant_url: None,
            tenant_aliases: Vec::new(),
            user_agent: None,
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

    /// The tenant's web application (e.g. `https://acme.vivantio.com/`), which serves inline
    /// images and the OData feed (`{tenant_url}odata/`). Optional: without it inline images are
    /// fetched from the platform host (see [`AttachmentsApi::inline_image`]) and
    /// [`OdataApi::count`] answers `None`. Credentials go to this host and the platform's only.
    ///
    /// [`AttachmentsApi::inline_image`]: crate::attachments::AttachmentsApi::inline_image
    /// [`OdataApi::count`]: crate::odata::OdataApi::count
    pub fn tenant_url(mut self, url: impl Into<String>) -> Self {
        self.tenant_url = Some(url.into());
        self
    }

    /// Another origin under which record bodies name the tenant (its public
    /// `https://<tenant>.vivantio.com` name when the tenant is reached through a proxy, a tunnel
    /// or a simulator at [`tenant_url`](Self::tenant_url)): inline images on it are fetched from
    /// the tenant URL, path and query kept. No request ever goes to the alias itself.
    pub fn tenant_alias(mut self, url: impl Into<String>) -> Self {
        self.tenant_aliases.push(url.into());
        self
    }

    /// The `User-Agent` sent on every request (default `vivantio2intercom/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
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
        let tenant_root = self
            .tenant_url
            .as_deref()
            .map(|url| base_url("tenant", url))
            .transpose()?;
        let tenant_aliases = self
            .tenant_aliases
            .iter()
            .map(|url| base_url("tenant alias", url))
            .collect::<Result<Vec<_>, _>>()?;
        if !tenant_aliases.is_empty() && tenant_root.is_none() {
            return Err(Error::Config(
                "a tenant alias needs a tenant URL to fetch from".into(),
            ));
        }
        let transport = Transport::new(
            Hosts {
                api_root,
                tenant_root,
                tenant_aliases,
            },
            &credentials.username,
            &credentials.password,
            self.timeout,
            self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT),
            AdaptiveLimiter::new(self.limiter),
        )?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                tenant_zone: self.tenant_zone,
                window: self.window,
                census: crate::census::WireCensus::default(),
            }),
        })
    }
}

/// `{platform_url}api/`, from a platform URL with or without its trailing slash.
fn api_root(platform_url: &str) -> Result<Url, Error> {
    let mut url = checked_url("platform", platform_url)?;
    let path = url.path().trim_end_matches('/').to_string();
    let root = if path.to_ascii_lowercase().ends_with("/api") {
        format!("{path}/")
    } else {
        format!("{path}/api/")
    };
    url.set_path(&root);
    Ok(url)
}

/// A base URL (`what`: `tenant`, …) checked like the platform URL, its path ending in `/`.
fn base_url(what: &str, input: &str) -> Result<Url, Error> {
    let mut url = checked_url(what, input)?;
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// Parses a configured URL: http(s), no credentials, no query or fragment.
fn checked_url(what: &str, input: &str) -> Result<Url, Error> {
    let url = Url::parse(input.trim())
        .map_err(|error| Error::Config(format!("the {what} URL is not a URL: {error}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(format!("the {what} URL must be http(s)")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // Credentials in a URL would end up in logs and error messages.
        return Err(Error::Config(format!(
            "the {what} URL must not contain credentials; use ClientBuilder::credentials"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "the {what} URL must not have a query or fragment"
        )));
    }
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
    fn tenant_urls_are_checked_like_the_platform_url() {
        assert_eq!(
            base_url("tenant", " https://acme.vivantio.com ")
                .unwrap()
                .as_str(),
            "https://acme.vivantio.com/"
        );
        assert_eq!(
            base_url("tenant", "http://localhost:8080/t1")
                .unwrap()
                .as_str(),
            "http://localhost:8080/t1/"
        );
        for input in [
            "https://user:pw@acme.vivantio.com/",
            "https://user@acme.vivantio.com/",
            "ftp://acme.vivantio.com/",
            "https://acme.vivantio.com/#/x",
            "https://acme.vivantio.com/?x=1",
            "acme.vivantio.com",
        ] {
            let error = base_url("tenant", input).unwrap_err();
            assert!(error.to_string().contains("tenant URL"), "{input}: {error}");
        }
        let builder = || {
            Client::builder()
                .platform_url("https://webservices-na01.vivantio.com/")
                .credentials("a", "b")
        };
        assert!(builder()
            .tenant_url("https://u:p@acme.vivantio.com/")
            .build()
            .is_err());
        assert!(builder()
            .tenant_alias("https://acme.vivantio.com/")
            .build()
            .is_err());
        assert!(builder().user_agent("bad\nagent").build().is_err());
        assert!(builder()
            .tenant_url("https://acme.vivantio.com")
            .tenant_alias("https://acme-public.vivantio.com")
            .build()
            .is_ok());
    }

    #[test]
    fn the_default_user_agent_names_the_tool_and_its_version() {
        assert_eq!(
            DEFAULT_USER_AGENT,
            format!("vivantio2intercom/{}", env!("CARGO_PKG_VERSION"))
        );
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
