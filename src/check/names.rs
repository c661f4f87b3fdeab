//! Variable names: the rules every name in the response data must follow.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;

/// SPSS reserved words: never valid as variable names.
pub const RESERVED: &[&str] = &[
    "ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH",
];

/// Names the flat data layout uses for the response envelope.
pub const ENVELOPE: &[&str] = &["resp_id", "resp_status", "resp_submitted"];

pub const MAX_NAME: usize = 32;

/// Names declared so far, by lowercase name, with where they came from.
#[derive(Default, Debug)]
pub struct NameTable {
    seen: super::fasthash::FastMap<String, (String, Span, Option<String>)>,
}

/// A variable name the compiler derives from a question: what kind of
/// variable it is ("grid item variable") and where it comes from.
pub struct Generated<'a> {
    pub what: &'a str,
    pub why: String,
}

impl NameTable {
    /// Every declared name (as written) and where it was declared.
    pub fn spans(&self) -> std::collections::BTreeMap<String, Span> {
        self.seen
            .values()
            .map(|(name, span, _)| (name.clone(), *span))
            .collect()
    }

    /// Registers a variable name; reports a duplicate (ignoring case).
    /// `generated` explains where a derived name comes from.
    pub fn declare(
        &mut self,
        name: &str,
        span: Span,
        generated: Option<Generated<'_>>,
    ) -> Option<Diagnostic> {
        let key = name.to_ascii_lowercase();
        if let Some((first, first_span, first_why)) = self.seen.get(&key) {
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
                generated
                    .as_ref()
                    .map_or("second definition".to_string(), |g| {
                        format!("{} `{name}`", g.what)
                    }),
            )
            .with(*first_span, "first defined here");
            if let Some(why) = first_why {
                d = d.note(why.clone());
            }
            if let Some(g) = &generated {
                d = d.note(g.why.clone());
            }
            return Some(d.help("rename one of them"));
        }
        self.seen
            .insert(key, (name.to_string(), span, generated.map(|g| g.why)));
        None
    }

    pub fn contains(&self, name: &str) -> bool {
        self.seen.contains_key(&name.to_ascii_lowercase())
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
