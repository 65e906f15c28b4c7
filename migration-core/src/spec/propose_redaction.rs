//! The proposer's redaction: both built-in detectors on, each with its reason, so a migration
//! stops copying card numbers and pasted passwords unless a person decides otherwise.

use super::confidence::Confidence;
use super::propose::Proposer;

impl Proposer<'_> {
    pub(super) fn redaction(&mut self) {
        self.spec.redaction.cards = true;
        self.note(
            "redaction.cards".into(),
            "card numbers → [redacted: card]".into(),
            "old tickets hold card numbers callers typed; 13 to 19 digits that pass the Luhn check are replaced in bodies, titles, attribute values and file names, so order numbers that fail it are kept (set to false to keep every number)".into(),
            Confidence::High,
        );
        self.spec.redaction.credentials = true;
        self.note(
            "redaction.credentials".into(),
            "values after password:, pin:, secret:, api key: … → [redacted: credential]".into(),
            "callers paste passwords into tickets; the value after such a label and `:` or `=` is replaced to the end of its line, the label kept (set to false to keep them)".into(),
            Confidence::High,
        );
    }
}
