//! The NATS connection flags every lattice command shares (`run`, `lattice pub|request|sub|
//! revoke`): TLS trust and authentication, and the one place the files they name are read.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use zeroize::Zeroizing;

use super::Ctx;
use crate::lattice::{NatsAuth, NatsConnection};

/// The largest file a lattice flag names (credentials, CA, endorsement).
const MAX_FLAG_FILE: u64 = 256 << 10;

#[derive(Debug, Args)]
pub struct NatsArgs {
    /// Authenticate to the NATS server with a credentials file (a user JWT and its seed, as
    /// `nsc` writes it; readable by this user only).
    #[arg(long, value_name = "FILE", conflicts_with = "nats_nkey")]
    pub nats_creds: Option<PathBuf>,
    /// Authenticate to the NATS server as this nkey user: a user key (U…) in the key store
    /// (`wzt keys gen user --name NAME`), listed in the server's configuration.
    #[arg(long, value_name = "NAME")]
    pub nats_nkey: Option<String>,
    /// Trust this CA (a PEM file) for the NATS server's certificate, instead of the system's
    /// CAs; TLS is then required, also with a nats:// URL.
    #[arg(long, value_name = "FILE")]
    pub nats_ca: Option<PathBuf>,
}

impl NatsArgs {
    /// Whether a connection flag was given.
    pub fn any(&self) -> bool {
        self.nats_creds.is_some() || self.nats_nkey.is_some() || self.nats_ca.is_some()
    }

    /// The connection to `url` with these settings (the files are read now).
    pub fn connection(&self, url: &str, ctx: &Ctx) -> anyhow::Result<NatsConnection> {
        let auth = if let Some(path) = &self.nats_creds {
            let bytes = read_flag_file(path, "--nats-creds", true)?;
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| anyhow::anyhow!("--nats-creds {}: not UTF-8 text", path.display()))?;
            NatsAuth::creds(Zeroizing::new(text))
                .with_context(|| format!("--nats-creds {}", path.display()))?
        } else if let Some(name) = &self.nats_nkey {
            let key = ctx
                .store()?
                .load(name)
                .with_context(|| format!("--nats-nkey {name}"))?;
            NatsAuth::nkey(key).with_context(|| format!("--nats-nkey {name}"))?
        } else {
            NatsAuth::None
        };
        let ca = self
            .nats_ca
            .as_ref()
            .map(|path| {
                read_flag_file(path, "--nats-ca", false)
                    .map(|bytes| (path.display().to_string(), bytes))
            })
            .transpose()?;
        Ok(NatsConnection::new(
            url,
            auth,
            ca.as_ref()
                .map(|(name, bytes)| (name.as_str(), bytes.as_slice())),
        )?)
    }
}

/// Reads a file a lattice flag names through the checked open (`fsutil::checked`): opened
/// once without waiting on a FIFO or a device, a regular file (a symbolic link the person typed
/// is followed), at most 256 KiB; with `secret` (a seed is inside), owned by this user and
/// neither readable nor writable by others.
pub fn read_flag_file(path: &Path, flag: &str, secret: bool) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    use crate::fsutil::{CheckedFile, FileRules, Others, Owner};
    let rules = if secret {
        FileRules {
            owner: Owner::Me,
            others: Others::Nothing,
            ..FileRules::named(MAX_FLAG_FILE)
        }
    } else {
        FileRules::named(MAX_FLAG_FILE)
    };
    let mut bytes = Zeroizing::new(Vec::new());
    CheckedFile::open(path, rules)
        .and_then(|file| file.read_into(&mut bytes))
        .map_err(|e| {
            let fix = match &e {
                crate::fsutil::FileError::ReadableByOthers { .. }
                | crate::fsutil::FileError::WritableByOthers { .. } => {
                    " (it holds a secret: chmod 600 it)"
                }
                _ => "",
            };
            anyhow::anyhow!("{flag}: {e}{fix}")
        })?;
    Ok(bytes)
}
