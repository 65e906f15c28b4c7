//! `init`: writes a commented `migration.toml` and a `.gitignore` that keeps state and secrets
//! out of git.

use std::path::PathBuf;

use crate::private_files::{create_private_dir_all, write_private};

/// The configuration a new project starts from; every setting explained where it stands.
pub const CONFIG_TEMPLATE: &str = r#"# vivantio2intercom configuration.
# Credentials never go on the command line: put them in environment variables (names below),
# or, if you must, in this file — init writes it readable by you only (mode 600): keep it
# that way and out of git.

[vivantio]
# The tenant's "Platform Url" (Admin > Integration & API > Downloads > API Credentials).
platform_url = "https://webservices-na01.vivantio.com/"
# The address your agents open in a browser: it serves inline images and the OData feed the
# extraction is counted against. Credentials go to these two hosts only.
# tenant_url = "https://acme.vivantio.com/"
# Compare the callers and organisations read with the OData feed's count; a shortfall stops.
# odata_reconcile = true
# Sent as User-Agent on every Vivantio request (default: vivantio2intercom/<version>).
# user_agent = "acme-migration/1.0"
# Environment variables holding the API user's name and password (the user needs
# the "Allow API Access" permission).
username_env = "VIVANTIO_USERNAME"
password_env = "VIVANTIO_PASSWORD"
# Vivantio writes some dates without an offset; they are read in this IANA time zone.
tenant_time_zone = "UTC"
# Vivantio publishes no rate limit: at most this many requests in flight.
max_concurrency = 4
# Seconds one request may take, answer included (1 to 3600; large selects are slow).
timeout_seconds = 180

[intercom]
# US: https://api.intercom.io  EU: https://api.eu.intercom.io  AU: https://api.au.intercom.io
base_url = "https://api.intercom.io"
# Environment variables holding access tokens. Listing several private apps of the same
# workspace spreads the load over their per-app budgets (the workspace cap still applies).
token_envs = ["INTERCOM_TOKEN"]
# Writes in flight at once; the client paces itself to the rate limit Intercom reports.
concurrency = 8
# Mebibytes of attachments held in memory at once; a part waits for room before its files
# are downloaded, so memory stays flat whatever the files.
attachment_memory_mib = 32
# How long Intercom's search index may lag a write (seconds). A ticket create whose answer
# was lost is declared "not applied" only after this long; until then the run stops safely.
search_index_lag_seconds = 600
# Share of each rate-limit window left unused (clock skew, other integrations on the same app).
rate_limit_margin = 0.01
# Intercom caps all private apps of a workspace together; several tokens each keep to an
# equal share of this.
workspace_rate_limit_per_minute = 25000
# Seconds one request may take, answer included (1 to 3600). A write that times out may still
# have been applied; the next attempt finds it before writing again.
timeout_seconds = 60
# Teammate (email or admin id) who authors parts whose Vivantio agent has no Intercom seat.
# fallback_admin = "migration@example.com"

[paths]
# State folder: the SQLite journal and ID map, logs. Keep it; it is what makes re-runs safe
# and rollback possible.
state_dir = ".vivantio2intercom"
mapping = "mapping.toml"
reports = "reports"
# Workflows, business rules, reports, SLA policies and portal settings have no Vivantio API;
# export them by hand into this file to get them in the written inventory.
# inventory = "inventory.json"
# Plain HTTP is refused except to loopback; allow it only for a trusted local proxy.
allow_insecure_http = false

[logging]
# The log in the state folder is rotated at this many mebibytes, and this many files are kept
# (the current one included), so it never takes much more than their product.
max_file_mib = 50
max_files = 10

[run]
# The order a full `migrate` moves records in. "by_stage": every company, contact and article,
# then every ticket. "open_first": open, on-hold and pending tickets and the people they name
# first, so agents can work in Intercom while the history (closed tickets, newest first) moves.
order = "by_stage"
"#;

/// Lines the project's `.gitignore` must hold.
pub const GITIGNORE_LINES: &[&str] = &[
    "# vivantio2intercom: state, logs and reports hold customer data",
    ".vivantio2intercom/",
    "reports/",
    "*.sqlite",
    "*.sqlite-wal",
    "*.sqlite-shm",
    ".env",
];

/// What `init` did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InitOutcome {
    /// The configuration file was written (false: it existed and was kept).
    pub config_written: bool,
    /// Lines added to `.gitignore`.
    pub gitignore_lines_added: usize,
}

/// What `init` is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitOptions {
    /// Folder to initialise.
    pub dir: PathBuf,
    /// Replace an existing migration.toml (`--force`).
    pub overwrite: bool,
}

/// Writes the configuration (unless it exists and may not be replaced) and completes
/// `.gitignore`.
pub fn run(options: &InitOptions) -> std::io::Result<InitOutcome> {
    let dir = options.dir.as_path();
    create_private_dir_all(dir)?;
    let config_path = dir.join(crate::config::CONFIG_FILE);
    let config_written = options.overwrite || !config_path.exists();
    if config_written {
        // Owner-only from the start: credentials may be added to it.
        write_private(&config_path, CONFIG_TEMPLATE)?;
    }
    let gitignore_path = dir.join(".gitignore");
    let existing = std::fs::read_to_string(&gitignore_path).unwrap_or_default();
    let missing: Vec<&str> = GITIGNORE_LINES
        .iter()
        .copied()
        .filter(|line| !existing.lines().any(|present| present.trim() == *line))
        .collect();
    if !missing.is_empty() {
        let mut text = existing;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        for line in &missing {
            text.push_str(line);
            text.push('\n');
        }
        write_private(&gitignore_path, text)?;
    }
    Ok(InitOutcome {
        config_written,
        gitignore_lines_added: missing.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn the_template_is_a_valid_configuration() {
        let config: Config = toml::from_str(CONFIG_TEMPLATE).expect("template parses");
        let options = crate::settings::ProjectOptions::new("migration.toml");
        crate::settings::Settings::from_config(&config, &options).expect("template checks");
        assert_eq!(
            config.intercom.token_envs,
            vec!["INTERCOM_TOKEN".to_string()]
        );
        let defaults: Config =
            toml::from_str("[vivantio]\nplatform_url = \"https://x/\"\n[intercom]\n").unwrap();
        assert_eq!(
            config.vivantio.timeout_seconds,
            defaults.vivantio.timeout_seconds
        );
        assert_eq!(
            config.intercom.timeout_seconds,
            defaults.intercom.timeout_seconds
        );
        assert_eq!(config.logging, defaults.logging);
        assert_eq!(config.run, defaults.run);
    }

    #[test]
    fn init_keeps_an_existing_config_and_completes_gitignore_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitignore"), "target/").unwrap();
        let keep = InitOptions {
            dir: dir.path().to_path_buf(),
            overwrite: false,
        };
        let first = run(&keep).unwrap();
        assert!(first.config_written);
        assert_eq!(first.gitignore_lines_added, GITIGNORE_LINES.len());
        std::fs::write(dir.path().join("migration.toml"), "# edited").unwrap();
        let second = run(&keep).unwrap();
        assert!(!second.config_written);
        assert_eq!(second.gitignore_lines_added, 0);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("migration.toml")).unwrap(),
            "# edited"
        );
        let ignore = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
        assert!(ignore.starts_with("target/\n"));
    }
}
