//! `lomake flatten` (docs/flat-data.md): the row conversion and its missing
//! kinds, the CSV and `.sav` writers, and the command's exit codes. The
//! `.sav` is read back by a small reader written here from the format's
//! documentation; GNU PSPP and pyreadstat read it in
//! `scripts/flatten-checks.sh`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};

use lomake::check::{CheckOptions, check_source};
use lomake::flat;
use lomake::flatten::{Cell, Flattener, Redact, Sink, State, csv::CsvWriter, sav};
use lomake::ir::Survey;
use lomake::validate::Validator;
use serde_json::{Value, json};

const MINI: &str = include_str!("fixtures/flatten/mini.survey");

fn survey() -> Survey {
    let checked = check_source("mini.survey", MINI, &CheckOptions::default());
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    checked.survey.expect("a survey")
}

/// A response with the envelope filled in.
fn response(status: &str, answers: Value) -> Value {
    let mut r = json!({"_survey": "mini", "_version": "1.0", "_status": status, "_id": "r1"});
    for (k, v) in answers.as_object().expect("object") {
        r[k] = v.clone();
    }
    r
}

/// The row of a valid response, by column name; numbers as `f64`, strings
/// as `String`.
fn row(survey: &Survey, r: &Value) -> BTreeMap<String, Value> {
    let problems = Validator::new(survey).check(r);
    assert!(problems.is_empty(), "test response invalid: {problems:?}");
    let f = Flattener::new(survey, Redact::Nothing);
    let mut states = Vec::new();
    let mut cells = Vec::new();
    f.row(r.as_object().expect("object"), &mut states, &mut cells);
    assert_eq!(cells.len(), f.columns().len());
    f.columns()
        .iter()
        .zip(cells)
        .map(|(c, cell)| {
            let v = match cell {
                Cell::Num(x) => json!(x),
                Cell::Str(s) => json!(s),
            };
            (c.name.to_string(), v)
        })
        .collect()
}

fn nums(row: &BTreeMap<String, Value>, names: &[&str]) -> Vec<f64> {
    names
        .iter()
        .map(|n| row[*n].as_f64().unwrap_or_else(|| panic!("{n} is numeric")))
        .collect()
}

const FORMS: [&str; 4] = ["forms_1", "forms_2", "forms_3", "forms_9"];

#[test]
fn answered_values_and_null() {
    let s = survey();
    let r = row(
        &s,
        &response(
            "complete",
            json!({"lang": "en", "part": 1, "forms": [1, 3], "forms_other": "a \"b\", c\nd",
                   "followup": null, "count": 5, "share": 12.5, "since": "2023-01-02",
                   "region": 2, "story": "x", "_submitted": "2023-02-01T09:30:00Z"}),
        ),
    );
    assert_eq!(r["resp_id"], "r1");
    assert_eq!(r["resp_status"], json!(1.0));
    assert_eq!(r["resp_submitted"], "2023-02-01T09:30:00Z");
    assert_eq!(r["lang"], "en");
    assert_eq!(nums(&r, &["part"]), [1.0]);
    assert_eq!(nums(&r, &FORMS), [1.0, 0.0, 1.0, 0.0]);
    assert_eq!(r["forms_other"], "a \"b\", c\nd");
    assert_eq!(nums(&r, &["followup"]), [-2.0], "null is not answered");
    assert_eq!(nums(&r, &["count", "share"]), [5.0, 12.5]);
    assert_eq!(r["since"], "2023-01-02");
    assert_eq!(r["story"], "x");
}

#[test]
fn not_asked_in_a_complete_response() {
    let s = survey();
    // part = 2: forms is not asked (condition false).
    let r = row(
        &s,
        &response(
            "complete",
            json!({"lang": "fi", "part": 2, "followup": 1, "count": null, "share": null,
                   "since": null, "region": null, "story": null}),
        ),
    );
    assert_eq!(nums(&r, &FORMS), [-1.0; 4]);
    assert_eq!(r["forms_other"], "");
    assert_eq!(
        nums(&r, &["followup", "count", "share", "region"]),
        [1.0, -2.0, -2.0, -2.0]
    );
    assert_eq!(r["since"], "");
    assert_eq!(r["resp_submitted"], "", "no _submitted");

    // part = null: `part = 1` is unknown and `answered(part)` false, so
    // neither is asked.
    let r = row(
        &s,
        &response(
            "complete",
            json!({"lang": "fi", "part": null, "count": 1, "share": 1, "since": null,
                   "region": 1, "story": null}),
        ),
    );
    assert_eq!(nums(&r, &["part"]), [-2.0]);
    assert_eq!(nums(&r, &FORMS), [-1.0; 4]);
    assert_eq!(nums(&r, &["followup"]), [-1.0]);
}

#[test]
fn declared_missing_codes_stay_as_they_are() {
    let s = survey();
    let r = row(
        &s,
        &response(
            "complete",
            json!({"lang": "en", "part": 99, "followup": 2, "count": 0, "share": 0.5,
                   "since": "2020-02-29", "region": 1, "story": ""}),
        ),
    );
    assert_eq!(
        nums(&r, &["part", "followup", "count", "share"]),
        [99.0, 2.0, 0.0, 0.5]
    );
    assert_eq!(nums(&r, &FORMS), [-1.0; 4], "99 is not 1");
}

#[test]
fn exclusive_option_is_its_own_column() {
    let s = survey();
    let r = row(
        &s,
        &response(
            "complete",
            json!({"lang": "en", "part": 1, "forms": [9], "followup": 2, "count": 0,
                   "share": 0.5, "since": null, "region": 1, "story": null}),
        ),
    );
    assert_eq!(nums(&r, &FORMS), [0.0, 0.0, 0.0, 1.0]);
    assert_eq!(r["forms_other"], "");
}

/// A multiple choice answered with its declared missing option ("can't
/// say", exclusive): that option's column is 1 and every other option's
/// column holds its code, so that the respondent does not count as "not
/// chosen" in the other options (SPSS declares the code missing there).
#[test]
fn a_declared_missing_option_fills_the_other_columns() {
    let text = "survey mini\n  version \"1.0\"\n  languages en\n  title\n    en \"M\"\nsection s\n  title\n    en \"S\"\nquestion ways multiple\n  label\n    en \"Ways\"\n  text\n    en \"Which ways?\"\n  option 1\n    en \"A\"\n  option 2\n    en \"B\"\n  option 99 missing exclusive\n    en \"Can't say\"\n";
    let checked = check_source("m.survey", text, &CheckOptions::default());
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let s = checked.survey.expect("a survey");
    let cols = ["ways_1", "ways_2", "ways_99"];
    let r = row(&s, &response("complete", json!({"ways": [99]})));
    assert_eq!(nums(&r, &cols), [99.0, 99.0, 1.0]);
    let r = row(&s, &response("complete", json!({"ways": [2]})));
    assert_eq!(nums(&r, &cols), [0.0, 1.0, 0.0]);
    let r = row(&s, &response("complete", json!({"ways": null})));
    assert_eq!(nums(&r, &cols), [-2.0, -2.0, -2.0]);
    // The codebook declares it: a missing value of the options' columns,
    // not of its own, and no member of the multiple-response set.
    let (sps, _) = lomake::targets::codebook::sps::codebook(
        &s,
        &lomake::targets::codebook::entries(&s, "en"),
        "en",
    );
    assert!(
        sps.contains("  ways_1 ways_2 (LOWEST THRU -1, 99)\n  /ways_99 (LOWEST THRU -1)\n"),
        "{sps}"
    );
    assert!(sps.contains("    VARIABLES=ways_1 ways_2\n"), "{sps}");
}

#[test]
fn not_reached_in_partial_responses() {
    let s = survey();
    let rest = ["count", "share", "region"];

    // Broke off right after `part = 1`: everything after is not reached,
    // `forms_other` too (its condition is unknown because `forms` was not
    // reached).
    let r = row(&s, &response("partial", json!({"lang": "en", "part": 1})));
    assert_eq!(r["resp_status"], json!(2.0));
    assert_eq!(nums(&r, &FORMS), [-3.0; 4]);
    assert_eq!(nums(&r, &["followup"]), [-3.0]);
    assert_eq!(nums(&r, &rest), [-3.0; 3]);
    assert_eq!(r["story"], "");

    // Broke off before `part`: `forms` (part = 1 unknown) and `followup`
    // (answered(part) false only because part was not reached) are not
    // reached either.
    let r = row(&s, &response("partial", json!({"lang": "en"})));
    assert_eq!(nums(&r, &["part", "followup"]), [-3.0, -3.0]);
    assert_eq!(nums(&r, &FORMS), [-3.0; 4]);

    // part = 2: forms is not asked whatever came later.
    let r = row(&s, &response("partial", json!({"lang": "en", "part": 2})));
    assert_eq!(nums(&r, &FORMS), [-1.0; 4]);
    assert_eq!(nums(&r, &["followup"]), [-3.0]);

    // part = null: the form hid `forms` and `followup`: not asked, even in
    // a partial response.
    let r = row(
        &s,
        &response("partial", json!({"lang": "en", "part": null})),
    );
    assert_eq!(nums(&r, &FORMS), [-1.0; 4]);
    assert_eq!(nums(&r, &["followup"]), [-1.0]);
    assert_eq!(nums(&r, &rest), [-3.0; 3]);
}

#[test]
fn states_name_the_kinds() {
    let s = survey();
    let f = Flattener::new(&s, Redact::Nothing);
    let r = response("partial", json!({"lang": "en", "part": null}));
    let mut states = Vec::new();
    f.states(r.as_object().unwrap(), &mut states);
    assert_eq!(
        states[..4],
        [
            State::Answered,
            State::Null,
            State::NotAsked,
            State::NotAsked
        ]
    );
    assert_eq!(State::NotReached.code(), Some(flat::NOT_REACHED));
}

#[test]
fn redaction_leaves_out_flagged_columns() {
    let s = survey();
    let names = |r: Redact| -> Vec<String> {
        Flattener::new(&s, r)
            .columns()
            .iter()
            .map(|c| c.name.to_string())
            .collect()
    };
    let all = names(Redact::Nothing);
    let all_flat: Vec<String> = flat::columns(&s)
        .iter()
        .map(|c| c.name.to_string())
        .collect();
    assert_eq!(all, all_flat);
    let id = names(Redact::Identifying);
    assert!(!id.contains(&"story".to_string()));
    assert!(
        !id.contains(&"forms_other".to_string()),
        "_other texts are identifying"
    );
    assert!(id.contains(&"region".to_string()));
    let ind = names(Redact::IndirectlyIdentifying);
    assert!(!ind.contains(&"region".to_string()));
    assert_eq!(ind.len(), all.len() - 3);
}

// ---------------------------------------------------------------------------
// CSV

#[test]
fn csv_quotes_and_keeps_line_breaks() {
    let s = survey();
    let f = Flattener::new(&s, Redact::Nothing);
    let mut w = CsvWriter::new(Vec::new(), f.columns().iter().map(|c| c.name)).unwrap();
    let r = response(
        "complete",
        json!({"lang": "en", "part": 1, "forms": [3], "forms_other": "Say \"hi\", then\r\nleave",
               "followup": 1, "count": 3, "share": 2.25, "since": null, "region": 1,
               "story": "<script>alert(1)</script>; DROP TABLE x; 'ok'"}),
    );
    let mut states = Vec::new();
    let mut cells = Vec::new();
    f.row(r.as_object().unwrap(), &mut states, &mut cells);
    w.row(&cells).unwrap();
    w.finish().unwrap();
    let text = String::from_utf8(w.into_inner()).unwrap();
    let mut lines = text.split("\r\n");
    assert_eq!(
        lines.next().unwrap(),
        "resp_id,resp_status,resp_submitted,lang,part,forms_1,forms_2,forms_3,forms_9,forms_other,followup,count,share,since,region,story"
    );
    assert_eq!(
        text,
        "resp_id,resp_status,resp_submitted,lang,part,forms_1,forms_2,forms_3,forms_9,forms_other,followup,count,share,since,region,story\r\n\
         r1,1,,en,1,0,0,1,0,\"Say \"\"hi\"\", then\r\nleave\",1,3,2.25,,1,<script>alert(1)</script>; DROP TABLE x; 'ok'\r\n"
    );
}

// ---------------------------------------------------------------------------
// The binary

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let dir =
            std::env::temp_dir().join(format!("lomake-flatten-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("mini.survey"), MINI).unwrap();
        Dir(dir)
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.0.join(name), text).unwrap();
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.0.join(name)).unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_lomake"))
            .args(["--color", "never"])
            .args(args)
            .current_dir(&self.0)
            .output()
            .expect("run lomake")
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn line(r: Value) -> String {
    format!("{r}\n")
}

/// Three valid responses (one partial) and hostile texts.
fn valid_lines() -> String {
    [
        line(response(
            "complete",
            json!({"lang": "en", "part": 1, "forms": [1, 3], "forms_other": "a \"b\", c\nd",
                   "followup": null, "count": 5, "share": 12.5, "since": "2023-01-02",
                   "region": 2, "story": "Åland äöå 🙂 <b>&amp; 'x' \"y\"", "_submitted": "2023-02-01T09:30:00Z"}),
        )),
        line(response(
            "complete",
            json!({"_id": "r2", "lang": "fi", "part": 99, "followup": 2, "count": 1000, "share": 99.9,
                   "since": null, "region": null, "story": "x".repeat(300)}),
        )),
        line(response("partial", json!({"_id": "r3", "lang": "fi", "part": 1}))),
    ]
    .concat()
}

#[test]
fn csv_header_is_the_flat_columns_and_exit_0() {
    let d = Dir::new("csv");
    d.write("r.jsonl", &valid_lines());
    let out = d.run(&["flatten", "mini.survey", "r.jsonl", "--out", "r.csv"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "lomake: 3 responses read: 3 written to r.csv, 0 skipped\n"
    );
    let csv = String::from_utf8(d.read("r.csv")).unwrap();
    let header = csv.split("\r\n").next().unwrap();
    let s = survey();
    let names: Vec<&str> = flat::columns(&s).iter().map(|c| c.name).collect();
    assert_eq!(header, names.join(","));
    assert!(!csv.starts_with('\u{feff}'));
    assert!(
        csv.contains("r3,2,,fi,1,-3,-3,-3,-3,,-3,-3,-3,,-3,\r\n"),
        "{csv}"
    );
}

#[test]
fn invalid_responses_are_reported_as_validate_does_and_skipped() {
    let d = Dir::new("invalid");
    let mut text = valid_lines();
    // Not asked (part = 2 but forms answered), an unknown code, not JSON.
    text.push_str(&line(response(
        "complete",
        json!({"_id": "bad1", "lang": "en", "part": 2, "forms": [1], "followup": 1, "count": 1,
               "share": 1, "since": null, "region": 1, "story": null}),
    )));
    text.push_str(&line(response(
        "partial",
        json!({"_id": "bad2", "lang": "en", "part": 7}),
    )));
    text.push_str("{not json\n");
    d.write("r.jsonl", &text);
    let out = d.run(&["flatten", "mini.survey", "r.jsonl", "--out", "r.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let validate = d.run(&["validate", "mini.survey", "r.jsonl"]);
    assert_eq!(validate.status.code(), Some(1));
    assert!(!out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&validate.stdout),
        "the same problems, the same words"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "lomake: 6 responses read: 3 written to r.csv, 3 skipped\n"
    );
    let csv = String::from_utf8(d.read("r.csv")).unwrap();
    assert!(!csv.contains("bad1") && !csv.contains("bad2"));
    assert_eq!(csv.matches("\r\nr").count(), 3, "three rows");

    // A .json array: the same.
    let array: Vec<Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    d.write("r.json", &serde_json::to_string(&array).unwrap());
    let out = d.run(&["flatten", "mini.survey", "r.json", "--out", "a.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let validate = d.run(&["validate", "mini.survey", "r.json"]);
    assert_eq!(out.stdout, validate.stdout);
    let a = String::from_utf8(d.read("a.csv")).unwrap();
    // Records (not lines: a text holds a line break) match the JSONL run's.
    assert_eq!(a, csv);
}

#[test]
fn json_problems_are_validate_s() {
    let d = Dir::new("json");
    let mut text = valid_lines();
    text.push_str(&line(response(
        "partial",
        json!({"_id": "bad", "lang": "xx"}),
    )));
    d.write("r.jsonl", &text);
    let out = d.run(&[
        "--format",
        "json",
        "flatten",
        "mini.survey",
        "r.jsonl",
        "--out",
        "r.sav",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let validate = d.run(&["--format", "json", "validate", "mini.survey", "r.jsonl"]);
    let problems = |o: &Output| -> Vec<Value> {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["type"] == "problem")
            .collect()
    };
    assert_eq!(problems(&out).len(), 1);
    assert_eq!(problems(&out), problems(&validate));
    let last = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .to_string();
    assert_eq!(
        serde_json::from_str::<Value>(&last).unwrap(),
        json!({"type": "summary", "responses": 4, "written": 3, "skipped": 1})
    );
}

#[test]
fn redact_through_the_binary() {
    let d = Dir::new("redact");
    d.write("r.jsonl", &valid_lines());
    let out = d.run(&[
        "flatten",
        "mini.survey",
        "r.jsonl",
        "--out",
        "r.csv",
        "--redact",
        "identifying",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let csv = String::from_utf8(d.read("r.csv")).unwrap();
    assert_eq!(
        csv.split("\r\n").next().unwrap(),
        "resp_id,resp_status,resp_submitted,lang,part,forms_1,forms_2,forms_3,forms_9,followup,count,share,since,region"
    );
    assert!(!csv.contains("Åland"), "the story is left out");
    let out = d.run(&[
        "flatten",
        "mini.survey",
        "r.jsonl",
        "--out",
        "r.sav",
        "--redact",
        "indirectly-identifying",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let sav = read_sav(&d.read("r.sav"));
    let names: Vec<&String> = sav.long_names.values().collect();
    assert!(
        !names
            .iter()
            .any(|n| ["story", "forms_other", "region"].contains(&n.as_str()))
    );
    assert_eq!(sav.long_names.len(), 13);
    assert_eq!(sav.ncases, 3);
}

#[test]
fn usage_errors_exit_2() {
    let d = Dir::new("usage");
    d.write("r.jsonl", &valid_lines());
    let out = d.run(&["flatten", "mini.survey", "r.jsonl", "--out", "r.xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the output is .csv or .sav"));
    let out = d.run(&[
        "flatten",
        "mini.survey",
        "r.jsonl",
        "--out",
        "r.sav",
        "--lang",
        "de",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no language `de`"));
    let out = d.run(&["flatten", "mini.survey", "nope.jsonl", "--out", "r.csv"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn output_is_deterministic() {
    let d = Dir::new("determinism");
    d.write("r.jsonl", &valid_lines());
    for ext in ["csv", "sav"] {
        let a = format!("a.{ext}");
        let b = format!("b.{ext}");
        assert_eq!(
            d.run(&["flatten", "mini.survey", "r.jsonl", "--out", &a])
                .status
                .code(),
            Some(0)
        );
        assert_eq!(
            d.run(&["flatten", "mini.survey", "r.jsonl", "--out", &b])
                .status
                .code(),
            Some(0)
        );
        assert_eq!(d.read(&a), d.read(&b), "{ext}");
    }
}

// ---------------------------------------------------------------------------
// .sav, read back

/// What the test reader gets from a `.sav`.
#[derive(Debug, Default)]
struct Sav {
    product: String,
    compression: i32,
    ncases: i32,
    case_size: i32,
    file_label: String,
    /// (short name, width) per variable record, continuations left out.
    records: Vec<(String, i32, Option<String>, i32)>,
    long_names: BTreeMap<String, String>,
    very_long: BTreeMap<String, usize>,
    /// Value labels by 1-based element index of the variable.
    value_labels: BTreeMap<i32, Vec<(f64, String)>>,
    /// Missing values by short name: (n, values).
    missing: BTreeMap<String, (i32, Vec<f64>)>,
    documents: Vec<String>,
    encoding: String,
    character_code: i32,
    attributes: String,
    mrsets: String,
    /// The cases as 8-byte elements.
    cases: Vec<Vec<[u8; 8]>>,
}

struct Bytes<'a>(&'a [u8], usize);

impl Bytes<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        let s = &self.0[self.1..self.1 + n];
        self.1 += n;
        s
    }
    fn i32(&mut self) -> i32 {
        i32::from_le_bytes(self.take(4).try_into().unwrap())
    }
    fn f64(&mut self) -> f64 {
        f64::from_le_bytes(self.take(8).try_into().unwrap())
    }
    fn string(&mut self, n: usize) -> String {
        String::from_utf8(self.take(n).to_vec()).expect("UTF-8")
    }
}

fn read_sav(bytes: &[u8]) -> Sav {
    let mut b = Bytes(bytes, 0);
    let mut sav = Sav::default();
    assert_eq!(b.take(4), b"$FL2");
    sav.product = b.string(60).trim_end().to_string();
    assert_eq!(b.i32(), 2, "layout code");
    sav.case_size = b.i32();
    sav.compression = b.i32();
    assert_eq!(b.i32(), 0, "weight");
    sav.ncases = b.i32();
    let bias = b.f64();
    let date = b.string(9);
    let time = b.string(8);
    assert_eq!(
        (bias, date.as_str(), time.as_str()),
        (100.0, "01 Jan 00", "00:00:00")
    );
    sav.file_label = b.string(64).trim_end().to_string();
    b.take(3);
    loop {
        match b.i32() {
            2 => {
                let width = b.i32();
                let has_label = b.i32();
                let n_missing = b.i32();
                let print = b.i32();
                let _write = b.i32();
                let name = b.string(8).trim_end().to_string();
                let label = (has_label == 1).then(|| {
                    let len = b.i32() as usize;
                    let l = b.string(len);
                    b.take(len.div_ceil(4) * 4 - len);
                    l
                });
                let values = (0..n_missing.unsigned_abs()).map(|_| b.f64()).collect();
                if n_missing != 0 {
                    sav.missing.insert(name.clone(), (n_missing, values));
                }
                if width != -1 {
                    sav.records.push((name, width, label, print));
                }
            }
            3 => {
                let n = b.i32();
                let mut labels = Vec::new();
                for _ in 0..n {
                    let value = b.f64();
                    let len = b.take(1)[0] as usize;
                    let l = b.string(len);
                    b.take((len + 1).div_ceil(8) * 8 - len - 1);
                    labels.push((value, l));
                }
                assert_eq!(b.i32(), 4);
                let count = b.i32();
                for _ in 0..count {
                    let index = b.i32();
                    sav.value_labels.insert(index, labels.clone());
                }
            }
            6 => {
                let n = b.i32();
                for _ in 0..n {
                    sav.documents.push(b.string(80).trim_end().to_string());
                }
            }
            7 => {
                let subtype = b.i32();
                let size = b.i32() as usize;
                let count = b.i32() as usize;
                let data = b.take(size * count).to_vec();
                let text = || String::from_utf8(data.clone()).expect("UTF-8");
                match subtype {
                    3 => sav.character_code = i32::from_le_bytes(data[28..32].try_into().unwrap()),
                    7 => sav.mrsets = text(),
                    13 => {
                        for pair in text().split('\t') {
                            let (s, l) = pair.split_once('=').unwrap();
                            sav.long_names.insert(s.to_string(), l.to_string());
                        }
                    }
                    14 => {
                        for pair in text().split('\t').filter(|p| !p.is_empty()) {
                            let (s, w) = pair.trim_end_matches('\0').split_once('=').unwrap();
                            sav.very_long.insert(s.to_string(), w.parse().unwrap());
                        }
                    }
                    17 => sav.attributes = text(),
                    20 => sav.encoding = text(),
                    _ => {}
                }
            }
            999 => {
                b.i32();
                break;
            }
            other => panic!("unknown record type {other}"),
        }
    }
    // Data.
    let n = sav.case_size as usize;
    let mut elements: Vec<[u8; 8]> = Vec::new();
    if sav.compression == 0 {
        while b.1 < bytes.len() {
            elements.push(b.take(8).try_into().unwrap());
        }
    } else {
        'blocks: while b.1 < bytes.len() {
            let commands: Vec<u8> = b.take(8).to_vec();
            for c in commands {
                match c {
                    0 => {}
                    1..=251 => elements.push((f64::from(c) - 100.0).to_le_bytes()),
                    252 => break 'blocks,
                    253 => elements.push(b.take(8).try_into().unwrap()),
                    254 => elements.push([b' '; 8]),
                    255 => elements.push((-f64::MAX).to_le_bytes()),
                }
            }
        }
    }
    assert_eq!(elements.len() % n, 0, "whole cases");
    sav.cases = elements.chunks(n).map(<[_]>::to_vec).collect();
    sav
}

fn flatten_to_sav(lang: &str, compress: bool) -> (Sav, Vec<String>) {
    let s = survey();
    let f = Flattener::new(&s, Redact::Nothing);
    let options = sav::SavOptions {
        lang: lang.to_string(),
        compress,
    };
    let mut w =
        sav::SavWriter::new(std::io::Cursor::new(Vec::new()), &s, f.columns(), &options).unwrap();
    let mut states = Vec::new();
    for l in valid_lines().lines() {
        let r: Value = serde_json::from_str(l).unwrap();
        let mut cells = Vec::new();
        f.row(r.as_object().unwrap(), &mut states, &mut cells);
        w.row(&cells).unwrap();
    }
    w.finish().unwrap();
    let warnings = w.warnings();
    (read_sav(&w.into_inner().into_inner()), warnings)
}

fn num(e: &[u8; 8]) -> f64 {
    f64::from_le_bytes(*e)
}

fn text_of(elements: &[[u8; 8]]) -> String {
    let bytes: Vec<u8> = elements.iter().flatten().copied().collect();
    String::from_utf8(bytes).unwrap().trim_end().to_string()
}

#[test]
fn sav_reads_back() {
    for compress in [true, false] {
        let (sav, _) = flatten_to_sav("en", compress);
        assert_eq!(sav.compression, i32::from(compress));
        assert!(sav.product.starts_with("@(#) SPSS DATA FILE"));
        assert_eq!(sav.ncases, 3);
        assert_eq!(sav.file_label, "mini 1.0");
        assert_eq!(sav.encoding, "UTF-8");
        assert_eq!(sav.character_code, 65001);
        assert_eq!(sav.documents[0], "Survey: mini version 1.0");
        assert_eq!(sav.attributes, "SurveyId('mini'\n)SurveyVersion('1.0'\n)");

        // Names: every flat column, long names through 7.13, short names
        // unique, at most 8 bytes.
        let s = survey();
        let names: Vec<String> = flat::columns(&s)
            .iter()
            .map(|c| c.name.to_string())
            .collect();
        let firsts: Vec<&(String, i32, Option<String>, i32)> = {
            // The first record of each variable: the records named in 7.13.
            sav.records
                .iter()
                .filter(|r| sav.long_names.contains_key(&r.0))
                .collect()
        };
        let long: Vec<String> = firsts
            .iter()
            .map(|r| sav.long_names[&r.0].clone())
            .collect();
        assert_eq!(long, names);
        assert!(sav.records.iter().all(|r| r.0.len() <= 8));
        let mut shorts: Vec<String> = sav.records.iter().map(|r| r.0.to_uppercase()).collect();
        shorts.sort();
        shorts.dedup();
        assert_eq!(shorts.len(), sav.records.len(), "unique short names");

        // The story (300 characters) is 1200 bytes: a very long string of
        // five segments.
        let story_short = firsts
            .iter()
            .find(|r| sav.long_names[&r.0] == "story")
            .unwrap();
        assert_eq!(sav.very_long[&story_short.0], 1200);
        assert_eq!(story_short.1, 255);

        // Labels and missing values of `part`.
        let part = firsts
            .iter()
            .find(|r| sav.long_names[&r.0] == "part")
            .unwrap();
        assert_eq!(part.2.as_deref(), Some("Took part <b>& 'quoted'"));
        assert_eq!(sav.missing[&part.0], (-3, vec![-f64::MAX, -1.0, 99.0]));

        // Case elements: resp_id (64 bytes = 8), status, submitted (40 = 5),
        // lang (2 = 1), part ...
        let case = &sav.cases[0];
        assert_eq!(case.len() as i32, sav.case_size);
        assert_eq!(text_of(&case[0..8]), "r1");
        assert_eq!(num(&case[8]), 1.0);
        assert_eq!(text_of(&case[9..14]), "2023-02-01T09:30:00Z");
        assert_eq!(text_of(&case[14..15]), "en");
        assert_eq!(num(&case[15]), 1.0, "part");
        let forms: Vec<f64> = case[16..20].iter().map(num).collect();
        assert_eq!(forms, [1.0, 0.0, 1.0, 0.0]);
        // forms_other: 200 characters → 800 bytes, four segments.
        let third = &sav.cases[2];
        assert_eq!(num(&third[8]), 2.0, "partial");
        assert_eq!(num(&third[16]), -3.0, "not reached");

        // Value labels of `part` sit at its element index (1-based).
        let labels = &sav.value_labels[&16];
        assert!(labels.contains(&(99.0, "Can't say".to_string())));
        assert!(labels.contains(&(-3.0, "Not reached (break-off)".to_string())));
        assert!(
            sav.mrsets.starts_with("$forms=D1 1 5 Forms "),
            "{}",
            sav.mrsets
        );
    }
}

#[test]
fn sav_strings_survive_including_very_long_ones() {
    let (sav, _) = flatten_to_sav("fi", true);
    let s = survey();
    let cols = flat::columns(&s);
    // Element offsets of each column.
    let mut offsets = Vec::new();
    let mut at = 0usize;
    for c in &cols {
        offsets.push(at);
        at += match flat::string_width(c) {
            None => 1,
            Some(w) if w <= 255 => (w as usize).div_ceil(8),
            Some(w) => {
                let n = (w as usize).div_ceil(252);
                (n - 1) * 32 + (w as usize - 252 * (n - 1)).div_ceil(8)
            }
        };
    }
    assert_eq!(at as i32, sav.case_size);
    let story = cols.iter().position(|c| c.name == "story").unwrap();
    let text = |case: &Vec<[u8; 8]>, i: usize| -> String {
        // Very long strings: 255 bytes of data in every 256-byte segment.
        let w = flat::string_width(&cols[i]).unwrap() as usize;
        let n = w.div_ceil(252);
        let mut bytes = Vec::new();
        let mut e = offsets[i];
        for seg in 0..n {
            let seg_w = if seg + 1 < n { 255 } else { w - 252 * (n - 1) };
            let els = seg_w.div_ceil(8);
            let raw: Vec<u8> = case[e..e + els].iter().flatten().copied().collect();
            let take = if seg + 1 < n { 255 } else { raw.len() };
            bytes.extend_from_slice(&raw[..take]);
            e += els;
        }
        String::from_utf8(bytes).unwrap().trim_end().to_string()
    };
    assert_eq!(
        text(&sav.cases[0], story),
        "Åland äöå 🙂 <b>&amp; 'x' \"y\""
    );
    assert_eq!(text(&sav.cases[1], story), "x".repeat(300));
    let other = cols.iter().position(|c| c.name == "forms_other").unwrap();
    assert_eq!(text(&sav.cases[0], other), "a \"b\", c\nd");
}

#[test]
fn sav_labels_follow_the_language_and_long_ones_are_cut_with_a_warning() {
    let (sav, warnings) = flatten_to_sav("fi", true);
    let part = sav.records.iter().find(|r| r.0 == "PART").unwrap();
    assert_eq!(part.2.as_deref(), Some("Osallistui"));
    assert!(sav.value_labels[&16].contains(&(-1.0, "Ei kysytty".to_string())));
    let by_name = |n: &str| {
        sav.records
            .iter()
            .find(|r| sav.long_names.get(&r.0).map(String::as_str) == Some(n))
            .unwrap()
    };
    // A long label that fits: "question: option".
    assert!(
        by_name("forms_9")
            .2
            .as_deref()
            .unwrap()
            .starts_with("Muodot: Ei mikään")
    );
    // The story's Finnish label (260 bytes) is cut to 255 at a character
    // boundary; the region's option 2 label (135 bytes) to 120.
    let story = by_name("story").2.clone().unwrap();
    assert!(story.len() <= 255 && story.len() >= 252, "{}", story.len());
    assert!(story.starts_with("Tarina, jonka vastaaja"));
    let south = sav
        .value_labels
        .values()
        .flat_map(|l| l.iter())
        .find(|(v, l)| *v == 2.0 && l.starts_with("Etelä"))
        .unwrap();
    assert!(south.1.len() <= 120 && south.1.len() >= 117);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`story`") && w.contains("cut")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`region` = 2") && w.contains("cut")),
        "{warnings:?}"
    );
    // English: nothing is cut.
    let (_, en) = flatten_to_sav("en", true);
    assert!(en.is_empty(), "{en:?}");
    for labels in sav.value_labels.values() {
        for (_, l) in labels {
            assert!(l.len() <= 120);
        }
    }
}

// ---------------------------------------------------------------------------
// The fast path

/// `flatten` reads valid JSON lines into slots instead of `Value`s; both
/// give the same row, on sampled responses of both surveys (partial ones,
/// texts with escapes) and on the hand-written ones.
#[test]
fn slots_and_values_give_the_same_rows() {
    use lomake::sample::{Options, Status, sample_response};
    let barometer = {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("surveys/partnership-barometer-2023.survey");
        let checked =
            lomake::check::check_file(&lomake::source::DiskLoader, &path, &CheckOptions::default())
                .unwrap();
        checked.survey.expect("a survey")
    };
    let mini = survey();
    let mut compared = 0;
    for s in [&mini, &barometer] {
        let f = Flattener::new(s, Redact::Nothing);
        let mut lines: Vec<String> = Vec::new();
        for seed in 0..300u64 {
            let status = if seed % 3 == 0 {
                Status::Partial
            } else {
                Status::Complete
            };
            let options = Options {
                status,
                ..Options::default()
            };
            lines.push(sample_response(s, seed, &options).to_string());
        }
        if std::ptr::eq(s, &mini) {
            lines.extend(valid_lines().lines().map(str::to_string));
        }
        let validator = Validator::new(s);
        for l in &lines {
            assert!(validator.quick_valid(l.as_bytes()), "{l}");
            let v: Value = serde_json::from_str(l).unwrap();
            let (mut s1, mut s2) = (Vec::new(), Vec::new());
            let (mut a, mut b) = (Vec::new(), Vec::new());
            f.row(v.as_object().unwrap(), &mut s1, &mut a);
            let parsed = f.parse(l).expect("an object");
            f.row_parsed(&parsed, &mut s2, &mut b);
            assert_eq!(a, b, "{l}");
            assert_eq!(s1, s2);
            compared += 1;
        }
    }
    assert!(compared >= 600);
}

/// Bad input is reported and skipped, never a panic: lines of every JSON
/// type, wrong types for every variable, bytes that are not UTF-8.
#[test]
fn bad_lines_are_skipped_without_panic() {
    use lomake::flatten::{Format, Reader};
    let s = survey();
    let f = Flattener::new(&s, Redact::Nothing);
    let validator = Validator::new(&s);
    let mut input: Vec<u8> = Vec::new();
    for l in [
        "[]",
        "1",
        "\"x\"",
        "null",
        "true",
        "{}",
        "{\"_survey\": 1}",
        "[{}]",
    ] {
        input.extend_from_slice(l.as_bytes());
        input.push(b'\n');
    }
    let weird = [
        json!([1, "a"]),
        json!({"a": 1}),
        json!("x"),
        json!(1.5),
        json!(-1),
        json!(true),
    ];
    for v in &s.variables {
        for w in &weird {
            let mut r = response("partial", json!({"lang": "en"}));
            r[v.name.as_str()] = w.clone();
            input.extend_from_slice(line(r).as_bytes());
        }
    }
    input.extend_from_slice(b"{\"_survey\": \"mini\xff\"}\n\xfe\xfe\n");
    input.extend_from_slice(valid_lines().as_bytes());
    let mut csv = CsvWriter::new(Vec::new(), f.columns().iter().map(|c| c.name)).unwrap();
    let mut problems: Vec<u8> = Vec::new();
    let (read, written, skipped) = {
        let mut reader = Reader::new(&validator, &f, &mut csv, Format::Human, &mut problems);
        reader.jsonl(&input[..], "bad.jsonl").unwrap();
        (reader.read, reader.written, reader.skipped)
    };
    // Written: what the validator accepts (the three valid lines, and
    // `share` = 1.5 and `story` = "x", which are valid answers).
    let valid = input
        .split(|b| *b == b'\n')
        .filter_map(|l| serde_json::from_slice::<Value>(l).ok())
        .filter(|v| validator.check(v).is_empty())
        .count();
    assert_eq!(valid, 5);
    assert_eq!(written, 5, "{}", String::from_utf8_lossy(&problems));
    assert_eq!(read, written + skipped);
    assert!(skipped > 50);
    let text = String::from_utf8(csv.into_inner()).unwrap();
    assert_eq!(text.matches("\r\nr").count(), 5);
}
