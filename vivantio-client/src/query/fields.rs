//! Field names known per record type (C-off/C-com unless marked), typed by their values.

/// Ticket query fields.
pub mod ticket {
    use crate::enums::StatusType;
    use crate::ids::{CategoryId, OrganisationId, PriorityId, RecordTypeId, StatusId, TicketId};
    use crate::query::Field;
    use chrono::NaiveDateTime;

    /// `Id` (queryable: INF; the windowed pager relies on it).
    pub const ID: Field<TicketId> = Field::new("Id");
    /// `RecordTypeId` (ticket type).
    pub const RECORD_TYPE_ID: Field<RecordTypeId> = Field::new("RecordTypeId");
    /// `StatusType`.
    pub const STATUS_TYPE: Field<StatusType> = Field::new("StatusType");
    /// `StatusId`.
    pub const STATUS_ID: Field<StatusId> = Field::new("StatusId");
    /// `PriorityId`.
    pub const PRIORITY_ID: Field<PriorityId> = Field::new("PriorityId");
    /// `CategoryId`.
    pub const CATEGORY_ID: Field<CategoryId> = Field::new("CategoryId");
    /// `ClientId`.
    pub const CLIENT_ID: Field<OrganisationId> = Field::new("ClientId");
    /// `IsDeferred`.
    pub const IS_DEFERRED: Field<bool> = Field::new("IsDeferred");
    /// `Deleted`.
    pub const DELETED: Field<bool> = Field::new("Deleted");
    /// `OpenDate` (tenant-local naive time).
    pub const OPEN_DATE: Field<NaiveDateTime> = Field::new("OpenDate");
    /// `CloseDate` (tenant-local naive time).
    pub const CLOSE_DATE: Field<NaiveDateTime> = Field::new("CloseDate");
    /// `LastModifiedDate` (tenant-local naive time).
    pub const LAST_MODIFIED_DATE: Field<NaiveDateTime> = Field::new("LastModifiedDate");
}

/// Client (organisation) query fields.
pub mod client {
    use crate::ids::{CategoryId, OrganisationId, RecordTypeId};
    use crate::query::Field;

    /// `Id` (INF).
    pub const ID: Field<OrganisationId> = Field::new("Id");
    /// `ExternalSource`.
    pub const EXTERNAL_SOURCE: Field<String> = Field::new("ExternalSource");
    /// `Deleted`.
    pub const DELETED: Field<bool> = Field::new("Deleted");
    /// `StatusName`.
    pub const STATUS_NAME: Field<String> = Field::new("StatusName");
    /// `CategoryId`.
    pub const CATEGORY_ID: Field<CategoryId> = Field::new("CategoryId");
    /// `RecordTypeId`.
    pub const RECORD_TYPE_ID: Field<RecordTypeId> = Field::new("RecordTypeId");
}

/// Caller (end user) query fields.
pub mod caller {
    use crate::ids::{CallerId, OrganisationId};
    use crate::query::Field;

    /// `Id` (INF).
    pub const ID: Field<CallerId> = Field::new("Id");
    /// `Email`.
    pub const EMAIL: Field<String> = Field::new("Email");
    /// `ClientId` (INF, DTO property).
    pub const CLIENT_ID: Field<OrganisationId> = Field::new("ClientId");
    /// `Deleted` (INF, DTO property).
    pub const DELETED: Field<bool> = Field::new("Deleted");
}

/// Location query fields.
pub mod location {
    use crate::ids::{LocationId, OrganisationId};
    use crate::query::Field;

    /// `Id` (INF).
    pub const ID: Field<LocationId> = Field::new("Id");
    /// `ClientId` (INF, DTO property).
    pub const CLIENT_ID: Field<OrganisationId> = Field::new("ClientId");
}

/// Knowledge-base article query fields (all INF).
pub mod article {
    use crate::ids::{ArticleId, CategoryId};
    use crate::query::Field;

    /// `Id`.
    pub const ID: Field<ArticleId> = Field::new("Id");
    /// `CategoryId`.
    pub const CATEGORY_ID: Field<CategoryId> = Field::new("CategoryId");
    /// `IsPublic`.
    pub const IS_PUBLIC: Field<bool> = Field::new("IsPublic");
}
