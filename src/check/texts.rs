//! Translated texts: language coverage, placeholders, markup.

use super::{Checker, Subst};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir;
use crate::markup::{self, MarkupIssue};
use crate::shared::SharedStr;
use crate::source::Span;
use crate::syntax::ast::{ArgumentValue, Translation};

impl Checker<'_> {
    /// Builds a checked text from its translations. `at` is the span to
    /// blame for missing translations (the property keyword).
    pub(super) fn text(
        &mut self,
        key: String,
        translations: &[Translation],
        at: Span,
        subst: Option<&Subst>,
    ) -> ir::Text {
        // The translations found, with their language's index in the
        // survey's languages (the IR keeps that order, whatever the
        // source's) and their index in `translations`. The list is the
        // checker's, kept between texts: one allocation per checker, not
        // per text.
        let mut found = std::mem::take(&mut self.found);
        found.clear();
        let mut in_order = true;
        let mut misplaced = 0usize;
        for (n, t) in translations.iter().enumerate() {
            let lang = t.lang();
            let index = self
                .languages
                .iter()
                .position(|l| crate::bytes::same(l, lang));
            // A language given before: in `found` when it is one of the
            // survey's (its first translation always is).
            let again = match index {
                Some(i) => found.iter().any(|(j, ..)| *j == i),
                None => translations[..n].iter().any(|f| f.lang() == lang),
            };
            if again {
                misplaced += 1;
                self.duplicate_translation(translations, n);
                continue;
            }
            let Some(index) = index else {
                if !self.languages.is_empty() {
                    misplaced += 1;
                    self.unknown_language(translations, n);
                }
                continue;
            };
            // A placeholder the substitution could not fill is reported
            // there; the text it leaves is not reported again as empty.
            let reported = self.diagnostics.len();
            let raw: SharedStr = if t.multiline() {
                let base = markup::dedent(t.raw());
                match subst {
                    None => base.into(),
                    Some(_) => self
                        .substitute_text(&base, lang, t.raw_span(), false, subst)
                        .into(),
                }
            } else {
                match subst {
                    // The source's slice itself: no copy.
                    None => self.adopt(t.raw_span().file, t.raw()),
                    Some(_) => self
                        .substitute_text(t.raw(), lang, t.raw_span(), true, subst)
                        .into(),
                }
            };
            if crate::bytes::is_blank(&raw) && self.diagnostics.len() == reported {
                self.report(
                    Diagnostic::new(Code::EmptyText, "empty text")
                        .at(t.raw_span(), "nothing here")
                        .help("write the text, or remove the translation line"),
                );
            }
            let (translation, issues) =
                ir::Translation::parse(raw, t.reviewed().map(|r| r.value.clone()));
            for issue in issues {
                self.markup_issue(issue, t, &translation.raw);
            }
            in_order &= found.last().is_none_or(|(j, ..)| *j < index);
            found.push((index, n, translation));
        }
        if !in_order {
            found.sort_by_key(|(i, ..)| *i);
        }
        if found.len() < self.languages.len() {
            let missing: Vec<&String> = self
                .languages
                .iter()
                .enumerate()
                .filter(|(i, _)| !found.iter().any(|(j, ..)| j == i))
                .map(|(_, l)| l)
                .collect();
            // Missing translations already explained by a duplicate or
            // unknown language code are not reported again.
            if misplaced < missing.len() {
                let list = missing
                    .iter()
                    .map(|l| format!("`{l}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let code = if self.options.allow_missing_translations {
                    Code::MissingTranslationDraft
                } else {
                    Code::MissingTranslation
                };
                let example = missing[0];
                let d = Diagnostic::new(code, format!("missing translation: {list}"))
                    .at(at, format!("no {list} text"))
                    .help(format!("add a line like `{example} \"…\"`"));
                self.report(d);
            }
        }
        self.identical_to_source(&found, translations);
        self.stale_reviews(translations);
        if let Some((limit, what)) = spss_limit(&key) {
            for (_, n, tr) in &found {
                let t = &translations[*n];
                if tr.plain().len() <= limit {
                    continue;
                }
                // An option label is a value label only where the list is
                // the values of a column (not a multiple choice's 0/1
                // columns): decided once the survey is lowered.
                if let Some(list) = key.split_once(".option.").map(|(list, _)| list) {
                    self.long_option_labels.push((
                        list.to_string(),
                        t.lang().to_string(),
                        tr.plain().len(),
                        t.raw_span(),
                    ));
                    continue;
                }
                self.report(label_too_long(
                    t.lang(),
                    what,
                    tr.plain().len(),
                    limit,
                    t.raw_span(),
                ));
            }
        }
        let languages = &self.shared_languages;
        let text = ir::Text {
            key,
            translations: ir::Translations::collect_unique(
                found.drain(..).map(|(i, _, t)| (languages[i].clone(), t)),
            ),
        };
        self.found = found;
        text
    }

    /// E052: the `n`th translation repeats an earlier one's language.
    fn duplicate_translation(&mut self, translations: &[Translation], n: usize) {
        let t = &translations[n];
        let lang = t.lang();
        let Some(first) = translations[..n].iter().find(|f| f.lang() == lang) else {
            return;
        };
        let absent = self.absent_languages(translations);
        let d = Diagnostic::new(
            Code::DuplicateTranslation,
            format!("two `{lang}` translations of one text"),
        )
        .at(t.lang_span(), "second translation")
        .with(first.lang_span(), "first translation");
        let d = match absent.as_slice() {
            [] => d.help("keep one of them"),
            [one] => d
                .note(format!("this text has no `{one}` translation"))
                .help(format!(
                    "if this is the `{one}` text, write `{one}` before it"
                )),
            more => d
                .note(format!(
                    "this text has no {} translation",
                    more.iter()
                        .map(|l| format!("`{l}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .help("give this line the language it is written in"),
        };
        self.report(d);
    }

    /// The `n`th translation is in a language the survey does not have.
    fn unknown_language(&mut self, translations: &[Translation], n: usize) {
        let t = &translations[n];
        let lang = t.lang();
        let absent = self.absent_languages(translations);
        let d = Diagnostic::new(
            Code::UnknownLanguage,
            format!("`{lang}` is not one of the survey's languages"),
        )
        .at(t.lang_span(), "unknown language")
        .note(format!(
            "the survey's languages: {}",
            self.languages.join(", ")
        ));
        // Prefer a language this text lacks.
        let suggestion = crate::diagnostics::did_you_mean(lang, absent.iter().map(String::as_str))
            .or_else(|| {
                crate::diagnostics::did_you_mean(lang, self.languages.iter().map(String::as_str))
            });
        let d = match suggestion {
            Some(s) => d.help(format!(
                "did you mean `{s}`? To translate into `{lang}`, add it to `languages` in the survey header"
            )),
            None => d.help("add the language to `languages` in the survey header"),
        };
        self.report(d);
    }

    /// A problem in a translation's markup; `raw` is its text (after
    /// indentation stripping and substitution).
    fn markup_issue(&mut self, issue: MarkupIssue, t: &Translation, raw: &str) {
        match issue {
            MarkupIssue::BadLink { href } => {
                // Where the link is in the source, when the two agree.
                let exact = !t.multiline() && raw == t.raw();
                self.report(
                    Diagnostic::new(Code::BadLink, format!("link target `{href}` is not allowed"))
                        .at(
                            raw.find(&format!("]({href})"))
                                .filter(|_| exact)
                                .map_or(t.raw_span(), |at| {
                                    let start = t.raw_span().start as usize + at + 2;
                                    Span::new(t.raw_span().file, start, start + href.len())
                                }),
                            "not a web or e-mail address",
                        )
                        .help("links must start with https:, http: or mailto:"),
                )
            }
            MarkupIssue::SpaceInLink { href } => self.report(
                Diagnostic::new(
                    Code::BadLink,
                    format!("link target `{href}` contains white space"),
                )
                .at(t.raw_span(), "in this text")
                .help("an address has no spaces: write `%20` for a space, or remove it"),
            ),
            MarkupIssue::EmptyLink { href } => self.report(
                Diagnostic::new(Code::EmptyLink, format!("the link to `{href}` has no text"))
                    .at(t.raw_span(), "in this text")
                    .help(format!(
                        "write what the link leads to between the brackets: `[the privacy notice]({href})`; a screen reader reads the text, a respondent clicks it"
                    )),
            ),
            MarkupIssue::UnclosedLink => self.report(
                Diagnostic::new(
                    Code::UnclosedMarkup,
                    "`[…](` starts a link whose address never ends",
                )
                .at(t.raw_span(), "in this text")
                .help("end the address with `)`, or write `\\[` for the bracket itself"),
            ),
            MarkupIssue::Unclosed { marker } => self.report(
                Diagnostic::new(
                    Code::UnclosedMarkup,
                    format!("`{marker}` starts emphasis that never ends"),
                )
                .at(t.raw_span(), "in this text")
                .help(format!("close it with another `{marker}`, or write `\\{marker}` for the character itself")),
            ),
        }
    }

    /// The survey's languages a text has no translation for: a duplicate or
    /// unknown language code is most likely one of them mistyped, and is
    /// then reported once, as that.
    fn absent_languages(&self, translations: &[Translation]) -> Vec<String> {
        self.languages
            .iter()
            .filter(|l| !translations.iter().any(|t| t.lang() == **l))
            .cloned()
            .collect()
    }

    /// W051: a translation that is the source text copied, in a text of two
    /// or more words that is not the same in every language (names of
    /// places and organisations legitimately are).
    fn identical_to_source(
        &mut self,
        found: &[(usize, usize, ir::Translation)],
        translations: &[Translation],
    ) {
        let Some((0, _, src)) = found.first() else {
            return;
        };
        if found.len() < 2 {
            return;
        }
        // Cheap first: is any other translation the source text at all?
        let copies = found[1..].iter().filter(|(.., t)| t.raw == src.raw).count();
        if copies == 0 || (found.len() == self.languages.len() && copies == found.len() - 1) {
            return;
        }
        let words = src
            .plain()
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count();
        if words < 2 {
            return;
        }
        let source = self.languages[0].clone();
        let src_span = translations
            .iter()
            .find(|t| t.lang() == source)
            .map(|t| t.raw_span());
        // In source order.
        let mut copied: Vec<&Translation> = found[1..]
            .iter()
            .filter(|(.., t)| t.raw == src.raw)
            .map(|(_, n, _)| &translations[*n])
            .collect();
        copied.sort_by_key(|t| t.raw_span().start);
        for t in copied {
            let lang = t.lang();
            let mut d = Diagnostic::new(
                Code::IdenticalTranslation,
                format!("the `{lang}` text is the `{source}` text, word for word"),
            )
            .at(t.raw_span(), format!("same as `{source}`"))
            .help(format!(
                "translate it into `{lang}`; it was probably copied and not yet translated"
            ));
            if let Some(s) = src_span {
                d = d.with(s, format!("the `{source}` text"));
            }
            self.report(d);
        }
    }

    /// W052: a translation marked `reviewed` against another source text
    /// than the current one (docs/translations.md).
    fn stale_reviews(&mut self, translations: &[Translation]) {
        // Most texts carry no marker: no fingerprint to compute then.
        if !translations.iter().any(|t| t.reviewed().is_some()) {
            return;
        }
        let Some(source) = self.languages.first() else {
            return;
        };
        let Some(src) = translations.iter().find(|t| t.lang() == *source) else {
            return;
        };
        let current = crate::translations::fingerprint(&crate::translations::content(src));
        let source = source.clone();
        for t in translations {
            let Some(marker) = t.reviewed() else {
                continue;
            };
            if t.lang() == source || marker.value == current {
                continue;
            }
            let lang = t.lang();
            if marker.value == crate::translations::UNREVIEWED {
                self.report(
                    Diagnostic::new(
                        Code::StaleTranslation,
                        format!("the `{lang}` translation is not reviewed yet"),
                    )
                    .at(marker.span, "imported from a fuzzy or outdated PO entry")
                    .with(src.raw_span(), format!("the `{source}` text"))
                    .help(format!(
                        "check the `{lang}` text against the `{source}` one, then run `lomake translations review` (or set the marker to \"{current}\")"
                    )),
                );
                continue;
            }
            self.report(
                Diagnostic::new(
                    Code::StaleTranslation,
                    format!("the `{lang}` translation was reviewed against an earlier `{source}` text"),
                )
                .at(marker.span, format!("reviewed against {}", marker.value))
                .with(src.raw_span(), format!("the `{source}` text is now {current}"))
                .help(format!(
                    "check the `{lang}` text against the `{source}` one, then run `lomake translations review` (or set the marker to \"{current}\")"
                )),
            );
        }
    }

    /// Replaces `{param}` placeholders with the block's arguments.
    fn substitute_text(
        &mut self,
        raw: &str,
        lang: &str,
        span: Span,
        exact: bool,
        subst: Option<&Subst>,
    ) -> String {
        let Some(subst) = subst else {
            return raw.to_string();
        };
        let mut out = String::with_capacity(raw.len());
        for piece in markup::placeholders(raw) {
            let (name, at) = match piece {
                markup::Piece::Text(text) => {
                    out.push_str(text);
                    continue;
                }
                markup::Piece::Placeholder { name, at } => (name, at),
            };
            match subst.args.get(name) {
                Some(ArgumentValue::Name(n)) => out.push_str(&n.value),
                Some(ArgumentValue::Texts(ts)) => {
                    let t = ts.iter().find(|t| t.lang() == lang);
                    if let Some(t) = t {
                        if t.multiline() {
                            out.push_str(&markup::dedent(t.raw()));
                        } else {
                            out.push_str(t.raw());
                        }
                    }
                }
                None => {
                    // The placeholder itself, when offsets in `raw` are the source's.
                    let at = if exact {
                        let start = span.start as usize + at;
                        Span::new(span.file, start, start + name.len() + 2)
                    } else {
                        span
                    };
                    let params = subst.args.keys().map(String::as_str);
                    let help = match crate::diagnostics::did_you_mean(name, params) {
                        Some(p) => format!("did you mean `{{{p}}}`?"),
                        None => format!(
                            "its parameters: {}; write `\\{{` for a literal brace",
                            subst.args.keys().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    };
                    self.report(
                        Diagnostic::new(
                            Code::UnknownPlaceholder,
                            format!("block `{}` has no parameter `{name}`", subst.block),
                        )
                        .at(at, "unknown placeholder")
                        .with(subst.insert_span, "inserted here")
                        .help(help),
                    );
                }
            }
        }
        out
    }
}

/// W080: a label of `bytes` UTF-8 bytes, over SPSS's `limit` for its kind.
pub(super) fn label_too_long(
    lang: &str,
    what: &str,
    bytes: usize,
    limit: usize,
    span: Span,
) -> Diagnostic {
    Diagnostic::new(
        Code::SpssLabelTooLong,
        format!("this `{lang}` {what} is {bytes} bytes in UTF-8; SPSS keeps {limit}"),
    )
    .at(span, format!("over {limit} bytes"))
    .note("letters like ä and ö take two bytes each")
    .help(format!(
        "shorten it to {limit} bytes; otherwise SPSS files get it cut short (the codebooks keep the full text)"
    ))
}

/// SPSS's limits for labels, in UTF-8 bytes, by the kind of text (from its
/// stable key): analyst labels become variable labels (255 bytes: SPSS
/// syntax takes 256, but a `.sav` file keeps 255, as PSPP writes them and as
/// `flatten::sav` does), option labels value labels (120 bytes).
fn spss_limit(key: &str) -> Option<(usize, &'static str)> {
    // (`str::contains` sets up a substring search: slow on keys this short.)
    if key.as_bytes().windows(8).any(|w| w == b".option.") {
        Some((crate::flatten::sav::MAX_VALUE_LABEL, "option label"))
    } else if key.ends_with(".label") && !key.starts_with("section.") {
        Some((crate::flatten::sav::MAX_VARIABLE_LABEL, "analyst label"))
    } else {
        None
    }
}
