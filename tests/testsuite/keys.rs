//! `wzt keys`, driven through the built binary in a temporary key store.

use std::os::unix::fs::PermissionsExt;

use snapbox::str;

use crate::common::{self, Env, assert_snapshot, stderr_of};
use nkeys::{KeyPair, KeyPairType, XKey};

#[test]
fn gen_saves_every_role_in_a_form_nkeys_reads_as_that_role() {
    let env = Env::new();
    let roles = [
        ("account", KeyPairType::Account, 'A'),
        ("module", KeyPairType::Module, 'M'),
        ("service", KeyPairType::Service, 'V'),
        ("server", KeyPairType::Server, 'N'),
        ("cluster", KeyPairType::Cluster, 'C'),
        ("operator", KeyPairType::Operator, 'O'),
        ("user", KeyPairType::User, 'U'),
    ];
    for (role, kind, letter) in roles {
        let out = env.json(&["keys", "gen", role], 0);
        assert_eq!(out["role"], role);
        assert_eq!(out["name"], role);
        let public = out["public_key"].as_str().unwrap();
        assert!(public.starts_with(letter), "{public}");
        let seed = std::fs::read_to_string(env.keys_dir().join(format!("{role}.nk"))).unwrap();
        assert_eq!(seed.trim_end().len(), 58);
        let kp = KeyPair::from_seed(seed.trim_end()).unwrap();
        assert_eq!(kp.key_pair_type(), kind, "{role}");
        assert_eq!(kp.public_key(), public);
        let from_public = KeyPair::from_public_key(public).unwrap();
        assert_eq!(from_public.key_pair_type(), kind);
    }
    // Curve keys are X25519: nkeys reads them with XKey.
    let out = env.json(&["keys", "gen", "curve"], 0);
    let seed = std::fs::read_to_string(env.keys_dir().join("curve.nk")).unwrap();
    let x = XKey::from_seed(seed.trim_end()).unwrap();
    assert_eq!(x.public_key(), out["public_key"].as_str().unwrap());
    assert!(XKey::from_public_key(out["public_key"].as_str().unwrap()).is_ok());
}

#[test]
fn role_aliases_are_case_insensitive() {
    let env = Env::new();
    for (alias, role) in [
        ("ACTOR", "module"),
        ("Component", "module"),
        ("provider", "service"),
        ("HOST", "server"),
    ] {
        let out = env.json(&["keys", "gen", alias, "--name", alias], 0);
        assert_eq!(out["role"], role, "{alias}");
    }
    let out = env.wzt().args(["keys", "gen", "wizard"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("invalid value 'wizard'"));
}

#[test]
fn key_files_are_private_from_creation() {
    let env = Env::new();
    env.wzt()
        .args(["keys", "gen", "account"])
        .assert()
        .success();
    let dir_mode = std::fs::metadata(env.keys_dir())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dir_mode, 0o700);
    let file_mode = std::fs::metadata(env.keys_dir().join("account.nk"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(file_mode, 0o600);
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(env.keys_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec!["account.nk"]);
}

#[test]
fn an_existing_key_is_never_overwritten_without_force() {
    let env = Env::new();
    env.wzt()
        .args(["keys", "gen", "account"])
        .assert()
        .success();
    let path = env.keys_dir().join("account.nk");
    let before = std::fs::read(&path).unwrap();
    let out = env.wzt().args(["keys", "gen", "account"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: a key named 'account' already exists at {}; pass --force to replace it\n",
            path.display()
        )
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // Import is refused the same way.
    let seed = env.json(&["keys", "gen", "account", "--no-save"], 0)["seed"]
        .as_str()
        .unwrap()
        .to_string();
    let out = env
        .wzt()
        .args(["keys", "import", "account", &seed])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // --force replaces (no terminal here, so no prompt).
    let out = env.json(&["keys", "gen", "account", "--force"], 0);
    assert_eq!(out["replaced"], true);
    assert_ne!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn no_save_prints_the_seed_and_stores_nothing() {
    let env = Env::new();
    let out = env.json(&["keys", "gen", "module", "--no-save"], 0);
    let seed = out["seed"].as_str().unwrap();
    assert!(seed.starts_with("SM"));
    assert_eq!(
        KeyPair::from_seed(seed).unwrap().public_key(),
        out["public_key"].as_str().unwrap()
    );
    assert!(!env.keys_dir().exists() || std::fs::read_dir(env.keys_dir()).unwrap().count() == 0);
}

#[test]
fn import_validates_each_way_a_seed_can_be_wrong() {
    let env = Env::new();
    let kp = KeyPair::new_account();
    let seed = kp.seed().unwrap();
    let mut flipped: Vec<char> = seed.chars().collect();
    flipped[30] = if flipped[30] == 'B' { 'C' } else { 'B' };
    let flipped: String = flipped.into_iter().collect();
    let cases = [
        (flipped.as_str(), "the seed's checksum does not match"),
        (&seed[..50], "a seed is 58 characters long, this one has 50"),
        ("SAlower-case-and-symbols!", "a seed is 58 characters long"),
    ];
    for (bad, message) in cases {
        let out = env
            .wzt()
            .args(["keys", "import", "bad"])
            .write_stdin(bad)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = stderr_of(&out);
        assert!(err.contains(message), "{bad}: {err}");
        assert!(!env.keys_dir().join("bad.nk").exists());
    }
    let lower = seed.to_ascii_lowercase();
    let out = env
        .wzt()
        .args(["keys", "import", "bad", &lower])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("not valid base32"));

    let out = env
        .wzt()
        .args(["keys", "import", "empty", "-"])
        .write_stdin("\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("the seed is empty"));
}

#[test]
fn import_accepts_a_seed_with_trailing_newline_from_stdin_and_argument() {
    let env = Env::new();
    let kp = KeyPair::new_module();
    let seed = kp.seed().unwrap();
    let out = env
        .wzt()
        .args(["keys", "import", "piped", "-", "--json"])
        .write_stdin(format!("{seed}\n"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["public_key"], kp.public_key());
    assert_eq!(json["role"], "module");
    let stored = std::fs::read_to_string(env.keys_dir().join("piped.nk")).unwrap();
    assert_eq!(stored, format!("{seed}\n"));

    let out = env.json(&["keys", "import", "arg", &format!("{seed}\n")], 0);
    assert_eq!(out["public_key"], kp.public_key());
}

#[test]
fn a_seed_file_others_can_read_is_refused_with_the_fix() {
    let env = Env::new();
    env.wzt()
        .args(["keys", "gen", "account"])
        .assert()
        .success();
    let path = env.keys_dir().join("account.nk");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env
        .wzt()
        .args(["keys", "show", "account"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: {p} is readable by other users (mode 644); a seed must be private: run `chmod 600 {p}`\n",
            p = path.display()
        )
    );
    // `keys list` flags it with the fix instead of skipping it.
    let list = env.json(&["keys", "list"], 0);
    assert_eq!(list[0]["valid"], false);
    assert!(list[0]["error"].as_str().unwrap().contains("chmod 600"));
}

#[test]
fn list_shows_valid_keys_and_flags_invalid_files() {
    let env = Env::new();
    env.wzt()
        .args(["keys", "gen", "account"])
        .assert()
        .success();
    env.wzt()
        .args(["keys", "gen", "module", "--name", "echo_module"])
        .assert()
        .success();
    let junk = env.keys_dir().join("junk.nk");
    std::fs::write(&junk, "not a seed\n").unwrap();
    std::fs::set_permissions(&junk, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(env.keys_dir().join("notes.txt"), "ignored: not a .nk file").unwrap();

    let list = env.json(&["keys", "list"], 0);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["name"], "account");
    assert_eq!(list[0]["role"], "account");
    assert_eq!(list[0]["valid"], true);
    assert_eq!(list[1]["name"], "echo_module");
    assert_eq!(list[1]["role"], "module");
    assert_eq!(list[2]["name"], "junk");
    assert_eq!(list[2]["valid"], false);
    assert!(
        list[2]["error"]
            .as_str()
            .unwrap()
            .contains("a seed is 58 characters long, this one has 10")
    );

    let out = env.wzt().args(["keys", "list"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let account = env.public_key("account");
    assert_snapshot(
        &text,
        str![[r#"
+-------------+---------+----------------------------------------------------------+-------+
| Name        | Role    | Public key                                               | Seed  |
+==========================================================================================+
| account     | account | [ACCOUNT] | plain |
| echo_module | module  | [MODULE] | plain |
| junk        | invalid | a seed is 58 characters long, this one has 10            | -     |
+-------------+---------+----------------------------------------------------------+-------+
Key store: [KEYS]

"#]],
        &[
            ("[ACCOUNT]", &account),
            ("[MODULE]", &env.public_key("echo_module")),
            ("[KEYS]", &env.keys_dir().display().to_string()),
        ],
    );
}

#[test]
fn show_prints_the_seed_only_when_asked() {
    let env = Env::new();
    env.wzt()
        .args(["keys", "gen", "account"])
        .assert()
        .success();
    let shown = env.json(&["keys", "show", "account"], 0);
    assert!(shown.get("seed").is_none());
    let with_seed = env.json(&["keys", "show", "account", "--seed"], 0);
    let seed = with_seed["seed"].as_str().unwrap();
    assert_eq!(
        KeyPair::from_seed(seed).unwrap().public_key(),
        shown["public_key"].as_str().unwrap()
    );
    let out = env.wzt().args(["keys", "show", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).starts_with("error: no key named 'nope' in "));
}

#[test]
fn rm_needs_yes_without_a_terminal() {
    let env = Env::new();
    env.wzt()
        .args(["keys", "gen", "account"])
        .assert()
        .success();
    let out = env.wzt().args(["keys", "rm", "account"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: refusing to remove key 'account' without confirmation: standard input is not a terminal; pass --yes\n"
    );
    assert!(env.keys_dir().join("account.nk").exists());
    env.wzt()
        .args(["keys", "rm", "account", "--yes"])
        .assert()
        .success();
    assert!(!env.keys_dir().join("account.nk").exists());
    let out = env
        .wzt()
        .args(["keys", "rm", "account", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn key_names_cannot_escape_the_store() {
    let env = Env::new();
    for name in ["../evil", "a/b", ".hidden", ""] {
        let out = env
            .wzt()
            .args(["keys", "gen", "account", "--name", name])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(stderr_of(&out).contains("invalid key name"), "{name}");
    }
    assert!(!env.root.path().join("evil.nk").exists());
}

#[test]
fn concurrent_gen_of_one_name_leaves_one_key_and_one_clear_error() {
    for _ in 0..5 {
        let env = Env::new();
        let children: Vec<_> = (0..4)
            .map(|_| {
                std::process::Command::new(assert_cmd::cargo::cargo_bin("wzt"))
                    .args(["keys", "gen", "account", "--name", "x", "--json"])
                    .env("WZT_KEYS_DIR", env.keys_dir())
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outputs: Vec<_> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        let winners: Vec<_> = outputs.iter().filter(|o| o.status.success()).collect();
        assert_eq!(winners.len(), 1);
        for loser in outputs.iter().filter(|o| !o.status.success()) {
            assert_eq!(loser.status.code(), Some(2));
            assert!(stderr_of(loser).contains("a key named 'x' already exists"));
        }
        let won: serde_json::Value = serde_json::from_slice(&winners[0].stdout).unwrap();
        let seed = std::fs::read_to_string(env.keys_dir().join("x.nk")).unwrap();
        assert_eq!(
            KeyPair::from_seed(seed.trim_end()).unwrap().public_key(),
            won["public_key"].as_str().unwrap()
        );
        let files = std::fs::read_dir(env.keys_dir()).unwrap().count();
        assert_eq!(files, 1, "temporary files left behind");
    }
}

// ---- Keys at rest: passphrase-encrypted seeds (age), and the store's checks. ----

const PASSPHRASE: &str = "correct horse battery staple";

/// `wzt` with the passphrase neither in the environment nor anywhere else.
fn wzt_no_passphrase(env: &Env) -> assert_cmd::Command {
    let mut cmd = env.wzt();
    cmd.env_remove("WZT_KEY_PASSPHRASE");
    cmd
}

/// `wzt` with `WZT_KEY_PASSPHRASE` set to `passphrase`.
fn wzt_with_passphrase(env: &Env, passphrase: &str) -> assert_cmd::Command {
    let mut cmd = env.wzt();
    cmd.env("WZT_KEY_PASSPHRASE", passphrase);
    cmd
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        stderr_of(out)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Generates a plain key `name` of `role` and returns its seed.
fn gen_plain(env: &Env, role: &str, name: &str) -> String {
    env.json(&["keys", "gen", role, "--name", name], 0);
    std::fs::read_to_string(env.keys_dir().join(format!("{name}.nk")))
        .unwrap()
        .trim_end()
        .to_string()
}

fn store_file_names(env: &Env) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(env.keys_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn encrypt_then_list_show_and_sign_with_the_passphrase_from_the_environment_or_a_file() {
    let env = Env::new();
    let seed = gen_plain(&env, "account", "account");
    let public = env.public_key("account");

    let out = wzt_with_passphrase(&env, PASSPHRASE)
        .args(["keys", "encrypt", "account", "--json"])
        .output()
        .unwrap();
    let encrypted = json_of(&out);
    assert_eq!(encrypted["encrypted"], true);
    assert_eq!(encrypted["reencrypted"], false);
    assert_eq!(encrypted["public_key"], public.as_str());
    assert_eq!(store_file_names(&env), ["account.nk", "account.pub"]);
    let pub_file = std::fs::read_to_string(env.keys_dir().join("account.pub")).unwrap();
    assert_eq!(pub_file, format!("{public}\n"));

    // Listing needs no passphrase: the public key comes from account.pub.
    let out = wzt_no_passphrase(&env)
        .args(["keys", "list", "--json"])
        .output()
        .unwrap();
    let list = json_of(&out);
    assert_eq!(list[0]["name"], "account");
    assert_eq!(list[0]["valid"], true);
    assert_eq!(list[0]["encrypted"], true);
    assert_eq!(list[0]["role"], "account");
    assert_eq!(list[0]["public_key"], public.as_str());
    let out = wzt_no_passphrase(&env)
        .args(["keys", "list"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("| account | account | {public} | encrypted |")),
        "{text}"
    );

    // Loading it needs the passphrase; without a terminal, wzt says how to give one.
    let out = wzt_no_passphrase(&env)
        .args(["keys", "show", "account"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("key 'account' is passphrase-encrypted")
            && err.contains("WZT_KEY_PASSPHRASE")
            && err.contains("--passphrase-file"),
        "{err}"
    );

    let out = wzt_with_passphrase(&env, PASSPHRASE)
        .args(["keys", "show", "account", "--seed", "--json"])
        .output()
        .unwrap();
    let shown = json_of(&out);
    assert_eq!(shown["encrypted"], true);
    assert_eq!(shown["seed"], seed.as_str());

    // Sign with the passphrase from the environment, then from a file.
    env.write("a.wasm", &common::plain_component());
    let out = wzt_with_passphrase(&env, PASSPHRASE)
        .args(["sign", "a.wasm", "--json"])
        .output()
        .unwrap();
    assert_eq!(json_of(&out)[0]["issuer"], public.as_str());
    let pass_file = env.write("pass.txt", format!("{PASSPHRASE}\n").as_bytes());
    env.write("b.wasm", &common::plain_component());
    let out = wzt_no_passphrase(&env)
        .args(["sign", "b.wasm", "--json", "--passphrase-file"])
        .arg(&pass_file)
        .output()
        .unwrap();
    assert_eq!(json_of(&out)[0]["issuer"], public.as_str());
    // The default trust (the store's account keys) reads account.pub: no passphrase needed.
    wzt_no_passphrase(&env)
        .args(["verify", "a_s.wasm", "b_s.wasm"])
        .assert()
        .success();
    wzt_no_passphrase(&env)
        .args(["verify", "a_s.wasm", "--trusted-issuer", "account"])
        .assert()
        .success();

    // Decrypt: the bare seed again, and no .pub.
    let out = wzt_no_passphrase(&env)
        .args(["keys", "decrypt", "account", "--json", "--passphrase-file"])
        .arg(&pass_file)
        .output()
        .unwrap();
    assert_eq!(json_of(&out)["encrypted"], false);
    assert_eq!(
        std::fs::read_to_string(env.keys_dir().join("account.nk")).unwrap(),
        format!("{seed}\n")
    );
    assert_eq!(
        store_file_names(&env),
        ["a_module.nk", "account.nk", "b_module.nk"]
    );
}

#[test]
fn an_encrypted_seed_file_is_private_armored_and_holds_no_seed_text() {
    let env = Env::new();
    let pass_file = env.write("pass", PASSPHRASE.as_bytes());
    let out = wzt_no_passphrase(&env)
        .args([
            "keys",
            "gen",
            "module",
            "--encrypt",
            "--json",
            "--passphrase-file",
        ])
        .arg(&pass_file)
        .output()
        .unwrap();
    let generated = json_of(&out);
    assert_eq!(generated["encrypted"], true);
    let path = env.keys_dir().join("module.nk");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n")
            && text
                .trim_end()
                .ends_with("-----END AGE ENCRYPTED FILE-----"),
        "{text}"
    );
    for name in ["module.nk", "module.pub"] {
        let mode = std::fs::metadata(env.keys_dir().join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
    }
    let out = wzt_no_passphrase(&env)
        .args([
            "keys",
            "show",
            "module",
            "--seed",
            "--json",
            "--passphrase-file",
        ])
        .arg(&pass_file)
        .output()
        .unwrap();
    let seed = json_of(&out)["seed"].as_str().unwrap().to_string();
    assert!(seed.starts_with("SM"));
    assert!(!text.contains(&seed));
    assert!(!text.contains(&seed[..12]));
    assert_eq!(store_file_names(&env), ["module.nk", "module.pub"]);

    // Importing encrypted works the same way; a plain key encrypted leaves no plaintext copy.
    let kp = KeyPair::new_account();
    let out = wzt_with_passphrase(&env, PASSPHRASE)
        .args(["keys", "import", "imported", "-", "--encrypt", "--json"])
        .write_stdin(kp.seed().unwrap())
        .output()
        .unwrap();
    assert_eq!(json_of(&out)["public_key"], kp.public_key());
    let imported = std::fs::read_to_string(env.keys_dir().join("imported.nk")).unwrap();
    assert!(!imported.contains(&kp.seed().unwrap()));
    gen_plain(&env, "account", "plain");
    wzt_with_passphrase(&env, PASSPHRASE)
        .args(["keys", "encrypt", "plain"])
        .assert()
        .success();
    assert_eq!(
        store_file_names(&env),
        [
            "imported.nk",
            "imported.pub",
            "module.nk",
            "module.pub",
            "plain.nk",
            "plain.pub"
        ]
    );
}

#[test]
fn a_wrong_passphrase_is_exit_2_and_changes_nothing() {
    let env = Env::new();
    gen_plain(&env, "account", "account");
    wzt_with_passphrase(&env, PASSPHRASE)
        .args(["keys", "encrypt", "account"])
        .assert()
        .success();
    let nk = env.keys_dir().join("account.nk");
    let pubf = env.keys_dir().join("account.pub");
    let before = (std::fs::read(&nk).unwrap(), std::fs::read(&pubf).unwrap());
    env.write("a.wasm", &common::plain_component());
    let wrong = "not the passphrase";
    for args in [
        &["keys", "show", "account"][..],
        &["keys", "decrypt", "account"],
        &["keys", "encrypt", "account"],
        &["sign", "a.wasm"],
    ] {
        let out = wzt_with_passphrase(&env, wrong)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr_of(&out);
        assert!(
            err.contains("wrong passphrase for key 'account'"),
            "{args:?}: {err}"
        );
        assert!(!err.contains(wrong), "{err}");
        assert_eq!(
            (std::fs::read(&nk).unwrap(), std::fs::read(&pubf).unwrap()),
            before,
            "{args:?}"
        );
    }
    assert!(!env.path("a_s.wasm").exists());
    assert_eq!(store_file_names(&env), ["account.nk", "account.pub"]);
}

#[test]
fn a_public_key_file_that_does_not_match_is_reported() {
    let env = Env::new();
    gen_plain(&env, "account", "account");
    wzt_with_passphrase(&env, PASSPHRASE)
        .args(["keys", "encrypt", "account"])
        .assert()
        .success();
    let pubf = env.keys_dir().join("account.pub");
    let other = KeyPair::new_account().public_key();
    std::fs::write(&pubf, format!("{other}\n")).unwrap();
    // Without the passphrase the listing can only repeat what the file says ...
    let out = wzt_no_passphrase(&env)
        .args(["keys", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(json_of(&out)[0]["public_key"], other.as_str());
    // ... and with it, `keys show` (and everything that loads the key) says it does not match.
    let out = wzt_with_passphrase(&env, PASSPHRASE)
        .args(["keys", "show", "account"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains(&format!("says the public key of 'account' is {other}"))
            && err.contains("wzt keys encrypt account"),
        "{err}"
    );
    // The fix: encrypting again rewrites it.
    wzt_with_passphrase(&env, PASSPHRASE)
        .args(["keys", "encrypt", "account"])
        .assert()
        .success();
    let shown = json_of(
        &wzt_with_passphrase(&env, PASSPHRASE)
            .args(["keys", "show", "account", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(
        std::fs::read_to_string(&pubf).unwrap().trim_end(),
        shown["public_key"].as_str().unwrap()
    );
    // A missing .pub is flagged by the listing, with the same fix.
    std::fs::remove_file(&pubf).unwrap();
    let list = json_of(
        &wzt_no_passphrase(&env)
            .args(["keys", "list", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(list[0]["valid"], false);
    assert_eq!(list[0]["encrypted"], true);
    assert!(
        list[0]["error"]
            .as_str()
            .unwrap()
            .contains("wzt keys encrypt account")
    );
}

/// Runs `age --decrypt -o OUT FILE` with its passphrase typed on a pseudo-terminal (age reads a
/// passphrase from the terminal only). Returns age's exit status and what it wrote on the
/// terminal.
fn age_decrypt_on_a_pty(
    file: &std::path::Path,
    out: &std::path::Path,
    passphrase: &str,
) -> (std::process::ExitStatus, String) {
    use std::io::{Read, Write};
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::process::CommandExt;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two descriptors into the pointers; the other arguments may be null.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and are owned here.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut cmd = std::process::Command::new("age");
    cmd.arg("--decrypt")
        .arg("-o")
        .arg(out)
        .arg(file)
        .stdin(slave.try_clone().unwrap())
        .stdout(slave.try_clone().unwrap())
        .stderr(slave);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            // A new session whose controlling terminal is the pty: age's /dev/tty.
            if libc::setsid() == -1 || libc::ioctl(0, libc::TIOCSCTTY, 0) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("age runs");
    drop(cmd); // closes this process's copies of the pty's terminal side
    let mut master = std::fs::File::from(master);
    let screen = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let mut master = master.try_clone().unwrap();
        let screen = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            // Ends with EIO once age exits and the terminal side is closed.
            while let Ok(n) = master.read(&mut buf) {
                if n == 0 {
                    break;
                }
                screen.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        })
    };
    let shown = || String::from_utf8_lossy(&screen.lock().unwrap()).into_owned();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !shown().to_ascii_lowercase().contains("passphrase") {
        assert!(Instant::now() < deadline, "age asked nothing: {}", shown());
        std::thread::sleep(Duration::from_millis(20));
    }
    master
        .write_all(format!("{passphrase}\n").as_bytes())
        .unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("age did not finish: {}", shown());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(master);
    let _ = reader.join();
    (status, shown())
}

#[test]
fn age_decrypts_a_wzt_encrypted_seed_to_the_same_seed_file() {
    if std::process::Command::new("age")
        .arg("--version")
        .output()
        .is_err()
    {
        // CI installs Debian's `age` (.ci/run); elsewhere, say what is missing.
        assert!(
            std::env::var_os("CI").is_none(),
            "the `age` command is not installed (apt-get install age)"
        );
        eprintln!("skipped: the `age` command is not installed (apt-get install age)");
        return;
    }
    let env = Env::new();
    let seed = gen_plain(&env, "account", "account");
    wzt_with_passphrase(&env, PASSPHRASE)
        .args(["keys", "encrypt", "account"])
        .assert()
        .success();
    let decrypted = env.path("account.decrypted");
    let (status, screen) =
        age_decrypt_on_a_pty(&env.keys_dir().join("account.nk"), &decrypted, PASSPHRASE);
    assert!(status.success(), "age --decrypt failed: {screen}");
    assert_eq!(
        std::fs::read_to_string(&decrypted).unwrap(),
        format!("{seed}\n")
    );
    // And the wrong passphrase does not open it.
    let (status, _) = age_decrypt_on_a_pty(
        &env.keys_dir().join("account.nk"),
        &env.path("nothing"),
        "wrong",
    );
    assert!(!status.success());
}

#[test]
fn keys_gen_without_a_role_makes_an_account_key_and_says_so() {
    let env = Env::new();
    let out = env.wzt().args(["keys", "gen", "--json"]).output().unwrap();
    let made = json_of(&out);
    assert_eq!(made["role"], "account");
    assert_eq!(made["name"], "account");
    assert!(made["public_key"].as_str().unwrap().starts_with('A'));
    assert_eq!(
        stderr_of(&out),
        "note: no ROLE given, so this is an account key: it signs actors (an issuer). For another \
         role, name it: `wzt keys gen module`\n"
    );
}

#[test]
fn usage_lines_read_as_typed_even_with_wzt_keys_dir_set() {
    let env = Env::new();
    // env.wzt() sets WZT_KEYS_DIR; the usage must not show --keys-dir as if it were required.
    let out = env.wzt().args(["keys", "show"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.contains("Usage: wzt keys show <NAME>"), "{err}");
    assert!(!err.contains("--keys-dir"), "{err}");
    // The variable still chooses the store.
    env.wzt()
        .args(["keys", "gen", "account"])
        .assert()
        .success();
    assert!(env.keys_dir().join("account.nk").exists());
}

#[test]
fn a_store_directory_others_can_write_to_or_another_user_owns_is_refused() {
    let env = Env::new();
    gen_plain(&env, "account", "account");
    let dir = env.keys_dir();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    for args in [&["keys", "list"][..], &["keys", "show", "account"]] {
        let out = env.wzt().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            stderr_of(&out),
            format!(
                "error: the key store {d} is writable by other users (mode 777): run `chmod 700 {d}`\n",
                d = dir.display()
            )
        );
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    env.wzt().args(["keys", "list"]).assert().success();

    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        // Only root can give a directory away; skipped for other users.
        std::os::unix::fs::chown(&dir, Some(54321), None).unwrap();
        let out = env
            .wzt()
            .args(["keys", "show", "account"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = stderr_of(&out);
        assert!(
            err.contains("belongs to another user (uid 54321, you are uid 0)"),
            "{err}"
        );
        std::os::unix::fs::chown(&dir, Some(0), None).unwrap();
        // A seed file someone else owns.
        let nk = dir.join("account.nk");
        std::os::unix::fs::chown(&nk, Some(54321), None).unwrap();
        let out = env
            .wzt()
            .args(["keys", "show", "account"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr_of(&out).contains("belongs to another user (uid 54321"));
    }
}

#[test]
fn a_symbolic_link_in_the_store_is_refused_not_followed() {
    let env = Env::new();
    gen_plain(&env, "account", "account");
    let elsewhere = env.path("outside.nk");
    std::fs::copy(env.keys_dir().join("account.nk"), &elsewhere).unwrap();
    std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = env.keys_dir().join("link.nk");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    let out = env.wzt().args(["keys", "show", "link"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: {} is a symbolic link; the key store does not follow links: put the key file itself there\n",
            link.display()
        )
    );
    let list = env.json(&["keys", "list"], 0);
    assert_eq!(list[1]["name"], "link");
    assert_eq!(list[1]["valid"], false);
    // A seed file named on the command line may be a link (the user chose it).
    env.write("a.wasm", &common::plain_component());
    let link_outside = env.path("link-outside.nk");
    std::os::unix::fs::symlink(&elsewhere, &link_outside).unwrap();
    env.wzt()
        .args(["sign", "a.wasm", "--issuer"])
        .arg(&link_outside)
        .assert()
        .success();
}

#[test]
fn a_fifo_in_the_store_is_reported_not_waited_on() {
    let env = Env::new();
    gen_plain(&env, "account", "account");
    let fifo = env.keys_dir().join("pipe.nk");
    let status = std::process::Command::new("mkfifo")
        .arg("-m")
        .arg("600")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let limit = std::time::Duration::from_secs(20);
    let out = env
        .wzt()
        .args(["keys", "list", "--json"])
        .timeout(limit)
        .output()
        .unwrap();
    let list = json_of(&out);
    assert_eq!(list[1]["name"], "pipe");
    assert_eq!(list[1]["valid"], false);
    assert!(
        list[1]["error"]
            .as_str()
            .unwrap()
            .contains("is a FIFO (named pipe), not a regular file"),
        "{list}"
    );
    let out = env
        .wzt()
        .args(["keys", "show", "pipe"])
        .timeout(limit)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("is a FIFO (named pipe), not a regular file"));
    // `verify` reads the store for its default trust: it still answers, at once.
    env.write("a.wasm", &common::plain_component());
    env.wzt()
        .args(["sign", "a.wasm"])
        .timeout(limit)
        .assert()
        .success();
    env.wzt()
        .args(["verify", "a_s.wasm"])
        .timeout(limit)
        .assert()
        .success();
}

#[test]
fn inspect_without_a_file_inspects_the_project_signed_artifact() {
    let env = Env::new();
    std::fs::create_dir_all(env.path("out")).unwrap();
    env.write(
        "wzt.toml",
        br#"[actor]
name = "demo"
caps = []

[build]
command = "true"
artifact = "out/demo.wasm"
"#,
    );
    // Not built yet: say what to do.
    let out = env.wzt().args(["inspect"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("out/demo_s.wasm does not exist yet") && err.contains("`wzt build`"),
        "{err}"
    );
    // Built, not signed: sign it.
    env.write("out/demo.wasm", &common::plain_component());
    let out = env.wzt().args(["inspect"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("sign it with `wzt sign`"));
    // Signed: `wzt inspect` shows what `wzt sign` wrote.
    env.wzt()
        .args(["sign", "--generate-keys"])
        .assert()
        .success();
    let inspected = env.json(&["inspect"], 0);
    assert_eq!(inspected["signed"], true);
    assert_eq!(inspected["claims"]["wascap"]["name"], "demo");
    assert!(
        inspected["file"]
            .as_str()
            .unwrap()
            .ends_with("out/demo_s.wasm")
    );
    // Outside a project, FILE is needed.
    let out = env
        .wzt()
        .args(["inspect"])
        .current_dir(env.root.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("no FILE given and no wzt.toml"));
}
