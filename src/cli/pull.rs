//! `wzt pull`: fetch an actor from an OCI registry, verify it, and only then write it.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::Args;

use super::output::{self, escape};
use super::policy_args::PolicyOpts;
use super::registry_args::{self, ProgressBar, RegistryOpts, size_text};
use super::{Ctx, Outcome};
use crate::caps::Grants;
use crate::registry::{LayerSource, PullError};
use crate::verify::Rejection;

/// `wzt pull --json` (field names are stable: README).
#[derive(serde::Serialize)]
struct PulledJson<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    digest: &'a crate::registry::Digest,
    file: &'a Path,
    size: u64,
    layer_digest: &'a crate::registry::Digest,
    cached: bool,
    kind: crate::wasm::ArtifactKind,
    module_hash: &'a str,
    issuer: Option<&'a str>,
    subject: Option<&'a str>,
    name: Option<&'a str>,
    ver: Option<&'a str>,
    /// Where the provenance was written, when the registry had one.
    provenance: Option<&'a Path>,
}

/// Fetch an actor from an OCI registry, verify it, then write it.
///
/// The manifest's digest is checked (against REF@sha256:… when the reference pins one), then
/// the layer's size and digest, then the claims under the policy, with the same rules and
/// options as `wzt verify` (an unsigned actor only with --allow-unsigned); only then is the
/// file written, atomically. Layers are cached by digest in the user's cache directory, so a
/// second pull (or `wzt run oci://…`) downloads nothing. Both the CNCF `application/wasm`
/// layer and the one older wash pushed are read. When the policy requires provenance
/// (--require-provenance, --source-repo, --require-clean-tree), the registry's in-toto
/// referrer of the manifest is fetched and checked too, before anything is written, and
/// written beside the actor as <stem>.intoto.json. Exit 1 when a digest, the verification or
/// the provenance fails (nothing is written), 2 for a bad reference or a registry error.
#[derive(Debug, Args)]
pub struct Opts {
    /// What to pull: REGISTRY/REPOSITORY:TAG, or …@sha256:DIGEST to pin the manifest
    /// (`oci://` prefix allowed).
    #[arg(value_name = "REF")]
    reference: String,
    /// Where to write the actor [default: the repository's last name, .wasm, here].
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace the output file when it exists (never anything but a regular file).
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    registry: RegistryOpts,
    #[command(flatten)]
    policy: PolicyOpts,
}

impl Opts {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let reference = registry_args::parse_ref(&self.reference)?;
        let policy = self.policy.build(ctx)?;
        let output_path = self
            .output
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{}.wasm", reference.short_name())));
        // The provenance goes beside the actor when the policy required (so fetched) one.
        let provenance_path = crate::provenance::path_for(&output_path);
        let mut outputs = vec![&output_path];
        if policy.requires_provenance() {
            outputs.push(&provenance_path);
        }
        // Checked before anything is fetched, and the files are replaced atomically after.
        for path in outputs {
            if let Ok(meta) = std::fs::symlink_metadata(path) {
                if !meta.is_file() {
                    bail!(
                        "{} exists and is not a regular file; name another output with -o",
                        path.display()
                    );
                }
                if !self.force {
                    bail!(
                        "{} exists; pass --force to replace it, or name another output with -o",
                        path.display()
                    );
                }
            }
        }
        let registry = self.registry.connect(&reference)?;
        let cache = registry_args::open_cache();
        let bar = ProgressBar::new(ctx);
        let pulled = registry_args::runtime()?.block_on(registry.pull(
            &reference,
            cache.as_ref(),
            &bar,
            &policy,
            crate::time::now(),
            Grants::none(),
        ));
        let pulled = match pulled {
            Ok(pulled) => pulled,
            Err(PullError::Registry(e)) if e.is_check_failure() => {
                eprintln!("error: {:#}", registry_args::registry_error(e));
                return Ok(Outcome::CheckFailed);
            }
            Err(PullError::Registry(e)) => return Err(registry_args::registry_error(e)),
            Err(PullError::Rejected(Rejection::Failed(failures))) => {
                output::print_failures(
                    &format!("refusing to pull {}:", escape(&reference.to_string())),
                    &failures,
                );
                return Ok(Outcome::CheckFailed);
            }
            Err(PullError::Rejected(e)) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("cannot read {}", escape(&reference.to_string()))));
            }
        };
        registry_args::report_fetch(&pulled.info);
        let admitted = &pulled.admitted;
        // Whether a file there may be replaced is decided as each file is placed: one that
        // appeared during the fetch is not replaced without --force.
        let existing = crate::fsutil::Existing::replace_if(self.force);
        let place = |path: &Path, bytes: &[u8]| {
            crate::fsutil::write_atomically(path, None, existing, |w| w.write_all(bytes)).map_err(
                |e| match e.kind() {
                    std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
                        "{} appeared while pulling; nothing was written there: pass --force to replace it, or name another output with -o",
                        path.display()
                    ),
                    _ => anyhow::Error::new(e).context(format!("cannot write {}", path.display())),
                },
            )
        };
        place(&output_path, admitted.bytes())?;
        if let Some(envelope) = &pulled.provenance {
            place(&provenance_path, envelope)?;
        }

        let claims = admitted.claims();
        if ctx.json {
            output::print_json(&PulledJson {
                reference: &pulled.info.reference,
                digest: &pulled.info.manifest_digest,
                file: &output_path,
                size: pulled.info.layer_size,
                layer_digest: &pulled.info.layer_digest,
                cached: pulled.info.layer_source == LayerSource::Cache,
                kind: admitted.kind(),
                module_hash: admitted.module_hash(),
                issuer: claims.map(|c| c.issuer.as_str()),
                subject: claims.map(|c| c.subject.as_str()),
                name: claims.and_then(|c| c.metadata.name.as_deref()),
                ver: claims.and_then(|c| c.metadata.ver.as_deref()),
                provenance: pulled
                    .provenance
                    .is_some()
                    .then_some(provenance_path.as_path()),
            });
        } else {
            let what = output::claims_line(claims);
            println!(
                "pulled {} ({what}; {}, {}) to {}",
                escape(&pulled.info.pinned),
                admitted.kind(),
                size_text(pulled.info.layer_size),
                output_path.display()
            );
            if pulled.provenance.is_some() {
                println!("provenance checked: {}", provenance_path.display());
            }
        }
        Ok(Outcome::Success)
    }
}
