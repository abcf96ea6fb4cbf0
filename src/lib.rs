//! wzt: keys, signed claims, verification and a local host for zero-trust WebAssembly actors.
//!
//! The domain modules (`keys`, `claims`, `wasm`, `caps`, `policy`, `verify`, `sign`, `project`,
//! `devloop`, `doctor`, `host`, `console`, `registry`) never print or exit; `cli` is the command-line front end built on them
//! and the only place that prints. docs/design.md is the map.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod caps;
pub mod claims;
#[cfg(feature = "runtime")]
pub mod cli;
#[cfg(feature = "runtime")]
pub mod console;
#[cfg(feature = "runtime")]
pub mod devloop;
#[cfg(feature = "runtime")]
pub mod doctor;
pub mod fsutil;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;
#[cfg(feature = "runtime")]
pub mod host;
pub mod keys;
/// Without the runtime (the fuzz build), the tokens and their checks, not the NATS side.
pub mod lattice;
pub mod policy;
pub mod project;
pub mod provenance;
#[cfg(feature = "runtime")]
pub mod registry;
pub mod scopes;
/// Without the runtime (the fuzz build): the parsers of what a registry and the docker config
/// file say, not the client.
#[cfg(not(feature = "runtime"))]
pub mod registry {
    pub mod auth;
    pub mod challenge;
}
pub mod sign;
pub mod text;
pub mod time;
pub mod verify;
pub mod wasm;
