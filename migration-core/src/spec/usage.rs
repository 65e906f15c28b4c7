//! How many records hold a value of each custom field: a discovery counts it while it reads
//! every record, and the proposer leaves the fields nobody fills out of the mapping.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::source::{FieldValue, SourceSchema};
use crate::transform::values::raw_text;

/// Below this share of its records holding a value, a custom field is proposed as skipped.
pub const UNUSED_SHARE: f64 = 0.01;

/// Records read and values held, counted over the records of an instance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldUsage {
    /// Records read per record type (a ticket's type; callers and organisations under their
    /// own record types).
    pub records: BTreeMap<i64, u64>,
    /// Records holding a non-empty value, per custom field id.
    pub values: BTreeMap<i64, u64>,
}

/// How much one field is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldUse {
    /// Records holding a value.
    pub with_value: u64,
    /// Records of the record types whose forms have the field.
    pub records: u64,
}

impl FieldUse {
    /// Whether under [`UNUSED_SHARE`] of the records hold a value (no value at all included).
    pub fn is_unused(&self) -> bool {
        (self.with_value as f64) < UNUSED_SHARE * self.records as f64 || self.with_value == 0
    }
}

impl FieldUsage {
    /// Counts one record of `record_type` with its custom `values`.
    pub fn count(&mut self, record_type: i64, values: &[FieldValue]) {
        *self.records.entry(record_type).or_default() += 1;
        let mut counted: Vec<i64> = Vec::with_capacity(values.len());
        for value in values {
            // A record holding a field twice (two forms) counts once.
            if raw_text(&value.value).is_some() && !counted.contains(&value.field_id) {
                counted.push(value.field_id);
                *self.values.entry(value.field_id).or_default() += 1;
            }
        }
    }

    /// Whether anything was counted (an empty usage says nothing about any field).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// How much the custom field `field_id` of `source` is used.
    pub fn of(&self, source: &SourceSchema, field_id: i64) -> FieldUse {
        let mut record_types: Vec<i64> = source
            .custom_fields()
            .filter(|(_, field)| field.id == field_id)
            .map(|(form, _)| form.record_type_id)
            .collect();
        record_types.sort_unstable();
        record_types.dedup();
        FieldUse {
            with_value: self.values.get(&field_id).copied().unwrap_or(0),
            records: record_types
                .iter()
                .filter_map(|record_type| self.records.get(record_type))
                .sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_field_is_unused_under_one_record_in_a_hundred() {
        let cases = [
            (0, 0, true),
            (0, 50, true),
            (1, 101, true),
            (1, 100, false),
            (3, 250, false),
            (40, 40, false),
        ];
        for (with_value, records, unused) in cases {
            let usage = FieldUse {
                with_value,
                records,
            };
            assert_eq!(usage.is_unused(), unused, "{with_value} of {records}");
        }
    }

    #[test]
    fn only_non_empty_values_count_once_per_record() {
        let mut usage = FieldUsage::default();
        let value = |field_id, value| FieldValue { field_id, value };
        usage.count(
            11,
            &[
                value(1, json!("x")),
                value(1, json!("y")),
                value(2, json!("")),
                value(3, json!(null)),
                value(4, json!([])),
                value(5, json!(0)),
            ],
        );
        usage.count(11, &[]);
        usage.count(13, &[value(1, json!(true))]);
        assert_eq!(usage.records, BTreeMap::from([(11, 2), (13, 1)]));
        assert_eq!(usage.values, BTreeMap::from([(1, 2), (5, 1)]));
        let text = serde_json::to_string(&usage).unwrap();
        assert_eq!(serde_json::from_str::<FieldUsage>(&text).unwrap(), usage);
    }
}
