//! The lattice in production (docs/design.md §13), through the binary against a real
//! `nats-server`: TLS with a CA made for the test, nkey users and `.creds` files, the
//! documented server configuration (docs/lattice-nats.conf) keeping everyone else out.

use std::path::Path;
use std::time::Duration;

use wzt::keys::{Key, KeyRole};

use crate::common::{Env, Nats, TestCa};
use crate::lattice::{front_with, greeter, runtime, setup};

/// The keys docs/lattice-nats.conf names: two hosts and the admin who revokes.
const DOC_HOST_KEYS: [&str; 2] = [
    "UBAPMZSO7B2LKRAFYSAFQWCFUJJJ7ZRPV3VMG5R2AYPK5BUJ2PO4H6UJ",
    "UD2H6MY7S4MLJEP3M65WQ4AUM26MOSACUSL54IDHZLNVQKBG4BYAPNDO",
];
const DOC_ADMIN_KEY: &str = "UDXU6K24J3HDTBZGGL5VQDWM2AVIWZSO4TCQH4CCJUXUJBS2KV336R7J";

/// docs/lattice-nats.conf as a test server runs it: `hosts` and `admin` (public keys) in place
/// of its keys, the test CA's certificate, the port and store directory on the command line.
fn documented_config(ca: &TestCa, hosts: [&str; 2], admin: &str) -> String {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/lattice-nats.conf"),
    )
    .unwrap();
    let mut text = doc
        .lines()
        .filter(|l| !l.starts_with("port:"))
        .collect::<Vec<_>>()
        .join("\n");
    for (placeholder, key) in DOC_HOST_KEYS.iter().zip(hosts) {
        assert!(text.contains(placeholder));
        text = text.replace(placeholder, key);
    }
    text = text.replace(DOC_ADMIN_KEY, admin);
    let block_start = text.find("tls {").unwrap();
    let block_end = block_start + text[block_start..].find('}').unwrap() + 1;
    text.replace_range(block_start..block_end, &ca.server_block());
    text.replace("store_dir: \"/var/lib/nats\"", "")
}

fn gen_user(env: &Env, name: &str) -> String {
    env.wzt()
        .args(["keys", "gen", "user", "--name", name])
        .assert()
        .success();
    env.public_key(name)
}

/// `wzt ARGS…`: exit code and stderr.
fn wzt(env: &Env, args: &[&str]) -> (i32, String, String) {
    let out = env.wzt().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A raw client of the TLS server (the test CA trusted) with `options`.
async fn raw_client(
    nats: &Nats,
    ca: &TestCa,
    options: async_nats::ConnectOptions,
) -> Result<async_nats::Client, async_nats::ConnectError> {
    options
        .add_root_certificates(ca.ca())
        .require_tls(true)
        .connect(nats.url())
        .await
}

/// The JetStream API's answer to `subject`, or why there is none.
async fn js_api(client: &async_nats::Client, subject: &str) -> Result<serde_json::Value, String> {
    match tokio::time::timeout(
        Duration::from_secs(3),
        client.request(subject.to_string(), "".into()),
    )
    .await
    {
        Ok(Ok(m)) => serde_json::from_slice(&m.payload).map_err(|e| e.to_string()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("no answer".into()),
    }
}

#[test]
fn the_documented_server_lets_only_the_lattice_hosts_in() {
    let env = setup();
    let ca = TestCa::new();
    let host_a = gen_user(&env, "host-a");
    let host_b = gen_user(&env, "host-b");
    let admin = gen_user(&env, "admin");
    let nats = Nats::configured(
        |_| documented_config(&ca, [host_a.as_str(), host_b.as_str()], &admin),
        true,
    );
    let ca_path = ca.ca();
    let ca_arg = ca_path.to_str().unwrap();
    assert!(nats.url().starts_with("tls://"));

    // Two hosts, TLS and nkey users, exchange signed messages. B is a project's `wzt run`,
    // its connection from the project's [dev] table.
    std::fs::create_dir_all(env.path("out")).unwrap();
    env.write(
        "wzt.toml",
        format!(
            "[actor]\nname = \"greeter\"\ncaps = [\"msg\"]\n\n[build]\ncommand = \"cp '{}' out/greeter.wasm\"\nartifact = \"out/greeter.wasm\"\n\n[dev]\nlattice = \"{}\"\nnats-ca = \"{ca_arg}\"\nnats-nkey = \"host-b\"\n",
            crate::common::fixture("msg-actor", "wasm32-wasip2").display(),
            nats.url()
        )
        .as_bytes(),
    );
    let b = crate::common::Server::subscriber(&env, "--build", &["--subscribe", "greet"]);
    assert_eq!(b.info["lattice"]["tls"], true, "{}", b.info);
    assert_eq!(b.info["lattice"]["auth"], format!("nkey {host_b}"));
    b.stderr_containing(&[&format!(
        "  nats      TLS required (CA {ca_arg}), as nkey user {host_b}"
    )]);
    let a = front_with(&env, &nats, &["--nats-ca", ca_arg, "--nats-nkey", "host-a"]);
    let response = a.get("/greet/ann");
    assert_eq!(
        response.body,
        "hello, ann",
        "A: {}\nB: {}",
        a.stderr(),
        b.stderr()
    );
    let url = nats.url();
    let (code, stdout, stderr) = wzt(
        &env,
        &[
            "lattice",
            "request",
            "greet",
            "--data",
            "bob",
            "--lattice",
            &url,
            "--nats-ca",
            ca_arg,
            "--nats-nkey",
            "host-a",
        ],
    );
    assert_eq!((code, stdout.as_str()), (0, "hello, bob"), "{stderr}");

    // Without a user key the server refuses the connection: exit 2, said plainly.
    let (code, _, stderr) = wzt(
        &env,
        &[
            "lattice",
            "pub",
            "greet",
            "--lattice",
            &url,
            "--nats-ca",
            ca_arg,
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("cannot connect to the lattice at {url}")),
        "{stderr}"
    );
    assert!(stderr.to_lowercase().contains("authorization"), "{stderr}");
    // A user key the server does not list: refused the same way.
    gen_user(&env, "stranger");
    let (code, _, stderr) = wzt(
        &env,
        &[
            "lattice",
            "pub",
            "greet",
            "--lattice",
            &url,
            "--nats-ca",
            ca_arg,
            "--nats-nkey",
            "stranger",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    // A key that is not a user key is refused before connecting.
    let (code, _, stderr) = wzt(
        &env,
        &[
            "lattice",
            "pub",
            "greet",
            "--lattice",
            &url,
            "--nats-ca",
            ca_arg,
            "--nats-nkey",
            "cluster",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("must be a user key (U…), but it is a cluster key"),
        "{stderr}"
    );

    let rt = runtime();
    rt.block_on(async {
        // An unauthenticated raw client is refused too.
        assert!(
            raw_client(&nats, &ca, async_nats::ConnectOptions::new())
                .await
                .is_err()
        );
        // Another user of the server (account OTHERS) reaches neither the lattice's subjects
        // nor its buckets: its delete finds no JetStream to answer, and its message on the
        // lattice's subject reaches no host.
        let outsider = raw_client(
            &nats,
            &ca,
            async_nats::ConnectOptions::with_user_and_password(
                "someone".into(),
                "change me".into(),
            ),
        )
        .await
        .expect("the other account's user connects");
        for bucket in ["wzt_replay_default", "wzt_revoked_default"] {
            let answer = js_api(&outsider, &format!("$JS.API.STREAM.DELETE.KV_{bucket}")).await;
            assert!(
                answer
                    .as_ref()
                    .map_or(true, |a| a.get("success") != Some(&true.into())),
                "{answer:?}"
            );
        }
        outsider
            .publish("greet", "from outside".into())
            .await
            .unwrap();
        outsider.flush().await.unwrap();
        // A lattice host may not delete or purge them either.
        let seed = std::fs::read_to_string(env.keys_dir().join("host-b.nk")).unwrap();
        let host = raw_client(
            &nats,
            &ca,
            async_nats::ConnectOptions::with_nkey(seed.trim().to_string()),
        )
        .await
        .expect("a host connects with its nkey");
        for bucket in ["wzt_replay_default", "wzt_revoked_default"] {
            for op in ["DELETE", "PURGE"] {
                let answer = js_api(&host, &format!("$JS.API.STREAM.{op}.KV_{bucket}")).await;
                assert!(
                    answer
                        .as_ref()
                        .map_or(true, |a| a.get("success") != Some(&true.into())),
                    "{op} {bucket}: {answer:?}"
                );
            }
            // Both buckets are still there, as made.
            let info = js_api(&host, &format!("$JS.API.STREAM.INFO.KV_{bucket}"))
                .await
                .unwrap();
            assert_eq!(info["config"]["deny_delete"], true, "{info}");
        }
    });
    std::thread::sleep(Duration::from_millis(300));
    assert!(!b.stderr().contains("from outside"), "{}", b.stderr());
    assert!(!b.stderr().contains("rejected"), "{}", b.stderr());

    // Only the admin user writes revocations: a host's try is refused by the server.
    let victim = Key::generate(KeyRole::Server);
    let revoke = |user: &str| {
        wzt(
            &env,
            &[
                "lattice",
                "revoke",
                victim.public_key(),
                "--lattice",
                &url,
                "--nats-ca",
                ca_arg,
                "--nats-nkey",
                user,
            ],
        )
    };
    let (code, _, stderr) = revoke("host-a");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot store the revocation"), "{stderr}");
    let (code, _, stderr) = revoke("admin");
    assert_eq!(code, 0, "{stderr}");
    b.stderr_containing(&[&format!("revoked host {}", victim.public_key())]);
    assert_eq!(
        b.stderr().matches("revoked host").count(),
        1,
        "{}",
        b.stderr()
    );
}

#[test]
fn tls_cannot_be_downgraded_and_the_server_certificate_is_checked() {
    let env = setup();
    let ca = TestCa::new();
    let tls = Nats::configured(|_| ca.server_block(), true);
    let plain = Nats::start();
    let ca_path = ca.ca();
    let ca_arg = ca_path.to_str().unwrap();
    let pub_to = |url: &str, extra: &[&str]| {
        let mut args = vec!["lattice", "pub", "greet", "--lattice", url];
        args.extend_from_slice(extra);
        wzt(&env, &args)
    };
    // With the CA: TLS, whether the URL says tls:// or nats://.
    for url in [tls.url(), tls.plain_url()] {
        let (code, _, stderr) = pub_to(&url, &["--nats-ca", ca_arg]);
        assert_eq!(code, 0, "{url}: {stderr}");
    }
    // Without it, the test CA is not among the system's: the certificate is refused.
    let (code, _, stderr) = pub_to(&tls.url(), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot connect to the lattice"), "{stderr}");
    // A server that answers in plain text when TLS is asked for (tls://, or a CA given) is
    // refused: no downgrade.
    for (url, extra) in [
        (plain.url().replace("nats://", "tls://"), vec![]),
        (plain.url(), vec!["--nats-ca", ca_arg]),
    ] {
        let (code, _, stderr) = pub_to(&url, &extra);
        assert_eq!(code, 2, "{url} {extra:?}: {stderr}");
        assert!(stderr.contains("cannot connect to the lattice"), "{stderr}");
    }
    // Credentials in the URL, and files that are not what they should be, are refused before
    // connecting.
    let (code, _, stderr) = pub_to("nats://user:secret@127.0.0.1:4222", &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--nats-creds FILE or --nats-nkey NAME"),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"), "{stderr}");
    env.write("not-a-ca.pem", b"hello");
    let (code, _, stderr) = pub_to(&tls.url(), &["--nats-ca", "not-a-ca.pem"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("not-a-ca.pem holds no PEM certificate"),
        "{stderr}"
    );
    #[cfg(unix)]
    {
        let fifo = env.path("ca.fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let started = std::time::Instant::now();
        let (code, _, stderr) = pub_to(&tls.url(), &["--nats-ca", "ca.fifo"]);
        assert_eq!(code, 2);
        assert!(
            stderr.contains("--nats-ca: ca.fifo is a FIFO (named pipe), not a regular file"),
            "{stderr}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

/// A NATS JWT (`ed25519-nkey`) signed by `issuer`.
fn nats_jwt(issuer: &Key, claims: serde_json::Value) -> String {
    use data_encoding::BASE64URL_NOPAD;
    let header = BASE64URL_NOPAD.encode(br#"{"typ":"JWT","alg":"ed25519-nkey"}"#);
    let body = BASE64URL_NOPAD.encode(claims.to_string().as_bytes());
    let input = format!("{header}.{body}");
    let signature = issuer.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", BASE64URL_NOPAD.encode(&signature))
}

#[test]
fn a_creds_file_authenticates_against_an_operator_mode_server() {
    let env = setup();
    let now = wzt::time::now();
    let operator = Key::generate(KeyRole::Operator);
    let account = Key::generate(KeyRole::Account);
    let system = Key::generate(KeyRole::Account);
    let user = Key::generate(KeyRole::User);
    let claims = |iss: &Key, sub: &str, name: &str, nats: serde_json::Value| {
        serde_json::json!({
            "jti": wzt::claims::new_token_id(), "iat": now, "iss": iss.public_key(),
            "name": name, "sub": sub, "nats": nats,
        })
    };
    let unlimited = serde_json::json!({
        "subs": -1, "data": -1, "payload": -1, "imports": -1, "exports": -1,
        "wildcards": true, "conn": -1, "leaf": -1, "mem_storage": -1, "disk_storage": -1,
        "streams": -1, "consumer": -1,
    });
    let op_jwt = nats_jwt(
        &operator,
        claims(
            &operator,
            operator.public_key(),
            "test",
            serde_json::json!({"type": "operator", "version": 2}),
        ),
    );
    let account_jwt = nats_jwt(
        &operator,
        claims(
            &operator,
            account.public_key(),
            "lattice",
            serde_json::json!({
                "limits": unlimited, "default_permissions": {"pub": {}, "sub": {}},
                "type": "account", "version": 2,
            }),
        ),
    );
    let system_jwt = nats_jwt(
        &operator,
        claims(
            &operator,
            system.public_key(),
            "SYS",
            serde_json::json!({"type": "account", "version": 2}),
        ),
    );
    let user_jwt = nats_jwt(
        &account,
        claims(
            &account,
            user.public_key(),
            "host",
            serde_json::json!({
                "pub": {}, "sub": {}, "subs": -1, "data": -1, "payload": -1,
                "type": "user", "version": 2,
            }),
        ),
    );
    let nats = Nats::configured(
        |_| {
            format!(
                "operator: \"{op_jwt}\"\nsystem_account: \"{}\"\nresolver: MEMORY\nresolver_preload: {{\n  {}: \"{account_jwt}\"\n  {}: \"{system_jwt}\"\n}}\n",
                system.public_key(),
                account.public_key(),
                system.public_key()
            )
        },
        false,
    );
    let creds = format!(
        "-----BEGIN NATS USER JWT-----\n{user_jwt}\n------END NATS USER JWT------\n\n************************* IMPORTANT *************************\nNKEY Seed printed below can be used to sign and prove identity.\n\n-----BEGIN USER NKEY SEED-----\n{}\n------END USER NKEY SEED------\n",
        user.seed()
    );
    let path = env.write("host.creds", creds.as_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let b = greeter(&env, &nats, &["--nats-creds", "host.creds"]);
    assert_eq!(b.info["lattice"]["auth"], "creds", "{}", b.info);
    assert_eq!(b.info["lattice"]["replay"], "lattice", "{}", b.info);
    let url = nats.url();
    let (code, stdout, stderr) = wzt(
        &env,
        &[
            "lattice",
            "request",
            "greet",
            "--data",
            "carol",
            "--lattice",
            &url,
            "--nats-creds",
            "host.creds",
        ],
    );
    assert_eq!(
        (code, stdout.as_str()),
        (0, "hello, carol"),
        "{stderr}\nB: {}",
        b.stderr()
    );
    // Without the file: refused by the server.
    let (code, _, stderr) = wzt(&env, &["lattice", "pub", "greet", "--lattice", &url]);
    assert_eq!(code, 2, "{stderr}");
    // A creds file others can read is refused before connecting (a seed is inside).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (code, _, stderr) = wzt(
            &env,
            &[
                "lattice",
                "pub",
                "greet",
                "--lattice",
                &url,
                "--nats-creds",
                "host.creds",
            ],
        );
        assert_eq!(code, 2);
        assert!(
            stderr.contains(
                "host.creds is readable by other users (mode 644) (it holds a secret: chmod 600 it)"
            ),
            "{stderr}"
        );
    }
    // Something else than a creds file is refused with what is wrong.
    let junk = env.write("junk.creds", b"not a creds file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&junk, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let (code, _, stderr) = wzt(
        &env,
        &[
            "lattice",
            "pub",
            "greet",
            "--lattice",
            &url,
            "--nats-creds",
            "junk.creds",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the credentials file is not usable"),
        "{stderr}"
    );
}

/// `wzt lattice sub SUBJECT --json` watching until it has printed `count` lines: started once
/// it says it is watching.
struct Watch {
    child: std::process::Child,
}

impl Watch {
    fn start(env: &Env, nats: &Nats, subject: &str, count: usize) -> Watch {
        use std::io::BufRead as _;
        let mut child = env
            .command()
            .args(["lattice", "sub", subject, "--json", "--for", "60s"])
            .args(["--count", &count.to_string(), "--lattice", &nats.url()])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut said = String::new();
        loop {
            let mut line = String::new();
            let n = stderr.read_line(&mut line).unwrap();
            said.push_str(&line);
            assert!(n > 0, "wzt lattice sub ended: {said}");
            if line.starts_with("wzt: watching") {
                break;
            }
        }
        // Keep reading its stderr so it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        Watch { child }
    }

    fn lines(self) -> Vec<serde_json::Value> {
        let out = self.child.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// Publishes each `(subject, token, body)` with a raw client.
fn send_raw(nats: &Nats, messages: &[(String, String, String)]) {
    runtime().block_on(async {
        let client = async_nats::connect(nats.url()).await.unwrap();
        for (subject, token, body) in messages {
            client
                .publish_with_headers(
                    subject.clone(),
                    crate::lattice::headers(token),
                    body.clone().into(),
                )
                .await
                .unwrap();
        }
        client.flush().await.unwrap();
    });
}

fn signed(signer: &wzt::lattice::Signer, body: &str) -> (String, String, String) {
    let t = signer
        .sign(
            crate::lattice::outgoing("greet", body.as_bytes()),
            wzt::time::now(),
        )
        .unwrap();
    ("greet".to_string(), t.token, body.to_string())
}

#[test]
fn a_revoked_host_is_dropped_by_every_host_within_a_second_and_forgeries_are_ignored() {
    let env = setup();
    let nats = Nats::start();
    let b1 = greeter(&env, &nats, &[]);
    let b2 = greeter(&env, &nats, &[]);
    b1.stderr_containing(&["  revoked   watched, lattice-wide (JetStream key-value bucket wzt_revoked_default; 0 known)"]);
    let compromised_key = Key::generate(KeyRole::Server);
    let compromised_seed = compromised_key.seed().to_string();
    let endorse = |key: Key| {
        wzt::lattice::Signer::with_cluster_key(
            key,
            crate::lattice::cluster_of(&env),
            "default",
            wzt::time::now(),
            3600,
        )
        .unwrap()
    };
    let compromised = endorse(compromised_key);
    let honest = crate::lattice::trusted_signer(&env, "default");
    let watch = Watch::start(&env, &nats, "greet", 20);

    // A revocation signed by a cluster key nobody trusts, published where revocations go: every
    // host ignores it and counts it; the host it names keeps speaking.
    let stranger = Key::generate(KeyRole::Cluster);
    let forged = wzt::lattice::revocation::revoke(
        &stranger,
        compromised.host_key(),
        "default",
        Some("forged"),
        wzt::time::now(),
    )
    .unwrap();
    runtime().block_on(async {
        let client = async_nats::connect(nats.url()).await.unwrap();
        client
            .publish(
                format!("$KV.wzt_revoked_default.{}", forged.jti),
                forged.token.clone().into(),
            )
            .await
            .unwrap();
        // A real revocation moved under another key is ignored too.
        client
            .publish(
                "$KV.wzt_revoked_default.AAAAAAAAAAAAAAAAAAAAAAAAAA",
                "junk".into(),
            )
            .await
            .unwrap();
        client.flush().await.unwrap();
    });
    for b in [&b1, &b2] {
        b.stderr_containing(&[
            &format!("wzt: lattice: ignored a revocation ({}) (#1): it is signed by the cluster key {}, which this host does not trust", forged.jti, stranger.public_key()),
            "ignored a revocation (AAAAAAAAAAAAAAAAAAAAAAAAAA) (#2)",
        ]);
    }
    send_raw(&nats, &[signed(&compromised, "before")]);

    // The cluster key revokes it.
    let revoked = env.json(
        &[
            "lattice",
            "revoke",
            compromised.host_key(),
            "--reason",
            "key stolen",
            "--lattice",
            &nats.url(),
        ],
        0,
    );
    assert_eq!(revoked["stored"], true, "{revoked}");
    assert_eq!(revoked["bucket"], "wzt_revoked_default");
    assert_eq!(revoked["revoked"][0]["subject"], compromised.host_key());
    assert_eq!(revoked["revoked"][0]["kind"], "host");
    std::thread::sleep(Duration::from_secs(1));
    // A second later, every host drops its messages; the honest host's still pass.
    let mut messages: Vec<_> = (0..18)
        .map(|i| signed(&compromised, &format!("after{i}")))
        .collect();
    messages.push(signed(&honest, "honest"));
    send_raw(&nats, &messages);
    for b in [&b1, &b2] {
        b.stderr_containing(&[&format!(
            "wzt: lattice: revoked host {} by the cluster key {} (key stolen): its messages are dropped from now on",
            compromised.host_key(),
            env.public_key("cluster")
        )]);
    }
    let revoked_lines = |b: &crate::common::Server| b.stderr().matches("[revoked]").count();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while revoked_lines(&b1) + revoked_lines(&b2) < 18 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        revoked_lines(&b1) + revoked_lines(&b2),
        18,
        "B1:\n{}\nB2:\n{}",
        b1.stderr(),
        b2.stderr()
    );
    assert!(
        revoked_lines(&b1) > 0 && revoked_lines(&b2) > 0,
        "one host got them all"
    );
    assert!(b1.stderr().contains("(key stolen)"));
    // The observer shows it: the message before the revocation accepted, each after it
    // rejected with `revoked`, the honest one accepted.
    let lines = watch.lines();
    assert_eq!(lines.len(), 20, "{lines:?}");
    assert_eq!(lines[0]["verdict"], "accepted");
    assert_eq!(lines[0]["body"], "before");
    for line in &lines[1..19] {
        assert_eq!(line["code"], "revoked", "{line}");
    }
    assert_eq!(lines[19]["verdict"], "accepted", "{}", lines[19]);
    // A host that starts later reads the stored revocation: the revoked key, even with a new
    // endorsement, is dropped there too.
    let b3 = greeter(&env, &nats, &["--subscribe", "greet.late"]);
    b3.stderr_containing(&["(JetStream key-value bucket wzt_revoked_default; 1 known)"]);
    let again = endorse(Key::from_seed(&compromised_seed).unwrap());
    let t = again
        .sign(
            crate::lattice::outgoing("greet.late", b"again"),
            wzt::time::now(),
        )
        .unwrap();
    send_raw(&nats, &[("greet.late".into(), t.token, "again".into())]);
    b3.stderr_containing(&["rejected message on greet.late [revoked]", "(key stolen)"]);
}

#[test]
fn an_endorsement_is_revoked_by_its_id_and_without_jetstream_a_revocation_is_not_stored() {
    let env = setup();
    let nats = Nats::start();
    let b = greeter(&env, &nats, &["--trace-caps"]);
    // An endorsement made elsewhere, revoked by the id `endorse --json` printed: that
    // endorsement is dropped, a new one for the same key is not.
    let host = Key::generate(KeyRole::Server);
    let seed = host.seed().to_string();
    let endorsed = env.json(
        &["lattice", "endorse", host.public_key(), "--expires", "1h"],
        0,
    );
    let id = endorsed["jti"].as_str().unwrap().to_string();
    let token = endorsed["endorsement"].as_str().unwrap().to_string();
    let old =
        wzt::lattice::Signer::with_endorsement(host, &token, "default", wzt::time::now()).unwrap();
    // B accepts it first, so the endorsement sits in B's cache of checked endorsements: the
    // revocation must win over the cache.
    send_raw(&nats, &[signed(&old, "cached")]);
    b.wait_for_line(Duration::from_secs(10), |l| {
        l.contains("consumer.publish(greetings")
    });
    let revoked = env.json(&["lattice", "revoke", &id, "--lattice", &nats.url()], 0);
    assert_eq!(revoked["revoked"][0]["kind"], "endorsement", "{revoked}");
    b.stderr_containing(&[&format!(
        "wzt: lattice: revoked endorsement {id} by the cluster key"
    )]);
    std::thread::sleep(Duration::from_secs(1));
    let renewed = wzt::lattice::Signer::with_cluster_key(
        Key::from_seed(&seed).unwrap(),
        crate::lattice::cluster_of(&env),
        "default",
        wzt::time::now(),
        3600,
    )
    .unwrap();
    send_raw(&nats, &[signed(&old, "old"), signed(&renewed, "renewed")]);
    let stderr = b.stderr_containing(&[&format!(
        "rejected message on greet [revoked] (#1): the sender's endorsement {id} was revoked"
    )]);
    assert_eq!(stderr.matches("rejected message").count(), 1, "{stderr}");

    // Bad input is refused before anything is sent; a cluster key that is not there is not
    // made up.
    let (code, _, stderr) = wzt(
        &env,
        &["lattice", "revoke", "greet", "--lattice", &nats.url()],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("'greet' is neither a host's server key (N…) nor an endorsement id"),
        "{stderr}"
    );
    let (code, _, stderr) = wzt(
        &env,
        &[
            "lattice",
            "revoke",
            &id,
            "--cluster-key",
            "nope",
            "--lattice",
            &nats.url(),
        ],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("no cluster key 'nope'"), "{stderr}");
    assert!(!env.keys_dir().join("nope.nk").exists());

    // Without JetStream: hosts say so at start; a revocation reaches the hosts connected now,
    // and the command says it was not stored (exit 2).
    let plain = Nats::without_jetstream();
    let c = greeter(&env, &plain, &[]);
    c.stderr_containing(&[
        "revocations are not stored, so this host learns only those made while it is connected",
        "  revoked   received while connected only (no JetStream)",
    ]);
    let victim = crate::lattice::trusted_signer(&env, "default");
    let (code, _, stderr) = wzt(
        &env,
        &[
            "lattice",
            "revoke",
            victim.host_key(),
            "--lattice",
            &plain.url(),
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("the hosts connected now received the revocation, but nothing stored it"),
        "{stderr}"
    );
    c.stderr_containing(&[&format!("revoked host {}", victim.host_key())]);
}

#[test]
fn endorsements_are_bounded_and_a_host_renews_from_its_file() {
    let env = setup();
    let nats = Nats::start();
    env.wzt()
        .args(["keys", "gen", "server", "--name", "edge"])
        .assert()
        .success();
    let edge = env.public_key("edge");
    // Endorsing beyond the maximum is refused.
    let (code, _, stderr) = wzt(&env, &["lattice", "endorse", &edge, "--expires", "10y"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--expires 10y is longer than the longest endorsement hosts accept, 24h"),
        "{stderr}"
    );
    // Allowed with a larger maximum; then a host refuses to start with it under its own
    // maximum (24 h), and receivers refuse a host that has one (`bad_lifetime`).
    let (code, _, stderr) = wzt(
        &env,
        &[
            "lattice",
            "endorse",
            &edge,
            "--expires",
            "48h",
            "--max-endorsement",
            "72h",
            "-o",
            "long.jwt",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = wzt(
        &env,
        &[
            "run",
            "greeter_s.wasm",
            "--lattice",
            &nats.url(),
            "--subscribe",
            "greet",
            "--host-key",
            "edge",
            "--endorsement",
            "long.jwt",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("the endorsement is valid for 172800 s, longer than the maximum 86400 s"),
        "{stderr}"
    );
    let b = greeter(&env, &nats, &[]);
    let long = wzt::lattice::Signer::with_cluster_key(
        Key::generate(KeyRole::Server),
        crate::lattice::cluster_of(&env),
        "default",
        wzt::time::now(),
        48 * 3600,
    )
    .unwrap();
    send_raw(&nats, &[signed(&long, "long")]);
    b.stderr_containing(&[
        "rejected message on greet [bad_lifetime] (#1): the endorsement is valid from",
    ]);
    // A receiver whose policy allows 72 h accepts it.
    env.write("policy.toml", b"max_endorsement = \"72h\"\n");
    let c = greeter(
        &env,
        &nats,
        &["--policy", "policy.toml", "--subscribe", "greet.policy"],
    );
    let t = long
        .sign(
            crate::lattice::outgoing("greet.policy", b"policy"),
            wzt::time::now(),
        )
        .unwrap();
    send_raw(&nats, &[("greet.policy".into(), t.token, "policy".into())]);
    std::thread::sleep(Duration::from_millis(500));
    assert!(!c.stderr().contains("rejected"), "{}", c.stderr());

    // A host endorsed elsewhere for 6 s reads its file again after half of that: the newer
    // endorsement written there keeps it answering after the first one expired.
    let (code, _, stderr) = wzt(
        &env,
        &[
            "lattice",
            "endorse",
            &edge,
            "--expires",
            "6s",
            "-o",
            "edge.jwt",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    // D alone answers `greet` from here on.
    drop((b, c));
    let cluster = env.public_key("cluster");
    let d = greeter(
        &env,
        &nats,
        &[
            "--host-key",
            "edge",
            "--endorsement",
            "edge.jwt",
            "--trusted-cluster",
            &cluster,
        ],
    );
    d.stderr_containing(&["(read again from --endorsement edge.jwt after half its life)"]);
    let (code, _, stderr) = wzt(
        &env,
        &[
            "lattice",
            "endorse",
            &edge,
            "--expires",
            "1h",
            "-o",
            "edge.jwt",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    std::thread::sleep(Duration::from_secs(4));
    let url = nats.url();
    let ask = |name: &str| {
        let (code, stdout, stderr) = wzt(
            &env,
            &[
                "lattice",
                "request",
                "greet",
                "--data",
                name,
                "--lattice",
                &url,
            ],
        );
        assert_eq!(
            (code, stdout.as_str()),
            (0, format!("hello, {name}").as_str()),
            "{stderr}\nD: {}",
            d.stderr()
        );
    };
    ask("early");
    d.stderr_containing(&[
        "wzt: lattice: endorsement renewed from --endorsement edge.jwt: valid until",
    ]);
    std::thread::sleep(Duration::from_secs(8));
    ask("late");
}
