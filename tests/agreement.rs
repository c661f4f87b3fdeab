//! Agreement between lomake's own validator (`lomake::validate`, which
//! evaluates the routing with `lomake::eval`) and the generated JSON Schema
//! (checked with the `jsonschema` crate, formats on).
//!
//! - Random valid responses that walk each survey's routing, complete and
//!   partial (`lomake::sample`), are accepted by both.
//! - Mutations of them (out-of-range code, an answer to a question not asked,
//!   an asked question missing from a complete response, a wrong type, an
//!   unknown property, `[]`, a duplicate code, an exclusive option combined,
//!   a text over the limit, a wrong `_survey`) are refused by both.
//! - The `truth` schemas of random conditions agree with `eval` on random
//!   responses (true, false and unknown).
//!
//! Any disagreement fails with the response printed.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lomake::check::{CheckOptions, check_file};
use lomake::eval::{Truth, eval};
use lomake::ir::{Condition, Survey, VariableKind};
use lomake::sample::{self, Options, Rng, Status};
use lomake::source::DiskLoader;
use lomake::targets::schema::{self, DIALECT};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const SURVEYS: &[&str] = &[
    "surveys/partnership-barometer-2020.survey",
    "surveys/partnership-barometer-2023.survey",
    "tests/fixtures/schema/kinds.survey",
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

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("the schema does not compile: {e}"))
}

/// A survey with its schema (in its first language), compiled once.
struct Subject {
    name: &'static str,
    ir: Survey,
    schema: jsonschema::Validator,
    /// Variables whose routing the schema does not encode.
    not_encoded: Vec<String>,
}

fn subjects() -> &'static [Subject] {
    static SUBJECTS: OnceLock<Vec<Subject>> = OnceLock::new();
    SUBJECTS.get_or_init(|| {
        SURVEYS
            .iter()
            .map(|name| {
                let ir = compile(&root().join(name));
                let s = schema::schema(&ir, &ir.languages[0]);
                let not_encoded = ir
                    .variables
                    .iter()
                    .filter(|v| {
                        v.condition
                            .as_ref()
                            .is_some_and(|c| schema::truth(&ir, c).is_none())
                    })
                    .map(|v| v.name.clone())
                    .collect();
                Subject {
                    name,
                    schema: validator(&s),
                    ir,
                    not_encoded,
                }
            })
            .collect()
    })
}

/// The verdicts of both validators: (lomake validate, JSON Schema).
fn verdicts(s: &Subject, r: &Value) -> (Vec<String>, bool) {
    let problems = lomake::validate::check_response(&s.ir, r)
        .into_iter()
        .map(|p| format!("{} ({:?}): {}", p.kind, p.variable, p.message))
        .collect();
    (problems, s.schema.is_valid(r))
}

fn show(r: &Value) -> String {
    serde_json::to_string(r).unwrap()
}

fn assert_valid(s: &Subject, r: &Value, what: &str) -> Result<(), TestCaseError> {
    let (problems, schema_ok) = verdicts(s, r);
    prop_assert!(
        problems.is_empty() && schema_ok,
        "{}: {what}: a valid response; lomake validate says {:?}, the schema {}:\n{}",
        s.name,
        problems,
        if schema_ok {
            "accepts it"
        } else {
            "refuses it"
        },
        show(r)
    );
    Ok(())
}

fn assert_invalid(s: &Subject, r: &Value, what: &str) -> Result<(), TestCaseError> {
    let (problems, schema_ok) = verdicts(s, r);
    prop_assert!(
        !problems.is_empty() && !schema_ok,
        "{}: {what}: an invalid response; lomake validate {}, the schema {}:\n{}",
        s.name,
        if problems.is_empty() {
            "accepts it".to_string()
        } else {
            format!("says {problems:?}")
        },
        if schema_ok {
            "accepts it"
        } else {
            "refuses it"
        },
        show(r)
    );
    Ok(())
}

fn codes(ir: &Survey, var: &str) -> Vec<i64> {
    ir.variable(var)
        .and_then(|v| v.list.as_deref())
        .and_then(|l| ir.list(l))
        .map(|l| l.options.iter().map(|o| o.code).collect())
        .unwrap_or_default()
}

/// The variables present in the response with a non-null value, of a kind.
fn present<'a>(
    ir: &'a Survey,
    r: &Map<String, Value>,
    kinds: &[VariableKind],
) -> Vec<&'a lomake::ir::Variable> {
    ir.variables
        .iter()
        .filter(|v| kinds.contains(&v.kind))
        .filter(|v| r.get(&v.name).is_some_and(|x| !x.is_null()))
        .collect()
}

/// Every mutation that applies to a valid response, each with its name.
fn mutations(s: &Subject, valid: &Value, rng: &mut Rng) -> Vec<(String, Value)> {
    let ir = &s.ir;
    let r = valid.as_object().unwrap();
    let complete = r["_status"] == json!("complete");
    let mut out = Vec::new();
    let mut push = |kind: &str, what: String, m: Map<String, Value>| {
        out.push((format!("[{kind}] {what}"), Value::Object(m)))
    };

    // An out-of-range code.
    let singles = present(ir, r, &[VariableKind::Single]);
    if let Some(v) = rng.pick(&singles) {
        let bad = codes(ir, &v.name).iter().max().unwrap() + 1;
        let mut m = r.clone();
        m.insert(v.name.clone(), json!(bad));
        push("out-of-range code", format!("{} = {bad}", v.name), m);
    }
    let multiples = present(ir, r, &[VariableKind::Multiple]);
    if let Some(v) = rng.pick(&multiples) {
        let bad = codes(ir, &v.name).iter().max().unwrap() + 1;
        let mut m = r.clone();
        m.insert(v.name.clone(), json!([bad]));
        push("out-of-range code", format!("{} = [{bad}]", v.name), m);
    }

    // An answer (or a null) to a question that was not asked.
    let not_asked: Vec<_> = ir
        .variables
        .iter()
        .filter(|v| !r.contains_key(&v.name) && !s.not_encoded.contains(&v.name))
        .filter(|v| {
            v.condition
                .as_ref()
                .is_some_and(|c| eval(c, r, ir) != Truth::True)
        })
        .collect();
    if let Some(v) = rng.pick(&not_asked) {
        let value = if rng.chance(20) {
            Value::Null
        } else {
            sample::value(ir, v, rng)
        };
        let mut m = r.clone();
        m.insert(v.name.clone(), value.clone());
        push("not asked", format!("{} = {value}", v.name), m);
    }

    // An asked question missing from a complete response.
    if complete {
        let asked: Vec<_> = ir
            .variables
            .iter()
            .filter(|v| r.contains_key(&v.name) && !s.not_encoded.contains(&v.name))
            .collect();
        if let Some(v) = rng.pick(&asked) {
            let mut m = r.clone();
            m.remove(&v.name);
            push("asked but missing", v.name.clone(), m);
        }
    }

    // A wrong type.
    let any: Vec<_> = ir
        .variables
        .iter()
        .filter(|v| r.contains_key(&v.name))
        .collect();
    if let Some(v) = rng.pick(&any) {
        let bad = match v.kind {
            VariableKind::Text | VariableKind::Date | VariableKind::Hidden => rng
                .pick(&[json!(1), json!(true), json!(["x"]), json!({})])
                .unwrap()
                .clone(),
            VariableKind::Multiple => rng
                .pick(&[json!(1), json!("1"), json!(["1"]), json!({})])
                .unwrap()
                .clone(),
            VariableKind::Decimal => rng
                .pick(&[json!("1"), json!(true), json!([1]), json!({})])
                .unwrap()
                .clone(),
            _ => rng
                .pick(&[json!("1"), json!(true), json!([1]), json!({}), json!(1.5)])
                .unwrap()
                .clone(),
        };
        let mut m = r.clone();
        m.insert(v.name.clone(), bad.clone());
        push("wrong type", format!("{} = {bad}", v.name), m);
    }

    // Unknown properties.
    for name in ["unknown", "_foo", "Lang"] {
        let mut m = r.clone();
        m.insert(name.into(), json!(1));
        push("unknown property", name.into(), m);
    }

    // `[]`, a duplicate code, an exclusive option combined.
    if let Some(v) = rng.pick(&multiples) {
        let mut m = r.clone();
        m.insert(v.name.clone(), json!([]));
        push("empty selection", v.name.clone(), m);
        let mut chosen = r[&v.name].as_array().unwrap().clone();
        let first = chosen[0].clone();
        chosen.push(first);
        let mut m = r.clone();
        m.insert(v.name.clone(), Value::Array(chosen));
        push("duplicate code", v.name.clone(), m);
    }
    let with_exclusive: Vec<_> = present(ir, r, &[VariableKind::Multiple])
        .into_iter()
        .filter(|v| {
            v.list
                .as_deref()
                .and_then(|l| ir.list(l))
                .is_some_and(|l| l.options.iter().any(|o| o.exclusive))
        })
        .collect();
    if let Some(v) = rng.pick(&with_exclusive) {
        let list = ir.list(v.list.as_deref().unwrap()).unwrap();
        let excl: Vec<i64> = list
            .options
            .iter()
            .filter(|o| o.exclusive)
            .map(|o| o.code)
            .collect();
        let other: Vec<i64> = list
            .options
            .iter()
            .filter(|o| !o.exclusive)
            .map(|o| o.code)
            .collect();
        let (e, o) = (*rng.pick(&excl).unwrap(), *rng.pick(&other).unwrap());
        let value = if rng.chance(50) {
            json!([e, o])
        } else {
            json!([o, e])
        };
        let mut m = r.clone();
        m.insert(v.name.clone(), value.clone());
        push("exclusive combined", format!("{} = {value}", v.name), m);
    }

    // A text over the limit (in code points; within it in bytes is no excuse).
    let texts = present(ir, r, &[VariableKind::Text]);
    if let Some(v) = rng.pick(&texts) {
        let n = v.max_length.unwrap_or(200) as usize + 1;
        let piece = *rng.pick(&["a", "ä", "🙂"]).unwrap();
        let mut m = r.clone();
        m.insert(v.name.clone(), json!(piece.repeat(n)));
        push(
            "text over the limit",
            format!("{}: {n} × {piece:?}", v.name),
            m,
        );
    }

    // The envelope.
    for (k, bad) in [
        ("_survey", json!("other_survey")),
        ("_survey", json!(format!("{} ", ir.id))),
        ("_version", json!("0")),
        ("_status", json!("done")),
    ] {
        let mut m = r.clone();
        m.insert(k.into(), bad.clone());
        push("envelope", format!("{k} = {bad}"), m);
    }
    let k = *rng.pick(&["_survey", "_version", "_status"]).unwrap();
    let mut m = r.clone();
    m.remove(k);
    push("envelope", format!("{k} removed"), m);
    out
}

fn options(partial: bool, null_percent: u64, extras: bool) -> Options {
    Options {
        status: if partial {
            Status::Partial
        } else {
            Status::Complete
        },
        null_percent,
        envelope_extras: extras,
    }
}

fn check_survey(
    s: &Subject,
    seed: u64,
    partial: bool,
    null_percent: u64,
    extras: bool,
) -> Result<(), TestCaseError> {
    let r = sample::sample_response(&s.ir, seed, &options(partial, null_percent, extras));
    assert_valid(s, &r, &format!("seed {seed}"))?;
    let mut rng = Rng::new(seed.rotate_left(17));
    for (what, m) in mutations(s, &r, &mut rng) {
        assert_invalid(s, &m, &format!("seed {seed}, {what}"))?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn barometer_2020_agrees(seed: u64, partial: bool, null_percent in 0u64..40, extras: bool) {
        check_survey(&subjects()[0], seed, partial, null_percent, extras)?;
    }

    #[test]
    fn barometer_2023_agrees(seed: u64, partial: bool, null_percent in 0u64..40, extras: bool) {
        check_survey(&subjects()[1], seed, partial, null_percent, extras)?;
    }

    #[test]
    fn kinds_agrees(seed: u64, partial: bool, null_percent in 0u64..40, extras: bool) {
        check_survey(&subjects()[2], seed, partial, null_percent, extras)?;
    }
}

/// The mutations are not vacuous: over a few seeds every kind of mutation
/// is tried on each Barometer.
#[test]
fn every_mutation_is_tried() {
    for s in &subjects()[..2] {
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..200 {
            for partial in [false, true] {
                let r = sample::sample_response(&s.ir, seed, &options(partial, 10, true));
                let mut rng = Rng::new(seed);
                for (what, _) in mutations(s, &r, &mut rng) {
                    let kind = what[1..what.find(']').unwrap()].to_string();
                    seen.insert(kind);
                }
            }
        }
        let mut want = vec![
            "asked but missing",
            "duplicate code",
            "empty selection",
            "envelope",
            "exclusive combined",
            "not asked",
            "out-of-range code",
            "text over the limit",
            "unknown property",
            "wrong type",
        ];
        if s.name.contains("2020") {
            // 2020 has no multiple choice.
            want.retain(|k| {
                !matches!(
                    *k,
                    "empty selection" | "duplicate code" | "exclusive combined"
                )
            });
        }
        assert_eq!(seen.into_iter().collect::<Vec<_>>(), want, "{}", s.name);
    }
}

// ---------------------------------------------------------------------------
// `truth` against `eval`, on random conditions and responses over the
// variables of tests/semantics/semantics.survey.

fn semantics_survey() -> &'static Survey {
    static S: OnceLock<Survey> = OnceLock::new();
    S.get_or_init(|| compile(&root().join("tests/semantics/semantics.survey")))
}

/// An atomic condition, as IR JSON.
fn atom() -> impl Strategy<Value = Value> {
    let code = prop_oneof![1i64..=5, Just(99)];
    let cmp = prop::sample::select(vec!["=", "!=", "<", "<=", ">", ">="]);
    let eqcmp = prop::sample::select(vec!["=", "!="]);
    let var_xyab = prop::sample::select(vec!["x", "y", "a", "b"]);
    let any_var = prop::sample::select(vec!["x", "y", "a", "b", "m", "n", "d", "t", "lang"]);
    prop_oneof![
        (var_xyab.clone(), cmp.clone(), code.clone())
            .prop_map(|(v, c, k)| json!({"op": "compare", "var": v, "cmp": c, "value": k})),
        (cmp.clone(), -1i64..=101)
            .prop_map(|(c, k)| json!({"op": "compare", "var": "n", "cmp": c, "value": k})),
        (
            cmp.clone(),
            prop::sample::select(vec![json!(2.5), json!(0), json!(-1.25)])
        )
            .prop_map(|(c, k)| json!({"op": "compare", "var": "d", "cmp": c, "value": k})),
        (eqcmp.clone(), prop::sample::select(vec!["fi", "sv", "en"]))
            .prop_map(|(c, k)| json!({"op": "compare", "var": "lang", "cmp": c, "value": k})),
        (eqcmp, prop::sample::select(vec!["", "Yes", "ä"]))
            .prop_map(|(c, k)| json!({"op": "compare", "var": "t", "cmp": c, "value": k})),
        (var_xyab.clone(), prop::collection::vec(code.clone(), 1..4))
            .prop_map(|(v, ks)| json!({"op": "in", "var": v, "values": ks})),
        prop_oneof![1i64..=3, Just(99)]
            .prop_map(|k| json!({"op": "includes", "var": "m", "value": k})),
        (prop::bool::ANY, any_var).prop_map(
            |(ans, v)| json!({"op": if ans { "answered" } else { "substantive" }, "var": v})
        ),
        (
            cmp,
            prop::sample::select(vec![("x", "y"), ("y", "x"), ("a", "b"), ("x", "x")])
        )
            .prop_map(|(c, (v, o))| json!({"op": "compare_vars", "var": v, "cmp": c, "other": o})),
    ]
}

fn condition() -> impl Strategy<Value = Value> {
    atom().prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| json!({"op": "not", "arg": c})),
            (prop::bool::ANY, prop::collection::vec(inner, 2..4)).prop_map(
                |(and, args)| json!({"op": if and { "and" } else { "or" }, "args": args})
            ),
        ]
    })
}

/// A response over the semantics survey's variables: each absent, `null`,
/// or a value (valid ones mostly; `7.0` forms of codes too).
fn response() -> impl Strategy<Value = Map<String, Value>> {
    let code = |max: i64| {
        prop_oneof![
            4 => (1..=max).prop_map(|k| json!(k)),
            2 => Just(json!(99)),
            1 => (1..=max).prop_map(|k| json!(k as f64)),
            1 => Just(json!(99.0)),
        ]
    };
    let slot = |values: BoxedStrategy<Value>| {
        prop_oneof![
            2 => Just(None),
            1 => Just(Some(Value::Null)),
            5 => values.prop_map(Some),
        ]
    };
    let multiple = prop_oneof![
        4 => prop::sample::subsequence(vec![1, 2, 3], 1..=3).prop_map(|v| json!(v)),
        2 => Just(json!([99])),
        1 => Just(json!([])),
        1 => Just(json!([1.0, 3])),
    ];
    (
        slot(code(5).boxed()),
        slot(code(5).boxed()),
        slot(code(2).boxed()),
        slot(code(2).boxed()),
        slot(multiple.boxed()),
        slot(prop_oneof![(0i64..=100).prop_map(|n| json!(n)), Just(json!(7.0))].boxed()),
        slot(prop::sample::select(vec![json!(2.5), json!(0), json!(-3.75), json!(100)]).boxed()),
        slot(prop::sample::select(vec![json!(""), json!("Yes"), json!("ä"), json!("no")]).boxed()),
        slot(prop::sample::select(vec![json!("fi"), json!("sv"), json!("en")]).boxed()),
    )
        .prop_map(|(x, y, a, b, m, n, d, t, lang)| {
            let mut r = Map::new();
            for (k, v) in [
                ("x", x),
                ("y", y),
                ("a", a),
                ("b", b),
                ("m", m),
                ("n", n),
                ("d", d),
                ("t", t),
                ("lang", lang),
            ] {
                if let Some(v) = v {
                    r.insert(k.into(), v);
                }
            }
            r
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn truth_agrees_with_eval(cond in condition(), r in response()) {
        let survey = semantics_survey();
        let c: Condition = serde_json::from_value(cond.clone()).unwrap();
        let (t, f) = schema::truth(survey, &c).expect("every generated condition is encodable");
        let root = |s: &Value| json!({"$schema": DIALECT, "allOf": [s]});
        let instance = Value::Object(r.clone());
        let t_ok = validator(&root(&t)).is_valid(&instance);
        let f_ok = validator(&root(&f)).is_valid(&instance);
        let got = match (t_ok, f_ok) {
            (true, false) => Truth::True,
            (false, true) => Truth::False,
            (false, false) => Truth::Unknown,
            (true, true) => {
                return Err(TestCaseError::fail(format!(
                    "both schemas accept {} for {}", show(&instance), show(&cond))));
            }
        };
        let want = eval(&c, &r, survey);
        prop_assert_eq!(got, want, "{} on {}", show(&cond), show(&instance));
    }
}
