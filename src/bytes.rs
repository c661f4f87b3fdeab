//! Byte-level tests of UTF-8 text shared by the parser, the formatter, the
//! markup reader and the IR's texts: searches for a few ASCII bytes (a
//! multi-byte character never contains an ASCII byte), and white space at
//! a text's ends.

/// Index of the first byte of `s` at or after `from` that is one of `set`
/// (at least `s.len()` if there is none; `set` holds no zero byte).
///
/// Sixteen bytes at a time on x86-64 (SSE2, which every x86-64 processor
/// has): each byte compared with each of `set` at once, the matches as the
/// bits of a mask. The last sixteen bytes of a text are read as one block
/// with the bytes before `from` masked off. Elsewhere, and for a text
/// shorter than sixteen bytes, [`find_any_words`].
#[inline(always)]
pub(crate) fn find_any<const N: usize>(s: &[u8], from: usize, set: [u8; N]) -> usize {
    #[cfg(target_arch = "x86_64")]
    if s.len() >= 16 && from < s.len() {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
            _mm_set1_epi8,
        };
        // SAFETY (each block below): SSE2 is part of x86-64, so its
        // instructions are always there.
        let needles = set.map(|c| unsafe { _mm_set1_epi8(c as i8) });
        let matches = |at: usize| {
            // SAFETY: as above; and `at + 16 <= s.len()` (both callers),
            // the load needing no alignment.
            unsafe {
                let block = _mm_loadu_si128(s.as_ptr().add(at).cast::<__m128i>());
                let mut eq = _mm_cmpeq_epi8(block, needles[0]);
                for n in &needles[1..] {
                    eq = _mm_or_si128(eq, _mm_cmpeq_epi8(block, *n));
                }
                _mm_movemask_epi8(eq) as u32
            }
        };
        let mut i = from;
        while i + 16 <= s.len() {
            let found = matches(i);
            if found != 0 {
                return i + found.trailing_zeros() as usize;
            }
            i += 16;
        }
        if i >= s.len() {
            return s.len();
        }
        // Fewer than sixteen bytes left: the last block, less the bytes
        // before `i`.
        let last = s.len() - 16;
        let found = matches(last) >> (i - last);
        return if found != 0 {
            i + found.trailing_zeros() as usize
        } else {
            s.len()
        };
    }
    find_any_words(s, from, set)
}

/// [`find_any`] eight bytes at a time: a byte of the word equal to `c` is a
/// zero byte of `word ^ c…c`, and the classic zero-byte test flags it; the
/// test can also flag bytes just above a true zero, never below one, so the
/// lowest flag is the first match.
#[inline(always)]
fn find_any_words<const N: usize>(s: &[u8], from: usize, set: [u8; N]) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let masks = set.map(|c| LO * u64::from(c));
    let flags = |w: u64| {
        let mut found = 0;
        for m in masks {
            let x = w ^ m;
            found |= x.wrapping_sub(LO) & !x;
        }
        found & HI
    };
    let mut i = from;
    while let Some(word) = s.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let found = flags(u64::from_le_bytes(*word));
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    if i >= s.len() {
        return i;
    }
    if let Some(word) = s.last_chunk::<8>() {
        // Fewer than eight bytes left: the last word, without the bytes
        // before `i` (the zero bytes shifted in are never in `set`).
        let before = 8 - (s.len() - i);
        let found = flags(u64::from_le_bytes(*word) >> (8 * before));
        return if found != 0 {
            i + (found.trailing_zeros() / 8) as usize
        } else {
            s.len()
        };
    }
    while i < s.len() && !set.iter().any(|&c| c == s[i]) {
        i += 1;
    }
    i
}

/// `a == b`, for the short strings compared most (language codes,
/// property keywords): strings of different lengths or first bytes are
/// told apart without a call to `memcmp`, and those of up to sixteen bytes
/// compared here, byte by byte.
#[inline]
pub(crate) fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() || a.first() != b.first() {
        return false;
    }
    if a.len() > 16 {
        return a == b;
    }
    let mut i = 1;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Is `s` its own `trim()`: no white space at either end? Decided from the
/// end bytes when they are ASCII (the common case), else by `trim`.
#[inline]
pub(crate) fn is_trimmed(s: &str) -> bool {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (None, _) | (_, None) => true,
        // (`char::is_whitespace`, as `trim` asks: it counts \u{b} too.)
        (Some(&a), Some(&z)) if a.is_ascii() && z.is_ascii() => {
            !char::from(a).is_whitespace() && !char::from(z).is_whitespace()
        }
        _ => s.trim().len() == s.len(),
    }
}

/// Is `s` empty or white space only (`s.trim().is_empty()`)? Decided from
/// the first byte when it is ASCII and not white space, else by `trim`.
#[inline]
pub(crate) fn is_blank(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(&a) if a.is_ascii() && !char::from(a).is_whitespace() => false,
        _ => s.trim().is_empty(),
    }
}

/// The offset of the `"""` that closes a multi-line text whose content
/// starts at `from`: the first `"""` at or after `from` that no `\` escapes
/// (a `\` escapes the byte after it, so `\"""` is a quote and two more).
/// `None` when the text never closes. The grammar's `ml_inner`.
pub(crate) fn find_ml_close(s: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let at = find_any(s, from, [b'"', b'\\']);
        match s.get(at)? {
            b'\\' => from = at + 2,
            _ if s[at..].starts_with(b"\"\"\"") => return Some(at),
            _ => from = at + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{find_any, is_blank, is_trimmed, same};

    #[test]
    fn same_is_equality() {
        let words = [
            "",
            "a",
            "b",
            "fi",
            "fa",
            "sv",
            "en",
            "note",
            "text",
            "help",
            "helq",
            "label",
            "option",
            "indirectly identifying",
            "indirectly identifyinh",
            "äö",
            "äo",
            "sixteen_bytes_ab",
            "sixteen_bytes_ac",
            "seventeen_bytes_a",
            "seventeen_bytes_b",
        ];
        for a in words {
            for b in words {
                assert_eq!(same(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    proptest::proptest! {
        /// `is_trimmed` and `is_blank` answer as `trim` does, white space
        /// that `u8::is_ascii_whitespace` leaves out (\u{b}) and non-ASCII
        /// white space at either end included.
        #[test]
        fn trimmed_and_blank_as_trim_says(s in "[ \u{b}\u{a0}\u{3000}\näx]{0,5}") {
            proptest::prop_assert_eq!(is_trimmed(&s), s.trim().len() == s.len());
            proptest::prop_assert_eq!(is_blank(&s), s.trim().is_empty());
        }

        /// The first byte of the set at or after `from`, as a plain walk
        /// finds it, whatever the text's length (full words, the tail)
        /// and whatever sits before `from`.
        #[test]
        fn finds_what_a_walk_finds(
            text in "[ab\"\\\\\n\u{b}ä🙂]{0,80}",
            from in 0usize..96,
        ) {
            let bytes = text.as_bytes();
            let set = [b'"', b'\\', b'\n'];
            let expected = if from > bytes.len() {
                from
            } else {
                (from..bytes.len()).find(|&i| set.contains(&bytes[i])).unwrap_or(bytes.len())
            };
            proptest::prop_assert_eq!(find_any(bytes, from, set), expected);
            proptest::prop_assert_eq!(super::find_any_words(bytes, from, set), expected);
        }
    }

    #[test]
    fn find_any_finds_the_first() {
        let text = "abcdefgh\"ijklmnop\\qrstu\nvwxyzäö\"";
        let bytes = text.as_bytes();
        for from in 0..=bytes.len() {
            for set in [[b'"', b'\\', b'\n'], [b'x', b'x', b'x'], [0xc3, b'z', b'z']] {
                let expected = (from..bytes.len())
                    .find(|&i| set.contains(&bytes[i]))
                    .unwrap_or(bytes.len());
                assert_eq!(find_any(bytes, from, set), expected, "{from} {set:?}");
            }
        }
    }
}
