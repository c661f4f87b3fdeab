//! gettext PO files: the one module that knows their syntax.
//!
//! Writing: a header entry, then entries with `#.` comments, `#:`
//! references, `#,` flags, `#|` previous strings, `msgctxt`, `msgid` and
//! `msgstr`, strings escaped as gettext does (`\\`, `\"`, `\n`, `\t`, `\r`)
//! and a text with line breaks written one line per string. Reading accepts
//! what Poedit, Weblate and the gettext tools write: line-wrapped strings,
//! all comment kinds, obsolete `#~` entries (skipped) and plural entries
//! (kept, flagged).

use std::fmt::Write as _;

/// One PO entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    /// `#.` comments for translators.
    pub extracted: Vec<String>,
    /// `#:` references (`file:line`).
    pub references: Vec<String>,
    /// `#,` flags (`fuzzy`).
    pub flags: Vec<String>,
    /// `#| msgid`: the source text a fuzzy entry's translation was made for.
    pub previous: Option<String>,
    pub msgctxt: Option<String>,
    pub msgid: String,
    pub msgstr: String,
    /// Has `msgid_plural` (lomake writes none).
    pub plural: bool,
    /// 1-based line of the entry's `msgctxt` or `msgid` (reading).
    pub line: usize,
}

impl Entry {
    pub fn is_fuzzy(&self) -> bool {
        self.flags.iter().any(|f| f == "fuzzy")
    }
}

/// A PO file: the header's fields and the entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    pub header: Vec<(String, String)>,
    pub entries: Vec<Entry>,
}

impl Catalog {
    pub fn header_field(&self, name: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A PO string, quoted and escaped as gettext writes it.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\{:03o}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `keyword "…"`, or for a text with line breaks `keyword ""` and one
/// string per line, each ending in `\n` but the last.
fn write_string(out: &mut String, prefix: &str, keyword: &str, s: &str) {
    if s.trim_end_matches('\n').contains('\n') {
        let _ = writeln!(out, "{prefix}{keyword} \"\"");
        let mut rest = s;
        while !rest.is_empty() {
            let (line, tail) = match rest.find('\n') {
                Some(i) => rest.split_at(i + 1),
                None => (rest, ""),
            };
            let _ = writeln!(out, "{prefix}{}", quote(line));
            rest = tail;
        }
    } else {
        let _ = writeln!(out, "{prefix}{keyword} {}", quote(s));
    }
}

/// Writes a catalog. The same catalog gives the same bytes.
pub fn write(catalog: &Catalog) -> String {
    let mut out = String::new();
    out.push_str("msgid \"\"\nmsgstr \"\"\n");
    for (k, v) in &catalog.header {
        let field = if v.is_empty() {
            format!("{k}: \n")
        } else {
            format!("{k}: {v}\n")
        };
        let _ = writeln!(out, "{}", quote(&field));
    }
    for e in &catalog.entries {
        out.push('\n');
        for c in &e.extracted {
            for line in c.lines() {
                let _ = writeln!(out, "#. {line}");
            }
        }
        if !e.references.is_empty() {
            let _ = writeln!(out, "#: {}", e.references.join(" "));
        }
        if !e.flags.is_empty() {
            let _ = writeln!(out, "#, {}", e.flags.join(", "));
        }
        if let Some(p) = &e.previous {
            if let Some(c) = &e.msgctxt {
                write_string(&mut out, "#| ", "msgctxt", c);
            }
            write_string(&mut out, "#| ", "msgid", p);
        }
        if let Some(c) = &e.msgctxt {
            write_string(&mut out, "", "msgctxt", c);
        }
        write_string(&mut out, "", "msgid", &e.msgid);
        write_string(&mut out, "", "msgstr", &e.msgstr);
    }
    out
}

/// A PO file that cannot be read, with the line of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for PoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

fn unquote(s: &str, line: usize) -> Result<String, PoError> {
    let err = |m: &str| PoError {
        line,
        message: m.to_string(),
    };
    let s = s.trim();
    let inner = s
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .filter(|_| s.len() >= 2)
        .ok_or_else(|| err("expected a string in double quotes"))?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Err(err("a `\"` inside a string must be written `\\\"`")),
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('\\') => out.push('\\'),
                Some('"') => out.push('"'),
                Some('a') => out.push('\u{7}'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some('v') => out.push('\u{b}'),
                Some(d @ '0'..='7') => {
                    let mut v = d.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match chars.peek().and_then(|c| c.to_digit(8)) {
                            Some(x) => {
                                v = v * 8 + x;
                                chars.next();
                            }
                            None => break,
                        }
                    }
                    out.push(char::from_u32(v).ok_or_else(|| err("bad octal escape"))?);
                }
                Some('x') => {
                    let mut v = 0u32;
                    let mut n = 0;
                    while let Some(x) = chars.peek().and_then(|c| c.to_digit(16)) {
                        v = v
                            .checked_mul(16)
                            .and_then(|v| v.checked_add(x))
                            .ok_or_else(|| err("hex escape out of range"))?;
                        n += 1;
                        chars.next();
                    }
                    if n == 0 {
                        return Err(err("`\\x` without hex digits"));
                    }
                    out.push(char::from_u32(v).ok_or_else(|| err("bad hex escape"))?);
                }
                Some(other) => return Err(err(&format!("unknown escape `\\{other}`"))),
                None => return Err(err("a string ends in a lone `\\`")),
            },
            c => out.push(c),
        }
    }
    Ok(out)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    None,
    Ctxt,
    Id,
    IdPlural,
    Str,
    PrevCtxt,
    PrevId,
}

/// Reads a PO file.
pub fn read(text: &str) -> Result<Catalog, PoError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut catalog = Catalog::default();
    let mut cur = Entry::default();
    let mut has_id = false;
    let mut has_str = false;
    let mut field = Field::None;
    let mut prev_id = String::new();

    let finish = |cur: &mut Entry,
                  has_id: &mut bool,
                  has_str: &mut bool,
                  prev_id: &mut String,
                  catalog: &mut Catalog| {
        if *has_id {
            let mut e = std::mem::take(cur);
            if !prev_id.is_empty() {
                e.previous = Some(std::mem::take(prev_id));
            }
            catalog.entries.push(e);
        } else {
            *cur = Entry::default();
            prev_id.clear();
        }
        *has_id = false;
        *has_str = false;
    };

    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        let line = line.trim_end_matches('\r');
        let t = line.trim_start();
        if t.is_empty() {
            finish(
                &mut cur,
                &mut has_id,
                &mut has_str,
                &mut prev_id,
                &mut catalog,
            );
            field = Field::None;
            continue;
        }
        if t.starts_with("#~") {
            // Obsolete entries are not translations of anything.
            field = Field::None;
            continue;
        }
        if let Some(rest) = t.strip_prefix('#') {
            if has_str {
                finish(
                    &mut cur,
                    &mut has_id,
                    &mut has_str,
                    &mut prev_id,
                    &mut catalog,
                );
            }
            if let Some(c) = rest.strip_prefix('.') {
                cur.extracted.push(c.trim().to_string());
            } else if let Some(r) = rest.strip_prefix(':') {
                cur.references
                    .extend(r.split_whitespace().map(str::to_string));
            } else if let Some(f) = rest.strip_prefix(',') {
                cur.flags.extend(
                    f.split(',')
                        .map(|x| x.trim().to_string())
                        .filter(|x| !x.is_empty()),
                );
            } else if let Some(p) = rest.strip_prefix('|') {
                let p = p.trim_start();
                if let Some(s) = p.strip_prefix("msgctxt") {
                    unquote(s, n)?;
                    field = Field::PrevCtxt;
                } else if let Some(s) = p.strip_prefix("msgid_plural") {
                    unquote(s, n)?;
                    field = Field::None;
                } else if let Some(s) = p.strip_prefix("msgid") {
                    prev_id = unquote(s, n)?;
                    field = Field::PrevId;
                } else if p.starts_with('"') {
                    let s = unquote(p, n)?;
                    if field == Field::PrevId {
                        prev_id.push_str(&s);
                    }
                }
            }
            continue;
        }
        if t.starts_with('"') {
            let s = unquote(t, n)?;
            match field {
                Field::Ctxt => cur.msgctxt.get_or_insert_with(String::new).push_str(&s),
                Field::Id => cur.msgid.push_str(&s),
                Field::Str => cur.msgstr.push_str(&s),
                Field::IdPlural | Field::PrevCtxt | Field::PrevId => {}
                Field::None => {
                    return Err(PoError {
                        line: n,
                        message: "a string that belongs to no msgid or msgstr".into(),
                    });
                }
            }
            continue;
        }
        let (keyword, rest) = t.split_at(t.find([' ', '\t', '"']).unwrap_or(t.len()));
        match keyword {
            "msgctxt" => {
                if has_id {
                    finish(
                        &mut cur,
                        &mut has_id,
                        &mut has_str,
                        &mut prev_id,
                        &mut catalog,
                    );
                }
                cur.msgctxt = Some(unquote(rest, n)?);
                cur.line = n;
                field = Field::Ctxt;
            }
            "msgid" => {
                if has_id {
                    finish(
                        &mut cur,
                        &mut has_id,
                        &mut has_str,
                        &mut prev_id,
                        &mut catalog,
                    );
                }
                cur.msgid = unquote(rest, n)?;
                if cur.msgctxt.is_none() {
                    cur.line = n;
                }
                has_id = true;
                field = Field::Id;
            }
            "msgid_plural" => {
                unquote(rest, n)?;
                cur.plural = true;
                field = Field::IdPlural;
            }
            k if k == "msgstr" || k.starts_with("msgstr[") => {
                if !has_id {
                    return Err(PoError {
                        line: n,
                        message: "`msgstr` without a `msgid` before it".into(),
                    });
                }
                let s = unquote(rest, n)?;
                // Of a plural entry only the first form is kept.
                if k == "msgstr" || k == "msgstr[0]" {
                    cur.msgstr = s;
                    field = Field::Str;
                } else {
                    field = Field::IdPlural;
                }
                has_str = true;
            }
            other => {
                return Err(PoError {
                    line: n,
                    message: format!(
                        "unexpected `{other}`: expected msgctxt, msgid, msgstr, a string or a comment"
                    ),
                });
            }
        }
    }
    finish(
        &mut cur,
        &mut has_id,
        &mut has_str,
        &mut prev_id,
        &mut catalog,
    );
    // The header: the entry with an empty msgid and no context.
    if let Some(i) = catalog
        .entries
        .iter()
        .position(|e| e.msgid.is_empty() && e.msgctxt.is_none())
    {
        let h = catalog.entries.remove(i);
        catalog.header = h
            .msgstr
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
    }
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_reads_back() {
        let catalog = Catalog {
            header: vec![("Language".into(), "sv".into())],
            entries: vec![Entry {
                extracted: vec!["keep {where}".into()],
                references: vec!["a.survey:3".into()],
                flags: vec!["fuzzy".into()],
                previous: Some("Vanha\nteksti".into()),
                msgctxt: Some("q.text".into()),
                msgid: "Rivi \"yksi\"\n\nrivi \\ kaksi\tä 🙂".into(),
                msgstr: "<script>".into(),
                plural: false,
                line: 0,
            }],
        };
        let text = write(&catalog);
        assert!(
            text.contains(
                "msgid \"\"\n\"Rivi \\\"yksi\\\"\\n\"\n\"\\n\"\n\"rivi \\\\ kaksi\\tä 🙂\"\n"
            ),
            "{text}"
        );
        let back = read(&text).unwrap();
        assert_eq!(back.header, catalog.header);
        let mut e = back.entries[0].clone();
        e.line = 0;
        assert_eq!(e, catalog.entries[0]);
    }

    #[test]
    fn wrapped_strings_and_obsolete_entries() {
        let po = "msgid \"\"\nmsgstr \"Language: fi\\n\"\n\n#~ msgid \"old\"\n#~ msgstr \"vanha\"\n\nmsgctxt \"k\"\nmsgid \"\"\n\"a \"\n\"b\"\nmsgstr \"\"\n\"c\"\n";
        let c = read(po).unwrap();
        assert_eq!(c.header_field("language"), Some("fi"));
        assert_eq!(c.entries.len(), 1);
        assert_eq!(c.entries[0].msgid, "a b");
        assert_eq!(c.entries[0].msgstr, "c");
        assert_eq!(c.entries[0].line, 7);
    }

    #[test]
    fn every_prefix_and_byte_flip_reads_without_panic() {
        let po = "# c\n#. x\n#: a:1\n#, fuzzy\n#| msgid \"o\"\nmsgctxt \"k\"\nmsgid \"\"\n\"a\\n\"\n\"\\x41\\101\"\nmsgstr[0] \"b\"\n\n#~ msgid \"z\"\n";
        for (i, _) in po.char_indices() {
            let _ = read(&po[..i]);
            for c in ['"', '\\', '\n', '#', ' ', 'x', '9'] {
                let mut t = po.to_string();
                t.replace_range(
                    i..i + po[i..].chars().next().map_or(0, char::len_utf8),
                    &c.to_string(),
                );
                let _ = read(&t);
            }
        }
        assert!(read("msgid \"\\xffffffffffff\"\nmsgstr \"\"").is_err());
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        for bad in [
            "msgid \"a",
            "msgstr \"x\"",
            "\"x\"",
            "msgid \"\\q\"",
            "bogus",
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }
}
