//! Request bodies. A body that carries files is JSON whose base64 file data is produced chunk by
//! chunk while the request is sent: the file is held once (as shared [`Bytes`]), never as a
//! base64 `String` nor inside a whole serialized body. A retry rebuilds the stream from the same
//! `Bytes`, which costs a reference count.

use std::convert::Infallible;
use std::sync::Arc;

use base64::Engine as _;
use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use serde::Serialize;

use crate::error::Error;

/// Raw bytes per base64 chunk: a multiple of 3, so no chunk but the last carries padding.
const RAW_CHUNK: usize = 48 * 1024;

/// A request body, cheap to send again.
#[derive(Debug, Clone)]
pub(crate) enum RequestBody {
    /// A JSON document, serialized whole (small bodies).
    Json(Bytes),
    /// A JSON document whose file data is encoded as it is sent.
    Streaming(StreamingJson),
}

impl RequestBody {
    /// Serializes `value` as JSON; the error names what could not be serialized.
    pub(crate) fn json(value: &impl Serialize) -> Result<Self, Error> {
        serde_json::to_vec(value)
            .map(|bytes| RequestBody::Json(bytes.into()))
            .map_err(cannot_serialize)
    }

    /// Adds the body and its headers to a request about to be sent.
    pub(crate) fn attach(&self, builder: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let builder = builder.header(CONTENT_TYPE, "application/json");
        match self {
            RequestBody::Json(bytes) => builder.body(bytes.clone()),
            // A known length keeps the request out of chunked encoding.
            RequestBody::Streaming(body) => {
                builder.header(CONTENT_LENGTH, body.content_length()).body(
                    reqwest::Body::wrap_stream(futures::stream::iter(body.chunks())),
                )
            }
        }
    }
}

fn cannot_serialize(error: serde_json::Error) -> Error {
    Error::InvalidRequest(format!("cannot serialize the request body: {error}"))
}

/// One piece of a streamed body.
#[derive(Debug, Clone)]
enum Piece {
    /// JSON text, sent as it is.
    Text(Bytes),
    /// Raw file bytes, sent base64-encoded (standard alphabet, padded).
    Base64(Bytes),
}

impl Piece {
    fn wire_len(&self) -> u64 {
        match self {
            Piece::Text(text) => text.len() as u64,
            Piece::Base64(raw) => (raw.len() as u64).div_ceil(3) * 4,
        }
    }
}

/// A file to place in a streamed JSON array: its metadata fields and its raw bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StreamedFile<'a> {
    /// `(name, value)` pairs written before the data, each serialized as a JSON string.
    pub(crate) fields: [(&'static str, &'a str); 2],
    /// The key of the base64 data.
    pub(crate) data_key: &'static str,
    /// The raw bytes.
    pub(crate) data: &'a Bytes,
}

/// A JSON object written as text pieces and base64 pieces, in order.
#[derive(Debug, Clone)]
pub(crate) struct StreamingJson {
    pieces: Arc<[Piece]>,
}

impl StreamingJson {
    /// `head` (which must serialize to a JSON object) with one more member, `field`, holding an
    /// array of `files`.
    pub(crate) fn object_with_files(
        head: &impl Serialize,
        field: &'static str,
        files: &[StreamedFile<'_>],
    ) -> Result<Self, Error> {
        let mut text = serde_json::to_vec(head).map_err(cannot_serialize)?;
        if text.first() != Some(&b'{') || text.pop() != Some(b'}') {
            return Err(Error::InvalidRequest(
                "a body with files must be a JSON object".into(),
            ));
        }
        if text.len() > 1 {
            text.push(b',');
        }
        write_string(&mut text, field)?;
        text.extend_from_slice(b":[");
        let mut pieces = Vec::with_capacity(files.len() * 2 + 1);
        for (index, file) in files.iter().enumerate() {
            if index > 0 {
                text.push(b',');
            }
            text.push(b'{');
            for (key, value) in file.fields {
                write_string(&mut text, key)?;
                text.push(b':');
                write_string(&mut text, value)?;
                text.push(b',');
            }
            write_string(&mut text, file.data_key)?;
            text.extend_from_slice(b":\"");
            pieces.push(Piece::Text(std::mem::take(&mut text).into()));
            pieces.push(Piece::Base64(file.data.clone()));
            text.extend_from_slice(b"\"}");
        }
        text.extend_from_slice(b"]}");
        pieces.push(Piece::Text(text.into()));
        Ok(StreamingJson {
            pieces: pieces.into(),
        })
    }

    /// The exact number of bytes the body sends.
    pub(crate) fn content_length(&self) -> u64 {
        self.pieces.iter().map(Piece::wire_len).sum()
    }

    /// The body as chunks of at most 64 KiB of base64 (text pieces as they are).
    pub(crate) fn chunks(&self) -> Chunks {
        Chunks {
            pieces: self.pieces.clone(),
            piece: 0,
            offset: 0,
        }
    }

    /// The whole body in one buffer (tests and small bodies only: it defeats the streaming).
    #[cfg(test)]
    pub(crate) fn to_vec(&self) -> Vec<u8> {
        self.chunks()
            .flat_map(|chunk| chunk.unwrap_or_else(|never| match never {}))
            .collect()
    }
}

fn write_string(out: &mut Vec<u8>, value: &str) -> Result<(), Error> {
    serde_json::to_writer(out, value).map_err(cannot_serialize)
}

/// Iterates over the chunks of a [`StreamingJson`], encoding base64 as it goes.
#[derive(Debug)]
pub(crate) struct Chunks {
    pieces: Arc<[Piece]>,
    piece: usize,
    offset: usize,
}

impl Iterator for Chunks {
    type Item = Result<Bytes, Infallible>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.pieces.get(self.piece)? {
                Piece::Text(text) => {
                    self.piece += 1;
                    if !text.is_empty() {
                        return Some(Ok(text.clone()));
                    }
                }
                Piece::Base64(raw) => {
                    if self.offset >= raw.len() {
                        self.piece += 1;
                        self.offset = 0;
                        continue;
                    }
                    let end = raw.len().min(self.offset + RAW_CHUNK);
                    let encoded =
                        base64::engine::general_purpose::STANDARD.encode(&raw[self.offset..end]);
                    self.offset = end;
                    return Some(Ok(Bytes::from(encoded)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn streamed(head: Value, files: &[(&str, &str, Bytes)]) -> StreamingJson {
        let files: Vec<StreamedFile<'_>> = files
            .iter()
            .map(|(name, content_type, data)| StreamedFile {
                fields: [("content_type", content_type), ("name", name)],
                data_key: "data",
                data,
            })
            .collect();
        StreamingJson::object_with_files(&head, "attachment_files", &files).unwrap()
    }

    #[test]
    fn streamed_body_is_the_json_serde_would_write() {
        let big = Bytes::from((0..200_000u32).map(|i| i as u8).collect::<Vec<_>>());
        let body = streamed(
            json!({"body": "quote \" backslash \\ and <p>\u{2028}</p>", "type": "admin"}),
            &[
                ("a \"b\".txt", "text/plain", Bytes::from_static(b"hello")),
                ("big.bin", "application/octet-stream", big.clone()),
                ("empty", "text/plain", Bytes::new()),
            ],
        );
        let bytes = body.to_vec();
        assert_eq!(bytes.len() as u64, body.content_length());
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        let engine = base64::engine::general_purpose::STANDARD;
        assert_eq!(value["body"], "quote \" backslash \\ and <p>\u{2028}</p>");
        assert_eq!(value["attachment_files"][0]["name"], "a \"b\".txt");
        assert_eq!(value["attachment_files"][0]["data"], "aGVsbG8=");
        let decoded = engine
            .decode(value["attachment_files"][1]["data"].as_str().unwrap())
            .unwrap();
        assert_eq!(decoded, big);
        assert_eq!(value["attachment_files"][2]["data"], "");
    }

    #[test]
    fn chunks_are_bounded_and_retries_start_over() {
        let big = Bytes::from(vec![7u8; 1_000_000]);
        let body = streamed(json!({}), &[("x", "y", big)]);
        let largest = body
            .chunks()
            .map(|chunk| chunk.unwrap_or_else(|never| match never {}).len())
            .max()
            .unwrap();
        assert_eq!(largest, RAW_CHUNK / 3 * 4);
        assert_eq!(body.to_vec(), body.clone().to_vec());
        let value: Value = serde_json::from_slice(&body.to_vec()).unwrap();
        assert_eq!(value.as_object().unwrap().len(), 1, "no stray comma");
    }

    #[test]
    fn a_head_that_is_not_an_object_is_refused() {
        let error = StreamingJson::object_with_files(&json!([1]), "files", &[]).unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)));
    }
}
