//! Routing analysis: conditions that can never be true (a question or
//! section nobody is ever asked, E072) and conditions that are always true
//! (W072), decided with the reference evaluator ([`crate::eval`]) over every
//! combination of the answers that matter.
//!
//! Each variable a condition reads gets a small domain of answers that
//! stand for all of them: no answer, every code of its list (for a multiple
//! choice, every valid selection of the codes the condition names, one other
//! code and the missing codes), numbers at, just below and just above every
//! constant and bound, and strings equal to, below and above every constant.
//! Within a domain the condition's value cannot change between the chosen
//! points, so checking the points checks every response.
//!
//! Variables are treated as independent: a question that is itself
//! conditional may in fact never hold some of those answers together. That
//! only hides contradictions, never invents them: an E072 is certain, and so
//! is a W072.
//!
//! A condition reading variables whose domains multiply past
//! [`MAX_COMBINATIONS`] is not analysed (linear time is kept; such
//! conditions are rare and long).

use std::collections::BTreeSet;

use crate::fasthash::FastMap;

use serde_json::{Map, Number, Value};

use crate::diagnostics::{Code, Diagnostic};
use crate::eval::{Truth, eval_with};
use crate::ir::{AnswerList, Condition, Constant, Survey, Variable, VariableKind};
use crate::source::Span;

/// Below this many elements the analysis runs on one thread.
const PARALLEL_FROM: usize = 2000;

/// The most combinations of answers tried for one condition.
pub const MAX_COMBINATIONS: usize = 4096;

/// Where the parts of one element's or section's condition are written.
#[derive(Clone, Debug)]
pub(super) struct Site {
    /// The element's or section's name.
    pub name: String,
    /// The section it is on (for elements).
    pub section: Option<String>,
    /// Its own `when`: where, and the condition.
    pub own: Option<(Span, Condition)>,
    /// The `when`s of the section and `insert` around it.
    pub outer: Vec<Span>,
    /// Where to point when there is no own `when` (the name).
    pub at: Span,
}

/// What the analysis says of one condition.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Never,
    Always,
    Sometimes,
    /// Too many combinations to decide.
    Unknown,
}

/// The survey's variables and lists by name, in hash maps (faster than the
/// IR's own lookups for the many lookups of the analysis).
struct Index<'s> {
    vars: FastMap<&'s str, &'s Variable>,
    lists: FastMap<&'s str, &'s AnswerList>,
}

impl<'s> Index<'s> {
    #[cfg(test)]
    fn new(survey: &'s Survey) -> Index<'s> {
        Self::of(survey, |_| true)
    }

    /// The variables `wanted` (by name), and every list.
    fn of(survey: &'s Survey, wanted: impl Fn(&str) -> bool) -> Index<'s> {
        Index {
            vars: survey
                .variables
                .iter()
                .filter(|v| wanted(&v.name))
                .map(|v| (v.name.as_str(), v))
                .collect(),
            lists: survey.lists.iter().map(|l| (l.name.as_str(), l)).collect(),
        }
    }

    fn variable(&self, name: &str) -> Option<&'s Variable> {
        self.vars.get(name).copied()
    }

    fn list_of(&self, var: &Variable) -> Option<&'s AnswerList> {
        var.list.as_deref().and_then(|l| self.lists.get(l).copied())
    }
}

#[cfg(test)]
fn analyse(cond: &Condition, survey: &Survey) -> Verdict {
    analyse_in(cond, &Index::new(survey))
}

fn analyse_in(cond: &Condition, survey: &Index) -> Verdict {
    let mut names: Vec<&str> = cond.variables();
    names.sort_unstable();
    names.dedup();
    let mut domains: Vec<Vec<Option<Value>>> = Vec::with_capacity(names.len());
    let mut total: usize = 1;
    for name in &names {
        let Some(d) = domain(name, cond, survey) else {
            return Verdict::Unknown;
        };
        total = total.saturating_mul(d.len().max(1));
        if total > MAX_COMBINATIONS {
            return Verdict::Unknown;
        }
        domains.push(d);
    }
    let (mut seen_true, mut seen_other) = (false, false);
    let mut index = vec![0usize; names.len()];
    // Every name once; a combination sets their values in place (an
    // answer left out is `null`, which the evaluator reads as absent).
    let mut map: Map<String, Value> = names.iter().map(|n| (n.to_string(), Value::Null)).collect();
    loop {
        for (k, slot) in map.values_mut().enumerate() {
            *slot = domains[k][index[k]].clone().unwrap_or(Value::Null);
        }
        let missing = |name: &str| -> &[i64] {
            survey
                .variable(name)
                .map_or(&[][..], |v| v.missing_codes.as_slice())
        };
        if eval_with(cond, &map, &missing) == Truth::True {
            seen_true = true;
        } else {
            seen_other = true;
        }
        if seen_true && seen_other {
            return Verdict::Sometimes;
        }
        // Next combination (odometer).
        let mut k = 0;
        loop {
            if k == names.len() {
                return if seen_true {
                    Verdict::Always
                } else {
                    Verdict::Never
                };
            }
            index[k] += 1;
            if index[k] < domains[k].len() {
                break;
            }
            index[k] = 0;
            k += 1;
        }
    }
}

/// The constants a condition compares `name` with, and the variables it is
/// compared with.
fn constants<'c>(
    cond: &'c Condition,
    name: &str,
    out: &mut Vec<&'c Constant>,
    others: &mut Vec<&'c str>,
) {
    match cond {
        Condition::And { args } | Condition::Or { args } => {
            for a in args {
                constants(a, name, out, others);
            }
        }
        Condition::Not { arg } => constants(arg, name, out, others),
        Condition::Answered { .. } | Condition::Substantive { .. } => {}
        Condition::Compare { var, value, .. } | Condition::Includes { var, value } => {
            if var == name {
                out.push(value);
            }
        }
        Condition::In { var, values } => {
            if var == name {
                out.extend(values);
            }
        }
        Condition::CompareVars { var, other, .. } => {
            if var == name {
                others.push(other);
            }
            if other == name {
                others.push(var);
            }
        }
    }
}

fn num(x: f64) -> Option<Value> {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Some(Value::from(x as i64))
    } else {
        Number::from_f64(x).map(Value::Number)
    }
}

/// The answers of `name` that stand for all of its answers, for `cond`
/// (`None` when there would be too many).
fn domain(name: &str, cond: &Condition, survey: &Index) -> Option<Vec<Option<Value>>> {
    let mut out: Vec<Option<Value>> = vec![None];
    let Some(var) = survey.variable(name) else {
        return Some(out);
    };
    let mut consts = Vec::new();
    let mut others = Vec::new();
    constants(cond, name, &mut consts, &mut others);
    // Compared with another variable: that one's constants and codes count.
    let mut related: Vec<&Constant> = Vec::new();
    let mut related_codes: Vec<i64> = Vec::new();
    for o in &others {
        let mut more = Vec::new();
        constants(cond, o, &mut more, &mut Vec::new());
        related.extend(more);
        if let Some(ov) = survey.variable(o)
            && let Some(l) = survey.list_of(ov)
        {
            related_codes.extend(l.options.iter().map(|o| o.code));
        }
    }
    let mut numbers: Vec<f64> = consts
        .iter()
        .chain(&related)
        .filter_map(|c| match c {
            Constant::Number(n) => n.as_f64(),
            Constant::String(_) => None,
        })
        .chain(related_codes.iter().map(|c| *c as f64))
        .collect();
    // Compared with another variable: the other's bounds count, and both
    // take values from the same points, so every order between them occurs.
    for o in &others {
        if let Some(ov) = survey.variable(o) {
            numbers.extend(
                ov.min
                    .iter()
                    .chain(ov.max.iter())
                    .filter_map(Number::as_f64),
            );
        }
    }
    if !others.is_empty() && numbers.is_empty() {
        numbers.extend([0.0, 1.0, 2.0]);
    }
    let strings: Vec<&str> = consts
        .iter()
        .chain(&related)
        .filter_map(|c| match c {
            Constant::String(s) => Some(s.as_str()),
            Constant::Number(_) => None,
        })
        .collect();
    let list = survey.list_of(var);
    match var.kind {
        VariableKind::Single => {
            if let Some(l) = list {
                out.extend(l.options.iter().map(|o| Some(Value::from(o.code))));
            }
        }
        VariableKind::Multiple => {
            let Some(l) = list else { return Some(out) };
            // The codes that matter: named ones, missing ones, and one other.
            let mut codes: BTreeSet<i64> = numbers
                .iter()
                .filter(|x| x.fract() == 0.0)
                .map(|x| *x as i64)
                .filter(|c| l.options.iter().any(|o| o.code == *c))
                .collect();
            codes.extend(var.missing_codes.iter().copied());
            if let Some(o) = l
                .options
                .iter()
                .find(|o| !codes.contains(&o.code) && !o.exclusive)
            {
                codes.insert(o.code);
            }
            let exclusive: Vec<i64> = l.exclusive_codes();
            let codes: Vec<i64> = codes.into_iter().collect();
            if codes.len() > 12 {
                return None;
            }
            for mask in 1u32..(1 << codes.len()) {
                let chosen: Vec<i64> = (0..codes.len())
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| codes[i])
                    .collect();
                if chosen.len() > 1 && chosen.iter().any(|c| exclusive.contains(c)) {
                    continue;
                }
                out.push(Some(Value::from(chosen)));
            }
        }
        VariableKind::Integer | VariableKind::Decimal => {
            let min = var.min.as_ref().and_then(Number::as_f64);
            let max = var.max.as_ref().and_then(Number::as_f64);
            let step = if var.kind == VariableKind::Integer {
                1.0
            } else {
                // Between any two constants there is a decimal answer.
                0.5 * 10f64.powi(-(var.decimals.unwrap_or(6) as i32))
            };
            let mut points: Vec<f64> = Vec::new();
            for x in numbers.iter().chain(min.iter()).chain(max.iter()) {
                if var.kind == VariableKind::Integer {
                    let (lo, hi) = (x.floor(), x.ceil());
                    points.extend([lo - 1.0, lo, hi, hi + 1.0]);
                } else {
                    points.extend([x - step, *x, x + step]);
                }
            }
            if points.is_empty() {
                points.push(min.or(max).unwrap_or(0.0));
            }
            points.retain(|x| min.is_none_or(|m| *x >= m) && max.is_none_or(|m| *x <= m));
            if var.kind == VariableKind::Integer {
                points.retain(|x| x.fract() == 0.0);
            }
            points.sort_by(f64::total_cmp);
            points.dedup();
            out.extend(points.into_iter().map(num));
        }
        VariableKind::Text | VariableKind::Date => {
            let mut values: BTreeSet<String> = strings.iter().map(|s| s.to_string()).collect();
            for s in &strings {
                // Just above each constant, and something below all of them.
                values.insert(format!("{s}\u{0}"));
            }
            values.insert(String::new());
            values.insert("\u{10FFFF}".to_string());
            out.extend(values.into_iter().map(|s| Some(Value::String(s))));
        }
        VariableKind::Hidden => {
            let mut values: BTreeSet<String> = var.values.iter().cloned().collect();
            values.extend(strings.iter().map(|s| s.to_string()));
            values.insert(String::new());
            out.extend(values.into_iter().map(|s| Some(Value::String(s))));
        }
    }
    Some(out)
}

/// Reports sections and elements that are never shown, and own conditions
/// that always hold.
/// `groups`: in how many groups, each on a thread, the elements are
/// analysed (`None`: by their number and the machine's cores).
pub(super) fn report(
    survey: &Survey,
    sections: &[Site],
    elements: &[Site],
    groups: Option<usize>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Only what has a condition is analysed, and only the variables the
    // conditions name are looked up: in most surveys a few of either.
    let section_of: FastMap<&str, &crate::ir::Section> = survey
        .sections
        .iter()
        .filter(|s| s.condition.is_some())
        .map(|s| (s.name.as_str(), s))
        .collect();
    let element_of: FastMap<&str, &crate::ir::Element> = survey
        .sections
        .iter()
        .flat_map(|s| &s.elements)
        .filter(|e| e.condition.is_some())
        .map(|e| (e.name.as_str(), e))
        .collect();
    let index = crate::timings::time("routing index", || {
        let named: crate::fasthash::FastSet<&str> = section_of
            .values()
            .filter_map(|s| s.condition.as_ref())
            .chain(element_of.values().filter_map(|e| e.condition.as_ref()))
            .flat_map(Condition::variables)
            .collect();
        Index::of(survey, |name| named.contains(name))
    });
    let mut never_sections: BTreeSet<&str> = BTreeSet::new();
    for site in sections {
        let Some(s) = section_of.get(site.name.as_str()) else {
            continue;
        };
        if let Some(cond) = &s.condition
            && analyse_in(cond, &index) == Verdict::Never
        {
            never_sections.insert(&site.name);
            out.push(never(site, "section", "shown"));
        }
        always(site, "section", &index, &mut out);
    }
    let check = |sites: &[Site]| {
        let mut out = Vec::new();
        for site in sites {
            if site
                .section
                .as_deref()
                .is_some_and(|s| never_sections.contains(s))
            {
                continue;
            }
            let Some(e) = element_of.get(site.name.as_str()) else {
                continue;
            };
            // (`element_of` holds only elements with a condition.)
            let Some(cond) = &e.condition else {
                continue;
            };
            let verdict = analyse_in(cond, &index);
            if verdict == Verdict::Never {
                out.push(never(site, "question", "asked"));
            }
            // Most conditions are the element's own alone: what the
            // analysis of the whole said is then what it says of its own.
            match &site.own {
                Some((span, own)) if own == cond => {
                    if verdict == Verdict::Always {
                        out.push(always_true(*span, "question", &site.name));
                    }
                }
                _ => always(site, "question", &index, &mut out),
            }
        }
        out
    };
    // The elements in as many groups as cores (for a large survey), each
    // on a thread; their findings joined in order.
    let groups = match groups {
        Some(n) => n.max(1),
        None if elements.len() < PARALLEL_FROM => 1,
        None => std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
    };
    let size = elements.len().div_ceil(groups).max(1);
    let t = crate::timings::Start::now();
    let found = crate::threads::each(elements.chunks(size).collect(), check);
    t.done("routing analysis");
    out.extend(found.into_iter().flatten());
    out
}

fn never(site: &Site, what: &str, shown: &str) -> Diagnostic {
    let at = site.own.as_ref().map_or(site.at, |(s, _)| *s);
    let mut d = Diagnostic::new(
        Code::NeverAsked,
        format!(
            "{what} `{}` can never be {shown}: its condition is never true",
            site.name
        ),
    )
    .at(at, "never true");
    for s in &site.outer {
        d = d.with(*s, "together with this condition");
    }
    d.note("no combination of answers satisfies the condition, so no respondent ever sees it")
        .help(if site.outer.is_empty() {
            "check the codes and operators; `and` needs both parts true, `or` either"
        } else {
            "the conditions around it exclude this one: check which should hold, or move the question"
        })
}

fn always(site: &Site, what: &str, survey: &Index, out: &mut Vec<Diagnostic>) {
    if let Some((span, cond)) = &site.own
        && analyse_in(cond, survey) == Verdict::Always
    {
        out.push(always_true(*span, what, &site.name));
    }
}

fn always_true(span: Span, what: &str, name: &str) -> Diagnostic {
    Diagnostic::new(
        Code::AlwaysTrue,
        format!("the condition of {what} `{name}` is always true"),
    )
    .at(span, "always true")
    .note("every respondent who reaches it is asked; the condition changes nothing")
    .help("remove the `when`, or fix the condition")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Cmp;

    fn cmp(var: &str, cmp: Cmp, n: i64) -> Condition {
        Condition::Compare {
            var: var.into(),
            cmp,
            value: Constant::Number(n.into()),
        }
    }
    use crate::check::{CheckOptions, check_source};

    fn survey() -> Survey {
        let src = r#"survey s
  version "1"
  languages en
  title en "S"
list yn
  option 1 en "Yes"
  option 2 en "No"
  option 99 missing en "Can't say"
section a
  title en "A"
question q single yn
  text en "Q"
  label en "Q"
question n integer
  text en "N"
  label en "N"
  min 0
  max 10
question m multiple
  text en "M"
  label en "M"
  option 1 en "One"
  option 2 en "Two"
  option 3 en "Three"
  option 9 exclusive en "None"
"#;
        let c = check_source("s.survey", src, &CheckOptions::default());
        assert!(!c.has_errors(), "{:?}", c.diagnostics);
        c.survey.unwrap()
    }

    fn survey_with_n2() -> Survey {
        let src = r#"survey s
  version "1"
  languages en
  title en "S"
list yn
  option 1 en "Yes"
  option 2 en "No"
  option 99 missing en "Can't say"
section a
  title en "A"
question q single yn
  text en "Q"
  label en "Q"
question n integer
  text en "N"
  label en "N"
  min 0
  max 10
question n2 integer
  text en "N2"
  label en "N2"
question m multiple
  text en "M"
  label en "M"
  option 1 en "One"
  option 2 en "Two"
  option 3 en "Three"
  option 9 exclusive en "None"
question t text
  text en "T"
  label en "T"
"#;
        let c = check_source("s.survey", src, &CheckOptions::default());
        assert!(!c.has_errors(), "{:?}", c.diagnostics);
        c.survey.unwrap()
    }

    /// Random conditions and random responses: whenever the analysis says
    /// never (or always), no response makes the condition true (or
    /// anything else). Responses include values between and far from the
    /// analysis's points.
    #[test]
    fn verdicts_are_never_false_alarms() {
        let s = survey_with_n2();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        fn random_condition(depth: u32, r: &mut dyn FnMut(u64) -> u64) -> Condition {
            let cmps = [Cmp::Eq, Cmp::Ne, Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge];
            let leaf = depth == 0 || r(3) == 0;
            if !leaf {
                let a = random_condition(depth - 1, r);
                let b = random_condition(depth - 1, r);
                return match r(3) {
                    0 => Condition::And { args: vec![a, b] },
                    1 => Condition::Or { args: vec![a, b] },
                    _ => Condition::Not { arg: Box::new(a) },
                };
            }
            let num = |x: i64| Constant::Number(x.into());
            match r(8) {
                0 => Condition::Compare {
                    var: "q".into(),
                    cmp: cmps[r(2) as usize],
                    value: num([1, 2, 99][r(3) as usize]),
                },
                1 => Condition::Compare {
                    var: "n".into(),
                    cmp: cmps[r(6) as usize],
                    value: num(r(14) as i64 - 2),
                },
                2 => Condition::CompareVars {
                    var: "n".into(),
                    cmp: cmps[r(6) as usize],
                    other: "n2".into(),
                },
                3 => Condition::Includes {
                    var: "m".into(),
                    value: num([1, 2, 3, 9][r(4) as usize]),
                },
                4 => Condition::Answered {
                    var: ["q", "n", "m", "t"][r(4) as usize].into(),
                },
                5 => Condition::Substantive {
                    var: ["q", "m"][r(2) as usize].into(),
                },
                6 => Condition::In {
                    var: "q".into(),
                    values: vec![num(1), num([2, 99][r(2) as usize])],
                },
                _ => Condition::Compare {
                    var: "t".into(),
                    cmp: cmps[r(6) as usize],
                    value: Constant::String(["a", "b", ""][r(3) as usize].into()),
                },
            }
        }
        let (mut nevers, mut alwayss) = (0, 0);
        for _ in 0..4000 {
            let c = random_condition(3, &mut next);
            let verdict = analyse(&c, &s);
            if verdict == Verdict::Sometimes || verdict == Verdict::Unknown {
                continue;
            }
            if verdict == Verdict::Never {
                nevers += 1
            } else {
                alwayss += 1
            }
            for _ in 0..150 {
                let mut map = Map::new();
                if next(4) > 0 {
                    map.insert("q".into(), Value::from([1, 2, 99][next(3) as usize]));
                }
                if next(4) > 0 {
                    map.insert("n".into(), Value::from(next(11) as i64));
                }
                if next(4) > 0 {
                    map.insert("n2".into(), Value::from(next(40) as i64 - 20));
                }
                if next(4) > 0 {
                    let sel: Vec<i64> = if next(5) == 0 {
                        vec![9]
                    } else {
                        [1, 2, 3].into_iter().filter(|_| next(2) == 0).collect()
                    };
                    if !sel.is_empty() {
                        map.insert("m".into(), Value::from(sel));
                    }
                }
                if next(4) > 0 {
                    map.insert(
                        "t".into(),
                        Value::from(["a", "b", "", "ab", "zz", "A"][next(6) as usize]),
                    );
                }
                let t = crate::eval::eval(&c, &map, &s);
                match verdict {
                    Verdict::Never => {
                        assert_ne!(t, Truth::True, "{c:?} said never, true for {map:?}")
                    }
                    _ => assert_eq!(t, Truth::True, "{c:?} said always, not for {map:?}"),
                }
            }
        }
        // The generator reaches both verdicts.
        assert!(
            nevers > 50 && alwayss >= 4,
            "{nevers} never, {alwayss} always"
        );
    }

    fn and(a: Condition, b: Condition) -> Condition {
        Condition::And { args: vec![a, b] }
    }

    fn or(a: Condition, b: Condition) -> Condition {
        Condition::Or { args: vec![a, b] }
    }

    fn not(a: Condition) -> Condition {
        Condition::Not { arg: Box::new(a) }
    }

    #[test]
    fn verdicts() {
        let s = survey();
        let v = |c: &Condition| analyse(c, &s);
        assert_eq!(v(&cmp("q", Cmp::Eq, 1)), Verdict::Sometimes);
        assert_eq!(
            v(&and(cmp("q", Cmp::Eq, 1), cmp("q", Cmp::Eq, 2))),
            Verdict::Never
        );
        assert_eq!(
            v(&and(cmp("n", Cmp::Gt, 5), cmp("n", Cmp::Lt, 6))),
            Verdict::Never
        );
        assert_eq!(
            v(&and(cmp("n", Cmp::Gt, 5), cmp("n", Cmp::Lt, 7))),
            Verdict::Sometimes
        );
        assert_eq!(v(&cmp("n", Cmp::Gt, 10)), Verdict::Never);
        let half = |c: Cmp, x: f64| Condition::Compare {
            var: "n".into(),
            cmp: c,
            value: Constant::Number(Number::from_f64(x).unwrap()),
        };
        assert_eq!(
            v(&and(half(Cmp::Gt, 5.5), half(Cmp::Lt, 6.5))),
            Verdict::Sometimes
        );
        assert_eq!(
            v(&and(half(Cmp::Gt, 5.5), half(Cmp::Lt, 5.9))),
            Verdict::Never
        );
        assert_eq!(v(&cmp("n", Cmp::Ge, 10)), Verdict::Sometimes);
        // Not answered makes comparisons unknown, so `x or not x` is not
        // always true; `answered(x) or not answered(x)` is.
        let a = Condition::Answered { var: "q".into() };
        assert_eq!(
            v(&or(cmp("q", Cmp::Eq, 1), not(cmp("q", Cmp::Eq, 1)))),
            Verdict::Sometimes
        );
        assert_eq!(v(&or(a.clone(), not(a.clone()))), Verdict::Always);
        assert_eq!(v(&and(a.clone(), not(a))), Verdict::Never);
        // An exclusive option stands alone.
        let inc = |c: i64| Condition::Includes {
            var: "m".into(),
            value: Constant::Number(c.into()),
        };
        assert_eq!(v(&and(inc(1), inc(9))), Verdict::Never);
        assert_eq!(v(&and(inc(1), inc(2))), Verdict::Sometimes);
        // 99 is a code, so `q = 99` can hold; `q > 1` is unknown for 99.
        assert_eq!(v(&cmp("q", Cmp::Eq, 99)), Verdict::Sometimes);
        let sub = Condition::Substantive { var: "q".into() };
        assert_eq!(v(&and(cmp("q", Cmp::Eq, 99), sub)), Verdict::Never);
    }
}
