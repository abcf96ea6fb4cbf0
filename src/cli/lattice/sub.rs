//! `wzt lattice sub`: watch a subject and print every message with its verdict, delivering
//! nothing.

use std::io::Write as _;
use std::time::Duration;

use clap::Args;
use serde::Serialize;

use super::super::lattice_args::LatticeArgs;
use super::super::output::{self, escape};
use super::super::{Ctx, Outcome};
use super::connect;
use crate::lattice;

/// Watch a subject: print each message with its origin actor and host and the verdict of
/// every check, without delivering anything (token ids are checked for replays by this
/// process only, so watching never takes an id from the hosts that will receive it).
#[derive(Debug, Args)]
pub(super) struct SubOpts {
    subject: String,
    /// Stop after this many messages.
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// Stop after this long, e.g. 10s.
    #[arg(long = "for", value_name = "DURATION")]
    duration: Option<String>,
    #[command(flatten)]
    lattice: LatticeArgs,
    #[command(flatten)]
    pub(super) format: super::super::output::FormatOpt,
}

impl SubOpts {
    pub(super) fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let limit = match &self.duration {
            Some(d) => Some(
                crate::time::parse_std_duration(d).map_err(|e| anyhow::anyhow!("--for: {e}"))?,
            ),
            None => None,
        };
        let runtime = super::super::host_args::runtime()?;
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

/// One line of `wzt lattice sub --json` (field names are stable: README).
#[derive(Serialize)]
#[serde(untagged)]
enum VerdictJson<'a> {
    Accepted {
        subject: &'a str,
        verdict: &'static str,
        origin: super::OriginJson<'a>,
        cluster: &'a str,
        jti: &'a str,
        reply: Option<&'a str>,
        body: &'a str,
    },
    Rejected {
        subject: &'a str,
        verdict: &'static str,
        code: &'static str,
        reason: String,
        body: &'a str,
    },
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
            Ok(m) => VerdictJson::Accepted {
                subject,
                verdict: "accepted",
                origin: super::OriginJson {
                    actor: m.origin_actor(),
                    host: m.host(),
                },
                cluster: m.cluster(),
                jti: m.jti(),
                reply: m.reply(),
                body: &body,
            },
            Err(r) => VerdictJson::Rejected {
                subject,
                verdict: "rejected",
                code: r.code(),
                reason: r.to_string(),
                body: &body,
            },
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
