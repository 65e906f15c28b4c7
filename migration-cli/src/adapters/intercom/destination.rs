//! [`IntercomDestination`]: the [`Destination`] port over `intercom-client`, and the dispatch
//! of each operation to the module of its family.

use std::collections::BTreeMap;

use async_trait::async_trait;
use intercom_client::{Client, ClientStats};
use migration_core::model::destination::{DestinationSchema, ObservedRecord};
use migration_core::ports::{
    Destination, ExecutionOutcome, ExecutionRequest, ResolvedRefs, WriteEffect,
};
use migration_core::rollback::UndoStep;
use migration_core::{DestinationOp, DestinationRef, PortError, RecordKey, RecordKind};
use serde_json::Value;

use super::errors::{reading, rejected};
use super::options::IntercomOptions;
use super::session::Session;

/// Writes a migration into an Intercom workspace through [`intercom_client::Client`].
///
/// Every operation costs exactly the calls it needs (see the crate's table in
/// `adapters/intercom/mod.rs`); workspace lists (admins, teams, ticket states, tags,
/// attributes, ticket types) are read once per process and kept.
pub struct IntercomDestination {
    pub(crate) client: Client,
    pub(crate) options: IntercomOptions,
    pub(crate) session: Session,
}

impl std::fmt::Debug for IntercomDestination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The client is left out on purpose: only its base URL is useful in a log line.
        f.debug_struct("IntercomDestination")
            .field("base_url", &self.client.base_url().as_str())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl IntercomDestination {
    /// A destination writing through `client` with `options`.
    pub fn new(client: Client, options: IntercomOptions) -> Self {
        Self {
            client,
            options,
            session: Session::default(),
        }
    }

    /// The same destination, told when the migration's first run started (see
    /// [`IntercomOptions::created_after`]).
    pub fn with_created_after(mut self, unix_seconds: Option<i64>) -> Self {
        self.options.created_after = unix_seconds;
        self
    }

    /// The client it writes through.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Its settings.
    pub fn options(&self) -> &IntercomOptions {
        &self.options
    }

    /// Requests sent, rate-limit waits and retries so far (shared with clones of the client).
    pub fn stats(&self) -> ClientStats {
        self.client.stats()
    }

    /// The admin who performs actions that need one: the fallback admin of the run when the
    /// operation resolved it, else [`IntercomOptions::acting_admin_id`], else the fallback
    /// admin matched earlier in this process, else the token's own admin (`GET /me`, once).
    pub(crate) async fn acting_admin(&self, refs: &ResolvedRefs) -> Result<String, PortError> {
        if let Some(fallback) = refs.get(&RecordKey::fallback_admin()) {
            return Ok(fallback.id.clone());
        }
        if let Some(id) = &self.options.acting_admin_id {
            return Ok(id.clone());
        }
        if let Some(id) = self.session.fallback_admin() {
            return Ok(id);
        }
        let me = self
            .session
            .me
            .get_or_try_init(|| async {
                let me = self
                    .client
                    .admins()
                    .me()
                    .await
                    .map_err(reading("reading the token's admin (GET /me)"))?;
                Ok::<_, PortError>(me.admin.id.into_string())
            })
            .await?;
        Ok(me.clone())
    }
}

/// The destination id of a required record.
pub(crate) fn id_of<'a>(refs: &'a ResolvedRefs, key: &RecordKey) -> Result<&'a str, PortError> {
    refs.get(key)
        .map(|destination| destination.id.as_str())
        .ok_or_else(|| rejected(format!("the required record {key} has no destination id")))
}

/// An outcome naming `id`.
pub(crate) fn outcome(id: impl Into<String>, effect: WriteEffect) -> ExecutionOutcome {
    ExecutionOutcome {
        destination: Some(DestinationRef::id(id)),
        effect,
    }
}

/// The outcome of a change with its before-image.
pub(crate) fn updated(
    id: impl Into<String>,
    previous: BTreeMap<String, Value>,
) -> ExecutionOutcome {
    outcome(id, WriteEffect::Updated { previous })
}

#[async_trait]
impl Destination for IntercomDestination {
    async fn schema(&self) -> Result<DestinationSchema, PortError> {
        self.read_schema().await
    }

    async fn execute(&self, request: ExecutionRequest<'_>) -> Result<ExecutionOutcome, PortError> {
        let refs = request.refs;
        match &request.operation.op {
            DestinationOp::EnsureAttribute(definition) => self.ensure_attribute(definition).await,
            DestinationOp::EnsureTicketType(definition) => {
                self.ensure_ticket_type(definition).await
            }
            DestinationOp::EnsureTicketTypeAttribute {
                ticket_type,
                attribute,
            } => {
                self.ensure_ticket_type_attribute(id_of(refs, ticket_type)?, attribute)
                    .await
            }
            DestinationOp::EnsureTag { name } => self.ensure_tag(name).await,
            DestinationOp::MatchFallbackAdmin { email } => self.match_fallback_admin(email).await,
            DestinationOp::MatchAdmin { email, name } => {
                let mark = &request.operation.mark;
                self.match_admin(email.as_deref(), name, mark, refs).await
            }
            DestinationOp::MatchTeam { name } => self.match_team(name).await,
            DestinationOp::UpsertCompany(company) => self.upsert_company(company).await,
            DestinationOp::UpsertContact(contact) => self.upsert_contact(contact).await,
            DestinationOp::AttachContactToCompany { contact, company } => {
                self.attach_contact(id_of(refs, contact)?, id_of(refs, company)?)
                    .await
            }
            DestinationOp::TagContact { contact, tag } => {
                self.tag_contact(id_of(refs, contact)?, id_of(refs, tag)?)
                    .await
            }
            DestinationOp::CreateCollection(collection) => {
                self.create_collection(collection, refs).await
            }
            DestinationOp::CreateArticle(article) => self.create_article(article, refs).await,
            DestinationOp::RelinkArticle {
                article,
                source_html,
            } => {
                self.relink_article(id_of(refs, article)?, source_html)
                    .await
            }
            DestinationOp::CreateConversation(_)
            | DestinationOp::CreateTicket(_)
            | DestinationOp::AddPart { .. }
            | DestinationOp::UpdateThread { .. }
            | DestinationOp::TagThread { .. }
            | DestinationOp::LinkThreads { .. }
            | DestinationOp::AssignThread { .. }
            | DestinationOp::SetThreadState { .. } => self.execute_on_thread(request).await,
        }
    }

    async fn read_back(
        &self,
        kind: RecordKind,
        id: &str,
    ) -> Result<Option<ObservedRecord>, PortError> {
        self.observe(kind, id).await
    }

    async fn undo(&self, step: &UndoStep) -> Result<(), PortError> {
        self.run_undo(step).await
    }

    async fn reconcile(
        &self,
        request: ExecutionRequest<'_>,
    ) -> Result<Option<ExecutionOutcome>, PortError> {
        self.find_applied(request).await
    }
}

impl IntercomDestination {
    /// [`Destination::execute`] for the operations that create or change a conversation or a
    /// ticket.
    async fn execute_on_thread(
        &self,
        request: ExecutionRequest<'_>,
    ) -> Result<ExecutionOutcome, PortError> {
        let refs = request.refs;
        match &request.operation.op {
            DestinationOp::CreateConversation(opening) => {
                self.create_conversation(opening, refs).await
            }
            DestinationOp::CreateTicket(ticket) => self.create_ticket(ticket, refs).await,
            DestinationOp::AddPart { thread, part } => {
                self.add_part(thread, part, refs, request.files).await
            }
            DestinationOp::UpdateThread {
                thread,
                title,
                priority,
                company,
                custom_attributes,
            } => {
                let company = company.as_ref().map(|key| id_of(refs, key)).transpose()?;
                self.update_thread(
                    thread,
                    id_of(refs, thread)?,
                    title.as_deref(),
                    *priority,
                    company,
                    custom_attributes,
                )
                .await
            }
            DestinationOp::TagThread { thread, tag } => {
                self.tag_thread(thread, id_of(refs, tag)?, refs).await
            }
            DestinationOp::LinkThreads { parent, child } => self.link_threads(parent, child),
            DestinationOp::AssignThread {
                thread,
                admin,
                team,
            } => {
                self.assign_resolved(thread, admin.as_ref(), team.as_ref(), refs)
                    .await
            }
            DestinationOp::SetThreadState { thread, state } => {
                self.set_thread_state(thread, *state, refs).await
            }
            other => Err(rejected(format!(
                "{} is not an operation on a conversation or ticket",
                other.name()
            ))),
        }
    }

    /// Assigns `thread` to the admin and team `admin` and `team` resolved to. A group or agent
    /// that matched no Intercom team or admin resolves to nothing: the thread stays unassigned
    /// on that side rather than failing, and with neither the operation has nothing to do.
    async fn assign_resolved(
        &self,
        thread: &RecordKey,
        admin: Option<&RecordKey>,
        team: Option<&RecordKey>,
        refs: &ResolvedRefs,
    ) -> Result<ExecutionOutcome, PortError> {
        let resolve = |key: Option<&RecordKey>| {
            key.and_then(|key| refs.get(key))
                .map(|destination| destination.id.as_str())
        };
        let (admin, team) = (resolve(admin), resolve(team));
        if admin.is_none() && team.is_none() {
            return Ok(ExecutionOutcome {
                destination: refs.get(thread).cloned(),
                effect: WriteEffect::Added,
            });
        }
        self.assign_thread(thread, admin, team, refs).await
    }
}
