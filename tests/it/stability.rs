//! Weight-stability intervals: exact ends on hand-made portfolios, and laws
//! checked by re-planning at weights inside and just past each interval.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;

use spearhead::{
    BottomLine, Candidate, Criteria, Criterion, Evidence, Lead, Months, Motivation, Phase,
    Portfolio, Shift, Visibility,
};

use crate::support::{ideal, portfolio};

fn leaders(criteria: &Criteria, portfolio: &Portfolio) -> BTreeSet<String> {
    criteria
        .plan(portfolio)
        .unwrap()
        .leaders
        .into_iter()
        .map(String::from)
        .collect()
}

/// A `Shift`, which is `#[non_exhaustive]`: read from its JSON.
fn shift(enter: &[&str], leave: &[&str]) -> Shift {
    serde_json::from_value(serde_json::json!({"enter": enter, "leave": leave})).unwrap()
}

#[test]
fn weighting_sponsorship_more_lets_the_better_sponsored_candidate_lead() {
    // `seen` leads on visibility (weighted 2), `backed` is better sponsored.
    let criteria: Criteria = "[selection]\nleaders = 1\nmin_score = 0\n[visibility]\nweight = 2"
        .parse()
        .unwrap();
    let portfolio = portfolio([
        (
            "seen",
            Evidence {
                sponsor_motivation: Motivation::Moderate,
                ..ideal()
            },
        ),
        (
            "backed",
            Evidence {
                visibility: Visibility::Moderate,
                ..ideal()
            },
        ),
    ]);
    assert_eq!(criteria.plan(&portfolio).unwrap().leaders, ["seen"]);
    let stability = criteria.stability(&portfolio).unwrap();
    assert_eq!(stability.values().len(), 7);
    let of = |criterion: Criterion| {
        assert_eq!(stability[criterion].criterion, criterion);
        stability[criterion].clone()
    };

    // seen: 7 + 0.5 t, backed: 6 + t; backed leads above t = 2.
    let sponsorship = of(Criterion::Sponsorship);
    assert_eq!(sponsorship.weight, 1.0);
    assert_eq!((sponsorship.low, sponsorship.high), (0.0, Some(2.0)));
    assert_eq!(sponsorship.below, None);
    assert_eq!(sponsorship.above, Some(shift(&["backed"], &["seen"])));

    // seen: 5.5 + t, backed: 6 + 0.5 t; backed leads below t = 1.
    let visibility = of(Criterion::Visibility);
    assert_eq!(visibility.weight, 2.0);
    assert_eq!((visibility.low, visibility.high), (1.0, None));
    assert_eq!(visibility.below, Some(shift(&["backed"], &["seen"])));
    assert_eq!(visibility.above, None);

    // Equal scores elsewhere: no other weight changes the leader.
    for criterion in [Criterion::Duration, Criterion::Phase, Criterion::Lead] {
        let s = of(criterion);
        assert_eq!(
            (s.low, s.high, &s.below, &s.above),
            (0.0, None, &None, &None)
        );
    }
}

#[test]
fn a_leader_that_falls_below_min_score_leaves_without_a_successor() {
    let criteria: Criteria = "[selection]\nleaders = 1\nmin_score = 0.9".parse().unwrap();
    // 24 months scores (36 - 24) / 18 = 2/3 on the shipped window; the
    // total (6 + 2t/3) / (6 + t) reaches 0.9 while t <= 18/7.
    let long = Evidence {
        duration: Months::new(24.0).unwrap(),
        ..ideal()
    };
    let portfolio = portfolio([("long", long)]);
    let duration = criteria.stability(&portfolio).unwrap()[Criterion::Duration].clone();
    assert_eq!(duration.criterion, Criterion::Duration);
    let high = duration.high.unwrap();
    assert!((high - 18.0 / 7.0).abs() < 1e-12, "{high}");
    assert_eq!(duration.above, Some(shift(&[], &["long"])));
    let just_past = criteria
        .with_weight(Criterion::Duration, high + 1e-6)
        .unwrap();
    assert!(just_past.plan(&portfolio).unwrap().leaders.is_empty());
}

#[test]
fn with_no_leader_the_intervals_end_where_one_becomes_eligible() {
    // The total (6 + 2t/3) / (6 + t) falls short of 0.96 until t <= 9/11.
    let criteria: Criteria = "[selection]\nleaders = 1\nmin_score = 0.96"
        .parse()
        .unwrap();
    let long = Evidence {
        duration: Months::new(24.0).unwrap(),
        ..ideal()
    };
    let portfolio = portfolio([("long", long)]);
    assert!(criteria.plan(&portfolio).unwrap().leaders.is_empty());
    let duration = criteria.stability(&portfolio).unwrap()[Criterion::Duration].clone();
    assert!(
        (duration.low - 9.0 / 11.0).abs() < 1e-12,
        "{}",
        duration.low
    );
    assert_eq!(duration.high, None);
    assert_eq!(duration.below, Some(shift(&["long"], &[])));
}

/// The decimal of ten significant digits nearest `x` on the side `up` (or
/// below): a weight a user could write, just past an end.
fn just_past(x: f64, up: bool) -> f64 {
    #[allow(clippy::cast_possible_truncation)]
    let exponent = x.abs().log10().floor() as i32 - 9;
    #[allow(clippy::cast_possible_truncation)]
    let mut k = (x / 10f64.powi(exponent)).round() as i64;
    loop {
        let y: f64 = format!("{k}e{exponent}").parse().unwrap();
        if (up && y > x) || (!up && y < x) {
            return y;
        }
        k += if up { 1 } else { -1 };
    }
}

/// Checks every end of every interval against re-planning just past it, at
/// a decimal of ten significant digits, and that no shift names nobody.
fn agrees_with_replanning(criteria: &Criteria, portfolio: &Portfolio) {
    let now = leaders(criteria, portfolio);
    for s in criteria.stability(portfolio).unwrap().values() {
        assert!(
            s.low <= s.weight && s.high.is_none_or(|h| s.weight <= h),
            "{s:?}"
        );
        let above = s
            .high
            .map(|h| if h > 0.0 { just_past(h, true) } else { 1e-12 });
        let below = Some(s.low)
            .filter(|&l| l > 0.0)
            .map(|l| just_past(l, false));
        for (shift, past) in [(&s.above, above), (&s.below, below)] {
            let (Some(shift), Some(past)) = (shift, past) else {
                assert!(shift.is_none(), "{s:?}");
                continue;
            };
            assert!(
                !(shift.enter.is_empty() && shift.leave.is_empty()),
                "a shift that names nobody: {s:?}"
            );
            let there = leaders_at(criteria, portfolio, s.criterion, past).unwrap();
            assert_eq!(
                there,
                shifted(&now, shift),
                "{} at {past} in {s:?}",
                s.criterion
            );
        }
    }
}

#[test]
fn twins_tie_in_stability_as_in_the_plan() {
    // Issue 11, case 1: a and b score the same with phase and lead swapped
    // (0.8 and 1.0): equal totals, and the id gives a the one place.
    let criteria: Criteria = "[selection]\nleaders = 1".parse().unwrap();
    let a = Evidence {
        visibility: Visibility::Low,
        phase: Phase::Development,
        bottom_line: BottomLine::Indirect,
        lead: Lead::Credible,
        sponsor_motivation: Motivation::Moderate,
        ..ideal()
    };
    let b = Evidence {
        phase: Phase::Design,
        lead: Lead::Experienced,
        ..a
    };
    let portfolio = portfolio([("a", a), ("b", b)]);
    let plan = criteria.plan(&portfolio).unwrap();
    assert_eq!(plan.leaders, ["a"]);
    assert_eq!(plan.ranking[0].total, plan.ranking[1].total);
    let stability = criteria.stability(&portfolio).unwrap();
    let of = |c: Criterion| &stability[c];
    // Both score 0 on visibility: (4.7) / (6 + t) reaches 0.6 up to 11/6,
    // not an end at the configured 1.
    let visibility = of(Criterion::Visibility);
    assert_eq!((visibility.low, visibility.high), (0.0, Some(11.0 / 6.0)));
    assert_eq!(visibility.below, None);
    assert_eq!(visibility.above, Some(shift(&[], &["a"])));
    // Both score 0.5 on sponsorship: (4.2 + t / 2) / (6 + t) up to 6.
    let sponsorship = of(Criterion::Sponsorship);
    assert_eq!((sponsorship.low, sponsorship.high), (0.0, Some(6.0)));
    assert_eq!(sponsorship.above, Some(shift(&[], &["a"])));
    // Phase and lead tell them apart: at the configured 1 they tie, and the
    // first step either way hands b the place.
    let phase = of(Criterion::Phase);
    assert_eq!((phase.low, phase.high), (0.0, Some(1.0)));
    assert_eq!(phase.above, Some(shift(&["b"], &["a"])));
    let lead = of(Criterion::Lead);
    assert_eq!((lead.low, lead.high), (1.0, None));
    assert_eq!(lead.below, Some(shift(&["b"], &["a"])));
    agrees_with_replanning(&criteria, &portfolio);
}

#[test]
fn a_total_just_below_min_score_is_below_it_in_stability_too() {
    // Issue 11, case 2: 5.5 / 6 = 11/12 is 1.3e-10 below min_score, so a
    // does not lead; any weight on lead, where it scores 1, lifts it.
    let criteria: Criteria = "[selection]\nleaders = 1\nmin_score = 0.9166666668\n\
         [lead]\nweight = 0.0"
        .parse()
        .unwrap();
    let a = Evidence {
        visibility: Visibility::Moderate,
        ..ideal()
    };
    let portfolio = portfolio([("a", a)]);
    assert!(criteria.plan(&portfolio).unwrap().leaders.is_empty());
    let stability = criteria.stability(&portfolio).unwrap();
    let of = |c: Criterion| &stability[c];
    // (5.5 + t) / (6 + t) >= m from t = (6m - 5.5) / (1 - m) = 9.6e-9.
    let lead = of(Criterion::Lead);
    assert_eq!(lead.low, 0.0);
    let high = lead.high.unwrap();
    assert!((high - 8e-10 / 0.083_333_333_2).abs() < 1e-18, "{high}");
    assert_eq!(lead.above, Some(shift(&["a"], &[])));
    // Phase, where it scores 1 too: (4.5 + t) / (5 + t) from t = 1.0000000024.
    let phase = of(Criterion::Phase);
    let high = phase.high.unwrap();
    assert!(
        (high - 0.083_333_334 / 0.083_333_333_2).abs() < 1e-15,
        "{high}"
    );
    assert_eq!(phase.above, Some(shift(&["a"], &[])));
    agrees_with_replanning(&criteria, &portfolio);
}

#[test]
fn no_end_sits_near_a_weight_of_0_without_a_change() {
    // The ends at 1e-15: a zero weight on a criterion where the
    // twins differ. At 0 they tie, and a wins on its id; any weight on
    // phase then favours b, so the end is at 0 itself, exactly.
    let criteria: Criteria = "[selection]\nleaders = 1\n[phase]\nweight = 0"
        .parse()
        .unwrap();
    let a = Evidence {
        phase: Phase::Development,
        lead: Lead::Credible,
        sponsor_motivation: Motivation::Moderate,
        ..ideal()
    };
    let b = Evidence {
        phase: Phase::Design,
        lead: Lead::Credible,
        ..a
    };
    let portfolio = portfolio([("b", b), ("a", a)]);
    let phase = &criteria.stability(&portfolio).unwrap()[Criterion::Phase];
    assert_eq!(phase.criterion, Criterion::Phase);
    assert_eq!(criteria.plan(&portfolio).unwrap().leaders, ["a"]);
    assert_eq!((phase.low, phase.high), (0.0, Some(0.0)));
    assert_eq!(phase.above, Some(shift(&["b"], &["a"])));
    agrees_with_replanning(&criteria, &portfolio);
}

/// Scales on a grid of 1/16 and whole months on a window of quarter marks:
/// every end of an interval is then a fraction with a small denominator, so
/// ends are far apart compared with the steps the laws take past them.
fn coarse_criteria(weights: [u8; 7], leaders: usize, min_score: f64) -> Criteria {
    let [
        duration,
        visibility,
        tangibility,
        phase,
        bottom_line,
        lead,
        sponsorship,
    ] = weights;
    format!(
        "[selection]\nleaders = {leaders}\nmin_score = {min_score:?}\n\
         [duration]\nweight = {duration}\nfull = [12, 18]\nzero = [8, 22]\n\
         [visibility]\nweight = {visibility}\n\
         [tangibility]\nweight = {tangibility}\n\
         scores = {{ technology = 1.0, process = 0.75, cultural = 0.0 }}\n\
         [phase]\nweight = {phase}\nscores = {{ diagnosis = 0.25, design = 1.0, \
         development = 0.75, implementation = 0.5, sustainment = 0.125 }}\n\
         remedial = 0.25\nmin = 0.25\n\
         [bottom_line]\nweight = {bottom_line}\n\
         scores = {{ direct = 1.0, indirect = 0.375, none = 0.0 }}\n\
         [lead]\nweight = {lead}\n\
         scores = {{ unproven = 0.125, experienced = 0.75, credible = 1.0 }}\n\
         [sponsorship]\nweight = {sponsorship}\n\
         motivation = {{ weak = 0.25, moderate = 0.5, strong = 1.0 }}\n\
         level = {{ executive = 0.5, managing_director = 1.0, director = 1.0, manager = 0.75 }}\n\
         min = 0.25\n"
    )
    .parse()
    .unwrap()
}

fn coarse_evidence() -> impl Strategy<Value = Evidence> {
    crate::support::evidence_with((1u8..=30).prop_map(f64::from), prop::bool::weighted(0.2))
}

fn coarse_case() -> impl Strategy<Value = (Criteria, Vec<Candidate>)> {
    (
        prop::array::uniform7(0u8..=8),
        1usize..=3,
        select(&[0.0, 0.25, 0.5, 0.625][..]),
        prop::collection::vec(coarse_evidence(), 1..12),
    )
        .prop_filter("weights not all 0", |(w, ..)| w.iter().any(|&w| w > 0))
        .prop_map(|(weights, leaders, min_score, evidence)| {
            let candidates = evidence
                .into_iter()
                .enumerate()
                .map(|(i, e)| Candidate::new(format!("c{:02}", (i * 7) % 12), e))
                .collect();
            (coarse_criteria(weights, leaders, min_score), candidates)
        })
}

/// The leaders with `criterion` weighted `weight`; `None` when that weight
/// would make every weight 0.
fn leaders_at(
    criteria: &Criteria,
    portfolio: &Portfolio,
    criterion: Criterion,
    weight: f64,
) -> Option<BTreeSet<String>> {
    // Weights are relative: a weight below the accepted 1e-6 is re-planned
    // with every weight times the same power of ten, in decimals, so that
    // the scaled weights are exactly in the same ratios.
    let mut exponent = 0;
    while weight > 0.0 && weight * 10f64.powi(exponent) < Criteria::MIN_WEIGHT {
        exponent += 1;
    }
    let scaled = |w: f64| -> f64 { format!("{w}e{exponent}").parse().unwrap() };
    let mut moved = criteria.clone();
    for &other in Criterion::ALL {
        let w = if other == criterion {
            weight
        } else {
            criteria.weight(other)
        };
        moved = moved.with_weight(other, scaled(w)).ok()?;
    }
    Some(leaders(&moved, portfolio))
}

/// The leaders after `shift`.
fn shifted(leaders: &BTreeSet<String>, shift: &Shift) -> BTreeSet<String> {
    leaders
        .iter()
        .filter(|id| !shift.leave.contains(id))
        .chain(&shift.enter)
        .cloned()
        .collect()
}

/// Far smaller than the distance between two ends of intervals on the
/// coarse scales, far larger than the ranking's 1e-9 grid.
const STEP: f64 = 1e-3;

/// Inside each interval the leaders stay; just past each end they change
/// as the shift says.
fn check_intervals(criteria: &Criteria, candidates: Vec<Candidate>) -> Result<(), TestCaseError> {
    let portfolio = Portfolio::new(candidates).unwrap();
    let now = leaders(criteria, &portfolio);
    for s in criteria.stability(&portfolio).unwrap().values() {
        let c = s.criterion;
        prop_assert!(s.low <= s.weight, "{s:?}");
        prop_assert!(s.high.is_none_or(|high| s.weight <= high), "{s:?}");
        let high = s.high.unwrap_or(s.weight + 100.0);
        let inside = [
            s.low + (s.weight - s.low) / 2.0,
            s.weight,
            s.weight + (high - s.weight) / 2.0,
            (s.low + STEP).min(s.weight),
            (high - STEP).max(s.weight),
        ];
        for weight in inside {
            if let Some(there) = leaders_at(criteria, &portfolio, c, weight) {
                prop_assert_eq!(&there, &now, "{} at {} in {:?}", c, weight, s);
            }
        }
        if s.high.is_none() {
            let far = leaders_at(criteria, &portfolio, c, 1e6).unwrap();
            prop_assert_eq!(&far, &now, "{} at 1e6 in {:?}", c, s);
        }
        for (end, shift, past) in [
            (s.high, &s.above, s.high.map(|h| h + STEP)),
            (
                Some(s.low).filter(|&l| l > 0.0),
                &s.below,
                Some(s.low - STEP),
            ),
        ] {
            prop_assert_eq!(end.is_some(), shift.is_some(), "{:?}", s);
            let (Some(shift), Some(past)) = (shift, past) else {
                continue;
            };
            let there = leaders_at(criteria, &portfolio, c, past).unwrap();
            prop_assert_ne!(&there, &now, "{} at {} in {:?}", c, past, s);
            prop_assert_eq!(
                &there,
                &shifted(&now, shift),
                "{} at {} in {:?}",
                c,
                past,
                s
            );
        }
    }
    Ok(())
}

/// [`coarse_case`] under constraints of every kind that always hold.
fn constrained_case() -> impl Strategy<Value = (Criteria, Vec<Candidate>)> {
    coarse_case().prop_flat_map(|(criteria, candidates)| {
        crate::support::constrained(candidates, true).prop_map(move |(text, candidates)| {
            (
                crate::support::with_constraints(&criteria, &text),
                candidates,
            )
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn inside_an_interval_the_leaders_stay_and_just_past_an_end_they_change(
        (criteria, candidates) in coarse_case(),
    ) {
        check_intervals(&criteria, candidates)?;
    }

    #[test]
    fn under_constraints_too_the_leaders_stay_inside_and_change_past_an_end(
        (criteria, candidates) in constrained_case(),
    ) {
        check_intervals(&criteria, candidates)?;
    }

    #[test]
    fn stability_under_constraints_ignores_input_order((criteria, candidates) in constrained_case()) {
        let forward = Portfolio::new(candidates.clone()).unwrap();
        let backward = Portfolio::new(candidates.into_iter().rev().collect()).unwrap();
        prop_assert_eq!(criteria.stability(&forward).unwrap(), criteria.stability(&backward).unwrap());
    }

    #[test]
    fn stability_ignores_input_order((criteria, candidates) in coarse_case()) {
        let forward = Portfolio::new(candidates.clone()).unwrap();
        let backward = Portfolio::new(candidates.into_iter().rev().collect()).unwrap();
        prop_assert_eq!(criteria.stability(&forward).unwrap(), criteria.stability(&backward).unwrap());
    }
}
