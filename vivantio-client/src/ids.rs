//! Identifiers, one type per kind of Vivantio record.
//!
//! Vivantio numbers every record with an integer, and the same number means different things in
//! different tables: a [`CallerId`] cannot be passed where a [`TicketId`] belongs. Ids are read
//! from a JSON number or from a string of digits (a .NET service sends both) and written as
//! numbers. Converting a raw number is explicit: `TicketId::new(42)`, `TicketId::from(42)`,
//! `"42".parse::<TicketId>()`; `i64::from(id)` or [`TicketId::get`] gives it back.

use std::fmt;
use std::hash::Hash;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::de::LenientI64;
use crate::query::{Ordered, QueryValue};

/// What every record id type of this module is; the bound of
/// [`Selectable::Id`](crate::paging::Selectable::Id).
pub trait RecordId:
    Copy
    + Eq
    + Ord
    + Hash
    + fmt::Debug
    + fmt::Display
    + From<i64>
    + Into<i64>
    + Serialize
    + DeserializeOwned
    + Send
    + Sync
    + 'static
{
}

/// Generates an integer id newtype with lenient decoding, integer encoding and query support.
macro_rules! vivantio_id {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(i64);

        impl $name {
            /// Wraps a raw id.
            pub const fn new(id: i64) -> Self {
                $name(id)
            }

            /// The raw id.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.trim().parse().map($name)
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                $name(id)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl From<$name> for QueryValue {
            fn from(id: $name) -> Self {
                QueryValue::Integer(id.0)
            }
        }

        impl Ordered for $name {}

        impl RecordId for $name {}

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                LenientI64::deserialize(deserializer).map(|id| $name(id.0))
            }
        }
    )+};
}

vivantio_id! {
    /// A ticket (`Ticket/*`).
    TicketId;
    /// A caller: an end user who raises tickets (`Caller/*`).
    CallerId;
    /// An organisation, which Vivantio calls a client (`Client/*`, `ClientId` fields).
    OrganisationId;
    /// A location of an organisation (`Location/*`).
    LocationId;
    /// A knowledge-base article (`Article/*`).
    ArticleId;
    /// A record type: a ticket type, or the type of organisations, callers, articles, ...
    RecordTypeId;
    /// A status of a record type.
    StatusId;
    /// A priority of a record type.
    PriorityId;
    /// A category of a record type.
    CategoryId;
    /// An agent (Vivantio user).
    UserId;
    /// A group of agents.
    GroupId;
    /// An SLA stage target of a priority.
    SlaStageTargetId;
    /// An SLA stage instance of one ticket.
    SlaStageInstanceId;
    /// A legacy extension field definition.
    ExtensionFieldId;
    /// A custom form definition (`CustomEntityDefinition`).
    CustomFormId;
    /// A field of a custom form definition.
    CustomFieldId;
    /// A custom form instance attached to a record.
    CustomFormInstanceId;
    /// An entry of a ticket's history (`TicketAction`).
    ActionId;
    /// An attachment (downloads go by its GUID, not this id).
    AttachmentId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_numbers_and_digit_strings_and_write_numbers() {
        let ids: Vec<TicketId> = serde_json::from_str(r#"[9799, "12", " 7 ", 3.0]"#).unwrap();
        assert_eq!(
            ids.iter().map(|id| id.get()).collect::<Vec<_>>(),
            [9799, 12, 7, 3]
        );
        assert_eq!(serde_json::to_string(&ids[1]).unwrap(), "12");
        assert!(serde_json::from_str::<CallerId>(r#""x""#).is_err());
    }

    #[test]
    fn ids_print_and_parse_as_their_number() {
        let id: CallerId = "42".parse().unwrap();
        assert_eq!(
            (id.to_string(), format!("{id:?}")),
            ("42".into(), "CallerId(42)".into())
        );
        assert_eq!(i64::from(id), 42);
        assert_eq!(CallerId::from(42), id);
    }
}
