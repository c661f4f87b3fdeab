//! `lomake.yaml`: optional project settings at the project root.
//!
//! Read with serde-saphyr (pure Rust, maintained; `serde_yaml` is archived).
//! This module is the only place that knows about YAML.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

pub const FILE_NAME: &str = "lomake.yaml";

/// The targets `lomake build` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// `ir.json`: the checked intermediate representation.
    Ir,
    /// `<lang>/response.schema.json`.
    Schema,
    /// `<lang>/index.html`: the form.
    Form,
    /// `<lang>/codebook.{html,md,csv,sps}`.
    Codebook,
    /// `codebook.ddi.xml`: DDI-Codebook 2.5, every language.
    Ddi,
    /// `review.html`: every text in every language side by side.
    Review,
}

impl Target {
    pub const ALL: &'static [Target] = &[
        Target::Ir,
        Target::Schema,
        Target::Form,
        Target::Codebook,
        Target::Ddi,
        Target::Review,
    ];
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Survey files or folders, relative to the project root.
    #[serde(default)]
    pub surveys: Vec<String>,
    /// Output folder, relative to the project root.
    pub out: Option<String>,
    /// Targets to build (default: all).
    pub targets: Option<Vec<Target>>,
    /// Folder of templates overriding `targets/`.
    pub templates: Option<String>,
    /// Where forms send their responses.
    pub submit_url: Option<String>,
    /// Treat missing translations as warnings (drafts).
    #[serde(default)]
    pub allow_missing_translations: bool,
}

/// Finds `lomake.yaml` in `dir` or its ancestors.
pub fn find(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Parses the configuration; errors are located diagnostics in `file`.
pub fn parse(file: FileId, text: &str) -> Result<Config, Box<Diagnostic>> {
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    serde_saphyr::from_str::<Config>(text).map_err(|e| {
        let (start, len) = e
            .location()
            .and_then(|l| {
                let s = l.span();
                Some((
                    s.byte_offset()? as usize,
                    s.byte_len().unwrap_or(1).max(1) as usize,
                ))
            })
            .unwrap_or((0, 0));
        let start = start.min(text.len());
        let end = (start + len).min(text.len());
        let message = e.to_string();
        let first = message.lines().next().unwrap_or("invalid configuration");
        // serde-saphyr prefixes "error: line L column C: "; the span shows where.
        let first = match first.find(": ") {
            Some(_) if first.starts_with("error: line ") => {
                first.splitn(3, ": ").nth(2).unwrap_or(first).to_string()
            }
            _ => first.to_string(),
        };
        const KEYS: [&str; 6] = [
            "surveys",
            "out",
            "targets",
            "templates",
            "submit_url",
            "allow_missing_translations",
        ];
        let found = text.get(start..end).unwrap_or("");
        let help = match crate::diagnostics::did_you_mean(found, KEYS) {
            Some(k) if first.contains("unknown field") => format!("did you mean `{k}`?"),
            _ => format!("known keys: {}", KEYS.join(", ")),
        };
        Box::new(
            Diagnostic::new(Code::Config, format!("invalid {FILE_NAME}: {first}"))
                .at(Span::new(file, start, end), "here")
                .help(help),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_known_keys() {
        let c = parse(FileId(0), "surveys: [surveys]\nout: dist\ntargets: [ir]\n").unwrap();
        assert_eq!(c.out.as_deref(), Some("dist"));
        assert_eq!(c.targets, Some(vec![Target::Ir]));
    }

    #[test]
    fn unknown_keys_are_located() {
        let d = parse(FileId(0), "out: dist\noutput: x\n").unwrap_err();
        assert_eq!(d.code, Code::Config);
        let span = d.span.unwrap();
        assert_eq!(span.start, 10, "{d:?}");
    }
}
