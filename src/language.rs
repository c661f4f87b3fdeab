//! Language codes as lomake's own words read them: a survey may use any
//! code (`fi`, `sv-FI`, `se`), and the built-in texts (the form's buttons
//! and messages, the codebooks' and the SPSS files' words, the schema's
//! envelope) come in Finnish, Swedish and English.

/// The built-in word sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Words {
    Fi,
    Sv,
    En,
}

/// The primary subtag of a language code, as written (`sv-FI` → `sv`).
pub fn primary(code: &str) -> &str {
    code.split('-').next().unwrap_or(code)
}

/// The built-in words a language uses: its primary subtag decides, in any
/// case (`sv-FI`, `SV` → Swedish); English for languages without words of
/// their own.
pub fn words(code: &str) -> Words {
    let p = primary(code);
    if p.eq_ignore_ascii_case("fi") {
        Words::Fi
    } else if p.eq_ignore_ascii_case("sv") {
        Words::Sv
    } else {
        Words::En
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtags_and_case_do_not_matter() {
        assert_eq!(words("sv-FI"), Words::Sv);
        assert_eq!(words("SV"), Words::Sv);
        assert_eq!(words("fi"), Words::Fi);
        assert_eq!(words("fil"), Words::En);
        assert_eq!(words("se"), Words::En);
        assert_eq!(primary("zh-Hant-TW"), "zh");
    }
}
