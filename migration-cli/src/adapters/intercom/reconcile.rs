//! Reconciliation: after a crash or a lost response, whether an operation journalled as
//! started was applied, found without trusting search (its index lags writes by minutes; a
//! search *hit* is trusted, a miss never is).
//!
//! | operation | how it is found | outcome when found |
//! | --- | --- | --- |
//! | attribute, ticket type, ticket type attribute, tag | the list, by name (re-read) | `Matched` |
//! | company | `GET /companies?company_id=` | `Created` if never changed since its creation and named as the op says; else not applied (the upsert is re-run, which is idempotent) |
//! | user | `GET /contacts/find_by_external_id` | as for companies |
//! | lead | search by `external_id` (a hit), else every `GET /contacts` page | as for companies |
//! | collection | `GET /help_center/collections`, by name under the parent | `Created` |
//! | article | `GET /articles`, by title under the collection | `Created` |
//! | conversation | search by contact and `created_at` (a hit), else every `GET /conversations` page, by contact, historical `created_at` and body | `Created` |
//! | ticket | search by contact and `created_at` | `Created`; a miss is "not applied" only once [`search_index_lag`](super::IntercomOptions::search_index_lag) has passed since the first miss, and `Uncertain` before |
//! | part | the thread's parts, newest first, by `created_at`, author and body (Intercom returns only the 500 most recent parts, which always hold the part last written) | `Added` |
//! | assignment, state | the thread, read back: already assigned to them, already in that state | `Added`; else not applied (a second event would be a duplicate) |
//! | matching, tagging, attaching, details, links | nothing: re-running converges | not applied |
//!
//! "Created" for a record found by its natural key risks claiming a record that existed
//! before the run with exactly that key and content; rollback would then delete it. The
//! company and contact rules avoid that by requiring a record untouched since its creation.

use futures::TryStreamExt;
use intercom_client::contacts::{Contact, ContactSearchOptions};
use intercom_client::conversations::Conversation;
use intercom_client::search::SearchQuery;
use migration_core::model::destination::{
    ArticleRecord, CollectionRecord, CompanyRecord, ContactRecord, ContactRole,
    ConversationOpening, PartRecord, TicketRecord,
};
use migration_core::ports::{ExecutionOutcome, ExecutionRequest, ResolvedRefs, WriteEffect};
use migration_core::{
    DestinationOp, DestinationRef, PortError, PortErrorKind, RecordKey, RecordKind,
};

use super::destination::{id_of, outcome, IntercomDestination};
use super::errors::reading;
use super::flatten::{conversation_parts, ticket_parts};
use super::name_index::invalidate;
use super::signatures::{
    company_created_as, contact_created_as, conversation_matches, part_matches,
};
use super::ticket_lists::TITLE_ATTRIBUTE;
use super::values::name_key;

/// How far Intercom's clock and ours may disagree when comparing creation times.
const CLOCK_SKEW_SECONDS: i64 = 120;

impl IntercomDestination {
    /// Whether an operation whose outcome is unknown was applied: `Some(outcome)` if it was,
    /// `None` if it definitely was not (the engine may then run it again). An error of kind
    /// [`PortErrorKind::Uncertain`] means "cannot tell yet; ask again later". This is
    /// [`Destination::reconcile`](migration_core::ports::Destination::reconcile).
    pub(crate) async fn find_applied(
        &self,
        request: ExecutionRequest<'_>,
    ) -> Result<Option<ExecutionOutcome>, PortError> {
        let refs = request.refs;
        match &request.operation.op {
            DestinationOp::EnsureAttribute(definition) => {
                invalidate(&self.session.data_attributes).await;
                invalidate(&self.session.conversation_attributes).await;
                self.ensure_found(self.ensure_attribute_lookup(definition).await?)
            }
            DestinationOp::EnsureTicketType(definition) => {
                self.ensure_found(self.ticket_type_lookup(&definition.name).await?)
            }
            DestinationOp::EnsureTicketTypeAttribute {
                ticket_type,
                attribute,
            } => {
                let type_id = id_of(refs, ticket_type)?;
                self.ensure_found(self.type_attribute_lookup(type_id, &attribute.name).await?)
            }
            DestinationOp::EnsureTag { name } => {
                // Tags carry no creation time: one found is taken as existing before the run.
                self.ensure_found(self.tag_lookup(name).await?.map(|id| (id, None)))
            }
            DestinationOp::UpsertCompany(company) => self.reconcile_company(company).await,
            DestinationOp::UpsertContact(contact) => self.reconcile_contact(contact).await,
            DestinationOp::CreateCollection(collection) => {
                self.reconcile_collection(collection, refs).await
            }
            DestinationOp::CreateArticle(article) => self.reconcile_article(article, refs).await,
            DestinationOp::CreateConversation(opening) => {
                self.reconcile_conversation(opening, refs).await
            }
            DestinationOp::CreateTicket(ticket) => {
                self.reconcile_ticket(ticket, refs, &request.operation.mark)
                    .await
            }
            DestinationOp::AddPart { thread, part } => {
                self.reconcile_part(thread, part, refs).await
            }
            DestinationOp::MatchFallbackAdmin { .. }
            | DestinationOp::MatchAdmin { .. }
            | DestinationOp::MatchTeam { .. }
            | DestinationOp::AttachContactToCompany { .. }
            | DestinationOp::TagContact { .. }
            | DestinationOp::RelinkArticle { .. }
            | DestinationOp::UpdateThread { .. }
            | DestinationOp::TagThread { .. }
            | DestinationOp::LinkThreads { .. } => Ok(None),
            DestinationOp::AssignThread {
                thread,
                admin,
                team,
            } => {
                self.reconcile_assignment(thread, admin.as_ref(), team.as_ref(), refs)
                    .await
            }
            DestinationOp::SetThreadState { thread, state } => {
                self.reconcile_state(thread, *state, refs).await
            }
        }
    }

    /// The id and creation time of the ticket type called `name`, read afresh.
    async fn ticket_type_lookup(
        &self,
        name: &str,
    ) -> Result<Option<(String, Option<i64>)>, PortError> {
        invalidate(&self.session.ticket_types).await;
        let types = self
            .client
            .ticket_types()
            .list()
            .await
            .map_err(reading("listing ticket types"))?;
        let wanted = name_key(name);
        let found = types
            .into_iter()
            .find(|ticket_type| ticket_type.name.as_deref().map(name_key) == Some(wanted.clone()));
        Ok(found.map(|ticket_type| {
            let created = ticket_type.created_at.map(i64::from);
            (ticket_type.id.into_string(), created)
        }))
    }

    /// The id and creation time of the attribute called `name` on ticket type `type_id`, read
    /// afresh.
    async fn type_attribute_lookup(
        &self,
        type_id: &str,
        name: &str,
    ) -> Result<Option<(String, Option<i64>)>, PortError> {
        self.session
            .ticket_type_attributes
            .lock()
            .await
            .remove(type_id);
        let attributes = self
            .client
            .ticket_types()
            .list_attributes(&type_id.into())
            .await
            .map_err(reading(format!(
                "listing the attributes of ticket type {type_id}"
            )))?;
        let wanted = name_key(name);
        let found = attributes
            .into_iter()
            .find(|own| own.name.as_deref().map(name_key) == Some(wanted.clone()));
        Ok(found.map(|own| (own.id.into_string(), own.created_at.map(i64::from))))
    }

    /// The id of the tag called `name`, read afresh.
    async fn tag_lookup(&self, name: &str) -> Result<Option<String>, PortError> {
        invalidate(&self.session.tags).await;
        let tags = self
            .client
            .tags()
            .list()
            .await
            .map_err(reading("listing tags"))?;
        Ok(tags
            .into_iter()
            .find(|tag| tag.name.as_deref().map(name_key) == Some(name_key(name)))
            .map(|tag| tag.id.into_string()))
    }

    /// A schema object found by name: created by this migration when Intercom dated it after
    /// the first run started (less a clock-skew allowance), else one that existed before.
    fn ensure_found(
        &self,
        found: Option<(String, Option<i64>)>,
    ) -> Result<Option<ExecutionOutcome>, PortError> {
        Ok(found.map(|(id, created_at)| {
            let ours = match (self.options.created_after, created_at) {
                (Some(after), Some(created)) => created >= after - CLOCK_SKEW_SECONDS,
                _ => false,
            };
            let effect = if ours {
                WriteEffect::Created
            } else {
                WriteEffect::Matched
            };
            outcome(id, effect)
        }))
    }

    async fn ensure_attribute_lookup(
        &self,
        definition: &migration_core::model::destination::AttributeDefinition,
    ) -> Result<Option<(String, Option<i64>)>, PortError> {
        use migration_core::model::destination::AttributeModel;
        let wanted = name_key(&definition.name);
        match definition.model {
            AttributeModel::Conversation => {
                let attributes = self
                    .client
                    .conversation_attributes()
                    .list(false)
                    .await
                    .map_err(reading("listing conversation attributes"))?;
                Ok(attributes
                    .into_iter()
                    .find(|own| own.name.as_deref().map(name_key) == Some(wanted.clone()))
                    .map(|own| (own.id.into_string(), own.created_at.map(i64::from))))
            }
            AttributeModel::Contact | AttributeModel::Company => {
                let attributes = self
                    .client
                    .data_attributes()
                    .list(None, false)
                    .await
                    .map_err(reading("listing data attributes"))?;
                Ok(attributes
                    .into_iter()
                    .find(|own| {
                        own.model.as_deref() == Some(definition.model.as_str())
                            && own.name.as_deref().map(name_key) == Some(wanted.clone())
                    })
                    .and_then(|own| Some((own.id?.into_string(), own.created_at.map(i64::from)))))
            }
            AttributeModel::Ticket => Ok(None),
        }
    }

    async fn reconcile_company(
        &self,
        company: &CompanyRecord,
    ) -> Result<Option<ExecutionOutcome>, PortError> {
        let found = self
            .client
            .companies()
            .find_by_company_id(&company.company_id)
            .await
            .map_err(reading(format!(
                "looking up company {}",
                company.company_id
            )))?;
        Ok(found
            .filter(|found| company_created_as(found, company))
            .map(|found| outcome(found.id.into_string(), WriteEffect::Created)))
    }

    async fn reconcile_contact(
        &self,
        contact: &ContactRecord,
    ) -> Result<Option<ExecutionOutcome>, PortError> {
        let found = match contact.role {
            ContactRole::User => self
                .client
                .contacts()
                .find_by_external_id(&contact.external_id)
                .await
                .map_err(reading(format!(
                    "looking up contact {}",
                    contact.external_id
                )))?,
            ContactRole::Lead => self.find_lead(&contact.external_id).await?,
        };
        Ok(found
            .filter(|found| contact_created_as(found, contact))
            .map(|found| outcome(found.id.into_string(), WriteEffect::Created)))
    }

    /// A lead by external id: a search hit, else the authoritative (and slow) full listing.
    async fn find_lead(&self, external_id: &str) -> Result<Option<Contact>, PortError> {
        let query = SearchQuery::and(vec![
            SearchQuery::eq("external_id", external_id),
            SearchQuery::eq("role", "lead"),
        ]);
        let context = || reading(format!("looking up lead {external_id}"));
        let mut hits = self
            .client
            .contacts()
            .search(query, ContactSearchOptions::default());
        if let Some(hit) = hits.try_next().await.map_err(context())? {
            return Ok(Some(hit));
        }
        let mut all = self.client.contacts().list(Some(150));
        while let Some(contact) = all.try_next().await.map_err(context())? {
            if contact.external_id.as_deref() == Some(external_id) {
                return Ok(Some(contact));
            }
        }
        Ok(None)
    }

    async fn reconcile_collection(
        &self,
        collection: &CollectionRecord,
        refs: &ResolvedRefs,
    ) -> Result<Option<ExecutionOutcome>, PortError> {
        let parent = collection
            .parent
            .as_ref()
            .map(|parent| id_of(refs, parent))
            .transpose()?;
        let mut all = self.client.help_center().collections().list(Some(150));
        while let Some(own) = all
            .try_next()
            .await
            .map_err(reading("listing collections"))?
        {
            let same_parent = own.parent_id.as_ref().map(|id| id.as_str()) == parent;
            if same_parent && own.name.as_deref() == Some(collection.name.as_str()) {
                return Ok(Some(outcome(own.id.into_string(), WriteEffect::Created)));
            }
        }
        Ok(None)
    }

    async fn reconcile_article(
        &self,
        article: &ArticleRecord,
        refs: &ResolvedRefs,
    ) -> Result<Option<ExecutionOutcome>, PortError> {
        let parent = article
            .parent
            .as_ref()
            .map(|parent| id_of(refs, parent))
            .transpose()?;
        let mut all = self.client.help_center().articles().list(Some(150));
        while let Some(own) = all.try_next().await.map_err(reading("listing articles"))? {
            let same_parent = match parent {
                Some(parent) => own.parent_ids.iter().any(|id| id == parent),
                None => own.parent_ids.is_empty(),
            };
            if same_parent && own.title.as_deref() == Some(article.title.as_str()) {
                let id = own.id.into_string();
                self.session.note_created(&id);
                return Ok(Some(outcome(id, WriteEffect::Created)));
            }
        }
        Ok(None)
    }

    async fn reconcile_conversation(
        &self,
        opening: &ConversationOpening,
        refs: &ResolvedRefs,
    ) -> Result<Option<ExecutionOutcome>, PortError> {
        let contact_id = id_of(refs, &opening.contact)?;
        let found =
            |conversation: &Conversation| conversation_matches(conversation, contact_id, opening);
        let query = SearchQuery::and(vec![
            SearchQuery::eq("source.author.id", contact_id),
            SearchQuery::eq("created_at", opening.created_at),
        ]);
        let context = || {
            reading(format!(
                "looking for the conversation of contact {contact_id}"
            ))
        };
        let mut hits = self.client.conversations().search(query, Some(150));
        let mut matched = None;
        while let Some(conversation) = hits.try_next().await.map_err(context())? {
            if found(&conversation) {
                matched = Some(conversation);
                break;
            }
        }
        if matched.is_none() {
            let mut all = self.client.conversations().list(Some(150));
            while let Some(conversation) = all.try_next().await.map_err(context())? {
                if found(&conversation) {
                    matched = Some(conversation);
                    break;
                }
            }
        }
        Ok(matched.map(|conversation| {
            let id = conversation.id.into_string();
            self.session.note_created(&id);
            outcome(id, WriteEffect::Created)
        }))
    }

    async fn reconcile_ticket(
        &self,
        ticket: &TicketRecord,
        refs: &ResolvedRefs,
        mark: &str,
    ) -> Result<Option<ExecutionOutcome>, PortError> {
        let contact_id = id_of(refs, &ticket.contact)?;
        let query = SearchQuery::and(vec![
            SearchQuery::eq("contact_ids", contact_id),
            SearchQuery::eq("created_at", ticket.created_at),
        ]);
        let mut hits = self.client.tickets().search(query, Some(150));
        while let Some(found) = hits.try_next().await.map_err(reading(format!(
            "looking for the ticket of contact {contact_id}"
        )))? {
            let title = found
                .ticket_attributes
                .get(TITLE_ATTRIBUTE)
                .and_then(|title| title.as_str());
            if title == Some(ticket.title.as_str()) {
                let id = found.id.into_string();
                self.session.note_created(&id);
                return Ok(Some(outcome(id, WriteEffect::Created)));
            }
        }
        // Only search finds tickets, and its misses are not trusted until the index caught up.
        let waited = self.session.first_miss(mark).elapsed();
        if waited >= self.options.search_index_lag {
            return Ok(None);
        }
        Err(PortError::new(
            PortErrorKind::Uncertain,
            format!(
                "Intercom: ticket {mark} is not in the search index yet; it may still appear (ask again in {}s)",
                (self.options.search_index_lag - waited).as_secs()
            ),
        ))
    }

    async fn reconcile_part(
        &self,
        thread: &RecordKey,
        part: &PartRecord,
        refs: &ResolvedRefs,
    ) -> Result<Option<ExecutionOutcome>, PortError> {
        let thread_id = id_of(refs, thread)?;
        let author_id = id_of(refs, part.author.key())?;
        let context = || {
            reading(format!(
                "reading the parts of {} {thread_id}",
                thread.kind().prefix()
            ))
        };
        let parts = match thread.kind() {
            RecordKind::Conversation => conversation_parts(
                &self
                    .client
                    .conversations()
                    .get(&thread_id.into())
                    .await
                    .map_err(context())?,
            ),
            RecordKind::Ticket => ticket_parts(
                &self
                    .client
                    .tickets()
                    .get(&thread_id.into())
                    .await
                    .map_err(context())?,
            ),
            _ => return Ok(None),
        };
        // Parts are written in order and one at a time per thread, so the part in doubt is the
        // newest one written: it is among the 500 most recent parts Intercom returns however
        // long the thread is, and searching from the newest finds it before an older part with
        // the same time, author and body.
        Ok(parts
            .iter()
            .rev()
            .find(|observed| part_matches(observed, part, author_id))
            .map(|observed| ExecutionOutcome {
                destination: Some(DestinationRef::id(observed.id.clone())),
                effect: WriteEffect::Added,
            }))
    }
}
