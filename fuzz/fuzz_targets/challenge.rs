//! A registry's WWW-Authenticate challenge: raw text, and rendered parameters parsed
//! back.
//! The logic and its properties are in `wzt::fuzzing::challenge`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wzt::fuzzing::challenge(data));
