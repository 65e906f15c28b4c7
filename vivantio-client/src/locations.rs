//! Vivantio *locations*: sites of an organisation (C-off DTO; `Location/Select…` INF).

use serde::{Deserialize, Serialize};

use crate::ids::{LocationId, OrganisationId};

use crate::endpoints as ep;
use crate::paging::Selectable;
use crate::records::RecordsApi;

/// A location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Location {
    /// Location id.
    pub id: LocationId,
    /// Name.
    pub name: Option<String>,
    /// Organisation.
    pub client_id: Option<OrganisationId>,
    /// Address line 1.
    pub address1: Option<String>,
    /// Address line 2.
    pub address2: Option<String>,
    /// Address line 3.
    pub address3: Option<String>,
    /// City.
    pub city: Option<String>,
    /// County or state.
    pub county: Option<String>,
    /// Post code.
    pub post_code: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Key in an external system.
    pub external_key: Option<String>,
    /// Name of that external system.
    pub external_source: Option<String>,
}

impl Selectable for Location {
    const SELECT: ep::Endpoint = ep::LOCATION_SELECT;
    const SELECT_BY_ID: ep::Endpoint = ep::LOCATION_SELECT_BY_ID;
    const SELECT_LIST: ep::Endpoint = ep::LOCATION_SELECT_LIST;
    type Id = LocationId;

    fn id(&self) -> LocationId {
        self.id
    }
}

/// The `Location/*` actions; get one from [`Client::locations`](crate::Client::locations).
pub type LocationsApi<'a> = RecordsApi<'a, Location>;
