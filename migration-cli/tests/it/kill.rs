//! The real binary killed with SIGKILL at many points of a migration, a delta and a rollback,
//! then resumed: afterwards the Intercom simulator must hold exactly what an uninterrupted run
//! produces, record for record and part for part, with no duplicate and nothing missing.
//!
//! Kill points are chosen by the Intercom simulator's count of writes received, spread evenly
//! over the whole uninterrupted run so that every phase is hit. Half the points freeze the
//! simulator right after the chosen write is applied and kill the process while it waits for
//! that answer (between request and response, the hardest instant); the other half kill the
//! running process as soon as the count is reached, wherever it happens to be (journalling,
//! reading Vivantio, between two writes).
//!
//! Every world (fresh simulators, a fresh copy of a confirmed project) takes three kills in a
//! row: its migration, then its delta after the same Vivantio changes, then its rollback. Worlds
//! run on a few tasks at once. The same holds in open-first order (`[run] order =
//! "open_first"`), killed in its open pass and in its history.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fixtures::instance::Kind;
use fixtures::sim::intercom::{IntercomFaults, IntercomSim};
use fixtures::sim::vivantio::VivantioSim;
use migration_cli::store::{Store, OPEN_TICKETS_MOVED};
use migration_core::engine::RunOrder;
use serde_json::json;

use crate::common::binary::{self, set_run_order, BinaryWorld, Finished, Template};
use crate::common::compare::{assert_same, Snapshot};

/// Worlds killed once in their migration and once in their delta.
const LOAD_WORLDS: usize = 20;
/// Worlds killed once in their rollback, after an uninterrupted migration and delta (kills
/// during a migration are the load worlds' part).
const ROLLBACK_WORLDS: usize = 16;
/// Worlds killed once in their open-first migration and once in their delta.
const OPEN_FIRST_LOAD_WORLDS: usize = 20;
/// Worlds killed once in the rollback of an open-first migration.
const OPEN_FIRST_ROLLBACK_WORLDS: usize = 4;
/// Worlds in flight at once (each runs one binary at a time).
const PARALLEL: usize = 3;
/// How often the simulator's write count is read while waiting for a kill point.
const POLL: Duration = Duration::from_millis(1);

const MIGRATE: &[&str] = &["migrate", "--yes", "--continue-on-mismatch"];
const DELTA: &[&str] = &["delta", "--yes"];
const ROLLBACK: &[&str] = &["rollback", "--yes"];
/// A migration or delta that finished (some sample records are rejected on purpose: 6).
const RUN_DONE: &[i32] = &[0, 6];
const ROLLBACK_DONE: &[i32] = &[0];

/// What an uninterrupted world produced, and how many writes each step sent.
struct Reference {
    /// Write counts at which each phase of the migration began, in phase order.
    phase_starts: Vec<(String, u64)>,
    migrated: Snapshot,
    delta: Snapshot,
    rolled_back: Snapshot,
    migrate_writes: u64,
    delta_writes: u64,
    rollback_writes: u64,
}

/// One world to run.
#[derive(Debug, Clone, Copy)]
enum Job {
    /// A migration and a delta killed at point `index` of `of`.
    Load { index: usize, of: usize },
    /// A rollback killed at point `index` of `of`.
    Rollback { index: usize, of: usize },
}

impl Job {
    /// `loads` load worlds, then `rollbacks` rollback worlds.
    fn all(loads: usize, rollbacks: usize) -> VecDeque<Job> {
        let load = (0..loads).map(|index| Job::Load { index, of: loads });
        let rollback = (0..rollbacks).map(|index| Job::Rollback {
            index,
            of: rollbacks,
        });
        load.chain(rollback).collect()
    }
}

/// How one kill went.
#[derive(Debug, Clone)]
struct KillReport {
    step: &'static str,
    at_write: u64,
    held: bool,
    killed: bool,
    phase: String,
    compared: usize,
    duplicates: usize,
    missing: usize,
    duplicate_events: usize,
    missing_events: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_at_many_points_and_resumed_the_workspace_matches_an_uninterrupted_run() {
    let started = Instant::now();
    let template = Arc::new(Template::confirmed().await);
    let reference = Arc::new(reference(&template).await);
    assert!(
        reference.delta_writes > 0,
        "the Vivantio changes must give the delta something to write"
    );
    let jobs = Job::all(LOAD_WORLDS, ROLLBACK_WORLDS);
    let reports = run_worlds(&template, &reference, jobs).await;
    let phases = check_kills(&reports, &reference, started, 50);
    for phase in ["attributes", "companies", "contacts", "articles", "threads"] {
        assert!(
            phases.contains_key(&format!("migrate/{phase}")),
            "no kill landed in the migration's {phase} phase: {phases:?} (phases began at writes {:?})",
            reference.phase_starts
        );
    }
}

/// Open-first order: killed in the open pass (its people, articles and open tickets) and in
/// the history, resumed, the workspace matches an uninterrupted open-first run, which matches
/// an uninterrupted run by stage.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_at_many_points_in_open_first_order_and_resumed_the_workspace_matches() {
    let started = Instant::now();
    let by_stage = Template::confirmed().await;
    let template = Template::confirmed().await;
    set_run_order(template.path(), RunOrder::OpenFirst);
    let template = Arc::new(template);
    let reference = Arc::new(reference(&template).await);
    let world = BinaryWorld::start(&by_stage).await;
    world.run_expecting(MIGRATE, RUN_DONE).await;
    assert_same(
        "open first against by stage, uninterrupted",
        &reference.migrated,
        &Snapshot::of(&world.intercom.workspace()),
    );
    let jobs = Job::all(OPEN_FIRST_LOAD_WORLDS, OPEN_FIRST_ROLLBACK_WORLDS);
    let reports = run_worlds(&template, &reference, jobs).await;
    let phases = check_kills(&reports, &reference, started, 25);
    for phase in ["contacts", "articles", "threads", "history"] {
        assert!(
            phases.contains_key(&format!("migrate/{phase}")),
            "no kill landed in the open-first migration's {phase} phase: {phases:?} (phases began at writes {:?})",
            reference.phase_starts
        );
    }
}

/// Runs `jobs` on [`PARALLEL`] tasks and returns how every kill went.
async fn run_worlds(
    template: &Arc<Template>,
    reference: &Arc<Reference>,
    jobs: VecDeque<Job>,
) -> Vec<KillReport> {
    let queue: Arc<Mutex<VecDeque<Job>>> = Arc::new(Mutex::new(jobs));
    let mut tasks = Vec::new();
    for _ in 0..PARALLEL {
        let (queue, template, reference) = (queue.clone(), template.clone(), reference.clone());
        tasks.push(tokio::spawn(async move {
            let mut reports = Vec::new();
            loop {
                let next = queue.lock().unwrap().pop_front();
                let Some(job) = next else { break };
                reports.extend(match job {
                    Job::Load { index, of } => killed_load(&template, &reference, index, of).await,
                    Job::Rollback { index, of } => {
                        killed_rollback(&template, &reference, index, of).await
                    }
                });
            }
            reports
        }));
    }
    let mut reports = Vec::new();
    for task in tasks {
        reports.extend(task.await.expect("a world failed; its panic is above"));
    }
    reports
}

/// Prints what the kills found and requires no duplicate, nothing missing, at least
/// `min_kills` kills and one in each step; returns the kills per step and phase.
fn check_kills(
    reports: &[KillReport],
    reference: &Reference,
    started: Instant,
    min_kills: usize,
) -> BTreeMap<String, usize> {
    let killed = reports.iter().filter(|report| report.killed).count();
    let held = reports
        .iter()
        .filter(|report| report.killed && report.held)
        .count();
    let compared: usize = reports.iter().map(|report| report.compared).sum();
    let duplicates: usize = reports.iter().map(|report| report.duplicates).sum();
    let missing: usize = reports.iter().map(|report| report.missing).sum();
    let duplicate_events: usize = reports.iter().map(|report| report.duplicate_events).sum();
    let missing_events: usize = reports.iter().map(|report| report.missing_events).sum();
    let not_killed: Vec<(&str, u64)> = reports
        .iter()
        .filter(|report| !report.killed)
        .map(|report| (report.step, report.at_write))
        .collect();
    let mut phases: BTreeMap<String, usize> = BTreeMap::new();
    for report in reports.iter().filter(|report| report.killed) {
        *phases
            .entry(format!("{}/{}", report.step, report.phase))
            .or_default() += 1;
    }
    println!(
        "kill points: {killed} processes killed with SIGKILL ({held} between a write and its answer) of {} planned; \
         {compared} records and parts compared; {duplicates} duplicates; {missing} missing \
         (records, replies, notes); {duplicate_events} repeated and {missing_events} missing events \
         (assignments, state changes); \
         writes per uninterrupted step: migrate {}, delta {}, rollback {}; migration phases began at writes {:?}; kills per step/phase: {phases:?}; \
         finished before their kill (step, write): {not_killed:?}; {:.1} s",
        reports.len(),
        reference.migrate_writes,
        reference.delta_writes,
        reference.rollback_writes,
        reference.phase_starts,
        started.elapsed().as_secs_f64()
    );
    assert_eq!(duplicates, 0);
    assert_eq!(missing, 0);
    assert_eq!(duplicate_events, 0, "assignments or state changes repeated");
    assert_eq!(missing_events, 0, "assignments or state changes lost");
    assert!(
        killed >= min_kills,
        "only {killed} kills landed: {reports:#?}"
    );
    for step in ["migrate", "delta", "rollback"] {
        assert!(
            reports
                .iter()
                .any(|report| report.killed && report.step == step),
            "no kill landed in the {step}"
        );
    }
    phases
}

/// A ticket type or attribute whose create was applied but whose answer never arrived (the
/// process died) is found by name on resume; Intercom dated it after the first run began, so it
/// is settled as created by the run and rollback archives it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_create_whose_answer_died_with_the_process_is_rolled_back() {
    let template = Template::confirmed().await;
    let world = BinaryWorld::start(&template).await;
    // The first write of a migration creates a ticket type or an attribute.
    world
        .intercom
        .set_faults(IntercomFaults::hold_after_writes(1));
    let child = world.spawn(MIGRATE);
    let deadline = Instant::now() + binary::COMMAND_DEADLINE;
    while world.intercom.stats().fault("held") == 0 {
        assert!(Instant::now() < deadline, "the first write never came");
        tokio::time::sleep(POLL).await;
    }
    assert!(binary::kill(child).await);
    world.intercom.set_faults(IntercomFaults::none());
    world.run_expecting(MIGRATE, RUN_DONE).await;
    world.run_expecting(ROLLBACK, ROLLBACK_DONE).await;
    assert!(
        world.intercom.workspace().is_empty_of_migrated_data(),
        "the rollback left what the killed run created: {:?}",
        world.intercom.workspace().migrated_record_counts()
    );
}

/// One uninterrupted world: migrate, change Vivantio, delta, rollback, counting writes.
async fn reference(template: &Template) -> Reference {
    let world = BinaryWorld::start(template).await;
    // Watch the workspace while the migration runs to learn where each phase begins.
    let mut child = world.spawn(MIGRATE);
    let mut phase_starts: Vec<(String, u64)> = Vec::new();
    while child.try_wait().unwrap().is_none() {
        let at = writes(&world.intercom);
        let now = phase("migrate", &world);
        if at > 0 && phase_starts.last().is_none_or(|(last, _)| *last != now) {
            phase_starts.push((now, at));
        }
        tokio::time::sleep(POLL).await;
    }
    let finished = binary::finish(child, MIGRATE).await;
    assert!(
        RUN_DONE.contains(&finished.code()),
        "{}",
        describe(&finished)
    );
    let migrate_writes = writes(&world.intercom);
    let migrated = Snapshot::of(&world.intercom.workspace());
    change_vivantio(&world.vivantio);
    world.intercom.reset_stats();
    world.run_expecting(DELTA, RUN_DONE).await;
    let delta_writes = writes(&world.intercom);
    let delta = Snapshot::of(&world.intercom.workspace());
    world.intercom.reset_stats();
    world.run_expecting(ROLLBACK, ROLLBACK_DONE).await;
    let rollback_writes = writes(&world.intercom);
    let rolled_back = Snapshot::of(&world.intercom.workspace());
    assert!(world.intercom.workspace().is_empty_of_migrated_data());
    Reference {
        phase_starts,
        migrated,
        delta,
        rolled_back,
        migrate_writes,
        delta_writes,
        rollback_writes,
    }
}

/// Load world `index`: its migration and then its delta killed at the `index`-th of `of`
/// evenly spread write counts, each resumed and compared with the reference.
async fn killed_load(
    template: &Template,
    reference: &Reference,
    index: usize,
    of: usize,
) -> Vec<KillReport> {
    let world = BinaryWorld::start(template).await;
    // Alternate the kind of kill, and swap it for the delta so each step gets both kinds.
    let migrate = kill_and_resume(
        &world,
        "migrate",
        MIGRATE,
        RUN_DONE,
        migrate_point(reference, index, of),
        index.is_multiple_of(2),
        &reference.migrated,
    )
    .await;
    change_vivantio(&world.vivantio);
    let delta = kill_and_resume(
        &world,
        "delta",
        DELTA,
        RUN_DONE,
        point(index, of, reference.delta_writes),
        !index.is_multiple_of(2),
        &reference.delta,
    )
    .await;
    vec![migrate, delta]
}

/// Rollback world `index`: an uninterrupted migration and delta, then the rollback killed at
/// the `index`-th of `of` write counts, resumed, and compared.
async fn killed_rollback(
    template: &Template,
    reference: &Reference,
    index: usize,
    of: usize,
) -> Vec<KillReport> {
    let world = BinaryWorld::start(template).await;
    world.run_expecting(MIGRATE, RUN_DONE).await;
    change_vivantio(&world.vivantio);
    world.run_expecting(DELTA, RUN_DONE).await;
    let rollback = kill_and_resume(
        &world,
        "rollback",
        ROLLBACK,
        ROLLBACK_DONE,
        point(index, of, reference.rollback_writes),
        index.is_multiple_of(2),
        &reference.rolled_back,
    )
    .await;
    assert!(
        world.intercom.workspace().is_empty_of_migrated_data(),
        "rollback world {index}: the resumed rollback left migrated data: {:?}",
        world.intercom.workspace().migrated_record_counts()
    );
    vec![rollback]
}

/// The `index`-th of `of` kill points of the migration: two in every phase (its first and last
/// write), the rest spread evenly over the whole run.
fn migrate_point(reference: &Reference, index: usize, of: usize) -> u64 {
    let mut points: Vec<u64> = Vec::new();
    for (n, (_, start)) in reference.phase_starts.iter().enumerate() {
        let end = reference
            .phase_starts
            .get(n + 1)
            .map_or(reference.migrate_writes, |(_, next)| next.saturating_sub(1));
        points.extend([*start, end.max(*start)]);
    }
    let spread = of.saturating_sub(points.len());
    points.extend((0..spread).map(|n| point(n, spread, reference.migrate_writes)));
    points.sort_unstable();
    points
        .get(index)
        .copied()
        .unwrap_or(reference.migrate_writes)
}

/// The `index`-th of `points` write counts spread evenly over `1..=total`.
fn point(index: usize, points: usize, total: u64) -> u64 {
    let span = total.saturating_sub(1);
    1 + span * index as u64 / (points as u64 - 1).max(1)
}

/// Runs `args`, kills the process at write `at` (frozen on that write's answer when `hold`),
/// resumes it to the end, and compares the workspace with `expected`.
async fn kill_and_resume(
    world: &BinaryWorld,
    step: &'static str,
    args: &[&str],
    done: &[i32],
    at: u64,
    hold: bool,
    expected: &Snapshot,
) -> KillReport {
    world.intercom.reset_stats();
    if hold {
        world
            .intercom
            .set_faults(IntercomFaults::hold_after_writes(at));
    }
    let mut child = world.spawn(args);
    let deadline = Instant::now() + binary::COMMAND_DEADLINE;
    let reached = loop {
        let stats = world.intercom.stats();
        let reached = if hold {
            stats.fault("held") > 0
        } else {
            write_count(&stats) >= at
        };
        if reached {
            break true;
        }
        if child.try_wait().unwrap().is_some() {
            break false;
        }
        assert!(Instant::now() < deadline, "{step}: write {at} never came");
        tokio::time::sleep(POLL).await;
    };
    let phase = phase(step, world);
    let killed = if reached {
        binary::kill(child).await
    } else {
        let finished = binary::finish(child, args).await;
        panic!(
            "{step} finished before write {at} (of an uninterrupted run's count): {}",
            describe(&finished)
        );
    };
    // Lift the freeze: the held requests of the dead process are closed.
    world.intercom.set_faults(IntercomFaults::none());
    let resumed = world.run(args).await;
    assert!(
        done.contains(&resumed.code()),
        "{step} resumed after a kill at write {at}: {}",
        describe(&resumed)
    );
    let found = Snapshot::of(&world.intercom.workspace());
    let context = format!(
        "{step} killed at write {at} ({}) and resumed",
        if hold { "held answer" } else { "running" }
    );
    let difference = found.compare(expected);
    let report = KillReport {
        step,
        at_write: at,
        held: hold,
        killed,
        phase,
        compared: difference.compared,
        duplicates: difference.duplicates,
        missing: difference.missing,
        duplicate_events: difference.duplicate_events,
        missing_events: difference.missing_events,
    };
    assert_same(&context, &found, expected);
    report
}

/// The phase a kill landed in, from what the workspace held at that instant; in open-first
/// order, `history` once the state store says every open ticket is in Intercom.
fn phase(step: &str, world: &BinaryWorld) -> String {
    if step != "migrate" {
        return step.to_string();
    }
    let counts = world.intercom.workspace().migrated_record_counts();
    let has = |kind: &str| counts.get(kind).copied().unwrap_or(0) > 0;
    let phase = if (has("conversations") || has("tickets")) && open_tickets_moved(world) {
        "history"
    } else if has("conversations") || has("tickets") {
        "threads"
    } else if has("articles") || has("collections") {
        "articles"
    } else if has("contacts") {
        "contacts"
    } else if has("companies") {
        "companies"
    } else {
        "attributes"
    };
    phase.to_string()
}

/// Whether the run in `world` (open-first) has every open ticket in Intercom: read beside the
/// running process, as `status` reads it.
fn open_tickets_moved(world: &BinaryWorld) -> bool {
    Store::open_read_only(&world.state_dir())
        .and_then(|store| store.milestone(OPEN_TICKETS_MOVED))
        .is_ok_and(|milestone| milestone.is_some())
}

/// Writes the Intercom simulator handled since its stats were reset.
fn writes(intercom: &IntercomSim) -> u64 {
    write_count(&intercom.stats())
}

/// Handled writes: every POST, PUT and DELETE except searches and list-by-POST (the rule the
/// simulator's fault gate uses).
fn write_count(stats: &fixtures::sim::intercom::SimStats) -> u64 {
    stats
        .operations
        .iter()
        .filter(|(operation, _)| {
            let (method, path) = operation.split_once(' ').unwrap_or(("", ""));
            matches!(method, "POST" | "PUT" | "DELETE")
                && !path.ends_with("/search")
                && path != "/companies/list"
        })
        .map(|(_, count)| count)
        .sum()
}

/// The same Vivantio changes in every world, with fixed dates so that every delta writes the
/// same parts: new messages on six tickets and one new ticket.
fn change_vivantio(vivantio: &VivantioSim) {
    let tickets = vivantio.records(Kind::Tickets);
    let ids: Vec<i64> = tickets
        .iter()
        .filter_map(|ticket| ticket.get("Id").and_then(serde_json::Value::as_i64))
        .collect();
    for (n, ticket) in ids.iter().step_by(7).take(6).enumerate() {
        let added = vivantio.add_action(
            *ticket,
            json!({
                "ActionType": "EmailIn",
                "Description": "Email received",
                "Notes": format!("Any news on this? (follow-up {n} during the cutover window)"),
                "Private": false,
                "ActionDate": format!("2026-04-0{}T09:30:00", n + 1),
            }),
        );
        assert!(added.is_some(), "ticket {ticket} exists");
    }
    let mut new_ticket = tickets[0].clone();
    let fields = new_ticket.as_object_mut().expect("a ticket is an object");
    for generated in [
        "Id",
        "DisplayId",
        "LastModifiedDate",
        "CloseDate",
        "LastActionId",
    ] {
        fields.remove(generated);
    }
    fields.insert("Title".into(), json!("Printer on floor 3 offline again"));
    fields.insert("OpenDate".into(), json!("2026-04-02T08:00:00"));
    vivantio.insert_ticket(new_ticket);
}

fn describe(finished: &Finished) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        finished.status,
        finished.stdout.chars().take(3000).collect::<String>(),
        finished.stderr.chars().take(3000).collect::<String>()
    )
}
