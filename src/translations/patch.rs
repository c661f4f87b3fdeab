//! Rewriting translations in place: only the bytes of a string literal, a
//! `reviewed` marker, or one added translation line change; layout and
//! comments stay as they are.
//!
//! Texts cross the boundary to translators (PO files) in *text form*: the
//! text as the markup reader reads it, with the string syntax undone. In a
//! one-line string `\"` is a quote; every other `\x` is a markup escape
//! (`\*`, `\{`, `\\`) and is kept as written. A multi-line text is its
//! lines without their indentation. [`to_text`] and [`literal`] are inverse
//! on every valid string.

use crate::source::Span;
use crate::syntax::ast::Translation;

/// Replace `start..end` (byte offsets) of one file with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Applies non-overlapping edits to a text.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        if e.start < at {
            continue; // overlapping: the first wins
        }
        out.push_str(&text[at..e.start]);
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The end of a translation's string literal (after the closing quotes).
pub fn literal_end(t: &Translation) -> usize {
    t.raw_span().end as usize + if t.multiline() { 3 } else { 1 }
}

/// The edit that sets a translation's `reviewed` marker to `fingerprint`;
/// `None` when it already has it.
pub fn marker_edit(t: &Translation, fingerprint: &str) -> Option<Edit> {
    match t.reviewed() {
        Some(r) if r.value == fingerprint => None,
        Some(r) => Some(Edit {
            start: r.span.start as usize,
            end: r.span.end as usize,
            text: fingerprint.to_string(),
        }),
        None => {
            let end = literal_end(t);
            Some(Edit {
                start: end,
                end,
                text: format!(" reviewed \"{fingerprint}\""),
            })
        }
    }
}

/// The text form of a translation (what a translator sees).
pub fn to_text(t: &Translation) -> String {
    if t.multiline() {
        unescape_quotes(&crate::markup::dedent(t.raw()))
    } else {
        unescape_quotes(t.raw())
    }
}

/// A one-line string's content with `\"` read as `"`; other escapes kept.
pub fn unescape_quotes(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('"') => out.push('"'),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The content of a one-line string for a text without line breaks: `"`
/// becomes `\"`; a `\` escapes the character after it as it did; a `\` at
/// the very end becomes `\\`.
pub fn escape_one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => match chars.next() {
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push_str("\\\\"),
            },
            _ => out.push(c),
        }
    }
    out
}

/// The content of a multi-line string: quotes are written as they are,
/// except that the third of three in a row is written `\"` (`"""` would end
/// the string); a `\` escapes the character after it as it did, and a `\`
/// at the very end becomes `\\`.
pub fn escape_multiline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' if run == 2 => {
                out.push_str("\\\"");
                run = 1;
            }
            '"' => {
                out.push('"');
                run += 1;
            }
            '\\' => match chars.next() {
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                    run = usize::from(n == '"');
                }
                None => out.push_str("\\\\"),
            },
            _ => {
                out.push(c);
                run = 0;
            }
        }
    }
    out
}

/// Line breaks as `\n` only (a PO file from Windows may have `\r\n`).
pub fn normalize_newlines(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// The string literal (quotes included) for `text`: a one-line string when
/// it has no line break and `multiline` is false, else a `"""` text whose
/// lines are indented by `indent` and whose closing `"""` is on its own line.
pub fn literal(text: &str, multiline: bool, indent: &str) -> String {
    let text = normalize_newlines(text);
    if !multiline && !text.contains('\n') {
        return format!("\"{}\"", escape_one_line(&text));
    }
    let body = escape_multiline(&text);
    let mut out = String::from("\"\"\"\n");
    for line in body.split('\n') {
        if !line.trim().is_empty() {
            out.push_str(indent);
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str("\"\"\"");
    out
}

/// The whitespace before the first non-blank character of the line holding
/// `offset`, and whether `offset` is that character.
pub fn line_indent(text: &str, offset: usize) -> (&str, bool) {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    let indent_len = line.len() - line.trim_start_matches([' ', '\t']).len();
    (&line[..indent_len], start + indent_len == offset)
}

/// The edit replacing a translation's text with `text` (text form), keeping
/// its literal's form where the text allows. `None` when the text is the
/// same.
pub fn text_edit(source: &str, t: &Translation, text: &str) -> Option<Edit> {
    let text = normalize_newlines(text);
    if to_text(t) == text {
        return None;
    }
    let start = t.raw_span().start as usize - if t.multiline() { 3 } else { 1 };
    let (lang_indent, _) = line_indent(source, t.lang_span().start as usize);
    let indent = if t.multiline() {
        existing_indent(t.raw()).unwrap_or_else(|| format!("{lang_indent}  "))
    } else {
        format!("{lang_indent}  ")
    };
    let end = literal_end(t);
    let text = literal(&text, t.multiline(), &indent);
    // Another text form of the same literal (`\"` for `"`): no change.
    (source.get(start..end) != Some(text.as_str())).then_some(Edit { start, end, text })
}

/// The backslashes of a text (text form) that lomake reads as escapes of
/// characters that need none: each vanishes from the text respondents see
/// (`C:\ Users` shows as `C: Users`). The characters they precede, in
/// order, once each.
pub fn lost_backslashes(text: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            continue;
        }
        match chars.next() {
            // Markup characters, a backslash, a brace of a placeholder.
            Some('\\' | '*' | '[' | ']' | '(' | ')' | '{' | '}') | None => {}
            Some(n) if !out.contains(&n) => out.push(n),
            Some(_) => {}
        }
    }
    out
}

/// The indentation of a multi-line text's lines (the least of its non-blank
/// lines), when it has any.
fn existing_indent(raw: &str) -> Option<String> {
    raw.split('\n')
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| &l[..l.len() - l.trim_start_matches([' ', '\t']).len()])
        .min_by_key(|i| i.len())
        .map(str::to_string)
}

/// The edit adding a `lang` translation of `text` to a text whose
/// translations before and after it in the survey's language order are
/// `after` and `before` (`anchor`: the text's keyword), with a `reviewed`
/// marker when `marker` is given; and the literal written.
///
/// On a line of its own under its siblings, unless something follows the
/// translation it comes after on that line (a sibling, a grid item's
/// `label`): then on that line, before it, so that it neither lands inside
/// a `"""` text that opens there nor joins another property.
pub fn add_edit(
    source: &str,
    lang: &str,
    text: &str,
    after: Option<&Translation>,
    before: Option<&Translation>,
    anchor: Span,
    marker: Option<&str>,
) -> (Edit, String) {
    let marker = marker.map_or(String::new(), |m| format!(" reviewed \"{m}\""));
    let inline_at = match (after, before) {
        (Some(t), _) => followed_on_line(source, t),
        (None, Some(t)) if !line_indent(source, t.lang_span().start as usize).1 => {
            Some(t.lang_span().start as usize)
        }
        _ => None,
    };
    if let Some(at) = inline_at {
        let (i, _) = line_indent(source, at);
        let lit = literal(text, false, &format!("{i}  "));
        let edit = Edit {
            start: at,
            end: at,
            text: format!("{lang} {lit}{marker} "),
        };
        return (edit, lit);
    }
    let (indent, at) = match (after, before) {
        (Some(t), _) => {
            // Under the sibling; one level deeper than its line when it
            // shares the line with its keyword (`label fi "…"`).
            let (i, own_line) = line_indent(source, t.lang_span().start as usize);
            let indent = if own_line {
                i.to_string()
            } else {
                format!("{i}  ")
            };
            (indent, line_end(source, literal_end(t)))
        }
        (None, Some(t)) => {
            // On its own line (the keyword's line was handled above).
            let (i, _) = line_indent(source, t.lang_span().start as usize);
            let start = t.lang_span().start as usize - i.len();
            let lit = literal(text, false, &format!("{i}  "));
            let edit = Edit {
                start,
                end: start,
                text: format!("{i}{lang} {lit}{marker}\n"),
            };
            return (edit, lit);
        }
        (None, None) => {
            let (i, _) = line_indent(source, anchor.start as usize);
            (format!("{i}  "), line_end(source, anchor.end as usize))
        }
    };
    let lit = literal(text, false, &format!("{indent}  "));
    let edit = Edit {
        start: at,
        end: at,
        text: format!("\n{indent}{lang} {lit}{marker}"),
    };
    (edit, lit)
}

/// The offset of what follows translation `t` (and its `reviewed` marker)
/// on its line, other than white space and a comment.
fn followed_on_line(source: &str, t: &Translation) -> Option<usize> {
    let end = match t.reviewed() {
        // The marker's span is its string's content: one quote more.
        Some(r) => r.span.end as usize + 1,
        None => literal_end(t),
    };
    let rest = source.get(end..)?;
    let skip = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    match rest.as_bytes().get(skip) {
        None | Some(b'\n' | b'\r' | b'#') => None,
        Some(_) => Some(end + skip),
    }
}

/// The end of the line holding `offset`, before a comment on it: an added
/// line goes after the translation's line (a trailing comment stays with
/// the line it is on).
fn line_end(source: &str, offset: usize) -> usize {
    let end = source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    if end > offset && source.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_escaping_round_trips() {
        for raw in [
            r#"plain"#,
            r#"say \"hi\""#,
            r#"back\\slash"#,
            r#"\\\"mixed"#,
            r#"\*not em\*"#,
            r#"<script>alert(1)</script> äöå 🙂"#,
        ] {
            let text = unescape_quotes(raw);
            assert_eq!(escape_one_line(&text), raw, "{raw}");
        }
        assert_eq!(escape_one_line(r#"a "b" c\"#), r#"a \"b\" c\\"#);
    }

    #[test]
    fn multiline_literal() {
        assert_eq!(
            literal("one\n\ntwo \"\"\" three", false, "    "),
            "\"\"\"\n    one\n\n    two \"\"\\\" three\n    \"\"\""
        );
        for text in ["\"\"\"\"\"\"", "a \"\"\"\" b", "\\\" x", "end\\"] {
            let raw = escape_multiline(text);
            assert!(!raw.contains("\"\"\""), "{raw}");
            if !text.ends_with('\\') {
                assert_eq!(unescape_quotes(&raw), text.replace("\\\"", "\""), "{text}");
            }
        }
        assert_eq!(
            crate::markup::dedent("\n    one\n\n    two\n    "),
            "one\n\ntwo"
        );
    }

    #[test]
    fn edits_apply_in_order() {
        let e = [
            Edit {
                start: 4,
                end: 5,
                text: "X".into(),
            },
            Edit {
                start: 0,
                end: 0,
                text: ">".into(),
            },
        ];
        assert_eq!(apply("abcdef", &e), ">abcdXf");
    }

    fn parse_one(text: &str) -> crate::syntax::ast::SyntaxFile {
        let (tree, diags) = crate::syntax::parse(crate::source::FileId(0), text);
        assert!(diags.is_empty(), "{diags:?}");
        tree
    }

    fn texts(tree: &crate::syntax::ast::SyntaxFile) -> (Span, Vec<Translation>) {
        let p = &tree.items[0].properties[0];
        match &p.value {
            crate::syntax::ast::PropertyValue::Texts(ts) => (p.key.span, ts.clone()),
            _ => panic!("texts"),
        }
    }

    #[test]
    fn added_lines_follow_their_siblings() {
        // Canonical layout: under the sibling, after its trailing comment.
        let src = "display d\n  text\n    fi \"a\"  # c\n";
        let (at, ts) = texts(&parse_one(src));
        let (e, _) = add_edit(src, "sv", "b", ts.first(), None, at, None);
        assert_eq!(
            apply(src, &[e]),
            "display d\n  text\n    fi \"a\"  # c\n    sv \"b\"\n"
        );
        // Before the first sibling.
        let src = "display d\n  text\n    sv \"b\"\n";
        let (at, ts) = texts(&parse_one(src));
        let (e, _) = add_edit(src, "fi", "a", None, ts.first(), at, None);
        assert_eq!(
            apply(src, &[e]),
            "display d\n  text\n    fi \"a\"\n    sv \"b\"\n"
        );
        // Translations on the keyword's line: one level deeper.
        let src = "display d\n  text fi \"a\"\n";
        let (at, ts) = texts(&parse_one(src));
        let (e, _) = add_edit(src, "sv", "b", ts.first(), None, at, None);
        assert_eq!(
            apply(src, &[e]),
            "display d\n  text fi \"a\"\n    sv \"b\"\n"
        );
        // No translation yet: under the keyword.
        let src = "display d\n  text\n";
        let (at, _) = texts(&parse_one(src));
        let (e, _) = add_edit(src, "fi", "a", None, None, at, None);
        assert_eq!(apply(src, &[e]), "display d\n  text\n    fi \"a\"\n");
    }
}
