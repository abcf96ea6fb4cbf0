//! `wzt policy`: trust policy files.

use std::path::PathBuf;

use anyhow::bail;
use clap::{Args, Subcommand};

use super::{Ctx, Outcome, output};
use crate::policy::POLICY_TEMPLATE;

/// Work with trust policy files.
#[derive(Debug, Args)]
pub struct Opts {
    #[command(subcommand)]
    command: PolicyCommand,
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
enum PolicyCommand {
    Init(InitOpts),
}

/// Write a commented policy file to start from.
#[derive(Debug, Args)]
struct InitOpts {
    /// Where to write it, or - for standard output.
    #[arg(default_value = "policy.toml")]
    path: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    force: bool,
}

/// `wzt policy init --json`.
#[derive(serde::Serialize)]
struct WrittenJson<'a> {
    path: &'a std::path::Path,
}

impl Opts {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let PolicyCommand::Init(o) = self.command;
        if o.path.as_os_str() == "-" {
            print!("{POLICY_TEMPLATE}");
            return Ok(Outcome::Success);
        }
        if o.path.exists() && !o.force {
            bail!(
                "{} already exists; pass --force to replace it",
                o.path.display()
            );
        }
        // Decided when the file is placed, not by the check above: a file that appears
        // meanwhile is not replaced without --force.
        let existing = crate::fsutil::Existing::replace_if(o.force);
        crate::fsutil::write_atomically(&o.path, None, existing, |w| {
            std::io::Write::write_all(w, POLICY_TEMPLATE.as_bytes())
        })
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
                "{} already exists; pass --force to replace it",
                o.path.display()
            ),
            _ => anyhow::Error::new(e).context(format!("cannot write {}", o.path.display())),
        })?;
        if ctx.json {
            output::print_json(&WrittenJson { path: &o.path });
        } else {
            println!("Wrote {}", o.path.display());
        }
        Ok(Outcome::Success)
    }
}
