//! The lineage pass: resolves `continues` against the earlier waves the
//! survey header names, and classifies each continued variable's changes
//! ([`crate::lineage::compare`]) into [`ir::Lineage`].
//!
//! It runs once the survey has checked clean, like the routing analysis.
//! Each earlier wave is checked as a survey of its own (its own lineage is
//! not followed, so waves that name each other cannot loop); its files join
//! this survey's source map so that a warning can point at both sides.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::CheckOptions;
use crate::diagnostics::{self, Code, Diagnostic};
use crate::ir::{self, Survey};
use crate::lineage::{self, Wave};
use crate::load::outside;
use crate::source::{Loader, SourceFile, SourceMap, Span, Spanned, display_path, normalize};
use crate::syntax::ast::{Item, PropertyValue};

/// What one variable says about its lineage (placeholders substituted).
#[derive(Debug, Clone)]
pub(crate) struct Decl {
    pub variable: String,
    /// Its name (or a grid item's letter).
    pub at: Span,
    /// `<survey id>.<variable>`.
    pub target: Option<Spanned<String>>,
    /// Derived from its grid's `continues`: an item the earlier wave lacks
    /// is new, not an error.
    pub implicit: bool,
    /// The reason given with `break`, and where.
    pub brk: Option<(ir::Text, Span)>,
}

/// One earlier wave, checked.
struct Earlier {
    survey: Survey,
    /// Where each of its variables is declared (in the merged source map).
    spans: super::names::VariableSpans,
}

pub(super) struct Pass<'a> {
    pub loader: &'a dyn Loader,
    /// The survey header, if the entry file has one.
    pub header: Option<&'a Item>,
    pub entry_path: PathBuf,
    pub root: &'a Path,
    pub options: &'a CheckOptions,
}

impl Pass<'_> {
    /// Fills `survey`'s lineage; returns the diagnostics. Files of the
    /// earlier waves are added to `map`.
    pub fn run(
        &self,
        map: &mut SourceMap,
        survey: &mut Survey,
        decls: &[Decl],
        grids: &[Spanned<String>],
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let waves = self.load_waves(map, &mut out);
        // A wave that could not be read is reported once, at the header;
        // the names that point into it are not reported again.
        let failed = out.iter().any(|d| d.is_error());
        let known = || {
            if waves.is_empty() {
                "this survey names no earlier wave".to_string()
            } else {
                format!(
                    "earlier waves: {}",
                    waves
                        .iter()
                        .map(|w| format!("`{}`", w.survey.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        };
        let split = |t: &Spanned<String>, out: &mut Vec<Diagnostic>| -> Option<(usize, String)> {
            let Some((wave, var)) = t.value.split_once('.') else {
                out.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        format!("`{}` does not name an earlier wave", t.value),
                    )
                    .at(t.span, "no wave given")
                    .help(format!(
                        "write `continues <survey id>.{}`; {}",
                        t.value,
                        known()
                    )),
                );
                return None;
            };
            match waves.iter().position(|w| w.survey.id == wave) {
                Some(i) => Some((i, var.to_string())),
                None if failed => None,
                None => {
                    let mut d =
                        Diagnostic::new(Code::UnknownWave, format!("no earlier wave `{wave}`"))
                            .at(t.span, "unknown wave")
                            .note(known());
                    d = match diagnostics::did_you_mean(
                        wave,
                        waves.iter().map(|w| w.survey.id.as_str()),
                    ) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help(
                            "name the earlier wave's file in the survey header: `continues \"file.survey\"`",
                        ),
                    };
                    out.push(d);
                    None
                }
            }
        };

        for g in grids {
            let Some((w, name)) = split(g, &mut out) else {
                continue;
            };
            let is_grid = Wave::new(&waves[w].survey)
                .element(&name)
                .is_some_and(|e| e.kind == ir::ElementKind::Grid);
            if !is_grid {
                out.push(
                    Diagnostic::new(
                        Code::NotInWave,
                        format!("`{}` has no grid `{name}`", waves[w].survey.id),
                    )
                    .at(g.span, "no such grid")
                    .help("a grid continues a grid; its items continue the items with the same letters"),
                );
            }
        }

        // Resolve every declaration: (variable, wave, earlier variable, decl).
        let mut resolved: Vec<(String, usize, String, &Decl)> = Vec::new();
        for d in decls {
            let Some(t) = &d.target else {
                if let Some((_, span)) = &d.brk {
                    out.push(
                        Diagnostic::new(
                            Code::NeedlessBreak,
                            format!("`{}` has a `break` but continues nothing", d.variable),
                        )
                        .at(*span, "nothing to break from")
                        .help("add `continues <survey id>.<variable>`, or remove `break`"),
                    );
                }
                continue;
            };
            if survey.variable(&d.variable).is_none() {
                continue; // not a variable after all (reported elsewhere)
            }
            let Some((w, var)) = split(t, &mut out) else {
                continue;
            };
            if waves[w].survey.variable(&var).is_none() {
                if d.implicit {
                    continue; // a new grid item
                }
                let mut diag = Diagnostic::new(
                    Code::NotInWave,
                    format!("`{}` has no variable `{var}`", waves[w].survey.id),
                )
                .at(t.span, "not in the earlier wave");
                diag = match diagnostics::did_you_mean(
                    &var,
                    waves[w].survey.variables.iter().map(|v| v.name.as_str()),
                ) {
                    Some(s) => diag.help(format!("did you mean `{s}`?")),
                    None => diag.help("name a variable of the earlier wave, as in its codebook"),
                };
                out.push(diag);
                continue;
            }
            resolved.push((d.variable.clone(), w, var, d));
        }

        // "Other, please specify" texts follow their question.
        let mut others = Vec::new();
        for (new_var, w, old_var, d) in &resolved {
            for v in other_texts(survey, new_var) {
                let code = v.other_of.as_ref().map(|o| o.code);
                if let Some(old) = other_texts(&waves[*w].survey, old_var)
                    .find(|o| o.other_of.as_ref().map(|o| o.code) == code)
                {
                    others.push((v.name.clone(), *w, old.name.clone(), *d));
                }
            }
        }
        resolved.extend(others);
        if resolved.is_empty() {
            return out; // nothing continues an earlier wave
        }

        let mut renames: Vec<BTreeMap<String, String>> = vec![BTreeMap::new(); waves.len()];
        for (new_var, w, old_var, _) in &resolved {
            renames[*w].insert(old_var.clone(), new_var.clone());
        }
        let index: BTreeMap<&str, usize> = survey
            .variables
            .iter()
            .enumerate()
            .map(|(i, v)| (v.name.as_str(), i))
            .collect();
        let mut lineages: Vec<(usize, ir::Lineage)> = Vec::new();
        {
            let new = Wave::new(survey);
            let olds: Vec<Wave> = waves.iter().map(|w| Wave::new(&w.survey)).collect();
            for (new_var, w, old_var, d) in &resolved {
                let Some(&i) = index.get(new_var.as_str()) else {
                    continue;
                };
                let nv = &survey.variables[i];
                let Some(ov) = waves[*w].survey.variable(old_var) else {
                    continue;
                };
                let changes = lineage::compare(&olds[*w], ov, &new, nv, &renames[*w]);
                let lin = ir::Lineage {
                    survey: waves[*w].survey.id.clone(),
                    version: waves[*w].survey.version.clone(),
                    variable: old_var.clone(),
                    changes,
                    acknowledged: d.brk.as_ref().map(|(t, _)| t.clone()),
                };
                let own = *new_var == d.variable;
                if own {
                    self.report_breaks(&lin, nv, d, waves[*w].spans.get(old_var), &mut out);
                }
                lineages.push((i, lin));
            }
        }
        for (i, lin) in lineages {
            survey.variables[i].lineage = Some(Box::new(lin));
        }
        out
    }

    fn report_breaks(
        &self,
        lin: &ir::Lineage,
        var: &ir::Variable,
        decl: &Decl,
        old_span: Option<Span>,
        out: &mut Vec<Diagnostic>,
    ) {
        let target = decl.target.as_ref().map_or(decl.at, |t| t.span);
        let what = format!("`{}.{}`", lin.survey, lin.variable);
        if lin.breaks() {
            if decl.brk.is_some() {
                return;
            }
            let breaking: Vec<ir::Change> = lin
                .changes
                .iter()
                .filter(|c| c.class.breaks())
                .cloned()
                .collect();
            let mut d = Diagnostic::new(
                Code::ComparabilityBreak,
                format!(
                    "`{}` is not comparable with {what}: {}",
                    var.name,
                    lineage::describe(&breaking)
                ),
            )
            .at(if decl.implicit { decl.at } else { target }, "continues it");
            if let Some(s) = old_span {
                d = d.with(s, "the earlier variable");
            }
            if breaking.len() < lin.changes.len() {
                d = d.note(format!("all changes: {}", lineage::describe(&lin.changes)));
            }
            out.push(
                d.help("if the break is intended, say why with `break` and a line per language; analysts see it in the codebooks"),
            );
        } else if let Some((_, span)) = &decl.brk {
            out.push(
                Diagnostic::new(
                    Code::NeedlessBreak,
                    format!(
                        "`{}` has a `break`, but nothing breaks comparability with {what}",
                        var.name
                    ),
                )
                .at(*span, "nothing to acknowledge")
                .note(if lin.changes.is_empty() {
                    "the two variables are identical".to_string()
                } else {
                    format!("changes: {}", lineage::describe(&lin.changes))
                })
                .help("remove `break`; it is for relabelled or reused codes and changes of kind or scale"),
            );
        }
    }

    /// Checks the earlier waves the header names (`continues "file"`).
    fn load_waves(&self, map: &mut SourceMap, out: &mut Vec<Diagnostic>) -> Vec<Earlier> {
        let Some(header) = self.header else {
            return Vec::new();
        };
        let entry_path = &self.entry_path;
        let dir = entry_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let base = self
            .options
            .load
            .display_base
            .clone()
            .unwrap_or_else(|| self.root.to_path_buf());
        let mut waves: Vec<Earlier> = Vec::new();
        for p in header
            .properties
            .iter()
            .filter(|p| p.key.value == "continues")
        {
            let rel = match &p.value {
                PropertyValue::Str(s) => s,
                PropertyValue::Continues(q) => {
                    out.push(
                        Diagnostic::new(
                            Code::InvalidValue,
                            "the survey header names the earlier wave's file",
                        )
                        .at(q.span, "not a file")
                        .help(format!(
                            "write the file in quotes: `continues \"{}.survey\"`; questions then say `continues <survey id>.<variable>`",
                            q.value
                        )),
                    );
                    continue;
                }
                _ => continue,
            };
            let target = normalize(&dir.join(crate::markup::unescape(&rel.value)));
            let fail = |why: String, note: Option<String>| {
                let d = Diagnostic::new(
                    Code::WaveNotFound,
                    format!("cannot read the earlier wave `{}`", rel.value),
                )
                .at(rel.span, why)
                .help("paths are relative to this file");
                match note {
                    Some(n) => d.note(n),
                    None => d,
                }
            };
            if &target == entry_path {
                out.push(fail("this is the survey itself".into(), None));
                continue;
            }
            if outside(&target, self.root) {
                out.push(fail("outside the project root".into(), None));
                continue;
            }
            // How the user sees the earlier wave's file.
            let shown = display_path(&target, &base);
            let options = CheckOptions {
                skip_lineage: true,
                ..self.options.clone()
            };
            let checked = match super::check_file(self.loader, &target, &options) {
                Ok(c) => c,
                Err(e) => {
                    out.push(fail(e.to_string(), Some(format!("tried `{shown}`"))));
                    continue;
                }
            };
            let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
            if checked.is_module || (errors == 0 && checked.survey.is_none()) {
                out.push(fail(
                    "not a survey (it has no `survey` header)".into(),
                    None,
                ));
                continue;
            }
            let Some(earlier) = checked.survey else {
                out.push(
                    Diagnostic::new(
                        Code::WaveHasErrors,
                        format!(
                            "the earlier wave `{}` has {errors} error{}",
                            rel.value,
                            if errors == 1 { "" } else { "s" }
                        ),
                    )
                    .at(rel.span, "cannot compare with it")
                    .help(format!("run `lomake check {shown}` and fix them first")),
                );
                continue;
            };
            if waves.iter().any(|w| w.survey.id == earlier.id) {
                out.push(
                    Diagnostic::new(
                        Code::DuplicateProperty,
                        format!("the earlier wave `{}` is named twice", earlier.id),
                    )
                    .at(rel.span, "again")
                    .help("keep one of them"),
                );
                continue;
            }
            // Its files join this map, so that warnings can show both sides.
            let mut remap = BTreeMap::new();
            for (id, f) in checked.map.files() {
                let new = map.add(
                    SourceFile::new(f.name.clone(), f.path.clone(), f.text.clone())
                        .with_bom(f.has_bom()),
                );
                remap.insert(id, new);
            }
            let spans = checked
                .variable_spans
                .map_files(|file| remap.get(&file).copied().unwrap_or(file));
            waves.push(Earlier {
                survey: earlier,
                spans,
            });
        }
        waves
    }
}

/// The "other, please specify" text variables of `var`, in survey order:
/// found among its element's variables (a search of every variable for
/// each continued one would be quadratic when a whole wave continues).
fn other_texts<'s>(
    survey: &'s Survey,
    var: &'s str,
) -> impl Iterator<Item = &'s ir::Variable> + 's {
    survey
        .variable(var)
        .and_then(|v| survey.element(&v.element))
        .into_iter()
        .flat_map(|e| &e.variables)
        .filter_map(|n| survey.variable(n))
        .filter(move |v| v.other_of.as_ref().is_some_and(|o| o.variable == var))
}
