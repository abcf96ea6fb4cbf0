//! `wzt lattice revoke`: a cluster key revokes host keys or endorsements lattice-wide.

use anyhow::{Context as _, bail};
use clap::Args;
use serde::Serialize;

use super::super::lattice_args::DEFAULT_URL;
use super::super::nats_args::NatsArgs;
use super::super::output::{self, escape};
use super::super::{Ctx, Outcome};
use crate::keys::KeyRole;
use crate::lattice::{self, revocation};

/// Revoke hosts lattice-wide: every host drops their messages from now on (code `revoked`),
/// also hosts that start later (the revocation is stored in the lattice's JetStream bucket).
///
/// Give a host's server key (N…) to revoke every endorsement of it, or an endorsement's id
/// (`wzt lattice endorse --json` prints it as `jti`) to revoke that one. The revocation is
/// signed by a cluster key the hosts trust; a revocation is permanent: give a revoked host a
/// new key.
#[derive(Debug, Args)]
pub struct RevokeOpts {
    /// What to revoke: host server keys (N…) or endorsement ids.
    #[arg(value_name = "N…|ENDORSEMENT_ID", required = true)]
    subjects: Vec<String>,
    /// Why, shown by every host that drops a message for it (at most 200 characters).
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
    /// The cluster key (store name) that signs; it must exist and the hosts must trust it
    /// [default: cluster].
    #[arg(long, value_name = "NAME")]
    cluster_key: Option<String>,
    /// The lattice the revocation is for.
    #[arg(long, default_value = lattice::DEFAULT_LATTICE, value_name = "NAME")]
    lattice_name: String,
    /// The NATS server, nats://HOST:PORT or tls://HOST:PORT [default: nats://127.0.0.1:4222].
    #[arg(long, value_name = "nats|tls://HOST:PORT")]
    lattice: Option<String>,
    #[command(flatten)]
    nats: NatsArgs,
}

/// `wzt lattice revoke --json` (field names are stable: README).
#[derive(Serialize)]
struct RevokeJson<'a> {
    lattice: &'a str,
    cluster: &'a str,
    reason: Option<&'a str>,
    stored: bool,
    bucket: Option<String>,
    revoked: Vec<RevokedJson<'a>>,
}

#[derive(Serialize)]
struct RevokedJson<'a> {
    subject: &'a str,
    kind: &'a str,
    jti: &'a str,
}

impl RevokeOpts {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let store = ctx.store()?;
        let name = self.cluster_key.as_deref().unwrap_or("cluster");
        // Never generated here: a new cluster key is trusted by no host.
        if !store.contains(name)? {
            bail!(
                "no cluster key '{name}' in {}: a revocation is signed by the cluster key the hosts trust (--cluster-key NAME)",
                store.dir().display()
            );
        }
        let cluster = store
            .load(name)
            .with_context(|| format!("--cluster-key {name}"))?;
        if cluster.role() != KeyRole::Cluster {
            bail!(
                "--cluster-key {name} is {} key; revocations are signed by a cluster key (C…)",
                cluster.role().with_article()
            );
        }
        let now = crate::time::now();
        let revocations = self
            .subjects
            .iter()
            .map(|subject| {
                revocation::revoke(
                    &cluster,
                    subject.trim(),
                    &self.lattice_name,
                    self.reason.as_deref(),
                    now,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let url = self.lattice.clone().unwrap_or_else(|| DEFAULT_URL.into());
        let connection = self.nats.connection(&url, ctx)?;
        let runtime = super::super::host_args::runtime()?;
        let published = runtime.block_on(revocation::publish(
            &connection,
            &self.lattice_name,
            &revocations,
        ))?;
        let (stored, bucket) = match &published {
            revocation::Published::Stored { bucket } => (true, Some(bucket.clone())),
            revocation::Published::NotStored { .. } => (false, None),
        };
        if ctx.json {
            output::print_json(&RevokeJson {
                lattice: &self.lattice_name,
                cluster: cluster.public_key(),
                reason: self.reason.as_deref(),
                stored,
                bucket,
                revoked: revocations
                    .iter()
                    .map(|r| RevokedJson {
                        subject: &r.subject,
                        kind: r.kind.as_str(),
                        jti: &r.jti,
                    })
                    .collect(),
            });
        }
        for r in &revocations {
            eprintln!(
                "wzt: revoked {} {} on lattice {} (revocation {}, signed by the cluster key {})",
                r.kind.as_str(),
                escape(&r.subject),
                self.lattice_name,
                r.jti,
                cluster.public_key()
            );
        }
        match published {
            revocation::Published::Stored { bucket } => {
                eprintln!(
                    "wzt: stored in {bucket}: every host drops these messages, also hosts that start later"
                );
                Ok(Outcome::Success)
            }
            revocation::Published::NotStored { why } => bail!(
                "the NATS server offers no JetStream ({}): the hosts connected now received the revocation, but nothing stored it, so hosts that start later do not know it; run nats-server with -js and revoke again",
                escape(&why)
            ),
        }
    }
}
