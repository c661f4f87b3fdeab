//! The intermediate representation: a checked survey, ready for the targets.
//!
//! The IR is produced only by the checker (`check::check`) and is the only
//! thing targets read. It is plain data: ordered lists throughout, no spans,
//! no absolute paths, and it serializes to `ir.json` deterministically.
//! `docs/ir.md` documents every field.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::markup::Paragraph;

/// Version of the `ir.json` layout; bumped on incompatible changes.
pub const IR_FORMAT: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Survey {
    pub format: u32,
    pub id: String,
    pub version: String,
    /// Ordered; the first is the source language.
    pub languages: Vec<String>,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<Text>,
    /// Where the form POSTs responses (`submit` in the header); the
    /// command line and `lomake.yaml` override it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduction: Option<Introduction>,
    /// Every answer list a question uses, named ones first in source order.
    pub lists: Vec<AnswerList>,
    pub sections: Vec<Section>,
    /// Every variable of the response data, in questionnaire order.
    pub variables: Vec<Variable>,
}

/// A translated text. `translations` holds one entry per survey language,
/// in the survey's language order (a draft built with
/// `--allow-missing-translations` may lack some; targets then fall back to
/// the source language).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Text {
    /// Stable key of this text (`org_type.text`, `agree5.option.99`): used by
    /// translation tools to follow a text across edits.
    pub key: String,
    pub translations: IndexMap<String, Translation>,
}

/// One language of a text. In `ir.json`, `plain` is left out when it equals
/// `raw`, and `markup` when it is just `plain` as one paragraph: most texts
/// have no markup, and the IR stays a third of the size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "TranslationRepr", from = "TranslationRepr")]
pub struct Translation {
    /// The text as written (indentation stripped, escapes kept).
    pub raw: String,
    /// The text without markup.
    pub plain: String,
    /// The parsed markup: paragraphs of inline content.
    pub markup: Vec<Paragraph>,
    pub reviewed: Option<String>,
}

/// How a [`Translation`] is written in `ir.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct TranslationRepr {
    raw: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    plain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    markup: Option<Vec<Paragraph>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reviewed: Option<String>,
}

/// The markup of a text without any: one paragraph of plain text.
fn unmarked(plain: &str) -> Vec<Paragraph> {
    if plain.is_empty() {
        Vec::new()
    } else {
        vec![vec![crate::markup::Inline::Text {
            text: plain.to_string(),
        }]]
    }
}

impl From<Translation> for TranslationRepr {
    fn from(t: Translation) -> TranslationRepr {
        let markup = (t.markup != unmarked(&t.plain)).then_some(t.markup);
        let plain = (t.plain != t.raw).then_some(t.plain);
        TranslationRepr {
            raw: t.raw,
            plain,
            markup,
            reviewed: t.reviewed,
        }
    }
}

impl From<TranslationRepr> for Translation {
    fn from(r: TranslationRepr) -> Translation {
        let plain = r.plain.unwrap_or_else(|| r.raw.clone());
        let markup = r.markup.unwrap_or_else(|| unmarked(&plain));
        Translation {
            raw: r.raw,
            plain,
            markup,
            reviewed: r.reviewed,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Introduction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibility: Option<Text>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Nominal,
    Ordinal,
    Scale,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerList {
    /// The list's name: a named `scale`/`list`, or the question's name for
    /// options written inside a question.
    pub name: String,
    /// Written as `scale` (a rating scale) rather than `list`.
    pub scale: bool,
    pub level: Level,
    /// In display order.
    pub options: Vec<AnswerOption>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerOption {
    pub code: i64,
    /// Absent for codes of a `values` range that carry no label of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub missing: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub exclusive: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub other: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub name: String,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
    /// When the section is shown at all (its own and its block's conditions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    pub elements: Vec<Element>,
}

/// What a respondent sees on a page, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Element {
    pub name: String,
    pub kind: ElementKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    /// The answer list (by name in `Survey::lists`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<GridItem>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub dropdown: bool,
    /// The fully combined condition (section, block and own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    /// The variables this element produces, by name.
    pub variables: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ElementKind {
    Single,
    Multiple,
    Scale,
    Grid,
    Integer,
    Decimal,
    Text,
    Longtext,
    Date,
    Display,
    Hidden,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GridItem {
    pub id: String,
    pub variable: String,
    pub text: Text,
}

/// The kind of value a variable holds in the response data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VariableKind {
    /// One code (single choice, scale or grid item).
    Single,
    /// A set of codes.
    Multiple,
    Integer,
    Decimal,
    Text,
    Date,
    /// Set by the form, not by the respondent.
    Hidden,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variable {
    pub name: String,
    pub kind: VariableKind,
    /// The element that asks it.
    pub element: String,
    pub section: String,
    pub label: Text,
    /// The question text (for grid items: the item's text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Declared missing codes of its list (`99`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_codes: Vec<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<serde_json::Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<serde_json::Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Text>,
    /// Decimal places of a decimal answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u32>,
    /// Maximum length of a text in Unicode code points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Allowed values of a hidden variable (the survey's languages for `lang`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    pub disclosure: Disclosure,
    /// When the variable is asked: the fully combined condition. Absent = always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    /// For an "other, please specify" text: the question and code it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_of: Option<OtherOf>,
    /// Column names in the flat data layout.
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
    /// Wave lineage: the variable of an earlier wave this one continues
    /// (`continues`), and what changed since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lineage: Option<Lineage>,
}

/// Where a variable comes from in an earlier wave, and what changed. Filled
/// by the checker's lineage pass (`check::lineage`), which compares this
/// variable with the earlier wave's checked IR.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lineage {
    /// The earlier wave's survey id.
    pub survey: String,
    /// The earlier wave's version.
    pub version: String,
    /// The variable it continues there.
    pub variable: String,
    /// What changed, one entry per class in [`ChangeClass`] order; empty when
    /// the variable is identical.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// The author's reason for a break in comparability (`break`), which
    /// acknowledges it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<Text>,
}

impl Lineage {
    /// Some change breaks comparability (acknowledged or not).
    pub fn breaks(&self) -> bool {
        self.changes.iter().any(|c| c.class.breaks())
    }

    /// A break that the author has not acknowledged.
    pub fn unacknowledged_break(&self) -> bool {
        self.breaks() && self.acknowledged.is_none()
    }
}

/// One class of change between a variable and the one it continues.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub class: ChangeClass,
    /// `wording`: the languages whose texts changed, in survey order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    /// The code classes: the codes concerned, ascending.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<i64>,
}

/// The classes of change, in the order they are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeClass {
    /// The variable's kind, measurement level or answer scale changed.
    Kind,
    /// A code now means something else: its source-language label changed.
    CodesRelabelled,
    /// A code changed between missing and substantive, or an old code's
    /// label now belongs to another code.
    CodesReused,
    /// New codes (existing codes may now cover less).
    CodesAdded,
    /// Codes no longer offered.
    CodesRemoved,
    /// Who is asked changed: the condition differs.
    Routing,
    /// Question, item, help, unit or option texts changed in some languages
    /// (source-language option labels count as relabelled codes instead).
    Wording,
}

impl ChangeClass {
    /// Relabelled codes, reused codes and kind changes break comparability:
    /// the checker warns about them unless a `break` acknowledges them.
    pub fn breaks(self) -> bool {
        matches!(
            self,
            ChangeClass::Kind | ChangeClass::CodesRelabelled | ChangeClass::CodesReused
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeClass::Kind => "kind",
            ChangeClass::CodesRelabelled => "codes_relabelled",
            ChangeClass::CodesReused => "codes_reused",
            ChangeClass::CodesAdded => "codes_added",
            ChangeClass::CodesRemoved => "codes_removed",
            ChangeClass::Routing => "routing",
            ChangeClass::Wording => "wording",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disclosure {
    None,
    Identifying,
    IndirectlyIdentifying,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OtherOf {
    pub variable: String,
    pub code: i64,
}

/// A routing condition over response variables; evaluated with the
/// three-valued semantics of `docs/language.md` (see `crate::eval`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Condition {
    And {
        args: Vec<Condition>,
    },
    Or {
        args: Vec<Condition>,
    },
    Not {
        arg: Box<Condition>,
    },
    Answered {
        var: String,
    },
    Substantive {
        var: String,
    },
    /// `var <cmp> value`: a code, number or string constant.
    Compare {
        var: String,
        cmp: Cmp,
        value: Constant,
    },
    /// `var <cmp> other`: two variables.
    CompareVars {
        var: String,
        cmp: Cmp,
        other: String,
    },
    In {
        var: String,
        values: Vec<Constant>,
    },
    Includes {
        var: String,
        value: Constant,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmp {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Constant {
    Number(serde_json::Number),
    String(String),
}

impl Condition {
    /// `a and b`, flattening nested conjunctions; `None` means "always".
    pub fn and(a: Option<Condition>, b: Option<Condition>) -> Option<Condition> {
        match (a, b) {
            (None, x) | (x, None) => x,
            (Some(a), Some(b)) => {
                let mut args = Vec::new();
                for c in [a, b] {
                    match c {
                        Condition::And { args: inner } => args.extend(inner),
                        other => args.push(other),
                    }
                }
                Some(Condition::And { args })
            }
        }
    }

    /// Variables the condition reads, in order of appearance.
    pub fn variables(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.walk_vars(&mut out);
        out
    }

    fn walk_vars<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Condition::And { args } | Condition::Or { args } => {
                args.iter().for_each(|a| a.walk_vars(out))
            }
            Condition::Not { arg } => arg.walk_vars(out),
            Condition::Answered { var }
            | Condition::Substantive { var }
            | Condition::Compare { var, .. }
            | Condition::In { var, .. }
            | Condition::Includes { var, .. } => out.push(var),
            Condition::CompareVars { var, other, .. } => {
                out.push(var);
                out.push(other);
            }
        }
    }
}

impl AnswerList {
    /// The codes of its exclusive options, in display order.
    pub fn exclusive_codes(&self) -> Vec<i64> {
        self.options
            .iter()
            .filter(|o| o.exclusive)
            .map(|o| o.code)
            .collect()
    }
}

impl Survey {
    pub fn list(&self, name: &str) -> Option<&AnswerList> {
        self.lists.iter().find(|l| l.name == name)
    }

    pub fn variable(&self, name: &str) -> Option<&Variable> {
        self.variables.iter().find(|v| v.name == name)
    }

    /// `ir.json`: pretty-printed, with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("the IR serializes");
        s.push('\n');
        s
    }
}

/// A real date written `YYYY-MM-DD` (proleptic Gregorian).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (
        date_digits(&b[0..4]),
        date_digits(&b[5..7]),
        date_digits(&b[8..10]),
    ) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn date_digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}
