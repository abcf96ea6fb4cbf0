//! The trust-policy flags that `verify`, `run` (and every command that admits an actor) share,
//! the default policy file, and what a command says about the policy and trust it used.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use serde::Serialize;

use super::{Ctx, keysource};
use crate::keys::KeyStore;
use crate::policy::{Policy, PolicyFile};
use crate::time::parse_duration;

/// The environment variable naming the policy file used when `--policy` is not given.
pub const POLICY_ENV: &str = "WZT_POLICY";

/// The trust policy knobs, as flags. They add to (lists) or override (values) the policy file.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Trust policy")]
pub struct PolicyOpts {
    /// A TOML trust policy (`wzt policy init` writes one to start from) [default: WZT_POLICY,
    /// else $XDG_CONFIG_HOME/wzt/policy.toml (~/.config/wzt/policy.toml) when it exists].
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

/// Where the policy file in use came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicySource {
    /// `--policy FILE`.
    Flag,
    /// `WZT_POLICY`.
    Env,
    /// `$XDG_CONFIG_HOME/wzt/policy.toml`.
    Default,
}

/// Where the trusted issuers came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuersFrom {
    /// The account keys in the key store (the default trust).
    KeyStore,
    /// `trusted_issuers` in the policy file and/or `--trusted-issuer`.
    Named,
}

/// The policy and trust a command judged with (`--json`: `policy` in `verify` and `run`).
#[derive(Debug, Clone, Serialize)]
pub struct TrustUsed {
    /// The policy file, when one was used.
    pub file: Option<PathBuf>,
    pub source: Option<PolicySource>,
    pub issuers_from: IssuersFrom,
    pub trusted_issuers: Vec<String>,
    /// Store names of the trusted keys, where the store has them (for people; not in JSON).
    #[serde(skip)]
    names: Vec<Option<String>>,
}

impl TrustUsed {
    /// One line for a person: which policy file, and whom it trusts.
    pub fn describe(&self) -> String {
        let file = match (&self.file, self.source) {
            (Some(path), Some(PolicySource::Flag)) => format!("{} (--policy)", path.display()),
            (Some(path), Some(PolicySource::Env)) => format!("{} ({POLICY_ENV})", path.display()),
            (Some(path), _) => format!("{} (the default policy file)", path.display()),
            (None, _) => "none".to_string(),
        };
        let keys: Vec<String> = self
            .trusted_issuers
            .iter()
            .zip(&self.names)
            .map(|(key, name)| match name {
                Some(name) => crate::text::escape(name),
                None => crate::text::escape(key),
            })
            .collect();
        let trust = match (self.issuers_from, keys.is_empty()) {
            (IssuersFrom::KeyStore, true) => {
                "no issuer: the key store has no account key (`wzt keys gen account`, or `wzt keys import NAME A…` for someone else's)".to_string()
            }
            (IssuersFrom::KeyStore, false) => {
                format!("the key store's account keys: {}", keys.join(", "))
            }
            (IssuersFrom::Named, true) => "no issuer (trusted_issuers is empty)".to_string(),
            (IssuersFrom::Named, false) => format!("issuers {}", keys.join(", ")),
        };
        format!("{file}; trusting {trust}")
    }
}

/// `$XDG_CONFIG_HOME/wzt/policy.toml`, else `~/.config/wzt/policy.toml`.
pub fn default_policy_path() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
    };
    let config = var("XDG_CONFIG_HOME").or_else(|| var("HOME").map(|h| h.join(".config")))?;
    Some(config.join("wzt").join("policy.toml"))
}

/// The store name of each key in `keys` that the store holds.
fn store_names(store: &KeyStore, keys: &[String]) -> Vec<Option<String>> {
    let listed = store.list().unwrap_or_default();
    keys.iter()
        .map(|key| {
            listed
                .iter()
                .find(|k| k.info.as_ref().is_ok_and(|i| &i.public_key == key))
                .map(|k| k.name.clone())
        })
        .collect()
}

impl PolicyOpts {
    /// The policy file to use: `--policy`, else `WZT_POLICY`, else the default file when it
    /// exists.
    fn policy_file(&self) -> anyhow::Result<Option<(PathBuf, PolicySource)>> {
        if let Some(path) = &self.policy {
            return Ok(Some((path.clone(), PolicySource::Flag)));
        }
        if let Some(path) = std::env::var_os(POLICY_ENV).filter(|p| !p.is_empty()) {
            let path = PathBuf::from(path);
            if !path.exists() {
                anyhow::bail!(
                    "{POLICY_ENV} names {}, which does not exist; write one with `wzt policy init {}`, or unset {POLICY_ENV}",
                    path.display(),
                    path.display()
                );
            }
            return Ok(Some((path, PolicySource::Env)));
        }
        Ok(default_policy_path()
            .filter(|p| Path::exists(p))
            .map(|p| (p, PolicySource::Default)))
    }

    /// Merges the policy file with the flags, resolves key names, and applies the default
    /// trust (the store's account keys) when no issuer is named anywhere.
    pub fn build(&self, ctx: &Ctx) -> anyhow::Result<Policy> {
        self.build_telling(ctx).map(|(policy, _)| policy)
    }

    /// [`PolicyOpts::build`], also telling which policy file and which trust it used.
    pub fn build_telling(&self, ctx: &Ctx) -> anyhow::Result<(Policy, TrustUsed)> {
        let chosen = self.policy_file()?;
        let mut file = match &chosen {
            Some((path, PolicySource::Default)) => PolicyFile::load(path)
                .with_context(|| format!("the default policy file {} applies when no --policy is given; fix it, or move it away", path.display()))?,
            Some((path, _)) => PolicyFile::load(path)?,
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
        let names = match &store {
            Ok(store) => store_names(store, &policy.trusted_issuers),
            Err(_) => vec![None; policy.trusted_issuers.len()],
        };
        let (file, source) = chosen.map_or((None, None), |(p, s)| (Some(p), Some(s)));
        let used = TrustUsed {
            file,
            source,
            issuers_from: if named_issuers {
                IssuersFrom::Named
            } else {
                IssuersFrom::KeyStore
            },
            trusted_issuers: policy.trusted_issuers.clone(),
            names,
        };
        Ok((policy, used))
    }
}
