//! The checker: from parsed files to the IR, with every problem found.
//!
//! Stages, each of which continues past errors:
//! 1. *structure*: group block bodies, find the survey header;
//! 2. *definitions*: scales, lists and blocks from the file and its modules;
//! 3. *expansion*: sections, questions and block instances in questionnaire
//!    order, with placeholders substituted;
//! 4. *lowering*: each element to IR sections, elements and variables, with
//!    names, texts, lists and conditions checked.
//!
//! Invariant: the checker reports each problem once, at the item that has
//! it; an item that failed to parse is simply absent and causes no
//! follow-up errors, and a condition naming a broken question is not
//! reported as unknown.

mod conditions;
mod lineage;
mod lower;
mod names;
mod routing;
mod texts;

pub use names::VariableSpans;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::diagnostics::{self, Code, Diagnostic, Severity};
use crate::ir;
use crate::load::{self, LoadOptions, Loaded};
use crate::shared::SharedStr;
use crate::source::{FileId, LoadError, Loader, SourceMap, Span};
use crate::syntax::ast::{ArgumentValue, Item, Keyword};

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Missing translations are warnings instead of errors (drafts).
    pub allow_missing_translations: bool,
    pub load: LoadOptions,
    /// Do not follow `continues` to earlier waves (set when checking an
    /// earlier wave for the lineage pass).
    pub skip_lineage: bool,
    /// In how many parts, on as many threads, the questionnaire's body is
    /// lowered and its routing analysed: `None` decides by its size and the
    /// machine's cores. The result is the same whatever the number (tests
    /// force several).
    pub lower_parts: Option<usize>,
}

/// What checking one survey produced.
#[derive(Debug)]
pub struct Checked {
    pub map: SourceMap,
    /// The IR, when the survey has no errors.
    pub survey: Option<ir::Survey>,
    pub diagnostics: Vec<Diagnostic>,
    /// The file is a module (no `survey` header): checked for its own sake.
    pub is_module: bool,
    /// Where each variable is declared.
    pub variable_spans: VariableSpans,
    /// The syntax trees the IR was lowered from, by file. Nothing in the
    /// IR or the diagnostics refers to them: they are handed back rather
    /// than freed here, so that a caller about to exit need not spend time
    /// freeing them (the command line), and one that keeps the result can
    /// drop them early.
    pub syntax: BTreeMap<FileId, crate::syntax::ast::SyntaxFile>,
    /// What the checker built only to work with (the tables of names in
    /// scope while it lowered the body, the names of the lists in use):
    /// handed back for the same reason as `syntax`. Freeing it here would
    /// cost a large survey a few milliseconds, some hundred thousand
    /// strings, many of them made on other threads.
    pub scratch: Scratch,
}

/// See [`Checked::scratch`]: nothing to read, only to drop.
#[derive(Default)]
pub struct Scratch {
    scopes: Vec<lower::Scope>,
    names: Vec<crate::fasthash::FastIndexSet<String>>,
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scratch")
    }
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks one survey file (and the modules it uses). Fails only when the file
/// itself cannot be read.
pub fn check_file(
    loader: &dyn Loader,
    path: &Path,
    options: &CheckOptions,
) -> Result<Checked, LoadError> {
    let mut diagnostics = Vec::new();
    let loaded = crate::timings::time("load", || {
        load::load(loader, path, &options.load, &mut diagnostics)
    })?;
    Ok(crate::timings::time("check", || {
        check_loaded(loader, loaded, diagnostics, options)
    }))
}

/// Checks source text held in memory (tests, fuzzing, benchmarks).
pub fn check_source(name: &str, text: &str, options: &CheckOptions) -> Checked {
    let mut loader = crate::source::MemoryLoader::new();
    loader.add(name, text.as_bytes());
    check_file(&loader, Path::new(name), options).expect("the file is in memory")
}

fn check_loaded(
    loader: &dyn Loader,
    loaded: Loaded,
    mut diagnostics: Vec<Diagnostic>,
    options: &CheckOptions,
) -> Checked {
    let is_module = loaded
        .files
        .get(&loaded.entry)
        .is_some_and(|f| !f.items.iter().any(|i| i.keyword.value == Keyword::Survey))
        && loaded
            .files
            .get(&loaded.entry)
            .is_some_and(|f| !f.items.is_empty() && only_definitions(&f.items));
    // A module that could not be read leaves its scales, lists and blocks
    // undefined: their uses are then not reported as unknown.
    let incomplete = diagnostics.iter().any(|d| {
        matches!(d.code, Code::ModuleNotFound | Code::ModuleOutsideRoot)
            || (d.code == Code::Unreadable && d.span.is_some_and(|s| s.file != loaded.entry))
    });
    let mut lineage_work = None;
    let variable_spans;
    let scratch;
    let survey = {
        let mut checker = Checker::new(&loaded, options, is_module, incomplete);
        let survey = crate::timings::time("lower", || checker.run());
        if let Some(s) = &survey {
            // Lists that are the values of a column (single choices, scales,
            // grid items) have value labels in SPSS.
            let long = std::mem::take(&mut checker.long_option_labels);
            let valued: BTreeSet<&str> = if long.is_empty() {
                BTreeSet::new()
            } else {
                s.variables
                    .iter()
                    .filter(|v| v.kind == ir::VariableKind::Single)
                    .filter_map(|v| v.list.as_deref())
                    .collect()
            };
            for (list, lang, bytes, span) in long {
                if valued.contains(list.as_str()) {
                    checker.diagnostics.push(texts::label_too_long(
                        &lang,
                        "option label",
                        bytes,
                        crate::flatten::sav::MAX_VALUE_LABEL,
                        span,
                    ));
                }
            }
        }
        // Conditions are analysed once everything else is right: in a survey
        // with errors they may be incomplete.
        if let Some(s) = &survey
            && !checker.diagnostics.iter().any(Diagnostic::is_error)
            && !diagnostics.iter().any(Diagnostic::is_error)
        {
            let found = crate::timings::time("routing", || {
                routing::report(
                    s,
                    &checker.routing_sections,
                    &checker.routing_elements,
                    options.lower_parts,
                )
            });
            checker.diagnostics.extend(found);
        }
        variable_spans = std::mem::take(&mut checker.names).into_spans();
        scratch = std::mem::take(&mut checker.scratch);
        let clean = !checker.diagnostics.iter().any(Diagnostic::is_error)
            && !diagnostics.iter().any(Diagnostic::is_error);
        if clean && !options.skip_lineage {
            lineage_work = Some((
                std::mem::take(&mut checker.lineage),
                std::mem::take(&mut checker.lineage_grids),
            ));
        }
        diagnostics.extend(checker.diagnostics);
        survey
    };
    // Wave lineage, once the survey is clean: it adds the earlier waves'
    // files to the source map.
    let Loaded {
        map: mut source_map,
        files,
        entry,
        root,
        ..
    } = loaded;
    let mut survey = survey;
    if let (Some((decls, grids)), Some(s)) = (lineage_work, &mut survey) {
        let header = files
            .get(&entry)
            .and_then(|f| f.items.iter().find(|i| i.keyword.value == Keyword::Survey));
        let pass = lineage::Pass {
            loader,
            header,
            entry_path: source_map.get(entry).path.clone(),
            root: &root,
            options,
        };
        diagnostics.extend(pass.run(&mut source_map, s, &decls, &grids));
    }
    diagnostics::sort(&mut diagnostics);
    diagnostics.dedup();
    let has_errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
    Checked {
        map: source_map,
        survey: if has_errors { None } else { survey },
        diagnostics,
        is_module,
        variable_spans,
        syntax: files,
        scratch,
    }
}

/// Is every item a definition (`use`, `scale`, `list`, `block`, `end`) or
/// inside a `block … end`? One pass: asking of each item whether it is in a
/// block would be quadratic in the items of a large module.
fn only_definitions(items: &[Item]) -> bool {
    let mut open = false;
    items.iter().all(|i| {
        let ok = open
            || matches!(
                i.keyword.value,
                Keyword::Use | Keyword::Scale | Keyword::List | Keyword::Block | Keyword::End
            );
        match i.keyword.value {
            Keyword::Block => open = true,
            Keyword::End => open = false,
            _ => {}
        }
        ok
    })
}

/// E024 at a block's `block <name>` line; callers add where it should end.
fn unclosed_block(head: &Item) -> Diagnostic {
    let name = head.name.as_ref().map_or(head.keyword.span, |n| n.span);
    Diagnostic::new(Code::UnclosedBlock, "block is never closed with `end`")
        .at(head.keyword.span.to(name), "this block")
}

/// A block definition: its head and body items.
struct BlockDef<'a> {
    head: &'a Item,
    body: Vec<&'a Item>,
}

/// The arguments in force while expanding one `insert`.
#[derive(Clone)]
pub(crate) struct Subst {
    pub block: String,
    pub insert_span: Span,
    pub args: BTreeMap<String, ArgumentValue>,
}

/// One element (or section) in questionnaire order, ready to lower.
struct Expanded<'a> {
    item: &'a Item,
    subst: Option<Arc<Subst>>,
    /// The enclosing `insert`, if any.
    insert: Option<Arc<InsertCtx<'a>>>,
}

/// One `insert`: its position among the top-level items (which identifies
/// it), the item, and its researcher note.
struct InsertCtx<'a> {
    index: usize,
    item: &'a Item,
    note: Option<(Span, &'a Vec<crate::syntax::ast::Translation>)>,
}

pub(crate) struct Checker<'a> {
    loaded: &'a Loaded,
    options: &'a CheckOptions,
    diagnostics: Vec<Diagnostic>,
    languages: Vec<String>,
    /// The same, shared by every text of the IR.
    shared_languages: Vec<ir::Lang>,
    lists: IndexMap<String, &'a Item>,
    blocks: IndexMap<String, BlockDef<'a>>,
    /// Named lists in order of first use.
    used_lists: crate::fasthash::FastIndexSet<String>,
    /// The lists lowered so far, by name (their order is `used_lists`').
    ir_lists: crate::fasthash::FastMap<String, ir::AnswerList>,
    names: names::NameTable,
    is_module: bool,
    /// Some module could not be loaded (already reported).
    incomplete: bool,
    /// Where sections' and elements' conditions are written, for the
    /// routing analysis; `routing_outer` passes the surrounding `when`s to
    /// the element being lowered.
    routing_sections: Vec<routing::Site>,
    routing_elements: Vec<routing::Site>,
    routing_outer: Vec<Span>,
    /// The element being lowered is in an `insert` with a condition of its
    /// own (its section does not carry): its outer condition is then more
    /// than its section's.
    routing_insert_when: bool,
    /// Option labels over SPSS's 120 bytes: list, language, bytes, where.
    long_option_labels: Vec<(String, String, usize, Span)>,
    /// What variables say about wave lineage, for the lineage pass.
    lineage: Vec<lineage::Decl>,
    /// Grid-level `continues` targets (each must name a grid of the earlier wave).
    lineage_grids: Vec<crate::source::Spanned<String>>,
    /// A name in the condition being lowered was taken on trust (a worker's
    /// `Scope::before`), and the conditions lowered so.
    provisional: bool,
    deferred: Vec<Deferred<'a>>,
    /// The expanded items of the body, for [`Checker::asked_anywhere`].
    body_items: Option<Arc<Vec<Expanded<'a>>>>,
    /// Every variable name of the body (lowercase), made on first use: only
    /// a condition naming what is not in scope asks.
    asked: Option<crate::fasthash::FastSet<String>>,
    /// The translations of the text being lowered (`Checker::text`), kept
    /// for the next text.
    found: Vec<(usize, usize, ir::Translation)>,
    /// This checker's own handles on the source files, by file id, taken on
    /// first use: the IR's texts are counted on them, not on the parse
    /// groups' handles, which another thread's part may be counting on
    /// (see `SharedBuf`).
    sources: Vec<Option<crate::shared::SharedBuf>>,
    /// Handed back with the result (`Checked::scratch`).
    scratch: Scratch,
}

/// A condition a worker lowered with names of earlier parts taken on trust:
/// lowered again, with those parts' variables known, when its part is taken
/// in.
struct Deferred<'a> {
    item: &'a Item,
    subst: Option<Subst>,
    result: Option<ir::Condition>,
    /// The position of the expanded item it is lowered for.
    at: usize,
}

impl<'a> Checker<'a> {
    pub(super) fn report(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// A checker with nothing defined, reported or declared yet.
    fn new(
        loaded: &'a Loaded,
        options: &'a CheckOptions,
        is_module: bool,
        incomplete: bool,
    ) -> Checker<'a> {
        Checker {
            loaded,
            options,
            diagnostics: Vec::new(),
            languages: Vec::new(),
            shared_languages: Vec::new(),
            lists: IndexMap::new(),
            blocks: IndexMap::new(),
            used_lists: Default::default(),
            ir_lists: Default::default(),
            names: names::NameTable::default(),
            is_module,
            incomplete,
            routing_sections: Vec::new(),
            routing_elements: Vec::new(),
            routing_outer: Vec::new(),
            routing_insert_when: false,
            long_option_labels: Vec::new(),
            lineage: Vec::new(),
            lineage_grids: Vec::new(),
            provisional: false,
            deferred: Vec::new(),
            body_items: None,
            asked: None,
            found: Vec::new(),
            sources: Vec::new(),
            scratch: Scratch::default(),
        }
    }

    /// `s`, a slice of file `file` (or any text), counted on this checker's
    /// handle on that file: the same bytes.
    pub(super) fn adopt(&mut self, file: crate::source::FileId, s: &SharedStr) -> SharedStr {
        let i = file.0 as usize;
        if self.sources.len() <= i {
            self.sources.resize_with(i + 1, || None);
        }
        let loaded = self.loaded;
        self.sources[i]
            .get_or_insert_with(|| crate::shared::SharedBuf::new(&loaded.map.get(file).text))
            .adopt(s)
    }

    /// A checker that lowers a part of the body on another thread: the
    /// same survey, languages and definitions, nothing reported or declared
    /// yet.
    fn worker(&self) -> Checker<'a> {
        Checker {
            languages: self.languages.clone(),
            // Codes of its own: every text counts references to them, and
            // two threads counting on one code would take turns at it.
            shared_languages: self
                .shared_languages
                .iter()
                .map(|l| ir::Lang::from(&**l))
                .collect(),
            lists: self.lists.clone(),
            ir_lists: self.ir_lists.clone(),
            ..Checker::new(self.loaded, self.options, self.is_module, self.incomplete)
        }
    }

    fn run(&mut self) -> Option<ir::Survey> {
        let entry = self.loaded.entry;
        let Some(file) = self.loaded.files.get(&entry) else {
            return None; // unreadable: already reported
        };
        // Definitions from modules first (in import order), then the file's own.
        let mut order = Vec::new();
        let mut seen = BTreeSet::new();
        self.module_order(entry, &mut order, &mut seen);
        for id in &order {
            if *id != entry {
                self.collect_definitions(*id, true);
            }
        }
        let top = self.collect_definitions(entry, false);

        if self.is_module {
            // A module on its own: check what can be checked without a survey.
            let defs: Vec<&Item> = self.lists.values().copied().collect();
            for item in defs {
                if item.span.file == entry {
                    let name = item
                        .name
                        .as_ref()
                        .map(|n| n.value.clone())
                        .unwrap_or_default();
                    self.lower_list(item, &name, None);
                }
            }
            return None;
        }

        let header = self.header(file.file, &top)?;
        let survey = self.lower_survey(header, &top);
        Some(survey)
    }

    fn module_order(&self, file: FileId, out: &mut Vec<FileId>, seen: &mut BTreeSet<FileId>) {
        if !seen.insert(file) {
            return;
        }
        if let Some(imports) = self.loaded.imports.get(&file) {
            for i in imports {
                self.module_order(*i, out, seen);
            }
        }
        out.push(file);
    }

    /// Records the file's scales, lists and blocks; returns its other items
    /// (top level, in order).
    fn collect_definitions(&mut self, file: FileId, is_module: bool) -> Vec<&'a Item> {
        let Some(tree) = self.loaded.files.get(&file) else {
            return Vec::new();
        };
        let mut top = Vec::new();
        let mut open: Option<BlockDef<'a>> = None;
        for item in &tree.items {
            match item.keyword.value {
                Keyword::Block => {
                    if let Some(prev) = open.take() {
                        self.report(
                            unclosed_block(prev.head)
                                .with(item.keyword.span, "the next block starts here")
                                .help("put `end` on its own line after the block's last item"),
                        );
                        self.define_block(prev);
                    }
                    open = Some(BlockDef {
                        head: item,
                        body: Vec::new(),
                    });
                }
                Keyword::End => match open.take() {
                    Some(def) => self.define_block(def),
                    None => self.report(
                        Diagnostic::new(Code::UnmatchedEnd, "`end` without a `block`")
                            .at(item.keyword.span, "nothing to end")
                            .help("remove this line, or add the `block` it should close"),
                    ),
                },
                Keyword::Scale | Keyword::List => {
                    if let Some(def) = &open {
                        self.report(
                            Diagnostic::new(
                                Code::MisplacedItem,
                                format!(
                                    "a {} cannot be defined inside a block",
                                    item.keyword.value.as_str()
                                ),
                            )
                            .at(item.keyword.span, "inside a block")
                            .with(def.head.keyword.span, "the block starts here")
                            .help("define it outside the block; blocks can use it by name"),
                        );
                    }
                    self.define_list(item);
                }
                Keyword::Use => {
                    if open.is_some() {
                        self.report(
                            Diagnostic::new(Code::MisplacedItem, "`use` cannot be inside a block")
                                .at(item.keyword.span, "inside a block")
                                .help("put `use` lines at the top of the file"),
                        );
                    }
                }
                _ => match &mut open {
                    Some(def) => def.body.push(item),
                    None if is_module => self.report(
                        Diagnostic::new(
                            Code::ModuleContent,
                            format!(
                                "a module may define only scales, lists and blocks, not a `{}`",
                                item.keyword.value.as_str()
                            ),
                        )
                        .at(item.keyword.span, "in a module")
                        .help("move it into the survey file, or into a block of the module"),
                    ),
                    None => top.push(item),
                },
            }
        }
        if let Some(mut def) = open.take() {
            // The first item that cannot be in a block shows where it was
            // meant to end: it and the items after it are read as top-level
            // items, not reported again as misplaced.
            let cut = if is_module {
                None
            } else {
                def.body.iter().position(|i| {
                    matches!(
                        i.keyword.value,
                        Keyword::Insert | Keyword::Introduction | Keyword::Survey
                    )
                })
            };
            let mut d = unclosed_block(def.head);
            if let Some(cut) = cut {
                let next = def.body[cut];
                d = d
                    .with(
                        next.keyword.span,
                        format!("`{}` cannot be in a block", next.keyword.value.as_str()),
                    )
                    .help(format!(
                        "put `end` on its own line after the block's last item, before the `{}`",
                        next.keyword.value.as_str()
                    ));
            } else {
                d = d.help("put `end` on its own line after the block's last item");
            }
            self.report(d);
            let rest = cut.map(|c| def.body.split_off(c)).unwrap_or_default();
            self.define_block(def);
            top.extend(rest);
        }
        top
    }

    fn define_list(&mut self, item: &'a Item) {
        let Some(name) = &item.name else { return };
        let key = name.value.to_lowercase();
        if let Some(first) = self.lists.get(&key) {
            let first_span = first.name.as_ref().map_or(first.span, |n| n.span);
            self.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    format!("`{}` is defined twice", name.value),
                )
                .at(name.span, "second definition")
                .with(first_span, "first defined here")
                .help("rename one of them"),
            );
            return;
        }
        self.lists.insert(key, item);
    }

    fn define_block(&mut self, def: BlockDef<'a>) {
        let Some(name) = &def.head.name else { return };
        if let Some(first) = self.blocks.get(&name.value) {
            let first_span = first.head.name.as_ref().map_or(first.head.span, |n| n.span);
            self.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    format!("block `{}` is defined twice", name.value),
                )
                .at(name.span, "second definition")
                .with(first_span, "first defined here")
                .help("rename one of them"),
            );
            return;
        }
        for item in &def.body {
            if matches!(
                item.keyword.value,
                Keyword::Insert | Keyword::Introduction | Keyword::Survey
            ) {
                self.report(
                    Diagnostic::new(
                        Code::MisplacedItem,
                        format!("a block cannot contain `{}`", item.keyword.value.as_str()),
                    )
                    .at(item.keyword.span, "inside a block")
                    .with(def.head.keyword.span, "the block starts here")
                    .help("blocks hold sections, questions, display texts and hidden variables"),
                );
            }
        }
        self.blocks.insert(name.value.clone(), def);
    }

    /// Finds the one survey header.
    fn header(&mut self, file: FileId, top: &[&'a Item]) -> Option<&'a Item> {
        let headers: Vec<&&Item> = top
            .iter()
            .filter(|i| i.keyword.value == Keyword::Survey)
            .collect();
        for extra in headers.iter().skip(1) {
            self.report(
                Diagnostic::new(Code::DuplicateSurvey, "a file can hold only one survey")
                    .at(extra.keyword.span, "second `survey`")
                    .with(headers[0].keyword.span, "first `survey`")
                    .help("put each survey in a file of its own"),
            );
        }
        match headers.first() {
            Some(h) => Some(**h),
            None => {
                // If the header failed to parse, it has been reported already.
                let text = &self.loaded.map.get(file).text;
                let broken_header = text.lines().any(|l| l.trim_start().starts_with("survey"));
                if !broken_header {
                    let at = top
                        .first()
                        .map_or(Span::new(file, 0, 0), |i| i.keyword.span);
                    self.report(
                        Diagnostic::new(Code::NoSurvey, "this file has no `survey` header")
                            .at(at, "expected `survey <id>` before this")
                            .help("start the file with `survey my_survey`, its `version`, `languages` and `title`"),
                    );
                }
                None
            }
        }
    }

    /// Expands the top-level items into questionnaire order.
    fn expand(&mut self, top: &[&'a Item]) -> Vec<Expanded<'a>> {
        let mut out = Vec::new();
        for (n, item) in top.iter().enumerate() {
            match item.keyword.value {
                Keyword::Survey | Keyword::Use | Keyword::Introduction => {}
                Keyword::Insert => self.expand_insert(item, n, &mut out),
                _ => out.push(Expanded {
                    item,
                    subst: None,
                    insert: None,
                }),
            }
        }
        out
    }

    fn expand_insert(&mut self, item: &'a Item, index: usize, out: &mut Vec<Expanded<'a>>) {
        let Some(name) = &item.name else { return };
        let Some(def) = self.blocks.get(&name.value) else {
            if self.incomplete || self.is_broken(&name.value.to_ascii_lowercase()) {
                return; // defined, perhaps, where the error already reported is
            }
            let d = Diagnostic::new(
                Code::UnknownBlock,
                format!("no block named `{}`", name.value),
            )
            .at(name.span, "unknown block");
            let d = match diagnostics::did_you_mean(
                &name.value,
                self.blocks.keys().map(String::as_str),
            ) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help("define it with `block` … `end`, or `use` the module that has it"),
            };
            self.report(d);
            return;
        };
        let head = def.head;
        let body = def.body.clone();
        let mut args = BTreeMap::new();
        let mut ok = true;
        for p in &item.properties {
            if !matches!(p.key.value, "when" | "note") {
                self.report(
                    Diagnostic::new(Code::PropertyNotAllowed, format!("`{}` is not allowed on `insert`", p.key.value))
                        .at(p.key.span, "not allowed here")
                        .help("an insert takes its block's arguments, `when` and `note`; parameters cannot be named like properties"),
                );
            }
        }
        let note = item
            .properties
            .iter()
            .find(|p| p.key.value == "note")
            .and_then(|p| match &p.value {
                crate::syntax::ast::PropertyValue::Texts(ts) => Some((p.key.span, ts)),
                _ => None,
            });
        for arg in &item.arguments {
            if !head.params.iter().any(|p| p.value == arg.name.value) {
                let d = Diagnostic::new(
                    Code::BlockArguments,
                    format!(
                        "block `{}` has no parameter `{}`",
                        name.value, arg.name.value
                    ),
                )
                .at(arg.name.span, "unknown parameter")
                .with(
                    head.name.as_ref().map_or(head.span, |n| n.span),
                    "the block is defined here",
                );
                let d = match diagnostics::did_you_mean(
                    &arg.name.value,
                    head.params.iter().map(|p| p.value.as_str()),
                ) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!(
                        "its parameters: {}",
                        head.params
                            .iter()
                            .map(|p| p.value.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                };
                self.report(d);
                ok = false;
                continue;
            }
            if let Some(prev) = args.get(&arg.name.value) {
                let _: &ArgumentValue = prev;
                self.report(
                    Diagnostic::new(
                        Code::BlockArguments,
                        format!("argument `{}` given twice", arg.name.value),
                    )
                    .at(arg.name.span, "second value")
                    .help("give each parameter one value"),
                );
                ok = false;
                continue;
            }
            if let ArgumentValue::Texts(ts) = &arg.value {
                let key = format!("{}.{}", name.value, arg.name.value);
                self.text(key, ts, arg.name.span, None);
            }
            args.insert(arg.name.value.clone(), arg.value.clone());
        }
        let missing: Vec<&str> = head
            .params
            .iter()
            .map(|p| p.value.as_str())
            .filter(|p| !args.contains_key(*p))
            .collect();
        if !missing.is_empty() && ok {
            self.report(
                Diagnostic::new(
                    Code::BlockArguments,
                    match missing.as_slice() {
                        [one] => format!("block `{}` needs an argument `{one}`", name.value),
                        more => format!(
                            "block `{}` needs {} more arguments: {}",
                            name.value,
                            more.len(),
                            more.join(", ")
                        ),
                    },
                )
                .at(item.keyword.span.to(name.span), "arguments missing")
                .with(
                    head.name.as_ref().map_or(head.span, |n| n.span),
                    "the block is defined here",
                )
                .help(format!(
                    "add a line like `{} …` under the insert",
                    missing[0]
                )),
            );
            return;
        }
        if !ok {
            return;
        }
        let subst = Arc::new(Subst {
            block: name.value.clone(),
            insert_span: item.keyword.span.to(name.span),
            args,
        });
        let ctx = Arc::new(InsertCtx { index, item, note });
        for b in body {
            out.push(Expanded {
                item: b,
                subst: Some(subst.clone()),
                insert: Some(ctx.clone()),
            });
        }
    }
}
