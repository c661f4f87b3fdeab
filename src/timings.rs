//! Phase timings for profiling the front end: with `LOMAKE_TIMINGS=1` in the
//! environment, each timed phase prints its wall time to standard error
//! (`timing load 27.4 ms`). Off, a phase costs one load of a flag.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        let on = std::env::var_os("LOMAKE_TIMINGS").is_some_and(|v| v != "0");
        if on {
            origin();
        }
        on
    })
}

/// When timings were first asked for: phases say when they ran from it.
fn origin() -> Instant {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}

fn print(phase: &str, start: Instant) {
    let ms = |t: Instant| t.duration_since(origin()).as_secs_f64() * 1e3;
    let end = Instant::now();
    eprintln!(
        "timing {phase} {:.1} ms ({:.1}..{:.1})",
        end.duration_since(start).as_secs_f64() * 1e3,
        ms(start),
        ms(end)
    );
}

/// Runs `f`, printing how long it took when timings are on.
pub fn time<T>(phase: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    print(phase, start);
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
            print(phase, start);
        }
    }
}
