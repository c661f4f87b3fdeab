//! The global allocator of the `lomake` binary (and of the benches):
//! mimalloc. The checker and the targets allocate many small strings, and
//! with mimalloc a whole check takes a quarter fewer instructions than with
//! the system allocator (callgrind, 2,000-question survey).
//!
//! The `mimalloc` crate's allocator asks mimalloc for an aligned block on
//! every call; almost every Rust allocation needs no more than the word
//! alignment every mimalloc block has, and the plain calls skip the
//! alignment checks (about twenty instructions of each allocation).

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as ffi;

/// mimalloc, asked for alignment only where a type needs more than a word.
pub struct Mimalloc;

// mimalloc's option setter (in the library `libmimalloc-sys` builds; its
// Rust declaration is behind a feature we do not need otherwise).
unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` (mimalloc.h, v2): milliseconds before freed
/// memory goes back to the OS; -1: never.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

impl Mimalloc {
    /// Keeps freed memory for reuse until the process ends, instead of
    /// giving it back to the OS 10 ms after it is freed. Every command is
    /// one short run: memory given back is faulted in (and zeroed) again
    /// when the run allocates more, and giving it back costs the other
    /// threads a TLB flush. The 10,000-question check: about 1,560 page
    /// faults by default, about 275 with this, at the same peak memory.
    pub fn keep_freed_memory() {
        // SAFETY: sets a plain option; mimalloc reads it when it next
        // considers purging.
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
    }
}

/// The alignment of every block mimalloc hands out: its blocks are whole
/// words from a word-aligned start.
const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: each method calls the mimalloc function of the same contract;
// the plain ones only where `layout.align()` is at most a word, which
// every mimalloc block is aligned to.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe {
            if layout.align() <= WORD {
                ffi::mi_malloc(layout.size()) as *mut u8
            } else {
                ffi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe {
            if layout.align() <= WORD {
                ffi::mi_zalloc(layout.size()) as *mut u8
            } else {
                ffi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        unsafe { ffi::mi_free(ptr as *mut c_void) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe {
            if layout.align() <= WORD {
                ffi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
            } else {
                ffi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freed_memory_is_kept() {
        unsafe extern "C" {
            fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
        }
        // The option at that index is the purge delay: 10 ms by default.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) }, 10);
        }
        Mimalloc::keep_freed_memory();
        assert_eq!(unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) }, -1);
    }

    /// Blocks of every small size and alignment are aligned as asked, and
    /// keep their contents through a reallocation.
    #[test]
    fn blocks_are_aligned_and_keep_their_bytes() {
        let a = Mimalloc;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in (1..200).chain([4095, 4096, 70_000, 1 << 20]) {
                let layout = Layout::from_size_align(size, align).expect("a valid layout");
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size}, align {align}");
                    std::ptr::write_bytes(p, 0xab, size);
                    let q = a.realloc(p, layout, size * 3);
                    assert_eq!(q as usize % align, 0, "realloc: size {size}, align {align}");
                    assert!(
                        std::slice::from_raw_parts(q, size)
                            .iter()
                            .all(|&b| b == 0xab)
                    );
                    a.dealloc(q, Layout::from_size_align(size * 3, align).expect("valid"));
                    let z = a.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0);
                    assert!(std::slice::from_raw_parts(z, size).iter().all(|&b| b == 0));
                    a.dealloc(z, layout);
                }
            }
        }
    }
}
