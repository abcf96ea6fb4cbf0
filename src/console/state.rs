//! What the console's page asks for besides events (docs/design.md §16): the running actor
//! (its startup summary and claims), its grants and scopes each marked by what the run saw of
//! them, the grants and scopes observed as `wzt.toml` and `wzt sign` would take them, and the
//! key-value store.

use std::collections::BTreeMap;

use serde::Serialize;

use super::hub::{Hub, Reached, Use};
use crate::caps::{Capability, CapabilityId};
use crate::host::Runner;
use crate::host::runner::Startup;
use crate::scopes::{Learner, Resource, ScopeKind, Scopes};

/// Bytes of each value the key-value browser shows.
pub const VALUE_PREVIEW: usize = 4096;
/// Buckets listed at most (an actor may make many).
pub const MAX_BUCKETS: usize = 1000;

/// `GET …/api/state`.
#[derive(Serialize)]
pub struct State {
    pub wzt: &'static str,
    pub startup: Startup,
    /// `None` for an unsigned actor.
    pub claims: Option<ClaimsView>,
    pub grants: Vec<GrantView>,
    /// One per scope kind of each granted capability that has them.
    pub scopes: Vec<ScopeView>,
    /// Calls on resources past the ones counted (`hub::MAX_RESOURCES`).
    pub resources_not_counted: u64,
    pub observed: Observed,
}

/// The per-resource grant of one scope kind, and what the run reached through it.
#[derive(Serialize)]
pub struct ScopeView {
    /// `kv.bucket`.
    pub kind: &'static str,
    /// The capability's alias, `kv`.
    pub capability: &'static str,
    /// Whether the capability is scoped; unscoped, it reaches every resource.
    pub scoped: bool,
    /// The signed values, each `used` (a call inside it went through) or `unused` so far.
    pub signed: Vec<ScopeValueView>,
    /// The resources calls reached or tried, the first `hub::MAX_RESOURCES`.
    pub reached: Vec<ReachedView>,
}

#[derive(Serialize)]
pub struct ScopeValueView {
    pub value: String,
    pub status: &'static str,
}

#[derive(Serialize)]
pub struct ReachedView {
    pub value: String,
    pub calls: u64,
    pub denied: u64,
}

/// The claims as the page names them.
#[derive(Serialize)]
pub struct ClaimsView {
    pub name: Option<String>,
    pub version: Option<String>,
    pub revision: Option<i32>,
    pub issuer: String,
    pub subject: String,
    pub module_hash: String,
    pub issued_at: u64,
    pub not_before: Option<u64>,
    pub expires: Option<u64>,
    pub tags: Vec<String>,
    pub call_alias: Option<String>,
    pub id: String,
}

/// One grant and what the run saw of it. (Per-resource scopes will be a column of their own.)
#[derive(Serialize)]
pub struct GrantView {
    /// `kv`, or the contract id of a capability wzt does not know.
    pub alias: String,
    pub contract_id: String,
    pub name: String,
    /// `used`, `denied` (some call refused), `unused` (so far), `untraced` (the host does not
    /// see its calls: filesystem, sockets, random numbers), `unknown` (not a capability this
    /// host provides).
    pub status: &'static str,
    pub calls: u64,
    pub denied: u64,
}

/// The least the run needed: the grants its entry point needs to be served, every traced
/// capability it called, and the untraced ones it holds (their use cannot be seen, so they
/// are kept).
#[derive(Serialize)]
pub struct Observed {
    pub aliases: Vec<&'static str>,
    /// `caps = ["http", "kv"]`, the `[actor]` line of `wzt.toml`.
    pub wzt_toml: String,
    /// `wzt sign --caps http,kv`.
    pub sign: String,
    /// Granted and neither needed nor used so far.
    pub unused: Vec<String>,
    /// The scopes of what the run reached and was not denied, for the capabilities observed
    /// (as `wzt sign --scopes-from` derives them from a trace): the `[actor.scopes]` table of
    /// `wzt.toml`, empty when nothing is scoped.
    pub scopes_toml: String,
    /// The same as `--scope` flags.
    pub scope_flags: String,
    /// Why no scopes could be observed (a resource that is a pattern), if so.
    pub scopes_error: Option<String>,
}

/// Capabilities whose every use the host sees (a request, a traced provider call).
fn traced(capability: Capability) -> bool {
    matches!(
        capability,
        Capability::HttpServer
            | Capability::HttpClient
            | Capability::KeyValue
            | Capability::Messaging
            | Capability::Logging
            | Capability::Config
    )
}

/// The state of `runner` with the usage `hub` counted.
pub fn of(runner: &Runner, hub: &Hub) -> State {
    let startup = runner.startup();
    let admitted = runner.admitted();
    let usage = hub.usage();
    let claims = admitted.claims().map(|c| ClaimsView {
        name: c.metadata.name.clone(),
        version: c.metadata.ver.clone(),
        revision: c.metadata.rev,
        issuer: c.issuer.clone(),
        subject: c.subject.clone(),
        module_hash: c.metadata.module_hash.clone(),
        issued_at: c.issued_at,
        not_before: c.not_before,
        expires: c.expires,
        tags: c.metadata.tags.clone().unwrap_or_default(),
        call_alias: c.metadata.call_alias.clone(),
        id: c.id.clone(),
    });
    let grants = startup
        .caps
        .iter()
        .map(|id| grant_view(id, &usage))
        .collect();
    let reached = hub.reached();
    let scopes = scope_views(&startup, admitted.scopes(), &reached);
    let mut observed = observed(&startup, &usage);
    observe_scopes(&mut observed, &reached);
    State {
        wzt: env!("CARGO_PKG_VERSION"),
        startup,
        claims,
        grants,
        scopes,
        resources_not_counted: reached.dropped,
        observed,
    }
}

fn grant_view(id: &CapabilityId, usage: &BTreeMap<Capability, Use>) -> GrantView {
    let Some(capability) = id.known() else {
        return GrantView {
            alias: id.contract_id().to_string(),
            contract_id: id.contract_id().to_string(),
            name: id.display_name().to_string(),
            status: "unknown",
            calls: 0,
            denied: 0,
        };
    };
    let used = usage.get(&capability).copied().unwrap_or_default();
    let status = if !traced(capability) {
        "untraced"
    } else if used.denied > 0 {
        "denied"
    } else if used.calls > 0 {
        "used"
    } else {
        "unused"
    };
    GrantView {
        alias: capability.alias().to_string(),
        contract_id: capability.contract_id().to_string(),
        name: capability.friendly_name().to_string(),
        status,
        calls: used.calls,
        denied: used.denied,
    }
}

fn observed(startup: &Startup, usage: &BTreeMap<Capability, Use>) -> Observed {
    let served = match startup.kind {
        "HTTP component" => Some(Capability::HttpServer),
        "messaging component" => Some(Capability::Messaging),
        _ => None,
    };
    let granted: Vec<Capability> = startup.caps.known().collect();
    let needed: Vec<Capability> = Capability::ALL
        .into_iter()
        .filter(|c| {
            Some(*c) == served
                || usage.get(c).is_some_and(|u| u.calls > 0)
                || (!traced(*c) && granted.contains(c))
        })
        .collect();
    let aliases: Vec<&'static str> = needed.iter().map(|c| c.alias()).collect();
    let quoted: Vec<String> = aliases.iter().map(|a| format!("\"{a}\"")).collect();
    let unused = startup
        .caps
        .iter()
        .filter(|id| id.known().is_none_or(|c| !needed.contains(&c)))
        .map(|id| {
            id.known()
                .map_or(id.contract_id(), |c| c.alias())
                .to_string()
        })
        .collect();
    Observed {
        wzt_toml: format!("caps = [{}]", quoted.join(", ")),
        sign: if aliases.is_empty() {
            "wzt sign --caps none".to_string()
        } else {
            format!("wzt sign --caps {}", aliases.join(","))
        },
        aliases,
        unused,
        scopes_toml: String::new(),
        scope_flags: String::new(),
        scopes_error: None,
    }
}

fn scope_views(startup: &Startup, signed: &Scopes, reached: &Reached) -> Vec<ScopeView> {
    let mut views = Vec::new();
    for capability in startup.caps.known() {
        for kind in ScopeKind::of(capability) {
            let scoped = signed.scoped(capability);
            let on_kind: Vec<(&String, &Use)> = reached
                .resources
                .iter()
                .filter(|((k, _), _)| *k == kind)
                .map(|((_, value), used)| (value, used))
                .collect();
            views.push(ScopeView {
                kind: kind.name(),
                capability: capability.alias(),
                scoped,
                signed: signed
                    .values(kind)
                    .map(|value| ScopeValueView {
                        value: value.to_string(),
                        status: if on_kind.iter().any(|(resource, used)| {
                            used.calls > used.denied
                                && crate::scopes::matches(kind, resource, value)
                        }) {
                            "used"
                        } else {
                            "unused"
                        },
                    })
                    .collect(),
                reached: on_kind
                    .iter()
                    .map(|(value, used)| ReachedView {
                        value: value.to_string(),
                        calls: used.calls,
                        denied: used.denied,
                    })
                    .collect(),
            });
        }
    }
    views
}

/// The scopes of the capabilities `observed` names, learned from what the run reached.
fn observe_scopes(observed: &mut Observed, reached: &Reached) {
    let mut learner = Learner::default();
    let mut error = None;
    for capability in &reached.whole {
        if *capability == Capability::Config {
            let _ = learner.learn("wasi:config/store.get-all", None, false);
        }
    }
    for ((kind, value), used) in &reached.resources {
        if used.calls > used.denied
            && let Err(e) = learner.learn("", Some(&Resource::new(*kind, value.clone())), false)
        {
            error.get_or_insert(e);
        }
    }
    let grants: crate::caps::Grants = observed
        .aliases
        .iter()
        .filter_map(|alias| Capability::ALL.into_iter().find(|c| c.alias() == *alias))
        .collect();
    // A pattern reached: nothing to offer (what was learned before it would look complete).
    if let Some(e) = error {
        observed.scopes_error = Some(e);
        return;
    }
    let scopes = learner.finish(&grants).scopes;
    let mut table = Vec::new();
    let mut flags = Vec::new();
    for kind in scopes.kinds() {
        let values: Vec<&str> = scopes.values(kind).collect();
        let quoted: Vec<String> = values.iter().map(|v| super::fix::toml_string(v)).collect();
        table.push(format!("{kind} = [{}]", quoted.join(", ")));
        flags.extend(values.iter().map(|v| {
            format!(
                "--scope {}",
                crate::text::shell_word(&format!("{kind}={v}"))
            )
        }));
    }
    observed.scopes_toml = if table.is_empty() {
        String::new()
    } else {
        format!("[actor.scopes]\n{}", table.join("\n"))
    };
    observed.scope_flags = flags.join(" ");
}

/// `GET …/api/kv`.
#[derive(Serialize)]
pub struct Buckets {
    /// The store's startup line (`sqlite .wzt/kv.sqlite …`, `in memory …`); `None` when the
    /// actor has no store.
    pub store: Option<String>,
    /// The first [`MAX_BUCKETS`].
    pub buckets: Vec<String>,
    /// How many there are in all.
    pub total: usize,
    pub error: Option<String>,
}

pub fn buckets(runner: &Runner) -> Buckets {
    let store = runner
        .startup()
        .providers
        .into_iter()
        .find(|(label, _)| *label == "kv")
        .map(|(_, text)| text);
    let Some(reader) = runner.key_value() else {
        return Buckets {
            store: None,
            buckets: Vec::new(),
            total: 0,
            error: None,
        };
    };
    match reader.buckets() {
        Ok(mut buckets) => {
            let total = buckets.len();
            buckets.truncate(MAX_BUCKETS);
            Buckets {
                store,
                buckets,
                total,
                error: None,
            }
        }
        Err(e) => Buckets {
            store,
            buckets: Vec::new(),
            total: 0,
            error: Some(e.to_string()),
        },
    }
}

/// `GET …/api/kv/entries?bucket=B&cursor=N`.
#[derive(Serialize)]
pub struct Entries {
    pub bucket: String,
    pub entries: Vec<EntryView>,
    pub next: Option<u64>,
    pub error: Option<String>,
}

/// One entry: its value as text when it is UTF-8, else as base64; `len` is the whole value's.
#[derive(Serialize)]
pub struct EntryView {
    pub key: String,
    pub text: Option<String>,
    pub base64: Option<String>,
    pub len: u64,
    /// Only the first [`VALUE_PREVIEW`] bytes are shown.
    pub cut: bool,
}

pub fn entries(runner: &Runner, bucket: &str, cursor: u64) -> Entries {
    let peeked = match runner.key_value() {
        Some(reader) => reader.peek(bucket, cursor, VALUE_PREVIEW),
        None => Ok((Vec::new(), None)),
    };
    let (entries, next, error) = match peeked {
        Ok((entries, next)) => (entries, next, None),
        Err(e) => (Vec::new(), None, Some(e.to_string())),
    };
    Entries {
        bucket: bucket.to_string(),
        entries: entries
            .into_iter()
            .map(|e| {
                let cut = e.len > e.value.len() as u64;
                let text = utf8_prefix(&e.value, cut);
                EntryView {
                    key: e.key,
                    base64: text
                        .is_none()
                        .then(|| data_encoding::BASE64.encode(&e.value)),
                    text,
                    len: e.len,
                    cut,
                }
            })
            .collect(),
        next,
        error,
    }
}

/// `bytes` as text when they are UTF-8 (a character `cut` off at the end aside).
fn utf8_prefix(bytes: &[u8], cut: bool) -> Option<String> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text.to_string()),
        Err(e) if cut && e.error_len().is_none() => {
            Some(String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned())
        }
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_cut_inside_a_character_is_still_text() {
        assert_eq!(utf8_prefix("aé".as_bytes(), false).as_deref(), Some("aé"));
        assert_eq!(
            utf8_prefix(&"aé".as_bytes()[..2], true).as_deref(),
            Some("a")
        );
        assert_eq!(utf8_prefix(&"aé".as_bytes()[..2], false), None);
        assert_eq!(utf8_prefix(&[0xff, b'a'], true), None);
    }
}
