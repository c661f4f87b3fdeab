//! Variable names: the rules every name in the response data must follow.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// SPSS reserved words: never valid as variable names.
pub const RESERVED: &[&str] = &[
    "ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH",
];

/// Names the flat data layout uses for the response envelope.
pub const ENVELOPE: &[&str] = &["resp_id", "resp_status", "resp_submitted"];

pub const MAX_NAME: usize = 32;

/// By lowercase name: the name as written where it differs, where it was
/// declared, and what derived it.
type Seen = crate::fasthash::FastMap<String, (Option<String>, Span, Option<Generated>)>;

/// Names declared so far, by lowercase name, with where they came from.
#[derive(Default, Debug)]
pub struct NameTable {
    seen: Seen,
    /// The tables of parts of the survey lowered on other threads (taken
    /// in whole, not copied entry by entry): no name is in two tables.
    parts: Vec<Seen>,
    /// The hash of every name declared, in any of the tables, in order: for
    /// [`NameTable::clashes`], which compares two tables by these numbers
    /// instead of looking each name of one up in the other (whose entries
    /// and their strings are then not in the cache).
    hashes: Vec<u64>,
    /// `hashes[..indexed]` as a set (made by `clashes`).
    index: crate::fasthash::FastSet<u64>,
    indexed: usize,
}

/// Where each variable of a checked survey is declared, by its name as
/// written: looked up by name only (the tables have no order).
#[derive(Default, Debug)]
pub struct VariableSpans(Vec<Seen>);

impl VariableSpans {
    pub fn get(&self, name: &str) -> Option<Span> {
        let key = key(name);
        self.0.iter().find_map(|seen| {
            let (written, span, _) = seen.get(key.as_ref())?;
            (written.as_deref().unwrap_or(&key) == name).then_some(*span)
        })
    }

    /// The same spans with their files renumbered (when the files join
    /// another source map).
    pub fn map_files(mut self, f: impl Fn(FileId) -> FileId) -> VariableSpans {
        for seen in &mut self.0 {
            for (_, span, _) in seen.values_mut() {
                span.file = f(span.file);
            }
        }
        self
    }
}

/// A name the compiler derives from an element (or an element's name that
/// the data also use), and so where it comes from: told when it clashes.
/// Kept as these few numbers, not as the sentence, which is written only
/// for a clash: the derived names of every question would otherwise each
/// cost a formatted string.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Generated {
    /// A display text's name.
    Display,
    /// A grid's own name.
    Grid,
    /// `<grid>_<item>`; `element` is the length of the grid's name.
    GridItem { element: usize },
    /// `<question>_<code>`, a multiple choice's flat data column.
    Column { element: usize, code: i64 },
    /// `<question>_other…`, the text of an "other" option.
    Other { element: usize, code: i64 },
}

impl Generated {
    /// What the name is.
    pub fn what(self) -> &'static str {
        match self {
            Generated::Display => "display text",
            Generated::Grid => "grid",
            Generated::GridItem { .. } => "grid item variable",
            Generated::Column { .. } => "flat data column",
            Generated::Other { .. } => "\"other\" text variable",
        }
    }

    /// Why the name is taken; `name` is the name itself.
    pub fn why(self, name: &str) -> String {
        let split = |at: usize| {
            (
                name.get(..at).unwrap_or(name),
                name.get(at + 1..).unwrap_or(""),
            )
        };
        match self {
            Generated::Display => {
                "a display text's name is one of the survey's names, like a question's".into()
            }
            Generated::Grid => format!(
                "a grid's name is one of the survey's names; its items' variables are `{name}_a` …"
            ),
            Generated::GridItem { element } => {
                let (grid, item) = split(element);
                format!(
                    "grid `{grid}` stores the answer to its item `{item}` in the variable `{name}`"
                )
            }
            Generated::Column { element, code } => {
                let (question, _) = split(element);
                format!(
                    "multiple-choice `{question}` stores option {code} in the flat data column `{name}`"
                )
            }
            Generated::Other { element, code } => {
                let (question, _) = split(element);
                format!(
                    "`{question}` stores the text typed for its \"other\" option {code} in `{name}`"
                )
            }
        }
    }
}

impl NameTable {
    /// Room for `n` more names without regrowing.
    pub fn reserve(&mut self, n: usize) {
        self.seen.reserve(n);
        self.hashes.reserve(n);
    }

    /// Every declared name (as written) and where it was declared.
    pub fn into_spans(self) -> VariableSpans {
        let mut tables = self.parts;
        tables.insert(0, self.seen);
        VariableSpans(tables)
    }

    /// A declared name's entry, in whichever table has it.
    fn find(&self, key: &str) -> Option<&(Option<String>, Span, Option<Generated>)> {
        self.seen
            .get(key)
            .or_else(|| self.parts.iter().find_map(|p| p.get(key)))
    }

    /// Registers a variable name; reports a duplicate (ignoring case).
    /// `generated` explains where a derived name comes from.
    pub fn declare(
        &mut self,
        name: &str,
        span: Span,
        generated: Option<Generated>,
    ) -> Option<Diagnostic> {
        let key = key(name);
        if let Some((written, first_span, first_why)) = self.find(key.as_ref()) {
            let first = written.as_deref().unwrap_or(&key);
            let mut d = Diagnostic::new(
                Code::DuplicateName,
                if first == name {
                    format!("variable `{name}` is defined twice")
                } else {
                    format!("variable `{name}` clashes with `{first}` (names ignore case)")
                },
            )
            .at(
                span,
                generated.map_or("second definition".to_string(), |g| {
                    format!("{} `{name}`", g.what())
                }),
            )
            .with(*first_span, "first defined here");
            if let Some(why) = first_why {
                d = d.note(why.why(first));
            }
            if let Some(g) = generated {
                d = d.note(g.why(name));
            }
            return Some(d.help("rename one of them"));
        }
        // (A copied key is the lowercase of a name that differs from it.)
        let written = matches!(key, std::borrow::Cow::Owned(_)).then(|| name.to_string());
        self.hashes.push(hash(&key));
        self.seen
            .insert(key.into_owned(), (written, span, generated));
        None
    }

    pub fn contains(&self, name: &str) -> bool {
        self.find(key(name).as_ref()).is_some()
    }

    /// Does another table declare a name declared here (ignoring case)?
    /// Equal names hash alike, so no hash in common means no name in
    /// common. Two names that merely hash alike (which 64-bit hashes of a
    /// survey's names all but never do) count as a clash: the caller then
    /// lowers the part again in order, which is always right.
    ///
    /// The hashes declared here are kept in a set between calls, so that
    /// asking of many parts in turn reads each name once.
    pub fn clashes(&mut self, other: &NameTable) -> bool {
        let new = &self.hashes[self.indexed..];
        self.index.extend(new.iter().copied());
        self.indexed = self.hashes.len();
        other.hashes.iter().any(|h| self.index.contains(h))
    }

    /// Takes in the names another table declared, none of which is
    /// declared here (the caller has asked `clashes`).
    pub fn absorb(&mut self, other: NameTable) {
        debug_assert!(!self.clashes(&other));
        self.parts.push(other.seen);
        self.parts.extend(other.parts);
        self.hashes.extend(other.hashes);
    }
}

/// A key's hash, for [`NameTable::clashes`].
fn hash(key: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = crate::fasthash::FxHasher::default();
    h.write(key.as_bytes());
    h.finish()
}

/// A name's key in the table: its lowercase form, which most names are
/// already (then no copy is made).
fn key(name: &str) -> std::borrow::Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(name.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

/// Checks the form of a variable name.
pub fn check_name(name: &str, span: Span) -> Option<Diagnostic> {
    if name.contains('{') {
        return Some(
            Diagnostic::new(
                Code::InvalidName,
                format!("`{name}` has a placeholder outside a block"),
            )
            .at(span, "placeholder")
            .help("placeholders like `{level}` work only inside a `block`"),
        );
    }
    let first = name.chars().next()?;
    let bad = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'));
    if !first.is_ascii_alphabetic() || bad.is_some() {
        let why = match bad {
            Some(c) => format!("`{c}` is not allowed in a variable name"),
            None if first == '_' => {
                "names cannot start with `_` (reserved for the response envelope)".to_string()
            }
            None => "a variable name must start with a letter".to_string(),
        };
        let suggestion: String = name
            .chars()
            .map(|c| match c {
                'ä' | 'å' | 'Ä' | 'Å' => 'a',
                'ö' | 'Ö' => 'o',
                c if c.is_ascii_alphanumeric() || c == '_' => c,
                _ => '_',
            })
            .collect();
        let suggestion = suggestion.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
        let mut d = Diagnostic::new(Code::InvalidName, format!("invalid variable name `{name}`"))
            .at(span, why)
            .note("variable names use ASCII letters, digits and `_`, and start with a letter (SPSS, Stata, SAS and R all accept them)");
        if !suggestion.is_empty() {
            d = d.help(format!("try `{suggestion}`"));
        }
        return Some(d);
    }
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name)) {
        return Some(
            Diagnostic::new(
                Code::ReservedName,
                format!("`{name}` is a reserved word in SPSS"),
            )
            .at(span, "reserved")
            .help(format!("try `{name}_q`")),
        );
    }
    if ENVELOPE.iter().any(|r| r.eq_ignore_ascii_case(name)) {
        return Some(
            Diagnostic::new(
                Code::ReservedName,
                format!("`{name}` is reserved for the response envelope"),
            )
            .at(span, "reserved")
            .help("choose another name"),
        );
    }
    if name.len() > MAX_NAME {
        return Some(
            Diagnostic::new(
                Code::NameTooLong,
                format!(
                    "`{name}` is {} characters long; the limit is {MAX_NAME}",
                    name.len()
                ),
            )
            .at(span, "too long")
            .help("Stata and SAS allow at most 32 characters; shorten the name"),
        );
    }
    None
}
