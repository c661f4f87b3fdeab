//! Shared by the integration tests: git in a temporary repository
//! (`git.rs`); for tests/review.rs and tests/codebook.rs, the review fixture
//! (`tests/fixtures/review/kinds.survey`) and hand-made wave lineage on
//! some of its variables (what the checker's lineage pass fills in from
//! `continues`): every class of change, and reasons for a break with
//! hostile texts, which no real wave needs to have.

#![allow(dead_code)]

pub mod git;

use std::path::{Path, PathBuf};

use lomake::check::{CheckOptions, check_file};
use lomake::ir::{Change, ChangeClass, Lineage, Survey, Text, Translation, Translations};
use lomake::source::DiskLoader;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every check fixture (`tests/fixtures/check/*.survey`) that reads as
/// UTF-8, with its text, in name order.
pub fn check_fixtures() -> Vec<(PathBuf, String)> {
    let dir = root().join("tests/fixtures/check");
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "survey"))
        .filter_map(|path| Some((path.clone(), std::fs::read_to_string(&path).ok()?)))
        .collect();
    out.sort();
    assert!(out.len() > 50, "only {} fixtures read", out.len());
    out
}

pub fn compile(path: &Path) -> Survey {
    let checked = check_file(&DiskLoader, path, &CheckOptions::default()).unwrap();
    assert!(
        !checked.has_errors(),
        "{} must check: {:#?}",
        path.display(),
        checked.diagnostics
    );
    checked.survey.expect("no errors, so an IR")
}

/// Every element kind, routing and hostile texts, in fi, sv and en.
pub fn kinds() -> Survey {
    compile(&root().join("tests/fixtures/review/kinds.survey"))
}

/// A translated text from `(language, raw)` pairs, markup parsed.
pub fn text(key: &str, translations: &[(&str, &str)]) -> Text {
    let mut map = Translations::default();
    for (lang, raw) in translations {
        let (t, _) = Translation::parse(raw.to_string(), None);
        map.insert(lang.to_string(), t);
    }
    Text {
        key: key.to_string(),
        translations: map,
    }
}

fn change(class: ChangeClass, codes: &[i64], languages: &[&str]) -> Change {
    Change {
        class,
        codes: codes.to_vec(),
        languages: languages.iter().map(|l| l.to_string()).collect(),
    }
}

/// The fixture with lineage on `org` (codes added and a wording change,
/// acknowledged with a hostile reason), `mood` (identical), `coop_a` (a
/// break: scale changed, codes relabelled, routing; not acknowledged),
/// `tools` (codes removed) and `staff` (a break acknowledged). Its id
/// becomes `review_kinds_lineage`, so it can sit next to the plain
/// fixture in one output folder.
pub fn kinds_with_lineage() -> Survey {
    let mut s = kinds();
    s.id = "review_kinds_lineage".to_string();
    let earlier = |variable: &str, changes: Vec<Change>, acknowledged: Option<Text>| {
        Box::new(Lineage {
            survey: "review_kinds_2020".to_string(),
            version: "2020".to_string(),
            variable: variable.to_string(),
            changes,
            acknowledged,
        })
    };
    for v in &mut s.variables {
        v.lineage = match v.name.as_str() {
            "org" => Some(earlier(
                "org_type",
                vec![
                    change(ChangeClass::CodesAdded, &[9], &[]),
                    change(ChangeClass::Wording, &[], &["sv", "en"]),
                ],
                Some(text(
                    "org.break",
                    &[
                        ("fi", "Koodi 9 *jaettiin* <script>alert(1)</script>"),
                        ("sv", "Kod 9 \"; DROP TABLE svar; --"),
                        (
                            "en",
                            "Code 9 was [split](https://example.fi/?a=1&b=2) {{ x }} 'it''s'",
                        ),
                    ],
                )),
            )),
            "mood" => Some(earlier("mood", Vec::new(), None)),
            "coop_a" => Some(earlier(
                "coop_<level>_a",
                vec![
                    change(ChangeClass::Kind, &[], &[]),
                    change(ChangeClass::CodesRelabelled, &[1, 2, 3], &[]),
                    change(ChangeClass::Routing, &[], &[]),
                ],
                None,
            )),
            "tools" => Some(earlier(
                "tools",
                vec![change(ChangeClass::CodesRemoved, &[3, 4], &[])],
                None,
            )),
            "staff" => Some(earlier(
                "staff_count",
                vec![change(ChangeClass::CodesReused, &[99], &[])],
                Some(text(
                    "staff.break",
                    &[
                        ("fi", "Ennen 99 tarkoitti \"ei tiedä\"."),
                        ("sv", "Förut betydde 99 \"vet inte\"."),
                        (
                            "en",
                            "99 used to mean \"don't know\".\n\nNow it is a count.",
                        ),
                    ],
                )),
            )),
            _ => None,
        };
    }
    s
}
