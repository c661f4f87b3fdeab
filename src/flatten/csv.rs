//! The flat table as CSV: RFC 4180 (CRLF line ends, fields quoted when they
//! hold a comma, a quote, CR or LF; quotes doubled), UTF-8 without a byte
//! order mark, a header row of column names. Line breaks inside answers are
//! kept inside their quoted field.

use std::io::Write;

use super::{Cell, Sink};

/// Writes rows as CSV to any writer (buffer it).
pub struct CsvWriter<W: Write> {
    out: W,
    buf: Vec<u8>,
}

impl<W: Write> CsvWriter<W> {
    /// Writes the header row.
    pub fn new<'n>(mut out: W, names: impl IntoIterator<Item = &'n str>) -> std::io::Result<Self> {
        let mut buf = Vec::new();
        for (i, name) in names.into_iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            field(&mut buf, name);
        }
        buf.extend_from_slice(b"\r\n");
        out.write_all(&buf)?;
        Ok(CsvWriter { out, buf })
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> Sink for CsvWriter<W> {
    fn row(&mut self, cells: &[Cell<'_>]) -> std::io::Result<()> {
        self.buf.clear();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            match c {
                Cell::Num(x) => number(&mut self.buf, *x),
                Cell::Str(s) => field(&mut self.buf, s),
            }
        }
        self.buf.extend_from_slice(b"\r\n");
        self.out.write_all(&self.buf)
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// One field, quoted when RFC 4180 needs it.
pub fn field(buf: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
        buf.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(s.as_bytes());
    }
}

/// A number: whole numbers without a decimal point, others in the shortest
/// form that reads back to the same double.
pub fn number(buf: &mut Vec<u8>, x: f64) {
    use std::io::Write as _;
    if x.fract() == 0.0 && x.abs() < 1e15 {
        let _ = write!(buf, "{}", x as i64);
    } else {
        let _ = write!(buf, "{x}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> String {
        let mut b = Vec::new();
        field(&mut b, s);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn quoting() {
        assert_eq!(f("plain äö"), "plain äö");
        assert_eq!(f(""), "");
        assert_eq!(f("a,b"), "\"a,b\"");
        assert_eq!(f("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(f("two\nlines"), "\"two\nlines\"");
        assert_eq!(f("cr\r"), "\"cr\r\"");
        assert_eq!(f("'; DROP TABLE x; --"), "'; DROP TABLE x; --");
    }

    #[test]
    fn numbers() {
        let n = |x: f64| {
            let mut b = Vec::new();
            number(&mut b, x);
            String::from_utf8(b).unwrap()
        };
        assert_eq!(n(7.0), "7");
        assert_eq!(n(-3.0), "-3");
        assert_eq!(n(2.5), "2.5");
        assert_eq!(n(0.1), "0.1");
        assert_eq!(n(1e20), "100000000000000000000");
    }
}
