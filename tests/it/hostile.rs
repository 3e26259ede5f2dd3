//! No string and no mutation of a valid file makes the library panic, and
//! whatever it accepts still keeps the plan's invariants.

use proptest::prelude::*;

use spearhead::{Criteria, Plan, Portfolio, Role};

const SAMPLE: &str = include_str!("../../examples/portfolio.toml");
const CONSTRAINED: &str = include_str!("../fixtures/valid/constrained.toml");
const CONSTRAINED_CRITERIA: &str = include_str!("../fixtures/valid/constrained.criteria.toml");

/// The invariants of any plan: a permutation ranked best first, at most
/// `leaders` leaders, all eligible, scores in [0, 1], messages one line.
fn check_plan(
    criteria: &Criteria,
    portfolio: &Portfolio,
    plan: &Plan,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(plan.ranking.len(), portfolio.len());
    prop_assert!(plan.leaders.len() <= criteria.leaders());
    let leads: Vec<_> = plan
        .ranking
        .iter()
        .filter(|p| p.role == Role::Lead)
        .map(|p| p.id.clone())
        .collect();
    prop_assert_eq!(&leads, &plan.leaders);
    for (i, p) in plan.ranking.iter().enumerate() {
        prop_assert_eq!(p.rank, i + 1);
        prop_assert!((0.0..=1.0).contains(&p.total));
        // A leader by decision keeps its shortfalls.
        prop_assert_eq!(
            p.role == Role::Lead,
            p.decided || (p.eligible && p.reasons.is_empty())
        );
        prop_assert!(portfolio.get(&p.id).is_some());
    }
    for pair in plan.ranking.windows(2) {
        prop_assert!(pair[0].total >= pair[1].total - 1e-9);
    }
    check_roadmap(criteria, portfolio, plan)?;
    check_robustness(criteria, portfolio, plan)
}

/// The roadmap of whatever was accepted: every candidate once, reached or
/// not, the leaders in wave 0 and no one else, ends after starts, and
/// every message one line.
fn check_roadmap(
    criteria: &Criteria,
    portfolio: &Portfolio,
    plan: &Plan,
) -> Result<(), TestCaseError> {
    let roadmap = criteria.roadmap_of(portfolio, plan);
    let mut ids: Vec<&str> = (roadmap.projects.iter().map(|s| s.id.as_str()))
        .chain(roadmap.unreached.iter().map(|u| u.id.as_str()))
        .collect();
    ids.sort_unstable();
    let mut all: Vec<&str> = plan.ranking.iter().map(|p| p.id.as_ref()).collect();
    all.sort_unstable();
    prop_assert_eq!(ids, all);
    let mut wave_0: Vec<&str> = (roadmap.projects.iter())
        .filter(|s| s.wave == 0)
        .map(|s| s.id.as_str())
        .collect();
    wave_0.sort_unstable();
    let mut leaders: Vec<&str> = plan.leaders.iter().map(AsRef::as_ref).collect();
    leaders.sort_unstable();
    prop_assert_eq!(wave_0, leaders);
    for stage in &roadmap.projects {
        prop_assert!(stage.end > stage.start);
        prop_assert_eq!(stage.coach.is_none(), stage.wave == 0);
        if let Some(coach) = &stage.coach {
            prop_assert!(!coach.to_string().contains('\n'));
        }
    }
    for unreached in &roadmap.unreached {
        prop_assert!(!unreached.reason.to_string().contains('\n'));
    }
    Ok(())
}

/// Robustness answers whatever was accepted: an interval around every
/// weight, with a shift exactly at each end that has one, and one
/// counterfactual per candidate in the plan's order and roles.
fn check_robustness(
    criteria: &Criteria,
    portfolio: &Portfolio,
    plan: &Plan,
) -> Result<(), TestCaseError> {
    let stability = criteria.stability(portfolio).unwrap();
    prop_assert_eq!(stability.values().len(), 7);
    for s in stability.values() {
        prop_assert!(
            s.low.is_finite() && s.low >= 0.0 && s.low <= s.weight,
            "{:?}",
            s
        );
        prop_assert!(
            s.high.is_none_or(|h| h.is_finite() && h >= s.weight),
            "{:?}",
            s
        );
        prop_assert_eq!(s.above.is_some(), s.high.is_some());
        prop_assert_eq!(s.below.is_some(), s.low > 0.0);
    }
    let counterfactuals = criteria.counterfactuals(portfolio).unwrap();
    prop_assert_eq!(counterfactuals.len(), plan.ranking.len());
    for (c, p) in counterfactuals.iter().zip(&plan.ranking) {
        prop_assert_eq!(
            (c.id.as_str(), c.role, c.rank),
            (p.id.as_ref(), p.role, p.rank)
        );
    }
    Ok(())
}

/// A mutation of a byte string: what a careless edit or a bad disk does.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    DuplicateLine(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let snippets = prop::sample::select(vec![
        b"\"".to_vec(),
        b"[".to_vec(),
        b"]]".to_vec(),
        b"=".to_vec(),
        b"\n".to_vec(),
        b"nan".to_vec(),
        b"-inf".to_vec(),
        b"1e400".to_vec(),
        b"\xff".to_vec(),
        "\u{202e}".as_bytes().to_vec(),
        b"[[candidate]]\n".to_vec(),
        b"id = \"crm-rollout\"\n".to_vec(),
        b"# ".to_vec(),
        b"{".to_vec(),
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Flip(at, b)),
        (any::<usize>(), snippets).prop_map(|(at, s)| Mutation::Insert(at, s)),
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Mutation::Delete(at, n)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for m in mutations {
        let len = bytes.len().max(1);
        match m {
            Mutation::Flip(at, b) => {
                if let Some(x) = bytes.get_mut(at % len) {
                    *x = *b;
                }
            }
            Mutation::Insert(at, s) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, s.iter().copied());
            }
            Mutation::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            Mutation::DuplicateLine(at) => {
                let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
                let line = lines[at % lines.len()].to_vec();
                bytes.extend_from_slice(b"\n");
                bytes.extend_from_slice(&line);
            }
            Mutation::Truncate(at) => bytes.truncate(at % len),
        }
    }
    bytes
}

fn single_line(error: &spearhead::Error) -> Result<(), TestCaseError> {
    let message = error.to_string();
    prop_assert!(!message.is_empty());
    prop_assert!(!message.contains('\n'), "{:?}", message);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_string_panics(text in any::<String>()) {
        if let Err(e) = Portfolio::from_toml(&text) {
            single_line(&e)?;
        }
        if let Err(e) = Criteria::from_toml(&text) {
            single_line(&e)?;
        }
    }

    #[test]
    fn no_toml_like_string_panics(text in "([\\[\\]{}=,.\"'#a-z0-9_ \n-]|candidate|id|nan|inf|1e999){0,80}") {
        if let Err(e) = Portfolio::from_toml(&text) {
            single_line(&e)?;
        }
        if let Err(e) = Criteria::from_toml(&text) {
            single_line(&e)?;
        }
    }

    #[test]
    fn no_mutation_of_a_valid_portfolio_panics(mutations in prop::collection::vec(mutation(), 1..6)) {
        let bytes = mutate(SAMPLE, &mutations);
        let criteria = Criteria::default();
        match Portfolio::from_slice(&bytes) {
            Ok(portfolio) => check_plan(&criteria, &portfolio, &criteria.plan(&portfolio).unwrap())?,
            Err(e) => single_line(&e)?,
        }
    }

    #[test]
    fn no_mutation_of_the_shipped_criteria_panics(mutations in prop::collection::vec(mutation(), 1..6)) {
        let bytes = mutate(spearhead::SHIPPED_CRITERIA, &mutations);
        match Criteria::from_slice(&bytes) {
            Ok(criteria) => {
                let portfolio = Portfolio::from_toml(SAMPLE).unwrap();
                check_plan(&criteria, &portfolio, &criteria.plan(&portfolio).unwrap())?;
            }
            Err(e) => single_line(&e)?,
        }
    }

    #[test]
    fn no_mutation_of_a_constrained_plan_panics(
        mutations in prop::collection::vec(mutation(), 1..6),
        of_criteria in any::<bool>(),
    ) {
        let (criteria, portfolio) = (CONSTRAINED_CRITERIA, CONSTRAINED);
        let (criteria, portfolio) = if of_criteria {
            (mutate(criteria, &mutations), portfolio.as_bytes().to_vec())
        } else {
            (criteria.as_bytes().to_vec(), mutate(portfolio, &mutations))
        };
        let criteria = match Criteria::from_slice(&criteria) {
            Ok(criteria) => criteria,
            Err(e) => return single_line(&e),
        };
        let portfolio = match Portfolio::from_slice(&portfolio) {
            Ok(portfolio) => portfolio,
            Err(e) => return single_line(&e),
        };
        match criteria.plan(&portfolio) {
            Ok(plan) => check_plan(&criteria, &portfolio, &plan)?,
            Err(e) => single_line(&e)?,
        }
    }
}
