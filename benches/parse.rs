//! Reading the criteria file and a 10k-candidate portfolio, next to toml's
//! own parse of the same text into a `toml::Table`; and the generated
//! 1M-candidate portfolio (about 231 MB), next to `toml_parser`'s lexer
//! alone over the same text, the floor of reading from the TOML events; and
//! the same candidates as a CSV table (about 80 MB).

#![allow(clippy::unwrap_used)]
#![allow(
    missing_docs,
    reason = "criterion_group! makes an undocumented function"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use spearhead::{Criteria, Limits, Portfolio, SHIPPED_CRITERIA};

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

    let mut group = c.benchmark_group("parse");
    let portfolio = generate::portfolio_toml(1_000_000);
    let unlimited = Limits::default()
        .with_max_bytes(usize::MAX)
        .with_max_candidates(usize::MAX);
    group.throughput(Throughput::Bytes(portfolio.len() as u64));
    group.sample_size(10);
    group.bench_function("portfolio_1m", |b| {
        b.iter(|| {
            unlimited
                .read_portfolio(black_box(portfolio.as_bytes()))
                .unwrap()
        });
    });
    group.bench_function("portfolio_1m_lex", |b| {
        b.iter(|| {
            toml_parser::Source::new(black_box(&portfolio))
                .lex()
                .count()
        });
    });
    // The same candidates as a CSV table.
    let table = generate::portfolio_csv(1_000_000);
    group.throughput(Throughput::Bytes(table.len() as u64));
    group.bench_function("portfolio_1m_csv", |b| {
        b.iter(|| {
            unlimited
                .read_portfolio_csv(black_box(table.as_bytes()))
                .unwrap()
        });
    });
    group.finish();
}

criterion_group!(parse, benches);
criterion_main!(parse);
