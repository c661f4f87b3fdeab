//! Wave lineage: what changed between a variable and the one it continues in
//! an earlier wave.
//!
//! [`compare`] reads two checked IRs only. The checker's lineage pass
//! (`check::lineage`) uses it for the variables that declare `continues`, and
//! `lomake diff` (`crate::diff`) for every pair of variables it matches; both
//! therefore classify a change the same way. The classes and their order are
//! [`ir::ChangeClass`]'s; `docs/ir.md` documents them.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{self, Change, ChangeClass, Condition, Element, Survey, Variable};
use crate::shared::SharedStr;

/// A survey as [`compare`] reads it: its elements and lists by name,
/// through the survey's own lookup tables (`ir::Survey::element`, `::list`),
/// so that making one costs nothing.
pub struct Wave<'a> {
    pub survey: &'a Survey,
}

impl<'a> Wave<'a> {
    pub fn new(survey: &'a Survey) -> Wave<'a> {
        Wave { survey }
    }

    pub fn element(&self, name: &str) -> Option<&'a Element> {
        self.survey.element(name)
    }

    fn list(&self, var: &Variable) -> Option<&'a ir::AnswerList> {
        var.list.as_deref().and_then(|l| self.survey.list(l))
    }
}

/// The changes from `old_var` (of `old`) to `new_var` (of `new`), one entry
/// per class in [`ChangeClass`] order; empty when nothing changed.
/// `renames` maps the earlier wave's variable names to this wave's, so that
/// a condition on a renamed question still counts as the same routing.
pub fn compare(
    old: &Wave<'_>,
    old_var: &Variable,
    new: &Wave<'_>,
    new_var: &Variable,
    renames: &BTreeMap<String, String>,
) -> Vec<Change> {
    let mut changes: BTreeMap<ChangeClass, Change> = BTreeMap::new();
    let mut add = |class: ChangeClass, languages: Vec<String>, codes: Vec<i64>| {
        let c = changes.entry(class).or_insert_with(|| Change {
            class,
            languages: Vec::new(),
            codes: Vec::new(),
        });
        c.languages.extend(languages);
        c.codes.extend(codes);
    };

    // The language in which labels decide what a code means: this wave's
    // source language, if the earlier wave has it too.
    let source = new
        .survey
        .languages
        .first()
        .cloned()
        .filter(|l| old.survey.languages.contains(l))
        .or_else(|| old.survey.languages.first().cloned())
        .unwrap_or_default();
    let shared: Vec<&String> = new
        .survey
        .languages
        .iter()
        .filter(|l| old.survey.languages.contains(l))
        .collect();

    // Kind, measurement level, decimals, unit.
    let unit_changed = differs(old_var.unit.as_deref(), new_var.unit.as_deref(), &source);
    if old_var.kind != new_var.kind
        || old_var.level != new_var.level
        || old_var.decimals != new_var.decimals
        || unit_changed
    {
        add(ChangeClass::Kind, Vec::new(), Vec::new());
    }

    // Codes.
    let mut wording: BTreeSet<&str> = BTreeSet::new();
    if let (Some(ol), Some(nl)) = (old.list(old_var), new.list(new_var)) {
        let olds: BTreeMap<i64, &ir::AnswerOption> =
            ol.options.iter().map(|o| (o.code, o)).collect();
        let news: BTreeMap<i64, &ir::AnswerOption> =
            nl.options.iter().map(|o| (o.code, o)).collect();
        let label = |o: &ir::AnswerOption, lang: &str| -> Option<SharedStr> {
            o.label
                .as_ref()
                .and_then(|t| t.translations.get(lang))
                .map(|t| t.raw.clone())
        };
        let mut relabelled = Vec::new();
        let mut reused = Vec::new();
        let mut exclusive = Vec::new();
        for (code, o) in &olds {
            let Some(n) = news.get(code) else {
                // A code no longer offered whose label another code now
                // has: the answer moved to a new code (4 "over 10 years"
                // is now 5), which analysts must recode.
                let ot = label(o, &source);
                if ot.is_some() && news.values().any(|other| label(other, &source) == ot) {
                    reused.push(*code);
                }
                continue;
            };
            if o.exclusive != n.exclusive {
                exclusive.push(*code);
            }
            let (ot, nt) = (label(o, &source), label(n, &source));
            let moved = ot.is_some()
                && news
                    .iter()
                    .any(|(c, other)| c != code && label(other, &source) == ot);
            if o.missing != n.missing || (ot != nt && moved) {
                reused.push(*code);
            } else if ot != nt {
                relabelled.push(*code);
            }
            // Translations of an unchanged label: wording.
            for lang in &shared {
                if ot == nt && **lang != source && label(o, lang) != label(n, lang) {
                    wording.insert(lang.as_str());
                }
            }
        }
        if !relabelled.is_empty() {
            add(ChangeClass::CodesRelabelled, Vec::new(), relabelled);
        }
        if !reused.is_empty() {
            add(ChangeClass::CodesReused, Vec::new(), reused);
        }
        let added: Vec<i64> = news
            .keys()
            .filter(|c| !olds.contains_key(c))
            .copied()
            .collect();
        if !added.is_empty() {
            add(ChangeClass::CodesAdded, Vec::new(), added);
        }
        let removed: Vec<i64> = olds
            .keys()
            .filter(|c| !news.contains_key(c))
            .copied()
            .collect();
        if !removed.is_empty() {
            add(ChangeClass::CodesRemoved, Vec::new(), removed);
        }
        // An option that now stands alone, or no longer does, changes which
        // sets of answers are possible.
        if !exclusive.is_empty() {
            add(ChangeClass::Range, Vec::new(), exclusive);
        }
    } else if old_var.list.is_some() != new_var.list.is_some() {
        add(ChangeClass::Kind, Vec::new(), Vec::new());
    }

    // The answers allowed, within the same kind (a kind change says more).
    if old_var.kind == new_var.kind
        && (old_var.min != new_var.min
            || old_var.max != new_var.max
            || old_var.max_length != new_var.max_length)
    {
        add(ChangeClass::Range, Vec::new(), Vec::new());
    }

    // Routing: the conditions, with the earlier wave's names mapped to ours.
    let old_condition = old_var.condition.as_ref().map(|c| rename(c, renames));
    if old_condition.as_ref() != new_var.condition.as_ref() {
        add(ChangeClass::Routing, Vec::new(), Vec::new());
    }

    // Wording: what the respondent reads, language by language.
    let (oe, ne) = (old.element(&old_var.element), new.element(&new_var.element));
    for lang in &shared {
        let changed = differs_in(old_var.text.as_ref(), new_var.text.as_ref(), lang)
            || differs_in(
                oe.and_then(|e| e.text.as_ref()),
                ne.and_then(|e| e.text.as_ref()),
                lang,
            )
            || differs_in(
                oe.and_then(|e| e.help.as_ref()),
                ne.and_then(|e| e.help.as_ref()),
                lang,
            )
            || (!unit_changed
                && differs_in(old_var.unit.as_deref(), new_var.unit.as_deref(), lang));
        if changed {
            wording.insert(lang.as_str());
        }
    }
    if !wording.is_empty() {
        // In this wave's language order.
        let languages = shared
            .iter()
            .filter(|l| wording.contains(l.as_str()))
            .map(|l| l.to_string())
            .collect();
        add(ChangeClass::Wording, languages, Vec::new());
    }
    changes.into_values().collect()
}

/// Do two optional texts differ in `lang`?
fn differs_in(a: Option<&ir::Text>, b: Option<&ir::Text>, lang: &str) -> bool {
    let raw_a = a.and_then(|t| t.translations.get(lang)).map(|t| &t.raw);
    let raw_b = b.and_then(|t| t.translations.get(lang)).map(|t| &t.raw);
    raw_a != raw_b
}

/// Do two optional texts differ in the source language?
fn differs(a: Option<&ir::Text>, b: Option<&ir::Text>, source: &str) -> bool {
    a.is_some() != b.is_some() || differs_in(a, b, source)
}

/// A condition with variable names mapped through `renames`.
pub fn rename(c: &Condition, renames: &BTreeMap<String, String>) -> Condition {
    let r = |v: &String| renames.get(v).cloned().unwrap_or_else(|| v.clone());
    match c {
        Condition::And { args } => Condition::And {
            args: args.iter().map(|a| rename(a, renames)).collect(),
        },
        Condition::Or { args } => Condition::Or {
            args: args.iter().map(|a| rename(a, renames)).collect(),
        },
        Condition::Not { arg } => Condition::Not {
            arg: Box::new(rename(arg, renames)),
        },
        Condition::Answered { var } => Condition::Answered { var: r(var) },
        Condition::Substantive { var } => Condition::Substantive { var: r(var) },
        Condition::Compare { var, cmp, value } => Condition::Compare {
            var: r(var),
            cmp: *cmp,
            value: value.clone(),
        },
        Condition::CompareVars { var, cmp, other } => Condition::CompareVars {
            var: r(var),
            cmp: *cmp,
            other: r(other),
        },
        Condition::In { var, values } => Condition::In {
            var: r(var),
            values: values.clone(),
        },
        Condition::Includes { var, value } => Condition::Includes {
            var: r(var),
            value: value.clone(),
        },
    }
}

/// The classes of `changes` in words, for messages: "scale changed; codes
/// relabelled: 1, 2, 3; codes added: 4, 5".
pub fn describe(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| {
            let codes = c
                .codes
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            match c.class {
                ChangeClass::Kind => "kind or scale changed".to_string(),
                ChangeClass::CodesRelabelled => format!("codes relabelled: {codes}"),
                ChangeClass::CodesReused => format!("codes reused: {codes}"),
                ChangeClass::CodesAdded => format!("codes added: {codes}"),
                ChangeClass::CodesRemoved => format!("codes removed: {codes}"),
                ChangeClass::Range if codes.is_empty() => "allowed range changed".to_string(),
                ChangeClass::Range => format!("allowed range changed (exclusive: {codes})"),
                ChangeClass::Routing => "routing changed".to_string(),
                ChangeClass::Wording => format!("wording changed ({})", c.languages.join(", ")),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}
