//! The line scan that splits a file into items (`syntax::parse`) against the
//! straightforward implementation it replaced: a line-by-line, byte-by-byte
//! walk that scans the whole file again for every unclosed `"""`. Both must
//! find the same item starts, comments and unclosed texts on every input.

use lomake::syntax::parse;
use proptest::prelude::*;

#[path = "../benches/synth/mod.rs"]
mod synth;

/// The reference: item starts, comments and unclosed `"""`.
fn reference(text: &str) -> (Vec<usize>, Vec<(usize, usize)>, Vec<usize>) {
    let mut ignored: Vec<usize> = Vec::new();
    loop {
        let (starts, comments, unclosed) = reference_once(text, &ignored);
        match unclosed {
            Some(at) => ignored.push(at),
            None => return (starts, comments, ignored),
        }
    }
}

type Once = (Vec<usize>, Vec<(usize, usize)>, Option<usize>);

fn reference_once(text: &str, ignored: &[usize]) -> Once {
    let bytes = text.as_bytes();
    let mut starts = Vec::new();
    let mut comments = Vec::new();
    let mut ml_open: Option<usize> = None;
    let mut line_start = 0;
    while line_start < bytes.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(bytes.len(), |i| line_start + i);
        let mut i = line_start;
        if ml_open.is_none() {
            while i < line_end && (bytes[i] == b' ' || bytes[i] == b'\t') {
                i += 1;
            }
            if reference_starts_item(&text[i..line_end])
                || (i == line_start && reference_misspelled(&text[i..line_end]))
            {
                starts.push(line_start);
            }
        }
        let mut in_string = false;
        while i < line_end {
            if ml_open.is_some() {
                // `\` escapes the byte after it: `\"""` closes nothing.
                if bytes[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if bytes[i..line_end].starts_with(b"\"\"\"") {
                    ml_open = None;
                    i += 3;
                    continue;
                }
                i += 1;
                continue;
            }
            let b = bytes[i];
            if in_string {
                match b {
                    b'\\' => i += 2,
                    b'"' => {
                        in_string = false;
                        i += 1;
                    }
                    _ => i += 1,
                }
                continue;
            }
            match b {
                b'#' => {
                    comments.push((i, line_end));
                    break;
                }
                b'"' if bytes[i..line_end].starts_with(b"\"\"\"") && !ignored.contains(&i) => {
                    ml_open = Some(i);
                    i += 3;
                }
                b'"' => {
                    in_string = true;
                    i += 1;
                }
                _ => i += 1,
            }
        }
        line_start = line_end + 1;
    }
    (starts, comments, ml_open)
}

fn reference_starts_item(line: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "survey",
        "use",
        "scale",
        "list",
        "block",
        "end",
        "section",
        "introduction",
        "question",
        "display",
        "hidden",
        "insert",
    ];
    let word_len = line
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    let word = &line[..word_len];
    if !KEYWORDS.contains(&word) {
        return false;
    }
    if word == "use" {
        return true;
    }
    !line[word_len..].trim_start().starts_with('"')
}

/// A misspelled item keyword at the start of an unindented line: a word of
/// three or more ASCII letters, within one edit of an item keyword of up to
/// four letters or two of a longer one, no nearer a property keyword, and
/// followed by a name (or nothing, after `introduction` and `end`).
fn reference_misspelled(line: &str) -> bool {
    const ITEMS: &[&str] = &[
        "survey",
        "use",
        "scale",
        "list",
        "block",
        "end",
        "section",
        "introduction",
        "question",
        "display",
        "hidden",
        "insert",
    ];
    const PROPERTIES: &[&str] = &[
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
        "option",
        "item",
        "values",
        "when",
        "languages",
        "version",
        "submit",
        "opens",
        "closes",
        "minlength",
        "maxlength",
        "min",
        "max",
        "decimals",
        "indirectly",
        "identifying",
        "required",
        "dropdown",
        "continues",
    ];
    // Edits: insert, delete, substitute, swap two neighbours (optimal
    // string alignment), the whole table.
    fn distance(a: &[u8], b: &[u8]) -> usize {
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
    let nearest = |word: &str, keywords: &[&'static str]| {
        keywords
            .iter()
            .map(|k| (distance(word.as_bytes(), k.as_bytes()), *k))
            .filter(|(d, k)| *d <= if k.len() <= 4 { 1 } else { 2 })
            .min()
    };
    let len = line.bytes().take_while(u8::is_ascii_alphabetic).count();
    let word = line[..len].to_ascii_lowercase();
    if len < 3 || PROPERTIES.contains(&word.as_str()) {
        return false;
    }
    let Some((d, keyword)) = nearest(&word, ITEMS) else {
        return false;
    };
    if nearest(&word, PROPERTIES).is_some_and(|(p, _)| p <= d) {
        return false;
    }
    let after = &line[len..];
    let rest = after.trim_start_matches([' ', '\t']);
    let named = rest.len() < after.len() && rest.starts_with(|c: char| c.is_ascii_alphabetic());
    let bare = (rest.is_empty() || rest.starts_with(['\r', '#']))
        && matches!(keyword, "introduction" | "end");
    named || bare
}

fn check(text: &str) {
    assert_eq!(
        parse::scan_for_tests(text),
        reference(text),
        "the scans differ on {text:?}"
    );
}

#[test]
fn bundled_and_synthetic_surveys() {
    for text in [
        include_str!("../surveys/partnership-barometer-2023.survey"),
        include_str!("../surveys/partnership-barometer-2020.survey"),
        include_str!("../surveys/common/barometer.survey"),
    ] {
        check(text);
    }
    check(&synth::survey(60));
    for (_, text) in synth::pathological(2_000, parse::MAX_NESTING) {
        check(&text);
    }
}

#[test]
fn corner_cases() {
    let cases = [
        "",
        "\n",
        "survey",
        "survey s",
        "  \tsection s\n",
        "survey\r\nsection s\r\n  title fi \"x\" # c\r\n",
        "end \"x\"\nend\t\u{3000}\"x\"\nend \u{3000}\nend\n",
        "use \"x\"\nuse\nuses\nuse_\nsurveyä\nsurvey\u{301}\nsurvey١\nsurvey-x\n",
        "surveys\nscaled\nsectio\nintroduction\ninsert\nquestion\ndisplay\nhidden\nlist\nblock\n",
        "question q text\n  text en \"\"\"\n  section inside\n  \"\"\" # after\nsection s\n",
        "question q text\n  text en \"\"\"never closed\nsection s\n  title fi \"x\"\n",
        "\"\"\"\n\"\"\"\n\"\"\"\nsection a\n\"\"\"\nsection b\n",
        "\"\"\"\"\nsection a\n",
        "\"\"\"\"\"\nsection a\n",
        "\"\"\"\"\"\"\"\nsection a\n# c\n",
        "display d\n  text en \"\"\"\n  a \\\"\"\" b\n  \"\"\"\nsection s\n",
        "display d\n  text en \"\"\"a \\\\\"\"\"\nsection s\n",
        "display d\n  text en \"\"\"a \\\nsection s\n\"\"\"\n",
        "a \"\"\" b \"\"\" c \"\"\" d\nsection s # \"\"\"\n",
        "x \"a\\\"b # not a comment\" # comment\n",
        "x \"a\\\nsection s\n",
        "x \"a\\",
        "x \"a\\\n",
        "x \"abc\nsection s\n",
        "x \"\\\\\" # c\n",
        "# only\n# comments",
        "#",
        "\"",
        "\"\"\"",
        "section s # ä 😀\n  title fi \"ä\\😀\" # ö\n",
        "question q single\n  when (((((((((a = 1)))))))))\n",
        "qustion q single\nSection s\nsektion s\nintroducton\nnd\nedn # x\nlable x\nlsit x\n  qustion q\n",
    ];
    for text in cases {
        check(text);
    }
}

/// Pieces the generated files are made of.
const PIECES: &[&str] = &[
    "survey",
    "section",
    "end",
    "use",
    "question",
    "scale",
    "insert",
    "sections",
    "title",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\"",
    "\"\"\"",
    "\"\"",
    "\\",
    "#",
    "x",
    "fi",
    "ä",
    "😀",
    "\u{3000}",
    "\u{301}",
    "_",
    "1",
    "qustion",
    "Section",
    "edn",
    "lable",
    "introducton",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2000), ..ProptestConfig::default() })]

    #[test]
    fn generated_files_agree(pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..60)) {
        check(&pieces.concat());
    }
}
