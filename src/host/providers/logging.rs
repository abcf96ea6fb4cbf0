//! The `logging` provider: `wasi:logging/logging`, shown as host events from a minimum level.

use std::path::PathBuf;

use clap::Args;

use super::{Linking, ProviderData, ProviderUnit, ProviderView, Wt, short};
use crate::caps::Capability;
use crate::host::HostEvent;
use crate::host::preopen::Protected;
use crate::host::state::ComponentState;

mod log_bindings {
    wasmtime::component::bindgen!({
        path: "wit/logging",
        world: "wasi:logging/imports",
        imports: { default: trappable },
    });
}

use log_bindings::wasi::logging::logging;

/// The logging flags of `wzt run` and `wzt dev`.
#[derive(Debug, Clone, Args)]
pub struct LoggingArgs {
    /// Show wasi:logging lines at this level and above: trace, debug, info, warn, error, critical.
    #[arg(long, default_value = "info", value_name = "LEVEL")]
    pub log_level: LogLevel,
}

/// The checked logging settings of a run.
#[derive(Debug, Clone)]
pub struct LoggingSettings {
    pub level: LogLevel,
}

impl LoggingArgs {
    pub fn settings(&self) -> LoggingSettings {
        LoggingSettings {
            level: self.log_level,
        }
    }
}

impl ProviderUnit for LoggingSettings {
    fn capability(&self) -> Capability {
        Capability::Logging
    }

    fn writes(&self) -> Vec<PathBuf> {
        Vec::new()
    }

    fn protects(&self) -> Vec<Protected> {
        Vec::new()
    }

    fn link(&self, linking: &mut Linking<'_>) -> wasmtime::Result<()> {
        linking.add("wasi:logging/logging@0.1.0-draft", |l| {
            logging::add_to_linker::<ComponentState, ProviderData>(l, ComponentState::providers)
        })
    }
}

/// Log levels, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Critical,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Trace => "TRACE",
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warn => "WARN",
            LogLevel::Error => "ERROR",
            LogLevel::Critical => "CRITICAL",
        }
    }
}

impl std::str::FromStr for LogLevel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "trace" => LogLevel::Trace,
            "debug" => LogLevel::Debug,
            "info" => LogLevel::Info,
            "warn" | "warning" => LogLevel::Warn,
            "error" => LogLevel::Error,
            "critical" => LogLevel::Critical,
            _ => {
                return Err(format!(
                    "unknown log level '{s}'; use trace, debug, info, warn, error or critical"
                ));
            }
        })
    }
}

impl logging::Host for ProviderView<'_> {
    fn log(&mut self, level: logging::Level, context: String, message: String) -> Wt<()> {
        let level = match level {
            logging::Level::Trace => LogLevel::Trace,
            logging::Level::Debug => LogLevel::Debug,
            logging::Level::Info => LogLevel::Info,
            logging::Level::Warn => LogLevel::Warn,
            logging::Level::Error => LogLevel::Error,
            logging::Level::Critical => LogLevel::Critical,
        };
        let p = self.providers;
        let shown = level >= p.log_level;
        p.traced(
            self.invocation,
            "wasi:logging/logging.log",
            None,
            || {
                format!(
                    "{} {context:?} {}",
                    level.as_str(),
                    short(message.as_bytes())
                )
            },
            || {
                if shown {
                    (p.events)(HostEvent::Log {
                        invocation_id: self.invocation,
                        level,
                        actor: p.actor.clone(),
                        context: context.clone(),
                        message: message.clone(),
                    });
                }
            },
            |_| (if shown { "logged" } else { "filtered" }.to_string(), false),
        );
        Ok(())
    }
}
