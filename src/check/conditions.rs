//! Routing conditions: names resolved to earlier variables, values checked
//! against their lists, lowered to IR conditions.

use super::lower::{Known, Scope};
use super::{Checker, Subst};
use crate::diagnostics::{self, Code, Diagnostic};
use crate::ir::{Cmp, Condition, Constant, Level, VariableKind};
use crate::source::Span;
use crate::syntax::ast::{Expr, Name, Value};

impl Checker<'_> {
    /// Lowers a condition; `Err` when something in it was reported.
    pub(super) fn condition(
        &mut self,
        e: &Expr,
        subst: Option<&Subst>,
        scope: &Scope,
    ) -> Result<Condition, ()> {
        match e {
            Expr::Or(parts, _) | Expr::And(parts, _) => {
                let mut args = Vec::new();
                let mut failed = false;
                for p in parts {
                    match self.condition(p, subst, scope) {
                        Ok(c) => args.push(c),
                        Err(()) => failed = true,
                    }
                }
                if failed {
                    return Err(());
                }
                Ok(if matches!(e, Expr::Or(..)) {
                    Condition::Or { args }
                } else {
                    Condition::And { args }
                })
            }
            Expr::Not(inner, _) => Ok(Condition::Not {
                arg: Box::new(self.condition(inner, subst, scope)?),
            }),
            Expr::Call { function, name, .. } => {
                let var = self.resolve(name, subst, scope)?;
                Ok(if function.value == "answered" {
                    Condition::Answered { var: var.name }
                } else {
                    Condition::Substantive { var: var.name }
                })
            }
            Expr::Includes { name, value, span } => {
                let var = self.resolve(name, subst, scope)?;
                if var.kind != VariableKind::Multiple && !var.on_trust {
                    self.report(
                        Diagnostic::new(
                            Code::NotComparable,
                            format!(
                                "`includes` needs a multiple-choice question; `{}` is not one",
                                var.name
                            ),
                        )
                        .at(*span, "not a multiple choice")
                        .help(match value {
                            Value::Number(n) => format!(
                                "for a single choice, write `{} = {}`",
                                var.name, n.value.text
                            ),
                            _ => format!("for a single choice, write `{} = …`", var.name),
                        }),
                    );
                    return Err(());
                }
                let c = self.constant(&var, value, *span)?;
                Ok(Condition::Includes {
                    var: var.name,
                    value: c,
                })
            }
            Expr::In { name, values, span } => {
                let var = self.resolve(name, subst, scope)?;
                self.not_multiple(&var, *span, "in")?;
                // Every value is checked: each wrong one is reported.
                let mut out = Vec::new();
                let mut failed = false;
                for v in values {
                    if let Value::Name(n) = v {
                        self.report(
                            Diagnostic::new(
                                Code::NotComparable,
                                "`in { … }` takes codes, not question names",
                            )
                            .at(n.span, "a name")
                            .help("list the codes, as in `in {1, 2}`"),
                        );
                        failed = true;
                        continue;
                    }
                    match self.constant(&var, v, *span) {
                        Ok(c) => out.push(c),
                        Err(()) => failed = true,
                    }
                }
                if failed {
                    return Err(());
                }
                Ok(Condition::In {
                    var: var.name,
                    values: out,
                })
            }
            Expr::Compare {
                name,
                op,
                value,
                span,
            } => {
                let var = self.resolve(name, subst, scope)?;
                let cmp = match op.value.as_str() {
                    "=" => Cmp::Eq,
                    "!=" => Cmp::Ne,
                    "<" => Cmp::Lt,
                    "<=" => Cmp::Le,
                    ">" => Cmp::Gt,
                    _ => Cmp::Ge,
                };
                self.not_multiple(&var, *span, &op.value)?;
                let ordering = !matches!(cmp, Cmp::Eq | Cmp::Ne);
                if ordering && !var.on_trust {
                    let why = match (var.kind, var.level) {
                        (VariableKind::Text | VariableKind::Hidden, _) => {
                            Some("a text has no order")
                        }
                        (VariableKind::Single, Some(Level::Nominal)) => {
                            Some("its answer list is nominal: the codes have no order")
                        }
                        _ => None,
                    };
                    if let Some(why) = why {
                        self.report(
                            Diagnostic::new(
                                Code::NotComparable,
                                format!("`{}` cannot be compared with `{}`", var.name, op.value),
                            )
                            .at(op.span, why)
                            .help("use `=`, `!=` or `in { … }`; or declare the list `ordinal`"),
                        );
                        return Err(());
                    }
                }
                if let Value::Name(other) = value {
                    let other = self.resolve(other, subst, scope)?;
                    let differ =
                        other.list != var.list || value_class(other.kind) != value_class(var.kind);
                    if differ && !var.on_trust && !other.on_trust {
                        self.report(
                            Diagnostic::new(
                                Code::NotComparable,
                                format!(
                                    "`{}` and `{}` have different answers",
                                    var.name, other.name
                                ),
                            )
                            .at(*span, "different lists")
                            .help(
                                "compare questions only when they share a list or are both numbers",
                            ),
                        );
                        return Err(());
                    }
                    return Ok(Condition::CompareVars {
                        var: var.name,
                        cmp,
                        other: other.name,
                    });
                }
                let c = self.constant(&var, value, *span)?;
                Ok(Condition::Compare {
                    var: var.name,
                    cmp,
                    value: c,
                })
            }
        }
    }

    fn not_multiple(&mut self, var: &Known, span: Span, op: &str) -> Result<(), ()> {
        if var.kind == VariableKind::Multiple && !var.on_trust {
            self.report(
                Diagnostic::new(
                    Code::NotComparable,
                    format!(
                        "`{}` is a multiple-choice question; `{op}` does not apply",
                        var.name
                    ),
                )
                .at(span, "several answers possible")
                .help(format!("write `{} includes <code>`", var.name)),
            );
            return Err(());
        }
        Ok(())
    }

    /// Checks a constant against the variable it is compared with.
    fn constant(&mut self, var: &Known, value: &Value, span: Span) -> Result<Constant, ()> {
        if var.on_trust {
            // The constant as it is written: what a variable of any kind
            // that accepts it makes of it.
            return match value {
                Value::String(s) => Ok(Constant::String(unescape(&s.value))),
                Value::Number(n) => number(&n.value).map(Constant::Number),
                Value::Name(_) => Err(()),
            };
        }
        match value {
            Value::String(s) => {
                let text = unescape(&s.value);
                if var.kind == VariableKind::Date && !crate::ir::is_date(&text) {
                    self.report(
                        Diagnostic::new(Code::InvalidValue, format!("\"{text}\" is not a date"))
                            .at(s.span, "expected YYYY-MM-DD")
                            .help("write dates as \"2023-02-24\""),
                    );
                    return Err(());
                }
                if !matches!(
                    var.kind,
                    VariableKind::Text | VariableKind::Hidden | VariableKind::Date
                ) {
                    self.report(
                        Diagnostic::new(
                            Code::NotComparable,
                            format!("`{}` holds numbers, not texts", var.name),
                        )
                        .at(s.span, "a text")
                        .help("compare with a code, like `= 1`"),
                    );
                    return Err(());
                }
                if var.kind == VariableKind::Hidden && !self.languages.contains(&text) {
                    self.report(
                        Diagnostic::new(
                            Code::NotInList,
                            format!("`{}` never has the value \"{text}\"", var.name),
                        )
                        .at(s.span, "not a language of the survey")
                        .help(format!("its values: {}", self.languages.join(", "))),
                    );
                    return Err(());
                }
                Ok(Constant::String(text))
            }
            Value::Number(n) => {
                if matches!(
                    var.kind,
                    VariableKind::Text | VariableKind::Hidden | VariableKind::Date
                ) {
                    self.report(
                        Diagnostic::new(
                            Code::NotComparable,
                            format!("`{}` holds texts, not numbers", var.name),
                        )
                        .at(n.span, "a number")
                        .help("compare with a text in quotes"),
                    );
                    return Err(());
                }
                if let Some(list) = &var.list {
                    let Some(code) = n.value.as_integer() else {
                        self.report(
                            Diagnostic::new(
                                Code::NotInList,
                                format!("`{}` is not a code", n.value.text),
                            )
                            .at(n.span, "codes are whole numbers")
                            .help("use one of the list's codes"),
                        );
                        return Err(());
                    };
                    let l = self.ir_lists.get(list);
                    if let Some(l) = l
                        && !l.options.iter().any(|o| o.code == code)
                    {
                        let codes: Vec<String> =
                            l.options.iter().map(|o| o.code.to_string()).collect();
                        self.report(
                            Diagnostic::new(
                                Code::NotInList,
                                format!("`{}` has no code {code}", var.name),
                            )
                            .at(n.span, "not in the list")
                            .note(format!("the codes of `{list}`: {}", codes.join(", ")))
                            .help("use one of the list's codes"),
                        );
                        return Err(());
                    }
                    let _ = span;
                    return Ok(Constant::Number(code.into()));
                }
                number(&n.value).map(Constant::Number)
            }
            Value::Name(n) => {
                self.report(
                    Diagnostic::new(Code::NotComparable, "expected a code or a text here")
                        .at(n.span, "a name")
                        .help("write a code such as `1`"),
                );
                Err(())
            }
        }
    }

    /// Finds the variable a name refers to, among those declared earlier.
    fn resolve(&mut self, name: &Name, subst: Option<&Subst>, scope: &Scope) -> Result<Known, ()> {
        let n = match Self::subst_name(&name.value, subst) {
            Ok(n) => n,
            Err(why) => {
                self.report(
                    Diagnostic::new(Code::UnknownPlaceholder, why).at(name.span, "in this name"),
                );
                return Err(());
            }
        };
        let key = n.to_ascii_lowercase();
        if let Some(k) = scope.vars.get(&key) {
            return Ok(k.clone());
        }
        // Not declared in this part, lowered on a thread of its own: taken
        // on trust, checked again when the part is taken in.
        if scope.on_trust && !scope.grids.contains_key(&key) {
            self.provisional = true;
            return Ok(Known {
                name: n,
                kind: VariableKind::Text,
                list: None,
                level: None,
                at: 0,
                on_trust: true,
            });
        }
        if let Some(items) = scope.grids.get(&key) {
            self.report(
                Diagnostic::new(
                    Code::UnknownName,
                    format!("`{n}` is a grid; a condition names one of its items"),
                )
                .at(name.span, "a grid, not a variable")
                .help(format!(
                    "for example `{}`",
                    items.first().map_or("…", String::as_str)
                )),
            );
            return Err(());
        }
        if self.asked_anywhere(&key) || self.names.contains(&n) {
            self.report(
                Diagnostic::new(Code::ForwardReference, format!("`{n}` is asked later in the questionnaire"))
                    .at(name.span, "not asked yet")
                    .help("a condition can only use answers given before it; move the question up, or the condition down"),
            );
            return Err(());
        }
        if self.is_broken(&key) {
            return Err(()); // its own syntax error has been reported
        }
        let d = Diagnostic::new(Code::UnknownName, format!("no question named `{n}`"))
            .at(name.span, "unknown name");
        // The table is a hash map: `did_you_mean` breaks a tie by the
        // names themselves, whatever their order.
        let known = scope.vars.values().map(|k| k.name.as_str());
        let d = match diagnostics::did_you_mean(&n, known) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help("conditions name questions asked earlier in the survey"),
        };
        self.report(d);
        Err(())
    }

    pub(super) fn is_broken(&self, key: &str) -> bool {
        self.loaded
            .files
            .values()
            .flat_map(|f| f.broken.iter())
            .any(|b| {
                let b = b.to_ascii_lowercase();
                match b.split_once('{') {
                    // A placeholder in a broken block item's name: match its prefix.
                    Some((prefix, _)) => key.starts_with(prefix),
                    None => key == b || key.starts_with(&format!("{b}_")),
                }
            })
    }
}

/// What kind of value a variable compares as: codes and numbers, texts, or dates.
fn value_class(kind: VariableKind) -> u8 {
    match kind {
        VariableKind::Single
        | VariableKind::Multiple
        | VariableKind::Integer
        | VariableKind::Decimal => 0,
        VariableKind::Text | VariableKind::Hidden => 1,
        VariableKind::Date => 2,
    }
}

/// The value of a string constant: `\x` stands for `x`.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A number as written: an integer when it has no decimal point.
fn number(n: &crate::syntax::ast::Number) -> Result<serde_json::Number, ()> {
    match n.as_integer() {
        Some(i) => Ok(serde_json::Number::from(i)),
        None => serde_json::Number::from_f64(n.value).ok_or(()),
    }
}
