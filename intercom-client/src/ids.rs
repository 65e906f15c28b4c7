//! Identifiers, one type per kind of Intercom object.
//!
//! A [`ContactId`] cannot be passed where a [`ConversationId`] belongs: the compiler says so.
//! Every type keeps the exact text it was given (so `"007"` stays `"007"`), because the 2.16
//! description is inconsistent about ids: an admin id is a string in `admin.id` but an integer
//! in `team.admin_ids`, `article.author_id` and the `admin_id` of `PUT /tickets/{id}`. Every id
//! therefore accepts both JSON forms and serializes as a string unless a field opts into
//! [`as_integer`].
//!
//! [`Id`] is the untyped form, for references whose kind is only known at run time (a part's
//! author, a delete answer, a linked object). Converting between it and a typed id is explicit
//! (`ContactId::from(id)`, `Id::from(contact_id)`), and so is naming a raw string as an id of
//! some kind (`ContactId::from("6762f11b1bb69f9f2193bba3")`, or `.parse()`).

use std::fmt;

use serde::de::{self, Visitor};

/// Generates an identifier newtype with string-or-integer decoding and string encoding.
macro_rules! intercom_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(String);

        impl $name {
            /// Wraps an identifier.
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The identifier as an integer, when it is one (several request fields must be
            /// sent as integers).
            pub fn as_integer(&self) -> Option<u64> {
                self.0.parse().ok()
            }

            /// Consumes the id and returns its text.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({:?})"), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // Hash, Eq and Ord all follow the inner `String`, so lookups by `&str` agree with them.
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok($name(text.to_owned()))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(value.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                $name(value)
            }
        }

        impl From<&String> for $name {
            fn from(value: &String) -> Self {
                $name(value.clone())
            }
        }

        impl From<&$name> for $name {
            fn from(value: &$name) -> Self {
                value.clone()
            }
        }

        impl From<u64> for $name {
            fn from(value: u64) -> Self {
                $name(value.to_string())
            }
        }

        impl From<i64> for $name {
            fn from(value: i64) -> Self {
                $name(value.to_string())
            }
        }

        impl From<u32> for $name {
            fn from(value: u32) -> Self {
                $name(value.to_string())
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(IdText).map($name)
            }
        }
    };
    // A typed id also converts to and from the untyped [`Id`], explicitly.
    ($(#[$doc:meta])* $name:ident, typed) => {
        intercom_id!($(#[$doc])* $name);

        impl From<Id> for $name {
            fn from(value: Id) -> Self {
                $name(value.0)
            }
        }

        impl From<$name> for Id {
            fn from(value: $name) -> Self {
                Id(value.0)
            }
        }

        impl From<&$name> for Id {
            fn from(value: &$name) -> Self {
                Id(value.0.clone())
            }
        }
    };
}

intercom_id!(
    /// An identifier whose kind is known only at run time: a part's author (admin, contact,
    /// bot, team), a linked object (ticket or conversation), a delete answer, a brand, an audience.
    Id
);
intercom_id!(
    /// A contact (user or lead): `contact.id`, never your `external_id`.
    ContactId, typed
);
intercom_id!(
    /// A company, as Intercom numbers it (not your `company_id`).
    CompanyId, typed
);
intercom_id!(
    /// An admin (teammate); some fields send it as an integer.
    AdminId, typed
);
intercom_id!(
    /// A team.
    TeamId, typed
);
intercom_id!(
    /// A tag.
    TagId, typed
);
intercom_id!(
    /// A conversation (`last` also names a contact's latest conversation in replies).
    ConversationId, typed
);
intercom_id!(
    /// A message: the answer to creating a conversation, not the conversation itself.
    MessageId, typed
);
intercom_id!(
    /// A part of a conversation or ticket (reply, note, state change, ...).
    PartId, typed
);
intercom_id!(
    /// A ticket's API id (`ticket.id`), not the inbox number in `ticket.ticket_id`.
    TicketId, typed
);
intercom_id!(
    /// A ticket type.
    TicketTypeId, typed
);
intercom_id!(
    /// An attribute of a ticket type.
    TicketTypeAttributeId, typed
);
intercom_id!(
    /// A ticket state (`ticket_state_id`).
    TicketStateId, typed
);
intercom_id!(
    /// A contact or company data attribute.
    DataAttributeId, typed
);
intercom_id!(
    /// A conversation attribute (the 2.16 API).
    ConversationAttributeId, typed
);
intercom_id!(
    /// An option of a list conversation attribute (a UUID).
    AttributeOptionId, typed
);
intercom_id!(
    /// A Help Center site.
    HelpCenterId, typed
);
intercom_id!(
    /// A Help Center collection.
    CollectionId, typed
);
intercom_id!(
    /// A Help Center article.
    ArticleId, typed
);

/// Reads an id as its text, whether it arrived as a JSON string or an integer.
struct IdText;

impl Visitor<'_> for IdText {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an identifier as a string or an integer")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        // serde_json only hands out f64 for non-integral or huge numbers; refusing them keeps ids exact.
        if v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
            Ok(format!("{v:.0}"))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
}

/// Serializes an id as a JSON integer, for request fields the description types as integers.
///
/// Use with `#[serde(serialize_with = "ids::as_integer::option")]`; any id type of this module
/// fits. A non-numeric id is a serialization error, which the client reports as
/// [`Error::InvalidRequest`](crate::Error::InvalidRequest) before anything is sent.
pub mod as_integer {
    use serde::Serializer;

    fn integer<E: serde::ser::Error>(id: &str) -> Result<u64, E> {
        id.parse()
            .map_err(|_| E::custom(format!("id {id:?} must be numeric for this field")))
    }

    /// Serializes a required id as an integer.
    pub fn required<S: Serializer, I: AsRef<str>>(
        id: &I,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(integer::<S::Error>(id.as_ref())?)
    }

    /// Serializes an optional id as an integer (callers skip `None` with `skip_serializing_if`).
    pub fn option<S: Serializer, I: AsRef<str>>(
        id: &Option<I>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match id {
            Some(id) => required(id, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Serializes a list of ids as integers.
    pub fn list<S: Serializer, I: AsRef<str>>(
        ids: &Option<Vec<I>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        match ids {
            None => serializer.serialize_none(),
            Some(ids) => {
                let mut seq = serializer.serialize_seq(Some(ids.len()))?;
                for id in ids {
                    seq.serialize_element(&integer::<S::Error>(id.as_ref())?)?;
                }
                seq.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[test]
    fn accepts_strings_and_integers_without_loss() {
        let ids: Vec<ContactId> =
            serde_json::from_str(r#"["007", 991267696, 18446744073709551615]"#).unwrap();
        assert_eq!(ids[0].as_str(), "007");
        assert_eq!(ids[1].as_str(), "991267696");
        assert_eq!(ids[2].as_str(), "18446744073709551615");
    }

    #[test]
    fn rejects_fractional_numbers() {
        assert!(serde_json::from_str::<AdminId>("1.5").is_err());
    }

    #[test]
    fn serializes_as_string_or_integer_on_request() {
        #[derive(Serialize)]
        struct Body {
            plain: TeamId,
            #[serde(serialize_with = "as_integer::required")]
            numeric: AdminId,
        }
        let body = Body {
            plain: TeamId::from(12u64),
            numeric: AdminId::from("34"),
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"plain": "12", "numeric": 34})
        );
        let bad = Body {
            plain: TeamId::from("a"),
            numeric: AdminId::from("abc"),
        };
        assert!(serde_json::to_value(&bad).is_err());
    }

    #[test]
    fn typed_ids_convert_explicitly_and_look_up_by_text() {
        let contact = ContactId::from("c1");
        let untyped = Id::from(contact.clone());
        assert_eq!(ContactId::from(untyped), contact);
        assert_eq!("c1".parse::<ContactId>().unwrap(), contact);
        assert_eq!(format!("{contact} {contact:?}"), "c1 ContactId(\"c1\")");
        let known: std::collections::HashSet<ContactId> = [contact].into_iter().collect();
        assert!(known.contains("c1"));
    }
}
