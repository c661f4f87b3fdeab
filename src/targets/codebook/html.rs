//! `codebook.html`: escaping and markup for the HTML template
//! (`targets/codebook/codebook.html`). Every string the template receives
//! is escaped HTML already (printed with `|safe`); survey texts are rendered
//! from their markup trees, links only with the allowed schemes.

use minijinja::Environment;

use super::view::{self, Render};
use super::words::Piece;
use super::{BuildError, Entry, Rich, scrub};
use crate::ir::Survey;
use crate::markup::{Inline, LINK_SCHEMES};

pub const TEMPLATE: &str = "codebook/codebook.html";

pub struct Html;

impl Render for Html {
    fn text(&self, s: &str) -> String {
        escape(s)
    }

    fn rich(&self, r: &Rich) -> String {
        paragraphs(&r.markup)
    }

    fn pieces(&self, p: &[Piece]) -> String {
        let mut out = String::new();
        for piece in p {
            match piece {
                Piece::Text(t) => out.push_str(&escape(t)),
                Piece::Name(n) => {
                    out.push_str("<code>");
                    out.push_str(&escape(n));
                    out.push_str("</code>");
                }
            }
        }
        out
    }
}

/// The codebook of one language as HTML.
pub fn codebook(
    env: &Environment<'_>,
    survey: &Survey,
    entries: &[Entry<'_>],
    lang: &str,
) -> Result<String, BuildError> {
    let view = view::view(survey, entries, lang, &Html);
    let template = env
        .get_template(TEMPLATE)
        .map_err(|e| BuildError::template(TEMPLATE, &e))?;
    template
        .render(minijinja::context! { view => view })
        .map_err(|e| BuildError::template(TEMPLATE, &e))
}

/// Text escaped for HTML content and attribute values; characters HTML
/// forbids become U+FFFD.
pub fn escape(s: &str) -> String {
    let s = scrub(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Paragraphs of markup: one paragraph as inline HTML, several as `<p>`s.
pub fn paragraphs(ps: &[Vec<Inline>]) -> String {
    match ps {
        [] => String::new(),
        [one] => inline(one),
        many => many
            .iter()
            .map(|p| format!("<p>{}</p>", inline(p)))
            .collect::<Vec<_>>()
            .join(""),
    }
}

fn inline(nodes: &[Inline]) -> String {
    let mut out = String::new();
    for n in nodes {
        match n {
            Inline::Text { text } => out.push_str(&escape(text)),
            Inline::Em { content } => {
                out.push_str("<em>");
                out.push_str(&inline(content));
                out.push_str("</em>");
            }
            Inline::Strong { content } => {
                out.push_str("<strong>");
                out.push_str(&inline(content));
                out.push_str("</strong>");
            }
            Inline::Link { href, content } => {
                if LINK_SCHEMES.iter().any(|s| href.starts_with(s))
                    && !href.contains(char::is_whitespace)
                {
                    out.push_str(&format!("<a href=\"{}\">", escape(&super::safe_href(href))));
                    out.push_str(&inline(content));
                    out.push_str("</a>");
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
    fn escapes_and_links() {
        assert_eq!(escape("<script>\"'&"), "&lt;script&gt;&quot;&#39;&amp;");
        let (p, _) =
            crate::markup::parse("*a* [b](https://x.fi/?a=1&b=\"2\") [c](javascript:alert(1))");
        assert_eq!(
            paragraphs(&p),
            "<em>a</em> <a href=\"https://x.fi/?a=1&amp;b=%222%22\">b</a> c"
        );
    }
}
