//! Every client operation, called with fully populated requests.

use futures::{StreamExt, TryStreamExt};
use intercom_client::search::{SearchOperator, SearchQuery};
use intercom_client::{Client, Error, ItemStream};
use serde_json::json;

/// Records a failed call as a line of text.
macro_rules! check {
    ($failures:ident, $label:expr, $call:expr) => {
        if let Err(error) = $call {
            $failures.push(format!("{}: {}", $label, error));
        }
    };
}
pub(crate) use check;

/// Collects up to three items (documented examples repeat their cursors forever).
pub async fn drain<T>(stream: ItemStream<T>) -> Result<(), Error> {
    stream.take(3).try_collect::<Vec<T>>().await.map(|_| ())
}

/// Custom attribute values from a JSON object.
pub fn attributes(value: serde_json::Value) -> intercom_client::common::CustomAttributes {
    serde_json::from_value(value).expect("an object")
}

/// A search using groups, comparisons and an array value.
pub fn sample_query() -> SearchQuery {
    SearchQuery::or(vec![
        SearchQuery::eq("external_id", "viv-42"),
        SearchQuery::field("created_at", SearchOperator::GreaterThan, 1_600_000_000),
        SearchQuery::field("role", SearchOperator::In, json!(["user", "lead"])),
    ])
}

/// Calls every operation; returns a line per failed call.
pub async fn exercise_every_operation(client: &Client) -> Vec<String> {
    let mut failures = Vec::new();
    super::records::exercise(client, &mut failures).await;
    super::inbox::exercise(client, &mut failures).await;
    failures
}
