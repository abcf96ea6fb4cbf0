#!/usr/bin/env bash
# Benchmark: `wzt run` against `wasmtime serve` (wasmtime-cli 48 from crates.io) serving the same
# HTTP component, driven by the same load generator (wrk) in one run; then cold start to first
# response of `wzt run --request` with and without the compile cache.
# Usage: bash benches/run_http.sh [SECONDS] [CONNECTIONS]   (summary on stdout)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2"; }; }
need wrk wrk
need hyperfine hyperfine
need curl curl
tools=target/bench-tools
[ -x "$tools/bin/wasmtime" ] || cargo install --locked --quiet wasmtime-cli@48.0.8 --root "$tools"
wasmtime="$tools/bin/wasmtime"

rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2
cargo build --release --quiet
cargo build --release --quiet --locked --target wasm32-wasip2 --target-dir target/fixtures \
  --manifest-path tests/fixtures/http-actor/Cargo.toml
wzt=target/release/wzt
dir=target/bench-run
rm -rf "$dir" && mkdir -p "$dir"
export WZT_KEYS_DIR="$dir/keys" XDG_CACHE_HOME="$dir/cache"
actor="$dir/actor_s.wasm"
"$wzt" keys gen account >/dev/null
"$wzt" sign target/fixtures/wasm32-wasip2/release/http_actor.wasm --caps http -o "$actor" >/dev/null 2>&1

wait_ready() {
  for _ in $(seq 1 500); do
    curl -fsS -o /dev/null "http://$1/" 2>/dev/null && return 0
    sleep 0.02
  done
  echo "server on $1 did not come up" >&2
  return 1
}

load() { # name addr
  wrk -t1 -c"$conns" -d"${secs}s" --latency "http://$2/" > "$dir/$1.wrk"
  local rps p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$dir/$1.wrk")
  p99=$(awk '$1 == "99%" {print $2}' "$dir/$1.wrk")
  echo "$1 $rps $p99" >> "$dir/results"
}

"$wzt" run "$actor" --listen 127.0.0.1:18080 --max-concurrent "$conns" 2> "$dir/wzt.log" &
wzt_pid=$!
wait_ready 127.0.0.1:18080
curl -fsS http://127.0.0.1:18080/ >/dev/null
load "wzt-run" 127.0.0.1:18080
kill -INT "$wzt_pid"; wait "$wzt_pid" || true

"$wasmtime" serve -S cli --addr 127.0.0.1:18081 "$actor" 2> "$dir/wasmtime.log" &
wt_pid=$!
wait_ready 127.0.0.1:18081
load "wasmtime-serve" 127.0.0.1:18081
kill -INT "$wt_pid"; wait "$wt_pid" || true

hyperfine -N --warmup 2 --runs 20 --export-json "$dir/cold.json" \
  -n "wzt run --request (compile cache)" "$wzt run $actor --request /" \
  -n "wzt run --request --no-cache" "$wzt run $actor --request / --no-cache" > "$dir/cold.txt"

python3 - "$dir" "$secs" "$conns" <<'PY'
import json, sys
d, secs, conns = sys.argv[1:4]
rows = [l.split() for l in open(f"{d}/results")]
ref = float(next(r for r in rows if r[0] == "wasmtime-serve")[1])
print(f"\n| server ({conns} connections, {secs} s, wrk) | requests/s | vs wasmtime serve | p99 latency |\n|---|---|---|---|")
for name, rps, p99 in rows:
    print(f"| {name} | {float(rps):.0f} | {float(rps)/ref:.2f}x | {p99} |")
runs = json.load(open(f"{d}/cold.json"))["results"]
base = runs[0]["mean"]
print("\n| cold start to first response | mean ± σ (ms) | vs cached |\n|---|---|---|")
for r in runs:
    print(f"| {r['command']} | {r['mean']*1e3:.1f} ± {r['stddev']*1e3:.1f} | {r['mean']/base:.2f}x |")
PY
