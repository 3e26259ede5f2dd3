//! Stochastic multicriteria acceptability analysis (SMAA): weight vectors
//! drawn at random, and how often each candidate leads and ranks where.
//!
//! The samples are cut into chunks of [`CHUNK`](tally::CHUNK), each drawing from its own
//! stream seeded by `(seed, chunk index)`. Every count is an integer, and the
//! central weights are summed in fixed point, so the result is the same bit
//! for bit whatever the number of threads and the order the chunks finish in.

mod results;
pub(crate) mod sampling;
mod tally;

use std::num::NonZeroUsize;

use crate::candidate::Portfolio;
use crate::criteria::Criteria;
use crate::error::Result;
use crate::robustness::Robustness;

pub use self::results::{Acceptability, Acceptance};
use self::sampling::Sampler;
use self::tally::{CHUNK, Table, Tally};

/// How many ranks a candidate's rank distribution counts one by one.
const MAX_RANKS: usize = 100;

impl Criteria {
    /// How robust the choice of leaders is to the weights: draws
    /// [`Robustness::samples`] weight vectors as the `[robustness]` section
    /// says, and counts for every candidate how often it leads, how often it
    /// ranks 1st, 2nd, and so on, and the mean weights under which it
    /// leads.
    ///
    /// Each sample is judged as [`Criteria::choose_leaders`] would judge it
    /// with its weights: totals on the 1e-9 grid, ties broken by id, and the
    /// same `min_score` and criterion minimums. The same criteria and
    /// portfolio give the same result, bit for bit, on any number of
    /// `threads` and whatever the order of the candidates.
    ///
    /// ```
    /// use std::num::NonZeroUsize;
    /// use spearhead::{Criteria, Criterion, Portfolio};
    ///
    /// // Would the leader change if sponsorship weighed at least as much
    /// // as visibility, whatever the weights otherwise?
    /// let criteria: Criteria = r#"
    ///     [selection]
    ///     leaders = 1
    ///
    ///     [robustness]
    ///     samples = 2000
    ///     seed = 42
    ///     order = ["sponsorship >= visibility"]
    /// "#
    /// .parse()?;
    /// let portfolio: Portfolio = r#"
    ///     [[candidate]]
    ///     id = "crm-rollout"
    ///     duration_months = 15
    ///     visibility = "moderate"
    ///     change = "technology"
    ///     phase = "design"
    ///     bottom_line = "direct"
    ///     lead = "credible"
    ///     sponsor_level = "managing_director"
    ///     sponsor_motivation = "strong"
    ///
    ///     [[candidate]]
    ///     id = "intranet"
    ///     duration_months = 15
    ///     visibility = "high"
    ///     change = "technology"
    ///     phase = "design"
    ///     bottom_line = "direct"
    ///     lead = "credible"
    ///     sponsor_level = "director"
    ///     sponsor_motivation = "moderate"
    /// "#
    /// .parse()?;
    /// let threads = std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN);
    /// let result = criteria.acceptability(&portfolio, threads)?;
    /// let crm = &result.candidates[0];
    /// assert_eq!(crm.id, "crm-rollout");
    /// // The two differ only in visibility and sponsorship, which the order
    /// // favours: the CRM rollout leads under every weight vector drawn.
    /// assert_eq!(crm.lead_share, 1.0);
    /// assert_eq!(crm.ranks.iter().sum::<u64>(), 2000);
    /// // The mean weights under which it leads obey the order.
    /// let weights = crm.central_weights.unwrap();
    /// assert!(weights[Criterion::Sponsorship] >= weights[Criterion::Visibility]);
    /// // The same seed gives the same result on one thread.
    /// assert_eq!(result, criteria.acceptability(&portfolio, NonZeroUsize::MIN)?);
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`](crate::Error::Invalid) when a constraint names a
    /// candidate the portfolio does not hold. A sample in which the
    /// constraints cannot all hold has no leaders.
    pub fn acceptability(
        &self,
        portfolio: &Portfolio,
        threads: NonZeroUsize,
    ) -> Result<Acceptability> {
        acceptability(self, portfolio, threads)
    }
}

/// The analysis of `portfolio` under `criteria`, on `threads` threads.
fn acceptability(
    criteria: &Criteria,
    portfolio: &Portfolio,
    threads: NonZeroUsize,
) -> Result<Acceptability> {
    let robustness = &criteria.robustness;
    let table = Table::new(criteria, portfolio)?;
    let sampler = Sampler::new(robustness, &criteria.weights);
    let width = portfolio.len().min(MAX_RANKS);
    let tally = run_threads(&table, &sampler, robustness, width, threads);
    Ok(results::report(criteria, portfolio, &tally, width))
}

/// Every chunk of samples, cut among `threads` threads, counted into one
/// tally.
fn run_threads(
    table: &Table,
    sampler: &Sampler,
    robustness: &Robustness,
    width: usize,
    threads: NonZeroUsize,
) -> Tally {
    let chunks = robustness.samples.div_ceil(CHUNK);
    let threads = u64::try_from(threads.get())
        .unwrap_or(u64::MAX)
        .min(chunks)
        .max(1);
    let mut tally = Tally::new(table.len(), width);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads)
            .map(|start| {
                let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
                    table.run_chunks(sampler, robustness, start, threads, width)
                });
                (start, spawned)
            })
            .collect();
        tally.add(&table.run_chunks(sampler, robustness, 0, threads, width));
        for (start, handle) in handles {
            // A thread that could not start, or failed, is run here.
            match handle.map_err(drop).and_then(|h| h.join().map_err(drop)) {
                Ok(part) => tally.add(&part),
                Err(()) => tally.add(&table.run_chunks(sampler, robustness, start, threads, width)),
            }
        }
    });
    tally
}
