//! IR snapshots of the bundled surveys, and checks of what the IR must hold.

use std::path::Path;

use lomake::check::{CheckOptions, check_file};
use lomake::ir::{Condition, Disclosure, Survey, VariableKind};
use lomake::source::DiskLoader;

fn build(path: &str) -> Survey {
    let checked = check_file(&DiskLoader, Path::new(path), &CheckOptions::default()).unwrap();
    assert!(
        checked.diagnostics.is_empty(),
        "{path} must check clean: {:#?}",
        checked.diagnostics
    );
    checked.survey.expect("no errors, so an IR")
}

#[test]
fn barometer_2023_ir() {
    let ir = build("surveys/partnership-barometer-2023.survey");
    insta::assert_snapshot!("partnership_barometer_2023", ir.to_json());
}

#[test]
fn barometer_2020_ir() {
    let ir = build("surveys/partnership-barometer-2020.survey");
    insta::assert_snapshot!("partnership_barometer_2020", ir.to_json());
}

/// The client's variable names, in questionnaire order.
#[test]
fn barometer_2023_variables_follow_the_specification() {
    let ir = build("surveys/partnership-barometer-2023.survey");
    let names: Vec<&str> = ir.variables.iter().map(|v| v.name.as_str()).collect();
    let mut expected: Vec<String> = [
        "org_type",
        "org_type_other",
        "region",
        "role",
        "experience",
        "lang",
    ]
    .map(String::from)
    .to_vec();
    for level in ["municipal", "regional", "national"] {
        expected.push(format!("grade_{level}"));
        for item in ["a", "b", "c", "d", "e"] {
            expected.push(format!("coop_{level}_{item}"));
        }
    }
    expected.extend(
        [
            "info_find",
            "info_sources",
            "info_sources_other",
            "practices_used",
            "practice_example",
            "recept_a",
            "recept_b",
            "recept_c",
            "recept_d",
            "nat_part",
            "nat_forms",
            "nat_forms_other",
            "nat_useful_a",
            "nat_useful_b",
            "nat_useful_c",
            "nat_useful_d",
            "reg_part",
            "reg_ely",
            "reg_useful_a",
            "reg_useful_b",
            "reg_useful_c",
            "reg_useful_d",
            "principles_a",
            "principles_b",
            "principles_c",
            "principles_d",
            "nopart_why",
            "nopart_why_other",
            "new_methods",
            "new_methods_other",
            "feedback",
        ]
        .map(String::from),
    );
    assert_eq!(names, expected);

    let var = |n: &str| ir.variable(n).unwrap();
    // Multiple choice: one flat column per option, the exclusive missing one included.
    assert_eq!(
        var("new_methods").columns,
        [
            "new_methods_1",
            "new_methods_2",
            "new_methods_3",
            "new_methods_4",
            "new_methods_5",
            "new_methods_6",
            "new_methods_99"
        ]
    );
    assert_eq!(
        var("info_sources").max.as_ref().and_then(|m| m.as_i64()),
        Some(5)
    );
    assert_eq!(var("grade_municipal").missing_codes, [99]);
    assert_eq!(var("lang").kind, VariableKind::Hidden);
    assert_eq!(var("lang").values, ["fi", "sv", "en"]);
    assert_eq!(var("practice_example").max_length, Some(2000));
    assert_eq!(var("org_type_other").max_length, Some(200));

    // Routing, fully combined: the "other" text inherits its question's condition.
    let cond = |n: &str| serde_json::to_value(&var(n).condition).unwrap();
    assert_eq!(cond("org_type"), serde_json::Value::Null);
    assert_eq!(
        cond("nat_forms_other"),
        serde_json::json!({"op": "and", "args": [
            {"op": "compare", "var": "nat_part", "cmp": "=", "value": 1},
            {"op": "includes", "var": "nat_forms", "value": 6}
        ]})
    );
    assert_eq!(
        cond("nopart_why"),
        serde_json::json!({"op": "not", "arg": {"op": "or", "args": [
            {"op": "compare", "var": "nat_part", "cmp": "=", "value": 1},
            {"op": "compare", "var": "reg_part", "cmp": "=", "value": 1}
        ]}})
    );
    assert!(matches!(
        var("reg_ely").condition,
        Some(Condition::Compare { .. })
    ));
    // Disclosure flags.
    for n in ["org_type", "region", "reg_ely"] {
        assert_eq!(var(n).disclosure, Disclosure::IndirectlyIdentifying, "{n}");
    }
    for n in ["practice_example", "feedback", "org_type_other"] {
        assert_eq!(var(n).disclosure, Disclosure::Identifying, "{n}");
    }
    // Every label is in all three languages, in the survey's order.
    for v in &ir.variables {
        let langs: Vec<&str> = v.label.translations.keys().collect();
        assert_eq!(langs, ["fi", "sv", "en"], "{}", v.name);
    }
}

#[test]
fn barometer_2020_differs_as_specified() {
    let ir = build("surveys/partnership-barometer-2020.survey");
    let list = ir.variable("org_type").unwrap().list.clone().unwrap();
    let org = ir.list(&list).unwrap();
    assert!(
        !org.options.iter().any(|o| o.code == 2),
        "no wellbeing services counties in 2020"
    );
    for level in ["municipal", "regional", "national"] {
        assert!(ir.variable(&format!("coop_{level}_d")).is_none());
        assert!(ir.variable(&format!("info_used_{level}")).is_some());
    }
    assert!(ir.variable("part_any").is_some());
    for gone in [
        "info_sources",
        "practice_example",
        "recept_a",
        "new_methods",
        "nat_part",
    ] {
        assert!(ir.variable(gone).is_none(), "{gone}");
    }
}

/// `ir.json` reads back into the same IR (texts without markup are written
/// compactly and restored in full).
#[test]
fn ir_json_round_trips() {
    for path in [
        "surveys/partnership-barometer-2023.survey",
        "surveys/partnership-barometer-2020.survey",
    ] {
        let ir = build(path);
        let back: Survey = serde_json::from_str(&ir.to_json()).unwrap();
        assert_eq!(back, ir, "{path}");
        assert_eq!(back.to_json(), ir.to_json(), "{path}");
    }
}
