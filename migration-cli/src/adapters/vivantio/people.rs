//! Organisation and caller streams, with the custom form values of their record type when the
//! tenant defines forms for it, reconciled with the tenant's OData count when it has one.

use futures::stream::BoxStream;
use futures::{future, StreamExt, TryStreamExt};
use migration_core::model::source::FieldValue;
use migration_core::ports::PortStream;
use migration_core::{PortError, PortErrorKind};
use vivantio_client::assumptions::registry::ids::EXTRACTION_COMPLETE;
use vivantio_client::paging::Selectable;
use vivantio_client::{Client, SystemArea};

use super::convert;
use super::errors::with_context;

/// Where a record type's custom forms hang.
#[derive(Debug, Clone)]
pub struct FormOwner {
    /// Record type of the forms (6 organisations, 7 callers).
    pub record_type: i64,
    /// `SystemArea` of the records.
    pub area: SystemArea,
    /// What the records are called in messages.
    pub noun: &'static str,
}

/// Streams `records`, converted with `convert_record`. The form definitions of the owner's record
/// type are read first (one call): when there are none, no per-record form reads are made;
/// otherwise each record's form instances are read, `width` records at a time, order kept.
pub fn with_custom_values<W, C>(
    client: Client,
    records: BoxStream<'static, Result<W, vivantio_client::Error>>,
    owner: FormOwner,
    width: usize,
    convert_record: fn(W, Vec<FieldValue>) -> C,
) -> PortStream<'static, C>
where
    W: Selectable,
    C: Send + 'static,
{
    let noun = owner.noun;
    let stream = async_stream::try_stream! {
        let definitions = client
            .custom_forms()
            .definitions(owner.record_type.into())
            .await
            .map_err(with_context(format!("custom forms of {noun}s")))?;
        let mut records = records.map_err(with_context(format!("{noun}s")));
        if definitions.is_empty() {
            while let Some(record) = records.try_next().await? {
                yield convert_record(record, Vec::new());
            }
        } else {
            let mut completed = records
                .map(|record| {
                    let client = client.clone();
                    let area = owner.area.clone();
                    async move {
                        let record = record?;
                        let id = record.id();
                        let forms = client
                            .custom_forms()
                            .instances(None, id, area)
                            .await
                            .map_err(with_context(format!("custom form values of {noun} {id}")))?;
                        Ok::<_, PortError>(convert_record(record, convert::form_values(forms)))
                    }
                })
                .buffered(width.max(1));
            while let Some(record) = completed.try_next().await? {
                yield record;
            }
        }
    };
    stream.boxed()
}

/// Fails the stream when an id is not greater than the one before: the core keeps the lowest id
/// of callers sharing an email, which needs id order.
pub fn in_id_order<T: Send + 'static>(
    records: PortStream<'static, T>,
    id: fn(&T) -> i64,
    noun: &'static str,
) -> PortStream<'static, T> {
    records
        .scan(None::<i64>, move |last, record| {
            let checked = record.and_then(|record| {
                let current = id(&record);
                match *last {
                    Some(previous) if current <= previous => Err(PortError::new(
                        PortErrorKind::Other,
                        format!("Vivantio: {noun}s arrived out of id order ({current} after {previous})"),
                    )),
                    _ => {
                        *last = Some(current);
                        Ok(record)
                    }
                }
            });
            future::ready(Some(checked))
        })
        .boxed()
}

/// Counts the records of `records` and, when the stream ends, compares the count with the
/// tenant's OData count of `feed` (asked once, before the first record, so that records added
/// during the read make an excess, not a shortfall): see [`check_count`].
pub fn reconciled<T: Send + 'static>(
    client: Client,
    records: PortStream<'static, T>,
    feed: &'static str,
    noun: &'static str,
) -> PortStream<'static, T> {
    let stream = async_stream::try_stream! {
        let expected = client.odata().count(feed).await.map_err(with_context(format!(
            "the OData count of {noun}s, to check that none is lost (set \
             vivantio.odata_reconcile = false to skip this check)"
        )))?;
        let mut records = records;
        let mut extracted: u64 = 0;
        while let Some(record) = records.try_next().await? {
            extracted += 1;
            yield record;
        }
        if let Err(error) = check_count(noun, feed, extracted, expected) {
            client
                .census()
                .contradict(EXTRACTION_COMPLETE, None, error.message.clone());
            Err(error)?;
        }
    };
    stream.boxed()
}

/// Compares the records extracted with the OData count: fewer is an error (records would be
/// lost), more a warning (records added while reading), no count an informational note.
pub fn check_count(
    noun: &'static str,
    feed: &str,
    extracted: u64,
    expected: Option<u64>,
) -> Result<(), PortError> {
    match expected {
        None => {
            tracing::info!(
                noun,
                extracted,
                "Vivantio: no OData count of {noun}s (no tenant URL, or the tenant offers no \
                 /odata/{feed} feed); the extraction is not reconciled"
            );
            Ok(())
        }
        Some(counted) if extracted < counted => Err(PortError::new(
            PortErrorKind::Other,
            format!(
                "Vivantio: {extracted} {noun}s were extracted but the tenant's OData feed \
                 (/odata/{feed}) counts {counted}: {} {noun}s would be lost (assumption \
                 `{EXTRACTION_COMPLETE}`: the API hid or cut records without saying so), so the \
                 read stops here; set vivantio.odata_reconcile = false only if the feed is known \
                 to count differently",
                counted - extracted
            ),
        )),
        Some(counted) if extracted > counted => {
            tracing::warn!(
                noun,
                extracted,
                counted,
                "Vivantio: {extracted} {noun}s were extracted, more than the {counted} the OData \
                 feed counted (records added while reading?)"
            );
            Ok(())
        }
        Some(counted) => {
            tracing::debug!(
                noun,
                counted,
                "Vivantio: extraction matches the OData count"
            );
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::stream;

    #[test]
    fn a_shortfall_fails_an_excess_or_no_count_does_not() {
        let cases: [(u64, Option<u64>, bool); 5] = [
            (10, Some(10), true),
            (11, Some(10), true),
            (10, None, true),
            (0, Some(0), true),
            (9, Some(12), false),
        ];
        for (extracted, expected, ok) in cases {
            let outcome = check_count("caller", "Callers", extracted, expected);
            assert_eq!(outcome.is_ok(), ok, "{extracted} {expected:?}");
        }
        let error = check_count("caller", "Callers", 9, Some(12)).unwrap_err();
        assert_eq!(error.kind, PortErrorKind::Other);
        for part in [
            "9 callers were extracted",
            "counts 12",
            "3 callers would be lost",
        ] {
            assert!(error.message.contains(part), "{}", error.message);
        }
    }

    #[tokio::test]
    async fn out_of_order_ids_fail_the_stream() {
        let records: PortStream<'static, i64> = stream::iter([Ok(1), Ok(3), Ok(2), Ok(4)]).boxed();
        let results: Vec<Result<i64, PortError>> =
            in_id_order(records, |id| *id, "caller").collect().await;
        assert_eq!(results[..2], [Ok(1), Ok(3)]);
        let error = results[2].clone().unwrap_err();
        assert_eq!(
            error.message,
            "Vivantio: callers arrived out of id order (2 after 3)"
        );
        let sorted: PortStream<'static, i64> = stream::iter([Ok(1), Ok(2)]).boxed();
        assert_eq!(
            in_id_order(sorted, |id| *id, "caller")
                .try_collect::<Vec<_>>()
                .await,
            Ok(vec![1, 2])
        );
    }
}
