//! A migration project on disk: its configuration, credentials, state folder and the clients,
//! adapters and store built from them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use migration_core::ports::ImageHost;

use crate::adapters::images::FolderImageHost;
use crate::adapters::intercom::{IntercomDestination, IntercomOptions};
use crate::adapters::vivantio::{VivantioSource, VivantioSourceOptions};
use crate::config::{Config, Credentials};
use crate::error::CliError;
use crate::secret::Secret;
use crate::settings::{project_root, ProjectOptions, Settings};
use crate::store::Store;

/// Name of the proposal notes file written beside the mapping.
pub const PROPOSAL_NOTES_FILE: &str = "mapping-notes.json";

/// An opened project: settings checked, credentials resolved.
#[derive(Debug)]
pub struct Project {
    /// The validated settings.
    pub settings: Settings,
    /// Where the configuration was read from.
    pub config_path: PathBuf,
    /// The folder relative paths are resolved against (the configuration's folder).
    pub root: PathBuf,
    /// Resolved credentials (never printed).
    pub credentials: Credentials,
}

impl Project {
    /// Reads the configuration named by `options`, applies its overrides, checks every
    /// setting, and resolves credentials from the environment (or the file).
    pub fn open(options: &ProjectOptions) -> Result<Self, CliError> {
        Self::open_with_env(options, |name| std::env::var(name).ok())
    }

    /// [`Project::open`] with an explicit environment lookup (for tests and the demo).
    pub fn open_with_env(
        options: &ProjectOptions,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, CliError> {
        Self::open_inner(options, env, true)
    }

    /// Reads the configuration for a command that reads only local state (`status`, `report`,
    /// `rollback --dry-run`): no credential is required; those that are set are still
    /// redacted.
    pub fn open_local(options: &ProjectOptions) -> Result<Self, CliError> {
        Self::open_inner(options, |name| std::env::var(name).ok(), false)
    }

    fn open_inner(
        options: &ProjectOptions,
        env: impl Fn(&str) -> Option<String>,
        require_credentials: bool,
    ) -> Result<Self, CliError> {
        let config = Config::load(&options.config)?;
        let settings = Settings::from_config(&config, options)?;
        let credentials = if require_credentials {
            config.credentials(&options.config, env)?
        } else {
            config.credentials_if_any(&options.config, env)
        };
        Ok(Self {
            settings,
            config_path: options.config.clone(),
            root: project_root(&options.config),
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
        self.settings.paths.state_dir.clone()
    }

    /// The mapping specification file.
    pub fn mapping_path(&self) -> PathBuf {
        self.settings.paths.mapping.clone()
    }

    /// The reports folder.
    pub fn reports_dir(&self) -> PathBuf {
        self.settings.paths.reports.clone()
    }

    /// Where article images are re-hosted (`[images]`), when configured.
    pub fn image_host(&self) -> Option<Arc<dyn ImageHost>> {
        let images = self.settings.images.as_ref()?;
        let host = FolderImageHost::new(images.dir.clone(), &images.base_url, &self.state_dir());
        Some(Arc::new(host))
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
        let vivantio = &self.settings.vivantio;
        let mut limiter = vivantio_client::LimiterSettings::default();
        limiter.max_concurrency = vivantio.max_concurrency;
        limiter.initial_concurrency = limiter.initial_concurrency.min(limiter.max_concurrency);
        limiter.initial_interval = vivantio.request_interval;
        limiter.min_interval = limiter.min_interval.min(vivantio.request_interval);
        let mut builder = vivantio_client::Client::builder();
        if let Some(url) = &vivantio.tenant_url {
            builder = builder.tenant_url(url.as_str());
        }
        for alias in &vivantio.tenant_aliases {
            builder = builder.tenant_alias(alias.as_str());
        }
        if let Some(user_agent) = &vivantio.user_agent {
            builder = builder.user_agent(user_agent.clone());
        }
        builder
            .platform_url(vivantio.platform_url.as_str())
            .credentials(
                self.credentials.vivantio_username.clone(),
                self.credentials.vivantio_password.expose(),
            )
            .tenant_time_zone(vivantio.time_zone)
            .limiter(limiter)
            .timeout(vivantio.timeout)
            .build()
            .map_err(|error| CliError::failed(self.credentials.redact(&error.to_string())))
    }

    /// The Intercom client: one app per configured access token (several spread the load over
    /// the apps, up to the workspace's cap).
    pub fn intercom_client(&self) -> Result<intercom_client::Client, CliError> {
        let intercom = &self.settings.intercom;
        let builder = intercom_client::Client::builder()
            .tokens(self.credentials.intercom_tokens.iter().map(Secret::expose))
            .base_url(intercom.base_url.as_str())
            .timeout(intercom.timeout)
            .rate_limit_safety_margin(intercom.rate_limit_margin)
            .workspace_rate_limit(Some(intercom.workspace_rate_limit_per_minute));
        // The progress display shows its waits and estimates from its request budget.
        crate::progress::build_intercom_client(builder)
            .map_err(|error| CliError::failed(self.credentials.redact(&error.to_string())))
    }

    /// The Vivantio side behind the core's `Source` port.
    pub fn source(&self) -> Result<VivantioSource, CliError> {
        let options = VivantioSourceOptions {
            inventory_path: self.settings.paths.inventory.clone(),
            odata_reconcile: self.settings.vivantio.odata_reconcile,
            ..VivantioSourceOptions::default()
        };
        Ok(VivantioSource::new(self.vivantio_client()?, options))
    }

    /// The Intercom side behind the core's `Destination` port.
    pub fn destination(&self) -> Result<IntercomDestination, CliError> {
        let client = self.intercom_client()?;
        let options = IntercomOptions {
            search_index_lag: self.settings.intercom.search_index_lag,
            ..IntercomOptions::default()
        };
        Ok(IntercomDestination::new(client, options))
    }
}
