//! What `wzt run` does with a started runner: deliver `--message`s, serve lattice
//! subscriptions, answer one `--request`, serve HTTP until Ctrl-C, or run a command.

use anyhow::bail;

use super::super::output::escape;
use super::super::policy_args::TrustUsed;
use super::super::{Ctx, Outcome};
use super::{Message, Opts};
use crate::host::runner::{Runner, delivery_event};
use crate::host::{Delivery, EntryPoint, http};
use crate::text::escape_lines;

pub(super) fn dispatch(
    opts: &Opts,
    ctx: &Ctx,
    runtime: &tokio::runtime::Runtime,
    runner: &Runner,
    console: Option<&str>,
    used: &TrustUsed,
) -> anyhow::Result<Outcome> {
    let actor = runner.actor();
    let entry = actor.entry_point();
    let startup = |listening| super::startup::print(opts, ctx, runner, listening, console, used);
    if !opts.messages.is_empty() && !actor.handles_messages() {
        bail!("--message needs an actor that exports wasmcloud:messaging/handler");
    }
    let subscribed = runner.lattice().is_some() && !opts.subscribe.is_empty();
    if entry == EntryPoint::Messaging && opts.messages.is_empty() && !subscribed {
        bail!(
            "this actor only handles messages: deliver some with --message SUBJECT=PAYLOAD, or from a lattice with --lattice nats://HOST:PORT --subscribe SUBJECT"
        );
    }
    // Lattice subscriptions are served from here on, whatever else the actor does.
    let _serving = runtime.block_on(runner.serve_subscriptions(&opts.subscribe))?;
    let mut delivered_ok = true;
    if !opts.messages.is_empty() {
        if entry == EntryPoint::Messaging || opts.request.is_some() {
            startup(None);
        }
        for Message { subject, payload } in &opts.messages {
            let outcome = runtime.block_on(runner.deliver(subject, payload.as_bytes()));
            match delivery_event(subject, &outcome) {
                None if matches!(outcome, Ok(Delivery::Denied)) => delivered_ok = false,
                None => eprintln!("wzt: delivered message on {}", escape(subject)),
                Some(failed) => {
                    delivered_ok = false;
                    eprintln!("{failed}");
                }
            }
        }
    }
    let delivered = if delivered_ok {
        Outcome::Success
    } else {
        Outcome::CheckFailed
    };
    match (entry, &opts.request) {
        (EntryPoint::Messaging, _) if subscribed => {
            if opts.messages.is_empty() {
                startup(None);
            }
            runtime.block_on(async {
                let _ = tokio::signal::ctrl_c().await;
                eprintln!("wzt: shutting down");
            });
            Ok(delivered)
        }
        (EntryPoint::Messaging, _) => Ok(delivered),
        (EntryPoint::Http, Some(request)) => {
            if opts.messages.is_empty() {
                startup(None);
            }
            runtime.block_on(super::request::one_request(opts, ctx, runner, request))
        }
        (EntryPoint::Http, None) => runtime.block_on(async {
            let listener = super::super::host_args::bind(opts.runner.host.listen).await?;
            startup(Some(listener.local_addr()?));
            let shutdown = async {
                let _ = tokio::signal::ctrl_c().await;
                eprintln!("wzt: shutting down; waiting for in-flight requests");
            };
            if !runner.serve_http(listener, shutdown).await? {
                eprintln!(
                    "wzt: some requests were still running after {:?}",
                    http::SHUTDOWN_GRACE
                );
            }
            Ok(Outcome::Success)
        }),
        (_, Some(_)) => bail!("--request needs an HTTP actor; this one is a command"),
        (_, None) => {
            startup(None);
            match runtime.block_on(runner.run_command()) {
                Ok(code) => Ok(Outcome::Code(code.clamp(0, 255) as u8)),
                Err(e) => {
                    // A trap, with the guest's backtrace (its function names).
                    eprintln!("wzt: {}", escape_lines(&format!("{e:#}"), "    "));
                    Ok(Outcome::CheckFailed)
                }
            }
        }
    }
}
