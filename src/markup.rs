//! Texts: indentation stripping for multi-line texts, and the inline markup
//! (`*em*`, `**strong**`, `[text](https://…)`, `\` escapes).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::bytes::find_any;

/// A paragraph of inline content.
pub type Paragraph = Vec<Inline>;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Inline {
    Text { text: String },
    Em { content: Vec<Inline> },
    Strong { content: Vec<Inline> },
    Link { href: String, content: Vec<Inline> },
}

/// Something wrong in a text's markup; `at` is a byte offset in the text.
#[derive(Clone, Debug, PartialEq)]
pub enum MarkupIssue {
    BadLink {
        href: String,
    },
    Unclosed {
        marker: &'static str,
    },
    /// `[](href)`: a link with no text to read or click.
    EmptyLink {
        href: String,
    },
    /// `[text](href` without the `)` that ends the address.
    UnclosedLink,
    /// A link address with white space or a control character in it.
    SpaceInLink {
        href: String,
    },
}

/// A link's address as written between its parentheses: trimmed, escapes
/// read (`\)` is a parenthesis), and its problems noted.
fn link_target<'a>(written: &'a str, issues: &mut Vec<MarkupIssue>) -> Cow<'a, str> {
    let written = written.trim();
    let href = if written.contains('\\') {
        Cow::Owned(unescape(written))
    } else {
        Cow::Borrowed(written)
    };
    if !LINK_SCHEMES.iter().any(|s| href.starts_with(s)) {
        issues.push(MarkupIssue::BadLink {
            href: href.to_string(),
        });
    } else if !href.bytes().all(|b| b.is_ascii_graphic())
        && href.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        issues.push(MarkupIssue::SpaceInLink {
            href: href.to_string(),
        });
    }
    href
}

/// Link schemes a text may use.
pub const LINK_SCHEMES: &[&str] = &["https:", "http:", "mailto:"];

/// The text of a multi-line string: the lines between the `"""` delimiters,
/// with their common indentation removed and trailing spaces dropped, so that
/// re-indenting the source never changes the text.
pub fn dedent(raw: &str) -> String {
    let mut lines: Vec<&str> = raw.split('\n').map(|l| l.trim_end()).collect();
    if lines.first().is_some_and(|l| l.is_empty()) {
        lines.remove(0);
    }
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    // Indentation is spaces and tabs only: other whitespace (a no-break
    // space) is text, and slicing inside it would split a character.
    let indent = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let body: Vec<&str> = lines
        .iter()
        .map(|l| if l.len() >= indent { &l[indent..] } else { "" })
        .collect();
    // Collapse runs of blank lines: they only separate paragraphs.
    let mut out = String::new();
    let mut blank = false;
    for l in body {
        if l.is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(l);
    }
    out
}

/// Parses a text into paragraphs of inline markup. Never fails: markup that
/// does not close is kept as literal characters and reported.
pub fn parse(text: &str) -> (Vec<Paragraph>, Vec<MarkupIssue>) {
    let mut issues = Vec::new();
    let mut paragraphs = Vec::new();
    paragraphs_of(text, |p| {
        paragraphs.push(if p.contains(['*', '[', '\\']) {
            inline(p, true, &mut issues)
        } else {
            // No markup characters: the common case, without the walk.
            vec![Inline::Text {
                text: p.to_string(),
            }]
        });
    });
    dedup(&mut issues);
    (paragraphs, issues)
}

/// What [`scan`] finds in a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Scan {
    /// The text without markup: `plain(&parse(text).0)`.
    pub plain: String,
    /// The problems found: `parse(text).1`.
    pub issues: Vec<MarkupIssue>,
    /// Whether the markup is more than `plain` as one paragraph: emphasis,
    /// a link, or more than one paragraph.
    pub marked: bool,
}

/// The plain text and the problems of a text's markup, as [`parse`] and
/// [`plain`] would give them, without building the markup: one walk that
/// writes the plain text directly (what the checker needs; the tree is read
/// later, and only by targets).
pub fn scan(text: &str) -> Scan {
    let mut issues = Vec::new();
    let mut sink = PlainSink {
        out: String::with_capacity(text.len()),
        nodes: false,
    };
    let mut count = 0;
    paragraphs_of(text, |p| {
        if count > 0 {
            sink.out.push_str("\n\n");
        }
        count += 1;
        inline_into(p, true, &mut issues, &mut sink);
    });
    dedup(&mut issues);
    Scan {
        plain: sink.out,
        issues,
        marked: sink.nodes || count > 1,
    }
}

/// Calls `f` with each paragraph of `text`: paragraphs are separated by a
/// blank line, their lines trimmed and joined by a space, empty ones
/// dropped.
fn paragraphs_of(text: &str, mut f: impl FnMut(&str)) {
    if !text.contains('\n') {
        // One line: one paragraph, without splitting and joining.
        let p = text.trim();
        if !p.is_empty() {
            f(p);
        }
        return;
    }
    let mut joined = String::new();
    for p in text.split("\n\n") {
        joined.clear();
        for (n, line) in p.split('\n').enumerate() {
            if n > 0 {
                joined.push(' ');
            }
            joined.push_str(line.trim());
        }
        if !joined.is_empty() {
            f(&joined);
        }
    }
}

/// Each distinct problem once: a line of many unclosed `*` would give as
/// many identical warnings, each showing the whole line.
fn dedup(issues: &mut Vec<MarkupIssue>) {
    if issues.len() > 1 {
        let mut seen = std::collections::BTreeSet::new();
        issues.retain(|issue| seen.insert(format!("{issue:?}")));
    }
}

/// A string property's value (`version "…"`, `submit "…"`, a file name):
/// `\x` stands for `x`, as in texts; there is no markup to read.
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            // A lone backslash at the end cannot come from the grammar.
            out.push(chars.next().unwrap_or('\\'));
        } else {
            out.push(c);
        }
    }
    out
}

/// A piece of a text inside a block, as placeholder substitution reads it
/// ([`placeholders`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text as written, escapes included (a `\{` is text, not a placeholder).
    Text(&'a str),
    /// `{name}`: `name` is letters, digits and `_`; `at` is the offset of
    /// its `{` in the text.
    Placeholder { name: &'a str, at: usize },
}

/// Splits a raw text into text and `{name}` placeholders, in order: the one
/// reading of placeholders that the checker's substitution and the
/// translation tools share. A `\` escapes the character after it; a `{`
/// that does not open a well-formed placeholder is text.
pub fn placeholders(raw: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut pos = 0;
    // Text up to here from `pos` is pending; `next` yields it first.
    std::iter::from_fn(move || {
        let start = pos;
        let mut i = pos;
        while i < raw.len() {
            i = find_any(raw.as_bytes(), i, [b'{', b'\\']).min(raw.len());
            if i >= raw.len() {
                break;
            }
            if raw.as_bytes()[i] == b'\\' {
                // The escaped character, whole.
                i += 1 + raw[i + 1..].chars().next().map_or(0, char::len_utf8);
                continue;
            }
            let tail = &raw[i..];
            let name = tail.find('}').map(|c| &tail[1..c]);
            match name {
                Some(name)
                    if !name.is_empty()
                        && name.chars().all(|c| c.is_alphanumeric() || c == '_') =>
                {
                    if i > start {
                        pos = i;
                        return Some(Piece::Text(&raw[start..i]));
                    }
                    pos = i + name.len() + 2;
                    return Some(Piece::Placeholder { name, at: i });
                }
                _ => i += 1,
            }
        }
        pos = raw.len();
        (raw.len() > start).then(|| Piece::Text(&raw[start..]))
    })
}

/// The text without markup, paragraphs separated by a blank line.
pub fn plain(paragraphs: &[Paragraph]) -> String {
    fn walk(inlines: &[Inline], out: &mut String) {
        for i in inlines {
            match i {
                Inline::Text { text } => out.push_str(text),
                Inline::Em { content } | Inline::Strong { content } => walk(content, out),
                Inline::Link { content, .. } => walk(content, out),
            }
        }
    }
    let mut out = String::new();
    for (n, p) in paragraphs.iter().enumerate() {
        if n > 0 {
            out.push_str("\n\n");
        }
        walk(p, &mut out);
    }
    out
}

/// Where the inline reader puts what it reads: a tree ([`TreeSink`]) or
/// the plain text alone ([`PlainSink`]).
trait Sink {
    /// Text, escapes decoded.
    fn text(&mut self, s: &str);
    /// The content of an element starts.
    fn open(&mut self);
    /// The element opened last ends.
    fn close(&mut self, element: Element<'_>);
}

enum Element<'a> {
    Em,
    Strong,
    Link { href: Cow<'a, str> },
}

/// Builds the inline tree: `open` starts a new list of content, `close`
/// wraps it into its element.
#[derive(Default)]
struct TreeSink {
    out: Vec<Inline>,
    outer: Vec<Vec<Inline>>,
}

impl Sink for TreeSink {
    fn text(&mut self, s: &str) {
        if let Some(Inline::Text { text }) = self.out.last_mut() {
            text.push_str(s);
        } else {
            self.out.push(Inline::Text {
                text: s.to_string(),
            });
        }
    }

    fn open(&mut self) {
        self.outer.push(std::mem::take(&mut self.out));
    }

    fn close(&mut self, element: Element<'_>) {
        let content = std::mem::replace(&mut self.out, self.outer.pop().unwrap_or_default());
        self.out.push(match element {
            Element::Em => Inline::Em { content },
            Element::Strong => Inline::Strong { content },
            Element::Link { href } => Inline::Link {
                href: href.into_owned(),
                content,
            },
        });
    }
}

/// Writes the plain text, and notes whether there was any element.
struct PlainSink {
    out: String,
    nodes: bool,
}

impl Sink for PlainSink {
    fn text(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn open(&mut self) {
        self.nodes = true;
    }

    fn close(&mut self, _: Element<'_>) {}
}

/// Index of the first unescaped occurrence of `pat` (`*` or `**`) at or
/// after `from`. Markup characters are ASCII, so the walk is over bytes: an
/// escape skips the backslash and one byte, and the rest of an escaped
/// multi-byte character can never match.
fn find(s: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    let mut i = from;
    loop {
        i = find_any(s, i, [b'\\', b'*']);
        if i + pat.len() > s.len() {
            return None;
        }
        if s[i] == b'\\' {
            i += 2;
            continue;
        }
        let double = s.get(i + 1) == Some(&b'*');
        match (pat, double) {
            (b"**", true) | (b"*", false) => return Some(i),
            // A single `*` must not be half of a `**`.
            (b"*", true) => i += 2,
            _ => i += 1,
        }
    }
}

/// For every unescaped `open`, the index of the unescaped `close` that
/// balances it (`usize::MAX` if none), in one pass: looking for each one
/// separately would scan to the end of a line of many `[` once per `[`.
fn balanced(s: &[u8], open: u8, close: u8) -> Vec<usize> {
    let mut out = vec![usize::MAX; s.len()];
    let mut stack = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c == b'\\' {
            i += 2;
            continue;
        }
        if c == open {
            stack.push(i);
        } else if c == close
            && let Some(o) = stack.pop()
        {
            out[o] = i;
        }
        i += 1;
    }
    out
}

/// The `]` and `)` that balance the `[` and `(` of one text. A bracket's
/// partner is the first closing one after it at which the count of opening
/// minus closing ones since it falls to zero: what a stack gives, whatever
/// comes before the bracket. A text has few brackets, so each is looked for
/// by a walk forward, without allocating; when those walks add up to more
/// than a few times the text (a line of many `[` that close nothing), the
/// tables of [`balanced`] answer instead, in linear time.
struct Pairs {
    budget: usize,
    tables: Option<(Vec<usize>, Vec<usize>)>,
}

impl Pairs {
    fn new(len: usize) -> Pairs {
        Pairs {
            budget: 4 * len + 64,
            tables: None,
        }
    }

    /// The partner of the unescaped `open` (`[` or `(`) at `at`.
    fn partner(&mut self, s: &[u8], at: usize) -> Option<usize> {
        let (open, close) = if s[at] == b'[' {
            (b'[', b']')
        } else {
            (b'(', b')')
        };
        if self.tables.is_none() {
            let mut depth = 0usize;
            let mut i = at;
            loop {
                i = find_any(s, i, [b'\\', open, close]);
                if i - at > self.budget {
                    // Walked too far in all: the tables answer from now on.
                    break;
                }
                if i >= s.len() {
                    self.budget -= s.len().min(i) - at;
                    return None;
                }
                if s[i] == b'\\' {
                    i += 2;
                } else if s[i] == open {
                    depth += 1;
                    i += 1;
                } else {
                    depth -= 1;
                    if depth == 0 {
                        self.budget -= i - at;
                        return Some(i);
                    }
                    i += 1;
                }
            }
            self.tables = Some((balanced(s, b'[', b']'), balanced(s, b'(', b')')));
        }
        let (brackets, parens) = self.tables.as_ref()?;
        let at = if open == b'[' {
            brackets[at]
        } else {
            parens[at]
        };
        (at != usize::MAX).then_some(at)
    }
}

/// Inline markup of `text` as a tree.
fn inline(text: &str, links: bool, issues: &mut Vec<MarkupIssue>) -> Vec<Inline> {
    let mut sink = TreeSink::default();
    inline_into(text, links, issues, &mut sink);
    sink.out
}

/// Reads the inline markup of `text` into `sink`. A link's text holds no
/// links (`links` is false there): links cannot nest, and so neither can
/// this recursion. Byte offsets throughout: every markup character is
/// ASCII, so each one is a character boundary.
fn inline_into<S: Sink>(text: &str, links: bool, issues: &mut Vec<MarkupIssue>, sink: &mut S) {
    let b = text.as_bytes();
    // Matching brackets and parentheses, created at the first `[`.
    let mut pairs: Option<Pairs> = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if i + 1 < b.len() => {
                let n = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                sink.text(&text[i + 1..i + 1 + n]);
                i += 1 + n;
            }
            b'*' if b.get(i + 1) == Some(&b'*') => match find(b, i + 2, b"**") {
                Some(end) if end > i + 2 => {
                    sink.open();
                    inline_into(&text[i + 2..end], links, issues, sink);
                    sink.close(Element::Strong);
                    i = end + 2;
                }
                _ => {
                    issues.push(MarkupIssue::Unclosed { marker: "**" });
                    sink.text("**");
                    i += 2;
                }
            },
            b'*' => match find(b, i + 1, b"*") {
                Some(end) if end > i + 1 => {
                    sink.open();
                    inline_into(&text[i + 1..end], links, issues, sink);
                    sink.close(Element::Em);
                    i = end + 1;
                }
                _ => {
                    issues.push(MarkupIssue::Unclosed { marker: "*" });
                    sink.text("*");
                    i += 1;
                }
            },
            b'[' if links => {
                // `[text](href)`: the text ends at its matching `]`, which a
                // `(` must follow; the href at its matching `)`.
                let pairs = pairs.get_or_insert_with(|| Pairs::new(b.len()));
                let text_end = pairs
                    .partner(b, i)
                    .filter(|mid| b.get(mid + 1) == Some(&b'('));
                let link =
                    text_end.and_then(|mid| pairs.partner(b, mid + 1).map(|close| (mid, close)));
                if text_end.is_some() && link.is_none() {
                    issues.push(MarkupIssue::UnclosedLink);
                }
                match link {
                    Some((mid, close)) => {
                        let href = link_target(&text[mid + 2..close], issues);
                        if crate::bytes::is_blank(&text[i + 1..mid]) {
                            issues.push(MarkupIssue::EmptyLink {
                                href: href.to_string(),
                            });
                        }
                        sink.open();
                        inline_into(&text[i + 1..mid], false, issues, sink);
                        sink.close(Element::Link { href });
                        i = close + 1;
                    }
                    None => {
                        sink.text("[");
                        i += 1;
                    }
                }
            }
            _ => {
                // A run of text up to the next markup character (a
                // backslash at the very end is text too).
                let set = if links { b'[' } else { b'*' };
                let j = find_any(b, i + 1, [b'\\', b'*', set]).min(b.len());
                sink.text(&text[i..j]);
                i = j;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_split_a_text() {
        use super::{Piece, placeholders};
        let pieces: Vec<Piece> = placeholders("a {x} \\{y} {} {a-b} {z_1}{w}\\").collect();
        assert_eq!(
            pieces,
            [
                Piece::Text("a "),
                Piece::Placeholder { name: "x", at: 2 },
                Piece::Text(" \\{y} {} {a-b} "),
                Piece::Placeholder {
                    name: "z_1",
                    at: 20
                },
                Piece::Placeholder { name: "w", at: 25 },
                Piece::Text("\\"),
            ]
        );
        // The pieces are the text, in order.
        for text in ["", "{", "}{", "x{y", "{ä}ö\\😀{b}", "\\{a}{a}"] {
            let back: String = placeholders(text)
                .map(|p| match p {
                    Piece::Text(t) => t.to_string(),
                    Piece::Placeholder { name, .. } => format!("{{{name}}}"),
                })
                .collect();
            assert_eq!(back, text);
        }
    }

    #[test]
    fn string_values_unescape() {
        assert_eq!(unescape(r#"2 <beta> & \"rc\""#), r#"2 <beta> & "rc""#);
        assert_eq!(unescape(r"a\\b"), r"a\b");
        assert_eq!(unescape("plain"), "plain");
        assert_eq!(unescape("end\\"), "end\\");
    }

    #[test]
    fn dedent_is_indentation_independent() {
        let a = dedent("\n      One\n        two\n\n      Three\n      ");
        let b = dedent("\n  One\n    two\n\n  Three\n  ");
        assert_eq!(a, "One\n  two\n\nThree");
        assert_eq!(a, b);
    }

    #[test]
    fn markup() {
        let (p, issues) = parse("A *b* **c *d* e** [e](https://x.fi) \\*f");
        assert!(issues.is_empty());
        assert_eq!(plain(&p), "A b c d e e *f");
        assert!(matches!(p[0][1], Inline::Em { .. }));
        assert!(matches!(p[0][3], Inline::Strong { .. }));
        assert!(matches!(p[0][5], Inline::Link { .. }));
    }

    #[test]
    fn bad_markup_is_reported_and_kept() {
        let (p, issues) = parse("a * b [x](javascript:alert(1))");
        assert_eq!(issues.len(), 2);
        assert!(plain(&p).starts_with("a * b"));
    }

    #[test]
    fn dedent_keeps_non_ascii_whitespace() {
        // A no-break space is text, not indentation (and must not panic).
        assert_eq!(dedent("\n  x\n \u{a0}y\n"), " x\n\u{a0}y");
    }

    #[test]
    fn link_text_ends_at_its_own_bracket() {
        let (p, issues) = parse("[note] see [x](https://y.fi)");
        assert!(issues.is_empty());
        assert_eq!(p[0].len(), 2);
        assert_eq!(
            p[0][0],
            Inline::Text {
                text: "[note] see ".into()
            }
        );
        assert!(matches!(&p[0][1], Inline::Link { href, .. } if href == "https://y.fi"));
    }

    #[test]
    fn link_targets_read_escapes_and_refuse_white_space() {
        let (p, issues) = parse(r#"[w](https://x.fi/Foo_\(bar\)) [q](https://x.fi/?q=a\"b)"#);
        let hrefs: Vec<&str> = p[0]
            .iter()
            .filter_map(|i| match i {
                Inline::Link { href, .. } => Some(href.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(hrefs, ["https://x.fi/Foo_(bar)", "https://x.fi/?q=a\"b"]);
        assert!(issues.is_empty(), "{issues:?}");
        let (_, issues) = parse("[sp](https://x.fi/a b) [t](https://x.fi/a\tb)");
        assert_eq!(
            issues,
            [
                MarkupIssue::SpaceInLink {
                    href: "https://x.fi/a b".into()
                },
                MarkupIssue::SpaceInLink {
                    href: "https://x.fi/a\tb".into()
                }
            ]
        );
        // A scheme not allowed is that problem alone.
        let (_, issues) = parse("[x](javascript:a b)");
        assert_eq!(
            issues,
            [MarkupIssue::BadLink {
                href: "javascript:a b".into()
            }]
        );
    }

    #[test]
    fn link_href_with_parentheses() {
        let (p, issues) = parse("[w](https://en.wikipedia.org/wiki/Foo_(bar)) end");
        assert!(issues.is_empty());
        assert!(
            matches!(&p[0][0], Inline::Link { href, .. } if href == "https://en.wikipedia.org/wiki/Foo_(bar)")
        );
        assert_eq!(plain(&p), "w end");
        let (p, _) = parse("[a [b] c](https://x.fi)");
        assert_eq!(plain(&p), "a [b] c");
    }

    #[test]
    fn links_do_not_nest_and_brackets_are_linear() {
        // Nested links would nest the recursion as deep as the brackets go.
        let deep = format!(
            "{}a{}",
            "[".repeat(50_000),
            "](https://x.fi)".repeat(50_000)
        );
        let (p, _) = parse(&deep);
        assert!(matches!(&p[0][0], Inline::Link { content, .. }
            if !content.iter().any(|c| matches!(c, Inline::Link { .. }))));
        // Many `[` that open no link: read in linear time, kept as text.
        let (p, issues) = parse(&"[".repeat(200_000));
        assert!(issues.is_empty());
        assert_eq!(plain(&p).len(), 200_000);
        let (p, _) = parse(&"[a](b ".repeat(20_000));
        assert!(plain(&p).starts_with("[a](b [a](b"));
    }

    #[test]
    fn empty_and_unclosed_links_are_problems() {
        let (_, issues) = parse("read [](https://x.fi) and [ ](mailto:a@b.fi)");
        assert_eq!(
            issues,
            [
                MarkupIssue::EmptyLink {
                    href: "https://x.fi".into()
                },
                MarkupIssue::EmptyLink {
                    href: "mailto:a@b.fi".into()
                }
            ]
        );
        let (p, issues) = parse("[linkki](https://y.fi");
        assert_eq!(issues, [MarkupIssue::UnclosedLink]);
        assert_eq!(plain(&p), "[linkki](https://y.fi");
        // Brackets that start no link are text.
        for ok in ["[sic] (2023)", "a [b] c", "[a](https://x.fi)", "\\[](x"] {
            let (_, issues) = parse(ok);
            assert!(issues.is_empty(), "{ok}: {issues:?}");
        }
        // The checker's walk finds the same problems.
        assert_eq!(scan("[](https://x.fi) [a](https://y").issues.len(), 2);
    }

    #[test]
    fn each_problem_is_reported_once() {
        let (_, issues) = parse(&"*a** ".repeat(1000));
        assert_eq!(issues.len(), 2, "{issues:?}");
        let (_, issues) = parse("[a](ftp://x) [b](ftp://x) [c](ftp://y)");
        assert_eq!(issues.len(), 2, "{issues:?}");
    }

    #[test]
    fn paragraphs() {
        let (p, _) = parse("one\ntwo\n\nthree");
        assert_eq!(p.len(), 2);
        assert_eq!(plain(&p), "one two\n\nthree");
    }

    /// The character-by-character reader this module had before, kept as
    /// the reference the byte-wise one must agree with.
    mod reference {
        use super::super::{Inline, MarkupIssue};

        pub(super) fn push_text(out: &mut Vec<Inline>, s: &str) {
            if let Some(Inline::Text { text }) = out.last_mut() {
                text.push_str(s);
            } else {
                out.push(Inline::Text {
                    text: s.to_string(),
                });
            }
        }

        /// Like [`push_text`] for one character, without a `String` for it.
        pub(super) fn push_char(out: &mut Vec<Inline>, c: char) {
            if let Some(Inline::Text { text }) = out.last_mut() {
                text.push(c);
            } else {
                out.push(Inline::Text {
                    text: c.to_string(),
                });
            }
        }

        /// Index of the first unescaped occurrence of `pat` at or after `from`.
        pub(super) fn find(chars: &[char], from: usize, pat: &[char]) -> Option<usize> {
            let mut i = from;
            while i + pat.len() <= chars.len() {
                if chars[i] == '\\' {
                    i += 2;
                    continue;
                }
                if chars[i..i + pat.len()] == *pat {
                    // A single `*` must not be half of a `**`.
                    if pat == ['*'] && chars.get(i + 1) == Some(&'*') {
                        i += 2;
                        continue;
                    }
                    return Some(i);
                }
                i += 1;
            }
            None
        }

        /// For every unescaped `open`, the index of the unescaped `close` that
        /// balances it (`usize::MAX` if none), in one pass: looking for each one
        /// separately would scan to the end of a line of many `[` once per `[`.
        pub(super) fn balanced(chars: &[char], open: char, close: char) -> Vec<usize> {
            let mut out = vec![usize::MAX; chars.len()];
            let mut stack = Vec::new();
            let mut i = 0;
            while i < chars.len() {
                let c = chars[i];
                if c == '\\' {
                    i += 2;
                    continue;
                }
                if c == open {
                    stack.push(i);
                } else if c == close
                    && let Some(o) = stack.pop()
                {
                    out[o] = i;
                }
                i += 1;
            }
            out
        }

        /// Inline markup of `chars`. A link's text holds no links (`links` is
        /// false there): links cannot nest, and so neither can this recursion.
        pub(super) fn inline(
            chars: &[char],
            links: bool,
            issues: &mut Vec<MarkupIssue>,
        ) -> Vec<Inline> {
            let mut out = Vec::new();
            // Matching brackets and parentheses, computed at the first `[`.
            let mut pairs: Option<(Vec<usize>, Vec<usize>)> = None;
            let mut i = 0;
            while i < chars.len() {
                let c = chars[i];
                match c {
                    '\\' if i + 1 < chars.len() => {
                        push_char(&mut out, chars[i + 1]);
                        i += 2;
                    }
                    '*' if chars.get(i + 1) == Some(&'*') => {
                        match find(chars, i + 2, &['*', '*']) {
                            Some(end) if end > i + 2 => {
                                let content = inline(&chars[i + 2..end], links, issues);
                                out.push(Inline::Strong { content });
                                i = end + 2;
                            }
                            _ => {
                                issues.push(MarkupIssue::Unclosed { marker: "**" });
                                push_text(&mut out, "**");
                                i += 2;
                            }
                        }
                    }
                    '*' => match find(chars, i + 1, &['*']) {
                        Some(end) if end > i + 1 => {
                            let content = inline(&chars[i + 1..end], links, issues);
                            out.push(Inline::Em { content });
                            i = end + 1;
                        }
                        _ => {
                            issues.push(MarkupIssue::Unclosed { marker: "*" });
                            push_text(&mut out, "*");
                            i += 1;
                        }
                    },
                    '[' if links => {
                        // `[text](href)`: the text ends at its matching `]`, which a
                        // `(` must follow; the href at its matching `)`.
                        let (brackets, parens) = pairs.get_or_insert_with(|| {
                            (balanced(chars, '[', ']'), balanced(chars, '(', ')'))
                        });
                        let found = |at: usize| (at != usize::MAX).then_some(at);
                        let text_end =
                            found(brackets[i]).filter(|mid| chars.get(mid + 1) == Some(&'('));
                        let link = text_end
                            .and_then(|mid| found(parens[mid + 1]).map(|close| (mid, close)));
                        if text_end.is_some() && link.is_none() {
                            issues.push(MarkupIssue::UnclosedLink);
                        }
                        match link {
                            Some((mid, close)) => {
                                let href: String = chars[mid + 2..close].iter().collect();
                                let href = super::link_target(&href, issues).into_owned();
                                if chars[i + 1..mid].iter().all(|c| c.is_whitespace()) {
                                    issues.push(MarkupIssue::EmptyLink { href: href.clone() });
                                }
                                let content = inline(&chars[i + 1..mid], false, issues);
                                out.push(Inline::Link { href, content });
                                i = close + 1;
                            }
                            None => {
                                push_text(&mut out, "[");
                                i += 1;
                            }
                        }
                    }
                    _ => {
                        push_char(&mut out, c);
                        i += 1;
                    }
                }
            }
            out
        }
    }

    /// The paragraph reader this module had before, over the reference
    /// inline reader: the reference for [`parse`] and [`scan`].
    fn reference_parse(text: &str) -> (Vec<Paragraph>, Vec<MarkupIssue>) {
        let mut issues = Vec::new();
        let paragraphs = text
            .split("\n\n")
            .map(|p| p.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .map(|p| {
                let chars: Vec<char> = p.chars().collect();
                reference::inline(&chars, true, &mut issues)
            })
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        issues.retain(|issue| seen.insert(format!("{issue:?}")));
        (paragraphs, issues)
    }

    /// [`scan`], [`parse`] and [`crate::ir::Translation::parse`] against the
    /// reference: the same plain text, problems and tree, and the same
    /// translation (compared, debug-printed and written to `ir.json`) as
    /// one built from all its parts.
    fn agrees_with_reference(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        use proptest::prop_assert_eq;
        let (tree, issues) = reference_parse(text);
        let plain_text = plain(&tree);
        prop_assert_eq!(&parse(text), &(tree.clone(), issues.clone()));
        let s = scan(text);
        prop_assert_eq!(&s.plain, &plain_text);
        prop_assert_eq!(&s.issues, &issues);
        let unmarked = tree.is_empty()
            || matches!(tree.as_slice(), [p] if *p == [Inline::Text { text: plain_text.clone() }]);
        prop_assert_eq!(s.marked, !unmarked);

        let (t, t_issues) = crate::ir::Translation::parse(text.to_string(), None);
        let whole = crate::ir::Translation::from_parts(
            text.to_string(),
            plain_text.clone(),
            tree.clone(),
            None,
        );
        prop_assert_eq!(&t_issues, &issues);
        prop_assert_eq!(t.plain(), plain_text.as_str());
        prop_assert_eq!(&t, &whole);
        let json = serde_json::to_string(&t).unwrap();
        prop_assert_eq!(&json, &serde_json::to_string(&whole).unwrap());
        prop_assert_eq!(format!("{t:?}"), format!("{whole:?}"));
        prop_assert_eq!(&*t.markup(), tree.as_slice());
        let back: crate::ir::Translation = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &t);
        Ok(())
    }

    #[test]
    fn scan_agrees_on_examples() {
        for text in [
            "",
            "  ",
            "plain",
            " plain ",
            "Vastaa **rehellisesti**.",
            "Svara *ärligt*.",
            "See [the guide](https://example.fi/12).",
            "a\n\nb",
            "a\n\n\nb",
            "*a\nb*",
            "\\*not em\\*",
            "a \\",
            "[x](ftp://y) *open",
            "[note] see [x](https://y.fi)",
            "[w](https://en.wikipedia.org/wiki/Foo_(bar)) end",
            "**a *b* c** [*d*](mailto:x@y.fi)",
        ] {
            agrees_with_reference(text)
                .map_err(|e| format!("{text:?}: {e}"))
                .unwrap();
        }
        // Far more `[` than links: the walks for partners run over their
        // budget and the tables take over, with the same answers.
        let text = format!("{}[a](https://x.fi) [b](c (d)", "[".repeat(300));
        agrees_with_reference(&text).unwrap();
        let text = format!("{}[a](https://x.fi)", "[a](b ".repeat(300));
        agrees_with_reference(&text).unwrap();
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The checker's pass and the tree agree with the reference on texts
        /// made of markup pieces, line breaks and multi-byte letters.
        #[test]
        fn scan_agrees_with_reference(
            text in "(\\*\\*|\\*|\\[|\\]\\(|\\]|\\(|\\)|\\\\|\n|\n\n| |a|ä|🙂|https:|x){0,40}"
        ) {
            agrees_with_reference(&text)?;
        }

        /// The same after many `[`: the partners' walks use up their budget
        /// at different points and the tables answer the rest.
        #[test]
        fn scan_agrees_after_many_brackets(
            open in 0usize..120,
            text in "(\\*|\\[|\\]\\(|\\]|\\(|\\)|\\\\| |ä|https:|x){0,30}"
        ) {
            agrees_with_reference(&format!("{}{text}", "[".repeat(open)))?;
        }

        /// The byte-wise reader gives exactly what the reference gives, on
        /// texts dense in markup characters and multi-byte letters.
        #[test]
        fn bytewise_reader_agrees_with_reference(
            text in "[a ä🙂*\\\\\\[\\]()hts:/x]{0,40}"
        ) {
            for links in [true, false] {
                let mut issues_a = Vec::new();
                let a = inline(&text, links, &mut issues_a);
                let chars: Vec<char> = text.chars().collect();
                let mut issues_b = Vec::new();
                let b = reference::inline(&chars, links, &mut issues_b);
                proptest::prop_assert_eq!(&a, &b);
                proptest::prop_assert_eq!(issues_a, issues_b);
            }
        }
    }
}
