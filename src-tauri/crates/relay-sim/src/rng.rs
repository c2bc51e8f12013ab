//! A small seeded random number generator (SplitMix64).
//!
//! The simulator needs randomness that is the same on every run with the same seed (fault
//! injection, batch response order, request ids), not randomness an attacker cannot guess. A
//! generator we own keeps the sequence stable across dependency upgrades, which a library's
//! `StdRng` does not promise.

use uuid::Uuid;

#[derive(Clone, Debug)]
pub(crate) struct SimRng {
    state: u64,
}

impl SimRng {
    pub(crate) fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` must be at least 1; 0 is treated as 1).
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        // Multiply-shift maps the 64-bit value onto the range without a modulo bias worth caring
        // about for a simulator.
        let wide = u128::from(self.next_u64()) * u128::from(bound.max(1));
        u64::try_from(wide >> 64).unwrap_or(0)
    }

    /// True with the given probability in percent (0 never, 100 always).
    pub(crate) fn chance_percent(&mut self, percent: u8) -> bool {
        if percent == 0 {
            return false;
        }
        self.below(100) < u64::from(percent)
    }

    /// Fisher-Yates shuffle.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = usize::try_from(self.below(i as u64 + 1)).unwrap_or(0);
            items.swap(i, j);
        }
    }

    /// A random (version 4 shaped) GUID.
    pub(crate) fn guid(&mut self) -> Uuid {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_different_seed_differs() {
        let mut a = SimRng::new(7);
        let mut b = SimRng::new(7);
        let mut c = SimRng::new(8);
        let first: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let second: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        let third: Vec<u64> = (0..5).map(|_| c.next_u64()).collect();
        assert_eq!(first, second);
        assert_ne!(first, third);
    }

    #[test]
    fn chance_percent_honours_the_extremes_and_roughly_the_middle() {
        let mut rng = SimRng::new(1);
        assert!((0..1000).all(|_| !rng.chance_percent(0)));
        assert!((0..1000).all(|_| rng.chance_percent(100)));
        let hits = (0..10_000).filter(|_| rng.chance_percent(30)).count();
        assert!((2_700..3_300).contains(&hits), "30% of 10000 was {hits}");
    }

    #[test]
    fn shuffle_permutes_without_losing_items() {
        let mut rng = SimRng::new(3);
        let mut items: Vec<u32> = (0..20).collect();
        rng.shuffle(&mut items);
        assert_ne!(items, (0..20).collect::<Vec<_>>());
        items.sort_unstable();
        assert_eq!(items, (0..20).collect::<Vec<_>>());
    }

    #[test]
    fn guids_are_version_4_shaped() {
        let mut rng = SimRng::new(9);
        let guid = rng.guid();
        assert_eq!(guid.get_version_num(), 4);
        assert_ne!(guid, rng.guid());
    }
}
