//! Counts the memory the front end holds on a synthetic survey of N
//! questions: `cargo run --release --example memcount [N]`. Prints bytes
//! live and allocations after the parse and after the check, and the peak.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

#[path = "../benches/synth/mod.rs"]
mod synth;

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static CALLS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(l.size(), Relaxed) + l.size();
        PEAK.fetch_max(now, Relaxed);
        CALLS.fetch_add(1, Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        let now = LIVE.fetch_add(n, Relaxed) + n;
        LIVE.fetch_sub(l.size(), Relaxed);
        PEAK.fetch_max(now, Relaxed);
        CALLS.fetch_add(1, Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn report(what: &str, base: usize) {
    println!(
        "{what}: live {:.1} MB, peak {:.1} MB, allocations {}",
        (LIVE.load(Relaxed) - base) as f64 / 1e6,
        (PEAK.load(Relaxed) - base) as f64 / 1e6,
        CALLS.load(Relaxed)
    );
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10000);
    let text = synth::survey(n);
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    CALLS.store(0, Relaxed);
    println!("source: {:.1} MB", text.len() as f64 / 1e6);
    let (f, _) = lomake::syntax::parse(lomake::source::FileId(0), &text);
    report("parse", base);
    drop(f);
    PEAK.store(LIVE.load(Relaxed), Relaxed);
    CALLS.store(0, Relaxed);
    let c = lomake::check::check_source("s.survey", &text, &Default::default());
    report("check", base);
    let s = c.survey.as_ref().unwrap();
    println!(
        "variables {}, elements {}",
        s.variables.len(),
        s.sections.iter().map(|x| x.elements.len()).sum::<usize>()
    );
    println!(
        "size_of Variable {}, Element {}, Translation {}",
        std::mem::size_of::<lomake::ir::Variable>(),
        std::mem::size_of::<lomake::ir::Element>(),
        std::mem::size_of::<lomake::ir::Translation>()
    );
    println!(
        "size_of ast Item {}, Property {}, Translation {}, PropertyValue {}",
        std::mem::size_of::<lomake::syntax::ast::Item>(),
        std::mem::size_of::<lomake::syntax::ast::Property>(),
        std::mem::size_of::<lomake::syntax::ast::Translation>(),
        std::mem::size_of::<lomake::syntax::ast::PropertyValue>()
    );
    let syntax = std::mem::take(&mut { c }.syntax);
    drop(syntax);
    report("check without syntax tree", base);
}
