//! One Vivantio tenant, several Intercom workspaces: two project folders whose `[scope]` names
//! disjoint client organisations, pointed at one Vivantio simulator and an Intercom simulator
//! each, run at the same time. Together they move every ticket of their organisations exactly
//! once, as one unscoped migration would, and each workspace holds only its organisations'
//! people. A workspace's `plan` checks only its own records, and an organisation id Vivantio
//! does not have is refused with the nearest one it has.

use migration_cli::commands::migrate::MigrateOptions;
use migration_cli::commands::plan::PlanOptions;
use std::collections::{BTreeMap, BTreeSet};

use fixtures::instance::{Instance, Kind};
use fixtures::sim::intercom::{IntercomSim, IntercomSimConfig, RateLimitConfig};
use fixtures::sim::vivantio::{VivantioSim, VivantioSimConfig};
use migration_cli::commands::{confirm, demo, migrate, plan};
use migration_cli::project::Project;
use migration_core::engine::RunMode;
use migration_core::keys::RecordKey;
use migration_core::model::source::{SourceKind, SourceRef};
use migration_core::ports::{RecordStatus, StateStore};
use serde_json::Value;

use crate::common;

/// The client organisations each workspace takes (101–105 and 106–109); organisation 110 and
/// tickets without one go to neither.
const FIRST: [i64; 5] = [101, 102, 103, 104, 105];
const SECOND: [i64; 4] = [106, 107, 108, 109];
/// A ticket of organisation 101 given a caller of organisation 106.
const CROSSING: (i64, i64) = (5014, 1022);

/// A project folder with its own Intercom workspace.
struct Folder {
    _dir: tempfile::TempDir,
    intercom: IntercomSim,
    project: Project,
}

/// A folder pointed at `vivantio`, its proposed mapping confirmed with `scope` appended.
async fn folder(vivantio: &VivantioSim, scope: Option<&str>) -> Folder {
    let dir = tempfile::tempdir().unwrap();
    let intercom = IntercomSim::start(IntercomSimConfig {
        rate_limit: RateLimitConfig::off(),
        ..IntercomSimConfig::default()
    })
    .unwrap();
    let project = demo::simulator_project(dir.path(), vivantio, &intercom).unwrap();
    plan::run(
        &project,
        &PlanOptions {
            replace_mapping: true,
        },
    )
    .await
    .unwrap();
    if let Some(scope) = scope {
        let path = project.mapping_path();
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push('\n');
        text.push_str(scope);
        std::fs::write(&path, text).unwrap();
    }
    confirm::run(&project, "test").await.unwrap();
    Folder {
        _dir: dir,
        intercom,
        project,
    }
}

/// The scope of a workspace that takes `organisations` and the people their tickets name.
fn organisation_scope(organisations: &[i64]) -> String {
    let ids: Vec<String> = organisations.iter().map(ToString::to_string).collect();
    format!(
        "[scope]\ncallers = \"referenced\"\norganisations = \"referenced\"\n\n\
         [scope.tickets]\norganisations = [{}]\n",
        ids.join(", ")
    )
}

async fn migrate_full(folder: &Folder) -> Value {
    let outcome = migrate::run(
        &folder.project,
        &MigrateOptions::new(RunMode::Full).continue_on_mismatch(),
        &common::silent(),
    )
    .await
    .unwrap();
    assert!(
        !outcome.human.contains("stopped_on_mismatch"),
        "{}",
        outcome.human
    );
    outcome.json
}

/// Vivantio ticket id → the destination id of the thread it became in `folder`'s workspace.
async fn threads(folder: &Folder, tickets: &[i64]) -> BTreeMap<i64, String> {
    let store = folder.project.open_store().unwrap();
    let mut moved = BTreeMap::new();
    for &ticket in tickets {
        for key in [RecordKey::conversation(ticket), RecordKey::ticket(ticket)] {
            if let Some(destination) = store.lookup(&key).await.unwrap() {
                assert!(
                    moved.insert(ticket, destination.id).is_none(),
                    "ticket {ticket} became two threads"
                );
            }
        }
    }
    moved
}

/// The ids of the threads (conversations and tickets) the workspace holds.
fn workspace_threads(intercom: &IntercomSim) -> BTreeSet<String> {
    let workspace = intercom.workspace();
    workspace
        .conversations
        .values()
        .map(|conversation| conversation.id.clone())
        .chain(workspace.tickets.values().map(|ticket| ticket.id.clone()))
        .collect()
}

async fn status(folder: &Folder, kind: SourceKind, id: i64) -> Option<RecordStatus> {
    let store = folder.project.open_store().unwrap();
    store.record_status(SourceRef::new(kind, id)).await.unwrap()
}

fn client(record: &Value) -> Option<i64> {
    record["ClientId"].as_i64()
}

fn id(record: &Value) -> i64 {
    record["Id"].as_i64().unwrap()
}

fn email(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Gives ticket [`CROSSING`]`.0` (organisation 101) caller [`CROSSING`]`.1` (of 106).
fn cross_organisations(vivantio: &VivantioSim) {
    let guest = vivantio
        .records(Kind::Callers)
        .into_iter()
        .find(|caller| caller["Id"] == CROSSING.1)
        .unwrap();
    assert_eq!(client(&guest), Some(106));
    assert!(vivantio.update_record(Kind::Tickets, CROSSING.0, |ticket| {
        assert_eq!(ticket["ClientId"], 101);
        for field in ["Name", "Email"] {
            ticket[format!("Caller{field}")] = guest[field].clone();
        }
        ticket["CallerId"] = CROSSING.1.into();
    }));
}

/// The run counted every ticket, left out exactly those outside `scope`, and settled the rest.
async fn counted(folder: &Folder, report: &Value, ids: &[i64], scope: &BTreeSet<i64>) {
    let counts = &report["objects"]["ticket"];
    assert_eq!(counts["source"], ids.len() as u64);
    assert_eq!(counts["out_of_scope"], (ids.len() - scope.len()) as u64);
    assert_eq!(
        counts["moved"].as_u64().unwrap() + counts["rejected"].as_u64().unwrap(),
        scope.len() as u64
    );
    for &ticket in ids {
        let status = status(folder, SourceKind::Ticket, ticket).await;
        assert_eq!(
            status == Some(RecordStatus::OutOfScope),
            !scope.contains(&ticket),
            "ticket {ticket}: {status:?}"
        );
    }
}

/// Every ticket `folder` moved is of its `scope`, became a thread of its own, and the
/// workspace holds exactly those threads.
fn only_its_threads(folder: &Folder, moved: &BTreeMap<i64, String>, scope: &BTreeSet<i64>) {
    let outside: Vec<&i64> = moved.keys().filter(|t| !scope.contains(t)).collect();
    assert!(
        outside.is_empty(),
        "tickets of other organisations: {outside:?}"
    );
    let named: BTreeSet<String> = moved.values().cloned().collect();
    assert_eq!(named.len(), moved.len(), "two tickets share a thread");
    assert_eq!(workspace_threads(&folder.intercom), named);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workspaces_with_disjoint_organisations_move_every_ticket_exactly_once() {
    let instance = Instance::sample().unwrap();
    let vivantio = VivantioSim::start(VivantioSimConfig::default(), instance)
        .await
        .unwrap();
    // A caller of the second workspace's organisation raises a ticket of the first's: the
    // caller moves with it, the caller's company does not.
    cross_organisations(&vivantio);
    let first = folder(&vivantio, Some(&organisation_scope(&FIRST))).await;
    let second = folder(&vivantio, Some(&organisation_scope(&SECOND))).await;
    let (first_report, second_report) = tokio::join!(migrate_full(&first), migrate_full(&second));
    let everything = folder(&vivantio, None).await;
    migrate_full(&everything).await;

    let tickets = vivantio.records(Kind::Tickets);
    let ids: Vec<i64> = tickets.iter().map(id).collect();
    let of = |organisations: &[i64]| -> BTreeSet<i64> {
        tickets
            .iter()
            .filter(|ticket| client(ticket).is_some_and(|org| organisations.contains(&org)))
            .map(id)
            .collect()
    };
    let (first_scope, second_scope) = (of(&FIRST), of(&SECOND));
    assert!(
        first_scope.len() + second_scope.len() < ids.len(),
        "some go to neither"
    );
    counted(&first, &first_report, &ids, &first_scope).await;
    counted(&second, &second_report, &ids, &second_scope).await;

    let first_moved = threads(&first, &ids).await;
    let second_moved = threads(&second, &ids).await;
    only_its_threads(&first, &first_moved, &first_scope);
    only_its_threads(&second, &second_moved, &second_scope);
    let twice: Vec<&i64> = first_moved
        .keys()
        .filter(|ticket| second_moved.contains_key(ticket))
        .collect();
    assert!(twice.is_empty(), "moved into both workspaces: {twice:?}");
    let together: BTreeSet<i64> = first_moved
        .keys()
        .chain(second_moved.keys())
        .copied()
        .collect();
    // What one unscoped run moves, of the two workspaces' organisations.
    let expected: BTreeSet<i64> = threads(&everything, &ids)
        .await
        .into_keys()
        .filter(|ticket| first_scope.contains(ticket) || second_scope.contains(ticket))
        .collect();
    assert_eq!(
        together, expected,
        "the workspaces together move what one run moves"
    );
    assert!(expected.len() > 40, "{} tickets moved", expected.len());
    assert!(first_moved.contains_key(&CROSSING.0));

    let callers = vivantio.records(Kind::Callers);
    for (folder, organisations, moved) in [
        (&first, &FIRST[..], &first_moved),
        (&second, &SECOND[..], &second_moved),
    ] {
        let moved: Vec<&Value> = tickets
            .iter()
            .filter(|ticket| moved.contains_key(&id(ticket)))
            .collect();
        only_its_people(folder, organisations, &callers, &moved);
        named_people_moved(folder, organisations, &callers, &moved).await;
    }
}

/// Every contact of `folder`'s workspace is a caller of one of `organisations` or one its
/// `moved` tickets name, and every company is one of `organisations`.
fn only_its_people(folder: &Folder, organisations: &[i64], callers: &[Value], moved: &[&Value]) {
    let ours = |org: Option<i64>| org.is_some_and(|org| organisations.contains(&org));
    // Addresses of callers Vivantio does not have, which a moved ticket names.
    let named: BTreeSet<String> = moved
        .iter()
        .filter(|ticket| {
            !callers
                .iter()
                .any(|caller| caller["Id"] == ticket["CallerId"])
        })
        .filter_map(|ticket| ticket["CallerEmail"].as_str().map(email))
        .collect();
    let workspace = folder.intercom.workspace();
    assert!(!workspace.contacts.is_empty());
    for contact in workspace.contacts.values() {
        let external = contact.external_id.as_deref().unwrap_or_default();
        let caller = external
            .strip_prefix("vivantio-caller-")
            .and_then(|caller| caller.parse::<i64>().ok())
            .and_then(|caller| callers.iter().find(|known| id(known) == caller));
        let belongs = match caller {
            Some(caller) => {
                ours(client(caller))
                    || moved
                        .iter()
                        .any(|ticket| ticket["CallerId"] == caller["Id"])
            }
            None => {
                external == "vivantio-placeholder-unknown-caller"
                    || contact
                        .email
                        .as_deref()
                        .is_some_and(|address| named.contains(&email(address)))
            }
        };
        assert!(
            belongs,
            "contact {:?} ({external}, {:?}) is not of organisations {organisations:?}",
            contact.name, contact.email
        );
    }
    let outside: Vec<&String> = workspace
        .companies
        .values()
        .map(|company| &company.company_id)
        .filter(|org| !organisations.iter().any(|ours| ours.to_string() == **org))
        .collect();
    assert!(
        outside.is_empty(),
        "companies of other organisations: {outside:?}"
    );
}

/// The organisation and caller of every `moved` ticket moved with it; no other caller of
/// another organisation did.
async fn named_people_moved(
    folder: &Folder,
    organisations: &[i64],
    callers: &[Value],
    moved: &[&Value],
) {
    let companies: BTreeSet<String> = folder
        .intercom
        .workspace()
        .companies
        .values()
        .map(|company| company.company_id.clone())
        .collect();
    let known = |caller: i64| callers.iter().any(|known| id(known) == caller);
    for ticket in moved {
        if let Some(org) = client(ticket) {
            assert!(
                companies.contains(&org.to_string()),
                "organisation {org} has no company"
            );
        }
        if let Some(caller) = ticket["CallerId"].as_i64().filter(|caller| known(*caller)) {
            assert_ne!(
                status(folder, SourceKind::Caller, caller).await,
                Some(RecordStatus::OutOfScope),
                "caller {caller} of ticket {}",
                id(ticket)
            );
        }
    }
    let named: BTreeSet<i64> = moved
        .iter()
        .filter_map(|ticket| ticket["CallerId"].as_i64())
        .collect();
    let ours = |org: Option<i64>| org.is_some_and(|org| organisations.contains(&org));
    for caller in callers
        .iter()
        .filter(|caller| !ours(client(caller)) && !named.contains(&id(caller)))
    {
        assert_eq!(
            status(folder, SourceKind::Caller, id(caller)).await,
            Some(RecordStatus::OutOfScope),
            "caller {}",
            id(caller)
        );
    }
}

/// Appends `scope` to the world's mapping.
fn append_scope(world: &common::World, scope: &str) {
    let path = world.project.mapping_path();
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push('\n');
    text.push_str(scope);
    std::fs::write(&path, text).unwrap();
}

/// The records `plan`'s last pre-flight has a finding on, with each finding's severity.
fn findings(world: &common::World) -> Vec<(SourceRef, String)> {
    let path = world
        .project
        .reports_dir()
        .join(migration_cli::report::PREFLIGHT_FINDINGS_FILE);
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| {
            let finding: migration_core::Finding = serde_json::from_str(line).unwrap();
            let severity = serde_json::to_value(finding.severity).unwrap();
            (finding.record, severity.as_str().unwrap().to_string())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_s_plan_checks_only_its_own_records() {
    let world = common::confirmed_world().await;
    let tickets = world.vivantio.records(Kind::Tickets);
    let ours: BTreeSet<i64> = tickets
        .iter()
        .filter(|ticket| client(ticket).is_some_and(|org| SECOND.contains(&org)))
        .map(id)
        .collect();
    let outside = |record: &SourceRef| {
        record.kind == SourceKind::Ticket && !ours.contains(&record.id)
            || record.kind == SourceKind::Organisation && !SECOND.contains(&record.id)
    };
    plan::run(&world.project, &PlanOptions::default())
        .await
        .unwrap();
    let everything = findings(&world);
    assert!(
        everything
            .iter()
            .any(|(record, severity)| outside(record) && severity == "error"),
        "the sample has errors on tickets of other organisations"
    );

    append_scope(&world, &organisation_scope(&SECOND));
    confirm::run(&world.project, "test").await.unwrap();
    world.vivantio.clear_requests();
    let planned = plan::run(&world.project, &PlanOptions::default())
        .await
        .unwrap();
    let scoped = findings(&world);
    let theirs: Vec<&(SourceRef, String)> = scoped
        .iter()
        .filter(|(record, _)| outside(record))
        .collect();
    assert!(
        theirs.is_empty(),
        "findings on records that do not move: {theirs:?}"
    );
    assert!(scoped.iter().any(|(record, _)| ours.contains(&record.id)));
    let left_out = &planned.json["preflight"]["out_of_scope"];
    assert_eq!(left_out["ticket"], (tickets.len() - ours.len()) as u64);
    assert!(left_out["caller"].as_u64().unwrap() > 0);
    assert!(left_out["organisation"].as_u64().unwrap() >= 6);
    let errors = |found: &[(SourceRef, String)]| {
        found
            .iter()
            .filter(|(_, severity)| severity == "error")
            .count()
    };
    assert!(errors(&scoped) < errors(&everything));
    // Pre-flight reads the history of its own tickets only.
    let histories: BTreeSet<i64> = world
        .vivantio
        .requests()
        .iter()
        .filter_map(|request| {
            request
                .path
                .strip_prefix("/api/Ticket/ActionSelectByParentId/")?
                .split(['?', '/'])
                .next()?
                .parse()
                .ok()
        })
        .collect();
    assert!(!histories.is_empty());
    assert!(histories.is_subset(&ours), "{histories:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_vivantio_lacks_is_refused_with_the_nearest_it_has() {
    let world = common::confirmed_world().await;
    append_scope(&world, &organisation_scope(&[101, 1090]));
    let expected = "error: scope.tickets.organisations[1]: the instance has no organisation 1090 \
                    (the nearest is 109 \"Riverside District Council\"); no ticket of it would move";
    let planned = plan::run(&world.project, &PlanOptions::default())
        .await
        .unwrap();
    assert_eq!(planned.exit_code, migration_cli::error::EXIT_REFUSED);
    assert!(planned.human.contains(expected), "{}", planned.human);
    let refused = confirm::run(&world.project, "test").await.unwrap_err();
    assert!(refused.to_string().contains(expected), "{refused}");
}
