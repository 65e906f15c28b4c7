//! Where inline article images are re-hosted. Intercom's API cannot upload Help Center images,
//! so they are published where the customer serves static files, and article bodies point there.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::FilePayload;
use crate::error::PortError;

/// An image a host published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostedImage {
    /// The Vivantio attachment GUID it was published for (its ID map key is
    /// [`RecordKey::file`](crate::keys::RecordKey::file) of it).
    pub guid: String,
    /// Its public URL.
    pub url: String,
}

/// Publishes inline article images.
#[async_trait]
pub trait ImageHost: Send + Sync {
    /// Publishes the image fetched for `guid` and returns its public URL. Publishing the same
    /// bytes again returns the same URL and changes nothing (names are content-addressed, see
    /// [`content_addressed_name`]).
    async fn publish(&self, guid: &str, image: &FilePayload) -> Result<String, PortError>;
    /// Every image this host published for the migration, for rollback.
    async fn published(&self) -> Result<Vec<HostedImage>, PortError>;
    /// Removes a published image (rollback). Removing one that is gone is not an error.
    async fn remove(&self, image: &HostedImage) -> Result<(), PortError>;
}

/// The file name an image is published under: the SHA-256 of its bytes and an extension taken
/// from its MIME type or file name (`png` when neither says), so a re-run writes the same name.
pub fn content_addressed_name(image: &FilePayload) -> String {
    let digest = hex::encode(Sha256::digest(&image.bytes));
    format!("{digest}.{}", image_extension(image))
}

fn image_extension(image: &FilePayload) -> &'static str {
    const KNOWN: [(&str, &str); 7] = [
        ("png", "png"),
        ("jpeg", "jpg"),
        ("jpg", "jpg"),
        ("gif", "gif"),
        ("webp", "webp"),
        ("svg", "svg"),
        ("bmp", "bmp"),
    ];
    let from_type = image
        .content_type
        .as_deref()
        .and_then(|mime| mime.split(';').next())
        .and_then(|mime| mime.trim().strip_prefix("image/"));
    let from_name = image.file_name.rsplit_once('.').map(|(_, ext)| ext);
    [from_type, from_name]
        .into_iter()
        .flatten()
        .find_map(|hint| {
            let hint = hint.to_ascii_lowercase();
            KNOWN
                .iter()
                .find(|(name, _)| hint == *name || hint.starts_with(&format!("{name}+")))
                .map(|(_, ext)| *ext)
        })
        .unwrap_or("png")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(name: &str, content_type: Option<&str>) -> FilePayload {
        FilePayload {
            file_name: name.into(),
            content_type: content_type.map(str::to_string),
            bytes: bytes::Bytes::from_static(b"\x89PNG"),
        }
    }

    #[test]
    fn names_depend_on_the_bytes_and_the_type_only() {
        let a = content_addressed_name(&image("a.png", Some("image/png")));
        assert_eq!(a, content_addressed_name(&image("other.png", None)));
        assert!(a.ends_with(".png") && a.len() == 64 + 4, "{a}");
        assert!(content_addressed_name(&image("x", Some("image/jpeg"))).ends_with(".jpg"));
        assert!(content_addressed_name(&image("x", Some("image/svg+xml"))).ends_with(".svg"));
        assert!(content_addressed_name(&image("x.GIF", None)).ends_with(".gif"));
        assert!(content_addressed_name(&image("x.exe", Some("text/html"))).ends_with(".png"));
    }
}
