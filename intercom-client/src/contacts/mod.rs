//! Contacts: `/contacts` (users and leads).

mod model;

pub use model::*;

use crate::companies::Company;
use crate::error::Error;
use crate::ids::{CompanyId, ContactId};
use crate::pagination::{items, paginate, Cursor, DataList, ItemStream, PageStream};
use crate::search::{SearchBody, SearchQuery};
use crate::transport::ApiRequest;
use crate::Client;

/// Contact operations; get one with [`Client::contacts`].
#[derive(Debug, Clone, Copy)]
pub struct Contacts<'a> {
    client: &'a Client,
}

impl<'a> Contacts<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Contacts { client }
    }

    /// `POST /contacts`: creates a user or lead.
    ///
    /// A user whose email or external id already exists yields [`Error::Conflict`] with the
    /// existing id. Never resent automatically after a failure that may have reached Intercom;
    /// on [`Error::may_have_been_applied`], check [`Contacts::find_by_external_id`] first.
    pub async fn create(&self, request: &CreateContactRequest) -> Result<Contact, Error> {
        if !request.identifies_contact() {
            return Err(Error::InvalidRequest(
                "a contact needs at least one of role, external_id or email".into(),
            ));
        }
        let request = ApiRequest::post(&["contacts"]).json(request)?;
        self.client.transport().send(request).await
    }

    /// `PUT /contacts/{id}`: changes the fields that are set.
    pub async fn update(
        &self,
        contact_id: &ContactId,
        request: &UpdateContactRequest,
    ) -> Result<Contact, Error> {
        let request = ApiRequest::put(&["contacts", contact_id.as_str()]).json(request)?;
        self.client.transport().send(request).await
    }

    /// `GET /contacts/{id}`.
    pub async fn get(&self, contact_id: &ContactId) -> Result<Contact, Error> {
        self.client
            .transport()
            .send(ApiRequest::get(&["contacts", contact_id.as_str()]))
            .await
    }

    /// `GET /contacts/find_by_external_id/{external_id}`: the user with this external id, or `None`.
    ///
    /// Not backed by the search index, so it sees contacts created a moment ago (users only).
    pub async fn find_by_external_id(&self, external_id: &str) -> Result<Option<Contact>, Error> {
        let request = ApiRequest::get(&["contacts", "find_by_external_id", external_id]);
        match self.client.transport().send(request).await {
            Ok(contact) => Ok(Some(contact)),
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// `POST /contacts/search`: every matching contact, page by page.
    ///
    /// The index lags writes by minutes; do not use it to check whether a create went through.
    pub fn search(&self, query: SearchQuery, options: ContactSearchOptions) -> ItemStream<Contact> {
        items(self.search_pages(query, options, None))
    }

    /// `POST /contacts/search` as whole pages, starting after `from` (a
    /// [`Page::next_cursor`](crate::Page::next_cursor) saved earlier) or at the beginning.
    pub fn search_pages(
        &self,
        query: SearchQuery,
        options: ContactSearchOptions,
        from: Option<Cursor>,
    ) -> PageStream<Contact> {
        let client = self.client.clone();
        paginate(from, move |cursor: Option<Cursor>| {
            let client = client.clone();
            let query = query.clone();
            let options = options.clone();
            async move {
                let body =
                    SearchBody::page(&query, options.per_page, cursor, options.sort.as_ref());
                let request = ApiRequest::post(&["contacts", "search"])
                    .idempotent()
                    .json(&body)?;
                let page: DataList<Contact> = client.transport().send(request).await?;
                Ok(page.into_cursor_page())
            }
        })
    }

    /// `GET /contacts`: every contact, following `starting_after` cursors.
    pub fn list(&self, per_page: Option<u32>) -> ItemStream<Contact> {
        items(self.list_pages(per_page, None))
    }

    /// `GET /contacts` as whole pages, starting after `from` (a
    /// [`Page::next_cursor`](crate::Page::next_cursor) saved earlier) or at the beginning.
    pub fn list_pages(&self, per_page: Option<u32>, from: Option<Cursor>) -> PageStream<Contact> {
        let client = self.client.clone();
        paginate(from, move |cursor: Option<Cursor>| {
            let client = client.clone();
            async move {
                let request = ApiRequest::get(&["contacts"])
                    .query_opt("per_page", per_page)
                    .query_opt("starting_after", cursor);
                let page: DataList<Contact> = client.transport().send(request).await?;
                Ok(page.into_cursor_page())
            }
        })
    }

    /// `DELETE /contacts/{id}`.
    pub async fn delete(&self, contact_id: &ContactId) -> Result<ContactDeleted, Error> {
        self.client
            .transport()
            .send(ApiRequest::delete(&["contacts", contact_id.as_str()]))
            .await
    }

    /// `POST /contacts/{id}/archive`.
    pub async fn archive(&self, contact_id: &ContactId) -> Result<ContactArchived, Error> {
        let request = ApiRequest::post(&["contacts", contact_id.as_str(), "archive"]).idempotent();
        self.client.transport().send(request).await
    }

    /// `POST /contacts/{id}/unarchive`.
    pub async fn unarchive(&self, contact_id: &ContactId) -> Result<ContactArchived, Error> {
        let request =
            ApiRequest::post(&["contacts", contact_id.as_str(), "unarchive"]).idempotent();
        self.client.transport().send(request).await
    }

    /// `POST /contacts/{id}/companies`: attaches the contact to a company (Intercom's company id).
    ///
    /// A company stays invisible in Intercom until at least one contact is attached.
    pub async fn attach_company(
        &self,
        contact_id: &ContactId,
        company_id: &CompanyId,
    ) -> Result<Company, Error> {
        let request = ApiRequest::post(&["contacts", contact_id.as_str(), "companies"])
            .idempotent()
            .json(&serde_json::json!({ "id": company_id }))?;
        self.client.transport().send(request).await
    }

    /// `DELETE /contacts/{id}/companies/{company_id}`: detaches the contact from a company.
    pub async fn detach_company(
        &self,
        contact_id: &ContactId,
        company_id: &CompanyId,
    ) -> Result<Company, Error> {
        let path = [
            "contacts",
            contact_id.as_str(),
            "companies",
            company_id.as_str(),
        ];
        let request = ApiRequest::delete(&path);
        self.client.transport().send(request).await
    }
}
