//! Benchmarks: parse, check, and check plus `ir.json` of synthetic surveys of 100, 1,000 and
//! 10,000 questions, and pathological inputs. `benches/README.md` has the
//! numbers. Run with `cargo bench --bench check`; a quick run:
//! `cargo bench --bench check -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lomake::check::{CheckOptions, check_source};
use lomake::source::FileId;

#[path = "synth/mod.rs"]
mod synth;

// The allocator of the lomake binary (src/main.rs): the front end allocates
// many small strings, and the benchmark should measure what users run.
#[global_allocator]
static GLOBAL: lomake::alloc::Mimalloc = lomake::alloc::Mimalloc;

const SIZES: [usize; 3] = [100, 1_000, 10_000];

fn check_and_ir(text: &str) -> Option<String> {
    let checked = check_source("synthetic.survey", text, &CheckOptions::default());
    checked.survey.as_ref().map(|s| s.to_json())
}

fn sizes(c: &mut Criterion) {
    let mut group = c.benchmark_group("check_ir");
    for n in SIZES {
        let text = synth::survey(n);
        let checked = check_source("synthetic.survey", &text, &CheckOptions::default());
        assert!(
            checked.diagnostics.is_empty() && checked.survey.is_some(),
            "the synthetic survey of {n} questions does not check clean: {:?}",
            checked.diagnostics.first()
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| check_and_ir(black_box(text)))
        });
    }
    group.finish();

    // Check + IR without writing `ir.json`: the target. The result
    // is dropped outside the timing: the binary never frees it (it ends
    // there), so its freeing is no part of what a user waits for.
    let mut group = c.benchmark_group("check");
    for n in SIZES {
        let text = synth::survey(n);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter_with_large_drop(|| {
                check_source(
                    "synthetic.survey",
                    black_box(text),
                    &CheckOptions::default(),
                )
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("parse");
    for n in SIZES {
        let text = synth::survey(n);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| lomake::syntax::parse(FileId(0), black_box(text)))
        });
    }
    group.finish();
}

fn pathological(c: &mut Criterion) {
    let mut group = c.benchmark_group("pathological_1MB");
    for (name, text) in synth::pathological(1 << 20, lomake::syntax::parse::MAX_NESTING) {
        let checked = check_source("p.survey", &text, &CheckOptions::default());
        // Deep nesting at the limit and the late scale are fine; the others
        // are broken on purpose.
        if matches!(name, "deep_nesting" | "late_shared_scale") {
            assert!(
                checked.diagnostics.is_empty(),
                "{:?}",
                checked.diagnostics.first()
            );
        }
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, text| {
            b.iter(|| check_and_ir(black_box(text)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10);
    targets = sizes, pathological
}
criterion_main!(benches);
