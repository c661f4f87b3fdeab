//! Focused checker rules, on small surveys held in memory.

use lomake::check::{CheckOptions, check_source};
use lomake::diagnostics::Code;

const HEAD: &str = "survey s\n  version \"1\"\n  languages en\n  title\n    en \"S\"\nsection p\n  title\n    en \"P\"\n";

fn codes(body: &str) -> (Vec<Code>, Option<lomake::ir::Survey>) {
    let c = check_source(
        "t.survey",
        &format!("{HEAD}{body}"),
        &CheckOptions::default(),
    );
    (c.diagnostics.iter().map(|d| d.code).collect(), c.survey)
}

fn question(name: &str, kind: &str, extra: &str) -> String {
    format!("question {name} {kind}\n  label\n    en \"L\"\n  text\n    en \"T?\"\n{extra}")
}

#[test]
fn decimals_reach_the_ir() {
    let (codes, ir) = codes(&question("weight", "decimal", "  decimals 1\n"));
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(ir.unwrap().variable("weight").unwrap().decimals, Some(1));
}

#[test]
fn decimals_must_be_a_small_whole_number() {
    for bad in ["-1", "1.5", "11"] {
        let (codes, _) = codes(&question(
            "weight",
            "decimal",
            &format!("  decimals {bad}\n"),
        ));
        assert_eq!(codes, [Code::InvalidValue], "decimals {bad}");
    }
}

#[test]
fn string_constants_decode_escapes() {
    let body = format!(
        "{}{}",
        question("t", "text", ""),
        question("u", "text", "  when t = \"say \\\"hi\\\"\"\n")
    );
    let (codes, ir) = codes(&body);
    assert!(codes.is_empty(), "{codes:?}");
    let cond = serde_json::to_value(&ir.unwrap().variable("u").unwrap().condition).unwrap();
    assert_eq!(cond["value"], "say \"hi\"");
}

#[test]
fn dates_compare_with_dates_only() {
    let ok = format!(
        "{}{}",
        question("d", "date", ""),
        question("u", "text", "  when d < \"2023-02-24\"\n")
    );
    assert!(codes(&ok).0.is_empty());
    let bad = format!(
        "{}{}",
        question("d", "date", ""),
        question("u", "text", "  when d < \"24.2.2023\"\n")
    );
    assert_eq!(codes(&bad).0, [Code::InvalidValue]);
}

#[test]
fn variables_of_different_kinds_are_not_compared() {
    let body = format!(
        "{}{}{}",
        question("n", "integer", ""),
        question("d", "date", ""),
        question("u", "text", "  when d < n\n")
    );
    assert_eq!(codes(&body).0, [Code::NotComparable]);
    let same = format!(
        "{}{}{}",
        question("n", "integer", ""),
        question("m", "integer", ""),
        question("u", "text", "  when m > n\n")
    );
    assert!(codes(&same).0.is_empty());
}

/// Translations written in another order than the survey's languages reach
/// the IR in the survey's order; copies of the source text are reported
/// per copy, in source order; a repeated or unknown language is reported
/// once, as that, without a second "missing" error.
#[test]
fn translations_in_any_order() {
    let text = |lines: &str| {
        format!(
            "survey s\n  version \"1\"\n  languages fi sv en\n  title\n    fi \"S\"\n    sv \"S\"\n    en \"S\"\nsection p\n  title\n    fi \"P\"\n    sv \"P\"\n    en \"P\"\nquestion q text\n  label\n    en \"L\"\n    fi \"L\"\n    sv \"L\"\n  text\n{lines}"
        )
    };
    let c = check_source(
        "t.survey",
        &text("    en \"Question text?\"\n    sv \"Frågetext?\"\n    fi \"Kysymysteksti?\"\n"),
        &CheckOptions::default(),
    );
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    let survey = c.survey.unwrap();
    let t = survey.variable("q").unwrap().text.as_ref().unwrap();
    assert_eq!(
        t.translations.keys().collect::<Vec<_>>(),
        ["fi", "sv", "en"]
    );
    assert_eq!(t.translations["sv"].raw, "Frågetext?");

    // The Finnish text copied into English (a text the same in every
    // language would be a name, and fine).
    let c = check_source(
        "t.survey",
        &text("    en \"Kaksi sanaa\"\n    fi \"Kaksi sanaa\"\n    sv \"Två ord\"\n"),
        &CheckOptions::default(),
    );
    let copies: Vec<(Code, String)> = c
        .diagnostics
        .iter()
        .map(|d| (d.code, d.message.clone()))
        .collect();
    assert_eq!(
        copies,
        [(
            Code::IdenticalTranslation,
            "the `en` text is the `fi` text, word for word".to_string()
        )]
    );
    let text_of = |q: &lomake::ir::Survey| q.variable("q").unwrap().text.clone().unwrap();
    assert_eq!(
        text_of(c.survey.as_ref().unwrap())
            .translations
            .keys()
            .collect::<Vec<_>>(),
        ["fi", "sv", "en"]
    );

    // `sv` twice (the second is the missing `en`), and `de`.
    let c = check_source(
        "t.survey",
        &text("    sv \"Fråga?\"\n    fi \"Kysymys?\"\n    sv \"Question?\"\n    de \"Frage?\"\n"),
        &CheckOptions::default(),
    );
    let codes: Vec<Code> = c.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::DuplicateTranslation, Code::UnknownLanguage]);
}

/// An analyst label fits SPSS files up to 255 bytes (what a `.sav` file
/// keeps, `flatten::sav::MAX_VARIABLE_LABEL`); from 256 on, W080.
#[test]
fn analyst_labels_fit_a_sav_file_up_to_255_bytes() {
    for (len, expected) in [(255, vec![]), (256, vec![Code::SpssLabelTooLong])] {
        // Two-byte letters, and one ASCII letter to reach an odd length.
        let label = format!("{}{}", "ä".repeat(len / 2), "a".repeat(len % 2));
        assert_eq!(label.len(), len);
        let body = format!("question q text\n  label\n    en \"{label}\"\n  text\n    en \"T?\"\n");
        let (codes, _) = codes(&body);
        assert_eq!(codes, expected, "a label of {len} bytes");
    }
    assert_eq!(lomake::flatten::sav::MAX_VARIABLE_LABEL, 255);
}

/// A grid's own analyst label reaches the IR (its element), not only its
/// items' labels; other questions keep their label on their variable alone.
#[test]
fn a_grid_keeps_its_own_label() {
    let body = "scale yn nominal\n  option 1\n    en \"Yes\"\n  option 2\n    en \"No\"\n\
                question g grid yn\n  label\n    en \"Grid label\"\n  text\n    en \"Rate?\"\n  item a\n    en \"First\"\n\
                question s single yn\n  label\n    en \"Single label\"\n  text\n    en \"Pick?\"\n";
    let (codes, ir) = codes(body);
    assert!(codes.is_empty(), "{codes:?}");
    let ir = ir.unwrap();
    let elements = &ir.sections[0].elements;
    let g = elements.iter().find(|e| e.name == "g").unwrap();
    let label = g.label.as_ref().expect("the grid's label");
    assert_eq!(label.key, "g.label");
    assert_eq!(label.translations["en"].plain(), "Grid label");
    let s = elements.iter().find(|e| e.name == "s").unwrap();
    assert!(s.label.is_none());
    assert_eq!(
        ir.variable("s").unwrap().label.translations["en"].plain(),
        "Single label"
    );
}

/// An unknown placeholder is reported once, as such: the text it leaves
/// empty is not reported again as empty (E054).
#[test]
fn an_unknown_placeholder_is_not_also_an_empty_text() {
    let body = "block lvl(level)\n  question grade_{level} text\n    label\n      en \"{levl}\"\n    text\n      en \"T?\"\nend\ninsert lvl\n  level municipal\n";
    let (codes, _) = codes(body);
    assert_eq!(codes, [Code::UnknownPlaceholder], "{codes:?}");
}

/// A question that failed to parse may be the one that uses a scale: the
/// scale is then not reported as unused (W061).
#[test]
fn a_broken_item_hides_no_unused_scale_warning() {
    let scale = "scale yes_no nominal\n  option 1\n    en \"Yes\"\n  option 2\n    en \"No\"\n";
    let broken = "question q scale yes_no\n  lable\n    en \"L\"\n  text\n    en \"T?\"\n";
    let (found, _) = codes(&format!("{scale}{broken}"));
    assert!(!found.contains(&Code::UnusedList), "{found:?}");
    assert!(found.contains(&Code::Syntax), "{found:?}");
    // Without a broken item, an unused scale is reported.
    let (found, _) = codes(&format!("{scale}{}", question("r", "text", "")));
    assert!(found.contains(&Code::UnusedList), "{found:?}");
}

/// A misspelled item keyword (`qustion`) is reported as such, with the
/// keyword it is closest to; its line still starts an item, so the question
/// before it stays whole, and a condition naming the broken question is not
/// reported as unknown.
#[test]
fn a_misspelled_item_keyword_breaks_only_its_own_item() {
    let body = format!(
        "{}qustion q2 text\n  label\n    en \"L\"\n  text\n    en \"T?\"\n{}",
        question("q1", "text", ""),
        question("q3", "text", "  when answered(q2) and answered(q1)\n"),
    );
    let c = check_source(
        "t.survey",
        &format!("{HEAD}{body}"),
        &CheckOptions::default(),
    );
    let found: Vec<(Code, &str)> = c
        .diagnostics
        .iter()
        .map(|d| (d.code, d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [(Code::Syntax, "`qustion` is not an item keyword")],
        "{found:?}"
    );
    assert_eq!(
        c.diagnostics[0].help.as_deref(),
        Some("did you mean `question`?")
    );
    // A misspelled property is not taken for an item keyword.
    let (codes, _) = codes(&question("q1", "text", "  lable\n    en \"x\"\n"));
    assert_eq!(codes, [Code::Syntax]);
}

/// `\"""` inside a multi-line text is three quotes, not its end (before,
/// the text ended there and its real end opened an unclosed one: E004).
#[test]
fn a_multi_line_text_can_hold_three_quotes() {
    let body =
        "display d\n  text\n    en \"\"\"\n      Write \\\"\"\" or \"\"\\\" here.\n      \"\"\"\n";
    let (codes, ir) = codes(body);
    assert!(codes.is_empty(), "{codes:?}");
    let ir = ir.unwrap();
    let element = ir
        .sections
        .iter()
        .flat_map(|s| &s.elements)
        .find(|e| e.name == "d");
    let text = element.unwrap().text.as_ref().unwrap();
    assert_eq!(
        text.translations.get("en").unwrap().plain(),
        "Write \"\"\" or \"\"\" here."
    );
}

/// A multiple choice's `min` above the options that can be chosen together
/// (an exclusive option stands alone) refuses every substantive answer; it
/// passed the check, and `lomake sample` then wrote invalid responses.
#[test]
fn an_unreachable_minimum_of_selections_is_an_error() {
    let list = "list pets\n  option 1\n    en \"Cat\"\n  option 2\n    en \"Dog\"\n  option 99 missing exclusive\n    en \"Can't say\"\n";
    let with_min = |min: u32| {
        format!(
            "{list}{}",
            question("p", "multiple pets", &format!("  min {min}\n"))
        )
    };
    assert!(codes(&with_min(2)).0.is_empty());
    assert_eq!(codes(&with_min(3)).0, [Code::InvalidValue]);
}

/// An `other` option in the list of a scale or grid question had no text to
/// specify and no `_other` variable, without a word: now E063. A single
/// choice on the same list keeps its `_other` text.
#[test]
fn an_other_option_on_a_scale_or_grid_is_an_error() {
    let list = "list withother\n  option 1\n    en \"A\"\n  option 9 other\n    en \"Other\"\n";
    let (c, ir) = codes(&format!("{list}{}", question("s", "single withother", "")));
    assert!(c.is_empty(), "{c:?}");
    assert!(ir.unwrap().variable("s_other").is_some());
    let (c, _) = codes(&format!("{list}{}", question("s", "scale withother", "")));
    assert_eq!(c, [Code::BadOption]);
    let grid = question("g", "grid withother", "  item a\n    en \"A\"\n");
    assert_eq!(codes(&format!("{list}{grid}")).0, [Code::BadOption]);
}

/// A question with its own options is a list named after the question: a
/// scale or list of that name is refused, whichever comes first (before,
/// the later one silently replaced or hid the other).
#[test]
fn own_options_named_like_a_list_are_refused() {
    let list = "list foo nominal\n  option 1\n    en \"One\"\n  option 5\n    en \"Five\"\n";
    let own = |name: &str| {
        question(
            name,
            "single",
            "  option 1\n    en \"Yes\"\n  option 2\n    en \"No\"\n",
        )
    };
    let user = question("q2", "single foo", "");
    for body in [
        format!("{}{user}", own("foo")),
        format!("{user}{}", own("foo")),
        format!("{}{user}", own("Foo")),
    ] {
        let (codes, ir) = codes(&format!("{list}{body}"));
        assert_eq!(codes, [Code::DuplicateName], "{body}");
        assert!(ir.is_none());
    }
    // Named otherwise, both are lists of the survey.
    let (codes, ir) = codes(&format!("{list}{}{user}", own("bar")));
    assert!(codes.is_empty(), "{codes:?}");
    let ir = ir.expect("clean");
    assert!(ir.list("foo").is_some() && ir.list("bar").is_some());
}

/// The routing analysis skips an element without a `when` of its own under
/// its section's condition alone (the section is analysed), but not one in
/// an `insert` whose condition excludes the section's.
#[test]
fn an_insert_condition_against_the_section_is_never_asked() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/check/E072-section-excludes.survey"
    ))
    .expect("fixture");
    // The fixture up to its second section, then a block inserted under a
    // contradicting condition, and a question under the section's alone.
    let cut = text.find("\nsection follow_up").expect("second section");
    let source = format!(
        "{}{}",
        &text[..cut],
        r#"
block extra(n)
  question extra_{n} single yes_no
    label
      fi "Lisä"
      sv "Extra"
      en "Extra"
    text
      fi "Lisäkysymys?"
      sv "Extra fråga?"
      en "Extra question?"
end

section follow_up
  when nat_part = 1
  title
    fi "Osallistuminen"
    sv "Deltagande"
    en "Participation"

insert extra
  n one
  when nat_part = 2

question plain single yes_no
  label
    fi "Tavallinen"
    sv "Vanlig"
    en "Plain"
  text
    fi "Tavallinen kysymys?"
    sv "Vanlig fråga?"
    en "Plain question?"
"#
    );
    let checked = check_source("insert.survey", &source, &CheckOptions::default());
    let never: Vec<&str> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::NeverAsked)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(never.len(), 1, "{:?}", checked.diagnostics);
    assert!(never[0].contains("`extra_one`"), "{never:?}");
}
