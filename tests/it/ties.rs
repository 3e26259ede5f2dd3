//! One notion of a tie: twins (candidates whose scores are permutations of
//! each other's) and totals exactly on `min_score`, judged alike by the
//! plan, stability, SMAA and counterfactuals, against an oracle in whole
//! numbers.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::num::NonZeroUsize;

use proptest::prelude::*;
use proptest::sample::select;

use spearhead::{
    BottomLine, Candidate, Change, Criteria, Evidence, Lead, Months, Motivation, Phase, Portfolio,
    Role, SponsorLevel, Visibility,
};

/// Three score values every criterion shares, in hundredths, so that a
/// candidate is a choice of one of three values per criterion.
const VALUES: [u32; 13] = [0, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 100];

/// Weights in halves.
const WEIGHTS: [u32; 5] = [0, 1, 2, 3, 4];

/// A case: criteria whose seven criteria all score with `values`, weights
/// `halves / 2`, and candidates as one choice in 0..3 per criterion.
#[derive(Debug, Clone)]
struct Case {
    values: [u32; 3],
    halves: [u32; 7],
    leaders: usize,
    /// `min_score` as a decimal, and as a fraction `p / q`.
    min_score: (String, u64, u64),
    /// A criterion with a `min` exactly on the middle value.
    min: Option<usize>,
    choices: Vec<[usize; 7]>,
}

fn decimal(hundredths: u32) -> String {
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// `p / q` as a terminating decimal, when it is one.
fn terminating(p: u64, q: u64) -> Option<String> {
    let mut rest = q;
    for f in [2, 5] {
        while rest.is_multiple_of(f) {
            rest /= f;
        }
    }
    if rest != 1 {
        return None;
    }
    let mut text = format!("{}.", p / q);
    let mut r = p % q;
    for _ in 0..40 {
        r *= 10;
        let _ = write!(text, "{}", r / q);
        r %= q;
        if r == 0 {
            break;
        }
    }
    Some(text)
}

impl Case {
    /// The criteria file: every criterion scores with `values`, and has a
    /// `min` of 0 except the chosen one, whose `min` is the middle value.
    fn text(&self) -> String {
        let v = self.values.map(decimal);
        let w = self
            .halves
            .map(|h| format!("{}.{}", h / 2, if h % 2 == 1 { 5 } else { 0 }));
        let min = |c: usize| {
            if self.min == Some(c) {
                v[1].clone()
            } else {
                "0".to_owned()
            }
        };
        // A criterion's weight, min and one table of the three values.
        let scale = |c: usize, key: &str, levels: [&str; 3]| {
            format!(
                "weight = {}\nmin = {}\n{key} = {{ {} = {}, {} = {}, {} = {} }}",
                w[c],
                min(c),
                levels[0],
                v[0],
                levels[1],
                v[1],
                levels[2],
                v[2]
            )
        };
        let mut text = format!(
            "[selection]\nleaders = {}\nmin_score = {}\n",
            self.leaders, self.min_score.0
        );
        let _ = writeln!(
            text,
            "[duration]\nweight = {}\nmin = {}\nfull = [12, 18]\nzero = [2, 22]",
            w[0],
            min(0)
        );
        for (c, section, key, keys) in [
            (1, "visibility", "scores", ["low", "moderate", "high"]),
            (
                2,
                "tangibility",
                "scores",
                ["technology", "process", "cultural"],
            ),
            (4, "bottom_line", "scores", ["direct", "indirect", "none"]),
            (5, "lead", "scores", ["unproven", "experienced", "credible"]),
            (
                6,
                "sponsorship",
                "motivation",
                ["weak", "moderate", "strong"],
            ),
        ] {
            let _ = writeln!(text, "[{section}]\n{}", scale(c, key, keys));
        }
        let _ = writeln!(
            text,
            "level = {{ executive = 1, managing_director = 1, director = 1, manager = 1 }}\n\
             [phase]\nweight = {}\nmin = {}\nremedial = 1\n\
             scores = {{ diagnosis = {}, development = {}, design = {}, \
             implementation = 0, sustainment = 0 }}",
            w[3],
            min(3),
            v[0],
            v[1],
            v[2]
        );
        text
    }

    fn criteria(&self) -> Criteria {
        let text = self.text();
        text.parse().unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    /// A choice of one value per criterion as evidence; duration
    /// `2 + v / 10` months scores `v` hundredths on the rise `[2, 12]`.
    fn evidence(&self, choice: &[usize; 7]) -> Evidence {
        let v = self.values[choice[0]];
        Evidence {
            duration: Months::new(2.0 + f64::from(v) / 10.0).unwrap(),
            visibility: Visibility::ALL[choice[1]],
            change: Change::ALL[choice[2]],
            phase: [Phase::Diagnosis, Phase::Development, Phase::Design][choice[3]],
            remedial: false,
            bottom_line: BottomLine::ALL[choice[4]],
            lead: Lead::ALL[choice[5]],
            sponsor_level: SponsorLevel::Director,
            sponsor_motivation: Motivation::ALL[choice[6]],
        }
    }

    fn candidates(&self) -> Vec<Candidate> {
        self.choices
            .iter()
            .enumerate()
            .map(|(i, choice)| {
                Candidate::new(format!("c{:02}", (i * 7) % 17), self.evidence(choice))
            })
            .collect()
    }

    /// Each candidate's total times `2 * 100 * sum(halves)`: whole numbers.
    fn numerators(&self) -> Vec<u64> {
        self.choices
            .iter()
            .map(|choice| {
                choice
                    .iter()
                    .zip(self.halves)
                    .map(|(&i, h)| u64::from(h) * u64::from(self.values[i]))
                    .sum()
            })
            .collect()
    }

    fn denominator(&self) -> u64 {
        100 * u64::from(self.halves.iter().sum::<u32>())
    }

    /// The plan the decimals say: leaders by total, then id; eligible when
    /// the total reaches `min_score` and the min holds.
    fn oracle(&self) -> (Vec<String>, Vec<String>, Vec<bool>) {
        let candidates = self.candidates();
        let numerators = self.numerators();
        let (p, q) = (self.min_score.1, self.min_score.2);
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by(|&a, &b| {
            numerators[b]
                .cmp(&numerators[a])
                .then_with(|| candidates[a].id.cmp(&candidates[b].id))
        });
        let eligible: Vec<bool> = (0..candidates.len())
            .map(|i| {
                // The values ascend: the min holds from the middle one up.
                numerators[i] * q >= p * self.denominator()
                    && self.min.is_none_or(|c| self.choices[i][c] >= 1)
            })
            .collect();
        let ranking: Vec<String> = order.iter().map(|&i| candidates[i].id.clone()).collect();
        let leaders = order
            .iter()
            .filter(|&&i| eligible[i])
            .take(self.leaders)
            .map(|&i| candidates[i].id.clone())
            .collect();
        let eligible = order.iter().map(|&i| eligible[i]).collect();
        (leaders, ranking, eligible)
    }
}

/// Candidates with twins: each drawn choice comes with a permutation of
/// itself among criteria of equal weight.
fn case() -> impl Strategy<Value = Case> {
    (
        prop::sample::subsequence(VALUES.to_vec(), 3),
        prop::array::uniform7(select(WEIGHTS.to_vec())),
        1usize..=3,
        prop::collection::vec((prop::array::uniform7(0usize..3), any::<u64>()), 1..6),
        prop::option::of(0usize..7),
        0usize..12,
    )
        .prop_filter("weights not all 0", |(_, h, ..)| h.iter().any(|&h| h > 0))
        .prop_map(|(values, halves, leaders, drawn, min, on)| {
            let values = [values[0], values[1], values[2]];
            let mut choices = Vec::new();
            for (choice, seed) in drawn {
                choices.push(choice);
                // A twin: rotate the choices of one class of equal weights.
                let weight = halves[(seed % 7) as usize];
                let class: Vec<usize> = (0..7).filter(|&c| halves[c] == weight).collect();
                let mut twin = choice;
                for (k, &c) in class.iter().enumerate() {
                    twin[c] = choice[class[(k + 1) % class.len()]];
                }
                choices.push(twin);
            }
            let mut case = Case {
                values,
                halves,
                leaders,
                min_score: ("0".to_owned(), 0, 1),
                min,
                choices,
            };
            // min_score exactly on a candidate's total, when that is a
            // terminating decimal.
            let numerators = case.numerators();
            let target = numerators[on % numerators.len()];
            let den = case.denominator();
            if let Some(text) = terminating(target, den) {
                let g = gcd(target, den);
                case.min_score = (text, target / g.max(1), den / g.max(1));
            }
            case
        })
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn leaders(criteria: &Criteria, portfolio: &Portfolio) -> BTreeSet<String> {
    criteria
        .plan(portfolio)
        .unwrap()
        .leaders
        .into_iter()
        .map(String::from)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn twins_and_totals_on_min_score_are_judged_alike_everywhere(case in case()) {
        let criteria = case.criteria();
        let portfolio = Portfolio::new(case.candidates()).unwrap();
        let plan = criteria.plan(&portfolio).unwrap();
        let (leaders_expected, ranking, eligible) = case.oracle();

        // The plan: by total exactly, then id; min_score and mins met
        // exactly.
        let ids: Vec<String> = plan.ranking.iter().map(|p| p.id.to_string()).collect();
        prop_assert_eq!(&ids, &ranking);
        let flags: Vec<bool> = plan.ranking.iter().map(|p| p.eligible).collect();
        prop_assert_eq!(&flags, &eligible);
        prop_assert_eq!(&plan.leaders, &leaders_expected);
        let chosen: Vec<String> = criteria
            .choose_leaders(&portfolio).unwrap()
            .iter()
            .map(|r| r.candidate.id.clone())
            .collect();
        prop_assert_eq!(&chosen, &plan.leaders);

        // Stability: inside each interval the leaders stay; just past each
        // end they change as the shift says, and no end names nobody.
        let now = leaders(&criteria, &portfolio);
        for s in criteria.stability(&portfolio).unwrap().values() {
            prop_assert!(s.low <= s.weight && s.high.is_none_or(|h| s.weight <= h), "{s:?}");
            for (end, shift, past) in [
                (s.high, &s.above, s.high.map(|h| h + 1e-6)),
                (Some(s.low).filter(|&l| l > 0.0), &s.below, Some(s.low - (s.low / 2.0).min(1e-6))),
            ] {
                prop_assert_eq!(end.is_some(), shift.is_some(), "{:?}", s);
                let (Some(shift), Some(past)) = (shift, past) else { continue };
                prop_assert!(!(shift.enter.is_empty() && shift.leave.is_empty()), "{s:?}");
                let moved = criteria.clone().with_weight(s.criterion, past).unwrap();
                let there = leaders(&moved, &portfolio);
                let expected: BTreeSet<String> = now
                    .iter()
                    .filter(|id| !shift.leave.contains(id))
                    .chain(&shift.enter)
                    .cloned()
                    .collect();
                prop_assert_eq!(&there, &expected, "{:?} at {}", s, past);
            }
            for inside in [s.weight, s.low + (s.weight - s.low) / 2.0] {
                if let Ok(moved) = criteria.clone().with_weight(s.criterion, inside) {
                    prop_assert_eq!(&leaders(&moved, &portfolio), &now, "{:?} at {}", s, inside);
                }
            }
        }

        // SMAA around the weights with no spread: every sample is the
        // configured weights, so every sample is the plan.
        let still: Criteria = format!(
            "{}[robustness]\nsamples = 3\nweights = \"around\"\nspread = 0\n",
            case.text()
        )
        .parse()
        .unwrap();
        let smaa = still.acceptability(&portfolio, NonZeroUsize::MIN).unwrap();
        for a in &smaa.candidates {
            let leads = plan.leaders.iter().any(|l| *l == a.id);
            prop_assert_eq!(a.leads, if leads { 3 } else { 0 }, "{}", a.id);
            let rank = plan.ranking.iter().position(|p| p.id == a.id).unwrap();
            prop_assert_eq!(a.ranks[rank], 3, "{}", a.id);
        }

        // Counterfactuals: each flip flips the role when re-planned.
        let candidates = case.candidates();
        for c in criteria.counterfactuals(&portfolio).unwrap() {
            let Some(flip) = &c.flip else { continue };
            let mut edited = candidates.clone();
            let i = edited.iter().position(|x| x.id == c.id).unwrap();
            edited[i].evidence = flip.edit.apply(&edited[i].evidence);
            let after = Portfolio::new(edited).unwrap();
            let leads = (criteria.plan(&after).unwrap().leaders.iter()).any(|l| *l == c.id);
            prop_assert_eq!(leads, c.role == Role::Pull, "{} {}", c.id, flip.edit);
        }
    }
}
