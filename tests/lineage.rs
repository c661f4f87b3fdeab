//! Wave lineage, as a property of the checker: a random earlier wave and a
//! random set of edits to it; the checker's classification of the later wave
//! (its `lineage` in the IR) and its warnings must be exactly what the edits
//! imply. Both files live in memory.

use std::collections::BTreeSet;
use std::path::Path;

use lomake::check::{CheckOptions, check_file};
use lomake::diagnostics::Code;
use lomake::ir::ChangeClass;
use lomake::source::MemoryLoader;
use proptest::prelude::*;

#[derive(Clone, Debug)]
struct Opt {
    code: i64,
    fi: String,
    en: String,
    missing: bool,
}

#[derive(Clone, Debug)]
struct Edits {
    relabel: Option<usize>,
    translate: Option<usize>,
    add: bool,
    remove: Option<usize>,
    flip_missing: Option<usize>,
    text: bool,
    level: bool,
    routing: bool,
    acknowledge: bool,
}

fn source(
    id: &str,
    header: &str,
    q: &str,
    level: &str,
    opts: &[Opt],
    text_en: &str,
    when: &str,
) -> String {
    let mut s = format!(
        "survey {id}\n  version \"1\"\n  languages fi en\n{header}  title\n    fi \"Kysely\"\n    en \"Survey\"\n\n"
    );
    s.push_str(&format!("list answers {level}\n"));
    for o in opts {
        let m = if o.missing { " missing" } else { "" };
        s.push_str(&format!(
            "  option {}{m}\n    fi \"{}\"\n    en \"{}\"\n",
            o.code, o.fi, o.en
        ));
    }
    s.push_str(
        "\nsection main\n  title\n    fi \"Osio\"\n    en \"Section\"\n\n\
         question first single answers\n  label\n    fi \"Eka\"\n    en \"First\"\n  text\n    fi \"Eka?\"\n    en \"First?\"\n\n",
    );
    s.push_str(&format!(
        "question second single answers\n{q}{when}  label\n    fi \"Toka\"\n    en \"Second\"\n  text\n    fi \"Toka?\"\n    en \"{text_en}\"\n"
    ));
    s
}

fn options() -> impl Strategy<Value = Vec<Opt>> {
    (2usize..6, any::<bool>()).prop_map(|(n, with_missing)| {
        let mut v: Vec<Opt> = (1..=n as i64)
            .map(|c| Opt {
                code: c,
                fi: format!("Vaihtoehto {c}"),
                en: format!("Option {c}"),
                missing: false,
            })
            .collect();
        if with_missing {
            v.push(Opt {
                code: 99,
                fi: "En osaa sanoa".into(),
                en: "Can't say".into(),
                missing: true,
            });
        }
        v
    })
}

fn edits(n: usize) -> impl Strategy<Value = Edits> {
    let idx = proptest::option::of(0..n);
    (
        idx.clone(),
        idx.clone(),
        any::<bool>(),
        idx.clone(),
        idx,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(relabel, translate, add, remove, flip_missing, text, level, routing, acknowledge)| {
                Edits {
                    relabel,
                    translate,
                    add,
                    remove,
                    flip_missing,
                    text,
                    level,
                    routing,
                    acknowledge,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn the_checker_classifies_exactly_the_edits(
        (old, e) in options().prop_flat_map(|o| { let n = o.len(); (Just(o), edits(n)) })
    ) {
        let mut new = old.clone();
        let mut expect: BTreeSet<ChangeClass> = BTreeSet::new();
        let mut relabelled = Vec::new();
        let mut reused = Vec::new();
        let mut removed_code = None;
        // Edits to codes that are then removed do not show; apply removal first.
        if let Some(i) = e.remove {
            removed_code = Some(new[i].code);
            new.remove(i);
        }
        let at = |v: &Vec<Opt>, i: Option<usize>| i.filter(|i| *i < v.len());
        if let Some(i) = at(&new, e.flip_missing) {
            new[i].missing = !new[i].missing;
            reused.push(new[i].code);
        }
        if let Some(i) = at(&new, e.relabel)
            && !reused.contains(&new[i].code)
        {
            new[i].fi = format!("Uusi {}", new[i].code);
            new[i].en = format!("New {}", new[i].code);
            relabelled.push(new[i].code);
        }
        let mut wording = false;
        if let Some(i) = at(&new, e.translate)
            && !relabelled.contains(&new[i].code)
            && !reused.contains(&new[i].code)
        {
            new[i].en = format!("Choice {}", new[i].code);
            wording = true;
        }
        if e.add {
            new.push(Opt { code: 50, fi: "Lisätty".into(), en: "Added".into(), missing: false });
            expect.insert(ChangeClass::CodesAdded);
        }
        if removed_code.is_some() {
            expect.insert(ChangeClass::CodesRemoved);
        }
        if !relabelled.is_empty() { expect.insert(ChangeClass::CodesRelabelled); }
        if !reused.is_empty() { expect.insert(ChangeClass::CodesReused); }
        if e.text { wording = true; }
        if wording { expect.insert(ChangeClass::Wording); }
        if e.level { expect.insert(ChangeClass::Kind); }
        if e.routing { expect.insert(ChangeClass::Routing); }
        let breaks = expect.iter().any(|c| c.breaks());

        let old_src = source("wave_a", "", "", "nominal", &old, "Second?", "");
        let mut q = "  continues wave_a.second\n".to_string();
        if e.acknowledge {
            q.push_str("  break\n    fi \"Syy\"\n    en \"Reason\"\n");
        }
        let new_src = source(
            "wave_b",
            "  continues \"old.survey\"\n",
            &q,
            if e.level { "ordinal" } else { "nominal" },
            &new,
            if e.text { "Second, reworded?" } else { "Second?" },
            if e.routing { "  when answered(first)\n" } else { "" },
        );
        let mut loader = MemoryLoader::new();
        loader.add("old.survey", old_src.as_bytes());
        loader.add("new.survey", new_src.as_bytes());
        let checked = check_file(&loader, Path::new("new.survey"), &CheckOptions::default()).unwrap();
        let codes: Vec<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
        let survey = checked.survey.expect("the later wave checks without errors");
        let lineage = survey.variable("second").unwrap().lineage.clone().expect("lineage");
        let got: BTreeSet<ChangeClass> = lineage.changes.iter().map(|c| c.class).collect();
        prop_assert_eq!(&got, &expect, "{}", new_src);
        for c in &lineage.changes {
            match c.class {
                ChangeClass::CodesRelabelled => prop_assert_eq!(&c.codes, &relabelled),
                ChangeClass::CodesReused => prop_assert_eq!(&c.codes, &reused),
                ChangeClass::CodesAdded => prop_assert_eq!(&c.codes, &vec![50]),
                ChangeClass::CodesRemoved => prop_assert_eq!(&c.codes, &vec![removed_code.unwrap()]),
                ChangeClass::Wording => prop_assert_eq!(&c.languages, &vec!["en".to_string()]),
                _ => {}
            }
        }
        // Warnings: an unacknowledged break, or a needless acknowledgement.
        prop_assert_eq!(codes.contains(&Code::ComparabilityBreak), breaks && !e.acknowledge);
        prop_assert_eq!(codes.contains(&Code::NeedlessBreak), !breaks && e.acknowledge);
        prop_assert_eq!(lineage.acknowledged.is_some(), e.acknowledge);
        // The list `first` uses changed too, but `first` declares no lineage.
        prop_assert!(survey.variable("first").unwrap().lineage.is_none());
    }
}

/// A grid item's own `continues` with a placeholder the block does not have
/// is reported, and the item does not fall back to its grid's lineage.
#[test]
fn a_grid_items_unknown_placeholder_is_reported() {
    let old = "survey wave_a\n  version \"1\"\n  languages en\n  title\n    en \"A\"\n\n\
               scale yes_no nominal\n  option 1\n    en \"Yes\"\n  option 2\n    en \"No\"\n\n\
               section main\n  title\n    en \"Main\"\n\n\
               question g_x grid yes_no\n  label\n    en \"G\"\n  text\n    en \"G?\"\n  item a\n    en \"A\"\n";
    let new = "survey wave_b\n  version \"2\"\n  languages en\n  continues \"old.survey\"\n  title\n    en \"B\"\n\n\
               scale yes_no nominal\n  option 1\n    en \"Yes\"\n  option 2\n    en \"No\"\n\n\
               block b(level)\n  question g_{level} grid yes_no\n    continues wave_a.g_{level}\n    label\n      en \"G\"\n    text\n      en \"G?\"\n    item a\n      en \"A\"\n      continues wave_a.g_{nope}_a\nend\n\n\
               section main\n  title\n    en \"Main\"\n\ninsert b\n  level x\n";
    let mut loader = MemoryLoader::new();
    loader.add("old.survey", old.as_bytes());
    loader.add("new.survey", new.as_bytes());
    let checked = check_file(&loader, Path::new("new.survey"), &CheckOptions::default()).unwrap();
    let codes: Vec<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        vec![Code::UnknownPlaceholder],
        "{:?}",
        checked.diagnostics
    );
}

/// A change to the answers allowed, the kind staying the same, is the
/// `range` class: a number's bounds, a multiple choice's selection limits,
/// a text's maximum length. It does not break comparability.
#[test]
fn changed_bounds_are_the_range_class() {
    let wave = |id: &str, header: &str, continues: &str, kind: &str, props: &str| {
        format!(
            "survey {id}\n  version \"1\"\n  languages fi en\n{header}  title\n    fi \"Kysely\"\n    en \"Survey\"\n\n\
             section main\n  title\n    fi \"Osio\"\n    en \"Section\"\n\n\
             question q {kind}\n{continues}{props}  label\n    fi \"Kysymys\"\n    en \"Question\"\n  text\n    fi \"Kysymys?\"\n    en \"Question?\"\n"
        )
    };
    let multiple = "multiple\n  option 1\n    fi \"A\"\n    en \"A\"\n  option 2\n    fi \"B\"\n    en \"B\"\n  option 3\n    fi \"C\"\n    en \"C\"\n";
    let cases: [(&str, &str, &str, &[ChangeClass]); 6] = [
        (
            "integer",
            "  min 0\n  max 100\n",
            "  min 0\n  max 50\n",
            &[ChangeClass::Range],
        ),
        (
            "integer",
            "  min 0\n  max 100\n",
            "  min 1\n  max 100\n",
            &[ChangeClass::Range],
        ),
        (
            "decimal",
            "  min 0\n  max 9.5\n",
            "  min 0\n  max 9.5\n",
            &[],
        ),
        (
            "text",
            "  maxlength 200\n",
            "  maxlength 100\n",
            &[ChangeClass::Range],
        ),
        (multiple, "  max 3\n", "  max 2\n", &[ChangeClass::Range]),
        // A new kind says more than new bounds.
        ("integer", "  max 100\n", "", &[]),
    ];
    for (kind, old_props, new_props, expected) in cases {
        let old = wave("wave_a", "", "", kind, old_props);
        let (new_kind, expected) = if new_props.is_empty() {
            ("text", &[ChangeClass::Kind][..])
        } else {
            (kind, expected)
        };
        let new = wave(
            "wave_b",
            "  continues \"old.survey\"\n",
            "  continues wave_a.q\n",
            new_kind,
            new_props,
        );
        let mut loader = MemoryLoader::new();
        loader.add("old.survey", old.as_bytes());
        loader.add("new.survey", new.as_bytes());
        let checked =
            check_file(&loader, Path::new("new.survey"), &CheckOptions::default()).unwrap();
        let codes: Vec<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
        let survey = checked.survey.unwrap_or_else(|| panic!("{codes:?}\n{new}"));
        let lineage = survey
            .variable("q")
            .unwrap()
            .lineage
            .clone()
            .expect("lineage");
        let got: Vec<ChangeClass> = lineage.changes.iter().map(|c| c.class).collect();
        assert_eq!(got, expected, "{old_props:?} → {new_props:?}");
        let breaks = expected.iter().any(|c| c.breaks());
        assert_eq!(
            codes.contains(&Code::ComparabilityBreak),
            breaks,
            "{codes:?}"
        );
    }
}
