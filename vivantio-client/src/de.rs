//! Lenient deserialisation helpers shared by the record types.
//!
//! Vivantio is a .NET service: lists may come back as `null`, and some ids come back as strings.
//! These helpers accept those forms so that one odd value does not fail a whole page.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

/// Reads `null` (or a missing field, with `#[serde(default)]`) as the type's default value.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// An integer that may arrive as a JSON number or as a string of digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LenientI64(pub i64);

impl<'de> Deserialize<'de> for LenientI64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LenientVisitor;

        impl Visitor<'_> for LenientVisitor {
            type Value = LenientI64;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string holding one")
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<LenientI64, E> {
                Ok(LenientI64(value))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<LenientI64, E> {
                i64::try_from(value)
                    .map(LenientI64)
                    .map_err(|_| E::custom(format!("integer {value} is out of range")))
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<LenientI64, E> {
                if value.fract() == 0.0 && value.abs() < 9.0e15 {
                    Ok(LenientI64(value as i64))
                } else {
                    Err(E::custom(format!("{value} is not a whole number")))
                }
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<LenientI64, E> {
                value
                    .trim()
                    .parse()
                    .map(LenientI64)
                    .map_err(|_| E::custom(format!("{value:?} is not an integer")))
            }
        }

        deserializer.deserialize_any(LenientVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Holder {
        #[serde(default, deserialize_with = "null_as_default")]
        list: Vec<i64>,
        #[serde(default)]
        ids: Vec<LenientI64>,
    }

    #[test]
    fn null_and_missing_lists_are_empty() {
        let held: Holder = serde_json::from_str(r#"{"list": null}"#).unwrap();
        assert!(held.list.is_empty());
        assert!(held.ids.is_empty());
    }

    #[test]
    fn ids_may_be_strings_or_numbers() {
        let held: Holder = serde_json::from_str(r#"{"ids": ["9799", 12, " 7 ", 3.0]}"#).unwrap();
        let ids: Vec<i64> = held.ids.iter().map(|id| id.0).collect();
        assert_eq!(ids, vec![9799, 12, 7, 3]);
        assert!(serde_json::from_str::<Holder>(r#"{"ids": ["x"]}"#).is_err());
    }
}
