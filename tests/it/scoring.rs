//! The seven criteria, each on its own, and the total.

use spearhead::{
    BottomLine, Change, Criteria, Criterion, Lead, Months, Motivation, Phase, SponsorLevel,
    Visibility,
};

use crate::support::ideal;

fn score(evidence: &spearhead::Evidence, criterion: Criterion) -> f64 {
    Criteria::default().score(evidence, criterion)
}

fn explain(evidence: &spearhead::Evidence, criterion: Criterion) -> String {
    Criteria::default().explain(evidence, criterion)
}

fn months(m: f64) -> spearhead::Evidence {
    spearhead::Evidence {
        duration: Months::new(m).unwrap(),
        ..ideal()
    }
}

#[test]
fn ideal_evidence_scores_one_everywhere() {
    let assessment = Criteria::default().assess(&ideal());
    for (criterion, s) in assessment.scores.iter() {
        assert_eq!(s, 1.0, "{criterion}");
    }
    assert_eq!(assessment.total, 1.0);
}

#[test]
fn duration_full_marks_inside_the_window_linear_to_zero_outside() {
    // Shipped: full = [12, 18], zero = [3, 36].
    for m in [12.0, 15.0, 18.0] {
        assert_eq!(score(&months(m), Criterion::Duration), 1.0, "{m}");
    }
    assert_eq!(score(&months(7.5), Criterion::Duration), 0.5);
    assert_eq!(score(&months(27.0), Criterion::Duration), 0.5);
    for m in [1.0, 3.0, 36.0, 120.0] {
        assert_eq!(score(&months(m), Criterion::Duration), 0.0, "{m}");
    }
    assert_eq!(
        explain(&months(24.0), Criterion::Duration),
        "24 months is 6 past the 18-month window"
    );
    assert_eq!(
        explain(&months(8.0), Criterion::Duration),
        "8 months is 4 short of the 12-month window"
    );
    assert_eq!(
        explain(&months(12.5), Criterion::Duration),
        "12.5 months is within the 12-18-month window"
    );
}

#[test]
fn duration_window_with_a_hard_edge() {
    let criteria: Criteria = "[duration]\nfull = [12, 18]\nzero = [12, 18]"
        .parse()
        .unwrap();
    assert_eq!(criteria.score(&months(11.9), Criterion::Duration), 0.0);
    assert_eq!(criteria.score(&months(12.0), Criterion::Duration), 1.0);
    assert_eq!(criteria.score(&months(18.1), Criterion::Duration), 0.0);
}

#[test]
fn visibility_high_beats_moderate_beats_low() {
    let at = |visibility| {
        let e = spearhead::Evidence {
            visibility,
            ..ideal()
        };
        (
            score(&e, Criterion::Visibility),
            explain(&e, Criterion::Visibility),
        )
    };
    assert_eq!(at(Visibility::High), (1.0, "high visibility".to_owned()));
    assert_eq!(
        at(Visibility::Moderate),
        (0.5, "moderate visibility".to_owned())
    );
    assert_eq!(at(Visibility::Low), (0.0, "low visibility".to_owned()));
}

#[test]
fn tangibility_technology_and_process_yes_cultural_no() {
    let at = |change| {
        let e = spearhead::Evidence { change, ..ideal() };
        (
            score(&e, Criterion::Tangibility),
            explain(&e, Criterion::Tangibility),
        )
    };
    assert_eq!(
        at(Change::Technology),
        (1.0, "a technology change: tangible".to_owned())
    );
    assert_eq!(
        at(Change::Process),
        (1.0, "a process change: tangible".to_owned())
    );
    assert_eq!(
        at(Change::Cultural),
        (0.0, "a cultural change: not tangible".to_owned())
    );
}

#[test]
fn phase_design_is_best_and_remedial_work_is_capped() {
    let at = |phase, remedial| {
        let e = spearhead::Evidence {
            phase,
            remedial,
            ..ideal()
        };
        (score(&e, Criterion::Phase), explain(&e, Criterion::Phase))
    };
    assert_eq!(
        at(Phase::Diagnosis, false),
        (0.2, "in diagnosis".to_owned())
    );
    assert_eq!(at(Phase::Design, false), (1.0, "in design".to_owned()));
    assert_eq!(at(Phase::Development, false).0, 0.8);
    assert_eq!(at(Phase::Implementation, false).0, 0.5);
    assert_eq!(at(Phase::Sustainment, false).0, 0.1);
    assert_eq!(
        at(Phase::Design, true),
        (0.2, "in design, but remedial work: at most 0.2".to_owned())
    );
    // Remedial caps, it never raises: sustainment stays at 0.1.
    assert_eq!(at(Phase::Sustainment, true).0, 0.1);
}

#[test]
fn bottom_line_direct_beats_indirect_beats_none() {
    let at = |bottom_line| {
        let e = spearhead::Evidence {
            bottom_line,
            ..ideal()
        };
        (
            score(&e, Criterion::BottomLine),
            explain(&e, Criterion::BottomLine),
        )
    };
    assert_eq!(
        at(BottomLine::Direct),
        (1.0, "direct return to the bottom line".to_owned())
    );
    assert_eq!(
        at(BottomLine::Indirect),
        (0.4, "indirect return to the bottom line".to_owned())
    );
    assert_eq!(
        at(BottomLine::NoReturn),
        (0.0, "no return to the bottom line".to_owned())
    );
}

#[test]
fn lead_credible_beats_experienced_beats_unproven() {
    let at = |lead| {
        let e = spearhead::Evidence { lead, ..ideal() };
        (score(&e, Criterion::Lead), explain(&e, Criterion::Lead))
    };
    assert_eq!(at(Lead::Credible), (1.0, "credible team lead".to_owned()));
    assert_eq!(
        at(Lead::Experienced),
        (0.8, "experienced team lead".to_owned())
    );
    assert_eq!(at(Lead::Unproven), (0.1, "unproven team lead".to_owned()));
}

#[test]
fn sponsorship_is_motivation_times_level() {
    let at = |sponsor_motivation, sponsor_level| {
        let e = spearhead::Evidence {
            sponsor_motivation,
            sponsor_level,
            ..ideal()
        };
        (
            score(&e, Criterion::Sponsorship),
            explain(&e, Criterion::Sponsorship),
        )
    };
    assert_eq!(
        at(Motivation::Strong, SponsorLevel::ManagingDirector),
        (1.0, "strong sponsor at managing director level".to_owned())
    );
    assert_eq!(at(Motivation::Strong, SponsorLevel::Director).0, 1.0);
    assert_eq!(at(Motivation::Strong, SponsorLevel::Manager).0, 0.8);
    // Above Managing Director: further from the ground.
    assert_eq!(at(Motivation::Strong, SponsorLevel::Executive).0, 0.5);
    assert_eq!(at(Motivation::Moderate, SponsorLevel::Executive).0, 0.25);
    // Exactly 0.08, not the f64 product 0.1 * 0.8 = 0.08000000000000002.
    assert_eq!(at(Motivation::Weak, SponsorLevel::Manager).0, 0.08);
}

#[test]
fn total_is_the_weighted_mean_in_criterion_order() {
    let criteria: Criteria = "
        [visibility]
        weight = 3.0
        [lead]
        weight = 0.0
    "
    .parse()
    .unwrap();
    let e = spearhead::Evidence {
        visibility: Visibility::Moderate,
        lead: Lead::Unproven,
        ..ideal()
    };
    let a = criteria.assess(&e);
    // Weights 1, 3, 1, 1, 1, 0, 1; scores 1, 0.5, 1, 1, 1, 0.1, 1.
    assert_eq!(
        a.total,
        (1.0 + 3.0 * 0.5 + 1.0 + 1.0 + 1.0 + 0.0 + 1.0) / 8.0
    );
    assert_eq!(a.scores[Criterion::Visibility], 0.5);
    assert_eq!(criteria.weight(Criterion::Visibility), 3.0);
    assert_eq!(criteria.weight(Criterion::Lead), 0.0);
}

#[test]
fn breakdown_gives_weight_score_and_explanation_per_criterion() {
    let lines = Criteria::default().breakdown(&months(24.0));
    let names: Vec<_> = lines.iter().map(|l| l.criterion.as_str()).collect();
    assert_eq!(
        names,
        [
            "duration",
            "visibility",
            "tangibility",
            "phase",
            "bottom_line",
            "lead",
            "sponsorship"
        ]
    );
    assert_eq!(lines[0].weight, 1.0);
    assert!((lines[0].score - 12.0 / 18.0).abs() < 1e-12);
    assert_eq!(
        lines[0].explanation,
        "24 months is 6 past the 18-month window"
    );
}

#[test]
fn a_users_file_overrides_only_the_keys_it_gives() {
    let criteria: Criteria = "
        [selection]
        leaders = 5
        [visibility]
        scores = { moderate = 0.7 }
        [duration]
        full = [10, 18]
    "
    .parse()
    .unwrap();
    let shipped = Criteria::default();
    assert_eq!(criteria.leaders(), 5);
    assert_eq!(criteria.min_score(), shipped.min_score());
    let moderate = spearhead::Evidence {
        visibility: Visibility::Moderate,
        ..ideal()
    };
    let low = spearhead::Evidence {
        visibility: Visibility::Low,
        ..ideal()
    };
    assert_eq!(criteria.score(&moderate, Criterion::Visibility), 0.7);
    assert_eq!(criteria.score(&low, Criterion::Visibility), 0.0);
    assert_eq!(criteria.score(&months(10.0), Criterion::Duration), 1.0);
    // The shipped `zero = [3, 36]` still holds.
    assert_eq!(criteria.score(&months(27.0), Criterion::Duration), 0.5);
    for criterion in Criterion::ALL {
        assert_eq!(criteria.weight(*criterion), shipped.weight(*criterion));
        assert_eq!(criteria.min_of(*criterion), shipped.min_of(*criterion));
    }
}

#[test]
fn an_empty_file_is_the_shipped_default() {
    assert_eq!(Criteria::from_toml("").unwrap(), Criteria::default());
    assert_eq!(
        Criteria::from_toml(spearhead::SHIPPED_CRITERIA).unwrap(),
        Criteria::default()
    );
}

#[test]
fn levels_print_and_parse_as_in_files() {
    for level in SponsorLevel::ALL {
        assert_eq!(level.to_string().parse::<SponsorLevel>().unwrap(), *level);
    }
    assert_eq!(
        SponsorLevel::ManagingDirector.to_string(),
        "managing_director"
    );
    for criterion in Criterion::ALL {
        assert_eq!(criterion.as_str().parse::<Criterion>().unwrap(), *criterion);
    }
    assert_eq!(
        "hgh".parse::<Visibility>().unwrap_err().to_string(),
        "unknown visibility level `hgh`, expected one of `low`, `moderate`, `high`"
    );
    for sampling in spearhead::Sampling::ALL {
        assert_eq!(
            sampling.to_string().parse::<spearhead::Sampling>().unwrap(),
            *sampling
        );
    }
    assert_eq!(
        "uniform"
            .parse::<spearhead::Sampling>()
            .unwrap_err()
            .to_string(),
        "unknown sampling `uniform`, expected one of `simplex`, `around`"
    );
}
