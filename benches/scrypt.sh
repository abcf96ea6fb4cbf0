#!/usr/bin/env bash
# Benchmark: what opening an age-encrypted seed costs at scrypt work factors 18 (what wzt
# writes: the reference, 1.00x), 20 and 22, to choose SCRYPT_MAX_WORK_FACTOR
# (src/keys/encryption.rs). For each factor: wall time and peak memory of decrypting the seed
# with the age crate as wzt does but with no cap (`bench_tool age-open`), with the right and
# with a wrong passphrase (what each guess costs), and what `wzt keys show` does with it as a
# stored key (opens it, or refuses it over the cap, in how long).
# Usage: bash benches/scrypt.sh [RUNS]   (PROFILE=dev for the debug build: the age and scrypt
# crates are dependencies, built at opt-level 2 there, 3 in release)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
profile=${PROFILE:-release}
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
command -v bc >/dev/null || { apt-get update -qq && apt-get install -y -qq bc; }
cargo build --profile "$profile" --quiet
cargo build --profile "$profile" --quiet --example bench_tool
out_dir=$([ "$profile" = dev ] && echo debug || echo "$profile")
wzt=target/$out_dir/wzt
tool=target/$out_dir/examples/bench_tool
dir=target/bench/scrypt
rm -rf "$dir" && mkdir -p "$dir/keys" && chmod 700 "$dir" "$dir/keys"
export WZT_KEYS_DIR="$dir/keys"

# `time -f "%e %M"` of a command: seconds and peak KiB on the last line of its stderr.
measure() { { /usr/bin/time -f "%e %M" "$@" >/dev/null 2>"$dir/err"; } 2>&1 || true; tail -1 "$dir/err"; }

echo "uptime: $(uptime)"
echo "| factor | scrypt memory | open: mean s | vs 18 | wrong passphrase: mean s | peak RSS | wzt keys show |"
echo "|---|---|---|---|---|---|---|"
base=""
for factor in 18 20 22; do
  file="$dir/keys/k$factor.nk"
  "$tool" age-seed "$factor" right "$file"
  chmod 600 "$file"
  total=0; wrong_total=0; peak=0
  for _ in $(seq "$runs"); do
    read -r secs kib < <(measure "$tool" age-open "$file" right)
    total=$(echo "$total + $secs" | bc -l)
    [ "$kib" -gt "$peak" ] && peak=$kib
    read -r secs _ < <(measure "$tool" age-open "$file" wrong)
    wrong_total=$(echo "$wrong_total + $secs" | bc -l)
  done
  mean=$(echo "scale=2; $total / $runs" | bc -l)
  wrong=$(echo "scale=2; $wrong_total / $runs" | bc -l)
  [ -z "$base" ] && base=$mean
  ratio=$(echo "scale=2; $mean / $base" | bc -l)
  read -r secs _ < <(WZT_KEY_PASSPHRASE=right measure "$wzt" keys show "k$factor" --json)
  if grep -q "over the" "$dir/err"; then wzt_says="refused in $secs s"; else wzt_says="opened in $secs s"; fi
  echo "| $factor | $((1 << (factor - 10))) MiB | $mean | ${ratio}x | $wrong | $((peak / 1024)) MiB | $wzt_says |"
done
