//! The `config` provider: `wasi:config/store`, both the 0.2.0-draft and 0.2.0-rc.1 versions.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;

use super::{Linking, ProviderData, ProviderUnit, ProviderView, Wt, short};
use crate::caps::Capability;
use crate::host::preopen::Protected;
use crate::host::state::ComponentState;
use crate::scopes::{Resource, ScopeKind};

/// The runtime-config flags of `wzt run` and `wzt dev`.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// A wasi:config value, K=V (repeatable; overrides --config-file).
    #[arg(long = "config", value_name = "K=V", value_parser = parse_key_value)]
    pub config: Vec<(String, String)>,
    /// wasi:config values from a TOML file of `key = "value"` lines.
    #[arg(long, value_name = "FILE")]
    pub config_file: Option<PathBuf>,
}

/// `K=V` as a pair (the value may hold further `=`).
pub fn parse_key_value(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| "expected K=V".to_string())
}

/// The checked runtime-config settings of a run: the values the actor may read.
#[derive(Debug, Clone, Default)]
pub struct ConfigSettings {
    pub values: BTreeMap<String, String>,
}

impl ConfigArgs {
    /// The values of `--config-file`, then `--config` over them.
    pub fn settings(&self) -> anyhow::Result<ConfigSettings> {
        let mut values = BTreeMap::new();
        if let Some(path) = &self.config_file {
            values = read_config_file(path)?;
        }
        values.extend(self.config.iter().cloned());
        Ok(ConfigSettings { values })
    }
}

/// The largest `--config-file` read.
pub const MAX_CONFIG_FILE: u64 = 1 << 20;

/// Reads a TOML file of `key = value` lines (strings, numbers and booleans) as config values.
fn read_config_file(path: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let text = crate::fsutil::read_named_text(path, MAX_CONFIG_FILE).context("--config-file")?;
    let table: toml::Table = toml::from_str(&text)
        .with_context(|| format!("--config-file {} is not valid TOML", path.display()))?;
    table
        .into_iter()
        .map(|(k, v)| {
            let value = match v {
                toml::Value::String(s) => s,
                toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_) => {
                    v.to_string()
                }
                _ => bail!(
                    "--config-file {}: `{k}` must be a string, number or boolean",
                    path.display()
                ),
            };
            Ok((k, value))
        })
        .collect()
}

impl ProviderUnit for ConfigSettings {
    fn capability(&self) -> Capability {
        Capability::Config
    }

    fn writes(&self) -> Vec<PathBuf> {
        Vec::new()
    }

    fn protects(&self) -> Vec<Protected> {
        Vec::new()
    }

    /// Both versions: wasmCloud's draft and wasmtime's release candidate.
    fn link(&self, linking: &mut Linking<'_>) -> wasmtime::Result<()> {
        type T = ComponentState;
        linking.add("wasi:config/store@0.2.0-draft", |l| {
            config_draft::add_to_linker::<T, ProviderData>(l, T::providers)
        })?;
        linking.add("wasi:config/store@0.2.0-rc.1", |l| {
            config_rc::add_to_linker::<T, ProviderData>(l, T::providers)
        })
    }
}

mod config_draft_bindings {
    wasmtime::component::bindgen!({
        path: "wit/config-draft",
        world: "wasi:config/imports",
        imports: { default: trappable },
    });
}

mod config_rc_bindings {
    wasmtime::component::bindgen!({
        path: "wit/config-rc",
        world: "wasi:config/imports",
        imports: { default: trappable },
    });
}

use config_draft_bindings::wasi::config::store as config_draft;
use config_rc_bindings::wasi::config::store as config_rc;

macro_rules! config_host {
    ($module:ident, $interface:literal) => {
        impl $module::Host for ProviderView<'_> {
            fn get(&mut self, key: String) -> Wt<Result<Option<String>, $module::Error>> {
                let p = self.providers;
                // A key outside the signed scope reads as absent.
                if !self.in_scope(
                    ScopeKind::ConfigKey,
                    &key,
                    concat!($interface, ".get"),
                    || format!("{key:?}"),
                    || format!("config key {key}"),
                ) {
                    return Ok(Ok(None));
                }
                let value = p.traced(
                    self.invocation,
                    concat!($interface, ".get"),
                    Some(Resource::new(ScopeKind::ConfigKey, key.as_str())),
                    || format!("{key:?}"),
                    || p.config.get(&key).cloned(),
                    |v| {
                        (
                            v.as_deref()
                                .map(|s| short(s.as_bytes()))
                                .unwrap_or_else(|| "none".into()),
                            false,
                        )
                    },
                );
                Ok(Ok(value))
            }

            fn get_all(&mut self) -> Wt<Result<Vec<(String, String)>, $module::Error>> {
                let p = self.providers;
                let scopes = self.scopes;
                let all = p.traced(
                    self.invocation,
                    concat!($interface, ".get-all"),
                    None,
                    String::new,
                    || {
                        // Only the keys inside the signed scope.
                        p.config
                            .iter()
                            .filter(|(k, _)| scopes.check(ScopeKind::ConfigKey, k).allowed())
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect::<Vec<_>>()
                    },
                    |v| (format!("{} values", v.len()), false),
                );
                Ok(Ok(all))
            }
        }
    };
}

config_host!(config_draft, "wasi:config/store@0.2.0-draft");
config_host!(config_rc, "wasi:config/store@0.2.0-rc.1");
