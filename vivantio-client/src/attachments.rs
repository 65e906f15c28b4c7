//! Attachments: listing them per parent record and downloading their bytes.
//!
//! `File/AttachmentSelectByParent` and `File/AttachmentDownload` are C-com; of the listed record
//! only `AttachmentGuid` and `FileName` are confirmed, the rest is INF.

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::assumptions::{ATTACHMENT_PARENT_AREA_PARAM, ATTACHMENT_PARENT_ID_PARAM};
use crate::dates::VivantioDate;
use crate::endpoints as ep;
use crate::enums::SystemArea;
use crate::envelope::Answer;
use crate::error::Error;
use crate::transport::Request;
use crate::Client;

/// An attachment's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Attachment {
    /// Attachment id.
    pub id: Option<i64>,
    /// The key for downloading (some sources call it `UniqueId`).
    #[serde(alias = "UniqueId")]
    pub attachment_guid: Option<String>,
    /// File name.
    pub file_name: Option<String>,
    /// MIME type.
    pub content_type: Option<String>,
    /// Size in bytes.
    pub size: Option<u64>,
    /// The record it belongs to.
    pub parent_id: Option<i64>,
    /// The kind of record it belongs to (name or code).
    pub parent_area: Option<SystemArea>,
    /// The ticket action it was added with.
    pub action_id: Option<i64>,
    /// Whether only agents may see it.
    pub is_private: Option<bool>,
    /// When it was added.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub created_date: Option<VivantioDate>,
}

/// A downloaded attachment: decoded bytes, their size and SHA-256.
#[derive(Clone, PartialEq, Eq)]
pub struct DownloadedAttachment {
    /// File name, when Vivantio sent one.
    pub file_name: Option<String>,
    /// The decoded bytes.
    pub content: Vec<u8>,
    /// Number of bytes.
    pub size: u64,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
}

impl std::fmt::Debug for DownloadedAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The content may be megabytes; print its fingerprint only.
        f.debug_struct("DownloadedAttachment")
            .field("file_name", &self.file_name)
            .field("size", &self.size)
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

/// The `File/Attachment*` actions; get one from [`Client::attachments`].
#[derive(Debug, Clone, Copy)]
pub struct AttachmentsApi<'a> {
    client: &'a Client,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DownloadRequest<'a> {
    attachment_guid: &'a str,
}

impl<'a> AttachmentsApi<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// The attachments of a record (`parentArea` is sent as the area's name, e.g. `Ticket`).
    pub async fn list(&self, parent_id: i64, area: SystemArea) -> Result<Vec<Attachment>, Error> {
        let request = Request::empty()
            .param(ATTACHMENT_PARENT_ID_PARAM, parent_id)
            .param(ATTACHMENT_PARENT_AREA_PARAM, area.as_str());
        self.client
            .results(ep::ATTACHMENT_SELECT_BY_PARENT, request)
            .await
    }

    /// Downloads one attachment and decodes its base64 content. The whole file is held in
    /// memory (Vivantio sends it inside one JSON answer).
    pub async fn download(&self, attachment_guid: &str) -> Result<DownloadedAttachment, Error> {
        let request = Request::json(&DownloadRequest { attachment_guid })?;
        let body = self
            .client
            .raw_answer(ep::ATTACHMENT_DOWNLOAD, request)
            .await?;
        let answer = Answer::parse(ep::ATTACHMENT_DOWNLOAD.path, &body)?;
        let (file_name, encoded) = answer.file()?;
        let content = decode_base64(encoded)
            .map_err(|error| answer.decode_error("Content", format!("invalid base64: {error}")))?;
        let sha256 = hex::encode(Sha256::digest(&content));
        Ok(DownloadedAttachment {
            file_name,
            size: content.len() as u64,
            content,
            sha256,
        })
    }
}

fn decode_base64(encoded: &str) -> Result<Vec<u8>, base64::DecodeError> {
    let compact: String = encoded
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD.decode(compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_with_line_breaks_is_accepted() {
        assert_eq!(decode_base64("aGVs\r\nbG8=").unwrap(), b"hello");
        assert!(decode_base64("not base64!").is_err());
    }
}
