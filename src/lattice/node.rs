//! A host's side of NATS: one connection, signed publish and request, verified replies and
//! subscriptions, a counter per rejection code, and events for what happens.
//!
//! Replies come back on one wildcard subscription of this host's own inbox prefix; each is
//! checked against the request waiting for it ([`super::verify_reply`]). A reply that fails is
//! counted and reported and the request keeps waiting for a good one until its timeout, so a
//! forged reply can neither answer a request nor cut it short.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::{HeaderMap, Message, StatusCode};
use bytes::Bytes;
use futures_util::StreamExt;
use tokio::sync::oneshot;

use super::connection::NatsConnection;
use super::token::INVOCATION_HEADER;
use super::{
    AwaitedReply, CheckedInvocation, Incoming, LatticeError, LatticeRejection, Outgoing,
    ReplayGuard, ReplyVerdict, Signer, Trust, verify_invocation, verify_reply,
};
use crate::text::Untrusted;

/// How long connecting to the NATS server may take at start.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Something that happened on the lattice, for the caller to print or trace.
#[derive(Debug, Clone)]
pub enum LatticeEvent {
    /// A message or reply failed a check and was dropped; `count` is how many with this code
    /// so far.
    Rejected {
        /// `message` (on a subscription) or `reply` (on this host's inbox).
        kind: &'static str,
        subject: String,
        rejection: LatticeRejection,
        count: u64,
    },
    /// The connection to the NATS server was lost; publishing fails until it is back.
    Disconnected { url: String },
    /// The connection is back after a loss (subscriptions are renewed by the client).
    Reconnected { url: String },
    /// The NATS client reported something else (a server error, a slow consumer).
    Client { url: String, what: String },
    /// A revocation was applied: the messages of this host key or endorsement are dropped
    /// from now on (`revoked`).
    Revoked {
        revocation: super::revocation::CheckedRevocation,
        /// It revokes this host itself.
        this_host: bool,
    },
    /// A host without the cluster key read its endorsement's source again.
    Renewal(super::Renewal),
    /// Something on the revocation bucket's subjects failed a check and was ignored; `count`
    /// is how many so far.
    RevocationIgnored {
        key: String,
        why: String,
        count: u64,
    },
}

impl std::fmt::Display for LatticeEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LatticeEvent::Rejected {
                kind,
                subject,
                rejection,
                count,
            } => write!(
                f,
                "wzt: lattice: rejected {kind} on {} [{}] (#{count}): {rejection}",
                Untrusted(subject),
                rejection.code()
            ),
            LatticeEvent::Disconnected { url } => write!(
                f,
                "wzt: lattice: disconnected from {url}; reconnecting (messages fail until then)"
            ),
            LatticeEvent::Reconnected { url } => {
                write!(f, "wzt: lattice: connected to {url} again")
            }
            LatticeEvent::Client { url, what } => {
                write!(f, "wzt: lattice: {url}: {}", Untrusted(what))
            }
            LatticeEvent::Revoked {
                revocation,
                this_host,
            } => {
                let reason = revocation
                    .reason
                    .as_deref()
                    .map(|r| format!(" ({})", Untrusted(r)))
                    .unwrap_or_default();
                if *this_host {
                    write!(
                        f,
                        "wzt: lattice: this host's {} {} was revoked by the cluster key {}{reason}: every host drops its messages",
                        revocation.kind.as_str(),
                        revocation.subject,
                        revocation.cluster
                    )
                } else {
                    write!(
                        f,
                        "wzt: lattice: revoked {} {} by the cluster key {}{reason}: its messages are dropped from now on",
                        revocation.kind.as_str(),
                        revocation.subject,
                        revocation.cluster
                    )
                }
            }
            LatticeEvent::Renewal(super::Renewal::Renewed { source, until }) => write!(
                f,
                "wzt: lattice: endorsement renewed from {}: valid until {}",
                Untrusted(source),
                crate::time::rfc3339(*until)
            ),
            LatticeEvent::Renewal(super::Renewal::NotRenewed {
                source,
                why,
                expires,
            }) => write!(
                f,
                "wzt: warning: lattice: the endorsement was not renewed from {}: {}; it expires at {}",
                Untrusted(source),
                Untrusted(why),
                crate::time::rfc3339(*expires)
            ),
            LatticeEvent::RevocationIgnored { key, why, count } => write!(
                f,
                "wzt: lattice: ignored a revocation ({}) (#{count}): {}",
                Untrusted(key),
                Untrusted(why)
            ),
        }
    }
}

/// Where lattice events go.
pub type LatticeEvents = Arc<dyn Fn(LatticeEvent) + Send + Sync>;

/// Which replay check to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayScope {
    /// Lattice-wide through JetStream, else (with a note) this host only.
    Lattice,
    /// This process only: for observers (`wzt lattice sub`), which must not claim the ids the
    /// real receivers will claim.
    Local,
}

/// How to join a lattice.
pub struct LatticeConfig {
    /// Where the NATS server is, TLS and authentication.
    pub connection: NatsConnection,
    /// `None` for an observer that only receives (`wzt lattice sub`).
    pub signer: Option<Signer>,
    pub trust: Trust,
    pub replay: ReplayScope,
    /// The client name the NATS server shows.
    pub client_name: String,
    pub events: LatticeEvents,
}

/// Why a publish or request failed (the actor sees the message).
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error(
        "not connected to the lattice ({url}): the NATS connection is down and reconnecting; nothing was sent"
    )]
    NotConnected { url: String },
    #[error("no valid reply on {} within {after:?}", Untrusted(.subject))]
    TimedOut { subject: String, after: Duration },
    #[error("this lattice connection only receives: it has no host key to sign with")]
    ReceiveOnly,
    #[error("cannot sign: {0}")]
    Sign(#[from] LatticeError),
    #[error("cannot publish on {}: {why}", Untrusted(.subject))]
    Publish { subject: String, why: String },
}

type ReplySender = oneshot::Sender<Result<CheckedInvocation, RequestError>>;

struct Pending {
    awaited: Arc<AwaitedReply>,
    tx: Option<ReplySender>,
}

/// A host on the lattice.
pub struct Lattice {
    client: async_nats::Client,
    url: String,
    connection_note: String,
    tls_required: bool,
    auth_kind: String,
    signer: Option<Signer>,
    trust: Trust,
    replay: ReplayGuard,
    replay_note: Option<String>,
    inbox_prefix: String,
    next_request: AtomicU64,
    pending: Mutex<HashMap<u64, Pending>>,
    counts: Mutex<BTreeMap<&'static str, u64>>,
    events: LatticeEvents,
    /// The revocation bucket, and whether JetStream keeps it (else revocations arrive only
    /// while connected).
    revocation_bucket: String,
    revocations_stored: bool,
    ignored_revocations: AtomicU64,
}

/// Removes a request's pending entry when the request ends, however it ends (answered, timed
/// out, or dropped with its invocation at the deadline).
struct PendingGuard<'a> {
    lattice: &'a Lattice,
    id: u64,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        self.lattice
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.id);
    }
}

/// A received reply, checked.
pub type Reply = CheckedInvocation;

/// A subscription: raw messages, to be checked with [`Lattice::check`].
pub struct Subscription {
    subject: String,
    inner: async_nats::Subscriber,
}

impl Subscription {
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The next message as it arrived, not checked yet; `None` when the subscription ended.
    pub async fn next(&mut self) -> Option<Message> {
        self.inner.next().await
    }
}

impl Lattice {
    /// Connects to the NATS server (failing when it cannot be reached in
    /// [`CONNECT_TIMEOUT`]; later losses are reconnected forever), sets up the replay check and
    /// this host's reply inbox.
    pub async fn connect(config: LatticeConfig) -> anyhow::Result<Arc<Lattice>> {
        let LatticeConfig {
            connection,
            signer,
            trust,
            replay,
            client_name,
            events,
        } = config;
        let url = connection.url().to_string();
        let connection_note = connection.describe();
        let tls_required = connection.requires_tls();
        let auth_kind = connection.auth_kind();
        let callback_events = Arc::clone(&events);
        let callback_url = url.clone();
        // The client reports "connected" for the first connection too (sometimes more than
        // once): only a connection after a loss is news.
        let lost = Arc::new(std::sync::atomic::AtomicBool::new(false));
        // Revocations made while the connection was down are read again once it is back.
        let reconnected = Arc::new(tokio::sync::Notify::new());
        let callback_reconnected = Arc::clone(&reconnected);
        let options = connection
            .options()?
            .name(client_name)
            .connection_timeout(Duration::from_secs(5))
            .max_reconnects(None)
            .event_callback(move |event| {
                let events = Arc::clone(&callback_events);
                let url = callback_url.clone();
                let lost = Arc::clone(&lost);
                let reconnected = Arc::clone(&callback_reconnected);
                async move {
                    let event = match event {
                        async_nats::Event::Connected => {
                            if !lost.swap(false, Ordering::SeqCst) {
                                return;
                            }
                            reconnected.notify_one();
                            LatticeEvent::Reconnected { url }
                        }
                        async_nats::Event::Disconnected => {
                            lost.store(true, Ordering::SeqCst);
                            LatticeEvent::Disconnected { url }
                        }
                        other => LatticeEvent::Client {
                            url,
                            what: other.to_string(),
                        },
                    };
                    events(event);
                }
            });
        let client = tokio::time::timeout(CONNECT_TIMEOUT, options.connect(url.as_str()))
            .await
            .map_err(|_| {
                anyhow::anyhow!(
                    "cannot connect to the lattice at {url}: no answer in {CONNECT_TIMEOUT:?}"
                )
            })?
            .map_err(|e| anyhow::anyhow!(connection.connect_failed(&e)))?;
        let no_jetstream = |why: &str, replays: bool| {
            format!(
                "the NATS server offers no JetStream key-value store ({why}): {}revocations are not stored, so this host learns only those made while it is connected; run nats-server with -js",
                if replays {
                    "replays are checked on this host only, so a replay delivered to another host of the same queue group is not caught, and "
                } else {
                    ""
                }
            )
        };
        let (replay, mut replay_note) = match replay {
            ReplayScope::Local => (ReplayGuard::local(), None),
            ReplayScope::Lattice => match ReplayGuard::jetstream(&client, trust.lattice()).await {
                Ok(guard) => (guard, None),
                Err(super::replay::ReplaySetupError::Refused(why)) => {
                    anyhow::bail!("cannot check replays on the lattice: {why}")
                }
                Err(super::replay::ReplaySetupError::NoJetStream(why)) => {
                    (ReplayGuard::local(), Some(no_jetstream(&why, true)))
                }
            },
        };
        let revocation_bucket = super::revocation::bucket_name(trust.lattice());
        let revocations_stored = match super::kv::ensure_bucket(
            &client,
            &super::revocation::bucket_spec(&revocation_bucket),
        )
        .await
        {
            Ok(()) => true,
            Err(super::kv::BucketSetupError::Refused(why)) => {
                anyhow::bail!("cannot keep the lattice's revocations: {why}")
            }
            Err(super::kv::BucketSetupError::NoJetStream(why)) => {
                replay_note.get_or_insert_with(|| no_jetstream(&why, false));
                false
            }
        };
        // Subscribed before the stored ones are read: none published meanwhile is missed.
        let revocation_feed = client
            .subscribe(format!("$KV.{revocation_bucket}.>"))
            .await
            .map_err(|e| anyhow::anyhow!("cannot subscribe to the lattice's revocations: {e}"))?;
        let inbox_prefix = client.new_inbox();
        let inbox = client
            .subscribe(format!("{inbox_prefix}.*"))
            .await
            .map_err(|e| anyhow::anyhow!("cannot subscribe to this host's reply inbox: {e}"))?;
        let lattice = Arc::new(Lattice {
            client,
            url,
            connection_note,
            tls_required,
            auth_kind,
            signer,
            trust,
            replay,
            replay_note,
            inbox_prefix,
            next_request: AtomicU64::new(1),
            pending: Mutex::new(HashMap::new()),
            counts: Mutex::new(BTreeMap::new()),
            events,
            revocation_bucket,
            revocations_stored,
            ignored_revocations: AtomicU64::new(0),
        });
        if lattice.revocations_stored {
            lattice
                .load_revocations()
                .await
                .map_err(|why| anyhow::anyhow!("cannot read the lattice's revocations: {why}"))?;
        }
        tokio::spawn(Arc::clone(&lattice).receive_replies(inbox));
        tokio::spawn(Arc::clone(&lattice).watch_revocations(revocation_feed, reconnected));
        Ok(lattice)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// TLS and authentication, for the startup block.
    pub fn connection_note(&self) -> &str {
        &self.connection_note
    }

    /// Whether the connection is TLS, required (`tls://` or a CA given).
    pub fn tls_required(&self) -> bool {
        self.tls_required
    }

    /// How this host authenticated: `none`, `nkey U…` or `creds`.
    pub fn auth_kind(&self) -> &str {
        &self.auth_kind
    }

    pub fn signer(&self) -> Option<&Signer> {
        self.signer.as_ref()
    }

    fn signing(&self) -> Result<&Signer, RequestError> {
        self.signer.as_ref().ok_or(RequestError::ReceiveOnly)
    }

    pub fn trust(&self) -> &Trust {
        &self.trust
    }

    pub fn replay(&self) -> &ReplayGuard {
        &self.replay
    }

    /// What the server's lack of JetStream costs (replays checked per host, revocations not
    /// stored), when it has none.
    pub fn replay_note(&self) -> Option<&str> {
        self.replay_note.as_deref()
    }

    /// Where revocations are kept, for the startup block.
    pub fn describe_revocations(&self) -> String {
        if self.revocations_stored {
            format!(
                "watched, lattice-wide (JetStream key-value bucket {}; {} known)",
                self.revocation_bucket,
                self.trust.revocations().len()
            )
        } else {
            "received while connected only (no JetStream)".to_string()
        }
    }

    /// How many revocations were ignored (not signed by a trusted cluster key, or malformed).
    pub fn ignored_revocations(&self) -> u64 {
        self.ignored_revocations.load(Ordering::Relaxed)
    }

    /// Checks and applies one revocation found under `key` (stored, or published live).
    fn apply_revocation(&self, key: &str, value: &[u8]) {
        match super::revocation::check_revocation(
            value,
            key,
            self.trust.clusters(),
            self.trust.lattice(),
        ) {
            Ok(revocation) => {
                if self.trust.revocations().insert(&revocation) {
                    let this_host = self
                        .signer
                        .as_ref()
                        .is_some_and(|s| s.is_revoked_by(&revocation));
                    (self.events)(LatticeEvent::Revoked {
                        revocation,
                        this_host,
                    });
                }
            }
            Err(why) => {
                let count = self.ignored_revocations.fetch_add(1, Ordering::Relaxed) + 1;
                (self.events)(LatticeEvent::RevocationIgnored {
                    key: key.to_string(),
                    why,
                    count,
                });
            }
        }
    }

    /// Reads every stored revocation and applies it.
    async fn load_revocations(&self) -> Result<(), String> {
        let entries = super::kv::entries(
            &self.client,
            &self.revocation_bucket,
            super::revocation::MAX_STORED,
        )
        .await?;
        for entry in entries {
            self.apply_revocation(&entry.key, &entry.value);
        }
        Ok(())
    }

    /// Applies revocations as they are published, and reads the stored ones again after a
    /// reconnect (those made while the connection was down reached no subscription).
    async fn watch_revocations(
        self: Arc<Self>,
        mut feed: async_nats::Subscriber,
        reconnected: Arc<tokio::sync::Notify>,
    ) {
        let prefix = format!("$KV.{}.", self.revocation_bucket);
        loop {
            tokio::select! {
                message = feed.next() => {
                    let Some(message) = message else { break };
                    let key = message.subject.as_str().strip_prefix(&prefix).unwrap_or_default();
                    self.apply_revocation(key, &message.payload);
                }
                _ = reconnected.notified() => {
                    if self.revocations_stored
                        && let Err(why) = self.load_revocations().await
                    {
                        (self.events)(LatticeEvent::Client {
                            url: self.url.clone(),
                            what: format!("cannot read the lattice's revocations again: {why}"),
                        });
                    }
                }
            }
        }
    }

    /// How many messages were rejected, per code (codes with none are absent).
    pub fn counts(&self) -> BTreeMap<&'static str, u64> {
        self.counts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn connected(&self) -> Result<(), RequestError> {
        if self.client.connection_state() != async_nats::connection::State::Connected {
            return Err(RequestError::NotConnected {
                url: self.url.clone(),
            });
        }
        Ok(())
    }

    fn headers(token: String) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(INVOCATION_HEADER, token.as_str());
        headers
    }

    /// Publishes `body` on `subject`, signed as sent by `origin_actor` on this host.
    pub async fn publish(
        &self,
        origin_actor: Option<&str>,
        subject: &str,
        body: &[u8],
    ) -> Result<String, RequestError> {
        self.send(origin_actor, subject, None, body).await
    }

    /// Publishes a reply to the request `in_reply_to` on its reply subject `to`.
    pub async fn reply(
        &self,
        origin_actor: Option<&str>,
        to: &str,
        in_reply_to: &str,
        body: &[u8],
    ) -> Result<String, RequestError> {
        self.send(origin_actor, to, Some(in_reply_to), body).await
    }

    async fn send(
        &self,
        origin_actor: Option<&str>,
        subject: &str,
        in_reply_to: Option<&str>,
        body: &[u8],
    ) -> Result<String, RequestError> {
        self.connected()?;
        let signed = self.signing()?.sign(
            Outgoing {
                origin_actor,
                target: subject,
                reply: None,
                in_reply_to,
                body,
            },
            crate::time::now(),
        )?;
        if let Some(renewal) = signed.renewal {
            (self.events)(LatticeEvent::Renewal(renewal));
        }
        self.client
            .publish_with_headers(
                subject.to_string(),
                Self::headers(signed.token),
                Bytes::copy_from_slice(body),
            )
            .await
            .map_err(|e| RequestError::Publish {
                subject: subject.to_string(),
                why: e.to_string(),
            })?;
        Ok(signed.jti)
    }

    /// Sends a signed request and waits up to `timeout` for a reply that passes every check.
    pub async fn request(
        &self,
        origin_actor: Option<&str>,
        subject: &str,
        body: &[u8],
        timeout: Duration,
    ) -> Result<Reply, RequestError> {
        self.connected()?;
        let id = self.next_request.fetch_add(1, Ordering::Relaxed);
        let inbox = format!("{}.{id}", self.inbox_prefix);
        let signed = self.signing()?.sign(
            Outgoing {
                origin_actor,
                target: subject,
                reply: Some(&inbox),
                in_reply_to: None,
                body,
            },
            crate::time::now(),
        )?;
        if let Some(renewal) = signed.renewal {
            (self.events)(LatticeEvent::Renewal(renewal));
        }
        let (tx, rx) = oneshot::channel();
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                id,
                Pending {
                    awaited: Arc::new(AwaitedReply::new(signed.jti)),
                    tx: Some(tx),
                },
            );
        let _guard = PendingGuard { lattice: self, id };
        self.client
            .publish_with_reply_and_headers(
                subject.to_string(),
                inbox,
                Self::headers(signed.token),
                Bytes::copy_from_slice(body),
            )
            .await
            .map_err(|e| RequestError::Publish {
                subject: subject.to_string(),
                why: e.to_string(),
            })?;
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) | Err(_) => Err(RequestError::TimedOut {
                subject: subject.to_string(),
                after: timeout,
            }),
        }
    }

    /// Subscribes to `subject`, in the queue group `queue` when given (hosts running the same
    /// actor share its messages).
    pub async fn subscribe(
        &self,
        subject: &str,
        queue: Option<&str>,
    ) -> anyhow::Result<Subscription> {
        let inner = match queue {
            Some(queue) => {
                self.client
                    .queue_subscribe(subject.to_string(), queue.to_string())
                    .await
            }
            None => self.client.subscribe(subject.to_string()).await,
        }
        .map_err(|e| anyhow::anyhow!("cannot subscribe to {subject}: {e}"))?;
        Ok(Subscription {
            subject: subject.to_string(),
            inner,
        })
    }

    /// Checks a message from a subscription. A rejection is counted and reported here.
    pub async fn check(&self, message: &Message) -> Result<CheckedInvocation, LatticeRejection> {
        let tokens = tokens_of(message);
        let incoming = Incoming {
            subject: message.subject.as_str(),
            reply: message.reply.as_ref().map(|r| r.as_str()),
            tokens: &tokens,
            body: &message.payload,
        };
        let result =
            verify_invocation(&incoming, &self.trust, &self.replay, crate::time::now()).await;
        if let Err(rejection) = &result {
            self.reject("message", message.subject.as_str(), rejection.clone());
        }
        result
    }

    /// Counts a rejection and reports it.
    pub fn reject(&self, kind: &'static str, subject: &str, rejection: LatticeRejection) {
        let count = {
            let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            let n = counts.entry(rejection.code()).or_insert(0);
            *n += 1;
            *n
        };
        (self.events)(LatticeEvent::Rejected {
            kind,
            subject: subject.to_string(),
            rejection,
            count,
        });
    }

    /// Reads this host's inbox: each reply is checked against the request waiting for it.
    async fn receive_replies(self: Arc<Self>, mut inbox: async_nats::Subscriber) {
        // Checked in this task, one after another: a reply's check is CPU work only (no
        // replay claim to wait for, see `AwaitedReply`), and a task per reply cost a wake-up
        // of another worker per round trip.
        while let Some(message) = inbox.next().await {
            self.on_reply(message);
        }
    }

    fn on_reply(&self, message: Message) {
        let subject = message.subject.as_str();
        let id = subject
            .strip_prefix(self.inbox_prefix.as_str())
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|id| id.parse::<u64>().ok());
        let waiting = id.and_then(|id| {
            self.pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&id)
                .map(|p| Arc::clone(&p.awaited))
        });
        let (Some(id), Some(awaited)) = (id, waiting) else {
            self.reject(
                "reply",
                subject,
                LatticeRejection::BadReply(
                    "no request of this host waits for this reply (it was answered, timed out, or never sent)"
                        .into(),
                ),
            );
            return;
        };
        if message.status == Some(StatusCode::NO_RESPONDERS) {
            // Anyone can publish a "no responders" status to this inbox: it is unsigned, so it
            // neither answers nor cuts the request short; the request waits for a checked reply
            // until its timeout.
            return;
        }
        let tokens = tokens_of(&message);
        let incoming = Incoming {
            subject,
            reply: message.reply.as_ref().map(|r| r.as_str()),
            tokens: &tokens,
            body: &message.payload,
        };
        match verify_reply(&incoming, &awaited, &self.trust, crate::time::now()) {
            Ok(ReplyVerdict::Answer(checked)) => self.answer(id, Ok(checked)),
            Ok(ReplyVerdict::AlreadyAnswered) => {}
            Err(rejection) => self.reject("reply", subject, rejection),
        }
    }

    fn answer(&self, id: u64, answer: Result<CheckedInvocation, RequestError>) {
        let tx = self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&id)
            .and_then(|p| p.tx.take());
        if let Some(tx) = tx {
            let _ = tx.send(answer);
        }
    }

    /// Waits until everything published so far has reached the server (or `within` passed).
    pub async fn flush(&self, within: Duration) -> Result<(), RequestError> {
        match tokio::time::timeout(within, self.client.flush()).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(RequestError::NotConnected {
                url: self.url.clone(),
            }),
        }
    }
}

/// Connects a client for a one-shot command (`wzt lattice revoke`): no lattice node, the same
/// connection settings and errors.
pub(super) async fn connect_client(
    connection: &NatsConnection,
    name: &str,
) -> anyhow::Result<async_nats::Client> {
    let url = connection.url();
    let options = connection
        .options()?
        .name(name)
        .connection_timeout(Duration::from_secs(5));
    tokio::time::timeout(CONNECT_TIMEOUT, options.connect(url))
        .await
        .map_err(|_| {
            anyhow::anyhow!(
                "cannot connect to the lattice at {url}: no answer in {CONNECT_TIMEOUT:?}"
            )
        })?
        .map_err(|e| anyhow::anyhow!(connection.connect_failed(&e)))
}

/// Every value of the invocation header.
fn tokens_of(message: &Message) -> Vec<&str> {
    message
        .headers
        .as_ref()
        .map(|h| h.get_all(INVOCATION_HEADER).map(|v| v.as_str()).collect())
        .unwrap_or_default()
}
