#!/usr/bin/env bash
# Benchmark: push and pull of a signed 50 MiB module to a local registry (Debian's
# docker-registry on 127.0.0.1) with wzt, against `skopeo copy` of the same artifact, in one run.
# Each measured push goes to a fresh, empty registry (so every blob is uploaded, by both tools);
# each measured pull starts with an empty wzt blob cache / an empty skopeo destination, and
# wzt's pull includes verifying the claims and writing the file (fsync, rename).
# Usage: bash benches/oci.sh [MIB] [RUNS]   (results: $CARGO_TARGET_DIR or target, in bench-oci/;
# summary on stdout)
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-50}
runs=${2:-10}

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2"; }; }
need docker-registry docker-registry
need skopeo skopeo

cargo build --release --quiet --locked
cargo build --release --quiet --locked --example bench_tool
target=$(realpath "${CARGO_TARGET_DIR:-target}")
wzt=$target/release/wzt
tool=$target/release/examples/bench_tool
dir=$target/bench-oci
rm -rf "$dir" && mkdir -p "$dir"
export WZT_KEYS_DIR="$dir/keys" DOCKER_CONFIG="$dir/docker"

"$tool" gen "$dir/big.wasm" "$mib"
"$wzt" keys gen account >/dev/null
"$wzt" sign "$dir/big.wasm" -o "$dir/big_s.wasm" --name big --ver 1.0.0 >/dev/null 2>&1

python3 - "$dir" "$wzt" "$runs" <<'PY'
import json, os, shutil, signal, socket, statistics, subprocess, sys, time, urllib.request

d, wzt, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
# skopeo's blob-info cache would let it mount a blob it pushed before instead of uploading it.
os.environ["XDG_DATA_HOME"] = f"{d}/xdg-data"
blob_info_caches = ["/var/lib/containers/cache/blob-info-cache-v1.boltdb",
                    f"{d}/xdg-data/containers/cache/blob-info-cache-v1.boltdb"]

class Registry:
    def __init__(self):
        s = socket.socket(); s.bind(("127.0.0.1", 0)); self.port = s.getsockname()[1]; s.close()
        self.root = f"{d}/registry"
        shutil.rmtree(self.root, ignore_errors=True); os.makedirs(self.root)
        conf = f"{self.root}/config.yml"
        with open(conf, "w") as f:
            f.write(f"version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
                    f"storage:\n  filesystem:\n    rootdirectory: {self.root}/storage\n"
                    f"http:\n  addr: 127.0.0.1:{self.port}\n")
        self.proc = subprocess.Popen(["docker-registry", "serve", conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/v2/", timeout=1); return
            except Exception:
                time.sleep(0.05)
        raise SystemExit("the registry did not start")
    def ref(self, repo): return f"127.0.0.1:{self.port}/{repo}"
    def stop(self):
        self.proc.send_signal(signal.SIGTERM); self.proc.wait()

def run(cmd, **kw):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t

def clear_skopeo_cache():
    for c in blob_info_caches:
        if os.path.exists(c): os.remove(c)

# An OCI layout of the artifact wzt pushes, for skopeo to push the very same bytes.
reg = Registry()
subprocess.run([wzt, "push", reg.ref("seed:1"), f"{d}/big_s.wasm"], check=True, stdout=subprocess.DEVNULL)
shutil.rmtree(f"{d}/layout", ignore_errors=True)
subprocess.run(["skopeo", "copy", "--src-tls-verify=false", f"docker://{reg.ref('seed:1')}",
                f"oci:{d}/layout:1"], check=True, stdout=subprocess.DEVNULL)
reg.stop()

times = {"push": {"wzt": [], "skopeo": []}, "pull": {"wzt": [], "skopeo": []}}
for i in range(runs + 1):  # the first round warms up and is not counted
    rec = i > 0
    reg = Registry()
    t = run([wzt, "push", reg.ref(f"w{i}:1"), f"{d}/big_s.wasm"])
    if rec: times["push"]["wzt"].append(t)
    reg.stop(); reg = Registry(); clear_skopeo_cache()
    t = run(["skopeo", "copy", "--dest-tls-verify=false", f"oci:{d}/layout:1", f"docker://{reg.ref(f's{i}:1')}"])
    if rec: times["push"]["skopeo"].append(t)
    # Both pull the same artifact, pushed here untimed.
    run([wzt, "push", reg.ref("p:1"), f"{d}/big_s.wasm"])
    shutil.rmtree(f"{d}/cache", ignore_errors=True)
    out = f"{d}/pulled.wasm"
    if os.path.exists(out): os.remove(out)
    t = run([wzt, "pull", reg.ref("p:1"), "-o", out], env={**os.environ, "XDG_CACHE_HOME": f"{d}/cache"})
    if rec: times["pull"]["wzt"].append(t)
    shutil.rmtree(f"{d}/skopeo-out", ignore_errors=True); clear_skopeo_cache()
    t = run(["skopeo", "copy", "--src-tls-verify=false", f"docker://{reg.ref('p:1')}", f"oci:{d}/skopeo-out:1"])
    if rec: times["pull"]["skopeo"].append(t)
    reg.stop()

json.dump(times, open(f"{d}/times.json", "w"), indent=1)
print(f"\n{runs} runs each, {os.path.getsize(f'{d}/big_s.wasm') / 2**20:.1f} MiB signed module\n")
print("| direction | wzt median (ms) | skopeo median (ms) | wzt / skopeo |\n|---|---|---|---|")
for direction, t in times.items():
    w, s = statistics.median(t["wzt"]), statistics.median(t["skopeo"])
    print(f"| {direction} | {w*1e3:.0f} (min {min(t['wzt'])*1e3:.0f}) | {s*1e3:.0f} (min {min(t['skopeo'])*1e3:.0f}) | {w/s:.2f}x |")
PY
