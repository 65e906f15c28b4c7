//! A folder as the [`ImageHost`]: re-hosted article images are written into a directory the
//! customer publishes as static files (`[images] dir`), under content-addressed names, and
//! served at `[images] base_url` + name. A manifest in the state folder lists what was
//! published for which Vivantio GUID, so rollback removes exactly those files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use migration_core::ports::{content_addressed_name, FilePayload, HostedImage, ImageHost};
use migration_core::{PortError, PortErrorKind};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use url::Url;

use crate::private_files::{create_private_dir_all, replace_private};

/// Name of the manifest kept in the state folder.
pub const MANIFEST_FILE: &str = "hosted-images.json";

/// One published file, by the GUID it was published for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    file: String,
    url: String,
}

/// Writes images into a folder served at a base URL.
#[derive(Debug)]
pub struct FolderImageHost {
    dir: PathBuf,
    base_url: Url,
    manifest: PathBuf,
    /// Serialises manifest updates (publishes run concurrently).
    lock: Mutex<()>,
}

impl FolderImageHost {
    /// Images go to `dir` and are served at `base_url`; the manifest lives in `state_dir`.
    pub fn new(dir: PathBuf, base_url: &Url, state_dir: &Path) -> Self {
        let mut base_url = base_url.clone();
        if !base_url.path().ends_with('/') {
            // Without the slash, `join` would replace the last segment.
            let path = format!("{}/", base_url.path());
            base_url.set_path(&path);
        }
        Self {
            dir,
            base_url,
            manifest: state_dir.join(MANIFEST_FILE),
            lock: Mutex::new(()),
        }
    }

    fn read_manifest(&self) -> Result<BTreeMap<String, Entry>, PortError> {
        match std::fs::read(&self.manifest) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|error| {
                failure(format!(
                    "{} is not a valid manifest: {error}",
                    self.manifest.display()
                ))
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(error) => Err(failure(format!(
                "cannot read {}: {error}",
                self.manifest.display()
            ))),
        }
    }

    fn write_manifest(&self, manifest: &BTreeMap<String, Entry>) -> Result<(), PortError> {
        let text = serde_json::to_vec_pretty(manifest)
            .map_err(|error| failure(format!("cannot write the image manifest: {error}")))?;
        write_atomically(&self.manifest, &text)
    }
}

#[async_trait]
impl ImageHost for FolderImageHost {
    async fn publish(&self, guid: &str, image: &FilePayload) -> Result<String, PortError> {
        let name = content_addressed_name(image);
        let url = self
            .base_url
            .join(&name)
            .map_err(|error| failure(format!("cannot make a URL for {name}: {error}")))?
            .to_string();
        let _guard = self.lock.lock().await;
        create_private_dir(&self.dir)?;
        let path = self.dir.join(&name);
        // Same name, same bytes: a file already there is this image.
        if !path.exists() {
            write_atomically(&path, &image.bytes)?;
        }
        let mut manifest = self.read_manifest()?;
        manifest.insert(
            guid.to_string(),
            Entry {
                file: name,
                url: url.clone(),
            },
        );
        self.write_manifest(&manifest)?;
        Ok(url)
    }

    async fn published(&self) -> Result<Vec<HostedImage>, PortError> {
        let _guard = self.lock.lock().await;
        Ok(self
            .read_manifest()?
            .into_iter()
            .map(|(guid, entry)| HostedImage {
                guid,
                url: entry.url,
            })
            .collect())
    }

    async fn remove(&self, image: &HostedImage) -> Result<(), PortError> {
        let _guard = self.lock.lock().await;
        let mut manifest = self.read_manifest()?;
        let Some(entry) = manifest.remove(&image.guid) else {
            return Ok(());
        };
        // Two GUIDs with the same bytes share one file: it goes with the last of them.
        if manifest.values().all(|other| other.file != entry.file) {
            match std::fs::remove_file(self.dir.join(&entry.file)) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => {
                    return Err(failure(format!("cannot remove {}: {error}", entry.file)))
                }
            }
        }
        self.write_manifest(&manifest)
    }
}

fn failure(message: String) -> PortError {
    PortError::new(PortErrorKind::Other, format!("image folder: {message}"))
}

fn create_private_dir(dir: &Path) -> Result<(), PortError> {
    create_private_dir_all(dir)
        .map_err(|error| failure(format!("cannot create {}: {error}", dir.display())))
}

/// Writes through a temporary file and a rename, owner-readable only, so a crash never
/// leaves half a file under the final name.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), PortError> {
    replace_private(path, bytes)
        .map_err(|error| failure(format!("cannot write {}: {error}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(bytes: &'static [u8]) -> FilePayload {
        FilePayload {
            file_name: "a.png".into(),
            content_type: Some("image/png".into()),
            bytes: bytes::Bytes::from_static(bytes),
        }
    }

    #[tokio::test]
    async fn publishing_is_idempotent_and_removal_keeps_shared_files() {
        let temp = tempfile::tempdir().unwrap();
        let base = Url::parse("https://help-assets.example.com/kb").unwrap();
        let host = FolderImageHost::new(temp.path().join("public"), &base, temp.path());
        let first = host.publish("g1", &payload(b"one")).await.unwrap();
        assert!(
            first.starts_with("https://help-assets.example.com/kb/"),
            "{first}"
        );
        assert_eq!(host.publish("g1", &payload(b"one")).await.unwrap(), first);
        assert_eq!(host.publish("g2", &payload(b"one")).await.unwrap(), first);
        let file = temp
            .path()
            .join("public")
            .join(first.rsplit('/').next().unwrap());
        assert_eq!(std::fs::read(&file).unwrap(), b"one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "owner-only: {mode:o}");
        }
        let published = host.published().await.unwrap();
        assert_eq!(published.len(), 2);
        host.remove(&published[0]).await.unwrap();
        assert!(file.exists(), "g2 still shows it");
        host.remove(&published[1]).await.unwrap();
        assert!(!file.exists());
        assert!(host.published().await.unwrap().is_empty());
        host.remove(&published[1]).await.unwrap();
    }
}
