//! The HTML form target: `<lang>/index.html` for every language of a survey.
//!
//! One self-contained file per language: the page (`targets/form/page.html`
//! and `question.html`), its style (`style.css`) and one small runtime
//! (`runtime.js`) inlined, no external requests. Rust prepares everything
//! the templates show from the IR ([`page_view`]): texts are resolved for
//! the page's language and their markup rendered to HTML here, escaped,
//! with links only to `https:`, `http:` and `mailto:` ([`html`]). Survey
//! texts never reach the template engine as templates.
//!
//! The routing data (conditions, variables and their rules) goes into one
//! `<script type="application/json">` block ([`data`]), whose JSON escapes
//! `<`, `>`, `&`, U+2028 and U+2029 so no text can end the script element.
//! The runtime evaluates the IR's conditions with the semantics table of
//! `docs/language.md` (the same as `crate::eval`) and builds the response of
//! `docs/responses.md`.

mod html;
pub mod ui;

use std::collections::BTreeMap;

use minijinja::Value;
use serde::Serialize;
use serde_json::{Map, json};

use super::{BuildError, BuildOptions, Output};
use crate::ir::{
    AnswerList, Element, ElementKind, Survey, Text, Translation, Variable, VariableKind,
};

/// The built-in templates of this target, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "form/page.html",
        include_str!("../../../targets/form/page.html"),
    ),
    (
        "form/question.html",
        include_str!("../../../targets/form/question.html"),
    ),
    (
        "form/style.css",
        include_str!("../../../targets/form/style.css"),
    ),
    (
        "form/runtime.js",
        include_str!("../../../targets/form/runtime.js"),
    ),
];

/// Renders the form of every language.
pub fn build(survey: &Survey, options: &BuildOptions, out: &mut Output) -> Result<(), BuildError> {
    // The command line and lomake.yaml override the survey's own `submit`.
    let with_survey_url;
    let options = if options.submit_url.is_none() && survey.submit_url.is_some() {
        with_survey_url = BuildOptions {
            submit_url: survey.submit_url.clone(),
            ..options.clone()
        };
        &with_survey_url
    } else {
        options
    };
    if let Some(url) = &options.submit_url
        && origin(url).is_none()
    {
        out.warn(format!(
            "submit URL `{url}` is neither http(s) nor a path on the same site: the forms offer the response as a download instead"
        ));
    }
    let mut env = super::templates::environment(options.templates.as_deref());
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    let pages = super::per_language(&survey.languages, |lang| {
        render(&env, survey, lang, options)
    });
    for (lang, page) in survey.languages.iter().zip(pages) {
        out.write(&format!("{lang}/index.html"), page?.as_bytes())?;
    }
    Ok(())
}

/// The form of one language as HTML.
pub fn render(
    env: &minijinja::Environment<'_>,
    survey: &Survey,
    lang: &str,
    options: &BuildOptions,
) -> Result<String, BuildError> {
    const NAME: &str = "form/page.html";
    let template = env
        .get_template(NAME)
        .map_err(|e| BuildError::template(NAME, &e))?;
    let view = page_view(survey, lang, options);
    template
        .render(Value::from_serialize(&view))
        .map_err(|e| BuildError::template(NAME, &e))
}

/// What the page template receives.
#[derive(Serialize)]
pub struct PageView {
    pub lang: String,
    /// `ltr` or `rtl`: the writing direction of the page's language.
    pub dir: &'static str,
    /// The survey title as plain text (for `<title>`).
    pub title_text: String,
    pub title: Value,
    pub description: Option<Value>,
    pub organisation: Option<Value>,
    pub introduction: Option<IntroView>,
    pub languages: Vec<LanguageLink>,
    pub sections: Vec<SectionView>,
    /// The interface strings of the page's language.
    pub ui: BTreeMap<&'static str, &'static str>,
    /// The routing data, JSON safe to put inside `<script>`.
    pub data: Value,
    /// `connect-src` of the page's Content-Security-Policy (an origin made
    /// of URL characters only, or `'none'`).
    pub connect_src: Value,
}

#[derive(Serialize)]
pub struct IntroView {
    pub title: Option<Value>,
    pub text: Option<Value>,
    pub privacy: Option<Value>,
    pub accessibility: Option<Value>,
}

#[derive(Serialize)]
pub struct LanguageLink {
    pub code: String,
    pub name: String,
    /// `../<code>/index.html` (language codes are letters and `-`).
    pub href: Value,
    pub current: bool,
}

#[derive(Serialize)]
pub struct SectionView {
    pub name: String,
    pub title: Value,
    pub intro: Option<Value>,
    pub elements: Vec<ElementView>,
}

#[derive(Serialize)]
pub struct ElementView {
    pub name: String,
    /// `single`, `dropdown`, `multiple`, `grid`, `number`, `text`,
    /// `longtext`, `date` or `display`.
    pub kind: &'static str,
    /// The variable it asks (not for grids and display texts).
    pub variable: Option<String>,
    /// The question text (inline HTML: fits a `legend` or `label`).
    pub text: Option<Value>,
    /// Help or, for display texts, the text itself (block HTML).
    pub help: Option<Value>,
    /// A note on the rules of the answer ("choose at most 3").
    pub rule: Option<String>,
    /// Options laid out in a row (a rating scale with numbered points).
    pub inline: bool,
    pub options: Vec<OptionView>,
    pub items: Vec<ItemView>,
    /// For `number`: `inputmode` (the input is a text field: the runtime
    /// reads a decimal comma and checks the rules); for others: nothing.
    pub input: BTreeMap<&'static str, String>,
    pub unit: Option<Value>,
}

#[derive(Serialize)]
pub struct OptionView {
    pub code: i64,
    pub label: Value,
    /// The label as plain text (for a dropdown's `option`).
    pub label_text: String,
    pub exclusive: bool,
    /// The text variable of an "other, please specify" option.
    pub other: Option<String>,
}

#[derive(Serialize)]
pub struct ItemView {
    pub variable: String,
    pub text: Value,
}

/// The translation of a text in `lang`, else in the source language.
fn tr<'a>(text: &'a Text, survey: &Survey, lang: &str) -> Option<&'a Translation> {
    text.translations
        .get(lang)
        .or_else(|| {
            survey
                .languages
                .first()
                .and_then(|l| text.translations.get(l))
        })
        .or_else(|| text.translations.values().next())
}

fn inline(text: &Text, survey: &Survey, lang: &str) -> Value {
    Value::from_safe_string(
        tr(text, survey, lang).map_or(String::new(), |t| html::inline(&t.markup())),
    )
}

fn block(text: &Text, survey: &Survey, lang: &str) -> Value {
    Value::from_safe_string(
        tr(text, survey, lang).map_or(String::new(), |t| html::block(&t.markup())),
    )
}

fn plain(text: &Text, survey: &Survey, lang: &str) -> String {
    tr(text, survey, lang).map_or(String::new(), |t| t.plain().to_string())
}

/// The view model of one language's page.
pub fn page_view(survey: &Survey, lang: &str, options: &BuildOptions) -> PageView {
    let introduction = survey.introduction.as_ref().map(|i| IntroView {
        title: i.title.as_ref().map(|t| inline(t, survey, lang)),
        text: i.text.as_ref().map(|t| block(t, survey, lang)),
        privacy: i.privacy.as_ref().map(|t| block(t, survey, lang)),
        accessibility: i.accessibility.as_ref().map(|t| block(t, survey, lang)),
    });
    let languages = survey
        .languages
        .iter()
        .map(|l| LanguageLink {
            code: l.clone(),
            name: ui::language_name(l),
            href: Value::from_safe_string(format!("../{}/index.html", html::encode_url(l))),
            current: l == lang,
        })
        .collect();
    let sections = survey
        .sections
        .iter()
        .map(|s| SectionView {
            name: s.name.clone(),
            title: inline(&s.title, survey, lang),
            intro: s.intro.as_ref().map(|t| block(t, survey, lang)),
            elements: s
                .elements
                .iter()
                .filter_map(|e| element_view(survey, e, lang))
                .collect(),
        })
        .collect();
    let ui = ui::KEYS.iter().map(|k| (*k, ui::text(lang, k))).collect();
    let connect_src = options
        .submit_url
        .as_deref()
        .and_then(origin)
        .unwrap_or_else(|| "'none'".to_string());
    PageView {
        lang: lang.to_string(),
        dir: ui::direction(lang),
        title_text: plain(&survey.title, survey, lang),
        title: inline(&survey.title, survey, lang),
        description: survey.description.as_ref().map(|t| block(t, survey, lang)),
        organisation: survey
            .organisation
            .as_ref()
            .map(|t| inline(t, survey, lang)),
        introduction,
        languages,
        sections,
        ui,
        data: Value::from_safe_string(script_json(&data(survey, lang, options))),
        connect_src: Value::from_safe_string(connect_src),
    }
}

/// The origin of an `http(s)` URL for the page's `connect-src`, or `None`
/// for anything else (the form then refuses to post anywhere but there).
fn origin(url: &str) -> Option<String> {
    if url.starts_with('/') && !url.starts_with("//") {
        return Some("'self'".to_string());
    }
    let rest = url
        .strip_prefix("https://")
        .map(|r| ("https://", r))
        .or_else(|| url.strip_prefix("http://").map(|r| ("http://", r)))?;
    let host = rest.1.split(['/', '?', '#']).next().unwrap_or("");
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    ok.then(|| format!("{}{host}", rest.0))
}

/// The options of a list as the page shows them: a rating scale whose
/// points are not all labelled shows each point's number.
fn options_view(
    list: &AnswerList,
    element: &Element,
    survey: &Survey,
    lang: &str,
) -> Vec<OptionView> {
    let numbered = list.options.iter().any(|o| o.label.is_none());
    list.options
        .iter()
        .map(|o| {
            let label_text = match &o.label {
                None => o.code.to_string(),
                Some(t) if numbered && !o.missing => {
                    format!("{} {}", o.code, plain(t, survey, lang))
                }
                Some(t) => plain(t, survey, lang),
            };
            let label = match &o.label {
                None => o.code.to_string(),
                Some(t) if numbered && !o.missing => {
                    format!("{} {}", o.code, inline(t, survey, lang))
                }
                Some(t) => inline(t, survey, lang).to_string(),
            };
            // The option's text variable, among the element's own.
            let other = o.other.then(|| {
                element
                    .variables
                    .iter()
                    .filter_map(|n| survey.variable(n))
                    .find(|v| v.other_of.as_ref().is_some_and(|of| of.code == o.code))
                    .map(|v| v.name.clone())
            });
            OptionView {
                code: o.code,
                label: Value::from_safe_string(label),
                label_text,
                exclusive: o.exclusive,
                other: other.flatten(),
            }
        })
        .collect()
}

fn element_view(survey: &Survey, e: &Element, lang: &str) -> Option<ElementView> {
    let main = e.variables.first().and_then(|n| survey.variable(n));
    let list = e.list.as_deref().and_then(|l| survey.list(l));
    let mut view = ElementView {
        name: e.name.clone(),
        kind: "display",
        variable: main.map(|v| v.name.clone()),
        text: e.text.as_ref().map(|t| inline(t, survey, lang)),
        help: e.help.as_ref().map(|t| block(t, survey, lang)),
        rule: None,
        inline: false,
        options: Vec::new(),
        items: Vec::new(),
        input: BTreeMap::new(),
        unit: main
            .and_then(|v| v.unit.as_ref())
            .map(|t| inline(t, survey, lang)),
    };
    if let Some(list) = list {
        view.options = options_view(list, e, survey, lang);
        view.inline = list.options.iter().any(|o| o.label.is_none());
    }
    view.kind = match e.kind {
        ElementKind::Hidden => return None,
        ElementKind::Display => {
            // A display text is all text: shown as a block.
            view.help = e.text.as_ref().map(|t| block(t, survey, lang));
            view.text = None;
            view.variable = None;
            "display"
        }
        ElementKind::Single | ElementKind::Scale if e.dropdown => "dropdown",
        ElementKind::Single | ElementKind::Scale => "single",
        ElementKind::Multiple => {
            view.rule = main.and_then(|v| choices_rule(v, lang));
            "multiple"
        }
        ElementKind::Grid => {
            view.variable = None;
            view.items = e
                .items
                .iter()
                .map(|i| ItemView {
                    variable: i.variable.clone(),
                    text: inline(&i.text, survey, lang),
                })
                .collect();
            "grid"
        }
        ElementKind::Integer | ElementKind::Decimal => {
            if let Some(v) = main {
                number_input(v, &mut view.input);
                view.rule = number_rule(v, lang);
            }
            "number"
        }
        ElementKind::Text => "text",
        ElementKind::Longtext => "longtext",
        ElementKind::Date => "date",
    };
    Some(view)
}

/// The note on how many options to choose: "Choose 2 to 3.", "Choose at
/// least 2.", "Choose at most 3." (a minimum of 1 says nothing: an answer
/// is at least one option; an exclusive option always stands alone).
fn choices_rule(v: &Variable, lang: &str) -> Option<String> {
    let min = v
        .min
        .as_ref()
        .filter(|n| n.as_f64().is_some_and(|x| x > 1.0));
    let (key, n, m) = match (min, v.max.as_ref()) {
        (Some(n), Some(m)) if n.as_f64() == m.as_f64() => ("choices_exact", n, m),
        (Some(n), Some(m)) => ("choices_range", n, m),
        (Some(n), None) => ("min_choices", n, n),
        (None, Some(m)) => ("max_choices", m, m),
        (None, None) => return None,
    };
    Some(
        ui::text(lang, key)
            .replace("{n}", &n.to_string())
            .replace("{m}", &m.to_string()),
    )
}

/// The note on the numbers allowed: "Enter a number from 18 to 120." (with
/// the page language's decimal separator: "0,5" in Finnish and Swedish).
/// The field has no `min` or `max` attribute (it is a text field), so this
/// is where a respondent learns the range before typing.
fn number_rule(v: &Variable, lang: &str) -> Option<String> {
    let local = |n: &serde_json::Number| {
        let s = n.to_string();
        match crate::language::words(lang) {
            crate::language::Words::Fi | crate::language::Words::Sv => s.replace('.', ","),
            crate::language::Words::En => s,
        }
    };
    let (key, n, m) = match (v.min.as_ref(), v.max.as_ref()) {
        (Some(n), Some(m)) => ("number_range", local(n), local(m)),
        (Some(n), None) => ("number_min", local(n), String::new()),
        (None, Some(m)) => ("number_max", local(m), String::new()),
        (None, None) => return None,
    };
    Some(ui::text(lang, key).replace("{n}", &n).replace("{m}", &m))
}

/// A number is typed in a text field, not `type="number"`: Chromium drops a
/// decimal comma there (`1,5` becomes 15) and the field cannot tell a
/// partial number from none. The runtime reads and checks what is typed.
fn number_input(v: &Variable, input: &mut BTreeMap<&'static str, String>) {
    let mode = match (v.kind, v.decimals) {
        (VariableKind::Integer, _) | (_, Some(0)) => "numeric",
        _ => "decimal",
    };
    input.insert("inputmode", mode.to_string());
    input.insert("autocomplete", "off".to_string());
}

/// The routing data of the page: everything the runtime needs, from the IR.
pub fn data(survey: &Survey, lang: &str, options: &BuildOptions) -> serde_json::Value {
    let variables: Vec<serde_json::Value> = survey
        .variables
        .iter()
        .map(|v| {
            let mut m = Map::new();
            m.insert("name".into(), json!(v.name));
            m.insert("kind".into(), json!(v.kind));
            m.insert("element".into(), json!(v.element));
            m.insert("section".into(), json!(v.section));
            if let Some(c) = &v.condition {
                m.insert("condition".into(), json!(c));
            }
            if !v.missing_codes.is_empty() {
                m.insert("missing".into(), json!(v.missing_codes));
            }
            if let Some(list) = v.list.as_deref().and_then(|l| survey.list(l)) {
                let codes: Vec<i64> = list.options.iter().map(|o| o.code).collect();
                m.insert("codes".into(), json!(codes));
                let exclusive = list.exclusive_codes();
                if !exclusive.is_empty() && v.kind == VariableKind::Multiple {
                    m.insert("exclusive".into(), json!(exclusive));
                }
            }
            for (key, value) in [("min", &v.min), ("max", &v.max)] {
                if let Some(n) = value {
                    m.insert(key.into(), json!(n));
                }
            }
            if let Some(d) = v.decimals {
                m.insert("decimals".into(), json!(d));
            }
            if let Some(l) = v.max_length {
                m.insert("max_length".into(), json!(l));
            }
            if !v.values.is_empty() {
                m.insert("values".into(), json!(v.values));
            }
            if v.required {
                m.insert("required".into(), json!(true));
            }
            // What sets a hidden variable: the language (`hidden <name>
            // language`, the only source there is), whatever it is named.
            if v.kind == VariableKind::Hidden {
                m.insert("source".into(), json!("language"));
            }
            serde_json::Value::Object(m)
        })
        .collect();
    let sections: Vec<serde_json::Value> = survey
        .sections
        .iter()
        .map(|s| {
            let mut m = Map::new();
            m.insert("name".into(), json!(s.name));
            if let Some(c) = &s.condition {
                m.insert("condition".into(), json!(c));
            }
            let elements: Vec<serde_json::Value> = s
                .elements
                .iter()
                .filter(|e| e.kind != ElementKind::Hidden)
                .map(|e| {
                    let mut m = Map::new();
                    m.insert("name".into(), json!(e.name));
                    if let Some(c) = &e.condition {
                        m.insert("condition".into(), json!(c));
                    }
                    m.insert("variables".into(), json!(e.variables));
                    serde_json::Value::Object(m)
                })
                .collect();
            m.insert("elements".into(), json!(elements));
            serde_json::Value::Object(m)
        })
        .collect();
    let ui: Map<String, serde_json::Value> = ui::KEYS
        .iter()
        .map(|k| (k.to_string(), json!(ui::text(lang, k))))
        .collect();
    json!({
        "survey": survey.id,
        "version": survey.version,
        "lang": lang,
        "languages": survey.languages,
        "submit_url": options.submit_url,
        "sections": sections,
        "variables": variables,
        "ui": ui,
    })
}

/// JSON to put inside a `<script>` element: `<`, `>` and `&` as `\u003c`
/// …, and the line separators U+2028 and U+2029 escaped, so that no string
/// can close the element or open a comment, whatever it holds.
pub fn script_json(value: &serde_json::Value) -> String {
    let text = serde_json::to_string(value).expect("JSON values serialize");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_end_the_script() {
        let v = json!({"t": "</script><!-- & \u{2028}\u{2029} >"});
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert!(!s.contains('\u{2028}') && !s.contains('\u{2029}'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn origins_for_connect_src() {
        assert_eq!(
            origin("https://example.org/api?x=1").as_deref(),
            Some("https://example.org")
        );
        assert_eq!(
            origin("http://localhost:8080/x").as_deref(),
            Some("http://localhost:8080")
        );
        assert_eq!(origin("/api/responses").as_deref(), Some("'self'"));
        assert_eq!(origin("//evil.example/"), None);
        assert_eq!(origin("javascript:alert(1)"), None);
        assert_eq!(origin("https://a b/"), None);
        assert_eq!(origin("https://'none'/"), None);
    }
}
