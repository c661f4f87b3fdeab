//! Reading sources as they are at a git revision.
//!
//! [`GitLoader`] is a [`Loader`] that shells out to `git`: `git show
//! REV:path` reads a file, `git cat-file -e REV:path` tells whether a file
//! or folder exists. Every file of a compilation goes through the loader, so
//! the modules a survey `use`s are read at the same revision, and the
//! project root is found there too: the repository's top level counts as
//! holding `.git`, and `lomake.yaml` is looked up in the revision's tree.
//!
//! Paths given to the loader are file-system paths (absolute, or relative to
//! the current folder) inside the repository's working tree; they are mapped
//! to paths inside the revision. [`parse_rev_path`] reads the `REV:path`
//! form of the command line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::source::{LoadError, Loader, normalize};

/// A [`Loader`] reading files at one git revision.
///
/// ```no_run
/// # use std::path::Path;
/// use lomake::check::{check_file, CheckOptions};
/// use lomake::git::GitLoader;
/// let path = std::env::current_dir()?.join("surveys/partnership-barometer-2023.survey");
/// // Err(LoadError): no git, not a repository, unknown revision.
/// let git = GitLoader::open(&path, "HEAD~1").map_err(|e| e.to_string())?;
/// // The survey and its modules as they were at HEAD~1.
/// let old = check_file(&git, &path, &CheckOptions::default()).map_err(|e| e.to_string())?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct GitLoader {
    /// The working tree's top level, as git reports it.
    top: PathBuf,
    /// The same, with symbolic links resolved.
    top_real: PathBuf,
    /// The current folder when the loader was opened (relative paths).
    cwd: PathBuf,
    /// The revision as given (`HEAD~1`, `v2023`).
    rev: String,
    /// The commit it names, resolved once: later reads agree even if the
    /// branch moves.
    commit: String,
}

impl GitLoader {
    /// Opens the repository that holds `dir` (a folder or a file) at `rev`
    /// (anything `git rev-parse` accepts that names a commit).
    ///
    /// Errors: git is not installed, `dir` is not inside a git working
    /// tree, or the revision is unknown.
    pub fn open(dir: &Path, rev: &str) -> Result<GitLoader, LoadError> {
        let cwd = std::env::current_dir().map_err(|e| LoadError::Io(e.to_string()))?;
        let dir = normalize(&cwd.join(dir));
        // A file, or a folder that no longer exists in the working tree:
        // ask git from the nearest existing folder.
        let mut ask = dir.as_path();
        while !ask.is_dir() {
            match ask.parent() {
                Some(p) => ask = p,
                None => break,
            }
        }
        let out = git(ask, &["rev-parse", "--show-toplevel"])?;
        if !out.status.success() {
            // git's own words, for the unusual cases (a repository owned by
            // another user: `safe.directory`).
            let why = String::from_utf8_lossy(&out.stderr);
            let why = why.lines().next().unwrap_or("").trim();
            return Err(LoadError::Io(
                if why.contains("not a git repository") || why.is_empty() {
                    format!("{} is not in a git repository", dir.display())
                } else {
                    format!("{} is not in a usable git repository: {why}", dir.display())
                },
            ));
        }
        let top =
            PathBuf::from(String::from_utf8_lossy(&out.stdout).trim_end_matches(['\n', '\r']));
        let top_real = top.canonicalize().unwrap_or_else(|_| top.clone());
        if rev.is_empty() || rev.starts_with('-') {
            return Err(LoadError::Io(format!("`{rev}` is not a revision")));
        }
        let out = git(
            &top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )?;
        if !out.status.success() {
            return Err(LoadError::Io(format!(
                "unknown revision `{rev}` in the git repository at {}",
                top.display()
            )));
        }
        let commit = String::from_utf8_lossy(&out.stdout).trim().to_string();
        Ok(GitLoader {
            top,
            top_real,
            cwd,
            rev: rev.to_string(),
            commit,
        })
    }

    /// The revision as given to [`GitLoader::open`].
    pub fn rev(&self) -> &str {
        &self.rev
    }

    /// The full commit id the revision named when the loader was opened.
    pub fn commit(&self) -> &str {
        &self.commit
    }

    /// The working tree's top level, as `git rev-parse --show-toplevel`
    /// reports it.
    pub fn top_level(&self) -> &Path {
        &self.top
    }

    /// The path inside the revision (with `/`) of a file-system path inside
    /// the working tree; `None` outside it. The top level itself is `""`.
    pub fn repo_path(&self, path: &Path) -> Option<String> {
        let abs = normalize(&self.cwd.join(path));
        let rel = match abs.strip_prefix(&self.top) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => self.via_real_path(&abs)?,
        };
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(parts.join("/"))
    }

    /// `abs` relative to the top level once symbolic links in its existing
    /// ancestors are resolved (`/tmp` → `/private/tmp`).
    fn via_real_path(&self, abs: &Path) -> Option<PathBuf> {
        let mut existing = abs;
        let mut rest = Vec::new();
        loop {
            if let Ok(real) = existing.canonicalize() {
                let mut full = real;
                for part in rest.iter().rev() {
                    full.push(part);
                }
                return full
                    .strip_prefix(&self.top_real)
                    .ok()
                    .map(Path::to_path_buf);
            }
            rest.push(existing.file_name()?.to_os_string());
            existing = existing.parent()?;
        }
    }

    fn object(&self, rel: &str) -> String {
        format!("{}:{rel}", self.commit)
    }
}

impl Loader for GitLoader {
    fn load(&self, path: &Path) -> Result<Vec<u8>, LoadError> {
        let Some(rel) = self.repo_path(path) else {
            return Err(LoadError::Io(format!(
                "{} is outside the git repository at {}",
                path.display(),
                self.top.display()
            )));
        };
        // A folder would print a tree listing: only files are read.
        let kind = git(&self.top, &["cat-file", "-t", &self.object(&rel)])?;
        if !kind.status.success() {
            return Err(LoadError::NotFound);
        }
        if String::from_utf8_lossy(&kind.stdout).trim() != "blob" {
            return Err(LoadError::Io(format!(
                "{rel} is not a file at revision {}",
                self.rev
            )));
        }
        let out = git(&self.top, &["cat-file", "blob", &self.object(&rel)])?;
        if out.status.success() {
            Ok(out.stdout)
        } else {
            Err(LoadError::Io(format!(
                "git cannot read {rel} at revision {}: {}",
                self.rev,
                String::from_utf8_lossy(&out.stderr).trim()
            )))
        }
    }

    fn exists(&self, path: &Path) -> bool {
        let Some(rel) = self.repo_path(path) else {
            return false;
        };
        // The top level is a project root: it holds `.git` at every revision.
        if rel.is_empty() || rel == ".git" {
            return true;
        }
        git(&self.top, &["cat-file", "-e", &self.object(&rel)]).is_ok_and(|o| o.status.success())
    }
}

/// Reads the `REV:path` form of a command-line argument (`HEAD~1:surveys/a.survey`,
/// `v2020:a.survey`): the revision is everything before the first `:`, the
/// path everything after it. The path is a file-system path like any other
/// argument (relative to the current folder, not to the repository's top
/// level as in `git show`); pass it, made absolute, to [`GitLoader::open`]
/// and then to the checker with the loader.
///
/// `None` when the argument is a plain path: it has no `:`, the part
/// before or after the first `:` is empty, or the whole argument names an
/// existing file or folder (a path that happens to contain `:`).
///
/// ```
/// # use std::path::PathBuf;
/// assert_eq!(
///     lomake::git::parse_rev_path("HEAD~1:surveys/a.survey"),
///     Some(("HEAD~1".to_string(), PathBuf::from("surveys/a.survey")))
/// );
/// ```
pub fn parse_rev_path(arg: &str) -> Option<(String, PathBuf)> {
    if Path::new(arg).exists() {
        return None;
    }
    let (rev, path) = arg.split_once(':')?;
    if rev.is_empty() || path.is_empty() {
        return None;
    }
    Some((rev.to_string(), PathBuf::from(path)))
}

fn git(dir: &Path, args: &[&str]) -> Result<Output, LoadError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        // Never wait for a pager or a credential prompt.
        .env("GIT_PAGER", "cat")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                LoadError::Io("git is not installed (or not on PATH)".to_string())
            }
            _ => LoadError::Io(format!("cannot run git: {e}")),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rev_path_forms() {
        assert_eq!(
            parse_rev_path("HEAD~1:surveys/a.survey"),
            Some(("HEAD~1".into(), PathBuf::from("surveys/a.survey")))
        );
        assert_eq!(
            parse_rev_path("v2020:a:b.survey"),
            Some(("v2020".into(), PathBuf::from("a:b.survey")))
        );
        assert_eq!(parse_rev_path("surveys/a.survey"), None);
        assert_eq!(parse_rev_path(":a.survey"), None);
        assert_eq!(parse_rev_path("HEAD:"), None);
    }

    #[test]
    fn an_existing_path_with_a_colon_is_a_path() {
        let dir = std::env::temp_dir().join(format!("lomake-git-colon-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("wave:2023.survey");
        std::fs::write(&file, "survey x\n").unwrap();
        let arg = file.to_string_lossy().into_owned();
        assert_eq!(parse_rev_path(&arg), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
