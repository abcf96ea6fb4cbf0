use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = wzt::cli::Cli::parse();
    match wzt::cli::run(cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}
