//! Embeds the migration without the binary: opens the project in the current folder and
//! computes a sample run without sending anything.
//!
//! ```sh
//! cargo run -p migration-cli --example dry_run -- path/to/migration.toml
//! ```

use migration_cli::commands::migrate::{self, MigrateOptions};
use migration_cli::progress::{Progress, ProgressMode};
use migration_cli::project::Project;
use migration_cli::settings::ProjectOptions;
use migration_core::engine::RunMode;

#[tokio::main]
async fn main() {
    let config = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "migration.toml".into());
    let outcome = async {
        let project = Project::open(&ProjectOptions::new(config))?;
        let options = MigrateOptions::new(RunMode::Sample { tickets: 20 }).dry_run();
        migrate::run(&project, &options, &Progress::new(ProgressMode::Silent)).await
    }
    .await;
    match outcome {
        Ok(outcome) => println!("{}", outcome.human),
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(error.exit_code());
        }
    }
}
