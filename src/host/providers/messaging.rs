//! The `msg` provider: `wasmcloud:messaging@0.2.0`. Publishes are recorded and reported;
//! requests are answered from a fixtures file or fail clearly; `--message` delivers messages to
//! the actor's `handler` export. The same in local and mock mode: no broker is started.

use std::path::Path;
use std::sync::Mutex;

use wasmtime::component::Linker;

use super::{ProviderData, ProviderView, short};
use crate::host::HostEvent;

pub(crate) mod bindings {
    wasmtime::component::bindgen!({
        path: "wit/messaging",
        world: "wasmcloud:messaging/messaging",
        imports: { default: trappable },
        exports: { default: async },
    });
}

use bindings::wasmcloud::messaging::{consumer, types::BrokerMessage};

/// A canned reply to `consumer.request`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// The request subject; `*` matches one dot-separated token, `>` the rest.
    pub subject: String,
    pub body: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplyFile {
    #[serde(default)]
    reply: Vec<Reply>,
}

/// Reads `[[reply]]` entries (subject, body) from a TOML file.
pub fn load_replies(path: &Path) -> anyhow::Result<Vec<Reply>> {
    let file: ReplyFile = toml::from_str(&std::fs::read_to_string(path)?)?;
    Ok(file.reply)
}

/// NATS-style subject matching: `*` is one token, `>` the remaining tokens.
fn subject_matches(pattern: &str, subject: &str) -> bool {
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

/// The messaging state of a run.
#[derive(Default)]
pub struct Messaging {
    pub replies: Vec<Reply>,
    /// The last messages the actor published (at most [`MAX_RECORDED`]), and how many in all.
    pub published: Mutex<Recorded>,
}

/// Published messages kept per run; older ones are dropped (they were printed already).
pub const MAX_RECORDED: usize = 1000;

/// A bounded record of published messages.
#[derive(Default)]
pub struct Recorded {
    pub last: std::collections::VecDeque<(String, Vec<u8>)>,
    pub total: u64,
}

impl Recorded {
    pub fn push(&mut self, subject: String, body: Vec<u8>) {
        if self.last.len() == MAX_RECORDED {
            self.last.pop_front();
        }
        self.last.push_back((subject, body));
        self.total += 1;
    }
}

impl consumer::Host for ProviderView<'_> {
    fn request(
        &mut self,
        subject: String,
        body: Vec<u8>,
        timeout_ms: u32,
    ) -> wasmtime::Result<Result<BrokerMessage, String>> {
        let p = self.providers;
        let reply = p
            .messaging
            .replies
            .iter()
            .find(|r| subject_matches(&r.subject, &subject));
        let result = p.traced(
            "wasmcloud:messaging/consumer.request",
            || format!("{subject} {} (timeout {timeout_ms} ms)", short(&body)),
            || match reply {
                Some(r) => Ok(BrokerMessage {
                    subject: subject.clone(),
                    body: r.body.clone().into_bytes(),
                    reply_to: None,
                }),
                None => Err(format!(
                    "no reply for subject {subject}: add a [[reply]] for it to the --msg-replies file"
                )),
            },
            |r| match r {
                Ok(m) => (short(&m.body), false),
                Err(e) => (e.clone(), true),
            },
        );
        if let Err(e) = &result {
            (p.events)(HostEvent::Denied {
                actor: p.actor.clone(),
                what: format!("messaging request on {subject}"),
                why: e.clone(),
            });
        }
        Ok(result)
    }

    fn publish(&mut self, msg: BrokerMessage) -> wasmtime::Result<Result<(), String>> {
        let p = self.providers;
        p.traced(
            "wasmcloud:messaging/consumer.publish",
            || format!("{} {}", msg.subject, short(&msg.body)),
            || {
                p.messaging
                    .published
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(msg.subject.clone(), msg.body.clone());
                (p.events)(HostEvent::Published {
                    actor: p.actor.clone(),
                    subject: msg.subject.clone(),
                    body: String::from_utf8_lossy(&msg.body).into_owned(),
                });
            },
            |_| ("recorded".into(), false),
        );
        Ok(Ok(()))
    }
}

impl bindings::wasmcloud::messaging::types::Host for ProviderView<'_> {}

/// Links `wasmcloud:messaging/types` and `wasmcloud:messaging/consumer`.
pub fn add_to_linker<T: 'static>(
    l: &mut Linker<T>,
    view: fn(&mut T) -> ProviderView<'_>,
) -> wasmtime::Result<()> {
    bindings::wasmcloud::messaging::types::add_to_linker::<T, ProviderData>(l, view)?;
    consumer::add_to_linker::<T, ProviderData>(l, view)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::subject_matches;

    #[test]
    fn subjects_match_like_nats() {
        assert!(subject_matches("orders.new", "orders.new"));
        assert!(subject_matches("orders.*", "orders.new"));
        assert!(!subject_matches("orders.*", "orders.new.eu"));
        assert!(subject_matches("orders.>", "orders.new.eu"));
        assert!(!subject_matches("orders.>", "orders"));
        assert!(!subject_matches("orders.new", "orders.old"));
    }
}

#[cfg(test)]
mod recorded_tests {
    use super::*;

    #[test]
    fn the_record_of_publishes_is_bounded() {
        let mut recorded = Recorded::default();
        for i in 0..(MAX_RECORDED + 5) {
            recorded.push(format!("s{i}"), vec![]);
        }
        assert_eq!(recorded.last.len(), MAX_RECORDED);
        assert_eq!(recorded.total, (MAX_RECORDED + 5) as u64);
        assert_eq!(recorded.last.front().unwrap().0, "s5");
    }
}
