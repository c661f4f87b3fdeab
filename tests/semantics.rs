//! The routing semantics, as data: runs every case of `tests/semantics/*.json`
//! against the compiler and the reference evaluator (`lomake::eval`).
//!
//! For each case the runner
//! 1. compiles the case's `when` text in the context of the file's survey
//!    (as the condition of a display text in a section appended after the
//!    survey's last item) and asserts that the IR condition equals the
//!    case's `condition`, so that the JSON stays true for runners that do not
//!    use our parser (the form's JavaScript, the JSON Schema);
//! 2. evaluates that condition on the case's `response` and asserts the
//!    `expected` truth value.
//!
//! The file's `variables` (kind and declared missing codes of every variable)
//! must match the compiled survey as well.
//!
//! `LOMAKE_SEMANTICS_BLESS=1 cargo test --test semantics` rewrites the
//! `condition` of every case and the `variables` of every file from the
//! compiler; it never touches `expected`, which is written by hand. See
//! `tests/semantics/README.md` for the format.
//!
//! The same file also checks that the complete example survey in
//! `docs/language.md` checks clean, so the reference cannot rot.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use lomake::check::{CheckOptions, Checked, check_file};
use lomake::eval::{Truth, eval};
use lomake::ir::{Condition, Survey};
use lomake::source::{DiskLoader, LoadError, Loader, normalize};
use serde_json::{Map, Value, json};

const BLESS_VAR: &str = "LOMAKE_SEMANTICS_BLESS";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Reads from disk, except for one file whose text is given.
struct Overlay {
    path: PathBuf,
    text: String,
}

impl Loader for Overlay {
    fn load(&self, path: &Path) -> Result<Vec<u8>, LoadError> {
        if normalize(path) == self.path {
            Ok(self.text.clone().into_bytes())
        } else {
            DiskLoader.load(path)
        }
    }

    fn exists(&self, path: &Path) -> bool {
        normalize(path) == self.path || DiskLoader.exists(path)
    }
}

fn describe(checked: &Checked) -> String {
    checked
        .diagnostics
        .iter()
        .map(|d| format!("{d:?}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Compiles a survey file as it is on disk; it must check clean.
fn compile(path: &Path) -> Survey {
    let checked = check_file(&DiskLoader, path, &CheckOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        checked.diagnostics.is_empty(),
        "{} does not check clean:\n{}",
        path.display(),
        describe(&checked)
    );
    checked
        .survey
        .expect("a survey without diagnostics has an IR")
}

const PROBE: &str = "semantics_probe";

/// Compiles `when` in the context of the survey at `path` (whose source is
/// `source`); returns the IR condition, or the diagnostics.
fn compile_condition(
    path: &Path,
    source: &str,
    languages: &[String],
    when: &str,
) -> Result<Condition, String> {
    let text_lines = |out: &mut String| {
        for l in languages {
            writeln!(out, "    {l} \"probe\"").unwrap();
        }
    };
    let mut text = source.to_string();
    writeln!(text, "\n\nsection {PROBE}\n  title").unwrap();
    text_lines(&mut text);
    writeln!(text, "display {PROBE}\n  text").unwrap();
    text_lines(&mut text);
    writeln!(text, "  when {when}").unwrap();
    let loader = Overlay {
        path: normalize(path),
        text,
    };
    let checked = check_file(&loader, path, &CheckOptions::default()).map_err(|e| e.to_string())?;
    if !checked.diagnostics.is_empty() {
        return Err(describe(&checked));
    }
    let survey = checked.survey.ok_or("no IR")?;
    let section = survey.sections.last().ok_or("no section")?;
    let element = section.elements.last().ok_or("no element")?;
    if section.name != PROBE || element.name != PROBE || section.condition.is_some() {
        return Err("the probe did not end up last and unconditioned".into());
    }
    element
        .condition
        .clone()
        .ok_or_else(|| "no condition".into())
}

/// What a runner needs to know about each variable: its kind and declared
/// missing codes.
fn variables_json(survey: &Survey) -> Value {
    let mut out = Map::new();
    for v in &survey.variables {
        out.insert(
            v.name.clone(),
            json!({ "kind": v.kind, "missing_codes": v.missing_codes }),
        );
    }
    Value::Object(out)
}

fn truth_str(t: Truth) -> &'static str {
    match t {
        Truth::True => "true",
        Truth::False => "false",
        Truth::Unknown => "unknown",
    }
}

/// The case files, sorted.
fn case_files() -> Vec<PathBuf> {
    let dir = root().join("tests/semantics");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// Writes a case file in its canonical layout: one field per line, conditions
/// and responses on one line each.
fn write_canonical(file: &Map<String, Value>) -> String {
    let one = |v: &Value| serde_json::to_string(v).expect("JSON");
    let mut out = String::from("{\n");
    let keys: Vec<&String> = file.keys().collect();
    for (i, k) in keys.iter().enumerate() {
        let v = &file[*k];
        let comma = if i + 1 < keys.len() { "," } else { "" };
        match (k.as_str(), v) {
            ("variables", Value::Object(vars)) => {
                writeln!(out, "  {}: {{", one(&json!(k))).unwrap();
                for (j, (name, info)) in vars.iter().enumerate() {
                    let c = if j + 1 < vars.len() { "," } else { "" };
                    writeln!(out, "    {}: {}{c}", one(&json!(name)), one(info)).unwrap();
                }
                writeln!(out, "  }}{comma}").unwrap();
            }
            ("cases", Value::Array(cases)) => {
                writeln!(out, "  \"cases\": [").unwrap();
                for (j, case) in cases.iter().enumerate() {
                    let c = if j + 1 < cases.len() { "," } else { "" };
                    let fields = case.as_object().expect("a case is an object");
                    out.push_str("    {\n");
                    for (n, (fk, fv)) in fields.iter().enumerate() {
                        let fc = if n + 1 < fields.len() { "," } else { "" };
                        writeln!(out, "      {}: {}{fc}", one(&json!(fk)), one(fv)).unwrap();
                    }
                    writeln!(out, "    }}{c}").unwrap();
                }
                writeln!(out, "  ]{comma}").unwrap();
            }
            _ => writeln!(out, "  {}: {}{comma}", one(&json!(k)), one(v)).unwrap(),
        }
    }
    out.push_str("}\n");
    out
}

const FIELDS: &[&str] = &["when", "condition", "response", "expected", "note"];

#[test]
fn semantics_cases() {
    let bless = std::env::var_os(BLESS_VAR).is_some();
    let files = case_files();
    assert!(!files.is_empty(), "no tests/semantics/*.json files");
    let mut failures = Vec::new();
    let mut total = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let mut file: Map<String, Value> = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{name}: not a JSON object: {e}"));
        let survey_rel = file
            .get("survey")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{name}: no \"survey\""))
            .to_string();
        let survey_path = normalize(&path.parent().unwrap().join(&survey_rel));
        let survey = compile(&survey_path);
        let source = std::fs::read_to_string(&survey_path).unwrap();

        let vars = variables_json(&survey);
        if bless {
            file.insert("variables".into(), vars);
        } else if file.get("variables") != Some(&vars) {
            failures.push(format!(
                "{name}: \"variables\" differ from the compiled survey; expected\n{}",
                serde_json::to_string_pretty(&vars).unwrap()
            ));
        }

        let cases = file
            .get_mut("cases")
            .and_then(Value::as_array_mut)
            .unwrap_or_else(|| panic!("{name}: no \"cases\" array"));
        assert!(!cases.is_empty(), "{name}: no cases");
        for (i, case) in cases.iter_mut().enumerate() {
            total += 1;
            let case = case
                .as_object_mut()
                .unwrap_or_else(|| panic!("{name}: case {i} is not an object"));
            let when = case
                .get("when")
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("{name}: case {i} has no \"when\""))
                .to_string();
            let at = format!("{name}: case {i} `{when}`");
            for k in case.keys() {
                assert!(FIELDS.contains(&k.as_str()), "{at}: unknown field {k:?}");
            }
            let cond = match compile_condition(&survey_path, &source, &survey.languages, &when) {
                Ok(c) => c,
                Err(e) => {
                    failures.push(format!("{at}: does not compile:\n{e}"));
                    continue;
                }
            };
            let cond_json = serde_json::to_value(&cond).unwrap();
            if bless {
                // Keep the field order of the format.
                let mut fresh = Map::new();
                for k in FIELDS {
                    if *k == "condition" {
                        fresh.insert("condition".into(), cond_json.clone());
                    } else if let Some(v) = case.get(*k) {
                        fresh.insert((*k).into(), v.clone());
                    }
                }
                *case = fresh;
            } else if case.get("condition") != Some(&cond_json) {
                failures.push(format!(
                    "{at}: the compiled condition is\n  {}\nbut the file says\n  {}",
                    serde_json::to_string(&cond_json).unwrap(),
                    case.get("condition")
                        .map_or("nothing".into(), |c| serde_json::to_string(c).unwrap())
                ));
            }
            let response = case
                .get("response")
                .and_then(Value::as_object)
                .unwrap_or_else(|| panic!("{at}: no \"response\" object"));
            for var in response.keys() {
                assert!(
                    survey.variable(var).is_some(),
                    "{at}: the response names `{var}`, which the survey does not have"
                );
            }
            let expected = case
                .get("expected")
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("{at}: no \"expected\""));
            assert!(
                matches!(expected, "true" | "false" | "unknown"),
                "{at}: \"expected\" must be \"true\", \"false\" or \"unknown\""
            );
            assert!(
                case.get("note").is_none_or(Value::is_string),
                "{at}: \"note\" must be a string"
            );
            let got = truth_str(eval(&cond, response, &survey));
            if got != expected {
                failures.push(format!(
                    "{at} with {}: evaluates to {got}, expected {expected}",
                    serde_json::to_string(response).unwrap()
                ));
            }
        }
        if bless {
            std::fs::write(path, write_canonical(&file)).unwrap();
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} semantics cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(total >= 80, "only {total} semantics cases");
}

/// The case files are in the canonical layout that blessing writes, so a
/// blessed file never shows spurious diffs.
#[test]
fn semantics_files_are_canonical() {
    for path in case_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let file: Map<String, Value> = serde_json::from_str(&text).unwrap();
        assert!(
            text == write_canonical(&file),
            "{} is not in the canonical layout; run `{BLESS_VAR}=1 cargo test --test semantics`",
            path.display()
        );
    }
}

/// Every ```` ```lomake ```` block of `docs/language.md` that starts with a
/// `survey` item is a complete survey and must check clean.
#[test]
fn language_reference_example_checks_clean() {
    let doc_path = root().join("docs/language.md");
    let doc = std::fs::read_to_string(&doc_path).expect("docs/language.md");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        match &mut current {
            None if line.trim_start() == "```lomake" => current = Some(String::new()),
            Some(b) if line.trim_start() == "```" => {
                blocks.push(std::mem::take(b));
                current = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    assert!(
        current.is_none(),
        "an unclosed code block in docs/language.md"
    );
    let complete: Vec<&String> = blocks
        .iter()
        .filter(|b| {
            b.lines()
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                .is_some_and(|l| l.starts_with("survey "))
        })
        .collect();
    assert!(
        !complete.is_empty(),
        "docs/language.md has no complete example survey"
    );
    for (i, source) in complete.iter().enumerate() {
        // Checked as if it were a file in docs/, so that the project root
        // is this repository.
        let path = root().join(format!("docs/example-{i}.survey"));
        let loader = Overlay {
            path: normalize(&path),
            text: (*source).clone(),
        };
        let checked = check_file(&loader, &path, &CheckOptions::default()).unwrap();
        assert!(
            checked.diagnostics.is_empty() && checked.survey.is_some(),
            "example survey {i} of docs/language.md does not check clean:\n{}\n\n{source}",
            describe(&checked)
        );
    }
}
