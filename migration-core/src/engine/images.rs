//! Inline article images re-hosted before an article is sent: fetched from the source,
//! published on the [`ImageHost`], remembered in the state store under their file key (so the
//! body is rewritten to the new URL and a re-run fetches nothing), and removed on rollback.

use std::collections::BTreeMap;

use super::context::Context;
use super::{Engine, EngineError};
use crate::error::PortError;
use crate::idmap::{DestinationRef, IdMapView};
use crate::keys::RecordKey;
use crate::ports::ImageHost;

/// Why each image of a body still points at Vivantio, by GUID.
pub(crate) type Unhosted = BTreeMap<String, String>;

impl Context<'_, '_> {
    /// Re-hosts the Vivantio images of an article body that are not hosted yet.
    pub(crate) async fn host_images(&self, html: &str) -> Result<Unhosted, EngineError> {
        let mut unhosted = Unhosted::new();
        for image in self.mapper.article_images(html) {
            let key = RecordKey::file(&image.guid);
            if self.with_articles(|known| known.get(&key).is_some()) {
                continue;
            }
            if let Some(known) = self
                .store()
                .lookup(&key)
                .await
                .map_err(EngineError::Store)?
            {
                self.know_image(&key, &known);
                continue;
            }
            let reason = if self.dry_run {
                "a dry run re-hosts nothing".to_string()
            } else if let Some(host) = self.engine.image_host() {
                match self.publish(host, &image.guid, &image.url).await? {
                    Ok(url) => {
                        let destination = DestinationRef {
                            id: image.guid.clone(),
                            url: Some(url),
                        };
                        self.store()
                            .remember(&key, &destination)
                            .await
                            .map_err(EngineError::Store)?;
                        self.know_image(&key, &destination);
                        continue;
                    }
                    Err(reason) => reason,
                }
            } else {
                "no image host is configured ([images] in migration.toml)".to_string()
            };
            unhosted.insert(image.guid, reason);
        }
        Ok(unhosted)
    }

    /// Fetches and publishes one image, retrying transient failures; `Err` says why not.
    async fn publish(
        &self,
        host: &dyn ImageHost,
        guid: &str,
        url: &str,
    ) -> Result<Result<String, String>, EngineError> {
        let mark = format!("image:{guid}");
        let payload = match self
            .retrying(&mark, || self.source().inline_image(url))
            .await
        {
            Ok(payload) => payload,
            Err(error) => {
                return Ok(Err(format!(
                    "it could not be fetched from Vivantio: {}",
                    error.message
                )))
            }
        };
        Ok(self
            .retrying(&mark, || host.publish(guid, &payload))
            .await
            .map_err(|error| format!("the image host refused it: {}", error.message)))
    }

    async fn retrying<T, F, Fut>(&self, mark: &str, call: F) -> Result<T, PortError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, PortError>>,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match call().await {
                Err(error)
                    if error.is_retryable() && attempt < self.engine.config.retry.max_attempts =>
                {
                    self.back_off(mark, attempt, &error).await;
                }
                other => return other,
            }
        }
    }
}

/// An image the host could not remove (`*` when it could not list them), with why.
pub(crate) struct Unremoved {
    /// The image's GUID.
    pub guid: String,
    /// Why it is still published.
    pub reason: String,
}

/// Removes every image the host published and forgets its file key (a dry run only counts
/// them); returns how many, and those that stay.
pub(crate) async fn remove_hosted_images(
    engine: &Engine<'_>,
    dry_run: bool,
) -> Result<(u64, Vec<Unremoved>), EngineError> {
    let Some(host) = engine.image_host() else {
        return Ok((0, Vec::new()));
    };
    let unremoved = |guid: &str, reason: String| Unremoved {
        guid: guid.to_string(),
        reason,
    };
    let images = match host.published().await {
        Ok(images) => images,
        Err(error) => {
            let reason = format!("the image host cannot list its images: {}", error.message);
            return Ok((0, vec![unremoved("*", reason)]));
        }
    };
    if dry_run {
        return Ok((images.len() as u64, Vec::new()));
    }
    let (mut removed, mut failures) = (0, Vec::new());
    for image in images {
        match host.remove(&image).await {
            Ok(()) => {
                engine
                    .store()
                    .forget(&RecordKey::file(&image.guid))
                    .await
                    .map_err(EngineError::Store)?;
                removed += 1;
            }
            Err(error) => failures.push(unremoved(&image.guid, error.message)),
        }
    }
    Ok((removed, failures))
}
