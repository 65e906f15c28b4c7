//! A sample run: tickets chosen across every ticket type and channel, with exactly the
//! records they need (contacts, companies, articles, collections, schema), moved stage by
//! stage like a full run.

use std::collections::{BTreeMap, HashSet};

use futures::{stream, TryStreamExt};
use regex::Regex;

use super::context::{keys_of, Context};
use super::pipeline::{Group, Work};
use super::report::RunReport;
use super::stage::Stage;
use super::stages::{links_stage, stage};
use super::work::{collection_work, setup_stages, singles, work_of};
use super::EngineError;
use crate::keys::RecordKey;
use crate::model::source::{Article, SourceKind, SourceRef, Ticket};
use crate::ops::{Operation, Phase};
use crate::ports::Source;

/// Tickets read at most to choose a sample (the sample comes from the first tickets the
/// source lists when the instance is larger).
fn scan_limit(tickets: usize) -> usize {
    tickets.saturating_mul(100).max(1000)
}

/// Chooses `count` tickets: round-robin over (ticket type, channel), first seen first, deleted
/// tickets and tickets outside the scope left out. Reading stops early once every type and
/// channel of the schema is seen.
pub(crate) async fn choose(
    source: &dyn Source,
    context: &Context<'_, '_>,
    count: usize,
) -> Result<Vec<Ticket>, EngineError> {
    let mut strata = Strata::new();
    let types: HashSet<i64> = context
        .schema
        .ticket_types
        .iter()
        .filter(|kind| kind.enabled)
        .map(|kind| kind.id)
        .collect();
    let origins: HashSet<i64> = context
        .schema
        .origins
        .iter()
        .map(|origin| origin.id)
        .collect();
    let (mut types_seen, mut origins_seen) = (HashSet::new(), HashSet::new());
    let mut tickets = source.tickets_reading(None, context.scope.in_full());
    let mut read = 0;
    while let Some(ticket) = tickets.try_next().await.map_err(EngineError::Source)? {
        read += 1;
        // A sample shows what the migration will move: tickets outside the scope are not chosen.
        if !ticket.deleted && context.scope.ticket(&ticket) {
            types_seen.insert(ticket.record_type_id);
            origins_seen.extend(ticket.origin);
            let bucket = strata
                .entry((ticket.record_type_id, ticket.origin))
                .or_default();
            if bucket.len() < count {
                bucket.push(ticket);
            }
        }
        let everything_seen = types.is_subset(&types_seen) && origins.is_subset(&origins_seen);
        if read >= scan_limit(count) || (everything_seen && read >= count.saturating_mul(20)) {
            break;
        }
    }
    Ok(round_robin(strata, count))
}

/// Tickets of one ticket type and channel, first seen first.
type Strata = BTreeMap<(i64, Option<i64>), Vec<Ticket>>;

/// Takes one ticket of each stratum in turn until `count` are taken or none is left.
fn round_robin(strata: Strata, count: usize) -> Vec<Ticket> {
    let mut buckets: Vec<std::vec::IntoIter<Ticket>> =
        strata.into_values().map(Vec::into_iter).collect();
    let mut chosen = Vec::with_capacity(count);
    while chosen.len() < count {
        let before = chosen.len();
        for bucket in &mut buckets {
            if chosen.len() == count {
                break;
            }
            chosen.extend(bucket.next());
        }
        if chosen.len() == before {
            break;
        }
    }
    chosen
}

/// Article ids that ticket texts link to.
fn linked_articles(pattern: Option<&Regex>, tickets: &[Ticket]) -> HashSet<i64> {
    let Some(pattern) = pattern else {
        return HashSet::new();
    };
    let texts = tickets.iter().flat_map(|ticket| {
        [
            ticket.description.as_deref(),
            ticket.description_html.as_deref(),
        ]
        .into_iter()
        .chain(
            ticket
                .actions
                .iter()
                .flat_map(|action| [action.notes.as_deref(), action.notes_html.as_deref()]),
        )
        .flatten()
    });
    texts
        .flat_map(|text| {
            pattern
                .captures_iter(text)
                .filter_map(|found| found.get(1)?.as_str().parse().ok())
                .collect::<Vec<i64>>()
        })
        .collect()
}

/// What the chosen records need, grown as records are included.
#[derive(Default)]
struct Needs {
    keys: HashSet<RecordKey>,
}

impl Needs {
    fn add(&mut self, operations: &[Operation]) {
        for operation in operations {
            self.keys.extend(operation.requires.iter().cloned());
        }
    }

    fn add_work(&mut self, work: &Work) {
        if let Work::Group(group) = work {
            self.add(&group.operations);
        }
    }

    fn contains(&self, key: &RecordKey) -> bool {
        self.keys.contains(key)
    }
}

/// The work items of one stage.
type StageWork = Vec<Result<Work, EngineError>>;

/// Runs a sample of `count` tickets.
pub(crate) async fn run_sample(
    context: &Context<'_, '_>,
    count: usize,
    report: &mut RunReport,
) -> Result<(), EngineError> {
    let tickets = choose(context.source(), context, count).await?;
    report.sample = tickets
        .iter()
        .map(|ticket| SourceRef::new(SourceKind::Ticket, ticket.id))
        .collect();
    let mut needs = needs_of(context, &tickets).await?;
    let pattern = Regex::new(&context.mapper.spec().html.article_link_pattern).ok();
    let articles_linked = linked_articles(pattern.as_ref(), &tickets);
    let contacts = needed_contacts(context, &mut needs).await?;
    let companies = needed_companies(context, &mut needs).await?;
    let (articles, relinks) = needed_articles(context, &mut needs, &articles_linked).await?;
    let collections = closure(collection_work(context), &mut needs);
    let (schema, people) = setup_stages(context.mapper.setup_operations(&context.schema));
    let people = closure(singles(people), &mut needs);
    let schema = closure(singles(schema), &mut needs);

    let total = |work: &[Result<Work, EngineError>]| Some(work.len() as u64);
    let stages = [
        (Stage::Schema, schema),
        (Stage::People, people),
        (Stage::Companies, companies),
        (Stage::Contacts, contacts),
        (Stage::Collections, collections),
        (Stage::Articles, articles),
        (Stage::ArticleLinks, singles(relinks)),
    ];
    for (name, work) in stages {
        if !stage(context, report, name, total(&work), stream::iter(work)).await? {
            return Ok(());
        }
    }
    // Mapped again now that the sample's articles exist, so links to them are rewritten.
    let mut ticket_work = Vec::with_capacity(tickets.len());
    let mut links = Vec::new();
    let mut parents = Vec::new();
    for ticket in &tickets {
        let work = context.ticket_work(ticket).await?;
        context.count_findings(&work.findings);
        ticket_work.extend(work.work.into_iter().map(Ok));
        links.extend(work.links);
        parents.extend(work.parent);
    }
    let total = Some(tickets.len() as u64);
    let work = stream::iter(ticket_work);
    if !stage(context, report, Stage::Tickets, total, work).await? {
        return Ok(());
    }
    links_stage(context, report, links, parents).await
}

/// What the chosen tickets need, from their mapping.
async fn needs_of(context: &Context<'_, '_>, tickets: &[Ticket]) -> Result<Needs, EngineError> {
    let mut needs = Needs::default();
    for ticket in tickets {
        let work = context.ticket_work(ticket).await?;
        work.work.iter().for_each(|item| needs.add_work(item));
        needs.add(&work.links);
    }
    // The needs pass only looked; the tickets stage maps them again and queues the
    // placeholder contact with the first ticket that needs it.
    context
        .placeholder_queued
        .store(false, std::sync::atomic::Ordering::SeqCst);
    Ok(needs)
}

/// The contacts of the callers the sample needs, adding what they need.
async fn needed_contacts(
    context: &Context<'_, '_>,
    needs: &mut Needs,
) -> Result<StageWork, EngineError> {
    let mut contacts = Vec::new();
    let mut callers = context.source().callers();
    while let Some(caller) = callers.try_next().await.map_err(EngineError::Source)? {
        if needs.contains(&RecordKey::contact(caller.id)) {
            let work = work_of(
                context,
                SourceRef::new(SourceKind::Caller, caller.id),
                context.mapper.map_caller(&caller),
            );
            needs.add_work(&work);
            contacts.push(Ok(work));
        }
    }
    Ok(contacts)
}

/// The companies of the organisations the sample needs, adding what they need.
async fn needed_companies(
    context: &Context<'_, '_>,
    needs: &mut Needs,
) -> Result<StageWork, EngineError> {
    let mut companies = Vec::new();
    let mut organisations = context.source().organisations();
    while let Some(organisation) = organisations
        .try_next()
        .await
        .map_err(EngineError::Source)?
    {
        if needs.contains(&RecordKey::company(organisation.id)) {
            let work = work_of(
                context,
                SourceRef::new(SourceKind::Organisation, organisation.id),
                context.mapper.map_organisation(&organisation),
            );
            needs.add_work(&work);
            companies.push(Ok(work));
        }
    }
    Ok(companies)
}

/// The articles the sample needs or its tickets link to, with their links to other articles
/// set apart for the article links stage; every article the destination has is learnt, so
/// links to it are rewritten.
async fn needed_articles(
    context: &Context<'_, '_>,
    needs: &mut Needs,
    linked: &HashSet<i64>,
) -> Result<(StageWork, Vec<Operation>), EngineError> {
    let mut articles = Vec::new();
    let mut relinks = Vec::new();
    let mut listed = context.source().articles();
    while let Some(article) = listed.try_next().await.map_err(EngineError::Source)? {
        let key = RecordKey::article(article.id);
        if let Some(known) = context
            .store()
            .lookup(&key)
            .await
            .map_err(EngineError::Store)?
        {
            context.know_article(&key, &known);
        }
        if !linked.contains(&article.id) && !needs.contains(&key) {
            continue;
        }
        if !context.scope.article(&article) {
            context.mark_unavailable(key, "left out by the mapping's [scope]");
            continue;
        }
        let work = article_work(context, &article, &mut relinks).await?;
        needs.add_work(&work);
        articles.push(Ok(work));
    }
    Ok((articles, relinks))
}

/// One article as work, its images re-hosted; its links to other articles go to `relinks`.
async fn article_work(
    context: &Context<'_, '_>,
    article: &Article,
    relinks: &mut Vec<Operation>,
) -> Result<Work, EngineError> {
    let unhosted = context.host_images(&article.body_html).await?;
    let mapped =
        context.with_articles(|known| context.mapper.map_article_noting(article, known, &unhosted));
    let mut work = work_of(
        context,
        SourceRef::new(SourceKind::Article, article.id),
        mapped,
    );
    if let Work::Group(group) = &mut work {
        let (now, later): (Vec<Operation>, Vec<Operation>) = std::mem::take(&mut group.operations)
            .into_iter()
            .partition(|operation| operation.phase != Phase::ArticleLinks);
        group.operations = now;
        relinks.extend(later);
    }
    Ok(work)
}

/// The work items that create something needed, grown to a fixed point (a ticket type
/// attribute needs its type; a collection its parent; an admin match the fallback admin).
fn closure(
    candidates: Vec<Result<Work, EngineError>>,
    needs: &mut Needs,
) -> Vec<Result<Work, EngineError>> {
    let mut included = vec![false; candidates.len()];
    loop {
        let mut grew = false;
        for (index, candidate) in candidates.iter().enumerate() {
            let Ok(Work::Group(Group { operations, .. })) = candidate else {
                continue;
            };
            if !included[index]
                && operations.iter().any(|operation| {
                    operation
                        .creates
                        .as_ref()
                        .is_some_and(|key| needs.contains(key))
                })
            {
                included[index] = true;
                needs.add(operations);
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    // Rejected candidates are kept when their record is needed, so the report says why.
    candidates
        .into_iter()
        .zip(included)
        .filter_map(|(candidate, included)| match &candidate {
            Ok(Work::Rejected(rejection)) => keys_of(rejection.record)
                .iter()
                .any(|key| needs.contains(key))
                .then_some(candidate),
            _ => included.then_some(candidate),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_links_are_found_in_every_text_of_a_ticket() {
        let pattern = Regex::new(r"(?i)(?:/kb/article/|[?&]articleid=)(\d+)").unwrap();
        let ticket: Ticket = serde_json::from_value(serde_json::json!({
            "id": 1,
            "record_type_id": 11,
            "description_html": "<a href=\"https://x/kb/article/12\">a</a>",
            "actions": [{ "id": 2, "notes": "see https://x/Page?ArticleId=7 and /kb/article/12" }]
        }))
        .unwrap();
        let found = linked_articles(Some(&pattern), &[ticket]);
        assert_eq!(found, HashSet::from([7, 12]));
    }
}
