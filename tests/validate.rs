//! `lomake validate`: the response checker on the 2023 Barometer and on a
//! small survey with every kind of variable, and the command line (files,
//! streaming, exit codes, JSON lines, the human output as a snapshot).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use lomake::check::{CheckOptions, check_file};
use lomake::ir::Survey;
use lomake::sample::{Options, Status, sample_response};
use lomake::source::DiskLoader;
use lomake::validate::{KINDS, Problem, Validator, check_response};
use serde_json::{Value, json};

const BAROMETER: &str = "surveys/partnership-barometer-2023.survey";
const KINDS_SURVEY: &str = "tests/fixtures/responses/kinds.survey";
const FIXTURES: &str = "tests/fixtures/responses";

fn build(path: &str) -> Survey {
    let checked = check_file(&DiskLoader, Path::new(path), &CheckOptions::default()).unwrap();
    assert!(
        checked.diagnostics.is_empty(),
        "{path}: {:#?}",
        checked.diagnostics
    );
    checked.survey.expect("an IR")
}

fn barometer() -> Survey {
    build(BAROMETER)
}

fn valid() -> Value {
    let text = std::fs::read_to_string(format!("{FIXTURES}/valid-complete.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The valid response with some names set (or removed, with `Value::Null`
/// given as `None`).
fn with(base: &Value, changes: &[(&str, Option<Value>)]) -> Value {
    let mut r = base.clone();
    let map = r.as_object_mut().unwrap();
    for (k, v) in changes {
        match v {
            Some(v) => {
                map.insert((*k).to_string(), v.clone());
            }
            None => {
                map.shift_remove(*k);
            }
        }
    }
    r
}

fn kinds(problems: &[Problem]) -> Vec<(&'static str, Option<&str>)> {
    problems
        .iter()
        .map(|p| (p.kind, p.variable.as_deref()))
        .collect()
}

/// The only problem of a response: its kind, variable and message.
fn only(survey: &Survey, r: &Value) -> Problem {
    let ps = check_response(survey, r);
    assert_eq!(ps.len(), 1, "expected one problem, got {ps:#?}");
    ps.into_iter().next().unwrap()
}

// ---------------------------------------------------------------------------
// The Barometer: the examples.

#[test]
fn the_hand_written_complete_response_is_valid() {
    assert_eq!(check_response(&barometer(), &valid()), vec![]);
}

#[test]
fn answer_to_a_question_not_asked() {
    let s = barometer();
    let r = with(
        &valid(),
        &[
            ("nat_part", Some(json!(2))),
            ("nat_forms_other", None),
            ("nat_useful_a", None),
            ("nat_useful_b", None),
            ("nat_useful_c", None),
            ("nat_useful_d", None),
            ("principles_a", None),
            ("principles_b", None),
            ("principles_c", None),
            ("principles_d", None),
            ("nopart_why", Some(json!([1]))),
        ],
    );
    let p = only(&s, &r);
    assert_eq!(p.kind, "not-asked");
    assert_eq!(p.variable.as_deref(), Some("nat_forms"));
    assert_eq!(
        p.message,
        "`nat_forms` is answered but was not asked: it needs `nat_part` = 1, the response has 2"
    );
}

#[test]
fn not_asked_explains_every_part_of_the_condition() {
    let s = barometer();
    // nopart_why needs not (nat_part = 1 or reg_part = 1).
    let r = with(&valid(), &[("nopart_why", Some(json!([2])))]);
    let p = only(&s, &r);
    assert_eq!(
        p.message,
        "`nopart_why` is answered but was not asked: it needs not (`nat_part` = 1 or `reg_part` = 1); `nat_part` is 1 and `reg_part` is 2"
    );
    // Only the failing part of a conjunction is explained.
    let r = with(&valid(), &[("nat_forms", Some(json!([1, 2])))]);
    let p = only(&s, &r);
    assert_eq!(p.variable.as_deref(), Some("nat_forms_other"));
    assert_eq!(
        p.message,
        "`nat_forms_other` is answered but was not asked: it needs `nat_forms` includes 6, the response has [1,2]"
    );
    // A condition on an answer that is not there.
    let r = with(
        &valid(),
        &[
            ("nat_forms", Some(Value::Null)),
            ("_status", Some(json!("complete"))),
        ],
    );
    let p = only(&s, &r);
    assert!(
        p.message.ends_with("`nat_forms` has no answer (null)"),
        "{}",
        p.message
    );
}

#[test]
fn complete_response_without_an_asked_question() {
    let s = barometer();
    let r = with(&valid(), &[("nat_forms", None), ("nat_forms_other", None)]);
    let p = only(&s, &r);
    assert_eq!(p.kind, "missing");
    assert_eq!(p.variable.as_deref(), Some("nat_forms"));
    assert_eq!(
        p.message,
        "`nat_forms` (Valtakunnallisen toiminnan muodot) is missing from a complete response: it was asked (`nat_part` = 1); an asked question without an answer is null"
    );
    // The same response as a break-off is valid: not reached.
    let partial = with(&r, &[("_status", Some(json!("partial")))]);
    assert_eq!(check_response(&s, &partial), vec![]);
}

#[test]
fn lang_is_present_in_every_response() {
    let s = barometer();
    let r = with(
        &valid(),
        &[("_status", Some(json!("partial"))), ("lang", None)],
    );
    let p = only(&s, &r);
    assert_eq!((p.kind, p.variable.as_deref()), ("missing", Some("lang")));
    let r = with(&valid(), &[("lang", Some(json!("de")))]);
    assert_eq!(only(&s, &r).kind, "value");
    let r = with(&valid(), &[("lang", Some(Value::Null))]);
    assert_eq!(only(&s, &r).kind, "value");
}

#[test]
fn codes_of_single_choices() {
    let s = barometer();
    // 7.0 is the code 7.
    let r = with(
        &valid(),
        &[("org_type", Some(json!(7.0))), ("org_type_other", None)],
    );
    assert_eq!(check_response(&s, &r), vec![]);
    let r = with(&valid(), &[("region", Some(json!(6.0)))]);
    assert_eq!(check_response(&s, &r), vec![]);

    let r = with(
        &valid(),
        &[("org_type", Some(json!(12))), ("org_type_other", None)],
    );
    let p = only(&s, &r);
    assert_eq!(p.kind, "code");
    assert_eq!(
        p.message,
        "`org_type` (Organisaation tyyppi) has code 12, which is not in its list; codes: 1–9"
    );
    let r = with(
        &valid(),
        &[("org_type", Some(json!(7.5))), ("org_type_other", None)],
    );
    let p = only(&s, &r);
    assert_eq!(p.kind, "code");
    assert!(
        p.message.contains("has 7.5, which is not a code"),
        "{}",
        p.message
    );
    // A gap in the list (no region 3) is not a code either.
    let r = with(&valid(), &[("region", Some(json!(3)))]);
    let p = only(&s, &r);
    assert!(
        p.message.ends_with("codes: 1, 2, 4–19, 21, 90, 91"),
        "{}",
        p.message
    );
    // A declared missing code is an answer.
    let r = with(&valid(), &[("grade_municipal", Some(json!(99)))]);
    assert_eq!(check_response(&s, &r), vec![]);
    let r = with(&valid(), &[("region", Some(json!("6")))]);
    assert_eq!(only(&s, &r).kind, "type");
}

#[test]
fn multiple_choices() {
    let s = barometer();
    let one = |v: Value| only(&s, &with(&valid(), &[("new_methods", Some(v))]));
    let p = one(json!([]));
    assert_eq!(p.kind, "empty-selection");
    assert!(p.message.contains("the value is null"));
    assert_eq!(one(json!([1, 1])).kind, "duplicate-code");
    assert_eq!(one(json!([1, 1.0])).kind, "duplicate-code");
    assert_eq!(one(json!([1, 8])).kind, "code");
    assert_eq!(one(json!([1, "2"])).kind, "type");
    assert_eq!(one(json!(1)).kind, "type");
    let p = one(json!([99, 1]));
    assert_eq!(p.kind, "exclusive");
    assert_eq!(
        p.message,
        "`new_methods` (Kehitettävät yhteistyön muodot) combines code 99 (En osaa sanoa), which stands alone, with other codes"
    );
    // The exclusive option alone is fine; so is null (asked, nothing chosen).
    let ok = |v: Value| check_response(&s, &with(&valid(), &[("new_methods", Some(v))]));
    assert_eq!(ok(json!([99])), vec![]);
    assert_eq!(ok(Value::Null), vec![]);
    assert_eq!(ok(json!([5.0, 1])), vec![]);
    // info_sources: at most 5.
    let r = with(
        &valid(),
        &[("info_sources", Some(json!([1, 2, 3, 4, 5, 7])))],
    );
    let p = only(&s, &r);
    assert_eq!(p.kind, "too-many");
    assert!(p.message.contains("at most 5"), "{}", p.message);
}

#[test]
fn texts_are_counted_in_code_points() {
    let s = barometer();
    let text = |n: usize| {
        with(
            &valid(),
            &[("practice_example", Some(json!("ä".repeat(n))))],
        )
    };
    assert_eq!(check_response(&s, &text(2000)), vec![]);
    let p = only(&s, &text(2001));
    assert_eq!(p.kind, "too-long");
    assert!(p.message.contains("2001 characters"), "{}", p.message);
    let r = with(&valid(), &[("feedback", Some(json!(5)))]);
    assert_eq!(only(&s, &r).kind, "type");
}

#[test]
fn the_envelope() {
    let s = barometer();
    let one = |changes: &[(&str, Option<Value>)]| only(&s, &with(&valid(), changes));
    let p = one(&[("_survey", Some(json!("partnership_barometer_2020")))]);
    assert_eq!(
        (p.kind, p.variable.as_deref()),
        ("envelope", Some("_survey"))
    );
    assert!(p.message.contains("\"partnership_barometer_2023\""));
    assert_eq!(
        one(&[("_survey", None)]).variable.as_deref(),
        Some("_survey")
    );
    assert_eq!(
        one(&[("_version", Some(json!(2023)))]).variable.as_deref(),
        Some("_version")
    );
    assert_eq!(one(&[("_status", Some(json!("done")))]).kind, "envelope");
    assert_eq!(
        one(&[("_submitted", Some(json!("2023-02-30T10:00:00Z")))]).kind,
        "envelope"
    );
    assert_eq!(
        one(&[("_submitted", Some(json!("2023-02-01")))]).kind,
        "envelope"
    );
    assert_eq!(one(&[("_id", Some(json!(17)))]).kind, "envelope");
    let ok = with(&valid(), &[("_submitted", None), ("_id", None)]);
    assert_eq!(check_response(&s, &ok), vec![]);
    let ok = with(
        &valid(),
        &[("_submitted", Some(json!("2023-02-01T11:30:00.25+02:00")))],
    );
    assert_eq!(check_response(&s, &ok), vec![]);
}

#[test]
fn unknown_names() {
    let s = barometer();
    let p = only(&s, &with(&valid(), &[("regoin", Some(json!(6)))]));
    assert_eq!(p.kind, "unknown-name");
    assert_eq!(
        p.message,
        "`regoin` is not a variable of this survey; did you mean `region`?"
    );
    let p = only(&s, &with(&valid(), &[("_weight", Some(json!(1.5)))]));
    assert_eq!(
        (p.kind, p.variable.as_deref()),
        ("unknown-name", Some("_weight"))
    );
}

#[test]
fn not_an_object() {
    let s = barometer();
    for v in [json!([]), json!(null), json!("x"), json!(5)] {
        assert_eq!(kinds(&check_response(&s, &v)), vec![("not-object", None)]);
    }
}

// ---------------------------------------------------------------------------
// Every kind of variable.

fn kinds_ok() -> Value {
    json!({
        "_survey": "kinds", "_version": "1", "_status": "complete",
        "lang": "en", "consent": 1, "age": 30, "height": 1.8,
        "born": "2000-02-29", "pets": [1, 3], "nick": "ääkkö"
    })
}

#[test]
fn every_kind_of_variable() {
    let s = build(KINDS_SURVEY);
    let v = Validator::new(&s);
    assert_eq!(v.check(&kinds_ok()), vec![]);
    let kind_of = |changes: &[(&str, Option<Value>)]| {
        let ps = v.check(&with(&kinds_ok(), changes));
        assert_eq!(ps.len(), 1, "{changes:?}: {ps:#?}");
        ps[0].kind
    };
    // Required: not null in a complete response, null allowed in a partial one.
    assert_eq!(
        kind_of(&[("consent", Some(Value::Null)), ("age", None)]),
        "required"
    );
    let partial = with(
        &kinds_ok(),
        &[
            ("_status", Some(json!("partial"))),
            ("consent", Some(Value::Null)),
            ("age", None),
        ],
    );
    assert_eq!(v.check(&partial), vec![]);
    let ok = |changes: &[(&str, Option<Value>)]| v.check(&with(&kinds_ok(), changes));
    // Integers: 30.0 is 30; bounds inclusive.
    assert_eq!(ok(&[("age", Some(json!(30.0)))]), vec![]);
    assert_eq!(ok(&[("age", Some(json!(18)))]), vec![]);
    assert_eq!(ok(&[("age", Some(json!(120)))]), vec![]);
    assert_eq!(kind_of(&[("age", Some(json!(30.5)))]), "not-integer");
    assert_eq!(kind_of(&[("age", Some(json!(17)))]), "range");
    assert_eq!(kind_of(&[("age", Some(json!(121)))]), "range");
    assert_eq!(kind_of(&[("age", Some(json!("30")))]), "type");
    let p = &v.check(&with(&kinds_ok(), &[("age", Some(json!(130)))]))[0];
    assert_eq!(
        p.message,
        "`age` (Age) is 130; it must be between 18 and 120"
    );
    // Decimals.
    assert_eq!(ok(&[("height", Some(json!(2)))]), vec![]);
    assert_eq!(kind_of(&[("height", Some(json!(2.51)))]), "range");
    assert_eq!(kind_of(&[("height", Some(json!(0.4)))]), "range");
    assert_eq!(kind_of(&[("height", Some(json!(true)))]), "type");
    // Dates.
    assert_eq!(kind_of(&[("born", Some(json!("2001-02-29")))]), "date");
    assert_eq!(kind_of(&[("born", Some(json!("2001-2-28")))]), "date");
    assert_eq!(kind_of(&[("born", Some(json!(20010228)))]), "type");
    assert_eq!(ok(&[("born", Some(Value::Null))]), vec![]);
    // Multiple choice with min and max; min does not apply to an exclusive option.
    assert_eq!(kind_of(&[("pets", Some(json!([1])))]), "too-few");
    assert_eq!(ok(&[("pets", Some(json!([5])))]), vec![]);
    assert_eq!(kind_of(&[("pets", Some(json!([5, 1])))]), "exclusive");
    assert_eq!(kind_of(&[("pets", Some(json!([1, 2, 3, 4])))]), "too-many");
    // Texts.
    assert_eq!(kind_of(&[("nick", Some(json!("ääkköö")))]), "too-long");
    // Routing on a required question: age is asked only when consent = 1.
    assert_eq!(kind_of(&[("consent", Some(json!(2)))]), "not-asked");
    assert_eq!(ok(&[("consent", Some(json!(2))), ("age", None)]), vec![]);
    assert_eq!(kind_of(&[("age", None)]), "missing");
}

/// Every kind of problem but `malformed` (a CLI matter) comes up in these
/// responses, and every problem names its kind from [`KINDS`].
#[test]
fn every_problem_kind_is_reachable() {
    let s = build(KINDS_SURVEY);
    let v = Validator::new(&s);
    let bad: Vec<Value> = vec![
        json!(1),
        with(&kinds_ok(), &[("_survey", None), ("x", Some(json!(1)))]),
        with(&kinds_ok(), &[("consent", Some(json!(2)))]),
        with(&kinds_ok(), &[("age", None)]),
        with(
            &kinds_ok(),
            &[("consent", Some(Value::Null)), ("age", None)],
        ),
        with(&kinds_ok(), &[("consent", Some(json!("1")))]),
        with(&kinds_ok(), &[("consent", Some(json!(3)))]),
        with(&kinds_ok(), &[("pets", Some(json!([])))]),
        with(&kinds_ok(), &[("pets", Some(json!([1, 1])))]),
        with(&kinds_ok(), &[("pets", Some(json!([5, 1])))]),
        with(&kinds_ok(), &[("pets", Some(json!([1, 2, 3, 4])))]),
        with(&kinds_ok(), &[("pets", Some(json!([1])))]),
        with(&kinds_ok(), &[("age", Some(json!(1.5)))]),
        with(&kinds_ok(), &[("age", Some(json!(1)))]),
        with(&kinds_ok(), &[("nick", Some(json!("123456")))]),
        with(&kinds_ok(), &[("born", Some(json!("1999-13-01")))]),
        with(&kinds_ok(), &[("lang", Some(json!("sv")))]),
    ];
    let mut seen = BTreeSet::new();
    for r in &bad {
        let ps = v.check(r);
        assert!(!ps.is_empty(), "{r} should be invalid");
        for p in ps {
            assert!(KINDS.iter().any(|(k, _)| *k == p.kind), "{}", p.kind);
            assert!(!p.message.is_empty());
            seen.insert(p.kind);
        }
    }
    let all: BTreeSet<&str> = KINDS
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| *k != "malformed")
        .collect();
    assert_eq!(seen, all);
}

/// Responses generated along real routes (`lomake::sample`) are valid,
/// complete and partial, on both waves.
#[test]
fn sampled_responses_are_valid() {
    for path in [
        BAROMETER,
        "surveys/partnership-barometer-2020.survey",
        KINDS_SURVEY,
    ] {
        let s = build(path);
        let v = Validator::new(&s);
        for status in [Status::Complete, Status::Partial] {
            let options = Options {
                status,
                ..Options::default()
            };
            for seed in 0..300 {
                let r = sample_response(&s, seed, &options);
                assert_eq!(v.check(&r), vec![], "{path} seed {seed}: {r}");
            }
        }
    }
}

/// Odd input is reported, never a panic.
#[test]
fn odd_values_do_not_panic() {
    let s = build(KINDS_SURVEY);
    let v = Validator::new(&s);
    let odd = [
        json!(1.7976931348623157e308),
        json!(-1.7976931348623157e308),
        json!(18446744073709551615u64),
        json!(-9223372036854775808i64),
        json!(-0.0),
        json!({"a": [1, {"b": null}]}),
        json!([[[]]]),
        json!("\u{0}"),
        json!("ä".repeat(10_000)),
        json!(""),
    ];
    for name in [
        "consent",
        "age",
        "height",
        "born",
        "pets",
        "nick",
        "lang",
        "_status",
        "_submitted",
        "_id",
        "_survey",
        "🙂",
    ] {
        for o in &odd {
            let r = with(&kinds_ok(), &[(name, Some(o.clone()))]);
            let _ = v.check(&r);
        }
    }
}

// ---------------------------------------------------------------------------
// The command line, run from the repository root.

fn lomake(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lomake"))
        .args(["--color", "never"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run lomake")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

fn temp(name: &str, content: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lomake-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn cli_one_object() {
    let o = lomake(&[
        "validate",
        BAROMETER,
        "tests/fixtures/responses/valid-complete.json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "");
    assert_eq!(
        text(&o.stderr),
        "lomake: 1 response read: 1 valid, 0 invalid\n"
    );
    let o = lomake(&[
        "validate",
        "-q",
        BAROMETER,
        "tests/fixtures/responses/valid-complete.json",
    ]);
    assert_eq!((o.status.code(), text(&o.stderr)), (Some(0), String::new()));
}

#[test]
fn cli_array() {
    let o = lomake(&["validate", BAROMETER, "tests/fixtures/responses/array.json"]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert_eq!(
        out,
        "tests/fixtures/responses/array.json[1] (_id \"a-1\"): value: `lang` (Vastauskieli) is the string \"de\"; it must be one of fi, sv, en\n"
    );
    assert!(text(&o.stderr).starts_with("lomake: 3 responses read: 2 valid, 1 invalid\n"));
}

#[test]
fn cli_jsonl_with_a_malformed_line() {
    let o = lomake(&[
        "validate",
        BAROMETER,
        "tests/fixtures/responses/invalid.jsonl",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.contains("tests/fixtures/responses/invalid.jsonl:5: malformed: line 5 is not JSON"),
        "{out}"
    );
    // Lines after it are still checked.
    assert!(out.contains("invalid.jsonl:6: code: `org_type`"), "{out}");
    insta::assert_snapshot!(
        "validate_invalid_jsonl",
        format!("--- stdout\n{out}--- stderr\n{}", text(&o.stderr))
    );
}

#[test]
fn cli_json_lines() {
    let o = lomake(&[
        "validate",
        "--format",
        "json",
        BAROMETER,
        "tests/fixtures/responses/invalid.jsonl",
        "tests/fixtures/responses/array.json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stderr), "");
    let lines: Vec<Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let (summary, problems) = lines.split_last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["responses"], 9);
    assert_eq!(summary["valid"], 5);
    assert_eq!(summary["invalid"], 4);
    assert_eq!(summary["malformed"], 1);
    assert!(summary["top"].as_array().unwrap().len() <= 10);
    let first = &problems[0];
    assert_eq!(
        first,
        &json!({
            "type": "problem",
            "file": "tests/fixtures/responses/invalid.jsonl",
            "line": 2,
            "index": null,
            "id": "r-0002",
            "variable": "nat_forms",
            "kind": "not-asked",
            "message": "`nat_forms` is answered but was not asked: it needs `nat_part` = 1, the response has 2"
        })
    );
    let last = problems.last().unwrap();
    assert_eq!(
        (last["index"].clone(), last["line"].clone()),
        (json!(1), Value::Null)
    );
}

#[test]
fn cli_exit_codes() {
    let missing = lomake(&["validate", BAROMETER, "no/such/file.jsonl"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("no/such/file.jsonl"));
    let csv = temp("responses.csv", "a,b\n");
    let o = lomake(&["validate", BAROMETER, csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("unknown kind of file"),
        "{}",
        text(&o.stderr)
    );
    let o = lomake(&[
        "validate",
        "no-such.survey",
        "tests/fixtures/responses/valid-complete.json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    // No response files at all is a usage error.
    let o = lomake(&["validate", BAROMETER]);
    assert_eq!(o.status.code(), Some(2));
    // A survey with errors: its diagnostics, exit 1.
    let bad = temp("bad.survey", "survey s\n  version \"1\"\n");
    let o = lomake(&[
        "validate",
        bad.to_str().unwrap(),
        "tests/fixtures/responses/valid-complete.json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("error["), "{}", text(&o.stderr));
    // A .json file that is not JSON.
    let broken = temp("broken.json", "[{\"_survey\": 1},\n oops]");
    let o = lomake(&["validate", BAROMETER, broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains("broken.json[0]"), "{out}");
    assert!(out.contains("malformed: not valid JSON"), "{out}");
    assert!(out.contains("(line 2, column 2)"), "{out}");
    // A valid file next to a missing one: the I/O error wins.
    let o = lomake(&[
        "validate",
        BAROMETER,
        "tests/fixtures/responses/valid-complete.json",
        "nope.json",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// The fast path that accepts valid JSON lines without building a `Value`
/// agrees with the full check, on sampled responses and on mutations of
/// every variable and envelope field.
#[test]
fn the_fast_path_agrees_with_the_full_check() {
    let odd = [
        None,
        Some(Value::Null),
        Some(json!(1)),
        Some(json!(1.0)),
        Some(json!(1.5)),
        Some(json!(2)),
        Some(json!(5)),
        Some(json!(99)),
        Some(json!(1000)),
        Some(json!(-1)),
        Some(json!("fi")),
        Some(json!("2001-02-28")),
        Some(json!("2023-02-01T09:30:00Z")),
        Some(json!("x".repeat(201))),
        Some(json!([])),
        Some(json!([1])),
        Some(json!([1, 2])),
        Some(json!([1, 1])),
        Some(json!([6, 1])),
        Some(json!([99])),
        Some(json!([99, 1])),
        Some(json!([1, 2, 3, 4, 5, 6])),
        Some(json!(["1"])),
        Some(json!(true)),
        Some(json!({})),
    ];
    for path in [BAROMETER, KINDS_SURVEY] {
        let s = build(path);
        let v = Validator::new(&s);
        let mut names: Vec<String> = s.variables.iter().map(|v| v.name.clone()).collect();
        names.extend(
            [
                "_survey",
                "_version",
                "_status",
                "_submitted",
                "_id",
                "extra",
            ]
            .map(String::from),
        );
        for status in [Status::Complete, Status::Partial] {
            let options = Options {
                status,
                ..Options::default()
            };
            for seed in 0..6 {
                let base = sample_response(&s, seed, &options);
                assert!(v.quick_valid(base.to_string().as_bytes()), "{base}");
                for name in &names {
                    for o in &odd {
                        let r = with(&base, &[(name.as_str(), o.clone())]);
                        let slow = v.check(&r).is_empty();
                        let quick = v.quick_valid(r.to_string().as_bytes());
                        assert_eq!(quick, slow, "{path}: {name} = {o:?} in {r}");
                    }
                }
            }
        }
    }
    // Not for the fast path: a repeated name, a non-object, broken JSON.
    let s = barometer();
    let v = Validator::new(&s);
    let text = valid().to_string();
    assert!(v.quick_valid(text.as_bytes()));
    let repeated = text.replacen('{', "{\"region\": 6, ", 1);
    assert!(!v.quick_valid(repeated.as_bytes()));
    assert!(!v.quick_valid(b"[1]"));
    assert!(!v.quick_valid(&text.as_bytes()[..text.len() - 1]));
    assert!(!v.quick_valid(format!("{text} x").as_bytes()));
}

/// `lomake sample` writes valid responses, complete and partial, that
/// `lomake validate` accepts; the same seed gives the same bytes.
#[test]
fn sample_command_writes_valid_responses() {
    let bin = env!("CARGO_BIN_EXE_lomake");
    let dir = std::env::temp_dir().join(format!("lomake-sample-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("s.jsonl");
    let survey = "surveys/partnership-barometer-2023.survey";
    let run = |args: &[&str]| std::process::Command::new(bin).args(args).output().unwrap();
    let o = run(&[
        "sample",
        survey,
        "-n",
        "300",
        "--partial",
        "30",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), 300);
    let partial = text
        .lines()
        .filter(|l| l.contains("\"_status\":\"partial\""))
        .count();
    assert!((40..=140).contains(&partial), "{partial} partial responses");
    let o = run(&["--quiet", "validate", survey, file.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let again = run(&["sample", survey, "-n", "300", "--partial", "30"]);
    assert_eq!(String::from_utf8(again.stdout).unwrap(), text);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The fast path reads JSON text itself. Written in unusual but valid ways
/// (whitespace, escapes, number forms), a response is decided as the slow
/// path decides it; broken JSON is never accepted.
#[test]
fn fast_path_agrees_on_unusual_json_text() {
    let s = build(KINDS_SURVEY);
    let v = Validator::new(&s);
    let base = kinds_ok();
    let text = base.to_string();
    let agree = |t: &str, expect_quick: Option<bool>| {
        let slow = match serde_json::from_str::<Value>(t) {
            Ok(r) => v.check(&r).is_empty(),
            Err(_) => false,
        };
        let quick = v.quick_valid(t.as_bytes());
        assert!(!quick || slow, "fast path accepted what check rejects: {t}");
        if let Some(q) = expect_quick {
            assert_eq!(quick, q, "{t}");
        }
        slow
    };
    assert!(agree(&text, Some(true)));
    // Whitespace anywhere JSON allows it.
    let pretty = serde_json::to_string_pretty(&base).unwrap();
    assert!(agree(&pretty, Some(true)));
    assert!(agree(&format!(" \t\r\n{text}\n "), Some(true)));
    // Escapes in values are decoded; in names they go to the slow path.
    let lang = base["lang"].as_str().unwrap();
    let escaped: String = lang
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let t = text.replacen(
        &format!("\"lang\":\"{lang}\""),
        &format!("\"lang\":\"{escaped}\""),
        1,
    );
    assert_ne!(t, text);
    assert!(agree(&t, Some(true)));
    let t = text.replacen("\"lang\"", "\"\\u006cang\"", 1);
    assert!(agree(&t, Some(false)));
    // Numbers: 1.0, 1e0 and 10E-1 are the number 1.
    for form in ["1.0", "1e0", "10E-1", "0.1e1"] {
        let t = text.replacen("\"consent\":1", &format!("\"consent\":{form}"), 1);
        assert_ne!(t, text, "the base response answers `consent` with 1");
        assert!(agree(&t, Some(true)), "{form}");
    }
    // Long integers leave the fast path's short-integer loop: never a code.
    for form in ["1000000000000001", "100000000000000000000001", "0000"] {
        let t = text.replacen("\"consent\":1", &format!("\"consent\":{form}"), 1);
        assert!(!agree(&t, Some(false)), "{form}");
    }
    // Not JSON: leading zeros, a plus sign, a bare dot, a trailing comma,
    // single quotes, control characters in strings, trailing garbage.
    let broken = [
        text.replacen("\"consent\":1", "\"consent\":01", 1),
        text.replacen("\"consent\":1", "\"consent\":+1", 1),
        text.replacen("\"consent\":1", "\"consent\":1.", 1),
        text.replacen("\"consent\":1", "\"consent\":.5", 1),
        text.replacen("\"consent\":1", "\"consent\":1e", 1),
        text.replacen('}', ",}", 1),
        text.replacen("\"lang\"", "'lang'", 1),
        text.replacen(&format!("\"{lang}\""), &format!("\"{lang}\t\""), 1),
        text.replacen(&format!("\"{lang}\""), &format!("\"{lang}\\x\""), 1),
        format!("{text}}}"),
        format!("{text},"),
        text[..text.len() - 1].to_string(),
    ];
    for t in &broken {
        assert!(!agree(t, Some(false)), "{t}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]
    /// Any edit of a valid response's text: whenever the fast path accepts
    /// the result, `check` accepts it too.
    #[test]
    fn fast_path_never_accepts_what_check_rejects(
        seed in 0u64..50,
        at in 0usize..4000,
        edit in 0usize..12,
        byte in proptest::prelude::any::<u8>(),
    ) {
        thread_local! {
            static SURVEY: Survey = barometer();
        }
        SURVEY.with(|s| {
            let v = Validator::new(s);
            let r = sample_response(s, seed, &Options::default());
            let mut t = r.to_string().into_bytes();
            let at = at % t.len();
            const PIECES: [&[u8]; 11] = [
                b" ", b"\"", b"\\", b",", b":", b"null", b"-", b".", b"e", b"[", b"]",
            ];
            match edit {
                0 => { t.remove(at); }
                1 => t[at] = byte,
                n => { let p = PIECES[n - 2]; t.splice(at..at, p.iter().copied()); }
            }
            let quick = v.quick_valid(&t);
            if quick {
                let parsed: Value = serde_json::from_slice(&t).expect("fast path accepted broken JSON");
                let problems = v.check(&parsed);
                proptest::prop_assert!(problems.is_empty(), "{:?} in {}", problems, String::from_utf8_lossy(&t));
            }
            Ok(())
        })?;
    }
}

/// Numbers with 17 or more significant digits are read as the nearest
/// double, as the schema's validators read them, on both the streaming path
/// (JSON lines) and the full one (a .json file): 120.00000000000001 is not
/// 120 (over the maximum and not whole), 2.50000000000000022 is 2.5 (within
/// the maximum).
#[test]
fn long_numbers_are_read_exactly() {
    let dir = std::env::temp_dir().join(format!("lomake-validate-digits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let line = |age: &str, height: &str| {
        serde_json::to_string(&kinds_ok())
            .unwrap()
            .replace("\"age\":30", &format!("\"age\":{age}"))
            .replace("\"height\":1.8", &format!("\"height\":{height}"))
    };
    let cases = [
        ("120.00000000000001", "1.8", false),
        ("30", "2.50000000000000022", true),
        ("30", "2.5000000000000005", false),
    ];
    for (age, height, valid) in cases {
        let l = line(age, height);
        assert!(l.contains(age) && l.contains(height), "{l}");
        for name in ["r.jsonl", "r.json"] {
            let path = dir.join(name);
            std::fs::write(&path, format!("{l}\n")).unwrap();
            let o = lomake(&["validate", KINDS_SURVEY, path.to_str().unwrap()]);
            assert_eq!(
                o.status.code(),
                Some(if valid { 0 } else { 1 }),
                "{name} age {age} height {height}: {}{}",
                text(&o.stdout),
                text(&o.stderr)
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The test above runs a binary built with the dev-dependencies, one of
/// which (jsonschema) turns on serde_json's `float_roundtrip`: without it
/// in `[dependencies]`, the released binary alone would read
/// 10.000000000000001 as 10 on the full path, and the schema and
/// `lomake validate` would disagree at the ends of ranges.
#[test]
fn the_released_binary_reads_numbers_exactly_too() {
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    let deps = manifest
        .split("\n[dependencies]\n")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .unwrap();
    let serde_json = deps.lines().find(|l| l.starts_with("serde_json")).unwrap();
    assert!(serde_json.contains("\"float_roundtrip\""), "{serde_json}");
}

/// A `.json` file that starts with a UTF-8 byte-order mark (as Windows tools
/// write them) is read like one without, by `validate` and by `flatten`.
#[test]
fn a_json_file_with_a_byte_order_mark_is_read() {
    let dir = std::env::temp_dir().join(format!("lomake-validate-bom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("r.json");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(format!("{FIXTURES}/valid-complete.json")).unwrap());
    std::fs::write(&path, bytes).unwrap();
    let p = path.to_str().unwrap();
    let o = lomake(&["validate", BAROMETER, p]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let csv = dir.join("r.csv");
    let o = lomake(&["flatten", BAROMETER, p, "-o", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&csv).unwrap().lines().count(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}
