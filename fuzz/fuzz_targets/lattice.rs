//! The lattice's token check: raw tokens, and generated endorsements and invocations
//! against an oracle of the rules.
//! The logic and its properties are in `wzt::fuzzing::lattice`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wzt::fuzzing::lattice(data));
