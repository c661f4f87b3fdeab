//! Determinism: the same survey gives byte-identical `ir.json` however often
//! and from wherever it is checked, and the IR holds no absolute paths.

use std::path::{Path, PathBuf};

use lomake::check::{CheckOptions, Checked, check_file};
use lomake::config::Target;
use lomake::diagnostics::render;
use lomake::load::LoadOptions;
use lomake::source::{DiskLoader, MemoryLoader};

const SURVEYS: &[&str] = &[
    "surveys/partnership-barometer-2023.survey",
    "surveys/partnership-barometer-2020.survey",
];
const MODULE: &str = "surveys/common/barometer.survey";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Checks a bundled survey from disk, by its absolute path.
fn check_on_disk(rel: &str) -> Checked {
    let path = manifest_dir().join(rel);
    let options = CheckOptions {
        load: LoadOptions {
            display_base: Some(manifest_dir()),
        },
        ..CheckOptions::default()
    };
    check_file(&DiskLoader, &path, &options).expect("the survey is readable")
}

/// Checks a bundled survey from memory, with the project placed under `root`.
fn check_in_memory(root: &str, rel: &str) -> Checked {
    let mut loader = MemoryLoader::new();
    for file in SURVEYS.iter().chain([&MODULE]) {
        let text = std::fs::read(manifest_dir().join(file)).expect("bundled file");
        loader.add(Path::new(root).join(file), text);
    }
    loader.add(Path::new(root).join("lomake.yaml"), "");
    check_file(
        &loader,
        &Path::new(root).join(rel),
        &CheckOptions::default(),
    )
    .expect("in memory")
}

fn ir_json(checked: &Checked) -> String {
    assert!(
        checked.diagnostics.is_empty(),
        "{}",
        checked
            .diagnostics
            .iter()
            .map(|d| render(&checked.map, d))
            .collect::<String>()
    );
    checked.survey.as_ref().expect("a clean survey").to_json()
}

#[test]
fn checking_twice_gives_identical_ir() {
    for rel in SURVEYS {
        let first = ir_json(&check_on_disk(rel));
        for _ in 0..3 {
            assert!(first == ir_json(&check_on_disk(rel)), "{rel}: IR differs");
        }
    }
}

#[test]
fn ir_does_not_depend_on_where_the_project_is() {
    for rel in SURVEYS {
        let disk = ir_json(&check_on_disk(rel));
        for root in [
            "/tmp/elsewhere",
            "/home/someone/projects/lomake",
            "relative/dir",
            ".",
        ] {
            let moved = ir_json(&check_in_memory(root, rel));
            assert!(disk == moved, "{rel} under {root}: IR differs");
        }
    }
}

#[test]
fn ir_holds_no_absolute_paths() {
    let here = manifest_dir().to_string_lossy().into_owned();
    for rel in SURVEYS {
        let mut jsons = vec![ir_json(&check_on_disk(rel))];
        for root in ["/tmp/elsewhere", "/home/someone/projects/lomake"] {
            jsons.push(ir_json(&check_in_memory(root, rel)));
        }
        for json in jsons {
            for needle in ["/work", "/home", "/tmp", here.as_str()] {
                assert!(!json.contains(needle), "{rel}: IR contains `{needle}`");
            }
        }
    }
}

#[test]
fn building_twice_writes_identical_files() {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("determinism-build");
    let _ = std::fs::remove_dir_all(&out);
    let options = lomake::targets::BuildOptions::default();
    for rel in SURVEYS {
        let checked = check_on_disk(rel);
        let survey = checked.survey.as_ref().expect("clean");
        let a = out.join("a");
        let b = out.join("b");
        let written_a = lomake::targets::build(survey, &a, Target::ALL, &options)
            .expect("build a")
            .files;
        // The second build from a fresh check, into another folder.
        let again = check_on_disk(rel);
        let survey_b = again.survey.as_ref().expect("clean");
        let written_b = lomake::targets::build(survey_b, &b, Target::ALL, &options)
            .expect("build b")
            .files;
        assert_eq!(written_a.len(), written_b.len());
        let mut bytes_a = Vec::new();
        for (fa, fb) in written_a.iter().zip(&written_b) {
            assert_eq!(fa.strip_prefix(&a).ok(), fb.strip_prefix(&b).ok());
            let (ba, bb) = (std::fs::read(fa).expect("a"), std::fs::read(fb).expect("b"));
            assert!(ba == bb, "{} differs between builds", fa.display());
            let text = String::from_utf8_lossy(&ba);
            assert!(!text.contains("/work") && !text.contains("/home") && !text.contains("/tmp"));
            bytes_a.push(ba);
        }
        // Building again into the same folder leaves the bytes as they were.
        lomake::targets::build(survey, &a, Target::ALL, &options).expect("rebuild");
        for (f, before) in written_a.iter().zip(&bytes_a) {
            assert!(
                &std::fs::read(f).expect("reread") == before,
                "{}",
                f.display()
            );
        }
    }
    let _ = std::fs::remove_dir_all(&out);
}

/// `ir.json` is canonical: parsed and pretty-printed again (keys in their
/// order), it is the same bytes.
#[test]
fn ir_json_is_canonical() {
    for rel in SURVEYS {
        let json = ir_json(&check_on_disk(rel));
        let value: serde_json::Value = serde_json::from_str(&json).expect("IR is JSON");
        let again = serde_json::to_string_pretty(&value).expect("serializes") + "\n";
        assert!(again == json, "{rel}: ir.json is not in canonical form");
    }
}

#[test]
fn diagnostics_are_deterministic() {
    // A survey with many problems: each run reports the same, in the same order.
    let text = std::fs::read_to_string(manifest_dir().join(SURVEYS[0]))
        .expect("bundled")
        .replace("when nat_part = 1", "when nat_prt = 1 or (zz = 2")
        .replace("    sv \"", "    xx \"")
        .replacen("question ", "question ä", 5);
    let run = || {
        let mut loader = MemoryLoader::new();
        loader.add("p/s.survey", text.clone());
        let checked = check_file(&loader, Path::new("p/s.survey"), &CheckOptions::default())
            .expect("in memory");
        assert!(checked.has_errors());
        checked
            .diagnostics
            .iter()
            .map(|d| render(&checked.map, d))
            .collect::<Vec<_>>()
    };
    let first = run();
    assert!(first.len() > 5, "{first:#?}");
    for _ in 0..3 {
        assert_eq!(first, run());
    }
}
