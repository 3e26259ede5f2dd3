//! Scoring, choosing the leaders, ranking and planning generated portfolios
//! of 10 to 1M candidates, next to the reference kernels their targets are
//! measured against (see BENCHMARKS.md).

// Benches may unwrap and index, as tests do.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
#![allow(
    missing_docs,
    reason = "criterion_group! makes an undocumented function"
)]

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{
    BatchSize, BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main,
};
use spearhead::{Criteria, JsonWriter, Plan, Portfolio, Ranked};

#[path = "common/generate.rs"]
mod generate;

const SIZES: [usize; 4] = [10, 1_000, 100_000, 1_000_000];

/// Seven f64 per candidate, one row each, from the generated portfolio's
/// scores: the reference kernel's input.
fn score_rows(criteria: &Criteria, portfolio: &Portfolio) -> Vec<[f64; 7]> {
    portfolio
        .candidates()
        .iter()
        .map(|candidate| {
            let scores = criteria.assess(&candidate.evidence).scores;
            std::array::from_fn(|i| scores[spearhead::Criterion::ALL[i]])
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let criteria = Criteria::default();
    for n in SIZES {
        let portfolio = generate::portfolio(n);
        let rows = score_rows(&criteria, &portfolio);
        let totals: Vec<f64> = portfolio
            .candidates()
            .iter()
            .map(|candidate| criteria.assess(&candidate.evidence).total)
            .collect();
        let mut rng = generate::SplitMix64::new(generate::SEED);
        let random: Vec<f64> = (0..n).map(|_| (rng.next() >> 11) as f64).collect();

        let mut group = c.benchmark_group(format!("n={n}"));
        group.throughput(Throughput::Elements(n as u64));
        if n >= 100_000 {
            group.sample_size(10);
        }

        // The memory limit: read seven f64 per candidate, sum them, keep the best.
        group.bench_function("sum7", |b| {
            b.iter(|| {
                let mut best = f64::NEG_INFINITY;
                for row in black_box(&rows) {
                    let total: f64 = row.iter().sum();
                    best = best.max(total);
                }
                best
            });
        });
        // Every candidate's assessment through the public API, which walks
        // the candidates themselves, and nothing else.
        group.bench_function("assess", |b| {
            b.iter(|| {
                let criteria = black_box(&criteria);
                let mut best = f64::NEG_INFINITY;
                for candidate in black_box(&portfolio).candidates() {
                    best = best.max(criteria.assess(&candidate.evidence).total);
                }
                best
            });
        });
        // Score + leaders: one pass, a heap of `leaders`; never sorts all N.
        group.bench_function("leaders", |b| {
            b.iter(|| {
                black_box(&criteria)
                    .choose_leaders(black_box(&portfolio))
                    .unwrap()
            });
        });
        // The same under `per_unit`, `per_sponsor` and a training capacity:
        // the first dive decides the leaders from the first few kept.
        if n == 100_000 {
            let constrained = generate::constrained_portfolio(n);
            let under: Criteria = generate::CONSTRAINTS.parse().unwrap();
            group.bench_function("leaders_unconstrained_same_portfolio", |b| {
                b.iter(|| {
                    black_box(&criteria)
                        .choose_leaders(black_box(&constrained))
                        .unwrap()
                });
            });
            group.bench_function("leaders_constrained", |b| {
                b.iter(|| {
                    black_box(&under)
                        .choose_leaders(black_box(&constrained))
                        .unwrap()
                });
            });
        }
        // The floor for the full ranking: sorting N f64 alone, on a copy.
        for (name, values) in [("sort_f64_totals", &totals), ("sort_f64_random", &random)] {
            group.bench_function(name, |b| {
                b.iter_batched_ref(
                    || values.clone(),
                    |values| values.sort_unstable_by(f64::total_cmp),
                    BatchSize::LargeInput,
                );
            });
        }
        // The floor for any ranking: writing N fresh `Ranked`s, 72 bytes
        // each, to a new vector, as `rank` must return.
        let first = Ranked {
            candidate: &portfolio.candidates()[0],
            assessment: criteria.assess(&portfolio.candidates()[0].evidence),
        };
        group.bench_function("write_ranking", |b| {
            b.iter(|| vec![black_box(first); n]);
        });
        group.bench_function("rank", |b| {
            b.iter(|| black_box(&criteria).rank(black_box(&portfolio)));
        });
        // The full ranking as indices: the order alone, 8 bytes a candidate.
        group.bench_function("rank_indices", |b| {
            b.iter(|| black_box(&criteria).rank_indices(black_box(&portfolio)));
        });
        group.bench_function("plan", |b| {
            b.iter(|| black_box(&criteria).plan(black_box(&portfolio)).unwrap());
        });
        let plan = criteria.plan(&portfolio).unwrap();
        json(&mut group, &plan);
        group.finish();
    }
}

/// The plan as compact JSON, as the rank example writes it to a pipe:
/// through `serde_json`, and through the library's own writer, which gives
/// the same bytes.
fn json(group: &mut BenchmarkGroup<'_, WallTime>, plan: &Plan<'_>) {
    // Through a buffer, here one kept between runs, so that the
    // formatting is timed and not the growth of a fresh vector.
    let mut json = Vec::new();
    group.bench_function("plan_json", |b| {
        b.iter(|| {
            json.clear();
            serde_json::to_writer(&mut json, black_box(plan)).unwrap();
        });
    });
    // One writer a run, as the example makes one for its output.
    let mut text = String::new();
    group.bench_function("plan_json_writer", |b| {
        b.iter(|| {
            text.clear();
            JsonWriter::new().plan(&mut text, black_box(plan));
        });
    });
    assert_eq!(text.as_bytes(), json.as_slice());
}

criterion_group!(rank, benches);
criterion_main!(rank);
