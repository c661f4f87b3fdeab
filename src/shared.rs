//! [`SharedStr`]: an immutable string that shares its bytes.
//!
//! The syntax tree's texts and language codes, and the IR's texts, are
//! slices of the source file they were read from: making one copies no
//! bytes and allocates nothing, and the checker hands the same slice on to
//! the IR. A text that is not a slice of a source (a multi-line text with
//! its indentation stripped, a block's text with its placeholders filled
//! in) owns its bytes.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A source file's text, shared by its [`SharedBuf`]s. It holds the
/// `String` the file's bytes were read into, so that making it copies
/// nothing (an `Arc<str>` would copy the whole file once more).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceText(Arc<String>);

impl SourceText {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether both are the same buffer (not just equal texts).
    pub fn ptr_eq(a: &SourceText, b: &SourceText) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl Deref for SourceText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for SourceText {
    fn from(s: String) -> SourceText {
        SourceText(Arc::new(s))
    }
}

impl From<&str> for SourceText {
    fn from(s: &str) -> SourceText {
        SourceText(Arc::new(s.to_string()))
    }
}

/// A handle on a shared buffer, from which [`SharedStr`]s are cut.
///
/// Cutting or cloning a [`SharedStr`] counts a reference on its handle, not
/// on the buffer. Threads that cut many slices of one buffer (the parse
/// groups, the checker's parts) each take a handle of their own
/// ([`SharedBuf::new`]), so that they count in different places: one counter
/// shared by two threads costs each increment a trip of its cache line
/// between the cores, which made two parse groups hardly faster than one.
pub struct SharedBuf(Arc<Buf>);

/// What a handle holds: a buffer other handles share too (a source file),
/// or a text of its own (made once, never shared by another handle).
enum Buf {
    Shared(SourceText),
    Owned(Box<str>),
}

impl Buf {
    fn as_str(&self) -> &str {
        match self {
            Buf::Shared(s) => s,
            Buf::Owned(s) => s,
        }
    }
}

impl SharedBuf {
    /// A new handle on `buf` (one allocation: take one per thread, not per
    /// slice).
    pub fn new(buf: &SourceText) -> SharedBuf {
        SharedBuf(Arc::new(Buf::Shared(buf.clone())))
    }

    /// The whole buffer.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// `buf[start..end]`, when that is a string within `buf` (both ends on
    /// character boundaries, under 4 GiB): sharing `buf`, copying nothing.
    pub fn slice(&self, start: usize, end: usize) -> Option<SharedStr> {
        self.0.as_str().get(start..end)?;
        Some(SharedStr {
            buf: Arc::clone(&self.0),
            start: u32::try_from(start).ok()?,
            end: u32::try_from(end).ok()?,
        })
    }

    /// `s` counted on this handle when it is a slice of the same buffer
    /// (the same bytes, no copy), else a clone of `s`.
    pub fn adopt(&self, s: &SharedStr) -> SharedStr {
        let same = match (&*self.0, &*s.buf) {
            (Buf::Shared(mine), Buf::Shared(its)) => SourceText::ptr_eq(mine, its),
            _ => false,
        };
        if !same {
            return s.clone();
        }
        SharedStr {
            buf: Arc::clone(&self.0),
            start: s.start,
            end: s.end,
        }
    }
}

/// An immutable string: `buf[start..end]`. Cloning it costs a reference
/// count on its handle ([`SharedBuf`]), not a copy. Sixteen bytes.
#[derive(Clone)]
pub struct SharedStr {
    buf: Arc<Buf>,
    start: u32,
    end: u32,
}

impl SharedStr {
    pub fn as_str(&self) -> &str {
        // The constructors checked the range.
        &self.buf.as_str()[self.start as usize..self.end as usize]
    }

    /// `self[start..end]`, sharing the same buffer (no copy), when that is
    /// a string.
    pub fn sub(&self, start: usize, end: usize) -> Option<SharedStr> {
        self.as_str().get(start..end)?;
        Some(SharedStr {
            buf: Arc::clone(&self.buf),
            start: self.start + u32::try_from(start).ok()?,
            end: self.start + u32::try_from(end).ok()?,
        })
    }

    /// The `len` bytes of this slice's buffer that start `back` bytes
    /// before this slice does: a text cut from the same buffer just before
    /// this one (a translation's language code, before its text). Empty
    /// when that is no string of the buffer.
    pub fn before(&self, back: usize, len: usize) -> &str {
        (self.start as usize)
            .checked_sub(back)
            .and_then(|start| self.buf.as_str().get(start..start + len))
            .unwrap_or("")
    }
}

impl Default for SharedStr {
    fn default() -> SharedStr {
        SharedStr::from("")
    }
}

impl Deref for SharedStr {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> SharedStr {
        SharedStr::from(Box::<str>::from(s))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> SharedStr {
        SharedStr::from(s.into_boxed_str())
    }
}

impl From<Box<str>> for SharedStr {
    fn from(buf: Box<str>) -> SharedStr {
        match u32::try_from(buf.len()) {
            Ok(end) => SharedStr {
                buf: Arc::new(Buf::Owned(buf)),
                start: 0,
                end,
            },
            // Over 4 GiB: no source or text is that long (spans are u32).
            Err(_) => {
                let mut end = u32::MAX as usize;
                while !buf.is_char_boundary(end) {
                    end -= 1;
                }
                SharedStr::from(&buf[..end])
            }
        }
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> String {
        s.as_str().to_string()
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialOrd for SharedStr {
    fn partial_cmp(&self, other: &SharedStr) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SharedStr {
    fn cmp(&self, other: &SharedStr) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for SharedStr {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for SharedStr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<SharedStr, D::Error> {
        String::deserialize(d).map(SharedStr::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_shares_its_source() {
        let src = SourceText::from("fi \"Hyvä päivä\"");
        let handle = SharedBuf::new(&src);
        let s = handle.slice(4, 17).expect("in range");
        assert_eq!(s, "Hyvä päivä");
        assert_eq!(s.len(), "Hyvä päivä".len());
        assert_eq!(s.as_str().as_ptr(), src[4..].as_ptr());
        // Counted on the handle, not on the buffer.
        assert_eq!(Arc::strong_count(&src.0), 2);
        assert_eq!(Arc::strong_count(&handle.0), 2);
        let t = s.clone();
        assert_eq!(Arc::strong_count(&handle.0), 3);
        assert_eq!(t.as_str().as_ptr(), s.as_str().as_ptr());
        assert_eq!(std::mem::size_of::<SharedStr>(), 16);
    }

    #[test]
    fn a_handle_adopts_slices_of_its_own_buffer_only() {
        let src = SourceText::from("abc");
        let (one, two) = (SharedBuf::new(&src), SharedBuf::new(&src));
        let s = one.slice(1, 3).expect("in range");
        let t = two.adopt(&s);
        assert_eq!(t, "bc");
        assert_eq!(t.as_str().as_ptr(), s.as_str().as_ptr());
        assert!(Arc::ptr_eq(&t.buf, &two.0), "counted on the new handle");
        let other = SharedStr::from("bc");
        let u = two.adopt(&other);
        assert!(Arc::ptr_eq(&u.buf, &other.buf), "another buffer: a clone");
    }

    #[test]
    fn a_slice_must_be_a_string() {
        let src = SharedBuf::new(&SourceText::from("päivä"));
        // Inside `ä`, and past the end.
        assert!(src.slice(0, 2).is_none());
        assert!(src.slice(0, 99).is_none());
        assert!(src.slice(3, 1).is_none());
        assert_eq!(src.slice(0, 3).expect("on a boundary"), "pä");
    }

    #[test]
    fn compares_orders_and_serializes_as_its_text() {
        let src = SharedBuf::new(&SourceText::from("abcab"));
        let a = src.slice(0, 2).expect("in range");
        let b = src.slice(3, 5).expect("in range");
        assert_eq!(a, b);
        assert_eq!(a.cmp(&SharedStr::from("b")), std::cmp::Ordering::Less);
        assert_eq!(format!("{a} {a:?}"), "ab \"ab\"");
        assert_eq!(serde_json::to_string(&a).expect("serializes"), "\"ab\"");
        let back: SharedStr = serde_json::from_str("\"ab\"").expect("parses");
        assert_eq!(back, a);
    }
}
