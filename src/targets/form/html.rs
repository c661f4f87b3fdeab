//! Survey texts as HTML: the inline markup of the IR (`crate::markup`)
//! rendered with every character of the text escaped. Links keep only
//! `https:`, `http:` and `mailto:` targets; any other link shows its text
//! without a link.

use crate::markup::{Inline, LINK_SCHEMES, Paragraph};

/// Paragraphs as `<p>` elements (for introductions, help and display texts).
pub fn block(paragraphs: &[Paragraph]) -> String {
    let mut out = String::new();
    for p in paragraphs {
        out.push_str("<p>");
        inlines(p, &mut out);
        out.push_str("</p>");
    }
    out
}

/// Paragraphs as phrasing content, separated by line breaks (for question
/// texts in a `legend` or `label`, which cannot hold paragraphs).
pub fn inline(paragraphs: &[Paragraph]) -> String {
    let mut out = String::new();
    for (n, p) in paragraphs.iter().enumerate() {
        if n > 0 {
            out.push_str("<br><br>");
        }
        inlines(p, &mut out);
    }
    out
}

fn inlines(content: &[Inline], out: &mut String) {
    for i in content {
        match i {
            Inline::Text { text } => escape(text, out),
            Inline::Em { content } => {
                out.push_str("<em>");
                inlines(content, out);
                out.push_str("</em>");
            }
            Inline::Strong { content } => {
                out.push_str("<strong>");
                inlines(content, out);
                out.push_str("</strong>");
            }
            Inline::Link { href, content } if safe_link(href) => {
                out.push_str("<a href=\"");
                escape(&encode_url(href), out);
                out.push_str("\">");
                inlines(content, out);
                out.push_str("</a>");
            }
            Inline::Link { content, .. } => inlines(content, out),
        }
    }
}

/// A link target the form may use: an allowed scheme, written plainly
/// (no whitespace or control characters that browsers would strip).
pub fn safe_link(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    LINK_SCHEMES.iter().any(|s| lower.starts_with(s))
        && !href.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Percent-encodes what a URL may not hold as it is (quotes, `<`, `>`,
/// spaces, non-ASCII…), so the link is a valid URL and means the same.
pub fn encode_url(href: &str) -> String {
    let mut out = String::with_capacity(href.len());
    for c in href.chars() {
        if c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Escapes text for HTML content and quoted attribute values.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text { text: s.into() }
    }

    #[test]
    fn escapes_everything_and_keeps_safe_links_only() {
        let p = vec![
            text("<script>alert('x')</script> & \"q\""),
            Inline::Strong {
                content: vec![text("{{ b }}")],
            },
            Inline::Link {
                href: "javascript:alert(1)".into(),
                content: vec![text("bad")],
            },
            Inline::Link {
                href: "https://example.org/?a=1&b=\"2\"".into(),
                content: vec![text("good")],
            },
        ];
        assert_eq!(
            block(std::slice::from_ref(&p)),
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\
             <strong>{{ b }}</strong>bad\
             <a href=\"https://example.org/?a=1&amp;b=%222%22\">good</a></p>"
        );
        assert_eq!(
            inline(&[p.clone(), vec![text("x")]])
                .matches("<br><br>")
                .count(),
            1
        );
        assert!(!safe_link("JAVASCRIPT:alert(1)"));
        assert!(!safe_link("https://a b"));
        assert!(safe_link("MAILTO:a@b.fi"));
    }
}
