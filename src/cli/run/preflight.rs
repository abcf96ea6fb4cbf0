//! What `wzt run` settles before it starts a runner: the grants of an unsigned actor, the
//! files no `--dir` may hold, and whether to join the lattice.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use super::Opts;
use crate::caps::{Capability, Grants};
use crate::host::Protected;

/// `--caps` for an unsigned actor: the words as given, or `auto` resolved from `bytes`.
pub(super) fn unsigned_grants(words: &[String], bytes: &[u8]) -> anyhow::Result<Grants> {
    match crate::sign::Grant::from_words(words)? {
        crate::sign::Grant::List(grants) => Ok(grants),
        crate::sign::Grant::Unstated => Ok(Grants::none()),
        crate::sign::Grant::Auto => {
            let mut src = std::io::Cursor::new(bytes);
            let layout = crate::wasm::Layout::scan(&mut src, bytes.len() as u64)?;
            Ok(crate::sign::auto_grants(&layout, &mut src).context("--caps auto")?)
        }
    }
}

impl Opts {
    /// The files of this run, beyond the providers', that no `--dir` may hold (docs/design.md
    /// §14): the build inputs of the project it is of (`host_args::project_build_inputs`),
    /// the lattice's credentials, CA and endorsement, and `--provenance`.
    pub(super) fn own_files(&self, project: Option<&Path>) -> Vec<Protected> {
        let mut files: Vec<Protected> = project
            .map(super::super::host_args::project_build_inputs)
            .unwrap_or_default();
        let named = [
            (
                "the --nats-creds file",
                self.lattice.nats.nats_creds.clone(),
            ),
            ("the --nats-ca file", self.lattice.nats.nats_ca.clone()),
            ("the --endorsement file", self.lattice.endorsement.clone()),
            ("the --provenance file", self.provenance.provenance.clone()),
            (
                "the --nats-nkey file",
                self.lattice
                    .nats
                    .nats_nkey
                    .as_ref()
                    .map(PathBuf::from)
                    .filter(|p| p.exists()),
            ),
        ];
        files.extend(
            named
                .into_iter()
                .filter_map(|(what, path)| path.map(|path| Protected { what, path })),
        );
        files
    }

    /// Whether to join the lattice: only with --lattice, and only for an actor granted `msg`
    /// (one without it neither sends nor receives anything, so nothing is connected).
    pub(super) fn lattice_preflight(&self, granted: &Grants) -> anyhow::Result<bool> {
        if self.lattice.lattice.is_none() {
            if !self.subscribe.is_empty() || self.lattice.any_key_flag() {
                bail!("--subscribe and the other lattice flags need --lattice nats://HOST:PORT");
            }
            return Ok(false);
        }
        if !granted.contains(Capability::Messaging) {
            if !self.subscribe.is_empty() {
                bail!(
                    "--subscribe needs the msg capability, which this actor is not granted (`wzt sign --caps msg`)"
                );
            }
            eprintln!(
                "wzt: note: the actor is not granted msg, so it neither sends nor receives on the lattice; not connecting"
            );
            return Ok(false);
        }
        Ok(true)
    }
}
