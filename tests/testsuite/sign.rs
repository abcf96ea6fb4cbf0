//! `wzt sign`, `wzt inspect` and `wzt verify` on good input, driven through the binary.

use std::os::unix::fs::PermissionsExt;

use snapbox::str;

use crate::common::{
    self, Env, assert_snapshot, core_module, http_component, plain_component, signature_sections,
    stderr_of, stdout_of,
};

#[test]
fn sign_writes_input_plus_one_section_and_leaves_the_input_alone() {
    for (name, bytes) in [
        ("module.wasm", core_module()),
        ("component.wasm", http_component()),
    ] {
        let env = Env::new();
        let account = common::store_account(&env);
        env.write(name, &bytes);
        let out = env.json(&["sign", name, "--caps", "http,kv", "--ver", "1.2.3"], 0);
        let result = &out[0];
        assert_eq!(result["ok"], true);
        let stem = name.trim_end_matches(".wasm");
        let output = format!("{stem}_s.wasm");
        assert_eq!(result["output"], output);
        assert_eq!(result["issuer"], account.public_key());
        assert_eq!(result["name"], stem);
        assert_eq!(result["ver"], "1.2.3");
        assert_eq!(
            result["caps"],
            serde_json::json!(["wasmcloud:httpserver", "wasmcloud:keyvalue"])
        );
        assert_eq!(result["module_hash"], common::module_hash(&bytes));
        // The input is untouched; the output is the input plus exactly one section.
        assert_eq!(env.read(name), bytes);
        let signed = env.read(&output);
        assert_eq!(&signed[..bytes.len()], bytes.as_slice());
        assert_eq!(signature_sections(&signed), 1);
        // The subject default is a per-file module key, generated once and reused.
        assert_eq!(result["subject"], env.public_key(&format!("{stem}_module")));

        let inspected = env.json(&["inspect", &output], 0);
        assert_eq!(inspected["signed"], true);
        assert_eq!(inspected["hash_matches"], true);
        assert_eq!(inspected["signature_valid"], true);
        assert_eq!(inspected["claims"]["wascap"]["ver"], "1.2.3");

        let verified = env.json(&["verify", &output], 0);
        assert_eq!(verified[0]["ok"], true);
        assert_eq!(verified[0]["failures"], serde_json::json!([]));
    }
}

#[test]
fn missing_default_keys_are_generated_with_a_notice_only_when_asked_unattended() {
    let env = Env::new();
    env.write("actor.wasm", &plain_component());
    let out = env
        .wzt()
        .args(["sign", "actor.wasm", "--disable-keygen"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let keys = env.keys_dir().display().to_string();
    assert_snapshot(
        &stderr_of(&out),
        str![[r#"
error: no account key 'account' in [KEYS] and --disable-keygen is set; create it with `wzt keys gen account --name account`

"#]],
        &[("[KEYS]", &keys)],
    );
    assert!(!env.path("actor_s.wasm").exists());

    // Unattended (stdin is not a terminal here), a missing issuer key is an error that names
    // the fixes, and nothing is created.
    let out = env.wzt().args(["sign", "actor.wasm"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_snapshot(
        &stderr_of(&out),
        str![[r#"
error: no account key 'account' in [KEYS] to sign with, and wzt does not create one unattended (CI is set or stdin is not a terminal): a key made here would be lost with this machine and nobody could trust what it signs. Create it once with `wzt keys gen account` and keep it, or give a seed through WZT_ISSUER_SEED (or WASH_ISSUER_KEY) or --issuer; pass --generate-keys to create it here anyway

"#]],
        &[("[KEYS]", &keys)],
    );
    assert!(!env.keys_dir().join("account.nk").exists());
    assert!(!env.keys_dir().join("actor_module.nk").exists());
    assert!(!env.path("actor_s.wasm").exists());

    let out = env
        .wzt()
        .args(["sign", "actor.wasm", "--generate-keys"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_snapshot(
        &stderr_of(&out),
        str![[r#"
note: generated account key 'account' ([ACCOUNT]) in [KEYS]/account.nk
note: generated module key 'actor_module' ([MODULE]) in [KEYS]/actor_module.nk

"#]],
        &[
            ("[ACCOUNT]", &env.public_key("account")),
            ("[MODULE]", &env.public_key("actor_module")),
            ("[KEYS]", &keys),
        ],
    );
    // The second run reuses them silently.
    let out = env.wzt().args(["sign", "actor.wasm"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(stderr_of(&out), "");
}

#[test]
fn resigning_replaces_the_old_signature() {
    let env = Env::new();
    common::store_account(&env);
    let bytes = http_component();
    env.write("actor.wasm", &bytes);
    env.wzt()
        .args(["sign", "actor.wasm", "--caps", "http"])
        .assert()
        .success();
    let first = env.read("actor_s.wasm");
    let out = env.json(
        &[
            "sign",
            "actor_s.wasm",
            "--caps",
            "http,kv",
            "-o",
            "again.wasm",
        ],
        0,
    );
    assert_eq!(out[0]["replaced_signatures"], 1);
    let again = env.read("again.wasm");
    assert_eq!(signature_sections(&again), 1);
    assert_eq!(&again[..bytes.len()], bytes.as_slice());
    assert_ne!(first, again);
    env.wzt().args(["verify", "again.wasm"]).assert().success();
    // --in-place replaces the input itself, still with one section.
    env.wzt()
        .args(["sign", "again.wasm", "--in-place", "--caps", "kv"])
        .assert()
        .success();
    assert_eq!(signature_sections(&env.read("again.wasm")), 1);
    env.wzt().args(["verify", "again.wasm"]).assert().success();
}

#[test]
fn caps_auto_grants_exactly_what_is_imported() {
    let env = Env::new();
    common::store_account(&env);
    env.write("c.wasm", &http_component());
    env.write("m.wasm", &core_module());
    env.write("p.wasm", &plain_component());
    let out = env.json(&["sign", "c.wasm", "m.wasm", "p.wasm", "--caps", "auto"], 0);
    assert_eq!(
        out[0]["caps"],
        serde_json::json!(["wasmcloud:httpserver", "wasmcloud:keyvalue"])
    );
    assert_eq!(out[1]["caps"], serde_json::json!(["wasi:filesystem"]));
    assert_eq!(out[2]["caps"], serde_json::json!([]));
    let inspected = env.json(&["inspect", "c_s.wasm"], 0);
    assert_eq!(inspected["missing_grants"], serde_json::json!([]));
    assert_eq!(inspected["unused_grants"], serde_json::json!([]));

    let out = env
        .wzt()
        .args(["sign", "c.wasm", "--caps", "auto,kv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains(
        "--caps auto stands alone (`auto`: exactly what the artifact imports; `none`: no grants)"
    ));
}

#[test]
fn unknown_capabilities_are_refused_and_contract_ids_kept() {
    let env = Env::new();
    common::store_account(&env);
    env.write("p.wasm", &plain_component());
    let out = env
        .wzt()
        .args(["sign", "p.wasm", "--caps", "keyvalue"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).starts_with(
            "error: unknown capability 'keyvalue' (did you mean `kv`, K/V Store?): use an alias (http, httpclient, kv,"
        )
    );
    let out = env.json(
        &["sign", "p.wasm", "--caps", "acme:custom", "-c", "log,log"],
        0,
    );
    assert_eq!(
        out[0]["caps"],
        serde_json::json!(["acme:custom", "wasmcloud:builtin:logging"])
    );
    // Unknown contract ids are shown raw.
    let out = env.wzt().args(["inspect", "p_s.wasm"]).output().unwrap();
    assert!(stdout_of(&out).contains("| Capabilities     | acme:custom, Logging"));
}

#[test]
fn claims_carry_the_validity_window_and_metadata() {
    let env = Env::new();
    common::store_account(&env);
    env.write("p.wasm", &plain_component());
    let out = env.json(
        &[
            "sign",
            "p.wasm",
            "--expires",
            "2h",
            "--not-before",
            "2020-01-01T00:00:00Z",
            "--rev",
            "-4",
            "--tag",
            "a",
            "--tag",
            "b c",
            "--call-alias",
            "team/echo_1",
            "--name",
            "Echo",
        ],
        0,
    );
    let r = &out[0];
    assert_eq!(
        r["expires"].as_u64().unwrap(),
        r["issued_at"].as_u64().unwrap() + 7200
    );
    assert_eq!(r["not_before"], 1577836800);
    assert_eq!(r["rev"], -4);
    assert_eq!(r["tags"], serde_json::json!(["a", "b c"]));
    assert_eq!(r["call_alias"], "team/echo_1");
    assert_eq!(r["name"], "Echo");
    let claims = &env.json(&["inspect", "p_s.wasm"], 0)["claims"];
    assert_eq!(claims["nbf"], 1577836800);
    assert_eq!(claims["wascap"]["call_alias"], "team/echo_1");
    assert_eq!(claims["wascap"]["prov"], false);
    assert_eq!(claims["wascap_revision"], 3);

    for (alias, why) in [
        ("", "it is empty"),
        ("Echo", "use lower-case letters, digits, '_' and '/' only"),
        ("a-b", "use lower-case letters, digits, '_' and '/' only"),
    ] {
        let out = env
            .wzt()
            .args(["sign", "p.wasm", "--call-alias", alias])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{alias}");
        assert_eq!(
            stderr_of(&out),
            format!("error: invalid call alias '{alias}': {why}\n")
        );
    }
    let module_key = env.public_key("p_module");
    let out = env
        .wzt()
        .args(["sign", "p.wasm", "--call-alias", &module_key])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("it is a public key"));
    let out = env
        .wzt()
        .args(["sign", "p.wasm", "--expires", "someday"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--expires: 'someday' is neither a duration"));
}

#[test]
fn keys_come_from_names_files_stdin_or_the_environment() {
    let env = Env::new();
    env.write("p.wasm", &plain_component());
    let issuer = wzt::keys::Key::generate(wzt::keys::KeyRole::Account);
    let subject = wzt::keys::Key::generate(wzt::keys::KeyRole::Module);

    // From standard input.
    let out = env
        .wzt()
        .args([
            "sign",
            "p.wasm",
            "--issuer",
            "-",
            "--json",
            "--disable-keygen",
        ])
        .args(["--subject", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("cannot both read standard input"));
    let out = env
        .wzt()
        .args(["sign", "p.wasm", "--issuer", "-", "--json"])
        .write_stdin(format!("{}\n", issuer.seed()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["issuer"], issuer.public_key());

    // From the environment, for CI.
    let out = env
        .wzt()
        .args(["sign", "p.wasm", "--json", "--disable-keygen"])
        .env("WZT_ISSUER_SEED", issuer.seed())
        .env("WZT_SUBJECT_SEED", subject.seed())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["issuer"], issuer.public_key());
    assert_eq!(json[0]["subject"], subject.public_key());

    // From a seed file, which must be private.
    let seed_file = env.path("issuer.seed");
    std::fs::write(&seed_file, issuer.seed()).unwrap();
    std::fs::set_permissions(&seed_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = env.json(&["sign", "p.wasm", "--issuer", "issuer.seed"], 0);
    assert_eq!(out[0]["issuer"], issuer.public_key());
    std::fs::set_permissions(&seed_file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = env
        .wzt()
        .args(["sign", "p.wasm", "--issuer", "issuer.seed"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("chmod 600"));

    // Roles are enforced.
    env.wzt()
        .args(["keys", "gen", "module", "--name", "m"])
        .assert()
        .success();
    let out = env
        .wzt()
        .args(["sign", "p.wasm", "--issuer", "m"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: the issuer must be an account key (SA…), but m is a module key\n"
    );
    env.wzt()
        .args(["keys", "gen", "account", "--name", "acct"])
        .assert()
        .success();
    let out = env
        .wzt()
        .args(["sign", "p.wasm", "--issuer", "-", "--subject", "acct"])
        .write_stdin(issuer.seed())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: the subject must be a module key (SM…), but acct is an account key\n"
    );
}

#[test]
fn output_options_and_their_guards() {
    let env = Env::new();
    common::store_account(&env);
    let bytes = plain_component();
    env.write("a.wasm", &bytes);
    env.write("b.wasm", &bytes);
    std::fs::set_permissions(env.path("a.wasm"), std::fs::Permissions::from_mode(0o755)).unwrap();

    env.wzt()
        .args(["sign", "a.wasm", "-o", "custom.wasm"])
        .assert()
        .success();
    assert_eq!(signature_sections(&env.read("custom.wasm")), 1);
    // The output keeps the input's permissions.
    assert_eq!(
        std::fs::metadata(env.path("custom.wasm"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o755
    );

    env.wzt()
        .args(["sign", "a.wasm", "b.wasm", "--out-dir", "signed"])
        .assert()
        .success();
    assert!(env.path("signed/a_s.wasm").exists());
    assert!(env.path("signed/b_s.wasm").exists());

    let out = env
        .wzt()
        .args(["sign", "a.wasm", "b.wasm", "-o", "x.wasm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("-o/--output takes one input"));

    let out = env
        .wzt()
        .args(["sign", "a.wasm", "-o", "a.wasm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("pass --in-place to replace the input"));
    assert_eq!(env.read("a.wasm"), bytes);

    let out = env
        .wzt()
        .args(["sign", "a.wasm", "--in-place", "-o", "y.wasm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("cannot be used with"));
}

#[test]
fn one_bad_input_does_not_stop_the_others() {
    let env = Env::new();
    common::store_account(&env);
    env.write("good.wasm", &plain_component());
    env.write("bad.wasm", b"this is not wasm");
    let out = env
        .wzt()
        .args(["sign", "bad.wasm", "missing.wasm", "good.wasm", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["ok"], false);
    assert_eq!(
        json[0]["error"],
        "not a WebAssembly module or component (the file does not start with \\0asm)"
    );
    assert_eq!(json[1]["ok"], false);
    assert_eq!(json[1]["error"], "no such file");
    assert_eq!(json[2]["ok"], true);
    assert!(env.path("good_s.wasm").exists());
    assert!(!env.path("bad_s.wasm").exists());
    let err = stderr_of(&out);
    assert!(
        err.contains("error: bad.wasm: not a WebAssembly module"),
        "{err}"
    );
    // No temporary files are left behind by the failed input.
    let leftovers: Vec<_> = std::fs::read_dir(env.work())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn inspect_describes_unsigned_and_rejects_non_wasm() {
    let env = Env::new();
    env.write("p.wasm", &plain_component());
    let json = env.json(&["inspect", "p.wasm"], 0);
    assert_eq!(json["signed"], false);
    assert_eq!(json["kind"], "component");
    assert_eq!(json["claims"], serde_json::Value::Null);
    let out = env.wzt().args(["inspect", "p.wasm"]).output().unwrap();
    assert!(out.status.success());
    let hash = common::module_hash(&plain_component());
    assert_snapshot(
        &stdout_of(&out),
        str![[r#"
p.wasm: component, unsigned
Module hash: [HASH]
Interfaces: none need a grant

"#]],
        &[("[HASH]", &hash)],
    );

    let out = env
        .wzt()
        .args(["inspect", "p.wasm", "--jwt-only"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr_of(&out),
        "the artifact is not signed: there is no token\n"
    );

    env.write("text.wasm", b"(module)");
    let out = env.wzt().args(["inspect", "text.wasm"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: cannot read text.wasm\n  caused by: not a WebAssembly module or component (the file does not start with \\0asm)\n"
    );
    let out = env.wzt().args(["inspect", "nope.wasm"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).starts_with("error: nope.wasm does not exist\n"));
}

#[test]
fn inspect_shows_the_token_grants_and_escapes_artifact_strings() {
    let env = Env::new();
    common::store_account(&env);
    env.write("c.wasm", &http_component());
    env.wzt()
        .args(["sign", "c.wasm", "--caps", "http,msg"])
        .args([
            "--name",
            "evil\x1b]0;pwned\x07\nname",
            "--tag",
            "\u{202e}gnp.exe",
        ])
        .assert()
        .success();
    let out = env.wzt().args(["inspect", "c_s.wasm"]).output().unwrap();
    assert!(out.status.success());
    let text = stdout_of(&out);
    assert!(!text.contains('\x1b') && !text.contains('\x07') && !text.contains('\u{202e}'));
    let hash = common::module_hash(&http_component());
    assert_snapshot(
        &text,
        str![[r#"
c_s.wasm: component, signed
+------------------+----------------------------------------------------------+
| Name             | evil\u{1b}]0;pwned\u{7}\nname                            |
| Issuer (account) | [ACCOUNT] |
| Subject (module) | [MODULE] |
| Module hash      | matches the artifact (below)                             |
| Signature        | valid                                                    |
| Issued           | [..] |
| Expires          | never                                                    |
| Not before       | immediately                                              |
| Version          | -                                                        |
| Revision         | -                                                        |
| Call alias       | -                                                        |
| Capabilities     | HTTP Server, Messaging                                   |
| Scopes           | msg: unscoped (every subject)                            |
| Tags             | \u{202e}gnp.exe                                          |
| Token id         | [..] |
+------------------+----------------------------------------------------------+
Module hash:  [HASH]
+----------------------------------+-----------+----------------------------+---------+
| Interface                        | Direction | Needs                      | Status  |
+=====================================================================================+
| wasi:http/types@0.2.0            | import    | HTTP Server or HTTP Client | granted |
| wasi:keyvalue/store@0.2.0-draft  | import    | K/V Store                  | missing |
| wasi:http/incoming-handler@0.2.0 | export    | HTTP Server                | granted |
+----------------------------------+-----------+----------------------------+---------+
Always linked (no grant needed): 1 import from wasi:io
missing grants: wasi:keyvalue/store@0.2.0-draft (re-sign with `wzt sign --caps auto` or list them in --caps)
unused grants: Messaging (granted but never imported)

"#]],
        &[
            ("[ACCOUNT]", &env.public_key("account")),
            ("[MODULE]", &env.public_key("c_module")),
            ("[HASH]", &hash),
        ],
    );

    let json = env.json(&["inspect", "c_s.wasm"], 0);
    assert_eq!(
        json["missing_grants"],
        serde_json::json!(["wasi:keyvalue/store@0.2.0-draft"])
    );
    assert_eq!(
        json["unused_grants"],
        serde_json::json!(["wasmcloud:messaging"])
    );
    assert_eq!(
        json["caps"][1],
        serde_json::json!({"id": "wasmcloud:messaging", "name": "Messaging", "scoped": false})
    );

    let out = env
        .wzt()
        .args(["inspect", "c_s.wasm", "--jwt-only"])
        .output()
        .unwrap();
    let jwt = stdout_of(&out);
    let token = wzt::claims::Token::parse(jwt.trim_end()).unwrap();
    token.verify_signature().unwrap();
    assert_eq!(
        token.claims.metadata.module_hash,
        common::module_hash(&http_component())
    );
}

#[test]
fn verify_reports_each_file_and_the_worst_exit_code() {
    let env = Env::new();
    common::store_account(&env);
    env.write("p.wasm", &plain_component());
    env.wzt().args(["sign", "p.wasm"]).assert().success();
    let out = env
        .wzt()
        .args(["verify", "p_s.wasm", "p.wasm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let account = env.public_key("account");
    assert_snapshot(
        &stdout_of(&out),
        str![[r#"
PASS p_s.wasm (p, issuer [ACCOUNT])
FAIL p.wasm
  [unsigned] the artifact is not signed; sign it with `wzt sign FILE --caps auto`, or accept unsigned artifacts with `--allow-unsigned` or `allow_unsigned = true` in the policy

"#]],
        &[("[ACCOUNT]", &account)],
    );
    let out = env
        .wzt()
        .args(["verify", "p_s.wasm", "p.wasm", "nope.wasm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    env.wzt()
        .args(["verify", "p.wasm", "--allow-unsigned"])
        .assert()
        .success();
}

#[test]
fn policy_init_writes_a_template_and_never_overwrites_silently() {
    let env = Env::new();
    env.wzt().args(["policy", "init"]).assert().success();
    let written = std::fs::read_to_string(env.path("policy.toml")).unwrap();
    assert_eq!(written, wzt::policy::POLICY_TEMPLATE);
    std::fs::write(env.path("policy.toml"), "# mine\n").unwrap();
    let out = env.wzt().args(["policy", "init"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: policy.toml already exists; pass --force to replace it\n"
    );
    assert_eq!(
        std::fs::read_to_string(env.path("policy.toml")).unwrap(),
        "# mine\n"
    );
    env.wzt()
        .args(["policy", "init", "--force"])
        .assert()
        .success();
    let out = env.wzt().args(["policy", "init", "-"]).output().unwrap();
    assert_eq!(stdout_of(&out), wzt::policy::POLICY_TEMPLATE);
}
