//! Refusals said with the fix that applies where the person stands: a signed actor is
//! re-signed, an unsigned one run with `--allow-unsigned` is given `--caps`, a project's actor
//! gets `caps` in its wzt.toml.

use std::path::Path;

use super::output::escape;
use crate::host::EnforcementError;

/// Where the grants of the actor being started come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantsFrom {
    /// Its signed claims: re-sign it.
    Claims,
    /// `--caps` of an unsigned actor run with `--allow-unsigned`.
    UnsignedCaps,
    /// The `caps` of the project's wzt.toml (`wzt dev`).
    Project,
}

/// Why the host refused to start an actor, with the fix for `from` (import and export names
/// are the artifact's: escaped).
pub fn refusal(refusal: &EnforcementError, from: GrantsFrom) -> String {
    let (what, alias, name) = match refusal {
        EnforcementError::NotGranted {
            import,
            name,
            alias,
        } => (format!("imports {import}"), *alias, *name),
        EnforcementError::ExportNotGranted {
            export,
            name,
            alias,
        } => (format!("exports {export}"), *alias, *name),
        other => return escape(&other.to_string()),
    };
    let fix = match from {
        GrantsFrom::Claims => format!(
            "it is not granted: re-sign it with `wzt sign --caps {alias}` (or `--caps auto`: exactly what it imports)"
        ),
        GrantsFrom::UnsignedCaps => format!(
            "an unsigned actor gets only what --caps grants: add `--caps {alias}` (or `--caps auto`: exactly what it imports)"
        ),
        GrantsFrom::Project => format!(
            "wzt.toml does not grant it: add \"{alias}\" to `caps` in [actor] (or set `caps = [\"auto\"]`: exactly what it imports); the next build picks it up"
        ),
    };
    format!(
        "the actor {}, which needs the {name} capability ({alias}); {fix}",
        escape(&what)
    )
}

/// `wzt run` of an unsigned actor without `--allow-unsigned`: both ways out in one message,
/// and the signed file beside it when there is one (`wzt sign` writes `<stem>_s.wasm`).
pub fn unsigned(actor: &Path) -> Vec<String> {
    let shown = actor.display().to_string();
    let stem = actor
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let signed = actor.with_file_name(format!("{stem}_s.wasm"));
    let mut lines = vec![format!(
        "[unsigned] {} is not signed: sign it (`wzt sign {} --caps auto`, then `wzt run {}`), or run it unsigned with exactly the capabilities it imports: `wzt run {} --allow-unsigned --caps auto`",
        escape(&shown),
        escape(&shown),
        escape(&signed.display().to_string()),
        escape(&shown),
    )];
    if signed.is_file() {
        lines.push(format!(
            "hint: {} beside it is signed: `wzt run {}`",
            escape(&signed.display().to_string()),
            escape(&signed.display().to_string())
        ));
    }
    lines
}
