//! Running the chunks of samples over threads, telling the caller how far
//! the run is and letting it stop the run.
//!
//! Every thread, the caller's among them, claims the next chunk until none
//! is left. A chunk's counts depend on its index alone, and adding counts is
//! exact in any order, so the result is the same however the chunks fall to
//! the threads. Between samples the caller's thread hands the caller a
//! [`Progress`]; while it waits for the other threads it does so every few
//! milliseconds.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{Scope, ScopedJoinHandle, Thread};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::sampling::Sampler;
use super::tally::{CHUNK, Table, Tally, Watch};
use crate::robustness::Robustness;

/// How far a run of [`Criteria::acceptability_with`] is: `done` of its
/// `samples` weight vectors are counted.
///
/// [`Criteria::acceptability_with`]: crate::Criteria::acceptability_with
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Progress {
    /// Samples counted so far.
    pub done: u64,
    /// Samples the run draws in all, [`Robustness::samples`].
    pub samples: u64,
}

impl Progress {
    /// The share done, in `[0, 1]`.
    #[must_use]
    pub fn fraction(self) -> f64 {
        self.done as f64 / self.samples.max(1) as f64
    }
}

/// How often the caller hears while it waits for the other threads.
const WAITING: Duration = Duration::from_millis(20);

/// What the threads of a run share.
struct Shared {
    /// The next chunk to claim.
    next: AtomicU64,
    /// Samples counted.
    done: AtomicU64,
    /// Set when the caller says stop.
    stop: AtomicBool,
}

impl Watch for &Shared {
    fn samples_done(&mut self, samples: u64) -> ControlFlow<()> {
        self.done.fetch_add(samples, Ordering::Relaxed);
        if self.stop.load(Ordering::Relaxed) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

/// The caller's thread: counts, then asks the caller.
struct Caller<'a, F> {
    shared: &'a Shared,
    samples: u64,
    progress: F,
}

impl<F: FnMut(Progress) -> ControlFlow<()>> Caller<'_, F> {
    /// Tells the caller how far the run is; stops every thread when it
    /// says so.
    fn report(&mut self) -> ControlFlow<()> {
        let done = self.shared.done.load(Ordering::Relaxed).min(self.samples);
        let flow = (self.progress)(Progress {
            done,
            samples: self.samples,
        });
        if flow.is_break() || self.shared.stop.load(Ordering::Relaxed) {
            self.shared.stop.store(true, Ordering::Relaxed);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }
}

impl<F: FnMut(Progress) -> ControlFlow<()>> Watch for Caller<'_, F> {
    fn samples_done(&mut self, samples: u64) -> ControlFlow<()> {
        self.shared.done.fetch_add(samples, Ordering::Relaxed);
        self.report()
    }
}

/// Every chunk of samples, cut among `threads` threads, counted into one
/// tally; `None` when `progress` says stop before the end.
pub(super) fn run_threads(
    table: &Table,
    sampler: &Sampler,
    robustness: &Robustness,
    width: usize,
    threads: usize,
    progress: impl FnMut(Progress) -> ControlFlow<()>,
) -> Option<Tally> {
    let chunks = robustness.samples.div_ceil(CHUNK);
    let threads = u64::try_from(threads)
        .unwrap_or(u64::MAX)
        .min(chunks)
        .max(1);
    let shared = Shared {
        next: AtomicU64::new(0),
        done: AtomicU64::new(0),
        stop: AtomicBool::new(false),
    };
    let mut caller = Caller {
        shared: &shared,
        samples: robustness.samples,
        progress,
    };
    let mut tally = Tally::new(table.len(), width);
    let mut done = Vec::new();
    // Woken by each thread as it ends, so as not to wait out `WAITING`.
    let waiting = std::thread::current();
    let job = Job {
        table,
        sampler,
        robustness,
        width,
        shared: &shared,
    };
    let flow = std::thread::scope(|scope| {
        let handles = spawn_helpers(scope, threads - 1, job, &waiting);
        let (part, mine, mut flow) =
            table.run_claimed(sampler, robustness, width, &shared.next, &mut caller);
        tally.add(&part);
        done.extend(mine);
        while flow.is_continue() && handles.iter().any(|h| !h.is_finished()) {
            std::thread::park_timeout(WAITING);
            flow = caller.report();
        }
        join_helpers(handles, &mut tally, &mut done);
        flow
    });
    if flow.is_break() || shared.stop.load(Ordering::Relaxed) {
        return None;
    }
    if run_missing(job, chunks, done, &mut caller, &mut tally).is_break() {
        return None;
    }
    // The end, whatever the caller says now.
    let _ = (caller.progress)(Progress {
        done: robustness.samples,
        samples: robustness.samples,
    });
    Some(tally)
}

/// What each thread of [`run_threads`] counts, and the state they share.
#[derive(Clone, Copy)]
struct Job<'a> {
    table: &'a Table,
    sampler: &'a Sampler,
    robustness: &'a Robustness,
    width: usize,
    shared: &'a Shared,
}

/// A thread's tally, the chunks it counted, and whether it was told to stop.
type Counted = (Tally, Vec<u64>, ControlFlow<()>);

/// Starts `count` threads in `scope`, each claiming chunks of `job` until
/// none is left, then waking `waiting`.
fn spawn_helpers<'scope, 'env>(
    scope: &'scope Scope<'scope, 'env>,
    count: u64,
    job: Job<'env>,
    waiting: &Thread,
) -> Vec<ScopedJoinHandle<'scope, Counted>> {
    (0..count)
        .filter_map(|_| {
            let waiting = waiting.clone();
            let work = move || {
                let mut watch = job.shared;
                let counted = job.table.run_claimed(
                    job.sampler,
                    job.robustness,
                    job.width,
                    &job.shared.next,
                    &mut watch,
                );
                waiting.unpark();
                counted
            };
            // A thread that cannot start leaves its chunks to the others.
            std::thread::Builder::new().spawn_scoped(scope, work).ok()
        })
        .collect()
}

/// Adds each thread's tally to `tally` and its chunks to `done`.
fn join_helpers(
    handles: Vec<ScopedJoinHandle<'_, Counted>>,
    tally: &mut Tally,
    done: &mut Vec<u64>,
) {
    for handle in handles {
        // A thread that failed leaves its chunks undone: run below.
        if let Ok((part, theirs, _)) = handle.join() {
            tally.add(&part);
            done.extend(theirs);
        }
    }
}

/// Counts into `tally` the chunks of the `chunks` not in `done`: those of
/// threads that failed or could not start.
fn run_missing(
    job: Job<'_>,
    chunks: u64,
    mut done: Vec<u64>,
    watch: &mut dyn Watch,
    tally: &mut Tally,
) -> ControlFlow<()> {
    done.sort_unstable();
    let missing = (0..chunks).filter(|chunk| done.binary_search(chunk).is_err());
    let (part, _, flow) =
        (job.table).run_all(job.sampler, job.robustness, job.width, missing, watch);
    tally.add(&part);
    flow
}
