//! Signing: claims about an artifact, embedded as its one signature section.

use std::io::{BufReader, Cursor, Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::caps::{self, Grants};
use crate::claims::{self, ActorMetadata, Claims, WASCAP_REVISION};
use crate::fsutil::{self, CheckedFile, Existing, FileError};
use crate::keys::{Key, KeyRole};
use crate::wasm::{self, Layout, WasmError};

/// Which capabilities to grant.
#[derive(Debug, Clone)]
pub enum Grant {
    /// Exactly these (`--caps none`: none, on purpose).
    List(Grants),
    /// Exactly what the artifact's imports and exports need (least privilege).
    Auto,
    /// Nothing was said (no `--caps`, no `caps` in the project): no grants, which is refused
    /// for an artifact that needs some, since it could not run ([`SignError::GrantsNotStated`]).
    Unstated,
}

impl Grant {
    /// Reads `--caps` words (or a project's `caps`): aliases and contract ids, or `auto` or
    /// `none` alone; no words at all is [`Grant::Unstated`].
    pub fn from_words<S: AsRef<str>>(words: &[S]) -> Result<Grant, SignError> {
        let words: Vec<&str> = words
            .iter()
            .map(|w| w.as_ref().trim())
            .filter(|w| !w.is_empty())
            .collect();
        for (word, grant) in [("auto", Grant::Auto), ("none", Grant::List(Grants::none()))] {
            if words.contains(&word) {
                if words.len() > 1 {
                    return Err(SignError::Combined(word));
                }
                return Ok(grant);
            }
        }
        if words.is_empty() {
            return Ok(Grant::Unstated);
        }
        Ok(Grant::List(Grants::parse(&words)?))
    }
}

/// Everything that goes into the claims except the hash, which is computed.
#[derive(Debug, Clone)]
pub struct ClaimsSpec {
    pub name: Option<String>,
    pub ver: Option<String>,
    pub rev: Option<i32>,
    pub tags: Vec<String>,
    pub grant: Grant,
    /// Per-resource grants; each must be of a granted capability.
    pub scopes: crate::scopes::Scopes,
    pub call_alias: Option<String>,
    pub expires: Option<u64>,
    pub not_before: Option<u64>,
    pub issued_at: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("the issuer must be an account key (SA…), but this is {} key", .0.with_article())]
    IssuerNotAccount(KeyRole),
    #[error("the subject must be a module key (SM…), but this is {} key", .0.with_article())]
    SubjectNotModule(KeyRole),
    #[error("invalid call alias '{0}': {1}")]
    BadCallAlias(String, &'static str),
    #[error(
        "the not-before time {} is not before the expiry {}: the token would never be valid; give an earlier --not-before or a later --expires",
        crate::time::rfc3339(*not_before),
        crate::time::rfc3339(*expires)
    )]
    EmptyValidity { not_before: u64, expires: u64 },
    #[error(
        "the expiry {} is not in the future: the claims would be expired as they are signed; give a later time, or a duration from now (`--expires 90d`)",
        crate::time::describe(*expires, *now)
    )]
    ExpiresInPast { expires: u64, now: u64 },
    #[error(
        "{}, which {} capabilities, and no grant was given: signed like this it could not run. Grant {} with `--caps {}` (or `--caps auto`: exactly what it imports), or sign it with no grants on purpose: `--caps none`",
        needs_text(needs),
        if needs.len() == 1 { "needs" } else { "need" },
        if suggested.len() == 1 { "it" } else { "them" },
        suggested.join(",")
    )]
    GrantsNotStated {
        /// The imports and exports that need a grant, as `imports NAME` / `exports NAME`.
        needs: Vec<String>,
        /// The aliases of what `--caps auto` would grant.
        suggested: Vec<String>,
    },
    #[error(
        "--caps auto: {} needs a capability the host cannot provide; list the capabilities explicitly instead",
        crate::text::Untrusted(.0)
    )]
    UnsupportedImport(String),
    #[error(
        "--caps {0} stands alone (`auto`: exactly what the artifact imports; `none`: no grants); do not combine it with other capabilities"
    )]
    Combined(&'static str),
    #[error(transparent)]
    UnknownCapability(#[from] caps::UnknownCapability),
    #[error(transparent)]
    Scope(#[from] crate::scopes::ScopeError),
    #[error(transparent)]
    Wasm(#[from] WasmError),
    /// The input was refused when it was opened (a FIFO, a link, another user's file …).
    #[error(transparent)]
    File(#[from] FileError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// `the artifact imports A, exports B and 2 more`, for [`SignError::GrantsNotStated`].
fn needs_text(needs: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut shown: Vec<String> = needs
        .iter()
        .take(SHOWN)
        .map(|n| crate::text::escape(n))
        .collect();
    if needs.len() > SHOWN {
        shown.push(format!("{} more", needs.len() - SHOWN));
    }
    let last = shown.pop().unwrap_or_default();
    if shown.is_empty() {
        format!("the artifact {last}")
    } else {
        format!("the artifact {} and {last}", shown.join(", "))
    }
}

/// Checks a call alias: non-empty, `[a-z0-9_/]` only, not a public key.
pub fn validate_call_alias(alias: &str) -> Result<(), SignError> {
    let bad = |why| Err(SignError::BadCallAlias(alias.to_string(), why));
    if alias.is_empty() {
        return bad("it is empty");
    }
    if crate::keys::parse_public_key(alias).is_ok() {
        return bad("it is a public key; an alias is a name that stands in for one");
    }
    if !alias
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'/')
    {
        return bad("use lower-case letters, digits, '_' and '/' only");
    }
    Ok(())
}

/// The result of signing one artifact.
#[derive(Debug)]
pub struct Signed {
    pub claims: Claims,
    pub token: String,
    pub kind: wasm::ArtifactKind,
    /// Signature sections the input had (all replaced by the new one).
    pub replaced_signatures: usize,
    /// Imports and exports that need a capability the claims do not grant: the host will
    /// refuse to start the actor.
    pub missing: Vec<String>,
    /// Granted capabilities the artifact never uses: more than it needs.
    pub unused: Vec<caps::Capability>,
}

/// Signs the opened and checked `input` into `output` (which may be the input's own path: the
/// file is replaced atomically), with the input's permissions; `existing` says whether a file
/// already at `output` may be replaced. Everything is read from the one open file: what is
/// hashed is what is written and signed, whatever happens to the path meanwhile. The output is
/// the input without any old signature section, plus one new section at the end.
pub fn sign_file(
    input: &CheckedFile,
    output: &Path,
    existing: Existing,
    spec: &ClaimsSpec,
    issuer: &Key,
    subject: &Key,
) -> Result<Signed, SignError> {
    check(spec, issuer, subject)?;
    let len = input.len();
    let mut file = input.file();
    file.seek(SeekFrom::Start(0))?;
    let mut src = BufReader::with_capacity(64 << 10, file);
    let (layout, caps, needs) = prepare(&mut src, len, spec)?;
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        Some(input.permissions().mode() & 0o7777)
    };
    #[cfg(not(unix))]
    let mode = None;
    let signed = fsutil::write_atomically(output, mode, existing, |out| {
        write_signed(&layout, &caps, &mut src, out, spec, issuer, subject)
    })?;
    Ok(judged(signed, &needs))
}

/// [`sign_file`] in memory: the signed artifact and what was signed.
pub fn sign_bytes(
    input: &[u8],
    spec: &ClaimsSpec,
    issuer: &Key,
    subject: &Key,
) -> Result<(Vec<u8>, Signed), SignError> {
    check(spec, issuer, subject)?;
    let mut src = Cursor::new(input);
    let (layout, caps, needs) = prepare(&mut src, input.len() as u64, spec)?;
    let mut out = Vec::with_capacity(input.len() + 1024);
    let signed = write_signed(&layout, &caps, &mut src, &mut out, spec, issuer, subject)?;
    Ok((out, judged(signed, &needs)))
}

/// What can be refused before reading the artifact: key roles, the alias, the validity window.
fn check(spec: &ClaimsSpec, issuer: &Key, subject: &Key) -> Result<(), SignError> {
    if issuer.role() != KeyRole::Account {
        return Err(SignError::IssuerNotAccount(issuer.role()));
    }
    if subject.role() != KeyRole::Module {
        return Err(SignError::SubjectNotModule(subject.role()));
    }
    if let Some(alias) = &spec.call_alias {
        validate_call_alias(alias)?;
    }
    if let Some(exp) = spec.expires
        && exp <= spec.issued_at
    {
        return Err(SignError::ExpiresInPast {
            expires: exp,
            now: spec.issued_at,
        });
    }
    if let (Some(nbf), Some(exp)) = (spec.not_before, spec.expires)
        && exp <= nbf
    {
        return Err(SignError::EmptyValidity {
            not_before: nbf,
            expires: exp,
        });
    }
    Ok(())
}

/// The artifact's framing, the grants to sign (`auto` resolved from its imports; nothing
/// stated refused when it needs something) and what its imports and exports need.
fn prepare<R: Read + Seek>(
    src: &mut R,
    len: u64,
    spec: &ClaimsSpec,
) -> Result<(Layout, Grants, Vec<caps::InterfaceNeed>), SignError> {
    let layout = Layout::scan(src, len)?;
    let needs = caps::needs_of(&layout.imports_and_exports(src)?);
    let caps = match &spec.grant {
        Grant::List(list) => list.clone(),
        Grant::Auto => grants_for(&needs)?,
        Grant::Unstated => {
            let gated: Vec<String> = needs
                .iter()
                .filter(|n| matches!(n.need, caps::Need::Grant { .. }))
                .map(|n| {
                    let verb = match n.direction {
                        caps::Direction::Import => "imports",
                        caps::Direction::Export => "exports",
                    };
                    format!("{verb} {}", n.name)
                })
                .collect();
            if !gated.is_empty() {
                let suggested = caps::least_privilege(&needs)
                    .iter()
                    .map(|c| match c {
                        caps::CapabilityId::Known(cap) => cap.alias().to_string(),
                        other => other.contract_id().to_string(),
                    })
                    .collect();
                return Err(SignError::GrantsNotStated {
                    needs: gated,
                    suggested,
                });
            }
            Grants::none()
        }
    };
    if let Some(e) = spec.scopes.not_granted(&caps).into_iter().next() {
        return Err(e.into());
    }
    Ok((layout, caps, needs))
}

/// `signed` with what its grants leave missing or unused.
fn judged(mut signed: Signed, needs: &[caps::InterfaceNeed]) -> Signed {
    let (missing, unused) = caps::check_grants(needs, &signed.claims.grants());
    signed.missing = missing;
    signed.unused = unused;
    signed
}

/// What `--caps auto` grants: exactly the capabilities the artifact's imports (and exports)
/// need, least privilege; an import no capability provides is an error.
pub fn auto_grants<R: Read + Seek>(layout: &Layout, src: &mut R) -> Result<Grants, SignError> {
    grants_for(&caps::needs_of(&layout.imports_and_exports(src)?))
}

fn grants_for(needs: &[caps::InterfaceNeed]) -> Result<Grants, SignError> {
    if let Some(n) = needs.iter().find(|n| n.need == caps::Need::Unsupported) {
        return Err(SignError::UnsupportedImport(n.name.clone()));
    }
    Ok(caps::least_privilege(needs))
}

/// Writes the signature-free encoding, then one signature section whose claims carry the hash
/// computed in the same pass.
fn write_signed<R: Read + Seek, W: Write>(
    layout: &Layout,
    caps: &Grants,
    src: &mut R,
    out: &mut W,
    spec: &ClaimsSpec,
    issuer: &Key,
    subject: &Key,
) -> std::io::Result<Signed> {
    let module_hash = layout.write_stripped(src, out)?;
    let claims = Claims {
        expires: spec.expires,
        id: claims::new_token_id(),
        issued_at: spec.issued_at,
        issuer: issuer.public_key().to_string(),
        subject: subject.public_key().to_string(),
        not_before: spec.not_before,
        metadata: ActorMetadata {
            name: spec.name.clone(),
            module_hash,
            tags: (!spec.tags.is_empty()).then(|| spec.tags.clone()),
            caps: Some(caps.contract_ids()),
            scopes: (!spec.scopes.is_empty()).then(|| spec.scopes.to_wire()),
            rev: spec.rev,
            ver: spec.ver.clone(),
            call_alias: spec.call_alias.clone(),
            provider: false,
        },
        wascap_revision: Some(WASCAP_REVISION),
    };
    let token = claims::encode(&claims, issuer).map_err(std::io::Error::other)?;
    out.write_all(&wasm::signature_section(&token))?;
    Ok(Signed {
        claims,
        token,
        kind: layout.kind,
        replaced_signatures: layout.signature_count(),
        missing: Vec::new(),
        unused: Vec::new(),
    })
}
