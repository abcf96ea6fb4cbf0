//! `wzt lattice endorse`: the cluster key signs a host's server key, for a host that must not
//! hold the cluster seed.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Args;
use serde::Serialize;

use super::super::output::{self, escape};
use super::super::{Ctx, Outcome};
use crate::keys::{self, KeyRole};
use crate::lattice;

/// Endorse a host's server key with a cluster key, for a host that must not hold the cluster
/// seed: start it with `wzt run … --host-key NAME --endorsement FILE`.
#[derive(Debug, Args)]
pub(super) struct EndorseOpts {
    /// The host's server public key (N…): `wzt keys show NAME` on the host.
    #[arg(value_name = "HOST_PUBKEY")]
    host: String,
    /// The cluster key (store name, generated on first use) that signs [default: cluster].
    #[arg(long, value_name = "NAME")]
    cluster_key: Option<String>,
    /// The lattice the endorsement is for.
    #[arg(long, default_value = lattice::DEFAULT_LATTICE, value_name = "NAME")]
    lattice_name: String,
    /// How long the endorsement is valid, e.g. 12h (at most --max-endorsement).
    #[arg(long, default_value = "24h", value_name = "DURATION")]
    expires: String,
    /// The longest endorsement made: hosts refuse longer ones (their --max-endorsement or
    /// policy max_endorsement, 24h unless set).
    #[arg(long, default_value = "24h", value_name = "DURATION")]
    max_endorsement: String,
    /// Write the endorsement to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

/// `wzt lattice endorse --json` (field names are stable: README).
#[derive(Serialize)]
struct EndorsedJson<'a> {
    endorsement: &'a str,
    jti: String,
    host: &'a str,
    cluster: &'a str,
    lattice: &'a str,
    issued_at: u64,
    expires: u64,
    output: Option<&'a std::path::Path>,
}

impl EndorseOpts {
    pub(super) fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        check_host_key(&self.host)?;
        let store = ctx.store()?;
        let name = self.cluster_key.as_deref().unwrap_or("cluster");
        let cluster = super::super::lattice_args::cluster_seed(&store, name)?;
        let lifetime = crate::time::parse_duration(&self.expires)
            .map_err(|e| anyhow::anyhow!("--expires: {e}"))?;
        if lifetime == 0 {
            bail!("--expires must be longer than 0s");
        }
        let max = crate::time::parse_duration(&self.max_endorsement)
            .map_err(|e| anyhow::anyhow!("--max-endorsement: {e}"))?;
        if lifetime > max {
            bail!(
                "--expires {} is longer than the longest endorsement hosts accept, {} (--max-endorsement): a stolen host key would speak that long; endorse for less and renew",
                self.expires,
                self.max_endorsement
            );
        }
        let now = crate::time::now();
        let token = lattice::endorse(&cluster, &self.host, &self.lattice_name, now, lifetime)?;
        if let Some(path) = &self.output {
            let text = format!("{token}\n");
            crate::fsutil::write_atomically(path, None, crate::fsutil::Existing::Replace, |w| {
                w.write_all(text.as_bytes())
            })
            .with_context(|| format!("cannot write {}", path.display()))?;
        }
        if ctx.json {
            output::print_json(&EndorsedJson {
                jti: lattice::endorsement_id(&token),
                endorsement: &token,
                host: &self.host,
                cluster: cluster.public_key(),
                lattice: &self.lattice_name,
                issued_at: now,
                expires: now + lifetime,
                output: self.output.as_deref(),
            });
        } else if let Some(path) = &self.output {
            eprintln!(
                "wzt: endorsed host {} for lattice {} until {} (cluster {}); wrote {}",
                self.host,
                self.lattice_name,
                crate::time::rfc3339(now + lifetime),
                cluster.public_key(),
                path.display()
            );
        } else {
            println!("{token}");
        }
        Ok(Outcome::Success)
    }
}

/// `HOST_PUBKEY` must be a server public key; anything else is refused saying what it is and
/// where the right key comes from (a seed is never echoed).
fn check_host_key(text: &str) -> anyhow::Result<()> {
    const WHERE: &str = "`wzt lattice endorse` needs the host's server public key (N…): on the host, `wzt keys gen server --name NAME` makes one and `wzt keys show NAME` prints it";
    if keys::looks_like_seed(text.trim()) {
        bail!("HOST_PUBKEY looks like a seed (not shown here, it is a secret); {WHERE}");
    }
    match keys::parse_public_key(text.trim()) {
        Ok((KeyRole::Server, _)) => Ok(()),
        Ok((role, _)) => bail!(
            "{} is {} public key; {WHERE}",
            escape(text.trim()),
            role.with_article()
        ),
        Err(e) => bail!(
            "'{}' is not a public key ({e}); {WHERE}",
            escape(text.trim())
        ),
    }
}
