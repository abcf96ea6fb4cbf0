//! `wzt inspect`: show an artifact's claims and what its imports need.

use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::Args;
use comfy_table::Cell;
use serde_json::json;

use super::artifact::examine_source;
use super::output::{self, escape};
use super::registry_args::{FetchFailure, RegistryOpts};
use super::{Ctx, Outcome};
use crate::caps::{self, Capability, Direction, Grants, InterfaceNeed, Need};
use crate::claims::Claims;
use crate::time;
use crate::verify::{Examined, Seal};

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
    #[command(flatten)]
    registry: RegistryOpts,
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
        let crates = super::dependencies::read(&examined, reader.as_mut());
        if ctx.json {
            let mut out = inspect_json(&file, &examined, &needs, &granted, &missing, &unused);
            out["dependencies"] = super::dependencies::json(&crates);
            output::print_json(&out);
        } else {
            print_human(
                ctx, &file, &examined, &needs, &granted, &missing, &unused, now,
            );
            super::dependencies::print(ctx, &crates);
        }
        Ok(Outcome::Success)
    }
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
        output::print_json(&json!({ "jwt": raw }));
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

#[allow(clippy::too_many_arguments)]
fn print_human(
    ctx: &Ctx,
    file: &Path,
    examined: &Examined,
    needs: &[InterfaceNeed],
    granted: &Grants,
    missing: &[String],
    unused: &[Capability],
    now: u64,
) {
    let layout = examined.layout();
    let sections = layout.signature_count();
    println!(
        "{}: {}, {}",
        file.display(),
        layout.kind,
        match sections {
            0 => "unsigned".to_string(),
            1 => "signed".to_string(),
            n if layout.is_complete() => format!("{n} signature sections (only one is allowed)"),
            n => format!("at least {n} signature sections (only one is allowed; not read further)"),
        }
    );
    if let Some(nested) = layout.signatures.iter().find(|s| s.depth > 0) {
        println!(
            "{}",
            output::paint(
                ctx,
                &format!(
                    "warning: a signature section is nested at depth {} (offset {}); it does not count",
                    nested.depth, nested.offset
                ),
                false
            )
        );
    }
    if let Some(claims) = examined.claims() {
        println!("{}", claims_table(ctx, examined, claims, now));
    } else if let Seal::Unreadable(e) = examined.seal() {
        println!("{}", output::paint(ctx, &format!("token: {e}"), false));
    } else {
        println!("Module hash: {}", hash_or_why(examined));
    }

    let gated: Vec<&InterfaceNeed> = needs
        .iter()
        .filter(|n| n.need != Need::AlwaysLinked)
        .collect();
    if gated.is_empty() {
        println!("Interfaces: none need a grant");
    } else {
        let mut table = output::table(ctx);
        table.set_header(["Interface", "Direction", "Needs", "Status"]);
        for n in gated {
            let status = status_of(&n.need, granted);
            let needs_text = match &n.need {
                Need::Grant { any_of } => any_of
                    .iter()
                    .map(|c| c.friendly_name())
                    .collect::<Vec<_>>()
                    .join(" or "),
                _ => "no capability provides it".to_string(),
            };
            table.add_row([
                Cell::new(escape(&n.name)),
                Cell::new(match n.direction {
                    Direction::Import => "import",
                    Direction::Export => "export",
                }),
                Cell::new(needs_text),
                output::status_cell(ctx, status, status == "granted"),
            ]);
        }
        println!("{table}");
    }
    let always: Vec<&InterfaceNeed> = needs
        .iter()
        .filter(|n| n.need == Need::AlwaysLinked && n.direction == Direction::Import)
        .collect();
    if !always.is_empty() {
        // The package (`wasi:io`) or core module (`wasi_snapshot_preview1`) of each import.
        let packages: std::collections::BTreeSet<String> = always
            .iter()
            .map(|n| match n.name.split_once("::") {
                Some((module, _)) => escape(module),
                None => escape(n.name.split('/').next().unwrap_or(&n.name)),
            })
            .collect();
        let packages: Vec<String> = packages.into_iter().collect();
        println!(
            "Always linked (no grant needed): {} import{} from {}",
            always.len(),
            if always.len() == 1 { "" } else { "s" },
            packages.join(", ")
        );
    }
    if !missing.is_empty() {
        println!(
            "{}",
            output::paint(
                ctx,
                &format!(
                    "missing grants: {} (re-sign with `wzt sign --caps auto` or list them in --caps)",
                    missing
                        .iter()
                        .map(|m| escape(m))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                false
            )
        );
    }
    if !unused.is_empty() {
        println!(
            "unused grants: {} (granted but never imported)",
            unused
                .iter()
                .map(|c| c.friendly_name())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

/// The recomputed module hash, or why there is none.
fn hash_or_why(examined: &Examined) -> String {
    match examined.module_hash() {
        Some(hash) => hash.to_string(),
        None => "not computed (too many signature sections to read further)".to_string(),
    }
}

fn claims_table(ctx: &Ctx, examined: &Examined, claims: &Claims, now: u64) -> comfy_table::Table {
    let meta = &claims.metadata;
    let (signature, signature_ok) = signature_text(examined);
    let hash_ok = examined.hash_matches() == Some(true);
    let hash = if hash_ok {
        format!("{} (matches)", hash_or_why(examined))
    } else if examined.module_hash().is_some() {
        format!(
            "MISMATCH: claims {}, artifact {}",
            escape(&meta.module_hash),
            hash_or_why(examined)
        )
    } else {
        format!(
            "claims {}; {}",
            escape(&meta.module_hash),
            hash_or_why(examined)
        )
    };
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".to_string());
    let grants = claims.grants();
    let caps_text = if grants.is_empty() {
        "none".to_string()
    } else {
        grants
            .iter()
            .map(|c| escape(c.display_name()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut table = output::table(ctx);
    let mut row = |k: &str, v: Cell| {
        table.add_row([Cell::new(k), v]);
    };
    row(
        "Name",
        Cell::new(escape(meta.name.as_deref().unwrap_or("-"))),
    );
    row("Issuer (account)", Cell::new(escape(&claims.issuer)));
    row("Subject (module)", Cell::new(escape(&claims.subject)));
    row("Module hash", output::status_cell(ctx, &hash, hash_ok));
    row(
        "Signature",
        output::status_cell(ctx, &signature, signature_ok),
    );
    row("Issued", Cell::new(time::describe(claims.issued_at, now)));
    row(
        "Expires",
        Cell::new(
            claims
                .expires
                .map(|e| time::describe(e, now))
                .unwrap_or_else(|| "never".into()),
        ),
    );
    row(
        "Not before",
        Cell::new(
            claims
                .not_before
                .map(|n| time::describe(n, now))
                .unwrap_or_else(|| "immediately".into()),
        ),
    );
    row("Version", Cell::new(opt(meta.ver.as_deref().map(escape))));
    row("Revision", Cell::new(opt(meta.rev.map(|r| r.to_string()))));
    row(
        "Call alias",
        Cell::new(opt(meta.call_alias.as_deref().map(escape))),
    );
    row("Capabilities", Cell::new(caps_text));
    row(
        "Tags",
        Cell::new(opt(meta.tags.as_ref().filter(|t| !t.is_empty()).map(|t| {
            t.iter().map(|s| escape(s)).collect::<Vec<_>>().join(", ")
        }))),
    );
    row("Token id", Cell::new(escape(&claims.id)));
    table
}

fn inspect_json(
    file: &Path,
    examined: &Examined,
    needs: &[InterfaceNeed],
    granted: &Grants,
    missing: &[String],
    unused: &[Capability],
) -> serde_json::Value {
    let claims = examined.claims();
    let (signature, signature_ok) = signature_text(examined);
    json!({
        "file": file,
        "kind": examined.kind(),
        "signed": examined.is_signed(),
        "signature_sections": examined.layout().signature_count(),
        "nested_signature": examined.layout().signatures.iter().any(|s| s.depth > 0),
        "module_hash": examined.module_hash(),
        "hash_matches": examined.hash_matches(),
        "signature_valid": claims.is_some() && signature_ok,
        "signature_error": (!signature_ok && examined.is_signed()).then_some(signature),
        "claims": claims,
        "caps": granted.iter().map(|c| json!({ "id": c, "name": c.display_name() })).collect::<Vec<_>>(),
        "interfaces": needs.iter().map(|n| json!({
            "name": n.name,
            "direction": n.direction,
            "status": status_of(&n.need, granted),
            "needs": match &n.need { Need::Grant { any_of } => any_of.clone(), _ => vec![] },
        })).collect::<Vec<_>>(),
        "missing_grants": missing,
        "unused_grants": unused,
    })
}
