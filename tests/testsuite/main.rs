//! The integration tests, in one binary: every file here is a module of one test crate, so the
//! library (and wasmtime with it) is linked into one test executable instead of one per file.
//! Run one area with a filter, e.g. `cargo test --test testsuite keys::`.

mod common;
mod console;
mod generated;
mod habits;
mod hardening;
mod hostile;
mod hostile_files;
mod interop;
mod keys;
mod lattice;
mod lattice_prod;
mod newcomer;
mod oci;
mod oci_hostile;
mod provenance;
mod providers;
mod readme;
mod run;
mod scopes;
mod scopes_hostile;
mod sign;
mod templates;
mod terminal;
mod trust;
