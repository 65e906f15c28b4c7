//! Contact and company data attributes (custom fields): `/data_attributes`.
//!
//! Data attributes cannot be deleted through the API, only archived ([`DataAttributes::archive`]).
//! Their data type cannot be changed after creation. Conversation attributes have their own API
//! in 2.16: see [`crate::conversation_attributes`].

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ids::{AdminId, DataAttributeId};
use crate::pagination::DataList;
use crate::serde_helpers::null_as_default;
use crate::timestamp::Timestamp;
use crate::transport::ApiRequest;
use crate::Client;

/// Which object a data attribute belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataAttributeModel {
    /// Contacts.
    Contact,
    /// Companies.
    Company,
}

impl DataAttributeModel {
    fn as_str(self) -> &'static str {
        match self {
            DataAttributeModel::Contact => "contact",
            DataAttributeModel::Company => "company",
        }
    }
}

/// The value type of a new data attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataAttributeType {
    /// Text.
    String,
    /// Whole number.
    Integer,
    /// Decimal number.
    Float,
    /// True / false.
    Boolean,
    /// Date and time.
    Datetime,
    /// Date.
    Date,
    /// A list of options (needs at least two, see [`CreateDataAttributeRequest::options`]).
    Options,
}

/// One option of a list attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataAttributeOption {
    /// The option's text.
    pub value: String,
}

/// Body of `POST /data_attributes` (`create_data_attribute_request`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateDataAttributeRequest {
    /// Name (alphanumerics, currency symbols and hyphens; unique across contact and company models).
    pub name: String,
    /// Contact or company.
    pub model: DataAttributeModel,
    /// Value type.
    pub data_type: DataAttributeType,
    /// The options, for `data_type: options` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<DataAttributeOption>>,
    /// Description shown in the UI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the Messenger may update it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messenger_writable: Option<bool>,
}

impl CreateDataAttributeRequest {
    /// An attribute of a scalar type.
    pub fn new(
        name: impl Into<String>,
        model: DataAttributeModel,
        data_type: DataAttributeType,
    ) -> Self {
        CreateDataAttributeRequest {
            name: name.into(),
            model,
            data_type,
            options: None,
            description: None,
            messenger_writable: None,
        }
    }

    /// A list attribute with these options (at least two).
    pub fn options<S: Into<String>>(
        name: impl Into<String>,
        model: DataAttributeModel,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        let options = values
            .into_iter()
            .map(|value| DataAttributeOption {
                value: value.into(),
            })
            .collect();
        CreateDataAttributeRequest {
            options: Some(options),
            ..Self::new(name, model, DataAttributeType::Options)
        }
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    fn check(&self) -> Result<(), Error> {
        let option_count = self.options.as_ref().map_or(0, Vec::len);
        match self.data_type {
            DataAttributeType::Options if option_count < 2 => Err(Error::InvalidRequest(
                "a list data attribute needs at least two options".into(),
            )),
            DataAttributeType::Options => Ok(()),
            _ if self.options.is_some() => Err(Error::InvalidRequest(
                "only data_type options takes options".into(),
            )),
            _ => Ok(()),
        }
    }
}

/// Body of `PUT /data_attributes/{id}` (`update_data_attribute_request`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateDataAttributeRequest {
    /// Archive (true) or restore (false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
    /// Description shown in the UI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the Messenger may update it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messenger_writable: Option<bool>,
    /// The full new list of options (list attributes only, at least two).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<DataAttributeOption>>,
}

/// A data attribute (`data_attribute` schema).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DataAttribute {
    /// Always `data_attribute`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Intercom's id (an integer; absent for some built-in attributes).
    #[serde(default)]
    pub id: Option<DataAttributeId>,
    /// `contact` or `company`.
    #[serde(default)]
    pub model: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Full name, e.g. `custom_attributes.vivantio_id`.
    #[serde(default)]
    pub full_name: Option<String>,
    /// Label shown in the UI.
    #[serde(default)]
    pub label: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Value type (`string`, `integer`, `float`, `boolean`, `date`, `datetime`, ...).
    #[serde(default)]
    pub data_type: Option<String>,
    /// Options of a list attribute.
    #[serde(default, deserialize_with = "null_as_default")]
    pub options: Vec<String>,
    /// Whether the API may write it.
    #[serde(default)]
    pub api_writable: Option<bool>,
    /// Whether the Messenger may write it.
    #[serde(default)]
    pub messenger_writable: Option<bool>,
    /// Whether the UI may write it.
    #[serde(default)]
    pub ui_writable: Option<bool>,
    /// Whether it is a custom (not built-in) attribute.
    #[serde(default)]
    pub custom: Option<bool>,
    /// Whether it is archived.
    #[serde(default)]
    pub archived: Option<bool>,
    /// Creation time (Unix seconds).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// The admin who created it.
    #[serde(default)]
    pub admin_id: Option<AdminId>,
}

/// Data attribute operations; get one with [`Client::data_attributes`].
#[derive(Debug, Clone, Copy)]
pub struct DataAttributes<'a> {
    client: &'a Client,
}

impl<'a> DataAttributes<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        DataAttributes { client }
    }

    /// `GET /data_attributes`: the attributes of one model (or all), optionally with archived ones.
    pub async fn list(
        &self,
        model: Option<DataAttributeModel>,
        include_archived: bool,
    ) -> Result<Vec<DataAttribute>, Error> {
        let request = ApiRequest::get(&["data_attributes"])
            .query_opt("model", model.map(DataAttributeModel::as_str))
            .query("include_archived", include_archived);
        let list: DataList<DataAttribute> = self.client.transport().send(request).await?;
        Ok(list.data)
    }

    /// `POST /data_attributes`. A duplicate name is a 400 `parameter_invalid`, not a duplicate.
    pub async fn create(
        &self,
        request: &CreateDataAttributeRequest,
    ) -> Result<DataAttribute, Error> {
        request.check()?;
        let request = ApiRequest::post(&["data_attributes"]).json(request)?;
        self.client.transport().send(request).await
    }

    /// `PUT /data_attributes/{id}`.
    pub async fn update(
        &self,
        id: &DataAttributeId,
        request: &UpdateDataAttributeRequest,
    ) -> Result<DataAttribute, Error> {
        let request = ApiRequest::put(&["data_attributes", id.as_str()]).json(request)?;
        self.client.transport().send(request).await
    }

    /// Archives an attribute (the API offers no delete); 422 `data_invalid` if something depends on it.
    pub async fn archive(&self, id: &DataAttributeId) -> Result<DataAttribute, Error> {
        let request = UpdateDataAttributeRequest {
            archived: Some(true),
            ..UpdateDataAttributeRequest::default()
        };
        self.update(id, &request).await
    }
}
