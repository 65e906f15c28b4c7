//! Help Center: help centers (read-only), collections and articles.
//!
//! Help centers cannot be created through the API. 2.16 has no sections endpoint: build the
//! hierarchy with nested collections (`parent_id`).

mod articles;
mod collections;
mod translations;

pub use articles::*;
pub use collections::*;
pub use translations::*;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ids::HelpCenterId;
use crate::pagination::{paginate, DataList, PageNumber, PageStream};
use crate::serde_helpers::null_as_default;
use crate::timestamp::Timestamp;
use crate::transport::ApiRequest;
use crate::Client;

/// A help center (`help_center`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HelpCenterSite {
    /// Intercom's id.
    pub id: HelpCenterId,
    /// Workspace id.
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// Creation time (Unix seconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// URL slug.
    #[serde(default)]
    pub identifier: Option<String>,
    /// Whether the site is published.
    #[serde(default)]
    pub website_turned_on: Option<bool>,
    /// Display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Public URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Custom domain.
    #[serde(default)]
    pub custom_domain: Option<String>,
    /// Whether it is the workspace's default help center.
    #[serde(default)]
    pub default: Option<bool>,
    /// Locales it is published in.
    #[serde(default, deserialize_with = "null_as_default")]
    pub locales: Vec<String>,
}

/// Help Center operations; get one with [`Client::help_center`].
#[derive(Debug, Clone, Copy)]
pub struct HelpCenter<'a> {
    client: &'a Client,
}

impl<'a> HelpCenter<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        HelpCenter { client }
    }

    /// `GET /help_center/help_centers`.
    pub async fn list_help_centers(&self) -> Result<Vec<HelpCenterSite>, Error> {
        let list: DataList<HelpCenterSite> = self
            .client
            .transport()
            .send(ApiRequest::get(&["help_center", "help_centers"]))
            .await?;
        Ok(list.data)
    }

    /// `GET /help_center/help_centers/{id}`.
    pub async fn get_help_center(
        &self,
        help_center_id: &HelpCenterId,
    ) -> Result<HelpCenterSite, Error> {
        let request = ApiRequest::get(&["help_center", "help_centers", help_center_id.as_str()]);
        self.client.transport().send(request).await
    }

    /// Collections.
    pub fn collections(&self) -> Collections<'a> {
        Collections::new(self.client)
    }

    /// Articles.
    pub fn articles(&self) -> Articles<'a> {
        Articles::new(self.client)
    }
}

/// A page-number list (`page`, `per_page`) of `data` items at `path`, from page `from` on.
fn numbered_list<T>(
    client: &Client,
    path: &'static [&'static str],
    per_page: Option<u32>,
    from: Option<PageNumber>,
) -> PageStream<T, PageNumber>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    let client = client.clone();
    paginate(from, move |page: Option<PageNumber>| {
        let client = client.clone();
        async move {
            let request = ApiRequest::get(path)
                .query("page", page.unwrap_or(PageNumber::FIRST))
                .query_opt("per_page", per_page);
            let list: DataList<T> = client.transport().send(request).await?;
            Ok(list.into_numbered_page())
        }
    })
}
