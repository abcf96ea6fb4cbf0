//! The host keeps its promises under attack: each test sets up what an attacker would (a
//! swapped cache file, a stalled response, a guest with many memories, a planted project file,
//! a rebinding name, a preopen of the key store) and drives the binary.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::common::{self, Env, Server, run_request as request, stderr_of};

const P2: &str = "wasm32-wasip2";

fn setup() -> Env {
    let env = Env::new();
    common::store_account(&env);
    env
}

fn signed(env: &Env, name: &str, caps: &str, output: &str, extra: &[&str]) -> String {
    common::sign_fixture(env, name, P2, caps, output, extra)
}

/// The compile-cache entry of the component in `file` (signed or not: the module hash ignores
/// the signature).
fn cache_entry(env: &Env, file: &str) -> PathBuf {
    let hash = common::module_hash(&env.read(file));
    let dir = env.root.path().join("cache/wzt");
    std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("component-{hash}-")))
        })
        .unwrap_or_else(|| panic!("no cache entry for {file} in {}", dir.display()))
}

#[test]
fn a_swapped_or_corrupted_cache_entry_never_runs() {
    let env = setup();
    let a = signed(&env, "http-actor", "http", "a_s.wasm", &[]);
    let b = signed(
        &env,
        "http-client-actor",
        "http,httpclient",
        "b_s.wasm",
        &[],
    );
    assert_eq!(request(&env, &a, "GET /", &[]).1, "hello from wzt\n");
    request(&env, &b, "GET /", &[]);

    // B's compiled code in A's place: A is verified, then B's code must not be what answers.
    std::fs::copy(cache_entry(&env, &b), cache_entry(&env, &a)).unwrap();
    let (code, out, err) = request(&env, &a, "GET /", &[]);
    assert_eq!((code, out.as_str()), (0, "hello from wzt\n"), "{err}");
    assert!(
        err.contains("wzt: refused the compile cache entry for this actor (its authentication tag does not match"),
        "{err}"
    );
    // The entry was replaced: the next start loads it.
    let (_, out, err) = request(&env, &a, "GET /", &[]);
    assert_eq!(out, "hello from wzt\n");
    assert!(err.contains("loaded from the compile cache"), "{err}");

    // One flipped byte is refused the same way.
    let entry = cache_entry(&env, &a);
    let mut bytes = std::fs::read(&entry).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&entry, bytes).unwrap();
    let (code, out, err) = request(&env, &a, "GET /", &[]);
    assert_eq!((code, out.as_str()), (0, "hello from wzt\n"), "{err}");
    assert!(err.contains("refused the compile cache entry"), "{err}");
}

#[test]
fn a_stalled_streaming_response_is_cut_at_the_deadline() {
    let env = setup();
    let actor = signed(&env, "http-actor", "http", "a_s.wasm", &[]);
    let server = Server::run(&env, &actor, &["--timeout", "1s", "--max-concurrent", "1"]);
    let started = Instant::now();
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET /stall HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            // A reset is a cut connection too.
            Err(e) if e.kind() != std::io::ErrorKind::WouldBlock => break,
            Err(e) => panic!("the server hung instead of closing: {e}"),
        }
    }
    let text = String::from_utf8_lossy(&raw);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "cut only after {:?}",
        started.elapsed()
    );
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("partial body, then nothing"), "{text}");
    assert!(
        !text.ends_with("0\r\n\r\n"),
        "the client must see a truncated response, not a complete one: {text:?}"
    );
    // The only slot was released: the next requests are answered.
    for _ in 0..3 {
        assert_eq!(server.get("/").body, "hello from wzt\n");
    }
    server.stderr_containing(&["GET /stall", "ran past --timeout"]);
}

/// A client that asks for a large response and then stops reading must not hold its
/// connection: once the server's writes have made no progress for 60 s (WRITE_STALL_TIMEOUT),
/// the connection is reset, so reading later gets a truncated response, not the rest of it.
/// (A minute long: the limit is nginx's, so that slow but steady readers are not cut.)
#[test]
fn a_client_that_stops_reading_its_response_is_dropped() {
    let env = setup();
    let actor = signed(&env, "http-actor", "http", "a_s.wasm", &[]);
    let server = Server::run(&env, &actor, &["--max-concurrent", "1"]);
    // Larger than what the kernel buffers on both ends of a loopback connection hold.
    let body = vec![b'x'; 24 << 20];
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    write!(
        stream,
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(&body).unwrap();
    // Read nothing for longer than the stall limit.
    std::thread::sleep(Duration::from_secs(64));
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut received = 0usize;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => received += n,
            Err(e) if e.kind() != std::io::ErrorKind::WouldBlock => break,
            Err(e) => panic!("the server kept the connection instead of closing it: {e}"),
        }
    }
    assert!(
        received < body.len(),
        "the whole response ({received} bytes) came after the client stalled for 64 s"
    );
    // The slot and the connection were released.
    assert_eq!(server.get("/").body, "hello from wzt\n");
}

#[test]
fn an_in_process_request_whose_body_stalls_fails_with_what_came() {
    let env = setup();
    let actor = signed(&env, "http-actor", "http", "a_s.wasm", &[]);
    let (code, out, err) = request(&env, &actor, "GET /stall", &["--timeout", "1s"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, "partial body, then nothing");
    assert!(
        err.contains(
            "wzt: the response body was cut off: the actor ran past its deadline (--timeout) while sending it"
        ),
        "{err}"
    );
}

#[test]
fn a_request_blocked_in_a_host_call_stops_at_the_deadline() {
    let env = setup();
    let actor = signed(&env, "http-actor", "http", "a_s.wasm", &[]);
    // /slow sleeps in a host call, where the epoch deadline cannot interrupt the guest.
    let started = Instant::now();
    let (code, _, err) = request(&env, &actor, "GET /slow", &["--timeout", "300ms"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("ran past"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// A component with two core instances, each with its own memory, that grows both by
/// 2.5 MiB; its `wasi:cli/run` fails when a grow fails.
fn two_memories() -> Vec<u8> {
    wat::parse_str(
        r#"(component
            (core module $m
                (memory 1)
                (func (export "grow") (result i32) (memory.grow (i32.const 40))))
            (core instance $a (instantiate $m))
            (core instance $b (instantiate $m))
            (core module $main
                (import "a" "grow" (func $ga (result i32)))
                (import "b" "grow" (func $gb (result i32)))
                (func (export "run") (result i32)
                    (if (i32.eq (call $ga) (i32.const -1)) (then (return (i32.const 1))))
                    (if (i32.eq (call $gb) (i32.const -1)) (then (return (i32.const 1))))
                    (i32.const 0)))
            (core instance $main (instantiate $main
                (with "a" (instance $a))
                (with "b" (instance $b))))
            (func $run (result (result)) (canon lift (core func $main "run")))
            (instance $cli (export "run" (func $run)))
            (export "wasi:cli/run@0.2.0" (instance $cli))
        )"#,
    )
    .expect("valid wat")
}

#[test]
fn every_memory_of_an_invocation_counts_against_max_memory() {
    let env = setup();
    env.write("two.wasm", &two_memories());
    let run = |limit: &str| {
        let out = env
            .wzt()
            .args(["run", "two.wasm", "--allow-unsigned", "--max-memory", limit])
            .output()
            .unwrap();
        (out.status.code(), stderr_of(&out))
    };
    // 2 × 2.6 MiB: each memory alone fits 4 MiB, both together do not.
    let (code, err) = run("4MiB");
    assert_eq!(code, Some(1), "{err}");
    let (code, err) = run("8MiB");
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn actors_do_not_see_each_others_key_value_data() {
    let env = setup();
    env.wzt()
        .args(["keys", "gen", "module", "--name", "other_module"])
        .assert()
        .success();
    let a = signed(&env, "kv-actor", "http,kv,log", "a_s.wasm", &[]);
    let b = signed(
        &env,
        "kv-actor",
        "http,kv,log",
        "b_s.wasm",
        &["--subject", "other_module"],
    );
    let (code, _, err) = request(&env, &a, "POST /set?key=secret", &["--data", "a's secret"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        request(&env, &a, "GET /get?key=secret", &[]).1,
        "a's secret"
    );
    let (code, out, _) = request(&env, &b, "GET /get?key=secret", &[]);
    assert_eq!((code, out.as_str()), (1, "secret not found\n"));
    // Another trusted issuer naming the same subject key does not get its data either.
    env.wzt()
        .args(["keys", "gen", "account", "--name", "vendor"])
        .assert()
        .success();
    let c = signed(
        &env,
        "kv-actor",
        "http,kv,log",
        "c_s.wasm",
        &["--issuer", "vendor"],
    );
    let (code, out, _) = request(&env, &c, "GET /get?key=secret", &[]);
    assert_eq!((code, out.as_str()), (1, "secret not found\n"));
    // Unsigned actors get a namespace of their module hash.
    let (code, out, _) = request(
        &env,
        &common::fixture("kv-actor", P2).display().to_string(),
        "GET /get?key=secret",
        &["--allow-unsigned", "--caps", "http,kv,log"],
    );
    assert_eq!((code, out.as_str()), (1, "secret not found\n"));
    // Sharing is a decision made on purpose.
    let a_namespace = format!(
        "{}.{}",
        env.public_key("account"),
        env.public_key("kv_actor_module")
    );
    let (code, out, err) = request(
        &env,
        &b,
        "GET /get?key=secret",
        &["--kv-namespace", &a_namespace],
    );
    assert_eq!((code, out.as_str()), (0, "a's secret"), "{err}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.path(".wzt/kv.sqlite"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn an_allowed_name_that_resolves_to_loopback_is_denied() {
    let env = setup();
    let actor = signed(
        &env,
        "http-client-actor",
        "http,httpclient",
        "c_s.wasm",
        &[],
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // `localhost` is a name: allowing it does not open loopback (nor would a wildcard whose
    // DNS an attacker controls).
    let (code, out, err) = request(
        &env,
        &actor,
        &format!("/fetch?url=http://localhost:{port}/data"),
        &["--allow-host", &format!("localhost:{port}")],
    );
    assert_ne!(code, 0, "{out}");
    assert!(err.contains("a loopback address"), "{err}");
    assert!(
        err.contains("allow it by address with --allow-host"),
        "{err}"
    );
    drop(listener);
}

#[test]
fn a_project_file_others_could_write_or_own_is_refused() {
    let env = setup();
    env.write("actor.wasm", &common::core_module());
    env.write(
        "wzt.toml",
        b"[actor]\nname = \"planted\"\ncaps = [\"fs\"]\n[build]\ncommand = \"true\"\nartifact = \"actor.wasm\"\n",
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let file = env.path("wzt.toml");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
        let out = env.wzt().arg("sign").output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = stderr_of(&out);
        assert!(
            err.contains("is writable by other users (mode 666)"),
            "{err}"
        );
        assert!(
            err.contains(&format!("chmod go-w {}", file.display())),
            "{err}"
        );
        assert!(!env.path("actor_s.wasm").exists());

        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            std::os::unix::fs::chown(&file, Some(65534), None).unwrap();
            let out = env.wzt().arg("sign").output().unwrap();
            assert_eq!(out.status.code(), Some(2));
            assert!(stderr_of(&out).contains("is owned by another user (uid 65534)"));
            std::os::unix::fs::chown(&file, Some(0), None).unwrap();
        }
    }
    env.wzt().arg("sign").assert().success();
    assert!(env.path("actor_s.wasm").exists());

    // An artifact path that leaves the project is refused.
    env.write(
        "wzt.toml",
        b"[actor]\nname = \"a\"\n[build]\ncommand = \"true\"\nartifact = \"../keys/account.nk\"\n",
    );
    let out = env.wzt().arg("sign").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("is outside the project"));
}

#[test]
fn a_preopen_of_the_key_store_or_the_cache_is_refused() {
    let env = setup();
    let actor = signed(&env, "fs-actor", "http,fs", "fs_s.wasm", &[]);
    let keys = env.keys_dir();
    let (code, _, err) = request(&env, &actor, "GET /", &["--dir", keys.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("it would give the actor the key store"),
        "{err}"
    );
    // The parent of the store holds it too.
    let root = env.root.path();
    let (code, _, err) = request(&env, &actor, "GET /", &["--dir", root.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("would give the actor"), "{err}");
    let cache = root.join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let (code, _, err) = request(&env, &actor, "GET /", &["--dir", cache.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the compile cache"), "{err}");
}

#[test]
fn preopens_cannot_nest_and_a_swapped_preopen_is_refused() {
    let env = setup();
    let actor = signed(&env, "fs-actor", "http,fs", "fs_s.wasm", &[]);
    std::fs::create_dir_all(env.path("data/public")).unwrap();
    // Through an outer preopen a guest could replace the inner one's path with a symlink.
    let (code, _, err) = request(
        &env,
        &actor,
        "GET /",
        &["--dir", "data::/data", "--dir", "data/public::/public"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("overlap (one holds the other)"), "{err}");

    // A preopen swapped for a symlink while serving is refused at the next invocation.
    let server = Server::run(&env, &actor, &["--dir", "data/public::/public"]);
    assert_eq!(server.get("/").body, "1 preopened directories\n");
    std::fs::remove_dir(env.path("data/public")).unwrap();
    std::os::unix::fs::symlink(env.keys_dir(), env.path("data/public")).unwrap();
    let response = server.get("/");
    assert_eq!(response.status, 500);
    assert!(!response.body.contains("keys"), "{}", response.body);
    server.stderr_containing(&["changed since the start"]);
}

/// A project around a prebuilt fixture: the build command copies it into place.
fn fixture_project(env: &Env, fixture: &str, caps: &str, extra: &str) {
    let built = common::fixture(fixture, P2);
    env.write(
        "wzt.toml",
        format!(
            "[actor]\nname = \"live\"\nversion = \"1.0.0\"\ncaps = [{caps}]\n{extra}[build]\ncommand = \"cp {} actor.wasm\"\nartifact = \"actor.wasm\"\n",
            built.display()
        )
        .as_bytes(),
    );
}

fn dev(env: &Env) -> Server {
    let mut cmd = env.command();
    cmd.args(["dev", "--listen", "127.0.0.1:0", "--debounce", "200ms"]);
    Server::dev(cmd)
}

/// The claims of the actor `wzt dev` signed last.
fn dev_claims(env: &Env) -> serde_json::Value {
    env.json(&["inspect", ".wzt/dev/actor_s.wasm"], 0)
}

fn edit(env: &Env, from: &str, to: &str) {
    let text = String::from_utf8(env.read("wzt.toml")).unwrap();
    assert!(text.contains(from), "{text}");
    env.write("wzt.toml", text.replace(from, to).as_bytes());
}

fn granted(claims: &serde_json::Value) -> Vec<String> {
    claims["caps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

/// `wzt dev` reads wzt.toml again on every change: new claims with the same code are signed
/// and swapped in; a capability dropped while the build is broken is dropped from the running
/// version too; an invalid file, or a change it cannot apply live, stops it with the error.
#[test]
fn dev_follows_every_edit_of_its_project_file() {
    let env = setup();
    fixture_project(&env, "http-actor", "\"http\", \"log\"", "");
    let server = dev(&env);
    assert_eq!(server.get("/").body, "hello from wzt\n");
    assert_eq!(dev_claims(&env)["claims"]["wascap"]["ver"], "1.0.0");

    // The same code, another version: swapped, not "unchanged".
    edit(&env, "version = \"1.0.0\"", "version = \"1.1.0\"");
    server.wait_for_line(Duration::from_secs(60), |l| {
        l.contains("wzt dev: reloaded in")
    });
    assert_eq!(dev_claims(&env)["claims"]["wascap"]["ver"], "1.1.0");
    assert!(
        !server.stderr().contains("unchanged"),
        "{}",
        server.stderr()
    );

    // A capability dropped while the build fails: the last good code runs without it.
    let text = String::from_utf8(env.read("wzt.toml")).unwrap();
    let broken = text
        .replace("\"http\", \"log\"", "\"http\"")
        .replace("command = \"cp ", "command = \"exit 3; cp ");
    env.write("wzt.toml", broken.as_bytes());
    server.wait_for_line(Duration::from_secs(60), |l| {
        l.contains("wzt.toml's claims changed: the last good code is signed again")
    });
    server.wait_for_line(Duration::from_secs(30), |l| {
        l.contains("wzt dev: reloaded in")
    });
    assert_eq!(granted(&dev_claims(&env)), ["wasmcloud:httpserver"]);
    assert_eq!(server.get("/").body, "hello from wzt\n");

    // An invalid project file stops it: nothing keeps serving what the file no longer says.
    edit(&env, "name = \"live\"", "name = \"live\"\nbogus = 1");
    let addr = server.client();
    server.wait_for_line(Duration::from_secs(60), |l| {
        l.contains("unknown field `bogus`")
    });
    let err = server.stderr();
    assert!(
        err.contains("wzt.toml is not a valid project file"),
        "{err}"
    );
    let status = server.wait(Duration::from_secs(60));
    assert_eq!(status.code(), Some(2));
    assert!(addr.request("GET", "/", "").is_err(), "still serving");

    // A change of the [dev] table cannot be applied live: it stops with the way out.
    edit(&env, "name = \"live\"\nbogus = 1", "name = \"live\"");
    edit(&env, "exit 3; ", "");
    let server = dev(&env);
    let text = String::from_utf8(env.read("wzt.toml")).unwrap();
    env.write(
        "wzt.toml",
        format!("{text}[dev]\nmock-caps = true\n").as_bytes(),
    );
    let line = server.wait_for_line(Duration::from_secs(60), |l| l.starts_with("error:"));
    assert!(
        line.contains("the [dev] table changed, which a running `wzt dev` cannot apply"),
        "{line}"
    );
    assert!(line.contains("start `wzt dev` again"), "{line}");
    let status = server.wait(Duration::from_secs(60));
    assert_eq!(status.code(), Some(2));
}

/// A capability the code needs, removed from wzt.toml: the new version is refused, and the
/// old one, which holds the grant, stops too (exit 1) instead of serving on.
#[test]
fn dev_stops_when_its_project_file_takes_away_what_the_code_needs() {
    let env = setup();
    fixture_project(&env, "kv-actor", "\"http\", \"kv\", \"log\"", "");
    let server = dev(&env);
    assert_eq!(server.get("/incr").body, "counter=1\n");
    edit(&env, "\"http\", \"kv\", \"log\"", "\"http\", \"log\"");
    let addr = server.client();
    let line = server.wait_for_line(Duration::from_secs(60), |l| {
        l.starts_with("wzt dev: the version with wzt.toml's new claims cannot run")
    });
    assert!(line.contains("wasi:keyvalue"), "{line}");
    let status = server.wait(Duration::from_secs(60));
    assert_eq!(status.code(), Some(1));
    assert!(addr.request("GET", "/", "").is_err(), "still serving");
}

/// Runs the shell command `line` under a pseudo-terminal (`script`), with this env's key
/// store and caches, and returns what the terminal showed.
fn on_a_terminal(env: &Env, line: &str, vars: &[(&str, &str)]) -> Vec<u8> {
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", line, "/dev/null"])
        .current_dir(env.work())
        .env("SHELL", "/bin/sh")
        .env("WZT", assert_cmd::cargo::cargo_bin("wzt"))
        .env("WZT_KEYS_DIR", env.keys_dir())
        .env("XDG_CACHE_HOME", env.root.path().join("cache"))
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::null());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("script (util-linux) runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// What an actor or a peer sends is escaped on a terminal (no escape sequence reaches it) and
/// byte for byte when piped.
#[test]
fn bodies_are_escaped_on_a_terminal_and_exact_in_a_pipe() {
    let env = setup();
    let actor = signed(&env, "http-actor", "http", "a_s.wasm", &[]);
    let payload = "\x1b]0;owned\x07\x1b[2J\rPASS \u{9b}1m";
    let piped = env
        .wzt()
        .args(["run", &actor, "--request", "POST /echo", "--data", payload])
        .output()
        .unwrap();
    assert_eq!(
        piped.stdout,
        format!("POST /echo x-fixture=\n{payload}").as_bytes(),
        "piped: byte for byte"
    );

    let shown = on_a_terminal(
        &env,
        "\"$WZT\" run a_s.wasm --request 'POST /echo' --data \"$PAYLOAD\" --include",
        &[("PAYLOAD", payload)],
    );
    let text = String::from_utf8_lossy(&shown);
    assert!(
        !shown.contains(&0x1b),
        "an escape reached the terminal: {text:?}"
    );
    assert!(!text.contains('\u{9b}'), "{text:?}");
    assert!(text.contains("HTTP/1.1 200 OK"), "{text:?}");
    assert!(
        text.contains("\\u{1b}]0;owned\\u{7}\\u{1b}[2J\\rPASS \\u{9b}1m"),
        "{text:?}"
    );
}

/// The same for the reply `wzt lattice request` prints.
#[test]
fn a_lattice_reply_is_escaped_on_a_terminal() {
    let env = setup();
    env.wzt()
        .args(["keys", "gen", "cluster"])
        .assert()
        .success();
    common::sign_fixture(&env, "msg-actor", P2, "msg", "greeter_s.wasm", &[]);
    let nats = common::Nats::start();
    let url = nats.url();
    let _greeter = Server::subscriber(
        &env,
        "greeter_s.wasm",
        &["--lattice", &url, "--subscribe", "greet"],
    );
    let payload = "\x1b[31mred\x1b]8;;http://evil\x07";
    let piped = env
        .wzt()
        .args([
            "lattice",
            "request",
            "greet",
            "--data",
            payload,
            "--lattice",
            &url,
        ])
        .output()
        .unwrap();
    assert_eq!(piped.stdout, format!("hello, {payload}").as_bytes());
    let shown = on_a_terminal(
        &env,
        "\"$WZT\" lattice request greet --data \"$PAYLOAD\" --lattice \"$URL\"",
        &[("PAYLOAD", payload), ("URL", &url)],
    );
    let text = String::from_utf8_lossy(&shown);
    assert!(!shown.contains(&0x1b), "{text:?}");
    assert!(
        text.contains("hello, \\u{1b}[31mred\\u{1b}]8;;http://evil\\u{7}"),
        "{text:?}"
    );
}
