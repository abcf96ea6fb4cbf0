//! Shared helpers for the integration tests: an isolated key store and working directory per
//! test, the built `wzt` binary, and fixture artifacts built from WebAssembly text.
#![allow(dead_code)] // Each test file uses a different subset.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

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
        let mut cmd = Command::cargo_bin("wzt").expect("wzt binary");
        cmd.current_dir(self.work())
            .env("WZT_KEYS_DIR", self.keys_dir())
            .env_remove("WZT_ISSUER_SEED")
            .env_remove("WZT_SUBJECT_SEED")
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

pub fn exists(p: &Path) -> bool {
    p.exists()
}
