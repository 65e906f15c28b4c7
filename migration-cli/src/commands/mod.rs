//! One module per command of the binary. Each returns an [`Outcome`]: a line or two for a
//! person, a JSON document for `--json`, and the exit code.

#[cfg(feature = "simulators")]
pub mod bench;
pub mod confirm;
#[cfg(feature = "simulators")]
pub mod demo;
pub mod discover;
pub mod doctor;
pub mod forecast;
pub mod init;
pub mod migrate;
pub mod plan;
pub mod references;
pub mod report;
pub mod rollback;
pub mod scope;
pub mod status;
pub mod verify;

use std::sync::Arc;

use migration_core::engine::{Engine, Observer, Sleeper};
use migration_core::model::source::SourceKind;
use migration_core::ports::{Destination, Source, StateStore};
use migration_core::spec::{ConfirmedSpec, MappingSpec};
use serde::Serialize;

use crate::error::{CliError, EXIT_OK};
use crate::project::Project;

/// What a command produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// What to print for a person.
    pub human: String,
    /// What to print with `--json`.
    pub json: serde_json::Value,
    /// The process exit code.
    pub exit_code: i32,
}

impl Outcome {
    /// A successful outcome with a JSON body.
    pub fn ok(human: impl Into<String>, json: &impl Serialize) -> Self {
        Self {
            human: human.into(),
            json: serde_json::to_value(json).unwrap_or(serde_json::Value::Null),
            exit_code: EXIT_OK,
        }
    }

    /// The same outcome with another exit code.
    pub fn with_exit(mut self, code: i32) -> Self {
        self.exit_code = code;
        self
    }
}

/// Runs the engine's waits on tokio's timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: std::time::Duration) -> futures::future::BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Builds an engine over the project's ports with its configured concurrency.
pub fn engine<'a>(
    project: &Project,
    source: &'a dyn Source,
    destination: &'a dyn Destination,
    store: &'a dyn StateStore,
    observer: Arc<dyn Observer + 'a>,
    continue_on_mismatch: bool,
) -> Engine<'a> {
    let builder = Engine::builder(source, destination, store)
        .concurrency(project.settings.intercom.concurrency)
        .file_bytes_in_flight(project.settings.intercom.attachment_memory_bytes)
        .continue_on_mismatch(continue_on_mismatch)
        .order(project.settings.order)
        .expected_records(discovered_counts(project))
        .observer(observer)
        .sleeper(Arc::new(TokioSleeper));
    match project.image_host() {
        Some(host) => builder.image_host(host),
        None => builder,
    }
    .build()
}

/// The records the last `discover` counted, by kind: the totals of a full run's streamed
/// stages (none when there was no discovery; they only inform progress).
pub fn discovered_counts(project: &Project) -> Vec<(SourceKind, u64)> {
    let path = project.reports_dir().join(report::DISCOVERY_SUMMARY_FILE);
    let summary: crate::report::DiscoverySummary = match report::read_optional(&path) {
        Ok(Some(summary)) => summary,
        Ok(None) => return Vec::new(),
        Err(error) => {
            tracing::warn!(%error, "progress shows no totals for streamed stages");
            return Vec::new();
        }
    };
    [
        ("organisations", SourceKind::Organisation),
        ("callers", SourceKind::Caller),
        ("tickets", SourceKind::Ticket),
        ("articles", SourceKind::Article),
    ]
    .into_iter()
    .filter_map(|(name, kind)| Some((kind, *summary.records.get(name)?)))
    .collect()
}

/// Reads mapping.toml.
pub fn read_mapping(project: &Project) -> Result<MappingSpec, CliError> {
    let path = project.mapping_path();
    let text = std::fs::read_to_string(&path).map_err(|error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            CliError::Refused(format!(
                "no mapping at {}; run `vivantio2intercom plan` first",
                path.display()
            ))
        } else {
            CliError::failed(format!("cannot read {}: {error}", path.display()))
        }
    })?;
    MappingSpec::from_toml(&text).map_err(|error| {
        CliError::Refused(format!(
            "{} is not a valid mapping: {error}",
            path.display()
        ))
    })
}

/// The confirmed specification, or a refusal that says what to do.
pub async fn confirmed_spec(
    project: &Project,
    source: &dyn Source,
    destination: &dyn Destination,
) -> Result<ConfirmedSpec, CliError> {
    let spec = read_mapping(project)?;
    let source_schema = source.schema().await.map_err(port_failure)?;
    let destination_schema = destination.schema().await.map_err(port_failure)?;
    ConfirmedSpec::new(spec, &source_schema, &destination_schema).map_err(|error| {
        CliError::Refused(format!(
            "the mapping is not confirmed for its current content ({error}); review it and run `vivantio2intercom confirm`"
        ))
    })
}

/// Checks both accounts before anything is read: one cheap authenticated call to each, at the
/// same time, so a refused Intercom token or an unreachable Vivantio is said in seconds, not
/// after hours of reading the other side. Refused credentials are exit 3 naming their
/// variables; an unreachable host names the cause (refused, DNS, TLS).
pub async fn check_accounts(project: &Project) -> Result<(), CliError> {
    let vivantio = project.vivantio_client()?;
    let intercom = project.intercom_client()?;
    let configuration = vivantio.configuration();
    let admins = intercom.admins();
    let (vivantio_answer, intercom_answer) =
        tokio::join!(configuration.ticket_types(), admins.me());
    let redact = |text: String| project.credentials.redact(&text);
    if let Err(error) = vivantio_answer {
        return Err(if error.is_unauthorized() {
            credentials_refused(redact(format!("Vivantio: {error}")))
        } else {
            CliError::failed(redact(format!(
                "cannot reach Vivantio at {}: {error}",
                project.settings.vivantio.platform_url
            )))
        });
    }
    if let Err(error) = intercom_answer {
        return Err(match &error {
            intercom_client::Error::Api {
                status: 401 | 403, ..
            } => credentials_refused(redact(format!("Intercom: {error}"))),
            _ => CliError::failed(redact(format!(
                "cannot reach Intercom at {}: {error}",
                project.settings.intercom.base_url
            ))),
        });
    }
    Ok(())
}

/// A port failure as a command failure; refused credentials are a configuration error (exit 3)
/// naming where they come from.
pub fn port_failure(error: migration_core::PortError) -> CliError {
    if error.kind == migration_core::PortErrorKind::Unauthorized {
        return credentials_refused(error.to_string());
    }
    CliError::failed(error)
}

/// An engine failure as a command failure (refused credentials: exit 3, as [`port_failure`]).
pub fn engine_failure(error: migration_core::engine::EngineError) -> CliError {
    if error.is_unauthorized() {
        return credentials_refused(error.to_string());
    }
    CliError::failed(error)
}

fn credentials_refused(detail: String) -> CliError {
    let vivantio = detail.contains("Vivantio:");
    let (account, variables) = if vivantio {
        (
            "Vivantio",
            "the variables vivantio.username_env and vivantio.password_env name \
             (VIVANTIO_USERNAME and VIVANTIO_PASSWORD unless changed) and the API user's \
             \"Allow API Access\" permission",
        )
    } else {
        (
            "Intercom",
            "the variables intercom.token_envs names (INTERCOM_TOKEN unless changed) and the \
             app's scopes (runbook §0)",
        )
    };
    CliError::Config(crate::config::ConfigError::CredentialsRefused {
        account,
        variables,
        detail,
    })
}
