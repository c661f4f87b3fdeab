//! `codebook.sps`: SPSS syntax that labels an open dataset of the flat data
//! layout (a `.sav` from `lomake flatten`, or a CSV read with `GET DATA`).
//!
//! Strings are quoted with `'`, an apostrophe doubled. SPSS strings cannot
//! hold line breaks: every run of whitespace that contains a line break (a
//! paragraph break too) becomes one space, and other control characters
//! become spaces. Long strings are split into pieces joined with `+`, so
//! no syntax line grows long.
//!
//! SPSS limits labels in bytes of UTF-8 (`ä` is two): variable and
//! multiple-response set labels [`VARIABLE_LABEL_BYTES`], value labels
//! [`VALUE_LABEL_BYTES`]. A longer label is cut at a character boundary and
//! ends with `…`; each cut is a warning naming the columns. The other
//! codebooks keep the full text.
//!
//! Missing values: numeric columns declare the flat layout's missing kinds
//! with `LOWEST THRU -1` and one declared missing code (99); SPSS allows one
//! range and one discrete value, so a list with more declared missing codes
//! declares the first and warns. Columns whose answers may be negative
//! declare `-1, -2, -3` discretely instead of the range.

use std::collections::BTreeSet;

use super::{Entry, Group, MissingKind, Value, groups, text_of, words};
use crate::flat::ColumnKind;
use crate::ir::{Level, Survey};

/// SPSS's limit for variable labels, in bytes.
pub const VARIABLE_LABEL_BYTES: usize = 256;
/// SPSS's limit for value labels, in bytes.
pub const VALUE_LABEL_BYTES: usize = 120;
/// SPSS's limit for names (a multiple-response set's `$name`), in bytes.
pub const NAME_BYTES: usize = 64;
/// Longest piece of a string literal on one syntax line, in bytes.
const PIECE_BYTES: usize = 160;
/// Lines of name lists wrap after this many bytes.
const LINE_BYTES: usize = 78;
/// SPSS's limit for a line of the dataset's documents, in bytes.
pub const DOCUMENT_LINE_BYTES: usize = 80;

/// The syntax of one language, and the warnings for labels SPSS cannot
/// hold.
pub fn codebook(survey: &Survey, entries: &[Entry<'_>], lang: &str) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut warnings = Vec::new();
    out.push_str("* Encoding: UTF-8.\n");
    out.push_str(&format!(
        "* Codebook syntax of the survey {} (language {}): labels an open dataset.\n",
        ascii_comment(&survey.id),
        ascii_comment(lang)
    ));
    out.push_str("* Of the flat data layout; written by lomake (docs/codebook.md).\n\n");

    // VARIABLE LABELS.
    out.push_str("VARIABLE LABELS\n");
    for (i, e) in entries.iter().enumerate() {
        let (label, cut) = shorten(&clean(&e.label), VARIABLE_LABEL_BYTES);
        if let Some(len) = cut {
            warnings.push(format!(
                "the variable label of `{}` is {len} bytes, shortened to the SPSS limit of {VARIABLE_LABEL_BYTES}",
                e.name
            ));
        }
        out.push_str(if i == 0 { "  " } else { "  /" });
        out.push_str(e.name);
        out.push(' ');
        out.push_str(&literal(&label, 4));
        out.push('\n');
    }
    out.push_str(".\n\n");

    // VALUE LABELS: consecutive columns with the same labels share a list.
    let labelled: Vec<(&Entry<'_>, Vec<&Value>)> = entries
        .iter()
        .map(|e| {
            let vs: Vec<&Value> = e
                .values
                .iter()
                .chain(&e.missing)
                .filter(|v| v.label.is_some())
                .collect();
            (e, vs)
        })
        .filter(|(e, vs)| e.kind.is_numeric() && !vs.is_empty())
        .collect();
    if !labelled.is_empty() {
        out.push_str("VALUE LABELS\n");
        let mut first = true;
        for run in runs(&labelled, |a, b| labels_key(&a.1) == labels_key(&b.1)) {
            let names: Vec<&str> = run.iter().map(|(e, _)| e.name).collect();
            out.push_str(if first { "  " } else { "  /" });
            first = false;
            out.push_str(&wrap_names(&names, 4));
            out.push('\n');
            for v in &run[0].1 {
                let text = clean(v.label.as_deref().unwrap_or_default());
                let (label, cut) = shorten(&text, VALUE_LABEL_BYTES);
                if let Some(len) = cut {
                    warnings.push(format!(
                        "the value label of {} in {} is {len} bytes, shortened to the SPSS limit of {VALUE_LABEL_BYTES}",
                        v.code,
                        quoted_names(&names)
                    ));
                }
                out.push_str(&format!("    {} {}\n", v.code, literal(&label, 6)));
            }
        }
        out.push_str(".\n\n");
    }

    // MISSING VALUES.
    let specs: Vec<(&Entry<'_>, String)> = entries
        .iter()
        .filter_map(|e| {
            let (spec, warning) = missing_spec(survey, e)?;
            if let Some(w) = warning {
                warnings.push(w);
            }
            Some((e, spec))
        })
        .collect();
    if !specs.is_empty() {
        out.push_str("MISSING VALUES\n");
        for (i, run) in runs(&specs, |a, b| a.1 == b.1).into_iter().enumerate() {
            let names: Vec<&str> = run.iter().map(|(e, _)| e.name).collect();
            out.push_str(if i == 0 { "  " } else { "  /" });
            out.push_str(&wrap_names(&names, 4));
            out.push_str(&format!(" ({})\n", run[0].1));
        }
        out.push_str(".\n\n");
    }

    // VARIABLE LEVEL.
    out.push_str("VARIABLE LEVEL\n");
    let levels: Vec<(&Entry<'_>, &str)> = entries.iter().map(|e| (e, spss_level(e))).collect();
    for (i, run) in runs(&levels, |a, b| a.1 == b.1).into_iter().enumerate() {
        let names: Vec<&str> = run.iter().map(|(e, _)| e.name).collect();
        out.push_str(if i == 0 { "  " } else { "  /" });
        out.push_str(&wrap_names(&names, 4));
        out.push_str(&format!(" ({})\n", run[0].1));
    }
    out.push_str(".\n\n");

    for e in entries {
        if let ColumnKind::Text {
            max_length: Some(n),
        } = e.kind
            && u64::from(n) * 4 > u64::from(super::MAX_STRING_BYTES)
        {
            warnings.push(format!(
                "`{}` may hold {n} characters, more than the longest SPSS string ({} bytes): its width is {}",
                e.name,
                super::MAX_STRING_BYTES,
                e.format
            ));
        }
    }

    // FORMATS: numbers' display formats; strings' widths in bytes, which
    // must be the dataset's own (SPSS cannot change them here).
    out.push_str("FORMATS\n");
    let formats: Vec<(&Entry<'_>, &str)> = entries.iter().map(|e| (e, e.format.as_str())).collect();
    for (i, run) in runs(&formats, |a, b| a.1 == b.1).into_iter().enumerate() {
        let names: Vec<&str> = run.iter().map(|(e, _)| e.name).collect();
        out.push_str(if i == 0 { "  " } else { "  /" });
        out.push_str(&wrap_names(&names, 4));
        out.push_str(&format!(" ({})\n", run[0].1));
    }
    out.push_str(".\n");

    // VARIABLE ATTRIBUTE: the wave lineage, as tokens and in words; the
    // columns of one variable (a multiple choice's) share one subcommand.
    let lineages: Vec<&Entry<'_>> = entries
        .iter()
        .filter(|e| e.comparability.is_some())
        .collect();
    if !lineages.is_empty() {
        out.push_str("\nVARIABLE ATTRIBUTE\n");
        let same = |a: &&Entry<'_>, b: &&Entry<'_>| {
            a.variable.map(|v| &v.name) == b.variable.map(|v| &v.name)
        };
        for (i, run) in runs(&lineages, same).into_iter().enumerate() {
            let e = run[0];
            let (Some(l), Some(c)) = (
                e.variable.and_then(|v| v.lineage.as_ref()),
                &e.comparability,
            ) else {
                continue;
            };
            let names: Vec<&str> = run.iter().map(|e| e.name).collect();
            out.push_str(if i == 0 { "  " } else { "  /" });
            out.push_str(&format!("VARIABLES={}\n", wrap_names(&names, 6)));
            out.push_str(&format!(
                "    ATTRIBUTE=lomake_continues({})\n",
                literal(&clean(&words::lineage_token(l)), 6)
            ));
            out.push_str(&format!(
                "    lomake_changes({})\n",
                literal(&clean(&words::changes_token(l)), 6)
            ));
            out.push_str(&format!(
                "    lomake_comparability({})\n",
                literal(&clean(&c.plain()), 6)
            ));
        }
        out.push_str(".\n");
    }

    // MRSETS: a multiple choice's 0/1 columns, counted value 1.
    let sets: Vec<Group<'_>> = groups(survey)
        .into_iter()
        .filter(|g| g.multiple && g.columns.len() >= 2)
        .collect();
    if !sets.is_empty() {
        // The 0/1 columns of declared missing options (`new_methods_99`).
        let no_response: BTreeSet<&str> = entries
            .iter()
            .filter(|e| match (e.kind, e.variable) {
                (ColumnKind::Flag { code }, Some(v)) => v.missing_codes.contains(&code),
                _ => false,
            })
            .map(|e| e.name)
            .collect();
        out.push_str("\nMRSETS\n");
        let mut used: BTreeSet<String> = BTreeSet::new();
        for g in &sets {
            let name = set_name(g.name, &used);
            if name != format!("${}", g.name) {
                warnings.push(format!(
                    "the multiple-response set of `{}` is named `{name}`: SPSS names have at most {NAME_BYTES} bytes",
                    g.name
                ));
            }
            used.insert(name.clone());
            let full = g
                .variable
                .map(|v| text_of(&v.label, lang, &survey.languages))
                .unwrap_or_default();
            let (label, cut) = shorten(&clean(&full), VARIABLE_LABEL_BYTES);
            if let Some(len) = cut {
                warnings.push(format!(
                    "the label of the multiple-response set `{name}` is {len} bytes, shortened to the SPSS limit of {VARIABLE_LABEL_BYTES}"
                ));
            }
            out.push_str(&format!(
                "  /MDGROUP NAME={name}\n    LABEL={}\n",
                literal(&label, 6)
            ));
            // The columns of declared missing options ("can't say") are no
            // response: the set counts the substantive options.
            let columns: Vec<&str> = g
                .columns
                .iter()
                .copied()
                .filter(|c| !no_response.contains(c))
                .collect();
            out.push_str(&format!(
                "    VARIABLES={}\n    VALUE=1\n",
                wrap_names(&columns, 6)
            ));
        }
        out.push_str(".\n");
    }

    // VARIABLE ATTRIBUTE: the answer limits as tokens; the columns of one
    // variable with the same limits share one subcommand.
    let limited: Vec<&Entry<'_>> = entries.iter().filter(|e| !e.limits.is_empty()).collect();
    if !limited.is_empty() {
        out.push_str("\nVARIABLE ATTRIBUTE\n");
        let same = |a: &&Entry<'_>, b: &&Entry<'_>| {
            a.variable.map(|v| &v.name) == b.variable.map(|v| &v.name) && a.limits == b.limits
        };
        for (i, run) in runs(&limited, same).into_iter().enumerate() {
            let names: Vec<&str> = run.iter().map(|e| e.name).collect();
            out.push_str(if i == 0 { "  " } else { "  /" });
            out.push_str(&format!("VARIABLES={}\n", wrap_names(&names, 6)));
            out.push_str(&format!(
                "    ATTRIBUTE=lomake_limits({})\n",
                literal(&clean(&run[0].limits.token()), 6)
            ));
        }
        out.push_str(".\n");
    }

    // ADD DOCUMENT: the researcher notes of the survey and its sections and
    // the display texts, in questionnaire order, as the dataset's documents
    // (DISPLAY DOCUMENTS; saved in a `.sav`).
    let lines = document_lines(survey, entries, lang);
    if !lines.is_empty() {
        out.push_str("\nADD DOCUMENT\n");
        for (i, line) in lines.iter().enumerate() {
            out.push_str("  ");
            out.push_str(&literal(line, 2));
            if i + 1 == lines.len() {
                out.push('.');
            }
            out.push('\n');
        }
    }
    (out, warnings)
}

/// The documents' lines: a heading line for each researcher note and
/// display text, its text in lines of at most [`DOCUMENT_LINE_BYTES`], an
/// empty line between them.
fn document_lines(survey: &Survey, entries: &[Entry<'_>], lang: &str) -> Vec<String> {
    let w = words::words(lang);
    let langs = &survey.languages;
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let text_block = |heading: String, texts: &[&str]| {
        let mut lines = wrap(&clean(&heading), DOCUMENT_LINE_BYTES);
        for t in texts {
            for paragraph in t.split("\n\n") {
                lines.extend(wrap(&clean(paragraph), DOCUMENT_LINE_BYTES));
            }
        }
        lines
    };
    if let Some(note) = &survey.note {
        let note = text_of(note, lang, langs);
        blocks.push(text_block(format!("{}:", w.researcher_note), &[&note]));
    }
    let display = |d: &super::DisplayText<'_>, before: Option<&str>| {
        let mut heading = format!("{}: {}", w.display, d.name);
        if let Some(q) = before {
            heading.push_str(&format!(" ({} {q})", w.before_question));
        }
        text_block(heading, &[&d.for_analysts()])
    };
    let shown = super::displays(survey);
    let by_section = super::by_section(entries, |e| e.section);
    for s in &survey.sections {
        let title = text_of(&s.title, lang, langs);
        if let Some(note) = &s.note {
            let note = text_of(note, lang, langs);
            let heading = format!("{}: {title} ({})", w.section_note, s.name);
            blocks.push(text_block(heading, &[&note]));
        }
        let mut previous: Option<&str> = None;
        for e in by_section.get(s.name.as_str()).into_iter().flatten() {
            let element = e.variable.map(|v| &*v.element);
            if element != previous {
                for d in &e.displays {
                    blocks.push(display(d, element));
                }
            }
            previous = element;
        }
        for d in shown.after.get(s.name.as_str()).into_iter().flatten() {
            blocks.push(display(&super::DisplayText::of(survey, d, lang), None));
        }
    }
    blocks.join(&String::new())
}

/// `s` in lines of at most `limit` bytes, broken at spaces (a longer word
/// at a character boundary); no line for an empty text.
pub fn wrap(s: &str, limit: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let mut word = word;
        if !line.is_empty() && line.len() + 1 + word.len() > limit {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        while line.len() + word.len() > limit {
            let mut cut = limit - line.len();
            while !word.is_char_boundary(cut) {
                cut -= 1;
            }
            line.push_str(&word[..cut]);
            lines.push(std::mem::take(&mut line));
            word = &word[cut..];
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The `MISSING VALUES` specification of a numeric column, and a warning
/// when its declared missing codes do not all fit.
fn missing_spec(survey: &Survey, e: &Entry<'_>) -> Option<(String, Option<String>)> {
    if !e.kind.is_numeric() || e.variable.is_none() {
        return None;
    }
    let declared: Vec<i64> = e
        .missing
        .iter()
        .filter(|v| v.missing == Some(MissingKind::Declared))
        .map(|v| v.code)
        .collect();
    let v = e.variable?;
    // Could a real answer be negative? Then `LOWEST THRU -1` would hide it.
    let negative = match e.kind {
        ColumnKind::Code => v
            .list
            .as_deref()
            .and_then(|l| survey.list(l))
            .is_some_and(|l| l.options.iter().any(|o| o.code < 0)),
        ColumnKind::Integer | ColumnKind::Decimal => v
            .min
            .as_ref()
            .and_then(|m| m.as_f64())
            .is_none_or(|m| m < 0.0),
        _ => false,
    };
    let (spec, fits) = if negative {
        ("-1, -2, -3".to_string(), 0)
    } else {
        match declared.first() {
            Some(c) => (format!("LOWEST THRU -1, {c}"), 1),
            None => ("LOWEST THRU -1".to_string(), 1),
        }
    };
    let warning = (declared.len() > fits).then(|| {
        let left: Vec<String> = declared[fits..].iter().map(i64::to_string).collect();
        format!(
            "`{}` has more missing codes than SPSS can declare (one range and one value, or three values): {} not declared missing (the codebooks list them)",
            e.name,
            left.join(", ")
        )
    });
    Some((spec, warning))
}

fn spss_level(e: &Entry<'_>) -> &'static str {
    if !e.kind.is_numeric() {
        return "NOMINAL";
    }
    match e.level {
        Level::Nominal => "NOMINAL",
        Level::Ordinal => "ORDINAL",
        Level::Scale => "SCALE",
    }
}

/// `$name`, at most [`NAME_BYTES`] bytes and unlike the names in `used`.
fn set_name(name: &str, used: &BTreeSet<String>) -> String {
    let base = format!("${name}");
    if base.len() <= NAME_BYTES && !used.contains(&base) {
        return base;
    }
    for n in 1.. {
        let suffix = format!("_{n}");
        let keep = NAME_BYTES - suffix.len();
        let mut cut = base.len().min(keep);
        while !base.is_char_boundary(cut) {
            cut -= 1;
        }
        let candidate = format!("{}{suffix}", &base[..cut]);
        if !used.contains(&candidate) {
            return candidate;
        }
    }
    unreachable!("some suffix is free")
}

fn labels_key(vs: &[&Value]) -> Vec<(i64, String)> {
    vs.iter()
        .map(|v| (v.code, v.label.clone().unwrap_or_default()))
        .collect()
}

/// Consecutive runs of items that `same` says belong together.
fn runs<T>(items: &[T], same: impl Fn(&T, &T) -> bool) -> Vec<&[T]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=items.len() {
        if i == items.len() || !same(&items[start], &items[i]) {
            if start < i {
                out.push(&items[start..i]);
            }
            start = i;
        }
    }
    out
}

/// Names separated by spaces, wrapped onto indented lines.
fn wrap_names(names: &[&str], indent: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            if line + 1 + n.len() > LINE_BYTES {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                line = indent;
            } else {
                out.push(' ');
                line += 1;
            }
        }
        out.push_str(n);
        line += n.len();
    }
    out
}

fn quoted_names(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A comment's text: ASCII letters, digits and `_-` only, so nothing in it
/// can end the comment or start a command.
fn ascii_comment(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A label as SPSS can hold it: line breaks and the whitespace around them
/// become one space, other control characters a space each.
pub fn clean(s: &str) -> String {
    let one = super::words::one_line(s);
    one.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `s` within `limit` bytes: unchanged, or cut at a character boundary and
/// ended with `…`; the second value is the original length when cut.
pub fn shorten(s: &str, limit: usize) -> (String, Option<usize>) {
    if s.len() <= limit {
        return (s.to_string(), None);
    }
    let ellipsis = "…";
    let mut cut = limit - ellipsis.len();
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    (format!("{}{ellipsis}", s[..cut].trim_end()), Some(s.len()))
}

/// A quoted SPSS string: `'It''s'`; long strings split into pieces joined
/// by `+` on lines indented by `indent`.
pub fn literal(s: &str, indent: usize) -> String {
    let mut pieces = Vec::new();
    let mut rest = s;
    while rest.len() > PIECE_BYTES {
        let mut cut = PIECE_BYTES;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        pieces.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    pieces.push(rest);
    let quoted: Vec<String> = pieces
        .iter()
        .map(|p| format!("'{}'", p.replace('\'', "''")))
        .collect();
    quoted.join(&format!(" +\n{}", " ".repeat(indent)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_double_apostrophes_and_split() {
        assert_eq!(literal("It's", 2), "'It''s'");
        let long = "ä".repeat(100);
        let l = literal(&long, 2);
        assert_eq!(l.matches(" +\n  ").count(), 1);
        assert!(l.starts_with('\''));
    }

    #[test]
    fn shortening_cuts_at_a_character_boundary() {
        let s = "ä".repeat(100); // 200 bytes
        let (cut, was) = shorten(&s, 120);
        assert_eq!(was, Some(200));
        assert!(cut.len() <= 120);
        assert!(cut.ends_with('…'));
        assert_eq!(cut.chars().filter(|&c| c == 'ä').count(), 58);
        assert_eq!(shorten("short", 120), ("short".to_string(), None));
    }

    #[test]
    fn clean_joins_lines() {
        assert_eq!(clean("a\n\n  b\tc"), "a b c");
        assert_eq!(clean("a\tb"), "a b");
    }

    #[test]
    fn document_lines_fit() {
        assert_eq!(wrap("a bb  ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("", 80), Vec::<String>::new());
        let long = format!("x {}", "ä".repeat(50));
        let lines = wrap(&long, 80);
        assert!(lines.iter().all(|l| l.len() <= 80), "{lines:?}");
        assert_eq!(lines.concat(), format!("x{}", "ä".repeat(50)));
    }

    #[test]
    fn set_names_fit() {
        let long = "x".repeat(64);
        let n = set_name(&long, &BTreeSet::new());
        assert_eq!(n.len(), 64);
        assert!(n.starts_with('$'));
        let m = set_name(&long, &BTreeSet::from([n.clone()]));
        assert_ne!(m, n);
    }
}
