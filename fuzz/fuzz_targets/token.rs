//! Token parsing and the signature check: raw text, and signed claims altered.
//! The logic and its properties are in `wzt::fuzzing::token`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wzt::fuzzing::token(data));
