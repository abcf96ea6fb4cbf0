//! What `wzt sign` checks before signing, and how it reports each file.

use std::path::{Path, PathBuf};

use anyhow::bail;
use serde::Serialize;

use super::super::Ctx;
use super::super::output::escape;
use crate::fsutil::{CheckedFile, FileError};
use crate::sign::{ClaimsSpec, Grant, Signed};

/// Opens an input to sign: the project's artifact through its checks (`Project::open_artifact`),
/// or a file named on the command line as a named file (any owner, a link followed, but a
/// regular file of at most `wasm::MAX_ARTIFACT_LEN`).
pub(super) fn open_input(
    input: &Path,
    project: Option<&crate::project::Project>,
) -> anyhow::Result<CheckedFile> {
    Ok(match project {
        Some(project) => project.open_artifact()?,
        // The batch report names the file: the reasons here say only what is wrong with it.
        None => super::super::artifact::open_artifact(input).map_err(|e| match e {
            FileError::Missing { .. } => anyhow::anyhow!("no such file"),
            FileError::Io { source, .. } => anyhow::anyhow!("cannot read it: {source}"),
            refused => anyhow::anyhow!("it is {}", refused.problem()),
        })?,
    })
}

/// Checks an input and settles what it is signed with, before any key or file is made: its
/// grants (`auto` resolved from its imports) and its scopes (the flags' or the project's, or
/// derived from `trace`), every scope of a granted capability.
pub(super) fn plan_input(
    input: &Path,
    project: Option<&crate::project::Project>,
    spec: &ClaimsSpec,
    trace: Option<(&Path, &str)>,
) -> anyhow::Result<ClaimsSpec> {
    let file = open_input(input, project)?;
    let mut reader = std::io::BufReader::new(file.file());
    // The framing only (section headers, not the bytes between them): the file is read whole
    // once, when it is signed (docs/design.md §9).
    let layout = crate::wasm::Layout::scan(&mut reader, file.len())?;
    // Without stated grants the signing refuses (or grants nothing) later, naming what the
    // artifact needs; a trace is read against what it would need.
    let unstated = matches!(spec.grant, Grant::Unstated);
    let grants = match &spec.grant {
        Grant::List(grants) => grants.clone(),
        Grant::Unstated if trace.is_none() => return Ok(spec.clone()),
        Grant::Auto | Grant::Unstated => crate::sign::auto_grants(&layout, &mut reader)?,
    };
    let mut spec = spec.clone();
    if let Some((trace_path, trace)) = trace {
        let derived = crate::scopes::derive_from_trace(trace, &grants)
            .map_err(|e| anyhow::anyhow!("--scopes-from: {e}"))?;
        print_derived(input, trace_path, &derived);
        spec.scopes = derived.scopes;
    }
    if unstated {
        return Ok(spec);
    }
    if let Some(e) = spec.scopes.not_granted(&grants).into_iter().next() {
        bail!("--scope: {e}");
    }
    spec.grant = Grant::List(grants);
    Ok(spec)
}

/// Says on stderr which scopes `--scopes-from` derived for `input`, and which granted
/// capabilities stay unscoped because the trace shows them used whole.
pub(super) fn print_derived(input: &Path, trace: &Path, derived: &crate::scopes::Derived) {
    let scopes = &derived.scopes;
    let mut shown: Vec<String> = scopes
        .kinds()
        .map(|kind| format!("{kind}={}", scopes.describe(kind)))
        .collect();
    shown.extend(derived.unscopable.iter().map(|cap| {
        format!(
            "{} unscoped (the trace shows it read whole, which no scope narrows)",
            cap.alias()
        )
    }));
    eprintln!(
        "scopes for {} derived from {}: {}",
        input.display(),
        trace.display(),
        if shown.is_empty() {
            "nothing to scope (no scoped capability is granted)".to_string()
        } else {
            shown.join("; ")
        }
    );
}

/// `-o` names a wasm file: one not ending in `.wasm` (a wash user's `-o json`) is confirmed on
/// a terminal and refused otherwise.
pub(super) fn check_output_name(ctx: &Ctx, output: &Path) -> anyhow::Result<()> {
    let is_wasm = output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("wasm"));
    if is_wasm {
        return Ok(());
    }
    let shown = crate::text::escape(&output.display().to_string());
    if ctx.stdin_is_terminal && ctx.stderr_is_terminal && !ctx.json {
        let prompt = format!(
            "-o {shown} does not end in .wasm (-o names the signed file; --json is the output format flag). Write the signed wasm to {shown}?"
        );
        if super::super::prompt::confirm(&prompt)? {
            return Ok(());
        }
        bail!("not signed: the output name was declined");
    }
    bail!(
        "-o {shown}: the output file does not end in .wasm. -o names the signed wasm file (for JSON output use --json); name a .wasm file, or confirm it on a terminal"
    )
}

pub(super) fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

pub(super) fn print_human(ctx: &Ctx, input: &Path, output: &Path, signed: &Signed) {
    if ctx.json {
        print_warnings(input, signed, "--caps");
        return;
    }
    println!(
        "Signed {} ({}) -> {}",
        input.display(),
        signed.kind,
        output.display()
    );
    println!(
        "  name {}, issuer {}, subject {}",
        escape(signed.claims.metadata.name.as_deref().unwrap_or("-")),
        signed.claims.issuer,
        signed.claims.subject
    );
    println!("  grants: {}", grants_text(signed));
    let scopes = match &signed.claims.metadata.scopes {
        Some(wire) => crate::scopes::Scopes::from_wire(wire).unwrap_or_default(),
        None => crate::scopes::Scopes::new(),
    };
    let lines = scopes.summary(&signed.claims.grants());
    if !lines.is_empty() {
        println!("  scopes: {}", lines.join("; "));
    }
    if signed.replaced_signatures > 0 {
        println!(
            "  replaced {} earlier signature section{}",
            signed.replaced_signatures,
            if signed.replaced_signatures == 1 {
                ""
            } else {
                "s"
            }
        );
    }
    print_warnings(input, signed, "--caps");
}

/// The grants written, as `http (HTTP Server), kv (K/V Store)`, or `none`.
pub(in crate::cli) fn grants_text(signed: &Signed) -> String {
    let grants = signed.claims.grants();
    if grants.is_empty() {
        return "none".to_string();
    }
    grants
        .iter()
        .map(|c| match c {
            crate::caps::CapabilityId::Known(cap) => {
                format!("{} ({})", cap.alias(), cap.friendly_name())
            }
            other => escape(other.contract_id()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// On stderr: grants the artifact never uses, and what it needs that is not granted.
pub(in crate::cli) fn print_warnings(input: &Path, signed: &Signed, grants_from: &str) {
    if !signed.unused.is_empty() {
        let unused: Vec<String> = signed
            .unused
            .iter()
            .map(|c| format!("{} ({})", c.alias(), c.friendly_name()))
            .collect();
        eprintln!(
            "warning: {}: granted but never used: {}; the actor may do more than it needs: drop {} from {grants_from} (`auto` grants exactly what it imports)",
            input.display(),
            unused.join(", "),
            if unused.len() == 1 { "it" } else { "them" }
        );
    }
    if !signed.missing.is_empty() {
        let missing: Vec<String> = signed.missing.iter().map(|m| escape(m)).collect();
        eprintln!(
            "warning: {}: {} not covered by the grants: the host will refuse to run it; add what it needs to {grants_from} (`auto` grants exactly what it imports)",
            input.display(),
            missing.join(", ")
        );
    }
}

/// One input of `wzt sign --json` (field names are stable: README).
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum SignJson<'a> {
    Signed(Box<SignedJson<'a>>),
    Failed {
        input: &'a Path,
        ok: bool,
        error: String,
    },
}

impl SignJson<'_> {
    pub(super) fn is_ok(&self) -> bool {
        matches!(self, SignJson::Signed(_))
    }
}

/// A signed input of `wzt sign --json`.
#[derive(Serialize)]
pub(super) struct SignedJson<'a> {
    input: &'a Path,
    ok: bool,
    output: PathBuf,
    kind: crate::wasm::ArtifactKind,
    module_hash: String,
    issuer: String,
    subject: String,
    jti: String,
    name: Option<String>,
    ver: Option<String>,
    rev: Option<i32>,
    tags: Vec<String>,
    caps: Vec<String>,
    call_alias: Option<String>,
    issued_at: u64,
    expires: Option<u64>,
    not_before: Option<u64>,
    replaced_signatures: usize,
    missing_grants: Vec<String>,
    unused_grants: Vec<crate::caps::Capability>,
}

pub(super) fn signed_json<'a>(input: &'a Path, output: &Path, signed: &Signed) -> SignJson<'a> {
    let c = &signed.claims;
    SignJson::Signed(Box::new(SignedJson {
        input,
        ok: true,
        output: output.to_path_buf(),
        kind: signed.kind,
        module_hash: c.metadata.module_hash.clone(),
        issuer: c.issuer.clone(),
        subject: c.subject.clone(),
        jti: c.id.clone(),
        name: c.metadata.name.clone(),
        ver: c.metadata.ver.clone(),
        rev: c.metadata.rev,
        tags: c.metadata.tags.clone().unwrap_or_default(),
        caps: c.caps().to_vec(),
        call_alias: c.metadata.call_alias.clone(),
        issued_at: c.issued_at,
        expires: c.expires,
        not_before: c.not_before,
        replaced_signatures: signed.replaced_signatures,
        missing_grants: signed.missing.clone(),
        unused_grants: signed.unused.clone(),
    }))
}
