//! Benchmarks of `lomake flatten`: 1,000 responses of the 2023 Barometer
//! (10 % partial, generated along real routes by `lomake::sample`) from
//! JSON lines to rows, to CSV and to a `.sav` in memory, each line also
//! validated as the command does. Run with `cargo bench --bench flatten`;
//! a quick run: `cargo bench --bench flatten -- --warm-up-time 1 --measurement-time 3`.
//!
//! The end-to-end measurement (1,000,000 responses, peak memory) is in
//! `docs/flat-data.md`:
//!
//! ```sh
//! target/release/lomake sample surveys/partnership-barometer-2023.survey \
//!     -n 1000000 --partial 10 -o /tmp/x.jsonl
//! /usr/bin/time -v target/release/lomake flatten \
//!     surveys/partnership-barometer-2023.survey /tmp/x.jsonl --out /tmp/x.csv
//! ```

use std::hint::black_box;
use std::io::Cursor;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lomake::check::{CheckOptions, check_file};
use lomake::flatten::{Flattener, Redact, Sink, csv::CsvWriter, sav};
use lomake::ir::Survey;
use lomake::sample::{Options, Status, sample_response};
use lomake::source::DiskLoader;
use lomake::validate::Validator;

const BAROMETER: &str = "surveys/partnership-barometer-2023.survey";
const N: u64 = 1000;

fn barometer() -> Survey {
    let checked = check_file(&DiskLoader, Path::new(BAROMETER), &CheckOptions::default())
        .expect("the Barometer is readable");
    checked.survey.expect("the Barometer checks clean")
}

fn lines(survey: &Survey) -> Vec<String> {
    (0..N)
        .map(|seed| {
            let status = if seed % 10 == 0 {
                Status::Partial
            } else {
                Status::Complete
            };
            let options = Options {
                status,
                ..Options::default()
            };
            sample_response(survey, seed, &options).to_string()
        })
        .collect()
}

/// Validates and flattens every line into `sink`, as `lomake flatten` does.
fn run(f: &Flattener, validator: &Validator, lines: &[String], sink: &mut dyn Sink) {
    let mut states = Vec::new();
    for l in lines {
        assert!(validator.quick_valid(l.as_bytes()));
        let parsed = f.parse(l).expect("an object");
        let mut cells = Vec::new();
        f.row_parsed(&parsed, &mut states, &mut cells);
        sink.row(&cells).expect("in memory");
    }
    sink.finish().expect("in memory");
}

fn flatten(c: &mut Criterion) {
    let survey = barometer();
    let validator = Validator::new(&survey);
    let f = Flattener::new(&survey, Redact::Nothing);
    let lines = lines(&survey);
    let mut g = c.benchmark_group("flatten");
    g.throughput(Throughput::Elements(N));
    g.bench_function("rows", |b| {
        b.iter(|| {
            let mut states = Vec::new();
            let mut n = 0usize;
            for l in &lines {
                let parsed = f.parse(l).expect("an object");
                let mut cells = Vec::new();
                f.row_parsed(&parsed, &mut states, &mut cells);
                n += cells.len();
            }
            black_box(n)
        })
    });
    g.bench_function("csv", |b| {
        b.iter(|| {
            let mut w =
                CsvWriter::new(Vec::new(), f.columns().iter().map(|c| c.name)).expect("in memory");
            run(&f, &validator, &lines, &mut w);
            black_box(w.into_inner().len())
        })
    });
    let options = sav::SavOptions {
        lang: "fi".into(),
        compress: true,
    };
    g.bench_function("sav", |b| {
        b.iter(|| {
            let mut w =
                sav::SavWriter::new(Cursor::new(Vec::new()), &survey, f.columns(), &options)
                    .expect("in memory");
            run(&f, &validator, &lines, &mut w);
            black_box(w.into_inner().into_inner().len())
        })
    });
    g.finish();
}

criterion_group!(benches, flatten);
criterion_main!(benches);
