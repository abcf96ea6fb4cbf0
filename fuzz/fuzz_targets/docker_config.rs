//! The docker config file's credentials lookup: raw bytes, and generated files whose
//! secrets must never be echoed.
//! The logic and its properties are in `wzt::fuzzing::docker_config`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wzt::fuzzing::docker_config(data));
