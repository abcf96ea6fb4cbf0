//! The generated files checked in under `completions/` and `man/`. The `generated` tests fail
//! when they are stale; `WZT_BLESS=1 cargo test --test testsuite generated::` rewrites them.

use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::Shell;

use super::Cli;

/// Every generated file, as a path relative to the repository root and its contents.
pub fn generated_files() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "wzt", &mut buf);
        let name = match shell {
            Shell::Bash => "wzt.bash",
            Shell::Zsh => "_wzt",
            Shell::Fish => "wzt.fish",
            Shell::PowerShell => "_wzt.ps1",
            _ => "wzt.elv",
        };
        files.push((PathBuf::from("completions").join(name), buf));
    }
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    man_pages(&cmd, &mut files);
    files
}

/// One man page per command and subcommand: `wzt.1`, `wzt-keys.1`, `wzt-keys-gen.1`, …
fn man_pages(cmd: &clap::Command, files: &mut Vec<(PathBuf, Vec<u8>)>) {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut buf = Vec::new();
    man.render(&mut buf)
        .expect("rendering to memory cannot fail");
    files.push((PathBuf::from("man").join(man.get_filename()), buf));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        man_pages(sub, files);
    }
}
