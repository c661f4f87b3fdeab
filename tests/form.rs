//! The HTML form target (`src/targets/form/`): the page of a small survey
//! (snapshots of its markup and routing data), escaping of hostile texts,
//! determinism, the page's hooks (names, buttons), and `--templates`
//! overrides. The behaviour in a browser is tested by
//! `scripts/browser-tests.sh` (tests/browser/), which needs Chromium.

use std::path::PathBuf;

use lomake::check::{CheckOptions, check_file};
use lomake::ir::{ElementKind, Survey};
use lomake::source::DiskLoader;
use lomake::targets::form;
use lomake::targets::{BuildError, BuildOptions, Output, templates};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn compile(rel: &str) -> Survey {
    let path = root().join(rel);
    let checked = check_file(&DiskLoader, &path, &CheckOptions::default()).unwrap();
    assert!(
        checked.diagnostics.is_empty(),
        "{rel} must check clean: {:#?}",
        checked.diagnostics
    );
    checked.survey.expect("no errors, so an IR")
}

fn page(survey: &Survey, lang: &str, options: &BuildOptions) -> Result<String, BuildError> {
    let mut env = templates::environment(options.templates.as_deref());
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    form::render(&env, survey, lang, options)
}

fn html(survey: &Survey, lang: &str) -> String {
    page(survey, lang, &BuildOptions::default()).unwrap()
}

/// The text between `start` (included) and `end` (excluded).
fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let a = s.find(start).unwrap_or_else(|| panic!("no {start}"));
    let b = a + s[a..].find(end).unwrap_or_else(|| panic!("no {end}"));
    &s[a..b]
}

/// The routing data of a page, parsed from its `<script>` block.
fn data(html: &str) -> Value {
    let json = between(
        html,
        "<script type=\"application/json\" id=\"lomake-data\">",
        "</script>",
    )
    .split_once('>')
    .unwrap()
    .1;
    serde_json::from_str(json).unwrap()
}

/// Every value of an attribute in the page, in order.
fn attributes<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn the_page_of_every_kind_of_question() {
    let survey = compile("tests/fixtures/schema/kinds.survey");
    let page = html(&survey, "en");
    insta::assert_snapshot!("kinds_en_main", between(&page, "<body>", "<script"));
    insta::assert_json_snapshot!("kinds_en_data", data(&page));
}

#[test]
fn hostile_texts_are_shown_literally_and_never_run() {
    let survey = compile("tests/fixtures/form/hostile.survey");
    for lang in &survey.languages {
        let page = html(&survey, lang);
        // Two scripts: the data and the runtime; nothing from the texts.
        assert_eq!(page.matches("<script").count(), 2, "{lang}");
        assert_eq!(page.to_ascii_lowercase().matches("</script").count(), 2);
        for tag in [
            "<img",
            "<svg",
            "<iframe",
            "<b>",
            "<u>",
            "<i>",
            "<h1>title",
            "name=\"evil\"",
        ] {
            assert!(!page.contains(tag), "{lang}: {tag} in the page");
        }
        // No attribute from a text: every on* handler is escaped text.
        assert!(!page.contains(" onerror=\"") && !page.contains(" onload=\""));
        // No template syntax was evaluated.
        assert!(
            page.contains("{{ "),
            "{lang}: template syntax was evaluated"
        );
        // The routing data parses and keeps the texts' characters.
        let d = data(&page);
        assert_eq!(d["version"], "1<script>alert('v')</script>");
        let block = between(&page, "id=\"lomake-data\">", "</script>");
        assert!(
            !block["id=\"lomake-data\">".len()..].contains('<'),
            "{lang}"
        );
    }
    let en = html(&survey, "en");
    for literal in [
        // (minijinja's escaping of the plain title: `/` and `'` too)
        "<title>Hostile &lt;&#x2f;script&gt;&lt;script&gt;window.__pwned = &#x27;title&#x27;&lt;&#x2f;script&gt; survey 🎉</title>",
        "{{ 7 * 7 }} {% raw %} Org &amp; Co &lt;!--",
        "One &lt;script&gt;window.__pwned=&#39;opt&#39;&lt;/script&gt;",
        "Two &quot;quoted&quot; &amp; &#39;apostrophe&#39;",
        "Help {{ ui.next }} {% for x in y %}",
        "None of these {# comment #}",
        "javascript:alert(1) as text",
        "<strong>Strong &lt;i&gt;not italic&lt;/i&gt;</strong>",
        // The link target is percent-encoded and escaped, never raw.
        "<a href=\"https://example.org/?a=1&amp;b=%222%22%3E%3Cscript%3Ewindow.__pwned=&#39;href&#39;%3C/script%3E\">safe</a>",
        "<a href=\"https://example.org/privacy\">Privacy</a> {{ config }}",
    ] {
        assert!(en.contains(literal), "not in the page: {literal}");
    }
    let ar = html(&survey, "ar");
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(
        ar.contains("\u{202e}RTL\u{202c}"),
        "direction marks kept as text"
    );
}

#[test]
fn building_twice_gives_the_same_bytes() {
    for rel in [
        "surveys/partnership-barometer-2023.survey",
        "tests/fixtures/form/hostile.survey",
    ] {
        let a = compile(rel);
        let b = compile(rel);
        for lang in &a.languages {
            let (x, y) = (html(&a, lang), html(&b, lang));
            assert!(x == y, "{rel} {lang}: pages differ");
            assert!(!x.contains("/work") && !x.contains("/tmp") && !x.contains("/home"));
        }
    }
}

#[test]
fn every_question_has_controls_named_by_its_variables() {
    let survey = compile("surveys/partnership-barometer-2023.survey");
    let page = html(&survey, "fi");
    let names = attributes(&page, "name");
    for s in &survey.sections {
        for e in &s.elements {
            if matches!(e.kind, ElementKind::Hidden | ElementKind::Display) {
                continue;
            }
            for v in &e.variables {
                assert!(names.contains(&v.as_str()), "no control named {v}");
            }
        }
    }
    for n in &names {
        if *n == "viewport" || *n == "referrer" {
            continue;
        }
        assert!(survey.variable(n).is_some(), "control {n} is no variable");
    }
    // Every control is labelled: an id with a <label for>, or a fieldset.
    let ids = attributes(&page, "id");
    let fors = attributes(&page, "for");
    for f in &fors {
        assert!(ids.contains(f), "label for a missing id {f}");
    }
    assert_eq!(
        page.matches("<input").count()
            + page.matches("<select").count()
            + page.matches("<textarea").count(),
        fors.len(),
        "a control without its label"
    );
    // The hooks for vendors' QA automation.
    assert!(page.contains("<button type=\"button\" data-action=\"back\">Edellinen</button>"));
    assert!(page.contains("<button type=\"button\" data-action=\"next\">Seuraava</button>"));
    assert!(page.contains("<button type=\"submit\" hidden>Lähetä vastaukset</button>"));
    // Without JavaScript every page is there to read.
    assert_eq!(
        page.matches("<section class=\"page\" id=\"page-").count(),
        survey.sections.len() + 1
    );
    assert!(!page.contains("class=\"page\" id=\"page-background\" hidden"));
    assert!(page.contains("<noscript>"));
    // Every id is unique.
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "duplicate ids");
}

#[test]
fn routing_data_comes_from_the_ir() {
    let survey = compile("surveys/partnership-barometer-2023.survey");
    let d = data(&html(&survey, "sv"));
    assert_eq!(d["lang"], "sv");
    assert_eq!(d["submit_url"], Value::Null);
    let vars = d["variables"].as_array().unwrap();
    assert_eq!(vars.len(), survey.variables.len());
    for (v, ir) in vars.iter().zip(&survey.variables) {
        assert_eq!(v["name"], ir.name.as_str());
        assert_eq!(
            v.get("condition").cloned(),
            ir.condition
                .as_ref()
                .map(|c| serde_json::to_value(c).unwrap())
        );
    }
    let new_methods = vars.iter().find(|v| v["name"] == "new_methods").unwrap();
    assert_eq!(new_methods["exclusive"], serde_json::json!([99]));
    let info = vars.iter().find(|v| v["name"] == "info_sources").unwrap();
    assert_eq!(info["max"], 5);
    assert_eq!(d["ui"]["next"], "Nästa");
    let with_url = BuildOptions {
        submit_url: Some("https://example.org/r?x=</script>".into()),
        ..BuildOptions::default()
    };
    let page = page(&survey, "en", &with_url).unwrap();
    assert_eq!(
        data(&page)["submit_url"],
        "https://example.org/r?x=</script>"
    );
    assert!(page.contains("connect-src https://example.org;"));
}

#[test]
fn a_language_without_strings_of_its_own_gets_english_buttons() {
    let survey = compile("tests/fixtures/form/hostile.survey");
    let page = html(&survey, "ar");
    assert!(page.contains("data-action=\"next\">Next</button>"));
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lomake-form-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("form")).unwrap();
    dir
}

#[test]
fn templates_can_be_overridden_one_by_one() {
    let survey = compile("tests/fixtures/schema/kinds.survey");
    let dir = temp_dir("override");
    std::fs::write(
        dir.join("form/style.css"),
        "body { color: rebeccapurple; }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("form/question.html"),
        "<p class=\"vendor\">{{ q.name }}: {{ q.text }}</p>\n",
    )
    .unwrap();
    let options = BuildOptions {
        templates: Some(dir.clone()),
        ..BuildOptions::default()
    };
    let page = page(&survey, "en", &options).unwrap();
    assert!(page.contains("body { color: rebeccapurple; }"));
    assert!(page.contains("<p class=\"vendor\">age: "));
    // The page and runtime are still the built-in ones.
    assert!(page.contains("data-action=\"next\""));
    assert!(page.contains("function evaluate(c, r, missing)"));

    // A broken override is a template error naming the template.
    std::fs::write(dir.join("form/question.html"), "{% if %}\n").unwrap();
    match crate::page(&survey, "en", &options) {
        Err(BuildError::Template { name, .. }) => assert_eq!(name, "form/page.html"),
        other => panic!(
            "expected a template error, got {:?}",
            other.map(|s| s.len())
        ),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn build_writes_one_page_per_language() {
    let survey = compile("tests/fixtures/form/hostile.survey");
    let dir = temp_dir("build");
    let mut out = Output::new(dir.join(&survey.id));
    form::build(&survey, &BuildOptions::default(), &mut out).unwrap();
    let written: Vec<String> = out
        .files
        .iter()
        .map(|p| p.strip_prefix(&dir).unwrap().display().to_string())
        .collect();
    assert_eq!(
        written,
        [
            "hostile_form/en/index.html",
            "hostile_form/fi/index.html",
            "hostile_form/ar/index.html"
        ]
    );
    let fi = std::fs::read_to_string(dir.join("hostile_form/fi/index.html")).unwrap();
    assert_eq!(fi, html(&survey, "fi"));
    assert!(out.warnings.is_empty());
    // A submit URL the form will not post to is a build warning.
    for (url, warned) in [
        ("ftp://example.org/x", true),
        ("javascript:alert(1)", true),
        ("/api/r", false),
        ("https://example.org/r", false),
    ] {
        let mut out = Output::new(dir.join(&survey.id));
        let options = BuildOptions {
            submit_url: Some(url.into()),
            ..BuildOptions::default()
        };
        form::build(&survey, &options, &mut out).unwrap();
        assert_eq!(
            out.warnings.len(),
            usize::from(warned),
            "{url}: {:?}",
            out.warnings
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_runtime_is_plain_data_driven_code() {
    let runtime = form::TEMPLATES
        .iter()
        .find(|(n, _)| *n == "form/runtime.js")
        .unwrap()
        .1;
    for banned in [
        "eval(",
        "new Function",
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "setTimeout('",
        "http://",
        "https://",
    ] {
        assert!(!runtime.contains(banned), "runtime uses {banned}");
    }
}

/// The submit URL: `--submit-url` (or lomake.yaml) over the survey's own
/// `submit`; the header property is checked.
#[test]
fn the_survey_header_can_name_the_submit_url() {
    let mut survey = compile("tests/fixtures/schema/kinds.survey");
    survey.submit_url = Some("https://survey.example.fi/responses".into());
    let dir = temp_dir("submit");
    let built = lomake::targets::build(
        &survey,
        &dir,
        &[lomake::config::Target::Form],
        &BuildOptions::default(),
    )
    .unwrap();
    let page = std::fs::read_to_string(&built.files[0]).unwrap();
    assert_eq!(
        data(&page)["submit_url"],
        "https://survey.example.fi/responses"
    );
    let cli = BuildOptions {
        submit_url: Some("/from-the-command-line".into()),
        ..BuildOptions::default()
    };
    let built =
        lomake::targets::build(&survey, &dir, &[lomake::config::Target::Form], &cli).unwrap();
    let page = std::fs::read_to_string(&built.files[0]).unwrap();
    assert_eq!(data(&page)["submit_url"], "/from-the-command-line");

    let source = |url: &str| {
        format!(
            "survey s\n  version \"1\"\n  submit \"{url}\"\n  languages en\n  title\n    en \"S\"\nsection p\n  title\n    en \"P\"\nquestion q integer\n  label\n    en \"Q\"\n  text\n    en \"Q?\"\n"
        )
    };
    let ok =
        lomake::check::check_source("s.survey", &source("https://x.fi/r"), &Default::default());
    assert!(ok.diagnostics.is_empty(), "{:?}", ok.diagnostics);
    assert_eq!(
        ok.survey.unwrap().submit_url.as_deref(),
        Some("https://x.fi/r")
    );
    for bad in [
        "javascript:alert(1)",
        "//evil.example/r",
        "https://",
        "ftp://x.fi",
    ] {
        let c = lomake::check::check_source("s.survey", &source(bad), &Default::default());
        let codes: Vec<_> = c.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [lomake::diagnostics::Code::InvalidValue], "{bad}");
    }
}

/// A language code with subtags gets its primary language's words: a
/// `sv-FI` page has Swedish buttons and messages, and its link names the
/// region (before, English buttons and the bare code "sv-FI").
#[test]
fn a_language_with_subtags_gets_its_primary_languages_words() {
    let dir = temp_dir("subtags");
    let survey_text = "survey s\n  version \"1\"\n  languages fi sv-FI\n  title fi \"K\" sv-FI \"E\"\n\nsection p\n  title fi \"P\" sv-FI \"P\"\n\nquestion q integer\n  label fi \"Q\" sv-FI \"Q\"\n  text fi \"Q?\" sv-FI \"Q?\"\n";
    let path = dir.join("s.survey");
    std::fs::write(&path, survey_text).unwrap();
    let checked = check_file(&DiskLoader, &path, &CheckOptions::default()).unwrap();
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);
    let survey = checked.survey.unwrap();
    let page = html(&survey, "sv-FI");
    assert!(
        page.contains("data-action=\"next\">Nästa</button>"),
        "{page}"
    );
    assert!(page.contains("På svenska (FI)"), "{page}");
    let fi = html(&survey, "fi");
    assert!(fi.contains("Suomeksi"), "{fi}");
    let schema = lomake::targets::schema::schema(&survey, "sv-FI");
    assert!(
        schema.to_string().contains("Enkätens identifierare"),
        "{schema}"
    );
}

/// Number fields are text fields (no `min`/`max` attributes): the range is
/// a note under the question, with the page's decimal separator, that the
/// field is described by.
#[test]
fn a_number_question_says_its_range() {
    let dir = temp_dir("number-rule");
    let survey_text = "survey s\n  version \"1\"\n  languages fi en\n  title fi \"K\" en \"S\"\n\nsection p\n  title fi \"P\" en \"P\"\n\nquestion d decimal\n  min 0.5\n  max 2.5\n  label fi \"D\" en \"D\"\n  text fi \"D?\" en \"D?\"\n\nquestion n integer\n  min 1\n  label fi \"N\" en \"N\"\n  text fi \"N?\" en \"N?\"\n\nquestion u decimal\n  label fi \"U\" en \"U\"\n  text fi \"U?\" en \"U?\"\n";
    let path = dir.join("s.survey");
    std::fs::write(&path, survey_text).unwrap();
    let checked = check_file(&DiskLoader, &path, &CheckOptions::default()).unwrap();
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);
    let survey = checked.survey.unwrap();
    let fi = html(&survey, "fi");
    assert!(
        fi.contains("<p class=\"help\" id=\"rule-d\">Anna luku väliltä 0,5–2,5.</p>"),
        "{fi}"
    );
    assert!(fi.contains("aria-describedby=\"rule-d err-d\""), "{fi}");
    let en = html(&survey, "en");
    assert!(
        en.contains("id=\"rule-d\">Enter a number from 0.5 to 2.5.</p>"),
        "{en}"
    );
    assert!(
        en.contains("id=\"rule-n\">Enter a number of at least 1.</p>"),
        "{en}"
    );
    assert!(!en.contains("id=\"rule-u\""), "{en}");
    assert!(en.contains("aria-describedby=\"err-u\""), "{en}");
}
