//! The flat table as an SPSS system file (`.sav`), written by hand after the
//! GNU PSPP developers' guide, "System File Format".
//!
//! What is written, in order: the file header (`$FL2`, bytecode compression,
//! a fixed creation date so that the same input gives the same bytes, the
//! case count patched in at the end); one variable record per column (type
//! 2; continuation records for strings over 8 bytes; very long strings over
//! 255 bytes as 255-byte segments), with its variable label and missing
//! values; value labels (records 3 and 4); a document record (type 6)
//! naming the survey; machine integer info (7.3, character code 65001 =
//! UTF-8) and float info (7.4); multiple response sets (7.7); variable
//! display parameters (7.11: measurement level, width, alignment); long
//! variable names (7.13); very long strings (7.14); data file attributes
//! (7.17: the survey id and version); the character encoding (7.20,
//! `UTF-8`); the dictionary termination (999); then the cases.
//!
//! Limits (UTF-8 bytes, cut at a character boundary with a warning):
//! variable labels 255 (what PSPP writes), value labels 120, strings
//! 32767.

use std::collections::BTreeSet;
use std::io::{Seek, SeekFrom, Write};

use super::{Cell, Sink};
use crate::flat::{self, Column, ColumnKind};
use crate::ir::{Level, Survey, Text, VariableKind};

/// The fixed creation date and time in the header (no clock: same input,
/// same bytes).
pub const CREATION_DATE: &[u8; 9] = b"01 Jan 00";
pub const CREATION_TIME: &[u8; 8] = b"00:00:00";
pub const MAX_VARIABLE_LABEL: usize = 255;
pub const MAX_VALUE_LABEL: usize = 120;
const BIAS: f64 = 100.0;
const SYSMIS: f64 = -f64::MAX;

/// Options of the `.sav` writer.
#[derive(Clone, Debug)]
pub struct SavOptions {
    /// The language of the labels.
    pub lang: String,
    /// Bytecode compression (the usual for `.sav`); off writes raw cases.
    pub compress: bool,
}

/// One column in the file.
struct Var {
    name: String,
    /// Short names: one per segment.
    short: Vec<String>,
    /// 0 numeric, else the string width in bytes.
    width: u32,
    label: String,
    /// Value labels (numeric columns).
    values: Vec<(f64, String)>,
    /// Missing values: `(range, discrete)`.
    missing: (Option<(f64, f64)>, Vec<f64>),
    measure: i32,
    format: (u8, u8, u8),
    /// Values cut to fit the width.
    cut: u64,
}

impl Var {
    fn segments(&self) -> usize {
        if self.width <= 255 {
            1
        } else {
            (self.width as usize).div_ceil(252)
        }
    }

    /// The width of segment `i`.
    fn segment_width(&self, i: usize) -> u32 {
        let n = self.segments();
        if n == 1 {
            self.width
        } else if i + 1 < n {
            255
        } else {
            self.width - 252 * (n as u32 - 1)
        }
    }

    /// 8-byte elements of a case taken by segment `i`.
    fn segment_elements(&self, i: usize) -> usize {
        if self.width == 0 {
            1
        } else {
            (self.segment_width(i) as usize).div_ceil(8)
        }
    }
}

/// Writes the flat table as a `.sav` file.
pub struct SavWriter<W: Write + Seek> {
    out: W,
    vars: Vec<Var>,
    compress: bool,
    cases: u64,
    /// Compression state: the command block and the data after it.
    commands: Vec<u8>,
    data: Vec<u8>,
    /// Raw (uncompressed) case buffer.
    case: Vec<u8>,
    warnings: BTreeSet<String>,
}

impl<W: Write + Seek> SavWriter<W> {
    /// Writes the dictionary of `columns` (from [`crate::flat::columns`],
    /// maybe redacted).
    pub fn new(
        mut out: W,
        survey: &Survey,
        columns: &[Column<'_>],
        options: &SavOptions,
    ) -> std::io::Result<Self> {
        let mut warnings = BTreeSet::new();
        let lang = options.lang.as_str();
        let mut vars: Vec<Var> = columns
            .iter()
            .map(|c| describe(survey, c, lang, &mut warnings))
            .collect();
        assign_short_names(&mut vars);

        let mut w = Buf::default();
        // File header.
        w.bytes(b"$FL2");
        w.padded(b"@(#) SPSS DATA FILE lomake", 60, b' ');
        w.i32(2);
        let elements: usize = vars
            .iter()
            .map(|v| {
                (0..v.segments())
                    .map(|i| v.segment_elements(i))
                    .sum::<usize>()
            })
            .sum();
        w.i32(elements as i32);
        w.i32(i32::from(options.compress));
        w.i32(0);
        w.i32(-1); // cases: patched in by `finish`
        w.f64(BIAS);
        w.bytes(CREATION_DATE);
        w.bytes(CREATION_TIME);
        let label = format!("{} {}", survey.id, survey.version);
        w.padded(
            cut(&label, 64, &mut warnings, "the file label").as_bytes(),
            64,
            b' ',
        );
        w.bytes(&[0; 3]);

        // Variable records.
        for v in &vars {
            for seg in 0..v.segments() {
                let sw = v.segment_width(seg);
                w.i32(2);
                w.i32(sw as i32);
                let first = seg == 0;
                let has_label = first && !v.label.is_empty();
                w.i32(i32::from(has_label));
                let (range, discrete) = &v.missing;
                let n_missing = if !first {
                    0
                } else if range.is_some() {
                    -2 - discrete.len() as i32
                } else {
                    discrete.len() as i32
                };
                w.i32(n_missing);
                let fmt = if v.width == 0 {
                    (v.format.0, v.format.1, v.format.2)
                } else {
                    (1, sw.clamp(1, 255) as u8, 0)
                };
                let packed = (i32::from(fmt.0) << 16) | (i32::from(fmt.1) << 8) | i32::from(fmt.2);
                w.i32(packed);
                w.i32(packed);
                w.padded(v.short[seg].as_bytes(), 8, b' ');
                if has_label {
                    let bytes = v.label.as_bytes();
                    w.i32(bytes.len() as i32);
                    w.padded(bytes, bytes.len().div_ceil(4) * 4, b' ');
                }
                if first {
                    if let Some((lo, hi)) = range {
                        w.f64(*lo);
                        w.f64(*hi);
                    }
                    for d in discrete {
                        w.f64(*d);
                    }
                }
                for _ in 1..v.segment_elements(seg) {
                    w.i32(2);
                    w.i32(-1);
                    w.i32(0);
                    w.i32(0);
                    w.i32(0);
                    w.i32(0);
                    w.bytes(&[b' '; 8]);
                }
            }
        }

        // Value labels: one record pair per column that has any.
        let mut index = 1i32;
        for v in &vars {
            if !v.values.is_empty() {
                w.i32(3);
                w.i32(v.values.len() as i32);
                for (value, label) in &v.values {
                    w.f64(*value);
                    let b = label.as_bytes();
                    w.bytes(&[b.len() as u8]);
                    w.padded(b, (b.len() + 1).div_ceil(8) * 8 - 1, b' ');
                }
                w.i32(4);
                w.i32(1);
                w.i32(index);
            }
            index += (0..v.segments())
                .map(|i| v.segment_elements(i))
                .sum::<usize>() as i32;
        }

        // Documents.
        let docs = [
            format!("Survey: {} version {}", survey.id, survey.version),
            format!("Labels: {lang}"),
            "Written by lomake flatten; layout: docs/flat-data.md".to_string(),
            "Missing kinds: -1 not asked, -2 not answered, -3 not reached".to_string(),
        ];
        w.i32(6);
        w.i32(docs.len() as i32);
        for d in &docs {
            let line = cut_quiet(d, 80);
            w.padded(line.as_bytes(), 80, b' ');
        }

        // 7.3 machine integer info.
        w.record7(3, 4, 8);
        for x in [1, 0, 0, -1, 1, 1, 2, 65001] {
            w.i32(x);
        }
        // 7.4 machine float info.
        w.record7(4, 8, 3);
        w.f64(SYSMIS);
        w.f64(f64::MAX);
        w.bytes(&0xffef_ffff_ffff_fffe_u64.to_le_bytes());

        // 7.7 multiple dichotomy sets: one per multiple choice.
        let mrsets = mrsets(survey, columns, &vars, lang);
        if !mrsets.is_empty() {
            w.record7(7, 1, mrsets.len() as i32);
            w.bytes(mrsets.as_bytes());
        }

        // 7.11 variable display parameters: one set per segment.
        let n_segments: usize = vars.iter().map(Var::segments).sum();
        w.record7(11, 4, (n_segments * 3) as i32);
        for v in &vars {
            for seg in 0..v.segments() {
                w.i32(v.measure);
                let width = if v.width == 0 {
                    8
                } else if seg == 0 {
                    v.width.min(40) as i32
                } else {
                    v.segment_width(seg).min(40) as i32
                };
                w.i32(width);
                w.i32(if v.width == 0 { 1 } else { 0 });
            }
        }

        // 7.13 long variable names.
        let names: Vec<String> = vars
            .iter()
            .map(|v| format!("{}={}", v.short[0], v.name))
            .collect();
        let names = names.join("\t");
        w.record7(13, 1, names.len() as i32);
        w.bytes(names.as_bytes());

        // 7.14 very long strings.
        let mut vls = Vec::new();
        for v in vars.iter().filter(|v| v.segments() > 1) {
            vls.extend_from_slice(format!("{}={:05}", v.short[0], v.width).as_bytes());
            vls.extend_from_slice(b"\0\t");
        }
        if !vls.is_empty() {
            w.record7(14, 1, vls.len() as i32);
            w.bytes(&vls);
        }

        // 7.17 data file attributes.
        let mut attrs = String::new();
        for (name, value) in [("SurveyId", &survey.id), ("SurveyVersion", &survey.version)] {
            if !value.contains(['\'', '\n', '\r']) {
                attrs.push_str(&format!("{name}('{value}'\n)"));
            }
        }
        if !attrs.is_empty() {
            w.record7(17, 1, attrs.len() as i32);
            w.bytes(attrs.as_bytes());
        }

        // 7.20 character encoding.
        w.record7(20, 1, 5);
        w.bytes(b"UTF-8");

        // Dictionary termination.
        w.i32(999);
        w.i32(0);

        out.write_all(&w.0)?;
        Ok(SavWriter {
            out,
            vars,
            compress: options.compress,
            cases: 0,
            commands: Vec::with_capacity(8),
            data: Vec::with_capacity(64),
            case: Vec::new(),
            warnings,
        })
    }

    pub fn cases(&self) -> u64 {
        self.cases
    }

    pub fn into_inner(self) -> W {
        self.out
    }
    fn number(&mut self, x: f64) -> std::io::Result<()> {
        if !self.compress {
            self.case.extend_from_slice(&x.to_le_bytes());
            return Ok(());
        }
        if x == SYSMIS || x.is_nan() {
            self.command(255, None)
        } else if x.fract() == 0.0 && (-99.0..=151.0).contains(&x) {
            self.command((x + BIAS) as u8, None)
        } else {
            self.command(253, Some(x.to_le_bytes()))
        }
    }

    /// A string cell: its bytes padded with spaces to the segments' widths.
    fn string(&mut self, i: usize, s: &str) -> std::io::Result<()> {
        let v = &mut self.vars[i];
        let mut bytes = s.as_bytes();
        if bytes.len() > v.width as usize {
            bytes = cut_quiet(s, v.width as usize).as_bytes();
            v.cut += 1;
        }
        let segs = v.segments();
        let elements: Vec<usize> = (0..segs).map(|seg| v.segment_elements(seg)).collect();
        for (seg, n) in elements.into_iter().enumerate() {
            // 255 bytes of the string in every segment but the last.
            let start = (seg * 255).min(bytes.len());
            let end = if seg + 1 < segs {
                ((seg + 1) * 255).min(bytes.len())
            } else {
                bytes.len()
            };
            let part = &bytes[start..end];
            for k in 0..n {
                let from = k * 8;
                if from >= part.len() {
                    self.chunk([b' '; 8])?;
                    continue;
                }
                let to = (from + 8).min(part.len());
                let mut chunk = [b' '; 8];
                chunk[..to - from].copy_from_slice(&part[from..to]);
                self.chunk(chunk)?;
            }
        }
        Ok(())
    }

    /// Eight bytes of a string.
    fn chunk(&mut self, chunk: [u8; 8]) -> std::io::Result<()> {
        if !self.compress {
            self.case.extend_from_slice(&chunk);
            Ok(())
        } else if chunk == [b' '; 8] {
            self.command(254, None)
        } else {
            self.command(253, Some(chunk))
        }
    }

    fn command(&mut self, code: u8, raw: Option<[u8; 8]>) -> std::io::Result<()> {
        self.commands.push(code);
        if let Some(r) = raw {
            self.data.extend_from_slice(&r);
        }
        if self.commands.len() == 8 {
            self.flush_block()?;
        }
        Ok(())
    }

    fn flush_block(&mut self) -> std::io::Result<()> {
        if self.commands.is_empty() {
            return Ok(());
        }
        self.commands.resize(8, 0);
        self.out.write_all(&self.commands)?;
        self.out.write_all(&self.data)?;
        self.commands.clear();
        self.data.clear();
        Ok(())
    }
}

impl<W: Write + Seek> Sink for SavWriter<W> {
    fn row(&mut self, cells: &[Cell<'_>]) -> std::io::Result<()> {
        self.case.clear();
        for (i, c) in cells.iter().enumerate() {
            let numeric = self.vars.get(i).is_some_and(|v| v.width == 0);
            match (c, numeric) {
                (Cell::Num(x), true) => self.number(*x)?,
                (Cell::Str(s), false) => self.string(i, s)?,
                (Cell::Num(_), false) => self.string(i, "")?,
                (Cell::Str(_), true) => self.number(SYSMIS)?,
            }
        }
        if !self.compress {
            self.out.write_all(&self.case)?;
        }
        self.cases += 1;
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        if self.compress {
            self.flush_block()?;
        }
        let end = self.out.stream_position()?;
        self.out.seek(SeekFrom::Start(80))?;
        let n = i32::try_from(self.cases).unwrap_or(-1);
        self.out.write_all(&n.to_le_bytes())?;
        self.out.seek(SeekFrom::Start(end))?;
        self.out.flush()
    }

    /// Labels cut to SPSS limits, missing codes SPSS cannot declare, values
    /// cut to a string width. Sorted.
    fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self.warnings.iter().cloned().collect();
        for v in &self.vars {
            if v.cut > 0 {
                out.push(format!(
                    "{} value(s) of `{}` cut to its width of {} bytes in the .sav",
                    v.cut, v.name, v.width
                ));
            }
        }
        out
    }
}

/// A little-endian byte buffer for the dictionary.
#[derive(Default)]
struct Buf(Vec<u8>);

impl Buf {
    fn bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
    fn i32(&mut self, x: i32) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn f64(&mut self, x: f64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    /// `b` padded with `pad` to `len` bytes (`b` is never longer).
    fn padded(&mut self, b: &[u8], len: usize, pad: u8) {
        let b = &b[..b.len().min(len)];
        self.0.extend_from_slice(b);
        self.0.resize(self.0.len() + (len - b.len()), pad);
    }
    fn record7(&mut self, subtype: i32, size: i32, count: i32) {
        self.i32(7);
        self.i32(subtype);
        self.i32(size);
        self.i32(count);
    }
}

/// `s` cut to at most `max` bytes at a UTF-8 character boundary.
pub fn cut_quiet(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Like [`cut_quiet`], with a warning when something is cut.
fn cut(s: &str, max: usize, warnings: &mut BTreeSet<String>, what: &str) -> String {
    let c = cut_quiet(s, max);
    if c.len() < s.len() {
        warnings.insert(format!(
            "{what} is {} bytes; cut to {} bytes (SPSS allows {max}) in the .sav",
            s.len(),
            c.len()
        ));
    }
    c.to_string()
}

/// A text in a language, falling back to the first one there is.
fn text<'t>(t: &'t Text, lang: &str) -> &'t str {
    t.translations
        .get(lang)
        .or_else(|| t.translations.values().next())
        .map_or("", |t| t.plain())
}

/// One line: line breaks and runs of white space as single spaces.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The dictionary entry of one column.
fn describe(survey: &Survey, c: &Column<'_>, lang: &str, warnings: &mut BTreeSet<String>) -> Var {
    let width = flat::string_width(c).unwrap_or(0);
    let var = c.variable;
    let list = var
        .and_then(|v| v.list.as_deref())
        .and_then(|l| survey.list(l));
    let mut label = match (c.kind, var) {
        (ColumnKind::Id, _) => flat::envelope_labels(lang)[0].to_string(),
        (ColumnKind::Status, _) => flat::envelope_labels(lang)[1].to_string(),
        (ColumnKind::Submitted, _) => flat::envelope_labels(lang)[2].to_string(),
        (ColumnKind::Flag { code }, Some(v)) => {
            let option = list
                .and_then(|l| l.options.iter().find(|o| o.code == code))
                .and_then(|o| o.label.as_ref())
                .map_or_else(|| code.to_string(), |t| text(t, lang).to_string());
            format!("{}: {option}", text(&v.label, lang))
        }
        (_, Some(v)) => text(&v.label, lang).to_string(),
        (_, None) => String::new(),
    };
    label = one_line(&label);
    label = cut(
        &label,
        MAX_VARIABLE_LABEL,
        warnings,
        &format!("the label of `{}` ({lang})", c.name),
    );

    let kinds = [flat::NOT_ASKED, flat::NOT_ANSWERED, flat::NOT_REACHED];
    let kind_labels = |values: &mut Vec<(f64, String)>| {
        for k in kinds {
            if let Some(l) = flat::missing_kind_label(k, lang) {
                values.push((k as f64, l.to_string()));
            }
        }
    };
    let mut values: Vec<(f64, String)> = Vec::new();
    let mut missing: (Option<(f64, f64)>, Vec<f64>) = (None, Vec::new());
    let lowest = -f64::MAX;
    let (measure, format) = match c.kind {
        ColumnKind::Status => {
            let [a, b] = flat::status_labels(lang);
            values.push((flat::STATUS_COMPLETE as f64, a.to_string()));
            values.push((flat::STATUS_PARTIAL as f64, b.to_string()));
            (1, (5, 1, 0))
        }
        ColumnKind::Code => {
            kind_labels(&mut values);
            let mut digits = 2;
            if let Some(l) = list {
                for o in &l.options {
                    digits = digits.max(o.code.to_string().len());
                    if let Some(t) = &o.label {
                        values.push((o.code as f64, one_line(text(t, lang))));
                    }
                }
            }
            let codes = var.map_or(&[][..], |v| v.missing_codes.as_slice());
            missing.0 = Some((lowest, -1.0));
            let positive: Vec<i64> = codes.iter().copied().filter(|c| *c >= 0).collect();
            if let Some(first) = positive.first() {
                missing.1.push(*first as f64);
            }
            if positive.len() > 1 {
                warnings.insert(format!(
                    "`{}` declares missing codes {:?}; an SPSS file holds one besides the range LOWEST THRU -1, so only {} is declared missing in the .sav",
                    c.name, positive, positive[0]
                ));
            }
            let measure = match var.and_then(|v| v.level) {
                Some(Level::Ordinal) => 2,
                Some(Level::Scale) => 3,
                _ => 1,
            };
            (measure, (5, digits.min(40) as u8, 0))
        }
        ColumnKind::Flag { code } => {
            kind_labels(&mut values);
            let [no, yes] = flat::flag_labels(lang);
            values.push((0.0, no.to_string()));
            values.push((1.0, yes.to_string()));
            missing.0 = Some((lowest, -1.0));
            // A substantive option's column holds the declared missing code
            // chosen instead: labelled, and declared missing (the first).
            let held = var.map_or(&[][..], |v| flat::flag_missing_codes(v, code));
            if let Some(l) = list {
                for o in l.options.iter().filter(|o| held.contains(&o.code)) {
                    if let Some(t) = &o.label {
                        values.push((o.code as f64, one_line(text(t, lang))));
                    }
                }
            }
            if let Some(first) = held.iter().find(|c| **c >= 0) {
                missing.1.push(*first as f64);
            }
            // The width of every column of the question: the codes any holds.
            let codes = var.map_or(&[][..], |v| v.missing_codes.as_slice());
            let digits = codes.iter().map(|c| c.to_string().len()).max().unwrap_or(0);
            (1, (5, digits.clamp(2, 40) as u8, 0))
        }
        ColumnKind::Integer | ColumnKind::Decimal => {
            kind_labels(&mut values);
            let v = var.expect("a variable's column");
            let min = v.min.as_ref().and_then(serde_json::Number::as_f64);
            if min.is_some_and(|m| m >= 0.0) {
                missing.0 = Some((lowest, -1.0));
            } else {
                missing.1 = vec![-1.0, -2.0, -3.0];
                warnings.insert(format!(
                    "`{}` allows negative answers: -1, -2 and -3 are declared missing in the .sav, other negative answers are not",
                    c.name
                ));
            }
            let decimals = if c.kind == ColumnKind::Integer {
                0
            } else {
                v.decimals.unwrap_or(2).min(16) as u8
            };
            (3, (5, 10 + decimals, decimals))
        }
        // Strings: nominal.
        _ => (1, (1, width.clamp(1, 255) as u8, 0)),
    };
    for (value, l) in &mut values {
        let full = std::mem::take(l);
        *l = cut(
            &full,
            MAX_VALUE_LABEL,
            warnings,
            &format!("the value label of `{}` = {value} ({lang})", c.name),
        );
    }
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    values.dedup_by(|a, b| a.0 == b.0);
    Var {
        name: c.name.to_string(),
        short: Vec::new(),
        width,
        label,
        values,
        missing,
        measure,
        format,
        cut: 0,
    }
}

/// Unique short names of at most 8 bytes, compared ignoring case: a name
/// that fits is kept (upper-cased); a longer one is cut, then numbered.
/// Segments of very long strings get names of their own.
fn assign_short_names(vars: &mut [Var]) {
    let mut names = ShortNames::default();
    for v in vars.iter_mut() {
        if v.name.len() <= 8 {
            let s = v.name.to_ascii_uppercase();
            names.used.insert(s.clone());
            v.short = vec![s];
        }
    }
    for v in vars.iter_mut() {
        if v.short.is_empty() {
            let s = names.unique(&v.name.to_ascii_uppercase());
            v.short = vec![s];
        }
    }
    for v in vars.iter_mut() {
        for _ in 1..v.segments() {
            let base = v.short[0].clone();
            let s = names.unique(&base);
            v.short.push(s);
        }
    }
}

/// The short names given so far, and for each six-character head the
/// number its next numbered name is tried from.
#[derive(Default)]
struct ShortNames {
    used: BTreeSet<String>,
    /// Names that share their first six characters are numbered from the
    /// same heads (`HEAD6_1`, `HEAD5_10`, …): every number below the one
    /// kept here is taken, so the search need not try them again (many
    /// long names alike, as a grid's items or a multiple choice's columns,
    /// would make it quadratic). The name found is the same.
    next: std::collections::HashMap<String, u32>,
}

impl ShortNames {
    fn unique(&mut self, name: &str) -> String {
        let head = |n: usize| {
            let h: String = name.chars().take(n).collect();
            h.trim_end_matches('_').to_string()
        };
        let first = head(8);
        if !first.is_empty() && !self.used.contains(&first) && !is_reserved(&first) {
            self.used.insert(first.clone());
            return first;
        }
        let key: String = name.chars().take(6).collect();
        let from = self.next.get(&key).copied().unwrap_or(1);
        for i in from.. {
            let suffix = i.to_string();
            let s = format!("{}_{suffix}", head(8 - 1 - suffix.len()));
            if !self.used.contains(&s) {
                self.used.insert(s.clone());
                self.next.insert(key, i + 1);
                return s;
            }
        }
        unreachable!("some number is free")
    }
}

fn is_reserved(s: &str) -> bool {
    matches!(
        s,
        "ALL"
            | "AND"
            | "BY"
            | "EQ"
            | "GE"
            | "GT"
            | "LE"
            | "LT"
            | "NE"
            | "NOT"
            | "OR"
            | "TO"
            | "WITH"
    )
}

/// The 7.7 record: a multiple dichotomy set (`$name`, counted value 1) per
/// multiple choice whose columns are all written.
fn mrsets(survey: &Survey, columns: &[Column<'_>], vars: &[Var], lang: &str) -> String {
    let mut out = String::new();
    // Each multiple choice's written columns, found in one pass (by the
    // variable's address: a column refers to its variable in `survey`).
    let mut columns_of: std::collections::HashMap<*const crate::ir::Variable, Vec<&Var>> =
        std::collections::HashMap::new();
    for (c, var) in columns.iter().zip(vars) {
        if let Some(x) = c.variable.filter(|x| x.kind == VariableKind::Multiple) {
            columns_of
                .entry(std::ptr::from_ref(x))
                .or_default()
                .push(var);
        }
    }
    for v in &survey.variables {
        if v.kind != VariableKind::Multiple {
            continue;
        }
        let shorts: Vec<String> = columns_of
            .get(&std::ptr::from_ref(v))
            .into_iter()
            .flatten()
            .map(|var| var.short[0].to_ascii_lowercase())
            .collect();
        if shorts.len() < 2 {
            continue;
        }
        let label = one_line(text(&v.label, lang));
        let label = cut_quiet(&label, 255);
        out.push_str(&format!(
            "${}=D1 1 {} {} {}\n",
            v.name,
            label.len(),
            label,
            shorts.join(" ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The numbering as it was, trying every number from 1.
    fn unique_from_one(name: &str, used: &mut BTreeSet<String>) -> String {
        let head = |n: usize| {
            let h: String = name.chars().take(n).collect();
            h.trim_end_matches('_').to_string()
        };
        let first = head(8);
        if !first.is_empty() && !used.contains(&first) && !is_reserved(&first) {
            used.insert(first.clone());
            return first;
        }
        (1u32..)
            .map(|i| format!("{}_{i}", head(8 - 1 - i.to_string().len())))
            .find(|s| used.insert(s.clone()))
            .expect("some number is free")
    }

    /// Remembering where each head's numbers continue gives exactly the
    /// names trying from 1 gives, for long names alike and unlike, short
    /// names taken first, and heads that end in `_`.
    #[test]
    fn short_names_as_when_numbered_from_one() {
        let mut inputs: Vec<String> = Vec::new();
        for i in 0..300 {
            inputs.push(format!("TRANSPORT_MODE_{i}"));
            inputs.push(format!("TRANSP_{i}_LONGER"));
            inputs.push(format!("TRANSPORT{}", i % 7));
            if i % 5 == 0 {
                inputs.push(format!("TRANSPOR_{i}"));
                inputs.push("AB_CDE_FGHIJ".to_string());
            }
        }
        let mut names = ShortNames::default();
        let mut reference = BTreeSet::new();
        for taken in ["TRANSP_1", "TRANSPO", "TRANS_10"] {
            names.used.insert(taken.to_string());
            reference.insert(taken.to_string());
        }
        for n in &inputs {
            let new = names.unique(n);
            let old = unique_from_one(n, &mut reference);
            assert_eq!(new, old, "{n}");
            assert!(new.len() <= 8, "{new}");
        }
        assert_eq!(names.used, reference);
    }
}
