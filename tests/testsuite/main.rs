//! The integration tests, in one binary: every file here is a module of one test crate, so the
//! library (and wasmtime with it) is linked into one test executable instead of one per file.
//! Run one area with a filter, e.g. `cargo test --test testsuite keys::`.

mod common;
mod console;
mod generated;
mod habits;
mod hardening;
mod hostile;
mod interop;
mod keys;
mod lattice;
mod oci;
mod oci_hostile;
mod providers;
mod readme;
mod run;
mod sign;
mod templates;
