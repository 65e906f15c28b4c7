//! Attachments: listing them per parent record and downloading their bytes.
//!
//! `File/AttachmentSelectByParent` and `File/AttachmentDownload` are C-com; of the listed record
//! only `AttachmentGuid` and `FileName` are confirmed, the rest is INF.
//!
//! A download arrives as base64 inside a JSON answer. It is decoded and hashed while the body
//! arrives ([`scan`]), so the peak is the decoded file plus buffers of a few tens of KiB: the
//! JSON answer (a third larger than the file) is never held whole.

mod scan;

use bytes::Bytes;
use futures::StreamExt as _;
use serde::{Deserialize, Serialize};

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
    /// The decoded bytes (shared: clones do not copy the file).
    pub content: Bytes,
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

    /// Downloads one attachment, decoding its base64 content as it arrives.
    pub async fn download(&self, attachment_guid: &str) -> Result<DownloadedAttachment, Error> {
        self.download_at_most(attachment_guid, None).await
    }

    /// Downloads one attachment, refusing it once it is known to be larger than `max_bytes`:
    /// before reading when the answer's length says so, otherwise as soon as the decoded bytes
    /// pass the limit.
    pub async fn download_at_most(
        &self,
        attachment_guid: &str,
        max_bytes: Option<u64>,
    ) -> Result<DownloadedAttachment, Error> {
        let endpoint = ep::ATTACHMENT_DOWNLOAD;
        let request = Request::json(&DownloadRequest { attachment_guid })?;
        let scanned = self
            .client
            .transport()
            .send_with(endpoint, &request, |response| {
                read_download(endpoint.path, response, max_bytes)
            })
            .await?;
        let answer = Answer::parse(endpoint.path, &scanned.skeleton)?;
        let (file_name, rest) = answer.file()?;
        if !rest.is_empty() {
            // The scanner takes every character of a top-level `Content`.
            return Err(answer.decode_error("Content", "content was not read as a stream"));
        }
        Ok(DownloadedAttachment {
            file_name,
            size: scanned.content.len() as u64,
            content: Bytes::from(scanned.content),
            sha256: scanned.sha256,
        })
    }
}

impl AttachmentsApi<'_> {
    /// Fetches an image an article or ticket body shows (`https://<tenant>/Attachment/Inline/<guid>`)
    /// with the API user's credentials. INF: the tenant serves these on the platform's host, so
    /// the URL's path and query are fetched there; credentials never go to another host.
    pub async fn inline_image(&self, url: &str) -> Result<InlineImage, Error> {
        let parsed = url::Url::parse(url)
            .map_err(|error| Error::Config(format!("{url:?} is not a URL: {error}")))?;
        let transport = self.client.transport();
        let mut on_platform = transport.api_root().clone();
        on_platform.set_path(parsed.path());
        on_platform.set_query(parsed.query());
        let (content, content_type) = transport.get_file(&on_platform).await?;
        let file_name = parsed
            .path_segments()
            .and_then(|mut segments| segments.next_back())
            .filter(|name| !name.is_empty())
            .unwrap_or("image")
            .to_string();
        Ok(InlineImage {
            file_name,
            content_type,
            content,
        })
    }
}

/// An inline image fetched from the tenant.
#[derive(Clone, PartialEq, Eq)]
pub struct InlineImage {
    /// The last segment of its URL.
    pub file_name: String,
    /// The MIME type the tenant sent.
    pub content_type: Option<String>,
    /// The bytes.
    pub content: Bytes,
}

impl std::fmt::Debug for InlineImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InlineImage")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("size", &self.content.len())
            .finish()
    }
}

/// Reads a download answer chunk by chunk through the scanner.
async fn read_download(
    endpoint: &'static str,
    response: reqwest::Response,
    max_bytes: Option<u64>,
) -> Result<scan::Scanned, Error> {
    let length = response.content_length();
    if let (Some(length), Some(limit)) = (length, max_bytes) {
        // Base64 is 4 characters for 3 bytes; the envelope adds a little, never less.
        if length / 4 * 3 > limit.saturating_add(1024) {
            return Err(too_large(endpoint, limit));
        }
    }
    let mut scanner = scan::DownloadScanner::new(length, max_bytes);
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|error| Error::from_reqwest(endpoint, error))?;
        scanner
            .feed(&chunk)
            .map_err(|error| scan_error(endpoint, error))?;
    }
    scanner
        .finish()
        .map_err(|error| scan_error(endpoint, error))
}

fn scan_error(endpoint: &'static str, error: scan::ScanError) -> Error {
    match error {
        scan::ScanError::Base64(message) => Error::Decode {
            endpoint,
            path: "Content".to_string(),
            message: format!("invalid base64: {message}"),
            excerpt: String::new(),
        },
        scan::ScanError::TooLarge { limit } => too_large(endpoint, limit),
    }
}

fn too_large(endpoint: &'static str, limit: u64) -> Error {
    Error::Decode {
        endpoint,
        path: "Content".to_string(),
        message: format!("the file is larger than the limit of {limit} bytes; not downloaded"),
        excerpt: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_fingerprint_not_the_bytes() {
        let file = DownloadedAttachment {
            file_name: Some("a.txt".into()),
            content: Bytes::from_static(b"secret"),
            size: 6,
            sha256: "abc".into(),
        };
        let shown = format!("{file:?}");
        assert!(
            shown.contains("abc") && !shown.contains("secret"),
            "{shown}"
        );
    }
}
