//! The fixtures: hostile inputs with the exact error each must give, and
//! valid inputs with the exact JSON plan each must give.
//!
//! `tests/fixtures/invalid/NAME.toml` is read as a criteria file when NAME
//! starts with `criteria-`, as a portfolio planned on `NAME.criteria.toml`
//! when NAME starts with `plan-`, as a portfolio otherwise; `NAME.err` holds the
//! error message. `tests/fixtures/valid/NAME.toml` is a portfolio ranked on
//! the shipped criteria (or on `NAME.criteria.toml` when there is one);
//! `NAME.json` holds the plan. Run with `SPEARHEAD_BLESS=1` to write the
//! expected files from what the code gives, then read every change.

use std::path::{Path, PathBuf};

use spearhead::{Criteria, Error, Limits, Plan, Portfolio, Roadmap};

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "toml")
                && !path.to_string_lossy().ends_with(".criteria.toml")
        })
        .collect();
    files.sort();
    files
}

fn bless() -> bool {
    std::env::var_os("SPEARHEAD_BLESS").is_some()
}

/// Checks `actual` against the file `expected`, or writes it when blessing.
fn check(expected: &Path, actual: &str, input: &Path) {
    if bless() {
        std::fs::write(expected, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(expected)
        .unwrap_or_else(|_| panic!("{} has no {}", input.display(), expected.display()));
    assert_eq!(actual, want, "{}", input.display());
}

fn read_as_named(path: &Path) -> Result<(), Error> {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy();
    if name.starts_with("criteria-") {
        Criteria::from_slice(&bytes).map(drop)
    } else if name.starts_with("plan-") {
        let criteria = std::fs::read(path.with_extension("criteria.toml")).unwrap();
        let criteria = Criteria::from_slice(&criteria).unwrap();
        criteria
            .plan(&Portfolio::from_slice(&bytes).unwrap())
            .map(drop)
    } else {
        Portfolio::from_slice(&bytes).map(drop)
    }
}

#[test]
fn every_hostile_input_gets_its_exact_error() {
    let files = fixtures("invalid");
    assert!(files.len() >= 30, "only {} hostile fixtures", files.len());
    for path in files {
        let error = read_as_named(&path)
            .err()
            .unwrap_or_else(|| panic!("{} was accepted", path.display()));
        check(&path.with_extension("err"), &format!("{error}\n"), &path);
    }
}

/// What the example prints as JSON: the plan's keys, then the roadmap.
#[derive(serde::Serialize)]
struct PlanAndRoadmap<'a> {
    #[serde(flatten)]
    plan: Plan<'a>,
    roadmap: Roadmap,
}

#[test]
fn every_valid_input_gives_its_exact_plan_and_roadmap() {
    let files = fixtures("valid");
    assert!(!files.is_empty());
    for path in files {
        let portfolio = Portfolio::from_slice(&std::fs::read(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let criteria_file = path.with_extension("criteria.toml");
        let criteria = if criteria_file.exists() {
            Criteria::from_slice(&std::fs::read(&criteria_file).unwrap()).unwrap()
        } else {
            Criteria::default()
        };
        let plan = criteria.plan(&portfolio).unwrap();
        let output = PlanAndRoadmap {
            roadmap: criteria.roadmap_of(&portfolio, &plan),
            plan,
        };
        let json = serde_json::to_string_pretty(&output).unwrap() + "\n";
        check(&path.with_extension("json"), &json, &path);
    }
}

#[test]
fn an_input_past_the_default_limit_is_refused_before_parsing() {
    // Far too deep to parse, if it were parsed: the size check comes first.
    let huge = "[".repeat(Limits::default().max_bytes + 1);
    assert_eq!(
        Portfolio::from_toml(&huge).unwrap_err().to_string(),
        "portfolio: more than the limit of 268435456 bytes"
    );
    assert_eq!(
        Criteria::from_toml(&huge).unwrap_err().to_string(),
        "criteria: more than the limit of 268435456 bytes"
    );
}

#[test]
fn limits_are_configurable() {
    let text = crate::support::candidate_toml("a", "") + &crate::support::candidate_toml("b", "");
    let tight = Limits::default().with_max_candidates(1);
    assert_eq!(
        tight
            .read_portfolio(text.as_bytes())
            .unwrap_err()
            .to_string(),
        "portfolio: 2 candidates is more than the limit of 1"
    );
    let roomy = Limits::default().with_max_candidates(2);
    assert_eq!(roomy.read_portfolio(text.as_bytes()).unwrap().len(), 2);
    let small = Limits::default().with_max_bytes(10);
    assert_eq!(
        small
            .read_criteria(b"[selection]\nleaders = 2\n")
            .unwrap_err()
            .to_string(),
        "criteria: more than the limit of 10 bytes"
    );
    let exact = Limits::default().with_max_bytes(24);
    assert_eq!(
        exact
            .read_criteria(b"[selection]\nleaders = 2\n")
            .unwrap()
            .leaders(),
        2
    );
}
