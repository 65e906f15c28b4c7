//! The response envelope every Vivantio action answers with (C-off):
//! `Successful`, `ErrorMessages`, `InfoMessages`, then `Results`, `Item`, `InsertedItemId` or
//! `FileName`/`Content`.
//!
//! Decoding happens in two steps so that a `Successful: false` answer is reported as Vivantio's
//! own messages even when its payload is odd, and so that a payload that fails to decode names the
//! exact place (`Results[3].OpenDate`).

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::de::{null_as_default, LenientI64};
use crate::error::{excerpt, Error};
pub use crate::messages::{ApiMessage, InfoMessage};

/// The envelope with its payload still undecoded.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawEnvelope<'a> {
    #[serde(default)]
    successful: Option<bool>,
    #[serde(default, deserialize_with = "null_as_default")]
    error_messages: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "null_as_default")]
    info_messages: Vec<InfoMessage>,
    #[serde(default, borrow)]
    results: Option<&'a RawValue>,
    #[serde(default, borrow)]
    item: Option<&'a RawValue>,
    #[serde(default)]
    inserted_item_id: Option<LenientI64>,
    #[serde(default)]
    file_name: Option<String>,
    #[serde(default)]
    content: Option<String>,
}

/// A successful answer, payload decoded on demand.
pub(crate) struct Answer<'a> {
    endpoint: &'static str,
    body: &'a [u8],
    raw: RawEnvelope<'a>,
}

impl<'a> Answer<'a> {
    /// Reads the envelope; `Successful: false` becomes [`Error::Api`].
    pub(crate) fn parse(endpoint: &'static str, body: &'a [u8]) -> Result<Self, Error> {
        let raw: RawEnvelope<'a> = decode_at(endpoint, body, body, "")?;
        // A missing `Successful` is read from the messages: no errors means it worked.
        let successful = raw.successful.unwrap_or(raw.error_messages.is_empty());
        if !successful {
            return Err(Error::Api {
                endpoint,
                errors: raw.error_messages,
                infos: raw.info_messages,
            });
        }
        if !raw.info_messages.is_empty() {
            // Kinds and fields only: a notice's text can quote the record it is about.
            let notices: Vec<String> = raw
                .info_messages
                .iter()
                .map(|info| match &info.field {
                    Some(field) => format!("{:?} on {field}", info.kind),
                    None => format!("{:?}", info.kind),
                })
                .collect();
            tracing::debug!(endpoint, ?notices, "Vivantio info messages");
        }
        Ok(Self {
            endpoint,
            body,
            raw,
        })
    }

    /// `Results` as a list; a missing or `null` list is empty.
    pub(crate) fn results<T: DeserializeOwned>(&self) -> Result<Vec<T>, Error> {
        match self.raw.results {
            Some(raw) => decode_at(self.endpoint, raw.get().as_bytes(), self.body, "Results"),
            None => Ok(Vec::new()),
        }
    }

    /// `Item`; `None` when missing or `null`.
    pub(crate) fn item<T: DeserializeOwned>(&self) -> Result<Option<T>, Error> {
        match self.raw.item {
            Some(raw) => decode_at(self.endpoint, raw.get().as_bytes(), self.body, "Item"),
            None => Ok(None),
        }
    }

    /// The undecoded `Results` list and `Item` record, for the wire census.
    pub(crate) fn raw_records(&self) -> Option<&'a RawValue> {
        self.raw.results.or(self.raw.item)
    }

    /// `InsertedItemId`, which an insert must return.
    pub(crate) fn inserted_item_id(&self) -> Result<i64, Error> {
        self.raw
            .inserted_item_id
            .map(|id| id.0)
            .ok_or_else(|| self.missing("InsertedItemId"))
    }

    /// `FileName` and `Content` of an attachment download.
    pub(crate) fn file(&self) -> Result<(Option<String>, &str), Error> {
        let content = self
            .raw
            .content
            .as_deref()
            .ok_or_else(|| self.missing("Content"))?;
        Ok((self.raw.file_name.clone(), content))
    }

    /// A decode error at `path` for this answer.
    pub(crate) fn decode_error(&self, path: &str, message: impl Into<String>) -> Error {
        Error::Decode {
            endpoint: self.endpoint,
            path: path.to_string(),
            message: message.into(),
            excerpt: excerpt(self.body),
        }
    }

    fn missing(&self, field: &str) -> Error {
        self.decode_error(field, "missing from a successful answer")
    }
}

/// Decodes `json` (a part of `body`) and reports failures with their full path.
fn decode_at<'de, T: Deserialize<'de>>(
    endpoint: &'static str,
    json: &'de [u8],
    body: &[u8],
    prefix: &str,
) -> Result<T, Error> {
    let join = |inner: &str| match (prefix, inner) {
        ("", "." | "") => "(root)".to_string(),
        ("", inner) => inner.to_string(),
        (prefix, "." | "") => prefix.to_string(),
        (prefix, inner) if inner.starts_with('[') => format!("{prefix}{inner}"),
        (prefix, inner) => format!("{prefix}.{inner}"),
    };
    let fail = |path: String, message: String| Error::Decode {
        endpoint,
        path,
        message,
        excerpt: excerpt(body),
    };
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        fail(
            join(&error.path().to_string()),
            error.into_inner().to_string(),
        )
    })?;
    deserializer
        .end()
        .map_err(|error| fail(join(""), error.to_string()))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::{ErrorType, InfoType};

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    struct Row {
        id: i64,
    }

    #[test]
    fn reads_results_item_and_inserted_id() {
        let body = br#"{"Successful":true,"ErrorMessages":null,"InfoMessages":[],"Results":[{"Id":1},{"Id":2,"New":true}],"Item":{"Id":3},"InsertedItemId":"44"}"#;
        let answer = Answer::parse("X/Y", body).unwrap();
        assert_eq!(
            answer.results::<Row>().unwrap(),
            vec![Row { id: 1 }, Row { id: 2 }]
        );
        assert_eq!(answer.item::<Row>().unwrap(), Some(Row { id: 3 }));
        assert_eq!(answer.inserted_item_id().unwrap(), 44);
    }

    #[test]
    fn missing_or_null_payloads_are_empty() {
        let answer = Answer::parse("X/Y", br#"{"Successful":true,"Results":null}"#).unwrap();
        assert!(answer.results::<Row>().unwrap().is_empty());
        assert_eq!(answer.item::<Row>().unwrap(), None);
        assert!(matches!(
            answer.inserted_item_id(),
            Err(Error::Decode { path, .. }) if path == "InsertedItemId"
        ));
    }

    #[test]
    fn unsuccessful_answers_carry_the_messages() {
        let body = br#"{"Successful":false,"ErrorMessages":[{"Type":"ItemNotFound","Field":"Id","Message":"Item not found"}],"InfoMessages":[{"Type":1,"Message":"Limited view"}],"Results":"garbage"}"#;
        let Err(Error::Api { errors, infos, .. }) = Answer::parse("Ticket/SelectById", body) else {
            panic!("expected an API error");
        };
        assert_eq!(errors[0].kind, ErrorType::ItemNotFound);
        assert_eq!(errors[0].field.as_deref(), Some("Id"));
        assert_eq!(infos[0].kind, InfoType::Permission);
    }

    #[test]
    fn decode_errors_name_the_path() {
        let body = br#"{"Successful":true,"Results":[{"Id":1},{"Id":"two"}]}"#;
        let answer = Answer::parse("X/Y", body).unwrap();
        let Err(Error::Decode { path, excerpt, .. }) = answer.results::<Row>() else {
            panic!("expected a decode error");
        };
        assert_eq!(path, "Results[1].Id");
        assert!(excerpt.starts_with("{\"Successful\""));
    }

    #[test]
    fn non_json_is_a_decode_error_at_the_root() {
        let Err(error) = Answer::parse("X/Y", b"<html>Server Error</html>") else {
            panic!("expected a decode error");
        };
        assert!(matches!(&error, Error::Decode { path, .. } if path == "(root)"));
        assert!(error.to_string().contains("<html>"));
    }
}
