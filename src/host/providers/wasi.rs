//! The capabilities wasmtime's own WASI implementation provides (an HTTP server's types, the
//! filesystem under `--dir`, sockets), and those this host links nothing for, as provider
//! units like the others: no flags, nothing written or protected.

use std::path::PathBuf;

use wasmtime_wasi::filesystem::{WasiFilesystem, WasiFilesystemView};
use wasmtime_wasi::p2::bindings::{filesystem, sockets};
use wasmtime_wasi::sockets::{WasiSockets, WasiSocketsView};
use wasmtime_wasi_http::{WasiHttp, WasiHttpView};

use super::{Linking, ProviderUnit};
use crate::caps::Capability;
use crate::host::preopen::Protected;
use crate::host::state::ComponentState as T;

/// A capability whose interfaces wasmtime provides.
pub struct Wasi {
    capability: Capability,
    link: fn(&mut Linking<'_>) -> wasmtime::Result<()>,
}

impl ProviderUnit for Wasi {
    fn capability(&self) -> Capability {
        self.capability
    }

    fn writes(&self) -> Vec<PathBuf> {
        Vec::new()
    }

    fn protects(&self) -> Vec<Protected> {
        Vec::new()
    }

    fn link(&self, linking: &mut Linking<'_>) -> wasmtime::Result<()> {
        (self.link)(linking)
    }
}

/// `wasi:http/types`, which an HTTP server and an HTTP client both need.
pub(super) fn link_http_types(linking: &mut Linking<'_>) -> wasmtime::Result<()> {
    linking.add("wasi:http/types@0.2.12", |l| {
        let options = wasmtime_wasi_http::p2::bindings::LinkOptions::default();
        wasmtime_wasi_http::p2::bindings::http::types::add_to_linker::<T, WasiHttp>(
            l,
            &options.into(),
            T::http,
        )
    })
}

/// Serving `wasi:http/incoming-handler` needs the types only; the host calls the export.
pub const HTTP_SERVER: Wasi = Wasi {
    capability: Capability::HttpServer,
    link: link_http_types,
};

/// Granted, but this host links nothing for it (an import of it is refused as not provided).
pub const BLOBSTORE: Wasi = Wasi {
    capability: Capability::Blobstore,
    link: |_| Ok(()),
};

/// `wasi:random` is always linked; the grant adds nothing.
pub const NUMBER_GEN: Wasi = Wasi {
    capability: Capability::NumberGen,
    link: |_| Ok(()),
};

/// The filesystem: only the directories given with `--dir` are reachable.
pub const FILESYSTEM: Wasi = Wasi {
    capability: Capability::Filesystem,
    link: |linking| {
        linking.add("wasi:filesystem/types@0.2.12", |l| {
            filesystem::types::add_to_linker::<T, WasiFilesystem>(l, T::filesystem)
        })?;
        linking.add("wasi:filesystem/preopens@0.2.12", |l| {
            filesystem::preopens::add_to_linker::<T, WasiFilesystem>(l, T::filesystem)
        })
    },
};

/// Sockets, with wasmtime's defaults.
pub const SOCKETS: Wasi = Wasi {
    capability: Capability::Sockets,
    link: |linking| {
        linking.add("wasi:sockets/tcp@0.2.12", |l| {
            sockets::tcp::add_to_linker::<T, WasiSockets>(l, T::sockets)
        })?;
        linking.add("wasi:sockets/udp@0.2.12", |l| {
            sockets::udp::add_to_linker::<T, WasiSockets>(l, T::sockets)
        })?;
        linking.add("wasi:sockets/udp-create-socket@0.2.12", |l| {
            sockets::udp_create_socket::add_to_linker::<T, WasiSockets>(l, T::sockets)
        })?;
        linking.add("wasi:sockets/tcp-create-socket@0.2.12", |l| {
            sockets::tcp_create_socket::add_to_linker::<T, WasiSockets>(l, T::sockets)
        })?;
        linking.add("wasi:sockets/instance-network@0.2.12", |l| {
            sockets::instance_network::add_to_linker::<T, WasiSockets>(l, T::sockets)
        })?;
        linking.add("wasi:sockets/network@0.2.12", |l| {
            let options = sockets::network::LinkOptions::default();
            sockets::network::add_to_linker::<T, WasiSockets>(l, &options, T::sockets)
        })?;
        linking.add("wasi:sockets/ip-name-lookup@0.2.12", |l| {
            sockets::ip_name_lookup::add_to_linker::<T, WasiSockets>(l, T::sockets)
        })
    },
};
