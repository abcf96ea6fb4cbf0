//! What the linker holds, and the check that every import is granted and provided before
//! anything is instantiated (docs/design.md §5).

use wasmtime::component::Linker;
use wasmtime_wasi::cli::{WasiCli, WasiCliView};
use wasmtime_wasi::clocks::{WasiClocks, WasiClocksView};
use wasmtime_wasi::filesystem::{WasiFilesystem, WasiFilesystemView};
use wasmtime_wasi::p2::bindings::{cli, clocks, filesystem, random, sockets};
use wasmtime_wasi::random::{WasiRandom, WasiRandomView};
use wasmtime_wasi::sockets::{WasiSockets, WasiSocketsView};
use wasmtime_wasi_http::{WasiHttp, WasiHttpView};

use super::providers;
use super::state::ComponentState;
use crate::caps::{self, Capability, Grants, Need};

/// Why an actor may not start. Each names the import and what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EnforcementError {
    #[error(
        "the actor imports {import}, which needs the {name} capability ({alias}); it is not granted: re-sign with `wzt sign --caps {alias}` (or, for an unsigned actor, `--caps {alias}`)"
    )]
    NotGranted {
        import: String,
        name: &'static str,
        alias: &'static str,
    },
    #[error("the actor imports {import}, which no capability provides; this host cannot run it")]
    Unsupported { import: String },
    #[error(
        "the actor imports {import}: the {name} capability is granted, but this wzt host does not provide that interface"
    )]
    NotProvided { import: String, name: &'static str },
    #[error(
        "the actor exports {export}, which needs the {name} capability ({alias}) to be served; it is not granted: re-sign with `wzt sign --caps {alias}`"
    )]
    ExportNotGranted {
        export: String,
        name: &'static str,
        alias: &'static str,
    },
}

fn not_granted(import: &str, any_of: &[Capability]) -> EnforcementError {
    EnforcementError::NotGranted {
        import: import.to_string(),
        name: any_of[0].friendly_name(),
        alias: any_of[0].alias(),
    }
}

/// Checks one component import against the grants and what this host links.
pub fn check_component_import(import: &str, grants: &Grants) -> Result<(), EnforcementError> {
    match caps::need_of_component_import(import) {
        Need::Unsupported => Err(EnforcementError::Unsupported {
            import: import.to_string(),
        }),
        Need::Grant { any_of } if !grants.any_of(&any_of) => Err(not_granted(import, &any_of)),
        need => {
            if caps::is_linked(import, grants) {
                Ok(())
            } else {
                let name = match need {
                    Need::Grant { any_of } => any_of[0].friendly_name(),
                    _ => "always-linked",
                };
                Err(EnforcementError::NotProvided {
                    import: import.to_string(),
                    name,
                })
            }
        }
    }
}

/// Checks that serving `export` (e.g. `wasi:http/incoming-handler`) is granted.
pub fn check_export(export: &str, grants: &Grants) -> Result<(), EnforcementError> {
    match caps::need_of_component_export(export) {
        Need::Grant { any_of } if !grants.any_of(&any_of) => {
            Err(EnforcementError::ExportNotGranted {
                export: export.to_string(),
                name: any_of[0].friendly_name(),
                alias: any_of[0].alias(),
            })
        }
        _ => Ok(()),
    }
}

/// Checks one preview 1 import (`module`, `name`) against the grants.
pub fn check_core_import(
    module: &str,
    name: &str,
    grants: &Grants,
) -> Result<(), EnforcementError> {
    let import = format!("{module}::{name}");
    match caps::need_of_core_import(module, name) {
        Need::Unsupported => Err(EnforcementError::Unsupported { import }),
        Need::Grant { any_of } if !grants.any_of(&any_of) => Err(not_granted(&import, &any_of)),
        _ => Ok(()),
    }
}

/// A linker with the always-linked interfaces and those of the granted capabilities: nothing
/// else is reachable from the guest.
pub fn component_linker(
    engine: &wasmtime::Engine,
    grants: &Grants,
) -> wasmtime::Result<Linker<ComponentState>> {
    type T = ComponentState;
    let has = |cap: Capability| grants.contains(cap);
    let mut l = Linker::<T>::new(engine);
    wasmtime_wasi_io::add_to_linker_async(&mut l)?;
    clocks::wall_clock::add_to_linker::<T, WasiClocks>(&mut l, T::clocks)?;
    clocks::monotonic_clock::add_to_linker::<T, WasiClocks>(&mut l, T::clocks)?;
    random::random::add_to_linker::<T, WasiRandom>(&mut l, T::random)?;
    random::insecure::add_to_linker::<T, WasiRandom>(&mut l, T::random)?;
    random::insecure_seed::add_to_linker::<T, WasiRandom>(&mut l, T::random)?;
    cli::exit::add_to_linker::<T, WasiCli>(&mut l, T::cli)?;
    cli::environment::add_to_linker::<T, WasiCli>(&mut l, T::cli)?;
    cli::stdin::add_to_linker::<T, WasiCli>(&mut l, T::cli)?;
    cli::stdout::add_to_linker::<T, WasiCli>(&mut l, T::cli)?;
    cli::stderr::add_to_linker::<T, WasiCli>(&mut l, T::cli)?;
    cli::terminal_input::add_to_linker::<T, WasiCli>(&mut l, T::cli)?;
    cli::terminal_output::add_to_linker::<T, WasiCli>(&mut l, T::cli)?;
    cli::terminal_stdin::add_to_linker::<T, WasiCli>(&mut l, T::cli)?;
    cli::terminal_stdout::add_to_linker::<T, WasiCli>(&mut l, T::cli)?;
    cli::terminal_stderr::add_to_linker::<T, WasiCli>(&mut l, T::cli)?;
    if has(Capability::Filesystem) {
        filesystem::types::add_to_linker::<T, WasiFilesystem>(&mut l, T::filesystem)?;
        filesystem::preopens::add_to_linker::<T, WasiFilesystem>(&mut l, T::filesystem)?;
    }
    if has(Capability::Sockets) {
        let options = sockets::network::LinkOptions::default();
        sockets::tcp::add_to_linker::<T, WasiSockets>(&mut l, T::sockets)?;
        sockets::udp::add_to_linker::<T, WasiSockets>(&mut l, T::sockets)?;
        sockets::udp_create_socket::add_to_linker::<T, WasiSockets>(&mut l, T::sockets)?;
        sockets::tcp_create_socket::add_to_linker::<T, WasiSockets>(&mut l, T::sockets)?;
        sockets::instance_network::add_to_linker::<T, WasiSockets>(&mut l, T::sockets)?;
        sockets::network::add_to_linker::<T, WasiSockets>(&mut l, &options, T::sockets)?;
        sockets::ip_name_lookup::add_to_linker::<T, WasiSockets>(&mut l, T::sockets)?;
    }
    providers::add_to_linker(&mut l, grants, T::providers)?;
    if has(Capability::HttpServer) || has(Capability::HttpClient) {
        let options = wasmtime_wasi_http::p2::bindings::LinkOptions::default();
        wasmtime_wasi_http::p2::bindings::http::types::add_to_linker::<T, WasiHttp>(
            &mut l,
            &options.into(),
            T::http,
        )?;
    }
    if has(Capability::HttpClient) {
        wasmtime_wasi_http::p2::bindings::http::outgoing_handler::add_to_linker::<T, WasiHttp>(
            &mut l,
            T::http,
        )?;
    }
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_need_a_grant_and_a_provider() {
        let none = Grants::none();
        let only = |cap: Capability| -> Grants { [cap].into_iter().collect() };
        assert_eq!(
            check_component_import("wasi:io/streams@0.2.12", &none),
            Ok(())
        );
        assert_eq!(
            check_component_import("wasi:filesystem/preopens@0.2.0", &none),
            Err(EnforcementError::NotGranted {
                import: "wasi:filesystem/preopens@0.2.0".into(),
                name: "Filesystem",
                alias: "fs"
            })
        );
        assert_eq!(
            check_component_import(
                "wasi:filesystem/preopens@0.2.0",
                &only(Capability::Filesystem)
            ),
            Ok(())
        );
        assert!(matches!(
            check_component_import("acme:x/y", &none),
            Err(EnforcementError::Unsupported { .. })
        ));
        assert_eq!(
            check_component_import("wasi:http/types@0.2.0", &only(Capability::HttpServer)),
            Ok(())
        );
        assert!(matches!(
            check_component_import(
                "wasi:blobstore/blobstore@0.2.0-draft",
                &only(Capability::Blobstore)
            ),
            Err(EnforcementError::NotProvided { .. })
        ));
        assert!(matches!(
            check_export("wasi:http/incoming-handler@0.2.0", &none),
            Err(EnforcementError::ExportNotGranted { .. })
        ));
        assert!(check_core_import("wasi_snapshot_preview1", "fd_write", &none).is_ok());
        assert!(check_core_import("wasi_snapshot_preview1", "path_open", &none).is_err());
        assert!(check_core_import("env", "whatever", &none).is_err());
    }
}
