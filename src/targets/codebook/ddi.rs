//! `codebook.ddi.xml`: DDI-Codebook 2.5 with every language in one file.
//!
//! Rust gathers each column's texts in all languages ([`super::entries`]
//! per language, zipped); the template (`targets/codebook/codebook.ddi.xml`)
//! writes the elements in the order the XSD requires and escapes every
//! string (minijinja's XML/HTML auto-escaping). Characters XML 1.0 forbids
//! become U+FFFD here.

use minijinja::Environment;
use serde::Serialize;

use super::words::{self, Piece};
use super::{BuildError, Entry, MissingKind, groups, scrub, text_of};
use crate::flat::ColumnKind;
use crate::ir::{Disclosure, Level, Survey};

pub const TEMPLATE: &str = "codebook/codebook.ddi.xml";

/// A text in one language.
#[derive(Serialize, Clone)]
pub struct Lang {
    pub lang: String,
    pub text: String,
}

#[derive(Serialize)]
pub struct DdiView {
    pub id: String,
    pub version: String,
    pub source_lang: String,
    pub languages: Vec<String>,
    pub titles: Vec<Lang>,
    pub organisations: Vec<Lang>,
    pub abstracts: Vec<Lang>,
    pub notes: Vec<Lang>,
    pub opens: Option<String>,
    pub closes: Option<String>,
    pub groups: Vec<GroupView>,
    pub vars: Vec<VarView>,
}

#[derive(Serialize)]
pub struct GroupView {
    /// `multipleResp`, `grid` or `section`.
    pub kind: &'static str,
    pub name: String,
    /// The IDs of its `var`s (empty for a section without columns).
    pub vars: String,
    pub labels: Vec<Lang>,
    pub texts: Vec<Lang>,
    pub universes: Vec<Lang>,
    /// A section's researcher note and the display texts after its last
    /// question.
    pub notes: Vec<NoteView>,
}

#[derive(Serialize)]
pub struct VarView {
    pub id: String,
    pub name: String,
    /// `nominal`, `ordinal` or `interval`.
    pub nature: &'static str,
    /// `discrete` or `contin`.
    pub intrvl: &'static str,
    pub dcml: Option<u32>,
    pub labels: Vec<Lang>,
    pub security: Vec<Lang>,
    /// The display texts read before the question (`preQTxt`).
    pub pre_questions: Vec<Lang>,
    pub questions: Vec<Lang>,
    pub items: Vec<Lang>,
    pub helps: Vec<Lang>,
    pub response_domain: &'static str,
    pub min: Option<String>,
    pub max: Option<String>,
    pub universes: Vec<Lang>,
    pub categories: Vec<CategoryView>,
    /// `numeric` or `character`.
    pub format_type: &'static str,
    pub format: String,
    pub notes: Vec<NoteView>,
}

#[derive(Serialize)]
pub struct CategoryView {
    pub value: String,
    pub missing: bool,
    pub miss_type: Option<&'static str>,
    pub labels: Vec<Lang>,
}

#[derive(Serialize)]
pub struct NoteView {
    pub kind: &'static str,
    /// The `subject` attribute: the display text's name.
    pub subject: Option<String>,
    pub lang: Option<String>,
    pub text: String,
}

impl NoteView {
    fn new(kind: &'static str, lang: Option<&str>, text: &str) -> NoteView {
        NoteView {
            kind,
            subject: None,
            lang: lang.map(str::to_string),
            text: clean(text),
        }
    }
}

/// A display text's "Shown if" (`lomake:shownIf`) and researcher note, in
/// one language, each with the display text's name as subject.
fn display_notes(d: &super::DisplayText<'_>, lang: &str) -> Vec<NoteView> {
    let shown_if = d.shown_if.as_ref().map(|p| words::plain(p));
    [
        ("lomake:shownIf", shown_if),
        (
            "lomake:researcherNote",
            d.note.as_ref().map(|r| r.plain.clone()),
        ),
    ]
    .into_iter()
    .filter_map(|(kind, text)| {
        Some(NoteView {
            subject: Some(clean(d.name)),
            ..NoteView::new(kind, Some(lang), &text?)
        })
    })
    .collect()
}

fn clean(s: &str) -> String {
    scrub(s).into_owned()
}

fn per_lang(survey: &Survey, text: Option<&crate::ir::Text>) -> Vec<Lang> {
    let Some(text) = text else {
        return Vec::new();
    };
    survey
        .languages
        .iter()
        .map(|l| Lang {
            lang: l.clone(),
            text: clean(&text_of(text, l, &survey.languages)),
        })
        .filter(|l| !l.text.is_empty())
        .collect()
}

/// The DDI view of the survey.
pub fn ddi_view(survey: &Survey) -> DdiView {
    let langs = &survey.languages;
    let by_lang: Vec<(String, Vec<Entry<'_>>)> = langs
        .iter()
        .map(|l| (l.clone(), super::entries(survey, l)))
        .collect();
    let source = langs.first().cloned().unwrap_or_else(|| "en".to_string());
    let n = by_lang.first().map(|(_, e)| e.len()).unwrap_or(0);
    let mut vars = Vec::with_capacity(n);
    for i in 0..n {
        let each = |f: &dyn Fn(&str, &Entry<'_>) -> Option<String>| -> Vec<Lang> {
            by_lang
                .iter()
                .filter_map(|(l, es)| {
                    f(l, &es[i]).map(|text| Lang {
                        lang: l.clone(),
                        text: clean(&text),
                    })
                })
                .filter(|x| !x.text.is_empty())
                .collect()
        };
        let e = &by_lang[0].1[i];
        let v = e.variable;
        let numeric = e.kind.is_numeric();
        let nature = match (numeric, e.level) {
            (false, _) | (true, Level::Nominal) => "nominal",
            (true, Level::Ordinal) => "ordinal",
            (true, Level::Scale) => "interval",
        };
        let mut categories = Vec::new();
        for (k, val) in e.values.iter().chain(&e.missing).enumerate() {
            let labels = by_lang
                .iter()
                .filter_map(|(l, es)| {
                    let x = es[i].values.iter().chain(&es[i].missing).nth(k)?;
                    Some(Lang {
                        lang: l.clone(),
                        text: clean(x.label.as_deref()?),
                    })
                })
                .collect();
            categories.push(CategoryView {
                value: val.code.to_string(),
                missing: val.missing.is_some(),
                miss_type: val.missing.map(MissingKind::token),
                labels,
            });
        }
        let mut notes = Vec::new();
        if let Some(c) = &e.condition {
            notes.push(NoteView::new("lomake:condition", None, c));
        }
        for (l, es) in &by_lang {
            if let Some(empty) = es[i].empty_words(l) {
                notes.push(NoteView::new("lomake:missing", Some(l.as_str()), empty));
            }
        }
        for (l, es) in &by_lang {
            if let Some(note) = &es[i].note {
                notes.push(NoteView::new(
                    "lomake:researcherNote",
                    Some(l.as_str()),
                    &note.plain,
                ));
            }
        }
        // When the display texts read before it are shown, and their
        // researcher notes (their texts are its `preQTxt`), each with the
        // display text's name.
        for k in 0..e.displays.len() {
            for (l, es) in &by_lang {
                if let Some(d) = es[i].displays.get(k) {
                    notes.extend(display_notes(d, l));
                }
            }
        }
        if let Some(l) = v.and_then(|v| v.lineage.as_ref()) {
            notes.push(NoteView::new(
                "lomake:continues",
                None,
                &words::lineage_token(l),
            ));
            notes.push(NoteView::new(
                "lomake:changes",
                None,
                &words::changes_token(l),
            ));
        }
        for (l, es) in &by_lang {
            if let Some(c) = &es[i].comparability {
                notes.push(NoteView::new(
                    "lomake:comparability",
                    Some(l.as_str()),
                    &c.plain(),
                ));
            }
        }
        if e.disclosure != Disclosure::None {
            notes.push(NoteView::new(
                "lomake:disclosure",
                None,
                super::disclosure_token(e.disclosure),
            ));
        }
        if !e.limits.is_empty() {
            notes.push(NoteView::new("lomake:limits", None, &e.limits.token()));
        }
        // A string column's allowed values (the hidden `lang`), unlabelled.
        for a in &e.allowed {
            categories.push(CategoryView {
                value: clean(a),
                missing: false,
                miss_type: None,
                labels: Vec::new(),
            });
        }
        // One `preQTxt` per display text and language, in order.
        let mut pre_questions = Vec::new();
        for k in 0..e.displays.len() {
            pre_questions.extend(each(&|_, x| x.displays.get(k).map(|d| d.plain())));
        }
        let num = |x: Option<&serde_json::Number>| x.map(|n| n.to_string());
        let bounded = matches!(e.kind, ColumnKind::Integer | ColumnKind::Decimal);
        vars.push(VarView {
            id: format!("V_{}", e.name),
            name: e.name.to_string(),
            nature,
            intrvl: if e.kind == ColumnKind::Decimal {
                "contin"
            } else {
                "discrete"
            },
            dcml: match e.kind {
                ColumnKind::Decimal => Some(v.and_then(|v| v.decimals).unwrap_or(2)),
                _ => None,
            },
            labels: each(&|_, x| Some(x.label.clone())),
            security: each(&|l, x| x.disclosure_words(l).map(str::to_string)),
            pre_questions,
            questions: each(&|_, x| x.question.as_ref().map(|r| r.plain.clone())),
            items: each(&|_, x| x.item.as_ref().map(|r| r.plain.clone())),
            helps: each(&|_, x| x.help.as_ref().map(|r| r.plain.clone())),
            response_domain: match e.kind {
                ColumnKind::Code => "category",
                ColumnKind::Flag { .. } => "multiple",
                ColumnKind::Integer | ColumnKind::Decimal => "numeric",
                ColumnKind::Date | ColumnKind::Submitted => "datetime",
                _ => "text",
            },
            min: if bounded {
                num(v.and_then(|v| v.min.as_ref()))
            } else {
                None
            },
            max: if bounded {
                num(v.and_then(|v| v.max.as_ref()))
            } else {
                None
            },
            universes: if v.is_some() {
                each(&|_, x| Some(words::plain(&x.asked_if)))
            } else {
                Vec::new()
            },
            categories,
            format_type: if numeric { "numeric" } else { "character" },
            format: e.format.clone(),
            notes,
        });
    }

    let mut group_views = Vec::new();
    let by_section = super::by_section(&survey.variables, |v| Some(&*v.section));
    let shown = super::displays(survey);
    for s in &survey.sections {
        let ids: Vec<String> = by_section
            .get(s.name.as_str())
            .into_iter()
            .flatten()
            .flat_map(|v| v.columns.iter().map(|c| format!("V_{c}")))
            .collect();
        let mut notes = Vec::new();
        if let Some(note) = &s.note {
            for l in langs {
                notes.push(NoteView::new(
                    "lomake:researcherNote",
                    Some(l.as_str()),
                    &text_of(note, l, langs),
                ));
            }
        }
        for d in shown.after.get(s.name.as_str()).into_iter().flatten() {
            // Each language's view of the display text, made once: its text
            // for every language first, then its other notes.
            let views: Vec<(&String, super::DisplayText<'_>)> = langs
                .iter()
                .map(|l| (l, super::DisplayText::of(survey, d, l)))
                .collect();
            for (l, view) in &views {
                let text = view.plain();
                if !text.is_empty() {
                    notes.push(NoteView {
                        subject: Some(clean(&d.name)),
                        ..NoteView::new("lomake:display", Some(l.as_str()), &text)
                    });
                }
            }
            for (l, view) in &views {
                notes.extend(display_notes(view, l));
            }
        }
        if ids.is_empty() && notes.is_empty() {
            continue;
        }
        group_views.push(GroupView {
            notes,
            kind: "section",
            name: clean(&s.name),
            vars: ids.join(" "),
            labels: per_lang(survey, Some(&s.title)),
            texts: Vec::new(),
            universes: s
                .condition
                .as_ref()
                .map(|c| {
                    langs
                        .iter()
                        .map(|l| Lang {
                            lang: l.clone(),
                            text: clean(&words::plain(&words::asked_if(survey, Some(c), l))),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        });
    }
    for g in groups(survey) {
        let condition = g
            .variable
            .and_then(|v| v.condition.as_ref())
            .or(g.element.and_then(|e| e.condition.as_ref()));
        // A multiple-response set is labelled like its question's
        // variable, a grid with its own label.
        let labels = per_lang(
            survey,
            g.variable
                .map(|v| &v.label)
                .or(g.element.and_then(|e| e.label.as_ref())),
        );
        group_views.push(GroupView {
            kind: if g.multiple { "multipleResp" } else { "grid" },
            name: clean(g.name),
            vars: g
                .columns
                .iter()
                .map(|c| format!("V_{c}"))
                .collect::<Vec<_>>()
                .join(" "),
            labels,
            texts: g
                .element
                .map(|e| per_lang(survey, e.text.as_ref()))
                .unwrap_or_default(),
            universes: condition
                .map(|c| {
                    langs
                        .iter()
                        .map(|l| Lang {
                            lang: l.clone(),
                            text: clean(&words::plain(&asked(survey, c, l))),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            notes: Vec::new(),
        });
    }

    DdiView {
        id: clean(&survey.id),
        version: clean(&survey.version),
        source_lang: source,
        languages: langs.clone(),
        titles: per_lang(survey, Some(&survey.title)),
        organisations: per_lang(survey, survey.organisation.as_ref()),
        abstracts: per_lang(survey, survey.description.as_ref()),
        notes: per_lang(survey, survey.note.as_ref()),
        opens: survey.opens.clone(),
        closes: survey.closes.clone(),
        groups: group_views,
        vars,
    }
}

fn asked(survey: &Survey, c: &crate::ir::Condition, lang: &str) -> Vec<Piece> {
    words::asked_if(survey, Some(c), lang)
}

/// The DDI-Codebook XML.
pub fn codebook(env: &Environment<'_>, survey: &Survey) -> Result<String, BuildError> {
    let view = ddi_view(survey);
    let template = env
        .get_template(TEMPLATE)
        .map_err(|e| BuildError::template(TEMPLATE, &e))?;
    template
        .render(minijinja::context! { view => view })
        .map_err(|e| BuildError::template(TEMPLATE, &e))
}
