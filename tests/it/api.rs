//! The public API as an embedding crate uses it: lookups, names, storage.

use std::num::NonZeroUsize;

use proptest::prelude::*;

use spearhead::{Candidate, Criteria, Limits, Months, Portfolio, Role};

use crate::support::{evidence_with, ideal};

proptest! {
    /// `get` finds every candidate by id, and nothing else, whatever the
    /// order of the candidates.
    #[test]
    fn get_finds_each_candidate_by_id(
        ids in prop::collection::btree_set("[a-z0-9-]{1,6}", 1..40),
        missing in "[a-z0-9-]{1,6}",
        seed in any::<u64>(),
    ) {
        let mut ids: Vec<String> = ids.into_iter().collect();
        // A shuffle by the seed: the order given must not matter.
        let len = ids.len();
        for i in (1..len).rev() {
            let j = usize::try_from(seed.rotate_left(u32::try_from(i).unwrap()) % (i as u64 + 1)).unwrap();
            ids.swap(i, j);
        }
        let candidates: Vec<Candidate> = ids
            .iter()
            .map(|id| Candidate { name: format!("name of {id}"), ..Candidate::new(id.clone(), ideal()) })
            .collect();
        let portfolio = Portfolio::new(candidates).unwrap();
        for id in &ids {
            let found = portfolio.get(id).unwrap();
            prop_assert_eq!(&found.id, id);
            prop_assert_eq!(&found.name, &format!("name of {id}"));
        }
        prop_assert_eq!(portfolio.get(&missing).is_some(), ids.contains(&missing));
        prop_assert!(portfolio.get("").is_none());
    }
}

/// `BottomLine::NoReturn` is `none` wherever a name shows: in files, in
/// messages and in JSON.
#[test]
fn no_return_is_named_none() {
    use spearhead::BottomLine;

    assert_eq!(BottomLine::NoReturn.to_string(), "none");
    assert_eq!("none".parse::<BottomLine>().unwrap(), BottomLine::NoReturn);
    assert_eq!(
        serde_json::to_string(&BottomLine::NoReturn).unwrap(),
        r#""none""#
    );
    let evidence = spearhead::Evidence {
        bottom_line: BottomLine::NoReturn,
        ..ideal()
    };
    let toml = toml::to_string(&Portfolio::new(vec![Candidate::new("a", evidence)]).unwrap());
    assert!(toml.unwrap().contains("bottom_line = \"none\"\n"));
}

/// What serde writes, in JSON, serde reads back the same.
fn through_json<T>(value: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let text = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(&back, value, "{text}");
}

/// What serde writes, in TOML, serde reads back the same.
fn through_toml<T>(value: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let text = toml::to_string(value).unwrap();
    let back: T = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(&back, value, "{text}");
}

const SAMPLE: &str = include_str!("../../examples/portfolio.toml");

#[test]
fn every_stored_type_reads_back_what_it_writes() {
    let criteria: Criteria = "[selection]\nleaders = 2\nmin_score = 0.5\n\
        [robustness]\nsamples = 200\nseed = 7\nweights = \"around\"\nspread = 0.3\n\
        order = [\"sponsorship >= visibility\"]"
        .parse()
        .unwrap();
    let portfolio: Portfolio = SAMPLE.parse().unwrap();

    through_json(&criteria);
    through_toml(&criteria);
    through_json(&Criteria::default());
    through_json(&portfolio);
    through_toml(&portfolio);
    for candidate in portfolio.candidates() {
        through_json(candidate);
        through_toml(candidate);
        through_json(&candidate.evidence);
        through_toml(&candidate.evidence);
        through_json(&candidate.evidence.duration);
        let assessment = criteria.assess(&candidate.evidence);
        through_json(&assessment);
        through_json(&assessment.scores);
        for line in criteria.breakdown(&candidate.evidence) {
            through_json(&line);
        }
    }
    through_json(&Limits::default().with_max_bytes(1000));
    through_toml(&Limits::default().with_max_candidates(7));
    through_json(&criteria.robustness().order()[0]);

    let plan = criteria.plan(&portfolio).unwrap();
    through_json(&plan);
    through_toml(&plan);
    for placement in &plan.ranking {
        through_json(placement);
        through_json(&placement.role);
        for reason in &placement.reasons {
            through_json(reason);
        }
    }
    let stability = criteria.stability(&portfolio).unwrap();
    through_json(&stability);
    through_toml(&stability);
    let acceptability = criteria
        .acceptability(&portfolio, NonZeroUsize::MIN)
        .unwrap();
    through_json(&acceptability);
    through_toml(&acceptability);
    for acceptance in &acceptability.candidates {
        through_json(acceptance);
        if let Some(weights) = &acceptance.central_weights {
            through_json(weights);
        }
    }
    let counterfactuals = criteria.counterfactuals(&portfolio).unwrap();
    through_json(&counterfactuals);
    for counterfactual in &counterfactuals {
        if let Some(flip) = &counterfactual.flip {
            through_json(flip);
            through_json(&flip.edit);
        }
    }
    assert!(counterfactuals.iter().any(|c| c.flip.is_some()));
}

#[test]
fn what_serde_reads_is_checked_as_the_files_are() {
    let error = serde_json::from_str::<Months>("-3").unwrap_err();
    assert!(error.to_string().contains("key duration_months"), "{error}");

    let twice = serde_json::json!({"candidate": [
        serde_json::to_value(Candidate::new("a", ideal())).unwrap(),
        serde_json::to_value(Candidate::new("a", ideal())).unwrap(),
    ]});
    let error = serde_json::from_value::<Portfolio>(twice).unwrap_err();
    assert!(
        error.to_string().contains("duplicate candidate id"),
        "{error}"
    );

    let error = serde_json::from_str::<Criteria>(r#"{"selection": {"leaders": 0}}"#).unwrap_err();
    assert_eq!(
        error.to_string(),
        "criteria, key selection.leaders: must be at least 1, not 0"
    );
    // A criteria value from JSON overrides only what it gives.
    let one: Criteria = serde_json::from_str(r#"{"selection": {"leaders": 1}}"#).unwrap();
    assert_eq!(one, Criteria::default().with_leaders(1).unwrap());

    let error = serde_json::from_str::<spearhead::Scores>(r#"{"duration": 1.0}"#).unwrap_err();
    assert!(
        error.to_string().contains("missing criterion `visibility`"),
        "{error}"
    );
    let error = serde_json::from_str::<spearhead::Edit>(
        r#"{"field": "visibility", "from": "low", "to": "loud"}"#,
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("unknown visibility level `loud`"),
        "{error}"
    );
}

#[test]
fn roles_parse_as_they_print() {
    for &role in Role::ALL {
        assert_eq!(role.to_string().parse::<Role>().unwrap(), role);
    }
    assert_eq!(
        "leader".parse::<Role>().unwrap_err().to_string(),
        "unknown role `leader`, expected one of `lead`, `pull`"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any portfolio the API builds prints, in JSON and TOML, what reads
    /// back the same.
    #[test]
    fn any_portfolio_reads_back_what_it_writes(
        evidence in prop::collection::vec(evidence_with(crate::support::decimal(500..=60_000, 3), any::<bool>()), 1..12),
    ) {
        let candidates = evidence
            .into_iter()
            .enumerate()
            .map(|(i, evidence)| Candidate::new(format!("c{i}"), evidence))
            .collect();
        let portfolio = Portfolio::new(candidates).unwrap();
        through_json(&portfolio);
        through_toml(&portfolio);
        through_json(&Criteria::default().plan(&portfolio).unwrap());
    }
}

/// `error` as a setter gives it: the file's message without its line and
/// column, which a one-key file made up by the setter would give.
fn without_place(error: &spearhead::Error) -> String {
    let text = error.to_string();
    match error {
        spearhead::Error::Invalid { at, .. } | spearhead::Error::Toml { at, .. } => {
            match at.location {
                Some(location) => text.replacen(&format!(":{location}"), "", 1),
                None => text,
            }
        }
        _ => text,
    }
}

#[test]
fn each_setter_sets_its_key_as_the_criteria_file_does() {
    use spearhead::{
        BottomLine, Change, Criterion, Lead, Motivation, Phase, Sampling, SponsorLevel, Visibility,
        WeightOrder,
    };

    let c = Criteria::default;
    let order: WeightOrder = "sponsorship >= visibility".parse().unwrap();
    let good = vec![
        (c().with_leaders(2), "[selection]\nleaders = 2"),
        (c().with_min_score(0.7), "[selection]\nmin_score = 0.7"),
        (
            c().with_weight(Criterion::Lead, 2.5),
            "[lead]\nweight = 2.5",
        ),
        (c().with_min(Criterion::Phase, 0.25), "[phase]\nmin = 0.25"),
        (
            c().with_full_window(10.0, 20.0),
            "[duration]\nfull = [10, 20]",
        ),
        (
            c().with_zero_window(2.0, 40.0),
            "[duration]\nzero = [2, 40]",
        ),
        (c().with_remedial_cap(0.3), "[phase]\nremedial = 0.3"),
        (
            c().with_visibility_score(Visibility::Moderate, 0.4),
            "[visibility]\nscores.moderate = 0.4",
        ),
        (
            c().with_change_score(Change::Process, 0.9),
            "[tangibility]\nscores.process = 0.9",
        ),
        (
            c().with_phase_score(Phase::Sustainment, 0.3),
            "[phase]\nscores.sustainment = 0.3",
        ),
        (
            c().with_bottom_line_score(BottomLine::NoReturn, 0.05),
            "[bottom_line]\nscores.none = 0.05",
        ),
        (
            c().with_lead_score(Lead::Unproven, 0.2),
            "[lead]\nscores.unproven = 0.2",
        ),
        (
            c().with_motivation_score(Motivation::Weak, 0.15),
            "[sponsorship]\nmotivation.weak = 0.15",
        ),
        (
            c().with_sponsor_level_score(SponsorLevel::Executive, 0.35),
            "[sponsorship]\nlevel.executive = 0.35",
        ),
        (c().with_samples(500), "[robustness]\nsamples = 500"),
        (c().with_seed(9), "[robustness]\nseed = 9"),
        (
            c().with_sampling(Sampling::Around),
            "[robustness]\nweights = \"around\"",
        ),
        (c().with_spread(0.1), "[robustness]\nspread = 0.1"),
        (
            c().with_order([order]),
            "[robustness]\norder = [\"sponsorship >= visibility\"]",
        ),
        (c().with_per_unit(1), "[constraints]\nper_unit = 1"),
        (c().with_per_sponsor(2), "[constraints]\nper_sponsor = 2"),
        (
            c().with_training_capacity(40),
            "[constraints]\ntraining_capacity = 40",
        ),
        (
            c().with_must_lead(["crm-rollout", "erp-upgrade"]),
            "[constraints]\nmust_lead = [\"crm-rollout\", \"erp-upgrade\"]",
        ),
        (
            c().with_must_not_lead(["values-workshop"]),
            "[constraints]\nmust_not_lead = [\"values-workshop\"]",
        ),
        (
            c().with_exclusive([["a", "b"], ["b", "c"]]),
            "[constraints]\nexclusive = [[\"a\", \"b\"], [\"b\", \"c\"]]",
        ),
        (
            c().with_groups([("grass-roots", 1, Some(1)), ("pilot", 0, None)]),
            "[[constraints.group]]\ntag = \"grass-roots\"\nmin = 1\nmax = 1\n\
             [[constraints.group]]\ntag = \"pilot\"",
        ),
        (c().with_coach_load(1), "[waves]\ncoach_load = 1"),
        (c().with_max_size(3), "[waves]\nmax_size = 3"),
        (c().with_max_waves(2), "[waves]\nmax_waves = 2"),
    ];
    for (built, file) in good {
        let built = built.unwrap();
        assert_eq!(built, file.parse::<Criteria>().unwrap(), "{file}");
        assert_ne!(built, c(), "{file} changes nothing");
        // What the setter made prints as a criteria file that reads back.
        let printed = toml::to_string(&built).unwrap();
        assert_eq!(printed.parse::<Criteria>().unwrap(), built, "{file}");
    }
}

#[test]
fn constraints_set_in_code_read_back_and_can_be_cleared() {
    let built = Criteria::default()
        .with_leaders(4)
        .and_then(|c| c.with_per_unit(1))
        .and_then(|c| c.with_per_sponsor(1))
        .and_then(|c| c.with_training_capacity(40))
        .and_then(|c| c.with_must_lead(["values-workshop"]))
        .and_then(|c| c.with_must_not_lead(["erp-upgrade"]))
        .and_then(|c| c.with_exclusive([["field-service-app", "warehouse-scanning"]]))
        .and_then(|c| c.with_groups([("grass-roots", 1, Some(1))]))
        .unwrap();
    let file = include_str!("../fixtures/valid/constrained.criteria.toml");
    assert_eq!(built, file.parse::<Criteria>().unwrap());
    let printed = toml::to_string(&built).unwrap();
    assert_eq!(printed.parse::<Criteria>().unwrap(), built);
    let json = serde_json::to_string(&built).unwrap();
    assert_eq!(serde_json::from_str::<Criteria>(&json).unwrap(), built);
    let cleared = built.without_constraints();
    assert_eq!(cleared, Criteria::default().with_leaders(4).unwrap());
    // A value set in code has no place: its errors name the key alone.
    let portfolio: Portfolio = include_str!("../fixtures/valid/constrained.toml")
        .parse()
        .unwrap();
    let error = Criteria::default()
        .with_must_lead(["nobody"])
        .unwrap()
        .plan(&portfolio)
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("criteria, key constraints.must_lead: "),
        "{error}"
    );
    // A later call replaces a list, as a later file does.
    let twice = Criteria::default()
        .with_must_lead(["a"])
        .and_then(|c| c.with_must_lead(["b"]))
        .unwrap();
    assert_eq!(twice, Criteria::default().with_must_lead(["b"]).unwrap());
}

#[test]
fn each_setter_refuses_what_the_criteria_file_refuses() {
    use spearhead::{Criterion, Sampling, Visibility, WeightOrder};

    let c = Criteria::default;
    let order: WeightOrder = "sponsorship >= visibility".parse().unwrap();
    let around = || {
        c().with_weight(Criterion::Visibility, 2.0)
            .unwrap()
            .with_spread(0.1)
            .unwrap()
            .with_sampling(Sampling::Around)
            .unwrap()
    };
    let bad: Vec<(Result<Criteria, spearhead::Error>, &str)> = vec![
        (c().with_min_score(1.5), "[selection]\nmin_score = 1.5"),
        (c().with_min(Criterion::Lead, f64::NAN), "[lead]\nmin = nan"),
        (
            c().with_full_window(20.0, 10.0),
            "[duration]\nfull = [20, 10]",
        ),
        (
            c().with_zero_window(13.0, 40.0),
            "[duration]\nzero = [13, 40]",
        ),
        (c().with_remedial_cap(-0.1), "[phase]\nremedial = -0.1"),
        (
            c().with_visibility_score(Visibility::High, 2.0),
            "[visibility]\nscores.high = 2.0",
        ),
        (c().with_samples(0), "[robustness]\nsamples = 0"),
        (c().with_spread(2.0), "[robustness]\nspread = 2.0"),
        (
            around().with_order([order]),
            "[visibility]\nweight = 2\n[robustness]\nspread = 0.1\nweights = \"around\"\n\
             order = [\"sponsorship >= visibility\"]",
        ),
    ];
    refused_as_by_the_file(bad);
    assert_eq!(
        c().with_samples(u64::MAX).unwrap_err().to_string(),
        format!(
            "criteria, key robustness.samples: must be in 1 to 10000000, not {}",
            u64::MAX
        )
    );
    assert!(c().with_seed(u64::MAX).is_err());
}

/// Each setter's error is the one reading its file gives, without the
/// file's line and column.
fn refused_as_by_the_file(bad: Vec<(Result<Criteria, spearhead::Error>, &str)>) {
    for (built, file) in bad {
        let from_file = file.parse::<Criteria>().unwrap_err();
        assert_eq!(
            built.unwrap_err().to_string(),
            without_place(&from_file),
            "{file}"
        );
    }
}

#[test]
fn constraint_and_wave_setters_refuse_what_the_criteria_file_refuses() {
    let c = Criteria::default;
    let exclusive_65 = format!(
        "[constraints]\nexclusive = [{}]",
        (0..65)
            .map(|i| format!("[\"a{i}\", \"b{i}\"]"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let groups_65 = "[[constraints.group]]\ntag = \"t\"\n".repeat(65);
    refused_as_by_the_file(vec![
        (c().with_per_unit(0), "[constraints]\nper_unit = 0"),
        (c().with_per_sponsor(0), "[constraints]\nper_sponsor = 0"),
        (
            c().with_must_lead([""]),
            "[constraints]\nmust_lead = [\"\"]",
        ),
        (
            c().with_must_not_lead(["a\u{202e}b"]),
            "[constraints]\nmust_not_lead = [\"a\\u202eb\"]",
        ),
        (
            c().with_exclusive([["a", "a"]]),
            "[constraints]\nexclusive = [[\"a\", \"a\"]]",
        ),
        (
            c().with_exclusive((0..65).map(|i| [format!("a{i}"), format!("b{i}")])),
            &exclusive_65,
        ),
        (
            c().with_groups([("", 0, None)]),
            "[[constraints.group]]\ntag = \"\"",
        ),
        (
            c().with_groups([("pilot", 2, Some(1))]),
            "[[constraints.group]]\ntag = \"pilot\"\nmin = 2\nmax = 1",
        ),
        (c().with_groups((0..65).map(|_| ("t", 0, None))), &groups_65),
        (c().with_coach_load(0), "[waves]\ncoach_load = 0"),
        (c().with_max_size(0), "[waves]\nmax_size = 0"),
        (c().with_max_waves(0), "[waves]\nmax_waves = 0"),
    ]);
    for (built, key) in [
        (
            c().with_training_capacity(u64::MAX),
            "constraints.training_capacity",
        ),
        (c().with_max_size(usize::MAX), "waves.max_size"),
        (c().with_max_waves(usize::MAX), "waves.max_waves"),
    ] {
        assert_eq!(
            built.unwrap_err().to_string(),
            format!(
                "criteria, key {key}: must be at most {}, the largest integer a criteria \
                 file holds, not {}",
                i64::MAX,
                u64::MAX
            )
        );
    }
    // A repeated id: the file says where the first was, a setter cannot.
    let from_file = "constraints.must_lead = [\"a\", \"a\"]"
        .parse::<Criteria>()
        .unwrap_err();
    assert_eq!(
        from_file.to_string(),
        "criteria:1:31, key constraints.must_lead: \"a\" is listed twice (first at 1:26)"
    );
    assert_eq!(
        c().with_must_lead(["a", "a"]).unwrap_err().to_string(),
        "criteria, key constraints.must_lead: \"a\" is listed twice"
    );
}

#[test]
fn evidence_prints_its_fields_by_their_names_in_order() {
    use spearhead::Field;

    let toml = toml::to_string(&ideal()).unwrap();
    let in_order: Vec<&str> = toml.lines().filter_map(|l| l.split(" = ").next()).collect();
    let names: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
    assert_eq!(in_order, names);
}

#[test]
fn the_evidence_builder_needs_every_field_but_remedial() {
    use spearhead::Evidence;

    let e = ideal();
    let built = Evidence::builder()
        .duration_months(e.duration.get())
        .visibility(e.visibility)
        .change(e.change)
        .phase(e.phase)
        .bottom_line(e.bottom_line)
        .lead(e.lead)
        .sponsor_level(e.sponsor_level)
        .sponsor_motivation(e.sponsor_motivation);
    assert_eq!(built.build().unwrap(), e);
    assert!(built.remedial(true).build().unwrap().remedial);
    let error = Evidence::builder()
        .duration_months(12.0)
        .visibility(e.visibility)
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "portfolio, key change: missing field `change`"
    );
}
