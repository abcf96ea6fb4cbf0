//! `wzt lattice`: endorse a host key, and publish, request or watch on a lattice as a host
//! would, signed and checked the same way.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use serde_json::json;

use super::lattice_args::LatticeArgs;
use super::output::{self, escape};
use super::{Ctx, Outcome, keysource};
use crate::keys::KeyRole;
use crate::lattice::{self, Lattice, LatticeConfig, LatticeEvent, ReplayScope, RequestError};

/// Work with a lattice: endorse hosts, and publish, request or watch messages.
///
/// Hosts (`wzt run ACTOR --lattice nats://HOST:PORT`) sign every message with their server key,
/// endorsed by a cluster key, and check every message they receive. These commands do the same
/// from the command line.
#[derive(Debug, Args)]
pub struct Opts {
    #[command(subcommand)]
    command: LatticeCommand,
}

#[derive(Debug, Subcommand)]
enum LatticeCommand {
    Endorse(EndorseOpts),
    Pub(PubOpts),
    Request(RequestOpts),
    Sub(SubOpts),
}

/// Endorse a host's server key with a cluster key, for a host that must not hold the cluster
/// seed: start it with `wzt run … --host-key NAME --endorsement FILE`.
#[derive(Debug, Args)]
struct EndorseOpts {
    /// The host's server public key (N…): `wzt keys show NAME` on the host.
    #[arg(value_name = "HOST_PUBKEY")]
    host: String,
    /// The cluster key (store name, generated on first use) that signs [default: cluster].
    #[arg(long, value_name = "NAME")]
    cluster_key: Option<String>,
    /// The lattice the endorsement is for.
    #[arg(long, default_value = lattice::DEFAULT_LATTICE, value_name = "NAME")]
    lattice_name: String,
    /// How long the endorsement is valid, e.g. 12h, 7d.
    #[arg(long, default_value = "24h", value_name = "DURATION")]
    expires: String,
    /// Write the endorsement to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Publish one signed message.
#[derive(Debug, Args)]
struct PubOpts {
    subject: String,
    /// The body: text, or @FILE.
    #[arg(long, short = 'd', value_name = "TEXT|@FILE", default_value = "")]
    data: String,
    #[command(flatten)]
    lattice: LatticeArgs,
}

/// Send one signed request and print the reply that passes every check (exit 1 when none
/// comes in time).
#[derive(Debug, Args)]
struct RequestOpts {
    subject: String,
    /// The body: text, or @FILE.
    #[arg(long, short = 'd', value_name = "TEXT|@FILE", default_value = "")]
    data: String,
    /// How long to wait for a valid reply.
    #[arg(long, default_value = "5s", value_name = "DURATION")]
    timeout: String,
    #[command(flatten)]
    lattice: LatticeArgs,
}

/// Watch a subject: print each message with its origin actor and host and the verdict of
/// every check, without delivering anything (token ids are checked for replays by this
/// process only, so watching never takes an id from the hosts that will receive it).
#[derive(Debug, Args)]
struct SubOpts {
    subject: String,
    /// Stop after this many messages.
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// Stop after this long, e.g. 10s.
    #[arg(long = "for", value_name = "DURATION")]
    duration: Option<String>,
    #[command(flatten)]
    lattice: LatticeArgs,
}

impl Opts {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        match self.command {
            LatticeCommand::Endorse(o) => o.run(ctx),
            LatticeCommand::Pub(o) => o.run(ctx),
            LatticeCommand::Request(o) => o.run(ctx),
            LatticeCommand::Sub(o) => o.run(ctx),
        }
    }
}

fn body_of(data: &str) -> anyhow::Result<Vec<u8>> {
    output::data_arg(data)
}

/// Prints lattice events other than rejections (the commands report those themselves).
fn print_connection_events(event: LatticeEvent) {
    if !matches!(event, LatticeEvent::Rejected { .. }) {
        eprintln!("{event}");
    }
}

fn connect(
    runtime: &tokio::runtime::Runtime,
    args: &LatticeArgs,
    ctx: &Ctx,
    signing: bool,
    what: &str,
) -> anyhow::Result<Arc<Lattice>> {
    let signer = if signing {
        Some(args.signer(ctx)?)
    } else {
        None
    };
    let config = LatticeConfig {
        url: args.url(),
        signer,
        trust: args.trust(ctx)?,
        replay: if signing {
            ReplayScope::Lattice
        } else {
            ReplayScope::Local
        },
        client_name: format!("wzt lattice {what}"),
        events: Arc::new(print_connection_events),
    };
    let lattice = runtime.block_on(Lattice::connect(config))?;
    if signing && let Some(note) = lattice.replay_note() {
        eprintln!("wzt: warning: {note}");
    }
    Ok(lattice)
}

impl EndorseOpts {
    fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let store = ctx.store()?;
        let name = self.cluster_key.as_deref().unwrap_or("cluster");
        let cluster = keysource::default_key(&store, name, KeyRole::Cluster, false)?;
        let lifetime = crate::time::parse_duration(&self.expires)
            .map_err(|e| anyhow::anyhow!("--expires: {e}"))?;
        if lifetime == 0 {
            bail!("--expires must be longer than 0s");
        }
        let now = crate::time::now();
        let token = lattice::endorse(&cluster, &self.host, &self.lattice_name, now, lifetime)?;
        if let Some(path) = &self.output {
            let text = format!("{token}\n");
            crate::fsutil::write_atomically(path, None, crate::fsutil::Existing::Replace, |w| {
                w.write_all(text.as_bytes())
            })
            .with_context(|| format!("cannot write {}", path.display()))?;
        }
        if ctx.json {
            output::print_json(&json!({
                "endorsement": token,
                "host": self.host,
                "cluster": cluster.public_key(),
                "lattice": self.lattice_name,
                "issued_at": now,
                "expires": now + lifetime,
                "output": self.output,
            }));
        } else if let Some(path) = &self.output {
            eprintln!(
                "wzt: endorsed host {} for lattice {} until {} (cluster {}); wrote {}",
                self.host,
                self.lattice_name,
                crate::time::rfc3339(now + lifetime),
                cluster.public_key(),
                path.display()
            );
        } else {
            println!("{token}");
        }
        Ok(Outcome::Success)
    }
}

impl PubOpts {
    fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let body = body_of(&self.data)?;
        let runtime = super::host_args::runtime()?;
        let lattice = connect(&runtime, &self.lattice, ctx, true, "pub")?;
        let jti = runtime.block_on(async {
            let jti = lattice.publish(None, &self.subject, &body).await?;
            lattice.flush(Duration::from_secs(5)).await?;
            Ok::<_, RequestError>(jti)
        })?;
        let host = lattice.signer().map(|s| s.host_key().to_string());
        if ctx.json {
            output::print_json(&json!({
                "subject": self.subject,
                "jti": jti,
                "host": host,
                "bytes": body.len(),
            }));
        } else {
            eprintln!(
                "wzt: published {} bytes on {} as host {} (token {jti})",
                body.len(),
                escape(&self.subject),
                host.unwrap_or_default()
            );
        }
        Ok(Outcome::Success)
    }
}

impl RequestOpts {
    fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let body = body_of(&self.data)?;
        let timeout = crate::time::parse_std_duration(&self.timeout)
            .map_err(|e| anyhow::anyhow!("--timeout: {e}"))?;
        let runtime = super::host_args::runtime()?;
        let lattice = connect(&runtime, &self.lattice, ctx, true, "request")?;
        let answer = runtime.block_on(lattice.request(None, &self.subject, &body, timeout));
        let counts = lattice.counts();
        match answer {
            Ok(reply) => {
                if ctx.json {
                    output::print_json(&json!({
                        "subject": self.subject,
                        "body": String::from_utf8_lossy(reply.body()),
                        "origin": {"actor": reply.origin_actor(), "host": reply.host()},
                        "cluster": reply.cluster(),
                        "jti": reply.jti(),
                        "rejected": counts,
                    }));
                } else {
                    // Escaped on a terminal, byte for byte when piped.
                    let mut out = std::io::stdout().lock();
                    output::write_body(&mut out, reply.body())?;
                    out.flush()?;
                }
                Ok(Outcome::Success)
            }
            Err(e) => {
                if ctx.json {
                    output::print_json(&json!({
                        "subject": self.subject,
                        "error": e.to_string(),
                        "rejected": counts,
                    }));
                }
                eprintln!("wzt: {e}");
                for (code, n) in &counts {
                    eprintln!("  rejected {n} reply(ies) [{code}]");
                }
                Ok(Outcome::CheckFailed)
            }
        }
    }
}

impl SubOpts {
    fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let limit = match &self.duration {
            Some(d) => Some(
                crate::time::parse_std_duration(d).map_err(|e| anyhow::anyhow!("--for: {e}"))?,
            ),
            None => None,
        };
        let runtime = super::host_args::runtime()?;
        let lattice = connect(&runtime, &self.lattice, ctx, false, "sub")?;
        runtime.block_on(async {
            let mut subscription = lattice.subscribe(&self.subject, None).await?;
            // Subscribed once the server has the subscription: then say so (on stderr, also
            // with --json, so a script can wait for it).
            lattice.flush(Duration::from_secs(5)).await?;
            eprintln!(
                "wzt: watching {} on lattice {} at {} (nothing is delivered)",
                escape(&self.subject),
                lattice.trust().lattice(),
                lattice.url()
            );
            let watch = async {
                let mut seen = 0u64;
                while let Some(message) = subscription.next().await {
                    let verdict = lattice.check(&message).await;
                    print_verdict(ctx, &message, &verdict);
                    seen += 1;
                    if self.count.is_some_and(|n| seen >= n) {
                        break;
                    }
                }
            };
            let stop = async {
                match limit {
                    Some(d) => tokio::time::sleep(d).await,
                    None => {
                        let _ = tokio::signal::ctrl_c().await;
                    }
                }
            };
            tokio::select! {
                _ = watch => {}
                _ = stop => {}
            }
            anyhow::Ok(())
        })?;
        Ok(Outcome::Success)
    }
}

fn print_verdict(
    ctx: &Ctx,
    message: &async_nats::Message,
    verdict: &Result<lattice::CheckedInvocation, lattice::LatticeRejection>,
) {
    let subject = message.subject.as_str();
    let body = String::from_utf8_lossy(&message.payload);
    if ctx.json {
        let line = match verdict {
            Ok(m) => json!({
                "subject": subject,
                "verdict": "accepted",
                "origin": {"actor": m.origin_actor(), "host": m.host()},
                "cluster": m.cluster(),
                "jti": m.jti(),
                "reply": m.reply(),
                "body": body,
            }),
            Err(r) => json!({
                "subject": subject,
                "verdict": "rejected",
                "code": r.code(),
                "reason": r.to_string(),
                "body": body,
            }),
        };
        output::print_json_line(&line);
    } else {
        match verdict {
            Ok(m) => println!(
                "{}  accepted  actor {} host {}: {}",
                escape(subject),
                m.origin_actor().map(escape).unwrap_or_else(|| "-".into()),
                m.host(),
                escape(&body)
            ),
            Err(r) => println!(
                "{}  rejected [{}] {r}: {}",
                escape(subject),
                r.code(),
                escape(&body)
            ),
        }
    }
    let _ = std::io::stdout().flush();
}
