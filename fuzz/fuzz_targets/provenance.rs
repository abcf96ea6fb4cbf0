//! DSSE envelopes, in-toto statements and the provenance check.
//! The logic and its properties are in `wzt::fuzzing::provenance`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wzt::fuzzing::provenance(data));
