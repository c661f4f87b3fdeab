//! The codebook target (`src/targets/codebook/`): snapshots of the Barometer
//! codebooks, the asked-if wording, SPSS byte limits, and hostile texts
//! (`tests/fixtures/codebook/hostile.survey`) in every format.
//!
//! The external validators (xmllint, Nu Html Checker, PSPP) run in
//! `scripts/codebook-checks.sh`, not here.

mod common;

use std::path::{Path, PathBuf};

use lomake::check::{CheckOptions, check_file};
use lomake::flat;
use lomake::ir::Survey;
use lomake::source::DiskLoader;
use lomake::targets::codebook::{self, csv, ddi, html, md, sps, words};
use lomake::targets::{BuildOptions, templates};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn compile(path: &Path) -> Survey {
    let checked = check_file(&DiskLoader, path, &CheckOptions::default()).unwrap();
    assert!(
        !checked.has_errors(),
        "{} must check: {:#?}",
        path.display(),
        checked.diagnostics
    );
    checked.survey.expect("no errors, so an IR")
}

fn barometer(year: u32) -> Survey {
    compile(&root().join(format!("surveys/partnership-barometer-{year}.survey")))
}

fn hostile() -> Survey {
    compile(&root().join("tests/fixtures/codebook/hostile.survey"))
}

/// The four codebooks of one language and the SPSS warnings.
struct Books {
    csv: String,
    sps: String,
    warnings: Vec<String>,
    md: String,
    html: String,
}

fn books(survey: &Survey, lang: &str) -> Books {
    let env = templates::environment(None);
    let entries = codebook::entries(survey, lang);
    let (sps, warnings) = sps::codebook(survey, &entries, lang);
    Books {
        csv: csv::codebook(&entries),
        sps,
        warnings,
        md: md::codebook(&env, survey, &entries, lang).unwrap(),
        html: html::codebook(&env, survey, &entries, lang).unwrap(),
    }
}

fn ddi_xml(survey: &Survey) -> String {
    ddi::codebook(&templates::environment(None), survey).unwrap()
}

/// An RFC 4180 reader: records of fields, quotes doubled inside quoted
/// fields; fails on anything malformed.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if at_start => {
                loop {
                    match chars.next().expect("an unclosed quoted field") {
                        '"' if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        '"' => break,
                        c => field.push(c),
                    }
                }
                assert!(
                    matches!(chars.peek(), Some(',') | Some('\n') | None),
                    "text after a closing quote"
                );
                at_start = false;
            }
            '"' => panic!("a quote inside an unquoted field"),
            ',' => {
                record.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                at_start = true;
            }
            '\r' => panic!("CR: lines end with LF only"),
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    assert!(record.is_empty() && field.is_empty(), "no final line break");
    records
}

/// `&lt;` etc. back to characters (the five XML entities and numeric
/// references), for reading texts out of XML.
fn xml_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').expect("an entity ends") + i;
        let entity = &rest[i + 1..end];
        let c = match entity {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            e if e.starts_with("#x") => {
                char::from_u32(u32::from_str_radix(&e[2..], 16).unwrap()).unwrap()
            }
            e if e.starts_with('#') => char::from_u32(e[1..].parse().unwrap()).unwrap(),
            e => panic!("unknown entity {e}"),
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn barometer_2023_snapshots() {
    let survey = barometer(2023);
    for lang in ["fi", "sv", "en"] {
        let b = books(&survey, lang);
        insta::assert_snapshot!(format!("barometer_2023_{lang}_csv"), b.csv);
        insta::assert_snapshot!(format!("barometer_2023_{lang}_sps"), b.sps);
        insta::assert_snapshot!(format!("barometer_2023_{lang}_md"), b.md);
        assert!(b.warnings.is_empty(), "{lang}: {:?}", b.warnings);
    }
    insta::assert_snapshot!("barometer_2023_ddi", ddi_xml(&survey));
}

#[test]
fn barometer_2020_ddi_snapshot() {
    insta::assert_snapshot!("barometer_2020_ddi", ddi_xml(&barometer(2020)));
}

#[test]
fn asked_if_in_plain_words() {
    let survey = barometer(2023);
    let asked = |lang: &str, name: &str| {
        let entries = codebook::entries(&survey, lang);
        let e = entries.iter().find(|e| e.name == name).unwrap();
        words::plain(&e.asked_if)
    };
    assert_eq!(
        asked("en", "nat_forms_1"),
        "Asked if: Took part in national activities 2021–2022 (`nat_part`) = Yes (1)"
    );
    assert_eq!(
        asked("fi", "nat_forms_1"),
        "Kysytään, jos: Osallistui valtakunnalliseen toimintaan 2021–2022 (`nat_part`) = Kyllä (1)"
    );
    assert!(asked("sv", "nat_forms_1").starts_with("Frågas om: "));
    assert_eq!(asked("en", "org_type"), "Asked of everyone");
    // `not` over an `or`, inside an `and`: parentheses where needed.
    assert_eq!(
        asked("en", "nopart_why_other"),
        "Asked if: not (Took part in national activities 2021–2022 (`nat_part`) = Yes (1) \
         or Took part in regional partnership work 2021–2022 (`reg_part`) = Yes (1)) \
         and Reasons for not taking part (`nopart_why`): Other reason, please specify (5) selected"
    );
    // The CSV keeps the formal condition next to the words.
    let rows = parse_csv(&books(&survey, "en").csv);
    let row = rows.iter().find(|r| r[0] == "nat_useful_a").unwrap();
    assert_eq!(
        row[csv::HEADER.iter().position(|h| *h == "condition").unwrap()],
        "nat_part = 1"
    );
}

#[test]
fn every_operator_has_words() {
    let survey = hostile();
    let asked = |lang: &str, name: &str| {
        let entries = codebook::entries(&survey, lang);
        let e = entries.iter().find(|e| e.name == name).unwrap();
        words::plain(&e.asked_if)
    };
    assert_eq!(
        asked("en", "q_share"),
        "Asked if: (Count (`q_count`) ≥ 10 and Count (`q_count`) ≤ 20) or not (Count (`q_count`) > 100)"
    );
    assert_eq!(
        asked("fi", "q_share"),
        "Kysytään, jos: (Määrä (`q_count`) ≥ 10 ja Määrä (`q_count`) ≤ 20) tai ei (Määrä (`q_count`) > 100)"
    );
    assert_eq!(
        asked("en", "q_multi_1"),
        "Asked if: Long label (`q_long_label`) is one of: Bad (1), Good \"ok\" (2) \
         and Count (`q_count`) answered \
         and Long label (`q_long_label`) answered with other than a missing-value code"
    );
    assert_eq!(
        asked("en", "q_grid_a"),
        "Asked if: Multiple & <choices> (`q_multi`): Two \"b\" (2) selected \
         and Language (`lang`) = \"fi\" and Count (`q_count`) > Share (`q_share`)"
    );
    assert!(asked("en", "q_count").contains(" ≠ No \"never\" <never> (2)"));
    assert!(asked("en", "q_count").contains(" < Good \"ok\" (2))"));
    // A language without built-in words (se) gets the English ones, with
    // the survey's own texts in that language.
    assert!(asked("se", "q_share").starts_with("Asked if: (Mearri (`q_count`) ≥ 10 and"));
}

#[test]
fn spss_labels_are_shortened_with_a_warning() {
    let survey = hostile();
    let fi = books(&survey, "fi");
    let long = codebook::entries(&survey, "fi")
        .into_iter()
        .find(|e| e.name == "q_long_label")
        .unwrap()
        .label;
    assert!(long.len() > sps::VARIABLE_LABEL_BYTES);
    // The syntax holds a shortened label (pieces joined by `+`).
    let line = fi
        .sps
        .split("\n  /")
        .find(|l| l.starts_with("q_long_label '"))
        .unwrap();
    let label: String = line["q_long_label ".len()..]
        .split(" +\n")
        .map(|p| {
            let p = p.trim();
            p[1..p.len() - 1].replace("''", "'")
        })
        .collect();
    assert!(label.len() <= sps::VARIABLE_LABEL_BYTES, "{}", label.len());
    assert!(label.ends_with('…'));
    assert!(long.starts_with(label.trim_end_matches('…')));
    assert!(
        fi.warnings
            .iter()
            .any(|w| w.contains("`q_long_label`")
                && w.contains("shortened to the SPSS limit of 256"))
    );
    assert!(fi.warnings.iter().any(|w| w.contains("value label of 99")
        && w.contains("`q_grid_a`, `q_grid_b`")
        && w.contains("120")));
    // The other codebooks keep the full text.
    let rows = parse_csv(&fi.csv);
    assert!(rows.iter().any(|r| r[0] == "q_long_label" && r[1] == long));
    assert!(fi.md.contains(&long));
    // More declared missing codes than SPSS declares: a warning, and the
    // first one declared.
    assert!(
        fi.warnings
            .iter()
            .any(|w| w.contains("`q_long_label` has more missing codes") && w.contains("98, 99"))
    );
    assert!(fi.sps.contains("q_long_label (LOWEST THRU -1, 97)"));
    // Negative answers allowed: the missing kinds as three values.
    assert!(fi.sps.contains("q_count (-1, -2, -3)"));
    // English labels fit: no label warnings.
    let en = books(&survey, "en");
    assert!(
        !en.warnings.iter().any(|w| w.contains("shortened")),
        "{:?}",
        en.warnings
    );
}

#[test]
fn hostile_texts_survive_every_format() {
    let survey = hostile();
    let en = books(&survey, "en");
    let label = "Line break\n\nand \"quote\" and 'apostrophe' <b>&amp;</b> ]]> | pipe `code`";

    // CSV: the label as written, line break included.
    let rows = parse_csv(&en.csv);
    assert!(rows.iter().all(|r| r.len() == csv::HEADER.len()));
    let q = rows.iter().find(|r| r[0] == "q_quote").unwrap();
    assert_eq!(q[1], label);
    assert!(!en.csv.starts_with('\u{feff}'));

    // SPSS: one line, apostrophes doubled, nothing else changed.
    assert!(en.sps.contains(
        "/q_quote 'Line break and \"quote\" and ''apostrophe'' <b>&amp;</b> ]]> | pipe `code`'"
    ));
    for line in en.sps.lines() {
        // Every quoted string closes on its line.
        let quotes = line.matches('\'').count();
        assert!(quotes % 2 == 0, "unbalanced quotes: {line}");
    }

    // HTML: escaped, never markup; links only with allowed schemes.
    assert!(!en.html.contains("<script>"));
    assert!(en.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(en.html.contains("<strong>strong</strong>"));
    assert!(
        en.html
            .contains("<a href=\"https://example.fi/a_(b)?x=1&amp;y=2\">link</a>")
    );
    assert!(!en.html.contains("javascript:"));
    assert!(en.html.contains("&quot;; DROP TABLE responses; --"));
    // The grid's own label, on its items' entries.
    assert!(
        en.html
            .contains("<dd>Grid &lt;i&gt;x&lt;/i&gt; &amp; | pipe</dd>")
    );
    assert!(!en.html.contains("<i>x</i>"));

    // Markdown: pipes, backticks and `<` escaped; table rows intact.
    assert!(en.md.contains("\\| pipe \\`code\\`"));
    assert!(en.md.contains("| 3 | Other \\| which? | |"));
    assert!(!en.md.contains("<script>"));
    assert!(
        en.md
            .contains("- **Grid:** Grid \\<i\\>x\\</i\\> \\& \\| pipe\n")
    );
    for line in en.md.lines().filter(|l| l.starts_with("| ")) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 4, "a table row with a stray pipe: {line}");
    }

    // DDI: escaped, and the text reads back as written, in every language.
    let xml = ddi_xml(&survey);
    assert!(!xml.contains("<script>"));
    assert!(!xml.contains("]]>"));
    assert!(
        xml.contains("<labl xml:lang=\"en\">Grid &lt;i&gt;x&lt;&#x2f;i&gt; &amp; | pipe</labl>")
    );
    let start = xml.find("<var ID=\"V_q_quote\"").unwrap();
    let labl = &xml[start..];
    let open = labl.find("<labl xml:lang=\"en\">").unwrap() + "<labl xml:lang=\"en\">".len();
    let close = labl[open..].find("</labl>").unwrap() + open;
    assert_eq!(xml_unescape(&labl[open..close]), label);
}

#[test]
fn every_format_has_one_entry_per_flat_column() {
    for survey in [barometer(2020), barometer(2023), hostile()] {
        let names: Vec<&str> = flat::columns(&survey).iter().map(|c| c.name).collect();
        let xml = ddi_xml(&survey);
        let ddi_names: Vec<&str> = xml
            .split("<var ID=\"")
            .skip(1)
            .map(|s| {
                let s = &s[s.find(" name=\"").unwrap() + 7..];
                &s[..s.find('"').unwrap()]
            })
            .collect();
        assert_eq!(ddi_names, names, "{}: DDI", survey.id);
        for lang in &survey.languages {
            let b = books(&survey, lang);
            let rows = parse_csv(&b.csv);
            assert_eq!(rows[0], csv::HEADER);
            let csv_names: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
            assert_eq!(csv_names, names, "{} {lang}: CSV", survey.id);
            for n in &names {
                assert!(b.html.contains(&format!("id=\"v-{n}\"")), "{n} in HTML");
                assert!(
                    b.md.contains(&format!("<a id=\"v-{n}\"></a>")),
                    "{n} in Markdown"
                );
                assert!(
                    b.sps.contains(&format!("  {n} '")) || b.sps.contains(&format!("  /{n} '")),
                    "{n} in VARIABLE LABELS"
                );
            }
        }
    }
}

#[test]
fn multiple_choice_and_grids_are_groups() {
    let survey = barometer(2023);
    let en = books(&survey, "en");
    assert!(en.sps.contains(
        "  /MDGROUP NAME=$info_sources\n    LABEL='Sources of information on promoting integration'\n"
    ));
    let xml = ddi_xml(&survey);
    assert!(xml.contains(
        "<varGrp type=\"multipleResp\" name=\"info_sources\" var=\"V_info_sources_1 V_info_sources_2"
    ));
    assert!(xml.contains("<varGrp type=\"grid\" name=\"coop_municipal\" var=\"V_coop_municipal_a"));
    assert!(xml.contains("<catgry missing=\"Y\" missType=\"notReached\">"));
    assert!(xml.contains("<catgry missing=\"Y\" missType=\"declared\">"));
}

/// The CSV codebook names the grid of each grid item's column, with the
/// grid's label in the codebook's language (other columns leave both
/// empty), and the variable each column holds.
#[test]
fn csv_names_the_grid_of_each_grid_column() {
    let survey = barometer(2023);
    let col = |h: &str| csv::HEADER.iter().position(|x| *x == h).unwrap();
    let (grid, grid_label) = (col("grid"), col("grid_label"));
    for lang in &survey.languages {
        let rows = parse_csv(&books(&survey, lang).csv);
        let mut grid_rows = 0;
        for row in &rows[1..] {
            let element = survey
                .variable(&row[0])
                .and_then(|v| survey.element(&v.element));
            match element {
                Some(e) if e.kind == lomake::ir::ElementKind::Grid => {
                    grid_rows += 1;
                    assert_eq!(row[grid], e.name, "{lang} {}", row[0]);
                    let label = &e.label.as_ref().unwrap().translations[lang.as_str()];
                    assert_eq!(row[grid_label], label.plain(), "{lang} {}", row[0]);
                }
                _ => assert!(
                    row[grid].is_empty() && row[grid_label].is_empty(),
                    "{lang} {}",
                    row[0]
                ),
            }
        }
        // The municipal, regional and national statements, and more.
        assert!(grid_rows >= 15, "{lang}: {grid_rows} grid columns");
    }
    let fi = parse_csv(&books(&survey, "fi").csv);
    // The variable a column holds: a multiple choice's for its 0/1 columns.
    let variable = col("variable");
    let of = |name: &str| fi.iter().find(|r| r[0] == name).unwrap()[variable].clone();
    assert_eq!(of("info_sources_3"), "info_sources");
    assert_eq!(of("info_sources_other"), "info_sources_other");
    assert_eq!(of("org_type"), "org_type");
    assert_eq!(of("resp_id"), "");
    let a = fi.iter().find(|r| r[0] == "coop_municipal_a").unwrap();
    assert_eq!(a[grid], "coop_municipal");
    assert_eq!(a[grid_label], "Kuntataso: yhteistyöväittämät");
}

#[test]
fn output_is_deterministic() {
    let a = hostile();
    let b = hostile();
    for lang in &a.languages {
        let (x, y) = (books(&a, lang), books(&b, lang));
        assert_eq!(x.csv, y.csv);
        assert_eq!(x.sps, y.sps);
        assert_eq!(x.md, y.md);
        assert_eq!(x.html, y.html);
    }
    assert_eq!(ddi_xml(&a), ddi_xml(&b));
}

#[test]
fn build_writes_every_file_and_templates_can_be_overridden() {
    let survey = hostile();
    let dir = std::env::temp_dir().join(format!("lomake-codebook-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("templates/codebook")).unwrap();
    std::fs::write(
        dir.join("templates/codebook/codebook.md"),
        "override {{ view.title }} {{ view.sections|length }}\n",
    )
    .unwrap();
    let options = BuildOptions {
        templates: Some(dir.join("templates")),
        ..BuildOptions::default()
    };
    let out = lomake::targets::build(
        &survey,
        &dir.join("out"),
        &[
            lomake::config::Target::Codebook,
            lomake::config::Target::Ddi,
        ],
        &options,
    )
    .unwrap();
    let base = dir.join("out/hostile");
    for lang in ["fi", "en", "se"] {
        for f in [
            "codebook.html",
            "codebook.md",
            "codebook.csv",
            "codebook.sps",
        ] {
            assert!(base.join(lang).join(f).is_file(), "{lang}/{f}");
        }
    }
    assert!(base.join("codebook.ddi.xml").is_file());
    let md = std::fs::read_to_string(base.join("en/codebook.md")).unwrap();
    assert!(
        md.starts_with("override Hostile \"survey\" \\<script\\>"),
        "{md}"
    );
    // The build's warnings name the file and the column.
    assert!(
        out.warnings
            .iter()
            .any(|w| w.starts_with("fi/codebook.sps: ") && w.contains("`q_long_label`"))
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn control_characters_never_reach_html_or_xml() {
    let survey = compile(&root().join("tests/fixtures/codebook/controls.survey"));
    let bad = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n'))
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || ('\u{fdd0}'..='\u{fdef}').contains(&c)
            || c == '\u{fffe}'
    };
    let b = books(&survey, "en");
    let xml = ddi_xml(&survey);
    for (what, text) in [("HTML", &b.html), ("DDI", &xml)] {
        assert!(!text.chars().any(bad), "{what} holds a control character");
        assert!(text.contains('\u{fffd}'), "{what} shows the replacement");
    }
    // SPSS: a space for each control character, the rest kept.
    assert!(b.sps.contains("  /q 'L  [31m red \u{fffe}'\n"));
    assert!(!b.sps.chars().any(|c| c.is_control() && c != '\n'));
    // CSV: data as it is, quoted when it must be.
    let rows = parse_csv(&b.csv);
    assert_eq!(
        rows.iter().find(|r| r[0] == "q").unwrap()[1],
        "L\u{1}\u{1b}[31m red \u{fffe}"
    );
}

/// Wave lineage (`Variable::lineage`, set by hand here: every class of
/// change, hostile reasons): every format says what a variable continues and
/// how it changed, in every language, escaped.
#[test]
fn lineage_in_every_format() {
    let survey = common::kinds_with_lineage();
    let en = books(&survey, "en");
    insta::assert_snapshot!("lineage_en_csv", en.csv);
    insta::assert_snapshot!("lineage_en_md", en.md);
    insta::assert_snapshot!("lineage_en_html", en.html);
    insta::assert_snapshot!("lineage_en_sps", en.sps);
    let xml = ddi_xml(&survey);
    insta::assert_snapshot!("lineage_ddi", xml);

    // CSV: columns are only ever added after the earlier ones, so that
    // existing readers keep working: `comparability` stays the 15th.
    let rows = parse_csv(&en.csv);
    let header = &rows[0];
    const COMPARABILITY: usize = 14;
    assert_eq!(header[COMPARABILITY], "comparability");
    assert_eq!(header.len(), csv::HEADER.len());
    let org = rows.iter().find(|r| r[0] == "org").unwrap();
    assert_eq!(
        org[COMPARABILITY],
        "Continues `org_type` of review_kinds_2020 (2020). Changes: codes added: 9; wording \
         changed: sv, en. Break acknowledged: Code 9 was split {{ x }} 'it''s'"
    );
    // Every column of a multiple choice carries its variable's lineage.
    let tools: Vec<_> = rows.iter().filter(|r| r[0].starts_with("tools_")).collect();
    assert!(!tools.is_empty());
    assert!(
        tools
            .iter()
            .all(|r| r[COMPARABILITY].contains("codes removed: 3, 4"))
    );
    let staff = rows.iter().find(|r| r[0] == "staff").unwrap();
    assert!(
        staff[COMPARABILITY].ends_with("\"don't know\".\n\nNow it is a count."),
        "{:?}",
        staff[COMPARABILITY]
    );
    // Columns without lineage leave it empty.
    assert_eq!(
        rows.iter().find(|r| r[0] == "why").unwrap()[COMPARABILITY],
        ""
    );

    // Finnish and Swedish wording.
    let fi = books(&survey, "fi");
    assert!(fi.md.contains(
        "- **Vertailtavuus:** Sama kuin muuttuja `mood` kyselyssä review\\_kinds\\_2020 (2020)."
    ));
    assert!(
        fi.html.contains(
            "<dt>Vertailtavuus</dt><dd>Jatkaa muuttujaa <code>coop_&lt;level&gt;_a</code>"
        )
    );
    assert!(
        fi.html
            .contains("Vertailtavuus katkeaa (katkosta ei ole kuitattu).")
    );
    let sv = books(&survey, "sv");
    assert!(sv.csv.contains(
        "Fortsätter variabeln `org_type` i enkäten review_kinds_2020 (2020). Ändringar: koder \
         tillagda: 9; formuleringen ändrad: sv, en. Brott i jämförbarheten godkänt: Kod 9 \
         \"\"; DROP TABLE svar; --"
    ));

    // HTML and Markdown: the reason's markup rendered, its text escaped.
    assert!(fi.html.contains(
        "Vertailtavuuden katkos hyväksytty: Koodi 9 <em>jaettiin</em> \
         &lt;script&gt;alert(1)&lt;/script&gt;"
    ));
    assert!(!fi.html.contains("<script"));
    assert!(en.md.contains(
        "Break acknowledged: Code 9 was [split](https://example.fi/?a=1&b=2) {{ x }} 'it''s'"
    ));

    // SPSS: attributes with quoted values, apostrophes doubled.
    assert!(en.sps.contains(
        "VARIABLE ATTRIBUTE\n  VARIABLES=org\n    \
         ATTRIBUTE=lomake_continues('review_kinds_2020.org_type@2020')\n    \
         lomake_changes('codes_added(9) wording(sv en) acknowledged')\n"
    ));
    assert!(en.sps.contains("{{ x }} ''it''''s''')"));
    assert!(
        en.sps
            .contains("lomake_changes('kind codes_relabelled(1 2 3) routing')")
    );
    assert!(en.sps.contains("lomake_changes('identical')"));
    // Without lineage, no lineage attributes (the limits have their own).
    assert!(
        !books(&common::kinds(), "en")
            .sps
            .contains("lomake_continues")
    );

    // DDI: notes inside the var, every language, escaped.
    assert!(
        xml.contains("<notes type=\"lomake:continues\">review_kinds_2020.org_type@2020</notes>")
    );
    assert!(xml.contains(
        "<notes type=\"lomake:comparability\" xml:lang=\"fi\">Jatkaa muuttujaa `org_type` \
         kyselystä review_kinds_2020 (2020). Muutokset: koodeja lisätty: 9; sanamuoto \
         muuttunut: sv, en. Vertailtavuuden katkos hyväksytty: Koodi 9 jaettiin \
         &lt;script&gt;alert(1)&lt;&#x2f;script&gt;</notes>"
    ));
    assert!(xml.contains("<notes type=\"lomake:comparability\" xml:lang=\"sv\">"));
    assert!(
        xml.contains("<notes type=\"lomake:changes\">kind codes_relabelled(1 2 3) routing</notes>")
    );
}

/// Writes every target of the lineage fixture for the external checks
/// (`scripts/codebook-checks.sh` sets `LOMAKE_LINEAGE_OUT`; DDI against the
/// XSD, Nu, PSPP, axe); without it, into a temporary folder.
#[test]
fn lineage_outputs_for_external_checks() {
    let (out, keep) = match std::env::var_os("LOMAKE_LINEAGE_OUT") {
        Some(dir) => (PathBuf::from(dir), true),
        None => (
            std::env::temp_dir().join(format!("lomake-lineage-{}", std::process::id())),
            false,
        ),
    };
    let survey = common::kinds_with_lineage();
    let built = lomake::targets::build(
        &survey,
        &out,
        lomake::config::Target::ALL,
        &BuildOptions::default(),
    )
    .unwrap();
    let dir = out.join("review_kinds_lineage");
    for file in [
        "codebook.ddi.xml",
        "review.html",
        "en/codebook.sps",
        "sv/codebook.html",
    ] {
        assert!(built.files.contains(&dir.join(file)), "{file}");
    }
    let ddi = std::fs::read_to_string(dir.join("codebook.ddi.xml")).unwrap();
    assert!(ddi.contains("lomake:comparability"));
    if !keep {
        std::fs::remove_dir_all(&out).unwrap();
    }
}

/// The lines of the `ADD DOCUMENT` command of a syntax file, unquoted
/// (each literal on its own line, apostrophes doubled inside).
fn document_lines(sps: &str) -> Vec<String> {
    let start = sps
        .find("\nADD DOCUMENT\n")
        .expect("an ADD DOCUMENT command")
        + 14;
    let mut out = Vec::new();
    for line in sps[start..].lines() {
        let l = line.trim_start();
        let (literal, last) = match l.strip_suffix('.') {
            Some(x) => (x, true),
            None => (l, false),
        };
        assert!(
            literal.len() >= 2 && literal.starts_with('\'') && literal.ends_with('\''),
            "one quoted string per line: {line}"
        );
        let inner = &literal[1..literal.len() - 1];
        assert!(
            !inner.replace("''", "").contains('\''),
            "an apostrophe not doubled: {line}"
        );
        out.push(inner.replace("''", "'"));
        if last {
            return out;
        }
    }
    panic!("ADD DOCUMENT never ends")
}

fn column(name: &str) -> usize {
    csv::HEADER.iter().position(|h| *h == name).unwrap()
}

/// New CSV columns only ever come after the earlier ones.
#[test]
fn csv_columns_are_only_appended() {
    assert_eq!(
        &csv::HEADER[..18],
        &[
            "name",
            "label",
            "question",
            "item",
            "kind",
            "level",
            "format",
            "values",
            "missing",
            "asked_if",
            "condition",
            "section",
            "disclosure",
            "note",
            "comparability",
            "variable",
            "grid",
            "grid_label",
        ]
    );
    assert_eq!(&csv::HEADER[18..], &["section_note", "display", "limits"]);
}

/// A section's researcher note reaches every format: HTML and Markdown at
/// the section, CSV on each of its columns, SPSS as a document, DDI as
/// `notes` of the section's `varGrp` (one without columns too).
#[test]
fn section_notes_in_every_format() {
    let survey = hostile();
    let en = books(&survey, "en");
    let rows = parse_csv(&en.csv);
    let note = column("section_note");
    let row = |name: &str| rows.iter().find(|r| r[0] == name).unwrap();
    assert_eq!(row("q_quote")[note], "Section note: 'apostrophe'");
    assert_eq!(row("q_date")[note], "Section note: 'apostrophe'");
    assert_eq!(row("resp_id")[note], "");

    let docs = document_lines(&en.sps);
    let i = docs
        .iter()
        .position(|l| l == "Researcher note on the section: Start <section> & \"quote\" (start)")
        .expect("the section's heading");
    assert_eq!(docs[i + 1], "Section note: 'apostrophe'");
    assert!(docs.contains(&"End page note: 'x' ]]> <y>".to_string()));
    // The survey's own note comes first.
    assert_eq!(docs[0], "Researcher note:");
    let fi = books(&survey, "fi");
    assert!(document_lines(&fi.sps).contains(&"Osion huomautus: 'heittomerkki'".to_string()));

    // A section without columns still shows in HTML and Markdown.
    assert!(en.html.contains(
        "<p class=\"note\">Researcher note: End page note: &#39;x&#39; ]]&gt; &lt;y&gt;</p>"
    ));
    assert!(
        en.md
            .contains("> **Researcher note:** End page note: 'x' \\]\\]\\> \\<y\\>")
    );

    let xml = ddi_xml(&survey);
    let start = xml.find("<varGrp type=\"section\" name=\"start\"").unwrap();
    let group = &xml[start..start + xml[start..].find("</varGrp>").unwrap()];
    assert!(group.contains(
        "<notes type=\"lomake:researcherNote\" xml:lang=\"en\">Section note: &#x27;apostrophe&#x27;</notes>"
    ));
    assert!(group.contains("<notes type=\"lomake:researcherNote\" xml:lang=\"se\">"));
    assert!(xml.contains(
        "<varGrp type=\"section\" name=\"end_page\">\n      <labl xml:lang=\"fi\">Loppu</labl>"
    ));
}

/// Display texts stand in question order: before the first column of the
/// question that follows them, or at the end of their section; escaped.
#[test]
fn display_texts_in_question_order() {
    let survey = barometer(2023);
    let en = books(&survey, "en");
    let definitions = "**National partnership work** means the national measures";
    let at = |text: &str, what: &str| {
        text.find(what)
            .unwrap_or_else(|| panic!("{what} is missing"))
    };
    // Markdown and HTML: after the section heading, before `nat_part`.
    assert!(
        at(&en.md, "## Partnership Programme activities") < at(&en.md, "<a id=\"d-definitions\">")
    );
    assert!(at(&en.md, "<a id=\"d-definitions\">") < at(&en.md, definitions));
    assert!(at(&en.md, definitions) < at(&en.md, "<a id=\"v-nat_part\">"));
    assert_eq!(en.md.matches(definitions).count(), 1);
    assert!(at(&en.html, "id=\"d-definitions\"") < at(&en.html, "id=\"v-nat_part\""));
    assert!(
        en.html
            .contains("<dt>Text shown</dt><dd><p><strong>National partnership work</strong> means")
    );
    // CSV: on the question's columns.
    let rows = parse_csv(&en.csv);
    let display = column("display");
    let row = |name: &str| rows.iter().find(|r| r[0] == name).unwrap();
    assert!(row("nat_part")[display].starts_with("National partnership work means"));
    assert!(row("nat_part")[display].contains("\n\nRegional partnership work means"));
    assert_eq!(row("nat_forms_1")[display], "");
    // SPSS: a document headed by the display's name and the question.
    let fi = books(&survey, "fi");
    let docs = document_lines(&fi.sps);
    let i = docs
        .iter()
        .position(|l| l == "Näytettävä teksti: definitions (ennen kysymystä nat_part)")
        .unwrap();
    assert!(docs[i + 1].starts_with("Valtakunnallisella kumppanuustyöllä tarkoitetaan"));
    // DDI: the pre-question text of the question's column, every language.
    let xml = ddi_xml(&survey);
    let start = xml.find("<var ID=\"V_nat_part\"").unwrap();
    let var = &xml[start..start + xml[start..].find("</var>").unwrap()];
    for lang in ["fi", "sv", "en"] {
        assert!(
            var.contains(&format!("<preQTxt xml:lang=\"{lang}\">")),
            "{lang}"
        );
    }
    assert!(at(var, "<preQTxt") < at(var, "<qstnLit"));

    // Hostile texts, before a question and alone at a section's end.
    let survey = hostile();
    let en = books(&survey, "en");
    assert!(!en.html.contains("<script>"));
    assert!(
        en.html
            .contains("&lt;script&gt;alert(&#39;d&#39;)&lt;/script&gt; &amp; ]]&gt;")
    );
    assert!(at(&en.html, "id=\"d-d_defs\"") < at(&en.html, "id=\"v-q_quote\""));
    assert!(
        en.html
            .contains("<dt>Help</dt><dd>Help on the screen: &quot;; DROP</dd>")
    );
    assert!(
        en.html
            .contains("<dt>Condition</dt><dd>Shown if: Count (<code>q_count</code>) &gt; 5</dd>")
    );
    assert!(at(&en.html, "id=\"s-end_page\"") < at(&en.html, "id=\"d-d_end\""));
    assert!(
        en.md
            .contains("\\<script\\>alert('d')\\</script\\> \\& \\]\\]\\> \\| pipe \\`code\\`")
    );
    assert!(
        en.md
            .contains("- **Text shown:** Thank you\\! \\<b\\>The end\\</b\\> 'apostrophe'")
    );
    let rows = parse_csv(&en.csv);
    let q = rows.iter().find(|r| r[0] == "q_quote").unwrap();
    // CSV: plain text (no markup), paragraphs apart, help after the text,
    // the researcher note last.
    assert!(
        q[column("display")]
            .starts_with("Definition 'apostrophe' \"quote\" <script>alert('d')</script>")
    );
    assert!(q[column("display")].contains("\n\nHelp on the screen: \"; DROP\n\nResearcher note: "));
    // SPSS: every document line a quoted string of at most 80 bytes, the
    // text kept (a line `END DATA.` or `* …` is data inside quotes).
    let docs = document_lines(&en.sps);
    assert!(
        docs.iter().all(|l| l.len() <= sps::DOCUMENT_LINE_BYTES),
        "{docs:?}"
    );
    assert!(docs.contains(&"END DATA.".to_string()));
    assert!(
        docs.contains(
            &"Definition 'apostrophe' \"quote\" <script>alert('d')</script> & ]]> | pipe `code`."
                .to_string()
        )
    );
    assert!(docs.contains(&"Shown if: Count (`q_count`) > 5".to_string()));
    let fi = books(&survey, "fi");
    assert!(
        document_lines(&fi.sps)
            .iter()
            .all(|l| l.len() <= sps::DOCUMENT_LINE_BYTES)
    );
    // DDI: escaped; the trailing display as a note of its section.
    let xml = ddi_xml(&survey);
    assert!(!xml.contains("<script>"));
    assert!(xml.contains(
        "<notes type=\"lomake:display\" subject=\"d_end\" xml:lang=\"en\">Thank you! \
         &lt;b&gt;The end&lt;&#x2f;b&gt; &#x27;apostrophe&#x27;</notes>"
    ));
    let start = xml.find("<var ID=\"V_q_quote\"").unwrap();
    let var = &xml[start..start + xml[start..].find("</var>").unwrap()];
    let open = var.find("<preQTxt xml:lang=\"en\">").unwrap() + "<preQTxt xml:lang=\"en\">".len();
    let close = var[open..].find("</preQTxt>").unwrap() + open;
    assert!(xml_unescape(&var[open..close]).starts_with(
        "Definition 'apostrophe' \"quote\" <script>alert('d')</script> & ]]> | pipe `code`."
    ));
}

/// A display text's researcher note is in the IR and in every codebook,
/// next to the display text, escaped; never among what respondents read
/// (DDI `preQTxt`).
#[test]
fn display_notes_in_every_format() {
    let survey = hostile();
    let defs = survey
        .sections
        .iter()
        .flat_map(|s| &s.elements)
        .find(|e| e.name == "d_defs")
        .expect("d_defs");
    let note = defs.note.as_ref().expect("the note in the IR");
    assert_eq!(
        note.translations.get("en").map(|t| t.raw.to_string()),
        Some("For researchers: <i>not</i> shown & \\\"quote\\\"".to_string())
    );
    assert!(survey.to_json().contains("\"note\""));

    let en = books(&survey, "en");
    let plain = "For researchers: <i>not</i> shown & \"quote\"";
    assert!(en.html.contains(
        "<dt>Researcher note</dt><dd class=\"note\">For researchers: &lt;i&gt;not&lt;/i&gt; shown &amp; &quot;quote&quot;</dd>"
    ));
    assert!(
        en.html
            .contains("<dd class=\"note\">End note ]]&gt; &lt;y&gt;</dd>")
    );
    assert!(en.md.contains(
        "- **Researcher note:** For researchers: \\<i\\>not\\</i\\> shown \\& \"quote\""
    ));
    assert!(
        en.md
            .contains("- **Researcher note:** End note \\]\\]\\> \\<y\\>")
    );
    let rows = parse_csv(&en.csv);
    let q = rows.iter().find(|r| r[0] == "q_quote").unwrap();
    assert!(
        q[column("display")].ends_with(&format!("\n\nResearcher note: {plain}")),
        "{}",
        q[column("display")]
    );
    let docs = document_lines(&en.sps);
    assert!(
        docs.contains(&format!("Researcher note: {plain}")),
        "{docs:?}"
    );
    assert!(docs.contains(&"Researcher note: End note ]]> <y>".to_string()));
    let fi = books(&survey, "fi");
    assert!(
        fi.html
            .contains("<dt>Tutkijan huomautus</dt><dd class=\"note\">Tutkijalle:")
    );

    let xml = ddi_xml(&survey);
    let start = xml.find("<var ID=\"V_q_quote\"").unwrap();
    let var = &xml[start..start + xml[start..].find("</var>").unwrap()];
    let tag = "<notes type=\"lomake:researcherNote\" subject=\"d_defs\" xml:lang=\"en\">";
    let open = var.find(tag).expect("the note in the var") + tag.len();
    let close = var[open..].find("</notes>").unwrap() + open;
    assert_eq!(xml_unescape(&var[open..close]), plain);
    for lang in ["fi", "se"] {
        assert!(var.contains(&format!("subject=\"d_defs\" xml:lang=\"{lang}\"")));
    }
    // Not what respondents read.
    assert!(!var.contains("<preQTxt xml:lang=\"en\">For researchers"));
    let end = xml
        .find("<varGrp type=\"section\" name=\"end_page\"")
        .unwrap();
    let group = &xml[end..end + xml[end..].find("</varGrp>").unwrap()];
    assert!(group.contains(
        "<notes type=\"lomake:researcherNote\" subject=\"d_end\" xml:lang=\"en\">End note ]]&gt; &lt;y&gt;</notes>"
    ));
    // And when it is shown, as the other codebooks say it.
    assert!(group.contains(
        "<notes type=\"lomake:shownIf\" subject=\"d_end\" xml:lang=\"en\">Shown if: Count (`q_count`) &gt; 5</notes>"
    ));
}

/// The values of the hidden `lang` (strings) are listed as they are in the
/// data.
#[test]
fn hidden_values_are_listed() {
    let survey = barometer(2023);
    let en = books(&survey, "en");
    let rows = parse_csv(&en.csv);
    let lang = rows.iter().find(|r| r[0] == "lang").unwrap();
    assert_eq!(lang[column("values")], "fi\nsv\nen");
    assert!(en.md.contains("- **Values:** `fi`, `sv`, `en`\n"));
    assert!(
        en.html
            .contains("<dt>Values</dt><dd><code>fi</code>, <code>sv</code>, <code>en</code></dd>")
    );
    let xml = ddi_xml(&survey);
    let start = xml.find("<var ID=\"V_lang\"").unwrap();
    let var = &xml[start..start + xml[start..].find("</var>").unwrap()];
    assert!(var.contains(
        "<catgry>\n        <catValu>fi</catValu>\n      </catgry>\n      <catgry>\n        <catValu>sv</catValu>"
    ));
    assert!(!var.contains("missing=\"Y\""));
}

/// Answer limits as structured information, not only in the question text.
#[test]
fn answer_limits_in_every_format() {
    let survey = hostile();
    let en = books(&survey, "en");
    let rows = parse_csv(&en.csv);
    let limits = |name: &str| rows.iter().find(|r| r[0] == name).unwrap()[column("limits")].clone();
    assert_eq!(
        limits("q_multi_1"),
        "min_selected(1) max_selected(2) exclusive(99)"
    );
    assert_eq!(
        limits("q_multi_99"),
        "min_selected(1) max_selected(2) exclusive(99)"
    );
    assert_eq!(limits("q_count"), "min(-10) max(500)");
    assert_eq!(limits("q_share"), "min(0) max(100) decimals(3)");
    assert_eq!(limits("q_text"), "max_length(10000)");
    assert_eq!(limits("q_multi_other"), "max_length(200)");
    assert_eq!(limits("q_quote"), "required");
    assert_eq!(limits("q_date"), "");
    assert_eq!(limits("lang"), "");

    let entry = |name: &str| {
        let start = en.html.find(&format!("<article id=\"v-{name}\">")).unwrap();
        en.html[start..start + en.html[start..].find("</article>").unwrap()].to_string()
    };
    let multi = entry("q_multi_2");
    assert!(multi.contains("<dt>Number of selections</dt><dd>at least 1, at most 2</dd>"));
    assert!(multi.contains("<dt>Exclusive options (chosen alone)</dt><dd>Can&#39;t say (99)</dd>"));
    assert!(entry("q_quote").contains("<dt>Answer required</dt><dd>yes</dd>"));
    assert!(!entry("q_date").contains("Answer required"));
    assert!(
        en.md
            .contains("- **Number of selections:** at least 1, at most 2\n")
    );
    assert!(
        en.md
            .contains("- **Exclusive options (chosen alone):** Can't say (99)\n")
    );
    let fi = books(&survey, "fi");
    assert!(
        fi.md
            .contains("- **Valintojen määrä:** vähintään 1, enintään 2\n")
    );

    assert!(en.sps.contains(
        "VARIABLES=q_multi_1 q_multi_2 q_multi_3 q_multi_99\n    \
         ATTRIBUTE=lomake_limits('min_selected(1) max_selected(2) exclusive(99)')\n"
    ));
    assert!(en.sps.contains("ATTRIBUTE=lomake_limits('required')"));

    let xml = ddi_xml(&survey);
    let start = xml.find("<var ID=\"V_q_multi_1\"").unwrap();
    let var = &xml[start..start + xml[start..].find("</var>").unwrap()];
    assert!(var.contains(
        "<notes type=\"lomake:limits\">min_selected(1) max_selected(2) exclusive(99)</notes>"
    ));
    assert!(xml.contains("<range min=\"-10\" max=\"500\"/>"));

    // The Barometer: at most five information sources.
    let en = books(&barometer(2023), "en");
    let rows = parse_csv(&en.csv);
    let row = rows.iter().find(|r| r[0] == "info_sources_3").unwrap();
    assert_eq!(row[column("limits")], "max_selected(5)");
    assert!(en.md.contains("- **Number of selections:** at most 5\n"));
}
