//! A hostile registry on 127.0.0.1: a small HTTP server in the test that answers each request
//! as the test says and records what it was sent. Every attack here once worked against the
//! registry client wzt used before `registry::transport` (a red-team pass found them).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{self, Env, stderr_of};

/// One request as the hostile server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    authorization: Option<String>,
}

type Answer = Box<dyn Fn(&Seen, &mut TcpStream) + Send + Sync>;

/// A server answering every request with `answer`, recording what it was sent.
struct Hostile {
    addr: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Hostile {
    fn start(answer: Answer) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let answer = Arc::new(answer);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let record = Arc::clone(&record);
                let answer = Arc::clone(&answer);
                std::thread::spawn(move || serve(stream, &record, &answer));
            }
        });
        Hostile { addr, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(mut stream: TcpStream, record: &Mutex<Vec<Seen>>, answer: &Answer) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let path = parts.next().unwrap_or_default().to_string();
        let mut authorization = None;
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                match name.to_ascii_lowercase().as_str() {
                    "authorization" => authorization = Some(value.trim().to_string()),
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let seen = Seen {
            method,
            path,
            authorization,
        };
        record.lock().unwrap().push(seen.clone());
        answer(&seen, &mut stream);
        let _ = stream.flush();
    }
}

fn reply(stream: &mut TcpStream, status: &str, headers: &[(&str, &str)], body: &[u8]) {
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn env() -> Env {
    let env = Env::new();
    common::store_account(&env);
    env
}

fn signed(env: &Env) {
    env.write("actor.wasm", &common::plain_component());
    env.wzt().args(["sign", "actor.wasm"]).assert().success();
}

/// The credentials `alice:secret` as the docker config file gives them for `registry`.
fn docker_login(env: &Env, registry: &str) {
    let dir = env.root.path().join("docker");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.json"),
        format!(r#"{{"auths": {{"{registry}": {{"auth": "YWxpY2U6c2VjcmV0"}}}}}}"#),
    )
    .unwrap();
}

/// Exit code of `wzt ARGS`, and its stderr; never a panic.
fn run(env: &Env, args: &[&str]) -> (i32, String) {
    let out = env.wzt().args(args).output().unwrap();
    let err = stderr_of(&out);
    assert!(!err.contains("panicked"), "{err}");
    (out.status.code().unwrap_or(-1), err)
}

#[test]
fn oci_a_token_server_on_plain_http_elsewhere_gets_no_credentials() {
    // The token server is on this machine, but under another host name than the registry:
    // as far as the transport rule goes, another host on plain HTTP.
    let tokens = Hostile::start(Box::new(|_, s| {
        reply(s, "200 OK", &[], br#"{"token":"t"}"#)
    }));
    let realm = format!(
        "http://localhost:{}/token",
        tokens.addr.rsplit(':').next().unwrap()
    );
    let registry = Hostile::start(Box::new(move |_, s| {
        let challenge = format!(r#"Bearer realm="{realm}",service="r""#);
        reply(
            s,
            "401 Unauthorized",
            &[("WWW-Authenticate", &challenge)],
            b"",
        )
    }));
    let env = env();
    docker_login(&env, &registry.addr);
    let (code, err) = run(&env, &["pull", &format!("{}/a/b:1", registry.addr)]);
    assert_eq!(code, 2);
    assert!(
        err.contains("token server") && err.contains("not HTTPS"),
        "{err}"
    );
    assert!(tokens.seen().is_empty(), "{:?}", tokens.seen());
}

#[test]
fn oci_a_token_with_a_control_character_is_an_error_not_a_crash() {
    let tokens = Hostile::start(Box::new(|_, s| {
        reply(s, "200 OK", &[], b"{\"token\":\"bad\\ntoken\"}")
    }));
    let realm = format!("http://{}/token", tokens.addr);
    let registry = Hostile::start(Box::new(move |_, s| {
        let challenge = format!(r#"Bearer realm="{realm}""#);
        reply(
            s,
            "401 Unauthorized",
            &[("WWW-Authenticate", &challenge)],
            b"",
        )
    }));
    let env = env();
    let (code, err) = run(&env, &["pull", &format!("{}/a/b:1", registry.addr)]);
    assert_eq!(code, 2);
    assert!(err.contains("not a header-safe string"), "{err}");
}

#[test]
fn oci_a_redirect_to_plain_http_on_another_host_is_not_followed() {
    let elsewhere = Hostile::start(Box::new(|_, s| reply(s, "200 OK", &[], b"{}")));
    let target = format!(
        "http://localhost:{}/v2/a/b/manifests/1",
        elsewhere.addr.rsplit(':').next().unwrap()
    );
    let registry = Hostile::start(Box::new(move |_, s| {
        reply(s, "302 Found", &[("Location", &target)], b"")
    }));
    let env = env();
    let (code, err) = run(&env, &["pull", &format!("{}/a/b:1", registry.addr)]);
    assert_eq!(code, 2);
    assert!(err.contains("refusing a redirect"), "{err}");
    assert!(elsewhere.seen().is_empty());
    assert_eq!(registry.seen()[0].path, "/v2/a/b/manifests/1");
}

#[test]
fn oci_an_upload_location_on_another_host_gets_no_bytes() {
    let elsewhere = Hostile::start(Box::new(|_, s| reply(s, "201 Created", &[], b"")));
    let location = format!("http://{}/upload/x", elsewhere.addr);
    let registry = Hostile::start(Box::new(move |seen, s| match seen.method.as_str() {
        "HEAD" => reply(s, "404 Not Found", &[], b""),
        "POST" => reply(s, "202 Accepted", &[("Location", &location)], b""),
        _ => reply(s, "500 Internal Server Error", &[], b""),
    }));
    // And one that is not a URL at all.
    let garbage = Hostile::start(Box::new(|seen, s| match seen.method.as_str() {
        "HEAD" => reply(s, "404 Not Found", &[], b""),
        "POST" => reply(s, "202 Accepted", &[("Location", "nothttp:\u{1}x")], b""),
        _ => reply(s, "500 Internal Server Error", &[], b""),
    }));
    let env = env();
    signed(&env);
    let (code, err) = run(
        &env,
        &["push", &format!("{}/a/b:1", registry.addr), "actor_s.wasm"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("on another host"), "{err}");
    assert!(elsewhere.seen().is_empty());
    let (code, _) = run(
        &env,
        &["push", &format!("{}/a/b:1", garbage.addr), "actor_s.wasm"],
    );
    assert_eq!(code, 2);
}

#[test]
fn oci_an_oversized_manifest_and_a_trickling_registry_are_cut_off() {
    let huge = Hostile::start(Box::new(|_, s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nContent-Length: 5000000\r\n\r\n",
        );
        let _ = s.write_all(&vec![b' '; 5_000_000]);
    }));
    let env = env();
    let (code, err) = run(&env, &["pull", &format!("{}/a/b:1", huge.addr)]);
    assert_eq!(code, 2);
    assert!(
        err.contains("more than 4194304 bytes for a manifest"),
        "{err}"
    );

    let slow = Hostile::start(Box::new(|_, s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
        for _ in 0..1000 {
            if s.write_all(b" ").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }));
    let (code, err) = run(
        &env,
        &[
            "pull",
            &format!("{}/a/b:1", slow.addr),
            "--registry-timeout",
            "2s",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("took longer than 2 s"), "{err}");
}

#[test]
fn oci_flag_credentials_go_to_one_registry_only() {
    let basic = || -> Answer {
        Box::new(|seen, s| {
            if seen.authorization.is_none() {
                reply(
                    s,
                    "401 Unauthorized",
                    &[("WWW-Authenticate", r#"Basic realm="r""#)],
                    b"",
                )
            } else {
                reply(s, "404 Not Found", &[], b"")
            }
        })
    };
    let first = Hostile::start(basic());
    let second = Hostile::start(basic());
    let env = env();
    let out = env
        .wzt()
        .args(["verify", "--username", "alice", "--password-stdin"])
        .arg(format!("oci://{}/a/b:1", first.addr))
        .arg(format!("oci://{}/a/b:1", second.addr))
        .write_stdin("corp-secret\n")
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is another registry"), "{err}");
    assert!(
        first.seen().iter().any(|s| s.authorization.is_some()),
        "the first registry got the credentials it asked for"
    );
    assert!(
        second.seen().iter().all(|s| s.authorization.is_none()),
        "{:?}",
        second.seen()
    );
}

#[test]
fn oci_a_host_the_registry_redirects_to_gets_no_credentials() {
    // Blob storage on another origin (here: another port) that asks for credentials.
    let storage = Hostile::start(Box::new(|_, s| {
        reply(
            s,
            "401 Unauthorized",
            &[("WWW-Authenticate", r#"Basic realm="cdn""#)],
            b"",
        )
    }));
    let blob = format!("http://{}/blob", storage.addr);
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.wasm.config.v0+json","digest":"sha256:{0}","size":2}},"layers":[{{"mediaType":"application/wasm","digest":"sha256:{0}","size":8}}]}}"#,
        "a".repeat(64)
    );
    let registry = Hostile::start(Box::new(move |seen, s| {
        if seen.authorization.is_none() {
            reply(
                s,
                "401 Unauthorized",
                &[("WWW-Authenticate", r#"Basic realm="r""#)],
                b"",
            );
        } else if seen.path.contains("/manifests/") {
            reply(
                s,
                "200 OK",
                &[("Content-Type", "application/vnd.oci.image.manifest.v1+json")],
                manifest.as_bytes(),
            );
        } else {
            reply(s, "307 Temporary Redirect", &[("Location", &blob)], b"");
        }
    }));
    let env = env();
    docker_login(&env, &registry.addr);
    let (code, err) = run(&env, &["pull", &format!("{}/a/b:1", registry.addr)]);
    assert_eq!(code, 2);
    assert!(err.contains("asks for credentials"), "{err}");
    assert!(!storage.seen().is_empty(), "the redirect was followed");
    assert!(
        storage.seen().iter().all(|s| s.authorization.is_none()),
        "{:?}",
        storage.seen()
    );
}

#[test]
fn oci_an_upload_location_with_a_user_name_is_refused() {
    let registry = Hostile::start(Box::new(|seen, s| match seen.method.as_str() {
        "HEAD" => reply(s, "404 Not Found", &[], b""),
        "POST" => {
            let port = s.local_addr().unwrap().port();
            let location = format!("http://mallory:pw@127.0.0.1:{port}/upload/x");
            reply(s, "202 Accepted", &[("Location", &location)], b"")
        }
        _ => reply(s, "201 Created", &[], b""),
    }));
    let env = env();
    signed(&env);
    let (code, err) = run(
        &env,
        &["push", &format!("{}/a/b:1", registry.addr), "actor_s.wasm"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        registry.seen().iter().all(|s| s.method != "PUT"),
        "{:?}",
        registry.seen()
    );
}

/// The manifest of a one-layer wasm artifact whose layer is `digest` (`sha256:…`) of `size`.
fn wasm_manifest(digest: &str, size: u64) -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.wasm.config.v0+json","digest":"sha256:{0}","size":2}},"layers":[{{"mediaType":"application/wasm","digest":"{digest}","size":{size}}}]}}"#,
        "c".repeat(64)
    )
}

/// The peak memory of process `pid` (VmHWM), in KiB.
fn peak_memory_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn oci_a_registry_sending_a_huge_layer_gets_no_memory_before_the_digest_check() {
    // 256 MiB announced and sent, none of it the digest's: before the fix it was all held in
    // memory (and a second copy written to disk) until the digest failed at the end.
    const SIZE: u64 = 256 << 20;
    let digest = format!("sha256:{}", "d".repeat(64));
    let manifest = wasm_manifest(&digest, SIZE);
    let (sent_all_but_one, go_on) = (
        Arc::new(Mutex::new(None::<std::sync::mpsc::Sender<()>>)),
        Arc::new(Mutex::new(None::<std::sync::mpsc::Receiver<()>>)),
    );
    let (tell, told) = std::sync::mpsc::channel();
    let (release, released) = std::sync::mpsc::channel();
    *sent_all_but_one.lock().unwrap() = Some(tell);
    *go_on.lock().unwrap() = Some(released);
    let registry = Hostile::start(Box::new(move |seen, s| {
        if seen.path.contains("/manifests/") {
            reply(
                s,
                "200 OK",
                &[("Content-Type", "application/vnd.oci.image.manifest.v1+json")],
                manifest.as_bytes(),
            );
            return;
        }
        let _ =
            s.write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {SIZE}\r\n\r\n").as_bytes());
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..SIZE / chunk.len() as u64 - 1 {
            if s.write_all(&chunk).is_err() {
                return;
            }
        }
        let _ = s.write_all(&chunk[1..]);
        let _ = s.flush();
        // All but the last byte is with wzt: the test reads its peak memory now.
        if let Some(tell) = sent_all_but_one.lock().unwrap().take() {
            let _ = tell.send(());
            if let Some(go_on) = go_on.lock().unwrap().take() {
                let _ = go_on.recv_timeout(Duration::from_secs(60));
            }
        }
        let _ = s.write_all(&[0]);
    }));
    let env = env();
    let child = env
        .command()
        .args(["pull", &format!("{}/big/layer:1", registry.addr)])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    told.recv_timeout(Duration::from_secs(120))
        .expect("the registry sent the layer");
    // Let wzt take in what is in flight.
    std::thread::sleep(Duration::from_millis(500));
    let peak = peak_memory_kib(child.id());
    release.send(()).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("does not match its digest"), "{err}");
    assert!(
        peak < 96 << 10,
        "wzt held {peak} KiB while a {SIZE}-byte layer downloaded"
    );
    assert!(!env.path("layer.wasm").exists());
    // Nothing of it is left in the cache, under any name.
    let blobs = env.root.path().join("cache/wzt/blobs/sha256");
    let left: Vec<_> = std::fs::read_dir(&blobs).unwrap().flatten().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn oci_a_file_that_appears_during_a_pull_is_not_replaced_without_force() {
    let env = env();
    signed(&env);
    let layer = env.read("actor_s.wasm");
    let digest = common::layer_digest(&layer);
    let manifest = wasm_manifest(&digest, layer.len() as u64);
    let output = env.path("racer.wasm");
    let racer = output.clone();
    let registry = Hostile::start(Box::new(move |seen, s| {
        if seen.path.contains("/manifests/") {
            reply(
                s,
                "200 OK",
                &[("Content-Type", "application/vnd.oci.image.manifest.v1+json")],
                manifest.as_bytes(),
            );
        } else {
            // Another writer takes the name while the layer is on its way.
            if !racer.exists() {
                std::fs::write(&racer, b"mine").unwrap();
            }
            reply(s, "200 OK", &[], &layer);
        }
    }));
    let reference = format!("{}/x/racer:1", registry.addr);
    let (code, err) = run(&env, &["pull", &reference]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("racer.wasm appeared while pulling; nothing was written"),
        "{err}"
    );
    assert_eq!(std::fs::read(&output).unwrap(), b"mine");
    // With --force, the new file takes the name (the racer wrote it before the check).
    let (code, err) = run(&env, &["pull", &reference, "--force"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&output).unwrap(), env.read("actor_s.wasm"));
}
