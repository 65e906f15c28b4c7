//! Intercom's attribute naming rules, and the name matching the proposer uses.

use crate::model::destination::AttributeModel;

/// Why Intercom would refuse an attribute name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    /// The name is empty.
    #[error("the name is empty")]
    Empty,
    /// The name is longer than Intercom accepts.
    #[error("the name has {0} characters; at most {MAX_NAME_CHARS} are accepted")]
    TooLong(usize),
    /// The name has characters Intercom refuses.
    #[error("the name contains {0:?}; Intercom accepts only letters, digits, currency symbols, hyphens and underscores")]
    ForbiddenCharacter(char),
    /// The name is one of Intercom's standard attributes.
    #[error("`{0}` is a standard Intercom attribute of this object")]
    Reserved(String),
}

/// Longest attribute name accepted (Intercom documents none; 190 keeps well inside its
/// database limits and every name we generate is far shorter).
pub const MAX_NAME_CHARS: usize = 190;

/// Checks a custom attribute name against Intercom's rules for `model`.
///
/// Intercom's API says names "must only contain alphanumeric characters, currency symbols, and
/// hyphens"; underscores are accepted too (Intercom's own examples use them).
pub fn check_attribute_name(model: AttributeModel, name: &str) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::Empty);
    }
    let count = name.chars().count();
    if count > MAX_NAME_CHARS {
        return Err(NameProblem::TooLong(count));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '_' || is_currency_symbol(*c)))
    {
        return Err(NameProblem::ForbiddenCharacter(bad));
    }
    if reserved_names(model)
        .iter()
        .any(|reserved| reserved.eq_ignore_ascii_case(name))
    {
        return Err(NameProblem::Reserved(name.to_string()));
    }
    Ok(())
}

fn is_currency_symbol(c: char) -> bool {
    // Unicode category Sc (currency symbols): the ASCII dollar, the Latin-1 ones and the
    // Currency Symbols block.
    matches!(c, '$' | '\u{a2}'..='\u{a5}' | '\u{58f}' | '\u{60b}' | '\u{9f2}' | '\u{9f3}' | '\u{e3f}' | '\u{17db}' | '\u{20a0}'..='\u{20c0}' | '\u{fdfc}' | '\u{fe69}' | '\u{ff04}' | '\u{ffe0}' | '\u{ffe1}' | '\u{ffe5}' | '\u{ffe6}')
}

/// Standard attribute names of each model, which custom attributes may not reuse.
pub fn reserved_names(model: AttributeModel) -> &'static [&'static str] {
    match model {
        AttributeModel::Contact => &[
            "id",
            "email",
            "name",
            "phone",
            "role",
            "external_id",
            "user_id",
            "created_at",
            "updated_at",
            "signed_up_at",
            "last_seen_at",
            "owner_id",
            "avatar",
            "tags",
            "companies",
            "location",
            "browser",
            "os",
            "unsubscribed_from_emails",
        ],
        AttributeModel::Company => &[
            "id",
            "company_id",
            "name",
            "website",
            "plan",
            "size",
            "industry",
            "monthly_spend",
            "remote_created_at",
            "created_at",
            "updated_at",
            "user_count",
            "session_count",
            "tags",
        ],
        AttributeModel::Conversation | AttributeModel::Ticket => &[
            "id",
            "title",
            "state",
            "open",
            "read",
            "priority",
            "created_at",
            "updated_at",
            "admin_assignee_id",
            "team_assignee_id",
            "tags",
            "source",
            "contacts",
            "_default_title_",
            "_default_description_",
        ],
    }
}

/// A valid attribute name from a label: `vivantio_` + lowercase words joined by underscores
/// ("Affected users (#)" → `vivantio_affected_users`).
pub fn suggest_attribute_name(label: &str) -> String {
    let words = words(label);
    let body = if words.is_empty() {
        "field".to_string()
    } else {
        words.join("_")
    };
    let mut name = format!("vivantio_{body}");
    if name.chars().count() > MAX_NAME_CHARS {
        name = name.chars().take(MAX_NAME_CHARS).collect();
    }
    name
}

/// The lowercase alphanumeric words of a name ("Affected-Users (#)" → `["affected", "users"]`).
pub fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            // Split camelCase ("AffectedUsers") as well as separators.
            if c.is_uppercase() && previous_lower && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.extend(c.to_lowercase());
            previous_lower = c.is_lowercase() || c.is_numeric();
        } else {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// How alike two names are, 0.0 to 1.0: shared words over all words, ignoring a `vivantio`
/// prefix (1.0 means the same words).
pub fn name_similarity(left: &str, right: &str) -> f64 {
    let strip = |text: &str| -> Vec<String> {
        words(text)
            .into_iter()
            .filter(|word| word != "vivantio")
            .collect()
    };
    let (left, right) = (strip(left), strip(right));
    if left.is_empty() || right.is_empty() {
        return 0.0;
    }
    let shared = left.iter().filter(|word| right.contains(word)).count();
    let union = left.len() + right.len() - shared;
    shared as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intercom_naming_rules_are_enforced() {
        let model = AttributeModel::Conversation;
        let cases: &[(&str, bool)] = &[
            ("vivantio_impact", true),
            ("Impact-Level", true),
            ("price_€", true),
            ("cost$", true),
            ("ünïcode", true),
            ("", false),
            ("has space", false),
            ("dotted.name", false),
            ("slash/name", false),
            ("title", false),
            ("Priority", false),
        ];
        for (name, ok) in cases {
            assert_eq!(check_attribute_name(model, name).is_ok(), *ok, "{name:?}");
        }
        assert!(check_attribute_name(AttributeModel::Contact, "title").is_ok());
        assert!(check_attribute_name(AttributeModel::Contact, "email").is_err());
        assert!(check_attribute_name(model, &"a".repeat(191)).is_err());
    }

    #[test]
    fn suggested_names_are_always_valid() {
        let cases = [
            ("Affected users (#)", "vivantio_affected_users"),
            ("AffectedUsers", "vivantio_affected_users"),
            ("Cost £", "vivantio_cost"),
            ("!!!", "vivantio_field"),
            ("Root cause / RCA", "vivantio_root_cause_rca"),
        ];
        for (label, expected) in cases {
            let name = suggest_attribute_name(label);
            assert_eq!(name, expected);
            assert!(check_attribute_name(AttributeModel::Conversation, &name).is_ok());
        }
    }

    #[test]
    fn similarity_ignores_case_separators_and_prefix() {
        assert_eq!(
            name_similarity("Affected Users", "vivantio_affected_users"),
            1.0
        );
        assert_eq!(name_similarity("Impact", "Root cause"), 0.0);
        assert!((name_similarity("Customer impact", "impact") - 0.5).abs() < 1e-9);
        assert_eq!(name_similarity("", "x"), 0.0);
    }
}
