//! `wzt keys gen` and `wzt keys import`: make or take a key and save it.

use anyhow::{Context as _, bail};
use serde::Serialize;
use zeroize::Zeroizing;

use super::super::output;
use super::super::{Ctx, Outcome, keysource};
use super::{GenOpts, ImportOpts};
use crate::keys::{self, Key, KeyRole, KeyStore, StoreError};

/// A saved key, as `keys gen`, `keys import` print it with `--json`.
#[derive(Serialize)]
struct SavedJson<'a> {
    name: &'a str,
    role: KeyRole,
    public_key: &'a str,
    path: &'a std::path::Path,
    encrypted: bool,
    public_only: bool,
    replaced: bool,
}

/// A key made with `--no-save`.
#[derive(Serialize)]
struct UnsavedJson<'a> {
    role: KeyRole,
    public_key: &'a str,
    seed: &'a str,
}

/// Decides whether an existing key may be replaced: only with `--force`, and on a terminal only
/// after the user agrees (unless `--yes`).
fn may_replace(
    ctx: &Ctx,
    store: &KeyStore,
    name: &str,
    force: bool,
    yes: bool,
) -> anyhow::Result<bool> {
    if !store.contains(name)? {
        return Ok(false);
    }
    let path = store.path_of(name)?;
    if !force {
        return Err(StoreError::Exists {
            name: name.to_string(),
            path,
        }
        .into());
    }
    if yes || !ctx.stdin_is_terminal {
        return Ok(true);
    }
    let old = store
        .info(name)
        .map(|k| k.public_key)
        .unwrap_or_else(|_| "an unreadable key".into());
    if super::super::prompt::confirm(&format!(
        "Replace key '{name}' ({old})? Its seed will be gone for good"
    ))? {
        Ok(true)
    } else {
        bail!("key '{name}' was not replaced");
    }
}

/// Saves `key` as `name`, encrypted with a new passphrase when `encrypt`, and says so.
fn save_and_report(
    ctx: &Ctx,
    store: &KeyStore,
    name: &str,
    key: &Key,
    replace: bool,
    encrypt: bool,
    verb: &str,
) -> anyhow::Result<Outcome> {
    let path = if encrypt {
        let passphrase = ctx.passphrases().new_passphrase(&format!("key '{name}'"))?;
        store.save_encrypted(name, key, &passphrase, replace)?
    } else {
        store.save(name, key, replace)?
    };
    if ctx.json {
        output::print_json(&SavedJson {
            name,
            role: key.role(),
            public_key: key.public_key(),
            path: &path,
            encrypted: encrypt,
            public_only: false,
            replaced: replace,
        });
    } else {
        println!("{verb} {} key {}", key.role(), key.public_key());
        if encrypt {
            println!(
                "Saved to {}, encrypted (public key in {})",
                path.display(),
                store.public_key_path_of(name)?.display()
            );
        } else {
            println!("Saved to {}", path.display());
        }
    }
    Ok(Outcome::Success)
}

/// What each role is for, in the order `keys gen` offers them (account first: the key that
/// signs actors).
fn role_purpose(role: KeyRole) -> &'static str {
    match role {
        KeyRole::Account => "signs actors (an issuer)",
        KeyRole::Module => "an actor's identity (a subject)",
        KeyRole::Service => "a capability provider's identity",
        KeyRole::Server => "a host's identity",
        KeyRole::Cluster => "the trust anchor of a lattice",
        KeyRole::Operator => "issues accounts",
        KeyRole::User => "a NATS user",
        KeyRole::Curve => "X25519 encryption; cannot sign",
    }
}

/// The role when none was given: asked on a terminal, else `account`, with a note saying so.
fn default_role(ctx: &Ctx) -> anyhow::Result<KeyRole> {
    if ctx.stdin_is_terminal {
        let roles = [
            KeyRole::Account,
            KeyRole::Module,
            KeyRole::Service,
            KeyRole::Server,
            KeyRole::Cluster,
            KeyRole::Operator,
            KeyRole::User,
            KeyRole::Curve,
        ];
        let items: Vec<String> = roles
            .iter()
            .map(|r| format!("{:<9} {}", r.as_str(), role_purpose(*r)))
            .collect();
        let chosen = super::super::prompt::select("Role of the new key", &items, 0)?;
        return Ok(roles[chosen]);
    }
    eprintln!(
        "note: no ROLE given, so this is an account key: it {}. For another role, name it: \
         `wzt keys gen module`",
        role_purpose(KeyRole::Account)
    );
    Ok(KeyRole::Account)
}

pub(super) fn gen_key(ctx: &Ctx, store: &KeyStore, o: GenOpts) -> anyhow::Result<Outcome> {
    let role = match o.role {
        Some(role) => role,
        None => default_role(ctx)?,
    };
    let key = Key::generate(role);
    if o.no_save {
        if ctx.json {
            output::print_json(&UnsavedJson {
                role: key.role(),
                public_key: key.public_key(),
                seed: key.seed(),
            });
        } else {
            println!("Public key: {}", key.public_key());
            println!("Seed:       {}", key.seed());
        }
        return Ok(Outcome::Success);
    }
    let name = o.name.unwrap_or_else(|| role.as_str().to_string());
    store.path_of(&name)?;
    let replace = may_replace(ctx, store, &name, o.force, o.yes)?;
    save_and_report(ctx, store, &name, &key, replace, o.encrypt, "Generated")
}

pub(super) fn import(ctx: &Ctx, store: &KeyStore, o: ImportOpts) -> anyhow::Result<Outcome> {
    store.path_of(&o.name)?;
    let text = match o.seed.as_deref() {
        Some("-") => keysource::key_text_from_stdin()?,
        Some(text) => Zeroizing::new(text.to_string()),
        None if ctx.stdin_is_terminal => Zeroizing::new(super::super::prompt::hidden(
            &format!("Seed or public key for '{}'", o.name),
            None,
        )?),
        None => keysource::key_text_from_stdin()?,
    };
    // Someone else's public key: kept without a seed, trusted by its role.
    let parsed = keys::parse_public_key(text.trim());
    if let Err(e) = &parsed
        && text.trim().len() == keys::PUBLIC_KEY_LEN
    {
        bail!("invalid public key: {e}");
    }
    if let Ok((role, _)) = parsed {
        if o.encrypt {
            bail!(
                "{} is {} public key: there is no secret to encrypt; import it without --encrypt",
                text.trim(),
                role.with_article()
            );
        }
        let replace = may_replace(ctx, store, &o.name, o.force, o.yes)?;
        return save_public_and_report(ctx, store, &o.name, text.trim(), role, replace);
    }
    let key =
        Key::from_seed(&text).context(if o.seed.as_deref() == Some("-") || o.seed.is_none() {
            "standard input does not hold a valid seed or public key"
        } else {
            "invalid seed"
        })?;
    let replace = may_replace(ctx, store, &o.name, o.force, o.yes)?;
    save_and_report(ctx, store, &o.name, &key, replace, o.encrypt, "Imported")
}

/// What the default trust does with a public-only key of `role`.
fn trusted_as(role: KeyRole) -> &'static str {
    match role {
        KeyRole::Account => "trusted as an issuer: actors it signs verify and run here",
        KeyRole::Cluster => "trusted for the lattice: hosts it endorses are accepted here",
        _ => "kept for reference: the default trust counts account and cluster keys only",
    }
}

/// Saves someone else's public key as a public-only key, and says what that means.
fn save_public_and_report(
    ctx: &Ctx,
    store: &KeyStore,
    name: &str,
    public_key: &str,
    role: KeyRole,
    replace: bool,
) -> anyhow::Result<Outcome> {
    let path = store.save_public(name, public_key, replace)?;
    if ctx.json {
        output::print_json(&SavedJson {
            name,
            role,
            public_key,
            path: &path,
            encrypted: false,
            public_only: true,
            replaced: replace,
        });
    } else {
        println!(
            "Imported {role} public key {public_key} as '{name}' (public only: no seed, it cannot sign)"
        );
        println!("  {}; `wzt keys rm {name}` untrusts it", trusted_as(role));
        println!("Saved to {}", path.display());
    }
    Ok(Outcome::Success)
}
