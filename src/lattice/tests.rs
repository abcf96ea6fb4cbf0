//! One test per check: each failure gives its own code, and only a message that passes all of
//! them becomes a `CheckedInvocation`.

use super::*;
use crate::keys::Key;

const NOW: u64 = 1_800_000_000;

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

struct Setup {
    cluster: Key,
    host: Key,
    signer: Signer,
    trust: Trust,
    replay: ReplayGuard,
}

fn setup() -> Setup {
    let cluster = Key::generate(KeyRole::Cluster);
    let host = Key::generate(KeyRole::Server);
    let signer = Signer::with_cluster_key(
        Key::from_seed(host.seed()).unwrap(),
        Key::from_seed(cluster.seed()).unwrap(),
        "default",
        NOW,
        SELF_ENDORSEMENT_SECS,
    )
    .unwrap();
    let trust = Trust::new("default", vec![cluster.public_key().to_string()]).unwrap();
    Setup {
        cluster,
        host,
        signer,
        trust,
        replay: ReplayGuard::local(),
    }
}

fn outgoing<'a>(target: &'a str, reply: Option<&'a str>, body: &'a [u8]) -> Outgoing<'a> {
    Outgoing {
        origin_actor: Some("MACTOR"),
        target,
        reply,
        in_reply_to: None,
        body,
    }
}

/// Verifies `token` arriving on `subject` with `body` (no reply subject) at `now`.
fn verify(
    s: &Setup,
    token: &str,
    subject: &str,
    body: &[u8],
    now: u64,
) -> Result<CheckedInvocation, LatticeRejection> {
    let tokens = [token];
    let incoming = Incoming {
        subject,
        reply: None,
        tokens: &tokens,
        body,
    };
    block_on(verify_invocation(&incoming, &s.trust, &s.replay, now))
}

fn code<T: std::fmt::Debug>(r: Result<T, LatticeRejection>) -> &'static str {
    r.expect_err("must be rejected").code()
}

/// Signs raw invocation claims with `key` (for tokens `Signer` would never make).
fn forge(claims: &InvocationClaims, key: &Key) -> String {
    token::encode_invocation(claims, key).unwrap()
}

fn claims_of(s: &Setup, target: &str, body: &[u8], iat: u64, exp: u64) -> InvocationClaims {
    InvocationClaims {
        jti: crate::claims::new_token_id(),
        iat,
        exp,
        iss: s.host.public_key().to_string(),
        wzt: InvocationBody {
            lattice: "default".into(),
            origin: Origin {
                actor: None,
                host: s.host.public_key().to_string(),
            },
            target: target.into(),
            reply: None,
            in_reply_to: None,
            digest: token::digest_of(body),
            endorsement: endorse(
                &s.cluster,
                s.host.public_key(),
                "default",
                iat.min(NOW),
                3600,
            )
            .unwrap(),
        },
    }
}

#[test]
fn a_signed_message_passes_and_says_who_sent_it() {
    let s = setup();
    let signed = s.signer.sign(outgoing("greet", None, b"ann"), NOW).unwrap();
    let checked = verify(&s, &signed.token, "greet", b"ann", NOW + 1).unwrap();
    assert_eq!(checked.subject(), "greet");
    assert_eq!(checked.body(), b"ann");
    assert_eq!(checked.jti(), signed.jti);
    assert_eq!(checked.origin_actor(), Some("MACTOR"));
    assert_eq!(checked.host(), s.host.public_key());
    assert_eq!(checked.cluster(), s.cluster.public_key());
}

#[test]
fn no_token_is_unsigned_and_two_are_malformed() {
    let s = setup();
    let incoming = Incoming {
        subject: "greet",
        reply: None,
        tokens: &[],
        body: b"",
    };
    assert_eq!(
        code(block_on(verify_invocation(
            &incoming, &s.trust, &s.replay, NOW
        ))),
        "unsigned"
    );
    let signed = s.signer.sign(outgoing("greet", None, b""), NOW).unwrap();
    let tokens = [signed.token.as_str(), signed.token.as_str()];
    let incoming = Incoming {
        tokens: &tokens,
        ..incoming
    };
    assert_eq!(
        code(block_on(verify_invocation(
            &incoming, &s.trust, &s.replay, NOW
        ))),
        "malformed"
    );
    assert_eq!(code(verify(&s, "a.b", "greet", b"", NOW)), "malformed");
    assert_eq!(code(verify(&s, "x.y.z", "greet", b"", NOW)), "malformed");
}

#[test]
fn an_endorsement_by_an_untrusted_cluster_is_refused() {
    let s = setup();
    let other = Key::generate(KeyRole::Cluster);
    let signer = Signer::with_cluster_key(
        Key::from_seed(s.host.seed()).unwrap(),
        other,
        "default",
        NOW,
        3600,
    )
    .unwrap();
    let signed = signer.sign(outgoing("greet", None, b""), NOW).unwrap();
    assert_eq!(
        code(verify(&s, &signed.token, "greet", b"", NOW)),
        "untrusted_cluster"
    );
}

#[test]
fn a_forged_or_expired_endorsement_is_bad() {
    let s = setup();
    // The endorsement's signature is by another cluster key, under the trusted one's name.
    let mut claims = claims_of(&s, "greet", b"", NOW, NOW + 30);
    let impostor = Key::generate(KeyRole::Cluster);
    let forged = token::encode_endorsement(
        &EndorsementClaims {
            jti: crate::claims::new_token_id(),
            iat: NOW,
            exp: NOW + 3600,
            iss: s.cluster.public_key().to_string(),
            sub: s.host.public_key().to_string(),
            wzt: EndorsementScope {
                lattice: "default".into(),
            },
        },
        &impostor,
    )
    .unwrap();
    claims.wzt.endorsement = forged;
    let token = forge(&claims, &s.host);
    assert_eq!(
        code(verify(&s, &token, "greet", b"", NOW)),
        "bad_endorsement"
    );
    // An endorsement that expired an hour ago.
    let mut claims = claims_of(&s, "greet", b"", NOW, NOW + 30);
    claims.wzt.endorsement =
        endorse(&s.cluster, s.host.public_key(), "default", NOW - 7200, 3600).unwrap();
    let token = forge(&claims, &s.host);
    assert_eq!(
        code(verify(&s, &token, "greet", b"", NOW)),
        "bad_endorsement"
    );
    // The endorsement signed by a host key instead of a cluster key.
    let mut claims = claims_of(&s, "greet", b"", NOW, NOW + 30);
    claims.wzt.endorsement = "e30.e30.".into();
    let token = forge(&claims, &s.host);
    assert_eq!(
        code(verify(&s, &token, "greet", b"", NOW)),
        "bad_endorsement"
    );
}

#[test]
fn an_endorsement_for_another_host_does_not_cover_this_one() {
    let s = setup();
    let thief = Key::generate(KeyRole::Server);
    let mut claims = claims_of(&s, "greet", b"", NOW, NOW + 30);
    claims.iss = thief.public_key().to_string();
    claims.wzt.origin.host = thief.public_key().to_string();
    // The endorsement still names s.host.
    let token = forge(&claims, &thief);
    assert_eq!(
        code(verify(&s, &token, "greet", b"", NOW)),
        "host_not_endorsed"
    );
}

#[test]
fn a_signature_by_another_key_is_bad() {
    let s = setup();
    let claims = claims_of(&s, "greet", b"", NOW, NOW + 30);
    let token = forge(&claims, &Key::generate(KeyRole::Server));
    assert_eq!(code(verify(&s, &token, "greet", b"", NOW)), "bad_signature");
}

#[test]
fn another_lattice_is_refused_in_the_token_and_in_the_endorsement() {
    let s = setup();
    let mut claims = claims_of(&s, "greet", b"", NOW, NOW + 30);
    claims.wzt.lattice = "staging".into();
    let token = forge(&claims, &s.host);
    assert_eq!(code(verify(&s, &token, "greet", b"", NOW)), "wrong_lattice");
    let mut claims = claims_of(&s, "greet", b"", NOW, NOW + 30);
    claims.wzt.endorsement =
        endorse(&s.cluster, s.host.public_key(), "staging", NOW, 3600).unwrap();
    let token = forge(&claims, &s.host);
    assert_eq!(code(verify(&s, &token, "greet", b"", NOW)), "wrong_lattice");
}

#[test]
fn times_are_checked_with_the_leeway() {
    let s = setup();
    let token = forge(&claims_of(&s, "greet", b"", NOW - 100, NOW - 70), &s.host);
    assert_eq!(code(verify(&s, &token, "greet", b"", NOW)), "expired");
    // Inside the leeway it still passes.
    let token = forge(&claims_of(&s, "greet", b"", NOW - 33, NOW - 3), &s.host);
    verify(&s, &token, "greet", b"", NOW).unwrap();
    let token = forge(&claims_of(&s, "greet", b"", NOW + 60, NOW + 90), &s.host);
    assert_eq!(code(verify(&s, &token, "greet", b"", NOW)), "not_yet_valid");
    let token = forge(&claims_of(&s, "greet", b"", NOW, NOW + 3600), &s.host);
    assert_eq!(code(verify(&s, &token, "greet", b"", NOW)), "bad_lifetime");
    let token = forge(&claims_of(&s, "greet", b"", NOW, NOW - 1), &s.host);
    assert_eq!(code(verify(&s, &token, "greet", b"", NOW)), "bad_lifetime");
}

#[test]
fn a_token_moved_to_another_subject_is_refused() {
    let s = setup();
    let signed = s.signer.sign(outgoing("greet", None, b"x"), NOW).unwrap();
    assert_eq!(
        code(verify(&s, &signed.token, "admin.shutdown", b"x", NOW)),
        "wrong_target"
    );
}

#[test]
fn a_changed_body_is_refused() {
    let s = setup();
    let signed = s.signer.sign(outgoing("greet", None, b"ann"), NOW).unwrap();
    assert_eq!(
        code(verify(&s, &signed.token, "greet", b"bob", NOW)),
        "digest_mismatch"
    );
}

#[test]
fn a_replay_is_refused() {
    let s = setup();
    let signed = s.signer.sign(outgoing("greet", None, b"x"), NOW).unwrap();
    verify(&s, &signed.token, "greet", b"x", NOW).unwrap();
    assert_eq!(
        code(verify(&s, &signed.token, "greet", b"x", NOW)),
        "replayed"
    );
}

/// A reply to the request `REQUESTONE`, for the inbox `_INBOX.mine.1`.
fn signed_reply(s: &Setup, body: &[u8]) -> String {
    s.signer
        .sign(
            Outgoing {
                origin_actor: None,
                target: "_INBOX.mine.1",
                reply: None,
                in_reply_to: Some("REQUESTONE"),
                body,
            },
            NOW,
        )
        .unwrap()
        .token
}

#[test]
fn reply_subjects_and_replies_are_bound() {
    let s = setup();
    // A request whose reply subject was changed in transit (to read the answer elsewhere).
    let signed = s
        .signer
        .sign(outgoing("greet", Some("_INBOX.mine.1"), b"x"), NOW)
        .unwrap();
    let tokens = [signed.token.as_str()];
    let moved = Incoming {
        subject: "greet",
        reply: Some("_INBOX.thief.1"),
        tokens: &tokens,
        body: b"x",
    };
    assert_eq!(
        code(block_on(verify_invocation(
            &moved, &s.trust, &s.replay, NOW
        ))),
        "bad_reply"
    );
    // A reply answers exactly one request.
    let reply = signed_reply(&s, b"hi");
    let tokens = [reply.as_str()];
    let incoming = Incoming {
        subject: "_INBOX.mine.1",
        reply: None,
        tokens: &tokens,
        body: b"hi",
    };
    let other_request = AwaitedReply::new("REQUESTTWO".into());
    assert_eq!(
        code(verify_reply(&incoming, &other_request, &s.trust, NOW)),
        "bad_reply"
    );
    // A reply is not accepted as a new message either.
    assert_eq!(
        code(block_on(verify_invocation(
            &incoming, &s.trust, &s.replay, NOW
        ))),
        "bad_reply"
    );
    let awaited = AwaitedReply::new("REQUESTONE".into());
    let Ok(ReplyVerdict::Answer(checked)) = verify_reply(&incoming, &awaited, &s.trust, NOW) else {
        panic!("the reply was not accepted");
    };
    assert_eq!(checked.body(), b"hi");
    // And only once: the same reply again is a replay, with no JetStream claim (the
    // requester's local set is the whole replay check for its replies).
    assert_eq!(
        code(verify_reply(&incoming, &awaited, &s.trust, NOW)),
        "replayed"
    );
    // A second responder's own signed reply after the answer is ignored, not delivered.
    let second = signed_reply(&s, b"late");
    let tokens = [second.as_str()];
    let late = Incoming {
        subject: "_INBOX.mine.1",
        reply: None,
        tokens: &tokens,
        body: b"late",
    };
    assert!(matches!(
        verify_reply(&late, &awaited, &s.trust, NOW),
        Ok(ReplyVerdict::AlreadyAnswered)
    ));
}

#[test]
fn a_host_with_an_endorsement_from_elsewhere_signs_until_it_expires() {
    let s = setup();
    let host = Key::generate(KeyRole::Server);
    let endorsement = endorse(&s.cluster, host.public_key(), "default", NOW, 600).unwrap();
    let signer = Signer::with_endorsement(host, &endorsement, "default", NOW).unwrap();
    assert!(!signer.renews());
    let signed = signer.sign(outgoing("greet", None, b""), NOW + 10).unwrap();
    verify(&s, &signed.token, "greet", b"", NOW + 10).unwrap();
    assert!(matches!(
        signer.sign(outgoing("greet", None, b""), NOW + 601),
        Err(LatticeError::EndorsementExpired(_))
    ));
    // An endorsement for another key, or another lattice, is refused at start.
    let other = Key::generate(KeyRole::Server);
    assert!(matches!(
        Signer::with_endorsement(other, &endorsement, "default", NOW),
        Err(LatticeError::EndorsementForAnotherHost { .. })
    ));
    let host = Key::generate(KeyRole::Server);
    let endorsement = endorse(&s.cluster, host.public_key(), "default", NOW, 600).unwrap();
    assert!(matches!(
        Signer::with_endorsement(host, &endorsement, "staging", NOW),
        Err(LatticeError::BadEndorsement(
            LatticeRejection::WrongLattice { .. }
        ))
    ));
}

#[test]
fn a_host_holding_the_cluster_key_renews_its_endorsement() {
    let s = setup();
    let first = s.signer.endorsement_expires();
    let signed = s
        .signer
        .sign(outgoing("greet", None, b""), NOW + SELF_ENDORSEMENT_SECS)
        .unwrap();
    assert!(s.signer.endorsement_expires() > first);
    verify(&s, &signed.token, "greet", b"", NOW + SELF_ENDORSEMENT_SECS).unwrap();
}

#[test]
fn keys_of_the_wrong_role_are_refused() {
    let account = Key::generate(KeyRole::Account);
    assert!(matches!(
        endorse(
            &account,
            Key::generate(KeyRole::Server).public_key(),
            "default",
            NOW,
            60
        ),
        Err(LatticeError::WrongRole { .. })
    ));
    let cluster = Key::generate(KeyRole::Cluster);
    assert!(endorse(&cluster, account.public_key(), "default", NOW, 60).is_err());
    assert!(Trust::new("default", vec![account.public_key().to_string()]).is_err());
    assert!(Trust::new("bad name", vec![]).is_err());
}

#[test]
fn rejections_escape_what_the_message_said() {
    let r = LatticeRejection::WrongTarget {
        signed: "a\u{1b}[2Jb".into(),
        actual: "greet".into(),
    };
    let text = r.to_string();
    assert!(!text.chars().any(crate::text::is_unsafe), "{text}");
    assert!(text.contains("a\\u{1b}[2Jb"), "{text}");
    for code in LatticeRejection::CODES {
        assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    }
}

#[test]
fn lattice_names_are_checked() {
    assert!(validate_lattice_name("default").is_ok());
    assert!(validate_lattice_name("prod-eu_1").is_ok());
    assert!(validate_lattice_name("").is_err());
    assert!(validate_lattice_name("a.b").is_err());
    assert!(validate_lattice_name(&"x".repeat(65)).is_err());
}

#[test]
fn endorsements_longer_than_the_maximum_are_refused() {
    let s = setup();
    // A host endorsed for two days: receivers (24 h by default) refuse it, `bad_lifetime`.
    let long = Signer::with_cluster_key(
        Key::generate(KeyRole::Server),
        Key::from_seed(s.cluster.seed()).unwrap(),
        "default",
        NOW,
        2 * 86400,
    )
    .unwrap();
    let signed = long.sign(outgoing("greet", None, b""), NOW).unwrap();
    let rejection = verify(&s, &signed.token, "greet", b"", NOW).unwrap_err();
    assert_eq!(rejection.code(), "bad_lifetime");
    assert!(
        rejection
            .to_string()
            .starts_with("the endorsement is valid from"),
        "{rejection}"
    );
    // A receiver allowing three days accepts it.
    let trust = Trust::new("default", vec![s.cluster.public_key().to_string()])
        .unwrap()
        .with_max_endorsement(3 * 86400);
    let tokens = [signed.token.as_str()];
    let incoming = Incoming {
        subject: "greet",
        reply: None,
        tokens: &tokens,
        body: b"",
    };
    block_on(verify_invocation(&incoming, &trust, &s.replay, NOW)).unwrap();
    // A host given a too-long endorsement does not start.
    let host = Key::generate(KeyRole::Server);
    let endorsement = endorse(&s.cluster, host.public_key(), "default", NOW, 2 * 86400).unwrap();
    assert!(matches!(
        Signer::with_endorsement(host, &endorsement, "default", NOW),
        Err(LatticeError::EndorsementTooLong {
            lifetime: 172_800,
            max: DEFAULT_MAX_ENDORSEMENT_SECS
        })
    ));
}

#[test]
fn a_host_endorsed_elsewhere_reads_its_source_again_after_half_its_life() {
    let s = setup();
    let host = Key::generate(KeyRole::Server);
    let host_key = host.public_key().to_string();
    let current = std::sync::Arc::new(Mutex::new(
        endorse(&s.cluster, &host_key, "default", NOW, 600).unwrap(),
    ));
    let source = std::sync::Arc::clone(&current);
    let signer = Signer::with_endorsement_source(
        host,
        "test",
        Box::new(move || Ok(source.lock().unwrap().clone())),
        "default",
        NOW,
        DEFAULT_MAX_ENDORSEMENT_SECS,
    )
    .unwrap();
    assert_eq!(
        signer.describe_renewal(),
        "read again from test after half its life"
    );
    // Before half its life: not read again.
    let signed = signer
        .sign(outgoing("greet", None, b""), NOW + 100)
        .unwrap();
    assert_eq!(signed.renewal, None);
    // After: read, nothing newer there, said so (and not read again for a while).
    let signed = signer
        .sign(outgoing("greet", None, b""), NOW + 301)
        .unwrap();
    assert!(
        matches!(&signed.renewal, Some(Renewal::NotRenewed { why, expires, .. }) if why == "it holds no newer endorsement" && *expires == NOW + 600),
        "{:?}",
        signed.renewal
    );
    let signed = signer
        .sign(outgoing("greet", None, b""), NOW + 305)
        .unwrap();
    assert_eq!(signed.renewal, None);
    // A newer one appears: taken, and the host signs past the first one's expiry.
    *current.lock().unwrap() = endorse(&s.cluster, &host_key, "default", NOW + 310, 600).unwrap();
    let signed = signer
        .sign(outgoing("greet", None, b""), NOW + 320)
        .unwrap();
    assert_eq!(
        signed.renewal,
        Some(Renewal::Renewed {
            source: "test".into(),
            until: NOW + 910
        })
    );
    let signed = signer
        .sign(outgoing("greet", None, b""), NOW + 700)
        .unwrap();
    verify(&s, &signed.token, "greet", b"", NOW + 700).unwrap();
    // Something that is not an endorsement for this host is not taken.
    *current.lock().unwrap() = endorse(
        &s.cluster,
        Key::generate(KeyRole::Server).public_key(),
        "default",
        NOW + 700,
        600,
    )
    .unwrap();
    let signed = signer
        .sign(outgoing("greet", None, b""), NOW + 720)
        .unwrap();
    assert!(
        matches!(&signed.renewal, Some(Renewal::NotRenewed { why, .. }) if why.contains("for host")),
        "{:?}",
        signed.renewal
    );
}

/// `token` with its signature replaced by another one (an attacker's copy).
fn with_broken_signature(token: &str) -> String {
    let cut = token.rfind('.').unwrap();
    let mut signature = data_encoding::BASE64URL_NOPAD
        .decode(&token.as_bytes()[cut + 1..])
        .unwrap();
    signature[10] ^= 1;
    format!(
        "{}.{}",
        &token[..cut],
        data_encoding::BASE64URL_NOPAD.encode(&signature)
    )
}

#[test]
fn the_cheap_checks_come_before_any_signature() {
    let s = setup();
    let signed = s.signer.sign(outgoing("greet", None, b"x"), NOW).unwrap();
    let broken = with_broken_signature(&signed.token);
    // A token that fails a cheap check is refused for it, its signature never checked.
    assert_eq!(
        code(verify(&s, &broken, "admin", b"x", NOW)),
        "wrong_target"
    );
    assert_eq!(
        code(verify(&s, &broken, "greet", b"x", NOW + 120)),
        "expired"
    );
    assert_eq!(
        code(verify(&s, &broken, "greet", b"x", NOW)),
        "bad_signature"
    );
    // Once this host took an id, a copy of it is a replay before any signature or claim.
    verify(&s, &signed.token, "greet", b"x", NOW).unwrap();
    assert_eq!(code(verify(&s, &broken, "greet", b"x", NOW)), "replayed");
    // A request answered takes nothing more: another reply is ignored unchecked, and a
    // reply for another request is refused before its signature.
    let awaited = AwaitedReply::new("REQUESTONE".into());
    let reply = signed_reply(&s, b"hi");
    let tokens = [reply.as_str()];
    let incoming = Incoming {
        subject: "_INBOX.mine.1",
        reply: None,
        tokens: &tokens,
        body: b"hi",
    };
    assert!(matches!(
        verify_reply(&incoming, &awaited, &s.trust, NOW),
        Ok(ReplyVerdict::Answer(_))
    ));
    let forged = with_broken_signature(&signed_reply(&s, b"forged"));
    let tokens = [forged.as_str()];
    let forged_reply = Incoming {
        tokens: &tokens,
        body: b"forged",
        ..incoming
    };
    assert!(matches!(
        verify_reply(&forged_reply, &awaited, &s.trust, NOW),
        Ok(ReplyVerdict::AlreadyAnswered)
    ));
    let waiting = AwaitedReply::new("REQUESTONE".into());
    assert_eq!(
        code(verify_reply(&forged_reply, &waiting, &s.trust, NOW)),
        "bad_signature"
    );
}
