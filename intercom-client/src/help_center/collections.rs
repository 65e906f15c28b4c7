//! Help Center collections: `/help_center/collections`.

use serde::{Deserialize, Serialize};

use super::{numbered_list, CollectionTranslations};
use crate::common::Deleted;
use crate::error::Error;
use crate::ids::{self, CollectionId, HelpCenterId};
use crate::pagination::{items, ItemStream, PageNumber, PageStream};
use crate::timestamp::Timestamp;
use crate::transport::ApiRequest;
use crate::Client;

/// A collection (`collection`); nested collections play the role of sections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Collection {
    /// Intercom's id.
    pub id: CollectionId,
    /// Workspace id.
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// Name (default locale).
    #[serde(default)]
    pub name: Option<String>,
    /// Description (default locale).
    #[serde(default)]
    pub description: Option<String>,
    /// Creation time (Unix seconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// Public URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Icon name.
    #[serde(default)]
    pub icon: Option<String>,
    /// Position among its siblings.
    #[serde(default)]
    pub order: Option<i64>,
    /// Default locale.
    #[serde(default)]
    pub default_locale: Option<String>,
    /// Localised names.
    #[serde(default)]
    pub translated_content: Option<CollectionTranslations>,
    /// Parent collection, for nested collections.
    #[serde(default)]
    pub parent_id: Option<CollectionId>,
    /// Help center it belongs to.
    #[serde(default)]
    pub help_center_id: Option<HelpCenterId>,
}

/// Body of `POST /help_center/collections` (`create_collection_request`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateCollectionRequest {
    /// Name (default locale).
    pub name: String,
    /// Description (default locale).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Localised names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translated_content: Option<CollectionTranslations>,
    /// Parent collection (create parents first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<CollectionId>,
    /// Help center (sent as an integer; default help center when absent).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ids::as_integer::option"
    )]
    pub help_center_id: Option<HelpCenterId>,
}

/// Body of `PUT /help_center/collections/{id}` (`update_collection_request`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCollectionRequest {
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Localised names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translated_content: Option<CollectionTranslations>,
    /// New parent collection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<CollectionId>,
}

/// Collection operations; get one with [`HelpCenter::collections`](super::HelpCenter::collections).
#[derive(Debug, Clone, Copy)]
pub struct Collections<'a> {
    client: &'a Client,
}

impl<'a> Collections<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Collections { client }
    }

    /// `POST /help_center/collections`. Not resent after a failure that may have reached Intercom.
    pub async fn create(&self, request: &CreateCollectionRequest) -> Result<Collection, Error> {
        let request = ApiRequest::post(&["help_center", "collections"]).json(request)?;
        self.client.transport().send(request).await
    }

    /// `PUT /help_center/collections/{id}`.
    pub async fn update(
        &self,
        id: &CollectionId,
        request: &UpdateCollectionRequest,
    ) -> Result<Collection, Error> {
        let request =
            ApiRequest::put(&["help_center", "collections", id.as_str()]).json(request)?;
        self.client.transport().send(request).await
    }

    /// `GET /help_center/collections/{id}`.
    pub async fn get(&self, id: &CollectionId) -> Result<Collection, Error> {
        let request = ApiRequest::get(&["help_center", "collections", id.as_str()]);
        self.client.transport().send(request).await
    }

    /// `GET /help_center/collections`: every collection, page by page.
    pub fn list(&self, per_page: Option<u32>) -> ItemStream<Collection> {
        items(self.list_pages(per_page, None))
    }

    /// `GET /help_center/collections` as whole pages, from page `from` (a
    /// [`Page::next_cursor`](crate::Page::next_cursor) saved earlier) or the first.
    pub fn list_pages(
        &self,
        per_page: Option<u32>,
        from: Option<PageNumber>,
    ) -> PageStream<Collection, PageNumber> {
        numbered_list(self.client, &["help_center", "collections"], per_page, from)
    }

    /// `DELETE /help_center/collections/{id}`.
    pub async fn delete(&self, id: &CollectionId) -> Result<Deleted, Error> {
        let request = ApiRequest::delete(&["help_center", "collections", id.as_str()]);
        self.client.transport().send(request).await
    }
}
