//! Shared helpers: the sample, a simulator serving it, a source reading it, raw-record lookups.

use std::time::Duration;

use fixtures::instance::{Instance, Kind};
use fixtures::sim::vivantio::{VivantioSim, VivantioSimConfig};
use futures::TryStreamExt;
use migration_cli::adapters::vivantio::{VivantioSource, VivantioSourceOptions};
use migration_core::delta::Watermark;
use migration_core::model::destination::FileRef;
use migration_core::model::source::{Attachment, Ticket};
use migration_core::ports::Source;
use serde_json::Value;
use vivantio_client::{Client, LimiterSettings, WindowSettings};

/// The simulator's default API password.
pub const PASSWORD: &str = "api-password";

/// The sample, or `None` (with a note) when it is not there.
pub fn sample() -> Option<Instance> {
    let dir = Instance::sample_dir();
    if !dir.join("manifest.json").is_file() {
        eprintln!("SKIPPED: no sample instance at {}", dir.display());
        return None;
    }
    Some(Instance::sample().expect("the sample instance loads"))
}

/// A client for the simulator with fast back-offs and small windows.
pub fn client(sim: &VivantioSim, password: &str) -> Client {
    Client::builder()
        .platform_url(sim.platform_url())
        .credentials("api-user", password)
        .limiter(LimiterSettings {
            initial_interval: Duration::ZERO,
            base_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
            max_retries: 2,
            ..LimiterSettings::default()
        })
        // Small windows and a small result cap make the pager split, grow and finish open-ended.
        .window_settings(WindowSettings {
            initial_width: 8,
            target_per_window: 6,
            open_end_after_empty_span: 64,
            ..WindowSettings::default()
        })
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a valid client")
}

/// A simulator serving `instance` and a source reading it.
pub async fn serve(
    instance: &Instance,
    options: VivantioSourceOptions,
) -> (VivantioSim, VivantioSource) {
    let config = VivantioSimConfig {
        result_cap: 12,
        ..VivantioSimConfig::default()
    };
    let sim = VivantioSim::start(config, instance.clone())
        .await
        .expect("the simulator starts");
    let source = VivantioSource::new(client(&sim, PASSWORD), options);
    (sim, source)
}

/// An integer field of a raw record.
pub fn int(record: &Value, field: &str) -> Option<i64> {
    record.get(field).and_then(Value::as_i64)
}

/// The `Id`s of raw records, sorted.
pub fn ids(records: &[Value]) -> Vec<i64> {
    let mut ids: Vec<i64> = records.iter().filter_map(|r| int(r, "Id")).collect();
    ids.sort_unstable();
    ids
}

/// The sample's raw record of `kind` with this id.
pub fn raw(instance: &Instance, kind: Kind, id: i64) -> &Value {
    instance
        .records(kind)
        .iter()
        .find(|r| int(r, "Id") == Some(id))
        .expect("record exists")
}

/// A non-blank text field of a raw record.
pub fn text<'a>(record: &'a Value, field: &str) -> Option<&'a str> {
    record
        .get(field)
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
}

/// Every ticket the source streams (changed since `since`).
pub async fn all_tickets(source: &VivantioSource, since: Option<Watermark>) -> Vec<Ticket> {
    source
        .tickets(since)
        .try_collect()
        .await
        .expect("tickets stream")
}

/// The core's download request for an attachment.
pub fn file_ref(file: &Attachment) -> FileRef {
    FileRef {
        attachment_id: file.id,
        guid: file.guid.clone(),
        file_name: file.file_name.clone(),
        content_type: file.content_type.clone(),
        size: file.size,
    }
}
