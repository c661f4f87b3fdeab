//! What the HTML and Markdown templates receive: the codebook of one
//! language with every survey text already rendered for the format by a
//! [`Render`] (escaped HTML, or escaped Markdown).

use serde::Serialize;

use super::words::{self, Piece};
use super::{Entry, Rich, Value, text_of};
use crate::ir::Survey;

/// How a format writes texts.
pub trait Render {
    /// A plain string (a label, a name, a built-in word).
    fn text(&self, s: &str) -> String;
    /// A survey text with its markup.
    fn rich(&self, r: &Rich) -> String;
    /// Generated prose with variable names.
    fn pieces(&self, p: &[Piece]) -> String;
}

#[derive(Serialize)]
pub struct View {
    pub lang: String,
    pub title: String,
    pub words: Labels,
    /// Survey metadata, in order: a label and its rendered value.
    pub meta: Vec<Meta>,
    pub sections: Vec<SectionView>,
}

#[derive(Serialize)]
pub struct Meta {
    pub label: String,
    pub value: String,
}

/// The headings the templates use, rendered.
#[derive(Serialize)]
pub struct Labels {
    pub codebook: String,
    pub contents: String,
    pub name: String,
    pub label: String,
    pub group: String,
    pub question: String,
    pub item: String,
    pub help: String,
    pub kind: String,
    pub level: String,
    pub format: String,
    pub values: String,
    pub missing: String,
    pub code: String,
    pub meaning: String,
    pub condition: String,
    pub disclosure: String,
    pub note: String,
    pub range: String,
    pub unit: String,
    pub max_length: String,
    pub comparability: String,
    pub display: String,
    pub selections: String,
    pub exclusive: String,
    pub required: String,
}

#[derive(Serialize)]
pub struct SectionView {
    pub name: String,
    pub anchor: String,
    pub title: String,
    pub intro: Option<String>,
    pub note: Option<String>,
    pub asked_if: Option<String>,
    pub entries: Vec<EntryView>,
    /// Display texts after the section's last question.
    pub displays: Vec<DisplayView>,
}

/// A display text (`display`), rendered.
#[derive(Serialize)]
pub struct DisplayView {
    /// The element's name as code.
    pub name: String,
    /// The fragment id (`d-<name>`).
    pub anchor: String,
    pub text: Option<String>,
    pub help: Option<String>,
    /// "Shown if: …", when it has a condition.
    pub shown_if: Option<String>,
    /// Its researcher note.
    pub note: Option<String>,
}

#[derive(Serialize)]
pub struct EntryView {
    /// The column's name as code (`` `x` ``, `<code>x</code>`).
    pub name: String,
    /// The fragment id (`v-<name>`; names are ASCII identifiers).
    pub anchor: String,
    pub label: String,
    /// The analyst label of the grid the column belongs to.
    pub group: Option<String>,
    pub question: Option<String>,
    pub item: Option<String>,
    pub help: Option<String>,
    pub kind: String,
    pub level: String,
    pub format: String,
    pub range: Option<String>,
    pub unit: Option<String>,
    pub max_length: Option<String>,
    pub values: Vec<ValueView>,
    pub missing: Vec<ValueView>,
    /// How an empty value reads (string columns).
    pub empty: Option<String>,
    pub asked_if: String,
    pub condition: Option<String>,
    pub disclosure: Option<String>,
    pub note: Option<String>,
    /// The wave lineage in words.
    pub comparability: Option<String>,
    /// The display texts read just before this question: on the first
    /// column of the question only.
    pub displays: Vec<DisplayView>,
    /// The values a string column may hold, as code.
    pub allowed: Option<String>,
    /// How many options of a multiple choice may be chosen, in words.
    pub selections: Option<String>,
    /// The exclusive options of a multiple choice, with their codes.
    pub exclusive: Option<String>,
    /// "yes" when an answer is required.
    pub required: Option<String>,
}

#[derive(Serialize)]
pub struct ValueView {
    pub code: String,
    pub label: String,
    /// The missing kind in words, for missing values.
    pub kind: Option<String>,
}

fn value(r: &dyn Render, v: &Value, lang: &str) -> ValueView {
    let w = words::words(lang);
    let label = match (&v.markup, &v.label) {
        (Some(m), Some(l)) => r.rich(&Rich {
            plain: l.clone(),
            markup: m.clone(),
        }),
        (None, Some(l)) => r.text(l),
        (_, None) => String::new(),
    };
    ValueView {
        code: v.code.to_string(),
        label,
        kind: v.missing.map(|k| {
            r.text(match k {
                super::MissingKind::Declared => w.declared_missing,
                _ => w.layout_missing,
            })
        }),
    }
}

fn display(r: &dyn Render, d: &super::DisplayText<'_>) -> DisplayView {
    DisplayView {
        name: r.pieces(&[Piece::Name(d.name.to_string())]),
        anchor: format!("d-{}", d.name),
        text: d.text.as_ref().map(|x| r.rich(x)),
        help: d.help.as_ref().map(|x| r.rich(x)),
        shown_if: d.shown_if.as_ref().map(|p| r.pieces(p)),
        note: d.note.as_ref().map(|x| r.rich(x)),
    }
}

/// "at least 1, at most 5", or one of them.
fn selections(l: &super::Limits, lang: &str) -> Option<String> {
    let w = words::words(lang);
    let parts: Vec<String> = [(w.at_least, &l.min_selected), (w.at_most, &l.max_selected)]
        .into_iter()
        .filter_map(|(word, n)| n.as_ref().map(|n| format!("{word} {n}")))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

pub fn view(survey: &Survey, entries: &[Entry<'_>], lang: &str, r: &dyn Render) -> View {
    let w = words::words(lang);
    let langs = &survey.languages;
    let t = |s: &str| r.text(s);
    let rich_of = |text: &crate::ir::Text| super::rich(text, lang, langs).map(|x| r.rich(&x));
    let title = text_of(&survey.title, lang, langs);
    let mut meta = vec![
        Meta {
            label: t(w.survey_id),
            value: r.pieces(&[Piece::Name(survey.id.clone())]),
        },
        Meta {
            label: t(w.version),
            value: t(&survey.version),
        },
        Meta {
            label: t(w.languages),
            value: t(&survey.languages.join(", ")),
        },
    ];
    for (label, value) in [(w.opens, &survey.opens), (w.closes, &survey.closes)] {
        if let Some(v) = value {
            meta.push(Meta {
                label: t(label),
                value: t(v),
            });
        }
    }
    for (label, text) in [
        (w.organisation, &survey.organisation),
        (w.description, &survey.description),
        (w.researcher_note, &survey.note),
    ] {
        if let Some(v) = text.as_ref().and_then(rich_of) {
            meta.push(Meta {
                label: t(label),
                value: v,
            });
        }
    }
    let entry = |e: &Entry<'_>, first_of_element: bool| {
        let v = e.variable;
        let num = |n: Option<&serde_json::Number>| n.map(|n| n.to_string());
        let range = v.and_then(|v| {
            let (lo, hi) = (num(v.min.as_ref()), num(v.max.as_ref()));
            (lo.is_some() || hi.is_some())
                .then(|| format!("{} – {}", lo.unwrap_or_default(), hi.unwrap_or_default()))
        });
        let range = match e.kind {
            crate::flat::ColumnKind::Integer | crate::flat::ColumnKind::Decimal => range,
            _ => None,
        };
        EntryView {
            name: r.pieces(&[Piece::Name(e.name.to_string())]),
            anchor: format!("v-{}", e.name),
            label: t(&e.label),
            group: e.grid_label.as_deref().map(t),
            question: e.question.as_ref().map(|x| r.rich(x)),
            item: e.item.as_ref().map(|x| r.rich(x)),
            help: e.help.as_ref().map(|x| r.rich(x)),
            kind: t(e.kind_words(lang)),
            level: t(e.level_words(lang)),
            format: t(&e.format),
            range: range.map(|x| t(&x)),
            unit: v.and_then(|v| v.unit.as_deref()).and_then(rich_of),
            max_length: match e.kind {
                crate::flat::ColumnKind::Text {
                    max_length: Some(n),
                } => Some(t(&format!("{n} {}", w.characters))),
                _ => None,
            },
            values: e.values.iter().map(|x| value(r, x, lang)).collect(),
            missing: e.missing.iter().map(|x| value(r, x, lang)).collect(),
            empty: e.empty_words(lang).map(t),
            asked_if: if v.is_some() {
                r.pieces(&e.asked_if)
            } else {
                String::new()
            },
            condition: e.condition.as_ref().map(|c| t(c)),
            disclosure: e.disclosure_words(lang).map(t),
            note: e.note.as_ref().map(|x| r.rich(x)),
            comparability: e.comparability.as_ref().map(|c| comparability(r, c)),
            displays: if first_of_element {
                e.displays.iter().map(|d| display(r, d)).collect()
            } else {
                Vec::new()
            },
            allowed: (!e.allowed.is_empty()).then(|| {
                e.allowed
                    .iter()
                    .map(|a| r.pieces(&[Piece::Name(a.clone())]))
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
            selections: selections(&e.limits, lang).map(|x| t(&x)),
            exclusive: (!e.limits.exclusive.is_empty()).then(|| {
                e.limits
                    .exclusive
                    .iter()
                    .map(|x| {
                        let v = value(r, x, lang);
                        format!("{} ({})", v.label, v.code)
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
            required: e.limits.required.then(|| t(w.yes)),
        }
    };
    let mut sections = vec![SectionView {
        name: "envelope".to_string(),
        anchor: "s-envelope".to_string(),
        title: t(w.envelope),
        intro: None,
        note: None,
        asked_if: None,
        entries: entries
            .iter()
            .filter(|e| e.variable.is_none())
            .map(|e| entry(e, false))
            .collect(),
        displays: Vec::new(),
    }];
    let shown = super::displays(survey);
    let by_section = super::by_section(entries, |e| e.section);
    for s in &survey.sections {
        sections.push(SectionView {
            name: t(&s.name),
            anchor: format!("s-{}", s.name),
            title: t(&text_of(&s.title, lang, langs)),
            intro: s.intro.as_ref().and_then(rich_of),
            note: s.note.as_ref().and_then(rich_of),
            asked_if: s
                .condition
                .as_ref()
                .map(|c| r.pieces(&words::asked_if(survey, Some(c), lang))),
            entries: {
                // Display texts go before the first column of their question.
                let mut previous: Option<&str> = None;
                by_section
                    .get(s.name.as_str())
                    .into_iter()
                    .flatten()
                    .map(|e| {
                        let element = e.variable.map(|v| &*v.element);
                        let first = element != previous;
                        previous = element;
                        entry(e, first)
                    })
                    .collect()
            },
            displays: shown
                .after
                .get(s.name.as_str())
                .into_iter()
                .flatten()
                .map(|d| display(r, &super::DisplayText::of(survey, d, lang)))
                .collect(),
        });
    }
    View {
        lang: lang.to_string(),
        title: t(&title),
        words: Labels {
            codebook: t(w.codebook),
            contents: t(w.contents),
            name: t(w.name),
            label: t(w.label),
            group: t(w.group),
            question: t(w.question),
            item: t(w.item),
            help: t(w.help),
            kind: t(w.kind),
            level: t(w.level),
            format: t(w.format),
            values: t(w.values),
            missing: t(w.missing),
            code: t(w.code),
            meaning: t(w.meaning),
            condition: t(w.condition),
            disclosure: t(w.disclosure),
            note: t(w.researcher_note),
            range: t(w.range),
            unit: t(w.unit),
            max_length: t(w.max_length),
            comparability: t(w.comparability),
            display: t(w.display),
            selections: t(w.selections),
            exclusive: t(w.exclusive),
            required: t(w.required),
        },
        meta,
        sections,
    }
}

/// A lineage sentence and the reason for a break, rendered.
pub fn comparability(r: &dyn Render, c: &super::Comparability) -> String {
    let mut out = r.pieces(&c.sentence);
    if let Some(reason) = &c.reason {
        out.push_str(&r.rich(reason));
    }
    out
}
