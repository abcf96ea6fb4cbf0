//! Files as an attacker leaves them (issue 21): a FIFO, `/dev/zero` (directly or through a
//! symbolic link), a file too large to mean anything, another user's artifact, a directory
//! others can write; secrets in the environment of a build; an output killed half-written.
//! Each must end within seconds with a clear error, read nothing unbounded, write nothing that
//! should not be written, and hand no secret to a child process.

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use wzt::keys::{Key, KeyRole};

use crate::common::{self, Env, stderr_of};

/// Longer than any of these commands takes; a command waiting on a FIFO is killed at this.
const PATIENCE: Duration = Duration::from_secs(30);

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid C string; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A file of `len` bytes that takes no room (sparse zeros after `head`).
fn sparse(path: &Path, head: &[u8], len: u64) {
    let mut file = std::fs::File::create(path).unwrap();
    file.write_all(head).unwrap();
    file.set_len(len).unwrap();
}

/// Runs `wzt` with `args` (stdin from the file `stdin` when given, else empty) and returns
/// exit code and stderr, failing if it takes longer than [`PATIENCE`].
fn run(env: &Env, args: &[&str], stdin: Option<&Path>) -> (i32, String) {
    use std::io::Read as _;
    let mut cmd = env.command();
    cmd.args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .stdin(match stdin {
            Some(path) => std::fs::File::open(path).unwrap().into(),
            None => std::process::Stdio::null(),
        });
    let mut child = cmd.spawn().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let err = reader.join().unwrap();
    match status.and_then(|s| s.code()) {
        Some(code) => (code, err),
        None => panic!("wzt {args:?} did not end in {PATIENCE:?}: {err}"),
    }
}

/// The hostile stand-ins for a file a person names: a FIFO, `/dev/zero`, a symbolic link to
/// `/dev/zero`, and a sparse file one byte over `cap`; each with the words its refusal uses.
fn hostile_files(dir: &Path, cap: u64) -> Vec<(PathBuf, String)> {
    let fifo = dir.join("fifo");
    if !fifo.exists() {
        mkfifo(&fifo);
    }
    let link = dir.join("zero-link");
    if !link.exists() {
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    }
    let huge = dir.join(format!("huge-{cap}"));
    sparse(&huge, b"", cap + 1);
    chmod(&huge, 0o600);
    let device = "is a character device, not a regular file".to_string();
    vec![
        (
            fifo,
            "is a FIFO (named pipe), not a regular file".to_string(),
        ),
        (PathBuf::from("/dev/zero"), device.clone()),
        (link, device),
        (huge, format!("is larger than {}", size_text(cap))),
    ]
}

fn size_text(bytes: u64) -> String {
    wzt::fsutil::checked::size_text(bytes)
}

/// Every file wzt reads because a person named it: a FIFO is refused at once, `/dev/zero`
/// (directly or through a link) is refused, a file over the cap is refused before it is read.
#[test]
fn every_named_file_is_a_regular_file_read_up_to_its_cap() {
    let env = Env::new();
    common::store_account(&env);
    let actor = common::sign_fixture(&env, "http-actor", "wasm32-wasip2", "http", "a_s.wasm", &[]);
    common::sign_fixture(
        &env,
        "kv-actor",
        "wasm32-wasip2",
        "http,kv",
        "kv_s.wasm",
        &[],
    );
    let dir = env.root.path().join("hostile");
    std::fs::create_dir_all(&dir).unwrap();
    const MIB: u64 = 1 << 20;
    let cases: &[(&[&str], u64)] = &[
        (&["verify", "--policy", "{}", "a_s.wasm"], MIB),
        (
            &["run", "a_s.wasm", "--request", "/", "--config-file", "{}"],
            MIB,
        ),
        (
            &[
                "run",
                "a_s.wasm",
                "--request",
                "/",
                "--mock-caps",
                "--http-fixtures",
                "{}",
            ],
            64 * MIB,
        ),
        (
            &[
                "run",
                "a_s.wasm",
                "--request",
                "/",
                "--mock-caps",
                "--msg-replies",
                "{}",
            ],
            64 * MIB,
        ),
        (
            &[
                "run",
                "kv_s.wasm",
                "--request",
                "/",
                "--mock-caps",
                "--kv-seed",
                "{}",
            ],
            64 * MIB,
        ),
        (
            &[
                "run",
                "a_s.wasm",
                "--request",
                "POST /echo",
                "--data",
                "@{}",
            ],
            64 * MIB,
        ),
        (&["lattice", "pub", "greet", "--data", "@{}"], 64 * MIB),
        (
            &[
                "lattice",
                "pub",
                "greet",
                "--host-key",
                "host",
                "--endorsement",
                "{}",
            ],
            64 << 10,
        ),
        (&["inspect", "{}"], 1 << 30),
        (&["verify", "{}"], 1 << 30),
        (&["run", "{}", "--request", "/"], 1 << 30),
        (&["push", "127.0.0.1:9/x:1", "{}"], 1 << 30),
        (&["sign", "{}", "-o", "out.wasm"], 1 << 30),
        (
            &["sign", "--issuer", "{}", "a_s.wasm", "-o", "out.wasm"],
            64 << 10,
        ),
        (
            &[
                "--passphrase-file",
                "{}",
                "keys",
                "gen",
                "account",
                "--name",
                "x",
                "--encrypt",
            ],
            64 << 10,
        ),
    ];
    for (args, cap) in cases {
        for (file, refusal) in hostile_files(&dir, *cap) {
            let file = file.display().to_string();
            let with: Vec<String> = args.iter().map(|a| a.replace("{}", &file)).collect();
            let with: Vec<&str> = with.iter().map(String::as_str).collect();
            let (code, err) = run(&env, &with, None);
            assert_eq!(code, 2, "wzt {with:?}: {err}");
            assert!(
                err.contains(&refusal),
                "wzt {with:?}: expected {refusal:?} in {err}"
            );
        }
    }
    // The docker config file, named by DOCKER_CONFIG.
    for (file, refusal) in hostile_files(&dir, MIB) {
        let docker = env.root.path().join("docker");
        let _ = std::fs::remove_dir_all(&docker);
        std::fs::create_dir_all(&docker).unwrap();
        std::os::unix::fs::symlink(&file, docker.join("config.json")).unwrap();
        let (code, err) = run(&env, &["pull", "127.0.0.1:9/x:1"], None);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("the docker config file"), "{err}");
        assert!(err.contains(&refusal), "{err}");
    }
    assert!(!env.path("out.wasm").exists());
    assert!(!env.keys_dir().join("x.nk").exists());
    assert!(env.path(&actor).exists());
}

/// Secrets read from standard input are read up to a small cap: `/dev/zero` there is an error,
/// not a process that grows until it is killed.
#[test]
fn standard_input_is_read_up_to_a_cap() {
    let env = Env::new();
    common::store_account(&env);
    env.write("a.wasm", &common::core_module());
    let zero = Path::new("/dev/zero");
    for args in [
        &["sign", "a.wasm", "--issuer", "-"][..],
        &["keys", "import", "imported", "-"],
        &[
            "pull",
            "127.0.0.1:9/x:1",
            "--username",
            "u",
            "--password-stdin",
        ],
    ] {
        let (code, err) = run(&env, args, Some(zero));
        assert_eq!(code, 2, "wzt {args:?}: {err}");
        assert!(
            err.contains("more than 64 KiB, the most wzt reads there"),
            "wzt {args:?}: {err}"
        );
    }
    assert!(!env.path("a_s.wasm").exists());
    assert!(!env.keys_dir().join("imported.nk").exists());
}

/// `--issuer` names what it was given: a device is not "a file that does not exist".
#[test]
fn an_issuer_file_is_named_for_what_it_is() {
    let env = Env::new();
    env.write("a.wasm", &common::core_module());
    let (code, err) = run(&env, &["sign", "a.wasm", "--issuer", "/dev/zero"], None);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("/dev/zero is a character device, not a regular file"),
        "{err}"
    );
    let (code, err) = run(&env, &["sign", "a.wasm", "--issuer", "./nope.nk"], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("seed file ./nope.nk does not exist"), "{err}");
    std::fs::create_dir(env.path("keydir")).unwrap();
    let (code, err) = run(&env, &["sign", "a.wasm", "--issuer", "./keydir"], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is a directory, not a regular file"), "{err}");
}

/// A key store entry that is a link or a FIFO is reported by a command that reads the store
/// for its default trust (here `verify`), not silently skipped.
#[test]
fn a_planted_store_entry_is_reported_by_verify() {
    let env = Env::new();
    env.wzt()
        .args(["keys", "gen", "account", "--encrypt"])
        .env("WZT_KEY_PASSPHRASE", "correct horse")
        .assert()
        .success();
    env.write("a.wasm", &common::core_module());
    env.wzt()
        .args(["sign", "a.wasm", "--caps", "auto"])
        .env("WZT_KEY_PASSPHRASE", "correct horse")
        .assert()
        .success();
    env.wzt().args(["verify", "a_s.wasm"]).assert().success();

    let public = env.keys_dir().join("account.pub");
    std::fs::remove_file(&public).unwrap();
    mkfifo(&public);
    let (code, err) = run(&env, &["verify", "a_s.wasm"], None);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("wzt: warning: skipped the key store entry 'account':"),
        "{err}"
    );
    assert!(
        err.contains("is a FIFO (named pipe), not a regular file"),
        "{err}"
    );

    std::fs::remove_file(&public).unwrap();
    std::fs::write(env.root.path().join("elsewhere.pub"), b"A\n").unwrap();
    std::os::unix::fs::symlink(env.root.path().join("elsewhere.pub"), &public).unwrap();
    let (code, err) = run(&env, &["verify", "a_s.wasm"], None);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is a symbolic link"), "{err}");
}

/// A project whose artifact is `target/wasm/actor.wasm`, already "built" (the build command
/// does nothing).
fn project(env: &Env) -> PathBuf {
    env.write(
        "wzt.toml",
        b"[actor]\nname = \"probe\"\ncaps = [\"auto\"]\n[build]\ncommand = \"true\"\nartifact = \"target/wasm/actor.wasm\"\n",
    );
    let dir = env.path("target/wasm");
    std::fs::create_dir_all(&dir).unwrap();
    let artifact = dir.join("actor.wasm");
    std::fs::write(&artifact, common::core_module()).unwrap();
    chmod(&artifact, 0o644);
    artifact
}

/// `wzt build` and `wzt sign` (without FILE) sign the project's artifact only when it is this
/// user's regular file, reached through this user's directories, none of which others can
/// write, with no link on the way.
#[test]
fn an_artifact_others_could_have_written_is_not_signed() {
    let env = Env::new();
    common::store_account(&env);
    let artifact = project(&env);
    let signed = env.path("target/wasm/actor_s.wasm");
    let refused = |what: &str, expected: &[&str]| {
        for verb in ["build", "sign"] {
            let (code, err) = run(&env, &[verb], None);
            assert_eq!(code, 2, "{what}, wzt {verb}: {err}");
            assert!(err.contains("is not signed"), "{what}, wzt {verb}: {err}");
            for e in expected {
                assert!(
                    err.contains(e),
                    "{what}, wzt {verb}: expected {e:?} in {err}"
                );
            }
            assert!(!signed.exists(), "{what}, wzt {verb}: signed anyway");
        }
    };
    let shown = artifact.display().to_string();

    chmod(&artifact, 0o664);
    refused(
        "a group-writable artifact",
        &[
            &format!("{shown} is writable by other users (mode 664)"),
            &format!("chmod go-w {shown}"),
        ],
    );
    chmod(&artifact, 0o644);

    let dir = env.path("target/wasm");
    chmod(&dir, 0o775);
    refused(
        "a group-writable directory",
        &[&format!(
            "{} is writable by other users (mode 775)",
            dir.display()
        )],
    );
    chmod(&dir, 0o755);

    // A link: the artifact itself, or a directory on the way (even one inside the project).
    std::fs::rename(&artifact, env.path("real.wasm")).unwrap();
    std::os::unix::fs::symlink(env.path("real.wasm"), &artifact).unwrap();
    refused(
        "a symbolic link as the artifact",
        &[&format!("{shown} is a symbolic link")],
    );
    std::fs::remove_file(&artifact).unwrap();
    std::fs::rename(env.path("real.wasm"), &artifact).unwrap();
    std::fs::rename(env.path("target"), env.path("real-target")).unwrap();
    std::os::unix::fs::symlink(env.path("real-target"), env.path("target")).unwrap();
    refused(
        "a symbolic link on the way",
        &[&format!(
            "{} is a symbolic link",
            env.path("target").display()
        )],
    );
    std::fs::remove_file(env.path("target")).unwrap();
    std::fs::rename(env.path("real-target"), env.path("target")).unwrap();

    // A FIFO is refused at once, not waited on.
    std::fs::rename(&artifact, env.path("real.wasm")).unwrap();
    mkfifo(&artifact);
    refused("a FIFO", &["is a FIFO (named pipe), not a regular file"]);
    std::fs::remove_file(&artifact).unwrap();
    std::fs::rename(env.path("real.wasm"), &artifact).unwrap();

    if is_root() {
        std::os::unix::fs::chown(&artifact, Some(65534), None).unwrap();
        refused(
            "another user's artifact",
            &[&format!("{shown} is owned by another user (uid 65534)")],
        );
        // Named on the command line, it is the user's choice: signed.
        env.wzt()
            .args([
                "sign",
                "target/wasm/actor.wasm",
                "--caps",
                "auto",
                "-o",
                "chosen_s.wasm",
            ])
            .assert()
            .success();
        std::os::unix::fs::chown(&artifact, Some(0), None).unwrap();
        std::os::unix::fs::chown(&dir, Some(65534), None).unwrap();
        refused(
            "another user's directory",
            &[&format!(
                "{} is owned by another user (uid 65534)",
                dir.display()
            )],
        );
        std::os::unix::fs::chown(&dir, Some(0), None).unwrap();
    }

    env.wzt().arg("build").assert().success();
    assert!(signed.exists());
}

/// The build command runs without any secret wzt reads from the environment: seeds (wzt's and
/// wash's names) and the key passphrase. The probe is a build command that writes its
/// environment to a file; `wzt build`, `wzt run --build` and `wzt dev` run it.
#[test]
fn the_build_command_sees_no_secret_from_the_environment() {
    let env = Env::new();
    env.write("module.wasm", &common::core_module());
    env.write(
        "wzt.toml",
        b"[actor]\nname = \"probe\"\ncaps = [\"fs\"]\n[build]\ncommand = \"env > build-env.txt && cp module.wasm actor.wasm\"\nartifact = \"actor.wasm\"\n",
    );
    let issuer = Key::generate(KeyRole::Account);
    let subject = Key::generate(KeyRole::Module);
    let wash_issuer = Key::generate(KeyRole::Account);
    let wash_subject = Key::generate(KeyRole::Module);
    let secrets = [
        ("WZT_ISSUER_SEED", issuer.seed()),
        ("WASH_ISSUER_KEY", wash_issuer.seed()),
        ("WZT_SUBJECT_SEED", subject.seed()),
        ("WASH_SUBJECT_KEY", wash_subject.seed()),
        ("WZT_KEY_PASSPHRASE", "correct horse battery staple"),
    ];
    // Every variable wzt reads a secret from is in the list the build is cleaned of.
    for (name, _) in &secrets {
        assert!(wzt::keys::SECRET_ENVS.contains(name), "{name}");
    }
    let probe = env.path("build-env.txt");
    let seen_clean = |what: &str| {
        let seen = std::fs::read_to_string(&probe).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(seen.contains("PATH="), "{what}: {seen}");
        for (name, value) in &secrets {
            assert!(!seen.contains(name), "{what}: the build saw {name}");
            assert!(
                !seen.contains(value),
                "{what}: the build saw the value of {name}"
            );
        }
        std::fs::remove_file(&probe).unwrap();
    };
    let with_secrets = |cmd: &mut std::process::Command| {
        for (name, value) in &secrets {
            cmd.env(name, value);
        }
    };

    let mut build = env.command();
    build.arg("build").arg("--json");
    with_secrets(&mut build);
    let out = build.output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    seen_clean("wzt build");
    // The environment's seeds still sign.
    let built: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(built["issuer"], issuer.public_key());
    assert_eq!(built["subject"], subject.public_key());

    let mut run = env.command();
    run.args(["run", "--build", "--trusted-issuer", issuer.public_key()]);
    with_secrets(&mut run);
    let out = run.output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    seen_clean("wzt run --build");

    std::fs::remove_file(env.path("actor.wasm")).unwrap();
    let mut dev = env.command();
    dev.arg("dev")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    with_secrets(&mut dev);
    let mut child = dev.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !probe.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    // The probe is complete once the artifact is there (copied after it).
    while !env.path("actor.wasm").exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    seen_clean("wzt dev");
}

/// Every literal environment variable name in the source that looks like it holds a secret is
/// in `keys::SECRET_ENVS`, the one list the build command is cleaned of.
#[test]
fn every_secret_variable_wzt_reads_is_in_the_one_list() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = std::collections::BTreeSet::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                    let secret_like = [
                        "SEED",
                        "KEY",
                        "PASSPHRASE",
                        "PASSWORD",
                        "TOKEN",
                        "SECRET",
                        "CREDS",
                    ]
                    .iter()
                    .any(|s| word.contains(s));
                    if (word.starts_with("WZT_") || word.starts_with("WASH_"))
                        && secret_like
                        && word.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                        && word != "WZT_KEYS_DIR"
                    {
                        found.insert(word.to_string());
                    }
                }
            }
        }
    }
    assert!(!found.is_empty());
    for name in &found {
        assert!(
            wzt::keys::SECRET_ENVS.contains(&name.as_str()),
            "{name} looks like a secret wzt reads, and is not in keys::SECRET_ENVS"
        );
    }
}

/// A `wzt sign` killed while it writes a large output leaves nothing: the output is written
/// under no name (`O_TMPFILE`) until it is complete.
#[test]
fn a_killed_sign_leaves_no_temporary_file() {
    let env = Env::new();
    common::store_account(&env);
    // A 500 MiB core module: a header and one custom section of zeros (sparse on disk).
    let len: u64 = 500 << 20;
    let payload = len - 8 - 1 - 5;
    let mut head = b"\0asm\x01\0\0\0\0".to_vec();
    let mut size = payload;
    loop {
        let byte = (size & 0x7f) as u8;
        size >>= 7;
        if size == 0 {
            head.push(byte);
            break;
        }
        head.push(byte | 0x80);
    }
    assert_eq!(head.len(), 14, "a five-byte section size");
    head.extend_from_slice(b"\x01x");
    let input = env.path("big.wasm");
    sparse(&input, &head, len);
    env.wzt().args(["inspect", "big.wasm"]).assert().success();

    let mut child = env
        .command()
        .args(["sign", "big.wasm"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let fds = PathBuf::from(format!("/proc/{}/fd", child.id()));
    // Wait until it has written a few MiB to an output that has no name yet.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut writing = false;
    while Instant::now() < deadline && !writing {
        writing = std::fs::read_dir(&fds)
            .into_iter()
            .flatten()
            .flatten()
            .any(|fd| {
                let target = std::fs::read_link(fd.path()).unwrap_or_default();
                target.starts_with(env.work())
                    && target.to_string_lossy().ends_with("(deleted)")
                    && std::fs::metadata(fd.path()).is_ok_and(|m| m.len() > 4 << 20)
            });
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(writing, "never saw the unnamed output being written");
    child.kill().unwrap();
    child.wait().unwrap();
    let mut left: Vec<String> = std::fs::read_dir(env.work())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["big.wasm"], "a killed sign left files behind");
}

/// Outputs are placed as names: a FIFO where `--trace-file` points is refused at once (it is
/// written as the run goes), and one where a signed file goes is replaced, never opened.
#[test]
fn a_fifo_planted_as_an_output_is_never_written_to() {
    let env = Env::new();
    common::store_account(&env);
    env.write("a.wasm", &common::core_module());
    mkfifo(&env.path("planted_s.wasm"));
    let (code, err) = run(
        &env,
        &["sign", "a.wasm", "--caps", "auto", "-o", "planted_s.wasm"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::symlink_metadata(env.path("planted_s.wasm"))
            .unwrap()
            .is_file()
    );
    env.wzt()
        .args(["verify", "planted_s.wasm"])
        .assert()
        .success();

    mkfifo(&env.path("trace.jsonl"));
    let (code, err) = run(
        &env,
        &["run", "planted_s.wasm", "--trace-file", "trace.jsonl"],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("trace.jsonl is a FIFO (named pipe), not a regular file"),
        "{err}"
    );
}
