//! Companies: `/companies`.

use serde::{Deserialize, Serialize};

use crate::common::{CustomAttributes, Deleted};
use crate::error::Error;
use crate::ids::{CompanyId, Id};
use crate::pagination::{
    items, paginate, scroll, DataList, ItemStream, Page, PageNumber, PageStream, ScrollParam,
};
use crate::serde_helpers::null_as_default;
use crate::tags::Tag;
use crate::timestamp::Timestamp;
use crate::transport::ApiRequest;
use crate::Client;

/// Body of `POST /companies` (`create_or_update_company_request`): creates or updates by `company_id`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpsertCompanyRequest {
    /// Your id for the company; the upsert key, cannot be changed later.
    pub company_id: String,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Plan name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Number of employees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    /// Website (not validated by Intercom).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Industry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// Values of existing company data attributes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<CustomAttributes>,
    /// When the company was created in your system (Unix seconds): keeps the original date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_created_at: Option<Timestamp>,
    /// Whether to set `last_request_at` to now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_last_request_at: Option<bool>,
    /// Monthly revenue (truncated to an integer by Intercom).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_spend: Option<i64>,
}

impl UpsertCompanyRequest {
    /// A company with your id and a name.
    pub fn new(company_id: impl Into<String>, name: impl Into<String>) -> Self {
        UpsertCompanyRequest {
            company_id: company_id.into(),
            name: Some(name.into()),
            ..Self::default()
        }
    }
}

/// Body of `PUT /companies/{id}` (`update_company_request`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateCompanyRequest {
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Plan name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Number of employees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    /// Website.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Industry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// Values of existing company data attributes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<CustomAttributes>,
    /// Monthly revenue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_spend: Option<i64>,
}

/// A company (`company` schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Company {
    /// Always `company`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Intercom's id.
    pub id: CompanyId,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Workspace id.
    #[serde(default)]
    pub app_id: Option<String>,
    /// Plan.
    #[serde(default)]
    pub plan: Option<CompanyPlan>,
    /// Your id for the company.
    #[serde(default)]
    pub company_id: Option<String>,
    /// Creation time in your system (Unix seconds).
    #[serde(default)]
    pub remote_created_at: Option<Timestamp>,
    /// Creation time in Intercom (Unix seconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// Last request (Unix seconds).
    #[serde(default)]
    pub last_request_at: Option<Timestamp>,
    /// Number of employees.
    #[serde(default)]
    pub size: Option<i64>,
    /// Website.
    #[serde(default)]
    pub website: Option<String>,
    /// Industry.
    #[serde(default)]
    pub industry: Option<String>,
    /// Monthly revenue.
    #[serde(default)]
    pub monthly_spend: Option<i64>,
    /// Sessions.
    #[serde(default)]
    pub session_count: Option<i64>,
    /// Attached users.
    #[serde(default)]
    pub user_count: Option<i64>,
    /// Custom attribute values.
    #[serde(default, deserialize_with = "null_as_default")]
    pub custom_attributes: CustomAttributes,
    /// Tags applied.
    #[serde(default)]
    pub tags: Option<CompanyTags>,
}

/// A company's plan (an empty object when none is set).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CompanyPlan {
    /// Always `plan`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Plan id.
    #[serde(default)]
    pub id: Option<Id>,
    /// Plan name.
    #[serde(default)]
    pub name: Option<String>,
}

/// Tags on a company: `{type: "tag.list", tags: [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CompanyTags {
    /// The tags.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<Tag>,
}

/// `GET /companies/scroll` answer.
#[derive(Debug, Deserialize)]
struct CompanyScroll {
    #[serde(default, deserialize_with = "null_as_default")]
    data: Vec<Company>,
    #[serde(default)]
    scroll_param: Option<ScrollParam>,
}

/// `GET /companies?company_id=` answers with a list in the description but a single company in practice.
#[derive(Deserialize)]
#[serde(untagged)]
enum FoundCompanies {
    // Tried first: a list has no `id`, whereas every field of `DataList` is optional.
    One(Box<Company>),
    List(DataList<Company>),
}

/// Company operations; get one with [`Client::companies`].
#[derive(Debug, Clone, Copy)]
pub struct Companies<'a> {
    client: &'a Client,
}

impl<'a> Companies<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Companies { client }
    }

    /// `POST /companies`: creates the company or updates the one with the same `company_id`.
    ///
    /// An upsert, so retried like any idempotent call.
    pub async fn upsert(&self, request: &UpsertCompanyRequest) -> Result<Company, Error> {
        let request = ApiRequest::post(&["companies"])
            .idempotent()
            .json(request)?;
        self.client.transport().send(request).await
    }

    /// `PUT /companies/{id}` (Intercom's id).
    pub async fn update(
        &self,
        id: &CompanyId,
        request: &UpdateCompanyRequest,
    ) -> Result<Company, Error> {
        let request = ApiRequest::put(&["companies", id.as_str()]).json(request)?;
        self.client.transport().send(request).await
    }

    /// `GET /companies/{id}` (Intercom's id).
    pub async fn get(&self, id: &CompanyId) -> Result<Company, Error> {
        self.client
            .transport()
            .send(ApiRequest::get(&["companies", id.as_str()]))
            .await
    }

    /// `GET /companies?company_id=`: the company with your id, or `None`.
    pub async fn find_by_company_id(&self, company_id: &str) -> Result<Option<Company>, Error> {
        let request = ApiRequest::get(&["companies"]).query("company_id", company_id);
        match self.client.transport().send(request).await {
            Ok(FoundCompanies::One(company)) => Ok(Some(*company)),
            Ok(FoundCompanies::List(list)) => Ok(list
                .data
                .into_iter()
                .find(|c| c.company_id.as_deref() == Some(company_id))),
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// `POST /companies/list`: every company (newest first by default), page by page.
    ///
    /// Intercom caps this list at 10,000 companies; use [`Companies::scroll`] beyond that.
    /// Companies without any attached contact are not listed.
    pub fn list(&self, per_page: Option<u32>) -> ItemStream<Company> {
        items(self.list_pages(per_page, None))
    }

    /// `POST /companies/list` as whole pages, from page `from` (a [`Page::next_cursor`] saved
    /// earlier) or the first.
    pub fn list_pages(
        &self,
        per_page: Option<u32>,
        from: Option<PageNumber>,
    ) -> PageStream<Company, PageNumber> {
        let client = self.client.clone();
        paginate(from, move |page: Option<PageNumber>| {
            let client = client.clone();
            async move {
                let request = ApiRequest::post(&["companies", "list"])
                    .idempotent()
                    .query("page", page.unwrap_or(PageNumber::FIRST))
                    .query_opt("per_page", per_page);
                let list: DataList<Company> = client.transport().send(request).await?;
                Ok(list.into_numbered_page())
            }
        })
    }

    /// `GET /companies/scroll`: every company, without the 10,000 cap.
    ///
    /// Only one scroll may be open per app and it expires after a minute idle; if the stream
    /// fails part-way, start a new one from the beginning.
    pub fn scroll(&self) -> ItemStream<Company> {
        items(self.scroll_pages(None))
    }

    /// `GET /companies/scroll` as whole pages, continuing the scroll `from` (valid for about a
    /// minute after its last page was read) or opening a new one.
    pub fn scroll_pages(&self, from: Option<ScrollParam>) -> PageStream<Company, ScrollParam> {
        let client = self.client.clone();
        scroll(from, move |scroll_param: Option<ScrollParam>| {
            let client = client.clone();
            async move {
                let request = ApiRequest::get(&["companies", "scroll"])
                    .query_opt("scroll_param", scroll_param);
                let page: CompanyScroll = client.transport().send(request).await?;
                // An empty page marks the end of the scroll.
                let next = page.scroll_param.filter(|_| !page.data.is_empty());
                Ok(Page::new(page.data, next))
            }
        })
    }

    /// `DELETE /companies/{id}`: archives asynchronously and detaches contacts (they are kept).
    pub async fn delete(&self, id: &CompanyId) -> Result<Deleted, Error> {
        self.client
            .transport()
            .send(ApiRequest::delete(&["companies", id.as_str()]))
            .await
    }
}
