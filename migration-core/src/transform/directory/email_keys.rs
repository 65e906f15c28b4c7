//! Emails as 128-bit keyed hashes: the dedupe index holds one 24-byte entry per distinct
//! address instead of the address itself, so a run keeps half a million callers in a few
//! megabytes.
//!
//! Two SipHash-1-3 hashes under independent random keys (the standard library's
//! `RandomState`) make 128 bits no one can aim at without the keys; two different addresses
//! share a key with probability 2⁻¹²⁸ per pair, about 10⁻²⁷ for a million callers.

use std::hash::{BuildHasher, RandomState};

/// The hash of one normalised email.
pub(super) type EmailKey = [u64; 2];

/// Hashes normalised emails with keys drawn once per directory.
#[derive(Debug, Clone, Default)]
pub(super) struct EmailHasher {
    first: RandomState,
    second: RandomState,
}

impl EmailHasher {
    /// The key of a normalised address.
    pub(super) fn key(&self, address: &str) -> EmailKey {
        [self.first.hash_one(address), self.second.hash_one(address)]
    }
}

/// Each distinct email's owner (the caller whose contact it becomes), sorted by key.
#[derive(Debug, Clone, Default)]
pub(super) struct EmailOwners {
    entries: Vec<(EmailKey, i64)>,
}

impl EmailOwners {
    /// Builds the index from every `(key, caller)` of usable emails: the lowest caller id with
    /// a key owns it. Returns the index and the callers that merge into another, as
    /// `(caller, owner)`.
    pub(super) fn build(mut claims: Vec<(EmailKey, i64)>) -> (Self, Vec<(i64, i64)>) {
        claims.sort_unstable();
        let mut merged = Vec::new();
        let mut kept = 0;
        for index in 0..claims.len() {
            let (key, caller) = claims[index];
            if kept > 0 && claims[kept - 1].0 == key {
                merged.push((caller, claims[kept - 1].1));
            } else {
                claims[kept] = (key, caller);
                kept += 1;
            }
        }
        claims.truncate(kept);
        claims.shrink_to_fit();
        (Self { entries: claims }, merged)
    }

    /// The caller owning the email with this key.
    pub(super) fn owner(&self, key: &EmailKey) -> Option<i64> {
        let index = self
            .entries
            .binary_search_by(|(probe, _)| probe.cmp(key))
            .ok()?;
        Some(self.entries[index].1)
    }

    /// Heap bytes held.
    pub(super) fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<(EmailKey, i64)>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lowest_caller_owns_a_shared_email_and_the_rest_merge_into_it() {
        let hasher = EmailHasher::default();
        let a = hasher.key("a@example.com");
        let b = hasher.key("b@example.com");
        assert_ne!(a, b);
        assert_eq!(a, hasher.key("a@example.com"));
        let (owners, mut merged) = EmailOwners::build(vec![(a, 9), (b, 4), (a, 3), (a, 5)]);
        merged.sort_unstable();
        assert_eq!(owners.owner(&a), Some(3));
        assert_eq!(owners.owner(&b), Some(4));
        assert_eq!(owners.owner(&hasher.key("c@example.com")), None);
        assert_eq!(merged, vec![(5, 3), (9, 3)]);
        assert_eq!(std::mem::size_of::<(EmailKey, i64)>(), 24);
    }
}
