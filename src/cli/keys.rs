//! `wzt keys`: generate, list, show, import, encrypt, decrypt and remove keys in the key store.

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use comfy_table::Cell;
use serde_json::json;

use super::output::{self, escape};
use super::{Ctx, Outcome, keysource};
use crate::keys::{Key, KeyRole, KeyStore, StoreError};

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
struct GenOpts {
    /// account, module (component, actor), service (provider), server (host), cluster,
    /// operator, user or curve; case-insensitive [default: ask on a terminal, else account].
    #[arg(value_enum, ignore_case = true, hide_possible_values = true)]
    role: Option<KeyRole>,
    /// Name to save the key under [default: the role].
    #[arg(long)]
    name: Option<String>,
    /// Encrypt the seed with a passphrase (age format); the public key goes to <NAME>.pub.
    #[arg(long)]
    encrypt: bool,
    /// Print the seed instead of saving it; nothing is stored.
    #[arg(long, conflicts_with_all = ["name", "force", "encrypt"])]
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
    /// Encrypt the seed with a passphrase (age format); the public key goes to <NAME>.pub.
    #[arg(long)]
    encrypt: bool,
    /// Replace an existing key of the same name (asks first on a terminal).
    #[arg(long)]
    force: bool,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    yes: bool,
}

/// Encrypt a stored key's seed with a passphrase, in the age format.
///
/// NAME.nk is replaced, atomically, by an armored age file (scrypt passphrase), which
/// `age --decrypt` opens too; NAME.pub gets the public key, so listing needs no passphrase. An
/// encrypted key is opened and encrypted again: that changes its passphrase (and rewrites its
/// NAME.pub).
#[derive(Debug, Args)]
struct EncryptOpts {
    name: String,
}

/// Decrypt a stored key: NAME.nk holds the bare seed again and NAME.pub is removed.
#[derive(Debug, Args)]
struct DecryptOpts {
    name: String,
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
            KeysCommand::Encrypt(o) => encrypt(ctx, &store, o),
            KeysCommand::Decrypt(o) => decrypt(ctx, &store, o),
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
        .info(name)
        .map(|k| k.public_key)
        .unwrap_or_else(|_| "an unreadable key".into());
    if output::confirm(&format!(
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
        output::print_json(&json!({
            "name": name,
            "role": key.role(),
            "public_key": key.public_key(),
            "path": path,
            "encrypted": encrypt,
            "replaced": replace,
        }));
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
        let chosen = dialoguer::Select::new()
            .with_prompt("Role of the new key")
            .items(&items)
            .default(0)
            .interact()?;
        return Ok(roles[chosen]);
    }
    eprintln!(
        "note: no ROLE given, so this is an account key: it {}. For another role, name it: \
         `wzt keys gen module`",
        role_purpose(KeyRole::Account)
    );
    Ok(KeyRole::Account)
}

fn gen_key(ctx: &Ctx, store: &KeyStore, o: GenOpts) -> anyhow::Result<Outcome> {
    let role = match o.role {
        Some(role) => role,
        None => default_role(ctx)?,
    };
    let key = Key::generate(role);
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
    let name = o.name.unwrap_or_else(|| role.as_str().to_string());
    store.path_of(&name)?;
    let replace = may_replace(ctx, store, &name, o.force, o.yes)?;
    save_and_report(ctx, store, &name, &key, replace, o.encrypt, "Generated")
}

fn list(ctx: &Ctx, store: &KeyStore) -> anyhow::Result<Outcome> {
    let keys = store.list()?;
    if ctx.json {
        let entries: Vec<_> = keys
            .iter()
            .map(|k| match &k.info {
                Ok(info) => json!({
                    "name": k.name,
                    "valid": true,
                    "role": info.role,
                    "public_key": info.public_key,
                    "encrypted": info.encrypted,
                    "path": k.path,
                }),
                Err(e) => json!({
                    "name": k.name,
                    "valid": false,
                    "encrypted": k.encrypted,
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

fn show(ctx: &Ctx, store: &KeyStore, o: ShowOpts) -> anyhow::Result<Outcome> {
    let (key, encrypted) = store.load_telling(&o.name)?;
    let path = store.path_of(&o.name)?;
    if ctx.json {
        let mut value = json!({
            "name": o.name,
            "role": key.role(),
            "public_key": key.public_key(),
            "encrypted": encrypted,
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
    save_and_report(ctx, store, &o.name, &key, replace, o.encrypt, "Imported")
}

fn encrypt(ctx: &Ctx, store: &KeyStore, o: EncryptOpts) -> anyhow::Result<Outcome> {
    let (key, was_encrypted) = store.encrypt(&o.name)?;
    let path = store.path_of(&o.name)?;
    let public_path = store.public_key_path_of(&o.name)?;
    if ctx.json {
        output::print_json(&json!({
            "name": o.name,
            "role": key.role(),
            "public_key": key.public_key(),
            "path": path,
            "public_key_path": public_path,
            "encrypted": true,
            "reencrypted": was_encrypted,
        }));
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

fn decrypt(ctx: &Ctx, store: &KeyStore, o: DecryptOpts) -> anyhow::Result<Outcome> {
    let key = store.decrypt(&o.name)?;
    let path = store.path_of(&o.name)?;
    if ctx.json {
        output::print_json(&json!({
            "name": o.name,
            "role": key.role(),
            "public_key": key.public_key(),
            "path": path,
            "encrypted": false,
        }));
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
            .info(&o.name)
            .map(|k| k.public_key)
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
