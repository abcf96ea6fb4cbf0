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
    table.set_header(["Name", "Role", "Public key", "Encrypted"]);
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    for k in &keys {
        match &k.info {
            Ok(info) => table.add_row([
                Cell::new(escape(&k.name)),
                Cell::new(info.role),
                Cell::new(&info.public_key),
                Cell::new(yes_no(info.encrypted)),
            ]),
            Err(e) => table.add_row([
                Cell::new(escape(&k.name)),
                output::status_cell(ctx, "invalid", false),
                Cell::new(invalid_reason(e)),
                Cell::new(yes_no(k.encrypted)),
            ]),
        };
    }
    println!("{table}");
    println!("Key store: {}", store.dir().display());
    Ok(Outcome::Success)
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
    let (key, encrypted) = store.load_telling(&o.name)?;
    let path = store.path_of(&o.name)?;
    if ctx.json {
        output::print_json(&ShownJson {
            name: &o.name,
            role: key.role(),
            public_key: key.public_key(),
            encrypted,
            path: &path,
            seed: o.seed.then(|| key.seed()),
        });
    } else {
        println!("Name:       {}", o.name);
        println!("Role:       {}", key.role());
        println!("Public key: {}", key.public_key());
        println!("Path:       {}", path.display());
        println!(
            "Encrypted:  {}",
            if encrypted {
                "yes (age, with a passphrase)"
            } else {
                "no"
            }
        );
        if o.seed {
            println!("Seed:       {}", key.seed());
        }
    }
    Ok(Outcome::Success)
}
