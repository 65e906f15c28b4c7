//! The checker: refuses an inconsistent specification with precise messages.

use std::collections::HashMap;

use regex::Regex;

use super::document::MappingSpec;
use super::issues::{CheckReport, IssueCode};
use super::names::check_attribute_name;
use super::rules::{LegacyDecision, SourceField, ThreadTarget};
use super::targets::{attribute_targets, AttributeTarget};
use crate::model::destination::{AttributeModel, AttributeType, DestinationSchema};
use crate::model::source::SourceSchema;

/// Checks a specification against the instance it maps and the workspace it writes to.
pub fn check(
    spec: &MappingSpec,
    source: &SourceSchema,
    destination: &DestinationSchema,
) -> CheckReport {
    let mut report = CheckReport::default();
    check_settings(spec, &mut report);
    for (path, message) in spec.redaction.problems() {
        report.error(path, IssueCode::InvalidPattern, message);
    }
    check_destination_references(spec, destination, &mut report);
    check_ticket_types(spec, source, &mut report);
    check_value_rules(spec, source, &mut report);
    check_fields(spec, source, &mut report);
    check_legacy(spec, source, &mut report);
    super::scope::check_scope(&spec.scope, source, &mut report);
    check_targets(&attribute_targets(spec, source), destination, &mut report);
    report.issues.sort_by_key(|issue| !issue.blocking);
    report
}

fn check_settings(spec: &MappingSpec, report: &mut CheckReport) {
    if spec.source_time_zone.parse::<chrono_tz::Tz>().is_err() {
        report.error(
            "source_time_zone",
            IssueCode::InvalidTimeZone,
            format!(
                "`{}` is not an IANA time zone (e.g. Europe/London)",
                spec.source_time_zone
            ),
        );
    }
    if spec.admins.fallback_email.trim().is_empty() {
        report.error(
            "admins.fallback_email",
            IssueCode::MissingFallbackAdmin,
            "set the email of the Intercom admin who writes parts whose agent has no admin",
        );
    }
    for (path, pattern) in [
        ("html.article_link_pattern", &spec.html.article_link_pattern),
        ("html.inline_image_pattern", &spec.html.inline_image_pattern),
    ] {
        match Regex::new(pattern) {
            Ok(regex) if regex.captures_len() < 2 => report.error(
                path,
                IssueCode::InvalidPattern,
                "the pattern needs a capture group for the id",
            ),
            Ok(_) => {}
            Err(error) => report.error(path, IssueCode::InvalidPattern, error.to_string()),
        }
    }
    let files = spec.attachments.max_files_per_part;
    if files == 0 || files > 10 {
        report.error(
            "attachments.max_files_per_part",
            IssueCode::InvalidLimit,
            format!("{files} files per part: Intercom takes 1 to 10"),
        );
    }
    if spec.attachments.max_bytes == 0 {
        report.error(
            "attachments.max_bytes",
            IssueCode::InvalidLimit,
            "the size limit is 0 bytes",
        );
    }
    if spec.attachments.max_bytes_per_part == 0 {
        report.error(
            "attachments.max_bytes_per_part",
            IssueCode::InvalidLimit,
            "the limit of file bytes per part is 0 bytes",
        );
    }
}

/// The admins and teams the mapping names must exist in the workspace: a fallback admin no
/// one has would otherwise pass every check and stop the real run at its first ticket. An
/// empty admin list means the workspace was not read (every workspace has an admin), so
/// admins are checked only when listed.
fn check_destination_references(
    spec: &MappingSpec,
    destination: &DestinationSchema,
    report: &mut CheckReport,
) {
    let admin_emails: Vec<&str> = destination
        .admins
        .iter()
        .filter_map(|admin| admin.email.as_deref())
        .collect();
    let has_admin = |email: &str| {
        admin_emails
            .iter()
            .any(|own| own.trim().eq_ignore_ascii_case(email.trim()))
    };
    let fallback = spec.admins.fallback_email.trim();
    if !destination.admins.is_empty() && !fallback.is_empty() && !has_admin(fallback) {
        report.error(
            "admins.fallback_email",
            IssueCode::UnknownDestination,
            format!(
                "no Intercom admin has the email {fallback}; the fallback admin writes every part whose agent has no admin (admins: {})",
                known(&admin_emails)
            ),
        );
    }
    if !destination.admins.is_empty() {
        for (agent, email) in &spec.admins.overrides {
            if !has_admin(email) {
                report.error(
                    format!("admins.overrides.{agent}"),
                    IssueCode::UnknownDestination,
                    format!("no Intercom admin has the email {email}"),
                );
            }
        }
    }
    let team_names: Vec<&str> = destination
        .teams
        .iter()
        .map(|team| team.name.as_str())
        .collect();
    for (group, team) in &spec.teams.overrides {
        let wanted = team.trim().to_lowercase();
        if !team_names
            .iter()
            .any(|name| name.trim().to_lowercase() == wanted)
        {
            report.error(
                format!("teams.overrides.{group}"),
                IssueCode::UnknownDestination,
                format!(
                    "no Intercom team is called \"{team}\" (teams: {})",
                    known(&team_names)
                ),
            );
        }
    }
}

/// The first few of `names`, for a message that says what the workspace does have.
fn known(names: &[&str]) -> String {
    let mut shown: Vec<&str> = names.iter().take(5).copied().collect();
    if names.len() > 5 {
        shown.push("…");
    }
    if shown.is_empty() {
        "none".to_string()
    } else {
        shown.join(", ")
    }
}

fn check_ticket_types(spec: &MappingSpec, source: &SourceSchema, report: &mut CheckReport) {
    for ticket_type in &source.ticket_types {
        if spec.ticket_type_rule(ticket_type.id).is_none() {
            report.error(
                "ticket_types",
                IssueCode::UnmappedTicketType,
                format!(
                    "ticket type {} \"{}\" has no rule: say whether it becomes a conversation or an Intercom ticket",
                    ticket_type.id, ticket_type.name
                ),
            );
        }
    }
    for (index, rule) in spec.ticket_types.iter().enumerate() {
        let path = format!("ticket_types[{index}]");
        if rule.target == ThreadTarget::Ticket
            && rule
                .intercom_ticket_type
                .as_deref()
                .is_none_or(|name| name.trim().is_empty())
        {
            report.error(
                format!("{path}.intercom_ticket_type"),
                IssueCode::MissingTicketTypeName,
                format!(
                    "\"{}\" becomes an Intercom ticket but names no ticket type",
                    rule.source_name
                ),
            );
        }
        if !source.ticket_types.iter().any(|t| t.id == rule.source_id) {
            report.warning(
                path,
                IssueCode::UnknownSource,
                format!(
                    "the instance has no ticket type {}; the rule is unused",
                    rule.source_id
                ),
            );
        }
    }
}

fn check_value_rules(spec: &MappingSpec, source: &SourceSchema, report: &mut CheckReport) {
    for status in &source.statuses {
        if !spec.statuses.iter().any(|rule| rule.source_id == status.id) {
            report.warning(
                "statuses",
                IssueCode::UnmappedValue,
                format!(
                    "status {} \"{}\" has no rule; its kind decides the state",
                    status.id, status.name
                ),
            );
        }
    }
    for priority in &source.priorities {
        if !spec
            .priorities
            .iter()
            .any(|rule| rule.source_id == priority.id)
        {
            report.warning(
                "priorities",
                IssueCode::UnmappedValue,
                format!(
                    "priority {} \"{}\" has no rule; it maps to no priority",
                    priority.id, priority.name
                ),
            );
        }
    }
}

fn check_fields(spec: &MappingSpec, source: &SourceSchema, report: &mut CheckReport) {
    for (index, rule) in spec.fields.iter().enumerate() {
        let path = format!("fields[{index}]");
        if let Some(map) = &rule.value_map {
            if !spec.value_maps.contains_key(map) {
                report.error(
                    format!("{path}.value_map"),
                    IssueCode::UnknownValueMap,
                    format!("no value map named `{map}` in [value_maps]"),
                );
            }
        }
        if let SourceField::Custom(field_id) = rule.source {
            if !source
                .custom_fields()
                .any(|(_, field)| field.id == field_id)
            {
                report.error(
                    format!("{path}.source"),
                    IssueCode::UnknownSourceField,
                    format!("the instance has no custom field {field_id}"),
                );
            }
        }
    }
}

fn check_legacy(spec: &MappingSpec, source: &SourceSchema, report: &mut CheckReport) {
    for field in &source.legacy_fields {
        let decided = spec
            .legacy_fields
            .iter()
            .any(|rule| rule.source_id == field.id && rule.decision != LegacyDecision::Undecided);
        if !decided {
            report.error(
                "legacy_fields",
                IssueCode::UndecidedLegacyField,
                format!(
                    "legacy field {} \"{}\" is undecided: remap it to an attribute or archive it into a note",
                    field.id, field.name
                ),
            );
        }
    }
    for (index, rule) in spec.legacy_fields.iter().enumerate() {
        if rule.decision == LegacyDecision::Remap
            && (rule.attribute.as_deref().is_none_or(str::is_empty) || rule.data_type.is_none())
        {
            report.error(
                format!("legacy_fields[{index}]"),
                IssueCode::IncompleteRemap,
                format!(
                    "\"{}\" is remapped but names no attribute and type",
                    rule.source_name
                ),
            );
        }
    }
}

/// Where one attribute is written: its model, ticket type and name.
type Slot = (AttributeModel, Option<String>, String);

fn check_targets(
    targets: &[AttributeTarget],
    destination: &DestinationSchema,
    report: &mut CheckReport,
) {
    let mut seen: HashMap<Slot, &AttributeTarget> = HashMap::new();
    let mut people_names: HashMap<String, AttributeModel> = HashMap::new();
    for target in targets {
        let path = format!("{}.attribute", target.origin);
        check_target_shape(target, &path, report);
        check_duplicate_target(target, &path, &mut seen, report);
        check_existing_type(target, &path, destination, report);
        check_people_namespace(target, &path, destination, &mut people_names, report);
    }
    check_types_agree(targets, report);
}

/// The name, the type and the options Intercom accepts for the attribute on its own.
fn check_target_shape(target: &AttributeTarget, path: &str, report: &mut CheckReport) {
    if let Err(problem) = check_attribute_name(target.model, &target.name) {
        report.error(
            path,
            IssueCode::InvalidAttributeName,
            format!("`{}`: {problem}", target.name),
        );
    }
    if target.data_type.wire_name(target.model).is_none() {
        report.error(
            path,
            IssueCode::UnsupportedType,
            format!(
                "`{}`: {} attributes have no {:?} type; use datetime",
                target.name,
                target.model.as_str(),
                target.data_type
            ),
        );
    }
    if target.data_type == AttributeType::List {
        let minimum = if matches!(
            target.model,
            AttributeModel::Contact | AttributeModel::Company
        ) {
            2
        } else {
            1
        };
        if target.options.len() < minimum {
            report.error(
                path,
                IssueCode::ListWithoutOptions,
                format!(
                    "list attribute `{}` needs at least {minimum} options",
                    target.name
                ),
            );
        }
    }
}

/// Two decisions of the specification writing to one attribute.
fn check_duplicate_target<'a>(
    target: &'a AttributeTarget,
    path: &str,
    seen: &mut HashMap<Slot, &'a AttributeTarget>,
    report: &mut CheckReport,
) {
    let slot = (
        target.model,
        target.ticket_type.clone(),
        target.name.clone(),
    );
    if let Some(previous) = seen.get(&slot) {
        if previous.origin != target.origin {
            report.error(
                path,
                IssueCode::DuplicateTarget,
                format!(
                    "{} and {} both write to {} attribute `{}`",
                    previous.origin,
                    target.origin,
                    target.model.as_str(),
                    target.name
                ),
            );
        }
    } else {
        seen.insert(slot, target);
    }
}

/// An attribute the workspace already has with a type that cannot hold what the rule writes.
fn check_existing_type(
    target: &AttributeTarget,
    path: &str,
    destination: &DestinationSchema,
    report: &mut CheckReport,
) {
    let Some(existing) = destination.attributes.iter().find(|existing| {
        !existing.archived
            && existing.model == target.model
            && existing.name == target.name
            && (target.model != AttributeModel::Ticket
                || existing.ticket_type.as_deref().map(str::to_lowercase)
                    == target.ticket_type.as_deref().map(str::to_lowercase))
    }) else {
        return;
    };
    if !same_stored_type(target.model, existing.data_type, target.data_type) {
        report.error(
            path,
            IssueCode::TypeClash,
            format!(
                "{} attribute `{}` exists in Intercom as {:?}, the rule writes {:?}",
                target.model.as_str(),
                target.name,
                existing.data_type,
                target.data_type
            ),
        );
    }
}

/// Intercom keeps one namespace for contact and company data attributes: a name may not be
/// on both, in the workspace or in the specification.
fn check_people_namespace(
    target: &AttributeTarget,
    path: &str,
    destination: &DestinationSchema,
    people_names: &mut HashMap<String, AttributeModel>,
    report: &mut CheckReport,
) {
    let other = match target.model {
        AttributeModel::Contact => AttributeModel::Company,
        AttributeModel::Company => AttributeModel::Contact,
        _ => return,
    };
    let clash_in_destination = destination.attribute(other, &target.name).is_some();
    let clash_in_spec = people_names.get(&target.name) == Some(&other);
    if clash_in_destination || clash_in_spec {
        report.error(
            path,
            IssueCode::TypeClash,
            format!(
                "`{}` is already a {} attribute; Intercom refuses the same name on contacts and companies",
                target.name,
                other.as_str()
            ),
        );
    }
    people_names.insert(target.name.clone(), target.model);
}

/// Two rules writing different types into the same name on one model.
fn check_types_agree(targets: &[AttributeTarget], report: &mut CheckReport) {
    let mut types: HashMap<(AttributeModel, Option<String>, &str), AttributeType> = HashMap::new();
    for target in targets {
        let slot = (
            target.model,
            target.ticket_type.clone(),
            target.name.as_str(),
        );
        match types.get(&slot) {
            Some(previous) if *previous != target.data_type => report.error(
                format!("{}.data_type", target.origin),
                IssueCode::TypeClash,
                format!(
                    "`{}` is written as {:?} and as {:?}",
                    target.name, previous, target.data_type
                ),
            ),
            _ => {
                types.insert(slot, target.data_type);
            }
        }
    }
}

/// Whether an existing attribute of type `existing` can hold what a rule writes as `written`.
/// Intercom reports contact and company `datetime` attributes as `date` (the 2.16 response
/// enum has no `datetime`), and both hold a Unix timestamp.
fn same_stored_type(
    model: AttributeModel,
    existing: AttributeType,
    written: AttributeType,
) -> bool {
    let people = matches!(model, AttributeModel::Contact | AttributeModel::Company);
    existing == written
        || (people
            && matches!(existing, AttributeType::Date | AttributeType::Datetime)
            && matches!(written, AttributeType::Date | AttributeType::Datetime))
}
