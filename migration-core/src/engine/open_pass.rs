//! The open pass of an open-first run ([`super::order`]): the schema and people, the
//! organisations and callers the open tickets name as the source lists them, the knowledge
//! base, then the open tickets. A ticket whose messages name a caller the listing did not show
//! (a colleague writing in) waits for a second round, after that caller's contact: every
//! ticket is mapped with the whole directory, so it looks as it would in a run by stage.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use futures::future::{self, BoxFuture};
use futures::{stream, Stream, TryStreamExt};

use super::context::{source_of, Context};
use super::order::{IdSet, OPEN_FIRST_KINDS};
use super::pipeline::Work;
use super::report::RunReport;
use super::stage::Stage;
use super::stages::{knowledge_base, people, setup, stage};
use super::ticket::ParentLink;
use super::work::{push, read_in_order, take, WorkStream};
use super::EngineError;
use crate::keys::RecordKey;
use crate::model::source::{SourceKind, SourceRef, Ticket};
use crate::ops::Operation;
use crate::scope::{referenced_people, ScopeFilter};
use crate::spec::{PeopleScope, Scope};

/// The `[scope]` of the open pass of an open-first run: `scope` narrowed to open, on-hold and
/// pending tickets, with only the callers and organisations they name; `None` when `scope`
/// moves no open ticket. (A forecast sizes the open pass with it.)
pub fn open_scope(scope: &Scope) -> Option<Scope> {
    let wanted = &scope.tickets.status_kinds;
    let kinds: Vec<_> = OPEN_FIRST_KINDS
        .into_iter()
        .filter(|kind| wanted.is_empty() || wanted.contains(kind))
        .collect();
    if kinds.is_empty() {
        return None;
    }
    let mut open = scope.clone();
    open.tickets.status_kinds = kinds;
    open.callers = PeopleScope::Referenced;
    open.organisations = PeopleScope::Referenced;
    Some(open)
}

/// Callers and organisations whose contacts and companies deferred tickets wait for.
#[derive(Debug, Default)]
struct Deferred {
    tickets: Vec<i64>,
    callers: BTreeSet<i64>,
    organisations: BTreeSet<i64>,
}

/// The people a round may count on besides those the listing named.
#[derive(Debug, Default)]
struct Extra {
    callers: IdSet,
    organisations: IdSet,
}

/// The state of the open pass, handed to the history pass when it ends.
pub(crate) struct OpenPass {
    /// Which tickets are open (`None`: the scope moves no open ticket).
    filter: Option<Arc<ScopeFilter>>,
    /// Callers whose contacts this pass creates.
    callers: IdSet,
    /// Organisations whose companies this pass creates.
    organisations: IdSet,
    /// Open tickets the listing showed.
    listed: u64,
    deferred: Mutex<Deferred>,
    /// Tickets this pass counted.
    taken: Mutex<Vec<i64>>,
    /// Whether an open ticket was left to the history pass.
    left: AtomicBool,
    /// The links of the tickets moved, for the links stage at the end of the run.
    links: Mutex<Vec<Operation>>,
    /// Children's links to parents, likewise.
    parents: Mutex<Vec<ParentLink>>,
}

impl OpenPass {
    /// Lists the tickets once (ids only) to find the open ones and the people they name.
    pub async fn prepare(context: &Context<'_, '_>) -> Result<Self, EngineError> {
        let mut pass = Self {
            filter: None,
            callers: IdSet::default(),
            organisations: IdSet::default(),
            listed: 0,
            deferred: Mutex::default(),
            taken: Mutex::default(),
            left: AtomicBool::new(false),
            links: Mutex::default(),
            parents: Mutex::default(),
        };
        let Some(scope) = open_scope(context.scope.scope()) else {
            return Ok(pass);
        };
        let filter = Arc::new(ScopeFilter::new(
            &scope,
            &context.schema,
            context.mapper.zone(),
        ));
        // The directory may be restricted by the mapping's own people scope already: the open
        // tickets are among the tickets that scope moves, so their people are among its own.
        let named = referenced_people(context.source(), &filter, context.mapper.directory())
            .await
            .map_err(EngineError::Source)?;
        pass.callers = IdSet::new(named.callers.unwrap_or_default());
        pass.organisations = IdSet::new(named.organisations.unwrap_or_default());
        pass.listed = named.tickets.total - named.tickets.left_out;
        pass.filter = Some(filter);
        Ok(pass)
    }

    /// Runs the pass; `false` when the run must stop.
    pub async fn run(
        &mut self,
        context: &Context<'_, '_>,
        report: &mut RunReport,
    ) -> Result<bool, EngineError> {
        if !self.first_round(context, report).await? {
            return Ok(false);
        }
        let deferred = std::mem::take(&mut *lock(&self.deferred));
        if deferred.tickets.is_empty() {
            return Ok(true);
        }
        let extra = Extra {
            callers: IdSet::new(deferred.callers.into_iter().collect()),
            organisations: IdSet::new(deferred.organisations.into_iter().collect()),
        };
        let tickets = IdSet::new(deferred.tickets);
        let go_on = self.second_round(context, report, &extra, tickets).await?;
        self.callers = std::mem::take(&mut self.callers).union(extra.callers.ids().to_vec());
        self.organisations =
            std::mem::take(&mut self.organisations).union(extra.organisations.ids().to_vec());
        Ok(go_on)
    }

    async fn first_round(
        &self,
        context: &Context<'_, '_>,
        report: &mut RunReport,
    ) -> Result<bool, EngineError> {
        let callers = |id: i64| self.callers.contains(id);
        let organisations = |id: i64| self.organisations.contains(id);
        let totals = (
            Some(self.organisations.len() as u64),
            Some(self.callers.len() as u64),
        );
        if !setup(context, report).await?
            || !people(context, report, &organisations, &callers, totals).await?
            || !knowledge_base(context, report).await?
        {
            return Ok(false);
        }
        let Some(filter) = &self.filter else {
            return Ok(true);
        };
        let tickets = self.listed_tickets(context, filter);
        stage(context, report, Stage::Tickets, Some(self.listed), tickets).await
    }

    /// The contacts and companies the deferred tickets wait for, then those tickets.
    async fn second_round(
        &self,
        context: &Context<'_, '_>,
        report: &mut RunReport,
        extra: &Extra,
        tickets: IdSet,
    ) -> Result<bool, EngineError> {
        let callers = |id: i64| extra.callers.contains(id);
        let organisations = |id: i64| extra.organisations.contains(id);
        let totals = (
            Some(extra.organisations.len() as u64),
            Some(extra.callers.len() as u64),
        );
        if !people(context, report, &organisations, &callers, totals).await? {
            return Ok(false);
        }
        let total = Some(tickets.len() as u64);
        let work = self.deferred_tickets(context, tickets.ids().to_vec(), extra);
        stage(context, report, Stage::Tickets, total, work).await
    }

    fn deferred_tickets<'c>(
        &'c self,
        context: &'c Context<'_, '_>,
        ids: Vec<i64>,
        extra: &'c Extra,
    ) -> impl Stream<Item = Result<Work, EngineError>> + Send + 'c {
        read_in_order(context, ids.into())
            .and_then(
                move |ticket| -> BoxFuture<'c, Result<WorkStream, EngineError>> {
                    Box::pin(self.ticket_work(context, ticket, Some(extra)))
                },
            )
            .try_flatten()
    }

    fn listed_tickets<'c>(
        &'c self,
        context: &'c Context<'_, '_>,
        filter: &Arc<ScopeFilter>,
    ) -> impl Stream<Item = Result<Work, EngineError>> + Send + 'c {
        let open = Arc::clone(filter);
        context
            .source()
            .tickets_reading(None, filter.in_full())
            .map_err(EngineError::Source)
            // The others are the history pass's: neither read in full nor counted here.
            .try_filter(move |ticket| future::ready(open.ticket(ticket)))
            .and_then(
                move |ticket| -> BoxFuture<'c, Result<WorkStream, EngineError>> {
                    Box::pin(self.ticket_work(context, ticket, None))
                },
            )
            .try_flatten()
    }

    /// One open ticket as work, or deferred (in the first round) when it needs a contact or a
    /// company this pass has not created: only a placeholder contact queued for it runs.
    async fn ticket_work(
        &self,
        context: &Context<'_, '_>,
        ticket: Ticket,
        extra: Option<&Extra>,
    ) -> Result<WorkStream, EngineError> {
        let work = context.ticket_work(&ticket).await?;
        let missing = self.missing(context, &work.work, extra).await?;
        if !missing.is_empty() {
            match extra {
                None => self.defer(context, ticket.id, &missing),
                // Its messages changed between two reads: the history pass moves it.
                Some(_) => self.left.store(true, Ordering::SeqCst),
            }
            let placeholder: Vec<Result<Work, EngineError>> = work
                .work
                .into_iter()
                .filter(|item| matches!(item, Work::Group(group) if group.record.is_none()))
                .map(Ok)
                .collect();
            return Ok(stream::iter(placeholder));
        }
        context.count_findings(&work.findings);
        for link in work.links {
            push(&self.links, link);
        }
        if let Some(parent) = work.parent {
            push(&self.parents, parent);
        }
        push(&self.taken, ticket.id);
        Ok(stream::iter(
            work.work.into_iter().map(Ok).collect::<Vec<_>>(),
        ))
    }

    /// The callers and organisations `work` requires that this round cannot count on: neither
    /// named by the listing, nor added for this round, nor in the destination already.
    async fn missing(
        &self,
        context: &Context<'_, '_>,
        work: &[Work],
        extra: Option<&Extra>,
    ) -> Result<Vec<SourceRef>, EngineError> {
        let mut missing: Vec<SourceRef> = Vec::new();
        for (key, record) in self.uncounted(work, extra) {
            if missing.contains(&record) {
                continue;
            }
            let known = context
                .store()
                .lookup(&key)
                .await
                .map_err(EngineError::Store)?;
            if known.is_none() {
                missing.push(record);
            }
        }
        Ok(missing)
    }

    /// The contacts and companies `work` requires whose records neither the listing named nor
    /// `extra` adds.
    fn uncounted(&self, work: &[Work], extra: Option<&Extra>) -> Vec<(RecordKey, SourceRef)> {
        let mut uncounted = Vec::new();
        for item in work {
            let Work::Group(group) = item else { continue };
            if group.record.is_none() {
                continue;
            }
            for key in group.operations.iter().flat_map(|op| &op.requires) {
                let Some(record) = source_of(key) else {
                    continue;
                };
                let counted = match record.kind {
                    SourceKind::Caller => {
                        self.callers.contains(record.id)
                            || extra.is_some_and(|extra| extra.callers.contains(record.id))
                    }
                    SourceKind::Organisation => {
                        self.organisations.contains(record.id)
                            || extra.is_some_and(|extra| extra.organisations.contains(record.id))
                    }
                    _ => true,
                };
                if !counted {
                    uncounted.push((key.clone(), record));
                }
            }
        }
        uncounted
    }

    /// Leaves ticket `id` for the second round, with the people it waits for and their
    /// companies (a contact keeps its company).
    fn defer(&self, context: &Context<'_, '_>, id: i64, missing: &[SourceRef]) {
        let directory = context.mapper.directory();
        let mut deferred = lock(&self.deferred);
        deferred.tickets.push(id);
        for record in missing {
            match record.kind {
                SourceKind::Caller => {
                    deferred.callers.insert(record.id);
                    let organisation = directory
                        .caller(record.id)
                        .and_then(|entry| entry.client_id)
                        .filter(|organisation| directory.has_organisation(*organisation))
                        .filter(|organisation| !self.organisations.contains(*organisation));
                    deferred.organisations.extend(organisation);
                }
                SourceKind::Organisation => {
                    deferred.organisations.insert(record.id);
                }
                _ => {}
            }
        }
    }

    /// How many open tickets are in the destination, when every one the pass read is: each of
    /// its tickets stages matched the source count and none was left to the history pass.
    pub fn all_moved(&self, report: &RunReport, from: usize) -> Option<u64> {
        if self.left.load(Ordering::SeqCst) {
            return None;
        }
        let mut present = 0;
        for stage in report.stages.iter().skip(from) {
            if stage.stage != Stage::Tickets {
                continue;
            }
            let reconciliation = stage.reconciliation.as_ref()?;
            if !reconciliation.matches {
                return None;
            }
            present += reconciliation.present;
        }
        Some(present)
    }

    /// What the pass took, for the history pass to leave alone, and the links it leaves for
    /// the end of the run.
    pub fn into_taken(self) -> Taken {
        Taken {
            callers: self.callers,
            organisations: self.organisations,
            tickets: IdSet::new(take(self.taken)),
            links: take(self.links),
            parents: take(self.parents),
        }
    }
}

/// What the open pass took, and the links it left for the end of the run.
pub(crate) struct Taken {
    /// Callers whose contacts it created (or found done).
    pub callers: IdSet,
    /// Organisations whose companies it created.
    pub organisations: IdSet,
    /// Tickets it counted.
    pub tickets: IdSet,
    /// The links of its tickets.
    pub links: Vec<Operation>,
    /// Its children's links to parents.
    pub parents: Vec<ParentLink>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::source::StatusKind;
    use crate::spec::TicketScope;

    #[test]
    fn the_open_scope_keeps_the_mapping_scope_and_only_open_kinds() {
        let everything = open_scope(&Scope::default()).unwrap();
        assert_eq!(everything.tickets.status_kinds, OPEN_FIRST_KINDS.to_vec());
        assert_eq!(everything.callers, PeopleScope::Referenced);
        assert_eq!(everything.organisations, PeopleScope::Referenced);

        let narrowed = Scope {
            tickets: TicketScope {
                status_kinds: vec![StatusKind::Pending, StatusKind::Closed],
                organisations: vec![101],
                ..TicketScope::default()
            },
            ..Scope::default()
        };
        let open = open_scope(&narrowed).unwrap();
        assert_eq!(open.tickets.status_kinds, vec![StatusKind::Pending]);
        assert_eq!(open.tickets.organisations, vec![101]);

        let closed_only = Scope {
            tickets: TicketScope {
                status_kinds: vec![StatusKind::Closed],
                ..TicketScope::default()
            },
            ..Scope::default()
        };
        assert_eq!(open_scope(&closed_only), None);
    }
}
