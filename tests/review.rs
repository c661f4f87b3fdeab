//! The review document (`src/targets/review.rs`, `review.html`): a snapshot
//! of the fixture with every element kind, hostile texts shown literally,
//! determinism, template overrides, missing translations and wave lineage.
//!
//! The Nu Html Checker and axe run on the review pages in
//! `scripts/codebook-checks.sh`, not here.

mod common;

use std::path::PathBuf;

use lomake::config::Target;
use lomake::ir::Survey;
use lomake::targets::{self, BuildOptions, review, templates};

fn page(survey: &Survey) -> String {
    review::render(&templates::environment(None), survey).unwrap()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lomake-review-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn fixture_snapshot() {
    insta::assert_snapshot!("review_kinds", page(&common::kinds_with_lineage()));
}

#[test]
fn every_element_kind_and_text_is_shown() {
    let survey = common::kinds();
    let html = page(&survey);
    // Kinds in the source language's (Finnish) words.
    for kind in [
        "yksi valinta",
        "monivalinta",
        "asteikko",
        "ruudukko",
        "kokonaisluku",
        "desimaaliluku",
        "lyhyt teksti",
        "pitkä teksti",
        "päivämäärä",
        "näytettävä teksti",
        "piilotettu muuttuja",
    ] {
        assert!(html.contains(&format!("</code> – {kind}</h3>")), "{kind}");
    }
    // Every element once, in questionnaire order.
    let mut at = 0;
    for s in &survey.sections {
        for e in &s.elements {
            let anchor = format!("<article id=\"e-{}\"", e.name);
            let found = html[at..]
                .find(&anchor)
                .unwrap_or_else(|| panic!("{anchor}"));
            at += found + anchor.len();
        }
    }
    // One column per language, source first, each cell marked with its
    // language; the Swedish question text in a Swedish cell.
    assert!(html.contains(
        "<th scope=\"col\" lang=\"fi\" class=\"source\">suomi (fi) <span lang=\"fi\">– lähdekieli</span></th><th scope=\"col\" lang=\"sv\">svenska (sv)</th><th scope=\"col\" lang=\"en\">English (en)</th>"
    ));
    assert!(html.contains("<td lang=\"sv\">Hur många anställda?</td>"));
    // Options with codes and flags, grid items with analyst labels.
    assert!(html.contains(
        "Vaihtoehto <span class=\"code\">99</span> <span class=\"flags\">(puuttuva tieto)</span></th><td lang=\"fi\" class=\"source\">En halua sanoa</td><td lang=\"sv\">Vill inte säga</td>"
    ));
    assert!(html.contains("(poissulkeva)"));
    assert!(html.contains("(muu, mikä)"));
    assert!(html.contains(
        "Kohta a <code>coop_a</code></th><td lang=\"fi\" class=\"source\">Yhteistyö toimii &lt;hyvin&gt;</td>"
    ));
    assert!(html.contains(
        "Muuttujan nimike <code>coop_a</code></th><td lang=\"fi\" class=\"source\">Toimiva yhteistyö</td><td lang=\"sv\">Fungerande samarbete</td>"
    ));
    // Routing in words, each column in its language.
    assert!(html.contains(
        "<td lang=\"sv\">Frågas om: Organisation (<code>org</code>) = Kommun (1)</td><td lang=\"en\">Asked if: Organisation (<code>org</code>) = Municipality (1)</td>"
    ));
    // The section's condition, intro and note; the introduction's texts.
    assert!(html.contains(
        "<td lang=\"en\">Asked if: Organisation (<code>org</code>) ≠ Prefer not to say (99)</td>"
    ));
    assert!(html.contains("<td lang=\"sv\">Avsnittets inledning</td>"));
    assert!(html.contains(
        "<td lang=\"en\">Privacy: <a href=\"https://example.fi/privacy\">notice</a></td>"
    ));
    // Markup rendered: emphasis, strong, paragraphs.
    assert!(html.contains("Välj <em>en</em>."));
    assert!(html.contains("Tack för <strong>svaren</strong> hittills."));
    assert!(html.contains("<p>First paragraph.</p><p>Second paragraph.</p>"));
    // Unit, researcher note, dates.
    assert!(html.contains("<td lang=\"sv\">personer</td>"));
    assert!(html.contains("<td lang=\"en\">Code 9 was added in 2025.</td>"));
    assert!(html.contains("<dd>2025-02-28</dd>"));
}

#[test]
fn hostile_texts_are_shown_literally() {
    let html = page(&common::kinds_with_lineage());
    // Nothing of the survey's text becomes markup, script or template.
    assert!(!html.contains("<script"));
    assert!(html.contains("Tarkastus &lt;script&gt;alert(&#39;fi&#39;)&lt;/script&gt;"));
    assert!(html.contains("Granskning &quot;; DROP TABLE svar; --"));
    assert!(html.contains("Review {{ title }} &amp; &#39;quotes&#39;"));
    assert!(html.contains("Where do you work? {{ 7 }}"));
    assert!(html.contains("Tutkijan huomautus {% raw %}"));
    assert!(html.contains("Researcher&#39;s note {# comment #}"));
    assert!(html.contains("Toinen kappale &lt;b&gt;ei lihavoitu&lt;/b&gt;."));
    // A link keeps its text and gets an encoded, escaped address.
    assert!(html.contains("<a href=\"https://example.fi/en?q=%22x%22&amp;r=%3Cy%3E\">link</a>"));
    // The version and the title in the head are escaped too.
    assert!(html.contains("<dd>2 &lt;beta&gt; &amp; "));
    assert!(html.contains("<title>Tarkastusversio: Tarkastus &lt;script&gt;"));
}

/// A display text's researcher note is shown with the display text, in
/// every language, escaped.
#[test]
fn display_notes_are_shown() {
    let survey = common::compile(&common::root().join("tests/fixtures/codebook/hostile.survey"));
    let html = page(&survey);
    let at = html.find("For researchers: &lt;i&gt;not&lt;/i&gt; shown &amp; &quot;quote&quot;");
    let defs = html.find("d_defs").expect("the display text");
    assert!(
        at.is_some_and(|at| at > defs),
        "the note after its display text"
    );
    assert!(html.contains("Tutkijalle: &lt;i&gt;ei&lt;/i&gt; näytetä"));
    assert!(html.contains("End note ]]&gt; &lt;y&gt;"));
}

#[test]
fn lineage_in_every_language() {
    let html = page(&common::kinds_with_lineage());
    assert!(html.contains(
        "<tr class=\"lineage\"><th scope=\"row\">Vertailtavuus <code>org</code></th><td lang=\"fi\" class=\"source\">Jatkaa muuttujaa <code>org_type</code> kyselystä review_kinds_2020 (2020). Muutokset: koodeja lisätty: 9; sanamuoto muuttunut: sv, en. Vertailtavuuden katkos hyväksytty: Koodi 9 <em>jaettiin</em> &lt;script&gt;alert(1)&lt;/script&gt;</td>"
    ));
    assert!(html.contains(
        "<td lang=\"sv\">Fortsätter variabeln <code>org_type</code> i enkäten review_kinds_2020 (2020). Ändringar: koder tillagda: 9; formuleringen ändrad: sv, en. Brott i jämförbarheten godkänt: Kod 9 &quot;; DROP TABLE svar; --</td>"
    ));
    assert!(html.contains(
        "<td lang=\"en\">Identical to <code>mood</code> of review_kinds_2020 (2020).</td>"
    ));
    assert!(html.contains(
        "<td lang=\"en\">Continues <code>coop_&lt;level&gt;_a</code> of review_kinds_2020 (2020). Changes: kind, level or scale changed; codes relabelled: 1, 2, 3; routing changed (who is asked). Breaks comparability (not acknowledged).</td>"
    ));
    // Without lineage, no such row.
    assert!(!page(&common::kinds()).contains("class=\"lineage\""));
}

#[test]
fn missing_translations_show() {
    let mut survey = common::kinds();
    let org = survey.sections[0]
        .elements
        .iter_mut()
        .find(|e| e.name == "org")
        .unwrap();
    org.text.as_mut().unwrap().translations.remove("sv");
    let html = page(&survey);
    assert!(html.contains(
        "<td lang=\"sv\" class=\"missing\"><span lang=\"fi\">(käännös puuttuu)</span></td>"
    ));
    assert_eq!(html.matches("class=\"missing\"").count(), 1);
}

#[test]
fn english_source_gets_english_words() {
    let mut survey = common::kinds();
    survey.languages = vec!["en".into(), "fi".into(), "sv".into()];
    let html = page(&survey);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("<th scope=\"col\" lang=\"en\" class=\"source\">English (en) <span lang=\"en\">– source language</span></th>"));
    assert!(html.contains("</code> – single choice</h3>"));
    assert!(html.contains(
        "Option <span class=\"code\">98</span> <span class=\"flags\">(exclusive)</span>"
    ));
}

#[test]
fn deterministic() {
    let survey = common::kinds_with_lineage();
    assert_eq!(page(&survey), page(&survey));
    // Through `build`, twice, into two folders: byte-identical files.
    let (a, b) = (temp("det-a"), temp("det-b"));
    let options = BuildOptions::default();
    let out_a = targets::build(&survey, &a, &[Target::Review], &options).unwrap();
    let out_b = targets::build(&survey, &b, &[Target::Review], &options).unwrap();
    assert_eq!(
        out_a.files,
        vec![a.join("review_kinds_lineage/review.html")]
    );
    assert_eq!(out_b.files.len(), 1);
    let bytes =
        |dir: &PathBuf| std::fs::read(dir.join("review_kinds_lineage/review.html")).unwrap();
    assert_eq!(bytes(&a), bytes(&b));
    assert_eq!(bytes(&a), page(&survey).into_bytes());
    for d in [a, b] {
        std::fs::remove_dir_all(d).unwrap();
    }
}

#[test]
fn review_is_a_default_target() {
    assert!(Target::ALL.contains(&Target::Review));
    let config = lomake::config::parse(lomake::source::FileId(0), "targets: [review]\n").unwrap();
    assert_eq!(config.targets, Some(vec![Target::Review]));
}

#[test]
fn template_override() {
    let dir = temp("templates");
    std::fs::create_dir_all(dir.join("review")).unwrap();
    std::fs::write(
        dir.join("review/review.html"),
        "<p>{{ view.title|safe }}{% for s in view.sections %} [{{ s.name|safe }}: {{ s.elements|length }}]{% endfor %}</p>\n",
    )
    .unwrap();
    let out = temp("override-out");
    let options = BuildOptions {
        templates: Some(dir.clone()),
        ..BuildOptions::default()
    };
    targets::build(&common::kinds(), &out, &[Target::Review], &options).unwrap();
    let html = std::fs::read_to_string(out.join("review_kinds/review.html")).unwrap();
    assert_eq!(
        html,
        "<p>Tarkastus &lt;script&gt;alert(&#39;fi&#39;)&lt;/script&gt; [<code>start</code>: 3] [<code>details</code>: 8]</p>\n"
    );
    // A broken override is a template error naming the template.
    std::fs::write(dir.join("review/review.html"), "{% for %}").unwrap();
    let err = targets::build(&common::kinds(), &out, &[Target::Review], &options).unwrap_err();
    assert!(
        err.to_string().starts_with("template review/review.html:"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(out).unwrap();
}

/// The 2023 Barometer declares its lineage to 2020: the review shows it,
/// the acknowledged scale change of `coop_<level>_d` included.
#[test]
fn barometer_2023_lineage() {
    let survey = common::compile(&common::root().join("surveys/partnership-barometer-2023.survey"));
    let html = page(&survey);
    assert!(html.contains(
        "<tr class=\"lineage\"><th scope=\"row\">Vertailtavuus <code>coop_municipal_d</code></th><td lang=\"fi\" class=\"source\">Jatkaa muuttujaa <code>info_used_municipal</code> kyselystä partnership_barometer_2020 (2020). Muutokset: tyyppi, mitta-asteikko tai vastausasteikko muuttunut; koodien merkitys muuttunut (uusi nimike): 1, 2, 3; koodeja lisätty: 4, 5; sanamuoto muuttunut: fi, sv, en. Vertailtavuuden katkos hyväksytty: "
    ));
    assert!(html.contains(
        "<td lang=\"en\">Continues <code>org_type</code> of partnership_barometer_2020 (2020). Changes: codes added: 2.</td>"
    ));
    let rows = html.matches("<tr class=\"lineage\">").count();
    let with_lineage = survey
        .variables
        .iter()
        .filter(|v| v.lineage.is_some())
        .count();
    assert!(rows > 0);
    assert_eq!(rows, with_lineage);
}
