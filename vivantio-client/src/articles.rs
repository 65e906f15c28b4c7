//! Knowledge-base articles (`Article/*`; endpoints INF, record shape UNK — the project's shape
//! from `docs/vivantio-wire.md`). Article categories are ticket-style categories of record type
//! 10, read with [`ArticlesApi::categories`].

use serde::{Deserialize, Serialize};

use crate::ids::{ArticleId, CategoryId, UserId};

use crate::config::Category;
use crate::dates::VivantioDate;
use crate::de::null_as_default;
use crate::endpoints as ep;
use crate::error::Error;
use crate::paging::Selectable;
use crate::records::RecordsApi;

/// A knowledge-base article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Article {
    /// Article id.
    pub id: ArticleId,
    /// Title.
    pub title: Option<String>,
    /// Body as HTML (inline images point at the tenant host, behind its login).
    pub body_html: Option<String>,
    /// Short summary.
    pub summary: Option<String>,
    /// Category (a record-type-10 category).
    pub category_id: Option<CategoryId>,
    /// Publication status (values UNK, kept as sent).
    #[serde(default)]
    pub status: serde_json::Value,
    /// Language code.
    pub language: Option<String>,
    /// Author (an agent id).
    pub author_id: Option<UserId>,
    /// Whether end users can see it.
    pub is_public: Option<bool>,
    /// Search keywords (a list, or one comma-separated text; kept as sent).
    #[serde(default, deserialize_with = "null_as_default")]
    pub keywords: serde_json::Value,
    /// Created.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub created_date: Option<VivantioDate>,
    /// Last changed.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub update_date: Option<VivantioDate>,
}

impl Selectable for Article {
    const SELECT: ep::Endpoint = ep::ARTICLE_SELECT;
    const SELECT_BY_ID: ep::Endpoint = ep::ARTICLE_SELECT_BY_ID;
    const SELECT_LIST: ep::Endpoint = ep::ARTICLE_SELECT_LIST;
    type Id = ArticleId;

    fn id(&self) -> ArticleId {
        self.id
    }
}

/// The `Article/*` actions; get one from [`Client::articles`](crate::Client::articles).
pub type ArticlesApi<'a> = RecordsApi<'a, Article>;

impl RecordsApi<'_, Article> {
    /// The knowledge-base categories (categories of record type 10).
    pub async fn categories(&self) -> Result<Vec<Category>, Error> {
        self.client
            .configuration()
            .knowledge_base_categories()
            .await
    }
}
