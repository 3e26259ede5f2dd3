//! The plan: who leads the push, who pulls, and why.

use spearhead::{
    BottomLine, Candidate, Change, Criteria, Criterion, Lead, Months, Motivation, Phase, Portfolio,
    Reason, Role, SponsorLevel, Visibility,
};

use crate::support::{ideal, portfolio};

fn with(f: impl FnOnce(&mut spearhead::Evidence)) -> spearhead::Evidence {
    let mut e = ideal();
    f(&mut e);
    e
}

#[test]
fn the_top_eligible_candidates_lead_and_the_rest_pull_with_reasons() {
    let portfolio = portfolio([
        ("perfect", ideal()),
        ("strong", with(|e| e.lead = Lead::Experienced)),
        ("good", with(|e| e.visibility = Visibility::Moderate)),
        ("developing", with(|e| e.phase = Phase::Development)),
        ("cultural", with(|e| e.change = Change::Cultural)),
        (
            "weak",
            with(|e| {
                e.duration = Months::new(40.0).unwrap();
                e.visibility = Visibility::Low;
                e.bottom_line = spearhead::BottomLine::NoReturn;
                e.lead = Lead::Unproven;
            }),
        ),
    ]);
    let plan = Criteria::default().plan(&portfolio).unwrap();
    // developing and strong tie at 6.8 / 7: the id decides.
    assert_eq!(plan.leaders, ["perfect", "developing", "strong"]);
    let ids: Vec<_> = plan.ranking.iter().map(|p| p.id.as_ref()).collect();
    assert_eq!(
        ids,
        [
            "perfect",
            "developing",
            "strong",
            "good",
            "cultural",
            "weak"
        ]
    );
    let ranks: Vec<_> = plan.ranking.iter().map(|p| p.rank).collect();
    assert_eq!(ranks, [1, 2, 3, 4, 5, 6]);
    let roles: Vec<_> = plan.ranking.iter().map(|p| p.role).collect();
    assert_eq!(
        roles,
        [
            Role::Lead,
            Role::Lead,
            Role::Lead,
            Role::Pull,
            Role::Pull,
            Role::Pull
        ]
    );
    assert!(
        plan.ranking[..3]
            .iter()
            .all(|p| p.reasons.is_empty() && p.eligible)
    );

    let cultural = &plan.ranking[4];
    assert!(!cultural.eligible);
    assert_eq!(
        cultural.reasons,
        [Reason::BelowMin {
            criterion: Criterion::Tangibility,
            score: 0.0,
            min: 0.5
        }]
    );
    let good = &plan.ranking[3];
    assert!(good.eligible);
    assert_eq!(good.reasons, [Reason::Outranked { leaders: 3 }]);
    assert_eq!(
        good.reasons[0].to_string(),
        "eligible, but all 3 leader places went to higher-ranked candidates"
    );
    let weak = &plan.ranking[5];
    let reasons: Vec<_> = weak.reasons.iter().map(ToString::to_string).collect();
    assert_eq!(reasons, ["total 0.443 is below the min_score of 0.6"]);
}

#[test]
fn fewer_eligible_than_places_means_fewer_leaders() {
    let portfolio = portfolio([
        ("a", ideal()),
        ("diagnosis", with(|e| e.phase = Phase::Diagnosis)),
        ("remedial", with(|e| e.remedial = true)),
    ]);
    let plan = Criteria::default().plan(&portfolio).unwrap();
    assert_eq!(plan.leaders, ["a"]);
    for p in &plan.ranking[1..] {
        assert_eq!(p.role, Role::Pull);
        assert_eq!(
            p.reasons
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["phase 0.200 is below its min of 0.5"]
        );
    }
}

#[test]
fn leaders_and_min_score_come_from_the_criteria() {
    let portfolio = portfolio([
        ("a", ideal()),
        ("b", with(|e| e.sponsor_level = SponsorLevel::Manager)),
        ("c", with(|e| e.sponsor_motivation = Motivation::Moderate)),
    ]);
    let one: Criteria = "[selection]\nleaders = 1".parse().unwrap();
    assert_eq!(one.plan(&portfolio).unwrap().leaders, ["a"]);
    let strict: Criteria = "[selection]\nleaders = 5\nmin_score = 0.97"
        .parse()
        .unwrap();
    let plan = strict.plan(&portfolio).unwrap();
    assert_eq!(plan.leaders, ["a", "b"]);
    assert_eq!(
        plan.ranking[2].reasons[0].to_string(),
        "total 0.929 is below the min_score of 0.97"
    );
}

#[test]
fn ties_are_broken_by_id_whatever_the_input_order() {
    let a = portfolio([("b", ideal()), ("c", ideal()), ("a", ideal())]);
    let b = portfolio([("c", ideal()), ("a", ideal()), ("b", ideal())]);
    let criteria = Criteria::default();
    let plan = criteria.plan(&a).unwrap();
    let ids: Vec<_> = plan.ranking.iter().map(|p| p.id.as_ref()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(
        serde_json::to_string(&plan).unwrap(),
        serde_json::to_string(&criteria.plan(&b).unwrap()).unwrap()
    );
}

#[test]
fn totals_equal_in_decimals_are_ties_and_the_id_decides() {
    // 0.1 + 0.2 and 0.3 + 0.0 differ in f64; as decimals they are equal.
    let criteria: Criteria = "[visibility]\nscores = { low = 0.1, moderate = 0.3 }\n\
         [bottom_line]\nscores = { direct = 0.2, indirect = 0.0 }"
        .parse()
        .unwrap();
    assert_ne!(0.1 + 0.2, 0.3 + 0.0);
    let portfolio = portfolio([
        (
            "z",
            with(|e| {
                e.visibility = Visibility::Low;
                e.bottom_line = BottomLine::Direct;
            }),
        ),
        (
            "y",
            with(|e| {
                e.visibility = Visibility::Moderate;
                e.bottom_line = BottomLine::Indirect;
            }),
        ),
    ]);
    let ranking = criteria.rank(&portfolio);
    let ids: Vec<_> = ranking.iter().map(|r| r.candidate.id.as_str()).collect();
    assert_eq!(ids, ["y", "z"]);
    // One rounding of the same fraction: the same f64 total.
    assert_eq!(ranking[0].assessment.total, ranking[1].assessment.total);
}

#[test]
fn totals_apart_in_the_last_decimal_are_not_ties() {
    // 0.9 against 0.900000001: a billionth apart, which the old 1e-9
    // grid called a tie; exactly, y is ahead.
    let criteria: Criteria =
        "[visibility]\nscores = { moderate = 0.9 }\n[lead]\nscores = { experienced = 0.900000001 }"
            .parse()
            .unwrap();
    let portfolio = portfolio([
        ("a", with(|e| e.visibility = Visibility::Moderate)),
        ("y", with(|e| e.lead = Lead::Experienced)),
    ]);
    let ranking = criteria.rank(&portfolio);
    let ids: Vec<_> = ranking.iter().map(|r| r.candidate.id.as_str()).collect();
    assert_eq!(ids, ["y", "a"]);
}

#[test]
fn min_score_is_met_exactly_as_the_decimals_say() {
    // The total 5.5 / 6 = 11/12 = 0.91666...: below 0.9166666668 by
    // 1.3e-10, which the old 1e-9 grid let through.
    let portfolio = portfolio([("a", with(|e| e.visibility = Visibility::Moderate))]);
    for (min_score, eligible) in [
        ("0.9166666666", true),
        ("0.9166666667", false),
        ("0.9166666668", false),
    ] {
        let criteria: Criteria =
            format!("[selection]\nmin_score = {min_score}\n[lead]\nweight = 0.0")
                .parse()
                .unwrap();
        let plan = criteria.plan(&portfolio).unwrap();
        assert_eq!(plan.ranking[0].eligible, eligible, "{min_score}");
        assert_eq!(plan.leaders.len(), usize::from(eligible), "{min_score}");
    }
    // A total exactly on min_score meets it: 0.5 of visibility alone.
    let criteria: Criteria = "[selection]\nmin_score = 0.5\n\
         [duration]\nweight = 0\n[tangibility]\nweight = 0\n[phase]\nweight = 0\n\
         [bottom_line]\nweight = 0\n[lead]\nweight = 0\n[sponsorship]\nweight = 0"
        .parse()
        .unwrap();
    assert_eq!(criteria.plan(&portfolio).unwrap().leaders, ["a"]);
}

#[test]
fn choose_leaders_agrees_with_the_plan() {
    let portfolio = portfolio([
        ("a", with(|e| e.lead = Lead::Experienced)),
        ("b", ideal()),
        ("c", with(|e| e.change = Change::Cultural)),
        ("d", with(|e| e.visibility = Visibility::Moderate)),
        ("e", with(|e| e.lead = Lead::Experienced)),
    ]);
    let criteria = Criteria::default();
    let chosen: Vec<_> = criteria
        .choose_leaders(&portfolio)
        .unwrap()
        .iter()
        .map(|r| r.candidate.id.clone())
        .collect();
    assert_eq!(chosen, ["b", "a", "e"]);
    assert_eq!(chosen, criteria.plan(&portfolio).unwrap().leaders);
}

#[test]
fn the_plan_serialises_to_the_documented_json() {
    let mut a = Candidate::new("a", ideal());
    a.unit = Some("Sales".to_owned());
    a.sponsor = Some("D. Okafor".to_owned());
    let b = Candidate::new("b", with(|e| e.change = Change::Cultural));
    let portfolio = Portfolio::new(vec![a, b]).unwrap();
    let json = serde_json::to_value(Criteria::default().plan(&portfolio).unwrap()).unwrap();
    let six_sevenths = 6.0 / 7.0;
    assert_eq!(
        json,
        serde_json::json!({
            "leaders": ["a"],
            "ranking": [
                {"rank": 1, "id": "a", "name": "a", "unit": "Sales", "sponsor": "D. Okafor", "total": 1.0, "role": "lead", "eligible": true,
                 "scores": {"duration": 1.0, "visibility": 1.0, "tangibility": 1.0, "phase": 1.0,
                              "bottom_line": 1.0, "lead": 1.0, "sponsorship": 1.0},
                 "reasons": []},
                {"rank": 2, "id": "b", "name": "b", "total": six_sevenths, "role": "pull", "eligible": false,
                 "scores": {"duration": 1.0, "visibility": 1.0, "tangibility": 0.0, "phase": 1.0,
                              "bottom_line": 1.0, "lead": 1.0, "sponsorship": 1.0},
                 "reasons": [{"kind": "below_min", "criterion": "tangibility", "score": 0.0, "min": 0.5,
                              "text": "tangibility 0.000 is below its min of 0.5"}]}
            ]
        })
    );
    let text = serde_json::to_string(&Criteria::default().plan(&portfolio).unwrap()).unwrap();
    assert!(text.starts_with(
        r#"{"leaders":["a"],"ranking":[{"rank":1,"id":"a","name":"a","unit":"Sales","sponsor":"D. Okafor","total":1.0,"role":"lead","eligible":true,"scores":{"duration":1.0,"#
    ));
}

#[test]
fn a_candidate_tied_with_the_last_leader_is_told_so() {
    // b and c tie on every score; one place: the tie goes to the lower id.
    let criteria = Criteria::default().with_leaders(1).unwrap();
    let portfolio = portfolio([
        ("c", ideal()),
        ("b", ideal()),
        ("a", with(|e| e.visibility = Visibility::Low)),
    ]);
    let plan = criteria.plan(&portfolio).unwrap();
    assert_eq!(plan.leaders, ["b"]);
    let c = &plan.ranking[1];
    assert_eq!(c.id, "c");
    assert_eq!(
        c.reasons,
        [Reason::Tied {
            leader: "b".to_owned(),
            total: 1.0
        }]
    );
    assert_eq!(
        c.reasons[0].to_string(),
        "eligible and tied with the last leader, b, at total 1.000; ties go to the lower id"
    );
    // Below the tie, the places are simply taken.
    let a = &plan.ranking[2];
    assert_eq!(a.reasons, [Reason::Outranked { leaders: 1 }]);
    assert_eq!(
        serde_json::to_value(&c.reasons[0]).unwrap(),
        serde_json::json!({"kind": "tied", "leader": "b", "total": 1.0,
            "text": "eligible and tied with the last leader, b, at total 1.000; ties go to the lower id"})
    );
}

#[test]
fn a_follower_below_a_minimum_gives_the_shortfalls_of_its_assessment() {
    let portfolio = crate::alloc::generate::portfolio(3_000);
    for text in [
        "",
        "[selection]\nmin_score = 0.7\n[duration]\nmin = 0.5\n[lead]\nmin = 0.6\n",
        "[selection]\nmin_score = 0.9166666668\n[visibility]\nmin = 1\n",
    ] {
        let criteria: Criteria = text.parse().unwrap();
        let plan = criteria.plan(&portfolio).unwrap();
        let ineligible = plan.ranking.iter().filter(|p| !p.eligible);
        let mut seen = 0;
        for placement in ineligible {
            let candidate = portfolio.get(&placement.id).unwrap();
            let assessment = criteria.assess(&candidate.evidence);
            assert_eq!(
                placement.reasons,
                criteria.shortfalls(&assessment),
                "{}",
                placement.id
            );
            seen += 1;
        }
        assert!(seen > 100, "{text}: {seen}");
    }
}
