//! Per-resource grants (docs/design.md §14): scopes signed into the claims, enforced by each
//! provider locally, in mock mode and on a real lattice, narrowed (never widened) by runner
//! flags, learned from a trace, shown by `inspect`, gated by policy and by `inspect --against`.

use snapbox::str;

use crate::common::{
    self, Env, Nats, Server, assert_snapshot, local_server, run_request as request, stderr_of,
};

const P2: &str = "wasm32-wasip2";

fn setup() -> Env {
    let env = Env::new();
    common::store_account(&env);
    env
}

/// Signs fixture `name` with `caps` and the `--scope`s given, into `NAME_s.wasm`.
fn signed(env: &Env, name: &str, caps: &str, scopes: &[&str]) -> String {
    let mut extra = Vec::new();
    for scope in scopes {
        extra.extend(["--scope", scope]);
    }
    common::sign_fixture(env, name, P2, caps, &format!("{name}_s.wasm"), &extra)
}

/// The one stderr line that reports a denial.
fn denial_lines(err: &str) -> Vec<&str> {
    err.lines()
        .filter(|l| l.starts_with("wzt: denied"))
        .collect()
}

#[test]
fn a_kv_actor_opens_its_signed_bucket_and_is_denied_another_locally_and_mocked() {
    let env = setup();
    let actor = signed(&env, "kv-actor", "http,kv,log", &["kv.bucket=app"]);
    for mode in [&[][..], &["--mock-caps"][..]] {
        let (code, out, err) = request(&env, &actor, "/incr?key=a&bucket=app", mode);
        assert_eq!((code, out.as_str()), (0, "a=1\n"), "{err}");
        assert!(err.contains("  scopes    kv.bucket: app\n"), "{err}");
        let mut args = mode.to_vec();
        args.extend(["--trace-file", "trace.jsonl"]);
        let (code, out, err) = request(&env, &actor, "/incr?key=a&bucket=other", &args);
        assert_eq!(code, 1);
        assert_eq!(out, "open other: Error::AccessDenied\n");
        assert_eq!(
            denial_lines(&err),
            [
                "wzt: denied kv_actor key-value bucket other: outside the signed scope kv.bucket (app); grant it with --scope kv.bucket=other (in a project: kv.bucket in [actor.scopes] of wzt.toml)"
            ],
            "{err}"
        );
        let trace = String::from_utf8(env.read("trace.jsonl")).unwrap();
        let line: serde_json::Value = serde_json::from_str(trace.lines().next().unwrap()).unwrap();
        assert_eq!(line["call"], "wasi:keyvalue/store.open");
        assert_eq!(line["denied"], true);
        assert_eq!(
            line["resource"],
            serde_json::json!({"kind": "kv.bucket", "value": "other"})
        );
    }
}

#[test]
fn outbound_http_reaches_the_signed_destinations_only_and_flags_only_narrow() {
    let env = setup();
    let port = local_server("from the test server");
    let scope = format!("httpclient.host=http://127.0.0.1:{port}");
    let actor = signed(&env, "http-client-actor", "http,httpclient", &[&scope]);
    // With a scope and no --allow-host, the scope is what may be reached.
    let (code, out, err) = request(
        &env,
        &actor,
        &format!("/fetch?url=http://127.0.0.1:{port}/data"),
        &[],
    );
    assert_eq!(
        (code, out.as_str()),
        (0, "200 from the test server"),
        "{err}"
    );
    // Another port of the same address is outside, even when --allow-host would allow it:
    // refused at start, exit 2, naming the scope.
    let other = format!("127.0.0.1:{}", port.wrapping_add(1));
    let (code, _, err) = request(
        &env,
        &actor,
        &format!("/fetch?url=http://{other}/"),
        &["--allow-host", &other],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "--allow-host {other} is outside the actor's signed scope httpclient.host (http://127.0.0.1:{port}): flags can only narrow what was signed"
        )),
        "{err}"
    );
    let (code, out, err) = request(
        &env,
        &actor,
        &format!("/fetch?url=http://{other}/"),
        &["--trace-caps"],
    );
    assert_eq!(
        (code, out.as_str()),
        (1, "error: ErrorCode::HttpRequestDenied\n")
    );
    assert_eq!(
        denial_lines(&err),
        [format!(
            "wzt: denied http_client_actor outgoing HTTP request GET http://{other}/: outside the signed scope httpclient.host (http://127.0.0.1:{port}); grant it with --scope httpclient.host=http://{other} (in a project: httpclient.host in [actor.scopes] of wzt.toml)"
        )],
        "{err}"
    );
    assert!(err.contains(" DENIED\n"), "{err}");
    // Mock mode: a fixture outside the scope is never answered.
    env.write(
        "fixtures.toml",
        b"[[response]]\nurl = \"http://evil.example/*\"\nbody = \"leak\"\n",
    );
    let (code, out, err) = request(
        &env,
        &actor,
        "/fetch?url=http://evil.example/x",
        &["--http-fixtures", "fixtures.toml"],
    );
    assert_eq!(
        (code, out.as_str()),
        (1, "error: ErrorCode::HttpRequestDenied\n")
    );
    assert_eq!(denial_lines(&err).len(), 1, "{err}");
}

#[test]
fn config_keys_outside_the_scope_read_as_absent() {
    let env = setup();
    let actor = signed(
        &env,
        "config-actor",
        "http,config",
        &["config.key=greeting"],
    );
    let values = ["--config", "greeting=hi", "--config", "secret=s3"];
    let (code, out, err) = request(&env, &actor, "/get?key=greeting", &values);
    assert_eq!((code, out.as_str()), (0, "draft=hi rc=hi\n"), "{err}");
    let (_, out, err) = request(&env, &actor, "/get?key=secret", &values);
    assert!(!out.contains("s3"), "{out}");
    assert_eq!(denial_lines(&err).len(), 2, "one per config version: {err}");
    let (_, out, _) = request(&env, &actor, "/all", &values);
    assert_eq!(out, "greeting=hi\n");
}

#[test]
fn messages_outside_the_subscribe_scope_are_not_delivered_and_publishes_outside_are_refused() {
    let env = setup();
    let actor = signed(
        &env,
        "msg-actor",
        "msg",
        &[
            "msg.subscribe=greet",
            "msg.subscribe=ask",
            "msg.publish=greetings",
        ],
    );
    let out = env
        .wzt()
        .args([
            "run",
            &actor,
            "--message",
            "greet=ann",
            "--message",
            "other=x",
        ])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("[msg] msg_actor published on greetings: hello, ann"),
        "{err}"
    );
    assert_eq!(
        denial_lines(&err),
        [
            "wzt: denied msg_actor message on other: outside the signed scope msg.subscribe (ask, greet); grant it with --scope msg.subscribe=other (in a project: msg.subscribe in [actor.scopes] of wzt.toml)"
        ]
    );
    // `ask` requests svc.x, which msg.publish does not allow: the handler sees the refusal.
    let out = env
        .wzt()
        .args(["run", &actor, "--message", "ask=x"])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(
        err.contains("wzt: the handler failed the message on ask: svc.x is outside the actor's signed msg.publish scope"),
        "{err}"
    );
    assert_eq!(denial_lines(&err).len(), 1, "{err}");
}

#[test]
fn the_lattice_enforces_both_ends() {
    let env = setup();
    env.wzt()
        .args(["keys", "gen", "cluster"])
        .assert()
        .success();
    let nats = Nats::start();
    let url = nats.url();
    let greeter = signed(&env, "msg-actor", "msg", &["msg.subscribe=greet"]);
    // A subscription outside the signed scope is refused at start.
    let out = env
        .wzt()
        .args([
            "run",
            &greeter,
            "--lattice",
            &url,
            "--subscribe",
            "orders.>",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains(
            "--subscribe orders.> is outside the actor's signed scope msg.subscribe (greet)"
        ),
        "{}",
        stderr_of(&out)
    );
    let b = Server::subscriber(&env, &greeter, &["--lattice", &url, "--subscribe", "greet"]);
    // The front may request on greet only.
    common::sign_fixture(
        &env,
        "greeter-http",
        P2,
        "http,msg",
        "front_s.wasm",
        &["--scope", "msg.publish=greet"],
    );
    let a = Server::run(&env, "front_s.wasm", &["--lattice", &url]);
    let response = a.get("/greet/ann");
    assert_eq!(response.status, 200, "{response:?}\nA: {}", a.stderr());
    assert_eq!(response.body, "hello, ann");
    assert!(!b.stderr().contains("denied"), "{}", b.stderr());
    // A front allowed to publish elsewhere only is stopped at the sending host.
    common::sign_fixture(
        &env,
        "greeter-http",
        P2,
        "http,msg",
        "narrow_s.wasm",
        &["--scope", "msg.publish=orders.>"],
    );
    let c = Server::run(&env, "narrow_s.wasm", &["--lattice", &url]);
    let response = c.get("/greet/bob");
    assert_ne!(response.status, 200, "{response:?}");
    c.stderr_containing(&["wzt: denied greeter_http messaging request on greet: outside the signed scope msg.publish (orders.>)"]);
}

#[test]
fn scopes_learned_from_a_trace_pass_the_same_run_and_fail_one_more_resource() {
    let env = setup();
    let unscoped = signed(&env, "kv-actor", "http,kv,log", &[]);
    for bucket in ["app", "cache"] {
        let (code, _, err) = request(
            &env,
            &unscoped,
            &format!("/incr?key=k&bucket={bucket}"),
            &["--mock-caps", "--trace-file", &format!("{bucket}.jsonl")],
        );
        assert_eq!(code, 0, "{err}");
    }
    let trace = [env.read("app.jsonl"), env.read("cache.jsonl")].concat();
    env.write("trace.jsonl", &trace);
    let out = env
        .wzt()
        .arg("sign")
        .arg(common::fixture("kv-actor", P2))
        .args(["--caps", "http,kv,log", "--scopes-from", "trace.jsonl"])
        .args(["-o", "learned.wasm"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("derived from trace.jsonl: kv.bucket=app, cache"),
        "{}",
        stderr_of(&out)
    );
    for bucket in ["app", "cache"] {
        let (code, _, err) = request(
            &env,
            "learned.wasm",
            &format!("/incr?key=k&bucket={bucket}"),
            &["--mock-caps"],
        );
        assert_eq!(code, 0, "{err}");
    }
    let (code, _, err) = request(
        &env,
        "learned.wasm",
        "/incr?key=k&bucket=more",
        &["--mock-caps"],
    );
    assert_eq!(code, 1);
    assert_eq!(denial_lines(&err).len(), 1, "{err}");
}

#[test]
fn inspect_shows_scopes_and_against_gates_a_release_that_asks_for_more() {
    let env = setup();
    let old = common::sign_fixture(
        &env,
        "kv-actor",
        P2,
        "http,kv,log",
        "old.wasm",
        &["--scope", "kv.bucket=app"],
    );
    let out = env.wzt().args(["inspect", &old]).output().unwrap();
    let text = common::stdout_of(&out);
    assert!(
        text.contains("| Scopes           | kv.bucket: app "),
        "{text}"
    );
    let json = env.json(&["inspect", &old], 0);
    assert_eq!(json["claims"]["wascap"]["scopes"]["kv.bucket"][0], "app");
    assert_eq!(json["caps"][1]["scoped"], true);

    // The same scopes: exit 0.
    let same = common::sign_fixture(
        &env,
        "kv-actor",
        P2,
        "http,kv,log",
        "same.wasm",
        &["--scope", "kv.bucket=app"],
    );
    let out = env
        .wzt()
        .args(["inspect", &same, "--against", &old])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        common::stdout_of(&out).ends_with("Compared with old.wasm: adds no grant and no scope\n")
    );
    // More buckets and a new capability: exit 1, each listed.
    let wider = common::sign_fixture(
        &env,
        "kv-actor",
        P2,
        "http,kv,log,config",
        "wider.wasm",
        &["--scope", "kv.bucket=app", "--scope", "kv.bucket=cache"],
    );
    let out = env
        .wzt()
        .args(["inspect", &wider, "--against", &old])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = common::stdout_of(&out);
    let tail = &text[text.find("Compared with").unwrap()..];
    assert_snapshot(
        tail,
        str![[r#"
Compared with old.wasm: reaches more than it
  + grant Runtime Config (config)
  + scope kv.bucket=cache

"#]],
        &[],
    );
    let json = env.json(&["inspect", &wider, "--against", &old], 1);
    assert_eq!(json["against"]["widens"], true);
    assert_eq!(json["against"]["added_scopes"][0][1], "cache");
    // Dropping the scopes widens too.
    let whole = common::sign_fixture(&env, "kv-actor", P2, "http,kv,log", "whole.wasm", &[]);
    let out = env
        .wzt()
        .args(["inspect", &whole, "--against", &old])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stdout_of(&out)
            .contains("  + K/V Store is unscoped now (the whole capability; it was scoped)"),
        "{}",
        common::stdout_of(&out)
    );
}

#[test]
fn the_policy_can_require_scopes_and_bound_them() {
    let env = setup();
    let whole = signed(&env, "kv-actor", "http,kv,log", &[]);
    let json = env.json(&["verify", &whole, "--require-scoped"], 1);
    assert_eq!(json[0]["failures"][0]["code"], "unscoped_grant");
    let scoped = common::sign_fixture(
        &env,
        "kv-actor",
        P2,
        "http,kv,log",
        "scoped.wasm",
        &["--scope", "kv.bucket=other"],
    );
    env.json(&["verify", &scoped, "--require-scoped"], 0);
    let json = env.json(&["verify", &scoped, "--allow-scope", "kv.bucket=app-*"], 1);
    assert_eq!(json[0]["failures"][0]["code"], "scope_not_allowed");
    env.write(
        "policy.toml",
        b"require_scoped = true\n[allowed_scopes]\n\"kv.bucket\" = [\"oth*\"]\n",
    );
    env.json(&["verify", &scoped, "--policy", "policy.toml"], 0);
    // The same policy refuses the run of the unscoped one.
    let (code, _, err) = request(&env, &whole, "/", &["--policy", "policy.toml"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("[unscoped_grant] K/V Store (kv) is granted without scopes"),
        "{err}"
    );
}

#[test]
fn malformed_scopes_are_refused_before_any_key_is_made() {
    let env = Env::new();
    let wasm = common::fixture("kv-actor", P2);
    for (scope, why) in [
        ("kv.bucket=", "the value is empty"),
        (
            "httpclient.host=http://",
            "there is no host after the scheme",
        ),
        ("msg.publish=a b", "it holds a space"),
        ("kv.prefix=x", "unknown scope kind 'kv.prefix'"),
        ("kv.bucket", "expected KIND=VALUE"),
    ] {
        let out = env
            .wzt()
            .arg("sign")
            .arg(&wasm)
            .args(["--caps", "http,kv", "--scope", scope, "--generate-keys"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{scope}");
        assert!(
            stderr_of(&out).contains(why),
            "{scope}: {}",
            stderr_of(&out)
        );
    }
    // A scope of a capability that is not granted.
    let out = env
        .wzt()
        .arg("sign")
        .arg(&wasm)
        .args([
            "--caps",
            "http",
            "--scope",
            "kv.bucket=a",
            "--generate-keys",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out)
            .contains("kv.bucket scopes the K/V Store capability (kv), which is not granted"),
        "{}",
        stderr_of(&out)
    );
    assert!(
        !env.keys_dir().join("account.nk").exists(),
        "no key was made"
    );
}

/// A token signed by a trusted issuer whose scopes are hostile: unknown kinds, escape
/// sequences, a kind given twice.
#[test]
fn hostile_scopes_in_a_token_fail_verification_with_a_code_and_are_shown_escaped() {
    let env = Env::new();
    let account = common::store_account(&env);
    let bytes = common::http_component();
    for (scopes, code) in [
        (r#"{"kv.prefix":["x"]}"#, "unknown_scope"),
        (r#"{"kv.bucket":["a\u001b[2Jb"]}"#, "bad_scope"),
        (r#"{"msg.publish":["a..b"]}"#, "bad_scope"),
        (r#"{"kv.bucket":["app"]}"#, "bad_scope"),
        (
            r#"{"kv.bucket":["a"],"kv.bucket":["b"]}"#,
            "malformed_claims",
        ),
        (r#"{"kv.bucket":"app"}"#, "malformed_claims"),
    ] {
        let claims = common::claims_for(&bytes, &account);
        let mut json = serde_json::to_value(&claims).unwrap();
        json["wascap"]["scopes"] = serde_json::Value::Null;
        // Splice the raw text in, so duplicate keys survive.
        let text = serde_json::to_string(&json)
            .unwrap()
            .replace("\"scopes\":null", &format!("\"scopes\":{scopes}"));
        let token = wzt::claims::encode_payload(text.as_bytes(), &account).unwrap();
        env.write("hostile.wasm", &common::with_token(&bytes, &token));
        let json = env.json(&["verify", "hostile.wasm"], 1);
        let codes: Vec<&str> = json[0]["failures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&code), "{scopes}: {codes:?}");
        let out = env.wzt().args(["verify", "hostile.wasm"]).output().unwrap();
        let text = common::stdout_of(&out);
        assert!(!text.contains('\u{1b}'), "{scopes}: {text}");
    }
}

#[test]
fn ten_thousand_scopes_fit_in_a_token_and_verify() {
    let env = setup();
    let mut buckets = String::from("[");
    for i in 0..10_000 {
        buckets.push_str(&format!("\"bucket-{i:05}\","));
    }
    buckets.push(']');
    std::fs::copy(common::fixture("kv-actor", P2), env.path("kv.wasm")).unwrap();
    env.write(
        "wzt.toml",
        format!(
            "[actor]\nname = \"many\"\ncaps = [\"http\", \"kv\", \"log\"]\n[actor.scopes]\nkv.bucket = {buckets}\n[build]\ncommand = \"true\"\nartifact = \"kv.wasm\"\n"
        )
        .as_bytes(),
    );
    env.wzt().arg("sign").assert().success();
    let json = env.json(&["inspect", "kv_s.wasm", "--jwt-only"], 0);
    let token = json["jwt"].as_str().unwrap();
    assert!(token.len() < 1 << 20, "{} bytes", token.len());
    env.json(&["verify", "kv_s.wasm"], 0);
    let (code, out, err) = request(
        &env,
        "kv_s.wasm",
        "/incr?key=k&bucket=bucket-09999",
        &["--mock-caps"],
    );
    assert_eq!((code, out.as_str()), (0, "k=1\n"), "{err}");
}
