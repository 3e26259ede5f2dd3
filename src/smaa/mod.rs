//! Stochastic multicriteria acceptability analysis (SMAA): weight vectors
//! drawn at random, and how often each candidate leads and ranks where.
//!
//! The samples are cut into chunks of [`CHUNK`](tally::CHUNK), each drawing from its own
//! stream seeded by `(seed, chunk index)`; threads may count a chunk in
//! pieces, a piece skipping the draws of the samples before it. Every count
//! is an integer, and the central weights are summed in fixed point, so the
//! result is the same bit for bit whatever the number of threads and the
//! order the pieces finish in.

mod progress;
mod results;
pub(crate) mod sampling;
mod tally;

use std::num::NonZeroUsize;
use std::ops::ControlFlow;

use crate::candidate::Portfolio;
use crate::criteria::Criteria;
use crate::error::Result;

pub use self::progress::Progress;
pub use self::results::{Acceptability, Acceptance};
use self::sampling::Sampler;
use self::tally::{Table, Tally};

impl Criteria {
    /// How robust the choice of leaders is to the weights: draws
    /// [`crate::Robustness::samples`] weight vectors as the `[robustness]` section
    /// says, and counts for every candidate how often it leads, how often it
    /// ranks 1st, 2nd, and so on up to [`Robustness::ranks`](crate::Robustness::ranks) (the first 10
    /// in the shipped criteria), and the mean weights under which it leads.
    /// The leads and the weights are counted exactly whatever `ranks` says:
    /// fewer ranks only cost less.
    ///
    /// Each sample's weights become whole numbers (about 2^31 in all, in
    /// the ratios of the configured weights when the draw is them), and the
    /// sample is judged as [`Criteria::choose_leaders`] would judge those:
    /// totals exact, ties broken by id, and the same `min_score` and
    /// criterion minimums, met exactly. The same criteria and
    /// portfolio give the same result, bit for bit, on any number of
    /// `threads` and whatever the order of the candidates.
    ///
    /// The calling thread counts too; the `threads - 1` others are kept
    /// for a second after their work, so that a call soon after this one
    /// finds them waiting rather than starts them, and then end by
    /// themselves.
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
        let tally = run(self, portfolio, threads, |_| ControlFlow::Continue(()))?;
        // Never stopped, so never `None`.
        let (tally, scale) =
            tally.unwrap_or_else(|| (Tally::new(portfolio.len(), width(self, portfolio)), 1));
        Ok(results::report(
            self,
            portfolio,
            &tally,
            width(self, portfolio),
            scale,
        ))
    }

    /// [`Criteria::acceptability`], telling `progress` how far it is as it
    /// goes: a long run (ten million samples, or a hundred thousand
    /// candidates) takes minutes. `progress` is called on the calling
    /// thread, between samples and every few milliseconds while the other
    /// threads finish, and last with every sample done; returning
    /// [`ControlFlow::Break`] stops the run, which then gives `None`. A run
    /// that is not stopped gives what [`Criteria::acceptability`] gives, bit
    /// for bit.
    ///
    /// # Errors
    ///
    /// As [`Criteria::acceptability`].
    ///
    /// ```
    /// use std::num::NonZeroUsize;
    /// use std::ops::ControlFlow;
    /// use spearhead::{Criteria, Portfolio};
    ///
    /// # let sample = include_str!("../../examples/portfolio.toml");
    /// let criteria = Criteria::default().with_samples(100_000)?;
    /// let portfolio: Portfolio = sample.parse()?; // examples/portfolio.toml
    /// // Stop once a tenth of the samples are counted.
    /// let stopped = criteria.acceptability_with(&portfolio, NonZeroUsize::MIN, |progress| {
    ///     if progress.fraction() < 0.1 { ControlFlow::Continue(()) } else { ControlFlow::Break(()) }
    /// })?;
    /// assert_eq!(stopped, None);
    /// // Run to the end, it is the same as without a callback.
    /// let mut calls = 0;
    /// let whole = criteria.acceptability_with(&portfolio, NonZeroUsize::MIN, |_| {
    ///     calls += 1;
    ///     ControlFlow::Continue(())
    /// })?;
    /// assert_eq!(whole, Some(criteria.acceptability(&portfolio, NonZeroUsize::MIN)?));
    /// assert!(calls > 1);
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    pub fn acceptability_with(
        &self,
        portfolio: &Portfolio,
        threads: NonZeroUsize,
        progress: impl FnMut(Progress) -> ControlFlow<()>,
    ) -> Result<Option<Acceptability>> {
        let Some((tally, scale)) = run(self, portfolio, threads, progress)? else {
            return Ok(None);
        };
        Ok(Some(results::report(
            self,
            portfolio,
            &tally,
            width(self, portfolio),
            scale,
        )))
    }
}

/// How many ranks each candidate's distribution counts one by one.
fn width(criteria: &Criteria, portfolio: &Portfolio) -> usize {
    criteria.robustness.ranks.width(portfolio.len())
}

/// The samples of `portfolio` under `criteria`, on `threads` threads,
/// counted, with the whole number the sampled weights are scaled to;
/// `None` when `progress` stops the run.
///
/// # Errors
///
/// As [`Criteria::acceptability`].
fn run(
    criteria: &Criteria,
    portfolio: &Portfolio,
    threads: NonZeroUsize,
    progress: impl FnMut(Progress) -> ControlFlow<()>,
) -> Result<Option<(Tally, u64)>> {
    let robustness = &criteria.robustness;
    let build = || {
        let table = Table::new(criteria, portfolio)?;
        Ok((table, Sampler::new(robustness, &criteria.weights)))
    };
    progress::run_threads(
        build,
        robustness,
        width(criteria, portfolio),
        threads.get(),
        progress,
    )
}
