//! Knowledge-base categories to collections and articles to Help Center articles.

use std::collections::BTreeMap;

use crate::idmap::IdMapView;
use crate::keys::RecordKey;
use crate::model::destination::{ArticleRecord, ArticleState, CollectionRecord};
use crate::model::source::{Article, Category, SourceKind, SourceRef, KNOWLEDGE_BASE_RECORD_TYPE};
use crate::ops::{DestinationOp, Operation, Phase};
use crate::reject::{Finding, ReasonCode, Rejection, Severity};
use crate::spec::ArticleStatePolicy;

use super::html::{InlineImage, RenderedHtml};
use super::parts::unresolved_image;
use super::{Mapped, Mapper};

impl Mapper {
    /// Maps a knowledge-base category to a collection, nested under its parent's.
    pub fn map_category(&self, category: &Category) -> Result<Mapped, Rejection> {
        let record = SourceRef::new(SourceKind::Category, category.id);
        self.map_category_raw(category)
            .map(|mapped| super::safe_text::scrubbed(record, mapped))
    }

    fn map_category_raw(&self, category: &Category) -> Result<Mapped, Rejection> {
        let record = SourceRef::new(SourceKind::Category, category.id);
        if category.record_type_id != KNOWLEDGE_BASE_RECORD_TYPE {
            return Err(Rejection::new(
                record,
                ReasonCode::MissingCategory,
                "only knowledge-base categories become collections; ticket categories become tags",
                "nothing to do",
            ));
        }
        let parent = category
            .parent_id
            .filter(|id| *id != category.id && self.lookup.kb_categories.contains_key(id))
            .map(RecordKey::collection);
        let name = category.name.trim();
        let operation = Operation::creating(
            Phase::Collections,
            RecordKey::collection(category.id),
            DestinationOp::CreateCollection(CollectionRecord {
                name: if name.is_empty() {
                    format!("Collection {}", category.id)
                } else {
                    name.to_string()
                },
                parent: parent.clone(),
            }),
        )
        .requiring(parent)
        .from_source(record);
        Ok(Mapped {
            operations: vec![operation],
            findings: Vec::new(),
        })
    }

    /// Maps an article; links to articles the ID map does not know yet are fixed by a later
    /// relink operation.
    pub fn map_article(&self, article: &Article, ids: &dyn IdMapView) -> Result<Mapped, Rejection> {
        self.map_article_noting(article, ids, &BTreeMap::new())
    }

    /// [`Mapper::map_article`], with why some inline images could not be re-hosted (by GUID),
    /// so their findings say it.
    pub fn map_article_noting(
        &self,
        article: &Article,
        ids: &dyn IdMapView,
        unhosted: &BTreeMap<String, String>,
    ) -> Result<Mapped, Rejection> {
        let record = SourceRef::new(SourceKind::Article, article.id);
        self.map_article_raw(article, ids, unhosted)
            .map(|mapped| super::safe_text::scrubbed(record, mapped))
    }

    fn map_article_raw(
        &self,
        article: &Article,
        ids: &dyn IdMapView,
        unhosted: &BTreeMap<String, String>,
    ) -> Result<Mapped, Rejection> {
        let record = SourceRef::new(SourceKind::Article, article.id);
        let mut findings = Vec::new();
        let author = article
            .author_id
            .filter(|id| self.lookup.agents.contains_key(id))
            .map_or_else(RecordKey::fallback_admin, RecordKey::admin);
        let parent = self.article_collection(article, record, &mut findings);
        let rendered = self.render_article_body(&article.body_html, ids);
        for guid in &rendered.unresolved_images {
            findings.push(match unhosted.get(guid) {
                Some(reason) => image_not_hosted(record, guid, reason),
                None => unresolved_image(record, guid),
            });
        }
        let key = RecordKey::article(article.id);
        let title = article.title.trim();
        let mut operations = vec![Operation::creating(
            Phase::Articles,
            key.clone(),
            DestinationOp::CreateArticle(ArticleRecord {
                title: if title.is_empty() {
                    format!("Article {}", article.id)
                } else {
                    title.to_string()
                },
                description: article
                    .summary
                    .clone()
                    .filter(|summary| !summary.trim().is_empty()),
                body_html: rendered.html,
                author: author.clone(),
                state: self.article_state(article),
                parent: parent.clone(),
            }),
        )
        .requiring([author])
        .requiring(parent)
        .from_source(record)];
        if !rendered.unresolved_articles.is_empty() {
            operations.push(relink(key, article, record));
        }
        Ok(Mapped {
            operations,
            findings,
        })
    }

    /// The collection of the article's knowledge-base category; none (with a finding) when it
    /// has no such category.
    fn article_collection(
        &self,
        article: &Article,
        record: SourceRef,
        findings: &mut Vec<Finding>,
    ) -> Option<RecordKey> {
        let message = match article.category_id {
            Some(id) if self.lookup.kb_categories.contains_key(&id) => {
                return Some(RecordKey::collection(id))
            }
            Some(id) => format!(
                "category {id} is not a knowledge-base category; the article is not in a collection"
            ),
            None => "the article has no category; it is not in a collection".to_string(),
        };
        findings.push(Finding::new(
            Severity::Warning,
            record,
            ReasonCode::MissingCategory,
            message,
            "put the article in a knowledge-base category in Vivantio, or move it in Intercom",
        ));
        None
    }

    fn article_state(&self, article: &Article) -> ArticleState {
        match self.spec.articles.state {
            ArticleStatePolicy::Draft => ArticleState::Draft,
            ArticleStatePolicy::FollowSource if article.is_published() && article.is_public => {
                ArticleState::Published
            }
            ArticleStatePolicy::FollowSource => ArticleState::Draft,
        }
    }

    /// The Vivantio-hosted inline images of an article body (each GUID once, in order).
    pub(crate) fn article_images(&self, html: &str) -> Vec<InlineImage> {
        self.html.inline_images(html)
    }

    /// Renders an article body with the ID map as it is now (used again at run time by
    /// [`DestinationOp::RelinkArticle`]).
    pub fn render_article_body(&self, html: &str, ids: &dyn IdMapView) -> RenderedHtml {
        self.html.render(html, ids)
    }
}

/// Renders the article body again once every article exists, so its links to articles the ID
/// map did not know yet resolve.
fn relink(key: RecordKey, article: &Article, record: SourceRef) -> Operation {
    Operation::changing(
        Phase::ArticleLinks,
        format!("relink:{key}"),
        DestinationOp::RelinkArticle {
            article: key.clone(),
            source_html: article.body_html.clone(),
        },
    )
    // Only the article itself: a linked article that never arrives stays unlinked.
    .requiring([key])
    .from_source(record)
}

fn image_not_hosted(record: SourceRef, guid: &str, reason: &str) -> Finding {
    Finding::new(
        Severity::Warning,
        record,
        ReasonCode::UnresolvedImage,
        format!("inline image {guid} was not re-hosted: {reason}; it keeps pointing at Vivantio, which needs a login"),
        "configure [images] (dir and base_url) in migration.toml, or fix the image in Vivantio, and run again",
    )
}
