//! examine → evaluate → admit → sign → verify on generated modules and components.
//! The logic and its properties are in `wzt::fuzzing::pipeline`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wzt::fuzzing::pipeline(data));
