//! `wzt push`, `wzt pull` and `oci://` references against a real registry (Debian's
//! `docker-registry` on 127.0.0.1, see `common::Registry`), read back with Debian's `skopeo`.

use std::path::Path;
use std::process::Command;

use crate::common::{self, Env, Registry, Server, fixture, stderr_of, stdout_of};

const P2: &str = "wasm32-wasip2";

fn setup() -> Env {
    let env = Env::new();
    common::store_account(&env);
    env
}

/// A small signed component (not runnable; enough to push and pull), as `actor_s.wasm`.
fn signed_component(env: &Env) -> Vec<u8> {
    env.write("actor.wasm", &common::http_component());
    env.wzt()
        .args(["sign", "actor.wasm", "--caps", "http,kv", "--name", "echo"])
        .args(["--ver", "1.2.3"])
        .assert()
        .success();
    env.read("actor_s.wasm")
}

/// `wzt push --json`, expecting success; returns the manifest digest.
fn push(env: &Env, reference: &str, file: &str) -> String {
    let pushed = env.json(&["push", reference, file], 0);
    assert_eq!(pushed["ref"], reference);
    pushed["digest"].as_str().unwrap().to_string()
}

/// `skopeo inspect --raw` (the manifest as stored) or `--config --raw`.
fn skopeo_inspect(reference: &str, config: bool) -> serde_json::Value {
    let mut cmd = Command::new("skopeo");
    cmd.args(["inspect", "--raw", "--tls-verify=false"]);
    if config {
        cmd.arg("--config");
    }
    let out = cmd
        .arg(format!("docker://{reference}"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run skopeo ({e}); install it: apt-get install skopeo"));
    assert!(out.status.success(), "skopeo: {}", stderr_of(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn cached_blobs(env: &Env) -> usize {
    std::fs::read_dir(env.root.path().join("cache/wzt/blobs/sha256"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[test]
fn oci_push_then_pull_round_trips_the_exact_bytes() {
    let registry = Registry::start();
    let env = setup();
    let signed = signed_component(&env);
    let reference = registry.reference("actors/echo:1.2.3");
    let digest = push(&env, &reference, "actor_s.wasm");
    assert!(digest.starts_with("sha256:"), "{digest}");

    // The manifest as the registry holds it: CNCF wasm media types and the claims repeated.
    let manifest = skopeo_inspect(&reference, false);
    assert_eq!(
        manifest["mediaType"],
        "application/vnd.oci.image.manifest.v1+json"
    );
    assert_eq!(
        manifest["config"]["mediaType"],
        "application/vnd.wasm.config.v0+json"
    );
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1);
    assert_eq!(layers[0]["mediaType"], "application/wasm");
    assert_eq!(layers[0]["size"], signed.len());
    let annotations = &manifest["annotations"];
    assert_eq!(annotations["org.opencontainers.image.title"], "echo");
    assert_eq!(annotations["org.opencontainers.image.version"], "1.2.3");
    assert_eq!(annotations["dev.wzt.issuer"], env.public_key("account"));
    assert!(
        annotations["dev.wzt.subject"]
            .as_str()
            .unwrap()
            .starts_with('M')
    );
    assert_eq!(
        annotations["dev.wzt.caps"],
        "wasmcloud:httpserver,wasmcloud:keyvalue"
    );
    let config = skopeo_inspect(&reference, true);
    assert_eq!(config["os"], "wasip2");
    assert_eq!(config["architecture"], "wasm");
    assert_eq!(config["layerDigests"][0], layers[0]["digest"]);
    assert_eq!(
        config["component"]["exports"],
        serde_json::json!(["wasi:http/incoming-handler@0.2.0"])
    );
    assert!(
        config["component"]["imports"]
            .as_array()
            .unwrap()
            .contains(&"wasi:keyvalue/store@0.2.0-draft".into())
    );

    // Pulled back, byte for byte, by tag and by digest, in another key store trusting the
    // same issuer.
    let other = Env::new();
    let issuer = env.public_key("account");
    let pulled = other.json(
        &[
            "pull",
            &reference,
            "-o",
            "echo.wasm",
            "--trusted-issuer",
            &issuer,
        ],
        0,
    );
    assert_eq!(pulled["digest"], digest.as_str());
    assert_eq!(pulled["cached"], false);
    assert_eq!(pulled["name"], "echo");
    assert_eq!(other.read("echo.wasm"), signed);
    let pinned = format!("{}@{digest}", registry.reference("actors/echo"));
    // An existing output is replaced only with --force.
    let out = other
        .wzt()
        .args(["pull", &pinned, "--trusted-issuer", &issuer])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: echo.wasm exists; pass --force to replace it, or name another output with -o\n"
    );
    let again = other.json(
        &["pull", &pinned, "--trusted-issuer", &issuer, "--force"],
        0,
    );
    assert_eq!(again["cached"], true);
    assert_eq!(again["file"], "echo.wasm");
    assert_eq!(other.read("echo.wasm"), signed);

    // The same signed file pushes to the same digest (the layout is a function of the file).
    assert_eq!(
        push(
            &env,
            &registry.reference("actors/echo:again"),
            "actor_s.wasm"
        ),
        digest
    );
}

#[test]
fn oci_a_blob_altered_in_the_registry_is_refused_before_anything_is_written() {
    let registry = Registry::start();
    let env = setup();
    let signed = signed_component(&env);
    let reference = registry.reference("echo:1");
    push(&env, &reference, "actor_s.wasm");
    let layer = common::layer_digest(&signed);

    // Flip one byte of the stored layer, keeping its length.
    let blob = registry.blob_file(&layer);
    let mut data = std::fs::read(&blob).unwrap();
    let last = data.len() - 1;
    data[last] ^= 0x01;
    std::fs::write(&blob, data).unwrap();

    let out = env
        .wzt()
        .args(["pull", &reference, "-o", "echo.wasm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("does not match its digest") && stderr.contains(&layer),
        "{stderr}"
    );
    assert!(!env.path("echo.wasm").exists());
    assert_eq!(cached_blobs(&env), 0, "nothing enters the cache");

    // `run` and `inspect` refuse it the same way.
    for args in [
        vec!["run", "--request", "GET /"],
        vec!["inspect"],
        vec!["verify"],
    ] {
        let out = env
            .wzt()
            .args(&args)
            .arg(format!("oci://{reference}"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr_of(&out));
    }
}

#[test]
fn oci_a_manifest_altered_in_the_registry_or_a_wrong_pin_is_refused() {
    let registry = Registry::start();
    let env = setup();
    signed_component(&env);
    let reference = registry.reference("echo:1");
    let digest = push(&env, &reference, "actor_s.wasm");

    // A digest the repository does not hold: the registry has no such manifest.
    let wrong = format!("{}@sha256:{}", registry.reference("echo"), "0".repeat(64));
    let out = env
        .wzt()
        .args(["pull", &wrong, "-o", "echo.wasm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(!env.path("echo.wasm").exists());

    // The stored manifest altered (same length): by tag and by pinned digest, refused.
    let manifest = registry.blob_file(&digest);
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replacen("1.2.3", "9.9.9", 1)).unwrap();
    for target in [
        reference.clone(),
        format!("{}@{digest}", registry.reference("echo")),
    ] {
        let out = env
            .wzt()
            .args(["pull", &target, "-o", "echo.wasm"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{target}: {}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains("does not match its digest"),
            "{}",
            stderr_of(&out)
        );
        assert!(!env.path("echo.wasm").exists());
    }
}

#[test]
fn oci_an_actor_from_an_untrusted_issuer_is_refused_and_not_written() {
    let registry = Registry::start();
    let publisher = setup();
    signed_component(&publisher);
    let reference = registry.reference("echo:1");
    push(&publisher, &reference, "actor_s.wasm");

    // Another user, whose store trusts only its own account key.
    let user = setup();
    let out = user
        .wzt()
        .args(["pull", &reference, "-o", "echo.wasm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);
    assert!(stderr.contains("[untrusted_issuer]"), "{stderr}");
    assert!(!user.path("echo.wasm").exists());
    let out = user
        .wzt()
        .args(["verify", &format!("oci://{reference}"), "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report[0]["failures"][0]["code"], "untrusted_issuer");
}

#[test]
fn oci_push_refuses_unverified_files_and_loose_references() {
    let registry = Registry::start();
    let env = setup();
    signed_component(&env);
    env.write("unsigned.wasm", &common::plain_component());
    let code = |args: &[&str]| {
        let out = env.wzt().args(args).output().unwrap();
        (out.status.code(), stderr_of(&out))
    };

    let (status, stderr) = code(&["push", &registry.reference("echo"), "actor_s.wasm"]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("names no tag and no digest"), "{stderr}");
    let latest = registry.reference("echo:latest");
    let (status, stderr) = code(&["push", &latest, "actor_s.wasm"]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("--allow-latest"), "{stderr}");
    let (status, _) = code(&["push", &latest, "actor_s.wasm", "--allow-latest"]);
    assert_eq!(status, Some(0));
    let (status, _) = code(&["push", "not a reference", "actor_s.wasm"]);
    assert_eq!(status, Some(2));

    // Verified first: unsigned only on purpose, untrusted never.
    let (status, stderr) = code(&["push", &registry.reference("u:1"), "unsigned.wasm"]);
    assert_eq!(status, Some(1));
    assert!(stderr.contains("[unsigned]"), "{stderr}");
    let (status, _) = code(&[
        "push",
        &registry.reference("u:1"),
        "unsigned.wasm",
        "--allow-unsigned",
    ]);
    assert_eq!(status, Some(0));
    let stranger = wzt::keys::Key::generate(wzt::keys::KeyRole::Account);
    let (status, stderr) = code(&[
        "push",
        &registry.reference("echo:2"),
        "actor_s.wasm",
        "--trusted-issuer",
        stranger.public_key(),
    ]);
    assert_eq!(status, Some(1));
    assert!(stderr.contains("[untrusted_issuer]"), "{stderr}");

    // A pinned push must name the digest wzt lays out.
    let pinned = format!("{}@sha256:{}", registry.reference("echo"), "1".repeat(64));
    let (status, stderr) = code(&["push", &pinned, "actor_s.wasm"]);
    assert_eq!(status, Some(1), "{stderr}");

    // Human output: what was pushed and its digest.
    let out = env
        .wzt()
        .args(["push", &registry.reference("echo:1.2.3"), "actor_s.wasm"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stdout = stdout_of(&out);
    assert!(
        stdout.starts_with("pushed echo 1.2.3 (component, "),
        "{stdout}"
    );
    assert!(stdout.contains("\ndigest: sha256:"), "{stdout}");
}

#[test]
fn oci_run_serves_a_request_and_a_second_run_uses_the_blob_cache() {
    let registry = Registry::start();
    let env = setup();
    env.wzt()
        .arg("sign")
        .arg(fixture("http-actor", P2))
        .args(["--caps", "http", "-o", "http_s.wasm"])
        .assert()
        .success();
    let reference = registry.reference("actors/http-actor:0.1.0");
    push(&env, &reference, "http_s.wasm");
    let layer = common::layer_digest(&env.read("http_s.wasm"));
    let oci = format!("oci://{reference}");

    let server = Server::run(&env, &oci, &[]);
    let response = server.get("/");
    assert_eq!(response.status, 200, "{}", server.stderr());
    server.stderr_containing(&["wzt: fetched ", "downloaded)"]);
    drop(server);
    let downloads = registry.blob_gets(&layer);
    assert_eq!(downloads, 1, "{}", registry.log());

    let out = env
        .wzt()
        .args(["run", &oci, "--request", "GET /"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("from the blob cache"));
    assert_eq!(registry.blob_gets(&layer), downloads, "no second download");

    // `inspect` reads it through the cache too.
    let out = env.wzt().args(["inspect", &oci]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains(&format!("{oci}: component, signed")));
    assert_eq!(registry.blob_gets(&layer), downloads);

    // A cached copy that no longer matches its digest is replaced by a fresh download.
    let hex = layer.strip_prefix("sha256:").unwrap();
    let cached = env.root.path().join("cache/wzt/blobs/sha256").join(hex);
    let mut data = std::fs::read(&cached).unwrap();
    data[10] ^= 0xff;
    std::fs::write(&cached, data).unwrap();
    let out = env
        .wzt()
        .args(["run", &oci, "--request", "GET /"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("downloaded again: the cached copy was refused"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(registry.blob_gets(&layer), downloads + 1);
}

#[test]
fn oci_basic_auth_with_password_stdin_and_with_a_docker_config_file() {
    let registry = Registry::with_basic_auth("alice", "s3cret");
    let env = setup();
    let signed = signed_component(&env);
    let reference = registry.reference("private/echo:1");

    let out = env
        .wzt()
        .args(["push", &reference, "actor_s.wasm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "anonymous is refused");
    let out = env
        .wzt()
        .args(["push", &reference, "actor_s.wasm", "--username", "alice"])
        .arg("--password-stdin")
        .write_stdin("wrong\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a wrong password is refused");
    let out = env
        .wzt()
        .args(["push", &reference, "actor_s.wasm", "--username", "alice"])
        .arg("--password-stdin")
        .write_stdin("s3cret\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(!stderr_of(&out).contains("s3cret"));

    // A docker config file (DOCKER_CONFIG, as `docker login` writes it).
    let docker = env.root.path().join("docker");
    std::fs::create_dir_all(&docker).unwrap();
    let auth = data_encoding::BASE64.encode(b"alice:s3cret");
    std::fs::write(
        docker.join("config.json"),
        format!(
            r#"{{"auths": {{"{}": {{"auth": "{auth}"}}}}}}"#,
            registry.addr
        ),
    )
    .unwrap();
    let pulled = env.json(&["pull", &reference, "-o", "echo.wasm"], 0);
    assert_eq!(pulled["name"], "echo");
    assert_eq!(env.read("echo.wasm"), signed);
}

#[test]
fn oci_an_artifact_pushed_by_older_wash_is_read() {
    let registry = Registry::start();
    let env = setup();
    let signed = signed_component(&env);
    // An OCI layout as older wash pushed it: its own config type and the legacy layer type,
    // copied to the registry with skopeo.
    let layout = env.root.path().join("layout");
    let config = br#"{"created":"2023-01-01T00:00:00Z"}"#.to_vec();
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.wasmcloud.actor.archive.config",
            "digest": common::layer_digest(&config),
            "size": config.len(),
        },
        "layers": [{
            "mediaType": "application/vnd.module.wasm.content.layer.v1+wasm",
            "digest": common::layer_digest(&signed),
            "size": signed.len(),
        }],
    })
    .to_string()
    .into_bytes();
    write_layout(&layout, &[config.as_slice(), signed.as_slice()], &manifest);
    let reference = registry.reference("legacy/echo:0.1.0");
    let out = Command::new("skopeo")
        .args(["copy", "--dest-tls-verify=false", "--preserve-digests"])
        .arg(format!("oci:{}:0.1.0", layout.display()))
        .arg(format!("docker://{reference}"))
        .output()
        .expect("skopeo runs");
    assert!(out.status.success(), "skopeo copy: {}", stderr_of(&out));

    let pulled = env.json(&["pull", &reference, "-o", "legacy.wasm"], 0);
    assert_eq!(pulled["digest"], common::layer_digest(&manifest).as_str());
    assert_eq!(env.read("legacy.wasm"), signed);
}

/// Writes an OCI image layout holding `blobs` and `manifest`, tagged `0.1.0`.
fn write_layout(dir: &Path, blobs: &[&[u8]], manifest: &[u8]) {
    let blob_dir = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blob_dir).unwrap();
    for blob in blobs.iter().copied().chain([manifest]) {
        let digest = common::layer_digest(blob);
        std::fs::write(blob_dir.join(&digest["sha256:".len()..]), blob).unwrap();
    }
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": common::layer_digest(manifest),
            "size": manifest.len(),
            "annotations": {"org.opencontainers.image.ref.name": "0.1.0"},
        }],
    });
    std::fs::write(dir.join("index.json"), index.to_string()).unwrap();
}
