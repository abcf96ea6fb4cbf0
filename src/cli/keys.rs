//! `wzt keys`: generate, list, show, import and remove keys in the key store.

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use comfy_table::Cell;
use serde_json::json;

use super::output::{self, escape};
use super::{Ctx, Outcome, keysource};
use crate::keys::{Key, KeyRole, KeyStore, StoreError};

/// Manage ed25519 keys (nkeys format) in the key store.
#[derive(Debug, Args)]
pub struct Opts {
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    Gen(GenOpts),
    List(ListOpts),
    Show(ShowOpts),
    Import(ImportOpts),
    Rm(RmOpts),
}

/// Generate a key pair and save its seed as <NAME>.nk.
#[derive(Debug, Args)]
struct GenOpts {
    /// account, module (component, actor), service (provider), server (host), cluster,
    /// operator, user or curve; case-insensitive.
    #[arg(value_enum, ignore_case = true, hide_possible_values = true)]
    role: KeyRole,
    /// Name to save the key under [default: the role].
    #[arg(long)]
    name: Option<String>,
    /// Print the seed instead of saving it; nothing is stored.
    #[arg(long, conflicts_with_all = ["name", "force"])]
    no_save: bool,
    /// Replace an existing key of the same name (asks first on a terminal).
    #[arg(long)]
    force: bool,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    yes: bool,
}

/// List the stored keys.
#[derive(Debug, Args)]
struct ListOpts {}

/// Show a stored key's public key and role.
#[derive(Debug, Args)]
struct ShowOpts {
    name: String,
    /// Also print the seed (the secret).
    #[arg(long)]
    seed: bool,
}

/// Store an existing seed under NAME.
#[derive(Debug, Args)]
struct ImportOpts {
    name: String,
    /// The seed, or - to read it from standard input [default: ask on a terminal, else read
    /// standard input]. A seed on the command line may end up in your shell history.
    seed: Option<String>,
    /// Replace an existing key of the same name (asks first on a terminal).
    #[arg(long)]
    force: bool,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    yes: bool,
}

/// Remove a stored key (asks first; without a terminal, requires --yes).
#[derive(Debug, Args)]
struct RmOpts {
    name: String,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    yes: bool,
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
            KeysCommand::Rm(o) => remove(ctx, &store, o),
        }
    }
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
        .load(name)
        .map(|k| k.public_key().to_string())
        .unwrap_or_else(|_| "an unreadable key".into());
    if output::confirm(&format!(
        "Replace key '{name}' ({old})? Its seed will be gone for good"
    ))? {
        Ok(true)
    } else {
        bail!("key '{name}' was not replaced");
    }
}

fn save_and_report(
    ctx: &Ctx,
    store: &KeyStore,
    name: &str,
    key: &Key,
    replace: bool,
    verb: &str,
) -> anyhow::Result<Outcome> {
    let path = store.save(name, key, replace)?;
    if ctx.json {
        output::print_json(&json!({
            "name": name,
            "role": key.role(),
            "public_key": key.public_key(),
            "path": path,
            "replaced": replace,
        }));
    } else {
        println!("{verb} {} key {}", key.role(), key.public_key());
        println!("Saved to {}", path.display());
    }
    Ok(Outcome::Success)
}

fn gen_key(ctx: &Ctx, store: &KeyStore, o: GenOpts) -> anyhow::Result<Outcome> {
    let key = Key::generate(o.role);
    if o.no_save {
        if ctx.json {
            output::print_json(&json!({
                "role": key.role(),
                "public_key": key.public_key(),
                "seed": key.seed(),
            }));
        } else {
            println!("Public key: {}", key.public_key());
            println!("Seed:       {}", key.seed());
        }
        return Ok(Outcome::Success);
    }
    let name = o.name.unwrap_or_else(|| o.role.as_str().to_string());
    store.path_of(&name)?;
    let replace = may_replace(ctx, store, &name, o.force, o.yes)?;
    save_and_report(ctx, store, &name, &key, replace, "Generated")
}

fn list(ctx: &Ctx, store: &KeyStore) -> anyhow::Result<Outcome> {
    let keys = store.list()?;
    if ctx.json {
        let entries: Vec<_> = keys
            .iter()
            .map(|k| match &k.key {
                Ok(key) => json!({
                    "name": k.name,
                    "valid": true,
                    "role": key.role(),
                    "public_key": key.public_key(),
                    "path": k.path,
                }),
                Err(e) => json!({
                    "name": k.name,
                    "valid": false,
                    "error": e.to_string(),
                    "path": k.path,
                }),
            })
            .collect();
        output::print_json(&serde_json::Value::Array(entries));
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
    table.set_header(["Name", "Role", "Public key"]);
    for k in &keys {
        match &k.key {
            Ok(key) => table.add_row([
                Cell::new(escape(&k.name)),
                Cell::new(key.role()),
                Cell::new(key.public_key()),
            ]),
            Err(e) => table.add_row([
                Cell::new(escape(&k.name)),
                output::status_cell(ctx, "invalid", false),
                Cell::new(invalid_reason(e)),
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

fn show(ctx: &Ctx, store: &KeyStore, o: ShowOpts) -> anyhow::Result<Outcome> {
    let key = store.load(&o.name)?;
    let path = store.path_of(&o.name)?;
    if ctx.json {
        let mut value = json!({
            "name": o.name,
            "role": key.role(),
            "public_key": key.public_key(),
            "path": path,
        });
        if o.seed {
            value["seed"] = json!(key.seed());
        }
        output::print_json(&value);
    } else {
        println!("Name:       {}", o.name);
        println!("Role:       {}", key.role());
        println!("Public key: {}", key.public_key());
        println!("Path:       {}", path.display());
        if o.seed {
            println!("Seed:       {}", key.seed());
        }
    }
    Ok(Outcome::Success)
}

fn import(ctx: &Ctx, store: &KeyStore, o: ImportOpts) -> anyhow::Result<Outcome> {
    store.path_of(&o.name)?;
    let key = match o.seed.as_deref() {
        Some("-") => keysource::seed_from_stdin()?,
        Some(seed) => Key::from_seed(seed).context("invalid seed")?,
        None if ctx.stdin_is_terminal => {
            let seed = dialoguer::Password::new()
                .with_prompt(format!("Seed for '{}'", o.name))
                .interact()?;
            Key::from_seed(&seed).context("invalid seed")?
        }
        None => keysource::seed_from_stdin()?,
    };
    let replace = may_replace(ctx, store, &o.name, o.force, o.yes)?;
    save_and_report(ctx, store, &o.name, &key, replace, "Imported")
}

fn remove(ctx: &Ctx, store: &KeyStore, o: RmOpts) -> anyhow::Result<Outcome> {
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
        let public = store
            .load(&o.name)
            .map(|k| k.public_key().to_string())
            .unwrap_or_else(|_| "unreadable".into());
        if !output::confirm(&format!(
            "Remove key '{}' ({public})? Its seed will be gone for good",
            o.name
        ))? {
            bail!("key '{}' was not removed", o.name);
        }
    }
    let path = store.remove(&o.name)?;
    if ctx.json {
        output::print_json(&json!({ "name": o.name, "removed": path }));
    } else {
        println!("Removed {}", path.display());
    }
    Ok(Outcome::Success)
}
