//! Teams: `/teams`. Read-only.
//!
//! Teams cannot be created, updated or deleted through the API: build them in the Intercom UI
//! and map onto their ids.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ids::{AdminId, TeamId};
use crate::serde_helpers::null_as_default;
use crate::transport::ApiRequest;
use crate::Client;

/// A team (`team` schema).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Team {
    /// Always `team`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Intercom's id.
    pub id: TeamId,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Members (integers in the description).
    #[serde(default, deserialize_with = "null_as_default")]
    pub admin_ids: Vec<AdminId>,
    /// Maximum open conversations per member, if set.
    #[serde(default)]
    pub assignment_limit: Option<i64>,
    /// How conversations are distributed.
    #[serde(default)]
    pub distribution_method: Option<String>,
}

#[derive(Deserialize)]
struct TeamList {
    #[serde(default, deserialize_with = "null_as_default")]
    teams: Vec<Team>,
}

/// Team operations; get one with [`Client::teams`].
#[derive(Debug, Clone, Copy)]
pub struct Teams<'a> {
    client: &'a Client,
}

impl<'a> Teams<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Teams { client }
    }

    /// `GET /teams`: every team (unpaginated).
    pub async fn list(&self) -> Result<Vec<Team>, Error> {
        let list: TeamList = self
            .client
            .transport()
            .send(ApiRequest::get(&["teams"]))
            .await?;
        Ok(list.teams)
    }

    /// `GET /teams/{id}`.
    pub async fn get(&self, team_id: &TeamId) -> Result<Team, Error> {
        self.client
            .transport()
            .send(ApiRequest::get(&["teams", team_id.as_str()]))
            .await
    }
}
