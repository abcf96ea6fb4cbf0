#!/usr/bin/env bash
# Benchmark: sign, inspect and verify a 50 MiB module with wzt, against wascap's embed/extract
# on the same file and the physical limit (`openssl dgst -sha256`, plus a copy for sign, and a
# `sync` of the copy since wzt fsyncs what it writes), all
# in one run; then peak memory of verify and sign on a 5 MiB and a 50 MiB module.
# Usage: bash benches/sign_verify.sh [MIB]   (results: target/bench/, summary on stdout)
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-50}

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2"; }; }
need hyperfine hyperfine
need openssl openssl
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }

cargo build --release --quiet
cargo build --release --quiet --example bench_tool
wzt=target/release/wzt
tool=target/release/examples/bench_tool
dir=target/bench
rm -rf "$dir" && mkdir -p "$dir"
export WZT_KEYS_DIR="$dir/keys"

"$tool" gen "$dir/big.wasm" "$mib"
"$tool" gen "$dir/small.wasm" $((mib / 10 > 0 ? mib / 10 : 1))
"$wzt" keys gen account >/dev/null
"$wzt" sign "$dir/big.wasm" -o "$dir/big_s.wasm" 2>/dev/null >/dev/null
"$wzt" sign "$dir/small.wasm" -o "$dir/small_s.wasm" 2>/dev/null >/dev/null
"$wzt" verify "$dir/big_s.wasm" >/dev/null

hyperfine -N --warmup 3 --runs 20 --export-json "$dir/sign.json" \
  -n "limit: sha256 + copy" "sh -c 'openssl dgst -sha256 $dir/big.wasm >/dev/null && cp $dir/big.wasm $dir/copy.wasm'" \
  -n "limit: sha256 + copy + sync" "sh -c 'openssl dgst -sha256 $dir/big.wasm >/dev/null && cp $dir/big.wasm $dir/copy.wasm && sync $dir/copy.wasm'" \
  -n "wzt sign" "$wzt sign $dir/big.wasm -o $dir/out.wasm" \
  -n "wascap embed_claims" "sh -c '$tool wascap-embed $dir/big.wasm $dir/out2.wasm 2>/dev/null'"
hyperfine -N --warmup 3 --runs 20 --export-json "$dir/verify.json" \
  -n "limit: sha256" "openssl dgst -sha256 $dir/big_s.wasm" \
  -n "wzt verify" "$wzt verify $dir/big_s.wasm" \
  -n "wzt inspect" "$wzt inspect $dir/big_s.wasm" \
  -n "wascap extract_claims + validate_token" "$tool wascap-extract $dir/big_s.wasm"

rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
{
  echo "wzt verify $(du -m "$dir/small_s.wasm" | cut -f1) MiB: $(rss "$wzt" verify "$dir/small_s.wasm") KiB"
  echo "wzt verify $(du -m "$dir/big_s.wasm" | cut -f1) MiB: $(rss "$wzt" verify "$dir/big_s.wasm") KiB"
  echo "wzt sign $(du -m "$dir/small.wasm" | cut -f1) MiB: $(rss "$wzt" sign "$dir/small.wasm" -o "$dir/o.wasm") KiB"
  echo "wzt sign $(du -m "$dir/big.wasm" | cut -f1) MiB: $(rss "$wzt" sign "$dir/big.wasm" -o "$dir/o.wasm") KiB"
  echo "wascap extract $(du -m "$dir/big_s.wasm" | cut -f1) MiB: $(rss "$tool" wascap-extract "$dir/big_s.wasm") KiB"
} > "$dir/memory.txt"

python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
def table(name, limit, ours):
    runs = {r["command"]: r for r in json.load(open(f"{d}/{name}.json"))["results"]}
    base = runs[limit]["mean"]
    print(f"\n| {name} | mean ± σ (ms) | vs limit | vs wascap |\n|---|---|---|---|")
    wascap = next(r["mean"] for c, r in runs.items() if c.startswith("wascap"))
    for c, r in runs.items():
        print(f"| {c} | {r['mean']*1e3:.1f} ± {r['stddev']*1e3:.1f} | {r['mean']/base:.2f}x | {r['mean']/wascap:.2f}x |")
table("sign", "limit: sha256 + copy + sync", "wzt sign")
table("verify", "limit: sha256", "wzt verify")
print("\nPeak RSS (max resident, /usr/bin/time -f %M):\n")
for line in open(f"{d}/memory.txt"):
    print(f"- {line.strip()}")
PY
