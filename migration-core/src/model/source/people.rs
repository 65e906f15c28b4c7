//! Organisations (Vivantio clients) and callers (end users).

use serde::{Deserialize, Serialize};

use super::custom::FieldValue;
use super::time::SourceTime;

/// An organisation (Vivantio "client"); becomes an Intercom company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    /// Client id (becomes the Intercom `company_id`).
    pub id: i64,
    /// Vivantio's own reference code.
    #[serde(default)]
    pub reference: Option<String>,
    /// Name.
    pub name: String,
    /// Website, as typed.
    #[serde(default)]
    pub website: Option<String>,
    /// Main email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Email domain used to recognise the organisation's callers.
    #[serde(default)]
    pub email_suffix: Option<String>,
    /// Free notes.
    #[serde(default)]
    pub notes: Option<String>,
    /// Key in an external system.
    #[serde(default)]
    pub external_key: Option<String>,
    /// Creation time.
    #[serde(default)]
    pub created_at: Option<SourceTime>,
    /// Last change.
    #[serde(default)]
    pub updated_at: Option<SourceTime>,
    /// Whether it was deleted in Vivantio.
    #[serde(default)]
    pub deleted: bool,
    /// Custom form values.
    #[serde(default)]
    pub custom_values: Vec<FieldValue>,
}

/// A caller (end user); becomes an Intercom contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Caller {
    /// Caller id.
    pub id: i64,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Email, as typed (may be missing or malformed).
    #[serde(default)]
    pub email: Option<String>,
    /// Phone, as typed.
    #[serde(default)]
    pub phone: Option<String>,
    /// Organisation.
    #[serde(default)]
    pub client_id: Option<i64>,
    /// Location name.
    #[serde(default)]
    pub location_name: Option<String>,
    /// Free notes.
    #[serde(default)]
    pub notes: Option<String>,
    /// Key in an external system.
    #[serde(default)]
    pub external_key: Option<String>,
    /// Creation time.
    #[serde(default)]
    pub created_at: Option<SourceTime>,
    /// Last change.
    #[serde(default)]
    pub updated_at: Option<SourceTime>,
    /// Whether it was deleted in Vivantio.
    #[serde(default)]
    pub deleted: bool,
    /// Custom form values.
    #[serde(default)]
    pub custom_values: Vec<FieldValue>,
}

impl Caller {
    /// The best name available: `name`, else "first last".
    pub fn display_name(&self) -> Option<String> {
        let full = self
            .name
            .as_deref()
            .map(str::trim)
            .filter(|name| !name.is_empty());
        if let Some(full) = full {
            return Some(full.to_string());
        }
        let joined = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        (!joined.is_empty()).then_some(joined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(name: Option<&str>, first: Option<&str>, last: Option<&str>) -> Caller {
        Caller {
            id: 1,
            name: name.map(String::from),
            first_name: first.map(String::from),
            last_name: last.map(String::from),
            email: None,
            phone: None,
            client_id: None,
            location_name: None,
            notes: None,
            external_key: None,
            created_at: None,
            updated_at: None,
            deleted: false,
            custom_values: Vec::new(),
        }
    }

    #[test]
    fn display_name_prefers_the_full_name() {
        assert_eq!(
            caller(Some(" Ann Lee "), Some("A"), None)
                .display_name()
                .as_deref(),
            Some("Ann Lee")
        );
        assert_eq!(
            caller(Some(" "), Some("Ann"), Some("Lee"))
                .display_name()
                .as_deref(),
            Some("Ann Lee")
        );
        assert_eq!(caller(None, None, Some(" ")).display_name(), None);
    }
}
