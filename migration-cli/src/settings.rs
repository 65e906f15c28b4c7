//! Validated settings: `migration.toml` with the command line's and the environment's
//! overrides applied, every URL, time zone, duration and limit parsed and checked once, when a
//! project opens. Commands read these typed values and never parse a setting themselves.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono_tz::Tz;
use migration_core::engine::RunOrder;
use url::Url;

use crate::config::{Config, ConfigError, TIMEOUT_SECONDS};

/// Where a project's settings come from besides its file: the configuration file's path and the
/// overrides given as flags or environment variables (already read by `main`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectOptions {
    /// The configuration file (written by `init`).
    pub config: PathBuf,
    /// Vivantio platform URL replacing `vivantio.platform_url`.
    pub vivantio_url: Option<String>,
    /// Vivantio tenant URL replacing `vivantio.tenant_url` (blank: keep the file's).
    pub vivantio_tenant_url: Option<String>,
    /// Intercom API base URL replacing `intercom.base_url`.
    pub intercom_url: Option<String>,
    /// Seconds one Vivantio request may take, replacing `vivantio.timeout_seconds`.
    pub vivantio_timeout: Option<u64>,
    /// Seconds one Intercom request may take, replacing `intercom.timeout_seconds`.
    pub intercom_timeout: Option<u64>,
}

impl ProjectOptions {
    /// Options that read `config` with no override.
    pub fn new(config: impl Into<PathBuf>) -> Self {
        Self {
            config: config.into(),
            ..Self::default()
        }
    }
}

/// Everything a command needs to know about the project, parsed and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The Vivantio side.
    pub vivantio: VivantioSettings,
    /// The Intercom side.
    pub intercom: IntercomSettings,
    /// Folders and files, resolved against the project folder.
    pub paths: PathSettings,
    /// Where article images are re-hosted, when configured.
    pub images: Option<ImageSettings>,
    /// Log rotation.
    pub logging: LogSettings,
    /// The order a full migration moves records in.
    pub order: RunOrder,
}

/// The Vivantio side, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct VivantioSettings {
    /// The tenant's platform (API) URL.
    pub platform_url: Url,
    /// The tenant's web application (inline images, the OData feed), when configured.
    pub tenant_url: Option<Url>,
    /// Other addresses under which record bodies name the tenant.
    pub tenant_aliases: Vec<Url>,
    /// `User-Agent` sent to Vivantio, when not the client's default.
    pub user_agent: Option<String>,
    /// Whether counts are reconciled through the tenant's OData feed.
    pub odata_reconcile: bool,
    /// The tenant's time zone: Vivantio's dates carry no offset.
    pub time_zone: Tz,
    /// Reads in flight at once (at least 1).
    pub max_concurrency: usize,
    /// Pause between two reads, before the client adapts it.
    pub request_interval: Duration,
    /// How long one request may take.
    pub timeout: Duration,
    /// Environment variable holding the API user name.
    pub username_env: String,
    /// Environment variable holding the API password.
    pub password_env: String,
}

/// The Intercom side, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct IntercomSettings {
    /// API base URL.
    pub base_url: Url,
    /// Environment variables holding access tokens, one per private app.
    pub token_envs: Vec<String>,
    /// Writes in flight at once (at least 1).
    pub concurrency: usize,
    /// Bytes of attachments held in memory at once (at least one mebibyte).
    pub attachment_memory_bytes: u64,
    /// Admin (id or email) who authors what an unmatched agent wrote.
    pub fallback_admin: Option<String>,
    /// How long Intercom's search index may lag a write.
    pub search_index_lag: Duration,
    /// Share of each rate-limit window left unused (0 to 0.5).
    pub rate_limit_margin: f64,
    /// The workspace's cap on all its apps together, per minute.
    pub workspace_rate_limit_per_minute: u32,
    /// How long one request may take.
    pub timeout: Duration,
}

/// Folders and files, resolved against the project folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathSettings {
    /// State folder (SQLite database, logs).
    pub state_dir: PathBuf,
    /// The mapping specification.
    pub mapping: PathBuf,
    /// Where reports are written.
    pub reports: PathBuf,
    /// The admin inventory exported by hand, when configured.
    pub inventory: Option<PathBuf>,
    /// Whether plain HTTP is allowed to hosts other than loopback.
    pub allow_insecure_http: bool,
}

/// Where article images are re-hosted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSettings {
    /// The folder images are written to.
    pub dir: PathBuf,
    /// The public (HTTPS) URL of that folder.
    pub base_url: Url,
}

/// How much log the state folder keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogSettings {
    /// Size at which the live file is rotated.
    pub max_file_bytes: u64,
    /// Files kept, the live one included.
    pub max_files: usize,
}

const MIB: u64 = 1024 * 1024;

impl Default for LogSettings {
    fn default() -> Self {
        let file = crate::config::LoggingConfig::default();
        Self {
            max_file_bytes: file.max_file_mib.saturating_mul(MIB),
            max_files: file.max_files,
        }
    }
}

impl Settings {
    /// Reads the configuration file named by `options`, applies its overrides and checks
    /// everything; relative paths are resolved against the file's folder.
    pub fn load(options: &ProjectOptions) -> Result<Self, ConfigError> {
        let config = Config::load(&options.config)?;
        Self::from_config(&config, options)
    }

    /// Checks `config` with the overrides of `options` applied.
    pub fn from_config(config: &Config, options: &ProjectOptions) -> Result<Self, ConfigError> {
        check_limits(config, &options.config)?;
        let allow_insecure = config.paths.allow_insecure_http;
        let root = project_root(&options.config);
        let resolve = |path: &Path| root.join(path);
        Ok(Self {
            vivantio: vivantio(config, options, allow_insecure)?,
            intercom: intercom(config, options, allow_insecure)?,
            paths: PathSettings {
                state_dir: resolve(&config.paths.state_dir),
                mapping: resolve(&config.paths.mapping),
                reports: resolve(&config.paths.reports),
                inventory: config.paths.inventory.as_deref().map(resolve),
                allow_insecure_http: allow_insecure,
            },
            images: config
                .images
                .as_ref()
                .map(|images| {
                    Ok::<_, ConfigError>(ImageSettings {
                        dir: resolve(&images.dir),
                        // Help Center pages are HTTPS: so must their images be.
                        base_url: checked_url("images.base_url", &images.base_url, false)?,
                    })
                })
                .transpose()?,
            logging: LogSettings {
                max_file_bytes: config.logging.max_file_mib.saturating_mul(MIB),
                max_files: config.logging.max_files,
            },
            order: config.run.order,
        })
    }
}

/// The folder relative paths are resolved against: the configuration file's.
pub fn project_root(config: &Path) -> PathBuf {
    config
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn vivantio(
    config: &Config,
    options: &ProjectOptions,
    allow_insecure: bool,
) -> Result<VivantioSettings, ConfigError> {
    let file = &config.vivantio;
    let platform_url = match &options.vivantio_url {
        Some(url) => checked_url("--vivantio-url", url, allow_insecure)?,
        None => checked_url("vivantio.platform_url", &file.platform_url, allow_insecure)?,
    };
    let tenant_override = options
        .vivantio_tenant_url
        .as_deref()
        .filter(|url| !url.trim().is_empty());
    let tenant_url = match (tenant_override, &file.tenant_url) {
        (Some(url), _) => Some(checked_url("--vivantio-tenant-url", url, allow_insecure)?),
        (None, Some(url)) => Some(checked_url("vivantio.tenant_url", url, allow_insecure)?),
        (None, None) => None,
    };
    let tenant_aliases = file
        .tenant_aliases
        .iter()
        .map(|alias| tenant_alias(alias, tenant_url.is_some()))
        .collect::<Result<_, _>>()?;
    let time_zone = file
        .tenant_time_zone
        .parse()
        .map_err(|_| ConfigError::Invalid {
            path: options.config.clone(),
            detail: format!(
                "vivantio.tenant_time_zone = {:?} is not an IANA time zone (for example \"Europe/London\")",
                file.tenant_time_zone
            ),
        })?;
    let timeout = match options.vivantio_timeout {
        Some(seconds) => checked_timeout("--vivantio-timeout", seconds)?,
        None => checked_timeout("vivantio.timeout_seconds", file.timeout_seconds)?,
    };
    Ok(VivantioSettings {
        platform_url,
        tenant_url,
        tenant_aliases,
        user_agent: file.user_agent.clone(),
        odata_reconcile: file.odata_reconcile,
        time_zone,
        max_concurrency: file.max_concurrency.max(1),
        request_interval: Duration::from_millis(file.request_interval_ms),
        timeout,
        username_env: file.username_env.clone(),
        password_env: file.password_env.clone(),
    })
}

/// An alias is never requested (images there are fetched from the tenant URL), so any web
/// address will do, but only beside a tenant URL.
fn tenant_alias(alias: &str, has_tenant_url: bool) -> Result<Url, ConfigError> {
    let bad = |reason: String| ConfigError::BadUrl {
        field: "vivantio.tenant_aliases",
        value: alias.to_string(),
        reason,
    };
    let url = Url::parse(alias).map_err(|error| bad(format!("not a URL ({error})")))?;
    if matches!(url.scheme(), "http" | "https") && has_tenant_url {
        Ok(url)
    } else {
        Err(bad(
            "an alias is an http(s) address and needs vivantio.tenant_url".into(),
        ))
    }
}

fn intercom(
    config: &Config,
    options: &ProjectOptions,
    allow_insecure: bool,
) -> Result<IntercomSettings, ConfigError> {
    let file = &config.intercom;
    let base_url = match &options.intercom_url {
        Some(url) => checked_url("--intercom-url", url, allow_insecure)?,
        None => checked_url("intercom.base_url", &file.base_url, allow_insecure)?,
    };
    let timeout = match options.intercom_timeout {
        Some(seconds) => checked_timeout("--intercom-timeout", seconds)?,
        None => checked_timeout("intercom.timeout_seconds", file.timeout_seconds)?,
    };
    Ok(IntercomSettings {
        base_url,
        token_envs: file.token_envs.clone(),
        concurrency: file.concurrency.max(1),
        attachment_memory_bytes: file.attachment_memory_mib.max(1).saturating_mul(MIB),
        fallback_admin: file.fallback_admin.clone(),
        search_index_lag: Duration::from_secs(file.search_index_lag_seconds),
        rate_limit_margin: file.rate_limit_margin,
        workspace_rate_limit_per_minute: file.workspace_rate_limit_per_minute,
        timeout,
    })
}

/// The numeric limits a file can get wrong in ways that would only show mid-run.
fn check_limits(config: &Config, path: &Path) -> Result<(), ConfigError> {
    let invalid = |detail: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        detail,
    };
    let margin = config.intercom.rate_limit_margin;
    if !(0.0..=0.5).contains(&margin) {
        return Err(invalid(format!(
            "intercom.rate_limit_margin = {margin} must be between 0 and 0.5 (a share of each window)"
        )));
    }
    if config.intercom.attachment_memory_mib == 0 {
        return Err(invalid(
            "intercom.attachment_memory_mib must be at least 1".into(),
        ));
    }
    if config.logging.max_file_mib == 0 || config.logging.max_files == 0 {
        return Err(invalid(
            "logging.max_file_mib and logging.max_files must be at least 1".into(),
        ));
    }
    if config.intercom.workspace_rate_limit_per_minute < 6 {
        return Err(invalid(
            "intercom.workspace_rate_limit_per_minute must allow at least 6 requests a minute"
                .into(),
        ));
    }
    Ok(())
}

/// An HTTP timeout in seconds, refused outside [`TIMEOUT_SECONDS`] (`field` names the setting
/// or flag in the message).
pub fn checked_timeout(field: &'static str, seconds: u64) -> Result<Duration, ConfigError> {
    if TIMEOUT_SECONDS.contains(&seconds) {
        Ok(Duration::from_secs(seconds))
    } else {
        Err(ConfigError::BadTimeout {
            field,
            value: seconds,
        })
    }
}

/// Parses a URL and requires HTTPS unless the host is loopback or insecure HTTP is allowed.
pub fn checked_url(
    field: &'static str,
    value: &str,
    allow_insecure: bool,
) -> Result<Url, ConfigError> {
    let bad = |reason: String| ConfigError::BadUrl {
        field,
        value: value.to_string(),
        reason,
    };
    let url = Url::parse(value).map_err(|error| bad(format!("not a URL ({error})")))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_insecure || is_loopback(&url) => Ok(url),
        "http" => Err(bad(
            "plain HTTP is refused except for loopback addresses; use https:// (or set paths.allow_insecure_http = true for a trusted proxy)".into(),
        )),
        other => Err(bad(format!("unsupported scheme {other:?}; use https://"))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(extra_vivantio: &str, extra: &str) -> Config {
        toml::from_str(&format!(
            "[vivantio]\nplatform_url = \"https://webservices-na01.vivantio.com/\"\n{extra_vivantio}\n[intercom]\n{extra}"
        ))
        .expect("a valid configuration")
    }

    #[test]
    fn values_are_parsed_and_paths_resolved_against_the_file() {
        let config = config(
            "tenant_url = \"https://brightline.vivantio.com/\"\ntenant_time_zone = \"Europe/London\"\ntimeout_seconds = 90",
            "attachment_memory_mib = 8\nsearch_index_lag_seconds = 30",
        );
        let settings = Settings::from_config(
            &config,
            &ProjectOptions::new("/srv/migration/migration.toml"),
        )
        .expect("valid settings");
        assert_eq!(settings.vivantio.time_zone, chrono_tz::Europe::London);
        assert_eq!(settings.vivantio.timeout, Duration::from_secs(90));
        assert_eq!(
            settings.vivantio.tenant_url.as_ref().map(Url::as_str),
            Some("https://brightline.vivantio.com/")
        );
        assert_eq!(settings.intercom.attachment_memory_bytes, 8 * MIB);
        assert_eq!(settings.intercom.search_index_lag, Duration::from_secs(30));
        assert!(settings.paths.state_dir.starts_with("/srv/migration"));
        assert!(settings.paths.mapping.starts_with("/srv/migration"));
    }

    #[test]
    fn overrides_replace_the_file_and_are_checked_under_their_flag_names() {
        let config = config("", "");
        let options = ProjectOptions {
            intercom_url: Some("http://127.0.0.1:9000/".into()),
            vivantio_timeout: Some(5),
            ..ProjectOptions::new("migration.toml")
        };
        let settings = Settings::from_config(&config, &options).expect("valid settings");
        assert_eq!(
            settings.intercom.base_url.as_str(),
            "http://127.0.0.1:9000/"
        );
        assert_eq!(settings.vivantio.timeout, Duration::from_secs(5));

        let refused = [
            ProjectOptions {
                intercom_url: Some("http://intercom.example.com/".into()),
                ..ProjectOptions::new("migration.toml")
            },
            ProjectOptions {
                intercom_timeout: Some(0),
                ..ProjectOptions::new("migration.toml")
            },
        ];
        for (options, flag) in refused.iter().zip(["--intercom-url", "--intercom-timeout"]) {
            let error = Settings::from_config(&config, options).expect_err("refused");
            assert!(error.to_string().contains(flag), "{error}");
        }
    }

    #[test]
    fn a_blank_tenant_override_keeps_the_file_s_tenant() {
        let config = config("tenant_url = \"https://brightline.vivantio.com/\"", "");
        let options = ProjectOptions {
            vivantio_tenant_url: Some("  ".into()),
            ..ProjectOptions::new("migration.toml")
        };
        let settings = Settings::from_config(&config, &options).expect("valid settings");
        assert_eq!(
            settings.vivantio.tenant_url.as_ref().map(Url::as_str),
            Some("https://brightline.vivantio.com/")
        );
    }

    #[test]
    fn a_time_zone_that_is_not_iana_is_refused_with_an_example() {
        let config = config("tenant_time_zone = \"GMT Standard Time\"", "");
        let error = Settings::from_config(&config, &ProjectOptions::new("migration.toml"))
            .expect_err("refused");
        assert!(error.to_string().contains("Europe/London"), "{error}");
    }

    #[test]
    fn https_is_required_except_on_loopback() {
        for (url, ok) in [
            ("https://api.eu.intercom.io", true),
            ("http://127.0.0.1:8080", true),
            ("http://localhost:9", true),
            ("http://[::1]:9", true),
            ("http://proxy.internal:8080", false),
            ("ftp://api.intercom.io", false),
            ("not a url", false),
        ] {
            assert_eq!(checked_url("x", url, false).is_ok(), ok, "{url}");
        }
        assert!(checked_url("x", "http://proxy.internal:8080", true).is_ok());
    }

    #[test]
    fn timeouts_default_and_are_refused_outside_one_second_to_an_hour() {
        let defaults = Settings::from_config(&config("", ""), &ProjectOptions::new("m.toml"))
            .expect("valid settings");
        assert_eq!(defaults.vivantio.timeout, Duration::from_secs(180));
        assert_eq!(defaults.intercom.timeout, Duration::from_secs(60));
        for (seconds, accepted) in [(0, false), (1, true), (3600, true), (3601, false)] {
            let vivantio = config(&format!("timeout_seconds = {seconds}"), "");
            let intercom = config("", &format!("timeout_seconds = {seconds}"));
            for config in [vivantio, intercom] {
                let checked = Settings::from_config(&config, &ProjectOptions::new("m.toml"));
                assert_eq!(checked.is_ok(), accepted, "{seconds}");
            }
        }
        let error = Settings::from_config(
            &config("", "timeout_seconds = 0"),
            &ProjectOptions::new("m.toml"),
        )
        .expect_err("refused");
        assert_eq!(
            error.to_string(),
            "intercom.timeout_seconds = 0: a request timeout must be between 1 and 3600 seconds"
        );
    }

    #[test]
    fn tenant_urls_and_aliases_are_checked() {
        let cases = [
            ("http://acme.vivantio.com/", "[]", false),
            ("http://localhost:9/", "[]", true),
            ("not a url", "[]", false),
            (
                "http://localhost:9/",
                "[\"https://acme.vivantio.com\"]",
                true,
            ),
            ("http://localhost:9/", "[\"acme\"]", false),
        ];
        for (tenant, aliases, accepted) in cases {
            let config = config(
                &format!("tenant_url = \"{tenant}\"\ntenant_aliases = {aliases}"),
                "",
            );
            let checked = Settings::from_config(&config, &ProjectOptions::new("m.toml"));
            assert_eq!(checked.is_ok(), accepted, "{tenant} {aliases}");
        }
        let alone = config("tenant_aliases = [\"https://acme.vivantio.com\"]", "");
        assert!(
            Settings::from_config(&alone, &ProjectOptions::new("m.toml")).is_err(),
            "an alias needs a tenant URL"
        );
    }

    #[test]
    fn limits_that_would_fail_mid_run_are_refused_naming_the_setting() {
        let cases = [
            ("", "rate_limit_margin = 0.9", "intercom.rate_limit_margin"),
            (
                "",
                "attachment_memory_mib = 0",
                "intercom.attachment_memory_mib",
            ),
            (
                "",
                "workspace_rate_limit_per_minute = 5",
                "workspace_rate_limit",
            ),
            ("", "[logging]\nmax_file_mib = 0", "logging.max_"),
            ("", "[logging]\nmax_files = 0", "logging.max_"),
        ];
        for (vivantio, intercom, named) in cases {
            let error =
                Settings::from_config(&config(vivantio, intercom), &ProjectOptions::new("m.toml"))
                    .expect_err(named);
            assert!(error.to_string().contains(named), "{error}");
        }
    }
}
