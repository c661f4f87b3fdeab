//! Focused checker rules, on small surveys held in memory.

use lomake::check::{CheckOptions, check_source};
use lomake::diagnostics::Code;

const HEAD: &str = "survey s\n  version \"1\"\n  languages en\n  title\n    en \"S\"\nsection p\n  title\n    en \"P\"\n";

fn codes(body: &str) -> (Vec<Code>, Option<lomake::ir::Survey>) {
    let c = check_source(
        "t.survey",
        &format!("{HEAD}{body}"),
        &CheckOptions::default(),
    );
    (c.diagnostics.iter().map(|d| d.code).collect(), c.survey)
}

fn question(name: &str, kind: &str, extra: &str) -> String {
    format!("question {name} {kind}\n  label\n    en \"L\"\n  text\n    en \"T?\"\n{extra}")
}

#[test]
fn decimals_reach_the_ir() {
    let (codes, ir) = codes(&question("weight", "decimal", "  decimals 1\n"));
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(ir.unwrap().variable("weight").unwrap().decimals, Some(1));
}

#[test]
fn decimals_must_be_a_small_whole_number() {
    for bad in ["-1", "1.5", "11"] {
        let (codes, _) = codes(&question(
            "weight",
            "decimal",
            &format!("  decimals {bad}\n"),
        ));
        assert_eq!(codes, [Code::InvalidValue], "decimals {bad}");
    }
}

#[test]
fn string_constants_decode_escapes() {
    let body = format!(
        "{}{}",
        question("t", "text", ""),
        question("u", "text", "  when t = \"say \\\"hi\\\"\"\n")
    );
    let (codes, ir) = codes(&body);
    assert!(codes.is_empty(), "{codes:?}");
    let cond = serde_json::to_value(&ir.unwrap().variable("u").unwrap().condition).unwrap();
    assert_eq!(cond["value"], "say \"hi\"");
}

#[test]
fn dates_compare_with_dates_only() {
    let ok = format!(
        "{}{}",
        question("d", "date", ""),
        question("u", "text", "  when d < \"2023-02-24\"\n")
    );
    assert!(codes(&ok).0.is_empty());
    let bad = format!(
        "{}{}",
        question("d", "date", ""),
        question("u", "text", "  when d < \"24.2.2023\"\n")
    );
    assert_eq!(codes(&bad).0, [Code::InvalidValue]);
}

#[test]
fn variables_of_different_kinds_are_not_compared() {
    let body = format!(
        "{}{}{}",
        question("n", "integer", ""),
        question("d", "date", ""),
        question("u", "text", "  when d < n\n")
    );
    assert_eq!(codes(&body).0, [Code::NotComparable]);
    let same = format!(
        "{}{}{}",
        question("n", "integer", ""),
        question("m", "integer", ""),
        question("u", "text", "  when m > n\n")
    );
    assert!(codes(&same).0.is_empty());
}
