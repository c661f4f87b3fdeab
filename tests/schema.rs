//! The JSON Schema target (`src/targets/schema.rs`): the generated schemas
//! are valid draft 2020-12 documents, the languages agree, the output is
//! stable, the routing semantics cases hold on the compiled `truth` schemas,
//! and the examples of the response format are accepted or refused.
//!
//! Validation here uses the `jsonschema` crate (nobody on the team wrote it),
//! with format validation switched on.

use std::path::{Path, PathBuf};

use lomake::check::{CheckOptions, check_file};
use lomake::ir::{Condition, Survey};
use lomake::source::{DiskLoader, normalize};
use lomake::targets::schema::{self, DIALECT};
use serde_json::{Map, Value, json};

const SURVEYS: &[&str] = &[
    "surveys/partnership-barometer-2020.survey",
    "surveys/partnership-barometer-2023.survey",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn compile(path: &Path) -> Survey {
    let checked = check_file(&DiskLoader, path, &CheckOptions::default()).unwrap();
    assert!(
        checked.diagnostics.is_empty(),
        "{} must check clean: {:#?}",
        path.display(),
        checked.diagnostics
    );
    checked.survey.expect("no errors, so an IR")
}

fn barometer(year: u32) -> Survey {
    compile(&root().join(format!("surveys/partnership-barometer-{year}.survey")))
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("the schema does not compile: {e}"))
}

/// Every `$ref` in a schema, anywhere.
fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref" {
                    out.push(x.as_str().expect("a $ref is a string"));
                }
                refs(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[test]
fn every_schema_is_valid_draft_2020_12_and_self_contained() {
    for path in SURVEYS {
        let ir = compile(&root().join(path));
        for lang in &ir.languages {
            let s = schema::schema(&ir, lang);
            let at = format!("{path} [{lang}]");
            assert_eq!(s["$schema"], json!(DIALECT), "{at}");
            if let Err(e) = jsonschema::meta::validate(&s) {
                panic!("{at}: not a valid schema: {e}");
            }
            jsonschema::draft202012::meta::validate(&s)
                .unwrap_or_else(|e| panic!("{at}: fails the 2020-12 metaschema: {e}"));
            validator(&s);
            let mut rs = Vec::new();
            refs(&s, &mut rs);
            assert!(
                !rs.is_empty(),
                "{at}: value labels are shared through $refs"
            );
            for r in rs {
                assert!(r.starts_with('#'), "{at}: a non-local $ref {r}");
                let pointer = r.trim_start_matches('#');
                assert!(
                    s.pointer(pointer).is_some(),
                    "{at}: $ref {r} does not resolve"
                );
            }
            assert_eq!(s["additionalProperties"], json!(false), "{at}");
        }
    }
}

/// Removes the annotations that may differ between languages.
fn strip_annotations(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for k in ["title", "description", "$id", "x-lomake-survey"] {
                m.remove(k);
            }
            m.values_mut().for_each(strip_annotations);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_annotations),
        _ => {}
    }
}

#[test]
fn the_languages_validate_identically_and_have_their_own_ids() {
    for path in SURVEYS {
        let ir = compile(&root().join(path));
        assert_eq!(ir.languages, ["fi", "sv", "en"], "{path}");
        let schemas: Vec<Value> = ir
            .languages
            .iter()
            .map(|l| schema::schema(&ir, l))
            .collect();
        let ids: Vec<&Value> = schemas.iter().map(|s| &s["$id"]).collect();
        for (i, l) in ir.languages.iter().enumerate() {
            assert_eq!(*ids[i], json!(schema::schema_id(&ir, l)));
            for j in 0..i {
                assert_ne!(ids[i], ids[j], "{path}: two languages share an $id");
            }
            assert!(
                ids[i].as_str().unwrap().contains(&format!(":{l}:")),
                "{path}: the $id {} does not name {l}",
                ids[i]
            );
        }
        // The titles really are translated (the comparison below is not empty).
        assert_ne!(schemas[0]["title"], schemas[2]["title"], "{path}");
        let stripped: Vec<Value> = schemas
            .into_iter()
            .map(|mut s| {
                strip_annotations(&mut s);
                s
            })
            .collect();
        for (i, s) in stripped.iter().enumerate().skip(1) {
            assert!(
                *s == stripped[0],
                "{path}: the {} schema differs from the {} one in more than annotations",
                ir.languages[i],
                ir.languages[0]
            );
        }
    }
}

#[test]
fn barometer_2023_fi_schema() {
    let ir = barometer(2023);
    insta::assert_snapshot!(
        "partnership_barometer_2023_fi_schema",
        schema::to_json(&schema::schema(&ir, "fi"))
    );
}

#[test]
fn barometer_2020_en_schema() {
    let ir = barometer(2020);
    insta::assert_snapshot!(
        "partnership_barometer_2020_en_schema",
        schema::to_json(&schema::schema(&ir, "en"))
    );
}

#[test]
fn output_is_deterministic() {
    for path in SURVEYS {
        for lang in ["fi", "sv", "en"] {
            let a = schema::to_json(&schema::schema(&compile(&root().join(path)), lang));
            let b = schema::to_json(&schema::schema(&compile(&root().join(path)), lang));
            assert!(a == b, "{path} [{lang}]: two builds differ");
            assert!(a.ends_with("}\n"), "{path} [{lang}]: no trailing newline");
        }
    }
}

// ---------------------------------------------------------------------------
// The routing semantics cases, on the compiled truth schemas.

/// A `truth` schema as a root schema of its own.
fn root_schema(s: &Value) -> Value {
    json!({"$schema": DIALECT, "allOf": [s]})
}

/// The cases `truth` cannot encode today (`file: when`). Changing what JSON
/// Schema can express must update this list (and `docs/schema.md`).
const NOT_ENCODABLE: &[&str] = &["values.json: n <= d"];

#[test]
fn semantics_cases_hold_on_the_compiled_schemas() {
    let dir = root().join("tests/semantics");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut run = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let file: Map<String, Value> =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let survey_path = normalize(&dir.join(file["survey"].as_str().unwrap()));
        let survey = compile(&survey_path);
        for (i, case) in file["cases"].as_array().unwrap().iter().enumerate() {
            let when = case["when"].as_str().unwrap();
            let cond: Condition = serde_json::from_value(case["condition"].clone())
                .unwrap_or_else(|e| panic!("{name}: case {i}: {e}"));
            let response = &case["response"];
            let expected = case["expected"].as_str().unwrap();
            let Some((t, f)) = schema::truth(&survey, &cond) else {
                skipped.push(format!("{name}: {when}"));
                continue;
            };
            run += 1;
            let t_ok = validator(&root_schema(&t)).is_valid(response);
            let f_ok = validator(&root_schema(&f)).is_valid(response);
            let want = (expected == "true", expected == "false");
            if (t_ok, f_ok) != want {
                failures.push(format!(
                    "{name}: case {i} `{when}` on {response}: expected {expected}, \
                     the true schema {} and the false schema {}\n  true:  {t}\n  false: {f}",
                    if t_ok { "accepts" } else { "refuses" },
                    if f_ok { "accepts" } else { "refuses" },
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {run} semantics cases disagree with the schema:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    skipped.dedup();
    assert_eq!(
        skipped, NOT_ENCODABLE,
        "the cases JSON Schema cannot encode changed; update NOT_ENCODABLE and docs/schema.md"
    );
    assert!(run >= 200, "only {run} cases ran");
}

// ---------------------------------------------------------------------------
// The examples of the response format, against the 2023 schema.

/// A complete 2023 response: every unconditioned question `null`, nobody
/// took part in national or regional cooperation, so `nopart_why` is asked.
fn base_2023() -> Map<String, Value> {
    let ir = barometer(2023);
    let mut r = Map::new();
    r.insert("_survey".into(), json!("partnership_barometer_2023"));
    r.insert("_version".into(), json!("2023"));
    r.insert("_status".into(), json!("complete"));
    for v in &ir.variables {
        if v.condition.is_none() {
            r.insert(v.name.clone(), Value::Null);
        }
    }
    r.insert("lang".into(), json!("fi"));
    r.insert("nat_part".into(), json!(2));
    r.insert("reg_part".into(), json!(2));
    r.insert("nopart_why".into(), Value::Null);
    r
}

struct Barometer2023 {
    ir: Survey,
    validator: jsonschema::Validator,
}

impl Barometer2023 {
    fn new() -> Self {
        let ir = barometer(2023);
        let validator = validator(&schema::schema(&ir, "fi"));
        Barometer2023 { ir, validator }
    }

    /// The schema's verdict, which must agree with lomake's own evaluation
    /// of the routing for the routing part (checked by tests/agreement.rs).
    fn valid(&self, r: &Map<String, Value>) -> bool {
        self.validator.is_valid(&Value::Object(r.clone()))
    }

    fn with(&self, changes: &[(&str, Value)]) -> Map<String, Value> {
        let mut r = base_2023();
        for (k, v) in changes {
            r.insert((*k).to_string(), v.clone());
        }
        r
    }

    fn without(&self, names: &[&str]) -> Map<String, Value> {
        let mut r = base_2023();
        for n in names {
            r.remove(*n);
        }
        r
    }
}

fn show(r: &Map<String, Value>) -> String {
    serde_json::to_string(r).unwrap()
}

macro_rules! valid {
    ($b:expr, $r:expr) => {{
        let r = $r;
        assert!($b.valid(&r), "should be valid: {}", show(&r));
    }};
}

macro_rules! invalid {
    ($b:expr, $r:expr) => {{
        let r = $r;
        assert!(!$b.valid(&r), "should be invalid: {}", show(&r));
    }};
}

/// `nat_part` = 1 asks the national block.
fn national(b: &Barometer2023, forms: Value) -> Map<String, Value> {
    let mut r = b.with(&[("nat_part", json!(1)), ("nat_forms", forms)]);
    r.remove("nopart_why");
    for n in [
        "nat_useful_a",
        "nat_useful_b",
        "nat_useful_c",
        "nat_useful_d",
    ] {
        r.insert(n.into(), json!(3));
    }
    for n in [
        "principles_a",
        "principles_b",
        "principles_c",
        "principles_d",
    ] {
        r.insert(n.into(), Value::Null);
    }
    r
}

#[test]
fn the_base_responses_are_valid() {
    let b = Barometer2023::new();
    assert!(b.ir.variable("nat_forms").is_some());
    valid!(b, base_2023());
    valid!(b, national(&b, json!([1, 2])));
    valid!(b, national(&b, Value::Null));
    let mut partial = national(&b, json!([1]));
    partial.insert("_status".into(), json!("partial"));
    valid!(b, partial);
}

#[test]
fn routing_and_completeness() {
    let b = Barometer2023::new();
    // Answered but not asked: nat_part is 2.
    invalid!(b, b.with(&[("nat_forms", json!([1]))]));
    // Even a null answer must not be there when not asked.
    invalid!(b, b.with(&[("nat_forms", Value::Null)]));
    // Asked (nat_part is 1) but missing from a complete response.
    let mut r = national(&b, json!([1]));
    r.remove("nat_forms");
    invalid!(b, r.clone());
    // … which is fine in a partial response (not reached).
    r.insert("_status".into(), json!("partial"));
    valid!(b, r);
    // A partial response with only the envelope and the language.
    let mut p = Map::new();
    for k in ["_survey", "_version", "lang"] {
        p.insert(k.into(), base_2023()[k].clone());
    }
    p.insert("_status".into(), json!("partial"));
    valid!(b, p.clone());
    p.remove("lang");
    invalid!(b, p);
    // The "other" text follows its option.
    invalid!(
        b,
        national(&b, json!([1]))
            .into_iter()
            .chain([("nat_forms_other".into(), json!("x"))])
            .collect::<Map<_, _>>()
    );
    valid!(
        b,
        national(&b, json!([6]))
            .into_iter()
            .chain([("nat_forms_other".into(), json!("x"))])
            .collect::<Map<_, _>>()
    );
    invalid!(b, national(&b, json!([6])));
    // A missing code answers nat_part but does not ask the national block.
    valid!(b, b.with(&[("nat_part", json!(99))]));
    invalid!(
        b,
        b.with(&[("nat_part", json!(99)), ("nat_forms", Value::Null)])
    );
    // A complete response without an unconditioned question.
    invalid!(b, b.without(&["feedback"]));
}

#[test]
fn values() {
    let b = Barometer2023::new();
    // Multiple choice.
    invalid!(b, b.with(&[("new_methods", json!([]))]));
    valid!(b, b.with(&[("new_methods", json!([99]))]));
    valid!(b, b.with(&[("new_methods", json!([1, 2]))]));
    invalid!(b, b.with(&[("new_methods", json!([99, 1]))]));
    invalid!(b, b.with(&[("new_methods", json!([1, 99]))]));
    invalid!(b, b.with(&[("new_methods", json!([1, 1]))]));
    invalid!(b, b.with(&[("new_methods", json!([1, 1.0]))]));
    invalid!(b, b.with(&[("new_methods", json!([7]))]));
    invalid!(b, b.with(&[("new_methods", json!(1))]));
    invalid!(b, b.with(&[("info_sources", json!([1, 2, 3, 4, 5, 6]))]));
    valid!(b, b.with(&[("info_sources", json!([1, 2, 3, 4, 5]))]));
    // Codes: 7.0 is the number 7.
    valid!(b, b.with(&[("grade_municipal", json!(7.0))]));
    valid!(b, b.with(&[("grade_municipal", json!(99))]));
    invalid!(b, b.with(&[("grade_municipal", json!(7.5))]));
    invalid!(b, b.with(&[("grade_municipal", json!(11))]));
    invalid!(b, b.with(&[("grade_municipal", json!("7"))]));
    invalid!(b, b.with(&[("grade_municipal", json!(true))]));
    invalid!(b, b.with(&[("region", json!(3))]));
    // The language.
    invalid!(b, b.with(&[("lang", json!("de"))]));
    invalid!(b, b.with(&[("lang", Value::Null)]));
    // Texts: the limit counts code points.
    let ae = |n: usize| json!("ä".repeat(n));
    valid!(
        b,
        b.with(&[("practices_used", json!(1)), ("feedback", json!(""))])
    );
    valid!(
        b,
        b.with(&[("org_type", json!(9)), ("org_type_other", ae(200))])
    );
    invalid!(
        b,
        b.with(&[("org_type", json!(9)), ("org_type_other", ae(201))])
    );
    valid!(
        b,
        b.with(&[
            ("org_type", json!(9)),
            ("org_type_other", json!("🙂".repeat(200)))
        ])
    );
    invalid!(
        b,
        b.with(&[
            ("org_type", json!(9)),
            ("org_type_other", json!("🙂".repeat(201)))
        ])
    );
    valid!(b, b.with(&[("feedback", ae(2000))]));
    invalid!(b, b.with(&[("feedback", ae(2001))]));
    invalid!(b, b.with(&[("feedback", json!(5))]));
}

#[test]
fn envelope() {
    let b = Barometer2023::new();
    // Unknown properties, and `_`-names that are not the envelope.
    invalid!(b, b.with(&[("foo", json!(1))]));
    invalid!(b, b.with(&[("_foo", json!(1))]));
    invalid!(b, b.with(&[("Nat_part", json!(1))]));
    // The survey, its version and the status are fixed.
    invalid!(
        b,
        b.with(&[("_survey", json!("partnership_barometer_2020"))])
    );
    invalid!(b, b.with(&[("_version", json!("2020"))]));
    invalid!(b, b.with(&[("_version", json!(2023))]));
    invalid!(b, b.with(&[("_status", json!("done"))]));
    for k in ["_survey", "_version", "_status"] {
        invalid!(b, b.without(&[k]));
    }
    // The optional fields.
    valid!(
        b,
        b.with(&[
            ("_id", json!("r-17")),
            ("_submitted", json!("2023-02-01T09:30:00Z"))
        ])
    );
    valid!(
        b,
        b.with(&[("_submitted", json!("2023-02-01T09:30:00+02:00"))])
    );
    invalid!(b, b.with(&[("_id", json!(17))]));
    invalid!(b, b.with(&[("_submitted", json!("2023-02-01"))]));
    invalid!(b, b.with(&[("_submitted", json!("yesterday"))]));
    // Not an object at all.
    assert!(!b.validator.is_valid(&json!([])));
    assert!(!b.validator.is_valid(&json!(null)));
}

/// The kinds the Barometer lacks (`tests/fixtures/schema/kinds.survey`):
/// integers, decimals, dates, a required question, a minimum selection.
#[test]
fn other_kinds() {
    let ir = compile(&root().join("tests/fixtures/schema/kinds.survey"));
    let s = schema::schema(&ir, "en");
    jsonschema::draft202012::meta::validate(&s).unwrap();
    let v = validator(&s);
    // age 30 asks `share`, and 30 > 0.5 asks `older`.
    let base = json!({"_survey": "kinds", "_version": "1", "_status": "complete", "lang": "en",
        "age": 30, "share": 0.5, "born": "2000-02-29", "colours": [1, 2], "before": null,
        "older": null});
    let with = |k: &str, x: Value| {
        let mut r = base.clone();
        r[k] = x;
        r
    };
    assert!(v.is_valid(&base), "{base}");
    for (k, x, ok) in [
        ("age", json!(30.0), true),
        ("age", json!(99.0), true),
        ("age", json!(100), false),
        ("age", json!(30.5), false),
        ("share", json!(0), true),
        ("share", json!(1), true),
        ("share", json!(1.01), false),
        ("share", json!(-0.1), false),
        ("share", json!("0.5"), false),
        ("born", Value::Null, true),
        ("born", json!("2001-02-29"), false), // not a real date
        ("born", json!("2000-13-01"), false),
        ("born", json!("2000-1-01"), false),
        ("born", json!("20000-01-01"), false),
        ("born", json!(20000101), false),
        ("colours", json!([1]), false), // min 2
        ("colours", json!([1, 2, 3]), true),
        ("colours", json!([9]), true), // the exclusive option alone
        ("colours", json!([9, 1]), false),
        ("colours", json!([]), false),
    ] {
        let r = with(k, x);
        assert_eq!(v.is_valid(&r), ok, "{r}");
    }
    // The bounds, without `share` (asked from 30 on).
    let mut r = with("age", json!(18));
    r.as_object_mut().unwrap().remove("share");
    assert!(v.is_valid(&r), "{r}");
    r["age"] = json!(17);
    assert!(!v.is_valid(&r), "{r}");
    // A required question may not be null in a complete response, but may in
    // a partial one (without `age`, `share` is not asked).
    let mut r = with("age", Value::Null);
    r.as_object_mut().unwrap().remove("share");
    assert!(!v.is_valid(&r), "{r}");
    r["_status"] = json!("partial");
    assert!(v.is_valid(&r), "{r}");

    // Routing through a missing code, an exclusive option and two variables
    // on one scale (`after > before` is enumerated as pairs of codes).
    let mut r = with("before", json!(1));
    assert!(!v.is_valid(&r), "after is asked: {r}");
    r["after"] = json!(99);
    assert!(v.is_valid(&r), "{r}");
    r["after"] = json!(2);
    assert!(!v.is_valid(&r), "better is asked: {r}");
    r["better"] = json!("abcdefghij");
    assert!(v.is_valid(&r), "{r}");
    r["better"] = json!("abcdefghijk");
    assert!(!v.is_valid(&r), "over maxlength 10: {r}");
    let mut r = with("before", json!(99));
    assert!(v.is_valid(&r), "{r}");
    r["after"] = Value::Null;
    assert!(!v.is_valid(&r), "after is not asked: {r}");
    let mut r = with("before", json!(1));
    r["colours"] = json!([9]);
    assert!(v.is_valid(&r), "{r}");

    // What JSON Schema cannot express: an ordering of dates and of two
    // numbers. The schema leaves those variables' presence open;
    // `lomake validate` checks it.
    for name in ["since", "older"] {
        assert_eq!(
            s["properties"][name]["x-lomake-routing-not-encoded"],
            json!(true),
            "{name}"
        );
    }
    let r = with("since", json!("2001-01-01"));
    assert!(v.is_valid(&r), "{r}");
    assert!(!lomake::validate::check_response(&ir, &r).is_empty(), "{r}");
    let mut r = base.clone();
    r.as_object_mut().unwrap().remove("older");
    assert!(v.is_valid(&r), "{r}");
    assert!(!lomake::validate::check_response(&ir, &r).is_empty(), "{r}");
    assert!(
        lomake::validate::check_response(&ir, &base).is_empty(),
        "{base}"
    );
}

/// Every `x-lomake-*` keyword the target writes is documented in
/// `docs/schema.md`, and the documentation names no keyword it does not write.
#[test]
fn every_annotation_is_documented() {
    fn keys(v: &Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    // The IR condition inside `x-lomake-condition` is data.
                    if k.starts_with("x-lomake-") {
                        out.insert(k.clone());
                    }
                    if k != "x-lomake-condition" && k != "x-lomake-survey" {
                        keys(x, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
            _ => {}
        }
    }
    let mut written = std::collections::BTreeSet::new();
    for path in SURVEYS
        .iter()
        .copied()
        .chain(["tests/fixtures/schema/kinds.survey"])
    {
        let ir = compile(&root().join(path));
        keys(&schema::schema(&ir, "en"), &mut written);
    }
    let doc = std::fs::read_to_string(root().join("docs/schema.md")).unwrap();
    let mut documented = std::collections::BTreeSet::new();
    for piece in doc.split('`').skip(1).step_by(2) {
        if piece.starts_with("x-lomake-") && !piece.contains(['*', ' ', '"']) {
            documented.insert(piece.to_string());
        }
    }
    assert_eq!(written, documented, "written by the target vs documented");
}

/// The response fixtures that `scripts/external-checks.sh` gives to Python
/// `jsonschema` (`tests/fixtures/responses/schema/<survey-id>--valid-*.json`
/// and `--invalid-*.json`) get the same verdict from the `jsonschema` crate
/// and from `lomake validate`.
#[test]
fn response_fixtures() {
    let dir = root().join("tests/fixtures/responses/schema");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let surveys: Vec<Survey> = SURVEYS.iter().map(|p| compile(&root().join(p))).collect();
    let (mut valid, mut invalid) = (0, 0);
    for path in &files {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let (id, what) = name.split_once("--").expect("<survey-id>--<what>.json");
        let ir = surveys
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("{name}: no survey {id}"));
        let want = if what.starts_with("valid-") {
            valid += 1;
            true
        } else {
            assert!(what.starts_with("invalid-"), "{name}");
            invalid += 1;
            false
        };
        let r: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for lang in &ir.languages {
            let ok = validator(&schema::schema(ir, lang)).is_valid(&r);
            assert_eq!(ok, want, "{name}: the {lang} schema");
        }
        let problems = lomake::validate::check_response(ir, &r);
        assert_eq!(problems.is_empty(), want, "{name}: {problems:?}");
    }
    assert!(
        valid >= 3 && invalid >= 5,
        "{valid} valid, {invalid} invalid"
    );
}
