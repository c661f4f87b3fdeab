//! Syntax: the grammar (`grammar/lomake.pest`), the parser with recovery, and
//! the syntax tree. Nothing here knows what a survey means.

pub mod ast;
pub mod fast;
pub mod parse;

pub use parse::{parse, parse_shared};
