//! The console's end of the event stream: every [`HostEvent`] as an entry with a sequence
//! number, in a history bounded in count and bytes, and what the actor used of each grant so
//! far (docs/design.md §16).
//!
//! [`Hub::record`] runs on the thread that reports the event (a serving thread, the dev
//! watcher), so it does as little as it can there: the frequent, small events (requests,
//! capability calls, logs, output lines) are kept as they came and turned into JSON only when
//! a page reads them ([`Entry::write_json`], on the console's task); the rest are serialized
//! at once, cut to a bounded size. Under the lock it only appends and counts. Readers (the
//! event stream of each open page) copy entries out by sequence number and wait on a `watch`
//! channel for more, so a slow reader holds no queue of its own: it falls behind in the
//! shared history, and past its start it is told how many it missed.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::Write as _;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use serde_json::Value;

use super::fix::{self, Fix};
use crate::caps::{Capability, Need};
use crate::host::HostEvent;
use crate::scopes::ScopeKind;

/// Events kept for pages that open later (the oldest go first).
pub const MAX_EVENTS: usize = 10_000;
/// Bytes the history holds, all entries together (an event kept unserialized counts its
/// strings and a fixed allowance, [`EVENT_ALLOWANCE`]; a serialized one its JSON).
pub const MAX_HISTORY_BYTES: usize = 32 << 20;
/// One entry's JSON at most: longer strings in it are cut to [`CUT_STRINGS_TO`] bytes.
pub const MAX_ENTRY_BYTES: usize = 64 << 10;
/// What a string in an oversized event is cut to.
pub const CUT_STRINGS_TO: usize = 8 << 10;
/// An event whose strings hold at most this many bytes is kept unserialized: its JSON, six
/// bytes per byte at worst (`\u0000`), stays under [`MAX_ENTRY_BYTES`] without cutting.
const KEEP_UNSERIALIZED_UP_TO: usize = 8 << 10;
/// What an event counts in the history beyond its strings or its JSON (the entry, its
/// fields, each string's own allocation).
const EVENT_ALLOWANCE: usize = 256;
/// What each header pair of a request counts beyond its name and value.
const HEADER_ALLOWANCE: usize = 48;
/// Distinct resources (buckets, hosts, subjects, keys) counted; later ones are only counted
/// as [`Reached::dropped`].
pub const MAX_RESOURCES: usize = 1000;

/// One event in the history; a page receives it as [`Entry::write_json`] writes it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub seq: u64,
    recorded: Arc<Recorded>,
}

#[derive(Debug)]
struct Recorded {
    at_ms: u64,
    body: Body,
}

// The body already lives in its own allocation (`Arc<Recorded>`): boxing the event would add
// one to every kept event to save bytes on the rare serialized ones.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum Body {
    /// A small event, kept as it came.
    Event { event: HostEvent, fix: Option<Fix> },
    /// Any other event, serialized and bounded when it was recorded: the envelope's JSON
    /// (`{"at_ms":T,"event":{…},…}`, no `seq`).
    Json(Box<str>),
}

/// The history and the usage counts, shared by the sink and the console's server.
pub struct Hub {
    state: Mutex<State>,
    /// The sequence number of the newest entry; readers wait on it.
    latest: tokio::sync::watch::Sender<u64>,
}

struct State {
    /// The sequence number the next entry gets (the first is 1).
    next_seq: u64,
    /// Each entry with the bytes it counts for.
    history: VecDeque<(Entry, usize)>,
    bytes: usize,
    usage: BTreeMap<Capability, Use>,
    reached: Reached,
}

/// The resources the actor's calls reached (or tried), by scope kind and value, as the
/// scopes panel and the observed scopes need them.
#[derive(Debug, Clone, Default)]
pub struct Reached {
    pub resources: BTreeMap<(ScopeKind, String), Use>,
    /// Calls on resources past [`MAX_RESOURCES`] distinct ones.
    pub dropped: u64,
    /// Capabilities read whole (`config` with `get-all`): no scope narrows them.
    pub whole: BTreeSet<Capability>,
}

/// How the actor used one capability so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Use {
    /// Calls (for `http`: requests answered).
    pub calls: u64,
    /// Calls the provider refused.
    pub denied: u64,
}

/// Entries read out of the history.
#[derive(Debug)]
pub struct Since {
    pub entries: Vec<Entry>,
    /// Entries asked for that had already left the history.
    pub missed: u64,
}

#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    seq: Option<u64>,
    at_ms: u64,
    event: &'a HostEvent,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<&'a Fix>,
}

impl Entry {
    /// Appends the entry's JSON to `out`: `{"seq":N,"at_ms":T,"event":{…},"fix":{…}}` (no
    /// newline in it), at most about [`MAX_ENTRY_BYTES`].
    pub fn write_json(&self, out: &mut Vec<u8>) {
        match &self.recorded.body {
            Body::Event { event, fix } => {
                let envelope = Envelope {
                    seq: Some(self.seq),
                    at_ms: self.recorded.at_ms,
                    event,
                    fix: fix.as_ref(),
                };
                serde_json::to_writer(out, &envelope).expect("events serialize");
            }
            Body::Json(json) => {
                // `{"seq":N,` then the envelope's fields.
                let _ = write!(out, "{{\"seq\":{},", self.seq);
                out.extend_from_slice(&json.as_bytes()[1..]);
            }
        }
    }

    /// The entry's JSON ([`Entry::write_json`]) as a string.
    pub fn json(&self) -> String {
        let mut out = Vec::new();
        self.write_json(&mut out);
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }
}

impl Hub {
    pub fn new() -> Arc<Hub> {
        Arc::new(Hub {
            state: Mutex::new(State {
                next_seq: 1,
                history: VecDeque::new(),
                bytes: 0,
                usage: BTreeMap::new(),
                reached: Reached::default(),
            }),
            latest: tokio::sync::watch::Sender::new(0),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds `event` to the history and the usage counts, and wakes the readers.
    pub fn record(&self, event: HostEvent) {
        let fix = match &event {
            HostEvent::CapCall(call) => fix::for_call(call),
            _ => None,
        };
        let at_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis().min(u64::MAX as u128) as u64);
        let used = usage_of(&event);
        match kept_size(&event, fix.as_ref()) {
            Some(bytes) => {
                let recorded = Arc::new(Recorded {
                    at_ms,
                    body: Body::Event { event, fix },
                });
                let call = match &recorded.body {
                    Body::Event {
                        event: HostEvent::CapCall(call),
                        ..
                    } => Some(call),
                    _ => None,
                };
                self.push(&recorded, bytes, used, call);
            }
            None => {
                let json = bounded_json(&Envelope {
                    seq: None,
                    at_ms,
                    event: &event,
                    fix: fix.as_ref(),
                });
                let bytes = json.len() + EVENT_ALLOWANCE;
                let recorded = Arc::new(Recorded {
                    at_ms,
                    body: Body::Json(json.into_boxed_str()),
                });
                let call = match &event {
                    HostEvent::CapCall(call) => Some(call),
                    _ => None,
                };
                self.push(&recorded, bytes, used, call);
            }
        }
    }

    /// Appends `recorded` (counting `bytes`) under the lock, counts its use and the resource
    /// its `call` reached, and wakes the readers. Entries pushed out of the history are freed
    /// after the lock is let go.
    fn push(
        &self,
        recorded: &Arc<Recorded>,
        bytes: usize,
        used: Option<(Capability, bool)>,
        call: Option<&crate::host::providers::CapCall>,
    ) {
        let mut evicted = Vec::new();
        let seq = {
            let mut state = self.state();
            let seq = state.next_seq;
            state.next_seq += 1;
            if let Some((capability, denied)) = used {
                let counts = state.usage.entry(capability).or_default();
                counts.calls += 1;
                counts.denied += u64::from(denied);
            }
            if let Some(call) = call {
                state.reached.count(call);
            }
            state.bytes += bytes;
            state.history.push_back((
                Entry {
                    seq,
                    recorded: Arc::clone(recorded),
                },
                bytes,
            ));
            while state.history.len() > MAX_EVENTS || state.bytes > MAX_HISTORY_BYTES {
                let Some((old, old_bytes)) = state.history.pop_front() else {
                    break;
                };
                state.bytes -= old_bytes;
                evicted.push(old);
            }
            seq
        };
        drop(evicted);
        self.latest.send_replace(seq);
    }

    /// Entries from sequence number `from` on, up to about `max_bytes` (as the history counts
    /// them; at least one when there is one).
    pub fn since(&self, from: u64, max_bytes: usize) -> Since {
        let state = self.state();
        let oldest = state.history.front().map_or(state.next_seq, |(e, _)| e.seq);
        let missed = oldest.saturating_sub(from.max(1));
        let start = from.max(oldest) - oldest;
        let mut entries = Vec::new();
        let mut bytes = 0;
        for (entry, size) in state.history.iter().skip(start as usize) {
            if !entries.is_empty() && bytes + size > max_bytes {
                break;
            }
            bytes += size;
            entries.push(entry.clone());
        }
        Since { entries, missed }
    }

    /// The sequence number of the newest entry (0 before the first), to wait on for more.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.latest.subscribe()
    }

    /// What the actor used of each capability so far.
    pub fn usage(&self) -> BTreeMap<Capability, Use> {
        self.state().usage.clone()
    }

    /// The resources the actor reached so far.
    pub fn reached(&self) -> Reached {
        self.state().reached.clone()
    }
}

impl Reached {
    fn count(&mut self, call: &crate::host::providers::CapCall) {
        if !call.denied
            && let Some(cap) = crate::scopes::read_whole(&call.call)
        {
            self.whole.insert(cap);
        }
        let Some(resource) = &call.resource else {
            return;
        };
        let Some(kind) = ScopeKind::by_name(&resource.kind) else {
            return;
        };
        let key = (kind, resource.value.clone());
        if !self.resources.contains_key(&key) && self.resources.len() >= MAX_RESOURCES {
            self.dropped += 1;
            return;
        }
        let counts = self.resources.entry(key).or_default();
        counts.calls += 1;
        counts.denied += u64::from(call.denied);
    }
}

/// What a small, frequent event counts for in the history when it is kept unserialized; `None`
/// for the rest (rarer, or too large to keep without cutting), which are serialized at once.
/// A denied call with its fix is among the rest: the fix repeats what the call names.
fn kept_size(event: &HostEvent, fix: Option<&Fix>) -> Option<usize> {
    if fix.is_some() {
        return None;
    }
    let strings = match event {
        HostEvent::Request(request) => {
            let headers = |pairs: &[(String, String)]| {
                pairs
                    .iter()
                    .map(|(name, value)| name.len() + value.len() + HEADER_ALLOWANCE)
                    .sum::<usize>()
            };
            request.method.len()
                + request.path.len()
                + headers(&request.request_headers)
                + headers(&request.response_headers)
        }
        HostEvent::CapCall(call) => {
            call.actor.len()
                + call.call.len()
                + call.args.len()
                + call.result.len()
                + call
                    .resource
                    .as_ref()
                    .map_or(0, |r| r.kind.len() + r.value.len())
        }
        HostEvent::Log {
            actor,
            context,
            message,
            ..
        } => actor.len() + context.len() + message.len(),
        HostEvent::GuestOutput { line, .. } => line.len(),
        _ => return None,
    };
    (strings <= KEEP_UNSERIALIZED_UP_TO).then_some(strings + EVENT_ALLOWANCE)
}

/// The capability an event shows the actor using, and whether the use was denied: a traced
/// call counts for the capability whose interface it called; an answered request for `http`.
/// A rejected lattice message is not the actor's doing and counts for nothing.
fn usage_of(event: &HostEvent) -> Option<(Capability, bool)> {
    match event {
        HostEvent::Request(_) => Some((Capability::HttpServer, false)),
        HostEvent::CapCall(call) => {
            let (interface, _function) = call.call.rsplit_once('.')?;
            match crate::caps::need_of_component_import(interface) {
                Need::Grant { any_of } => Some((*any_of.first()?, call.denied)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `value` as JSON of at most about [`MAX_ENTRY_BYTES`]: an event with a huge string (a guest
/// output line, a compiler's output) keeps the first [`CUT_STRINGS_TO`] bytes of each long
/// string, marked as cut; one still too large (many long strings) is replaced by a note.
fn bounded_json(value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).expect("events serialize");
    if json.len() <= MAX_ENTRY_BYTES {
        return json;
    }
    let mut tree: Value = serde_json::from_str(&json).expect("just serialized");
    cut_strings(&mut tree);
    let cut = tree.to_string();
    if cut.len() <= MAX_ENTRY_BYTES {
        return cut;
    }
    let kind = tree["event"]["kind"].clone();
    serde_json::json!({
        "at_ms": tree["at_ms"],
        "event": { "kind": "oversized", "of": kind, "bytes": json.len() },
    })
    .to_string()
}

fn cut_strings(value: &mut Value) {
    match value {
        Value::String(s) if s.len() > CUT_STRINGS_TO => {
            let mut end = CUT_STRINGS_TO;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            let more = s.len() - end;
            s.truncate(end);
            s.push_str(&format!("… ({more} more bytes not shown)"));
        }
        Value::Array(items) => items.iter_mut().for_each(cut_strings),
        Value::Object(map) => map.values_mut().for_each(cut_strings),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::providers::CapCall;

    fn output(line: String) -> HostEvent {
        HostEvent::GuestOutput {
            invocation_id: Some(7),
            stream: "stdout",
            line,
        }
    }

    fn call(name: &str, denied: bool) -> HostEvent {
        HostEvent::CapCall(CapCall {
            actor: "a".into(),
            invocation: Some(1),
            call: name.into(),
            resource: None,
            args: "bucket \"x\"".into(),
            result: if denied {
                "error: no such bucket"
            } else {
                "ok"
            }
            .into(),
            duration_us: 3,
            denied,
        })
    }

    #[test]
    fn entries_are_numbered_and_read_from_any_point() {
        let hub = Hub::new();
        for n in 0..5 {
            hub.record(output(format!("line {n}")));
        }
        let all = hub.since(0, usize::MAX);
        assert_eq!(all.missed, 0);
        assert_eq!(
            all.entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5]
        );
        let entry: Value = serde_json::from_str(&all.entries[2].json()).unwrap();
        assert_eq!(entry["seq"], 3);
        assert_eq!(entry["event"]["kind"], "guest_output");
        assert_eq!(entry["event"]["line"], "line 2");
        assert!(entry["at_ms"].as_u64().unwrap() > 1_600_000_000_000);
        assert_eq!(hub.since(4, usize::MAX).entries.len(), 2);
        assert!(hub.since(6, usize::MAX).entries.is_empty());
        // A byte budget still hands out one entry at least.
        assert_eq!(hub.since(1, 1).entries.len(), 1);
        assert_eq!(*hub.subscribe().borrow(), 5);
    }

    #[test]
    fn the_history_is_bounded_and_a_late_reader_learns_what_it_missed() {
        let hub = Hub::new();
        for n in 0..MAX_EVENTS + 10 {
            hub.record(output(format!("{n}")));
        }
        let read = hub.since(1, usize::MAX);
        assert_eq!(read.missed, 10);
        assert_eq!(read.entries.len(), MAX_EVENTS);
        assert_eq!(read.entries[0].seq, 11);
        // Bytes bound it too: 600 entries of ~60 KiB exceed 32 MiB.
        let hub = Hub::new();
        for _ in 0..600 {
            hub.record(output("x".repeat(60 << 10)));
        }
        let state = hub.state();
        assert!(state.bytes <= MAX_HISTORY_BYTES, "{}", state.bytes);
        assert!(state.history.len() < 600);
    }

    #[test]
    fn small_events_kept_unserialized_are_bounded_in_bytes_and_in_json() {
        // The worst line kept as it came: every byte escaped six-fold in JSON.
        let worst = "\u{1}".repeat(KEEP_UNSERIALIZED_UP_TO);
        assert!(kept_size(&output(worst.clone()), None).is_some());
        assert!(kept_size(&output(worst.clone() + "x"), None).is_none());
        let hub = Hub::new();
        hub.record(output(worst.clone()));
        let json = hub.since(1, usize::MAX).entries[0].json();
        assert!(json.len() > 6 * KEEP_UNSERIALIZED_UP_TO, "{}", json.len());
        assert!(json.len() <= MAX_ENTRY_BYTES, "{}", json.len());
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["seq"], 1);
        assert_eq!(value["event"]["line"], worst.as_str());
        // 5000 such events count for more than the byte bound: the oldest go.
        for _ in 0..5000 {
            hub.record(output("x".repeat(KEEP_UNSERIALIZED_UP_TO)));
        }
        let state = hub.state();
        assert!(state.bytes <= MAX_HISTORY_BYTES, "{}", state.bytes);
        assert!(state.history.len() < 5000, "{}", state.history.len());
        assert_eq!(
            state.bytes,
            state.history.iter().map(|(_, bytes)| bytes).sum::<usize>()
        );
    }

    #[test]
    fn an_event_kept_and_one_serialized_at_once_read_alike() {
        let hub = Hub::new();
        hub.record(call("wasi:keyvalue/store.get", false));
        hub.record(call("wasi:keyvalue/store.open", true));
        let entries = hub.since(1, usize::MAX).entries;
        assert!(matches!(entries[0].recorded.body, Body::Event { .. }));
        assert!(matches!(entries[1].recorded.body, Body::Json(_)));
        let [kept, serialized]: [Value; 2] =
            [0, 1].map(|i| serde_json::from_str(&entries[i].json()).unwrap());
        assert_eq!(kept["seq"], 1);
        assert_eq!(serialized["seq"], 2);
        for value in [&kept, &serialized] {
            assert_eq!(value["event"]["kind"], "cap_call");
            assert_eq!(value["event"]["args"], "bucket \"x\"");
            assert!(value["at_ms"].as_u64().unwrap() > 1_600_000_000_000);
        }
        assert!(kept.get("fix").is_none());
        assert_eq!(serialized["fix"]["paste"][0]["into"], "--kv-seed file");
        // Both were counted as reached and used.
        assert_eq!(hub.usage()[&Capability::KeyValue].calls, 2);
    }

    #[test]
    fn huge_strings_are_cut_and_huge_events_replaced() {
        let hub = Hub::new();
        hub.record(output("é".repeat(1 << 20)));
        let entry = &hub.since(1, usize::MAX).entries[0];
        assert!(entry.json().len() <= MAX_ENTRY_BYTES);
        let value: Value = serde_json::from_str(&entry.json()).unwrap();
        let line = value["event"]["line"].as_str().unwrap();
        assert!(
            line.ends_with(" more bytes not shown)"),
            "{}",
            &line[line.len() - 40..]
        );
        hub.record(HostEvent::Trap {
            invocation_id: None,
            invocation: "GET /".into(),
            error: "x".into(),
            stderr_tail: vec!["y".repeat(CUT_STRINGS_TO + 1); 20],
        });
        let value: Value =
            serde_json::from_str(&hub.since(2, usize::MAX).entries[0].json()).unwrap();
        assert_eq!(value["event"]["kind"], "oversized");
        assert_eq!(value["event"]["of"], "trap");
    }

    #[test]
    fn usage_counts_calls_and_denials_by_capability_and_denials_carry_their_fix() {
        let hub = Hub::new();
        hub.record(call("wasi:keyvalue/store.get", false));
        hub.record(call("wasi:keyvalue/store.open", true));
        hub.record(call("wasi:logging/logging.log", false));
        hub.record(call("lattice.message", true));
        let usage = hub.usage();
        assert_eq!(
            usage[&Capability::KeyValue],
            Use {
                calls: 2,
                denied: 1
            }
        );
        assert_eq!(usage[&Capability::Logging].calls, 1);
        assert_eq!(usage.len(), 2, "a rejected lattice message is not a use");
        let value: Value =
            serde_json::from_str(&hub.since(2, usize::MAX).entries[0].json()).unwrap();
        assert_eq!(value["fix"]["paste"][0]["into"], "--kv-seed file");
        assert_eq!(value["fix"]["paste"][0]["text"], "\"x\": {}");
    }
}
