#!/usr/bin/env bash
# Benchmark: the cost of `--console` on serving. `wzt run` serves the same actor without a
# console, with one, and with one and an open page (an event-stream reader), in alternating
# rounds of the same run (so load from elsewhere hits all three alike), driven by wrk.
# Two actors: http-actor (`/`: no capability call, one request event each) and kv-actor
# (`/incr`: a key-value open and increment and a log line, four events each, --mock-caps).
# Usage: bash benches/console.sh [SECONDS] [ROUNDS] [CONNECTIONS]
#   e.g. bash benches/console.sh 10 3 32        (summary on stdout)
# WZT_BENCH_PROFILE=dev measures the debug build (target/debug/wzt) instead of a release one;
# WZT_BIN=PATH measures that prebuilt binary (nothing of wzt is built).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
rounds=${2:-3}
conns=${3:-32}

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2"; }; }
need wrk wrk
need curl curl

rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2
if [ -n "${WZT_BIN:-}" ]; then
  wzt=$(realpath "$WZT_BIN")
elif [ "${WZT_BENCH_PROFILE:-release}" = dev ]; then
  cargo build --quiet
  wzt=target/debug/wzt
else
  cargo build --release --quiet
  wzt=target/release/wzt
fi
for fixture in http-actor kv-actor; do
  cargo build --release --quiet --locked --target wasm32-wasip2 --target-dir target/fixtures \
    --manifest-path "tests/fixtures/$fixture/Cargo.toml"
done
dir=target/bench-console
rm -rf "$dir" && mkdir -p "$dir"
export WZT_KEYS_DIR="$dir/keys" XDG_CACHE_HOME="$dir/cache"
"$wzt" keys gen account >/dev/null
"$wzt" sign target/fixtures/wasm32-wasip2/release/http_actor.wasm --caps http -o "$dir/http_s.wasm" >/dev/null 2>&1
"$wzt" sign target/fixtures/wasm32-wasip2/release/kv_actor.wasm --caps http,kv,log -o "$dir/kv_s.wasm" >/dev/null 2>&1

# Servers and readers this script started are stopped however it ends.
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

wait_ready() {
  for _ in $(seq 1 500); do
    curl -sS -o /dev/null "http://$1/" 2>/dev/null && return 0
    sleep 0.02
  done
  echo "server on $1 did not come up" >&2
  return 1
}

# measure ACTOR PATH MODE ROUND: one server, one wrk run; MODE is off, on or page.
measure() {
  local actor=$1 path=$2 mode=$3 round=$4 flags=() reader=
  [ "$actor" = kv ] && flags+=(--mock-caps)
  [ "$mode" != off ] && flags+=(--console --console-listen 127.0.0.1:18190)
  "$wzt" run "$dir/${actor}_s.wasm" --listen 127.0.0.1:18180 "${flags[@]}" 2> "$dir/wzt.log" &
  local pid=$!
  wait_ready 127.0.0.1:18180
  if [ "$mode" = page ]; then
    # What the page does: exchange the token for the cookie, then read the event stream.
    local url token api
    url=$(grep -o 'http://127.0.0.1:18190/#token=[A-Za-z0-9_-]*' "$dir/wzt.log")
    token=${url##*#token=}
    api=$(curl -fsS -X POST -H "Authorization: Bearer $token" http://127.0.0.1:18190/session | sed 's/.*"api":"\([^"]*\)".*/\1/')
    curl -sN -b "wzt_console=$token" "http://127.0.0.1:18190${api}api/events" > /dev/null &
    reader=$!
  fi
  wrk -t1 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:18180$path" > "$dir/$actor-$mode-$round.wrk"
  [ -n "$reader" ] && { kill "$reader" 2>/dev/null || true; }
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" || true
  local rps p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$dir/$actor-$mode-$round.wrk")
  p99=$(awk '$1 == "99%" {print $2}' "$dir/$actor-$mode-$round.wrk")
  echo "$actor $mode $round $rps $p99" >> "$dir/results"
}

for round in $(seq 1 "$rounds"); do
  for mode in off on page; do
    measure http / "$mode" "$round"
    measure kv "/incr?key=bench" "$mode" "$round"
  done
done

python3 - "$dir" <<'PY'
import sys, statistics
d = sys.argv[1]
rows = [l.split() for l in open(f"{d}/results")]
def med(actor, mode):
    return statistics.median(float(r[3]) for r in rows if r[0] == actor and r[1] == mode)
print("\n| actor | console | requests/s (median of rounds) | vs off | p99 per round |\n|---|---|---|---|---|")
for actor, label in (("http", "http-actor `/`"), ("kv", "kv-actor `/incr` (--mock-caps)")):
    for mode, text in (("off", "off"), ("on", "on, no page open"), ("page", "on, a page reading events")):
        p99 = ", ".join(r[4] for r in rows if r[0] == actor and r[1] == mode)
        print(f"| {label} | {text} | {med(actor, mode):.0f} | {med(actor, mode)/med(actor, 'off'):.3f}x | {p99} |")
PY
