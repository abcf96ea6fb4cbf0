//! `wzt doctor`: check the environment and say how to fix what is wrong.

use clap::Args;

use super::output;
use super::{Ctx, Outcome};
use crate::doctor::{Status, run_checks};
use crate::text::escape_lines;

/// Check what wzt needs: the Rust toolchain and wasm targets a project build uses, the key
/// store and its default keys, the compile cache, the project file here, and the clock.
///
/// One line per check, with the fix for each that is not ok. Exit 1 when any check fails
/// (a warning does not fail). Nothing is changed.
#[derive(Debug, Args)]
pub struct Opts {
    #[command(flatten)]
    pub(super) format: super::output::FormatOpt,
}

impl Opts {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let store = ctx.store()?;
        let cwd = std::env::current_dir()?;
        let checks = run_checks(&store, &cwd, crate::time::now());
        let failed = checks.iter().any(|c| c.status == Status::Fail);
        if ctx.json {
            output::print_json(&serde_json::to_value(&checks)?);
        } else {
            for check in &checks {
                let word = match check.status {
                    Status::Ok => output::paint(ctx, "ok  ", true),
                    Status::Warn => output::paint_warn(ctx, "warn"),
                    Status::Fail => output::paint(ctx, "FAIL", false),
                };
                // Paths and file contents can hold anything: escaped, each line of a
                // multi-line detail (a TOML error quotes the file) kept as a line.
                println!(
                    "{word} {:<20} {}",
                    check.name,
                    escape_lines(&check.detail, &" ".repeat(26))
                );
                if let Some(fix) = &check.fix {
                    println!(
                        "     {:<20} fix: {}",
                        "",
                        escape_lines(fix, &" ".repeat(31))
                    );
                }
            }
        }
        Ok(if failed {
            Outcome::CheckFailed
        } else {
            Outcome::Success
        })
    }
}
