//! The mapping's `[scope]` applied to records: which tickets, callers, organisations and
//! articles move.
//!
//! Tickets and articles are judged on their own fields. Callers and organisations in
//! `referenced` mode move when a moving ticket names them; [`referenced_people`] finds them
//! by reading the tickets once as the source lists them (without their history), keeping only
//! ids, before the people stages start.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Days;
use chrono_tz::Tz;
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};

use crate::error::PortError;
use crate::model::source::{Article, SourceSchema, SourceTime, StatusKind, Ticket};
use crate::ports::{Source, TicketFilter};
use crate::spec::{ArticleVisibility, MappingSpec, PeopleScope, Scope, ScopeDate};
use crate::transform::email::normalise_email;
use crate::transform::SourceDirectory;

/// A `[scope]` ready to judge records.
#[derive(Debug, Clone)]
pub struct ScopeFilter {
    scope: Scope,
    /// `[from, until)` in Unix seconds, per date range.
    opened: (Option<i64>, Option<i64>),
    closed: (Option<i64>, Option<i64>),
    /// Each status's kind, for the status kind filter.
    kinds: HashMap<i64, StatusKind>,
    /// The article statuses, trimmed and in lower case.
    article_statuses: Vec<String>,
    zone: Tz,
}

impl ScopeFilter {
    /// Compiles `scope` for an instance with `schema`, whose dates without an offset are read
    /// in `zone`.
    pub fn new(scope: &Scope, schema: &SourceSchema, zone: Tz) -> Self {
        let start =
            |day: ScopeDate| SourceTime::Local(day.0.and_time(Default::default())).to_unix(zone);
        // The last day counts whole: the range ends where the next day starts.
        let end = |day: ScopeDate| {
            day.0
                .checked_add_days(Days::new(1))
                .map_or(i64::MAX, |next| start(ScopeDate(next)))
        };
        let tickets = &scope.tickets;
        Self {
            scope: scope.clone(),
            opened: (
                tickets.opened_from.map(start),
                tickets.opened_until.map(end),
            ),
            closed: (
                tickets.closed_from.map(start),
                tickets.closed_until.map(end),
            ),
            kinds: schema
                .statuses
                .iter()
                .map(|status| (status.id, status.kind))
                .collect(),
            article_statuses: scope
                .articles
                .statuses
                .iter()
                .map(|status| status.trim().to_lowercase())
                .collect(),
            zone,
        }
    }

    /// Compiles `spec`'s scope, reading dates in its `source_time_zone` (in UTC when that is
    /// not a zone: the checker refuses such a mapping, and the mapper does not compile).
    pub fn of_spec(spec: &MappingSpec, schema: &SourceSchema) -> Self {
        let zone = spec.source_time_zone.parse().unwrap_or(chrono_tz::UTC);
        Self::new(&spec.scope, schema, zone)
    }

    /// The scope it judges by.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Whether every record moves.
    pub fn is_everything(&self) -> bool {
        self.scope.is_everything()
    }

    /// Whether some callers or organisations move only when a moving ticket names them.
    pub fn people_referenced(&self) -> bool {
        !(self.scope.callers.is_all() && self.scope.organisations.is_all())
    }

    /// Whether `ticket` moves, judged on its own fields as the source lists them: dates,
    /// status, type, organisation and group. A ticket without an open date is outside an
    /// opened range; one not closed passes a closed range; one whose status the instance does
    /// not list is outside a status kind filter.
    pub fn ticket(&self, ticket: &Ticket) -> bool {
        let rules = &self.scope.tickets;
        let within = |(from, until): (Option<i64>, Option<i64>), at: i64| {
            from.is_none_or(|from| at >= from) && until.is_none_or(|until| at < until)
        };
        let opened = match (self.opened, ticket.opened_at) {
            ((None, None), _) => true,
            (range, Some(at)) => within(range, at.to_unix(self.zone)),
            (_, None) => false,
        };
        let closed = ticket
            .closed_at
            .is_none_or(|at| within(self.closed, at.to_unix(self.zone)));
        let listed =
            |ids: &[i64], id: Option<i64>| ids.is_empty() || id.is_some_and(|id| ids.contains(&id));
        let kind = ticket.status_id.and_then(|id| self.kinds.get(&id));
        opened
            && closed
            && (rules.status_kinds.is_empty()
                || kind.is_some_and(|kind| rules.status_kinds.contains(kind)))
            && listed(&rules.record_types, Some(ticket.record_type_id))
            && listed(&rules.organisations, ticket.client_id)
            && listed(&rules.groups, ticket.group_id)
    }

    /// Whether `article` moves: its status is listed (or none are), and its visibility is.
    pub fn article(&self, article: &Article) -> bool {
        let status = article
            .status
            .as_deref()
            .map(|status| status.trim().to_lowercase());
        let status = self.article_statuses.is_empty()
            || status.is_some_and(|status| self.article_statuses.contains(&status));
        let visible = match self.scope.articles.visibility {
            ArticleVisibility::All => true,
            ArticleVisibility::Public => article.is_public,
            ArticleVisibility::Internal => !article.is_public,
        };
        status && visible
    }

    /// The filter a source reads tickets in full by: those that move.
    pub fn in_full(self: &Arc<Self>) -> TicketFilter {
        let filter = Arc::clone(self);
        Arc::new(move |ticket: &Ticket| filter.ticket(ticket))
    }
}

/// A source reads no ticket in full: for walks that want only the tickets' own fields.
pub fn listed_only() -> TicketFilter {
    Arc::new(|_: &Ticket| false)
}

/// Records of one kind a scope leaves out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    /// Records the source has.
    pub total: u64,
    /// Of which the scope leaves out.
    pub left_out: u64,
}

/// The callers and organisations that move, when some move only because a moving ticket
/// names them (`None`: every one), with the tickets counted on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Referenced {
    /// Moving callers (with the callers whose contacts they share), sorted.
    pub callers: Option<Vec<i64>>,
    /// Moving organisations, sorted.
    pub organisations: Option<Vec<i64>>,
    /// The tickets read and those the scope leaves out.
    pub tickets: LeftOut,
}

impl Referenced {
    /// Restricts `directory` to the people that move.
    pub fn restrict(&self, directory: &mut SourceDirectory) {
        directory.restrict(self.callers.clone(), self.organisations.clone());
    }

    /// The callers and organisations `directory` holds that do not move.
    pub fn people_left_out(&self, directory: &SourceDirectory) -> (LeftOut, LeftOut) {
        let callers = directory.caller_count() as u64;
        let organisations = directory.organisation_count().unwrap_or(0) as u64;
        let moving = |ids: &Option<Vec<i64>>, total: u64| {
            ids.as_ref()
                .map_or(total, |ids| ids.len() as u64)
                .min(total)
        };
        (
            LeftOut {
                total: callers,
                left_out: callers - moving(&self.callers, callers),
            },
            LeftOut {
                total: organisations,
                left_out: organisations - moving(&self.organisations, organisations),
            },
        )
    }
}

/// Reads every ticket once as the source lists it (no history is read) and keeps the ids of
/// the callers and organisations the moving ones name, as `filter`'s people scopes ask.
/// Callers and organisations `directory` does not hold are not kept; `directory` must not be
/// restricted yet.
pub async fn referenced_people(
    source: &dyn Source,
    filter: &ScopeFilter,
    directory: &SourceDirectory,
) -> Result<Referenced, PortError> {
    let scope = filter.scope();
    let mut callers: Vec<i64> = Vec::new();
    let mut organisations: Vec<i64> = Vec::new();
    let mut tickets = LeftOut::default();
    let mut listed = source.tickets_reading(None, listed_only());
    while let Some(ticket) = listed.try_next().await? {
        tickets.total += 1;
        if !filter.ticket(&ticket) {
            tickets.left_out += 1;
            continue;
        }
        if ticket.deleted {
            continue;
        }
        organisations.extend(
            ticket
                .client_id
                .filter(|id| directory.has_organisation(*id)),
        );
        let by_email = ticket
            .caller_email
            .as_deref()
            .and_then(|email| normalise_email(Some(email)).ok())
            .and_then(|email| directory.caller_with_email(&email.address));
        for id in ticket.caller_id.into_iter().chain(by_email) {
            if let Some(entry) = directory.caller(id) {
                callers.extend([id, entry.canonical_id]);
            }
        }
    }
    callers.sort_unstable();
    callers.dedup();
    // A contact keeps its company: the organisations of the callers that move move too.
    let moving_callers: Box<dyn Iterator<Item = i64> + '_> = match scope.callers {
        PeopleScope::All => Box::new(directory.caller_ids().iter().copied()),
        PeopleScope::Referenced => Box::new(callers.iter().copied()),
    };
    // An organisation filter names every organisation that moves: a caller of another one,
    // named by a moving ticket, moves without its company (one workspace per client).
    let named = &scope.tickets.organisations;
    organisations.extend(
        moving_callers
            .filter_map(|id| directory.caller(id)?.client_id)
            .filter(|id| directory.has_organisation(*id))
            .filter(|id| named.is_empty() || named.contains(id)),
    );
    organisations.sort_unstable();
    organisations.dedup();
    Ok(Referenced {
        callers: (!scope.callers.is_all()).then_some(callers),
        organisations: (!scope.organisations.is_all()).then_some(organisations),
        tickets,
    })
}

/// What a scope leaves out of an instance, per kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeCensus {
    /// Tickets.
    pub tickets: LeftOut,
    /// Callers.
    pub callers: LeftOut,
    /// Organisations.
    pub organisations: LeftOut,
    /// Knowledge-base articles.
    pub articles: LeftOut,
}

impl ScopeCensus {
    /// Records left out, over every kind.
    pub fn left_out(&self) -> u64 {
        [
            self.tickets,
            self.callers,
            self.organisations,
            self.articles,
        ]
        .iter()
        .map(|kind| kind.left_out)
        .sum()
    }
}

/// Counts what `filter` leaves out of `source`, whose callers and organisations `directory`
/// holds (unrestricted), with the people [`referenced_people`] found moving: the tickets were
/// counted there, and articles are read here.
pub async fn census(
    source: &dyn Source,
    filter: &ScopeFilter,
    referenced: &Referenced,
    directory: &SourceDirectory,
) -> Result<ScopeCensus, PortError> {
    let (callers, organisations) = referenced.people_left_out(directory);
    let mut articles = LeftOut::default();
    let mut stream = source.articles();
    while let Some(article) = stream.try_next().await? {
        articles.total += 1;
        if !filter.article(&article) {
            articles.left_out += 1;
        }
    }
    Ok(ScopeCensus {
        tickets: referenced.tickets,
        callers,
        organisations,
        articles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::source::Status;
    use crate::spec::{ArticleScope, TicketScope};

    fn ticket(edit: impl FnOnce(&mut serde_json::Value)) -> Ticket {
        let mut value = serde_json::json!({
            "id": 1, "record_type_id": 11, "status_id": 1, "client_id": 101, "group_id": 301,
            "opened_at": "2024-03-10T12:00:00", "closed_at": null,
        });
        edit(&mut value);
        serde_json::from_value(value).unwrap()
    }

    fn schema() -> SourceSchema {
        let status = |id, kind| Status {
            id,
            name: format!("status {id}"),
            kind,
            record_type_id: None,
            enabled: true,
        };
        SourceSchema {
            statuses: vec![status(1, StatusKind::Open), status(4, StatusKind::Closed)],
            ..SourceSchema::default()
        }
    }

    fn filter(tickets: TicketScope) -> ScopeFilter {
        let scope = Scope {
            tickets,
            ..Scope::default()
        };
        ScopeFilter::new(&scope, &schema(), "Europe/London".parse().unwrap())
    }

    fn day(text: &str) -> Option<ScopeDate> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn each_ticket_filter_keeps_what_it_names() {
        let open_march = ticket(|_| {});
        let closed_april = ticket(|t| {
            t["status_id"] = 4.into();
            t["closed_at"] = "2024-04-30T23:30:00".into();
        });
        let undated = ticket(|t| t["opened_at"] = serde_json::Value::Null);
        let other = ticket(|t| {
            t["record_type_id"] = 13.into();
            t["client_id"] = 102.into();
            t["group_id"] = serde_json::Value::Null;
            t["status_id"] = 77.into();
        });
        let tickets = [&open_march, &closed_april, &undated, &other];
        // (filter, whether each ticket above moves)
        let cases: Vec<(TicketScope, [bool; 4])> = vec![
            (TicketScope::default(), [true, true, true, true]),
            (
                TicketScope {
                    opened_from: day("2024-03-10"),
                    ..TicketScope::default()
                },
                [true, true, false, true],
            ),
            (
                TicketScope {
                    opened_until: day("2024-03-09"),
                    ..TicketScope::default()
                },
                [false, false, false, false],
            ),
            (
                TicketScope {
                    opened_until: day("2024-03-10"),
                    ..TicketScope::default()
                },
                [true, true, false, true],
            ),
            (
                TicketScope {
                    closed_until: day("2024-04-30"),
                    ..TicketScope::default()
                },
                [true, true, true, true],
            ),
            (
                TicketScope {
                    closed_from: day("2024-05-01"),
                    ..TicketScope::default()
                },
                [true, false, true, true],
            ),
            (
                TicketScope {
                    status_kinds: vec![StatusKind::Open],
                    ..TicketScope::default()
                },
                [true, false, true, false],
            ),
            (
                TicketScope {
                    status_kinds: vec![StatusKind::Closed, StatusKind::Open],
                    ..TicketScope::default()
                },
                [true, true, true, false],
            ),
            (
                TicketScope {
                    record_types: vec![13],
                    ..TicketScope::default()
                },
                [false, false, false, true],
            ),
            (
                TicketScope {
                    organisations: vec![101],
                    ..TicketScope::default()
                },
                [true, true, true, false],
            ),
            (
                TicketScope {
                    groups: vec![301, 302],
                    ..TicketScope::default()
                },
                [true, true, true, false],
            ),
        ];
        for (rules, expected) in cases {
            let filter = filter(rules.clone());
            let moves: Vec<bool> = tickets.iter().map(|ticket| filter.ticket(ticket)).collect();
            assert_eq!(moves, expected, "{rules:?}");
        }
    }

    #[test]
    fn articles_are_kept_by_status_and_visibility() {
        let article = |status: Option<&str>, public: bool| -> Article {
            serde_json::from_value(serde_json::json!({
                "id": 1, "title": "a", "status": status, "is_public": public
            }))
            .unwrap()
        };
        let articles = [
            article(Some("Published"), true),
            article(Some(" published "), false),
            article(Some("Draft"), true),
            article(None, true),
        ];
        let cases = [
            (ArticleScope::default(), [true, true, true, true]),
            (
                ArticleScope {
                    statuses: vec!["PUBLISHED".into()],
                    visibility: ArticleVisibility::All,
                },
                [true, true, false, false],
            ),
            (
                ArticleScope {
                    statuses: Vec::new(),
                    visibility: ArticleVisibility::Public,
                },
                [true, false, true, true],
            ),
            (
                ArticleScope {
                    statuses: vec!["Published".into(), "Draft".into()],
                    visibility: ArticleVisibility::Internal,
                },
                [false, true, false, false],
            ),
        ];
        for (rules, expected) in cases {
            let scope = Scope {
                articles: rules.clone(),
                ..Scope::default()
            };
            let filter = ScopeFilter::new(&scope, &schema(), chrono_tz::UTC);
            let moves: Vec<bool> = articles.iter().map(|a| filter.article(a)).collect();
            assert_eq!(moves, expected, "{rules:?}");
        }
    }
}
