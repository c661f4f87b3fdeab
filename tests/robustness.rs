//! Robustness: mutated real surveys never make the front end panic, and every
//! problem is reported with a span that lies inside its file and renders.
//!
//! The mutations start from the bundled surveys: truncation (on and off
//! character boundaries), deleted, duplicated and swapped lines, inserted
//! bytes, ASCII and Unicode (ä, ö, å, emoji), deeply nested conditions, and
//! unclosed `"` and `"""`. Case counts are kept modest so that `cargo test`
//! stays fast in debug builds.

use std::path::Path;

use lomake::check::{CheckOptions, Checked, check_file, check_source};
use lomake::diagnostics::{Code, Diagnostic, render};
use lomake::source::{FileId, MemoryLoader};
use lomake::syntax;
use proptest::prelude::*;
use proptest::sample::Index;

const S2023: &str = include_str!("../surveys/partnership-barometer-2023.survey");
const S2020: &str = include_str!("../surveys/partnership-barometer-2020.survey");
const MODULE: &str = include_str!("../surveys/common/barometer.survey");

const P2023: &str = "surveys/partnership-barometer-2023.survey";
const P2020: &str = "surveys/partnership-barometer-2020.survey";
const PMODULE: &str = "surveys/common/barometer.survey";

/// Which file of the project a case mutates; the others stay as they are.
#[derive(Clone, Copy, Debug)]
enum Target {
    Wave2023,
    Wave2020,
    /// The shared module, checked through the 2023 survey that uses it.
    Module,
}

impl Target {
    fn original(self) -> &'static str {
        match self {
            Target::Wave2023 => S2023,
            Target::Wave2020 => S2020,
            Target::Module => MODULE,
        }
    }

    fn entry(self) -> &'static str {
        match self {
            Target::Wave2020 => P2020,
            _ => P2023,
        }
    }
}

/// Checks the project with one file replaced by `bytes`.
fn check_project(target: Target, bytes: &[u8]) -> Checked {
    let mut loader = MemoryLoader::new();
    loader.add(P2023, S2023.as_bytes());
    loader.add(P2020, S2020.as_bytes());
    loader.add(PMODULE, MODULE.as_bytes());
    let path = match target {
        Target::Wave2023 => P2023,
        Target::Wave2020 => P2020,
        Target::Module => PMODULE,
    };
    loader.add(path, bytes.to_vec());
    check_file(&loader, Path::new(target.entry()), &CheckOptions::default())
        .expect("the entry file is in memory")
}

/// Every diagnostic is located inside its file, on character boundaries, and
/// renders (with its `file:line:column`) without panicking.
fn assert_well_located(checked: &Checked) {
    for d in &checked.diagnostics {
        let span = d
            .span
            .unwrap_or_else(|| panic!("diagnostic without a span: {d:?}"));
        let mut spans = vec![span];
        spans.extend(d.secondary.iter().map(|l| l.span));
        for s in spans {
            let file = checked.map.get(s.file);
            let (start, end, len) = (s.start as usize, s.end as usize, file.text.len());
            assert!(
                start <= end && end <= len,
                "span {start}..{end} outside 0..{len}: {d:?}"
            );
            assert!(
                file.text.is_char_boundary(start) && file.text.is_char_boundary(end),
                "span {start}..{end} not on character boundaries: {d:?}"
            );
        }
        let shown = render(&checked.map, d);
        let location = checked.map.location(span);
        assert!(
            shown.contains(&location),
            "rendering does not show {location}:\n{shown}"
        );
        assert!(shown.contains(d.code.id()), "{shown}");
    }
}

/// A result is either a survey or a reported problem: never silence.
fn assert_outcome(checked: &Checked) {
    if checked.survey.is_none() && !checked.is_module {
        assert!(
            checked.has_errors(),
            "no IR and no error: {:?}",
            checked.diagnostics
        );
    }
    if checked.has_errors() {
        assert!(checked.survey.is_none());
    }
}

/// Parsing reports or keeps every part of the text: when it reports nothing,
/// every non-blank character outside comments belongs to some item.
fn assert_parse_loses_nothing(text: &str) {
    let (tree, diagnostics) = syntax::parse(FileId(0), text);
    for d in &diagnostics {
        let s = d.span.expect("parse diagnostics have spans");
        assert!(s.start <= s.end && (s.end as usize) <= text.len(), "{d:?}");
        assert!(text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize));
    }
    if !diagnostics.is_empty() {
        return;
    }
    let mut covered = vec![false; text.len()];
    for span in tree
        .items
        .iter()
        .map(|i| i.span)
        .chain(tree.comments.iter().copied())
    {
        covered[span.range()].iter_mut().for_each(|c| *c = true);
    }
    for (i, ch) in text.char_indices() {
        assert!(
            ch.is_whitespace() || covered[i],
            "byte {i} ({ch:?}) silently dropped by the parser"
        );
    }
}

/// Runs every entry point on the bytes and checks the invariants.
fn exercise(target: Target, bytes: &[u8]) {
    exercise_with(target, bytes, false);
}

/// Like [`exercise`]; `alone` also checks the file without its modules.
fn exercise_with(target: Target, bytes: &[u8], alone: bool) {
    let checked = check_project(target, bytes);
    assert_well_located(&checked);
    assert_outcome(&checked);
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            assert_parse_loses_nothing(text);
            if alone && !matches!(target, Target::Module) {
                // On its own the file's `use` is missing: still no panic.
                let alone = check_source("alone.survey", text, &CheckOptions::default());
                assert_well_located(&alone);
                assert_outcome(&alone);
            }
        }
        Err(_) => {
            let located = checked
                .diagnostics
                .iter()
                .any(|d| d.code == Code::Unreadable && d.span.is_some());
            assert!(
                located,
                "non-UTF-8 input without E001: {:?}",
                checked.diagnostics
            );
        }
    }
}

// ------------------------------------------------------------- mutations

/// Snippets that stress the scanner, the grammar and the checker.
const SNIPPETS: &[&str] = &[
    "ä",
    "ö",
    "å",
    "Å",
    "🙂",
    "👩‍👩‍👧",
    "\"",
    "\"\"\"",
    "\\",
    "#",
    "(",
    ")",
    "{",
    "}",
    "{level}",
    "\n",
    "\r\n",
    "\t",
    " ",
    "\u{feff}",
    "\u{0}",
    "\u{a0}",
    "\u{2028}",
    "\u{200b}",
    "\r",
    "\n   \u{a0}x\n",
    "[[[[a](https://x.fi)](y)](z)",
    "section",
    "question",
    "end",
    "block",
    "insert level_block\n",
    "use \"common/barometer.survey\"\n",
    "use \"../../etc/passwd\"\n",
    "use \"partnership-barometer-2023.survey\"\n",
    "\nquestion q single\n",
    "\nquestion ä single\n  text\n    fi \"ä\"\n",
    "\nsection s\n",
    "\nend\n",
    "\nblock b(x)\n",
    "  when ",
    "  when nat_part = 1\n",
    "  when not nat_part = 1\n",
    "  when answered(",
    "  option 1\n",
    "  option 99999999999999999999999 missing\n",
    "  values 10..1\n",
    "  item a\n",
    "  label\n",
    "  fi \"",
    "    sv \"\"\"\n",
    " reviewed \"",
    "**",
    "*",
    "[x](javascript:alert(1))",
    "[",
    "](",
    "max 1e400",
    "min -99999999999999999999",
    "opens 2023-02-30",
];

#[derive(Clone, Debug)]
enum Mutation {
    /// Cut the file at a byte (maybe inside a character).
    Truncate(Index),
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    /// Raw bytes (maybe invalid UTF-8).
    InsertBytes(Index, Vec<u8>),
    /// A snippet at a character boundary.
    InsertSnippet(Index, Index),
    /// Random Unicode text at a character boundary.
    InsertText(Index, String),
    /// A condition nested `depth` parentheses (or `not`s) deep after a line.
    DeepCondition(Index, usize, bool),
    /// A `"` or `"""` that never closes, at a character boundary.
    Unclosed(Index, bool),
    /// Remove a byte range (maybe inside a character).
    DeleteRange(Index, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::Truncate),
        any::<Index>().prop_map(Mutation::DeleteLine),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<Index>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(a, b)| Mutation::InsertBytes(a, b)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::InsertSnippet(a, b)),
        (
            any::<Index>(),
            "[a-zåäöÅÄÖ \"(){}\\[\\]*#\\n🙂é€ñ\u{a0}\u{2028}\t]{1,12}"
        )
            .prop_map(|(a, s)| Mutation::InsertText(a, s)),
        (any::<Index>(), 1usize..80, any::<bool>())
            .prop_map(|(a, d, n)| Mutation::DeepCondition(a, d, n)),
        (any::<Index>(), any::<bool>()).prop_map(|(a, t)| Mutation::Unclosed(a, t)),
        (any::<Index>(), 1u8..40).prop_map(|(a, n)| Mutation::DeleteRange(a, n)),
    ]
}

/// Byte offsets where each line starts (and the end of the text).
fn line_bounds(bytes: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i + 1),
    );
    if *starts.last().expect("one") != bytes.len() {
        starts.push(bytes.len());
    }
    starts
}

fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    let b = line_bounds(bytes);
    b.windows(2).map(|w| bytes[w[0]..w[1]].to_vec()).collect()
}

/// The nearest character boundary at or before `at` (bytes may not be UTF-8).
fn boundary(bytes: &[u8], at: usize) -> usize {
    let mut at = at.min(bytes.len());
    while at > 0 && at < bytes.len() && (bytes[at] & 0b1100_0000) == 0b1000_0000 {
        at -= 1;
    }
    at
}

fn insert(bytes: &mut Vec<u8>, at: usize, what: &[u8]) {
    bytes.splice(at..at, what.iter().copied());
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len();
    match m {
        Mutation::Truncate(i) => bytes.truncate(i.index(len + 1)),
        Mutation::DeleteLine(i) => {
            let mut ls = lines(bytes);
            if !ls.is_empty() {
                ls.remove(i.index(ls.len()));
            }
            *bytes = ls.concat();
        }
        Mutation::DuplicateLine(i) => {
            let mut ls = lines(bytes);
            if !ls.is_empty() {
                let n = i.index(ls.len());
                let copy = ls[n].clone();
                ls.insert(n, copy);
            }
            *bytes = ls.concat();
        }
        Mutation::SwapLines(a, b) => {
            let mut ls = lines(bytes);
            if !ls.is_empty() {
                let (a, b) = (a.index(ls.len()), b.index(ls.len()));
                ls.swap(a, b);
            }
            *bytes = ls.concat();
        }
        Mutation::InsertBytes(i, b) => insert(bytes, i.index(len + 1), b),
        Mutation::InsertSnippet(i, s) => {
            let at = boundary(bytes, i.index(len + 1));
            let snippet = SNIPPETS[s.index(SNIPPETS.len())];
            insert(bytes, at, snippet.as_bytes());
        }
        Mutation::InsertText(i, s) => {
            let at = boundary(bytes, i.index(len + 1));
            insert(bytes, at, s.as_bytes());
        }
        Mutation::DeepCondition(i, depth, nots) => {
            let b = line_bounds(bytes);
            let at = b[i.index(b.len())];
            let cond = if *nots {
                format!("  when {}nat_part = 1\n", "not ".repeat(*depth))
            } else {
                format!(
                    "  when {}nat_part = 1{}\n",
                    "(".repeat(*depth),
                    ")".repeat(*depth)
                )
            };
            let cond = if at > 0 && bytes[at - 1] != b'\n' {
                format!("\n{cond}")
            } else {
                cond
            };
            insert(bytes, at, cond.as_bytes());
        }
        Mutation::Unclosed(i, triple) => {
            let at = boundary(bytes, i.index(len + 1));
            insert(bytes, at, if *triple { b"\"\"\"" } else { b"\"" });
        }
        Mutation::DeleteRange(i, n) => {
            let start = i.index(len + 1);
            let end = (start + *n as usize).min(len);
            bytes.drain(start..end);
        }
    }
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        3 => Just(Target::Wave2023),
        2 => Just(Target::Wave2020),
        2 => Just(Target::Module),
    ]
}

/// Cases per property: few by default (debug builds check a survey in about
/// a tenth of a second); `PROPTEST_CASES=5000 cargo test --release --test
/// robustness` for a long run.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(40),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_surveys_never_panic(
        target in target(),
        mutations in prop::collection::vec(mutation(), 1..4),
        alone in prop::bool::weighted(0.2),
    ) {
        let mut bytes = target.original().as_bytes().to_vec();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        exercise_with(target, &bytes, alone);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "[ -~äöåÄÖÅ🙂\n\t\"]{0,200}") {
        exercise(Target::Wave2023, text.as_bytes());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        exercise(Target::Wave2020, &bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(24),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn truncation_anywhere_is_reported(target in target(), at in any::<Index>()) {
        let original = target.original().as_bytes();
        let at = at.index(original.len());
        exercise(target, &original[..at]);
    }
}

// -------------------------------------------------------- fixed inputs

/// A file that cannot be read as text gets one located E001, not a panic.
fn assert_unreadable(bytes: &[u8]) {
    let mut loader = MemoryLoader::new();
    loader.add("s.survey", bytes.to_vec());
    let checked =
        check_file(&loader, Path::new("s.survey"), &CheckOptions::default()).expect("in memory");
    assert_well_located(&checked);
    let e001: Vec<&Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::Unreadable)
        .collect();
    assert_eq!(e001.len(), 1, "{:?}", checked.diagnostics);
    assert!(e001[0].span.is_some());
    assert!(checked.survey.is_none());
}

#[test]
fn unreadable_files_are_located() {
    assert_unreadable(b"");
    assert_unreadable(b"   \n\t\n");
    assert_unreadable(b"\0");
    assert_unreadable(b"survey s\0\n");
    assert_unreadable(b"\xff\xfe");
    assert_unreadable(b"survey s\n  title\n    fi \"\xe4\"\n");
    // A character cut in half at the end of the file.
    let mut cut = "survey ä".as_bytes().to_vec();
    cut.pop();
    assert_unreadable(&cut);
    // Latin-1 text, as some editors save it.
    assert_unreadable(b"survey s\n  title\n    fi \"P\xe4iv\xe4\"\n");
}

#[test]
fn unreadable_position_is_the_bad_byte() {
    let mut loader = MemoryLoader::new();
    loader.add(
        "s.survey",
        b"survey s\n  title\n    fi \"P\xe4iv\xe4\"\n".to_vec(),
    );
    let checked =
        check_file(&loader, Path::new("s.survey"), &CheckOptions::default()).expect("in memory");
    let d = &checked.diagnostics[0];
    assert_eq!(d.code, Code::Unreadable);
    assert_eq!(checked.map.location(d.span.expect("span")), "s.survey:3:10");
}

#[test]
fn a_bom_is_read_as_blank() {
    let text = format!("\u{feff}{S2020}");
    let checked = check_source("s.survey", &text, &CheckOptions::default());
    assert_well_located(&checked);
    assert!(
        checked
            .diagnostics
            .iter()
            .all(|d| d.code != Code::Syntax && d.code != Code::Unreadable),
        "{:?}",
        checked.diagnostics
    );
}

/// Columns of the first line are counted after a byte-order mark, as
/// editors show them: `@` is the 10th character of `survey st@ff`.
#[test]
fn a_bom_does_not_shift_columns() {
    let text = "\u{feff}survey st@ff\n";
    let checked = check_source("s.survey", text, &CheckOptions::default());
    let d = checked
        .diagnostics
        .iter()
        .find(|d| d.code == Code::Syntax)
        .expect("a syntax error");
    assert_eq!(checked.map.location(d.span.expect("span")), "s.survey:1:10");
    let shown = lomake::diagnostics::render(&checked.map, d);
    assert!(shown.contains("s.survey:1:10"), "{shown}");
    // Without the mark, the same column.
    let plain = check_source("s.survey", &text[3..], &CheckOptions::default());
    let d = &plain.diagnostics[0];
    assert_eq!(plain.map.location(d.span.expect("span")), "s.survey:1:10");
}

#[test]
fn long_chains_of_not_are_refused_not_overflowed() {
    for depth in [31usize, 33, 1_000, 100_000] {
        let text = S2020.replacen(
            "\nsection ",
            &format!(
                "\nquestion deep single\n  when {}nat_part = 1\n\nsection ",
                "not ".repeat(depth)
            ),
            1,
        );
        let checked = check_source("s.survey", &text, &CheckOptions::default());
        assert_well_located(&checked);
        assert!(checked.has_errors());
        if depth > syntax::parse::MAX_NESTING {
            assert!(
                checked.diagnostics.iter().any(|d| d.code == Code::TooDeep),
                "{depth}: {:?}",
                checked.diagnostics
            );
        }
    }
}

#[test]
fn nesting_at_the_limit_is_accepted() {
    let depth = syntax::parse::MAX_NESTING;
    let src = format!(
        "question q single\n  when {}a = 1{}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let (_, d) = syntax::parse(FileId(0), &src);
    assert!(d.is_empty(), "{d:?}");
    let src = format!(
        "question q single\n  when {}a = 1{}\n",
        "(".repeat(depth + 1),
        ")".repeat(depth + 1)
    );
    let (_, d) = syntax::parse(FileId(0), &src);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, Code::TooDeep);
}

#[test]
fn deeply_nested_input_everywhere() {
    for depth in [10usize, 40, 10_000] {
        for text in [
            format!("question q single\n  when {}", "(".repeat(depth)),
            format!("question q single\n  when {}a = 1", "not (".repeat(depth)),
            format!("question q single\n  when {}", ")".repeat(depth)),
            format!("survey {}", "(".repeat(depth)),
            format!(
                "question q single\n  text\n    fi \"{}\"\n",
                "(".repeat(depth)
            ),
            format!(
                "question q single\n  text\n    fi \"{}\"\n",
                "[".repeat(depth)
            ),
            format!(
                "question q single\n  text\n    fi \"{}\"\n",
                "*".repeat(depth)
            ),
            format!(
                "question q single\n  when a in {{{}}}\n",
                "1,".repeat(depth)
            ),
            "{".repeat(depth),
        ] {
            let checked = check_source("s.survey", &text, &CheckOptions::default());
            assert_well_located(&checked);
            assert_outcome(&checked);
            assert_parse_loses_nothing(&text);
        }
    }
}

#[test]
fn unclosed_strings_everywhere() {
    let quote_lines: Vec<String> = S2023
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("fi \"") && !l.contains("\"\"\"") {
                l.trim_end_matches('"').to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    let text = quote_lines.join("\n");
    let checked = check_project(Target::Wave2023, text.as_bytes());
    assert_well_located(&checked);
    assert!(checked.has_errors());
    exercise(Target::Wave2023, text.as_bytes());

    // Every `"""` opening a text, left open one at a time.
    let opens: Vec<usize> = S2020.match_indices("\"\"\"\n").map(|(i, _)| i).collect();
    for (n, &at) in opens.iter().enumerate().step_by(2).take(6) {
        let mut text = S2020.to_string();
        // Remove the closing delimiter of this text.
        let close = opens[n + 1];
        text.replace_range(close..close + 3, "   ");
        let _ = at;
        let checked = check_project(Target::Wave2020, text.as_bytes());
        assert_well_located(&checked);
        assert!(
            checked
                .diagnostics
                .iter()
                .any(|d| d.code == Code::UnclosedText),
            "{:?}",
            checked.diagnostics
        );
        exercise(Target::Wave2020, text.as_bytes());
    }
}

#[test]
fn the_bundled_surveys_check_clean() {
    for target in [Target::Wave2023, Target::Wave2020] {
        let checked = check_project(target, target.original().as_bytes());
        assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
        assert!(checked.survey.is_some());
        assert_parse_loses_nothing(target.original());
    }
}

// ------------------------------------------------- non-ASCII positions

/// A small clean survey; each test breaks one line of it.
const SMALL: &str = "\
survey pieni
  version \"1\"
  languages fi sv en
  title
    fi \"Kysely\"
    sv \"Enkät\"
    en \"Survey\"

section osa
  title
    fi \"Osa\"
    sv \"Del\"
    en \"Part\"

question q single
  label
    fi \"Vointi\"
    sv \"Mående\"
    en \"Mood\"
  text
    fi \"Mitä kuuluu? 🙂\"
    sv \"Hur mår du?\"
    en \"How are you?\"
  option 1
    fi \"Hyvää\"
    sv \"Bra\"
    en \"Fine\"

question r single
  label
    fi \"Ärsyke\"
    sv \"Retning\"
    en \"Stimulus\"
  text
    fi \"Ä\"
    sv \"Å\"
    en \"Ö\"
  option 1
    fi \"Kyllä\"
    sv \"Ja\"
    en \"Yes\"
";

/// Checks `text` and returns each diagnostic's code, `file:line:col`, and
/// its rendering.
fn located(text: &str) -> Vec<(Code, String, String)> {
    let checked = check_source("pieni.survey", text, &CheckOptions::default());
    assert_well_located(&checked);
    checked
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code,
                checked.map.location(d.span.expect("located")),
                render(&checked.map, d),
            )
        })
        .collect()
}

/// The one diagnostic of `text`: its code and where `render` puts it.
fn only(text: &str) -> (Code, String, String) {
    let mut all = located(text);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

#[test]
fn the_small_survey_is_clean() {
    assert!(located(SMALL).is_empty());
}

#[test]
fn syntax_error_after_umlauts_and_emoji() {
    // Line 21: `    fi "Mitä kuuluu? 🙂" ?`; the `?` is character 25.
    let text = SMALL.replace("\"Mitä kuuluu? 🙂\"", "\"Mitä kuuluu? 🙂\" ?");
    let (code, at, shown) = only(&text);
    assert_eq!(code, Code::Syntax);
    assert_eq!(at, "pieni.survey:21:25");
    assert!(shown.contains("┌─ pieni.survey:21:25"), "{shown}");
    assert!(shown.contains("found `?`"), "{shown}");
    // The caret sits under the `?`, counted in characters.
    let caret_line = shown
        .lines()
        .skip_while(|l| !l.contains("Mitä kuuluu"))
        .nth(1)
        .expect("caret line");
    let source_line = shown
        .lines()
        .find(|l| l.contains("Mitä kuuluu"))
        .expect("source line");
    let source_col = source_line[..source_line.rfind('?').expect("?")]
        .chars()
        .count();
    let caret_col = caret_line.chars().position(|c| c == '^').expect("^");
    // The emoji is one character but two columns wide on a terminal;
    // codespan pads for display width, so the caret may be one further.
    assert!(
        caret_col == source_col || caret_col == source_col + 1,
        "caret at {caret_col}, `?` at {source_col}:\n{shown}"
    );
}

#[test]
fn unknown_word_after_a_comment_ending_in_emoji() {
    // Found by the `fmt` fuzz target: the help for a misspelt property looked
    // at the word before it, and sliced into the emoji ending the comment.
    let (code, at, _) = only("survey s\n  version \"1\"\n  # 😀\n  bogus\n");
    assert_eq!(code, Code::Syntax);
    assert_eq!(at, "pieni.survey:4:3");
}

#[test]
fn unknown_language_after_emoji() {
    // Line 36: `    sv "Å" xx "å"`: the `xx` is character 12.
    let text = SMALL.replace("    sv \"Å\"\n", "    sv \"Å\" xx \"å\"\n");
    let (code, at, shown) = only(&text);
    assert_eq!(code, Code::UnknownLanguage);
    assert_eq!(at, "pieni.survey:36:12");
    assert!(shown.contains("pieni.survey:36:12"), "{shown}");
}

#[test]
fn condition_names_after_non_ascii() {
    // Line 30: `  when åå = 1 or nope = 2`: `åå` at 8 and `nope` at 18.
    let text = SMALL.replace(
        "question r single\n",
        "question r single\n  when åå = 1 or nope = 2\n",
    );
    let all = located(&text);
    let places: Vec<&str> = all.iter().map(|(_, at, _)| at.as_str()).collect();
    assert!(places.contains(&"pieni.survey:30:8"), "{all:#?}");
    assert!(places.contains(&"pieni.survey:30:18"), "{all:#?}");
    for (_, at, shown) in &all {
        assert!(shown.contains(at.as_str()), "{shown}");
    }
}

#[test]
fn unclosed_string_after_a_family_emoji() {
    // Line 37: `    en "👩‍👩‍👧 ok" fi "unclosed`: the emoji is five characters
    // (three people joined by two zero-width joiners), so `fi` is at 19 and
    // the open string at 22.
    let text = SMALL.replace("    en \"Ö\"\n", "    en \"👩‍👩‍👧 ok\" fi \"unclosed\n");
    let (code, at, shown) = only(&text);
    assert_eq!(code, Code::Syntax);
    assert_eq!(at, "pieni.survey:37:22");
    assert!(shown.contains("pieni.survey:37:22"), "{shown}");
    assert!(shown.contains("must end on the line"), "{shown}");
}

#[test]
fn invalid_name_with_umlaut() {
    // Line 29: `question ärsyke single`: the name starts at character 10.
    let text = SMALL.replace("question r single", "question ärsyke single");
    let all = located(&text);
    let (code, at, shown) = &all[0];
    assert_eq!(*code, Code::InvalidName, "{all:#?}");
    assert_eq!(at, "pieni.survey:29:10");
    assert!(shown.contains("try `arsyke`"), "{shown}");
}

#[test]
fn json_columns_count_characters() {
    let text = SMALL.replace("    sv \"Å\"\n", "    sv \"Å\" xx \"å\"\n");
    let checked = check_source("pieni.survey", &text, &CheckOptions::default());
    let line = lomake::diagnostics::to_json_line(&checked.map, &checked.diagnostics[0]);
    let v: serde_json::Value = serde_json::from_str(&line).expect("json");
    assert_eq!(v["primary"]["line"], 36);
    assert_eq!(v["primary"]["column"], 12);
    assert_eq!(v["primary"]["end_column"], 14);
}

// ------------------------------------------------ synthetic surveys

#[path = "../benches/synth/mod.rs"]
mod synth;

#[test]
fn synthetic_surveys_check_clean() {
    for n in [1, 20, 21, 137] {
        let text = synth::survey(n);
        let checked = check_source("synthetic.survey", &text, &CheckOptions::default());
        let shown: Vec<String> = checked
            .diagnostics
            .iter()
            .map(|d| render(&checked.map, d))
            .collect();
        assert!(shown.is_empty(), "{n} questions:\n{}", shown.join(""));
        let survey = checked.survey.expect("IR");
        let conditions = survey
            .sections
            .iter()
            .flat_map(|s| &s.elements)
            .filter(|e| e.condition.is_some())
            .count();
        assert_eq!(conditions, n.saturating_sub(4) / 10, "{n}");
    }
}

#[test]
fn pathological_inputs_are_handled() {
    for (name, text) in synth::pathological(20_000, syntax::parse::MAX_NESTING) {
        let checked = check_source("p.survey", &text, &CheckOptions::default());
        assert_well_located(&checked);
        assert_outcome(&checked);
        match name {
            "deep_nesting" | "long_line" | "late_shared_scale" => {
                assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics)
            }
            "brackets_line" => {} // pairs of `*` are emphasis: may well be clean
            _ => assert!(checked.has_errors(), "{name}"),
        }
    }
}

/// Found by the fuzzer: a syntax error at the end of an item whose last
/// character is `ä` was located by byte, inside the letter (a panic).
#[test]
fn fuzz_regression_error_after_a_two_byte_letter() {
    let bytes = include_bytes!("fixtures/fuzz/syntax-error-after-a-two-byte-letter.survey");
    exercise(Target::Wave2023, bytes);
    // The smallest form of it.
    exercise(
        Target::Wave2023,
        "survey s\n  title\n    sv \"shamä".as_bytes(),
    );
    exercise(Target::Wave2023, "survey s\n  version ä".as_bytes());
}
