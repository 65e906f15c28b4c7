//! Attachments: listing them per parent record and downloading their bytes.
//!
//! `File/AttachmentSelectByParent` and `File/AttachmentDownload` are C-com; of the listed record
//! only `AttachmentGuid` and `FileName` are confirmed, the rest is INF.
//!
//! A download arrives as base64 inside a JSON answer. It is decoded and hashed while the body
//! arrives (the `scan` module), so the peak is the decoded file plus buffers of a few tens of KiB: the
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
use crate::ids::{ActionId, AttachmentId};
use crate::transport::Request;
use crate::Client;

/// An attachment's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Attachment {
    /// Attachment id.
    pub id: Option<AttachmentId>,
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
    pub action_id: Option<ActionId>,
    /// Whether only agents may see it.
    pub is_private: Option<bool>,
    /// When it was added.
    #[serde(default, deserialize_with = "crate::dates::deserialize_option")]
    pub created_date: Option<VivantioDate>,
}

/// A downloaded attachment: decoded bytes, their size and SHA-256.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
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

    /// The attachments of a record (`parentArea` is sent as the area's name, e.g. `Ticket`);
    /// `parent_id` is the id of a record of that area, e.g. a [`TicketId`](crate::TicketId).
    pub async fn list(
        &self,
        parent_id: impl Into<i64>,
        area: SystemArea,
    ) -> Result<Vec<Attachment>, Error> {
        let request = Request::empty()
            .param(ATTACHMENT_PARENT_ID_PARAM, parent_id.into())
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
    /// with the API user's credentials. Where it is fetched:
    ///
    /// * with a [tenant URL](crate::ClientBuilder::tenant_url) configured: from the URL itself
    ///   when it is on the tenant's or the platform's origin (scheme, host and port); from the
    ///   tenant URL, path and query kept, when it is on a
    ///   [tenant alias](crate::ClientBuilder::tenant_alias); any other host is refused without a
    ///   request (credentials are sent to the platform and the tenant only);
    /// * without one (INF, the behaviour before tenant URLs existed): the URL's path and query
    ///   are fetched from the platform's host, whatever host the URL names.
    ///
    /// A relative URL is read against the tenant URL (else the platform's). An answer that is not
    /// an image (a web page, most likely the tenant's login page when it does not accept Basic
    /// auth outside the API) is an error for which [`Error::is_not_an_image`] holds; its bytes are
    /// never returned.
    pub async fn inline_image(&self, url: &str) -> Result<InlineImage, Error> {
        let transport = self.client.transport();
        let base = transport.tenant_root().unwrap_or(transport.api_root());
        let parsed = match url::Url::parse(url.trim()) {
            Err(url::ParseError::RelativeUrlWithoutBase) => base.join(url.trim()),
            parsed => parsed,
        }
        .map_err(|error| Error::Config(format!("{url:?} is not a URL: {error}")))?;
        let target = inline_image_target(
            &parsed,
            transport.api_root(),
            transport.tenant_root(),
            transport.tenant_aliases(),
        )?;
        let (content, content_type) = transport.get_file(&target).await?;
        if let Err(error) = check_image(&target, content_type.as_deref(), &content) {
            self.client.census().contradict(
                crate::assumptions::registry::ids::INLINE_IMAGES_BASIC_AUTH,
                None,
                error.to_string(),
            );
            return Err(error);
        }
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

/// Where an inline image at `url` is fetched (see [`AttachmentsApi::inline_image`]).
fn inline_image_target(
    url: &url::Url,
    api_root: &url::Url,
    tenant_root: Option<&url::Url>,
    tenant_aliases: &[url::Url],
) -> Result<url::Url, Error> {
    let rebased = |onto: &url::Url| {
        let mut target = onto.clone();
        target.set_path(url.path());
        target.set_query(url.query());
        target
    };
    let Some(tenant_root) = tenant_root else {
        return Ok(rebased(api_root));
    };
    let origin = url.origin();
    if origin == tenant_root.origin() || origin == api_root.origin() {
        let mut target = url.clone();
        target.set_fragment(None);
        return Ok(target);
    }
    if tenant_aliases.iter().any(|alias| alias.origin() == origin) {
        return Ok(rebased(tenant_root));
    }
    Err(Error::Config(format!(
        "the inline image {url} is on {}, neither the tenant's host ({}) nor the platform's; \
         credentials are not sent to that host, so it was not requested",
        origin.ascii_serialization(),
        tenant_root.origin().ascii_serialization(),
    )))
}

/// Where [`Error::is_not_an_image`] errors point in the answer.
const NOT_AN_IMAGE_AT: &str = "Content-Type";

/// Refuses an answer that is not an image: a MIME type other than `image/*`, or (none given,
/// or `application/octet-stream`) bytes that do not start like a common image format.
fn check_image(url: &url::Url, content_type: Option<&str>, content: &[u8]) -> Result<(), Error> {
    let essence = content_type
        .map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|essence| !essence.is_empty());
    let is_image = match essence.as_deref() {
        Some(essence) if essence.starts_with("image/") => true,
        None | Some("application/octet-stream") => looks_like_an_image(content),
        Some(_) => false,
    };
    if is_image {
        return Ok(());
    }
    let shown = essence.as_deref().unwrap_or("no content type");
    let message = if looks_like_a_web_page(essence.as_deref(), content) {
        format!(
            "the tenant returned a web page ({shown}, probably its login page) instead of an \
             image for {url}: it likely does not accept the API credentials outside the API; \
             the image is not migrated"
        )
    } else {
        format!("the tenant returned {shown} instead of an image for {url}")
    };
    Err(Error::Decode {
        endpoint: crate::transport::INLINE_IMAGE,
        path: NOT_AN_IMAGE_AT.to_string(),
        message,
        excerpt: crate::error::excerpt(&content[..content.len().min(160)]),
    })
}

/// Whether the bytes start with the signature of a common image format.
fn looks_like_an_image(content: &[u8]) -> bool {
    const SIGNATURES: [&[u8]; 7] = [
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff",
        b"GIF87a",
        b"GIF89a",
        b"BM",
        b"\x00\x00\x01\x00",
        b"II*\x00",
    ];
    SIGNATURES
        .iter()
        .any(|signature| content.starts_with(signature))
        || (content.starts_with(b"RIFF") && content.get(8..12) == Some(b"WEBP".as_slice()))
}

/// Whether an answer is an HTML page (by its MIME type, or by its first bytes).
fn looks_like_a_web_page(essence: Option<&str>, content: &[u8]) -> bool {
    if matches!(essence, Some("text/html" | "application/xhtml+xml")) {
        return true;
    }
    let start = String::from_utf8_lossy(&content[..content.len().min(512)]).to_ascii_lowercase();
    let start = start.trim_start_matches('\u{feff}').trim_start();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}

impl Error {
    /// Whether an inline image came back as something else than an image: most often the
    /// tenant's login page, served when it does not accept Basic auth outside the API.
    pub fn is_not_an_image(&self) -> bool {
        matches!(
            self,
            Error::Decode { endpoint, path, .. }
                if *endpoint == crate::transport::INLINE_IMAGE && path == NOT_AN_IMAGE_AT
        )
    }
}

/// An inline image fetched from the tenant.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
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

    fn url(text: &str) -> url::Url {
        url::Url::parse(text).unwrap()
    }

    #[test]
    fn inline_images_are_fetched_from_the_platform_or_the_tenant_only() {
        let api = url("https://webservices-na01.vivantio.com/api/");
        let tenant = url("https://acme.vivantio.com/");
        let aliases = [url("https://acme-public.example.com/")];
        let image = "/Attachment/Inline/0b9f6c1e-3f4a-4c1e-9a57-1f2e3d4c5b6a";
        let cases: [(&str, Option<&url::Url>, Option<String>); 7] = [
            // No tenant URL: the path is re-based onto the platform, whatever the host.
            (
                "https://acme.vivantio.com/Attachment/Inline/x?y=1",
                None,
                Some("https://webservices-na01.vivantio.com/Attachment/Inline/x?y=1".into()),
            ),
            (
                "https://elsewhere.example/a.png",
                None,
                Some("https://webservices-na01.vivantio.com/a.png".into()),
            ),
            // A tenant URL: its own host and the platform's are fetched as they are.
            (
                "https://acme.vivantio.com/Attachment/Inline/x#frag",
                Some(&tenant),
                Some("https://acme.vivantio.com/Attachment/Inline/x".into()),
            ),
            (
                "https://webservices-na01.vivantio.com/Attachment/Inline/x",
                Some(&tenant),
                Some("https://webservices-na01.vivantio.com/Attachment/Inline/x".into()),
            ),
            // An alias is fetched from the tenant URL.
            (
                "https://acme-public.example.com/Attachment/Inline/x",
                Some(&tenant),
                Some("https://acme.vivantio.com/Attachment/Inline/x".into()),
            ),
            // Another scheme or port is another origin.
            (
                "http://acme.vivantio.com/Attachment/Inline/x",
                Some(&tenant),
                None,
            ),
            ("https://acme.vivantio.com:8443/a", Some(&tenant), None),
        ];
        for (input, tenant_root, expected) in cases {
            let target = inline_image_target(&url(input), &api, tenant_root, &aliases);
            match expected {
                Some(expected) => assert_eq!(target.unwrap().as_str(), expected, "{input}"),
                None => {
                    let error = target.unwrap_err().to_string();
                    assert!(
                        error.contains("credentials are not sent to that host"),
                        "{input}: {error}"
                    );
                }
            }
        }
        let error = inline_image_target(
            &url(&format!("https://evil.example{image}")),
            &api,
            Some(&tenant),
            &aliases,
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("https://evil.example"),
            "{error}"
        );
    }

    #[test]
    fn only_images_are_accepted() {
        let at = url("https://acme.vivantio.com/Attachment/Inline/x");
        let png = b"\x89PNG\r\n\x1a\nrest".as_slice();
        let page = b"<!DOCTYPE html><html><title>Log in</title>".as_slice();
        let cases: [(Option<&str>, &[u8], Option<bool>); 8] = [
            (Some("image/png"), png, None),
            (Some("IMAGE/JPEG; charset=x"), b"", None),
            (None, png, None),
            (Some("application/octet-stream"), b"\xff\xd8\xff\xe0", None),
            // Not images; `Some(true)`: recognised as a web page.
            (Some("text/html; charset=utf-8"), page, Some(true)),
            (None, page, Some(true)),
            (
                Some("application/octet-stream"),
                b"\xef\xbb\xbf<html>",
                Some(true),
            ),
            (Some("application/json"), b"{}", Some(false)),
        ];
        for (content_type, content, refused) in cases {
            let outcome = check_image(&at, content_type, content);
            match refused {
                None => assert!(outcome.is_ok(), "{content_type:?}"),
                Some(web_page) => {
                    let error = outcome.unwrap_err();
                    assert!(error.is_not_an_image(), "{content_type:?}");
                    assert!(!error.is_retryable());
                    let message = error.to_string();
                    assert_eq!(
                        message.contains("web page") && message.contains("login page"),
                        web_page,
                        "{message}"
                    );
                }
            }
        }
        assert!(!Error::Config("x".into()).is_not_an_image());
    }

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
