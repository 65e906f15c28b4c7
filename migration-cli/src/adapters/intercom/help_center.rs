//! Help Center operations: collections (nested by `parent_id`), articles, and the second pass
//! that rewrites article bodies once every article exists.
//!
//! `RelinkArticle` writes its `source_html` as the new body: the engine renders it with
//! [`Mapper::render_article_body`](migration_core::transform::Mapper::render_article_body)
//! before handing the operation over (the adapter holds no mapper or ID map).

use std::collections::BTreeMap;

use intercom_client::help_center::{
    ArticleState as WireState, CreateArticleRequest, CreateCollectionRequest, UpdateArticleRequest,
};
use intercom_client::{AdminId, CollectionId};
use migration_core::model::destination::{ArticleRecord, ArticleState, CollectionRecord};
use migration_core::ports::{ExecutionOutcome, ResolvedRefs, WriteEffect};
use migration_core::PortError;
use serde_json::Value;

use super::destination::{id_of, outcome, updated, IntercomDestination};
use super::errors::{reading, writing};
use super::values::text_or_null;

impl IntercomDestination {
    pub(crate) async fn create_collection(
        &self,
        collection: &CollectionRecord,
        refs: &ResolvedRefs,
    ) -> Result<ExecutionOutcome, PortError> {
        let parent_id = collection
            .parent
            .as_ref()
            .map(|parent| id_of(refs, parent))
            .transpose()?;
        let request = CreateCollectionRequest {
            name: collection.name.clone(),
            parent_id: parent_id.map(CollectionId::from),
            ..Default::default()
        };
        let created = self
            .client
            .help_center()
            .collections()
            .create(&request)
            .await
            .map_err(writing(format!("creating collection {}", collection.name)))?;
        Ok(outcome(created.id.into_string(), WriteEffect::Created))
    }

    pub(crate) async fn create_article(
        &self,
        article: &ArticleRecord,
        refs: &ResolvedRefs,
    ) -> Result<ExecutionOutcome, PortError> {
        let request = article_request(
            article,
            id_of(refs, &article.author)?,
            article
                .parent
                .as_ref()
                .map(|parent| id_of(refs, parent))
                .transpose()?,
        );
        let created = self
            .client
            .help_center()
            .articles()
            .create(&request)
            .await
            .map_err(writing(format!("creating article {}", article.title)))?;
        let id = created.id.into_string();
        self.session.note_created(&id);
        Ok(outcome(id, WriteEffect::Created))
    }

    pub(crate) async fn relink_article(
        &self,
        article_id: &str,
        body_html: &str,
    ) -> Result<ExecutionOutcome, PortError> {
        let articles = self.client.help_center().articles();
        let mut previous = BTreeMap::new();
        if !self.session.created_here(article_id) {
            let before = articles
                .get(&article_id.into())
                .await
                .map_err(reading(format!("reading article {article_id}")))?;
            previous.insert("body".to_owned(), text_or_null(before.body.as_deref()));
        }
        let request = UpdateArticleRequest {
            body: Some(body_html.to_owned()),
            ..Default::default()
        };
        articles
            .update(&article_id.into(), &request)
            .await
            .map_err(writing(format!(
                "rewriting the links of article {article_id}"
            )))?;
        Ok(updated(article_id, previous))
    }
}

/// `POST /articles` for an article record.
pub(crate) fn article_request(
    article: &ArticleRecord,
    author_id: &str,
    parent_id: Option<&str>,
) -> CreateArticleRequest {
    CreateArticleRequest {
        title: article.title.clone(),
        author_id: AdminId::from(author_id),
        description: article.description.clone(),
        body: Some(article.body_html.clone()),
        state: Some(wire_state(article.state)),
        parent_id: parent_id.map(CollectionId::from),
        parent_type: parent_id.map(|_| "collection".to_owned()),
        ..Default::default()
    }
}

pub(crate) fn wire_state(state: ArticleState) -> WireState {
    match state {
        ArticleState::Published => WireState::Published,
        ArticleState::Draft => WireState::Draft,
    }
}

/// The core's name of an article state (`published`, `draft`), as verification compares it.
pub(crate) fn state_name(state: Option<WireState>) -> Value {
    match state {
        Some(WireState::Published) => Value::from("published"),
        Some(WireState::Draft) => Value::from("draft"),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migration_core::RecordKey;
    use serde_json::json;

    #[test]
    fn article_requests_send_numeric_author_and_parent() {
        let article = ArticleRecord {
            title: "Reset a password".into(),
            description: None,
            body_html: "<p>Steps</p>".into(),
            author: RecordKey::admin(1),
            state: ArticleState::Published,
            parent: Some(RecordKey::collection(3)),
        };
        let wire =
            serde_json::to_value(article_request(&article, "991267001", Some("13000001"))).unwrap();
        assert_eq!(wire["author_id"], json!(991_267_001));
        assert_eq!(wire["parent_id"], json!(13_000_001));
        assert_eq!(wire["parent_type"], "collection");
        assert_eq!(wire["state"], "published");
        assert_eq!(
            state_name(Some(wire_state(ArticleState::Draft))),
            json!("draft")
        );
        assert_eq!(
            serde_json::to_value(ArticleState::Draft).unwrap(),
            state_name(Some(WireState::Draft)),
            "read-back uses the core's words"
        );
    }
}
