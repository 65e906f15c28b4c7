//! `migration.toml`: where the two APIs are, which environment variables hold the credentials,
//! how hard to push, and where to keep state and reports.

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// Default name of the configuration file.
pub const CONFIG_FILE: &str = "migration.toml";

/// Seconds one HTTP request may take, answer included, that `timeout_seconds` accepts.
pub const TIMEOUT_SECONDS: RangeInclusive<u64> = 1..=3600;

/// The whole configuration file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The Vivantio side.
    pub vivantio: VivantioConfig,
    /// The Intercom side.
    pub intercom: IntercomConfig,
    /// Where things are kept.
    #[serde(default)]
    pub paths: PathsConfig,
    /// Where inline article images are re-hosted; without it they stay on Vivantio and are
    /// listed as findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<ImagesConfig>,
    /// How much log the state folder keeps.
    #[serde(default)]
    pub logging: LoggingConfig,
    /// How a migration runs.
    #[serde(default, skip_serializing_if = "RunConfig::is_default")]
    pub run: RunConfig,
}

/// `[run]`: how a migration runs. Not part of the confirmed mapping: it changes when records
/// arrive, never what moves or how it looks, so it may be chosen at cutover time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    /// The order a full `migrate` moves records in: `by_stage` (the default) or `open_first`
    /// (open, on-hold and pending tickets and the people they name before everything else,
    /// then closed tickets newest first).
    #[serde(default)]
    pub order: migration_core::engine::RunOrder,
}

impl RunConfig {
    /// Whether every setting is the default.
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// `[logging]`: the log file in the state folder is rotated by size, and only so many files
/// are kept, so a migration of any size takes at most `max_file_mib` × `max_files` of log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoggingConfig {
    /// Mebibytes a log file grows to before it is rotated (default 50).
    #[serde(default = "default_log_file_mib")]
    pub max_file_mib: u64,
    /// Log files kept, the current one included (default 10); the oldest is deleted.
    #[serde(default = "default_log_files")]
    pub max_files: usize,
}

impl Default for LoggingConfig {
    fn default() -> Self {
        Self {
            max_file_mib: default_log_file_mib(),
            max_files: default_log_files(),
        }
    }
}

/// `[images]`: a folder the customer publishes as static files, and the URL it is served at.
/// Intercom's API cannot upload Help Center images, so article images are re-hosted there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImagesConfig {
    /// The folder images are written to (relative to the configuration file).
    pub dir: PathBuf,
    /// The public URL of that folder, e.g. `https://help-assets.example.com/`.
    pub base_url: String,
}

/// Where Vivantio is and how to sign in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VivantioConfig {
    /// The tenant's Platform Url (Admin > Integration & API > API Credentials).
    pub platform_url: String,
    /// The tenant's web application (`https://<tenant>.vivantio.com/`, the address agents open),
    /// which serves inline images and the OData feed used to reconcile counts. Optional:
    /// without it images are fetched from the platform host and counts are not reconciled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_url: Option<String>,
    /// Other addresses under which record bodies name the tenant (its `*.vivantio.com` name
    /// when `tenant_url` is a proxy or a simulator); images there are fetched from `tenant_url`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenant_aliases: Vec<String>,
    /// `User-Agent` sent to Vivantio (default `vivantio2intercom/<version>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Whether the callers and organisations read are checked against the count of the
    /// tenant's OData feed (default true; needs `tenant_url`). Fewer records than counted stop
    /// the run: records would be lost.
    #[serde(default = "default_odata_reconcile")]
    pub odata_reconcile: bool,
    /// Environment variable holding the API user name.
    #[serde(default = "default_vivantio_username_env")]
    pub username_env: String,
    /// Environment variable holding the API password.
    #[serde(default = "default_vivantio_password_env")]
    pub password_env: String,
    /// The user name itself, when kept in this file instead of the environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The password itself, when kept in this file (keep the file private: mode 600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    /// IANA time zone in which the tenant writes dates without an offset.
    #[serde(default = "default_time_zone")]
    pub tenant_time_zone: String,
    /// Most requests in flight at once (Vivantio publishes no limit).
    #[serde(default = "default_vivantio_concurrency")]
    pub max_concurrency: usize,
    /// Shortest spacing between requests, in milliseconds, before the limiter adapts (default
    /// 200; a simulator or a generous tenant can take 0).
    #[serde(default = "default_vivantio_interval_ms")]
    pub request_interval_ms: u64,
    /// Seconds one HTTP request may take, answer included (default 180: large selects are
    /// slow); 1 to 3600.
    #[serde(default = "default_vivantio_timeout")]
    pub timeout_seconds: u64,
}

/// Where Intercom is and how to sign in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntercomConfig {
    /// API base URL: US, EU or AU region, a sandbox, a proxy or a simulator.
    #[serde(default = "default_intercom_url")]
    pub base_url: String,
    /// Environment variables holding access tokens; more than one spreads the load over several
    /// private apps of the same workspace.
    #[serde(default = "default_intercom_token_envs")]
    pub token_envs: Vec<String>,
    /// An access token kept in this file instead of the environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret>,
    /// Writes in flight at once.
    #[serde(default = "default_intercom_concurrency")]
    pub concurrency: usize,
    /// Mebibytes of attachments held in memory at once across the writes in flight (default
    /// 32); a part waits for room before downloading its files.
    #[serde(default = "default_attachment_memory_mib")]
    pub attachment_memory_mib: u64,
    /// Admin used as author when a Vivantio agent has no Intercom teammate (id or email).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_admin: Option<String>,
    /// How long Intercom's search index may lag a write, in seconds (default 600). A ticket
    /// create whose answer was lost is only declared "not applied" after this long, because
    /// search is the only way to find it.
    #[serde(default = "default_search_index_lag")]
    pub search_index_lag_seconds: u64,
    /// Share of each rate-limit window left unused, for clock skew and other integrations
    /// using the same app (default 0.01).
    #[serde(default = "default_rate_limit_margin")]
    pub rate_limit_margin: f64,
    /// The workspace's cap on all its private apps together, per minute (Intercom: 25,000);
    /// with several tokens each app keeps to an equal share of it.
    #[serde(default = "default_workspace_rate_limit")]
    pub workspace_rate_limit_per_minute: u32,
    /// Seconds one HTTP request may take, answer included (default 60); 1 to 3600. A write
    /// that times out may still have been applied; the next attempt reconciles it first.
    #[serde(default = "default_intercom_timeout")]
    pub timeout_seconds: u64,
}

/// Folders and files the tool reads and writes, relative to the configuration file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathsConfig {
    /// State folder (SQLite database, logs). Keep it out of git.
    #[serde(default = "default_state_dir")]
    pub state_dir: PathBuf,
    /// The mapping specification.
    #[serde(default = "default_mapping")]
    pub mapping: PathBuf,
    /// Where reports are written.
    #[serde(default = "default_reports")]
    pub reports: PathBuf,
    /// Admin inventory (workflows, rules, reports, SLAs, portal settings) exported by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<PathBuf>,
    /// Allow plain HTTP to hosts other than loopback (never for production).
    #[serde(default)]
    pub allow_insecure_http: bool,
}

impl Default for PathsConfig {
    fn default() -> Self {
        Self {
            state_dir: default_state_dir(),
            mapping: default_mapping(),
            reports: default_reports(),
            inventory: None,
            allow_insecure_http: false,
        }
    }
}

fn default_vivantio_username_env() -> String {
    "VIVANTIO_USERNAME".into()
}
fn default_vivantio_password_env() -> String {
    "VIVANTIO_PASSWORD".into()
}
fn default_odata_reconcile() -> bool {
    true
}
fn default_time_zone() -> String {
    "UTC".into()
}
fn default_vivantio_concurrency() -> usize {
    4
}
fn default_vivantio_interval_ms() -> u64 {
    200
}
fn default_vivantio_timeout() -> u64 {
    vivantio_client::DEFAULT_TIMEOUT.as_secs()
}
fn default_intercom_timeout() -> u64 {
    60
}
fn default_intercom_url() -> String {
    "https://api.intercom.io".into()
}
fn default_intercom_token_envs() -> Vec<String> {
    vec!["INTERCOM_TOKEN".into()]
}
fn default_search_index_lag() -> u64 {
    600
}
fn default_rate_limit_margin() -> f64 {
    0.01
}
fn default_workspace_rate_limit() -> u32 {
    intercom_client::WORKSPACE_RATE_LIMIT_PER_MINUTE
}
fn default_intercom_concurrency() -> usize {
    8
}
fn default_attachment_memory_mib() -> u64 {
    migration_core::engine::DEFAULT_FILE_BYTES_IN_FLIGHT / (1024 * 1024)
}
fn default_state_dir() -> PathBuf {
    ".vivantio2intercom".into()
}
fn default_mapping() -> PathBuf {
    "mapping.toml".into()
}
fn default_reports() -> PathBuf {
    "reports".into()
}
fn default_log_file_mib() -> u64 {
    50
}
fn default_log_files() -> usize {
    10
}

/// A configuration problem, phrased as what to do about it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// An account refused the credentials (HTTP 401/403).
    #[error("{detail}; {account} refused the credentials: check {variables}")]
    CredentialsRefused {
        /// `Vivantio` or `Intercom`.
        account: &'static str,
        /// The environment variables (or settings) the credentials come from.
        variables: &'static str,
        /// What the account answered.
        detail: String,
    },
    /// The file is missing.
    #[error("no configuration at {0}; run `vivantio2intercom init` to write one")]
    Missing(PathBuf),
    /// The file could not be read.
    #[error("cannot read {path}: {detail}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// The file is not valid TOML for this tool.
    #[error("{path} is not a valid configuration: {detail}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The parser's message (line, column, key).
        detail: String,
    },
    /// A URL is malformed or uses plain HTTP where HTTPS is required.
    #[error("{field} = {value:?}: {reason}")]
    BadUrl {
        /// The setting.
        field: &'static str,
        /// Its value.
        value: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// An HTTP timeout is outside [`TIMEOUT_SECONDS`].
    #[error("{field} = {value}: a request timeout must be between {min} and {max} seconds", min = TIMEOUT_SECONDS.start(), max = TIMEOUT_SECONDS.end())]
    BadTimeout {
        /// The setting or flag.
        field: &'static str,
        /// Its value, in seconds.
        value: u64,
    },
    /// A credential is missing.
    #[error("{what} is not set: export {variable}=... (or set it in {file}) and run again")]
    MissingCredential {
        /// Which credential.
        what: &'static str,
        /// The environment variable to set.
        variable: String,
        /// The config file where it may go instead.
        file: String,
    },
}

/// Credentials resolved from the environment or the file, never printed.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// Vivantio API user name.
    pub vivantio_username: String,
    /// Vivantio API password.
    pub vivantio_password: Secret,
    /// One Intercom token per private app.
    pub intercom_tokens: Vec<Secret>,
}

impl Credentials {
    /// Every secret, for scrubbing text before it is shown or stored.
    pub fn secrets(&self) -> impl Iterator<Item = &Secret> {
        std::iter::once(&self.vivantio_password).chain(self.intercom_tokens.iter())
    }

    /// `text` with every secret replaced by `[redacted]`.
    pub fn redact(&self, text: &str) -> String {
        self.secrets()
            .fold(text.to_string(), |text, secret| secret.redact_in(&text))
    }
}

impl Config {
    /// Reads a configuration file: its syntax, keys and types (the values are checked when a
    /// project opens, by the settings layer).
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::Missing(path.to_path_buf()))
            }
            Err(error) => {
                return Err(ConfigError::Unreadable {
                    path: path.to_path_buf(),
                    detail: error.to_string(),
                })
            }
        };
        let config: Config = toml::from_str(&text).map_err(|error| ConfigError::Invalid {
            path: path.to_path_buf(),
            detail: error.to_string(),
        })?;
        Ok(config)
    }

    /// The credentials that are set, for commands that read only local state (`status`,
    /// `report`, `rollback --dry-run`): none is required, and every one found is still
    /// redacted from what the command prints and logs.
    pub fn credentials_if_any(
        &self,
        file: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Credentials {
        self.credentials(file, &env).unwrap_or_else(|_| {
            let set = |name: &str| env(name).filter(|value| !value.trim().is_empty());
            Credentials {
                vivantio_username: set(&self.vivantio.username_env).unwrap_or_default(),
                vivantio_password: set(&self.vivantio.password_env)
                    .map(Secret::new)
                    .or_else(|| self.vivantio.password.clone())
                    .unwrap_or_else(|| Secret::new("")),
                intercom_tokens: self
                    .intercom
                    .token_envs
                    .iter()
                    .filter_map(|name| set(name).map(Secret::new))
                    .chain(self.intercom.token.clone())
                    .collect(),
            }
        })
    }

    /// Resolves credentials: the environment first, then the file. `env` is the lookup
    /// (`std::env::var` in the binary; a map in tests).
    pub fn credentials(
        &self,
        file: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Credentials, ConfigError> {
        let file = file.display().to_string();
        let missing = |what, variable: &str| ConfigError::MissingCredential {
            what,
            variable: variable.to_string(),
            file: file.clone(),
        };
        let non_empty = |value: Option<String>| value.filter(|v| !v.trim().is_empty());
        let vivantio_username = non_empty(env(&self.vivantio.username_env))
            .or_else(|| non_empty(self.vivantio.username.clone()))
            .ok_or_else(|| missing("the Vivantio API user name", &self.vivantio.username_env))?;
        let vivantio_password = non_empty(env(&self.vivantio.password_env))
            .map(Secret::new)
            .or_else(|| self.vivantio.password.clone())
            .ok_or_else(|| missing("the Vivantio API password", &self.vivantio.password_env))?;
        let mut intercom_tokens: Vec<Secret> = self
            .intercom
            .token_envs
            .iter()
            .filter_map(|name| non_empty(env(name)).map(Secret::new))
            .collect();
        if intercom_tokens.is_empty() {
            intercom_tokens.extend(self.intercom.token.clone());
        }
        if intercom_tokens.is_empty() {
            let variable = self
                .intercom
                .token_envs
                .first()
                .cloned()
                .unwrap_or_else(|| "INTERCOM_TOKEN".into());
            return Err(missing("the Intercom access token", &variable));
        }
        Ok(Credentials {
            vivantio_username,
            vivantio_password,
            intercom_tokens,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Config {
        toml::from_str(
            r#"
            [vivantio]
            platform_url = "https://webservices-na01.vivantio.com/"
            [intercom]
            token_envs = ["TOKEN_A", "TOKEN_B"]
            "#,
        )
        .unwrap()
    }

    #[test]
    fn defaults_fill_the_gaps() {
        let config = sample();
        assert_eq!(config.vivantio.username_env, "VIVANTIO_USERNAME");
        assert_eq!(config.intercom.base_url, "https://api.intercom.io");
        assert_eq!(config.paths.state_dir, PathBuf::from(".vivantio2intercom"));
    }

    #[test]
    fn credentials_come_from_the_environment_and_name_the_missing_variable() {
        let config = sample();
        let path = Path::new("migration.toml");
        let error = config.credentials(path, |_| None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the Vivantio API user name is not set: export VIVANTIO_USERNAME=... (or set it in migration.toml) and run again"
        );
        let env = |name: &str| match name {
            "VIVANTIO_USERNAME" => Some("api".to_string()),
            "VIVANTIO_PASSWORD" => Some("pw".to_string()),
            "TOKEN_B" => Some("tok-b".to_string()),
            _ => None,
        };
        let credentials = config.credentials(path, env).unwrap();
        assert_eq!(credentials.intercom_tokens.len(), 1);
        assert_eq!(
            credentials.redact("pw and tok-b"),
            "[redacted] and [redacted]"
        );
        assert!(!format!("{credentials:?}").contains("tok-b"));
    }

    #[test]
    fn log_limits_default_to_fifty_mebibytes_times_ten() {
        let config = sample();
        assert_eq!(config.logging, LoggingConfig::default());
        assert_eq!(
            (config.logging.max_file_mib, config.logging.max_files),
            (50, 10)
        );
        let text = "[vivantio]\nplatform_url = \"https://x/\"\n[intercom]\n\
                    [logging]\nmax_file_mib = 5\nmax_files = 3\n";
        let config: Config = toml::from_str(text).unwrap();
        assert_eq!(
            config.logging,
            LoggingConfig {
                max_file_mib: 5,
                max_files: 3
            }
        );
        assert!(toml::from_str::<Config>(
            "[vivantio]\nplatform_url = \"https://x/\"\n[intercom]\n[logging]\nmax_size = 1\n"
        )
        .is_err());
    }

    #[test]
    fn unknown_keys_are_refused_with_their_name() {
        let error = toml::from_str::<Config>(
            "[vivantio]\nplatform_url = \"https://x/\"\nplatfrom = 1\n[intercom]\n",
        )
        .unwrap_err();
        assert!(error.to_string().contains("platfrom"), "{error}");
    }
}
