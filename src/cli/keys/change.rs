//! `wzt keys encrypt`, `wzt keys decrypt` and `wzt keys rm`.

use anyhow::bail;
use serde::Serialize;

use super::super::output;
use super::super::{Ctx, Outcome};
use super::{DecryptOpts, EncryptOpts, RmOpts};
use crate::keys::{KeyRole, KeyStore, StoreError};

/// `keys encrypt --json` and `keys decrypt --json`.
#[derive(Serialize)]
struct ChangedJson<'a> {
    name: &'a str,
    role: KeyRole,
    public_key: &'a str,
    path: &'a std::path::Path,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_key_path: Option<&'a std::path::Path>,
    encrypted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    reencrypted: Option<bool>,
}

/// `keys rm --json`.
#[derive(Serialize)]
struct RemovedJson<'a> {
    name: &'a str,
    removed: &'a std::path::Path,
}

pub(super) fn encrypt(ctx: &Ctx, store: &KeyStore, o: EncryptOpts) -> anyhow::Result<Outcome> {
    let (key, was_encrypted) = store.encrypt(&o.name)?;
    let path = store.path_of(&o.name)?;
    let public_path = store.public_key_path_of(&o.name)?;
    if ctx.json {
        output::print_json(&ChangedJson {
            name: &o.name,
            role: key.role(),
            public_key: key.public_key(),
            path: &path,
            public_key_path: Some(&public_path),
            encrypted: true,
            reencrypted: Some(was_encrypted),
        });
    } else {
        if was_encrypted {
            println!(
                "Encrypted {} key '{}' again, with the new passphrase",
                key.role(),
                o.name
            );
        } else {
            println!("Encrypted {} key '{}'", key.role(), o.name);
        }
        println!(
            "Seed:       {} (age; `age --decrypt` opens it)",
            path.display()
        );
        println!(
            "Public key: {} ({})",
            key.public_key(),
            public_path.display()
        );
    }
    Ok(Outcome::Success)
}

pub(super) fn decrypt(ctx: &Ctx, store: &KeyStore, o: DecryptOpts) -> anyhow::Result<Outcome> {
    let key = store.decrypt(&o.name)?;
    let path = store.path_of(&o.name)?;
    if ctx.json {
        output::print_json(&ChangedJson {
            name: &o.name,
            role: key.role(),
            public_key: key.public_key(),
            path: &path,
            public_key_path: None,
            encrypted: false,
            reencrypted: None,
        });
    } else {
        println!(
            "Decrypted {} key '{}' ({}): {} holds the bare seed again",
            key.role(),
            o.name,
            key.public_key(),
            path.display()
        );
    }
    Ok(Outcome::Success)
}

pub(super) fn remove(ctx: &Ctx, store: &KeyStore, o: RmOpts) -> anyhow::Result<Outcome> {
    if !store.contains(&o.name)? {
        return Err(StoreError::NotFound {
            name: o.name,
            dir: store.dir().to_path_buf(),
        }
        .into());
    }
    if !o.yes {
        if !ctx.stdin_is_terminal {
            bail!(
                "refusing to remove key '{}' without confirmation: standard input is not a terminal; pass --yes",
                o.name
            );
        }
        let prompt = match store.info(&o.name) {
            Ok(info) if info.public_only => format!(
                "Remove the public key '{}' ({})? What it signs or endorses is no longer trusted here",
                o.name, info.public_key
            ),
            Ok(info) => format!(
                "Remove key '{}' ({})? Its seed will be gone for good",
                o.name, info.public_key
            ),
            Err(_) => format!(
                "Remove key '{}' (unreadable)? Its seed will be gone for good",
                o.name
            ),
        };
        if !super::super::prompt::confirm(&prompt)? {
            bail!("key '{}' was not removed", o.name);
        }
    }
    let untrusted = store
        .info(&o.name)
        .ok()
        .filter(|i| i.public_only && matches!(i.role, KeyRole::Account | KeyRole::Cluster));
    let path = store.remove(&o.name)?;
    if ctx.json {
        output::print_json(&RemovedJson {
            name: &o.name,
            removed: &path,
        });
    } else if let Some(info) = untrusted {
        println!(
            "Removed {}: the {} key {} is no longer trusted here",
            path.display(),
            info.role,
            info.public_key
        );
    } else {
        println!("Removed {}", path.display());
    }
    Ok(Outcome::Success)
}
