//! Stable keys that name destination records by their source identity.
//!
//! A [`RecordKey`] is how an operation says "the Intercom contact that Vivantio caller 123
//! became" before that contact exists. The engine resolves keys to Intercom ids through the ID
//! map at run time, and the same key is the operation's idempotency mark, so a rerun never
//! creates a record twice.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The kind of destination record a key names; it decides how a record is undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A contact, company or conversation data attribute.
    Attribute,
    /// An Intercom ticket type.
    TicketType,
    /// An attribute of one Intercom ticket type.
    TicketTypeAttribute,
    /// A tag.
    Tag,
    /// An existing Intercom admin matched to a Vivantio agent (never created).
    Admin,
    /// An existing Intercom team matched to a Vivantio group (never created).
    Team,
    /// A company.
    Company,
    /// A contact (user or lead).
    Contact,
    /// A Help Center collection.
    Collection,
    /// A Help Center article.
    Article,
    /// A conversation.
    Conversation,
    /// An Intercom ticket.
    Ticket,
    /// A re-hosted copy of a Vivantio file (inline images), placed in the ID map by whoever
    /// re-hosts it.
    File,
}

impl RecordKind {
    /// Every kind, in a stable order.
    pub const ALL: [RecordKind; 13] = [
        RecordKind::Attribute,
        RecordKind::TicketType,
        RecordKind::TicketTypeAttribute,
        RecordKind::Tag,
        RecordKind::Admin,
        RecordKind::Team,
        RecordKind::Company,
        RecordKind::Contact,
        RecordKind::Collection,
        RecordKind::Article,
        RecordKind::Conversation,
        RecordKind::Ticket,
        RecordKind::File,
    ];

    /// The prefix this kind has in a key's text form.
    pub fn prefix(self) -> &'static str {
        match self {
            RecordKind::Attribute => "attribute",
            RecordKind::TicketType => "ticket-type",
            RecordKind::TicketTypeAttribute => "ticket-type-attribute",
            RecordKind::Tag => "tag",
            RecordKind::Admin => "admin",
            RecordKind::Team => "team",
            RecordKind::Company => "company",
            RecordKind::Contact => "contact",
            RecordKind::Collection => "collection",
            RecordKind::Article => "article",
            RecordKind::Conversation => "conversation",
            RecordKind::Ticket => "ticket",
            RecordKind::File => "file",
        }
    }

    /// Whether records of this kind are threads (conversations or tickets) that take parts.
    pub fn is_thread(self) -> bool {
        matches!(self, RecordKind::Conversation | RecordKind::Ticket)
    }
}

/// The stable name of one destination record, e.g. `contact:vivantio-caller:123`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordKey {
    kind: RecordKind,
    // Shared: keys are cloned into every operation that references them, and a run makes
    // millions of those clones.
    id: Arc<str>,
}

impl RecordKey {
    /// A key of any kind; `id` is the part after the kind prefix.
    pub fn new(kind: RecordKind, id: impl Into<String>) -> Self {
        Self {
            kind,
            id: Arc::from(id.into()),
        }
    }

    fn numbered(kind: RecordKind, source: &str, id: i64) -> Self {
        // Written on the stack first so that the shared text is the only allocation (through
        // a `String` it would be two, and a copy).
        let mut digits = [0u8; 20];
        let digits = int_digits(&mut digits, id);
        let sign: &[u8] = if id < 0 { b"-" } else { b"" };
        let pieces = [source.as_bytes(), b":", sign, digits];
        let length: usize = pieces.iter().map(|piece| piece.len()).sum();
        let mut text = [0u8; 64];
        if length <= text.len() {
            let mut at = 0;
            for piece in pieces {
                text[at..at + piece.len()].copy_from_slice(piece);
                at += piece.len();
            }
            if let Ok(id) = std::str::from_utf8(&text[..length]) {
                return Self {
                    kind,
                    id: Arc::from(id),
                };
            }
        }
        Self::new(kind, format!("{source}:{id}"))
    }

    /// Writes the key's text form to `out` (what `Display` shows, without the formatting
    /// machinery: marks are built millions of times).
    pub(crate) fn push_to(&self, out: &mut String) {
        out.push_str(self.kind.prefix());
        out.push(':');
        out.push_str(&self.id);
    }

    /// The contact a Vivantio caller becomes.
    pub fn contact(caller_id: i64) -> Self {
        Self::numbered(RecordKind::Contact, "vivantio-caller", caller_id)
    }

    /// The single contact that tickets without a usable caller are attributed to.
    pub fn placeholder_contact() -> Self {
        Self::new(RecordKind::Contact, "vivantio-placeholder:unknown-caller")
    }

    /// The company a Vivantio client (organisation) becomes.
    pub fn company(client_id: i64) -> Self {
        Self::numbered(RecordKind::Company, "vivantio-client", client_id)
    }

    /// The Intercom admin a Vivantio agent is matched to.
    pub fn admin(user_id: i64) -> Self {
        Self::numbered(RecordKind::Admin, "vivantio-user", user_id)
    }

    /// The configured fallback admin, author of everything whose agent has no Intercom admin.
    pub fn fallback_admin() -> Self {
        Self::new(RecordKind::Admin, "fallback")
    }

    /// The Intercom team a Vivantio group is matched to.
    pub fn team(group_id: i64) -> Self {
        Self::numbered(RecordKind::Team, "vivantio-group", group_id)
    }

    /// The conversation a Vivantio ticket becomes.
    pub fn conversation(ticket_id: i64) -> Self {
        Self::numbered(RecordKind::Conversation, "vivantio-ticket", ticket_id)
    }

    /// The Intercom ticket a Vivantio ticket becomes.
    pub fn ticket(ticket_id: i64) -> Self {
        Self::numbered(RecordKind::Ticket, "vivantio-ticket", ticket_id)
    }

    /// The collection a knowledge-base category becomes.
    pub fn collection(category_id: i64) -> Self {
        Self::numbered(RecordKind::Collection, "vivantio-category", category_id)
    }

    /// The Help Center article a knowledge-base article becomes.
    pub fn article(article_id: i64) -> Self {
        Self::numbered(RecordKind::Article, "vivantio-article", article_id)
    }

    /// A data attribute, named by its model and name (`attribute:conversation:vivantio_impact`).
    pub fn attribute(model: &str, name: &str) -> Self {
        Self::new(RecordKind::Attribute, format!("{model}:{name}"))
    }

    /// An Intercom ticket type, named by its (case-insensitive) name.
    pub fn ticket_type(name: &str) -> Self {
        Self::new(RecordKind::TicketType, name.to_lowercase())
    }

    /// An attribute of one Intercom ticket type.
    pub fn ticket_type_attribute(ticket_type: &str, name: &str) -> Self {
        Self::new(
            RecordKind::TicketTypeAttribute,
            format!("{}:{name}", ticket_type.to_lowercase()),
        )
    }

    /// The re-hosted copy of a Vivantio attachment, by GUID (case-insensitive).
    pub fn file(guid: &str) -> Self {
        Self::new(
            RecordKind::File,
            format!("vivantio-attachment:{}", guid.to_lowercase()),
        )
    }

    /// A tag, named case-insensitively as Intercom does.
    pub fn tag(name: &str) -> Self {
        Self::new(RecordKind::Tag, name.to_lowercase())
    }

    /// The kind of record this key names.
    pub fn kind(&self) -> RecordKind {
        self.kind
    }

    /// The part of the key after the kind prefix.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.prefix())?;
        f.write_str(":")?;
        f.write_str(&self.id)
    }
}

/// Appends the decimal form of `value` to `out`.
pub(crate) fn push_int(out: &mut String, value: i64) {
    let mut digits = [0u8; 20];
    let digits = int_digits(&mut digits, value);
    if value < 0 {
        out.push('-');
    }
    for digit in digits {
        out.push(char::from(*digit));
    }
}

/// The ASCII digits of `value`'s magnitude, written at the end of `buffer`.
fn int_digits(buffer: &mut [u8; 20], value: i64) -> &[u8] {
    let mut rest = value.unsigned_abs();
    let mut start = buffer.len();
    loop {
        start -= 1;
        buffer[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    &buffer[start..]
}

/// Builds an operation mark from pieces (`tagging:` + thread key + `:` + tag key).
#[derive(Debug, Default)]
pub(crate) struct Mark(String);

impl Mark {
    /// A mark starting with `prefix`.
    pub fn new(prefix: &str) -> Self {
        let mut text = String::with_capacity(96);
        text.push_str(prefix);
        Self(text)
    }

    /// Appends a key.
    pub fn key(mut self, key: &RecordKey) -> Self {
        key.push_to(&mut self.0);
        self
    }

    /// Appends text.
    pub fn text(mut self, text: &str) -> Self {
        self.0.push_str(text);
        self
    }

    /// Appends a number.
    pub fn int(mut self, value: i64) -> Self {
        push_int(&mut self.0, value);
        self
    }

    /// The mark.
    pub fn build(self) -> String {
        self.0
    }
}

/// Why a text is not a [`RecordKey`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a record key (expected `<kind>:<id>` with a known kind)")]
pub struct ParseKeyError(pub String);

impl FromStr for RecordKey {
    type Err = ParseKeyError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // Longest prefix first: `ticket-type-attribute` must not be read as `ticket`.
        let mut kinds = RecordKind::ALL;
        kinds.sort_by_key(|kind| std::cmp::Reverse(kind.prefix().len()));
        kinds
            .iter()
            .find_map(|kind| {
                text.strip_prefix(kind.prefix())
                    .and_then(|rest| rest.strip_prefix(':'))
                    .filter(|id| !id.is_empty())
                    .map(|id| RecordKey::new(*kind, id))
            })
            .ok_or_else(|| ParseKeyError(text.to_string()))
    }
}

impl Serialize for RecordKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RecordKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_text() {
        let keys = [
            RecordKey::contact(123),
            RecordKey::placeholder_contact(),
            RecordKey::company(5),
            RecordKey::admin(7),
            RecordKey::fallback_admin(),
            RecordKey::team(2),
            RecordKey::conversation(9),
            RecordKey::ticket(9),
            RecordKey::collection(4),
            RecordKey::article(3),
            RecordKey::attribute("conversation", "vivantio_impact"),
            RecordKey::ticket_type("Service Request"),
            RecordKey::ticket_type_attribute("Service Request", "vivantio_impact"),
            RecordKey::tag("Category: Email"),
            RecordKey::file("ABC-123"),
        ];
        for key in keys {
            let text = key.to_string();
            assert_eq!(text.parse::<RecordKey>().unwrap(), key, "{text}");
        }
    }

    #[test]
    fn the_contact_key_has_the_documented_shape() {
        assert_eq!(
            RecordKey::contact(123).to_string(),
            "contact:vivantio-caller:123"
        );
        assert_eq!(
            RecordKey::ticket_type_attribute("Bug", "x").to_string(),
            "ticket-type-attribute:bug:x"
        );
    }

    #[test]
    fn numbered_keys_print_every_id_like_display() {
        for id in [0, 9, -9, 123, i64::MAX, i64::MIN] {
            assert_eq!(
                RecordKey::conversation(id).to_string(),
                format!("conversation:vivantio-ticket:{id}")
            );
            assert_eq!(
                RecordKey::collection(id).id(),
                format!("vivantio-category:{id}")
            );
        }
    }

    #[test]
    fn integers_print_like_display() {
        for value in [0, 7, -7, 10, 1_234_567, i64::MAX, i64::MIN] {
            let mut text = String::new();
            push_int(&mut text, value);
            assert_eq!(text, value.to_string());
        }
        let mark = Mark::new("tagging:")
            .key(&RecordKey::conversation(5))
            .text(":")
            .int(-3)
            .build();
        assert_eq!(mark, "tagging:conversation:vivantio-ticket:5:-3");
    }

    #[test]
    fn unknown_prefixes_and_empty_ids_are_refused() {
        for text in ["", "contact", "contact:", "robot:1", "tickets:1"] {
            assert!(text.parse::<RecordKey>().is_err(), "{text}");
        }
    }
}
