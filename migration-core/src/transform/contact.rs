//! Callers to contacts: email dedupe, anonymous leads, E.164 phones.

use crate::keys::RecordKey;
use crate::model::destination::{AttributeValue, ContactRecord, ContactRole};
use crate::model::source::{Caller, SourceKind, SourceRef};
use crate::ops::{DestinationOp, Operation, Phase};
use crate::reject::{Finding, ReasonCode, Rejection, Severity};
use crate::spec::{BuiltinField, MissingEmailPolicy, TargetModel};

use super::email::{normalise_email, EmailProblem};
use super::phone::{to_e164, Phone};
use super::{Gathered, Mapped, Mapper};

/// The `external_id` of a caller's contact.
pub fn external_id(caller_id: i64) -> String {
    format!("vivantio-caller-{caller_id}")
}

impl Mapper {
    /// Maps a caller to a contact upsert, its company link and its flag tag; a caller whose
    /// email another caller already has only adds its company to that contact.
    pub fn map_caller(&self, caller: &Caller) -> Result<Mapped, Rejection> {
        let record = SourceRef::new(SourceKind::Caller, caller.id);
        self.map_caller_raw(caller)
            .map(|mapped| self.finished(record, mapped))
    }

    fn map_caller_raw(&self, caller: &Caller) -> Result<Mapped, Rejection> {
        let record = SourceRef::new(SourceKind::Caller, caller.id);
        if caller.deleted && self.spec.contacts.skip_deleted {
            return Err(Rejection::new(
                record,
                ReasonCode::DeletedRecord,
                "the caller is deleted in Vivantio and is not moved",
                "restore it in Vivantio or set contacts.skip_deleted = false",
            ));
        }
        let canonical = self
            .directory
            .caller(caller.id)
            .map_or(caller.id, |entry| entry.canonical_id);
        let contact = RecordKey::contact(canonical);
        if canonical != caller.id {
            return Ok(self.merge_into_canonical(caller, canonical, &contact, record));
        }
        let mut mapped = Mapped::default();
        let (role, email) = self.caller_email(caller, record, &mut mapped.findings)?;
        let mut gathered = Gathered::default();
        let phone = self.caller_phone(caller, record, &mut gathered, &mut mapped.findings);
        self.gather_caller_fields(caller, record, &mut gathered);
        mapped.findings.append(&mut gathered.findings);
        let upsert = Operation::creating(
            Phase::Contacts,
            contact.clone(),
            DestinationOp::UpsertContact(ContactRecord {
                role,
                external_id: external_id(caller.id),
                email,
                phone,
                name: caller.display_name(),
                signed_up_at: caller.created_at.map(|at| at.to_unix(self.zone)),
                custom_attributes: gathered.values,
            }),
        )
        .requiring(gathered.requires)
        .from_source(record);
        mapped.operations.push(upsert);
        if let Some(link) = self.company_link(caller, &contact, record, &mut mapped.findings) {
            mapped.operations.push(link);
        }
        if role == ContactRole::Lead {
            if let Some(tag) = self.lookup.policy_tag(&self.spec.contacts.flag_tag) {
                mapped.operations.push(tag_contact(&contact, tag, record));
            }
        }
        Ok(mapped)
    }

    /// A caller whose email the `canonical` caller also has: only its company link, on the
    /// canonical caller's contact.
    fn merge_into_canonical(
        &self,
        caller: &Caller,
        canonical: i64,
        contact: &RecordKey,
        record: SourceRef,
    ) -> Mapped {
        let mut mapped = Mapped::default();
        mapped.findings.push(Finding::new(
            Severity::Info,
            record,
            ReasonCode::DuplicateEmail,
            format!("the email is also caller {canonical}'s; both become one contact"),
            "nothing to do unless they are different people: then give one a different email in Vivantio",
        ));
        if let Some(link) = self.company_link(caller, contact, record, &mut mapped.findings) {
            mapped.operations.push(link);
        }
        mapped
    }

    /// The contact's role and email: a user with a valid email, else an anonymous lead (or a
    /// rejection, as the missing-email policy says).
    fn caller_email(
        &self,
        caller: &Caller,
        record: SourceRef,
        findings: &mut Vec<Finding>,
    ) -> Result<(ContactRole, Option<String>), Rejection> {
        let problem = match normalise_email(caller.email.as_deref()) {
            Ok(email) => {
                if email.had_several {
                    findings.push(Finding::new(
                        Severity::Info,
                        record,
                        ReasonCode::MalformedEmail,
                        format!("several emails given; {} is used", email.address),
                        "keep one email per caller in Vivantio",
                    ));
                }
                return Ok((ContactRole::User, Some(email.address)));
            }
            Err(problem) => problem,
        };
        let (code, message) = match &problem {
            EmailProblem::Missing => (
                ReasonCode::MissingEmail,
                "the caller has no email".to_string(),
            ),
            EmailProblem::Malformed { .. } => (ReasonCode::MalformedEmail, problem.to_string()),
        };
        if self.spec.contacts.missing_email == MissingEmailPolicy::Reject {
            return Err(Rejection::new(
                record,
                code,
                message,
                "add a valid email in Vivantio, or set contacts.missing_email = \"anonymous_lead\"",
            ));
        }
        findings.push(Finding::new(
            Severity::Warning,
            record,
            code,
            format!(
                "{message}; it becomes an anonymous lead, tagged \"{}\"",
                self.spec.contacts.flag_tag
            ),
            "add a valid email in Vivantio before the run, or merge the lead in Intercom later",
        ));
        Ok((ContactRole::Lead, None))
    }

    /// The caller's phone in E.164; a phone that does not parse is kept as text in the
    /// unparsed-phone attribute (or the archive when there is none).
    fn caller_phone(
        &self,
        caller: &Caller,
        record: SourceRef,
        gathered: &mut Gathered,
        findings: &mut Vec<Finding>,
    ) -> Option<String> {
        let text = match to_e164(caller.phone.as_deref()?, self.phone_region)? {
            Phone::E164(number) => return Some(number),
            Phone::Unparsed(text) => text,
        };
        let attribute = &self.spec.contacts.unparsed_phone_attribute;
        if attribute.is_empty() {
            gathered.archive.push(format!("phone: {text}"));
        } else {
            gathered.set(
                attribute,
                RecordKey::attribute("contact", attribute),
                AttributeValue::String(text.clone()),
            );
        }
        findings.push(Finding::new(
            Severity::Info,
            record,
            ReasonCode::UnparsedPhone,
            format!("phone `{text}` is not an international number; it is kept as text in `{attribute}`"),
            "write it with its country code (+44 …) in Vivantio, or set contacts.phone_default_region",
        ));
        None
    }

    /// Gathers the contact attributes the field rules write from the caller's built-in and
    /// custom fields, and reports what only the archive keeps.
    fn gather_caller_fields(&self, caller: &Caller, record: SourceRef, gathered: &mut Gathered) {
        for (builtin, binding) in self.lookup.builtins(TargetModel::Contact) {
            let raw = match builtin {
                BuiltinField::CallerLocation => {
                    caller.location_name.clone().map(serde_json::Value::String)
                }
                BuiltinField::CallerNotes => caller.notes.clone().map(serde_json::Value::String),
                BuiltinField::CallerExternalKey => {
                    caller.external_key.clone().map(serde_json::Value::String)
                }
                BuiltinField::CallerCreatedAt => {
                    caller.created_at.map(|at| at.to_unix(self.zone).into())
                }
                _ => None,
            };
            self.gather(
                gathered,
                record,
                &binding.rule,
                None,
                &raw.unwrap_or_default(),
                |name| RecordKey::attribute("contact", name),
            );
        }
        self.gather_custom(
            gathered,
            record,
            &caller.custom_values,
            TargetModel::Contact,
        );
        self.archive_as_findings(gathered, record);
    }

    /// The placeholder contact that orphaned tickets are attributed to.
    pub fn placeholder_contact_operations(&self) -> Vec<Operation> {
        let contact = RecordKey::placeholder_contact();
        let record = SourceRef::new(SourceKind::Instance, 0);
        let mut operations = vec![Operation::creating(
            Phase::Contacts,
            contact.clone(),
            DestinationOp::UpsertContact(ContactRecord {
                role: ContactRole::Lead,
                external_id: "vivantio-placeholder-unknown-caller".into(),
                email: None,
                phone: None,
                name: Some(self.spec.tickets.placeholder_contact_name.clone()),
                signed_up_at: None,
                custom_attributes: Default::default(),
            }),
        )
        .from_source(record)];
        if let Some(tag) = self.lookup.policy_tag(&self.spec.tickets.orphan_tag) {
            operations.push(tag_contact(&contact, tag, record));
        }
        operations
    }

    fn company_link(
        &self,
        caller: &Caller,
        contact: &RecordKey,
        record: SourceRef,
        findings: &mut Vec<Finding>,
    ) -> Option<Operation> {
        let client_id = caller.client_id?;
        let canonical = self
            .directory
            .caller(caller.id)
            .map_or(caller.id, |entry| entry.canonical_id);
        if canonical != caller.id
            && self
                .directory
                .caller(canonical)
                .and_then(|entry| entry.client_id)
                == Some(client_id)
        {
            // The shared contact is already attached to this company.
            return None;
        }
        let Some(company) = self.company_for(client_id) else {
            findings.push(Finding::new(
                Severity::Warning,
                record,
                ReasonCode::OrphanedCaller,
                format!("the caller's organisation {client_id} does not exist or is not moved; the contact is not attached to a company"),
                "fix the caller's organisation in Vivantio",
            ));
            return None;
        };
        Some(
            Operation::changing(
                Phase::Contacts,
                format!("company-link:{contact}:{company}"),
                DestinationOp::AttachContactToCompany {
                    contact: contact.clone(),
                    company: company.clone(),
                },
            )
            .requiring([contact.clone(), company])
            .from_source(record),
        )
    }
}

fn tag_contact(contact: &RecordKey, tag: RecordKey, record: SourceRef) -> Operation {
    Operation::changing(
        Phase::Contacts,
        format!("tagging:{contact}:{tag}"),
        DestinationOp::TagContact {
            contact: contact.clone(),
            tag: tag.clone(),
        },
    )
    .requiring([contact.clone(), tag])
    .from_source(record)
}
