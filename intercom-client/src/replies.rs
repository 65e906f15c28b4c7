//! Replies and notes, shared by conversations (`POST /conversations/{id}/reply`) and tickets
//! (`POST /tickets/{id}/reply`).
//!
//! Every reply accepts a historical `created_at`, so imported parts keep their original times.
//! Admin replies take `skip_notifications`; send it during an import so customers are not emailed.

use bytes::Bytes;
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use crate::body::{StreamedFile, StreamingJson};
use crate::error::Error;
use crate::ids::{AdminId, ContactId};
use crate::timestamp::Timestamp;
use crate::transport::ApiRequest;

/// Intercom accepts at most this many attachment URLs, and this many files, per part.
pub const MAX_ATTACHMENTS: usize = 10;

/// A file sent inline (`conversation_attachment_files`). It holds the raw bytes; they are
/// base64-encoded chunk by chunk while the request is sent, so a large file is never copied
/// into a base64 string.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentFile {
    /// MIME type, e.g. `application/pdf`.
    pub content_type: String,
    /// The file's raw bytes (base64 on the wire).
    #[serde(with = "base64_bytes")]
    pub data: Bytes,
    /// File name.
    pub name: String,
}

impl AttachmentFile {
    /// A file from bytes already shared (no copy).
    pub fn new(
        name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        AttachmentFile {
            content_type: content_type.into(),
            data: data.into(),
            name: name.into(),
        }
    }

    /// A file from borrowed bytes (copied once).
    pub fn from_bytes(
        name: impl Into<String>,
        content_type: impl Into<String>,
        bytes: &[u8],
    ) -> Self {
        Self::new(name, content_type, Bytes::copy_from_slice(bytes))
    }

    fn streamed(&self) -> StreamedFile<'_> {
        StreamedFile {
            fields: [
                ("content_type", self.content_type.as_str()),
                ("name", self.name.as_str()),
            ],
            data_key: "data",
            data: &self.data,
        }
    }
}

impl std::fmt::Debug for AttachmentFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The data may be megabytes; show its size only.
        f.debug_struct("AttachmentFile")
            .field("content_type", &self.content_type)
            .field("data", &format_args!("{} bytes", self.data.len()))
            .field("name", &self.name)
            .finish()
    }
}

/// Serde for raw bytes written as a base64 string (standard alphabet, padded).
mod base64_bytes {
    use base64::Engine as _;
    use bytes::Bytes;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(data: &Bytes, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(data))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Bytes, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Bytes::from)
            .map_err(serde::de::Error::custom)
    }
}

/// A quick-reply button offered by an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickReplyOption {
    /// Button text.
    pub text: String,
    /// A UUID identifying the option.
    pub uuid: String,
}

/// What kind of part an admin adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminMessageType {
    /// A reply visible to the customer.
    Comment,
    /// An internal note (some HTML accepted).
    Note,
    /// A reply with quick-reply buttons.
    QuickReply,
}

/// A reply or note by an admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminReply {
    /// Comment, note or quick reply.
    pub message_type: AdminMessageType,
    /// The author; must be an existing admin.
    pub admin_id: AdminId,
    /// Text (required for comments and notes).
    pub body: Option<String>,
    /// Original time of the part (Unix seconds).
    pub created_at: Option<Timestamp>,
    /// Public URLs Intercom should fetch and attach (at most ten).
    pub attachment_urls: Vec<String>,
    /// Files sent inline (at most ten).
    pub attachment_files: Vec<AttachmentFile>,
    /// Do not notify the customer.
    pub skip_notifications: Option<bool>,
    /// Quick-reply buttons (quick replies only).
    pub reply_options: Option<Vec<QuickReplyOption>>,
    /// Tickets only: also post a back-office note on linked conversations.
    pub cross_post: Option<bool>,
}

impl AdminReply {
    fn with_type(
        message_type: AdminMessageType,
        admin_id: impl Into<AdminId>,
        body: impl Into<String>,
    ) -> Self {
        AdminReply {
            message_type,
            admin_id: admin_id.into(),
            body: Some(body.into()),
            created_at: None,
            attachment_urls: Vec::new(),
            attachment_files: Vec::new(),
            skip_notifications: None,
            reply_options: None,
            cross_post: None,
        }
    }

    /// A customer-visible reply.
    pub fn comment(admin_id: impl Into<AdminId>, body: impl Into<String>) -> Self {
        Self::with_type(AdminMessageType::Comment, admin_id, body)
    }

    /// An internal note.
    pub fn note(admin_id: impl Into<AdminId>, body: impl Into<String>) -> Self {
        Self::with_type(AdminMessageType::Note, admin_id, body)
    }

    /// Sets the original time of the part.
    pub fn created_at(mut self, at: impl Into<Timestamp>) -> Self {
        self.created_at = Some(at.into());
        self
    }

    /// Suppresses notifications.
    pub fn skip_notifications(mut self) -> Self {
        self.skip_notifications = Some(true);
        self
    }
}

/// How a contact reply names its author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactIdentity {
    /// Intercom's contact id (`intercom_user_id`).
    IntercomUserId(ContactId),
    /// The contact's email.
    Email(String),
    /// The contact's external id (`user_id`).
    ExternalId(String),
}

/// A reply written by a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactReply {
    /// The author.
    pub contact: ContactIdentity,
    /// Text.
    pub body: String,
    /// Original time of the part (Unix seconds).
    pub created_at: Option<Timestamp>,
    /// Public URLs Intercom should fetch and attach (at most ten).
    pub attachment_urls: Vec<String>,
    /// Files sent inline (at most ten; conversations only, ticket contact replies take none).
    pub attachment_files: Vec<AttachmentFile>,
}

impl ContactReply {
    /// A reply by the contact with this Intercom id.
    pub fn new(contact_id: impl Into<ContactId>, body: impl Into<String>) -> Self {
        ContactReply {
            contact: ContactIdentity::IntercomUserId(contact_id.into()),
            body: body.into(),
            created_at: None,
            attachment_urls: Vec::new(),
            attachment_files: Vec::new(),
        }
    }

    /// Sets the original time of the part.
    pub fn created_at(mut self, at: impl Into<Timestamp>) -> Self {
        self.created_at = Some(at.into());
        self
    }
}

/// A reply by an admin or a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// By an admin (comment, note, quick reply).
    Admin(AdminReply),
    /// By a contact.
    Contact(ContactReply),
}

impl From<AdminReply> for Reply {
    fn from(reply: AdminReply) -> Self {
        Reply::Admin(reply)
    }
}

impl From<ContactReply> for Reply {
    fn from(reply: ContactReply) -> Self {
        Reply::Contact(reply)
    }
}

/// Where a reply goes; the two endpoints accept slightly different fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReplyTarget {
    Conversation,
    Ticket,
}

impl Reply {
    /// Enforces the documented limits before sending.
    pub(crate) fn check(&self, target: ReplyTarget) -> Result<(), Error> {
        let (urls, files) = match self {
            Reply::Admin(r) => (r.attachment_urls.len(), r.attachment_files.len()),
            Reply::Contact(r) => (r.attachment_urls.len(), r.attachment_files.len()),
        };
        if urls > MAX_ATTACHMENTS || files > MAX_ATTACHMENTS {
            return Err(Error::InvalidRequest(format!(
                "at most {MAX_ATTACHMENTS} attachment URLs and {MAX_ATTACHMENTS} files per part (got {urls} and {files})"
            )));
        }
        match self {
            Reply::Admin(r) => {
                if r.message_type != AdminMessageType::QuickReply && r.body.is_none() {
                    return Err(Error::InvalidRequest(
                        "comments and notes need a body".into(),
                    ));
                }
                if target == ReplyTarget::Conversation && r.cross_post.is_some() {
                    return Err(Error::InvalidRequest(
                        "cross_post applies to ticket replies only".into(),
                    ));
                }
            }
            Reply::Contact(r) => {
                if target == ReplyTarget::Ticket && !r.attachment_files.is_empty() {
                    return Err(Error::InvalidRequest(
                        "contact replies on tickets accept attachment URLs only".into(),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The wire form shared by both reply kinds.
#[derive(Serialize)]
struct ReplyWire<'a> {
    message_type: AdminOrComment,
    #[serde(rename = "type")]
    author_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_id: Option<&'a AdminId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    intercom_user_id: Option<&'a ContactId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    attachment_urls: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    attachment_files: &'a [AttachmentFile],
    #[serde(skip_serializing_if = "Option::is_none")]
    skip_notifications: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_options: Option<&'a [QuickReplyOption]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cross_post: Option<bool>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum AdminOrComment {
    Admin(AdminMessageType),
    Contact(&'static str),
}

impl Reply {
    fn files(&self) -> &[AttachmentFile] {
        match self {
            Reply::Admin(r) => &r.attachment_files,
            Reply::Contact(r) => &r.attachment_files,
        }
    }

    /// The wire form, with or without the files.
    fn wire(&self, with_files: bool) -> ReplyWire<'_> {
        let files = if with_files { self.files() } else { &[] };
        match self {
            Reply::Admin(r) => ReplyWire {
                message_type: AdminOrComment::Admin(r.message_type),
                author_type: "admin",
                admin_id: Some(&r.admin_id),
                intercom_user_id: None,
                email: None,
                user_id: None,
                body: r.body.as_deref(),
                created_at: r.created_at,
                attachment_urls: &r.attachment_urls,
                attachment_files: files,
                skip_notifications: r.skip_notifications,
                reply_options: r.reply_options.as_deref(),
                cross_post: r.cross_post,
            },
            Reply::Contact(r) => {
                let (intercom_user_id, email, user_id) = match &r.contact {
                    ContactIdentity::IntercomUserId(id) => (Some(id), None, None),
                    ContactIdentity::Email(email) => (None, Some(email.as_str()), None),
                    ContactIdentity::ExternalId(id) => (None, None, Some(id.as_str())),
                };
                ReplyWire {
                    message_type: AdminOrComment::Contact("comment"),
                    author_type: "user",
                    admin_id: None,
                    intercom_user_id,
                    email,
                    user_id,
                    body: Some(&r.body),
                    created_at: r.created_at,
                    attachment_urls: &r.attachment_urls,
                    attachment_files: files,
                    skip_notifications: None,
                    reply_options: None,
                    cross_post: None,
                }
            }
        }
    }

    /// The POST to `segments` that sends this reply; files are streamed, not serialized whole.
    pub(crate) fn request(&self, segments: &[&str]) -> Result<ApiRequest, Error> {
        let post = ApiRequest::post(segments);
        if self.files().is_empty() {
            return post.json(self);
        }
        let files: Vec<StreamedFile<'_>> =
            self.files().iter().map(AttachmentFile::streamed).collect();
        let body = StreamingJson::object_with_files(&self.wire(false), "attachment_files", &files)?;
        Ok(post.streaming_json(body))
    }
}

impl Serialize for Reply {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.wire(true).serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_note_wire_form() {
        let reply = Reply::from(
            AdminReply::note("991267", "internal")
                .created_at(1_600_000_000)
                .skip_notifications(),
        );
        assert_eq!(
            serde_json::to_value(&reply).unwrap(),
            serde_json::json!({"message_type": "note", "type": "admin", "admin_id": "991267",
                "body": "internal", "created_at": 1_600_000_000, "skip_notifications": true})
        );
    }

    #[test]
    fn contact_reply_by_external_id_and_file_encoding() {
        let mut reply = ContactReply::new("x", "hi");
        reply.contact = ContactIdentity::ExternalId("viv-1".into());
        reply
            .attachment_files
            .push(AttachmentFile::from_bytes("a.txt", "text/plain", b"hello"));
        let value = serde_json::to_value(Reply::from(reply)).unwrap();
        assert_eq!(value["type"], "user");
        assert_eq!(value["user_id"], "viv-1");
        assert_eq!(value["attachment_files"][0]["data"], "aGVsbG8=");
    }

    #[test]
    fn eleven_attachments_are_refused() {
        let mut reply = AdminReply::comment("1", "x");
        reply.attachment_urls = (0..11)
            .map(|i| format!("https://files.example/{i}"))
            .collect();
        let error = Reply::from(reply)
            .check(ReplyTarget::Conversation)
            .unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)));
    }
}
