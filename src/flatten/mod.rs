//! `lomake flatten`: responses into the flat data layout (`docs/flat-data.md`),
//! written as CSV ([`csv`]) or as an SPSS system file ([`sav`]).
//!
//! [`Flattener`] turns one valid response into one row of cells, in the
//! order of [`crate::flat::columns`] (less the redacted columns). [`Reader`]
//! streams files of responses (`.jsonl` line by line, `.json` objects and
//! arrays element by element), validates each with
//! [`crate::validate::Validator`], reports the invalid ones the way
//! `lomake validate` does and hands the valid ones on. Memory does not grow
//! with the number of responses.

pub mod csv;
pub mod parse;
pub mod sav;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, Write};
use std::path::Path;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::eval::{Truth, eval_with};
use crate::flat::{self, Column, ColumnKind};
use crate::ir::{Condition, Disclosure, Survey, Variable, VariableKind};
use crate::validate::{Problem, Validator};
use parse::{Parsed, Slot};

/// Which columns `--redact` leaves out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Redact {
    /// Keep every column.
    #[default]
    Nothing,
    /// Leave out the columns of `identifying` variables.
    Identifying,
    /// Leave out `identifying` and `indirectly identifying` ones.
    IndirectlyIdentifying,
}

impl Redact {
    /// Whether a variable's columns are left out.
    pub fn drops(self, v: &Variable) -> bool {
        match self {
            Redact::Nothing => false,
            Redact::Identifying => v.disclosure == Disclosure::Identifying,
            Redact::IndirectlyIdentifying => v.disclosure != Disclosure::None,
        }
    }
}

/// One cell of a row: a number (numeric columns, missing kinds included)
/// or a string (empty when there is no value).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'r> {
    Num(f64),
    Str(&'r str),
}

/// What a response says about one variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// A value (a declared missing code included).
    Answered,
    /// `null`: asked, not answered (-2).
    Null,
    /// Absent: its condition is not true (-1).
    NotAsked,
    /// Absent from a partial response although it may have been asked (-3).
    NotReached,
}

impl State {
    /// The numeric missing kind, for states without a value.
    pub fn code(self) -> Option<i64> {
        match self {
            State::Answered => None,
            State::Null => Some(flat::NOT_ANSWERED),
            State::NotAsked => Some(flat::NOT_ASKED),
            State::NotReached => Some(flat::NOT_REACHED),
        }
    }
}

/// What the flattener needs of one variable, computed once.
struct Plan<'s> {
    var: &'s Variable,
    /// Indexes of the variables its condition reads.
    reads: Vec<usize>,
    /// Indexes of the variables it tests with `answered()`/`substantive()`.
    tests: Vec<usize>,
    keep: bool,
    /// A multiple choice's codes, one per column.
    codes: Vec<i64>,
}

/// Turns valid responses into rows of the flat table.
pub struct Flattener<'s> {
    survey: &'s Survey,
    columns: Vec<Column<'s>>,
    plans: Vec<Plan<'s>>,
    index: HashMap<&'s str, usize>,
    /// The variables some condition reads.
    cond_vars: Vec<usize>,
}

impl<'s> Flattener<'s> {
    pub fn new(survey: &'s Survey, redact: Redact) -> Flattener<'s> {
        let index: HashMap<&str, usize> = survey
            .variables
            .iter()
            .enumerate()
            .map(|(i, v)| (v.name.as_str(), i))
            .collect();
        let plans: Vec<Plan> = survey
            .variables
            .iter()
            .map(|v| {
                let mut reads = Vec::new();
                let mut tests = Vec::new();
                if let Some(c) = &v.condition {
                    walk(c, &index, &mut reads, &mut tests);
                }
                let mut codes: Vec<i64> = v
                    .list
                    .as_deref()
                    .and_then(|l| survey.list(l))
                    .map(|l| l.options.iter().map(|o| o.code).collect())
                    .unwrap_or_default();
                codes.truncate(v.columns.len());
                Plan {
                    var: v,
                    reads,
                    tests,
                    keep: !redact.drops(v),
                    codes,
                }
            })
            .collect();
        let columns = flat::columns(survey)
            .into_iter()
            .filter(|c| c.variable.is_none_or(|v| !redact.drops(v)))
            .collect();
        let mut cond_vars: Vec<usize> =
            plans.iter().flat_map(|p| p.reads.iter().copied()).collect();
        cond_vars.sort_unstable();
        cond_vars.dedup();
        Flattener {
            survey,
            columns,
            plans,
            index,
            cond_vars,
        }
    }

    pub fn survey(&self) -> &'s Survey {
        self.survey
    }

    /// The columns written, in order (redacted ones left out).
    pub fn columns(&self) -> &[Column<'s>] {
        &self.columns
    }

    /// The state of every variable in a valid response, in questionnaire order.
    ///
    /// A variable present in the response is answered (or `null`). An absent
    /// one is *not asked* (-1) in a complete response. In a partial response
    /// it is *not reached* (-3) when the break-off may explain it: its
    /// condition is true (or it has none), or the condition is undecided
    /// because of a not-reached variable — unknown and reading one, or false
    /// while testing `answered()`/`substantive()` of one; otherwise it is
    /// not asked (-1).
    pub fn states(&self, response: &Map<String, Value>, out: &mut Vec<State>) {
        let parsed = Parsed::from_map(response, &self.index, self.plans.len());
        self.parsed_states(&parsed, Some(response), out);
    }

    fn parsed_states(
        &self,
        response: &Parsed<'_>,
        map: Option<&Map<String, Value>>,
        out: &mut Vec<State>,
    ) {
        out.clear();
        let partial = response.status.as_deref() == Some("partial");
        let missing = |name: &str| -> &[i64] {
            self.index.get(name).map_or(&[][..], |&i| {
                self.survey.variables[i].missing_codes.as_slice()
            })
        };
        // What the conditions read, built when first needed.
        let mut built: Option<Map<String, Value>> = None;
        for p in &self.plans {
            let state = match &response.slots[out.len()] {
                Some(Slot::Null) => State::Null,
                Some(Slot::Codes(c)) if c.is_empty() => State::Null,
                Some(_) => State::Answered,
                None if !partial => State::NotAsked,
                None => {
                    let truth = match &p.var.condition {
                        None => Truth::True,
                        Some(c) => {
                            let m = match map {
                                Some(m) => m,
                                None => built.get_or_insert_with(|| self.cond_map(response)),
                            };
                            eval_with(c, m, &missing)
                        }
                    };
                    let reached =
                        |list: &[usize]| list.iter().any(|&j| out[j] == State::NotReached);
                    let undecided = match truth {
                        Truth::True => true,
                        Truth::Unknown => reached(&p.reads),
                        Truth::False => reached(&p.tests),
                    };
                    if undecided {
                        State::NotReached
                    } else {
                        State::NotAsked
                    }
                }
            };
            out.push(state);
        }
    }

    /// The values of the variables conditions read, as `eval` wants them.
    fn cond_map(&self, response: &Parsed<'_>) -> Map<String, Value> {
        let mut m = Map::new();
        for &i in &self.cond_vars {
            if let Some(slot) = &response.slots[i] {
                m.insert(self.plans[i].var.name.clone(), slot.to_value());
            }
        }
        m
    }

    /// One row for a valid response: a cell per column of [`Self::columns`].
    pub fn row<'r>(
        &self,
        response: &'r Map<String, Value>,
        states: &mut Vec<State>,
        out: &mut Vec<Cell<'r>>,
    ) {
        let parsed = Parsed::from_map(response, &self.index, self.plans.len());
        self.parsed_states(&parsed, Some(response), states);
        let mut cells = Vec::with_capacity(self.columns.len());
        self.cells(&parsed, states, &mut cells);
        // The same cells, strings borrowed from the response itself.
        let string = |name: &str| match response.get(name) {
            Some(Value::String(s)) => s.as_str(),
            _ => "",
        };
        out.clear();
        out.extend(cells.iter().zip(&self.columns).map(|(c, col)| match c {
            Cell::Num(x) => Cell::Num(*x),
            Cell::Str(_) => Cell::Str(match (col.kind, col.variable) {
                (ColumnKind::Id, _) => string("_id"),
                (ColumnKind::Submitted, _) => string("_submitted"),
                (_, Some(v)) => string(&v.name),
                (_, None) => "",
            }),
        }));
    }

    /// Reads a JSON text (a response the validator accepted) into slots.
    pub fn parse<'j>(&self, json: &'j str) -> Option<Parsed<'j>> {
        Parsed::from_json(json, &self.index, self.plans.len())
    }

    /// One row from a response read with [`Self::parse`].
    pub fn row_parsed<'p>(
        &self,
        response: &'p Parsed<'_>,
        states: &mut Vec<State>,
        out: &mut Vec<Cell<'p>>,
    ) {
        self.parsed_states(response, None, states);
        self.cells(response, states, out);
    }

    fn cells<'p>(&self, response: &'p Parsed<'_>, states: &[State], out: &mut Vec<Cell<'p>>) {
        out.clear();
        let string = |s: &'p Option<Cow<'_, str>>| s.as_deref().unwrap_or("");
        out.push(Cell::Str(string(&response.id)));
        let status = if response.status.as_deref() == Some("partial") {
            flat::STATUS_PARTIAL
        } else {
            flat::STATUS_COMPLETE
        };
        out.push(Cell::Num(status as f64));
        out.push(Cell::Str(string(&response.submitted)));
        for ((p, &state), slot) in self.plans.iter().zip(states).zip(&response.slots) {
            if !p.keep {
                continue;
            }
            let missing = state.code().map(|c| Cell::Num(c as f64));
            match p.var.kind {
                VariableKind::Multiple => {
                    let chosen: &[f64] = match slot {
                        Some(Slot::Codes(c)) => c,
                        _ => &[],
                    };
                    // A declared missing option chosen ("can't say", which
                    // is exclusive): every other option's column holds its
                    // code, not "not chosen".
                    let declared = chosen
                        .iter()
                        .find(|&&c| p.var.missing_codes.iter().any(|&m| m as f64 == c));
                    for &code in &p.codes {
                        out.push(missing.unwrap_or_else(|| match declared {
                            Some(&m) if !flat::flag_missing_codes(p.var, code).is_empty() => {
                                Cell::Num(m)
                            }
                            _ => Cell::Num(if chosen.contains(&(code as f64)) {
                                1.0
                            } else {
                                0.0
                            }),
                        }));
                    }
                }
                VariableKind::Single | VariableKind::Integer | VariableKind::Decimal => {
                    let cell = missing.unwrap_or(match slot {
                        Some(Slot::Num(x)) => Cell::Num(*x),
                        _ => Cell::Num(flat::NOT_ANSWERED as f64),
                    });
                    for _ in &p.var.columns {
                        out.push(cell);
                    }
                }
                VariableKind::Text | VariableKind::Date | VariableKind::Hidden => {
                    let s = match slot {
                        Some(Slot::Str(s)) => s.as_ref(),
                        _ => "",
                    };
                    for _ in &p.var.columns {
                        out.push(Cell::Str(s));
                    }
                }
            }
        }
    }
}

/// The variables a condition reads, and those it tests with `answered()` or
/// `substantive()`, as indexes.
fn walk(
    c: &Condition,
    index: &HashMap<&str, usize>,
    reads: &mut Vec<usize>,
    tests: &mut Vec<usize>,
) {
    let add = |list: &mut Vec<usize>, name: &str| {
        if let Some(&i) = index.get(name)
            && !list.contains(&i)
        {
            list.push(i);
        }
    };
    match c {
        Condition::And { args } | Condition::Or { args } => {
            args.iter().for_each(|a| walk(a, index, reads, tests))
        }
        Condition::Not { arg } => walk(arg, index, reads, tests),
        Condition::Answered { var } | Condition::Substantive { var } => {
            add(reads, var);
            add(tests, var);
        }
        Condition::Compare { var, .. }
        | Condition::In { var, .. }
        | Condition::Includes { var, .. } => add(reads, var),
        Condition::CompareVars { var, other, .. } => {
            add(reads, var);
            add(reads, other);
        }
    }
}

/// Where rows go: a CSV or `.sav` writer.
pub trait Sink {
    fn row(&mut self, cells: &[Cell<'_>]) -> std::io::Result<()>;
    /// Finishes the file (flushes, patches counts).
    fn finish(&mut self) -> std::io::Result<()>;
    /// What the writer had to change to fit its format (cut labels …).
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
}

// ---------------------------------------------------------------------------
// Reading and validating.

/// How problems are printed: as `lomake validate` prints them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

/// A file that could not be read or written: a usage or I/O error (exit 2).
#[derive(Debug)]
pub struct Fatal(pub String);

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug)]
enum Place {
    Whole,
    Line(u64),
    Index(u64),
}

/// Streams response files through the validator and the flattener into a sink.
pub struct Reader<'a, 's> {
    validator: &'a Validator<'s>,
    flattener: &'a Flattener<'s>,
    sink: &'a mut dyn Sink,
    format: Format,
    problems_out: &'a mut dyn Write,
    /// Responses read, written, and skipped (invalid or not JSON).
    pub read: u64,
    pub written: u64,
    pub skipped: u64,
    problems: Vec<Problem>,
    states: Vec<State>,
    line: Vec<u8>,
}

impl<'a, 's> Reader<'a, 's> {
    pub fn new(
        validator: &'a Validator<'s>,
        flattener: &'a Flattener<'s>,
        sink: &'a mut dyn Sink,
        format: Format,
        problems_out: &'a mut dyn Write,
    ) -> Self {
        Reader {
            validator,
            flattener,
            sink,
            format,
            problems_out,
            read: 0,
            written: 0,
            skipped: 0,
            problems: Vec::new(),
            states: Vec::new(),
            line: Vec::new(),
        }
    }

    /// Reads one file: `.jsonl`/`.ndjson` line by line, `.json` as one
    /// response or an array of them. `name` is how the file is shown.
    pub fn file(&mut self, path: &Path, name: &str) -> Result<(), Fatal> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let jsonl = match ext.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" => true,
            "json" => false,
            _ => {
                return Err(Fatal(format!(
                    "{name}: unknown kind of file; responses are .json (an object or an array) or .jsonl (one object per line)"
                )));
            }
        };
        let file =
            std::fs::File::open(path).map_err(|e| Fatal(format!("cannot read {name}: {e}")))?;
        let reader = std::io::BufReader::with_capacity(1 << 16, file);
        if jsonl {
            self.jsonl(reader, name)
        } else {
            self.json(reader, name)
        }
    }

    /// Reads JSON lines.
    pub fn jsonl(&mut self, mut reader: impl BufRead, name: &str) -> Result<(), Fatal> {
        let mut line_no = 0u64;
        let mut buf = std::mem::take(&mut self.line);
        loop {
            buf.clear();
            let n = reader
                .read_until(b'\n', &mut buf)
                .map_err(|e| Fatal(format!("cannot read {name}: {e}")))?;
            if n == 0 {
                break;
            }
            line_no += 1;
            let mut bytes = buf.as_slice();
            if line_no == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if self.validator.quick_valid(bytes) {
                // Valid, so UTF-8 and an object: read it into slots.
                let parsed = std::str::from_utf8(bytes)
                    .ok()
                    .and_then(|t| self.flattener.parse(t));
                if let Some(parsed) = parsed {
                    self.read += 1;
                    let mut cells = Vec::with_capacity(self.flattener.columns.len());
                    self.flattener
                        .row_parsed(&parsed, &mut self.states, &mut cells);
                    self.sink
                        .row(&cells)
                        .map_err(|e| Fatal(format!("cannot write the output: {e}")))?;
                    self.written += 1;
                    continue;
                }
            }
            match serde_json::from_slice::<Value>(bytes) {
                Ok(v) => self.response(name, Place::Line(line_no), &v, false)?,
                Err(e) => self.malformed(
                    name,
                    Some(line_no),
                    format!("line {line_no} is not JSON: {}", error_text(&e, false)),
                )?,
            }
        }
        self.line = buf;
        Ok(())
    }

    /// Reads a `.json` document: one response or an array of them.
    pub fn json(&mut self, reader: impl std::io::Read, name: &str) -> Result<(), Fatal> {
        let reader = crate::validate::without_bom(reader)
            .map_err(|e| Fatal(format!("cannot read {name}: {e}")))?;
        let mut de = serde_json::Deserializer::from_reader(reader);
        let mut fatal = None;
        let result = Top {
            reader: &mut *self,
            name,
            fatal: &mut fatal,
        }
        .deserialize(&mut de)
        .and_then(|()| de.end());
        if let Some(f) = fatal {
            return Err(f);
        }
        match result {
            Ok(()) => Ok(()),
            Err(e) if e.is_io() => Err(Fatal(format!("cannot read {name}: {e}"))),
            Err(e) => {
                let line = e.line() as u64;
                self.malformed(
                    name,
                    (line > 0).then_some(line),
                    format!("not valid JSON: {}", error_text(&e, true)),
                )
            }
        }
    }

    fn response(
        &mut self,
        file: &str,
        place: Place,
        value: &Value,
        quick: bool,
    ) -> Result<(), Fatal> {
        self.read += 1;
        if !quick {
            let mut problems = std::mem::take(&mut self.problems);
            problems.clear();
            self.validator.check_into(value, &mut problems);
            let invalid = !problems.is_empty();
            if invalid {
                self.skipped += 1;
                let id = value.get("_id").and_then(Value::as_str);
                for p in &problems {
                    self.emit(file, place, id, p)?;
                }
            }
            self.problems = problems;
            if invalid {
                return Ok(());
            }
        }
        let Value::Object(map) = value else {
            return Ok(());
        };
        let mut cells = Vec::with_capacity(self.flattener.columns.len());
        self.flattener.row(map, &mut self.states, &mut cells);
        self.sink
            .row(&cells)
            .map_err(|e| Fatal(format!("cannot write the output: {e}")))?;
        self.written += 1;
        Ok(())
    }

    fn malformed(&mut self, file: &str, line: Option<u64>, message: String) -> Result<(), Fatal> {
        self.read += 1;
        self.skipped += 1;
        let p = Problem {
            variable: None,
            kind: "malformed",
            message,
        };
        self.emit(file, line.map_or(Place::Whole, Place::Line), None, &p)
    }

    fn emit(
        &mut self,
        file: &str,
        place: Place,
        id: Option<&str>,
        p: &Problem,
    ) -> Result<(), Fatal> {
        let r = match self.format {
            Format::Human => {
                let mut at = String::from(file);
                match place {
                    Place::Whole => {}
                    Place::Line(l) => {
                        let _ = write!(at, ":{l}");
                    }
                    Place::Index(i) => {
                        let _ = write!(at, "[{i}]");
                    }
                }
                if let Some(id) = id {
                    let _ = write!(at, " (_id {})", quote(id));
                }
                writeln!(self.problems_out, "{at}: {}: {}", p.kind, p.message)
            }
            Format::Json => {
                let (line, index) = match place {
                    Place::Whole => (None, None),
                    Place::Line(l) => (Some(l), None),
                    Place::Index(i) => (None, Some(i)),
                };
                let obj = serde_json::json!({
                    "type": "problem",
                    "file": file,
                    "line": line,
                    "index": index,
                    "id": id,
                    "variable": p.variable,
                    "kind": p.kind,
                    "message": p.message,
                });
                writeln!(self.problems_out, "{obj}")
            }
        };
        r.map_err(|e| Fatal(format!("cannot write the problems: {e}")))
    }
}

/// A string for messages, as `lomake validate` quotes it.
fn quote(s: &str) -> String {
    if s.chars().count() > 40 {
        let head: String = s.chars().take(39).collect();
        let q = serde_json::to_string(&head).unwrap_or_default();
        format!("{}…\"", &q[..q.len() - 1])
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

/// A serde error's message, as `lomake validate` shows it.
fn error_text(e: &serde_json::Error, with_line: bool) -> String {
    let full = e.to_string();
    let msg = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => &full,
    };
    if with_line {
        format!("{msg} (line {}, column {})", e.line(), e.column())
    } else if e.column() > 0 {
        format!("{msg} (column {})", e.column())
    } else {
        msg.to_string()
    }
}

/// The top level of a `.json` file.
struct Top<'t, 'a, 's> {
    reader: &'t mut Reader<'a, 's>,
    name: &'t str,
    fatal: &'t mut Option<Fatal>,
}

impl<'de> DeserializeSeed<'de> for Top<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a response object or an array of response objects")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        use serde::Deserialize;
        let v = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        if let Err(f) = self.reader.response(self.name, Place::Whole, &v, false) {
            *self.fatal = Some(f);
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0u64;
        while let Some(v) = seq.next_element::<Value>()? {
            if let Err(f) = self.reader.response(self.name, Place::Index(i), &v, false) {
                *self.fatal = Some(f);
                return Err(serde::de::Error::custom("stopped"));
            }
            i += 1;
        }
        Ok(())
    }
}
