#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS each (default 620), one at a time, and keeps each
# log in fuzz/logs/TARGET.log (FUZZING.md reads its numbers from there).
# Needs cargo-fuzz and a nightly toolchain (`cargo +nightly fuzz`), or RUSTC_BOOTSTRAP=1 with
# stable: TOOLCHAIN=stable RUSTC_BOOTSTRAP=1 fuzz/campaign.sh. FUZZ_ARGS adds libFuzzer
# options, e.g. FUZZ_ARGS=-len_control=0 to try long inputs from the start.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-620}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(scan token pipeline policy nkeys challenge docker_config lattice scopes provenance)
toolchain=${TOOLCHAIN:-nightly}
mkdir -p fuzz/logs
cargo "+$toolchain" fuzz build -O
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  echo "== $target: $seconds s ($(date -u +%FT%TZ))"
  cargo "+$toolchain" fuzz run -O "$target" "fuzz/corpus/$target" "fuzz/corpus-seed/$target" -- \
    -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 ${FUZZ_ARGS:-} \
    >"fuzz/logs/$target.log" 2>&1 || echo "== $target stopped: see fuzz/logs/$target.log"
  grep -E "DONE|stat::|SUMMARY|panicked" "fuzz/logs/$target.log" || true
done
