use std::process::ExitCode;

use wzt::text::escape_lines;

fn main() -> ExitCode {
    match wzt::cli::parse().and_then(wzt::cli::run) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) => {
            // The errors that carry outside text escape it themselves; this catches any other
            // (a wasmtime message quoting a name, say) before it reaches the terminal.
            eprintln!("error: {}", escape_lines(&err.to_string(), "  "));
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {}", escape_lines(&cause.to_string(), "    "));
            }
            ExitCode::from(2)
        }
    }
}
