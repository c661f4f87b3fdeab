//! `codebook.csv`: one header row, then one row per flat column.
//!
//! RFC 4180 quoting (a field with a comma, a double quote or a line break is
//! quoted, quotes doubled), UTF-8 without a byte-order mark, every line
//! ended by LF — including line breaks inside fields, which are kept as
//! written.

use super::{Entry, Value, disclosure_token, level_token, words};
use crate::ir::ElementKind;

/// The header of `codebook.csv`.
pub const HEADER: &[&str] = &[
    "name",
    "label",
    "question",
    "item",
    "kind",
    "level",
    "format",
    "values",
    "missing",
    "asked_if",
    "condition",
    "section",
    "disclosure",
    "note",
    "comparability",
    "variable",
    "grid",
    "grid_label",
    "section_note",
    "display",
    "limits",
];

/// The codebook of one language as CSV.
pub fn codebook(entries: &[Entry<'_>]) -> String {
    let mut out = String::new();
    row(&mut out, HEADER.iter().copied());
    for e in entries {
        let fields = [
            e.name.to_string(),
            e.label.clone(),
            e.question
                .as_ref()
                .map(|r| r.plain.clone())
                .unwrap_or_default(),
            e.item.as_ref().map(|r| r.plain.clone()).unwrap_or_default(),
            e.kind_token().to_string(),
            level_token(e.level).to_string(),
            e.format.clone(),
            if e.allowed.is_empty() {
                value_lines(&e.values)
            } else {
                e.allowed.join("\n")
            },
            value_lines(&e.missing),
            words::plain(&e.asked_if),
            e.condition.clone().unwrap_or_default(),
            e.section.unwrap_or_default().to_string(),
            disclosure_token(e.disclosure).to_string(),
            e.note.as_ref().map(|r| r.plain.clone()).unwrap_or_default(),
            e.comparability
                .as_ref()
                .map(|c| c.plain())
                .unwrap_or_default(),
            e.variable.map(|v| v.name.clone()).unwrap_or_default(),
            e.element
                .filter(|el| el.kind == ElementKind::Grid)
                .map(|el| el.name.clone())
                .unwrap_or_default(),
            e.grid_label.clone().unwrap_or_default(),
            e.section_note
                .as_ref()
                .map(|r| r.plain.clone())
                .unwrap_or_default(),
            e.displays
                .iter()
                .map(|d| d.for_analysts())
                .collect::<Vec<_>>()
                .join("\n\n"),
            e.limits.token(),
        ];
        row(&mut out, fields.iter().map(String::as_str));
    }
    out
}

/// Values as lines `code = label` (`code` alone when unlabelled); a
/// missing value's line ends with its kind in brackets
/// (`-1 = not asked [notAsked]`).
pub fn value_lines(values: &[Value]) -> String {
    let lines: Vec<String> = values
        .iter()
        .map(|v| {
            let mut s = match &v.label {
                Some(l) => format!("{} = {l}", v.code),
                None => v.code.to_string(),
            };
            if let Some(k) = v.missing {
                s.push_str(&format!(" [{}]", k.token()));
            }
            s
        })
        .collect();
    lines.join("\n")
}

fn row<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, f);
    }
    out.push('\n');
}

/// One field, quoted when RFC 4180 requires it.
pub fn field(out: &mut String, f: &str) {
    if f.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&f.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        let mut s = String::new();
        field(&mut s, "plain");
        s.push('|');
        field(&mut s, "a, \"b\"\nc");
        s.push('|');
        field(&mut s, "it's <&>");
        assert_eq!(s, "plain|\"a, \"\"b\"\"\nc\"|it's <&>");
    }
}
