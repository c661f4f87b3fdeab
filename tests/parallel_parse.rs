//! Parsing a file's items in several groups, on threads of their own
//! (`syntax::parse::parse_in_parts`), gives exactly the tree and the
//! diagnostics of parsing them in one group.

mod common;
#[path = "../benches/synth/mod.rs"]
mod synth;

use lomake::source::SourceText;

use lomake::source::FileId;
use lomake::syntax::parse::{parse_in_parts, parse_in_pieces_elsewhere};
use proptest::prelude::*;

fn parsed(text: &str, parts: usize) -> String {
    format!(
        "{:?}",
        parse_in_parts(FileId(3), &SourceText::from(text), parts)
    )
}

/// Parsed in `pieces` pieces, all but the first on other threads.
fn parsed_elsewhere(text: &str, pieces: usize) -> String {
    format!(
        "{:?}",
        parse_in_pieces_elsewhere(FileId(3), &SourceText::from(text), pieces)
    )
}

fn assert_same_in_parts(name: &str, text: &str) {
    let one = parsed(text, 1);
    for parts in [2, 3, 4, 9] {
        assert!(one == parsed(text, parts), "{name}: {parts} groups differ");
    }
    for pieces in [2, 3, 7, 40] {
        assert!(
            one == parsed_elsewhere(text, pieces),
            "{name}: {pieces} pieces parsed elsewhere differ"
        );
    }
}

#[test]
fn fixtures_and_surveys_parse_the_same_in_parts() {
    let root = common::root();
    for rel in [
        "surveys/partnership-barometer-2023.survey",
        "surveys/partnership-barometer-2020.survey",
        "surveys/common/barometer.survey",
    ] {
        let text = std::fs::read_to_string(root.join(rel)).expect("a bundled survey");
        assert_same_in_parts(rel, &text);
    }
    for (path, text) in common::check_fixtures() {
        assert_same_in_parts(&path.display().to_string(), &text);
    }
}

#[test]
fn a_synthetic_survey_parses_the_same_in_parts() {
    let text = synth::survey(300);
    assert!(parsed(&text, 1).contains("Item {"), "items parsed");
    assert_same_in_parts("synthetic", &text);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Lines deleted, repeated or cut short anywhere (broken items, unclosed
    /// texts, stray lines between items) change nothing either.
    #[test]
    fn broken_input_parses_the_same_in_parts(
        edits in proptest::collection::vec((0usize..10_000, 0u8..3), 1..6),
    ) {
        let text = synth::survey(30);
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        for (at, how) in edits {
            let at = at % lines.len();
            match how {
                0 => {
                    lines.remove(at);
                }
                1 => {
                    let l = lines[at].clone();
                    lines.insert(at, l);
                }
                _ => {
                    let l = &lines[at];
                    let cut = l.char_indices().nth(l.chars().count() / 2).map_or(0, |(i, _)| i);
                    lines[at] = l[..cut].to_string();
                }
            }
        }
        let edited = lines.join("\n");
        let one = parsed(&edited, 1);
        for parts in [2, 3, 7] {
            prop_assert!(one == parsed(&edited, parts), "{} groups differ", parts);
        }
        for pieces in [2, 5, 30] {
            prop_assert!(
                one == parsed_elsewhere(&edited, pieces),
                "{} pieces parsed elsewhere differ",
                pieces
            );
        }
    }
}
