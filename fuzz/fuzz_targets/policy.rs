//! The policy file and wzt.toml parsers, and the durations and times in them.
//! The logic and its properties are in `wzt::fuzzing::policy`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wzt::fuzzing::policy(data));
