//! `wzt push`: verify an actor, then push it to an OCI registry as a wasm artifact.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;

use super::output::{self, escape};
use super::policy_args::PolicyOpts;
use super::provenance_args::ProvenanceOpts;
use super::registry_args::{self, RegistryOpts, size_text};
use super::{Ctx, Outcome};
use crate::caps::Grants;
use crate::project::Project;
use crate::registry::Layer;
use crate::verify::{Admitted, Rejection, admit};

/// `wzt push --json` (field names are stable: README).
#[derive(serde::Serialize)]
struct PushedJson<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    digest: &'a crate::registry::Digest,
    size: u64,
    layer_digest: &'a crate::registry::Digest,
    manifest_size: u64,
    blobs_reused: usize,
    /// The provenance pushed as a referrer of the manifest, when there is one.
    provenance: Option<ReferrerJson<'a>>,
}

/// The provenance referrer `wzt push` uploaded.
#[derive(serde::Serialize)]
struct ReferrerJson<'a> {
    digest: &'a crate::registry::Digest,
    /// The OCI 1.1 referrers tag it is listed under, where the registry has no referrers API.
    referrers_tag: Option<&'a str>,
}

/// Verify an actor, then push it to an OCI registry.
///
/// The file is verified first, with the same rules and policy options as `wzt verify` (an
/// unsigned actor only with --allow-unsigned); then it is pushed as a CNCF wasm OCI artifact:
/// a config of type application/vnd.wasm.config.v0+json (os wasip1 for a module, wasip2 with
/// the WIT imports and exports for a component), one application/wasm layer, and annotations
/// repeating the title, version and the claims' issuer, subject and capabilities. Prints the
/// manifest digest. The provenance (--provenance FILE, else <stem>.intoto.json beside the
/// file, as `wzt build` writes it) is checked under the policy and pushed as an OCI referrer of
/// the manifest (artifact type application/vnd.in-toto+json; listed at the referrers tag
/// sha256-<hex> where the registry has no referrers API). Exit 1 when verification fails, the
/// provenance fails or a pinned digest is not the one pushed, 2 for a bad reference or a
/// registry error.
#[derive(Debug, Args)]
pub struct Opts {
    /// Where to push: REGISTRY/REPOSITORY:TAG (`oci://` prefix allowed); a tag or a digest is
    /// required, the tag `latest` only with --allow-latest.
    #[arg(value_name = "REF")]
    reference: String,
    /// The signed actor [default: the project's signed artifact, <stem>_s.wasm beside its
    /// build.artifact].
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// Push to the tag `latest` (refused otherwise: a moving tag is overwritten only on
    /// purpose).
    #[arg(long)]
    allow_latest: bool,
    #[command(flatten)]
    registry: RegistryOpts,
    #[command(flatten)]
    policy: PolicyOpts,
    #[command(flatten)]
    pub(super) format: super::output::FormatOpt,
    #[command(flatten)]
    provenance: ProvenanceOpts,
}

impl Opts {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let file = self.file_to_push()?;
        let now = crate::time::now();
        let policy = self.policy.build(ctx)?;
        // Verification decides. Meanwhile, on other threads, the reference is parsed (its
        // grammar is a large regex, compiled on first use), the client set up (it loads the
        // system's TLS roots) and the layer hashed; nothing touches the network before `admit`
        // has passed.
        let (client, prepared) = std::thread::scope(|s| {
            let client = s.spawn(|| -> anyhow::Result<_> {
                let reference = registry_args::parse_ref(&self.reference)?;
                if reference.is_latest() && !self.allow_latest {
                    bail!(
                        "refusing to push to the tag `latest` of {}: name a version tag, or pass --allow-latest",
                        escape(&reference.to_string())
                    );
                }
                let registry = self.registry.connect(&reference);
                Ok((reference, registry))
            });
            let prepared = self.verify(&policy, &file, now);
            (client.join(), prepared)
        });
        let panicked = || anyhow::anyhow!("a worker thread of wzt push failed");
        let (reference, registry) = client.map_err(|_| panicked())??;
        let (admission, layer) = prepared?;
        let admitted = match admission {
            Ok(admitted) => admitted,
            Err(Rejection::Failed(failures)) => {
                output::print_failures(&format!("refusing to push {}:", file.display()), &failures);
                return Ok(Outcome::CheckFailed);
            }
            Err(e @ Rejection::GrantsForSignedActor) => return Err(e.into()),
            Err(Rejection::Unreadable(e)) => {
                return Err(
                    anyhow::Error::new(e).context(format!("cannot read {}", file.display()))
                );
            }
        };
        // The provenance, checked before anything reaches the network.
        let verdict = self.provenance.find_and_check(
            &file,
            &self.registry,
            &crate::provenance::sha256_hex(admitted.bytes()),
            &policy,
        )?;
        if !verdict.failures.is_empty() {
            output::print_failures(
                &format!("refusing to push {}:", file.display()),
                &verdict.failures,
            );
            return Ok(Outcome::CheckFailed);
        }
        let registry = registry?;
        let pushed = match registry_args::runtime()?
            .block_on(registry.push(&reference, &admitted, layer, now))
        {
            Ok(pushed) => pushed,
            Err(e) if e.is_check_failure() => {
                eprintln!("error: {:#}", registry_args::registry_error(e));
                return Ok(Outcome::CheckFailed);
            }
            Err(e) => return Err(registry_args::registry_error(e)),
        };
        let referrer = match &verdict.envelope {
            Some(envelope) => {
                let created = pushed
                    .annotations
                    .get(crate::registry::layout::ANNOTATION_CREATED)
                    .cloned()
                    .unwrap_or_else(|| crate::time::rfc3339(now));
                let pushing = registry.push_provenance(
                    &reference,
                    &pushed.manifest_digest,
                    pushed.manifest_size,
                    envelope,
                    &created,
                );
                Some(
                    registry_args::runtime()?
                        .block_on(pushing)
                        .map_err(registry_args::registry_error)?,
                )
            }
            None => None,
        };
        if ctx.json {
            output::print_json(&PushedJson {
                reference: &pushed.reference,
                digest: &pushed.manifest_digest,
                size: pushed.layer_size,
                layer_digest: &pushed.layer_digest,
                manifest_size: pushed.manifest_size,
                blobs_reused: pushed.blobs_reused,
                provenance: referrer.as_ref().map(|r| ReferrerJson {
                    digest: &r.digest,
                    referrers_tag: r.fallback_tag.as_deref(),
                }),
            });
        } else {
            let claims = admitted.claims();
            let name = claims
                .and_then(|c| c.metadata.name.as_deref())
                .map(escape)
                .unwrap_or_else(|| "unsigned actor".into());
            let version = claims
                .and_then(|c| c.metadata.ver.as_deref())
                .map(|v| format!(" {}", escape(v)))
                .unwrap_or_default();
            println!(
                "pushed {name}{version} ({}, {}) to {}",
                admitted.kind(),
                size_text(pushed.layer_size),
                escape(&pushed.reference)
            );
            println!("digest: {}", pushed.manifest_digest);
            if let Some(r) = &referrer {
                println!(
                    "provenance: {} (a referrer of the manifest{})",
                    r.digest,
                    r.fallback_tag
                        .as_deref()
                        .map(|t| format!(", listed at the tag {t}"))
                        .unwrap_or_default()
                );
            }
        }
        Ok(Outcome::Success)
    }

    /// FILE, else the project's signed artifact.
    fn file_to_push(&self) -> anyhow::Result<PathBuf> {
        if let Some(file) = &self.file {
            return Ok(file.clone());
        }
        let cwd = std::env::current_dir()?;
        let project = Project::find(&cwd)?.context(
            "no FILE given and no wzt.toml in this directory or above: name the .wasm to push, or run inside a project",
        )?;
        let signed = project.signed_artifact()?;
        if !signed.is_file() {
            bail!(
                "the project's signed artifact {} does not exist; build and sign it first (`wzt sign`)",
                signed.display()
            );
        }
        Ok(signed)
    }

    /// Reads `file` and admits it under the policy, hashing the layer on another thread
    /// meanwhile (`None` when that thread failed: the push hashes it again).
    fn verify(
        &self,
        policy: &crate::policy::Policy,
        file: &Path,
        now: u64,
    ) -> anyhow::Result<(Result<Admitted, Rejection>, Option<Layer>)> {
        let bytes = bytes::Bytes::from(super::artifact::read_artifact(file)?);
        Ok(std::thread::scope(|s| {
            let layer = s.spawn(|| Layer::new(bytes.clone()));
            let admission = admit(bytes.clone(), policy, now, Grants::none());
            (admission, layer.join().ok())
        }))
    }
}
