//! `wzt claims sign|inspect`: wash's grammar for `wzt sign` and `wzt inspect`, so its users'
//! habits and scripts work. Hidden from the main help; named in those commands' help.

use clap::{Args, Subcommand};

use super::{Ctx, Outcome, inspect, sign};

/// wash's `claims` commands: `claims sign` is `wzt sign`, `claims inspect` is `wzt inspect`.
#[derive(Debug, Args)]
pub struct Opts {
    #[command(subcommand)]
    command: ClaimsCommand,
}

#[derive(Debug, Subcommand)]
enum ClaimsCommand {
    /// The same as `wzt sign`.
    Sign(Box<sign::Opts>),
    /// The same as `wzt inspect`.
    Inspect(inspect::Opts),
}

impl Opts {
    /// `-o json|text` of `claims inspect` (`claims sign`'s `-o` names its output file).
    pub(super) fn format(&self) -> Option<super::output::Format> {
        match &self.command {
            ClaimsCommand::Sign(_) => None,
            ClaimsCommand::Inspect(opts) => opts.format.output,
        }
    }

    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        match self.command {
            ClaimsCommand::Sign(opts) => opts.run(ctx),
            ClaimsCommand::Inspect(opts) => opts.run(ctx),
        }
    }
}
