//! The one integration test binary: a module per concern.

mod errors;
mod laws;
mod plan;
mod scoring;
mod support;
mod tidy;
