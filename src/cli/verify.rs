//! `wzt verify`: decide, against a trust policy, whether artifacts may run.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use serde_json::json;

use super::output::{self, escape};
use super::{Ctx, Outcome, keysource};
use crate::policy::{Policy, PolicyFile, parse_duration};
use crate::verify::{Examined, Failure, evaluate, examine};

/// Verify signatures and claims against a trust policy.
///
/// Exit 0 when every file passes, 1 when any fails a check, 2 when a file cannot be read.
/// Without --policy or --trusted-issuer, the account keys in the key store are trusted.
#[derive(Debug, Args)]
pub struct Opts {
    /// The .wasm files to verify.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    policy: PolicyOpts,
}

/// The trust policy knobs, as flags. They add to (lists) or override (values) the policy file.
#[derive(Debug, Clone, Args)]
pub struct PolicyOpts {
    /// A TOML trust policy (`wzt policy init` writes one to start from).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Trust this issuer: an account public key or a store key name (repeatable).
    #[arg(long = "trusted-issuer", value_name = "KEY")]
    pub trusted_issuers: Vec<String>,
    /// Clock skew tolerated for expiry and not-before, e.g. 30s [default: 0s].
    #[arg(long, value_name = "DURATION")]
    pub leeway: Option<String>,
    /// Accept artifacts that carry no signature.
    #[arg(long)]
    pub allow_unsigned: bool,
    /// Require this capability to be granted (repeatable).
    #[arg(long = "require-cap", value_name = "CAP")]
    pub required_caps: Vec<String>,
    /// Reject grants outside these capabilities (repeatable).
    #[arg(long = "allow-cap", value_name = "CAP")]
    pub allowed_caps: Vec<String>,
    /// Reject tokens issued longer ago than this, e.g. 90d.
    #[arg(long, value_name = "DURATION")]
    pub max_age: Option<String>,
    /// Reject tokens that never expire.
    #[arg(long)]
    pub require_expiry: bool,
    /// Reject this token id (jti) or subject key (repeatable).
    #[arg(long = "revoke", value_name = "ID")]
    pub revoked: Vec<String>,
    /// Reject claims without a name and a version.
    #[arg(long)]
    pub require_name_version: bool,
}

impl PolicyOpts {
    /// Merges the policy file with the flags, resolves key names, and applies the default
    /// trust (the store's account keys) when no issuer is named anywhere.
    pub fn build(&self, ctx: &Ctx) -> anyhow::Result<Policy> {
        let mut file = match &self.policy {
            Some(path) => PolicyFile::load(path)?,
            None => PolicyFile::default(),
        };
        let named_issuers = file.trusted_issuers.is_some() || !self.trusted_issuers.is_empty();
        file.trusted_issuers
            .get_or_insert_default()
            .extend(self.trusted_issuers.iter().cloned());
        file.allow_unsigned |= self.allow_unsigned;
        file.required_caps
            .extend(self.required_caps.iter().cloned());
        if !self.allowed_caps.is_empty() {
            file.allowed_caps
                .get_or_insert_default()
                .extend(self.allowed_caps.iter().cloned());
        }
        if let Some(d) = &self.max_age {
            parse_duration(d).map_err(|e| anyhow::anyhow!("--max-age: {e}"))?;
            file.max_age = Some(d.clone());
        }
        if let Some(d) = &self.leeway {
            parse_duration(d).map_err(|e| anyhow::anyhow!("--leeway: {e}"))?;
            file.leeway = Some(d.clone());
        }
        file.require_expiry |= self.require_expiry;
        file.revoked.extend(self.revoked.iter().cloned());
        file.require_name_version |= self.require_name_version;

        let store = ctx.store();
        let mut policy = Policy::from_file(file, |entry| match &store {
            Ok(store) => keysource::resolve_issuer(entry, store).map_err(|e| format!("{e:#}")),
            Err(e) => Err(format!("{e:#}")),
        })?;
        if !named_issuers && let Ok(store) = &store {
            policy.trusted_issuers = store.account_public_keys()?;
        }
        Ok(policy)
    }
}

/// Opens and examines one artifact; errors here are input errors (exit 2).
pub fn examine_path(path: &Path) -> anyhow::Result<(Examined, BufReader<File>)> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let len = file.metadata()?.len();
    let mut reader = BufReader::with_capacity(64 << 10, file);
    let examined =
        examine(&mut reader, len).with_context(|| format!("cannot read {}", path.display()))?;
    Ok((examined, reader))
}

impl Opts {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let policy = self.policy.build(ctx)?;
        let now = crate::time::now();
        let mut outcome = Outcome::Success;
        let mut results = Vec::new();
        for path in &self.files {
            match examine_path(path) {
                Ok((examined, _)) => {
                    let failures = evaluate(&examined, &policy, now);
                    if !failures.is_empty() {
                        outcome = outcome.worst(Outcome::CheckFailed);
                    }
                    if ctx.json {
                        results.push(result_json(path, &examined, &failures));
                    } else {
                        print_human(ctx, path, &examined, &failures);
                    }
                }
                Err(e) => {
                    outcome = outcome.worst(Outcome::InputError);
                    let message = format!("{e:#}");
                    if ctx.json {
                        results.push(json!({ "file": path, "ok": false, "error": message }));
                    } else {
                        eprintln!("error: {message}");
                    }
                }
            }
        }
        if ctx.json {
            output::print_json(&serde_json::Value::Array(results));
        }
        Ok(outcome)
    }
}

fn print_human(ctx: &Ctx, path: &Path, examined: &Examined, failures: &[Failure]) {
    if failures.is_empty() {
        let what = match examined.claims() {
            Some(c) => format!(
                "{}{}, issuer {}",
                escape(c.metadata.name.as_deref().unwrap_or("unnamed")),
                c.metadata
                    .ver
                    .as_deref()
                    .map(|v| format!(" {}", escape(v)))
                    .unwrap_or_default(),
                c.issuer
            ),
            None => "unsigned, allowed by the policy".to_string(),
        };
        println!(
            "{} {} ({what})",
            output::paint(ctx, "PASS", true),
            path.display()
        );
    } else {
        println!("{} {}", output::paint(ctx, "FAIL", false), path.display());
        for f in failures {
            println!("  [{}] {f}", f.code());
        }
    }
}

fn result_json(path: &Path, examined: &Examined, failures: &[Failure]) -> serde_json::Value {
    let claims = examined.claims();
    json!({
        "file": path,
        "ok": failures.is_empty(),
        "signed": examined.is_signed(),
        "kind": examined.layout.kind,
        "module_hash": examined.module_hash,
        "issuer": claims.map(|c| &c.issuer),
        "subject": claims.map(|c| &c.subject),
        "jti": claims.map(|c| &c.id),
        "failures": failures
            .iter()
            .map(|f| json!({ "code": f.code(), "message": f.to_string() }))
            .collect::<Vec<_>>(),
    })
}
