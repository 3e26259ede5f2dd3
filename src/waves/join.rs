//! The candidate behind each placement of a plan.
//!
//! A plan made of a portfolio borrows each id from its candidate, so the
//! placement's id and the candidate's are the same text at the same
//! address: looking candidates up by address needs no string hashed or
//! compared, and an address is nothing a portfolio file chooses. Two live
//! texts at one address with one length are the same bytes, so a match by
//! address is a match by id. A plan with texts of its own (read back, or
//! [`Plan::into_owned`]) is looked up by id.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::candidate::{Candidate, Portfolio};
use crate::plan::Plan;

/// The candidate of each placement of `plan`, in its order; a placement
/// whose id `portfolio` does not hold is left out.
pub(super) fn ranked<'p>(portfolio: &'p Portfolio, plan: &Plan<'_>) -> Vec<&'p Candidate> {
    by_address(portfolio, plan).unwrap_or_else(|| by_id(portfolio, plan))
}

/// Each placement's candidate by the address of its id; `None` when one
/// is not found so.
fn by_address<'p>(portfolio: &'p Portfolio, plan: &Plan<'_>) -> Option<Vec<&'p Candidate>> {
    let candidates = portfolio.candidates();
    let mut at: HashMap<Text, usize, BuildHasherDefault<AddressHasher>> =
        HashMap::with_capacity_and_hasher(candidates.len(), BuildHasherDefault::default());
    for (index, candidate) in candidates.iter().enumerate() {
        at.insert(Text::of(&candidate.id), index);
    }
    (plan.ranking.iter())
        .map(|placement| {
            let index = *at.get(&Text::of(&placement.id))?;
            candidates.get(index)
        })
        .collect()
}

/// Each placement's candidate by its id.
fn by_id<'p>(portfolio: &'p Portfolio, plan: &Plan<'_>) -> Vec<&'p Candidate> {
    let by_id: HashMap<&str, &Candidate> = (portfolio.candidates().iter())
        .map(|c| (c.id.as_str(), c))
        .collect();
    (plan.ranking.iter())
        .filter_map(|p| by_id.get(p.id.as_ref()).copied())
        .collect()
}

/// A text by where it is: its address and length.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Text(usize, usize);

impl Text {
    fn of(text: &str) -> Self {
        Text(text.as_ptr().addr(), text.len())
    }
}

/// A hasher for addresses: each word multiplied by an odd constant, the
/// high and low halves of the product folded together, so the low bits the
/// table indexes by depend on every bit of the address (which is aligned,
/// so its own low bits are all zero).
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    #[allow(
        clippy::cast_possible_truncation,
        reason = "the two halves of the product, folded"
    )]
    fn write_u64(&mut self, word: u64) {
        let product = u128::from(self.0 ^ word) * 0x9E37_79B9_7F4A_7C15;
        self.0 = (product as u64) ^ ((product >> 64) as u64);
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(u64::try_from(word).unwrap_or(u64::MAX));
    }
}
