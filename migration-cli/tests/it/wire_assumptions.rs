//! Every entry of the Vivantio assumption registry
//! (`vivantio_client::assumptions::registry::REGISTRY`), broken in the simulator, with the
//! outcome the entry promises:
//!
//! - `alias`: each other known spelling migrates exactly as the documented one, and the
//!   discovery report names the spelling the tenant uses;
//! - `fallback`: the run takes the named fallback and moves every record (and, where the
//!   fallback reads the same facts, the same workspace);
//! - `degrades`: a `wire_assumption` warning names the assumption and no record is lost;
//! - `blocks`: `plan` shows a blocking finding and `migrate` refuses before any write, until the
//!   mapping acknowledges it;
//! - `stops`: reading stops before any write with an error naming the assumption.
//!
//! Actions the migration never calls (writes, by-id reads for embedders) are checked through
//! the client: the call fails naming its assumption.

use migration_cli::commands::migrate::MigrateOptions;
use migration_cli::commands::plan::PlanOptions;
use std::collections::BTreeMap;

use fixtures::instance::Instance;
use fixtures::sim::vivantio::{VivantioSim, VivantioSimConfig, WireQuirks, DEFAULT_RESULT_CAP};
use migration_cli::commands::{confirm, migrate, plan};
use migration_core::engine::RunMode;
use migration_core::model::source::WireReport;
use tokio::sync::OnceCell;
use vivantio_client::assumptions::registry::{Assumption, IfWrong, Subject, REGISTRY};

use crate::common;
use crate::common::compare::{assert_same, Snapshot};
use crate::common::wire::{scenarios, Expect, Scenario};

/// The kinds whose every record a degraded run must still hold.
const RECORD_KINDS: [&str; 7] = [
    "companies",
    "contacts",
    "conversations",
    "tickets",
    "articles",
    "files",
    "messages",
];

/// An undisturbed run: its workspace and the actions it called.
struct Baseline {
    snapshot: Snapshot,
    /// `controller/action`, lower case.
    actions: Vec<String>,
}

async fn baseline() -> &'static Baseline {
    static BASELINE: OnceCell<Baseline> = OnceCell::const_new();
    BASELINE
        .get_or_init(|| async {
            let world = Tenant::start(WireQuirks::none()).await;
            world.plan_and_confirm().await.expect("the sample plans");
            world.migrate().await.expect("the sample migrates");
            let wire = world.wire();
            assert!(
                wire.findings.is_empty() && wire.fallbacks.is_empty(),
                "the simulator's own contract contradicts the registry: {wire:#?}"
            );
            let mut actions: Vec<String> = world
                .vivantio
                .requests()
                .iter()
                .filter_map(|request| action_of(&request.path))
                .collect();
            actions.sort();
            actions.dedup();
            Baseline {
                snapshot: Snapshot::of(&world.intercom.workspace()),
                actions,
            }
        })
        .await
}

fn action_of(path: &str) -> Option<String> {
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    (segments.next()? == "api").then_some(())?;
    Some(format!("{}/{}", segments.next()?, segments.next()?).to_ascii_lowercase())
}

/// Both simulators (Vivantio playing `quirks`) and a project pointing at them.
struct Tenant {
    world: common::World,
}

impl std::ops::Deref for Tenant {
    type Target = common::World;

    fn deref(&self) -> &common::World {
        &self.world
    }
}

impl Tenant {
    async fn start(quirks: WireQuirks) -> Self {
        Self::with_cap(quirks, DEFAULT_RESULT_CAP).await
    }

    async fn with_cap(quirks: WireQuirks, result_cap: usize) -> Self {
        let world = common::world_with(VivantioSimConfig {
            quirks,
            result_cap,
            ..VivantioSimConfig::default()
        })
        .await;
        Self { world }
    }

    async fn plan_and_confirm(&self) -> Result<(), String> {
        plan::run(&self.project, &PlanOptions::default())
            .await
            .map_err(|error| error.to_string())?;
        confirm::run(&self.project, "test")
            .await
            .map_err(|error| error.to_string())?;
        Ok(())
    }

    async fn migrate(&self) -> Result<(), String> {
        migrate::run(
            &self.project,
            &MigrateOptions::new(RunMode::Full).continue_on_mismatch(),
            &common::silent(),
        )
        .await
        .map(|_| ())
        .map_err(|error| error.to_string())
    }

    /// What `plan` kept of the source's API.
    fn wire(&self) -> WireReport {
        let path = self.dir().join("reports/vivantio-wire.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        serde_json::from_str(&text).unwrap()
    }

    /// Requests that changed the Intercom workspace.
    fn intercom_writes(&self) -> u64 {
        self.intercom
            .stats()
            .operations
            .iter()
            .filter(|(operation, _)| !operation.starts_with("GET "))
            .map(|(_, count)| count)
            .sum()
    }

    fn acknowledge(&self, id: &str) {
        let path = self.dir().join("mapping.toml");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(&format!("\n[wire]\nacknowledged = [\"{id}\"]\n"));
        std::fs::write(&path, text).unwrap();
    }
}

/// Runs one scenario and checks what it must show; returns a line for the test's output.
async fn run(assumption: &Assumption, scenario: Scenario, baseline: &Baseline) -> String {
    let id = assumption.id;
    let context = format!("{id} ({:?}, {:?})", scenario.expect, scenario.quirks);
    let tenant = Tenant::with_cap(scenario.quirks, scenario.result_cap).await;
    let planned = tenant.plan_and_confirm().await;
    match scenario.expect {
        Expect::Stopped => {
            if let Err(error) = planned {
                assert!(
                    error.contains(id),
                    "{context}: the error does not name it: {error}"
                );
                assert_eq!(tenant.intercom_writes(), 0, "{context}");
                return format!("{id}: stopped before any write: {error}");
            }
            // Only `migrate` calls it (attachment downloads): the run stops at the first call,
            // resumable, naming the assumption.
            let error = tenant
                .migrate()
                .await
                .expect_err(&format!("{context}: went on"));
            assert!(
                error.contains(id),
                "{context}: the error does not name it: {error}"
            );
            return format!("{id}: migrate stopped: {error}");
        }
        Expect::Blocked => {
            planned.unwrap_or_else(|error| panic!("{context}: plan failed: {error}"));
            let wire = tenant.wire();
            assert!(
                wire.findings
                    .iter()
                    .any(|f| f.assumption == id && f.blocking),
                "{context}: no blocking finding: {wire:#?}"
            );
            let refused = tenant
                .migrate()
                .await
                .expect_err(&format!("{context}: migrated"));
            assert!(refused.contains(id), "{context}: {refused}");
            assert_eq!(tenant.intercom_writes(), 0, "{context}");
            return format!("{id}: blocked before any write");
        }
        Expect::NothingLost | Expect::SameWorkspace => {
            planned.unwrap_or_else(|error| panic!("{context}: plan failed: {error}"));
        }
    }
    tenant
        .migrate()
        .await
        .unwrap_or_else(|error| panic!("{context}: migrate failed: {error}"));
    // Plan's report, plus what only `migrate` reads (images) proved.
    let wire = tenant.wire();
    let found = Snapshot::of(&tenant.intercom.workspace());
    if scenario.expect == Expect::SameWorkspace {
        assert_same(&context, &found, &baseline.snapshot);
        if assumption.subject == Subject::Behaviour {
            assert!(
                wire.findings.iter().any(|f| f.assumption == id),
                "{context}: the contradiction is not reported: {wire:#?}"
            );
        }
        return format!(
            "{id}: same workspace ({} records and parts); spellings {:?}",
            found.len(),
            wire.spellings
                .iter()
                .map(|s| s.spelling.as_str())
                .collect::<Vec<_>>()
        );
    }
    let named = wire
        .findings
        .iter()
        .any(|f| f.assumption == id && !f.blocking)
        || wire.fallbacks.iter().any(|f| f.assumption == id);
    assert!(named, "{context}: nothing names it: {wire:#?}");
    // Records and messages must all be there; labels derived from a missing field (a tag, an
    // attribute) are what a documented degradation gives up.
    let records = |counts: BTreeMap<String, usize>| -> BTreeMap<String, usize> {
        counts
            .into_iter()
            .filter(|(kind, _)| RECORD_KINDS.contains(&kind.as_str()))
            .collect()
    };
    let expected = records(baseline.snapshot.counts());
    assert_eq!(
        records(found.counts()),
        expected,
        "{context}: records were lost"
    );
    format!("{id}: nothing lost ({expected:?})")
}

/// Runs every scenario of the entries `select` picks.
async fn run_all(select: impl Fn(&Assumption) -> bool) -> usize {
    let baseline = baseline().await;
    let mut ran = 0;
    for assumption in REGISTRY.iter().filter(|a| select(a)) {
        for scenario in scenarios(assumption, &baseline.actions) {
            let line = run(assumption, scenario, baseline).await;
            println!("{line}");
            ran += 1;
        }
    }
    ran
}

fn is_field(assumption: &Assumption) -> bool {
    matches!(assumption.subject, Subject::Field { .. })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_actions_stop_fall_back_or_block() {
    let ran = run_all(|a| matches!(a.subject, Subject::Endpoint(_))).await;
    assert!(ran >= 20, "{ran} scenarios");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_fields_stop_migrate_before_any_write() {
    let ran = run_all(|a| is_field(a) && a.if_wrong == IfWrong::Blocks).await;
    assert!(ran >= 8, "{ran} scenarios");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn degrading_configuration_and_ticket_fields_lose_no_record() {
    let ran = run_all(|a| {
        is_field(a)
            && a.if_wrong != IfWrong::Blocks
            && a.id.split('.').next().is_some_and(|kind| {
                matches!(
                    kind,
                    "status"
                        | "priority"
                        | "category"
                        | "user"
                        | "group"
                        | "sla_target"
                        | "extension_field"
                        | "ticket"
                        | "action"
                        | "sla_stage"
                )
            })
    })
    .await;
    assert!(ran >= 10, "{ran} scenarios");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn degrading_attachment_form_and_article_fields_lose_no_record() {
    let ran = run_all(|a| {
        is_field(a)
            && a.if_wrong != IfWrong::Blocks
            && a.id.split('.').next().is_some_and(|kind| {
                matches!(kind, "attachment" | "form" | "form_instance" | "article")
            })
    })
    .await;
    assert!(ran >= 5, "{ran} scenarios");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_hosts_and_dates_behaviours() {
    let ran = run_all(|a| a.subject == Subject::Behaviour).await;
    assert!(ran >= 7, "{ran} scenarios");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_registry_entry_has_a_scenario_or_a_client_check() {
    let baseline = baseline().await;
    for assumption in REGISTRY {
        let covered = !scenarios(assumption, &baseline.actions).is_empty();
        if !covered {
            let Subject::Endpoint(endpoint) = assumption.subject else {
                panic!("{} has no scenario", assumption.id);
            };
            // An action the migration does not call: the client must name it when absent.
            let sim = VivantioSim::start(
                VivantioSimConfig {
                    quirks: WireQuirks::missing_action(endpoint.path),
                    ..VivantioSimConfig::default()
                },
                Instance::sample().unwrap(),
            )
            .await
            .unwrap();
            let client = vivantio_client::Client::builder()
                .platform_url(sim.platform_url())
                .credentials("api-user", "api-password")
                .build()
                .unwrap();
            let error = client
                .call_results::<serde_json::Value, [i64]>(endpoint, Some(1), Some(&[1]))
                .await
                .expect_err(endpoint.path);
            assert!(error.is_unknown_action(), "{endpoint}: {error}");
            assert!(error.to_string().contains(assumption.id), "{error}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acknowledged_blocking_finding_lets_the_migration_go_on_without_that_part() {
    let baseline = baseline().await;
    let id = "endpoint.article_select";
    let tenant = Tenant::start(WireQuirks::missing_action("Article/Select")).await;
    tenant.plan_and_confirm().await.unwrap();
    let refused = tenant.migrate().await.expect_err("blocked");
    assert!(refused.contains("[wire] acknowledged"), "{refused}");
    tenant.acknowledge(id);
    tenant.plan_and_confirm().await.unwrap();
    tenant.migrate().await.unwrap();
    let mut expected = baseline.snapshot.counts();
    let found = Snapshot::of(&tenant.intercom.workspace()).counts();
    expected.remove("articles");
    expected.remove("collections");
    assert_eq!(found.get("articles"), None, "{found:?}");
    let mut found = found;
    found.remove("collections");
    // Article images are files; without articles there are fewer.
    expected.remove("files");
    found.remove("files");
    assert_eq!(found, expected);
}
