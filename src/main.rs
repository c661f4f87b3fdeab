//! The `lomake` command line.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{BufferWriter, ColorChoice, StandardStream};

use lomake::check::{self, CheckOptions, Checked};
use lomake::config::{self, Config, Target};
use lomake::diagnostics::{self, Severity};
use lomake::load::LoadOptions;
use lomake::source::{DiskLoader, FileId, SourceFile, SourceMap};
use lomake::targets::BuildOptions;

/// lomake: survey definitions checked like code, compiled to forms, schemas and codebooks.
#[derive(Parser, Debug)]
#[command(name = "lomake", version, about, long_about = None)]
struct Cli {
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,
    /// Print only diagnostics, no progress or summary.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// How to print diagnostics: for people, or as JSON lines on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human, global = true)]
    format: Format,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
enum Format {
    Human,
    Json,
    /// Markdown tables (`lomake diff` only).
    Markdown,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check surveys and report every problem found.
    Check(CommonArgs),
    /// Check surveys and write their outputs.
    Build {
        #[command(flatten)]
        common: CommonArgs,
        /// Output folder (default: `out` from lomake.yaml, else `build`).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Folder of templates overriding the built-in ones (`form/page.html` …).
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Where forms POST their responses (overrides the survey and lomake.yaml).
        #[arg(long, value_name = "URL")]
        submit_url: Option<String>,
    },
    /// Check response data (.json, .jsonl) against a survey.
    Validate(ValidateArgs),
    /// Write synthetic valid responses that follow the survey's routing (JSON lines).
    Sample(SampleArgs),
    /// Convert responses into the flat data layout: CSV or an SPSS .sav file.
    Flatten(FlattenArgs),
    /// Rewrite survey files in the canonical layout (docs/fmt.md).
    Fmt(lomake::fmt::FmtArgs),
    /// Compare two waves or versions of a survey; exit 1 if comparability breaks.
    Diff(DiffArgs),
    /// Translation workflow: status, review, PO export and import (docs/translations.md).
    #[command(subcommand)]
    Translations(lomake::translations::cli::Command),
}

#[derive(Args, Debug)]
struct DiffArgs {
    /// The earlier survey: a file, or `REV:path` from git.
    old: String,
    /// The later survey: a file, or `REV:path` from git.
    new: String,
}

#[derive(Args, Debug)]
struct FlattenArgs {
    /// The survey file (.survey).
    survey: PathBuf,
    /// Response files: .json (an object or an array of objects) or .jsonl (one object per line).
    #[arg(required = true)]
    responses: Vec<PathBuf>,
    /// The file to write: .csv or .sav (SPSS system file).
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    /// Language of the labels in a .sav (default: the survey's source language).
    #[arg(long, value_name = "L")]
    lang: Option<String>,
    /// Leave out columns flagged `identifying` (or also `indirectly identifying`).
    #[arg(long, value_enum)]
    redact: Option<RedactArg>,
    /// Write the .sav without bytecode compression.
    #[arg(long)]
    uncompressed: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum RedactArg {
    /// Leave out `identifying` columns.
    Identifying,
    /// Leave out `identifying` and `indirectly identifying` columns.
    IndirectlyIdentifying,
}

#[derive(Args, Debug)]
struct SampleArgs {
    /// The survey file (.survey).
    survey: PathBuf,
    /// How many responses.
    #[arg(long, short = 'n', default_value_t = 10)]
    count: u64,
    /// Seed of the first response; the same seed gives the same responses.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Percentage of responses that break off (`_status: "partial"`).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=100))]
    partial: u64,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct ValidateArgs {
    /// The survey file (.survey).
    survey: PathBuf,
    /// Response files: .json (an object or an array of objects) or .jsonl (one object per line).
    #[arg(required = true)]
    responses: Vec<PathBuf>,
}

#[derive(Args, Debug)]
struct CommonArgs {
    /// Survey files or folders (default: `surveys` from lomake.yaml).
    paths: Vec<PathBuf>,
    /// Report missing translations as warnings (for drafts).
    #[arg(long)]
    allow_missing_translations: bool,
}

/// mimalloc (see `lomake::alloc`).
#[global_allocator]
static GLOBAL: lomake::alloc::Mimalloc = lomake::alloc::Mimalloc;

/// Exit codes: see docs/cli.md.
const EXIT_PROBLEMS: u8 = 1;
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    lomake::alloc::Mimalloc::keep_freed_memory();
    let cli = Cli::parse();
    let mut out = Output::new(&cli);
    let code = lomake::timings::time("command", || run(&cli, &mut out));
    ExitCode::from(code)
}

struct Output {
    stream: StandardStream,
    choice: ColorChoice,
    format: Format,
    quiet: bool,
}

impl Output {
    fn new(cli: &Cli) -> Output {
        let choice = match cli.color {
            Color::Always => ColorChoice::Always,
            Color::Never => ColorChoice::Never,
            Color::Auto
                if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() =>
            {
                ColorChoice::Auto
            }
            Color::Auto => ColorChoice::Never,
        };
        Output {
            stream: StandardStream::stderr(choice),
            choice,
            format: cli.format,
            quiet: cli.quiet,
        }
    }

    fn diagnostics(&mut self, map: &SourceMap, ds: &[diagnostics::Diagnostic]) {
        match self.format {
            // Rendered into a buffer a few diagnostics at a time: codespan
            // writes each piece of a line separately, and stderr is not
            // buffered (a file with 50,000 errors spent most of its time in
            // `write` calls).
            Format::Human | Format::Markdown => {
                let writer = BufferWriter::stderr(self.choice);
                let mut buffer = writer.buffer();
                for chunk in ds.chunks(64) {
                    buffer.clear();
                    let _ = diagnostics::emit(map, chunk, &mut buffer);
                    let _ = writer.print(&buffer);
                }
            }
            Format::Json => {
                let stdout = std::io::stdout();
                let mut lock = std::io::BufWriter::new(stdout.lock());
                for d in ds {
                    let _ = writeln!(lock, "{}", diagnostics::to_json_line(map, d));
                }
                let _ = lock.flush();
            }
        }
    }

    /// A usage or I/O problem (exit 2), not tied to a source span.
    fn fatal(&mut self, message: &str) {
        if self.format == Format::Json {
            let line = serde_json::json!({"code": null, "severity": "error", "message": message});
            println!("{line}");
        } else {
            let _ = writeln!(self.stream, "error: {message}");
        }
    }

    /// A warning from a target (the files were written).
    fn warning(&mut self, message: &str) {
        if self.format == Format::Json {
            let line = serde_json::json!({"code": null, "severity": "warning", "message": message});
            println!("{line}");
        } else {
            let _ = writeln!(self.stream, "warning: {message}");
        }
    }

    fn info(&mut self, message: &str) {
        if !self.quiet && self.format == Format::Human {
            let _ = writeln!(self.stream, "{message}");
        }
    }
}

fn run(cli: &Cli, out: &mut Output) -> u8 {
    if cli.format == Format::Markdown && !matches!(cli.command, Command::Diff(_)) {
        out.format = Format::Human;
        out.fatal("`--format markdown` is for `lomake diff`; use human or json");
        return EXIT_USAGE;
    }
    let (common, out_dir, templates, submit_url) = match &cli.command {
        Command::Check(c) => (c, None, None, None),
        Command::Build {
            common,
            out,
            templates,
            submit_url,
        } => (
            common,
            Some(out.clone()),
            templates.clone(),
            submit_url.clone(),
        ),
        Command::Validate(args) => return run_validate(args, out),
        Command::Sample(args) => return run_sample(args, out),
        Command::Flatten(args) => return run_flatten(args, out),
        Command::Fmt(args) => {
            let mut report = lomake::fmt::Report {
                stream: &mut out.stream,
                json: out.format == Format::Json,
                quiet: out.quiet,
            };
            return lomake::fmt::run(args, &mut report);
        }
        Command::Diff(args) => return run_diff(args, cli.format, out),
        Command::Translations(c) => {
            return lomake::translations::cli::run(c, cli.format == Format::Json, cli.quiet);
        }
    };
    let cwd = std::env::current_dir().unwrap_or_default();

    // lomake.yaml, if the project has one.
    let mut config = Config::default();
    let config_path = common
        .paths
        .first()
        .map(|p| {
            if p.is_dir() {
                p.clone()
            } else {
                p.parent().map(Path::to_path_buf).unwrap_or_default()
            }
        })
        .map(|p| cwd.join(p))
        .and_then(|p| config::find(&p))
        .or_else(|| config::find(&cwd));
    if let Some(path) = &config_path {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let mut map = SourceMap::new();
                let name = path
                    .strip_prefix(&cwd)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .into_owned();
                let id = map.add(SourceFile::new(name, path.clone(), text));
                match config::parse(id, &map.get(FileId(0)).text) {
                    Ok(c) => config = c,
                    Err(d) => {
                        out.diagnostics(&map, &[*d]);
                        return EXIT_USAGE;
                    }
                }
            }
            Err(e) => {
                out.fatal(&format!("cannot read {}: {e}", path.display()));
                return EXIT_USAGE;
            }
        }
    }
    let project_dir = config_path
        .as_ref()
        .and_then(|p| p.parent())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| cwd.clone());

    let paths: Vec<PathBuf> = if common.paths.is_empty() {
        config.surveys.iter().map(|s| project_dir.join(s)).collect()
    } else {
        common.paths.clone()
    };
    if paths.is_empty() {
        out.fatal("no surveys given: name survey files or folders, or list them under `surveys` in lomake.yaml");
        return EXIT_USAGE;
    }

    // Expand folders to the survey files in them.
    let mut files = Vec::new();
    let mut status = 0u8;
    for given in &paths {
        // Absolute, so that the project root is found however the path is written.
        let p = &cwd.join(given);
        if p.is_dir() {
            match lomake::load::survey_files(p) {
                Ok(found) if found.is_empty() => {
                    out.fatal(&format!(
                        "no survey files (*.survey with a `survey` header) in {}",
                        given.display()
                    ));
                    status = EXIT_USAGE;
                }
                Ok(found) => files.extend(found),
                Err(e) => {
                    out.fatal(&format!("cannot read folder {}: {e}", given.display()));
                    status = EXIT_USAGE;
                }
            }
        } else if p.exists() {
            files.push(p.clone());
        } else {
            out.fatal(&format!("no such file or folder: {}", given.display()));
            status = EXIT_USAGE;
        }
    }

    let options = CheckOptions {
        allow_missing_translations: common.allow_missing_translations
            || config.allow_missing_translations,
        load: LoadOptions {
            display_base: Some(cwd.clone()),
        },
        ..CheckOptions::default()
    };
    let out_dir = out_dir.map(|o| {
        o.unwrap_or_else(|| {
            config
                .out
                .as_ref()
                .map_or_else(|| PathBuf::from("build"), |o| project_dir.join(o))
        })
    });
    let targets = config
        .targets
        .clone()
        .unwrap_or_else(|| Target::ALL.to_vec());
    let build_options = BuildOptions {
        templates: templates.or_else(|| config.templates.as_ref().map(|t| project_dir.join(t))),
        submit_url: submit_url.or_else(|| config.submit_url.clone()),
    };
    if let Some(t) = &build_options.templates
        && out_dir.is_some()
        && !t.is_dir()
    {
        out.fatal(&format!("no such templates folder: {}", t.display()));
        return EXIT_USAGE;
    }

    let (mut errors, mut warnings, mut ok, mut modules) = (0usize, 0usize, 0usize, 0usize);
    // The latest file's result; the one before is freed when the next is in.
    let mut latest: Option<Checked> = None;
    let mut shown = std::collections::HashSet::new();
    for file in &files {
        let checked: &Checked = match check::check_file(&DiskLoader, file, &options) {
            Ok(c) => latest.insert(c),
            Err(e) => {
                let shown = file.strip_prefix(&cwd).unwrap_or(file);
                out.fatal(&format!("cannot read {}: {e}", shown.display()));
                status = EXIT_USAGE;
                continue;
            }
        };
        // A module's problems are found through every survey that uses
        // it (and in the module on its own): shown and counted once.
        let new: Vec<diagnostics::Diagnostic> = checked
            .diagnostics
            .iter()
            .filter(|d| shown.insert(diagnostic_key(&checked.map, d)))
            .cloned()
            .collect();
        out.diagnostics(&checked.map, &new);
        errors += new.iter().filter(|d| d.severity == Severity::Error).count();
        warnings += new
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        if checked.has_errors() {
            continue;
        }
        ok += 1;
        if checked.is_module {
            modules += 1;
        }
        if let (Some(dir), Some(survey)) = (&out_dir, &checked.survey) {
            match lomake::targets::build(survey, dir, &targets, &build_options) {
                Ok(built) => {
                    for w in &built.files {
                        out.info(&format!(
                            "wrote {}",
                            w.strip_prefix(&cwd).unwrap_or(w).display()
                        ));
                    }
                    for w in &built.warnings {
                        out.warning(w);
                    }
                    warnings += built.warnings.len();
                }
                Err(e) => {
                    out.fatal(&e.to_string());
                    status = EXIT_USAGE;
                }
            }
        }
    }

    // The process ends with this command: freeing the last survey's syntax
    // tree and IR would only cost time (a tenth of checking a large survey).
    std::mem::forget(latest);

    if errors > 0 {
        let summary = format!(
            "{} in {} of {} file(s){}",
            plural(errors, "error"),
            files.len() - ok,
            files.len(),
            if warnings > 0 {
                format!(", and {}", plural(warnings, "warning"))
            } else {
                String::new()
            }
        );
        out.info(&format!("lomake: {summary}"));
        return status.max(EXIT_PROBLEMS);
    }
    if status == 0 {
        let verb = if out_dir.is_some() {
            "built"
        } else {
            "checked"
        };
        let mut what = plural(ok - modules, "survey");
        if modules > 0 {
            what = format!("{what} and {}", plural(modules, "module"));
        }
        out.info(&format!("lomake: {verb} {what}"));
    }
    status
}

/// `lomake validate`: docs/validate.md. Problems go to standard output, the
/// summary for people to standard error.
/// Checks one survey file for a command that needs its IR; `Err` is the exit code.
fn load_survey(path: &Path, out: &mut Output) -> Result<lomake::ir::Survey, u8> {
    if !path.is_file() {
        out.fatal(&format!("no such survey file: {}", path.display()));
        return Err(EXIT_USAGE);
    }
    load_survey_from(&DiskLoader, path, out)
}

/// Checks one survey read through `loader`; `Err` is the exit code.
fn load_survey_from(
    loader: &dyn lomake::source::Loader,
    path: &Path,
    out: &mut Output,
) -> Result<lomake::ir::Survey, u8> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let options = CheckOptions {
        allow_missing_translations: false,
        load: LoadOptions {
            display_base: Some(cwd),
        },
        ..CheckOptions::default()
    };
    let checked = match check::check_file(loader, path, &options) {
        Ok(c) => c,
        Err(e) => {
            out.fatal(&format!("cannot read {}: {e}", path.display()));
            return Err(EXIT_USAGE);
        }
    };
    if checked.has_errors() {
        out.diagnostics(&checked.map, &checked.diagnostics);
        out.info("lomake: the survey has errors");
        return Err(EXIT_PROBLEMS);
    }
    checked.survey.ok_or_else(|| {
        out.fatal(&format!(
            "{} is a module, not a survey (it has no `survey` header)",
            path.display()
        ));
        EXIT_USAGE
    })
}

fn run_diff(args: &DiffArgs, format: Format, out: &mut Output) -> u8 {
    let mut surveys = Vec::new();
    for arg in [&args.old, &args.new] {
        // `REV:path`: the survey and its modules as they are at a git revision.
        let loaded = match lomake::git::parse_rev_path(arg) {
            Some((rev, path)) => {
                let abs = std::env::current_dir().unwrap_or_default().join(&path);
                match lomake::git::GitLoader::open(&abs, &rev) {
                    Ok(git) => load_survey_from(&git, &abs, out),
                    Err(e) => {
                        out.fatal(&format!("cannot read {arg}: {e}"));
                        Err(EXIT_USAGE)
                    }
                }
            }
            None => load_survey(Path::new(arg), out),
        };
        match loaded {
            Ok(s) => surveys.push(s),
            Err(code) => return code,
        }
    }
    let report = lomake::diff::diff(&surveys[0], &args.old, &surveys[1], &args.new);
    let text = match format {
        Format::Human => lomake::diff::to_human(&report),
        Format::Markdown => lomake::diff::to_markdown(&report),
        Format::Json => lomake::diff::to_json(&report),
    };
    if std::io::stdout().lock().write_all(text.as_bytes()).is_err() {
        return EXIT_USAGE;
    }
    if report.breaks_comparability() {
        EXIT_PROBLEMS
    } else {
        0
    }
}

fn run_sample(args: &SampleArgs, out: &mut Output) -> u8 {
    use lomake::sample::{Options, Rng, Status, sample_response};
    let survey = match load_survey(&args.survey, out) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let sink: Box<dyn Write> = match &args.output {
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                out.fatal(&format!("cannot write {}: {e}", path.display()));
                return EXIT_USAGE;
            }
        },
        None => Box::new(std::io::stdout().lock()),
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 16, sink);
    let mut coin = Rng::new(args.seed ^ 0x5A5A);
    for i in 0..args.count {
        let status = if coin.chance(args.partial) {
            Status::Partial
        } else {
            Status::Complete
        };
        let options = Options {
            status,
            ..Options::default()
        };
        let r = sample_response(&survey, args.seed.wrapping_add(i), &options);
        if writeln!(w, "{r}").is_err() {
            out.fatal("cannot write the responses");
            return EXIT_USAGE;
        }
    }
    if w.flush().is_err() {
        out.fatal("cannot write the responses");
        return EXIT_USAGE;
    }
    0
}

fn run_validate(args: &ValidateArgs, out: &mut Output) -> u8 {
    use lomake::validate::{Format as VFormat, Session, Validator};
    let survey = &match load_survey(&args.survey, out) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let validator = Validator::new(survey);
    let format = match out.format {
        Format::Human | Format::Markdown => VFormat::Human,
        Format::Json => VFormat::Json,
    };
    let stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut session = Session::new(&validator, format, Box::new(stdout));
    let mut status = 0u8;
    for path in &args.responses {
        let name = path.strip_prefix(&cwd).unwrap_or(path).to_string_lossy();
        if let Err(e) = session.file(path, &name) {
            out.fatal(&e.0);
            status = EXIT_USAGE;
        }
    }
    if !session.all_valid() {
        status = status.max(EXIT_PROBLEMS);
    }
    let quiet = out.quiet;
    let summary: Option<&mut dyn Write> = if quiet { None } else { Some(&mut out.stream) };
    if session.finish(summary).is_err() {
        return EXIT_USAGE;
    }
    status
}

/// `lomake flatten`: docs/flat-data.md. Invalid responses are reported on
/// standard output as `lomake validate` reports them, and skipped.
fn run_flatten(args: &FlattenArgs, out: &mut Output) -> u8 {
    use lomake::flatten::{
        Flattener, Format as FFormat, Reader, Redact, Sink, csv::CsvWriter, sav::SavOptions,
        sav::SavWriter,
    };
    use lomake::validate::Validator;
    let ext = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let sav = match ext.as_deref() {
        Some("csv") => false,
        Some("sav") => true,
        _ => {
            out.fatal(&format!(
                "{}: the output is .csv or .sav",
                args.out.display()
            ));
            return EXIT_USAGE;
        }
    };
    let survey = &match load_survey(&args.survey, out) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let lang = match &args.lang {
        Some(l) if survey.languages.contains(l) => l.clone(),
        Some(l) => {
            out.fatal(&format!(
                "the survey has no language `{l}`; its languages are {}",
                survey.languages.join(", ")
            ));
            return EXIT_USAGE;
        }
        None => survey.languages.first().cloned().unwrap_or_default(),
    };
    let redact = match args.redact {
        None => Redact::Nothing,
        Some(RedactArg::Identifying) => Redact::Identifying,
        Some(RedactArg::IndirectlyIdentifying) => Redact::IndirectlyIdentifying,
    };
    let flattener = Flattener::new(survey, redact);
    let validator = Validator::new(survey);
    let file = match std::fs::File::create(&args.out) {
        Ok(f) => f,
        Err(e) => {
            out.fatal(&format!("cannot write {}: {e}", args.out.display()));
            return EXIT_USAGE;
        }
    };
    let buffered = std::io::BufWriter::with_capacity(1 << 16, file);
    let mut sink: Box<dyn Sink> = if sav {
        let options = SavOptions {
            lang,
            compress: !args.uncompressed,
        };
        match SavWriter::new(buffered, survey, flattener.columns(), &options) {
            Ok(w) => Box::new(w),
            Err(e) => {
                out.fatal(&format!("cannot write {}: {e}", args.out.display()));
                return EXIT_USAGE;
            }
        }
    } else {
        match CsvWriter::new(buffered, flattener.columns().iter().map(|c| c.name)) {
            Ok(w) => Box::new(w),
            Err(e) => {
                out.fatal(&format!("cannot write {}: {e}", args.out.display()));
                return EXIT_USAGE;
            }
        }
    };
    let format = match out.format {
        Format::Human | Format::Markdown => FFormat::Human,
        Format::Json => FFormat::Json,
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut problems = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut status = 0u8;
    let (read, written, skipped) = {
        let mut reader = Reader::new(&validator, &flattener, sink.as_mut(), format, &mut problems);
        for path in &args.responses {
            let name = path.strip_prefix(&cwd).unwrap_or(path).to_string_lossy();
            if let Err(e) = reader.file(path, &name) {
                out.fatal(&e.0);
                status = EXIT_USAGE;
            }
        }
        (reader.read, reader.written, reader.skipped)
    };
    let _ = problems.flush();
    if let Err(e) = sink.finish() {
        out.fatal(&format!("cannot write {}: {e}", args.out.display()));
        return EXIT_USAGE;
    }
    for w in sink.warnings() {
        out.warning(&w);
    }
    if skipped > 0 {
        status = status.max(EXIT_PROBLEMS);
    }
    if format == FFormat::Json {
        let line = serde_json::json!({
            "type": "summary", "responses": read, "written": written, "skipped": skipped,
        });
        println!("{line}");
    }
    out.info(&format!(
        "lomake: {} read: {written} written to {}, {skipped} skipped",
        plural(read as usize, "response"),
        args.out.display()
    ));
    status
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The survey files in a folder and its subfolders, sorted: `*.survey` files
/// that start with a `survey` item. Modules are checked through the surveys
/// that use them.
/// What makes two diagnostics of different runs the same: the file, the
/// place, the code and the message.
fn diagnostic_key(
    map: &SourceMap,
    d: &diagnostics::Diagnostic,
) -> (Option<(PathBuf, u32, u32)>, diagnostics::Code, String) {
    let at = d
        .span
        .map(|s| (map.get(s.file).path.clone(), s.start, s.end));
    (at, d.code, d.message.clone())
}
