//! The test harness: a simulator, a destination on it, and the ID map and journal a minimal
//! engine would keep; plus builders of the records the tests write.

pub(crate) use std::collections::BTreeMap;
pub(crate) use std::time::Duration;

pub(crate) use fixtures::sim::intercom::{
    IntercomFaults, IntercomSim, IntercomSimConfig, LostResponse,
};
pub(crate) use intercom_client::contacts::ContactRequest;
pub(crate) use intercom_client::Client;
pub(crate) use migration_cli::adapters::intercom::{IntercomDestination, IntercomOptions};
pub(crate) use migration_core::model::destination::{
    ArticleRecord, ArticleState, AttributeDefinition, AttributeModel, AttributeType,
    AttributeValue, CollectionRecord, CompanyRecord, ContactRecord, ContactRole,
    ConversationOpening, ConversationState, FileRef, PartAuthor, PartKind, PartRecord, ThreadState,
    TicketCategory, TicketRecord, TicketStateCategory, TicketTypeDefinition,
};
pub(crate) use migration_core::ports::{
    Destination, ExecutionOutcome, ExecutionRequest, FilePayload, ResolvedRefs, WriteEffect,
};
pub(crate) use migration_core::rollback::{plan_rollback, JournalEntry, JournalState, UndoStep};
pub(crate) use migration_core::verify::{compare, expectations};
pub(crate) use migration_core::{
    DestinationOp, DestinationRef, Operation, Phase, PortErrorKind, RecordKey, RecordKind,
};
pub(crate) use serde_json::{json, Value};
pub(crate) use sha2::{Digest, Sha256};

/// A simulator, a destination on it, and what a minimal engine keeps: the ID map and journal.
pub(crate) struct Harness {
    pub(crate) sim: IntercomSim,
    pub(crate) destination: IntercomDestination,
    pub(crate) refs: ResolvedRefs,
    pub(crate) journal: Vec<JournalEntry>,
    pub(crate) operations: Vec<Operation>,
}

impl Harness {
    pub(crate) fn start() -> Self {
        Self::with_options(IntercomOptions::default())
    }

    pub(crate) fn with_options(options: IntercomOptions) -> Self {
        let sim = IntercomSim::start(IntercomSimConfig::default().without_rate_limit()).unwrap();
        let client = client(&sim, sim.token());
        Self {
            sim,
            destination: IntercomDestination::new(client, options),
            refs: ResolvedRefs::default(),
            journal: Vec::new(),
            operations: Vec::new(),
        }
    }

    pub(crate) fn requests(&self) -> u64 {
        self.destination.stats().requests_sent
    }

    pub(crate) async fn try_run(
        &mut self,
        operation: Operation,
        files: &[FilePayload],
    ) -> Result<ExecutionOutcome, migration_core::PortError> {
        let request = ExecutionRequest {
            operation: &operation,
            refs: &self.refs,
            files,
        };
        let result = self.destination.execute(request).await;
        let state = match &result {
            Ok(outcome) => {
                if let (Some(key), Some(destination)) = (&operation.creates, &outcome.destination) {
                    self.refs.0.insert(key.clone(), destination.clone());
                }
                JournalState::Done(outcome.clone())
            }
            Err(_) => JournalState::Intent,
        };
        let sequence = self.journal.len() as u64 + 1;
        self.journal.push(JournalEntry {
            sequence,
            operation: operation.clone(),
            refs: self.refs.clone(),
            state,
        });
        self.operations.push(operation);
        result
    }

    pub(crate) async fn run(&mut self, operation: Operation) -> ExecutionOutcome {
        self.run_with_files(operation, &[]).await
    }

    pub(crate) async fn run_with_files(
        &mut self,
        operation: Operation,
        files: &[FilePayload],
    ) -> ExecutionOutcome {
        let name = operation.op.name();
        self.try_run(operation, files)
            .await
            .unwrap_or_else(|error| panic!("{name}: {error}"))
    }

    /// Reads `key` back and compares it with what the operations so far expect.
    pub(crate) async fn assert_verified(&self, key: &RecordKey) {
        let expectation = expectations(&self.operations)
            .into_iter()
            .find(|e| e.key.as_ref() == Some(key))
            .unwrap();
        let id = &self.refs.get(key).unwrap().id;
        let observed = self
            .destination
            .read_back(key.kind(), id)
            .await
            .unwrap()
            .unwrap();
        let diff = compare(&expectation, &observed);
        assert!(
            diff.is_match(),
            "{key}: {:#?}\nobserved: {:#?}",
            diff.differences,
            observed.fields
        );
    }

    pub(crate) async fn setup_people(&mut self) {
        self.run(creating(
            Phase::People,
            RecordKey::fallback_admin(),
            DestinationOp::MatchFallbackAdmin {
                email: "migration@example.com".into(),
            },
        ))
        .await;
        let agent = DestinationOp::MatchAdmin {
            email: Some("jamie.chen@example.com".into()),
            name: "Jamie".into(),
        };
        self.run(creating(Phase::People, RecordKey::admin(2), agent))
            .await;
        self.run(creating(
            Phase::People,
            RecordKey::team(1),
            DestinationOp::MatchTeam {
                name: "support".into(),
            },
        ))
        .await;
    }

    /// Ensures the contact attribute every [`contact_record`] fills.
    pub(crate) async fn caller_id_attribute(&mut self) {
        self.run(creating(
            Phase::Schema,
            RecordKey::attribute("contact", "vivantio_caller_id"),
            DestinationOp::EnsureAttribute(attribute(
                AttributeModel::Contact,
                "vivantio_caller_id",
                AttributeType::Integer,
            )),
        ))
        .await;
    }

    pub(crate) async fn contact(&mut self, caller: i64, email: &str) -> RecordKey {
        let key = RecordKey::contact(caller);
        self.run(creating(
            Phase::Contacts,
            key.clone(),
            DestinationOp::UpsertContact(contact_record(caller, email)),
        ))
        .await;
        key
    }
}

pub(crate) fn client(sim: &IntercomSim, token: &str) -> Client {
    Client::builder()
        .token(token)
        .base_url(sim.base_url())
        .max_retries(1)
        .backoff(Duration::from_millis(5), Duration::from_millis(10))
        .build()
        .unwrap()
}

pub(crate) fn creating(phase: Phase, key: RecordKey, op: DestinationOp) -> Operation {
    Operation::creating(phase, key, op)
}

pub(crate) fn changing(phase: Phase, mark: &str, op: DestinationOp) -> Operation {
    Operation::changing(phase, mark.to_string(), op)
}

pub(crate) fn attribute(
    model: AttributeModel,
    name: &str,
    data_type: AttributeType,
) -> AttributeDefinition {
    AttributeDefinition {
        model,
        name: name.into(),
        data_type,
        description: format!("Vivantio {name}"),
        options: vec![],
        multiline: false,
    }
}

pub(crate) fn contact_record(caller: i64, email: &str) -> ContactRecord {
    ContactRecord {
        role: ContactRole::User,
        external_id: format!("vivantio-caller-{caller}"),
        email: Some(email.into()),
        phone: Some("+441234567890".into()),
        name: Some(format!("Caller {caller}")),
        signed_up_at: Some(1_500_000_000),
        custom_attributes: [(
            "vivantio_caller_id".to_string(),
            AttributeValue::Integer(caller),
        )]
        .into(),
    }
}

pub(crate) fn company_record(name: &str) -> CompanyRecord {
    CompanyRecord {
        company_id: "42".into(),
        name: name.into(),
        website: Some("https://acme.example".into()),
        remote_created_at: Some(1_400_000_000),
        custom_attributes: [(
            "vivantio_tier".to_string(),
            AttributeValue::String("gold".into()),
        )]
        .into(),
    }
}

pub(crate) fn part(
    author: PartAuthor,
    kind: PartKind,
    body: &str,
    created_at: i64,
    files: usize,
) -> PartRecord {
    let attachments = (0..files)
        .map(|index| FileRef {
            attachment_id: index as i64,
            guid: format!("g-{index}"),
            file_name: format!("f{index}.txt"),
            content_type: None,
            size: None,
        })
        .collect();
    PartRecord {
        author,
        kind,
        body_html: body.into(),
        created_at,
        attachments,
    }
}

pub(crate) fn payloads(count: usize) -> Vec<FilePayload> {
    (0..count)
        .map(|index| FilePayload {
            file_name: format!("f{index}.txt"),
            content_type: Some("text/plain".into()),
            bytes: format!("file number {index}").into_bytes().into(),
        })
        .collect()
}
