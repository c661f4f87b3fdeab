//! The flat data layout (`docs/flat-data.md`): one table for SPSS, R, Stata,
//! Python and spreadsheets. This module is its one definition; the codebooks,
//! DDI and `lomake flatten` all take their columns from [`columns`].
//!
//! Columns, in order: the envelope (`resp_id`, `resp_status`,
//! `resp_submitted`), then every variable's columns in questionnaire order
//! (`Variable::columns`): one per single choice, scale, grid item, number,
//! text, date and hidden variable; one 0/1 column per option of a multiple
//! choice (`info_sources_1` …).

use crate::ir::{Survey, Variable, VariableKind};
use crate::language::Words;

/// Numeric missing kinds (every numeric column, 0/1 columns included).
pub const NOT_ASKED: i64 = -1;
/// The variable was asked and left unanswered (`null` in the response).
pub const NOT_ANSWERED: i64 = -2;
/// A partial response broke off before the variable (absent but asked).
pub const NOT_REACHED: i64 = -3;

/// The envelope's columns, first in every table.
pub const ENVELOPE: [&str; 3] = ["resp_id", "resp_status", "resp_submitted"];

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    /// `resp_id` (string).
    Id,
    /// `resp_status`: 1 complete, 2 partial.
    Status,
    /// `resp_submitted`: the date-time as a string (ISO 8601).
    Submitted,
    /// A code of an answer list (single choice, scale, grid item); numeric.
    Code,
    /// One option of a multiple choice: 1 chosen, 0 not chosen; numeric.
    Flag {
        code: i64,
    },
    Integer,
    Decimal,
    /// A text; `max_length` in Unicode code points when declared.
    Text {
        max_length: Option<u32>,
    },
    /// `YYYY-MM-DD`, as a string.
    Date,
    /// A hidden variable set by the form (`lang`); a string.
    Hidden,
}

impl ColumnKind {
    /// Numeric columns carry the missing kinds -1, -2, -3 and the declared
    /// missing codes; the others are strings, empty when there is no value.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ColumnKind::Status
                | ColumnKind::Code
                | ColumnKind::Flag { .. }
                | ColumnKind::Integer
                | ColumnKind::Decimal
        )
    }
}

/// The declared missing codes a multiple choice's 0/1 column holds when the
/// respondent chose one of them instead (99 "can't say"): the variable's
/// missing codes for the column of a substantive option, none for the
/// column of a missing option itself (docs/flat-data.md).
pub fn flag_missing_codes(variable: &Variable, code: i64) -> &[i64] {
    if variable.missing_codes.contains(&code) {
        &[]
    } else {
        &variable.missing_codes
    }
}

/// `resp_status` codes.
pub const STATUS_COMPLETE: i64 = 1;
pub const STATUS_PARTIAL: i64 = 2;

/// One column of the flat table.
#[derive(Clone, Copy, Debug)]
pub struct Column<'a> {
    pub name: &'a str,
    pub kind: ColumnKind,
    /// The variable it comes from; `None` for the envelope.
    pub variable: Option<&'a Variable>,
}

/// Every column of the survey's flat table, in order.
pub fn columns(survey: &Survey) -> Vec<Column<'_>> {
    let mut out: Vec<Column<'_>> = vec![
        Column {
            name: ENVELOPE[0],
            kind: ColumnKind::Id,
            variable: None,
        },
        Column {
            name: ENVELOPE[1],
            kind: ColumnKind::Status,
            variable: None,
        },
        Column {
            name: ENVELOPE[2],
            kind: ColumnKind::Submitted,
            variable: None,
        },
    ];
    for v in &survey.variables {
        match v.kind {
            VariableKind::Multiple => {
                let codes: Vec<i64> = v
                    .list
                    .as_deref()
                    .and_then(|l| survey.list(l))
                    .map(|l| l.options.iter().map(|o| o.code).collect())
                    .unwrap_or_default();
                for (name, code) in v.columns.iter().zip(codes) {
                    out.push(Column {
                        name,
                        kind: ColumnKind::Flag { code },
                        variable: Some(v),
                    });
                }
            }
            kind => {
                let kind = match kind {
                    VariableKind::Single => ColumnKind::Code,
                    VariableKind::Integer => ColumnKind::Integer,
                    VariableKind::Decimal => ColumnKind::Decimal,
                    VariableKind::Text => ColumnKind::Text {
                        max_length: v.max_length,
                    },
                    VariableKind::Date => ColumnKind::Date,
                    VariableKind::Hidden | VariableKind::Multiple => ColumnKind::Hidden,
                };
                for name in &v.columns {
                    out.push(Column {
                        name,
                        kind,
                        variable: Some(v),
                    });
                }
            }
        }
    }
    out
}

/// Labels of the missing kinds in a language (English for languages
/// lomake has no words for): `-1` not asked, `-2` not answered, `-3` not
/// reached. `None` for other codes.
pub fn missing_kind_label(code: i64, lang: &str) -> Option<&'static str> {
    let i = match code {
        NOT_ASKED => 0,
        NOT_ANSWERED => 1,
        NOT_REACHED => 2,
        _ => return None,
    };
    let words: [&str; 3] = match crate::language::words(lang) {
        Words::Fi => ["Ei kysytty", "Ei vastattu", "Ei saavutettu (keskeytti)"],
        Words::Sv => ["Inte frågad", "Inte besvarad", "Inte nådd (avbröt)"],
        Words::En => ["Not asked", "Not answered", "Not reached (break-off)"],
    };
    Some(words[i])
}

/// Labels of the 0/1 values of a multiple choice column: `[0, 1]`.
pub fn flag_labels(lang: &str) -> [&'static str; 2] {
    match crate::language::words(lang) {
        Words::Fi => ["Ei valittu", "Valittu"],
        Words::Sv => ["Inte vald", "Vald"],
        Words::En => ["Not chosen", "Chosen"],
    }
}

/// Labels of `resp_status`: `[complete (1), partial (2)]`.
pub fn status_labels(lang: &str) -> [&'static str; 2] {
    match crate::language::words(lang) {
        Words::Fi => ["Valmis", "Keskeneräinen"],
        Words::Sv => ["Fullständig", "Ofullständig"],
        Words::En => ["Complete", "Partial"],
    }
}

/// Variable labels of the envelope's columns, in [`ENVELOPE`] order.
pub fn envelope_labels(lang: &str) -> [&'static str; 3] {
    match crate::language::words(lang) {
        Words::Fi => ["Vastaajan tunniste", "Vastauksen tila", "Lähetetty"],
        Words::Sv => ["Respondentens id", "Svarets status", "Inskickat"],
        Words::En => ["Respondent id", "Response status", "Submitted"],
    }
}

/// The widest string SPSS stores, in bytes.
pub const MAX_STRING_WIDTH: u32 = 32767;
/// Width of `resp_id` in the `.sav` (longer ids are cut, with a warning).
pub const ID_WIDTH: u32 = 64;
/// Width of `resp_submitted` (RFC 3339 date-times are shorter).
pub const SUBMITTED_WIDTH: u32 = 40;

/// The width in bytes of a string column in SPSS: 4 × the maximum length
/// in Unicode code points for texts (UTF-8 takes at most 4 bytes a code
/// point), at most [`MAX_STRING_WIDTH`]; 10 for dates; the longest value
/// for hidden variables; [`ID_WIDTH`] and [`SUBMITTED_WIDTH`] for the
/// envelope. `None` for numeric columns.
pub fn string_width(column: &Column<'_>) -> Option<u32> {
    let w = match column.kind {
        ColumnKind::Id => ID_WIDTH,
        ColumnKind::Submitted => SUBMITTED_WIDTH,
        ColumnKind::Text { max_length } => max_length
            .map_or(MAX_STRING_WIDTH, |m| m.saturating_mul(4))
            .min(MAX_STRING_WIDTH),
        ColumnKind::Date => 10,
        ColumnKind::Hidden => column
            .variable
            .and_then(|v| v.values.iter().map(|s| s.len() as u32).max())
            .unwrap_or(8)
            .clamp(1, MAX_STRING_WIDTH),
        _ => return None,
    };
    Some(w.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckOptions, check_source};

    #[test]
    fn columns_follow_the_ir() {
        let src = r#"survey s
  version "1"
  languages en
  title en "S"
section a
  title en "A"
question m multiple
  text en "M"
  label en "M"
  option 1 en "One"
  option 2 en "Two"
  option 99 missing exclusive en "Don't know"
question n integer
  text en "N"
  label en "N"
hidden lang language
  label en "Language"
"#;
        let checked = check_source("s.survey", src, &CheckOptions::default());
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        let survey = checked.survey.as_ref().expect("clean");
        let names: Vec<&str> = columns(survey).iter().map(|c| c.name).collect();
        assert_eq!(
            names,
            [
                "resp_id",
                "resp_status",
                "resp_submitted",
                "m_1",
                "m_2",
                "m_99",
                "n",
                "lang"
            ]
        );
        let cols = columns(survey);
        assert_eq!(cols[5].kind, ColumnKind::Flag { code: 99 });
        assert!(cols[6].kind.is_numeric());
        assert!(!cols[7].kind.is_numeric());
    }

    #[test]
    fn labels_and_widths() {
        assert_eq!(missing_kind_label(NOT_ASKED, "fi"), Some("Ei kysytty"));
        assert_eq!(
            missing_kind_label(NOT_REACHED, "sv"),
            Some("Inte nådd (avbröt)")
        );
        assert_eq!(missing_kind_label(NOT_ANSWERED, "de"), Some("Not answered"));
        assert_eq!(missing_kind_label(99, "en"), None);
        assert_eq!(flag_labels("en"), ["Not chosen", "Chosen"]);
        assert_eq!(
            status_labels("fi")[STATUS_PARTIAL as usize - 1],
            "Keskeneräinen"
        );
        let text = |m| Column {
            name: "t",
            kind: ColumnKind::Text { max_length: m },
            variable: None,
        };
        assert_eq!(string_width(&text(Some(200))), Some(800));
        assert_eq!(string_width(&text(Some(1_000_000))), Some(MAX_STRING_WIDTH));
        assert_eq!(string_width(&text(None)), Some(MAX_STRING_WIDTH));
        let code = Column {
            name: "c",
            kind: ColumnKind::Code,
            variable: None,
        };
        assert_eq!(string_width(&code), None);
        let date = Column {
            name: "d",
            kind: ColumnKind::Date,
            variable: None,
        };
        assert_eq!(string_width(&date), Some(10));
    }
}
