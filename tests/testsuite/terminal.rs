//! What a person sees on a terminal, driven on a pseudo-terminal (`common::pty`) and read back
//! through a terminal emulator: menus left with Esc or Ctrl-C, the passphrase prompt, build
//! output with its colors, the `dev` spinner and request lines, multi-file signing, `inspect`
//! at 80 columns, `doctor`'s colors.

use std::time::Duration;

use crate::common::pty::{Pty, code_of, screen_of};
use crate::common::{self, Env, fixture};

const P2: &str = "wasm32-wasip2";
const WAIT: Duration = Duration::from_secs(60);
const SHOW_CURSOR: &str = "\x1b[?25h";
const HIDE_CURSOR: &str = "\x1b[?25l";

/// `wzt ARGS` in `env` on a terminal of 80 columns.
fn on_terminal(env: &Env, args: &[&str]) -> Pty {
    let mut cmd = env.command();
    cmd.args(args);
    Pty::spawn(cmd, 80, 100)
}

#[test]
fn esc_or_ctrl_c_at_a_menu_restores_the_cursor_and_exits_130() {
    let env = Env::new();
    for (args, prompt, key) in [
        (&["new", "proj"][..], "Template", &b"\x1b"[..]),
        (&["new", "proj"][..], "Template", &b"\x03"[..]),
        (&["keys", "gen"][..], "Role of the new key", &b"\x03"[..]),
        (&["keys", "gen"][..], "Role of the new key", &b"q"[..]),
    ] {
        let mut pty = on_terminal(&env, args);
        pty.wait_for(prompt, WAIT);
        pty.wait_for(HIDE_CURSOR, WAIT);
        pty.send(key);
        let (status, output) = pty.finish(WAIT);
        assert_eq!(code_of(status), 130, "{args:?} {key:?}: {output}");
        let shown = output.rfind(SHOW_CURSOR);
        assert!(
            shown > output.rfind(HIDE_CURSOR),
            "{args:?} {key:?}: the cursor stays hidden: {output:?}"
        );
        assert!(!output.contains("error:"), "{output}");
        assert!(!env.path("proj").exists());
        assert!(!env.keys_dir().join("account.nk").exists());
    }
    // A confirmation too: the key stays.
    common::store_account(&env);
    let mut pty = on_terminal(&env, &["keys", "rm", "account"]);
    pty.wait_for("Its seed will be gone for good", WAIT);
    pty.send(b"\x1b");
    let (status, output) = pty.finish(WAIT);
    assert_eq!(code_of(status), 130, "{output}");
    assert!(env.keys_dir().join("account.nk").exists());
}

#[test]
fn a_wrong_passphrase_is_asked_again_up_to_three_times_and_says_where_it_came_from() {
    let env = Env::new();
    env.wzt()
        .args(["keys", "gen", "account", "--name", "enc", "--encrypt"])
        .env("WZT_KEY_PASSPHRASE", "right one")
        .assert()
        .success();
    // Each answer once its question is on the screen: the prompt flushes what was typed
    // before it turned echo off, so it is given a moment to settle.
    let answer = |pty: &mut Pty, after: &str, typed: &str| {
        pty.wait_for(after, WAIT);
        std::thread::sleep(Duration::from_millis(300));
        pty.send(typed.as_bytes());
    };
    let asked = "Passphrase for key 'enc':";
    let again = ["try again (2 tries left)", "try again (1 try left)"];
    let mut pty = on_terminal(&env, &["keys", "show", "enc"]);
    answer(&mut pty, asked, "wrong\r");
    answer(&mut pty, again[0], "still wrong\r");
    answer(&mut pty, again[1], "right one\r");
    let (status, output) = pty.finish(WAIT);
    assert_eq!(code_of(status), 0, "{output}");
    let screen = screen_of(output.as_bytes(), 100, 80).screen().contents();
    assert!(screen.contains("Secret:     an encrypted seed"), "{screen}");
    assert!(
        !screen.contains("wrong\n"),
        "nothing typed is shown: {screen}"
    );

    let mut pty = on_terminal(&env, &["keys", "show", "enc"]);
    answer(&mut pty, asked, "nope\r");
    answer(&mut pty, again[0], "nope\r");
    answer(&mut pty, again[1], "nope\r");
    let (status, output) = pty.finish(WAIT);
    assert_eq!(code_of(status), 2, "{output}");
    assert!(
        output.contains("error: wrong passphrase for key 'enc': typed 3 times at the prompt"),
        "{output}"
    );

    // From the environment or a file, once, saying so.
    let out = env
        .wzt()
        .args(["keys", "show", "enc"])
        .env("WZT_KEY_PASSPHRASE", "nope")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        common::stderr_of(&out),
        "error: wrong passphrase for key 'enc': it came from WZT_KEY_PASSPHRASE; set that to the key's passphrase, or unset it to be asked on a terminal\n"
    );
    env.write("pass.txt", b"nope\n");
    let out = env
        .wzt()
        .args(["keys", "show", "enc", "--passphrase-file", "pass.txt"])
        .output()
        .unwrap();
    assert_eq!(
        common::stderr_of(&out),
        "error: wrong passphrase for key 'enc': it was read from pass.txt (--passphrase-file); put the key's passphrase there\n"
    );
}

/// A project whose build prints a colored warning when its stderr is a terminal (as cargo
/// does), then copies the http-actor fixture or fails with a colored error.
fn colored_project(env: &Env, fails: bool) {
    std::fs::create_dir_all(env.path("out")).unwrap();
    let tail = if fails {
        "printf '\\033[31merror\\033[0m: it broke\\n' >&2; exit 3".to_string()
    } else {
        format!("cp '{}' out/demo.wasm", fixture("http-actor", P2).display())
    };
    env.write(
        "wzt.toml",
        format!(
            "[actor]\nname = \"demo\"\ncaps = [\"http\"]\n[build]\ncommand = \"\"\"if [ -t 2 ]; then printf '\\\\033[33mwarning\\\\033[0m: unused variable\\\\n' >&2; else echo 'warning: no terminal' >&2; fi; {}\"\"\"\nartifact = \"out/demo.wasm\"\n",
            tail.replace('\\', "\\\\")
        )
        .as_bytes(),
    );
}

#[test]
fn build_output_passes_through_live_with_its_colors() {
    let env = Env::new();
    common::store_account(&env);
    colored_project(&env, false);
    let (status, output) = on_terminal(&env, &["build"]).finish(WAIT);
    assert_eq!(code_of(status), 0, "{output}");
    let warning = output
        .find("\x1b[33mwarning\x1b[0m: unused variable")
        .unwrap_or_else(|| panic!("no colored warning: {output:?}"));
    assert!(
        warning < output.find("Built and signed").unwrap(),
        "{output}"
    );

    // A failed build: its output as it came, colors and all, and the exit code 1.
    colored_project(&env, true);
    let (status, output) = on_terminal(&env, &["build"]).finish(WAIT);
    assert_eq!(code_of(status), 1, "{output}");
    assert!(
        output.contains("\x1b[31merror\x1b[0m: it broke"),
        "{output:?}"
    );
    assert!(
        output.contains(", exit status: 3); its output is above"),
        "{output}"
    );

    // Captured for --json: shown on failure, escaped.
    let out = env.wzt().args(["build", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(common::stdout_of(&out), "");
    let err = common::stderr_of(&out);
    assert!(err.contains("warning: no terminal"), "{err}");
    assert!(
        err.contains("\\u{1b}[31merror\\u{1b}[0m: it broke"),
        "{err}"
    );
    assert!(!err.contains('\x1b'), "{err:?}");
}

#[test]
fn dev_shows_a_spinner_while_building_and_a_line_per_request() {
    let env = Env::new();
    common::store_account(&env);
    std::fs::create_dir_all(env.path("out")).unwrap();
    env.write(
        "wzt.toml",
        format!(
            "[actor]\nname = \"demo\"\ncaps = [\"http\"]\n[build]\ncommand = \"sleep 2; cp '{}' out/demo.wasm\"\nartifact = \"out/demo.wasm\"\n",
            fixture("http-actor", P2).display()
        )
        .as_bytes(),
    );
    let mut pty = on_terminal(&env, &["dev", "--listen", "127.0.0.1:0"]);
    pty.wait_for("wzt dev: serving demo on http://", WAIT);
    let output = pty.output();
    // The spinner counted the build's seconds, then was cleared.
    assert!(
        output.contains("wzt dev: building: sleep 2; cp ") && output.contains("(1s)"),
        "{output:?}"
    );
    let addr = output
        .split("serving demo on http://")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .unwrap()
        .to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    std::io::Write::write_all(
        &mut stream,
        b"GET /hello?x=1 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    )
    .unwrap();
    let mut answer = String::new();
    std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    pty.wait_for("GET /hello?x=1 200 ", WAIT);
    pty.send(b"\x03");
    let (status, output) = pty.finish(WAIT);
    assert_eq!(code_of(status), 0, "{output}");
    let screen = screen_of(output.as_bytes(), 100, 80).screen().contents();
    let lines: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        !screen.contains("building:"),
        "the spinner line is gone: {screen}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("wzt dev: built and signed in 2.")),
        "{screen}"
    );
    let request = lines
        .iter()
        .find(|l| l.starts_with("GET /hello?x=1 200 "))
        .unwrap();
    let ms = request
        .strip_prefix("GET /hello?x=1 200 ")
        .and_then(|r| r.strip_suffix(" ms"))
        .unwrap();
    assert!(
        ms.parse::<f64>().is_ok(),
        "METHOD PATH STATUS MS: {request}"
    );
}

#[test]
fn signing_several_files_clears_the_progress_and_ends_with_a_summary() {
    let env = Env::new();
    common::store_account(&env);
    for name in ["a.wasm", "b.wasm", "c.wasm"] {
        env.write(name, &common::plain_component());
    }
    env.write("bad.wasm", b"not wasm");
    let (status, output) =
        on_terminal(&env, &["sign", "a.wasm", "b.wasm", "bad.wasm", "c.wasm"]).finish(WAIT);
    assert_eq!(code_of(status), 2, "{output}");
    let screen = screen_of(output.as_bytes(), 100, 80).screen().contents();
    let lines: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines.last().unwrap().trim_end(),
        "Signed 3 of 4 files; 1 failed (errors above)",
        "{screen}"
    );
    assert!(!screen.contains("/4"), "a progress line was left: {screen}");
    assert!(
        screen.contains("error: bad.wasm: "),
        "the failure is on screen: {screen}"
    );
}

#[test]
fn inspect_keeps_hashes_keys_and_interface_names_whole_at_80_columns() {
    let env = Env::new();
    common::store_account(&env);
    common::sign_fixture(
        &env,
        "kv-actor",
        P2,
        "http,kv,log,httpclient",
        "kv_s.wasm",
        &[],
    );
    let (status, output) = on_terminal(&env, &["inspect", "kv_s.wasm"]).finish(WAIT);
    assert_eq!(code_of(status), 0, "{output}");
    let parser = screen_of(output.as_bytes(), 100, 80);
    let screen = parser.screen().contents();
    let hash = common::module_hash(&std::fs::read(fixture("kv-actor", P2)).unwrap());
    assert!(
        screen.contains(&format!("Module hash:  {hash}")),
        "{screen}"
    );
    assert!(screen.contains(&env.public_key("account")), "{screen}");
    for name in [
        "wasi:keyvalue/atomics@0.2.0-draft",
        "wasi:http/incoming-handler@0.2.",
        "wasi:logging/logging@0.1.0-draft",
    ] {
        assert!(screen.contains(name), "{name} is broken: {screen}");
    }
    // What did not fit wraps inside its cell: no row of a table is wider than the terminal
    // (the emulator marks a row the terminal had to wrap).
    let boxed = |row: &str| row.starts_with(|c: char| ('\u{2500}'..='\u{257f}').contains(&c));
    let rows: Vec<String> = parser.screen().rows(0, 80).collect();
    assert!(rows.iter().filter(|r| boxed(r)).count() > 10, "{screen}");
    for (row, text) in rows.iter().enumerate() {
        assert!(
            !boxed(text) || !parser.screen().row_wrapped(row as u16),
            "row {row} overflowed: {screen}"
        );
    }
    assert!(screen.contains("unused grants: HTTP Client"), "{screen}");
}

#[test]
fn doctor_shows_warn_in_yellow_and_a_toml_error_as_lines_with_its_fix() {
    let env = Env::new();
    env.write("wzt.toml", b"[actor]\nname = \"x\"\ncaps = http\n");
    let (status, output) = on_terminal(&env, &["doctor"]).finish(WAIT);
    assert_eq!(code_of(status), 1, "{output}");
    assert!(
        output.contains("\x1b[33mwarn\x1b[0m key:account"),
        "{output:?}"
    );
    assert!(output.contains("\x1b[31mFAIL\x1b[0m project"), "{output:?}");
    let screen = screen_of(output.as_bytes(), 100, 80).screen().contents();
    // The error's lines, each on a line of its own, then the fix that names the line.
    assert!(
        screen.contains("\n                          3 | caps = http\n"),
        "{screen}"
    );
    assert!(
        screen.contains(&format!(
            "fix: edit line 3 of {} as the error shows",
            env.path("wzt.toml").display()
        )),
        "{screen}"
    );
    assert!(!screen.contains("\\n"), "{screen}");
}
