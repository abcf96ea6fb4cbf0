//! Trust that travels between machines: someone else's public key imported into the key store
//! (counted by the default trust, listed as public only, untrusted by `keys rm`), a default
//! policy file, `verify` and `run` saying which policy and trust they used, and a lattice host
//! that holds only the cluster's public key.

use std::time::Duration;

use snapbox::str;

use crate::common::{self, Env, Nats, Server, assert_snapshot, stderr_of, stdout_of};

const P2: &str = "wasm32-wasip2";

/// The public key of the store key `name` of `env`.
fn public(env: &Env, name: &str) -> String {
    env.public_key(name)
}

/// An actor signed on `alice`'s machine (her `account` key), copied into `bob`'s work
/// directory as `theirs_s.wasm`.
fn signed_by_alice(alice: &Env, bob: &Env) {
    common::store_account(alice);
    common::sign_fixture(alice, "http-actor", P2, "http", "theirs_s.wasm", &[]);
    std::fs::copy(alice.path("theirs_s.wasm"), bob.path("theirs_s.wasm")).unwrap();
}

#[test]
fn an_imported_public_key_is_trusted_listed_as_public_only_and_untrusted_by_rm() {
    let (alice, bob) = (Env::new(), Env::new());
    signed_by_alice(&alice, &bob);
    common::store_account(&bob);
    let alice_key = public(&alice, "account");
    let bob_key = public(&bob, "account");

    // Before: a foreign issuer, and the refusal names the import.
    let out = bob
        .wzt()
        .args(["verify", "theirs_s.wasm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_snapshot(
        &format!("{}{}", stderr_of(&out), stdout_of(&out)),
        str![[r#"
wzt: policy none; trusting the key store's account keys: account
FAIL theirs_s.wasm
  [untrusted_issuer] issuer [ALICE] is not trusted; trust it with `--trusted-issuer [ALICE]`, import it into the key store (`wzt keys import NAME [ALICE]`), or add it to trusted_issuers in the policy file

"#]],
        &[("[ALICE]", &alice_key)],
    );

    // Importing her public key: kept without a seed.
    let out = bob
        .wzt()
        .args(["keys", "import", "alice", &alice_key])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_snapshot(
        &stdout_of(&out),
        str![[r#"
Imported account public key [ALICE] as 'alice' (public only: no seed, it cannot sign)
  trusted as an issuer: actors it signs verify and run here; `wzt keys rm alice` untrusts it
Saved to [KEYS]/alice.pub

"#]],
        &[
            ("[ALICE]", &alice_key),
            ("[KEYS]", &bob.keys_dir().display().to_string()),
        ],
    );
    assert!(!bob.keys_dir().join("alice.nk").exists());
    let list = bob.json(&["keys", "list"], 0);
    assert_eq!(list[0]["name"], "account");
    assert_eq!(list[0]["public_only"], false);
    assert_eq!(list[1]["name"], "alice");
    assert_eq!(list[1]["public_only"], true);
    assert_eq!(list[1]["role"], "account");
    let out = bob.wzt().args(["keys", "list"]).output().unwrap();
    assert_snapshot(
        &stdout_of(&out),
        str![[r#"
+---------+---------+----------------------------------------------------------+-------------+
| Name    | Role    | Public key                                               | Seed        |
+============================================================================================+
| account | account | [BOB] | plain       |
| alice   | account | [ALICE] | public only |
+---------+---------+----------------------------------------------------------+-------------+
Key store: [KEYS]
Public only: someone else's key, imported to be trusted (accounts as issuers, clusters for the lattice); it cannot sign.

"#]],
        &[
            ("[ALICE]", &alice_key),
            ("[BOB]", &bob_key),
            ("[KEYS]", &bob.keys_dir().display().to_string()),
        ],
    );

    // Now her actors verify and run here, and both commands say whom they trusted.
    let out = bob
        .wzt()
        .args(["verify", "theirs_s.wasm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        stderr_of(&out),
        "wzt: policy none; trusting the key store's account keys: account, alice\n"
    );
    let json = bob.json(&["verify", "theirs_s.wasm"], 0);
    assert_eq!(
        json[0]["policy"],
        serde_json::json!({
            "file": null,
            "source": null,
            "issuers_from": "key_store",
            "trusted_issuers": [bob_key, alice_key],
        })
    );
    let (code, body, err) = common::run_request(&bob, "theirs_s.wasm", "GET /", &[]);
    assert_eq!((code, body.as_str()), (0, "hello from wzt\n"), "{err}");
    assert!(
        err.contains("\n  policy    none; trusting the key store's account keys: account, alice\n"),
        "{err}"
    );

    // It cannot sign, and signing does not make a seed over it.
    bob.write("p.wasm", &common::plain_component());
    let out = bob
        .wzt()
        .args(["sign", "p.wasm", "--issuer", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains(&format!(
            "key 'alice' is an account public key only ({alice_key}), imported to be trusted: there is no seed for it here, so it cannot sign"
        )),
        "{}",
        stderr_of(&out)
    );

    // Removing it untrusts her again.
    let out = bob
        .wzt()
        .args(["keys", "rm", "alice", "--yes"])
        .output()
        .unwrap();
    assert_eq!(
        stdout_of(&out),
        format!(
            "Removed {}: the account key {alice_key} is no longer trusted here\n",
            bob.keys_dir().join("alice.pub").display()
        )
    );
    bob.wzt().args(["verify", "theirs_s.wasm"]).assert().code(1);
}

#[test]
fn a_public_key_import_refuses_encrypt_and_a_damaged_key() {
    let env = Env::new();
    let key = wzt::keys::Key::generate(wzt::keys::KeyRole::Cluster);
    let out = env
        .wzt()
        .args(["keys", "import", "c", key.public_key(), "--encrypt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: {} is a cluster public key: there is no secret to encrypt; import it without --encrypt\n",
            key.public_key()
        )
    );
    let mut damaged = key.public_key().to_string();
    damaged.replace_range(10..11, if &damaged[10..11] == "A" { "B" } else { "A" });
    let out = env
        .wzt()
        .args(["keys", "import", "c", &damaged])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).starts_with("error: invalid public key: "),
        "{}",
        stderr_of(&out)
    );
    assert!(!env.keys_dir().join("c.pub").exists());
    // From standard input too.
    let out = env
        .wzt()
        .args(["keys", "import", "c", "-", "--json"])
        .write_stdin(format!("{}\n", key.public_key()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["public_only"], true);
    assert_eq!(json["role"], "cluster");
    let shown = env.json(&["keys", "show", "c"], 0);
    assert_eq!(shown["public_only"], true);
    assert_eq!(shown["public_key"], key.public_key());
}

#[test]
fn the_default_policy_file_applies_unless_another_is_named_and_is_said() {
    let env = Env::new();
    common::store_account(&env);
    common::sign_fixture(&env, "http-actor", P2, "http", "a_s.wasm", &[]);
    let config = env.root.path().join("config/wzt");
    std::fs::create_dir_all(&config).unwrap();
    let default = config.join("policy.toml");
    std::fs::write(&default, "require_expiry = true\n").unwrap();

    let out = env.wzt().args(["verify", "a_s.wasm"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr_of(&out),
        format!(
            "wzt: policy {} (the default policy file); trusting the key store's account keys: account\n",
            default.display()
        )
    );
    assert!(
        stdout_of(&out).contains("[no_expiry]"),
        "{}",
        stdout_of(&out)
    );

    // WZT_POLICY names another; --policy beats both.
    std::fs::write(env.path("lenient.toml"), "leeway = \"1m\"\n").unwrap();
    let out = env
        .wzt()
        .args(["verify", "a_s.wasm"])
        .env("WZT_POLICY", env.path("lenient.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout_of(&out));
    assert!(
        stderr_of(&out).starts_with(&format!(
            "wzt: policy {} (WZT_POLICY);",
            env.path("lenient.toml").display()
        )),
        "{}",
        stderr_of(&out)
    );
    let out = env
        .wzt()
        .args(["verify", "a_s.wasm", "--policy", "lenient.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr_of(&out).starts_with("wzt: policy lenient.toml (--policy);"));

    // A WZT_POLICY that names nothing is an error, not a quiet fallback.
    let out = env
        .wzt()
        .args(["verify", "a_s.wasm"])
        .env("WZT_POLICY", "nowhere.toml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: WZT_POLICY names nowhere.toml, which does not exist; write one with `wzt policy init nowhere.toml`, or unset WZT_POLICY\n"
    );

    // `wzt run` applies it too, and its startup block and JSON say so.
    let (code, _, err) = common::run_request(&env, "a_s.wasm", "GET /", &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("[no_expiry]"), "{err}");
    let server = Server::run(&env, "a_s.wasm", &["--policy", "lenient.toml"]);
    assert_eq!(server.info["policy"]["source"], "flag");
    assert_eq!(server.info["policy"]["file"], "lenient.toml");
    assert_eq!(server.info["policy"]["issuers_from"], "key_store");
    server.wait_for_line(Duration::from_secs(30), |l| {
        l == "  policy    lenient.toml (--policy); trusting the key store's account keys: account"
    });
}

#[test]
fn a_lattice_host_starts_with_only_the_cluster_public_key_and_an_endorsement() {
    let (a, b) = (Env::new(), Env::new());
    // Machine A holds the account and cluster seeds and signs the actor.
    common::store_account(&a);
    a.wzt().args(["keys", "gen", "cluster"]).assert().success();
    common::sign_fixture(&a, "msg-actor", P2, "msg", "greeter_s.wasm", &[]);
    std::fs::copy(a.path("greeter_s.wasm"), b.path("greeter_s.wasm")).unwrap();
    // Machine B gets public keys only, and a server key of its own.
    for name in ["account", "cluster"] {
        b.wzt()
            .args(["keys", "import", name, &public(&a, name)])
            .assert()
            .success();
    }
    b.wzt()
        .args(["keys", "gen", "server", "--name", "hostb"])
        .assert()
        .success();
    let nats = Nats::start();
    let url = nats.url();

    // Without an endorsement it cannot endorse itself: the error says how to get one.
    let out = b
        .wzt()
        .args([
            "run",
            "greeter_s.wasm",
            "--lattice",
            &url,
            "--subscribe",
            "greet",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: the cluster key 'cluster' is a public key only here ({}): it lets this host trust the lattice, but endorsing needs the cluster seed. Start this host with an endorsement made where the seed is: `wzt keys gen server --name NAME` here, `wzt lattice endorse N…` there (N… is `wzt keys show NAME`), then `--host-key NAME --endorsement FILE`\n",
            public(&a, "cluster")
        )
    );

    // A endorses B's key; B starts with it and answers A's requests.
    let endorsement = a.path("b.jwt");
    a.wzt()
        .args(["lattice", "endorse", &public(&b, "hostb"), "-o"])
        .arg(&endorsement)
        .assert()
        .success();
    std::fs::copy(&endorsement, b.path("b.jwt")).unwrap();
    let host_b = Server::subscriber(
        &b,
        "greeter_s.wasm",
        &[
            "--lattice",
            &url,
            "--subscribe",
            "greet",
            "--host-key",
            "hostb",
            "--endorsement",
            "b.jwt",
        ],
    );
    assert_eq!(
        host_b.info["lattice"]["trusted_clusters"][0],
        public(&a, "cluster")
    );
    let answer = a.json(
        &[
            "lattice",
            "request",
            "greet",
            "--data",
            "ann",
            "--lattice",
            &url,
        ],
        0,
    );
    assert_eq!(answer["body"], "hello, ann");
    assert_eq!(answer["origin"]["host"], public(&b, "hostb"));
}
