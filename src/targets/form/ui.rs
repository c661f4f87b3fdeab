//! The form's own words (buttons, messages), in Finnish, Swedish and
//! English. Other languages get English: a survey in, say, German still
//! builds, with English buttons, until its strings are added here. A code
//! with subtags (`sv-FI`) gets its primary language's words.

use crate::language::Words;

/// The keys of the interface strings, in a fixed order. `{n}` and `{m}` are
/// filled in by the runtime.
pub const KEYS: &[&str] = &[
    "next",
    "back",
    "submit",
    "page",
    "languages",
    "noscript",
    "saved",
    "choose",
    "specify",
    "max_choices",
    "min_choices",
    "err_number",
    "err_integer",
    "err_min",
    "err_max",
    "err_decimals",
    "err_length",
    "err_date",
    "err_required",
    "errors",
    "sending",
    "thanks_title",
    "thanks_text",
    "send_error",
    "download_title",
    "download_text",
    "download_link",
    "restored",
    "choices_range",
    "choices_exact",
    "err_decimal",
    "number_range",
    "number_min",
    "number_max",
];

/// One interface string in a language (English when the language has no
/// strings of its own).
pub fn text(lang: &str, key: &str) -> &'static str {
    let table = match crate::language::words(lang) {
        Words::Fi => FI,
        Words::Sv => SV,
        Words::En => EN,
    };
    table
        .iter()
        .chain(EN.iter())
        .find(|(k, _)| *k == key)
        .map_or("", |(_, v)| v)
}

/// The writing direction of a language (its primary subtag decides).
pub fn direction(lang: &str) -> &'static str {
    match crate::language::primary(lang) {
        "ar" | "he" | "fa" | "ur" | "yi" | "ps" | "ckb" | "dv" | "sd" | "ug" => "rtl",
        _ => "ltr",
    }
}

/// The name of a language in that language, for the language links; a
/// code with subtags gets them after the name (`sv-FI`: "På svenska (FI)").
pub fn language_name(code: &str) -> String {
    let primary = crate::language::primary(code);
    let name = match primary.to_ascii_lowercase().as_str() {
        "fi" => "Suomeksi",
        "sv" => "På svenska",
        "en" => "In English",
        "se" => "Sámegillii",
        "de" => "Auf Deutsch",
        "fr" => "En français",
        "ru" => "По-русски",
        "et" => "Eesti keeles",
        "ar" => "بالعربية",
        _ => return code.to_string(),
    };
    match code.get(primary.len() + 1..) {
        Some(rest) => format!("{name} ({rest})"),
        None => name.to_string(),
    }
}

const FI: &[(&str, &str)] = &[
    ("next", "Seuraava"),
    ("back", "Edellinen"),
    ("submit", "Lähetä vastaukset"),
    ("page", "Sivu {n}/{m}"),
    ("languages", "Kieli"),
    (
        "noscript",
        "Vastaaminen vaatii JavaScriptin. Voit lukea kysymykset tältä sivulta, mutta vastataksesi ota JavaScript käyttöön.",
    ),
    (
        "saved",
        "Vastauksesi tallentuvat tälle laitteelle, kunnes lähetät ne.",
    ),
    ("choose", "Valitse"),
    ("specify", "Tarkenna"),
    ("max_choices", "Valitse enintään {n}."),
    ("min_choices", "Valitse vähintään {n}."),
    ("err_number", "Anna luku."),
    ("err_integer", "Anna kokonaisluku."),
    ("err_min", "Pienin sallittu arvo on {n}."),
    ("err_max", "Suurin sallittu arvo on {n}."),
    ("err_decimals", "Enintään {n} desimaalia."),
    ("err_length", "Enintään {n} merkkiä (nyt {m})."),
    ("err_date", "Anna päivämäärä muodossa VVVV-KK-PP."),
    ("err_required", "Tähän kysymykseen on vastattava."),
    ("errors", "Tarkista vastaukset: {n}."),
    ("sending", "Lähetetään…"),
    ("thanks_title", "Kiitos vastauksistasi!"),
    ("thanks_text", "Vastauksesi on vastaanotettu."),
    (
        "send_error",
        "Lähetys epäonnistui. Vastauksesi ovat tallessa tällä laitteella. Yritä uudelleen.",
    ),
    ("download_title", "Vastauksesi on valmis"),
    (
        "download_text",
        "Lomakkeelle ei ole määritetty lähetysosoitetta. Tallenna vastauksesi tiedostona:",
    ),
    ("download_link", "Lataa vastaukset (JSON)"),
    ("restored", "Aiemmat vastauksesi palautettiin."),
    ("choices_range", "Valitse {n}–{m}."),
    ("choices_exact", "Valitse {n}."),
    ("err_decimal", "Anna luku, esimerkiksi {n}."),
    ("number_range", "Anna luku väliltä {n}–{m}."),
    ("number_min", "Anna luku, vähintään {n}."),
    ("number_max", "Anna luku, enintään {n}."),
];

const SV: &[(&str, &str)] = &[
    ("next", "Nästa"),
    ("back", "Föregående"),
    ("submit", "Skicka svaren"),
    ("page", "Sida {n} av {m}"),
    ("languages", "Språk"),
    (
        "noscript",
        "För att svara behövs JavaScript. Du kan läsa frågorna på den här sidan, men slå på JavaScript för att svara.",
    ),
    (
        "saved",
        "Dina svar sparas på den här enheten tills du skickar dem.",
    ),
    ("choose", "Välj"),
    ("specify", "Precisera"),
    ("max_choices", "Välj högst {n}."),
    ("min_choices", "Välj minst {n}."),
    ("err_number", "Ange ett tal."),
    ("err_integer", "Ange ett heltal."),
    ("err_min", "Det minsta tillåtna värdet är {n}."),
    ("err_max", "Det största tillåtna värdet är {n}."),
    ("err_decimals", "Högst {n} decimaler."),
    ("err_length", "Högst {n} tecken (nu {m})."),
    ("err_date", "Ange ett datum i formen ÅÅÅÅ-MM-DD."),
    ("err_required", "Den här frågan måste besvaras."),
    ("errors", "Kontrollera svaren: {n}."),
    ("sending", "Skickar…"),
    ("thanks_title", "Tack för dina svar!"),
    ("thanks_text", "Dina svar har tagits emot."),
    (
        "send_error",
        "Det gick inte att skicka. Dina svar finns kvar på den här enheten. Försök igen.",
    ),
    ("download_title", "Dina svar är klara"),
    (
        "download_text",
        "Formuläret har ingen adress att skicka till. Spara dina svar som en fil:",
    ),
    ("download_link", "Ladda ner svaren (JSON)"),
    ("restored", "Dina tidigare svar har återställts."),
    ("choices_range", "Välj {n}–{m}."),
    ("choices_exact", "Välj {n}."),
    ("err_decimal", "Ange ett tal, till exempel {n}."),
    ("number_range", "Ange ett tal mellan {n} och {m}."),
    ("number_min", "Ange ett tal, minst {n}."),
    ("number_max", "Ange ett tal, högst {n}."),
];

const EN: &[(&str, &str)] = &[
    ("next", "Next"),
    ("back", "Back"),
    ("submit", "Submit"),
    ("page", "Page {n} of {m}"),
    ("languages", "Language"),
    (
        "noscript",
        "Answering needs JavaScript. You can read the questions on this page, but please turn on JavaScript to answer.",
    ),
    (
        "saved",
        "Your answers are saved on this device until you submit them.",
    ),
    ("choose", "Choose"),
    ("specify", "Please specify"),
    ("max_choices", "Choose at most {n}."),
    ("min_choices", "Choose at least {n}."),
    ("err_number", "Enter a number."),
    ("err_integer", "Enter a whole number."),
    ("err_min", "The smallest allowed value is {n}."),
    ("err_max", "The largest allowed value is {n}."),
    ("err_decimals", "At most {n} decimal places."),
    ("err_length", "At most {n} characters (now {m})."),
    ("err_date", "Enter a date as YYYY-MM-DD."),
    ("err_required", "This question must be answered."),
    ("errors", "Please check your answers: {n}."),
    ("sending", "Sending…"),
    ("thanks_title", "Thank you for your answers!"),
    ("thanks_text", "Your answers have been received."),
    (
        "send_error",
        "Sending failed. Your answers are kept on this device. Please try again.",
    ),
    ("download_title", "Your answers are ready"),
    (
        "download_text",
        "This form has no address to send to. Save your answers as a file:",
    ),
    ("download_link", "Download the answers (JSON)"),
    ("restored", "Your earlier answers were restored."),
    ("choices_range", "Choose {n} to {m}."),
    ("choices_exact", "Choose {n}."),
    ("err_decimal", "Enter a number, for example {n}."),
    ("number_range", "Enter a number from {n} to {m}."),
    ("number_min", "Enter a number of at least {n}."),
    ("number_max", "Enter a number of at most {n}."),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_key() {
        for table in [FI, SV, EN] {
            for k in KEYS {
                assert!(table.iter().any(|(t, _)| t == k), "missing {k}");
            }
            assert_eq!(table.len(), KEYS.len());
        }
        assert_eq!(text("de", "next"), "Next");
        assert_eq!(text("sv", "next"), "Nästa");
    }
}
