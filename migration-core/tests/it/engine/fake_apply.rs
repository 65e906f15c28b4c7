//! What each operation does to the fake destination's records.

use std::collections::BTreeMap;

use migration_core::idmap::DestinationRef;
use migration_core::keys::{RecordKey, RecordKind};
use migration_core::model::destination::ThreadState;
use migration_core::ports::{ExecutionOutcome, ExecutionRequest, WriteEffect};
use migration_core::{DestinationOp, PortError, PortErrorKind};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::fake_world::{author, kind, Part, World};

impl World {
    pub fn apply(&mut self, request: &ExecutionRequest<'_>) -> Result<ExecutionOutcome, PortError> {
        let operation = request.operation;
        let refs = request.refs;
        let key = operation.creates.clone();
        let reference = |key: &RecordKey| refs.get(key).cloned();
        let matched = |id: Option<String>| ExecutionOutcome {
            destination: id.map(DestinationRef::id),
            effect: WriteEffect::Matched,
        };
        let values = |attributes: &BTreeMap<
            String,
            migration_core::model::destination::AttributeValue,
        >|
         -> BTreeMap<String, Value> {
            attributes
                .iter()
                .map(|(name, value)| (format!("custom_attributes.{name}"), value.to_json()))
                .collect()
        };
        let outcome = match &operation.op {
            DestinationOp::EnsureAttribute(definition) => {
                let name = json!(definition.name);
                match self
                    .find(RecordKind::Attribute, "name", &name)
                    .filter(|id| {
                        self.records[id].fields.get("model") == Some(&json!(definition.model))
                    }) {
                    Some(id) => matched(Some(id)),
                    None => self.create(
                        key.as_ref().unwrap(),
                        BTreeMap::from([
                            ("name".into(), name),
                            ("model".into(), json!(definition.model)),
                        ]),
                    ),
                }
            }
            DestinationOp::EnsureTicketType(definition) => self.create(
                key.as_ref().unwrap(),
                BTreeMap::from([("name".into(), json!(definition.name))]),
            ),
            DestinationOp::EnsureTicketTypeAttribute { attribute, .. } => self.create(
                key.as_ref().unwrap(),
                BTreeMap::from([("name".into(), json!(attribute.name))]),
            ),
            DestinationOp::EnsureTag { name } => self.create(
                key.as_ref().unwrap(),
                BTreeMap::from([("name".into(), json!(name.to_lowercase()))]),
            ),
            DestinationOp::MatchFallbackAdmin { email } => {
                match self.find(RecordKind::Admin, "email", &json!(email)) {
                    Some(id) => matched(Some(id)),
                    None => {
                        return Err(PortError::new(
                            PortErrorKind::Rejected,
                            format!("no admin has the email {email}"),
                        ))
                    }
                }
            }
            DestinationOp::MatchAdmin { email, .. } => {
                let found = email
                    .as_ref()
                    .and_then(|email| self.find(RecordKind::Admin, "email", &json!(email)));
                matched(
                    found.or_else(|| reference(&RecordKey::fallback_admin()).map(|found| found.id)),
                )
            }
            DestinationOp::MatchTeam { name } => {
                let found = self.schema_team(name);
                if found.is_none() {
                    self.absent.insert(key.clone().unwrap());
                }
                matched(found)
            }
            DestinationOp::UpsertCompany(company) => {
                let mut fields = BTreeMap::from([
                    ("company_id".into(), json!(company.company_id)),
                    ("name".into(), json!(company.name)),
                ]);
                if let Some(website) = &company.website {
                    fields.insert("website".into(), json!(website));
                }
                if let Some(at) = company.remote_created_at {
                    fields.insert("remote_created_at".into(), json!(at));
                }
                fields.extend(values(&company.custom_attributes));
                self.upsert(key.as_ref().unwrap(), "company_id", fields)
            }
            DestinationOp::UpsertContact(contact) => {
                let mut fields = BTreeMap::from([
                    ("role".into(), json!(contact.role)),
                    ("external_id".into(), json!(contact.external_id)),
                ]);
                for (field, value) in [
                    ("email", &contact.email),
                    ("phone", &contact.phone),
                    ("name", &contact.name),
                ] {
                    if let Some(value) = value {
                        fields.insert(field.into(), json!(value));
                    }
                }
                fields.extend(values(&contact.custom_attributes));
                self.upsert(key.as_ref().unwrap(), "external_id", fields)
            }
            DestinationOp::AttachContactToCompany { contact, company } => {
                let company_id = reference(company).unwrap().id;
                self.record(reference(contact).as_ref())
                    .unwrap()
                    .companies
                    .insert(company_id);
                ExecutionOutcome {
                    destination: None,
                    effect: WriteEffect::Added,
                }
            }
            DestinationOp::TagContact {
                contact: target,
                tag,
            }
            | DestinationOp::TagThread {
                thread: target,
                tag,
            } => {
                self.record(reference(target).as_ref())
                    .unwrap()
                    .tags
                    .insert(tag.id().to_string());
                ExecutionOutcome {
                    destination: None,
                    effect: WriteEffect::Added,
                }
            }
            DestinationOp::CreateCollection(collection) => self.create(
                key.as_ref().unwrap(),
                BTreeMap::from([("name".into(), json!(collection.name))]),
            ),
            DestinationOp::CreateArticle(article) => {
                let fields = BTreeMap::from([
                    ("title".into(), json!(article.title)),
                    ("body".into(), json!(article.body_html)),
                    ("state".into(), json!(article.state)),
                ]);
                let mut outcome = self.create(key.as_ref().unwrap(), fields);
                if let Some(destination) = &mut outcome.destination {
                    // From the key, not the id, so that runs in different orders compare equal.
                    destination.url = Some(format!(
                        "https://help.example/articles/{}",
                        key.as_ref().unwrap().id()
                    ));
                }
                outcome
            }
            DestinationOp::RelinkArticle {
                article,
                source_html,
            } => {
                let record = self.record(reference(article).as_ref()).unwrap();
                let previous = BTreeMap::from([(
                    "body".to_string(),
                    record.fields.get("body").cloned().unwrap_or(Value::Null),
                )]);
                record.fields.insert("body".into(), json!(source_html));
                ExecutionOutcome {
                    destination: None,
                    effect: WriteEffect::Updated { previous },
                }
            }
            DestinationOp::CreateConversation(opening) => self.create(
                key.as_ref().unwrap(),
                BTreeMap::from([
                    ("source.body".into(), json!(opening.body)),
                    ("created_at".into(), json!(opening.created_at)),
                ]),
            ),
            DestinationOp::CreateTicket(ticket) => {
                let mut fields = BTreeMap::from([
                    ("title".into(), json!(ticket.title)),
                    ("created_at".into(), json!(ticket.created_at)),
                ]);
                fields.extend(values(&ticket.attributes));
                self.create(key.as_ref().unwrap(), fields)
            }
            DestinationOp::AddPart { thread, part } => {
                let id = self.new_id();
                let files = request
                    .files
                    .iter()
                    .map(|file| hex::encode(Sha256::digest(&file.bytes)))
                    .collect();
                let record = self.record(reference(thread).as_ref()).unwrap();
                let out_of_order = record
                    .parts
                    .last()
                    .is_some_and(|last| last.created_at > part.created_at);
                record.parts.push(Part {
                    id: id.clone(),
                    body: part.body_html.clone(),
                    created_at: part.created_at,
                    author: author(&part.author),
                    kind: kind(part.kind),
                    files,
                });
                if out_of_order {
                    self.violations
                        .push(format!("{} arrived out of order", operation.mark));
                }
                ExecutionOutcome {
                    destination: Some(DestinationRef::id(id)),
                    effect: WriteEffect::Added,
                }
            }
            DestinationOp::UpdateThread {
                thread,
                title,
                priority,
                custom_attributes,
                ..
            } => {
                let record = self.record(reference(thread).as_ref()).unwrap();
                let mut fields = values(custom_attributes);
                if let Some(title) = title {
                    fields.insert("title".into(), json!(title));
                }
                if let Some(priority) = priority {
                    fields.insert("priority".into(), json!(priority));
                }
                record.fields.extend(fields);
                ExecutionOutcome {
                    destination: None,
                    effect: WriteEffect::Updated {
                        previous: BTreeMap::new(),
                    },
                }
            }
            DestinationOp::LinkThreads { parent, child } => {
                let child_id = reference(child).unwrap().id;
                self.record(reference(parent).as_ref())
                    .unwrap()
                    .links
                    .insert(child_id);
                ExecutionOutcome {
                    destination: None,
                    effect: WriteEffect::Added,
                }
            }
            DestinationOp::AssignThread {
                thread,
                admin,
                team,
            } => {
                let admin = admin.as_ref().and_then(&reference).map(|found| found.id);
                let team = team.as_ref().and_then(&reference).map(|found| found.id);
                let record = self.record(reference(thread).as_ref()).unwrap();
                record
                    .fields
                    .insert("admin_assignee_id".into(), json!(admin));
                record.fields.insert("team_assignee_id".into(), json!(team));
                ExecutionOutcome {
                    destination: None,
                    effect: WriteEffect::Updated {
                        previous: BTreeMap::new(),
                    },
                }
            }
            DestinationOp::SetThreadState { thread, state } => {
                let value = match state {
                    ThreadState::Conversation(state) => json!(state),
                    ThreadState::Ticket(state) => json!(state),
                };
                self.record(reference(thread).as_ref())
                    .unwrap()
                    .fields
                    .insert("state".into(), value);
                ExecutionOutcome {
                    destination: None,
                    effect: WriteEffect::Updated {
                        previous: BTreeMap::new(),
                    },
                }
            }
        };
        Ok(outcome)
    }
}
