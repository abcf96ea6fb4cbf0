//! The lattice flags `wzt run` and `wzt lattice pub|request|sub` share: where the NATS server
//! is, which lattice, this host's key and endorsement, and which cluster keys are trusted;
//! and which NATS connection options (TLS, credentials) apply.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::Args;

use super::Ctx;
use super::keysource;
use super::nats_args::NatsArgs;
use crate::keys::{self, Key, KeyRole, KeyStore};
use crate::lattice::{self, LatticeConfig, LatticeEvents, ReplayScope, Signer, Trust};
use crate::policy::Policy;

/// The NATS server `wzt lattice` commands use when --lattice is not given.
pub const DEFAULT_URL: &str = "nats://127.0.0.1:4222";

/// The largest endorsement file read.
const MAX_ENDORSEMENT_FILE: u64 = 64 << 10;

#[derive(Debug, Args)]
#[command(next_help_heading = "Lattice")]
pub struct LatticeArgs {
    /// Join a lattice through this NATS server, nats://HOST:PORT or tls://HOST:PORT: the msg
    /// capability then publishes and requests over NATS, every message signed by this host
    /// and checked by its receiver.
    #[arg(long, value_name = "nats|tls://HOST:PORT")]
    pub lattice: Option<String>,
    #[command(flatten)]
    pub nats: NatsArgs,
    /// The lattice's name: hosts of other lattices on the same NATS server are refused
    /// (letters, digits, '_', '-').
    #[arg(long, default_value = lattice::DEFAULT_LATTICE, value_name = "NAME")]
    pub lattice_name: String,
    /// The cluster key (store name) that endorses this host at start, generated on first use
    /// [default: cluster].
    #[arg(long, value_name = "NAME", conflicts_with = "endorsement")]
    pub cluster_key: Option<String>,
    /// This host's server key (store name, generated on first use) [default: a new key for
    /// this run only].
    #[arg(long, value_name = "NAME")]
    pub host_key: Option<String>,
    /// Start with an endorsement made elsewhere by `wzt lattice endorse` for --host-key's
    /// public key, instead of endorsing this host with a cluster key held here.
    #[arg(long, value_name = "FILE", requires = "host_key")]
    pub endorsement: Option<PathBuf>,
    /// Accept messages from hosts endorsed by this cluster key, C… or a stored key name
    /// (repeatable) [default: the cluster keys in the key store].
    #[arg(long = "trusted-cluster", value_name = "KEY|NAME")]
    pub trusted_clusters: Vec<String>,
    /// Refuse hosts whose endorsement is valid longer than this, e.g. 12h (this host's own
    /// too) [default: the policy's max_endorsement, else 24h].
    #[arg(long, value_name = "DURATION")]
    pub max_endorsement: Option<String>,
}

impl LatticeArgs {
    /// Whether a lattice flag other than --lattice was given.
    pub fn any_key_flag(&self) -> bool {
        self.lattice_name != lattice::DEFAULT_LATTICE
            || self.cluster_key.is_some()
            || self.host_key.is_some()
            || self.endorsement.is_some()
            || !self.trusted_clusters.is_empty()
            || self.max_endorsement.is_some()
            || self.nats.any()
    }

    /// The lattice a host joins: this host signing, the trusted clusters checking (with the
    /// longest endorsement `policy` allows), replays checked lattice-wide. Its events are the
    /// runner's to set.
    pub fn host_config(
        &self,
        ctx: &Ctx,
        policy: Option<&Policy>,
        client_name: String,
    ) -> anyhow::Result<LatticeConfig> {
        self.config(ctx, policy, true, client_name, Arc::new(|_| {}))
    }

    /// The NATS server's URL (for `wzt lattice`, [`DEFAULT_URL`] when not given).
    pub fn url(&self) -> String {
        self.lattice.clone().unwrap_or_else(|| DEFAULT_URL.into())
    }

    /// Everything needed to join the lattice: the connection (files read now), this host's
    /// signer when `signing` (an observer only receives, and checks replays by itself), and
    /// whom it trusts (`policy` from `wzt run --policy`, when there is one).
    pub fn config(
        &self,
        ctx: &Ctx,
        policy: Option<&Policy>,
        signing: bool,
        client_name: String,
        events: LatticeEvents,
    ) -> anyhow::Result<LatticeConfig> {
        let max = self.max_endorsement(policy)?;
        Ok(LatticeConfig {
            connection: self.nats.connection(&self.url(), ctx)?,
            signer: if signing {
                Some(self.signer(ctx, max)?)
            } else {
                None
            },
            trust: self.trust(ctx)?.with_max_endorsement(max),
            replay: if signing {
                ReplayScope::Lattice
            } else {
                ReplayScope::Local
            },
            client_name,
            events,
        })
    }

    /// The longest endorsement accepted: --max-endorsement, else the policy's, else 24 h.
    fn max_endorsement(&self, policy: Option<&Policy>) -> anyhow::Result<u64> {
        let max = match &self.max_endorsement {
            Some(d) => crate::time::parse_duration(d)
                .map_err(|e| anyhow::anyhow!("--max-endorsement: {e}"))?,
            None => policy
                .and_then(|p| p.max_endorsement)
                .unwrap_or(lattice::DEFAULT_MAX_ENDORSEMENT_SECS),
        };
        if max == 0 {
            bail!("--max-endorsement must be longer than 0s");
        }
        Ok(max)
    }

    /// This host's signer: its key (named, or new for this run) endorsed now by the cluster key
    /// held here (for an hour, or `max` when shorter), or by the `--endorsement` made
    /// elsewhere (read again from its file after half its life).
    fn signer(&self, ctx: &Ctx, max: u64) -> anyhow::Result<Signer> {
        lattice::validate_lattice_name(&self.lattice_name).map_err(anyhow::Error::msg)?;
        let store = ctx.store()?;
        let now = crate::time::now();
        let host = match &self.host_key {
            Some(name) => keysource::default_key(&store, name, KeyRole::Server, false)?,
            None => Key::generate(KeyRole::Server),
        };
        if let Some(path) = &self.endorsement {
            let source_path = path.clone();
            return Signer::with_endorsement_source(
                host,
                &format!("--endorsement {}", path.display()),
                Box::new(move || read_endorsement(&source_path).map_err(|e| format!("{e:#}"))),
                &self.lattice_name,
                now,
                max,
            )
            .with_context(|| format!("--endorsement {}", path.display()));
        }
        let name = self.cluster_key.as_deref().unwrap_or("cluster");
        let cluster = cluster_seed(&store, name)?;
        Ok(Signer::with_cluster_key(
            host,
            cluster,
            &self.lattice_name,
            now,
            lattice::SELF_ENDORSEMENT_SECS.min(max),
        )?)
    }

    /// The cluster keys this host trusts: --trusted-cluster, else the store's cluster keys.
    fn trust(&self, ctx: &Ctx) -> anyhow::Result<Trust> {
        let store = ctx.store()?;
        let clusters = if self.trusted_clusters.is_empty() {
            store_cluster_keys(&store)?
        } else {
            self.trusted_clusters
                .iter()
                .map(|entry| resolve_cluster(entry, &store))
                .collect::<anyhow::Result<Vec<_>>>()?
        };
        if clusters.is_empty() {
            bail!(
                "no trusted cluster key: this host would accept no message; import the public key of the cluster that endorsed the other hosts (`wzt keys import cluster C…`, into {}), or pass --trusted-cluster C…",
                store.dir().display()
            );
        }
        Ok(Trust::new(&self.lattice_name, clusters)?)
    }
}

/// Reads an endorsement file (a compact JWS and maybe a newline).
fn read_endorsement(path: &std::path::Path) -> anyhow::Result<String> {
    let text =
        crate::fsutil::read_named_text(path, MAX_ENDORSEMENT_FILE).context("--endorsement")?;
    Ok(text.trim().to_string())
}

/// The cluster key `name` that endorses a host here, generated on first use. A cluster key
/// held here as a public key only (imported to trust the lattice) cannot endorse: the error
/// says how a host starts without the cluster seed.
pub fn cluster_seed(store: &KeyStore, name: &str) -> anyhow::Result<Key> {
    match keysource::default_key(store, name, KeyRole::Cluster, false) {
        Err(e) => match e.downcast_ref::<keys::StoreError>() {
            Some(keys::StoreError::PublicOnly { public_key, .. }) => bail!(
                "the cluster key '{name}' is a public key only here ({public_key}): it lets this host trust the lattice, but endorsing needs the cluster seed. Start this host with an endorsement made where the seed is: `wzt keys gen server --name NAME` here, `wzt lattice endorse N…` there (N… is `wzt keys show NAME`), then `--host-key NAME --endorsement FILE`"
            ),
            _ => Err(e),
        },
        key => key,
    }
}

/// Public keys of the valid cluster keys in the store (encrypted ones from their `.pub`); the
/// entries that are not valid keys are reported.
fn store_cluster_keys(store: &KeyStore) -> anyhow::Result<Vec<String>> {
    let clusters = store.public_keys_of(KeyRole::Cluster)?;
    super::keysource::report_invalid_entries(&clusters);
    Ok(clusters.public_keys)
}

/// A `--trusted-cluster` entry as a cluster public key: a `C…` key as is, else a stored key's
/// name.
fn resolve_cluster(entry: &str, store: &KeyStore) -> anyhow::Result<String> {
    let entry = entry.trim();
    if keys::looks_like_seed(entry) {
        bail!(
            "a --trusted-cluster looks like a seed (not shown here, it is a secret): give the cluster's public key (C…, `wzt keys show NAME` prints it) or the name of a stored cluster key"
        );
    }
    if entry.len() == keys::PUBLIC_KEY_LEN {
        keys::parse_public_key_of(entry, &[KeyRole::Cluster])
            .with_context(|| format!("--trusted-cluster {entry}"))?;
        return Ok(entry.to_string());
    }
    let key = store.info(entry).with_context(|| {
        format!("--trusted-cluster '{entry}' is neither a cluster public key nor a stored key name")
    })?;
    if key.role != KeyRole::Cluster {
        bail!(
            "--trusted-cluster '{entry}' is {} key; clusters are cluster keys (C…)",
            key.role.with_article()
        );
    }
    Ok(key.public_key)
}
