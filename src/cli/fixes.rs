//! Refusals said with the fix that applies where the person stands: a signed actor is
//! re-signed, an unsigned one run with `--allow-unsigned` is given `--caps`, a project's actor
//! gets `caps` in its wzt.toml.

use std::path::Path;

use super::output::escape;
use crate::host::EnforcementError;

pub use crate::host::GrantsFrom;

/// Why the host refused to start an actor, with the fix for `from`.
pub fn refusal(refusal: &EnforcementError, from: GrantsFrom) -> String {
    refusal.with_fix(from)
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

/// `cannot reach the registry HOST:PORT (why): …` when `e` failed to connect at all.
pub fn unreachable_registry(e: &anyhow::Error) -> Option<String> {
    let http = e
        .chain()
        .find_map(|cause| cause.downcast_ref::<reqwest::Error>())
        .filter(|h| h.is_connect() || (h.is_timeout() && !h.is_body()))?;
    let url = http.url()?;
    let address = format!(
        "{}{}",
        url.host_str().unwrap_or_default(),
        url.port().map(|p| format!(":{p}")).unwrap_or_default()
    );
    // The innermost cause says why: connection refused, no such name, a timeout.
    let mut why: &dyn std::error::Error = http;
    while let Some(next) = why.source() {
        why = next;
    }
    let why = why.to_string();
    let why = why
        .strip_prefix("error resolving DNS: ")
        .unwrap_or(why.as_str())
        .to_string();
    let hint = if url.scheme() == "http" {
        "check the address and that the registry is running there"
    } else {
        "check the address, that the registry is running, and the network (a proxy is taken from HTTPS_PROXY); a registry on this machine over plain HTTP is written 127.0.0.1:PORT or localhost:PORT"
    };
    Some(format!(
        "cannot reach the registry {address} ({why}): {hint}"
    ))
}
