//! Where a command gets a key: a name in the store, a seed file, standard input, or the
//! environment; and how it turns a key name or public key into a trusted issuer.

use std::path::Path;

use anyhow::{Context as _, bail};
use clap::Args;

use super::Ctx;
use crate::keys::{self, ISSUER_SEED_ENVS, Key, KeyRole, KeyStore, SUBJECT_SEED_ENVS};

/// The most read from standard input for a seed or a password: as much as a key file.
pub const MAX_STDIN_SECRET: u64 = 64 << 10;

/// Reads a secret from standard input, at most [`MAX_STDIN_SECRET`] bytes, into a buffer that
/// is wiped on drop.
pub fn secret_from_stdin(what: &str) -> anyhow::Result<zeroize::Zeroizing<Vec<u8>>> {
    let mut bytes = zeroize::Zeroizing::new(Vec::new());
    crate::fsutil::read_capped(std::io::stdin().lock(), MAX_STDIN_SECRET, &mut bytes)
        .with_context(|| format!("cannot read {what} from standard input"))?;
    Ok(bytes)
}

/// Reads a seed from standard input (trailing newline allowed).
pub fn seed_from_stdin() -> anyhow::Result<Key> {
    let text = key_text_from_stdin()?;
    Key::from_seed(&text).context("standard input does not hold a valid seed")
}

/// Reads what standard input holds (a seed or a public key), at most [`MAX_STDIN_SECRET`]
/// bytes, into memory that is wiped.
pub fn key_text_from_stdin() -> anyhow::Result<zeroize::Zeroizing<String>> {
    let bytes = secret_from_stdin("a key")?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| anyhow::anyhow!("standard input does not hold a key: not UTF-8"))?;
    Ok(zeroize::Zeroizing::new(text.to_string()))
}

/// Resolves `spec`: `-` is standard input; a path (it holds a `/`, ends in `.nk`, or names
/// something that is not a directory) is a seed file, read through the key store's checks (so
/// a FIFO, a device or a directory is named as such); anything else is a key name in `store`.
pub fn load_key(spec: &str, store: &KeyStore) -> anyhow::Result<Key> {
    if spec == "-" {
        return seed_from_stdin();
    }
    let path = Path::new(spec);
    let exists = std::fs::symlink_metadata(path).is_ok();
    let names_a_file = std::fs::metadata(path).map_or(exists, |m| !m.is_dir());
    if names_a_file || spec.contains(std::path::MAIN_SEPARATOR) || spec.ends_with(".nk") {
        if !exists {
            bail!("seed file {spec} does not exist");
        }
        return Ok(store.read_file(path)?);
    }
    Ok(store.load(spec)?)
}

/// Says on stderr which store entries a command that read the store had to skip (the README
/// promises they are reported by any command that reads them).
pub fn report_invalid_entries(keys: &keys::KeysOfRole) {
    for (name, error) in &keys.invalid {
        eprintln!(
            "wzt: warning: skipped the key store entry '{}': {}",
            crate::text::escape(name),
            crate::text::escape(&error.to_string())
        );
    }
}

/// Turns a `trusted_issuers` entry into an account public key: a public key is taken as is
/// (it must be an account key), anything else is the name of an account key in the store.
pub fn resolve_issuer(entry: &str, store: &KeyStore) -> anyhow::Result<String> {
    let entry = entry.trim();
    if keys::looks_like_seed(entry) {
        // Never echoed: the message goes to terminals and CI logs.
        bail!(
            "a trusted issuer looks like a seed (not shown here, it is a secret): give the account's public key (A…, `wzt keys show NAME` prints it) or the name of a stored account key"
        );
    }
    if entry.len() == keys::PUBLIC_KEY_LEN {
        keys::parse_public_key_of(entry, &[KeyRole::Account])?;
        return Ok(entry.to_string());
    }
    // The public key only: an encrypted key's comes from its .pub, without the passphrase.
    let key = store.info(entry).with_context(|| {
        format!("trusted issuer '{entry}' is neither an account public key nor a stored key name")
    })?;
    if key.role != KeyRole::Account {
        bail!(
            "trusted issuer '{entry}' is {} key; issuers are account keys",
            key.role.with_article()
        );
    }
    Ok(key.public_key)
}

/// Loads a default store key (`account`, `<stem>_module`), generating and saving it with a
/// notice on stderr when missing, unless `disable_keygen` says to fail instead.
pub fn default_key(
    store: &KeyStore,
    name: &str,
    role: KeyRole,
    disable_keygen: bool,
) -> anyhow::Result<Key> {
    if disable_keygen && !store.contains(name)? {
        bail!(
            "no {role} key '{name}' in {} and --disable-keygen is set; create it with `wzt keys gen {role} --name {name}`",
            store.dir().display()
        );
    }
    let loaded = store.load_or_generate(name, role)?;
    if let Some(path) = &loaded.generated {
        eprintln!(
            "note: generated {role} key '{name}' ({}) in {}",
            loaded.key.public_key(),
            path.display()
        );
    }
    Ok(loaded.key)
}

/// The first of `names` set to a non-empty value, with its value.
fn seed_from_env(names: &[&'static str]) -> Option<(&'static str, String)> {
    names.iter().find_map(|name| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| (*name, v))
    })
}

/// Whether wzt runs unattended: `CI` set (as every CI service does) or stdin not a terminal.
fn unattended(ctx: &Ctx) -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty()) || !ctx.stdin_is_terminal
}

/// The key flags of `wzt sign`, `wzt build` and `wzt dev`: which keys sign, and whether a
/// missing default key may be made.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Keys")]
pub struct KeyOpts {
    /// Issuer (account) key: a store key name, a seed file, or - for standard input
    /// [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key `account`, or the
    /// project's issuer].
    #[arg(long, short = 'i', value_name = "KEY")]
    pub issuer: Option<String>,
    /// Subject (module) key: a store key name, a seed file, or - for standard input
    /// [default: WZT_SUBJECT_SEED or WASH_SUBJECT_KEY, else the store key `<stem>_module`].
    #[arg(long, short = 's', value_name = "KEY")]
    pub subject: Option<String>,
    /// Fail instead of generating a missing default key.
    #[arg(long, conflicts_with = "generate_keys")]
    pub disable_keygen: bool,
    /// Generate a missing default issuer key even unattended (CI set, or stdin not a terminal).
    #[arg(long)]
    pub generate_keys: bool,
}

impl KeyOpts {
    /// When keys may be generated.
    pub fn keygen(&self) -> Keygen {
        Keygen {
            disabled: self.disable_keygen,
            forced: self.generate_keys,
        }
    }

    /// The issuer key: `--issuer`, else a seed in the environment, else the store key
    /// `default_name` (see [`issuer_key`]).
    pub fn issuer(&self, ctx: &Ctx, store: &KeyStore, default_name: &str) -> anyhow::Result<Key> {
        issuer_key(
            ctx,
            store,
            self.issuer.as_deref(),
            default_name,
            self.keygen(),
        )
    }

    /// As [`KeyOpts::issuer`], but a missing default key is made even unattended (unless
    /// `--disable-keygen`): `wzt dev`, whose signed artifact never leaves the machine.
    pub fn dev_issuer(
        &self,
        ctx: &Ctx,
        store: &KeyStore,
        default_name: &str,
    ) -> anyhow::Result<Key> {
        let keygen = Keygen {
            disabled: self.disable_keygen,
            forced: !self.disable_keygen,
        };
        issuer_key(ctx, store, self.issuer.as_deref(), default_name, keygen)
    }

    /// The subject key: `--subject`, else a seed in the environment, else the store key
    /// `default_name` (generated unless `--disable-keygen`).
    pub fn subject(&self, store: &KeyStore, default_name: &str) -> anyhow::Result<Key> {
        match explicit_subject(store, self.subject.as_deref())? {
            Some(key) => Ok(key),
            None => default_key(store, default_name, KeyRole::Module, self.disable_keygen),
        }
    }
}

/// When a missing default key may be generated.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keygen {
    /// `--disable-keygen`: never.
    pub disabled: bool,
    /// `--generate-keys`: also unattended.
    pub forced: bool,
}

/// The issuer (account) key: `explicit` (`--issuer`), else a seed from `WZT_ISSUER_SEED` or
/// `WASH_ISSUER_KEY`, else the store key `default_name`. A missing store key is generated on a
/// terminal outside CI; unattended it is an error unless `keygen.forced`.
pub fn issuer_key(
    ctx: &Ctx,
    store: &KeyStore,
    explicit: Option<&str>,
    default_name: &str,
    keygen: Keygen,
) -> anyhow::Result<Key> {
    let (key, from) = if let Some(spec) = explicit {
        (load_key(spec, store).context("--issuer")?, spec)
    } else if let Some((name, seed)) = seed_from_env(&ISSUER_SEED_ENVS) {
        (Key::from_seed(&seed).context(name)?, name)
    } else {
        if !keygen.disabled && !keygen.forced && unattended(ctx) && !store.contains(default_name)? {
            bail!(
                "no account key '{default_name}' in {} to sign with, and wzt does not create one unattended (CI is set or stdin is not a terminal): a key made here would be lost with this machine and nobody could trust what it signs. Create it once with `wzt keys gen account{}` and keep it, or give a seed through WZT_ISSUER_SEED (or WASH_ISSUER_KEY) or --issuer; pass --generate-keys to create it here anyway",
                store.dir().display(),
                if default_name == "account" {
                    String::new()
                } else {
                    format!(" --name {default_name}")
                }
            );
        }
        (
            default_key(store, default_name, KeyRole::Account, keygen.disabled)?,
            default_name,
        )
    };
    if key.role() != KeyRole::Account {
        bail!(
            "the issuer must be an account key (SA…), but {} is {} key",
            crate::text::escape(from),
            key.role().with_article()
        );
    }
    Ok(key)
}

/// The subject (module) key given explicitly: `explicit` (`--subject`), else a seed from
/// `WZT_SUBJECT_SEED` or `WASH_SUBJECT_KEY`; `None` when neither is set.
pub fn explicit_subject(store: &KeyStore, explicit: Option<&str>) -> anyhow::Result<Option<Key>> {
    let (key, from) = if let Some(spec) = explicit {
        (load_key(spec, store).context("--subject")?, spec)
    } else if let Some((name, seed)) = seed_from_env(&SUBJECT_SEED_ENVS) {
        (Key::from_seed(&seed).context(name)?, name)
    } else {
        return Ok(None);
    };
    if key.role() != KeyRole::Module {
        bail!(
            "the subject must be a module key (SM…), but {} is {} key",
            crate::text::escape(from),
            key.role().with_article()
        );
    }
    Ok(Some(key))
}
