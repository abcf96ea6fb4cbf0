//! The `keyvalue` provider: `wasi:keyvalue` store, atomics and batch over a shared backend.

use wasmtime::component::Resource;

use super::{Linking, ProviderData, ProviderView, Wt, short};
use crate::host::state::ComponentState;
use crate::scopes::{Resource as Reached, ScopeKind};

pub mod backends;
mod settings;

pub use backends::{
    KvBackend, KvEntry, KvError, KvReader, MemoryKv, SqliteKv, namespace_of, validate_namespace,
};
pub use settings::{KvArgs, KvKind, KvSettings, KvStore};

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

impl ProviderView<'_> {
    fn bucket(&self, handle: &Resource<BucketHandle>) -> Wt<String> {
        Ok(self.table.get(handle)?.name.clone())
    }
}

/// Runs a key-value backend call (SQLite may wait for a lock held by another process) so that
/// a work-stealing runtime moves its other work off this worker thread meanwhile. On a
/// single-threaded runtime (each HTTP serving thread, `host::http::serve`) the call runs in
/// place and holds that thread's connections meanwhile; the other serving threads go on.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// Buckets one invocation may hold open at once.
pub const MAX_OPEN_BUCKETS: usize = 256;

impl store::Host for ProviderView<'_> {
    fn open(&mut self, identifier: String) -> Wt<Result<Resource<BucketHandle>, store::Error>> {
        let p = self.providers;
        if *self.open_buckets >= MAX_OPEN_BUCKETS {
            return Ok(Err(store::Error::Other(format!(
                "too many open buckets (the limit is {MAX_OPEN_BUCKETS} per invocation): drop buckets before opening more"
            ))));
        }
        if !self.in_scope(
            ScopeKind::KvBucket,
            &identifier,
            "wasi:keyvalue/store.open",
            || format!("bucket {identifier:?}"),
            || format!("key-value bucket {identifier}"),
        ) {
            return Ok(Err(store::Error::AccessDenied));
        }
        let opened = p.traced(
            self.invocation,
            "wasi:keyvalue/store.open",
            Some(Reached::new(ScopeKind::KvBucket, identifier.as_str())),
            || format!("bucket {identifier:?}"),
            || blocking(|| p.kv.open(&identifier)),
            |r| kv_summary(r, |_| "ok".into()),
        );
        match opened {
            Ok(()) => {
                let handle = self.table.push(BucketHandle { name: identifier })?;
                *self.open_buckets += 1;
                Ok(Ok(handle))
            }
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
            self.invocation,
            "wasi:keyvalue/store.get",
            Some(Reached::new(ScopeKind::KvBucket, bucket.as_str())),
            || format!("{bucket}/{key}"),
            || blocking(|| p.kv.get(&bucket, &key)),
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
            self.invocation,
            "wasi:keyvalue/store.set",
            Some(Reached::new(ScopeKind::KvBucket, bucket.as_str())),
            || format!("{bucket}/{key} = {}", short(&value)),
            || blocking(|| p.kv.set(&bucket, &key, &value)),
            |r| kv_summary(r, |_| "ok".into()),
        );
        Ok(r.map_err(to_wit))
    }

    fn delete(&mut self, b: Resource<BucketHandle>, key: String) -> Wt<Result<(), store::Error>> {
        let (bucket, p) = (self.bucket(&b)?, self.providers);
        let r = p.traced(
            self.invocation,
            "wasi:keyvalue/store.delete",
            Some(Reached::new(ScopeKind::KvBucket, bucket.as_str())),
            || format!("{bucket}/{key}"),
            || blocking(|| p.kv.delete(&bucket, &key)),
            |r| kv_summary(r, |_| "ok".into()),
        );
        Ok(r.map_err(to_wit))
    }

    fn exists(&mut self, b: Resource<BucketHandle>, key: String) -> Wt<Result<bool, store::Error>> {
        let (bucket, p) = (self.bucket(&b)?, self.providers);
        let r = p.traced(
            self.invocation,
            "wasi:keyvalue/store.exists",
            Some(Reached::new(ScopeKind::KvBucket, bucket.as_str())),
            || format!("{bucket}/{key}"),
            || blocking(|| p.kv.get(&bucket, &key).map(|v| v.is_some())),
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
            self.invocation,
            "wasi:keyvalue/store.list-keys",
            Some(Reached::new(ScopeKind::KvBucket, bucket.as_str())),
            || format!("{bucket} from {}", cursor.unwrap_or(0)),
            || blocking(|| p.kv.list_keys(&bucket, cursor.unwrap_or(0))),
            |r| kv_summary(r, |(keys, _)| format!("{} keys", keys.len())),
        );
        Ok(r.map(|(keys, cursor)| store::KeyResponse { keys, cursor })
            .map_err(to_wit))
    }

    fn drop(&mut self, b: Resource<BucketHandle>) -> Wt<()> {
        self.table.delete(b)?;
        *self.open_buckets = self.open_buckets.saturating_sub(1);
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
            self.invocation,
            "wasi:keyvalue/atomics.increment",
            Some(Reached::new(ScopeKind::KvBucket, bucket.as_str())),
            || format!("{bucket}/{key} by {delta}"),
            || blocking(|| p.kv.increment(&bucket, &key, delta)),
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
            self.invocation,
            "wasi:keyvalue/batch.get-many",
            Some(Reached::new(ScopeKind::KvBucket, bucket.as_str())),
            || format!("{bucket}: {} keys", keys.len()),
            || {
                blocking(|| {
                    keys.iter()
                        .map(|k| Ok(p.kv.get(&bucket, k)?.map(|v| (k.clone(), v))))
                        .collect::<Result<Vec<_>, KvError>>()
                })
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
            self.invocation,
            "wasi:keyvalue/batch.set-many",
            Some(Reached::new(ScopeKind::KvBucket, bucket.as_str())),
            || format!("{bucket}: {} keys", key_values.len()),
            || {
                blocking(|| {
                    key_values
                        .iter()
                        .try_for_each(|(k, v)| p.kv.set(&bucket, k, v))
                })
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
            self.invocation,
            "wasi:keyvalue/batch.delete-many",
            Some(Reached::new(ScopeKind::KvBucket, bucket.as_str())),
            || format!("{bucket}: {} keys", keys.len()),
            || blocking(|| keys.iter().try_for_each(|k| p.kv.delete(&bucket, k))),
            |r| kv_summary(r, |_| "ok".into()),
        );
        Ok(r.map_err(to_wit))
    }
}

/// Links `wasi:keyvalue/store`, `atomics` and `batch`.
fn link(linking: &mut Linking<'_>) -> wasmtime::Result<()> {
    type T = ComponentState;
    linking.add("wasi:keyvalue/store@0.2.0-draft", |l| {
        store::add_to_linker::<T, ProviderData>(l, T::providers)
    })?;
    linking.add("wasi:keyvalue/atomics@0.2.0-draft", |l| {
        atomics::add_to_linker::<T, ProviderData>(l, T::providers)
    })?;
    linking.add("wasi:keyvalue/batch@0.2.0-draft", |l| {
        batch::add_to_linker::<T, ProviderData>(l, T::providers)
    })
}
