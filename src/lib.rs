//! lomake: a survey-definition language and its compiler.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! source ([`source`]) → parse ([`syntax`], grammar in `grammar/`) → load
//! modules ([`load`]) → check and resolve ([`check`]) → IR ([`ir`]) → targets
//! ([`targets`]). Diagnostics live in [`diagnostics`]; the routing semantics
//! in [`eval`].

pub mod alloc;
mod bytes;
pub mod check;
pub mod config;
pub mod diagnostics;
pub mod diff;
pub mod eval;
mod fasthash;
pub mod flat;
pub mod flatten;
pub mod fmt;
pub mod git;
pub mod ir;
pub mod language;
pub mod lineage;
pub mod load;
pub mod markup;
pub mod sample;
pub mod shared;
pub mod source;
pub mod syntax;
pub mod targets;
mod threads;
pub mod timings;
pub mod translations;
pub mod validate;
