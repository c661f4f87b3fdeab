//! The intermediate representation: a checked survey, ready for the targets.
//!
//! The IR is produced only by the checker (`check::check`) and is the only
//! thing targets read. It is plain data: ordered lists throughout, no spans,
//! no absolute paths, and it serializes to `ir.json` deterministically.
//! `docs/ir.md` documents every field.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::markup::{MarkupIssue, Paragraph};
use crate::shared::SharedStr;

mod lookup;

pub use lookup::Lookups;

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
    /// Tables for [`Survey::list`], [`Survey::variable`] and
    /// [`Survey::element`], built on first use; not part of `ir.json`.
    #[serde(skip)]
    pub lookups: Lookups,
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
    pub translations: Translations,
}

/// The translations of one text: language code → [`Translation`], in the
/// survey's language order; in `ir.json` an object in that order.
///
/// The list is shared, so cloning a text is cheap: the same text is often
/// both an element's and its variable's (a question's text, a grid item's
/// text and label).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Translations(Arc<[(Lang, Translation)]>);

/// A language code, shared by every text of a survey.
pub type Lang = Arc<str>;

impl Translations {
    /// Translations in the given order; a language given twice keeps its
    /// last translation, in the place of its first.
    pub fn from_vec(list: Vec<(Lang, Translation)>) -> Translations {
        if each_language_once(&list) {
            return Translations(list.into());
        }
        let mut out = Translations::default();
        for (lang, t) in list {
            out.insert(lang, t);
        }
        out
    }

    /// Translations from pairs in order, each language once (which the
    /// caller guarantees): one allocation when the count is known.
    pub fn collect_unique<I>(pairs: I) -> Translations
    where
        I: IntoIterator<Item = (Lang, Translation)>,
        I::IntoIter: ExactSizeIterator,
    {
        let list: Arc<[(Lang, Translation)]> = pairs.into_iter().collect();
        debug_assert!(each_language_once(&list), "a language twice");
        Translations(list)
    }

    pub fn get(&self, lang: &str) -> Option<&Translation> {
        self.0.iter().find(|(l, _)| **l == *lang).map(|(_, t)| t)
    }

    pub fn contains_key(&self, lang: &str) -> bool {
        self.get(lang).is_some()
    }

    /// Sets a language's translation: replaced in place, or added last.
    pub fn insert(&mut self, lang: impl Into<Lang>, t: Translation) {
        let lang: Lang = lang.into();
        match self.0.iter().position(|(l, _)| *l == lang) {
            Some(i) => Arc::make_mut(&mut self.0)[i].1 = t,
            None => {
                let mut list = self.0.to_vec();
                list.push((lang, t));
                self.0 = list.into();
            }
        }
    }

    /// Removes a language's translation, keeping the others' order.
    pub fn remove(&mut self, lang: &str) -> Option<Translation> {
        let i = self.0.iter().position(|(l, _)| **l == *lang)?;
        let mut list = self.0.to_vec();
        let (_, t) = list.remove(i);
        self.0 = list.into();
        Some(t)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> TranslationsIter<'_> {
        TranslationsIter(self.0.iter())
    }

    /// The pairs themselves, with the shared language codes.
    pub fn entries(&self) -> std::slice::Iter<'_, (Lang, Translation)> {
        self.0.iter()
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.0.iter().map(|(l, _)| &**l)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Translation> + ExactSizeIterator {
        self.0.iter().map(|(_, t)| t)
    }
}

fn each_language_once(list: &[(Lang, Translation)]) -> bool {
    list.iter()
        .enumerate()
        .all(|(i, (l, _))| !list[..i].iter().any(|(k, _)| k == l))
}

/// Iterator over a text's `(language, translation)` pairs, in order.
pub struct TranslationsIter<'a>(std::slice::Iter<'a, (Lang, Translation)>);

impl<'a> Iterator for TranslationsIter<'a> {
    type Item = (&'a str, &'a Translation);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(l, t)| (&**l, t))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for TranslationsIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(l, t)| (&**l, t))
    }
}

impl ExactSizeIterator for TranslationsIter<'_> {}

impl<'a> IntoIterator for &'a Translations {
    type Item = (&'a str, &'a Translation);
    type IntoIter = TranslationsIter<'a>;

    fn into_iter(self) -> TranslationsIter<'a> {
        self.iter()
    }
}

impl std::ops::Index<&str> for Translations {
    type Output = Translation;

    fn index(&self, lang: &str) -> &Translation {
        self.get(lang)
            .unwrap_or_else(|| panic!("no `{lang}` translation"))
    }
}

impl Serialize for Translations {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.len()))?;
        for (lang, t) in self.iter() {
            map.serialize_entry(lang, t)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Translations {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Translations;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of translations by language")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Translations, A::Error> {
                let mut list = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some((lang, t)) = map.next_entry::<String, Translation>()? {
                    list.push((Lang::from(lang), t));
                }
                Ok(Translations::from_vec(list))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// One language of a text.
///
/// Most texts have no markup: their plain text is `raw` and their markup one
/// paragraph of it. Such a translation stores `raw` alone (as `ir.json` does:
/// `plain` is left out when it equals `raw`, `markup` when it is `plain` as
/// one paragraph), and [`Translation::plain`] and [`Translation::markup`]
/// give the rest. The markup of a text read from the source is parsed on
/// first use: checking needs only its plain text and its problems.
#[derive(Clone)]
pub struct Translation {
    /// The text as written (indentation stripped, escapes kept): usually
    /// a slice of the source file, not a copy.
    pub raw: SharedStr,
    /// What most translations lack: a plain text other than `raw`, markup,
    /// a review marker. Kept apart so that a translation stays small.
    extra: Option<Box<Extra>>,
}

#[derive(Clone, Default)]
struct Extra {
    /// The text without markup, when it is not `raw`.
    plain: Option<String>,
    /// The parsed markup, when it is not `plain` as one paragraph: given,
    /// or (still empty) `markup::parse(raw)`, read on first use.
    markup: Option<std::sync::OnceLock<Vec<Paragraph>>>,
    reviewed: Option<String>,
}

impl Translation {
    /// A text as written, its markup parsed; with the problems found in the
    /// markup (a link to a scheme not allowed, emphasis never closed).
    pub fn parse(
        raw: impl Into<SharedStr>,
        reviewed: Option<String>,
    ) -> (Translation, Vec<MarkupIssue>) {
        let raw: SharedStr = raw.into();
        // Without markup characters, line breaks or surrounding white space
        // the text is its own plain text: the common case, without a walk.
        let simple = crate::bytes::find_any(raw.as_bytes(), 0, [b'*', b'[', b'\\', b'\n'])
            >= raw.len()
            && crate::bytes::is_trimmed(&raw);
        if simple {
            let t = Translation::new(raw, None, None, reviewed);
            return (t, Vec::new());
        }
        // The plain text and the problems now; the tree when asked for.
        let scan = crate::markup::scan(&raw);
        let plain = (scan.plain != *raw).then_some(scan.plain);
        let markup = scan.marked.then(std::sync::OnceLock::new);
        (Translation::new(raw, plain, markup, reviewed), scan.issues)
    }

    fn new(
        raw: SharedStr,
        plain: Option<String>,
        markup: Option<std::sync::OnceLock<Vec<Paragraph>>>,
        reviewed: Option<String>,
    ) -> Translation {
        let extra = (plain.is_some() || markup.is_some() || reviewed.is_some()).then(|| {
            Box::new(Extra {
                plain,
                markup,
                reviewed,
            })
        });
        Translation { raw, extra }
    }

    /// A translation from all its parts (as `ir.json` has them).
    pub fn from_parts(
        raw: String,
        plain: String,
        markup: Vec<Paragraph>,
        reviewed: Option<String>,
    ) -> Translation {
        let markup = (!is_unmarked(&markup, &plain)).then(|| markup.into());
        let plain = (plain != raw).then_some(plain);
        Translation::new(raw.into(), plain, markup, reviewed)
    }

    /// A text without markup: `raw` is `plain` with its markup characters
    /// escaped.
    pub fn plain_text(plain: String) -> Translation {
        let first = crate::bytes::find_any(plain.as_bytes(), 0, [b'\\', b'*', b'[']);
        if first < plain.len() {
            let mut raw = String::with_capacity(plain.len() + 8);
            raw.push_str(&plain[..first]);
            for c in plain[first..].chars() {
                if matches!(c, '\\' | '*' | '[') {
                    raw.push('\\');
                }
                raw.push(c);
            }
            Translation::new(raw.into(), Some(plain), None, None)
        } else {
            Translation::new(plain.into(), None, None, None)
        }
    }

    /// The text without markup, escapes decoded; paragraphs separated by a
    /// blank line.
    pub fn plain(&self) -> &str {
        self.extra
            .as_ref()
            .and_then(|e| e.plain.as_deref())
            .unwrap_or(&self.raw)
    }

    /// The review marker (`reviewed "…"`), if any.
    pub fn reviewed(&self) -> Option<&str> {
        self.extra.as_ref()?.reviewed.as_deref()
    }

    fn stored_plain(&self) -> Option<&str> {
        self.extra.as_ref()?.plain.as_deref()
    }

    fn stored_markup(&self) -> Option<&std::sync::OnceLock<Vec<Paragraph>>> {
        self.extra.as_ref()?.markup.as_ref()
    }

    /// The parsed markup: paragraphs of inline content.
    pub fn markup(&self) -> std::borrow::Cow<'_, [Paragraph]> {
        match self.marked() {
            Some(m) => std::borrow::Cow::Borrowed(m),
            None => std::borrow::Cow::Owned(unmarked(self.plain())),
        }
    }

    /// The markup when it is not `plain` as one paragraph, parsed now if it
    /// was not yet.
    fn marked(&self) -> Option<&[Paragraph]> {
        let lock = self.stored_markup()?;
        Some(lock.get_or_init(|| crate::markup::parse(&self.raw).0))
    }
}

/// As the stored parts would compare: the markup parsed where it must be.
impl PartialEq for Translation {
    fn eq(&self, other: &Translation) -> bool {
        self.raw == other.raw
            && self.stored_plain() == other.stored_plain()
            && self.reviewed() == other.reviewed()
            && match (self.stored_markup(), other.stored_markup()) {
                (None, None) => true,
                // Both still to be parsed from the same `raw`.
                (Some(a), Some(b)) if a.get().is_none() && b.get().is_none() => true,
                (Some(_), Some(_)) => self.marked() == other.marked(),
                _ => false,
            }
    }
}

/// As the stored parts: the markup parsed if it was not yet.
impl std::fmt::Debug for Translation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Translation")
            .field("raw", &self.raw)
            .field("plain", &self.stored_plain())
            .field("markup", &self.marked())
            .field("reviewed", &self.reviewed())
            .finish()
    }
}

/// How a [`Translation`] is written in `ir.json`.
#[derive(Serialize)]
struct TranslationOut<'a> {
    raw: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    plain: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    markup: Option<&'a [Paragraph]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reviewed: Option<&'a str>,
}

/// How a [`Translation`] is read from `ir.json`.
#[derive(Deserialize)]
struct TranslationIn {
    raw: String,
    #[serde(default)]
    plain: Option<String>,
    #[serde(default)]
    markup: Option<Vec<Paragraph>>,
    #[serde(default)]
    reviewed: Option<String>,
}

impl Serialize for Translation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        TranslationOut {
            raw: &self.raw,
            plain: self.stored_plain(),
            markup: self.marked(),
            reviewed: self.reviewed(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Translation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = TranslationIn::deserialize(d)?;
        let plain = r.plain.unwrap_or_else(|| r.raw.clone());
        let markup = r.markup.unwrap_or_else(|| unmarked(&plain));
        Ok(Translation::from_parts(r.raw, plain, markup, r.reviewed))
    }
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

/// `markup == unmarked(plain)`, without building it.
fn is_unmarked(markup: &[Paragraph], plain: &str) -> bool {
    match markup {
        [] => plain.is_empty(),
        [p] => {
            matches!(p.as_slice(), [crate::markup::Inline::Text { text }] if text == plain && !plain.is_empty())
        }
        _ => false,
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
    /// A grid's own analyst label (its items' variables have theirs): the
    /// label of the grid as a group (DDI `varGrp`). Absent for other kinds,
    /// whose label is their variable's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    /// A display text's researcher note (codebooks only). A question's note
    /// is its variables' (`Variable::note`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
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
    /// The element that asks it (shared with the element's other
    /// variables: a survey has many).
    pub element: Arc<str>,
    pub section: Arc<str>,
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
    /// Boxed, as `other_of` and `note`: most variables have none, and a
    /// survey has many variables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Box<Text>>,
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
    pub other_of: Option<Box<OtherOf>>,
    /// Column names in the flat data layout.
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Box<Text>>,
    /// Wave lineage: the variable of an earlier wave this one continues
    /// (`continues`), and what changed since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lineage: Option<Box<Lineage>>,
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
    /// The answers allowed changed otherwise: `min` or `max` (of a number,
    /// or of a multiple choice's selections), a text's maximum length (the
    /// kind staying the same).
    Range,
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
            ChangeClass::Range => "range",
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
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

#[cfg(test)]
mod tests {
    use super::Translation;

    proptest::proptest! {
        /// `plain_text` escapes the markup characters as three `replace`s
        /// in a row would, and the result reads back as the plain text.
        #[test]
        fn plain_text_escapes_markup(plain in r"[\\*\[\]äa-e]{0,39}") {
            let t = Translation::plain_text(plain.clone());
            let expected = plain
                .replace('\\', "\\\\")
                .replace('*', "\\*")
                .replace('[', "\\[");
            proptest::prop_assert_eq!(&*t.raw, expected.as_str());
            proptest::prop_assert_eq!(t.plain(), plain.as_str());
            let (back, issues) = Translation::parse(expected, None);
            proptest::prop_assert!(issues.is_empty());
            proptest::prop_assert_eq!(back.plain(), plain.as_str());
        }
    }
}
