//! Email normalisation: the dedupe key for contacts, compared case-insensitively.

/// Why an email is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailProblem {
    /// No email at all.
    #[error("no email")]
    Missing,
    /// Something that cannot be an address.
    #[error("`{text}` is not an email address: {why}")]
    Malformed {
        /// The text as given.
        text: String,
        /// What is wrong.
        why: &'static str,
    },
}

/// A usable email: the normalised address (lowercase) and whether the source held several
/// (only the first is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalisedEmail {
    /// Lowercase address: the value sent to Intercom and the dedupe key.
    pub address: String,
    /// Whether the source listed more than one address.
    pub had_several: bool,
}

/// Normalises an email as typed into Vivantio: trims it, unwraps `Name <address>` and
/// `mailto:`, keeps the first of several (`;` or `,` separated), lowercases it and checks its
/// shape (one `@`, a local part of at most 64 characters, a domain of dot-separated labels of
/// letters, digits and hyphens ending in a top-level domain of two letters or more).
pub fn normalise_email(raw: Option<&str>) -> Result<NormalisedEmail, EmailProblem> {
    let text = raw.map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Err(EmailProblem::Missing);
    }
    let mut candidates = text
        .split([';', ','])
        .map(str::trim)
        .filter(|part| !part.is_empty());
    let first = candidates.next().ok_or(EmailProblem::Missing)?;
    let had_several = candidates.next().is_some();
    let unwrapped = match (first.rfind('<'), first.rfind('>')) {
        (Some(open), Some(close)) if open < close => &first[open + 1..close],
        _ => first,
    };
    let unwrapped = unwrapped.trim();
    let unwrapped = unwrapped
        .strip_prefix("mailto:")
        .or_else(|| unwrapped.strip_prefix("MAILTO:"))
        .unwrap_or(unwrapped)
        .trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
    let address = unwrapped.to_lowercase();
    let malformed = |why| EmailProblem::Malformed {
        text: text.to_string(),
        why,
    };
    if address.chars().any(char::is_whitespace) {
        return Err(malformed("it contains spaces"));
    }
    let mut halves = address.split('@');
    let (Some(local), Some(domain), None) = (halves.next(), halves.next(), halves.next()) else {
        return Err(malformed("it needs exactly one @"));
    };
    if local.is_empty() || local.len() > 64 {
        return Err(malformed("the part before @ is empty or too long"));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(malformed("the part before @ has misplaced dots"));
    }
    if local
        .chars()
        .any(|c| c.is_control() || "()<>[]\\,;:\"".contains(c))
    {
        return Err(malformed(
            "the part before @ has characters addresses cannot have",
        ));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(malformed("the domain has no dot"));
    }
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if !labels.iter().all(label_ok) {
        return Err(malformed("the domain has an empty or invalid part"));
    }
    let tld = labels.last().copied().unwrap_or_default();
    if tld.chars().count() < 2 || !tld.chars().all(char::is_alphabetic) && !tld.starts_with("xn--")
    {
        return Err(malformed("the top-level domain is not valid"));
    }
    Ok(NormalisedEmail {
        address,
        had_several,
    })
}

/// The domain of a normalised address (`example.com` for `ann@example.com`).
pub fn email_domain(address: &str) -> Option<&str> {
    address.rsplit_once('@').map(|(_, domain)| domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_emails_are_normalised() {
        let cases = [
            ("ann@example.com", "ann@example.com", false),
            ("  Ann.Lee@Example.COM ", "ann.lee@example.com", false),
            ("Ann Lee <ann@example.com>", "ann@example.com", false),
            ("mailto:ann@example.com", "ann@example.com", false),
            ("ann@example.com; bob@example.com", "ann@example.com", true),
            (
                "ann+tag@sub.example.co.uk",
                "ann+tag@sub.example.co.uk",
                false,
            ),
            ("\"ann@example.com\"", "ann@example.com", false),
            ("josé@bücher.de", "josé@bücher.de", false),
        ];
        for (raw, address, several) in cases {
            let email = normalise_email(Some(raw)).unwrap();
            assert_eq!(email.address, address, "{raw}");
            assert_eq!(email.had_several, several, "{raw}");
        }
    }

    #[test]
    fn unusable_emails_say_why() {
        assert_eq!(normalise_email(None), Err(EmailProblem::Missing));
        assert_eq!(normalise_email(Some("  ")), Err(EmailProblem::Missing));
        assert_eq!(normalise_email(Some(" ; ")), Err(EmailProblem::Missing));
        for raw in [
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann@@example.com",
            "ann lee@example.com",
            "ann@example..com",
            "ann@-example.com",
            "ann@example.c",
            "ann@example.123",
            ".ann@example.com",
            "an..n@example.com",
            "n/a",
        ] {
            assert!(
                matches!(
                    normalise_email(Some(raw)),
                    Err(EmailProblem::Malformed { .. })
                ),
                "{raw}"
            );
        }
    }

    #[test]
    fn dedupe_keys_ignore_case() {
        let a = normalise_email(Some("ANN@Example.com")).unwrap();
        let b = normalise_email(Some("ann@example.COM")).unwrap();
        assert_eq!(a.address, b.address);
        assert_eq!(email_domain(&a.address), Some("example.com"));
    }
}
