//! Priority, category and origin: the three values a migration lead sorts and reports tickets
//! by. Each thread carries them as list attributes, set in the call that already writes its
//! attributes; tags are an option per dimension, since each tag costs a request per thread.

use std::collections::HashMap;

use super::document::MappingSpec;
use super::policies::CategoryMode;
use crate::model::source::{Category, SourceSchema, KNOWLEDGE_BASE_RECORD_TYPE};

/// One of the three values every ticket carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// The ticket's priority (`[priority]`, names from `[[priorities]]`).
    Priority,
    /// The ticket's category (`[categories]`).
    Category,
    /// How the ticket came in (`[origins]`).
    Origin,
}

impl Dimension {
    /// Every dimension.
    pub const ALL: [Dimension; 3] = [Dimension::Priority, Dimension::Category, Dimension::Origin];

    /// The table of the mapping that decides it (`priority`, `categories`, `origins`).
    pub fn table(self) -> &'static str {
        match self {
            Dimension::Priority => "priority",
            Dimension::Category => "categories",
            Dimension::Origin => "origins",
        }
    }

    /// The attribute name the mapping gives it (empty: no attribute).
    pub fn attribute(self, spec: &MappingSpec) -> &str {
        match self {
            Dimension::Priority => spec.priority.attribute.trim(),
            Dimension::Category if spec.categories.mode == CategoryMode::None => "",
            Dimension::Category => spec.categories.attribute.trim(),
            Dimension::Origin => spec.origins.attribute.trim(),
        }
    }

    /// Whether the mapping tags threads with it too.
    pub fn tags(self, spec: &MappingSpec) -> bool {
        match self {
            Dimension::Priority => spec.priority.tags,
            Dimension::Category => {
                spec.categories.tags && spec.categories.mode != CategoryMode::None
            }
            Dimension::Origin => spec.origins.tags,
        }
    }

    /// The attribute's description in Intercom.
    pub fn description(self) -> &'static str {
        match self {
            Dimension::Priority => "Vivantio priority",
            Dimension::Category => "Vivantio category",
            Dimension::Origin => "Vivantio origin (how the ticket came in)",
        }
    }
}

/// The list attribute of one dimension, with its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DimensionAttribute {
    /// Which dimension.
    pub dimension: Dimension,
    /// Attribute name.
    pub name: String,
    /// Options, in the instance's order, without repeats.
    pub options: Vec<String>,
}

/// The dimensions the mapping keeps as attributes: those with a name and at least one value.
pub fn dimension_attributes(spec: &MappingSpec, schema: &SourceSchema) -> Vec<DimensionAttribute> {
    Dimension::ALL
        .into_iter()
        .filter_map(|dimension| {
            let name = dimension.attribute(spec);
            let options = dimension_options(dimension, spec, schema);
            (!name.is_empty() && !options.is_empty()).then(|| DimensionAttribute {
                dimension,
                name: name.to_string(),
                options,
            })
        })
        .collect()
}

/// The values a dimension takes, as attribute options, whether or not it has an attribute.
pub fn dimension_options(
    dimension: Dimension,
    spec: &MappingSpec,
    schema: &SourceSchema,
) -> Vec<String> {
    let labels: Vec<String> = match dimension {
        Dimension::Priority => spec
            .priorities
            .iter()
            .map(|rule| option_label(&rule.source_name))
            .collect(),
        Dimension::Category => ticket_categories(spec, schema)
            .into_iter()
            .map(|category| category.label)
            .collect(),
        Dimension::Origin => spec
            .origins
            .names
            .values()
            .map(|name| option_label(name))
            .collect(),
    };
    let mut options: Vec<String> = Vec::with_capacity(labels.len());
    for label in labels {
        if !label.is_empty() && !options.contains(&label) {
            options.push(label);
        }
    }
    options
}

/// A name as an option of a dimension attribute: trimmed, and with each comma made a semicolon,
/// since Intercom takes a ticket attribute's list items as one comma-separated text.
pub fn option_label(name: &str) -> String {
    name.trim().replace(',', ";")
}

/// One ticket category of the instance, named as the mapping says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedCategory {
    /// Category id.
    pub id: i64,
    /// Its whole path, levels joined by `[categories] separator` ("Hardware / Laptop").
    pub path: String,
    /// Its name per `[categories] mode`, as an attribute option (empty for mode `none`).
    pub label: String,
    /// Its name per `[categories] mode`, as it goes into a tag (no prefix).
    pub tag_name: String,
}

/// Every ticket category of the instance (knowledge-base categories are articles' business).
pub fn ticket_categories(spec: &MappingSpec, schema: &SourceSchema) -> Vec<NamedCategory> {
    let by_id: HashMap<i64, &Category> = schema.categories.iter().map(|c| (c.id, c)).collect();
    schema
        .categories
        .iter()
        .filter(|category| category.record_type_id != KNOWLEDGE_BASE_RECORD_TYPE)
        .map(|category| {
            let mut names = vec![category.name.trim().to_string()];
            let mut parent = category.parent_id;
            // Bounded walk: a cycle in the source cannot loop forever.
            while let Some(id) = parent.filter(|_| names.len() < 32) {
                let Some(up) = by_id.get(&id) else { break };
                names.push(up.name.trim().to_string());
                parent = up.parent_id;
            }
            names.reverse();
            let path = names.join(&spec.categories.separator);
            let tag_name = match spec.categories.mode {
                CategoryMode::Path => path.clone(),
                CategoryMode::Leaf => category.name.trim().to_string(),
                CategoryMode::None => String::new(),
            };
            NamedCategory {
                id: category.id,
                label: option_label(&tag_name),
                tag_name,
                path,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::destination::{
        AttributeModel, AttributeType, DestinationSchema, ExistingAttribute, PriorityLevel,
    };
    use crate::model::source::{Origin, Priority};
    use crate::spec::{
        check, propose, IssueCode, PriorityRule, ProposalOptions, ThreadTarget, TicketTypeRule,
    };

    fn category(id: i64, name: &str, parent_id: Option<i64>, record_type_id: i64) -> Category {
        Category {
            id,
            name: name.into(),
            parent_id,
            record_type_id,
            enabled: true,
        }
    }

    fn schema() -> SourceSchema {
        SourceSchema {
            categories: vec![
                category(1, "Hardware", None, 11),
                category(2, "Laptop, docks", Some(1), 11),
                category(3, "Printer", Some(1), 11),
                category(4, "Guides", None, KNOWLEDGE_BASE_RECORD_TYPE),
            ],
            ..SourceSchema::default()
        }
    }

    fn priority(id: i64, name: &str) -> PriorityRule {
        PriorityRule {
            source_id: id,
            source_name: name.into(),
            level: PriorityLevel::High,
            tag: None,
        }
    }

    #[test]
    fn categories_are_named_by_the_mode_without_commas_or_knowledge_base_ones() {
        let mut spec = MappingSpec::new("Europe/London");
        let options = dimension_options(Dimension::Category, &spec, &schema());
        assert_eq!(
            options,
            ["Hardware", "Hardware / Laptop; docks", "Hardware / Printer"]
        );
        spec.categories.mode = CategoryMode::Leaf;
        let categories = ticket_categories(&spec, &schema());
        assert_eq!(categories[1].label, "Laptop; docks");
        assert_eq!(
            categories[1].tag_name, "Laptop, docks",
            "tags keep the comma"
        );
        assert_eq!(categories[1].path, "Hardware / Laptop, docks");
        spec.categories.mode = CategoryMode::None;
        assert!(dimension_attributes(&spec, &schema())
            .iter()
            .all(|attribute| attribute.dimension != Dimension::Category));
    }

    #[test]
    fn dimensions_without_a_name_or_values_have_no_attribute() {
        let mut spec = MappingSpec::new("Europe/London");
        spec.priorities = vec![
            priority(1, " High "),
            priority(2, "High"),
            priority(3, "Low"),
        ];
        let attributes = dimension_attributes(&spec, &schema());
        let names: Vec<&str> = attributes.iter().map(|a| a.name.as_str()).collect();
        // No origin names: the origin attribute would have no option.
        assert_eq!(names, ["vivantio_priority", "vivantio_category"]);
        assert_eq!(
            attributes[0].options,
            ["High", "Low"],
            "repeats are dropped"
        );
        spec.priority.attribute = " ".into();
        spec.origins.names.insert("2".into(), "E-mail".into());
        let names: Vec<String> = dimension_attributes(&spec, &schema())
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, ["vivantio_category", "vivantio_origin"]);
    }

    #[test]
    fn a_dimension_attribute_is_checked_where_it_is_decided() {
        let mut spec = MappingSpec::new("Europe/London");
        spec.priority.attribute = "bad name!".into();
        let destination = DestinationSchema {
            attributes: vec![ExistingAttribute {
                model: AttributeModel::Conversation,
                name: "vivantio_category".into(),
                data_type: AttributeType::String,
                options: Vec::new(),
                ticket_type: None,
                archived: false,
            }],
            ..DestinationSchema::default()
        };
        spec.priorities = vec![priority(1, "High")];
        spec.ticket_types = vec![TicketTypeRule {
            source_id: 11,
            source_name: "Incident".into(),
            target: ThreadTarget::Conversation,
            intercom_ticket_type: None,
            ticket_category: None,
        }];
        let report = check(&spec, &schema(), &destination);
        let at = |path: &str, code: IssueCode| {
            report
                .issues
                .iter()
                .any(|issue| issue.path == path && issue.code == code && issue.blocking)
        };
        assert!(
            at("priority.attribute", IssueCode::InvalidAttributeName),
            "{report}"
        );
        assert!(at("categories.attribute", IssueCode::TypeClash), "{report}");
    }

    #[test]
    fn the_proposal_names_each_attribute_so_nothing_else_has_the_name() {
        let mut source = schema();
        source.priorities = vec![Priority {
            id: 1,
            name: "High".into(),
            record_type_id: None,
            order: None,
        }];
        source.origins = vec![Origin { id: 2, name: None }];
        let existing = |name: &str, data_type, options: &[&str]| ExistingAttribute {
            model: AttributeModel::Conversation,
            name: name.into(),
            data_type,
            options: options.iter().map(|o| o.to_string()).collect(),
            ticket_type: None,
            archived: false,
        };
        let destination = DestinationSchema {
            attributes: vec![
                existing("vivantio_priority", AttributeType::String, &[]),
                existing("vivantio_origin", AttributeType::List, &["E-mail", "Phone"]),
                existing("vivantio_category", AttributeType::List, &["Hardware"]),
            ],
            ..DestinationSchema::default()
        };
        let options = ProposalOptions {
            source_time_zone: "Europe/London".into(),
            fallback_admin_email: "migration@example.com".into(),
        };
        let spec = propose(&source, &destination, &options).spec;
        // Taken by a text attribute, and by a list that lacks options: numbered.
        assert_eq!(spec.priority.attribute, "vivantio_priority_2");
        assert_eq!(spec.categories.attribute, "vivantio_category_2");
        // A list holding every option is reused.
        assert_eq!(spec.origins.attribute, "vivantio_origin");
        assert!(!spec.priority.tags && !spec.categories.tags && !spec.origins.tags);
    }

    #[test]
    fn old_category_modes_still_read() {
        let spec: crate::spec::CategoryPolicy =
            toml::from_str("mode = \"tag_leaf\"\ntag_prefix = \"Cat: \"\nseparator = \"/\"")
                .unwrap();
        assert_eq!(spec.mode, CategoryMode::Leaf);
        assert!(!spec.tags, "tags are off unless asked for");
        assert_eq!(spec.attribute, "vivantio_category");
    }
}
