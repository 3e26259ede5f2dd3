//! The laws of the domain, as property tests.

use std::fmt::Write as _;

use proptest::prelude::*;

use crate::support::decimal;
use spearhead::{
    BottomLine, Candidate, Criteria, Criterion, Evidence, Lead, Months, Motivation, Phase,
    Portfolio, Role, Visibility,
};

fn evidence() -> impl Strategy<Value = Evidence> {
    crate::support::evidence_with(crate::support::decimal(500..=60_000, 3), any::<bool>())
}

/// 1 to 40 candidates with unique ids; equal evidence is common on purpose,
/// so ties are tested.
fn candidates() -> impl Strategy<Value = Vec<Candidate>> {
    prop::collection::vec(
        prop_oneof![evidence(), Just(crate::support::ideal())],
        1..40,
    )
    .prop_map(|evidence| {
        evidence
            .into_iter()
            .enumerate()
            .map(|(i, e)| Candidate::new(format!("c{:03}", (i * 37) % 1000), e))
            .collect()
    })
}

/// Criteria with random weights, scales, minimums and selection.
fn criteria() -> impl Strategy<Value = Criteria> {
    (
        // In the accepted range whatever `scaling_all_weights_changes_no_total`
        // scales them by: 0, or 0.001 to 10 in thousandths.
        prop::array::uniform7(decimal(0..=10_000, 3)),
        prop::array::uniform7(decimal(0..=1000, 3)),
        prop::array::uniform7(prop::option::of(decimal(0..=1000, 3))),
        1usize..6,
        decimal(0..=100_000, 5),
    )
        .prop_filter("weights not all 0", |(w, ..)| w.iter().sum::<f64>() > 0.0)
        .prop_map(|(weights, scores, mins, leaders, min_score)| {
            let mut text = format!("[selection]\nleaders = {leaders}\nmin_score = {min_score:?}\n");
            for (i, criterion) in Criterion::ALL.iter().enumerate() {
                let _ = writeln!(text, "[{criterion}]\nweight = {:?}", weights[i]);
                if let Some(min) = mins[i] {
                    let _ = writeln!(text, "min = {min:?}");
                }
            }
            let _ = writeln!(text, "[visibility.scores]\nmoderate = {:?}", scores[0]);
            let _ = writeln!(text, "[lead.scores]\nexperienced = {:?}", scores[1]);
            let _ = writeln!(text, "[phase.scores]\ndevelopment = {:?}", scores[2]);
            let _ = writeln!(text, "[sponsorship.level]\nexecutive = {:?}", scores[3]);
            let _ = writeln!(text, "[bottom_line.scores]\nindirect = {:?}", scores[4]);
            Criteria::from_toml(&text).unwrap()
        })
}

fn ids(criteria: &Criteria, portfolio: &Portfolio) -> Vec<String> {
    criteria
        .rank(portfolio)
        .iter()
        .map(|r| r.candidate.id.clone())
        .collect()
}

proptest! {
    #[test]
    fn ranking_ignores_input_order(
        criteria in criteria(),
        candidates in candidates(),
        seed in any::<u64>(),
    ) {
        let original = Portfolio::new(candidates.clone()).unwrap();
        let mut shuffled = candidates;
        // A seeded Fisher-Yates shuffle.
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let shuffled = Portfolio::new(shuffled).unwrap();
        let a = serde_json::to_string(&criteria.plan(&original).unwrap()).unwrap();
        let b = serde_json::to_string(&criteria.plan(&shuffled).unwrap()).unwrap();
        prop_assert_eq!(a, b);
        // The ranking as indices names the same candidates in the same order.
        let by_index = |portfolio: &Portfolio| -> Vec<String> {
            criteria
                .rank_indices(portfolio)
                .into_iter()
                .map(|i| portfolio.candidates()[i].id.clone())
                .collect()
        };
        prop_assert_eq!(by_index(&original), ids(&criteria, &original));
        prop_assert_eq!(by_index(&shuffled), ids(&criteria, &original));
    }

    #[test]
    fn ranking_is_a_permutation_sorted_by_total_then_id(
        criteria in criteria(),
        candidates in candidates(),
    ) {
        let portfolio = Portfolio::new(candidates).unwrap();
        let ranking = criteria.rank(&portfolio);
        let mut ranked: Vec<_> = ranking.iter().map(|r| r.candidate.id.clone()).collect();
        let mut given: Vec<_> = portfolio.candidates().iter().map(|c| c.id.clone()).collect();
        ranked.sort();
        given.sort();
        prop_assert_eq!(ranked, given);
        for pair in ranking.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let (ta, tb) = (a.assessment.total, b.assessment.total);
            prop_assert!(ta > tb - 1e-9, "{} then {}", ta, tb);
            if (ta - tb).abs() < 1e-12 {
                prop_assert!(a.candidate.id < b.candidate.id);
            }
        }
    }

    #[test]
    fn scaling_all_weights_changes_no_total(
        criteria in criteria(),
        candidates in candidates(),
        factor in 1u64..1000,
        exponent in -3i32..=2,
    ) {
        // Each weight times factor * 10^exponent, in decimals, within the
        // accepted [1e-6, 1e6]: weights are relative, so nothing in the plan
        // may change, not even a bit.
        let portfolio = Portfolio::new(candidates).unwrap();
        let mut scaled = criteria.clone();
        for &criterion in Criterion::ALL {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let thousandths = (criteria.weight(criterion) * 1000.0).round() as u64;
            let weight: f64 = format!("{}e{}", thousandths * factor, exponent - 3)
                .parse()
                .unwrap();
            scaled = scaled.with_weight(criterion, weight).unwrap();
        }
        prop_assert_eq!(
            serde_json::to_string(&criteria.plan(&portfolio).unwrap()).unwrap(),
            serde_json::to_string(&scaled.plan(&portfolio).unwrap()).unwrap()
        );
    }

    #[test]
    fn scaling_all_weights_changes_no_total_even_at_the_ends_of_the_range(
        exponents in prop::array::uniform7(prop::option::of(-6i32..=6)),
        mantissas in prop::array::uniform7(10u32..100),
        // Where between the two ends, in hundredths.
        at in prop_oneof![Just(0), Just(100), 0i32..=100],
        candidates in candidates(),
    ) {
        // Each weight 0 or a decimal `m.d * 10^e` in [1e-6, 1e6], the ends
        // themselves often (`m.d` is 1.0 there). Weights are decimals, and
        // ties are exact in them: scaling by a power of ten keeps them
        // exactly proportional, where an f64 product would not, and two
        // candidates that tie before must still tie after.
        let weights: Vec<Option<(u32, i32)>> = exponents
            .iter()
            .zip(mantissas)
            .map(|(e, m)| e.map(|e| (if e.abs() == 6 || m < 20 { 10 } else { m }, e)))
            .collect();
        let nonzero = || weights.iter().flatten();
        prop_assume!(nonzero().count() > 0);
        // The powers of ten that keep every weight in the range: from the
        // smallest sent to 1e-6 to the largest sent to 1e6 (0 is between).
        let lowest = nonzero().map(|&(_, e)| -6 - e).max().unwrap();
        let highest = nonzero().map(|&(m, e)| 6 - e - i32::from(m > 10)).min().unwrap();
        let power = lowest + (highest - lowest) * at / 100;
        let with = |power: i32| {
            let mut criteria = Criteria::default();
            for (criterion, w) in Criterion::ALL.iter().zip(&weights) {
                // `m.d * 10^(e + power)`, written as the decimal it is.
                let w = w.map_or(0.0, |(m, e)| format!("{m}e{}", e + power - 1).parse().unwrap());
                criteria = criteria.with_weight(*criterion, w).unwrap();
            }
            criteria
        };
        let (before, after) = (with(0), with(power));
        for candidate in &candidates {
            let (a, b) = (before.assess(&candidate.evidence).total, after.assess(&candidate.evidence).total);
            prop_assert!((a - b).abs() <= 1e-12, "{} became {} scaled by 1e{}", a, b, power);
        }
        let portfolio = Portfolio::new(candidates).unwrap();
        prop_assert_eq!(ids(&before, &portfolio), ids(&after, &portfolio));
    }

    #[test]
    fn improving_one_piece_of_evidence_never_lowers_a_score(
        criteria in criteria(),
        before in evidence(),
        after in evidence(),
        field in 0usize..9,
    ) {
        // `changed` is `before` with one field taken from `after`.
        let mut changed = before;
        let criterion = match field {
            0 => { changed.duration = after.duration; Criterion::Duration }
            1 => { changed.visibility = after.visibility; Criterion::Visibility }
            2 => { changed.change = after.change; Criterion::Tangibility }
            3 => { changed.phase = after.phase; Criterion::Phase }
            4 => { changed.remedial = after.remedial; Criterion::Phase }
            5 => { changed.bottom_line = after.bottom_line; Criterion::BottomLine }
            6 => { changed.lead = after.lead; Criterion::Lead }
            7 => { changed.sponsor_level = after.sponsor_level; Criterion::Sponsorship }
            _ => { changed.sponsor_motivation = after.sponsor_motivation; Criterion::Sponsorship }
        };
        let (old, new) = (criteria.assess(&before), criteria.assess(&changed));
        for other in Criterion::ALL.iter().filter(|c| **c != criterion) {
            prop_assert_eq!(old.scores[*other], new.scores[*other]);
        }
        // Totals are exact, rounded once: no slack for rounding.
        if new.scores[criterion] >= old.scores[criterion] {
            prop_assert!(new.total >= old.total);
        } else {
            prop_assert!(new.total <= old.total);
        }
    }

    #[test]
    fn on_the_shipped_criteria_better_evidence_scores_at_least_as_well(
        before in evidence(),
        toward in 0u32..=1000,
    ) {
        let criteria = Criteria::default();
        let total = |e: &Evidence| criteria.assess(e).total;
        let base = total(&before);
        // Each ordered scale, one step up, never lowers the total.
        let mut better = before;
        better.visibility = match before.visibility { Visibility::Low => Visibility::Moderate, _ => Visibility::High };
        prop_assert!(total(&better) >= base);
        let mut better = before;
        better.lead = match before.lead { Lead::Unproven => Lead::Experienced, _ => Lead::Credible };
        prop_assert!(total(&better) >= base);
        let mut better = before;
        better.sponsor_motivation = match before.sponsor_motivation { Motivation::Weak => Motivation::Moderate, _ => Motivation::Strong };
        prop_assert!(total(&better) >= base);
        let mut better = before;
        better.bottom_line = match before.bottom_line { BottomLine::NoReturn => BottomLine::Indirect, _ => BottomLine::Direct };
        prop_assert!(total(&better) >= base);
        let mut better = before;
        better.remedial = false;
        prop_assert!(total(&better) >= base);
        // Moving the duration toward the 12-18 window never lowers it:
        // months in thousandths, moved by thousandths of the way, land on
        // millionths.
        #[allow(clippy::cast_possible_truncation)]
        let thousandths = (before.duration.get() * 1000.0).round() as i64;
        let target = thousandths.clamp(12_000, 18_000);
        let millionths = thousandths * 1000 + (target - thousandths) * i64::from(toward);
        let mut better = before;
        better.duration = Months::new(millionths as f64 / 1e6).unwrap();
        prop_assert!(total(&better) >= base);
    }

    #[test]
    fn totals_and_scores_are_in_zero_one(criteria in criteria(), e in evidence()) {
        let a = criteria.assess(&e);
        prop_assert!((0.0..=1.0).contains(&a.total));
        for (_, s) in a.scores.iter() {
            prop_assert!((0.0..=1.0).contains(&s));
        }
    }

    #[test]
    fn choose_leaders_matches_the_full_sort(criteria in criteria(), candidates in candidates()) {
        let portfolio = Portfolio::new(candidates).unwrap();
        // The oracle: sort everyone, keep the eligible, take the first few.
        let oracle: Vec<_> = criteria
            .rank(&portfolio)
            .into_iter()
            .filter(|r| criteria.is_eligible(&r.assessment))
            .take(criteria.leaders())
            .map(|r| r.candidate.id.clone())
            .collect();
        let chosen: Vec<_> = criteria
            .choose_leaders(&portfolio).unwrap()
            .into_iter()
            .map(|r| r.candidate.id.clone())
            .collect();
        prop_assert_eq!(&chosen, &oracle);
        prop_assert_eq!(chosen, criteria.plan(&portfolio).unwrap().leaders);
    }
}

proptest! {
    #[test]
    fn a_printed_portfolio_parses_back_the_same(
        candidates in candidates(),
        names in prop::collection::vec(prop::option::of("[A-Za-z0-9é☕ -]{0,12}[A-Za-z]"), 40),
    ) {
        let candidates = candidates
            .into_iter()
            .zip(names)
            .map(|(mut c, name)| {
                if let Some(name) = name {
                    c.unit = Some(name.clone());
                    c.name = name;
                }
                c
            })
            .collect();
        let portfolio = Portfolio::new(candidates).unwrap();
        let printed = toml::to_string(&portfolio).unwrap();
        prop_assert_eq!(Portfolio::from_toml(&printed).unwrap(), portfolio);
    }
}

proptest! {
    #[test]
    fn printed_criteria_parse_back_the_same(criteria in criteria()) {
        let printed = toml::to_string(&criteria).unwrap();
        prop_assert_eq!(Criteria::from_toml(&printed).unwrap(), criteria);
    }
}

/// [`criteria`] and [`candidates`] under constraints of every kind that
/// always hold.
fn constrained() -> impl Strategy<Value = (Criteria, Vec<Candidate>)> {
    (criteria(), candidates()).prop_flat_map(|(criteria, candidates)| {
        crate::support::constrained(candidates, true).prop_map(move |(text, candidates)| {
            (
                crate::support::with_constraints(&criteria, &text),
                candidates,
            )
        })
    })
}

proptest! {
    #[test]
    fn under_constraints_the_plan_ignores_input_order((criteria, candidates) in constrained()) {
        let forward = Portfolio::new(candidates.clone()).unwrap();
        let backward = Portfolio::new(candidates.into_iter().rev().collect()).unwrap();
        prop_assert_eq!(
            serde_json::to_string(&criteria.plan(&forward).unwrap()).unwrap(),
            serde_json::to_string(&criteria.plan(&backward).unwrap()).unwrap()
        );
    }

    #[test]
    fn under_constraints_choose_leaders_gives_the_plans_leaders(
        (criteria, candidates) in constrained(),
    ) {
        let portfolio = Portfolio::new(candidates).unwrap();
        let chosen: Vec<String> = (criteria.choose_leaders(&portfolio).unwrap().into_iter())
            .map(|r| r.candidate.id.clone())
            .collect();
        prop_assert_eq!(chosen, criteria.plan(&portfolio).unwrap().leaders);
    }

    #[test]
    fn under_constraints_every_placement_says_why((criteria, candidates) in constrained()) {
        let portfolio = Portfolio::new(candidates).unwrap();
        let plan = criteria.plan(&portfolio).unwrap();
        prop_assert!(plan.leaders.len() <= criteria.leaders());
        for p in &plan.ranking {
            if p.role == Role::Lead {
                prop_assert!(p.eligible || p.decided, "{:?}", p);
            } else {
                prop_assert!(!p.decided);
                prop_assert!(!p.reasons.is_empty(), "{:?}", p);
            }
            prop_assert_eq!(p.decided && !p.eligible, p.role == Role::Lead && !p.eligible);
        }
    }

    #[test]
    fn constrained_criteria_and_portfolios_print_back_the_same(
        (criteria, candidates) in constrained(),
    ) {
        let printed = toml::to_string(&criteria).unwrap();
        prop_assert_eq!(Criteria::from_toml(&printed).unwrap(), criteria.clone());
        let json = serde_json::to_string(&criteria).unwrap();
        prop_assert_eq!(serde_json::from_str::<Criteria>(&json).unwrap(), criteria);
        let portfolio = Portfolio::new(candidates).unwrap();
        let printed = toml::to_string(&portfolio).unwrap();
        prop_assert_eq!(Portfolio::from_toml(&printed).unwrap(), portfolio.clone());
        let json = serde_json::to_string(&portfolio).unwrap();
        prop_assert_eq!(serde_json::from_str::<Portfolio>(&json).unwrap(), portfolio);
    }
}

#[test]
fn when_the_first_few_do_not_settle_the_leaders_everyone_is_ranked() {
    // 500 candidates, all eligible; only the last ranked carries the tag
    // that a group needs, so the first 76 kept do not settle the leaders.
    let mut candidates: Vec<Candidate> =
        crate::alloc::generate::portfolio(500).candidates().to_vec();
    for (i, c) in candidates.iter_mut().enumerate() {
        c.unit = Some(format!("u{}", i % 40));
        c.trainees = Some(u64::try_from(i % 9).unwrap());
    }
    let portfolio = Portfolio::new(candidates.clone()).unwrap();
    let last = criteria_plan_last_eligible(&portfolio);
    let tagged = candidates.iter_mut().find(|c| c.id == last).unwrap();
    tagged.tags = vec!["grass-roots".to_owned()];
    let portfolio = Portfolio::new(candidates).unwrap();
    let criteria: Criteria = format!(
        "{OPEN}[constraints]\nper_unit = 1\ntraining_capacity = 12\n\
         [[constraints.group]]\ntag = \"grass-roots\"\nmin = 1\n"
    )
    .parse()
    .unwrap();
    let plan = criteria.plan(&portfolio).unwrap();
    assert_eq!(plan.ranking.iter().filter(|p| p.eligible).count(), 500);
    assert!(
        plan.leaders.iter().any(|l| *l == last),
        "{:?}",
        plan.leaders
    );
    let chosen: Vec<String> = (criteria.choose_leaders(&portfolio).unwrap().into_iter())
        .map(|r| r.candidate.id.clone())
        .collect();
    assert_eq!(chosen, plan.leaders);
}

/// The shipped criteria with no minimums: everyone may lead.
const OPEN: &str = "[selection]\nmin_score = 0\n[tangibility]\nmin = 0\n[phase]\nmin = 0\n\
                    [sponsorship]\nmin = 0\n";

/// The id of the worst-ranked candidate when everyone may lead.
fn criteria_plan_last_eligible(portfolio: &Portfolio) -> String {
    let plan = Criteria::from_toml(OPEN).unwrap().plan(portfolio).unwrap();
    let last = plan.ranking.iter().rev().find(|p| p.eligible).unwrap();
    last.id.to_string()
}

/// The case that showed the law's test scaling weights as floats:
/// phase 1e6 and `bottom_line` 1e5 scaled by 1e-11. c000 (diagnosis, no
/// return) and c037 (sustainment, direct) tie exactly under both, so the id
/// decides under both: `1e-5` and `1e-6` are the decimals they read as.
#[test]
fn an_exact_tie_survives_scaling_the_weights_by_a_power_of_ten() {
    let with = |phase: f64, bottom_line: f64| {
        let mut criteria = Criteria::default();
        for criterion in Criterion::ALL {
            let weight = match criterion {
                Criterion::Phase => phase,
                Criterion::BottomLine => bottom_line,
                _ => 0.0,
            };
            criteria = criteria.with_weight(*criterion, weight).unwrap();
        }
        criteria
    };
    let candidate = |id: &str, phase, bottom_line| {
        let mut evidence = crate::support::ideal();
        evidence.duration = Months::new(0.5).unwrap();
        evidence.phase = phase;
        evidence.bottom_line = bottom_line;
        Candidate::new(id, evidence)
    };
    // c037 first: the order given is not the order that ties settle.
    let portfolio = Portfolio::new(vec![
        candidate("c037", Phase::Sustainment, BottomLine::Direct),
        candidate("c000", Phase::Diagnosis, BottomLine::NoReturn),
    ])
    .unwrap();
    for criteria in [with(1e6, 1e5), with(1e-5, 1e-6)] {
        let ranked = criteria.rank(&portfolio);
        assert_eq!(ranked[0].assessment.total, ranked[1].assessment.total);
        assert_eq!(ids(&criteria, &portfolio), ["c000", "c037"]);
    }
}
