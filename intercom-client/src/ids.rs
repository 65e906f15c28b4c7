//! Identifiers that Intercom types as strings in some places and as integers in others.
//!
//! The 2.16 description is inconsistent: an admin id is a string in `admin.id` but an integer in
//! `team.admin_ids`, `article.author_id` and the `admin_id` of `PUT /tickets/{id}`. [`Id`] keeps the
//! exact text it was given (so `"007"` stays `"007"`), accepts both JSON forms, and serializes as a
//! string unless a field opts into [`as_integer`].

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An Intercom identifier, kept verbatim whether it arrived as a JSON string or an integer.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Id(String);

impl Id {
    /// Wraps an identifier.
    pub fn new(id: impl Into<String>) -> Self {
        Id(id.into())
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The identifier as an integer, when it is one (several request fields must be sent as integers).
    pub fn as_integer(&self) -> Option<u64> {
        self.0.parse().ok()
    }

    /// Consumes the id and returns its text.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({:?})", self.0)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Id {
    fn from(value: &str) -> Self {
        Id(value.to_owned())
    }
}

impl From<String> for Id {
    fn from(value: String) -> Self {
        Id(value)
    }
}

impl From<&String> for Id {
    fn from(value: &String) -> Self {
        Id(value.clone())
    }
}

impl From<&Id> for Id {
    fn from(value: &Id) -> Self {
        value.clone()
    }
}

impl From<u64> for Id {
    fn from(value: u64) -> Self {
        Id(value.to_string())
    }
}

impl From<i64> for Id {
    fn from(value: i64) -> Self {
        Id(value.to_string())
    }
}

impl From<u32> for Id {
    fn from(value: u32) -> Self {
        Id(value.to_string())
    }
}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IdVisitor)
    }
}

struct IdVisitor;

impl Visitor<'_> for IdVisitor {
    type Value = Id;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an identifier as a string or an integer")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
        Ok(Id(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Id, E> {
        Ok(Id(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
        Ok(Id(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
        Ok(Id(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Id, E> {
        // serde_json only hands out f64 for non-integral or huge numbers; refusing them keeps ids exact.
        if v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
            Ok(Id(format!("{v:.0}")))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
}

/// Serializes an [`Id`] as a JSON integer, for request fields the description types as integers.
///
/// Use with `#[serde(serialize_with = "ids::as_integer::option")]`. A non-numeric id is a
/// serialization error, which the client reports as [`Error::InvalidRequest`](crate::Error::InvalidRequest)
/// before anything is sent.
pub mod as_integer {
    use super::Id;
    use serde::ser::Error as _;
    use serde::Serializer;

    /// Serializes a required id as an integer.
    pub fn required<S: Serializer>(id: &Id, serializer: S) -> Result<S::Ok, S::Error> {
        match id.as_integer() {
            Some(n) => serializer.serialize_u64(n),
            None => Err(S::Error::custom(format!(
                "id {:?} must be numeric for this field",
                id.as_str()
            ))),
        }
    }

    /// Serializes an optional id as an integer (callers skip `None` with `skip_serializing_if`).
    pub fn option<S: Serializer>(id: &Option<Id>, serializer: S) -> Result<S::Ok, S::Error> {
        match id {
            Some(id) => required(id, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Serializes a list of ids as integers.
    pub fn list<S: Serializer>(ids: &Option<Vec<Id>>, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        match ids {
            None => serializer.serialize_none(),
            Some(ids) => {
                let mut seq = serializer.serialize_seq(Some(ids.len()))?;
                for id in ids {
                    let n = id.as_integer().ok_or_else(|| {
                        S::Error::custom(format!("id {:?} must be numeric", id.as_str()))
                    })?;
                    seq.serialize_element(&n)?;
                }
                seq.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_strings_and_integers_without_loss() {
        let ids: Vec<Id> =
            serde_json::from_str(r#"["007", 991267696, 18446744073709551615]"#).unwrap();
        assert_eq!(ids[0].as_str(), "007");
        assert_eq!(ids[1].as_str(), "991267696");
        assert_eq!(ids[2].as_str(), "18446744073709551615");
    }

    #[test]
    fn rejects_fractional_numbers() {
        assert!(serde_json::from_str::<Id>("1.5").is_err());
    }

    #[test]
    fn serializes_as_string_or_integer_on_request() {
        #[derive(Serialize)]
        struct Body {
            plain: Id,
            #[serde(serialize_with = "as_integer::required")]
            numeric: Id,
        }
        let body = Body {
            plain: Id::from(12u64),
            numeric: Id::from("34"),
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"plain": "12", "numeric": 34})
        );
        let bad = Body {
            plain: Id::from("a"),
            numeric: Id::from("abc"),
        };
        assert!(serde_json::to_value(&bad).is_err());
    }
}
