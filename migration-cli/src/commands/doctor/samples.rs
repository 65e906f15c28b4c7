//! `doctor --samples DIR`: the first answers of each Vivantio action, with personal data
//! replaced by shapes of the same length and type, for a bug report or a simulator fixture.
//!
//! Every text is masked (letters become `x`/`X`, digits `9`, the rest kept, so an email stays
//! `xxxx@xxxxx.xxx` and a phone `+99 99 9999 9999`) except dates, which carry no one's data and
//! whose form is the point of a sample, and the values of a few vocabulary fields (types,
//! areas), which name the tenant's configuration, not a person. Numbers and flags are kept.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::CliError;
use crate::private_files::{create_private_dir_all, write_private};
use crate::project::Project;

/// Fields whose text names the tenant's vocabulary, kept as sent.
const VOCABULARY: &[&str] = &[
    "FieldType",
    "Type",
    "StatusType",
    "ParentArea",
    "ActionType",
    "ContentType",
    "SystemArea",
];

/// Writes one file per action (`Ticket_Select.json`: a list of its answers, masked) and
/// returns the folder.
pub(super) fn save(
    dir: &Path,
    samples: &BTreeMap<&'static str, Vec<Value>>,
    project: &Project,
) -> Result<PathBuf, CliError> {
    let dir = project.resolve(dir);
    create_private_dir_all(&dir)
        .map_err(|error| CliError::failed(format!("cannot create {}: {error}", dir.display())))?;
    for (action, answers) in samples {
        let masked: Vec<Value> = answers.iter().map(mask).collect();
        let path = dir.join(format!("{}.json", action.replace('/', "_")));
        let text = serde_json::to_string_pretty(&masked).map_err(CliError::failed)?;
        write_private(&path, text).map_err(|error| {
            CliError::failed(format!("cannot write {}: {error}", path.display()))
        })?;
    }
    Ok(dir)
}

/// The value with every personal text replaced by its shape.
pub fn mask(value: &Value) -> Value {
    mask_in(value, None)
}

fn mask_in(value: &Value, key: Option<&str>) -> Value {
    match value {
        Value::String(text) => {
            let keep = key.is_some_and(|key| VOCABULARY.contains(&key)) || is_date(text);
            Value::String(if keep { text.clone() } else { shape(text) })
        }
        Value::Array(items) => Value::Array(items.iter().map(|item| mask_in(item, key)).collect()),
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(name, value)| (name.clone(), mask_in(value, Some(name))))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

/// Letters become `x` or `X`, digits `9`; everything else stays.
fn shape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_uppercase() {
                'X'
            } else if c.is_alphabetic() {
                'x'
            } else if c.is_numeric() {
                '9'
            } else {
                c
            }
        })
        .collect()
}

fn is_date(text: &str) -> bool {
    text.len() >= 10 && vivantio_client::VivantioDate::parse(text).is_ok_and(|date| date.is_some())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn no_personal_text_survives_and_shapes_keep_their_length() {
        let record = json!({
            "Id": 1001,
            "FirstName": "Sabine",
            "LastName": "Öztürk",
            "Email": "sabine.oeztuerk@brightline.example",
            "Phone": "+44 20 7946 0958",
            "Notes": "<p>Password: hunter2, card 4111 1111 1111 1111</p>",
            "OpenDate": "2024-05-01T10:37:09",
            "Type": "Closed",
            "Private": true,
            "Attachments": [{"FileName": "payroll-sabine.xlsx", "Size": 683}]
        });
        let masked = mask(&record);
        let text = masked.to_string();
        for personal in [
            "Sabine",
            "Öztürk",
            "sabine",
            "brightline",
            "7946",
            "hunter2",
            "4111",
            "payroll",
        ] {
            assert!(!text.contains(personal), "{personal} survived: {text}");
        }
        assert_eq!(masked["Email"], "xxxxxx.xxxxxxxx@xxxxxxxxxx.xxxxxxx");
        assert_eq!(masked["Phone"], "+99 99 9999 9999");
        assert_eq!(masked["LastName"].as_str().unwrap().chars().count(), 6);
        assert_eq!(masked["OpenDate"], "2024-05-01T10:37:09", "dates are kept");
        assert_eq!(masked["Type"], "Closed", "vocabulary is kept");
        assert_eq!(masked["Id"], 1001);
        assert_eq!(masked["Private"], true);
        assert_eq!(masked["Attachments"][0]["Size"], 683);
    }
}
