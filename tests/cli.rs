//! The `lomake` binary as users see it: exact diagnostics on standard error,
//! exit codes, JSON lines, `--quiet`, and reproducible builds.
//!
//! Each test works in a fresh temporary folder of its own (no lomake.yaml or
//! .git above it), so that the paths shown are the short relative ones.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary project folder, removed when dropped.
struct Project {
    dir: PathBuf,
}

impl Project {
    fn new(name: &str) -> Project {
        let dir = std::env::temp_dir().join(format!("lomake-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temporary folder");
        Project { dir }
    }

    fn file(&self, rel: &str, bytes: impl AsRef<[u8]>) -> &Project {
        let path = self.dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
        std::fs::write(&path, bytes).expect("write file");
        self
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Runs `lomake --color never <args>` in the project folder.
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_lomake"))
            .arg("--color")
            .arg("never")
            .args(args)
            .current_dir(&self.dir)
            .env_remove("NO_COLOR")
            .output()
            .expect("run lomake")
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

/// A small clean survey: two languages, one section, one question.
const CLEAN: &str = r#"survey barometer
  version "2023"
  languages fi en
  title
    fi "Kumppanuusbarometri"
    en "Partnership Barometer"

section programme
  title
    fi "Kumppanuusohjelma"
    en "The programme"

question nat_part single
  label
    fi "Osallistui"
    en "Took part"
  text
    fi "Osallistuitko?"
    en "Did you take part?"
  option 1
    fi "Kyllä"
    en "Yes"
  option 2
    fi "Ei"
    en "No"
"#;

const USEFUL: &str = r#"
question nat_useful single
  when nat_prt = 1
  label
    fi "Hyödyllinen"
    en "Useful"
  text
    fi "Oliko siitä hyötyä?"
    en "Was it useful?"
  option 1
    fi "Kyllä"
    en "Yes"
  option 2
    fi "Ei"
    en "No"
"#;

// ------------------------------------------------------ exact diagnostics

#[test]
fn syntax_error_is_shown_with_its_caret_line() {
    let p = Project::new("syntax");
    p.file(
        "barometer.survey",
        CLEAN.replace("    en \"No\"", "    \"No\""),
    );
    let o = p.run(&["check", "barometer.survey"]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stderr(&o),
        r#"error[E002]: expected a new item on its own line, a property such as `label`, `text` or `option` or a translation like `sv "…"`
   ┌─ barometer.survey:25:5
   │
25 │     "No"
   │     ^^^^ found `"No"`
   │
   = help: put the language code before the text, as in `fi "Teksti"`

lomake: 1 error in 1 of 1 file(s)
"#
    );
    assert_eq!(stdout(&o), "");
}

#[test]
fn unknown_name_suggests_the_closest() {
    let p = Project::new("unknown");
    p.file("barometer.survey", format!("{CLEAN}{USEFUL}"));
    let o = p.run(&["check", "barometer.survey"]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stderr(&o),
        "error[E040]: no question named `nat_prt`
   ┌─ barometer.survey:28:8
   │
28 │   when nat_prt = 1
   │        ^^^^^^^ unknown name
   │
   = help: did you mean `nat_part`?

lomake: 1 error in 1 of 1 file(s)
"
    );
}

#[test]
fn module_cycle_shows_the_chain() {
    let p = Project::new("cycle");
    let header: String = CLEAN.lines().take(6).map(|l| format!("{l}\n")).collect();
    p.file("main.survey", format!("{header}\nuse \"common/blocks.survey\"\n"))
        .file("common/blocks.survey", "use \"scales.survey\"\n")
        .file(
            "common/scales.survey",
            "use \"blocks.survey\"\n\nscale yes_no nominal\n  option 1\n    fi \"Kyllä\"\n    en \"Yes\"\n",
        );
    let o = p.run(&["check", "main.survey"]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stderr(&o),
        "error[E011]: modules import each other in a cycle
  ┌─ common/scales.survey:1:6
  │
1 │ use \"blocks.survey\"
  │      ^^^^^^^^^^^^^ this import closes the cycle
  │
  = cycle: common/blocks.survey → common/scales.survey → common/blocks.survey
  = help: move what both files need into a third module that neither imports

lomake: 1 error in 1 of 1 file(s)
"
    );
}

// ------------------------------------------------------------ exit codes

#[test]
fn clean_check_exits_0_and_never_says_warning() {
    let p = Project::new("clean");
    p.file("barometer.survey", CLEAN);
    let o = p.run(&["check", "barometer.survey"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stderr(&o), "lomake: checked 1 survey\n");
    assert!(!stderr(&o).to_lowercase().contains("warning"));
    assert!(!stdout(&o).to_lowercase().contains("warning"));
}

/// A folder means every `*.survey` file in it: a survey whose header is
/// misspelled is not mistaken for a module and skipped (a green CI run on a
/// broken survey), and a module is checked on its own too.
#[test]
fn a_folder_checks_every_survey_file() {
    let p = Project::new("folder");
    p.file("s/a.survey", CLEAN)
        .file(
            "s/b.survey",
            CLEAN.replace(
                "survey barometer",
                "survy barometer2\n\nuse \"common/scales.survey\"\n",
            ),
        )
        .file(
            "s/common/scales.survey",
            "scale yes_no nominal\n  option 1\n    fi \"Kyllä\"\n    en \"Yes\"\n",
        );
    let o = p.run(&["check", "s"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("error[E020]: this file has no `survey` header"),
        "{err}"
    );
    assert!(err.contains("s/b.survey"), "{err}");
    assert!(err.ends_with("in 1 of 3 file(s)\n"), "{err}");
    // Without the broken one: the survey and the module.
    std::fs::remove_file(p.path("s/b.survey")).unwrap();
    let o = p.run(&["check", "s"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stderr(&o), "lomake: checked 1 survey and 1 module\n");
}

/// A module's problem is found through every survey that uses it; it is
/// shown and counted once.
#[test]
fn a_module_problem_is_reported_once() {
    let p = Project::new("module-once");
    let uses = CLEAN.replace(
        "section programme",
        "use \"common/scales.survey\"\n\nsection programme",
    ) + "\nquestion q2 scale yes_no\n  label\n    fi \"K\"\n    en \"Q\"\n  text\n    fi \"K?\"\n    en \"Q?\"\n";
    p.file("s/a.survey", &uses)
        .file("s/b.survey", uses.replace("survey barometer", "survey barometer2"))
        .file(
            "s/common/scales.survey",
            "scale yes_no nominal\n  option 1\n    fi \"Kyllä\"\n  option 2\n    fi \"Ei\"\n    en \"No\"\n",
        );
    let o = p.run(&["check", "s"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches("error[E050]").count(), 1, "{err}");
    assert!(err.contains("s/common/scales.survey:2:10"), "{err}");
    assert!(err.contains("lomake: 1 error in 2 of 3 file(s)"), "{err}");
    let o = p.run(&["--format", "json", "check", "s"]);
    assert_eq!(stdout(&o).matches("\"E050\"").count(), 1, "{}", stdout(&o));
}

#[test]
fn quiet_prints_nothing_on_success() {
    let p = Project::new("quiet");
    p.file("barometer.survey", CLEAN);
    for args in [
        &["--quiet", "check", "barometer.survey"][..],
        &["-q", "build", "barometer.survey", "--out", "out"][..],
    ] {
        let o = p.run(args);
        assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}");
        assert_eq!(stdout(&o), "", "{args:?}");
    }
}

#[test]
fn source_errors_exit_1() {
    let p = Project::new("errors");
    p.file("barometer.survey", format!("{CLEAN}{USEFUL}"));
    assert_eq!(code(&p.run(&["check", "barometer.survey"])), 1);
    // A build with errors writes nothing.
    let o = p.run(&["build", "barometer.survey", "--out", "out"]);
    assert_eq!(code(&o), 1);
    assert!(!p.path("out/barometer").exists());
}

#[test]
fn missing_file_exits_2() {
    let p = Project::new("missing");
    let o = p.run(&["check", "no-such.survey"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no-such.survey"), "{}", stderr(&o));
}

#[test]
fn bad_flag_exits_2() {
    let p = Project::new("flag");
    p.file("barometer.survey", CLEAN);
    let o = p.run(&["check", "--no-such-flag", "barometer.survey"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--no-such-flag"), "{}", stderr(&o));
    let o = p.run(&["--format", "yaml", "check", "barometer.survey"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn unwritable_out_exits_2() {
    let p = Project::new("unwritable");
    p.file("barometer.survey", CLEAN)
        .file("taken", "a file, not a folder");
    // Running as root defeats permissions; a file in the way never can be a folder.
    let o = p.run(&["build", "barometer.survey", "--out", "taken/build"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
}

#[test]
fn unreadable_sources_exit_1_with_a_located_diagnostic() {
    let p = Project::new("unreadable");
    let cases: [(&str, &[u8], &str, &str); 3] = [
        (
            "latin1.survey",
            b"survey x\n  title\n    fi \"Kyll\xe4\"\n",
            "latin1.survey:3:13",
            "not UTF-8 from here",
        ),
        (
            "nul.survey",
            b"survey x\n\0\n",
            "nul.survey:2:1",
            "NUL byte",
        ),
        ("empty.survey", b"", "empty.survey:1:1", "empty file"),
    ];
    for (name, bytes, location, label) in cases {
        p.file(name, bytes);
        let o = p.run(&["check", name]);
        let err = stderr(&o);
        assert_eq!(code(&o), 1, "{name}: {err}");
        assert!(err.starts_with("error[E001]: "), "{name}: {err}");
        assert!(err.contains(&format!("┌─ {location}\n")), "{name}: {err}");
        assert!(err.contains(&format!(" {label}\n")), "{name}: {err}");
    }
}

// ------------------------------------------------------------- JSON lines

#[test]
fn json_format_prints_one_object_per_line() {
    let p = Project::new("json");
    p.file("unknown.survey", format!("{CLEAN}{USEFUL}")).file(
        "syntax.survey",
        CLEAN.replace("    en \"No\"", "    \"No\""),
    );
    let o = p.run(&[
        "--format",
        "json",
        "check",
        "unknown.survey",
        "syntax.survey",
    ]);
    assert_eq!(code(&o), 1);
    assert_eq!(stderr(&o), "", "JSON mode keeps standard error for nothing");
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    let values: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let found: Vec<(String, String, u64, u64)> = values
        .iter()
        .map(|v| {
            (
                v["code"].as_str().expect("code").to_string(),
                v["primary"]["file"].as_str().expect("file").to_string(),
                v["primary"]["line"].as_u64().expect("line"),
                v["primary"]["column"].as_u64().expect("column"),
            )
        })
        .collect();
    assert!(
        found.contains(&("E040".into(), "unknown.survey".into(), 28, 8)),
        "{found:?}"
    );
    assert!(
        found.contains(&("E002".into(), "syntax.survey".into(), 25, 5)),
        "{found:?}"
    );
    assert_eq!(values[0]["severity"], "error");
    assert_eq!(values[0]["help"], "did you mean `nat_part`?");
}

#[test]
fn json_format_on_success_prints_nothing() {
    let p = Project::new("json-clean");
    p.file("barometer.survey", CLEAN);
    let o = p.run(&["--format", "json", "check", "barometer.survey"]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "");
}

// ----------------------------------------------------------------- build

#[test]
fn build_is_byte_identical_across_runs() {
    let p = Project::new("build");
    p.file("barometer.survey", CLEAN);
    let read = |dir: &str| {
        let o = p.run(&["build", "barometer.survey", "--out", dir]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        std::fs::read(p.path(dir).join("barometer/ir.json")).expect("ir.json written")
    };
    let first = read("out1");
    let second = read("out2");
    assert!(!first.is_empty());
    assert_eq!(first, second, "two builds of one survey differ");
    // Building again into the same folder gives the same bytes too.
    assert_eq!(read("out1"), first);
    let ir: serde_json::Value = serde_json::from_slice(&first).expect("ir.json is JSON");
    assert_eq!(ir["id"], "barometer");
}

#[test]
fn bundled_surveys_build_reproducibly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let p = Project::new("bundled");
    let out = |n: &str| p.path(n);
    for dir in ["a", "b"] {
        let o = Command::new(env!("CARGO_BIN_EXE_lomake"))
            .args(["--color", "never", "-q", "build", "surveys"])
            .arg("--out")
            .arg(out(dir))
            .current_dir(root)
            .output()
            .expect("run lomake");
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    for id in ["partnership_barometer_2020", "partnership_barometer_2023"] {
        let a = std::fs::read(out("a").join(id).join("ir.json")).expect("first build");
        let b = std::fs::read(out("b").join(id).join("ir.json")).expect("second build");
        assert_eq!(a, b, "{id}: two builds differ");
    }
}
