//! Gathering custom attribute values for one record, keeping what cannot be converted.

use serde_json::Value;

use super::fields::convert;
use super::values::raw_text;
use super::{Gathered, Mapper};
use crate::keys::RecordKey;
use crate::model::source::{FieldDefinition, FieldValue, SourceRef};
use crate::reject::{Finding, ReasonCode, Severity};
use crate::spec::FieldRule;

impl Mapper {
    /// Converts one value by `rule` into `gathered`; a value that cannot be converted goes to
    /// the archive lines with a finding, never silently away.
    pub(crate) fn gather(
        &self,
        gathered: &mut Gathered,
        record: SourceRef,
        rule: &FieldRule,
        field: Option<&FieldDefinition>,
        raw: &Value,
        key: impl Fn(&str) -> RecordKey,
    ) {
        match convert(raw, rule, field, &self.spec.value_maps, self.zone) {
            Ok(Some(value)) => gathered.set(&rule.attribute, key(&rule.attribute), value),
            Ok(None) => {}
            Err(error) => {
                let label = rule
                    .label
                    .clone()
                    .unwrap_or_else(|| rule.source.to_string());
                let text = raw_text(raw).unwrap_or_default();
                gathered.archive.push(format!("{label}: {text}"));
                gathered.findings.push(Finding::new(
                    Severity::Warning,
                    record,
                    ReasonCode::InvalidValue,
                    format!("{label} → `{}`: {error}; the original value is kept in the archive note", rule.attribute),
                    "correct the value in Vivantio, or change the field rule's type, transform or value map",
                ));
            }
        }
    }

    /// Keeps a custom value that has no field rule in the archive lines.
    pub(crate) fn archive_unmapped(
        &self,
        gathered: &mut Gathered,
        record: SourceRef,
        value: &FieldValue,
    ) {
        let Some(text) = raw_text(&value.value) else {
            return;
        };
        let label = self
            .lookup
            .custom_fields
            .get(&value.field_id)
            .map(|field| field.display_name().to_string())
            .unwrap_or_else(|| format!("custom field {}", value.field_id));
        gathered.archive.push(format!("{label}: {text}"));
        gathered.findings.push(Finding::new(
            Severity::Info,
            record,
            ReasonCode::InvalidValue,
            format!("{label} has no field rule; its value is kept in the archive note"),
            "add a field rule to move it into an attribute",
        ));
    }

    /// Turns archive lines of a record that has no note (contacts, companies) into findings.
    pub(crate) fn archive_as_findings(&self, gathered: &mut Gathered, record: SourceRef) {
        for line in std::mem::take(&mut gathered.archive) {
            gathered.findings.push(Finding::new(
                Severity::Warning,
                record,
                ReasonCode::InvalidValue,
                format!("not moved (no note on this kind of record): {line}"),
                "add or correct a field rule for it",
            ));
        }
    }
}
