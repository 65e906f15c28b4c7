//! A fast hasher for the mapper's in-memory indexes.
//!
//! The standard `HashMap` hashes with SipHash, which resists collision attacks from untrusted
//! keys but costs a few hundred instructions per lookup, and mapping one ticket does dozens of
//! lookups. These indexes are keyed by source ids and names from the specification and the
//! customer's own instance, built once per run, so the multiply-rotate hash (the one rustc
//! uses, "FxHash") is enough.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`FastHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// A `HashSet` with [`FastHasher`].
pub(crate) type FastSet<T> = HashSet<T, BuildHasherDefault<FastHasher>>;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// Multiply-rotate hashing, one machine word at a time.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FastHasher {
    hash: u64,
}

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    #[inline]
    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    #[inline]
    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    #[inline]
    fn write_i64(&mut self, value: i64) {
        self.add(value as u64);
    }

    #[inline]
    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_find_what_was_inserted_and_nothing_else() {
        let mut by_id: FastMap<i64, i64> = FastMap::default();
        let mut by_name: FastMap<String, usize> = FastMap::default();
        for id in -500..5_000 {
            by_id.insert(id * 7, id);
            by_name.insert(format!("caller{id}@customer.example"), id as usize);
        }
        for id in -500..5_000 {
            assert_eq!(by_id.get(&(id * 7)), Some(&id));
            assert_eq!(by_id.get(&(id * 7 + 1)), None);
            let name = format!("caller{id}@customer.example");
            assert_eq!(by_name.get(name.as_str()), Some(&(id as usize)));
        }
        assert_eq!(by_name.get("caller1@customer.exampl"), None);
    }

    #[test]
    fn strings_that_differ_only_in_a_short_tail_hash_differently() {
        let hash = |text: &str| {
            let mut hasher = FastHasher::default();
            hasher.write(text.as_bytes());
            hasher.finish()
        };
        assert_ne!(hash("abcdefgh1"), hash("abcdefgh2"));
        assert_ne!(hash("a"), hash("b"));
    }
}
