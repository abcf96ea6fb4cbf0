//! `wzt keys`, driven through the built binary in a temporary key store.

use std::os::unix::fs::PermissionsExt;

use snapbox::str;

use crate::common::{Env, assert_snapshot, stderr_of};
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
    let public = kp.public_key();
    let mut flipped: Vec<char> = seed.chars().collect();
    flipped[30] = if flipped[30] == 'B' { 'C' } else { 'B' };
    let flipped: String = flipped.into_iter().collect();
    let cases = [
        (flipped.as_str(), "the seed's checksum does not match"),
        (&seed[..50], "a seed is 58 characters long, this one has 50"),
        (public.as_str(), "this is an account public key, not a seed"),
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
+-------------+---------+----------------------------------------------------------+
| Name        | Role    | Public key                                               |
+==================================================================================+
| account     | account | [ACCOUNT] |
| echo_module | module  | [MODULE] |
| junk        | invalid | a seed is 58 characters long, this one has 10            |
+-------------+---------+----------------------------------------------------------+
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
