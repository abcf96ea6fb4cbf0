//! The trace of capability calls: `CapCall` records and the `Tracer` that sends them on.

use std::sync::Mutex;

use crate::host::{EventSink, HostEvent};

/// One traced capability call.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CapCall {
    pub actor: String,
    /// `interface.function`, e.g. `wasi:keyvalue/atomics.increment`.
    pub call: String,
    pub args: String,
    pub result: String,
    pub duration_us: u64,
    /// The provider refused the call (a bucket that does not exist in mock mode, …).
    pub denied: bool,
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
