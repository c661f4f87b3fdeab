//! A hand-written fast path for the item parser.
//!
//! [`parse_item`] reads one item chunk (as `parse.rs` gives it to pest) with
//! a byte-level recursive-descent parser that follows `grammar/lomake.pest`
//! rule by rule, with pest's semantics: ordered choice, greedy repetition
//! without backtracking into it, and implicit whitespace and comments between
//! the elements of every non-atomic sequence. That last point decides spans:
//! pest skips whitespace before an optional or repeated element even when the
//! element then does not match, so a rule that ends in `x?` or `x*` (an item
//! without properties, a translation without `reviewed`, …) ends after the
//! whitespace and comments that follow its last token. The functions below
//! skip at exactly the places where pest does.
//!
//! The grammar stays the specification and pest the error reporter: this
//! parser returns `None` whenever the chunk does not parse (or might nest
//! too deep, see [`P::nots`]), and the caller then runs pest, which gives the
//! same tree or the diagnostic. `tests/fast_parser.rs` checks that whenever
//! this parser returns a tree, pest returns the identical one, and that
//! `parse` would not have refused the chunk as too deep.

use std::cell::Cell;

use super::ast::*;
use super::parse::MAX_NESTING;
use crate::bytes::find_any;
use crate::shared::{SharedBuf, SharedStr, SourceText};
use crate::source::{FileId, Span, Spanned};

/// Parses one item chunk; `base` is the chunk's byte offset in its file.
/// `None` when the chunk does not parse, or anything is unusual: the caller
/// then asks pest.
pub fn parse_item(file: FileId, base: usize, chunk: &str) -> Option<Item> {
    parse_item_in(
        file,
        base,
        &SharedBuf::new(&SourceText::from(chunk)),
        0..chunk.len(),
        &mut Vec::new(),
    )
}

/// [`parse_item`] of `src[range]`, whose texts are then slices of `src`
/// (see [`SharedStr`]). `scratch` is room for an item's properties, kept
/// by the caller from item to item: each item's list is then made at its
/// size, not grown (a property is large).
pub fn parse_item_in(
    file: FileId,
    base: usize,
    src: &SharedBuf,
    range: std::ops::Range<usize>,
    scratch: &mut Vec<Property>,
) -> Option<Item> {
    let at = range.start;
    let chunk = src.as_str().get(range)?;
    let mut p = P {
        src,
        at,
        text: chunk,
        s: chunk.as_bytes(),
        pos: 0,
        file,
        base,
        depth: 0,
        nots: 0,
        languages: 4,
        bail: Cell::new(false),
        props: std::mem::take(scratch),
    };
    // item_only = { SOI ~ item ~ EOI }
    p.skip();
    let item = p.item();
    *scratch = std::mem::take(&mut p.props);
    let item = item?;
    p.skip();
    if p.pos != p.s.len() || p.bail.get() {
        return None;
    }
    Some(item)
}

const TEXT_KW: &[&str] = &[
    "title",
    "description",
    "organisation",
    "label",
    "text",
    "help",
    "intro",
    "note",
    "privacy",
    "accessibility",
    "unit",
    "break",
];
const QUESTION_KIND: &[&str] = &[
    "single", "multiple", "scale", "grid", "integer", "decimal", "longtext", "text", "date",
];
const LEVEL: &[&str] = &["nominal", "ordinal", "scale"];
pub(super) const OPTION_FLAG: &[&str] = &["missing", "exclusive", "other"];
const DATE_KW: &[&str] = &["opens", "closes"];
const STRING_KW: &[&str] = &["version", "submit"];
const NUMBER_KW: &[&str] = &["minlength", "maxlength", "min", "max", "decimals"];
const FLAG_KW: &[&str] = &["identifying", "required", "dropdown"];
const CALL_KW: &[&str] = &["answered", "substantive"];
/// `property_kw`, rule by rule (each a set of alternatives).
/// Every property keyword of the grammar (`property_kw`).
pub(super) const PROPERTY_KW: &[&[&str]] = &[
    TEXT_KW,
    &["option"],
    &["item"],
    &["values"],
    &["when"],
    &["languages"],
    STRING_KW,
    DATE_KW,
    NUMBER_KW,
    &["indirectly"],
    FLAG_KW,
    &["continues"],
];
#[cfg(test)]
const ITEM_KW: &[&[&str]] = &[
    &["survey"],
    &["use"],
    &["scale"],
    &["list"],
    &["block"],
    &["end"],
    &["section"],
    &["introduction"],
    &["question"],
    &["display"],
    &["hidden"],
    &["insert"],
];

/// A byte range of the chunk.
type R = (usize, usize);

struct P<'a> {
    /// The text the chunk is a slice of, from byte `at`.
    src: &'a SharedBuf,
    at: usize,
    text: &'a str,
    s: &'a [u8],
    pos: usize,
    file: FileId,
    base: usize,
    /// Parentheses open at the current position (of conditions, calls and
    /// block parameters).
    depth: usize,
    /// The `not` words read so far, or more (words of attempts that failed
    /// count too). `parse` refuses a chunk in which the open parentheses plus
    /// the `not`s in force ever exceed [`MAX_NESTING`] (`too_deep`, which
    /// looks at every word outside strings and comments). On a chunk this
    /// parser reads, each such word is a name, a language code (or a part of
    /// one between `{`, `}` and `-`) or the keyword `not`, so `depth + nots`
    /// bounds that nesting from above wherever it grows; the parser gives up
    /// when the bound exceeds the limit, and so never reads a chunk that
    /// `parse` would refuse, and `parse` need not look for deep nesting
    /// unless this parser fails.
    nots: usize,
    /// The number of translations in the last list of them.
    languages: usize,
    /// Room for an item's properties (see [`parse_item_in`]).
    props: Vec<Property>,
    /// Set when the parser is not sure: the result is thrown away.
    bail: Cell<bool>,
}

/// One of [`PROPERTY_KW`].
pub(super) fn is_property_word(w: &[u8]) -> bool {
    matches!(
        w,
        b"title"
            | b"description"
            | b"organisation"
            | b"label"
            | b"text"
            | b"help"
            | b"intro"
            | b"note"
            | b"privacy"
            | b"accessibility"
            | b"unit"
            | b"break"
            | b"option"
            | b"item"
            | b"values"
            | b"when"
            | b"languages"
            | b"version"
            | b"submit"
            | b"opens"
            | b"closes"
            | b"minlength"
            | b"maxlength"
            | b"min"
            | b"max"
            | b"decimals"
            | b"indirectly"
            | b"identifying"
            | b"required"
            | b"dropdown"
            | b"continues"
    )
}

/// The grammar's own string of a property keyword: `w` if it is one.
pub(super) fn property_keyword(w: &str) -> Option<&'static str> {
    PROPERTY_KW
        .iter()
        .flat_map(|alts| alts.iter())
        .find(|k| **k == w)
        .copied()
}

/// One of [`ITEM_KW`].
fn is_item_word(w: &[u8]) -> bool {
    matches!(
        w,
        b"survey"
            | b"use"
            | b"scale"
            | b"list"
            | b"block"
            | b"end"
            | b"section"
            | b"introduction"
            | b"question"
            | b"display"
            | b"hidden"
            | b"insert"
    )
}

/// pest's `LETTER` (general category L).
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        pest::unicode::LETTER(c)
    }
}

/// `name_char = _{ LETTER | NUMBER | "_" }`
fn is_name_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        pest::unicode::LETTER(c) || pest::unicode::NUMBER(c)
    }
}

impl<'a> P<'a> {
    // ------------------------------------------------------------ basics

    fn span(&self, (start, end): R) -> Span {
        Span::new(self.file, self.base + start, self.base + end)
    }

    /// A property keyword read with [`P::kw`] from one of the lists of
    /// [`PROPERTY_KW`].
    fn key(&self, r: R) -> Spanned<&'static str> {
        let value = property_keyword(self.slice(r)).unwrap_or_else(|| {
            self.bail.set(true);
            ""
        });
        Spanned::new(value, self.span(r))
    }

    fn spanned(&self, r: R) -> Spanned<String> {
        Spanned::new(self.slice(r).to_string(), self.span(r))
    }

    /// A slice of the source, sharing its bytes.
    fn shared(&self, r: R) -> Spanned<SharedStr> {
        let value = self
            .src
            .slice(self.at + r.0, self.at + r.1)
            .unwrap_or_else(|| {
                self.bail.set(true);
                SharedStr::default()
            });
        Spanned::new(value, self.span(r))
    }

    fn slice(&self, (start, end): R) -> &'a str {
        self.text.get(start..end).unwrap_or_else(|| {
            self.bail.set(true);
            ""
        })
    }

    fn rest(&self) -> &'a [u8] {
        self.s.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    /// The character at byte `at`, if there is one (and `at` is a boundary).
    fn char_at(&self, at: usize) -> Option<char> {
        match self.s.get(at) {
            None => None,
            Some(&b) if b < 0x80 => Some(b as char),
            Some(_) => self.text.get(at..).and_then(|t| t.chars().next()),
        }
    }

    #[inline]
    fn name_char_at(&self, at: usize) -> bool {
        match self.s.get(at) {
            None => false,
            Some(&b) if b < 0x80 => b.is_ascii_alphanumeric() || b == b'_',
            Some(_) => self.non_ascii_name_char_at(at),
        }
    }

    #[cold]
    fn non_ascii_name_char_at(&self, at: usize) -> bool {
        self.char_at(at).is_some_and(is_name_char)
    }

    /// The run of ASCII lowercase letters at the position. Every keyword is
    /// one, so a keyword matches exactly when it is this word and no name
    /// character follows.
    fn word(&self) -> &'a [u8] {
        let rest = self.rest();
        let n = rest
            .iter()
            .position(|b| !b.is_ascii_lowercase())
            .unwrap_or(rest.len());
        &rest[..n]
    }

    /// Implicit whitespace: `(WHITESPACE | COMMENT)*`.
    fn skip(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                b'#' => self.pos = comment_end(self.s, self.pos),
                _ => break,
            }
        }
    }

    fn lit(&mut self, l: &str) -> Option<R> {
        if self.rest().starts_with(l.as_bytes()) {
            let start = self.pos;
            self.pos += l.len();
            Some((start, self.pos))
        } else {
            None
        }
    }

    /// `@{ ("a" | "b" | …) ~ !name_char }`: the first alternative that
    /// matches is taken, then the next character must not be a name
    /// character. (As no alternative is a prefix of a later one, that is the
    /// alternative equal to [`P::word`].)
    fn kw_len(&self, alts: &[&str]) -> Option<usize> {
        let w = self.word();
        let l = alts.iter().find(|a| a.as_bytes() == w)?.len();
        (!self.name_char_at(self.pos + l)).then_some(l)
    }

    fn kw(&mut self, alts: &[&str]) -> Option<R> {
        let l = self.kw_len(alts)?;
        let start = self.pos;
        self.pos += l;
        Some((start, self.pos))
    }

    fn is_property_kw(&self) -> bool {
        let w = self.word();
        is_property_word(w) && !self.name_char_at(self.pos + w.len())
    }

    fn is_item_kw(&self) -> bool {
        let w = self.word();
        is_item_word(w) && !self.name_char_at(self.pos + w.len())
    }

    /// Runs `f`; on failure the position is restored.
    fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let save = self.pos;
        let r = f(self);
        if r.is_none() {
            self.pos = save;
        }
        r
    }

    /// `"("`: one parenthesis deeper (see [`P::nots`]); the caller closes it
    /// with `self.depth -= 1`.
    fn open(&mut self) -> Option<()> {
        self.lit("(")?;
        if self.depth + 1 + self.nots > MAX_NESTING {
            self.bail.set(true);
            return None;
        }
        self.depth += 1;
        Some(())
    }

    /// Counts the `not` words in a name or language code just read.
    fn count_nots(&mut self, (start, end): R) -> Option<()> {
        let token = &self.s[start..end];
        if token.len() < 3 {
            return Some(());
        }
        let n = token
            .split(|&b| matches!(b, b'{' | b'}' | b'-'))
            .filter(|w| *w == b"not")
            .count();
        self.add_nots(n)
    }

    fn add_nots(&mut self, n: usize) -> Option<()> {
        if n > 0 {
            self.nots += n;
            if self.depth + self.nots > MAX_NESTING {
                self.bail.set(true);
                return None;
            }
        }
        Some(())
    }

    /// `x*` in a non-atomic rule: `(x ~ (skip ~ x)*)?`.
    fn rep<T>(&mut self, out: &mut Vec<T>, f: fn(&mut Self) -> Option<T>) {
        if let Some(v) = self.attempt(f) {
            out.push(v);
            loop {
                let save = self.pos;
                self.skip();
                match self.attempt(f) {
                    Some(v) => out.push(v),
                    None => {
                        self.pos = save;
                        break;
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------- atoms

    /// `name = @{ (LETTER | "_" | placeholder) ~ (name_char | placeholder)* }`
    fn name(&mut self) -> Option<R> {
        let start = self.pos;
        match self.char_at(self.pos) {
            Some(c) if is_letter(c) || c == '_' => self.pos += c.len_utf8(),
            _ => {
                if !self.placeholder() {
                    return None;
                }
            }
        }
        loop {
            match self.char_at(self.pos) {
                Some(c) if is_name_char(c) => self.pos += c.len_utf8(),
                Some('{') => {
                    if !self.placeholder() {
                        break;
                    }
                }
                _ => break,
            }
        }
        self.count_nots((start, self.pos))?;
        Some((start, self.pos))
    }

    /// `placeholder = @{ "{" ~ (LETTER | "_") ~ name_char* ~ "}" }`
    fn placeholder(&mut self) -> bool {
        if self.peek() != Some(b'{') {
            return false;
        }
        let mut at = self.pos + 1;
        match self.char_at(at) {
            Some(c) if is_letter(c) || c == '_' => at += c.len_utf8(),
            _ => return false,
        }
        while let Some(c) = self.char_at(at) {
            if !is_name_char(c) {
                break;
            }
            at += c.len_utf8();
        }
        if self.s.get(at) == Some(&b'}') {
            self.pos = at + 1;
            true
        } else {
            false
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `code = @{ "-"? ~ ASCII_DIGIT+ }`
    fn code_r(&mut self) -> Option<R> {
        self.attempt(|p| {
            let start = p.pos;
            if p.peek() == Some(b'-') {
                p.pos += 1;
            }
            (p.digits() > 0).then_some((start, p.pos))
        })
    }

    fn code(&mut self) -> Option<Spanned<i64>> {
        let r = self.code_r()?;
        let v = self.slice(r).parse::<i64>().unwrap_or(i64::MAX);
        Some(Spanned::new(v, self.span(r)))
    }

    /// `number = @{ "-"? ~ ASCII_DIGIT+ ~ ("." ~ ASCII_DIGIT+)? }`
    fn number(&mut self) -> Option<Spanned<Number>> {
        let (start, _) = self.code_r()?;
        if self.peek() == Some(b'.') && self.s.get(self.pos + 1).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
            self.digits();
        }
        let r = (start, self.pos);
        let text = self.slice(r).to_string();
        let value = text.parse::<f64>().unwrap_or(f64::MAX);
        Some(Spanned::new(Number { text, value }, self.span(r)))
    }

    /// `date = @{ ASCII_DIGIT{4} ~ "-" ~ ASCII_DIGIT{2} ~ "-" ~ ASCII_DIGIT{2} }`
    fn date(&mut self) -> Option<R> {
        let rest = self.s.get(self.pos..self.pos + 10)?;
        let ok = rest.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
        if !ok {
            return None;
        }
        let start = self.pos;
        self.pos += 10;
        Some((start, self.pos))
    }

    /// `lang_code = @{ !(string_kw | kw_reviewed) ~ ASCII_ALPHA+ ~ ("-" ~ ASCII_ALPHANUMERIC+)* ~ !name_char }`
    fn lang_code(&mut self) -> Option<R> {
        let start = self.pos;
        let mut at = self.pos;
        while self.s.get(at).is_some_and(u8::is_ascii_alphabetic) {
            at += 1;
        }
        if at == start {
            return None;
        }
        // Followed by a name character, these letters are no keyword, but
        // then they are no language code either (see the end).
        if matches!(
            &self.s[start..at],
            b"version" | b"submit" | b"continues" | b"reviewed"
        ) {
            return None;
        }
        while self.s.get(at) == Some(&b'-')
            && self.s.get(at + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            at += 2;
            while self.s.get(at).is_some_and(u8::is_ascii_alphanumeric) {
                at += 1;
            }
        }
        if self.name_char_at(at) {
            return None;
        }
        self.pos = at;
        self.count_nots((start, at))?;
        Some((start, at))
    }

    /// `string = ${ "\"" ~ string_inner ~ "\"" }`: returns the inner range.
    fn string_r(&mut self) -> Option<R> {
        if self.peek() != Some(b'"') {
            return None;
        }
        let start = self.pos + 1;
        let mut at = start;
        loop {
            at = find_any(self.s, at, [b'"', b'\\', b'\n', b'\r']);
            match self.s.get(at) {
                Some(b'"') => break,
                Some(b'\\') => match self.s.get(at + 1) {
                    Some(b'\n' | b'\r') | None => return None,
                    Some(_) => at += 2,
                },
                _ => return None,
            }
        }
        self.pos = at + 1;
        Some((start, at))
    }

    fn string(&mut self) -> Option<Spanned<String>> {
        let r = self.string_r()?;
        Some(self.spanned(r))
    }

    /// `ml_string = ${ "\"\"\"" ~ ml_inner ~ "\"\"\"" }`: the inner range.
    fn ml_string_r(&mut self) -> Option<R> {
        if !self.rest().starts_with(b"\"\"\"") {
            return None;
        }
        let start = self.pos + 3;
        let end = crate::bytes::find_ml_close(self.s, start)?;
        self.pos = end + 3;
        Some((start, end))
    }

    // ------------------------------------------------------ translations

    /// `translation = { lang_code ~ (ml_string | string) ~ reviewed? }`
    fn translation(&mut self) -> Option<Translation> {
        let lang = self.lang_code()?;
        let start = lang.0;
        self.skip();
        let (raw, multiline) = match self.ml_string_r() {
            Some(r) => (r, true),
            None => (self.string_r()?, false),
        };
        self.skip();
        // reviewed = { kw_reviewed ~ string } (rare: most translations are
        // followed by another language code or a property keyword)
        let reviewed = (self.peek() == Some(b'r'))
            .then(|| {
                self.attempt(|p| {
                    p.kw(&["reviewed"])?;
                    p.skip();
                    p.string()
                })
            })
            .flatten();
        Some(Translation::new(
            self.span((start, self.pos)),
            self.span(lang),
            self.shared(raw),
            multiline,
            reviewed.map(Box::new),
        ))
    }

    fn translations(&mut self) -> Vec<Translation> {
        // Texts usually come in as many languages as the last one.
        let Some(first) = self.attempt(Self::translation) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(self.languages.max(1));
        out.push(first);
        loop {
            let save = self.pos;
            self.skip();
            match self.attempt(Self::translation) {
                Some(t) => out.push(t),
                None => {
                    self.pos = save;
                    break;
                }
            }
        }
        self.languages = out.len();
        out
    }

    // -------------------------------------------------------------- items

    fn item(&mut self) -> Option<Item> {
        let start = self.pos;
        let (keyword, word) = match self.s.get(self.pos)? {
            b's' if self.kw_len(&["survey"]).is_some() => (Keyword::Survey, "survey"),
            b's' if self.kw_len(&["scale"]).is_some() => (Keyword::Scale, "scale"),
            b's' if self.kw_len(&["section"]).is_some() => (Keyword::Section, "section"),
            b'u' if self.kw_len(&["use"]).is_some() => (Keyword::Use, "use"),
            b'l' if self.kw_len(&["list"]).is_some() => (Keyword::List, "list"),
            b'b' if self.kw_len(&["block"]).is_some() => (Keyword::Block, "block"),
            b'e' if self.kw_len(&["end"]).is_some() => (Keyword::End, "end"),
            b'i' if self.kw_len(&["introduction"]).is_some() => {
                (Keyword::Introduction, "introduction")
            }
            b'i' if self.kw_len(&["insert"]).is_some() => (Keyword::Insert, "insert"),
            b'q' if self.kw_len(&["question"]).is_some() => (Keyword::Question, "question"),
            b'd' if self.kw_len(&["display"]).is_some() => (Keyword::Display, "display"),
            b'h' if self.kw_len(&["hidden"]).is_some() => (Keyword::Hidden, "hidden"),
            _ => return None,
        };
        self.pos += word.len();
        let mut item = Item {
            span: self.span((start, start)),
            keyword: Spanned::new(keyword, self.span((start, self.pos))),
            name: None,
            kind: None,
            list: None,
            params: Vec::new(),
            path: None,
            properties: Vec::new(),
            arguments: Vec::new(),
        };
        match keyword {
            Keyword::Use => {
                self.skip();
                item.path = Some(self.string()?);
            }
            Keyword::End => {}
            Keyword::Introduction => {
                self.skip();
                item.properties = self.properties();
            }
            Keyword::Block => {
                self.skip();
                let name = self.name()?;
                item.name = Some(self.spanned(name));
                self.skip();
                if let Some(params) = self.attempt(Self::block_params) {
                    item.params = params;
                }
            }
            _ => {
                self.skip();
                let name = self.name()?;
                item.name = Some(self.spanned(name));
                self.skip();
                match keyword {
                    Keyword::Scale | Keyword::List => {
                        if let Some(r) = self.kw(LEVEL) {
                            item.kind = Some(self.spanned(r));
                        }
                        self.skip();
                    }
                    Keyword::Question => {
                        let r = self.kw(QUESTION_KIND)?;
                        item.kind = Some(self.spanned(r));
                        self.skip();
                        if !(self.is_property_kw() || self.is_item_kw())
                            && let Some(r) = self.attempt(Self::name)
                        {
                            item.list = Some(self.spanned(r));
                        }
                        self.skip();
                    }
                    Keyword::Hidden => {
                        let r = self.kw(&["language"])?;
                        item.kind = Some(self.spanned(r));
                        self.skip();
                    }
                    _ => {}
                }
                if keyword == Keyword::Insert {
                    self.insert_parts(&mut item)
                } else {
                    item.properties = self.properties();
                }
            }
        }
        item.span = self.span((start, self.pos));
        Some(item)
    }

    /// `block_params = { "(" ~ (name ~ ("," ~ name)*)? ~ ")" }`
    fn block_params(&mut self) -> Option<Vec<Name>> {
        self.open()?;
        let names = self.block_param_names();
        self.depth -= 1;
        let names = names?;
        self.skip();
        self.lit(")")?;
        Some(names)
    }

    fn block_param_names(&mut self) -> Option<Vec<Name>> {
        self.skip();
        let mut names = Vec::new();
        if let Some(first) = self.name() {
            names.push(self.spanned(first));
            self.skip();
            let mut rest = Vec::new();
            self.rep(&mut rest, |p| {
                p.lit(",")?;
                p.skip();
                let n = p.name()?;
                Some(p.spanned(n))
            });
            names.extend(rest);
        }
        Some(names)
    }

    /// `(when_prop | text_prop | argument)*` of an insert.
    fn insert_parts(&mut self, item: &mut Item) {
        enum Part {
            Property(Property),
            Argument(Argument),
        }
        let mut parts = Vec::new();
        self.rep(&mut parts, |p| {
            if let Some(w) = p.attempt(Self::when_prop) {
                return Some(Part::Property(w));
            }
            if let Some(t) = p.attempt(Self::text_prop) {
                return Some(Part::Property(t));
            }
            p.argument().map(Part::Argument)
        });
        for part in parts {
            match part {
                Part::Property(pr) => item.properties.push(pr),
                Part::Argument(a) => item.arguments.push(a),
            }
        }
    }

    /// `argument = { !(property_kw | item_kw) ~ name ~ (translation+ | name) }`
    fn argument(&mut self) -> Option<Argument> {
        if self.is_property_kw() || self.is_item_kw() {
            return None;
        }
        let name = self.name()?;
        self.skip();
        let value = match self.attempt(Self::translation) {
            Some(first) => {
                // translation+ = translation ~ translation*
                let mut texts = vec![first];
                self.skip();
                self.rep(&mut texts, Self::translation);
                ArgumentValue::Texts(texts)
            }
            None => {
                let r = self.name()?;
                ArgumentValue::Name(self.spanned(r))
            }
        };
        Some(Argument {
            span: self.span((name.0, self.pos)),
            name: self.spanned(name),
            value,
        })
    }

    // --------------------------------------------------------- properties

    /// `property*`, in a list of their number.
    fn properties(&mut self) -> Vec<Property> {
        let mut props = std::mem::take(&mut self.props);
        props.clear();
        self.rep(&mut props, Self::property);
        // Moved into a list of their number; `props` keeps its room.
        let mut out = Vec::with_capacity(props.len());
        out.append(&mut props);
        self.props = props;
        out
    }

    fn property(&mut self) -> Option<Property> {
        // The keyword decides the rule: no two property rules share one.
        let start = self.pos;
        let w = self.word();
        if w.is_empty() || self.name_char_at(start + w.len()) {
            return None;
        }
        let (key, value) = match w {
            b"title" | b"description" | b"organisation" | b"label" | b"text" | b"help"
            | b"intro" | b"note" | b"privacy" | b"accessibility" | b"unit" | b"break" => {
                return self.text_prop();
            }
            b"when" => return self.when_prop(),
            _ => self.other_property()?,
        };
        Some(Property {
            span: self.span((start, self.pos)),
            key,
            value,
        })
    }

    /// The properties other than `text_prop` and `when_prop`.
    fn other_property(&mut self) -> Option<(Spanned<&'static str>, PropertyValue)> {
        Some(if let Some(k) = self.kw(&["option"]) {
            // option_prop = { kw_option ~ code ~ option_flag* ~ translation* }
            self.skip();
            let code = self.code()?;
            self.skip();
            let mut flags = Vec::new();
            self.rep(&mut flags, |p| {
                let r = p.kw(OPTION_FLAG)?;
                Some(p.spanned(r))
            });
            self.skip();
            let texts = self.translations();
            (self.key(k), PropertyValue::Option { code, flags, texts })
        } else if let Some(k) = self.kw(&["item"]) {
            // grid_item_prop = { kw_item ~ name ~ translation* ~ item_label? ~ item_continues? ~ item_break? }
            self.skip();
            let n = self.name()?;
            let name = self.spanned(n);
            self.skip();
            let texts = self.translations();
            self.skip();
            // item_label = { kw_label ~ translation* }
            let label = self.attempt(|p| {
                let l = p.kw(&["label"])?;
                p.skip();
                let texts = p.translations();
                Some((p.span((l.0, p.pos)), texts))
            });
            self.skip();
            // item_continues = { kw_continues ~ qualified_name }
            let continues = self.attempt(|p| {
                p.kw(&["continues"])?;
                p.skip();
                let q = p.qualified_name()?;
                Some(p.spanned(q))
            });
            self.skip();
            // item_break = { kw_break ~ translation* }
            let brk = self.attempt(|p| {
                let b = p.kw(&["break"])?;
                p.skip();
                let texts = p.translations();
                Some((p.span((b.0, p.pos)), texts))
            });
            (
                self.key(k),
                PropertyValue::GridItem(Box::new(GridItem {
                    name,
                    texts,
                    label,
                    continues,
                    brk,
                })),
            )
        } else if let Some(k) = self.kw(&["values"]) {
            // values_prop = { kw_values ~ code ~ ".." ~ code }
            self.skip();
            let lo = self.code()?;
            self.skip();
            self.lit("..")?;
            self.skip();
            let hi = self.code()?;
            (self.key(k), PropertyValue::Values(lo, hi))
        } else if let Some(k) = self.kw(&["languages"]) {
            // languages_prop = { kw_languages ~ (!property_kw ~ lang_code)+ }
            self.skip();
            let code = |p: &mut Self| {
                if p.is_property_kw() {
                    return None;
                }
                let r = p.lang_code()?;
                Some(p.spanned(r))
            };
            let first = code(self)?;
            let mut codes = vec![first];
            self.skip();
            self.rep(&mut codes, code);
            (self.key(k), PropertyValue::Languages(codes))
        } else if let Some(k) = self.kw(STRING_KW) {
            self.skip();
            let s = self.string()?;
            (self.key(k), PropertyValue::Str(s))
        } else if let Some(k) = self.kw(DATE_KW) {
            self.skip();
            let d = self.date()?;
            (self.key(k), PropertyValue::Date(self.spanned(d)))
        } else if let Some(k) = self.kw(NUMBER_KW) {
            self.skip();
            let n = self.number()?;
            (self.key(k), PropertyValue::Number(n))
        } else if let Some(k) = self.attempt(|p| {
            // flag_prop = { (kw_indirectly ~ kw_identifying) | flag_kw }
            let a = p.kw(&["indirectly"])?;
            p.skip();
            let b = p.kw(&["identifying"])?;
            Some(Spanned::new(
                "indirectly identifying",
                p.span(a).to(p.span(b)),
            ))
        }) {
            (k, PropertyValue::Flag)
        } else if let Some(k) = self.kw(FLAG_KW) {
            (self.key(k), PropertyValue::Flag)
        } else if let Some(k) = self.kw(&["continues"]) {
            // continues_prop = { kw_continues ~ (string | qualified_name) }
            self.skip();
            if let Some(s) = self.attempt(|p| p.string()) {
                (self.key(k), PropertyValue::Str(s))
            } else {
                let q = self.qualified_name()?;
                (self.key(k), PropertyValue::Continues(self.spanned(q)))
            }
        } else {
            return None;
        })
    }

    /// `text_prop = { text_kw ~ translation* }`
    fn text_prop(&mut self) -> Option<Property> {
        let k = self.kw(TEXT_KW)?;
        self.skip();
        let texts = self.translations();
        Some(Property {
            span: self.span((k.0, self.pos)),
            key: self.key(k),
            value: PropertyValue::Texts(texts),
        })
    }

    /// `when_prop = { kw_when ~ expr }`
    fn when_prop(&mut self) -> Option<Property> {
        let k = self.kw(&["when"])?;
        self.skip();
        let e = self.expr()?;
        Some(Property {
            span: self.span((k.0, self.pos)),
            key: self.key(k),
            value: PropertyValue::When(Box::new(e)),
        })
    }

    /// `qualified_name = @{ name ~ ("." ~ name)* }`
    fn qualified_name(&mut self) -> Option<R> {
        let (start, _) = self.name()?;
        loop {
            let save = self.pos;
            if self.lit(".").is_none() || self.name().is_none() {
                self.pos = save;
                break;
            }
        }
        Some((start, self.pos))
    }

    // --------------------------------------------------------- conditions

    /// `expr = { and_expr ~ (kw_or ~ and_expr)* }`
    fn expr(&mut self) -> Option<Expr> {
        let start = self.pos;
        let first = self.and_expr()?;
        self.skip();
        let mut parts = Vec::new();
        self.rep(&mut parts, |p| {
            p.kw(&["or"])?;
            p.skip();
            p.and_expr()
        });
        if parts.is_empty() {
            return Some(first);
        }
        parts.insert(0, first);
        Some(Expr::Or(parts, self.span((start, self.pos))))
    }

    /// `and_expr = { not_expr ~ (kw_and ~ not_expr)* }`
    fn and_expr(&mut self) -> Option<Expr> {
        let start = self.pos;
        let first = self.not_expr()?;
        self.skip();
        let mut parts = Vec::new();
        self.rep(&mut parts, |p| {
            p.kw(&["and"])?;
            p.skip();
            p.not_expr()
        });
        if parts.is_empty() {
            return Some(first);
        }
        parts.insert(0, first);
        Some(Expr::And(parts, self.span((start, self.pos))))
    }

    /// `not_expr = { kw_not* ~ primary }`
    fn not_expr(&mut self) -> Option<Expr> {
        let mut nots = Vec::new();
        self.rep(&mut nots, |p| {
            let r = p.kw(&["not"])?;
            p.add_nots(1)?;
            Some(r)
        });
        self.skip();
        let mut e = self.primary()?;
        for r in nots.into_iter().rev() {
            let s = self.span(r).to(e.span());
            e = Expr::Not(Box::new(e), s);
        }
        Some(e)
    }

    /// `primary = _{ paren | call | comparison }`
    fn primary(&mut self) -> Option<Expr> {
        if self.peek() == Some(b'(') {
            return self.attempt(Self::paren);
        }
        if let Some(c) = self.attempt(Self::call) {
            return Some(c);
        }
        self.attempt(Self::comparison)
    }

    /// `paren = { "(" ~ expr ~ ")" }`
    fn paren(&mut self) -> Option<Expr> {
        self.open()?;
        self.skip();
        let e = self.expr();
        self.depth -= 1;
        let e = e?;
        self.skip();
        self.lit(")")?;
        Some(e)
    }

    /// `call = { call_kw ~ "(" ~ name ~ ")" }`
    fn call(&mut self) -> Option<Expr> {
        let f = self.kw(CALL_KW)?;
        self.skip();
        self.open()?;
        self.skip();
        let n = self.name();
        self.depth -= 1;
        let n = n?;
        self.skip();
        self.lit(")")?;
        Some(Expr::Call {
            function: self.spanned(f),
            name: self.spanned(n),
            span: self.span((f.0, self.pos)),
        })
    }

    /// `comparison = { name ~ (in_test | includes_test | compare_test) }`
    fn comparison(&mut self) -> Option<Expr> {
        let n = self.name()?;
        let name = self.spanned(n);
        self.skip();
        let start = n.0;
        if let Some(values) = self.attempt(Self::in_test) {
            return Some(Expr::In {
                name,
                values,
                span: self.span((start, self.pos)),
            });
        }
        if let Some(value) = self.attempt(|p| {
            p.kw(&["includes"])?;
            p.skip();
            p.value()
        }) {
            return Some(Expr::Includes {
                name,
                value,
                span: self.span((start, self.pos)),
            });
        }
        // compare_test = { compare_op ~ value }
        let op = ["<=", ">=", "!=", "=", "<", ">"]
            .iter()
            .find_map(|o| self.lit(o))?;
        let op = self.spanned(op);
        self.skip();
        let value = self.value()?;
        Some(Expr::Compare {
            name,
            op,
            value,
            span: self.span((start, self.pos)),
        })
    }

    /// `in_test = { kw_in ~ "{" ~ value ~ ("," ~ value)* ~ "}" }`
    fn in_test(&mut self) -> Option<Vec<Value>> {
        self.kw(&["in"])?;
        self.skip();
        self.lit("{")?;
        self.skip();
        let mut values = vec![self.value()?];
        self.skip();
        self.rep(&mut values, |p| {
            p.lit(",")?;
            p.skip();
            p.value()
        });
        self.skip();
        self.lit("}")?;
        Some(values)
    }

    /// `value = _{ number | string | name }`
    fn value(&mut self) -> Option<Value> {
        if let Some(n) = self.attempt(Self::number) {
            return Some(Value::Number(n));
        }
        if let Some(s) = self.attempt(Self::string) {
            return Some(Value::String(s));
        }
        let r = self.name()?;
        Some(Value::Name(self.spanned(r)))
    }
}

/// The end of the comment at `from` (its line's end). Out of line: comments
/// are rare between tokens, and `skip`, which every rule calls, stays small
/// enough to be inlined.
#[cold]
#[inline(never)]
fn comment_end(s: &[u8], from: usize) -> usize {
    find_any(s, from, [b'\n'])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `kw_len` takes the alternative equal to the word at the position,
    /// where pest takes the first one that is a prefix of the text: the same
    /// one as long as no alternative is a prefix of a later one.
    #[test]
    fn no_keyword_is_a_prefix_of_a_later_alternative() {
        let lists: &[&[&str]] = &[
            TEXT_KW,
            QUESTION_KIND,
            LEVEL,
            OPTION_FLAG,
            DATE_KW,
            STRING_KW,
            NUMBER_KW,
            FLAG_KW,
            CALL_KW,
        ];
        for list in lists {
            for (i, a) in list.iter().enumerate() {
                assert!(a.bytes().all(|b| b.is_ascii_lowercase()), "{a}");
                for b in &list[i + 1..] {
                    assert!(!b.starts_with(a), "{a} before {b}");
                }
            }
        }
    }

    #[test]
    fn keyword_words_match_the_lists() {
        let mut words: Vec<&str> = PROPERTY_KW
            .iter()
            .chain(ITEM_KW)
            .flat_map(|l| l.iter().copied())
            .collect();
        words.extend([
            "", "titles", "titl", "languag", "options", "whe", "reviewed", "not", "language",
        ]);
        for w in words {
            let property = PROPERTY_KW.iter().any(|l| l.contains(&w));
            let item = ITEM_KW.iter().any(|l| l.contains(&w));
            assert_eq!(is_property_word(w.as_bytes()), property, "{w}");
            assert_eq!(is_item_word(w.as_bytes()), item, "{w}");
            assert_eq!(Keyword::from_word(w).is_some(), item, "{w}");
        }
    }
}
