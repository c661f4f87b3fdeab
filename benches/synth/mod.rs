//! Synthetic surveys for benchmarks and tests: any number of questions in
//! three languages (fi, sv, en), a mix of single, multiple, scale, grid and
//! text questions, a section every 20 questions, a few shared scales, and
//! routing on every tenth question that refers to earlier ones. The output
//! checks clean (`tests/robustness.rs` asserts it).
//!
//! Used by `benches/check.rs` and the tests through `#[path]`, so that the
//! library carries no test code.

#![allow(dead_code)]

use std::fmt::Write as _;

/// Three translations of one text, indented for a property body.
fn texts(out: &mut String, indent: &str, fi: &str, sv: &str, en: &str) {
    let _ = writeln!(out, "{indent}fi \"{fi}\"");
    let _ = writeln!(out, "{indent}sv \"{sv}\"");
    let _ = writeln!(out, "{indent}en \"{en}\"");
}

const SCALES: &str = r#"scale agree5 ordinal
  option 1
    fi "Täysin eri mieltä"
    sv "Helt av annan åsikt"
    en "Strongly disagree"
  option 2
    fi "Jokseenkin eri mieltä"
    sv "Delvis av annan åsikt"
    en "Somewhat disagree"
  option 3
    fi "Ei samaa eikä eri mieltä"
    sv "Varken av samma eller annan åsikt"
    en "Neither agree nor disagree"
  option 4
    fi "Jokseenkin samaa mieltä"
    sv "Delvis av samma åsikt"
    en "Somewhat agree"
  option 5
    fi "Täysin samaa mieltä"
    sv "Helt av samma åsikt"
    en "Strongly agree"
  option 99 missing
    fi "En osaa sanoa"
    sv "Kan inte säga"
    en "Can't say"

scale grade10 ordinal
  values 1..10
  option 1
    fi "Erittäin huono"
    sv "Mycket dåligt"
    en "Very poor"
  option 10
    fi "Erinomainen"
    sv "Utmärkt"
    en "Excellent"
  option 99 missing
    fi "En osaa sanoa"
    sv "Kan inte säga"
    en "Can't say"

scale yes_no nominal
  option 1
    fi "Kyllä"
    sv "Ja"
    en "Yes"
  option 2
    fi "Ei"
    sv "Nej"
    en "No"
"#;

/// What question `i` is; routing refers back to earlier `Single` ones.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Kind {
    Single,
    Multiple,
    Scale,
    Grid,
    Text,
}

pub fn kind(i: usize) -> Kind {
    match i % 10 {
        0..=3 => Kind::Single,
        4 | 5 => Kind::Multiple,
        6 => Kind::Scale,
        7 | 8 => Kind::Grid,
        _ => Kind::Text,
    }
}

/// A survey with `questions` questions that checks clean.
pub fn survey(questions: usize) -> String {
    let mut out = String::with_capacity(questions * 900 + 4096);
    let _ = writeln!(out, "# Synthetic survey: {questions} questions.\n");
    let _ = writeln!(out, "survey synthetic_{questions}");
    out.push_str("  version \"1\"\n  languages fi sv en\n  title\n");
    texts(
        &mut out,
        "    ",
        "Synteettinen kysely",
        "Syntetisk enkät",
        "Synthetic survey",
    );
    out.push_str("  opens 2024-01-08\n  closes 2024-02-29\n\n");
    out.push_str(SCALES);
    for i in 0..questions {
        if i % 20 == 0 {
            let s = i / 20;
            let _ = writeln!(out, "\nsection s{s}\n  title");
            texts(
                &mut out,
                "    ",
                &format!("Osio {s}"),
                &format!("Avsnitt {s}"),
                &format!("Part {s}"),
            );
        }
        question(&mut out, i);
    }
    // Closing questions on every shared scale (each is used, however few
    // questions there are).
    out.push_str("\nquestion overall scale grade10\n  label\n");
    texts(
        &mut out,
        "    ",
        "Kokonaisarvio",
        "Helhetsbedömning",
        "Overall grade",
    );
    out.push_str("  text\n");
    texts(
        &mut out,
        "    ",
        "Anna kokonaisarvio.",
        "Ge ett helhetsbetyg.",
        "Give an overall grade.",
    );
    out.push_str("\nquestion closing grid agree5\n  label\n");
    texts(
        &mut out,
        "    ",
        "Loppuväittämät",
        "Slutpåståenden",
        "Closing statements",
    );
    out.push_str("  text\n");
    texts(
        &mut out,
        "    ",
        "Arvioi väittämät.",
        "Bedöm påståendena.",
        "Rate the statements.",
    );
    out.push_str("  item a\n");
    texts(
        &mut out,
        "    ",
        "Kysely oli selkeä",
        "Enkäten var tydlig",
        "The survey was clear",
    );
    {
        out.push_str("\nquestion recommend single yes_no\n  label\n");
        texts(
            &mut out,
            "    ",
            "Suosittelisi",
            "Skulle rekommendera",
            "Would recommend",
        );
        out.push_str("  text\n");
        texts(
            &mut out,
            "    ",
            "Suosittelisitko kyselyä muille?",
            "Skulle du rekommendera enkäten?",
            "Would you recommend the survey?",
        );
    }
    out
}

fn question(out: &mut String, i: usize) {
    let k = kind(i);
    let head = match k {
        Kind::Single => "single".to_string(),
        Kind::Multiple => "multiple".to_string(),
        Kind::Scale => {
            if i % 20 == 6 {
                "scale agree5".to_string()
            } else {
                "scale grade10".to_string()
            }
        }
        Kind::Grid => "grid agree5".to_string(),
        Kind::Text => "text".to_string(),
    };
    let _ = writeln!(out, "\nquestion q{i} {head}");
    // Routing on every tenth question (those with i % 10 == 3), on the
    // single-choice questions just before it, sometimes far back.
    if i % 10 == 3 && i >= 10 {
        let far = (i / 2) - (i / 2) % 10; // a Single question earlier on
        let cond = match (i / 10) % 4 {
            0 => format!("q{} = 1", i - 3),
            1 => format!("q{} in {{1, 2}} and q{} != 3", i - 2, i - 1),
            2 => format!("not (q{} = 4 or answered(q{far}))", i - 3),
            _ => format!("q{} includes 2 or substantive(q{})", i - 8, i - 4),
        };
        let _ = writeln!(out, "  when {cond}");
    }
    out.push_str("  label\n");
    texts(
        out,
        "    ",
        &format!("Kysymys {i}"),
        &format!("Fråga {i}"),
        &format!("Question {i}"),
    );
    out.push_str("  text\n");
    texts(
        out,
        "    ",
        &format!("Mitä mieltä olet asiasta {i}? Vastaa **rehellisesti**."),
        &format!("Vad tycker du om fråga {i}? Svara *ärligt*."),
        &format!("What do you think about item {i}? See [the guide](https://example.fi/{i})."),
    );
    match k {
        Kind::Single | Kind::Multiple => {
            if k == Kind::Multiple {
                out.push_str("  max 3\n");
            }
            for code in 1..=4 {
                let _ = writeln!(out, "  option {code}");
                texts(
                    out,
                    "    ",
                    &format!("Vaihtoehto {code}"),
                    &format!("Alternativ {code}"),
                    &format!("Choice {code}"),
                );
            }
            let _ = writeln!(out, "  option 9 other");
            texts(
                out,
                "    ",
                "Muu, mikä?",
                "Annan, vilken?",
                "Other, please specify",
            );
        }
        Kind::Grid => {
            for item in ['a', 'b', 'c'] {
                let _ = writeln!(out, "  item {item}");
                texts(
                    out,
                    "    ",
                    &format!("Väittämä {item}"),
                    &format!("Påstående {item}"),
                    &format!("Statement {item}"),
                );
            }
        }
        Kind::Scale | Kind::Text => {}
    }
}

/// Pathological inputs, each about `size` bytes: conditions nested to the
/// limit, many unclosed strings, one long line of text, one long line of
/// unclosed markup, and a file of nothing but comments.
pub fn pathological(size: usize, max_nesting: usize) -> [(&'static str, String); 6] {
    let header = "survey p\n  version \"1\"\n  languages fi\n  title\n    fi \"P\"\n\nsection s\n  title\n    fi \"S\"\n\nquestion a single\n  label\n    fi \"A\"\n  text\n    fi \"A\"\n  option 1\n    fi \"1\"\n";
    let mut deep = header.to_string();
    let mut n = 0;
    while deep.len() < size {
        let _ = writeln!(
            deep,
            "\nquestion d{n} single\n  when {}a = 1{}\n  label\n    fi \"D\"\n  text\n    fi \"D\"\n  option 1\n    fi \"1\"",
            "(not ".repeat(max_nesting / 2),
            ")".repeat(max_nesting / 2)
        );
        n += 1;
    }
    let mut unclosed = header.to_string();
    while unclosed.len() < size {
        unclosed.push_str("\ndisplay d\n  text\n    fi \"never closed\n    sv \"\"\"\n");
    }
    let long_line = format!(
        "{header}\ndisplay long\n  text\n    fi \"{}\"\n",
        "Pitkä rivi ääkkösiä 🙂 ja [linkki](https://example.fi) ".repeat(size / 64)
    );
    let brackets = format!(
        "{header}\ndisplay brackets\n  text\n    fi \"{}\"\n",
        "[*".repeat(size / 2)
    );
    let comments = format!(
        "# only comments\n{}",
        "# kommentti ääkkösillä\n".repeat(size / 24)
    );
    // Half the survey questions with options of their own (each its own
    // list), then questions on a scale used for the first time: where the
    // checker kept its lists in use in a plain list, every later use of
    // the scale searched past all the others (quadratic).
    let mut late = header.replacen(
        "\nsection s",
        "\nscale late5 ordinal\n  option 1\n    fi \"1\"\n  option 2\n    fi \"2\"\n\nsection s",
        1,
    );
    let mut k = 0;
    while late.len() < size / 2 {
        let _ = writeln!(
            late,
            "\nquestion o{k} single\n  label\n    fi \"O\"\n  text\n    fi \"O\"\n  option 1\n    fi \"1\""
        );
        k += 1;
    }
    while late.len() < size {
        let _ = writeln!(
            late,
            "\nquestion l{k} scale late5\n  label\n    fi \"L\"\n  text\n    fi \"L\""
        );
        k += 1;
    }
    [
        ("deep_nesting", deep),
        ("unclosed_strings", unclosed),
        ("long_line", long_line),
        ("brackets_line", brackets),
        ("only_comments", comments),
        ("late_shared_scale", late),
    ]
}
