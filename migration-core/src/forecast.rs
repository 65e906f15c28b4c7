//! The forecast a migration lead books a cutover window by, before anything moves.
//!
//! Intercom's side is counted from the operations the mapping gives each record, at the
//! requests the Intercom adapter sends for each one on a first run into the workspace as it is
//! (a company upsert reads its before-image first; a conversation just created is open
//! already, so opening it costs nothing; an assignee that matched no teammate or team is not
//! sent). Its clock is the rate limit: requests ÷ the requests a minute the apps may send.
//! Vivantio's side is the reads the run makes; its clock is the tenant's latency:
//! requests × latency ÷ requests in flight. The run streams, extraction and load together,
//! so the slower side sets the wall time.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::engine::Stage;
use crate::keys::{RecordKey, RecordKind};
use crate::model::destination::{
    AttributeModel, ConversationState, DestinationSchema, ThreadState, TicketStateCategory,
};
use crate::model::source::SourceKind;
use crate::ops::{DestinationOp, Operation};
use crate::transform::Mapper;

/// Workspace lists the checks before a run read once per process and the run keeps: data
/// attributes, conversation attributes, ticket types and tags.
pub const SCHEMA_READS: u64 = 4;
/// The token's own admin (`GET /me`), the admins and the teams, read once per process.
pub const PEOPLE_READS: u64 = 3;

/// What an operation's cost depends on besides itself: what the workspace holds already, which
/// agents and groups resolve to a teammate or team, and how the destination is set.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    /// Live attributes by model, name (trimmed, lower case) and, for ticket attributes, type.
    attributes: HashSet<(AttributeModel, String, String)>,
    /// Ticket types by name (lower case).
    ticket_types: HashSet<String>,
    /// Tags by name (lower case).
    tags: HashSet<String>,
    /// Admin and team keys that resolve to an Intercom id.
    resolved: HashSet<RecordKey>,
    /// Whether a priority alone is written (the destination has an attribute for it).
    priority_attribute: bool,
    /// Requests of the placeholder contact by stage (of its operations' phase), created once
    /// when a ticket has no caller.
    placeholder: BTreeMap<Stage, u64>,
}

fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

impl Workspace {
    /// The workspace `destination` describes, for a mapping whose schema and people stages run
    /// `setup` (`Mapper::setup_operations`) and whose tickets without a caller share the
    /// contact `placeholder` creates (`Mapper::placeholder_contact_operations`).
    pub fn new(
        destination: &DestinationSchema,
        setup: &[Operation],
        placeholder: &[Operation],
        priority_attribute: bool,
    ) -> Self {
        let teams: HashSet<String> = destination
            .teams
            .iter()
            .map(|t| name_key(&t.name))
            .collect();
        let resolved = setup
            .iter()
            .filter_map(|operation| {
                let resolves = match &operation.op {
                    // The fallback admin stands in for an agent no teammate matches.
                    DestinationOp::MatchAdmin { .. } | DestinationOp::MatchFallbackAdmin { .. } => {
                        true
                    }
                    DestinationOp::MatchTeam { name } => teams.contains(&name_key(name)),
                    _ => false,
                };
                operation.creates.clone().filter(|_| resolves)
            })
            .collect();
        let mut workspace = Self {
            attributes: destination
                .attributes
                .iter()
                .filter(|attribute| !attribute.archived)
                .map(|attribute| {
                    let ticket_type = attribute.ticket_type.as_deref().map(name_key);
                    let name = name_key(&attribute.name);
                    (attribute.model, name, ticket_type.unwrap_or_default())
                })
                .collect(),
            ticket_types: destination
                .ticket_types
                .iter()
                .map(|t| name_key(&t.name))
                .collect(),
            tags: destination.tags.iter().map(|tag| name_key(tag)).collect(),
            resolved,
            priority_attribute,
            placeholder: BTreeMap::new(),
        };
        for operation in placeholder {
            let requests = workspace.requests(&operation.op);
            *workspace
                .placeholder
                .entry(Stage::of(operation.phase))
                .or_default() += requests;
        }
        workspace
    }

    /// The Intercom requests `op` costs on a first run (the calls of the table in the Intercom
    /// adapter, `adapters/intercom/mod.rs`), the lists read once per process left out.
    pub fn requests(&self, op: &DestinationOp) -> u64 {
        let unless = |exists: bool| u64::from(!exists);
        match op {
            DestinationOp::EnsureAttribute(definition) => unless(self.attributes.contains(&(
                definition.model,
                name_key(&definition.name),
                String::new(),
            ))),
            DestinationOp::EnsureTicketType(definition) => {
                unless(self.ticket_types.contains(&name_key(&definition.name)))
            }
            DestinationOp::EnsureTicketTypeAttribute {
                ticket_type,
                attribute,
            } => unless(self.attributes.contains(&(
                AttributeModel::Ticket,
                name_key(&attribute.name),
                ticket_type.id().to_owned(),
            ))),
            DestinationOp::EnsureTag { name } => unless(self.tags.contains(&name_key(name))),
            DestinationOp::MatchFallbackAdmin { .. }
            | DestinationOp::MatchAdmin { .. }
            | DestinationOp::MatchTeam { .. } => 0,
            // The before-image rollback restores, then the upsert.
            DestinationOp::UpsertCompany(_) => 2,
            DestinationOp::UpsertContact(_)
            | DestinationOp::AttachContactToCompany { .. }
            | DestinationOp::TagContact { .. }
            | DestinationOp::CreateCollection(_)
            | DestinationOp::CreateArticle(_)
            | DestinationOp::RelinkArticle { .. }
            | DestinationOp::CreateConversation(_)
            | DestinationOp::CreateTicket(_)
            | DestinationOp::AddPart { .. }
            | DestinationOp::TagThread { .. } => 1,
            DestinationOp::UpdateThread {
                title,
                priority,
                company,
                custom_attributes,
                ..
            } => u64::from(
                title.is_some()
                    || company.is_some()
                    || !custom_attributes.is_empty()
                    || (priority.is_some() && self.priority_attribute),
            ),
            // One call per assignee that resolves (a ticket is created assigned instead).
            DestinationOp::AssignThread { admin, team, .. } => [admin, team]
                .into_iter()
                .flatten()
                .filter(|key| self.resolved.contains(key))
                .count() as u64,
            DestinationOp::SetThreadState { state, .. } => u64::from(!created_in(*state)),
            // Refused: Intercom 2.16 has no call that links two threads.
            DestinationOp::LinkThreads { .. } => 0,
        }
    }
}

/// Whether a thread is created in `state`, so that moving it there costs no call: a
/// conversation opens open, a ticket starts submitted.
fn created_in(state: ThreadState) -> bool {
    matches!(
        state,
        ThreadState::Conversation(ConversationState::Open)
            | ThreadState::Ticket(TicketStateCategory::Submitted)
    )
}

/// The images an article body shows from the source, each fetched once to be re-hosted when
/// an image host is configured.
pub fn article_images(mapper: &Mapper, html: &str) -> u64 {
    mapper.article_images(html).len() as u64
}

/// One stage's share of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRequests {
    /// The stage.
    pub stage: Stage,
    /// Source records it moves.
    pub records: u64,
    /// Operations the mapping gives it.
    pub operations: u64,
    /// Intercom requests they cost.
    pub requests: u64,
}

impl StageRequests {
    /// A stage with nothing in it yet.
    pub fn empty(stage: Stage) -> Self {
        Self {
            stage,
            records: 0,
            operations: 0,
            requests: 0,
        }
    }
}

/// Intercom requests and source files of the records seen so far, stage by stage.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    stages: BTreeMap<Stage, StageRequests>,
    files: u64,
    placeholder: bool,
    ticket_states: bool,
    /// Ticket types the workspace has whose attributes are ensured: each is read once.
    existing_types: HashSet<String>,
}

impl Tally {
    /// Adds the operations of the schema and people stages.
    pub fn setup(&mut self, workspace: &Workspace, operations: &[Operation]) {
        for operation in operations {
            if let DestinationOp::EnsureTicketTypeAttribute { ticket_type, .. } = &operation.op {
                if workspace.ticket_types.contains(ticket_type.id()) {
                    self.existing_types.insert(ticket_type.id().to_owned());
                }
            }
        }
        self.operations(workspace, operations);
    }

    /// Adds one source record of `kind` and the operations it maps to.
    pub fn record(&mut self, workspace: &Workspace, kind: SourceKind, operations: &[Operation]) {
        if let Some(stage) = Stage::ALL
            .into_iter()
            .find(|s| s.source_kind() == Some(kind))
        {
            self.stage(stage).records += 1;
        }
        self.operations(workspace, operations);
    }

    fn operations(&mut self, workspace: &Workspace, operations: &[Operation]) {
        let placeholder = RecordKey::placeholder_contact();
        for operation in operations {
            let requests = workspace.requests(&operation.op);
            let row = self.stage(Stage::of(operation.phase));
            row.operations += 1;
            row.requests += requests;
            match &operation.op {
                DestinationOp::AddPart { part, .. } => self.files += part.attachments.len() as u64,
                DestinationOp::SetThreadState { thread, .. } => {
                    // The state's id is looked up for every ticket state change, sent or not.
                    self.ticket_states |= thread.kind() == RecordKind::Ticket;
                }
                _ => {}
            }
            self.placeholder |= operation.requires.contains(&placeholder);
        }
    }

    fn stage(&mut self, stage: Stage) -> &mut StageRequests {
        self.stages
            .entry(stage)
            .or_insert_with(|| StageRequests::empty(stage))
    }

    /// Source files the run fetches (one `Source::attachment` each).
    pub fn files(&self) -> u64 {
        self.files
    }

    /// Every stage in run order, with the reads made once per process and the placeholder
    /// contact added where the run makes them.
    pub fn stages(&self, workspace: &Workspace) -> Vec<StageRequests> {
        Stage::ALL
            .into_iter()
            .map(|stage| {
                let mut row = self
                    .stages
                    .get(&stage)
                    .copied()
                    .unwrap_or_else(|| StageRequests::empty(stage));
                row.requests += match stage {
                    Stage::Schema => SCHEMA_READS + self.existing_types.len() as u64,
                    Stage::People => PEOPLE_READS,
                    Stage::Tickets => u64::from(self.ticket_states),
                    _ => 0,
                };
                // Sent in the tickets stage, but counted where its operations' phase is, as
                // the contacts' routes are.
                if self.placeholder {
                    row.requests += workspace.placeholder.get(&stage).copied().unwrap_or(0);
                }
                row
            })
            .collect()
    }
}

/// The Vivantio requests a run makes, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VivantioRequests {
    /// Configuration, and records as listed (windows of ids, each list read as often as the run
    /// reads it).
    pub listing: u64,
    /// The reads that complete each ticket that moves (history, attachments, links, forms, SLA).
    pub ticket_details: u64,
    /// Custom form values of callers and organisations, one read a record and pass.
    pub form_values: u64,
    /// Attachment downloads.
    pub attachments: u64,
    /// Inline article images fetched to be re-hosted.
    pub images: u64,
}

impl VivantioRequests {
    /// Every request.
    pub fn total(&self) -> u64 {
        self.listing + self.ticket_details + self.form_values + self.attachments + self.images
    }
}

/// How fast each side can go.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Pace {
    /// Each private app's limit, per minute.
    pub per_app_per_minute: u32,
    /// Whether the workspace announced it (else it is Intercom's published limit).
    pub announced: bool,
    /// Private apps (tokens) configured.
    pub apps: u32,
    /// The workspace's cap on all its apps together, per minute.
    pub workspace_per_minute: u32,
    /// Share of each window the client leaves unused.
    pub margin: f64,
    /// Vivantio's time per request, in milliseconds (`None`: not measured).
    pub vivantio_latency_ms: Option<f64>,
    /// Vivantio requests in flight at once.
    pub vivantio_concurrency: u32,
}

impl Pace {
    /// Requests a minute `apps` apps send together: each within its limit, their sum within
    /// the workspace's cap, less the margin the client keeps.
    pub fn intercom_per_minute(&self, apps: u32) -> f64 {
        let apps = apps.max(1);
        let total = (u64::from(self.per_app_per_minute) * u64::from(apps))
            .min(u64::from(self.workspace_per_minute));
        total as f64 * (1.0 - self.margin.clamp(0.0, 0.9))
    }
}

/// Which side sets the wall time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Slower {
    /// Intercom's rate limit.
    Intercom,
    /// Vivantio's latency.
    Vivantio,
    /// Vivantio's latency is not known, so only Intercom's side is.
    Unknown,
}

/// Requests and wall time of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// Intercom requests per stage, in run order.
    pub stages: Vec<StageRequests>,
    /// Intercom requests over all stages.
    pub intercom_requests: u64,
    /// Vivantio requests, by kind.
    pub vivantio: VivantioRequests,
    /// Seconds Intercom's side takes with one app.
    pub intercom_one_app_seconds: f64,
    /// Seconds Intercom's side takes with the apps configured.
    pub intercom_seconds: f64,
    /// Seconds Vivantio's side takes (`None`: latency not measured).
    pub vivantio_seconds: Option<f64>,
    /// The side that sets the wall time with the apps configured.
    pub slower: Slower,
    /// Wall time with the apps configured: the slower side's.
    pub wall_seconds: f64,
    /// Where Vivantio is slower: the requests in flight that would bring it level with
    /// Intercom.
    pub vivantio_concurrency_to_keep_up: Option<u32>,
}

impl Forecast {
    /// The forecast of a run that sends `stages`' requests and reads `vivantio`, at `pace`.
    pub fn new(stages: Vec<StageRequests>, vivantio: VivantioRequests, pace: &Pace) -> Self {
        let intercom_requests = stages.iter().map(|row| row.requests).sum::<u64>();
        let minutes = |per_minute: f64| intercom_requests as f64 / per_minute.max(1.0) * 60.0;
        let intercom_one_app_seconds = minutes(pace.intercom_per_minute(1));
        let intercom_seconds = minutes(pace.intercom_per_minute(pace.apps));
        let vivantio_seconds = pace.vivantio_latency_ms.map(|latency| {
            vivantio.total() as f64 * latency / 1000.0 / f64::from(pace.vivantio_concurrency.max(1))
        });
        let slower = match vivantio_seconds {
            None => Slower::Unknown,
            Some(seconds) if seconds > intercom_seconds => Slower::Vivantio,
            Some(_) => Slower::Intercom,
        };
        let wall_seconds = vivantio_seconds.map_or(intercom_seconds, |v| v.max(intercom_seconds));
        let vivantio_concurrency_to_keep_up = match (slower, vivantio_seconds) {
            (Slower::Vivantio, Some(seconds)) if intercom_seconds > 0.0 => {
                let needed =
                    seconds * f64::from(pace.vivantio_concurrency.max(1)) / intercom_seconds;
                Some(needed.ceil().min(f64::from(u32::MAX)) as u32)
            }
            _ => None,
        };
        Self {
            stages,
            intercom_requests,
            vivantio,
            intercom_one_app_seconds,
            intercom_seconds,
            vivantio_seconds,
            slower,
            wall_seconds,
            vivantio_concurrency_to_keep_up,
        }
    }

    /// The Intercom requests of one stage.
    pub fn requests_of(&self, stage: Stage) -> u64 {
        self.stages
            .iter()
            .filter(|row| row.stage == stage)
            .map(|row| row.requests)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::destination::{
        AttributeDefinition, AttributeType, AttributeValue, CompanyRecord, ContactRecord,
        ContactRole, ExistingAttribute, ExistingTicketType, FileRef, PartAuthor, PartKind,
        PartRecord, PriorityLevel, Team, TicketTypeDefinition,
    };
    use crate::ops::Phase;

    fn attribute(model: AttributeModel, name: &str) -> AttributeDefinition {
        AttributeDefinition {
            model,
            name: name.into(),
            data_type: AttributeType::String,
            description: String::new(),
            options: Vec::new(),
            multiline: false,
        }
    }

    fn existing(model: AttributeModel, name: &str, ticket_type: Option<&str>) -> ExistingAttribute {
        ExistingAttribute {
            model,
            name: name.into(),
            data_type: AttributeType::String,
            options: Vec::new(),
            ticket_type: ticket_type.map(str::to_owned),
            archived: false,
        }
    }

    /// A workspace with the `Priority` conversation attribute, the `Bug` ticket type with its
    /// `Severity` attribute, the `vip` tag and the `Support` team.
    fn destination() -> DestinationSchema {
        DestinationSchema {
            attributes: vec![
                existing(AttributeModel::Conversation, "Priority", None),
                existing(AttributeModel::Ticket, "Severity", Some("Bug")),
                ExistingAttribute {
                    archived: true,
                    ..existing(AttributeModel::Contact, "Tier", None)
                },
            ],
            teams: vec![Team {
                id: "7".into(),
                name: "Support".into(),
            }],
            ticket_types: vec![ExistingTicketType {
                id: "3".into(),
                name: "Bug".into(),
            }],
            tags: vec!["VIP".into()],
            ..DestinationSchema::default()
        }
    }

    fn setup() -> Vec<Operation> {
        let matching =
            |key: RecordKey, op: DestinationOp| Operation::creating(Phase::People, key, op);
        vec![
            matching(
                RecordKey::admin(1),
                DestinationOp::MatchAdmin {
                    email: None,
                    name: "Ann".into(),
                },
            ),
            matching(
                RecordKey::team(1),
                DestinationOp::MatchTeam {
                    name: "support ".into(),
                },
            ),
            matching(
                RecordKey::team(2),
                DestinationOp::MatchTeam {
                    name: "Sales".into(),
                },
            ),
        ]
    }

    fn workspace() -> Workspace {
        let placeholder = [Operation::creating(
            Phase::Contacts,
            RecordKey::placeholder_contact(),
            contact(),
        )];
        Workspace::new(&destination(), &setup(), &placeholder, false)
    }

    fn contact() -> DestinationOp {
        DestinationOp::UpsertContact(ContactRecord {
            role: ContactRole::User,
            external_id: "1".into(),
            email: None,
            phone: None,
            name: None,
            signed_up_at: None,
            custom_attributes: Default::default(),
        })
    }

    fn part(files: usize) -> DestinationOp {
        let file = |n: usize| FileRef {
            attachment_id: n as i64,
            guid: format!("g{n}"),
            file_name: format!("f{n}.txt"),
            content_type: None,
            size: Some(10),
        };
        DestinationOp::AddPart {
            thread: RecordKey::conversation(1),
            part: PartRecord {
                author: PartAuthor::Admin(RecordKey::admin(1)),
                kind: PartKind::Comment,
                body_html: "<p>Hi</p>".into(),
                created_at: 0,
                attachments: (0..files).map(file).collect(),
            },
        }
    }

    fn update(
        title: Option<&str>,
        priority: Option<PriorityLevel>,
        attributes: &[&str],
    ) -> DestinationOp {
        DestinationOp::UpdateThread {
            thread: RecordKey::conversation(1),
            title: title.map(str::to_owned),
            priority,
            company: None,
            custom_attributes: attributes
                .iter()
                .map(|name| (name.to_string(), AttributeValue::String("x".into())))
                .collect(),
        }
    }

    fn assign(admin: Option<i64>, team: Option<i64>) -> DestinationOp {
        DestinationOp::AssignThread {
            thread: RecordKey::conversation(1),
            admin: admin.map(RecordKey::admin),
            team: team.map(RecordKey::team),
        }
    }

    fn state(state: ThreadState) -> DestinationOp {
        let thread = match state {
            ThreadState::Conversation(_) => RecordKey::conversation(1),
            ThreadState::Ticket(_) => RecordKey::ticket(1),
        };
        DestinationOp::SetThreadState { thread, state }
    }

    /// Asserts each case's cost in [`workspace`].
    fn assert_costs(cases: Vec<(&str, DestinationOp, u64)>) {
        let workspace = workspace();
        for (case, op, requests) in cases {
            assert_eq!(workspace.requests(&op), requests, "{case}");
        }
    }

    #[test]
    fn schema_operations_cost_a_call_unless_the_workspace_has_the_object() {
        let ticket_attribute = |name: &str| DestinationOp::EnsureTicketTypeAttribute {
            ticket_type: RecordKey::ticket_type("Bug"),
            attribute: attribute(AttributeModel::Ticket, name),
        };
        let ticket_type = |name: &str| {
            DestinationOp::EnsureTicketType(TicketTypeDefinition {
                name: name.into(),
                description: String::new(),
                category: crate::model::destination::TicketCategory::Customer,
            })
        };
        let ensure = |model, name| DestinationOp::EnsureAttribute(attribute(model, name));
        let tag = |name: &str| DestinationOp::EnsureTag { name: name.into() };
        assert_costs(vec![
            (
                "a live attribute is matched",
                ensure(AttributeModel::Conversation, " priority"),
                0,
            ),
            (
                "a missing attribute is created",
                ensure(AttributeModel::Conversation, "Origin"),
                1,
            ),
            (
                "an archived attribute is unarchived",
                ensure(AttributeModel::Contact, "Tier"),
                1,
            ),
            (
                "another model's attribute",
                ensure(AttributeModel::Company, "Priority"),
                1,
            ),
            ("an existing ticket type", ticket_type("bug"), 0),
            ("a new ticket type", ticket_type("Incident"), 1),
            (
                "an existing ticket type attribute",
                ticket_attribute("severity"),
                0,
            ),
            ("a new ticket type attribute", ticket_attribute("Impact"), 1),
            ("an existing tag", tag("vip"), 0),
            ("a new tag", tag("Migrated"), 1),
            (
                "matching reads lists once per process",
                DestinationOp::MatchTeam {
                    name: "Support".into(),
                },
                0,
            ),
        ]);
    }

    #[test]
    fn record_operations_cost_the_calls_the_adapter_sends_for_them() {
        let conversation = |state| ThreadState::Conversation(state);
        let ticket = |category| ThreadState::Ticket(category);
        let company = DestinationOp::UpsertCompany(CompanyRecord {
            company_id: "1".into(),
            name: "Acme".into(),
            website: None,
            remote_created_at: None,
            custom_attributes: Default::default(),
        });
        let link = DestinationOp::LinkThreads {
            parent: RecordKey::ticket(1),
            child: RecordKey::ticket(2),
        };
        assert_costs(vec![
            ("a company reads its before-image first", company, 2),
            ("a contact", contact(), 1),
            ("a part with files carries them", part(3), 1),
            (
                "a thread update with attributes",
                update(None, None, &["Priority"]),
                1,
            ),
            (
                "a thread update with a title",
                update(Some("Printer"), None, &[]),
                1,
            ),
            (
                "a priority alone has nowhere to go",
                update(None, Some(PriorityLevel::High), &[]),
                0,
            ),
            (
                "an admin and a team that both resolve",
                assign(Some(1), Some(1)),
                2,
            ),
            (
                "a team no Intercom team matches is not sent",
                assign(Some(1), Some(2)),
                1,
            ),
            (
                "an agent never seen does not resolve",
                assign(Some(9), None),
                0,
            ),
            (
                "a conversation is created open",
                state(conversation(ConversationState::Open)),
                0,
            ),
            (
                "closing a conversation",
                state(conversation(ConversationState::Closed)),
                1,
            ),
            (
                "snoozing a conversation",
                state(conversation(ConversationState::Snoozed)),
                1,
            ),
            (
                "a ticket is created submitted",
                state(ticket(TicketStateCategory::Submitted)),
                0,
            ),
            (
                "resolving a ticket",
                state(ticket(TicketStateCategory::Resolved)),
                1,
            ),
            ("links are refused", link, 0),
        ]);
    }

    #[test]
    fn a_priority_alone_is_written_where_the_destination_has_an_attribute_for_it() {
        let workspace = Workspace::new(&destination(), &setup(), &[], true);
        assert_eq!(
            workspace.requests(&update(None, Some(PriorityLevel::Low), &[])),
            1
        );
    }

    fn threads(ticket_id: i64, parts: usize, closed: bool) -> Vec<Operation> {
        let thread = RecordKey::conversation(ticket_id);
        let mut operations = vec![Operation::creating(
            Phase::Threads,
            thread.clone(),
            DestinationOp::TagThread {
                thread: thread.clone(),
                tag: RecordKey::tag("x"),
            },
        )
        .requiring([RecordKey::placeholder_contact()])];
        for n in 0..parts {
            operations.push(Operation::changing(
                Phase::Parts,
                format!("p{n}"),
                part(n % 2),
            ));
        }
        let final_state = if closed {
            ConversationState::Closed
        } else {
            ConversationState::Open
        };
        operations.push(Operation::changing(
            Phase::StatesAndAssignments,
            "s",
            state(ThreadState::Conversation(final_state)),
        ));
        operations
    }

    #[test]
    fn the_tally_adds_records_requests_and_what_is_read_once() {
        let workspace = workspace();
        let mut tally = Tally::default();
        tally.setup(&workspace, &setup());
        tally.setup(
            &workspace,
            &[Operation::creating(
                Phase::Schema,
                RecordKey::ticket_type_attribute("bug", "impact"),
                DestinationOp::EnsureTicketTypeAttribute {
                    ticket_type: RecordKey::ticket_type("Bug"),
                    attribute: attribute(AttributeModel::Ticket, "Impact"),
                },
            )],
        );
        tally.record(&workspace, SourceKind::Ticket, &threads(1, 3, true));
        tally.record(&workspace, SourceKind::Ticket, &threads(2, 2, false));
        let stages = tally.stages(&workspace);
        let row =
            |stages: &[StageRequests], stage| *stages.iter().find(|r| r.stage == stage).unwrap();
        // The attribute, the four lists and the existing type's own read.
        assert_eq!(row(&stages, Stage::Schema).requests, 1 + SCHEMA_READS + 1);
        assert_eq!(row(&stages, Stage::People).requests, PEOPLE_READS);
        let tickets = row(&stages, Stage::Tickets);
        assert_eq!((tickets.records, tickets.operations), (2, 9));
        // Tags 2, parts 5, one close; the placeholder contact once, with the contacts.
        assert_eq!(tickets.requests, 2 + 5 + 1);
        assert_eq!(row(&stages, Stage::Contacts).requests, 1);
        assert_eq!(tally.files(), 2);
        // A ticket's state change looks the state up once per process, sent or not.
        let resolve = Operation::changing(
            Phase::StatesAndAssignments,
            "s3",
            state(ThreadState::Ticket(TicketStateCategory::Resolved)),
        );
        tally.record(&workspace, SourceKind::Ticket, &[resolve.clone(), resolve]);
        let stages = tally.stages(&workspace);
        assert_eq!(row(&stages, Stage::Tickets).requests, 8 + 2 + 1);
        assert_eq!(stages.len(), Stage::ALL.len());
    }

    fn pace(latency: Option<f64>) -> Pace {
        Pace {
            per_app_per_minute: 10_000,
            announced: true,
            apps: 3,
            workspace_per_minute: 25_000,
            margin: 0.01,
            vivantio_latency_ms: latency,
            vivantio_concurrency: 4,
        }
    }

    fn rows(requests: &[(Stage, u64, u64)]) -> Vec<StageRequests> {
        requests
            .iter()
            .map(|&(stage, records, requests)| StageRequests {
                stage,
                records,
                operations: requests,
                requests,
            })
            .collect()
    }

    #[test]
    fn several_apps_share_the_workspace_cap_less_the_margin() {
        let pace = pace(None);
        assert_eq!(pace.intercom_per_minute(1), 9_900.0);
        assert_eq!(pace.intercom_per_minute(2), 19_800.0);
        assert_eq!(pace.intercom_per_minute(3), 24_750.0);
        assert_eq!(pace.intercom_per_minute(0), 9_900.0);
    }

    #[test]
    fn the_slower_side_sets_the_wall_time() {
        let vivantio = |ticket_details| VivantioRequests {
            ticket_details,
            ..VivantioRequests::default()
        };
        let stages = rows(&[(Stage::Tickets, 1_000, 99_000)]);
        // 99,000 requests: 600 s with one app, 240 s with three.
        // Latency, Vivantio reads; then the slower side, the wall time and the concurrency
        // that would keep up.
        type Case = (Option<f64>, u64, Slower, f64, Option<u32>);
        let cases: Vec<Case> = vec![
            (None, 50_000, Slower::Unknown, 240.0, None),
            (Some(10.0), 50_000, Slower::Intercom, 240.0, None),
            (Some(100.0), 50_000, Slower::Vivantio, 1_250.0, Some(21)),
        ];
        for (latency, reads, slower, wall, keep_up) in cases {
            let forecast = Forecast::new(stages.clone(), vivantio(reads), &pace(latency));
            assert_eq!(forecast.intercom_one_app_seconds, 600.0);
            assert_eq!(forecast.intercom_seconds, 240.0);
            assert_eq!(forecast.slower, slower, "{latency:?}");
            assert!((forecast.wall_seconds - wall).abs() < 1e-9, "{latency:?}");
            assert_eq!(
                forecast.vivantio_concurrency_to_keep_up, keep_up,
                "{latency:?}"
            );
        }
    }

    #[test]
    fn a_forecast_snapshot() {
        let stages = rows(&[
            (Stage::Schema, 0, 81),
            (Stage::People, 0, 3),
            (Stage::Companies, 49, 98),
            (Stage::Contacts, 489, 995),
            (Stage::Collections, 6, 6),
            (Stage::Articles, 50, 50),
            (Stage::ArticleLinks, 0, 12),
            (Stage::Tickets, 990, 7_163),
            (Stage::Links, 0, 0),
        ]);
        let vivantio = VivantioRequests {
            listing: 120,
            ticket_details: 5_000,
            form_values: 0,
            attachments: 290,
            images: 5,
        };
        let forecast = Forecast::new(stages, vivantio, &pace(Some(120.0)));
        assert_eq!(forecast.requests_of(Stage::Tickets), 7_163);
        insta::assert_json_snapshot!(forecast);
    }
}
