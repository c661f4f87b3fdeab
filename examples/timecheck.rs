//! Times the front end on a synthetic survey of N questions (default 10,000):
//! `cargo run --release --example timecheck [N] [parse|check] [RUNS]`. With
//! `parse`, only `syntax::parse` runs, RUNS times (default 20); with `check`,
//! only `check::check_source`, RUNS times (default 5) (for a profiler).

use std::time::Instant;

#[global_allocator]
// As in the lomake binary (src/main.rs).
static GLOBAL: lomake::alloc::Mimalloc = lomake::alloc::Mimalloc;

#[path = "../benches/synth/mod.rs"]
mod synth;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10000);
    let parse_only = std::env::args().nth(2).as_deref() == Some("parse");
    let runs: Option<u32> = std::env::args().nth(3).and_then(|a| a.parse().ok());
    let text = synth::survey(n);
    if parse_only {
        let runs = runs.unwrap_or(20).max(1);
        let t = Instant::now();
        for _ in 0..runs {
            let (f, d) = lomake::syntax::parse(lomake::source::FileId(0), &text);
            assert!(d.is_empty());
            drop(f);
        }
        println!(
            "{} bytes: parse {:?} per run",
            text.len(),
            t.elapsed() / runs
        );
        return;
    }
    if std::env::args().nth(2).as_deref() == Some("check") {
        let runs = runs.unwrap_or(5).max(1);
        let t = Instant::now();
        for _ in 0..runs {
            let c = lomake::check::check_source("s.survey", &text, &Default::default());
            assert!(c.survey.is_some());
        }
        println!(
            "{} bytes: check_source {:?} per run",
            text.len(),
            t.elapsed() / runs
        );
        return;
    }
    for _ in 0..3 {
        let t = Instant::now();
        let (f, d) = lomake::syntax::parse(lomake::source::FileId(0), &text);
        let tp = t.elapsed();
        assert!(d.is_empty());
        drop(f);
        let t = Instant::now();
        let c = lomake::check::check_source("s.survey", &text, &Default::default());
        let tc = t.elapsed();
        let t = Instant::now();
        let j = c
            .survey
            .as_ref()
            .expect("the survey checks clean")
            .to_json();
        let tj = t.elapsed();
        println!(
            "{} bytes: parse {:?}, check_source (parse included) {:?}, to_json {:?} ({} bytes)",
            text.len(),
            tp,
            tc,
            tj,
            j.len()
        );
    }
}
