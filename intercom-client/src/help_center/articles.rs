//! Help Center articles: `/articles`.
//!
//! Articles have no settable `created_at`. Tags on the article body are read-only.

use serde::{Deserialize, Serialize};

use super::{numbered_list, ArticleState, ArticleTranslations};
use crate::common::Deleted;
use crate::conversations::TagList;
use crate::error::Error;
use crate::ids::{self, AdminId, ArticleId, CollectionId, HelpCenterId, Id};
use crate::pagination::{
    items, numbered_page, paginate, ItemStream, PageNumber, PageStream, Pages,
};
use crate::serde_helpers::null_as_default;
use crate::timestamp::Timestamp;
use crate::transport::ApiRequest;
use crate::Client;

/// An article (`article` / `article_list_item`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Article {
    /// Always `article`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Intercom's id.
    pub id: ArticleId,
    /// Workspace id.
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// Title (default locale).
    #[serde(default)]
    pub title: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Body (HTML).
    #[serde(default)]
    pub body: Option<String>,
    /// Body as Markdown, when written that way.
    #[serde(default)]
    pub body_markdown: Option<String>,
    /// Author (an admin id).
    #[serde(default)]
    pub author_id: Option<AdminId>,
    /// Published or draft.
    #[serde(default)]
    pub state: Option<ArticleState>,
    /// Creation time (Unix seconds; not settable).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// Whether a draft differs from the published version.
    #[serde(default)]
    pub has_unpublished_changes: Option<bool>,
    /// Last draft change (Unix seconds).
    #[serde(default)]
    pub draft_updated_at: Option<Timestamp>,
    /// Public URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Parent collections (2.16).
    #[serde(default, deserialize_with = "null_as_default")]
    pub parent_ids: Vec<CollectionId>,
    /// Whether Fin may use it.
    #[serde(default)]
    pub ai_chatbot_availability: Option<bool>,
    /// Whether Copilot may use it.
    #[serde(default)]
    pub ai_copilot_availability: Option<bool>,
    /// Whether the sales agent may use it.
    #[serde(default)]
    pub ai_sales_agent_availability: Option<bool>,
    /// Creator (admin id).
    #[serde(default)]
    pub created_by_id: Option<AdminId>,
    /// Last editor (admin id).
    #[serde(default)]
    pub updated_by_id: Option<AdminId>,
    /// Whether it is hidden from suggestions.
    #[serde(default)]
    pub exclude_from_article_suggestions: Option<bool>,
    /// Who can see it.
    #[serde(default)]
    pub help_center_audience: Option<String>,
    /// Scheduled publication (Unix seconds).
    #[serde(default)]
    pub scheduled_publish_at: Option<Timestamp>,
    /// Scheduled unpublication (Unix seconds).
    #[serde(default)]
    pub scheduled_unpublish_at: Option<Timestamp>,
    /// Default locale.
    #[serde(default)]
    pub default_locale: Option<String>,
    /// Content per locale.
    #[serde(default)]
    pub translated_content: Option<ArticleTranslations>,
    /// Tags.
    #[serde(default)]
    pub tags: Option<TagList>,
    /// View and reaction counts.
    #[serde(default)]
    pub statistics: Option<serde_json::Value>,
}

/// Body of `POST /articles` (`create_article_request`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateArticleRequest {
    /// Title.
    pub title: String,
    /// Author: an existing admin (sent as an integer).
    #[serde(serialize_with = "ids::as_integer::required")]
    pub author_id: AdminId,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Body as HTML (exclusive with `body_markdown`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Body as Markdown (exclusive with `body`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_markdown: Option<String>,
    /// Published or draft (default draft).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<ArticleState>,
    /// Parent collection (sent as an integer).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ids::as_integer::option"
    )]
    pub parent_id: Option<CollectionId>,
    /// `collection` (or the legacy `section`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_type: Option<String>,
    /// Content per locale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translated_content: Option<ArticleTranslations>,
    /// Audiences that can see it (integers).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ids::as_integer::list"
    )]
    pub audience_ids: Option<Vec<Id>>,
    /// Whether Fin may use it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ai_chatbot_availability: Option<bool>,
    /// Whether Copilot may use it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ai_copilot_availability: Option<bool>,
    /// Whether the sales agent may use it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ai_sales_agent_availability: Option<bool>,
    /// ISO-8601 time to publish at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_publish_at: Option<String>,
    /// ISO-8601 time to unpublish at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_unpublish_at: Option<String>,
}

/// Body of `PUT /articles/{id}` (`update_article_request`); omitting `state` leaves it unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateArticleRequest {
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Body as HTML.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Body as Markdown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_markdown: Option<String>,
    /// Author (sent as an integer).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ids::as_integer::option"
    )]
    pub author_id: Option<AdminId>,
    /// Published or draft.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<ArticleState>,
    /// Parent collection (a string here, unlike on create).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<CollectionId>,
    /// `collection` or `section`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_type: Option<String>,
    /// Content per locale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translated_content: Option<ArticleTranslations>,
    /// Audiences (integers).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ids::as_integer::list"
    )]
    pub audience_ids: Option<Vec<Id>>,
    /// Whether Fin may use it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ai_chatbot_availability: Option<bool>,
    /// Whether Copilot may use it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ai_copilot_availability: Option<bool>,
    /// Whether the sales agent may use it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ai_sales_agent_availability: Option<bool>,
    /// ISO-8601 time to publish at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_publish_at: Option<String>,
    /// ISO-8601 time to unpublish at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_unpublish_at: Option<String>,
}

/// Filters of `GET /articles/search`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleSearch {
    /// Words to look for.
    pub phrase: Option<String>,
    /// `published`, `draft` or `all`.
    pub state: Option<String>,
    /// Restrict to one help center.
    pub help_center_id: Option<HelpCenterId>,
}

#[derive(Deserialize)]
struct ArticleSearchResponse {
    #[serde(default)]
    data: Option<ArticleSearchData>,
    #[serde(default)]
    pages: Option<Pages>,
}

#[derive(Deserialize)]
struct ArticleSearchData {
    #[serde(default, deserialize_with = "null_as_default")]
    articles: Vec<Article>,
}

/// Article operations; get one with [`HelpCenter::articles`](super::HelpCenter::articles).
#[derive(Debug, Clone, Copy)]
pub struct Articles<'a> {
    client: &'a Client,
}

impl<'a> Articles<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Articles { client }
    }

    /// `POST /articles`. Not resent after a failure that may have reached Intercom.
    pub async fn create(&self, request: &CreateArticleRequest) -> Result<Article, Error> {
        if request.body.is_some() && request.body_markdown.is_some() {
            return Err(Error::InvalidRequest(
                "an article takes body or body_markdown, not both".into(),
            ));
        }
        let request = ApiRequest::post(&["articles"]).json(request)?;
        self.client.transport().send(request).await
    }

    /// `PUT /articles/{id}`.
    pub async fn update(
        &self,
        id: &ArticleId,
        request: &UpdateArticleRequest,
    ) -> Result<Article, Error> {
        let request = ApiRequest::put(&["articles", id.as_str()]).json(request)?;
        self.client.transport().send(request).await
    }

    /// `GET /articles/{id}`.
    pub async fn get(&self, id: &ArticleId) -> Result<Article, Error> {
        self.client
            .transport()
            .send(ApiRequest::get(&["articles", id.as_str()]))
            .await
    }

    /// `GET /articles`: every article, page by page.
    pub fn list(&self, per_page: Option<u32>) -> ItemStream<Article> {
        items(self.list_pages(per_page, None))
    }

    /// `GET /articles` as whole pages, from page `from` (a
    /// [`Page::next_cursor`](crate::Page::next_cursor) saved earlier) or the first.
    pub fn list_pages(
        &self,
        per_page: Option<u32>,
        from: Option<PageNumber>,
    ) -> PageStream<Article, PageNumber> {
        numbered_list(self.client, &["articles"], per_page, from)
    }

    /// `GET /articles/search`: matching articles, page by page.
    pub fn search(&self, search: ArticleSearch) -> ItemStream<Article> {
        items(self.search_pages(search, None))
    }

    /// `GET /articles/search` as whole pages, from page `from` or the first.
    pub fn search_pages(
        &self,
        search: ArticleSearch,
        from: Option<PageNumber>,
    ) -> PageStream<Article, PageNumber> {
        let client = self.client.clone();
        paginate(from, move |page: Option<PageNumber>| {
            let client = client.clone();
            let search = search.clone();
            async move {
                let request = ApiRequest::get(&["articles", "search"])
                    .query_opt("phrase", search.phrase)
                    .query_opt("state", search.state)
                    .query_opt("help_center_id", search.help_center_id)
                    .query("page", page.unwrap_or(PageNumber::FIRST));
                let response: ArticleSearchResponse = client.transport().send(request).await?;
                let articles = response.data.map(|d| d.articles).unwrap_or_default();
                Ok(numbered_page(articles, response.pages))
            }
        })
    }

    /// `DELETE /articles/{id}`.
    pub async fn delete(&self, id: &ArticleId) -> Result<Deleted, Error> {
        self.client
            .transport()
            .send(ApiRequest::delete(&["articles", id.as_str()]))
            .await
    }
}
