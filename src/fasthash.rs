//! A fast hasher for the checker's name tables and the IR's lookups
//! (`ir::Survey::variable` …): the multiply-rotate hash of
//! rustc and Firefox ("FxHash"). The standard library's SipHash resists
//! hash flooding, which a compiler reading its user's own files does not
//! need, and costs several times more on short keys like variable names.
//!
//! Maps built with it are only looked up, never iterated into output: the
//! iteration order of a hash map is not part of any result.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`FxHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A `HashSet` with [`FxHasher`].
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// An `IndexSet` (insertion order kept, and may be iterated into output)
/// with [`FxHasher`].
pub type FastIndexSet<K> = indexmap::IndexSet<K, BuildHasherDefault<FxHasher>>;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    /// Mixes one word in (for keys hashed piece by piece, like the folded
    /// letters of an option label).
    #[inline]
    pub fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // The length first: keys that differ only in trailing zero bytes
        // (the last word's padding) hash apart.
        self.add(bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    /// The state turned so that its best-mixed bits come first. The last
    /// multiplication leaves the high bits depending on every input bit,
    /// the low bits only on the input's low bits; a hash table picks a
    /// bucket by the low bits, and names alike in their first bytes
    /// (`q1234`, `q1235`, …) would crowd into a few buckets of it (2,039
    /// buckets of 32,768 for 20,000 such names; 15,204 with the turn).
    #[inline]
    fn finish(&self) -> u64 {
        self.hash.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_short_keys_hash_apart_and_maps_work() {
        let mut m: FastMap<String, usize> = FastMap::default();
        for i in 0..10_000 {
            m.insert(format!("q{i}_other"), i);
        }
        assert_eq!(m.len(), 10_000);
        assert_eq!(m.get("q4711_other"), Some(&4711));
        assert_eq!(m.get("q4711_othe"), None);
        // Strings differing only in trailing NULs (the padding of the last
        // word) still hash apart: `str` hashes a terminator after its bytes.
        let h = |s: &str| {
            use std::hash::BuildHasher;
            BuildHasherDefault::<FxHasher>::default().hash_one(s)
        };
        assert_ne!(h("a"), h("a\0"));
        assert_ne!(h(""), h("\0"));
    }

    /// A hash table picks buckets by a hash's low bits: names alike in
    /// their first bytes must still spread over them (without the turn in
    /// `finish`, these 20,000 fell into 2,039 of 32,768 buckets).
    #[test]
    fn low_bits_spread_names_alike() {
        use std::hash::BuildHasher;
        let b = BuildHasherDefault::<FxHasher>::default();
        let buckets: HashSet<u64> = (0..10_000)
            .flat_map(|i| [format!("q{i}"), format!("q{i}_other")])
            .map(|n| b.hash_one(n.as_str()) & 0x7fff)
            .collect();
        // 20,000 random keys would fill about 14,100.
        assert!(buckets.len() > 13_000, "{} buckets", buckets.len());
        // And a hash of hashes (`NameTable::clashes`) as well.
        let again: HashSet<u64> = (0..20_000u64)
            .map(|i| b.hash_one(b.hash_one(format!("q{i}").as_str())) & 0x7fff)
            .collect();
        assert!(again.len() > 13_000, "{} buckets", again.len());
    }
}
