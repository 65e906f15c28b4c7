//! A valid card number planted anywhere a caller can type (title, description, a message in
//! text or HTML, a custom or legacy field, an attachment's name) never reaches the
//! destination: not in an operation, not in a file's name. Verification afterwards finds
//! nothing different, as it expects the redacted values.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use migration_core::engine::{Engine, RunMode, VerifyOptions};
use migration_core::keys::RecordKind;
use migration_core::model::destination::{DestinationSchema, ObservedRecord};
use migration_core::model::source::{Attachment, SourceInstance};
use migration_core::ports::{Destination, ExecutionOutcome, ExecutionRequest};
use migration_core::rollback::UndoStep;
use migration_core::PortError;
use proptest::prelude::*;
use serde_json::json;

use super::fake_destination::FakeDestination;
use super::harness::{confirmed, instance, NoWait, World};

/// A destination that keeps every text it is sent (operations and file names), then lets the
/// fake destination apply it.
struct Recording<'a> {
    inner: &'a FakeDestination,
    sent: Mutex<Vec<String>>,
}

impl Recording<'_> {
    fn keep(&self, request: &ExecutionRequest<'_>) {
        let mut sent = self.sent.lock().unwrap();
        sent.push(serde_json::to_string(&request.operation.op).unwrap());
        sent.extend(request.files.iter().map(|file| file.file_name.clone()));
    }
}

#[async_trait]
impl Destination for Recording<'_> {
    async fn schema(&self) -> Result<DestinationSchema, PortError> {
        self.inner.schema().await
    }

    async fn execute(&self, request: ExecutionRequest<'_>) -> Result<ExecutionOutcome, PortError> {
        self.keep(&request);
        self.inner.execute(request).await
    }

    async fn read_back(
        &self,
        kind: RecordKind,
        id: &str,
    ) -> Result<Option<ObservedRecord>, PortError> {
        self.inner.read_back(kind, id).await
    }

    async fn undo(&self, step: &UndoStep) -> Result<(), PortError> {
        self.inner.undo(step).await
    }

    async fn reconcile(
        &self,
        request: ExecutionRequest<'_>,
    ) -> Result<Option<ExecutionOutcome>, PortError> {
        self.keep(&request);
        self.inner.reconcile(request).await
    }
}

/// How the number is written.
#[derive(Debug, Clone, Copy)]
enum Spelling {
    Plain,
    Spaces,
    Dashes,
    NoBreakSpaces,
}

/// Where it is planted.
#[derive(Debug, Clone, Copy)]
enum Place {
    Title,
    Description,
    DescriptionHtml,
    MessageText,
    MessageHtml,
    /// In HTML, its first group of digits in bold.
    MessageHtmlSplit,
    NumberField,
    LegacyField,
    ActionFileName,
    TicketFileName,
}

/// A Luhn-valid number of 13 to 19 digits.
fn card_number() -> impl Strategy<Value = String> {
    (3u8..=6, prop::collection::vec(0u8..10, 11..=17)).prop_map(|(first, rest)| {
        let mut digits: Vec<u8> = std::iter::once(first).chain(rest).collect();
        // The check digit makes the sum of the doubled-alternately digits a multiple of 10.
        let sum: u32 = digits
            .iter()
            .rev()
            .enumerate()
            .map(|(index, digit)| {
                let digit = u32::from(*digit);
                if index % 2 == 0 {
                    let doubled = digit * 2;
                    if doubled > 9 {
                        doubled - 9
                    } else {
                        doubled
                    }
                } else {
                    digit
                }
            })
            .sum();
        digits.push(((10 - sum % 10) % 10) as u8);
        digits
            .iter()
            .map(|digit| char::from(b'0' + digit))
            .collect()
    })
}

fn spelled(digits: &str, spelling: Spelling, html: bool) -> String {
    let separator = match spelling {
        Spelling::Plain => return digits.to_string(),
        Spelling::Spaces => " ",
        Spelling::Dashes => "-",
        Spelling::NoBreakSpaces if html => "&nbsp;",
        Spelling::NoBreakSpaces => "\u{a0}",
    };
    digits
        .as_bytes()
        .chunks(4)
        .map(|group| std::str::from_utf8(group).unwrap())
        .collect::<Vec<_>>()
        .join(separator)
}

fn plant(
    instance: &mut SourceInstance,
    index: usize,
    place: Place,
    digits: &str,
    spelling: Spelling,
    before: &str,
    after: &str,
) {
    let text = format!("{before} {} {after}", spelled(digits, spelling, false));
    let html = match place {
        Place::MessageHtmlSplit => {
            let card = spelled(digits, spelling, true);
            format!(
                "<p>{before} <b>{}</b>{} {after}</p>",
                &card[..4],
                &card[4..]
            )
        }
        _ => format!(
            "<p>{before} {} {after}</p>",
            spelled(digits, spelling, true)
        ),
    };
    let ticket = &mut instance.tickets[index];
    let file = |id: i64| Attachment {
        id,
        guid: format!("00000000-0000-0000-0000-{id:012}"),
        file_name: format!("{}.pdf", text.trim()),
        content_type: Some("application/pdf".into()),
        size: Some(64),
        private: false,
        created_at: None,
    };
    let action = ticket
        .actions
        .iter_mut()
        .find(|action| action.notes.is_some())
        .expect("the ticket has a message");
    match place {
        Place::Title => ticket.title = text,
        Place::Description => ticket.description = Some(text),
        Place::DescriptionHtml => {
            ticket.description = None;
            ticket.description_html = Some(html);
        }
        Place::MessageText => action.notes = Some(text),
        Place::MessageHtml | Place::MessageHtmlSplit => action.notes_html = Some(html),
        Place::NumberField => {
            ticket.custom_values[0].value = json!(spelled(digits, spelling, false))
        }
        Place::LegacyField => ticket.legacy_values[0].value = json!(text),
        Place::ActionFileName => action.attachments.push(file(990_001)),
        Place::TicketFileName => ticket.attachments.push(file(990_002)),
    }
}

fn place() -> impl Strategy<Value = Place> {
    prop_oneof![
        Just(Place::Title),
        Just(Place::Description),
        Just(Place::DescriptionHtml),
        Just(Place::MessageText),
        Just(Place::MessageHtml),
        Just(Place::MessageHtmlSplit),
        Just(Place::NumberField),
        Just(Place::LegacyField),
        Just(Place::ActionFileName),
        Just(Place::TicketFileName),
    ]
}

fn spelling() -> impl Strategy<Value = Spelling> {
    prop_oneof![
        Just(Spelling::Plain),
        Just(Spelling::Spaces),
        Just(Spelling::Dashes),
        Just(Spelling::NoBreakSpaces),
    ]
}

/// The digits of `text`, in order, anything between them dropped.
fn digits_of(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_planted_card_number_never_reaches_the_destination(
        digits in card_number(),
        place in place(),
        spelling in spelling(),
        // The first ticket becomes a conversation, the last an Intercom ticket.
        last in any::<bool>(),
        before in "[A-Za-z]{1,8}( [a-z]{1,8}){0,2}",
        after in "[a-z]{1,8}( [a-z]{1,8}){0,2}",
    ) {
        let mut planted = instance(2);
        let index = if last { planted.tickets.len() - 1 } else { 0 };
        // Both tickets carry a number field and a legacy value, whichever type they are.
        planted.tickets[index].custom_values = planted.tickets[0].custom_values.clone();
        planted.tickets[index].legacy_values = planted.tickets[0].legacy_values.clone();
        plant(&mut planted, index, place, &digits, spelling, &before, &after);
        let spec = confirmed(&planted);
        prop_assert!(spec.spec().redaction.cards, "the proposal redacts card numbers");
        let world = World::new(planted);
        let recording = Recording { inner: &world.destination, sent: Mutex::new(Vec::new()) };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (report, verified) = runtime.block_on(async {
            let engine = Engine::builder(&world.source, &recording, &world.store)
                .sleeper(Arc::new(NoWait::default()))
                .build();
            let report = engine.run(&spec, RunMode::Full).await.unwrap();
            let verified = engine.verify(&spec, &VerifyOptions::default()).await.unwrap();
            (report, verified)
        });
        let sent = recording.sent.lock().unwrap();
        prop_assert!(sent.len() > 20, "the migration ran ({} requests)", sent.len());
        for text in sent.iter() {
            prop_assert!(
                !digits_of(text).contains(&digits),
                "{digits} planted in {place:?} was sent: {text}"
            );
        }
        let card = report.redactions.0.get("card").copied().unwrap_or_default();
        prop_assert_eq!((card.values, card.records), (1, 1), "counted once: {:?}", report.redactions);
        prop_assert!(verified.is_clean(), "{:#?}", verified.differences);
    }
}
