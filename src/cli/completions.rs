//! `wzt completions`: shell completion scripts.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, Ctx, Outcome};

/// Print the completion script for a shell.
///
/// For example: `wzt completions bash > ~/.local/share/bash-completion/completions/wzt`.
#[derive(Debug, Args)]
pub struct Opts {
    /// bash, zsh, fish, powershell or elvish.
    shell: Shell,
}

impl Opts {
    pub fn run(self, _ctx: &Ctx) -> anyhow::Result<Outcome> {
        let mut out = std::io::stdout().lock();
        clap_complete::generate(self.shell, &mut Cli::command(), "wzt", &mut out);
        Ok(Outcome::Success)
    }
}
