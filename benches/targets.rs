//! Benchmarks of the targets: each of `lomake build`'s outputs of a checked
//! synthetic survey (`benches/synth`) of 1,000, 2,000 and 4,000 questions,
//! written to a temporary folder. Equal steps of size show whether a target
//! grows linearly. Run with `cargo bench --bench targets`; a quick run:
//! `cargo bench --bench targets -- --warm-up-time 1 --measurement-time 3`.
//! `benches/README.md` has the numbers.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lomake::check::{CheckOptions, check_source};
use lomake::config::Target;
use lomake::targets::{BuildOptions, build};

#[path = "synth/mod.rs"]
mod synth;

// The allocator of the lomake binary (src/main.rs).
#[global_allocator]
static GLOBAL: lomake::alloc::Mimalloc = lomake::alloc::Mimalloc;

const SIZES: [usize; 3] = [1_000, 2_000, 4_000];

const TARGETS: [(&str, Target); 6] = [
    ("ir", Target::Ir),
    ("schema", Target::Schema),
    ("form", Target::Form),
    ("codebook", Target::Codebook),
    ("ddi", Target::Ddi),
    ("review", Target::Review),
];

fn targets(c: &mut Criterion) {
    let out = std::env::temp_dir().join(format!("lomake-bench-targets-{}", std::process::id()));
    for n in SIZES {
        let text = synth::survey(n);
        let checked = check_source("synthetic.survey", &text, &CheckOptions::default());
        let survey = checked.survey.unwrap_or_else(|| {
            panic!(
                "the synthetic survey of {n} questions does not check clean: {:?}",
                checked.diagnostics.first()
            )
        });
        for (name, target) in TARGETS {
            let mut group = c.benchmark_group(format!("build_{name}"));
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::from_parameter(n), &survey, |b, survey| {
                b.iter(|| {
                    build(black_box(survey), &out, &[target], &BuildOptions::default())
                        .expect("the build writes its files")
                })
            });
            group.finish();
        }
    }
    let _ = std::fs::remove_dir_all(&out);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10);
    targets = targets
}
criterion_main!(benches);
