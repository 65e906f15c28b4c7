//! The query model of every `…/Select` action (C-off):
//! `{"Query": {"Mode": "MatchAll", "Items": [{"FieldName": "Id", "Op": "GreaterThan", "Value": 100}]}}`.
//!
//! Build queries from the typed fields in [`fields`], which only offer operators that make sense
//! for the field's type, or from [`QueryItem::new`] for a field this crate does not know.
//!
//! ```
//! use vivantio_client::query::{fields::ticket, Query};
//! use vivantio_client::StatusType;
//!
//! let query = Query::match_all()
//!     .and(ticket::RECORD_TYPE_ID.equals(11))
//!     .and(ticket::STATUS_TYPE.does_not_equal(StatusType::Deleted));
//! assert_eq!(query.items.len(), 2);
//! ```

use std::marker::PhantomData;

use chrono::NaiveDateTime;
use serde::{Serialize, Serializer};

use crate::assumptions::OUTGOING_DATE_FORMAT;
use crate::enums::StatusType;

/// How the items of a query combine (C-off; sent as the name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum QueryMode {
    /// Every item must match.
    MatchAll,
    /// At least one item must match.
    MatchAny,
    /// No item may match.
    MatchNone,
}

/// A comparison (C-off for `Equals`/`DoesNotEqual`, C-com for the rest; sent as the name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Operator {
    /// Equal to.
    Equals,
    /// Not equal to.
    DoesNotEqual,
    /// Strictly greater than.
    GreaterThan,
    /// Greater than or equal to.
    GreaterThanOrEqualTo,
    /// Strictly less than.
    LessThan,
    /// Less than or equal to.
    LessThanOrEqualTo,
    /// Text pattern match.
    Like,
}

/// The value compared against; sent as a JSON scalar.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryValue {
    /// A whole number (ids, codes).
    Integer(i64),
    /// A yes/no flag.
    Boolean(bool),
    /// Text.
    Text(String),
    /// A naive tenant-local date and time, sent as `yyyy-MM-ddTHH:mm:ss` (see [`crate::dates`]).
    DateTime(NaiveDateTime),
}

impl Serialize for QueryValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            QueryValue::Integer(value) => serializer.serialize_i64(*value),
            QueryValue::Boolean(value) => serializer.serialize_bool(*value),
            QueryValue::Text(value) => serializer.serialize_str(value),
            QueryValue::DateTime(value) => {
                serializer.serialize_str(&value.format(OUTGOING_DATE_FORMAT).to_string())
            }
        }
    }
}

impl From<i64> for QueryValue {
    fn from(value: i64) -> Self {
        QueryValue::Integer(value)
    }
}

impl From<bool> for QueryValue {
    fn from(value: bool) -> Self {
        QueryValue::Boolean(value)
    }
}

impl From<&str> for QueryValue {
    fn from(value: &str) -> Self {
        QueryValue::Text(value.to_string())
    }
}

impl From<String> for QueryValue {
    fn from(value: String) -> Self {
        QueryValue::Text(value)
    }
}

impl From<NaiveDateTime> for QueryValue {
    fn from(value: NaiveDateTime) -> Self {
        QueryValue::DateTime(value)
    }
}

impl From<StatusType> for QueryValue {
    /// The numeric code where known (the vendor sample sends `99` for deleted), else the name.
    fn from(value: StatusType) -> Self {
        match value.code() {
            Some(code) => QueryValue::Integer(code),
            None => QueryValue::Text(value.as_str().to_string()),
        }
    }
}

/// One condition: field, operator, value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueryItem {
    /// The record property compared (Vivantio's DTO property name).
    pub field_name: String,
    /// The comparison.
    pub op: Operator,
    /// The value compared against.
    pub value: QueryValue,
}

impl QueryItem {
    /// A condition on any field, for fields [`fields`] does not list.
    pub fn new(field_name: impl Into<String>, op: Operator, value: impl Into<QueryValue>) -> Self {
        Self {
            field_name: field_name.into(),
            op,
            value: value.into(),
        }
    }
}

/// A `…/Select` query.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Query {
    /// How the items combine.
    pub mode: QueryMode,
    /// The conditions; none with `MatchAll` means every record.
    pub items: Vec<QueryItem>,
}

impl Default for Query {
    fn default() -> Self {
        Self::match_all()
    }
}

impl Query {
    /// A query whose items must all match; with no items it matches everything.
    pub fn match_all() -> Self {
        Self::with_mode(QueryMode::MatchAll)
    }

    /// A query of which at least one item must match.
    pub fn match_any() -> Self {
        Self::with_mode(QueryMode::MatchAny)
    }

    /// A query none of whose items may match.
    pub fn match_none() -> Self {
        Self::with_mode(QueryMode::MatchNone)
    }

    /// An empty query with this mode.
    pub fn with_mode(mode: QueryMode) -> Self {
        Self {
            mode,
            items: Vec::new(),
        }
    }

    /// Adds a condition.
    pub fn and(mut self, item: QueryItem) -> Self {
        self.items.push(item);
        self
    }

    /// The request body of a `…/Select` action: `{"Query": {...}}`.
    pub fn to_body(&self) -> QueryBody<'_> {
        QueryBody { query: self }
    }
}

/// The `{"Query": …}` wrapper sent to `…/Select`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueryBody<'a> {
    /// The wrapped query.
    pub query: &'a Query,
}

/// A known, typed query field; `V` is the Rust type of its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<V> {
    name: &'static str,
    value_type: PhantomData<fn() -> V>,
}

impl<V: Into<QueryValue>> Field<V> {
    /// A field with this Vivantio property name.
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            value_type: PhantomData,
        }
    }

    /// The property name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    fn item(&self, op: Operator, value: impl Into<V>) -> QueryItem {
        QueryItem::new(self.name, op, value.into().into())
    }

    /// `field Equals value`.
    pub fn equals(&self, value: impl Into<V>) -> QueryItem {
        self.item(Operator::Equals, value)
    }

    /// `field DoesNotEqual value`.
    pub fn does_not_equal(&self, value: impl Into<V>) -> QueryItem {
        self.item(Operator::DoesNotEqual, value)
    }
}

/// Value types that can be ordered (numbers and dates).
pub trait Ordered: Into<QueryValue> {}
impl Ordered for i64 {}
impl Ordered for NaiveDateTime {}

impl<V: Ordered> Field<V> {
    /// `field GreaterThan value`.
    pub fn greater_than(&self, value: impl Into<V>) -> QueryItem {
        self.item(Operator::GreaterThan, value)
    }

    /// `field GreaterThanOrEqualTo value`.
    pub fn at_least(&self, value: impl Into<V>) -> QueryItem {
        self.item(Operator::GreaterThanOrEqualTo, value)
    }

    /// `field LessThan value`.
    pub fn less_than(&self, value: impl Into<V>) -> QueryItem {
        self.item(Operator::LessThan, value)
    }

    /// `field LessThanOrEqualTo value`.
    pub fn at_most(&self, value: impl Into<V>) -> QueryItem {
        self.item(Operator::LessThanOrEqualTo, value)
    }
}

impl Field<String> {
    /// `field Like pattern` (pattern syntax UNK; `%` wildcards are the SQL convention).
    pub fn like(&self, pattern: impl Into<String>) -> QueryItem {
        self.item(Operator::Like, pattern.into())
    }
}

pub mod fields;

#[cfg(test)]
mod tests {
    use super::fields::ticket;
    use super::*;
    use serde_json::json;

    #[test]
    fn serialises_the_wire_shape() {
        let opened = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let query = Query::match_all()
            .and(ticket::RECORD_TYPE_ID.equals(11))
            .and(ticket::STATUS_TYPE.does_not_equal(StatusType::Deleted))
            .and(ticket::OPEN_DATE.at_least(opened))
            .and(ticket::DELETED.equals(false))
            .and(QueryItem::new("Title", Operator::Like, "%printer%"));
        assert_eq!(
            serde_json::to_value(query.to_body()).unwrap(),
            json!({"Query": {"Mode": "MatchAll", "Items": [
                {"FieldName": "RecordTypeId", "Op": "Equals", "Value": 11},
                {"FieldName": "StatusType", "Op": "DoesNotEqual", "Value": 99},
                {"FieldName": "OpenDate", "Op": "GreaterThanOrEqualTo", "Value": "2024-01-01T00:00:00"},
                {"FieldName": "Deleted", "Op": "Equals", "Value": false},
                {"FieldName": "Title", "Op": "Like", "Value": "%printer%"},
            ]}})
        );
    }

    #[test]
    fn every_ordering_operator() {
        let ops: Vec<Operator> = [
            ticket::ID.greater_than(1),
            ticket::ID.at_least(1),
            ticket::ID.less_than(1),
            ticket::ID.at_most(1),
        ]
        .into_iter()
        .map(|item| item.op)
        .collect();
        assert_eq!(
            serde_json::to_value(ops).unwrap(),
            json!([
                "GreaterThan",
                "GreaterThanOrEqualTo",
                "LessThan",
                "LessThanOrEqualTo"
            ])
        );
        assert_eq!(
            serde_json::to_value(Query::match_none()).unwrap(),
            json!({"Mode": "MatchNone", "Items": []})
        );
        assert_eq!(Query::match_any().mode, QueryMode::MatchAny);
    }
}
