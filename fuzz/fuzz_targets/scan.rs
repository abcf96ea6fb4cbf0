//! The section scanner and the module hash, on arbitrary bytes.
//! The logic and its properties are in `wzt::fuzzing::scan`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wzt::fuzzing::scan(data));
