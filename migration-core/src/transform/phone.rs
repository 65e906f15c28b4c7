//! Phone numbers to E.164, for the formats helpdesks usually hold.
//!
//! This is deliberately small, not libphonenumber: it reads international numbers (`+`, `00`,
//! and `011` from North America), and national numbers of the regions in [`REGIONS`] by
//! dropping the trunk prefix and adding the country code. It checks lengths (E.164 allows 8 to
//! 15 digits; each known region has its own national length) but not number ranges, so a
//! well-formed but unallocated number passes. Anything it cannot read is kept as text in a
//! contact attribute, never dropped.

/// A region's dialling rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// ISO 3166 alpha-2 code.
    pub code: &'static str,
    /// Country calling code.
    pub calling_code: &'static str,
    /// National trunk prefix dropped in international format ("0"), if any.
    pub trunk_prefix: Option<&'static str>,
    /// Shortest national significant number.
    pub min_digits: usize,
    /// Longest national significant number.
    pub max_digits: usize,
}

/// The regions whose national formats are understood.
pub const REGIONS: &[Region] = &[
    Region {
        code: "US",
        calling_code: "1",
        trunk_prefix: Some("1"),
        min_digits: 10,
        max_digits: 10,
    },
    Region {
        code: "CA",
        calling_code: "1",
        trunk_prefix: Some("1"),
        min_digits: 10,
        max_digits: 10,
    },
    Region {
        code: "GB",
        calling_code: "44",
        trunk_prefix: Some("0"),
        min_digits: 9,
        max_digits: 10,
    },
    Region {
        code: "IE",
        calling_code: "353",
        trunk_prefix: Some("0"),
        min_digits: 7,
        max_digits: 9,
    },
    Region {
        code: "AU",
        calling_code: "61",
        trunk_prefix: Some("0"),
        min_digits: 9,
        max_digits: 9,
    },
    Region {
        code: "NZ",
        calling_code: "64",
        trunk_prefix: Some("0"),
        min_digits: 8,
        max_digits: 10,
    },
    Region {
        code: "ZA",
        calling_code: "27",
        trunk_prefix: Some("0"),
        min_digits: 9,
        max_digits: 9,
    },
    Region {
        code: "IN",
        calling_code: "91",
        trunk_prefix: Some("0"),
        min_digits: 10,
        max_digits: 10,
    },
    Region {
        code: "DE",
        calling_code: "49",
        trunk_prefix: Some("0"),
        min_digits: 6,
        max_digits: 13,
    },
    Region {
        code: "FR",
        calling_code: "33",
        trunk_prefix: Some("0"),
        min_digits: 9,
        max_digits: 9,
    },
    Region {
        code: "NL",
        calling_code: "31",
        trunk_prefix: Some("0"),
        min_digits: 9,
        max_digits: 9,
    },
    Region {
        code: "BE",
        calling_code: "32",
        trunk_prefix: Some("0"),
        min_digits: 8,
        max_digits: 9,
    },
    Region {
        code: "ES",
        calling_code: "34",
        trunk_prefix: None,
        min_digits: 9,
        max_digits: 9,
    },
    // Italian numbers keep their leading 0 after the country code.
    Region {
        code: "IT",
        calling_code: "39",
        trunk_prefix: None,
        min_digits: 6,
        max_digits: 11,
    },
    Region {
        code: "SE",
        calling_code: "46",
        trunk_prefix: Some("0"),
        min_digits: 7,
        max_digits: 9,
    },
    Region {
        code: "SG",
        calling_code: "65",
        trunk_prefix: None,
        min_digits: 8,
        max_digits: 8,
    },
];

/// The rules of a region, by ISO code (case-insensitive).
pub fn region(code: &str) -> Option<&'static Region> {
    REGIONS
        .iter()
        .find(|region| region.code.eq_ignore_ascii_case(code.trim()))
}

/// What became of a phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phone {
    /// Read as E.164 (`+442079460000`).
    E164(String),
    /// Not readable; the original text, trimmed, to keep as text.
    Unparsed(String),
}

/// Reads a phone number as E.164, using `default_region` for numbers without a country code.
/// Returns `None` for an empty text.
pub fn to_e164(raw: &str, default_region: Option<&Region>) -> Option<Phone> {
    let original = raw.trim();
    if original.is_empty() {
        return None;
    }
    let unparsed = || Some(Phone::Unparsed(original.to_string()));
    let number = strip_extension(original);
    // "+44 (0)20 …": the bracketed trunk zero is dropped in international format.
    let number = number.replace("(0)", "");
    if number
        .chars()
        .any(|c| !(c.is_ascii_digit() || " -.()/+\u{a0}".contains(c)))
    {
        return unparsed();
    }
    let plus = number.trim_start().starts_with('+');
    if number.matches('+').count() > usize::from(plus) {
        return unparsed();
    }
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let international = if plus {
        Some(digits.as_str())
    } else if let Some(rest) = digits.strip_prefix("00") {
        Some(rest)
    } else if default_region.is_some_and(|region| region.calling_code == "1") {
        digits.strip_prefix("011")
    } else {
        None
    };
    if let Some(international) = international {
        return if (8..=15).contains(&international.len()) && !international.starts_with('0') {
            Some(Phone::E164(format!("+{international}")))
        } else {
            unparsed()
        };
    }
    let Some(region) = default_region else {
        return unparsed();
    };
    let national = match region.trunk_prefix {
        // North America: an 11-digit number starting with the trunk 1 is already national
        // with its trunk; a 10-digit one has none.
        Some(trunk) if region.calling_code == "1" => {
            if digits.len() == 11 {
                digits.strip_prefix(trunk).unwrap_or(&digits)
            } else {
                &digits
            }
        }
        Some(trunk) => digits.strip_prefix(trunk).unwrap_or(&digits),
        None => &digits,
    };
    let full_length = region.calling_code.len() + national.len();
    if (region.min_digits..=region.max_digits).contains(&national.len()) && full_length <= 15 {
        Some(Phone::E164(format!("+{}{national}", region.calling_code)))
    } else {
        unparsed()
    }
}

fn strip_extension(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let cut = ["ext.", "ext", " x", "#"]
        .iter()
        .filter_map(|marker| lower.find(marker))
        .min();
    match cut {
        Some(position) => text[..position].to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_formats_become_e164() {
        let gb = region("gb");
        let us = region("US");
        let ie = region("IE");
        let it = region("IT");
        let cases: &[(&str, Option<&Region>, &str)] = &[
            ("+44 20 7946 0000", None, "+442079460000"),
            ("+44 (0)20 7946 0000", None, "+442079460000"),
            ("0044 20 7946 0000", None, "+442079460000"),
            ("020 7946 0000", gb, "+442079460000"),
            ("07700 900123", gb, "+447700900123"),
            ("(415) 555-0132", us, "+14155550132"),
            ("1-415-555-0132", us, "+14155550132"),
            ("415.555.0132 ext. 12", us, "+14155550132"),
            ("011 44 20 7946 0000", us, "+442079460000"),
            ("01 234 5678", ie, "+35312345678"),
            ("06 6982 0000", it, "+390669820000"),
            ("+1 415 555 0132 x7", None, "+14155550132"),
        ];
        for (raw, region, expected) in cases {
            assert_eq!(
                to_e164(raw, *region),
                Some(Phone::E164(expected.to_string())),
                "{raw}"
            );
        }
    }

    #[test]
    fn unreadable_numbers_are_kept_as_text() {
        let gb = region("GB");
        let cases: &[(&str, Option<&Region>)] = &[
            ("020 7946 0000", None),
            ("call reception", gb),
            ("12345", gb),
            ("+0 123 456 789", None),
            ("+12", None),
            ("+44 20 +7946", None),
            ("0123456789012345678", gb),
        ];
        for (raw, region) in cases {
            assert_eq!(
                to_e164(raw, *region),
                Some(Phone::Unparsed(raw.trim().to_string())),
                "{raw}"
            );
        }
        assert_eq!(to_e164("   ", gb), None);
    }
}
