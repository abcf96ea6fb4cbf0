//! The lattice through the binary, against a real `nats-server` (with JetStream) on a free
//! loopback port: hosts answering each other, queue groups sharing the load, a raw NATS client
//! sending each kind of hostile message, and a host endorsed elsewhere.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use wzt::keys::{Key, KeyRole};
use wzt::lattice::token::{self, InvocationBody, InvocationClaims, Origin};
use wzt::lattice::{Outgoing, Signer};

use crate::common::{Env, Nats, Server, sign_fixture, store_account};

const WASIP2: &str = "wasm32-wasip2";

/// An env with an account key and the store's `cluster` key, the handler actor (`greeter_s.wasm`,
/// msg) and the HTTP actor that asks the lattice (`front_s.wasm`, http and msg) signed.
pub(crate) fn setup() -> Env {
    let env = Env::new();
    store_account(&env);
    env.wzt()
        .args(["keys", "gen", "cluster"])
        .assert()
        .success();
    sign_fixture(&env, "msg-actor", WASIP2, "msg", "greeter_s.wasm", &[]);
    sign_fixture(
        &env,
        "greeter-http",
        WASIP2,
        "http,msg",
        "front_s.wasm",
        &[],
    );
    env
}

pub(crate) fn cluster_of(env: &Env) -> Key {
    wzt::keys::read_seed_file(&env.keys_dir().join("cluster.nk")).unwrap()
}

/// A host answering `greet`.
pub(crate) fn greeter(env: &Env, nats: &Nats, extra: &[&str]) -> Server {
    let url = nats.url();
    let mut args = vec!["--lattice", url.as_str(), "--subscribe", "greet"];
    args.extend_from_slice(extra);
    Server::subscriber(env, "greeter_s.wasm", &args)
}

/// A host serving the HTTP actor that asks the lattice.
fn front(env: &Env, nats: &Nats) -> Server {
    front_with(env, nats, &[])
}

/// The same, with more flags.
pub(crate) fn front_with(env: &Env, nats: &Nats, extra: &[&str]) -> Server {
    let url = nats.url();
    let mut args = vec!["--lattice", url.as_str()];
    args.extend_from_slice(extra);
    Server::run(env, "front_s.wasm", &args)
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A signer for a host trusted by `env` (endorsed by its cluster key).
pub(crate) fn trusted_signer(env: &Env, lattice: &str) -> Signer {
    Signer::with_cluster_key(
        Key::generate(KeyRole::Server),
        cluster_of(env),
        lattice,
        wzt::time::now(),
        3600,
    )
    .unwrap()
}

pub(crate) fn headers(token: &str) -> async_nats::HeaderMap {
    let mut h = async_nats::HeaderMap::new();
    h.insert(token::INVOCATION_HEADER, token);
    h
}

pub(crate) fn outgoing<'a>(target: &'a str, body: &'a [u8]) -> Outgoing<'a> {
    Outgoing {
        origin_actor: None,
        target,
        reply: None,
        in_reply_to: None,
        body,
    }
}

#[test]
fn two_hosts_request_and_reply_through_the_lattice() {
    let env = setup();
    let nats = Nats::start();
    let b = greeter(&env, &nats, &[]);
    assert_eq!(b.info["lattice"]["replay"], "lattice", "{}", b.info);
    assert_eq!(b.info["lattice"]["subscriptions"][0], "greet");
    let a = front(&env, &nats);
    let response = a.get("/greet/ann");
    assert_eq!(response.status, 200, "{response:?}\nA: {}", a.stderr());
    assert_eq!(response.body, "hello, ann");

    // The command line asks as a host would, and sees who answered.
    let answer = env.json(
        &[
            "lattice",
            "request",
            "greet",
            "--data",
            "bob",
            "--lattice",
            &nats.url(),
        ],
        0,
    );
    assert_eq!(answer["body"], "hello, bob");
    assert_eq!(answer["origin"]["host"], b.info["lattice"]["host"]);
    assert!(answer["origin"]["actor"].as_str().unwrap().starts_with('M'));
    assert!(!b.stderr().contains("rejected"), "{}", b.stderr());
    assert!(!a.stderr().contains("rejected"), "{}", a.stderr());
}

#[test]
fn two_copies_of_a_handler_share_the_requests() {
    let env = setup();
    let nats = Nats::start();
    let b1 = greeter(&env, &nats, &["--trace-caps"]);
    let b2 = greeter(&env, &nats, &["--trace-caps"]);
    assert_eq!(
        b1.info["lattice"]["queue_group"],
        b2.info["lattice"]["queue_group"]
    );
    let a = front(&env, &nats);
    for i in 0..100 {
        let response = a.get(&format!("/greet/n{i}"));
        assert_eq!(response.body, format!("hello, n{i}"), "{}", a.stderr());
    }
    let replies = |s: &Server| {
        s.stderr()
            .lines()
            .filter(|l| l.contains("consumer.publish(_INBOX"))
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while replies(&b1) + replies(&b2) < 100 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let (n1, n2) = (replies(&b1), replies(&b2));
    assert_eq!(n1 + n2, 100, "B1:\n{}\nB2:\n{}", b1.stderr(), b2.stderr());
    assert!(n1 > 0 && n2 > 0, "one host got them all: {n1} / {n2}");
}

#[test]
fn hostile_messages_are_rejected_with_their_code_and_never_delivered() {
    let env = setup();
    let nats = Nats::start();
    let b = greeter(&env, &nats, &[]);
    let rt = runtime();
    let trusted = trusted_signer(&env, "default");
    let now = wzt::time::now();
    let greetings = rt.block_on(async {
        let client = async_nats::connect(nats.url()).await.unwrap();
        let mut greetings = client.subscribe("greetings").await.unwrap();
        client.flush().await.unwrap();
        let send = |subject: &'static str, token: Option<String>, body: &'static str| {
            let client = client.clone();
            async move {
                match token {
                    Some(t) => client
                        .publish_with_headers(subject, headers(&t), body.into())
                        .await
                        .unwrap(),
                    None => client.publish(subject, body.into()).await.unwrap(),
                }
            }
        };
        // No token at all.
        send("greet", None, "unsigned").await;
        // A host endorsed by a cluster key nobody trusts.
        let stranger = Signer::with_cluster_key(
            Key::generate(KeyRole::Server),
            Key::generate(KeyRole::Cluster),
            "default",
            now,
            3600,
        )
        .unwrap();
        let t = stranger.sign(outgoing("greet", b"stranger"), now).unwrap();
        send("greet", Some(t.token), "stranger").await;
        // A valid message, sent twice.
        let t = trusted.sign(outgoing("greet", b"replay"), now).unwrap();
        send("greet", Some(t.token.clone()), "replay").await;
        send("greet", Some(t.token), "replay").await;
        // The body changed after signing.
        let t = trusted.sign(outgoing("greet", b"original"), now).unwrap();
        send("greet", Some(t.token), "changed").await;
        // A token for another subject, moved here.
        let t = trusted
            .sign(outgoing("greet.admin", b"moved"), now)
            .unwrap();
        send("greet", Some(t.token), "moved").await;
        // An expired token (correctly signed by an endorsed host).
        let host = Key::generate(KeyRole::Server);
        let endorsement = wzt::lattice::endorse(
            &cluster_of(&env),
            host.public_key(),
            "default",
            now - 300,
            3600,
        )
        .unwrap();
        let claims =
            |iat: u64, exp: u64, iss: &Key, endorsement: &str, body: &[u8]| InvocationClaims {
                jti: wzt::claims::new_token_id(),
                iat,
                exp,
                iss: iss.public_key().to_string(),
                wzt: InvocationBody {
                    lattice: "default".into(),
                    origin: Origin {
                        actor: None,
                        host: iss.public_key().to_string(),
                    },
                    target: "greet".into(),
                    reply: None,
                    in_reply_to: None,
                    digest: token::digest_of(body),
                    endorsement: endorsement.to_string(),
                },
            };
        let expired = claims(now - 200, now - 170, &host, &endorsement, b"expired");
        let t = token::encode_invocation(&expired, &host).unwrap();
        send("greet", Some(t), "expired").await;
        // Another host's endorsement, presented by a host key it does not name.
        let thief = Key::generate(KeyRole::Server);
        let stolen = claims(now, now + 30, &thief, &endorsement, b"stolen");
        let t = token::encode_invocation(&stolen, &thief).unwrap();
        send("greet", Some(t), "stolen").await;
        // A host of another lattice (endorsed by the trusted cluster, for "staging").
        let staging = trusted_signer(&env, "staging");
        let t = staging.sign(outgoing("greet", b"staging"), now).unwrap();
        send("greet", Some(t.token), "staging").await;
        // Finally one valid message: once its greeting is out, everything before it was judged.
        let t = trusted.sign(outgoing("greet", b"last"), now).unwrap();
        send("greet", Some(t.token), "last").await;
        let mut seen = BTreeSet::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !seen.contains("hello, last") {
            let m =
                tokio::time::timeout_at(deadline, futures_util::StreamExt::next(&mut greetings))
                    .await
                    .expect("the valid message was greeted")
                    .unwrap();
            seen.insert(String::from_utf8_lossy(&m.payload).into_owned());
        }
        // Give anything that slipped through time to show.
        while let Ok(Some(m)) = tokio::time::timeout(
            Duration::from_millis(500),
            futures_util::StreamExt::next(&mut greetings),
        )
        .await
        {
            seen.insert(String::from_utf8_lossy(&m.payload).into_owned());
        }
        seen
    });
    let expected: BTreeSet<String> = ["hello, replay", "hello, last"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(greetings, expected, "B:\n{}", b.stderr());
    let stderr = b.stderr_containing(&[
        "rejected message on greet [unsigned]",
        "[untrusted_cluster]",
        "[replayed]",
        "[digest_mismatch]",
        "[wrong_target]",
        "[expired]",
        "[host_not_endorsed]",
        "[wrong_lattice]",
    ]);
    // Each once: nothing else was rejected, and the two valid messages were not.
    assert_eq!(stderr.matches("rejected message").count(), 8, "{stderr}");
}

#[test]
fn a_forged_reply_is_rejected_and_the_real_one_answers() {
    let env = setup();
    let nats = Nats::start();
    let b = greeter(&env, &nats, &[]);
    let a = front(&env, &nats);
    let rt = runtime();
    let forger = trusted_signer(&env, "default");
    // A raw client listening on `greet` (outside the queue group) answers first, with a reply
    // signed by an endorsed host but bound to no request of A's, and with an unsigned one.
    let url = nats.url();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let forging = rt.spawn(async move {
        let client = async_nats::connect(url).await.unwrap();
        let mut requests = client.subscribe("greet").await.unwrap();
        // `flush` only empties the client's buffer; a message of its own coming back proves
        // the server has processed the subscription above (it handles one connection's
        // commands in order).
        let mut probe = client.subscribe("probe.forger").await.unwrap();
        client.publish("probe.forger", "".into()).await.unwrap();
        client.flush().await.unwrap();
        futures_util::StreamExt::next(&mut probe).await.unwrap();
        ready_tx.send(()).unwrap();
        let request = tokio::time::timeout(
            Duration::from_secs(30),
            futures_util::StreamExt::next(&mut requests),
        )
        .await
        .expect("the request reached the raw client")
        .unwrap();
        let inbox = request.reply.unwrap().to_string();
        let forged = forger
            .sign(
                Outgoing {
                    origin_actor: None,
                    target: &inbox,
                    reply: None,
                    in_reply_to: Some("AAAAAAAAAAAAAAAAAAAAAAAAAA"),
                    body: b"forged",
                },
                wzt::time::now(),
            )
            .unwrap();
        client
            .publish_with_headers(inbox.clone(), headers(&forged.token), "forged".into())
            .await
            .unwrap();
        client
            .publish(inbox, "unsigned forged".into())
            .await
            .unwrap();
        client.flush().await.unwrap();
    });
    ready_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    let response = a.get("/greet/carol");
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.body, "hello, carol");
    if rt.block_on(forging).is_err() {
        panic!("A:\n{}\nB:\n{}", a.stderr(), b.stderr());
    }
    a.stderr_containing(&["rejected reply on _INBOX.", "[bad_reply]"]);
}

#[test]
fn a_host_endorsed_elsewhere_works_without_the_cluster_seed() {
    let cluster_env = setup();
    let nats = Nats::start();
    // Another machine: its own key store, with a host key and no cluster key.
    let host_env = Env::new();
    store_account(&host_env);
    sign_fixture(&host_env, "msg-actor", WASIP2, "msg", "greeter_s.wasm", &[]);
    host_env
        .wzt()
        .args(["keys", "gen", "server", "--name", "edge"])
        .assert()
        .success();
    let host_key = host_env.public_key("edge");
    let endorsement = cluster_env.path("edge.jwt");
    let endorsed = cluster_env.json(
        &[
            "lattice",
            "endorse",
            &host_key,
            "--expires",
            "1h",
            "-o",
            endorsement.to_str().unwrap(),
        ],
        0,
    );
    assert_eq!(endorsed["host"], host_key.as_str());
    let cluster_key = cluster_env.public_key("cluster");
    assert_eq!(endorsed["cluster"], cluster_key.as_str());
    std::fs::copy(&endorsement, host_env.path("edge.jwt")).unwrap();
    let b = greeter(
        &host_env,
        &nats,
        &[
            "--host-key",
            "edge",
            "--endorsement",
            "edge.jwt",
            "--trusted-cluster",
            &cluster_key,
        ],
    );
    assert!(!host_env.keys_dir().join("cluster.nk").exists());
    assert_eq!(b.info["lattice"]["host"], host_key.as_str());
    let a = front(&cluster_env, &nats);
    let response = a.get("/greet/dave");
    assert_eq!(
        response.body,
        "hello, dave",
        "A: {}\nB: {}",
        a.stderr(),
        b.stderr()
    );
    // An endorsement for another key does not let a host start.
    host_env
        .wzt()
        .args(["keys", "gen", "server", "--name", "other"])
        .assert()
        .success();
    let out = host_env
        .wzt()
        .args([
            "run",
            "greeter_s.wasm",
            "--lattice",
            &nats.url(),
            "--subscribe",
            "greet",
        ])
        .args(["--host-key", "other", "--endorsement", "edge.jwt"])
        .args(["--trusted-cluster", &cluster_key])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the endorsement is for host"), "{stderr}");
}

#[test]
fn an_actor_without_msg_neither_sends_nor_receives() {
    let env = setup();
    let nats = Nats::start();
    sign_fixture(&env, "http-actor", WASIP2, "http", "plain_s.wasm", &[]);
    let (code, stdout, stderr) =
        crate::common::run_request(&env, "plain_s.wasm", "GET /", &["--lattice", &nats.url()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "hello from wzt\n");
    assert!(stderr.contains("not granted msg"), "{stderr}");
    let out = env
        .wzt()
        .args([
            "run",
            "plain_s.wasm",
            "--lattice",
            &nats.url(),
            "--subscribe",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--subscribe needs the msg capability"));
}

#[test]
fn messages_fail_clearly_while_nats_is_down_and_flow_again_after_it_returns() {
    let env = setup();
    let mut nats = Nats::start();
    let b = greeter(&env, &nats, &[]);
    let a = front(&env, &nats);
    assert_eq!(a.get("/greet/erin").body, "hello, erin");
    nats.stop();
    a.wait_for_line(Duration::from_secs(10), |l| l.contains("disconnected from"));
    let started = Instant::now();
    let response = a.get("/publish/news/x");
    assert_eq!(response.status, 502, "{response:?}");
    assert!(
        response.body.contains("not connected to the lattice"),
        "{response:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    nats.restart();
    // Both hosts reconnect (B resubscribes) and requests are answered again.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let response = a.get("/greet/frank");
        if response.body == "hello, frank" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no answer after the restart: {response:?}\nA: {}\nB: {}",
            a.stderr(),
            b.stderr()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn lattice_sub_shows_origin_and_verdict_without_delivering() {
    let env = setup();
    let nats = Nats::start();
    let mut watch = env.command();
    watch
        .args([
            "lattice", "sub", "news", "--count", "2", "--for", "30s", "--json",
        ])
        .args(["--lattice", &nats.url()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = watch.spawn().unwrap();
    // Publish once it says it is watching (subscribed and flushed).
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    loop {
        let mut line = String::new();
        let n = std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
        said.push_str(&line);
        assert!(n > 0, "wzt lattice sub ended: {said}");
        if line.starts_with("wzt: watching news") {
            break;
        }
    }
    let rt = runtime();
    rt.block_on(async {
        let client = async_nats::connect(nats.url()).await.unwrap();
        client.publish("news", "raw".into()).await.unwrap();
        client.flush().await.unwrap();
    });
    env.json(
        &[
            "lattice",
            "pub",
            "news",
            "--data",
            "signed",
            "--lattice",
            &nats.url(),
        ],
        0,
    );
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{said}");
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["verdict"], "rejected");
    assert_eq!(lines[0]["code"], "unsigned");
    assert_eq!(lines[1]["verdict"], "accepted");
    assert_eq!(lines[1]["body"], "signed");
    assert!(
        lines[1]["origin"]["host"]
            .as_str()
            .unwrap()
            .starts_with('N')
    );
}

#[test]
fn without_jetstream_a_host_says_so_and_checks_replays_itself() {
    let env = setup();
    let nats = Nats::without_jetstream();
    let b = greeter(&env, &nats, &[]);
    assert_eq!(b.info["lattice"]["replay"], "host", "{}", b.info);
    b.stderr_containing(&[
        "wzt: warning: the NATS server offers no JetStream",
        "not caught",
    ]);
    let signed = trusted_signer(&env, "default")
        .sign(outgoing("greet", b"twice"), wzt::time::now())
        .unwrap();
    runtime().block_on(async {
        let client = async_nats::connect(nats.url()).await.unwrap();
        for _ in 0..2 {
            client
                .publish_with_headers("greet", headers(&signed.token), "twice".into())
                .await
                .unwrap();
        }
        client.flush().await.unwrap();
    });
    let stderr = b.stderr_containing(&["rejected message on greet [replayed]"]);
    assert_eq!(stderr.matches("rejected message").count(), 1, "{stderr}");
}
