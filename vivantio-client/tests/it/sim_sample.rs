//! The whole bundled sample instance read through the client from the Vivantio simulator: every
//! record arrives once. Also the windowed pager against the simulator's result cap while tickets
//! are inserted mid-run.

use std::collections::BTreeSet;
use std::time::Duration;

use fixtures::instance::{Instance, Kind};
use fixtures::sim::vivantio::{VivantioSim, VivantioSimConfig};
use futures::TryStreamExt;
use serde_json::{json, Value};
use vivantio_client::actions::ActionOptions;
use vivantio_client::paging::Selectable;
use vivantio_client::query::Query;
use vivantio_client::{
    AttachmentId, Client, LimiterSettings, SystemArea, TicketId, WindowSettings,
};

/// The sample, or `None` (with a note) when it is not there.
fn sample() -> Option<Instance> {
    let dir = Instance::sample_dir();
    if !dir.join("manifest.json").is_file() {
        eprintln!("SKIPPED: no sample instance at {}", dir.display());
        return None;
    }
    Some(Instance::sample().expect("the sample instance loads"))
}

async fn serve(
    instance: &Instance,
    result_cap: usize,
    window: WindowSettings,
) -> (VivantioSim, Client) {
    let config = VivantioSimConfig {
        result_cap,
        ..VivantioSimConfig::default()
    };
    let sim = VivantioSim::start(config, instance.clone())
        .await
        .expect("the simulator starts");
    let client = Client::builder()
        .platform_url(sim.platform_url())
        .credentials("api-user", "api-password")
        .limiter(LimiterSettings {
            initial_interval: Duration::ZERO,
            ..LimiterSettings::default()
        })
        .window_settings(window)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a valid client");
    (sim, client)
}

fn small_windows() -> WindowSettings {
    WindowSettings {
        initial_width: 4,
        target_per_window: 4,
        open_end_after_empty_span: 32,
        ..WindowSettings::default()
    }
}

fn int(record: &Value, field: &str) -> Option<i64> {
    record.get(field).and_then(Value::as_i64)
}

/// The ids of `records`, sorted, duplicates kept (so a repeat shows up as a difference).
fn sorted(ids: impl IntoIterator<Item = impl Into<i64>>) -> Vec<i64> {
    let mut ids: Vec<i64> = ids.into_iter().map(Into::into).collect();
    ids.sort_unstable();
    ids
}

fn ids_of(instance: &Instance, kind: Kind) -> Vec<i64> {
    sorted(instance.records(kind).iter().filter_map(|r| int(r, "Id")))
}

async fn stream_ids<T: Selectable>(
    stream: futures::stream::BoxStream<'static, Result<T, vivantio_client::Error>>,
) -> Vec<i64> {
    stream
        .map_ok(|record| -> i64 { record.id().into() })
        .try_collect()
        .await
        .expect("stream")
}

#[tokio::test]
async fn the_whole_sample_arrives_once() {
    let Some(instance) = sample() else { return };
    let (_sim, client) = serve(&instance, 10, small_windows()).await;

    // Queryable records: streamed in windows under a cap of 10, in id order, each once.
    let organisations = stream_ids(client.clients().stream(Query::match_all())).await;
    let callers = stream_ids(client.callers().stream(Query::match_all())).await;
    let locations = stream_ids(client.locations().stream(Query::match_all())).await;
    let articles = stream_ids(client.articles().stream(Query::match_all())).await;
    let tickets = stream_ids(client.tickets().stream(Query::match_all())).await;
    assert_eq!(organisations, ids_of(&instance, Kind::Clients));
    assert_eq!(callers, ids_of(&instance, Kind::Callers));
    assert_eq!(locations, ids_of(&instance, Kind::Locations));
    assert_eq!(articles, ids_of(&instance, Kind::Articles));
    assert_eq!(tickets, ids_of(&instance, Kind::Tickets));

    // Configuration.
    let config = client.configuration();
    let types = config.ticket_types().await.unwrap();
    assert_eq!(
        sorted(types.iter().map(|t| t.id)),
        ids_of(&instance, Kind::TicketTypes)
    );
    let (mut statuses, mut priorities, mut categories, mut legacy, mut forms) =
        (vec![], vec![], vec![], vec![], vec![]);
    for record_type in types.iter().map(|t| t.id) {
        statuses.extend(
            config
                .statuses(record_type)
                .await
                .unwrap()
                .iter()
                .map(|s| s.id),
        );
        priorities.extend(
            config
                .priorities(record_type)
                .await
                .unwrap()
                .iter()
                .map(|p| p.id),
        );
        categories.extend(
            config
                .categories(record_type)
                .await
                .unwrap()
                .iter()
                .map(|c| c.id),
        );
        legacy.extend(
            config
                .extension_fields(record_type)
                .await
                .unwrap()
                .iter()
                .map(|f| f.id),
        );
        forms.extend(
            client
                .custom_forms()
                .definitions(record_type)
                .await
                .unwrap()
                .iter()
                .map(|f| f.id),
        );
    }
    categories.extend(
        client
            .articles()
            .categories()
            .await
            .unwrap()
            .iter()
            .map(|c| c.id),
    );
    assert_eq!(sorted(statuses), ids_of(&instance, Kind::Statuses));
    assert_eq!(
        sorted(priorities.clone()),
        ids_of(&instance, Kind::Priorities)
    );
    assert_eq!(sorted(categories), ids_of(&instance, Kind::Categories));
    assert_eq!(sorted(legacy), ids_of(&instance, Kind::ExtensionFields));
    assert_eq!(sorted(forms), ids_of(&instance, Kind::CustomForms));
    let mut targets = vec![];
    for priority in priorities {
        targets.extend(
            config
                .sla_stage_targets(priority)
                .await
                .unwrap()
                .iter()
                .map(|t| t.id),
        );
    }
    assert_eq!(sorted(targets), ids_of(&instance, Kind::SlaTargets));
    assert_eq!(
        sorted(config.users().await.unwrap().iter().map(|u| u.id)),
        ids_of(&instance, Kind::Users)
    );
    let groups = config.groups().await.unwrap();
    assert_eq!(
        sorted(groups.iter().map(|g| g.id)),
        ids_of(&instance, Kind::Groups)
    );
    let mut memberships = 0;
    for group in &groups {
        memberships += config.users_in_group(group.id).await.unwrap().len();
    }
    let expected_memberships: usize = instance
        .records(Kind::Groups)
        .iter()
        .map(|g| g["UserIds"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(memberships, expected_memberships);

    // Everything that hangs off a ticket.
    let (mut actions, mut attachments, mut stages, mut form_values, mut links) =
        (vec![], vec![], vec![], vec![], vec![]);
    for &ticket in &tickets {
        let ticket = TicketId::new(ticket);
        let history = client
            .tickets()
            .actions(ticket, ActionOptions::default())
            .await
            .unwrap();
        actions.extend(history.iter().map(|a| a.id));
        let on_actions: BTreeSet<AttachmentId> = history
            .iter()
            .flat_map(|a| &a.attachments)
            .filter_map(|f| f.id)
            .collect();
        let listed = client
            .attachments()
            .list(ticket, SystemArea::Ticket)
            .await
            .unwrap();
        assert!(
            listed
                .iter()
                .filter_map(|f| f.id)
                .all(|id| on_actions.contains(&id)),
            "ticket {ticket}"
        );
        attachments.extend(listed.iter().filter_map(|f| f.id));
        stages.extend(
            client
                .tickets()
                .sla_stages(ticket)
                .await
                .unwrap()
                .iter()
                .map(|s| s.id),
        );
        form_values.extend(
            client
                .custom_forms()
                .instances(None, ticket, SystemArea::Ticket)
                .await
                .unwrap()
                .iter()
                .map(|f| f.id),
        );
        for parent in client.tickets().parents(ticket).await.unwrap() {
            links.push((parent.id.get(), ticket.get()));
        }
    }
    for &article in &articles {
        attachments.extend(
            client
                .attachments()
                .list(article, SystemArea::Article)
                .await
                .unwrap()
                .iter()
                .filter_map(|f| f.id),
        );
    }
    assert_eq!(sorted(actions), ids_of(&instance, Kind::Actions));
    assert_eq!(sorted(attachments), ids_of(&instance, Kind::Attachments));
    assert_eq!(sorted(stages), ids_of(&instance, Kind::SlaInstances));
    assert_eq!(
        sorted(form_values),
        ids_of(&instance, Kind::CustomFormInstances)
    );
    links.sort_unstable();
    let mut expected_links: Vec<(i64, i64)> = instance
        .records(Kind::TicketLinks)
        .iter()
        .filter_map(|l| Some((int(l, "ParentId")?, int(l, "ChildId")?)))
        .collect();
    expected_links.sort_unstable();
    assert_eq!(links, expected_links);
}

#[tokio::test]
async fn small_attachments_download_with_their_checksums() {
    let Some(instance) = sample() else { return };
    let (_sim, client) = serve(&instance, 500, WindowSettings::default()).await;
    let mut checked = 0;
    // Files over 1 MB are synthetic filler; leaving them out keeps the suite fast.
    for record in instance
        .records(Kind::Attachments)
        .iter()
        .filter(|r| r["Size"].as_u64().is_some_and(|s| s <= 1 << 20))
    {
        let downloaded = client
            .attachments()
            .download(record["AttachmentGuid"].as_str().unwrap())
            .await
            .unwrap();
        assert_eq!(Some(downloaded.size), record["Size"].as_u64());
        assert_eq!(
            downloaded.sha256,
            record["Sha256"].as_str().unwrap(),
            "{record}"
        );
        assert_eq!(downloaded.file_name.as_deref(), record["FileName"].as_str());
        checked += 1;
    }
    assert!(checked >= 10);
}

#[tokio::test]
async fn the_pager_reads_tickets_inserted_mid_run_once() {
    let Some(instance) = sample() else { return };
    let (sim, client) = serve(&instance, 5, small_windows()).await;
    let mut stream = client.tickets().stream(Query::match_all());
    let mut seen = Vec::new();
    let mut inserted = Vec::new();
    while let Some(ticket) = stream.try_next().await.expect("stream") {
        seen.push(ticket.id.get());
        if seen.len() == 10 {
            for title in ["Inserted mid-run", "Noch einer – mitten im Lauf"] {
                inserted.push(sim.insert_ticket(json!({"RecordTypeId": 11, "Title": title})));
            }
        }
    }
    let mut expected = ids_of(&instance, Kind::Tickets);
    expected.extend(&inserted);
    assert_eq!(
        seen, expected,
        "every ticket once, in id order, the inserted ones last"
    );
    let largest = client.tickets().select(&Query::match_all()).await;
    assert!(
        largest.is_err_and(|e| e.is_too_many_results()),
        "the cap was in force throughout"
    );
}
