//! The `[scope]` table: which records move. By default everything does; each filter narrows
//! it, and a record left out is counted as out of scope, never as rejected or lost.

use std::fmt;

use chrono::NaiveDate;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::issues::{CheckReport, IssueCode};
use crate::model::source::{SourceSchema, StatusKind};

/// Which records move.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scope {
    /// Which tickets move.
    #[serde(skip_serializing_if = "TicketScope::is_everything")]
    pub tickets: TicketScope,
    /// Which callers move: every one, or those the moving tickets name.
    #[serde(skip_serializing_if = "PeopleScope::is_all")]
    pub callers: PeopleScope,
    /// Which organisations move: every one, or those the moving tickets and callers name.
    #[serde(skip_serializing_if = "PeopleScope::is_all")]
    pub organisations: PeopleScope,
    /// Which knowledge-base articles move.
    #[serde(skip_serializing_if = "ArticleScope::is_everything")]
    pub articles: ArticleScope,
}

impl Scope {
    /// Whether nothing is left out (the table is then left out of the file, so a mapping
    /// without it keeps the hash it was confirmed with).
    pub fn is_everything(&self) -> bool {
        self.tickets.is_everything()
            && self.callers.is_all()
            && self.organisations.is_all()
            && self.articles.is_everything()
    }
}

/// Tickets by date, status kind, ticket type, organisation and group; an empty list does not
/// filter. A ticket moves when it passes every filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TicketScope {
    /// Opened on or after this day (in `source_time_zone`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opened_from: Option<ScopeDate>,
    /// Opened on or before this day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opened_until: Option<ScopeDate>,
    /// Closed on or after this day; tickets not closed pass (filter them by status kind).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_from: Option<ScopeDate>,
    /// Closed on or before this day; tickets not closed pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_until: Option<ScopeDate>,
    /// Status kinds (`open`, `on_hold`, `pending`, `closed`, `deleted`) of the ticket's
    /// current status.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub status_kinds: Vec<StatusKind>,
    /// Ticket type (record type) ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub record_types: Vec<i64>,
    /// Client organisation ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub organisations: Vec<i64>,
    /// Group ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<i64>,
}

impl TicketScope {
    /// Whether every ticket passes.
    pub fn is_everything(&self) -> bool {
        *self == Self::default()
    }
}

/// Which people move.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeopleScope {
    /// Every one.
    #[default]
    All,
    /// Only those the moving tickets name (for organisations, also those of the moving
    /// callers, so that no contact loses its company).
    Referenced,
}

impl PeopleScope {
    /// Whether every one moves.
    pub fn is_all(&self) -> bool {
        *self == PeopleScope::All
    }
}

/// Articles by publication status and visibility.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArticleScope {
    /// Vivantio publication statuses ("Published", "Draft"), compared without case; empty:
    /// every status.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<String>,
    /// Who can read them in Vivantio.
    #[serde(skip_serializing_if = "ArticleVisibility::is_all")]
    pub visibility: ArticleVisibility,
}

impl ArticleScope {
    /// Whether every article passes.
    pub fn is_everything(&self) -> bool {
        *self == Self::default()
    }
}

/// Articles by who can read them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleVisibility {
    /// Every article.
    #[default]
    All,
    /// Those customers can read.
    Public,
    /// Those only agents can read.
    Internal,
}

impl ArticleVisibility {
    /// Whether every article passes.
    pub fn is_all(&self) -> bool {
        *self == ArticleVisibility::All
    }
}

/// A day (`2024-01-31`), written as a quoted text or a TOML date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScopeDate(pub NaiveDate);

impl fmt::Display for ScopeDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl std::str::FromStr for ScopeDate {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(ScopeDate)
            .map_err(|_| format!("`{text}` is not a day written as YYYY-MM-DD"))
    }
}

impl Serialize for ScopeDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ScopeDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DayVisitor;

        impl<'de> Visitor<'de> for DayVisitor {
            type Value = ScopeDate;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a day written as YYYY-MM-DD")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<ScopeDate, E> {
                text.parse().map_err(E::custom)
            }

            // The TOML reader hands a bare date (`2024-01-31`) over as a one-entry table.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ScopeDate, A::Error> {
                let Some((_, text)) = map.next_entry::<String, String>()? else {
                    return Err(de::Error::custom("an empty date"));
                };
                text.parse().map_err(de::Error::custom)
            }
        }

        deserializer.deserialize_any(DayVisitor)
    }
}

/// The scope's own problems: ids the instance does not have, and date ranges that end before
/// they start (which would leave every ticket out).
pub(super) fn check_scope(scope: &Scope, source: &SourceSchema, report: &mut CheckReport) {
    let tickets = &scope.tickets;
    for (what, from, until) in [
        ("opened", tickets.opened_from, tickets.opened_until),
        ("closed", tickets.closed_from, tickets.closed_until),
    ] {
        if let (Some(from), Some(until)) = (from, until) {
            if from > until {
                report.error(
                    format!("scope.tickets.{what}_from"),
                    IssueCode::InvertedRange,
                    format!(
                        "{what}_from {from} is after {what}_until {until}: no ticket would move"
                    ),
                );
            }
        }
    }
    let types: Vec<(i64, &str)> = source
        .ticket_types
        .iter()
        .map(|kind| (kind.id, kind.name.as_str()))
        .collect();
    let groups: Vec<(i64, &str)> = source
        .groups
        .iter()
        .map(|group| (group.id, group.name.as_str()))
        .collect();
    unknown_ids(
        ("record_types", "ticket type"),
        &tickets.record_types,
        &types,
        report,
    );
    unknown_ids(("groups", "group"), &tickets.groups, &groups, report);
    for (index, status) in scope.articles.statuses.iter().enumerate() {
        if status.trim().is_empty() {
            report.error(
                format!("scope.articles.statuses[{index}]"),
                IssueCode::UnknownSource,
                "an empty status matches no article",
            );
        }
    }
}

/// Checks the organisation ids `[scope.tickets] organisations` names against the instance's
/// organisations (id and name), for a caller that has read them: an id the instance lacks is
/// an error naming the nearest one, as for ticket types and groups.
pub fn check_scope_organisations(
    scope: &Scope,
    organisations: &[(i64, String)],
    report: &mut CheckReport,
) {
    let known: Vec<(i64, &str)> = organisations
        .iter()
        .map(|(id, name)| (*id, name.as_str()))
        .collect();
    unknown_ids(
        ("organisations", "organisation"),
        &scope.tickets.organisations,
        &known,
        report,
    );
    // Blocking first, as the checker leaves them.
    report.issues.sort_by_key(|issue| !issue.blocking);
}

/// An error for each of `ids` (under `scope.tickets.<key>`) that `known` (id and name) lacks,
/// naming the nearest known one.
fn unknown_ids(
    (key, noun): (&str, &str),
    ids: &[i64],
    known: &[(i64, &str)],
    report: &mut CheckReport,
) {
    for (index, id) in ids.iter().enumerate() {
        if known.iter().any(|(own, _)| own == id) {
            continue;
        }
        let nearest = nearest_id(*id, known).map_or_else(String::new, |(near, name)| {
            format!(" (the nearest is {near} \"{name}\")")
        });
        report.error(
            format!("scope.tickets.{key}[{index}]"),
            IssueCode::UnknownSource,
            format!("the instance has no {noun} {id}{nearest}; no ticket of it would move"),
        );
    }
}

/// The known id nearest to `wanted`: fewest digit edits (a typo), then the smallest
/// difference, then the smaller id.
fn nearest_id<'a>(wanted: i64, known: &[(i64, &'a str)]) -> Option<(i64, &'a str)> {
    let digits = wanted.to_string();
    known
        .iter()
        .min_by_key(|(id, _)| {
            (
                edit_distance(&digits, &id.to_string()),
                id.abs_diff(wanted),
                *id,
            )
        })
        .copied()
}

/// Levenshtein distance between two ASCII texts.
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let replaced = diagonal + usize::from(x != *y);
            diagonal = row[j + 1];
            row[j + 1] = replaced.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

impl fmt::Display for Scope {
    /// The scope in a line: `everything`, or what each filter keeps.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_everything() {
            return f.write_str("everything moves");
        }
        let mut parts = Vec::new();
        let tickets = &self.tickets;
        if !tickets.is_everything() {
            let mut kept = Vec::new();
            for (what, from, until) in [
                ("opened", tickets.opened_from, tickets.opened_until),
                ("closed", tickets.closed_from, tickets.closed_until),
            ] {
                match (from, until) {
                    (Some(from), Some(until)) => kept.push(format!("{what} {from} to {until}")),
                    (Some(from), None) => kept.push(format!("{what} from {from}")),
                    (None, Some(until)) => kept.push(format!("{what} until {until}")),
                    (None, None) => {}
                }
            }
            let list = |ids: &[i64]| {
                ids.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if !tickets.status_kinds.is_empty() {
                let kinds: Vec<String> = tickets
                    .status_kinds
                    .iter()
                    .map(super::propose::spelled)
                    .collect();
                kept.push(format!("status {}", kinds.join(" or ")));
            }
            for (noun, ids) in [
                ("type", &tickets.record_types),
                ("organisation", &tickets.organisations),
                ("group", &tickets.groups),
            ] {
                if !ids.is_empty() {
                    kept.push(format!("{noun} {}", list(ids)));
                }
            }
            parts.push(format!("tickets {}", kept.join(", ")));
        }
        for (noun, people) in [
            ("callers", self.callers),
            ("organisations", self.organisations),
        ] {
            if !people.is_all() {
                parts.push(format!("{noun} the moving tickets name"));
            }
        }
        if !self.articles.is_everything() {
            let mut kept = Vec::new();
            if !self.articles.statuses.is_empty() {
                kept.push(self.articles.statuses.join(" or "));
            }
            match self.articles.visibility {
                ArticleVisibility::All => {}
                ArticleVisibility::Public => kept.push("public".into()),
                ArticleVisibility::Internal => kept.push("internal".into()),
            }
            parts.push(format!("articles {}", kept.join(", ")));
        }
        f.write_str(&parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::source::{Group, TicketType};

    fn day(text: &str) -> Option<ScopeDate> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn an_absent_or_empty_table_moves_everything_and_is_not_written() {
        let scope: Scope = toml::from_str("").unwrap();
        assert!(scope.is_everything());
        assert_eq!(toml::to_string(&scope).unwrap(), "");
        assert_eq!(scope.to_string(), "everything moves");
    }

    #[test]
    fn dates_read_as_text_or_as_toml_dates_and_are_written_as_text() {
        let cases = [
            "[tickets]\nopened_from = \"2024-01-31\"\n",
            "[tickets]\nopened_from = 2024-01-31\n",
        ];
        for text in cases {
            let scope: Scope = toml::from_str(text).unwrap();
            assert_eq!(scope.tickets.opened_from, day("2024-01-31"), "{text}");
            assert_eq!(
                toml::to_string(&scope).unwrap(),
                "[tickets]\nopened_from = \"2024-01-31\"\n"
            );
        }
        for bad in [
            "[tickets]\nopened_from = \"31/01/2024\"\n",
            "[tickets]\nopened_form = \"2024-01-31\"\n",
            "[tickets]\nstatus_kinds = [\"shut\"]\n",
            "callers = \"some\"\n",
        ] {
            assert!(toml::from_str::<Scope>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_checker_names_unknown_ids_and_inverted_ranges() {
        let source = SourceSchema {
            ticket_types: vec![TicketType {
                id: 11,
                name: "Incident".into(),
                name_plural: "Incidents".into(),
                enabled: true,
            }],
            groups: vec![Group {
                id: 301,
                name: "Service desk".into(),
                description: None,
                enabled: true,
                agent_ids: Vec::new(),
            }],
            ..SourceSchema::default()
        };
        let cases: [(Scope, Vec<(&str, IssueCode)>); 5] = [
            (Scope::default(), vec![]),
            (
                Scope {
                    tickets: TicketScope {
                        record_types: vec![11, 99],
                        groups: vec![301],
                        ..TicketScope::default()
                    },
                    ..Scope::default()
                },
                vec![("scope.tickets.record_types[1]", IssueCode::UnknownSource)],
            ),
            (
                Scope {
                    tickets: TicketScope {
                        groups: vec![302],
                        ..TicketScope::default()
                    },
                    ..Scope::default()
                },
                vec![("scope.tickets.groups[0]", IssueCode::UnknownSource)],
            ),
            (
                Scope {
                    tickets: TicketScope {
                        opened_from: day("2024-02-01"),
                        opened_until: day("2024-01-31"),
                        closed_from: day("2024-01-31"),
                        closed_until: day("2024-01-31"),
                        ..TicketScope::default()
                    },
                    ..Scope::default()
                },
                vec![("scope.tickets.opened_from", IssueCode::InvertedRange)],
            ),
            (
                Scope {
                    articles: ArticleScope {
                        statuses: vec!["Published".into(), " ".into()],
                        visibility: ArticleVisibility::Public,
                    },
                    ..Scope::default()
                },
                vec![("scope.articles.statuses[1]", IssueCode::UnknownSource)],
            ),
        ];
        for (scope, expected) in cases {
            let mut report = CheckReport::default();
            check_scope(&scope, &source, &mut report);
            let found: Vec<(&str, IssueCode)> = report
                .issues
                .iter()
                .map(|issue| (issue.path.as_str(), issue.code))
                .collect();
            assert_eq!(found, expected, "{scope:?}");
            assert!(report.issues.iter().all(|issue| issue.blocking));
        }
    }

    #[test]
    fn an_organisation_the_instance_lacks_is_an_error_naming_the_nearest() {
        let known: Vec<(i64, String)> = [
            (101, "Harbour Logistics"),
            (108, "Atlas Architects"),
            (1010, "Old Mill Bakery"),
        ]
        .iter()
        .map(|(id, name)| (*id, name.to_string()))
        .collect();
        let scope = Scope {
            tickets: TicketScope {
                organisations: vec![101, 1001, 109, 5000],
                ..TicketScope::default()
            },
            ..Scope::default()
        };
        let mut report = CheckReport::default();
        report.issues.push(crate::spec::SpecIssue {
            blocking: false,
            path: "statuses".into(),
            code: IssueCode::UnmappedValue,
            message: "a warning the checker found before".into(),
        });
        check_scope_organisations(&scope, &known, &mut report);
        let found: Vec<(&str, &str)> = report
            .errors()
            .map(|issue| (issue.path.as_str(), issue.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "scope.tickets.organisations[1]",
                    "the instance has no organisation 1001 (the nearest is 101 \"Harbour Logistics\"); no ticket of it would move"
                ),
                (
                    "scope.tickets.organisations[2]",
                    "the instance has no organisation 109 (the nearest is 108 \"Atlas Architects\"); no ticket of it would move"
                ),
                (
                    "scope.tickets.organisations[3]",
                    "the instance has no organisation 5000 (the nearest is 1010 \"Old Mill Bakery\"); no ticket of it would move"
                ),
            ]
        );
        assert!(report.issues[0].blocking, "errors stay first");
        assert!(!report.issues.last().unwrap().blocking);

        // Without organisations there is nothing to compare with, and no nearest to name.
        let mut report = CheckReport::default();
        check_scope_organisations(&scope, &[], &mut report);
        assert_eq!(report.errors().count(), 4);
        assert!(!report.issues[0].message.contains("nearest"));
    }

    #[test]
    fn the_nearest_id_is_a_typo_away_before_it_is_close_in_value() {
        let known = [(301, "Service desk"), (3011, "Field"), (290, "Network")];
        assert_eq!(nearest_id(311, &known), Some((301, "Service desk")));
        assert_eq!(nearest_id(3001, &known), Some((3011, "Field")));
        assert_eq!(nearest_id(291, &known), Some((290, "Network")));
        assert_eq!(nearest_id(1, &[]), None);
        assert_eq!(edit_distance("1001", "101"), 1);
        assert_eq!(edit_distance("", "12"), 2);
        assert_eq!(edit_distance("5000", "1010"), 2);
    }

    #[test]
    fn the_scope_is_confirmed_content_but_not_part_of_the_mapping_hash() {
        use crate::spec::{MappingSpec, SpecHash};
        let everything = MappingSpec::new("Europe/London");
        let mut narrowed = everything.clone();
        narrowed.scope.callers = PeopleScope::Referenced;
        assert!(!everything.to_toml().unwrap().contains("scope"));
        assert!(narrowed.to_toml().unwrap().contains("[scope]"));
        assert_eq!(
            MappingSpec::from_toml(&narrowed.to_toml().unwrap()).unwrap(),
            narrowed
        );
        assert_eq!(SpecHash::of(&everything), SpecHash::of_mapping(&everything));
        assert_ne!(SpecHash::of(&everything), SpecHash::of(&narrowed));
        assert_eq!(
            SpecHash::of_mapping(&everything),
            SpecHash::of_mapping(&narrowed)
        );
    }

    #[test]
    fn the_scope_reads_in_a_line() {
        let scope = Scope {
            tickets: TicketScope {
                opened_from: day("2024-01-01"),
                closed_until: day("2024-06-30"),
                status_kinds: vec![StatusKind::Open, StatusKind::OnHold],
                record_types: vec![11, 13],
                ..TicketScope::default()
            },
            callers: PeopleScope::Referenced,
            organisations: PeopleScope::All,
            articles: ArticleScope {
                statuses: vec!["Published".into()],
                visibility: ArticleVisibility::Public,
            },
        };
        assert_eq!(
            scope.to_string(),
            "tickets opened from 2024-01-01, closed until 2024-06-30, status open or on_hold, \
             type 11, 13; callers the moving tickets name; articles Published, public"
        );
    }
}
