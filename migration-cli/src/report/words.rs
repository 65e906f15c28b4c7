//! Figures in words for people: counts with separators, durations, sizes, percentages, and
//! the names of the engine's enums as a person reads them.

use std::collections::BTreeMap;

use migration_core::engine::{RunMode, RunOutcome, StageReport, VerifySelection};
use migration_core::model::source::SourceKind;
use serde::Serialize;

/// The machine name of a serde enum variant (`missing_email`, `article_links`).
pub(crate) fn wire_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        Ok(other) => other.to_string(),
        Err(_) => String::from("unknown"),
    }
}

/// `article_links` → `Article links`.
pub(crate) fn humanize(name: &str) -> String {
    capitalised(&name.replace(['_', '-'], " "))
}

/// `dry run: nothing was changed` → `Dry run: nothing was changed`.
pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A stage's name, with its pass in an open-first run (`Tickets (open)`).
pub(crate) fn stage_title(stage: &StageReport) -> String {
    let name = humanize(&wire_name(&stage.stage));
    match stage.pass {
        Some(pass) => format!("{name} ({})", pass.label()),
        None => name,
    }
}

/// A run's mode, in words.
pub(crate) fn run_title(mode: RunMode, dry_run: bool) -> String {
    let mode = match mode {
        RunMode::Sample { tickets } => format!("Sample run ({tickets} tickets)"),
        RunMode::Full => "Full run".to_string(),
        RunMode::Delta => "Delta run".to_string(),
    };
    if dry_run {
        format!("{mode}, dry run")
    } else {
        mode
    }
}

/// How a run ended, in words.
pub(crate) fn outcome_text(outcome: &RunOutcome) -> String {
    match outcome {
        RunOutcome::Completed => "completed".to_string(),
        RunOutcome::StoppedOnMismatch { stage } => format!(
            "stopped: the {} stage did not match the source count",
            humanize(&wire_name(stage)).to_lowercase()
        ),
        RunOutcome::Interrupted => "interrupted (run it again to resume)".to_string(),
    }
}

/// `1234567` → `1,234,567`.
pub(crate) fn count(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A duration in milliseconds, rounded for people.
pub(crate) fn duration(ms: u64) -> String {
    let seconds = ms / 1000;
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
        60_000..=3_599_999 => format!("{} min {:02} s", seconds / 60, seconds % 60),
        _ => format!("{} h {:02} min", seconds / 3600, (seconds % 3600) / 60),
    }
}

/// A size in bytes, in binary units.
pub(crate) fn bytes(value: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if value < 1024 {
        return format!("{value} B");
    }
    let mut size = value as f64 / 1024.0;
    let mut unit = 0;
    while size >= 1024.0 && unit + 1 < UNITS.len() {
        size /= 1024.0;
        unit += 1;
    }
    format!("{size:.1} {}", UNITS[unit])
}

/// `part` of `whole` as a percentage with one decimal, rounded down so that anything short of
/// the whole never shows as 100% (`–` when the whole is 0).
pub(crate) fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "–".to_string();
    }
    let tenths = u128::from(part) * 1000 / u128::from(whole);
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// Records left out per kind (`54 tickets, 3 callers`), in the kinds' order.
pub(crate) fn left_out_text(left_out: &BTreeMap<SourceKind, u64>) -> String {
    left_out
        .iter()
        .filter(|(_, records)| **records > 0)
        .map(|(kind, records)| {
            // Only tickets, callers, organisations and articles are left out; each takes an s.
            format!("{} {}s", count(*records), kind.as_str())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A JSON value as compact text, cut to `limit` characters (the JSON report has it whole).
pub(crate) fn value_text(value: Option<&serde_json::Value>, limit: usize) -> String {
    let text = match value {
        None => return "(missing)".to_string(),
        Some(serde_json::Value::String(text)) => format!("\"{text}\""),
        Some(other) => other.to_string(),
    };
    if text.chars().count() <= limit {
        text
    } else {
        let cut: String = text.chars().take(limit).collect();
        format!("{cut}…")
    }
}

/// Which records verification compared, in words.
pub(crate) fn selection_text(selection: VerifySelection) -> String {
    match selection {
        VerifySelection::All => "every moved record compared".to_string(),
        VerifySelection::Percent { percent, seed } => {
            format!("about {percent}% of moved records compared (seed {seed})")
        }
        VerifySelection::PerKind { records, seed } => {
            format!("{records} moved records of each kind compared (seed {seed})")
        }
        VerifySelection::Count { records, seed } => {
            format!("{records} moved records compared (seed {seed})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn durations_read_like_a_person_says_them() {
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(12_400), "12.4 s");
        assert_eq!(duration(245_000), "4 min 05 s");
        assert_eq!(duration(7_380_000), "2 h 03 min");
    }

    #[test]
    fn sizes_use_binary_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        let value = serde_json::Value::String("é".repeat(10));
        assert_eq!(value_text(Some(&value), 4), "\"ééé…");
        assert_eq!(value_text(None, 4), "(missing)");
    }

    #[test]
    fn percentages_never_round_up_to_the_whole() {
        assert_eq!(percent(54_618, 54_623), "99.9%");
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(7, 7), "100.0%");
        assert_eq!(percent(0, 0), "–");
    }

    #[test]
    fn stages_of_an_open_first_run_say_their_pass() {
        use migration_core::engine::{Pass, Stage};
        let mut stage = StageReport::new(Stage::Tickets);
        assert_eq!(stage_title(&stage), "Tickets");
        stage.pass = Some(Pass::History);
        assert_eq!(stage_title(&stage), "Tickets (history)");
    }

    #[test]
    fn names_are_humanized() {
        assert_eq!(humanize("article_links"), "Article links");
        assert_eq!(humanize(""), "");
    }

    #[test]
    fn a_phrase_starts_with_a_capital() {
        assert_eq!(
            capitalised("dry run: nothing was changed"),
            "Dry run: nothing was changed"
        );
        assert_eq!(capitalised("état"), "État");
        assert_eq!(capitalised(""), "");
    }
}
