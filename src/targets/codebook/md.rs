//! `codebook.md`: escaping and markup for the Markdown template
//! (`targets/codebook/codebook.md`). Every string the template receives is
//! escaped Markdown already: characters with a meaning in CommonMark or in
//! GitHub tables (`\ ` * _ [ ] < > | # & ~`) are backslash-escaped, line
//! breaks become `<br>`, so any text fits in a table cell or a list item.

use minijinja::Environment;

use super::view::{self, Render};
use super::words::Piece;
use super::{BuildError, Entry, Rich};
use crate::ir::Survey;
use crate::markup::{Inline, LINK_SCHEMES};

pub const TEMPLATE: &str = "codebook/codebook.md";

pub struct Markdown;

impl Render for Markdown {
    fn text(&self, s: &str) -> String {
        escape(s)
    }

    fn rich(&self, r: &Rich) -> String {
        r.markup
            .iter()
            .map(|p| inline(p))
            .collect::<Vec<_>>()
            .join("<br><br>")
    }

    fn pieces(&self, p: &[Piece]) -> String {
        let mut out = String::new();
        for piece in p {
            match piece {
                Piece::Text(t) => out.push_str(&escape(t)),
                Piece::Name(n) => out.push_str(&code(n)),
            }
        }
        out
    }
}

/// The codebook of one language as Markdown.
pub fn codebook(
    env: &Environment<'_>,
    survey: &Survey,
    entries: &[Entry<'_>],
    lang: &str,
) -> Result<String, BuildError> {
    let view = view::view(survey, entries, lang, &Markdown);
    let template = env
        .get_template(TEMPLATE)
        .map_err(|e| BuildError::template(TEMPLATE, &e))?;
    template
        .render(minijinja::context! { view => view })
        .map_err(|e| BuildError::template(TEMPLATE, &e))
}

/// Text escaped for Markdown (inline, table cells included).
pub fn escape(s: &str) -> String {
    let s = super::scrub(s);
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '&' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => {
                out.push_str("<br>");
                while chars.peek() == Some(&'\n') {
                    chars.next();
                    out.push_str("<br>");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// A name as inline code (names have no backticks; any would be escaped
/// by a longer fence).
pub fn code(s: &str) -> String {
    let fence = if s.contains('`') { "`` " } else { "`" };
    let close = if s.contains('`') { " ``" } else { "`" };
    format!("{fence}{}{close}", s.replace('|', "\\|"))
}

fn inline(nodes: &[Inline]) -> String {
    let mut out = String::new();
    for n in nodes {
        match n {
            Inline::Text { text } => out.push_str(&escape(text)),
            Inline::Em { content } => out.push_str(&format!("*{}*", inline(content))),
            Inline::Strong { content } => out.push_str(&format!("**{}**", inline(content))),
            Inline::Link { href, content } => {
                if LINK_SCHEMES.iter().any(|s| href.starts_with(s)) {
                    let href = super::safe_href(href)
                        .replace('(', "%28")
                        .replace(')', "%29");
                    out.push_str(&format!("[{}]({href})", inline(content)));
                } else {
                    out.push_str(&inline(content));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            escape("a|b `c` <d> *e*\n1"),
            "a\\|b \\`c\\` \\<d\\> \\*e\\*<br>1"
        );
        let (p, _) = crate::markup::parse("**a|b** [x](https://e.fi/a_(b))");
        assert_eq!(inline(&p[0]), "**a\\|b** [x](https://e.fi/a_%28b%29)");
    }
}
