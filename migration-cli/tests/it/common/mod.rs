//! Shared set-up for the command tests: both simulators on loopback and a project pointing at
//! them.

pub mod binary;
pub mod compare;
pub mod wire;

use fixtures::instance::Instance;
use fixtures::sim::intercom::{IntercomSim, IntercomSimConfig, RateLimitConfig};
use fixtures::sim::vivantio::{VivantioSim, VivantioSimConfig};
use migration_cli::commands::migrate::MigrateOptions;
use migration_cli::commands::plan::PlanOptions;
use migration_cli::commands::{confirm, demo, plan};
use migration_cli::progress::{Progress, ProgressMode};

/// The simulators and a project configured for them (dropped together).
pub struct World {
    _dir: tempfile::TempDir,
    /// The Vivantio simulator, serving the sample instance.
    pub vivantio: VivantioSim,
    /// The Intercom simulator, without rate limit.
    pub intercom: IntercomSim,
    /// The project.
    pub project: migration_cli::project::Project,
}

impl World {
    /// The project folder.
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }
}

/// Both simulators and a project; no mapping yet.
pub async fn world() -> World {
    world_with(VivantioSimConfig::default()).await
}

/// [`world`] with the Vivantio simulator configured as given (quirks, result cap).
pub async fn world_with(config: VivantioSimConfig) -> World {
    let dir = tempfile::tempdir().unwrap();
    let vivantio = VivantioSim::start(config, Instance::sample().unwrap())
        .await
        .unwrap();
    let intercom = IntercomSim::start(IntercomSimConfig {
        rate_limit: RateLimitConfig::off(),
        ..IntercomSimConfig::default()
    })
    .unwrap();
    let project = demo::simulator_project(dir.path(), &vivantio, &intercom).unwrap();
    World {
        _dir: dir,
        vivantio,
        intercom,
        project,
    }
}

/// [`world`] with the proposed mapping planned and confirmed.
pub async fn confirmed_world() -> World {
    let world = world().await;
    plan::run(
        &world.project,
        &PlanOptions {
            replace_mapping: true,
        },
    )
    .await
    .unwrap();
    confirm::run(&world.project, "test").await.unwrap();
    world
}

/// A full migration of the world's project that must finish (mismatches allowed: the sample
/// has deliberate rejections).
pub async fn full_migration(world: &World) -> migration_cli::commands::Outcome {
    migration_cli::commands::migrate::run(
        &world.project,
        &MigrateOptions::new(migration_core::engine::RunMode::Full).continue_on_mismatch(),
        &silent(),
    )
    .await
    .unwrap()
}

/// Progress that shows nothing.
pub fn silent() -> Progress {
    Progress::new(ProgressMode::Silent)
}
