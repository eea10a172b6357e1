//! What the mock draws from its seedable random source (core's [`SplitMix64`], so a
//! `--random-seed` run is reproducible): RequestIds as version-4 UUIDs, STS credential strings,
//! and the per-process seed used when none is given.

use tcredis_core::random::RandomSource;
#[cfg(doc)]
use tcredis_core::random::SplitMix64;

/// A seed that differs per process (from the standard library's per-process hash keys),
/// without reading the clock.
pub(crate) fn process_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x0074_6372_6564_6973);
    hasher.finish()
}

/// A version-4 UUID string (a RequestId) drawn from `rng`.
pub(crate) fn uuid(rng: &mut impl RandomSource) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
    bytes[8..].copy_from_slice(&rng.next_u64().to_le_bytes());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// `len` characters drawn from `alphabet` (not empty).
pub(crate) fn string(rng: &mut impl RandomSource, alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| char::from(alphabet[(rng.next_u64() % alphabet.len() as u64) as usize]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tcredis_core::random::SplitMix64;

    #[test]
    fn same_seed_same_draws_and_uuids_are_v4() {
        let (mut a, mut b) = (SplitMix64::new(7), SplitMix64::new(7));
        let id = uuid(&mut a);
        assert_eq!(id, uuid(&mut b));
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        let s = string(&mut a, b"xy", 50);
        assert_eq!(s, string(&mut b, b"xy", 50));
        assert!(s.contains('x') && s.contains('y') && s.len() == 50);
        assert_ne!(uuid(&mut a), id);
    }
}
