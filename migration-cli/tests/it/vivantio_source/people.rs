//! Organisations, callers and articles.

use fixtures::instance::Kind;
use futures::TryStreamExt;
use migration_cli::adapters::vivantio::VivantioSourceOptions;
use migration_core::ports::Source;

use super::harness::*;

#[tokio::test]
async fn organisations_callers_and_articles_arrive_once_in_id_order() {
    let Some(instance) = sample() else { return };
    let (_sim, source) = serve(&instance, VivantioSourceOptions::default()).await;

    let organisations: Vec<_> = source
        .organisations()
        .try_collect()
        .await
        .expect("organisations");
    let callers: Vec<_> = source.callers().try_collect().await.expect("callers");
    let articles: Vec<_> = source.articles().try_collect().await.expect("articles");
    let caller_ids: Vec<i64> = callers.iter().map(|c| c.id).collect();
    assert_eq!(
        organisations.iter().map(|o| o.id).collect::<Vec<_>>(),
        ids(instance.records(Kind::Clients))
    );
    assert_eq!(
        caller_ids,
        ids(instance.records(Kind::Callers)),
        "every caller once, in id order"
    );
    assert_eq!(
        articles.iter().map(|a| a.id).collect::<Vec<_>>(),
        ids(instance.records(Kind::Articles))
    );

    for caller in &callers {
        let record = raw(&instance, Kind::Callers, caller.id);
        assert_eq!(
            caller.email.as_deref(),
            text(record, "Email"),
            "caller {}",
            caller.id
        );
        assert_eq!(
            caller.name.as_deref(),
            text(record, "Name"),
            "caller {}",
            caller.id
        );
        assert_eq!(
            caller.deleted,
            record["Deleted"] == true,
            "caller {}",
            caller.id
        );
    }
    let without_email = callers.iter().filter(|c| c.email.is_none()).count();
    assert!(
        without_email >= 2,
        "the sample's callers without an email survive"
    );
    assert!(
        callers.iter().any(|c| c.deleted),
        "the sample's deleted caller survives"
    );
    for article in &articles {
        let record = raw(&instance, Kind::Articles, article.id);
        assert_eq!(Some(article.title.as_str()), text(record, "Title"));
        assert_eq!(Some(article.body_html.as_str()), text(record, "BodyHtml"));
        assert_eq!(article.is_published(), record["Status"] == "Published");
    }
}
