#!/usr/bin/env bash
# The main job end to end on a fresh machine, on embedded defaults (no server to set up, a
# throwaway key store and compile cache): build wzt and a fixture HTTP actor for wasm32-wasip2,
# create an account key, sign the actor granting exactly what it imports, inspect it, verify
# it, and run it in the embedded host to answer one request.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2
cargo build --release --quiet
cargo build --release --quiet --locked --target wasm32-wasip2 --target-dir target/fixtures \
  --manifest-path tests/fixtures/http-actor/Cargo.toml

wzt=target/release/wzt
demo=target/demo
rm -rf "$demo" && mkdir -p "$demo"
export WZT_KEYS_DIR="$demo/keys" XDG_CACHE_HOME="$demo/cache"

set -x
"$wzt" keys gen account
"$wzt" sign target/fixtures/wasm32-wasip2/release/http_actor.wasm --caps auto \
  --name hello --ver 0.1.0 --expires 30d -o "$demo/hello_s.wasm"
"$wzt" inspect "$demo/hello_s.wasm"
"$wzt" verify "$demo/hello_s.wasm"
"$wzt" run "$demo/hello_s.wasm" --request 'GET /'
