//! Knowledge-base articles (their categories are [`super::Category`] with record type 10).

use serde::{Deserialize, Serialize};

use super::time::SourceTime;

/// A knowledge-base article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Article id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Body as HTML.
    #[serde(default)]
    pub body_html: String,
    /// Short summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// Knowledge-base category.
    #[serde(default)]
    pub category_id: Option<i64>,
    /// Vivantio's publication status ("Published", "Draft").
    #[serde(default)]
    pub status: Option<String>,
    /// Language code.
    #[serde(default)]
    pub language: Option<String>,
    /// Agent who wrote it.
    #[serde(default)]
    pub author_id: Option<i64>,
    /// Whether customers can read it.
    #[serde(default)]
    pub is_public: bool,
    /// Search keywords.
    #[serde(default)]
    pub keywords: Option<String>,
    /// Creation time.
    #[serde(default)]
    pub created_at: Option<SourceTime>,
    /// Last change.
    #[serde(default)]
    pub updated_at: Option<SourceTime>,
}

impl Article {
    /// Whether Vivantio shows it as published.
    pub fn is_published(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|status| status.trim().eq_ignore_ascii_case("published"))
    }
}
