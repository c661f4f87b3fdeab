//! The review document (`review.html`): every text of the survey in every
//! language side by side, in questionnaire order, for the client and the
//! translators to approve (`docs/review.md`).
//!
//! One table per part of the survey (header, introduction, each section,
//! each element) with a column per survey language, the source language
//! first. Rows: the texts (question, help, unit, answer options with their
//! codes and flags, grid items, analyst labels, researcher notes), the
//! routing in words and the wave lineage. The row headings are in the
//! source language; each cell is in its column's language (`lang` on every
//! cell), routing and lineage sentences included (lomake's fi/sv/en
//! wording of the codebooks, `codebook::words`; English for languages
//! without built-in words, with the survey's labels in the column's
//! language). A missing translation shows as such instead of falling back.
//!
//! Rust prepares every string as escaped HTML ([`codebook::html`]): survey
//! texts are rendered from their markup trees (links only to `https:`,
//! `http:` and `mailto:`); the template (`targets/review/review.html`)
//! prints them with `|safe` and never sees survey text as a template.

use serde::Serialize;

use super::codebook::{self, Comparability, html, words};
use super::{BuildError, BuildOptions, Output};
use crate::ir::{Condition, Element, ElementKind, Survey, Text, Variable};

/// The built-in templates of this target, by name.
pub const TEMPLATES: &[(&str, &str)] = &[(
    "review/review.html",
    include_str!("../../targets/review/review.html"),
)];

pub const TEMPLATE: &str = "review/review.html";

/// Writes `review.html`.
pub fn build(survey: &Survey, options: &BuildOptions, out: &mut Output) -> Result<(), BuildError> {
    let env = super::templates::environment(options.templates.as_deref());
    let page = render(&env, survey)?;
    out.write("review.html", page.as_bytes())
}

/// The review document as HTML.
pub fn render(env: &minijinja::Environment<'_>, survey: &Survey) -> Result<String, BuildError> {
    let view = view(survey);
    let template = env
        .get_template(TEMPLATE)
        .map_err(|e| BuildError::template(TEMPLATE, &e))?;
    template
        .render(minijinja::context! { view => view })
        .map_err(|e| BuildError::template(TEMPLATE, &e))
}

/// The review document's own words (row headings, kinds, flags).
pub struct ReviewWords {
    pub review: &'static str,
    pub part: &'static str,
    pub source_language: &'static str,
    pub survey: &'static str,
    pub title: &'static str,
    pub introduction: &'static str,
    pub text: &'static str,
    pub privacy: &'static str,
    pub accessibility: &'static str,
    pub intro: &'static str,
    pub option: &'static str,
    pub missing: &'static str,
    pub exclusive: &'static str,
    pub other: &'static str,
    pub variables: &'static str,
    pub variable_label: &'static str,
    pub translation_missing: &'static str,
    pub required: &'static str,
    pub dropdown: &'static str,
    pub choices: &'static str,
    pub decimals: &'static str,
    pub list: &'static str,
    pub kinds: [&'static str; 11],
}

pub const FI: ReviewWords = ReviewWords {
    review: "Tarkastusversio",
    part: "Osa",
    source_language: "lähdekieli",
    survey: "Kysely",
    title: "Otsikko",
    introduction: "Johdanto",
    text: "Teksti",
    privacy: "Tietosuoja",
    accessibility: "Saavutettavuus",
    intro: "Johdanto",
    option: "Vaihtoehto",
    missing: "puuttuva tieto",
    exclusive: "poissulkeva",
    other: "muu, mikä",
    variables: "Muuttujat",
    variable_label: "Muuttujan nimike",
    translation_missing: "(käännös puuttuu)",
    required: "pakollinen",
    dropdown: "pudotusvalikko",
    choices: "valintoja",
    decimals: "desimaaleja",
    list: "vastausvaihtoehdot",
    kinds: [
        "yksi valinta",
        "monivalinta",
        "asteikko",
        "ruudukko",
        "kokonaisluku",
        "desimaaliluku",
        "lyhyt teksti",
        "pitkä teksti",
        "päivämäärä",
        "näytettävä teksti",
        "piilotettu muuttuja",
    ],
};

pub const SV: ReviewWords = ReviewWords {
    review: "Granskningsversion",
    part: "Del",
    source_language: "källspråk",
    survey: "Enkät",
    title: "Rubrik",
    introduction: "Inledning",
    text: "Text",
    privacy: "Dataskydd",
    accessibility: "Tillgänglighet",
    intro: "Inledning",
    option: "Alternativ",
    missing: "saknat värde",
    exclusive: "uteslutande",
    other: "annat, vilket",
    variables: "Variabler",
    variable_label: "Variabeletikett",
    translation_missing: "(översättning saknas)",
    required: "obligatorisk",
    dropdown: "rullgardinsmeny",
    choices: "antal val",
    decimals: "decimaler",
    list: "svarsalternativ",
    kinds: [
        "ett val",
        "flerval",
        "skala",
        "rutnät",
        "heltal",
        "decimaltal",
        "kort text",
        "lång text",
        "datum",
        "visad text",
        "dold variabel",
    ],
};

pub const EN: ReviewWords = ReviewWords {
    review: "Review copy",
    part: "Part",
    source_language: "source language",
    survey: "Survey",
    title: "Title",
    introduction: "Introduction",
    text: "Text",
    privacy: "Privacy",
    accessibility: "Accessibility",
    intro: "Introduction",
    option: "Option",
    missing: "missing",
    exclusive: "exclusive",
    other: "other, please specify",
    variables: "Variables",
    variable_label: "Variable label",
    translation_missing: "(translation missing)",
    required: "required",
    dropdown: "drop-down list",
    choices: "choices",
    decimals: "decimals",
    list: "answer options",
    kinds: [
        "single choice",
        "multiple choice",
        "scale",
        "grid",
        "integer",
        "decimal number",
        "short text",
        "long text",
        "date",
        "display text",
        "hidden variable",
    ],
};

/// The review words of a language; English for languages without built-in
/// words.
pub fn review_words(lang: &str) -> &'static ReviewWords {
    match crate::language::words(lang) {
        crate::language::Words::Fi => &FI,
        crate::language::Words::Sv => &SV,
        crate::language::Words::En => &EN,
    }
}

fn kind_index(k: ElementKind) -> usize {
    match k {
        ElementKind::Single => 0,
        ElementKind::Multiple => 1,
        ElementKind::Scale => 2,
        ElementKind::Grid => 3,
        ElementKind::Integer => 4,
        ElementKind::Decimal => 5,
        ElementKind::Text => 6,
        ElementKind::Longtext => 7,
        ElementKind::Date => 8,
        ElementKind::Display => 9,
        ElementKind::Hidden => 10,
    }
}

/// A language column's heading.
#[derive(Serialize)]
pub struct LangHead {
    pub code: String,
    pub label: String,
}

/// One row: its heading (in the source language) and one cell per
/// language, in the survey's language order.
#[derive(Serialize)]
pub struct Row {
    pub header: String,
    /// `text`, `option`, `routing` or `lineage` (a CSS class).
    pub class: &'static str,
    pub cells: Vec<Cell>,
}

#[derive(Serialize)]
pub struct Cell {
    pub lang: String,
    pub html: String,
    /// No translation in this language.
    pub missing: bool,
    /// CSS classes: `source` (the source language's column), `missing`.
    pub class: String,
}

#[derive(Serialize)]
pub struct Meta {
    pub label: String,
    pub value: String,
}

#[derive(Serialize)]
pub struct Labels {
    pub review: String,
    pub contents: String,
    pub part: String,
    pub survey: String,
    pub introduction: String,
}

#[derive(Serialize)]
pub struct SectionView {
    pub anchor: String,
    pub name: String,
    pub title: String,
    pub rows: Vec<Row>,
    pub elements: Vec<ElementView>,
}

#[derive(Serialize)]
pub struct ElementView {
    pub anchor: String,
    pub name: String,
    pub kind: String,
    /// Facts in the source language: variables, flags, ranges.
    pub facts: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Serialize)]
pub struct ReviewView {
    /// The source language: the document's `lang`.
    pub lang: String,
    pub title: String,
    pub words: Labels,
    pub languages: Vec<LangHead>,
    pub meta: Vec<Meta>,
    pub header: Vec<Row>,
    pub introduction: Vec<Row>,
    pub sections: Vec<SectionView>,
}

/// The name of a language in itself, for the column headings.
fn autonym(code: &str) -> Option<&'static str> {
    Some(match crate::language::primary(code) {
        "fi" => "suomi",
        "sv" => "svenska",
        "en" => "English",
        "se" => "davvisámegiella",
        "ru" => "русский",
        "et" => "eesti",
        "de" => "Deutsch",
        "fr" => "français",
        "so" => "Soomaali",
        "uk" => "українська",
        _ => return None,
    })
}

struct Ctx<'a> {
    survey: &'a Survey,
    source: &'a str,
    rw: &'static ReviewWords,
    cw: &'static words::Words,
}

impl Ctx<'_> {
    fn langs(&self) -> &[String] {
        &self.survey.languages
    }

    /// A row of a translated text (no fallback: a missing translation shows).
    fn text_row(&self, header: String, text: &Text) -> Row {
        let cells = self
            .langs()
            .iter()
            .map(|l| match text.translations.get(l) {
                Some(t) => Cell {
                    lang: l.clone(),
                    html: html::paragraphs(&t.markup()),
                    missing: false,
                    class: String::new(),
                },
                None => Cell {
                    lang: l.clone(),
                    html: format!(
                        "<span lang=\"{}\">{}</span>",
                        html::escape(self.source),
                        html::escape(self.rw.translation_missing)
                    ),
                    missing: true,
                    class: String::new(),
                },
            })
            .collect();
        classes(Row {
            header,
            class: "text",
            cells,
        })
    }

    fn opt_row(&self, rows: &mut Vec<Row>, header: &str, text: Option<&Text>) {
        if let Some(t) = text {
            rows.push(self.text_row(html::escape(header), t));
        }
    }

    /// Generated prose per language (routing, lineage).
    fn prose_row(&self, header: String, class: &'static str, f: &dyn Fn(&str) -> String) -> Row {
        let row = Row {
            header,
            class,
            cells: self
                .langs()
                .iter()
                .map(|l| Cell {
                    lang: l.clone(),
                    html: f(l),
                    missing: false,
                    class: String::new(),
                })
                .collect(),
        };
        classes(row)
    }

    fn routing_row(&self, header: String, c: &Condition) -> Row {
        self.prose_row(header, "routing", &|l| {
            pieces(&words::asked_if(self.survey, Some(c), l))
        })
    }

    fn lineage_row(&self, v: &Variable) -> Option<Row> {
        v.lineage.as_ref()?;
        let header = format!("{} {}", html::escape(self.cw.comparability), code(&v.name));
        Some(self.prose_row(header, "lineage", &|l| {
            Comparability::of(v, l, self.langs())
                .map(|c| {
                    let mut s = pieces(&c.sentence);
                    if let Some(r) = &c.reason {
                        s.push_str(&html::paragraphs(&r.markup));
                    }
                    s
                })
                .unwrap_or_default()
        }))
    }
}

/// The cells' CSS classes.
fn classes(mut row: Row) -> Row {
    for (i, c) in row.cells.iter_mut().enumerate() {
        let mut cls = Vec::new();
        if i == 0 {
            cls.push("source");
        }
        if c.missing {
            cls.push("missing");
        }
        c.class = cls.join(" ");
    }
    row
}

fn code(name: &str) -> String {
    format!("<code>{}</code>", html::escape(name))
}

fn pieces(p: &[words::Piece]) -> String {
    let mut out = String::new();
    for piece in p {
        match piece {
            words::Piece::Text(t) => out.push_str(&html::escape(t)),
            words::Piece::Name(n) => out.push_str(&code(n)),
        }
    }
    out
}

/// The view the template receives: every string escaped HTML.
pub fn view(survey: &Survey) -> ReviewView {
    let source = survey.languages.first().map(String::as_str).unwrap_or("en");
    let cx = Ctx {
        survey,
        source,
        rw: review_words(source),
        cw: words::words(source),
    };
    let (rw, cw) = (cx.rw, cx.cw);
    let t = html::escape;

    let languages = survey
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut label = match autonym(l) {
                Some(name) => format!("{} ({})", t(name), t(l)),
                None => t(l),
            };
            if i == 0 {
                label.push_str(&format!(
                    " <span lang=\"{}\">– {}</span>",
                    t(source),
                    t(rw.source_language)
                ));
            }
            LangHead { code: t(l), label }
        })
        .collect();

    let mut meta = vec![
        Meta {
            label: t(cw.survey_id),
            value: code(&survey.id),
        },
        Meta {
            label: t(cw.version),
            value: t(&survey.version),
        },
        Meta {
            label: t(cw.languages),
            value: t(&survey.languages.join(", ")),
        },
    ];
    for (label, value) in [(cw.opens, &survey.opens), (cw.closes, &survey.closes)] {
        if let Some(v) = value {
            meta.push(Meta {
                label: t(label),
                value: t(v),
            });
        }
    }

    let mut header = vec![cx.text_row(t(rw.title), &survey.title)];
    cx.opt_row(&mut header, cw.description, survey.description.as_ref());
    cx.opt_row(&mut header, cw.organisation, survey.organisation.as_ref());
    cx.opt_row(&mut header, cw.researcher_note, survey.note.as_ref());

    let mut introduction = Vec::new();
    if let Some(i) = &survey.introduction {
        cx.opt_row(&mut introduction, rw.title, i.title.as_ref());
        cx.opt_row(&mut introduction, rw.text, i.text.as_ref());
        cx.opt_row(&mut introduction, rw.privacy, i.privacy.as_ref());
        cx.opt_row(
            &mut introduction,
            rw.accessibility,
            i.accessibility.as_ref(),
        );
    }

    let sections = survey
        .sections
        .iter()
        .map(|s| {
            let mut rows = vec![cx.text_row(t(rw.title), &s.title)];
            cx.opt_row(&mut rows, rw.intro, s.intro.as_ref());
            cx.opt_row(&mut rows, cw.researcher_note, s.note.as_ref());
            if let Some(c) = &s.condition {
                rows.push(cx.routing_row(t(cw.condition), c));
            }
            SectionView {
                anchor: format!("s-{}", s.name),
                name: code(&s.name),
                title: t(&codebook::text_of(&s.title, source, &survey.languages)),
                rows,
                elements: s.elements.iter().map(|e| element(&cx, e)).collect(),
            }
        })
        .collect();

    ReviewView {
        lang: t(source),
        title: t(&codebook::text_of(&survey.title, source, &survey.languages)),
        words: Labels {
            review: t(rw.review),
            contents: t(cw.contents),
            part: t(rw.part),
            survey: t(rw.survey),
            introduction: t(rw.introduction),
        },
        languages,
        meta,
        header,
        introduction,
        sections,
    }
}

fn element(cx: &Ctx<'_>, e: &Element) -> ElementView {
    let (survey, rw, cw) = (cx.survey, cx.rw, cx.cw);
    let t = html::escape;
    let vars: Vec<&Variable> = e
        .variables
        .iter()
        .filter_map(|n| survey.variable(n))
        .collect();
    let list = e.list.as_deref().and_then(|l| survey.list(l));

    let mut facts = Vec::new();
    if !vars.is_empty() {
        let names: Vec<String> = vars.iter().map(|v| code(&v.name)).collect();
        facts.push(format!("{}: {}", t(rw.variables), names.join(", ")));
    }
    if let Some(l) = list {
        facts.push(format!(
            "{} {} ({})",
            t(rw.list),
            code(&l.name),
            t(match l.level {
                crate::ir::Level::Nominal => cw.level_nominal,
                crate::ir::Level::Ordinal => cw.level_ordinal,
                crate::ir::Level::Scale => cw.level_scale,
            })
        ));
    }
    if e.dropdown {
        facts.push(t(rw.dropdown));
    }
    // The element's own answer: the variable of its name.
    if let Some(v) = vars.iter().find(|v| v.name == e.name) {
        if v.required {
            facts.push(t(rw.required));
        }
        let num = |n: Option<&serde_json::Number>| n.map(|n| n.to_string()).unwrap_or_default();
        if v.min.is_some() || v.max.is_some() {
            let what = if e.kind == ElementKind::Multiple {
                rw.choices
            } else {
                cw.range
            };
            facts.push(format!(
                "{}: {} – {}",
                t(what),
                t(&num(v.min.as_ref())),
                t(&num(v.max.as_ref()))
            ));
        }
        if let Some(d) = v.decimals {
            facts.push(format!("{}: {d}", t(rw.decimals)));
        }
        if let Some(n) = v.max_length {
            facts.push(format!("{}: {n} {}", t(cw.max_length), t(cw.characters)));
        }
        match v.disclosure {
            crate::ir::Disclosure::None => {}
            crate::ir::Disclosure::Identifying => facts.push(t(cw.identifying)),
            crate::ir::Disclosure::IndirectlyIdentifying => {
                facts.push(t(cw.indirectly_identifying))
            }
        }
    }

    let mut rows = Vec::new();
    let question = if e.kind == ElementKind::Display {
        rw.text
    } else {
        cw.question
    };
    cx.opt_row(&mut rows, question, e.text.as_ref());
    cx.opt_row(&mut rows, cw.help, e.help.as_ref());
    if let Some(unit) = vars.iter().find_map(|v| v.unit.as_ref()) {
        rows.push(cx.text_row(t(cw.unit), unit));
    }
    if let Some(l) = list {
        for o in &l.options {
            let Some(label) = &o.label else { continue };
            let mut flags = Vec::new();
            if o.missing {
                flags.push(rw.missing);
            }
            if o.exclusive {
                flags.push(rw.exclusive);
            }
            if o.other {
                flags.push(rw.other);
            }
            let mut header = format!("{} <span class=\"code\">{}</span>", t(rw.option), o.code);
            if !flags.is_empty() {
                header.push_str(&format!(
                    " <span class=\"flags\">({})</span>",
                    t(&flags.join(", "))
                ));
            }
            let mut row = cx.text_row(header, label);
            row.class = "option";
            rows.push(row);
        }
    }
    for item in &e.items {
        rows.push(cx.text_row(
            format!("{} {} {}", t(cw.item), t(&item.id), code(&item.variable)),
            &item.text,
        ));
        if let Some(v) = survey.variable(&item.variable) {
            rows.push(cx.text_row(
                format!("{} {}", t(rw.variable_label), code(&v.name)),
                &v.label,
            ));
        }
    }
    if e.items.is_empty() {
        for v in &vars {
            rows.push(cx.text_row(
                format!("{} {}", t(rw.variable_label), code(&v.name)),
                &v.label,
            ));
        }
    }
    // A display text's own researcher note (a question's are its
    // variables').
    cx.opt_row(&mut rows, cw.researcher_note, e.note.as_ref());
    let mut notes: Vec<&Text> = Vec::new();
    for v in &vars {
        if let Some(n) = v.note.as_deref()
            && !notes.contains(&n)
        {
            notes.push(n);
            let header = if vars.len() > 1 {
                format!("{} {}", t(cw.researcher_note), code(&v.name))
            } else {
                t(cw.researcher_note)
            };
            rows.push(cx.text_row(header, n));
        }
    }
    if let Some(c) = &e.condition {
        rows.push(cx.routing_row(t(cw.condition), c));
    }
    for v in &vars {
        if let Some(c) = &v.condition
            && v.condition != e.condition
        {
            rows.push(cx.routing_row(format!("{} {}", t(cw.condition), code(&v.name)), c));
        }
    }
    for v in &vars {
        if let Some(r) = cx.lineage_row(v) {
            rows.push(r);
        }
    }
    ElementView {
        anchor: format!("e-{}", e.name),
        name: code(&e.name),
        kind: t(rw.kinds[kind_index(e.kind)]),
        facts,
        rows,
    }
}
