//! `lomake diff`: one fixture per class of change (`tests/fixtures/diff/<case>/`,
//! `old.survey` → `new.survey`), the Barometer waves in all three formats, and
//! the exit codes of the binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use lomake::check::{CheckOptions, check_file};
use lomake::diff::{self, Status};
use lomake::ir::{ChangeClass, Survey};
use lomake::source::DiskLoader;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn survey(path: &Path) -> Survey {
    let checked = check_file(&DiskLoader, path, &CheckOptions::default()).unwrap();
    assert!(
        checked.diagnostics.is_empty(),
        "{} does not check clean: {:?}",
        path.display(),
        checked.diagnostics
    );
    checked.survey.unwrap()
}

fn fixture(case: &str) -> diff::Report {
    let dir = root().join("tests/fixtures/diff").join(case);
    let (old, new) = (
        survey(&dir.join("old.survey")),
        survey(&dir.join("new.survey")),
    );
    diff::diff(&old, "old.survey", &new, "new.survey")
}

/// The entries that are not unchanged: (old, new, status, classes).
type Row = (
    Option<&'static str>,
    Option<&'static str>,
    Status,
    Vec<ChangeClass>,
);

type OwnedRow = (Option<String>, Option<String>, Status, Vec<ChangeClass>);

fn rows(report: &diff::Report) -> Vec<OwnedRow> {
    report
        .variables
        .iter()
        .filter(|e| e.status != Status::Unchanged)
        .map(|e| (e.old.clone(), e.new.clone(), e.status, diff::classes(e)))
        .collect()
}

#[test]
fn one_fixture_per_class() {
    use ChangeClass::*;
    let cases: Vec<(&str, Vec<Row>, bool)> = vec![
        ("identical", vec![], false),
        (
            "wording",
            vec![(Some("q1"), Some("q1"), Status::Changed, vec![Wording])],
            false,
        ),
        (
            "codes_added",
            vec![(Some("q1"), Some("q1"), Status::Changed, vec![CodesAdded])],
            false,
        ),
        (
            "codes_removed",
            vec![(Some("q1"), Some("q1"), Status::Changed, vec![CodesRemoved])],
            false,
        ),
        (
            "codes_relabelled",
            vec![(
                Some("q1"),
                Some("q1"),
                Status::Changed,
                vec![CodesRelabelled],
            )],
            true,
        ),
        (
            "codes_reused",
            vec![(Some("q1"), Some("q1"), Status::Changed, vec![CodesReused])],
            true,
        ),
        // An answer moved to a new code: the old code's label is now
        // another code's.
        (
            "codes_moved",
            vec![(
                Some("q1"),
                Some("q1"),
                Status::Changed,
                vec![CodesReused, CodesAdded, CodesRemoved],
            )],
            true,
        ),
        // An option no longer exclusive: other answers may now go with it.
        (
            "range_exclusive",
            vec![(Some("q1"), Some("q1"), Status::Changed, vec![Range])],
            false,
        ),
        (
            "kind",
            vec![
                (Some("q1"), Some("q1"), Status::Changed, vec![Kind]),
                (Some("q2"), Some("q2"), Status::Changed, vec![Routing]),
            ],
            true,
        ),
        (
            "routing",
            vec![(Some("q2"), Some("q2"), Status::Changed, vec![Routing])],
            false,
        ),
        // Renamed through lineage; the condition on the renamed question is
        // the same routing.
        (
            "renamed",
            vec![(Some("q1"), Some("info_used"), Status::Renamed, vec![])],
            false,
        ),
        (
            "acknowledged",
            vec![(
                Some("q1"),
                Some("q1"),
                Status::Changed,
                vec![CodesRelabelled],
            )],
            false,
        ),
    ];
    for (case, expected, breaks) in cases {
        let report = fixture(case);
        let want: Vec<_> = expected
            .into_iter()
            .map(|(o, n, s, c)| (o.map(String::from), n.map(String::from), s, c))
            .collect();
        assert_eq!(rows(&report), want, "{case}");
        assert_eq!(report.breaks_comparability(), breaks, "{case}");
        insta::assert_snapshot!(format!("fixture_{case}"), diff::to_human(&report));
    }
    // The acknowledged break carries its reason.
    let report = fixture("acknowledged");
    let e = report.variables.iter().find(|e| e.breaks).unwrap();
    assert_eq!(e.acknowledged.as_deref(), Some("Asteikko vaihtui."));
}

#[test]
fn barometer_waves_in_every_format() {
    let old = survey(&root().join("surveys/partnership-barometer-2020.survey"));
    let new = survey(&root().join("surveys/partnership-barometer-2023.survey"));
    let report = diff::diff(
        &old,
        "surveys/partnership-barometer-2020.survey",
        &new,
        "surveys/partnership-barometer-2023.survey",
    );
    // What the client's specification says changed.
    let find = |n: &str| {
        report
            .variables
            .iter()
            .find(|e| e.new.as_deref() == Some(n) || e.old.as_deref() == Some(n))
            .unwrap()
    };
    assert_eq!(find("org_type").status, Status::Changed);
    assert_eq!(
        diff::classes(find("org_type")),
        vec![ChangeClass::CodesAdded]
    );
    assert_eq!(find("org_type").changes[0].codes, vec![2]);
    for level in ["municipal", "regional", "national"] {
        let e = find(&format!("coop_{level}_d"));
        assert_eq!(e.status, Status::Renamed);
        assert_eq!(
            e.old.as_deref(),
            Some(format!("info_used_{level}").as_str())
        );
        assert!(diff::classes(e).contains(&ChangeClass::Kind));
        assert!(e.acknowledged.is_some());
        for item in ["a", "b", "c", "e"] {
            assert_eq!(
                find(&format!("coop_{level}_{item}")).status,
                Status::Unchanged
            );
        }
        assert_eq!(find(&format!("grade_{level}")).status, Status::Unchanged);
    }
    assert_eq!(find("part_any").status, Status::Removed);
    assert_eq!(find("nat_part").status, Status::Added);
    assert!(!report.breaks_comparability());
    insta::assert_snapshot!("barometer_human", diff::to_human(&report));
    insta::assert_snapshot!("barometer_markdown", diff::to_markdown(&report));
    insta::assert_snapshot!("barometer_json", diff::to_json(&report));
}

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lomake"))
        .current_dir(root())
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn exit_codes() {
    let d = "tests/fixtures/diff";
    let (code, out) = run(&[
        "diff",
        &format!("{d}/codes_relabelled/old.survey"),
        &format!("{d}/codes_relabelled/new.survey"),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[BREAK]"), "{out}");
    let (code, _) = run(&[
        "diff",
        &format!("{d}/codes_added/old.survey"),
        &format!("{d}/codes_added/new.survey"),
    ]);
    assert_eq!(code, 0);
    let (code, out) = run(&[
        "diff",
        "--format",
        "json",
        "surveys/partnership-barometer-2020.survey",
        "surveys/partnership-barometer-2023.survey",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["acknowledged_breaks"], 3);
    let (code, _) = run(&[
        "diff",
        "no-such.survey",
        "surveys/partnership-barometer-2023.survey",
    ]);
    assert_eq!(code, 2);
    // Markdown is for diff only.
    let (code, _) = run(&["--format", "markdown", "check", "surveys"]);
    assert_eq!(code, 2);
}

#[test]
fn deterministic() {
    let a = fixture("kind");
    let b = fixture("kind");
    assert_eq!(diff::to_json(&a), diff::to_json(&b));
    assert_eq!(diff::to_markdown(&a), diff::to_markdown(&b));
}

/// A survey compared with itself: every variable unchanged, nothing breaks.
#[test]
fn a_survey_is_identical_to_itself() {
    let mut paths = vec![
        root().join("surveys/partnership-barometer-2020.survey"),
        root().join("surveys/partnership-barometer-2023.survey"),
    ];
    for entry in std::fs::read_dir(root().join("tests/fixtures/diff")).unwrap() {
        paths.push(entry.unwrap().path().join("new.survey"));
    }
    for path in paths {
        let s = survey(&path);
        let report = diff::diff(&s, "a", &s, "a");
        assert!(
            report
                .variables
                .iter()
                .all(|e| e.status == Status::Unchanged && e.changes.is_empty()),
            "{}",
            path.display()
        );
        assert_eq!(report.summary.unchanged, s.variables.len());
    }
}

/// `REV:path` reads the survey and its modules at a git revision: a label
/// changed in a module since the last commit is a relabelled code.
#[test]
fn git_revisions() {
    if !common::git::available() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("lomake-diff-git-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("common")).unwrap();
    let git = |args: &[&str]| common::git::run(&dir, args);
    let module = |yes_fi: &str, yes_en: &str| {
        format!(
            "list answers nominal\n  option 1\n    fi \"{yes_fi}\"\n    en \"{yes_en}\"\n  option 2\n    fi \"Ei\"\n    en \"No\"\n"
        )
    };
    let survey = "survey s\n  version \"1\"\n  languages fi en\n  title\n    fi \"Kysely\"\n    en \"Survey\"\n\n\
                  use \"common/answers.survey\"\n\nsection main\n  title\n    fi \"Osio\"\n    en \"Section\"\n\n\
                  question q single answers\n  label\n    fi \"Kysymys\"\n    en \"Question\"\n  text\n    fi \"Kysymys?\"\n    en \"Question?\"\n";
    std::fs::write(dir.join("s.survey"), survey).unwrap();
    std::fs::write(dir.join("common/answers.survey"), module("Kyllä", "Yes")).unwrap();
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "first"]);
    std::fs::write(
        dir.join("common/answers.survey"),
        module("Samaa mieltä", "Agree"),
    )
    .unwrap();
    let run_in = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_lomake"))
            .current_dir(&dir)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // The committed module against the edited one in the working tree.
    let (code, out, err) = run_in(&["diff", "HEAD:s.survey", "s.survey"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("q: codes relabelled: 1 [BREAK]"), "{out}");
    // The same revision on both sides: nothing changed.
    let (code, out, _) = run_in(&["diff", "HEAD:s.survey", "HEAD:s.survey"]);
    assert_eq!(code, 0, "{out}");
    // An unknown revision or a file absent at it: usage/I/O errors.
    let (code, _, err) = run_in(&["diff", "nosuchrev:s.survey", "s.survey"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run_in(&["diff", "HEAD:missing.survey", "s.survey"]);
    assert_eq!(code, 2, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
