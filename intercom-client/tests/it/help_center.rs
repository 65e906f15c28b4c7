use std::collections::BTreeMap;

use futures::TryStreamExt;
use intercom_client::help_center::{
    ArticleContent, ArticleSearch, ArticleState, ArticleTranslations, CollectionContent,
    CollectionTranslations, CreateArticleRequest, CreateCollectionRequest, UpdateArticleRequest,
    UpdateCollectionRequest,
};
use serde_json::json;

use crate::common::{setup, Expect};

fn collection(id: &str, parent: Option<&str>) -> serde_json::Value {
    json!({"id": id, "workspace_id": "ecahpwf5", "name": "Printers", "url": "http://help.example/collection-17",
        "order": 17, "created_at": 1734537309, "updated_at": 1734537309, "description": null, "icon": "bookmark",
        "parent_id": parent, "help_center_id": 79, "default_locale": "en",
        "translated_content": {"type": "group_translated_content", "en": {"type": "group_content", "name": "Printers", "description": ""},
            "fr": {"type": "group_content", "name": "Imprimantes", "description": ""}}})
}

fn article(id: &str) -> serde_json::Value {
    json!({"id": id, "type": "article", "workspace_id": "ecahpwf5", "parent_ids": [18], "parent_id": 18,
        "parent_type": "collection", "tags": {"type": "tag.list", "tags": []}, "title": "Reset the printer",
        "description": "", "body": "<p>Turn it off</p>", "author_id": 991267521, "state": "published",
        "created_at": 1734537306, "updated_at": 1734537306, "url": null, "default_locale": "en",
        "translated_content": {"type": "article_translated_content",
            "fr": {"type": "article_content", "title": "Réinitialiser", "description": "", "body": "<p>Éteindre</p>",
                "author_id": 991267521, "state": "draft", "created_at": 1734537306, "updated_at": 1734537306, "url": null}},
        "statistics": {"type": "article_statistics", "views": 0}})
}

#[tokio::test]
async fn help_centers_are_listed_and_read() {
    let (server, client) = setup().await;
    let site = json!({"id": "79", "workspace_id": "ecahpwf5", "created_at": 1734537309, "updated_at": 1734537309,
        "identifier": "help-center-1", "website_turned_on": false, "display_name": "Intercom Help Center",
        "url": "https://help.example", "custom_domain": null, "default": true, "locales": ["en", "fr"]});
    Expect::call("GET", "/help_center/help_centers")
        .respond(200, json!({"type": "list", "data": [site.clone()]}))
        .mount(&server)
        .await;
    Expect::call("GET", "/help_center/help_centers/79")
        .respond(200, site)
        .mount(&server)
        .await;
    let sites = client.help_center().list_help_centers().await.unwrap();
    assert_eq!(sites[0].locales, ["en", "fr"]);
    assert_eq!(
        client
            .help_center()
            .get_help_center(&"79".into())
            .await
            .unwrap()
            .default,
        Some(true)
    );
}

#[tokio::test]
async fn collections_nest_by_parent_id_and_support_crud() {
    let (server, client) = setup().await;
    Expect::call("POST", "/help_center/collections")
        .body(
            json!({"name": "Printers", "description": "All about printers", "help_center_id": 79,
            "translated_content": {"fr": {"name": "Imprimantes"}}}),
        )
        .respond(200, collection("159", None))
        .mount(&server)
        .await;
    Expect::call("POST", "/help_center/collections")
        .body(json!({"name": "Laser", "parent_id": "159"}))
        .respond(200, collection("160", Some("159")))
        .mount(&server)
        .await;
    Expect::call("PUT", "/help_center/collections/160")
        .body(json!({"name": "Laser printers"}))
        .respond(200, collection("160", Some("159")))
        .mount(&server)
        .await;
    Expect::call("GET", "/help_center/collections/160")
        .respond(200, collection("160", Some("159")))
        .mount(&server)
        .await;
    Expect::call("GET", "/help_center/collections")
        .query("page", "1")
        .respond(200, json!({"type": "list", "data": [collection("159", None), collection("160", Some("159"))],
            "total_count": 2, "pages": {"type": "pages", "page": 1, "per_page": 20, "total_pages": 1}}))
        .mount(&server)
        .await;
    Expect::call("DELETE", "/help_center/collections/160")
        .respond(
            200,
            json!({"id": "160", "object": "collection", "deleted": true}),
        )
        .mount(&server)
        .await;
    let collections = client.help_center().collections();
    let mut locales = BTreeMap::new();
    locales.insert(
        "fr".to_owned(),
        CollectionContent {
            name: Some("Imprimantes".into()),
            ..CollectionContent::default()
        },
    );
    let parent = collections
        .create(&CreateCollectionRequest {
            name: "Printers".into(),
            description: Some("All about printers".into()),
            help_center_id: Some("79".into()),
            translated_content: Some(CollectionTranslations {
                kind: None,
                locales,
            }),
            ..CreateCollectionRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(
        parent.translated_content.unwrap().locales["fr"]
            .name
            .as_deref(),
        Some("Imprimantes")
    );
    let child = collections
        .create(&CreateCollectionRequest {
            name: "Laser".into(),
            parent_id: Some(parent.id.clone()),
            ..CreateCollectionRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(child.parent_id.as_ref().unwrap(), "159");
    assert_eq!(child.help_center_id.as_ref().unwrap(), "79");
    let update = UpdateCollectionRequest {
        name: Some("Laser printers".into()),
        ..UpdateCollectionRequest::default()
    };
    collections.update(&"160".into(), &update).await.unwrap();
    collections.get(&"160".into()).await.unwrap();
    let all: Vec<_> = collections.list(None).try_collect().await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(collections.delete(&"160".into()).await.unwrap().deleted);
}

#[tokio::test]
async fn articles_with_author_state_parent_and_translations() {
    let (server, client) = setup().await;
    Expect::call("POST", "/articles")
        .body(json!({"title": "Reset the printer", "author_id": 991267521, "body": "<p>Turn it off</p>",
            "state": "published", "parent_id": 18, "parent_type": "collection",
            "translated_content": {"fr": {"title": "Réinitialiser", "body": "<p>Éteindre</p>", "author_id": 991267521, "state": "draft"}}}))
        .respond(200, article("55"))
        .mount(&server)
        .await;
    Expect::call("PUT", "/articles/55")
        .body(json!({"state": "draft", "parent_id": "19"}))
        .respond(200, article("55"))
        .mount(&server)
        .await;
    Expect::call("GET", "/articles/55")
        .respond(200, article("55"))
        .mount(&server)
        .await;
    Expect::call("GET", "/articles")
        .query("page", "1")
        .respond(
            200,
            json!({"type": "list", "data": [article("55")], "total_count": 1,
            "pages": {"type": "pages", "page": 1, "per_page": 25, "total_pages": 1}}),
        )
        .mount(&server)
        .await;
    Expect::call("GET", "/articles/search")
        .query("phrase", "printer")
        .query("state", "published")
        .query("help_center_id", "79")
        .respond(200, json!({"type": "list", "total_count": 1, "data": {"articles": [article("55")], "highlights": []},
            "pages": {"type": "pages", "page": 1, "total_pages": 1, "per_page": 10}}))
        .mount(&server)
        .await;
    Expect::call("DELETE", "/articles/55")
        .respond(
            200,
            json!({"id": "55", "object": "article", "deleted": true}),
        )
        .mount(&server)
        .await;
    let articles = client.help_center().articles();
    let mut locales = BTreeMap::new();
    locales.insert(
        "fr".to_owned(),
        ArticleContent {
            title: Some("Réinitialiser".into()),
            body: Some("<p>Éteindre</p>".into()),
            author_id: Some("991267521".into()),
            state: Some(ArticleState::Draft),
            ..ArticleContent::default()
        },
    );
    let created = articles
        .create(&CreateArticleRequest {
            title: "Reset the printer".into(),
            author_id: "991267521".into(),
            body: Some("<p>Turn it off</p>".into()),
            state: Some(ArticleState::Published),
            parent_id: Some("18".into()),
            parent_type: Some("collection".into()),
            translated_content: Some(ArticleTranslations {
                kind: None,
                locales,
            }),
            ..CreateArticleRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(created.author_id.unwrap(), "991267521");
    assert_eq!(created.parent_ids[0], "18");
    assert_eq!(
        created.translated_content.unwrap().locales["fr"].state,
        Some(ArticleState::Draft)
    );
    let update = UpdateArticleRequest {
        state: Some(ArticleState::Draft),
        parent_id: Some("19".into()),
        ..UpdateArticleRequest::default()
    };
    articles.update(&"55".into(), &update).await.unwrap();
    articles.get(&"55".into()).await.unwrap();
    assert_eq!(
        articles
            .list(None)
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .len(),
        1
    );
    let search = ArticleSearch {
        phrase: Some("printer".into()),
        state: Some("published".into()),
        help_center_id: Some("79".into()),
    };
    assert_eq!(
        articles
            .search(search)
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(articles.delete(&"55".into()).await.unwrap().deleted);
}

#[tokio::test]
async fn body_and_markdown_are_exclusive() {
    let (_server, client) = setup().await;
    let request = CreateArticleRequest {
        title: "t".into(),
        author_id: "1".into(),
        body: Some("<p>x</p>".into()),
        body_markdown: Some("x".into()),
        ..CreateArticleRequest::default()
    };
    assert!(client
        .help_center()
        .articles()
        .create(&request)
        .await
        .is_err());
}
