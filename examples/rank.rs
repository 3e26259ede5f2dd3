//! Rank a portfolio of candidate projects and plan the push.
//!
//! ```text
//! cargo run --example rank -- [--criteria FILE] [PORTFOLIO] [--json]
//! ```
//!
//! With no portfolio it ranks `examples/portfolio.toml`; with no criteria
//! file it uses the shipped defaults. Bad input: exit code 2, the error on
//! stderr.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use spearhead::{Criteria, Criterion, Limits, Plan, Portfolio, Role};

const SAMPLE: &str = include_str!("portfolio.toml");
const USAGE: &str = "usage: rank [--criteria FILE] [PORTFOLIO] [--json]";

struct Args {
    criteria: Option<PathBuf>,
    portfolio: Option<PathBuf>,
    json: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        criteria: None,
        portfolio: None,
        json: false,
    };
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        match arg.to_str() {
            Some("--json") => args.json = true,
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
    if args.json {
        serde_json::to_string_pretty(&plan)
            .map(|json| json + "\n")
            .map_err(|e| e.to_string())
    } else {
        Ok(table(&criteria, &portfolio, &plan))
    }
}

/// The plan as a readable table, the leaders' breakdowns, and the pull.
fn table(criteria: &Criteria, portfolio: &Portfolio, plan: &Plan) -> String {
    let mut out = String::new();
    let width = plan
        .ranking
        .iter()
        .map(|p| p.id.chars().count())
        .max()
        .unwrap_or(2)
        .max(2);
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
