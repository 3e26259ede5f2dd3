//! SCRATCH (issue 11, phase 1; to be deleted): exact integer keys against
//! today's 1e-9 grid keys, at 1M candidates.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use spearhead::Criteria;

#[path = "common/generate.rs"]
mod generate;

fn benches(c: &mut Criterion) {
    let criteria = Criteria::default();
    let n = 1_000_000;
    let portfolio = generate::portfolio(n);
    // The same order: the shipped criteria and whole months tie alike.
    let today = criteria.rank_indices(&portfolio);
    let exact = criteria.scratch_exact_rank_indices(&portfolio);
    assert_eq!(today, exact);
    // How much a filtered route's exact fallback would see: candidates
    // whose f64 total is within 1e-12 of a neighbour's in the ranking.
    let totals: Vec<f64> = today
        .iter()
        .map(|&i| criteria.assess(&portfolio.candidates()[i].evidence).total)
        .collect();
    let near = (0..n)
        .filter(|&i| {
            (i > 0 && (totals[i - 1] - totals[i]).abs() < 1e-12)
                || (i + 1 < n && (totals[i] - totals[i + 1]).abs() < 1e-12)
        })
        .count();
    let mut distinct = totals.clone();
    distinct.dedup_by(|a, b| (*a - *b).abs() < 1e-12);
    eprintln!(
        "{near} of {n} candidates within 1e-12 of a neighbour; {} distinct totals",
        distinct.len()
    );
    let mut group = c.benchmark_group("exact n=1M");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(10);
    group.bench_function("assess_best_total_f64", |b| {
        b.iter(|| {
            let criteria = black_box(&criteria);
            let mut best = f64::NEG_INFINITY;
            for candidate in black_box(&portfolio).candidates() {
                best = best.max(criteria.assess(&candidate.evidence).total);
            }
            best
        });
    });
    group.bench_function("exact_best_numerator_u64", |b| {
        b.iter(|| black_box(&criteria).scratch_exact_best(black_box(&portfolio)));
    });
    group.bench_function("rank_indices_grid_today", |b| {
        b.iter(|| black_box(&criteria).rank_indices(black_box(&portfolio)));
    });
    group.bench_function("rank_indices_exact_u64", |b| {
        b.iter(|| black_box(&criteria).scratch_exact_rank_indices(black_box(&portfolio)));
    });
    // What a u128 key would cost to sort, against a u64 one: the same
    // keys, widened.
    let mut rng = generate::SplitMix64::new(7);
    let keys64: Vec<u64> = (0..n).map(|_| rng.next() >> 20).collect();
    let keys128: Vec<u128> = keys64.iter().map(|&k| u128::from(k) << 64 | 5).collect();
    group.bench_function("sort_u64_keys", |b| {
        b.iter_batched_ref(
            || keys64.clone(),
            |k| k.sort_unstable(),
            BatchSize::LargeInput,
        );
    });
    group.bench_function("sort_u128_keys", |b| {
        b.iter_batched_ref(
            || keys128.clone(),
            |k| k.sort_unstable(),
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group!(exact, benches);
criterion_main!(exact);
