//! The codebooks (`<lang>/codebook.{html,md,csv,sps}`) and DDI-Codebook
//! (`codebook.ddi.xml`), read from the IR only (`docs/codebook.md`).
//!
//! [`entries`] prepares one [`Entry`] per column of the flat data layout
//! ([`crate::flat::columns`]) in one language; every format is rendered from
//! those entries:
//!
//! - `csv.rs` and `sps.rs` write CSV and SPSS syntax from Rust (their quoting
//!   is the whole difficulty, so it lives in tested functions);
//! - `codebook.html`, `codebook.md` and `codebook.ddi.xml` are minijinja
//!   templates (`targets/codebook/`) that receive texts already rendered and
//!   escaped for their format by `html.rs`, `md.rs` and `ddi.rs`.
//!
//! Labels keep their full text everywhere except in `codebook.sps`, where
//! SPSS limits them in bytes; shortening warns through [`Output::warn`].

pub mod csv;
pub mod ddi;
pub mod html;
pub mod md;
pub mod sps;
pub mod view;
pub mod words;

use std::collections::BTreeMap;

use super::{BuildError, BuildOptions, Output};
use crate::flat::{self, ColumnKind};
use crate::ir::{
    Disclosure, Element, ElementKind, Level, Section, Survey, Text, Translation, Variable,
    VariableKind,
};
use crate::markup::Paragraph;

pub use words::Piece;

/// The built-in templates of this target, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "codebook/codebook.html",
        include_str!("../../../targets/codebook/codebook.html"),
    ),
    (
        "codebook/codebook.md",
        include_str!("../../../targets/codebook/codebook.md"),
    ),
    (
        "codebook/codebook.ddi.xml",
        include_str!("../../../targets/codebook/codebook.ddi.xml"),
    ),
];

/// Writes the codebooks of every language.
pub fn build(survey: &Survey, options: &BuildOptions, out: &mut Output) -> Result<(), BuildError> {
    let env = super::templates::environment(options.templates.as_deref());
    // The same warning for several languages (a missing code SPSS cannot
    // declare) is given once, naming the languages.
    let mut warned: Vec<(String, Vec<&str>)> = Vec::new();
    let rendered = super::per_language(&survey.languages, |lang| {
        let entries = entries(survey, lang);
        let (syntax, warnings) = sps::codebook(survey, &entries, lang);
        Ok::<_, BuildError>(Files {
            csv: csv::codebook(&entries),
            sps: syntax,
            warnings,
            md: md::codebook(&env, survey, &entries, lang)?,
            html: html::codebook(&env, survey, &entries, lang)?,
        })
    });
    for (lang, files) in survey.languages.iter().zip(rendered) {
        let files = files?;
        out.write(&format!("{lang}/codebook.csv"), files.csv.as_bytes())?;
        for w in files.warnings {
            match warned.iter_mut().find(|(m, _)| *m == w) {
                Some((_, langs)) => langs.push(lang),
                None => warned.push((w, vec![lang])),
            }
        }
        out.write(&format!("{lang}/codebook.sps"), files.sps.as_bytes())?;
        out.write(&format!("{lang}/codebook.md"), files.md.as_bytes())?;
        out.write(&format!("{lang}/codebook.html"), files.html.as_bytes())?;
    }
    for (message, langs) in warned {
        let files: Vec<String> = langs.iter().map(|l| format!("{l}/codebook.sps")).collect();
        out.warn(format!("{}: {message}", files.join(", ")));
    }
    Ok(())
}

/// The codebook files of one language, and the SPSS syntax's warnings.
struct Files {
    csv: String,
    sps: String,
    warnings: Vec<String>,
    md: String,
    html: String,
}

/// Writes the DDI-Codebook 2.5 file.
pub fn build_ddi(
    survey: &Survey,
    options: &BuildOptions,
    out: &mut Output,
) -> Result<(), BuildError> {
    let env = super::templates::environment(options.templates.as_deref());
    let xml = ddi::codebook(&env, survey)?;
    out.write("codebook.ddi.xml", xml.as_bytes())
}

/// A missing kind of the flat layout, or a declared missing code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MissingKind {
    /// A code of the list declared `missing` (99 "can't say").
    Declared,
    NotAsked,
    NotAnswered,
    NotReached,
}

impl MissingKind {
    /// The token used in CSV and in DDI's `missType`.
    pub fn token(self) -> &'static str {
        match self {
            MissingKind::Declared => "declared",
            MissingKind::NotAsked => "notAsked",
            MissingKind::NotAnswered => "notAnswered",
            MissingKind::NotReached => "notReached",
        }
    }
}

/// One value of a column with its label (full text, one language).
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// The value as written in the data (`1`, `-2`).
    pub code: i64,
    /// Its label; `None` for unlabelled codes of a `values` range.
    pub label: Option<String>,
    /// The label's markup, when it came from the survey.
    pub markup: Option<Vec<Paragraph>>,
    /// `Some` for missing values.
    pub missing: Option<MissingKind>,
}

/// A text of the survey in one language: plain and with its markup.
#[derive(Clone, Debug, PartialEq)]
pub struct Rich {
    pub plain: String,
    pub markup: Vec<Paragraph>,
}

/// One column of the flat data layout, described in one language.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    pub name: &'a str,
    pub kind: ColumnKind,
    /// The variable it comes from (`None` for the envelope).
    pub variable: Option<&'a Variable>,
    /// The element that asks it.
    pub element: Option<&'a Element>,
    /// The analyst label, full text.
    pub label: String,
    /// The analyst label of the grid whose item this column is.
    pub grid_label: Option<String>,
    /// The question's text.
    pub question: Option<Rich>,
    /// The part of the question this column is about: a grid item, a
    /// multiple choice's option, the option of an "other" text.
    pub item: Option<Rich>,
    pub help: Option<Rich>,
    pub level: Level,
    /// Substantive values (codes of the list, 1/0 of a flag, statuses).
    pub values: Vec<Value>,
    /// Missing values of a numeric column, declared codes first.
    pub missing: Vec<Value>,
    /// The condition, in words ("Asked if: …").
    pub asked_if: Vec<Piece>,
    /// The condition as written (`nat_part = 1`), `None` = always asked.
    pub condition: Option<String>,
    /// Section name (`None` for the envelope).
    pub section: Option<&'a str>,
    pub note: Option<Rich>,
    pub disclosure: Disclosure,
    /// The SPSS format of the column (`F2.0`, `A800`).
    pub format: String,
    /// The variable's wave lineage in words (`None` without one).
    pub comparability: Option<Comparability>,
    /// The researcher note of the column's section.
    pub section_note: Option<Rich>,
    /// The display texts respondents read before the question that asks
    /// this column (after the previous question of the section), in order;
    /// every column of the question has them.
    pub displays: Vec<DisplayText<'a>>,
    /// The values a string column may hold (the survey's languages for the
    /// hidden `lang`), as they are in the data.
    pub allowed: Vec<String>,
    /// What answers the survey allows, beyond the values.
    pub limits: Limits,
}

/// A `display` element (a text respondents read; it collects nothing) in
/// one language.
#[derive(Clone, Debug, PartialEq)]
pub struct DisplayText<'a> {
    pub name: &'a str,
    pub text: Option<Rich>,
    pub help: Option<Rich>,
    /// "Shown if: …" when it has a condition (its section's included).
    pub shown_if: Option<Vec<Piece>>,
    /// Its researcher note (never shown to respondents).
    pub note: Option<Rich>,
    /// "Researcher note" in the text's language.
    note_heading: &'static str,
}

impl<'a> DisplayText<'a> {
    pub fn of(survey: &'a Survey, e: &'a Element, lang: &str) -> DisplayText<'a> {
        let langs = &survey.languages;
        DisplayText {
            name: &e.name,
            text: e.text.as_ref().and_then(|t| rich(t, lang, langs)),
            help: e.help.as_ref().and_then(|t| rich(t, lang, langs)),
            shown_if: e.condition.as_ref().map(|c| {
                let mut p = vec![Piece::Text(format!("{}: ", words::words(lang).shown_if))];
                p.extend(words::condition_words(survey, c, lang));
                p
            }),
            note: e.note.as_ref().and_then(|t| rich(t, lang, langs)),
            note_heading: words::words(lang).researcher_note,
        }
    }

    /// The text and help as plain text, paragraphs apart: what respondents
    /// read.
    pub fn plain(&self) -> String {
        [&self.text, &self.help]
            .into_iter()
            .flatten()
            .map(|r| r.plain.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// What an analyst reads of it, as plain text, paragraphs apart: the
    /// text, the help, "Shown if: …" and "Researcher note: …" (CSV, SPSS).
    pub fn for_analysts(&self) -> String {
        let shown_if = self.shown_if.as_ref().map(|p| words::plain(p));
        let note = self
            .note
            .as_ref()
            .map(|r| format!("{}: {}", self.note_heading, r.plain));
        [
            self.text.as_ref().map(|r| r.plain.as_str()),
            self.help.as_ref().map(|r| r.plain.as_str()),
            shown_if.as_deref(),
            note.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n\n")
    }
}

/// The display texts of a survey by where an analyst reads them: before
/// the next element with flat columns in their section (by that element's
/// name), or, with none after them, at the end of their section (by the
/// section's name).
#[derive(Debug, Default)]
pub struct Displays<'a> {
    pub before: BTreeMap<&'a str, Vec<&'a Element>>,
    pub after: BTreeMap<&'a str, Vec<&'a Element>>,
}

pub fn displays(survey: &Survey) -> Displays<'_> {
    let mut out = Displays::default();
    for s in &survey.sections {
        let mut pending = Vec::new();
        for e in &s.elements {
            if e.kind == ElementKind::Display {
                pending.push(e);
            } else if !e.variables.is_empty() && !pending.is_empty() {
                out.before
                    .entry(e.name.as_str())
                    .or_default()
                    .append(&mut pending);
            }
        }
        if !pending.is_empty() {
            out.after.insert(s.name.as_str(), pending);
        }
    }
    out
}

/// The answer rules of a column beyond its values: bounds of a number,
/// decimals, a text's maximum length, how many options of a multiple
/// choice may be chosen and which are chosen alone, a required answer.
/// Only what the survey declares (and a text's maximum length, which
/// always has a default).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Limits {
    pub min: Option<serde_json::Number>,
    pub max: Option<serde_json::Number>,
    pub decimals: Option<u32>,
    pub max_length: Option<u32>,
    /// A multiple choice's `min` and `max`: options chosen.
    pub min_selected: Option<serde_json::Number>,
    pub max_selected: Option<serde_json::Number>,
    /// A multiple choice's exclusive options, with their labels.
    pub exclusive: Vec<Value>,
    pub required: bool,
}

impl Limits {
    pub fn is_empty(&self) -> bool {
        *self == Limits::default()
    }

    /// As stable tokens, space-separated (CSV, SPSS attribute, DDI note):
    /// `min(0) max(100) decimals(3)`, `max_length(2000)`,
    /// `min_selected(1) max_selected(5) exclusive(99)`, `required`.
    pub fn token(&self) -> String {
        let mut out: Vec<String> = Vec::new();
        let mut num = |k: &str, n: &Option<serde_json::Number>| {
            if let Some(n) = n {
                out.push(format!("{k}({n})"));
            }
        };
        num("min", &self.min);
        num("max", &self.max);
        num("min_selected", &self.min_selected);
        num("max_selected", &self.max_selected);
        if let Some(d) = self.decimals {
            out.push(format!("decimals({d})"));
        }
        if let Some(n) = self.max_length {
            out.push(format!("max_length({n})"));
        }
        if !self.exclusive.is_empty() {
            let codes: Vec<String> = self.exclusive.iter().map(|v| v.code.to_string()).collect();
            out.push(format!("exclusive({})", codes.join(" ")));
        }
        if self.required {
            out.push("required".to_string());
        }
        out.join(" ")
    }
}

/// A variable's wave lineage ([`crate::ir::Lineage`]) in words of one
/// language: the sentence of [`words::lineage`], then the author's reason
/// for a break, when there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparability {
    pub sentence: Vec<Piece>,
    pub reason: Option<Rich>,
}

impl Comparability {
    /// The variable's lineage in `lang`, `None` when it has none.
    pub fn of(v: &Variable, lang: &str, languages: &[String]) -> Option<Comparability> {
        let l = v.lineage.as_ref()?;
        Some(Comparability {
            sentence: words::lineage(l, lang),
            reason: l
                .acknowledged
                .as_ref()
                .and_then(|t| rich(t, lang, languages)),
        })
    }

    /// As plain text, names in backticks.
    pub fn plain(&self) -> String {
        let mut s = words::plain(&self.sentence);
        if let Some(r) = &self.reason {
            s.push_str(&r.plain);
        }
        s
    }
}

impl Entry<'_> {
    /// The kind in words of the codebook's language.
    pub fn kind_words(&self, lang: &str) -> &'static str {
        let w = words::words(lang);
        match self.kind {
            ColumnKind::Id => w.kind_id,
            ColumnKind::Status => w.kind_status,
            ColumnKind::Submitted => w.kind_submitted,
            ColumnKind::Code => w.kind_single,
            ColumnKind::Flag { .. } => w.kind_flag,
            ColumnKind::Integer => w.kind_integer,
            ColumnKind::Decimal => w.kind_decimal,
            ColumnKind::Text { .. } => w.kind_text,
            ColumnKind::Date => w.kind_date,
            ColumnKind::Hidden => w.kind_hidden,
        }
    }

    /// The kind as a stable token (CSV).
    pub fn kind_token(&self) -> &'static str {
        match self.kind {
            ColumnKind::Id => "id",
            ColumnKind::Status => "status",
            ColumnKind::Submitted => "submitted",
            ColumnKind::Code => "single",
            ColumnKind::Flag { .. } => "flag",
            ColumnKind::Integer => "integer",
            ColumnKind::Decimal => "decimal",
            ColumnKind::Text { .. } => "text",
            ColumnKind::Date => "date",
            ColumnKind::Hidden => "hidden",
        }
    }

    pub fn level_words(&self, lang: &str) -> &'static str {
        let w = words::words(lang);
        match self.level {
            Level::Nominal => w.level_nominal,
            Level::Ordinal => w.level_ordinal,
            Level::Scale => w.level_scale,
        }
    }

    /// `None`, or the disclosure flag in words.
    pub fn disclosure_words(&self, lang: &str) -> Option<&'static str> {
        let w = words::words(lang);
        match self.disclosure {
            Disclosure::None => None,
            Disclosure::Identifying => Some(w.identifying),
            Disclosure::IndirectlyIdentifying => Some(w.indirectly_identifying),
        }
    }

    /// How an empty value of a string column reads (`None` for numeric
    /// columns and the envelope).
    pub fn empty_words(&self, lang: &str) -> Option<&'static str> {
        (!self.kind.is_numeric() && self.variable.is_some())
            .then(|| words::words(lang).empty_string)
    }
}

/// The disclosure as a stable token (CSV).
pub fn disclosure_token(d: Disclosure) -> &'static str {
    match d {
        Disclosure::None => "none",
        Disclosure::Identifying => "identifying",
        Disclosure::IndirectlyIdentifying => "indirectly_identifying",
    }
}

pub fn level_token(l: Level) -> &'static str {
    match l {
        Level::Nominal => "nominal",
        Level::Ordinal => "ordinal",
        Level::Scale => "scale",
    }
}

/// A text's translation in `lang`, or in the source language (drafts built
/// with `--allow-missing-translations`).
pub fn translation<'a>(
    text: &'a Text,
    lang: &str,
    languages: &[String],
) -> Option<&'a Translation> {
    text.translations
        .get(lang)
        .or_else(|| languages.first().and_then(|l| text.translations.get(l)))
        .or_else(|| text.translations.values().next())
}

/// A text's plain form in `lang` (see [`translation`]); empty if none.
pub fn text_of(text: &Text, lang: &str, languages: &[String]) -> String {
    translation(text, lang, languages)
        .map(|t| t.plain().to_string())
        .unwrap_or_default()
}

pub fn rich(text: &Text, lang: &str, languages: &[String]) -> Option<Rich> {
    translation(text, lang, languages).map(|t| Rich {
        plain: t.plain().to_string(),
        markup: t.markup().into_owned(),
    })
}

/// SPSS's longest string, in bytes.
pub const MAX_STRING_BYTES: u32 = flat::MAX_STRING_WIDTH;

/// The SPSS format of a column: `F<w>.<d>` for numbers, `A<bytes>` for
/// strings (4 bytes per character of the maximum length: UTF-8; a text
/// without one gets the longest SPSS string). The `.sav` of `lomake
/// flatten` must have these string widths for `codebook.sps` to apply
/// (SPSS cannot change a string's width with `FORMATS`).
pub fn spss_format(survey: &Survey, column: &flat::Column<'_>) -> String {
    let v = column.variable;
    let digits = |n: i64| n.to_string().len();
    match column.kind {
        ColumnKind::Status => "F1.0".to_string(),
        // 0/1, and the declared missing code chosen instead (99).
        ColumnKind::Flag { .. } => {
            let w = v
                .map(|v| {
                    v.missing_codes
                        .iter()
                        .map(|&c| digits(c))
                        .max()
                        .unwrap_or(0)
                })
                .unwrap_or(0);
            format!("F{}.0", w.clamp(2, 40))
        }
        ColumnKind::Code => {
            let codes = v
                .and_then(|v| v.list.as_deref())
                .and_then(|l| survey.list(l))
                .map(|l| l.options.iter().map(|o| o.code).collect::<Vec<_>>())
                .unwrap_or_default();
            let w = codes
                .iter()
                .chain(&[flat::NOT_REACHED])
                .map(|&c| digits(c))
                .max()
                .unwrap_or(2);
            format!("F{w}.0")
        }
        // Numbers as `lomake flatten` writes them in the `.sav`.
        ColumnKind::Integer => "F10.0".to_string(),
        ColumnKind::Decimal => {
            let d = v.and_then(|v| v.decimals).unwrap_or(2).min(16);
            format!("F{}.{d}", 10 + d)
        }
        // Strings: the widths of flat::string_width, which the `.sav`
        // of `lomake flatten` has too.
        ColumnKind::Id
        | ColumnKind::Submitted
        | ColumnKind::Text { .. }
        | ColumnKind::Date
        | ColumnKind::Hidden => format!("A{}", flat::string_width(column).unwrap_or(1)),
    }
}

/// Every column of the flat layout, described in `lang`.
pub fn entries<'a>(survey: &'a Survey, lang: &str) -> Vec<Entry<'a>> {
    let w = words::words(lang);
    let langs = &survey.languages;
    let mut out = Vec::new();
    let shown = displays(survey);
    let sections: BTreeMap<&str, &Section> = survey
        .sections
        .iter()
        .map(|s| (s.name.as_str(), s))
        .collect();
    for column in flat::columns(survey) {
        let format = spss_format(survey, &column);
        let Some(v) = column.variable else {
            let (label, values) = match column.kind {
                ColumnKind::Status => (
                    w.resp_status,
                    vec![
                        plain_value(flat::STATUS_COMPLETE, w.complete),
                        plain_value(flat::STATUS_PARTIAL, w.partial),
                    ],
                ),
                ColumnKind::Submitted => (w.resp_submitted, Vec::new()),
                _ => (w.resp_id, Vec::new()),
            };
            out.push(Entry {
                name: column.name,
                kind: column.kind,
                variable: None,
                element: None,
                label: label.to_string(),
                grid_label: None,
                question: None,
                item: None,
                help: None,
                level: Level::Nominal,
                values,
                missing: Vec::new(),
                asked_if: Vec::new(),
                condition: None,
                section: None,
                note: None,
                disclosure: Disclosure::None,
                format,
                comparability: None,
                section_note: None,
                displays: Vec::new(),
                allowed: Vec::new(),
                limits: Limits::default(),
            });
            continue;
        };
        let el = survey.element(&v.element);
        let list = v.list.as_deref().and_then(|l| survey.list(l));
        let question = el
            .and_then(|e| e.text.as_ref())
            .and_then(|t| rich(t, lang, langs));
        let mut label = text_of(&v.label, lang, langs);
        let mut item = match (&v.text, el.and_then(|e| e.text.as_ref())) {
            (Some(t), Some(q)) if t.key != q.key => rich(t, lang, langs),
            (Some(t), None) => rich(t, lang, langs),
            _ => None,
        };
        let mut values = Vec::new();
        let mut missing = Vec::new();
        let level;
        match column.kind {
            ColumnKind::Flag { code } => {
                let option = list.and_then(|l| l.options.iter().find(|o| o.code == code));
                let option_label = option.and_then(|o| o.label.as_ref());
                if let Some(t) = option_label {
                    item = rich(t, lang, langs);
                    let o = text_of(t, lang, langs);
                    label = format!("{label}: {}", words::one_line(&o));
                } else {
                    label = format!("{label}: {code}");
                }
                values.push(plain_value(1, w.selected));
                values.push(plain_value(0, w.not_selected));
                // A substantive option's column holds the declared missing
                // code the respondent chose instead (flat-data.md).
                let held = flat::flag_missing_codes(v, code);
                for o in list.map(|l| l.options.as_slice()).unwrap_or_default() {
                    if held.contains(&o.code) {
                        let r = o.label.as_ref().and_then(|t| rich(t, lang, langs));
                        missing.push(Value {
                            code: o.code,
                            label: r.as_ref().map(|r| r.plain.clone()),
                            markup: r.map(|r| r.markup),
                            missing: Some(MissingKind::Declared),
                        });
                    }
                }
                level = Level::Nominal;
            }
            ColumnKind::Code => {
                for o in list.map(|l| l.options.as_slice()).unwrap_or_default() {
                    let r = o.label.as_ref().and_then(|t| rich(t, lang, langs));
                    let value = Value {
                        code: o.code,
                        label: r.as_ref().map(|r| r.plain.clone()),
                        markup: r.map(|r| r.markup),
                        missing: o.missing.then_some(MissingKind::Declared),
                    };
                    if o.missing {
                        missing.push(value);
                    } else {
                        values.push(value);
                    }
                }
                level = v.level.or(list.map(|l| l.level)).unwrap_or(Level::Nominal);
            }
            ColumnKind::Integer | ColumnKind::Decimal => {
                level = v.level.unwrap_or(Level::Scale);
            }
            _ => level = Level::Nominal,
        }
        let mut limits = Limits {
            required: v.required,
            ..Limits::default()
        };
        match column.kind {
            ColumnKind::Integer | ColumnKind::Decimal => {
                limits.min = v.min.clone();
                limits.max = v.max.clone();
                limits.decimals = v.decimals.filter(|_| column.kind == ColumnKind::Decimal);
            }
            ColumnKind::Text { max_length } => limits.max_length = max_length,
            ColumnKind::Flag { .. } if v.kind == VariableKind::Multiple => {
                limits.min_selected = v.min.clone();
                limits.max_selected = v.max.clone();
                for o in list.map(|l| l.options.as_slice()).unwrap_or_default() {
                    if o.exclusive {
                        let r = o.label.as_ref().and_then(|t| rich(t, lang, langs));
                        limits.exclusive.push(Value {
                            code: o.code,
                            label: r.as_ref().map(|r| r.plain.clone()),
                            markup: r.map(|r| r.markup),
                            missing: o.missing.then_some(MissingKind::Declared),
                        });
                    }
                }
            }
            _ => {}
        }
        if column.kind.is_numeric() {
            if v.condition.is_some() {
                missing.push(plain_missing(
                    flat::NOT_ASKED,
                    w.not_asked,
                    MissingKind::NotAsked,
                ));
            }
            missing.push(plain_missing(
                flat::NOT_ANSWERED,
                w.not_answered,
                MissingKind::NotAnswered,
            ));
            missing.push(plain_missing(
                flat::NOT_REACHED,
                w.not_reached,
                MissingKind::NotReached,
            ));
        }
        out.push(Entry {
            name: column.name,
            kind: column.kind,
            variable: Some(v),
            element: el,
            label,
            grid_label: el
                .filter(|e| e.kind == ElementKind::Grid)
                .and_then(|e| e.label.as_ref())
                .map(|l| text_of(l, lang, langs)),
            question,
            item,
            help: el
                .and_then(|e| e.help.as_ref())
                .and_then(|t| rich(t, lang, langs)),
            level,
            values,
            missing,
            asked_if: words::asked_if(survey, v.condition.as_ref(), lang),
            condition: v.condition.as_ref().map(words::formal),
            section: Some(&v.section),
            note: v.note.as_ref().and_then(|t| rich(t, lang, langs)),
            disclosure: v.disclosure,
            format,
            comparability: Comparability::of(v, lang, langs),
            section_note: sections
                .get(&*v.section)
                .and_then(|s| s.note.as_ref())
                .and_then(|t| rich(t, lang, langs)),
            displays: shown
                .before
                .get(&*v.element)
                .into_iter()
                .flatten()
                .map(|d| DisplayText::of(survey, d, lang))
                .collect(),
            allowed: match v.kind {
                VariableKind::Hidden => v.values.clone(),
                _ => Vec::new(),
            },
            limits,
        });
    }
    out
}

fn plain_value(code: i64, label: &str) -> Value {
    Value {
        code,
        label: Some(label.to_string()),
        markup: None,
        missing: None,
    }
}

fn plain_missing(code: i64, label: &str, kind: MissingKind) -> Value {
    Value {
        code,
        label: Some(capitalize(label)),
        markup: None,
        missing: Some(kind),
    }
}

/// The multiple-choice questions and grids of the survey, each with its
/// flat columns, in questionnaire order (MRSETS, DDI `varGrp`).
#[derive(Clone, Debug)]
pub struct Group<'a> {
    pub name: &'a str,
    /// `true` for a multiple choice (a multiple-response set), `false` for
    /// a grid.
    pub multiple: bool,
    /// The multiple choice's variable, or the grid's element.
    pub variable: Option<&'a Variable>,
    pub element: Option<&'a Element>,
    pub columns: Vec<&'a str>,
}

/// `items` by the name of their section, each section's in their order: one
/// pass, where filtering all items once per section would be quadratic.
pub fn by_section<'a, T>(
    items: &'a [T],
    section: impl Fn(&'a T) -> Option<&'a str>,
) -> BTreeMap<&'a str, Vec<&'a T>> {
    let mut out: BTreeMap<&str, Vec<&T>> = BTreeMap::new();
    for item in items {
        if let Some(s) = section(item) {
            out.entry(s).or_default().push(item);
        }
    }
    out
}

pub fn groups(survey: &Survey) -> Vec<Group<'_>> {
    let mut out = Vec::new();
    for s in &survey.sections {
        for e in &s.elements {
            match e.kind {
                crate::ir::ElementKind::Grid => out.push(Group {
                    name: &e.name,
                    multiple: false,
                    variable: None,
                    element: Some(e),
                    columns: e.items.iter().map(|i| i.variable.as_str()).collect(),
                }),
                crate::ir::ElementKind::Multiple => {
                    for name in &e.variables {
                        if let Some(v) = survey.variable(name)
                            && v.kind == crate::ir::VariableKind::Multiple
                        {
                            out.push(Group {
                                name: &v.name,
                                multiple: true,
                                variable: Some(v),
                                element: Some(e),
                                columns: v.columns.iter().map(String::as_str).collect(),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// Characters XML 1.0 and HTML forbid in text (C0 and C1 controls other
/// than tab, line feed and carriage return, and the noncharacters) become
/// U+FFFD, so no survey text can make a file ill-formed.
pub fn scrub(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
            || c == '\u{7f}'
            || ('\u{80}'..='\u{9f}').contains(&c)
            || ('\u{fdd0}'..='\u{fdef}').contains(&c)
            || (c as u32 & 0xfffe) == 0xfffe
    };
    if s.chars().any(bad) {
        s.chars()
            .map(|c| if bad(c) { '\u{fffd}' } else { c })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

/// The first letter in upper case ("not asked" → "Not asked").
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A link target with the ASCII characters URLs do not allow
/// percent-encoded (`"` `<` `>` space `\\` `^` `` ` `` `{` `|` `}` and
/// controls), so it is a valid URL in HTML and Markdown alike.
pub fn safe_href(href: &str) -> String {
    let mut out = String::with_capacity(href.len());
    for c in href.chars() {
        if c.is_ascii_control()
            || matches!(
                c,
                '"' | '<' | '>' | ' ' | '\\' | '^' | '`' | '{' | '|' | '}'
            )
        {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}
