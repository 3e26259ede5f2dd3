//! Parse, score, rank and plan arbitrary bytes, ask how robust the plan
//! is (stability, acceptability on a few samples, watched and stopped, and
//! counterfactuals), plan the waves, print the criteria and the portfolio
//! back, write the plan as JSON by hand and by serde_json, and check the
//! invariants.
//!
//! The input is split at its first 0xFF byte, if any: the part before is a
//! criteria file, the part after a portfolio; without one, the whole input
//! is a portfolio ranked on the shipped criteria. A portfolio that is not
//! TOML is read as CSV; every report of the plan (the text table, Markdown,
//! CSV, the charts) is written with every analysis, and reads the same for
//! the input reversed.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::num::NonZeroUsize;
use std::ops::ControlFlow;

use spearhead::{Criteria, JsonWriter, Limits, Portfolio, Report, Role};

fuzz_target!(|data: &[u8]| {
    let (criteria, portfolio) = match data.iter().position(|&b| b == 0xff) {
        Some(cut) => (Criteria::from_slice(&data[..cut]), &data[cut + 1..]),
        None => (Ok(Criteria::default()), data),
    };
    let criteria = match criteria {
        Ok(criteria) => criteria,
        Err(e) => return assert!(!e.to_string().contains('\n')),
    };
    let portfolio = match Portfolio::from_slice(portfolio) {
        Ok(portfolio) => portfolio,
        Err(e) => {
            assert!(!e.to_string().contains('\n'));
            match Limits::default().read_portfolio_csv(portfolio) {
                Ok(portfolio) => portfolio,
                Err(e) => return assert!(!e.to_string().contains('\n')),
            }
        }
    };
    // Constraints may name candidates the portfolio lacks, or conflict.
    let plan = match criteria.plan(&portfolio) {
        Ok(plan) => plan,
        Err(e) => return assert!(!e.to_string().contains('\n')),
    };

    // A permutation, best first, ranks 1..=N.
    assert_eq!(plan.ranking.len(), portfolio.len());
    for (i, p) in plan.ranking.iter().enumerate() {
        assert_eq!(p.rank, i + 1);
        assert!((0.0..=1.0).contains(&p.total));
        assert!(p.scores.iter().all(|(_, s)| (0.0..=1.0).contains(&s)));
        assert_eq!(
            p.role == Role::Lead,
            p.decided || (p.eligible && p.reasons.is_empty())
        );
    }
    for pair in plan.ranking.windows(2) {
        // Totals are exact, rounded once: the ranking never goes up.
        assert!(pair[0].total >= pair[1].total);
    }
    // At most `leaders` lead, and one pass agrees with the full sort.
    assert!(plan.leaders.len() <= criteria.leaders());
    let chosen: Vec<_> = criteria
        .choose_leaders(&portfolio)
        .expect("the plan chose")
        .into_iter()
        .map(|r| r.candidate.id.clone())
        .collect();
    assert_eq!(chosen, plan.leaders);
    // The order of the input never shows.
    let mut reversed = portfolio.candidates().to_vec();
    reversed.reverse();
    let reversed = Portfolio::new(reversed).expect("a valid portfolio stays valid reversed");
    assert_eq!(criteria.plan(&reversed).ok(), Some(plan.clone()));

    // The hand-written JSON is serde_json's, byte for byte.
    let mut json = String::new();
    JsonWriter::new().plan(&mut json, &plan);
    assert_eq!(json, serde_json::to_string(&plan).expect("a plan is JSON"));

    // The roadmap: every candidate once, the leaders in wave 0, and the
    // same roadmap reversed, and from a plan with texts of its own (found
    // by id, not by address).
    let roadmap = criteria.roadmap_of(&portfolio, &plan);
    assert_eq!(criteria.roadmap_of(&portfolio, &plan.clone().into_owned()), roadmap);
    assert_eq!(
        roadmap.projects.len() + roadmap.unreached.len(),
        portfolio.len()
    );
    for stage in &roadmap.projects {
        assert_eq!(stage.wave == 0, plan.leaders.iter().any(|l| *l == stage.id));
        assert!(stage.end > stage.start);
    }
    json.clear();
    JsonWriter::new().roadmap(&mut json, &roadmap);
    assert_eq!(json, serde_json::to_string(&roadmap).expect("a roadmap is JSON"));
    assert_eq!(criteria.roadmap(&reversed).ok(), Some(roadmap));

    // An interval around every weight, a shift exactly at each end.
    let stability = criteria.stability(&portfolio).expect("the plan chose");
    assert_eq!(stability.values().len(), 7);
    for s in stability.values() {
        assert!(s.low.is_finite() && s.low >= 0.0 && s.low <= s.weight);
        assert!(s.high.is_none_or(|h| h.is_finite() && h >= s.weight));
        assert_eq!(s.above.is_some(), s.high.is_some());
        assert_eq!(s.below.is_some(), s.low > 0.0);
    }
    assert_eq!(criteria.stability(&reversed).ok(), Some(stability));
    // One counterfactual per candidate, in the plan's order and roles.
    let counterfactuals = criteria.counterfactuals(&portfolio).expect("the plan chose");
    assert_eq!(counterfactuals.len(), plan.ranking.len());
    for (c, p) in counterfactuals.iter().zip(&plan.ranking) {
        assert_eq!((c.id.as_str(), c.role), (p.id.as_ref(), p.role));
    }
    assert_eq!(criteria.counterfactuals(&reversed).ok(), Some(counterfactuals));

    // Acceptability on a few samples: counts add up, the same on one or
    // two threads and in any order, and the same when watched.
    let few = criteria.clone().with_samples(40).expect("40 samples are allowed");
    let two = NonZeroUsize::new(2).expect("2 is not 0");
    let accepted = few.acceptability(&portfolio, NonZeroUsize::MIN).expect("the plan chose");
    assert_eq!(accepted.candidates.len(), portfolio.len());
    for c in &accepted.candidates {
        assert!((0.0..=1.0).contains(&c.lead_share));
        assert_eq!(c.ranks.iter().sum::<u64>() + c.lower, 40);
    }
    assert_eq!(few.acceptability(&reversed, two).ok(), Some(accepted.clone()));
    let mut last = 0;
    let watched = few.acceptability_with(&portfolio, two, |progress| {
        assert!(progress.done >= last && progress.done <= progress.samples);
        last = progress.done;
        ControlFlow::Continue(())
    });
    assert_eq!(watched.ok(), Some(Some(accepted)));
    let stopped = few.acceptability_with(&portfolio, two, |_| ControlFlow::Break(()));
    assert_eq!(stopped.ok(), Some(None));

    // Every report (the text table, Markdown, CSV, the charts) with every
    // analysis, the same bytes whatever the order of the input.
    let reports = |portfolio: &Portfolio| {
        let stability = few.stability(portfolio).expect("the plan chose");
        let counterfactuals = few.counterfactuals(portfolio).expect("the plan chose");
        let acceptability = few.acceptability(portfolio, two).expect("the plan chose");
        let roadmap = few.roadmap(portfolio).expect("the plan chose");
        let report = Report::new(&few, portfolio)
            .expect("the plan chose")
            .with_stability(&stability)
            .with_acceptability(&acceptability)
            .with_counterfactuals(&counterfactuals)
            .with_roadmap(&roadmap);
        (report.table(), report.markdown(), report.csv(), report.charts())
    };
    assert_eq!(reports(&portfolio), reports(&reversed));

    // What prints reads back the same.
    let printed = toml::to_string(&criteria).expect("criteria print");
    assert_eq!(Criteria::from_toml(&printed).ok().as_ref(), Some(&criteria), "{printed}");
    let printed = toml::to_string(&portfolio).expect("a portfolio prints");
    assert_eq!(Portfolio::from_toml(&printed).ok().as_ref(), Some(&portfolio), "{printed}");
});
