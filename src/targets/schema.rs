//! The JSON Schema (draft 2020-12) of a survey's response data.
//!
//! One schema per language: they validate identically and differ only in
//! annotations (`title`, `description`, value labels). Routing and
//! completeness are compiled in: for every condition we build the schema of
//! "it is true" and the schema of "it is false" (three-valued logic: `not`
//! swaps them, unknown satisfies neither), then
//! - a variable that is present must have a true condition;
//! - in a complete response, a variable whose condition is true is present.
//!
//! `docs/responses.md` is the response format, `docs/schema.md` this target.

use serde_json::{Map, Value, json};

use crate::ir::{AnswerList, Cmp, Condition, Constant, Survey, Text, Variable, VariableKind};

/// The draft this target writes.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The `$id` of one language's schema: survey id, version and language.
pub fn schema_id(survey: &Survey, lang: &str) -> String {
    format!(
        "urn:lomake:{}:{}:{}:response",
        uri_part(&survey.id),
        uri_part(&survey.version),
        uri_part(lang)
    )
}

fn uri_part(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Builds the schema of one language.
pub fn schema(survey: &Survey, lang: &str) -> Value {
    let mut properties = Map::new();
    properties.insert(
        "_survey".into(),
        json!({"description": envelope_text(lang, Envelope::Survey), "const": survey.id}),
    );
    properties.insert(
        "_version".into(),
        json!({"description": envelope_text(lang, Envelope::Version), "const": survey.version}),
    );
    properties.insert(
        "_status".into(),
        json!({"description": envelope_text(lang, Envelope::Status), "enum": ["complete", "partial"]}),
    );
    properties.insert(
        "_submitted".into(),
        json!({"description": envelope_text(lang, Envelope::Submitted), "type": "string", "format": "date-time"}),
    );
    properties.insert(
        "_id".into(),
        json!({"description": envelope_text(lang, Envelope::Id), "type": "string"}),
    );
    let mut rules: Vec<Value> = Vec::new();
    let mut always: Vec<String> = Vec::new();
    let mut required = vec![
        "_survey".to_string(),
        "_version".to_string(),
        "_status".to_string(),
    ];
    for v in &survey.variables {
        properties.insert(v.name.clone(), variable_schema(survey, v, lang));
        if v.kind == VariableKind::Hidden && v.condition.is_none() {
            required.push(v.name.clone());
        }
        match &v.condition {
            None => always.push(v.name.clone()),
            Some(c) => {
                if let Some((t, _f)) = truth(survey, c) {
                    // Present only when asked.
                    rules.push(json!({
                        "if": {"required": [v.name]},
                        "then": t,
                    }));
                    // Asked and complete: present.
                    rules.push(json!({
                        "if": {"allOf": [complete(), t]},
                        "then": {"required": [v.name]},
                    }));
                }
            }
        }
        if v.required {
            rules.push(json!({
                "if": complete(),
                "then": {"properties": {v.name.clone(): {"not": {"type": "null"}}}},
            }));
        }
    }
    if !always.is_empty() {
        rules.insert(0, json!({"if": complete(), "then": {"required": always}}));
    }
    let mut root = Map::new();
    root.insert("$schema".into(), json!(DIALECT));
    root.insert("$id".into(), json!(schema_id(survey, lang)));
    root.insert("title".into(), json!(plain(&survey.title, survey, lang)));
    if let Some(d) = &survey.description {
        root.insert("description".into(), json!(plain(d, survey, lang)));
    }
    root.insert(
        "x-lomake-survey".into(),
        json!({"id": survey.id, "version": survey.version, "language": lang, "languages": survey.languages}),
    );
    root.insert("type".into(), json!("object"));
    root.insert("required".into(), json!(required));
    root.insert("properties".into(), Value::Object(properties));
    root.insert("additionalProperties".into(), json!(false));
    if !rules.is_empty() {
        root.insert("allOf".into(), Value::Array(rules));
    }
    let defs = list_defs(survey, lang);
    if !defs.is_empty() {
        root.insert("$defs".into(), Value::Object(defs));
    }
    Value::Object(root)
}

/// `response.schema.json`: pretty-printed with a trailing newline.
pub fn to_json(schema: &Value) -> String {
    let mut s = serde_json::to_string_pretty(schema).expect("a schema serializes");
    s.push('\n');
    s
}

fn complete() -> Value {
    json!({"properties": {"_status": {"const": "complete"}}})
}

enum Envelope {
    Survey,
    Version,
    Status,
    Submitted,
    Id,
}

/// Descriptions of the envelope fields; English for languages we have no
/// words for.
fn envelope_text(lang: &str, which: Envelope) -> &'static str {
    use crate::language::Words::{En, Fi, Sv};
    match (crate::language::words(lang), which) {
        (Fi, Envelope::Survey) => "Kyselyn tunniste",
        (Fi, Envelope::Version) => "Kyselyn versio",
        (Fi, Envelope::Status) => "Vastauksen tila: complete (valmis) tai partial (keskeytynyt)",
        (Fi, Envelope::Submitted) => "Lähetysaika",
        (Fi, Envelope::Id) => "Vastaajan tunniste (aineistotoimittajan)",
        (Sv, Envelope::Survey) => "Enkätens identifierare",
        (Sv, Envelope::Version) => "Enkätens version",
        (Sv, Envelope::Status) => {
            "Svarets status: complete (fullständigt) eller partial (avbrutet)"
        }
        (Sv, Envelope::Submitted) => "Tidpunkt då svaret skickades",
        (Sv, Envelope::Id) => "Respondentens identifierare (leverantörens)",
        (En, Envelope::Survey) => "Survey id",
        (En, Envelope::Version) => "Survey version",
        (En, Envelope::Status) => "Response status: complete, or partial (break-off)",
        (En, Envelope::Submitted) => "Time of submission",
        (En, Envelope::Id) => "Respondent id (the vendor's)",
    }
}

/// A text in a language, falling back to the source language.
fn plain(text: &Text, survey: &Survey, lang: &str) -> String {
    text.translations
        .get(lang)
        .or_else(|| {
            survey
                .languages
                .first()
                .and_then(|l| text.translations.get(l))
        })
        .or_else(|| text.translations.values().next())
        .map(|t| t.plain().to_string())
        .unwrap_or_default()
}

fn list_def_name(list: &str) -> String {
    format!("list_{list}")
}

/// One `$defs` entry per answer list: its codes with their labels.
fn list_defs(survey: &Survey, lang: &str) -> Map<String, Value> {
    let mut defs = Map::new();
    for l in &survey.lists {
        defs.insert(list_def_name(&l.name), list_schema(survey, l, lang));
    }
    defs
}

fn list_schema(survey: &Survey, list: &AnswerList, lang: &str) -> Value {
    let options: Vec<Value> = list
        .options
        .iter()
        .map(|o| {
            let title = o
                .label
                .as_ref()
                .map_or_else(|| o.code.to_string(), |t| plain(t, survey, lang));
            let mut m = Map::new();
            m.insert("const".into(), json!(o.code));
            m.insert("title".into(), json!(title));
            if o.missing {
                m.insert("x-lomake-missing".into(), json!(true));
            }
            if o.exclusive {
                m.insert("x-lomake-exclusive".into(), json!(true));
            }
            if o.other {
                m.insert("x-lomake-other".into(), json!(true));
            }
            Value::Object(m)
        })
        .collect();
    json!({"oneOf": options, "x-lomake-level": list.level})
}

fn variable_schema(survey: &Survey, v: &Variable, lang: &str) -> Value {
    let mut m = Map::new();
    m.insert("title".into(), json!(plain(&v.label, survey, lang)));
    if let Some(t) = &v.text {
        m.insert("description".into(), json!(plain(t, survey, lang)));
    }
    let null_type = json!({"type": "null"});
    match v.kind {
        VariableKind::Single => {
            let list = v.list.as_deref().unwrap_or_default();
            m.insert(
                "anyOf".into(),
                json!([{"$ref": format!("#/$defs/{}", list_def_name(list))}, null_type]),
            );
        }
        VariableKind::Multiple => {
            let list = v.list.as_deref().and_then(|l| survey.list(l));
            let mut arr = Map::new();
            arr.insert("type".into(), json!("array"));
            arr.insert(
                "items".into(),
                json!({"$ref": format!("#/$defs/{}", list_def_name(v.list.as_deref().unwrap_or_default()))}),
            );
            arr.insert("minItems".into(), json!(1));
            if let Some(max) = &v.max {
                arr.insert("maxItems".into(), json!(max));
            }
            arr.insert("uniqueItems".into(), json!(true));
            let exclusive = list.map(AnswerList::exclusive_codes).unwrap_or_default();
            let mut all_of = Vec::new();
            for code in &exclusive {
                all_of.push(json!({"if": {"contains": {"const": code}}, "then": {"maxItems": 1}}));
            }
            if let Some(min) = v.min.as_ref().and_then(|m| m.as_i64()).filter(|m| *m > 1) {
                let rule = if exclusive.is_empty() {
                    json!({"minItems": min})
                } else {
                    json!({"if": {"not": {"contains": {"enum": exclusive}}}, "then": {"minItems": min}})
                };
                all_of.push(rule);
            }
            if !all_of.is_empty() {
                arr.insert("allOf".into(), Value::Array(all_of));
            }
            m.insert("anyOf".into(), json!([Value::Object(arr), null_type]));
        }
        VariableKind::Integer | VariableKind::Decimal => {
            let ty = if v.kind == VariableKind::Integer {
                "integer"
            } else {
                "number"
            };
            m.insert("type".into(), json!([ty, "null"]));
            if let Some(min) = &v.min {
                m.insert("minimum".into(), json!(min));
            }
            if let Some(max) = &v.max {
                m.insert("maximum".into(), json!(max));
            }
        }
        VariableKind::Text => {
            m.insert("type".into(), json!(["string", "null"]));
            if let Some(n) = v.max_length {
                m.insert("maxLength".into(), json!(n));
            }
        }
        VariableKind::Date => {
            m.insert("type".into(), json!(["string", "null"]));
            m.insert("format".into(), json!("date"));
            m.insert("pattern".into(), json!("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"));
        }
        VariableKind::Hidden => {
            m.insert("enum".into(), json!(v.values));
        }
    }
    m.insert("x-lomake-kind".into(), json!(v.kind));
    m.insert("x-lomake-section".into(), json!(v.section));
    m.insert("x-lomake-element".into(), json!(v.element));
    if let Some(l) = &v.list {
        m.insert("x-lomake-list".into(), json!(l));
    }
    if let Some(level) = v.level {
        m.insert("x-lomake-level".into(), json!(level));
    }
    if !v.missing_codes.is_empty() {
        m.insert("x-lomake-missing-codes".into(), json!(v.missing_codes));
    }
    m.insert("x-lomake-disclosure".into(), json!(v.disclosure));
    if v.required {
        m.insert("x-lomake-required".into(), json!(true));
    }
    if let Some(o) = &v.other_of {
        m.insert("x-lomake-other-of".into(), json!(o));
    }
    if let Some(c) = &v.condition {
        m.insert("x-lomake-condition".into(), json!(c));
        if truth(survey, c).is_none() {
            m.insert("x-lomake-routing-not-encoded".into(), json!(true));
        }
    }
    m.insert("x-lomake-columns".into(), json!(v.columns));
    Value::Object(m)
}

/// The schemas of "the condition is true" and "the condition is false" on
/// a response; `None` when JSON Schema cannot express the condition (an
/// ordering of two variables without a common finite list, an ordering of
/// strings).
pub fn truth(survey: &Survey, c: &Condition) -> Option<(Value, Value)> {
    let missing = |var: &str| -> Vec<i64> {
        survey
            .variable(var)
            .map(|v| v.missing_codes.clone())
            .unwrap_or_default()
    };
    Some(match c {
        Condition::And { args } | Condition::Or { args } => {
            let mut ts = Vec::new();
            let mut fs = Vec::new();
            for a in args {
                let (t, f) = truth(survey, a)?;
                ts.push(t);
                fs.push(f);
            }
            if matches!(c, Condition::And { .. }) {
                (json!({"allOf": ts}), json!({"anyOf": fs}))
            } else {
                (json!({"anyOf": ts}), json!({"allOf": fs}))
            }
        }
        Condition::Not { arg } => {
            let (t, f) = truth(survey, arg)?;
            (f, t)
        }
        Condition::Answered { var } => {
            let t = has(
                var,
                json!({"not": {"anyOf": [{"type": "null"}, {"type": "array", "maxItems": 0}]}}),
            );
            (t.clone(), json!({"not": t}))
        }
        Condition::Substantive { var } => {
            let m = missing(var);
            // Any value but `null`, an array (below) or a missing code, as
            // in `eval`: a boolean or an object counts as substantive there.
            let scalar = if m.is_empty() {
                json!({"not": {"type": ["null", "array"]}})
            } else {
                json!({"not": {"anyOf": [{"type": ["null", "array"]}, {"enum": m}]}})
            };
            let array = if m.is_empty() {
                json!({"type": "array", "minItems": 1})
            } else {
                json!({"type": "array", "contains": {"not": {"enum": m}}})
            };
            let t = has(var, json!({"anyOf": [scalar, array]}));
            (t.clone(), json!({"not": t}))
        }
        Condition::Compare { var, cmp, value } => compare(var, *cmp, value, &missing(var))?,
        Condition::In { var, values } => {
            let vals: Vec<Value> = values.iter().map(constant).collect();
            (
                has(var, json!({"enum": vals})),
                has(
                    var,
                    json!({"not": {"anyOf": [{"enum": vals}, {"type": "null"}]}}),
                ),
            )
        }
        Condition::Includes { var, value } => {
            let c = constant(value);
            (
                has(var, json!({"type": "array", "contains": {"const": c}})),
                has(
                    var,
                    json!({"type": "array", "minItems": 1, "not": {"contains": {"const": c}}}),
                ),
            )
        }
        Condition::CompareVars { var, cmp, other } => compare_vars(survey, var, *cmp, other)?,
    })
}

/// `{"required": [var], "properties": {var: schema}}`.
fn has(var: &str, schema: Value) -> Value {
    json!({"required": [var], "properties": {var: schema}})
}

fn constant(c: &Constant) -> Value {
    match c {
        Constant::Number(n) => Value::Number(n.clone()),
        Constant::String(s) => Value::String(s.clone()),
    }
}

fn compare(var: &str, cmp: Cmp, value: &Constant, missing: &[i64]) -> Option<(Value, Value)> {
    let c = constant(value);
    let eq = has(var, json!({"const": c}));
    let ne = has(
        var,
        json!({"not": {"anyOf": [{"const": c}, {"type": "null"}]}}),
    );
    Some(match cmp {
        Cmp::Eq => (eq, ne),
        Cmp::Ne => (ne, eq),
        _ => {
            let Constant::Number(_) = value else {
                return None; // JSON Schema cannot order strings
            };
            let (t_kw, f_kw) = match cmp {
                Cmp::Lt => ("exclusiveMaximum", "minimum"),
                Cmp::Le => ("maximum", "exclusiveMinimum"),
                Cmp::Gt => ("exclusiveMinimum", "maximum"),
                _ => ("minimum", "exclusiveMaximum"),
            };
            let side = |kw: &str| {
                let mut m = Map::new();
                m.insert("type".into(), json!("number"));
                m.insert(kw.into(), c.clone());
                if !missing.is_empty() {
                    m.insert("not".into(), json!({"enum": missing}));
                }
                has(var, Value::Object(m))
            };
            (side(t_kw), side(f_kw))
        }
    })
}

/// Two variables on one finite list: enumerate the pairs of codes.
fn compare_vars(survey: &Survey, var: &str, cmp: Cmp, other: &str) -> Option<(Value, Value)> {
    let a = survey.variable(var)?;
    let b = survey.variable(other)?;
    let list = survey.list(a.list.as_deref()?)?;
    if b.list.as_deref() != Some(list.name.as_str()) || a.kind != VariableKind::Single {
        return None;
    }
    let ordering = !matches!(cmp, Cmp::Eq | Cmp::Ne);
    let mut t = Vec::new();
    let mut f = Vec::new();
    for x in &list.options {
        for y in &list.options {
            if ordering && (x.missing || y.missing) {
                continue; // unknown: neither
            }
            let holds = match cmp {
                Cmp::Eq => x.code == y.code,
                Cmp::Ne => x.code != y.code,
                Cmp::Lt => x.code < y.code,
                Cmp::Le => x.code <= y.code,
                Cmp::Gt => x.code > y.code,
                Cmp::Ge => x.code >= y.code,
            };
            let pair = if var == other {
                // `x = x`: one variable has one value.
                if x.code != y.code {
                    continue;
                }
                json!({"required": [var], "properties": {var: {"const": x.code}}})
            } else {
                json!({"required": [var, other], "properties": {var: {"const": x.code}, other: {"const": y.code}}})
            };
            if holds { t.push(pair) } else { f.push(pair) }
        }
    }
    let never = json!({"not": {}});
    let any = |v: Vec<Value>| {
        if v.is_empty() {
            never.clone()
        } else {
            json!({"anyOf": v})
        }
    };
    Some((any(t), any(f)))
}
