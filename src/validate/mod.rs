//! `lomake validate`: checks responses against a survey's IR, with lomake's
//! own evaluation of the routing (not a JSON Schema library), and explains
//! each problem in survey terms.
//!
//! The response format is `docs/responses.md`; the command is
//! `docs/validate.md`. [`Validator`] checks one response (precomputing what
//! it needs from the IR once); [`Session`] streams files of responses
//! (`.json` objects or arrays, `.jsonl` lines) through it with memory that
//! does not grow with the number of responses.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, Write};
use std::path::Path;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

mod fast;

use fast::FastMap;

use crate::eval::{Truth, eval_with};
use crate::ir::{Cmp, Condition, Constant, Survey, Variable, VariableKind};

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

/// Every kind of [`Problem`], with what it means (`docs/validate.md`).
pub const KINDS: &[(&str, &str)] = &[
    ("not-object", "the response is not a JSON object"),
    (
        "envelope",
        "`_survey`, `_version`, `_status`, `_submitted` or `_id` is missing or wrong",
    ),
    (
        "unknown-name",
        "a name that is neither an envelope field nor a variable",
    ),
    ("not-asked", "a variable is present but was not asked"),
    (
        "missing",
        "an asked variable is absent from a complete response (or `lang` from any)",
    ),
    (
        "required",
        "a required variable is null in a complete response",
    ),
    ("type", "a value of the wrong JSON type"),
    ("code", "a number that is not a code of the variable's list"),
    (
        "empty-selection",
        "a multiple choice is `[]` (nothing chosen is `null`)",
    ),
    ("duplicate-code", "a code chosen twice in a multiple choice"),
    ("exclusive", "an exclusive option combined with other codes"),
    ("too-many", "more codes chosen than the question's `max`"),
    ("too-few", "fewer codes chosen than the question's `min`"),
    ("not-integer", "an integer answer with a fractional part"),
    ("range", "a number outside the question's `min`/`max`"),
    ("too-long", "a text longer than its `max_length`"),
    ("date", "not a real date written `YYYY-MM-DD`"),
    ("value", "a hidden variable not one of its values"),
    ("malformed", "a line or file that is not JSON"),
];

/// Checks one response; an empty result means it is valid.
///
/// Builds a [`Validator`] each time: to check many responses, build one and
/// call [`Validator::check`].
pub fn check_response(survey: &Survey, response: &Value) -> Vec<Problem> {
    Validator::new(survey).check(response)
}

/// What the checker needs of one variable, computed once per survey.
struct Var<'s> {
    var: &'s Variable,
    /// `` `name` (label) ``: how messages name it.
    named: String,
    /// Codes of its list (single and multiple choice), in display order.
    codes: Vec<i64>,
    /// The same codes as a bit set, when all lie in 0..128 (the usual
    /// case): the fast path tests a code with one shift.
    code_bits: Option<u128>,
    /// Codes of exclusive options.
    exclusive: Vec<i64>,
    /// The codes for messages: `1–9, 99`.
    codes_text: String,
    /// Present in every response, partial ones too (`lang`).
    always: bool,
    min: Option<f64>,
    max: Option<f64>,
}

/// Checks responses to one survey. Build it once and check many responses.
pub struct Validator<'s> {
    survey: &'s Survey,
    vars: Vec<Var<'s>>,
    index: FastMap<&'s str, usize>,
    /// Buffers of the fast path, kept between responses.
    scratch: fast::ScratchCell,
    /// The distinct conditions compiled for the fast path, and per variable
    /// the index of its own: each is evaluated once per response.
    fast_conds: Vec<fast::Fc>,
    cond_of: Vec<Option<usize>>,
}

const ENVELOPE: [&str; 5] = ["_survey", "_version", "_status", "_submitted", "_id"];

impl<'s> Validator<'s> {
    pub fn new(survey: &'s Survey) -> Validator<'s> {
        let source = survey.languages.first().map(String::as_str);
        let vars: Vec<Var> = survey
            .variables
            .iter()
            .map(|v| {
                let label = source
                    .and_then(|l| v.label.translations.get(l))
                    .or_else(|| v.label.translations.values().next())
                    .map(|t| t.plain())
                    .unwrap_or("");
                let named = if label.is_empty() {
                    format!("`{}`", v.name)
                } else {
                    format!("`{}` ({})", v.name, one_line(label))
                };
                let list = v.list.as_deref().and_then(|l| survey.list(l));
                let codes: Vec<i64> = list
                    .map(|l| l.options.iter().map(|o| o.code).collect())
                    .unwrap_or_default();
                let exclusive = list
                    .map(crate::ir::AnswerList::exclusive_codes)
                    .unwrap_or_default();
                let code_bits = codes
                    .iter()
                    .all(|c| (0..128).contains(c))
                    .then(|| codes.iter().fold(0u128, |b, c| b | 1 << c));
                Var {
                    var: v,
                    named,
                    code_bits,
                    codes_text: codes_text(&codes),
                    codes,
                    exclusive,
                    always: v.kind == VariableKind::Hidden && v.condition.is_none(),
                    min: v.min.as_ref().and_then(serde_json::Number::as_f64),
                    max: v.max.as_ref().and_then(serde_json::Number::as_f64),
                }
            })
            .collect();
        let index: FastMap<&str, usize> = survey
            .variables
            .iter()
            .enumerate()
            .map(|(i, v)| (v.name.as_str(), i))
            .collect();
        // Each distinct condition once, in order of first use (found by
        // hash: a survey has about as many conditions as variables).
        let mut conds: Vec<&Condition> = Vec::new();
        let mut cond_index: HashMap<&Condition, usize> = HashMap::new();
        let cond_of = survey
            .variables
            .iter()
            .map(|v| {
                let c = v.condition.as_ref()?;
                Some(*cond_index.entry(c).or_insert_with(|| {
                    conds.push(c);
                    conds.len() - 1
                }))
            })
            .collect();
        let lookup = |name: &str| index.get(name).copied();
        let fast_conds = conds
            .iter()
            .map(|c| fast::Fc::compile(c, &lookup))
            .collect();
        Validator {
            survey,
            vars,
            index,
            scratch: Default::default(),
            fast_conds,
            cond_of,
        }
    }

    /// The declared missing codes of a variable, for [`eval_with`].
    fn missing_codes(&self, name: &str) -> &[i64] {
        self.index
            .get(name)
            .map_or(&[][..], |&i| self.vars[i].var.missing_codes.as_slice())
    }

    pub fn survey(&self) -> &'s Survey {
        self.survey
    }

    /// Checks one response; an empty result means it is valid.
    pub fn check(&self, response: &Value) -> Vec<Problem> {
        let mut out = Vec::new();
        self.check_into(response, &mut out);
        out
    }

    /// Like [`Validator::check`], appending to `out`.
    pub fn check_into(&self, response: &Value, out: &mut Vec<Problem>) {
        let Value::Object(map) = response else {
            out.push(Problem {
                variable: None,
                kind: "not-object",
                message: format!(
                    "the response is {}, not a JSON object of answers",
                    describe_json(response)
                ),
            });
            return;
        };
        let complete = self.envelope(map, out);
        self.names(map, out);

        let missing = |name: &str| self.missing_codes(name);
        let mut asked = vec![false; self.vars.len()];
        for (i, v) in self.vars.iter().enumerate() {
            let is_asked = match &v.var.condition {
                None => true,
                Some(c) => eval_with(c, map, &missing) == Truth::True,
            };
            asked[i] = is_asked;
            let value = map.get(&v.var.name);
            match (is_asked, value) {
                (false, None) => {}
                (false, Some(_)) => {
                    let cond = v.var.condition.as_ref().expect("not asked, so conditional");
                    out.push(Problem {
                        variable: Some(v.var.name.clone()),
                        kind: "not-asked",
                        message: format!(
                            "`{}` is answered but was not asked: {}",
                            v.var.name,
                            self.explain(cond, map, &asked, &missing)
                        ),
                    });
                }
                (true, None) => {
                    if v.always {
                        out.push(Problem {
                            variable: Some(v.var.name.clone()),
                            kind: "missing",
                            message: format!(
                                "{} is missing; every response, partial ones too, has it: one of {}",
                                v.named,
                                v.var.values.join(", ")
                            ),
                        });
                    } else if complete {
                        let why = match &v.var.condition {
                            Some(c) => format!(": it was asked ({})", self.render(c)),
                            None => String::new(),
                        };
                        out.push(Problem {
                            variable: Some(v.var.name.clone()),
                            kind: "missing",
                            message: format!(
                                "{} is missing from a complete response{why}; an asked question without an answer is null",
                                v.named
                            ),
                        });
                    }
                }
                (true, Some(value)) => self.value(v, value, complete, out),
            }
        }
    }

    /// Checks the envelope; returns whether the response is complete.
    fn envelope(&self, map: &Map<String, Value>, out: &mut Vec<Problem>) -> bool {
        let fixed = |name: &'static str, expected: &str, what: &str, out: &mut Vec<Problem>| {
            let message = match map.get(name) {
                Some(Value::String(s)) if s == expected => return,
                None => format!("`{name}` is missing; it must be \"{expected}\" ({what})"),
                Some(Value::String(s)) => {
                    format!("`{name}` is {}, but {what} is \"{expected}\"", quote(s))
                }
                Some(v) => format!(
                    "`{name}` is {}; it must be the string \"{expected}\" ({what})",
                    describe_json(v)
                ),
            };
            out.push(envelope(name, message));
        };
        fixed("_survey", &self.survey.id, "the id of this survey", out);
        fixed(
            "_version",
            &self.survey.version,
            "the version of this survey",
            out,
        );
        let complete = match map.get("_status") {
            Some(Value::String(s)) if s == "complete" => true,
            Some(Value::String(s)) if s == "partial" => false,
            other => {
                let message = match other {
                    None => {
                        "`_status` is missing; it must be \"complete\" or \"partial\" (a break-off)"
                            .to_string()
                    }
                    Some(v) => format!(
                        "`_status` is {}; it must be \"complete\" or \"partial\" (a break-off)",
                        describe_json(v)
                    ),
                };
                out.push(envelope("_status", message));
                false
            }
        };
        match map.get("_submitted") {
            None => {}
            Some(Value::String(s)) if is_date_time(s) => {}
            Some(v) => out.push(envelope(
                "_submitted",
                format!(
                    "`_submitted` is {}, which is not an RFC 3339 date-time such as \"2023-02-01T09:30:00Z\"",
                    describe_json(v)
                ),
            )),
        }
        match map.get("_id") {
            None | Some(Value::String(_)) => {}
            Some(v) => out.push(envelope(
                "_id",
                format!(
                    "`_id` is {}; the respondent id must be a string",
                    describe_json(v)
                ),
            )),
        }
        complete
    }

    /// Reports names that are neither envelope fields nor variables.
    fn names(&self, map: &Map<String, Value>, out: &mut Vec<Problem>) {
        for name in map.keys() {
            if ENVELOPE.contains(&name.as_str()) || self.index.contains_key(name.as_str()) {
                continue;
            }
            let message = if name.starts_with('_') {
                format!(
                    "`{}` is not an envelope field; the only names starting with `_` are `_survey`, `_version`, `_status`, `_submitted` and `_id`",
                    one_line(name)
                )
            } else {
                let mut m = format!("`{}` is not a variable of this survey", one_line(name));
                if let Some(s) = self.suggest(name) {
                    let _ = write!(m, "; did you mean `{s}`?");
                }
                m
            };
            out.push(Problem {
                variable: Some(name.clone()),
                kind: "unknown-name",
                message,
            });
        }
    }

    /// The variable within two edits of `name`, the closest and then the
    /// first: `name` is lowercased, the variables' names are taken as they
    /// are (they are written in lower case as a rule).
    fn suggest(&self, name: &str) -> Option<&str> {
        let lower: Vec<char> = name.to_lowercase().chars().collect();
        let mut buf: Vec<char> = Vec::new();
        let mut best: Option<(usize, &str)> = None;
        for v in &self.survey.variables {
            if best.is_some_and(|(d, _)| d == 0) {
                break;
            }
            buf.clear();
            buf.extend(v.name.chars());
            // Only a closer name replaces the first found.
            let reach = best.map_or(2, |(d, _)| d - 1);
            if let Some(d) = crate::diagnostics::edit_distance_within(&lower, &buf, reach) {
                best = Some((d, v.name.as_str()));
            }
        }
        best.map(|(_, n)| n)
    }

    /// Checks the value of an asked variable.
    fn value(&self, v: &Var, value: &Value, complete: bool, out: &mut Vec<Problem>) {
        let var = v.var;
        let problem = |kind: &'static str, message: String| Problem {
            variable: Some(var.name.clone()),
            kind,
            message,
        };
        if value.is_null() {
            if var.kind == VariableKind::Hidden {
                out.push(problem(
                    "value",
                    format!(
                        "{} is null; it must be one of {}",
                        v.named,
                        var.values.join(", ")
                    ),
                ));
            } else if var.required && complete {
                out.push(problem(
                    "required",
                    format!(
                        "{} is required but has no answer (null) in a complete response",
                        v.named
                    ),
                ));
            }
            return;
        }
        match var.kind {
            VariableKind::Single => {
                if !value.is_number() {
                    out.push(problem(
                        "type",
                        format!(
                            "{} is {}; it must be a code of its list ({}) or null",
                            v.named,
                            describe_json(value),
                            v.codes_text
                        ),
                    ));
                } else if let Some(m) = self.code_problem(v, value) {
                    out.push(problem("code", m));
                }
            }
            VariableKind::Multiple => self.multiple(v, value, out),
            VariableKind::Integer | VariableKind::Decimal => {
                let Some(x) = value.as_f64() else {
                    let what = if var.kind == VariableKind::Integer {
                        "a whole number"
                    } else {
                        "a number"
                    };
                    out.push(problem(
                        "type",
                        format!(
                            "{} is {}; it must be {what} or null",
                            v.named,
                            describe_json(value)
                        ),
                    ));
                    return;
                };
                if var.kind == VariableKind::Integer && x.fract() != 0.0 {
                    out.push(problem(
                        "not-integer",
                        format!("{} is {value}; it must be a whole number", v.named),
                    ));
                    return;
                }
                let below = v.min.is_some_and(|m| x < m);
                let above = v.max.is_some_and(|m| x > m);
                if below || above {
                    let bounds = match (&var.min, &var.max) {
                        (Some(a), Some(b)) => format!("between {a} and {b}"),
                        (Some(a), None) => format!("at least {a}"),
                        (None, Some(b)) => format!("at most {b}"),
                        (None, None) => String::new(),
                    };
                    out.push(problem(
                        "range",
                        format!("{} is {value}; it must be {bounds}", v.named),
                    ));
                }
            }
            VariableKind::Text => {
                let Value::String(s) = value else {
                    out.push(problem(
                        "type",
                        format!(
                            "{} is {}; it must be a text (a string) or null",
                            v.named,
                            describe_json(value)
                        ),
                    ));
                    return;
                };
                if let Some(max) = var.max_length {
                    // Code points: the byte length is an upper bound.
                    if s.len() > max as usize {
                        let n = s.chars().count();
                        if n > max as usize {
                            out.push(problem(
                                "too-long",
                                format!(
                                    "{} is {n} characters long; at most {max} are allowed",
                                    v.named
                                ),
                            ));
                        }
                    }
                }
            }
            VariableKind::Date => match value {
                Value::String(s) if is_date(s) => {}
                Value::String(s) => out.push(problem(
                    "date",
                    format!(
                        "{} is {}, which is not a real date written YYYY-MM-DD",
                        v.named,
                        quote(s)
                    ),
                )),
                _ => out.push(problem(
                    "type",
                    format!(
                        "{} is {}; it must be a date string YYYY-MM-DD or null",
                        v.named,
                        describe_json(value)
                    ),
                )),
            },
            VariableKind::Hidden => match value {
                Value::String(s) if var.values.iter().any(|x| x == s) => {}
                _ => out.push(problem(
                    "value",
                    format!(
                        "{} is {}; it must be one of {}",
                        v.named,
                        describe_json(value),
                        var.values.join(", ")
                    ),
                )),
            },
        }
    }

    /// A number that is not a code of the list: the message, else `None`.
    fn code_problem(&self, v: &Var, value: &Value) -> Option<String> {
        let x = value.as_f64()?;
        if x.fract() != 0.0 || !x.is_finite() {
            return Some(format!(
                "{} has {value}, which is not a code; codes: {}",
                v.named, v.codes_text
            ));
        }
        if v.codes.iter().any(|c| *c as f64 == x) {
            return None;
        }
        Some(format!(
            "{} has code {value}, which is not in its list; codes: {}",
            v.named, v.codes_text
        ))
    }

    fn multiple(&self, v: &Var, value: &Value, out: &mut Vec<Problem>) {
        let var = v.var;
        let problem = |kind: &'static str, message: String| Problem {
            variable: Some(var.name.clone()),
            kind,
            message,
        };
        let Value::Array(items) = value else {
            out.push(problem(
                "type",
                format!(
                    "{} is {}; it must be an array of codes of its list ({}) or null",
                    v.named,
                    describe_json(value),
                    v.codes_text
                ),
            ));
            return;
        };
        if items.is_empty() {
            out.push(problem(
                "empty-selection",
                format!(
                    "{} is an empty selection []; when nothing was chosen, the value is null",
                    v.named
                ),
            ));
            return;
        }
        for item in items {
            if !item.is_number() {
                out.push(problem(
                    "type",
                    format!(
                        "{} has {} among its choices; it must hold codes of its list ({})",
                        v.named,
                        describe_json(item),
                        v.codes_text
                    ),
                ));
            } else if let Some(m) = self.code_problem(v, item) {
                out.push(problem("code", m));
            }
        }
        for (i, item) in items.iter().enumerate() {
            if items[..i].iter().any(|p| same_number(p, item))
                && !items[i + 1..].iter().any(|n| same_number(n, item))
            {
                out.push(problem(
                    "duplicate-code",
                    format!("{} has code {item} more than once", v.named),
                ));
            }
        }
        let chosen_exclusive: Vec<i64> = v
            .exclusive
            .iter()
            .copied()
            .filter(|c| items.iter().any(|x| x.as_f64() == Some(*c as f64)))
            .collect();
        if let Some(c) = chosen_exclusive.first()
            && items.len() > 1
        {
            let label = self.option_label(var, *c);
            out.push(problem(
                "exclusive",
                format!(
                    "{} combines code {c}{label}, which stands alone, with other codes",
                    v.named
                ),
            ));
        }
        if let Some(max) = v.max
            && items.len() as f64 > max
        {
            out.push(problem(
                "too-many",
                format!(
                    "{} has {} codes chosen; at most {} may be chosen",
                    v.named,
                    items.len(),
                    var.max
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                ),
            ));
        }
        if let Some(min) = v.min
            && chosen_exclusive.is_empty()
            && (items.len() as f64) < min
        {
            out.push(problem(
                "too-few",
                format!(
                    "{} has {} chosen; at least {} must be chosen (or an option that stands alone)",
                    v.named,
                    plural(items.len(), "code"),
                    var.min
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                ),
            ));
        }
    }

    /// ` (label)` of an option in the source language, or nothing.
    fn option_label(&self, var: &Variable, code: i64) -> String {
        let source = self.survey.languages.first();
        var.list
            .as_deref()
            .and_then(|l| self.survey.list(l))
            .and_then(|l| l.options.iter().find(|o| o.code == code))
            .and_then(|o| o.label.as_ref())
            .and_then(|t| {
                source
                    .and_then(|s| t.translations.get(s))
                    .or_else(|| t.translations.values().next())
            })
            .map(|t| format!(" ({})", one_line(t.plain())))
            .unwrap_or_default()
    }

    /// Why a condition is not true: what it needs and what the response has.
    fn explain<'m>(
        &self,
        cond: &Condition,
        map: &Map<String, Value>,
        asked: &[bool],
        missing: &dyn Fn(&str) -> &'m [i64],
    ) -> String {
        // In a conjunction, only the parts that are not true.
        let failing: Vec<&Condition> = match cond {
            Condition::And { args } => args
                .iter()
                .filter(|a| eval_with(a, map, missing) != Truth::True)
                .collect(),
            c => vec![c],
        };
        let prec = if failing.len() == 1 {
            Prec::Or
        } else {
            Prec::And
        };
        let needs = failing
            .iter()
            .map(|c| self.render_in(c, prec))
            .collect::<Vec<_>>()
            .join(" and ");
        let mut vars: Vec<&str> = Vec::new();
        for c in &failing {
            for v in c.variables() {
                if !vars.contains(&v) {
                    vars.push(v);
                }
            }
        }
        if let [only] = vars.as_slice()
            && let Some(v) = map.get(*only).filter(|v| has_answer(v))
        {
            return format!("it needs {needs}, the response has {}", short_json(v));
        }
        let has: Vec<String> = vars
            .iter()
            .map(|name| {
                let was_asked = self.index.get(name).is_none_or(|&i| asked[i]);
                match map.get(*name) {
                    None if was_asked => format!("`{name}` has no answer"),
                    None => format!("`{name}` was not asked"),
                    Some(Value::Null) => format!("`{name}` has no answer (null)"),
                    Some(Value::Array(a)) if a.is_empty() => {
                        format!("`{name}` has nothing chosen ([])")
                    }
                    Some(v) => format!("`{name}` is {}", short_json(v)),
                }
            })
            .collect();
        format!("it needs {needs}; {}", join_and(&has))
    }

    /// A condition as written in the survey, variables in backticks.
    pub fn render(&self, cond: &Condition) -> String {
        self.render_in(cond, Prec::Or)
    }

    fn render_in(&self, cond: &Condition, outer: Prec) -> String {
        let constant = |c: &Constant| match c {
            Constant::Number(n) => n.to_string(),
            Constant::String(s) => format!("{s:?}"),
        };
        match cond {
            Condition::And { args } | Condition::Or { args } => {
                let (prec, op) = if matches!(cond, Condition::And { .. }) {
                    (Prec::And, " and ")
                } else {
                    (Prec::Or, " or ")
                };
                let inner = args
                    .iter()
                    .map(|a| self.render_in(a, prec))
                    .collect::<Vec<_>>()
                    .join(op);
                if outer > prec {
                    format!("({inner})")
                } else {
                    inner
                }
            }
            Condition::Not { arg } => format!("not {}", self.render_in(arg, Prec::Not)),
            Condition::Answered { var } => format!("answered(`{var}`)"),
            Condition::Substantive { var } => format!("substantive(`{var}`)"),
            Condition::Compare { var, cmp, value } => {
                format!("`{var}` {} {}", cmp_text(*cmp), constant(value))
            }
            Condition::CompareVars { var, cmp, other } => {
                format!("`{var}` {} `{other}`", cmp_text(*cmp))
            }
            Condition::In { var, values } => format!(
                "`{var}` in {{{}}}",
                values.iter().map(constant).collect::<Vec<_>>().join(", ")
            ),
            Condition::Includes { var, value } => {
                format!("`{var}` includes {}", constant(value))
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    Or,
    And,
    Not,
}

fn cmp_text(cmp: Cmp) -> &'static str {
    match cmp {
        Cmp::Eq => "=",
        Cmp::Ne => "!=",
        Cmp::Lt => "<",
        Cmp::Le => "<=",
        Cmp::Gt => ">",
        Cmp::Ge => ">=",
    }
}

fn envelope(name: &str, message: String) -> Problem {
    Problem {
        variable: Some(name.to_string()),
        kind: "envelope",
        message,
    }
}

fn has_answer(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

fn same_number(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Codes for messages: runs of three or more as ranges (`1–9, 99`).
fn codes_text(codes: &[i64]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < codes.len() {
        let mut j = i;
        while j + 1 < codes.len() && codes[j + 1] == codes[j].wrapping_add(1) {
            j += 1;
        }
        if j >= i + 2 {
            parts.push(format!("{}–{}", codes[i], codes[j]));
        } else {
            parts.extend(codes[i..=j].iter().map(ToString::to_string));
        }
        i = j + 1;
    }
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(", ")
    }
}

/// A label on one line, shortened when long.
fn one_line(s: &str) -> String {
    let flat: String = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(81)
        .collect();
    if flat.chars().count() > 80 {
        let mut t: String = flat.chars().take(79).collect();
        t.push('…');
        t
    } else {
        flat
    }
}

/// A string as JSON, shortened when long.
fn quote(s: &str) -> String {
    if s.chars().count() > 40 {
        let head: String = s.chars().take(39).collect();
        let q = serde_json::to_string(&head).unwrap_or_default();
        format!("{}…\"", &q[..q.len() - 1])
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

/// A JSON value for messages, shortened when long.
/// A reader of a `.json` file without the UTF-8 byte-order mark that
/// Windows tools write first (JSON itself has none; `.jsonl` lines skip it
/// too).
pub fn without_bom<R: std::io::Read>(reader: R) -> std::io::Result<std::io::BufReader<R>> {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::new(reader);
    if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok(reader)
}

fn short_json(v: &Value) -> String {
    match v {
        Value::String(s) => quote(s),
        _ => {
            let s = v.to_string();
            if s.chars().count() > 60 {
                let mut t: String = s.chars().take(59).collect();
                t.push('…');
                t
            } else {
                s
            }
        }
    }
}

/// A JSON value with its type, for "is …" messages.
fn describe_json(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("{b} (true/false)"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {}", quote(s)),
        Value::Array(a) if a.is_empty() => "an empty array".into(),
        Value::Array(_) => format!("an array {}", short_json(v)),
        Value::Object(_) => "an object".into(),
    }
}

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

pub use crate::ir::is_date;

/// An RFC 3339 `date-time`: `2023-02-01T09:30:00Z`, `…T09:30:00.5+02:00`.
pub fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || !s.is_char_boundary(10) || !is_date(&s[..10]) {
        return false;
    }
    if !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return false;
    }
    let (Some(h), Some(mi), Some(sec)) =
        (digits(&b[11..13]), digits(&b[14..16]), digits(&b[17..19]))
    else {
        return false;
    };
    if h > 23 || mi > 59 || sec > 60 {
        return false;
    }
    let mut rest = &b[19..];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &rest[1 + n..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            matches!((digits(&[*h1, *h2]), digits(&[*m1, *m2])), (Some(h), Some(m)) if h <= 23 && m <= 59)
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Streaming files of responses.

/// How a [`Session`] prints problems.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One line per problem on the problems stream; summary on the summary stream.
    Human,
    /// One JSON object per problem per line, then a summary object, all on
    /// the problems stream.
    Json,
}

/// A file that could not be read: a usage or I/O error (exit 2).
#[derive(Debug)]
pub struct FileError(pub String);

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a response is in its file.
#[derive(Clone, Copy, Debug)]
enum Place {
    /// The whole `.json` file is one response.
    Whole,
    /// The 1-based line of a `.jsonl` file.
    Line(u64),
    /// The 0-based index in a `.json` array.
    Index(u64),
}

/// The most distinct (kind, variable) pairs counted for the summary; further
/// ones (unknown names can be anything) are counted together.
const MAX_TALLY: usize = 10_000;

/// Checks files of responses one response at a time and prints what it finds.
pub struct Session<'v, 's> {
    validator: &'v Validator<'s>,
    format: Format,
    out: Box<dyn Write + 'v>,
    /// Counts.
    pub read: u64,
    pub valid: u64,
    pub invalid: u64,
    pub malformed: u64,
    tally: HashMap<(&'static str, Option<String>), u64>,
    other: u64,
    problems: Vec<Problem>,
    line: Vec<u8>,
}

impl<'v, 's> Session<'v, 's> {
    /// `out` receives the problems (and, for JSON, the summary).
    pub fn new(validator: &'v Validator<'s>, format: Format, out: Box<dyn Write + 'v>) -> Self {
        Session {
            validator,
            format,
            out,
            read: 0,
            valid: 0,
            invalid: 0,
            malformed: 0,
            tally: HashMap::new(),
            other: 0,
            problems: Vec::new(),
            line: Vec::new(),
        }
    }

    /// Checks one file: `.jsonl` line by line, `.json` as one response or an
    /// array of them, element by element. `name` is how the file is shown.
    pub fn file(&mut self, path: &Path, name: &str) -> Result<(), FileError> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let jsonl = match ext.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" => true,
            "json" => false,
            _ => {
                return Err(FileError(format!(
                    "{name}: unknown kind of file; responses are .json (an object or an array) or .jsonl (one object per line)"
                )));
            }
        };
        let file =
            std::fs::File::open(path).map_err(|e| FileError(format!("cannot read {name}: {e}")))?;
        let reader = std::io::BufReader::with_capacity(1 << 16, file);
        if jsonl {
            self.jsonl(reader, name)
        } else {
            self.json(reader, name)
        }
    }

    /// Checks JSON lines from a reader.
    pub fn jsonl(&mut self, mut reader: impl BufRead, name: &str) -> Result<(), FileError> {
        let mut line_no = 0u64;
        let mut buf = std::mem::take(&mut self.line);
        loop {
            buf.clear();
            let n = reader
                .read_until(b'\n', &mut buf)
                .map_err(|e| FileError(format!("cannot read {name}: {e}")))?;
            if n == 0 {
                break;
            }
            line_no += 1;
            let mut bytes = buf.as_slice();
            if line_no == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if self.validator.quick_valid(bytes) {
                self.read += 1;
                self.valid += 1;
                continue;
            }
            match serde_json::from_slice::<Value>(bytes) {
                Ok(v) => self.response(name, Place::Line(line_no), &v),
                Err(e) => self.malformed(
                    name,
                    Some(line_no),
                    format!("line {line_no} is not JSON: {}", error_text(&e, false)),
                ),
            }
        }
        self.line = buf;
        Ok(())
    }

    /// Checks a `.json` document from a reader: one response or an array.
    pub fn json(&mut self, reader: impl std::io::Read, name: &str) -> Result<(), FileError> {
        let reader =
            without_bom(reader).map_err(|e| FileError(format!("cannot read {name}: {e}")))?;
        let mut de = serde_json::Deserializer::from_reader(reader);
        let result = Top {
            session: &mut *self,
            name,
        }
        .deserialize(&mut de)
        .and_then(|()| de.end());
        match result {
            Ok(()) => Ok(()),
            Err(e) if e.is_io() => Err(FileError(format!("cannot read {name}: {e}"))),
            Err(e) => {
                let line = e.line() as u64;
                self.malformed(
                    name,
                    (line > 0).then_some(line),
                    format!("not valid JSON: {}", error_text(&e, true)),
                );
                Ok(())
            }
        }
    }

    fn response(&mut self, file: &str, place: Place, value: &Value) {
        self.read += 1;
        let mut problems = std::mem::take(&mut self.problems);
        problems.clear();
        self.validator.check_into(value, &mut problems);
        if problems.is_empty() {
            self.valid += 1;
        } else {
            self.invalid += 1;
            let id = value.get("_id").and_then(Value::as_str);
            for p in &problems {
                self.emit(file, place, id, p);
                self.count(p.kind, p.variable.as_deref());
            }
        }
        self.problems = problems;
    }

    fn malformed(&mut self, file: &str, line: Option<u64>, message: String) {
        self.malformed += 1;
        let p = Problem {
            variable: None,
            kind: "malformed",
            message,
        };
        let place = line.map_or(Place::Whole, Place::Line);
        self.emit(file, place, None, &p);
        self.count("malformed", None);
    }

    fn count(&mut self, kind: &'static str, variable: Option<&str>) {
        let key = (kind, variable.map(str::to_string));
        if let Some(n) = self.tally.get_mut(&key) {
            *n += 1;
        } else if self.tally.len() < MAX_TALLY {
            self.tally.insert(key, 1);
        } else {
            self.other += 1;
        }
    }

    fn emit(&mut self, file: &str, place: Place, id: Option<&str>, p: &Problem) {
        let _ = match self.format {
            Format::Human => {
                let mut at = String::from(file);
                match place {
                    Place::Whole => {}
                    Place::Line(l) => {
                        let _ = write!(at, ":{l}");
                    }
                    Place::Index(i) => {
                        let _ = write!(at, "[{i}]");
                    }
                }
                if let Some(id) = id {
                    let _ = write!(at, " (_id {})", quote(id));
                }
                writeln!(self.out, "{at}: {}: {}", p.kind, p.message)
            }
            Format::Json => {
                let (line, index) = match place {
                    Place::Whole => (None, None),
                    Place::Line(l) => (Some(l), None),
                    Place::Index(i) => (None, Some(i)),
                };
                let obj = serde_json::json!({
                    "type": "problem",
                    "file": file,
                    "line": line,
                    "index": index,
                    "id": id,
                    "variable": p.variable,
                    "kind": p.kind,
                    "message": p.message,
                });
                writeln!(self.out, "{obj}")
            }
        };
    }

    /// The most frequent problems: (kind, variable, count), most first.
    pub fn top(&self, n: usize) -> Vec<(&'static str, Option<&str>, u64)> {
        let mut all: Vec<_> = self
            .tally
            .iter()
            .map(|((k, v), c)| (*k, v.as_deref(), *c))
            .collect();
        all.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)).then(a.1.cmp(&b.1)));
        all.truncate(n);
        all
    }

    /// Whether everything read was valid.
    pub fn all_valid(&self) -> bool {
        self.invalid == 0 && self.malformed == 0
    }

    /// Prints the summary: for JSON on the problems stream, for people on
    /// `human` (unless `None`: `--quiet`). Flushes.
    pub fn finish(mut self, human: Option<&mut dyn Write>) -> std::io::Result<()> {
        match self.format {
            Format::Json => {
                let top: Vec<Value> = self
                    .top(10)
                    .into_iter()
                    .map(|(k, v, c)| serde_json::json!({"kind": k, "variable": v, "count": c}))
                    .collect();
                let obj = serde_json::json!({
                    "type": "summary",
                    "responses": self.read,
                    "valid": self.valid,
                    "invalid": self.invalid,
                    "malformed": self.malformed,
                    "top": top,
                });
                writeln!(self.out, "{obj}")?;
            }
            Format::Human => {
                self.out.flush()?;
                if let Some(w) = human {
                    w.write_all(self.summary_text().as_bytes())?;
                }
            }
        }
        self.out.flush()
    }

    /// The summary for people.
    pub fn summary_text(&self) -> String {
        let mut s = format!(
            "lomake: {} read: {} valid, {} invalid",
            plural(self.read as usize, "response"),
            self.valid,
            self.invalid
        );
        if self.malformed > 0 {
            let _ = write!(
                s,
                "; {} not JSON",
                plural(self.malformed as usize, "line or file")
            );
        }
        s.push('\n');
        let top = self.top(10);
        if !top.is_empty() {
            s.push_str("most frequent problems:\n");
            let width = top.iter().map(|t| t.2.to_string().len()).max().unwrap_or(1);
            for (k, v, c) in top {
                let _ = writeln!(
                    s,
                    "  {c:>width$}  {k}{}",
                    v.map_or(String::new(), |v| format!(" `{}`", one_line(v)))
                );
            }
            if self.other > 0 {
                let _ = writeln!(s, "  {} other problems", self.other);
            }
        }
        s
    }
}

/// A serde error's message without serde's own "at line … column …" for
/// JSONL (the line is ours), with it for `.json`.
fn error_text(e: &serde_json::Error, with_line: bool) -> String {
    let full = e.to_string();
    let msg = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => &full,
    };
    if with_line {
        format!("{msg} (line {}, column {})", e.line(), e.column())
    } else if e.column() > 0 {
        format!("{msg} (column {})", e.column())
    } else {
        msg.to_string()
    }
}

/// The top level of a `.json` file: one response, or an array of responses
/// checked one by one as they are read.
struct Top<'a, 'v, 's> {
    session: &'a mut Session<'v, 's>,
    name: &'a str,
}

impl<'de> DeserializeSeed<'de> for Top<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a response object or an array of response objects")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        use serde::Deserialize;
        let v = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        self.session.response(self.name, Place::Whole, &v);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0u64;
        while let Some(v) = seq.next_element::<Value>()? {
            self.session.response(self.name, Place::Index(i), &v);
            i += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2023-13-01"));
        assert!(!is_date("2023-1-01"));
        assert!(!is_date("２０２３-01-01"));
        assert!(is_date_time("2023-02-01T09:30:00Z"));
        assert!(is_date_time("2023-02-01t09:30:00.123+02:00"));
        assert!(!is_date_time("2023-02-01T09:30:00"));
        assert!(!is_date_time("2023-02-01 09:30:00Z"));
        assert!(!is_date_time("2023-02-01T24:30:00Z"));
        assert!(!is_date_time("2023-02-01T09:30:00.Z"));
        assert!(!is_date_time("2023-02-01T09:30:00+2:00"));
    }

    #[test]
    fn codes() {
        assert_eq!(codes_text(&[1, 2, 3, 4, 99]), "1–4, 99");
        assert_eq!(
            codes_text(&[1, 2, 4, 5, 6, 21, 90, 91]),
            "1, 2, 4–6, 21, 90, 91"
        );
        assert_eq!(codes_text(&[]), "none");
    }
}
