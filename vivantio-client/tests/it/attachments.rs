//! `File/*`: attachment lists per parent and downloads.

use serde_json::json;
use vivantio_client::{Error, SystemArea};
use wiremock::matchers::{body_json, query_param};

use crate::common::{empty_body, ok, ok_data, post, setup};

#[tokio::test]
async fn list_by_parent_and_area() {
    let (server, client) = setup().await;
    post("File/AttachmentSelectByParent")
        .and(query_param("parentId", "10225"))
        .and(query_param("parentArea", "Ticket"))
        .and(empty_body)
        .respond_with(ok_data("attachments"))
        .expect(1)
        .mount(&server)
        .await;
    let attachments = client
        .attachments()
        .list(10225, SystemArea::Ticket)
        .await
        .unwrap();
    assert_eq!(
        attachments[1].attachment_guid.as_deref(),
        Some("9b8c7d6e-5f4a-3b2c-1d0e-f9e8d7c6b5a4"),
        "UniqueId is read as the guid"
    );
    assert_eq!(
        attachments[1].parent_area,
        Some(SystemArea::Ticket),
        "code 3"
    );
    assert_eq!(attachments[1].size, None);
    insta::assert_json_snapshot!("attachments", attachments);
}

#[tokio::test]
async fn download_decodes_and_fingerprints() {
    let (server, client) = setup().await;
    post("File/AttachmentDownload")
        .and(body_json(
            json!({"AttachmentGuid": "3f2a1c9e-8b7d-4e6f-a1b2-c3d4e5f60718"}),
        ))
        .respond_with(ok_data("attachment_download"))
        .expect(1)
        .mount(&server)
        .await;
    let file = client
        .attachments()
        .download("3f2a1c9e-8b7d-4e6f-a1b2-c3d4e5f60718")
        .await
        .unwrap();
    assert_eq!(file.content.as_ref(), b"hello world");
    assert_eq!(file.size, 11);
    assert_eq!(
        file.sha256,
        "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
    );
    assert_eq!(file.file_name.as_deref(), Some("printer-log.txt"));
    assert!(
        !format!("{file:?}").contains("hello"),
        "Debug omits the bytes"
    );
}

#[tokio::test]
async fn download_errors() {
    let (server, client) = setup().await;
    post("File/AttachmentDownload")
        .and(body_json(json!({"AttachmentGuid": "bad-base64"})))
        .respond_with(ok(
            json!({"Successful": true, "FileName": "x", "Content": "@@@"}),
        ))
        .mount(&server)
        .await;
    post("File/AttachmentDownload")
        .and(body_json(json!({"AttachmentGuid": "no-content"})))
        .respond_with(ok(
            json!({"Successful": true, "FileName": "x", "Content": null}),
        ))
        .mount(&server)
        .await;
    post("File/AttachmentDownload")
        .and(body_json(json!({"AttachmentGuid": "gone"})))
        .respond_with(ok_data("error_not_found"))
        .mount(&server)
        .await;
    let attachments = client.attachments();
    let bad = attachments.download("bad-base64").await.unwrap_err();
    assert!(
        matches!(&bad, Error::Decode { path, .. } if path == "Content"),
        "{bad}"
    );
    let missing = attachments.download("no-content").await.unwrap_err();
    assert!(matches!(&missing, Error::Decode { path, .. } if path == "Content"));
    assert!(attachments
        .download("gone")
        .await
        .unwrap_err()
        .is_not_found());
}
