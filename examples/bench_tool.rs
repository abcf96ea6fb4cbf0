//! Helpers for `benches/sign_verify.sh`: generate a large module, and run wascap's embed and
//! extract on a file so the benchmark compares wzt with the reference in the same run; and for
//! `benches/lattice.sh`, NATS request/reply clients and responders, raw and through
//! `wzt::lattice` (signed and checked).
//!
//!     bench_tool gen OUT MIB        a valid core module of about MIB MiB (code and data)
//!     bench_tool wascap-embed IN OUT
//!     bench_tool wascap-extract IN
//!     bench_tool nats-echo URL SUBJECT                 answer "hello, BODY" (plain NATS)
//!     bench_tool lattice-echo URL SUBJECT KEYS_DIR     the same, signed and checked
//!     bench_tool nats-bench URL SUBJECT N INFLIGHT     N requests, INFLIGHT at once: JSON stats
//!     bench_tool lattice-bench URL SUBJECT N INFLIGHT KEYS_DIR
//!     bench_tool lattice-crypto N   one thread: N messages signed, then N checked (no NATS):
//!                                   JSON microseconds per sign and per check
//!     bench_tool age-seed FACTOR PASSPHRASE OUT   a new account seed file encrypted with that
//!                                   passphrase at scrypt work factor FACTOR (benches/scrypt.sh)
//!     bench_tool age-open FILE PASSPHRASE   decrypt it with the age crate as wzt does, but with
//!                                   no cap on the factor: exit 0, or 1 for a wrong passphrase
//!
//! The lattice variants sign with a new host key endorsed by KEYS_DIR's `cluster` key and trust
//! that cluster key, as `wzt run --lattice` does with the same store.

use std::process::ExitCode;

use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, Function, FunctionSection, Instruction, MemorySection,
    MemoryType, Module, TypeSection,
};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn generate(mib: usize) -> Vec<u8> {
    // Half code, half data: 10 KiB functions and one large active data segment.
    let half = mib << 19;
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([], []);
    module.section(&types);
    let body_instructions = 10 * 1024 / 4; // `i32.const n` + `drop` ≈ 4 bytes
    let functions = (half / (body_instructions * 4)).max(1);
    let mut funcs = FunctionSection::new();
    for _ in 0..functions {
        funcs.function(0);
    }
    module.section(&funcs);
    let mut memory = MemorySection::new();
    let pages = (half as u64 >> 16) + 1;
    memory.memory(MemoryType {
        minimum: pages,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memory);
    let mut code = CodeSection::new();
    for f in 0..functions {
        let mut body = Function::new([]);
        for i in 0..body_instructions {
            body.instruction(&Instruction::I32Const(((f * 31 + i) % 8000) as i32));
            body.instruction(&Instruction::Drop);
        }
        body.instruction(&Instruction::End);
        code.function(&body);
    }
    module.section(&code);
    let mut data = DataSection::new();
    let mut state = 0x2545F4914F6CDD1Du64;
    let bytes: Vec<u8> = (0..half)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    data.active(0, &ConstExpr::i32_const(0), bytes);
    module.section(&data);
    module.finish()
}

/// A signed-and-checked lattice connection with KEYS_DIR's cluster key.
async fn lattice(url: &str, keys_dir: &str) -> std::sync::Arc<wzt::lattice::Lattice> {
    use wzt::keys::{Key, KeyRole};
    let cluster = wzt::keys::read_seed_file(&std::path::Path::new(keys_dir).join("cluster.nk"))
        .expect("KEYS_DIR/cluster.nk");
    let trust =
        wzt::lattice::Trust::new("default", vec![cluster.public_key().to_string()]).expect("trust");
    let signer = wzt::lattice::Signer::with_cluster_key(
        Key::generate(KeyRole::Server),
        cluster,
        "default",
        wzt::time::now(),
        3600,
    )
    .expect("signer");
    wzt::lattice::Lattice::connect(wzt::lattice::LatticeConfig {
        connection: wzt::lattice::NatsConnection::open(url).expect("a nats:// URL"),
        signer: Some(signer),
        trust,
        replay: wzt::lattice::ReplayScope::Lattice,
        client_name: "bench_tool".into(),
        events: std::sync::Arc::new(|e| eprintln!("{e}")),
    })
    .await
    .expect("connect")
}

fn greeting(body: &[u8]) -> Vec<u8> {
    let mut out = b"hello, ".to_vec();
    out.extend_from_slice(body);
    out
}

async fn nats_echo(url: &str, subject: &str) {
    use futures_util::StreamExt;
    let client = async_nats::connect(url).await.expect("connect");
    let mut requests = client
        .subscribe(subject.to_string())
        .await
        .expect("subscribe");
    client.flush().await.expect("flush");
    eprintln!("ready");
    while let Some(m) = requests.next().await {
        if let Some(reply) = m.reply {
            client
                .publish(reply, greeting(&m.payload).into())
                .await
                .expect("reply");
        }
    }
}

async fn lattice_echo(url: &str, subject: &str, keys_dir: &str) {
    let lattice = lattice(url, keys_dir).await;
    let mut requests = lattice.subscribe(subject, None).await.expect("subscribe");
    lattice
        .flush(std::time::Duration::from_secs(5))
        .await
        .expect("flush");
    eprintln!("ready");
    while let Some(m) = requests.next().await {
        let lattice = std::sync::Arc::clone(&lattice);
        tokio::spawn(async move {
            if let Ok(checked) = lattice.check(&m).await
                && let Some(to) = checked.reply()
            {
                let _ = lattice
                    .reply(None, to, checked.jti(), &greeting(checked.body()))
                    .await;
            }
        });
    }
}

/// Sends `n` requests, `inflight` at once, through `request`; prints
/// `{"requests", "seconds", "per_second", "p50_us", "p99_us", "errors"}`.
async fn bench<F, Fut>(n: usize, inflight: usize, request: F)
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = std::time::Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..inflight {
        let (next, request) = (std::sync::Arc::clone(&next), request.clone());
        workers.spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let t = std::time::Instant::now();
                if request(i).await {
                    latencies.push(t.elapsed().as_micros() as u64);
                } else {
                    errors += 1;
                }
            }
            (latencies, errors)
        });
    }
    let (mut latencies, mut errors) = (Vec::new(), 0);
    while let Some(done) = workers.join_next().await {
        let (l, e) = done.expect("worker");
        latencies.extend(l);
        errors += e;
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    println!(
        "{}",
        serde_json::json!({
            "requests": n,
            "seconds": seconds,
            "per_second": n as f64 / seconds,
            "p50_us": pct(0.50),
            "p99_us": pct(0.99),
            "errors": errors,
        })
    );
}

/// The CPU floor of the signed path: what signing one request and checking it cost on one
/// thread, with no NATS (the replay check is the host's local set). A round trip signs and
/// checks twice (the request and the reply).
fn lattice_crypto(n: usize) {
    use wzt::keys::{Key, KeyRole};
    use wzt::lattice::{Incoming, Outgoing, ReplayGuard, Signer, Trust, verify_invocation};
    let now = wzt::time::now();
    let cluster = Key::generate(KeyRole::Cluster);
    let trust = Trust::new("default", vec![cluster.public_key().to_string()]).expect("trust");
    let host = Key::generate(KeyRole::Server);
    let host_copy = Key::from_seed(host.seed()).expect("seed");
    let signer = Signer::with_cluster_key(host, cluster, "default", now, 3600).expect("signer");
    let replay = ReplayGuard::local();
    let body = b"n1234";
    let started = std::time::Instant::now();
    let signed: Vec<_> = (0..n)
        .map(|_| {
            let outgoing = Outgoing {
                origin_actor: None,
                target: "greet",
                reply: Some("_INBOX.bench.1"),
                in_reply_to: None,
                body,
            };
            signer.sign(outgoing, now).expect("sign").token
        })
        .collect();
    let sign_us = started.elapsed().as_secs_f64() * 1e6 / n as f64;
    let started = std::time::Instant::now();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    for token in &signed {
        let tokens = [token.as_str()];
        let incoming = Incoming {
            subject: "greet",
            reply: Some("_INBOX.bench.1"),
            tokens: &tokens,
            body,
        };
        rt.block_on(verify_invocation(&incoming, &trust, &replay, now))
            .expect("check");
    }
    let check_us = started.elapsed().as_secs_f64() * 1e6 / n as f64;
    // The parts: ed25519 alone on the same signing input, strict and RFC 8032 verification.
    let token = &signed[0];
    let cut = token.rfind('.').expect("a JWS");
    let input = &token.as_bytes()[..cut];
    let signature = ed25519_dalek::Signature::from_slice(
        &data_encoding::BASE64URL_NOPAD
            .decode(&token.as_bytes()[cut + 1..])
            .expect("base64url"),
    )
    .expect("a signature");
    let (_, public) = wzt::keys::parse_public_key(host_copy.public_key()).expect("a key");
    let verifying = ed25519_dalek::VerifyingKey::from_bytes(&public).expect("a point");
    let time = |f: &dyn Fn()| {
        let started = std::time::Instant::now();
        for _ in 0..n {
            f();
        }
        started.elapsed().as_secs_f64() * 1e6 / n as f64
    };
    let ed25519_sign_us = time(&|| {
        std::hint::black_box(host_copy.sign(input).expect("sign"));
    });
    let verify_strict_us = time(&|| {
        verifying
            .verify_strict(input, &signature)
            .expect("verifies");
    });
    let verify_us = time(&|| {
        use ed25519_dalek::Verifier as _;
        verifying.verify(input, &signature).expect("verifies");
    });
    // The same invocation with its endorsement sent by reference (its 26-character id)
    // instead of in full: what encoding, signing, reading and checking it would cost.
    let full: wzt::lattice::token::InvocationClaims =
        serde_json::from_slice(&wzt::claims::Jws::parse(token).expect("a JWS").payload)
            .expect("claims");
    let mut by_ref = full.clone();
    by_ref.wzt.endorsement = wzt::claims::new_token_id();
    let encode = |claims: &wzt::lattice::token::InvocationClaims| {
        time(&|| {
            std::hint::black_box(
                wzt::lattice::token::encode_invocation(claims, &host_copy).expect("sign"),
            );
        })
    };
    let (sign_full_us, sign_ref_us) = (encode(&full), encode(&by_ref));
    let ref_token = wzt::lattice::token::encode_invocation(&by_ref, &host_copy).expect("sign");
    let read_and_verify = |raw: &str| {
        time(&|| {
            let jws = wzt::claims::Jws::parse(raw).expect("a JWS");
            let claims: wzt::lattice::token::InvocationClaims =
                serde_json::from_slice(&jws.payload).expect("claims");
            std::hint::black_box(claims);
            jws.verify_with(&verifying).expect("verifies");
        })
    };
    let (check_full_us, check_ref_us) = (read_and_verify(token), read_and_verify(&ref_token));
    println!(
        "{}",
        serde_json::json!({"messages": n, "sign_us": sign_us, "check_us": check_us,
            "token_bytes": token.len(), "ed25519_sign_us": ed25519_sign_us,
            "ed25519_verify_strict_us": verify_strict_us, "ed25519_verify_us": verify_us,
            "by_reference": {"token_bytes": ref_token.len(),
                "encode_and_sign_us": [sign_full_us, sign_ref_us],
                "read_and_verify_us": [check_full_us, check_ref_us]}})
    );
}

/// A new account seed file (seed and newline), armored age, one scrypt stanza at `factor`.
fn age_seed(factor: u8, passphrase: &str) -> Vec<u8> {
    use std::io::Write as _;
    let key = wzt::keys::Key::generate(wzt::keys::KeyRole::Account);
    let mut recipient = age::scrypt::Recipient::new(passphrase.to_string().into());
    recipient.set_work_factor(factor);
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .expect("a recipient");
    let mut out = Vec::new();
    let armored = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
        .expect("armor");
    let mut writer = encryptor.wrap_output(armored).expect("age");
    writeln!(writer, "{}", key.seed()).expect("write");
    writer.finish().and_then(|a| a.finish()).expect("finish");
    out
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["gen", out, mib] => {
            std::fs::write(out, generate(mib.parse().expect("MiB"))).expect("write");
        }
        ["wascap-embed", input, output] => {
            let bytes = std::fs::read(input).expect("read");
            let account = nkeys::KeyPair::new_account();
            let module = nkeys::KeyPair::new_module();
            let claims = wascap::jwt::Claims::<wascap::jwt::Component>::new(
                "bench".into(),
                account.public_key(),
                module.public_key(),
                None,
                false,
                None,
                None,
                None,
            );
            let signed = wascap::wasm::embed_claims(&bytes, &claims, &account).expect("embed");
            std::fs::write(output, signed).expect("write");
        }
        ["wascap-extract", input] => {
            let bytes = std::fs::read(input).expect("read");
            let token = wascap::wasm::extract_claims(&bytes).expect("extract");
            let token = token.expect("signed");
            let v = wascap::jwt::validate_token::<wascap::jwt::Component>(&token.jwt)
                .expect("validate");
            if !v.signature_valid {
                return ExitCode::from(1);
            }
        }
        ["nats-echo", url, subject] => runtime().block_on(nats_echo(url, subject)),
        ["lattice-echo", url, subject, keys_dir] => {
            runtime().block_on(lattice_echo(url, subject, keys_dir))
        }
        ["nats-bench", url, subject, n, inflight] => runtime().block_on(async {
            let client = async_nats::connect(*url).await.expect("connect");
            let subject = subject.to_string();
            bench(
                n.parse().expect("N"),
                inflight.parse().expect("INFLIGHT"),
                move |i| {
                    let (client, subject) = (client.clone(), subject.clone());
                    async move {
                        let body = format!("n{i}");
                        match client.request(subject, body.clone().into()).await {
                            Ok(m) => m.payload == greeting(body.as_bytes()),
                            Err(_) => false,
                        }
                    }
                },
            )
            .await
        }),
        ["lattice-bench", url, subject, n, inflight, keys_dir] => runtime().block_on(async {
            let lattice = lattice(url, keys_dir).await;
            let subject = subject.to_string();
            bench(
                n.parse().expect("N"),
                inflight.parse().expect("INFLIGHT"),
                move |i| {
                    let (lattice, subject) = (std::sync::Arc::clone(&lattice), subject.clone());
                    async move {
                        let body = format!("n{i}");
                        match lattice
                            .request(
                                None,
                                &subject,
                                body.as_bytes(),
                                std::time::Duration::from_secs(10),
                            )
                            .await
                        {
                            Ok(reply) => reply.body() == greeting(body.as_bytes()),
                            Err(_) => false,
                        }
                    }
                },
            )
            .await
        }),
        ["lattice-crypto", n] => lattice_crypto(n.parse().expect("N")),
        ["age-open", file, passphrase] => {
            let bytes = std::fs::read(file).expect("read");
            let decryptor =
                age::Decryptor::new_buffered(age::armor::ArmoredReader::new(&bytes[..]))
                    .expect("an age file");
            let mut identity = age::scrypt::Identity::new(passphrase.to_string().into());
            identity.set_max_work_factor(64);
            if decryptor
                .decrypt(std::iter::once(&identity as &dyn age::Identity))
                .is_err()
            {
                return ExitCode::from(1);
            }
        }
        ["age-seed", factor, passphrase, out] => {
            std::fs::write(out, age_seed(factor.parse().expect("FACTOR"), passphrase))
                .expect("write");
        }
        _ => {
            eprintln!(
                "usage: bench_tool gen OUT MIB | wascap-embed IN OUT | wascap-extract IN | nats-echo URL SUBJECT | lattice-echo URL SUBJECT KEYS_DIR | nats-bench URL SUBJECT N INFLIGHT | lattice-bench URL SUBJECT N INFLIGHT KEYS_DIR"
            );
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
