//! Revocation, lattice-wide (docs/design.md §13, "Revocation"): a cluster key signs that a
//! host key, or one endorsement, no longer speaks for the lattice; the revocation is stored in
//! the lattice's JetStream key-value bucket `wzt_revoked_<lattice>` (one entry per revocation,
//! under its own `jti`, kept forever) and every host applies it as it is published. A host's
//! messages are then dropped with `revoked` by every host.
//!
//! A revocation is evidence on its own (signed by a trusted cluster key, for this lattice):
//! wherever it comes from, the stored bucket or a live message on the bucket's subjects, it is
//! checked the same way, and one that fails is ignored and counted.

use std::collections::HashMap;
use std::sync::RwLock;

#[cfg(feature = "runtime")]
use super::connection::NatsConnection;
#[cfg(feature = "runtime")]
use super::kv;
use super::token::{self, RevocationClaims, RevocationScope};
use super::{LatticeError, LatticeRejection};
use crate::keys::{Key, KeyRole};

/// The longest reason a revocation carries (characters).
pub const MAX_REASON_CHARS: usize = 200;
/// The largest stored revocation (bytes): a token with the longest reason fits.
pub(super) const MAX_REVOCATION_BYTES: u64 = 4096;
/// The most the revocation bucket may hold on the server.
#[cfg(feature = "runtime")]
pub(super) const MAX_BUCKET_BYTES: u64 = 16 << 20;
/// The most revocations read from the bucket at start (its size bounds them too).
#[cfg(feature = "runtime")]
pub(super) const MAX_STORED: u64 = 100_000;

/// The revocation bucket of a lattice.
pub fn bucket_name(lattice: &str) -> String {
    format!("wzt_revoked_{lattice}")
}

/// What a revocation names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokedKind {
    /// A host's server key: every endorsement of it.
    Host,
    /// One endorsement, by its `jti`.
    Endorsement,
}

impl RevokedKind {
    /// `host` or `endorsement`.
    pub fn as_str(self) -> &'static str {
        match self {
            RevokedKind::Host => "host",
            RevokedKind::Endorsement => "endorsement",
        }
    }

    /// What `subject` is: a server key (`N…`) or a token id; `None` for anything else.
    pub fn of(subject: &str) -> Option<RevokedKind> {
        if token::key_of(subject, KeyRole::Server).is_some() {
            Some(RevokedKind::Host)
        } else if token::is_token_id(subject) {
            Some(RevokedKind::Endorsement)
        } else {
            None
        }
    }
}

/// A revocation made here: its token (the value to store) and id (its key in the bucket).
#[derive(Debug, Clone)]
pub struct Revocation {
    pub token: String,
    pub jti: String,
    pub subject: String,
    pub kind: RevokedKind,
}

/// Makes a revocation: `cluster` says `subject` (a server key `N…` or an endorsement id) no
/// longer speaks for `lattice`, for `reason`.
pub fn revoke(
    cluster: &Key,
    subject: &str,
    lattice: &str,
    reason: Option<&str>,
    now: u64,
) -> Result<Revocation, LatticeError> {
    if cluster.role() != KeyRole::Cluster {
        return Err(LatticeError::WrongRole {
            what: "revoking key",
            expected: KeyRole::Cluster,
            actual: cluster.role(),
        });
    }
    super::validate_lattice_name(lattice).map_err(LatticeError::BadLatticeName)?;
    let kind = RevokedKind::of(subject).ok_or_else(|| {
        LatticeError::BadRevocation(format!(
            "'{}' is neither a host's server key (N…) nor an endorsement id (26 characters, `wzt lattice endorse --json` prints it as jti)",
            crate::text::Untrusted(subject)
        ))
    })?;
    if let Some(reason) = reason
        && reason.chars().count() > MAX_REASON_CHARS
    {
        return Err(LatticeError::BadRevocation(format!(
            "the reason is longer than {MAX_REASON_CHARS} characters"
        )));
    }
    let jti = crate::claims::new_token_id();
    let token = token::encode_revocation(
        &RevocationClaims {
            jti: jti.clone(),
            iat: now,
            iss: cluster.public_key().to_string(),
            sub: subject.to_string(),
            wzt: RevocationScope {
                lattice: lattice.to_string(),
                reason: reason.map(str::to_string),
            },
        },
        cluster,
    )?;
    Ok(Revocation {
        token,
        jti,
        subject: subject.to_string(),
        kind,
    })
}

/// A revocation whose every check passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedRevocation {
    pub jti: String,
    pub subject: String,
    pub kind: RevokedKind,
    /// The cluster key that signed it.
    pub cluster: String,
    pub reason: Option<String>,
    pub issued: u64,
}

/// Checks a revocation found under `key` in the bucket (or published on its subject): at most
/// [`MAX_REVOCATION_BYTES`]; a JWS with an accepted header; the claims above, nothing else; its
/// `jti` a token id and the key it is stored under; `iss` a cluster key that `trusted` holds;
/// the signature; the lattice; `sub` a server key or an endorsement id; the reason at most
/// [`MAX_REASON_CHARS`]. The error says why it is ignored.
pub fn check_revocation(
    value: &[u8],
    key: &str,
    trusted: &[String],
    lattice: &str,
) -> Result<CheckedRevocation, String> {
    if value.len() as u64 > MAX_REVOCATION_BYTES {
        return Err(format!("it is larger than {MAX_REVOCATION_BYTES} bytes"));
    }
    let raw = std::str::from_utf8(value).map_err(|_| "it is not text".to_string())?;
    let parsed = token::parse::<RevocationClaims>(raw.trim()).map_err(|e| e.to_string())?;
    let claims = parsed.claims;
    if !token::is_token_id(&claims.jti) || claims.jti != key {
        return Err(format!(
            "its id '{}' is not the key it is stored under",
            claims.jti
        ));
    }
    let Some(cluster) = token::key_of(&claims.iss, KeyRole::Cluster) else {
        return Err(format!(
            "its issuer '{}' is not a cluster key (C…)",
            claims.iss
        ));
    };
    if !trusted.contains(&claims.iss) {
        return Err(format!(
            "it is signed by the cluster key {}, which this host does not trust",
            claims.iss
        ));
    }
    parsed
        .jws
        .verify(&cluster)
        .map_err(|_| "its signature does not verify under its issuer's key".to_string())?;
    if claims.wzt.lattice != lattice {
        return Err(format!(
            "it is for lattice '{}', not '{lattice}'",
            claims.wzt.lattice
        ));
    }
    let kind = RevokedKind::of(&claims.sub).ok_or_else(|| {
        format!(
            "its subject '{}' is neither a server key nor an endorsement id",
            claims.sub
        )
    })?;
    if claims
        .wzt
        .reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > MAX_REASON_CHARS)
    {
        return Err(format!(
            "its reason is longer than {MAX_REASON_CHARS} characters"
        ));
    }
    Ok(CheckedRevocation {
        jti: claims.jti,
        subject: claims.sub,
        kind,
        cluster: claims.iss,
        reason: claims.wzt.reason,
        issued: claims.iat,
    })
}

/// What a host knows is revoked: host keys and endorsement ids, with who revoked them and why.
#[derive(Debug, Default)]
pub struct RevocationList {
    revoked: RwLock<HashMap<String, (String, Option<String>)>>,
}

impl RevocationList {
    /// Records a checked revocation; `true` when it was not known yet.
    pub fn insert(&self, revocation: &CheckedRevocation) -> bool {
        let mut revoked = self.revoked.write().unwrap_or_else(|e| e.into_inner());
        if revoked.contains_key(&revocation.subject) {
            return false;
        }
        revoked.insert(
            revocation.subject.clone(),
            (revocation.cluster.clone(), revocation.reason.clone()),
        );
        true
    }

    /// `revoked` when `subject` (a host key or an endorsement id) is revoked.
    pub fn check(&self, kind: RevokedKind, subject: &str) -> Result<(), LatticeRejection> {
        let revoked = self.revoked.read().unwrap_or_else(|e| e.into_inner());
        match revoked.get(subject) {
            None => Ok(()),
            Some((cluster, reason)) => Err(LatticeRejection::Revoked {
                what: format!("{} {subject}", kind.as_str()),
                cluster: cluster.clone(),
                reason: reason.clone(),
            }),
        }
    }

    pub fn len(&self) -> usize {
        self.revoked.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(feature = "runtime")]
/// The revocation bucket's settings: entries kept forever, never deleted or replaced.
pub(super) fn bucket_spec(bucket: &str) -> kv::BucketSpec<'_> {
    kv::BucketSpec {
        name: bucket,
        description: "wzt lattice revocations (cluster-signed)",
        max_age: None,
        max_bytes: MAX_BUCKET_BYTES,
        max_msg_size: MAX_REVOCATION_BYTES,
    }
}

#[cfg(feature = "runtime")]
/// Where published revocations went.
#[derive(Debug)]
pub enum Published {
    /// Stored in the bucket: every host has them, also those that start later.
    Stored { bucket: String },
    /// The server has no JetStream: the hosts connected now received them, nothing kept them.
    NotStored { why: String },
}

#[cfg(feature = "runtime")]
/// Publishes `revocations` on the lattice: each is stored in the lattice's bucket under its
/// own id (a create-only put; hosts apply it as it is published).
pub async fn publish(
    connection: &NatsConnection,
    lattice: &str,
    revocations: &[Revocation],
) -> anyhow::Result<Published> {
    let client = super::node::connect_client(connection, "wzt lattice revoke").await?;
    let bucket = bucket_name(lattice);
    match kv::ensure_bucket(&client, &bucket_spec(&bucket)).await {
        Ok(()) => {}
        Err(kv::BucketSetupError::Refused(why)) => {
            anyhow::bail!("cannot store revocations: {why}")
        }
        Err(kv::BucketSetupError::NoJetStream(why)) => {
            for r in revocations {
                client
                    .publish(format!("$KV.{bucket}.{}", r.jti), r.token.clone().into())
                    .await
                    .map_err(|e| anyhow::anyhow!("cannot publish the revocation: {e}"))?;
            }
            client
                .flush()
                .await
                .map_err(|e| anyhow::anyhow!("cannot publish the revocation: {e}"))?;
            return Ok(Published::NotStored { why });
        }
    }
    for r in revocations {
        match kv::create(&client, &bucket, &r.jti, r.token.clone().into())
            .await
            .map_err(|why| anyhow::anyhow!("cannot store the revocation of {}: {why}", r.subject))?
        {
            kv::Put::Stored => {}
            kv::Put::Exists => anyhow::bail!(
                "cannot store the revocation of {}: its id {} is taken in {bucket}",
                r.subject,
                r.jti
            ),
        }
    }
    Ok(Published::Stored { bucket })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (Key, Vec<String>, String) {
        let cluster = Key::generate(KeyRole::Cluster);
        let trusted = vec![cluster.public_key().to_string()];
        let host = Key::generate(KeyRole::Server).public_key().to_string();
        (cluster, trusted, host)
    }

    #[test]
    fn a_revocation_signed_by_a_trusted_cluster_revokes() {
        let (cluster, trusted, host) = setup();
        let r = revoke(&cluster, &host, "default", Some("key stolen"), 100).unwrap();
        assert_eq!(r.kind, RevokedKind::Host);
        let checked = check_revocation(r.token.as_bytes(), &r.jti, &trusted, "default").unwrap();
        assert_eq!(checked.subject, host);
        assert_eq!(checked.reason.as_deref(), Some("key stolen"));
        let list = RevocationList::default();
        assert!(list.check(RevokedKind::Host, &host).is_ok());
        assert!(list.insert(&checked));
        assert!(!list.insert(&checked));
        let err = list.check(RevokedKind::Host, &host).unwrap_err();
        assert_eq!(err.code(), "revoked");
        assert!(err.to_string().contains("key stolen"), "{err}");
        // An endorsement id is revoked the same way.
        let id = crate::claims::new_token_id();
        let r = revoke(&cluster, &id, "default", None, 100).unwrap();
        assert_eq!(r.kind, RevokedKind::Endorsement);
    }

    #[test]
    fn forged_moved_or_foreign_revocations_are_ignored() {
        let (cluster, trusted, host) = setup();
        let r = revoke(&cluster, &host, "default", None, 100).unwrap();
        // Signed by a cluster nobody trusts.
        let stranger = Key::generate(KeyRole::Cluster);
        let forged = revoke(&stranger, &host, "default", None, 100).unwrap();
        let why = check_revocation(forged.token.as_bytes(), &forged.jti, &trusted, "default")
            .unwrap_err();
        assert!(why.contains("does not trust"), "{why}");
        // Stored under another key.
        let other = crate::claims::new_token_id();
        let why = check_revocation(r.token.as_bytes(), &other, &trusted, "default").unwrap_err();
        assert!(why.contains("not the key it is stored under"), "{why}");
        // For another lattice.
        let why = check_revocation(r.token.as_bytes(), &r.jti, &trusted, "staging").unwrap_err();
        assert!(why.contains("for lattice 'default'"), "{why}");
        // Altered: another host put in the claims, the signature kept.
        let mut parts: Vec<String> = r.token.split('.').map(str::to_string).collect();
        let claims = String::from_utf8(
            data_encoding::BASE64URL_NOPAD
                .decode(parts[1].as_bytes())
                .unwrap(),
        )
        .unwrap();
        let victim = Key::generate(KeyRole::Server).public_key().to_string();
        parts[1] = data_encoding::BASE64URL_NOPAD.encode(claims.replace(&host, &victim).as_bytes());
        let why =
            check_revocation(parts.join(".").as_bytes(), &r.jti, &trusted, "default").unwrap_err();
        assert!(why.contains("signature does not verify"), "{why}");
        // Not a token at all, or too large.
        assert!(check_revocation(b"junk", &r.jti, &trusted, "default").is_err());
        assert!(check_revocation(&vec![b'a'; 5000], &r.jti, &trusted, "default").is_err());
        // Nothing else than a host key or an endorsement id can be revoked.
        let err = revoke(&cluster, "greet", "default", None, 1).unwrap_err();
        assert!(
            err.to_string().contains("neither a host's server key"),
            "{err}"
        );
        let long = "x".repeat(MAX_REASON_CHARS + 1);
        assert!(revoke(&cluster, &host, "default", Some(&long), 1).is_err());
        assert!(revoke(&Key::generate(KeyRole::Account), &host, "default", None, 1).is_err());
    }
}
