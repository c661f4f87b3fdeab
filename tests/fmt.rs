//! `lomake fmt` (docs/fmt.md): the waves are in the canonical layout;
//! formatting is idempotent, keeps the IR, the diagnostics and every
//! comment; a re-indented, re-spaced file formats back to the canonical one;
//! and the command line's `--check`, `--stdout` and exit codes.
//!
//! The corpus: both waves and their module, every fixture under
//! `tests/fixtures/` that parses, and synthetic surveys.

#[path = "../benches/synth/mod.rs"]
mod synth;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use lomake::check::{CheckOptions, Checked, check_file};
use lomake::fmt::{FmtError, format_source};
use lomake::load::LoadOptions;
use lomake::source::{DiskLoader, FileId, LoadError, Loader, normalize};
use lomake::syntax::ast::{ArgumentValue, PropertyValue, SyntaxFile, Translation};
use lomake::syntax::parse;
use proptest::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fmt(text: &str) -> String {
    match format_source(text) {
        Ok(s) => s,
        Err(e) => panic!("not formatted: {e:?}\n{text}"),
    }
}

// ------------------------------------------------------------------ corpus

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

/// A file of the corpus: where it is (synthetic ones have a made-up path),
/// its text and its canonical form.
struct Entry {
    path: PathBuf,
    text: String,
    canonical: String,
}

/// Every corpus file that parses, with its formatted text.
fn corpus() -> &'static [Entry] {
    static CORPUS: OnceLock<Vec<Entry>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut paths = Vec::new();
        survey_files(&root().join("surveys"), &mut paths);
        survey_files(&root().join("tests/fixtures"), &mut paths);
        let mut out = Vec::new();
        for path in paths {
            // Some fixtures are not UTF-8 on purpose (E001).
            let Ok(text) = String::from_utf8(std::fs::read(&path).unwrap()) else {
                continue;
            };
            match format_source(&text) {
                Ok(canonical) => out.push(Entry {
                    path,
                    text,
                    canonical,
                }),
                Err(FmtError::Syntax(_)) => {}
                Err(FmtError::Unformattable(why)) => {
                    panic!("{}: refused: {why}", path.display())
                }
            }
        }
        for n in [1, 7, 45] {
            let text = synth::survey(n);
            let canonical = fmt(&text);
            out.push(Entry {
                path: root().join(format!("synthetic-{n}.survey")),
                text,
                canonical,
            });
        }
        out
    })
}

#[test]
fn the_corpus_is_large() {
    let c = corpus();
    assert!(c.len() > 100, "{} files", c.len());
    assert!(
        c.iter()
            .any(|e| e.path.ends_with("surveys/common/barometer.survey"))
    );
    // The fixtures are written by hand in many layouts: formatting changes some.
    assert!(c.iter().filter(|e| e.text != e.canonical).count() >= 2);
}

// ------------------------------------------------------------------- waves

#[test]
fn the_waves_are_fmt_clean() {
    for rel in [
        "surveys/partnership-barometer-2023.survey",
        "surveys/partnership-barometer-2020.survey",
        "surveys/common/barometer.survey",
    ] {
        let text = std::fs::read_to_string(root().join(rel)).unwrap();
        let formatted = fmt(&text);
        if formatted != text {
            let diff: Vec<String> = text
                .lines()
                .zip(formatted.lines())
                .enumerate()
                .filter(|(_, (a, b))| a != b)
                .take(10)
                .map(|(i, (a, b))| format!("{}: {a:?} → {b:?}", i + 1))
                .collect();
            panic!("{rel} is not in the canonical layout:\n{}", diff.join("\n"));
        }
    }
}

#[test]
fn fmt_check_on_the_surveys_folder_exits_0() {
    let o = Command::new(env!("CARGO_BIN_EXE_lomake"))
        .args(["--color", "never", "fmt", "--check", "surveys"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    // The folder means every *.survey under it, the module included.
    let mut files = Vec::new();
    survey_files(&root().join("surveys"), &mut files);
    assert!(files.len() >= 3);
    assert_eq!(
        stderr(&o),
        format!("lomake: 0 of {} files would be reformatted\n", files.len())
    );
}

// ------------------------------------------------------------- properties

#[test]
fn formatting_is_idempotent() {
    for e in corpus() {
        assert_eq!(
            fmt(&e.canonical),
            e.canonical,
            "{}: not idempotent",
            e.path.display()
        );
    }
}

/// The comments of a text, trimmed, in order.
fn comments(text: &str) -> Vec<String> {
    let (tree, _) = parse(FileId(0), text);
    tree.comments
        .iter()
        .map(|c| text[c.range()].trim_end().to_string())
        .collect()
}

#[test]
fn comments_survive() {
    let mut total = 0;
    for e in corpus() {
        let before = comments(&e.text);
        assert_eq!(before, comments(&e.canonical), "{}", e.path.display());
        total += before.len();
    }
    assert!(total > 50, "{total} comments");
}

/// Disk files, some of them replaced by other text.
struct Overlay(BTreeMap<PathBuf, Vec<u8>>);

impl Loader for Overlay {
    fn load(&self, path: &Path) -> Result<Vec<u8>, LoadError> {
        match self.0.get(&normalize(path)) {
            Some(b) => Ok(b.clone()),
            None => DiskLoader.load(path),
        }
    }

    fn exists(&self, path: &Path) -> bool {
        self.0.contains_key(&normalize(path)) || DiskLoader.exists(path)
    }
}

fn check_with(loader: &dyn Loader, path: &Path) -> Checked {
    let options = CheckOptions {
        load: LoadOptions {
            display_base: Some(root()),
        },
        ..CheckOptions::default()
    };
    check_file(loader, path, &options).unwrap()
}

/// What must not change: the IR and the diagnostics (codes and messages;
/// their places move with the layout).
fn outcome(c: &Checked) -> (Option<String>, Vec<(String, String)>) {
    let mut diags: Vec<(String, String)> = c
        .diagnostics
        .iter()
        .map(|d| (d.code.id().to_string(), d.message.clone()))
        .collect();
    diags.sort();
    (c.survey.as_ref().map(|s| s.to_json()), diags)
}

/// Every corpus file is checked as it is and with every corpus file
/// (modules included) replaced by its formatted text.
#[test]
fn formatting_keeps_the_ir_and_the_diagnostics() {
    let original = Overlay(
        corpus()
            .iter()
            .map(|e| (normalize(&e.path), e.text.clone().into_bytes()))
            .collect(),
    );
    let formatted = Overlay(
        corpus()
            .iter()
            .map(|e| (normalize(&e.path), e.canonical.clone().into_bytes()))
            .collect(),
    );
    let (mut irs, mut diagnostics) = (0, 0);
    for e in corpus() {
        let before = outcome(&check_with(&original, &e.path));
        let after = outcome(&check_with(&formatted, &e.path));
        assert_eq!(before, after, "{}", e.path.display());
        irs += usize::from(before.0.is_some());
        diagnostics += before.1.len();
    }
    assert!(irs >= 20, "only {irs} surveys have an IR");
    assert!(diagnostics >= 50, "only {diagnostics} diagnostics");
}

// ------------------------------------------------------ messing a file up

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn whitespace(&mut self, max: u64) -> String {
        (0..self.below(max + 1))
            .map(|_| if self.chance(20) { '\t' } else { ' ' })
            .collect()
    }
}

/// What each line of a canonical file is.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Line {
    /// An item keyword line.
    Item,
    /// A translation written on one line.
    Translation,
    /// Another property-like line (property, label, argument, comment, …).
    Other,
    Blank,
    /// A line inside a multi-line text (not its opening line).
    Inside,
    /// The closing `"""` line of a multi-line text.
    Closing,
}

fn line_of(starts: &[usize], offset: usize) -> usize {
    match starts.binary_search(&offset) {
        Ok(l) => l,
        Err(l) => l - 1,
    }
}

fn all_translations(tree: &SyntaxFile) -> Vec<&Translation> {
    let mut out = Vec::new();
    for item in &tree.items {
        for p in &item.properties {
            match &p.value {
                PropertyValue::Texts(t) | PropertyValue::Option { texts: t, .. } => {
                    out.extend(t);
                }
                PropertyValue::GridItem(g) => {
                    let lomake::syntax::ast::GridItem {
                        texts, label, brk, ..
                    } = &**g;
                    out.extend(texts);
                    for (_, t) in [label, brk].into_iter().flatten() {
                        out.extend(t);
                    }
                }
                _ => {}
            }
        }
        for a in &item.arguments {
            if let ArgumentValue::Texts(t) = &a.value {
                out.extend(t);
            }
        }
    }
    out
}

fn classify(text: &str) -> Vec<Line> {
    let lines: Vec<&str> = text.split('\n').collect();
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let mut kinds: Vec<Line> = lines
        .iter()
        .map(|l| {
            if l.trim().is_empty() {
                Line::Blank
            } else {
                Line::Other
            }
        })
        .collect();
    let (tree, diags) = parse(FileId(0), text);
    assert!(diags.is_empty());
    for item in &tree.items {
        kinds[line_of(&starts, item.keyword.span.start as usize)] = Line::Item;
    }
    for t in all_translations(&tree) {
        let first = line_of(&starts, t.span().start as usize);
        if t.multiline() {
            let close = line_of(&starts, t.raw_span().end as usize);
            for k in &mut kinds[first + 1..close] {
                *k = Line::Inside;
            }
            kinds[close] = Line::Closing;
        } else {
            kinds[first] = Line::Translation;
        }
    }
    kinds
}

/// Re-indents, re-spaces and re-joins a canonical file without changing
/// what it says: random indentation outside multi-line texts, each
/// multi-line text shifted as a whole, translations joined onto the line
/// before them, extra blank lines inside items and next to blank lines.
fn mess(canonical: &str, rng: &mut Rng) -> String {
    let kinds = classify(canonical);
    let lines: Vec<&str> = canonical.split('\n').collect();
    // Lines of the result, each with what it is.
    let mut out: Vec<(String, Line)> = Vec::new();
    let mut shift: Option<(usize, usize)> = None; // (common indentation, new)
    for (i, (&line, &kind)) in lines.iter().zip(&kinds).enumerate() {
        match kind {
            Line::Inside => {
                let (common, new) = *shift.get_or_insert_with(|| {
                    let common = lines[i..]
                        .iter()
                        .zip(&kinds[i..])
                        .take_while(|(_, k)| **k == Line::Inside)
                        .filter(|(l, _)| !l.trim().is_empty())
                        .map(|(l, _)| l.len() - l.trim_start_matches(' ').len())
                        .min()
                        .unwrap_or(0);
                    (common, rng.below(12) as usize)
                });
                let moved = if line.trim().is_empty() {
                    String::new()
                } else {
                    format!("{}{}", " ".repeat(new), &line[common..])
                };
                out.push((moved, kind));
            }
            Line::Blank => {
                out.push((rng.whitespace(3), kind));
                if rng.chance(30) {
                    out.push((rng.whitespace(3), kind));
                }
            }
            _ => {
                shift = None;
                let body = line.trim_start();
                let prev_ok = out
                    .last()
                    .is_some_and(|(p, k)| !p.contains('#') && *k != Line::Blank);
                if kind == Line::Translation && prev_ok && rng.chance(40) {
                    let prev = &mut out.last_mut().unwrap().0;
                    prev.push_str(if rng.chance(50) { " " } else { " \t " });
                    prev.push_str(body);
                    continue;
                }
                if matches!(kind, Line::Translation | Line::Other)
                    && !body.starts_with('#')
                    && rng.chance(15)
                {
                    // A blank line inside an item is not kept.
                    out.push((rng.whitespace(2), Line::Blank));
                }
                out.push((format!("{}{body}", rng.whitespace(7)), kind));
            }
        }
    }
    let mut text: String = out
        .iter()
        .map(|(l, _)| l.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    if rng.chance(30) {
        text.insert_str(0, "\n  \n");
    }
    if rng.chance(30) {
        text.push_str("\n\n\t\n");
    }
    text
}

#[test]
fn messing_up_keeps_the_meaning() {
    // The messing itself must not change what a file says.
    let mut rng = Rng(7);
    for e in corpus().iter().take(40) {
        let messed = mess(&e.canonical, &mut rng);
        assert_eq!(comments(&messed), comments(&e.canonical));
        assert!(
            parse(FileId(0), &messed).1.is_empty(),
            "{}",
            e.path.display()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// A re-indented, re-spaced file formats back to the canonical file.
    #[test]
    fn messed_up_files_format_back(index in 0usize..10_000, seed in any::<u64>()) {
        let e = &corpus()[index % corpus().len()];
        let messed = mess(&e.canonical, &mut Rng(seed));
        let formatted = format_source(&messed);
        prop_assert!(formatted.is_ok(), "{}: {formatted:?}\n{messed}", e.path.display());
        let formatted = formatted.unwrap();
        prop_assert_eq!(&formatted, &e.canonical, "{}\n{}", e.path.display(), messed);
    }

    /// Generated surveys of any size: idempotent, and the IR is kept.
    #[test]
    fn synthetic_surveys(n in 1usize..60, seed in any::<u64>()) {
        let text = synth::survey(n);
        let canonical = fmt(&text);
        prop_assert_eq!(fmt(&canonical), canonical.clone());
        let messed = mess(&canonical, &mut Rng(seed));
        prop_assert_eq!(fmt(&messed), canonical.clone());
        let options = CheckOptions::default();
        let a = lomake::check::check_source("s.survey", &text, &options);
        let b = lomake::check::check_source("s.survey", &messed, &options);
        prop_assert!(a.survey.is_some());
        prop_assert_eq!(outcome(&a), outcome(&b));
    }
}

/// Random edits of a corpus file: deletions and insertions of the
/// characters that matter to the layout.
fn edit(text: &str, rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        " ",
        "\n",
        "\t",
        "\r\n",
        "#",
        "# ä\n",
        "\"",
        "\"\"\"",
        "\"\"\"\n",
        "(",
        ")",
        "{",
        "}",
        "{p}",
        ",",
        "..",
        ".",
        "=",
        "!=",
        "<=",
        ">",
        "-",
        "1",
        "ä",
        "🎉",
        "a",
        "in",
        "not ",
        " and ",
        "\n  when a = 1\n",
        "\n  continues x.y\n",
        "\n  break\n    fi \"x\"\n",
        "\nend\n",
        "\nblock b(p)\n",
        "\n\n",
    ];
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(chars.len() as u64 + 1) as usize;
        if rng.chance(40) && at < chars.len() {
            let n = (1 + rng.below(6) as usize).min(chars.len() - at);
            chars.drain(at..at + n);
        } else {
            let piece = PIECES[rng.below(PIECES.len() as u64) as usize];
            chars.splice(at..at, piece.chars());
        }
    }
    chars.into_iter().collect()
}

/// Whatever the input, formatting does not panic; a file that still parses
/// is formatted (never refused as unformattable), idempotently, with the
/// same comments.
#[test]
fn edited_files() {
    let (mut formatted, mut refused) = (0, 0);
    for seed in 0..1500u64 {
        let e = &corpus()[seed as usize * 7 % corpus().len()];
        let text = edit(&e.text, &mut Rng(seed));
        match format_source(&text) {
            Ok(out) => {
                assert_eq!(fmt(&out), out, "seed {seed}");
                assert_eq!(comments(&out), comments(&text), "seed {seed}");
                formatted += 1;
            }
            Err(FmtError::Syntax(_)) => refused += 1,
            Err(FmtError::Unformattable(why)) => panic!("seed {seed}: refused: {why}\n{text}"),
        }
    }
    assert!(
        formatted >= 300 && refused >= 300,
        "{formatted} formatted, {refused} with errors"
    );
}

#[test]
fn the_documented_layout_is_canonical() {
    let doc = std::fs::read_to_string(root().join("docs/fmt.md")).unwrap();
    let from = doc.find("## The layout").unwrap();
    let block = doc[from..].split("```").nth(1).unwrap();
    let example = block.trim_start_matches('\n');
    assert!(example.contains("continues wave_2020.coop_a"));
    assert_eq!(fmt(example), example);
}

// ----------------------------------------------------------------- details

#[test]
fn fixtures() {
    insta::glob!("fixtures/fmt/*.survey", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let shown = match format_source(&text) {
            Ok(f) => f,
            Err(FmtError::Syntax(ds)) => {
                let mut map = lomake::source::SourceMap::new();
                map.add(lomake::source::SourceFile::new(
                    path.file_name().unwrap().to_string_lossy().into_owned(),
                    path.to_path_buf(),
                    text.clone(),
                ));
                ds.iter()
                    .map(|d| lomake::diagnostics::render(&map, d))
                    .collect()
            }
            Err(e) => panic!("{e:?}"),
        };
        insta::assert_snapshot!(shown);
    });
}

#[test]
fn crlf_becomes_lf_and_the_text_stays() {
    let text = "survey s\r\n  version \"1\"   \r\n  languages fi\r\n  title\r\n    fi \"\"\"\r\n      Rivi 1\r\n\r\n      Rivi 2 ä\r\n      \"\"\"\r\n";
    let out = fmt(text);
    assert_eq!(
        out,
        "survey s\n  version \"1\"\n  languages fi\n  title\n    fi \"\"\"\n      Rivi 1\n\n      Rivi 2 ä\n      \"\"\"\n"
    );
}

#[test]
fn a_byte_order_mark_is_dropped() {
    // The loader reads a byte-order mark as three spaces (keeping offsets).
    let decoded =
        lomake::load::decode(b"\xEF\xBB\xBFsurvey s\n  version \"1\"\n".to_vec()).unwrap();
    assert_eq!(fmt(&decoded), "survey s\n  version \"1\"\n");
}

#[test]
fn multiline_texts_keep_their_relative_indentation() {
    let text =
        "display d\n  text\n en \"\"\"First line\n         indented by nine\n   three\n\"\"\"\n";
    let out = fmt(text);
    assert_eq!(
        out,
        "display d\n  text\n    en \"\"\"\n      First line\n               indented by nine\n         three\n      \"\"\"\n"
    );
    let dedent = |t: &str| {
        let (tree, _) = parse(FileId(0), t);
        let tr = all_translations(&tree)[0];
        lomake::markup::dedent(tr.raw())
    };
    assert_eq!(dedent(text), dedent(&out));
    assert_eq!(
        dedent(&out),
        "First line\n         indented by nine\n   three"
    );
}

#[test]
fn conditions_are_spaced_but_keep_their_parentheses() {
    let text =
        "question q single\n  when not(a=1)and((b!=2))or answered ( c )or d in{ 1 ,2 }or e<=-1\n";
    assert_eq!(
        fmt(text),
        "question q single\n  when not (a = 1) and ((b != 2)) or answered(c) or d in {1, 2} or e <= -1\n"
    );
}

#[test]
fn comments_in_the_middle_of_a_line_keep_it_broken() {
    let text = "question q single\n  when a = 1 # first\n  # second\n or b = 2\n  option 1 # eol\n    fi \"x\"\n";
    let out = fmt(text);
    assert_eq!(
        out,
        "question q single\n  when a = 1 # first\n    # second\n    or b = 2\n  option 1 # eol\n    fi \"x\"\n"
    );
    assert_eq!(fmt(&out), out);
}

#[test]
fn blank_lines_between_items_are_kept_and_collapsed() {
    let text =
        "\n\n# top\n\n\nsurvey s\n\n  version \"1\"\n\n\n# about a\n\nsection a\nsection b\n\n\n";
    assert_eq!(
        fmt(text),
        "# top\n\nsurvey s\n  version \"1\"\n\n# about a\n\nsection a\nsection b\n"
    );
}

#[test]
fn a_file_with_a_syntax_error_is_refused() {
    let text = "survey s\n  version \"1\"\nquestion q single\n  option x\n";
    match format_source(text) {
        Err(FmtError::Syntax(ds)) => {
            assert_eq!(ds.len(), 1);
            assert_eq!(ds[0].code.id(), "E002");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn pathological_inputs_do_not_panic() {
    let mut formatted = 0;
    for (name, text) in synth::pathological(5_000, lomake::syntax::parse::MAX_NESTING) {
        if let Ok(out) = format_source(&text) {
            assert_eq!(fmt(&out), out, "{name}");
            formatted += 1;
        }
    }
    assert!(formatted >= 2);
}

// ----------------------------------------------------------- command line

/// A temporary folder, removed when dropped.
struct Project {
    dir: PathBuf,
}

impl Project {
    fn new(name: &str) -> Project {
        let dir = std::env::temp_dir().join(format!("lomake-fmt-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Project { dir }
    }

    fn file(&self, rel: &str, bytes: impl AsRef<[u8]>) -> &Project {
        let path = self.dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        self
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.join(rel)).unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_lomake"))
            .arg("--color")
            .arg("never")
            .args(args)
            .current_dir(&self.dir)
            .env_remove("NO_COLOR")
            .output()
            .unwrap()
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

const MESSY: &str = "survey s # ä\n      version \"1\" languages fi\n title fi \"Å 🎉\"\n";
const CLEAN: &str = "survey s # ä\n  version \"1\"\n  languages fi\n  title\n    fi \"Å 🎉\"\n";

#[test]
fn cli_check_lists_files_and_writes_nothing() {
    let p = Project::new("check");
    p.file("a.survey", MESSY)
        .file("sub/b.survey", CLEAN)
        .file("sub/c.survey", MESSY)
        .file("sub/notes.txt", "not a survey");
    let o = p.run(&["fmt", "--check", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "./a.survey\n./sub/c.survey\n");
    assert_eq!(stderr(&o), "lomake: 2 of 3 files would be reformatted\n");
    assert_eq!(p.read("a.survey"), MESSY);

    let o = p.run(&["fmt", "--check", "sub/b.survey"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");

    let o = p.run(&["--format", "json", "fmt", "--check", "a.survey"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "{\"file\":\"a.survey\",\"status\":\"unformatted\"}\n"
    );
}

#[test]
fn cli_stdout_prints_and_writes_nothing() {
    let p = Project::new("stdout");
    p.file("a.survey", MESSY);
    let o = p.run(&["fmt", "--stdout", "a.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), CLEAN);
    assert_eq!(stderr(&o), "");
    assert_eq!(p.read("a.survey"), MESSY);
}

#[test]
fn cli_reads_standard_input() {
    use std::io::Write as _;
    let p = Project::new("stdin");
    let run = |args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lomake"))
            .args(args)
            .current_dir(&p.dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(MESSY.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let o = run(&["fmt", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), CLEAN);
    assert_eq!(stderr(&o), "");
    let o = run(&["fmt", "--check", "-"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "<stdin>\n");
}

#[test]
fn cli_rewrites_files() {
    let p = Project::new("write");
    p.file("a.survey", MESSY).file("b.survey", CLEAN);
    let o = p.run(&["fmt", "a.survey", "b.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "reformatted a.survey\nlomake: reformatted 1 of 2 files\n"
    );
    assert_eq!(p.read("a.survey"), CLEAN);
    assert_eq!(p.read("b.survey"), CLEAN);
    let o = p.run(&["-q", "fmt", "--check", "a.survey", "b.survey"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), "");
}

#[test]
fn cli_leaves_a_broken_file_alone_and_reports_it_as_check_does() {
    let p = Project::new("broken");
    let broken = "survey s\n  version \"1\"\nquestion q single\n    option x\n";
    p.file("bad.survey", broken).file("good.survey", MESSY);
    let o = p.run(&["fmt", "bad.survey", "good.survey"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(p.read("bad.survey"), broken);
    assert_eq!(
        p.read("good.survey"),
        CLEAN,
        "the other files are formatted"
    );
    let check = p.run(&["check", "bad.survey"]);
    let err = stderr(&o);
    let check_err = stderr(&check);
    // The syntax error as `lomake check` shows it (it shows more errors).
    let from = check_err.find("error[E002]").expect("check reports E002");
    let diagnostic = check_err[from..].split("\n\n").next().unwrap();
    assert!(err.starts_with(diagnostic), "{err}\n---\n{check_err}");
    assert!(
        err.ends_with("lomake: reformatted 1 of 2 files; 1 file not formatted because of errors\n")
    );

    // --check and --stdout leave it alone as well, with exit code 1.
    for flag in ["--check", "--stdout"] {
        let o = p.run(&["fmt", flag, "bad.survey"]);
        assert_eq!(o.status.code(), Some(1), "{flag}");
        assert_eq!(stdout(&o), "", "{flag}");
        assert_eq!(p.read("bad.survey"), broken);
    }
}

#[test]
fn cli_usage_and_io_errors_exit_2() {
    let p = Project::new("usage");
    p.file("a.survey", MESSY);
    let o = p.run(&["fmt", "missing.survey"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).lines().next().unwrap(),
        "error: no such file or folder: missing.survey"
    );
    assert_eq!(p.run(&["fmt"]).status.code(), Some(2), "a path is required");
    let o = p.run(&["fmt", "--check", "--stdout", "a.survey"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "--check and --stdout exclude each other"
    );
    std::fs::create_dir_all(p.dir.join("empty")).unwrap();
    let o = p.run(&["fmt", "empty"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(p.read("a.survey"), MESSY);
}

#[test]
fn cli_unreadable_file_is_a_located_e001() {
    let p = Project::new("e001");
    p.file("bin.survey", b"survey s\n  version \"\xff\"\n");
    let o = p.run(&["fmt", "bin.survey"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("error[E001]"), "{}", stderr(&o));
}

#[test]
fn cli_crlf_file_is_rewritten_with_lf() {
    let p = Project::new("crlf");
    p.file("a.survey", CLEAN.replace('\n', "\r\n"));
    let o = p.run(&["fmt", "--check", "a.survey"]);
    assert_eq!(o.status.code(), Some(1), "CRLF is not the canonical layout");
    let o = p.run(&["fmt", "a.survey"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(p.read("a.survey"), CLEAN);
}
