//! Every bad input gets a clear error: file part, key or candidate, and
//! line:column. The messages are pinned exactly.

use std::fmt::Write as _;

use spearhead::{
    BottomLine, Candidate, CandidateRef, Change, Criteria, Error, Evidence, Lead, Months,
    Motivation, Part, Phase, Portfolio, SponsorLevel, Visibility,
};

use crate::support::{candidate_toml, ideal};

#[track_caller]
fn criteria_error(text: &str, expected: &str) {
    let error = Criteria::from_toml(text).unwrap_err();
    assert_eq!(error.to_string(), expected, "for {text:?}");
}

#[track_caller]
fn portfolio_error(text: &str, expected: &str) {
    let error = Portfolio::from_toml(text).unwrap_err();
    assert_eq!(error.to_string(), expected, "for {text:?}");
}

/// The ideal candidate `a` with one line replaced.
fn replace(line: &str, with: &str) -> String {
    let text = candidate_toml("a", "");
    assert!(text.contains(line), "{line}");
    text.replace(line, with)
}

#[test]
fn unknown_keys_name_the_key_and_where() {
    criteria_error(
        "[selection]\nleadrs = 3",
        "criteria:2:1, key selection.leadrs: unknown field `leadrs`, expected `leaders` or `min_score`",
    );
    criteria_error(
        "[visibilty]\nweight = 1",
        "criteria:1:2, key visibilty: unknown field `visibilty`, expected one of `selection`, \
         `duration`, `visibility`, `tangibility`, `phase`, `bottom_line`, `lead`, `sponsorship`, \
         `robustness`, `constraints`, `waves`",
    );
    portfolio_error(
        &candidate_toml("a", "colour = \"red\""),
        "portfolio:11:1, candidate \"a\", key colour: unknown field `colour`, expected one of \
         `id`, `name`, `unit`, `sponsor`, `trainees`, `tags`, `agents`, `champions`, \
         `local_initiative`, `asked`, `start_month`, `duration_months`, `visibility`, `change`, \
         `phase`, `remedial`, `bottom_line`, `lead`, `sponsor_level`, `sponsor_motivation`",
    );
    portfolio_error(
        &(candidate_toml("a", "") + "\n[extra]\nx = 1\n"),
        "portfolio:12:2, key extra: unknown field `extra`, expected `candidate`",
    );
}

#[test]
fn unknown_levels_name_the_level_and_the_choices() {
    portfolio_error(
        &replace("visibility = \"high\"", "visibility = \"hgh\""),
        "portfolio:4:14, candidate \"a\", key visibility: unknown variant `hgh`, expected one of \
         `low`, `moderate`, `high`",
    );
    criteria_error(
        "[visibility]\nscores = { hgh = 1 }",
        "criteria:2:12, key visibility.scores.hgh: unknown variant `hgh`, expected one of `low`, \
         `moderate`, `high`",
    );
    criteria_error(
        "[sponsorship]\nlevel = { ceo = 1 }",
        "criteria:2:11, key sponsorship.level.ceo: unknown variant `ceo`, expected one of \
         `executive`, `managing_director`, `director`, `manager`",
    );
}

#[test]
fn the_second_candidate_is_named_not_the_first() {
    let text = candidate_toml("a", "") + "\n" + &candidate_toml("b", "");
    portfolio_error(
        &text.replacen("lead = \"credible\"\n", "", 2).replacen(
            "[[candidate]]\nid = \"a\"\n",
            "[[candidate]]\nid = \"a\"\nlead = \"credible\"\n",
            1,
        ),
        "portfolio:12:1, candidate \"b\": missing field `lead`",
    );
}

#[test]
fn missing_fields_name_the_candidate_or_its_position() {
    portfolio_error(
        &replace("lead = \"credible\"\n", ""),
        "portfolio:1:1, candidate \"a\": missing field `lead`",
    );
    portfolio_error(
        &replace("id = \"a\"\n", ""),
        "portfolio:1:1, candidate #1: missing field `id`",
    );
}

#[test]
fn nan_inf_and_negative_numbers_are_rejected() {
    portfolio_error(
        &replace("duration_months = 15", "duration_months = nan"),
        "portfolio:3:19, candidate \"a\", key duration_months: must be a number, not nan",
    );
    portfolio_error(
        &replace("duration_months = 15", "duration_months = inf"),
        "portfolio:3:19, candidate \"a\", key duration_months: must be finite, not inf",
    );
    portfolio_error(
        &replace("duration_months = 15", "duration_months = -3"),
        "portfolio:3:19, candidate \"a\", key duration_months: must be more than 0 months, not -3",
    );
    portfolio_error(
        &replace("duration_months = 15", "duration_months = 0"),
        "portfolio:3:19, candidate \"a\", key duration_months: must be more than 0 months, not 0",
    );
    criteria_error(
        "[visibility]\nweight = -1",
        "criteria:2:10, key visibility.weight: must be at least 0, not -1",
    );
    criteria_error(
        "[visibility]\nweight = inf",
        "criteria:2:10, key visibility.weight: must be finite, not inf",
    );
    criteria_error(
        "[lead]\nweight = nan",
        "criteria:2:10, key lead.weight: must be a number, not nan",
    );
    criteria_error(
        "[selection]\nmin_score = nan",
        "criteria:2:13, key selection.min_score: must be a number, not nan",
    );
}

#[test]
fn wrong_types_are_rejected() {
    portfolio_error(
        &replace("duration_months = 15", "duration_months = \"long\""),
        "portfolio:3:19, candidate \"a\", key duration_months: invalid type: string \"long\", \
         expected a number",
    );
    portfolio_error(
        &candidate_toml("a", "remedial = \"yes\"\n"),
        "portfolio:11:12, candidate \"a\", key remedial: invalid type: string \"yes\", expected a \
         boolean",
    );
    criteria_error(
        "[visibility]\nweight = \"heavy\"",
        "criteria:2:10, key visibility.weight: invalid type: string \"heavy\", expected a number",
    );
    criteria_error(
        "selection = 3",
        "criteria:1:13, key selection: invalid type: integer `3`, expected a [selection] table",
    );
}

#[test]
fn duplicate_ids_name_both_places() {
    let text =
        candidate_toml("a", "") + "\n" + &candidate_toml("b", "") + "\n" + &candidate_toml("a", "");
    let error = Portfolio::from_toml(&text).unwrap_err();
    assert_eq!(
        error.to_string(),
        "portfolio:24:6, candidate \"a\", key id: duplicate candidate id, first used at 2:6"
    );
    let Error::DuplicateId { at, first } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (
            at.part,
            at.location.map(|l| (l.line, l.column)),
            &at.candidate,
            at.key.as_deref()
        ),
        (
            Part::Portfolio,
            Some((24, 6)),
            &Some(CandidateRef::Id("a".to_owned())),
            Some("id")
        )
    );
    assert_eq!(first.map(|l| (l.line, l.column)), Some((2, 6)));
    let twice = vec![Candidate::new("a", ideal()), Candidate::new("a", ideal())];
    assert_eq!(
        Portfolio::new(twice).unwrap_err().to_string(),
        "portfolio, candidate \"a\": duplicate candidate id"
    );
}

#[test]
fn bad_ids_and_names_are_rejected() {
    portfolio_error(
        &candidate_toml("", ""),
        "portfolio:2:6, candidate #1, key id: must not be empty",
    );
    portfolio_error(
        &candidate_toml("a", "name = \" \"\n"),
        "portfolio:11:8, candidate \"a\", key name: must not be empty",
    );
    portfolio_error(
        &candidate_toml("a\\u0007b", ""),
        "portfolio:2:6, candidate \"a\\u{7}b\", key id: must not hold the control character U+0007",
    );
    let mut c = Candidate::new("ok", ideal());
    c.sponsor = Some("x\u{202e}y".to_owned());
    assert_eq!(
        Portfolio::new(vec![c]).unwrap_err().to_string(),
        "portfolio, candidate \"ok\", key sponsor: must not hold the bidi control character U+202E"
    );
}

#[test]
fn empty_portfolios_are_rejected() {
    portfolio_error(
        "",
        "portfolio: no candidates: add at least one [[candidate]] table",
    );
    portfolio_error(
        "# nothing yet\n",
        "portfolio: no candidates: add at least one [[candidate]] table",
    );
}

#[test]
fn scores_outside_zero_one_are_rejected() {
    criteria_error(
        "[visibility]\nscores = { high = 2 }",
        "criteria:2:19, key visibility.scores.high: must be in [0, 1], not 2",
    );
    criteria_error(
        "[sponsorship]\nmotivation = { strong = 1.5 }",
        "criteria:2:25, key sponsorship.motivation.strong: must be in [0, 1], not 1.5",
    );
    criteria_error(
        "[phase]\nremedial = 2",
        "criteria:2:12, key phase.remedial: must be in [0, 1], not 2",
    );
    criteria_error(
        "[visibility]\nmin = -0.5",
        "criteria:2:7, key visibility.min: must be in [0, 1], not -0.5",
    );
    criteria_error(
        "[selection]\nmin_score = 1.5",
        "criteria:2:13, key selection.min_score: must be in [0, 1], not 1.5",
    );
}

#[test]
fn windows_must_be_ordered_pairs_inside_each_other() {
    criteria_error(
        "[duration]\nfull = [18, 12]",
        "criteria:2:8, key duration.full: the window is reversed: 18 is more than 12",
    );
    criteria_error(
        "[duration]\nzero = [40, 3]",
        "criteria:2:8, key duration.zero: the window is reversed: 40 is more than 3",
    );
    criteria_error(
        "[duration]\nfull = [1, 40]",
        "criteria:2:8, key duration.full: the full-marks window [1, 40] must lie inside the zero \
         window [3, 36]",
    );
    criteria_error(
        "[duration]\nzero = [13, 40]",
        "criteria:2:8, key duration.zero: the full-marks window [12, 18] must lie inside the zero \
         window [13, 40]",
    );
    criteria_error(
        "[duration]\nfull = [12]",
        "criteria:2:8, key duration.full: must be a pair [low, high] of months, not 1 values",
    );
    criteria_error(
        "[duration]\nfull = [12, nan]",
        "criteria:2:8, key duration.full: must be a number, not nan",
    );
    criteria_error(
        "[duration]\nzero = [-1, 36]",
        "criteria:2:8, key duration.zero: months must be at least 0, not -1",
    );
}

#[test]
fn leaders_must_be_at_least_one() {
    criteria_error(
        "[selection]\nleaders = 0",
        "criteria:2:11, key selection.leaders: must be at least 1, not 0",
    );
    criteria_error(
        "[selection]\nleaders = -2",
        "criteria:2:11, key selection.leaders: must be at least 1, not -2",
    );
    assert_eq!(
        Criteria::default().with_leaders(0).unwrap_err().to_string(),
        "criteria, key selection.leaders: must be at least 1, not 0"
    );
}

#[test]
fn weights_must_not_all_be_zero() {
    let mut all_zero = String::new();
    for c in spearhead::Criterion::ALL {
        writeln!(all_zero, "[{c}]\nweight = 0").unwrap();
    }
    criteria_error(
        &all_zero,
        "criteria: every weight is 0: give at least one criterion a weight above 0",
    );
    let mut criteria = Criteria::default();
    for c in &spearhead::Criterion::ALL[1..] {
        criteria = criteria.with_weight(*c, 0.0).unwrap();
    }
    assert_eq!(
        criteria
            .with_weight(spearhead::Criterion::Duration, 0.0)
            .unwrap_err()
            .to_string(),
        "criteria: every weight is 0: give at least one criterion a weight above 0"
    );
    assert_eq!(
        Criteria::default()
            .with_weight(spearhead::Criterion::Lead, f64::NAN)
            .unwrap_err()
            .to_string(),
        "criteria, key lead.weight: must be a number, not nan"
    );
}

#[test]
fn syntax_errors_give_the_place_parsing_stopped() {
    criteria_error(
        "[phase\nremedial = 2",
        "criteria:1:7: unclosed table, expected `]`",
    );
    portfolio_error(
        "[[candidate]]\nid = \"a\" x = 1\n",
        "portfolio:2:10, candidate \"a\": unexpected key or value, expected newline, `#`",
    );
}

#[test]
fn months_are_checked_when_built_in_code() {
    assert_eq!(
        Months::new(f64::NAN).unwrap_err().to_string(),
        "portfolio, key duration_months: must be a number, not nan"
    );
    assert_eq!(
        Months::try_from(-0.0).unwrap_err().to_string(),
        "portfolio, key duration_months: must be more than 0 months, not -0"
    );
    assert_eq!(Months::new(12.5).unwrap().get(), 12.5);
}

#[test]
fn errors_are_values_callers_can_match() {
    let error =
        Portfolio::from_toml(&replace("duration_months = 15", "duration_months = -3")).unwrap_err();
    let Error::Invalid { at, message } = error else {
        panic!("expected Error::Invalid");
    };
    assert_eq!(at.part, Part::Portfolio);
    assert_eq!(at.candidate, Some(CandidateRef::Id("a".to_owned())));
    assert_eq!(at.key.as_deref(), Some("duration_months"));
    assert_eq!(at.location.map(|l| (l.line, l.column)), Some((3, 19)));
    assert_eq!(message, "must be more than 0 months, not -3");
}

#[test]
fn valid_evidence_of_every_kind_parses() {
    let text = candidate_toml(
        "a",
        "remedial = true\nname = \"A\"\nunit = \"Ops\"\nsponsor = \"K\"\n",
    );
    let portfolio = Portfolio::from_toml(&text).unwrap();
    let a = portfolio.get("a").unwrap();
    assert_eq!(a.name, "A");
    assert_eq!(a.unit.as_deref(), Some("Ops"));
    assert_eq!(a.sponsor.as_deref(), Some("K"));
    assert_eq!(
        a.evidence,
        Evidence {
            duration: Months::new(15.0).unwrap(),
            visibility: Visibility::High,
            change: Change::Technology,
            phase: Phase::Design,
            remedial: true,
            bottom_line: BottomLine::Direct,
            lead: Lead::Credible,
            sponsor_level: SponsorLevel::ManagingDirector,
            sponsor_motivation: Motivation::Strong,
        }
    );
    let unnamed = Portfolio::from_toml(&candidate_toml("b", "")).unwrap();
    assert_eq!(unnamed.candidates()[0].name, "b");
}
