//! Diagnostics: the one place where lomake describes problems in its input.
//!
//! Every diagnostic has a stable [`Code`], a severity, a message, a primary
//! span, optional secondary spans, notes and a `help:` line. They are rendered
//! only here: as text through codespan-reporting, or as JSON lines.

use std::ops::Range;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term;
use serde::Serialize;

use crate::source::{FileId, SourceMap, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

macro_rules! codes {
    ($($variant:ident = $id:literal, $severity:ident, $title:literal;)*) => {
        /// Every diagnostic lomake can report. Codes are stable: a code is never
        /// reused for a different problem. `docs/diagnostics.md` has an example of each.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn id(self) -> &'static str {
                match self { $(Code::$variant => $id,)* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// A one-line description for the catalogue.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }
        }
    };
}

codes! {
    // Reading and parsing
    Unreadable = "E001", Error, "source file cannot be read as text";
    Syntax = "E002", Error, "syntax error";
    TooDeep = "E003", Error, "condition nested too deeply";
    UnclosedText = "E004", Error, "multi-line text is never closed";
    // Modules
    ModuleNotFound = "E010", Error, "imported file not found";
    ModuleCycle = "E011", Error, "modules import each other in a cycle";
    ModuleOutsideRoot = "E012", Error, "imported file is outside the project";
    ModuleContent = "E013", Error, "a module may define only scales, lists and blocks";
    // Structure
    NoSurvey = "E020", Error, "file has no `survey` header";
    DuplicateSurvey = "E021", Error, "more than one `survey` header";
    MisplacedItem = "E022", Error, "item in the wrong place";
    UnmatchedEnd = "E023", Error, "`end` without a `block`";
    UnclosedBlock = "E024", Error, "block is never closed with `end`";
    PropertyNotAllowed = "E025", Error, "property not allowed on this item";
    DuplicateProperty = "E026", Error, "property given twice";
    MissingProperty = "E027", Error, "required property missing";
    InvalidValue = "E028", Error, "invalid value";
    // Names
    InvalidName = "E030", Error, "invalid name";
    ReservedName = "E031", Error, "reserved name";
    NameTooLong = "E032", Error, "name longer than 32 characters";
    DuplicateName = "E033", Error, "name defined twice";
    // References
    UnknownName = "E040", Error, "unknown question";
    ForwardReference = "E041", Error, "condition uses a question asked later";
    UnknownList = "E042", Error, "unknown scale or list";
    UnknownBlock = "E043", Error, "unknown block";
    BlockArguments = "E044", Error, "wrong arguments for a block";
    UnknownPlaceholder = "E045", Error, "unknown placeholder";
    // Texts
    MissingTranslation = "E050", Error, "missing translation";
    UnknownLanguage = "E051", Error, "language not declared by the survey";
    DuplicateTranslation = "E052", Error, "translation given twice";
    BadLink = "E053", Error, "link target not allowed";
    EmptyText = "E054", Error, "empty text";
    EmptyLink = "E055", Error, "link without text";
    // Answer lists
    EmptyList = "E060", Error, "answer list without options";
    DuplicateCode = "E061", Error, "code used twice in one list";
    BadListUse = "E062", Error, "answer list does not fit the question";
    BadOption = "E063", Error, "option flag not allowed here";
    BadRange = "E064", Error, "minimum greater than maximum";
    ExclusiveInSingle = "E065", Error, "exclusive option in a single choice";
    MissingInRange = "E066", Error, "missing code among a scale's values";
    // Conditions
    NotInList = "E070", Error, "code not in the question's answer list";
    NotComparable = "E071", Error, "comparison does not fit the question";
    NeverAsked = "E072", Error, "condition can never be true";
    // Project
    WaveNotFound = "E082", Error, "earlier wave cannot be read";
    WaveHasErrors = "E083", Error, "earlier wave has errors";
    UnknownWave = "E084", Error, "unknown earlier wave";
    NotInWave = "E085", Error, "not in the earlier wave";
    Config = "E090", Error, "invalid lomake.yaml";
    // Warnings
    UnclosedMarkup = "W001", Warning, "emphasis marker without its pair";
    MissingTranslationDraft = "W050", Warning, "missing translation (allowed in drafts)";
    IdenticalTranslation = "W051", Warning, "translation identical to the source language";
    StaleTranslation = "W052", Warning, "translation reviewed against an earlier source text";
    DuplicateLabel = "W060", Warning, "two options of one list have the same label";
    UnusedList = "W061", Warning, "answer list never used";
    AlwaysTrue = "W072", Warning, "condition is always true";
    SpssLabelTooLong = "W080", Warning, "label too long for SPSS";
    SpssMissingCodes = "W081", Warning, "missing codes SPSS cannot declare";
    ComparabilityBreak = "W086", Warning, "change breaks comparability with the earlier wave";
    NeedlessBreak = "W087", Warning, "`break` where nothing breaks";
}

/// A secondary place involved in a diagnostic.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub span: Option<Span>,
    pub label: String,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            span: None,
            label: String::new(),
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// The primary place, with a short label under the caret line.
    pub fn at(mut self, span: Span, label: impl Into<String>) -> Self {
        self.span = Some(span);
        self.label = label.into();
        self
    }

    pub fn with(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics into a stable order: by file, position, then code.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| {
        let (file, start) = d.span.map_or((u32::MAX, 0), |s| (s.file.0, s.start));
        (file, start, d.code)
    });
}

impl<'a> Files<'a> for SourceMap {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.get(id).name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.get(id).text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.get(id).line_index(byte_index))
    }

    /// As [`SourceFile::line_col`] counts it (after a byte-order mark).
    fn column_number(
        &'a self,
        id: FileId,
        _line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        Ok(self.get(id).line_col(byte_index).1)
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self.get(id);
        let starts = file.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len() - 1,
        })?;
        let end = starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(file.text.len());
        Ok(start..end)
    }
}

fn to_codespan(d: &Diagnostic) -> cs::Diagnostic<FileId> {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let mut labels = Vec::new();
    if let Some(span) = d.span {
        labels.push(cs::Label::primary(span.file, span.range()).with_message(&d.label));
    }
    for l in &d.secondary {
        labels.push(cs::Label::secondary(l.span.file, l.span.range()).with_message(&l.message));
    }
    let mut notes = d.notes.clone();
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    cs::Diagnostic::new(severity)
        .with_code(d.code.id())
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

fn config() -> term::Config {
    term::Config::default()
}

/// Renders one diagnostic as plain text (no colour), as `lomake check` prints it.
pub fn render(map: &SourceMap, d: &Diagnostic) -> String {
    term::emit_into_string(&config(), map, &to_codespan(d)).unwrap_or_else(|e| {
        format!(
            "{}[{}]: {} ({e})\n",
            severity_word(d),
            d.code.id(),
            d.message
        )
    })
}

/// Renders diagnostics to a terminal stream, with colour if `color` says so.
pub fn emit(
    map: &SourceMap,
    diagnostics: &[Diagnostic],
    writer: &mut dyn term::termcolor::WriteColor,
) -> std::io::Result<()> {
    let config = config();
    let styles = term::Styles::default();
    for d in diagnostics {
        let mut w = term::StylesWriter::new(&mut *writer, &styles);
        if term::emit_to_write_style(&mut w, &config, map, &to_codespan(d)).is_err() {
            writeln!(writer, "{}", render(map, d))?;
        }
    }
    Ok(())
}

fn severity_word(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    start: u32,
    end: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: Severity,
    message: &'a str,
    primary: Option<JsonLabel<'a>>,
    secondary: Vec<JsonLabel<'a>>,
    notes: &'a [String],
    help: Option<&'a str>,
}

fn json_label<'a>(map: &'a SourceMap, span: Span, message: &'a str) -> JsonLabel<'a> {
    let file = map.get(span.file);
    let (line, column) = file.line_col(span.start as usize);
    let (end_line, end_column) = file.line_col(span.end as usize);
    JsonLabel {
        file: &file.name,
        line,
        column,
        end_line,
        end_column,
        start: span.start,
        end: span.end,
        message,
    }
}

/// One diagnostic as one line of JSON (`--format json`).
pub fn to_json_line(map: &SourceMap, d: &Diagnostic) -> String {
    let value = JsonDiagnostic {
        code: d.code.id(),
        severity: d.severity,
        message: &d.message,
        primary: d.span.map(|s| json_label(map, s, &d.label)),
        secondary: d
            .secondary
            .iter()
            .map(|l| json_label(map, l.span, &l.message))
            .collect(),
        notes: &d.notes,
        help: d.help.as_deref(),
    };
    serde_json::to_string(&value).expect("diagnostics serialize")
}

/// Suggests the closest candidate to a misspelt name, if one is close enough
/// (case ignored; a tie goes to the candidate that sorts first).
///
/// A file with many misspelt names asks this once per name, over every
/// name of the survey: an ASCII candidate (every variable name) costs no
/// allocation, and one whose length alone puts it out of reach costs no
/// more than lowercasing it.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).clamp(1, 3);
    // Names are ASCII as a rule: compared as bytes then (both must be).
    let ascii: Option<Vec<u8>> = name
        .is_ascii()
        .then(|| name.bytes().map(|b| b.to_ascii_lowercase()).collect());
    let chars = lowercase_chars(name, Vec::new());
    let (mut bytes_buf, mut chars_buf) = (Vec::new(), Vec::new());
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        // A worse distance than the best so far cannot win.
        let reach = best.map_or(limit, |(d, _)| d);
        let d = if let Some(ascii) = ascii.as_deref()
            && c.is_ascii()
        {
            bytes_buf.clear();
            bytes_buf.extend(c.bytes().map(|b| b.to_ascii_lowercase()));
            edit_distance_within(ascii, &bytes_buf, reach)
        } else {
            chars_buf = lowercase_chars(c, chars_buf);
            edit_distance_within(&chars, &chars_buf, reach)
        };
        if let Some(d) = d
            && best.is_none_or(|b| (d, c) < b)
        {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The characters of `s` in lower case, as `str::to_lowercase` has them,
/// in `buf`.
fn lowercase_chars(s: &str, mut buf: Vec<char>) -> Vec<char> {
    buf.clear();
    buf.extend(s.to_lowercase().chars());
    buf
}

/// The edit distance of `a` and `b`, counted in their elements (bytes or
/// characters), if it is at most `limit`, which must be at most 253 (the
/// table's cells are bytes): insertions, deletions, substitutions and
/// swaps of two neighbours (`lable` is one edit from `label`; the optimal
/// string alignment distance). Stops as soon as two rows of the table in a
/// row exceed `limit` (a swap reaches back two rows).
pub fn edit_distance_within<T: Copy + Eq>(a: &[T], b: &[T], limit: usize) -> Option<usize> {
    debug_assert!(limit <= 253, "limit {limit} over 253");
    let limit = limit.min(253);
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    // Cells hold at most `limit + 1`: a larger distance is only "too
    // far", and the table's minimum-plus-one steps keep every smaller
    // value exact.
    let cap = u8::try_from(limit + 1).expect("limit is at most 253");
    let sat = |n: usize| u8::try_from(n).map_or(cap, |n| n.min(cap));
    // Three rows of the table; short names (all variable names) on the stack.
    let width = b.len() + 1;
    let mut stack = [0u8; 3 * 64];
    let mut heap = Vec::new();
    let rows: &mut [u8] = if b.len() < 64 {
        &mut stack[..3 * width]
    } else {
        heap.resize(3 * width, 0);
        &mut heap
    };
    let (mut older, rest) = rows.split_at_mut(width);
    let (mut prev, mut cur) = rest.split_at_mut(width);
    for (j, p) in prev.iter_mut().enumerate() {
        *p = sat(j);
    }
    let mut prev_min = 0u8;
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = sat(i + 1);
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let mut v = (prev[j] + u8::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
            if i > 0 && j > 0 && ca == b[j - 1] && a[i - 1] == cb {
                v = v.min(older[j - 1] + 1);
            }
            let v = v.min(cap);
            cur[j + 1] = v;
            row_min = row_min.min(v);
        }
        if row_min > limit as u8 && prev_min > limit as u8 {
            return None;
        }
        prev_min = row_min;
        // The rows move up: `older` is reused for the next row.
        std::mem::swap(&mut older, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = usize::from(prev[b.len()]);
    (d <= limit).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let mut ids: Vec<_> = Code::ALL.iter().map(|c| c.id()).collect();
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len());
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("nat_prt", ["nat_part", "reg_part"]),
            Some("nat_part")
        );
        assert_eq!(did_you_mean("xyz", ["nat_part"]), None);
        // Case is ignored; a tie goes to the candidate that sorts first,
        // whatever their order.
        assert_eq!(
            did_you_mean("NAT_PRT", ["Reg_part", "Nat_part"]),
            Some("Nat_part")
        );
        assert_eq!(did_you_mean("q1", ["q3", "q2"]), Some("q2"));
        assert_eq!(did_you_mean("q1", ["q2", "q3"]), Some("q2"));
        assert_eq!(did_you_mean("ÄÖ_X", ["äö_y"]), Some("äö_y"));
        // Two neighbours swapped are one edit.
        assert_eq!(did_you_mean("lable", ["label", "list"]), Some("label"));
        assert_eq!(did_you_mean("wehn", ["when", "text"]), Some("when"));
        assert_eq!(edit_distance_within(b"ab", b"ba", 1), Some(1));
        assert_eq!(edit_distance_within(b"abc", b"ca", 3), Some(3));
        // Names longer than the table on the stack (64 cells a row).
        let long = "x".repeat(70);
        let near = format!("{}y", "x".repeat(69));
        assert_eq!(did_you_mean(&long, [near.as_str()]), Some(near.as_str()));
    }

    /// The optimal string alignment distance, the whole table: the
    /// reference.
    fn full_distance(a: &[char], b: &[char]) -> usize {
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let mut v = (d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]))
                    .min(d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        d[a.len()][b.len()]
    }

    proptest::proptest! {
        /// The bounded distance is the full table's when that is within
        /// the limit, and nothing otherwise; long strings take the heap.
        #[test]
        fn bounded_distance_agrees_with_the_table(
            a in "[abä_]{0,80}",
            b in "[abä_]{0,80}",
            limit in 0usize..5,
        ) {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let full = full_distance(&a, &b);
            proptest::prop_assert_eq!(
                edit_distance_within(&a, &b, limit),
                (full <= limit).then_some(full)
            );
            proptest::prop_assert_eq!(edit_distance_within(&a, &b, 253), Some(full));
            let (a, b) = (a.iter().map(|c| *c as u32).collect::<Vec<_>>(), b.iter().map(|c| *c as u32).collect::<Vec<_>>());
            proptest::prop_assert_eq!(edit_distance_within(&a, &b, 200), Some(full));
        }
    }
}
