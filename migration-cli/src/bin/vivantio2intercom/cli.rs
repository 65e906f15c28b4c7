//! The command line: every command, flag and its help text. Only the binary sees it: it turns
//! what was typed into the library's options structs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use migration_cli::settings::ProjectOptions;

/// Move a helpdesk from Vivantio to Intercom: plan the mapping, validate it, load exactly once,
/// verify field by field, and roll back what was created.
///
/// A migration goes: init → discover → plan → (edit mapping.toml) → confirm → migrate --sample N
/// → verify → migrate → verify → delta (at cutover).
#[cfg_attr(
    feature = "simulators",
    doc = "`demo` shows all of it against bundled simulators, with no account anywhere."
)]
#[derive(Debug, Parser)]
#[command(name = "vivantio2intercom", version, propagate_version = true)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Configuration file (written by `init`).
    #[arg(
        long,
        short = 'c',
        global = true,
        env = "V2I_CONFIG",
        default_value = "migration.toml"
    )]
    pub config: PathBuf,
    /// Vivantio platform URL, overriding the configuration (a sandbox, a simulator, a proxy).
    #[arg(long, global = true, env = "V2I_VIVANTIO_URL", value_name = "URL")]
    pub vivantio_url: Option<String>,
    /// Vivantio tenant URL (`https://<tenant>.vivantio.com/`: inline images, the OData feed),
    /// overriding `vivantio.tenant_url`.
    #[arg(
        long,
        global = true,
        env = "V2I_VIVANTIO_TENANT_URL",
        value_name = "URL"
    )]
    pub vivantio_tenant_url: Option<String>,
    /// Intercom API base URL, overriding the configuration (EU/AU region, a simulator, a proxy).
    #[arg(long, global = true, env = "V2I_INTERCOM_URL", value_name = "URL")]
    pub intercom_url: Option<String>,
    /// Seconds one Vivantio request may take, overriding `vivantio.timeout_seconds` (1–3600).
    #[arg(
        long,
        global = true,
        env = "V2I_VIVANTIO_TIMEOUT",
        value_name = "SECONDS"
    )]
    pub vivantio_timeout: Option<u64>,
    /// Seconds one Intercom request may take, overriding `intercom.timeout_seconds` (1–3600).
    #[arg(
        long,
        global = true,
        env = "V2I_INTERCOM_TIMEOUT",
        value_name = "SECONDS"
    )]
    pub intercom_timeout: Option<u64>,
    /// Print the result as one JSON document on standard output (for scripts).
    #[arg(long, global = true)]
    pub json: bool,
    /// More detail on the terminal (-v, -vv); the log file in the state folder always has it all.
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Only errors on the terminal.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// Without a terminal (CI, nohup, a log collector), print a progress line this often
    /// (`30s`, `2m`, `500ms`), besides one when each stage starts and ends.
    #[arg(
        long,
        global = true,
        env = "V2I_PROGRESS_INTERVAL",
        value_name = "INTERVAL",
        default_value = "30s",
        value_parser = migration_cli::progress::parse_interval
    )]
    pub progress_interval: std::time::Duration,
}

impl GlobalArgs {
    /// Where the project's settings come from besides its file.
    pub fn project_options(&self) -> ProjectOptions {
        ProjectOptions {
            config: self.config.clone(),
            vivantio_url: self.vivantio_url.clone(),
            vivantio_tenant_url: self.vivantio_tenant_url.clone(),
            intercom_url: self.intercom_url.clone(),
            vivantio_timeout: self.vivantio_timeout,
            intercom_timeout: self.intercom_timeout,
        }
    }
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented migration.toml and a .gitignore that keeps state and secrets out of git.
    Init {
        /// Folder to initialise.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Overwrite an existing migration.toml.
        #[arg(long)]
        force: bool,
    },
    /// Prove, read-only, whether the migration will work on this tenant and workspace: every
    /// Vivantio assumption and every Intercom resource the mapping touches (exit 7 when
    /// something blocks).
    Doctor {
        /// Save the first three answers of each Vivantio action here, personal data masked
        /// (for a bug report).
        #[arg(long, value_name = "DIR")]
        samples: Option<PathBuf>,
    },
    /// Audit both sides and write a discovery report (counts, custom fields, attachments,
    /// articles, agents and groups, SLAs, workflows; Intercom attributes, admins, teams, ticket
    /// types, Help Center).
    Discover,
    /// Propose mapping.toml (with reasons and confidence) and run the pre-flight validation.
    Plan {
        /// Replace an existing mapping.toml with a fresh proposal.
        #[arg(long)]
        force: bool,
    },
    /// Record your approval of exactly the current mapping.toml (an edit needs a new confirmation).
    Confirm,
    /// Load into Intercom: a sample first (--sample N), then everything.
    Migrate(MigrateArgs),
    /// Show what has moved, what was rejected, and what is pending.
    Status,
    /// Re-read what was written and compare it field by field with what the mapping says.
    Verify {
        /// Check this many records of each kind (chosen at random, reproducibly with --seed).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        sample: Option<u64>,
        /// Check about this percentage of records of every kind instead.
        #[arg(long, value_name = "PERCENT", conflicts_with = "sample",
              value_parser = clap::value_parser!(u8).range(1..=100))]
        percent: Option<u8>,
        /// Seed for the random sample.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Move what changed in Vivantio since the last run (new tickets, new messages, status changes).
    Delta {
        /// Skip the confirmation prompt.
        #[arg(long)]
        yes: bool,
    },
    /// Undo what the migration created, newest first; records that existed are restored.
    Rollback {
        /// Print the steps without running them.
        #[arg(long)]
        dry_run: bool,
        /// Skip the confirmation prompt.
        #[arg(long)]
        yes: bool,
    },
    /// Write the report (HTML, Markdown, JSON) from the state folder.
    Report,
    /// Run the whole journey against bundled simulators: discover, plan, confirm, sample,
    /// full migration, verify, delta, rollback.
    #[cfg(feature = "simulators")]
    Demo {
        /// Generate an instance with this many tickets instead of the bundled sample.
        #[arg(long)]
        tickets: Option<u64>,
        /// Folder for the demo's state and reports (default: a new temporary folder).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Measure a real migration of a generated instance against the bundled simulators under
    /// Intercom's rate-limit windows, and print one table (see docs/benchmarks.md).
    #[cfg(feature = "simulators")]
    Bench(BenchArgs),
}

/// Options of `bench`.
#[cfg(feature = "simulators")]
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Tickets to generate; callers, companies and articles follow the seed account's
    /// proportions (10,000 tickets: 5,000 callers, 500 companies, 500 articles).
    #[arg(long, default_value_t = 10_000)]
    pub tickets: u64,
    /// Each app's rate limit per minute (Intercom: 10,000).
    #[arg(long, default_value_t = 10_000, conflicts_with = "unlimited")]
    pub per_minute: u32,
    /// Lift the rate limit, to measure how fast the tool itself can go.
    #[arg(long)]
    pub unlimited: bool,
    /// Spread the load over this many private apps (access tokens) of one workspace.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=16))]
    pub apps: u32,
    /// The workspace's cap on all apps together, per minute (Intercom: 25,000).
    #[arg(long, default_value_t = 25_000)]
    pub workspace_per_minute: u32,
    /// Writes in flight at once.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Mebibytes of attachments held in memory at once (the configuration's
    /// `intercom.attachment_memory_mib`).
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..))]
    pub attachment_memory_mib: u64,
    /// Tickets carry only the actions that open and close them (no messages, no
    /// attachments): an instance of a million tickets the simulators can hold, to measure
    /// what grows with the number of records.
    #[arg(long)]
    pub minimal_history: bool,
    /// Folder for the instance, project and figures (kept; default: a new temporary folder).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

#[cfg(feature = "simulators")]
impl BenchArgs {
    /// The bench's options, as the library takes them.
    pub fn options(&self) -> migration_cli::commands::bench::BenchOptions {
        migration_cli::commands::bench::BenchOptions {
            tickets: self.tickets,
            per_minute: (!self.unlimited).then_some(self.per_minute),
            apps: self.apps,
            workspace_per_minute: self.workspace_per_minute,
            concurrency: self.concurrency,
            attachment_memory_mib: self.attachment_memory_mib,
            minimal_history: self.minimal_history,
            dir: self.dir.clone(),
        }
    }
}

/// Options of `migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Move only N tickets chosen across every type and channel, with what they need.
    #[arg(long, value_name = "N")]
    pub sample: Option<usize>,
    /// Print every operation without sending one.
    #[arg(long)]
    pub dry_run: bool,
    /// Skip the confirmation prompt.
    #[arg(long)]
    pub yes: bool,
    /// Go on when a phase's count does not match the source (the mismatch stays in the report).
    #[arg(long)]
    pub continue_on_mismatch: bool,
    /// Start a full run although the last `verify` found replies or surveys Intercom's own
    /// automation added to migrated threads (better: pause it, see the runbook's step 0).
    #[arg(long)]
    pub accept_automation: bool,
}
