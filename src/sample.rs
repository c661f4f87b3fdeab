//! Synthetic responses: valid responses that follow a survey's routing.
//!
//! For tests (schema and validator agreement), benchmarks, and vendors who
//! want data to try their import with (`lomake sample`). Deterministic: the
//! same survey and seed give the same responses.
//!
//! Variables are walked in questionnaire order; each is asked when its
//! condition, evaluated on the answers so far with [`crate::eval`], is true,
//! and then gets a random valid value, a declared missing code, or `null`.
//! A partial response stops at a random variable: everything after it is
//! absent (not reached).

use serde_json::{Map, Number, Value, json};

use crate::eval::{Truth, eval};
use crate::ir::{Survey, Variable, VariableKind};

/// A small, fast, seedable generator (SplitMix64); no dependency needed.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.below(items.len() as u64) as usize)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Complete,
    Partial,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub status: Status,
    /// Percentage of asked variables left `null` (never for required ones in
    /// a complete response).
    pub null_percent: u64,
    /// Add `_submitted` and `_id`.
    pub envelope_extras: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            status: Status::Complete,
            null_percent: 10,
            envelope_extras: true,
        }
    }
}

/// The first and last day (days since 1970-01-01) that sample responses
/// are submitted on: the survey's `opens` to `closes`; four weeks from or
/// up to the one given; February 2023 without either.
fn field_period(survey: &Survey) -> (i64, i64) {
    let day = |d: &Option<String>| d.as_deref().and_then(days_from_date);
    match (day(&survey.opens), day(&survey.closes)) {
        (Some(a), Some(b)) if a <= b => (a, b),
        (Some(a), None) => (a, a + 27),
        (None, Some(b)) => (b - 27, b),
        _ => {
            let first = days_from_civil(2023, 2, 1);
            (first, first + 27)
        }
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
fn days_from_date(date: &str) -> Option<i64> {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| days_from_civil(y, m, d))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day since 1970-01-01: the inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// One valid response.
pub fn sample_response(survey: &Survey, seed: u64, options: &Options) -> Value {
    let mut rng = Rng::new(seed);
    let mut r = Map::new();
    r.insert("_survey".into(), json!(survey.id));
    r.insert("_version".into(), json!(survey.version));
    r.insert(
        "_status".into(),
        json!(match options.status {
            Status::Complete => "complete",
            Status::Partial => "partial",
        }),
    );
    if options.envelope_extras {
        r.insert("_id".into(), json!(format!("r{seed}")));
        // A day of the survey's field period (`opens` to `closes`, four
        // weeks from the one given), else of February 2023.
        let (first, last) = field_period(survey);
        let day = first + rng.below((last - first + 1) as u64) as i64;
        let (y, m, d) = civil_from_days(day);
        let minute = rng.below(24 * 60);
        r.insert(
            "_submitted".into(),
            json!(format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:00Z",
                minute / 60,
                minute % 60
            )),
        );
    }
    let stop = match options.status {
        Status::Complete => usize::MAX,
        Status::Partial => rng.below(survey.variables.len() as u64 + 1) as usize,
    };
    // The language is set by the form before anything else is asked.
    for v in survey
        .variables
        .iter()
        .filter(|v| v.kind == VariableKind::Hidden)
    {
        if let Some(lang) = rng.pick(&v.values) {
            r.insert(v.name.clone(), json!(lang));
        }
    }
    for (i, v) in survey.variables.iter().enumerate() {
        if v.kind == VariableKind::Hidden {
            continue;
        }
        if i >= stop {
            break;
        }
        let asked = v
            .condition
            .as_ref()
            .is_none_or(|c| eval(c, &r, survey) == Truth::True);
        if !asked {
            continue;
        }
        let may_be_null = !(v.required && options.status == Status::Complete);
        let value = if may_be_null && rng.chance(options.null_percent) {
            Value::Null
        } else {
            value(survey, v, &mut rng)
        };
        r.insert(v.name.clone(), value);
    }
    Value::Object(r)
}

/// A random valid value of one variable.
pub fn value(survey: &Survey, v: &Variable, rng: &mut Rng) -> Value {
    let options = v
        .list
        .as_deref()
        .and_then(|l| survey.list(l))
        .map(|l| l.options.as_slice())
        .unwrap_or_default();
    match v.kind {
        VariableKind::Single => rng.pick(options).map_or(Value::Null, |o| json!(o.code)),
        VariableKind::Multiple => {
            let exclusive: Vec<i64> = options
                .iter()
                .filter(|o| o.exclusive)
                .map(|o| o.code)
                .collect();
            let mut rest: Vec<i64> = options
                .iter()
                .filter(|o| !o.exclusive)
                .map(|o| o.code)
                .collect();
            if rest.is_empty() || (!exclusive.is_empty() && rng.chance(10)) {
                return rng.pick(&exclusive).map_or(Value::Null, |c| json!([c]));
            }
            let max = v
                .max
                .as_ref()
                .and_then(Number::as_u64)
                .unwrap_or(rest.len() as u64)
                .min(rest.len() as u64)
                .max(1);
            let min = v
                .min
                .as_ref()
                .and_then(Number::as_u64)
                .unwrap_or(1)
                .clamp(1, max);
            let n = min + rng.below(max - min + 1);
            // A partial Fisher–Yates shuffle picks n distinct codes.
            for i in 0..n as usize {
                let j = i + rng.below((rest.len() - i) as u64) as usize;
                rest.swap(i, j);
            }
            let mut chosen = rest[..n as usize].to_vec();
            chosen.sort_unstable();
            json!(chosen)
        }
        VariableKind::Integer => {
            let lo = v.min.as_ref().and_then(Number::as_i64).unwrap_or(0);
            let hi = v
                .max
                .as_ref()
                .and_then(Number::as_i64)
                .unwrap_or(lo.saturating_add(100))
                .max(lo);
            let span = (hi - lo) as u64 + 1;
            json!(lo + rng.below(span) as i64)
        }
        VariableKind::Decimal => {
            let lo = v.min.as_ref().and_then(Number::as_f64).unwrap_or(0.0);
            let hi = v
                .max
                .as_ref()
                .and_then(Number::as_f64)
                .unwrap_or(lo + 100.0)
                .max(lo);
            let scale = 10f64.powi(v.decimals.unwrap_or(2) as i32);
            let x = lo + (hi - lo) * (rng.below(1_000_001) as f64 / 1_000_000.0);
            let x = ((x * scale).floor() / scale).clamp(lo, hi);
            Number::from_f64(x).map_or(Value::Null, Value::Number)
        }
        VariableKind::Text => {
            const PIECES: &[&str] = &[
                "yhteistyö",
                "samarbete",
                "cooperation",
                "ä",
                "ö",
                "å",
                " ",
                "Åland",
                "🙂",
                "<b>",
                "\"",
                "&",
            ];
            // A text someone typed: one to 60 characters (never more than
            // the question allows), of pieces that fit; one-character
            // pieces fill what a longer one would overrun.
            const ONE: &[&str] = &["ä", "ö", "å", "🙂", "\"", "&", "x"];
            let max = v.max_length.unwrap_or(200).max(1) as usize;
            let target = 1 + rng.below(max.min(60) as u64) as usize;
            let mut s = String::new();
            let mut len = 0;
            while len < target {
                let mut piece = rng.pick(PIECES).copied().unwrap_or("a");
                if len + piece.chars().count() > target {
                    piece = rng.pick(ONE).copied().unwrap_or("a");
                }
                s.push_str(piece);
                len += piece.chars().count();
            }
            json!(s)
        }
        VariableKind::Date => {
            let y = 2000 + rng.below(31);
            let m = 1 + rng.below(12);
            let d = 1 + rng.below(28);
            json!(format!("{y:04}-{m:02}-{d:02}"))
        }
        VariableKind::Hidden => rng.pick(&v.values).map_or(Value::Null, |x| json!(x)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckOptions, check_file};
    use crate::source::DiskLoader;

    fn barometer() -> Survey {
        let path = std::path::Path::new("surveys/partnership-barometer-2023.survey");
        check_file(&DiskLoader, path, &CheckOptions::default())
            .unwrap()
            .survey
            .unwrap()
    }

    #[test]
    fn dates_round_trip() {
        for day in -800_000..800_000 {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        assert_eq!(days_from_date("1970-01-01"), Some(0));
        assert_eq!(
            civil_from_days(days_from_civil(2024, 2, 28) + 1),
            (2024, 2, 29)
        );
        assert_eq!(
            civil_from_days(days_from_civil(2020, 12, 31) + 1),
            (2021, 1, 1)
        );
    }

    /// Responses are submitted within the survey's field period: the
    /// 2023 wave ran from 2023-01-23 to 2023-02-24.
    #[test]
    fn submitted_within_the_field_period() {
        let s = barometer();
        let mut days = std::collections::BTreeSet::new();
        for seed in 0..500 {
            let r = sample_response(&s, seed, &Options::default());
            let at = r["_submitted"].as_str().unwrap().to_string();
            let day = &at[..10];
            assert!(("2023-01-23"..="2023-02-24").contains(&day), "{at}");
            days.insert(day.to_string());
        }
        // Both ends and most days between are used.
        assert!(days.contains("2023-01-23") && days.contains("2023-02-24"));
        assert!(days.len() > 25, "{days:?}");
    }

    #[test]
    fn deterministic_for_a_seed() {
        let s = barometer();
        let o = Options::default();
        assert_eq!(sample_response(&s, 7, &o), sample_response(&s, 7, &o));
        assert_ne!(sample_response(&s, 7, &o), sample_response(&s, 8, &o));
    }

    #[test]
    fn follows_routing_and_list_rules() {
        let s = barometer();
        for seed in 0..200 {
            let r = sample_response(&s, seed, &Options::default());
            let r = r.as_object().unwrap();
            for v in &s.variables {
                let asked = v
                    .condition
                    .as_ref()
                    .is_none_or(|c| eval(c, r, &s) == Truth::True);
                assert_eq!(asked, r.contains_key(&v.name), "seed {seed}: {}", v.name);
            }
            if let Some(Value::Array(codes)) = r.get("new_methods") {
                assert!(!codes.is_empty());
                assert!(
                    !codes.contains(&json!(99)) || codes.len() == 1,
                    "seed {seed}"
                );
            }
            if let Some(Value::Array(codes)) = r.get("info_sources") {
                assert!((1..=5).contains(&codes.len()), "seed {seed}");
            }
        }
    }

    /// A text answer is something typed: never empty, never longer than
    /// the question allows, of every length up to 60 characters.
    #[test]
    fn text_answers_are_typed_texts() {
        let s = barometer();
        let mut lengths = std::collections::BTreeSet::new();
        let mut texts = 0;
        for seed in 0..400 {
            let r = sample_response(&s, seed, &Options::default());
            let r = r.as_object().unwrap();
            for v in s.variables.iter().filter(|v| v.kind == VariableKind::Text) {
                let Some(Value::String(t)) = r.get(&v.name) else {
                    continue;
                };
                let n = t.chars().count();
                assert!(n >= 1, "seed {seed}: {} is empty", v.name);
                assert!(
                    n <= v.max_length.unwrap_or(200) as usize,
                    "seed {seed}: {t}"
                );
                lengths.insert(n);
                texts += 1;
            }
        }
        assert!(texts > 100, "{texts} text answers");
        assert!(lengths.len() > 40, "lengths {lengths:?}");
    }
}
