//! The `msg` provider: `wasmcloud:messaging@0.2.0`. Without a lattice (local and mock mode
//! alike, no broker): publishes are recorded and reported, requests are answered from a
//! fixtures file or fail clearly, and `--message` delivers messages to the actor's `handler`
//! export. With `--lattice`, publishes and requests go over NATS, signed by this host
//! ([`crate::lattice`]), and a request's reply is checked before the actor sees it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Args;

use super::{Linking, ProviderData, ProviderUnit, ProviderView, short};
use crate::caps::Capability;
use crate::host::HostEvent;
use crate::host::preopen::Protected;
use crate::host::state::ComponentState;
use crate::scopes::ScopeKind;

pub(crate) mod bindings {
    wasmtime::component::bindgen!({
        path: "wit/messaging",
        world: "wasmcloud:messaging/messaging",
        imports: { default: async | trappable },
        exports: { default: async },
    });
}

use bindings::wasmcloud::messaging::{consumer, types::BrokerMessage};

/// The messaging flags of `wzt run` and `wzt dev` (the lattice's are the lattice's own).
#[derive(Debug, Clone, Args)]
pub struct MessagingArgs {
    /// Answer the actor's messaging requests from this TOML file of [[reply]] entries
    /// (subject, with NATS `*` and `>` wildcards, and body).
    #[arg(long, value_name = "FILE")]
    pub msg_replies: Option<PathBuf>,
}

/// The checked messaging settings of a run.
#[derive(Debug, Clone, Default)]
pub struct MessagingSettings {
    /// Canned replies to requests, without a lattice.
    pub replies: Vec<Reply>,
}

impl MessagingArgs {
    /// Reads the `--msg-replies` file.
    pub fn settings(&self) -> anyhow::Result<MessagingSettings> {
        Ok(MessagingSettings {
            replies: match &self.msg_replies {
                Some(path) => load_replies(path)
                    .with_context(|| format!("--msg-replies {}", path.display()))?,
                None => Vec::new(),
            },
        })
    }
}

impl ProviderUnit for MessagingSettings {
    fn capability(&self) -> Capability {
        Capability::Messaging
    }

    fn writes(&self) -> Vec<PathBuf> {
        Vec::new()
    }

    fn protects(&self) -> Vec<Protected> {
        Vec::new()
    }

    /// `wasmcloud:messaging/types` and `consumer`; the host calls the `handler` export.
    fn link(&self, linking: &mut Linking<'_>) -> wasmtime::Result<()> {
        type T = ComponentState;
        linking.add("wasmcloud:messaging/types@0.2.0", |l| {
            bindings::wasmcloud::messaging::types::add_to_linker::<T, ProviderData>(l, T::providers)
        })?;
        linking.add("wasmcloud:messaging/consumer@0.2.0", |l| {
            consumer::add_to_linker::<T, ProviderData>(l, T::providers)
        })
    }
}

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

/// The largest `--msg-replies` file read (bodies included).
pub const MAX_REPLIES_FILE: u64 = 64 << 20;

/// Reads `[[reply]]` entries (subject, body) from a TOML file.
pub fn load_replies(path: &Path) -> anyhow::Result<Vec<Reply>> {
    let text = crate::fsutil::read_named_text(path, MAX_REPLIES_FILE)?;
    let file: ReplyFile = toml::from_str(&text)?;
    Ok(file.reply)
}

use crate::scopes::subject_matches;

/// The messaging state of a run.
#[derive(Default)]
pub struct Messaging {
    pub replies: Vec<Reply>,
    /// The last messages the actor published (at most [`MAX_RECORDED`]), and how many in all.
    pub published: Mutex<Recorded>,
    /// The lattice, with `--lattice`: publishes and requests go there instead.
    pub lattice: Option<LatticeLink>,
}

/// The lattice a run's messaging goes through, and who its messages are from.
pub struct LatticeLink {
    pub lattice: Arc<crate::lattice::Lattice>,
    /// The actor's subject key (`M…`); `None` for an unsigned actor.
    pub origin: Option<String>,
}

/// A lattice request being handled: its reply subject and its token id.
#[derive(Debug, Clone)]
pub struct IncomingRequest {
    pub reply_to: String,
    pub request_jti: String,
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

impl ProviderView<'_> {
    /// Records a traced call that ran from `started`.
    fn trace_call(
        &self,
        call: &str,
        subject: Option<&str>,
        args: String,
        started: Instant,
        result: String,
        denied: bool,
    ) {
        let p = self.providers;
        if p.tracer.enabled() {
            p.tracer.record(
                &p.events,
                super::CapCall {
                    actor: p.actor.clone(),
                    invocation: self.invocation,
                    call: call.to_string(),
                    resource: subject
                        .map(|s| crate::scopes::Resource::new(ScopeKind::MsgPublish, s)),
                    args,
                    result,
                    duration_us: started.elapsed().as_micros().min(u64::MAX as u128) as u64,
                    denied,
                },
            );
        }
    }

    fn local_request(&self, subject: &str) -> Result<BrokerMessage, String> {
        match self
            .providers
            .messaging
            .replies
            .iter()
            .find(|r| subject_matches(&r.subject, subject))
        {
            Some(r) => Ok(BrokerMessage {
                subject: subject.to_string(),
                body: r.body.clone().into_bytes(),
                reply_to: None,
            }),
            None => Err(format!(
                "no reply for subject {subject}: add a [[reply]] for it to the --msg-replies file"
            )),
        }
    }
}

/// The wait of a request: the actor's `timeout-ms` (0: the invocation's own deadline, which
/// stops the invocation anyway).
fn request_timeout(timeout_ms: u32) -> Duration {
    if timeout_ms == 0 {
        Duration::from_secs(24 * 3600)
    } else {
        Duration::from_millis(timeout_ms.into())
    }
}

impl consumer::Host for ProviderView<'_> {
    async fn request(
        &mut self,
        subject: String,
        body: Vec<u8>,
        timeout_ms: u32,
    ) -> wasmtime::Result<Result<BrokerMessage, String>> {
        let p = self.providers;
        if !self.in_scope(
            ScopeKind::MsgPublish,
            &subject,
            "wasmcloud:messaging/consumer.request",
            || format!("{subject} {}", short(&body)),
            || format!("messaging request on {subject}"),
        ) {
            return Ok(Err(format!(
                "{subject} is outside the actor's signed msg.publish scope"
            )));
        }
        let started = Instant::now();
        let result = match &p.messaging.lattice {
            None => self.local_request(&subject),
            Some(link) => link
                .lattice
                .request(
                    link.origin.as_deref(),
                    &subject,
                    &body,
                    request_timeout(timeout_ms),
                )
                .await
                .map(|reply| BrokerMessage {
                    subject: subject.clone(),
                    body: reply.into_body(),
                    reply_to: None,
                })
                .map_err(|e| e.to_string()),
        };
        let (summary, denied) = match &result {
            Ok(m) => (short(&m.body), false),
            Err(e) => (e.clone(), true),
        };
        self.trace_call(
            "wasmcloud:messaging/consumer.request",
            Some(&subject),
            format!("{subject} {} (timeout {timeout_ms} ms)", short(&body)),
            started,
            summary,
            denied,
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

    async fn publish(&mut self, msg: BrokerMessage) -> wasmtime::Result<Result<(), String>> {
        let p = self.providers;
        // A reply to the request being handled goes to its reply subject, whatever the scope.
        let is_reply = self.incoming.is_some_and(|r| r.reply_to == msg.subject);
        if !is_reply
            && !self.in_scope(
                ScopeKind::MsgPublish,
                &msg.subject,
                "wasmcloud:messaging/consumer.publish",
                || format!("{} {}", msg.subject, short(&msg.body)),
                || format!("messaging publish on {}", msg.subject),
            )
        {
            return Ok(Err(format!(
                "{} is outside the actor's signed msg.publish scope",
                msg.subject
            )));
        }
        let started = Instant::now();
        let args = format!("{} {}", msg.subject, short(&msg.body));
        let result = match &p.messaging.lattice {
            None => {
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
                Ok("recorded".to_string())
            }
            Some(link) => {
                let origin = link.origin.as_deref();
                // A publish on the reply subject of the request being handled is its reply.
                let sent = match self.incoming {
                    Some(request) if request.reply_to == msg.subject => {
                        link.lattice
                            .reply(origin, &msg.subject, &request.request_jti, &msg.body)
                            .await
                    }
                    _ => link.lattice.publish(origin, &msg.subject, &msg.body).await,
                };
                sent.map(|jti| format!("sent {jti}"))
                    .map_err(|e| e.to_string())
            }
        };
        let (summary, denied) = match &result {
            Ok(s) => (s.clone(), false),
            Err(e) => (e.clone(), true),
        };
        self.trace_call(
            "wasmcloud:messaging/consumer.publish",
            // A reply's subject is the requester's inbox, not a scope to learn.
            (!is_reply).then_some(msg.subject.as_str()),
            args,
            started,
            summary,
            denied,
        );
        if let Err(e) = &result {
            (p.events)(HostEvent::Denied {
                actor: p.actor.clone(),
                what: format!("messaging publish on {}", msg.subject),
                why: e.clone(),
            });
        }
        Ok(result.map(|_| ()))
    }
}

impl bindings::wasmcloud::messaging::types::Host for ProviderView<'_> {}

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
