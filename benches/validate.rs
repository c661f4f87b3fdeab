//! Benchmarks of `lomake validate`: checking one response of the 2023
//! Barometer (already parsed, and parsed from a JSON line), on responses
//! generated along real routes by `lomake::sample`. Run with
//! `cargo bench --bench validate`; a quick run:
//! `cargo bench --bench validate -- --warm-up-time 1 --measurement-time 3`.
//!
//! The end-to-end measurement of the command (1,000,000 responses, peak
//! memory) needs a large file written outside CI:
//!
//! ```sh
//! LOMAKE_BENCH_WRITE=/tmp/barometer-1m.jsonl LOMAKE_BENCH_N=1000000 \
//!     cargo bench --bench validate
//! /usr/bin/time -v target/release/lomake validate -q \
//!     surveys/partnership-barometer-2023.survey /tmp/barometer-1m.jsonl
//! ```
//!
//! `benches/README.md` has the numbers.

use std::hint::black_box;
use std::io::Write;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group};
use lomake::check::{CheckOptions, check_file};
use lomake::ir::Survey;
use lomake::sample::{Options, Status, sample_response};
use lomake::source::DiskLoader;
use lomake::validate::Validator;
use serde_json::Value;

const BAROMETER: &str = "surveys/partnership-barometer-2023.survey";

fn barometer() -> Survey {
    let checked = check_file(&DiskLoader, Path::new(BAROMETER), &CheckOptions::default())
        .expect("the Barometer is readable");
    checked.survey.expect("the Barometer checks clean")
}

/// Complete responses along real routes, one JSON line each.
fn lines(survey: &Survey, n: u64) -> Vec<String> {
    let options = Options {
        status: Status::Complete,
        ..Options::default()
    };
    (0..n)
        .map(|seed| sample_response(survey, seed, &options).to_string())
        .collect()
}

fn validate(c: &mut Criterion) {
    let survey = barometer();
    let validator = Validator::new(&survey);
    let lines = lines(&survey, 1000);
    let values: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    for v in &values {
        assert!(validator.check(v).is_empty(), "a sample is invalid: {v}");
    }
    let bytes: usize = lines.iter().map(String::len).sum();

    let mut group = c.benchmark_group("validate_1000_responses");
    group.throughput(Throughput::Elements(values.len() as u64));
    group.bench_function("check", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            for v in &values {
                out.clear();
                validator.check_into(black_box(v), &mut out);
            }
        })
    });
    group.bench_function("parse", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(serde_json::from_str::<Value>(black_box(l)).expect("JSON"));
            }
        })
    });
    group.bench_function("parse_and_check", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            for l in &lines {
                let v: Value = serde_json::from_str(black_box(l)).expect("JSON");
                out.clear();
                validator.check_into(&v, &mut out);
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("validate_bytes");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse_and_check", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            for l in &lines {
                let v: Value = serde_json::from_str(black_box(l)).expect("JSON");
                out.clear();
                validator.check_into(&v, &mut out);
            }
        })
    });
    group.finish();
}

/// Writes `LOMAKE_BENCH_N` (default 1,000,000) complete responses to the
/// JSONL file `LOMAKE_BENCH_WRITE`.
fn write_file(path: &str) {
    let n: u64 = std::env::var("LOMAKE_BENCH_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let survey = barometer();
    let options = Options {
        status: Status::Complete,
        ..Options::default()
    };
    let file = std::fs::File::create(path).expect("create the response file");
    let mut w = std::io::BufWriter::new(file);
    for seed in 0..n {
        let r = sample_response(&survey, seed, &options);
        writeln!(w, "{r}").expect("write");
    }
    w.flush().expect("write");
    eprintln!("wrote {n} responses to {path}");
}

criterion_group!(benches, validate);

fn main() {
    if let Ok(path) = std::env::var("LOMAKE_BENCH_WRITE") {
        write_file(&path);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
