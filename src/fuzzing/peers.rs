//! Fuzz targets for what a network peer or a hand-edited file says, outside the artifact:
//!
//! - [`challenge`]: a registry's `WWW-Authenticate` challenge (`registry::challenge`): any
//!   text parses to a scheme and parameters without a panic, with lower-case keys; a challenge
//!   rendered from known parameters parses back to exactly them.
//! - [`docker_config`]: the docker config file's lookup (`registry::auth::lookup_text`): any
//!   bytes give credentials, nothing or an error, never a panic; a generated file whose values
//!   hold a marker never shows the marker in an error (a password, an `auth` string), and
//!   credentials are found only under one of the registry's names.
//! - [`lattice`]: the lattice's token check (`lattice::check`, `verify_reply`) on raw tokens and
//!   on generated endorsements and invocations with every field right or wrong: the verdict
//!   equals an independent oracle of the rules (docs/design.md §13), every rejection is safe to
//!   print and has a known code, a reply is taken once, and a token changed in any byte fails.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use arbitrary::{Result as ArbResult, Unstructured};

use super::assert_shown_safely;
use crate::keys::Key;
use crate::lattice::token::{
    self, EndorsementClaims, EndorsementScope, InvocationBody, InvocationClaims, Origin,
};
use crate::lattice::{
    AwaitedReply, Incoming, LEEWAY_SECS, LatticeRejection, MAX_LIFETIME_SECS, ReplyVerdict, Trust,
};
use crate::registry::auth::{self, Credentials, Lookup};
use crate::registry::challenge::parse_challenge;

/// The time the lattice target checks at.
const NOW: u64 = 1_750_000_000;

/// `n` characters drawn from `set`.
fn text_of(u: &mut Unstructured, set: &[u8], min: usize, max: usize) -> ArbResult<String> {
    let len = u.int_in_range(min..=max)?;
    (0..len)
        .map(|_| Ok(*u.choose(set)? as char))
        .collect::<ArbResult<String>>()
}

const TOKEN_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";

/// Target `challenge`: the registry's authentication challenge.
pub fn challenge(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let text = String::from_utf8_lossy(rest);
        let (scheme, params) = parse_challenge(&text);
        assert!(text.trim().starts_with(&scheme), "{scheme:?} from {text:?}");
        for key in params.keys() {
            assert_eq!(key, &key.to_ascii_lowercase());
        }
    } else {
        let _ = rendered_challenge(&mut Unstructured::new(rest));
    }
}

/// A challenge rendered from a scheme and parameters parses back to them (keys lower-cased,
/// the last of a repeated key kept).
fn rendered_challenge(u: &mut Unstructured) -> ArbResult<()> {
    let scheme = text_of(
        u,
        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        1,
        8,
    )?;
    let mut expected = HashMap::new();
    let mut header = scheme.clone();
    let count = u.int_in_range(0..=6)?;
    for i in 0..count {
        let key = text_of(u, TOKEN_CHARS, 1, 10)?;
        let quoted: bool = u.arbitrary()?;
        let value = if quoted {
            // Anything printable but a quote or a backslash, not starting or ending in a space.
            let inner: String = text_of(u, b"abcXYZ019 ,=;:/.-_@!#$%&'()*+<>?[]^`{|}~", 0, 16)?;
            inner.trim().to_string()
        } else {
            text_of(u, b"abcXYZ019:/.-_@", 1, 12)?
        };
        header.push_str(if i == 0 {
            " "
        } else {
            u.choose(&[",", ", ", " , "])?
        });
        header.push_str(&key);
        header.push('=');
        if quoted {
            header.push('"');
            header.push_str(&value);
            header.push('"');
        } else {
            header.push_str(&value);
        }
        expected.insert(key.to_ascii_lowercase(), value);
    }
    let (parsed_scheme, params) = parse_challenge(&header);
    assert_eq!(parsed_scheme, scheme, "{header:?}");
    assert_eq!(params, expected, "{header:?}");
    Ok(())
}

/// Target `docker_config`: the credentials lookup in a docker config file.
pub fn docker_config(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let registry =
            ["ghcr.io", "docker.io", "127.0.0.1:5000", "localhost:5000"][mode as usize / 2 % 4];
        match auth::lookup_text(Path::new("config.json"), rest, registry) {
            Ok(_) => {}
            Err(e) => {
                let _ = e.to_string();
            }
        }
    } else {
        let _ = generated_config(&mut Unstructured::new(rest));
    }
}

/// The names a registry is looked up under, as the file may spell them (an independent copy of
/// the rule: scheme and path dropped, any case; Docker Hub's three names are one).
fn spellings(u: &mut Unstructured, registry: &str) -> ArbResult<String> {
    let host = match registry {
        "docker.io" => *u.choose(&["docker.io", "index.docker.io", "registry-1.docker.io"])?,
        other => other,
    };
    let host = if u.arbitrary()? {
        host.to_ascii_uppercase()
    } else {
        host.to_string()
    };
    Ok(format!(
        "{}{host}{}",
        u.choose(&["", "https://", "http://"])?,
        u.choose(&["", "/", "/v1/", "/v2/x"])?
    ))
}

fn generated_config(u: &mut Unstructured) -> ArbResult<()> {
    use data_encoding::BASE64;
    let registries = ["ghcr.io", "docker.io", "127.0.0.1:5000", "quay.io"];
    // A marker that stands for every secret value: it must never reach a message.
    let marker = format!("S3CR3T{}", text_of(u, b"QWXZ", 8, 8)?);
    let mut auths = serde_json::Map::new();
    // What a lookup of each registry may find: the password put under its name, if readable.
    let mut passwords: HashMap<&str, Vec<String>> = HashMap::new();
    for _ in 0..u.int_in_range(0..=5)? {
        let registry = *u.choose(&registries)?;
        let key = spellings(u, registry)?;
        let password = format!("{marker}{}", u.int_in_range(0..=9u8)?);
        let entry = match u.int_in_range(0..=6)? {
            0 => serde_json::json!({"auth": BASE64.encode(format!("user:{password}").as_bytes())}),
            1 => serde_json::json!({"username": "user", "password": password}),
            2 => serde_json::json!({"identitytoken": password}),
            // Wrong shapes, all holding the secret.
            3 => serde_json::json!({"auth": password}),
            4 => serde_json::json!(password),
            5 => serde_json::json!({"password": [password]}),
            _ => serde_json::json!({"auth": BASE64.encode(password.as_bytes())}),
        };
        passwords.entry(registry).or_default().push(password);
        auths.insert(key, entry);
    }
    let mut config = serde_json::json!({ "auths": auths });
    if u.arbitrary()? {
        config["credsStore"] = serde_json::json!("desktop");
    }
    let mut text = serde_json::to_vec(&config).expect("JSON");
    // Sometimes a broken file (cut short), which must not be quoted either.
    if u.arbitrary()? && !text.is_empty() {
        let at = u.choose_index(text.len())?;
        text.truncate(at);
    }
    for registry in registries {
        match auth::lookup_text(Path::new("config.json"), &text, registry) {
            Ok(Lookup::Found(Credentials::Basic { username, password })) => {
                assert_eq!(username, "user");
                assert!(
                    passwords
                        .get(registry)
                        .is_some_and(|p| p.contains(&password)),
                    "{registry}: found {password:?} that is not its own: {}",
                    String::from_utf8_lossy(&text)
                );
            }
            Ok(Lookup::Found(Credentials::Anonymous)) | Ok(Lookup::None) => {}
            Ok(Lookup::Unsupported(why)) => assert!(!why.contains(&marker), "{why}"),
            Err(e) => {
                let message = format!("{e:#}");
                assert!(!message.contains(&marker), "a secret is echoed: {message}");
            }
        }
    }
    Ok(())
}

/// The fixed keys of the lattice target.
struct LatticeKeys {
    cluster: Key,
    other_cluster: Key,
    host: Key,
    other_host: Key,
    trust: Trust,
}

fn lattice_keys() -> &'static LatticeKeys {
    static KEYS: OnceLock<LatticeKeys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let key = |role: nkeys::KeyPairType, byte: u8| {
            let pair = nkeys::KeyPair::new_from_raw(role, [byte; 32]).expect("32 bytes");
            Key::from_seed(&pair.seed().expect("a seed")).expect("a valid seed")
        };
        let cluster = key(nkeys::KeyPairType::Cluster, 11);
        let trust =
            Trust::new("default", vec![cluster.public_key().to_string()]).expect("a cluster key");
        LatticeKeys {
            cluster,
            other_cluster: key(nkeys::KeyPairType::Cluster, 12),
            host: key(nkeys::KeyPairType::Server, 13),
            other_host: key(nkeys::KeyPairType::Server, 14),
            trust,
        }
    })
}

/// Target `lattice`: the checks a host makes before delivering a message.
pub fn lattice(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        raw_lattice(rest);
    } else {
        let _ = generated_lattice(&mut Unstructured::new(rest));
    }
}

fn check_rejection(rejection: &LatticeRejection) {
    assert_shown_safely(&rejection.to_string());
    assert!(LatticeRejection::CODES.contains(&rejection.code()));
}

/// Raw text as the token, with a subject, reply subject and body from the input too.
fn raw_lattice(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(4, '\n');
    let token = parts.next().unwrap_or_default();
    let subject = parts.next().unwrap_or("greet");
    let reply = parts.next().filter(|r| !r.is_empty());
    let body = parts.next().unwrap_or_default().as_bytes();
    let tokens = [token];
    let incoming = Incoming {
        subject,
        reply,
        tokens: &tokens,
        body,
    };
    let keys = lattice_keys();
    if let Err(rejection) = crate::lattice::check(&incoming, &keys.trust, NOW) {
        check_rejection(&rejection);
    }
    let awaited = AwaitedReply::new("A".repeat(26));
    if let Err(rejection) = crate::lattice::verify_reply(&incoming, &awaited, &keys.trust, NOW) {
        check_rejection(&rejection);
    }
}

/// A time near `NOW`, often right at a boundary.
fn near_now(u: &mut Unstructured) -> ArbResult<u64> {
    let offset: i64 = match u.int_in_range(0..=7)? {
        0..=2 => 0,
        3 | 4 => u.int_in_range(-7..=7)?,
        5 | 6 => u.int_in_range(-120..=120)?,
        _ => u.int_in_range(-100_000..=100_000)?,
    };
    Ok(NOW.saturating_add_signed(offset))
}

/// One of a few strings, or anything.
fn one_of(u: &mut Unstructured, choices: &[&str]) -> ArbResult<String> {
    if u.ratio(1, 8)? {
        u.arbitrary()
    } else {
        Ok(u.choose(choices)?.to_string())
    }
}

/// Checks one generated message; says whether the rules accept it.
fn generated_lattice(u: &mut Unstructured) -> ArbResult<bool> {
    let keys = lattice_keys();
    let lattice_name =
        |u: &mut Unstructured| one_of(u, &["default", "default", "default", "other"]);
    let token_id = |u: &mut Unstructured| -> ArbResult<String> {
        Ok(if u.ratio(15, 16)? {
            text_of(u, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 26, 26)?
        } else {
            u.arbitrary()?
        })
    };

    // The endorsement: signed by the trusted cluster key or another, for this host or another.
    let endorser = if u.ratio(15, 16)? {
        &keys.cluster
    } else {
        &keys.other_cluster
    };
    let endorsed = if u.ratio(15, 16)? {
        &keys.host
    } else {
        &keys.other_host
    };
    let e_iat = near_now(u)?;
    let e_exp = if u.ratio(3, 4)? {
        e_iat.saturating_add(u.int_in_range(0..=86_400)?)
    } else {
        near_now(u)?
    };
    let e_lattice = lattice_name(u)?;
    let endorsement = token::encode_endorsement(
        &EndorsementClaims {
            jti: token_id(u)?,
            iat: e_iat,
            exp: e_exp,
            iss: endorser.public_key().to_string(),
            sub: endorsed.public_key().to_string(),
            wzt: EndorsementScope {
                lattice: e_lattice.clone(),
            },
        },
        endorser,
    )
    .expect("a cluster key signs");

    // The invocation: issued by (and signed by) this host or another.
    let issuer = if u.ratio(15, 16)? {
        &keys.host
    } else {
        &keys.other_host
    };
    let signer = if u.ratio(15, 16)? {
        issuer
    } else {
        &keys.other_host
    };
    let origin_host = if u.ratio(15, 16)? {
        issuer.public_key().to_string()
    } else {
        keys.other_host.public_key().to_string()
    };
    let body: Vec<u8> = u.arbitrary()?;
    let target = one_of(u, &["greet", "greet", "other.subject"])?;
    let reply = if u.arbitrary()? {
        Some(one_of(u, &["_INBOX.a.1", "_INBOX.a.1", "_INBOX.b.2"])?)
    } else {
        None
    };
    let request = "B".repeat(26);
    let in_reply_to = if u.arbitrary()? {
        Some(if u.ratio(3, 4)? {
            request.clone()
        } else {
            token_id(u)?
        })
    } else {
        None
    };
    let iat = near_now(u)?;
    let exp = if u.ratio(3, 4)? {
        iat.saturating_add(u.int_in_range(0..=70)?)
    } else {
        near_now(u)?
    };
    let i_lattice = lattice_name(u)?;
    let jti = token_id(u)?;
    let digest_body = if u.ratio(15, 16)? {
        body.clone()
    } else {
        u.arbitrary()?
    };
    let claims = InvocationClaims {
        jti: jti.clone(),
        iat,
        exp,
        iss: issuer.public_key().to_string(),
        wzt: InvocationBody {
            lattice: i_lattice.clone(),
            origin: Origin {
                actor: None,
                host: origin_host.clone(),
            },
            target: target.clone(),
            reply: reply.clone(),
            in_reply_to: in_reply_to.clone(),
            digest: token::digest_of(&digest_body),
            endorsement,
        },
    };
    let raw = token::encode_invocation(&claims, signer).expect("a server key signs");

    // What arrived: the subject and reply subject it was signed for, or others.
    let subject = if u.ratio(15, 16)? {
        target.clone()
    } else {
        one_of(u, &["greet", "other.subject"])?
    };
    let arrived_reply = if u.ratio(15, 16)? {
        reply.clone()
    } else {
        Some("_INBOX.b.2".to_string())
    };

    // The rules, written out independently of `check`.
    let leeway = LEEWAY_SECS;
    let oracle = endorser.public_key() == keys.cluster.public_key()
        && e_lattice == "default"
        && e_iat <= NOW + leeway
        && NOW <= e_exp.saturating_add(leeway)
        && origin_host == issuer.public_key()
        && token::is_token_id(&jti)
        && endorsed.public_key() == issuer.public_key()
        && signer.public_key() == issuer.public_key()
        && i_lattice == "default"
        && iat <= exp
        && exp - iat <= MAX_LIFETIME_SECS
        && iat <= NOW + leeway
        && NOW <= exp.saturating_add(leeway)
        && subject == target
        && arrived_reply == reply
        && digest_body == body;

    let tokens = [raw.as_str()];
    let incoming = Incoming {
        subject: &subject,
        reply: arrived_reply.as_deref(),
        tokens: &tokens,
        body: &body,
    };
    let checked = crate::lattice::check(&incoming, &keys.trust, NOW);
    if let Err(rejection) = &checked {
        check_rejection(rejection);
    }
    assert_eq!(
        checked.is_ok(),
        oracle,
        "the check says {:?}, the rules say {oracle}",
        checked.err()
    );

    // A reply is taken once, and only by the request it names.
    let awaited = AwaitedReply::new(request.clone());
    let first = crate::lattice::verify_reply(&incoming, &awaited, &keys.trust, NOW);
    let answers = oracle && in_reply_to.as_deref() == Some(request.as_str());
    match &first {
        Ok(ReplyVerdict::Answer(delivered)) => {
            assert!(answers);
            assert_eq!(delivered.body(), body.as_slice());
            assert_eq!(delivered.jti(), jti);
            let again = crate::lattice::verify_reply(&incoming, &awaited, &keys.trust, NOW);
            assert!(
                matches!(again, Err(LatticeRejection::Replayed(_))),
                "{again:?}"
            );
        }
        Ok(ReplyVerdict::AlreadyAnswered) => panic!("a first reply is never 'already answered'"),
        Err(rejection) => {
            assert!(!answers, "{rejection}");
            check_rejection(rejection);
        }
    }

    // Any byte changed: never accepted.
    let mut altered = raw.clone().into_bytes();
    let at = u.choose_index(altered.len())?;
    let byte: u8 = u.arbitrary()?;
    if altered[at] != byte {
        altered[at] = byte;
        let altered = String::from_utf8_lossy(&altered).into_owned();
        let tokens = [altered.as_str()];
        let incoming = Incoming {
            tokens: &tokens,
            ..incoming
        };
        match crate::lattice::check(&incoming, &keys.trust, NOW) {
            Ok(_) => panic!("an altered token passed: {altered}"),
            Err(rejection) => check_rejection(&rejection),
        }
    }
    Ok(oracle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generator reaches both verdicts: messages every rule accepts, and each kind of
    /// refusal (else the oracle would be checked against refusals only).
    #[test]
    fn generated_messages_are_accepted_and_refused() {
        let mut state = 0x5eedu64;
        let mut accepted = 0;
        let mut refused = 0;
        for _ in 0..400 {
            let bytes: Vec<u8> = (0..600)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (state >> 33) as u8
                })
                .collect();
            match generated_lattice(&mut Unstructured::new(&bytes)) {
                Ok(true) => accepted += 1,
                Ok(false) => refused += 1,
                Err(_) => {}
            }
        }
        assert!(
            accepted >= 40 && refused >= 40,
            "{accepted} accepted, {refused} refused"
        );
    }
}
