#!/usr/bin/env bash
# The main job end to end on a fresh machine, on embedded defaults (no server to set up, a
# throwaway key store and compile cache): build wzt, check the environment, create an actor from
# a template, build and sign it through its wzt.toml (`--generate-keys`: the demo's throwaway
# store has no account key, and unattended wzt only makes one when asked), inspect and verify it,
# and serve it in the embedded host to answer one request.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2
# The debug build (dependencies optimized, see Cargo.toml): what `cargo test` already built, so
# CI does not build everything a second time; `cargo install --path .` makes the release one.
cargo build --quiet

wzt="$PWD/target/debug/wzt"
demo="$PWD/target/demo"
rm -rf "$demo" && mkdir -p "$demo"
export WZT_KEYS_DIR="$demo/keys" XDG_CACHE_HOME="$demo/cache"
unset CARGO_TARGET_DIR

set -x
cd "$demo"
"$wzt" new hello --template http-hello
cd hello
"$wzt" doctor
"$wzt" build --generate-keys    # build command of wzt.toml, sign, verify
"$wzt" inspect                  # the signed artifact of the project here
"$wzt" verify
"$wzt" run --request 'GET /'
