//! Writes the synthetic survey of the benchmarks (`benches/synth`) to
//! standard output, for measuring whole commands on it:
//! `cargo run --release --example synth 10000 > /tmp/big/synth.survey`
//! (default 10,000 questions). `benches/README.md` uses it.

#[path = "../benches/synth/mod.rs"]
mod synth;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    print!("{}", synth::survey(n));
}
