//! Verification (docs/design.md §3, §8): examining an artifact, judging it against a policy,
//! and admitting it to the host.
//!
//! `examine` gathers the facts (framing, token, seal, recomputed hash) once; `evaluate` applies
//! the rules and the policy and returns every failure, each with a stable code; `admit` does
//! both on the exact bytes the host will compile and is the only way to obtain an [`Admitted`],
//! the one thing the host accepts. An artifact passes only when the failure list is empty
//! (fail closed).

use std::io::{Cursor, Read, Seek};

use bytes::Bytes;

use crate::caps::{Capability, CapabilityId, Grants};
use crate::claims::{Claims, Token, TokenError};
use crate::policy::Policy;
use crate::scopes::{ScopeError, ScopeKind, Scopes};
use crate::text::Untrusted;
use crate::wasm::{ArtifactKind, Layout, WasmError};

/// A token whose issuer, subject and signature have been checked and hold.
#[derive(Debug, Clone)]
pub struct VerifiedToken {
    token: Token,
}

impl VerifiedToken {
    pub fn claims(&self) -> &Claims {
        &self.token.claims
    }

    /// The compact JWS as it was in the artifact.
    pub fn raw(&self) -> &str {
        &self.token.raw
    }
}

/// A token that parsed, but whose issuer, subject or signature does not verify.
#[derive(Debug, Clone)]
pub struct InvalidToken {
    token: Token,
    error: TokenError,
}

impl InvalidToken {
    /// The claims as written: readable, but nobody vouches for them.
    pub fn claims(&self) -> &Claims {
        &self.token.claims
    }

    pub fn raw(&self) -> &str {
        &self.token.raw
    }

    pub fn error(&self) -> &TokenError {
        &self.error
    }
}

/// What the signature of an artifact amounts to. A token that was parsed is always checked
/// too: "parsed, signature not checked" is not one of these states.
#[derive(Debug, Clone)]
pub enum Seal {
    /// No signature section.
    Unsigned,
    /// A signature section whose token cannot be read (not UTF-8, not a JWS, a refused
    /// header, malformed claims).
    Unreadable(TokenError),
    /// A readable token that does not verify.
    Invalid(InvalidToken),
    /// A token whose signature verifies under its issuer.
    Valid(VerifiedToken),
}

/// The facts about one artifact that verification and `inspect` need. Built only by
/// [`examine`].
#[derive(Debug)]
pub struct Examined {
    layout: Layout,
    /// `None` when the scan stopped early (more signature sections than recorded).
    module_hash: Option<String>,
    seal: Seal,
}

impl Examined {
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    pub fn kind(&self) -> ArtifactKind {
        self.layout.kind
    }

    /// The module hash recomputed from the artifact; `None` when the scan stopped at a
    /// signature section past [`crate::wasm::MAX_RECORDED_SIGNATURES`] (the artifact fails
    /// anyway, and hashing the rest would only cost time).
    pub fn module_hash(&self) -> Option<&str> {
        self.module_hash.as_deref()
    }

    /// The seal of the first top-level signature section (what wascap reads).
    pub fn seal(&self) -> &Seal {
        &self.seal
    }

    pub fn is_signed(&self) -> bool {
        !self.layout.signatures.is_empty()
    }

    /// The claims as written, when a token could be read, whether or not it verifies (for
    /// showing them); [`Examined::verified_claims`] is the one to trust.
    pub fn claims(&self) -> Option<&Claims> {
        match &self.seal {
            Seal::Valid(t) => Some(t.claims()),
            Seal::Invalid(t) => Some(t.claims()),
            Seal::Unsigned | Seal::Unreadable(_) => None,
        }
    }

    /// The claims, when their signature verifies.
    pub fn verified_claims(&self) -> Option<&Claims> {
        match &self.seal {
            Seal::Valid(t) => Some(t.claims()),
            _ => None,
        }
    }

    /// The raw token, when one could be decoded as text.
    pub fn raw_token(&self) -> Option<&str> {
        match &self.seal {
            Seal::Valid(t) => Some(t.raw()),
            Seal::Invalid(t) => Some(t.raw()),
            Seal::Unsigned | Seal::Unreadable(_) => None,
        }
    }

    pub fn hash_matches(&self) -> Option<bool> {
        let actual = self.module_hash()?;
        self.claims().map(|c| c.metadata.module_hash == actual)
    }
}

/// Reads what verification needs from `src` (`len` bytes). Only the framing, the token and a
/// streaming hash: memory does not grow with the artifact, and the scan stops once the
/// signature sections alone decide the verdict ([`Layout::scan_for_verdict`]).
pub fn examine<R: Read + Seek>(src: &mut R, len: u64) -> Result<Examined, WasmError> {
    let layout = Layout::scan_for_verdict(src, len)?;
    let module_hash = match layout.is_complete() {
        true => Some(layout.module_hash(src)?),
        false => None,
    };
    let first = layout
        .signatures
        .iter()
        .find(|s| s.depth == 0)
        .or(layout.signatures.first());
    let seal = match first {
        None => Seal::Unsigned,
        Some(section) => {
            let bytes = layout.read_token(src, section)?;
            let parsed = match String::from_utf8(bytes) {
                Ok(text) => Token::parse(text.trim()),
                Err(_) => Err(TokenError::Malformed("the token is not UTF-8".into())),
            };
            match parsed {
                Err(e) => Seal::Unreadable(e),
                Ok(token) => match token.verify_signature() {
                    Ok(()) => Seal::Valid(VerifiedToken { token }),
                    Err(error) => Seal::Invalid(InvalidToken { token, error }),
                },
            }
        }
    };
    Ok(Examined {
        layout,
        module_hash,
        seal,
    })
}

/// One broken rule. `code()` is stable and documented in the README. Text from the token is
/// kept raw in the fields and escaped by `Display` ([`Untrusted`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error(
        "the artifact is not signed; sign it with `wzt sign FILE --caps auto`, or accept unsigned artifacts with `--allow-unsigned` or `allow_unsigned = true` in the policy"
    )]
    Unsigned,
    #[error(
        "the artifact holds {}{count} signature sections; exactly one is allowed (an extra one can roll the claims back to an older token); re-sign it with `wzt sign`",
        if *complete { "" } else { "at least " }
    )]
    DuplicateSignature {
        count: usize,
        /// False when the scan stopped counting (the verdict was decided).
        complete: bool,
    },
    #[error(
        "a signature section is nested inside an inner module or component (offset {offset}); only a top-level signature counts, re-sign it with `wzt sign`"
    )]
    NestedSignature { offset: u64 },
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error("{}", hash_mismatch(claimed, actual, *revision))]
    HashMismatch {
        claimed: String,
        actual: String,
        /// The token's `wascap_revision` (absent in the oldest tokens).
        revision: Option<u32>,
    },
    #[error(
        "the token is not valid yet: not before {}; wait, re-sign it with an earlier `--not-before`, or, if a clock is off, allow for the skew with `--leeway` (e.g. `--leeway 5m`)",
        crate::time::describe(*not_before, *now)
    )]
    NotYetValid { not_before: u64, now: u64 },
    #[error(
        "the token expired {}; re-sign it with a later expiry (`wzt sign --expires 90d`), or, if a clock is off, allow for the skew with `--leeway` (e.g. `--leeway 5m`)",
        crate::time::describe(*expires, *now)
    )]
    Expired { expires: u64, now: u64 },
    #[error(
        "the token claims to be issued {}, in the future: its age cannot be checked (a clock is wrong, or the token was made to never age)",
        crate::time::describe(*issued_at, *now)
    )]
    IssuedInFuture { issued_at: u64, now: u64 },
    #[error(
        "issuer {} is not trusted; trust it with `--trusted-issuer {}`, import it into the key store (`wzt keys import NAME {}`), or add it to trusted_issuers in the policy file",
        Untrusted(issuer),
        Untrusted(issuer),
        Untrusted(issuer)
    )]
    UntrustedIssuer { issuer: String },
    #[error("the token is revoked by the policy ({what} {})", Untrusted(value))]
    Revoked { what: &'static str, value: String },
    #[error("{}", missing_required_cap(cap, *signed))]
    MissingRequiredCap { cap: CapabilityId, signed: bool },
    #[error(
        "capability {} is granted but the policy's allowed_caps does not allow it",
        Untrusted(.0.contract_id())
    )]
    CapNotAllowed(CapabilityId),
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
    /// A scope kind this version does not know (`unknown_scope`), a value that does not parse
    /// or a scope of a capability not granted (`bad_scope`).
    #[error("{0}")]
    Scope(ScopeError),
    #[error(
        "{} ({}) is granted without scopes, and the policy requires per-resource scopes (re-sign with --scope, e.g. {})",
        .0.friendly_name(),
        .0.alias(),
        scope_example(*.0)
    )]
    UnscopedGrant(Capability),
    #[error(
        "the scope {kind}={} is outside what the policy allows (allowed_scopes)",
        crate::text::Untrusted(.value)
    )]
    ScopeNotAllowed { kind: ScopeKind, value: String },
    /// A provenance rule (docs/design.md §15), checked by `provenance::check` beside the
    /// artifact's own rules.
    #[error(transparent)]
    Provenance(#[from] crate::provenance::ProvenanceFailure),
}

/// An example `--scope` for a capability, for messages.
fn scope_example(cap: Capability) -> &'static str {
    match cap {
        Capability::KeyValue => "--scope kv.bucket=app",
        Capability::HttpClient => "--scope httpclient.host=api.example.com:443",
        Capability::Messaging => "--scope msg.publish='orders.>'",
        Capability::Config => "--scope config.key=greeting",
        _ => "--scope KIND=VALUE",
    }
}

fn hash_mismatch(claimed: &str, actual: &str, revision: Option<u32>) -> String {
    match revision {
        // Before revision 3 wascap hashed differently (and skips the check for such tokens
        // itself): the artifact was probably not changed, the token is just too old.
        Some(r) if r >= crate::claims::WASCAP_REVISION => format!(
            "the module hash does not match: the claims say {}, the artifact hashes to {actual}; the code was changed after signing",
            Untrusted(claimed)
        ),
        _ => format!(
            "the module hash does not match, and the token predates wascap revision 3 ({}), whose hash rules differ; wzt checks the hash of every token, so re-sign the artifact with `wzt sign` (claims say {}, the artifact hashes to {actual})",
            match revision {
                Some(r) => format!("it says revision {r}"),
                None => "it carries no revision".to_string(),
            },
            Untrusted(claimed)
        ),
    }
}

fn missing_required_cap(cap: &CapabilityId, signed: bool) -> String {
    if signed {
        format!(
            "the policy requires capability {cap}, which the claims do not grant; re-sign with `wzt sign --caps …`"
        )
    } else {
        format!(
            "the policy requires capability {cap}, which this unsigned actor is not granted; grant it with `--caps`"
        )
    }
}

impl Failure {
    /// The codes of failures other than token errors, in the order of the rules.
    const OWN_CODES: [&'static str; 18] = [
        "unsigned",
        "duplicate_signature",
        "nested_signature",
        "hash_mismatch",
        "not_yet_valid",
        "expired",
        "issued_in_future",
        "untrusted_issuer",
        "revoked",
        "missing_required_cap",
        "cap_not_allowed",
        "too_old",
        "no_expiry",
        "missing_name_version",
        "unknown_scope",
        "bad_scope",
        "unscoped_grant",
        "scope_not_allowed",
    ];

    /// Every code a failure can carry: the one list that README and docs/design.md document
    /// (a test compares them).
    pub fn codes() -> Vec<&'static str> {
        let mut codes = Self::OWN_CODES.to_vec();
        codes.splice(3..3, TokenError::CODES);
        codes.extend(crate::provenance::ProvenanceFailure::CODES);
        codes
    }

    pub fn code(&self) -> &'static str {
        match self {
            Failure::Unsigned => "unsigned",
            Failure::DuplicateSignature { .. } => "duplicate_signature",
            Failure::NestedSignature { .. } => "nested_signature",
            Failure::Token(t) => t.code(),
            Failure::HashMismatch { .. } => "hash_mismatch",
            Failure::NotYetValid { .. } => "not_yet_valid",
            Failure::Expired { .. } => "expired",
            Failure::IssuedInFuture { .. } => "issued_in_future",
            Failure::UntrustedIssuer { .. } => "untrusted_issuer",
            Failure::Revoked { .. } => "revoked",
            Failure::MissingRequiredCap { .. } => "missing_required_cap",
            Failure::CapNotAllowed(_) => "cap_not_allowed",
            Failure::TooOld { .. } => "too_old",
            Failure::NoExpiry => "no_expiry",
            Failure::MissingNameVersion(_) => "missing_name_version",
            Failure::Scope(e) => e.code(),
            Failure::UnscopedGrant(_) => "unscoped_grant",
            Failure::ScopeNotAllowed { .. } => "scope_not_allowed",
            Failure::Provenance(p) => p.code(),
        }
    }
}

/// Applies §3 and the policy to an examined artifact at time `now` (seconds since the epoch).
/// The capability rules apply to the grants the actor would hold: the claims' for a signed
/// artifact, `unsigned_grants` for an unsigned one. Returns every failure; an empty list means
/// the artifact may run.
pub fn evaluate(
    examined: &Examined,
    policy: &Policy,
    now: u64,
    unsigned_grants: &Grants,
) -> Vec<Failure> {
    let mut failures = Vec::new();
    let sections = &examined.layout.signatures;
    if sections.is_empty() {
        if !policy.allow_unsigned {
            failures.push(Failure::Unsigned);
        }
        check_caps(policy, unsigned_grants, false, &mut failures);
        check_scopes(policy, unsigned_grants, &Scopes::new(), &mut failures);
        return failures;
    }
    let count = examined.layout.signature_count();
    if count > 1 {
        failures.push(Failure::DuplicateSignature {
            count,
            complete: examined.layout.is_complete(),
        });
    }
    if let Some(nested) = sections.iter().find(|s| s.depth > 0) {
        failures.push(Failure::NestedSignature {
            offset: nested.offset,
        });
    }
    let claims = match &examined.seal {
        Seal::Valid(token) => token.claims(),
        Seal::Invalid(token) => {
            failures.push(Failure::Token(token.error.clone()));
            token.claims()
        }
        Seal::Unreadable(e) => {
            failures.push(Failure::Token(e.clone()));
            return failures;
        }
        Seal::Unsigned => unreachable!("a signature section was found"),
    };
    if let Some(actual) = &examined.module_hash
        && claims.metadata.module_hash != *actual
    {
        failures.push(Failure::HashMismatch {
            claimed: claims.metadata.module_hash.clone(),
            actual: actual.clone(),
            revision: claims.wascap_revision,
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
    // A token issued in the future would never age past `max_age`.
    if claims.issued_at > now.saturating_add(leeway) {
        failures.push(Failure::IssuedInFuture {
            issued_at: claims.issued_at,
            now,
        });
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
    check_caps(policy, &claims.grants(), true, &mut failures);
    match scopes_of(claims) {
        Ok(scopes) => check_scopes(policy, &claims.grants(), &scopes, &mut failures),
        Err(problems) => failures.extend(problems.into_iter().map(Failure::Scope)),
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

/// `required_caps` and `allowed_caps` against the grants an actor would hold.
fn check_caps(policy: &Policy, grants: &Grants, signed: bool, failures: &mut Vec<Failure>) {
    for required in &policy.required_caps {
        if !grants.contains_id(required) {
            failures.push(Failure::MissingRequiredCap {
                cap: required.clone(),
                signed,
            });
        }
    }
    if let Some(allowed) = &policy.allowed_caps {
        for cap in grants {
            if !allowed.contains_id(cap) {
                failures.push(Failure::CapNotAllowed(cap.clone()));
            }
        }
    }
}

/// The scopes the claims carry, every value checked.
fn scopes_of(claims: &Claims) -> Result<Scopes, Vec<ScopeError>> {
    match &claims.metadata.scopes {
        None => Ok(Scopes::new()),
        Some(wire) => Scopes::from_wire(wire),
    }
}

/// Scopes of capabilities the grants lack, and the policy's scope rules: `require_scoped`
/// (kv, httpclient, msg and config must be scoped) and `allowed_scopes` (each scope inside one
/// of the policy's patterns; a capability the policy has patterns for must be scoped).
fn check_scopes(policy: &Policy, grants: &Grants, scopes: &Scopes, failures: &mut Vec<Failure>) {
    failures.extend(scopes.not_granted(grants).into_iter().map(Failure::Scope));
    for cap in grants.known() {
        let mut kinds = ScopeKind::of(cap).peekable();
        if kinds.peek().is_none() || scopes.scoped(cap) {
            continue;
        }
        if policy.require_scoped || kinds.any(|k| policy.allowed_scopes.contains_key(&k)) {
            failures.push(Failure::UnscopedGrant(cap));
        }
    }
    for (kind, value) in scopes.iter() {
        if let Some(allowed) = policy.allowed_scopes.get(&kind)
            && !allowed
                .iter()
                .any(|p| crate::scopes::within(kind, value, p))
        {
            failures.push(Failure::ScopeNotAllowed {
                kind,
                value: value.to_string(),
            });
        }
    }
}

/// Why an artifact was not admitted.
#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    /// The bytes are not a readable module or component (an input error).
    #[error(transparent)]
    Unreadable(#[from] WasmError),
    /// Grants were offered for a signed artifact, whose grants are its claims (an input error).
    #[error(
        "--caps grants capabilities to unsigned actors only; a signed actor's grants are in its claims (re-sign it to change them)"
    )]
    GrantsForSignedActor,
    /// The artifact breaks these rules (a failed check).
    #[error("{}", .0.iter().map(|f| format!("[{}] {f}", f.code())).collect::<Vec<_>>().join("; "))]
    Failed(Vec<Failure>),
}

/// An actor that passed verification: the exact bytes that were verified, the module hash
/// computed from them, its claims (none when admitted unsigned under `allow_unsigned`) and
/// the grants it holds. Fields are private and [`admit`] is the only constructor, so holding
/// an `Admitted` proves the check was made; the host takes nothing else.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use wzt::{caps::Grants, policy::Policy, verify};
/// let unsigned = wat::parse_str("(module)")?;
/// let policy = Policy { allow_unsigned: true, ..Policy::default() };
/// let admitted = verify::admit(unsigned, &policy, wzt::time::now(), Grants::none())?;
/// assert!(admitted.claims().is_none());
/// # Ok(()) }
/// ```
///
/// Nothing outside verification can make one, not even with bytes and a hash in hand:
///
/// ```compile_fail
/// let forged = wzt::verify::Admitted {
///     bytes: bytes::Bytes::from(vec![0u8; 8]),
///     module_hash: String::new(),
///     kind: wzt::wasm::ArtifactKind::Module,
///     claims: None,
///     grants: wzt::caps::Grants::none(),
///     scopes: wzt::scopes::Scopes::new(),
/// };
/// ```
#[derive(Debug, Clone)]
pub struct Admitted {
    bytes: Bytes,
    module_hash: String,
    kind: ArtifactKind,
    claims: Option<Claims>,
    grants: Grants,
    scopes: Scopes,
}

impl Admitted {
    /// The verified bytes: what the host compiles.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The same bytes, shared rather than copied (to upload them).
    pub fn shared_bytes(&self) -> Bytes {
        self.bytes.clone()
    }

    /// The module hash computed from [`Admitted::bytes`] (the compile cache's key).
    pub fn module_hash(&self) -> &str {
        &self.module_hash
    }

    pub fn kind(&self) -> ArtifactKind {
        self.kind
    }

    /// The verified claims; `None` for an unsigned actor admitted under `allow_unsigned`.
    pub fn claims(&self) -> Option<&Claims> {
        self.claims.as_ref()
    }

    /// What the actor may use: its claims' grants, or the grants given for an unsigned actor.
    pub fn grants(&self) -> &Grants {
        &self.grants
    }

    /// The per-resource scopes of the grants (checked; empty for an unsigned actor).
    pub fn scopes(&self) -> &Scopes {
        &self.scopes
    }
}

/// Verifies `bytes` under `policy` at `now` and, when every rule holds, admits them.
/// `unsigned_grants` are the capabilities an unsigned actor gets (under `allow_unsigned`);
/// they are checked against the policy's capability rules as signed grants are, and offering
/// any for a signed artifact is refused.
pub fn admit(
    bytes: impl Into<Bytes>,
    policy: &Policy,
    now: u64,
    unsigned_grants: Grants,
) -> Result<Admitted, Rejection> {
    // A `Vec` becomes `Bytes` without a copy.
    let bytes: Bytes = bytes.into();
    let examined = examine(&mut Cursor::new(&bytes[..]), bytes.len() as u64)?;
    let failures = evaluate(&examined, policy, now, &unsigned_grants);
    if !failures.is_empty() {
        return Err(Rejection::Failed(failures));
    }
    let (claims, grants, scopes) = match examined.seal {
        Seal::Unsigned => (None, unsigned_grants, Scopes::new()),
        Seal::Valid(token) if unsigned_grants.is_empty() => {
            let grants = token.claims().grants();
            // `evaluate` reported any scope that does not parse as a failure.
            let scopes = scopes_of(token.claims()).unwrap_or_default();
            (Some(token.token.claims), grants, scopes)
        }
        Seal::Valid(_) => return Err(Rejection::GrantsForSignedActor),
        // `evaluate` reports both as failures; never admitted.
        Seal::Unreadable(_) | Seal::Invalid(_) => {
            unreachable!("an unverified token always fails evaluation")
        }
    };
    let module_hash = examined
        .module_hash
        .expect("a layout is incomplete only past MAX_RECORDED_SIGNATURES, which fails");
    Ok(Admitted {
        bytes,
        module_hash,
        kind: examined.layout.kind,
        claims,
        grants,
        scopes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caps::{Capability, CapabilityId};

    fn unsigned_policy() -> Policy {
        Policy {
            allow_unsigned: true,
            ..Policy::default()
        }
    }

    fn empty_module() -> Vec<u8> {
        b"\0asm\x01\0\0\0".to_vec()
    }

    /// Every variant's code is in [`Failure::codes`], and every listed code is some variant's.
    #[test]
    fn the_list_of_codes_is_every_code() {
        use crate::claims::TokenError as T;
        use crate::keys::KeyRole;
        let cap = CapabilityId::Known(Capability::KeyValue);
        let failures = [
            Failure::Unsigned,
            Failure::DuplicateSignature {
                count: 2,
                complete: true,
            },
            Failure::NestedSignature { offset: 0 },
            Failure::Token(T::Malformed(String::new())),
            Failure::Token(T::BadHeader(String::new())),
            Failure::Token(T::UnsupportedHeader(String::new())),
            Failure::Token(T::BadAlgorithm(String::new())),
            Failure::Token(T::MalformedClaims(String::new())),
            Failure::Token(T::InvalidIssuer(String::new())),
            Failure::Token(T::IssuerNotAccount(KeyRole::Module)),
            Failure::Token(T::SubjectNotModule(String::new())),
            Failure::Token(T::BadSignature),
            Failure::HashMismatch {
                claimed: String::new(),
                actual: String::new(),
                revision: None,
            },
            Failure::NotYetValid {
                not_before: 0,
                now: 0,
            },
            Failure::Expired { expires: 0, now: 0 },
            Failure::IssuedInFuture {
                issued_at: 0,
                now: 0,
            },
            Failure::UntrustedIssuer {
                issuer: String::new(),
            },
            Failure::Revoked {
                what: "jti",
                value: String::new(),
            },
            Failure::MissingRequiredCap {
                cap: cap.clone(),
                signed: true,
            },
            Failure::CapNotAllowed(cap),
            Failure::TooOld {
                issued_at: 0,
                max_age: 0,
                now: 0,
            },
            Failure::NoExpiry,
            Failure::MissingNameVersion("name"),
            Failure::Scope(crate::scopes::ScopeError::UnknownKind(String::new())),
            Failure::Scope(crate::scopes::ScopeError::NotKindValue),
            Failure::UnscopedGrant(Capability::KeyValue),
            Failure::ScopeNotAllowed {
                kind: ScopeKind::KvBucket,
                value: String::new(),
            },
        ];
        use crate::provenance::ProvenanceFailure as P;
        let failures: Vec<Failure> = failures
            .into_iter()
            .chain(
                [
                    P::Missing(String::new()),
                    P::Malformed(String::new()),
                    P::BadSignature {
                        signers: vec![],
                        trusted: 0,
                    },
                    P::Mismatch {
                        subjects: vec![],
                        actual: String::new(),
                    },
                    P::UntrustedSource { repository: None },
                    P::DirtyTree { clean: None },
                ]
                .map(Failure::Provenance),
            )
            .collect();
        let produced: Vec<&str> = failures.iter().map(Failure::code).collect();
        assert_eq!(produced, Failure::codes());
    }

    #[test]
    fn unsigned_grants_obey_allowed_caps() {
        let policy = Policy {
            allowed_caps: Some(Grants::parse(&["http"]).unwrap()),
            ..unsigned_policy()
        };
        let kv = Grants::parse(&["kv"]).unwrap();
        match admit(empty_module(), &policy, 0, kv) {
            Err(Rejection::Failed(f)) => assert_eq!(
                f,
                vec![Failure::CapNotAllowed(CapabilityId::Known(
                    Capability::KeyValue
                ))]
            ),
            other => panic!("admitted or wrong rejection: {other:?}"),
        }
        let http = Grants::parse(&["http"]).unwrap();
        let admitted = admit(empty_module(), &policy, 0, http.clone()).unwrap();
        assert_eq!(admitted.grants(), &http);
        assert_eq!(admitted.bytes(), &empty_module()[..]);
    }

    #[test]
    fn unsigned_grants_obey_required_caps() {
        let policy = Policy {
            required_caps: vec![CapabilityId::Known(Capability::Logging)],
            ..unsigned_policy()
        };
        let failures = match admit(empty_module(), &policy, 0, Grants::none()) {
            Err(Rejection::Failed(f)) => f,
            other => panic!("{other:?}"),
        };
        assert_eq!(failures[0].code(), "missing_required_cap");
        assert!(failures[0].to_string().contains("unsigned"));
    }

    #[test]
    fn unsigned_is_refused_without_allow_unsigned() {
        assert!(matches!(
            admit(empty_module(), &Policy::default(), 0, Grants::none()),
            Err(Rejection::Failed(f)) if f == vec![Failure::Unsigned]
        ));
    }

    #[test]
    fn unreadable_bytes_are_an_input_error() {
        assert!(matches!(
            admit(b"not wasm".to_vec(), &unsigned_policy(), 0, Grants::none()),
            Err(Rejection::Unreadable(_))
        ));
    }
}
