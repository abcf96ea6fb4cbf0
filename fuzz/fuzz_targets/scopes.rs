//! Scope values, `--scope` flags, a token's `scopes` member and trace lines.
//! The logic and its properties are in `wzt::fuzzing::scopes`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wzt::fuzzing::scopes(data));
