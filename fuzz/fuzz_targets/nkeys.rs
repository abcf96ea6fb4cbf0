//! Seeds, public keys and role names.
//! The logic and its properties are in `wzt::fuzzing::nkeys`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wzt::fuzzing::nkeys(data));
