//! From source text to the syntax tree, with recovery at item boundaries.
//!
//! The file is first split into items at lines that start with an item
//! keyword (outside multi-line texts); each item is then parsed on its own
//! with the pest grammar. A syntax error therefore loses only the item it is
//! in, and one run reports the errors of every broken item. Parsing never
//! fails: it returns the items it could read and the diagnostics.

use pest::Parser as _;
use pest::iterators::Pair;

use super::ast::*;
use crate::bytes::find_any;
use crate::diagnostics::{Code, Diagnostic};
use crate::shared::{SharedBuf, SharedStr, SourceText};
use crate::source::{FileId, Span, Spanned};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/lomake.pest"]
pub struct LomakeParser;

/// Parentheses deeper than this are refused before pest sees them, so that
/// hostile input cannot overflow the stack.
pub const MAX_NESTING: usize = 32;

/// Parses one file. Never panics and never gives up: broken items are left
/// out of the tree and reported.
pub fn parse(file: FileId, text: &str) -> (SyntaxFile, Vec<Diagnostic>) {
    parse_shared(file, &SourceText::from(text))
}

/// [`parse`] of a text the tree's texts then share (see [`SharedStr`]):
/// what the loader calls, with the source map's text.
pub fn parse_shared(file: FileId, src: &SourceText) -> (SyntaxFile, Vec<Diagnostic>) {
    let parts = if src.len() < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    };
    parse_in_parts(file, src, parts)
}

/// Below this many bytes a file's items are parsed on one thread: a thread
/// costs more than it saves.
pub(crate) const PARALLEL_FROM: usize = 1 << 20;

/// Into how many pieces each thread's share of the items is cut when they
/// are parsed on several threads: the threads end within about one piece
/// of each other.
const PIECES_PER_THREAD: usize = 16;

/// [`parse_shared`] with the items parsed on `parts` threads, in pieces of
/// consecutive items that the threads take as they come free.
/// The result does not depend on `parts` (tests compare).
#[doc(hidden)]
pub fn parse_in_parts(
    file: FileId,
    src: &SourceText,
    parts: usize,
) -> (SyntaxFile, Vec<Diagnostic>) {
    parse_in_pieces(file, src, parts, parts * PIECES_PER_THREAD, false)
}

/// [`parse_in_parts`] in `pieces` pieces, of which this thread parses only
/// the first and the helpers the others: so that the tests take the path
/// of the pieces parsed elsewhere whatever the timing.
#[doc(hidden)]
pub fn parse_in_pieces_elsewhere(
    file: FileId,
    src: &SourceText,
    pieces: usize,
) -> (SyntaxFile, Vec<Diagnostic>) {
    parse_in_pieces(file, src, 2, pieces, true)
}

fn parse_in_pieces(
    file: FileId,
    src: &SourceText,
    parts: usize,
    pieces: usize,
    front_only_first: bool,
) -> (SyntaxFile, Vec<Diagnostic>) {
    let text: &str = src;
    let mut diagnostics = Vec::new();
    let scan = crate::timings::time("scan", || {
        // In two halves when the items are parsed in parts (a large file),
        // cut at the line start nearest the middle.
        let cut = (parts > 1)
            .then(|| find_any(text.as_bytes(), text.len() / 2, [b'\n']) + 1)
            .filter(|&cut| cut < text.len());
        match cut {
            Some(cut) => scan_split(file, text, cut, &mut diagnostics),
            None => scan(file, text, &mut diagnostics),
        }
    });
    if let Some(first) = scan.starts.first().copied().or(Some(text.len())) {
        stray_text(file, text, 0, first, &scan.comments, &mut diagnostics);
    }
    let n = scan.starts.len();
    let mut items = Vec::with_capacity(n);
    let mut broken = Vec::new();
    if parts <= 1 || pieces <= 1 || n < 2 {
        parse_items(
            file,
            src,
            &scan,
            0..n,
            &mut items,
            &mut broken,
            &mut diagnostics,
        );
    } else {
        // The items in pieces shared out as the threads come free
        // (`threads::from_both_ends`): this thread parses the first pieces
        // into the file's list itself; the others' pieces are joined after.
        let pieces = pieces.min(n);
        let bounds: Vec<usize> = (0..=pieces).map(|k| n * k / pieces).collect();
        let scan = &scan;
        let (_, rest) = crate::threads::from_both_ends(
            pieces,
            front_only_first,
            |i| {
                parse_items(
                    file,
                    src,
                    scan,
                    bounds[i]..bounds[i + 1],
                    &mut items,
                    &mut broken,
                    &mut diagnostics,
                )
            },
            |i| {
                let range = bounds[i]..bounds[i + 1];
                let (mut items, mut broken, mut diagnostics) =
                    (Vec::with_capacity(range.len()), Vec::new(), Vec::new());
                parse_items(
                    file,
                    src,
                    scan,
                    range,
                    &mut items,
                    &mut broken,
                    &mut diagnostics,
                );
                (items, broken, diagnostics)
            },
        );
        for (i, b, d) in rest {
            items.extend(i);
            broken.extend(b);
            diagnostics.extend(d);
        }
    }
    (
        SyntaxFile {
            file,
            items,
            comments: scan.comments,
            broken,
        },
        diagnostics,
    )
}

/// Parses the items `range` of the scan, in order.
fn parse_items(
    file: FileId,
    src: &SourceText,
    scan: &Scan,
    range: std::ops::Range<usize>,
    items: &mut Vec<Item>,
    broken: &mut Vec<String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let text: &str = src;
    // This group's own handle on the source (see `SharedBuf`).
    let handle = SharedBuf::new(src);
    let mut props = Vec::new();
    let first = scan.starts.get(range.start).copied().unwrap_or(text.len());
    // The unclosed texts, in order: those before the current chunk are past.
    let mut unclosed = scan
        .unclosed
        .iter()
        .copied()
        .skip_while(|&u| u < first)
        .peekable();
    let mut misspelled = scan
        .misspelled
        .iter()
        .skip_while(|m| m.0 < first)
        .peekable();
    for i in range {
        let start = scan.starts[i];
        let end = scan.starts.get(i + 1).copied().unwrap_or(text.len());
        let chunk = &text[start..end];
        while unclosed.next_if(|&u| u < start).is_some() {}
        while misspelled.next_if(|m| m.0 < start).is_some() {}
        if unclosed.peek().is_some_and(|&u| u < end) {
            // Already reported as E004; references to the item stay quiet.
            broken.extend(item_name(chunk));
            continue;
        }
        if let Some(&(from, to, keyword)) = misspelled.next_if(|m| m.0 == start) {
            let word = &text[from..to];
            diagnostics.push(
                Diagnostic::new(Code::Syntax, format!("`{word}` is not an item keyword"))
                    .at(Span::new(file, from, to), "unknown item keyword")
                    .help(format!("did you mean `{keyword}`?")),
            );
            broken.extend(item_name(chunk));
            continue;
        }
        // The hand-written parser reads well-formed items (and never one
        // nested too deep: see `fast::P::nots`); pest, the specification,
        // reads the rest and phrases the errors, unless the chunk is nested
        // so deep that it could overflow the stack.
        if let Some(item) = super::fast::parse_item_in(file, start, &handle, start..end, &mut props)
        {
            items.push(item);
            continue;
        }
        if let Some((depth_at, depth_end)) = too_deep(chunk) {
            diagnostics.push(
                Diagnostic::new(
                    Code::TooDeep,
                    format!(
                        "condition nested more than {MAX_NESTING} levels deep (parentheses and `not`s)"
                    ),
                )
                .at(
                    Span::new(file, start + depth_at, start + depth_end),
                    "too deep",
                )
                .help("split the condition, or remove redundant parentheses and double `not`s"),
            );
            broken.extend(item_name(chunk));
            continue;
        }
        match pest_item(file, start, chunk) {
            Ok(item) => items.extend(item),
            Err(e) => {
                diagnostics.push(syntax_error(file, start, chunk, &e));
                broken.extend(item_name(chunk));
            }
        }
    }
}

/// Parses one item chunk with pest and converts it to the tree.
fn pest_item(
    file: FileId,
    base: usize,
    chunk: &str,
) -> Result<Option<Item>, Box<pest::error::Error<Rule>>> {
    let mut pairs = LomakeParser::parse(Rule::item_only, chunk).map_err(Box::new)?;
    let Some(top) = pairs.next() else {
        return Ok(None);
    };
    let conv = Converter { file, base };
    Ok(top
        .into_inner()
        .find(|p| p.as_rule() != Rule::EOI)
        .map(|pair| conv.item(pair)))
}

/// The pest path alone, for the tests that compare it with the fast path.
#[doc(hidden)]
pub fn parse_item_with_pest(file: FileId, base: usize, chunk: &str) -> Option<Item> {
    pest_item(file, base, chunk).ok().flatten()
}

/// The item chunks `parse` hands to the item parsers (`(start, end)` byte
/// ranges; chunks with an unclosed `"""` or too deep a condition are left
/// out, as `parse` reports them without parsing). For tests.
#[doc(hidden)]
pub fn item_chunks(text: &str) -> Vec<(usize, usize)> {
    let scan = scan(FileId(0), text, &mut Vec::new());
    let mut out = Vec::new();
    for (i, &start) in scan.starts.iter().enumerate() {
        let end = scan.starts.get(i + 1).copied().unwrap_or(text.len());
        if scan.unclosed.iter().any(|&u| u >= start && u < end)
            || too_deep(&text[start..end]).is_some()
        {
            continue;
        }
        out.push((start, end));
    }
    out
}

/// What the line scan found: item starts, comments (byte ranges) and the
/// offsets of unclosed `"""`, as `parse` uses them. For tests.
#[doc(hidden)]
pub fn scan_for_tests(text: &str) -> (Vec<usize>, Vec<(usize, usize)>, Vec<usize>) {
    let scan = scan(FileId(0), text, &mut Vec::new());
    let comments = scan
        .comments
        .iter()
        .map(|c| (c.start as usize, c.end as usize))
        .collect();
    (scan.starts, comments, scan.unclosed)
}

/// Whether `parse` would refuse this chunk as nested too deep. For tests.
#[doc(hidden)]
pub fn is_too_deep(chunk: &str) -> bool {
    too_deep(chunk).is_some()
}

/// Item starts, comments and unclosed multi-line texts of one file.
struct Scan {
    starts: Vec<usize>,
    comments: Vec<Span>,
    unclosed: Vec<usize>,
    /// Items whose keyword is misspelled (`qustion q single`): where the
    /// word is, and the keyword it is closest to. Their lines start items
    /// too, so that the item before stays whole.
    misspelled: Vec<(usize, usize, &'static str)>,
}

/// Splits the file into lines and walks each for strings, multi-line texts
/// and comments, in one pass. A line starts an item if it begins (after its
/// indentation, and outside a multi-line text) with an item keyword. A `"""`
/// that is never closed would swallow the rest of the file: it is reported
/// and read as an ordinary quote instead, so that the items after it still
/// parse.
///
/// The walk jumps from one byte that matters to the next (`"`, `#` and the
/// line end outside strings; `"`, the backslash and the line end inside
/// them), eight bytes at a time.
fn scan(file: FileId, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Scan {
    scan_lines(file, text, 0, text.len(), diagnostics).0
}

/// [`scan`] in two halves at once, the second on a helper thread, from the
/// line start `cut` on. The second half takes the walk to be outside any
/// text at `cut`; when the first half's walk does not end exactly there (a
/// multi-line text runs across it), the second half is scanned again from
/// where the first ended. The result is [`scan`]'s (a test compares every
/// cut).
fn scan_split(file: FileId, text: &str, cut: usize, diagnostics: &mut Vec<Diagnostic>) -> Scan {
    let ((mut first, end, mut found), second) = crate::threads::fork(
        || {
            let mut found = Vec::new();
            let (scan, end) = scan_lines(file, text, 0, cut, &mut found);
            (scan, end, found)
        },
        vec![|| {
            let mut found = Vec::new();
            let (scan, _) = scan_lines(file, text, cut, text.len(), &mut found);
            (scan, found)
        }],
    );
    let (second, mut found_second) = match second.into_iter().next() {
        Some(s) if end == cut => s,
        _ => {
            let mut found = Vec::new();
            let (scan, _) = scan_lines(file, text, end, text.len(), &mut found);
            (scan, found)
        }
    };
    first.starts.extend(second.starts);
    first.comments.extend(second.comments);
    first.unclosed.extend(second.unclosed);
    first.misspelled.extend(second.misspelled);
    found.append(&mut found_second);
    diagnostics.append(&mut found);
    first
}

/// The walk of [`scan`] from `start`, a line start outside any text, to
/// the first line start at or after `stop` (or the end): what it found,
/// and where it stopped.
fn scan_lines(
    file: FileId,
    text: &str,
    start: usize,
    stop: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Scan, usize) {
    let bytes = text.as_bytes();
    let len = bytes.len();
    // Rough guesses, to spare most reallocations of large files.
    let mut starts = Vec::with_capacity(stop.saturating_sub(start) / 256);
    let mut comments = Vec::with_capacity(stop.saturating_sub(start) / 4096);
    let mut unclosed = Vec::new();
    let mut misspelled = Vec::new();
    // No `"""` starts at or after this offset (known once a search failed).
    let mut no_triple_from = usize::MAX;
    let mut i = start;
    'lines: while i < len {
        if i >= stop {
            break;
        }
        let line_start = i;
        while i < len && (bytes[i] == b' ' || bytes[i] == b'\t') {
            i += 1;
        }
        if starts_item(text, i) {
            starts.push(line_start);
        } else if i == line_start
            && let Some((len, keyword)) = misspelled_item(text, i)
        {
            starts.push(line_start);
            misspelled.push((i, i + len, keyword));
        }
        // Outside strings, the rest of the line.
        loop {
            i = find_any(bytes, i, [b'"', b'#', b'\n']);
            if i >= len {
                break 'lines;
            }
            match bytes[i] {
                b'\n' => {
                    i += 1;
                    continue 'lines;
                }
                b'#' => {
                    let end = find_any(bytes, i, [b'\n']);
                    comments.push(Span::new(file, i, end));
                    i = end + 1;
                    continue 'lines;
                }
                _ => {}
            }
            // A quote: a multi-line text if it closes, else a string.
            if bytes[i..].starts_with(b"\"\"\"") {
                let close = if i + 3 >= no_triple_from {
                    None
                } else {
                    crate::bytes::find_ml_close(bytes, i + 3)
                };
                match close {
                    Some(at) => {
                        // Lines inside the text start nothing; the walk
                        // goes on after it as on any line.
                        i = at + 3;
                        continue;
                    }
                    None => {
                        no_triple_from = no_triple_from.min(i + 3);
                        diagnostics.push(
                            Diagnostic::new(
                                Code::UnclosedText,
                                "this multi-line text is never closed",
                            )
                            .at(Span::new(file, i, i + 3), "opened here")
                            .help("end the text with `\"\"\"` on a line of its own"),
                        );
                        unclosed.push(i);
                    }
                }
            }
            // A string, to its closing quote or the end of the line (an
            // escape may hide either).
            i += 1;
            loop {
                i = find_any(bytes, i, [b'"', b'\\', b'\n']);
                if i >= len {
                    break 'lines;
                }
                match bytes[i] {
                    b'"' => {
                        i += 1;
                        break;
                    }
                    b'\\' => {
                        i += 2;
                        if i > len {
                            break 'lines;
                        }
                        if bytes[i - 1] == b'\n' {
                            continue 'lines;
                        }
                    }
                    _ => {
                        i += 1;
                        continue 'lines;
                    }
                }
            }
        }
    }
    (
        Scan {
            starts,
            comments,
            unclosed,
            misspelled,
        },
        i.min(len),
    )
}

/// Does the line whose indentation ends at `at` begin a new item: is its
/// first word an item keyword (not followed by a text: `end "…"` would be a
/// translation in a language coded `end`)?
fn starts_item(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    // Every keyword is ASCII lowercase: the word must be one of them and
    // end there.
    let rest = &text[at..];
    let word_len = rest
        .bytes()
        .position(|b| !b.is_ascii_lowercase())
        .unwrap_or(rest.len());
    let word = &bytes[at..at + word_len];
    let keyword = match word {
        b"survey" => Keyword::Survey,
        b"use" => Keyword::Use,
        b"scale" => Keyword::Scale,
        b"list" => Keyword::List,
        b"block" => Keyword::Block,
        b"end" => Keyword::End,
        b"section" => Keyword::Section,
        b"introduction" => Keyword::Introduction,
        b"question" => Keyword::Question,
        b"display" => Keyword::Display,
        b"hidden" => Keyword::Hidden,
        b"insert" => Keyword::Insert,
        _ => return false,
    };
    let after = &rest[word_len..];
    // The word must end there.
    if after
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
    {
        return false;
    }
    if keyword == Keyword::Use {
        return true; // `use "path"`
    }
    let next = after.chars().find(|&c| c == '\n' || !c.is_whitespace());
    next != Some('"')
}

/// The closest keyword to a lowercase word, within one edit for keywords of
/// up to four letters and two for longer ones.
fn keyword_distance(
    word: &str,
    keywords: impl IntoIterator<Item = &'static str>,
) -> Option<(usize, &'static str)> {
    keywords
        .into_iter()
        .filter_map(|k| {
            let limit = if k.len() <= 4 { 1 } else { 2 };
            crate::diagnostics::edit_distance_within(word.as_bytes(), k.as_bytes(), limit)
                .map(|d| (d, k))
        })
        .min()
}

/// Does the unindented line at `at` start with a misspelled item keyword
/// (`qustion q single`, `Section s`)? A word of letters that is no keyword,
/// is closer to an item keyword than to any property keyword, and is followed
/// by a name (or, for `introduction` and `end`, by nothing). Gives the
/// word's length and the keyword.
pub(crate) fn misspelled_item(text: &str, at: usize) -> Option<(usize, &'static str)> {
    let rest = text.as_bytes().get(at..)?;
    let len = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if len < 3 {
        return None;
    }
    let word = &text[at..at + len];
    let lower = word.to_ascii_lowercase();
    if super::fast::is_property_word(lower.as_bytes()) {
        return None;
    }
    let items = Keyword::ALL.iter().map(|(w, _)| *w);
    let (distance, keyword) = keyword_distance(&lower, items)?;
    let properties = super::fast::PROPERTY_KW
        .iter()
        .flat_map(|l| l.iter().copied());
    if keyword_distance(&lower, properties).is_some_and(|(d, _)| d <= distance) {
        return None;
    }
    let after = &rest[len..];
    let gap = after
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let named = gap > 0 && after.get(gap).is_some_and(u8::is_ascii_alphabetic);
    let bare = matches!(after.get(gap), None | Some(b'\n' | b'\r' | b'#'))
        && matches!(keyword, "introduction" | "end");
    (named || bare).then_some((len, keyword))
}

/// Text before the first item that is neither blank nor a comment.
fn stray_text(
    file: FileId,
    text: &str,
    from: usize,
    to: usize,
    comments: &[Span],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut i = from;
    while i < to {
        // Comments are in source order: a file of many comment lines and no
        // item must not compare every comment with every other.
        if let Ok(k) = comments.binary_search_by_key(&i, |c| c.start as usize) {
            i = comments[k].end as usize;
            continue;
        }
        let ch = text[i..].chars().next().expect("in bounds");
        if !ch.is_whitespace() {
            let end = text[i..to].find(char::is_whitespace).map_or(to, |e| i + e);
            diagnostics.push(
                Diagnostic::new(
                    Code::Syntax,
                    "expected an item such as `survey`, `section` or `question`",
                )
                .at(Span::new(file, i, end.max(i + ch.len_utf8())), "not part of any item")
                .help("every item starts on its own line with a keyword: survey, use, scale, list, block, section, introduction, question, display, hidden, insert or end"),
            );
            return;
        }
        i += ch.len_utf8();
    }
}

/// Finds conditions nested deeper than [`MAX_NESTING`], outside strings and
/// comments. Both parentheses and `not` nest: `not not not a = 1` is as deep
/// as three parentheses, and a long chain of either would overflow the stack
/// of every recursive pass after the parser. The depth at a point is the
/// number of open parentheses plus the `not`s in force at each of them (a run
/// of `not`s lasts until the next other word at the same level). Returns the
/// byte range of the `(` or `not` that goes too deep.
fn too_deep(chunk: &str) -> Option<(usize, usize)> {
    // The `not`s in force at each open parenthesis (and at the top).
    let mut nots: Vec<usize> = vec![0];
    let mut total_nots = 0usize;
    let depth = |nots: &Vec<usize>, total: usize| nots.len() - 1 + total;
    let bytes = chunk.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'#' => {
                i = chunk[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i = crate::bytes::find_ml_close(bytes, i + 3).map_or(bytes.len(), |at| at + 3);
                continue;
            }
            b'"' => {
                // To the closing quote, or the end of the line.
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                continue;
            }
            b'(' => {
                nots.push(0);
                if depth(&nots, total_nots) > MAX_NESTING {
                    return Some((i, i + 1));
                }
            }
            b')' if nots.len() > 1 => total_nots -= nots.pop().unwrap_or(0),
            _ if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 => {
                let len = chunk[i..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(bytes.len() - i);
                if len == 0 {
                    // A non-alphanumeric character outside ASCII.
                    i += chunk[i..].chars().next().map_or(1, char::len_utf8);
                    continue;
                }
                let run = nots.last_mut().expect("the top level");
                if &chunk[i..i + len] == "not" {
                    *run += 1;
                    total_nots += 1;
                    if depth(&nots, total_nots) > MAX_NESTING {
                        return Some((i, i + len));
                    }
                } else {
                    total_nots -= *run;
                    *run = 0;
                }
                i += len;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

// ------------------------------------------------------------ syntax errors

fn syntax_error(
    file: FileId,
    base: usize,
    chunk: &str,
    e: &pest::error::Error<Rule>,
) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let expected: Vec<&'static str> = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut out: Vec<&'static str> = Vec::new();
            for r in positives {
                if let Some(d) = describe(*r)
                    && !out.contains(&d)
                {
                    out.push(d);
                }
            }
            out
        }
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let found = found_token(chunk, pos);
    let message = if expected.is_empty() {
        "this item cannot be read".to_string()
    } else {
        format!("expected {}", join_or(&expected))
    };
    let label = if found.is_empty() {
        "the item ends here".to_string()
    } else {
        format!("found `{}`", found.replace('\n', " "))
    };
    let end = pos + found.len();
    let span = if found.is_empty() {
        // Point at the last character of the item rather than past it.
        // (A character, not a byte: the last one may be `ä`.)
        let trimmed = chunk[..pos].trim_end();
        let (at, ch_len) = trimmed
            .char_indices()
            .next_back()
            .map_or((0, 0), |(i, c)| (i, c.len_utf8()));
        Span::new(file, base + at, base + at + ch_len)
    } else {
        Span::new(file, base + pos, base + end)
    };
    let mut d = Diagnostic::new(Code::Syntax, message).at(span, label);
    if let Some(help) = syntax_help(chunk, pos, &found) {
        d = d.help(help);
    }
    d
}

fn syntax_help(chunk: &str, pos: usize, found: &str) -> Option<String> {
    if found.starts_with('"') && !found[1..].contains('"') {
        return Some(
            "a text must end on the line it starts; use `\"\"\"` for a text of several lines"
                .into(),
        );
    }
    if found.starts_with('"') {
        // Every text in the language follows a language code or `version`.
        return Some("put the language code before the text, as in `fi \"Teksti\"`".into());
    }
    if found.chars().all(|c| c.is_alphanumeric() || c == '_') {
        // The words a property line may start with or carry: the grammar's
        // property keywords and the option flags.
        let properties = || {
            super::fast::PROPERTY_KW
                .iter()
                .flat_map(|k| k.iter())
                .chain(super::fast::OPTION_FLAG)
                .copied()
        };
        // The misspelt word is the one found, or the one just before it
        // (read as a language code, so that a text was expected next).
        let before = chunk[..pos].trim_end();
        // (After the last character that is not part of a word: a comment
        // may end in `😀`, four bytes long.)
        let prev = &before[before
            .char_indices()
            .rfind(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |(i, c)| i + c.len_utf8())..];
        for word in [found, prev] {
            if word.len() >= 3
                && !properties().any(|p| p == word)
                && let Some(k) = crate::diagnostics::did_you_mean(word, properties())
            {
                return Some(format!("`{word}` is not a property; did you mean `{k}`?"));
            }
        }
    }
    if found == "=" && chunk[..pos].ends_with('=') {
        return Some("equality is a single `=`, as in `nat_part = 1`".into());
    }
    None
}

/// The name of an item (`question q …` → `q`), from its first line.
fn item_name(chunk: &str) -> Option<String> {
    chunk.split_whitespace().nth(1).map(|n| {
        n.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '{' || c == '}'))
            .next()
            .unwrap_or(n)
            .to_string()
    })
}

/// The token at `pos`: a word, a quoted string up to the end of the line, or one character.
fn found_token(chunk: &str, pos: usize) -> String {
    let rest = &chunk[pos.min(chunk.len())..];
    let Some(first) = rest.chars().next() else {
        return String::new();
    };
    let len = if first == '"' {
        let line = rest.find('\n').unwrap_or(rest.len());
        rest[1..line].find('"').map_or(line, |i| i + 2)
    } else if first.is_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    rest[..len].trim_end().to_string()
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {}", rest.join(", "), last),
    }
}

/// Plain words for what the grammar expected. Never a rule name.
fn describe(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        EOI => "a new item on its own line",
        translation | lang_code => "a translation like `sv \"…\"`",
        text_kw | kw_option | kw_item | kw_values | kw_when | kw_languages | string_kw
        | date_kw | number_kw | kw_indirectly | flag_kw | kw_continues | text_prop
        | option_prop | grid_item_prop | values_prop | when_prop | languages_prop | string_prop
        | date_prop | number_prop | flag_prop | continues_prop => {
            "a property such as `label`, `text` or `option`"
        }
        item_label | kw_label => "`label`",
        item_continues => "`continues`",
        item_break | kw_break => "`break`",
        name | qualified_name | placeholder => "a name",
        string | ml_string | string_inner => "a text in double quotes",
        question_kind => {
            "a question kind (single, multiple, scale, grid, integer, decimal, text, longtext or date)"
        }
        hidden_source => "`language`",
        level => "a measurement level (nominal, ordinal or scale)",
        option_flag => "`missing`, `exclusive` or `other`",
        code => "a code (a whole number)",
        number => "a number",
        date => "a date like `2023-02-24`",
        expr | and_expr | not_expr | paren | call | comparison | call_kw | kw_not => "a condition",
        compare_op | in_test | includes_test | compare_test | kw_in | kw_includes => {
            "a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`, `in {…}` or `includes`)"
        }
        kw_and | kw_or => "`and`, `or`",
        kw_identifying => "`identifying`",
        block_params => "`(`",
        argument => "an argument such as `level municipal`",
        kw_survey | kw_use | kw_scale | kw_list | kw_block | kw_end | kw_section
        | kw_introduction | kw_question | kw_display | kw_hidden | kw_insert => "an item keyword",
        _ => return None,
    })
}

// ------------------------------------------------------- pairs to the tree

struct Converter {
    file: FileId,
    base: usize,
}

impl Converter {
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
    }

    fn spanned(&self, pair: &Pair<Rule>) -> Spanned<String> {
        Spanned::new(pair.as_str().to_string(), self.span(pair))
    }

    fn item(&self, pair: Pair<Rule>) -> Item {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let kw_pair = inner.next().expect("items start with a keyword");
        let keyword = Spanned::new(
            Keyword::from_word(kw_pair.as_str()).expect("keyword rule"),
            self.span(&kw_pair),
        );
        let mut item = Item {
            span,
            keyword,
            name: None,
            kind: None,
            list: None,
            params: Vec::new(),
            path: None,
            properties: Vec::new(),
            arguments: Vec::new(),
        };
        for p in inner {
            match p.as_rule() {
                Rule::name if item.name.is_none() => item.name = Some(self.spanned(&p)),
                Rule::name => item.list = Some(self.spanned(&p)),
                Rule::question_kind | Rule::hidden_source | Rule::level => {
                    item.kind = Some(self.spanned(&p))
                }
                Rule::block_params => {
                    item.params = p.into_inner().map(|n| self.spanned(&n)).collect()
                }
                Rule::string if rule == Rule::use_item => item.path = Some(self.string(&p)),
                Rule::argument => item.arguments.push(self.argument(p)),
                _ => item.properties.push(self.property(p)),
            }
        }
        item
    }

    fn string(&self, pair: &Pair<Rule>) -> Spanned<String> {
        let inner = pair.clone().into_inner().next().expect("string has inner");
        Spanned::new(inner.as_str().to_string(), self.span(&inner))
    }

    fn translations<'i>(&self, pairs: impl Iterator<Item = Pair<'i, Rule>>) -> Vec<Translation> {
        pairs
            .filter(|p| p.as_rule() == Rule::translation)
            .map(|p| self.translation(p))
            .collect()
    }

    fn translation(&self, pair: Pair<Rule>) -> Translation {
        let span = self.span(&pair);
        // One buffer for the whole translation: its text a slice of it,
        // and its language code read before the text (`Translation::lang`).
        let whole = SharedStr::from(pair.as_str().to_string());
        let mut inner = pair.into_inner();
        let lang = self.span(&inner.next().expect("lang"));
        let text = inner.next().expect("text");
        let multiline = text.as_rule() == Rule::ml_string;
        let raw = self.string(&text);
        let from = (raw.span.start - span.start) as usize;
        let raw_str = whole
            .sub(from, from + raw.value.len())
            .expect("the text is part of the translation");
        let reviewed = inner.next().map(|r| {
            let s = r.into_inner().nth(1).expect("reviewed string");
            self.string(&s)
        });
        Translation::new(
            span,
            lang,
            Spanned::new(raw_str, raw.span),
            multiline,
            reviewed.map(Box::new),
        )
    }

    fn argument(&self, pair: Pair<Rule>) -> Argument {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().peekable();
        let name = self.spanned(&inner.next().expect("argument name"));
        let value = match inner.peek().map(|p| p.as_rule()) {
            Some(Rule::name) => ArgumentValue::Name(self.spanned(&inner.next().expect("name"))),
            _ => ArgumentValue::Texts(self.translations(inner)),
        };
        Argument { span, name, value }
    }

    fn property(&self, pair: Pair<Rule>) -> Property {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let key_pair = inner.next().expect("property keyword");
        // The grammar's rule `property_kw` admits only these words.
        let mut key = Spanned::new(
            super::fast::property_keyword(key_pair.as_str()).unwrap_or_else(|| {
                unreachable!("unexpected property keyword {:?}", key_pair.as_str())
            }),
            self.span(&key_pair),
        );
        let value = match rule {
            Rule::text_prop => PropertyValue::Texts(self.translations(inner)),
            Rule::option_prop => {
                let code = self.code(&inner.next().expect("code"));
                let mut flags = Vec::new();
                let mut texts = Vec::new();
                for p in inner {
                    match p.as_rule() {
                        Rule::option_flag => flags.push(self.spanned(&p)),
                        _ => texts.push(self.translation(p)),
                    }
                }
                PropertyValue::Option { code, flags, texts }
            }
            Rule::grid_item_prop => {
                let name = self.spanned(&inner.next().expect("item name"));
                let mut texts = Vec::new();
                let mut label = None;
                let mut continues = None;
                let mut brk = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::item_label => {
                            let s = self.span(&p);
                            label = Some((s, self.translations(p.into_inner())));
                        }
                        Rule::item_continues => {
                            let q = p.into_inner().nth(1).expect("qualified name");
                            continues = Some(self.spanned(&q));
                        }
                        Rule::item_break => {
                            let s = self.span(&p);
                            brk = Some((s, self.translations(p.into_inner())));
                        }
                        _ => texts.push(self.translation(p)),
                    }
                }
                PropertyValue::GridItem(Box::new(GridItem {
                    name,
                    texts,
                    label,
                    continues,
                    brk,
                }))
            }
            Rule::values_prop => {
                let lo = self.code(&inner.next().expect("lo"));
                let hi = self.code(&inner.next().expect("hi"));
                PropertyValue::Values(lo, hi)
            }
            Rule::when_prop => {
                PropertyValue::When(Box::new(self.expr(inner.next().expect("expr"))))
            }
            Rule::languages_prop => {
                PropertyValue::Languages(inner.map(|p| self.spanned(&p)).collect())
            }
            Rule::string_prop => PropertyValue::Str(self.string(&inner.next().expect("v"))),
            Rule::date_prop => PropertyValue::Date(self.spanned(&inner.next().expect("date"))),
            Rule::number_prop => PropertyValue::Number(self.number(&inner.next().expect("n"))),
            Rule::continues_prop => {
                let v = inner.next().expect("name or file");
                if v.as_rule() == Rule::string {
                    PropertyValue::Str(self.string(&v))
                } else {
                    PropertyValue::Continues(self.spanned(&v))
                }
            }
            Rule::flag_prop => {
                if let Some(second) = inner.next() {
                    // `indirectly identifying`
                    let s = key.span.to(self.span(&second));
                    key = Spanned::new("indirectly identifying", s);
                }
                PropertyValue::Flag
            }
            other => unreachable!("unexpected property rule {other:?}"),
        };
        Property { span, key, value }
    }

    fn code(&self, pair: &Pair<Rule>) -> Spanned<i64> {
        // Codes are digits only; an absurdly long one saturates and the
        // checker reports it as out of range.
        let v = pair.as_str().parse::<i64>().unwrap_or(i64::MAX);
        Spanned::new(v, self.span(pair))
    }

    fn number(&self, pair: &Pair<Rule>) -> Spanned<Number> {
        let text = pair.as_str().to_string();
        let value = text.parse::<f64>().unwrap_or(f64::MAX);
        Spanned::new(Number { text, value }, self.span(pair))
    }

    fn value(&self, pair: Pair<Rule>) -> Value {
        match pair.as_rule() {
            Rule::number => Value::Number(self.number(&pair)),
            Rule::string => Value::String(self.string(&pair)),
            _ => Value::Name(self.spanned(&pair)),
        }
    }

    fn expr(&self, pair: Pair<Rule>) -> Expr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr | Rule::and_expr => {
                let is_or = pair.as_rule() == Rule::expr;
                let mut parts: Vec<Expr> = pair
                    .into_inner()
                    .filter(|p| !matches!(p.as_rule(), Rule::kw_or | Rule::kw_and))
                    .map(|p| self.expr(p))
                    .collect();
                if parts.len() == 1 {
                    parts.pop().expect("one part")
                } else if is_or {
                    Expr::Or(parts, span)
                } else {
                    Expr::And(parts, span)
                }
            }
            Rule::not_expr => {
                let mut nots = Vec::new();
                let mut primary = None;
                for p in pair.into_inner() {
                    if p.as_rule() == Rule::kw_not {
                        nots.push(self.span(&p));
                    } else {
                        primary = Some(self.expr(p));
                    }
                }
                let mut e = primary.expect("not_expr has a primary");
                for not_span in nots.into_iter().rev() {
                    let s = not_span.to(e.span());
                    e = Expr::Not(Box::new(e), s);
                }
                e
            }
            Rule::paren => self.expr(pair.into_inner().next().expect("paren inner")),
            Rule::call => {
                let mut inner = pair.into_inner();
                let function = self.spanned(&inner.next().expect("fn"));
                let name = self.spanned(&inner.next().expect("arg"));
                Expr::Call {
                    function,
                    name,
                    span,
                }
            }
            Rule::comparison => {
                let mut inner = pair.into_inner();
                let name = self.spanned(&inner.next().expect("name"));
                let test = inner.next().expect("test");
                match test.as_rule() {
                    Rule::in_test => Expr::In {
                        name,
                        values: test.into_inner().skip(1).map(|p| self.value(p)).collect(),
                        span,
                    },
                    Rule::includes_test => Expr::Includes {
                        name,
                        value: self.value(test.into_inner().nth(1).expect("value")),
                        span,
                    },
                    _ => {
                        let mut t = test.into_inner();
                        let op = self.spanned(&t.next().expect("op"));
                        let value = self.value(t.next().expect("value"));
                        Expr::Compare {
                            name,
                            op,
                            value,
                            span,
                        }
                    }
                }
            }
            other => unreachable!("unexpected expression rule {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> (SyntaxFile, Vec<Diagnostic>) {
        parse(FileId(0), s)
    }

    /// What a scan found, comparable.
    fn found(scan: &Scan, diagnostics: &[Diagnostic]) -> String {
        format!(
            "{:?} {:?} {:?} {:?} {:?}",
            scan.starts,
            scan.comments,
            scan.unclosed,
            scan.misspelled,
            diagnostics
                .iter()
                .map(|d| format!("{d:?}"))
                .collect::<Vec<_>>()
        )
    }

    #[test]
    fn a_scan_in_halves_finds_what_one_scan_finds_at_every_cut() {
        let texts = [
            // A multi-line text across cuts, a comment, a misspelled item,
            // a string with an escaped quote and one with `#` in it.
            "survey s\n  version \"1\" # note\nsection a\n  intro\n    fi \"\"\"\n    question x single\n    \"\"\"\n  title\n    en \"A \\\" # b\"\nqustion q single\n  text\n    en \"Q\"\n",
            // An unclosed multi-line text (read as a quote) before and
            // after the cut, and an escape at a line's end.
            "section a\n  title\n    en \"\"\"open\nquestion q single\n  text\n    en \"a\\\nquestion r single\n    fi \"\"\"\n",
            // Item keywords inside a closed multi-line text only.
            "display d\n  text\n    fi \"\"\"\nsection x\nquestion y single\n\"\"\"\nend\n",
        ];
        for text in texts {
            let mut one = Vec::new();
            let whole = found(&scan(FileId(0), text, &mut one), &one);
            let cuts = text.match_indices('\n').map(|(i, _)| i + 1);
            for cut in cuts.filter(|&c| c < text.len()) {
                let mut two = Vec::new();
                let halves = scan_split(FileId(0), text, cut, &mut two);
                assert_eq!(found(&halves, &two), whole, "cut at {cut} of {text:?}");
            }
        }
    }

    #[test]
    fn items_split_at_keywords() {
        let src = "# c\nsurvey s\n  version \"1\"\nsection a\n  title\n    en \"A\"\n";
        let (f, d) = parse_str(src);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(f.items.len(), 2);
        assert_eq!(f.comments.len(), 1);
    }

    #[test]
    fn broken_items_do_not_hide_others() {
        let src = "section a\n  title en \"x\nsection b\n  title\n    en \"B\"\nquestion q single\n  option x\n";
        let (f, d) = parse_str(src);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(f.items.len(), 1);
        assert!(d.iter().all(|d| d.code == Code::Syntax));
    }

    #[test]
    fn multiline_keeps_keywords_inside() {
        let src = "display d\n  text\n    en \"\"\"\n      section inside text\n      \"\"\"\nsection s\n";
        let (f, d) = parse_str(src);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(f.items.len(), 2);
    }

    #[test]
    fn unclosed_multiline_is_local() {
        let src = "display d\n  text\n    en \"\"\"\n      never closed\nsection s\n  title\n    en \"S\"\n";
        let (f, d) = parse_str(src);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, Code::UnclosedText);
        assert_eq!(f.items.len(), 1);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let src = format!(
            "question q single\n  when {}a = 1{}\n",
            "(".repeat(200),
            ")".repeat(200)
        );
        let (_, d) = parse_str(&src);
        assert_eq!(d[0].code, Code::TooDeep);
    }

    #[test]
    fn conditions_parse_with_precedence() {
        let src = "question q single\n  when not a = 1 or b in {1, 2} and answered(c)\n";
        let (f, d) = parse_str(src);
        assert!(d.is_empty(), "{d:?}");
        let PropertyValue::When(e) = &f.items[0].properties[0].value else {
            panic!("expected a condition");
        };
        let Expr::Or(parts, _) = &**e else {
            panic!("expected or");
        };
        assert!(matches!(parts[0], Expr::Not(..)));
        assert!(matches!(parts[1], Expr::And(..)));
    }
}

#[cfg(test)]
mod whole_file_tests {
    use super::*;

    /// The `file` rule and the item-by-item parser read the real surveys the same way.
    #[test]
    fn file_rule_agrees_with_item_parser() {
        for path in [
            "surveys/partnership-barometer-2023.survey",
            "surveys/partnership-barometer-2020.survey",
            "surveys/common/barometer.survey",
        ] {
            let text = std::fs::read_to_string(path).unwrap();
            let whole = LomakeParser::parse(Rule::file, &text).unwrap();
            let count = whole
                .flatten()
                .filter(|p| {
                    let r = format!("{:?}", p.as_rule());
                    r.ends_with("_item") && !r.starts_with("kw_")
                })
                .count();
            let (tree, diags) = parse(FileId(0), &text);
            assert!(diags.is_empty(), "{path}: {diags:?}");
            assert_eq!(count, tree.items.len(), "{path}");
        }
    }
}
