//! The hand-written item parser (`syntax::fast`) against pest, the
//! specification: whenever the fast parser returns a tree, pest must read the
//! same chunk to the identical tree (spans included). The fast path must also
//! really be taken: it reads every item of the bundled and synthetic surveys.
//!
//! Inputs: every item chunk of the bundled surveys, of all fixtures and of
//! synthetic surveys, hand-written corner cases of the grammar, and
//! proptest-mutated chunks (truncation, deleted and duplicated characters and
//! lines, inserted keywords, quotes, parentheses, `ä` and emoji).

use std::path::{Path, PathBuf};

use lomake::source::FileId;
use lomake::syntax::{fast, parse};
use proptest::prelude::*;
use proptest::sample::Index;

#[path = "../benches/synth/mod.rs"]
mod synth;

/// What the two parsers made of one chunk.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Both read it, to the same tree.
    Both,
    /// Only pest read it (the fast parser was not sure).
    PestOnly,
    /// Neither read it.
    Neither,
    /// `parse` refuses it as nested too deep before either parser runs (and
    /// the fast parser refuses it too).
    TooDeep,
}

/// Compares the parsers on one chunk at offset `base`; panics if the fast
/// parser gives a tree that pest does not give.
fn compare(base: usize, chunk: &str) -> Outcome {
    let fast = fast::parse_item(FileId(3), base, chunk);
    if parse::is_too_deep(chunk) {
        // `parse` only asks whether a chunk is too deep when the fast parser
        // refuses it.
        assert!(
            fast.is_none(),
            "the fast parser read a chunk nested too deep: {chunk:?}"
        );
        return Outcome::TooDeep;
    }
    let pest = parse::parse_item_with_pest(FileId(3), base, chunk);
    match (fast, pest) {
        (Some(f), Some(p)) => {
            let (f, p) = (format!("{f:#?}"), format!("{p:#?}"));
            assert!(
                f == p,
                "the parsers disagree on {chunk:?}:\n{}",
                first_difference(&f, &p)
            );
            Outcome::Both
        }
        (Some(f), None) => panic!("the fast parser read what pest refuses: {chunk:?}\n{f:#?}"),
        (None, Some(_)) => Outcome::PestOnly,
        (None, None) => Outcome::Neither,
    }
}

fn first_difference(f: &str, p: &str) -> String {
    for (i, (a, b)) in f.lines().zip(p.lines()).enumerate() {
        if a != b {
            return format!("line {i}: fast `{a}`, pest `{b}`");
        }
    }
    format!(
        "lengths differ: fast {} lines, pest {}",
        f.lines().count(),
        p.lines().count()
    )
}

/// Compares every item chunk of a file; returns the outcomes.
fn compare_file(text: &str) -> Vec<Outcome> {
    parse::item_chunks(text)
        .into_iter()
        .map(|(s, e)| compare(s, &text[s..e]))
        .collect()
}

fn survey_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            survey_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "survey") {
            out.push(path);
        }
    }
}

fn files_under(dir: &str) -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    survey_files(Path::new(dir), &mut paths);
    paths
        .into_iter()
        .filter_map(|p| {
            // Some fixtures are not UTF-8 on purpose (E001).
            let text = String::from_utf8(std::fs::read(&p).unwrap()).ok()?;
            Some((p, text))
        })
        .collect()
}

#[test]
fn bundled_surveys_take_the_fast_path() {
    let files = files_under("surveys");
    assert!(files.len() >= 3);
    let mut items = 0;
    for (path, text) in &files {
        for (i, o) in compare_file(text).into_iter().enumerate() {
            assert_eq!(o, Outcome::Both, "{}: item {i}", path.display());
            items += 1;
        }
    }
    assert!(items > 60, "{items} items");
}

#[test]
fn synthetic_surveys_take_the_fast_path() {
    for n in [1, 10, 137] {
        let text = synth::survey(n);
        let outcomes = compare_file(&text);
        assert!(outcomes.len() > n);
        assert!(outcomes.iter().all(|o| *o == Outcome::Both), "survey({n})");
    }
}

#[test]
fn pathological_inputs_agree() {
    for (name, text) in synth::pathological(20_000, parse::MAX_NESTING) {
        let outcomes = compare_file(&text);
        // The well-formed ones are read by the fast parser too.
        if matches!(
            name,
            "deep_nesting" | "long_line" | "only_comments" | "late_shared_scale"
        ) {
            assert!(outcomes.iter().all(|o| *o == Outcome::Both), "{name}");
        }
    }
}

/// Every fixture chunk that pest reads, the fast parser reads the same way;
/// and every chunk it refuses, pest refuses too (fixtures include broken items).
#[test]
fn fixtures_agree() {
    let mut counts = [0usize; 4];
    for (path, text) in files_under("tests/fixtures") {
        for o in compare_file(&text) {
            assert_ne!(o, Outcome::PestOnly, "{}", path.display());
            counts[o as usize] += 1;
        }
    }
    assert!(counts[0] > 200, "{counts:?}");
    assert!(counts[2] > 0, "{counts:?}");
}

/// Corner cases of the grammar, each read by both parsers to the same tree
/// (`true`) or refused by both (`false`).
#[test]
fn corner_cases() {
    let cases: &[(&str, bool)] = &[
        // Items without properties end after the whitespace and comments
        // that follow them; items with properties end at the last one.
        ("survey s\n  # c\n\n", true),
        ("section s", true),
        ("introduction\n", true),
        ("introduction\n  title fi \"x\"  # c\n  \n", true),
        ("end\n\n", true),
        ("end # c\n", true),
        ("use \"common/x.survey\"  \n", true),
        ("block b\n", true),
        ("block b(x, y)\n", true),
        ("block b ( x , y ) # c\n", true),
        ("block b()\n", true),
        ("block b(x,)\n", false),
        ("scale s ordinal\n  option 1 fi \"a\"\n", true),
        ("list l\n", true),
        ("list l nominalx\n", false),
        ("hidden lang language\n  label fi \"L\"\n", true),
        ("hidden lang languages\n", false),
        ("question q single regions\n  label fi \"x\"\n", true),
        ("question q single label\n  fi \"x\"\n", true),
        (
            "question q single\n  label fi \"x\" reviewed \"2024\"\n",
            true,
        ),
        (
            "question q single\n  label fi \"x\"\n    reviewed \"2024\"  \n",
            true,
        ),
        ("question q single\n  label fi \"x\" reviewed\n", false),
        (
            "question q text\n  text en \"\"\"\n    a \"quoted\" text\n    \"\"\"\n",
            true,
        ),
        ("question q text\n  text en \"\"\"\"x\"\"\"\n", true),
        ("question q text\n  text en \"\"\"x\n", false),
        (
            "question q text\n  text en \"\"\"a \\\"\"\" b\"\"\"\n",
            true,
        ),
        ("question q text\n  text en \"\"\"a \\\\\"\"\"\n", true),
        ("question q text\n  text en \"\"\"a \\\"\"\"\n", false),
        ("question q text\n  text en \"a\\\"b\\\\\"\n", true),
        ("question q text\n  text en \"a\\\n\"\n", false),
        (
            "question q text\n  text en-GB \"x\" sv-fi-1 \"y\" zh-Hant \"z\"\n",
            true,
        ),
        ("question q text\n  text en- \"x\"\n", false),
        ("question q text\n  text en1 \"x\"\n", false),
        ("question q text\n  label title \"x\"\n", true),
        ("question q text\n  label\n  title fi \"x\"\n", true),
        ("question q text\n  label version \"x\"\n", true),
        (
            "question q grid\n  item a fi \"A\" label fi \"la\"\n  item b\n",
            true,
        ),
        ("question q grid\n  item a label\n", true),
        ("question q grid\n  item a label \"x\"\n", true),
        (
            "question q single\n  option 1 missing exclusive fi \"x\"\n",
            true,
        ),
        ("question q single\n  option -2 other\n", true),
        ("question q single\n  option 1 missing \"x\"\n", false),
        (
            "question q single\n  option 99999999999999999999999 fi \"x\"\n",
            true,
        ),
        ("question q scale\n  values 1..10\n  values -1 .. 3\n", true),
        (
            "question q integer\n  min -5\n  max 10.25\n  decimals 2\n",
            true,
        ),
        ("question q integer\n  minlength 1 maxlength 9\n", true),
        ("question q integer\n  min 1.\n", false),
        ("survey s\n  opens 2024-01-08 closes 2024-02-29\n", true),
        ("survey s\n  opens 2024-1-08\n", false),
        ("survey s\n  languages fi\n", true),
        ("survey s\n  languages fi sv en-GB\n  version \"1\"\n", true),
        ("survey s\n  languages fi title fi \"x\"\n", true),
        ("survey s\n  languages\n", false),
        (
            "question q text\n  indirectly identifying\n  required dropdown\n",
            true,
        ),
        ("question q text\n  indirectly # c\n identifying\n", true),
        ("question q text\n  indirectly\n", false),
        ("question q text\n  continues b_2020.q_1.x\n", true),
        ("question q text\n  continues b.\n", false),
        ("question {p}_x single\n  label fi \"{p}\"\n", true),
        ("question a{p}b{q} single\n", true),
        ("question {1} single\n", false),
        ("question q_{p single\n", false),
        ("question ä single\n", true),
        ("question qä1 single\n", true),
        ("question q١ single\n", true),
        ("question q\u{301} single\n", false),
        ("question 😀 single\n", false),
        ("question q single\n  label fi \"😀 ä\"\n", true),
        ("questionä q single\n", false),
        ("question q singles\n", false),
        ("question q single\u{00e4}\n", false),
        (
            "insert b level municipal\n  label fi \"x\"\n  when a = 1\n",
            true,
        ),
        (
            "insert b\n  topic fi \"x\" sv \"y\"\n  other fi \"z\" reviewed \"r\"\n",
            true,
        ),
        ("insert b title\n", true),
        ("insert b x\n", false),
        ("insert b x y z\n", false),
        ("display d\n  when a = 1 or b = 2 and not c != 3\n", true),
        (
            "display d\n  when not not (a = 1 or answered(b) )\n  label fi \"x\"\n",
            true,
        ),
        ("display d\n  when ((a = 1))\n", true),
        (
            "display d\n  when a in {1, \"x\", b, -2.5} and c includes 2\n",
            true,
        ),
        ("display d\n  when a in { 1 }\n", true),
        ("display d\n  when a in {}\n", false),
        ("display d\n  when answered = 1\n", true),
        ("display d\n  when substantive (x)\n", true),
        ("display d\n  when not = 1\n", false),
        ("display d\n  when nota = 1\n", true),
        (
            "display d\n  when a <= 1 and b >= 2 and c < 3 and d > 4 and e != \"x\"\n",
            true,
        ),
        ("display d\n  when a = 1 or\n", false),
        ("display d\n  when a = 1 and\n", false),
        ("display d\n  when a = 1 # c\n  or b = 2 # d\n", true),
        ("display d\n  when in in {in}\n", true),
        ("display d\n  when a = {p}\n", true),
        ("display d\n  when a = 1x\n", false),
        ("display d\n  when (a = 1\n", false),
        ("display d\n  when\n", false),
        ("display d\r\n  label\r\n    fi \"x\"\r\n", true),
        (
            "display d\n  label\n    fi \"x\"\n  # trailing comment",
            true,
        ),
        ("display d\n  label fi \"x\"\n  unknown\n", false),
        ("display d\n  label fi \"x\r\"\n", false),
        ("display d\n  version \"1\"\n", true),
        ("display d\n  note\n  help\n  intro\n  unit\n", true),
        ("", false),
        ("  \n", false),
        ("nothing\n", false),
    ];
    let mut wrong = Vec::new();
    for (i, (chunk, ok)) in cases.iter().enumerate() {
        let expected = if *ok { Outcome::Both } else { Outcome::Neither };
        let got = compare(100 * i, chunk);
        if got != expected {
            wrong.push(format!("case {i} {chunk:?}: {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Deep parentheses: at the limit the fast parser reads them; beyond it, it
/// leaves the chunk to pest (and `parse` refuses it before either runs).
#[test]
fn nesting() {
    let n = parse::MAX_NESTING;
    let at_limit = format!(
        "display d\n  when {}a = 1{}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    assert_eq!(compare(0, &at_limit), Outcome::Both);
    let beyond = format!(
        "display d\n  when {}a = 1{}\n",
        "(".repeat(n + 1),
        ")".repeat(n + 1)
    );
    assert!(fast::parse_item(FileId(0), 0, &beyond).is_none());
    let hostile = format!("display d\n  when {}\n", "(".repeat(100_000));
    assert!(fast::parse_item(FileId(0), 0, &hostile).is_none());
}

/// `not`s nest like parentheses. The fast parser bounds the nesting by the
/// open parentheses plus every `not` word it has read (in conditions, names,
/// language codes and placeholders), so it reads nothing `parse` refuses as
/// too deep; it leaves some chunks that are not too deep to pest.
#[test]
fn nesting_with_nots() {
    let n = parse::MAX_NESTING;
    let when = |nots: usize, parens: usize| {
        format!(
            "display d\n  when {}{}a = 1{}\n",
            "not ".repeat(nots),
            "(".repeat(parens),
            ")".repeat(parens)
        )
    };
    let interleaved = |k: usize| {
        format!(
            "display d\n  when {}a = 1{}\n",
            "not (".repeat(k),
            ")".repeat(k)
        )
    };
    let block = |k: usize| format!("block b({})\n", vec!["not"; k].join(", "));
    let langs = |k: usize| format!("display d\n  label{}\n", " not \"x\"".repeat(k));
    let placeholders = |k: usize| format!("question a{} single\n", "{not}".repeat(k));
    let call = |parens: usize| {
        format!(
            "display d\n  when {}answered(not){}\n",
            "(".repeat(parens),
            ")".repeat(parens)
        )
    };
    let cases: Vec<(String, Outcome)> = vec![
        (when(n, 0), Outcome::Both),
        (when(n + 1, 0), Outcome::TooDeep),
        (when(n / 2, n / 2), Outcome::Both),
        (when(n / 2 + 1, n / 2), Outcome::TooDeep),
        (when(n / 2, n / 2 + 1), Outcome::TooDeep),
        (when(0, n + 1), Outcome::TooDeep),
        (interleaved(n / 2), Outcome::Both),
        (interleaved(n / 2 + 1), Outcome::TooDeep),
        // Inside the parentheses of block parameters and calls.
        (block(n - 1), Outcome::Both),
        (block(n), Outcome::TooDeep),
        (call(n - 2), Outcome::Both),
        (call(n - 1), Outcome::TooDeep),
        // Language codes and placeholders are words too.
        (langs(n), Outcome::Both),
        (langs(n + 1), Outcome::TooDeep),
        (placeholders(n), Outcome::Both),
        (placeholders(n + 1), Outcome::TooDeep),
        // Other words end a run of `not`s: not too deep, but beyond what
        // the fast parser counts.
        (
            format!(
                "display d\n  when {}a = 1\n",
                "not a = 1 and ".repeat(n + 1)
            ),
            Outcome::PestOnly,
        ),
        (
            format!(
                "display d\n  label{}\n",
                " not \"x\" fi \"y\"".repeat(n + 1)
            ),
            Outcome::PestOnly,
        ),
        // `not` inside longer words is no `not`.
        (
            format!(
                "display d\n  when {}a = 1\n",
                "nota = 1 and not_b = 2 and c{not_} = 3 and ".repeat(n)
            ),
            Outcome::Both,
        ),
        // Strings and comments are not counted.
        (
            format!(
                "display d\n  when a = \"{}\" # {}\n  label fi \"\"\"{}\"\"\"\n",
                "not (".repeat(n + 1),
                "not (".repeat(n + 1),
                "not (".repeat(n + 1)
            ),
            Outcome::Both,
        ),
    ];
    for (i, (chunk, expected)) in cases.iter().enumerate() {
        assert_eq!(compare(0, chunk), *expected, "case {i}: {chunk:?}");
    }
    // And `parse` reads or refuses them as before.
    for (chunk, expected) in &cases {
        let (f, d) = parse::parse(FileId(0), chunk);
        if *expected == Outcome::TooDeep {
            assert_eq!(d.len(), 1, "{chunk:?}");
            assert_eq!(d[0].code, lomake::diagnostics::Code::TooDeep);
            assert!(f.items.is_empty());
        } else {
            assert!(d.is_empty(), "{chunk:?}: {d:?}");
            assert_eq!(f.items.len(), 1);
        }
    }
}

/// Single-character deletions at every position of some real items.
#[test]
fn every_deletion_agrees() {
    let text = include_str!("../surveys/partnership-barometer-2023.survey");
    let chunks = parse::item_chunks(text);
    for &(s, e) in chunks.iter().step_by(chunks.len() / 12 + 1) {
        let chunk = &text[s..e];
        for (i, c) in chunk.char_indices() {
            let mut m = chunk.to_string();
            m.replace_range(i..i + c.len_utf8(), "");
            compare(s, &m);
        }
    }
}

// ---------------------------------------------------------------- mutations

const SOURCES: [&str; 3] = [
    include_str!("../surveys/partnership-barometer-2023.survey"),
    include_str!("../surveys/partnership-barometer-2020.survey"),
    include_str!("../surveys/common/barometer.survey"),
];

const INSERTS: &[&str] = &[
    "survey",
    "question",
    "section",
    "end",
    "block",
    "insert",
    "option",
    "item",
    "label",
    "when",
    "not",
    "and",
    "or",
    "in",
    "includes",
    "answered",
    "reviewed",
    "version",
    "languages",
    "values",
    "indirectly",
    "identifying",
    "missing",
    "other",
    "single",
    "grid",
    "scale",
    "language",
    "continues",
    "min",
    "opens",
    "\"",
    "\"\"\"",
    "\\",
    "(",
    ")",
    "{",
    "}",
    "{p}",
    ",",
    "..",
    ".",
    "-",
    "=",
    "!=",
    "<=",
    "ä",
    "😀",
    "\u{301}",
    "١",
    "#",
    "\n",
    " ",
    "\t",
    "\r",
    "fi",
    "sv \"x\"",
    "1",
    "2024-01-01",
    "_",
];

const CONDITION_LEAVES: &[&str] = &[
    "a = 1",
    "a = 1",
    "answered(b)",
    "substantive (b)",
    "b in {1, c}",
    "c != \"not (\"",
    "not_a = 2 # not (\n",
    "nota includes 1",
    "answered(not)",
    "x{not} in {not, 1}",
];

const CONDITION_PIECES: &[&str] = &[
    "(",
    "(",
    "(",
    ")",
    ")",
    "not ",
    "not ",
    "not ",
    "not",
    "a = 1",
    " and ",
    " or ",
    "answered(not)",
    "b in {1, not}",
    " ",
    "\n",
    "# not (\n",
    "\"not (\"",
    "x{not}",
];

#[derive(Clone, Debug)]
enum Mutation {
    Truncate(Index),
    DeleteChar(Index),
    DuplicateChar(Index),
    DeleteLine(Index),
    DuplicateLine(Index),
    Insert(Index, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::Truncate),
        any::<Index>().prop_map(Mutation::DeleteChar),
        any::<Index>().prop_map(Mutation::DuplicateChar),
        any::<Index>().prop_map(Mutation::DeleteLine),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        (any::<Index>(), proptest::sample::select(INSERTS))
            .prop_map(|(i, s)| Mutation::Insert(i, s)),
    ]
}

/// The byte offset of a character boundary chosen by `i` (the end included).
fn boundary(text: &str, i: &Index) -> usize {
    let mut at = i.index(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &mut String, m: &Mutation) {
    match m {
        Mutation::Truncate(i) => text.truncate(boundary(text, i)),
        Mutation::DeleteChar(i) | Mutation::DuplicateChar(i) => {
            let at = boundary(text, i);
            if let Some(c) = text[at..].chars().next() {
                if matches!(m, Mutation::DeleteChar(_)) {
                    text.replace_range(at..at + c.len_utf8(), "");
                } else {
                    text.insert(at, c);
                }
            }
        }
        Mutation::DeleteLine(i) | Mutation::DuplicateLine(i) => {
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            if lines.is_empty() {
                return;
            }
            let k = i.index(lines.len());
            let mut out = String::new();
            for (j, l) in lines.iter().enumerate() {
                if j != k || matches!(m, Mutation::DuplicateLine(_)) {
                    out.push_str(l);
                }
                if j == k && matches!(m, Mutation::DuplicateLine(_)) {
                    out.push_str(l);
                }
            }
            *text = out;
        }
        Mutation::Insert(i, s) => {
            let at = boundary(text, i);
            text.insert_str(at, s);
        }
    }
}

proptest! {
    // 300 cases keep `cargo test` quick in debug builds; run more with
    // `PROPTEST_CASES=20000 cargo test --release --test fast_parser`.
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(300), ..ProptestConfig::default() })]

    /// A mutated item chunk: the fast parser's tree, if any, is pest's.
    #[test]
    fn mutated_chunks_agree(
        source in 0..SOURCES.len(),
        which in any::<Index>(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let text = SOURCES[source];
        let chunks = parse::item_chunks(text);
        let (s, e) = chunks[which.index(chunks.len())];
        let mut chunk = text[s..e].to_string();
        for m in &mutations {
            apply(&mut chunk, m);
        }
        compare(s, &chunk);
    }

    /// Well-formed conditions of any depth, made of parentheses, `not`s and
    /// other words: whatever the nesting, the fast parser reads them as pest
    /// does, or leaves them to `parse`'s depth check.
    #[test]
    fn generated_conditions_agree(
        first in proptest::sample::select(CONDITION_LEAVES),
        steps in proptest::collection::vec(
            (0..6usize, proptest::sample::select(CONDITION_LEAVES)), 1..120),
    ) {
        let mut e = first.to_string();
        for (op, leaf) in steps {
            e = match op {
                0 | 1 => format!("not {e}"),
                2 | 3 => format!("({e})"),
                4 => format!("{e} and {leaf}"),
                _ => format!("{leaf} or {e}"),
            };
        }
        compare(0, &format!("display d\n  when {e}\n"));
    }

    /// The same with arbitrary pieces (mostly conditions that do not parse).
    #[test]
    fn generated_pieces_agree(
        pieces in proptest::collection::vec(proptest::sample::select(CONDITION_PIECES), 1..120),
    ) {
        compare(0, &format!("display d\n  when {}\n", pieces.concat()));
    }

    /// A mutated file, split into chunks as `parse` does.
    #[test]
    fn mutated_files_agree(
        source in 0..SOURCES.len(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let mut text = SOURCES[source].to_string();
        for m in &mutations {
            apply(&mut text, m);
        }
        compare_file(&text);
    }
}
