//! The one way from an admitted actor to a running one (docs/design.md §6): a [`Runner`] is
//! built from an [`Admitted`], the host's options, the providers' settings and, optionally, a
//! lattice to join; it serves HTTP, answers one in-process request, runs a command, delivers
//! messages and serves lattice subscriptions, swaps its actor for a new version (`wzt dev`),
//! and reports everything as [`HostEvent`]s. `wzt run`, `wzt dev` and a library caller all go
//! through it; nothing here prints.

use std::sync::{Arc, RwLock};
use std::time::Instant;

use anyhow::Context as _;
use serde::Serialize;

use super::http::{ActorSlot, CollectedResponse};
use super::providers::messaging::LatticeLink;
use super::providers::{ActorIdentity, ProviderSettings, Providers, Tracer, keyvalue};
use super::{
    Actor, CacheStatus, Delivery, EntryPoint, EventSink, Host, HostEvent, HostOptions, LoadError,
};
use crate::caps::{Capability, Grants};
use crate::lattice::{Lattice, LatticeConfig, LatticeEvent, Subscription};
use crate::verify::Admitted;

/// Lattice rejections of one code reported in full; after that, one event per 1000 (a flood of
/// forged messages must not become a flood of events).
const REPORTED_PER_CODE: u64 = 20;

/// What a [`Runner`] is built from, besides the actor.
pub struct RunnerConfig {
    /// The actor's name in events, the startup summary and argv[0] of a command.
    pub name: String,
    pub host: HostOptions,
    pub providers: ProviderSettings,
    /// The lattice to join. It is joined only when the actor is granted `msg` (one without it
    /// neither sends nor receives); its `events` are replaced by the runner's own.
    pub lattice: Option<LatticeConfig>,
    /// The actor may be swapped for versions with other grants (`wzt dev`): providers are made
    /// for every capability, not only the first version's.
    pub reloadable: bool,
}

/// An actor running in the embedded host.
pub struct Runner {
    host: Arc<Host>,
    providers: Arc<Providers>,
    slot: Arc<ActorSlot>,
    admitted: RwLock<Admitted>,
    lattice: Option<Arc<Lattice>>,
    events: EventSink,
    name: String,
}

/// How the runner started, for the startup block, `--json` and the console.
#[derive(Debug, Clone, Serialize)]
pub struct Startup {
    pub actor: String,
    pub version: Option<String>,
    /// `HTTP component`, `command component`, `preview 1 module`, `messaging component`.
    pub kind: &'static str,
    /// `None` for an unsigned actor admitted under `allow_unsigned`.
    pub issuer: Option<String>,
    pub subject: Option<String>,
    pub module_hash: String,
    pub caps: Grants,
    /// The signed per-resource scopes, as a token carries them.
    pub scopes: std::collections::BTreeMap<String, Vec<String>>,
    /// One line per scopeable grant (`Scopes::summary`).
    pub scope_lines: Vec<String>,
    pub pooling: bool,
    pub cache: CacheStatus,
    /// Why the configured compile cache is not used, if it is not.
    pub cache_error: Option<String>,
    /// `(label, text)` lines of the granted providers (`kv`, `log`).
    pub providers: Vec<(&'static str, String)>,
    pub max_memory: u64,
    #[serde(serialize_with = "millis")]
    pub timeout: std::time::Duration,
    pub max_concurrent: usize,
}

fn millis<S: serde::Serializer>(d: &std::time::Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis().min(u64::MAX as u128) as u64)
}

impl Runner {
    /// Loads `admitted` into a new host: providers made, the lattice joined (when configured
    /// and the actor is granted `msg`), the actor compiled (or loaded from the cache), checked
    /// against its grants and pre-instantiated. Nothing runs yet.
    pub async fn start(
        admitted: Admitted,
        config: RunnerConfig,
        events: EventSink,
    ) -> Result<Runner, LoadError> {
        let host = Arc::new(Host::new(config.host).map_err(LoadError::Unusable)?);
        let granted = admitted.grants().clone();
        let tracer = Arc::new(
            config
                .providers
                .trace
                .tracer()
                .map_err(LoadError::Unusable)?,
        );
        let lattice = match config.lattice {
            Some(mut lattice) if granted.contains(Capability::Messaging) => {
                lattice.events = lattice_events(
                    config.name.clone(),
                    Arc::clone(&tracer),
                    Arc::clone(&events),
                );
                Some(
                    Lattice::connect(lattice)
                        .await
                        .map_err(LoadError::Unusable)?,
                )
            }
            _ => None,
        };
        let link = lattice.as_ref().map(|lattice| LatticeLink {
            lattice: Arc::clone(lattice),
            origin: admitted.claims().map(|c| c.subject.clone()),
        });
        let provided: Grants = if config.reloadable {
            Capability::ALL.into_iter().collect()
        } else {
            granted
        };
        let identity = ActorIdentity {
            name: config.name.clone(),
            namespace: keyvalue::namespace_of(&admitted),
        };
        let providers = Arc::new(
            Providers::new(
                config.providers,
                identity,
                &provided,
                tracer,
                Arc::clone(&events),
                link,
            )
            .map_err(LoadError::Unusable)?,
        );
        let actor = Arc::new(Actor::load(&host, &admitted, Arc::clone(&providers))?);
        Ok(Runner {
            host,
            providers,
            slot: Arc::new(ActorSlot::new(actor)),
            admitted: RwLock::new(admitted),
            lattice,
            events,
            name: config.name,
        })
    }

    /// The actor running now.
    pub fn actor(&self) -> Arc<Actor> {
        self.slot.current()
    }

    /// The admitted version running now.
    pub fn admitted(&self) -> Admitted {
        self.admitted
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn entry_point(&self) -> EntryPoint {
        self.actor().entry_point()
    }

    pub fn host(&self) -> &Host {
        &self.host
    }

    /// Read-only access to the key-value store the actor's calls reach (the console); `None`
    /// when no store is open (`kv` not granted).
    pub fn key_value(&self) -> Option<keyvalue::KvReader> {
        match self.providers.kv_store {
            keyvalue::KvStore::Unused(_) => None,
            _ => Some(keyvalue::KvReader::new(Arc::clone(&self.providers.kv))),
        }
    }

    /// The lattice this runner joined, if it did.
    pub fn lattice(&self) -> Option<&Arc<Lattice>> {
        self.lattice.as_ref()
    }

    /// What is running, and how.
    pub fn startup(&self) -> Startup {
        let actor = self.actor();
        let admitted = self.admitted();
        let claims = admitted.claims();
        let options = self.host.options();
        Startup {
            actor: self.name.clone(),
            version: claims.and_then(|c| c.metadata.ver.clone()),
            kind: match actor.entry_point() {
                EntryPoint::Http => "HTTP component",
                EntryPoint::Command => "command component",
                EntryPoint::Preview1 => "preview 1 module",
                EntryPoint::Messaging => "messaging component",
            },
            issuer: claims.map(|c| c.issuer.clone()),
            subject: claims.map(|c| c.subject.clone()),
            module_hash: admitted.module_hash().to_string(),
            caps: admitted.grants().clone(),
            scopes: admitted.scopes().to_wire(),
            scope_lines: admitted.scopes().summary(admitted.grants()),
            pooling: self.host.pooling(),
            cache: actor.cache.clone(),
            cache_error: self.host.cache_error().map(|e| e.to_string()),
            providers: self.providers.describe(admitted.grants()),
            max_memory: options.max_memory,
            timeout: options.timeout,
            max_concurrent: options.max_concurrent,
        }
    }

    /// Serves the actor over HTTP on `listener` until `shutdown`; then in-flight requests get
    /// up to `http::SHUTDOWN_GRACE`. Returns whether all finished. A swap during serving
    /// takes effect for the next request.
    pub async fn serve_http(
        &self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> anyhow::Result<bool> {
        super::http::serve(Arc::clone(&self.slot), listener, shutdown).await
    }

    /// Sends one request to the actor in-process and reads the whole response.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: bytes::Bytes,
    ) -> anyhow::Result<CollectedResponse> {
        super::http::request_once(&self.actor(), method, path, headers, body).await
    }

    /// Runs a command actor once with the process's stdio; its exit code.
    pub async fn run_command(&self) -> anyhow::Result<i32> {
        self.actor().run_command().await
    }

    /// Delivers one message to the actor's `wasmcloud:messaging/handler`. `Ok(Err(_))` is the
    /// handler's own error; `Err(_)` a trap or timeout (reported as an event too).
    pub async fn deliver(&self, subject: &str, body: &[u8]) -> anyhow::Result<Delivery> {
        self.actor().deliver(subject, body).await
    }

    /// Subscribes to `subjects` on the lattice through the actor's queue group and delivers
    /// what passes every check to its handler, at most `max_concurrent` at once, until the
    /// returned guard is dropped. Messages that fail a check are counted and reported as
    /// lattice events; the actor never sees them.
    pub async fn serve_subscriptions(
        &self,
        subjects: &[String],
    ) -> anyhow::Result<Option<LatticeServing>> {
        let Some(lattice) = &self.lattice else {
            return Ok(None);
        };
        if subjects.is_empty() {
            return Ok(None);
        }
        let scopes = self.admitted().scopes().clone();
        let kind = crate::scopes::ScopeKind::MsgSubscribe;
        for subject in subjects {
            if !scopes.check_within(kind, subject).allowed() {
                anyhow::bail!(
                    "--subscribe {} is outside the actor's signed scope msg.subscribe ({}): flags can only narrow what was signed; re-sign with --scope msg.subscribe={}",
                    crate::text::escape(subject),
                    scopes.describe(kind),
                    crate::text::escape(subject)
                );
            }
        }
        let queue = self.queue_group().expect("joined");
        let mut subscriptions = Vec::new();
        for subject in subjects {
            subscriptions.push(lattice.subscribe(subject, Some(&queue)).await?);
        }
        let task = tokio::spawn(deliver_subscriptions(
            Arc::clone(lattice),
            Arc::clone(&self.slot),
            subscriptions,
            self.host.options().max_concurrent,
            Arc::clone(&self.events),
        ));
        Ok(Some(LatticeServing {
            task: task.abort_handle(),
        }))
    }

    /// The queue group of the actor's subscriptions: the lattice name and the actor's subject
    /// key, so that hosts running the same actor on the same lattice share its messages, and
    /// neither different actors nor hosts of another lattice on the same server take them (an
    /// unsigned actor: its module hash). `None` off the lattice.
    pub fn queue_group(&self) -> Option<String> {
        let lattice = self.lattice.as_ref()?.trust().lattice().to_string();
        let admitted = self.admitted();
        Some(match admitted.claims() {
            Some(claims) => format!("wzt.{lattice}.{}", claims.subject),
            None => format!("wzt.{lattice}.unsigned.{}", admitted.module_hash()),
        })
    }

    /// Loads `admitted` and makes it the running version: requests that started finish on the
    /// old one. Reports [`HostEvent::Reloaded`].
    pub fn swap(&self, admitted: Admitted) -> Result<Arc<Actor>, LoadError> {
        let started = Instant::now();
        let actor = Arc::new(Actor::load(
            &self.host,
            &admitted,
            Arc::clone(&self.providers),
        )?);
        let old_hash = {
            let mut current = self.admitted.write().unwrap_or_else(|e| e.into_inner());
            let old = current.module_hash().to_string();
            *current = admitted;
            old
        };
        self.slot.replace(Arc::clone(&actor));
        (self.events)(HostEvent::Reloaded {
            old_hash,
            new_hash: self.admitted().module_hash().to_string(),
            elapsed: started.elapsed(),
            cache: actor.cache.clone(),
        });
        Ok(actor)
    }

    /// Ends the run: writes what the providers leave behind (`--kv-dump`), and returns the
    /// lattice's rejection counts by code (empty off the lattice).
    /// Waits (at most 5 s) until what the actor published on the lattice has left for the
    /// server: a one-shot run (`--request`, a command) must not exit with its messages still
    /// in the client's buffer. Nothing to do off the lattice.
    pub async fn flush_lattice(&self) -> anyhow::Result<()> {
        if let Some(lattice) = &self.lattice {
            lattice
                .flush(std::time::Duration::from_secs(5))
                .await
                .context("the lattice did not take the actor's last messages")?;
        }
        Ok(())
    }

    pub fn finish(&self) -> anyhow::Result<Vec<(&'static str, u64)>> {
        self.providers.finish()?;
        Ok(self
            .lattice
            .as_ref()
            .map(|l| l.counts().into_iter().collect())
            .unwrap_or_default())
    }
}

/// Lattice subscriptions being served; dropping it stops them.
pub struct LatticeServing {
    task: tokio::task::AbortHandle,
}

impl Drop for LatticeServing {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Lattice events as host events: rejections of one code (and ignored revocations) reported
/// in full up to [`REPORTED_PER_CODE`], then one per 1000; each rejection also traced as a denied
/// `lattice.<kind>` call.
fn lattice_events(
    actor: String,
    tracer: Arc<Tracer>,
    events: EventSink,
) -> crate::lattice::LatticeEvents {
    Arc::new(move |event: LatticeEvent| {
        if let LatticeEvent::Rejected {
            kind,
            subject,
            rejection,
            count,
        } = &event
        {
            if tracer.enabled() {
                tracer.record(
                    &events,
                    super::providers::CapCall {
                        actor: actor.clone(),
                        invocation: None,
                        call: format!("lattice.{kind}"),
                        resource: None,
                        args: subject.clone(),
                        result: format!("{}: {rejection}", rejection.code()),
                        duration_us: 0,
                        denied: true,
                    },
                );
            }
            if *count > REPORTED_PER_CODE && count % 1000 != 0 {
                return;
            }
        }
        // Revocations not signed by a trusted cluster key: counted the same way.
        if let LatticeEvent::RevocationIgnored { count, .. } = &event
            && *count > REPORTED_PER_CODE
            && count % 1000 != 0
        {
            return;
        }
        events(HostEvent::Lattice(event));
    })
}

/// Delivers the messages of `subscriptions` that pass every check to the current actor's
/// handler, at most `concurrency` at once.
async fn deliver_subscriptions(
    lattice: Arc<Lattice>,
    slot: Arc<ActorSlot>,
    subscriptions: Vec<Subscription>,
    concurrency: usize,
    events: EventSink,
) {
    let permits = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for mut subscription in subscriptions {
        let (lattice, slot, permits, events) = (
            Arc::clone(&lattice),
            Arc::clone(&slot),
            Arc::clone(&permits),
            Arc::clone(&events),
        );
        tasks.spawn(async move {
            while let Some(message) = subscription.next().await {
                let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                    break;
                };
                let (lattice, actor, events) =
                    (Arc::clone(&lattice), slot.current(), Arc::clone(&events));
                tokio::spawn(async move {
                    let _permit = permit;
                    let Ok(checked) = lattice.check(&message).await else {
                        return;
                    };
                    let subject = checked.subject().to_string();
                    let outcome = actor.deliver_checked(&checked).await;
                    if let Some(event) = delivery_event(&subject, &outcome) {
                        events(event);
                    }
                });
            }
        });
    }
    while tasks.join_next().await.is_some() {}
}

/// The event of a delivery the handler did not take (`None` when it did, or when it was denied:
/// the denial was reported already).
pub fn delivery_event(subject: &str, outcome: &anyhow::Result<Delivery>) -> Option<HostEvent> {
    let (why, handler_error) = match outcome {
        Ok(Delivery::Handled | Delivery::Denied) => return None,
        Ok(Delivery::HandlerFailed(handler_error)) => (handler_error.clone(), true),
        Err(e) => (format!("{e:#}"), false),
    };
    Some(HostEvent::DeliveryFailed {
        subject: subject.to_string(),
        why,
        handler_error,
    })
}
