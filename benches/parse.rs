//! Reading the criteria file and a 10k-candidate portfolio, next to toml's
//! own parse of the same text into a `toml::Table`.

#![allow(clippy::unwrap_used)]
#![allow(
    missing_docs,
    reason = "criterion_group! makes an undocumented function"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use spearhead::{Criteria, Portfolio, SHIPPED_CRITERIA};

#[path = "common/generate.rs"]
mod generate;

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(SHIPPED_CRITERIA.len() as u64));
    group.bench_function("criteria", |b| {
        b.iter(|| Criteria::from_toml(black_box(SHIPPED_CRITERIA)).unwrap());
    });
    group.bench_function("criteria_as_table", |b| {
        b.iter(|| black_box(SHIPPED_CRITERIA).parse::<toml::Table>().unwrap());
    });

    let portfolio = generate::portfolio_toml(10_000);
    group.throughput(Throughput::Bytes(portfolio.len() as u64));
    group.sample_size(20);
    group.bench_function("portfolio_10k", |b| {
        b.iter(|| Portfolio::from_toml(black_box(&portfolio)).unwrap());
    });
    group.bench_function("portfolio_10k_as_table", |b| {
        b.iter(|| black_box(&portfolio).parse::<toml::Table>().unwrap());
    });
    group.finish();
}

criterion_group!(parse, benches);
criterion_main!(parse);
