//! Property test of the checker with a catalogue of mutations: a generated
//! valid survey checks clean, and any single mutation from the catalogue,
//! applied anywhere it can be, is reported with its expected code.

#[path = "../benches/synth/mod.rs"]
mod synth;

use lomake::check::{CheckOptions, check_source};
use lomake::diagnostics::Code;
use proptest::prelude::*;

/// One kind of mistake: which lines it can be made on, how, and the code
/// that must be reported.
struct Mutation {
    name: &'static str,
    code: Code,
    /// Whether the mutation applies to this line (given the previous one).
    applies: fn(prev: &str, line: &str) -> bool,
    apply: fn(prev: &str, line: &str) -> String,
}

fn when_of(line: &str) -> Option<&str> {
    line.strip_prefix("  when ")
}

/// The first question name (`q12`) in a condition.
fn first_ref(cond: &str) -> Option<&str> {
    let at = cond.find('q')?;
    let rest = &cond[at..];
    let end = rest[1..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(rest.len(), |e| e + 1);
    Some(&rest[..end])
}

const CATALOGUE: &[Mutation] = &[
    Mutation {
        name: "one-letter typo in a reference",
        code: Code::UnknownName,
        applies: |_, l| when_of(l).and_then(first_ref).is_some(),
        apply: |_, l| {
            let r = first_ref(when_of(l).unwrap()).unwrap();
            l.replacen(r, &format!("{}x", r), 1)
        },
    },
    Mutation {
        name: "reference to the question itself",
        code: Code::ForwardReference,
        applies: |p, l| p.starts_with("question q") && when_of(l).and_then(first_ref).is_some(),
        apply: |p, l| {
            let r = first_ref(when_of(l).unwrap()).unwrap();
            let own = p.split(' ').nth(1).unwrap();
            l.replacen(r, own, 1)
        },
    },
    Mutation {
        name: "drop a translation",
        code: Code::MissingTranslation,
        applies: |_, l| l.starts_with("    sv \""),
        apply: |_, _| String::new(),
    },
    Mutation {
        name: "mistyped language code",
        code: Code::UnknownLanguage,
        applies: |_, l| l.starts_with("    en \""),
        apply: |_, l| l.replacen("en \"", "em \"", 1),
    },
    Mutation {
        name: "empty text",
        code: Code::EmptyText,
        applies: |_, l| l.starts_with("    fi \""),
        apply: |_, _| "    fi \"\"".to_string(),
    },
    Mutation {
        name: "duplicate code",
        code: Code::DuplicateCode,
        applies: |_, l| l == "  option 2",
        apply: |_, _| "  option 1".to_string(),
    },
    Mutation {
        name: "unknown scale",
        code: Code::UnknownList,
        applies: |_, l| l.starts_with("question ") && l.contains(" agree5"),
        apply: |_, l| l.replace(" agree5", " agree6"),
    },
    Mutation {
        name: "question name used twice",
        code: Code::DuplicateName,
        applies: |_, l| {
            l.starts_with("question q")
                && l.split(' ')
                    .nth(1)
                    .is_some_and(|n| n != "q0" && n[1..].parse::<u32>().is_ok())
        },
        apply: |_, l| {
            let name = l.split(' ').nth(1).unwrap();
            let n: u32 = name[1..].parse().unwrap();
            l.replacen(name, &format!("q{}", n - 1), 1)
        },
    },
    Mutation {
        name: "reserved word as a name",
        code: Code::ReservedName,
        applies: |_, l| l.starts_with("question q"),
        apply: |_, l| {
            let name = l.split(' ').nth(1).unwrap();
            l.replacen(name, "with", 1)
        },
    },
    Mutation {
        name: "a code not in the list",
        code: Code::NotInList,
        applies: |_, l| when_of(l).is_some_and(|c| c.contains(" = 1")),
        apply: |_, l| l.replacen(" = 1", " = 7", 1),
    },
    Mutation {
        name: "a contradiction",
        code: Code::NeverAsked,
        applies: |_, l| {
            when_of(l)
                .is_some_and(|c| c.contains(" = 1") && !c.contains(" or ") && !c.contains("not"))
        },
        apply: |_, l| {
            let c = when_of(l).unwrap();
            let r = first_ref(c).unwrap();
            format!("  when ({c}) and {r} = 2")
        },
    },
    Mutation {
        name: "a javascript: link",
        code: Code::BadLink,
        applies: |_, l| l.contains("](https://"),
        apply: |_, l| l.replacen("](https://", "](javascript:", 1),
    },
    Mutation {
        name: "minimum over maximum",
        code: Code::BadRange,
        applies: |_, l| l == "  max 3",
        apply: |_, _| "  max 3\n  min 4".to_string(),
    },
    Mutation {
        name: "unclosed string",
        code: Code::Syntax,
        applies: |_, l| l.starts_with("    en \"") && l.ends_with('"'),
        apply: |_, l| l[..l.len() - 1].to_string(),
    },
];

fn codes(text: &str) -> Vec<Code> {
    check_source("m.survey", text, &CheckOptions::default())
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn every_mutation_applies_somewhere() {
    let text = synth::survey(60);
    let lines: Vec<&str> = text.lines().collect();
    for m in CATALOGUE {
        let n = (1..lines.len())
            .filter(|&i| (m.applies)(lines[i - 1], lines[i]))
            .count();
        assert!(n > 0, "{}: no line to mutate", m.name);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn each_mutation_is_reported_with_its_code(
        questions in 20usize..80,
        which in 0..CATALOGUE.len(),
        site in any::<prop::sample::Index>(),
    ) {
        let text = synth::survey(questions);
        prop_assert!(codes(&text).is_empty(), "the generated survey checks clean");
        let m = &CATALOGUE[which];
        let lines: Vec<&str> = text.lines().collect();
        let sites: Vec<usize> = (1..lines.len())
            .filter(|&i| (m.applies)(lines[i - 1], lines[i]))
            .collect();
        prop_assume!(!sites.is_empty());
        let at = sites[site.index(sites.len())];
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        out[at] = (m.apply)(lines[at - 1], lines[at]);
        let mutated = out.join("\n") + "\n";
        let found = codes(&mutated);
        prop_assert!(
            found.contains(&m.code),
            "{}: expected {:?} at line {}: `{}` -> `{}`; got {:?}",
            m.name, m.code, at + 1, lines[at], out[at], found
        );
    }
}
