//! Vivantio *callers*: the end users who raise tickets (C-off DTO; `FirstName`, `LastName`,
//! `LocationName` C-com from the OData model).

use serde::{Deserialize, Serialize};

use crate::ids::{CallerId, LocationId, OrganisationId, RecordTypeId};

use crate::dates::VivantioDate;
use crate::endpoints as ep;
use crate::paging::Selectable;
use crate::records::RecordsApi;

/// An end user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Caller {
    /// Caller id.
    pub id: CallerId,
    /// Full name.
    pub name: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Windows login name.
    pub domain_login_name: Option<String>,
    /// Organisation.
    pub client_id: Option<OrganisationId>,
    /// Location.
    pub location_id: Option<LocationId>,
    /// Location name.
    pub location_name: Option<String>,
    /// Whether the caller may log in to the self-service portal.
    pub self_service_login_enabled: Option<bool>,
    /// Notes.
    pub notes: Option<String>,
    /// Key in an external system.
    pub external_key: Option<String>,
    /// Name of that external system.
    pub external_source: Option<String>,
    /// Record type.
    pub record_type_id: Option<RecordTypeId>,
    /// Whether it is deleted.
    pub deleted: Option<bool>,
    /// Created.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub create_date: Option<VivantioDate>,
    /// Last changed.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub update_date: Option<VivantioDate>,
}

impl Selectable for Caller {
    const SELECT: ep::Endpoint = ep::CALLER_SELECT;
    const SELECT_BY_ID: ep::Endpoint = ep::CALLER_SELECT_BY_ID;
    const SELECT_LIST: ep::Endpoint = ep::CALLER_SELECT_LIST;
    type Id = CallerId;

    fn id(&self) -> CallerId {
        self.id
    }
}

/// The `Caller/*` actions; get one from [`Client::callers`](crate::Client::callers).
pub type CallersApi<'a> = RecordsApi<'a, Caller>;
