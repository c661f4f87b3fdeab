//! The codebooks' own words in Finnish, Swedish and English (headings, kinds,
//! levels, missing kinds) and the plain-language "asked if" of a condition.
//!
//! Any other language code gets the English words; the survey's own texts
//! (labels, options) are always in the codebook's language.

use crate::ir::{ChangeClass, Cmp, Condition, Constant, Lineage, Survey, Variable};

use super::text_of;

/// The built-in words of one language.
#[derive(Debug)]
pub struct Words {
    pub asked_if: &'static str,
    pub asked_always: &'static str,
    pub and: &'static str,
    pub or: &'static str,
    pub not: &'static str,
    /// `{x} is one of: …`; the variable comes before, the values after.
    pub one_of: &'static str,
    /// `{x}: {option} selected`.
    pub selected_suffix: &'static str,
    pub answered: &'static str,
    pub substantive: &'static str,
    pub contents: &'static str,
    pub codebook: &'static str,
    pub survey_id: &'static str,
    pub version: &'static str,
    pub languages: &'static str,
    pub opens: &'static str,
    pub closes: &'static str,
    pub organisation: &'static str,
    pub description: &'static str,
    pub researcher_note: &'static str,
    pub envelope: &'static str,
    pub name: &'static str,
    pub label: &'static str,
    pub group: &'static str,
    pub question: &'static str,
    pub item: &'static str,
    pub help: &'static str,
    pub kind: &'static str,
    pub level: &'static str,
    pub format: &'static str,
    pub values: &'static str,
    pub missing: &'static str,
    pub code: &'static str,
    pub meaning: &'static str,
    pub section: &'static str,
    pub disclosure: &'static str,
    pub condition: &'static str,
    pub unit: &'static str,
    pub range: &'static str,
    pub max_length: &'static str,
    pub characters: &'static str,
    /// A text shown to respondents without an answer (`display`), and the
    /// lead of its condition in words ("Shown if: …").
    pub display: &'static str,
    pub shown_if: &'static str,
    /// The section's researcher note (CSV, SPSS documents).
    pub section_note: &'static str,
    /// Answer limits: how many options of a multiple choice, exclusive
    /// options, a required answer.
    pub selections: &'static str,
    pub at_least: &'static str,
    pub at_most: &'static str,
    pub exclusive: &'static str,
    pub required: &'static str,
    pub yes: &'static str,
    /// `Text shown: definitions (before the question nat_part)`.
    pub before_question: &'static str,
    /// Kinds of columns.
    pub kind_id: &'static str,
    pub kind_status: &'static str,
    pub kind_submitted: &'static str,
    pub kind_single: &'static str,
    pub kind_flag: &'static str,
    pub kind_integer: &'static str,
    pub kind_decimal: &'static str,
    pub kind_text: &'static str,
    pub kind_date: &'static str,
    pub kind_hidden: &'static str,
    pub level_nominal: &'static str,
    pub level_ordinal: &'static str,
    pub level_scale: &'static str,
    pub not_asked: &'static str,
    pub not_answered: &'static str,
    pub not_reached: &'static str,
    pub declared_missing: &'static str,
    /// The meaning of -1, -2, -3.
    pub layout_missing: &'static str,
    /// How an empty string column reads.
    pub empty_string: &'static str,
    pub selected: &'static str,
    pub not_selected: &'static str,
    pub complete: &'static str,
    pub partial: &'static str,
    pub resp_id: &'static str,
    pub resp_status: &'static str,
    pub resp_submitted: &'static str,
    pub identifying: &'static str,
    pub indirectly_identifying: &'static str,
    pub multiple_response_set: &'static str,
    pub other_text_of: &'static str,
    pub unlabelled: &'static str,
    /// Wave lineage (`Variable::lineage`): the heading, and the sentence
    /// "Continues `x` of <survey> (<version>)." split around its parts.
    pub comparability: &'static str,
    pub continues: Lineage3,
    pub identical: Lineage3,
    pub changes: &'static str,
    pub change_kind: &'static str,
    pub change_relabelled: &'static str,
    pub change_reused: &'static str,
    pub change_added: &'static str,
    pub change_removed: &'static str,
    pub change_range: &'static str,
    pub change_routing: &'static str,
    pub change_wording: &'static str,
    pub break_acknowledged: &'static str,
    pub break_unacknowledged: &'static str,
}

/// A sentence about a variable of an earlier wave, in three parts around
/// the variable's name and the survey: `{before}`name`{middle}survey
/// (version){after}`, so each language keeps its word order.
#[derive(Debug)]
pub struct Lineage3 {
    pub before: &'static str,
    pub middle: &'static str,
    pub after: &'static str,
}

pub const FI: Words = Words {
    asked_if: "Kysytään, jos",
    asked_always: "Kysytään kaikilta",
    and: "ja",
    or: "tai",
    not: "ei",
    one_of: "on jokin seuraavista",
    selected_suffix: "valittu",
    answered: "vastattu",
    substantive: "vastattu muulla kuin puuttuvan tiedon koodilla",
    contents: "Sisällys",
    codebook: "Koodikirja",
    survey_id: "Kyselyn tunnus",
    version: "Versio",
    languages: "Kielet",
    opens: "Avautuu",
    closes: "Sulkeutuu",
    organisation: "Organisaatio",
    description: "Kuvaus",
    researcher_note: "Tutkijan huomautus",
    envelope: "Vastauksen tiedot",
    name: "Nimi",
    label: "Nimike",
    group: "Patteri",
    question: "Kysymys",
    item: "Kohta",
    help: "Ohje",
    kind: "Tyyppi",
    level: "Mitta-asteikko",
    format: "SPSS-muoto",
    values: "Arvot",
    missing: "Puuttuvat tiedot",
    code: "Koodi",
    meaning: "Merkitys",
    section: "Osio",
    disclosure: "Tunnistettavuus",
    condition: "Ehto",
    unit: "Yksikkö",
    range: "Sallitut arvot",
    max_length: "Enimmäispituus",
    characters: "merkkiä",
    display: "Näytettävä teksti",
    shown_if: "Näytetään, jos",
    section_note: "Osion tutkijan huomautus",
    selections: "Valintojen määrä",
    at_least: "vähintään",
    at_most: "enintään",
    exclusive: "Poissulkevat vaihtoehdot (valitaan yksin)",
    required: "Vastaus pakollinen",
    yes: "kyllä",
    before_question: "ennen kysymystä",
    kind_id: "vastaajan tunniste (teksti)",
    kind_status: "vastauksen tila (koodi)",
    kind_submitted: "lähetysaika (ISO 8601 -teksti)",
    kind_single: "yksi koodi",
    kind_flag: "monivalinnan vaihtoehto (1 valittu, 0 ei valittu)",
    kind_integer: "kokonaisluku",
    kind_decimal: "desimaaliluku",
    kind_text: "teksti",
    kind_date: "päivämäärä (VVVV-KK-PP)",
    kind_hidden: "lomakkeen asettama teksti",
    level_nominal: "nominaali",
    level_ordinal: "ordinaali",
    level_scale: "välimatka- tai suhdeasteikko",
    not_asked: "ei kysytty",
    not_answered: "ei vastattu",
    not_reached: "ei saavutettu (keskeytti)",
    declared_missing: "puuttuvaksi määritelty vastaus",
    layout_missing: "puuttuvan tiedon laji (taulukkomuotoinen aineisto)",
    empty_string: "tyhjä: ei kysytty, ei vastattu tai ei ehditty",
    selected: "Valittu",
    not_selected: "Ei valittu",
    complete: "Valmis",
    partial: "Keskeneräinen",
    resp_id: "Vastaajan tunniste",
    resp_status: "Vastauksen tila",
    resp_submitted: "Lähetetty",
    identifying: "Tunnistava tieto",
    indirectly_identifying: "Epäsuorasti tunnistava tieto",
    multiple_response_set: "Monivalinta",
    other_text_of: "Muu, mikä -teksti kysymykseen",
    unlabelled: "(ei nimikettä)",
    comparability: "Vertailtavuus",
    continues: Lineage3 {
        before: "Jatkaa muuttujaa ",
        middle: " kyselystä ",
        after: ".",
    },
    identical: Lineage3 {
        before: "Sama kuin muuttuja ",
        middle: " kyselyssä ",
        after: ".",
    },
    changes: "Muutokset",
    change_kind: "tyyppi, mitta-asteikko tai vastausasteikko muuttunut",
    change_relabelled: "koodien merkitys muuttunut (uusi nimike)",
    change_reused: "koodeja käytetty uudelleen",
    change_added: "koodeja lisätty",
    change_removed: "koodeja poistettu",
    change_range: "sallitut vastaukset muuttuneet (pienin tai suurin arvo, enimmäispituus)",
    change_routing: "reititys muuttunut (keiltä kysytään)",
    change_wording: "sanamuoto muuttunut",
    break_acknowledged: "Vertailtavuuden katkos hyväksytty",
    break_unacknowledged: "Vertailtavuus katkeaa (katkosta ei ole kuitattu).",
};

pub const SV: Words = Words {
    asked_if: "Frågas om",
    asked_always: "Frågas alla",
    and: "och",
    or: "eller",
    not: "inte",
    one_of: "är något av",
    selected_suffix: "vald",
    answered: "besvarad",
    substantive: "besvarad med annat än en kod för saknat värde",
    contents: "Innehåll",
    codebook: "Kodbok",
    survey_id: "Enkätens id",
    version: "Version",
    languages: "Språk",
    opens: "Öppnas",
    closes: "Stängs",
    organisation: "Organisation",
    description: "Beskrivning",
    researcher_note: "Forskarens anmärkning",
    envelope: "Svarets uppgifter",
    name: "Namn",
    label: "Etikett",
    group: "Frågebatteri",
    question: "Fråga",
    item: "Punkt",
    help: "Anvisning",
    kind: "Typ",
    level: "Mätnivå",
    format: "SPSS-format",
    values: "Värden",
    missing: "Saknade värden",
    code: "Kod",
    meaning: "Betydelse",
    section: "Avsnitt",
    disclosure: "Identifierbarhet",
    condition: "Villkor",
    unit: "Enhet",
    range: "Tillåtna värden",
    max_length: "Maximal längd",
    characters: "tecken",
    display: "Text som visas",
    shown_if: "Visas om",
    section_note: "Forskarens anmärkning om avsnittet",
    selections: "Antal val",
    at_least: "minst",
    at_most: "högst",
    exclusive: "Uteslutande alternativ (väljs ensamma)",
    required: "Svar obligatoriskt",
    yes: "ja",
    before_question: "före frågan",
    kind_id: "svarandens id (text)",
    kind_status: "svarets status (kod)",
    kind_submitted: "tidpunkt för inlämning (ISO 8601-text)",
    kind_single: "en kod",
    kind_flag: "alternativ i flervalsfråga (1 vald, 0 inte vald)",
    kind_integer: "heltal",
    kind_decimal: "decimaltal",
    kind_text: "text",
    kind_date: "datum (ÅÅÅÅ-MM-DD)",
    kind_hidden: "text som formuläret anger",
    level_nominal: "nominal",
    level_ordinal: "ordinal",
    level_scale: "intervall- eller kvotskala",
    not_asked: "inte frågad",
    not_answered: "inte besvarad",
    not_reached: "inte nådd (avbröt)",
    declared_missing: "svar som definierats som saknat värde",
    layout_missing: "typ av saknat värde (data i tabellform)",
    empty_string: "tom: inte frågad, inte besvarad eller inte nådd",
    selected: "Vald",
    not_selected: "Inte vald",
    complete: "Fullständig",
    partial: "Ofullständig",
    resp_id: "Respondentens id",
    resp_status: "Svarets status",
    resp_submitted: "Inskickat",
    identifying: "Identifierande uppgift",
    indirectly_identifying: "Indirekt identifierande uppgift",
    multiple_response_set: "Flerval",
    other_text_of: "Annat, vad-text till frågan",
    unlabelled: "(ingen etikett)",
    comparability: "Jämförbarhet",
    continues: Lineage3 {
        before: "Fortsätter variabeln ",
        middle: " i enkäten ",
        after: ".",
    },
    identical: Lineage3 {
        before: "Identisk med variabeln ",
        middle: " i enkäten ",
        after: ".",
    },
    changes: "Ändringar",
    change_kind: "typ, mätnivå eller svarsskala ändrad",
    change_relabelled: "koder med ändrad betydelse (ny etikett)",
    change_reused: "koder återanvända",
    change_added: "koder tillagda",
    change_removed: "koder borttagna",
    change_range: "tillåtna svar ändrade (minsta eller största värde, maxlängd)",
    change_routing: "routningen ändrad (vem som tillfrågas)",
    change_wording: "formuleringen ändrad",
    break_acknowledged: "Brott i jämförbarheten godkänt",
    break_unacknowledged: "Jämförbarheten bryts (brottet är inte godkänt).",
};

pub const EN: Words = Words {
    asked_if: "Asked if",
    asked_always: "Asked of everyone",
    and: "and",
    or: "or",
    not: "not",
    one_of: "is one of",
    selected_suffix: "selected",
    answered: "answered",
    substantive: "answered with other than a missing-value code",
    contents: "Contents",
    codebook: "Codebook",
    survey_id: "Survey id",
    version: "Version",
    languages: "Languages",
    opens: "Opens",
    closes: "Closes",
    organisation: "Organisation",
    description: "Description",
    researcher_note: "Researcher note",
    envelope: "Response envelope",
    name: "Name",
    label: "Label",
    group: "Grid",
    question: "Question",
    item: "Item",
    help: "Help",
    kind: "Kind",
    level: "Level",
    format: "SPSS format",
    values: "Values",
    missing: "Missing values",
    code: "Code",
    meaning: "Meaning",
    section: "Section",
    disclosure: "Disclosure",
    condition: "Condition",
    unit: "Unit",
    range: "Allowed values",
    max_length: "Maximum length",
    characters: "characters",
    display: "Text shown",
    shown_if: "Shown if",
    section_note: "Researcher note on the section",
    selections: "Number of selections",
    at_least: "at least",
    at_most: "at most",
    exclusive: "Exclusive options (chosen alone)",
    required: "Answer required",
    yes: "yes",
    before_question: "before the question",
    kind_id: "respondent id (text)",
    kind_status: "response status (code)",
    kind_submitted: "time of submission (ISO 8601 text)",
    kind_single: "one code",
    kind_flag: "option of a multiple choice (1 chosen, 0 not chosen)",
    kind_integer: "integer",
    kind_decimal: "decimal number",
    kind_text: "text",
    kind_date: "date (YYYY-MM-DD)",
    kind_hidden: "text set by the form",
    level_nominal: "nominal",
    level_ordinal: "ordinal",
    level_scale: "scale (interval or ratio)",
    not_asked: "not asked",
    not_answered: "not answered",
    not_reached: "not reached (break-off)",
    declared_missing: "answer declared as missing",
    layout_missing: "missing kind of the flat data",
    empty_string: "empty: not asked, not answered or not reached",
    selected: "Chosen",
    not_selected: "Not chosen",
    complete: "Complete",
    partial: "Partial",
    resp_id: "Respondent id",
    resp_status: "Response status",
    resp_submitted: "Submitted",
    identifying: "Identifying",
    indirectly_identifying: "Indirectly identifying",
    multiple_response_set: "Multiple choice",
    other_text_of: "\"Other, please specify\" text of",
    unlabelled: "(no label)",
    comparability: "Comparability",
    continues: Lineage3 {
        before: "Continues ",
        middle: " of ",
        after: ".",
    },
    identical: Lineage3 {
        before: "Identical to ",
        middle: " of ",
        after: ".",
    },
    changes: "Changes",
    change_kind: "kind, level or scale changed",
    change_relabelled: "codes relabelled",
    change_reused: "codes reused",
    change_added: "codes added",
    change_removed: "codes removed",
    change_range: "allowed answers changed (minimum or maximum, maximum length)",
    change_routing: "routing changed (who is asked)",
    change_wording: "wording changed",
    break_acknowledged: "Break acknowledged",
    break_unacknowledged: "Breaks comparability (not acknowledged).",
};

/// The words of a language; English for languages without built-in words.
pub fn words(lang: &str) -> &'static Words {
    match crate::language::words(lang) {
        crate::language::Words::Fi => &FI,
        crate::language::Words::Sv => &SV,
        crate::language::Words::En => &EN,
    }
}

/// A piece of generated prose: plain text, or a variable name (shown as
/// code: `` `x` `` in Markdown and plain text, `<code>` in HTML).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Name(String),
}

/// Pieces as plain text, names in backticks.
pub fn plain(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Name(n) => {
                out.push('`');
                out.push_str(n);
                out.push('`');
            }
        }
    }
    out
}

/// The "asked if" of a variable in plain words of `lang`: "Asked if: Took
/// part in national activities (`nat_part`) = Yes (1)", or "Asked of
/// everyone" without a condition.
pub fn asked_if(survey: &Survey, condition: Option<&Condition>, lang: &str) -> Vec<Piece> {
    let w = words(lang);
    match condition {
        None => vec![Piece::Text(w.asked_always.to_string())],
        Some(c) => {
            let mut out = vec![Piece::Text(format!("{}: ", w.asked_if))];
            describe(survey, c, lang, Parent::Top, &mut out);
            out
        }
    }
}

/// The condition alone in words, without the "Asked if" lead.
pub fn condition_words(survey: &Survey, condition: &Condition, lang: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    describe(survey, condition, lang, Parent::Top, &mut out);
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parent {
    Top,
    And,
    Or,
}

fn push(out: &mut Vec<Piece>, s: &str) {
    if let Some(Piece::Text(t)) = out.last_mut() {
        t.push_str(s);
    } else {
        out.push(Piece::Text(s.to_string()));
    }
}

/// `Label (`name`)`.
fn variable(survey: &Survey, name: &str, lang: &str, out: &mut Vec<Piece>) {
    if let Some(v) = survey.variable(name) {
        let label = text_of(&v.label, lang, &survey.languages);
        if !label.is_empty() {
            push(out, &one_line(&label));
            push(out, " (");
            out.push(Piece::Name(name.to_string()));
            push(out, ")");
            return;
        }
    }
    out.push(Piece::Name(name.to_string()));
}

/// A constant as the codebook shows it: an option's label with its code
/// ("Yes (1)") when the variable's list labels it, else the number or the
/// quoted string.
fn constant(survey: &Survey, var: Option<&Variable>, value: &Constant, lang: &str) -> String {
    match value {
        Constant::String(s) => format!("\"{s}\""),
        Constant::Number(n) => {
            let label = n.as_i64().and_then(|code| {
                let list = survey.list(var?.list.as_deref()?)?;
                let option = list.options.iter().find(|o| o.code == code)?;
                Some(text_of(option.label.as_ref()?, lang, &survey.languages))
            });
            match label {
                Some(l) if !l.is_empty() => format!("{} ({n})", one_line(&l)),
                _ => n.to_string(),
            }
        }
    }
}

fn cmp_symbol(cmp: Cmp) -> &'static str {
    match cmp {
        Cmp::Eq => "=",
        Cmp::Ne => "≠",
        Cmp::Lt => "<",
        Cmp::Le => "≤",
        Cmp::Gt => ">",
        Cmp::Ge => "≥",
    }
}

fn describe(survey: &Survey, c: &Condition, lang: &str, parent: Parent, out: &mut Vec<Piece>) {
    let w = words(lang);
    match c {
        Condition::And { args } | Condition::Or { args } => {
            let (me, word) = match c {
                Condition::And { .. } => (Parent::And, w.and),
                _ => (Parent::Or, w.or),
            };
            // Parentheses whenever a combination sits inside another
            // combination or a negation: readers should not need the
            // precedence rules.
            let paren = parent != Parent::Top && args.len() > 1;
            if paren {
                push(out, "(");
            }
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    push(out, &format!(" {word} "));
                }
                describe(survey, a, lang, me, out);
            }
            if paren {
                push(out, ")");
            }
        }
        Condition::Not { arg } => {
            push(out, &format!("{} (", w.not));
            describe(survey, arg, lang, Parent::Top, out);
            push(out, ")");
        }
        Condition::Answered { var } => {
            variable(survey, var, lang, out);
            push(out, &format!(" {}", w.answered));
        }
        Condition::Substantive { var } => {
            variable(survey, var, lang, out);
            push(out, &format!(" {}", w.substantive));
        }
        Condition::Compare { var, cmp, value } => {
            variable(survey, var, lang, out);
            let v = constant(survey, survey.variable(var), value, lang);
            push(out, &format!(" {} {v}", cmp_symbol(*cmp)));
        }
        Condition::CompareVars { var, cmp, other } => {
            variable(survey, var, lang, out);
            push(out, &format!(" {} ", cmp_symbol(*cmp)));
            variable(survey, other, lang, out);
        }
        Condition::In { var, values } => {
            variable(survey, var, lang, out);
            let v = survey.variable(var);
            let list: Vec<String> = values
                .iter()
                .map(|x| constant(survey, v, x, lang))
                .collect();
            push(out, &format!(" {}: {}", w.one_of, list.join(", ")));
        }
        Condition::Includes { var, value } => {
            variable(survey, var, lang, out);
            let v = constant(survey, survey.variable(var), value, lang);
            push(out, &format!(": {v} {}", w.selected_suffix));
        }
    }
}

/// The wave lineage of a variable in words of `lang`: "Continues `x` of
/// barometer_2020 (2020). Changes: codes relabelled: 1, 2; wording
/// changed: sv." When the author acknowledged a break, the pieces end with
/// "Break acknowledged: " and the reason follows (each format renders it
/// with its markup); an unacknowledged break says so.
pub fn lineage(l: &Lineage, lang: &str) -> Vec<Piece> {
    let w = words(lang);
    let sentence = if l.changes.is_empty() {
        &w.identical
    } else {
        &w.continues
    };
    let mut out = vec![Piece::Text(sentence.before.to_string())];
    out.push(Piece::Name(l.variable.clone()));
    push(
        &mut out,
        &format!(
            "{}{} ({}){}",
            sentence.middle, l.survey, l.version, sentence.after
        ),
    );
    if !l.changes.is_empty() {
        let parts: Vec<String> = l
            .changes
            .iter()
            .map(|c| {
                let what = match c.class {
                    ChangeClass::Kind => w.change_kind,
                    ChangeClass::CodesRelabelled => w.change_relabelled,
                    ChangeClass::CodesReused => w.change_reused,
                    ChangeClass::CodesAdded => w.change_added,
                    ChangeClass::CodesRemoved => w.change_removed,
                    ChangeClass::Range => w.change_range,
                    ChangeClass::Routing => w.change_routing,
                    ChangeClass::Wording => w.change_wording,
                };
                let mut details: Vec<String> = c.codes.iter().map(i64::to_string).collect();
                details.extend(c.languages.iter().cloned());
                if details.is_empty() {
                    what.to_string()
                } else {
                    format!("{what}: {}", details.join(", "))
                }
            })
            .collect();
        push(&mut out, &format!(" {}: {}.", w.changes, parts.join("; ")));
    }
    if l.acknowledged.is_some() {
        push(&mut out, &format!(" {}: ", w.break_acknowledged));
    } else if l.breaks() {
        push(&mut out, &format!(" {}", w.break_unacknowledged));
    }
    out
}

/// `survey.variable@version`: what a variable continues, as a token.
pub fn lineage_token(l: &Lineage) -> String {
    format!("{}.{}@{}", l.survey, l.variable, l.version)
}

/// The classes of change as tokens, codes and languages in parentheses
/// (`codes_added(4 5) wording(sv)`), `identical` when nothing changed; with
/// ` acknowledged` when the author acknowledged a break.
pub fn changes_token(l: &Lineage) -> String {
    let mut parts: Vec<String> = l
        .changes
        .iter()
        .map(|c| {
            let mut details: Vec<String> = c.codes.iter().map(i64::to_string).collect();
            details.extend(c.languages.iter().cloned());
            if details.is_empty() {
                c.class.as_str().to_string()
            } else {
                format!("{}({})", c.class.as_str(), details.join(" "))
            }
        })
        .collect();
    if parts.is_empty() {
        parts.push("identical".to_string());
    }
    if l.acknowledged.is_some() {
        parts.push("acknowledged".to_string());
    }
    parts.join(" ")
}

/// A text on one line: runs of whitespace with a line break become one
/// space (labels inside generated sentences).
pub fn one_line(s: &str) -> String {
    if !s.contains(['\n', '\r']) {
        return s.to_string();
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The formal condition as written in the survey language (`nat_part = 1
/// and (a = 2 or b includes 3)`), for machine-readable columns.
pub fn formal(c: &Condition) -> String {
    fn value(v: &Constant) -> String {
        match v {
            Constant::Number(n) => n.to_string(),
            Constant::String(s) => {
                format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
            }
        }
    }
    fn cmp(c: Cmp) -> &'static str {
        match c {
            Cmp::Eq => "=",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
    fn go(c: &Condition, nested: bool, out: &mut String) {
        match c {
            Condition::And { args } | Condition::Or { args } => {
                let word = if matches!(c, Condition::And { .. }) {
                    " and "
                } else {
                    " or "
                };
                let paren = nested && args.len() > 1;
                if paren {
                    out.push('(');
                }
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(word);
                    }
                    go(a, true, out);
                }
                if paren {
                    out.push(')');
                }
            }
            Condition::Not { arg } => {
                out.push_str("not ");
                go(arg, true, out);
            }
            Condition::Answered { var } => out.push_str(&format!("answered({var})")),
            Condition::Substantive { var } => out.push_str(&format!("substantive({var})")),
            Condition::Compare {
                var,
                cmp: c,
                value: v,
            } => out.push_str(&format!("{var} {} {}", cmp(*c), value(v))),
            Condition::CompareVars { var, cmp: c, other } => {
                out.push_str(&format!("{var} {} {other}", cmp(*c)))
            }
            Condition::In { var, values } => {
                let vs: Vec<String> = values.iter().map(value).collect();
                out.push_str(&format!("{var} in {{{}}}", vs.join(", ")))
            }
            Condition::Includes { var, value: v } => {
                out.push_str(&format!("{var} includes {}", value(v)))
            }
        }
    }
    let mut out = String::new();
    go(c, false, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Cmp, Condition, Constant};

    fn num(n: i64) -> Constant {
        Constant::Number(n.into())
    }

    #[test]
    fn formal_conditions_read_back_as_written() {
        let c = Condition::And {
            args: vec![
                Condition::Not {
                    arg: Box::new(Condition::Or {
                        args: vec![
                            Condition::Compare {
                                var: "a".into(),
                                cmp: Cmp::Ne,
                                value: num(1),
                            },
                            Condition::In {
                                var: "b".into(),
                                values: vec![num(1), num(2)],
                            },
                        ],
                    }),
                },
                Condition::Compare {
                    var: "lang".into(),
                    cmp: Cmp::Eq,
                    value: Constant::String("s\"v".into()),
                },
                Condition::CompareVars {
                    var: "x".into(),
                    cmp: Cmp::Le,
                    other: "y".into(),
                },
                Condition::Includes {
                    var: "m".into(),
                    value: num(6),
                },
                Condition::Answered { var: "p".into() },
                Condition::Substantive { var: "q".into() },
            ],
        };
        assert_eq!(
            formal(&c),
            "not (a != 1 or b in {1, 2}) and lang = \"s\\\"v\" and x <= y and m includes 6 \
             and answered(p) and substantive(q)"
        );
    }

    #[test]
    fn other_languages_get_english_words() {
        assert_eq!(words("de").asked_if, "Asked if");
        assert_eq!(words("fi").asked_if, "Kysytään, jos");
        assert_eq!(words("sv").asked_always, "Frågas alla");
    }
}
