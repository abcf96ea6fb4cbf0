//! What the linker holds, and the check that every import is granted and provided before
//! anything is instantiated (docs/design.md §5).

use std::collections::BTreeSet;

use wasmtime::component::Linker;
use wasmtime_wasi::cli::{WasiCli, WasiCliView};
use wasmtime_wasi::clocks::{WasiClocks, WasiClocksView};
use wasmtime_wasi::p2::bindings::{cli, clocks, random};
use wasmtime_wasi::random::{WasiRandom, WasiRandomView};

use super::providers::{Linking, ProviderSettings};
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

/// Where the grants of the actor being started come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantsFrom {
    /// Its signed claims: re-sign it.
    Claims,
    /// `--caps` of an unsigned actor run with `--allow-unsigned`.
    UnsignedCaps,
    /// The `caps` of the project's wzt.toml (`wzt dev`).
    Project,
}

impl EnforcementError {
    /// The refusal with the fix for where the grants come from (import and export names are
    /// the artifact's: escaped).
    pub fn with_fix(&self, from: GrantsFrom) -> String {
        let (what, alias, name) = match self {
            EnforcementError::NotGranted {
                import,
                name,
                alias,
            } => (format!("imports {import}"), *alias, *name),
            EnforcementError::ExportNotGranted {
                export,
                name,
                alias,
            } => (format!("exports {export}"), *alias, *name),
            other => return crate::text::escape(&other.to_string()),
        };
        let fix = match from {
            GrantsFrom::Claims => format!(
                "it is not granted: re-sign it with `wzt sign --caps {alias}` (or `--caps auto`: exactly what it imports)"
            ),
            GrantsFrom::UnsignedCaps => format!(
                "an unsigned actor gets only what --caps grants: add `--caps {alias}` (or `--caps auto`: exactly what it imports)"
            ),
            GrantsFrom::Project => format!(
                "wzt.toml does not grant it: add \"{alias}\" to `caps` in [actor] (or set `caps = [\"auto\"]`: exactly what it imports); the next build picks it up"
            ),
        };
        format!(
            "the actor {}, which needs the {name} capability ({alias}); {fix}",
            crate::text::escape(&what)
        )
    }
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

/// A linker with the always-linked interfaces and those of the granted capabilities (each
/// provider unit links its own): nothing else is reachable from the guest.
pub fn component_linker(
    engine: &wasmtime::Engine,
    grants: &Grants,
    providers: &ProviderSettings,
) -> wasmtime::Result<Linker<ComponentState>> {
    let mut linker = Linker::<ComponentState>::new(engine);
    link_granted(&mut linker, grants, providers)?;
    Ok(linker)
}

/// Fills `linker` as [`component_linker`] does; returns the names of the interfaces linked
/// for capabilities (the always-linked ones aside).
fn link_granted(
    linker: &mut Linker<ComponentState>,
    grants: &Grants,
    providers: &ProviderSettings,
) -> wasmtime::Result<BTreeSet<&'static str>> {
    type T = ComponentState;
    let l = &mut *linker;
    wasmtime_wasi_io::add_to_linker_async(l)?;
    clocks::wall_clock::add_to_linker::<T, WasiClocks>(l, T::clocks)?;
    clocks::monotonic_clock::add_to_linker::<T, WasiClocks>(l, T::clocks)?;
    random::random::add_to_linker::<T, WasiRandom>(l, T::random)?;
    random::insecure::add_to_linker::<T, WasiRandom>(l, T::random)?;
    random::insecure_seed::add_to_linker::<T, WasiRandom>(l, T::random)?;
    cli::exit::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::environment::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::stdin::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::stdout::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::stderr::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_input::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_output::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_stdin::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_stdout::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_stderr::add_to_linker::<T, WasiCli>(l, T::cli)?;
    let mut linked = BTreeSet::new();
    let mut linking = Linking::new(linker, &mut linked);
    for unit in providers.units() {
        if grants.contains(unit.capability()) {
            unit.link(&mut linking)?;
        }
    }
    Ok(linked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_the_fix_where_the_grants_come_from() {
        let refusal = not_granted("wasi:http/types@0.2.0", &[Capability::HttpServer]);
        let said = |from| refusal.with_fix(from);
        let start = "the actor imports wasi:http/types@0.2.0, which needs the HTTP Server capability (http); ";
        assert_eq!(
            said(GrantsFrom::Claims),
            format!(
                "{start}it is not granted: re-sign it with `wzt sign --caps http` (or `--caps auto`: exactly what it imports)"
            )
        );
        assert_eq!(
            said(GrantsFrom::UnsignedCaps),
            format!(
                "{start}an unsigned actor gets only what --caps grants: add `--caps http` (or `--caps auto`: exactly what it imports)"
            )
        );
        assert_eq!(
            said(GrantsFrom::Project),
            format!(
                "{start}wzt.toml does not grant it: add \"http\" to `caps` in [actor] (or set `caps = [\"auto\"]`: exactly what it imports); the next build picks it up"
            )
        );
    }

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

    /// Whether `linker` defines something named exactly `name`: defining a function of that
    /// name at the root fails then (the linker refuses to shadow; it is a scratch linker).
    fn defines(mut linker: Linker<ComponentState>, name: &str) -> bool {
        linker
            .root()
            .func_wrap(
                name,
                |_: wasmtime::StoreContextMut<'_, ComponentState>, (): ()| Ok(()),
            )
            .is_err()
    }

    /// The capability table's "host links" column and what the linker really holds are one
    /// truth: for each capability, the interfaces its provider unit links are the table's, and
    /// each of them is really defined under the grant and absent without it.
    #[test]
    fn the_linker_holds_exactly_the_interfaces_of_the_capability_table() {
        let engine = wasmtime::Engine::default();
        let providers = ProviderSettings::default();
        for cap in Capability::ALL {
            let grants: Grants = [cap].into_iter().collect();
            let mut linker = Linker::<ComponentState>::new(&engine);
            let linked = link_granted(&mut linker, &grants, &providers).unwrap();
            // Versions aside: `config` is linked under two.
            let names: BTreeSet<&str> = linked
                .iter()
                .map(|n| n.split('@').next().unwrap())
                .collect();
            let table: Vec<String> = cap
                .linked_interfaces()
                .iter()
                .map(|i| format!("{}/{i}", cap.package()))
                .collect();
            let table: BTreeSet<&str> = table.iter().map(String::as_str).collect();
            assert_eq!(names, table, "{cap:?}: the linker and the table disagree");
            for name in &linked {
                let granted = component_linker(&engine, &grants, &providers).unwrap();
                assert!(
                    defines(granted, name),
                    "{cap:?} does not really link {name}"
                );
                let bare = component_linker(&engine, &Grants::none(), &providers).unwrap();
                assert!(
                    !defines(bare, name),
                    "{name} is linked without the {cap:?} grant"
                );
                assert!(caps::is_linked(name, &grants), "{name}");
            }
        }
        // The always-linked interfaces are there without any grant.
        for (package, interfaces) in caps::ALWAYS_LINKED {
            for interface in *interfaces {
                let name = format!("{package}/{interface}@0.2.12");
                let bare = component_linker(&engine, &Grants::none(), &providers).unwrap();
                assert!(defines(bare, &name), "{name} is not always linked");
            }
        }
    }
}
