//! The trust policy (docs/design.md §4): a TOML file whose knobs the CLI also takes as flags.

use std::path::Path;

use serde::Deserialize;

use crate::caps::{CapabilityId, Grants};
use crate::time::parse_duration;

/// The policy as written in the file. Unknown keys are an error: a misspelt knob must not
/// silently weaken a policy.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// Account public keys, or names of keys in the local store.
    pub trusted_issuers: Option<Vec<String>>,
    #[serde(default)]
    pub allow_unsigned: bool,
    #[serde(default)]
    pub required_caps: Vec<String>,
    pub allowed_caps: Option<Vec<String>>,
    pub max_age: Option<String>,
    #[serde(default)]
    pub require_expiry: bool,
    pub leeway: Option<String>,
    #[serde(default)]
    pub revoked: Vec<String>,
    #[serde(default)]
    pub require_name_version: bool,
    /// kv, httpclient, msg and config must be granted with per-resource scopes.
    #[serde(default)]
    pub require_scoped: bool,
    /// Patterns each scope must be inside, by kind: `"httpclient.host" = ["*.example.com"]`
    /// (`*` in bucket and key patterns stands for any run of characters).
    #[serde(default)]
    pub allowed_scopes: toml::Table,
    /// Artifacts must come with a provenance signed by a trusted issuer (docs/design.md §15).
    #[serde(default)]
    pub require_provenance: bool,
    /// The repositories an artifact's provenance may name as its source (URLs, or a URL
    /// prefix ending in `/*`); when set, a provenance is required.
    #[serde(default)]
    pub source_repos: Vec<String>,
    /// The provenance must record a clean git working tree; implies a provenance.
    #[serde(default)]
    pub require_clean_tree: bool,
    /// The longest a lattice host's endorsement may be valid (docs/design.md §13).
    pub max_endorsement: Option<String>,
}

/// The largest policy file read (real ones are a few hundred bytes).
pub const MAX_POLICY_FILE: u64 = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read, or is not one wzt reads (a FIFO, a device, too large).
    #[error("policy file: {0}")]
    Read(#[from] crate::fsutil::FileError),
    #[error("policy file {path} is not valid: {message}")]
    Parse { path: String, message: String },
    #[error("policy field {field}: {message}")]
    Field {
        field: &'static str,
        message: String,
    },
}

impl PolicyFile {
    /// Reads a policy file: a regular file (a symbolic link to one is followed) of at most
    /// [`MAX_POLICY_FILE`], UTF-8 TOML.
    pub fn load(path: &Path) -> Result<PolicyFile, PolicyError> {
        let text = crate::fsutil::read_named_text(path, MAX_POLICY_FILE)?;
        toml::from_str(&text).map_err(|e| PolicyError::Parse {
            path: path.display().to_string(),
            // The error quotes the offending line, which may hold a pasted seed.
            message: crate::text::redact_seeds(&e.to_string()),
        })
    }
}

/// A policy ready to apply: capabilities resolved to contract ids, durations in seconds,
/// issuers as public keys.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub trusted_issuers: Vec<String>,
    pub allow_unsigned: bool,
    pub required_caps: Vec<CapabilityId>,
    /// When set, a grant outside it fails (signed or unsigned).
    pub allowed_caps: Option<Grants>,
    pub max_age: Option<u64>,
    pub require_expiry: bool,
    pub leeway: u64,
    pub revoked: Vec<String>,
    pub require_name_version: bool,
    /// kv, httpclient, msg and config must be scoped (`unscoped_grant`).
    pub require_scoped: bool,
    /// Per kind, the patterns scopes must be inside (`scope_not_allowed`); a capability with
    /// a kind here must be scoped.
    pub allowed_scopes: std::collections::BTreeMap<crate::scopes::ScopeKind, Vec<String>>,
    pub require_provenance: bool,
    pub source_repos: Vec<String>,
    pub require_clean_tree: bool,
    /// Seconds; `None`: the lattice's default (24 h).
    pub max_endorsement: Option<u64>,
}

impl Policy {
    /// Whether the policy has a provenance rule: then an artifact without provenance fails
    /// (`no_provenance`).
    pub fn requires_provenance(&self) -> bool {
        self.require_provenance || !self.source_repos.is_empty() || self.require_clean_tree
    }

    /// Resolves a policy file. `trusted_issuers` entries go through `resolve_issuer` (key names
    /// become public keys). Default trust, when nobody names an issuer, is the caller's choice.
    pub fn from_file<E: std::fmt::Display>(
        file: PolicyFile,
        resolve_issuer: impl Fn(&str) -> Result<String, E>,
    ) -> Result<Policy, PolicyError> {
        let field =
            |field: &'static str| move |message: String| PolicyError::Field { field, message };
        let resolve_caps = |list: &[String], name: &'static str| {
            list.iter()
                .map(|c| CapabilityId::parse(c).map_err(|e| field(name)(e.to_string())))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Policy {
            trusted_issuers: file
                .trusted_issuers
                .unwrap_or_default()
                .iter()
                .map(|i| resolve_issuer(i).map_err(|e| field("trusted_issuers")(e.to_string())))
                .collect::<Result<_, _>>()?,
            allow_unsigned: file.allow_unsigned,
            required_caps: resolve_caps(&file.required_caps, "required_caps")?,
            allowed_caps: file
                .allowed_caps
                .as_deref()
                .map(|l| resolve_caps(l, "allowed_caps").map(Grants::from_iter))
                .transpose()?,
            max_age: file
                .max_age
                .as_deref()
                .map(|d| parse_duration(d).map_err(field("max_age")))
                .transpose()?,
            require_expiry: file.require_expiry,
            leeway: file
                .leeway
                .as_deref()
                .map(|d| parse_duration(d).map_err(field("leeway")))
                .transpose()?
                .unwrap_or(0),
            revoked: file.revoked,
            require_name_version: file.require_name_version,
            require_scoped: file.require_scoped,
            allowed_scopes: {
                let scopes =
                    crate::scopes::Scopes::from_toml(&file.allowed_scopes, "allowed_scopes")
                        .map_err(|e| field("allowed_scopes")(e.to_string()))?;
                scopes
                    .kinds()
                    .map(|k| (k, scopes.values(k).map(str::to_string).collect()))
                    .collect()
            },
            require_provenance: file.require_provenance,
            source_repos: file.source_repos,
            require_clean_tree: file.require_clean_tree,
            max_endorsement: file
                .max_endorsement
                .as_deref()
                .map(|d| parse_duration(d).map_err(field("max_endorsement")))
                .transpose()?,
        })
    }
}

/// The commented policy file `wzt policy init` writes.
pub const POLICY_TEMPLATE: &str = r#"# wzt trust policy. Every field is optional; the values shown are the defaults unless noted.
# Use it with: wzt verify --policy policy.toml FILE...   and   wzt run --policy policy.toml ACTOR

# Account public keys (A...) or names of keys in your wzt key store whose signatures you trust.
# When no policy lists issuers and no --trusted-issuer is given, the account keys in your key
# store are trusted. Listing issuers here replaces that default.
# trusted_issuers = ["ACCOUNTPUBLICKEY...", "account"]

# Accept artifacts that carry no signature at all.
allow_unsigned = false

# Capabilities (aliases such as http, kv, log, or contract ids) every artifact must be granted.
required_caps = []

# When set, an artifact granted anything outside this list is rejected.
# allowed_caps = ["http", "kv", "log"]

# Reject tokens issued longer ago than this (s, m, h, d).
# max_age = "90d"

# Reject tokens that never expire.
require_expiry = false

# Clock skew tolerated for expiry and not-before.
leeway = "0s"

# Revoked token ids (jti) or subject (module) public keys.
revoked = []

# Reject artifacts whose claims carry no name or no version.
require_name_version = false

# Require a provenance (`<stem>.intoto.json` beside the file, or the registry's referrer)
# signed by a trusted issuer whose subject is the artifact. `wzt build` writes one.
require_provenance = false

# The repositories a provenance may name as the source (URLs, or a prefix ending in /*).
# Setting it requires a provenance.
# source_repos = ["https://github.com/acme/*"]

# The provenance must record a clean git working tree (no uncommitted changes).
require_clean_tree = false

# On a lattice (wzt run --lattice): refuse hosts whose endorsement is valid longer than this.
# max_endorsement = "24h"

# Require per-resource scopes on the kv, httpclient, msg and config grants (signed with
# `wzt sign --scope`): a grant of the whole capability fails with unscoped_grant.
require_scoped = false

# Patterns each scope must be inside (scope_not_allowed otherwise); a capability listed here
# must be scoped. `*` in bucket and key patterns stands for any run of characters; subjects
# take NATS wildcards; hosts `*.example.com`.
# [allowed_scopes]
# "httpclient.host" = ["*.example.com"]
# "kv.bucket" = ["app-*"]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(name: &str) -> Result<String, String> {
        Ok(format!("resolved-{name}"))
    }

    #[test]
    fn the_template_parses_to_the_defaults() {
        let file: PolicyFile = toml::from_str(POLICY_TEMPLATE).unwrap();
        let policy = Policy::from_file(file, ok).unwrap();
        assert!(policy.trusted_issuers.is_empty());
        assert!(!policy.allow_unsigned);
        assert_eq!(policy.leeway, 0);
        assert_eq!(policy.allowed_caps, None);
    }

    #[test]
    fn fields_are_resolved() {
        let file: PolicyFile = toml::from_str(
            r#"trusted_issuers = ["account"]
required_caps = ["kv"]
allowed_caps = ["http", "wasmcloud:keyvalue"]
max_age = "90d"
leeway = "30s"
"#,
        )
        .unwrap();
        let policy = Policy::from_file(file, ok).unwrap();
        assert_eq!(policy.trusted_issuers, vec!["resolved-account"]);
        assert_eq!(
            policy.required_caps,
            vec![CapabilityId::Known(crate::caps::Capability::KeyValue)]
        );
        assert_eq!(
            policy.allowed_caps.unwrap().contract_ids(),
            vec!["wasmcloud:httpserver", "wasmcloud:keyvalue"]
        );
        assert_eq!(policy.max_age, Some(90 * 86400));
        assert_eq!(policy.leeway, 30);
    }

    #[test]
    fn the_provenance_knobs_read_and_any_of_them_requires_provenance() {
        let file: PolicyFile = toml::from_str(POLICY_TEMPLATE).unwrap();
        assert!(!Policy::from_file(file, ok).unwrap().requires_provenance());
        for text in [
            "require_provenance = true",
            "source_repos = [\"https://github.com/acme/*\"]",
            "require_clean_tree = true",
        ] {
            let file: PolicyFile = toml::from_str(text).unwrap();
            assert!(
                Policy::from_file(file, ok).unwrap().requires_provenance(),
                "{text}"
            );
        }
        assert!(toml::from_str::<PolicyFile>("require_provenence = true").is_err());
    }

    #[test]
    fn typos_and_bad_values_are_errors() {
        assert!(toml::from_str::<PolicyFile>("alow_unsigned = true").is_err());
        let file: PolicyFile = toml::from_str(r#"max_age = "soon""#).unwrap();
        let err = Policy::from_file(file, ok).unwrap_err().to_string();
        assert!(err.starts_with("policy field max_age:"), "{err}");
        let file: PolicyFile = toml::from_str(r#"required_caps = ["keyvalue"]"#).unwrap();
        assert!(Policy::from_file(file, ok).is_err());
    }
}
