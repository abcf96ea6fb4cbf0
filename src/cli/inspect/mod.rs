//! `wzt inspect`: show an artifact's claims and what its imports need.

use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::Args;
use serde::Serialize;

use super::artifact::examine_source;
use super::output;
use super::registry_args::{FetchFailure, RegistryOpts};
use super::{Ctx, Outcome};
use crate::caps::{self, Capability, Direction, Grants, InterfaceNeed, Need};
use crate::claims::Claims;
use crate::scopes::ScopeKind;
use crate::time;
use crate::verify::{Examined, Seal};

mod against;
mod human;

/// Show the claims of a module or component, and its imports against its grants.
///
/// Exit 0 for any readable artifact, signed or not (use `wzt verify` to judge it); 2 when the
/// file is not readable WebAssembly. An oci://REF is fetched from the registry (through the
/// blob cache, its digests checked: exit 1 when one does not match) and shown, not judged.
/// Without FILE, inside a project, the signed artifact that `wzt sign` writes for it
/// (`<stem>_s.wasm` beside the project's artifact). An artifact built with `cargo auditable`
/// also shows the crates it lists. Also `wzt claims inspect`.
#[derive(Debug, Args)]
pub struct Opts {
    /// The .wasm file, or oci://REGISTRY/REPOSITORY:TAG [default: the signed artifact of the
    /// wzt.toml project here].
    #[arg(value_name = "FILE|oci://REF")]
    file: Option<PathBuf>,
    /// Print only the raw token (exit 1 when there is none).
    #[arg(long)]
    jwt_only: bool,
    /// Compare with an older version (a file or oci://REF): list the grants and scopes this one
    /// adds, and exit 1 when it reaches anything the old one could not (a release gate).
    #[arg(long, value_name = "OLD.wasm|oci://REF", conflicts_with = "jwt_only")]
    against: Option<PathBuf>,
    #[command(flatten)]
    registry: RegistryOpts,
    #[command(flatten)]
    pub(super) format: super::output::FormatOpt,
}

impl Opts {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let file = match &self.file {
            Some(file) => file.clone(),
            None => super::artifact::project_signed_artifact("inspect")?,
        };
        let (examined, mut reader) = match examine_source(ctx, &file, &self.registry) {
            Ok(opened) => opened,
            Err(FetchFailure::Check(e)) => {
                eprintln!("error: {e:#}");
                return Ok(Outcome::CheckFailed);
            }
            Err(FetchFailure::Error(e)) => return Err(e),
        };
        if self.jwt_only {
            return jwt_only(ctx, &examined);
        }
        let interfaces = examined.layout().imports_and_exports(&mut reader)?;
        let needs = caps::needs_of(&interfaces);
        // The grants as written, whether or not the signature verifies (`verify` judges).
        let granted = examined.claims().map(|c| c.grants()).unwrap_or_default();
        let (missing, unused) = caps::check_grants(&needs, &granted);
        let now = time::now();
        let against = match &self.against {
            Some(old) => Some(against::compare(ctx, &examined, old, &self.registry)?),
            None => None,
        };
        let crates = super::dependencies::read(&examined, reader.as_mut());
        if ctx.json {
            let mut json = inspect_json(&file, &examined, &needs, &granted, &missing, &unused);
            json.against = against.as_ref();
            json.dependencies = super::dependencies::json(&crates);
            output::print_json(&json);
        } else {
            human::print(
                ctx, &file, &examined, &needs, &granted, &missing, &unused, now,
            );
            super::dependencies::print(ctx, &crates);
            if let Some(against) = &against {
                against::print(ctx, against);
            }
        }
        Ok(match against {
            Some(a) if a.widens() => Outcome::CheckFailed,
            _ => Outcome::Success,
        })
    }
}

/// The claims' scopes as written, checked (a token's scopes may not parse: `verify` fails it).
fn scopes_of(examined: &Examined) -> Result<crate::scopes::Scopes, Vec<crate::scopes::ScopeError>> {
    match examined.claims().and_then(|c| c.metadata.scopes.as_ref()) {
        None => Ok(crate::scopes::Scopes::new()),
        Some(wire) => crate::scopes::Scopes::from_wire(wire),
    }
}

/// `wzt inspect --jwt-only --json`.
#[derive(Serialize)]
struct JwtJson<'a> {
    jwt: &'a str,
}

fn jwt_only(ctx: &Ctx, examined: &Examined) -> anyhow::Result<Outcome> {
    let raw = match examined.seal() {
        Seal::Valid(token) => token.raw().to_string(),
        Seal::Invalid(token) => token.raw().to_string(),
        Seal::Unreadable(e) => bail!("the signature section does not hold a readable token: {e}"),
        Seal::Unsigned => {
            eprintln!("the artifact is not signed: there is no token");
            return Ok(Outcome::CheckFailed);
        }
    };
    if ctx.json {
        output::print_json(&JwtJson { jwt: &raw });
    } else {
        // A parsed token is base64url and dots only: nothing to escape.
        println!("{raw}");
    }
    Ok(Outcome::Success)
}

/// How an interface stands against the grants: `always_linked`, `granted`, `missing` or
/// `unsupported`.
fn status_of(need: &Need, granted: &Grants) -> &'static str {
    match need {
        Need::AlwaysLinked => "always_linked",
        Need::Unsupported => "unsupported",
        Need::Grant { .. } if need.met_by(granted) => "granted",
        Need::Grant { .. } => "missing",
    }
}

fn signature_text(examined: &Examined) -> (String, bool) {
    match examined.seal() {
        Seal::Unreadable(e) => (format!("unreadable: {e}"), false),
        Seal::Invalid(token) => (format!("INVALID: {}", token.error()), false),
        Seal::Valid(_) => ("valid".to_string(), true),
        Seal::Unsigned => ("none".to_string(), false),
    }
}

/// The recomputed module hash, or why there is none.
fn hash_or_why(examined: &Examined) -> String {
    match examined.module_hash() {
        Some(hash) => hash.to_string(),
        None => "not computed (too many signature sections to read further)".to_string(),
    }
}

/// `wzt inspect --json` (field names are stable: README).
#[derive(Serialize)]
struct InspectJson<'a> {
    file: &'a Path,
    kind: crate::wasm::ArtifactKind,
    signed: bool,
    signature_sections: usize,
    nested_signature: bool,
    module_hash: Option<&'a str>,
    hash_matches: Option<bool>,
    signature_valid: bool,
    signature_error: Option<String>,
    /// As written in the claims (a member of `claims` too).
    claims: Option<&'a Claims>,
    caps: Vec<CapJson<'a>>,
    interfaces: Vec<InterfaceJson<'a>>,
    missing_grants: &'a [String],
    unused_grants: &'a [Capability],
    #[serde(skip_serializing_if = "Option::is_none")]
    against: Option<&'a against::Against>,
    /// The crates a cargo-auditable build listed (`null` when there is no list).
    dependencies: Option<super::dependencies::DependenciesJson<'a>>,
}

#[derive(Serialize)]
struct CapJson<'a> {
    id: &'a caps::CapabilityId,
    name: &'a str,
    /// For a capability with scope kinds: whether it is scoped (per-resource) or whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    scoped: Option<bool>,
}

#[derive(Serialize)]
struct InterfaceJson<'a> {
    name: &'a str,
    direction: Direction,
    status: &'static str,
    needs: &'a [Capability],
}

fn inspect_json<'a>(
    file: &'a Path,
    examined: &'a Examined,
    needs: &'a [InterfaceNeed],
    granted: &'a Grants,
    missing: &'a [String],
    unused: &'a [Capability],
) -> InspectJson<'a> {
    let claims = examined.claims();
    let (signature, signature_ok) = signature_text(examined);
    InspectJson {
        file,
        kind: examined.kind(),
        signed: examined.is_signed(),
        signature_sections: examined.layout().signature_count(),
        nested_signature: examined.layout().signatures.iter().any(|s| s.depth > 0),
        module_hash: examined.module_hash(),
        hash_matches: examined.hash_matches(),
        signature_valid: claims.is_some() && signature_ok,
        signature_error: (!signature_ok && examined.is_signed()).then_some(signature),
        claims,
        caps: granted
            .iter()
            .map(|c| CapJson {
                id: c,
                name: c.display_name(),
                scoped: c
                    .known()
                    .filter(|k| ScopeKind::of(*k).next().is_some())
                    .map(|k| scopes_of(examined).is_ok_and(|s| s.scoped(k))),
            })
            .collect(),
        interfaces: needs
            .iter()
            .map(|n| InterfaceJson {
                name: &n.name,
                direction: n.direction,
                status: status_of(&n.need, granted),
                needs: match &n.need {
                    Need::Grant { any_of } => any_of,
                    _ => &[],
                },
            })
            .collect(),
        missing_grants: missing,
        unused_grants: unused,
        against: None,
        dependencies: None,
    }
}
