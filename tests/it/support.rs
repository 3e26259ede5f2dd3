//! Builders shared by the tests.

use std::fmt::Write as _;

use proptest::prelude::*;
use proptest::sample::select;

use spearhead::{
    BottomLine, Candidate, Change, Criteria, Evidence, Lead, Months, Motivation, Phase, Portfolio,
    SponsorLevel, Visibility,
};

/// Evidence that meets every criterion in full on the shipped criteria.
pub fn ideal() -> Evidence {
    Evidence {
        duration: Months::new(15.0).unwrap(),
        visibility: Visibility::High,
        change: Change::Technology,
        phase: Phase::Design,
        remedial: false,
        bottom_line: BottomLine::Direct,
        lead: Lead::Credible,
        sponsor_level: SponsorLevel::ManagingDirector,
        sponsor_motivation: Motivation::Strong,
    }
}

pub fn portfolio(candidates: impl IntoIterator<Item = (&'static str, Evidence)>) -> Portfolio {
    Portfolio::new(
        candidates
            .into_iter()
            .map(|(id, evidence)| Candidate::new(id, evidence))
            .collect(),
    )
    .unwrap()
}

/// A portfolio file's `[[candidate]]` table for `id` with the ideal
/// evidence, then `extra` lines (later keys of the same name are errors, so
/// `extra` only adds).
pub fn candidate_toml(id: &str, extra: &str) -> String {
    format!(
        "[[candidate]]\nid = \"{id}\"\nduration_months = 15\nvisibility = \"high\"\n\
         change = \"technology\"\nphase = \"design\"\nbottom_line = \"direct\"\n\
         lead = \"credible\"\nsponsor_level = \"managing_director\"\n\
         sponsor_motivation = \"strong\"\n{extra}"
    )
}

/// Evidence with every level drawn, `months` and `remedial` as given.
pub fn evidence_with(
    months: impl Strategy<Value = f64>,
    remedial: impl Strategy<Value = bool>,
) -> impl Strategy<Value = Evidence> {
    (
        (
            months,
            select(Visibility::ALL),
            select(Change::ALL),
            select(Phase::ALL),
        ),
        (
            remedial,
            select(BottomLine::ALL),
            select(Lead::ALL),
            select(SponsorLevel::ALL),
            select(Motivation::ALL),
        ),
    )
        .prop_map(
            |(
                (months, visibility, change, phase),
                (remedial, bottom_line, lead, sponsor_level, sponsor_motivation),
            )| Evidence {
                duration: Months::new(months).unwrap(),
                visibility,
                change,
                phase,
                remedial,
                bottom_line,
                lead,
                sponsor_level,
                sponsor_motivation,
            },
        )
}

/// Decimals `k / 10^places` for `k` in `range`: what a user writes, exact
/// to the library (the f64 division gives the nearest f64 to the decimal).
pub fn decimal(
    range: std::ops::RangeInclusive<u32>,
    places: i32,
) -> impl Strategy<Value = f64> + Clone {
    range.prop_map(move |k| f64::from(k) / 10f64.powi(places))
}

/// `candidates` with units, sponsors, trainees and tags drawn from few
/// values so that constraints bind, and a `[constraints]` section over them:
/// caps, a training capacity, an exclusive pair, a `must_not_lead`, a group
/// `max`, and when `decided` a `must_lead`. No group `min`, and the
/// must-lead trains no one and carries no tag: the constraints always hold,
/// whatever the weights or the evidence.
pub fn constrained(
    candidates: Vec<Candidate>,
    decided: bool,
) -> impl Strategy<Value = (String, Vec<Candidate>)> {
    let n = candidates.len();
    let who = (
        0u8..4,
        0u8..4,
        prop::option::weighted(0.8, 0u64..=10),
        prop::bool::weighted(0.3),
    );
    (
        prop::collection::vec(who, n),
        prop::option::weighted(0.5, 1u8..=2),
        prop::option::weighted(0.4, 1u8..=2),
        prop::option::weighted(0.5, 5u64..=30),
        prop::option::weighted(0.3, 0..n),
        prop::option::weighted(0.3, (0..n, 0..n)),
        prop::option::weighted(0.3, 0u8..=1),
        prop::option::weighted(if decided { 0.3 } else { 0.0 }, 0..n),
    )
        .prop_map(
            move |(who, per_unit, per_sponsor, capacity, banned, pair, max, must)| {
                let mut candidates = candidates.clone();
                for (c, (unit, sponsor, trainees, tagged)) in candidates.iter_mut().zip(who) {
                    c.unit = (unit < 3).then(|| format!("u{unit}"));
                    c.sponsor = (sponsor < 3).then(|| format!("s{sponsor}"));
                    c.trainees = trainees;
                    c.tags = if tagged {
                        vec!["g".to_owned()]
                    } else {
                        Vec::new()
                    };
                }
                let mut text = String::from("\n[constraints]\n");
                if let Some(n) = per_unit {
                    let _ = writeln!(text, "per_unit = {n}");
                }
                if let Some(n) = per_sponsor {
                    let _ = writeln!(text, "per_sponsor = {n}");
                }
                if let Some(n) = capacity {
                    let _ = writeln!(text, "training_capacity = {n}");
                }
                if let Some(i) = must {
                    candidates[i].trainees = None;
                    candidates[i].tags.clear();
                    let _ = writeln!(text, "must_lead = [{:?}]", candidates[i].id);
                }
                if let Some(i) = banned.filter(|&i| Some(i) != must) {
                    let _ = writeln!(text, "must_not_lead = [{:?}]", candidates[i].id);
                }
                if let Some((a, b)) = pair.filter(|(a, b)| a != b) {
                    let (a, b) = (&candidates[a].id, &candidates[b].id);
                    let _ = writeln!(text, "exclusive = [[{a:?}, {b:?}]]");
                }
                if let Some(max) = max {
                    let _ = writeln!(text, "[[constraints.group]]\ntag = \"g\"\nmax = {max}");
                }
                (text, candidates)
            },
        )
}

/// `criteria` with the `[constraints]` section `text`: printed back, the
/// section added, read again.
pub fn with_constraints(criteria: &Criteria, text: &str) -> Criteria {
    let printed = toml::to_string(criteria).unwrap();
    Criteria::from_toml(&(printed + text)).unwrap()
}

/// Texts that are awkward in CSV and TOML alike: commas, quotes, `;`,
/// leading `=`, line breaks are not allowed (controls), unicode is.
pub fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,;\"'=+@é漢-]{1,12}".prop_filter("not blank", |s| !s.trim().is_empty())
}

pub fn candidates() -> impl Strategy<Value = Vec<Candidate>> {
    let one = (
        text(),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(text()),
        (
            proptest::option::of(0_u64..100),
            // Tags: a list cell, `;` between items and spaces around them
            // trimmed, so neither is in a tag here.
            proptest::collection::btree_set("[a-z0-9é=-]{1,8}", 0..4),
        ),
        evidence_with(
            prop_oneof![decimal(1000..=60_000, 3), (1_u32..60).prop_map(f64::from)],
            any::<bool>(),
        ),
    );
    proptest::collection::vec(one, 1..12).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(
                |(i, (id, name, unit, sponsor, (trainees, tags), evidence))| Candidate {
                    name: name.unwrap_or_else(|| format!("{id}#{i}")),
                    unit,
                    sponsor,
                    trainees,
                    tags: tags.into_iter().collect(),
                    ..Candidate::new(format!("{id}#{i}"), evidence)
                },
            )
            .collect()
    })
}
