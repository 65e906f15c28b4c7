//! Admins (teammates): `/admins`, `/me`. Read-only.
//!
//! Admins cannot be created, updated or deleted through the API: teammates are invited in the
//! Intercom UI. A migration maps its agents onto existing admins (by email) and needs a fallback
//! admin for authors who no longer exist.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ids::{AdminId, Id, TeamId};
use crate::serde_helpers::null_as_default;
use crate::timestamp::Timestamp;
use crate::transport::ApiRequest;
use crate::Client;

/// A teammate (`admin` schema).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Admin {
    /// Always `admin`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Intercom's id.
    pub id: AdminId,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Job title.
    #[serde(default)]
    pub job_title: Option<String>,
    /// Whether the admin is away.
    #[serde(default)]
    pub away_mode_enabled: Option<bool>,
    /// Whether replies are reassigned while away.
    #[serde(default)]
    pub away_mode_reassign: Option<bool>,
    /// Why the admin is away.
    #[serde(default)]
    pub away_status_reason_id: Option<Id>,
    /// Whether the admin has a paid inbox seat.
    #[serde(default)]
    pub has_inbox_seat: Option<bool>,
    /// Teams the admin belongs to.
    #[serde(default, deserialize_with = "null_as_default")]
    pub team_ids: Vec<TeamId>,
    /// Avatar URL (the description says a string; `/me` sends an object, kept as JSON).
    #[serde(default)]
    pub avatar: Option<serde_json::Value>,
    /// The admin's role.
    #[serde(default)]
    pub role: Option<AdminRole>,
}

/// An admin's role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AdminRole {
    /// Always `role`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Role id.
    #[serde(default)]
    pub id: Option<Id>,
    /// Role name.
    #[serde(default)]
    pub name: Option<String>,
}

/// The admin owning the access token, with its workspace (`admin_with_app`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Me {
    /// The admin.
    #[serde(flatten)]
    pub admin: Admin,
    /// Whether the admin's email is verified.
    #[serde(default)]
    pub email_verified: Option<bool>,
    /// The workspace.
    #[serde(default)]
    pub app: Option<App>,
}

/// A workspace (`app` schema).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct App {
    /// Workspace id.
    #[serde(default)]
    pub id_code: Option<String>,
    /// Workspace name.
    #[serde(default)]
    pub name: Option<String>,
    /// Data-hosting region.
    #[serde(default)]
    pub region: Option<String>,
    /// Time zone (search dates are matched by day in this zone).
    #[serde(default)]
    pub timezone: Option<String>,
    /// Creation time (Unix seconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Whether identity verification is on.
    #[serde(default)]
    pub identity_verification: Option<bool>,
}

#[derive(Deserialize)]
struct AdminList {
    #[serde(default, deserialize_with = "null_as_default")]
    admins: Vec<Admin>,
}

/// Admin operations; get one with [`Client::admins`].
#[derive(Debug, Clone, Copy)]
pub struct Admins<'a> {
    client: &'a Client,
}

impl<'a> Admins<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Admins { client }
    }

    /// `GET /admins`: every teammate (unpaginated).
    pub async fn list(&self) -> Result<Vec<Admin>, Error> {
        let list: AdminList = self
            .client
            .transport()
            .send(ApiRequest::get(&["admins"]))
            .await?;
        Ok(list.admins)
    }

    /// `GET /admins/{id}`.
    pub async fn get(&self, admin_id: &AdminId) -> Result<Admin, Error> {
        self.client
            .transport()
            .send(ApiRequest::get(&["admins", admin_id.as_str()]))
            .await
    }

    /// `GET /me`: the admin owning the token, with its workspace.
    pub async fn me(&self) -> Result<Me, Error> {
        self.client.transport().send(ApiRequest::get(&["me"])).await
    }
}
