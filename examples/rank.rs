//! Rank a portfolio of candidate projects and plan the push.
//!
//! ```text
//! cargo run --example rank -- [--criteria FILE] [PORTFOLIO] [--json] [--robustness]
//! ```
//!
//! With no portfolio it ranks `examples/portfolio.toml`; with no criteria
//! file it uses the shipped defaults. `--robustness` adds how sure the
//! choice of leaders is: each weight's stability interval, how often each
//! candidate leads under weights drawn at random (the criteria file's
//! `[robustness]`), and the one change of evidence that would flip each
//! candidate's role. Bad input: exit code 2,
//! the error on stderr.

use std::fmt::Write as _;
use std::io::Read as _;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;

use spearhead::{
    Acceptability, Counterfactual, Criteria, Criterion, Limits, Plan, Portfolio, Role, Shift,
    Stability,
};

const SAMPLE: &str = include_str!("portfolio.toml");
const USAGE: &str = "usage: rank [--criteria FILE] [PORTFOLIO] [--json] [--robustness]";

struct Args {
    criteria: Option<PathBuf>,
    portfolio: Option<PathBuf>,
    json: bool,
    robustness: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        criteria: None,
        portfolio: None,
        json: false,
        robustness: false,
    };
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        match arg.to_str() {
            Some("--json") => args.json = true,
            Some("--robustness") => args.robustness = true,
            Some("--criteria") => {
                let file = it.next().ok_or("--criteria needs a FILE")?;
                args.criteria = Some(file.into());
            }
            Some("-h" | "--help") => return Err(USAGE.to_owned()),
            Some(flag) if flag.starts_with('-') => {
                return Err(format!("unknown option {flag}\n{USAGE}"));
            }
            _ if args.portfolio.is_none() => args.portfolio = Some(arg.into()),
            _ => return Err(format!("more than one portfolio given\n{USAGE}")),
        }
    }
    Ok(args)
}

/// The file's bytes, reading no more than one byte past the size limit: the
/// library refuses a larger file before parsing, so the rest is never needed.
fn read(path: &PathBuf) -> Result<Vec<u8>, String> {
    let limit = Limits::default().max_bytes as u64 + 1;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(bytes)
}

fn run() -> Result<String, String> {
    let args = parse_args()?;
    let criteria = match &args.criteria {
        Some(path) => {
            Criteria::from_slice(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => Criteria::default(),
    };
    let portfolio = match &args.portfolio {
        Some(path) => {
            Portfolio::from_slice(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => Portfolio::from_toml(SAMPLE).map_err(|e| e.to_string())?,
    };
    let plan = criteria.plan(&portfolio);
    let robustness = args.robustness.then(|| {
        let threads = std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN);
        Robustness {
            stability: criteria.stability(&portfolio),
            acceptability: criteria.acceptability(&portfolio, threads),
            counterfactuals: criteria.counterfactuals(&portfolio),
        }
    });
    if args.json {
        let output = Output {
            plan: &plan,
            robustness,
        };
        serde_json::to_string_pretty(&output)
            .map(|json| json + "\n")
            .map_err(|e| e.to_string())
    } else {
        let mut out = table(&criteria, &portfolio, &plan);
        if let Some(robustness) = robustness {
            out.push_str(&robustness.table());
        }
        Ok(out)
    }
}

/// The JSON output: the plan's keys, then `robustness` when asked for.
#[derive(serde::Serialize)]
struct Output<'a> {
    #[serde(flatten)]
    plan: &'a Plan,
    #[serde(skip_serializing_if = "Option::is_none")]
    robustness: Option<Robustness>,
}

/// How sure the choice of leaders is.
#[derive(serde::Serialize)]
struct Robustness {
    stability: Vec<Stability>,
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
        for s in &self.stability {
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
            let _ = writeln!(out, "  {:4}  {:width$}  {c}", c.role, c.id);
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
        let mut header = format!("  {:width$}  leads ", "id");
        for rank in 1..=shown {
            let _ = write!(header, " rank {rank:<2}");
        }
        header.push_str(
            " central weights (duration visibility tangibility phase bottom_line lead sponsorship)",
        );
        let _ = writeln!(out, "{header}");
        let share = |count: u64| 100.0 * count as f64 / a.samples.max(1) as f64;
        for c in &a.candidates {
            let mut line = format!("  {:width$}  {:5.1}%", c.id, 100.0 * c.lead_share);
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

/// The width of an id column: the longest id, and at least the header "id".
fn id_width<'a>(ids: impl Iterator<Item = &'a str>) -> usize {
    ids.map(|id| id.chars().count()).max().unwrap_or(0).max(2)
}

/// The plan as a readable table, the leaders' breakdowns, and the pull.
fn table(criteria: &Criteria, portfolio: &Portfolio, plan: &Plan) -> String {
    let mut out = String::new();
    let width = id_width(plan.ranking.iter().map(|p| p.id.as_str()));
    let _ = writeln!(out, "rank  score  role  {:width$}  name", "id");
    for p in &plan.ranking {
        let _ = writeln!(
            out,
            "{:>4}  {:.3}  {:4}  {:width$}  {}",
            p.rank, p.score, p.role, p.id, p.name
        );
    }
    let _ = writeln!(
        out,
        "\nPush: {} demonstration project(s) lead",
        plan.leaders.len()
    );
    for p in plan.ranking.iter().filter(|p| p.role == Role::Lead) {
        let _ = writeln!(out, "\n  {} ({}), total {:.3}", p.name, p.id, p.score);
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
        let _ = writeln!(out, "  {:width$}  {}", p.id, reasons.join("; "));
    }
    out
}

fn main() -> ExitCode {
    match run() {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
