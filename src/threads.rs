//! Work spread over threads, for the phases that split a large survey
//! (parse, lowering the body, routing analysis) and the targets' languages.
//!
//! The jobs go to **helper threads that stay awake between phases**
//! ([`warm`]). A thread made, or woken, for each phase often starts
//! milliseconds late: the scheduler tends to put it on the core of the thread
//! that made or woke it, where it waits (benches/README.md, session 11). A
//! helper that is already running on the other core takes a job within
//! microseconds. After [`SPIN`] without work a helper sleeps, and a job then
//! wakes it as a new thread would start. Where no helper is free (more jobs
//! than helpers, a job that starts jobs), a job gets a thread of its own, and
//! where no thread can be made (a limit on processes) it runs on the calling
//! thread: the results never depend on which thread ran what.

use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// `f` of each job, the first on the calling thread and each other on a
/// helper or a thread of its own; the results in the jobs' order.
pub fn each<J, T>(jobs: Vec<J>, f: impl Fn(J) -> T + Sync) -> Vec<T>
where
    J: Send,
    T: Send,
{
    let mut jobs = jobs.into_iter();
    let Some(first) = jobs.next() else {
        return Vec::new();
    };
    let f = &f;
    let (here, others) = fork(move || f(first), jobs.map(|j| move || f(j)).collect());
    let mut out = Vec::with_capacity(others.len() + 1);
    out.push(here);
    out.extend(others);
    out
}

/// `here` on the calling thread while each of `others` runs on a helper
/// (or a thread of its own, or, where no thread can be made, here after
/// `here`); the results, `others`' in their order. A panic in any of them
/// is resumed here once all have finished.
pub fn fork<H, RH, O, RO>(here: H, others: Vec<O>) -> (RH, Vec<RO>)
where
    H: FnOnce() -> RH,
    O: FnOnce() -> RO + Send,
    RO: Send,
{
    if others.is_empty() {
        return (here(), Vec::new());
    }
    let slots: Vec<Mutex<Option<std::thread::Result<RO>>>> =
        others.iter().map(|_| Mutex::new(None)).collect();
    let jobs: Vec<Mutex<Option<O>>> = others.into_iter().map(|j| Mutex::new(Some(j))).collect();
    // Job `i`, unless it has run: its result (or panic) into slot `i`.
    let run = |i: usize| {
        if let Some(job) = lock(&jobs[i]).take() {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            *lock(&slots[i]) = Some(result);
        }
    };
    let run = &run;
    let mine = std::thread::scope(|scope| {
        let mut waits = Vec::with_capacity(jobs.len());
        for i in 0..jobs.len() {
            match helper() {
                // SAFETY: `waits` is a local of this frame: it is dropped,
                // and so waits for the job, before the frame is left:
                // below, or while unwinding should anything here panic.
                Some(h) => waits.push(unsafe { h.post(move || run(i)) }),
                // A thread that cannot be made leaves the job to the loop
                // below.
                None => {
                    let _ = std::thread::Builder::new().spawn_scoped(scope, move || run(i));
                }
            }
        }
        // The helpers' jobs borrow from this frame: they are awaited
        // before it is left, panic or not (`Wait` waits when dropped).
        let mine = std::panic::catch_unwind(std::panic::AssertUnwindSafe(here));
        drop(waits);
        mine
        // The scope joins the threads of their own.
    });
    // Jobs whose thread could not be made: here, in order.
    for i in 0..jobs.len() {
        run(i);
    }
    let mine = mine.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let results = slots
        .into_iter()
        .map(
            |s| match s.into_inner().unwrap_or_else(|e| e.into_inner()) {
                Some(Ok(r)) => r,
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                None => unreachable!("every job has run"),
            },
        )
        .collect();
    (mine, results)
}

/// Pieces `0..n` of a job shared out as the threads come free: the calling
/// thread runs `front` on piece 0 and then on the pieces after it, in
/// order, while each helper runs `back` on the last piece not yet taken,
/// then the one before it, and so on, until the two ends meet. Returns how
/// many pieces the front ran (`0..m`) and the back's results for `m..n`,
/// in the pieces' order.
///
/// A phase split in two fixed halves waits for the slower half, and which
/// half is slower changes from run to run (another process on a core, or
/// work only the calling thread does first). Taken from both ends, the
/// threads end within about one piece of each other, and the front's
/// pieces still come one after another.
///
/// `front_only_first`: the front runs piece 0 only, the back every other
/// (tests: so that the back's path is taken whatever the timing).
pub fn from_both_ends<R: Send>(
    n: usize,
    front_only_first: bool,
    mut front: impl FnMut(usize),
    back: impl Fn(usize) -> R + Sync,
) -> (usize, Vec<R>) {
    if n == 0 {
        return (0, Vec::new());
    }
    // The next piece from the front, and the end of those left.
    let left = Mutex::new((1usize, n));
    // The next piece from the front (or from the back), if any is left.
    let take = |from_front: bool| {
        let mut left = lock(&left);
        (left.0 < left.1).then(|| {
            if from_front {
                left.0 += 1;
                left.0 - 1
            } else {
                left.1 -= 1;
                left.1
            }
        })
    };
    let from_back = || {
        let mut mine = Vec::new();
        while let Some(i) = take(false) {
            mine.push((i, back(i)));
        }
        mine
    };
    let backs = helpers().len().max(1);
    let (ran, found) = fork(
        || {
            front(0);
            let mut ran = 1;
            // Under `front_only_first` the others are all the back's.
            if !front_only_first {
                while let Some(i) = take(true) {
                    front(i);
                    ran = i + 1;
                }
            }
            ran
        },
        (0..backs).map(|_| from_back).collect(),
    );
    let mut found: Vec<(usize, R)> = found.into_iter().flatten().collect();
    found.sort_unstable_by_key(|(i, _)| *i);
    debug_assert!(found.iter().map(|(i, _)| *i).eq(ran..n), "each piece once");
    (ran, found.into_iter().map(|(_, r)| r).collect())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// How long a helper stays awake without work.
pub const SPIN: Duration = Duration::from_millis(25);

/// Starts the helpers now (as many as the cores, less the calling
/// thread's, at most three), so that they are running by the time the
/// first large phase needs them; wakes them if they sleep. Cheap to call
/// again.
pub fn warm() {
    for h in helpers() {
        h.wake();
    }
}

fn helpers() -> &'static [Helper] {
    static HELPERS: OnceLock<Box<[Helper]>> = OnceLock::new();
    static STARTED: OnceLock<bool> = OnceLock::new();
    let helpers = HELPERS.get_or_init(|| {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get().min(4)) - 1;
        (0..n).map(|_| Helper::default()).collect()
    });
    let started = *STARTED.get_or_init(|| {
        helpers.iter().all(|h| {
            std::thread::Builder::new()
                .name("lomake-helper".into())
                .spawn(move || h.serve())
                .is_ok()
        })
    });
    // Where a helper's thread could not be made, none takes jobs.
    if started { helpers } else { &[] }
}

/// A free helper, claimed for one job.
fn helper() -> Option<&'static Helper> {
    helpers().iter().find(|h| {
        h.state
            .compare_exchange(IDLE, CLAIMED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    })
}

const IDLE: u8 = 0;
const CLAIMED: u8 = 1;
const POSTED: u8 = 2;

type Job = Box<dyn FnOnce() + Send + 'static>;

#[derive(Default)]
struct Helper {
    state: AtomicU8,
    /// The job posted, with its ticket.
    job: Mutex<Option<(Job, u64)>>,
    /// The tickets of the jobs posted so far, and of those finished.
    posted: AtomicU64,
    done: AtomicU64,
    /// Set while the helper sleeps (it then waits on `wake`).
    asleep: AtomicBool,
    wake: Condvar,
    /// Bumped by `warm`: keeps an idle helper awake for another `SPIN`.
    warmed: AtomicU8,
}

/// A helper's job in flight: waits for it when dropped.
struct Wait {
    helper: &'static Helper,
    ticket: u64,
}

impl Drop for Wait {
    fn drop(&mut self) {
        wait_until(|| self.helper.done.load(Ordering::Acquire) >= self.ticket);
    }
}

impl Helper {
    /// Runs `run` on this helper, which the caller has claimed.
    ///
    /// # Safety
    /// What `run` borrows must stay alive until the returned `Wait` has
    /// been dropped (which waits for `run` to finish): the `Wait` must not
    /// be leaked (`mem::forget`). `fork` drops it before its frame is left,
    /// panic or not.
    unsafe fn post<'a>(&'static self, run: impl FnOnce() + Send + 'a) -> Wait {
        let job: Box<dyn FnOnce() + Send + 'a> = Box::new(run);
        // SAFETY: the caller keeps what `job` borrows alive until the job
        // has finished, and the helper drops the job (`job()` consumes it)
        // before it marks its ticket done.
        let job: Job = unsafe { std::mem::transmute::<Box<dyn FnOnce() + Send + 'a>, Job>(job) };
        // Only the claimer posts: tickets go up by one per job.
        let ticket = self.posted.fetch_add(1, Ordering::Relaxed) + 1;
        *lock(&self.job) = Some((job, ticket));
        self.state.store(POSTED, Ordering::SeqCst);
        self.wake();
        Wait {
            helper: self,
            ticket,
        }
    }

    fn wake(&self) {
        // SeqCst here and in `sleep`: of a job posted (or a warm) and the
        // helper falling asleep, each sees the other.
        self.warmed.fetch_add(1, Ordering::SeqCst);
        if self.asleep.load(Ordering::SeqCst) {
            let _guard = lock(&self.job);
            self.wake.notify_one();
        }
    }

    fn serve(&self) {
        loop {
            // Awake: look for a job until `SPIN` passes without one or a
            // `warm`.
            let mut since = Instant::now();
            let mut warmed = self.warmed.load(Ordering::Acquire);
            let mut spins = 0u32;
            while self.state.load(Ordering::Acquire) != POSTED {
                std::hint::spin_loop();
                spins = spins.wrapping_add(1);
                if spins.is_multiple_of(256) {
                    // Leave the core to others now and then: on a machine
                    // with fewer cores than threads this one is in the way.
                    std::thread::yield_now();
                    let w = self.warmed.load(Ordering::Acquire);
                    if w != warmed {
                        warmed = w;
                        since = Instant::now();
                    } else if since.elapsed() > SPIN {
                        self.sleep();
                        since = Instant::now();
                    }
                }
            }
            let taken = lock(&self.job).take();
            if let Some((job, ticket)) = taken {
                // The job catches its own panics (`fork`).
                job();
                self.done.store(ticket, Ordering::Release);
                self.state.store(IDLE, Ordering::Release);
            }
        }
    }

    /// Sleeps until a job is posted or `warm` is called.
    fn sleep(&self) {
        let mut guard = lock(&self.job);
        let warmed = self.warmed.load(Ordering::SeqCst);
        self.asleep.store(true, Ordering::SeqCst);
        while self.state.load(Ordering::SeqCst) != POSTED
            && self.warmed.load(Ordering::SeqCst) == warmed
        {
            guard = self.wake.wait(guard).unwrap_or_else(|e| e.into_inner());
        }
        self.asleep.store(false, Ordering::Release);
    }
}

/// Waits for `done`: spinning for a millisecond (a job's end is usually
/// near), leaving the core to others now and then, then checking every
/// 50 µs (a long job: the core is left to the jobs).
fn wait_until(done: impl Fn() -> bool) {
    let start = Instant::now();
    let mut spins = 0u32;
    while !done() {
        std::hint::spin_loop();
        spins = spins.wrapping_add(1);
        if spins.is_multiple_of(256) {
            if start.elapsed() < Duration::from_millis(1) {
                std::thread::yield_now();
            } else {
                std::thread::sleep(Duration::from_micros(50));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_in_the_jobs_order() {
        let jobs: Vec<u64> = (0..9).collect();
        assert_eq!(
            super::each(jobs, |n| n * n),
            (0..9).map(|n| n * n).collect::<Vec<_>>()
        );
        assert!(super::each(Vec::<u8>::new(), |n| n).is_empty());
    }

    #[test]
    fn jobs_borrow_and_helpers_are_reused() {
        super::warm();
        let text = String::from("abcdef");
        for round in 0..200 {
            let parts: Vec<_> = [0..2, 2..4, 4..6]
                .into_iter()
                .map(|r| || &text[r])
                .collect();
            let (here, others) = super::fork(|| text.len() + round, parts);
            assert_eq!(here, 6 + round);
            assert_eq!(others, ["ab", "cd", "ef"]);
        }
    }

    #[test]
    fn forks_from_many_threads_at_once_and_inside_jobs() {
        // Callers race for the helpers; the losers' jobs get threads of
        // their own; a job that forks again does the same. No result may
        // depend on who won.
        std::thread::scope(|s| {
            for t in 0..6u64 {
                s.spawn(move || {
                    for round in 0..50u64 {
                        let jobs: Vec<u64> = (0..4).map(|j| t * 1000 + round * 10 + j).collect();
                        let got = super::each(jobs.clone(), |n| {
                            let inner = super::each(vec![n, n + 1], |m| m * 2);
                            inner[0] + inner[1]
                        });
                        let want: Vec<u64> = jobs.iter().map(|n| 4 * n + 2).collect();
                        assert_eq!(got, want);
                    }
                });
            }
        });
    }

    #[test]
    fn both_ends_run_each_piece_once_the_front_in_order() {
        super::warm();
        for n in [1usize, 2, 3, 17, 200] {
            for only_first in [false, true] {
                for round in 0..20 {
                    let mut fronts = Vec::new();
                    let (ran, backs) = super::from_both_ends(
                        n,
                        only_first,
                        |i| {
                            fronts.push(i);
                            if round % 2 == 0 {
                                std::hint::black_box((0..1000).sum::<u64>());
                            }
                        },
                        |i| i * 10,
                    );
                    assert_eq!(fronts, (0..ran).collect::<Vec<_>>(), "n {n}");
                    assert_eq!(backs, (ran..n).map(|i| i * 10).collect::<Vec<_>>());
                    if only_first {
                        assert_eq!(ran, 1, "n {n}: the front ran only piece 0");
                    }
                }
            }
        }
        assert_eq!(super::from_both_ends(0, false, |_| {}, |i| i), (0, vec![]));
    }

    #[test]
    fn a_panic_in_a_job_is_resumed_on_the_caller_after_all_finished() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let finished = AtomicUsize::new(0);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            super::each(vec![0u32, 1, 2], |n| {
                if n == 1 {
                    panic!("job {n} fails");
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
                finished.fetch_add(1, Ordering::SeqCst);
            })
        }));
        let panic = result.expect_err("the panic reaches the caller");
        assert_eq!(
            panic.downcast_ref::<String>().map(String::as_str),
            Some("job 1 fails")
        );
        assert_eq!(
            finished.load(Ordering::SeqCst),
            2,
            "the others ran to the end"
        );
        // The helpers still work.
        assert_eq!(super::each(vec![1u8, 2], |n| n + 1), [2, 3]);
    }
}
