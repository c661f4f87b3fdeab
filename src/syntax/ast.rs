//! The syntax tree: what a source file says, with a byte span on every node.
//!
//! The tree is lossless in the sense the formatter and the translation tools
//! need: every item and property keeps its full span, every comment is kept
//! in [`SyntaxFile::comments`], and the text between spans is the source
//! itself, so any node can be rewritten in place without losing anything.

use crate::shared::SharedStr;
use crate::source::{FileId, Span, Spanned};

/// A parsed file: the items that parsed, in source order, and the comments.
#[derive(Clone, Debug)]
pub struct SyntaxFile {
    pub file: FileId,
    pub items: Vec<Item>,
    pub comments: Vec<Span>,
    /// Names of items that failed to parse (`question q …` → `q`): the
    /// checker does not report references to them as unknown.
    pub broken: Vec<String>,
}

/// A name as written; may contain `{param}` placeholders inside a block.
pub type Name = Spanned<String>;

#[derive(Clone, Debug, Copy, PartialEq, Eq)]
pub enum Keyword {
    Survey,
    Use,
    Scale,
    List,
    Block,
    End,
    Section,
    Introduction,
    Question,
    Display,
    Hidden,
    Insert,
}

impl Keyword {
    pub const ALL: &'static [(&'static str, Keyword)] = &[
        ("survey", Keyword::Survey),
        ("use", Keyword::Use),
        ("scale", Keyword::Scale),
        ("list", Keyword::List),
        ("block", Keyword::Block),
        ("end", Keyword::End),
        ("section", Keyword::Section),
        ("introduction", Keyword::Introduction),
        ("question", Keyword::Question),
        ("display", Keyword::Display),
        ("hidden", Keyword::Hidden),
        ("insert", Keyword::Insert),
    ];

    pub fn from_word(word: &str) -> Option<Keyword> {
        Keyword::ALL
            .iter()
            .find(|(w, _)| *w == word)
            .map(|(_, k)| *k)
    }

    pub fn as_str(self) -> &'static str {
        Keyword::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(w, _)| *w)
            .unwrap_or("?")
    }
}

/// One item: a keyword line and everything up to the next item.
#[derive(Clone, Debug)]
pub struct Item {
    pub span: Span,
    pub keyword: Spanned<Keyword>,
    /// The item's name (`question org_type …` → `org_type`).
    pub name: Option<Name>,
    /// `single`, `grid`, … for questions; `language` for hidden variables;
    /// the measurement level for scales and lists.
    pub kind: Option<Spanned<String>>,
    /// The named answer list of a question (`question region single regions`).
    pub list: Option<Name>,
    /// Parameters of a block definition.
    pub params: Vec<Name>,
    /// The path of a `use` item.
    pub path: Option<Spanned<String>>,
    pub properties: Vec<Property>,
    /// Arguments of an `insert`.
    pub arguments: Vec<Argument>,
}

#[derive(Clone, Debug)]
pub struct Property {
    pub span: Span,
    /// The property keyword (`label`, `option`, `indirectly identifying`,
    /// …): one of the grammar's, so no copy of the source is made.
    pub key: Spanned<&'static str>,
    pub value: PropertyValue,
}

#[derive(Clone, Debug)]
pub enum PropertyValue {
    Texts(Vec<Translation>),
    Option {
        code: Spanned<i64>,
        flags: Vec<Spanned<String>>,
        texts: Vec<Translation>,
    },
    /// Boxed: the largest value, and a rare one.
    GridItem(Box<GridItem>),
    Values(Spanned<i64>, Spanned<i64>),
    /// Boxed: a condition is large, and most properties are none.
    When(Box<Expr>),
    Languages(Vec<Spanned<String>>),
    /// `version "…"`, `submit "…"`: a string value.
    Str(Spanned<String>),
    Date(Spanned<String>),
    Number(Spanned<Number>),
    Flag,
    /// `continues <survey>.<variable>` on a question. (In the survey
    /// header, `continues "file"` is a [`PropertyValue::Str`].)
    Continues(Spanned<String>),
}

/// `item a "…"` of a grid question.
#[derive(Clone, Debug)]
pub struct GridItem {
    pub name: Name,
    pub texts: Vec<Translation>,
    pub label: Option<(Span, Vec<Translation>)>,
    /// `continues <survey>.<variable>`: the item's own lineage.
    pub continues: Option<Spanned<String>>,
    /// `break` and its translations: the reason for a break in comparability.
    pub brk: Option<(Span, Vec<Translation>)>,
}

/// A number as written, and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    pub text: String,
    pub value: f64,
}

impl Number {
    pub fn as_integer(&self) -> Option<i64> {
        if self.text.contains('.') {
            None
        } else {
            self.text.parse().ok()
        }
    }
}

/// `fi "Teksti"`: one translation of a text.
///
/// Two hundred thousand of these make the tree of a survey of 10,000
/// questions, so a translation is kept small (48 bytes): its text is a
/// slice of the source, the language code is read from the same buffer
/// just before it, and the spans are offsets.
#[derive(Clone)]
pub struct Translation {
    /// The text between the quotes, exactly as written (escapes
    /// included): a slice of the buffer that also holds the language code.
    raw: SharedStr,
    file: FileId,
    /// Offsets in the file: where the translation (its language code)
    /// starts, where its text starts, and where it ends.
    start: u32,
    raw_start: u32,
    end: u32,
    lang_len: u32,
    multiline: bool,
    /// Boxed: most translations have none.
    reviewed: Option<Box<Spanned<String>>>,
}

impl Translation {
    /// A translation spanning `span`: its language code at `lang`, its
    /// text `raw`, a slice of the buffer that holds the code too, at the
    /// same distance before the text as in the file.
    pub fn new(
        span: Span,
        lang: Span,
        raw: Spanned<SharedStr>,
        multiline: bool,
        reviewed: Option<Box<Spanned<String>>>,
    ) -> Translation {
        Translation {
            raw: raw.value,
            file: span.file,
            start: lang.start,
            raw_start: raw.span.start,
            end: span.end,
            lang_len: lang.end - lang.start,
            multiline,
            reviewed,
        }
    }

    /// From the language code to the closing quote (or the `reviewed`
    /// marker).
    pub fn span(&self) -> Span {
        Span {
            file: self.file,
            start: self.start,
            end: self.end,
        }
    }

    /// The language code, as written.
    pub fn lang(&self) -> &str {
        self.raw.before(
            (self.raw_start - self.start) as usize,
            self.lang_len as usize,
        )
    }

    pub fn lang_span(&self) -> Span {
        Span {
            file: self.file,
            start: self.start,
            end: self.start + self.lang_len,
        }
    }

    /// The text between the quotes, exactly as written (escapes included).
    pub fn raw(&self) -> &SharedStr {
        &self.raw
    }

    pub fn raw_span(&self) -> Span {
        Span {
            file: self.file,
            start: self.raw_start,
            end: self.raw_start + self.raw.len() as u32,
        }
    }

    /// A `"""` text.
    pub fn multiline(&self) -> bool {
        self.multiline
    }

    /// The `reviewed "…"` marker.
    pub fn reviewed(&self) -> Option<&Spanned<String>> {
        self.reviewed.as_deref()
    }
}

impl std::fmt::Debug for Translation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Translation")
            .field("span", &self.span())
            .field("lang", &Spanned::new(self.lang(), self.lang_span()))
            .field("raw", &Spanned::new(self.raw(), self.raw_span()))
            .field("multiline", &self.multiline)
            .field("reviewed", &self.reviewed)
            .finish()
    }
}

/// An argument of an `insert`: a name or a translated text.
#[derive(Clone, Debug)]
pub struct Argument {
    pub span: Span,
    pub name: Name,
    pub value: ArgumentValue,
}

#[derive(Clone, Debug)]
pub enum ArgumentValue {
    Name(Name),
    Texts(Vec<Translation>),
}

#[derive(Clone, Debug)]
pub enum Expr {
    Or(Vec<Expr>, Span),
    And(Vec<Expr>, Span),
    Not(Box<Expr>, Span),
    /// `answered(x)` or `substantive(x)`.
    Call {
        function: Spanned<String>,
        name: Name,
        span: Span,
    },
    Compare {
        name: Name,
        op: Spanned<String>,
        value: Value,
        span: Span,
    },
    In {
        name: Name,
        values: Vec<Value>,
        span: Span,
    },
    Includes {
        name: Name,
        value: Value,
        span: Span,
    },
}

impl Expr {
    /// The names of variables the expression refers to, in order.
    pub fn names<'e>(&'e self, out: &mut Vec<&'e Name>) {
        match self {
            Expr::Or(parts, _) | Expr::And(parts, _) => {
                for p in parts {
                    p.names(out);
                }
            }
            Expr::Not(inner, _) => inner.names(out),
            Expr::Call { name, .. } | Expr::In { name, .. } => out.push(name),
            Expr::Compare { name, value, .. } | Expr::Includes { name, value, .. } => {
                out.push(name);
                if let Value::Name(n) = value {
                    out.push(n);
                }
            }
        }
    }

    pub fn span(&self) -> Span {
        match self {
            Expr::Or(_, s) | Expr::And(_, s) | Expr::Not(_, s) => *s,
            Expr::Call { span, .. }
            | Expr::Compare { span, .. }
            | Expr::In { span, .. }
            | Expr::Includes { span, .. } => *span,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Value {
    Number(Spanned<Number>),
    String(Spanned<String>),
    Name(Name),
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Number(n) => n.span,
            Value::String(s) => s.span,
            Value::Name(n) => n.span,
        }
    }
}

impl Item {
    pub fn property(&self, key: &str) -> Option<&Property> {
        self.properties
            .iter()
            .find(|p| crate::bytes::same(p.key.value, key))
    }
}
