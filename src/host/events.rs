//! What a running actor reports (docs/design.md §6): one typed event stream that the stderr
//! printer, the trace file and the console all read. The host and the [`super::Runner`] never
//! print; they hand every [`HostEvent`] to the [`EventSink`] their caller gave them.
//!
//! Every string in an event that came from the guest, a client, a peer or an artifact is kept
//! raw (JSON consumers get it as it was) and escaped by the event's `Display`.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::providers::{CapCall, LogLevel};
use crate::text::{Untrusted as U, escape_lines};

/// Something the host reports while it runs an actor.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HostEvent {
    /// An HTTP request was answered (reported only when the host is asked to:
    /// `HostOptions::report_requests`).
    Request(RequestRecord),
    /// The guest trapped (or failed) during an invocation; the host keeps serving.
    Trap {
        /// The invocation's id (`RequestRecord::id`, `CapCall::invocation`), when it has one.
        invocation_id: Option<u64>,
        invocation: String,
        /// The error with the guest's backtrace (function names when the name section is there).
        error: String,
        /// The last lines the guest wrote to stderr.
        stderr_tail: Vec<String>,
    },
    /// The invocation ran past the deadline and was stopped.
    Timeout {
        invocation_id: Option<u64>,
        invocation: String,
        #[serde(rename = "after_ms", serialize_with = "millis")]
        after: Duration,
        /// The response head had been sent: the client sees the body cut off, not a 500.
        response_started: bool,
        stderr_tail: Vec<String>,
    },
    /// A line the guest wrote to stdout or stderr during an HTTP invocation or a delivery.
    GuestOutput {
        invocation_id: Option<u64>,
        stream: &'static str,
        line: String,
    },
    /// A `wasi:logging` line at or above the configured level.
    Log {
        invocation_id: Option<u64>,
        level: LogLevel,
        actor: String,
        context: String,
        message: String,
    },
    /// The actor published a message (recorded; there is no broker).
    Published {
        actor: String,
        subject: String,
        body: String,
    },
    /// A capability call the provider refused (a host not allowed, no matching fixture).
    Denied {
        actor: String,
        what: String,
        why: String,
    },
    /// A message was delivered to the actor's handler, which did not take it: the handler
    /// returned an error (`handler_error`), or the invocation trapped or timed out (reported
    /// on its own too).
    DeliveryFailed {
        subject: String,
        why: String,
        handler_error: bool,
    },
    /// A traced capability call (`--trace-caps`, a trace file, the console).
    CapCall(CapCall),
    /// Something on the lattice: a rejected message, a lost or regained connection.
    Lattice(#[serde(serialize_with = "lattice_event")] crate::lattice::LatticeEvent),
    /// A new version of the actor replaced the running one (`wzt dev`).
    Reloaded {
        old_hash: String,
        new_hash: String,
        #[serde(rename = "elapsed_ms", serialize_with = "millis")]
        elapsed: Duration,
        cache: super::CacheStatus,
    },
    /// The dev loop's builds (`wzt dev`).
    Build(BuildEvent),
}

/// One answered HTTP request.
#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    /// Unique within the run; the capability calls the request made carry it.
    pub id: u64,
    pub method: String,
    /// The request target as the client sent it (path and query).
    pub path: String,
    /// The response status, or 500 when the actor failed.
    pub status: u16,
    #[serde(rename = "duration_us")]
    pub duration_us: u64,
    pub request_headers: Vec<(String, String)>,
    pub response_headers: Vec<(String, String)>,
}

/// What the dev loop reports about builds.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "build", rename_all = "snake_case")]
pub enum BuildEvent {
    /// A watched file changed (the first one, relative to the project); a rebuild starts.
    Changed { path: String },
    /// A build started (the command that runs).
    Started { command: String },
    /// The build (and signing) succeeded.
    Built {
        #[serde(rename = "elapsed_ms", serialize_with = "millis")]
        elapsed: Duration,
    },
    /// The build failed; the last good version keeps running. `output` is what to show
    /// (the compiler's output).
    Failed { output: String },
    /// The rebuilt code and claims are what is running already: nothing was swapped.
    Unchanged,
    /// The build failed, but `wzt.toml`'s claims changed: the running code was signed again
    /// with them and is swapped in (a capability the file no longer grants is not kept).
    Resigned,
    /// A command actor ran after a good build and exited with this code.
    CommandExited { code: i32 },
    /// A command actor trapped or ran past its deadline.
    CommandFailed { error: String },
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

fn lattice_event<S: serde::Serializer>(
    event: &crate::lattice::LatticeEvent,
    s: S,
) -> Result<S::Ok, S::Error> {
    use crate::lattice::LatticeEvent as L;
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(None)?;
    match event {
        L::Rejected {
            kind,
            subject,
            rejection,
            count,
        } => {
            map.serialize_entry("event", "rejected")?;
            map.serialize_entry("message_kind", kind)?;
            map.serialize_entry("subject", subject)?;
            map.serialize_entry("code", rejection.code())?;
            map.serialize_entry("why", &rejection.to_string())?;
            map.serialize_entry("count", count)?;
        }
        L::Disconnected { url } => {
            map.serialize_entry("event", "disconnected")?;
            map.serialize_entry("url", url)?;
        }
        L::Reconnected { url } => {
            map.serialize_entry("event", "reconnected")?;
            map.serialize_entry("url", url)?;
        }
        L::Client { url, what } => {
            map.serialize_entry("event", "client")?;
            map.serialize_entry("url", url)?;
            map.serialize_entry("what", what)?;
        }
        L::Revoked {
            revocation,
            this_host,
        } => {
            map.serialize_entry("event", "revoked")?;
            map.serialize_entry("kind", revocation.kind.as_str())?;
            map.serialize_entry("subject", &revocation.subject)?;
            map.serialize_entry("jti", &revocation.jti)?;
            map.serialize_entry("cluster", &revocation.cluster)?;
            map.serialize_entry("reason", &revocation.reason)?;
            map.serialize_entry("this_host", this_host)?;
        }
        L::Renewal(crate::lattice::Renewal::Renewed { source, until }) => {
            map.serialize_entry("event", "renewed")?;
            map.serialize_entry("source", source)?;
            map.serialize_entry("until", until)?;
        }
        L::Renewal(crate::lattice::Renewal::NotRenewed {
            source,
            why,
            expires,
        }) => {
            map.serialize_entry("event", "not_renewed")?;
            map.serialize_entry("source", source)?;
            map.serialize_entry("why", why)?;
            map.serialize_entry("expires", expires)?;
        }
        L::RevocationIgnored { key, why, count } => {
            map.serialize_entry("event", "revocation_ignored")?;
            map.serialize_entry("key", key)?;
            map.serialize_entry("why", why)?;
            map.serialize_entry("count", count)?;
        }
    }
    map.end()
}

impl std::fmt::Display for HostEvent {
    /// The event as `wzt run` prints it on stderr. Everything that came from the guest or a
    /// client (names, lines, subjects, backtraces) is escaped ([`crate::text`]); a multi-line
    /// error keeps its lines, each indented.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn tail(f: &mut std::fmt::Formatter<'_>, lines: &[String]) -> std::fmt::Result {
            if !lines.is_empty() {
                write!(f, "\n  last stderr lines of the actor:")?;
                for line in lines {
                    write!(f, "\n    {}", U(line))?;
                }
            }
            Ok(())
        }
        match self {
            HostEvent::Request(r) => write!(
                f,
                "{} {} {} {:.1} ms",
                U(&r.method),
                U(&r.path),
                r.status,
                r.duration_us as f64 / 1000.0
            ),
            HostEvent::Log {
                level,
                actor,
                context,
                message,
                ..
            } => write!(
                f,
                "[log] {} {} {}: {}",
                level.as_str(),
                U(actor),
                U(context),
                U(message)
            ),
            HostEvent::Published {
                actor,
                subject,
                body,
            } => write!(
                f,
                "[msg] {} published on {}: {}",
                U(actor),
                U(subject),
                U(body)
            ),
            HostEvent::Denied { actor, what, why } => {
                write!(f, "wzt: denied {} {}: {}", U(actor), U(what), U(why))
            }
            HostEvent::CapCall(call) => write!(
                f,
                "[trace] {} {}({}) -> {} ({} µs){}",
                U(&call.actor),
                U(&call.call),
                U(&call.args),
                U(&call.result),
                call.duration_us,
                if call.denied { " DENIED" } else { "" }
            ),
            HostEvent::DeliveryFailed {
                subject,
                why,
                handler_error: true,
            } => write!(
                f,
                "wzt: the handler failed the message on {}: {}",
                U(subject),
                U(why)
            ),
            HostEvent::DeliveryFailed { subject, why, .. } => write!(
                f,
                "wzt: message on {}: {}",
                U(subject),
                escape_lines(why, "    ")
            ),
            HostEvent::GuestOutput { stream, line, .. } => write!(f, "[{stream}] {}", U(line)),
            // Its Display escapes what came from the network.
            HostEvent::Lattice(event) => write!(f, "{event}"),
            HostEvent::Trap {
                invocation,
                error,
                stderr_tail,
                ..
            } => {
                write!(
                    f,
                    "wzt: {} trapped (answered 500; still serving):",
                    U(invocation)
                )?;
                if !error.is_empty() {
                    write!(f, "\n    {}", escape_lines(error, "    "))?;
                }
                tail(f, stderr_tail)
            }
            HostEvent::Timeout {
                invocation,
                after,
                response_started,
                stderr_tail,
                ..
            } => {
                let answer = if *response_started {
                    "its response was cut off"
                } else {
                    "answered 500"
                };
                write!(
                    f,
                    "wzt: {} stopped after {after:.1?}: it ran past --timeout ({answer}; still serving)",
                    U(invocation)
                )?;
                tail(f, stderr_tail)
            }
            HostEvent::Reloaded { elapsed, cache, .. } => {
                if let super::CacheStatus::Replaced(why) = cache {
                    writeln!(
                        f,
                        "wzt dev: refused the compile cache entry ({why}); compiled again and replaced it"
                    )?;
                }
                write!(f, "wzt dev: reloaded in {elapsed:.1?}")
            }
            HostEvent::Build(event) => write!(f, "{event}"),
        }
    }
}

impl std::fmt::Display for BuildEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildEvent::Changed { path } => write!(f, "wzt dev: {} changed; rebuilding", U(path)),
            BuildEvent::Started { command } => write!(f, "wzt dev: building: {}", U(command)),
            BuildEvent::Built { elapsed } => {
                write!(f, "wzt dev: built and signed in {elapsed:.1?}")
            }
            // The compiler's output: lines kept, each escaped.
            BuildEvent::Failed { output } => write!(
                f,
                "wzt dev: {}\nwzt dev: still running the last good version",
                escape_lines(output, "")
            ),
            BuildEvent::Unchanged => {
                write!(f, "wzt dev: the rebuilt code is unchanged; kept running")
            }
            BuildEvent::Resigned => write!(
                f,
                "wzt dev: wzt.toml's claims changed: the last good code is signed again with them and swapped in"
            ),
            BuildEvent::CommandExited { code } => {
                write!(f, "wzt dev: the command exited with {code}")
            }
            // A trap, with the guest's backtrace (its function names).
            BuildEvent::CommandFailed { error } => {
                write!(f, "wzt dev: {}", escape_lines(error, "    "))
            }
        }
    }
}

/// Where host events go.
pub type EventSink = Arc<dyn Fn(HostEvent) + Send + Sync>;
