//! What users of wash, spin and wasmtime type out of habit: `wzt build`, project-aware
//! commands and the `[dev]` table, `doctor`, the aliases, and no silent surprises.

use std::path::Path;

use crate::common::{self, Env, fixture, stderr_of, stdout_of};

const P2: &str = "wasm32-wasip2";

/// A project whose build copies `artifact` into `out/demo.wasm` (no compiler needed), with
/// `extra` appended to its wzt.toml.
fn project(env: &Env, artifact: &Path, extra: &str) {
    std::fs::create_dir_all(env.path("out")).unwrap();
    env.write(
        "wzt.toml",
        format!(
            r#"[actor]
name = "demo"
version = "1.2.0"
caps = ["auto"]

[build]
command = "cp '{}' out/demo.wasm"
artifact = "out/demo.wasm"
{extra}"#,
            artifact.display()
        )
        .as_bytes(),
    );
}

fn key_files(env: &Env) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(env.keys_dir())
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn dash_o_without_wasm_is_refused_off_a_terminal_and_nothing_is_made() {
    let env = Env::new();
    common::store_account(&env);
    env.write("a.wasm", &common::plain_component());
    let out = env
        .wzt()
        .args(["sign", "a.wasm", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: -o json: the output file does not end in .wasm. -o names the signed wasm file (for JSON output use --json); name a .wasm file, or confirm it on a terminal\n"
    );
    assert!(!env.path("json").exists());
    assert_eq!(key_files(&env), ["account.nk"], "no module key was made");
}

#[test]
fn wash_seed_variables_sign_and_no_key_is_generated() {
    let env = Env::new();
    env.write("a.wasm", &common::plain_component());
    let issuer = wzt::keys::Key::generate(wzt::keys::KeyRole::Account);
    let subject = wzt::keys::Key::generate(wzt::keys::KeyRole::Module);
    let out = env
        .wzt()
        .args(["sign", "a.wasm", "--json"])
        .env("WASH_ISSUER_KEY", issuer.seed())
        .env("WASH_SUBJECT_KEY", subject.seed())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["issuer"], issuer.public_key());
    assert_eq!(json[0]["subject"], subject.public_key());
    assert_eq!(stderr_of(&out), "", "no key generated, no notice");
    assert!(key_files(&env).is_empty());

    // WZT_ISSUER_SEED wins over wash's name for the same seed.
    let ours = wzt::keys::Key::generate(wzt::keys::KeyRole::Account);
    let out = env
        .wzt()
        .args(["sign", "a.wasm", "--json", "-o", "b.wasm"])
        .env("WASH_ISSUER_KEY", issuer.seed())
        .env("WZT_ISSUER_SEED", ours.seed())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["issuer"], ours.public_key());
}

#[test]
fn in_ci_a_missing_issuer_key_fails_with_the_fix_and_creates_nothing() {
    let env = Env::new();
    env.write("a.wasm", &common::plain_component());
    let out = env
        .wzt()
        .args(["sign", "a.wasm"])
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("WZT_ISSUER_SEED") && err.contains("`wzt keys gen account`"),
        "{err}"
    );
    assert!(key_files(&env).is_empty());
    assert!(!env.path("a_s.wasm").exists());
}

#[test]
fn a_bad_input_creates_no_key() {
    let env = Env::new();
    env.write("a.wat", b"(module)");
    let out = env
        .wzt()
        .args(["sign", "a.wat", "--generate-keys"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: a.wat: not a WebAssembly module or component (the file does not start with \\0asm)\n"
    );
    assert!(key_files(&env).is_empty(), "{:?}", key_files(&env));
}

#[test]
fn build_runs_the_build_signs_and_verifies_and_a_failed_build_exits_1() {
    let env = Env::new();
    common::store_account(&env);
    project(&env, &fixture("hello-cli", P2), "");
    let out = env.wzt().args(["build", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["name"], "demo");
    assert_eq!(json["ver"], "1.2.0");
    assert_eq!(json["issuer"], env.public_key("account"));
    assert_eq!(json["subject"], env.public_key("demo_module"));
    assert_eq!(
        Path::new(json["signed"].as_str().unwrap()),
        env.path("out/demo_s.wasm").canonicalize().unwrap()
    );
    // What was written verifies, and is what `verify`, `inspect` and `run` use by default.
    let verified = env.json(&["verify"], 0);
    assert_eq!(verified[0]["ok"], true);
    let out = env.wzt().args(["run", "--", "Ada"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "hello, Ada!\n");

    // Human output names the signed file and the claims.
    let out = env.wzt().args(["build"]).output().unwrap();
    let text = stdout_of(&out);
    assert!(text.starts_with("Built and signed "), "{text}");
    assert!(text.contains("  name demo, version 1.2.0\n"), "{text}");

    env.write(
        "wzt.toml",
        br#"[actor]
name = "demo"

[build]
command = "echo 'error[E0425]: cannot find value' >&2; exit 3"
artifact = "out/demo.wasm"
"#,
    );
    let out = env.wzt().args(["build"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(
        err.contains("the build failed")
            && err.contains("exit status: 3")
            && err.contains("error[E0425]: cannot find value"),
        "{err}"
    );
}

#[test]
fn the_dev_table_gives_project_runs_their_options_and_flags_override_it() {
    let env = Env::new();
    common::store_account(&env);
    project(
        &env,
        &fixture("hello-cli", P2),
        "\n[dev]\ntimeout = \"7s\"\nenv = { GREETING_NAME = \"file\" }\n",
    );
    // `--build` builds and signs first; the project's [dev] options apply.
    let out = env.wzt().args(["run", "--build"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "hello, file!\n");
    assert!(stderr_of(&out).contains("7s per invocation"));

    let out = env
        .wzt()
        .args(["serve", "--timeout", "9s", "-e", "GREETING_NAME=flag"])
        .output()
        .unwrap();
    assert_eq!(stdout_of(&out), "hello, flag!\n");
    assert!(stderr_of(&out).contains("9s per invocation"));

    // An explicit ACTOR is not the project: the table does not apply.
    let out = env.wzt().args(["run", "out/demo_s.wasm"]).output().unwrap();
    assert_eq!(stdout_of(&out), "hello, world!\n");
    assert!(stderr_of(&out).contains("30s per invocation"));

    // A key that is not a host option is named.
    project(&env, &fixture("hello-cli", P2), "\n[dev]\nlisten-on = 1\n");
    let out = env.wzt().args(["run"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("[dev] listen-on: not a host option"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn a_word_after_a_command_actor_gets_the_double_dash_hint() {
    let env = Env::new();
    env.write("cmd.wasm", &common::plain_component());
    let out = env
        .wzt()
        .args(["run", "cmd.wasm", "world"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: unexpected argument 'world' after the actor: arguments for a command actor go after `--`, e.g. `wzt run cmd.wasm -- world`\n"
    );
}

#[test]
fn caps_auto_grants_an_unsigned_actor_what_it_imports_within_the_policy() {
    let env = Env::new();
    let actor = fixture("http-actor", P2);
    let actor = actor.to_str().unwrap();
    let out = env
        .wzt()
        .args(["run", actor, "--allow-unsigned", "--caps", "auto"])
        .args(["--request", "GET /"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));

    let out = env
        .wzt()
        .args(["run", actor, "--allow-unsigned", "--caps", "auto"])
        .args(["--allow-cap", "log", "--request", "GET /"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains("[cap_not_allowed]"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn peer_commands_and_flags_map_to_wzt_ones() {
    let env = Env::new();
    let account = common::store_account(&env);
    env.write("a.wasm", &common::plain_component());
    env.wzt().args(["sign", "a.wasm"]).assert().success();

    let inspect = env.json(&["inspect", "a_s.wasm"], 0);
    let claims = env.json(&["claims", "inspect", "a_s.wasm"], 0);
    assert_eq!(inspect, claims);
    let out = env
        .wzt()
        .args(["claims", "sign", "a.wasm", "-o", "c.wasm"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(env.path("c.wasm").exists());

    let out = env.wzt().args(["keys", "get", "account"]).output().unwrap();
    assert!(stdout_of(&out).contains(account.public_key()));

    for alias in ["serve", "up"] {
        let out = env.wzt().args([alias, "--help"]).output().unwrap();
        assert!(
            stdout_of(&out).starts_with("Verify an actor and run it"),
            "{alias}"
        );
    }
    let out = env.wzt().args(["watch", "--help"]).output().unwrap();
    assert!(stdout_of(&out).starts_with("Build, sign and serve the project"));
    // --addr is --listen: a bad address is reported as --listen's.
    let out = env
        .wzt()
        .args(["run", "a_s.wasm", "--addr", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("invalid value 'nope' for '--listen <[HOST:]PORT>'"));

    // wash's `new component NAME`; a bare `new component` names nothing.
    let out = env
        .wzt()
        .args(["new", "component", "hello", "-t", "command"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(env.path("hello/wzt.toml").exists());
    assert!(!env.path("component").exists());
    let out = env.wzt().args(["new", "component"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!env.path("component").exists());

    let out = env.wzt().args(["new", "--list"]).output().unwrap();
    assert_eq!(
        stdout_of(&out),
        "http-hello  an HTTP actor that answers with a greeting (wasi:http)\n\
         kv-counter  an HTTP actor that counts visits in key-value storage and logs them\n\
         msg-greeter a messaging actor that answers requests on `greet` (host B of the lattice example)\n\
         msg-front   an HTTP actor that asks `greet` over messaging (host A of the lattice example)\n\
         command     a command actor (wasi:cli) that greets its arguments\n"
    );
}

#[test]
fn doctor_reports_each_check_with_a_fix_and_fails_on_an_unsafe_key_store() {
    let env = Env::new();
    let checks = env.json(&["doctor"], 0);
    let names: Vec<&str> = checks
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for name in ["keys", "key:account", "cache", "clock"] {
        assert!(names.contains(&name), "{names:?}");
    }
    let account = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "key:account")
        .unwrap();
    assert_eq!(account["status"], "warn");
    assert_eq!(
        account["fix"],
        "wzt keys gen account (add --encrypt to protect it with a passphrase)"
    );

    common::store_account(&env);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(env.keys_dir(), std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    let out = env.wzt().args(["doctor"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    assert!(text.contains("FAIL keys"), "{text}");
}

#[test]
fn a_hash_mismatch_in_a_token_before_revision_3_says_to_re_sign() {
    let env = Env::new();
    let account = common::store_account(&env);
    let bytes = common::plain_component();
    let mut claims = common::claims_for(&bytes, &account);
    claims.wascap_revision = Some(2);
    claims.metadata.module_hash = "0".repeat(64);
    let token = wzt::claims::encode(&claims, &account).unwrap();
    env.write("old.wasm", &common::with_token(&bytes, &token));
    let json = env.json(&["verify", "old.wasm"], 1);
    let failure = &json[0]["failures"][0];
    assert_eq!(failure["code"], "hash_mismatch");
    assert!(
        failure["message"]
            .as_str()
            .unwrap()
            .contains("the token predates wascap revision 3 (it says revision 2)"),
        "{failure}"
    );
}

#[test]
fn a_closed_stdout_ends_wzt_quietly_not_with_a_panic() {
    let env = Env::new();
    let mut child = env
        .command()
        .args(["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // `wzt … | head -1`: the reader goes away before wzt has written everything.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(stderr_of(&out), "");
    assert_ne!(out.status.code(), Some(101), "a panic exits 101");
}
