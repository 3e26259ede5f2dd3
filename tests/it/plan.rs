//! The plan: who leads the push, who pulls, and why.

use std::path::PathBuf;
use std::process::Command;

use spearhead::{
    BottomLine, Change, Criteria, Criterion, Lead, Months, Motivation, Phase, Portfolio, Reason,
    Role, SponsorLevel, Visibility,
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
                e.bottom_line = spearhead::BottomLine::None;
                e.lead = Lead::Unproven;
            }),
        ),
    ]);
    let plan = Criteria::default().plan(&portfolio);
    // developing and strong tie at 6.8 / 7: the id decides.
    assert_eq!(plan.leaders, ["perfect", "developing", "strong"]);
    let ids: Vec<_> = plan.ranking.iter().map(|p| p.id.as_str()).collect();
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
    let plan = Criteria::default().plan(&portfolio);
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
    assert_eq!(one.plan(&portfolio).leaders, ["a"]);
    let strict: Criteria = "[selection]\nleaders = 5\nmin_score = 0.97"
        .parse()
        .unwrap();
    let plan = strict.plan(&portfolio);
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
    let plan = criteria.plan(&a);
    let ids: Vec<_> = plan.ranking.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(
        serde_json::to_string(&plan).unwrap(),
        serde_json::to_string(&criteria.plan(&b)).unwrap()
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
        let plan = criteria.plan(&portfolio);
        assert_eq!(plan.ranking[0].eligible, eligible, "{min_score}");
        assert_eq!(plan.leaders.len(), usize::from(eligible), "{min_score}");
    }
    // A total exactly on min_score meets it: 0.5 of visibility alone.
    let criteria: Criteria = "[selection]\nmin_score = 0.5\n\
         [duration]\nweight = 0\n[tangibility]\nweight = 0\n[phase]\nweight = 0\n\
         [bottom_line]\nweight = 0\n[lead]\nweight = 0\n[sponsorship]\nweight = 0"
        .parse()
        .unwrap();
    assert_eq!(criteria.plan(&portfolio).leaders, ["a"]);
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
        .iter()
        .map(|r| r.candidate.id.clone())
        .collect();
    assert_eq!(chosen, ["b", "a", "e"]);
    assert_eq!(chosen, criteria.plan(&portfolio).leaders);
}

#[test]
fn the_plan_serialises_to_the_documented_json() {
    let portfolio = portfolio([("a", ideal()), ("b", with(|e| e.change = Change::Cultural))]);
    let json = serde_json::to_value(Criteria::default().plan(&portfolio)).unwrap();
    let six_sevenths = 6.0 / 7.0;
    assert_eq!(
        json,
        serde_json::json!({
            "leaders": ["a"],
            "ranking": [
                {"rank": 1, "id": "a", "name": "a", "score": 1.0, "role": "lead", "eligible": true,
                 "criteria": {"duration": 1.0, "visibility": 1.0, "tangibility": 1.0, "phase": 1.0,
                              "bottom_line": 1.0, "lead": 1.0, "sponsorship": 1.0},
                 "reasons": []},
                {"rank": 2, "id": "b", "name": "b", "score": six_sevenths, "role": "pull", "eligible": false,
                 "criteria": {"duration": 1.0, "visibility": 1.0, "tangibility": 0.0, "phase": 1.0,
                              "bottom_line": 1.0, "lead": 1.0, "sponsorship": 1.0},
                 "reasons": ["tangibility 0.000 is below its min of 0.5"]}
            ]
        })
    );
    let text = serde_json::to_string(&Criteria::default().plan(&portfolio)).unwrap();
    assert!(text.starts_with(
        r#"{"leaders":["a"],"ranking":[{"rank":1,"id":"a","name":"a","score":1.0,"role":"lead","eligible":true,"criteria":{"duration":1.0,"#
    ));
}

/// The `rank` example, built by `cargo test` beside this test binary.
fn rank_example() -> Command {
    let mut path = std::env::current_exe().unwrap();
    path.pop();
    if path.ends_with("deps") {
        path.pop();
    }
    Command::new(path.join("examples").join("rank"))
}

fn repo(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(file)
}

#[test]
fn the_example_ranks_the_sample_and_prints_json() {
    let out = rank_example().output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("rank  score  role  id"), "{text}");
    assert!(
        text.contains("Push: 3 demonstration project(s) lead"),
        "{text}"
    );

    let out = rank_example().arg("--json").output().unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sample = Portfolio::from_toml(include_str!("../../examples/portfolio.toml")).unwrap();
    let expected = serde_json::to_value(Criteria::default().plan(&sample)).unwrap();
    assert_eq!(json, expected);
}

#[test]
fn the_example_reads_files_and_fails_with_code_2() {
    let dir = std::env::temp_dir().join(format!("spearhead-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[selection]\nleaders = 0\n").unwrap();
    let out = rank_example()
        .args(["--criteria".as_ref(), bad.as_os_str()])
        .arg(repo("examples/portfolio.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "error: {}: criteria:2:11, key selection.leaders: must be at least 1, not 0\n",
            bad.display()
        )
    );

    let out = rank_example()
        .arg(dir.join("missing.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .starts_with("error: cannot read ")
    );

    let out = rank_example().arg("--frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));

    let good = dir.join("good.toml");
    std::fs::write(&good, "[selection]\nleaders = 1\n").unwrap();
    let out = rank_example()
        .args(["--json".as_ref(), "--criteria".as_ref(), good.as_os_str()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["leaders"], serde_json::json!(["crm-rollout"]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_example_reports_robustness_as_a_table_and_as_json() {
    let out = rank_example().arg("--robustness").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "  duration           1  0 to 5.4           above: field-service-app in, warehouse-scanning out\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  bottom_line        1  0.185 and up       below: field-service-app in, warehouse-scanning out\n"),
        "{text}"
    );

    assert!(
        text.contains("Acceptability: 10000 weight vectors drawn (simplex, seed 0)\n"),
        "{text}"
    );
    assert!(
        text.contains("  pull  field-service-app   sponsor_motivation moderate -> strong makes it lead (total 0.886)\n"),
        "{text}"
    );

    let out = rank_example()
        .args(["--robustness", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let sample = Portfolio::from_toml(include_str!("../../examples/portfolio.toml")).unwrap();
    let criteria = Criteria::default();
    assert_eq!(
        json["robustness"]["stability"],
        serde_json::to_value(criteria.stability(&sample)).unwrap()
    );
    let threads = std::num::NonZeroUsize::MIN;
    assert_eq!(
        json["robustness"]["acceptability"],
        serde_json::to_value(criteria.acceptability(&sample, threads)).unwrap()
    );
    assert_eq!(
        json["robustness"]["counterfactuals"],
        serde_json::to_value(criteria.counterfactuals(&sample)).unwrap()
    );
    // The plan's keys come first, in their usual order.
    assert!(text.starts_with("{\n  \"leaders\": ["), "{text}");
    assert!(text.find("\"ranking\"").unwrap() < text.find("\"robustness\"").unwrap());
}
