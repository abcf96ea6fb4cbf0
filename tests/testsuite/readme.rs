//! The README's `console` examples run as written. Each `$ ` line runs through `sh` in one
//! directory holding `actor.wasm` (the `http-actor` fixture: a wasi:http component),
//! `kv-actor.wasm` (the `kv-actor` fixture) and a `seed.json`, with
//! its own key store (and a registry of its own, `common::Registry`, standing for the
//! `127.0.0.1:5000` of the examples), and exits 0 unless the line ends in `# exit code N`; every output line shown under a command must appear in its output, where
//! `…` stands for any text (keys and hashes differ per run).

use crate::common::{self, Env};

#[test]
fn readme_console_examples_run_as_documented() {
    let readme = include_str!("../../README.md");
    let env = Env::new();
    std::fs::copy(
        common::fixture("http-actor", "wasm32-wasip2"),
        env.path("actor.wasm"),
    )
    .unwrap();
    std::fs::copy(
        common::fixture("kv-actor", "wasm32-wasip2"),
        env.path("kv-actor.wasm"),
    )
    .unwrap();
    std::fs::write(env.path("seed.json"), r#"{"app": {"greeting": "hello\n"}}"#).unwrap();
    let registry = common::Registry::start();
    let local = |text: &str| text.replace("127.0.0.1:5000", &registry.addr);
    let bin_dir = assert_cmd::cargo::cargo_bin("wzt")
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut in_console = false;
    let mut commands = 0;
    let mut last_output: Option<String> = None;
    for line in readme.lines() {
        if line.starts_with("```console") {
            in_console = true;
            continue;
        }
        if line.starts_with("```") {
            in_console = false;
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            // `# exit code N` after a command documents a non-zero exit.
            let (command, expected_code) = match command.split_once("# exit code ") {
                Some((c, code)) => (c.trim_end(), code.trim().parse::<i32>().unwrap()),
                None => (command, 0),
            };
            assert!(
                command.starts_with("wzt "),
                "README example is not a wzt command: {command}"
            );
            // Through `sh`, so quoting works as it does for a reader.
            let out = std::process::Command::new("sh")
                .args(["-c", &local(command)])
                .current_dir(env.work())
                .env("PATH", &path)
                .env("WZT_KEYS_DIR", env.keys_dir())
                .env("XDG_CACHE_HOME", env.root.path().join("cache"))
                .env("XDG_CONFIG_HOME", env.root.path().join("config"))
                .env_remove("WZT_POLICY")
                .env("DOCKER_CONFIG", env.root.path().join("docker"))
                .env_remove("WZT_ISSUER_SEED")
                .env_remove("WZT_SUBJECT_SEED")
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                out.status.code(),
                Some(expected_code),
                "README: `{command}` exited {:?}\n{text}",
                out.status.code()
            );
            last_output = Some(text);
            commands += 1;
        } else {
            let output = last_output
                .as_deref()
                .expect("output shown before any command");
            assert!(
                output.lines().any(|l| matches_line(l, &local(line))),
                "README shows `{line}`, but the command printed:\n{output}"
            );
        }
    }
    assert!(commands >= 8, "only {commands} README examples found");
}

/// Whether `actual` matches `pattern`, where `…` in the pattern stands for any text.
fn matches_line(actual: &str, pattern: &str) -> bool {
    let mut rest = actual.trim_end();
    let parts: Vec<&str> = pattern.trim_end().split('…').collect();
    for (i, part) in parts.iter().enumerate() {
        match rest.find(part) {
            Some(at) if i > 0 || at == 0 => rest = &rest[at + part.len()..],
            _ => return false,
        }
    }
    parts.len() > 1 || rest.is_empty()
}
