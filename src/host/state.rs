//! Per-invocation store state.

use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// What a component's `Store` holds: WASI and WASI-HTTP contexts, the resource table and the
/// memory limiter.
pub struct ComponentState {
    pub wasi: WasiCtx,
    pub http: WasiHttpCtx,
    pub table: ResourceTable,
    pub limits: super::limits::InstanceLimits,
    pub providers: Arc<super::providers::Providers>,
    pub hooks: super::providers::http_client::HttpClientHooks,
    /// Key-value buckets the guest holds open.
    pub open_buckets: usize,
    /// This invocation's id (for traces and events).
    pub invocation: Option<u64>,
    /// The actor's signed per-resource scopes (the providers check them).
    pub scopes: Arc<crate::scopes::Scopes>,
    /// The lattice request this invocation handles, when it handles one: a publish on its
    /// reply subject is signed as the reply to it.
    pub incoming: Option<super::providers::messaging::IncomingRequest>,
}

impl ComponentState {
    pub fn providers(&mut self) -> super::providers::ProviderView<'_> {
        super::providers::ProviderView {
            table: &mut self.table,
            providers: &self.providers,
            invocation: self.invocation,
            scopes: &self.scopes,
            open_buckets: &mut self.open_buckets,
            incoming: self.incoming.as_ref(),
        }
    }
}

impl WasiView for ComponentState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for ComponentState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

impl wasmtime_wasi_io::IoView for ComponentState {
    fn table(&mut self) -> &mut ResourceTable {
        &mut self.table
    }
}

/// What a preview 1 core module's `Store` holds.
pub struct ModuleState {
    pub wasi: WasiP1Ctx,
    pub limits: super::limits::InstanceLimits,
}
