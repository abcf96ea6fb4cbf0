//! `wzt new` and the templates: every template is generated, built for wasm32-wasip2, signed
//! through its wzt.toml, and run with `wzt run --request` (or as a command). Then `wzt dev`:
//! serve, change the source, see the reload; break it, see the last good version answer.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use snapbox::str;

use crate::common::{Env, Server, assert_snapshot, stderr_of, stdout_of};

/// `wzt new NAME --template T`, then `cargo build` in the project.
fn generate_and_build(env: &Env, name: &str, template: &str) -> std::path::PathBuf {
    let out = env
        .wzt()
        .args(["new", name, "--template", template])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out).lines().next().unwrap(),
        format!(
            "Created {name} from the {template} template: {}",
            wzt::project::template(template).unwrap().description
        )
    );
    let dir = env.path(name);
    let build = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--target", "wasm32-wasip2", "--release"])
        .current_dir(&dir)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .unwrap();
    assert!(build.success(), "building the {template} template");
    dir
}

fn in_project(env: &Env, dir: &Path) -> assert_cmd::Command {
    let mut cmd = env.wzt();
    cmd.current_dir(dir);
    cmd
}

#[test]
fn every_template_builds_signs_through_its_project_file_and_runs() {
    let env = Env::new();

    let dir = generate_and_build(&env, "hello-http", "http-hello");
    let out = in_project(&env, &dir)
        .args(["sign", "--json", "--generate-keys"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let signed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(signed[0]["name"], "hello-http");
    assert_eq!(signed[0]["ver"], "0.1.0");
    assert_eq!(signed[0]["rev"], 1);
    assert_eq!(
        signed[0]["caps"],
        serde_json::json!(["wasmcloud:httpserver"])
    );
    let actor = "target/wasm32-wasip2/release/hello_http_s.wasm";
    let out = in_project(&env, &dir)
        .args(["run", actor, "--request", "GET /there"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out),
        "Hello from hello-http! You asked for /there\n"
    );

    let dir = generate_and_build(&env, "counter", "kv-counter");
    in_project(&env, &dir).arg("sign").assert().success();
    let actor = "target/wasm32-wasip2/release/counter_s.wasm";
    for n in 1..=2 {
        let out = in_project(&env, &dir)
            .args(["run", actor, "--request", "GET /"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        assert_eq!(
            stdout_of(&out),
            format!("Hello from counter, visitor number {n}!\n")
        );
        assert!(stderr_of(&out).contains(&format!("[log] INFO counter counter: visit number {n}")));
    }
    let out = in_project(&env, &dir)
        .args(["run", actor, "--request", "GET /", "--mock-caps"])
        .output()
        .unwrap();
    assert_eq!(stdout_of(&out), "Hello from counter, visitor number 1!\n");

    let dir = generate_and_build(&env, "greeter", "command");
    in_project(&env, &dir).arg("sign").assert().success();
    let out = in_project(&env, &dir)
        .args([
            "run",
            "target/wasm32-wasip2/release/greeter_s.wasm",
            "--",
            "Ada",
            "Grace",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out),
        "Hello, Ada, from greeter!\nHello, Grace, from greeter!\n"
    );
}

#[test]
fn new_refuses_what_it_cannot_do_cleanly() {
    let env = Env::new();
    std::fs::create_dir(env.path("taken")).unwrap();
    std::fs::write(env.path("taken/keep.txt"), "mine").unwrap();
    let out = env
        .wzt()
        .args(["new", "taken", "-t", "command"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: taken exists and is not empty; choose a new directory\n"
    );
    assert_eq!(
        std::fs::read_to_string(env.path("taken/keep.txt")).unwrap(),
        "mine"
    );

    let out = env
        .wzt()
        .args(["new", "x", "-t", "rust-web"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains(
            "unknown template 'rust-web'; choose one of: http-hello, kv-counter, msg-greeter, msg-front, command"
        )
    );
    let out = env.wzt().args(["new", "Bad Name"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("cannot name a project"));

    // Without a terminal and without --template: http-hello.
    let out = env.wzt().args(["new", "plain"]).output().unwrap();
    assert!(out.status.success());
    assert_snapshot(
        &stdout_of(&out),
        str![[r#"
Created plain from the http-hello template: an HTTP actor that answers with a greeting (wasi:http)
Next: cd plain && wzt dev

"#]],
        &[],
    );
    assert!(env.path("plain/wzt.toml").exists());
    assert!(env.path("plain/src/lib.rs").exists());
    // `wzt sign` in a project whose artifact is not built says how to build it.
    let out = env
        .wzt()
        .current_dir(env.path("plain"))
        .arg("sign")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains(
            "does not exist; build it first: cargo build --target wasm32-wasip2 --release"
        )
    );
    // And outside a project, sign needs a file.
    let out = env.wzt().arg("sign").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("no FILE given and no wzt.toml"));
}

/// Polls until `f` returns true or `within` passes.
fn eventually(within: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn dev_reloads_on_change_and_keeps_the_last_good_version() {
    let env = Env::new();
    let dir = generate_and_build(&env, "devhello", "http-hello");
    let mut dev = env.command();
    dev.current_dir(&dir).env_remove("CARGO_TARGET_DIR").args([
        "dev",
        "--listen",
        "127.0.0.1:0",
        "--debounce",
        "200ms",
    ]);
    let server = Server::dev(dev);
    server.wait_for_line(Duration::from_secs(10), |l| {
        l.starts_with("wzt dev: serving devhello on http://")
    });
    let client = server.client();
    let body = |path: &str| {
        client
            .request("GET", path, "")
            .map(|r| r.body)
            .unwrap_or_default()
    };
    assert!(body("/one").contains("Hello from devhello! You asked for /one\n"));

    let source = dir.join("src/lib.rs");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(&source, text.replace("Hello from", "Howdy from")).unwrap();
    assert!(
        eventually(Duration::from_secs(120), || body("/two")
            .contains("Howdy from devhello! You asked for /two")),
        "no reload; log:\n{}",
        server.stderr()
    );

    std::fs::write(&source, format!("{}\nthis does not compile\n", text)).unwrap();
    server.wait_for_line(Duration::from_secs(120), |l| {
        l.contains("wzt dev: still running the last good version")
    });
    assert!(server.stderr().contains("error: expected"));
    assert!(body("/three").contains("Howdy from devhello! You asked for /three"));

    server.interrupt();
    let status = server.wait(Duration::from_secs(20));
    assert!(status.success());
}

#[test]
fn dev_logging_into_its_own_project_rebuilds_once_per_edit() {
    let env = Env::new();
    let dir = generate_and_build(&env, "devlog", "http-hello");
    // `wzt dev > dev.log 2>&1` inside the project: its own output must not look like an edit.
    let log_path = dir.join("dev.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut dev = env.command();
    dev.current_dir(&dir)
        .env_remove("CARGO_TARGET_DIR")
        .args([
            "dev",
            "--listen",
            "127.0.0.1:0",
            "--debounce",
            "200ms",
            "--json",
        ])
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log);
    let child = KillOnDrop(dev.spawn().unwrap());
    let log = || std::fs::read_to_string(&log_path).unwrap_or_default();
    let rebuilds = || log().matches("changed; rebuilding").count();
    assert!(
        eventually(Duration::from_secs(120), || log()
            .contains("wzt dev: serving devlog")),
        "never served:\n{}",
        log()
    );
    // Quiet: the lines it writes do not rebuild anything.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(rebuilds(), 0, "{}", log());

    let source = dir.join("src/lib.rs");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(&source, text.replace("Hello from", "Howdy from")).unwrap();
    assert!(
        eventually(Duration::from_secs(180), || log().contains("reloaded in")),
        "no reload:\n{}",
        log()
    );
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(rebuilds(), 1, "{}", log());

    // A change the build does not turn into different code swaps nothing.
    let readme = dir.join("README.md");
    let mut notes = std::fs::read_to_string(&readme).unwrap();
    notes.push_str("\nA note.\n");
    std::fs::write(&readme, notes).unwrap();
    assert!(
        eventually(Duration::from_secs(120), || log()
            .contains("the rebuilt code is unchanged; kept running")),
        "{}",
        log()
    );
    assert_eq!(rebuilds(), 2, "{}", log());
    drop(child);
}

/// Kills the child when the test ends, passed or not.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The README's two-host lattice example, line by line as written, after `wzt new`: its
/// NATS server is a test one (`common::Nats`) and its port 8080 a free one.
#[test]
fn the_readme_lattice_example_runs_from_the_templates() {
    use std::io::{Read, Write};
    let readme = include_str!("../../README.md");
    let block: Vec<&str> = readme
        .split("```sh\n")
        .find(|b| b.contains("--template msg-greeter"))
        .and_then(|b| b.split("```").next())
        .expect("the README's lattice example")
        .lines()
        .collect();
    let env = Env::new();
    crate::common::store_account(&env);
    let nats = crate::common::Nats::start();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bin_dir = assert_cmd::cargo::cargo_bin("wzt")
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // As a reader's shell runs them, with this test's key store, caches and config.
    let sh = |line: &str| {
        let mut sh = std::process::Command::new("sh");
        sh.current_dir(env.work())
            .env("PATH", &path)
            .env("WZT_KEYS_DIR", env.keys_dir())
            .env("XDG_CACHE_HOME", env.root.path().join("cache"))
            .env("XDG_CONFIG_HOME", env.root.path().join("config"))
            .env_remove("WZT_POLICY")
            .env_remove("CARGO_TARGET_DIR")
            .stdin(std::process::Stdio::null())
            .args(["-c", line]);
        sh
    };
    let mut hosts = Vec::new();
    for raw in block {
        let (line, comment) = raw.split_once("  #").unwrap_or((raw, ""));
        let line = line
            .trim()
            .replace("nats://127.0.0.1:4222", &nats.url())
            .replace("8080", &port.to_string());
        if line.starts_with("nats-server") {
            continue; // the test's own server stands for it
        }
        if let Some(url) = line.strip_prefix("curl ") {
            let url = url.trim().strip_prefix("http://").unwrap();
            let (addr, path) = url.split_at(url.find('/').unwrap());
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            write!(
                stream,
                "GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n"
            )
            .unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).unwrap();
            let expected = comment.split("prints: ").nth(1).unwrap().trim();
            assert!(
                answer.starts_with("HTTP/1.1 200")
                    && answer.contains(&format!("\r\n{expected}\r\n")),
                "`{raw}`: {answer}"
            );
            continue;
        }
        if let Some(background) = line.strip_suffix('&') {
            let log = env.path(&format!("host{}.log", hosts.len()));
            let mut cmd = sh(&format!("exec {background}"));
            cmd.stdout(std::process::Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap());
            hosts.push(KillOnDrop(cmd.spawn().unwrap()));
            // Ready once subscribed or listening (it verifies and compiles first).
            assert!(
                eventually(Duration::from_secs(300), || {
                    let text = std::fs::read_to_string(&log).unwrap_or_default();
                    text.contains("  subscribed ") || text.contains("  listening on ")
                }),
                "`{raw}` never started:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            continue;
        }
        let out = sh(&line).output().unwrap();
        assert!(
            out.status.success(),
            "`{raw}` failed:\n{}{}",
            stdout_of(&out),
            stderr_of(&out)
        );
        if let Some(expected) = comment.split("prints: ").nth(1) {
            assert_eq!(stdout_of(&out).trim(), expected.trim(), "`{raw}`");
        }
    }
    assert_eq!(hosts.len(), 2, "both hosts ran");
}
