//! `lomake translations …`: status, review, export, import
//! (`docs/translations.md`, `docs/cli.md`). Exit codes: 0 nothing to
//! report, 1 problems in the input (missing or stale translations, a
//! survey that does not parse, a PO file that cannot be read), 2 usage or
//! I/O.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::patch::{self, Edit};
use super::po::{self, Catalog, Entry};
use super::{Earlier, OpenError, Problem, ReviewFilter, Sources, UNREVIEWED, content, fingerprint};
use crate::diagnostics;
use crate::git::GitLoader;
use crate::source::{DiskLoader, FileId, LoadError, Loader, normalize};

const EXIT_PROBLEMS: u8 = 1;
const EXIT_USAGE: u8 = 2;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List missing and possibly stale translations (exit 1 when there are any).
    Status {
        /// Survey files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Also report translations whose source-language text changed since
        /// this git revision while they did not.
        #[arg(long, value_name = "REV")]
        since: Option<String>,
    },
    /// Mark translations reviewed against the current source text (writes `reviewed "…"`).
    Review {
        /// Survey files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Only these languages (repeatable).
        #[arg(long, value_name = "L")]
        lang: Vec<String>,
        /// These texts, stale or not (repeatable); without it, the possibly stale ones.
        #[arg(long, value_name = "K")]
        key: Vec<String>,
        /// Stale also means: source text changed since this git revision.
        #[arg(long, value_name = "REV")]
        since: Option<String>,
    },
    /// Write a gettext PO file of one language for translators.
    Export {
        /// The language to translate into.
        #[arg(long, value_name = "L")]
        lang: String,
        /// The survey file.
        survey: PathBuf,
        /// Write here instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Mark fuzzy also the texts whose source changed since this git revision.
        #[arg(long, value_name = "REV")]
        since: Option<String>,
    },
    /// Write the translations of a PO file back into the survey's sources.
    Import {
        /// The PO file.
        po: PathBuf,
        /// The survey file.
        survey: PathBuf,
        /// The language of the PO file (default: its `Language` header).
        #[arg(long, value_name = "L")]
        lang: Option<String>,
        /// As for `status`: which translations count as possibly stale.
        #[arg(long, value_name = "REV")]
        since: Option<String>,
    },
}

/// Where messages go: findings on standard output, the rest on standard
/// error (or everything as JSON lines on standard output).
struct Out {
    json: bool,
    quiet: bool,
}

impl Out {
    fn fatal(&self, message: &str) {
        if self.json {
            let line = serde_json::json!({"code": null, "severity": "error", "message": message});
            println!("{line}");
        } else {
            eprintln!("error: {message}");
        }
    }

    fn warning(&self, message: &str) {
        if self.json {
            let line = serde_json::json!({"code": null, "severity": "warning", "message": message});
            println!("{line}");
        } else {
            eprintln!("warning: {message}");
        }
    }

    fn info(&self, message: &str) {
        if !self.quiet && !self.json {
            eprintln!("{message}");
        }
    }
}

/// Runs one `translations` command; returns the exit code.
pub fn run(command: &Command, json: bool, quiet: bool) -> u8 {
    let out = Out { json, quiet };
    match command {
        Command::Status { paths, since } => run_status(&out, paths, since.as_deref()),
        Command::Review {
            paths,
            lang,
            key,
            since,
        } => {
            let filter = ReviewFilter {
                langs: lang.iter().cloned().collect(),
                keys: key.iter().cloned().collect(),
            };
            run_review(&out, paths, &filter, since.as_deref())
        }
        Command::Export {
            lang,
            survey,
            output,
            since,
        } => run_export(&out, lang, survey, output.as_deref(), since.as_deref()),
        Command::Import {
            po,
            survey,
            lang,
            since,
        } => run_import(&out, po, survey, lang.as_deref(), since.as_deref()),
    }
}

fn cwd() -> PathBuf {
    std::env::current_dir().unwrap_or_default()
}

/// A survey's sources and, with `--since`, those of the revision. Errors
/// are printed; `Err` is the exit code.
fn open(
    out: &Out,
    path: &Path,
    since: Option<&str>,
    display_base: Option<PathBuf>,
) -> Result<(Sources, Option<Earlier>), u8> {
    let abs = normalize(&cwd().join(path));
    let sources = match super::open(&DiskLoader, &abs, display_base.clone()) {
        Ok(s) => s,
        Err(OpenError::Load(e)) => {
            out.fatal(&format!("cannot read {}: {e}", path.display()));
            return Err(EXIT_USAGE);
        }
        Err(OpenError::Syntax(loaded, ds)) => {
            print_diagnostics(out, &loaded.map, &ds);
            out.fatal(&format!(
                "{} does not parse; fix it (`lomake check`) before working on its translations",
                path.display()
            ));
            return Err(EXIT_PROBLEMS);
        }
    };
    let Some(rev) = since else {
        return Ok((sources, None));
    };
    let git = match GitLoader::open(&abs, rev) {
        Ok(g) => g,
        Err(e) => {
            out.fatal(&format!("--since {rev}: {e}"));
            return Err(EXIT_USAGE);
        }
    };
    let earlier = match super::open(&git, &abs, display_base) {
        Ok(s) => Earlier::of(rev, &s),
        Err(OpenError::Load(LoadError::NotFound)) => {
            out.info(&format!(
                "{} did not exist at {rev}: all its texts are new",
                path.display()
            ));
            Earlier {
                rev: rev.to_string(),
                ..Earlier::default()
            }
        }
        Err(OpenError::Load(e)) => {
            out.fatal(&format!("cannot read {} at {rev}: {e}", path.display()));
            return Err(EXIT_USAGE);
        }
        Err(OpenError::Syntax(..)) => {
            out.fatal(&format!(
                "{} does not parse at {rev}: cannot compare with it",
                path.display()
            ));
            return Err(EXIT_PROBLEMS);
        }
    };
    Ok((sources, Some(earlier)))
}

fn print_diagnostics(out: &Out, map: &crate::source::SourceMap, ds: &[diagnostics::Diagnostic]) {
    if out.json {
        for d in ds {
            println!("{}", diagnostics::to_json_line(map, d));
        }
    } else {
        let mut err = std::io::stderr();
        for d in ds {
            let _ = write!(err, "{}", diagnostics::render(map, d));
        }
    }
}

/// The survey files the paths name (folders: their `*.survey` files with a
/// `survey` header). Errors are printed; `Err` is the exit code.
fn files(out: &Out, paths: &[PathBuf]) -> Result<Vec<PathBuf>, u8> {
    let mut files = Vec::new();
    for p in paths {
        if !p.exists() {
            out.fatal(&format!("no such file or folder: {}", p.display()));
            return Err(EXIT_USAGE);
        }
        match super::survey_files(p) {
            Ok(found) => {
                let is_dir = p.is_dir();
                files.extend(found.into_iter().filter(|f| !is_dir || has_header(f)));
            }
            Err(e) => {
                out.fatal(&format!("cannot read folder {}: {e}", p.display()));
                return Err(EXIT_USAGE);
            }
        }
    }
    Ok(files)
}

fn has_header(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|b| {
        String::from_utf8_lossy(&b).lines().any(|l| {
            l.strip_prefix("survey")
                .is_some_and(|r| r.starts_with([' ', '\t']))
        })
    })
}

// ------------------------------------------------------------------ status

fn run_status(out: &Out, paths: &[PathBuf], since: Option<&str>) -> u8 {
    let files = match files(out, paths) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let mut status = 0u8;
    let mut seen = BTreeSet::new();
    let (mut missing, mut stale) = (0usize, 0usize);
    for file in &files {
        let (sources, earlier) = match open(out, file, since, Some(cwd())) {
            Ok(s) => s,
            Err(code) => {
                status = status.max(code);
                continue;
            }
        };
        if sources.survey_id.is_none() {
            out.info(&format!(
                "{}: a module; its texts are checked through the surveys that use it",
                file.display()
            ));
        }
        for f in super::status(&sources, earlier.as_ref()) {
            let location = sources.location(f.span);
            // A module shared by several surveys is reported once.
            if !seen.insert((location.clone(), f.lang.clone(), f.is_stale())) {
                continue;
            }
            if f.is_stale() {
                stale += 1;
            } else {
                missing += 1;
            }
            print_finding(out, &sources, &location, &f);
        }
    }
    if missing + stale > 0 {
        out.info(&format!(
            "lomake: {missing} missing and {stale} possibly stale translation(s)"
        ));
        status = status.max(EXIT_PROBLEMS);
    } else if status == 0 {
        out.info("lomake: no missing or possibly stale translations");
    }
    status
}

fn print_finding(out: &Out, sources: &Sources, location: &str, f: &super::Finding) {
    let src = sources.source_language().unwrap_or("");
    if out.json {
        let (line, column) = {
            let file = sources.loaded.map.get(f.span.file);
            file.line_col(f.span.start as usize)
        };
        let file = &sources.loaded.map.get(f.span.file).name;
        let mut v = serde_json::json!({
            "status": if f.is_stale() { "stale" } else { "missing" },
            "file": file,
            "line": line,
            "column": column,
            "key": f.key,
            "lang": f.lang,
        });
        match &f.problem {
            Problem::Missing => {}
            Problem::ReviewedEarlier { marker, current } => {
                v["reason"] = "reviewed".into();
                v["reviewed"] = marker.clone().into();
                v["current"] = current.clone().into();
            }
            Problem::ChangedSince { rev, old_source } => {
                v["reason"] = "since".into();
                v["since"] = rev.clone().into();
                v["old_source"] = old_source.clone().into();
            }
        }
        println!("{v}");
        return;
    }
    let why = match &f.problem {
        Problem::Missing => format!("missing `{}` translation of `{}`", f.lang, f.key),
        Problem::ReviewedEarlier { marker, .. } if marker == UNREVIEWED => format!(
            "possibly stale `{}` translation of `{}`: imported from a fuzzy or outdated PO entry, not reviewed yet",
            f.lang, f.key
        ),
        Problem::ReviewedEarlier { marker, current } => format!(
            "possibly stale `{}` translation of `{}`: reviewed against an earlier `{src}` text ({marker}; now {current})",
            f.lang, f.key
        ),
        Problem::ChangedSince { rev, .. } => format!(
            "possibly stale `{}` translation of `{}`: the `{src}` text changed since {rev}, this one did not",
            f.lang, f.key
        ),
    };
    println!("{location}: {why}");
}

// ------------------------------------------------------------------ review

fn run_review(out: &Out, paths: &[PathBuf], filter: &ReviewFilter, since: Option<&str>) -> u8 {
    let files = match files(out, paths) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let mut status = 0u8;
    let mut marked = 0usize;
    let mut keys_found = BTreeSet::new();
    for file in &files {
        let (sources, earlier) = match open(out, file, since, Some(cwd())) {
            Ok(s) => s,
            Err(code) => {
                status = status.max(code);
                continue;
            }
        };
        for s in &sources.sites {
            if filter.keys.contains(&s.key) {
                keys_found.insert(s.key.clone());
            }
        }
        let edits = super::review_edits(&sources, filter, earlier.as_ref());
        let mut by_file: BTreeMap<FileId, Vec<Edit>> = BTreeMap::new();
        for (f, e, key, lang) in edits {
            out.info(&format!(
                "{}: marked the `{lang}` translation of `{key}` reviewed",
                sources.location(crate::source::Span::new(f, e.start, e.start))
            ));
            by_file.entry(f).or_default().push(e);
            marked += 1;
        }
        if let Err(code) = write_patched(out, &sources, &by_file, &BTreeMap::new()) {
            status = status.max(code);
        }
    }
    for k in &filter.keys {
        if !keys_found.contains(k) {
            out.warning(&format!("no text has the key `{k}`"));
        }
    }
    out.info(&format!("lomake: marked {marked} translation(s) reviewed"));
    status
}

/// Applies edits to the sources, checks that the result parses to the same
/// texts with the expected literals, and writes the changed files.
/// `expected`: (key, lang) → the literal content each patched translation
/// must read back as.
fn write_patched(
    out: &Out,
    sources: &Sources,
    edits: &BTreeMap<FileId, Vec<Edit>>,
    expected: &BTreeMap<(String, String), String>,
) -> Result<usize, u8> {
    let mut overlay = Overlay {
        files: BTreeMap::new(),
    };
    for (id, es) in edits {
        if es.is_empty() {
            continue;
        }
        let f = sources.loaded.map.get(*id);
        overlay
            .files
            .insert(normalize(&f.path), patch::apply(&f.text, es).into_bytes());
    }
    if overlay.files.is_empty() {
        return Ok(0);
    }
    // The patched files must read back as intended: same keys, and every
    // patched literal as written.
    let entry = sources.loaded.map.get(sources.loaded.entry).path.clone();
    let check = super::open(&overlay, &entry, None);
    let problem = match &check {
        Err(_) => Some("the patched file does not parse".to_string()),
        Ok(after) => {
            let before: Vec<&str> = sources.sites.iter().map(|s| s.key.as_str()).collect();
            let now: Vec<&str> = after.sites.iter().map(|s| s.key.as_str()).collect();
            if before != now {
                Some("the patched file has different texts".to_string())
            } else {
                expected.iter().find_map(|((key, lang), raw)| {
                    let t = after.site(key).and_then(|s| s.get(lang));
                    (t.map(|t| t.raw().as_str()) != Some(raw.as_str()))
                        .then(|| format!("`{lang}` of `{key}` does not read back as written"))
                })
            }
        }
    };
    if let Some(p) = problem {
        out.fatal(&format!(
            "nothing written: {p} (a bug in lomake; please report it with the input)"
        ));
        return Err(EXIT_PROBLEMS);
    }
    for (path, bytes) in &overlay.files {
        if let Err(e) = std::fs::write(path, bytes) {
            out.fatal(&format!("cannot write {}: {e}", path.display()));
            return Err(EXIT_USAGE);
        }
    }
    Ok(overlay.files.len())
}

/// Patched files in memory over the disk.
struct Overlay {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl Loader for Overlay {
    fn load(&self, path: &Path) -> Result<Vec<u8>, LoadError> {
        match self.files.get(&normalize(path)) {
            Some(b) => Ok(b.clone()),
            None => DiskLoader.load(path),
        }
    }

    fn exists(&self, path: &Path) -> bool {
        self.files.contains_key(&normalize(path)) || DiskLoader.exists(path)
    }
}

// ------------------------------------------------------------------ export

/// The PO catalog of one language.
pub fn catalog(sources: &Sources, lang: &str, earlier: Option<&Earlier>) -> Catalog {
    let src = sources.source_language().unwrap_or("");
    let project = format!(
        "{} {}",
        sources.survey_id.as_deref().unwrap_or("survey"),
        sources.version.as_deref().unwrap_or("")
    );
    // No dates: the same sources give the same file. The translator fields
    // are left empty for the translation tool to fill in.
    let header = [
        ("Project-Id-Version", project.trim_end()),
        ("PO-Revision-Date", ""),
        ("Last-Translator", ""),
        ("Language-Team", ""),
        ("Language", lang),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("X-Generator", "lomake"),
        ("X-Source-Language", src),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mut entries = Vec::new();
    for site in &sources.sites {
        let Some(source) = site.get(src) else {
            continue;
        };
        let msgid = patch::to_text(source);
        if msgid.is_empty() {
            continue;
        }
        let file = sources.loaded.map.get(site.file);
        let (line, _) = file.line_col(source.raw_span().start as usize);
        let mut extracted = Vec::new();
        let placeholders = site.placeholders(&content(source));
        if !placeholders.is_empty() {
            extracted.push(format!(
                "Keep {} as written: lomake replaces {} when the text is used.",
                placeholders
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if placeholders.len() == 1 {
                    "it"
                } else {
                    "them"
                }
            ));
        }
        if msgid.contains("\n\n") {
            extracted.push("Several paragraphs: keep the empty lines between them.".to_string());
        } else if msgid.contains('\n') {
            extracted.push(
                "One paragraph: a line break is read as a space; an empty line would start a new paragraph."
                    .to_string(),
            );
        }
        let t = site.get(lang);
        let problem = t.and_then(|t| super::staleness(site, src, t, earlier));
        let mut flags = Vec::new();
        let mut previous = None;
        match &problem {
            Some(Problem::ChangedSince { old_source, .. }) => {
                flags.push("fuzzy".to_string());
                previous = Some(old_source.clone());
            }
            Some(_) => flags.push("fuzzy".to_string()),
            None => {}
        }
        entries.push(Entry {
            extracted,
            references: vec![format!("{}:{line}", file.name.replace(' ', "\u{a0}"))],
            flags,
            previous,
            msgctxt: Some(site.key.clone()),
            msgid,
            msgstr: t.map(patch::to_text).unwrap_or_default(),
            plural: false,
            line: 0,
        });
    }
    Catalog { header, entries }
}

fn check_lang(out: &Out, sources: &Sources, lang: &str, path: &Path) -> Result<(), u8> {
    let Some(src) = sources.source_language() else {
        out.fatal(&format!(
            "{} has no `survey` header with `languages`: name the survey file, not a module",
            path.display()
        ));
        return Err(EXIT_USAGE);
    };
    if lang == src {
        out.fatal(&format!(
            "`{lang}` is the source language of {}: choose a language to translate into",
            path.display()
        ));
        return Err(EXIT_USAGE);
    }
    if !sources.languages.iter().any(|l| l == lang) {
        out.fatal(&format!(
            "`{lang}` is not one of the survey's languages ({})",
            sources.languages.join(", ")
        ));
        return Err(EXIT_USAGE);
    }
    Ok(())
}

fn run_export(
    out: &Out,
    lang: &str,
    survey: &Path,
    output: Option<&Path>,
    since: Option<&str>,
) -> u8 {
    let (sources, earlier) = match open(out, survey, since, None) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if let Err(code) = check_lang(out, &sources, lang, survey) {
        return code;
    }
    let skipped = sources
        .sites
        .iter()
        .filter(|s| {
            sources
                .source_language()
                .and_then(|l| s.get(l))
                .is_none_or(|t| patch::to_text(t).is_empty())
        })
        .count();
    if skipped > 0 {
        out.warning(&format!(
            "{skipped} text(s) have no source-language text and are left out"
        ));
    }
    let text = po::write(&catalog(&sources, lang, earlier.as_ref()));
    match output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                out.fatal(&format!("cannot write {}: {e}", path.display()));
                return EXIT_USAGE;
            }
            out.info(&format!("wrote {}", path.display()));
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(text.as_bytes()).is_err() {
                return EXIT_USAGE;
            }
        }
    }
    0
}

// ------------------------------------------------------------------ import

/// What an import would change: edits per file, the literal each patched
/// translation must read back as, warnings, and counts.
#[derive(Debug, Default)]
pub struct ImportPlan {
    pub edits: BTreeMap<FileId, Vec<Edit>>,
    pub expected: BTreeMap<(String, String), String>,
    pub warnings: Vec<String>,
    pub changed: usize,
    pub added: usize,
    pub reviewed: usize,
    /// Translations written from fuzzy or outdated entries: marked
    /// [`UNREVIEWED`].
    pub unreviewed: usize,
}

/// Plans the import of a catalog's `lang` translations.
///
/// * An entry with an empty `msgstr` changes nothing.
/// * A translation that differs is rewritten (a missing one added on a
///   line of its own after its siblings).
/// * A non-fuzzy entry whose `msgid` is the current source text confirms
///   the translation: if it has a `reviewed` marker, or is possibly stale,
///   the marker is set to the current source's fingerprint.
/// * A fuzzy entry, or one translated from another source text than the
///   current one, is imported but not marked reviewed; when it changes or
///   adds a translation, that translation's marker becomes [`UNREVIEWED`],
///   so that it stays possibly stale until someone confirms it.
/// * Unknown `msgctxt`s, entries without one and plural entries are
///   warnings, and left out.
pub fn plan_import(
    sources: &Sources,
    catalog: &Catalog,
    lang: &str,
    earlier: Option<&Earlier>,
) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let src = sources.source_language().unwrap_or("");
    let mut seen = BTreeSet::new();
    // Whether each file has `\r\n` line ends: asked once, not per edit.
    let mut crlf: BTreeMap<FileId, bool> = BTreeMap::new();
    for e in &catalog.entries {
        let Some(key) = &e.msgctxt else {
            plan.warnings.push(format!(
                "PO line {}: an entry without msgctxt (not from `lomake translations export`); left out",
                e.line
            ));
            continue;
        };
        if e.plural {
            plan.warnings.push(format!(
                "PO line {}: `{key}` is a plural entry; lomake texts have no plural forms; left out",
                e.line
            ));
            continue;
        }
        if !seen.insert(key.clone()) {
            plan.warnings.push(format!(
                "PO line {}: a second entry for `{key}`; left out",
                e.line
            ));
            continue;
        }
        let Some(site) = sources.site(key) else {
            plan.warnings.push(format!(
                "PO line {}: unknown msgctxt `{key}`: the survey has no such text (removed or renamed since the export?); left out",
                e.line
            ));
            continue;
        };
        let text = patch::normalize_newlines(&e.msgstr);
        if text.trim().is_empty() {
            continue;
        }
        if text.contains('\0') {
            plan.warnings.push(format!(
                "PO line {}: the translation of `{key}` contains a NUL character; left out",
                e.line
            ));
            continue;
        }
        let Some(source) = site.get(src) else {
            continue;
        };
        // A placeholder the block does not have would break the survey.
        let unknown = site.unknown_placeholders(&text);
        if !unknown.is_empty() {
            let list: Vec<String> = unknown.iter().map(|p| format!("`{{{p}}}`")).collect();
            plan.warnings.push(format!(
                "PO line {}: the translation of `{key}` uses {}, which the block has no parameter for; left out (its parameters: {}; write `\\{{` for a literal brace)",
                e.line,
                list.join(", "),
                if site.params.is_empty() {
                    "none".to_string()
                } else {
                    site.params.iter().map(|p| format!("{{{p}}}")).collect::<Vec<_>>().join(", ")
                }
            ));
            continue;
        }
        let vanishing = patch::lost_backslashes(&text);
        if !vanishing.is_empty() {
            let list: Vec<String> = vanishing
                .iter()
                .map(|c| match c {
                    ' ' => "`\\ ` (before a space)".to_string(),
                    '\n' => "`\\` at a line end".to_string(),
                    c => format!("`\\{c}`"),
                })
                .collect();
            plan.warnings.push(format!(
                "PO line {}: the translation of `{key}` has {}: a backslash escapes the character after it and is not shown; write `\\\\` for a backslash; imported",
                e.line,
                list.join(", ")
            ));
        }
        let same_source = patch::to_text(source) == e.msgid;
        if !same_source {
            plan.warnings.push(format!(
                "PO line {}: the `{src}` text of `{key}` changed since the PO file was made; imported, not marked reviewed",
                e.line
            ));
        }
        let lost: Vec<String> = site
            .placeholders(&e.msgid)
            .into_iter()
            .filter(|p| !text.contains(&format!("{{{p}}}")))
            .map(|p| format!("{{{p}}}"))
            .collect();
        if !lost.is_empty() {
            plan.warnings.push(format!(
                "PO line {}: the translation of `{key}` lacks {}, which the `{src}` text has; imported",
                e.line,
                lost.join(", ")
            ));
        }
        // A non-fuzzy entry translated from the current source text confirms
        // its translation; any other leaves a changed one marked unreviewed.
        let confirm = !e.is_fuzzy() && same_source;
        let file = &sources.loaded.map.get(site.file).text;
        let crlf = *crlf
            .entry(site.file)
            .or_insert_with(|| file.contains("\r\n"));
        let edits = plan.edits.entry(site.file).or_default();
        match site.get(lang) {
            Some(t) => {
                let edit = patch::text_edit(file, t, &text).map(|e| same_eol(crlf, e));
                let changed = edit.is_some();
                if let Some(edit) = edit {
                    let raw = literal_raw(&edit.text);
                    plan.expected.insert((key.clone(), lang.to_string()), raw);
                    edits.push(edit);
                    plan.changed += 1;
                }
                if confirm {
                    if (t.reviewed().is_some() || super::staleness(site, src, t, earlier).is_some())
                        && let Some(m) = patch::marker_edit(t, &fingerprint(&content(source)))
                    {
                        edits.push(m);
                        plan.reviewed += 1;
                    }
                } else if changed && let Some(m) = patch::marker_edit(t, UNREVIEWED) {
                    // A new text nobody confirmed: remembered as such, so
                    // that `status`, `check` and the next export show it.
                    edits.push(m);
                    plan.unreviewed += 1;
                }
            }
            None => {
                let order: Vec<&str> = sources.languages.iter().map(String::as_str).collect();
                let pos = |l: &str| order.iter().position(|x| *x == l).unwrap_or(usize::MAX);
                let me = pos(lang);
                let after = site
                    .translations
                    .iter()
                    .filter(|t| pos(t.lang()) < me)
                    .max_by_key(|t| t.raw_span().start);
                let before = site
                    .translations
                    .iter()
                    .filter(|t| pos(t.lang()) > me)
                    .min_by_key(|t| t.raw_span().start);
                let marker = (!confirm).then_some(UNREVIEWED);
                let (edit, lit) =
                    patch::add_edit(file, lang, &text, after, before, site.at, marker);
                let lit = if crlf { lit.replace('\n', "\r\n") } else { lit };
                plan.expected
                    .insert((key.clone(), lang.to_string()), literal_raw(&lit));
                edits.push(same_eol(crlf, edit));
                plan.added += 1;
                plan.unreviewed += usize::from(!confirm);
            }
        }
    }
    plan
}

/// An edit with the file's line endings (`\r\n` in a file that has them:
/// `crlf`).
fn same_eol(crlf: bool, mut e: Edit) -> Edit {
    if crlf {
        e.text = e.text.replace('\n', "\r\n");
    }
    e
}

/// The content between the quotes of a literal written by [`patch::literal`].
fn literal_raw(lit: &str) -> String {
    if let Some(r) = lit.strip_prefix("\"\"\"") {
        r.strip_suffix("\"\"\"").unwrap_or(r).to_string()
    } else {
        let r = lit.strip_prefix('"').unwrap_or(lit);
        r.strip_suffix('"').unwrap_or(r).to_string()
    }
}

fn run_import(
    out: &Out,
    po_path: &Path,
    survey: &Path,
    lang: Option<&str>,
    since: Option<&str>,
) -> u8 {
    let bytes = match std::fs::read(po_path) {
        Ok(b) => b,
        Err(e) => {
            out.fatal(&format!("cannot read {}: {e}", po_path.display()));
            return EXIT_USAGE;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        out.fatal(&format!(
            "{} is not UTF-8: save it as UTF-8 (Content-Type: text/plain; charset=UTF-8)",
            po_path.display()
        ));
        return EXIT_PROBLEMS;
    };
    let catalog = match po::read(&text) {
        Ok(c) => c,
        Err(e) => {
            out.fatal(&format!("{}:{}: {}", po_path.display(), e.line, e.message));
            return EXIT_PROBLEMS;
        }
    };
    let (sources, earlier) = match open(out, survey, since, Some(cwd())) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let lang = match lang.map(str::to_string).or_else(|| {
        catalog.header_field("Language").map(|l| {
            // `sv_FI`, `sv-FI`: the survey may say just `sv`.
            if sources.languages.iter().any(|x| x == l) {
                l.to_string()
            } else {
                l.split(['_', '-']).next().unwrap_or(l).to_string()
            }
        })
    }) {
        Some(l) if !l.is_empty() => l,
        _ => {
            out.fatal(&format!(
                "{} has no `Language` header: say which language it is with --lang",
                po_path.display()
            ));
            return EXIT_USAGE;
        }
    };
    if let Err(code) = check_lang(out, &sources, &lang, survey) {
        return code;
    }
    let plan = plan_import(&sources, &catalog, &lang, earlier.as_ref());
    for w in &plan.warnings {
        out.warning(&format!("{}: {w}", po_path.display()));
    }
    match write_patched(out, &sources, &plan.edits, &plan.expected) {
        Ok(files) => {
            out.info(&format!(
                "lomake: {} translation(s) changed, {} added, {} marked reviewed, {} marked unreviewed (fuzzy), in {files} file(s)",
                plan.changed, plan.added, plan.reviewed, plan.unreviewed
            ));
            0
        }
        Err(code) => code,
    }
}
