//! Capability providers: the host side of `wasi:keyvalue`, `wasi:logging` and `wasi:config`,
//! each linked only when its capability is granted, with a trace of every call.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use wasmtime::component::{HasData, Linker, Resource, ResourceTable};

use super::EventSink;

mod config;
pub mod http_client;
pub mod keyvalue;
mod logging;
pub mod messaging;
mod tracer;

use keyvalue::{KvBackend, KvError};
pub use logging::LogLevel;
pub use tracer::{CapCall, Tracer};

mod kv_bindings {
    wasmtime::component::bindgen!({
        path: "wit/keyvalue",
        world: "wasi:keyvalue/imports",
        imports: { default: trappable },
        with: { "wasi:keyvalue/store.bucket": super::BucketHandle },
    });
}

use kv_bindings::wasi::keyvalue::{atomics, batch, store};

/// An open bucket, as the guest holds it.
pub struct BucketHandle {
    name: String,
}

/// The providers of one run, shared by every invocation.
pub struct Providers {
    pub actor: String,
    pub kv: Arc<dyn KvBackend>,
    pub log_level: LogLevel,
    pub config: BTreeMap<String, String>,
    pub http_client: http_client::HttpClientMode,
    pub messaging: messaging::Messaging,
    pub tracer: Tracer,
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

fn kv_summary<T>(r: &Result<T, KvError>, ok: impl FnOnce(&T) -> String) -> (String, bool) {
    match r {
        Ok(v) => (ok(v), false),
        Err(KvError::NoSuchStore) => ("error: no such bucket".into(), true),
        Err(KvError::Other(e)) => (format!("error: {e}"), false),
    }
}

fn to_wit(e: KvError) -> store::Error {
    match e {
        KvError::NoSuchStore => store::Error::NoSuchStore,
        KvError::Other(s) => store::Error::Other(s),
    }
}

/// What the provider host functions see of a store: its resource table and the providers.
pub struct ProviderView<'a> {
    pub table: &'a mut ResourceTable,
    pub providers: &'a Providers,
}

/// Marker for `add_to_linker`.
pub struct ProviderData;

impl HasData for ProviderData {
    type Data<'a> = ProviderView<'a>;
}

type Wt<T> = wasmtime::Result<T>;

impl ProviderView<'_> {
    fn bucket(&self, handle: &Resource<BucketHandle>) -> Wt<String> {
        Ok(self.table.get(handle)?.name.clone())
    }
}

impl store::Host for ProviderView<'_> {
    fn open(&mut self, identifier: String) -> Wt<Result<Resource<BucketHandle>, store::Error>> {
        let p = self.providers;
        let opened = p.traced(
            "wasi:keyvalue/store.open",
            || format!("bucket {identifier:?}"),
            || p.kv.open(&identifier),
            |r| kv_summary(r, |_| "ok".into()),
        );
        match opened {
            Ok(()) => Ok(Ok(self.table.push(BucketHandle { name: identifier })?)),
            Err(e) => Ok(Err(to_wit(e))),
        }
    }
}

impl store::HostBucket for ProviderView<'_> {
    fn get(
        &mut self,
        b: Resource<BucketHandle>,
        key: String,
    ) -> Wt<Result<Option<Vec<u8>>, store::Error>> {
        let (bucket, p) = (self.bucket(&b)?, self.providers);
        let r = p.traced(
            "wasi:keyvalue/store.get",
            || format!("{bucket}/{key}"),
            || p.kv.get(&bucket, &key),
            |r| {
                kv_summary(r, |v| {
                    v.as_deref().map(short).unwrap_or_else(|| "none".into())
                })
            },
        );
        Ok(r.map_err(to_wit))
    }

    fn set(
        &mut self,
        b: Resource<BucketHandle>,
        key: String,
        value: Vec<u8>,
    ) -> Wt<Result<(), store::Error>> {
        let (bucket, p) = (self.bucket(&b)?, self.providers);
        let r = p.traced(
            "wasi:keyvalue/store.set",
            || format!("{bucket}/{key} = {}", short(&value)),
            || p.kv.set(&bucket, &key, &value),
            |r| kv_summary(r, |_| "ok".into()),
        );
        Ok(r.map_err(to_wit))
    }

    fn delete(&mut self, b: Resource<BucketHandle>, key: String) -> Wt<Result<(), store::Error>> {
        let (bucket, p) = (self.bucket(&b)?, self.providers);
        let r = p.traced(
            "wasi:keyvalue/store.delete",
            || format!("{bucket}/{key}"),
            || p.kv.delete(&bucket, &key),
            |r| kv_summary(r, |_| "ok".into()),
        );
        Ok(r.map_err(to_wit))
    }

    fn exists(&mut self, b: Resource<BucketHandle>, key: String) -> Wt<Result<bool, store::Error>> {
        let (bucket, p) = (self.bucket(&b)?, self.providers);
        let r = p.traced(
            "wasi:keyvalue/store.exists",
            || format!("{bucket}/{key}"),
            || p.kv.get(&bucket, &key).map(|v| v.is_some()),
            |r| kv_summary(r, |v| v.to_string()),
        );
        Ok(r.map_err(to_wit))
    }

    fn list_keys(
        &mut self,
        b: Resource<BucketHandle>,
        cursor: Option<u64>,
    ) -> Wt<Result<store::KeyResponse, store::Error>> {
        let (bucket, p) = (self.bucket(&b)?, self.providers);
        let r = p.traced(
            "wasi:keyvalue/store.list-keys",
            || format!("{bucket} from {}", cursor.unwrap_or(0)),
            || p.kv.list_keys(&bucket, cursor.unwrap_or(0)),
            |r| kv_summary(r, |(keys, _)| format!("{} keys", keys.len())),
        );
        Ok(r.map(|(keys, cursor)| store::KeyResponse { keys, cursor })
            .map_err(to_wit))
    }

    fn drop(&mut self, b: Resource<BucketHandle>) -> Wt<()> {
        self.table.delete(b)?;
        Ok(())
    }
}

impl atomics::Host for ProviderView<'_> {
    fn increment(
        &mut self,
        b: Resource<BucketHandle>,
        key: String,
        delta: u64,
    ) -> Wt<Result<u64, store::Error>> {
        let (bucket, p) = (self.bucket(&b)?, self.providers);
        let r = p.traced(
            "wasi:keyvalue/atomics.increment",
            || format!("{bucket}/{key} by {delta}"),
            || p.kv.increment(&bucket, &key, delta),
            |r| kv_summary(r, |v| v.to_string()),
        );
        Ok(r.map_err(to_wit))
    }
}

impl batch::Host for ProviderView<'_> {
    fn get_many(
        &mut self,
        b: Resource<BucketHandle>,
        keys: Vec<String>,
    ) -> Wt<Result<Vec<Option<(String, Vec<u8>)>>, store::Error>> {
        let (bucket, p) = (self.bucket(&b)?, self.providers);
        let r = p.traced(
            "wasi:keyvalue/batch.get-many",
            || format!("{bucket}: {} keys", keys.len()),
            || {
                keys.iter()
                    .map(|k| Ok(p.kv.get(&bucket, k)?.map(|v| (k.clone(), v))))
                    .collect::<Result<Vec<_>, KvError>>()
            },
            |r| kv_summary(r, |v| format!("{} found", v.iter().flatten().count())),
        );
        Ok(r.map_err(to_wit))
    }

    fn set_many(
        &mut self,
        b: Resource<BucketHandle>,
        key_values: Vec<(String, Vec<u8>)>,
    ) -> Wt<Result<(), store::Error>> {
        let (bucket, p) = (self.bucket(&b)?, self.providers);
        let r = p.traced(
            "wasi:keyvalue/batch.set-many",
            || format!("{bucket}: {} keys", key_values.len()),
            || {
                key_values
                    .iter()
                    .try_for_each(|(k, v)| p.kv.set(&bucket, k, v))
            },
            |r| kv_summary(r, |_| "ok".into()),
        );
        Ok(r.map_err(to_wit))
    }

    fn delete_many(
        &mut self,
        b: Resource<BucketHandle>,
        keys: Vec<String>,
    ) -> Wt<Result<(), store::Error>> {
        let (bucket, p) = (self.bucket(&b)?, self.providers);
        let r = p.traced(
            "wasi:keyvalue/batch.delete-many",
            || format!("{bucket}: {} keys", keys.len()),
            || keys.iter().try_for_each(|k| p.kv.delete(&bucket, k)),
            |r| kv_summary(r, |_| "ok".into()),
        );
        Ok(r.map_err(to_wit))
    }
}

/// Links the providers of the granted capabilities. `view` projects a store's data to the
/// providers' view.
pub fn add_to_linker<T: 'static>(
    l: &mut Linker<T>,
    granted: &[String],
    view: fn(&mut T) -> ProviderView<'_>,
) -> wasmtime::Result<()> {
    let has = |id: &str| granted.iter().any(|g| g == id);
    if has(KEYVALUE) {
        store::add_to_linker::<T, ProviderData>(l, view)?;
        atomics::add_to_linker::<T, ProviderData>(l, view)?;
        batch::add_to_linker::<T, ProviderData>(l, view)?;
    }
    if has(LOGGING) {
        logging::add_to_linker(l, view)?;
    }
    if has(MESSAGING) {
        messaging::add_to_linker(l, view)?;
    }
    if has(CONFIG) {
        config::add_to_linker(l, view)?;
    }
    Ok(())
}

pub const KEYVALUE: &str = "wasmcloud:keyvalue";
pub const LOGGING: &str = "wasmcloud:builtin:logging";
pub const CONFIG: &str = "wasi:config";
pub const MESSAGING: &str = "wasmcloud:messaging";
