//! Deterministic sampling: the same seed checks the same records.

use crate::keys::RecordKey;

/// SplitMix64: a tiny deterministic generator, so a seed always picks the same sample.
pub(super) struct SplitMix64(pub(super) u64);

impl SplitMix64 {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `bound` (the bias is negligible for the bounds used here).
    pub(super) fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            0
        } else {
            self.next() % bound
        }
    }
}

pub(super) fn key_hash(seed: u64, key: &RecordKey) -> u64 {
    let text = key.to_string();
    let fnv = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
    });
    SplitMix64(seed ^ fnv).next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_picks_the_same_records_and_another_seed_others() {
        let keys: Vec<RecordKey> = (0..1000).map(RecordKey::contact).collect();
        let pick = |seed| {
            keys.iter()
                .filter(|key| key_hash(seed, key) % 100 < 10)
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(pick(7), pick(7));
        assert_ne!(pick(7), pick(8));
        let share = pick(7).len();
        assert!((60..=140).contains(&share), "{share} of 1000 at 10%");
    }

    #[test]
    fn splitmix_is_deterministic() {
        let mut a = SplitMix64(1);
        let mut b = SplitMix64(1);
        assert_eq!((a.next(), a.below(10)), (b.next(), b.below(10)));
    }
}
