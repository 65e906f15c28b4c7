//! The `[redaction]` table: what never leaves Vivantio. Card numbers, passwords pasted by
//! callers and identifiers a person names are replaced before any operation is built, so a
//! destination never receives them.

use regex::Regex;
use serde::{Deserialize, Serialize};

/// The name of the card number detector, in findings and reports.
pub const CARD_RULE: &str = "card";

/// The name of the credential detector, in findings and reports.
pub const CREDENTIAL_RULE: &str = "credential";

/// What is redacted from ticket texts, custom attribute values and attachment names.
///
/// Left out of a document, nothing is redacted (the proposal turns the detectors on).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct RedactionPolicy {
    /// Payment card numbers: 13 to 19 digits, single spaces or dashes between them allowed,
    /// that pass the Luhn check (so most order and reference numbers are kept).
    pub cards: bool,
    /// The value after a `password:`-style label (password, passwd, pwd, passcode, passphrase,
    /// pin, secret, api key, access token, then `:` or `=`) up to the end of its line; the
    /// label stays.
    pub credentials: bool,
    /// Whether an attachment whose file name matches a rule is left out instead of being
    /// uploaded under the redacted name.
    pub skip_matching_attachments: bool,
    /// Patterns of your own, applied after the detectors above.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<RedactionPattern>,
}

/// One pattern of a person's own (`[[redaction.patterns]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactionPattern {
    /// Name in findings and reports (`ni_number`).
    pub name: String,
    /// Regular expression (Rust `regex` syntax; `(?i)` for any case); every match is replaced.
    pub regex: String,
    /// Text put in place of a match; `[redacted: <name>]` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
}

impl RedactionPattern {
    /// The text put in place of a match.
    pub fn replacement(&self) -> String {
        self.replacement
            .clone()
            .unwrap_or_else(|| replacement_for(&self.name))
    }
}

/// The replacement a built-in rule, or a pattern without its own, puts in place of a match.
pub fn replacement_for(rule: &str) -> String {
    format!("[redacted: {rule}]")
}

impl RedactionPolicy {
    /// Whether the policy is the default (nothing redacted): the table is then left out of
    /// the document, so mappings written before it existed keep their confirmation hash.
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// Whether any rule is on.
    pub fn is_on(&self) -> bool {
        self.cards || self.credentials || !self.patterns.is_empty()
    }

    /// What keeps a pattern from being used, each with the path of the key at fault.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        for (index, pattern) in self.patterns.iter().enumerate() {
            let path = format!("redaction.patterns[{index}]");
            let name = pattern.name.trim();
            if name.is_empty() {
                problems.push((format!("{path}.name"), "the pattern needs a name".into()));
            } else if name == CARD_RULE || name == CREDENTIAL_RULE {
                problems.push((
                    format!("{path}.name"),
                    format!("`{name}` is a built-in detector's name; choose another"),
                ));
            } else if self.patterns[..index]
                .iter()
                .any(|earlier| earlier.name.trim() == name)
            {
                problems.push((
                    format!("{path}.name"),
                    format!("another pattern is already named `{name}`; counts are per name"),
                ));
            }
            match Regex::new(&pattern.regex) {
                Err(error) => problems.push((format!("{path}.regex"), error.to_string())),
                Ok(regex) if regex.is_match("") => problems.push((
                    format!("{path}.regex"),
                    "the pattern matches empty text, so it would redact between every character"
                        .into(),
                )),
                Ok(_) => {}
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(name: &str, regex: &str) -> RedactionPattern {
        RedactionPattern {
            name: name.into(),
            regex: regex.into(),
            replacement: None,
        }
    }

    #[test]
    fn patterns_are_refused_with_the_path_of_the_key_at_fault() {
        let policy = RedactionPolicy {
            patterns: vec![
                pattern("ni_number", r"\b[A-Z]{2}\d{6}[A-D]\b"),
                pattern("broken", r"(unclosed"),
                pattern("card", r"\d+"),
                pattern("ni_number", r"x+"),
                pattern(" ", r"y"),
                pattern("anything", r"z*"),
            ],
            ..RedactionPolicy::default()
        };
        let paths: Vec<String> = policy
            .problems()
            .into_iter()
            .map(|(path, _)| path)
            .collect();
        assert_eq!(
            paths,
            [
                "redaction.patterns[1].regex",
                "redaction.patterns[2].name",
                "redaction.patterns[3].name",
                "redaction.patterns[4].name",
                "redaction.patterns[5].regex",
            ]
        );
    }

    #[test]
    fn a_missing_table_or_missing_keys_redact_nothing_and_a_replacement_defaults_to_the_name() {
        let policy: RedactionPolicy = toml::from_str("").unwrap();
        assert!(policy.is_default() && !policy.is_on());
        let policy: RedactionPolicy =
            toml::from_str("cards = true\n[[patterns]]\nname = \"ni\"\nregex = 'AB\\d+'\n")
                .unwrap();
        assert!(policy.cards && !policy.credentials && policy.is_on());
        assert_eq!(policy.patterns[0].replacement(), "[redacted: ni]");
        assert!(toml::from_str::<RedactionPolicy>("cardz = true").is_err());
    }
}
