//! `wzt inspect`'s human output: the claims table and the interfaces against the grants.

use std::path::Path;

use comfy_table::Cell;

use super::super::Ctx;
use super::super::output::{self, escape};
use super::{hash_or_why, signature_text, status_of};
use crate::caps::{Capability, Direction, Grants, InterfaceNeed, Need};
use crate::claims::Claims;
use crate::time;
use crate::verify::{Examined, Seal};

#[allow(clippy::too_many_arguments)]
pub(super) fn print(
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
        // Below the table, each on a line of its own: never broken at 80 columns.
        println!("Module hash:  {}", hash_or_why(examined));
        if examined.hash_matches() != Some(true) {
            println!("Claimed hash: {}", escape(&claims.metadata.module_hash));
        }
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
        for column in [0, 1, 3] {
            output::keep_whole(&mut table, column);
        }
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

fn claims_table(ctx: &Ctx, examined: &Examined, claims: &Claims, now: u64) -> comfy_table::Table {
    let meta = &claims.metadata;
    let (signature, signature_ok) = signature_text(examined);
    let hash_ok = examined.hash_matches() == Some(true);
    // The hashes themselves follow the table, one per line.
    let hash = if hash_ok {
        "matches the artifact (below)".to_string()
    } else if examined.module_hash().is_some() {
        "MISMATCH: the claimed hash is not the artifact's (both below)".to_string()
    } else {
        "not computed (claimed hash below)".to_string()
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
    if let Some(scopes) = scopes_text(examined, &grants) {
        row("Scopes", Cell::new(scopes));
    }
    row(
        "Tags",
        Cell::new(opt(meta.tags.as_ref().filter(|t| !t.is_empty()).map(|t| {
            t.iter().map(|s| escape(s)).collect::<Vec<_>>().join(", ")
        }))),
    );
    row("Token id", Cell::new(escape(&claims.id)));
    // Wide enough for a public key (56 characters, and the cell's padding) on one line.
    if let Some(values) = table.column_mut(1) {
        values.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
            comfy_table::Width::Fixed(crate::keys::PUBLIC_KEY_LEN as u16 + 2),
        ));
    }
    table
}

/// The per-resource scopes of each granted capability that has scope kinds, one line each;
/// `None` when no such capability is granted.
fn scopes_text(examined: &Examined, grants: &Grants) -> Option<String> {
    let lines = match super::scopes_of(examined) {
        Ok(scopes) => scopes.summary(grants),
        Err(problems) => vec![format!(
            "INVALID: {}",
            problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        )],
    };
    (!lines.is_empty()).then(|| lines.join("\n"))
}
