//! Vivantio *clients*: the organisations end users belong to (C-off DTO).

use serde::{Deserialize, Serialize};

use crate::ids::{OrganisationId, RecordTypeId};

use crate::dates::VivantioDate;
use crate::endpoints as ep;
use crate::paging::Selectable;
use crate::records::RecordsApi;

/// An organisation (a Vivantio "Client" record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Organisation {
    /// Client id.
    pub id: OrganisationId,
    /// Short reference (required by Vivantio on insert).
    pub reference: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Web site.
    pub web_site: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Email domain of its people ("example.com").
    pub email_suffix: Option<String>,
    /// Alert text shown to agents.
    pub alert: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Key in an external system.
    pub external_key: Option<String>,
    /// Name of that external system.
    pub external_source: Option<String>,
    /// Status name.
    pub status_name: Option<String>,
    /// Record type.
    pub record_type_id: Option<RecordTypeId>,
    /// Whether it is deleted.
    pub deleted: Option<bool>,
    /// Created.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub created_date: Option<VivantioDate>,
    /// Last changed.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub update_date: Option<VivantioDate>,
}

impl Selectable for Organisation {
    const SELECT: ep::Endpoint = ep::CLIENT_SELECT;
    const SELECT_BY_ID: ep::Endpoint = ep::CLIENT_SELECT_BY_ID;
    const SELECT_LIST: ep::Endpoint = ep::CLIENT_SELECT_LIST;
    type Id = OrganisationId;

    fn id(&self) -> OrganisationId {
        self.id
    }
}

/// The `Client/*` actions; get one from [`Client::clients`](crate::Client::clients).
pub type ClientsApi<'a> = RecordsApi<'a, Organisation>;
