//! A migration project on disk: its configuration, credentials, state folder and the clients,
//! adapters and store built from them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use migration_core::ports::ImageHost;

use crate::adapters::images::FolderImageHost;
use crate::adapters::intercom::{IntercomDestination, IntercomOptions};
use crate::adapters::vivantio::{VivantioSource, VivantioSourceOptions};
use crate::cli::GlobalArgs;
use crate::config::{checked_timeout, checked_url, Config, ConfigError, Credentials};
use crate::error::CliError;
use crate::secret::Secret;
use crate::store::Store;

/// Name of the proposal notes file written beside the mapping.
pub const PROPOSAL_NOTES_FILE: &str = "mapping-notes.json";

/// An opened project: configuration checked, credentials resolved.
#[derive(Debug)]
pub struct Project {
    /// The configuration.
    pub config: Config,
    /// Where the configuration was read from.
    pub config_path: PathBuf,
    /// The folder relative paths are resolved against (the configuration's folder).
    pub root: PathBuf,
    /// Resolved credentials (never printed).
    pub credentials: Credentials,
}

impl Project {
    /// Reads the configuration named by the global options, applies URL and timeout overrides,
    /// and resolves credentials from the environment (or the file).
    pub fn open(global: &GlobalArgs) -> Result<Self, CliError> {
        Self::open_with_env(global, |name| std::env::var(name).ok())
    }

    /// [`Project::open`] with an explicit environment lookup (for tests and the demo).
    pub fn open_with_env(
        global: &GlobalArgs,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, CliError> {
        Self::open_inner(global, env, true)
    }

    /// Reads the configuration for a command that reads only local state (`status`, `report`,
    /// `rollback --dry-run`): no credential is required; those that are set are still
    /// redacted.
    pub fn open_local(global: &GlobalArgs) -> Result<Self, CliError> {
        Self::open_inner(global, |name| std::env::var(name).ok(), false)
    }

    fn open_inner(
        global: &GlobalArgs,
        env: impl Fn(&str) -> Option<String>,
        require_credentials: bool,
    ) -> Result<Self, CliError> {
        let mut config = Config::load(&global.config)?;
        if let Some(url) = &global.vivantio_url {
            checked_url("--vivantio-url", url, config.paths.allow_insecure_http)?;
            config.vivantio.platform_url = url.clone();
        }
        if let Some(url) = global
            .vivantio_tenant_url
            .as_ref()
            .filter(|url| !url.trim().is_empty())
        {
            checked_url(
                "--vivantio-tenant-url",
                url,
                config.paths.allow_insecure_http,
            )?;
            config.vivantio.tenant_url = Some(url.clone());
        }
        if let Some(url) = &global.intercom_url {
            checked_url("--intercom-url", url, config.paths.allow_insecure_http)?;
            config.intercom.base_url = url.clone();
        }
        if let Some(seconds) = global.vivantio_timeout {
            checked_timeout("--vivantio-timeout", seconds)?;
            config.vivantio.timeout_seconds = seconds;
        }
        if let Some(seconds) = global.intercom_timeout {
            checked_timeout("--intercom-timeout", seconds)?;
            config.intercom.timeout_seconds = seconds;
        }
        let credentials = if require_credentials {
            config.credentials(&global.config, env)?
        } else {
            config.credentials_if_any(&global.config, env)
        };
        let root = global
            .config
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Ok(Self {
            config,
            config_path: global.config.clone(),
            root,
            credentials,
        })
    }

    /// A path from the configuration, resolved against the project folder.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.root.join(path)
        }
    }

    /// The state folder.
    pub fn state_dir(&self) -> PathBuf {
        self.resolve(&self.config.paths.state_dir)
    }

    /// The mapping specification file.
    pub fn mapping_path(&self) -> PathBuf {
        self.resolve(&self.config.paths.mapping)
    }

    /// The reports folder.
    pub fn reports_dir(&self) -> PathBuf {
        self.resolve(&self.config.paths.reports)
    }

    /// Where article images are re-hosted (`[images]`), when configured.
    pub fn image_host(&self) -> Result<Option<Arc<dyn ImageHost>>, CliError> {
        let (Some(images), Some(base_url)) = (&self.config.images, self.config.images_url()?)
        else {
            return Ok(None);
        };
        let host = FolderImageHost::new(self.resolve(&images.dir), &base_url, &self.state_dir());
        Ok(Some(Arc::new(host)))
    }

    /// Opens the state store for reading only, also while a run holds it.
    pub fn open_store_read_only(&self) -> Result<Store, CliError> {
        Ok(Store::open_read_only(&self.state_dir())?)
    }

    /// Opens (creating if needed) the state store; refuses while another run holds it.
    pub fn open_store(&self) -> Result<Store, CliError> {
        Ok(Store::open(&self.state_dir())?)
    }

    /// The Vivantio client.
    pub fn vivantio_client(&self) -> Result<vivantio_client::Client, CliError> {
        let zone = self
            .config
            .vivantio
            .tenant_time_zone
            .parse()
            .map_err(|_| ConfigError::Invalid {
                path: self.config_path.clone(),
                detail: format!(
                    "vivantio.tenant_time_zone = {:?} is not an IANA time zone (for example \"Europe/London\")",
                    self.config.vivantio.tenant_time_zone
                ),
            })?;
        let mut limiter = vivantio_client::LimiterSettings::default();
        limiter.max_concurrency = self.config.vivantio.max_concurrency.max(1);
        limiter.initial_concurrency = limiter.initial_concurrency.min(limiter.max_concurrency);
        let interval = Duration::from_millis(self.config.vivantio.request_interval_ms);
        limiter.initial_interval = interval;
        limiter.min_interval = limiter.min_interval.min(interval);
        let vivantio = &self.config.vivantio;
        let mut builder = vivantio_client::Client::builder();
        if let Some(url) = &vivantio.tenant_url {
            builder = builder.tenant_url(url.clone());
        }
        for alias in &vivantio.tenant_aliases {
            builder = builder.tenant_alias(alias.clone());
        }
        if let Some(user_agent) = &vivantio.user_agent {
            builder = builder.user_agent(user_agent.clone());
        }
        builder
            .platform_url(vivantio.platform_url.clone())
            .credentials(
                self.credentials.vivantio_username.clone(),
                self.credentials.vivantio_password.expose(),
            )
            .tenant_time_zone(zone)
            .limiter(limiter)
            .timeout(checked_timeout(
                "vivantio.timeout_seconds",
                self.config.vivantio.timeout_seconds,
            )?)
            .build()
            .map_err(|error| CliError::failed(self.credentials.redact(&error.to_string())))
    }

    /// The Intercom client: one app per configured access token (several spread the load over
    /// the apps, up to the workspace's cap).
    pub fn intercom_client(&self) -> Result<intercom_client::Client, CliError> {
        let intercom = &self.config.intercom;
        let builder = intercom_client::Client::builder()
            .tokens(self.credentials.intercom_tokens.iter().map(Secret::expose))
            .base_url(intercom.base_url.clone())
            .timeout(checked_timeout(
                "intercom.timeout_seconds",
                intercom.timeout_seconds,
            )?)
            .rate_limit_safety_margin(intercom.rate_limit_margin)
            .workspace_rate_limit(Some(intercom.workspace_rate_limit_per_minute));
        // The progress display shows its waits and estimates from its request budget.
        crate::progress::build_intercom_client(builder)
            .map_err(|error| CliError::failed(self.credentials.redact(&error.to_string())))
    }

    /// The Vivantio side behind the core's `Source` port.
    pub fn source(&self) -> Result<VivantioSource, CliError> {
        let options = VivantioSourceOptions {
            inventory_path: self
                .config
                .paths
                .inventory
                .as_ref()
                .map(|path| self.resolve(path)),
            odata_reconcile: self.config.vivantio.odata_reconcile,
            ..VivantioSourceOptions::default()
        };
        Ok(VivantioSource::new(self.vivantio_client()?, options))
    }

    /// The Intercom side behind the core's `Destination` port.
    pub fn destination(&self) -> Result<IntercomDestination, CliError> {
        let client = self.intercom_client()?;
        let options = IntercomOptions {
            search_index_lag: Duration::from_secs(self.config.intercom.search_index_lag_seconds),
            ..IntercomOptions::default()
        };
        Ok(IntercomDestination::new(client, options))
    }
}
