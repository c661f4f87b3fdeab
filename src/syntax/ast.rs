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
#[derive(Clone, Debug)]
pub struct Translation {
    pub span: Span,
    /// The language code and the text are slices of the source.
    pub lang: Spanned<SharedStr>,
    /// The text between the quotes, exactly as written (escapes included).
    pub raw: Spanned<SharedStr>,
    pub multiline: bool,
    /// Boxed: most translations have none.
    pub reviewed: Option<Box<Spanned<String>>>,
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
