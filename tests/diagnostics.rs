//! The diagnostics catalogue, tested: one failing fixture per diagnostic code
//! in `tests/fixtures/check/`, with its fixed form next to it.
//!
//! * `<CODE>-<slug>.survey` must report `<CODE>`; every diagnostic it reports
//!   is rendered as `lomake check` prints it and snapshotted.
//! * `<CODE>-<slug>.fixed.survey` must check clean: no diagnostics at all.
//! * Multi-file cases are folders `<CODE>-<slug>/` holding `main.survey`,
//!   `main.fixed.survey`, their modules and a `lomake.yaml` that fixes the
//!   project root. A folder's `lomake.yaml` is checked too; the fixed form
//!   uses `lomake.fixed.yaml` when there is one.
//! * A first line `# options: allow-missing-translations` checks the file as
//!   `--allow-missing-translations` does.
//!
//! Every code in `Code::ALL` must have a fixture and a heading in
//! `docs/diagnostics.md`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use lomake::check::{CheckOptions, check_file};
use lomake::diagnostics::{Code, Diagnostic, render};
use lomake::load::LoadOptions;
use lomake::source::{DiskLoader, SourceFile, SourceMap};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check")
}

/// What checking one fixture reported.
struct Report {
    map: SourceMap,
    diagnostics: Vec<Diagnostic>,
}

impl Report {
    fn render(&self) -> String {
        self.diagnostics
            .iter()
            .map(|d| render(&self.map, d))
            .collect::<Vec<_>>()
            .join("")
    }

    fn codes(&self) -> Vec<&'static str> {
        self.diagnostics.iter().map(|d| d.code.id()).collect()
    }
}

fn is_fixed(path: &Path) -> bool {
    path.to_string_lossy().ends_with(".fixed.survey")
}

/// Checks a fixture as `lomake check` would, with paths shown relative to
/// the fixtures folder.
fn check(path: &Path) -> Report {
    let first_line = std::fs::read(path)
        .ok()
        .and_then(|b| {
            b.split(|c| *c == b'\n')
                .next()
                .map(|l| String::from_utf8_lossy(l).into_owned())
        })
        .unwrap_or_default();
    let options = CheckOptions {
        allow_missing_translations: first_line.trim() == "# options: allow-missing-translations",
        load: LoadOptions {
            display_base: Some(fixtures_dir()),
        },
        ..CheckOptions::default()
    };
    let checked = check_file(&DiskLoader, path, &options)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut map = checked.map;
    let mut diagnostics = checked.diagnostics;

    // A folder fixture's project settings.
    let dir = path.parent().expect("fixtures are in a folder");
    if dir != fixtures_dir() {
        let fixed_config = dir.join("lomake.fixed.yaml");
        let config = if is_fixed(path) && fixed_config.exists() {
            fixed_config
        } else {
            dir.join(lomake::config::FILE_NAME)
        };
        if let Ok(text) = std::fs::read_to_string(&config) {
            let name = lomake::source::display_path(&config, &fixtures_dir());
            let id = map.add(SourceFile::new(name, config.clone(), text.clone()));
            if let Err(d) = lomake::config::parse(id, &text) {
                diagnostics.insert(0, *d);
            }
        }
    }
    Report { map, diagnostics }
}

/// The code a fixture is named after: `E033-…` or a folder `E011-…/main.survey`.
fn expected_code(path: &Path) -> String {
    let rel = path.strip_prefix(fixtures_dir()).unwrap_or(path);
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    first.split('-').next().unwrap_or_default().to_string()
}

/// Every fixture entry point: the top-level files and each folder's main file.
fn all_fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(fixtures_dir()).expect("fixtures folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            for main in ["main.survey", "main.fixed.survey"] {
                let p = path.join(main);
                assert!(p.exists(), "{} has no {main}", path.display());
                out.push(p);
            }
        } else if path.extension().is_some_and(|e| e == "survey") {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn failing_fixtures() {
    insta::glob!("fixtures/check/{*.survey,*/main.survey}", |path| {
        if is_fixed(path) {
            return;
        }
        let report = check(path);
        let code = expected_code(path);
        assert!(
            report.codes().contains(&code.as_str()),
            "{} should report {code}, reported {:?}:\n{}",
            path.display(),
            report.codes(),
            report.render()
        );
        insta::assert_snapshot!(report.render());
    });
}

#[test]
fn fixed_fixtures_are_clean() {
    let mut dirty = Vec::new();
    let mut count = 0;
    for path in all_fixtures().into_iter().filter(|p| is_fixed(p)) {
        count += 1;
        let report = check(&path);
        if !report.diagnostics.is_empty() {
            dirty.push(format!("{}:\n{}", path.display(), report.render()));
        }
    }
    assert!(count > 0, "no fixed fixtures found");
    assert!(
        dirty.is_empty(),
        "fixed forms with diagnostics:\n{}",
        dirty.join("\n")
    );
}

#[test]
fn every_failing_fixture_has_a_fixed_form() {
    let all: BTreeSet<PathBuf> = all_fixtures().into_iter().collect();
    for path in &all {
        if is_fixed(path) {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy();
        let fixed = path.with_file_name(name.replace(".survey", ".fixed.survey"));
        assert!(all.contains(&fixed), "{} has no fixed form", path.display());
    }
}

#[test]
fn every_code_has_a_fixture() {
    let covered: BTreeSet<String> = all_fixtures()
        .iter()
        .filter(|p| !is_fixed(p))
        .map(|p| expected_code(p))
        .collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.id())
        .filter(|id| !covered.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a fixture in tests/fixtures/check: {missing:?}"
    );
    // And no fixture is named after a code that does not exist.
    let known: BTreeSet<&str> = Code::ALL.iter().map(|c| c.id()).collect();
    let unknown: Vec<&String> = covered
        .iter()
        .filter(|c| !known.contains(c.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "fixtures for unknown codes: {unknown:?}"
    );
}

#[test]
fn every_code_is_documented() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diagnostics.md");
    let doc = std::fs::read_to_string(&path).expect("docs/diagnostics.md");
    let headings: Vec<&str> = doc.lines().filter(|l| l.starts_with('#')).collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.id())
        .filter(|id| {
            !headings.iter().any(|h| {
                h.trim_start_matches('#')
                    .split_whitespace()
                    .next()
                    .is_some_and(|w| w.trim_matches(|c: char| !c.is_alphanumeric()) == *id)
            })
        })
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a heading in docs/diagnostics.md: {missing:?}"
    );
}
