//! File names that are safe to save: whoever downloads an attachment from Intercom gets a
//! name that cannot climb out of their download folder, hide its real extension or name a
//! device.

use std::borrow::Cow;

/// The longest name most file systems store, in bytes of UTF-8.
const MAX_NAME_BYTES: usize = 255;

/// The name given to a file whose name is nothing once made safe.
const UNNAMED: &str = "attachment";

/// Windows device names, which open the device instead of a file whatever the extension.
const RESERVED_STEMS: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// `name` made safe to save as one file: the last path segment only (a name is never
/// decoded, so `%2e%2e%2f` stays text); control characters and bidirectional overrides
/// removed; characters Windows refuses replaced by `_`; blanks and dots trimmed from the
/// ends; a device name prefixed with `_`; cut to 255 bytes keeping the extension; and
/// `attachment` when nothing is left.
pub fn safe_file_name(name: &str) -> Cow<'_, str> {
    if is_safe(name) {
        return Cow::Borrowed(name);
    }
    let last_segment = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut safe: String = last_segment
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .map(|c| if is_refused_by_windows(c) { '_' } else { c })
        .collect();
    safe = safe
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string();
    if safe.is_empty() {
        return Cow::Borrowed(UNNAMED);
    }
    if is_reserved(&safe) {
        safe.insert(0, '_');
    }
    Cow::Owned(truncated(safe))
}

fn is_safe(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && !name.starts_with(['.', ' '])
        && !name.ends_with(['.', ' '])
        && !name
            .chars()
            .any(|c| c.is_control() || is_bidi_control(c) || is_refused_by_windows(c) || c == '/')
        && !is_reserved(name)
}

/// Embedding and override marks that display text in another order than it is stored, so
/// `invoice` U+202E `gnp.exe` shows as `invoiceexe.png`.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn is_refused_by_windows(c: char) -> bool {
    matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*' | '\\')
}

fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default().trim_end();
    RESERVED_STEMS
        .iter()
        .any(|reserved| reserved.eq_ignore_ascii_case(stem))
}

/// Cuts `name` to [`MAX_NAME_BYTES`] on a character boundary, keeping a short extension.
fn truncated(name: String) -> String {
    if name.len() <= MAX_NAME_BYTES {
        return name;
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, extension)| extension)
        .filter(|extension| !extension.is_empty() && extension.len() <= 16)
        .map_or(String::new(), |extension| format!(".{extension}"));
    let mut stem_end = MAX_NAME_BYTES - extension.len();
    while !name.is_char_boundary(stem_end) {
        stem_end -= 1;
    }
    format!("{}{extension}", &name[..stem_end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_become_safe_names() {
        let long = format!("{}.txt", "a".repeat(400));
        let cut = format!("{}.txt", "a".repeat(251));
        let cases: &[(&str, &str)] = &[
            ("report.pdf", "report.pdf"),
            ("Über größe.docx", "Über größe.docx"),
            ("../../etc/passwd", "passwd"),
            ("/etc/shadow", "shadow"),
            ("C:\\Windows\\System32\\drivers\\etc\\hosts", "hosts"),
            ("..\\..\\boot.ini", "boot.ini"),
            (
                "%2e%2e%2f%2e%2e%2fsecret.txt",
                "%2e%2e%2f%2e%2e%2fsecret.txt",
            ),
            ("CON", "_CON"),
            ("nul.txt", "_nul.txt"),
            ("com1 .log", "_com1 .log"),
            (&long, &cut),
            ("invoice\u{202e}gnp.exe", "invoicegnp.exe"),
            ("report\0.pdf", "report.pdf"),
            ("line\nbreak\r.txt", "linebreak.txt"),
            ("..", "attachment"),
            (".", "attachment"),
            ("", "attachment"),
            (" .hidden ", "hidden"),
            (
                "<img src=x onerror=alert(1)>.png",
                "_img src=x onerror=alert(1)_.png",
            ),
            ("what?.txt", "what_.txt"),
        ];
        for (name, expected) in cases {
            assert_eq!(safe_file_name(name), *expected, "{name:?}");
        }
    }

    #[test]
    fn a_long_multibyte_name_is_cut_on_a_character_boundary() {
        let name = format!("{}.png", "é".repeat(200));
        let safe = safe_file_name(&name);
        assert!(safe.len() <= MAX_NAME_BYTES, "{}", safe.len());
        assert!(safe.ends_with("é.png"), "{safe}");
    }

    #[test]
    fn every_safe_name_is_left_alone() {
        for name in ["a.txt", "photo 2024-01-01.jpeg", "résumé.pdf", "x"] {
            assert!(matches!(safe_file_name(name), Cow::Borrowed(_)), "{name}");
        }
    }
}
