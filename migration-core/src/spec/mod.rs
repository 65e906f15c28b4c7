//! The mapping specification: the document, its proposer, its checker and its confirmation.
//!
//! Nothing moves until a specification is confirmed: [`ConfirmedSpec`] is the only way to
//! hand a specification to the load planner, and it can only be built from a specification
//! whose confirmation hash matches its content and which passes [`check`].

mod check;
mod classify;
mod confidence;
mod dimensions;
mod document;
mod error;
mod hash;
mod issues;
pub mod names;
mod notes;
mod policies;
mod propose;
mod propose_people;
mod propose_redaction;
mod redaction;
mod rules;
mod scope;
mod targets;
mod usage;

pub use check::check;
pub use confidence::Confidence;
pub use dimensions::{
    dimension_attributes, dimension_options, option_label, ticket_categories, Dimension,
    DimensionAttribute, NamedCategory,
};
pub use document::{Confirmation, MappingSpec, WirePolicy, SPEC_FORMAT_VERSION};
pub use error::SpecError;
pub use hash::SpecHash;
pub use issues::{CheckReport, IssueCode, SpecIssue};
pub use notes::value_at;
pub use policies::{
    AdminPolicy, ArticlePolicy, ArticleStatePolicy, AttachmentPolicy, CategoryMode, CategoryPolicy,
    CompanyPolicy, ContactPolicy, HtmlPolicy, MissingEmailPolicy, OriginPolicy, OrphanTicketPolicy,
    ParentChildPolicy, PriorityPolicy, SlaHandling, SlaMode, TeamPolicy, TicketPolicy,
};
pub use propose::{propose, propose_with_usage, Proposal, ProposalNote, ProposalOptions};
pub use redaction::{
    replacement_for, RedactionPattern, RedactionPolicy, CARD_RULE, CREDENTIAL_RULE,
};
pub use rules::{
    BuiltinField, FieldRule, LegacyDecision, LegacyFieldRule, ParseSourceFieldError, PriorityRule,
    SourceField, StatusRule, TargetModel, ThreadTarget, TicketTypeRule, Transform,
};
pub use scope::{
    check_scope_organisations, ArticleScope, ArticleVisibility, PeopleScope, Scope, ScopeDate,
    TicketScope,
};
pub use targets::{
    attribute_targets, sla_attribute_name, thread_places, AttributeTarget, ThreadPlace,
};
pub use usage::{FieldUsage, FieldUse, UNUSED_SHARE};

use crate::model::destination::DestinationSchema;
use crate::model::source::SourceSchema;

/// A specification a person confirmed, whose content has not changed since and which passes
/// the checker.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmedSpec {
    spec: MappingSpec,
}

impl ConfirmedSpec {
    /// Accepts `spec` if it carries a confirmation for its current content and passes
    /// [`check`] against the instance and workspace.
    pub fn new(
        spec: MappingSpec,
        source: &SourceSchema,
        destination: &DestinationSchema,
    ) -> Result<Self, SpecError> {
        let Some(confirmation) = &spec.confirmation else {
            return Err(SpecError::NotConfirmed);
        };
        let actual = spec.content_hash();
        if confirmation.content_hash != actual {
            return Err(SpecError::StaleConfirmation {
                confirmed: confirmation.content_hash.clone(),
                actual,
            });
        }
        let report = check(&spec, source, destination);
        if !report.is_ok() {
            return Err(SpecError::Invalid(report));
        }
        Ok(Self { spec })
    }

    /// The specification.
    pub fn spec(&self) -> &MappingSpec {
        &self.spec
    }

    /// The hash that was confirmed (the state store keeps it so a run can refuse a changed
    /// specification mid-migration).
    pub fn hash(&self) -> SpecHash {
        self.spec.content_hash()
    }

    /// The hash of the mapping without its scope ([`SpecHash::of_mapping`]): what the state
    /// store keeps to refuse a mapping changed mid-migration, while the scope may change.
    pub fn mapping_hash(&self) -> SpecHash {
        SpecHash::of_mapping(&self.spec)
    }
}
