//! Lowering: survey header, answer lists, sections and elements to the IR.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::names::{Generated, check_name};
use super::{Checker, Expanded, Subst, lineage, routing};
use crate::diagnostics::{self, Code, Diagnostic};
use crate::fasthash::{FastMap, FastSet};
use crate::ir::{self, Condition, Disclosure, ElementKind, Level, VariableKind};
use crate::source::{Span, Spanned};
use crate::syntax::ast::{ArgumentValue, Item, Keyword, Property, PropertyValue, Translation};

/// Default maximum lengths of texts, in Unicode code points.
pub const DEFAULT_TEXT_LENGTH: u32 = 200;
pub const DEFAULT_LONGTEXT_LENGTH: u32 = 2000;

/// What a condition may refer to: a variable declared earlier.
#[derive(Clone, Debug)]
pub(super) struct Known {
    pub name: String,
    pub kind: VariableKind,
    pub list: Option<String>,
    pub level: Option<Level>,
    /// The position of the expanded item that declares it.
    pub at: usize,
    /// Not declared in this part of the body, lowered on a thread of its
    /// own: only the name is known, so nothing about the variable is
    /// checked (see `Scope::on_trust`).
    pub on_trust: bool,
}

/// Everything declared so far (looked up by lowercase name, never
/// iterated in an order that shows).
#[derive(Default)]
pub(super) struct Scope {
    pub vars: FastMap<String, Known>,
    /// Grid questions by lowercase name → their item variables.
    pub grids: FastMap<String, Vec<String>>,
    /// Lowering a part of the body on another thread: a name not
    /// declared in this part is taken on trust by conditions, as declared by
    /// an earlier part, and checked again when the part is taken in.
    pub on_trust: bool,
    /// The position of the expanded item being lowered.
    pub at: usize,
}

/// Below this many expanded items the body is lowered in one part: a
/// thread costs more than it saves.
const PARALLEL_FROM: usize = 2000;

/// Into how many pieces a thread's share of a large body is cut: the
/// threads end within about one piece of each other
/// ([`crate::threads::from_both_ends`]), and each piece costs a little to
/// take in.
const PIECES_PER_THREAD: usize = 16;

/// What lowering the body has built so far, carried from one expanded item
/// to the next.
#[derive(Default)]
pub(super) struct Body {
    scope: Scope,
    sections: Vec<ir::Section>,
    section_insert: Vec<Option<usize>>,
    section_names: BTreeMap<String, Span>,
    variables: Vec<ir::Variable>,
    insert_conditions: BTreeMap<usize, Option<Condition>>,
    reported_outside: bool,
}

impl Body {
    /// `on_trust`: a part lowered on another thread (`Scope::on_trust`).
    /// With room for `names` names in its scope and `variables` variables.
    fn new(on_trust: bool, names: usize, variables: usize) -> Body {
        let mut scope = Scope {
            on_trust,
            ..Scope::default()
        };
        scope.vars.reserve(names);
        Body {
            scope,
            variables: Vec::with_capacity(variables),
            ..Body::default()
        }
    }
}

/// The number of elements (questions, display texts, hidden variables)
/// after the section at `at`, up to the next section.
fn elements_after(expanded: &[Expanded], at: usize) -> usize {
    expanded[at + 1..]
        .iter()
        .map(|e| e.item.keyword.value)
        .take_while(|k| *k != Keyword::Section)
        .filter(|k| matches!(k, Keyword::Question | Keyword::Display | Keyword::Hidden))
        .count()
}

/// Properties every question accepts.
const QUESTION_COMMON: &[&str] = &[
    "label",
    "text",
    "help",
    "note",
    "when",
    "identifying",
    "indirectly identifying",
    "required",
    "continues",
    "break",
];

/// The properties an item accepts: its keyword's own, and a question
/// kind's extra ones.
fn allowed(keyword: Keyword, kind: &str) -> (&'static [&'static str], &'static [&'static str]) {
    let own: &[&str] = match keyword {
        Keyword::Survey => &[
            "version",
            "submit",
            "languages",
            "title",
            "description",
            "organisation",
            "opens",
            "closes",
            "note",
            "continues",
        ],
        Keyword::Introduction => &["title", "text", "privacy", "accessibility"],
        Keyword::Section => &["title", "intro", "note", "when"],
        Keyword::Scale | Keyword::List => &["option", "values", "note"],
        Keyword::Display => &["text", "help", "note", "when"],
        Keyword::Hidden => &["label", "note", "continues", "break"],
        Keyword::Question => {
            let extra: &[&str] = match kind {
                "single" => &["option", "dropdown"],
                "multiple" => &["option", "min", "max"],
                "grid" => &["item"],
                "integer" => &["min", "max", "unit"],
                "decimal" => &["min", "max", "unit", "decimals"],
                "text" | "longtext" => &["maxlength"],
                _ => &[],
            };
            return (QUESTION_COMMON, extra);
        }
        _ => &[],
    };
    (own, &[])
}

/// Properties that may appear many times.
const REPEATABLE: &[&str] = &["option", "item"];

impl<'a> Checker<'a> {
    /// Reports properties that do not belong on this item, or appear twice.
    fn check_properties(&mut self, item: &Item, kind: &str) {
        let (own, extra) = allowed(item.keyword.value, kind);
        let mut seen: Vec<(&str, Span)> = Vec::new();
        for p in &item.properties {
            let key = p.key.value;
            let allowed = |list: &[&str]| list.iter().any(|k| crate::bytes::same(k, key));
            if !allowed(own) && !allowed(extra) {
                let what = match item.keyword.value {
                    Keyword::Question => format!("a `{kind}` question"),
                    k => format!("`{}`", k.as_str()),
                };
                let d = Diagnostic::new(
                    Code::PropertyNotAllowed,
                    format!("`{key}` is not allowed on {what}"),
                )
                .at(p.key.span, "not allowed here");
                let d = match (key, kind) {
                    ("maxlength", _) => d.help("`maxlength` is for text and longtext questions"),
                    ("option", "scale" | "grid") => d.help(
                        "a scale or grid question takes a named scale: `question q scale agree5`",
                    ),
                    ("min" | "max", _) => d.help(
                        "`min` and `max` are for integer, decimal and multiple-choice questions",
                    ),
                    _ => d.help(format!(
                        "allowed here: {}",
                        [own, extra].concat().join(", ")
                    )),
                };
                self.report(d);
                continue;
            }
            // A survey may continue several earlier waves.
            if allowed(REPEATABLE) || (key == "continues" && item.keyword.value == Keyword::Survey)
            {
                continue;
            }
            if let Some((_, first)) = seen.iter().find(|(k, _)| crate::bytes::same(k, key)) {
                let help = match key {
                    "when" => {
                        "an item has one condition: join the two with `and` or `or`, as in `when nat_part = 1 and reg_part = 1`"
                    }
                    _ => "keep one of them",
                };
                self.report(
                    Diagnostic::new(Code::DuplicateProperty, format!("`{key}` is given twice"))
                        .at(p.key.span, "second time")
                        .with(*first, "first time")
                        .help(help),
                );
                continue;
            }
            seen.push((key, p.key.span));
        }
    }

    fn texts_prop(item: &'a Item, key: &str) -> Option<(&'a Property, &'a [Translation])> {
        item.properties.iter().find_map(|p| match &p.value {
            PropertyValue::Texts(ts) if crate::bytes::same(p.key.value, key) => {
                Some((p, ts.as_slice()))
            }
            _ => None,
        })
    }

    /// An optional translated property; its text's key is
    /// `<prefix>.<key>`.
    fn opt_text(
        &mut self,
        item: &'a Item,
        key: &str,
        prefix: &str,
        subst: Option<&Subst>,
    ) -> Option<ir::Text> {
        let (p, ts) = Self::texts_prop(item, key)?;
        Some(self.text(concat(&[prefix, ".", key]), ts, p.key.span, subst))
    }

    /// A required translated property; reports its absence.
    fn req_text(
        &mut self,
        item: &'a Item,
        key: &str,
        prefix: &str,
        subst: Option<&Subst>,
    ) -> Option<ir::Text> {
        let t = self.opt_text(item, key, prefix, subst);
        if t.is_none() {
            let what = item.keyword.value.as_str();
            let at = item
                .name
                .as_ref()
                .map_or(item.keyword.span, |n| item.keyword.span.to(n.span));
            let lang = self
                .languages
                .first()
                .cloned()
                .unwrap_or_else(|| "en".into());
            self.report(
                Diagnostic::new(Code::MissingProperty, format!("this {what} has no `{key}`"))
                    .at(at, format!("`{key}` missing"))
                    .help(format!(
                        "add `{key}` with a line per language, like `{lang} \"…\"`"
                    )),
            );
        }
        t
    }

    fn number(item: &Item, key: &str) -> Option<(f64, serde_json::Number, Span, bool)> {
        item.properties.iter().find_map(|p| match &p.value {
            PropertyValue::Number(n) if crate::bytes::same(p.key.value, key) => {
                let int = n.value.as_integer();
                let num = match int {
                    Some(i) => serde_json::Number::from(i),
                    None => serde_json::Number::from_f64(n.value.value)?,
                };
                Some((n.value.value, num, n.span, int.is_some()))
            }
            _ => None,
        })
    }

    fn flag(item: &Item, key: &str) -> bool {
        item.properties
            .iter()
            .any(|p| matches!(p.value, PropertyValue::Flag) && crate::bytes::same(p.key.value, key))
    }

    /// Substitutes placeholders in a name.
    pub(super) fn subst_name(name: &str, subst: Option<&Subst>) -> Result<String, String> {
        let Some(subst) = subst else {
            return Ok(name.to_string());
        };
        let mut out = String::new();
        let mut rest = name;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let close = rest[i..]
                .find('}')
                .map(|c| c + i)
                .ok_or_else(|| "unclosed `{`".to_string())?;
            let param = &rest[i + 1..close];
            match subst.args.get(param) {
                Some(ArgumentValue::Name(n)) => out.push_str(&n.value),
                Some(ArgumentValue::Texts(_)) => {
                    return Err(format!(
                        "parameter `{param}` is a text; a name needs a name argument like `{param} municipal`"
                    ));
                }
                None => {
                    return Err(format!(
                        "block `{}` has no parameter `{param}`",
                        subst.block
                    ));
                }
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn name_of(&mut self, item: &Item, subst: Option<&Subst>) -> Option<(String, Span)> {
        let n = self.subst_spanned(item.name.as_ref()?, subst)?;
        Some((n.value, n.span))
    }

    /// A name with its placeholders substituted; reports one that cannot be.
    fn subst_spanned(
        &mut self,
        n: &Spanned<String>,
        subst: Option<&Subst>,
    ) -> Option<Spanned<String>> {
        match Self::subst_name(&n.value, subst) {
            Ok(s) => Some(Spanned::new(s, n.span)),
            Err(why) => {
                let mut d =
                    Diagnostic::new(Code::UnknownPlaceholder, why).at(n.span, "in this name");
                if let Some(s) = subst {
                    d = d.with(s.insert_span, "inserted here");
                }
                self.report(d);
                None
            }
        }
    }

    // ------------------------------------------------------------ header

    pub(super) fn lower_survey(&mut self, header: &'a Item, top: &[&'a Item]) -> ir::Survey {
        self.check_properties(header, "");
        let id_name = header.name.as_ref().expect("survey has a name");
        if let Some(d) = check_name(&id_name.value, id_name.span) {
            self.report(d);
        }
        // Languages first: every text is checked against them.
        match header.properties.iter().find_map(|p| match &p.value {
            PropertyValue::Languages(ls) => Some(ls),
            _ => None,
        }) {
            Some(ls) => {
                for l in ls {
                    let valid = l.value.len() >= 2
                        && l.value.split('-').next().is_some_and(|p| {
                            p.len() <= 3 && p.chars().all(|c| c.is_ascii_lowercase())
                        });
                    if !valid {
                        self.report(
                            Diagnostic::new(
                                Code::InvalidValue,
                                format!("`{}` is not a language code", l.value),
                            )
                            .at(l.span, "not a language code")
                            .help("use a lowercase ISO 639 code such as `fi`, `sv`, `en` or `se`"),
                        );
                    }
                    if self.languages.contains(&l.value) {
                        self.report(
                            Diagnostic::new(
                                Code::DuplicateName,
                                format!("language `{}` is listed twice", l.value),
                            )
                            .at(l.span, "again")
                            .help("list each language once"),
                        );
                    } else {
                        self.languages.push(l.value.clone());
                        self.shared_languages.push(ir::Lang::from(l.value.as_str()));
                    }
                }
            }
            None => self.report(
                Diagnostic::new(Code::MissingProperty, "the survey has no `languages`")
                    .at(header.keyword.span.to(id_name.span), "`languages` missing")
                    .help("add `languages fi sv en` (the first is the source language)"),
            ),
        }
        let version = header.properties.iter().find_map(|p| match &p.value {
            PropertyValue::Str(v) if p.key.value == "version" => {
                Some(crate::markup::unescape(&v.value))
            }
            _ => None,
        });
        // Where the form sends its responses: a web address, or a path on
        // the site that serves the form.
        let submit_url = header.properties.iter().find_map(|p| match &p.value {
            PropertyValue::Str(v) if p.key.value == "submit" => Some(v),
            _ => None,
        });
        let submit_url = submit_url.and_then(|v| {
            let ok = (v.value.starts_with("https://") || v.value.starts_with("http://"))
                && v.value.len() > "https://".len()
                || (v.value.starts_with('/') && !v.value.starts_with("//"));
            let clean = !v.value.chars().any(|c| c.is_whitespace() || c.is_control());
            if ok && clean {
                Some(crate::markup::unescape(&v.value))
            } else {
                self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        format!("`{}` is not an address the form can send responses to", v.value),
                    )
                    .at(v.span, "not an https:, http: or site path")
                    .help("write a web address like `submit \"https://example.fi/responses\"`, or a path like `\"/responses\"`"),
                );
                None
            }
        });
        if version.is_none() {
            self.report(
                Diagnostic::new(Code::MissingProperty, "the survey has no `version`")
                    .at(header.keyword.span.to(id_name.span), "`version` missing")
                    .help("add a line like `version \"2023\"`"),
            );
        }
        let title = self.req_text(header, "title", "survey", None);
        let description = self.opt_text(header, "description", "survey", None);
        let organisation = self.opt_text(header, "organisation", "survey", None);
        let note = self.opt_text(header, "note", "survey", None);
        let mut dates: BTreeMap<&str, (String, Span)> = BTreeMap::new();
        for p in &header.properties {
            if let PropertyValue::Date(d) = &p.value {
                if ir::is_date(&d.value) {
                    dates.insert(
                        if p.key.value == "opens" {
                            "opens"
                        } else {
                            "closes"
                        },
                        (d.value.clone(), d.span),
                    );
                } else {
                    self.report(
                        Diagnostic::new(
                            Code::InvalidValue,
                            format!("`{}` is not a valid date", d.value),
                        )
                        .at(d.span, "no such date")
                        .help("write dates as YYYY-MM-DD"),
                    );
                }
            }
        }
        if let (Some(o), Some(c)) = (dates.get("opens"), dates.get("closes"))
            && o.0 > c.0
        {
            self.report(
                Diagnostic::new(Code::BadRange, "the survey closes before it opens")
                    .at(c.1, "closing date")
                    .with(o.1, "opening date")
                    .help("swap the dates"),
            );
        }

        let introduction = self.lower_introduction(top);
        let expanded = Arc::new(crate::timings::time("expand", || self.expand(top)));
        self.body_items = Some(expanded.clone());
        let (sections, variables) = crate::timings::time("body", || self.lower_body(&expanded));

        // Scales and lists of this file that no question uses: still
        // checked (their mistakes would surface on first use), and reported
        // unless an item of the file failed to parse (it may be the user).
        let entry = self.loaded.entry;
        let broken = self
            .loaded
            .files
            .get(&entry)
            .is_some_and(|f| !f.broken.is_empty());
        let unused: Vec<(&'a Item, String)> = self
            .lists
            .values()
            .copied()
            .filter(|i| i.span.file == entry)
            .filter_map(|i| {
                let n = i.name.as_ref()?;
                (!self.used_lists.contains(&n.value)).then(|| (i, n.value.clone()))
            })
            .collect();
        for (item, name) in unused {
            let _ = self.lower_list(item, &name, None);
            if broken {
                continue;
            }
            let at = item.name.as_ref().map_or(item.keyword.span, |n| n.span);
            self.report(
                Diagnostic::new(
                    Code::UnusedList,
                    format!("{} `{name}` is never used", item.keyword.value.as_str()),
                )
                .at(at, "not used by any question")
                .help("remove it, or name it on the questions that should use it; shared scales belong in a module"),
            );
        }
        let mut lists = Vec::new();
        let used = std::mem::take(&mut self.used_lists);
        for name in &used {
            if let Some(l) = self.ir_lists.remove(name) {
                lists.push(l);
            }
        }
        self.scratch.names.push(used);
        ir::Survey {
            format: ir::IR_FORMAT,
            id: id_name.value.clone(),
            version: version.unwrap_or_default(),
            languages: self.languages.clone(),
            title: title.unwrap_or_else(|| ir::Text {
                key: "survey.title".into(),
                translations: Default::default(),
            }),
            description,
            organisation,
            submit_url,
            opens: dates.get("opens").map(|d| d.0.clone()),
            closes: dates.get("closes").map(|d| d.0.clone()),
            note,
            introduction,
            lists,
            sections,
            variables,
            lookups: Default::default(),
        }
    }

    fn lower_introduction(&mut self, top: &[&'a Item]) -> Option<ir::Introduction> {
        let intros: Vec<&'a Item> = top
            .iter()
            .copied()
            .filter(|i| i.keyword.value == Keyword::Introduction)
            .collect();
        for extra in intros.iter().skip(1) {
            self.report(
                Diagnostic::new(Code::DuplicateSurvey, "a survey has one introduction page")
                    .at(extra.keyword.span, "second introduction")
                    .with(intros[0].keyword.span, "first introduction")
                    .help("merge the two into one"),
            );
        }
        let item = *intros.first()?;
        self.check_properties(item, "");
        Some(ir::Introduction {
            title: self.opt_text(item, "title", "introduction", None),
            text: self.opt_text(item, "text", "introduction", None),
            privacy: self.opt_text(item, "privacy", "introduction", None),
            accessibility: self.opt_text(item, "accessibility", "introduction", None),
        })
    }

    // ------------------------------------------------------------- lists

    /// Lowers a named list once, or an inline list of a question.
    pub(super) fn lower_list(
        &mut self,
        item: &'a Item,
        name: &str,
        subst: Option<&Subst>,
    ) -> ir::AnswerList {
        let is_def = matches!(item.keyword.value, Keyword::Scale | Keyword::List);
        if is_def {
            self.check_properties(item, "");
            if let Some(n) = &item.name
                && let Some(d) = check_name(&n.value, n.span)
            {
                self.report(d);
            }
        }
        let level = match item.kind.as_ref().map(|k| k.value.as_str()) {
            Some("nominal") => Level::Nominal,
            Some("ordinal") => Level::Ordinal,
            Some("scale") if is_def => Level::Scale,
            _ if item.keyword.value == Keyword::Scale => Level::Ordinal,
            _ => Level::Nominal,
        };
        let mut options: Vec<ir::AnswerOption> = Vec::with_capacity(item.properties.len());
        let mut codes: BTreeMap<i64, Span> = BTreeMap::new();
        let mut range: Option<(i64, i64, Span)> = None;
        for p in &item.properties {
            match &p.value {
                PropertyValue::Values(lo, hi) => {
                    if lo.value > hi.value {
                        self.report(
                            Diagnostic::new(
                                Code::BadRange,
                                format!("the range {}..{} is empty", lo.value, hi.value),
                            )
                            .at(lo.span.to(hi.span), "lowest first")
                            .help(format!("write `values {}..{}`", hi.value, lo.value)),
                        );
                    } else if hi.value - lo.value > 1000 {
                        self.report(
                            Diagnostic::new(
                                Code::InvalidValue,
                                "a `values` range may hold at most 1001 codes",
                            )
                            .at(lo.span.to(hi.span), "too many codes")
                            .help("use an integer question for open numeric answers"),
                        );
                    } else {
                        range = Some((lo.value, hi.value, p.span));
                    }
                }
                PropertyValue::Option { code, flags, texts } => {
                    if code.value < 0 || code.value > 999_999_999 {
                        self.report(
                            Diagnostic::new(Code::InvalidValue, format!("code {} is out of range", code.value))
                                .at(code.span, "not a valid code")
                                .help("codes are whole numbers from 0 to 999999999; negative codes are reserved for the kinds of missing data"),
                        );
                        continue;
                    }
                    if let Some(first) = codes.get(&code.value) {
                        self.report(
                            Diagnostic::new(
                                Code::DuplicateCode,
                                format!("code {} is used twice", code.value),
                            )
                            .at(code.span, "second use")
                            .with(*first, "first use")
                            .help("give every option its own code; codes are never reused"),
                        );
                        continue;
                    }
                    codes.insert(code.value, code.span);
                    let has = |f: &str| flags.iter().any(|x| x.value == f);
                    for (i, f) in flags.iter().enumerate() {
                        if flags[..i].iter().any(|x| x.value == f.value) {
                            self.report(
                                Diagnostic::new(
                                    Code::BadOption,
                                    format!("`{}` is given twice", f.value),
                                )
                                .at(f.span, "again")
                                .help("give each flag once"),
                            );
                        }
                    }
                    if has("other") && has("missing") {
                        self.report(
                            Diagnostic::new(
                                Code::BadOption,
                                "an option cannot be both `other` and `missing`",
                            )
                            .at(code.span, "this option")
                            .help("a declared missing answer has no text to specify; drop `other`"),
                        );
                    }
                    let key = concat(&[name, ".option.", Decimal::new(code.value).as_str()]);
                    let label = self.text(key, texts, code.span, subst);
                    options.push(ir::AnswerOption {
                        code: code.value,
                        label: Some(label),
                        missing: has("missing"),
                        exclusive: has("exclusive"),
                        other: has("other"),
                    });
                }
                _ => {}
            }
        }
        if let Some((lo, hi, range_span)) = range {
            // A declared missing code among the range's values would be both
            // an answer on the scale and "can't say".
            for o in options
                .iter()
                .filter(|o| o.missing && o.code >= lo && o.code <= hi)
            {
                if let Some(at) = codes.get(&o.code) {
                    self.report(
                        Diagnostic::new(
                            Code::MissingInRange,
                            format!("missing code {} is one of the values {lo}..{hi}", o.code),
                        )
                        .at(*at, "declared missing")
                        .with(range_span, "the scale's values")
                        .note("respondents choosing it and analysts reading it could not tell the answer from \"can't say\"")
                        .help(format!("give the missing answer a code outside {lo}..{hi}, like {}", if hi < 99 { 99 } else { hi.saturating_add(1).max(999) })),
                    );
                }
            }
            // Unlabelled codes of the range join the labelled ones, in order.
            let labelled: BTreeMap<i64, ir::AnswerOption> = options
                .iter()
                .filter(|o| o.code >= lo && o.code <= hi)
                .map(|o| (o.code, o.clone()))
                .collect();
            let mut merged: Vec<ir::AnswerOption> = (lo..=hi)
                .map(|c| {
                    labelled.get(&c).cloned().unwrap_or(ir::AnswerOption {
                        code: c,
                        label: None,
                        missing: false,
                        exclusive: false,
                        other: false,
                    })
                })
                .collect();
            merged.extend(options.into_iter().filter(|o| o.code < lo || o.code > hi));
            options = merged;
        }
        // The same label twice in one list: respondents cannot tell the
        // options apart (compared per language, ignoring case).
        // Pairwise by hash for the usual short lists, by a sorted table for
        // long ones.
        let labelled: Vec<(i64, &ir::Text)> = options
            .iter()
            .filter_map(|o| Some((o.code, o.label.as_ref()?)))
            .collect();
        let mut duplicates: Vec<(i64, i64, String, String)> = Vec::new();
        let short = labelled.len() <= 64;
        // Short lists: each label once, with the hash of its folded
        // characters (equal labels hash alike), so that pairs are told apart
        // by a number and only likely duplicates are compared.
        let mut seen: Vec<(i64, &str, &str, u64)> = if short {
            Vec::with_capacity(labelled.len() * self.languages.len().max(1))
        } else {
            Vec::new()
        };
        let mut seen_labels: BTreeMap<(String, String), i64> = BTreeMap::new();
        for &(code, label) in &labelled {
            let before = seen.len();
            for (lang, t) in &label.translations {
                let text = t.plain().trim();
                if text.is_empty() {
                    continue;
                }
                let first = if short {
                    let hash = label_hash(text);
                    let first = seen[..before]
                        .iter()
                        .find(|&&(_, l, o, h)| h == hash && l == lang && same_label(o, text))
                        .map(|&(c, ..)| c);
                    seen.push((code, lang, text, hash));
                    first
                } else {
                    let key = (lang.to_string(), text.to_lowercase());
                    match seen_labels.get(&key) {
                        Some(&c) => Some(c),
                        None => {
                            seen_labels.insert(key, code);
                            None
                        }
                    }
                };
                if let Some(first) = first {
                    duplicates.push((first, code, lang.to_string(), text.to_string()));
                }
            }
        }
        for (first, code, lang, text) in duplicates {
            if let (Some(at), Some(first_at)) = (codes.get(&code), codes.get(&first)) {
                self.report(
                    Diagnostic::new(
                        Code::DuplicateLabel,
                        format!(
                            "options {first} and {code} of `{name}` have the same `{lang}` label \"{text}\""
                        ),
                    )
                    .at(*at, "same label")
                    .with(*first_at, "first option with this label")
                    .help("give each option its own label, or merge the two options"),
                );
            }
        }
        // The flat data declares `MISSING VALUES (LOWEST THRU -1, c)`: one
        // range for the missing kinds and one code. SPSS allows no more.
        let declared: Vec<i64> = options
            .iter()
            .filter(|o| o.missing)
            .map(|o| o.code)
            .collect();
        if declared.len() > 1
            && let (Some(first), Some(second)) = (codes.get(&declared[0]), codes.get(&declared[1]))
        {
            self.report(
                Diagnostic::new(
                    Code::SpssMissingCodes,
                    format!(
                        "`{name}` declares {} missing codes; SPSS can declare only one beside the missing kinds",
                        declared.len()
                    ),
                )
                .at(*second, "second missing code")
                .with(*first, "first missing code")
                .note("SPSS allows one range and one value; the range LOWEST THRU -1 holds lomake's kinds of missing data (not asked, not answered, not reached)")
                .help("keep one declared missing code (e.g. 99 \"can't say\"), or accept that SPSS treats the others as valid values"),
            );
        }
        if options.is_empty() {
            let at = item
                .name
                .as_ref()
                .map_or(item.keyword.span, |n| item.keyword.span.to(n.span));
            self.report(
                Diagnostic::new(Code::EmptyList, format!("`{name}` has no options"))
                    .at(at, "empty answer list")
                    .help("add options like `option 1` followed by their labels"),
            );
        }
        ir::AnswerList {
            name: name.to_string(),
            scale: item.keyword.value == Keyword::Scale,
            level,
            options,
        }
    }

    /// The IR list a question uses: a named list (lowered once) or its own options.
    fn question_list(
        &mut self,
        item: &'a Item,
        qname: &str,
        kind: &str,
        subst: Option<&Subst>,
    ) -> Option<String> {
        let has_options = item.properties.iter().any(|p| p.key.value == "option");
        match (&item.list, has_options) {
            (Some(list), has_options) => {
                if has_options {
                    self.report(
                        Diagnostic::new(
                            Code::BadListUse,
                            "a question takes either a named list or its own options, not both",
                        )
                        .at(list.span, "named list")
                        .help("remove the `option` lines, or the list name"),
                    );
                }
                let lname = match Self::subst_name(&list.value, subst) {
                    Ok(n) => n,
                    Err(why) => {
                        self.report(
                            Diagnostic::new(Code::UnknownPlaceholder, why)
                                .at(list.span, "in this name"),
                        );
                        return None;
                    }
                };
                let Some(def) = self.lists.get(&lname.to_lowercase()).copied() else {
                    if self.incomplete || self.is_broken(&lname.to_ascii_lowercase()) {
                        return None; // defined, perhaps, where an error already reported is
                    }
                    let d = Diagnostic::new(
                        Code::UnknownList,
                        format!("no scale or list named `{lname}`"),
                    )
                    .at(list.span, "unknown list");
                    let d = match diagnostics::did_you_mean(
                        &lname,
                        self.lists
                            .values()
                            .filter_map(|i| i.name.as_ref().map(|n| n.value.as_str())),
                    ) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help(
                            "define it with `scale` or `list`, or `use` the module that has it",
                        ),
                    };
                    self.report(d);
                    return None;
                };
                let real = def.name.as_ref().map_or(lname.clone(), |n| n.value.clone());
                if !self.ir_lists.contains_key(&real) && !self.used_lists.contains(&real) {
                    let l = self.lower_list(def, &real, None);
                    self.ir_lists.insert(real.clone(), l);
                }
                if !self.used_lists.contains(&real) {
                    self.used_lists.insert(real.clone());
                }
                Some(real)
            }
            (None, true) if matches!(kind, "single" | "multiple") => {
                // The question's own options are the list named after it:
                // a scale or list of that name would be another list under
                // the same name (and which of the two a question naming
                // it gets would depend on their order).
                if let Some(def) = self.lists.get(&qname.to_lowercase()).copied() {
                    let at = item.name.as_ref().map_or(item.keyword.span, |n| n.span);
                    let def_at = def.name.as_ref().map_or(def.keyword.span, |n| n.span);
                    self.report(
                        Diagnostic::new(
                            Code::DuplicateName,
                            format!(
                                "question `{qname}` has its own options, and a {} of that name is defined",
                                def.keyword.value.as_str()
                            ),
                        )
                        .at(at, "its options are the list of this name")
                        .with(def_at, "defined here")
                        .note("a question's own options are stored as a list named after the question")
                        .help("rename the question, or the scale or list"),
                    );
                    return None;
                }
                let l = self.lower_list(item, qname, subst);
                self.ir_lists.insert(qname.to_string(), l);
                self.used_lists.insert(qname.to_string());
                Some(qname.to_string())
            }
            (None, _) => {
                let at = item
                    .keyword
                    .span
                    .to(item.kind.as_ref().map_or(item.keyword.span, |k| k.span));
                let help = if matches!(kind, "scale" | "grid") {
                    format!("name a scale after the kind: `question {qname} {kind} agree5`")
                } else {
                    "add `option` lines, or name a list after the kind".to_string()
                };
                self.report(
                    Diagnostic::new(
                        Code::BadListUse,
                        format!("this {kind} question has no answers"),
                    )
                    .at(at, "no list and no options")
                    .help(help),
                );
                None
            }
        }
    }

    // -------------------------------------------------------------- body

    fn lower_body(&mut self, expanded: &[Expanded<'a>]) -> (Vec<ir::Section>, Vec<ir::Variable>) {
        let bounds = self.parts(expanded);
        if bounds.len() <= 2 {
            let mut body = self.first_body(expanded, expanded.len());
            self.lower_range(expanded, 0..expanded.len(), &mut body);
            self.scratch.scopes.push(body.scope);
            return (body.sections, body.variables);
        }
        // The body in pieces, each from a section on, shared out as the
        // threads come free: this thread lowers the first pieces, in order,
        // into the body; the helpers lower the last ones, from the end
        // back, each as a part of its own whose conditions take the names
        // it does not declare on trust (`Scope::on_trust`). A part is taken
        // as it is when it found nothing to report, declared no name the
        // parts before it did, and its conditions on trust lower the same
        // with the variables declared before them known; otherwise it is
        // lowered again here, in order, which reports what lowering it in
        // order reports.
        let pieces = bounds.len() - 1;
        let workers: Vec<std::sync::Mutex<Option<Checker<'a>>>> = (1..pieces)
            .map(|_| std::sync::Mutex::new(Some(self.worker())))
            .collect();
        let mut first: Option<Body> = None;
        let parts_start = crate::timings::Start::now();
        let (ran, parts) = crate::threads::from_both_ends(
            pieces,
            self.options.lower_parts.is_some(),
            |i| {
                let (start, end) = (bounds[i], bounds[i + 1]);
                let body = first.get_or_insert_with(|| {
                    // Room for the whole body's variables; the tables of
                    // names sized for about this thread's share.
                    self.first_body(expanded, expanded.len() / 2)
                });
                crate::timings::time("first part", || {
                    self.lower_range(expanded, start..end, body)
                });
            },
            |i| {
                let (start, end) = (bounds[i], bounds[i + 1]);
                let mut worker = workers[i - 1]
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take()
                    .expect("each piece is lowered once");
                // Room for the piece's variables, counted (a variable is
                // large, and regrowing copies them all), and as many
                // names, without regrowing the table.
                let room = expanded[start..end]
                    .iter()
                    .map(|e| Self::variables_of(e.item))
                    .sum();
                let mut part = Body::new(true, room, room);
                worker.names.reserve(room);
                crate::timings::time("other part", || {
                    worker.lower_range(expanded, start..end, &mut part)
                });
                (worker, part)
            },
        );
        parts_start.done("parts");
        let mut body = first.expect("the first piece is lowered here");
        // The variables of the parts taken in, joined to the scope only
        // when a later part is lowered here.
        let mut taken_scopes: Vec<Scope> = Vec::new();
        let start = crate::timings::Start::now();
        for (i, (worker, part)) in (ran..pieces).zip(parts) {
            let taken = self.absorb(worker, part, &mut body, &mut taken_scopes);
            if !taken {
                for s in taken_scopes.drain(..) {
                    body.scope.vars.extend(s.vars);
                    body.scope.grids.extend(s.grids);
                }
                self.lower_range(expanded, bounds[i]..bounds[i + 1], &mut body);
            }
        }
        start.done("take in parts");
        self.scratch.scopes.extend(taken_scopes);
        self.scratch.scopes.push(body.scope);
        (body.sections, body.variables)
    }

    /// The body the calling thread lowers into: room for every variable of
    /// the body (a variable is large: no regrowing), with the tables of
    /// names sized for those of the items before `part_end`, which this
    /// thread lowers. The variables are counted, not named: their names
    /// are wanted only when a condition names what is not in scope
    /// ([`Checker::asked_anywhere`]).
    fn first_body(&mut self, expanded: &[Expanded<'a>], part_end: usize) -> Body {
        let (all, mine) = crate::timings::time("names", || {
            let (mut all, mut mine) = (0, 0);
            for (i, e) in expanded.iter().enumerate() {
                let n = Self::variables_of(e.item);
                all += n;
                if i < part_end {
                    mine += n;
                }
            }
            (all, mine)
        });
        // The tables of this thread's names sized for its part (the other
        // parts' tables are taken in whole); the variables for all parts.
        self.names.reserve(mine);
        Body::new(false, mine, all)
    }

    /// How many variables an item may declare: those `quiet_names` names.
    fn variables_of(item: &Item) -> usize {
        if item.name.is_none() {
            return 0;
        }
        match item.keyword.value {
            Keyword::Question if item.kind.as_ref().is_some_and(|k| k.value == "grid") => {
                1 + item
                    .properties
                    .iter()
                    .filter(|p| matches!(p.value, PropertyValue::GridItem(_)))
                    .count()
            }
            Keyword::Question => 2,
            Keyword::Hidden => 1,
            _ => 0,
        }
    }

    /// Is `key` (lowercase) the name of a variable anywhere in the body,
    /// before or after the item being lowered? Pass 1 over the body, made
    /// the first time it is asked.
    pub(super) fn asked_anywhere(&mut self, key: &str) -> bool {
        if self.asked.is_none() {
            let mut all = FastSet::default();
            let mut names = Vec::new();
            for e in self.body_items.iter().flat_map(|b| b.iter()) {
                self.quiet_names(e, &mut names);
                for mut n in names.drain(..) {
                    n.make_ascii_lowercase();
                    all.insert(n);
                }
            }
            self.asked = Some(all);
        }
        self.asked.as_ref().is_some_and(|a| a.contains(key))
    }

    /// Where the parts of the body begin (each at a section), and its end:
    /// one part for a small survey or a single core.
    fn parts(&self, expanded: &[Expanded<'a>]) -> Vec<usize> {
        let wanted = match self.options.lower_parts {
            Some(n) => n,
            None if expanded.len() < PARALLEL_FROM => 1,
            None => {
                let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
                if threads == 1 {
                    1
                } else {
                    threads * PIECES_PER_THREAD
                }
            }
        }
        // No more parts than items (and at least one).
        .clamp(1, expanded.len().max(1));
        // Parts of about equal size (the threads share them out as they
        // come free), each from the first section at or after its share.
        let mut sections = expanded
            .iter()
            .enumerate()
            .filter(|(_, e)| e.item.keyword.value == Keyword::Section)
            .map(|(i, _)| i)
            .peekable();
        let mut bounds = vec![0];
        for k in 1..wanted {
            let from = (expanded.len() * k / wanted).max(bounds[bounds.len() - 1] + 1);
            while sections.next_if(|&i| i < from).is_some() {}
            match sections.next() {
                Some(i) => bounds.push(i),
                None => break,
            }
        }
        bounds.dedup();
        bounds.push(expanded.len());
        bounds
    }

    /// Takes in a part lowered on another thread when it is as lowering it
    /// here would have made it: nothing reported, no name or section name
    /// that a part before it has, and its conditions on trust the same
    /// lowered again here.
    fn absorb(
        &mut self,
        worker: Checker<'a>,
        mut part: Body,
        body: &mut Body,
        taken_scopes: &mut Vec<Scope>,
    ) -> bool {
        if !worker.diagnostics.is_empty()
            || part
                .section_names
                .keys()
                .any(|k| body.section_names.contains_key(k))
            || self.names.clashes(&worker.names)
        {
            return false;
        }
        if !worker.deferred.is_empty() {
            // The conditions on trust, lowered again, each with the
            // variables it names that are declared before it: those of the
            // parts before, and the part's own from items before its own.
            let reported = self.diagnostics.len();
            let same = worker.deferred.iter().all(|d| {
                let mut known = Scope::default();
                let mut names = Vec::new();
                if let Some(e) = Self::when_expr(d.item) {
                    e.names(&mut names);
                }
                for n in names {
                    let Ok(n) = Self::subst_name(&n.value, d.subst.as_ref()) else {
                        continue;
                    };
                    let key = n.to_ascii_lowercase();
                    let earlier = std::iter::once(&body.scope).chain(taken_scopes.iter());
                    let var = earlier
                        .clone()
                        .find_map(|s| s.vars.get(&key))
                        .or_else(|| part.scope.vars.get(&key).filter(|k| k.at < d.at));
                    if let Some(k) = var {
                        known.vars.insert(key.clone(), k.clone());
                    }
                    let grid = earlier
                        .clone()
                        .find_map(|s| s.grids.get(&key))
                        .or_else(|| part.scope.grids.get(&key));
                    if let Some(g) = grid {
                        known.grids.insert(key, g.clone());
                    }
                }
                self.when(d.item, d.subst.as_ref(), &known) == d.result
                    && self.diagnostics.len() == reported
            });
            self.diagnostics.truncate(reported);
            if !same {
                return false;
            }
        }
        self.names.absorb(worker.names);
        taken_scopes.push(std::mem::take(&mut part.scope));
        body.section_names.extend(part.section_names);
        for (k, v) in part.insert_conditions {
            body.insert_conditions.entry(k).or_insert(v);
        }
        body.sections.extend(part.sections);
        body.section_insert.extend(part.section_insert);
        body.variables.extend(part.variables);
        self.routing_sections.extend(worker.routing_sections);
        self.routing_elements.extend(worker.routing_elements);
        self.lineage.extend(worker.lineage);
        self.lineage_grids.extend(worker.lineage_grids);
        self.long_option_labels.extend(worker.long_option_labels);
        // In order of first use: a list the parts before used keeps its
        // place.
        self.used_lists.extend(worker.used_lists);
        for (name, list) in worker.ir_lists {
            self.ir_lists.entry(name).or_insert(list);
        }
        true
    }

    /// Lowers the expanded items in `range`, in order, continuing `body`.
    fn lower_range(
        &mut self,
        expanded: &[Expanded<'a>],
        range: std::ops::Range<usize>,
        body: &mut Body,
    ) {
        let Body {
            scope,
            sections,
            section_insert,
            section_names,
            variables,
            insert_conditions,
            reported_outside,
        } = body;
        // The last section's name, and the number of sections it is for.
        let mut current_section: Option<(usize, Arc<str>)> = None;
        for (at, e) in expanded
            .iter()
            .enumerate()
            .take(range.end)
            .skip(range.start)
        {
            scope.at = at;
            let subst = e.subst.as_deref();
            let insert_cond = match &e.insert {
                Some(ctx) => {
                    if let std::collections::btree_map::Entry::Vacant(slot) =
                        insert_conditions.entry(ctx.index)
                    {
                        slot.insert(self.when(ctx.item, None, scope));
                    }
                    insert_conditions[&ctx.index].clone()
                }
                None => None,
            };
            let insert_note = e.insert.as_ref().and_then(|ctx| ctx.note);
            match e.item.keyword.value {
                Keyword::Section => {
                    self.check_properties(e.item, "");
                    let Some((name, span)) = self.name_of(e.item, subst) else {
                        continue;
                    };
                    if let Some(d) = check_name(&name, span) {
                        self.report(d);
                    }
                    if let Some(first) = section_names.get(&name.to_ascii_lowercase()) {
                        self.report(
                            Diagnostic::new(
                                Code::DuplicateName,
                                format!("section `{name}` is defined twice"),
                            )
                            .at(span, "second definition")
                            .with(*first, "first defined here")
                            .help("rename one of them"),
                        );
                    }
                    section_names.insert(name.to_ascii_lowercase(), span);
                    let own = self.when(e.item, subst, scope);
                    let insert_when = e.insert.as_ref().and_then(|c| Self::when_span(c.item));
                    self.routing_sections.push(routing::Site {
                        name: name.clone(),
                        section: None,
                        own: Self::when_span(e.item).zip(own.clone()),
                        outer: insert_when.into_iter().collect(),
                        at: span,
                    });
                    let prefix = concat(&["section.", &name]);
                    let title = self.req_text(e.item, "title", &prefix, subst);
                    let intro = self.opt_text(e.item, "intro", &prefix, subst);
                    let mut note = self.opt_text(e.item, "note", &prefix, subst);
                    if note.is_none()
                        && let Some((span, ts)) = insert_note
                    {
                        note = Some(self.text(concat(&[&prefix, ".note"]), ts, span, None));
                    }
                    sections.push(ir::Section {
                        name: name.clone(),
                        title: title.unwrap_or_else(|| empty_text(&concat(&[&prefix, ".title"]))),
                        intro,
                        note,
                        condition: Condition::and(insert_cond.clone(), own),
                        // Room for the section's elements (an element is
                        // large, and regrowing copies them all).
                        elements: Vec::with_capacity(elements_after(expanded, at)),
                    });
                    section_insert.push(e.insert.as_ref().map(|c| c.index));
                }
                _ => {
                    let section_count = sections.len();
                    let Some(section) = sections.last_mut() else {
                        if !*reported_outside && !self.broken_section_before(e) {
                            *reported_outside = true;
                            self.report(
                                Diagnostic::new(Code::MisplacedItem, format!("this {} is not in a section", e.item.keyword.value.as_str()))
                                    .at(e.item.keyword.span, "before the first section")
                                    .help("start a page with `section <name>` and its `title` before the first question"),
                            );
                        }
                        continue;
                    };
                    // The insert's condition, unless the section already carries it.
                    let same_insert = e.insert.as_ref().map(|c| c.index)
                        == *section_insert.last().expect("parallel");
                    let mut outer = section.condition.clone();
                    if !same_insert {
                        outer = Condition::and(outer, insert_cond.clone());
                    }
                    // One string for the section's name in all its variables.
                    let section_name = match &current_section {
                        Some((i, n)) if *i == section_count => Arc::clone(n),
                        _ => {
                            let n: Arc<str> = Arc::from(section.name.as_str());
                            current_section = Some((section_count, Arc::clone(&n)));
                            n
                        }
                    };
                    let note_from_insert = if same_insert { None } else { insert_note };
                    let mut outer_spans: Vec<Span> = self
                        .routing_sections
                        .last()
                        .map(|s| {
                            s.outer
                                .iter()
                                .copied()
                                .chain(s.own.as_ref().map(|o| o.0))
                                .collect()
                        })
                        .unwrap_or_default();
                    if !same_insert
                        && let Some(w) = e.insert.as_ref().and_then(|c| Self::when_span(c.item))
                    {
                        outer_spans.push(w);
                    }
                    self.routing_outer = outer_spans;
                    self.routing_insert_when = !same_insert && insert_cond.is_some();
                    if let Some(element) = self.lower_element(
                        e.item,
                        subst,
                        outer,
                        &section_name,
                        note_from_insert,
                        scope,
                        variables,
                    ) {
                        sections.last_mut().expect("section").elements.push(element);
                    }
                }
            }
        }
    }

    /// Is there a `section` line before this item that failed to parse (and
    /// has been reported)? Then the item is not reported as outside a section.
    fn broken_section_before(&self, e: &Expanded<'a>) -> bool {
        let at = e.insert.as_ref().map_or(e.item, |c| c.item).span;
        let Some(tree) = self.loaded.files.get(&at.file) else {
            return false;
        };
        let text = &self.loaded.map.get(at.file).text;
        let mut offset = 0;
        for line in text[..(at.start as usize).min(text.len())].split_inclusive('\n') {
            let indent = line.len() - line.trim_start().len();
            let mut words = line.split_whitespace();
            let start = offset + indent;
            offset += line.len();
            let first = words.next();
            // `section`, or a misspelled `sektion` (reported as such).
            let section = first == Some("section")
                || (indent == 0
                    && first.is_some()
                    && crate::syntax::parse::misspelled_item(text, start)
                        .is_some_and(|(_, k)| k == "section"));
            if section
                && words.next().is_some_and(|w| !w.starts_with('"'))
                && !tree
                    .items
                    .iter()
                    .any(|i| i.keyword.span.start as usize == start)
            {
                return true;
            }
        }
        false
    }

    /// Names an expanded item declares, without reporting anything.
    fn quiet_names(&self, e: &Expanded<'a>, out: &mut Vec<String>) {
        let item = e.item;
        let Some(n) = &item.name else {
            return;
        };
        let Ok(name) = Self::subst_name(&n.value, e.subst.as_deref()) else {
            return;
        };
        match item.keyword.value {
            Keyword::Question => {
                if item.kind.as_ref().is_some_and(|k| k.value == "grid") {
                    for p in &item.properties {
                        if let PropertyValue::GridItem(g) = &p.value {
                            out.push(concat(&[&name, "_", &g.name.value]));
                        }
                    }
                } else {
                    out.push(name.clone());
                }
                out.push(concat(&[&name, "_other"]));
            }
            Keyword::Hidden => out.push(name),
            _ => {}
        }
    }

    /// Where an item's `when` is written.
    fn when_span(item: &Item) -> Option<Span> {
        item.properties.iter().find_map(|p| match &p.value {
            PropertyValue::When(e) => Some(e.span()),
            _ => None,
        })
    }

    /// An item's `when` condition, as written.
    fn when_expr(item: &Item) -> Option<&crate::syntax::ast::Expr> {
        let p = item.properties.iter().find(|p| p.key.value == "when")?;
        match &p.value {
            PropertyValue::When(e) => Some(e),
            _ => None,
        }
    }

    fn when(&mut self, item: &'a Item, subst: Option<&Subst>, scope: &Scope) -> Option<Condition> {
        let e = Self::when_expr(item)?;
        self.provisional = false;
        let result = self.condition(e, subst, scope).ok();
        if std::mem::take(&mut self.provisional) {
            self.deferred.push(super::Deferred {
                item,
                subst: subst.cloned(),
                result: result.clone(),
                at: scope.at,
            });
        }
        result
    }

    /// Lowers one question, display text or hidden variable.
    #[allow(clippy::too_many_arguments)]
    fn lower_element(
        &mut self,
        item: &'a Item,
        subst: Option<&Subst>,
        outer: Option<Condition>,
        section: &Arc<str>,
        insert_note: Option<(Span, &'a Vec<Translation>)>,
        scope: &mut Scope,
        out: &mut Vec<ir::Variable>,
    ) -> Option<ir::Element> {
        let kind_str = item
            .kind
            .as_ref()
            .map(|k| k.value.clone())
            .unwrap_or_default();
        let (name, name_span) = self.name_of(item, subst)?;
        // The element's name in each of its variables: one string shared.
        let element: Arc<str> = Arc::from(name.as_str());
        self.check_properties(item, &kind_str);
        if matches!(item.keyword.value, Keyword::Question | Keyword::Hidden) {
            self.declare_lineage(item, &name, name_span, &kind_str, subst);
        }
        let own = self.when(item, subst, scope);
        let outer_spans = std::mem::take(&mut self.routing_outer);
        let insert_when = std::mem::take(&mut self.routing_insert_when);
        // The routing analysis looks at conditions only: an element without
        // a `when` of its own, asked under its section's condition alone,
        // gives it nothing its section does not (the section is analysed
        // on its own, and an element of a section never shown is not
        // reported again).
        if own.is_some() || insert_when {
            self.routing_elements.push(routing::Site {
                name: name.clone(),
                section: Some(section.to_string()),
                own: Self::when_span(item).zip(own.clone()),
                outer: outer_spans,
                at: name_span,
            });
        }
        let condition = Condition::and(outer, own);
        let key = |k: &str| concat(&[&name, ".", k]);
        let mut note = self.opt_text(item, "note", &name, subst);
        if note.is_none()
            && let Some((span, ts)) = insert_note
        {
            note = Some(self.text(key("note"), ts, span, None));
        }
        let disclosure = if Self::flag(item, "identifying") {
            Disclosure::Identifying
        } else if Self::flag(item, "indirectly identifying") {
            Disclosure::IndirectlyIdentifying
        } else {
            Disclosure::None
        };
        let required = Self::flag(item, "required");

        match item.keyword.value {
            Keyword::Display => {
                let text = self.req_text(item, "text", &name, subst);
                let help = self.opt_text(item, "help", &name, subst);
                if let Some(d) = check_name(&name, name_span) {
                    self.report(d);
                }
                // Element names are unique: forms and codebooks refer to them.
                self.declare(&name, name_span, Some(Generated::Display), scope);
                return Some(ir::Element {
                    name,
                    kind: ElementKind::Display,
                    label: None,
                    text,
                    help,
                    note,
                    list: None,
                    items: Vec::new(),
                    dropdown: false,
                    condition,
                    variables: Vec::new(),
                });
            }
            Keyword::Hidden => {
                let label = self.req_text(item, "label", &name, subst);
                self.declare(&name, name_span, None, scope);
                scope.vars.insert(
                    name.to_ascii_lowercase(),
                    Known {
                        name: name.clone(),
                        kind: VariableKind::Hidden,
                        list: None,
                        level: None,
                        at: scope.at,
                        on_trust: false,
                    },
                );
                let var = ir::Variable {
                    name: name.clone(),
                    kind: VariableKind::Hidden,
                    element: Arc::clone(&element),
                    section: Arc::clone(section),
                    label: label.unwrap_or_else(|| empty_text(&key("label"))),
                    text: None,
                    list: None,
                    level: Some(Level::Nominal),
                    missing_codes: Vec::new(),
                    min: None,
                    max: None,
                    unit: None,
                    decimals: None,
                    max_length: None,
                    values: self.languages.clone(),
                    required: false,
                    disclosure: Disclosure::None,
                    condition: condition.clone(),
                    other_of: None,
                    columns: vec![name.clone()],
                    note: note.map(Box::new),
                    lineage: None,
                };
                out.push(var);
                return Some(ir::Element {
                    name: name.clone(),
                    kind: ElementKind::Hidden,
                    label: None,
                    text: None,
                    help: None,
                    note: None,
                    list: None,
                    items: Vec::new(),
                    dropdown: false,
                    condition,
                    variables: vec![name],
                });
            }
            _ => {}
        }

        // A question.
        let kind = match kind_str.as_str() {
            "single" => ElementKind::Single,
            "multiple" => ElementKind::Multiple,
            "scale" => ElementKind::Scale,
            "grid" => ElementKind::Grid,
            "integer" => ElementKind::Integer,
            "decimal" => ElementKind::Decimal,
            "text" => ElementKind::Text,
            "longtext" => ElementKind::Longtext,
            _ => ElementKind::Date,
        };
        if let Some(l) = &item.list
            && !matches!(
                kind,
                ElementKind::Single
                    | ElementKind::Multiple
                    | ElementKind::Scale
                    | ElementKind::Grid
            )
        {
            self.report(
                Diagnostic::new(
                    Code::BadListUse,
                    format!("a {kind_str} question has no answer list"),
                )
                .at(l.span, "unexpected list")
                .help("remove the list name"),
            );
        }
        let label = self.req_text(item, "label", &name, subst);
        let text = self.req_text(item, "text", &name, subst);
        let help = self.opt_text(item, "help", &name, subst);
        let list_name = if matches!(
            kind,
            ElementKind::Single | ElementKind::Multiple | ElementKind::Scale | ElementKind::Grid
        ) {
            self.question_list(item, &name, &kind_str, subst)
        } else {
            None
        };
        // What this question needs of its list, without copying the list
        // (looked up once).
        let (list, missing_codes, exclusive, together) =
            match list_name.as_ref().and_then(|n| self.ir_lists.get(n)) {
                Some(l) => (
                    Some(ListInfo {
                        level: l.level,
                        codes: l.options.iter().map(|o| o.code).collect(),
                        others: l
                            .options
                            .iter()
                            .filter(|o| o.other)
                            .map(|o| (o.code, o.label.clone()))
                            .collect(),
                    }),
                    l.options
                        .iter()
                        .filter(|o| o.missing)
                        .map(|o| o.code)
                        .collect::<Vec<i64>>(),
                    l.options.iter().find(|o| o.exclusive).map(|o| o.code),
                    // The options that can be chosen together.
                    Some(l.options.iter().filter(|o| !o.exclusive).count()),
                ),
                None => (None, Vec::new(), None, None),
            };
        // An exclusive option stands alone among several answers: a single
        // choice has only one answer anyway.
        if matches!(
            kind,
            ElementKind::Single | ElementKind::Scale | ElementKind::Grid
        ) && let Some(code) = exclusive
        {
            let flag_span = item.properties.iter().find_map(|p| match &p.value {
                PropertyValue::Option { code: c, flags, .. } if c.value == code => flags
                    .iter()
                    .find(|f| f.value == "exclusive")
                    .map(|f| f.span),
                _ => None,
            });
            let at = item
                .list
                .as_ref()
                .map(|l| l.span)
                .or(flag_span)
                .unwrap_or(name_span);
            self.report(
                Diagnostic::new(
                    Code::ExclusiveInSingle,
                    format!("option {code} is `exclusive`, but `{name}` is a {kind_str} question"),
                )
                .at(at, "one answer only")
                .help(
                    "`exclusive` is for multiple choice; drop it, or make the question `multiple`",
                ),
            );
        }
        // A scale's or grid's answers are points on the scale: an "other"
        // option there would have no text to specify (no `_other` variable).
        if matches!(kind, ElementKind::Scale | ElementKind::Grid)
            && let Some((code, _)) = list.as_ref().and_then(|l| l.others.first())
        {
            let at = item.list.as_ref().map_or(name_span, |l| l.span);
            self.report(
                Diagnostic::new(
                    Code::BadOption,
                    format!("option {code} is `other`, but `{name}` is a {kind_str} question"),
                )
                .at(at, "no text to specify here")
                .note("only single and multiple choice questions get an `_other` text")
                .help("drop `other` from the option, or make the question `single`"),
            );
        }
        let level = match kind {
            ElementKind::Integer | ElementKind::Decimal => Some(Level::Scale),
            ElementKind::Text | ElementKind::Longtext | ElementKind::Date => None,
            _ => list.as_ref().map(|l| l.level),
        };
        let min = Self::number(item, "min");
        let max = Self::number(item, "max");
        if let (Some(lo), Some(hi)) = (&min, &max)
            && lo.0 > hi.0
        {
            self.report(
                Diagnostic::new(
                    Code::BadRange,
                    format!("`min` {} is greater than `max` {}", lo.1, hi.1),
                )
                .at(lo.2, "minimum")
                .with(hi.2, "maximum")
                .help("swap the two values"),
            );
        }
        if kind == ElementKind::Multiple {
            for n in [&min, &max].into_iter().flatten() {
                if !n.3 || n.0 < 1.0 {
                    self.report(
                        Diagnostic::new(
                            Code::InvalidValue,
                            format!("`{}` is not a number of selections", n.1),
                        )
                        .at(n.2, "expected a whole number of at least 1")
                        .help("`max 5` allows at most five selections"),
                    );
                }
            }
            // A minimum no respondent can reach (exclusive options stand
            // alone): every substantive answer would be refused.
            if let (Some(n), Some(together)) = (&min, together)
                && n.3
                && n.0 > together as f64
            {
                self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        format!(
                            "`min {}` asks for more selections than the {together} option(s) that can be chosen together",
                            n.1
                        ),
                    )
                    .at(n.2, "cannot be reached")
                    .note("an `exclusive` option is chosen alone, so it does not count")
                    .help(format!("lower `min` to at most {together}, or add options")),
                );
            }
        }
        if kind == ElementKind::Integer {
            for n in [&min, &max].into_iter().flatten() {
                if !n.3 {
                    self.report(
                        Diagnostic::new(
                            Code::InvalidValue,
                            format!("`{}` is not a whole number", n.1),
                        )
                        .at(n.2, "integer question")
                        .help("use a `decimal` question for fractions"),
                    );
                }
            }
        }
        let max_length = match kind {
            ElementKind::Text | ElementKind::Longtext => {
                let default = if kind == ElementKind::Text {
                    DEFAULT_TEXT_LENGTH
                } else {
                    DEFAULT_LONGTEXT_LENGTH
                };
                match Self::number(item, "maxlength") {
                    Some((v, n, span, int)) if !int || !(1.0..=1_000_000.0).contains(&v) => {
                        self.report(
                            Diagnostic::new(
                                Code::InvalidValue,
                                format!("`maxlength {n}` is not a valid length"),
                            )
                            .at(span, "expected a whole number from 1 to 1000000")
                            .help("`maxlength 200` allows 200 characters"),
                        );
                        Some(default)
                    }
                    Some((v, ..)) => Some(v as u32),
                    None => Some(default),
                }
            }
            _ => None,
        };
        let unit = self.opt_text(item, "unit", &name, subst);
        let decimals = match Self::number(item, "decimals") {
            Some((v, _, _, true)) if (0.0..=10.0).contains(&v) => Some(v as u32),
            Some((_, n, span, _)) => {
                self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        format!("`decimals {n}` is not a number of decimal places"),
                    )
                    .at(span, "expected a whole number from 0 to 10")
                    .help("`decimals 1` allows answers like 2.5"),
                );
                None
            }
            None => None,
        };
        let dropdown = Self::flag(item, "dropdown");
        let var_kind = match kind {
            ElementKind::Single | ElementKind::Scale | ElementKind::Grid => VariableKind::Single,
            ElementKind::Multiple => VariableKind::Multiple,
            ElementKind::Integer => VariableKind::Integer,
            ElementKind::Decimal => VariableKind::Decimal,
            ElementKind::Text | ElementKind::Longtext => VariableKind::Text,
            _ => VariableKind::Date,
        };
        let base_var = |vname: String,
                        label: ir::Text,
                        text: Option<ir::Text>,
                        columns: Vec<String>| ir::Variable {
            name: vname,
            kind: var_kind,
            element: Arc::clone(&element),
            section: Arc::clone(section),
            label,
            text,
            list: list_name.clone(),
            level,
            missing_codes: missing_codes.clone(),
            min: if matches!(
                kind,
                ElementKind::Integer | ElementKind::Decimal | ElementKind::Multiple
            ) {
                min.as_ref().map(|m| m.1.clone())
            } else {
                None
            },
            max: if matches!(
                kind,
                ElementKind::Integer | ElementKind::Decimal | ElementKind::Multiple
            ) {
                max.as_ref().map(|m| m.1.clone())
            } else {
                None
            },
            unit: unit.clone().map(Box::new),
            decimals,
            max_length,
            values: Vec::new(),
            required,
            disclosure,
            condition: condition.clone(),
            other_of: None,
            columns,
            note: note.clone().map(Box::new),
            lineage: None,
        };

        // Sized up front: a grid's items, or the question's variable, and
        // one per "other" option.
        let grid_items = if kind == ElementKind::Grid {
            item.properties
                .iter()
                .filter(|p| matches!(p.value, PropertyValue::GridItem(_)))
                .count()
        } else {
            0
        };
        let others = list.as_ref().map_or(0, |l| l.others.len());
        // Straight into the body's list: a variable is large, and a list
        // of the element's own would be copied there again.
        let first_var = out.len();
        out.reserve(grid_items.max(1) + others);
        let mut items = Vec::with_capacity(grid_items);
        if kind == ElementKind::Grid {
            let mut ids: BTreeMap<String, Span> = BTreeMap::new();
            for p in &item.properties {
                let PropertyValue::GridItem(g) = &p.value else {
                    continue;
                };
                let crate::syntax::ast::GridItem {
                    name: id,
                    texts,
                    label: item_label,
                    ..
                } = &**g;
                let vname = concat(&[&name, "_", &id.value]);
                if let Some(first) = ids.get(&id.value) {
                    self.report(
                        Diagnostic::new(
                            Code::DuplicateName,
                            format!("grid item `{}` is defined twice", id.value),
                        )
                        .at(id.span, "second definition")
                        .with(*first, "first defined here")
                        .help("give every item its own letter"),
                    );
                    continue;
                }
                ids.insert(id.value.clone(), id.span);
                let ok_id = id
                    .value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !ok_id {
                    self.report(
                        Diagnostic::new(
                            Code::InvalidName,
                            format!(
                                "grid item `{}` has characters a variable name cannot have",
                                id.value
                            ),
                        )
                        .at(id.span, "invalid item id")
                        .help("use letters a, b, c, …"),
                    );
                    continue;
                }
                let item_text =
                    self.text(concat(&[&name, ".item.", &id.value]), texts, id.span, subst);
                let vlabel = match item_label {
                    Some((span, ts)) => self.text(
                        concat(&[&name, ".item.", &id.value, ".label"]),
                        ts,
                        *span,
                        subst,
                    ),
                    None => ir::Text {
                        key: item_text.key.clone(),
                        translations: item_text.translations.clone(),
                    },
                };
                if let Some(d) = check_name(&vname, id.span) {
                    self.report(d);
                }
                self.declare(
                    &vname,
                    id.span,
                    Some(Generated::GridItem {
                        element: name.len(),
                    }),
                    scope,
                );
                scope.vars.insert(
                    vname.to_ascii_lowercase(),
                    Known {
                        name: vname.clone(),
                        kind: VariableKind::Single,
                        list: list_name.clone(),
                        level,
                        at: scope.at,
                        on_trust: false,
                    },
                );
                items.push(ir::GridItem {
                    id: id.value.clone(),
                    variable: vname.clone(),
                    text: item_text.clone(),
                });
                out.push(base_var(
                    vname.clone(),
                    vlabel,
                    Some(item_text),
                    vec![vname],
                ));
            }
            if items.is_empty() {
                self.report(
                    Diagnostic::new(Code::EmptyList, format!("grid `{name}` has no items"))
                        .at(name_span, "no items")
                        .help("add items like `item a` followed by their texts"),
                );
            }
            if let Some(d) = check_name(&name, name_span) {
                self.report(d);
            }
            // The grid's own name is taken too, though its data are the
            // items' variables.
            self.declare(&name, name_span, Some(Generated::Grid), scope);
            scope.grids.insert(
                name.to_ascii_lowercase(),
                items.iter().map(|i| i.variable.clone()).collect(),
            );
        } else {
            if let Some(d) = check_name(&name, name_span) {
                self.report(d);
            }
            self.declare(&name, name_span, None, scope);
            let codes: Vec<i64> = match (&list, kind) {
                (Some(l), ElementKind::Multiple) => l.codes.clone(),
                _ => Vec::new(),
            };
            let columns = if kind == ElementKind::Multiple {
                codes
                    .iter()
                    .map(|c| concat(&[&name, "_", Decimal::new(*c).as_str()]))
                    .collect()
            } else {
                vec![name.clone()]
            };
            if kind == ElementKind::Multiple {
                for (c, code) in columns.iter().zip(&codes) {
                    if let Some(d) = check_name(c, name_span) {
                        self.report(
                            d.note("this is a flat data column of the multiple-choice question"),
                        );
                    }
                    self.declare(
                        c,
                        name_span,
                        Some(Generated::Column {
                            element: name.len(),
                            code: *code,
                        }),
                        scope,
                    );
                }
            }
            scope.vars.insert(
                name.to_ascii_lowercase(),
                Known {
                    name: name.clone(),
                    kind: var_kind,
                    list: list_name.clone(),
                    level,
                    at: scope.at,
                    on_trust: false,
                },
            );
            out.push(base_var(
                name.clone(),
                label.clone().unwrap_or_else(|| empty_text(&key("label"))),
                text.clone(),
                columns,
            ));
        }

        // "Other, please specify" texts: one per `other` option.
        if let (Some(l), true) = (
            &list,
            matches!(kind, ElementKind::Single | ElementKind::Multiple),
        ) {
            let others = &l.others;
            for (i, (code, option_label)) in others.iter().enumerate() {
                let oname = if i == 0 {
                    concat(&[&name, "_other"])
                } else {
                    concat(&[&name, "_other", Decimal::new(*code).as_str()])
                };
                if let Some(d) = check_name(&oname, name_span) {
                    self.report(d.note("this is the text variable of an \"other\" option"));
                }
                self.declare(
                    &oname,
                    name_span,
                    Some(Generated::Other {
                        element: name.len(),
                        code: *code,
                    }),
                    scope,
                );
                let test = if kind == ElementKind::Multiple {
                    Condition::Includes {
                        var: name.clone(),
                        value: ir::Constant::Number((*code).into()),
                    }
                } else {
                    Condition::Compare {
                        var: name.clone(),
                        cmp: ir::Cmp::Eq,
                        value: ir::Constant::Number((*code).into()),
                    }
                };
                let olabel = other_label(
                    label.as_ref(),
                    option_label.as_ref(),
                    &concat(&[&oname, ".label"]),
                );
                scope.vars.insert(
                    oname.to_ascii_lowercase(),
                    Known {
                        name: oname.clone(),
                        kind: VariableKind::Text,
                        list: None,
                        level: None,
                        at: scope.at,
                        on_trust: false,
                    },
                );
                out.push(ir::Variable {
                    name: oname.clone(),
                    kind: VariableKind::Text,
                    element: Arc::clone(&element),
                    section: Arc::clone(section),
                    label: olabel,
                    text: option_label.clone(),
                    list: None,
                    level: None,
                    missing_codes: Vec::new(),
                    min: None,
                    max: None,
                    unit: None,
                    decimals: None,
                    max_length: Some(DEFAULT_TEXT_LENGTH),
                    values: Vec::new(),
                    required: false,
                    disclosure: Disclosure::Identifying,
                    condition: Condition::and(condition.clone(), Some(test)),
                    other_of: Some(Box::new(ir::OtherOf {
                        variable: name.clone(),
                        code: *code,
                    })),
                    columns: vec![oname.clone()],
                    note: None,
                    lineage: None,
                });
            }
        }
        let element = ir::Element {
            name: name.clone(),
            kind,
            label: if kind == ElementKind::Grid {
                label.clone()
            } else {
                None
            },
            text,
            help,
            note: None,
            list: list_name,
            items,
            dropdown,
            condition,
            variables: out[first_var..].iter().map(|v| v.name.clone()).collect(),
        };
        Some(element)
    }

    /// Records what the item says about wave lineage (`continues`, `break`,
    /// and a grid's items), placeholders substituted, for the lineage pass
    /// (`super::lineage`), which resolves it once the IR exists.
    fn declare_lineage(
        &mut self,
        item: &'a Item,
        name: &str,
        name_span: Span,
        kind: &str,
        subst: Option<&Subst>,
    ) {
        let mut target = None;
        for p in item
            .properties
            .iter()
            .filter(|p| p.key.value == "continues")
        {
            match &p.value {
                PropertyValue::Continues(q) => target = self.subst_spanned(q, subst),
                PropertyValue::Str(s) => self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        "a question continues a variable, not a file",
                    )
                    .at(s.span, "a file name")
                    .help("name the earlier wave's file in the survey header (`continues \"…\"`) and the variable here: `continues <survey id>.<variable>`"),
                ),
                _ => {}
            }
        }
        let brk = Self::texts_prop(item, "break").map(|(p, ts)| {
            (
                self.text(format!("{name}.break"), ts, p.key.span, subst),
                p.key.span,
            )
        });
        // A variable that continues nothing and gives no `break` is no
        // matter for the lineage pass: not recorded (most of a survey's).
        if kind != "grid" {
            if target.is_none() && brk.is_none() {
                return;
            }
            self.lineage.push(lineage::Decl {
                variable: name.to_string(),
                at: name_span,
                target,
                implicit: false,
                brk,
            });
            return;
        }
        if let Some(t) = &target {
            self.lineage_grids.push(t.clone());
        }
        for p in &item.properties {
            let PropertyValue::GridItem(g) = &p.value else {
                continue;
            };
            let crate::syntax::ast::GridItem {
                name: id,
                continues,
                brk: item_brk,
                ..
            } = &**g;
            let implicit = continues.is_none();
            let own = match continues {
                Some(q) => match self.subst_spanned(q, subst) {
                    Some(v) => Some(v),
                    // Reported; no fallback to the grid's lineage.
                    None => continue,
                },
                None => None,
            };
            let item_target = own.or_else(|| {
                target
                    .as_ref()
                    .map(|t| Spanned::new(format!("{}_{}", t.value, id.value), t.span))
            });
            let item_brk = match item_brk {
                Some((span, ts)) => Some((
                    self.text(format!("{name}.item.{}.break", id.value), ts, *span, subst),
                    *span,
                )),
                None => brk.clone(),
            };
            if item_target.is_none() && item_brk.is_none() {
                continue;
            }
            self.lineage.push(lineage::Decl {
                variable: format!("{name}_{}", id.value),
                at: id.span,
                target: item_target,
                implicit,
                brk: item_brk,
            });
        }
    }

    fn declare(&mut self, name: &str, span: Span, generated: Option<Generated>, scope: &mut Scope) {
        let _ = &scope;
        if let Some(d) = self.names.declare(name, span, generated) {
            self.report(d);
        }
    }
}

/// The analyst label of an "other" text: "<question label>: <option label>".
fn other_label(question: Option<&ir::Text>, option: Option<&ir::Text>, key: &str) -> ir::Text {
    let mut translations = Vec::new();
    if let (Some(q), Some(o)) = (question, option) {
        for (lang, qt) in q.translations.entries() {
            if let Some(ot) = o.translations.get(lang) {
                let (a, b) = (qt.plain(), ot.plain());
                let mut plain = String::with_capacity(a.len() + b.len() + 2);
                plain.push_str(a);
                plain.push_str(": ");
                plain.push_str(b);
                translations.push((lang.clone(), ir::Translation::plain_text(plain)));
            }
        }
    }
    ir::Text {
        key: key.to_string(),
        translations: ir::Translations::collect_unique(translations),
    }
}

/// Two option labels that read the same, ignoring case (as
/// `str::to_lowercase` folds it); without allocating unless they probably do.
fn same_label(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    // Character by character, with final sigma folded to sigma: equal
    // whenever the lowercased strings are (`to_lowercase` writes a word's
    // last sigma as ς), so only likely duplicates pay for the exact test.
    folded(a).eq(folded(b)) && a.to_lowercase() == b.to_lowercase()
}

/// A hash of a label's characters as [`same_label`] folds them: labels it
/// finds the same hash alike.
fn label_hash(s: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = crate::fasthash::FxHasher::default();
    if s.is_ascii() {
        s.bytes()
            .for_each(|b| h.add(u64::from(b.to_ascii_lowercase())));
    } else {
        folded(s).for_each(|c| h.add(u64::from(c)));
    }
    h.finish()
}

fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ς' { 'σ' } else { c })
}

fn empty_text(key: &str) -> ir::Text {
    ir::Text {
        key: key.to_string(),
        translations: Default::default(),
    }
}

/// What a question uses of its answer list.
struct ListInfo {
    level: Level,
    /// All codes, in display order.
    codes: Vec<i64>,
    /// The "other, please specify" options: code and label.
    others: Vec<(i64, Option<ir::Text>)>,
}

/// `parts` joined into one string of exactly their length: the keys and
/// generated names of every question, built without the formatting
/// machinery (which costs several times more per call).
fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// A code in decimal, written into a buffer on the stack.
struct Decimal {
    buf: [u8; 20],
    start: usize,
}

impl Decimal {
    fn new(n: i64) -> Decimal {
        let mut buf = [0u8; 20];
        let mut start = buf.len();
        let mut v = n.unsigned_abs();
        loop {
            start -= 1;
            buf[start] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        if n < 0 {
            start -= 1;
            buf[start] = b'-';
        }
        Decimal { buf, start }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[self.start..]).expect("ASCII digits")
    }
}

#[cfg(test)]
mod tests {
    use super::{Decimal, concat, label_hash, same_label};

    proptest::proptest! {
        /// Keys and generated names read as `format!` would write them.
        #[test]
        fn decimal_and_concat_match_format(n in proptest::num::i64::ANY, a in "[a-z_]{0,12}") {
            let d = Decimal::new(n);
            proptest::prop_assert_eq!(d.as_str(), n.to_string());
            proptest::prop_assert_eq!(
                concat(&[&a, "_", Decimal::new(n).as_str()]),
                format!("{a}_{n}")
            );
        }

        /// `same_label` is exactly "equal after `to_lowercase`", also for
        /// letters whose lowercase depends on their place (final sigma) or
        /// takes more characters (İ).
        #[test]
        fn same_label_is_lowercase_equality(
            a in "[aAäÄΣσς İi]{0,6}",
            b in "[aAäÄΣσς İi]{0,6}",
        ) {
            proptest::prop_assert_eq!(same_label(&a, &b), a.to_lowercase() == b.to_lowercase());
            proptest::prop_assert!(same_label(&a, &a.to_uppercase()) == (a.to_lowercase() == a.to_uppercase().to_lowercase()));
        }

        /// Labels that read the same hash alike, so that the duplicate
        /// check, which compares only labels of equal hash, misses none
        /// (the Kelvin sign lowercases to an ASCII k).
        #[test]
        fn same_labels_hash_alike(
            a in "[aAkKK\u{212a}äÄΣσς İi]{0,6}",
            b in "[aAkKK\u{212a}äÄΣσς İi]{0,6}",
        ) {
            if same_label(&a, &b) {
                proptest::prop_assert_eq!(label_hash(&a), label_hash(&b));
            }
            if same_label(&a, &a.to_uppercase()) {
                proptest::prop_assert_eq!(label_hash(&a), label_hash(&a.to_uppercase()));
            }
        }
    }

    #[test]
    fn same_label_examples() {
        assert!(same_label("Kyllä", "KYLLÄ"));
        assert!(same_label("ΟΔΟΣ", "οδος"));
        assert!(!same_label("Kyllä", "Kylla"));
        assert!(same_label("k", "\u{212a}"));
        assert_eq!(label_hash("k"), label_hash("\u{212a}"));
        assert_ne!(label_hash("Kyllä"), label_hash("Kylla"));
    }
}
