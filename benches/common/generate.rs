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
            remedial: self.next() % 4 == 0,
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
