//! `wzt keys`: generate, list, show, import, encrypt, decrypt and remove keys in the key store.

use clap::{Args, Subcommand};

use super::{Ctx, Outcome};
use crate::keys::KeyRole;

mod change;
mod create;
mod list;

use change::{decrypt, encrypt, remove};
use create::{gen_key, import};
use list::{list, show};

/// Manage ed25519 keys (nkeys format) in the key store.
///
/// A key's seed may be encrypted with a passphrase (--encrypt, `wzt keys encrypt`): its NAME.nk
/// then holds an armored age file that `age --decrypt` also opens, and NAME.pub its public key.
/// The passphrase comes from --passphrase-file FILE, else WZT_KEY_PASSPHRASE, else a hidden
/// prompt on a terminal (asked twice when setting it); every command that loads the key asks
/// for it the same way.
#[derive(Debug, Args)]
pub struct Opts {
    #[command(subcommand)]
    command: KeysCommand,
    /// The output format: json (the same as --json) or text.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FORMAT",
        value_enum,
        global = true
    )]
    pub(super) output: Option<super::output::Format>,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    Gen(GenOpts),
    List(ListOpts),
    #[command(alias = "get")]
    Show(ShowOpts),
    Import(ImportOpts),
    Encrypt(EncryptOpts),
    Decrypt(DecryptOpts),
    Rm(RmOpts),
}

/// Generate a key pair and save its seed as <NAME>.nk.
#[derive(Debug, Args)]
pub(super) struct GenOpts {
    /// account, module (component, actor), service (provider), server (host), cluster,
    /// operator, user or curve; case-insensitive [default: ask on a terminal, else account].
    #[arg(value_enum, ignore_case = true, hide_possible_values = true)]
    pub(super) role: Option<KeyRole>,
    /// Name to save the key under [default: the role].
    #[arg(long)]
    pub(super) name: Option<String>,
    /// Encrypt the seed with a passphrase (age format); the public key goes to <NAME>.pub.
    #[arg(long)]
    pub(super) encrypt: bool,
    /// Print the seed instead of saving it; nothing is stored.
    #[arg(long, conflicts_with_all = ["name", "force", "encrypt"])]
    pub(super) no_save: bool,
    /// Replace an existing key of the same name (asks first on a terminal).
    #[arg(long)]
    pub(super) force: bool,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub(super) yes: bool,
}

/// List the stored keys.
#[derive(Debug, Args)]
pub(super) struct ListOpts {}

/// Show a stored key's public key and role.
#[derive(Debug, Args)]
pub(super) struct ShowOpts {
    pub(super) name: String,
    /// Also print the seed (the secret).
    #[arg(long)]
    pub(super) seed: bool,
}

/// Store an existing seed, or someone else's public key, under NAME.
///
/// A public key (A…, C…, N…) is kept without a seed, as NAME.pub: it cannot sign, and the
/// default trust counts it by its role (an account's actors verify and run here, a cluster's
/// hosts are accepted on the lattice). `wzt keys rm NAME` untrusts it.
#[derive(Debug, Args)]
pub(super) struct ImportOpts {
    pub(super) name: String,
    /// The seed or public key, or - to read it from standard input [default: ask on a
    /// terminal, else read standard input]. A seed on the command line may end up in your shell
    /// history.
    #[arg(value_name = "SEED|PUBLIC_KEY")]
    pub(super) seed: Option<String>,
    /// Encrypt the seed with a passphrase (age format); the public key goes to <NAME>.pub.
    #[arg(long)]
    pub(super) encrypt: bool,
    /// Replace an existing key of the same name (asks first on a terminal).
    #[arg(long)]
    pub(super) force: bool,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub(super) yes: bool,
}

/// Encrypt a stored key's seed with a passphrase, in the age format.
///
/// NAME.nk is replaced, atomically, by an armored age file (scrypt passphrase), which
/// `age --decrypt` opens too; NAME.pub gets the public key, so listing needs no passphrase. An
/// encrypted key is opened and encrypted again: that changes its passphrase (and rewrites its
/// NAME.pub).
#[derive(Debug, Args)]
pub(super) struct EncryptOpts {
    pub(super) name: String,
}

/// Decrypt a stored key: NAME.nk holds the bare seed again and NAME.pub is removed.
#[derive(Debug, Args)]
pub(super) struct DecryptOpts {
    pub(super) name: String,
}

/// Remove a stored key (asks first; without a terminal, requires --yes). Removing a
/// public-only key untrusts it.
#[derive(Debug, Args)]
pub(super) struct RmOpts {
    pub(super) name: String,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub(super) yes: bool,
}

impl clap::ValueEnum for KeyRole {
    fn value_variants<'a>() -> &'a [Self] {
        &KeyRole::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let value = clap::builder::PossibleValue::new(self.as_str());
        Some(match self {
            KeyRole::Module => value.aliases(["component", "actor"]),
            KeyRole::Service => value.alias("provider"),
            KeyRole::Server => value.alias("host"),
            _ => value,
        })
    }
}

impl Opts {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let store = ctx.store()?;
        match self.command {
            KeysCommand::Gen(o) => gen_key(ctx, &store, o),
            KeysCommand::List(_) => list(ctx, &store),
            KeysCommand::Show(o) => show(ctx, &store, o),
            KeysCommand::Import(o) => import(ctx, &store, o),
            KeysCommand::Encrypt(o) => encrypt(ctx, &store, o),
            KeysCommand::Decrypt(o) => decrypt(ctx, &store, o),
            KeysCommand::Rm(o) => remove(ctx, &store, o),
        }
    }
}
