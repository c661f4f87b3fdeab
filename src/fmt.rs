//! `lomake fmt`: the one canonical layout of survey files (`docs/fmt.md`).
//!
//! The formatter reads the syntax tree only to learn where each *logical
//! line* starts and how deep it is: an item keyword, a property, a
//! translation, a grid item's `label`, an `insert` argument. A small lexer
//! gives the tokens of the source (words, strings, multi-line texts,
//! punctuation, comparison operators, comments), and the output is those
//! tokens with new whitespace: each logical line on a line of its own at its
//! depth, single spaces between the tokens of a line (none inside
//! parentheses and braces, before commas, around `..`), comments where they
//! were, blank lines only between items.
//!
//! Tokens themselves are never changed, except that comments lose trailing
//! whitespace and multi-line texts are re-indented as a whole (the checker
//! strips their common indentation, `markup::dedent`, so the text is the
//! same). Before returning, [`format`] reads its own output again and
//! refuses it (`Unformattable`) unless it parses without errors into the
//! same tokens with the same logical lines: a formatting bug can make
//! `lomake fmt` decline a file, never change what it means.
//!
//! Linear in the size of the file; no hash maps.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use codespan_reporting::term::termcolor::WriteColor;

use crate::diagnostics::{self, Code, Diagnostic, Severity};
use crate::markup;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::{
    self,
    ast::{ArgumentValue, Keyword, PropertyValue, SyntaxFile, Translation},
};

/// Why a file was not formatted.
#[derive(Debug)]
pub enum FmtError {
    /// The file does not parse: its syntax errors (what `lomake check`
    /// reports for it), in the file the caller parsed it as.
    Syntax(Vec<Diagnostic>),
    /// The formatter could not lay the file out without changing its
    /// tokens or structure (a bug in the formatter; the file is left alone).
    Unformattable(String),
}

/// Formats source text. `Err(Syntax)` when it does not parse; the
/// diagnostics are located in `FileId(0)`.
pub fn format_source(text: &str) -> Result<String, FmtError> {
    let (tree, mut diags) = syntax::parse(FileId(0), text);
    diags.retain(Diagnostic::is_error);
    if !diags.is_empty() {
        diagnostics::sort(&mut diags);
        return Err(FmtError::Syntax(diags));
    }
    format(&tree, text).map_err(FmtError::Unformattable)
}

/// Formats a file that parsed without errors into `tree`. `Err` with an
/// explanation when the output would not read back as the same tokens and
/// logical lines (the caller then leaves the file alone).
pub fn format(tree: &SyntaxFile, text: &str) -> Result<String, String> {
    let (tokens, starts) = layout(tree, text);
    let out = print(text, &tokens, &starts);

    // Read the output back: the same tokens, the same logical lines.
    let (tree2, diags) = syntax::parse(tree.file, &out);
    if let Some(d) = diags.iter().find(|d| d.is_error()) {
        return Err(format!("the formatted text does not parse: {}", d.message));
    }
    if tree2.items.len() != tree.items.len() {
        return Err("the formatted text has a different number of items".into());
    }
    let (tokens2, starts2) = layout(&tree2, &out);
    for (a, b) in tokens.iter().zip(&tokens2) {
        if a.kind != b.kind || a.normalized(text) != b.normalized(&out) {
            return Err(format!(
                "the formatted text changes `{}` into `{}`",
                &text[a.start..a.end],
                &out[b.start..b.end]
            ));
        }
    }
    if tokens.len() != tokens2.len() {
        return Err("the formatted text has a different number of tokens".into());
    }
    if logical_lines(&tokens, &starts) != logical_lines(&tokens2, &starts2) {
        return Err("the formatted text has different logical lines".into());
    }
    Ok(out)
}

// ------------------------------------------------------------ logical lines

/// Where a logical line starts: the byte offset of its first token, its
/// indentation, and whether it is an item keyword (blank lines are kept
/// only before items).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Start {
    at: usize,
    indent: usize,
    item: bool,
}

/// The tokens of a file and where its logical lines start.
fn layout(tree: &SyntaxFile, text: &str) -> (Vec<Token>, Vec<Start>) {
    let (mut starts, anchors) = line_starts(tree);
    let tokens = lex(text, &starts);
    if !anchors.is_empty() {
        for a in anchors {
            if let Some(at) = keyword_before(&tokens, a.at) {
                starts.push(Start { at, ..a });
            }
        }
        starts.sort_by_key(|s| s.at);
        starts.dedup_by_key(|s| s.at);
    }
    (tokens, starts)
}

/// The start of the keyword token before the value at `at` (comments
/// skipped): the tree keeps the span of a grid item's `continues` value,
/// not of its keyword. When the keyword is written against the value
/// (`continues{p}.x`), they are one token and its start is returned.
fn keyword_before(tokens: &[Token], at: usize) -> Option<usize> {
    let k = tokens.partition_point(|t| t.start <= at).checked_sub(1)?;
    if tokens[k].start < at {
        return Some(tokens[k].start);
    }
    tokens[..k]
        .iter()
        .rev()
        .find(|t| t.kind != Kind::Comment)
        .map(|t| t.start)
}

/// The logical lines of a file, in source order, from the syntax tree; and
/// the *anchors*: values whose keyword (the token before them) starts a
/// logical line.
fn line_starts(tree: &SyntaxFile) -> (Vec<Start>, Vec<Start>) {
    let mut out = Vec::new();
    let mut anchors = Vec::new();
    let mut depth = 0usize;
    for item in &tree.items {
        if item.keyword.value == Keyword::End {
            depth = depth.saturating_sub(1);
        }
        let base = 2 * depth;
        out.push(Start {
            at: item.keyword.span.start as usize,
            indent: base,
            item: true,
        });
        let inner = base + 2;
        for p in &item.properties {
            push(&mut out, p.span, inner);
            match &p.value {
                PropertyValue::Texts(texts) | PropertyValue::Option { texts, .. } => {
                    translations(&mut out, texts, inner + 2);
                }
                PropertyValue::GridItem(g) => {
                    let crate::syntax::ast::GridItem {
                        name: _,
                        texts,
                        label,
                        continues,
                        brk,
                    } = &**g;
                    translations(&mut out, texts, inner + 2);
                    for (span, texts) in [label, brk].into_iter().flatten() {
                        push(&mut out, *span, inner + 2);
                        translations(&mut out, texts, inner + 4);
                    }
                    if let Some(value) = continues {
                        push(&mut anchors, value.span, inner + 2);
                    }
                }
                PropertyValue::Values(..)
                | PropertyValue::When(_)
                | PropertyValue::Languages(_)
                | PropertyValue::Str(_)
                | PropertyValue::Date(_)
                | PropertyValue::Number(_)
                | PropertyValue::Flag
                | PropertyValue::Continues(_) => {}
            }
        }
        for a in &item.arguments {
            push(&mut out, a.span, inner);
            if let ArgumentValue::Texts(texts) = &a.value {
                translations(&mut out, texts, inner + 2);
            }
        }
        if item.keyword.value == Keyword::Block {
            depth += 1;
        }
    }
    // An `insert` keeps its properties and arguments apart; the lines
    // interleave in the source.
    out.sort_by_key(|s| s.at);
    out.dedup_by_key(|s| s.at);
    (out, anchors)
}

fn push(out: &mut Vec<Start>, span: Span, indent: usize) {
    out.push(Start {
        at: span.start as usize,
        indent,
        item: false,
    });
}

fn translations(out: &mut Vec<Start>, texts: &[Translation], indent: usize) {
    for t in texts {
        push(out, t.span(), indent);
    }
}

/// The logical lines as (index of the first token, indentation): what the
/// output must share with the input.
fn logical_lines(tokens: &[Token], starts: &[Start]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(starts.len());
    let mut k = 0;
    for (i, t) in tokens.iter().enumerate() {
        while k < starts.len() && starts[k].at < t.start {
            k += 1;
        }
        if k < starts.len() && starts[k].at == t.start {
            out.push((i, starts[k].indent));
        }
    }
    out
}

// -------------------------------------------------------------------- lexer

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A name, keyword, number, code, date or language code.
    Word,
    Str,
    /// A `"""` text.
    Multiline,
    Open,
    Close,
    Comma,
    LBrace,
    RBrace,
    /// `..` in `values 1..10`.
    Range,
    /// `=`, `!=`, `<`, `<=`, `>`, `>=`.
    Op,
    Comment,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

impl Token {
    /// The token's text as it must survive formatting.
    fn normalized(self, text: &str) -> std::borrow::Cow<'_, str> {
        let s = &text[self.start..self.end];
        match self.kind {
            Kind::Comment => s.trim_end().into(),
            Kind::Multiline => markup::dedent(inside_quotes(s)).into(),
            _ => s.into(),
        }
    }
}

/// pest's `LETTER` and `name_char`, as the grammar uses them.
fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (!c.is_ascii() && pest::unicode::LETTER(c))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c == '_'
        || (!c.is_ascii() && (pest::unicode::LETTER(c) || pest::unicode::NUMBER(c)))
}

/// The length of a `{param}` placeholder at the start of `s`, if there is one.
fn placeholder_len(s: &str) -> Option<usize> {
    let mut chars = s.char_indices();
    if chars.next()?.1 != '{' {
        return None;
    }
    let (_, first) = chars.next()?;
    if !(is_letter(first) || first == '_') {
        return None;
    }
    for (i, c) in chars {
        if c == '}' {
            return Some(i + 1);
        }
        if !is_name_char(c) {
            return None;
        }
    }
    None
}

/// Splits a file that parsed into tokens. Words are also split where a
/// logical line starts (`min 5max 3` is two properties).
fn lex(text: &str, starts: &[Start]) -> Vec<Token> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 4);
    let mut next_start = 0usize;
    let mut i = 0usize;
    while i < b.len() {
        let start = i;
        let kind = match b[i] {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'#' => {
                i = crate::bytes::find_any(b, i, [b'\n']);
                Kind::Comment
            }
            b'"' if b[i..].starts_with(b"\"\"\"") => {
                i = crate::bytes::find_ml_close(b, i + 3).map_or(b.len(), |at| at + 3);
                Kind::Multiline
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(b.len());
                Kind::Str
            }
            b'(' => {
                i += 1;
                Kind::Open
            }
            b')' => {
                i += 1;
                Kind::Close
            }
            b',' => {
                i += 1;
                Kind::Comma
            }
            b'}' => {
                i += 1;
                Kind::RBrace
            }
            b'.' if b.get(i + 1) == Some(&b'.') => {
                i += 2;
                Kind::Range
            }
            b'{' if placeholder_len(&text[i..]).is_none() => {
                i += 1;
                Kind::LBrace
            }
            b'<' | b'>' | b'!' | b'=' => {
                i += if b.get(i + 1) == Some(&b'=') && b[i] != b'=' {
                    2
                } else {
                    1
                };
                Kind::Op
            }
            _ => {
                while next_start < starts.len() && starts[next_start].at <= i {
                    next_start += 1;
                }
                let limit = starts.get(next_start).map_or(b.len(), |s| s.at);
                while i < b.len() && i < limit {
                    match b[i] {
                        b' ' | b'\t' | b'\r' | b'\n' | b'#' | b'"' | b'(' | b')' | b',' | b'}'
                        | b'<' | b'>' | b'!' | b'=' => break,
                        b'.' if b.get(i + 1) == Some(&b'.') => break,
                        b'{' => match placeholder_len(&text[i..]) {
                            Some(n) => i += n,
                            None => break,
                        },
                        _ => i += text[i..].chars().next().map_or(1, char::len_utf8),
                    }
                }
                Kind::Word
            }
        };
        out.push(Token {
            kind,
            start,
            end: i.min(b.len()),
        });
    }
    out
}

/// The text of a `"""` token between its delimiters.
fn inside_quotes(token: &str) -> &str {
    token.get(3..token.len().saturating_sub(3)).unwrap_or("")
}

// ------------------------------------------------------------------ printer

fn print(text: &str, tokens: &[Token], starts: &[Start]) -> String {
    // For each token, the next token that is not a comment (comments take
    // the indentation of the line they precede).
    let mut next_code = vec![None; tokens.len()];
    let mut next = None;
    for (i, t) in tokens.iter().enumerate().rev() {
        if t.kind != Kind::Comment {
            next = Some(i);
        }
        next_code[i] = next;
    }
    // The logical line each token starts, if it starts one.
    let mut start_of: Vec<Option<Start>> = vec![None; tokens.len()];
    let mut k = 0;
    for (i, t) in tokens.iter().enumerate() {
        while k < starts.len() && starts[k].at < t.start {
            k += 1;
        }
        if k < starts.len() && starts[k].at == t.start {
            start_of[i] = Some(starts[k]);
        }
    }

    let mut out = String::with_capacity(text.len());
    let mut logical = 0usize; // indentation of the logical line being written
    let mut line = 0usize; // indentation of the output line being written
    let mut after_comment = false;
    let mut prev: Option<Token> = None;
    for (i, &t) in tokens.iter().enumerate() {
        let gap_from = prev.map_or(0, |p| p.end);
        let newlines = text[gap_from..t.start]
            .bytes()
            .filter(|&c| c == b'\n')
            .count();
        // A blank line is kept where one separates items (comments between
        // items included), collapsed to one.
        let blank =
            newlines >= 2 && next_code[i].is_none_or(|j| start_of[j].is_some_and(|s| s.item));
        let piece = &text[t.start..t.end];
        if t.kind == Kind::Comment {
            if prev.is_some() && newlines == 0 {
                out.push(' ');
                out.push_str(piece.trim_end());
            } else {
                line = match next_code[i] {
                    Some(j) => start_of[j].map_or(logical + 2, |s| s.indent),
                    None => 0,
                };
                new_line(&mut out, blank, line);
                out.push_str(piece.trim_end());
            }
            after_comment = true;
            prev = Some(t);
            continue;
        }
        if let Some(s) = start_of[i] {
            logical = s.indent;
            line = s.indent;
            new_line(&mut out, blank, line);
        } else if after_comment {
            // The rest of a logical line that a comment interrupted.
            line = logical + 2;
            new_line(&mut out, false, line);
        } else if let Some(p) = prev {
            out.push_str(separator(text, p, t));
        }
        after_comment = false;
        if t.kind == Kind::Multiline {
            multiline(&mut out, inside_quotes(piece), line + 2);
        } else {
            out.push_str(piece);
        }
        prev = Some(t);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

fn new_line(out: &mut String, blank: bool, indent: usize) {
    if !out.is_empty() {
        out.push('\n');
        if blank {
            out.push('\n');
        }
    }
    out.extend(std::iter::repeat_n(' ', indent));
}

/// The whitespace between two tokens of one logical line.
fn separator(text: &str, prev: Token, t: Token) -> &'static str {
    match (prev.kind, t.kind) {
        (_, Kind::Close | Kind::Comma | Kind::RBrace) => "",
        (Kind::Open | Kind::LBrace | Kind::Range, _) | (_, Kind::Range) => "",
        // `answered(x)`, `block b(p)`; but `when (…)`, `not (…)`.
        (Kind::Word, Kind::Open) => match &text[prev.start..prev.end] {
            "when" | "not" | "and" | "or" => " ",
            _ => "",
        },
        _ => " ",
    }
}

/// A multi-line text: its lines at `indent`, keeping their indentation
/// relative to each other (as `markup::dedent` measures it), blank lines at
/// either end dropped, the closing `"""` on a line of its own.
fn multiline(out: &mut String, raw: &str, indent: usize) {
    out.push_str("\"\"\"");
    let lines: Vec<&str> = raw.split('\n').map(str::trim_end).collect();
    if let (Some(first), Some(last)) = (
        lines.iter().position(|l| !l.is_empty()),
        lines.iter().rposition(|l| !l.is_empty()),
    ) {
        let body = &lines[first..=last];
        let common = body
            .iter()
            .filter(|l| !l.is_empty())
            .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
            .min()
            .unwrap_or(0);
        for l in body {
            out.push('\n');
            if !l.is_empty() {
                out.extend(std::iter::repeat_n(' ', indent));
                out.push_str(&l[common..]);
            }
        }
    }
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', indent));
    out.push_str("\"\"\"");
}

// ------------------------------------------------------------ command line

/// `lomake fmt [--check] [--stdout] PATH...`
#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// Survey files or folders (a folder means every *.survey file under it);
    /// `-` reads standard input and prints the result.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Write nothing: list the files that would change, and exit with 1 if there are any.
    #[arg(long, conflicts_with = "stdout")]
    pub check: bool,
    /// Print the formatted text on standard output instead of rewriting the files.
    #[arg(long)]
    pub stdout: bool,
}

/// How the command line reports.
pub struct Report<'a> {
    /// Diagnostics and messages for people (standard error).
    pub stream: &'a mut dyn WriteColor,
    /// `--format json`: diagnostics and the `--check` list as JSON lines on
    /// standard output.
    pub json: bool,
    /// `--quiet`: no summary.
    pub quiet: bool,
}

const EXIT_PROBLEMS: u8 = 1;
const EXIT_USAGE: u8 = 2;

/// Runs `lomake fmt`; returns the exit code (docs/cli.md).
pub fn run(args: &FmtArgs, report: &mut Report) -> u8 {
    let mut status = 0u8;
    let mut files: Vec<PathBuf> = Vec::new();
    for given in &args.paths {
        if is_stdin(given) {
            files.push(given.clone());
        } else if given.is_dir() {
            match crate::load::survey_files(given) {
                Ok(found) if found.is_empty() => {
                    fatal(report, &format!("no *.survey files in {}", given.display()));
                    status = EXIT_USAGE;
                }
                Ok(found) => files.extend(found),
                Err(e) => {
                    fatal(
                        report,
                        &format!("cannot read folder {}: {e}", given.display()),
                    );
                    status = EXIT_USAGE;
                }
            }
        } else if given.is_file() {
            files.push(given.clone());
        } else {
            fatal(
                report,
                &format!("no such file or folder: {}", given.display()),
            );
            status = EXIT_USAGE;
        }
    }

    let stdout = std::io::stdout();
    let (mut changed, mut broken) = (0usize, 0usize);
    let mut printed = false;
    for path in &files {
        let stdin = is_stdin(path);
        let shown = if stdin {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        let read = if stdin {
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut b).map(|_| b)
        } else {
            std::fs::read(path)
        };
        let bytes = match read {
            Ok(b) => b,
            Err(e) => {
                fatal(report, &format!("cannot read {shown}: {e}"));
                status = EXIT_USAGE;
                continue;
            }
        };
        let mut map = SourceMap::new();
        let text = match crate::load::decode(bytes.clone()) {
            Ok(text) => text,
            Err((text, at, why)) => {
                let len = text.len();
                let id = map.add(SourceFile::new(shown.clone(), path.clone(), text));
                let end = map.get(id).text[at.min(len)..]
                    .chars()
                    .next()
                    .map_or(at.min(len), |c| at.min(len) + c.len_utf8());
                let d =
                    Diagnostic::new(Code::Unreadable, format!("this file cannot be read: {why}"))
                        .at(Span::new(id, at.min(len), end), "here");
                emit(report, &map, &[d]);
                broken += 1;
                status = status.max(EXIT_PROBLEMS);
                continue;
            }
        };
        let id = map.add(
            SourceFile::new(shown.clone(), path.clone(), text)
                .with_bom(bytes.starts_with(crate::load::BOM)),
        );
        let text = &map.get(id).text;
        let (tree, mut diags) = syntax::parse(id, text);
        diagnostics::sort(&mut diags);
        if diags.iter().any(|d| d.severity == Severity::Error) {
            emit(report, &map, &diags);
            broken += 1;
            status = status.max(EXIT_PROBLEMS);
            continue;
        }
        let formatted = match format(&tree, text) {
            Ok(f) => f,
            Err(why) => {
                fatal(
                    report,
                    &format!(
                        "{shown}: left unformatted: {why} (a bug in lomake fmt; please report it)"
                    ),
                );
                broken += 1;
                status = status.max(EXIT_PROBLEMS);
                continue;
            }
        };
        // Compared with the bytes read: a byte-order mark or CRLF line ends
        // are changes too.
        let same = bytes == formatted.as_bytes();
        if args.stdout || (stdin && !args.check) {
            let mut lock = stdout.lock();
            if lock.write_all(formatted.as_bytes()).is_err() {
                fatal(report, "cannot write to standard output");
                return EXIT_USAGE;
            }
            printed = true;
            continue;
        }
        if same {
            continue;
        }
        changed += 1;
        if args.check {
            let mut lock = stdout.lock();
            let line = if report.json {
                serde_json::json!({"file": shown, "status": "unformatted"}).to_string()
            } else {
                shown.clone()
            };
            let _ = writeln!(lock, "{line}");
            status = status.max(EXIT_PROBLEMS);
        } else if let Err(e) = std::fs::write(path, formatted.as_bytes()) {
            fatal(report, &format!("cannot write {shown}: {e}"));
            status = EXIT_USAGE;
        } else {
            info(report, &format!("reformatted {shown}"));
        }
    }

    if !args.stdout && !printed {
        let total = files.len();
        let mut summary = if args.check {
            format!(
                "lomake: {changed} of {} would be reformatted",
                plural(total, "file")
            )
        } else {
            format!("lomake: reformatted {changed} of {}", plural(total, "file"))
        };
        if broken > 0 {
            summary.push_str(&format!(
                "; {} not formatted because of errors",
                plural(broken, "file")
            ));
        }
        info(report, &summary);
    }
    status
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn emit(report: &mut Report, map: &SourceMap, ds: &[Diagnostic]) {
    if report.json {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        for d in ds {
            let _ = writeln!(lock, "{}", diagnostics::to_json_line(map, d));
        }
    } else {
        let _ = diagnostics::emit(map, ds, report.stream);
    }
}

fn fatal(report: &mut Report, message: &str) {
    if report.json {
        let line = serde_json::json!({"code": null, "severity": "error", "message": message});
        println!("{line}");
    } else {
        let _ = writeln!(report.stream, "error: {message}");
    }
}

fn info(report: &mut Report, message: &str) {
    if !report.quiet && !report.json {
        let _ = writeln!(report.stream, "{message}");
    }
}

/// `-`: standard input, formatted to standard output.
fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}
