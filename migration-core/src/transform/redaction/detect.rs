//! The detectors: where in a text a payment card number or a credential's value is.

use std::ops::Range;

use regex::Regex;

/// Fewest digits of a card number (ISO/IEC 7812 allows 8, but no scheme in use issues
/// fewer than 13).
const MIN_CARD_DIGITS: usize = 13;

/// Most digits of a card number.
const MAX_CARD_DIGITS: usize = 19;

/// The labels a credential's value follows, where a word starts (`spin: 3` is not a PIN); a
/// plural label counts too.
const LABEL: &str = r"(?:^|[^[:alnum:]])(?:pass(?:word|wd|code|phrase)|pwd|pin(?:[ _-]?(?:code|number))?|secret|api[ _-]?key|access[ _-]?token)s?";

/// The credential detector: a label, then `:` or `=`, then the value.
#[derive(Debug)]
pub(super) struct Credentials {
    /// Label, separator and value (group 1).
    line: Regex,
    /// The label alone.
    label: Regex,
}

impl Credentials {
    /// The compiled expressions.
    pub fn new() -> Self {
        let line = format!(r"(?im){LABEL}[ \t]*[:=][ \t]*(\S(?:[^\r\n]*\S)?)");
        Self {
            line: Regex::new(&line).expect("the credential expression is valid"),
            label: Regex::new(&format!("(?im){LABEL}")).expect("the label expression is valid"),
        }
    }

    /// Whether `raw` (an HTML body as it is spelled) may show a credential: it holds a label
    /// and a separator, or a numeric entity that could spell either.
    pub fn may_be_in(&self, raw: &str) -> bool {
        // Each test is cheaper than the next; most bodies stop at the first.
        let separator = memchr::memchr2(b':', b'=', raw.as_bytes()).is_some();
        let entity = memchr::memmem::find(raw.as_bytes(), b"&#").is_some();
        entity || (separator && self.label.is_match(raw))
    }

    /// The values of `password:`-style lines in `text`: from the first non-blank character
    /// after the label's `:` or `=` to the last non-blank one of its line.
    pub fn values(&self, text: &str) -> Vec<Range<usize>> {
        // Most texts hold neither separator: they cost one scan and no regex search.
        if memchr::memchr2(b':', b'=', text.as_bytes()).is_none() {
            return Vec::new();
        }
        self.line
            .captures_iter(text)
            .filter_map(|captures| captures.get(1))
            .map(|value| value.range())
            .collect()
    }
}

/// Whether `raw` (a text, or an HTML body as it is spelled) holds enough digits to hold a card
/// number.
pub(super) fn may_hold_card(raw: &str) -> bool {
    // Branch-free counts over fixed chunks (which the compiler vectorises), stopping at the
    // first chunk that brings enough.
    let mut digits = 0;
    raw.as_bytes().chunks(64).any(|chunk| {
        let in_chunk = chunk.iter().fold(0u8, |count, byte| {
            count + u8::from(byte.wrapping_sub(b'0') < 10)
        });
        digits += usize::from(in_chunk);
        digits >= MIN_CARD_DIGITS
    })
}

/// The payment card numbers in `text`: runs of 13 to 19 digits, a single space, dash or
/// no-break space allowed between groups of digits, that pass the Luhn check. A longer run of
/// groups is searched for such a number starting at each group (a card number followed by
/// its expiry year is still found); one run of more than 19 digits with nothing between them
/// is not a card number.
pub(super) fn card_numbers(text: &str) -> Vec<Range<usize>> {
    // Most texts hold too few digits to hold a card number: one counting pass clears them.
    if !may_hold_card(text) {
        return Vec::new();
    }
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut chain: Vec<Range<usize>> = Vec::new();
    let mut position = 0;
    while position < bytes.len() {
        if !bytes[position].is_ascii_digit() {
            position += 1;
            continue;
        }
        let start = position;
        while position < bytes.len() && bytes[position].is_ascii_digit() {
            position += 1;
        }
        chain.push(start..position);
        let separator = separator_length(&bytes[position..]);
        let continues = separator > 0
            && bytes
                .get(position + separator)
                .is_some_and(u8::is_ascii_digit);
        if continues {
            position += separator;
        } else {
            cards_in_chain(bytes, &chain, &mut found);
            chain.clear();
        }
    }
    found
}

/// The length of the separator `rest` starts with (a space, a dash or a no-break space), or 0.
fn separator_length(rest: &[u8]) -> usize {
    match rest {
        [b' ' | b'-', ..] => 1,
        [0xc2, 0xa0, ..] => 2,
        _ => 0,
    }
}

/// The card numbers of one chain of digit groups: from each group on, the longest run of whole
/// groups of 13 to 19 digits that passes the Luhn check; the search goes on after it.
fn cards_in_chain(bytes: &[u8], chain: &[Range<usize>], found: &mut Vec<Range<usize>>) {
    let mut first = 0;
    while first < chain.len() {
        let mut digits = 0;
        let mut longest = None;
        for (last, group) in chain.iter().enumerate().skip(first) {
            digits += group.len();
            if digits > MAX_CARD_DIGITS {
                break;
            }
            if digits >= MIN_CARD_DIGITS && passes_luhn(bytes, &chain[first..=last]) {
                longest = Some(last);
            }
        }
        match longest {
            Some(last) => {
                found.push(chain[first].start..chain[last].end);
                first = last + 1;
            }
            None => first += 1,
        }
    }
}

/// Whether the digits of `groups`, read as one number, pass the Luhn check.
fn passes_luhn(bytes: &[u8], groups: &[Range<usize>]) -> bool {
    let digits = groups
        .iter()
        .rev()
        .flat_map(|group| bytes[group.clone()].iter().rev());
    let sum: u32 = digits
        .enumerate()
        .map(|(index, byte)| {
            let digit = u32::from(byte - b'0');
            if index % 2 == 1 {
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
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cards(text: &str) -> Vec<&str> {
        card_numbers(text)
            .into_iter()
            .map(|range| &text[range])
            .collect()
    }

    fn values(text: &str) -> Vec<&str> {
        Credentials::new()
            .values(text)
            .into_iter()
            .map(|range| &text[range])
            .collect()
    }

    #[test]
    fn the_luhn_check_tells_card_numbers_from_other_numbers() {
        let cases: &[(&str, bool)] = &[
            ("4111111111111111", true),
            ("4111111111111112", false),
            ("5500005555555559", true),
            ("5500005555555558", false),
            ("378282246310005", true),
            ("378282246310006", false),
            ("6011111111111117", true),
            ("4222222222222", true),
            ("4222222222223", false),
            ("6759649826438453", true),
            ("6304000000000000018", true),
            ("6304000000000000019", false),
        ];
        for (number, valid) in cases {
            let whole = 0..number.len();
            let passes = passes_luhn(number.as_bytes(), std::slice::from_ref(&whole));
            assert_eq!(passes, *valid, "{number}");
            let expected: Vec<&str> = if *valid { vec![number] } else { vec![] };
            assert_eq!(cards(number), expected, "{number}");
        }
    }

    #[test]
    fn card_numbers_are_found_with_their_separators_and_only_them() {
        let cases: &[(&str, &[&str])] = &[
            (
                "card 4111 1111 1111 1111 exp 12/27",
                &["4111 1111 1111 1111"],
            ),
            ("4111-1111-1111-1111.", &["4111-1111-1111-1111"]),
            ("amex 3782 822463 10005", &["3782 822463 10005"]),
            (
                "nbsp 4111\u{a0}1111\u{a0}1111\u{a0}1111",
                &["4111\u{a0}1111\u{a0}1111\u{a0}1111"],
            ),
            // A card number followed by its expiry year is still found.
            ("4111 1111 1111 1111 2027", &["4111 1111 1111 1111"]),
            ("ref 2027 4111 1111 1111 1111", &["4111 1111 1111 1111"]),
            // Two separators in a row end the run.
            ("4111  1111 1111 1111", &[]),
            ("4111 - 1111 1111 1111", &[]),
            // An order number that fails the Luhn check is kept.
            ("order 4111 1111 1111 1112", &[]),
            // Twenty digits without a break are not a card number.
            ("41111111111111110000", &[]),
            // Twelve digits are too few, even when they pass; dates and phone numbers stay.
            ("411111111117", &[]),
            ("2024-01-15 10:30, call +44 20 7946 0958", &[]),
            (
                "two: 4111111111111111 and 5500-0055-5555-5559",
                &["4111111111111111", "5500-0055-5555-5559"],
            ),
            ("", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(cards(text), *expected, "{text:?}");
        }
    }

    #[test]
    fn credential_values_are_found_after_their_label_to_the_end_of_the_line() {
        let cases: &[(&str, &[&str])] = &[
            ("Password: hunter2", &["hunter2"]),
            ("password:hunter2", &["hunter2"]),
            (
                "PASSWORD = correct horse battery staple  \nthanks",
                &["correct horse battery staple"],
            ),
            ("user: bob\r\npasswd: s3cr3t!\r\n", &["s3cr3t!"]),
            ("pwd=abc123", &["abc123"]),
            ("PIN: 4921", &["4921"]),
            ("pin code: 0000", &["0000"]),
            ("Passcode : 7781", &["7781"]),
            ("client secret: xyz", &["xyz"]),
            ("API key: sk_live_abc", &["sk_live_abc"]),
            ("api_key=sk_live_abc", &["sk_live_abc"]),
            ("new_password: x", &["x"]),
            ("Passwords: a, b", &["a, b"]),
            // No value on the line, no separator, or a longer word: nothing.
            ("Password:\nhunter2", &[]),
            ("please reset my password", &[]),
            ("spin: 45", &[]),
            ("keep it secret", &[]),
            ("the pin is 4921", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(values(text), *expected, "{text:?}");
        }
    }
}
