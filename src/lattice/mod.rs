//! The cluster layer (docs/design.md §13): hosts joined through NATS, every
//! message signed by its host and checked by its receiver before any actor sees it.
//!
//! - [`token`]: the endorsement (cluster key → host key) and invocation (host key → message)
//!   tokens.
//! - [`Signer`]: a host's key and endorsement; signs outgoing messages (and renews its
//!   endorsement when it holds the cluster key).
//! - [`Trust`] and [`verify_invocation`] / [`verify_reply`]: every check, in order, each
//!   failure a [`LatticeRejection`] with a stable code; the only way to a
//!   [`CheckedInvocation`], which is the only thing the host delivers to an actor's handler.
//! - [`replay`]: the lattice-wide replay check (JetStream key-value, create-only), or a local
//!   bounded set without JetStream.
//! - [`revocation`]: cluster-signed revocations of host keys and endorsements, kept in a
//!   JetStream key-value bucket and applied by every host as they are published.
//! - [`connection`]: where the NATS server is, TLS and authentication.
//! - [`node`]: the NATS side (connection, signed publish and request, subscriptions, counters).
//!
//! Like the rest of the library it never prints: the node reports [`LatticeEvent`]s.

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};

use crate::claims::TokenError;
use crate::keys::{Key, KeyRole, KeyUseError};
use crate::text::Untrusted;

// The NATS side needs the runtime; the tokens and their checks do not (the fuzz build has
// them).
#[cfg(feature = "runtime")]
pub mod connection;
#[cfg(feature = "runtime")]
mod kv;
#[cfg(feature = "runtime")]
pub mod node;
#[cfg(feature = "runtime")]
pub mod replay;
pub mod revocation;
pub mod token;

#[cfg(feature = "runtime")]
pub use connection::{ConnectionError, NatsAuth, NatsConnection};
#[cfg(feature = "runtime")]
pub use node::{
    Lattice, LatticeConfig, LatticeEvent, LatticeEvents, ReplayScope, Reply, RequestError,
    Subscription,
};
#[cfg(feature = "runtime")]
pub use replay::ReplayGuard;
use token::{EndorsementClaims, EndorsementScope, InvocationBody, InvocationClaims, Origin};

/// An invocation token lives at most this long (`exp - iat`).
pub const MAX_LIFETIME_SECS: u64 = 60;
/// How long an invocation this host signs lives.
pub const INVOCATION_LIFETIME_SECS: u64 = 30;
/// Clock difference tolerated between hosts, on `iat` and `exp`.
pub const LEEWAY_SECS: u64 = 5;
/// The default lifetime of the endorsement a host holding the cluster key makes for itself at
/// start (renewed when half of it has passed).
pub const SELF_ENDORSEMENT_SECS: u64 = 3600;
/// The longest an endorsement may be valid (`exp - iat`) unless `--max-endorsement` or the
/// policy's `max_endorsement` says otherwise: a stolen host key speaks at most this long
/// without a revocation.
pub const DEFAULT_MAX_ENDORSEMENT_SECS: u64 = 24 * 3600;
/// How often a host whose endorsement came from elsewhere reads its source again, once half
/// of the endorsement's life has passed.
pub const RELOAD_EVERY_SECS: u64 = 10;
/// The default lattice name.
pub const DEFAULT_LATTICE: &str = "default";

/// Checks a lattice name: 1 to 64 of `A-Z a-z 0-9 _ -` (it names a JetStream bucket).
pub fn validate_lattice_name(name: &str) -> Result<(), String> {
    if name.is_empty()
        || name.len() > 64
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(format!(
            "'{}' is not a lattice name: use 1 to 64 letters, digits, '_' or '-'",
            Untrusted(name)
        ));
    }
    Ok(())
}

/// Why a message was not delivered. `code()` is stable (stderr, trace, JSON, counters). Text
/// that came from the message is kept raw and escaped by `Display`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LatticeRejection {
    #[error("the message carries no invocation token (no Wzt-Invocation header)")]
    Unsigned,
    #[error("the invocation token is malformed: {}", Untrusted(.0))]
    Malformed(String),
    #[error(
        "the sender's endorsement is signed by the cluster key {}, which this host does not trust (--trusted-cluster)",
        Untrusted(.0)
    )]
    UntrustedCluster(String),
    #[error("the sender's endorsement is not valid: {}", Untrusted(.0))]
    BadEndorsement(String),
    #[error(
        "the endorsement is for host {}, but the invocation is signed by host {}",
        Untrusted(.endorsed),
        Untrusted(.signer)
    )]
    HostNotEndorsed { endorsed: String, signer: String },
    #[error(
        "the invocation's signature does not verify under its host key {}: altered, or signed by another key",
        Untrusted(.0)
    )]
    BadSignature(String),
    #[error(
        "the token was signed for subject {}, but the message arrived on {}",
        Untrusted(.signed),
        Untrusted(.actual)
    )]
    WrongTarget { signed: String, actual: String },
    #[error("the body does not match the SHA-256 digest in the token (changed after signing)")]
    DigestMismatch,
    #[error("the token expired at {exp} (now {now}, leeway {LEEWAY_SECS} s)")]
    Expired { exp: u64, now: u64 },
    #[error("the token is issued at {iat}, in the future (now {now}, leeway {LEEWAY_SECS} s)")]
    NotYetValid { iat: u64, now: u64 },
    #[error("the {what} is valid from {iat} to {exp}: longer than {max} s, or backwards")]
    BadLifetime {
        /// `invocation` or `endorsement`.
        what: &'static str,
        iat: u64,
        exp: u64,
        max: u64,
    },
    #[error("the token {} was used before (a replay)", Untrusted(.0))]
    Replayed(String),
    #[error(
        "the token is for lattice {}, this host is on lattice {}",
        Untrusted(.token),
        Untrusted(.ours)
    )]
    WrongLattice { token: String, ours: String },
    #[error("{}", Untrusted(.0))]
    BadReply(String),
    #[error("the replay check could not be made, so the message is refused: {}", Untrusted(.0))]
    ReplayUnchecked(String),
    #[error(
        "the sender's {} was revoked by the cluster key {}{}",
        Untrusted(.what),
        Untrusted(.cluster),
        .reason.as_deref().map(|r| format!(" ({})", Untrusted(r))).unwrap_or_default()
    )]
    Revoked {
        /// `host N…` or `endorsement JTI`.
        what: String,
        cluster: String,
        reason: Option<String>,
    },
}

impl LatticeRejection {
    /// Every code, in the order the checks run (for counters and docs).
    pub const CODES: [&'static str; 16] = [
        "unsigned",
        "malformed",
        "revoked",
        "untrusted_cluster",
        "bad_endorsement",
        "host_not_endorsed",
        "bad_signature",
        "wrong_lattice",
        "bad_lifetime",
        "not_yet_valid",
        "expired",
        "wrong_target",
        "bad_reply",
        "digest_mismatch",
        "replayed",
        "replay_unchecked",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            LatticeRejection::Unsigned => "unsigned",
            LatticeRejection::Malformed(_) => "malformed",
            LatticeRejection::UntrustedCluster(_) => "untrusted_cluster",
            LatticeRejection::BadEndorsement(_) => "bad_endorsement",
            LatticeRejection::HostNotEndorsed { .. } => "host_not_endorsed",
            LatticeRejection::BadSignature(_) => "bad_signature",
            LatticeRejection::WrongTarget { .. } => "wrong_target",
            LatticeRejection::DigestMismatch => "digest_mismatch",
            LatticeRejection::Expired { .. } => "expired",
            LatticeRejection::NotYetValid { .. } => "not_yet_valid",
            LatticeRejection::BadLifetime { .. } => "bad_lifetime",
            LatticeRejection::Replayed(_) => "replayed",
            LatticeRejection::WrongLattice { .. } => "wrong_lattice",
            LatticeRejection::BadReply(_) => "bad_reply",
            LatticeRejection::ReplayUnchecked(_) => "replay_unchecked",
            LatticeRejection::Revoked { .. } => "revoked",
        }
    }
}

/// Why this host cannot sign, or cannot start on the lattice.
#[derive(Debug, thiserror::Error)]
pub enum LatticeError {
    #[error("{0}")]
    BadLatticeName(String),
    #[error("the {what} must be {} key, but it is {} key", .expected.with_article(), .actual.with_article())]
    WrongRole {
        what: &'static str,
        expected: KeyRole,
        actual: KeyRole,
    },
    #[error("the endorsement cannot be used: {0}")]
    BadEndorsement(LatticeRejection),
    #[error(
        "the endorsement is for host {}, not for this host's key {}; endorse this key with `wzt lattice endorse {}`",
        Untrusted(.endorsed), .host, .host
    )]
    EndorsementForAnotherHost { endorsed: String, host: String },
    #[error(
        "this host's endorsement expired at {0} (seconds since the epoch); it cannot sign until it gets a new one (`wzt lattice endorse`)"
    )]
    EndorsementExpired(u64),
    #[error(
        "the endorsement is valid for {lifetime} s, longer than the maximum {max} s (--max-endorsement, policy max_endorsement); endorse the host again with a shorter --expires"
    )]
    EndorsementTooLong { lifetime: u64, max: u64 },
    #[error("cannot revoke: {0}")]
    BadRevocation(String),
    #[error(transparent)]
    Key(#[from] KeyUseError),
}

/// A host's endorsement, as it holds it.
#[derive(Debug, Clone)]
struct Endorsed {
    raw: String,
    jti: String,
    cluster: String,
    iat: u64,
    exp: u64,
}

/// What a host signs with: its server key, its endorsement and (when it holds it) the cluster
/// key that renews the endorsement.
pub struct Signer {
    host: Key,
    lattice: String,
    cluster: Option<Key>,
    lifetime: u64,
    endorsed: RwLock<Endorsed>,
    /// Where a host without the cluster key gets a newer endorsement, and its name.
    source: Option<(String, EndorsementSource)>,
    max_lifetime: u64,
    /// When the source was last read (seconds since the epoch).
    last_reload: std::sync::atomic::AtomicU64,
}

/// Reads a host's endorsement again (the `--endorsement` file): its text, or why not.
pub type EndorsementSource = Box<dyn Fn() -> Result<String, String> + Send + Sync>;

/// What happened when a host without the cluster key read its endorsement's source again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Renewal {
    /// A newer endorsement for this host: it signs with it from now on.
    Renewed { source: String, until: u64 },
    /// No newer one (or the source failed): the current one is used until it expires.
    NotRenewed {
        source: String,
        why: String,
        expires: u64,
    },
}

/// One message about to be signed.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    pub origin_actor: Option<&'a str>,
    pub target: &'a str,
    pub reply: Option<&'a str>,
    pub in_reply_to: Option<&'a str>,
    pub body: &'a [u8],
}

/// A signed message's token and id, and whether the endorsement was read again for it.
#[derive(Debug, Clone)]
pub struct Signed {
    pub token: String,
    pub jti: String,
    pub renewal: Option<Renewal>,
}

fn role_of(key: &Key, what: &'static str, expected: KeyRole) -> Result<(), LatticeError> {
    if key.role() != expected {
        return Err(LatticeError::WrongRole {
            what,
            expected,
            actual: key.role(),
        });
    }
    Ok(())
}

/// Makes an endorsement: `cluster` says `host` (a server public key) belongs to `lattice`
/// from `now` for `lifetime` seconds.
pub fn endorse(
    cluster: &Key,
    host: &str,
    lattice: &str,
    now: u64,
    lifetime: u64,
) -> Result<String, LatticeError> {
    role_of(cluster, "endorsing key", KeyRole::Cluster)?;
    validate_lattice_name(lattice).map_err(LatticeError::BadLatticeName)?;
    if token::key_of(host, KeyRole::Server).is_none() {
        return Err(LatticeError::BadEndorsement(LatticeRejection::Malformed(
            format!("'{host}' is not a server (host) public key (N…)"),
        )));
    }
    Ok(token::encode_endorsement(
        &EndorsementClaims {
            jti: crate::claims::new_token_id(),
            iat: now,
            exp: now + lifetime,
            iss: cluster.public_key().to_string(),
            sub: host.to_string(),
            wzt: EndorsementScope {
                lattice: lattice.to_string(),
            },
        },
        cluster,
    )?)
}

impl Signer {
    /// A host holding the cluster key: it endorses itself now, for `lifetime` seconds, and
    /// again whenever half of that has passed.
    pub fn with_cluster_key(
        host: Key,
        cluster: Key,
        lattice: &str,
        now: u64,
        lifetime: u64,
    ) -> Result<Signer, LatticeError> {
        role_of(&host, "host key", KeyRole::Server)?;
        let raw = endorse(&cluster, host.public_key(), lattice, now, lifetime)?;
        Ok(Signer {
            endorsed: RwLock::new(Endorsed {
                jti: endorsement_id(&raw),
                raw,
                cluster: cluster.public_key().to_string(),
                iat: now,
                exp: now + lifetime,
            }),
            host,
            lattice: lattice.to_string(),
            cluster: Some(cluster),
            lifetime,
            source: None,
            max_lifetime: lifetime,
            last_reload: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// A host started with an endorsement made elsewhere (`wzt lattice endorse`): it must be
    /// for this host's key and this lattice, correctly signed by a cluster key, valid now, and
    /// valid for at most [`DEFAULT_MAX_ENDORSEMENT_SECS`]. Whether that cluster is trusted is
    /// the receivers' business. It is not renewed.
    pub fn with_endorsement(
        host: Key,
        endorsement: &str,
        lattice: &str,
        now: u64,
    ) -> Result<Signer, LatticeError> {
        Signer::from_endorsement(
            host,
            endorsement,
            lattice,
            now,
            DEFAULT_MAX_ENDORSEMENT_SECS,
            None,
        )
    }

    /// The same, valid for at most `max_lifetime`, and read again from `source` (named
    /// `source_name`) once half of its life has passed, at most every [`RELOAD_EVERY_SECS`]:
    /// a newer valid endorsement for this host found there replaces it.
    pub fn with_endorsement_source(
        host: Key,
        source_name: &str,
        source: EndorsementSource,
        lattice: &str,
        now: u64,
        max_lifetime: u64,
    ) -> Result<Signer, LatticeError> {
        let endorsement = source()
            .map_err(|why| LatticeError::BadEndorsement(LatticeRejection::BadEndorsement(why)))?;
        Signer::from_endorsement(
            host,
            &endorsement,
            lattice,
            now,
            max_lifetime,
            Some((source_name.to_string(), source)),
        )
    }

    fn from_endorsement(
        host: Key,
        endorsement: &str,
        lattice: &str,
        now: u64,
        max_lifetime: u64,
        source: Option<(String, EndorsementSource)>,
    ) -> Result<Signer, LatticeError> {
        role_of(&host, "host key", KeyRole::Server)?;
        validate_lattice_name(lattice).map_err(LatticeError::BadLatticeName)?;
        let checked = own_endorsement(&host, endorsement, lattice, now, max_lifetime)?;
        Ok(Signer {
            endorsed: RwLock::new(checked),
            host,
            lattice: lattice.to_string(),
            cluster: None,
            lifetime: 0,
            source,
            max_lifetime,
            last_reload: std::sync::atomic::AtomicU64::new(0),
        })
    }

    pub fn host_key(&self) -> &str {
        self.host.public_key()
    }

    pub fn lattice(&self) -> &str {
        &self.lattice
    }

    /// The cluster key that endorsed this host.
    pub fn cluster_key(&self) -> String {
        self.endorsed
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .cluster
            .clone()
    }

    /// When the current endorsement expires.
    pub fn endorsement_expires(&self) -> u64 {
        self.endorsed.read().unwrap_or_else(|e| e.into_inner()).exp
    }

    /// The current endorsement's id (what `wzt lattice revoke ENDORSEMENT_ID` names).
    pub fn endorsement_id(&self) -> String {
        self.endorsed
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .jti
            .clone()
    }

    /// Whether `revocation` names this host's key or its current endorsement.
    pub fn is_revoked_by(&self, revocation: &revocation::CheckedRevocation) -> bool {
        revocation.subject == self.host.public_key() || revocation.subject == self.endorsement_id()
    }

    /// Whether the endorsement is renewed by this host.
    pub fn renews(&self) -> bool {
        self.cluster.is_some()
    }

    /// How the endorsement is renewed, for the startup block.
    pub fn describe_renewal(&self) -> String {
        match (&self.cluster, &self.source) {
            (Some(_), _) => "renewed while running".into(),
            (None, Some((name, _))) => format!("read again from {name} after half its life"),
            (None, None) => "not renewed".into(),
        }
    }

    /// Reads the source again when half of the endorsement's life has passed (and the last
    /// read is [`RELOAD_EVERY_SECS`] old): a newer endorsement for this host replaces the
    /// current one.
    fn reload(&self, now: u64) -> Option<Renewal> {
        use std::sync::atomic::Ordering;
        let (name, source) = self.source.as_ref()?;
        let (iat, exp) = {
            let current = self.endorsed.read().unwrap_or_else(|e| e.into_inner());
            (current.iat, current.exp)
        };
        let last = self.last_reload.load(Ordering::Relaxed);
        if now < iat + (exp - iat) / 2
            || now < last + RELOAD_EVERY_SECS
            || self
                .last_reload
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return None;
        }
        let not_renewed = |why: String| Renewal::NotRenewed {
            source: name.clone(),
            why,
            expires: exp,
        };
        let text = match source() {
            Ok(text) => text,
            Err(why) => return Some(not_renewed(why)),
        };
        match own_endorsement(&self.host, &text, &self.lattice, now, self.max_lifetime) {
            Ok(newer) if newer.exp > exp => {
                let until = newer.exp;
                *self.endorsed.write().unwrap_or_else(|e| e.into_inner()) = newer;
                Some(Renewal::Renewed {
                    source: name.clone(),
                    until,
                })
            }
            Ok(_) => Some(not_renewed("it holds no newer endorsement".into())),
            Err(e) => Some(not_renewed(e.to_string())),
        }
    }

    /// The endorsement to send with a message signed `now`, renewed first when this host holds
    /// the cluster key and half of the endorsement's life has passed.
    fn endorsement(&self, now: u64) -> Result<String, LatticeError> {
        {
            let current = self.endorsed.read().unwrap_or_else(|e| e.into_inner());
            let fresh = match &self.cluster {
                Some(_) => now + self.lifetime / 2 < current.exp,
                None => now < current.exp,
            };
            if fresh {
                return Ok(current.raw.clone());
            }
            if self.cluster.is_none() {
                return Err(LatticeError::EndorsementExpired(current.exp));
            }
        }
        let cluster = self.cluster.as_ref().expect("checked above");
        let raw = endorse(
            cluster,
            self.host.public_key(),
            &self.lattice,
            now,
            self.lifetime,
        )?;
        let mut current = self.endorsed.write().unwrap_or_else(|e| e.into_inner());
        *current = Endorsed {
            jti: endorsement_id(&raw),
            raw: raw.clone(),
            cluster: cluster.public_key().to_string(),
            iat: now,
            exp: now + self.lifetime,
        };
        Ok(raw)
    }

    /// Signs one message at `now`, valid for [`INVOCATION_LIFETIME_SECS`].
    pub fn sign(&self, message: Outgoing<'_>, now: u64) -> Result<Signed, LatticeError> {
        let renewal = self.reload(now);
        let endorsement = self.endorsement(now)?;
        let jti = crate::claims::new_token_id();
        let claims = InvocationClaims {
            jti: jti.clone(),
            iat: now,
            exp: now + INVOCATION_LIFETIME_SECS,
            iss: self.host.public_key().to_string(),
            wzt: InvocationBody {
                lattice: self.lattice.clone(),
                origin: Origin {
                    actor: message.origin_actor.map(str::to_string),
                    host: self.host.public_key().to_string(),
                },
                target: message.target.to_string(),
                reply: message.reply.map(str::to_string),
                in_reply_to: message.in_reply_to.map(str::to_string),
                digest: token::digest_of(message.body),
                endorsement,
            },
        };
        Ok(Signed {
            token: token::encode_invocation(&claims, &self.host)?,
            jti,
            renewal,
        })
    }
}

/// Checks an endorsement a host is given for itself: signed by a cluster key (trusted or not:
/// the receivers decide), for this host and lattice, valid now, for at most `max_lifetime`.
fn own_endorsement(
    host: &Key,
    endorsement: &str,
    lattice: &str,
    now: u64,
    max_lifetime: u64,
) -> Result<Endorsed, LatticeError> {
    let endorsement = endorsement.trim();
    let checked =
        check_endorsement(endorsement, None, lattice, now, max_lifetime).map_err(|rejection| {
            match rejection {
                LatticeRejection::BadLifetime { iat, exp, max, .. } => {
                    LatticeError::EndorsementTooLong {
                        lifetime: exp.saturating_sub(iat),
                        max,
                    }
                }
                other => LatticeError::BadEndorsement(other),
            }
        })?;
    if checked.sub != host.public_key() {
        return Err(LatticeError::EndorsementForAnotherHost {
            endorsed: checked.sub,
            host: host.public_key().to_string(),
        });
    }
    Ok(Endorsed {
        raw: endorsement.to_string(),
        jti: checked.jti,
        cluster: checked.iss,
        iat: checked.iat,
        exp: checked.exp,
    })
}

/// The id (`jti`) of an endorsement, to revoke it by; empty when it does not read.
pub fn endorsement_id(raw: &str) -> String {
    token::parse::<EndorsementClaims>(raw)
        .map(|p| p.claims.jti)
        .unwrap_or_default()
}

/// An endorsement whose signature checked.
#[derive(Debug, Clone)]
struct CheckedEndorsement {
    jti: String,
    iss: String,
    sub: String,
    /// `sub` as a curve point, decompressed once: every invocation the host signs is checked
    /// under it.
    host_key: ed25519_dalek::VerifyingKey,
    iat: u64,
    exp: u64,
}

/// Reads an endorsement and checks, in order: well formed; issued by a cluster key; that key
/// trusted (when `trusted` is given); the signature; valid for at most `max_lifetime`; the
/// lattice; the times.
fn check_endorsement(
    raw: &str,
    trusted: Option<&[String]>,
    lattice: &str,
    now: u64,
    max_lifetime: u64,
) -> Result<CheckedEndorsement, LatticeRejection> {
    let parsed = token::parse::<EndorsementClaims>(raw)
        .map_err(|e| LatticeRejection::BadEndorsement(e.to_string()))?;
    let claims = parsed.claims;
    let Some(cluster) = token::key_of(&claims.iss, KeyRole::Cluster) else {
        return Err(LatticeRejection::BadEndorsement(format!(
            "its issuer '{}' is not a cluster key (C…)",
            claims.iss
        )));
    };
    let Some(host) = token::key_of(&claims.sub, KeyRole::Server) else {
        return Err(LatticeRejection::BadEndorsement(format!(
            "its subject '{}' is not a server key (N…)",
            claims.sub
        )));
    };
    if let Some(trusted) = trusted
        && !trusted.contains(&claims.iss)
    {
        return Err(LatticeRejection::UntrustedCluster(claims.iss));
    }
    parsed
        .jws
        .verify(&cluster)
        .map_err(|_| LatticeRejection::BadEndorsement(TokenError::BadSignature.to_string()))?;
    if claims.exp < claims.iat || claims.exp - claims.iat > max_lifetime {
        return Err(LatticeRejection::BadLifetime {
            what: "endorsement",
            iat: claims.iat,
            exp: claims.exp,
            max: max_lifetime,
        });
    }
    endorsement_in_force(&claims.wzt.lattice, claims.iat, claims.exp, lattice, now)?;
    let host_key = ed25519_dalek::VerifyingKey::from_bytes(&host).map_err(|_| {
        LatticeRejection::BadEndorsement(format!(
            "its subject '{}' is not a valid ed25519 public key",
            claims.sub
        ))
    })?;
    Ok(CheckedEndorsement {
        jti: claims.jti,
        iss: claims.iss,
        sub: claims.sub,
        host_key,
        iat: claims.iat,
        exp: claims.exp,
    })
}

fn endorsement_in_force(
    token_lattice: &str,
    iat: u64,
    exp: u64,
    lattice: &str,
    now: u64,
) -> Result<(), LatticeRejection> {
    if token_lattice != lattice {
        return Err(LatticeRejection::WrongLattice {
            token: token_lattice.to_string(),
            ours: lattice.to_string(),
        });
    }
    if iat > now + LEEWAY_SECS {
        return Err(LatticeRejection::BadEndorsement(format!(
            "it is issued at {iat}, in the future (now {now})"
        )));
    }
    if now > exp + LEEWAY_SECS {
        return Err(LatticeRejection::BadEndorsement(format!(
            "it expired at {exp} (now {now})"
        )));
    }
    Ok(())
}

/// Endorsements whose signature was checked, by their text (bounded; cleared when full).
const ENDORSEMENT_CACHE: usize = 1024;

/// What a receiving host trusts: its lattice and the cluster keys whose endorsements count.
pub struct Trust {
    lattice: String,
    clusters: Vec<String>,
    checked: Mutex<HashMap<String, CheckedEndorsement>>,
    revocations: revocation::RevocationList,
    max_endorsement: u64,
}

impl Trust {
    /// `clusters` are cluster public keys (`C…`); anything else is refused.
    pub fn new(lattice: &str, clusters: Vec<String>) -> Result<Trust, LatticeError> {
        validate_lattice_name(lattice).map_err(LatticeError::BadLatticeName)?;
        for c in &clusters {
            match crate::keys::parse_public_key(c) {
                Ok((KeyRole::Cluster, _)) => {}
                Ok((actual, _)) => {
                    return Err(LatticeError::WrongRole {
                        what: "trusted cluster",
                        expected: KeyRole::Cluster,
                        actual,
                    });
                }
                Err(e) => {
                    return Err(LatticeError::BadEndorsement(LatticeRejection::Malformed(
                        e.to_string(),
                    )));
                }
            }
        }
        Ok(Trust {
            lattice: lattice.to_string(),
            clusters,
            checked: Mutex::new(HashMap::new()),
            revocations: revocation::RevocationList::default(),
            max_endorsement: DEFAULT_MAX_ENDORSEMENT_SECS,
        })
    }

    pub fn lattice(&self) -> &str {
        &self.lattice
    }

    pub fn clusters(&self) -> &[String] {
        &self.clusters
    }

    /// Accept endorsements valid for at most `secs` (instead of
    /// [`DEFAULT_MAX_ENDORSEMENT_SECS`]); longer ones are `bad_lifetime`.
    pub fn with_max_endorsement(mut self, secs: u64) -> Trust {
        self.max_endorsement = secs;
        self
    }

    pub fn max_endorsement(&self) -> u64 {
        self.max_endorsement
    }

    /// The host keys and endorsements known to be revoked.
    pub fn revocations(&self) -> &revocation::RevocationList {
        &self.revocations
    }

    /// Checks an endorsement, from the cache of checked signatures when it was seen before
    /// (its lattice and times are checked again every time).
    fn endorsement(&self, raw: &str, now: u64) -> Result<CheckedEndorsement, LatticeRejection> {
        if let Some(checked) = self
            .checked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(raw)
        {
            // Only endorsements for this lattice are cached.
            endorsement_in_force(&self.lattice, checked.iat, checked.exp, &self.lattice, now)?;
            return Ok(checked.clone());
        }
        let checked = check_endorsement(
            raw,
            Some(&self.clusters),
            &self.lattice,
            now,
            self.max_endorsement,
        )?;
        let mut cache = self.checked.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= ENDORSEMENT_CACHE {
            cache.clear();
        }
        cache.insert(raw.to_string(), checked.clone());
        Ok(checked)
    }
}

/// What arrived: the subject, the reply subject, the invocation header's values and the body.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    pub subject: &'a str,
    pub reply: Option<&'a str>,
    /// Every value of the `Wzt-Invocation` header (more than one is malformed).
    pub tokens: &'a [&'a str],
    pub body: &'a [u8],
}

/// A token whose every check except the replay check passed.
pub(crate) struct Valid {
    claims: InvocationClaims,
    cluster: String,
}

/// A token read whose cheap checks passed: its signature and endorsement not checked yet.
struct Prechecked<'a> {
    jws: crate::claims::Jws<'a>,
    claims: InvocationClaims,
}

/// The checks that cost no signature, in this order: a token; well formed (one header, a JWS,
/// the claims, `iss` a server key, `origin.host` = `iss`, `jti` a token id); the lattice; the
/// times; the subject; the reply subject. A flood of anything but valid tokens stops here.
fn precheck<'a>(
    incoming: &Incoming<'a>,
    trust: &Trust,
    now: u64,
) -> Result<Prechecked<'a>, LatticeRejection> {
    let raw = match incoming.tokens {
        [] => return Err(LatticeRejection::Unsigned),
        [one] => *one,
        _ => {
            return Err(LatticeRejection::Malformed(
                "the message has more than one Wzt-Invocation header".into(),
            ));
        }
    };
    let parsed = token::parse::<InvocationClaims>(raw)
        .map_err(|e| LatticeRejection::Malformed(e.to_string()))?;
    let claims = parsed.claims;
    if token::key_of(&claims.iss, KeyRole::Server).is_none() {
        return Err(LatticeRejection::Malformed(format!(
            "its issuer '{}' is not a server (host) key (N…)",
            claims.iss
        )));
    }
    if claims.wzt.origin.host != claims.iss {
        return Err(LatticeRejection::Malformed(format!(
            "its origin host '{}' is not its issuer",
            claims.wzt.origin.host
        )));
    }
    if !token::is_token_id(&claims.jti) {
        return Err(LatticeRejection::Malformed(format!(
            "its id '{}' is not a wzt token id (26 base32 characters)",
            claims.jti
        )));
    }
    if claims.wzt.lattice != trust.lattice {
        return Err(LatticeRejection::WrongLattice {
            token: claims.wzt.lattice,
            ours: trust.lattice.clone(),
        });
    }
    let (iat, exp) = (claims.iat, claims.exp);
    if exp < iat || exp - iat > MAX_LIFETIME_SECS {
        return Err(LatticeRejection::BadLifetime {
            what: "invocation",
            iat,
            exp,
            max: MAX_LIFETIME_SECS,
        });
    }
    if iat > now + LEEWAY_SECS {
        return Err(LatticeRejection::NotYetValid { iat, now });
    }
    if now > exp + LEEWAY_SECS {
        return Err(LatticeRejection::Expired { exp, now });
    }
    if claims.wzt.target != incoming.subject {
        return Err(LatticeRejection::WrongTarget {
            signed: claims.wzt.target,
            actual: incoming.subject.to_string(),
        });
    }
    if claims.wzt.reply.as_deref() != incoming.reply {
        return Err(LatticeRejection::BadReply(format!(
            "the message's reply subject {} is not the one signed ({})",
            incoming.reply.unwrap_or("(none)"),
            claims.wzt.reply.as_deref().unwrap_or("none")
        )));
    }
    Ok(Prechecked {
        jws: parsed.jws,
        claims,
    })
}

/// Every check but the replay check and the host's own (its set of claimed ids, a request's
/// answer), in the host's order: [`precheck`], then [`authenticate`]. What the fuzz oracle
/// judges.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn check(
    incoming: &Incoming<'_>,
    trust: &Trust,
    now: u64,
) -> Result<Valid, LatticeRejection> {
    let pre = precheck(incoming, trust, now)?;
    authenticate(pre, incoming, trust, now)
}

/// The checks that prove who sent it, after [`precheck`] and the caller's own cheap checks:
/// the host not revoked; its endorsement (trusted cluster, signature, lifetime, lattice,
/// times) and not revoked; endorsed for the signing host; the invocation's signature; the
/// digest of the body.
fn authenticate(
    pre: Prechecked<'_>,
    incoming: &Incoming<'_>,
    trust: &Trust,
    now: u64,
) -> Result<Valid, LatticeRejection> {
    let Prechecked { jws, claims } = pre;
    // A revoked host is refused whatever its endorsement (a hash lookup).
    trust
        .revocations
        .check(revocation::RevokedKind::Host, &claims.iss)?;
    let endorsement = trust.endorsement(&claims.wzt.endorsement, now)?;
    trust
        .revocations
        .check(revocation::RevokedKind::Endorsement, &endorsement.jti)?;
    if endorsement.sub != claims.iss {
        return Err(LatticeRejection::HostNotEndorsed {
            endorsed: endorsement.sub,
            signer: claims.iss,
        });
    }
    // The endorsed key is the signer's (just checked), already decompressed.
    jws.verify_with(&endorsement.host_key)
        .map_err(|_| LatticeRejection::BadSignature(claims.iss.clone()))?;
    if claims.wzt.digest != token::digest_of(incoming.body) {
        return Err(LatticeRejection::DigestMismatch);
    }
    Ok(Valid {
        claims,
        cluster: endorsement.iss,
    })
}

/// A message that passed every check, replay included. Its fields are private and only
/// [`verify_invocation`] and [`verify_reply`] build one: the host delivers nothing else to an
/// actor's handler.
///
/// ```compile_fail
/// let forged = wzt::lattice::CheckedInvocation {
///     subject: "greet".into(), reply: None, body: Vec::new(), jti: String::new(),
///     origin_actor: None, host: String::new(), cluster: String::new(), exp: 0,
/// };
/// ```
#[derive(Debug, Clone)]
pub struct CheckedInvocation {
    subject: String,
    reply: Option<String>,
    body: Vec<u8>,
    jti: String,
    origin_actor: Option<String>,
    host: String,
    cluster: String,
    exp: u64,
}

impl CheckedInvocation {
    fn from_valid(valid: Valid, body: &[u8]) -> CheckedInvocation {
        let Valid { claims, cluster } = valid;
        CheckedInvocation {
            subject: claims.wzt.target,
            reply: claims.wzt.reply,
            body: body.to_vec(),
            jti: claims.jti,
            origin_actor: claims.wzt.origin.actor,
            host: claims.iss,
            cluster,
            exp: claims.exp,
        }
    }

    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Where a reply goes (a request).
    pub fn reply(&self) -> Option<&str> {
        self.reply.as_deref()
    }

    pub fn body(&self) -> &[u8] {
        &self.body
    }

    pub fn into_body(self) -> Vec<u8> {
        self.body
    }

    pub fn jti(&self) -> &str {
        &self.jti
    }

    /// The sending actor's subject key, when the sender named one.
    pub fn origin_actor(&self) -> Option<&str> {
        self.origin_actor.as_deref()
    }

    /// The sending host's server key.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The cluster key that endorsed the sending host.
    pub fn cluster(&self) -> &str {
        &self.cluster
    }

    pub fn expires(&self) -> u64 {
        self.exp
    }
}

/// Checks a message that arrived on a subscription: every check of [`check`], then that it is
/// not a reply, then the replay check.
#[cfg(feature = "runtime")]
pub async fn verify_invocation(
    incoming: &Incoming<'_>,
    trust: &Trust,
    replay: &ReplayGuard,
    now: u64,
) -> Result<CheckedInvocation, LatticeRejection> {
    let pre = precheck(incoming, trust, now)?;
    if let Some(request) = &pre.claims.wzt.in_reply_to {
        return Err(LatticeRejection::BadReply(format!(
            "a reply (to {}) arrived as a new message on {}",
            request, incoming.subject
        )));
    }
    // An id this host already took is a replay whatever the rest says: no signature checked.
    replay.seen_here(&pre.claims.jti)?;
    let valid = authenticate(pre, incoming, trust, now)?;
    replay
        .claim(&valid.claims.jti, &valid.claims.iss, valid.claims.exp, now)
        .await?;
    Ok(CheckedInvocation::from_valid(valid, incoming.body))
}

/// A request of this host waiting for its reply; the reply's replay check.
///
/// A reply is signed for this host's inbox subject (`target`, checked against the subject it
/// arrived on) and names the one request it answers (`in_reply_to`, a unique id), so no other
/// requester, here or on another host, can accept it: the waiting request is the only place
/// it can be delivered, and it takes one reply. That makes the check lattice-wide without a
/// JetStream claim (one claim per round trip, the request's, instead of two): the first reply
/// that passes every check answers; the same reply again is `replayed`; another signed reply
/// after it (a second responder) is ignored.
#[derive(Debug)]
pub struct AwaitedReply {
    request_jti: String,
    answered_by: Mutex<Option<String>>,
}

impl AwaitedReply {
    pub fn new(request_jti: String) -> AwaitedReply {
        AwaitedReply {
            request_jti,
            answered_by: Mutex::new(None),
        }
    }

    pub fn request_jti(&self) -> &str {
        &self.request_jti
    }
}

/// What a reply that passed its checks is to the request waiting for it.
#[derive(Debug)]
pub enum ReplyVerdict {
    /// The answer: the first reply that passed every check.
    Answer(CheckedInvocation),
    /// A signed reply after the request was answered by another one (a second responder):
    /// not delivered, not an attack.
    AlreadyAnswered,
}

/// Checks a reply that arrived on this host's inbox for the request `awaited`: every check of
/// [`check`] (so its target is this inbox), then that it answers exactly that request, then
/// that the request has not taken this reply before (see [`AwaitedReply`]).
pub fn verify_reply(
    incoming: &Incoming<'_>,
    awaited: &AwaitedReply,
    trust: &Trust,
    now: u64,
) -> Result<ReplyVerdict, LatticeRejection> {
    let pre = precheck(incoming, trust, now)?;
    if pre.claims.wzt.in_reply_to.as_deref() != Some(awaited.request_jti.as_str()) {
        return Err(LatticeRejection::BadReply(format!(
            "the reply answers {} instead of this request ({})",
            pre.claims
                .wzt
                .in_reply_to
                .as_deref()
                .unwrap_or("no request"),
            awaited.request_jti
        )));
    }
    // Once answered, the request takes nothing more: the same reply again is a replay, any
    // other is ignored, neither with a signature checked.
    match awaited_answer(awaited, &pre.claims.jti) {
        Some(Ok(())) => {}
        Some(Err(rejection)) => return Err(rejection),
        None => return Ok(ReplyVerdict::AlreadyAnswered),
    }
    let valid = authenticate(pre, incoming, trust, now)?;
    let mut answered_by = awaited
        .answered_by
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    match answered_by.as_deref() {
        Some(jti) if jti == valid.claims.jti => Err(LatticeRejection::Replayed(valid.claims.jti)),
        Some(_) => Ok(ReplyVerdict::AlreadyAnswered),
        None => {
            *answered_by = Some(valid.claims.jti.clone());
            Ok(ReplyVerdict::Answer(CheckedInvocation::from_valid(
                valid,
                incoming.body,
            )))
        }
    }
}

/// Whether `awaited` can still take the reply `jti`: `Some(Ok)` when it waits, `Some(Err)`
/// when it took this very reply (a replay), `None` when another reply answered it.
fn awaited_answer(awaited: &AwaitedReply, jti: &str) -> Option<Result<(), LatticeRejection>> {
    match awaited
        .answered_by
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_deref()
    {
        None => Some(Ok(())),
        Some(taken) if taken == jti => Some(Err(LatticeRejection::Replayed(jti.to_string()))),
        Some(_) => None,
    }
}

#[cfg(all(test, feature = "runtime"))]
mod tests;
