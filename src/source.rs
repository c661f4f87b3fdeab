//! Source files, spans and loaders.
//!
//! Every byte range in lomake is a [`Span`]: a file id plus a half-open byte
//! range. Line and column numbers are computed only when a diagnostic is
//! rendered, from the one line index each [`SourceFile`] keeps.

use std::fmt;

pub use crate::shared::SourceText;
use std::path::{Component, Path, PathBuf};

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both (which must be in the same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A value together with the place in the source it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// One loaded file: its display name (relative to the project root where
/// possible), its text and its line index.
#[derive(Debug)]
pub struct SourceFile {
    pub name: String,
    pub path: PathBuf,
    /// Shared with the syntax tree's and the IR's texts (`SharedStr`).
    pub text: SourceText,
    /// Built on first use: a clean check never shows a line number.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// The file starts with a byte-order mark, which the text holds as
    /// three blanks (see `load::decode`): columns of the first line are
    /// counted after it, as editors show them.
    bom: bool,
}

impl SourceFile {
    pub fn new(name: String, path: PathBuf, text: impl Into<SourceText>) -> SourceFile {
        SourceFile {
            name,
            path,
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
            bom: false,
        }
    }

    /// Says whether the file's bytes started with a byte-order mark.
    pub fn with_bom(mut self, bom: bool) -> SourceFile {
        self.bom = bom && self.text.starts_with("   ");
        self
    }

    pub fn has_bom(&self) -> bool {
        self.bom
    }

    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| line_starts(&self.text))
    }

    /// Zero-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts().binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// One-based line and column (column counted in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let mut start = self.line_starts()[line];
        if line == 0 && self.bom {
            start = BOM_BLANKS.min(offset);
        }
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

/// The blanks a byte-order mark is read as.
const BOM_BLANKS: usize = 3;

/// The byte offset of every line's start: 0 and each offset after a `\n`.
/// Eight bytes at a time: survey lines are short, and a search call per
/// line cost more than the search.
fn line_starts(text: &str) -> Vec<usize> {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 16 + 1);
    out.push(0);
    let mut chunks = bytes.chunks_exact(8);
    for (k, chunk) in (&mut chunks).enumerate() {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) ^ 0x0a0a_0a0a_0a0a_0a0a;
        // The high bit of each byte that was `\n` (now zero), and no
        // other: no carry crosses from one byte into the next.
        let mut newlines = !(((word & LOW) + LOW) | word | LOW);
        while newlines != 0 {
            out.push(k * 8 + (newlines.trailing_zeros() / 8) as usize + 1);
            newlines &= newlines - 1;
        }
    }
    let base = bytes.len() - chunks.remainder().len();
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == b'\n' {
            out.push(base + i + 1);
        }
    }
    out
}

/// All files of one compilation, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(i as u32))
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn text(&self, span: Span) -> &str {
        &self.get(span.file).text[span.range()]
    }

    /// `file:line:col` of the start of a span.
    pub fn location(&self, span: Span) -> String {
        let file = self.get(span.file);
        let (line, col) = file.line_col(span.start as usize);
        format!("{}:{}:{}", file.name, line, col)
    }
}

/// Why a file could not be read.
#[derive(Debug)]
pub enum LoadError {
    NotFound,
    Io(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotFound => f.write_str("no such file"),
            LoadError::Io(e) => f.write_str(e),
        }
    }
}

/// Where source bytes come from. The front end never touches the disk itself:
/// tests use [`MemoryLoader`], the command line [`DiskLoader`], and a
/// git-revision loader can be added without touching the checker.
pub trait Loader {
    fn load(&self, path: &Path) -> Result<Vec<u8>, LoadError>;
    fn exists(&self, path: &Path) -> bool;
}

/// Reads files from the file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct DiskLoader;

impl Loader for DiskLoader {
    fn load(&self, path: &Path) -> Result<Vec<u8>, LoadError> {
        std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LoadError::NotFound,
            _ => LoadError::Io(e.to_string()),
        })
    }

    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }
}

/// Files held in memory, for tests and tools.
#[derive(Debug, Default, Clone)]
pub struct MemoryLoader {
    files: std::collections::BTreeMap<PathBuf, Vec<u8>>,
}

impl MemoryLoader {
    pub fn new() -> MemoryLoader {
        MemoryLoader::default()
    }

    pub fn add(&mut self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.files.insert(normalize(&path.into()), bytes.into());
        self
    }
}

impl Loader for MemoryLoader {
    fn load(&self, path: &Path) -> Result<Vec<u8>, LoadError> {
        self.files
            .get(&normalize(path))
            .cloned()
            .ok_or(LoadError::NotFound)
    }

    fn exists(&self, path: &Path) -> bool {
        let path = normalize(path);
        self.files.contains_key(&path) || self.files.keys().any(|k| k.starts_with(&path))
    }
}

/// Resolves `.` and `..` lexically, without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A path shown to users: relative to `root` when inside it, with `/`.
pub fn display_path(path: &Path, root: &Path) -> String {
    let shown = path.strip_prefix(root).unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = SourceFile::new("a".into(), "a".into(), "äö x\n🙂y");
        assert_eq!(f.line_col(5), (1, 4)); // the x after "äö "
        assert_eq!(f.line_col(11), (2, 2)); // the y after the emoji
    }

    proptest::proptest! {
        /// The line index is every offset after a `\n`, whatever bytes
        /// surround them (`\v` = 0x0b next to `\n` would fool the usual
        /// zero-byte test).
        #[test]
        fn line_starts_are_after_each_newline(
            text in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just('\n'),
                    proptest::strategy::Just('\u{b}'),
                    proptest::strategy::Just('\t'),
                    proptest::strategy::Just('ä'),
                    proptest::char::any(),
                ],
                0..80,
            )
        ) {
            let text: String = text.into_iter().collect();
            let expected: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            proptest::prop_assert_eq!(line_starts(&text), expected);
        }
    }

    #[test]
    fn normalize_resolves_dots() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
    }
}
