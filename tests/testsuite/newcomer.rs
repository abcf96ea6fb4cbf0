//! What a newcomer trips on (issue 22), as a user meets it: signing that says what it grants,
//! errors that name the fix, and the habits of peer tools (`-o json`, did-you-mean, snake_case
//! `[dev]` keys, one meaning per short flag).

use std::collections::BTreeMap;
use std::path::Path;

use clap::CommandFactory as _;
use snapbox::str;

use crate::common::{self, Env, Server, assert_snapshot, fixture, stderr_of, stdout_of};

const P2: &str = "wasm32-wasip2";

fn http_actor(env: &Env) -> String {
    std::fs::copy(fixture("http-actor", P2), env.path("actor.wasm")).unwrap();
    "actor.wasm".into()
}

/// A project whose build copies `artifact` to `out/demo.wasm`, with `extra` after `[build]`.
fn project(dir: &Path, artifact: &Path, caps: &str, extra: &str) {
    std::fs::create_dir_all(dir.join("out")).unwrap();
    std::fs::write(
        dir.join("wzt.toml"),
        format!(
            "[actor]\nname = \"demo\"\nversion = \"1.0.0\"\n{caps}\n[build]\ncommand = \"cp '{}' out/demo.wasm\"\nartifact = \"out/demo.wasm\"\n{extra}",
            artifact.display()
        ),
    )
    .unwrap();
}

#[test]
fn signing_without_grants_an_actor_that_needs_some_is_refused_with_the_fix() {
    let env = Env::new();
    common::store_account(&env);
    let actor = http_actor(&env);
    env.wzt()
        .args(["keys", "gen", "module", "--name", "actor_module"])
        .assert()
        .success();
    let out = env.wzt().args(["sign", &actor]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: actor.wasm: the artifact imports wasi:http/types@0.2.12 and exports wasi:http/incoming-handler@0.2.12, which need capabilities, and no grant was given: signed like this it could not run. Grant it with `--caps http` (or `--caps auto`: exactly what it imports), or sign it with no grants on purpose: `--caps none`\n"
    );
    assert!(!env.path("actor_s.wasm").exists());

    // `--caps none` is the intentional empty grant; the output says what was granted.
    let out = env
        .wzt()
        .args(["sign", &actor, "--caps", "none"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        stdout_of(&out).contains("\n  grants: none\n"),
        "{}",
        stdout_of(&out)
    );
    assert!(
        stderr_of(&out).contains(
            "warning: actor.wasm: wasi:http/types@0.2.12, wasi:http/incoming-handler@0.2.12 not covered by the grants: the host will refuse to run it; add what it needs to --caps (`auto` grants exactly what it imports)"
        ),
        "{}",
        stderr_of(&out)
    );
    let out = env
        .wzt()
        .args(["sign", &actor, "--caps", "http,httpclient"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout_of(&out).contains("\n  grants: http (HTTP Server), httpclient (HTTP Client)\n"),
        "{}",
        stdout_of(&out)
    );
    assert!(
        stderr_of(&out).ends_with(
            "warning: actor.wasm: granted but never used: httpclient (HTTP Client); the actor may do more than it needs: drop it from --caps (`auto` grants exactly what it imports)\n"
        ),
        "{}",
        stderr_of(&out)
    );
    let json = env.json(&["sign", &actor, "--caps", "http,httpclient"], 0);
    assert_eq!(
        json[0]["unused_grants"],
        serde_json::json!(["wasmcloud:httpclient"])
    );
    assert_eq!(json[0]["missing_grants"], serde_json::json!([]));
    // An artifact that needs nothing signs without --caps.
    env.write("p.wasm", &common::plain_component());
    env.wzt().args(["sign", "p.wasm"]).assert().success();

    // `none` and `auto` stand alone.
    let out = env
        .wzt()
        .args(["sign", &actor, "--caps", "none,http"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--caps none stands alone"));
}

#[test]
fn a_project_without_caps_is_refused_naming_wzt_toml() {
    let env = Env::new();
    common::store_account(&env);
    project(&env.work(), &fixture("http-actor", P2), "", "");
    let out = env.wzt().args(["build"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).ends_with(
            "  caused by: the actor imports wasi:http/types@0.2.12, the actor exports wasi:http/incoming-handler@0.2.12, which need capabilities, and `caps` in wzt.toml grants none: signed like this it could not run. Set `caps = [\"http\"]` in [actor] (or `[\"auto\"]`: exactly what it imports; `[\"none\"]`: no grants, on purpose)\n"
        ),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn validity_windows_that_cannot_work_are_errors_and_expired_tokens_name_the_fix() {
    let env = Env::new();
    let account = common::store_account(&env);
    env.write("p.wasm", &common::plain_component());
    let out = env
        .wzt()
        .args(["sign", "p.wasm", "--expires", "2020-01-01T00:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains(
            "error: p.wasm: the expiry 2020-01-01T00:00:00Z ("
        ) && stderr_of(&out).ends_with(
            " ago) is not in the future: the claims would be expired as they are signed; give a later time, or a duration from now (`--expires 90d`)\n"
        ),
        "{}",
        stderr_of(&out)
    );
    let out = env
        .wzt()
        .args([
            "sign",
            "p.wasm",
            "--not-before",
            "2030-01-02T00:00:00Z",
            "--expires",
            "2030-01-01T00:00:00Z",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: p.wasm: the not-before time 2030-01-02T00:00:00Z is not before the expiry 2030-01-01T00:00:00Z: the token would never be valid; give an earlier --not-before or a later --expires\n"
    );
    assert!(!env.path("p_s.wasm").exists());

    // Tokens out of their window: the failure says how to fix it.
    let bytes = common::plain_component();
    let mut claims = common::claims_for(&bytes, &account);
    claims.expires = Some(claims.issued_at + 1);
    env.write(
        "old.wasm",
        &common::with_token(&bytes, &wzt::claims::encode(&claims, &account).unwrap()),
    );
    claims.expires = None;
    claims.not_before = Some(wzt::time::now() + 7200);
    env.write(
        "early.wasm",
        &common::with_token(&bytes, &wzt::claims::encode(&claims, &account).unwrap()),
    );
    let json = env.json(&["verify", "old.wasm", "early.wasm"], 1);
    let expired = json[0]["failures"][0]["message"].as_str().unwrap();
    assert_eq!(json[0]["failures"][0]["code"], "expired");
    assert!(
        expired.ends_with(
            "; re-sign it with a later expiry (`wzt sign --expires 90d`), or, if a clock is off, allow for the skew with `--leeway` (e.g. `--leeway 5m`)"
        ),
        "{expired}"
    );
    let early = json[1]["failures"][0]["message"].as_str().unwrap();
    assert_eq!(json[1]["failures"][0]["code"], "not_yet_valid");
    assert!(
        early.ends_with(
            "; wait, re-sign it with an earlier `--not-before`, or, if a clock is off, allow for the skew with `--leeway` (e.g. `--leeway 5m`)"
        ),
        "{early}"
    );
}

#[test]
fn capability_words_and_template_names_suggest_what_was_meant() {
    let env = Env::new();
    common::store_account(&env);
    let actor = http_actor(&env);
    for (word, meant) in [
        ("keyvalue", "`kv`, K/V Store"),
        ("htp", "`http`, HTTP Server"),
    ] {
        let out = env
            .wzt()
            .args(["sign", &actor, "--caps", word])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            stderr_of(&out),
            format!(
                "error: unknown capability '{word}' (did you mean {meant}?): use an alias (http, httpclient, kv, msg, log, blob, config, fs, net, rand), a contract id with a ':' (e.g. wasmcloud:keyvalue), 'auto' or 'none'\n"
            )
        );
    }
    for (word, meant) in [
        ("http", " (did you mean `http-hello`?)"),
        ("msg", " (did you mean `msg-greeter` or `msg-front`?)"),
        ("comand", " (did you mean `command`?)"),
        ("rust-web", ""),
    ] {
        let out = env.wzt().args(["new", "x", "-t", word]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            stderr_of(&out),
            format!(
                "error: unknown template '{word}'{meant}; choose one of: http-hello, kv-counter, msg-greeter, msg-front, command (`wzt new --list` describes them)\n"
            )
        );
    }
    assert!(!env.path("x").exists());
}

#[test]
fn lattice_endorse_says_it_needs_a_server_public_key() {
    let env = Env::new();
    let account = wzt::keys::Key::generate(wzt::keys::KeyRole::Account);
    let fix = "`wzt lattice endorse` needs the host's server public key (N…): on the host, `wzt keys gen server --name NAME` makes one and `wzt keys show NAME` prints it";
    for (arg, said) in [
        (
            account.public_key().to_string(),
            format!("{} is an account public key; {fix}", account.public_key()),
        ),
        (
            account.seed().to_string(),
            format!("HOST_PUBKEY looks like a seed (not shown here, it is a secret); {fix}"),
        ),
    ] {
        let out = env
            .wzt()
            .args(["lattice", "endorse", &arg])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(stderr_of(&out), format!("error: {said}\n"));
        assert!(!stderr_of(&out).contains(account.seed()));
    }
    let out = env
        .wzt()
        .args(["lattice", "endorse", "hostb"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).starts_with("error: 'hostb' is not a public key (")
            && stderr_of(&out).ends_with(&format!("); {fix}\n")),
        "{}",
        stderr_of(&out)
    );
    assert!(!env.keys_dir().join("cluster.nk").exists(), "no key made");
}

#[test]
fn listen_takes_a_port_host_port_or_localhost_and_a_busy_port_names_the_fix() {
    let env = Env::new();
    common::store_account(&env);
    common::sign_fixture(&env, "http-actor", P2, "http", "a_s.wasm", &[]);
    for listen in ["0", "localhost:0", "127.0.0.1:0"] {
        let mut cmd = env.command();
        cmd.args(["run", "a_s.wasm", "--json", "--listen", listen]);
        let server = Server::start(cmd);
        assert!(
            server.addr.starts_with("127.0.0.1:"),
            "{listen}: {}",
            server.addr
        );
        assert_eq!(server.get("/").body, "hello from wzt\n");
    }
    for (listen, said) in [
        (
            "example.com:80",
            "'example.com' is not an IP address: give PORT, IP:PORT or localhost:PORT (wzt does not look up names to listen on)",
        ),
        (
            ":8080",
            "':8080' names no address: use 8080 or 127.0.0.1:8080 for this machine only, 0.0.0.0:8080 for every interface",
        ),
    ] {
        let out = env
            .wzt()
            .args(["run", "a_s.wasm", "--listen", listen])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr_of(&out).contains(said), "{}", stderr_of(&out));
    }
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let out = env
        .wzt()
        .args(["run", "a_s.wasm", "-q", "--listen", &port.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: cannot listen on 127.0.0.1:{port}: the address is in use (another server, or another wzt, listens there). Choose another port with `--listen PORT` (`--listen 0` picks a free one), or `listen` in the [dev] table of wzt.toml\n"
        )
    );
}

#[test]
fn an_unreachable_registry_is_said_once_with_its_address() {
    let env = Env::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let out = env
        .wzt()
        .args(["pull", &format!("127.0.0.1:{port}/actors/echo:1.0.0")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: cannot reach the registry 127.0.0.1:{port} (Connection refused (os error 111)): check the address and that the registry is running there\n"
        )
    );
}

#[test]
fn an_unsigned_actor_gets_the_whole_fix_and_a_hint_of_its_signed_sibling() {
    let env = Env::new();
    common::store_account(&env);
    let actor = http_actor(&env);
    let out = env
        .wzt()
        .args(["run", &actor, "--request", "GET /", "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_snapshot(
        &stderr_of(&out),
        str![[r#"
refusing to run actor.wasm:
  [unsigned] actor.wasm is not signed: sign it (`wzt sign actor.wasm --caps auto`, then `wzt run actor_s.wasm`), or run it unsigned with exactly the capabilities it imports: `wzt run actor.wasm --allow-unsigned --caps auto`

"#]],
        &[],
    );
    let out = env
        .wzt()
        .args(["run", &actor, "--request", "GET /", "--allow-unsigned"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).ends_with(
            "refusing to run actor.wasm: the actor imports wasi:http/types@0.2.12, which needs the HTTP Server capability (http); an unsigned actor gets only what --caps grants: add `--caps http` (or `--caps auto`: exactly what it imports)\n"
        ),
        "{}",
        stderr_of(&out)
    );
    let (code, body, err) = common::run_request(
        &env,
        &actor,
        "GET /",
        &["--allow-unsigned", "--caps", "auto", "-q"],
    );
    assert_eq!(
        (code, body.as_str(), err.as_str()),
        (0, "hello from wzt\n", "")
    );

    env.wzt()
        .args(["sign", &actor, "--caps", "auto"])
        .assert()
        .success();
    let out = env
        .wzt()
        .args(["run", &actor, "--request", "GET /"])
        .output()
        .unwrap();
    assert!(
        stderr_of(&out)
            .ends_with("\n  hint: actor_s.wasm beside it is signed: `wzt run actor_s.wasm`\n"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn dev_points_a_missing_grant_at_caps_in_wzt_toml() {
    let env = Env::new();
    common::store_account(&env);
    project(
        &env.work(),
        &fixture("http-actor", P2),
        "caps = [\"log\"]",
        "",
    );
    let out = env
        .wzt()
        .args(["dev", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).ends_with(
            "wzt dev: refusing to run demo: the actor imports wasi:http/types@0.2.12, which needs the HTTP Server capability (http); wzt.toml does not grant it: add \"http\" to `caps` in [actor] (or set `caps = [\"auto\"]`: exactly what it imports); the next build picks it up\n"
        ),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn run_dir_runs_that_project_with_its_dev_table_in_snake_case() {
    let env = Env::new();
    common::store_account(&env);
    let dir = env.path("counter");
    project(
        &dir,
        &fixture("kv-actor", P2),
        "caps = [\"auto\"]",
        "[dev]\nmock_caps = true\nlog_level = \"warn\"\n",
    );
    let out = env
        .wzt()
        .args(["run", "counter", "--build", "--request", "/incr?key=k"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "k=1\n");
    let err = stderr_of(&out);
    assert!(
        err.contains("  kv        in memory, not persisted\n"),
        "{err}"
    );
    assert!(err.contains("  log       level warn\n"), "{err}");
    assert!(!dir.join(".wzt/kv.sqlite").exists());

    // The same key written both ways is refused.
    std::fs::write(
        dir.join("wzt.toml"),
        std::fs::read_to_string(dir.join("wzt.toml")).unwrap() + "mock-caps = true\n",
    )
    .unwrap();
    let out = env.wzt().args(["run", "counter"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("`mock-caps` is given twice"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn dash_o_json_and_text_choose_the_output_where_no_file_is_written() {
    let env = Env::new();
    common::store_account(&env);
    let json = env.wzt().args(["keys", "list", "--json"]).output().unwrap();
    let dash_o = env
        .wzt()
        .args(["keys", "list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(stdout_of(&json), stdout_of(&dash_o));
    let text = env
        .wzt()
        .args(["keys", "-o", "text", "list"])
        .output()
        .unwrap();
    assert!(stdout_of(&text).starts_with("+---"), "{}", stdout_of(&text));
    env.write("p.wasm", &common::plain_component());
    env.wzt().args(["sign", "p.wasm"]).assert().success();
    let verified: serde_json::Value = serde_json::from_slice(
        &env.wzt()
            .args(["verify", "p_s.wasm", "-o", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(verified[0]["ok"], true);
    let out = env
        .wzt()
        .args(["inspect", "p_s.wasm", "--json", "-o", "text"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: --json and -o text ask for different output; give one of them\n"
    );
}

#[test]
fn each_short_flag_means_one_thing_in_every_command() {
    let mut meanings: BTreeMap<char, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    fn walk(
        cmd: &clap::Command,
        path: &str,
        meanings: &mut BTreeMap<char, BTreeMap<String, Vec<String>>>,
    ) {
        for arg in cmd.get_arguments() {
            if let Some(short) = arg.get_short() {
                meanings
                    .entry(short)
                    .or_default()
                    .entry(arg.get_long().unwrap_or("").to_string())
                    .or_default()
                    .push(path.to_string());
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), meanings);
        }
    }
    let mut cli = wzt::cli::Cli::command();
    cli.build();
    walk(&cli, "wzt", &mut meanings);
    for (short, longs) in &meanings {
        assert_eq!(longs.len(), 1, "-{short} means {longs:?}");
    }
    let shorts: Vec<String> = meanings
        .iter()
        .map(|(s, longs)| format!("-{s} --{}", longs.keys().next().unwrap()))
        .collect();
    assert_eq!(
        shorts,
        [
            "-H --header",
            "-V --version",
            "-b --not-before",
            "-c --caps",
            "-d --data",
            "-e --env",
            "-h --help",
            "-i --issuer",
            "-n --name",
            "-o --output",
            "-q --quiet",
            "-r --rev",
            "-s --subject",
            "-t --template",
            "-x --expires",
            "-y --yes",
        ]
    );
}

#[test]
fn run_help_groups_its_options_under_headings() {
    let env = Env::new();
    // Every command's options under the heading they belong to: output flags under Output,
    // never under the heading of the group flattened before them.
    for command in [&["sign"][..], &["dev"], &["verify"], &["lattice", "pub"]] {
        let out = env.wzt().args(command).arg("--help").output().unwrap();
        let text = stdout_of(&out);
        let section: Vec<&str> = text
            .lines()
            .skip_while(|l| *l != "Output:")
            .skip(1)
            .take_while(|l| l.is_empty() || l.starts_with(' '))
            .collect();
        let section = section.join("\n");
        assert!(section.contains("-o, --output"), "{command:?}: {section}");
    }
    let out = env.wzt().args(["run", "--help"]).output().unwrap();
    let headings: Vec<String> = stdout_of(&out)
        .lines()
        .filter(|l| !l.starts_with(' ') && l.ends_with(':'))
        .map(str::to_string)
        .collect();
    assert_eq!(
        headings,
        [
            "Arguments:",
            "Options:",
            "Request:",
            "Lattice:",
            "Output:",
            "Host:",
            "Limits:",
            "Providers:",
            "Console:",
            "Trust policy:",
            "Registry:",
            "Global options:",
        ]
    );
}

#[test]
fn quiet_drops_the_startup_block() {
    let env = Env::new();
    common::store_account(&env);
    common::sign_fixture(&env, "http-actor", P2, "http", "a_s.wasm", &[]);
    let (code, body, err) = common::run_request(&env, "a_s.wasm", "GET /", &["--quiet"]);
    assert_eq!(
        (code, body.as_str(), err.as_str()),
        (0, "hello from wzt\n", "")
    );
    let (_, _, err) = common::run_request(&env, "a_s.wasm", "GET /", &[]);
    assert!(
        err.starts_with("wzt: running http_actor (HTTP component)\n"),
        "{err}"
    );
}
