//! The `logging` provider: `wasi:logging/logging`, shown as host events from a minimum level.

use wasmtime::component::Linker;

use super::{ProviderData, ProviderView, Wt, short};
use crate::host::HostEvent;

mod log_bindings {
    wasmtime::component::bindgen!({
        path: "wit/logging",
        world: "wasi:logging/imports",
        imports: { default: trappable },
    });
}

use log_bindings::wasi::logging::logging;

/// Log levels, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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
            "wasi:logging/logging.log",
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

/// Links `wasi:logging/logging`.
pub fn add_to_linker<T: 'static>(
    l: &mut Linker<T>,
    view: fn(&mut T) -> ProviderView<'_>,
) -> wasmtime::Result<()> {
    logging::add_to_linker::<T, ProviderData>(l, view)
}
