//! `wzt keys list` and `wzt keys show`.

use comfy_table::Cell;
use serde::Serialize;

use super::super::output::{self, escape};
use super::super::{Ctx, Outcome};
use super::ShowOpts;
use crate::keys::{KeyRole, KeyStore, StoreError};

/// One entry of `keys list --json`: a valid key, or a file that is not one.
#[derive(Serialize)]
#[serde(untagged)]
enum ListedJson<'a> {
    Valid {
        name: &'a str,
        valid: bool,
        role: KeyRole,
        public_key: &'a str,
        encrypted: bool,
        public_only: bool,
        path: &'a std::path::Path,
    },
    Invalid {
        name: &'a str,
        valid: bool,
        encrypted: bool,
        error: String,
        path: &'a std::path::Path,
    },
}

/// `keys show --json`.
#[derive(Serialize)]
struct ShownJson<'a> {
    name: &'a str,
    role: KeyRole,
    public_key: &'a str,
    encrypted: bool,
    public_only: bool,
    path: &'a std::path::Path,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<&'a str>,
}

pub(super) fn list(ctx: &Ctx, store: &KeyStore) -> anyhow::Result<Outcome> {
    let keys = store.list()?;
    if ctx.json {
        let entries: Vec<ListedJson> = keys
            .iter()
            .map(|k| match &k.info {
                Ok(info) => ListedJson::Valid {
                    name: &k.name,
                    valid: true,
                    role: info.role,
                    public_key: &info.public_key,
                    encrypted: info.encrypted,
                    public_only: info.public_only,
                    path: &k.path,
                },
                Err(e) => ListedJson::Invalid {
                    name: &k.name,
                    valid: false,
                    encrypted: k.encrypted,
                    error: e.to_string(),
                    path: &k.path,
                },
            })
            .collect();
        output::print_json(&entries);
        return Ok(Outcome::Success);
    }
    if keys.is_empty() {
        println!(
            "No keys in {}. Create one with `wzt keys gen account`.",
            store.dir().display()
        );
        return Ok(Outcome::Success);
    }
    let mut table = output::table(ctx);
    table.set_header(["Name", "Role", "Public key", "Seed"]);
    output::keep_whole(&mut table, 2);
    for k in &keys {
        match &k.info {
            Ok(info) => table.add_row([
                Cell::new(escape(&k.name)),
                Cell::new(info.role),
                Cell::new(&info.public_key),
                Cell::new(seed_text(info.encrypted, info.public_only)),
            ]),
            Err(e) => table.add_row([
                Cell::new(escape(&k.name)),
                output::status_cell(ctx, "invalid", false),
                Cell::new(invalid_reason(e)),
                Cell::new(if k.encrypted { "encrypted" } else { "-" }),
            ]),
        };
    }
    println!("{table}");
    println!("Key store: {}", store.dir().display());
    if keys
        .iter()
        .any(|k| k.info.as_ref().is_ok_and(|i| i.public_only))
    {
        println!(
            "Public only: someone else's key, imported to be trusted (accounts as issuers, clusters for the lattice); it cannot sign."
        );
    }
    Ok(Outcome::Success)
}

/// What the store holds of a key's secret.
fn seed_text(encrypted: bool, public_only: bool) -> &'static str {
    match (encrypted, public_only) {
        (_, true) => "public only",
        (true, _) => "encrypted",
        (false, _) => "plain",
    }
}

/// The reason a listed file is not a valid key, without repeating its path (the table has it).
fn invalid_reason(e: &StoreError) -> String {
    match e {
        StoreError::InvalidSeed { source, .. } => source.to_string(),
        StoreError::InsecurePermissions { path, mode } => {
            format!(
                "readable by others (mode {mode:03o}): chmod 600 {}",
                path.display()
            )
        }
        other => other.to_string(),
    }
}

pub(super) fn show(ctx: &Ctx, store: &KeyStore, o: ShowOpts) -> anyhow::Result<Outcome> {
    let info = store.info(&o.name)?;
    // A key with a seed is opened (an encrypted one with its passphrase), so a key that does
    // not open is reported; a public-only key has nothing to open (`--seed`: an error).
    let key = if info.public_only && !o.seed {
        None
    } else {
        Some(store.load(&o.name)?)
    };
    let path = if info.public_only {
        store.public_key_path_of(&o.name)?
    } else {
        store.path_of(&o.name)?
    };
    if ctx.json {
        output::print_json(&ShownJson {
            name: &o.name,
            role: info.role,
            public_key: &info.public_key,
            encrypted: info.encrypted,
            public_only: info.public_only,
            path: &path,
            seed: key.as_ref().filter(|_| o.seed).map(|k| k.seed()),
        });
    } else {
        println!("Name:       {}", o.name);
        println!("Role:       {}", info.role);
        println!("Public key: {}", info.public_key);
        println!("Path:       {}", path.display());
        println!(
            "Secret:     {}",
            match (info.encrypted, info.public_only) {
                (_, true) => "none: a public key only, imported to be trusted; it cannot sign",
                (true, _) => "an encrypted seed (age, with a passphrase)",
                (false, _) => "a plain seed",
            }
        );
        if let Some(key) = key.as_ref().filter(|_| o.seed) {
            println!("Seed:       {}", key.seed());
        }
    }
    Ok(Outcome::Success)
}
