//! The generated portfolios every benchmark ranks, shared with the tests and
//! with the Python peer benchmark (`benches/peers/`), which draws the same
//! candidates in the same order.
//!
//! splitmix64, one 64-bit state starting at [`SEED`]. For candidate `i` the
//! draws are, in this order: `duration_months = 1 + next() % 48`, then one
//! level each of visibility, change, phase, `remedial = next() % 4 == 0`,
//! bottom line, lead, sponsor level and sponsor motivation, each level
//! `ALL[next() % ALL.len()]`; the id is `c{i:07}`.

#![allow(dead_code, reason = "each user needs a part of it")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a bench or test that goes wrong may panic"
)]

use std::fmt::Write as _;

use spearhead::{
    BottomLine, Candidate, Change, Evidence, Lead, Months, Motivation, Phase, Portfolio,
    SponsorLevel, Visibility,
};

/// The seed every benchmark starts from.
pub const SEED: u64 = 42;

/// The splitmix64 generator: one 64-bit state.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator whose state starts at `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next draw.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// One of `all`, by the next draw modulo its length.
    fn pick<T: Copy>(&mut self, all: &[T]) -> T {
        let len = u64::try_from(all.len()).unwrap();
        all[usize::try_from(self.next() % len).unwrap()]
    }

    /// The next candidate's evidence.
    pub fn evidence(&mut self) -> Evidence {
        let months = 1 + self.next() % 48;
        Evidence {
            duration: Months::new(months as f64).unwrap(),
            visibility: self.pick(Visibility::ALL),
            change: self.pick(Change::ALL),
            phase: self.pick(Phase::ALL),
            remedial: self.next().is_multiple_of(4),
            bottom_line: self.pick(BottomLine::ALL),
            lead: self.pick(Lead::ALL),
            sponsor_level: self.pick(SponsorLevel::ALL),
            sponsor_motivation: self.pick(Motivation::ALL),
        }
    }
}

/// The id of candidate `i`.
pub fn id(i: usize) -> String {
    format!("c{i:07}")
}

/// The first `n` generated candidates, from [`SEED`].
pub fn candidates(n: usize) -> Vec<Candidate> {
    let mut rng = SplitMix64::new(SEED);
    (0..n)
        .map(|i| Candidate::new(id(i), rng.evidence()))
        .collect()
}

/// A portfolio of the first `n` generated candidates.
pub fn portfolio(n: usize) -> Portfolio {
    Portfolio::new(candidates(n)).unwrap()
}

/// The first `n` generated candidates with what constraints read, from
/// their index alone (the evidence draws stay those of [`candidates`]): 50
/// units, 37 sponsors, 0 to 14 trainees, and one in 20 tagged
/// `"grass-roots"`.
pub fn constrained_portfolio(n: usize) -> Portfolio {
    let mut candidates = candidates(n);
    for (i, c) in candidates.iter_mut().enumerate() {
        c.unit = Some(format!("unit-{}", i % 50));
        c.sponsor = Some(format!("sponsor-{}", i % 37));
        c.trainees = Some((i as u64 * 7) % 15);
        if i % 20 == 0 {
            c.tags = vec!["grass-roots".to_owned()];
        }
    }
    Portfolio::new(candidates).unwrap()
}

/// The `[constraints]` the benches choose under: one leader a unit and a
/// sponsor, and 30 people to train.
pub const CONSTRAINTS: &str =
    "[constraints]\nper_unit = 1\nper_sponsor = 1\ntraining_capacity = 30\n";

/// The portfolio file of the first `n` generated candidates.
pub fn portfolio_toml(n: usize) -> String {
    let mut text = String::new();
    for candidate in candidates(n) {
        let e = candidate.evidence;
        writeln!(
            text,
            "[[candidate]]\nid = \"{}\"\nduration_months = {}\nvisibility = \"{}\"\n\
             change = \"{}\"\nphase = \"{}\"\nremedial = {}\nbottom_line = \"{}\"\n\
             lead = \"{}\"\nsponsor_level = \"{}\"\nsponsor_motivation = \"{}\"",
            candidate.id,
            e.duration,
            e.visibility,
            e.change,
            e.phase,
            e.remedial,
            e.bottom_line,
            e.lead,
            e.sponsor_level,
            e.sponsor_motivation,
        )
        .unwrap();
    }
    text
}

/// The same candidates as [`portfolio_toml`], as a CSV table: a header row
/// of the keys, a row each, as `benches/peers/bench.py --write-csv` writes
/// them.
pub fn portfolio_csv(n: usize) -> String {
    let mut text = String::from(
        "id,duration_months,visibility,change,phase,remedial,bottom_line,lead,\
         sponsor_level,sponsor_motivation\n",
    );
    for candidate in candidates(n) {
        let e = candidate.evidence;
        writeln!(
            text,
            "{},{},{},{},{},{},{},{},{},{}",
            candidate.id,
            e.duration,
            e.visibility,
            e.change,
            e.phase,
            e.remedial,
            e.bottom_line,
            e.lead,
            e.sponsor_level,
            e.sponsor_motivation,
        )
        .unwrap();
    }
    text
}

/// The reference values of `benches/peers/README.md`: both sides must draw
/// the same candidates.
#[cfg(test)]
mod tests {
    // No `use super::*`: a bench (no test harness) built with cfg(test)
    // drops the test and would warn that the import is unused.
    #[test]
    fn the_generator_draws_the_peers_candidates() {
        let mut rng = super::SplitMix64::new(super::SEED);
        let draws = [rng.next(), rng.next(), rng.next()];
        assert_eq!(
            draws,
            [
                0xbdd7_3226_2feb_6e95,
                0x28ef_e333_b266_f103,
                0x4752_6757_130f_9f52
            ]
        );
        assert_eq!(super::SplitMix64::new(0).next(), 0xe220_a839_7b1d_cdaf);

        let text = super::portfolio_toml(3);
        let expected = [
            (
                "c0000000",
                38,
                "moderate",
                "technology",
                "sustainment",
                false,
                "direct",
                "experienced",
                "executive",
                "moderate",
            ),
            (
                "c0000001",
                15,
                "high",
                "process",
                "implementation",
                false,
                "none",
                "credible",
                "managing_director",
                "weak",
            ),
            (
                "c0000002",
                40,
                "low",
                "technology",
                "design",
                false,
                "indirect",
                "credible",
                "managing_director",
                "moderate",
            ),
        ];
        for (candidate, e) in super::candidates(3).iter().zip(expected) {
            let v = candidate.evidence;
            let got = (
                candidate.id.as_str(),
                v.duration.get(),
                v.visibility.as_str(),
                v.change.as_str(),
                v.phase.as_str(),
                v.remedial,
                v.bottom_line.as_str(),
                v.lead.as_str(),
                v.sponsor_level.as_str(),
                v.sponsor_motivation.as_str(),
            );
            assert_eq!(
                got,
                (e.0, f64::from(e.1), e.2, e.3, e.4, e.5, e.6, e.7, e.8, e.9)
            );
        }
        // The file form reads back as the same candidates.
        assert_eq!(
            super::Portfolio::from_toml(&text).unwrap(),
            super::portfolio(3)
        );
    }
}
