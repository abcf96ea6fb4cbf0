//! The project's `[dev]` table as command-line flags: for `wzt dev`, and for `wzt run`
//! without ACTOR inside a project, it supplies the host options the command line does not set.

use std::ffi::OsString;

use anyhow::Context as _;
use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches};

use super::{Cli, Command, host_args, lattice_args};

/// Parses the command line; for `wzt dev` and for `wzt run` without ACTOR inside a project,
/// the project's `[dev]` table supplies the host options the command line does not set
/// (`Project::dev_args`). Exits on a usage error as clap does.
pub fn parse() -> anyhow::Result<Cli> {
    let mut argv: Vec<OsString> = std::env::args_os().collect();
    let matches = Cli::command().get_matches_from(&argv);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let start = match &cli.command {
        Command::Run(opts) => match opts.project_dir()? {
            Some(dir) => dir,
            None => return Ok(cli),
        },
        Command::Dev(opts) => opts.project_dir()?,
        _ => return Ok(cli),
    };
    let Some(project) = crate::project::Project::find(&start)? else {
        return Ok(cli);
    };
    let Some((_, sub)) = matches.subcommand() else {
        return Ok(cli);
    };
    let host = host_args::RunnerArgs::augment_args(clap::Command::new("host"));
    // The lattice's flags apply to `wzt run` of the project; `wzt dev` joins no lattice.
    let lattice = lattice_args::LatticeArgs::augment_args(clap::Command::new("lattice"));
    let long_names = |cmd: &clap::Command| -> Vec<(String, String)> {
        cmd.get_arguments()
            .filter_map(|a| Some((a.get_id().to_string(), a.get_long()?.to_string())))
            .collect()
    };
    let lattice_names = long_names(&lattice);
    let mut names = long_names(&host);
    let skipped: Vec<&str> = if matches!(cli.command, Command::Run(_)) {
        names.extend(lattice_names.iter().cloned());
        Vec::new()
    } else {
        lattice_names
            .iter()
            .map(|(_, long)| long.as_str())
            .collect()
    };
    let allowed: Vec<&str> = names.iter().map(|(_, long)| long.as_str()).collect();
    let given: Vec<&str> = names
        .iter()
        .filter(|(id, _)| sub.value_source(id) == Some(ValueSource::CommandLine))
        .map(|(_, long)| long.as_str())
        .collect();
    let extra = project.dev_args(&allowed, &given, &skipped)?;
    if extra.is_empty() {
        return Ok(cli);
    }
    let at = subcommand_position(&argv).context("cannot find the command in the command line")?;
    argv.splice(at + 1..at + 1, extra.into_iter().map(OsString::from));
    let matches = Cli::command().try_get_matches_from(&argv).map_err(|e| {
        anyhow::anyhow!(
            "in the [dev] table of {}: {}",
            project.dir.join(crate::project::PROJECT_FILE).display(),
            e.render()
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ")
        )
    })?;
    Ok(Cli::from_arg_matches(&matches)?)
}

/// Where the subcommand is in `argv`: the first word that is not an option or the value of a
/// global option that takes one.
fn subcommand_position(argv: &[OsString]) -> Option<usize> {
    let mut skip_value = false;
    for (i, arg) in argv.iter().enumerate().skip(1) {
        if skip_value {
            skip_value = false;
            continue;
        }
        let text = arg.to_string_lossy();
        if text == "--keys-dir" || text == "--passphrase-file" {
            skip_value = true;
        } else if !text.starts_with('-') {
            return Some(i);
        }
    }
    None
}
