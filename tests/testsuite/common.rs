//! Shared helpers for the integration tests: an isolated key store and working directory per
//! test, the built `wzt` binary, and fixture artifacts built from WebAssembly text.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

pub mod browser;
mod nats;
pub mod pty;
mod registry;
mod server;
pub use nats::{Nats, TestCa};
pub use registry::Registry;
pub use server::Server;

/// A temporary key store and working directory.
pub struct Env {
    pub root: TempDir,
}

impl Env {
    pub fn new() -> Env {
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(root.path().join("work")).unwrap();
        Env { root }
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.root.path().join("keys")
    }

    pub fn work(&self) -> PathBuf {
        self.root.path().join("work")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.work().join(name)
    }

    /// `wzt` running in the work directory with this env's key store and nothing inherited
    /// that would change its behaviour.
    pub fn wzt(&self) -> Command {
        Command::from_std(self.command())
    }

    /// The same as [`Env::wzt`], as a plain `std` command, for a process that keeps running
    /// (see [`Server`]).
    pub fn command(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("wzt"));
        cmd.current_dir(self.work())
            .env("WZT_KEYS_DIR", self.keys_dir())
            .env("XDG_CACHE_HOME", self.root.path().join("cache"))
            .env("XDG_CONFIG_HOME", self.root.path().join("config"))
            .env_remove("WZT_POLICY")
            .env("DOCKER_CONFIG", self.root.path().join("docker"))
            .env_remove("WZT_ISSUER_SEED")
            .env_remove("WZT_SUBJECT_SEED")
            .env_remove("WASH_ISSUER_KEY")
            .env_remove("WASH_SUBJECT_KEY")
            .env_remove("CI")
            .env_remove("NO_COLOR");
        cmd
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap()
    }

    /// Runs `wzt` with `args` and returns its stdout parsed as JSON, asserting exit `code`.
    pub fn json(&self, args: &[&str], code: i32) -> serde_json::Value {
        let out = self.wzt().args(args).arg("--json").output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "wzt {args:?}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
    }

    /// Public key of a stored key.
    pub fn public_key(&self, name: &str) -> String {
        self.json(&["keys", "show", name], 0)["public_key"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

/// A core module importing WASI preview 1 (stdout and a filesystem call), with code, data and
/// an unrelated custom section.
pub fn core_module() -> Vec<u8> {
    wat::parse_str(
        r#"(module
            (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "path_open"
                (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 16) "hello, data segment")
            (func (export "_start") (drop (i32.add (i32.const 40) (i32.const 2))))
            (@custom "producers-note" "kept as is")
        )"#,
    )
    .expect("valid wat")
}

/// A component exporting an HTTP handler and importing key-value and I/O interfaces.
pub fn http_component() -> Vec<u8> {
    wat::parse_str(
        r#"(component
            (import "wasi:io/streams@0.2.0" (instance))
            (import "wasi:http/types@0.2.0" (instance))
            (import "wasi:keyvalue/store@0.2.0-draft" (instance))
            (core module $m (func (export "handle")) (@custom "inner" "x"))
            (core instance $i (instantiate $m))
            (instance $h)
            (export "wasi:http/incoming-handler@0.2.0" (instance $h))
        )"#,
    )
    .expect("valid wat")
}

/// A component with a nested core module, importing nothing that needs a grant.
pub fn plain_component() -> Vec<u8> {
    wat::parse_str(
        r#"(component
            (core module $m (memory 1) (func (export "f")))
            (core instance $i (instantiate $m))
        )"#,
    )
    .expect("valid wat")
}

/// Generates the store's `account` key through the CLI and loads it.
pub fn store_account(env: &Env) -> wzt::keys::Key {
    env.wzt()
        .args(["keys", "gen", "account"])
        .assert()
        .success();
    wzt::keys::read_seed_file(&env.keys_dir().join("account.nk")).unwrap()
}

/// The module hash of `bytes` as wzt computes it.
pub fn module_hash(bytes: &[u8]) -> String {
    let mut cursor = std::io::Cursor::new(bytes);
    let layout = wzt::wasm::Layout::scan(&mut cursor, bytes.len() as u64).unwrap();
    layout.module_hash(&mut cursor).unwrap()
}

/// Claims for `bytes` issued by `issuer` about a fresh module key, valid now.
pub fn claims_for(bytes: &[u8], issuer: &wzt::keys::Key) -> wzt::claims::Claims {
    let subject = wzt::keys::Key::generate(wzt::keys::KeyRole::Module);
    wzt::claims::Claims {
        expires: None,
        id: wzt::claims::new_token_id(),
        issued_at: wzt::time::now() - 60,
        issuer: issuer.public_key().to_string(),
        subject: subject.public_key().to_string(),
        not_before: None,
        metadata: wzt::claims::ActorMetadata {
            name: Some("forged".into()),
            module_hash: module_hash(bytes),
            caps: Some(vec!["wasmcloud:httpserver".into()]),
            ver: Some("1.0.0".into()),
            ..Default::default()
        },
        wascap_revision: Some(wzt::claims::WASCAP_REVISION),
    }
}

/// The OCI digest (`sha256:…`) of `bytes`.
pub fn layer_digest(bytes: &[u8]) -> String {
    wzt::registry::Digest::of(bytes).to_string()
}

/// `bytes` with a `wasmcloud_jwt` section holding `token` appended.
pub fn with_token(bytes: &[u8], token: &str) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out.extend(wzt::wasm::signature_section(token));
    out
}

/// The number of signature sections, at any depth, in `bytes`.
pub fn signature_sections(bytes: &[u8]) -> usize {
    let mut cursor = std::io::Cursor::new(bytes);
    wzt::wasm::Layout::scan(&mut cursor, bytes.len() as u64)
        .unwrap()
        .signatures
        .len()
}

/// Builds a fixture crate under `tests/fixtures/NAME` for `target` (once per test process; cargo
/// itself serialises builds across processes) and returns the artifact's path.
pub fn fixture(name: &str, target: &str) -> PathBuf {
    use std::collections::BTreeSet;
    use std::sync::Mutex;
    static BUILT: Mutex<BTreeSet<(String, String)>> = Mutex::new(BTreeSet::new());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target_dir = root.join("target").join("fixtures");
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if built.insert((name.to_string(), target.to_string())) {
        let status = std::process::Command::new(env!("CARGO"))
            .args([
                "build",
                "--release",
                "--quiet",
                "--locked",
                "--target",
                target,
            ])
            .arg("--target-dir")
            .arg(&target_dir)
            .arg("--manifest-path")
            .arg(root.join("tests/fixtures").join(name).join("Cargo.toml"))
            .status()
            .expect("cargo runs");
        assert!(
            status.success(),
            "building fixture {name} for {target} failed"
        );
    }
    let artifact = if name == "hello-cli" {
        name.to_string()
    } else {
        name.replace('-', "_")
    };
    target_dir
        .join(target)
        .join("release")
        .join(format!("{artifact}.wasm"))
}

/// Signs fixture `name` built for `target` with the store's account key, granting `caps`, into
/// `output` (with `extra` arguments to `wzt sign`); returns `output`.
pub fn sign_fixture(
    env: &Env,
    name: &str,
    target: &str,
    caps: &str,
    output: &str,
    extra: &[&str],
) -> String {
    env.wzt()
        .arg("sign")
        .arg(fixture(name, target))
        .args(["--caps", caps, "-o", output])
        .args(extra)
        .assert()
        .success();
    output.to_string()
}

/// `wzt run ACTOR --request REQUEST EXTRA…`: exit code, stdout, stderr.
pub fn run_request(env: &Env, actor: &str, req: &str, extra: &[&str]) -> (i32, String, String) {
    let out = env
        .wzt()
        .args(["run", actor, "--request", req])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        stdout_of(&out),
        stderr_of(&out),
    )
}

pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts that `actual` matches the snapshot `expected` once each `(placeholder, value)` of
/// `redactions` has replaced its value in `actual` (keys, hashes, addresses that differ per
/// run). In `expected`, `[..]` matches any text within a line and a line `...` any lines.
/// Rewrite the snapshots from the current output with
/// `SNAPSHOTS=overwrite cargo test --test testsuite`, then review the diff.
#[track_caller]
pub fn assert_snapshot(
    actual: &str,
    expected: impl snapbox::IntoData,
    redactions: &[(&'static str, &str)],
) {
    let mut redact = snapbox::Redactions::new();
    for (placeholder, value) in redactions {
        redact.insert(placeholder, value.to_string()).unwrap();
    }
    snapbox::Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        // Output escapes control characters as `\u{1b}`: keep backslashes as they are.
        .normalize_paths(false)
        .redact_with(redact)
        .eq(actual.to_string(), expected);
}

/// A one-shot HTTP server on loopback answering `body`; returns its port.
pub fn local_server(body: &'static str) -> u16 {
    local_server_on("127.0.0.1:0", body)
}

/// [`local_server`] on `address` (`[::1]:0` for IPv6 loopback).
pub fn local_server_on(address: &str, body: &'static str) -> u16 {
    let listener = std::net::TcpListener::bind(address).unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while std::io::BufRead::read_line(&mut reader, &mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = std::io::Write::write_fmt(
                &mut stream,
                format_args!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                ),
            );
        }
    });
    port
}
