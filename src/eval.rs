//! The routing semantics, as one evaluator over IR conditions.
//!
//! This is the reference implementation of the table in `docs/language.md`;
//! the form's JavaScript and the generated JSON Schema implement the same
//! table and run the same cases (`tests/semantics/*.json`).
//!
//! | value of `x` | `=`, `!=`, `in` | `<` … | `includes` | `answered` | `substantive` |
//! |---|---|---|---|---|---|
//! | absent | unknown | unknown | unknown | false | false |
//! | `null` | unknown | unknown | unknown | false | false |
//! | declared missing code | compared as codes | unknown | compared | true | false |
//! | substantive value | compared | compared | compared | true | true |
//!
//! An empty selection (`[]`) of a multiple choice counts as `null`: nothing
//! was chosen, so the question was not answered.

use serde_json::{Map, Value};

use crate::ir::{Cmp, Condition, Constant, Survey};

/// A three-valued truth value (Kleene logic).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    fn from_bool(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }

    pub fn negate(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

/// Evaluates a condition on one response. `missing_codes` tells, per
/// variable, which codes are declared missing (from the IR).
pub fn eval(cond: &Condition, response: &Map<String, Value>, survey: &Survey) -> Truth {
    let missing = |var: &str| -> &[i64] {
        survey
            .variable(var)
            .map_or(&[][..], |v| v.missing_codes.as_slice())
    };
    eval_with(cond, response, &missing)
}

/// Like [`eval`], with the missing codes given by a function.
pub fn eval_with<'m>(
    cond: &Condition,
    response: &Map<String, Value>,
    missing: &dyn Fn(&str) -> &'m [i64],
) -> Truth {
    let get = |var: &str| value(response, var);
    match cond {
        Condition::And { args } => {
            let mut out = Truth::True;
            for a in args {
                match eval_with(a, response, missing) {
                    Truth::False => return Truth::False,
                    Truth::Unknown => out = Truth::Unknown,
                    Truth::True => {}
                }
            }
            out
        }
        Condition::Or { args } => {
            let mut out = Truth::False;
            for a in args {
                match eval_with(a, response, missing) {
                    Truth::True => return Truth::True,
                    Truth::Unknown => out = Truth::Unknown,
                    Truth::False => {}
                }
            }
            out
        }
        Condition::Not { arg } => eval_with(arg, response, missing).negate(),
        Condition::Answered { var } => Truth::from_bool(get(var).is_some()),
        Condition::Substantive { var } => {
            let m = missing(var);
            Truth::from_bool(match get(var) {
                None => false,
                Some(Value::Array(items)) => items.iter().any(|v| !is_missing_code(v, m)),
                Some(v) => !is_missing_code(v, m),
            })
        }
        Condition::Compare { var, cmp, value } => {
            let m = missing(var);
            match get(var) {
                None => Truth::Unknown,
                Some(v) => compare(v, *cmp, &constant_value(value), m),
            }
        }
        Condition::CompareVars { var, cmp, other } => {
            let m = missing(var);
            let mo = missing(other);
            match (get(var), get(other)) {
                (None, _) | (_, None) => Truth::Unknown,
                (Some(a), Some(b)) => {
                    if is_ordering(*cmp) && (is_missing_code(a, m) || is_missing_code(b, mo)) {
                        Truth::Unknown
                    } else {
                        compare(a, *cmp, b, &[])
                    }
                }
            }
        }
        Condition::In { var, values } => match get(var) {
            None => Truth::Unknown,
            Some(v) => Truth::from_bool(values.iter().any(|c| same(v, &constant_value(c)))),
        },
        Condition::Includes { var, value } => match get(var) {
            None => Truth::Unknown,
            Some(Value::Array(items)) => {
                let c = constant_value(value);
                Truth::from_bool(items.iter().any(|v| same(v, &c)))
            }
            Some(_) => Truth::Unknown,
        },
    }
}

/// The answer to `var`, or `None` when there is none: absent, `null`, or an
/// empty selection.
fn value<'r>(response: &'r Map<String, Value>, var: &str) -> Option<&'r Value> {
    match response.get(var) {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) if items.is_empty() => None,
        Some(v) => Some(v),
    }
}

fn constant_value(c: &Constant) -> Value {
    match c {
        Constant::Number(n) => Value::Number(n.clone()),
        Constant::String(s) => Value::String(s.clone()),
    }
}

fn is_ordering(cmp: Cmp) -> bool {
    !matches!(cmp, Cmp::Eq | Cmp::Ne)
}

fn is_missing_code(v: &Value, missing: &[i64]) -> bool {
    v.as_f64()
        .is_some_and(|f| missing.iter().any(|m| *m as f64 == f))
}

/// Equality the JSON Schema way: `7` and `7.0` are the same number.
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn compare(v: &Value, cmp: Cmp, c: &Value, missing: &[i64]) -> Truth {
    match cmp {
        Cmp::Eq => Truth::from_bool(same(v, c)),
        Cmp::Ne => Truth::from_bool(!same(v, c)),
        _ => {
            if is_missing_code(v, missing) {
                return Truth::Unknown;
            }
            let ord = match (v.as_f64(), c.as_f64()) {
                (Some(x), Some(y)) => x.partial_cmp(&y),
                _ => match (v.as_str(), c.as_str()) {
                    (Some(x), Some(y)) => Some(x.cmp(y)),
                    _ => None,
                },
            };
            let Some(ord) = ord else {
                return Truth::Unknown;
            };
            Truth::from_bool(match cmp {
                Cmp::Lt => ord.is_lt(),
                Cmp::Le => ord.is_le(),
                Cmp::Gt => ord.is_gt(),
                _ => ord.is_ge(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(c: &Condition, r: Value) -> Truth {
        eval_with(c, r.as_object().unwrap(), &|_| &[99][..])
    }

    #[test]
    fn table() {
        let eq1 = Condition::Compare {
            var: "x".into(),
            cmp: Cmp::Eq,
            value: Constant::Number(1.into()),
        };
        let lt5 = Condition::Compare {
            var: "x".into(),
            cmp: Cmp::Lt,
            value: Constant::Number(5.into()),
        };
        assert_eq!(run(&eq1, json!({})), Truth::Unknown);
        assert_eq!(run(&eq1, json!({"x": null})), Truth::Unknown);
        assert_eq!(run(&eq1, json!({"x": 99})), Truth::False);
        assert_eq!(run(&eq1, json!({"x": 1.0})), Truth::True);
        assert_eq!(run(&lt5, json!({"x": 99})), Truth::Unknown);
        let not = Condition::Not { arg: Box::new(eq1) };
        assert_eq!(run(&not, json!({})), Truth::Unknown);
    }
}
