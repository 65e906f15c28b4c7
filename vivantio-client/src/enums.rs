//! Vivantio enumerations: sent as their names, accepted as names or integer codes.
//!
//! Sources disagree on some numeric codes, so names are what this crate sends. A value this crate
//! does not know is kept as [`Other`](StatusType::Other) rather than failing the record.

/// Declares a wire enumeration with names, optional numeric codes and an `Other` fallback.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal $(= $code:literal)? ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate does not know, kept as received (a number is kept as its digits).
            Other(String),
        }

        impl $name {
            /// Every value this crate knows.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The name sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Other(raw) => raw,
                }
            }

            /// The numeric code, where one is known.
            pub fn code(&self) -> Option<i64> {
                match self {
                    $( $name::$variant => wire_enum!(@code $($code)?), )+
                    $name::Other(raw) => raw.parse().ok(),
                }
            }

            /// The value with this numeric code, or [`Other`](Self::Other).
            pub fn from_code(code: i64) -> Self {
                Self::KNOWN
                    .iter()
                    .find(|known| known.code() == Some(code))
                    .cloned()
                    .unwrap_or_else(|| $name::Other(code.to_string()))
            }

            /// The value with this name (ignoring case) or numeric code, or [`Other`](Self::Other).
            pub fn from_name(name: &str) -> Self {
                let name = name.trim();
                if let Ok(code) = name.parse::<i64>() {
                    return Self::from_code(code);
                }
                Self::KNOWN
                    .iter()
                    .find(|known| known.as_str().eq_ignore_ascii_case(name))
                    .cloned()
                    .unwrap_or_else(|| $name::Other(name.to_string()))
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
                struct EnumVisitor;

                impl serde::de::Visitor<'_> for EnumVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " name or integer code"))
                    }

                    fn visit_i64<E: serde::de::Error>(self, code: i64) -> Result<$name, E> {
                        Ok($name::from_code(code))
                    }

                    fn visit_u64<E: serde::de::Error>(self, code: u64) -> Result<$name, E> {
                        Ok(i64::try_from(code)
                            .map($name::from_code)
                            .unwrap_or_else(|_| $name::Other(code.to_string())))
                    }

                    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<$name, E> {
                        Ok($name::from_name(name))
                    }
                }

                deserializer.deserialize_any(EnumVisitor)
            }
        }
    };
    (@code) => { None };
    (@code $code:literal) => { Some($code) };
}

wire_enum! {
    /// Kind of an entry in `ErrorMessages` (C-off codes).
    pub enum ErrorType {
        /// No specific kind.
        Unknown => "Unknown" = 0,
        /// A required field was not sent.
        FieldMissing => "FieldMissing" = 1,
        /// A field has an invalid value.
        FieldInvalid => "FieldInvalid" = 2,
        /// The record does not exist.
        ItemNotFound => "ItemNotFound" = 3,
        /// The record cannot take this action (the simulator also uses it for "too many results").
        ItemNotValidForAction => "ItemNotValidForAction" = 4,
        /// The API user lacks a permission.
        ItemPermissionDeniedForAction => "ItemPermissionDeniedForAction" = 5,
    }
}

wire_enum! {
    /// Kind of an entry in `InfoMessages` (C-off codes).
    pub enum InfoType {
        /// No specific kind.
        Unknown => "Unknown" = 0,
        /// A permission notice.
        Permission => "Permission" = 1,
    }
}

wire_enum! {
    /// The lifecycle class of a ticket status (C-off codes).
    pub enum StatusType {
        /// Open.
        Open => "Open" = 1,
        /// On hold.
        OnHold => "OnHold" = 2,
        /// Closed.
        Closed => "Closed" = 4,
        /// Pending (awaiting someone).
        Pending => "Pending" = 5,
        /// Deleted.
        Deleted => "Deleted" = 99,
    }
}

wire_enum! {
    /// The kind of record something belongs to (C-off codes; Entity bodies send the name,
    /// `File/AttachmentUpload` the code).
    pub enum SystemArea {
        /// Organisation.
        Client => "Client" = 0,
        /// Location.
        Location => "Location" = 1,
        /// End user.
        Caller => "Caller" = 2,
        /// Ticket.
        Ticket => "Ticket" = 3,
        /// Asset.
        Asset => "Asset" = 4,
        /// Knowledge base article.
        Article => "Article" = 5,
    }
}

wire_enum! {
    /// Data type of a custom form field (names per `docs/vivantio-wire.md`; codes UNK).
    pub enum FieldType {
        /// Single-line text.
        Text => "Text",
        /// Multi-line text.
        TextArea => "TextArea",
        /// Whole number.
        Number => "Number",
        /// Decimal number.
        Decimal => "Decimal",
        /// Date without time.
        Date => "Date",
        /// Date and time.
        DateTime => "DateTime",
        /// Yes/no.
        Checkbox => "Checkbox",
        /// One option from a list.
        DropDown => "DropDown",
        /// Several options from a list.
        MultiSelect => "MultiSelect",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_names_codes_and_numeric_strings() {
        let parsed: Vec<StatusType> =
            serde_json::from_str(r#"["Closed", 4, "4", "onhold", 99, 7, "Archived"]"#).unwrap();
        assert_eq!(
            parsed,
            vec![
                StatusType::Closed,
                StatusType::Closed,
                StatusType::Closed,
                StatusType::OnHold,
                StatusType::Deleted,
                StatusType::Other("7".into()),
                StatusType::Other("Archived".into()),
            ]
        );
    }

    #[test]
    fn sends_names() {
        let json = serde_json::to_string(&[SystemArea::Ticket, SystemArea::Other("9".into())]);
        assert_eq!(json.unwrap(), r#"["Ticket","9"]"#);
    }

    #[test]
    fn codes_round_trip() {
        for known in StatusType::KNOWN {
            let code = known.code().unwrap();
            assert_eq!(&StatusType::from_code(code), known);
        }
        assert_eq!(FieldType::DropDown.code(), None);
        assert_eq!(FieldType::from_code(3), FieldType::Other("3".into()));
    }

    #[test]
    fn rejects_other_json_kinds() {
        assert!(serde_json::from_str::<StatusType>("true").is_err());
    }
}
