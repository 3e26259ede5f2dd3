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

use std::fmt::{self, Write as _};
use std::io::{IsTerminal as _, Read, Write as _};
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use spearhead::{
    Acceptability, Counterfactual, Criteria, Criterion, Error, Limits, Part, PerCriterion,
    Placement, Plan, Portfolio, Progress, Report, Roadmap, Role, Shift, Stability,
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
fn located(source: &Source, error: &Error) -> String {
    let text = error.to_string();
    let (Error::Toml { at, .. }
    | Error::Csv { at, .. }
    | Error::Invalid { at, .. }
    | Error::Encoding { at, .. }
    | Error::DuplicateId { at, .. }) = error
    else {
        // No place in the file: the message after its part ("portfolio: ").
        let message = ["criteria: ", "portfolio: "]
            .iter()
            .find_map(|part| text.strip_prefix(part))
            .unwrap_or(&text);
        return format!("{source}: error: {message}");
    };
    // The library writes "part:LINE:COL, candidate ..., key ...: message";
    // the file takes the part's place, the candidate and key stay.
    let whole = at.to_string();
    let (place, head) = match at.location {
        Some(location) => (
            format!("{source}:{location}"),
            format!("{}:{location}", at.part),
        ),
        None => (source.to_string(), at.part.to_string()),
    };
    let message = text.strip_prefix(&format!("{whole}: ")).unwrap_or(&text);
    match whole
        .strip_prefix(&head)
        .and_then(|rest| rest.strip_prefix(", "))
    {
        Some(context) => format!("{place}: error: {context}: {message}"),
        None => format!("{place}: error: {message}"),
    }
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
    let plan = criteria.plan(&portfolio).map_err(bound)?;
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
    let roadmap = criteria.roadmap_of(&portfolio, &plan);
    if let Some(dir) = &args.svg {
        write_charts(
            dir,
            &report(&criteria, &portfolio, robustness.as_ref(), &roadmap)?,
        )?;
    }
    match args.format {
        Format::Markdown => {
            Ok(report(&criteria, &portfolio, robustness.as_ref(), &roadmap)?.markdown())
        }
        Format::Csv => Ok(report(&criteria, &portfolio, robustness.as_ref(), &roadmap)?.csv()),
        Format::Json => {
            let output = Output {
                plan: &plan,
                roadmap,
                robustness,
            };
            // Indented for a person at a terminal; compact for a program
            // reading a pipe or a file, a third of the size.
            let json = if std::io::stdout().is_terminal() {
                serde_json::to_writer_pretty(&mut *stdout, &output)
            } else {
                serde_json::to_writer(&mut *stdout, &output)
            };
            json.map_err(|e| {
                if e.is_io() {
                    Failure::Write(e.into())
                } else {
                    Failure::Input(format!("error: cannot print JSON: {e}"))
                }
            })?;
            Ok("\n".to_owned())
        }
        Format::Table => {
            let mut out = table(&criteria, &portfolio, &plan);
            out.push_str(&roadmap_table(&roadmap));
            if let Some(robustness) = robustness {
                out.push_str(&robustness.table());
            }
            Ok(out)
        }
    }
}

/// The report of `portfolio`, with its roadmap and the robustness analyses
/// when computed.
fn report<'a>(
    criteria: &'a Criteria,
    portfolio: &'a Portfolio,
    robustness: Option<&'a Robustness>,
    roadmap: &'a Roadmap,
) -> Result<Report<'a>, Failure> {
    // The plan was made already: the criteria hold for this portfolio.
    let report = Report::new(criteria, portfolio)
        .map_err(|e| Failure::Input(format!("error: {e}")))?
        .with_roadmap(roadmap);
    Ok(match robustness {
        Some(r) => report
            .with_stability(&r.stability)
            .with_acceptability(&r.acceptability)
            .with_counterfactuals(&r.counterfactuals),
        None => report,
    })
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
    roadmap: Roadmap,
    #[serde(skip_serializing_if = "Option::is_none")]
    robustness: Option<Robustness>,
}

/// How sure the choice of leaders is.
#[derive(serde::Serialize)]
struct Robustness {
    stability: PerCriterion<Stability>,
    acceptability: Acceptability,
    counterfactuals: Vec<Counterfactual>,
}

impl Robustness {
    fn table(&self) -> String {
        let mut out = String::from(
            "\nRobustness: how far each weight can move, the others fixed, with the same leaders\n",
        );
        let _ = writeln!(
            out,
            "  {:<12} {:>7}  {:<18} past the ends",
            "criterion", "weight", "same leaders for"
        );
        for s in self.stability.values() {
            let range = match s.high {
                Some(high) => format!("{} to {}", number(s.low), number(high)),
                None => format!("{} and up", number(s.low)),
            };
            let mut ends = Vec::new();
            if let Some(below) = &s.below {
                ends.push(format!("below: {}", shift(below)));
            }
            if let Some(above) = &s.above {
                ends.push(format!("above: {}", shift(above)));
            }
            if ends.is_empty() {
                ends.push("no weight changes the leaders".to_owned());
            }
            let _ = writeln!(
                out,
                "  {:<12} {:>7}  {:<18} {}",
                s.criterion.as_str(),
                number(s.weight),
                range,
                ends.join("; ")
            );
        }
        out.push_str(&self.acceptability_table());
        out.push_str("\nWhat one change of evidence would do\n");
        let width = id_width(self.counterfactuals.iter().map(|c| c.id.as_str()));
        for c in &self.counterfactuals {
            let _ = writeln!(out, "  {:4}  {}  {c}", c.role, Padded(&c.id, width));
        }
        out
    }
}

impl Robustness {
    /// How often each candidate leads and ranks where, over the samples.
    fn acceptability_table(&self) -> String {
        let a = &self.acceptability;
        let mut out = format!(
            "\nAcceptability: {} weight vectors drawn ({}, seed {})\n",
            a.samples, a.sampling, a.seed
        );
        let width = id_width(a.candidates.iter().map(|c| c.id.as_str()));
        let shown = a.leaders.min(a.candidates.len()).min(5);
        let mut header = format!("  {}  leads ", Padded("id", width));
        for rank in 1..=shown {
            let _ = write!(header, " rank {rank:<2}");
        }
        header.push_str(
            " central weights (duration visibility tangibility phase bottom_line lead sponsorship)",
        );
        let _ = writeln!(out, "{header}");
        let share = |count: u64| 100.0 * count as f64 / a.samples.max(1) as f64;
        for c in &a.candidates {
            let mut line = format!("  {}  {:5.1}%", Padded(&c.id, width), 100.0 * c.lead_share);
            for rank in 0..shown {
                let count = c.ranks.get(rank).copied().unwrap_or(0);
                let _ = write!(line, " {:6.1}%", share(count));
            }
            match &c.central_weights {
                Some(weights) => {
                    let weights: Vec<String> =
                        weights.iter().map(|(_, w)| format!("{w:.2}")).collect();
                    let _ = write!(line, "  {}", weights.join(" "));
                }
                None => line.push_str("  never leads"),
            }
            let _ = writeln!(out, "{line}");
        }
        out.push_str(
            "  Ranks count every candidate, eligible or not; only an eligible one leads,\n  \
             so a candidate below a min can rank high and never lead.\n",
        );
        out
    }
}

/// `x` with at most 3 decimals, without trailing zeros.
fn number(x: f64) -> String {
    let text = format!("{x:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0" } else { text }.to_owned()
}

/// "a in, b out".
fn shift(shift: &Shift) -> String {
    let moves: Vec<String> = (shift.enter.iter().map(|id| format!("{id} in")))
        .chain(shift.leave.iter().map(|id| format!("{id} out")))
        .collect();
    moves.join(", ")
}

/// The widest an id column grows: a longer id is printed whole and pushes
/// the rest of its row out of line.
const MAX_ID_WIDTH: usize = 40;

/// The width of an id column: the longest id, at least the header "id", at
/// most [`MAX_ID_WIDTH`].
fn id_width<'a>(ids: impl Iterator<Item = &'a str>) -> usize {
    ids.map(|id| id.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(2, MAX_ID_WIDTH)
}

/// Text padded with spaces to a width in characters. By hand: a format
/// width (`{:w$}`) panics past 65,535, and an id may be longer.
struct Padded<'a>(&'a str, usize);

impl fmt::Display for Padded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)?;
        for _ in self.0.chars().count()..self.1 {
            f.write_char(' ')?;
        }
        Ok(())
    }
}

/// The name, then the unit and sponsor when the portfolio gives them:
/// "CRM rollout (Sales; sponsor D. Okafor)".
fn who(p: &Placement) -> String {
    let about: Vec<String> = (p.unit.iter().map(ToString::to_string))
        .chain(p.sponsor.iter().map(|sponsor| format!("sponsor {sponsor}")))
        .collect();
    if about.is_empty() {
        p.name.to_string()
    } else {
        format!("{} ({})", p.name, about.join("; "))
    }
}

/// The plan as a readable table, the leaders' breakdowns, and the pull.
fn table(criteria: &Criteria, portfolio: &Portfolio, plan: &Plan) -> String {
    let mut out = String::new();
    let width = id_width(plan.ranking.iter().map(|p| p.id.as_ref()));
    let _ = writeln!(out, "rank  total  role  {}  name", Padded("id", width));
    for p in &plan.ranking {
        let _ = writeln!(
            out,
            "{:>4}  {:.3}  {:4}  {}  {}",
            p.rank,
            p.total,
            p.role,
            Padded(&p.id, width),
            who(p)
        );
    }
    let _ = writeln!(
        out,
        "\nPush: {} demonstration project(s) lead",
        plan.leaders.len()
    );
    for p in plan.ranking.iter().filter(|p| p.role == Role::Lead) {
        let _ = writeln!(out, "\n  {} ({}), total {:.3}", who(p), p.id, p.total);
        if p.decided {
            // A must-lead: it leads whatever it falls short on.
            let short: Vec<String> = p.reasons.iter().map(ToString::to_string).collect();
            let _ = writeln!(
                out,
                "    leads by decision (must_lead); {}",
                short.join("; ")
            );
        }
        if let Some(candidate) = portfolio.get(&p.id) {
            for line in criteria.breakdown(&candidate.evidence) {
                let criterion: Criterion = line.criterion;
                let _ = writeln!(
                    out,
                    "    {:<12} {:.2}  {}",
                    criterion.as_str(),
                    line.score,
                    line.explanation
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "\nPull: the others follow when the leaders show results"
    );
    for p in plan.ranking.iter().filter(|p| p.role == Role::Pull) {
        let reasons: Vec<String> = p.reasons.iter().map(ToString::to_string).collect();
        let _ = writeln!(out, "  {}  {}", Padded(&p.id, width), reasons.join("; "));
    }
    out
}

/// The roadmap as a table: each project's wave, months and coach, then the
/// followers no one reaches.
fn roadmap_table(roadmap: &Roadmap) -> String {
    let mut out = format!(
        "\nRoadmap: the push, then {} pull wave(s)\n",
        roadmap.pull_waves
    );
    let width = id_width(roadmap.projects.iter().map(|s| s.id.as_str()));
    let _ = writeln!(out, "  wave  start  end  {}  coach", Padded("id", width));
    for stage in &roadmap.projects {
        let coach = stage
            .coach
            .as_ref()
            .map_or_else(|| "leads: the push".to_owned(), ToString::to_string);
        let _ = writeln!(
            out,
            "  {:>4}  {:>5}  {:>3}  {}  {coach}",
            stage.wave,
            stage.start,
            stage.end,
            Padded(&stage.id, width)
        );
    }
    for unreached in &roadmap.unreached {
        let _ = writeln!(out, "  not reached: {}  {}", unreached.id, unreached.reason);
    }
    out
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
