//! Verification (DESIGN.md §3): examining an artifact, then judging it against a policy.
//!
//! `examine` gathers the facts (framing, token, signature, recomputed hash) once; `evaluate`
//! applies the rules and the policy and returns every failure, each with a stable code. An
//! artifact passes only when the list is empty (fail closed).

use std::io::{Read, Seek};

use crate::claims::{Token, TokenError};
use crate::policy::Policy;
use crate::wasm::{Layout, WasmError};

/// The facts about one artifact that verification and `inspect` need.
#[derive(Debug)]
pub struct Examined {
    pub layout: Layout,
    /// The module hash recomputed from the artifact.
    pub module_hash: String,
    /// The first top-level signature's token (what wascap reads), parsed; `None` when unsigned.
    pub token: Option<Result<Token, TokenError>>,
    /// Issuer, subject and signature check of `token`, when it parsed.
    pub signature: Option<Result<(), TokenError>>,
}

impl Examined {
    pub fn is_signed(&self) -> bool {
        !self.layout.signatures.is_empty()
    }

    /// The claims, when a token parsed (whether or not its signature is valid).
    pub fn claims(&self) -> Option<&crate::claims::Claims> {
        match &self.token {
            Some(Ok(t)) => Some(&t.claims),
            _ => None,
        }
    }

    pub fn hash_matches(&self) -> Option<bool> {
        self.claims()
            .map(|c| c.metadata.module_hash == self.module_hash)
    }
}

/// Reads what verification needs from `src` (`len` bytes). Only the framing, the token and a
/// streaming hash: memory does not grow with the artifact.
pub fn examine<R: Read + Seek>(src: &mut R, len: u64) -> Result<Examined, WasmError> {
    let layout = Layout::scan(src, len)?;
    let module_hash = layout.module_hash(src)?;
    let first = layout
        .signatures
        .iter()
        .find(|s| s.depth == 0)
        .or(layout.signatures.first());
    let token = match first {
        None => None,
        Some(section) => {
            let bytes = layout.read_token(src, section)?;
            Some(match String::from_utf8(bytes) {
                Ok(text) => Token::parse(text.trim()),
                Err(_) => Err(TokenError::Malformed("the token is not UTF-8".into())),
            })
        }
    };
    let signature = match &token {
        Some(Ok(t)) => Some(t.verify_signature()),
        _ => None,
    };
    Ok(Examined {
        layout,
        module_hash,
        token,
        signature,
    })
}

/// One broken rule. `code()` is stable and documented in the README.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error(
        "the artifact is not signed; sign it with `wzt sign`, or accept unsigned artifacts with `--allow-unsigned` or `allow_unsigned = true` in the policy"
    )]
    Unsigned,
    #[error(
        "the artifact holds {count} signature sections; exactly one is allowed (an extra one can roll the claims back to an older token); re-sign it with `wzt sign`"
    )]
    DuplicateSignature { count: usize },
    #[error(
        "a signature section is nested inside an inner module or component (offset {offset}); only a top-level signature counts, re-sign it with `wzt sign`"
    )]
    NestedSignature { offset: u64 },
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(
        "the module hash does not match: the claims say {claimed}, the artifact hashes to {actual}; the code was changed after signing"
    )]
    HashMismatch { claimed: String, actual: String },
    #[error("the token is not valid yet: not before {}", crate::time::describe(*not_before, *now))]
    NotYetValid { not_before: u64, now: u64 },
    #[error("the token expired {}", crate::time::describe(*expires, *now))]
    Expired { expires: u64, now: u64 },
    #[error(
        "issuer {issuer} is not trusted; trust it with `--trusted-issuer {issuer}` or add it to trusted_issuers in the policy file"
    )]
    UntrustedIssuer { issuer: String },
    #[error("the token is revoked by the policy ({what} {value})")]
    Revoked { what: &'static str, value: String },
    #[error(
        "the policy requires capability {0}, which the claims do not grant; re-sign with `wzt sign --caps …`"
    )]
    MissingRequiredCap(String),
    #[error("capability {0} is granted but the policy's allowed_caps does not allow it")]
    CapNotAllowed(String),
    #[error("the token was issued {}, longer ago than the policy's max_age of {max_age}s", crate::time::describe(*issued_at, *now))]
    TooOld {
        issued_at: u64,
        max_age: u64,
        now: u64,
    },
    #[error("the token never expires, and the policy requires an expiry; sign with `--expires`")]
    NoExpiry,
    #[error(
        "the claims carry no {0}, and the policy requires a name and a version; sign with `--name` and `--ver`"
    )]
    MissingNameVersion(&'static str),
}

impl Failure {
    pub fn code(&self) -> &'static str {
        match self {
            Failure::Unsigned => "unsigned",
            Failure::DuplicateSignature { .. } => "duplicate_signature",
            Failure::NestedSignature { .. } => "nested_signature",
            Failure::Token(t) => t.code(),
            Failure::HashMismatch { .. } => "hash_mismatch",
            Failure::NotYetValid { .. } => "not_yet_valid",
            Failure::Expired { .. } => "expired",
            Failure::UntrustedIssuer { .. } => "untrusted_issuer",
            Failure::Revoked { .. } => "revoked",
            Failure::MissingRequiredCap(_) => "missing_required_cap",
            Failure::CapNotAllowed(_) => "cap_not_allowed",
            Failure::TooOld { .. } => "too_old",
            Failure::NoExpiry => "no_expiry",
            Failure::MissingNameVersion(_) => "missing_name_version",
        }
    }
}

/// Applies §3 and the policy to an examined artifact at time `now` (seconds since the epoch).
/// Returns every failure; an empty list means the artifact may run.
pub fn evaluate(examined: &Examined, policy: &Policy, now: u64) -> Vec<Failure> {
    let mut failures = Vec::new();
    let sections = &examined.layout.signatures;
    if sections.is_empty() {
        if !policy.allow_unsigned {
            failures.push(Failure::Unsigned);
        }
        return failures;
    }
    if sections.len() > 1 {
        failures.push(Failure::DuplicateSignature {
            count: sections.len(),
        });
    }
    if let Some(nested) = sections.iter().find(|s| s.depth > 0) {
        failures.push(Failure::NestedSignature {
            offset: nested.offset,
        });
    }
    let token = match &examined.token {
        Some(Ok(token)) => token,
        Some(Err(e)) => {
            failures.push(Failure::Token(e.clone()));
            return failures;
        }
        None => return failures,
    };
    if let Some(Err(e)) = &examined.signature {
        failures.push(Failure::Token(e.clone()));
    }
    let claims = &token.claims;
    if claims.metadata.module_hash != examined.module_hash {
        failures.push(Failure::HashMismatch {
            claimed: claims.metadata.module_hash.clone(),
            actual: examined.module_hash.clone(),
        });
    }
    let leeway = policy.leeway;
    if let Some(nbf) = claims.not_before
        && nbf > now.saturating_add(leeway)
    {
        failures.push(Failure::NotYetValid {
            not_before: nbf,
            now,
        });
    }
    if let Some(exp) = claims.expires
        && now >= exp.saturating_add(leeway)
    {
        failures.push(Failure::Expired { expires: exp, now });
    }
    if !policy.trusted_issuers.contains(&claims.issuer) {
        failures.push(Failure::UntrustedIssuer {
            issuer: claims.issuer.clone(),
        });
    }
    if policy.revoked.contains(&claims.id) {
        failures.push(Failure::Revoked {
            what: "token id",
            value: claims.id.clone(),
        });
    }
    if policy.revoked.contains(&claims.subject) {
        failures.push(Failure::Revoked {
            what: "subject",
            value: claims.subject.clone(),
        });
    }
    let granted = claims.caps();
    for required in &policy.required_caps {
        if !granted.contains(required) {
            failures.push(Failure::MissingRequiredCap(required.clone()));
        }
    }
    if let Some(allowed) = &policy.allowed_caps {
        for cap in granted {
            if !allowed.contains(cap) {
                failures.push(Failure::CapNotAllowed(cap.clone()));
            }
        }
    }
    if let Some(max_age) = policy.max_age
        && now.saturating_sub(claims.issued_at) > max_age
    {
        failures.push(Failure::TooOld {
            issued_at: claims.issued_at,
            max_age,
            now,
        });
    }
    if policy.require_expiry && claims.expires.is_none() {
        failures.push(Failure::NoExpiry);
    }
    if policy.require_name_version {
        if claims.metadata.name.as_deref().is_none_or(str::is_empty) {
            failures.push(Failure::MissingNameVersion("name"));
        }
        if claims.metadata.ver.as_deref().is_none_or(str::is_empty) {
            failures.push(Failure::MissingNameVersion("version"));
        }
    }
    failures
}
