//! Targets: everything `lomake build` writes. Each target reads only the
//! checked IR ([`crate::ir::Survey`]); none re-parses or re-checks.
//!
//! A target renders into an [`Output`], which writes files under
//! `out/<survey-id>/` and collects the build's warnings (a label shortened
//! for SPSS, say); `lomake build` prints those after the files.

pub mod codebook;
pub mod form;
pub mod review;
pub mod schema;
pub mod templates;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::config::Target;
use crate::ir::Survey;

/// Settings that reach the targets from the command line and `lomake.yaml`.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// Folder of templates overriding the built-in ones (`--templates`).
    pub templates: Option<PathBuf>,
    /// Where forms POST their responses (`--submit-url`, `submit_url:`).
    pub submit_url: Option<String>,
}

/// Why a build could not finish.
#[derive(Debug)]
pub enum BuildError {
    /// A file could not be written.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A template (usually a vendor's override) failed to load or render.
    Template { name: String, error: String },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Io { path, error } => write!(f, "cannot write {}: {error}", path.display()),
            BuildError::Template { name, error } => write!(f, "template {name}: {error}"),
        }
    }
}

impl std::error::Error for BuildError {}

impl BuildError {
    /// A template error, with minijinja's chain of causes flattened.
    pub fn template(name: &str, error: &minijinja::Error) -> BuildError {
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(s) = source {
            text.push_str(&format!(": {s}"));
            source = s.source();
        }
        BuildError::Template {
            name: name.to_string(),
            error: text,
        }
    }
}

/// What a build wrote and what it warns about.
#[derive(Debug)]
pub struct Output {
    dir: PathBuf,
    /// Files written, in a stable order.
    pub files: Vec<PathBuf>,
    /// Warnings for the user (not errors: the files were written).
    pub warnings: Vec<String>,
}

impl Output {
    pub fn new(dir: PathBuf) -> Output {
        Output {
            dir,
            files: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The survey's output folder (`out/<survey-id>`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` to `relative` (like `fi/index.html`) under the
    /// survey's folder, creating folders as needed.
    pub fn write(&mut self, relative: &str, bytes: &[u8]) -> Result<(), BuildError> {
        let path = self.dir.join(relative);
        let io = |error| BuildError::Io {
            path: path.clone(),
            error,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        write_if_changed(&path, bytes).map_err(io)?;
        self.files.push(path);
        Ok(())
    }

    pub fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(message.into());
    }
}

/// Writes the requested targets for one survey under `out/<survey-id>/`.
pub fn build(
    survey: &Survey,
    out: &Path,
    targets: &[Target],
    options: &BuildOptions,
) -> Result<Output, BuildError> {
    let mut output = Output::new(out.join(&survey.id));
    for t in targets {
        match t {
            Target::Ir => output.write("ir.json", survey.to_json().as_bytes())?,
            Target::Schema => {
                let texts = per_language(&survey.languages, |lang| {
                    schema::to_json(&schema::schema(survey, lang))
                });
                for (lang, text) in survey.languages.iter().zip(texts) {
                    output.write(&format!("{lang}/response.schema.json"), text.as_bytes())?;
                }
            }
            Target::Form => form::build(survey, options, &mut output)?,
            Target::Codebook => codebook::build(survey, options, &mut output)?,
            Target::Ddi => codebook::build_ddi(survey, options, &mut output)?,
            Target::Review => review::build(survey, options, &mut output)?,
        }
    }
    Ok(output)
}

/// `f` for each language, on as many threads as the machine has cores;
/// the results in the languages' order. A target renders its languages
/// independently (pure functions of the IR), then writes them in order, so
/// the files and warnings are the same as one language after another.
pub fn per_language<T: Send>(languages: &[String], f: impl Fn(&str) -> T + Sync) -> Vec<T> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    if cores < 2 || languages.len() < 2 {
        return languages.iter().map(|l| f(l)).collect();
    }
    let mut out = Vec::with_capacity(languages.len());
    // At most `cores` languages at once: each holds its files in memory.
    for group in languages.chunks(cores) {
        out.extend(crate::threads::each(
            group.iter().collect(),
            |l: &String| f(l),
        ));
    }
    out
}

/// Writes a file unless it already holds exactly these bytes (keeps
/// modification times stable for build tools).
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::per_language;

    /// Results come back in the languages' order, however many there are
    /// and whichever thread finishes first.
    #[test]
    fn per_language_keeps_the_order() {
        for n in 0..9 {
            let langs: Vec<String> = (0..n).map(|i| format!("l{i}")).collect();
            // Later languages do less work, so they tend to finish first.
            let out = per_language(&langs, |l| {
                let i: usize = l[1..].parse().expect("a number");
                let spin: u64 = (0..(n - i) as u64 * 200_000).fold(0, |a, x| a ^ x);
                (l.to_uppercase(), spin)
            });
            let names: Vec<String> = out.into_iter().map(|(l, _)| l).collect();
            let expected: Vec<String> = (0..n).map(|i| format!("L{i}")).collect();
            assert_eq!(names, expected);
        }
    }
}
