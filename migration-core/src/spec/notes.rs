//! The proposal's notes against the mapping document: the reason of each decision written
//! beside it as a comment, and the notes brought up to date after a person edits the document.
//!
//! A note's path names a key of the document as TOML spells it: table keys joined by dots,
//! array entries by index (`fields[3]`, `admins.overrides.201`, `origins.names.2`).

use toml_edit::{DocumentMut, Item};

use super::confidence::Confidence;
use super::document::MappingSpec;
use super::propose::{Proposal, ProposalNote};
use super::SpecError;

/// The keys that tell array entries apart, so an entry is found again after a person
/// reorders, inserts or removes entries.
const ENTRY_IDENTITIES: [&str; 2] = ["source_id", "source"];

/// One step of a note's path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
    /// The array entry whose `key` is `value` (`fields[source=custom:12]`): where a rule the
    /// proposal left out would be, wherever a person puts it.
    Entry {
        key: String,
        value: String,
    },
}

fn steps(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut indexes) = match part.find('[') {
            Some(at) => (&part[..at], &part[at..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            steps.push(Step::Key(key.to_string()));
        }
        while let Some(rest) = indexes.strip_prefix('[') {
            let Some(end) = rest.find(']') else { break };
            let inside = &rest[..end];
            match (inside.parse(), inside.split_once('=')) {
                (Ok(index), _) => steps.push(Step::Index(index)),
                (Err(_), Some((key, value))) => steps.push(Step::Entry {
                    key: key.to_string(),
                    value: value.to_string(),
                }),
                (Err(_), None) => steps.push(Step::Key(inside.to_string())),
            }
            indexes = &rest[end + 1..];
        }
    }
    steps
}

fn path_of(steps: &[Step]) -> String {
    let mut path = String::new();
    for step in steps {
        match step {
            Step::Key(key) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Step::Index(index) => path.push_str(&format!("[{index}]")),
            Step::Entry { key, value } => path.push_str(&format!("[{key}={value}]")),
        }
    }
    path
}

/// The entry of `array` whose `key` holds the text `value`.
fn entry_where<'v>(array: &'v toml::Value, key: &str, value: &str) -> Option<&'v toml::Value> {
    array.as_array()?.iter().find(|entry| {
        entry
            .as_table()
            .and_then(|table| table.get(key))
            .and_then(toml::Value::as_str)
            == Some(value)
    })
}

/// The value at `path` in a document read as TOML values, if the key exists.
pub fn value_at<'v>(document: &'v toml::Value, path: &str) -> Option<&'v toml::Value> {
    steps(path)
        .iter()
        .try_fold(document, |value, step| match step {
            Step::Key(key) => value.as_table()?.get(key),
            Step::Index(index) => value.as_array()?.get(*index),
            Step::Entry { key, value: wanted } => entry_where(value, key, wanted),
        })
}

fn as_value(spec: &MappingSpec) -> Result<toml::Value, SpecError> {
    toml::Value::try_from(spec).map_err(|error| SpecError::Serialize(error.to_string()))
}

/// Where the entry at `path` in `from` is in `to`: array entries are followed by their
/// identity key (`source_id`, `source`), table keys are the same.
fn relocate(from: &toml::Value, to: &toml::Value, path: &str) -> Option<String> {
    let (mut here, mut there) = (from, to);
    let mut found = Vec::new();
    for step in steps(path) {
        match &step {
            Step::Key(key) => {
                here = here.as_table()?.get(key)?;
                there = there.as_table()?.get(key)?;
                found.push(step);
            }
            Step::Index(index) => {
                let entry = here.as_array()?.get(*index)?;
                let entries = there.as_array()?;
                let identity = ENTRY_IDENTITIES.iter().find_map(|key| {
                    entry
                        .as_table()
                        .and_then(|table| table.get(*key))
                        .map(|value| (*key, value))
                });
                let at = match identity {
                    Some((key, value)) => entries.iter().position(|other| {
                        other.as_table().and_then(|table| table.get(key)) == Some(value)
                    })?,
                    None if *index < entries.len() => *index,
                    None => return None,
                };
                here = entry;
                there = &entries[at];
                found.push(Step::Index(at));
            }
            Step::Entry { key, value } => {
                here = entry_where(here, key, value)?;
                there = entry_where(there, key, value)?;
                found.push(step);
            }
        }
    }
    Some(path_of(&found))
}

/// A value on one line, as the document would spell it.
fn inline(value: &toml::Value) -> String {
    let text = value.to_string();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A comment line: TOML comments hold no line breaks or control characters.
fn comment(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
        .collect();
    format!("# {clean}\n")
}

impl Proposal {
    /// The proposed mapping as TOML, with the reason of each decision a note explains written
    /// as a comment just above it (`# why: ...`). Comments do not change the content:
    /// [`MappingSpec::from_toml`] reads back the same specification.
    pub fn to_commented_toml(&self) -> Result<String, SpecError> {
        let text = self.spec.to_toml()?;
        let mut document: DocumentMut = text
            .parse()
            .map_err(|error: toml_edit::TomlError| SpecError::Serialize(error.to_string()))?;
        // Notes on one key share its comment block, in the order they were proposed.
        let mut blocks: Vec<(String, String)> = Vec::new();
        for note in &self.notes {
            let steps = steps(&note.path);
            let mut lines = String::new();
            // Array entries show what they map; keyed entries and tables need the subject.
            if !matches!(steps.last(), Some(Step::Index(_))) {
                lines.push_str(&comment(&note.decision));
            }
            let check = if note.confidence == Confidence::Low {
                " [low confidence: check this]"
            } else {
                ""
            };
            lines.push_str(&comment(&format!("why: {}{check}", note.reason)));
            match blocks.iter_mut().find(|(path, _)| *path == note.path) {
                Some((_, block)) => block.push_str(&lines),
                None => blocks.push((note.path.clone(), lines)),
            }
        }
        for (path, block) in blocks {
            if !decorate(document.as_table_mut(), &steps(&path), &block) {
                return Err(SpecError::Serialize(format!(
                    "the proposal explains `{path}`, which is not in the document"
                )));
            }
        }
        Ok(document.to_string())
    }

    /// The notes as they stand for `current`, the document a person may have edited since
    /// the proposal: a decision left as proposed keeps its note (at its entry's place now); a
    /// changed one says the person's value and is marked edited; a removed one has no note.
    pub fn notes_for(&self, current: &MappingSpec) -> Result<Vec<ProposalNote>, SpecError> {
        let proposed = as_value(&self.spec)?;
        let edited = as_value(current)?;
        let mut notes = Vec::new();
        for note in &self.notes {
            if let Some(key) = &note.unset_key {
                match value_at(&edited, key) {
                    Some(value) => notes.push(edited_note(note, key, value)),
                    None if value_at(&edited, &note.path).is_some() => notes.push(note.clone()),
                    None => {}
                }
                continue;
            }
            let Some(path) = relocate(&proposed, &edited, &note.path) else {
                continue;
            };
            let (Some(before), Some(after)) =
                (value_at(&proposed, &note.path), value_at(&edited, &path))
            else {
                continue;
            };
            if before == after {
                notes.push(ProposalNote {
                    path,
                    ..note.clone()
                });
            } else {
                notes.push(edited_note(note, &path, after));
            }
        }
        Ok(notes)
    }
}

fn edited_note(note: &ProposalNote, path: &str, value: &toml::Value) -> ProposalNote {
    ProposalNote {
        path: path.to_string(),
        decision: format!("{} (edited by you)", inline(value)),
        reason: format!(
            "edited by you; the proposal was: {} ({})",
            note.decision, note.reason
        ),
        confidence: Confidence::High,
        unset_key: None,
        edited: true,
    }
}

/// Puts `block` above the key or table at `steps`; false when there is no such key.
fn decorate(table: &mut toml_edit::Table, steps: &[Step], block: &str) -> bool {
    let Some((Step::Key(key), rest)) = steps.split_first() else {
        return false;
    };
    if rest.is_empty() {
        return match table.get_mut(key) {
            Some(Item::Table(inner)) => {
                // A table written only through its sub-tables gets its own header, for the
                // comment to sit on.
                inner.set_implicit(false);
                prepend_table(inner.decor_mut(), block);
                true
            }
            // An array of tables: the block goes above its first entry, before what that
            // entry's own notes say.
            Some(Item::ArrayOfTables(array)) => match array.get_mut(0) {
                Some(first) => {
                    prepend_before(first.decor_mut(), block);
                    true
                }
                None => false,
            },
            Some(Item::Value(_)) => match table.key_mut(key) {
                Some(mut key) => {
                    prepend(key.leaf_decor_mut(), block);
                    true
                }
                None => false,
            },
            _ => false,
        };
    }
    match (table.get_mut(key), rest) {
        (Some(Item::Table(inner)), _) => decorate(inner, rest, block),
        (Some(Item::ArrayOfTables(array)), [Step::Index(index), deeper @ ..]) => {
            match array.get_mut(*index) {
                Some(entry) if deeper.is_empty() => {
                    prepend_table(entry.decor_mut(), block);
                    true
                }
                Some(entry) => decorate(entry, deeper, block),
                None => false,
            }
        }
        _ => false,
    }
}

/// Adds `block` after what already precedes the item (its blank line), before the item.
fn prepend(decor: &mut toml_edit::Decor, block: &str) {
    let before = decor
        .prefix()
        .and_then(|prefix| prefix.as_str())
        .unwrap_or_default()
        .to_string();
    decor.set_prefix(format!("{before}{block}"));
}

/// Puts `block` first in the item's prefix, a blank line above it.
fn prepend_before(decor: &mut toml_edit::Decor, block: &str) {
    let after = decor
        .prefix()
        .and_then(|prefix| prefix.as_str())
        .unwrap_or_default()
        .trim_start_matches('\n')
        .to_string();
    decor.set_prefix(format!("\n{block}{after}"));
}

/// Like [`prepend`], for a table header, which a blank line separates from what is above.
fn prepend_table(decor: &mut toml_edit::Decor, block: &str) {
    let blank = decor
        .prefix()
        .and_then(|prefix| prefix.as_str())
        .is_none_or(str::is_empty);
    prepend(decor, &format!("{}{block}", if blank { "\n" } else { "" }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_keys_and_indexes() {
        let cases: [(&str, Vec<Step>); 4] = [
            (
                "fields[3]",
                vec![Step::Key("fields".into()), Step::Index(3)],
            ),
            (
                "origins.names.2",
                vec![
                    Step::Key("origins".into()),
                    Step::Key("names".into()),
                    Step::Key("2".into()),
                ],
            ),
            (
                "fields[1].options[0]",
                vec![
                    Step::Key("fields".into()),
                    Step::Index(1),
                    Step::Key("options".into()),
                    Step::Index(0),
                ],
            ),
            ("teams", vec![Step::Key("teams".into())]),
        ];
        for (path, expected) in cases {
            assert_eq!(steps(path), expected, "{path}");
            assert_eq!(path_of(&expected), path);
        }
    }

    #[test]
    fn an_edited_entry_reads_on_one_line() {
        let value: toml::Value =
            toml::from_str("[[fields]]\nsource = \"custom:1\"\noptions = [\"a\", \"b\"]\n")
                .unwrap();
        let entry = value_at(&value, "fields[0]").unwrap();
        assert_eq!(
            inline(entry),
            r#"{ options = ["a", "b"], source = "custom:1" }"#
        );
        assert_eq!(comment("line\nbreak\u{1b}[31m"), "# line break [31m\n");
    }
}
