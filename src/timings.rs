//! Phase timings for profiling the front end: with `LOMAKE_TIMINGS=1` in the
//! environment, each timed phase prints its wall time to standard error
//! (`timing load 27.4 ms`). Off, a phase costs one load of a flag.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("LOMAKE_TIMINGS").is_some_and(|v| v != "0"))
}

/// Runs `f`, printing how long it took when timings are on.
pub fn time<T>(phase: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    eprintln!(
        "timing {phase} {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    out
}

/// A phase that is not one closure: started here, ended by [`Start::done`].
pub struct Start(Option<Instant>);

impl Start {
    pub fn now() -> Start {
        Start(enabled().then(Instant::now))
    }

    pub fn done(self, phase: &str) {
        if let Some(start) = self.0 {
            eprintln!(
                "timing {phase} {:.1} ms",
                start.elapsed().as_secs_f64() * 1e3
            );
        }
    }
}
