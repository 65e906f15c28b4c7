//! Custom forms through the `Entity/*` actions (C-off): form definitions per record type, their
//! field definitions, the form instances attached to a record, and their simplified values.
//!
//! Record shapes beyond `Id`, `Name`, `Label`, `CustomEntityDefinitionId`, `ParentId` are the
//! project's (`docs/vivantio-wire.md`, INF).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::de::null_as_default;
use crate::endpoints as ep;
use crate::enums::{FieldType, SystemArea};
use crate::error::Error;
use crate::ids::{CustomFieldId, CustomFormId, CustomFormInstanceId, RecordTypeId};
use crate::transport::Request;
use crate::Client;

/// A custom form definition ("custom entity type").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CustomFormDefinition {
    /// Definition id (the `TypeId` of its instances).
    pub id: CustomFormId,
    /// Name.
    pub name: Option<String>,
    /// Record type it applies to.
    pub record_type_id: Option<RecordTypeId>,
    /// Its fields (INF: inline; PS's README spells the part `FieldDefinitions`).
    #[serde(
        default,
        alias = "FieldDefinitions",
        deserialize_with = "null_as_default"
    )]
    pub fields: Vec<FieldDefinition>,
}

/// A field of a custom form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FieldDefinition {
    /// Field id (`FieldValues[].FieldId` refers to it).
    pub id: CustomFieldId,
    /// Internal name (the key in simplified values).
    pub name: Option<String>,
    /// Label shown to users.
    pub label: Option<String>,
    /// Data type (name or code).
    pub field_type: Option<FieldType>,
    /// Whether a value is required.
    pub required: Option<bool>,
    /// Choices of a drop-down or multi-select field (PS's README spells them `FieldOptions`).
    #[serde(default, alias = "FieldOptions", deserialize_with = "null_as_default")]
    pub options: Vec<FieldOption>,
}

/// One choice of a list field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FieldOption {
    /// Option id.
    pub id: Option<i64>,
    /// Display value.
    pub value: Option<String>,
}

/// A filled-in custom form attached to a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CustomFormInstance {
    /// Instance id.
    pub id: CustomFormInstanceId,
    /// Its definition.
    pub custom_entity_definition_id: Option<CustomFormId>,
    /// The record it is attached to.
    pub parent_id: Option<i64>,
    /// The values by field id (INF).
    #[serde(default, deserialize_with = "null_as_default")]
    pub field_values: Vec<FieldValue>,
}

/// One value of a form instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FieldValue {
    /// The field definition id.
    pub field_id: CustomFieldId,
    /// The value as sent (text, number, flag, date text, list of option ids, or null).
    #[serde(default)]
    pub value: serde_json::Value,
}

/// A form instance with its values keyed by field name (shape INF).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SimplifiedFormInstance {
    /// Instance id.
    pub id: CustomFormInstanceId,
    /// Its definition.
    pub type_id: Option<CustomFormId>,
    /// The record it is attached to.
    pub parent_id: Option<i64>,
    /// Values by field name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub values: BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct IdBody {
    id: RecordTypeId,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ParentBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    type_id: Option<CustomFormId>,
    parent_id: i64,
    system_area: &'a SystemArea,
}

/// The `Entity/*` actions; get one from [`Client::custom_forms`].
#[derive(Debug, Clone, Copy)]
pub struct CustomFormsApi<'a> {
    client: &'a Client,
}

impl<'a> CustomFormsApi<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// The form definitions of a record type (body `{"Id": recordTypeId}`).
    pub async fn definitions(
        &self,
        record_type_id: RecordTypeId,
    ) -> Result<Vec<CustomFormDefinition>, Error> {
        let request = Request::json(&IdBody { id: record_type_id })?;
        self.client
            .results(ep::CUSTOM_FORM_DEFINITIONS_BY_RECORD_TYPE, request)
            .await
    }

    /// One form definition with its fields; `None` if there is none.
    pub async fn definition(
        &self,
        definition_id: CustomFormId,
    ) -> Result<Option<CustomFormDefinition>, Error> {
        self.client
            .item(
                ep::CUSTOM_FORM_DEFINITION_BY_ID,
                Request::with_id(definition_id.get()),
            )
            .await
    }

    /// One field definition; `None` if there is none.
    pub async fn field_definition(
        &self,
        field_id: CustomFieldId,
    ) -> Result<Option<FieldDefinition>, Error> {
        self.client
            .item(
                ep::CUSTOM_FIELD_DEFINITION_BY_ID,
                Request::with_id(field_id.get()),
            )
            .await
    }

    /// The ids of the form definitions that have instances on a record (Vivantio sends them as
    /// strings; they are parsed).
    pub async fn definition_ids_for(
        &self,
        parent_id: impl Into<i64>,
        area: SystemArea,
    ) -> Result<Vec<CustomFormId>, Error> {
        let request = Request::json(&ParentBody {
            type_id: None,
            parent_id: parent_id.into(),
            system_area: &area,
        })?;
        self.client
            .results(ep::CUSTOM_FORM_TYPE_IDS_BY_PARENT, request)
            .await
    }

    /// The form instances on a record; `definition_id: None` means every form (`TypeId: 0`).
    pub async fn instances(
        &self,
        definition_id: Option<CustomFormId>,
        parent_id: impl Into<i64>,
        area: SystemArea,
    ) -> Result<Vec<CustomFormInstance>, Error> {
        let request = parent_request(definition_id, parent_id.into(), &area)?;
        self.client
            .results(ep::CUSTOM_FORM_INSTANCES_BY_PARENT, request)
            .await
    }

    /// One form instance; `None` if there is none.
    pub async fn instance(
        &self,
        instance_id: CustomFormInstanceId,
    ) -> Result<Option<CustomFormInstance>, Error> {
        self.client
            .item(
                ep::CUSTOM_FORM_INSTANCE_BY_ID,
                Request::with_id(instance_id.get()),
            )
            .await
    }

    /// The form instances on a record with values keyed by field name.
    pub async fn simplified_instances(
        &self,
        definition_id: Option<CustomFormId>,
        parent_id: impl Into<i64>,
        area: SystemArea,
    ) -> Result<Vec<SimplifiedFormInstance>, Error> {
        let request = parent_request(definition_id, parent_id.into(), &area)?;
        self.client
            .results(ep::CUSTOM_FORM_SIMPLIFIED_BY_PARENT, request)
            .await
    }
}

fn parent_request(
    definition_id: Option<CustomFormId>,
    parent_id: i64,
    area: &SystemArea,
) -> Result<Request, Error> {
    Request::json(&ParentBody {
        type_id: Some(definition_id.unwrap_or_default()),
        parent_id,
        system_area: area,
    })
}
