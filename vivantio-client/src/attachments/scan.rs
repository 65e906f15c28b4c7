//! Reading an `AttachmentDownload` answer as it arrives: the base64 `Content` string is decoded
//! chunk by chunk (and hashed), everything else is kept as a small JSON skeleton with
//! `"Content": ""`, read by the usual envelope code once the body ends.
//!
//! Only the top-level `Content` member is streamed; a scanner that tracks strings, escapes and
//! nesting finds it, so a `Content` key inside `Item` or inside a string is left alone.

use base64::Engine as _;
use sha2::{Digest, Sha256};

/// Base64 characters decoded at a time (a multiple of 4).
const DECODE_BLOCK: usize = 16 * 1024;

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScanError {
    /// `Content` is not base64; the message says where.
    Base64(String),
    /// The decoded file passed the limit.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Outside any string.
    Structure,
    /// Inside a string copied to the skeleton (`escaped`: just after a backslash).
    Text { escaped: bool },
    /// Inside the `Content` string, decoded instead of copied.
    Content { escaped: bool },
    /// Inside a `\uXXXX` escape of the `Content` string: the hex digits so far.
    ContentUnicode { digits: u8, value: u32 },
}

/// Decodes the `Content` of a download answer fed in chunks.
pub(crate) struct DownloadScanner {
    state: State,
    depth: u32,
    /// The skeleton: the body without the content of `Content`.
    skeleton: Vec<u8>,
    /// Where the current top-level string started in `skeleton` (to read a key).
    string_start: usize,
    /// The last top-level string seen, when it may be a key.
    last_key: Option<String>,
    /// Whether `:` followed `last_key`.
    after_colon: bool,
    pending: Vec<u8>,
    padded: bool,
    content: Vec<u8>,
    hasher: Sha256,
    limit: Option<u64>,
}

impl DownloadScanner {
    /// A scanner that expects about `expected_len` body bytes and refuses a file over `limit`.
    pub(crate) fn new(expected_len: Option<u64>, limit: Option<u64>) -> Self {
        // Base64 is 4 characters for 3 bytes; reserving the decoded size up front keeps the
        // vector from doubling (and briefly holding twice the file) as it grows.
        let estimate = expected_len.map_or(0, |len| len / 4 * 3);
        let estimate = limit.map_or(estimate, |limit| estimate.min(limit));
        Self {
            state: State::Structure,
            depth: 0,
            skeleton: Vec::new(),
            string_start: 0,
            last_key: None,
            after_colon: false,
            pending: Vec::with_capacity(DECODE_BLOCK),
            padded: false,
            content: Vec::with_capacity(usize::try_from(estimate).unwrap_or(0)),
            hasher: Sha256::new(),
            limit,
        }
    }

    /// Feeds the next chunk of the body.
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> Result<(), ScanError> {
        let mut rest = chunk;
        while let Some((&byte, after)) = rest.split_first() {
            if self.state == (State::Content { escaped: false }) {
                // Nearly the whole body is base64 inside `Content`: take it a run at a time
                // up to the next quote or escape instead of a byte at a time.
                let run = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
                if run > 0 {
                    self.push_run(&rest[..run])?;
                    rest = &rest[run..];
                    continue;
                }
            }
            self.step(byte)?;
            rest = after;
        }
        Ok(())
    }

    /// The skeleton, the decoded bytes and their SHA-256 (lowercase hex), once the body ended.
    pub(crate) fn finish(mut self) -> Result<Scanned, ScanError> {
        self.decode_pending(true)?;
        Ok(Scanned {
            skeleton: self.skeleton,
            content: self.content,
            sha256: hex::encode(self.hasher.finalize()),
        })
    }

    /// Takes one byte outside a run of plain `Content` characters.
    fn step(&mut self, byte: u8) -> Result<(), ScanError> {
        match self.state {
            State::Structure => self.structure_byte(byte),
            State::Text { escaped } => self.text_byte(escaped, byte),
            State::Content { escaped: false } => self.content_byte(byte)?,
            State::Content { escaped: true } => self.content_escape(byte)?,
            State::ContentUnicode { digits, value } => self.unicode_digit(digits, value, byte)?,
        }
        Ok(())
    }

    /// A byte between strings: tracks nesting and keys, and enters `Content` when the string
    /// starting here is the value of the top-level `Content` key.
    fn structure_byte(&mut self, byte: u8) {
        match byte {
            b'"' if self.depth == 1 && self.after_colon && self.is_content_key() => {
                self.skeleton.push(b'"');
                self.state = State::Content { escaped: false };
                return;
            }
            b'"' => {
                self.string_start = self.skeleton.len() + 1;
                self.state = State::Text { escaped: false };
            }
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            b':' if self.depth == 1 => self.after_colon = true,
            b',' if self.depth == 1 => {
                self.after_colon = false;
                self.last_key = None;
            }
            _ => {}
        }
        self.skeleton.push(byte);
    }

    /// A byte of a string copied to the skeleton; a top-level string before a colon is a key.
    fn text_byte(&mut self, escaped: bool, byte: u8) {
        self.skeleton.push(byte);
        self.state = match (escaped, byte) {
            (false, b'\\') => State::Text { escaped: true },
            (false, b'"') => {
                if self.depth == 1 && !self.after_colon {
                    let key = &self.skeleton[self.string_start..self.skeleton.len() - 1];
                    self.last_key = Some(String::from_utf8_lossy(key).into_owned());
                }
                State::Structure
            }
            _ => State::Text { escaped: false },
        };
    }

    /// A byte of `Content` that [`feed`](Self::feed) did not take as part of a run.
    fn content_byte(&mut self, byte: u8) -> Result<(), ScanError> {
        match byte {
            b'"' => {
                self.skeleton.push(b'"');
                self.state = State::Structure;
            }
            b'\\' => self.state = State::Content { escaped: true },
            other => self.push_char(other)?,
        }
        Ok(())
    }

    /// The byte after a backslash in `Content`: escaped line breaks are skipped, escaped
    /// slashes and quotes kept, `\u` starts a code point.
    fn content_escape(&mut self, byte: u8) -> Result<(), ScanError> {
        self.state = State::Content { escaped: false };
        match byte {
            b'u' => {
                self.state = State::ContentUnicode {
                    digits: 0,
                    value: 0,
                }
            }
            b'r' | b'n' | b't' => {}
            b'/' | b'\\' | b'"' => self.push_char(byte)?,
            other => {
                return Err(ScanError::Base64(format!(
                    "unexpected escape \\{} in Content",
                    char::from(other)
                )))
            }
        }
        Ok(())
    }

    /// One hex digit of a `\uXXXX` escape in `Content`; the fourth yields the (ASCII) character.
    fn unicode_digit(&mut self, digits: u8, value: u32, byte: u8) -> Result<(), ScanError> {
        let digit = char::from(byte)
            .to_digit(16)
            .ok_or_else(|| ScanError::Base64("malformed \\u escape in Content".to_string()))?;
        let value = value * 16 + digit;
        if digits < 3 {
            self.state = State::ContentUnicode {
                digits: digits + 1,
                value,
            };
            return Ok(());
        }
        self.state = State::Content { escaped: false };
        let ascii = u8::try_from(value)
            .ok()
            .filter(u8::is_ascii)
            .ok_or_else(|| ScanError::Base64(format!("\\u{value:04x} in Content is not base64")))?;
        self.push_char(ascii)
    }

    fn is_content_key(&self) -> bool {
        self.last_key
            .as_deref()
            .is_some_and(|key| key.eq_ignore_ascii_case("Content"))
    }

    /// Adds a run of `Content` characters with no quote or escape in it.
    fn push_run(&mut self, run: &[u8]) -> Result<(), ScanError> {
        if self.padded {
            return match run.iter().find(|byte| !byte.is_ascii_whitespace()) {
                Some(&byte) => self.push_char(byte),
                None => Ok(()),
            };
        }
        self.pending.extend(
            run.iter()
                .copied()
                .filter(|byte| !byte.is_ascii_whitespace()),
        );
        if self.pending.len() >= DECODE_BLOCK {
            self.decode_pending(false)?;
        }
        Ok(())
    }

    fn push_char(&mut self, byte: u8) -> Result<(), ScanError> {
        if byte.is_ascii_whitespace() {
            return Ok(());
        }
        if self.padded {
            return Err(ScanError::Base64(format!(
                "{:?} after the padding that ends the content",
                char::from(byte)
            )));
        }
        self.pending.push(byte);
        if self.pending.len() >= DECODE_BLOCK {
            self.decode_pending(false)?;
        }
        Ok(())
    }

    /// Decodes whole groups of four (all of it at the end).
    fn decode_pending(&mut self, last: bool) -> Result<(), ScanError> {
        let whole = if last {
            self.pending.len()
        } else {
            self.pending.len() / 4 * 4
        };
        if whole == 0 {
            return Ok(());
        }
        let block = &self.pending[..whole];
        self.padded = block.last() == Some(&b'=');
        let start = self.content.len();
        base64::engine::general_purpose::STANDARD
            .decode_vec(block, &mut self.content)
            .map_err(|error| {
                ScanError::Base64(format!("invalid base64 near decoded byte {start}: {error}"))
            })?;
        self.hasher.update(&self.content[start..]);
        self.pending.drain(..whole);
        if let Some(limit) = self
            .limit
            .filter(|limit| self.content.len() as u64 > *limit)
        {
            return Err(ScanError::TooLarge { limit });
        }
        Ok(())
    }
}

/// A download answer read whole.
pub(crate) struct Scanned {
    /// The answer with `"Content": ""`.
    pub(crate) skeleton: Vec<u8>,
    /// The decoded file.
    pub(crate) content: Vec<u8>,
    /// SHA-256 of `content`, lowercase hex.
    pub(crate) sha256: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(body: &[u8], chunk: usize) -> Result<Scanned, ScanError> {
        let mut scanner = DownloadScanner::new(Some(body.len() as u64), None);
        for piece in body.chunks(chunk) {
            scanner.feed(piece)?;
        }
        scanner.finish()
    }

    #[test]
    fn content_is_decoded_in_any_chunking_and_the_rest_kept() {
        let data: Vec<u8> = (0..50_000u32).map(|i| (i * 7) as u8).collect();
        let encoded = base64::engine::general_purpose::STANDARD.encode(&data);
        // Line breaks as JSON escapes and escaped slashes, as some .NET serializers write.
        let wrapped: String = encoded
            .as_bytes()
            .chunks(76)
            .map(|line| String::from_utf8_lossy(line).replace('/', "\\/"))
            .collect::<Vec<_>>()
            .join("\\r\\n");
        let body = format!(
            r#"{{"Item":{{"Content":"x"}},"FileName":"a \"b\".bin","Successful":true,"Content":"{wrapped}","ErrorMessages":[]}}"#
        );
        for chunk in [1, 3, 7, 4096, body.len()] {
            let scanned = scan(body.as_bytes(), chunk).unwrap();
            assert_eq!(scanned.content, data, "chunk {chunk}");
            assert_eq!(scanned.sha256, hex::encode(Sha256::digest(&data)));
            let skeleton: serde_json::Value = serde_json::from_slice(&scanned.skeleton).unwrap();
            assert_eq!(skeleton["Content"], "");
            assert_eq!(
                skeleton["Item"]["Content"], "x",
                "nested Content is not streamed"
            );
            assert_eq!(skeleton["FileName"], "a \"b\".bin");
        }
    }

    #[test]
    fn bad_base64_and_oversized_files_are_refused() {
        assert!(matches!(
            scan(br#"{"Content":"not base64!"}"#, 5),
            Err(ScanError::Base64(_))
        ));
        assert!(matches!(
            scan(br#"{"Content":"aGVsbG8=aGVsbG8="}"#, 100),
            Err(ScanError::Base64(_))
        ));
        assert_eq!(
            scan(br#"{"Content":"aGVs\u0062G8="}"#, 2).unwrap().content,
            b"hello"
        );
        let mut scanner = DownloadScanner::new(None, Some(3));
        scanner.feed(br#"{"Content":"aGVsbG8="}"#).unwrap();
        assert_eq!(
            scanner.finish().err(),
            Some(ScanError::TooLarge { limit: 3 })
        );
    }

    #[test]
    fn a_missing_or_null_content_stays_in_the_skeleton() {
        let scanned = scan(br#"{"Successful":false,"Content":null}"#, 4).unwrap();
        assert!(scanned.content.is_empty());
        assert_eq!(scanned.skeleton, br#"{"Successful":false,"Content":null}"#);
    }
}
