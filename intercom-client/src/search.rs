//! The query language of `POST /contacts/search`, `/conversations/search` and `/tickets/search`.
//!
//! Search is backed by an index that lags writes by up to a few minutes: never use it to decide
//! whether an object you just created exists (see the crate docs on idempotency).

use serde::{Deserialize, Serialize};

use crate::pagination::{Cursor, StartingAfterPaging};

/// A search filter: one field comparison or a group of filters joined by AND / OR.
///
/// Intercom allows at most two levels of nesting and 15 filters per group; a group must hold
/// either only comparisons or only groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SearchQuery {
    /// `{field, operator, value}`.
    Field {
        /// The field, e.g. `external_id`, `email`, `custom_attributes.vivantio_id`.
        field: String,
        /// The comparison.
        operator: SearchOperator,
        /// The value (a string, integer, boolean or an array for `IN` / `NIN`).
        value: serde_json::Value,
    },
    /// `{operator: "AND" | "OR", value: [filters]}`.
    Group {
        /// How the filters combine.
        operator: GroupOperator,
        /// The filters.
        value: Vec<SearchQuery>,
    },
}

impl SearchQuery {
    /// A single comparison.
    pub fn field(
        field: impl Into<String>,
        operator: SearchOperator,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        SearchQuery::Field {
            field: field.into(),
            operator,
            value: value.into(),
        }
    }

    /// `field = value`.
    pub fn eq(field: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        Self::field(field, SearchOperator::Equals, value)
    }

    /// All of the filters must match.
    pub fn and(filters: Vec<SearchQuery>) -> Self {
        SearchQuery::Group {
            operator: GroupOperator::And,
            value: filters,
        }
    }

    /// Any of the filters must match.
    pub fn or(filters: Vec<SearchQuery>) -> Self {
        SearchQuery::Group {
            operator: GroupOperator::Or,
            value: filters,
        }
    }
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SearchOperator {
    /// `=`
    #[serde(rename = "=")]
    Equals,
    /// `!=`
    #[serde(rename = "!=")]
    NotEquals,
    /// `IN` (value is an array)
    #[serde(rename = "IN")]
    In,
    /// `NIN` (value is an array)
    #[serde(rename = "NIN")]
    NotIn,
    /// `<`
    #[serde(rename = "<")]
    LessThan,
    /// `<=`
    #[serde(rename = "<=")]
    LessThanOrEqual,
    /// `>`
    #[serde(rename = ">")]
    GreaterThan,
    /// `>=`
    #[serde(rename = ">=")]
    GreaterThanOrEqual,
    /// `~` (contains)
    #[serde(rename = "~")]
    Contains,
    /// `!~` (does not contain)
    #[serde(rename = "!~")]
    DoesNotContain,
    /// `^` (starts with)
    #[serde(rename = "^")]
    StartsWith,
    /// `$` (ends with)
    #[serde(rename = "$")]
    EndsWith,
}

/// How a group of filters combines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupOperator {
    /// Every filter must match.
    #[serde(rename = "AND")]
    And,
    /// At least one filter must match.
    #[serde(rename = "OR")]
    Or,
}

/// Sort order of a contact search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchSort {
    /// The field to sort by.
    pub field: String,
    /// The direction.
    pub order: SortOrder,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Smallest first.
    Ascending,
    /// Largest first.
    Descending,
}

/// The body of a search request (one page of it).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SearchBody<'a> {
    pub(crate) query: &'a SearchQuery,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) pagination: Option<StartingAfterPaging>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sort: Option<&'a SearchSort>,
}

impl<'a> SearchBody<'a> {
    /// One page of `query`, starting after `cursor`.
    pub(crate) fn page(
        query: &'a SearchQuery,
        per_page: Option<u32>,
        cursor: Option<Cursor>,
        sort: Option<&'a SearchSort>,
    ) -> Self {
        let pagination = (per_page.is_some() || cursor.is_some()).then_some(StartingAfterPaging {
            per_page,
            starting_after: cursor,
        });
        SearchBody {
            query,
            pagination,
            sort,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_nested_groups_in_intercom_form() {
        let query = SearchQuery::and(vec![
            SearchQuery::eq("role", "user"),
            SearchQuery::field("created_at", SearchOperator::GreaterThan, 1_700_000_000),
        ]);
        assert_eq!(
            serde_json::to_value(&query).unwrap(),
            serde_json::json!({"operator": "AND", "value": [
                {"field": "role", "operator": "=", "value": "user"},
                {"field": "created_at", "operator": ">", "value": 1_700_000_000}
            ]})
        );
    }
}
