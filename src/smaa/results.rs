//! What the analysis reports: how every candidate fares over the samples.

use serde::{Deserialize, Serialize};

use super::tally::Tally;
use crate::candidate::Portfolio;
use crate::criteria::Criteria;
use crate::criterion::{Sampling, Weights};

/// How every candidate fares over the sampled weight vectors: what
/// [`Criteria::acceptability`] returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Acceptability {
    /// How many weight vectors were drawn.
    pub samples: u64,
    /// The seed they were drawn from.
    pub seed: u64,
    /// How they were drawn.
    pub sampling: Sampling,
    /// The most candidates that lead in one sample: the configured
    /// [`Criteria::leaders`], even when it exceeds the portfolio.
    pub leaders: usize,
    /// How many leading ranks each candidate's [`Acceptance::ranks`]
    /// counts: the configured [`Robustness::ranks`](crate::Robustness::ranks),
    /// at most the number of candidates and 100.
    pub ranks: usize,
    /// Every candidate, in the order of [`Criteria::rank`] under the
    /// configured weights.
    pub candidates: Vec<Acceptance>,
}

/// How one candidate fares over the sampled weight vectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Acceptance {
    /// The candidate's id.
    pub id: String,
    /// In how many samples it leads: it is eligible and among the first
    /// `leaders` eligible candidates of that sample's ranking.
    pub leads: u64,
    /// `leads / samples`: the share of samples in which it leads, in
    /// `[0, 1]`.
    pub lead_share: f64,
    /// `ranks[r]` is in how many samples it ranks `r + 1`-th, for the first
    /// [`Acceptability::ranks`] ranks. Ranks count every candidate by total,
    /// eligible or not, as [`Criteria::rank`] does; only an eligible one
    /// leads. So a candidate below a criterion's `min` may rank 2nd in many
    /// samples and lead in none.
    pub ranks: Vec<u64>,
    /// In how many samples it ranks below the ranks counted in `ranks` (0
    /// when they are every rank).
    pub lower: u64,
    /// The mean weight vector of the samples in which it leads (each weight
    /// to about 1e-9); `None` when it never leads.
    pub central_weights: Option<Weights>,
}

/// The report of `tally`, every candidate in the order of
/// [`Criteria::rank`], with the first `width` ranks counted one by one.
#[allow(clippy::cast_precision_loss, reason = "counts are at most 1e7")]
pub(super) fn report(
    criteria: &Criteria,
    portfolio: &Portfolio,
    tally: &Tally,
    width: usize,
    scale: u64,
) -> Acceptability {
    let robustness = &criteria.robustness;
    let drawn = robustness.samples;
    let candidates = (criteria.rank_places(portfolio).into_iter())
        .filter_map(|place| {
            let (_, candidate) = portfolio.at_place(place)?;
            let leads = tally.leads.get(place).copied().unwrap_or(0);
            let ranks: Vec<u64> = tally
                .ranks
                .get(place * width..(place + 1) * width)
                .unwrap_or_default()
                .iter()
                .map(|&r| u64::from(r))
                .collect();
            let counted: u64 = ranks.iter().sum();
            let central_weights = tally
                .central
                .get(place)
                .filter(|_| leads > 0)
                .map(|sum| Weights(sum.map(|s| s as f64 / (leads as f64 * scale as f64))));
            Some(Acceptance {
                id: candidate.id.clone(),
                leads,
                lead_share: leads as f64 / drawn as f64,
                ranks,
                lower: drawn.saturating_sub(counted),
                central_weights,
            })
        })
        .collect();
    Acceptability {
        samples: drawn,
        seed: robustness.seed,
        sampling: robustness.sampling,
        leaders: criteria.leaders,
        ranks: width,
        candidates,
    }
}
