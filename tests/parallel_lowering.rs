//! Lowering the questionnaire's body in several parts, on threads of their
//! own (`CheckOptions::lower_parts`), gives exactly what lowering it in one
//! part gives: the same IR, the same diagnostics, the same variable spans.
//! A part whose result could differ (it found a problem, declares a name an
//! earlier part has, or a condition of it on an earlier part's variable
//! lowers differently) is lowered again in order; these tests put such
//! cases at every part boundary.

mod common;
#[path = "../benches/synth/mod.rs"]
mod synth;

use std::path::PathBuf;

use lomake::check::{CheckOptions, Checked, check_file, check_source};
use lomake::diagnostics::render;
use lomake::load::LoadOptions;
use lomake::source::DiskLoader;
use proptest::prelude::*;

fn options(parts: usize) -> CheckOptions {
    CheckOptions {
        lower_parts: Some(parts),
        ..CheckOptions::default()
    }
}

/// What a check produced, as text: the IR, every diagnostic rendered, and
/// where each variable is declared.
fn outcome(c: &Checked) -> String {
    let mut out = String::new();
    for d in &c.diagnostics {
        out.push_str(&render(&c.map, d));
    }
    if let Some(s) = &c.survey {
        out.push_str(&s.to_json());
        for v in &s.variables {
            out.push_str(&format!("{} {:?}\n", v.name, c.variable_spans.get(&v.name)));
        }
    }
    out
}

fn assert_same_in_parts(name: &str, text: &str) {
    let one = outcome(&check_source(name, text, &options(1)));
    // Zero and more parts than items mean as many as there can be.
    for parts in [0, 2, 3, 4, 7, usize::MAX] {
        let many = outcome(&check_source(name, text, &options(parts)));
        assert!(
            one == many,
            "{name}: {parts} parts differ from one\n--- one\n{}\n--- {parts} parts\n{}",
            &one[..one.len().min(3000)],
            &many[..many.len().min(3000)]
        );
    }
}

#[test]
fn bundled_surveys_lower_the_same_in_parts() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for rel in [
        "surveys/partnership-barometer-2023.survey",
        "surveys/partnership-barometer-2020.survey",
    ] {
        let check = |parts| {
            let options = CheckOptions {
                load: LoadOptions {
                    display_base: Some(root.clone()),
                },
                ..options(parts)
            };
            outcome(&check_file(&DiskLoader, &root.join(rel), &options).expect("readable"))
        };
        let one = check(1);
        assert!(one.contains("\"variables\""), "{rel} has an IR");
        for parts in [2, 3, 5, 9] {
            assert!(one == check(parts), "{rel}: {parts} parts differ");
        }
    }
}

#[test]
fn check_fixtures_lower_the_same_in_parts() {
    for (path, text) in common::check_fixtures() {
        assert_same_in_parts(&path.display().to_string(), &text);
    }
}

#[test]
fn a_synthetic_survey_lowers_the_same_in_parts() {
    let text = synth::survey(400);
    let clean = check_source("s.survey", &text, &options(4));
    assert!(
        clean.diagnostics.is_empty(),
        "the synthetic survey is clean"
    );
    assert_same_in_parts("s.survey", &text);
}

/// Edits of a clean synthetic survey that a later part sees differently
/// from an earlier one: each made at every question of the survey, one at a
/// time, so that some fall just after a part boundary and some far from it.
type Edit = fn(&str, usize) -> String;

const EDITS: &[(&str, Edit)] = &[
    // A question named like one asked long before: a name clash.
    ("clash", |text, i| {
        text.replacen(
            &format!("question q{i} "),
            &format!("question q{} ", i / 3),
            1,
        )
    }),
    // A question named like one asked long before, in other case.
    ("clash in other case", |text, i| {
        text.replacen(
            &format!("question q{i} "),
            &format!("question Q{} ", i / 3),
            1,
        )
    }),
    // A question with its own options named like a shared scale, which
    // questions before and after it use.
    ("own options named like a scale", |text, i| {
        text.replacen(
            &format!("question q{i} single\n"),
            "question agree5 single\n",
            1,
        )
    }),
    // A section named like an earlier one.
    ("section clash", |text, i| {
        text.replacen(&format!("section s{}\n", i / 20), "section s0\n", 1)
    }),
    // A condition on a question asked later: a forward reference.
    ("forward", |text, i| {
        text.replacen(
            &format!("question q{i} single\n"),
            &format!("question q{i} single\n  when q{} = 1\n", i + 7),
            1,
        )
    }),
];

/// Adds a condition to question `i` (when it is a single choice) on
/// question `far`, written `cond` (with `{q}` for the name).
fn with_condition(text: &str, i: usize, cond: &str, far: usize) -> String {
    text.replacen(
        &format!("question q{i} single\n"),
        &format!(
            "question q{i} single\n  when {}\n",
            cond.replace("{q}", &format!("q{far}"))
        ),
        1,
    )
}

#[test]
fn edits_at_every_question_lower_the_same_in_parts() {
    let n = 60;
    let text = synth::survey(n);
    for i in 1..n {
        for (name, edit) in EDITS {
            let edited = edit(&text, i);
            if edited != text {
                assert_same_in_parts(&format!("{name} at q{i}"), &edited);
            }
        }
        // Conditions on a question of an earlier part: right and wrong.
        if i % 4 != 1 {
            continue;
        }
        for cond in [
            "{q} = 1",
            "{q} = 77",
            "{q} < 2",
            "{q} includes 1",
            "{q} = \"x\"",
            "{q} in {1, 99}",
            "answered({q}) and substantive({q})",
            "{q} = {q}",
            "{q}_other = \"x\"",
            "{q}_a = 1",
            "{q}_1 = 1",
        ] {
            for far in [0, i / 2, i.saturating_sub(1)] {
                let edited = with_condition(&text, i, cond, far);
                if edited != text {
                    assert_same_in_parts(&format!("`{cond}` on q{far} at q{i}"), &edited);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random line edits (deleted, repeated, or a question number changed)
    /// change nothing about lowering in parts.
    #[test]
    fn random_edits_lower_the_same_in_parts(
        edits in proptest::collection::vec((0usize..10_000, 0u8..3, 0usize..80), 1..4),
    ) {
        let text = synth::survey(80);
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        for (at, how, q) in edits {
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
                    if let Some(start) = l.find('q')
                        && l[start + 1..].starts_with(|c: char| c.is_ascii_digit())
                    {
                        let end = l[start + 1..]
                            .find(|c: char| !c.is_ascii_digit())
                            .map_or(l.len(), |e| start + 1 + e);
                        lines[at] = format!("{}q{q}{}", &l[..start], &l[end..]);
                    }
                }
            }
        }
        let edited = lines.join("\n");
        let one = outcome(&check_source("s.survey", &edited, &options(1)));
        for parts in [2, 3, 5] {
            let many = outcome(&check_source("s.survey", &edited, &options(parts)));
            prop_assert!(one == many, "{} parts differ", parts);
        }
    }
}

/// With the default options, a survey large enough for every threaded
/// phase (parse, lowering, routing analysis: over 1 MB and 2,000 items) is
/// checked as in one part.
#[test]
fn a_large_survey_checks_the_same_by_default() {
    let text = synth::survey(2100);
    assert!(text.len() > 1 << 20, "large enough to parse in groups");
    let auto = outcome(&check_source("s.survey", &text, &CheckOptions::default()));
    assert!(auto.contains("\"variables\""), "clean");
    assert!(auto == outcome(&check_source("s.survey", &text, &options(1))));
}
