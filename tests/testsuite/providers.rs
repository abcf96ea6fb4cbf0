//! Capability providers under `wzt run --request`, in local and mock mode, with fixture actors
//! built from `tests/fixtures`.

use std::time::{Duration, Instant};

use snapbox::str;

use crate::common::{self, Env, Server, assert_snapshot, local_server, run_request as request};

const P2: &str = "wasm32-wasip2";

fn setup() -> Env {
    let env = Env::new();
    common::store_account(&env);
    env
}

fn signed(env: &Env, name: &str, caps: &str) -> String {
    common::sign_fixture(env, name, P2, caps, &format!("{name}_s.wasm"), &[])
}

#[test]
fn a_kv_counter_persists_locally_and_not_in_mock_mode() {
    let env = setup();
    let actor = signed(&env, "kv-actor", "http,kv,log");
    let (code, out, err) = request(&env, &actor, "/incr?key=visits", &[]);
    assert_eq!((code, out.as_str()), (0, "visits=1\n"), "{err}");
    let account = env.public_key("account");
    assert_snapshot(
        &err,
        str![[r#"
wzt: running kv_actor (HTTP component)
  issuer    [ACCOUNT]
  policy    none; trusting the key store's account keys: account
  grants    HTTP Server, K/V Store, Logging
  engine    [..] allocator, compiled (now cached); limits: 512 MiB memory, 30s per invocation, 1 concurrent
  kv        sqlite .wzt/kv.sqlite (persists across runs), namespace [ACCOUNT].[SUBJECT]
  log       level info
[log] INFO kv_actor kv-actor: visits is now 1

"#]],
        &[
            ("[ACCOUNT]", &account),
            ("[SUBJECT]", &env.public_key("kv_actor_module")),
        ],
    );
    assert!(env.path(".wzt/kv.sqlite").exists());
    let (_, out, _) = request(&env, &actor, "/incr?key=visits", &[]);
    assert_eq!(out, "visits=2\n");

    for _ in 0..2 {
        let (code, out, err) = request(&env, &actor, "/incr?key=visits", &["--mock-caps"]);
        assert_eq!((code, out.as_str()), (0, "visits=1\n"), "{err}");
        assert!(err.contains("  kv        in memory, not persisted\n"));
    }
    // The local store was not touched by the mock runs; --kv-path moves it.
    let (_, out, _) = request(&env, &actor, "/incr?key=visits", &[]);
    assert_eq!(out, "visits=3\n");
    let (_, out, _) = request(&env, &actor, "/incr?key=visits", &["--kv-path", "other.db"]);
    assert_eq!(out, "visits=1\n");
    assert!(env.path("other.db").exists());
    // Buckets are separate namespaces.
    let (_, out, _) = request(&env, &actor, "/incr?key=visits&bucket=b2", &[]);
    assert_eq!(out, "visits=1\n");
    // Batch operations.
    let (_, out, _) = request(&env, &actor, "/batch", &[]);
    assert_eq!(out, "a=1 b=2 -\n");
}

#[test]
fn seed_and_dump_files_round_trip() {
    let env = setup();
    let actor = signed(&env, "kv-actor", "http,kv,log");
    std::fs::write(
        env.path("seed.json"),
        r#"{"app": {"greeting": "hello", "n": "41"}}"#,
    )
    .unwrap();
    let mock = [
        "--mock-caps",
        "--kv-seed",
        "seed.json",
        "--kv-dump",
        "dump.json",
    ];
    let (code, out, err) = request(&env, &actor, "/get?bucket=app&key=greeting", &mock);
    assert_eq!((code, out.as_str()), (0, "hello"), "{err}");
    let (_, out, _) = request(&env, &actor, "/incr?bucket=app&key=n", &mock);
    assert_eq!(out, "n=42\n");
    let dump: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.path("dump.json")).unwrap()).unwrap();
    assert_eq!(
        dump,
        serde_json::json!({"app": {"greeting": "hello", "n": "42"}})
    );
    // The dump seeds the next run.
    let (_, out, _) = request(
        &env,
        &actor,
        "/incr?bucket=app&key=n",
        &["--mock-caps", "--kv-seed", "dump.json"],
    );
    assert_eq!(out, "n=43\n");
    // With a seed, only its buckets exist: opening another is denied, and traced as such.
    let (code, out, err) = request(
        &env,
        &actor,
        "/incr?bucket=nope",
        &["--mock-caps", "--kv-seed", "seed.json", "--trace-caps"],
    );
    assert_eq!(code, 1);
    assert_eq!(out, "open nope: Error::NoSuchStore\n");
    assert!(
        err.contains("wasi:keyvalue/store.open(bucket \"nope\") -> error: no such bucket ("),
        "{err}"
    );
    assert!(err.contains(" DENIED\n"), "{err}");
    // Seeding is for the memory store only.
    let (code, _, err) = request(&env, &actor, "/get", &["--kv-seed", "seed.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("--kv-seed and --kv-dump apply to the in-memory store"));
}

#[test]
fn logs_are_filtered_by_level() {
    let env = setup();
    let actor = signed(&env, "kv-actor", "http,kv,log");
    let logs = |extra: &[&str]| -> Vec<String> {
        let (_, _, err) = request(&env, &actor, "/log", extra);
        err.lines()
            .filter(|l| l.starts_with("[log] "))
            .map(str::to_string)
            .collect()
    };
    // Logging behaves the same in local and mock mode.
    for mode in [&[][..], &["--mock-caps"][..]] {
        let with = |flags: &[&str]| {
            let mut all = flags.to_vec();
            all.extend(mode);
            logs(&all)
        };
        assert_eq!(
            with(&["--log-level", "warn"]),
            vec![
                "[log] WARN kv_actor levels: a warn line",
                "[log] ERROR kv_actor levels: a error line",
                "[log] CRITICAL kv_actor levels: a critical line",
            ]
        );
        assert_eq!(with(&[]).len(), 4, "info and above by default");
        assert_eq!(with(&["--log-level", "trace"]).len(), 6);
    }
}

#[test]
fn config_values_arrive_under_both_versions() {
    let env = setup();
    let actor = signed(&env, "config-actor", "http,config");
    // Config behaves the same in local and mock mode.
    for mode in [&[][..], &["--mock-caps"][..]] {
        let mut flags = vec!["--config", "greeting=hi"];
        flags.extend(mode);
        let (code, out, err) = request(&env, &actor, "/get?key=greeting", &flags);
        assert_eq!((code, out.as_str()), (0, "draft=hi rc=hi\n"), "{err}");
    }
    let (_, out, _) = request(&env, &actor, "/get?key=missing", &[]);
    assert_eq!(out, "draft=- rc=-\n");
    std::fs::write(
        env.path("config.toml"),
        "greeting = \"from file\"\nretries = 3\n",
    )
    .unwrap();
    let (_, out, _) = request(
        &env,
        &actor,
        "/all",
        &["--config-file", "config.toml", "--config", "greeting=flag"],
    );
    assert_eq!(out, "greeting=flag\nretries=3\n");
}

#[test]
fn outbound_http_reaches_allowed_hosts_only_and_mocks_never_touch_the_network() {
    let env = setup();
    let actor = signed(&env, "http-client-actor", "http,httpclient");
    let port = local_server("from the test server");
    let url = format!("/fetch?url=http://127.0.0.1:{port}/data");

    let (code, out, err) = request(
        &env,
        &actor,
        &url,
        &["--allow-host", &format!("127.0.0.1:{port}")],
    );
    assert_eq!(
        (code, out.as_str()),
        (0, "200 from the test server"),
        "{err}"
    );

    let (code, out, err) = request(&env, &actor, &url, &["--allow-host", "*.example.com"]);
    assert_eq!(code, 1);
    assert_eq!(out, "error: ErrorCode::HttpRequestDenied\n");
    assert!(err.contains(&format!(
        "wzt: denied http_client_actor outgoing HTTP request GET http://127.0.0.1:{port}/data: 127.0.0.1:{port} is not allowed; allow it with --allow-host 127.0.0.1"
    )), "{err}");

    // Mock: answered from fixtures, for a port where nothing listens.
    std::fs::write(
        env.path("fixtures.toml"),
        "[[response]]\nmethod = \"GET\"\nurl = \"http://127.0.0.1:1/users/*\"\nstatus = 201\nbody = \"mocked user\"\n",
    )
    .unwrap();
    let (code, out, err) = request(
        &env,
        &actor,
        "/fetch?url=http://127.0.0.1:1/users/7",
        &["--http-fixtures", "fixtures.toml", "--trace-caps"],
    );
    assert_eq!((code, out.as_str()), (0, "201 mocked user"), "{err}");
    assert!(
        err.contains(
            "wasi:http/outgoing-handler.handle(GET http://127.0.0.1:1/users/7) -> 201 (fixture)"
        ),
        "{err}"
    );
    let (code, out, err) = request(
        &env,
        &actor,
        "/fetch?url=http://127.0.0.1:1/orders",
        &[
            "--mock-caps",
            "--http-fixtures",
            "fixtures.toml",
            "--trace-caps",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(out, "error: ErrorCode::HttpRequestDenied\n");
    assert!(
        err.contains("no fixture matches (mock mode never uses the network) ("),
        "{err}"
    );
    assert!(err.contains(" DENIED\n"), "{err}");
}

#[test]
fn messages_reach_the_handler_and_publishes_are_recorded() {
    let env = setup();
    let actor = signed(&env, "msg-actor", "msg");
    std::fs::write(
        env.path("replies.toml"),
        "[[reply]]\nsubject = \"svc.*\"\nbody = \"42\"\n",
    )
    .unwrap();
    let out = env
        .wzt()
        .args([
            "run",
            &actor,
            "--message",
            "greet=Ada",
            "--message",
            "ask=meaning",
        ])
        .args(["--msg-replies", "replies.toml"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let account = env.public_key("account");
    assert_snapshot(
        &err,
        str![[r#"
wzt: running msg_actor (messaging component)
  issuer    [ACCOUNT]
  policy    none; trusting the key store's account keys: account
  grants    Messaging
  engine    [..] allocator, compiled (now cached); limits: 512 MiB memory, 30s per invocation, 64 concurrent
[msg] msg_actor published on greetings: hello, Ada
wzt: delivered message on greet
[msg] msg_actor published on answers: 42
wzt: delivered message on ask

"#]],
        &[("[ACCOUNT]", &account)],
    );

    // A request nobody answers fails clearly; so does a handler error.
    let out = env
        .wzt()
        .args([
            "run",
            &actor,
            "--message",
            "ask=meaning",
            "--message",
            "other=x",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("wzt: denied msg_actor messaging request on svc.meaning: no reply for subject svc.meaning"), "{err}");
    assert!(
        err.contains("wzt: the handler failed the message on other: no handler for subject other"),
        "{err}"
    );

    let out = env.wzt().args(["run", &actor]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_trace_file_holds_one_line_per_call() {
    let env = setup();
    let actor = signed(&env, "kv-actor", "http,kv,log");
    let (code, _, err) = request(
        &env,
        &actor,
        "/incr?key=t",
        &["--mock-caps", "--trace-file", "trace.jsonl"],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(env.path("trace.jsonl")).unwrap();
    let calls: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let names: Vec<&str> = calls.iter().map(|c| c["call"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        vec![
            "wasi:keyvalue/store.open",
            "wasi:keyvalue/atomics.increment",
            "wasi:logging/logging.log"
        ]
    );
    assert_eq!(calls[1]["args"], "default/t by 1");
    assert_eq!(calls[1]["result"], "1");
    assert_eq!(calls[1]["actor"], "kv_actor");
    assert_eq!(calls[1]["denied"], false);
    assert!(calls[1]["duration_us"].is_u64());
}

#[test]
fn providers_are_linked_only_when_granted() {
    let env = setup();
    let actor = signed(&env, "kv-actor", "http,log");
    let (code, _, err) = request(&env, &actor, "/incr", &[]);
    assert_eq!(code, 1);
    assert!(err.contains("the actor imports wasi:keyvalue/store@0.2.0-draft, which needs the K/V Store capability (kv); it is not granted: re-sign it with `wzt sign --caps kv`"), "{err}");
    assert!(
        !env.path(".wzt").exists(),
        "no store is created for an actor that may not use it"
    );
}

/// 50 concurrent requests increment one key with `atomics.increment`; the total is exact.
#[test]
fn concurrent_increments_give_the_exact_total() {
    let env = setup();
    let actor = signed(&env, "kv-actor", "http,kv,log");
    for mode in [&[][..], &["--mock-caps"][..]] {
        let server = Server::run(
            &env,
            &actor,
            &[&["--log-level", "error"][..], mode].concat(),
        );
        let key = format!("c{}", mode.len());
        let started = Instant::now();
        let handles: Vec<_> = (0..50)
            .map(|_| {
                let client = server.client();
                let path = format!("/incr?key={key}");
                std::thread::spawn(move || client.get(&path))
            })
            .collect();
        for h in handles {
            let response = h.join().unwrap();
            assert_eq!(response.status, 200, "{response:?}");
        }
        assert!(started.elapsed() < Duration::from_secs(60));
        let total = server.get(&format!("/get?key={key}"));
        assert_eq!((total.status, total.body.as_str()), (200, "50"), "{mode:?}");
    }
}

#[test]
fn the_key_value_file_is_created_on_first_use_not_when_kv_is_granted() {
    let env = setup();
    let actor = signed(&env, "kv-actor", "http,kv,log");
    let (code, _, err) = request(&env, &actor, "/log", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("  kv        sqlite .wzt/kv.sqlite"), "{err}");
    assert!(
        !env.path(".wzt").exists(),
        "nothing made before a key-value call"
    );
    let (code, out, err) = request(&env, &actor, "/incr?key=n", &[]);
    assert_eq!((code, out.as_str()), (0, "n=1\n"), "{err}");
    assert!(env.path(".wzt/kv.sqlite").is_file());
    // An existing store that is not safe is still refused at start.
    std::fs::remove_file(env.path(".wzt/kv.sqlite")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", env.path(".wzt/kv.sqlite")).unwrap();
    let (code, _, err) = request(&env, &actor, "/log", &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("is a symbolic link; wzt does not follow one for its key-value store"),
        "{err}"
    );
}
