//! Counterfactuals: the smallest single edit that flips a candidate's role,
//! pinned on hand-made portfolios and checked against re-planning every
//! single edit.

use std::fmt::Write as _;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use spearhead::{
    BottomLine, Candidate, Change, Counterfactual, Criteria, Criterion, Edit, Evidence, Field,
    Lead, Months, Motivation, Phase, Portfolio, Role, SponsorLevel, Value, Visibility,
};

use crate::support::{decimal, ideal, portfolio};

fn with(f: impl FnOnce(&mut Evidence)) -> Evidence {
    let mut e = ideal();
    f(&mut e);
    e
}

/// Each counterfactual as "id: what the smallest edit does".
fn lines(counterfactuals: &[Counterfactual]) -> Vec<String> {
    counterfactuals
        .iter()
        .map(|c| format!("{}: {c}", c.id))
        .collect()
}

#[test]
fn followers_lead_and_leaders_fall_by_the_smallest_edit() {
    let portfolio = portfolio([
        ("a", ideal()),
        ("b", ideal()),
        ("c", with(|e| e.lead = Lead::Experienced)),
        (
            "lukewarm",
            with(|e| e.sponsor_motivation = Motivation::Moderate),
        ),
        ("fixer", with(|e| e.remedial = true)),
    ]);
    let counterfactuals = Criteria::default().counterfactuals(&portfolio).unwrap();
    assert_eq!(
        lines(&counterfactuals),
        [
            // Below 0.5 on duration the total drops under lukewarm's; 7
            // and 28 months both score 4/9, and 7 is closer to 15.
            "a: duration_months 15 -> 7 unseats it (total 0.921)",
            "b: duration_months 15 -> 7 unseats it (total 0.921)",
            "c: duration_months 15 -> 9 unseats it (total 0.924)",
            // Moderate to strong is the only edit that passes c.
            "lukewarm: sponsor_motivation moderate -> strong makes it lead (total 1.000)",
            // Remedial caps phase below its min whatever the phase.
            "fixer: remedial true -> false makes it lead (total 1.000)",
        ]
    );
    let roles: Vec<_> = counterfactuals.iter().map(|c| c.role).collect();
    assert_eq!(
        roles,
        [Role::Lead, Role::Lead, Role::Lead, Role::Pull, Role::Pull]
    );
    let ranks: Vec<_> = counterfactuals.iter().map(|c| c.rank).collect();
    assert_eq!(ranks, [1, 2, 3, 4, 5]);
    let flip = counterfactuals[3].flip.unwrap();
    assert_eq!(flip.edit.field(), Field::SponsorMotivation);
    assert_eq!(
        flip.edit.before(),
        Value::SponsorMotivation(Motivation::Moderate)
    );
    assert_eq!(
        flip.edit.after(),
        Value::SponsorMotivation(Motivation::Strong)
    );
    assert_eq!(flip.total, 1.0);
}

#[test]
fn an_id_that_loses_every_tie_cannot_lead_by_one_edit() {
    // b can at best tie a's total, and a tie goes to the smaller id.
    let portfolio = portfolio([
        ("a", ideal()),
        ("b", with(|e| e.sponsor_motivation = Motivation::Moderate)),
    ]);
    let criteria = Criteria::default().with_leaders(1).unwrap();
    let counterfactuals = criteria.counterfactuals(&portfolio).unwrap();
    assert_eq!(
        lines(&counterfactuals),
        [
            "a: duration_months 15 -> 7 unseats it (total 0.921)",
            "b: no single change makes it lead: sponsor_motivation moderate -> strong \
             ties it with a (total 1.000), and the tie goes to a, by its lower id",
        ]
    );
    let tie = counterfactuals[1].tie.as_ref().unwrap();
    assert_eq!(
        (tie.edit.after(), tie.total, tie.with.as_str()),
        (Value::SponsorMotivation(Motivation::Strong), 1.0, "a")
    );
    assert_eq!(counterfactuals[0].tie, None);
    assert_eq!(counterfactuals[1].flip, None);
}

#[test]
fn without_minimums_and_with_room_for_all_no_edit_unseats_a_leader() {
    let criteria: Criteria = "[selection]\nmin_score = 0\n[tangibility]\nmin = 0\n\
        [phase]\nmin = 0\n[sponsorship]\nmin = 0"
        .parse()
        .unwrap();
    let portfolio = portfolio([("a", ideal()), ("b", with(|e| e.change = Change::Cultural))]);
    assert_eq!(
        lines(&criteria.counterfactuals(&portfolio).unwrap()),
        [
            "a: no single change unseats it",
            "b: no single change unseats it"
        ]
    );
}

#[test]
fn an_ineligible_candidate_with_a_free_place_needs_only_to_become_eligible() {
    // Three places, one other candidate: eligibility is all it takes, and
    // the edit that reaches the tangibility min moves the total least.
    let portfolio = portfolio([
        ("a", ideal()),
        (
            "b",
            with(|e| {
                e.change = Change::Cultural;
                e.visibility = Visibility::Low;
            }),
        ),
    ]);
    assert_eq!(
        lines(&Criteria::default().counterfactuals(&portfolio).unwrap()),
        [
            // Diagnosis and remedial both cap phase at 0.2; phase comes first.
            "a: phase design -> diagnosis unseats it (total 0.886)",
            // Technology and process both score 1; process is one level away.
            "b: change cultural -> process makes it lead (total 0.857)",
        ]
    );
}

#[test]
fn edits_read_as_the_portfolio_file_writes_them() {
    let evidence = with(|e| e.duration = Months::new(14.5).unwrap());
    let cases = [
        (
            Value::DurationMonths(Months::new(18.0).unwrap()),
            "duration_months 14.5 -> 18",
        ),
        (Value::Remedial(true), "remedial false -> true"),
        (
            Value::Phase(Phase::Implementation),
            "phase design -> implementation",
        ),
        (
            Value::BottomLine(BottomLine::NoReturn),
            "bottom_line direct -> none",
        ),
        (
            Value::SponsorLevel(SponsorLevel::Executive),
            "sponsor_level managing_director -> executive",
        ),
    ];
    for (to, text) in cases {
        let edit = Edit::new(&evidence, to);
        assert_eq!(edit.to_string(), text);
        assert_eq!(Value::of(&edit.apply(&evidence), to.field()), to);
    }
    for &field in Field::ALL {
        assert_eq!(field.to_string().parse::<Field>().unwrap(), field);
        assert_eq!(Value::of(&evidence, field).field(), field);
    }
    assert_eq!(Field::Remedial.criterion(), Criterion::Phase);
    assert_eq!(Field::SponsorLevel.criterion(), Criterion::Sponsorship);
    assert_eq!(Field::Change.criterion(), Criterion::Tangibility);
}

#[test]
fn counterfactuals_print_as_json_with_the_change_in_words() {
    let portfolio = portfolio([
        ("a", ideal()),
        ("b", with(|e| e.sponsor_motivation = Motivation::Moderate)),
    ]);
    let criteria = Criteria::default().with_leaders(1).unwrap();
    let json = serde_json::to_string(&criteria.counterfactuals(&portfolio).unwrap()).unwrap();
    assert_eq!(
        json, // 58/63, rounded once
        r#"[{"rank":1,"id":"a","role":"lead","total":1.0,"flip":{"change":"duration_months 15 -> 7","field":"duration_months","from":15.0,"to":7.0,"total":0.9206349206349206}},"#
            .to_owned()
            + r#"{"rank":2,"id":"b","role":"pull","total":0.9285714285714286,"flip":null,"#
            + r#""tie":{"change":"sponsor_motivation moderate -> strong","field":"sponsor_motivation","from":"moderate","to":"strong","total":1.0,"with":"a"}}]"#
    );
    let edit = Edit::new(&ideal(), Value::Remedial(true));
    assert_eq!(
        serde_json::to_string(&edit).unwrap(),
        r#"{"field":"remedial","from":false,"to":true}"#
    );
}

#[test]
fn a_huge_zero_window_is_searched_only_so_far() {
    // The months searched stop at 1200, whatever the window.
    let criteria: Criteria = "[duration]\nzero = [3, 100000]".parse().unwrap();
    let portfolio = portfolio([("a", ideal()), ("b", ideal())]);
    let counterfactuals = criteria
        .with_leaders(1)
        .unwrap()
        .counterfactuals(&portfolio)
        .unwrap();
    assert_eq!(counterfactuals.len(), 2);
}

#[test]
fn counterfactual_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Counterfactual>();
    assert_send_sync::<spearhead::Flip>();
    assert_send_sync::<Edit>();
    assert_send_sync::<Value>();
    assert_send_sync::<Field>();
}

// The oracle: every single edit, each judged by a whole new plan.

/// Every single edit of `evidence`, the months searched a little past where
/// the library stops (later months score the same, so they never win).
fn every_edit(evidence: &Evidence, zero_end: f64) -> Vec<Edit> {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let last = zero_end.ceil().max(1.0) as u32 + 2;
    let mut values: Vec<Value> = (1..=last)
        .map(|m| Value::DurationMonths(Months::new(f64::from(m)).unwrap()))
        .collect();
    values.extend(Visibility::ALL.iter().map(|&l| Value::Visibility(l)));
    values.extend(Change::ALL.iter().map(|&l| Value::Change(l)));
    values.extend(Phase::ALL.iter().map(|&l| Value::Phase(l)));
    values.extend([false, true].map(Value::Remedial));
    values.extend(BottomLine::ALL.iter().map(|&l| Value::BottomLine(l)));
    values.extend(Lead::ALL.iter().map(|&l| Value::Lead(l)));
    values.extend(SponsorLevel::ALL.iter().map(|&l| Value::SponsorLevel(l)));
    values.extend(Motivation::ALL.iter().map(|&l| Value::SponsorMotivation(l)));
    values
        .into_iter()
        .filter(|&to| Value::of(evidence, to.field()) != to)
        .map(|to| Edit::new(evidence, to))
        .collect()
}

/// Where a value sits in its field: months, a level's position, 0 or 1.
fn position(value: Value) -> f64 {
    fn at<T: PartialEq>(all: &[T], x: &T) -> f64 {
        all.iter().position(|y| y == x).unwrap() as f64
    }
    match value {
        Value::DurationMonths(m) => m.get(),
        Value::Visibility(l) => at(Visibility::ALL, &l),
        Value::Change(l) => at(Change::ALL, &l),
        Value::Phase(l) => at(Phase::ALL, &l),
        Value::Remedial(r) => f64::from(u8::from(r)),
        Value::BottomLine(l) => at(BottomLine::ALL, &l),
        Value::Lead(l) => at(Lead::ALL, &l),
        Value::SponsorLevel(l) => at(SponsorLevel::ALL, &l),
        Value::SponsorMotivation(l) => at(Motivation::ALL, &l),
        other => panic!("a field this test does not know: {other:?}"),
    }
}

/// The documented size of an edit: how far the total moves, the field's
/// place, how far the value moves, the value.
type Size = (f64, usize, f64, f64);

fn size(edit: &Edit, before: f64, after: f64) -> Size {
    (
        (after - before).abs(),
        Field::ALL.iter().position(|&f| f == edit.field()).unwrap(),
        (position(edit.after()) - position(edit.before())).abs(),
        position(edit.after()),
    )
}

/// Moves of the total within 1e-14 are equal: exact totals here are
/// fractions over `sum(W) * L`, below 2e12 with hundredths of weights and
/// whole months in the windows, so two moves that differ do so by more than
/// 5e-13, while the f64s of two equal ones differ by their rounding, under
/// 1e-15.
fn smaller(a: &Size, b: &Size) -> bool {
    let total = if (a.0 - b.0).abs() <= 1e-14 {
        std::cmp::Ordering::Equal
    } else {
        a.0.total_cmp(&b.0)
    };
    total
        .then(a.1.cmp(&b.1))
        .then(a.2.total_cmp(&b.2))
        .then(a.3.total_cmp(&b.3))
        .is_lt()
}

/// `candidates` with the one at `i` edited.
fn edited(candidates: &[Candidate], i: usize, edit: &Edit) -> Portfolio {
    let mut candidates = candidates.to_vec();
    candidates[i].evidence = edit.apply(&candidates[i].evidence);
    Portfolio::new(candidates).unwrap()
}

fn leads(criteria: &Criteria, portfolio: &Portfolio, id: &str) -> bool {
    criteria
        .plan(portfolio)
        .unwrap()
        .leaders
        .iter()
        .any(|l| l == id)
}

fn evidence() -> impl Strategy<Value = Evidence> {
    crate::support::evidence_with(
        prop_oneof![(1u32..50).prop_map(f64::from), decimal(500..=50_000, 3)],
        prop::bool::weighted(0.2),
    )
}

/// 1 to 8 candidates, ideal evidence common so that ties are too.
fn candidates() -> impl Strategy<Value = Vec<Candidate>> {
    prop::collection::vec(prop_oneof![evidence(), Just(ideal())], 1..8).prop_map(|evidence| {
        evidence
            .into_iter()
            .enumerate()
            .map(|(i, e)| Candidate::new(format!("c{}", (i * 7) % 10), e))
            .collect()
    })
}

/// Criteria with random selection, weights, minimums and duration windows,
/// and the upper end of their zero window.
fn criteria() -> impl Strategy<Value = (Criteria, f64)> {
    (
        1usize..4,
        prop_oneof![Just(0.0), decimal(0..=1000, 3)],
        prop::array::uniform7(prop_oneof![Just(1.0), decimal(0..=300, 2)]),
        prop::array::uniform7(prop::option::weighted(
            0.3,
            prop_oneof![Just(0.5), decimal(0..=1000, 3)],
        )),
        prop::array::uniform4(decimal(0..=30, 0)),
    )
        .prop_filter("weights not all 0", |(_, _, w, ..)| {
            w.iter().sum::<f64>() > 0.0
        })
        .prop_map(|(leaders, min_score, weights, mins, mut window)| {
            window.sort_by(f64::total_cmp);
            let [lo, a, b, hi] = window;
            let mut text = format!(
                "[selection]\nleaders = {leaders}\nmin_score = {min_score:?}\n\
                 [duration]\nfull = [{a:?}, {b:?}]\nzero = [{lo:?}, {hi:?}]\n"
            );
            for (i, criterion) in Criterion::ALL.iter().enumerate() {
                if i > 0 {
                    let _ = writeln!(text, "[{criterion}]");
                }
                let _ = writeln!(text, "weight = {:?}", weights[i]);
                let _ = writeln!(text, "min = {:?}", mins[i].unwrap_or(0.0));
            }
            (Criteria::from_toml(&text).unwrap(), hi)
        })
}

/// Each reported edit against the oracle: every single edit, each judged by
/// a whole new plan.
fn check_flips(
    criteria: &Criteria,
    zero_end: f64,
    candidates: &[Candidate],
) -> Result<(), TestCaseError> {
    let portfolio = Portfolio::new(candidates.to_vec()).unwrap();
    let plan = criteria.plan(&portfolio).unwrap();
    let counterfactuals = criteria.counterfactuals(&portfolio).unwrap();
    prop_assert_eq!(counterfactuals.len(), portfolio.len());
    for (c, placement) in counterfactuals.iter().zip(&plan.ranking) {
        prop_assert_eq!(&c.id, &placement.id);
        prop_assert_eq!(c.rank, placement.rank);
        prop_assert_eq!(c.role, placement.role);
        prop_assert_eq!(c.total, placement.total);
        let i = candidates.iter().position(|x| x.id == c.id).unwrap();
        let evidence = candidates[i].evidence;
        let was_leader = c.role == Role::Lead;
        // The oracle: the smallest edit that flips the role in a new plan.
        let mut best: Option<(Size, Edit, f64)> = None;
        for edit in every_edit(&evidence, zero_end) {
            let after = edited(candidates, i, &edit);
            if leads(criteria, &after, &c.id) == was_leader {
                continue;
            }
            let total = criteria.assess(&edit.apply(&evidence)).total;
            let s = size(&edit, c.total, total);
            if best.as_ref().is_none_or(|(b, ..)| smaller(&s, b)) {
                best = Some((s, edit, total));
            }
        }
        match (&c.flip, best) {
            (None, None) => {}
            (Some(flip), Some((_, edit, total))) => {
                prop_assert_eq!(flip.edit, edit, "{}", c.id);
                prop_assert_eq!(flip.total, total);
                // The reported edit itself, re-planned, flips the role.
                let after = edited(candidates, i, &flip.edit);
                prop_assert_ne!(leads(criteria, &after, &c.id), was_leader);
                prop_assert_eq!(flip.edit.before(), Value::of(&evidence, flip.edit.field()));
            }
            (reported, oracle) => {
                prop_assert!(
                    false,
                    "{}: reported {:?}, oracle {:?}",
                    c.id,
                    reported,
                    oracle
                );
            }
        }
        // A tie, said when nothing flips: the edit brings it level with a
        // rival of the other role, and the ids decide as they did.
        if let Some(tie) = &c.tie {
            prop_assert!(c.flip.is_none());
            let after = edited(candidates, i, &tie.edit);
            prop_assert_eq!(leads(criteria, &after, &c.id), was_leader);
            let total = criteria.assess(&tie.edit.apply(&evidence)).total;
            prop_assert!(
                (total - tie.total).abs() <= 1e-9,
                "{} vs {}",
                total,
                tie.total
            );
            let rival = plan.ranking.iter().find(|p| p.id == tie.with).unwrap();
            prop_assert_ne!(rival.role, c.role);
            prop_assert_eq!(rival.total, tie.total);
            prop_assert_eq!(was_leader, c.id < tie.with);
        }
    }
    Ok(())
}

/// Criteria, the zero window's end and candidates under constraints of
/// every kind that always hold.
fn constrained_case() -> impl Strategy<Value = (Criteria, f64, Vec<Candidate>)> {
    (criteria(), candidates()).prop_flat_map(|((criteria, zero_end), candidates)| {
        crate::support::constrained(candidates, true).prop_map(move |(text, candidates)| {
            let criteria = crate::support::with_constraints(&criteria, &text);
            (criteria, zero_end, candidates)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_reported_edit_flips_the_role_and_no_smaller_one_does(
        (criteria, zero_end) in criteria(),
        candidates in candidates(),
    ) {
        check_flips(&criteria, zero_end, &candidates)?;
    }

    #[test]
    fn under_constraints_too_the_reported_edit_is_the_smallest_that_flips(
        (criteria, zero_end, candidates) in constrained_case(),
    ) {
        check_flips(&criteria, zero_end, &candidates)?;
    }

    #[test]
    fn counterfactuals_under_constraints_ignore_input_order(
        (criteria, _, candidates) in constrained_case(),
    ) {
        let mut reversed = candidates.clone();
        reversed.reverse();
        let a = criteria.counterfactuals(&Portfolio::new(candidates).unwrap()).unwrap();
        let b = criteria.counterfactuals(&Portfolio::new(reversed).unwrap()).unwrap();
        prop_assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
    }

    #[test]
    fn counterfactuals_ignore_input_order(
        (criteria, _) in criteria(),
        candidates in candidates(),
    ) {
        let mut reversed = candidates.clone();
        reversed.reverse();
        let a = criteria.counterfactuals(&Portfolio::new(candidates).unwrap()).unwrap();
        let b = criteria.counterfactuals(&Portfolio::new(reversed).unwrap()).unwrap();
        prop_assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
    }
}
