#!/usr/bin/env bash
# Benchmark: request/reply across two processes on loopback through one nats-server (-js), in
# one run: (1) raw NATS request/reply between two plain async-nats processes; (2) the same
# through wzt::lattice, every request and reply signed and checked (endorsement, signature,
# subject, digest, times, lattice-wide replay claim in JetStream) but no actor; (3) a real
# `wzt run` host answering with the msg-actor fixture (a wasm instance per message), asked by
# the same signed client. N requests, INFLIGHT at once; throughput and p50/p99 latency. The
# last line sums up the wzt run host against raw NATS:
#   lattice: signed X req/s, raw Y req/s, ratio R, p99 P ms
# Usage: bash benches/lattice.sh [N] [INFLIGHT]   (PROFILE=debug to use a dev build; results:
# $CARGO_TARGET_DIR or target, in bench-lattice/; summary on stdout)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
inflight=${2:-8}
profile=${PROFILE:-release}

command -v nats-server >/dev/null || { apt-get update -qq && apt-get install -y -qq nats-server; }

flag=(--release)
[ "$profile" = debug ] && flag=()
cargo build "${flag[@]}" --quiet --locked
cargo build "${flag[@]}" --quiet --locked --example bench_tool
target=$(realpath "${CARGO_TARGET_DIR:-target}")
wzt=$target/$profile/wzt
tool=$target/$profile/examples/bench_tool
dir=$target/bench-lattice
rm -rf "$dir" && mkdir -p "$dir"
export WZT_KEYS_DIR="$dir/keys" XDG_CACHE_HOME="$dir/cache"

cargo build --release --quiet --locked --target wasm32-wasip2 --target-dir "$dir/fixtures" \
  --manifest-path tests/fixtures/msg-actor/Cargo.toml
"$wzt" keys gen account >/dev/null
"$wzt" keys gen cluster >/dev/null
"$wzt" sign "$dir/fixtures/wasm32-wasip2/release/msg_actor.wasm" --caps msg \
  -o "$dir/greeter_s.wasm" >/dev/null 2>&1

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=nats://127.0.0.1:$port
nats-server -a 127.0.0.1 -p "$port" -js -sd "$dir/js" >"$dir/nats.log" 2>&1 &
nats=$!
pids=("$nats")
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done

# Starts a responder, waits until it says it is ready (a line matching $1 in its log), runs
# the client, stops the responder.
run() {
  local name=$1 ready=$2 client=$3; shift 3
  "$@" >"$dir/$name.out" 2>"$dir/$name.err" &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 600); do grep -q "$ready" "$dir/$name.out" "$dir/$name.err" 2>/dev/null && break; sleep 0.1; done
  # A warm-up round, then the measured one.
  $client 200 >/dev/null
  $client "$n" >"$dir/$name.json"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
raw_client() { "$tool" nats-bench "$url" greet "$1" "$inflight"; }
lattice_client() { "$tool" lattice-bench "$url" greet "$1" "$inflight" "$WZT_KEYS_DIR"; }

run raw ready raw_client "$tool" nats-echo "$url" greet
run signed ready lattice_client "$tool" lattice-echo "$url" greet "$WZT_KEYS_DIR"
run host '"lattice"' lattice_client "$wzt" run "$dir/greeter_s.wasm" --json --lattice "$url" --subscribe greet

python3 - "$dir" "$n" "$inflight" "$profile" <<'PY'
import json, sys
d, n, inflight, profile = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rows = [("raw NATS request/reply (async-nats ↔ async-nats)", "raw"),
        ("signed and checked, no actor (wzt::lattice ↔ wzt::lattice)", "signed"),
        ("signed and checked, wzt run host with a wasm handler", "host")]
res = {k: json.load(open(f"{d}/{k}.json")) for _, k in rows}
base = res["raw"]["per_second"]
print(f"{n} requests, {inflight} in flight, {profile} build")
print("| path | round trips/s | vs raw | p50 (ms) | p99 (ms) | errors |")
print("|---|---|---|---|---|---|")
for label, k in rows:
    r = res[k]
    print(f"| {label} | {r['per_second']:.0f} | {r['per_second']/base:.2f}x | "
          f"{r['p50_us']/1000:.2f} | {r['p99_us']/1000:.2f} | {r['errors']} |")
host = res["host"]
print(f"lattice: signed {host['per_second']:.0f} req/s, raw {base:.0f} req/s, "
      f"ratio {host['per_second']/base:.2f}, p99 {host['p99_us']/1000:.2f} ms")
PY
