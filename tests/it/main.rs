//! The one integration test binary: a module per concern.

// Tests may unwrap and index: a panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::float_cmp
)]

mod alloc;
mod api;
mod cli;
mod counterfactual;
mod csv_input;
mod errors;
mod fixtures;
mod halves;
mod hostile;
mod invisible;
mod json;
mod laws;
mod memory;
mod plan;
mod report;
mod roundtrip;
mod scoring;
mod smaa;
mod stability;
mod support;
mod tidy;
mod ties;
mod waves;
