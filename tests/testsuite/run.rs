//! `wzt run` with fixture actors built from `tests/fixtures` for wasm32-wasip2 / wasip1.

use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use snapbox::str;

use crate::common::{self, Env, Server, assert_snapshot, fixture, stderr_of, stdout_of};

const P2: &str = "wasm32-wasip2";
const P1: &str = "wasm32-wasip1";

/// Signs the fixture with the store's account key, granting `caps`; returns the signed file name.
fn signed_fixture(env: &Env, name: &str, target: &str, caps: &str) -> String {
    common::sign_fixture(
        env,
        name,
        target,
        caps,
        &format!("{name}-{target}_s.wasm"),
        &[],
    )
}

fn setup() -> Env {
    let env = Env::new();
    common::store_account(&env);
    env
}

#[test]
fn an_http_actor_answers_one_request_in_process() {
    let env = setup();
    let actor = signed_fixture(&env, "http-actor", P2, "http");
    let out = env
        .wzt()
        .args(["run", &actor, "--request", "GET /"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "hello from wzt\n");
    let err = stderr_of(&out);
    let account = env.public_key("account");
    assert_snapshot(
        &err,
        str![[r#"
wzt: running http_actor (HTTP component)
  issuer    [ACCOUNT]
  policy    none; trusting the key store's account keys: account
  grants    HTTP Server
  engine    [..] allocator, compiled (now cached); limits: 512 MiB memory, 30s per invocation, 1 concurrent

"#]],
        &[("[ACCOUNT]", &account)],
    );

    let out = env
        .wzt()
        .args([
            "run",
            &actor,
            "--request",
            "POST /echo",
            "-H",
            "x-fixture: abc",
        ])
        .args(["--data", "the body", "--include"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout_of(&out),
        "HTTP/1.1 200 OK\ncontent-type: text/plain\n\nPOST /echo x-fixture=abc\nthe body"
    );

    // A body from a file, and JSON output.
    std::fs::write(env.path("body.txt"), "from a file").unwrap();
    let json = env.json(
        &[
            "run",
            &actor,
            "--request",
            "PUT /echo",
            "--data",
            "@body.txt",
        ],
        0,
    );
    assert_eq!(json["status"], 200);
    assert_eq!(json["body"], "PUT /echo x-fixture=\nfrom a file");

    // Non-2xx/3xx exits 1 and still prints the body.
    let out = env
        .wzt()
        .args(["run", &actor, "--request", "GET /teapot"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_of(&out), "short and stout\n");
    assert!(stderr_of(&out).ends_with("wzt: HTTP 418 I'm a teapot\n"));
}

#[test]
fn refusals_say_why_in_verify_words() {
    let env = setup();
    let unsigned = fixture("http-actor", P2);

    let out = env
        .wzt()
        .arg("run")
        .arg(&unsigned)
        .args(["--request", "GET /"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let unsigned_path = unsigned.display().to_string();
    assert_snapshot(
        &stderr_of(&out),
        str![[r#"
refusing to run [FIXTURE]:
  [unsigned] [FIXTURE] is not signed: sign it (`wzt sign [FIXTURE] --caps auto`, then `wzt run [..]http_actor_s.wasm`), or run it unsigned with exactly the capabilities it imports: `wzt run [FIXTURE] --allow-unsigned --caps auto`

"#]],
        &[("[FIXTURE]", &unsigned_path)],
    );
    assert!(stdout_of(&out).is_empty());

    // Dev mode still enforces grants: no --caps, no HTTP.
    let out = env
        .wzt()
        .arg("run")
        .arg(&unsigned)
        .args(["--allow-unsigned", "--request", "GET /"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("the actor imports wasi:http/types@0.2.12, which needs the HTTP Server capability (http); an unsigned actor gets only what --caps grants: add `--caps http`"));
    let out = env
        .wzt()
        .arg("run")
        .arg(&unsigned)
        .args(["--allow-unsigned", "--caps", "http", "--request", "GET /"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "hello from wzt\n");

    // Tampered after signing.
    let actor = signed_fixture(&env, "http-actor", P2, "http");
    let mut bytes = env.read(&actor);
    let at = bytes
        .windows(14)
        .position(|w| w == b"hello from wzt")
        .unwrap();
    bytes[at] = b'j';
    env.write("tampered.wasm", &bytes);
    let out = env
        .wzt()
        .args(["run", "tampered.wasm", "--request", "GET /"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let claimed = common::module_hash(&env.read(&actor));
    let actual = common::module_hash(&bytes);
    assert_snapshot(
        &stderr_of(&out),
        str![[r#"
refusing to run tampered.wasm:
  [hash_mismatch] the module hash does not match: the claims say [CLAIMED], the artifact hashes to [ACTUAL]; the code was changed after signing

"#]],
        &[("[CLAIMED]", &claimed), ("[ACTUAL]", &actual)],
    );

    // Signed by an issuer nobody trusts.
    let stranger = wzt::keys::Key::generate(wzt::keys::KeyRole::Account);
    let out = env
        .wzt()
        .arg("sign")
        .arg(fixture("http-actor", P2))
        .args(["--caps", "http", "-o", "foreign.wasm", "--issuer", "-"])
        .write_stdin(stranger.seed())
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = env
        .wzt()
        .args(["run", "foreign.wasm", "--request", "GET /"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let key = stranger.public_key();
    assert_snapshot(
        &stderr_of(&out),
        str![[r#"
refusing to run foreign.wasm:
  [untrusted_issuer] issuer [STRANGER] is not trusted; trust it with `--trusted-issuer [STRANGER]`, import it into the key store (`wzt keys import NAME [STRANGER]`), or add it to trusted_issuers in the policy file

"#]],
        &[("[STRANGER]", key)],
    );
    let out = env
        .wzt()
        .args([
            "run",
            "foreign.wasm",
            "--request",
            "GET /",
            "--trusted-issuer",
            key,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));

    // An import without its grant.
    let fs_actor = signed_fixture(&env, "fs-actor", P2, "http");
    let out = env
        .wzt()
        .args(["run", &fs_actor, "--request", "GET /"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr_of(&out),
        format!(
            "refusing to run {fs_actor}: the actor imports wasi:filesystem/types@0.2.12, which needs the Filesystem capability (fs); it is not granted: re-sign it with `wzt sign --caps fs` (or `--caps auto`: exactly what it imports)\n"
        )
    );
    // Granted, it runs, and sees exactly the directories given with --dir.
    let fs_actor = signed_fixture(&env, "fs-actor", P2, "http,fs");
    let out = env
        .wzt()
        .args(["run", &fs_actor, "--request", "GET /"])
        .output()
        .unwrap();
    assert_eq!(
        stdout_of(&out),
        "0 preopened directories\n",
        "{}",
        stderr_of(&out)
    );
    std::fs::create_dir(env.path("data")).unwrap();
    let out = env
        .wzt()
        .args([
            "run",
            &fs_actor,
            "--request",
            "GET /",
            "--dir",
            "data::/data",
        ])
        .output()
        .unwrap();
    assert_eq!(
        stdout_of(&out),
        "1 preopened directories\n",
        "{}",
        stderr_of(&out)
    );

    // --caps does not widen a signed actor's grants.
    let out = env
        .wzt()
        .args(["run", &actor, "--caps", "fs", "--request", "GET /"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn commands_run_once_with_args_env_and_exit_code() {
    let env = setup();
    for target in [P2, P1] {
        let actor = signed_fixture(&env, "hello-cli", target, "auto");
        let out = env
            .wzt()
            .args(["run", &actor, "--", "Ada"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{target}: {}", stderr_of(&out));
        assert_eq!(stdout_of(&out), "hello, Ada!\n");
        let kind = if target == P2 {
            "command component"
        } else {
            "preview 1 module"
        };
        assert!(stderr_of(&out).starts_with(&format!("wzt: running hello-cli ({kind})\n")));

        let out = env
            .wzt()
            .args(["run", &actor, "--env", "GREETING_NAME=env"])
            .output()
            .unwrap();
        assert_eq!(stdout_of(&out), "hello, env!\n");

        let out = env
            .wzt()
            .args(["run", &actor, "--", "fail"])
            .output()
            .unwrap();
        // Preview 1 carries the exit code; WASI 0.2's `exit` carries only success or failure.
        let expected = if target == P2 { 1 } else { 3 };
        assert_eq!(out.status.code(), Some(expected), "{target}");
        assert!(stderr_of(&out).contains("hello-cli: failing as asked"));

        let out = env
            .wzt()
            .args(["run", &actor, "--request", "GET /"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr_of(&out).contains("--request needs an HTTP actor"));
    }
}

#[test]
fn the_compile_cache_is_used_on_the_second_start() {
    let env = setup();
    let actor = signed_fixture(&env, "hello-cli", P2, "auto");
    let runs = [
        (vec![], "compiled (now cached)"),
        (vec![], "loaded from the compile cache"),
        (vec!["--no-cache"], "compiled (cache off)"),
    ];
    for (extra, expected) in runs {
        let out = env
            .wzt()
            .args(["run", &actor])
            .args(&extra)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(
            stderr_of(&out).contains(expected),
            "{expected}: {}",
            stderr_of(&out)
        );
    }
    let cache = std::fs::read_dir(env.root.path().join("cache/wzt"))
        .unwrap()
        .count();
    assert_eq!(cache, 1);
}

#[test]
fn the_host_survives_trap_timeout_and_memory_exhaustion() {
    let env = setup();
    let actor = signed_fixture(&env, "http-actor", P2, "http");
    let server = Server::run(&env, &actor, &["--timeout", "1s", "--max-memory", "32MiB"]);
    // The JSON line tools read to find the server.
    assert_eq!(server.info["actor"], "http_actor");
    assert_eq!(server.info["kind"], "HTTP component");
    assert_eq!(
        server.info["caps"],
        serde_json::json!(["wasmcloud:httpserver"])
    );
    assert_eq!(server.info["issuer"], env.public_key("account"));
    assert_eq!(server.info["listen"], format!("http://{}", server.addr));
    // The block a person reads when the server starts.
    assert_snapshot(
        &server.startup_block(),
        str![[r#"
wzt: running http_actor (HTTP component)
  issuer    [ACCOUNT]
  policy    none; trusting the key store's account keys: account
  grants    HTTP Server
  engine    [..] allocator, compiled (now cached); limits: 32 MiB memory, 1s per invocation, 64 concurrent
  listening on http://[ADDR]

"#]],
        &[
            ("[ACCOUNT]", &env.public_key("account")),
            ("[ADDR]", &server.addr),
        ],
    );
    assert!(server.get("/").body.contains("hello from wzt"));
    // A request body reaches the actor through the listener too.
    let echo = server.post("/echo", "the body");
    assert_eq!(
        (echo.status, echo.body.as_str()),
        (200, "POST /echo x-fixture=\nthe body")
    );

    let trap = server.get("/trap");
    assert_eq!(trap.status, 500);
    assert!(trap.body.contains("the actor trapped"));
    assert_eq!(server.get("/").status, 200);

    let started = Instant::now();
    let stuck = server.get("/loop");
    assert_eq!(stuck.status, 500);
    assert!(
        stuck.body.contains("the actor ran past its deadline of 1s"),
        "{}",
        stuck.body
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(server.get("/").status, 200);

    assert_eq!(server.get("/hog").status, 500);
    assert_eq!(server.get("/").status, 200);

    // The trap report: the guest backtrace with function names, and its last stderr lines.
    server.stderr_containing(&[
        "wzt: GET /trap trapped (answered 500; still serving):",
        "http_actor.wasm!wasi:http/incoming-handler@0.2.12#handle",
        "  last stderr lines of the actor:\n    fixture: about to trap",
        "wzt: GET /loop stopped after",
        "memory allocation of 1048576 bytes failed",
    ]);
}

/// Every request gets a fresh instance: what one request leaves in linear memory (a static, a
/// heap allocation) or in a global (the stack pointer, left lowered by a trap, which never
/// unwinds) is not there for the next, one after another or many at once.
#[test]
fn request_two_sees_nothing_of_request_one() {
    let env = setup();
    let actor = signed_fixture(&env, "http-actor", P2, "http");
    let server = Server::run(&env, &actor, &[]);
    let first = server.get("/state");
    assert_eq!(first.status, 200);
    let fresh = first.body.clone();
    assert!(
        fresh.starts_with("calls_before=0 heap_before=none stack=0x"),
        "{fresh}"
    );
    assert_eq!(server.get("/state").body, fresh);
    assert_eq!(server.get("/trap").status, 500);
    assert_eq!(server.get("/state").body, fresh);
    let at_once: Vec<_> = (0..16)
        .map(|_| {
            let client = server.client();
            std::thread::spawn(move || client.get("/state"))
        })
        .collect();
    for request in at_once {
        let response = request.join().unwrap();
        assert_eq!((response.status, response.body), (200, fresh.clone()));
    }
}

/// Connections are served by one thread per CPU; a guest that spins yields its thread at every
/// epoch tick, so while every serving thread runs a spinning request, another request is still
/// answered (and long before the spinners' deadline).
#[test]
fn spinning_guests_do_not_hold_the_other_connections() {
    let env = setup();
    let actor = signed_fixture(&env, "http-actor", P2, "http");
    let server = Server::run(&env, &actor, &["--timeout", "60s"]);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Connections go to the serving threads in turn: this many consecutive ones put a
    // spinner on every thread (more if the count differs, which only makes it harder).
    let spinners: Vec<_> = (0..threads + 1)
        .map(|_| {
            let client = server.client();
            std::thread::spawn(move || client.request("GET", "/loop", ""))
        })
        .collect();
    // Let the spinners' connections be accepted first, so the next one shares a thread.
    std::thread::sleep(Duration::from_millis(500));
    let answer = server.get("/");
    assert_eq!(answer.status, 200);
    assert!(answer.body.contains("hello from wzt"));
    assert!(
        spinners.iter().all(|s| !s.is_finished()),
        "a spinner ended before the other request was answered"
    );
    drop(server);
    for spinner in spinners {
        let _ = spinner.join();
    }
}

#[test]
fn ctrl_c_lets_in_flight_requests_finish() {
    let env = setup();
    let actor = signed_fixture(&env, "http-actor", P2, "http");
    let server = Server::run(&env, &actor, &[]);
    let client = server.client();
    let slow = std::thread::spawn(move || client.get("/slow"));
    std::thread::sleep(Duration::from_millis(300));
    server.interrupt();
    let response = slow.join().unwrap();
    assert!(response.head.starts_with("HTTP/1.1 200 OK"), "{response:?}");
    assert!(response.body.contains("slow but done"));
    server.stderr_containing(&["wzt: shutting down; waiting for in-flight requests"]);
    let addr = server.addr.clone();
    let status = server.wait(Duration::from_secs(10));
    assert!(status.success());
    assert!(
        TcpStream::connect(&addr).is_err(),
        "still accepting after shutdown"
    );
}

#[test]
fn not_an_actor_is_an_input_error() {
    let env = setup();
    env.write("x.wasm", b"\0asm\x01\0\0\0\x01\x05garbage");
    let out = env
        .wzt()
        .args(["run", "x.wasm", "--allow-unsigned"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr_of(&out).contains("panicked"));
    let out = env.wzt().args(["run", "missing.wasm"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(Path::new(&env.path("x.wasm")).exists());
}

/// The helper every serving test uses fails with the server's own words when it cannot start.
#[test]
#[should_panic(expected = "error: missing.wasm does not exist")]
fn a_server_that_cannot_start_fails_the_test_with_its_stderr() {
    let env = setup();
    Server::run(&env, "missing.wasm", &[]);
}
