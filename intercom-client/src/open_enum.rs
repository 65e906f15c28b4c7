//! Enums of wire values that Intercom may extend at any time.
//!
//! A new state or part type from the API must neither fail a decode nor be lost when the value
//! is written back, so every such enum ends in `Unknown(String)`: known values decode to their
//! variant by their exact wire spelling, anything else is kept verbatim and serialized back
//! verbatim.

/// Generates an enum with known wire spellings and an `Unknown(String)` fallback, with serde,
/// `Display`, `FromStr` and `as_str`.
macro_rules! open_enum {
    (
        $(#[$doc:meta])*
        pub enum $name:ident {
            $( $(#[$variant_doc:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$variant_doc])* $variant, )+
            /// A value this client version does not know, kept as Intercom spelt it.
            Unknown(String),
        }

        impl $name {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(other) => other,
                }
            }

            /// Whether this is a value the client knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $( $wire => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                match $name::from(text.as_str()) {
                    $name::Unknown(_) => $name::Unknown(text),
                    known => known,
                }
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                match value {
                    $name::Unknown(other) => other,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok($name::from(text))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <std::borrow::Cow<'de, str>>::deserialize(deserializer)
                    .map(|text| $name::from(text.into_owned()))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    open_enum! {
        /// A test enum.
        pub enum Weather {
            /// Sun.
            Sunny = "sunny",
            /// Rain.
            Rainy = "rain_showers",
        }
    }

    #[test]
    fn known_values_decode_to_variants_and_unknown_ones_round_trip_verbatim() {
        let values: Vec<Weather> =
            serde_json::from_str(r#"["sunny", "rain_showers", "Hail"]"#).unwrap();
        assert_eq!(
            values,
            [
                Weather::Sunny,
                Weather::Rainy,
                Weather::Unknown("Hail".into())
            ]
        );
        assert_eq!(
            serde_json::to_string(&values).unwrap(),
            r#"["sunny","rain_showers","Hail"]"#
        );
        assert_eq!("rain_showers".parse::<Weather>().unwrap(), Weather::Rainy);
        assert_eq!(Weather::Unknown("Hail".into()).to_string(), "Hail");
        assert!(!Weather::Unknown("Hail".into()).is_known());
    }

    #[test]
    fn a_non_string_is_a_decode_error() {
        assert!(serde_json::from_str::<Weather>("3").is_err());
    }
}
