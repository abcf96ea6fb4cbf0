//! The command-line front end: one module per command, each an `Opts` that clap parses and a
//! `run` that calls into the library and prints. Only this layer prints or decides exit codes.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};

pub use dev_table::parse;

use crate::keys::KeyStore;

mod artifact;
pub mod attest;
pub mod build;
pub mod claims;
pub mod completions;
mod console_args;
mod dependencies;
pub mod dev;
mod dev_table;
mod dev_view;
pub mod docs;
pub mod doctor;
mod fixes;
pub mod host_args;
pub mod inspect;
pub mod keys;
mod keysource;
pub mod lattice;
mod lattice_args;
mod nats_args;
pub mod new;
mod output;
mod passphrase;
pub mod policy;
mod policy_args;
pub mod prompt;
mod provenance_args;
pub mod pull;
pub mod push;
mod registry_args;
pub mod run;
pub mod sign;
pub mod verify;

/// Sign, inspect, verify and run zero-trust WebAssembly actors.
///
/// wzt keeps ed25519 keys in the nkeys format, embeds signed claims (issuer, subject, granted
/// capabilities, name, version, validity) in a module or component, and verifies them against a
/// trust policy, and runs actors in an embedded wasmtime host that links only the capabilities
/// their claims grant. Its claims are byte-compatible with wasmCloud's wascap.
#[derive(Debug, Parser)]
#[command(name = "wzt", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalOpts {
    /// Print machine-readable JSON on stdout (field names are stable, see the README); `-o
    /// json` too, where a command writes no output file.
    #[arg(long, global = true)]
    pub json: bool,
    /// The key store directory [default: $WZT_KEYS_DIR, else $XDG_DATA_HOME/wzt/keys or
    /// ~/.local/share/wzt/keys].
    // WZT_KEYS_DIR is read in `Ctx::new`, not through clap's `env`: clap counts a value from the
    // environment as typed, and then shows `--keys-dir <DIR>` in every usage line.
    #[arg(long, global = true, value_name = "DIR")]
    pub keys_dir: Option<PathBuf>,
    /// Never color the output (also when NO_COLOR is set, or stdout is not a terminal).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Read the passphrase of encrypted keys from FILE (one trailing newline is ignored)
    /// [default: WZT_KEY_PASSPHRASE, else ask on a terminal].
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    New(new::Opts),
    Keys(keys::Opts),
    Sign(sign::Opts),
    Inspect(inspect::Opts),
    Verify(verify::Opts),
    Policy(policy::Opts),
    Push(Box<push::Opts>),
    Pull(Box<pull::Opts>),
    #[command(alias = "serve", alias = "up")]
    Run(Box<run::Opts>),
    #[command(alias = "watch")]
    Dev(Box<dev::Opts>),
    Build(build::Opts),
    Attest(attest::Opts),
    Doctor(doctor::Opts),
    Lattice(Box<lattice::Opts>),
    Completions(completions::Opts),
    /// wash's `claims sign` and `claims inspect`, as `wzt sign` and `wzt inspect`.
    #[command(hide = true)]
    Claims(claims::Opts),
}

/// How a command ended, when it did not fail with an error (which exits 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: a check failed (invalid signature, policy denied).
    CheckFailed,
    /// Exit 2: some input could not be read or used, reported already.
    InputError,
    /// A command actor's own exit code.
    Code(u8),
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::CheckFailed => 1,
            Outcome::InputError => 2,
            Outcome::Code(code) => code,
        }
    }

    /// The worse of two outcomes: an input error beats a failed check beats success.
    pub fn worst(self, other: Outcome) -> Outcome {
        if self.exit_code() >= other.exit_code() {
            self
        } else {
            other
        }
    }
}

/// The environment variable naming the key store (`--keys-dir` overrides it).
const KEYS_DIR_ENV: &str = "WZT_KEYS_DIR";

/// What every command needs to know about its environment.
pub struct Ctx {
    pub json: bool,
    /// Color on stdout: a terminal, and neither `--no-color` nor `NO_COLOR`.
    pub color: bool,
    /// `--no-color` or `NO_COLOR`: no color anywhere, the build command's included.
    pub no_color: bool,
    pub stdin_is_terminal: bool,
    pub stderr_is_terminal: bool,
    keys_dir: Option<PathBuf>,
    passphrases: Arc<passphrase::CliPassphrases>,
}

impl Ctx {
    pub fn new(global: &GlobalOpts) -> Ctx {
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let stdin_is_terminal = std::io::stdin().is_terminal();
        Ctx {
            json: global.json,
            color: !global.no_color && !no_color_env && std::io::stdout().is_terminal(),
            no_color: global.no_color || no_color_env,
            stdin_is_terminal,
            stderr_is_terminal: std::io::stderr().is_terminal(),
            keys_dir: global.keys_dir.clone().or_else(|| {
                std::env::var_os(KEYS_DIR_ENV)
                    .filter(|d| !d.is_empty())
                    .map(PathBuf::from)
            }),
            passphrases: Arc::new(passphrase::CliPassphrases {
                file: global.passphrase_file.clone(),
                terminal: stdin_is_terminal,
            }),
        }
    }

    /// Where passphrases of encrypted keys come from.
    pub fn passphrases(&self) -> &dyn crate::keys::PassphraseSource {
        self.passphrases.as_ref()
    }

    /// The key store, opening encrypted keys with [`Ctx::passphrases`]; an error only when no
    /// directory can be determined at all.
    pub fn store(&self) -> anyhow::Result<KeyStore> {
        let dir = match &self.keys_dir {
            Some(d) => d.clone(),
            None => KeyStore::default_dir().context(
                "cannot find a key store directory: set WZT_KEYS_DIR or pass --keys-dir",
            )?,
        };
        Ok(KeyStore::new(dir).with_passphrases(self.passphrases.clone()))
    }
}

/// Runs the parsed command line.
pub fn run(mut cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command.output_format() {
        Some(output::Format::Json) => cli.global.json = true,
        Some(output::Format::Text) if cli.global.json => {
            anyhow::bail!("--json and -o text ask for different output; give one of them")
        }
        _ => {}
    }
    let ctx = Ctx::new(&cli.global);
    match cli.command {
        Command::New(opts) => opts.run(&ctx),
        Command::Keys(opts) => opts.run(&ctx),
        Command::Sign(opts) => opts.run(&ctx),
        Command::Inspect(opts) => opts.run(&ctx),
        Command::Verify(opts) => opts.run(&ctx),
        Command::Policy(opts) => opts.run(&ctx),
        Command::Push(opts) => opts.run(&ctx),
        Command::Pull(opts) => opts.run(&ctx),
        Command::Run(opts) => opts.run(&ctx),
        Command::Dev(opts) => opts.run(&ctx),
        Command::Build(opts) => opts.run(&ctx),
        Command::Attest(opts) => opts.run(&ctx),
        Command::Doctor(opts) => opts.run(&ctx),
        Command::Claims(opts) => opts.run(&ctx),
        Command::Lattice(opts) => opts.run(&ctx),
        Command::Completions(opts) => opts.run(&ctx),
    }
}
