//! The trace of capability calls: `CapCall` records, the flags that ask for them, and the
//! `Tracer` that sends them on (host events for `--trace-caps`, a JSON-lines file).

use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::Context as _;
use clap::Args;

use crate::host::{EventSink, HostEvent};

/// One traced capability call.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CapCall {
    pub actor: String,
    /// The invocation (an HTTP request's `RequestRecord::id`, a delivery) that made the call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invocation: Option<u64>,
    /// `interface.function`, e.g. `wasi:keyvalue/atomics.increment`.
    pub call: String,
    /// The bucket, destination, subject or key the call reached or tried to (what
    /// `wzt sign --scopes-from` reads).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<crate::scopes::Resource>,
    pub args: String,
    pub result: String,
    pub duration_us: u64,
    /// The provider refused the call (a bucket that does not exist in mock mode, …).
    pub denied: bool,
}

/// The tracing flags of `wzt run` and `wzt dev`.
#[derive(Debug, Clone, Args)]
pub struct TraceArgs {
    /// Print every capability call on stderr: actor, interface.function, arguments, result,
    /// duration.
    #[arg(long)]
    pub trace_caps: bool,
    /// Write every capability call to this file as JSON lines.
    #[arg(long, value_name = "FILE")]
    pub trace_file: Option<PathBuf>,
}

/// Where a run traces capability calls.
#[derive(Debug, Clone, Default)]
pub struct TraceSettings {
    /// As host events (printed on stderr by `wzt run`).
    pub to_events: bool,
    /// As JSON lines in this file (created or truncated at start).
    pub file: Option<PathBuf>,
}

impl TraceArgs {
    pub fn settings(&self) -> TraceSettings {
        TraceSettings {
            to_events: self.trace_caps,
            file: self.trace_file.clone(),
        }
    }
}

impl TraceSettings {
    /// The tracer of a run: creates the trace file.
    pub fn tracer(&self) -> anyhow::Result<Tracer> {
        let file = match &self.file {
            // A regular file only: never through a symbolic link, never a FIFO.
            Some(path) => Some(Mutex::new(std::io::BufWriter::new(
                crate::fsutil::create_stream(path).context("--trace-file")?,
            ))),
            None => None,
        };
        Ok(Tracer {
            to_events: self.to_events,
            file,
        })
    }
}

/// Where traced calls go: host events (for `--trace-caps`) and a JSON-lines file.
#[derive(Default)]
pub struct Tracer {
    pub to_events: bool,
    pub file: Option<Mutex<std::io::BufWriter<std::fs::File>>>,
}

impl Tracer {
    pub fn enabled(&self) -> bool {
        self.to_events || self.file.is_some()
    }

    pub fn record(&self, events: &EventSink, call: CapCall) {
        if let Some(file) = &self.file {
            let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
            let line = serde_json::to_string(&call).expect("a call serializes");
            let _ = std::io::Write::write_all(&mut *file, line.as_bytes())
                .and_then(|_| std::io::Write::write_all(&mut *file, b"\n"))
                .and_then(|_| std::io::Write::flush(&mut *file));
        }
        if self.to_events {
            events(HostEvent::CapCall(call));
        }
    }
}
