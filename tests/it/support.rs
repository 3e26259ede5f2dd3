//! Builders shared by the tests.

use proptest::prelude::*;
use proptest::sample::select;

use spearhead::{
    BottomLine, Candidate, Change, Evidence, Lead, Months, Motivation, Phase, Portfolio,
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
