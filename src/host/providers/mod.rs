//! Capability providers: the host side of the capabilities wzt provides itself (key-value,
//! logging, config, messaging, outgoing HTTP hooks), one module each, each linked only when
//! its capability is granted, with a trace of every call.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use wasmtime::component::{HasData, Linker, ResourceTable};

use super::EventSink;
use crate::caps::{Capability, Grants};

mod config;
pub mod http_client;
pub mod keyvalue;
mod logging;
pub mod messaging;
mod tracer;

use keyvalue::KvBackend;
pub use logging::LogLevel;
pub use tracer::{CapCall, Tracer};

/// The providers of one run, shared by every invocation.
pub struct Providers {
    pub actor: String,
    pub kv: Arc<dyn KvBackend>,
    pub log_level: LogLevel,
    pub config: BTreeMap<String, String>,
    pub http_client: http_client::HttpClientMode,
    pub messaging: messaging::Messaging,
    pub tracer: Arc<Tracer>,
    pub events: EventSink,
}

impl Providers {
    /// Runs `f` and traces it as `call` with `args`; `denied` tells from the result whether
    /// the provider refused.
    fn traced<T>(
        &self,
        call: &str,
        args: impl FnOnce() -> String,
        f: impl FnOnce() -> T,
        summary: impl FnOnce(&T) -> (String, bool),
    ) -> T {
        if !self.tracer.enabled() {
            return f();
        }
        let started = Instant::now();
        let value = f();
        let duration = started.elapsed();
        let (result, denied) = summary(&value);
        self.tracer.record(
            &self.events,
            CapCall {
                actor: self.actor.clone(),
                call: call.to_string(),
                args: args(),
                result,
                duration_us: duration.as_micros().min(u64::MAX as u128) as u64,
                denied,
            },
        );
        value
    }
}

/// A short, printable summary of bytes for traces.
fn short(bytes: &[u8]) -> String {
    const MAX: usize = 40;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX)]).into_owned();
    let text: String = text.escape_debug().collect();
    if bytes.len() > MAX {
        format!("\"{text}…\" ({} bytes)", bytes.len())
    } else {
        format!("\"{text}\"")
    }
}

/// What the provider host functions see of a store: its resource table and the providers.
pub struct ProviderView<'a> {
    pub table: &'a mut ResourceTable,
    pub providers: &'a Providers,
    /// Key-value buckets this invocation holds open (bounded: each keeps its name).
    pub open_buckets: &'a mut usize,
    /// The lattice request this invocation handles, if any.
    pub incoming: Option<&'a messaging::IncomingRequest>,
}

/// Marker for `add_to_linker`.
pub struct ProviderData;

impl HasData for ProviderData {
    type Data<'a> = ProviderView<'a>;
}

type Wt<T> = wasmtime::Result<T>;

/// Links the providers of the granted capabilities (each provider module links its own
/// interfaces). `view` projects a store's data to the providers' view.
pub fn add_to_linker<T: Send + 'static>(
    l: &mut Linker<T>,
    grants: &Grants,
    view: fn(&mut T) -> ProviderView<'_>,
) -> wasmtime::Result<()> {
    if grants.contains(Capability::KeyValue) {
        keyvalue::add_to_linker(l, view)?;
    }
    if grants.contains(Capability::Logging) {
        logging::add_to_linker(l, view)?;
    }
    if grants.contains(Capability::Messaging) {
        messaging::add_to_linker(l, view)?;
    }
    if grants.contains(Capability::Config) {
        config::add_to_linker(l, view)?;
    }
    Ok(())
}
