//! SCRATCH (issue 11, phase 1; to be deleted): exact integer keys against
//! today's 1e-9 grid keys, at 1M candidates.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::too_many_lines,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    missing_docs
)]

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

    // SMAA's per-sample kernel: seven weighted columns summed per
    // candidate, f64 as today against u32 units times u32 weights in u64.
    let mut group = c.benchmark_group("smaa kernel n=100k");
    let m = 100_000;
    group.throughput(Throughput::Elements(m as u64));
    let mut rng = generate::SplitMix64::new(9);
    let units: [Vec<u32>; 7] =
        std::array::from_fn(|_| (0..m).map(|_| (rng.next() % 901) as u32).collect());
    let scores: [Vec<f64>; 7] =
        std::array::from_fn(|j| units[j].iter().map(|&u| f64::from(u) / 900.0).collect());
    let wf = [0.1, 0.2, 0.05, 0.15, 0.2, 0.1, 0.2];
    let wi: [u32; 7] = wf.map(|w| (w * f64::from(1u32 << 24)) as u32);
    group.bench_function("totals_f64", |b| {
        let mut out = vec![0.0f64; m];
        b.iter(|| {
            let [w0, w1, w2, w3, w4, w5, w6] = black_box(wf);
            let [c0, c1, c2, c3, c4, c5, c6] = &scores;
            let cols = c0.iter().zip(c1).zip(c2).zip(c3).zip(c4).zip(c5).zip(c6);
            for (t, ((((((s0, s1), s2), s3), s4), s5), s6)) in out.iter_mut().zip(cols) {
                *t = w0 * s0 + w1 * s1 + w2 * s2 + w3 * s3 + w4 * s4 + w5 * s5 + w6 * s6;
            }
            out[m / 2]
        });
    });
    group.bench_function("totals_u32xu32_u64", |b| {
        let mut out = vec![0u64; m];
        b.iter(|| {
            let [w0, w1, w2, w3, w4, w5, w6] = black_box(wi).map(u64::from);
            let [c0, c1, c2, c3, c4, c5, c6] = &units;
            let cols = c0.iter().zip(c1).zip(c2).zip(c3).zip(c4).zip(c5).zip(c6);
            for (t, ((((((s0, s1), s2), s3), s4), s5), s6)) in out.iter_mut().zip(cols) {
                *t = w0 * u64::from(*s0)
                    + w1 * u64::from(*s1)
                    + w2 * u64::from(*s2)
                    + w3 * u64::from(*s3)
                    + w4 * u64::from(*s4)
                    + w5 * u64::from(*s5)
                    + w6 * u64::from(*s6);
            }
            out[m / 2]
        });
    });
    group.finish();
}

criterion_group!(exact, benches);
criterion_main!(exact);
