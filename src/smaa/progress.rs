//! Running the pieces of samples over threads, telling the caller how far
//! the run is and letting it stop the run.
//!
//! Every thread, the caller's among them, claims the next piece of samples
//! until none is left. A piece is a chunk (see [`CHUNK`]) or, when each
//! sample takes as many draws, a slice of one that skips the draws before
//! it; so a sample's weights depend on its index alone, and adding counts
//! is exact in any order: the result is the same however the pieces fall
//! to the threads. Small pieces keep the threads busy to the same end.
//!
//! The other threads are not waited for as such: the caller's thread waits
//! only for the pieces they claimed. A thread that starts late, on a busy
//! machine, finds nothing left and ends on its own, holding the run's data
//! until then. Between samples the caller's thread hands the caller a
//! [`Progress`]; while it waits for the other threads it does so every few
//! milliseconds.

use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::sampling::Sampler;
use super::tally::{CHUNK, Table, Tally, Watch};
use crate::error::Result;
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

/// About how many candidate totals a piece of samples makes, when pieces
/// may be smaller than a chunk: a few microseconds of work, so that the
/// threads end within that of each other.
const PIECE_TOTALS: u64 = 1600;

/// A run, as every thread sees it.
struct Job {
    table: Table,
    sampler: Sampler,
    robustness: Robustness,
    width: usize,
    /// Samples per piece: a divisor of [`CHUNK`].
    size: u64,
    /// How many pieces there are.
    pieces: u64,
    /// The next piece to claim.
    next: AtomicU64,
    /// Samples counted.
    done: AtomicU64,
    /// Set when the caller says stop.
    stop: AtomicBool,
    /// What the other threads hand back, and the signal that they have.
    handed: Mutex<Vec<Handed>>,
    arrived: Condvar,
}

/// What another thread hands back: what it counted and the pieces it
/// counted, or, when it failed, `None` and every piece it claimed.
struct Handed {
    tally: Option<Tally>,
    pieces: Vec<u64>,
}

impl Job {
    /// The next piece, if any is left.
    fn claim(&self) -> Option<u64> {
        Some(self.next.fetch_add(1, Ordering::Relaxed)).filter(|&piece| piece < self.pieces)
    }

    /// Counts `pieces`, telling `watch`.
    fn run(
        &self,
        pieces: impl Iterator<Item = u64>,
        watch: &mut dyn Watch,
    ) -> (Tally, Vec<u64>, ControlFlow<()>) {
        (self.table).run_all(
            &self.sampler,
            &self.robustness,
            self.width,
            self.size,
            pieces,
            watch,
        )
    }

    fn handed(&self) -> MutexGuard<'_, Vec<Handed>> {
        // Nothing is left half done under the lock.
        self.handed.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn hand_back(&self, handed: Handed) {
        self.handed().push(handed);
        self.arrived.notify_one();
    }
}

impl Watch for &Job {
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
    job: &'a Job,
    progress: F,
}

impl<F: FnMut(Progress) -> ControlFlow<()>> Caller<'_, F> {
    /// Tells the caller how far the run is; stops every thread when it
    /// says so.
    fn report(&mut self) -> ControlFlow<()> {
        let samples = self.job.robustness.samples;
        let done = self.job.done.load(Ordering::Relaxed).min(samples);
        let flow = (self.progress)(Progress { done, samples });
        if flow.is_break() || self.job.stop.load(Ordering::Relaxed) {
            self.job.stop.store(true, Ordering::Relaxed);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }
}

impl<F: FnMut(Progress) -> ControlFlow<()>> Watch for Caller<'_, F> {
    fn samples_done(&mut self, samples: u64) -> ControlFlow<()> {
        self.job.done.fetch_add(samples, Ordering::Relaxed);
        self.report()
    }
}

/// Another thread's claims: handed back as failed if the thread unwinds
/// before it hands back what it counted.
struct Claims {
    job: Arc<Job>,
    claimed: Vec<u64>,
    handed: bool,
}

impl Drop for Claims {
    fn drop(&mut self) {
        if !self.handed && !self.claimed.is_empty() {
            self.job.hand_back(Handed {
                tally: None,
                pieces: std::mem::take(&mut self.claimed),
            });
        }
    }
}

/// Another thread: claims pieces until none is left, and hands back what
/// it counted.
fn help(job: &Arc<Job>) {
    let mut claims = Claims {
        job: Arc::clone(job),
        claimed: Vec::new(),
        handed: false,
    };
    let mut watch = &**job;
    let claimed = &mut claims.claimed;
    let pieces = std::iter::from_fn(|| {
        let piece = job.claim()?;
        claimed.push(piece);
        Some(piece)
    });
    let (tally, pieces, flow) = job.run(pieces, &mut watch);
    // Stopped, the caller waits for nothing.
    if flow.is_continue() && !pieces.is_empty() {
        job.hand_back(Handed {
            tally: Some(tally),
            pieces,
        });
    }
    claims.handed = true;
}

/// Where threads started before the run's data is made find it: `None`
/// when it could not be.
type Slot = OnceLock<Option<Arc<Job>>>;

/// Leaves `None` in the slot if it is dropped with the slot still empty,
/// so that no thread waits for ever.
struct Publish(Arc<Slot>);

impl Drop for Publish {
    fn drop(&mut self) {
        let _ = self.0.set(None);
    }
}

/// How long a helper thread waits for more work once its work is done.
const KEEP: Duration = Duration::from_secs(1);

/// The helper threads of every run: kept [`KEEP`] after their work, so
/// that a run soon after another finds one waiting rather than starting
/// one (about 16 µs, against the 250 µs two threads take for 1,000
/// samples of 100 candidates). A thread that waits longer ends.
static KEPT: Kept = Kept::new(KEEP);

/// Work for the helper threads.
type Work = Box<dyn FnOnce() + Send>;

/// Threads waiting for work, and work waiting for a thread.
struct Kept {
    /// How long a thread waits for more work: [`KEEP`].
    keep: Duration,
    state: Mutex<KeptState>,
    /// Told when work is left for a waiting thread.
    arrived: Condvar,
}

struct KeptState {
    /// How many threads wait for work.
    waiting: usize,
    /// Work given to waiting threads, not yet taken.
    work: VecDeque<Work>,
}

impl Kept {
    const fn new(keep: Duration) -> Self {
        Kept {
            keep,
            state: Mutex::new(KeptState {
                waiting: 0,
                work: VecDeque::new(),
            }),
            arrived: Condvar::new(),
        }
    }

    /// Runs `work` on a waiting thread, or on a new one when none waits.
    ///
    /// # Errors
    ///
    /// The thread could not be started; `work` is dropped.
    fn run(&'static self, work: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
        let mut state = self.lock();
        if state.waiting > state.work.len() {
            state.work.push_back(Box::new(work));
            drop(state);
            self.arrived.notify_one();
            return Ok(());
        }
        drop(state);
        std::thread::Builder::new()
            .spawn(move || {
                work();
                self.serve();
            })
            .map(drop)
    }

    /// Runs the work left for this thread until none comes for `keep`.
    fn serve(&self) {
        let mut state = self.lock();
        loop {
            if let Some(work) = state.work.pop_front() {
                drop(state);
                work();
                state = self.lock();
                continue;
            }
            state.waiting += 1;
            let (next, waited) = (self.arrived.wait_timeout(state, self.keep))
                .unwrap_or_else(PoisonError::into_inner);
            state = next;
            state.waiting -= 1;
            // Work left while it woke is taken all the same.
            if waited.timed_out() && state.work.is_empty() {
                return;
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, KeptState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Every sample of `robustness` over the table and sampler `build` makes,
/// cut among `threads` threads, counted into one tally, with the whole
/// number the sampled weights are scaled to; `None` when `progress` says
/// stop before the end.
///
/// The other threads are asked for before `build` runs, a kept one or a
/// new one ([`KEPT`]): starting a thread takes about as long as making
/// the table of 100 candidates, so they are ready when it is.
///
/// # Errors
///
/// What `build` gives.
pub(super) fn run_threads(
    build: impl FnOnce() -> Result<(Table, Sampler)>,
    robustness: &Robustness,
    width: usize,
    threads: usize,
    progress: impl FnMut(Progress) -> ControlFlow<()>,
) -> Result<Option<(Tally, u64)>> {
    let total = robustness.samples;
    let helpers = u64::try_from(threads)
        .unwrap_or(u64::MAX)
        .min(total.div_ceil(CHUNK))
        .saturating_sub(1);
    let slot: Arc<Slot> = Arc::new(OnceLock::new());
    let publish = Publish(Arc::clone(&slot));
    for _ in 0..helpers {
        let slot = Arc::clone(&slot);
        // A thread that cannot start leaves its pieces to the others.
        let _ = KEPT.run(move || {
            if let Some(job) = slot.wait() {
                help(job);
            }
        });
    }
    let (table, sampler) = build()?;
    // One thread draws whole chunks; more cut them smaller when they can.
    let size = match (threads, sampler.draws_per_sample()) {
        (2.., Some(_)) => {
            let n = table.len().max(1) as u64;
            PIECE_TOTALS.div_ceil(n).next_power_of_two().min(CHUNK)
        }
        _ => CHUNK,
    };
    let pieces = total.div_ceil(size);
    let scale = table.scale();
    let job = Arc::new(Job {
        table,
        sampler,
        robustness: robustness.clone(),
        width,
        size,
        pieces,
        next: AtomicU64::new(0),
        done: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        handed: Mutex::new(Vec::new()),
        arrived: Condvar::new(),
    });
    let _ = slot.set(Some(Arc::clone(&job)));
    drop(publish);
    Ok(count(&job, progress).map(|tally| (tally, scale)))
}

/// Counts the pieces of `job` on the caller's thread with those the other
/// threads hand back; `None` when `progress` says stop.
fn count(job: &Job, progress: impl FnMut(Progress) -> ControlFlow<()>) -> Option<Tally> {
    let (total, pieces) = (job.robustness.samples, job.pieces);
    let mut caller = Caller { job, progress };
    let claim = std::iter::from_fn(|| job.claim());
    let (mut tally, mine, flow) = job.run(claim, &mut caller);
    if flow.is_break() {
        return None;
    }
    let mut missing = wait_for_helpers(&mut caller, &mut tally, pieces - mine.len() as u64)?;
    // The pieces of threads that failed.
    missing.sort_unstable();
    if !missing.is_empty() {
        let (part, _, flow) = job.run(missing.into_iter(), &mut caller);
        if flow.is_break() {
            return None;
        }
        tally.add(&part);
    }
    // The end, whatever the caller says now.
    let _ = (caller.progress)(Progress {
        done: total,
        samples: total,
    });
    Some(tally)
}

/// Waits until the other threads hand back the `theirs` pieces they
/// claimed, adding what they counted to `tally` and telling the caller
/// every few milliseconds: the pieces of threads that failed, or `None`
/// when the caller says stop.
fn wait_for_helpers<F: FnMut(Progress) -> ControlFlow<()>>(
    caller: &mut Caller<'_, F>,
    tally: &mut Tally,
    theirs: u64,
) -> Option<Vec<u64>> {
    let job = caller.job;
    let mut accounted = 0;
    let mut missing = Vec::new();
    while accounted < theirs {
        let mut handed = job.handed();
        if handed.is_empty() {
            handed = (job.arrived.wait_timeout(handed, WAITING))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        let arrived = std::mem::take(&mut *handed);
        drop(handed);
        for Handed {
            tally: part,
            pieces,
        } in arrived
        {
            accounted += pieces.len() as u64;
            match part {
                Some(part) => tally.add(&part),
                None => missing.extend(pieces),
            }
        }
        if accounted < theirs && caller.report().is_break() {
            return None;
        }
    }
    Some(missing)
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::sync::{Arc, Barrier};

    use super::*;

    /// Threads of their own, which no other test takes, kept for `keep`.
    fn kept(keep: Duration) -> &'static Kept {
        Box::leak(Box::new(Kept::new(keep)))
    }

    /// Longer than any test: a thread ends only when the test says.
    const LONG: Duration = Duration::from_secs(600);

    /// Waits until `kept` has `n` threads waiting.
    fn until_waiting(kept: &Kept, n: usize) {
        for _ in 0..5_000 {
            if kept.lock().waiting == n {
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(kept.lock().waiting, n, "threads never waited");
    }

    /// The thread `kept` runs a work on.
    fn thread_of(kept: &'static Kept) -> Option<std::thread::ThreadId> {
        let (send, receive) = mpsc::channel();
        kept.run(move || send.send(std::thread::current().id()).unwrap_or(()))
            .unwrap_or(());
        receive.recv_timeout(Duration::from_secs(5)).ok()
    }

    #[test]
    fn a_thread_kept_after_its_work_takes_the_next() {
        let kept = kept(LONG);
        let first = thread_of(kept);
        until_waiting(kept, 1);
        let second = thread_of(kept);
        assert!(first.is_some());
        assert_eq!(first, second);
        assert_ne!(first, Some(std::thread::current().id()));
    }

    #[test]
    fn a_kept_thread_ends_when_no_work_comes() {
        let kept = kept(Duration::from_millis(300));
        let first = thread_of(kept);
        until_waiting(kept, 1);
        until_waiting(kept, 0);
        // It ended: the next work gets a thread of its own.
        let second = thread_of(kept);
        assert!(first.is_some() && second.is_some());
        assert_ne!(first, second);
    }

    #[test]
    fn with_no_thread_waiting_each_work_gets_a_thread_of_its_own() {
        // Eight works that all wait for each other end only if each has a
        // thread at once.
        let kept = kept(LONG);
        // One waits already: it takes the first work, the rest start.
        kept.run(|| ()).unwrap_or(());
        until_waiting(kept, 1);
        let all = Arc::new(Barrier::new(9));
        let (send, receive) = mpsc::channel();
        for _ in 0..8 {
            let (all, send) = (Arc::clone(&all), send.clone());
            kept.run(move || {
                all.wait();
                send.send(()).unwrap_or(());
            })
            .unwrap_or(());
        }
        all.wait();
        for _ in 0..8 {
            assert!(receive.recv_timeout(Duration::from_secs(5)).is_ok());
        }
        // Each of the eight then waits for more.
        until_waiting(kept, 8);
    }
}
