//! `lomake diff`: what changed between two waves (or two versions) of a
//! survey, variable by variable, and whether it breaks comparability.
//!
//! Reads two checked IRs only. Variables are matched by lineage first (a
//! variable of NEW that `continues` one of OLD), then by name; each pair is
//! classified by [`crate::lineage::compare`], exactly as the checker does.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::ir::{Change, ChangeClass, Survey};
use crate::lineage::{self, Wave};

/// The whole comparison.
#[derive(Debug, Serialize)]
pub struct Report {
    pub old: SurveyRef,
    pub new: SurveyRef,
    /// Languages only one side has.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub languages_added: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub languages_removed: Vec<String>,
    /// Every variable of either side: NEW's in its order, then those only
    /// OLD has, in OLD's order.
    pub variables: Vec<Entry>,
    pub summary: Summary,
}

#[derive(Debug, Serialize)]
pub struct SurveyRef {
    pub id: String,
    pub version: String,
    /// What the user named: a file, or `REV:path`.
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Added,
    Removed,
    Renamed,
    Changed,
    Unchanged,
}

#[derive(Debug, Serialize)]
pub struct Entry {
    pub status: Status,
    /// The name in OLD (absent when added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// The name in NEW (absent when removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// How the two were matched: `lineage` (NEW declares `continues`) or `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// Some change breaks comparability.
    pub breaks: bool,
    /// NEW acknowledges the break with `break` (its reason, source language).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<String>,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Renamed => "renamed",
            Status::Changed => "changed",
            Status::Unchanged => "unchanged",
        }
    }
}

impl Entry {
    /// A break nobody acknowledged: what makes `lomake diff` exit 1.
    pub fn unacknowledged_break(&self) -> bool {
        self.breaks && self.acknowledged.is_none()
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub added: usize,
    pub removed: usize,
    pub renamed: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub breaks: usize,
    pub acknowledged_breaks: usize,
    pub unacknowledged_breaks: usize,
}

impl Report {
    /// Does any change break comparability without an acknowledgement?
    pub fn breaks_comparability(&self) -> bool {
        self.summary.unacknowledged_breaks > 0
    }
}

/// Compares OLD with NEW. `old_source`/`new_source` are what the user named.
pub fn diff(old: &Survey, old_source: &str, new: &Survey, new_source: &str) -> Report {
    let old_index: BTreeMap<&str, usize> = old
        .variables
        .iter()
        .enumerate()
        .map(|(i, v)| (v.name.as_str(), i))
        .collect();
    // NEW variable index → (OLD variable index, matched by).
    let mut matched: BTreeMap<usize, (usize, &'static str)> = BTreeMap::new();
    let mut taken: BTreeSet<usize> = BTreeSet::new();
    for (i, v) in new.variables.iter().enumerate() {
        if let Some(l) = &v.lineage
            && l.survey == old.id
            && let Some(&o) = old_index.get(l.variable.as_str())
        {
            matched.insert(i, (o, "lineage"));
            taken.insert(o);
        }
    }
    for (i, v) in new.variables.iter().enumerate() {
        if matched.contains_key(&i) {
            continue;
        }
        if let Some(&o) = old_index.get(v.name.as_str())
            && !taken.contains(&o)
        {
            matched.insert(i, (o, "name"));
            taken.insert(o);
        }
    }
    let renames: BTreeMap<String, String> = matched
        .iter()
        .map(|(n, (o, _))| {
            (
                old.variables[*o].name.clone(),
                new.variables[*n].name.clone(),
            )
        })
        .collect();

    let (ow, nw) = (Wave::new(old), Wave::new(new));
    let source_lang = new.languages.first().cloned().unwrap_or_default();
    let mut variables = Vec::new();
    for (i, v) in new.variables.iter().enumerate() {
        let Some(&(o, by)) = matched.get(&i) else {
            variables.push(Entry {
                status: Status::Added,
                old: None,
                new: Some(v.name.clone()),
                matched_by: None,
                changes: Vec::new(),
                breaks: false,
                acknowledged: None,
            });
            continue;
        };
        let ov = &old.variables[o];
        let changes = lineage::compare(&ow, ov, &nw, v, &renames);
        let breaks = changes.iter().any(|c| c.class.breaks());
        let acknowledged = v
            .lineage
            .as_ref()
            .filter(|l| l.survey == old.id && l.variable == ov.name)
            .and_then(|l| l.acknowledged.as_ref())
            .map(|t| {
                t.translations
                    .get(&source_lang)
                    .or_else(|| t.translations.values().next())
                    .map(|t| t.plain().to_string())
                    .unwrap_or_default()
            });
        let status = if ov.name != v.name {
            Status::Renamed
        } else if changes.is_empty() {
            Status::Unchanged
        } else {
            Status::Changed
        };
        variables.push(Entry {
            status,
            old: Some(ov.name.clone()),
            new: Some(v.name.clone()),
            matched_by: Some(by),
            changes,
            breaks,
            acknowledged: if breaks { acknowledged } else { None },
        });
    }
    for (o, v) in old.variables.iter().enumerate() {
        if !taken.contains(&o) {
            variables.push(Entry {
                status: Status::Removed,
                old: Some(v.name.clone()),
                new: None,
                matched_by: None,
                changes: Vec::new(),
                breaks: false,
                acknowledged: None,
            });
        }
    }
    let mut summary = Summary::default();
    for e in &variables {
        match e.status {
            Status::Added => summary.added += 1,
            Status::Removed => summary.removed += 1,
            Status::Renamed => summary.renamed += 1,
            Status::Changed => summary.changed += 1,
            Status::Unchanged => summary.unchanged += 1,
        }
        if e.breaks {
            summary.breaks += 1;
            if e.acknowledged.is_some() {
                summary.acknowledged_breaks += 1;
            } else {
                summary.unacknowledged_breaks += 1;
            }
        }
    }
    Report {
        old: SurveyRef {
            id: old.id.clone(),
            version: old.version.clone(),
            source: old_source.to_string(),
        },
        new: SurveyRef {
            id: new.id.clone(),
            version: new.version.clone(),
            source: new_source.to_string(),
        },
        languages_added: new
            .languages
            .iter()
            .filter(|l| !old.languages.contains(l))
            .cloned()
            .collect(),
        languages_removed: old
            .languages
            .iter()
            .filter(|l| !new.languages.contains(l))
            .cloned()
            .collect(),
        variables,
        summary,
    }
}

/// The report as JSON, with a trailing newline.
pub fn to_json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("the report serializes");
    s.push('\n');
    s
}

fn name_of(e: &Entry) -> String {
    match (&e.old, &e.new) {
        (Some(o), Some(n)) if o != n => format!("{o} → {n}"),
        (_, Some(n)) => n.clone(),
        (Some(o), None) => o.clone(),
        (None, None) => String::new(),
    }
}

fn verdict(e: &Entry) -> &'static str {
    if !e.breaks {
        "comparable"
    } else if e.acknowledged.is_some() {
        "break (acknowledged)"
    } else {
        "BREAK"
    }
}

fn heading(r: &Report) -> String {
    format!(
        "{} ({}) → {} ({})",
        r.old.id, r.old.version, r.new.id, r.new.version
    )
}

fn counts(r: &Report) -> String {
    let s = &r.summary;
    format!(
        "{} added, {} removed, {} renamed, {} changed, {} unchanged; {} break{} of comparability ({} acknowledged, {} not)",
        s.added,
        s.removed,
        s.renamed,
        s.changed,
        s.unchanged,
        s.breaks,
        if s.breaks == 1 { "" } else { "s" },
        s.acknowledged_breaks,
        s.unacknowledged_breaks
    )
}

/// For people: one line per variable that is not unchanged.
pub fn to_human(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", heading(r));
    let _ = writeln!(out, "  old: {}", r.old.source);
    let _ = writeln!(out, "  new: {}", r.new.source);
    if !r.languages_added.is_empty() {
        let _ = writeln!(out, "languages added: {}", r.languages_added.join(", "));
    }
    if !r.languages_removed.is_empty() {
        let _ = writeln!(out, "languages removed: {}", r.languages_removed.join(", "));
    }
    for status in [
        Status::Renamed,
        Status::Changed,
        Status::Added,
        Status::Removed,
    ] {
        let entries: Vec<&Entry> = r.variables.iter().filter(|e| e.status == status).collect();
        if entries.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({}):", status.as_str(), entries.len());
        for e in entries {
            match status {
                Status::Added | Status::Removed => {
                    let _ = writeln!(out, "  {}", name_of(e));
                }
                _ => {
                    let changes = if e.changes.is_empty() {
                        "no other change".to_string()
                    } else {
                        lineage::describe(&e.changes)
                    };
                    let _ = writeln!(out, "  {}: {changes} [{}]", name_of(e), verdict(e));
                    if let Some(a) = &e.acknowledged {
                        let _ = writeln!(out, "      break: {a}");
                    }
                }
            }
        }
    }
    let _ = writeln!(out, "\n{}", counts(r));
    out
}

/// For pull requests and reports: Markdown tables.
pub fn to_markdown(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {}\n", md(&heading(r)));
    let _ = writeln!(
        out,
        "Old: `{}` · new: `{}`\n",
        r.old.source.replace('`', "'"),
        r.new.source.replace('`', "'")
    );
    let _ = writeln!(out, "{}\n", md(&counts(r)));
    if !r.languages_added.is_empty() {
        let _ = writeln!(out, "Languages added: {}\n", r.languages_added.join(", "));
    }
    if !r.languages_removed.is_empty() {
        let _ = writeln!(
            out,
            "Languages removed: {}\n",
            r.languages_removed.join(", ")
        );
    }
    let listed: Vec<&Entry> = r
        .variables
        .iter()
        .filter(|e| e.status != Status::Unchanged)
        .collect();
    if listed.is_empty() {
        let _ = writeln!(out, "No variable changed.");
        return out;
    }
    let _ = writeln!(out, "| variable | status | changes | comparability |");
    let _ = writeln!(out, "| --- | --- | --- | --- |");
    for e in listed {
        let status = e.status.as_str();
        let changes = lineage::describe(&e.changes);
        let mut comparability = match e.status {
            Status::Added | Status::Removed => String::new(),
            _ => verdict(e).to_string(),
        };
        if let Some(a) = &e.acknowledged {
            let _ = write!(comparability, ": {a}");
        }
        let _ = writeln!(
            out,
            "| `{}` | {status} | {} | {} |",
            name_of(e).replace('`', "'"),
            md(&changes),
            md(&comparability)
        );
    }
    out
}

/// Text safe inside a Markdown table cell.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The class names of a report's changes (for tests and tools).
pub fn classes(e: &Entry) -> Vec<ChangeClass> {
    e.changes.iter().map(|c| c.class).collect()
}
