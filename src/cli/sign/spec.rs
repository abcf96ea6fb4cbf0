//! The claims `wzt sign` writes: the flags over the project's values.

use anyhow::bail;

use super::Opts;
use crate::sign::{ClaimsSpec, Grant};

impl Opts {
    /// The claims the flags ask for, on top of the project's when there is one.
    pub(super) fn claims_spec(
        &self,
        now: u64,
        base: Option<ClaimsSpec>,
    ) -> anyhow::Result<ClaimsSpec> {
        let mut spec = base.unwrap_or(ClaimsSpec {
            name: None,
            ver: None,
            rev: None,
            tags: Vec::new(),
            grant: Grant::Unstated,
            scopes: Default::default(),
            call_alias: None,
            expires: None,
            not_before: None,
            issued_at: now,
        });
        if !self.caps.is_empty() {
            spec.grant = Grant::from_words(&self.caps)?;
        }
        let time = |flag: &str, value: &Option<String>| {
            value
                .as_deref()
                .map(|v| crate::time::parse_time(v, now))
                .transpose()
                .map_err(|e| anyhow::anyhow!("{flag}: {e}"))
        };
        if let Some(alias) = &self.call_alias {
            crate::sign::validate_call_alias(alias)?;
            spec.call_alias = Some(alias.clone());
        }
        if self.tags.iter().any(|t| t.is_empty()) {
            bail!("--tag: a tag cannot be empty");
        }
        if !self.tags.is_empty() {
            spec.tags = self.tags.clone();
        }
        if !self.scopes.is_empty() {
            spec.scopes = crate::scopes::Scopes::new();
            for (kind, value) in &self.scopes {
                spec.scopes.insert(*kind, value)?;
            }
        }
        spec.name = self.name.clone().or(spec.name);
        spec.ver = self.ver.clone().or(spec.ver);
        spec.rev = self.rev.or(spec.rev);
        spec.expires = time("--expires", &self.expires)?;
        spec.not_before = time("--not-before", &self.not_before)?;
        Ok(spec)
    }
}
