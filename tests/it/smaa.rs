//! SMAA: `Criteria::acceptability` is seeded, deterministic on any number of
//! threads, ignores input order, and its counts and weights keep their laws.

use std::fmt::Write as _;
use std::num::NonZeroUsize;

use proptest::prelude::*;
use proptest::sample::select;

use spearhead::{
    Acceptability, Candidate, Criteria, Criterion, Evidence, Portfolio, Ranks, Sampling,
    WeightOrder,
};

use crate::alloc::generate;

fn threads(n: usize) -> NonZeroUsize {
    NonZeroUsize::new(n).unwrap()
}

fn criteria(robustness: &str) -> Criteria {
    format!("[robustness]\n{robustness}").parse().unwrap()
}

/// The shipped criteria with no minimums at all: everyone may lead.
fn open_criteria(leaders: usize, robustness: &str) -> Criteria {
    format!(
        "[selection]\nleaders = {leaders}\nmin_score = 0\n\
         [tangibility]\nmin = 0\n[phase]\nmin = 0\n[sponsorship]\nmin = 0\n\
         [robustness]\n{robustness}"
    )
    .parse()
    .unwrap()
}

fn json(a: &Acceptability) -> String {
    serde_json::to_string(a).unwrap()
}

const MODES: [&str; 5] = [
    "weights = \"simplex\"",
    "weights = \"simplex\"\norder = [\"sponsorship >= visibility\", \"lead >= duration\", \"duration >= lead\"]",
    "weights = \"around\"\nspread = 0.3",
    "weights = \"around\"\nspread = 0.5\norder = [\"sponsorship >= visibility\", \"lead <= phase\"]",
    "weights = \"around\"\nspread = 1\norder = [\"bottom_line >= visibility\", \"visibility >= bottom_line\"]",
];

#[test]
fn the_same_seed_gives_the_same_result_on_one_or_two_threads() {
    let portfolio = generate::portfolio(60);
    for mode in MODES {
        // Many chunks of 64, and not a whole number of them.
        let criteria = criteria(&format!("samples = 9000\nseed = 7\n{mode}"));
        let one = json(&criteria.acceptability(&portfolio, threads(1)).unwrap());
        let two = json(&criteria.acceptability(&portfolio, threads(2)).unwrap());
        let many = json(&criteria.acceptability(&portfolio, threads(5)).unwrap());
        assert_eq!(one, two, "{mode}");
        assert_eq!(one, many, "{mode}");
        assert_eq!(
            one,
            json(&criteria.acceptability(&portfolio, threads(1)).unwrap())
        );
    }
}

#[test]
fn the_order_of_the_candidates_does_not_matter() {
    let candidates = generate::candidates(40);
    let forward = Portfolio::new(candidates.clone()).unwrap();
    let mut shuffled = candidates;
    shuffled.reverse();
    shuffled.swap(3, 17);
    let shuffled = Portfolio::new(shuffled).unwrap();
    for mode in MODES {
        let criteria = criteria(&format!("samples = 5000\nseed = 3\n{mode}"));
        assert_eq!(
            json(&criteria.acceptability(&forward, threads(1)).unwrap()),
            json(&criteria.acceptability(&shuffled, threads(2)).unwrap()),
            "{mode}"
        );
    }
}

#[test]
fn different_seeds_give_different_results() {
    let portfolio = generate::portfolio(30);
    for mode in MODES {
        let a = criteria(&format!("samples = 2000\nseed = 1\n{mode}"));
        let b = criteria(&format!("samples = 2000\nseed = 2\n{mode}"));
        let (a, b) = (
            a.acceptability(&portfolio, threads(1)).unwrap(),
            b.acceptability(&portfolio, threads(1)).unwrap(),
        );
        assert_eq!((a.seed, b.seed), (1, 2));
        assert_ne!(a.candidates, b.candidates, "{mode}");
    }
}

#[test]
fn counts_add_up() {
    let portfolio = generate::portfolio(50);
    for leaders in [1, 3, 50, 80] {
        for mode in MODES {
            let criteria =
                open_criteria(leaders, &format!("samples = 3000\nranks = \"all\"\n{mode}"));
            let result = criteria.acceptability(&portfolio, threads(2)).unwrap();
            assert_eq!(result.samples, 3000);
            assert_eq!(result.leaders, leaders);
            assert_eq!(result.ranks, 50);
            assert_eq!(result.candidates.len(), 50);
            // With no minimums, every sample has min(leaders, N) leaders.
            let leads: u64 = result.candidates.iter().map(|c| c.leads).sum();
            assert_eq!(leads, 3000 * leaders.min(50) as u64, "{mode}");
            for c in &result.candidates {
                assert!((0.0..=1.0).contains(&c.lead_share));
                assert_eq!(c.lead_share, c.leads as f64 / 3000.0);
                assert_eq!(c.ranks.len(), 50);
                assert_eq!(c.lower, 0);
                assert_eq!(c.ranks.iter().sum::<u64>(), 3000, "{}", c.id);
                assert_eq!(c.central_weights.is_some(), c.leads > 0);
                if let Some(w) = c.central_weights {
                    let sum: f64 = w.iter().map(|(_, x)| x).sum();
                    assert!((sum - 1.0).abs() < 1e-6, "{sum}");
                }
                // Leading means ranking within the first `leaders`.
                let top: u64 = c.ranks.iter().take(leaders).sum();
                assert_eq!(top, c.leads);
            }
            // Every rank goes to exactly one candidate in every sample.
            for r in 0..50 {
                let column: u64 = result.candidates.iter().map(|c| c.ranks[r]).sum();
                assert_eq!(column, 3000);
            }
        }
    }
}

#[test]
fn minimums_apply_in_every_sample() {
    // The shipped minimums: a candidate that fails one never leads, and the
    // leaders of a sample are at most the eligible ones.
    let portfolio = generate::portfolio(100);
    let criteria = criteria("samples = 2000");
    let result = criteria.acceptability(&portfolio, threads(2)).unwrap();
    for c in &result.candidates {
        let a = criteria.assess(&portfolio.get(&c.id).unwrap().evidence);
        let fails_a_min = Criterion::ALL
            .iter()
            .any(|&k| criteria.min_of(k).is_some_and(|min| a.scores[k] < min));
        if fails_a_min {
            assert_eq!(c.leads, 0, "{}", c.id);
        }
    }
    assert!(result.candidates.iter().any(|c| c.leads > 0));
    let leads: u64 = result.candidates.iter().map(|c| c.leads).sum();
    assert!(leads <= 2000 * 3);
}

#[test]
fn more_than_100_candidates_count_the_first_100_ranks() {
    let portfolio = generate::portfolio(130);
    let result = open_criteria(3, "samples = 500\nranks = \"all\"")
        .acceptability(&portfolio, threads(2))
        .unwrap();
    assert_eq!(result.ranks, 100);
    for c in &result.candidates {
        assert_eq!(c.ranks.len(), 100);
        assert_eq!(c.ranks.iter().sum::<u64>() + c.lower, 500);
    }
    let lower: u64 = result.candidates.iter().map(|c| c.lower).sum();
    assert_eq!(lower, 30 * 500);
}

#[test]
fn the_shipped_criteria_count_the_first_10_ranks() {
    let portfolio = generate::portfolio(60);
    let result = open_criteria(3, "samples = 700")
        .acceptability(&portfolio, threads(2))
        .unwrap();
    assert_eq!(result.ranks, 10);
    for c in &result.candidates {
        assert_eq!(c.ranks.len(), 10);
        assert_eq!(c.ranks.iter().sum::<u64>() + c.lower, 700);
    }
    // Each of the 10 ranks goes to one candidate in every sample.
    for r in 0..10 {
        let column: u64 = result.candidates.iter().map(|c| c.ranks[r]).sum();
        assert_eq!(column, 700);
    }
    let lower: u64 = result.candidates.iter().map(|c| c.lower).sum();
    assert_eq!(lower, 50 * 700);
    // A portfolio smaller than `ranks` counts every rank.
    let small = open_criteria(3, "samples = 100")
        .acceptability(&generate::portfolio(4), threads(1))
        .unwrap();
    assert_eq!(small.ranks, 4);
    assert!(small.candidates.iter().all(|c| c.lower == 0));
}

#[test]
fn with_no_spread_every_sample_chooses_the_plans_leaders() {
    let portfolio = generate::portfolio(200);
    let criteria = criteria("samples = 500\nweights = \"around\"\nspread = 0");
    let plan = criteria.plan(&portfolio).unwrap();
    let result = criteria.acceptability(&portfolio, threads(2)).unwrap();
    let always: Vec<&str> = result
        .candidates
        .iter()
        .filter(|c| c.leads == 500)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(always, plan.leaders);
    let others: u64 = result.candidates.iter().map(|c| c.leads).sum::<u64>() - 500 * 3;
    assert_eq!(others, 0);
    // The candidates come in the order of the ranking.
    let ranking: Vec<&str> = plan.ranking.iter().map(|p| p.id.as_ref()).collect();
    let listed: Vec<&str> = result.candidates.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(listed, ranking);
    for (c, placement) in result.candidates.iter().zip(&plan.ranking) {
        match c.ranks.get(placement.rank - 1) {
            Some(&count) => assert_eq!(count, 500, "{}", c.id),
            None => assert_eq!(c.lower, 500, "{}", c.id),
        }
    }
}

/// The weights of one sample: a candidate that always leads (ideal evidence,
/// the first id) has them as its central weights when there is one sample.
fn one_sample(robustness: &str, seed: u64) -> [f64; 7] {
    let mut candidates = vec![Candidate::new("a", crate::support::ideal())];
    candidates.extend(generate::candidates(5));
    let portfolio = Portfolio::new(candidates).unwrap();
    let criteria = criteria(&format!("samples = 1\nseed = {seed}\n{robustness}"));
    let result = criteria.acceptability(&portfolio, threads(1)).unwrap();
    let first = &result.candidates[0];
    assert_eq!((first.id.as_str(), first.leads), ("a", 1));
    let w = first.central_weights.unwrap();
    std::array::from_fn(|i| w[Criterion::ALL[i]])
}

/// The mean weights over `samples` samples, as above.
fn mean_weights(criteria_text: &str, samples: u64) -> [f64; 7] {
    let mut candidates = vec![Candidate::new("a", crate::support::ideal())];
    candidates.extend(generate::candidates(5));
    let portfolio = Portfolio::new(candidates).unwrap();
    let criteria = criteria(&format!("samples = {samples}\n{criteria_text}"));
    let result = criteria.acceptability(&portfolio, threads(2)).unwrap();
    assert_eq!(result.candidates[0].leads, samples);
    let w = result.candidates[0].central_weights.unwrap();
    std::array::from_fn(|i| w[Criterion::ALL[i]])
}

fn index(name: &str) -> usize {
    name.parse::<Criterion>().unwrap() as usize
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_sample_obeys_the_order(
        seed in 0u64..1_000_000_000,
        around in any::<bool>(),
        orders in prop::collection::vec((select(Criterion::ALL), select(Criterion::ALL)), 0..5),
    ) {
        let orders: Vec<WeightOrder> = orders
            .into_iter()
            .filter(|(a, b)| a != b)
            .map(|(heavier, lighter)| WeightOrder { heavier, lighter })
            .collect();
        let list: Vec<String> = orders.iter().map(|o| format!("\"{o}\"")).collect();
        let mode = if around { "weights = \"around\"\nspread = 1" } else { "weights = \"simplex\"" };
        let text = format!("[robustness]\n{mode}\norder = [{}]", list.join(", "));
        // Around the shipped weights (all 1), with a spread of 1, any
        // order can hold, but a circle of them may be too rare to draw.
        let Ok(parsed) = Criteria::from_toml(&text) else {
            prop_assume!(false);
            unreachable!()
        };
        prop_assert_eq!(parsed.robustness().order(), orders.as_slice());
        let w = one_sample(&format!("{mode}\norder = [{}]", list.join(", ")), seed);
        prop_assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-8);
        for o in &orders {
            let (a, b) = (w[o.heavier as usize], w[o.lighter as usize]);
            prop_assert!(a >= b, "{} broken: {:?}", o, w);
        }
    }

    #[test]
    fn around_samples_stay_within_the_spread(
        seed in 0u64..1_000_000_000,
        spread in 0.0f64..=0.9,
        weights in prop::array::uniform7(crate::support::decimal(0..=5000, 3)),
    ) {
        prop_assume!(weights.iter().sum::<f64>() > 0.1);
        let mut text = String::new();
        for (c, w) in Criterion::ALL.iter().zip(weights) {
            writeln!(text, "[{c}]\nweight = {w:?}").unwrap();
        }
        let w = one_sample(&format!("weights = \"around\"\nspread = {spread:?}\n{text}"), seed);
        // Each weight was within the spread of its configured value before
        // all were scaled by the same factor, which the spread also bounds.
        let configured: f64 = weights.iter().sum();
        let (lo, hi) = ((1.0 - spread) / (1.0 + spread), (1.0 + spread) / (1.0 - spread));
        for (x, w0) in w.iter().zip(weights) {
            let share = w0 / configured;
            prop_assert!(*x >= share * lo - 1e-9 && *x <= share * hi + 1e-9, "{} vs {}", x, share);
        }
        // And the ratios of two sampled weights: within the spread squared.
        // A weight of 0 stays 0 (checked above), and has no ratio.
        for i in 0..7 {
            for j in 0..7 {
                if weights[i] > 0.0 && weights[j] > 0.0 && w[j] > 0.0 {
                    let ratio = (w[i] / w[j]) / (weights[i] / weights[j]);
                    prop_assert!(ratio <= hi * (1.0 + 1e-6) && ratio >= lo * (1.0 - 1e-6));
                }
            }
        }
    }
}

#[test]
fn around_a_zero_weight_stays_zero() {
    // `one_sample` takes `[robustness]` keys; other sections may follow.
    let w = one_sample("weights = \"around\"\nspread = 1\n[lead]\nweight = 0", 5);
    assert_eq!(w[index("lead")], 0.0);
}

#[test]
fn simplex_weights_average_one_seventh() {
    let w = mean_weights("seed = 11", 20_000);
    for x in w {
        assert!((x - 1.0 / 7.0).abs() < 0.005, "{w:?}");
    }
}

#[test]
fn a_chain_of_constraints_gives_the_sorted_simplex() {
    // The i-th largest of 7 weights uniform on the simplex averages
    // (1/7) * sum(1/j, j = i..=7).
    let names = Criterion::ALL;
    let chain: Vec<String> = names
        .windows(2)
        .map(|w| format!("\"{} >= {}\"", w[0], w[1]))
        .collect();
    let w = mean_weights(&format!("seed = 5\norder = [{}]", chain.join(", ")), 20_000);
    for (i, x) in w.iter().enumerate() {
        let expected: f64 = (i + 1..=7).map(|j| 1.0 / j as f64).sum::<f64>() / 7.0;
        assert!((x - expected).abs() < 0.004, "{i}: {x} vs {expected}");
    }
}

#[test]
fn constraints_in_a_circle_make_weights_equal_and_cells_weigh_by_volume() {
    // lead = sponsorship = bottom_line, and phase >= them: against an oracle
    // that draws (3g, phase, 3 others) uniformly on the 5-simplex and keeps
    // the draws with phase >= g.
    let w = mean_weights(
        "seed = 9\norder = [\"lead >= sponsorship\", \"sponsorship >= bottom_line\", \
         \"bottom_line >= lead\", \"phase >= lead\"]",
        40_000,
    );
    assert_eq!(w[index("lead")], w[index("sponsorship")]);
    assert_eq!(w[index("lead")], w[index("bottom_line")]);
    let mut rng = generate::SplitMix64::new(99);
    let mut uniform = || ((rng.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    let (mut sum_g, mut sum_phase, mut sum_other, mut n) = (0.0, 0.0, 0.0, 0.0);
    while n < 200_000.0 {
        let e: Vec<f64> = (0..5).map(|_| -uniform().ln()).collect();
        let total: f64 = e.iter().sum();
        let (g, phase, other) = (e[0] / total / 3.0, e[1] / total, e[2] / total);
        if phase >= g {
            sum_g += g;
            sum_phase += phase;
            sum_other += other;
            n += 1.0;
        }
    }
    let tolerance = 0.003;
    assert!(
        (w[index("lead")] - sum_g / n).abs() < tolerance,
        "{w:?} {}",
        sum_g / n
    );
    assert!(
        (w[index("phase")] - sum_phase / n).abs() < tolerance,
        "{w:?} {}",
        sum_phase / n
    );
    assert!(
        (w[index("duration")] - sum_other / n).abs() < tolerance,
        "{w:?} {}",
        sum_other / n
    );
}

fn evidence() -> impl Strategy<Value = Evidence> {
    crate::support::evidence_with(crate::support::decimal(1000..=48_000, 3), any::<bool>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn a_dominating_candidate_leads_in_every_sample(
        best in evidence(),
        others in prop::collection::vec(evidence(), 1..20),
        leaders in 1usize..4,
        seed in 0u64..1000,
        around in any::<bool>(),
    ) {
        let mode = if around { "weights = \"around\"\nspread = 0.9" } else { "weights = \"simplex\"" };
        let criteria = open_criteria(leaders, &format!("samples = 300\nseed = {seed}\n{mode}"));
        let scores = |e: &Evidence| criteria.assess(e).scores;
        let top = scores(&best);
        // Keep the others `best` dominates: at most its score on every
        // criterion, below it on one. Ties on the grid go to the first id.
        let mut candidates = vec![Candidate::new("a-best", best)];
        for (i, e) in others.into_iter().enumerate() {
            let s = scores(&e);
            let below_on_all = Criterion::ALL.iter().all(|&c| s[c] <= top[c]);
            let below_on_one = Criterion::ALL.iter().any(|&c| s[c] < top[c]);
            if below_on_all && below_on_one {
                candidates.push(Candidate::new(format!("c{i:02}"), e));
            }
        }
        let portfolio = Portfolio::new(candidates).unwrap();
        let result = criteria.acceptability(&portfolio, threads(2)).unwrap();
        let best = result.candidates.iter().find(|c| c.id == "a-best").unwrap();
        prop_assert_eq!(best.leads, 300);
        prop_assert_eq!(best.ranks[0], 300);
    }

    #[test]
    fn printed_robustness_parses_back_the_same(
        samples in 1u64..=10_000_000,
        seed in 0u64..=i64::MAX as u64,
        around in any::<bool>(),
        spread in 0.0f64..=1.0,
        orders in prop::collection::vec((select(Criterion::ALL), select(Criterion::ALL)), 0..4),
        ranks in prop::option::of(1usize..=100),
    ) {
        let list: Vec<String> = orders
            .iter()
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("\"{a} >= {b}\""))
            .collect();
        let ranks = ranks.map_or(Ranks::All, Ranks::First);
        let written = match ranks {
            Ranks::First(k) => k.to_string(),
            Ranks::All => "\"all\"".to_owned(),
        };
        let text = format!(
            "[robustness]\nsamples = {samples}\nseed = {seed}\nweights = \"{}\"\nspread = {spread:?}\norder = [{}]\nranks = {written}",
            if around { "around" } else { "simplex" },
            list.join(", "),
        );
        let Ok(criteria) = Criteria::from_toml(&text) else {
            prop_assume!(false);
            unreachable!()
        };
        prop_assert_eq!(criteria.robustness().samples(), samples);
        prop_assert_eq!(criteria.robustness().seed(), seed);
        prop_assert_eq!(
            criteria.robustness().sampling(),
            if around { Sampling::Around } else { Sampling::Simplex }
        );
        prop_assert_eq!(criteria.robustness().ranks(), ranks);
        let printed = toml::to_string(&criteria).unwrap();
        let line = format!("\nranks = {written}\n");
        prop_assert!(printed.contains(&line), "{}", printed);
        prop_assert_eq!(Criteria::from_toml(&printed).unwrap(), criteria.clone());
        // The setter says what the file says.
        prop_assert_eq!(Criteria::default().with_ranks(ranks).unwrap().robustness().ranks(), ranks);
    }
}

#[test]
fn the_shipped_robustness() {
    let r = Criteria::default();
    let r = r.robustness();
    assert_eq!(
        (r.samples(), r.seed(), r.sampling(), r.spread(), r.order()),
        (10_000, 0, Sampling::Simplex, 0.2, &[][..])
    );
    assert_eq!(r.ranks(), Ranks::First(10));
}

#[test]
fn ranks_out_of_range_are_refused_by_the_setter() {
    for k in [0, 101, usize::MAX] {
        assert_eq!(
            Criteria::default()
                .with_ranks(Ranks::First(k))
                .unwrap_err()
                .to_string(),
            format!(
                "criteria, key robustness.ranks: must be a whole number from 1 to 100 or \"all\", \
                 not {k}"
            )
        );
    }
    let criteria = Criteria::default().with_ranks(Ranks::First(100)).unwrap();
    assert_eq!(criteria.robustness().ranks(), Ranks::First(100));
}

#[test]
fn weight_orders_read_and_print() {
    let o: WeightOrder = " sponsorship>=visibility ".parse().unwrap();
    assert_eq!(o.to_string(), "sponsorship >= visibility");
    let flipped: WeightOrder = "visibility <= sponsorship".parse().unwrap();
    assert_eq!(flipped, o);
    assert_eq!(
        "sponsorship > visibility"
            .parse::<WeightOrder>()
            .unwrap_err()
            .to_string(),
        "criteria, key robustness.order: \"sponsorship > visibility\" is not a constraint: \
         expected \"criterion >= criterion\""
    );
}

#[test]
fn changing_a_weight_can_make_an_around_order_impossible() {
    let criteria = criteria("weights = \"around\"\nspread = 0.1\norder = [\"lead >= duration\"]");
    assert_eq!(
        criteria
            .with_weight(Criterion::Lead, 0.5)
            .unwrap_err()
            .to_string(),
        "criteria, key lead.weight: the order puts lead at or above duration, but within the \
         spread of 0.1 lead's weight is at most 0.55 and duration's at least 0.9"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_valid_robustness_runs_and_keeps_its_counts(
        samples in 1u64..300,
        seed in any::<u32>(),
        around in any::<bool>(),
        spread in 0.0f64..=1.0,
        weights in prop::array::uniform7(prop_oneof![Just(0.0), crate::support::decimal(0..=3000, 3)]),
        orders in prop::collection::vec((select(Criterion::ALL), select(Criterion::ALL)), 0..6),
        leaders in 1usize..5,
        min_score in crate::support::decimal(0..=1000, 3),
        n in 1usize..30,
    ) {
        let mut text = format!("[selection]\nleaders = {leaders}\nmin_score = {min_score:?}\n");
        for (c, w) in Criterion::ALL.iter().zip(weights) {
            writeln!(text, "[{c}]\nweight = {w:?}").unwrap();
        }
        let list: Vec<String> = orders
            .iter()
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("\"{a} >= {b}\""))
            .collect();
        writeln!(
            text,
            "[robustness]\nsamples = {samples}\nseed = {seed}\nweights = \"{}\"\n\
             spread = {spread:?}\norder = [{}]",
            if around { "around" } else { "simplex" },
            list.join(", "),
        )
        .unwrap();
        let Ok(criteria) = Criteria::from_toml(&text) else {
            prop_assume!(false);
            unreachable!()
        };
        let portfolio = generate::portfolio(n);
        let result = criteria.acceptability(&portfolio, threads(2)).unwrap();
        let leads: u64 = result.candidates.iter().map(|c| c.leads).sum();
        prop_assert!(leads <= samples * leaders.min(n) as u64);
        for c in &result.candidates {
            prop_assert_eq!(c.ranks.iter().sum::<u64>() + c.lower, samples);
            prop_assert!((0.0..=1.0).contains(&c.lead_share));
            if let Some(w) = c.central_weights {
                for o in criteria.robustness().order() {
                    prop_assert!(w[o.heavier] >= w[o.lighter] - 1e-9);
                }
                for (criterion, x) in w.iter() {
                    prop_assert!(x.is_finite() && x >= 0.0);
                    if around && criteria.weight(criterion) == 0.0 {
                        // A weight of 0 has nowhere to go within the spread.
                        prop_assert_eq!(x, 0.0);
                    }
                }
            }
        }
    }
}

/// Up to 11 candidates under constraints of every kind that always hold,
/// on the shipped criteria with 1 to 4 leaders and `robustness`.
fn constrained_case(robustness: &'static str) -> impl Strategy<Value = (Criteria, Vec<Candidate>)> {
    let evidence =
        crate::support::evidence_with((1u8..=30).prop_map(f64::from), prop::bool::weighted(0.2));
    (1usize..=4, prop::collection::vec(evidence, 1..12)).prop_flat_map(
        move |(leaders, evidence)| {
            let candidates = (evidence.into_iter().enumerate())
                .map(|(i, e)| Candidate::new(format!("c{:02}", (i * 7) % 12), e))
                .collect();
            crate::support::constrained(candidates, true).prop_map(move |(text, candidates)| {
                let base: Criteria =
                    format!("[selection]\nleaders = {leaders}\n[robustness]\n{robustness}")
                        .parse()
                        .unwrap();
                (crate::support::with_constraints(&base, &text), candidates)
            })
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn under_constraints_every_sample_chooses_as_the_plan_does(
        (criteria, candidates) in constrained_case("samples = 40\nweights = \"around\"\nspread = 0"),
    ) {
        let portfolio = Portfolio::new(candidates).unwrap();
        let plan = criteria.plan(&portfolio).unwrap();
        let result = criteria.acceptability(&portfolio, threads(2)).unwrap();
        for c in &result.candidates {
            let leads = plan.leaders.iter().any(|l| *l == c.id);
            prop_assert_eq!(c.leads, if leads { 40 } else { 0 }, "{}", c.id);
        }
    }

    #[test]
    fn under_constraints_the_order_of_the_candidates_does_not_matter(
        (criteria, candidates) in constrained_case("samples = 300\nseed = 7"),
    ) {
        let forward = Portfolio::new(candidates.clone()).unwrap();
        let backward = Portfolio::new(candidates.into_iter().rev().collect()).unwrap();
        let a = criteria.acceptability(&forward, threads(1)).unwrap();
        let b = criteria.acceptability(&backward, threads(2)).unwrap();
        prop_assert_eq!(json(&a), json(&b));
    }
}

/// The progress a run reports, and what it gives, on `n` threads.
fn watched(
    criteria: &Criteria,
    portfolio: &Portfolio,
    n: usize,
    mut stop_at: impl FnMut(spearhead::Progress) -> bool,
) -> (Option<Acceptability>, Vec<spearhead::Progress>) {
    let mut seen = Vec::new();
    let result = criteria
        .acceptability_with(portfolio, threads(n), |progress| {
            seen.push(progress);
            if stop_at(progress) {
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        })
        .unwrap();
    (result, seen)
}

#[test]
fn a_watched_run_gives_what_an_unwatched_one_does_however_it_is_cut() {
    // Chunks of 64 and a few samples: threads claim them in any order.
    let criteria = criteria("samples = 12300\nseed = 5");
    let portfolio = generate::portfolio(300);
    let plain = json(&criteria.acceptability(&portfolio, threads(1)).unwrap());
    for n in [1, 2, 3, 8] {
        let (result, seen) = watched(&criteria, &portfolio, n, |_| false);
        assert_eq!(json(&result.unwrap()), plain, "{n} threads");
        // Told often, never backwards, and last at the end.
        assert!(seen.len() > 3, "{} calls", seen.len());
        assert!(seen.windows(2).all(|w| w[0].done <= w[1].done));
        let last = seen.last().unwrap();
        assert_eq!((last.done, last.samples), (12_300, 12_300));
        assert!(seen.iter().all(|p| p.samples == 12_300 && p.done <= 12_300));
    }
}

#[test]
fn a_run_stopped_gives_nothing_and_hears_no_more() {
    let criteria = Criteria::default().with_samples(10_000_000).unwrap();
    let portfolio = generate::portfolio(1_000);
    for n in [1, 2] {
        let (result, seen) = watched(&criteria, &portfolio, n, |_| true);
        assert_eq!(result, None);
        // Stopped at the first word: nothing after it.
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].done < 10_000, "{seen:?}");
        let (result, seen) = watched(&criteria, &portfolio, n, |p| p.fraction() >= 0.001);
        assert_eq!(result, None);
        let last = seen.last().unwrap();
        assert!(
            last.fraction() >= 0.001 && last.fraction() < 0.01,
            "{last:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Counting the first `k` ranks counts what counting them all does in
    /// its first `k` columns, and the leads and central weights are the
    /// same: only the ranks below are counted together.
    #[test]
    fn counting_the_first_ranks_counts_the_first_columns_of_all(
        n in 1usize..160,
        k in prop_oneof![1usize..=12, 1usize..=100],
        leaders in 1usize..8,
        seed in 0u64..1000,
        mode in select(&MODES[..]),
        shipped_mins in any::<bool>(),
        threads_k in 1usize..=2,
    ) {
        let robustness = format!("samples = 300\nseed = {seed}\n{mode}");
        let base = if shipped_mins {
            format!("[selection]\nleaders = {leaders}\n[robustness]\n{robustness}")
                .parse::<Criteria>()
                .unwrap()
        } else {
            open_criteria(leaders, &robustness)
        };
        let portfolio = generate::portfolio(n);
        let all = base.clone().with_ranks(Ranks::All).unwrap();
        let all = all.acceptability(&portfolio, threads(1)).unwrap();
        let first = base.with_ranks(Ranks::First(k)).unwrap();
        let first = first.acceptability(&portfolio, threads(threads_k)).unwrap();
        let width = k.min(n);
        prop_assert_eq!(all.ranks, n.min(100));
        prop_assert_eq!(first.ranks, width);
        prop_assert_eq!(all.candidates.len(), first.candidates.len());
        for (a, f) in all.candidates.iter().zip(&first.candidates) {
            prop_assert_eq!(&a.id, &f.id);
            prop_assert_eq!(&a.ranks[..width], &f.ranks[..]);
            prop_assert_eq!(f.lower, 300 - f.ranks.iter().sum::<u64>());
            prop_assert_eq!(a.leads, f.leads, "{}", a.id);
            prop_assert_eq!(a.lead_share, f.lead_share);
            prop_assert_eq!(a.central_weights, f.central_weights);
        }
    }
}

/// 80 to 200 candidates under constraints of every kind (a group minimum
/// among them, which the first few may not meet), on the shipped criteria
/// with 1 to 3 leaders: enough candidates that a sample keeps only its
/// best few.
fn large_constrained_case() -> impl Strategy<Value = (Criteria, Vec<Candidate>)> {
    (
        80usize..200,
        1usize..=3,
        prop::option::weighted(0.4, (1u8..=2, 1usize..60)),
        select(&MODES[..]),
        0u64..1000,
    )
        .prop_flat_map(|(n, leaders, group, mode, seed)| {
            crate::support::constrained(generate::candidates(n), true).prop_map(
                move |(mut text, mut candidates)| {
                    if let Some((min, every)) = group {
                        for c in candidates.iter_mut().step_by(every) {
                            c.tags.push("h".to_owned());
                        }
                        let _ = write!(text, "[[constraints.group]]\ntag = \"h\"\nmin = {min}\n");
                    }
                    let base: Criteria = format!(
                        "[selection]\nleaders = {leaders}\n\
                         [robustness]\nsamples = 300\nseed = {seed}\n{mode}"
                    )
                    .parse()
                    .unwrap();
                    (crate::support::with_constraints(&base, &text), candidates)
                },
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Under constraints a sample that counts the first ranks keeps only
    /// its best few and chooses the leaders from them when it can: it
    /// counts what ranking everyone does.
    #[test]
    fn under_constraints_the_best_few_choose_as_ranking_everyone_does(
        (criteria, candidates) in large_constrained_case(),
        k in 1usize..=12,
        threads_k in 1usize..=2,
    ) {
        let portfolio = Portfolio::new(candidates).unwrap();
        let n = portfolio.len();
        let all = criteria.clone().with_ranks(Ranks::All).unwrap();
        let all = all.acceptability(&portfolio, threads(1)).unwrap();
        let first = criteria.with_ranks(Ranks::First(k)).unwrap();
        let first = first.acceptability(&portfolio, threads(threads_k)).unwrap();
        prop_assert_eq!(all.ranks, n.min(100));
        prop_assert_eq!(first.ranks, k);
        for (a, f) in all.candidates.iter().zip(&first.candidates) {
            prop_assert_eq!(&a.id, &f.id);
            prop_assert_eq!(&a.ranks[..k], &f.ranks[..]);
            prop_assert_eq!(a.leads, f.leads, "{}", a.id);
            prop_assert_eq!(a.central_weights, f.central_weights);
        }
    }
}

#[test]
fn a_constraint_on_a_missing_candidate_is_an_error_on_any_number_of_threads() {
    // The other threads start before the constraints are bound: they must
    // hear that there is nothing to count, and the error is the same.
    let criteria: Criteria =
        "[constraints]\nmust_lead = [\"nobody\"]\n[robustness]\nsamples = 5000\n"
            .parse()
            .unwrap();
    let portfolio = generate::portfolio(100);
    let one = criteria.acceptability(&portfolio, threads(1)).unwrap_err();
    for n in [2, 4] {
        let many = criteria.acceptability(&portfolio, threads(n)).unwrap_err();
        assert_eq!(many.to_string(), one.to_string());
    }
    assert!(one.to_string().contains("nobody"), "{one}");
}
