//! The capability table (docs/design.md §5) and the types that carry grants.
//!
//! [`Capability`] names one row of the one table below: its alias, contract id, friendly name,
//! the WIT interfaces it covers and those the host links for it. [`CapabilityId`] is what a
//! claim or a flag names (a row, or a contract id wzt does not know, kept raw), and [`Grants`]
//! is the ordered set of them an actor holds. Everything else (signing with `--caps auto`,
//! `inspect`, the policy, the host's linker) asks these types; no other module compares
//! contract-id strings.

use std::fmt;

use crate::wasm::{Import, Interfaces};

/// A capability wzt knows: one row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capability {
    HttpServer,
    HttpClient,
    KeyValue,
    Messaging,
    Logging,
    Blobstore,
    Config,
    Filesystem,
    Sockets,
    NumberGen,
}

/// One row of the capability table.
struct Row {
    capability: Capability,
    alias: &'static str,
    contract_id: &'static str,
    friendly_name: &'static str,
    /// WIT package, e.g. `wasi:http`.
    package: &'static str,
    /// Interfaces of that package the guest imports under this grant; empty means all of them.
    imports: &'static [&'static str],
    /// Interfaces of that package the guest exports for the host to call.
    exports: &'static [&'static str],
    /// Interfaces of `package` this host links when the capability is granted (a subset of
    /// what `imports` covers; the rest is "granted but not provided").
    linked: &'static [&'static str],
    /// WASI preview 1 functions (core modules) this capability grants.
    preview1_prefixes: &'static [&'static str],
}

/// The table, in `Capability` order.
const TABLE: [Row; 10] = [
    Row {
        capability: Capability::HttpServer,
        alias: "http",
        contract_id: "wasmcloud:httpserver",
        friendly_name: "HTTP Server",
        package: "wasi:http",
        imports: &["types"],
        exports: &["incoming-handler"],
        linked: &["types"],
        preview1_prefixes: &[],
    },
    Row {
        capability: Capability::HttpClient,
        alias: "httpclient",
        contract_id: "wasmcloud:httpclient",
        friendly_name: "HTTP Client",
        package: "wasi:http",
        imports: &["outgoing-handler", "types"],
        exports: &[],
        linked: &["outgoing-handler", "types"],
        preview1_prefixes: &[],
    },
    Row {
        capability: Capability::KeyValue,
        alias: "kv",
        contract_id: "wasmcloud:keyvalue",
        friendly_name: "K/V Store",
        package: "wasi:keyvalue",
        imports: &["store", "atomics", "batch"],
        exports: &[],
        linked: &["store", "atomics", "batch"],
        preview1_prefixes: &[],
    },
    Row {
        capability: Capability::Messaging,
        alias: "msg",
        contract_id: "wasmcloud:messaging",
        friendly_name: "Messaging",
        package: "wasmcloud:messaging",
        imports: &["consumer", "types"],
        exports: &["handler"],
        linked: &["consumer", "types"],
        preview1_prefixes: &[],
    },
    Row {
        capability: Capability::Logging,
        alias: "log",
        contract_id: "wasmcloud:builtin:logging",
        friendly_name: "Logging",
        package: "wasi:logging",
        imports: &["logging"],
        exports: &[],
        linked: &["logging"],
        preview1_prefixes: &[],
    },
    Row {
        capability: Capability::Blobstore,
        alias: "blob",
        contract_id: "wasmcloud:blobstore",
        friendly_name: "Blob Store",
        package: "wasi:blobstore",
        imports: &[],
        exports: &[],
        linked: &[],
        preview1_prefixes: &[],
    },
    Row {
        capability: Capability::Config,
        alias: "config",
        contract_id: "wasi:config",
        friendly_name: "Runtime Config",
        package: "wasi:config",
        imports: &["store"],
        exports: &[],
        linked: &["store"],
        preview1_prefixes: &[],
    },
    Row {
        capability: Capability::Filesystem,
        alias: "fs",
        contract_id: "wasi:filesystem",
        friendly_name: "Filesystem",
        package: "wasi:filesystem",
        imports: &[],
        exports: &[],
        linked: &["types", "preopens"],
        preview1_prefixes: &["path_", "fd_readdir", "fd_prestat_"],
    },
    Row {
        capability: Capability::Sockets,
        alias: "net",
        contract_id: "wasi:sockets",
        friendly_name: "Sockets",
        package: "wasi:sockets",
        imports: &[],
        exports: &[],
        linked: &[
            "tcp",
            "udp",
            "udp-create-socket",
            "tcp-create-socket",
            "instance-network",
            "network",
            "ip-name-lookup",
        ],
        preview1_prefixes: &["sock_"],
    },
    Row {
        capability: Capability::NumberGen,
        alias: "rand",
        contract_id: "wasmcloud:builtin:numbergen",
        friendly_name: "Number Generation",
        package: "wasi:random",
        imports: &[],
        exports: &[],
        // `wasi:random` is always linked.
        linked: &[],
        preview1_prefixes: &[],
    },
];

impl Capability {
    /// Every capability, in table order.
    pub const ALL: [Capability; 10] = [
        Capability::HttpServer,
        Capability::HttpClient,
        Capability::KeyValue,
        Capability::Messaging,
        Capability::Logging,
        Capability::Blobstore,
        Capability::Config,
        Capability::Filesystem,
        Capability::Sockets,
        Capability::NumberGen,
    ];

    fn row(self) -> &'static Row {
        let row = &TABLE[self as usize];
        debug_assert_eq!(row.capability, self);
        row
    }

    /// The short name the CLI takes (`kv`).
    pub fn alias(self) -> &'static str {
        self.row().alias
    }

    /// The contract id claims carry (`wasmcloud:keyvalue`).
    pub fn contract_id(self) -> &'static str {
        self.row().contract_id
    }

    /// The name people read (`K/V Store`).
    pub fn friendly_name(self) -> &'static str {
        self.row().friendly_name
    }

    /// The WIT package whose interfaces this capability covers.
    pub fn package(self) -> &'static str {
        self.row().package
    }

    /// Interfaces of [`Self::package`] the host links when this capability is granted.
    pub fn linked_interfaces(self) -> &'static [&'static str] {
        self.row().linked
    }

    pub fn by_alias(alias: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.alias() == alias)
    }

    pub fn by_contract_id(id: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.contract_id() == id)
    }

    /// The capability someone probably meant by `word`, which is not an alias: another of its
    /// names (`keyvalue`, the last part of its contract id; `filesystem`, its WIT package's;
    /// `logging`), or one of those names or the alias within a typo or two (`htp`).
    pub fn suggest(word: &str) -> Option<Capability> {
        let word = word.trim().to_ascii_lowercase();
        let names = |cap: Capability| {
            let last = |id: &'static str| id.rsplit(':').next().unwrap_or(id);
            [cap.alias(), last(cap.contract_id()), last(cap.package())]
        };
        if let Some(cap) = Capability::ALL
            .into_iter()
            .find(|c| names(*c).contains(&word.as_str()))
        {
            return Some(cap);
        }
        Capability::ALL
            .into_iter()
            .flat_map(|c| names(c).map(|name| (strsim::levenshtein(&word, name), name, c)))
            .filter(|(distance, name, _)| *distance <= if name.len() <= 4 { 1 } else { 2 })
            .min_by_key(|(distance, _, _)| *distance)
            .map(|(_, _, c)| c)
    }
}

impl fmt::Display for Capability {
    /// The contract id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.contract_id())
    }
}

impl serde::Serialize for Capability {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.contract_id())
    }
}

/// What a claim or a flag grants: a capability from the table, or a contract id wzt does not
/// know, kept as given (shown raw, never linked).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CapabilityId {
    Known(Capability),
    Unknown(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "unknown capability '{}'{}: use an alias ({aliases}), a contract id with a ':' (e.g. wasmcloud:keyvalue), 'auto' or 'none'",
    crate::text::Untrusted(&self.0),
    Capability::suggest(&self.0)
        .map(|c| format!(" (did you mean `{}`, {}?)", c.alias(), c.friendly_name()))
        .unwrap_or_default(),
    aliases = Capability::ALL.iter().map(|c| c.alias()).collect::<Vec<_>>().join(", ")
)]
pub struct UnknownCapability(pub String);

impl CapabilityId {
    /// Reads what a user typed after `--caps` or in a policy: an alias or a contract id. Ids
    /// not in the table are kept, but must look like one (`namespace:name`).
    pub fn parse(word: &str) -> Result<CapabilityId, UnknownCapability> {
        let word = word.trim();
        if let Some(cap) = Capability::by_alias(word) {
            return Ok(CapabilityId::Known(cap));
        }
        if word.contains(':')
            && !word.starts_with(':')
            && !word.ends_with(':')
            && word
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'-' | b'_' | b'.' | b'/'))
        {
            return Ok(CapabilityId::from_contract_id(word));
        }
        Err(UnknownCapability(word.to_string()))
    }

    /// A contract id as a token carries it.
    pub fn from_contract_id(id: &str) -> CapabilityId {
        match Capability::by_contract_id(id) {
            Some(cap) => CapabilityId::Known(cap),
            None => CapabilityId::Unknown(id.to_string()),
        }
    }

    pub fn contract_id(&self) -> &str {
        match self {
            CapabilityId::Known(cap) => cap.contract_id(),
            CapabilityId::Unknown(id) => id,
        }
    }

    /// The friendly name, or the raw id when it is not in the table.
    pub fn display_name(&self) -> &str {
        match self {
            CapabilityId::Known(cap) => cap.friendly_name(),
            CapabilityId::Unknown(id) => id,
        }
    }

    pub fn known(&self) -> Option<Capability> {
        match self {
            CapabilityId::Known(cap) => Some(*cap),
            CapabilityId::Unknown(_) => None,
        }
    }
}

impl fmt::Display for CapabilityId {
    /// The contract id (raw for unknown ids: callers that print it to a terminal escape it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.contract_id())
    }
}

impl serde::Serialize for CapabilityId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.contract_id())
    }
}

impl From<Capability> for CapabilityId {
    fn from(cap: Capability) -> CapabilityId {
        CapabilityId::Known(cap)
    }
}

/// The capabilities an actor holds, in the order they were granted, without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants(Vec<CapabilityId>);

impl Grants {
    /// No grants at all.
    pub fn none() -> Grants {
        Grants(Vec::new())
    }

    /// The grants a token's `caps` field names.
    pub fn from_contract_ids<S: AsRef<str>>(ids: &[S]) -> Grants {
        ids.iter()
            .map(|id| CapabilityId::from_contract_id(id.as_ref()))
            .collect()
    }

    /// Parses words as `--caps` takes them (aliases or contract ids; empty words skipped).
    pub fn parse<S: AsRef<str>>(words: &[S]) -> Result<Grants, UnknownCapability> {
        words
            .iter()
            .map(AsRef::as_ref)
            .filter(|w| !w.trim().is_empty())
            .map(CapabilityId::parse)
            .collect()
    }

    pub fn insert(&mut self, id: impl Into<CapabilityId>) {
        let id = id.into();
        if !self.0.contains(&id) {
            self.0.push(id);
        }
    }

    pub fn contains(&self, cap: Capability) -> bool {
        self.0.contains(&CapabilityId::Known(cap))
    }

    pub fn contains_id(&self, id: &CapabilityId) -> bool {
        self.0.contains(id)
    }

    /// Whether any of `caps` is granted.
    pub fn any_of(&self, caps: &[Capability]) -> bool {
        caps.iter().any(|c| self.contains(*c))
    }

    pub fn iter(&self) -> impl Iterator<Item = &CapabilityId> {
        self.0.iter()
    }

    /// The granted capabilities wzt knows.
    pub fn known(&self) -> impl Iterator<Item = Capability> + '_ {
        self.0.iter().filter_map(CapabilityId::known)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The contract ids, as a token's `caps` field holds them.
    pub fn contract_ids(&self) -> Vec<String> {
        self.0.iter().map(|c| c.contract_id().to_string()).collect()
    }
}

impl FromIterator<CapabilityId> for Grants {
    fn from_iter<I: IntoIterator<Item = CapabilityId>>(iter: I) -> Grants {
        let mut grants = Grants::none();
        for id in iter {
            grants.insert(id);
        }
        grants
    }
}

impl FromIterator<Capability> for Grants {
    fn from_iter<I: IntoIterator<Item = Capability>>(iter: I) -> Grants {
        iter.into_iter().map(CapabilityId::Known).collect()
    }
}

impl<'a> IntoIterator for &'a Grants {
    type Item = &'a CapabilityId;
    type IntoIter = std::slice::Iter<'a, CapabilityId>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl serde::Serialize for Grants {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(&self.0)
    }
}

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
    /// Needs one of these capabilities granted (never empty; the first is the one to suggest).
    Grant { any_of: Vec<Capability> },
    /// Nothing in the capability table provides it: the host cannot link it.
    Unsupported,
}

impl Need {
    /// Whether `grants` satisfy this need (an unsupported one never is).
    pub fn met_by(&self, grants: &Grants) -> bool {
        match self {
            Need::AlwaysLinked => true,
            Need::Grant { any_of } => grants.any_of(any_of),
            Need::Unsupported => false,
        }
    }
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
    grant_need(TABLE.iter().filter(|r| {
        // An empty import list (and no exports) means the whole package.
        r.package == package
            && (r.imports.contains(&iface) || (r.imports.is_empty() && r.exports.is_empty()))
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
        TABLE
            .iter()
            .filter(|r| r.package == package && r.exports.contains(&iface)),
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
        TABLE
            .iter()
            .filter(|r| r.preview1_prefixes.iter().any(|p| name.starts_with(p))),
    );
    if need == Need::Unsupported {
        Need::AlwaysLinked
    } else {
        need
    }
}

fn grant_need<'a>(rows: impl Iterator<Item = &'a Row>) -> Need {
    let any_of: Vec<Capability> = rows.map(|r| r.capability).collect();
    if any_of.is_empty() {
        Need::Unsupported
    } else {
        Need::Grant { any_of }
    }
}

/// Whether this host links the component import `name` for an actor holding `grants`: it is
/// always linked, or a granted capability's row lists it among the linked interfaces.
pub fn is_linked(name: &str, grants: &Grants) -> bool {
    let Some((package, iface)) = split_interface(name) else {
        return false;
    };
    let always = ALWAYS_LINKED
        .iter()
        .any(|(p, ifaces)| *p == package && ifaces.contains(&iface));
    always
        || grants
            .known()
            .any(|c| c.package() == package && c.linked_interfaces().contains(&iface))
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

/// The least-privilege grant for `--caps auto`: for each interface that needs a grant, the
/// first capability that provides it unless one already chosen does. In table order.
pub fn least_privilege(needs: &[InterfaceNeed]) -> Grants {
    let mut chosen: std::collections::BTreeSet<Capability> = Default::default();
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
    chosen.into_iter().collect()
}

/// For `inspect` and `sign`: the needs whose grant is missing, and the granted capabilities
/// nothing needs. A grant is used when least privilege among the grants picks it (in the order
/// [`least_privilege`] uses): an HTTP server granted `http` and `httpclient` needs only `http`
/// for its `wasi:http/types`, so `httpclient` is unused.
pub fn check_grants(needs: &[InterfaceNeed], grants: &Grants) -> (Vec<String>, Vec<Capability>) {
    let missing = needs
        .iter()
        .filter(|n| matches!(n.need, Need::Grant { .. }) && !n.need.met_by(grants))
        .map(|n| n.name.clone())
        .collect();
    let mut ordered: Vec<&InterfaceNeed> = needs.iter().collect();
    ordered.sort_by_key(|n| n.direction == Direction::Import);
    ordered.sort_by_key(|n| match &n.need {
        Need::Grant { any_of } => any_of.len(),
        _ => 0,
    });
    let mut used: std::collections::BTreeSet<Capability> = Default::default();
    for need in ordered {
        if let Need::Grant { any_of } = &need.need
            && !any_of.iter().any(|c| used.contains(c))
            && let Some(cap) = any_of.iter().find(|c| grants.contains(**c))
        {
            used.insert(*cap);
        }
    }
    let unused = grants
        .known()
        // `rand` is always linked anyway; unknown ids cannot be judged.
        .filter(|cap| *cap != Capability::NumberGen)
        .filter(|cap| !used.contains(cap))
        .collect();
    (missing, unused)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_enum_order() {
        for (i, cap) in Capability::ALL.iter().enumerate() {
            assert_eq!(TABLE[i].capability, *cap);
            assert_eq!(Capability::by_alias(cap.alias()), Some(*cap));
            assert_eq!(Capability::by_contract_id(cap.contract_id()), Some(*cap));
        }
    }

    #[test]
    fn aliases_and_ids_parse() {
        let kv = CapabilityId::Known(Capability::KeyValue);
        assert_eq!(CapabilityId::parse("kv").unwrap(), kv);
        assert_eq!(CapabilityId::parse("wasmcloud:keyvalue").unwrap(), kv);
        assert_eq!(
            CapabilityId::parse("acme:custom").unwrap(),
            CapabilityId::Unknown("acme:custom".into())
        );
        assert!(CapabilityId::parse("keyvalue").is_err());
        assert!(CapabilityId::parse("a b:c").is_err());
        let grants = Grants::parse(&["kv", "", "wasmcloud:keyvalue", "acme:x"]).unwrap();
        assert_eq!(grants.contract_ids(), vec!["wasmcloud:keyvalue", "acme:x"]);
        assert!(grants.contains(Capability::KeyValue));
        assert!(!grants.contains(Capability::HttpServer));
    }

    #[test]
    fn an_unknown_capability_suggests_the_one_meant() {
        use Capability::*;
        for (word, meant) in [
            ("keyvalue", Some(KeyValue)),
            ("KeyValue", Some(KeyValue)),
            ("htp", Some(HttpServer)),
            ("logging", Some(Logging)),
            ("filesystem", Some(Filesystem)),
            ("sockets", Some(Sockets)),
            ("messagin", Some(Messaging)),
            ("httpclent", Some(HttpClient)),
            ("random", Some(NumberGen)),
            ("database", None),
            ("x", None),
        ] {
            assert_eq!(Capability::suggest(word), meant, "{word}");
        }
        assert_eq!(
            CapabilityId::parse("keyvalue").unwrap_err().to_string(),
            "unknown capability 'keyvalue' (did you mean `kv`, K/V Store?): use an alias (http, httpclient, kv, msg, log, blob, config, fs, net, rand), a contract id with a ':' (e.g. wasmcloud:keyvalue), 'auto' or 'none'"
        );
    }

    #[test]
    fn imports_are_classified() {
        use Capability::*;
        assert_eq!(
            need_of_component_import("wasi:io/streams@0.2.0"),
            Need::AlwaysLinked
        );
        assert_eq!(
            need_of_component_import("wasi:keyvalue/atomics@0.2.0-draft"),
            Need::Grant {
                any_of: vec![KeyValue]
            }
        );
        assert_eq!(
            need_of_component_import("wasi:http/types@0.2.2"),
            Need::Grant {
                any_of: vec![HttpServer, HttpClient]
            }
        );
        assert_eq!(
            need_of_component_import("wasi:filesystem/preopens@0.2.0"),
            Need::Grant {
                any_of: vec![Filesystem]
            }
        );
        assert_eq!(
            need_of_component_import("acme:secret/vault"),
            Need::Unsupported
        );
        assert_eq!(
            need_of_component_export("wasi:http/incoming-handler@0.2.0"),
            Need::Grant {
                any_of: vec![HttpServer]
            }
        );
        assert_eq!(
            need_of_core_import("wasi_snapshot_preview1", "path_open"),
            Need::Grant {
                any_of: vec![Filesystem]
            }
        );
        assert_eq!(
            need_of_core_import("wasi_snapshot_preview1", "fd_write"),
            Need::AlwaysLinked
        );
        assert_eq!(need_of_core_import("env", "f"), Need::Unsupported);
    }

    #[test]
    fn linked_interfaces_follow_the_grants() {
        let none = Grants::none();
        assert!(is_linked("wasi:io/streams@0.2.3", &none));
        assert!(!is_linked("wasi:keyvalue/store@0.2.0-draft", &none));
        let kv: Grants = [Capability::KeyValue].into_iter().collect();
        assert!(is_linked("wasi:keyvalue/store@0.2.0-draft", &kv));
        let blob: Grants = [Capability::Blobstore].into_iter().collect();
        assert!(!is_linked("wasi:blobstore/blobstore@0.2.0-draft", &blob));
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
            least_privilege(&needs).contract_ids(),
            vec!["wasmcloud:httpserver", "wasmcloud:keyvalue"]
        );
        let grants = Grants::parse(&["http", "msg"]).unwrap();
        let (missing, unused) = check_grants(&needs, &grants);
        assert_eq!(missing, vec!["wasi:keyvalue/store@0.2.0-draft"]);
        assert_eq!(unused, vec![Capability::Messaging]);
        // The server's `types` needs `http`, which it holds: the client grant is more.
        let grants = Grants::parse(&["http", "httpclient", "kv"]).unwrap();
        let (missing, unused) = check_grants(&needs, &grants);
        assert!(missing.is_empty());
        assert_eq!(unused, vec![Capability::HttpClient]);
    }
}
