//! Provenance (docs/design.md §15): `wzt build` in a git checkout writes a DSSE-signed in-toto
//! statement that Python's securesystemslib (what in-toto verifies DSSE with) accepts; the
//! policy's provenance rules fail with their codes; `wzt attest`; push and pull carry the
//! provenance as an OCI referrer through Debian's registry (no referrers API: the tag
//! fallback), read back with skopeo; hostile envelopes; a `cargo auditable` fixture in
//! `inspect`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{self, Env, Registry, stderr_of, stdout_of};

/// Runs `program ARGS` in `dir`, asserting success; its stdout.
fn run_in(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        stderr_of(&out)
    );
    stdout_of(&out)
}

/// The 32 raw bytes of an account public key, as hex (what securesystemslib takes).
fn raw_key_hex(public_key: &str) -> String {
    let (_, raw) = wzt::keys::parse_public_key(public_key).unwrap();
    raw.iter().map(|b| format!("{b:02x}")).collect()
}

/// The DSSE verifier of Python's securesystemslib (in-toto's), on `envelope` with the account
/// key `public_key`: it must accept the signature, and a subject's SHA-256 must be
/// `artifact`'s. Returns whether it accepted.
fn python_verifies(envelope: &Path, public_key: &str, artifact: &Path) -> bool {
    const SCRIPT: &str = r#"
import hashlib, json, sys
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey
path, keyid, public, artifact = sys.argv[1:5]
envelope = Envelope.from_dict(json.load(open(path)))
assert envelope.payload_type == "application/vnd.in-toto+json", envelope.payload_type
key = SSlibKey(keyid, "ed25519", "ed25519", {"public": public})
envelope.verify([key], 1)
statement = json.loads(envelope.payload)
assert statement["_type"] == "https://in-toto.io/Statement/v1"
assert statement["predicateType"] == "https://slsa.dev/provenance/v1"
digest = hashlib.sha256(open(artifact, "rb").read()).hexdigest()
assert any(s["digest"].get("sha256") == digest for s in statement["subject"]), (digest, statement["subject"])
print("verified", digest)
"#;
    let out = Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(envelope)
        .arg(public_key)
        .arg(raw_key_hex(public_key))
        .arg(artifact)
        .output()
        .expect("python3 runs (install securesystemslib: see .ci/run)");
    let stderr = stderr_of(&out);
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "securesystemslib is not installed (pip install as .ci/run does): {stderr}"
    );
    out.status.success()
}

fn json_of(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The statement inside an envelope file.
fn statement_of(envelope: &Path) -> serde_json::Value {
    let envelope = json_of(envelope);
    let payload = data_encoding::BASE64
        .decode(envelope["payload"].as_str().unwrap().as_bytes())
        .unwrap();
    serde_json::from_slice(&payload).unwrap()
}

/// `wzt verify FILE ARGS --json`: exit code and the failure codes.
fn verify_codes(env: &Env, dir: &Path, file: &str, args: &[&str]) -> (i32, Vec<String>) {
    let out = env
        .wzt()
        .current_dir(dir)
        .args(["verify", file, "--json"])
        .args(args)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("not JSON: {} {}", stdout_of(&out), stderr_of(&out)));
    let codes = report[0]["failures"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|f| f["code"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    (out.status.code().unwrap(), codes)
}

#[test]
fn provenance_of_a_git_build_verifies_in_python_and_under_the_policy() {
    let env = Env::new();
    common::store_account(&env);
    let account = env.public_key("account");
    env.wzt()
        .args(["new", "hello", "--template", "http-hello"])
        .assert()
        .success();
    let dir = env.path("hello");
    run_in(&dir, "git", &["init", "-q", "-b", "main"]);
    run_in(
        &dir,
        "git",
        &[
            "remote",
            "add",
            "origin",
            "https://ci:s3cret-token@example.com/acme/hello.git",
        ],
    );
    let build = |dir: &Path| {
        let out = env
            .wzt()
            .current_dir(dir)
            .env_remove("CARGO_TARGET_DIR")
            .args(["build", "--json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };

    // Before the first commit: the tree is not clean (and there is no commit).
    let built = build(&dir);
    let signed = PathBuf::from(built["signed"].as_str().unwrap());
    let provenance = PathBuf::from(built["provenance"].as_str().unwrap());
    assert_eq!(
        provenance,
        dir.join("target/wasm32-wasip2/release/hello_s.intoto.json")
    );
    let first = statement_of(&provenance);
    let source = &first["predicate"]["buildDefinition"]["resolvedDependencies"][0];
    assert_eq!(source["name"], "source");
    assert_eq!(source["annotations"]["clean"], false);
    assert!(source["digest"].get("gitCommit").is_none());
    let (code, codes) = verify_codes(
        &env,
        &dir,
        signed.to_str().unwrap(),
        &["--require-clean-tree"],
    );
    assert_eq!((code, codes), (1, vec!["dirty_tree".to_string()]));

    // Committed (Cargo.lock with it): clean.
    run_in(&dir, "git", &["add", "-A"]);
    run_in(&dir, "git", &["commit", "-q", "-m", "hello"]);
    let commit = run_in(&dir, "git", &["rev-parse", "HEAD"])
        .trim()
        .to_string();
    let built = build(&dir);
    assert_eq!(built["provenance"], provenance.to_str().unwrap());

    // An independent DSSE verifier accepts it with the account key, and its subject is the
    // signed file; under another key it does not verify.
    assert!(python_verifies(&provenance, &account, &signed));
    let stranger = wzt::keys::Key::generate(wzt::keys::KeyRole::Account);
    assert!(!python_verifies(
        &provenance,
        stranger.public_key(),
        &signed
    ));
    let envelope = json_of(&provenance);
    assert_eq!(envelope["signatures"][0]["keyid"], account.as_str());

    // What it says.
    let statement = statement_of(&provenance);
    let sha256 = common::layer_digest(&std::fs::read(&signed).unwrap());
    assert_eq!(statement["subject"][0]["name"], "hello_s.wasm");
    assert_eq!(
        format!(
            "sha256:{}",
            statement["subject"][0]["digest"]["sha256"]
                .as_str()
                .unwrap()
        ),
        sha256
    );
    assert_eq!(statement["subject"][1]["name"], "hello.wasm");
    assert_eq!(
        statement["subject"][1]["digest"]["sha256"]
            .as_str()
            .unwrap(),
        built["module_hash"].as_str().unwrap().to_ascii_lowercase()
    );
    let definition = &statement["predicate"]["buildDefinition"];
    assert_eq!(
        definition["buildType"],
        "https://wzt.dev/provenance/build/v1"
    );
    let external = &definition["externalParameters"];
    assert_eq!(
        external["command"],
        "cargo build --target wasm32-wasip2 --release"
    );
    assert_eq!(external["profile"], "default");
    assert_eq!(external["actor"]["name"], "hello");
    assert_eq!(external["actor"]["caps"], serde_json::json!(["http"]));
    assert_eq!(
        external["source"]["repository"],
        "https://example.com/acme/hello.git"
    );
    assert_eq!(external["source"]["ref"], "refs/heads/main");
    assert_eq!(definition["internalParameters"]["target"], "wasm32-wasip2");
    let rustc = run_in(&dir, "rustc", &["-V"]);
    assert_eq!(definition["internalParameters"]["rustc"], rustc.trim());
    let deps = &definition["resolvedDependencies"];
    assert_eq!(
        deps[0],
        serde_json::json!({
            "name": "source",
            "uri": "git+https://example.com/acme/hello.git@refs/heads/main",
            "digest": {"gitCommit": commit},
            "annotations": {"clean": true},
        })
    );
    assert_eq!(deps[1]["name"], "Cargo.lock");
    let lock = std::fs::read(dir.join("Cargo.lock")).unwrap();
    assert_eq!(
        format!("sha256:{}", deps[1]["digest"]["sha256"].as_str().unwrap()),
        common::layer_digest(&lock)
    );
    let text = std::fs::read_to_string(&provenance).unwrap();
    assert!(
        !text.contains("s3cret"),
        "a credential reached the provenance"
    );
    let run = &statement["predicate"]["runDetails"];
    assert_eq!(run["builder"]["id"], "https://wzt.dev/builder/local/v1");
    assert_eq!(run["builder"]["version"]["wzt"], env!("CARGO_PKG_VERSION"));
    assert!(
        run["metadata"]["startedOn"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert_eq!(
        run["byproducts"][0]["annotations"]["issuer"],
        account.as_str()
    );

    // The policy: every rule holds, then each one fails with its code.
    let file = signed.to_str().unwrap();
    let pass = [
        "--require-provenance",
        "--require-clean-tree",
        "--source-repo",
        "https://example.com/acme/*",
    ];
    assert_eq!(verify_codes(&env, &dir, file, &pass), (0, vec![]));
    let out = env
        .wzt()
        .current_dir(&dir)
        .args(["verify", file])
        .args(pass)
        .output()
        .unwrap();
    assert_eq!(
        stdout_of(&out).lines().nth(1).unwrap(),
        format!(
            "  provenance: {} (signed by {account}, source https://example.com/acme/hello.git @ {}, clean)",
            provenance.display(),
            &commit[..12]
        )
    );
    let (code, codes) = verify_codes(
        &env,
        &dir,
        file,
        &["--source-repo", "https://example.com/other/hello"],
    );
    assert_eq!((code, codes), (1, vec!["untrusted_source".to_string()]));
    let (code, codes) = verify_codes(
        &env,
        &dir,
        file,
        &[
            "--require-provenance",
            "--trusted-issuer",
            stranger.public_key(),
        ],
    );
    assert_eq!(
        (code, codes),
        (
            1,
            vec![
                "untrusted_issuer".to_string(),
                "bad_provenance_signature".to_string()
            ]
        )
    );
    // The policy file's knobs.
    std::fs::write(
        dir.join("policy.toml"),
        "require_provenance = true\nrequire_clean_tree = true\nsource_repos = [\"git@example.com:acme/hello.git\"]\n",
    )
    .unwrap();
    assert_eq!(
        verify_codes(&env, &dir, file, &["--policy", "policy.toml"]),
        (0, vec![])
    );

    // Re-signed (valid claims, another file): the provenance is for another artifact.
    env.wzt().current_dir(&dir).arg("sign").assert().success();
    let (code, codes) = verify_codes(&env, &dir, file, &["--require-provenance"]);
    assert_eq!((code, codes), (1, vec!["provenance_mismatch".to_string()]));
    // Without a provenance rule nothing is looked at.
    assert_eq!(verify_codes(&env, &dir, file, &[]), (0, vec![]));
    // `wzt run` refuses it the same way, before anything runs.
    let out = env
        .wzt()
        .current_dir(&dir)
        .args(["run", file, "--request", "GET /", "--require-provenance"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains("[provenance_mismatch]"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(stdout_of(&out), "");

    // Uncommitted changes: recorded, and refused under require_clean_tree only.
    let source_file = dir.join("src/lib.rs");
    let code_text = std::fs::read_to_string(&source_file).unwrap();
    std::fs::write(&source_file, code_text.replace("Hello from", "Howdy from")).unwrap();
    build(&dir);
    let statement = statement_of(&provenance);
    assert_eq!(
        statement["predicate"]["buildDefinition"]["resolvedDependencies"][0]["annotations"]["clean"],
        false
    );
    assert_eq!(
        verify_codes(&env, &dir, file, &["--require-provenance"]),
        (0, vec![])
    );
    let (code, codes) = verify_codes(&env, &dir, file, &["--require-clean-tree"]);
    assert_eq!((code, codes), (1, vec!["dirty_tree".to_string()]));
    let out = env
        .wzt()
        .current_dir(&dir)
        .args(["run", file, "--request", "GET /x", "--require-provenance"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "Howdy from hello! You asked for /x\n");
}

/// A signed component as `actor_s.wasm` in `env`, with its provenance written by `wzt attest`.
fn attested_component(env: &Env, name: &str) -> PathBuf {
    env.write("actor.wasm", &common::http_component());
    env.wzt()
        .args(["sign", "actor.wasm", "--caps", "http,kv", "--name", name])
        .args(["-o", &format!("{name}_s.wasm")])
        .assert()
        .success();
    env.wzt()
        .args(["attest", &format!("{name}_s.wasm")])
        .assert()
        .success();
    env.path(&format!("{name}_s.intoto.json"))
}

#[test]
fn provenance_attest_says_what_it_could_not_know() {
    let env = Env::new();
    common::store_account(&env);
    env.write("actor.wasm", &common::http_component());
    env.wzt()
        .args(["sign", "actor.wasm", "--caps", "http"])
        .assert()
        .success();
    let out = env.wzt().args(["attest", "actor_s.wasm"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out),
        format!(
            "Wrote actor_s.intoto.json for actor_s.wasm (signed by {})\n  not known, so not recorded:\n    - the build command and wzt.toml settings\n    - the toolchain (rustc version, target)\n    - when it was built\n    - the source repository and commit (name the checkout with --source DIR)\n    - the crates it was built from (it carries no cargo-auditable list)\n",
            env.public_key("account")
        )
    );
    let statement = statement_of(&env.path("actor_s.intoto.json"));
    assert_eq!(
        statement["predicate"]["buildDefinition"]["buildType"],
        "https://wzt.dev/provenance/attest/v1"
    );
    assert_eq!(statement["subject"][1]["name"], "actor.wasm");
    assert!(python_verifies(
        &env.path("actor_s.intoto.json"),
        &env.public_key("account"),
        &env.path("actor_s.wasm")
    ));
    assert_eq!(
        verify_codes(&env, &env.work(), "actor_s.wasm", &["--require-provenance"]),
        (0, vec![])
    );
    let (code, codes) = verify_codes(&env, &env.work(), "actor_s.wasm", &["--require-clean-tree"]);
    assert_eq!((code, codes), (1, vec!["dirty_tree".to_string()]));
    // Never replaced without --force.
    let out = env.wzt().args(["attest", "actor_s.wasm"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: actor_s.intoto.json exists; pass --force to replace it, or name another output with -o\n"
    );

    // With --source: the checkout's git facts.
    let checkout = env.path("checkout");
    std::fs::create_dir(&checkout).unwrap();
    run_in(&checkout, "git", &["init", "-q", "-b", "main"]);
    std::fs::write(checkout.join("Cargo.lock"), "# lock\n").unwrap();
    run_in(&checkout, "git", &["add", "-A"]);
    run_in(&checkout, "git", &["commit", "-q", "-m", "x"]);
    run_in(
        &checkout,
        "git",
        &["remote", "add", "origin", "git@example.com:acme/actor.git"],
    );
    let out = env
        .wzt()
        .args([
            "attest",
            "actor_s.wasm",
            "--source",
            "checkout",
            "--force",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["unknown"].as_array().unwrap().len(), 4);
    assert_eq!(
        verify_codes(
            &env,
            &env.work(),
            "actor_s.wasm",
            &[
                "--require-clean-tree",
                "--source-repo",
                "https://example.com/acme/actor"
            ]
        ),
        (0, vec![])
    );
    let out = env
        .wzt()
        .args(["attest", "actor_s.wasm", "--source", ".", "--force"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "the work directory is no checkout"
    );
}

#[test]
fn provenance_travels_through_a_registry_as_a_referrer() {
    let registry = Registry::start();
    let env = Env::new();
    common::store_account(&env);
    let issuer = env.public_key("account");
    attested_component(&env, "echo");
    let reference = registry.reference("actors/echo:1.0.0");
    let pushed = env.json(&["push", &reference, "echo_s.wasm"], 0);
    let manifest = pushed["digest"].as_str().unwrap().to_string();
    let referrer = pushed["provenance"]["digest"].as_str().unwrap().to_string();
    let tag = format!("sha256-{}", &manifest["sha256:".len()..]);
    assert_eq!(pushed["provenance"]["referrers_tag"], tag.as_str());

    // skopeo sees the referrer: listed at the referrers tag, its subject the manifest.
    let skopeo = |target: &str| {
        let out = Command::new("skopeo")
            .args(["inspect", "--raw", "--tls-verify=false"])
            .arg(format!("docker://{target}"))
            .output()
            .expect("skopeo runs");
        assert!(out.status.success(), "skopeo: {}", stderr_of(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let index = skopeo(&registry.reference(&format!("actors/echo:{tag}")));
    assert_eq!(index["manifests"][0]["digest"], referrer.as_str());
    assert_eq!(
        index["manifests"][0]["artifactType"],
        "application/vnd.in-toto+json"
    );
    let referrer_manifest = skopeo(&format!("{}@{referrer}", registry.reference("actors/echo")));
    assert_eq!(referrer_manifest["subject"]["digest"], manifest.as_str());
    assert_eq!(
        referrer_manifest["artifactType"],
        "application/vnd.in-toto+json"
    );
    assert_eq!(
        referrer_manifest["layers"][0]["mediaType"],
        "application/vnd.dsse.envelope.v1+json"
    );
    assert_eq!(
        referrer_manifest["layers"][0]["digest"],
        common::layer_digest(&env.read("echo_s.intoto.json")).as_str()
    );

    // Pulled with the provenance required: checked, and written beside the actor.
    let user = Env::new();
    let pull = |user: &Env, target: &str, out: &str| {
        user.wzt()
            .args([
                "pull",
                target,
                "-o",
                out,
                "--trusted-issuer",
                &issuer,
                "--require-provenance",
            ])
            .output()
            .unwrap()
    };
    let out = pull(&user, &reference, "echo.wasm");
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(user.read("echo.wasm"), env.read("echo_s.wasm"));
    assert_eq!(
        user.read("echo.intoto.json"),
        env.read("echo_s.intoto.json")
    );
    assert_eq!(
        stdout_of(&out).lines().nth(1).unwrap(),
        "provenance checked: echo.intoto.json"
    );
    // `verify` and `run` of oci:// find it the same way.
    let oci = format!("oci://{reference}");
    let (code, codes) = verify_codes(
        &user,
        &user.work(),
        &oci,
        &["--trusted-issuer", &issuer, "--require-provenance"],
    );
    assert_eq!((code, codes), (0, vec![]));

    // Another artifact B with its provenance, in the same repository.
    attested_component(&env, "other");
    let other = env.json(
        &[
            "push",
            &registry.reference("actors/echo:other"),
            "other_s.wasm",
        ],
        0,
    );
    let other_tag = format!(
        "sha256-{}",
        &other["digest"].as_str().unwrap()["sha256:".len()..]
    );

    let refused = |user: &Env, expected: &str| {
        let out = pull(user, &reference, "fresh.wasm");
        assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
        assert!(stderr_of(&out).contains(expected), "{}", stderr_of(&out));
        assert!(!user.path("fresh.wasm").exists(), "nothing is written");
        assert!(!user.path("fresh.intoto.json").exists());
    };
    let index_path = |tag: &str| format!("/v2/actors/echo/manifests/{tag}");
    let (status, original_index) = registry.http("GET", &index_path(&tag), None, b"");
    assert_eq!(status, 200);

    // Swapped: A's referrers tag lists B's referrer.
    let (status, other_index) = registry.http("GET", &index_path(&other_tag), None, b"");
    assert_eq!(status, 200);
    let index_type = Some("application/vnd.oci.image.index.v1+json");
    assert_eq!(
        registry
            .http("PUT", &index_path(&tag), index_type, &other_index)
            .0,
        201
    );
    refused(&user, "[no_provenance]");
    refused(&user, "is about sha256:");

    // Swapped more cleverly: a referrer about A that carries B's envelope.
    let other_referrer = other["provenance"]["digest"].as_str().unwrap();
    let (_, body) = registry.http("GET", &index_path(other_referrer), None, b"");
    let mut forged: serde_json::Value = serde_json::from_slice(&body).unwrap();
    forged["subject"]["digest"] = manifest.clone().into();
    forged["subject"]["size"] = pushed["manifest_size"].clone();
    let forged = serde_json::to_vec(&forged).unwrap();
    let forged_digest = common::layer_digest(&forged);
    let manifest_type = Some("application/vnd.oci.image.manifest.v1+json");
    assert_eq!(
        registry
            .http("PUT", &index_path(&forged_digest), manifest_type, &forged)
            .0,
        201
    );
    let mut index: serde_json::Value = serde_json::from_slice(&original_index).unwrap();
    index["manifests"][0]["digest"] = forged_digest.clone().into();
    index["manifests"][0]["size"] = forged.len().into();
    let index = serde_json::to_vec(&index).unwrap();
    assert_eq!(
        registry
            .http("PUT", &index_path(&tag), index_type, &index)
            .0,
        201
    );
    refused(&user, "[provenance_mismatch]");
    let out = user
        .wzt()
        .args([
            "run",
            &oci,
            "--request",
            "GET /",
            "--trusted-issuer",
            &issuer,
            "--require-provenance",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains("[provenance_mismatch]"),
        "{}",
        stderr_of(&out)
    );

    // Removed: the referrer is deleted.
    assert_eq!(
        registry
            .http("PUT", &index_path(&tag), index_type, &original_index)
            .0,
        201
    );
    assert_eq!(
        registry.http("DELETE", &index_path(&referrer), None, b"").0,
        202
    );
    refused(&user, "[no_provenance]");
    // Without a provenance rule the pull does not look.
    let out = user
        .wzt()
        .args([
            "pull",
            &reference,
            "-o",
            "plain.wasm",
            "--trusted-issuer",
            &issuer,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(!user.path("plain.intoto.json").exists());

    // Push refuses a provenance that is not the file's.
    std::fs::copy(
        env.path("other_s.intoto.json"),
        env.path("echo_s.intoto.json"),
    )
    .unwrap();
    let out = env
        .wzt()
        .args(["push", &registry.reference("actors/echo:2"), "echo_s.wasm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains("[provenance_mismatch]"),
        "{}",
        stderr_of(&out)
    );
}

/// Writes `envelope` as JSON to `name` in `env`'s work directory.
fn write_envelope(env: &Env, name: &str, envelope: &serde_json::Value) {
    env.write(name, &serde_json::to_vec(envelope).unwrap());
}

/// A DSSE envelope over `payload` signed by `key` (the PAE done by hand here, as the spec
/// says, not by wzt).
fn sign_envelope(payload: &[u8], payload_type: &str, key: &wzt::keys::Key) -> serde_json::Value {
    let mut pae = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    pae.extend_from_slice(payload);
    let sig = key.sign(&pae).unwrap();
    serde_json::json!({
        "payloadType": payload_type,
        "payload": data_encoding::BASE64.encode(payload),
        "signatures": [{"keyid": key.public_key(), "sig": data_encoding::BASE64.encode(&sig)}],
    })
}

#[test]
fn provenance_hostile_envelopes_are_refused_with_a_code() {
    let env = Env::new();
    let account = common::store_account(&env);
    env.write("actor.wasm", &common::http_component());
    env.wzt()
        .args(["sign", "actor.wasm", "--caps", "http"])
        .assert()
        .success();
    let sha256 = common::layer_digest(&env.read("actor_s.wasm"))["sha256:".len()..].to_string();
    let statement = |subject: &str, repository: &str| {
        serde_json::json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "actor_s.wasm", "digest": {"sha256": subject}}],
            "predicateType": "https://slsa.dev/provenance/v1",
            "predicate": {
                "buildDefinition": {
                    "buildType": "https://wzt.dev/provenance/build/v1",
                    "externalParameters": {},
                    "resolvedDependencies": [{
                        "name": "source",
                        "uri": format!("git+{repository}@refs/heads/main"),
                        "digest": {"gitCommit": "a".repeat(40)},
                        "annotations": {"clean": true},
                    }],
                },
                "runDetails": {"builder": {"id": "https://wzt.dev/builder/local/v1"}},
            },
        })
        .to_string()
        .into_bytes()
    };
    let in_toto = "application/vnd.in-toto+json";
    let good = sign_envelope(
        &statement(&sha256, "https://example.com/acme/a"),
        in_toto,
        &account,
    );
    let stranger = wzt::keys::Key::generate(wzt::keys::KeyRole::Account);
    let check = |name: &str, extra: &[&str]| {
        let mut args = vec!["--provenance", name, "--require-provenance"];
        args.extend_from_slice(extra);
        verify_codes(&env, &env.work(), "actor_s.wasm", &args)
    };
    write_envelope(&env, "good.json", &good);
    assert_eq!(check("good.json", &[]), (0, vec![]));

    let mut cases: Vec<(&str, serde_json::Value, &str)> = Vec::new();
    // Signed by a key nobody trusts.
    cases.push((
        "untrusted.json",
        sign_envelope(
            &statement(&sha256, "https://example.com/acme/a"),
            in_toto,
            &stranger,
        ),
        "bad_provenance_signature",
    ));
    // Two signatures, the valid one by an untrusted key, the trusted keyid's a forgery.
    let mut two = sign_envelope(
        &statement(&sha256, "https://example.com/acme/a"),
        in_toto,
        &stranger,
    );
    let stolen_sig = two["signatures"][0]["sig"].clone();
    two["signatures"] = serde_json::json!([
        {"keyid": account.public_key(), "sig": stolen_sig.clone()},
        {"keyid": stranger.public_key(), "sig": stolen_sig},
    ]);
    cases.push(("two.json", two, "bad_provenance_signature"));
    // Another artifact's provenance.
    cases.push((
        "other.json",
        sign_envelope(
            &statement(&"b".repeat(64), "https://example.com/acme/a"),
            in_toto,
            &account,
        ),
        "provenance_mismatch",
    ));
    // The right statement under another payload type.
    cases.push((
        "type.json",
        sign_envelope(&statement(&sha256, "x"), "text/plain", &account),
        "malformed_provenance",
    ));
    // Bad base64, many signatures, a payload that is not a statement, deep nesting.
    let mut bad = good.clone();
    bad["payload"] = "not base64!".into();
    cases.push(("base64.json", bad, "malformed_provenance"));
    let mut many = good.clone();
    many["signatures"] = serde_json::Value::Array(vec![good["signatures"][0].clone(); 40]);
    cases.push(("many.json", many, "malformed_provenance"));
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    cases.push((
        "deep.json",
        sign_envelope(deep.as_bytes(), in_toto, &account),
        "malformed_provenance",
    ));
    for (name, envelope, expected) in cases {
        write_envelope(&env, name, &envelope);
        let (code, codes) = check(name, &[]);
        assert_eq!((code, codes), (1, vec![expected.to_string()]), "{name}");
    }
    // Larger than any provenance: refused unread.
    env.write("huge.json", &vec![b' '; 5 << 20]);
    assert_eq!(
        check("huge.json", &[]),
        (1, vec!["malformed_provenance".to_string()])
    );

    // Escapes in strings reach the terminal escaped.
    let sneaky = sign_envelope(
        &statement(&sha256, "https://evil.example/\u{1b}[2J\u{202e}x"),
        in_toto,
        &account,
    );
    write_envelope(&env, "sneaky.json", &sneaky);
    let out = env
        .wzt()
        .args([
            "verify",
            "actor_s.wasm",
            "--provenance",
            "sneaky.json",
            "--source-repo",
            "https://example.com/acme/a",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = stdout_of(&out);
    assert!(stdout.contains("[untrusted_source]"), "{stdout}");
    assert!(stdout.contains("\\u{1b}[2J\\u{202e}x"), "{stdout}");
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{202e}'),
        "{stdout}"
    );

    // A --provenance that does not exist, or is not a file, is an input error.
    let out = env
        .wzt()
        .args(["verify", "actor_s.wasm", "--provenance", "none.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::create_dir(env.path("dir.json")).unwrap();
    let out = env
        .wzt()
        .args(["verify", "actor_s.wasm", "--provenance", "dir.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
}

/// Builds tests/fixtures/auditable-cli with `cargo auditable` for wasm32-wasip1 (cargo-auditable
/// is installed by .ci/run).
fn auditable_fixture() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target_dir = root.join("target").join("fixtures-auditable");
    let status = Command::new(env!("CARGO"))
        .args(["auditable", "build", "--release", "--quiet", "--locked"])
        .args(["--target", "wasm32-wasip1", "--target-dir"])
        .arg(&target_dir)
        .arg("--manifest-path")
        .arg(root.join("tests/fixtures/auditable-cli/Cargo.toml"))
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "`cargo auditable build` failed: is cargo-auditable installed (cargo install --locked cargo-auditable)?"
    );
    target_dir.join("wasm32-wasip1/release/auditable-cli.wasm")
}

#[test]
fn provenance_inspect_shows_the_crates_cargo_auditable_listed() {
    let env = Env::new();
    common::store_account(&env);
    let artifact = auditable_fixture();
    let out = env.wzt().arg("inspect").arg(&artifact).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stdout = stdout_of(&out);
    let at = stdout
        .find("Dependencies (cargo auditable): 2 crates")
        .expect(&stdout);
    common::assert_snapshot(
        &stdout[at..],
        snapbox::str![[r#"
Dependencies (cargo auditable): 2 crates
+----------------------+---------+-----------+---------+
| Crate                | Version | Source    | Kind    |
+======================================================+
| auditable-cli (root) | 0.1.0   | local     | runtime |
| itoa                 | 1.0.19  | crates.io | runtime |
+----------------------+---------+-----------+---------+

"#]],
        &[],
    );
    let report = env.json(&["inspect", artifact.to_str().unwrap()], 0);
    assert_eq!(
        report["dependencies"],
        serde_json::json!([
            {"name": "auditable-cli", "version": "0.1.0", "source": "local", "kind": "runtime", "root": true},
            {"name": "itoa", "version": "1.0.19", "source": "crates.io", "kind": "runtime", "root": false},
        ])
    );
    // Signed, it still lists them (the list is part of the module hash, like any section),
    // and the provenance records them.
    env.wzt()
        .arg("sign")
        .arg(&artifact)
        .args(["-o", "aud_s.wasm"])
        .assert()
        .success();
    let report = env.json(&["inspect", "aud_s.wasm"], 0);
    assert_eq!(report["dependencies"][1]["name"], "itoa");
    env.wzt().args(["attest", "aud_s.wasm"]).assert().success();
    let statement = statement_of(&env.path("aud_s.intoto.json"));
    let uris: Vec<&str> = statement["predicate"]["buildDefinition"]["resolvedDependencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["uri"].as_str())
        .collect();
    assert_eq!(
        uris,
        ["pkg:cargo/auditable-cli@0.1.0", "pkg:cargo/itoa@1.0.19"]
    );
    // A file without a list shows none.
    env.write("plain.wasm", &common::plain_component());
    assert_eq!(
        env.json(&["inspect", "plain.wasm"], 0)["dependencies"],
        serde_json::Value::Null
    );
}
