use std::process::ExitCode;

use wzt::text::escape_lines;

/// mimalloc rather than glibc's allocator: a request served allocates and frees many small
/// objects across wasmtime, hyper and tokio (docs/design.md §6, BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // `wzt inspect x.wasm | head -1`: a closed stdout ends wzt quietly, as it does any
    // command-line tool, instead of a panic in `println!`. (Sockets are written with
    // MSG_NOSIGNAL by std, so a client hanging up never raises SIGPIPE.)
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of one signal before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    match wzt::cli::parse().and_then(wzt::cli::run) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        // Esc at a menu or a confirmation: the person chose to leave, nothing to report.
        Err(err) if err.downcast_ref::<wzt::cli::prompt::Cancelled>().is_some() => {
            ExitCode::from(wzt::cli::prompt::CANCELLED_EXIT)
        }
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
