//! `wzt verify`: decide, against a trust policy, whether artifacts may run.

use std::path::{Path, PathBuf};

use clap::Args;

use super::artifact::examine_source;
use super::output;
use super::policy_args::{PolicyOpts, TrustUsed};
use super::provenance_args::{self, ProvenanceOpts, Verdict};
use super::registry_args::{FetchFailure, RegistryOpts};
use super::{Ctx, Outcome};
use crate::caps::Grants;
use crate::text::escape_lines;
use crate::verify::{Examined, Failure, evaluate};
use crate::wasm::WasmError;

/// Verify signatures and claims against a trust policy.
///
/// Exit 0 when every file passes, 1 when any fails a check, 2 when a file cannot be read.
/// The policy file is --policy, else WZT_POLICY, else $XDG_CONFIG_HOME/wzt/policy.toml when it
/// exists; a line on stderr before the first verdict says which, and whom it trusts. Without trusted issuers
/// named there or with --trusted-issuer, the account keys in the key store are trusted (public
/// keys imported with `wzt keys import` too). An
/// oci://REF is fetched from the registry (through the blob cache, its digests checked) and
/// verified like a file. Without FILE, inside a project, its signed artifact. With a provenance
/// rule in the policy (--require-provenance, --source-repo, --require-clean-tree) or
/// --provenance, the artifact's provenance is checked too: <stem>.intoto.json beside the file,
/// or the registry's referrer for oci://REF.
#[derive(Debug, Args)]
pub struct Opts {
    /// The .wasm files (or oci://REGISTRY/REPOSITORY:TAG references) to verify [default: the
    /// signed artifact of the wzt.toml project here].
    #[arg(value_name = "FILE|oci://REF")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    policy: PolicyOpts,
    #[command(flatten)]
    provenance: ProvenanceOpts,
    #[command(flatten)]
    registry: RegistryOpts,
    #[command(flatten)]
    pub(super) format: super::output::FormatOpt,
}

impl Opts {
    pub fn run(mut self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        if self.files.is_empty() {
            self.files = vec![super::artifact::project_signed_artifact("verify")?];
        }
        provenance_args::one_artifact_only(&self.provenance, self.files.len())?;
        let (policy, used) = self.policy.build_telling(ctx)?;
        // Said once, before the first verdict (a file that cannot be read is judged by none).
        let mut policy_said = ctx.json;
        let now = crate::time::now();
        let mut outcome = Outcome::Success;
        let mut results = Vec::new();
        for path in &self.files {
            match examine_source(ctx, path, &self.registry) {
                Ok((examined, mut reader)) => {
                    // `verify` judges the artifact as it is: an unsigned one holds no grants.
                    let mut failures = evaluate(&examined, &policy, now, &Grants::none());
                    let verdict = match self.provenance_of(path, reader.as_mut(), &policy) {
                        Ok(verdict) => verdict,
                        Err(e) => {
                            outcome = outcome.worst(Outcome::InputError);
                            eprintln!("error: {}", escape_lines(&format!("{e:#}"), "  "));
                            continue;
                        }
                    };
                    failures.extend(verdict.failures.iter().cloned());
                    if !failures.is_empty() {
                        outcome = outcome.worst(Outcome::CheckFailed);
                    }
                    if ctx.json {
                        let mut result = result_json(path, &examined, &failures, &used);
                        if let ResultJson::Judged { provenance, .. } = &mut result {
                            *provenance = verdict.json().map(Box::new);
                        }
                        results.push(result);
                    } else {
                        if !policy_said {
                            eprintln!("wzt: policy {}", used.describe());
                            policy_said = true;
                        }
                        print_human(ctx, path, &examined, &failures, &verdict);
                    }
                }
                Err(failure) => {
                    let e = match failure {
                        FetchFailure::Check(e) => {
                            outcome = outcome.worst(Outcome::CheckFailed);
                            e
                        }
                        FetchFailure::Error(e) => {
                            outcome = outcome.worst(Outcome::InputError);
                            e
                        }
                    };
                    let message = format!("{e:#}");
                    if ctx.json {
                        let code = e.downcast_ref::<WasmError>().map(WasmError::code);
                        results.push(ResultJson::Unreadable {
                            file: path,
                            ok: false,
                            error: message,
                            error_code: code,
                        });
                    } else {
                        eprintln!("error: {}", escape_lines(&message, "  "));
                    }
                }
            }
        }
        if ctx.json {
            output::print_json(&results);
        }
        Ok(outcome)
    }
}

impl Opts {
    /// The provenance verdict for one artifact (nothing when the policy has no provenance rule
    /// and no --provenance was given; the artifact is hashed only when needed).
    fn provenance_of(
        &self,
        path: &Path,
        reader: &mut dyn super::artifact::Source,
        policy: &crate::policy::Policy,
    ) -> anyhow::Result<Verdict> {
        if !policy.requires_provenance() && self.provenance.provenance.is_none() {
            return Ok(Verdict::default());
        }
        let sha256 = provenance_args::sha256_of(reader)?;
        self.provenance.check(path, &self.registry, &sha256, policy)
    }
}

fn print_human(
    ctx: &Ctx,
    path: &Path,
    examined: &Examined,
    failures: &[Failure],
    verdict: &Verdict,
) {
    if failures.is_empty() {
        let what = output::claims_line(examined.claims());
        println!(
            "{} {} ({what})",
            output::paint(ctx, "PASS", true),
            path.display()
        );
        if let Some(line) = verdict.line() {
            println!("  {line}");
        }
    } else {
        println!("{} {}", output::paint(ctx, "FAIL", false), path.display());
        for f in failures {
            println!("  [{}] {f}", f.code());
        }
    }
}

/// One file of `wzt verify --json` (field names are stable: README): a verdict, or why the file
/// could not be judged.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum ResultJson<'a> {
    Judged {
        file: &'a Path,
        ok: bool,
        signed: bool,
        kind: crate::wasm::ArtifactKind,
        module_hash: Option<String>,
        issuer: Option<String>,
        subject: Option<String>,
        jti: Option<String>,
        failures: Vec<FailureJson>,
        policy: &'a TrustUsed,
        /// The provenance that passed, when one was checked.
        provenance: Option<Box<super::provenance_args::ProvenanceJson>>,
    },
    Unreadable {
        file: &'a Path,
        ok: bool,
        error: String,
        error_code: Option<&'static str>,
    },
}

#[derive(serde::Serialize)]
struct FailureJson {
    code: &'static str,
    message: String,
}

fn result_json<'a>(
    path: &'a Path,
    examined: &Examined,
    failures: &[Failure],
    used: &'a TrustUsed,
) -> ResultJson<'a> {
    let claims = examined.claims();
    ResultJson::Judged {
        file: path,
        ok: failures.is_empty(),
        signed: examined.is_signed(),
        kind: examined.kind(),
        module_hash: examined.module_hash().map(str::to_string),
        issuer: claims.map(|c| c.issuer.clone()),
        subject: claims.map(|c| c.subject.clone()),
        jti: claims.map(|c| c.id.clone()),
        failures: failures
            .iter()
            .map(|f| FailureJson {
                code: f.code(),
                message: f.to_string(),
            })
            .collect(),
        policy: used,
        provenance: None,
    }
}
