//! The capability table (DESIGN.md §5): aliases, contract ids, and which interfaces each grants.
//!
//! The host (`wzt run`) links by this table; `sign --caps auto` and `inspect` use it to tell what
//! an artifact's imports need. Matching here is by package and interface name; which versions
//! actually link is the host's business.

use std::collections::BTreeSet;

use crate::wasm::{Import, Interfaces};

/// One row of the capability table.
#[derive(Debug)]
pub struct Capability {
    pub alias: &'static str,
    pub contract_id: &'static str,
    pub friendly_name: &'static str,
    /// WIT package, e.g. `wasi:http`.
    pub package: &'static str,
    /// Interfaces of that package the host imports for the guest; empty means all of them.
    pub imports: &'static [&'static str],
    /// Interfaces of that package the guest exports for the host to call.
    pub exports: &'static [&'static str],
    /// WASI preview 1 functions (core modules) this capability grants.
    pub preview1_prefixes: &'static [&'static str],
}

pub const CAPABILITIES: &[Capability] = &[
    Capability {
        alias: "http",
        contract_id: "wasmcloud:httpserver",
        friendly_name: "HTTP Server",
        package: "wasi:http",
        imports: &["types"],
        exports: &["incoming-handler"],
        preview1_prefixes: &[],
    },
    Capability {
        alias: "httpclient",
        contract_id: "wasmcloud:httpclient",
        friendly_name: "HTTP Client",
        package: "wasi:http",
        imports: &["outgoing-handler", "types"],
        exports: &[],
        preview1_prefixes: &[],
    },
    Capability {
        alias: "kv",
        contract_id: "wasmcloud:keyvalue",
        friendly_name: "K/V Store",
        package: "wasi:keyvalue",
        imports: &["store", "atomics", "batch"],
        exports: &[],
        preview1_prefixes: &[],
    },
    Capability {
        alias: "msg",
        contract_id: "wasmcloud:messaging",
        friendly_name: "Messaging",
        package: "wasmcloud:messaging",
        imports: &["consumer", "types"],
        exports: &["handler"],
        preview1_prefixes: &[],
    },
    Capability {
        alias: "log",
        contract_id: "wasmcloud:builtin:logging",
        friendly_name: "Logging",
        package: "wasi:logging",
        imports: &["logging"],
        exports: &[],
        preview1_prefixes: &[],
    },
    Capability {
        alias: "blob",
        contract_id: "wasmcloud:blobstore",
        friendly_name: "Blob Store",
        package: "wasi:blobstore",
        imports: &[],
        exports: &[],
        preview1_prefixes: &[],
    },
    Capability {
        alias: "config",
        contract_id: "wasi:config",
        friendly_name: "Runtime Config",
        package: "wasi:config",
        imports: &["store"],
        exports: &[],
        preview1_prefixes: &[],
    },
    Capability {
        alias: "fs",
        contract_id: "wasi:filesystem",
        friendly_name: "Filesystem",
        package: "wasi:filesystem",
        imports: &[],
        exports: &[],
        preview1_prefixes: &["path_", "fd_readdir", "fd_prestat_"],
    },
    Capability {
        alias: "net",
        contract_id: "wasi:sockets",
        friendly_name: "Sockets",
        package: "wasi:sockets",
        imports: &[],
        exports: &[],
        preview1_prefixes: &["sock_"],
    },
    Capability {
        alias: "rand",
        contract_id: "wasmcloud:builtin:numbergen",
        friendly_name: "Number Generation",
        package: "wasi:random",
        imports: &[],
        exports: &[],
        preview1_prefixes: &[],
    },
];

/// Interfaces linked for every actor, granted or not (the host links exactly these).
pub const ALWAYS_LINKED: &[(&str, &[&str])] = &[
    ("wasi:io", &["error", "poll", "streams"]),
    ("wasi:clocks", &["wall-clock", "monotonic-clock"]),
    ("wasi:random", &["random", "insecure", "insecure-seed"]),
    (
        "wasi:cli",
        &[
            "environment",
            "exit",
            "stdin",
            "stdout",
            "stderr",
            "terminal-input",
            "terminal-output",
            "terminal-stdin",
            "terminal-stdout",
            "terminal-stderr",
        ],
    ),
];

/// Exports the host calls without a grant: a command's entry point.
const UNGATED_EXPORTS: &[(&str, &[&str])] = &[("wasi:cli", &["run"])];

/// Preview 1 modules whose functions are WASI.
const PREVIEW1_MODULES: &[&str] = &["wasi_snapshot_preview1", "wasi_unstable"];

pub fn by_alias(alias: &str) -> Option<&'static Capability> {
    CAPABILITIES.iter().find(|c| c.alias == alias)
}

pub fn by_contract_id(id: &str) -> Option<&'static Capability> {
    CAPABILITIES.iter().find(|c| c.contract_id == id)
}

/// The friendly name of a contract id, or the id itself when it is not in the table.
pub fn display_name(contract_id: &str) -> String {
    by_contract_id(contract_id)
        .map(|c| c.friendly_name.to_string())
        .unwrap_or_else(|| contract_id.to_string())
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "unknown capability '{0}': use an alias ({aliases}), a contract id with a ':' (e.g. wasmcloud:keyvalue), or 'auto'",
    aliases = CAPABILITIES.iter().map(|c| c.alias).collect::<Vec<_>>().join(", ")
)]
pub struct UnknownCapability(pub String);

/// Resolves what a user typed after `--caps`: an alias or a contract id. Ids not in the table
/// are kept as given (they are shown raw), but must look like one (`namespace:name`).
pub fn resolve(word: &str) -> Result<String, UnknownCapability> {
    let word = word.trim();
    if let Some(cap) = by_alias(word) {
        return Ok(cap.contract_id.to_string());
    }
    if word.contains(':')
        && !word.starts_with(':')
        && !word.ends_with(':')
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'-' | b'_' | b'.' | b'/'))
    {
        return Ok(word.to_string());
    }
    Err(UnknownCapability(word.to_string()))
}

/// `ns:pkg/iface@ver` split into package `ns:pkg` and interface `iface` (no version).
fn split_interface(name: &str) -> Option<(&str, &str)> {
    let unversioned = name.split('@').next().unwrap_or(name);
    let (package, iface) = unversioned.split_once('/')?;
    Some((package, iface))
}

fn matches(list: &[&str], iface: &str) -> bool {
    list.is_empty() || list.contains(&iface)
}

fn in_table(table: &[(&str, &[&str])], package: &str, iface: &str) -> bool {
    table
        .iter()
        .any(|(p, ifaces)| *p == package && matches(ifaces, iface))
}

/// What one import or export needs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Need {
    /// Linked for every actor.
    AlwaysLinked,
    /// Needs one of these capabilities (contract ids) granted.
    Grant { any_of: Vec<&'static str> },
    /// Nothing in the capability table provides it: the host cannot link it.
    Unsupported,
}

/// Classifies a component import.
pub fn need_of_component_import(name: &str) -> Need {
    let Some((package, iface)) = split_interface(name) else {
        // A bare function or instance name: nothing the host provides.
        return Need::Unsupported;
    };
    if in_table(ALWAYS_LINKED, package, iface) {
        return Need::AlwaysLinked;
    }
    grant_need(CAPABILITIES.iter().filter(|c| {
        // An empty import list (and no exports) means the whole package.
        c.package == package
            && (c.imports.contains(&iface) || (c.imports.is_empty() && c.exports.is_empty()))
    }))
}

/// Classifies a component export the host would call.
pub fn need_of_component_export(name: &str) -> Need {
    let Some((package, iface)) = split_interface(name) else {
        return Need::AlwaysLinked;
    };
    if in_table(UNGATED_EXPORTS, package, iface) {
        return Need::AlwaysLinked;
    }
    let need = grant_need(
        CAPABILITIES
            .iter()
            .filter(|c| c.package == package && c.exports.contains(&iface)),
    );
    // Exports no capability names are not host-called entry points; they need nothing.
    if need == Need::Unsupported {
        Need::AlwaysLinked
    } else {
        need
    }
}

/// Classifies a core module import (WASI preview 1 or anything else).
pub fn need_of_core_import(module: &str, name: &str) -> Need {
    if !PREVIEW1_MODULES.contains(&module) {
        return Need::Unsupported;
    }
    let need = grant_need(
        CAPABILITIES
            .iter()
            .filter(|c| c.preview1_prefixes.iter().any(|p| name.starts_with(p))),
    );
    if need == Need::Unsupported {
        Need::AlwaysLinked
    } else {
        need
    }
}

fn grant_need<'a>(caps: impl Iterator<Item = &'a Capability>) -> Need {
    let any_of: Vec<&'static str> = caps.map(|c| c.contract_id).collect();
    if any_of.is_empty() {
        Need::Unsupported
    } else {
        Need::Grant { any_of }
    }
}

/// One import or export and what it needs, for `inspect`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InterfaceNeed {
    pub name: String,
    pub direction: Direction,
    pub need: Need,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Import,
    Export,
}

/// Every top-level import and export with what it needs.
pub fn needs_of(interfaces: &Interfaces) -> Vec<InterfaceNeed> {
    let mut out = Vec::new();
    for import in &interfaces.imports {
        let need = match import {
            Import::Component(name) => need_of_component_import(name),
            Import::Core { module, name } => need_of_core_import(module, name),
        };
        out.push(InterfaceNeed {
            name: import.to_string(),
            direction: Direction::Import,
            need,
        });
    }
    for export in &interfaces.exports {
        if interfaces
            .imports
            .iter()
            .all(|i| matches!(i, Import::Core { .. }))
            && !export.contains(':')
        {
            // Core module exports (`_start`, `memory`) and plain names need nothing.
            continue;
        }
        out.push(InterfaceNeed {
            name: export.clone(),
            direction: Direction::Export,
            need: need_of_component_export(export),
        });
    }
    out
}

/// The least-privilege grant for `sign --caps auto`: for each interface that needs a grant, the
/// first capability that provides it unless one already chosen does. Sorted, no duplicates.
pub fn least_privilege(needs: &[InterfaceNeed]) -> Vec<String> {
    let mut chosen: BTreeSet<&'static str> = BTreeSet::new();
    // Exports first: an HTTP server's `wasi:http/types` import is then covered by `http`
    // rather than pulling in the HTTP client.
    let mut ordered: Vec<&InterfaceNeed> = needs.iter().collect();
    ordered.sort_by_key(|n| n.direction == Direction::Import);
    // Then specific interfaces before shared ones (`types` is provided by several).
    ordered.sort_by_key(|n| match &n.need {
        Need::Grant { any_of } => any_of.len(),
        _ => 0,
    });
    for need in ordered {
        if let Need::Grant { any_of } = &need.need
            && !any_of.iter().any(|c| chosen.contains(c))
        {
            chosen.insert(any_of[0]);
        }
    }
    chosen.into_iter().map(str::to_string).collect()
}

/// For `inspect`: the needs whose grant is missing, and the granted capabilities nothing uses.
pub fn check_grants(needs: &[InterfaceNeed], granted: &[String]) -> (Vec<String>, Vec<String>) {
    let missing = needs
        .iter()
        .filter(|n| match &n.need {
            Need::Grant { any_of } => !any_of.iter().any(|c| granted.iter().any(|g| g == c)),
            _ => false,
        })
        .map(|n| n.name.clone())
        .collect();
    let unused = granted
        .iter()
        .filter(|g| {
            // Only capabilities the table knows can be judged; `rand` is always linked anyway.
            let Some(cap) = by_contract_id(g) else {
                return false;
            };
            if cap.alias == "rand" {
                return false;
            }
            !needs.iter().any(|n| match &n.need {
                Need::Grant { any_of } => any_of.contains(&cap.contract_id),
                _ => false,
            })
        })
        .cloned()
        .collect();
    (missing, unused)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_ids_resolve() {
        assert_eq!(resolve("kv").unwrap(), "wasmcloud:keyvalue");
        assert_eq!(resolve("wasmcloud:keyvalue").unwrap(), "wasmcloud:keyvalue");
        assert_eq!(resolve("acme:custom").unwrap(), "acme:custom");
        assert!(resolve("keyvalue").is_err());
        assert!(resolve("a b:c").is_err());
    }

    #[test]
    fn imports_are_classified() {
        assert_eq!(
            need_of_component_import("wasi:io/streams@0.2.0"),
            Need::AlwaysLinked
        );
        assert_eq!(
            need_of_component_import("wasi:keyvalue/atomics@0.2.0-draft"),
            Need::Grant {
                any_of: vec!["wasmcloud:keyvalue"]
            }
        );
        assert_eq!(
            need_of_component_import("wasi:http/types@0.2.2"),
            Need::Grant {
                any_of: vec!["wasmcloud:httpserver", "wasmcloud:httpclient"]
            }
        );
        assert_eq!(
            need_of_component_import("wasi:filesystem/preopens@0.2.0"),
            Need::Grant {
                any_of: vec!["wasi:filesystem"]
            }
        );
        assert_eq!(
            need_of_component_import("acme:secret/vault"),
            Need::Unsupported
        );
        assert_eq!(
            need_of_component_export("wasi:http/incoming-handler@0.2.0"),
            Need::Grant {
                any_of: vec!["wasmcloud:httpserver"]
            }
        );
        assert_eq!(
            need_of_core_import("wasi_snapshot_preview1", "path_open"),
            Need::Grant {
                any_of: vec!["wasi:filesystem"]
            }
        );
        assert_eq!(
            need_of_core_import("wasi_snapshot_preview1", "fd_write"),
            Need::AlwaysLinked
        );
        assert_eq!(need_of_core_import("env", "f"), Need::Unsupported);
    }

    #[test]
    fn least_privilege_prefers_the_server_for_shared_types() {
        let interfaces = Interfaces {
            imports: vec![
                Import::Component("wasi:http/types@0.2.0".into()),
                Import::Component("wasi:keyvalue/store@0.2.0-draft".into()),
            ],
            exports: vec!["wasi:http/incoming-handler@0.2.0".into()],
        };
        let needs = needs_of(&interfaces);
        assert_eq!(
            least_privilege(&needs),
            vec!["wasmcloud:httpserver", "wasmcloud:keyvalue"]
        );
        let (missing, unused) = check_grants(
            &needs,
            &["wasmcloud:httpserver".into(), "wasmcloud:messaging".into()],
        );
        assert_eq!(missing, vec!["wasi:keyvalue/store@0.2.0-draft"]);
        assert_eq!(unused, vec!["wasmcloud:messaging"]);
    }
}
