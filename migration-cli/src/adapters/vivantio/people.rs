//! Organisation and caller streams, with the custom form values of their record type when the
//! tenant defines forms for it.

use futures::stream::BoxStream;
use futures::{future, StreamExt, TryStreamExt};
use migration_core::model::source::FieldValue;
use migration_core::ports::PortStream;
use migration_core::{PortError, PortErrorKind};
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
            .definitions(owner.record_type)
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

#[cfg(test)]
mod tests {
    use super::*;
    use futures::stream;

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
