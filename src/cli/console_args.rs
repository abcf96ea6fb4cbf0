//! The console flags of `wzt run` and `wzt dev` (also the `[dev]` keys `console` and
//! `console-listen`) and the steps both take to run one beside the actor (docs/design.md
//! §16).

use std::net::SocketAddr;
use std::sync::Arc;

use clap::Args;

use crate::console::{Console, Serving};
use crate::host::providers::ProviderSettings;
use crate::host::{EventSink, HostEvent, HostOptions, Runner};

/// The console flags.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Console")]
pub struct ConsoleArgs {
    /// Serve a live web console beside the actor: requests with their headers and capability
    /// calls, denials with their fix, logs and output, traps, dev builds and reloads, claims
    /// and grants, key-value contents, lattice verdicts. Its URL, with a secret token, is
    /// printed at startup (`console: http://127.0.0.1:PORT/#token=…`).
    #[arg(long)]
    pub console: bool,
    /// Where the console listens (implies --console) [default: 127.0.0.1 on a free port]. An
    /// address beyond loopback lets other machines reach it (it says so at startup).
    #[arg(long, value_name = "ADDR")]
    pub console_listen: Option<SocketAddr>,
}

/// A console asked for, fed events from the start, not serving yet.
pub struct ConsoleRun {
    console: Console,
    listen: SocketAddr,
}

impl ConsoleArgs {
    /// The console, when asked for and the run keeps going (`ends_at_once`: `--request`
    /// answers one request and exits, so a console would be gone before it is opened): with
    /// it, every request is reported and every capability call traced as an event (stderr
    /// still shows only what the other flags ask for).
    pub fn prepare(
        &self,
        ends_at_once: bool,
        options: &mut HostOptions,
        providers: &mut ProviderSettings,
    ) -> Option<ConsoleRun> {
        if !self.console && self.console_listen.is_none() {
            return None;
        }
        if ends_at_once {
            eprintln!("wzt: note: no console for a run that answers one --request and exits");
            return None;
        }
        options.report_requests = true;
        providers.trace.to_events = true;
        Some(ConsoleRun {
            console: Console::new(),
            listen: self
                .console_listen
                .unwrap_or(crate::console::DEFAULT_LISTEN),
        })
    }
}

/// The run's event sink: `printer`, and the console (when there is one) beside it.
pub fn sink(
    console: Option<&ConsoleRun>,
    printer: impl Fn(&HostEvent) + Send + Sync + 'static,
) -> EventSink {
    match console {
        Some(run) => run.console.beside(printer),
        None => Arc::new(move |event| printer(&event)),
    }
}

impl ConsoleRun {
    /// Serves the console of `runner` until the returned [`Serving`] is dropped, and prints
    /// its `console:` line (after a warning when it listens beyond loopback).
    pub fn start(
        &self,
        runtime: &tokio::runtime::Runtime,
        runner: &Arc<Runner>,
    ) -> anyhow::Result<Serving> {
        let serving = runtime.block_on(self.console.start(self.listen, Arc::clone(runner)))?;
        if !serving.is_loopback() {
            eprintln!(
                "wzt: warning: the console listens on {}, beyond loopback: whoever reaches that address and learns the token sees the actor's requests (headers included), logs and key-value data, over plain HTTP",
                serving.addr()
            );
        }
        eprintln!("console: {}", serving.url());
        Ok(serving)
    }
}
