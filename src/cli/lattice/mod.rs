//! `wzt lattice`: endorse a host key, and publish, request or watch on a lattice as a host
//! would, signed and checked the same way.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::lattice_args::LatticeArgs;
use super::output::{self, escape};
use super::{Ctx, Outcome};
use crate::lattice::{Lattice, LatticeEvent, RequestError};

mod endorse;
mod revoke;
mod sub;

use endorse::EndorseOpts;
use revoke::RevokeOpts;
use sub::SubOpts;

/// Work with a lattice: endorse and revoke hosts, and publish, request or watch messages.
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
    Revoke(RevokeOpts),
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
    #[command(flatten)]
    format: super::output::FormatOpt,
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
    #[command(flatten)]
    format: super::output::FormatOpt,
}

impl Opts {
    /// `-o json|text` (`endorse`'s `-o` names its output file).
    pub(super) fn format(&self) -> Option<super::output::Format> {
        match &self.command {
            LatticeCommand::Endorse(_) | LatticeCommand::Revoke(_) => None,
            LatticeCommand::Pub(o) => o.format.output,
            LatticeCommand::Request(o) => o.format.output,
            LatticeCommand::Sub(o) => o.format.output,
        }
    }

    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        match self.command {
            LatticeCommand::Endorse(o) => o.run(ctx),
            LatticeCommand::Pub(o) => o.run(ctx),
            LatticeCommand::Request(o) => o.run(ctx),
            LatticeCommand::Sub(o) => o.run(ctx),
            LatticeCommand::Revoke(o) => o.run(ctx),
        }
    }
}

/// `wzt lattice pub --json` (field names are stable: README).
#[derive(Serialize)]
struct PublishedJson<'a> {
    subject: &'a str,
    jti: &'a str,
    host: Option<&'a str>,
    bytes: usize,
}

/// Who sent a message that passed the checks.
#[derive(Serialize)]
pub(super) struct OriginJson<'a> {
    pub(super) actor: Option<&'a str>,
    pub(super) host: &'a str,
}

/// `wzt lattice request --json`: the reply that passed, and the replies rejected meanwhile.
#[derive(Serialize)]
struct ReplyJson<'a> {
    subject: &'a str,
    body: &'a str,
    origin: OriginJson<'a>,
    cluster: &'a str,
    jti: &'a str,
    rejected: &'a std::collections::BTreeMap<&'static str, u64>,
}

/// `wzt lattice request --json` when no valid reply came.
#[derive(Serialize)]
struct NoReplyJson<'a> {
    subject: &'a str,
    error: String,
    rejected: &'a std::collections::BTreeMap<&'static str, u64>,
}

fn body_of(data: &str) -> anyhow::Result<Vec<u8>> {
    output::data_arg(data)
}

/// Prints lattice events other than rejections (the commands report those themselves).
fn print_connection_events(event: LatticeEvent) {
    if !matches!(event, LatticeEvent::Rejected { .. }) {
        crate::cli::output::eprint_line(&event);
    }
}

pub(super) fn connect(
    runtime: &tokio::runtime::Runtime,
    args: &LatticeArgs,
    ctx: &Ctx,
    signing: bool,
    what: &str,
) -> anyhow::Result<Arc<Lattice>> {
    let config = args.config(
        ctx,
        None,
        signing,
        format!("wzt lattice {what}"),
        Arc::new(print_connection_events),
    )?;
    let lattice = runtime.block_on(Lattice::connect(config))?;
    if let Some(note) = lattice.replay_note() {
        eprintln!("wzt: warning: {note}");
    }
    Ok(lattice)
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
            output::print_json(&PublishedJson {
                subject: &self.subject,
                jti: &jti,
                host: host.as_deref(),
                bytes: body.len(),
            });
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
                    output::print_json(&ReplyJson {
                        subject: &self.subject,
                        body: &String::from_utf8_lossy(reply.body()),
                        origin: OriginJson {
                            actor: reply.origin_actor(),
                            host: reply.host(),
                        },
                        cluster: reply.cluster(),
                        jti: reply.jti(),
                        rejected: &counts,
                    });
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
                    output::print_json(&NoReplyJson {
                        subject: &self.subject,
                        error: e.to_string(),
                        rejected: &counts,
                    });
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
