//! The seeded generator of sample data, shared by `contactkit demo` (its book) and the
//! bench (its rows' push tokens, the contacts it looks up): the same seed and stream
//! give the same values on every machine.
//!
//! The stream is ChaCha8 from `rand_chacha`, documented as portable and reproducible;
//! the draws are `rand`'s (value-stable within a release series). This module only
//! names the few draws sample data needs.

use rand::seq::IndexedRandom;
use rand::{Rng as _, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A deterministic generator for sample data (never for secrets: the seed is a
/// small number anyone can guess).
pub struct SampleRng(ChaCha8Rng);

impl SampleRng {
    /// Stream `stream` of the generator seeded with `seed`. Streams of one seed are
    /// independent: give each thing drawn (a contact, its timeline) its own, so it is
    /// the same whatever else was drawn before it.
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        let mut rng = ChaCha8Rng::from_seed(key);
        rng.set_stream(stream);
        SampleRng(rng)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.0.random_range(0..n)
        }
    }

    /// True with probability `percent` / 100 (always from 100 on).
    pub fn chance(&mut self, percent: u32) -> bool {
        self.0.random_ratio(percent.min(100), 100)
    }

    /// One of `items`, which must not be empty (sample data picks from constant lists
    /// and from the rows it made).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        items
            .choose(&mut self.0)
            .expect("sample data picks from a non-empty list")
    }

    /// `count` decimal digits.
    pub fn digits(&mut self, count: usize) -> String {
        (0..count)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }

    /// `count` random bytes.
    pub fn bytes(&mut self, count: usize) -> Vec<u8> {
        let mut bytes = vec![0; count];
        self.0.fill_bytes(&mut bytes);
        bytes
    }

    /// `count` random bytes as lowercase hex.
    pub fn hex(&mut self, count: usize) -> String {
        self.bytes(count)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draws(seed: u64, stream: u64) -> (u64, bool, String, String) {
        let mut rng = SampleRng::new(seed, stream);
        (rng.below(1000), rng.chance(50), rng.digits(6), rng.hex(4))
    }

    #[test]
    fn a_seed_and_stream_always_draw_the_same() {
        assert_eq!(draws(9, 0), draws(9, 0));
        // The ChaCha8 keystream (RFC 7539's block function, 8 rounds, 64-bit counter
        // from 0) for key 9 as 8 little-endian bytes then zeros, nonce 3: computed apart
        // from rand_chacha. Another generator would change every demo book.
        assert_eq!(SampleRng::new(9, 3).hex(8), "ee85fc45e778e194");
    }

    #[test]
    fn streams_and_seeds_differ() {
        assert_ne!(SampleRng::new(9, 0).hex(16), SampleRng::new(9, 1).hex(16));
        assert_ne!(SampleRng::new(9, 0).hex(16), SampleRng::new(10, 0).hex(16));
    }

    #[test]
    fn draws_stay_in_range() {
        let mut rng = SampleRng::new(1, 0);
        assert_eq!(rng.below(0), 0);
        assert!((0..1000).all(|_| rng.below(7) < 7));
        assert!((0..100).all(|_| rng.chance(100)) && (0..100).all(|_| !rng.chance(0)));
        let digits = rng.digits(40);
        assert!(digits.len() == 40 && digits.bytes().all(|b| b.is_ascii_digit()));
        let hex = rng.hex(20);
        assert!(hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!((0..100).all(|_| [1, 2, 3].contains(rng.pick(&[1, 2, 3]))));
    }
}
