//! Transforms: one source record + the specification + the ID map gives the destination
//! operations, or a rejection with a reason code.
//!
//! [`Mapper`] holds everything compiled once (the specification's indexes, the HTML policy,
//! the source directory); its `map_*` methods are pure and cheap, so a stream of any length
//! can be mapped record by record.

mod article;
mod attachment;
mod company;
mod contact;
mod directory;
pub mod email;
mod fast_hash;
mod fields;
pub mod file_name;
mod gather;
pub mod html;
mod lookup;
mod parts;
pub mod phone;
mod redaction;
pub mod safe_text;
mod schema_ops;
mod thread_details;
mod ticket;
pub mod values;

pub use attachment::{split_attachments, AttachmentCheck};
pub use company::{company_website, is_free_mail_domain, normalise_website};
pub use directory::{CallerEntry, DirectoryBuilder, SourceDirectory, TicketEntry};
pub use fields::convert as convert_field_value;
pub(crate) use thread_details::missing_parent;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::SpecError;
use crate::keys::RecordKey;
use crate::model::destination::AttributeValues;
use crate::model::source::SourceSchema;
use crate::ops::Operation;
use crate::reject::Finding;
use crate::spec::MappingSpec;

use html::HtmlRenderer;
use lookup::Lookup;
use redaction::Redactor;

/// The operations one record maps to, and what a person should know about it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mapped {
    /// Operations, in the order they must run within their phases.
    pub operations: Vec<Operation>,
    /// Findings (warnings and notes; a record that cannot move is a rejection instead).
    pub findings: Vec<Finding>,
}

/// Maps source records with one specification.
#[derive(Debug)]
pub struct Mapper {
    spec: MappingSpec,
    zone: Tz,
    lookup: Lookup,
    html: HtmlRenderer,
    directory: SourceDirectory,
    phone_region: Option<&'static phone::Region>,
    redactor: Redactor,
}

impl Mapper {
    /// Compiles `spec` against the instance's `schema`, with the cross-record `directory`.
    pub fn new(
        spec: &MappingSpec,
        schema: &SourceSchema,
        directory: SourceDirectory,
    ) -> Result<Self, SpecError> {
        let zone: Tz = spec
            .source_time_zone
            .parse()
            .map_err(|_| SpecError::Setting {
                path: "source_time_zone".into(),
                message: format!("`{}` is not an IANA time zone", spec.source_time_zone),
            })?;
        let phone_region = match spec.contacts.phone_default_region.as_deref() {
            None => None,
            Some(code) => Some(phone::region(code).ok_or_else(|| SpecError::Setting {
                path: "contacts.phone_default_region".into(),
                message: format!(
                    "`{code}` is not a supported region ({})",
                    phone::REGIONS.iter().map(|r| r.code).collect::<Vec<_>>().join(", ")
                ),
            })?),
        };
        Ok(Self {
            spec: spec.clone(),
            zone,
            lookup: Lookup::build(spec, schema),
            html: HtmlRenderer::new(&spec.html)?,
            directory,
            phone_region,
            redactor: Redactor::new(&spec.redaction)?,
        })
    }

    /// The specification.
    pub fn spec(&self) -> &MappingSpec {
        &self.spec
    }

    /// The source directory.
    pub fn directory(&self) -> &SourceDirectory {
        &self.directory
    }

    /// The tenant time zone.
    pub fn zone(&self) -> Tz {
        self.zone
    }
}

impl Mapper {
    /// The company an organisation id becomes, unless it does not exist or is skipped as
    /// deleted.
    pub(crate) fn company_for(&self, client_id: i64) -> Option<RecordKey> {
        let skipped =
            self.spec.companies.skip_deleted && self.directory.is_organisation_deleted(client_id);
        (self.directory.has_organisation(client_id) && !skipped)
            .then(|| RecordKey::company(client_id))
    }

    /// The contact a caller id becomes (after dedupe), unless the caller does not exist or is
    /// skipped as deleted.
    pub(crate) fn contact_for(&self, caller_id: i64) -> Option<RecordKey> {
        let entry = self.directory.caller(caller_id)?;
        if entry.deleted && self.spec.contacts.skip_deleted {
            return None;
        }
        Some(entry.contact())
    }
}

/// Custom attribute values gathered for one record, with what they need and what could not
/// be converted.
#[derive(Debug, Default)]
pub(crate) struct Gathered {
    pub values: AttributeValues,
    pub requires: Vec<RecordKey>,
    /// Lines for the archive note ("Field: value").
    pub archive: Vec<String>,
    pub findings: Vec<Finding>,
}

impl Gathered {
    pub fn set(
        &mut self,
        name: &str,
        key: RecordKey,
        value: crate::model::destination::AttributeValue,
    ) {
        self.values.insert(name.to_string(), value);
        if !self.requires.contains(&key) {
            self.requires.push(key);
        }
    }
}
