//! The translation workflow: which translations are missing or possibly
//! stale, marking them reviewed, and PO files for translators
//! (`docs/translations.md`).
//!
//! Everything here works on the *source* — the syntax tree of the survey
//! and its modules — not on the IR: a text written once in a block is one
//! text to translate however often the block is inserted, and translations
//! are written back into the very string literals they came from.
//!
//! * [`sites`]: every translated text as written, with a stable key
//!   ([`Site::key`]) that is unique per source literal;
//! * [`fingerprint`]: what a `reviewed "…"` marker holds;
//! * [`status`]: missing and possibly stale translations;
//! * [`patch`]: rewriting string literals and markers in place;
//! * [`po`]: reading and writing gettext PO files.

pub mod cli;
pub mod patch;
pub mod po;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::load::{self, LoadOptions, Loaded};
use crate::markup;
use crate::source::{FileId, LoadError, Loader, Span};
use crate::syntax::ast::{ArgumentValue, Item, Keyword, PropertyValue, Translation};

/// The `reviewed` marker of a translation imported from a fuzzy PO entry,
/// or from one translated from an earlier source text: never a
/// fingerprint, so the translation stays possibly stale (W052, `status`, a
/// fuzzy entry in the next export) until someone confirms it.
pub const UNREVIEWED: &str = "fuzzy";

/// The fingerprint a `reviewed "…"` marker holds: 8 lowercase hex digits of
/// the 64-bit FNV-1a hash of the source-language text, folded to 32 bits.
/// The text is [`content`]: a multi-line text with its indentation removed,
/// so re-indenting or `lomake fmt` never changes a fingerprint.
pub fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:08x}", (h ^ (h >> 32)) as u32)
}

/// The text of a translation as the IR holds it before placeholders are
/// filled in: a one-line text as written between its quotes (escapes
/// kept), a multi-line text with its indentation removed.
pub fn content(t: &Translation) -> String {
    if t.multiline() {
        markup::dedent(t.raw())
    } else {
        t.raw().to_string()
    }
}

/// One translated text as written in the source: a text property, an
/// option's or grid item's label, or a text argument of an `insert`.
#[derive(Clone, Debug)]
pub struct Site {
    /// Stable key: the IR's key for texts outside blocks (`org_type.text`,
    /// `agree5.option.99`, `section.info.title`); `<block>/<key>` with the
    /// names as written (placeholders kept) inside a block
    /// (`level_block/grade_{level}.text`); `<block>(<names>).<param>` for an
    /// insert's text arguments, where `<names>` are its name arguments
    /// (`level_block(municipal).where`), or `#n` for the n-th insert of the
    /// block when it has none. A key met twice gets `#2`, `#3`, … in source
    /// order.
    pub key: String,
    pub file: FileId,
    /// What to blame when a translation is missing: the property keyword,
    /// option code, grid item or argument name.
    pub at: Span,
    /// The translations in source order.
    pub translations: Vec<Translation>,
    /// The parameters of the block the text is in: `{param}` placeholders
    /// translators must keep.
    pub params: Vec<String>,
    /// The text is inside a block: `{name}` in it is a placeholder.
    pub in_block: bool,
}

impl Site {
    pub fn get(&self, lang: &str) -> Option<&Translation> {
        self.translations.iter().find(|t| t.lang() == lang)
    }

    /// The `{name}` placeholders of a text of this site that are no
    /// parameter of its block, read as the checker reads them (`\{` is a
    /// brace); none outside blocks, where braces are text.
    pub fn unknown_placeholders(&self, text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if !self.in_block {
            return out;
        }
        for piece in crate::markup::placeholders(text) {
            if let crate::markup::Piece::Placeholder { name, .. } = piece
                && !self.params.iter().any(|p| p == name)
                && !out.iter().any(|o| o == name)
            {
                out.push(name.to_string());
            }
        }
        out
    }

    /// The `{param}` placeholders that occur in a text of this site.
    pub fn placeholders(&self, text: &str) -> Vec<String> {
        let found: Vec<&str> = crate::markup::placeholders(text)
            .filter_map(|piece| match piece {
                crate::markup::Piece::Placeholder { name, .. } => Some(name),
                crate::markup::Piece::Text(_) => None,
            })
            .collect();
        let mut out: Vec<String> = Vec::new();
        for p in &self.params {
            if found.contains(&p.as_str()) && !out.contains(p) {
                out.push(p.clone());
            }
        }
        out
    }
}

/// A survey (or module) loaded for the translation tools.
#[derive(Debug)]
pub struct Sources {
    pub loaded: Loaded,
    /// The survey's languages (empty for a module on its own); the first is
    /// the source language.
    pub languages: Vec<String>,
    pub survey_id: Option<String>,
    pub version: Option<String>,
    pub sites: Vec<Site>,
    /// Positions in `sites` sorted by key (then position), for [`Sources::site`]:
    /// an import looks up every entry of a PO file.
    by_key: Vec<u32>,
}

impl Sources {
    pub fn source_language(&self) -> Option<&str> {
        self.languages.first().map(String::as_str)
    }

    /// The (first) text with this key.
    pub fn site(&self, key: &str) -> Option<&Site> {
        // `get`, not indexing: `sites` is public, and a changed list must
        // not make a lookup panic.
        let key_at = |i: u32| self.sites.get(i as usize).map(|s| s.key.as_str());
        let at = self.by_key.partition_point(|&i| key_at(i) < Some(key));
        let site = self.sites.get(*self.by_key.get(at)? as usize)?;
        (site.key == key).then_some(site)
    }

    /// `file:line:col` of a span.
    pub fn location(&self, span: Span) -> String {
        self.loaded.map.location(span)
    }
}

/// Why sources could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// The entry file cannot be read (exit 2).
    Load(LoadError),
    /// The files do not parse: texts could be lost (exit 1).
    Syntax(Box<Loaded>, Vec<Diagnostic>),
}

/// Loads a survey and its modules through `loader` and finds their texts.
/// Syntax and module errors refuse (the texts of a broken item would be
/// missing); other mistakes are `lomake check`'s business.
pub fn open(
    loader: &dyn Loader,
    path: &Path,
    display_base: Option<PathBuf>,
) -> Result<Sources, OpenError> {
    let mut diagnostics = Vec::new();
    let loaded = load::load(
        loader,
        path,
        &LoadOptions { display_base },
        &mut diagnostics,
    )
    .map_err(OpenError::Load)?;
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(OpenError::Syntax(Box::new(loaded), diagnostics));
    }
    let header = loaded
        .files
        .get(&loaded.entry)
        .and_then(|f| f.items.iter().find(|i| i.keyword.value == Keyword::Survey));
    let mut languages = Vec::new();
    let mut version = None;
    if let Some(h) = header {
        for p in &h.properties {
            match &p.value {
                PropertyValue::Languages(ls) => {
                    languages = ls.iter().map(|l| l.value.clone()).collect();
                }
                PropertyValue::Str(s) if p.key.value == "version" => {
                    version = Some(markup::unescape(&s.value));
                }
                _ => {}
            }
        }
    }
    let survey_id = header.and_then(|h| h.name.as_ref().map(|n| n.value.clone()));
    let sites = sites(&loaded);
    let mut by_key: Vec<u32> = (0..sites.len())
        .map(|i| u32::try_from(i).expect("fewer than 2^32 texts"))
        .collect();
    by_key.sort_by(|&a, &b| sites[a as usize].key.cmp(&sites[b as usize].key));
    Ok(Sources {
        loaded,
        languages,
        survey_id,
        version,
        sites,
        by_key,
    })
}

/// Every translated text of the entry file and its modules: the entry
/// file's first, then the modules' in the order they were loaded; within a
/// file in source order.
pub fn sites(loaded: &Loaded) -> Vec<Site> {
    let mut out = Vec::new();
    for (id, file) in &loaded.files {
        let mut block: Option<(String, Vec<String>)> = None;
        let mut inserts: BTreeMap<String, usize> = BTreeMap::new();
        for item in &file.items {
            match item.keyword.value {
                Keyword::Block => {
                    let name = item
                        .name
                        .as_ref()
                        .map(|n| n.value.clone())
                        .unwrap_or_default();
                    let params = item.params.iter().map(|p| p.value.clone()).collect();
                    block = Some((name, params));
                    continue;
                }
                Keyword::End => {
                    block = None;
                    continue;
                }
                _ => {}
            }
            let (prefix, params) = match &block {
                Some((b, params)) => (format!("{b}/"), params.clone()),
                None => (String::new(), Vec::new()),
            };
            item_sites(*id, item, &prefix, &params, &mut inserts, &mut out);
        }
    }
    // Unique keys, in order.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for site in &mut out {
        let n = seen.entry(site.key.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            site.key = format!("{}#{n}", site.key);
        }
    }
    out
}

fn item_sites(
    file: FileId,
    item: &Item,
    prefix: &str,
    params: &[String],
    inserts: &mut BTreeMap<String, usize>,
    out: &mut Vec<Site>,
) {
    let name = item.name.as_ref().map(|n| n.value.as_str()).unwrap_or("");
    let base = match item.keyword.value {
        Keyword::Survey => "survey".to_string(),
        Keyword::Introduction => "introduction".to_string(),
        Keyword::Section => format!("section.{name}"),
        Keyword::Insert => {
            let n = inserts.entry(name.to_string()).or_insert(0);
            *n += 1;
            let names: Vec<&str> = item
                .arguments
                .iter()
                .filter_map(|a| match &a.value {
                    ArgumentValue::Name(v) => Some(v.value.as_str()),
                    ArgumentValue::Texts(_) => None,
                })
                .collect();
            let which = if names.is_empty() {
                format!("#{n}")
            } else {
                names.join(",")
            };
            let base = format!("{name}({which})");
            for a in &item.arguments {
                if let ArgumentValue::Texts(ts) = &a.value {
                    out.push(Site {
                        key: format!("{prefix}{base}.{}", a.name.value),
                        file,
                        at: a.name.span,
                        translations: ts.clone(),
                        params: params.to_vec(),
                        in_block: !prefix.is_empty(),
                    });
                }
            }
            base
        }
        Keyword::Use | Keyword::Block | Keyword::End => return,
        _ => name.to_string(),
    };
    let mut push = |key: String, at: Span, ts: &[Translation]| {
        out.push(Site {
            key: format!("{prefix}{base}.{key}"),
            file,
            at,
            translations: ts.to_vec(),
            params: params.to_vec(),
            in_block: !prefix.is_empty(),
        });
    };
    for p in &item.properties {
        match &p.value {
            PropertyValue::Texts(ts) => push(p.key.value.to_string(), p.key.span, ts),
            PropertyValue::Option { code, texts, .. } => {
                push(format!("option.{}", code.value), code.span, texts);
            }
            PropertyValue::GridItem(g) => {
                let crate::syntax::ast::GridItem {
                    name,
                    texts,
                    label,
                    brk,
                    ..
                } = &**g;
                push(format!("item.{}", name.value), name.span, texts);
                if let Some((span, ts)) = label {
                    push(format!("item.{}.label", name.value), *span, ts);
                }
                if let Some((span, ts)) = brk {
                    push(format!("item.{}.break", name.value), *span, ts);
                }
            }
            _ => {}
        }
    }
}

/// The survey files under a folder (`*.survey`, hidden folders skipped),
/// sorted; a file is itself.
pub fn survey_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    crate::load::survey_files(path)
}

/// Why a translation is reported.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    /// The text has no translation in this language.
    Missing,
    /// The translation's `reviewed` marker is not the fingerprint of the
    /// current source text: the source changed after the review.
    ReviewedEarlier { marker: String, current: String },
    /// The source text changed since the revision while the translation
    /// did not (and no marker matches the current source).
    ChangedSince { rev: String, old_source: String },
}

/// One missing or possibly stale translation.
#[derive(Clone, Debug)]
pub struct Finding {
    pub key: String,
    pub lang: String,
    /// The translation (stale) or the text's keyword (missing).
    pub span: Span,
    pub problem: Problem,
}

impl Finding {
    pub fn is_stale(&self) -> bool {
        self.problem != Problem::Missing
    }
}

/// The texts of an earlier revision, by key, for `--since`.
#[derive(Debug, Clone, Default)]
pub struct Earlier {
    pub rev: String,
    pub sites: BTreeMap<String, Site>,
}

impl Earlier {
    pub fn of(rev: &str, sources: &Sources) -> Earlier {
        Earlier {
            rev: rev.to_string(),
            sites: sources
                .sites
                .iter()
                .map(|s| (s.key.clone(), s.clone()))
                .collect(),
        }
    }
}

/// Is this translation possibly stale? `None` when it is not (or it is the
/// source language, or the text has no source-language translation).
///
/// A translation with a `reviewed` marker is stale exactly when the marker
/// is not the current source text's fingerprint. Without a marker, and with
/// an earlier revision, it is stale when the source text differs from the
/// earlier one while the translation is the same as it was.
pub fn staleness(
    site: &Site,
    source_lang: &str,
    t: &Translation,
    earlier: Option<&Earlier>,
) -> Option<Problem> {
    if t.lang() == source_lang {
        return None;
    }
    let source = content(site.get(source_lang)?);
    let current = fingerprint(&source);
    if let Some(marker) = t.reviewed() {
        return (marker.value != current).then(|| Problem::ReviewedEarlier {
            marker: marker.value.clone(),
            current,
        });
    }
    let earlier = earlier?;
    let old = earlier.sites.get(&site.key)?;
    let old_source = old.get(source_lang)?;
    let old_t = old.get(t.lang())?;
    (content(old_source) != source && content(old_t) == content(t)).then(|| Problem::ChangedSince {
        rev: earlier.rev.clone(),
        old_source: patch::to_text(old_source),
    })
}

/// The missing and possibly stale translations of one survey (its modules
/// included), in source order. A module on its own has no languages: only
/// its markers are checked.
pub fn status(sources: &Sources, earlier: Option<&Earlier>) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(src) = sources.source_language() else {
        return out;
    };
    for site in &sources.sites {
        for lang in &sources.languages {
            if site.get(lang).is_none() {
                out.push(Finding {
                    key: site.key.clone(),
                    lang: lang.clone(),
                    span: site.at,
                    problem: Problem::Missing,
                });
            }
        }
        for t in &site.translations {
            if let Some(problem) = staleness(site, src, t, earlier) {
                out.push(Finding {
                    key: site.key.clone(),
                    lang: t.lang().to_string(),
                    span: t.lang_span(),
                    problem,
                });
            }
        }
    }
    out
}

/// Which translations `review` marks: those matching the filters that are
/// possibly stale, or every translation of the given keys.
#[derive(Debug, Clone, Default)]
pub struct ReviewFilter {
    pub langs: BTreeSet<String>,
    pub keys: BTreeSet<String>,
}

/// The edits that mark translations reviewed: `(file, edit, key, lang)`.
pub fn review_edits(
    sources: &Sources,
    filter: &ReviewFilter,
    earlier: Option<&Earlier>,
) -> Vec<(FileId, patch::Edit, String, String)> {
    let mut out = Vec::new();
    let Some(src) = sources.source_language() else {
        return out;
    };
    for site in &sources.sites {
        if !filter.keys.is_empty() && !filter.keys.contains(&site.key) {
            continue;
        }
        let Some(source) = site.get(src) else {
            continue;
        };
        let fp = fingerprint(&content(source));
        for t in &site.translations {
            if t.lang() == src || (!filter.langs.is_empty() && !filter.langs.contains(t.lang())) {
                continue;
            }
            let chosen = !filter.keys.is_empty() || staleness(site, src, t, earlier).is_some();
            if !chosen {
                continue;
            }
            if let Some(e) = patch::marker_edit(t, &fp) {
                out.push((site.file, e, site.key.clone(), t.lang().to_string()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::MemoryLoader;

    #[test]
    fn fingerprints_are_fnv1a_folded() {
        // FNV-1a 64 of "" is the offset basis cbf29ce484222325.
        assert_eq!(
            fingerprint(""),
            format!("{:08x}", 0xcbf29ce4u32 ^ 0x84222325u32)
        );
        assert_eq!(fingerprint("Kyllä").len(), 8);
        assert_ne!(fingerprint("Kyllä"), fingerprint("Kylla"));
    }

    #[test]
    fn keys_are_unique_per_literal() {
        let mut l = MemoryLoader::new();
        l.add(
            "s.survey",
            "survey s\n  version \"1\"\n  languages fi sv\n  title\n    fi \"T\"\n    sv \"T\"\n\
             block b(level, where)\n  question q_{level} single\n    text\n      fi \"Q {where}\"\n      sv \"F {where}\"\n    option 1\n      fi \"K\"\n      sv \"J\"\nend\n\
             insert b\n  level one\n  where\n    fi \"yksi\"\n    sv \"ett\"\n\
             insert b\n  level two\n  where\n    fi \"kaksi\"\n    sv \"två\"\n",
        );
        let s = open(&l, Path::new("s.survey"), None).unwrap();
        let keys: Vec<&str> = s.sites.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "survey.title",
                "b/q_{level}.text",
                "b/q_{level}.option.1",
                "b(one).where",
                "b(two).where"
            ]
        );
        assert_eq!(s.sites[1].placeholders("Q {where}"), ["where"]);
        // Every text is found by its key; other keys find nothing.
        for site in &s.sites {
            assert!(std::ptr::eq(s.site(&site.key).expect("found"), site));
        }
        for other in ["", "b", "b(one)", "survey.title.x", "~"] {
            assert!(s.site(other).is_none(), "{other}");
        }
    }
}
