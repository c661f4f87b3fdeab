//! The fast path of [`Validator`]: accepting a valid response straight from
//! its JSON text, without building a `serde_json::Value`, without hashing
//! names, and without explaining anything.
//!
//! It is an optimisation, not a second definition: it answers `true` only
//! when [`Validator::check`] would accept the response, and gives up
//! (`false`, "not certainly") on anything unusual — an escaped name, a
//! repeated name, a value of an unexpected shape, a condition it cannot
//! decide on its own. The slow path then decides and explains.
//! `tests/validate.rs` checks that the two agree on sampled and mutated
//! responses, and on JSON texts written in unusual ways.
//!
//! Two parts: a scanner for the one shape a valid response has (a flat
//! object of `null`, numbers, strings and arrays of numbers), and the
//! routing conditions compiled to variable indexes, evaluated with the
//! semantics of [`crate::eval`] on what the scanner read.

use std::cell::RefCell;

use super::{ENVELOPE, Validator, Var, is_date_time};
use crate::eval::Truth;
use crate::ir::{Cmp, Condition, Constant, VariableKind, is_date};

/// A value as the scanner read it. Strings and arrays are ranges, so the
/// slots can be kept between responses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Slot {
    Absent,
    Null,
    Num(f64),
    /// A string: a byte range of the line, or of [`Scratch::decoded`] when
    /// it had escapes.
    Str {
        at: u32,
        len: u32,
        decoded: bool,
    },
    /// An array of numbers: a range of [`Scratch::codes`].
    Codes(u32, u32),
}

/// Buffers kept between responses so the fast path does not allocate.
#[derive(Default)]
pub(super) struct Scratch {
    slots: Vec<Slot>,
    codes: Vec<f64>,
    decoded: String,
    truths: Vec<Option<Truth>>,
}

/// Where the strings of [`Slot::Str`] are.
#[derive(Clone, Copy)]
struct Texts<'x> {
    line: &'x str,
    decoded: &'x str,
}

impl<'x> Texts<'x> {
    #[inline]
    fn get(self, slot: &Slot) -> Option<&'x str> {
        match *slot {
            Slot::Str { at, len, decoded } => {
                let from = if decoded { self.decoded } else { self.line };
                from.get(at as usize..(at + len) as usize)
            }
            _ => None,
        }
    }
}

/// Gave up: the slow path decides.
struct GiveUp;

type R<T> = Result<T, GiveUp>;

struct Scan<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl<'a> Scan<'a> {
    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    #[inline]
    fn eat(&mut self, b: u8) -> R<()> {
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// A string after its opening quote, as a [`Slot::Str`]. Escapes are
    /// decoded into `decoded` (a lone surrogate gives up).
    fn string(&mut self, decoded: &mut String) -> R<Slot> {
        let start = self.i;
        // Eight bytes at a time to the first quote, backslash or control
        // character (SWAR; the text is valid UTF-8, checked once).
        const LO: u64 = 0x0101_0101_0101_0101;
        const HI: u64 = 0x8080_8080_8080_8080;
        while let Some(chunk) = self.s.get(self.i..self.i + 8) {
            let v = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            let quote = v ^ (LO * u64::from(b'"'));
            let backslash = v ^ (LO * u64::from(b'\\'));
            let found = (quote.wrapping_sub(LO) & !quote)
                | (backslash.wrapping_sub(LO) & !backslash)
                | (v.wrapping_sub(LO * 0x20) & !v);
            let found = found & HI;
            if found != 0 {
                self.i += (found.trailing_zeros() / 8) as usize;
                break;
            }
            self.i += 8;
        }
        loop {
            match self.s.get(self.i) {
                None => return Err(GiveUp),
                Some(b'"') => {
                    let slot = Slot::Str {
                        at: start as u32,
                        len: (self.i - start) as u32,
                        decoded: false,
                    };
                    self.i += 1;
                    return Ok(slot);
                }
                Some(b'\\') => break,
                Some(&b) if b < 0x20 => return Err(GiveUp),
                Some(_) => self.i += 1,
            }
        }
        let at = decoded.len();
        let out = decoded;
        out.push_str(&self.text[start..self.i]);
        loop {
            let rest_start = self.i;
            while let Some(&b) = self.s.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.push_str(&self.text[rest_start..self.i]);
            match self.s.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(Slot::Str {
                        at: at as u32,
                        len: (out.len() - at) as u32,
                        decoded: true,
                    });
                }
                Some(b'\\') => {
                    let e = *self.s.get(self.i + 1).ok_or(GiveUp)?;
                    self.i += 2;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = self.s.get(self.i..self.i + 4).ok_or(GiveUp)?;
                            let hex = std::str::from_utf8(hex).map_err(|_| GiveUp)?;
                            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                                return Err(GiveUp);
                            }
                            let n = u32::from_str_radix(hex, 16).map_err(|_| GiveUp)?;
                            self.i += 4;
                            // Surrogate pairs are rare in survey answers:
                            // the slow path handles them.
                            char::from_u32(n).ok_or(GiveUp)?
                        }
                        _ => return Err(GiveUp),
                    };
                    out.push(c);
                }
                _ => return Err(GiveUp),
            }
        }
    }

    /// A number in JSON's grammar.
    #[inline]
    fn number(&mut self) -> R<f64> {
        // Most numbers in responses are small non-negative integers (codes,
        // grades): read those in one tight loop.
        let s = self.s;
        let mut i = self.i;
        if let Some(&d) = s.get(i)
            && d.is_ascii_digit()
        {
            let mut n = u64::from(d - b'0');
            i += 1;
            if d != b'0' {
                while let Some(&d) = s.get(i)
                    && d.is_ascii_digit()
                    && i - self.i < 15
                {
                    n = n * 10 + u64::from(d - b'0');
                    i += 1;
                }
            }
            if !matches!(s.get(i), Some(b'0'..=b'9' | b'.' | b'e' | b'E')) {
                self.i = i;
                return Ok(n as f64);
            }
        }
        self.number_general()
    }

    /// A number in JSON's grammar: the general case.
    fn number_general(&mut self) -> R<f64> {
        let start = self.i;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.i += 1;
        }
        let int_start = self.i;
        let mut n: u64 = 0;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            n = n.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
            self.i += 1;
        }
        let digits = self.i - int_start;
        if digits == 0 || (digits > 1 && self.s[int_start] == b'0') {
            return Err(GiveUp);
        }
        let mut simple = digits <= 15;
        if self.peek() == Some(b'.') {
            simple = false;
            self.i += 1;
            let f = self.i;
            while let Some(b'0'..=b'9') = self.peek() {
                self.i += 1;
            }
            if self.i == f {
                return Err(GiveUp);
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            simple = false;
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            let f = self.i;
            while let Some(b'0'..=b'9') = self.peek() {
                self.i += 1;
            }
            if self.i == f {
                return Err(GiveUp);
            }
        }
        if simple {
            let x = n as f64;
            return Ok(if negative { -x } else { x });
        }
        let x: f64 = self.text[start..self.i].parse().map_err(|_| GiveUp)?;
        if x.is_finite() { Ok(x) } else { Err(GiveUp) }
    }

    fn value(&mut self, codes: &mut Vec<f64>, decoded: &mut String) -> R<Slot> {
        match self.peek().ok_or(GiveUp)? {
            b'"' => {
                self.i += 1;
                self.string(decoded)
            }
            b'n' => {
                if self.s.get(self.i..self.i + 4) == Some(b"null") {
                    self.i += 4;
                    Ok(Slot::Null)
                } else {
                    Err(GiveUp)
                }
            }
            b'[' => {
                self.i += 1;
                let start = codes.len();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        codes.push(self.number()?);
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(GiveUp),
                        }
                    }
                }
                Ok(Slot::Codes(start as u32, (codes.len() - start) as u32))
            }
            b'-' | b'0'..=b'9' => Ok(Slot::Num(self.number()?)),
            // true, false, objects: never valid.
            _ => Err(GiveUp),
        }
    }
}

/// A condition with its variables resolved to indexes.
#[derive(Debug)]
pub(super) enum Fc {
    And(Vec<Fc>),
    Or(Vec<Fc>),
    Not(Box<Fc>),
    Answered(usize),
    Substantive(usize),
    Compare(usize, Cmp, Const),
    In(usize, Vec<Const>),
    Includes(usize, Const),
    /// Anything the fast path leaves to the slow one (comparing two
    /// variables, a name not in the survey).
    Undecided,
}

#[derive(Debug)]
pub(super) enum Const {
    Num(f64),
    Str(String),
}

impl Fc {
    pub(super) fn compile(c: &Condition, index: &dyn Fn(&str) -> Option<usize>) -> Fc {
        let var = |v: &str| index(v);
        let konst = |c: &Constant| match c {
            Constant::Number(n) => n.as_f64().map_or(Const::Str(String::new()), Const::Num),
            Constant::String(s) => Const::Str(s.clone()),
        };
        let numeric_ok = |c: &Constant| match c {
            Constant::Number(n) => n.as_f64().is_some(),
            Constant::String(_) => true,
        };
        match c {
            Condition::And { args } => {
                Fc::And(args.iter().map(|a| Fc::compile(a, index)).collect())
            }
            Condition::Or { args } => Fc::Or(args.iter().map(|a| Fc::compile(a, index)).collect()),
            Condition::Not { arg } => Fc::Not(Box::new(Fc::compile(arg, index))),
            Condition::Answered { var: v } => var(v).map_or(Fc::Undecided, Fc::Answered),
            Condition::Substantive { var: v } => var(v).map_or(Fc::Undecided, Fc::Substantive),
            Condition::Compare { var: v, cmp, value } if numeric_ok(value) => {
                var(v).map_or(Fc::Undecided, |i| Fc::Compare(i, *cmp, konst(value)))
            }
            Condition::In { var: v, values } if values.iter().all(numeric_ok) => var(v)
                .map_or(Fc::Undecided, |i| {
                    Fc::In(i, values.iter().map(konst).collect())
                }),
            Condition::Includes { var: v, value } if numeric_ok(value) => {
                var(v).map_or(Fc::Undecided, |i| Fc::Includes(i, konst(value)))
            }
            _ => Fc::Undecided,
        }
    }
}

/// What a condition sees of one answer (`None`: absent, `null` or `[]`).
#[derive(Clone, Copy)]
enum Seen<'x> {
    Num(f64),
    Str(&'x str),
    Codes(&'x [f64]),
}

struct Env<'x> {
    slots: &'x [Slot],
    codes: &'x [f64],
    texts: Texts<'x>,
    vars: &'x [Var<'x>],
}

impl<'x> Env<'x> {
    fn seen(&self, i: usize) -> Option<Seen<'x>> {
        let slot = self.slots.get(i)?;
        match *slot {
            Slot::Absent | Slot::Null | Slot::Codes(_, 0) => None,
            Slot::Num(x) => Some(Seen::Num(x)),
            Slot::Str { .. } => self.texts.get(slot).map(Seen::Str),
            Slot::Codes(a, n) => Some(Seen::Codes(&self.codes[a as usize..(a + n) as usize])),
        }
    }

    fn is_missing(&self, i: usize, x: f64) -> bool {
        self.vars[i]
            .var
            .missing_codes
            .iter()
            .any(|m| *m as f64 == x)
    }

    /// `eval::same`: numbers by value, strings by text, arrays never equal a
    /// constant.
    fn same(v: Seen, c: &Const) -> bool {
        match (v, c) {
            (Seen::Num(x), Const::Num(y)) => x == *y,
            (Seen::Str(x), Const::Str(y)) => x == y,
            _ => false,
        }
    }

    fn eval(&self, c: &Fc) -> Option<Truth> {
        let b = |x: bool| Some(if x { Truth::True } else { Truth::False });
        match c {
            Fc::And(args) => {
                let mut out = Truth::True;
                for a in args {
                    match self.eval(a)? {
                        Truth::False => return Some(Truth::False),
                        Truth::Unknown => out = Truth::Unknown,
                        Truth::True => {}
                    }
                }
                Some(out)
            }
            Fc::Or(args) => {
                let mut out = Truth::False;
                for a in args {
                    match self.eval(a)? {
                        Truth::True => return Some(Truth::True),
                        Truth::Unknown => out = Truth::Unknown,
                        Truth::False => {}
                    }
                }
                Some(out)
            }
            Fc::Not(a) => Some(self.eval(a)?.negate()),
            Fc::Answered(i) => b(self.seen(*i).is_some()),
            Fc::Substantive(i) => b(match self.seen(*i) {
                None => false,
                Some(Seen::Num(x)) => !self.is_missing(*i, x),
                Some(Seen::Str(_)) => true,
                Some(Seen::Codes(c)) => c.iter().any(|x| !self.is_missing(*i, *x)),
            }),
            Fc::Compare(i, cmp, k) => {
                let Some(v) = self.seen(*i) else {
                    return Some(Truth::Unknown);
                };
                match cmp {
                    Cmp::Eq => b(Self::same(v, k)),
                    Cmp::Ne => b(!Self::same(v, k)),
                    _ => {
                        if let Seen::Num(x) = v
                            && self.is_missing(*i, x)
                        {
                            return Some(Truth::Unknown);
                        }
                        let ord = match (v, k) {
                            (Seen::Num(x), Const::Num(y)) => x.partial_cmp(y),
                            (Seen::Str(x), Const::Str(y)) => Some(x.cmp(y.as_str())),
                            _ => None,
                        };
                        let Some(ord) = ord else {
                            return Some(Truth::Unknown);
                        };
                        b(match cmp {
                            Cmp::Lt => ord.is_lt(),
                            Cmp::Le => ord.is_le(),
                            Cmp::Gt => ord.is_gt(),
                            _ => ord.is_ge(),
                        })
                    }
                }
            }
            Fc::In(i, values) => match self.seen(*i) {
                None => Some(Truth::Unknown),
                Some(v) => b(values.iter().any(|k| Self::same(v, k))),
            },
            Fc::Includes(i, k) => match self.seen(*i) {
                None => Some(Truth::Unknown),
                Some(Seen::Codes(c)) => b(c.iter().any(|x| Self::same(Seen::Num(*x), k))),
                Some(_) => Some(Truth::Unknown),
            },
            Fc::Undecided => None,
        }
    }
}

impl<'s> Validator<'s> {
    /// Whether a JSON text is certainly a valid response, decided without
    /// building a `serde_json::Value` and without explaining anything.
    /// `false` means "not certainly": [`Validator::check`] then tells. The
    /// two agree: `quick_valid` is true only for responses `check` accepts
    /// (`tests/validate.rs` checks this on sampled and mutated responses).
    pub fn quick_valid(&self, json: &[u8]) -> bool {
        // One UTF-8 check of the whole line is cheaper than a check of
        // every string in it.
        let Ok(text) = std::str::from_utf8(json) else {
            return false;
        };
        let mut scratch = match self.scratch.try_borrow_mut() {
            Ok(s) => s,
            // Re-entered (cannot happen today): use fresh buffers.
            Err(_) => return self.quick_valid_with(text, &mut Scratch::default()),
        };
        self.quick_valid_with(text, &mut scratch)
    }

    fn quick_valid_with(&self, text: &str, scratch: &mut Scratch) -> bool {
        scratch.codes.clear();
        scratch.decoded.clear();
        scratch.slots.clear();
        scratch.slots.resize(self.vars.len(), Slot::Absent);
        let mut env = [Slot::Absent; 5];
        let Scratch {
            slots,
            codes,
            decoded,
            truths,
        } = scratch;
        if self.scan(text, &mut env, slots, codes, decoded).is_err() {
            return false;
        }
        let texts = Texts {
            line: text,
            decoded,
        };
        self.quick_check(&env, slots, codes, texts, truths)
    }

    fn scan(
        &self,
        text: &str,
        env: &mut [Slot; 5],
        slots: &mut [Slot],
        codes: &mut Vec<f64>,
        decoded: &mut String,
    ) -> R<()> {
        let mut p = Scan {
            s: text.as_bytes(),
            text,
            i: 0,
        };
        p.ws();
        p.eat(b'{')?;
        p.ws();
        // Responses usually list variables in questionnaire order: try the
        // variable after the last one first, then the index.
        let vars = &self.vars;
        let mut next = 0usize;
        if p.peek() == Some(b'}') {
            p.i += 1;
        } else {
            loop {
                p.ws();
                p.eat(b'"')?;
                // Most often the key is the next variable's name: compare
                // the bytes in place, without scanning the string.
                if next < vars.len() {
                    let name = vars[next].var.name.as_bytes();
                    let end = p.i + name.len();
                    if p.s.get(p.i..end) == Some(name) && p.s.get(end) == Some(&b'"') {
                        p.i = end + 1;
                        p.ws();
                        p.eat(b':')?;
                        p.ws();
                        next += 1;
                        let slot = &mut slots[next - 1];
                        if *slot != Slot::Absent {
                            return Err(GiveUp);
                        }
                        *slot = p.value(codes, decoded)?;
                        p.ws();
                        match p.peek() {
                            Some(b',') => {
                                p.i += 1;
                                continue;
                            }
                            Some(b'}') => {
                                p.i += 1;
                                break;
                            }
                            _ => return Err(GiveUp),
                        }
                    }
                }
                let key = match p.string(decoded)? {
                    Slot::Str {
                        at,
                        len,
                        decoded: false,
                    } => &text[at as usize..(at + len) as usize],
                    _ => return Err(GiveUp),
                };
                p.ws();
                p.eat(b':')?;
                p.ws();
                let slot = if key.starts_with('_') {
                    let e = ENVELOPE.iter().position(|n| *n == key).ok_or(GiveUp)?;
                    &mut env[e]
                } else if next < vars.len() && vars[next].var.name == key {
                    next += 1;
                    &mut slots[next - 1]
                } else if let Some(&i) = self.index.get(key) {
                    next = i + 1;
                    &mut slots[i]
                } else {
                    return Err(GiveUp);
                };
                if *slot != Slot::Absent {
                    // A repeated name: the slow path decides.
                    return Err(GiveUp);
                }
                *slot = p.value(codes, decoded)?;
                p.ws();
                match p.peek() {
                    Some(b',') => p.i += 1,
                    Some(b'}') => {
                        p.i += 1;
                        break;
                    }
                    _ => return Err(GiveUp),
                }
            }
        }
        p.ws();
        if p.i == p.s.len() {
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    fn quick_check(
        &self,
        env: &[Slot; 5],
        slots: &[Slot],
        codes: &[f64],
        texts: Texts,
        truths: &mut Vec<Option<Truth>>,
    ) -> bool {
        let is = |s: &Slot, want: &str| texts.get(s) == Some(want);
        if !is(&env[0], &self.survey.id) || !is(&env[1], &self.survey.version) {
            return false;
        }
        let complete = if is(&env[2], "complete") {
            true
        } else if is(&env[2], "partial") {
            false
        } else {
            return false;
        };
        match env[3] {
            Slot::Absent => {}
            Slot::Str { .. } if texts.get(&env[3]).is_some_and(is_date_time) => {}
            _ => return false,
        }
        if !matches!(env[4], Slot::Absent | Slot::Str { .. }) {
            return false;
        }
        truths.clear();
        truths.resize(self.fast_conds.len(), None);
        let cenv = Env {
            slots,
            codes,
            texts,
            vars: &self.vars,
        };
        for ((v, slot), c) in self.vars.iter().zip(slots).zip(&self.cond_of) {
            let asked = match c {
                None => true,
                Some(c) => {
                    let t = match truths[*c] {
                        Some(t) => t,
                        None => match cenv.eval(&self.fast_conds[*c]) {
                            Some(t) => {
                                truths[*c] = Some(t);
                                t
                            }
                            None => return false,
                        },
                    };
                    t == Truth::True
                }
            };
            match (asked, slot) {
                (false, Slot::Absent) => {}
                (false, _) => return false,
                (true, Slot::Absent) => {
                    if v.always || complete {
                        return false;
                    }
                }
                (true, s) => {
                    if !quick_value(v, s, codes, texts, complete) {
                        return false;
                    }
                }
            }
        }
        true
    }
}

/// Whether the value of an asked variable is valid (as [`Validator::check`]).
fn quick_value(v: &Var, s: &Slot, codes: &[f64], texts: Texts, complete: bool) -> bool {
    let var = v.var;
    // Equal to an integer code, so integral too.
    let is_code = |x: f64| match v.code_bits {
        Some(bits) => {
            // Saturating: NaN and huge values fail the range test.
            let i = x as i64;
            i as f64 == x && (0..128).contains(&i) && bits >> i & 1 == 1
        }
        None => v.codes.iter().any(|c| *c as f64 == x),
    };
    match (var.kind, s) {
        (VariableKind::Hidden, Slot::Str { .. }) => texts
            .get(s)
            .is_some_and(|x| var.values.iter().any(|w| w == x)),
        (VariableKind::Hidden, _) => false,
        (_, Slot::Null) => !(var.required && complete),
        (VariableKind::Single, Slot::Num(x)) => is_code(*x),
        (VariableKind::Multiple, Slot::Codes(a, n)) => {
            let c = &codes[*a as usize..(a + n) as usize];
            if c.is_empty() || !c.iter().all(|x| is_code(*x)) {
                return false;
            }
            if c.iter().enumerate().any(|(i, x)| c[..i].contains(x)) {
                return false;
            }
            let exclusive = v.exclusive.iter().any(|e| c.contains(&(*e as f64)));
            if exclusive && c.len() > 1 {
                return false;
            }
            let n = c.len() as f64;
            !(v.max.is_some_and(|m| n > m) || (!exclusive && v.min.is_some_and(|m| n < m)))
        }
        (VariableKind::Integer | VariableKind::Decimal, Slot::Num(x)) => {
            // Not `fract()`, a libm call: saturating casts make huge values
            // "fractional", which only sends them to the slow path.
            let fractional = var.kind == VariableKind::Integer && (*x as i64) as f64 != *x;
            let outside = v.min.is_some_and(|m| *x < m) || v.max.is_some_and(|m| *x > m);
            !(fractional || outside)
        }
        (VariableKind::Text, Slot::Str { .. }) => texts.get(s).is_some_and(|x| {
            var.max_length
                .is_none_or(|m| x.len() <= m as usize || x.chars().count() <= m as usize)
        }),
        (VariableKind::Date, Slot::Str { .. }) => texts.get(s).is_some_and(is_date),
        _ => false,
    }
}

/// FNV-1a, a fast hash for short variable names (no dependency needed).
#[derive(Default)]
pub(super) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub(super) type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// The kept buffers of a validator.
pub(super) type ScratchCell = RefCell<Scratch>;
