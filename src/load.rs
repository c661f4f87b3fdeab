//! The loader: reads the entry file and every module it uses, through a
//! [`Loader`], into one [`SourceMap`] of parsed files.
//!
//! Invariants: a file is read and parsed once however often it is imported;
//! imports never leave the project root; an import cycle is reported with its
//! chain and not followed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{
    FileId, LoadError, Loader, SourceFile, SourceMap, Span, display_path, normalize,
};
use crate::syntax::{
    self,
    ast::{Keyword, SyntaxFile},
};

/// Everything read for one entry file.
#[derive(Debug)]
pub struct Loaded {
    pub map: SourceMap,
    pub entry: FileId,
    /// Parsed files by id (unreadable files have none).
    pub files: BTreeMap<FileId, SyntaxFile>,
    /// The modules each file uses, in source order (resolved ones only).
    pub imports: BTreeMap<FileId, Vec<FileId>>,
    pub root: PathBuf,
}

/// Names shown in diagnostics are relative to this folder when possible.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub display_base: Option<PathBuf>,
}

/// The project root: the nearest ancestor holding `lomake.yaml` or `.git`,
/// else the entry file's folder.
pub fn project_root(loader: &dyn Loader, entry: &Path) -> PathBuf {
    let dir = entry.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut cur = Some(dir.as_path());
    while let Some(d) = cur {
        if loader.exists(&d.join("lomake.yaml")) || loader.exists(&d.join(".git")) {
            return d.to_path_buf();
        }
        cur = d.parent();
    }
    dir
}

/// Loads the entry file and its modules. Fails only when the entry file
/// itself cannot be read (a usage or I/O error, exit code 2); everything
/// else is a diagnostic.
pub fn load(
    loader: &dyn Loader,
    entry: &Path,
    options: &LoadOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Loaded, LoadError> {
    let entry = normalize(entry);
    let bytes = crate::timings::time("read", || loader.load(&entry))?;
    let root = project_root(loader, &entry);
    let base = options.display_base.clone().unwrap_or_else(|| root.clone());
    let mut loaded = Loaded {
        map: SourceMap::new(),
        entry: FileId(0),
        files: BTreeMap::new(),
        imports: BTreeMap::new(),
        root,
    };
    let id = add_file(&mut loaded, &base, &entry, bytes, diagnostics);
    loaded.entry = id;
    let mut stack = vec![id];
    follow_imports(loader, &mut loaded, &base, id, &mut stack, diagnostics);
    Ok(loaded)
}

fn add_file(
    loaded: &mut Loaded,
    base: &Path,
    path: &Path,
    bytes: Vec<u8>,
    diagnostics: &mut Vec<Diagnostic>,
) -> FileId {
    let name = display_path(path, base);
    if bytes.len() >= syntax::parse::PARALLEL_FROM {
        // Parsed in parts: the helper threads start now, to be running on
        // the other cores by then.
        crate::threads::warm();
    }
    let bom = bytes.starts_with(BOM);
    match crate::timings::time("decode", || decode(bytes)) {
        Ok(text) => {
            let id = loaded
                .map
                .add(SourceFile::new(name, path.to_path_buf(), text).with_bom(bom));
            let (tree, diags) = crate::timings::time("parse", || {
                syntax::parse_shared(id, &loaded.map.get(id).text)
            });
            diagnostics.extend(diags);
            loaded.files.insert(id, tree);
            id
        }
        Err((text, at, why)) => {
            let len = text.len();
            let id = loaded
                .map
                .add(SourceFile::new(name, path.to_path_buf(), text));
            // The shown text has U+FFFD where the bad bytes were: point at
            // that whole character, never into the middle of it.
            let at = at.min(len);
            let end = text_char_end(&loaded.map.get(id).text, at);
            let (label, help) = match why {
                "it is empty" => (
                    "empty file",
                    "a survey file starts with `survey <id>`; see docs/language.md",
                ),
                w if w.contains("NUL") => (
                    "NUL byte",
                    "lomake reads text files; is this a binary file or a UTF-16 file? Save it as UTF-8",
                ),
                _ => (
                    "not UTF-8 from here",
                    "lomake reads UTF-8 text files; save the file as UTF-8",
                ),
            };
            diagnostics.push(
                Diagnostic::new(Code::Unreadable, format!("this file cannot be read: {why}"))
                    .at(Span::new(id, at, end), label)
                    .help(help),
            );
            id
        }
    }
}

/// The end of the character starting at `at` (or `at` at the end of the text).
fn text_char_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(at, |c| at + c.len_utf8())
}

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes a source file; on failure returns a displayable text, the byte
/// offset of the problem, and what is wrong.
pub fn decode(bytes: Vec<u8>) -> Result<String, (String, usize, &'static str)> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        let text = String::from_utf8(bytes).unwrap_or_default();
        return Err((text, 0, "it is empty"));
    }
    if bytes.len() >= syntax::parse::PARALLEL_FROM && clean_in_halves(&bytes) {
        // SAFETY: both halves are valid UTF-8, and two valid UTF-8 strings
        // make one.
        return Ok(bom_as_blanks(unsafe { String::from_utf8_unchecked(bytes) }));
    }
    decode_whole(bytes)
}

/// A byte-order mark at the start read as three blanks: offsets are kept.
fn bom_as_blanks(mut text: String) -> String {
    if text.starts_with('\u{feff}') {
        text.replace_range(0..3, "   ");
    }
    text
}

/// [`decode`], the whole file at once.
fn decode_whole(bytes: Vec<u8>) -> Result<String, (String, usize, &'static str)> {
    match String::from_utf8(bytes) {
        Ok(text) => {
            if let Some(at) = text.find('\0') {
                let shown = text.replace('\0', " ");
                return Err((shown, at, "it contains a NUL byte (is it a binary file?)"));
            }
            Ok(bom_as_blanks(text))
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let shown = String::from_utf8_lossy(e.as_bytes()).replace('\0', " ");
            Err((shown, at, "it is not valid UTF-8"))
        }
    }
}

/// Whether `bytes` are UTF-8 without a NUL byte, checked in two halves at
/// once (a large file), the second from the first byte of a character near
/// the middle. `false` also when the halves say nothing of the whole (a
/// character cut in two): the caller then checks the whole, and says where
/// a problem is.
fn clean_in_halves(bytes: &[u8]) -> bool {
    let mut cut = bytes.len() / 2;
    while bytes.get(cut).is_some_and(|b| b & 0xC0 == 0x80) {
        cut += 1;
    }
    let (first, second) = bytes.split_at(cut);
    let clean = |half: &[u8]| std::str::from_utf8(half).is_ok() && !half.contains(&0);
    let (here, others) = crate::threads::fork(|| clean(first), vec![move || clean(second)]);
    here && others.iter().all(|&ok| ok)
}

fn follow_imports(
    loader: &dyn Loader,
    loaded: &mut Loaded,
    base: &Path,
    file: FileId,
    stack: &mut Vec<FileId>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let uses: Vec<(String, Span)> = loaded
        .files
        .get(&file)
        .map(|f| {
            f.items
                .iter()
                .filter(|i| i.keyword.value == Keyword::Use)
                .filter_map(|i| i.path.as_ref().map(|p| (p.value.clone(), p.span)))
                .collect()
        })
        .unwrap_or_default();
    let dir = loaded
        .map
        .get(file)
        .path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    for (rel, span) in uses {
        let target = normalize(&dir.join(&rel));
        if outside(&target, &loaded.root) {
            diagnostics.push(
                Diagnostic::new(
                    Code::ModuleOutsideRoot,
                    format!("`{rel}` is outside the project"),
                )
                .at(span, "leads outside the project root")
                .note(format!(
                    "the project root is `{}` (the nearest folder with lomake.yaml or .git)",
                    display_path(&loaded.root, base).if_empty(".")
                ))
                .help("move the module into the project, or put lomake.yaml in a folder that holds both"),
            );
            continue;
        }
        if let Some(existing) = loaded.map.find(&target) {
            if let Some(pos) = stack.iter().position(|f| *f == existing) {
                let mut chain: Vec<String> = stack[pos..]
                    .iter()
                    .map(|f| loaded.map.get(*f).name.clone())
                    .collect();
                chain.push(loaded.map.get(existing).name.clone());
                diagnostics.push(
                    Diagnostic::new(Code::ModuleCycle, "modules import each other in a cycle")
                        .at(span, "this import closes the cycle")
                        .note(format!("cycle: {}", chain.join(" → ")))
                        .help("move what both files need into a third module that neither imports"),
                );
                continue;
            }
            loaded.imports.entry(file).or_default().push(existing);
            continue;
        }
        match loader.load(&target) {
            Ok(bytes) => {
                let id = add_file(loaded, base, &target, bytes, diagnostics);
                loaded.imports.entry(file).or_default().push(id);
                stack.push(id);
                follow_imports(loader, loaded, base, id, stack, diagnostics);
                stack.pop();
            }
            Err(e) => {
                let tried = display_path(&target, base);
                diagnostics.push(
                    Diagnostic::new(Code::ModuleNotFound, format!("cannot read module `{rel}`"))
                        .at(span, e.to_string())
                        .note(format!("tried `{tried}`"))
                        .help("paths are relative to the file that has the `use`"),
                );
            }
        }
    }
}

trait IfEmpty {
    fn if_empty(self, other: &str) -> String;
}

impl IfEmpty for String {
    fn if_empty(self, other: &str) -> String {
        if self.is_empty() {
            other.to_string()
        } else {
            self
        }
    }
}

/// Does `target` lie outside `root`? Both are normalized; a relative root
/// (even an empty one: the current folder) contains no path that climbs out
/// of it with `..`.
pub(crate) fn outside(target: &Path, root: &Path) -> bool {
    if root.as_os_str().is_empty() {
        return target.is_absolute()
            || target.components().next() == Some(std::path::Component::ParentDir);
    }
    !target.starts_with(root)
}

/// Every `*.survey` file in a folder and its subfolders (modules included),
/// sorted; names starting with `.` are skipped.
pub fn survey_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if name.ends_with(".survey") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A large file decodes as when checked whole: every problem found, at
    /// the same place, wherever it is (either half, at the cut, a
    /// character cut in two by it).
    #[test]
    fn decoding_in_halves_is_decoding_whole() {
        let line = "  fi \"Päivää, 🙂 hyvää työtä\"\n";
        let mut text = String::from("survey s\n");
        while text.len() < syntax::parse::PARALLEL_FROM + 1000 {
            text.push_str(line);
        }
        let base = text.into_bytes();
        let mid = base.len() / 2;
        let mut cases: Vec<Vec<u8>> = vec![base.clone(), [BOM, &base[..]].concat()];
        for at in [
            10,
            mid - 3,
            mid - 2,
            mid - 1,
            mid,
            mid + 1,
            mid + 2,
            base.len() - 2,
        ] {
            for bad in [&[0xFFu8][..], &[0], &[0xE2, b'a'], &[0xF0, 0x9F]] {
                let mut b = base.clone();
                b.splice(at..at, bad.iter().copied());
                cases.push(b);
            }
        }
        // The middle inside each byte of a four-byte character.
        for shift in 0..4 {
            let mut b = base.clone();
            let at = b.len() / 2 - shift;
            b.splice(at..at, "🙂".bytes());
            cases.push(b);
        }
        for (n, case) in cases.into_iter().enumerate() {
            assert!(case.len() >= syntax::parse::PARALLEL_FROM);
            assert_eq!(decode(case.clone()), decode_whole(case), "case {n}");
        }
    }

    #[test]
    fn outside_the_root() {
        assert!(outside(Path::new("../x.survey"), Path::new("")));
        assert!(!outside(Path::new("common/x.survey"), Path::new("")));
        assert!(outside(Path::new("../x.survey"), Path::new("surveys")));
        assert!(!outside(
            Path::new("surveys/common/x.survey"),
            Path::new("surveys")
        ));
        assert!(outside(Path::new("/etc/x.survey"), Path::new("/work/p")));
    }
}
