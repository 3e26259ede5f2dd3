//! Rank a portfolio of candidate projects and plan the push.
//!
//! ```text
//! cargo run --example rank -- [OPTIONS] [PORTFOLIO]
//! ```
//!
//! With no arguments it ranks `examples/portfolio.toml` against
//! `examples/criteria.toml` (the shipped defaults and a `[constraints]`
//! section); `-` reads the portfolio from stdin. Given a portfolio and no
//! criteria file it uses the shipped defaults.
//! `--robustness` adds how sure the choice of leaders is: each weight's
//! stability interval, how often each candidate leads under weights drawn at
//! random (the criteria file's `[robustness]`), and the one change of
//! evidence that would flip each candidate's role. A portfolio whose name
//! ends in `.csv`, or any with `--input csv`, is read as a CSV table.
//! `--format markdown`
//! prints a one-page report, `--format csv` a spreadsheet, and `--svg DIR`
//! writes the charts into DIR.
//!
//! Bad input exits with code 2 and one line on stderr that starts with its
//! place, `FILE:LINE:COL: error: `, as compilers write it, so that editors
//! and terminals can jump there. A closed stdout (`rank | head -2`) ends the
//! program quietly.

use std::fmt;
use std::io::{IsTerminal as _, Read, Write as _};
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use spearhead::{
    Acceptability, At, Counterfactual, Criteria, Error, JsonWriter, Limits, Part, PerCriterion,
    Plan, Portfolio, Progress, Report, Roadmap, Stability,
};

const SAMPLE: &str = include_str!("portfolio.toml");
const SAMPLE_CRITERIA: &str = include_str!("criteria.toml");
const USAGE: &str = "usage: rank [--criteria FILE] [--input INPUT] [--format FORMAT] [--robustness] [--svg DIR] [PORTFOLIO]";
const HELP: &str = "\
Rank candidate projects against the AIM demonstration-project criteria and
plan the push: which few lead, and why each of the others follows.

usage: rank [--criteria FILE] [--input INPUT] [--format FORMAT] [--robustness] [--svg DIR] [PORTFOLIO]

arguments:
  PORTFOLIO          the portfolio file, `-` for stdin
                     (default: the sample, examples/portfolio.toml)

options:
  --criteria FILE    criteria overriding the shipped defaults, `-` for stdin
  --input INPUT      how the portfolio is written: toml, or csv (a header
                     row of the file's keys, a row per candidate); default:
                     csv for a name ending in .csv, toml otherwise
  --format FORMAT    {formats}
  --json             the same as --format json
  --robustness       add how sure the choice is: stability, acceptability
                     and counterfactuals
  --svg DIR          write the charts into DIR: contributions.svg and
                     roadmap.svg, and with --robustness acceptability.svg
                     and stability.svg
  --max-bytes N      refuse an input file of more than N bytes
                     (default {max_bytes})
  --max-candidates N refuse a portfolio of more than N candidates
                     (default {max_candidates})
  -h, --help         print this help

Bad input exits with code 2 and `FILE:LINE:COL: error: ...` on stderr
(`FILE: error: row R, column C, ...` for a CSV table).

From cargo: cargo run --example rank -- --format json my-portfolio.toml
";

/// `--help`: [`HELP`] with the formats [`Format::ALL`] names.
fn help() -> String {
    let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
    let formats = match names.split_first() {
        Some((first, rest)) if !rest.is_empty() => {
            format!("{first} (default), {}", rest.join(", "))
        }
        _ => names.join(", "),
    };
    let limits = Limits::default();
    HELP.replace("{formats}", &formats)
        .replace("{max_bytes}", &limits.max_bytes.to_string())
        .replace("{max_candidates}", &limits.max_candidates.to_string())
}

/// How the results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// Aligned text for a person.
    Table,
    /// The plan as JSON, robustness under a `"robustness"` key.
    Json,
    /// A one-page Markdown report, robustness sections included.
    Markdown,
    /// A row per candidate, for a spreadsheet.
    Csv,
}

impl Format {
    /// Every format, in the order `--help` names them.
    const ALL: [Format; 4] = [Format::Table, Format::Json, Format::Markdown, Format::Csv];

    fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Csv => "csv",
        }
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|format| format.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "unknown format {text:?}, expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// How the portfolio is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    /// One `[[candidate]]` table per project.
    Toml,
    /// A header row of the portfolio file's keys, a row per candidate.
    Csv,
}

impl FromStr for Input {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "toml" => Ok(Input::Toml),
            "csv" => Ok(Input::Csv),
            _ => Err(format!("unknown input {text:?}, expected one of toml, csv")),
        }
    }
}

/// Where an input comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    /// Standard input, written `-`.
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Source {
    fn new(arg: std::ffi::OsString) -> Self {
        if arg == "-" {
            Source::Stdin
        } else {
            Source::File(arg.into())
        }
    }

    /// The bytes of the `part`, reading no more than one byte past the
    /// size limit of `limits`: the library refuses a larger input before
    /// parsing, so the rest is never needed. A file the file system gives a
    /// size is refused by it before any is read, and the message gives the
    /// size.
    fn read(&self, part: Part, limits: &Limits) -> Result<Vec<u8>, String> {
        let limit = (limits.max_bytes as u64).saturating_add(1);
        let cannot = |e: std::io::Error| format!("{self}: error: cannot read: {e}");
        let mut bytes = Vec::new();
        match self {
            Source::Stdin => std::io::stdin().lock().take(limit).read_to_end(&mut bytes),
            Source::File(path) => {
                let file = std::fs::File::open(path).map_err(cannot)?;
                let size = file.metadata().map_err(cannot)?.len();
                limits
                    .check_size(part, size)
                    .map_err(|e| located(self, &e))?;
                // Room for the whole file at once, and the byte that tells
                // it grew: no doubling and copying of a 231 MB vector.
                bytes.reserve_exact(usize::try_from(size).unwrap_or(0).saturating_add(1));
                file.take(limit).read_to_end(&mut bytes)
            }
        }
        .map_err(cannot)?;
        Ok(bytes)
    }
}

/// The name messages give an input: `<stdin>`, or the path, quoted (as a
/// Rust string) when it holds a character that would split or hide a
/// message: a newline, a control or bidi character, a quote.
impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Stdin => f.write_str("<stdin>"),
            Source::File(path) => match path.to_str() {
                Some(text) if !text.is_empty() && text.escape_debug().eq(text.chars()) => {
                    f.write_str(text)
                }
                // Debug quoting is the point: it escapes what would split the line.
                #[allow(clippy::unnecessary_debug_formatting)]
                _ => write!(f, "{path:?}"),
            },
        }
    }
}

/// What the command line asks for.
#[derive(Debug)]
struct Args {
    criteria: Option<Source>,
    portfolio: Option<Source>,
    input: Option<Input>,
    format: Format,
    robustness: bool,
    svg: Option<PathBuf>,
    limits: Limits,
}

/// What went wrong, and how the program ends.
enum Failure {
    /// The command line is wrong: the message, then the usage, exit 2.
    Usage(String),
    /// The input is bad: one line, exit 2.
    Input(String),
    /// Writing the output failed.
    Write(std::io::Error),
}

/// Sets `slot` once: a flag given twice is an error, not a silent override.
fn once<T>(slot: &mut Option<T>, value: T, flag: &str) -> Result<(), Failure> {
    if slot.is_some() {
        return Err(Failure::Usage(format!("{flag} given twice")));
    }
    *slot = Some(value);
    Ok(())
}

/// The arguments, or `None` for `--help`.
fn parse_args() -> Result<Option<Args>, Failure> {
    use lexopt::prelude::*;

    let usage = |e: lexopt::Error| Failure::Usage(e.to_string());
    let mut criteria = None;
    let mut portfolio = None;
    let mut format = None;
    let mut robustness = None;
    let mut svg = None;
    let mut input = None;
    let mut max_bytes = None;
    let mut max_candidates = None;
    let mut parser = lexopt::Parser::from_env();
    while let Some(arg) = parser.next().map_err(usage)? {
        match arg {
            Short('h') | Long("help") => return Ok(None),
            Long("criteria") => {
                let file = parser.value().map_err(usage)?;
                once(&mut criteria, Source::new(file), "--criteria")?;
            }
            Long("format") => {
                let value = parser.value().map_err(usage)?;
                let text = value.to_str().unwrap_or_default();
                let chosen = text.parse().map_err(Failure::Usage)?;
                once(&mut format, chosen, "--format (or --json)")?;
            }
            Long("json") => once(&mut format, Format::Json, "--format (or --json)")?,
            Long("robustness") => once(&mut robustness, (), "--robustness")?,
            Long("input") => {
                let value = parser.value().map_err(usage)?;
                let chosen = value.to_str().unwrap_or_default().parse();
                once(&mut input, chosen.map_err(Failure::Usage)?, "--input")?;
            }
            Long("svg") => {
                let dir = parser.value().map_err(usage)?;
                once(&mut svg, PathBuf::from(dir), "--svg")?;
            }
            Long("max-bytes") => {
                let n = parser.value().map_err(usage)?.parse().map_err(usage)?;
                once(&mut max_bytes, n, "--max-bytes")?;
            }
            Long("max-candidates") => {
                let n = parser.value().map_err(usage)?.parse().map_err(usage)?;
                once(&mut max_candidates, n, "--max-candidates")?;
            }
            Value(file) => once(&mut portfolio, Source::new(file), "PORTFOLIO")?,
            _ => return Err(usage(arg.unexpected())),
        }
    }
    if criteria == Some(Source::Stdin) && portfolio == Some(Source::Stdin) {
        return Err(Failure::Usage(
            "stdin (`-`) can be only one of --criteria and PORTFOLIO".to_owned(),
        ));
    }
    Ok(Some(Args {
        criteria,
        portfolio,
        input,
        format: format.unwrap_or(Format::Table),
        robustness: robustness.is_some(),
        svg,
        limits: Limits::default()
            .with_max_bytes(max_bytes.unwrap_or(Limits::default().max_bytes))
            .with_max_candidates(max_candidates.unwrap_or(Limits::default().max_candidates)),
    }))
}

/// `error` as one line that starts with its place, as compilers write it:
/// `FILE:LINE:COL: error: candidate "x", key visibility: unknown variant ...`.
/// A conflict between constraints starts at the first and names each by
/// its place in the file.
fn located(source: &Source, error: &Error) -> String {
    let text = error.to_string();
    let at = match error {
        Error::Toml { at, .. }
        | Error::Csv { at, .. }
        | Error::Invalid { at, .. }
        | Error::Encoding { at, .. }
        | Error::DuplicateId { at, .. } => at,
        Error::Conflict { constraints } if !constraints.is_empty() => {
            let each: Vec<String> = constraints
                .iter()
                .map(|c| {
                    let (place, context) = place(source, &c.at);
                    let context = context.map(|c| format!(", {c}")).unwrap_or_default();
                    format!("{place}{context} = {}", c.value)
                })
                .collect();
            let first = constraints
                .first()
                .map_or_else(|| source.to_string(), |c| place(source, &c.at).0);
            return format!(
                "{first}: error: the constraints cannot all hold together: {}",
                each.join("; ")
            );
        }
        _ => {
            // No place in the file: the message after its part ("portfolio: ").
            let message = ["criteria: ", "portfolio: "]
                .iter()
                .find_map(|part| text.strip_prefix(part))
                .unwrap_or(&text);
            return format!("{source}: error: {message}");
        }
    };
    let (place, context) = place(source, at);
    let message = text.strip_prefix(&format!("{at}: ")).unwrap_or(&text);
    match context {
        Some(context) => format!("{place}: error: {context}: {message}"),
        None => format!("{place}: error: {message}"),
    }
}

/// `FILE:LINE:COL` for `at` in `source`, and the rest of what the library
/// says of the place (`candidate "x", key visibility`), if anything. The
/// library writes "part:LINE:COL, candidate ..., key ..."; the file takes
/// the part's place.
fn place(source: &Source, at: &At) -> (String, Option<String>) {
    let whole = at.to_string();
    let (place, head) = match at.location {
        Some(location) => (
            format!("{source}:{location}"),
            format!("{}:{location}", at.part),
        ),
        None => (source.to_string(), at.part.to_string()),
    };
    let context = whole
        .strip_prefix(&head)
        .and_then(|rest| rest.strip_prefix(", "))
        .map(str::to_owned);
    (place, context)
}

/// `criteria.acceptability`, its progress on stderr (one line, redrawn)
/// once the run passes a second: ten million samples can take half an hour.
fn acceptability(
    criteria: &Criteria,
    portfolio: &Portfolio,
    threads: NonZeroUsize,
) -> Result<Acceptability, Error> {
    let start = std::time::Instant::now();
    let mut shown = Duration::ZERO;
    let mut printed = None;
    let mut line = |progress: Progress| {
        let elapsed = start.elapsed();
        let end = progress.done == progress.samples;
        if printed != Some(progress.done)
            && elapsed >= Duration::from_secs(1)
            && (end || elapsed.saturating_sub(shown) >= Duration::from_millis(250))
        {
            let percent = progress.fraction() * 100.0;
            let (done, samples) = (progress.done, progress.samples);
            eprint!("\racceptability: {percent:5.1}% ({done} of {samples} samples)");
            shown = elapsed;
            printed = Some(progress.done);
        }
        ControlFlow::Continue(())
    };
    let result = criteria.acceptability_with(portfolio, threads, &mut line)?;
    if !shown.is_zero() {
        eprintln!();
    }
    match result {
        Some(result) => Ok(result),
        // Never stopped, so never here.
        None => criteria.acceptability(portfolio, threads),
    }
}

/// Runs what `args` ask for: JSON is written to `stdout` as it is made
/// (the plan of a million candidates is hundreds of megabytes), any other
/// format returned whole.
fn run(args: &Args, stdout: &mut impl std::io::Write) -> Result<String, Failure> {
    // The sample portfolio comes with its sample constraints.
    let sample_criteria = Source::File("examples/criteria.toml".into());
    let (criteria, criteria_source) = match &args.criteria {
        Some(source) => (
            (args.limits)
                .read_criteria(
                    &(source.read(Part::Criteria, &args.limits)).map_err(Failure::Input)?,
                )
                .map_err(|e| Failure::Input(located(source, &e)))?,
            source,
        ),
        None if args.portfolio.is_none() => (
            Criteria::from_toml(SAMPLE_CRITERIA)
                .map_err(|e| Failure::Input(located(&sample_criteria, &e)))?,
            &sample_criteria,
        ),
        None => (Criteria::default(), &sample_criteria),
    };
    // Constraints that name a missing candidate, or cannot all hold, are
    // the criteria file's.
    let bound = |e: Error| Failure::Input(located(criteria_source, &e));
    let portfolio = if let Some(source) = &args.portfolio {
        let bytes = (source.read(Part::Portfolio, &args.limits)).map_err(Failure::Input)?;
        let csv = matches!(source, Source::File(path) if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")));
        let read = match args.input {
            Some(Input::Csv) => args.limits.read_portfolio_csv(&bytes),
            None if csv => args.limits.read_portfolio_csv(&bytes),
            Some(Input::Toml) | None => args.limits.read_portfolio(&bytes),
        };
        read.map_err(|e| Failure::Input(located(source, &e)))?
    } else {
        let sample = Source::File("examples/portfolio.toml".into());
        (args.limits)
            .read_portfolio(SAMPLE.as_bytes())
            .map_err(|e| Failure::Input(located(&sample, &e)))?
    };
    // One plan, which the report holds and the roadmap and JSON read.
    let base = Report::new(&criteria, &portfolio).map_err(bound)?;
    let robustness = if args.robustness {
        let threads = std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN);
        Some(Robustness {
            stability: criteria.stability(&portfolio).map_err(bound)?,
            acceptability: acceptability(&criteria, &portfolio, threads).map_err(bound)?,
            counterfactuals: criteria.counterfactuals(&portfolio).map_err(bound)?,
        })
    } else {
        None
    };
    let piped_json = args.format == Format::Json && !std::io::stdout().is_terminal();
    if piped_json && args.svg.is_none() {
        // The roadmap on a second thread while the ranking is written: the
        // JSON is the same bytes, only sooner.
        return roadmap_aside(&criteria, &portfolio, base.plan(), |roadmap| {
            compact(&mut *stdout, base.plan(), roadmap, robustness.as_ref())
        })
        .map(|()| "\n".to_owned());
    }
    if args.format == Format::Table && robustness.is_none() && args.svg.is_none() {
        // The same: the ranking is written while the roadmap is made, and
        // the roadmap's section follows it (the analyses would come after
        // the roadmap, so only without them).
        return roadmap_aside(&criteria, &portfolio, base.plan(), |roadmap| {
            base.write_table(&mut *stdout).map_err(Failure::Write)?;
            roadmap().write_table(&mut *stdout).map_err(Failure::Write)
        })
        .map(|()| String::new());
    }
    let roadmap = criteria.roadmap_of(&portfolio, base.plan());
    let report = with_analyses(base, robustness.as_ref(), &roadmap);
    if let Some(dir) = &args.svg {
        write_charts(dir, &report)?;
    }
    match args.format {
        Format::Markdown => Ok(report.markdown()),
        Format::Csv => Ok(report.csv()),
        Format::Table => {
            // Into the output as it is made: at a million candidates the
            // table is 260 MB, and no `String` of it is kept.
            report.write_table(&mut *stdout).map_err(Failure::Write)?;
            Ok(String::new())
        }
        Format::Json => {
            let output = Output {
                plan: report.plan(),
                roadmap: &roadmap,
                robustness: robustness.as_ref(),
            };
            // Indented for a person at a terminal; compact for a program
            // reading a pipe or a file, a third of the size.
            if piped_json {
                compact(&mut *stdout, output.plan, || &roadmap, output.robustness)?;
            } else {
                serde_json::to_writer_pretty(&mut *stdout, &output).map_err(json_failure)?;
            }
            Ok("\n".to_owned())
        }
    }
}

/// What `write` gives, run while a second thread makes the roadmap of
/// `plan`: `write` is handed a function that waits for it, to call once
/// the ranking is written.
fn roadmap_aside<T>(
    criteria: &Criteria,
    portfolio: &Portfolio,
    plan: &Plan<'_>,
    write: impl FnOnce(Box<dyn FnOnce() -> Roadmap + '_>) -> T,
) -> T {
    std::thread::scope(|scope| {
        let roadmap = scope.spawn(|| criteria.roadmap_of(portfolio, plan));
        write(Box::new(move || {
            (roadmap.join()).unwrap_or_else(|e| std::panic::resume_unwind(e))
        }))
    })
}

/// `report` with the roadmap, and the robustness analyses when computed.
fn with_analyses<'a>(
    report: Report<'a>,
    robustness: Option<&'a Robustness>,
    roadmap: &'a Roadmap,
) -> Report<'a> {
    let report = report.with_roadmap(roadmap);
    match robustness {
        Some(r) => report
            .with_stability(&r.stability)
            .with_acceptability(&r.acceptability)
            .with_counterfactuals(&r.counterfactuals),
        None => report,
    }
}

/// Writes each chart of `report` into `dir`, made if need be.
fn write_charts(dir: &std::path::Path, report: &Report<'_>) -> Result<(), Failure> {
    let failed =
        |e: std::io::Error| Failure::Input(format!("{}: error: cannot write: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(failed)?;
    for chart in report.charts() {
        std::fs::write(dir.join(chart.name), chart.svg).map_err(failed)?;
    }
    Ok(())
}

/// The JSON output: the plan's keys, the `roadmap`, then `robustness` when
/// asked for.
#[derive(serde::Serialize)]
struct Output<'a> {
    #[serde(flatten)]
    plan: &'a Plan<'a>,
    roadmap: &'a Roadmap,
    #[serde(skip_serializing_if = "Option::is_none")]
    robustness: Option<&'a Robustness>,
}

/// The plan, the roadmap and the robustness analyses as compact JSON, the
/// same bytes as `serde_json::to_writer` gives for [`Output`]: the ranking
/// and the roadmap through the library's `JsonWriter`, several times
/// faster, in pieces of a few megabytes; the rest through `serde_json`. The roadmap is asked for
/// only once the ranking is written.
fn compact<R: std::borrow::Borrow<Roadmap>>(
    out: &mut impl std::io::Write,
    plan: &Plan<'_>,
    roadmap: impl FnOnce() -> R,
    robustness: Option<&Robustness>,
) -> Result<(), Failure> {
    let io = |e: std::io::Error| Failure::Write(e);
    let mut writer = JsonWriter::new();
    let mut piece = String::from("{\"leaders\":");
    piece.push_str(&serde_json::to_string(&plan.leaders).map_err(json_failure)?);
    piece.push_str(",\"ranking\":[");
    in_pieces(out, &mut piece, &plan.ranking, |piece, placements| {
        writer.placements(piece, placements);
    })
    .map_err(io)?;
    let roadmap = roadmap();
    let roadmap = roadmap.borrow();
    piece.push_str("],\"roadmap\":{\"pull_waves\":");
    piece.push_str(&roadmap.pull_waves.to_string());
    piece.push_str(",\"projects\":[");
    in_pieces(out, &mut piece, &roadmap.projects, |piece, stages| {
        writer.stages(piece, stages);
    })
    .map_err(io)?;
    piece.push_str("],\"unreached\":[");
    in_pieces(out, &mut piece, &roadmap.unreached, |piece, unreached| {
        writer.unreached(piece, unreached);
    })
    .map_err(io)?;
    piece.push_str("]}");
    out.write_all(piece.as_bytes()).map_err(io)?;
    if let Some(robustness) = robustness {
        out.write_all(b",\"robustness\":").map_err(io)?;
        serde_json::to_writer(&mut *out, robustness).map_err(json_failure)?;
    }
    out.write_all(b"}").map_err(io)
}

/// Writes `items` to `out` as the elements of a JSON array, 4,096 at a
/// time, each batch by `write` into `piece` after what `piece` holds, with
/// a comma between batches; `piece` is left empty.
fn in_pieces<T>(
    out: &mut impl std::io::Write,
    piece: &mut String,
    items: &[T],
    mut write: impl FnMut(&mut String, &[T]),
) -> std::io::Result<()> {
    for (i, batch) in items.chunks(4096).enumerate() {
        if i > 0 {
            piece.push(',');
        }
        write(piece, batch);
        out.write_all(piece.as_bytes())?;
        piece.clear();
    }
    Ok(())
}

/// A failure to write JSON: the output's, or a value JSON cannot hold.
fn json_failure(e: serde_json::Error) -> Failure {
    if e.is_io() {
        Failure::Write(e.into())
    } else {
        Failure::Input(format!("error: cannot print JSON: {e}"))
    }
}

/// How sure the choice of leaders is.
#[derive(serde::Serialize)]
struct Robustness {
    stability: PerCriterion<Stability>,
    acceptability: Acceptability,
    counterfactuals: Vec<Counterfactual>,
}

fn main() -> ExitCode {
    // Through one lock and a buffer, and a reader that stops reading
    // (`rank | head -2`) is not an error: what it wanted, it has.
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let out = match parse_args() {
        Ok(None) => Ok(help()),
        Ok(Some(args)) => run(&args, &mut stdout),
        Err(failure) => Err(failure),
    };
    let written = match out {
        Ok(out) => stdout
            .write_all(out.as_bytes())
            .and_then(|()| stdout.flush()),
        Err(Failure::Write(e)) => Err(e),
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}\n{USAGE}\nrun with --help for more");
            return ExitCode::from(2);
        }
        Err(Failure::Input(message)) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            ExitCode::FAILURE
        }
    }
}
