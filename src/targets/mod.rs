//! Targets: everything `lomake build` writes. Each target reads only the
//! checked IR ([`crate::ir::Survey`]); none re-parses or re-checks.

pub mod schema;

use std::path::{Path, PathBuf};

use crate::config::Target;
use crate::ir::Survey;

/// Writes the requested targets for one survey under `out/<survey-id>/`.
/// Returns the files written, in a stable order.
pub fn build(survey: &Survey, out: &Path, targets: &[Target]) -> std::io::Result<Vec<PathBuf>> {
    let dir = out.join(&survey.id);
    std::fs::create_dir_all(&dir)?;
    let mut written = Vec::new();
    for t in targets {
        match t {
            Target::Ir => {
                let path = dir.join("ir.json");
                write_if_changed(&path, survey.to_json().as_bytes())?;
                written.push(path);
            }
            Target::Schema => {
                for lang in &survey.languages {
                    let lang_dir = dir.join(lang);
                    std::fs::create_dir_all(&lang_dir)?;
                    let path = lang_dir.join("response.schema.json");
                    let text = schema::to_json(&schema::schema(survey, lang));
                    write_if_changed(&path, text.as_bytes())?;
                    written.push(path);
                }
            }
        }
    }
    Ok(written)
}

/// Writes a file unless it already holds exactly these bytes (keeps
/// modification times stable for build tools).
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    std::fs::write(path, bytes)
}
