#!/usr/bin/env bash
# A/B of two wzt binaries (before and after a change) serving the same HTTP component, in one
# run with the rounds alternating: `wzt run --listen` loaded by wrk, then cold start to the first
# response of `wzt run --request` with the compile cache warm.
# Usage: bash benches/ab_serving.sh WZT_A WZT_B [SECONDS] [ROUNDS] [CONNECTIONS] [STARTS]
#   e.g. bash benches/ab_serving.sh /tmp/wzt-before target/release/wzt 8 3 32 20
# Prints one line per measure: A, B and B/A (medians of the rounds).
set -euo pipefail
a=$(realpath "$1")
b=$(realpath "$2")
secs=${3:-8}
rounds=${4:-3}
conns=${5:-32}
starts=${6:-20}
cd "$(dirname "$0")/.."

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2
cargo build --release --quiet --locked --target wasm32-wasip2 --target-dir target/fixtures \
  --manifest-path tests/fixtures/http-actor/Cargo.toml
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export WZT_KEYS_DIR="$dir/keys" XDG_CACHE_HOME="$dir/cache" XDG_CONFIG_HOME="$dir/config"
"$a" keys gen account >/dev/null 2>&1
"$a" sign target/fixtures/wasm32-wasip2/release/http_actor.wasm --caps http \
  -o "$dir/actor_s.wasm" >/dev/null 2>&1

port=$((20000 + RANDOM % 20000))
serve() { # label binary: one wrk run against a fresh server, "rps p99_ms" appended
  "$2" run "$dir/actor_s.wasm" --listen "127.0.0.1:$port" >/dev/null 2>"$dir/$1.err" &
  local pid=$!
  for _ in $(seq 1 500); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break
    sleep 0.02
  done
  wrk -t1 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$port/" > "$dir/$1.wrk"
  kill -INT "$pid"
  wait "$pid" || true
  awk '/^Requests\/sec/ {rps=$2} $1 == "99%" {p=$2; if (p ~ /us$/) {sub(/us$/, "", p); p/=1000} else if (p ~ /ms$/) {sub(/ms$/, "", p)} else if (p ~ /s$/) {sub(/s$/, "", p); p*=1000}} END {print rps, p}' \
    "$dir/$1.wrk" >> "$dir/serve-$1"
}
cold() { # label binary: one `run --request`, its milliseconds appended
  local t0 t1
  t0=$(date +%s%N)
  "$2" run "$dir/actor_s.wasm" --request 'GET /' >/dev/null 2>&1
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 )) | awk '{print $1 / 1000}' >> "$dir/cold-$1"
}

# Warm the compile cache for both, then alternate.
cold A "$a"; cold B "$b"; rm -f "$dir/cold-A" "$dir/cold-B"
for _ in $(seq 1 "$rounds"); do
  serve A "$a"
  serve B "$b"
done
for _ in $(seq 1 "$starts"); do
  cold A "$a"
  cold B "$b"
done

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
rps_a=$(cut -d' ' -f1 "$dir/serve-A" | median)
rps_b=$(cut -d' ' -f1 "$dir/serve-B" | median)
p99_a=$(cut -d' ' -f2 "$dir/serve-A" | median)
p99_b=$(cut -d' ' -f2 "$dir/serve-B" | median)
cold_a=$(median < "$dir/cold-A")
cold_b=$(median < "$dir/cold-B")
echo "rounds: A $(tr '\n' ';' < "$dir/serve-A") B $(tr '\n' ';' < "$dir/serve-B")"
awk -v a="$rps_a" -v b="$rps_b" -v pa="$p99_a" -v pb="$p99_b" -v c="$conns" \
  'BEGIN {printf "serve (c%s): A %.0f req/s p99 %.2f ms, B %.0f req/s p99 %.2f ms, B/A %.3f\n", c, a, pa, b, pb, b / a}'
awk -v a="$cold_a" -v b="$cold_b" -v n="$starts" \
  'BEGIN {printf "cold start (cache warm, median of %s): A %.1f ms, B %.1f ms, B/A %.3f\n", n, a, b, b / a}'
