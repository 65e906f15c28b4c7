//! Tickets read by id (the history of an open-first run): in the order asked, whatever order
//! `Ticket/SelectList` answers in, each completed as the listing completes it.

use fixtures::instance::Kind;
use futures::TryStreamExt;
use migration_cli::adapters::vivantio::VivantioSourceOptions;
use migration_core::model::source::Ticket;
use migration_core::ports::Source;

use super::harness::*;

#[tokio::test]
async fn tickets_read_by_id_come_in_the_order_asked_and_complete() {
    let Some(instance) = sample() else { return };
    let (sim, source) = serve(
        &instance,
        VivantioSourceOptions {
            record_concurrency: 3,
            ..Default::default()
        },
    )
    .await;
    let listed = all_tickets(&source, None).await;
    // Newest id first, the simulator answering in id order; an id Vivantio no longer has.
    let mut asked = ids(instance.records(Kind::Tickets));
    asked.reverse();
    asked.insert(2, 999_999);
    let before = sim.requests().len();
    let read: Vec<Ticket> = source
        .tickets_by_id(asked.clone().into())
        .expect("the Vivantio source reads tickets by id")
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<i64> = asked.into_iter().filter(|id| *id != 999_999).collect();
    assert_eq!(
        read.iter().map(|ticket| ticket.id).collect::<Vec<_>>(),
        expected
    );
    for ticket in &read {
        let same = listed.iter().find(|other| other.id == ticket.id).unwrap();
        assert_eq!(ticket, same, "ticket {}", ticket.id);
    }
    let lists = sim.requests()[before..]
        .iter()
        .filter(|request| request.path.ends_with("/Ticket/SelectList"))
        .count();
    assert_eq!(lists, 1, "a hundred tickets at a time");
}
