//! `lomake validate`: checks responses against a survey's IR, with lomake's
//! own evaluation of the routing (not a JSON Schema library), and explains
//! each problem in survey terms.
//!
//! FIXME: stub; the implementation is in progress.

use serde_json::Value;

use crate::ir::Survey;

/// One problem in one response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The variable concerned (or the envelope field), if any.
    pub variable: Option<String>,
    /// A stable kind, for summaries (`not-asked`, `missing`, `code`, …).
    pub kind: &'static str,
    /// The explanation in survey terms.
    pub message: String,
}

/// Checks one response; an empty result means it is valid.
pub fn check_response(survey: &Survey, response: &Value) -> Vec<Problem> {
    let _ = (survey, response);
    Vec::new()
}
