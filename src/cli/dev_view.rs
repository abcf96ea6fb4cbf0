//! What `wzt dev` shows on stderr: one line per served request (`METHOD PATH STATUS MS`), the
//! actor's logs and failures, and its builds: on a terminal a spinner with the time elapsed
//! while one runs, cleared when it ends; elsewhere one line per step.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::output::eprint_line;
use crate::host::{BuildEvent, HostEvent};
use crate::text::Untrusted;

/// How `wzt dev` prints the runner's events.
pub struct DevView {
    /// Draw a spinner while building (stderr is a terminal).
    pub terminal: bool,
    /// Capability calls (`--trace-caps`).
    pub trace_caps: bool,
}

impl DevView {
    /// Prints `event` on stderr (or draws the spinner for a build).
    pub fn show(self) -> impl Fn(&HostEvent) + Send + Sync + 'static {
        let spinner: Arc<Mutex<Option<indicatif::ProgressBar>>> = Arc::default();
        move |event: &HostEvent| {
            let mut spinning = spinner.lock().unwrap_or_else(|e| e.into_inner());
            match event {
                HostEvent::CapCall(_) if !self.trace_caps => return,
                HostEvent::Build(BuildEvent::Started { command }) if self.terminal => {
                    let bar = indicatif::ProgressBar::new_spinner();
                    bar.set_style(
                        indicatif::ProgressStyle::with_template(
                            "{spinner} wzt dev: building: {msg} ({elapsed})",
                        )
                        .expect("a valid template"),
                    );
                    bar.set_message(Untrusted(command).to_string());
                    bar.enable_steady_tick(Duration::from_millis(100));
                    if let Some(old) = spinning.replace(bar) {
                        old.finish_and_clear();
                    }
                    return;
                }
                HostEvent::Build(
                    BuildEvent::Built { .. } | BuildEvent::Failed { .. } | BuildEvent::Unchanged,
                ) => {
                    if let Some(bar) = spinning.take() {
                        bar.finish_and_clear();
                    }
                }
                _ => {}
            }
            match spinning.as_ref() {
                Some(bar) => bar.suspend(|| eprint_line(event)),
                None => eprint_line(event),
            }
        }
    }
}
