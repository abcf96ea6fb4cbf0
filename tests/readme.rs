//! The README's `console` examples run as written. Each `$ ` line runs in a fresh directory
//! holding `actor.wasm` (a component that exports an HTTP handler and imports key-value), with
//! its own key store, and exits 0 unless the line ends in `# exit code N`; every output line shown under a command must appear in its output, where
//! `…` stands for any text (keys and hashes differ per run).

mod common;

use common::Env;

#[test]
fn readme_console_examples_run_as_documented() {
    let readme = include_str!("../README.md");
    let env = Env::new();
    env.write("actor.wasm", &common::http_component());
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
            let args: Vec<&str> = command.split_whitespace().collect();
            assert_eq!(
                args[0], "wzt",
                "README example is not a wzt command: {command}"
            );
            let out = env.wzt().args(&args[1..]).output().unwrap();
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
                output.lines().any(|l| matches_line(l, line)),
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
