//! The trust-policy flags that `verify`, `run` (and every command that admits an actor) share.

use std::path::PathBuf;

use clap::Args;

use super::{Ctx, keysource};
use crate::policy::{Policy, PolicyFile};
use crate::time::parse_duration;

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
    /// Reject kv, httpclient, msg and config grants that carry no per-resource scopes.
    #[arg(long)]
    pub require_scoped: bool,
    /// Scopes of KIND must be inside PATTERN, e.g. httpclient.host='*.example.com' (repeatable).
    #[arg(long = "allow-scope", value_name = "KIND=PATTERN", value_parser = parse_scope_pattern)]
    pub allowed_scopes: Vec<(crate::scopes::ScopeKind, String)>,
    /// Require a provenance signed by a trusted issuer whose subject is the artifact (beside
    /// the file as <stem>.intoto.json, --provenance FILE, or the registry's referrer).
    #[arg(long)]
    pub require_provenance: bool,
    /// Accept only artifacts whose provenance names this source repository: a URL, or a
    /// prefix ending in /* (repeatable; implies --require-provenance).
    #[arg(long = "source-repo", value_name = "URL")]
    pub source_repos: Vec<String>,
    /// Accept only artifacts whose provenance records a clean git working tree (implies
    /// --require-provenance).
    #[arg(long)]
    pub require_clean_tree: bool,
}

/// `KIND=PATTERN` of `--allow-scope`.
fn parse_scope_pattern(text: &str) -> Result<(crate::scopes::ScopeKind, String), String> {
    crate::scopes::parse_flag(text).map_err(|e| e.to_string())
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
        file.require_scoped |= self.require_scoped;
        file.require_provenance |= self.require_provenance;
        file.source_repos.extend(self.source_repos.iter().cloned());
        file.require_clean_tree |= self.require_clean_tree;

        let store = ctx.store();
        let mut policy = Policy::from_file(file, |entry| match &store {
            Ok(store) => keysource::resolve_issuer(entry, store).map_err(|e| format!("{e:#}")),
            Err(e) => Err(format!("{e:#}")),
        })?;
        if !named_issuers && let Ok(store) = &store {
            let accounts = store.account_public_keys()?;
            keysource::report_invalid_entries(&accounts);
            policy.trusted_issuers = accounts.public_keys;
        }
        for (kind, pattern) in &self.allowed_scopes {
            policy
                .allowed_scopes
                .entry(*kind)
                .or_default()
                .push(pattern.clone());
        }
        Ok(policy)
    }
}
