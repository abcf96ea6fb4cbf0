//! The `config` provider: `wasi:config/store`, both the 0.2.0-draft and 0.2.0-rc.1 versions.

use wasmtime::component::Linker;

use super::{ProviderData, ProviderView, Wt, short};

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
                let value = p.traced(
                    concat!($interface, ".get"),
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
                let all = p.traced(
                    concat!($interface, ".get-all"),
                    String::new,
                    || {
                        p.config
                            .iter()
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

/// Links `wasi:config/store`, both versions.
pub fn add_to_linker<T: 'static>(
    l: &mut Linker<T>,
    view: fn(&mut T) -> ProviderView<'_>,
) -> wasmtime::Result<()> {
    config_draft::add_to_linker::<T, ProviderData>(l, view)?;
    config_rc::add_to_linker::<T, ProviderData>(l, view)?;
    Ok(())
}
