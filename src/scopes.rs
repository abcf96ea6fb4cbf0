//! Per-resource grants (docs/design.md §14): which buckets, hosts, subjects and config keys a
//! capability reaches, signed with the claims.
//!
//! A scope is a kind (`kv.bucket`, `httpclient.host`, `msg.publish`, `msg.subscribe`,
//! `config.key`) and a value. A capability is *scoped* when the claims hold any scope of one of
//! its kinds; then it reaches exactly what is listed, and a kind of it with no value reaches
//! nothing (`msg.publish` signed alone means the actor may not subscribe). A granted capability
//! with no scope at all is *unscoped*: the whole capability, as before scopes existed.
//!
//! Values are checked here, once, for every path in: flags, `wzt.toml`, a trace file, a token.
//! A token holding a kind this version does not know fails verification (`unknown_scope`), and a
//! value that does not parse fails it too (`bad_scope`): a verifier never guesses.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::caps::{Capability, Grants};
use crate::text::Untrusted;

/// The longest scope value accepted.
pub const MAX_VALUE_LEN: usize = 256;

/// What a scope restricts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScopeKind {
    /// Key-value buckets the actor may open (exact names).
    KvBucket,
    /// Outbound HTTP destinations: `[scheme://]host[:port]`, the host may start with `*.`.
    HttpClientHost,
    /// Subjects the actor may publish or request on (NATS `*` and `>` wildcards).
    MsgPublish,
    /// Subjects the actor may receive messages on (NATS wildcards).
    MsgSubscribe,
    /// Runtime config keys the actor may read (exact names).
    ConfigKey,
}

impl ScopeKind {
    pub const ALL: [ScopeKind; 5] = [
        ScopeKind::KvBucket,
        ScopeKind::HttpClientHost,
        ScopeKind::MsgPublish,
        ScopeKind::MsgSubscribe,
        ScopeKind::ConfigKey,
    ];

    /// The name in flags, `wzt.toml`, tokens and traces: `kv.bucket`.
    pub fn name(self) -> &'static str {
        match self {
            ScopeKind::KvBucket => "kv.bucket",
            ScopeKind::HttpClientHost => "httpclient.host",
            ScopeKind::MsgPublish => "msg.publish",
            ScopeKind::MsgSubscribe => "msg.subscribe",
            ScopeKind::ConfigKey => "config.key",
        }
    }

    pub fn by_name(name: &str) -> Option<ScopeKind> {
        ScopeKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The capability this kind scopes.
    pub fn capability(self) -> Capability {
        match self {
            ScopeKind::KvBucket => Capability::KeyValue,
            ScopeKind::HttpClientHost => Capability::HttpClient,
            ScopeKind::MsgPublish | ScopeKind::MsgSubscribe => Capability::Messaging,
            ScopeKind::ConfigKey => Capability::Config,
        }
    }

    /// The kinds of `cap` (none for a capability that has no scopes).
    pub fn of(cap: Capability) -> impl Iterator<Item = ScopeKind> {
        ScopeKind::ALL
            .into_iter()
            .filter(move |k| k.capability() == cap)
    }

    /// What a value of this kind looks like, for messages.
    fn example(self) -> &'static str {
        match self {
            ScopeKind::KvBucket => "a bucket name such as app",
            ScopeKind::HttpClientHost => {
                "[scheme://]host[:port] such as api.example.com, *.example.com:443 or https://127.0.0.1:8080"
            }
            ScopeKind::MsgPublish | ScopeKind::MsgSubscribe => {
                "a NATS subject such as orders.new, orders.* or orders.>"
            }
            ScopeKind::ConfigKey => "a config key such as greeting",
        }
    }

    /// Whether `resource` names one resource, not a set: a well-formed subject without `*` or
    /// `>` tokens (`svc.` is no subject), a destination as the host writes it,
    /// `scheme://host:port` without `*` (a bare host would stand for every scheme and port).
    /// Buckets and config keys match exactly, so any name is one.
    pub fn is_concrete(self, resource: &str) -> bool {
        match self {
            ScopeKind::KvBucket | ScopeKind::ConfigKey => true,
            ScopeKind::MsgPublish | ScopeKind::MsgSubscribe => {
                check_subject(resource).is_ok()
                    && !resource.split('.').any(|t| t == "*" || t == ">")
            }
            ScopeKind::HttpClientHost => {
                !resource.contains('*')
                    && HostScope::parse(resource)
                        .is_ok_and(|h| h.scheme.is_some() && h.port.is_some())
            }
        }
    }

    /// Checks `value` and returns it in its one written form (a host in lower case).
    pub fn parse_value(self, value: &str) -> Result<String, ScopeError> {
        let bad = |why: String| ScopeError::BadValue {
            kind: self,
            value: value.to_string(),
            why,
        };
        if value.is_empty() {
            return Err(bad(format!("the value is empty; give {}", self.example())));
        }
        if value.len() > MAX_VALUE_LEN {
            return Err(bad(format!("longer than {MAX_VALUE_LEN} bytes")));
        }
        if value
            .chars()
            .any(|c| c.is_whitespace() || crate::text::is_unsafe(c))
        {
            return Err(bad(
                "it holds a space or a control or invisible character".into()
            ));
        }
        match self {
            ScopeKind::KvBucket | ScopeKind::ConfigKey => Ok(value.to_string()),
            ScopeKind::MsgPublish | ScopeKind::MsgSubscribe => {
                check_subject(value).map_err(bad)?;
                Ok(value.to_string())
            }
            ScopeKind::HttpClientHost => {
                HostScope::parse(value).map(|h| h.to_string()).map_err(bad)
            }
        }
    }
}

impl fmt::Display for ScopeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a scope is refused. Values are kept raw and escaped by `Display`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error(
        "unknown scope kind '{}'; the kinds are kv.bucket, httpclient.host, msg.publish, msg.subscribe, config.key",
        Untrusted(.0)
    )]
    UnknownKind(String),
    #[error("{kind}={}: {}", Untrusted(.value), Untrusted(.why))]
    BadValue {
        kind: ScopeKind,
        value: String,
        why: String,
    },
    #[error(
        "{kind} scopes the {} capability ({}), which is not granted",
        .kind.capability().friendly_name(),
        .kind.capability().alias()
    )]
    NotGranted { kind: ScopeKind },
    #[error("expected KIND=VALUE, e.g. kv.bucket=app or httpclient.host=api.example.com:443")]
    NotKindValue,
}

impl ScopeError {
    /// The verification failure code of this error in a token.
    pub fn code(&self) -> &'static str {
        match self {
            ScopeError::UnknownKind(_) => "unknown_scope",
            _ => "bad_scope",
        }
    }
}

/// `KIND=VALUE`, as `--scope` takes it.
pub fn parse_flag(text: &str) -> Result<(ScopeKind, String), ScopeError> {
    let (kind, value) = text.split_once('=').ok_or(ScopeError::NotKindValue)?;
    let kind = ScopeKind::by_name(kind).ok_or_else(|| ScopeError::UnknownKind(kind.into()))?;
    Ok((kind, kind.parse_value(value)?))
}

/// A resource an actor reached through a capability: what a trace records and `--scopes-from`
/// turns into scopes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Resource {
    /// The scope kind's name (`kv.bucket`).
    pub kind: String,
    /// The bucket, `scheme://host:port`, subject or key.
    pub value: String,
}

impl Resource {
    pub fn new(kind: ScopeKind, value: impl Into<String>) -> Resource {
        Resource {
            kind: kind.name().to_string(),
            value: value.into(),
        }
    }
}

/// What a trace shows an actor used: the scopes that grant exactly that.
#[derive(Debug, Clone, Default)]
pub struct Derived {
    pub scopes: Scopes,
    /// Capabilities the trace shows used in a way no scope can narrow (`config` read whole
    /// with `get-all`): they stay unscoped.
    pub unscopable: BTreeSet<Capability>,
    /// Trace lines read.
    pub lines: usize,
}

/// One line of a trace file, as far as `--scopes-from` reads it.
#[derive(serde::Deserialize)]
struct TraceLine {
    call: String,
    #[serde(default)]
    resource: Option<Resource>,
    #[serde(default)]
    denied: bool,
}

/// The capability a call (`interface.function`, as traced) reads whole, so that no scope can
/// narrow it: `config` read with `get-all`.
pub fn read_whole(call: &str) -> Option<Capability> {
    (call.starts_with("wasi:config/") && call.ends_with(".get-all")).then_some(Capability::Config)
}

/// Learns scopes from capability calls one by one, as a trace file (`derive_from_trace`) or
/// the console saw them: every resource a call reached and was not denied, for every granted
/// capability that has scope kinds (a granted capability never used is scoped to nothing).
#[derive(Debug, Default)]
pub struct Learner {
    derived: Derived,
}

impl Learner {
    /// Takes one call: `call` as traced (`interface.function`), the resource it reached and
    /// whether it was denied. A resource of an unknown kind, a pattern (a subject with
    /// wildcards, a host with `*`: an actor that reached one must not teach it) or a value
    /// that is no scope is an error.
    pub fn learn(
        &mut self,
        call: &str,
        resource: Option<&Resource>,
        denied: bool,
    ) -> Result<(), String> {
        self.derived.lines += 1;
        if denied {
            return Ok(());
        }
        if let Some(cap) = read_whole(call) {
            self.derived.unscopable.insert(cap);
            return Ok(());
        }
        let Some(resource) = resource else {
            return Ok(());
        };
        let kind = ScopeKind::by_name(&resource.kind).ok_or_else(|| {
            format!(
                "unknown resource kind '{}'",
                crate::text::escape(&resource.kind)
            )
        })?;
        if !kind.is_concrete(&resource.value) {
            return Err(format!(
                "the call reached {kind}={}, a pattern and not one resource; a trace teaches named resources only (give a pattern on purpose with --scope)",
                crate::text::escape(&resource.value)
            ));
        }
        self.derived
            .scopes
            .insert(kind, &resource.value)
            .map_err(|e| e.to_string())
    }

    /// The scopes for `grants`: what was learned of the granted capabilities, each granted
    /// one with scope kinds scoped (to nothing when unused), and those used whole unscoped.
    pub fn finish(self, grants: &Grants) -> Derived {
        let mut derived = self.derived;
        for cap in grants.known() {
            if derived.unscopable.contains(&cap) {
                derived.scopes.values.retain(|k, _| k.capability() != cap);
                continue;
            }
            for kind in ScopeKind::of(cap) {
                derived.scopes.insert_kind(kind);
            }
        }
        derived
            .scopes
            .values
            .retain(|k, _| grants.contains(k.capability()));
        derived
    }
}

/// Derives scopes from a trace (JSON lines of capability calls, `--trace-file`) with a
/// [`Learner`]. A line that is not a trace line, or that the learner refuses, is an error
/// naming its number.
pub fn derive_from_trace(text: &str, grants: &Grants) -> Result<Derived, String> {
    let mut learner = Learner::default();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let entry: TraceLine = serde_json::from_str(line).map_err(|e| {
            format!(
                "line {} is not a capability-call line of a trace file ({e})",
                number + 1
            )
        })?;
        learner
            .learn(&entry.call, entry.resource.as_ref(), entry.denied)
            .map_err(|e| format!("line {}: {e}", number + 1))?;
    }
    Ok(learner.finish(grants))
}

/// The most values of one kind [`Scopes::describe`] names.
pub const DESCRIBED_VALUES: usize = 20;

/// Whether a resource is reachable under the scopes.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The capability is not scoped: everything it offers.
    Unscoped,
    /// Listed.
    Allowed,
    /// The capability is scoped and this resource is not listed.
    Denied,
}

impl Access {
    pub fn allowed(self) -> bool {
        self != Access::Denied
    }
}

/// The scopes of an actor: checked values by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes {
    values: BTreeMap<ScopeKind, BTreeSet<String>>,
}

impl Scopes {
    pub fn new() -> Scopes {
        Scopes::default()
    }

    /// Adds a scope (the value is checked).
    pub fn insert(&mut self, kind: ScopeKind, value: &str) -> Result<(), ScopeError> {
        let value = kind.parse_value(value)?;
        self.values.entry(kind).or_default().insert(value);
        Ok(())
    }

    /// Records that a kind is scoped even with no value (it reaches nothing).
    pub fn insert_kind(&mut self, kind: ScopeKind) {
        self.values.entry(kind).or_default();
    }

    /// Reads scopes as a token carries them (`{"kv.bucket": ["app"]}`), every value checked;
    /// every problem is reported.
    pub fn from_wire(wire: &BTreeMap<String, Vec<String>>) -> Result<Scopes, Vec<ScopeError>> {
        let mut scopes = Scopes::new();
        let mut problems = Vec::new();
        for (kind, values) in wire {
            let Some(kind) = ScopeKind::by_name(kind) else {
                problems.push(ScopeError::UnknownKind(kind.clone()));
                continue;
            };
            scopes.insert_kind(kind);
            for value in values {
                if let Err(e) = scopes.insert(kind, value) {
                    problems.push(e);
                }
            }
        }
        if problems.is_empty() {
            Ok(scopes)
        } else {
            Err(problems)
        }
    }

    /// Scopes from a TOML table of kinds to lists (`kv.bucket = ["app"]`, a dotted key, so
    /// also `[TABLE.kv] bucket = ["app"]`): `wzt.toml`'s `[actor.scopes]`, the policy's
    /// `allowed_scopes`. `table` names it in errors.
    pub fn from_toml(map: &toml::Table, table: &str) -> Result<Scopes, ScopeError> {
        let mut scopes = Scopes::new();
        let mut add = |kind: &str, value: &toml::Value| -> Result<(), ScopeError> {
            let kind =
                ScopeKind::by_name(kind).ok_or_else(|| ScopeError::UnknownKind(kind.into()))?;
            let bad = |why: String| ScopeError::BadValue {
                kind,
                value: value.to_string(),
                why,
            };
            let items = value
                .as_array()
                .ok_or_else(|| bad(format!("{table} {kind} must be a list of strings")))?;
            scopes.insert_kind(kind);
            for item in items {
                let text = item
                    .as_str()
                    .ok_or_else(|| bad(format!("{table} {kind} must list strings")))?;
                scopes.insert(kind, text)?;
            }
            Ok(())
        };
        for (key, value) in map {
            match value.as_table() {
                Some(inner) => {
                    for (sub, value) in inner {
                        add(&format!("{key}.{sub}"), value)?;
                    }
                }
                None => add(key, value)?,
            }
        }
        Ok(scopes)
    }

    /// The form a token carries (omitted from the claims when empty).
    pub fn to_wire(&self) -> BTreeMap<String, Vec<String>> {
        self.values
            .iter()
            .map(|(k, v)| (k.name().to_string(), v.iter().cloned().collect()))
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// How many values in all.
    pub fn len(&self) -> usize {
        self.values.values().map(BTreeSet::len).sum()
    }

    /// Scopes whose capability `grants` lacks.
    pub fn not_granted(&self, grants: &Grants) -> Vec<ScopeError> {
        self.values
            .keys()
            .filter(|k| !grants.contains(k.capability()))
            .map(|&kind| ScopeError::NotGranted { kind })
            .collect()
    }

    /// Whether `cap` is scoped (any of its kinds present).
    pub fn scoped(&self, cap: Capability) -> bool {
        ScopeKind::of(cap).any(|k| self.values.contains_key(&k))
    }

    /// The values of `kind` (empty when none or unscoped).
    pub fn values(&self, kind: ScopeKind) -> impl Iterator<Item = &str> {
        self.values
            .get(&kind)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// Every (kind, value), in order.
    pub fn iter(&self) -> impl Iterator<Item = (ScopeKind, &str)> {
        self.values
            .iter()
            .flat_map(|(k, v)| v.iter().map(move |v| (*k, v.as_str())))
    }

    /// Every kind present (with or without values).
    pub fn kinds(&self) -> impl Iterator<Item = ScopeKind> + '_ {
        self.values.keys().copied()
    }

    /// Whether `resource` (a bucket, a subject, a key, or `scheme://host:port`) is reachable
    /// through `kind`.
    /// A resource that is a pattern (a subject with wildcards, a host with `*`) is never
    /// inside scopes: a scoped actor reaches named resources only.
    pub fn check(&self, kind: ScopeKind, resource: &str) -> Access {
        if !self.scoped(kind.capability()) {
            return Access::Unscoped;
        }
        if kind.is_concrete(resource)
            && self
                .values(kind)
                .any(|scope| matches(kind, resource, scope))
        {
            Access::Allowed
        } else {
            Access::Denied
        }
    }

    /// Whether every resource `pattern` names (a `--subscribe` subject with wildcards, an
    /// `--allow-host` pattern) is inside the scopes of `kind`.
    pub fn check_within(&self, kind: ScopeKind, pattern: &str) -> Access {
        if !self.scoped(kind.capability()) {
            return Access::Unscoped;
        }
        if self.values(kind).any(|scope| within(kind, pattern, scope)) {
            Access::Allowed
        } else {
            Access::Denied
        }
    }

    /// One line per granted capability that has scope kinds: `kv.bucket: app, cache` (each
    /// kind of a scoped capability), or `kv: unscoped (every bucket)`.
    pub fn summary(&self, grants: &Grants) -> Vec<String> {
        let mut lines = Vec::new();
        for cap in grants.known() {
            if ScopeKind::of(cap).next().is_none() {
                continue;
            }
            if !self.scoped(cap) {
                let every = match cap {
                    Capability::KeyValue => "every bucket",
                    Capability::HttpClient => "every host the runner allows",
                    Capability::Messaging => "every subject",
                    _ => "every key",
                };
                lines.push(format!("{}: unscoped ({every})", cap.alias()));
                continue;
            }
            for kind in ScopeKind::of(cap) {
                lines.push(format!("{kind}: {}", self.describe(kind)));
            }
        }
        lines
    }

    /// The scopes of `kind` as one text for messages: `app, cache`, or `nothing (no value
    /// signed)` (with spaces, which no value holds: a bucket named `none` is not mistaken for
    /// it).
    /// At most [`DESCRIBED_VALUES`] values are named, then how many more (a token may carry
    /// thousands: a message or a table cell stays readable; `--json` has them all).
    pub fn describe(&self, kind: ScopeKind) -> String {
        let total = self.values(kind).count();
        let mut values: Vec<String> = self
            .values(kind)
            .take(DESCRIBED_VALUES)
            .map(|v| Untrusted(v).to_string())
            .collect();
        if total > DESCRIBED_VALUES {
            values.push(format!("and {} more", total - DESCRIBED_VALUES));
        }
        if values.is_empty() {
            "nothing (no value signed)".into()
        } else {
            values.join(", ")
        }
    }
}

/// What a new version of an actor may reach that the old one could not: grants it adds,
/// capabilities it leaves unscoped that were scoped, scopes outside every old one.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Widening {
    pub added_grants: Vec<crate::caps::CapabilityId>,
    /// Scoped before, the whole capability now.
    pub unscoped: Vec<Capability>,
    /// `(kind, value)` reaching beyond the old scopes of a capability both versions hold.
    pub added_scopes: Vec<(String, String)>,
}

impl Widening {
    /// Compares `new` (grants and scopes) with `old`.
    pub fn between(
        new_grants: &Grants,
        new_scopes: &Scopes,
        old_grants: &Grants,
        old_scopes: &Scopes,
    ) -> Widening {
        let mut widening = Widening::default();
        for id in new_grants.iter() {
            if !old_grants.contains_id(id) {
                widening.added_grants.push(id.clone());
            }
        }
        for cap in new_grants.known() {
            if !old_grants.contains(cap) || !old_scopes.scoped(cap) {
                continue;
            }
            if !new_scopes.scoped(cap) {
                widening.unscoped.push(cap);
                continue;
            }
            for kind in ScopeKind::of(cap) {
                for value in new_scopes.values(kind) {
                    if !old_scopes.values(kind).any(|old| covers(kind, old, value)) {
                        widening
                            .added_scopes
                            .push((kind.name().to_string(), value.to_string()));
                    }
                }
            }
        }
        widening
    }

    /// Whether the new version reaches anything the old one could not.
    pub fn widens(&self) -> bool {
        !(self.added_grants.is_empty() && self.unscoped.is_empty() && self.added_scopes.is_empty())
    }
}

/// Whether a concrete resource matches one scope value.
pub fn matches(kind: ScopeKind, resource: &str, scope: &str) -> bool {
    match kind {
        ScopeKind::KvBucket | ScopeKind::ConfigKey => resource == scope,
        ScopeKind::MsgPublish | ScopeKind::MsgSubscribe => subject_matches(scope, resource),
        ScopeKind::HttpClientHost => match (HostScope::parse(resource), HostScope::parse(scope)) {
            (Ok(r), Ok(s)) => r.within(&s),
            _ => false,
        },
    }
}

/// Whether the signed scope `outer` reaches everything the signed scope `inner` reaches, as
/// the host matches them ([`matches`]): bucket and key scopes are names, equal or not (a `*`
/// in one is a character, not a pattern); subjects and hosts are patterns.
pub fn covers(kind: ScopeKind, outer: &str, inner: &str) -> bool {
    match kind {
        ScopeKind::KvBucket | ScopeKind::ConfigKey => outer == inner,
        _ => within(kind, inner, outer),
    }
}

/// Whether everything `inner` (a scope value or pattern) reaches, `outer` (a policy pattern,
/// where `*` in a bucket or key name stands for any run of characters) reaches too.
pub fn within(kind: ScopeKind, inner: &str, outer: &str) -> bool {
    match kind {
        ScopeKind::KvBucket | ScopeKind::ConfigKey => glob(outer, inner),
        ScopeKind::MsgPublish | ScopeKind::MsgSubscribe => subject_within(inner, outer),
        ScopeKind::HttpClientHost => match (HostScope::parse(inner), HostScope::parse(outer)) {
            (Ok(i), Ok(o)) => i.within(&o),
            _ => false,
        },
    }
}

/// `*` in `pattern` stands for any run of characters (policy patterns for names).
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let Some(mut rest) = text.strip_prefix(parts[0]) else {
        return false;
    };
    for (i, part) in parts.iter().enumerate().skip(1) {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// A NATS subject or subject pattern: dot-separated non-empty tokens; `*` and `>` only as
/// whole tokens, `>` only last.
pub fn check_subject(subject: &str) -> Result<(), String> {
    let tokens: Vec<&str> = subject.split('.').collect();
    for (i, token) in tokens.iter().enumerate() {
        if token.is_empty() {
            return Err(
                "a subject has no empty tokens (no leading, trailing or double dot)".into(),
            );
        }
        if token.len() > 1 && token.contains(['*', '>']) {
            return Err("`*` and `>` are whole tokens only (orders.*, not orders*)".into());
        }
        if *token == ">" && i + 1 != tokens.len() {
            return Err("`>` can only be the last token".into());
        }
    }
    Ok(())
}

/// NATS subject matching: `*` is one token, `>` one or more remaining tokens.
pub fn subject_matches(pattern: &str, subject: &str) -> bool {
    let mut s = subject.split('.');
    for p in pattern.split('.') {
        match (p, s.next()) {
            (">", Some(_)) => return true,
            ("*", Some(_)) => {}
            (p, Some(t)) if p == t => {}
            _ => return false,
        }
    }
    s.next().is_none()
}

/// Whether every subject `inner` (a pattern) matches, `outer` matches too.
pub fn subject_within(inner: &str, outer: &str) -> bool {
    let mut i = inner.split('.');
    for o in outer.split('.') {
        match (o, i.next()) {
            (">", Some(_)) => return true,
            ("*", Some(t)) if t != ">" => {}
            (o, Some(t)) if o != "*" && o != ">" && o == t => {}
            _ => return false,
        }
    }
    i.next().is_none()
}

/// An outbound HTTP destination, or a set of them: `[scheme://]host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostScope {
    /// `http` or `https`; any when absent.
    pub scheme: Option<String>,
    /// Lower case; a leading `*.` stands for any subdomain (not the domain itself).
    pub host: String,
    /// Any when absent.
    pub port: Option<u16>,
}

impl HostScope {
    /// Parses `[scheme://]host[:port]` (no path, no user).
    pub fn parse(text: &str) -> Result<HostScope, String> {
        let (scheme, rest) = match text.split_once("://") {
            Some((scheme, rest)) => {
                let scheme = scheme.to_ascii_lowercase();
                if scheme != "http" && scheme != "https" {
                    return Err(format!("the scheme must be http or https, not {scheme}"));
                }
                (Some(scheme), rest)
            }
            None => (None, text),
        };
        if rest.is_empty() {
            return Err("there is no host after the scheme".into());
        }
        if rest.contains(['/', '?', '#', '@']) {
            return Err("a host scope has no path, query or user: [scheme://]host[:port]".into());
        }
        let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
            let (addr, after) = v6
                .split_once(']')
                .ok_or("an IPv6 address is written [::1]")?;
            addr.parse::<std::net::Ipv6Addr>()
                .map_err(|_| format!("[{addr}] is not an IPv6 address"))?;
            let port = match after {
                "" => None,
                p => Some(
                    p.strip_prefix(':')
                        .ok_or("expected :PORT after the address")?,
                ),
            };
            (format!("[{addr}]"), port)
        } else {
            match rest.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (rest.to_string(), None),
            }
        };
        let port = match port {
            None => None,
            Some(p) => match p.parse::<u16>() {
                Ok(0) | Err(_) => return Err(format!("'{p}' is not a port (1-65535)")),
                Ok(p) => Some(p),
            },
        };
        let host = host.to_ascii_lowercase();
        if !host.starts_with('[') {
            let name = host.strip_prefix("*.").unwrap_or(&host);
            let labels_ok = !name.is_empty()
                && name.len() <= 253
                && name.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                });
            if !labels_ok {
                return Err(format!(
                    "'{host}' is not a host name (letters, digits, '-' and dots; *. only in front)"
                ));
            }
        }
        Ok(HostScope { scheme, host, port })
    }

    /// The port a request to this destination uses when none is written.
    pub fn effective_port(&self) -> Option<u16> {
        self.port.or(match self.scheme.as_deref() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        })
    }

    /// Whether this names an IP address literally (so it may reach loopback or private
    /// addresses, which a host name never does).
    pub fn names_address(&self, ip: std::net::IpAddr, port: u16) -> bool {
        let literal = self.host.trim_start_matches('[').trim_end_matches(']');
        literal.parse::<std::net::IpAddr>() == Ok(ip) && self.port.is_none_or(|p| p == port)
    }

    /// Whether a request to `scheme://host:port` is inside this scope.
    pub fn admits(&self, scheme: &str, host: &str, port: u16) -> bool {
        let host = host.to_ascii_lowercase();
        let host_ok = match self.host.strip_prefix("*.") {
            Some(suffix) => host.ends_with(&format!(".{suffix}")),
            None => host == self.host,
        };
        host_ok
            && self.scheme.as_deref().is_none_or(|s| s == scheme)
            && self.port.is_none_or(|p| p == port)
    }

    /// Whether everything this reaches, `outer` reaches too.
    pub fn within(&self, outer: &HostScope) -> bool {
        let scheme_ok = match (&outer.scheme, &self.scheme) {
            (None, _) => true,
            (Some(o), Some(s)) => o == s,
            (Some(_), None) => false,
        };
        let port_ok = match (outer.port, self.port) {
            (None, _) => true,
            (Some(o), Some(s)) => o == s,
            (Some(_), None) => false,
        };
        let host_ok = match (outer.host.strip_prefix("*."), self.host.strip_prefix("*.")) {
            (None, _) => outer.host == self.host,
            (Some(suffix), Some(inner)) => {
                inner == suffix || inner.ends_with(&format!(".{suffix}"))
            }
            (Some(suffix), None) => self.host.ends_with(&format!(".{suffix}")),
        };
        scheme_ok && port_ok && host_ok
    }
}

impl fmt::Display for HostScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(scheme) = &self.scheme {
            write!(f, "{scheme}://")?;
        }
        f.write_str(&self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_is_never_inside_scopes_and_names_compare_as_names() {
        let mut scopes = Scopes::new();
        scopes.insert(ScopeKind::MsgPublish, "orders.*").unwrap();
        scopes.insert(ScopeKind::KvBucket, "app-*").unwrap();
        // A subject with wildcards is no subject an actor may publish on.
        assert_eq!(
            scopes.check(ScopeKind::MsgPublish, "orders.new"),
            Access::Allowed
        );
        assert_eq!(
            scopes.check(ScopeKind::MsgPublish, "orders.>"),
            Access::Denied
        );
        assert_eq!(
            scopes.check(ScopeKind::MsgPublish, "orders.*"),
            Access::Denied
        );
        // A bucket scope is a name: `app-*` is that bucket only.
        assert_eq!(scopes.check(ScopeKind::KvBucket, "app-*"), Access::Allowed);
        assert_eq!(scopes.check(ScopeKind::KvBucket, "app-x"), Access::Denied);
        assert!(!covers(ScopeKind::KvBucket, "app-*", "app-x"));
        assert!(covers(ScopeKind::KvBucket, "app-*", "app-*"));
        assert!(covers(ScopeKind::MsgPublish, "orders.*", "orders.new"));
        // Policy patterns keep their `*`.
        assert!(within(ScopeKind::KvBucket, "app-x", "app-*"));
        // An empty kind reads as no value, never as a bucket named `none`.
        let mut none = Scopes::new();
        none.insert(ScopeKind::KvBucket, "none").unwrap();
        none.insert_kind(ScopeKind::ConfigKey);
        assert_eq!(none.describe(ScopeKind::KvBucket), "none");
        assert_eq!(
            none.describe(ScopeKind::ConfigKey),
            "nothing (no value signed)"
        );
        // Thousands of values: the first 20 named, then how many more.
        let mut many = Scopes::new();
        for i in 0..25_000 {
            many.insert(ScopeKind::KvBucket, &format!("b{i:05}"))
                .unwrap();
        }
        let text = many.describe(ScopeKind::KvBucket);
        assert!(text.starts_with("b00000, b00001, "), "{text}");
        assert!(text.ends_with(", b00019, and 24980 more"), "{text}");
    }

    #[test]
    fn only_well_formed_single_resources_are_concrete() {
        let subject = ScopeKind::MsgPublish;
        assert!(subject.is_concrete("orders.new"));
        for not_one in ["orders.*", "orders.>", ">", "svc.", ".svc", "a..b", ""] {
            assert!(!subject.is_concrete(not_one), "{not_one:?}");
        }
        let host = ScopeKind::HttpClientHost;
        assert!(host.is_concrete("https://api.example.com:443"));
        assert!(host.is_concrete("http://[::1]:8080"));
        // A bare host stands for every scheme and port; a `*` for many hosts.
        for not_one in [
            "api.example.com",
            "https://api.example.com",
            "https://*.example.com:443",
        ] {
            assert!(!host.is_concrete(not_one), "{not_one:?}");
        }
        let mut scopes = Scopes::new();
        scopes.insert(ScopeKind::MsgPublish, "svc.*").unwrap();
        assert_eq!(scopes.check(subject, "svc.x"), Access::Allowed);
        assert_eq!(scopes.check(subject, "svc."), Access::Denied);
    }

    #[test]
    fn a_learner_takes_names_and_refuses_patterns() {
        let grants: Grants = [Capability::Messaging, Capability::Config]
            .into_iter()
            .collect();
        let mut learner = Learner::default();
        let publish = "wasmcloud:messaging/consumer.publish";
        learner
            .learn(
                publish,
                Some(&Resource::new(ScopeKind::MsgPublish, "a.b")),
                false,
            )
            .unwrap();
        // Denied calls teach nothing.
        learner
            .learn(
                publish,
                Some(&Resource::new(ScopeKind::MsgPublish, "c")),
                true,
            )
            .unwrap();
        for pattern in ["a.*", "a.>", ">"] {
            let e = learner
                .learn(
                    publish,
                    Some(&Resource::new(ScopeKind::MsgPublish, pattern)),
                    false,
                )
                .unwrap_err();
            assert!(e.contains("a pattern and not one resource"), "{e}");
        }
        let host = Resource::new(ScopeKind::HttpClientHost, "*.example.com");
        assert!(learner.learn("x", Some(&host), false).is_err());
        learner
            .learn("wasi:config/store.get-all", None, false)
            .unwrap();
        let derived = learner.finish(&grants);
        assert_eq!(
            derived
                .scopes
                .values(ScopeKind::MsgPublish)
                .collect::<Vec<_>>(),
            ["a.b"]
        );
        assert!(derived.unscopable.contains(&Capability::Config));
        assert!(!derived.scopes.scoped(Capability::Config));
    }

    #[test]
    fn values_are_checked_and_normalized() {
        let host = |v: &str| ScopeKind::HttpClientHost.parse_value(v);
        assert_eq!(host("API.example.com:443").unwrap(), "api.example.com:443");
        assert_eq!(
            host("HTTPS://*.Example.com").unwrap(),
            "https://*.example.com"
        );
        assert_eq!(host("http://[::1]:8080").unwrap(), "http://[::1]:8080");
        for bad in [
            "http://", "", "ftp://x", "x/y", "a.*.b", "x:0", "x:http", "*", "user@x", "[::1",
        ] {
            assert!(host(bad).is_err(), "{bad}");
        }
        let subject = |v: &str| ScopeKind::MsgPublish.parse_value(v);
        assert!(subject("orders.>").is_ok());
        assert!(subject("orders.*.eu").is_ok());
        for bad in [
            "orders..new",
            ".x",
            "x.",
            "orders*",
            ">.x",
            "a b",
            "a\u{1b}b",
        ] {
            assert!(subject(bad).is_err(), "{bad}");
        }
        assert!(ScopeKind::KvBucket.parse_value("").is_err());
        assert!(ScopeKind::KvBucket.parse_value(&"b".repeat(257)).is_err());
        assert!(ScopeKind::ConfigKey.parse_value("a\u{202e}b").is_err());
        assert_eq!(
            parse_flag("kv.bucket=app"),
            Ok((ScopeKind::KvBucket, "app".into()))
        );
        assert!(matches!(
            parse_flag("kv.prefix=app"),
            Err(ScopeError::UnknownKind(_))
        ));
        assert_eq!(parse_flag("kv.bucket"), Err(ScopeError::NotKindValue));
    }

    #[test]
    fn access_follows_the_scopes() {
        let mut scopes = Scopes::new();
        assert_eq!(scopes.check(ScopeKind::KvBucket, "any"), Access::Unscoped);
        scopes.insert(ScopeKind::KvBucket, "app").unwrap();
        scopes.insert(ScopeKind::MsgPublish, "orders.>").unwrap();
        scopes
            .insert(ScopeKind::HttpClientHost, "*.example.com:443")
            .unwrap();
        assert_eq!(scopes.check(ScopeKind::KvBucket, "app"), Access::Allowed);
        assert_eq!(scopes.check(ScopeKind::KvBucket, "other"), Access::Denied);
        assert_eq!(
            scopes.check(ScopeKind::MsgPublish, "orders.new.eu"),
            Access::Allowed
        );
        assert_eq!(
            scopes.check(ScopeKind::MsgPublish, "orders"),
            Access::Denied
        );
        // msg is scoped, and no msg.subscribe was signed: nothing may be received.
        assert_eq!(
            scopes.check(ScopeKind::MsgSubscribe, "greet"),
            Access::Denied
        );
        assert_eq!(
            scopes.check(ScopeKind::HttpClientHost, "https://api.example.com:443"),
            Access::Allowed
        );
        assert_eq!(
            scopes.check(ScopeKind::HttpClientHost, "http://api.example.com:80"),
            Access::Denied
        );
        assert_eq!(
            scopes.check(ScopeKind::HttpClientHost, "https://example.com:443"),
            Access::Denied
        );
        assert_eq!(scopes.check(ScopeKind::ConfigKey, "k"), Access::Unscoped);
        assert_eq!(
            scopes.check_within(ScopeKind::HttpClientHost, "api.example.com:443"),
            Access::Allowed
        );
        assert_eq!(
            scopes.check_within(ScopeKind::HttpClientHost, "*.example.com"),
            Access::Denied
        );
    }

    #[test]
    fn containment() {
        assert!(subject_within("orders.new", "orders.*"));
        assert!(subject_within("orders.*", "orders.>"));
        assert!(subject_within("orders.>", "orders.>"));
        assert!(!subject_within("orders.>", "orders.*"));
        assert!(!subject_within("orders.*", "orders.new"));
        assert!(!subject_within("orders", "orders.>"));
        assert!(!subject_within(">", "orders.>"));
        let h = |t: &str| HostScope::parse(t).unwrap();
        assert!(h("a.example.com:443").within(&h("*.example.com")));
        assert!(h("*.b.example.com").within(&h("*.example.com")));
        assert!(!h("example.com").within(&h("*.example.com")));
        assert!(!h("*.example.com").within(&h("a.example.com")));
        assert!(!h("a.example.com").within(&h("a.example.com:443")));
        assert!(h("https://a.example.com").within(&h("a.example.com")));
        assert!(!h("a.example.com").within(&h("https://a.example.com")));
        assert!(glob("app-*", "app-1"));
        assert!(!glob("app-*", "other"));
    }

    #[test]
    fn widening_is_what_the_new_version_adds() {
        let grants = |w: &[&str]| Grants::parse(w).unwrap();
        let scoped = |pairs: &[(ScopeKind, &str)]| {
            let mut s = Scopes::new();
            for (k, v) in pairs {
                s.insert(*k, v).unwrap();
            }
            s
        };
        let old = scoped(&[(ScopeKind::KvBucket, "app")]);
        let same = Widening::between(&grants(&["kv"]), &old, &grants(&["kv"]), &old);
        assert!(!same.widens());
        let more = scoped(&[(ScopeKind::KvBucket, "app"), (ScopeKind::KvBucket, "cache")]);
        let w = Widening::between(&grants(&["kv", "log"]), &more, &grants(&["kv"]), &old);
        assert_eq!(
            w.added_scopes,
            [("kv.bucket".to_string(), "cache".to_string())]
        );
        assert_eq!(w.added_grants.len(), 1);
        let w = Widening::between(&grants(&["kv"]), &Scopes::new(), &grants(&["kv"]), &old);
        assert_eq!(w.unscoped, [Capability::KeyValue]);
        // Scoping what was unscoped narrows.
        let w = Widening::between(&grants(&["kv"]), &old, &grants(&["kv"]), &Scopes::new());
        assert!(!w.widens());
    }

    #[test]
    fn the_wire_form_is_read_strictly() {
        let wire: BTreeMap<String, Vec<String>> = [
            ("kv.bucket".to_string(), vec!["app".to_string()]),
            ("msg.publish".to_string(), vec![]),
        ]
        .into();
        let scopes = Scopes::from_wire(&wire).unwrap();
        assert!(scopes.scoped(Capability::Messaging));
        assert_eq!(scopes.to_wire(), wire);
        let wire: BTreeMap<String, Vec<String>> = [
            ("kv.prefix".to_string(), vec!["a".to_string()]),
            ("msg.publish".to_string(), vec!["a b".to_string()]),
        ]
        .into();
        let problems = Scopes::from_wire(&wire).unwrap_err();
        let codes: Vec<&str> = problems.iter().map(ScopeError::code).collect();
        assert_eq!(codes, ["unknown_scope", "bad_scope"]);
    }
}
