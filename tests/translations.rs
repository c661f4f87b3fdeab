//! The translation workflow (`docs/translations.md`) through the `lomake`
//! binary and the library: `translations status` (missing, reviewed against
//! an earlier source, changed since a git revision), `review`, PO `export`
//! and `import`, and the git-revision loader.
//!
//! Each test works in a temporary folder of its own. The git tests build a
//! small repository there with their own author identity (`-c user.name`,
//! no global or system configuration).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lomake::check::{CheckOptions, check_file};
use lomake::git::{GitLoader, parse_rev_path};
use lomake::source::{LoadError, Loader};
use lomake::translations::{self, po};

struct Dir {
    path: PathBuf,
}

impl Dir {
    fn new(name: &str) -> Dir {
        let path =
            std::env::temp_dir().join(format!("lomake-translations-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temporary folder");
        Dir { path }
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("create folder");
        std::fs::write(p, text).expect("write");
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path.join(rel)).expect("read")
    }

    fn lomake(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_lomake"))
            .args(["--color", "never"])
            .args(args)
            .current_dir(&self.path)
            .output()
            .expect("run lomake")
    }

    fn git(&self, args: &[&str]) {
        common::git::run(&self.path, args);
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/translations")
}

/// A copy of a folder of the repository in a temporary folder.
fn copy_of(dir: &Dir, from: &Path, to: &str) {
    for entry in std::fs::read_dir(from).expect("read folder") {
        let p = entry.expect("entry").path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let rel = if to.is_empty() {
            name.clone()
        } else {
            format!("{to}/{name}")
        };
        if p.is_dir() {
            copy_of(dir, &p, &rel);
        } else {
            dir.write(&rel, &std::fs::read_to_string(&p).expect("read"));
        }
    }
}

const SURVEY: &str = r#"survey s
  version "1"
  languages fi sv en
  title
    fi "Kysely"
    sv "Enkät"
    en "Survey"

use "common/m.survey"

section main
  title
    fi "Pääosa"
    sv "Huvuddel"
    en "Main part"

question q scale yes3
  label
    fi "Kysymys"
    sv "Fråga"
    en "Question"
  text
    fi "Onko kaikki hyvin?"
    sv "Är allt bra?"
    en "Is everything fine?"
"#;

const MODULE: &str = r#"scale yes3 nominal
  option 1
    fi "Kyllä"
    sv "Ja"
    en "Yes"
  option 2
    fi "Ei"
    sv "Nej"
    en "No"
  option 99 missing
    fi "En tiedä"
    sv "Vet inte"
    en "Don't know"
"#;

#[test]
fn a_changed_source_text_is_reported_since_a_revision_until_reviewed() {
    if !common::git::available() {
        return;
    }
    let d = Dir::new("since");
    d.git(&["init", "-q"]);
    d.write("s.survey", SURVEY);
    d.write("common/m.survey", MODULE);
    d.commit("first");
    // The Finnish text changes; its translations do not.
    d.write(
        "s.survey",
        &SURVEY.replace("Onko kaikki hyvin?", "Onko kaikki hyvin töissä?"),
    );
    d.commit("second");

    let o = d.lomake(&["translations", "status", "s.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    let o = d.lomake(&["translations", "status", "--since", "HEAD~1", "s.survey"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "s.survey:24:5: possibly stale `sv` translation of `q.text`: the `fi` text changed since HEAD~1, this one did not\n\
         s.survey:25:5: possibly stale `en` translation of `q.text`: the `fi` text changed since HEAD~1, this one did not\n"
    );
    // JSON lines.
    let o = d.lomake(&[
        "--format",
        "json",
        "translations",
        "status",
        "--since",
        "HEAD~1",
        "s.survey",
    ]);
    let first: serde_json::Value =
        serde_json::from_str(stdout(&o).lines().next().expect("a line")).expect("JSON");
    assert_eq!(first["status"], "stale");
    assert_eq!(first["reason"], "since");
    assert_eq!(first["line"], 24);
    assert_eq!(first["key"], "q.text");
    assert_eq!(first["old_source"], "Onko kaikki hyvin?");

    // The Swedish text is updated; the English one is fine as it is.
    let text = d
        .read("s.survey")
        .replace("Är allt bra?", "Är allt bra på jobbet?");
    d.write("s.survey", &text);
    let o = d.lomake(&["translations", "status", "--since", "HEAD~1", "s.survey"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!stdout(&o).contains("`sv`"), "{}", stdout(&o));
    assert!(stdout(&o).contains("`en` translation of `q.text`"));

    let before = d.read("s.survey");
    let o = d.lomake(&[
        "translations",
        "review",
        "--since",
        "HEAD~1",
        "--lang",
        "en",
        "s.survey",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let after = d.read("s.survey");
    let fp = translations::fingerprint("Onko kaikki hyvin töissä?");
    // Only the marker was added, after the English literal.
    assert_eq!(
        after,
        before.replace(
            "en \"Is everything fine?\"",
            &format!("en \"Is everything fine?\" reviewed \"{fp}\"")
        )
    );
    let o = d.lomake(&["translations", "status", "--since", "HEAD~1", "s.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = d.lomake(&["check", "s.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("W052"));

    // Once marked, a later change of the source shows without git too,
    // in `status` and as W052 in `check`.
    d.write("s.survey", &after.replace("hyvin töissä?", "hyvin työssä?"));
    let o = d.lomake(&["translations", "status", "s.survey"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(&format!(
            "s.survey:25:5: possibly stale `en` translation of `q.text`: reviewed against an earlier `fi` text ({fp}; now "
        )),
        "{}",
        stdout(&o)
    );
    let o = d.lomake(&["check", "s.survey"]);
    assert!(stderr(&o).contains("warning[W052]"), "{}", stderr(&o));

    // Bad revisions are usage errors.
    let o = d.lomake(&["translations", "status", "--since", "nosuchrev", "s.survey"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown revision `nosuchrev`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn markers_without_git_and_review_by_key() {
    let d = Dir::new("marker");
    let marked = SURVEY
        .replace(
            "sv \"Är allt bra?\"",
            "sv \"Är allt bra?\" reviewed \"0badc0de\"",
        )
        .replace("    en \"Question\"\n", "");
    d.write("s.survey", &marked);
    d.write("common/m.survey", MODULE);
    let o = d.lomake(&["translations", "status", "."]);
    assert_eq!(o.status.code(), Some(1));
    let fp = translations::fingerprint("Onko kaikki hyvin?");
    assert_eq!(
        stdout(&o),
        format!(
            "s.survey:18:3: missing `en` translation of `q.label`\n\
             s.survey:23:5: possibly stale `sv` translation of `q.text`: reviewed against an earlier `fi` text (0badc0de; now {fp})\n"
        )
    );
    // Review by key marks the translations of that text (not the source).
    let o = d.lomake(&["translations", "review", "--key", "q.text", "s.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = d.read("s.survey");
    assert!(text.contains(&format!("sv \"Är allt bra?\" reviewed \"{fp}\"\n")));
    assert!(text.contains(&format!("en \"Is everything fine?\" reviewed \"{fp}\"\n")));
    assert!(text.contains("fi \"Onko kaikki hyvin?\"\n"));
    let o = d.lomake(&["translations", "status", "s.survey"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!stdout(&o).contains("stale"), "{}", stdout(&o));
    // An unknown key is a warning.
    let o = d.lomake(&["translations", "review", "--key", "nope.text", "s.survey"]);
    assert!(stderr(&o).contains("no text has the key `nope.text`"));
}

#[test]
fn the_git_loader_reads_a_survey_and_its_modules_at_a_revision() {
    if !common::git::available() {
        return;
    }
    let d = Dir::new("loader");
    d.git(&["init", "-q"]);
    d.write(
        "surveys/s.survey",
        &SURVEY.replace("common/m.survey", "../common/m.survey"),
    );
    d.write("common/m.survey", MODULE);
    d.commit("first");
    d.write(
        "common/m.survey",
        &MODULE.replace("En tiedä", "En osaa sanoa"),
    );
    d.write(
        "surveys/s.survey",
        &SURVEY
            .replace("\"Kysely\"", "\"Kysely 2\"")
            .replace("common/m.survey", "../common/m.survey"),
    );
    d.write("surveys/new.survey", SURVEY);
    d.commit("second");

    let entry = d.path.join("surveys/s.survey");
    let git = GitLoader::open(&d.path.join("surveys"), "HEAD~1").expect("open");
    assert_eq!(git.rev(), "HEAD~1");
    assert_eq!(git.commit().len(), 40);
    assert_eq!(
        git.top_level().canonicalize().unwrap(),
        d.path.canonicalize().unwrap()
    );
    let checked = check_file(&git, &entry, &CheckOptions::default()).expect("load");
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let survey = checked.survey.expect("IR");
    assert_eq!(survey.title.translations["fi"].raw, "Kysely");
    let yes3 = survey
        .lists
        .iter()
        .find(|l| l.name == "yes3")
        .expect("yes3");
    let dont_know = yes3.options.last().unwrap().label.as_ref().unwrap();
    assert_eq!(dont_know.translations["fi"].raw, "En tiedä");
    // At HEAD the module's new text.
    let head = GitLoader::open(&d.path, "HEAD").expect("open");
    let checked = check_file(&head, &entry, &CheckOptions::default()).expect("load");
    let survey = checked.survey.expect("IR");
    assert_eq!(survey.title.translations["fi"].raw, "Kysely 2");

    // The repository's top level is the project root at any revision.
    assert!(git.exists(&d.path.join(".git")));
    assert!(git.exists(&d.path.join("common")));
    assert!(!git.exists(&d.path.join("surveys/new.survey")));
    assert!(head.exists(&d.path.join("surveys/new.survey")));
    // Relative paths are relative to the current folder.
    let cwd = std::env::current_dir().unwrap();
    let rel = pathdiff(&entry, &cwd);
    assert_eq!(git.load(&rel).unwrap(), git.load(&entry).unwrap());
    // A file that did not exist then; a folder; outside the repository.
    assert!(matches!(
        git.load(&d.path.join("surveys/new.survey")),
        Err(LoadError::NotFound)
    ));
    assert!(matches!(
        git.load(&d.path.join("common")),
        Err(LoadError::Io(_))
    ));
    assert!(git.load(Path::new("/definitely/not/here.survey")).is_err());
    // Errors on opening.
    let e = GitLoader::open(&d.path, "no-such-branch").unwrap_err();
    assert!(
        e.to_string().contains("unknown revision `no-such-branch`"),
        "{e}"
    );
    let outside = Dir::new("not-a-repo");
    assert!(GitLoader::open(&outside.path, "HEAD").is_err());
    // The REV:path form.
    assert_eq!(
        parse_rev_path("HEAD~1:surveys/s.survey"),
        Some(("HEAD~1".to_string(), PathBuf::from("surveys/s.survey")))
    );
}

/// `path` relative to `base` (both absolute), with `..` as needed.
fn pathdiff(path: &Path, base: &Path) -> PathBuf {
    let p: Vec<_> = path.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c.as_os_str());
    }
    out
}

// ------------------------------------------------------------------ PO

fn all_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "survey") {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// A translation that uses a placeholder its block has no parameter for
/// would make the survey fail its check (E045): it is left out, with a
/// warning that names the block's parameters.
#[test]
fn an_unknown_placeholder_is_not_imported() {
    let d = Dir::new("placeholder");
    copy_of(
        &d,
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys"),
        "surveys",
    );
    let survey = "surveys/partnership-barometer-2023.survey";
    let o = d.lomake(&[
        "translations",
        "export",
        "--lang",
        "sv",
        survey,
        "-o",
        "sv.po",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let po_text = d.read("sv.po");
    let ctx = "msgctxt \"level_block/section.level_{level}.title\"\nmsgid \"Yhteistyö {where}\"\nmsgstr \"Samarbete {where}\"";
    assert!(po_text.contains(ctx), "{po_text}");
    d.write(
        "sv.po",
        &po_text.replace(
            ctx,
            &ctx.replace(
                "msgstr \"Samarbete {where}\"",
                "msgstr \"Samarbete {var} \\\\{x}\"",
            ),
        ),
    );
    let before = all_files(&d.path);
    let o = d.lomake(&["translations", "import", "sv.po", survey]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("uses `{var}`, which the block has no parameter for; left out (its parameters: {level}, {where}"),
        "{err}"
    );
    // `\{x}` is a literal brace: only `{var}` is named.
    assert!(!err.contains("{x}"), "{err}");
    assert_eq!(all_files(&d.path), before, "nothing written");
    let o = d.lomake(&["check", "surveys"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn export_then_import_changes_no_byte_in_either_wave() {
    let d = Dir::new("roundtrip");
    copy_of(
        &d,
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys"),
        "surveys",
    );
    let before = all_files(&d.path);
    assert_eq!(before.len(), 3);
    for wave in ["2020", "2023"] {
        let survey = format!("surveys/partnership-barometer-{wave}.survey");
        for lang in ["sv", "en"] {
            let po_file = format!("{wave}-{lang}.po");
            let o = d.lomake(&[
                "translations",
                "export",
                "--lang",
                lang,
                &survey,
                "-o",
                &po_file,
            ]);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            let text = d.read(&po_file);
            let catalog = po::read(&text).expect("reads back");
            assert!(catalog.entries.len() > 100, "{wave} {lang}");
            assert!(
                catalog
                    .entries
                    .iter()
                    .all(|e| !e.msgstr.is_empty() && !e.is_fuzzy())
            );
            // Deterministic: the same sources give the same file.
            let again = d.lomake(&["translations", "export", "--lang", lang, &survey]);
            assert_eq!(stdout(&again), text);
            let o = d.lomake(&["translations", "import", &po_file, &survey]);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            assert!(stderr(&o).contains("0 translation(s) changed, 0 added, 0 marked reviewed"));
        }
    }
    assert_eq!(all_files(&d.path), before);
}

#[test]
fn an_edited_msgstr_lands_in_its_literal_and_nowhere_else() {
    let d = Dir::new("edit");
    copy_of(&d, &fixtures(), "");
    let o = d.lomake(&[
        "translations",
        "export",
        "--lang",
        "sv",
        "staff.survey",
        "-o",
        "sv.po",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let po_text = d.read("sv.po");
    // "Ja" is the msgstr of remote.option.1 only; "Av samma åsikt" is in the module.
    let edited = po_text
        .replace("msgstr \"Ja\"", "msgstr \"Jo\"")
        .replace("msgstr \"Av samma åsikt\"", "msgstr \"Av samma mening\"");
    d.write("sv.po", &edited);
    let survey_before = d.read("staff.survey");
    let module_before = d.read("common/scales.survey");
    let o = d.lomake(&["translations", "import", "sv.po", "staff.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        d.read("staff.survey"),
        survey_before.replacen("    sv \"Ja\"\n", "    sv \"Jo\"\n", 1)
    );
    assert_eq!(
        d.read("common/scales.survey"),
        module_before.replace("sv \"Av samma åsikt\"", "sv \"Av samma mening\"")
    );
    let o = d.lomake(&["check", "staff.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn escaping_round_trips_through_po_and_the_sources() {
    let d = Dir::new("escape");
    copy_of(&d, &fixtures(), "");
    let o = d.lomake(&[
        "translations",
        "export",
        "--lang",
        "en",
        "staff.survey",
        "-o",
        "en.po",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let mut catalog = po::read(&d.read("en.po")).unwrap();
    let texts: &[(&str, &str)] = &[
        ("remote.label", r#"Say "hi" and 'bye'"#),
        ("remote.option.1", r"A \\ backslash and a \* star"),
        (
            "remote.option.2",
            "<script>alert(\"x\")</script> \"; DROP TABLE",
        ),
        ("remote.text", "Two\nlines \"\"\" quoted"),
        ("section.work.title", "äöå ÄÖÅ 🙂 emoji"),
        ("tools.item.b", "ends in a backslash \\"),
    ];
    for (key, text) in texts {
        let e = catalog
            .entries
            .iter_mut()
            .find(|e| e.msgctxt.as_deref() == Some(key))
            .unwrap();
        e.msgstr = text.to_string();
    }
    d.write("en.po", &po::write(&catalog));
    let o = d.lomake(&["translations", "import", "en.po", "staff.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = d.lomake(&["check", "staff.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // What the sources now say, read back through a fresh export.
    let o = d.lomake(&["translations", "export", "--lang", "en", "staff.survey"]);
    let back = po::read(&stdout(&o)).unwrap();
    let get = |k: &str| {
        back.entries
            .iter()
            .find(|e| e.msgctxt.as_deref() == Some(k))
            .unwrap()
            .msgstr
            .clone()
    };
    for (key, text) in texts {
        let expected = if *key == "tools.item.b" {
            // A lone trailing backslash is escaped: it is a backslash.
            "ends in a backslash \\\\".to_string()
        } else {
            text.to_string()
        };
        assert_eq!(get(key), expected, "{key}");
    }
    // The IR reads them as the characters written.
    let checked = check_file(
        &lomake::source::DiskLoader,
        &d.path.join("staff.survey"),
        &CheckOptions::default(),
    )
    .unwrap();
    let survey = checked.survey.expect("IR");
    let remote = survey
        .variables
        .iter()
        .find(|v| v.name == "remote")
        .unwrap();
    assert_eq!(
        remote.label.translations["en"].plain(),
        r#"Say "hi" and 'bye'"#
    );
    let list = survey.lists.iter().find(|l| l.name == "remote").unwrap();
    let plain = |i: usize| list.options[i].label.as_ref().unwrap().translations["en"].plain();
    assert_eq!(plain(0), r"A \ backslash and a * star");
    assert_eq!(plain(1), "<script>alert(\"x\")</script> \"; DROP TABLE");
    // What import writes is in `lomake fmt`'s canonical layout.
    let o = d.lomake(&["fmt", "--check", "staff.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The text with a line break became a multi-line text.
    assert!(
        d.read("staff.survey")
            .contains("    en \"\"\"\n      Two\n      lines \"\"\\\" quoted\n      \"\"\"\n")
    );
}

#[test]
fn a_missing_translation_is_added_in_the_canonical_layout() {
    let d = Dir::new("add");
    copy_of(&d, &fixtures(), "");
    let original = d.read("staff.survey");
    let po_en = {
        let o = d.lomake(&["translations", "export", "--lang", "en", "staff.survey"]);
        stdout(&o)
    };
    let po_sv = {
        let o = d.lomake(&["translations", "export", "--lang", "sv", "staff.survey"]);
        stdout(&o)
    };
    d.write("en.po", &po_en);
    d.write("sv.po", &po_sv);
    // Remove a last translation, a middle one after a commented line, a
    // multi-line one, and one from an insert argument.
    let sv_intro = "    sv \"\"\"\n      Välkommen! Enkäten tar *cirka* fem minuter.\n\n      Svaren behandlas konfidentiellt.\n      \"\"\"\n";
    assert!(original.contains(sv_intro));
    let broken = original
        .replace("    en \"Do you work remotely?\"\n", "")
        .replace("    sv \"Arbetar du på distans?\"\n", "")
        .replace(sv_intro, "")
        .replace("    en \"in the field\"\n", "");
    d.write("staff.survey", &broken);
    let o = d.lomake(&["translations", "status", "staff.survey"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).lines().count(), 4, "{}", stdout(&o));
    for po_file in ["en.po", "sv.po"] {
        let o = d.lomake(&["translations", "import", po_file, "staff.survey"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_eq!(d.read("staff.survey"), original);
    let o = d.lomake(&["fmt", "--check", "staff.survey", "common"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn unknown_contexts_and_fuzzy_entries() {
    let d = Dir::new("unknown");
    copy_of(&d, &fixtures(), "");
    let before = d.read("staff.survey");
    d.write(
        "sv.po",
        "msgid \"\"\nmsgstr \"Language: sv\\n\"\n\n\
         msgctxt \"no.such.text\"\nmsgid \"x\"\nmsgstr \"y\"\n\n\
         msgid \"no context\"\nmsgstr \"z\"\n\n\
         #, fuzzy\nmsgctxt \"remote.option.2\"\nmsgid \"En\"\nmsgstr \"Nej då\"\n",
    );
    let o = d.lomake(&["translations", "import", "sv.po", "staff.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("sv.po: PO line 4: unknown msgctxt `no.such.text`"),
        "{err}"
    );
    assert!(err.contains("PO line 8: an entry without msgctxt"), "{err}");
    // The fuzzy entry is imported, marked as not reviewed.
    assert_eq!(
        d.read("staff.survey"),
        before.replace("sv \"Nej\"", "sv \"Nej då\" reviewed \"fuzzy\"")
    );
    // A broken PO file is a located error, not a panic.
    d.write("bad.po", "msgid \"a\nmsgstr \"b\"\n");
    let o = d.lomake(&["translations", "import", "bad.po", "staff.survey"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bad.po:1:"), "{}", stderr(&o));
    // The source language, or one the survey does not have, is refused.
    let o = d.lomake(&["translations", "export", "--lang", "fi", "staff.survey"]);
    assert_eq!(o.status.code(), Some(2));
    let o = d.lomake(&["translations", "export", "--lang", "de", "staff.survey"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn stale_translations_are_exported_fuzzy_and_confirmed_on_import() {
    let d = Dir::new("fuzzy");
    copy_of(&d, &fixtures(), "");
    let text = d.read("staff.survey").replace(
        "    sv \"Arbetar du på distans?\"",
        "    sv \"Arbetar du på distans?\" reviewed \"12345678\"",
    );
    d.write("staff.survey", &text);
    let o = d.lomake(&["translations", "export", "--lang", "sv", "staff.survey"]);
    let catalog = po::read(&stdout(&o)).unwrap();
    let fuzzy: Vec<&str> = catalog
        .entries
        .iter()
        .filter(|e| e.is_fuzzy())
        .filter_map(|e| e.msgctxt.as_deref())
        .collect();
    assert_eq!(fuzzy, ["remote.text"]);
    // Importing it as it is leaves it stale; confirming it (no fuzzy flag)
    // marks it reviewed against the current source.
    d.write("sv.po", &stdout(&o));
    d.lomake(&["translations", "import", "sv.po", "staff.survey"]);
    assert_eq!(d.read("staff.survey"), text);
    d.write("sv.po", &stdout(&o).replace("#, fuzzy\n", ""));
    let o = d.lomake(&["translations", "import", "sv.po", "staff.survey"]);
    assert!(stderr(&o).contains("1 marked reviewed"), "{}", stderr(&o));
    let fp = translations::fingerprint("Teetkö etätöitä?");
    assert_eq!(
        d.read("staff.survey"),
        text.replace("reviewed \"12345678\"", &format!("reviewed \"{fp}\""))
    );
    let o = d.lomake(&["translations", "status", "staff.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// A translation written from a fuzzy entry, or from an entry translated
/// from an earlier source text, stays possibly stale until someone confirms
/// it, even when it was reviewed before: in `status`, in `check` (W052) and
/// as a fuzzy entry of the next export.
#[test]
fn unconfirmed_imports_stay_stale() {
    let d = Dir::new("unconfirmed");
    copy_of(&d, &fixtures(), "");
    let o = d.lomake(&[
        "translations",
        "review",
        "staff.survey",
        "--key",
        "remote.text",
        "--lang",
        "sv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fp = translations::fingerprint("Teetkö etätöitä?");
    let reviewed = d.read("staff.survey");
    assert!(reviewed.contains(&format!("sv \"Arbetar du på distans?\" reviewed \"{fp}\"")));
    let o = d.lomake(&["translations", "status", "staff.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let head = "msgid \"\"\nmsgstr \"Language: sv\\n\"\n\n";
    for (name, entry) in [
        (
            "fuzzy",
            "#, fuzzy\nmsgctxt \"remote.text\"\nmsgid \"Teetkö etätöitä?\"\nmsgstr \"OSÄKER\"\n",
        ),
        (
            "outdated",
            "msgctxt \"remote.text\"\nmsgid \"Teetkö töitä?\"\nmsgstr \"OSÄKER\"\n",
        ),
    ] {
        d.write("staff.survey", &reviewed);
        d.write("sv.po", &format!("{head}{entry}"));
        let o = d.lomake(&["translations", "import", "sv.po", "staff.survey"]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("1 marked unreviewed"),
            "{name}: {}",
            stderr(&o)
        );
        assert_eq!(
            d.read("staff.survey"),
            reviewed.replace(
                &format!("sv \"Arbetar du på distans?\" reviewed \"{fp}\""),
                "sv \"OSÄKER\" reviewed \"fuzzy\""
            ),
            "{name}"
        );
        let o = d.lomake(&["translations", "status", "staff.survey"]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert!(
            stdout(&o).contains("possibly stale `sv` translation of `remote.text`: imported from a fuzzy or outdated PO entry"),
            "{name}: {}",
            stdout(&o)
        );
        let o = d.lomake(&["check", "staff.survey"]);
        assert!(stderr(&o).contains("W052"), "{name}: {}", stderr(&o));
        let o = d.lomake(&["translations", "export", "--lang", "sv", "staff.survey"]);
        let catalog = po::read(&stdout(&o)).unwrap();
        let fuzzy: Vec<&str> = catalog
            .entries
            .iter()
            .filter(|e| e.is_fuzzy())
            .filter_map(|e| e.msgctxt.as_deref())
            .collect();
        assert_eq!(fuzzy, ["remote.text"], "{name}");
        // Confirmed: reviewed against the current source.
        d.write("sv.po", &stdout(&o).replace("#, fuzzy\n", ""));
        d.lomake(&["translations", "import", "sv.po", "staff.survey"]);
        assert!(
            d.read("staff.survey")
                .contains(&format!("sv \"OSÄKER\" reviewed \"{fp}\"")),
            "{name}"
        );
    }
    // A fuzzy entry adding a missing translation adds it unreviewed.
    d.write(
        "staff.survey",
        &reviewed.replace("    en \"Do you work remotely?\"\n", ""),
    );
    d.write(
        "en.po",
        "msgid \"\"\nmsgstr \"Language: en\\n\"\n\n#, fuzzy\nmsgctxt \"remote.text\"\nmsgid \"Teetkö etätöitä?\"\nmsgstr \"Remote?\"\n",
    );
    let o = d.lomake(&["translations", "import", "en.po", "staff.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        d.read("staff.survey")
            .contains("\n    en \"Remote?\" reviewed \"fuzzy\"\n")
    );
}

/// A translation added where its sibling shares a line with more: on that
/// line, in language order, never inside a `"""` text that opens there nor
/// in the grid item's `label` that follows.
#[test]
fn a_missing_translation_goes_before_what_follows_on_its_line() {
    let d = Dir::new("inline");
    let survey = [
        "survey s",
        "  version \"1\"",
        "  languages fi sv en",
        "  title fi \"Otsikko\" en \"\"\"",
        "    Title",
        "    \"\"\"",
        "",
        "section p",
        "  title fi \"P\" sv \"P\" en \"P\"",
        "",
        "scale two",
        "  option 1 fi \"1\" sv \"1\" en \"1\"",
        "  option 2 fi \"2\" sv \"2\" en \"2\"",
        "",
        "question g grid two",
        "  label fi \"G\" sv \"G\" en \"G\"",
        "  text fi \"G?\" sv \"G?\" en \"G?\"",
        "  item a fi \"A\" en \"A\" label fi \"la\" sv \"la\" en \"la\"",
        "",
    ]
    .join("\n");
    d.write("s.survey", &survey);
    let o = d.lomake(&["check", "s.survey"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    d.write(
        "sv.po",
        "msgid \"\"\nmsgstr \"Language: sv\\n\"\n\n\
         msgctxt \"survey.title\"\nmsgid \"Otsikko\"\nmsgstr \"Rubrik\"\n\n\
         msgctxt \"g.item.a\"\nmsgid \"A\"\nmsgstr \"A sv\"\n",
    );
    let o = d.lomake(&["translations", "import", "sv.po", "s.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let after = d.read("s.survey");
    assert!(
        after.contains("  title fi \"Otsikko\" sv \"Rubrik\" en \"\"\"\n"),
        "{after}"
    );
    assert!(
        after.contains("  item a fi \"A\" sv \"A sv\" en \"A\" label fi \"la\""),
        "{after}"
    );
    let o = d.lomake(&["check", "s.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn exported_po_snapshot() {
    let d = Dir::new("snapshot");
    copy_of(&d, &fixtures(), "");
    let o = d.lomake(&["translations", "export", "--lang", "sv", "staff.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("staff_sv_po", stdout(&o));
}

#[test]
fn files_with_crlf_line_ends_keep_them() {
    let d = Dir::new("crlf");
    copy_of(&d, &fixtures(), "");
    let original = d.read("staff.survey").replace('\n', "\r\n");
    d.write("staff.survey", &original);
    let o = d.lomake(&["translations", "export", "--lang", "sv", "staff.survey"]);
    let po_text = stdout(&o);
    d.write("sv.po", &po_text);
    let sv_intro = "    sv \"\"\"\r\n      Välkommen! Enkäten tar *cirka* fem minuter.\r\n\r\n      Svaren behandlas konfidentiellt.\r\n      \"\"\"\r\n";
    assert!(original.contains(sv_intro));
    d.write(
        "staff.survey",
        &original
            .replace(sv_intro, "")
            .replace("    sv \"Nej\"\r\n", ""),
    );
    let o = d.lomake(&["translations", "import", "sv.po", "staff.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("0 translation(s) changed, 2 added"),
        "{}",
        stderr(&o)
    );
    assert_eq!(d.read("staff.survey"), original);
    // A second entry for one key is left out, with a warning.
    d.write(
        "dup.po",
        &format!("{po_text}\nmsgctxt \"remote.option.1\"\nmsgid \"Kyllä\"\nmsgstr \"Jo\"\n"),
    );
    let o = d.lomake(&["translations", "import", "dup.po", "staff.survey"]);
    assert!(
        stderr(&o).contains("a second entry for `remote.option.1`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(d.read("staff.survey"), original);
}

mod property {
    use super::*;
    use lomake::source::MemoryLoader;
    use lomake::translations::{cli::plan_import, patch};
    use proptest::prelude::*;

    /// Imports `text` as the `sv` translation of `key` into the fixture
    /// (in memory) and reads it back from the patched source.
    fn import_and_read_back(key: &str, text: &str) -> (String, usize) {
        let survey = std::fs::read_to_string(fixtures().join("staff.survey")).unwrap();
        let module = std::fs::read_to_string(fixtures().join("common/scales.survey")).unwrap();
        let mut loader = MemoryLoader::new();
        loader.add("p/staff.survey", survey.clone());
        loader.add("p/common/scales.survey", module);
        loader.add("p/lomake.yaml", "surveys: [staff.survey]\n");
        let sources = translations::open(&loader, Path::new("p/staff.survey"), None).unwrap();
        let mut catalog = lomake::translations::cli::catalog(&sources, "sv", None);
        for e in &mut catalog.entries {
            if e.msgctxt.as_deref() == Some(key) {
                e.msgstr = text.to_string();
            }
        }
        let plan = plan_import(&sources, &catalog, "sv", None);
        let edits = plan
            .edits
            .get(&sources.loaded.entry)
            .cloned()
            .unwrap_or_default();
        let patched = patch::apply(&survey, &edits);
        // Everything outside the patched literal is unchanged.
        let changed_lines = survey
            .lines()
            .zip(patched.lines())
            .filter(|(a, b)| a != b)
            .count();
        loader.add("p/staff.survey", patched);
        let after = translations::open(&loader, Path::new("p/staff.survey"), None)
            .expect("the patched survey parses");
        let t = after.site(key).unwrap().get("sv").unwrap();
        (patch::to_text(t), changed_lines)
    }

    /// What a text in text form means, written canonically: `\\"` is a
    /// markup-escaped quote, that is a quote; a lone `\\` at the very end
    /// is a backslash, `\\\\`.
    fn text_form(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('"') => out.push('"'),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push_str("\\\\"),
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        #[test]
        fn any_one_line_translation_reads_back(
            text in proptest::collection::vec(
                prop_oneof![
                    Just("\""), Just("\\"), Just("a"), Just("ä"), Just("{"), Just("}"),
                    Just("*"), Just("🙂"), Just("'"), Just("<"), Just("#"), Just(" "),
                ],
                1..24,
            ).prop_map(|v| v.concat())
            .prop_filter("not blank", |t| !t.trim().is_empty()),
            key in prop_oneof![Just("remote.text"), Just("tools.item.a"), Just("survey.title")],
        ) {
            let (back, changed) = import_and_read_back(key, &text);
            prop_assert_eq!(back, text_form(&text));
            prop_assert!(changed <= 1);
        }

        #[test]
        fn any_multi_line_translation_reads_back(
            lines in proptest::collection::vec("[a-zä\"\\\\*{} ]{0,12}[a-z\"]", 2..5),
        ) {
            let text = lines.join("\n");
            let (back, _) = import_and_read_back("remote.text", &text);
            // Multi-line texts lose trailing spaces and common indentation
            // (markup::dedent); the lines here have neither at their ends.
            let expected = lomake::markup::dedent(&format!("\n{text}\n"));
            prop_assert_eq!(back, text_form(&expected));
        }
    }
}

/// Outside blocks and inserts, a text's key is the IR's key of that text.
#[test]
fn keys_outside_blocks_are_the_ir_keys() {
    fn keys(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let (Some(serde_json::Value::String(k)), Some(_)) =
                    (m.get("key"), m.get("translations"))
                {
                    out.insert(k.clone());
                }
                m.values().for_each(|x| keys(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
            _ => {}
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for survey in [
        "surveys/partnership-barometer-2020.survey",
        "surveys/partnership-barometer-2023.survey",
        "tests/fixtures/translations/staff.survey",
    ] {
        let path = root.join(survey);
        let checked =
            check_file(&lomake::source::DiskLoader, &path, &CheckOptions::default()).unwrap();
        let ir = serde_json::to_value(checked.survey.expect("IR")).unwrap();
        let mut ir_keys = std::collections::BTreeSet::new();
        keys(&ir, &mut ir_keys);
        let sources = translations::open(&lomake::source::DiskLoader, &path, None).unwrap();
        let plain: Vec<&str> = sources
            .sites
            .iter()
            // A module's scale that this survey does not use is not in its IR.
            .filter(|s| s.file == sources.loaded.entry)
            .map(|s| s.key.as_str())
            .filter(|k| !k.contains(['/', '(']))
            .collect();
        assert!(plain.len() > 10, "{survey}");
        for k in plain {
            // A grid question's own label is checked but not kept in the IR
            // (its items carry the labels of its columns).
            let grid_label = k
                .strip_suffix(".label")
                .is_some_and(|q| ir_keys.iter().any(|i| i.starts_with(&format!("{q}.item."))));
            if grid_label {
                continue;
            }
            assert!(ir_keys.contains(k), "{survey}: `{k}` is not an IR key");
        }
    }
}

#[test]
fn a_module_shared_by_two_surveys_is_reported_once() {
    let d = Dir::new("shared");
    d.write("lomake.yaml", "surveys: [.]\n");
    d.write("a.survey", SURVEY);
    d.write("b.survey", &SURVEY.replace("survey s", "survey t"));
    d.write("common/m.survey", &MODULE.replace("    sv \"Nej\"\n", ""));
    let o = d.lomake(&["translations", "status", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "common/m.survey:6:10: missing `sv` translation of `yes3.option.2`\n"
    );
    // Naming the module itself: it is checked through the surveys.
    let o = d.lomake(&["translations", "status", "common/m.survey"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("a module; its texts are checked through the surveys that use it"));
    // No such path is a usage error.
    let o = d.lomake(&["translations", "status", "nope.survey"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn re_indenting_and_formatting_keep_markers_valid() {
    let d = Dir::new("reindent");
    copy_of(&d, &fixtures(), "");
    let o = d.lomake(&[
        "translations",
        "review",
        "--key",
        "introduction.text",
        "staff.survey",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(d.read("staff.survey").contains("\"\"\" reviewed \""));
    // The Finnish text's lines indented deeper: the same text.
    let text = d
        .read("staff.survey")
        .replace("      Tervetuloa!", "          Tervetuloa!")
        .replace("      Vastaukset", "          Vastaukset");
    d.write("staff.survey", &text);
    let o = d.lomake(&["translations", "status", "staff.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = d.lomake(&["fmt", "staff.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(d.read("staff.survey").contains("\n      Tervetuloa!"));
    let o = d.lomake(&["translations", "status", "staff.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = d.lomake(&["check", "staff.survey"]);
    assert!(!stderr(&o).contains("W052"), "{}", stderr(&o));
    // Changing a word is a change.
    d.write(
        "staff.survey",
        &d.read("staff.survey").replace("viisi", "kymmenen"),
    );
    let o = d.lomake(&["translations", "status", "staff.survey"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
}

/// A multi-line text of one paragraph is not described to translators as
/// several paragraphs (a single line break is a space).
#[test]
fn po_notes_tell_one_paragraph_from_several() {
    let d = Dir::new("paragraphs");
    let survey = [
        "survey s",
        "  version \"1\"",
        "  languages fi sv",
        "  title fi \"Otsikko\" sv \"Rubrik\"",
        "",
        "section p",
        "  title fi \"P\" sv \"P\"",
        "  intro",
        "    fi \"\"\"",
        "      Pitkä",
        "      teksti.",
        "      \"\"\"",
        "    sv \"Lång text.\"",
        "",
        "display d",
        "  text",
        "    fi \"\"\"",
        "      Yksi.",
        "",
        "      Kaksi.",
        "      \"\"\"",
        "    sv \"Ett. Två.\"",
        "",
    ]
    .join("\n");
    d.write("s.survey", &survey);
    let o = d.lomake(&["translations", "export", "--lang", "sv", "s.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let po = stdout(&o);
    let note = |key: &str| {
        let at = po.find(&format!("msgctxt \"{key}\"")).expect(&po);
        let start = po[..at].rfind("\n\n").unwrap();
        po[start..at].to_string()
    };
    assert!(
        note("section.p.intro").contains("#. One paragraph: a line break is read as a space"),
        "{po}"
    );
    assert!(
        !note("section.p.intro").contains("Several paragraphs"),
        "{po}"
    );
    assert!(note("d.text").contains("#. Several paragraphs"), "{po}");
}

/// A backslash that escapes a character needing no escape vanishes from the
/// text respondents see: the import says so. Importing the same file again
/// changes nothing and says so.
#[test]
fn backslashes_that_vanish_are_warned_about() {
    let d = Dir::new("backslash");
    copy_of(&d, &fixtures(), "");
    d.write(
        "sv.po",
        "msgid \"\"\nmsgstr \"Language: sv\\n\"\n\n\
         msgctxt \"remote.text\"\nmsgid \"Teetkö etätöitä?\"\nmsgstr \"Test \\\"citat\\\" och \\\\ bakstreck \\\\\\\"x \\\\\\\\ y\"\n",
    );
    let o = d.lomake(&["translations", "import", "sv.po", "staff.survey"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("PO line 4: the translation of `remote.text` has `\\ ` (before a space), `\\\"`: a backslash escapes"),
        "{err}"
    );
    assert!(err.contains("1 translation(s) changed"), "{err}");
    let once = d.read("staff.survey");
    let o = d.lomake(&["translations", "import", "sv.po", "staff.survey"]);
    assert!(
        stderr(&o).contains("0 translation(s) changed"),
        "{}",
        stderr(&o)
    );
    assert_eq!(d.read("staff.survey"), once);
}
