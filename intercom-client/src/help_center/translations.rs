//! Per-locale content of collections and articles (`group_translated_content`,
//! `article_translated_content`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{self, AdminId};
use crate::timestamp::Timestamp;

/// Localised names of a collection, keyed by locale (`en`, `fr`, `pt-BR`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionTranslations {
    /// Always `group_translated_content` (optional on requests).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Content per locale.
    #[serde(flatten)]
    pub locales: BTreeMap<String, CollectionContent>,
}

/// A collection's name and description in one locale (`group_content`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionContent {
    /// Always `group_content` (optional on requests).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Localised versions of an article, keyed by locale.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleTranslations {
    /// Always `article_translated_content` (optional on requests).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Content per locale.
    #[serde(flatten)]
    pub locales: BTreeMap<String, ArticleContent>,
}

open_enum! {
    /// Whether an article (or one translation) is live.
    pub enum ArticleState {
        /// Visible in the help center.
        Published = "published",
        /// Not visible.
        Draft = "draft",
    }
}

/// An article in one locale (`article_content`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleContent {
    /// Always `article_content` (optional on requests).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Body (HTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Author (an admin; sent as an integer).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ids::as_integer::option"
    )]
    pub author_id: Option<AdminId>,
    /// Published or draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ArticleState>,
    /// Creation time (Unix seconds; read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// Last update (Unix seconds; read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// Public URL (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}
