//! `wzt inspect --against OLD`: what a new version reaches that the old one could not.

use std::path::{Path, PathBuf};

use anyhow::bail;
use serde::Serialize;

use super::super::Ctx;
use super::super::artifact::examine_source;
use super::super::output::{self, escape};
use super::super::registry_args::{FetchFailure, RegistryOpts};
use crate::scopes::Widening;
use crate::verify::Examined;

/// The comparison, as `--json` carries it.
#[derive(Debug, Serialize)]
pub(super) struct Against {
    file: PathBuf,
    widens: bool,
    /// The new artifact carries no claims: what it may do is whatever `--caps` gives it
    /// where unsigned actors are allowed, so it is counted as reaching more.
    unsigned: bool,
    #[serde(flatten)]
    pub(super) widening: Widening,
}

/// Compares the artifact with the `old` one (its claims as written: both are shown, not
/// judged; `verify` judges).
pub(super) fn compare(
    ctx: &Ctx,
    new: &Examined,
    old: &Path,
    registry: &RegistryOpts,
) -> anyhow::Result<Against> {
    let (old_examined, _) = match examine_source(ctx, old, registry) {
        Ok(opened) => opened,
        Err(FetchFailure::Check(e) | FetchFailure::Error(e)) => {
            return Err(e.context(format!("--against {}", old.display())));
        }
    };
    let scopes = |examined: &Examined, which: &Path| match super::scopes_of(examined) {
        Ok(scopes) => Ok(scopes),
        Err(problems) => bail!(
            "{} carries scopes that do not parse ({}); `wzt verify` says more",
            which.display(),
            problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        ),
    };
    if old_examined.claims().is_none() {
        bail!(
            "--against {}: it is unsigned, so it has no grants to compare with; compare with a signed version",
            old.display()
        );
    }
    let grants = |examined: &Examined| examined.claims().map(|c| c.grants()).unwrap_or_default();
    let widening = Widening::between(
        &grants(new),
        &scopes(new, Path::new("the new artifact"))?,
        &grants(&old_examined),
        &scopes(&old_examined, old)?,
    );
    let unsigned = new.claims().is_none();
    Ok(Against {
        file: old.to_path_buf(),
        widens: widening.widens() || unsigned,
        unsigned,
        widening,
    })
}

impl Against {
    /// Whether the new version reaches more (exit 1).
    pub(super) fn widens(&self) -> bool {
        self.widens
    }
}

/// The comparison for a person: what is added, or that nothing is.
pub(super) fn print(ctx: &Ctx, against: &Against) {
    let w = &against.widening;
    if against.unsigned {
        println!(
            "{}",
            output::paint(
                ctx,
                &format!(
                    "Compared with {}: the new artifact is unsigned, so it may be run with any grant `--caps` gives it (sign it to compare)",
                    against.file.display()
                ),
                false
            )
        );
        return;
    }
    if !w.widens() {
        println!(
            "Compared with {}: adds no grant and no scope",
            against.file.display()
        );
        return;
    }
    println!(
        "{}",
        output::paint(
            ctx,
            &format!(
                "Compared with {}: reaches more than it",
                against.file.display()
            ),
            false
        )
    );
    for id in &w.added_grants {
        match id.known() {
            Some(cap) => println!("  + grant {} ({})", cap.friendly_name(), cap.alias()),
            None => println!("  + grant {}", escape(id.display_name())),
        }
    }
    for cap in &w.unscoped {
        println!(
            "  + {} is unscoped now (the whole capability; it was scoped)",
            cap.friendly_name()
        );
    }
    for (kind, value) in &w.added_scopes {
        println!("  + scope {kind}={}", escape(value));
    }
}
