//! The lattice's tokens (docs/design.md §13), compact JWS through [`crate::claims`]'s
//! layer (wascap's `{"typ":"jwt","alg":"Ed25519"}` header, `verify_strict`):
//!
//! - an **endorsement**: a cluster key (`C…`) says that a server key (`N…`) is a host of one
//!   lattice until `exp`;
//! - an **invocation**: a host key signs one message: who sent it (origin actor and host), the
//!   subject it is for, where replies go, which request it answers, the SHA-256 of the body,
//!   the lattice, a short validity, a unique id, and the host's endorsement.
//!
//! - a **revocation**: a cluster key says that a host key, or one endorsement, no longer
//!   speaks for the lattice (docs/design.md §13, "Revocation").
//!
//! This module writes and reads them; whether one is acceptable is `super::check`'s business.

use data_encoding::BASE64;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::claims::{self, Jws, TokenError};
use crate::keys::{Key, KeyRole, KeyUseError};

/// The NATS header that carries the invocation token.
pub const INVOCATION_HEADER: &str = "Wzt-Invocation";

/// The claims of an endorsement, in the order they are written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndorsementClaims {
    pub jti: String,
    pub iat: u64,
    pub exp: u64,
    /// The cluster key that signs (`C…`).
    pub iss: String,
    /// The endorsed host's server key (`N…`).
    pub sub: String,
    pub wzt: EndorsementScope,
}

/// What an endorsement is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndorsementScope {
    pub lattice: String,
}

/// The claims of an invocation, in the order they are written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvocationClaims {
    pub jti: String,
    pub iat: u64,
    pub exp: u64,
    /// The sending host's server key (`N…`), which signs.
    pub iss: String,
    pub wzt: InvocationBody,
}

/// The lattice part of an invocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvocationBody {
    pub lattice: String,
    pub origin: Origin,
    /// The subject the message is published on.
    pub target: String,
    /// The subject replies go to (a request), or `null`.
    pub reply: Option<String>,
    /// The `jti` of the request this message answers (a reply), or `null`.
    pub in_reply_to: Option<String>,
    /// `sha-256=:BASE64:` of the body (RFC 9530's form).
    pub digest: String,
    /// The sending host's endorsement (a compact JWS).
    pub endorsement: String,
}

/// The claims of a revocation, in the order they are written: the cluster key `iss` says
/// that `sub` (a host's server key `N…`, or an endorsement's `jti`) no longer speaks for the
/// lattice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevocationClaims {
    pub jti: String,
    pub iat: u64,
    /// The cluster key that signs (`C…`).
    pub iss: String,
    /// What is revoked: a server key (every endorsement of that host) or an endorsement id.
    pub sub: String,
    pub wzt: RevocationScope,
}

/// What a revocation is for, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevocationScope {
    pub lattice: String,
    pub reason: Option<String>,
}

/// Who sent a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// The actor's subject key (`M…`); `null` for `wzt lattice pub`/`request`, or an unsigned
    /// actor.
    pub actor: Option<String>,
    /// The host's server key (`N…`); the same as the invocation's `iss`.
    pub host: String,
}

/// `sha-256=:BASE64:` of `body`.
pub fn digest_of(body: &[u8]) -> String {
    format!("sha-256=:{}:", BASE64.encode(&Sha256::digest(body)))
}

/// Signs an endorsement with `cluster`, whose public key must be `claims.iss`.
pub fn encode_endorsement(
    claims: &EndorsementClaims,
    cluster: &Key,
) -> Result<String, KeyUseError> {
    claims::encode_payload(
        &serde_json::to_vec(claims).expect("claims always serialize"),
        cluster,
    )
}

/// Signs a revocation with `cluster`, whose public key must be `claims.iss`.
pub fn encode_revocation(claims: &RevocationClaims, cluster: &Key) -> Result<String, KeyUseError> {
    claims::encode_payload(
        &serde_json::to_vec(claims).expect("claims always serialize"),
        cluster,
    )
}

/// Signs an invocation with `host`, whose public key must be `claims.iss`.
pub fn encode_invocation(claims: &InvocationClaims, host: &Key) -> Result<String, KeyUseError> {
    claims::encode_payload(
        &serde_json::to_vec(claims).expect("claims always serialize"),
        host,
    )
}

/// A token read: its claims, and the key of `role` named by `issuer`, whose signature has not
/// been checked yet.
pub(super) struct Parsed<'a, C> {
    pub jws: Jws<'a>,
    pub claims: C,
}

pub(super) fn parse<'a, C: serde::de::DeserializeOwned>(
    raw: &'a str,
) -> Result<Parsed<'a, C>, TokenError> {
    let jws = Jws::parse(raw)?;
    let claims = serde_json::from_slice(&jws.payload)
        .map_err(|e| TokenError::MalformedClaims(e.to_string()))?;
    Ok(Parsed { jws, claims })
}

/// The 32-byte key of `key` when it is a public key of `role`.
pub(super) fn key_of(key: &str, role: KeyRole) -> Option<[u8; 32]> {
    crate::keys::parse_public_key_of(key, &[role]).ok()
}

/// A token id as wzt writes them (128 random bits, unpadded base32: 26 characters of
/// `A-Z2-7`). Ids are checked against this shape before they become replay-cache keys.
pub fn is_token_id(jti: &str) -> bool {
    jti.len() == 26
        && jti
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_rfc_9530_byte_sequences() {
        assert_eq!(
            digest_of(b"hello"),
            "sha-256=:LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=:"
        );
    }

    #[test]
    fn token_ids_are_checked_for_shape() {
        assert!(is_token_id(&crate::claims::new_token_id()));
        assert!(!is_token_id("short"));
        assert!(!is_token_id("AAAAAAAAAAAAAAAAAAAAAAAAA*"));
        assert!(!is_token_id("aaaaaaaaaaaaaaaaaaaaaaaaaa"));
    }

    #[test]
    fn invocation_fields_are_written_in_order() {
        let claims = InvocationClaims {
            jti: "J".into(),
            iat: 1,
            exp: 2,
            iss: "N".into(),
            wzt: InvocationBody {
                lattice: "default".into(),
                origin: Origin {
                    actor: None,
                    host: "N".into(),
                },
                target: "greet".into(),
                reply: Some("_INBOX.x".into()),
                in_reply_to: None,
                digest: digest_of(b""),
                endorsement: "E".into(),
            },
        };
        assert_eq!(
            serde_json::to_string(&claims).unwrap(),
            r#"{"jti":"J","iat":1,"exp":2,"iss":"N","wzt":{"lattice":"default","origin":{"actor":null,"host":"N"},"target":"greet","reply":"_INBOX.x","in_reply_to":null,"digest":"sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:","endorsement":"E"}}"#
        );
    }
}
