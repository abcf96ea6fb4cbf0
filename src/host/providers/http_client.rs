//! The `httpclient` provider: `wasi:http/outgoing-handler` requests either sent for real to
//! allowed hosts only (local), or answered from a fixtures file without touching the network
//! (mock). Everything else gets `HttpRequestDenied` in the guest, a line on stderr, and a trace.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

use super::{CapCall, Providers};
use crate::host::HostEvent;

/// An `--allow-host` pattern: `api.example.com`, `*.example.com`, either with `:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPattern {
    host: String,
    port: Option<u16>,
}

impl std::str::FromStr for HostPattern {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (host, port) = match s.rsplit_once(':') {
            Some((h, p)) => (
                h,
                Some(
                    p.parse::<u16>()
                        .map_err(|_| format!("'{s}': the port is not a number"))?,
                ),
            ),
            None => (s, None),
        };
        let bare = host.strip_prefix("*.").unwrap_or(host);
        if bare.is_empty() || bare.contains(['*', '/']) {
            return Err(format!(
                "'{s}' is not a host pattern; use api.example.com, *.example.com or host:port"
            ));
        }
        Ok(HostPattern {
            host: host.to_ascii_lowercase(),
            port,
        })
    }
}

impl HostPattern {
    pub fn matches(&self, host: &str, port: u16) -> bool {
        let host = host.to_ascii_lowercase();
        let host_ok = match self.host.strip_prefix("*.") {
            Some(suffix) => host.ends_with(&format!(".{suffix}")),
            None => host == self.host,
        };
        host_ok && self.port.is_none_or(|p| p == port)
    }
}

/// One canned response of the mock provider.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// Method to match; any when absent.
    pub method: Option<String>,
    /// URL to match; `*` matches any run of characters.
    pub url: String,
    #[serde(default = "ok_status")]
    pub status: u16,
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub body: String,
}

fn ok_status() -> u16 {
    200
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureFile {
    #[serde(default)]
    response: Vec<Fixture>,
}

/// Reads `[[response]]` entries from a TOML fixtures file.
pub fn load_fixtures(path: &Path) -> anyhow::Result<Vec<Fixture>> {
    let text = std::fs::read_to_string(path)?;
    let file: FixtureFile = toml::from_str(&text)?;
    Ok(file.response)
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = match text.strip_prefix(parts[0]) {
        Some(r) => r,
        None => return false,
    };
    for (i, part) in parts.iter().enumerate().skip(1) {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// How outgoing requests are handled.
pub enum HttpClientMode {
    /// Real requests, to allowed hosts only.
    Local { allow: Vec<HostPattern> },
    /// Answers from fixtures; no network.
    Mock { fixtures: Vec<Fixture> },
}

/// The `WasiHttpHooks` of a store: decides what happens to each outgoing request.
pub struct HttpClientHooks {
    pub providers: Arc<Providers>,
}

type ResponseFuture = Box<
    dyn Future<
            Output = Result<
                (
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = Result<(), Error>> + Send>,
                ),
                Error,
            >,
        > + Send,
>;

impl WasiHttpHooks for HttpClientHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> ResponseFuture {
        drop(fut);
        let providers = Arc::clone(&self.providers);
        let method = request.method().to_string();
        let url = request.uri().to_string();
        let host = request.uri().host().unwrap_or_default().to_string();
        let https = request.uri().scheme_str() == Some("https");
        let port = request
            .uri()
            .port_u16()
            .unwrap_or(if https { 443 } else { 80 });
        let started = Instant::now();
        let trace = move |result: String, denied: bool| {
            if providers.tracer.enabled() {
                providers.tracer.record(
                    &providers.events,
                    CapCall {
                        actor: providers.actor.clone(),
                        call: "wasi:http/outgoing-handler.handle".into(),
                        args: format!("{method} {url}"),
                        result: result.clone(),
                        duration_us: started.elapsed().as_micros().min(u64::MAX as u128) as u64,
                        denied,
                    },
                );
            }
            if denied {
                (providers.events)(HostEvent::Denied {
                    actor: providers.actor.clone(),
                    what: format!("outgoing HTTP request {method} {url}"),
                    why: result,
                });
            }
        };
        match &self.providers.http_client {
            HttpClientMode::Local { allow } => {
                if !allow.iter().any(|p| p.matches(&host, port)) {
                    trace(
                        format!("{host}:{port} is not allowed; allow it with --allow-host {host}"),
                        true,
                    );
                    return Box::new(async { Err(Error::HttpRequestDenied) });
                }
                Box::new(async move {
                    let sent = wasmtime_wasi_http::default_send_request(request, options).await;
                    match sent {
                        Ok((response, io)) => {
                            trace(format!("{}", response.status().as_u16()), false);
                            Ok((
                                response.map(BodyExt::boxed_unsync),
                                Box::new(io) as Box<dyn Future<Output = _> + Send>,
                            ))
                        }
                        Err(e) => {
                            trace(format!("error: {e}"), false);
                            Err(e)
                        }
                    }
                })
            }
            HttpClientMode::Mock { fixtures } => {
                let found = fixtures.iter().find(|f| {
                    f.method
                        .as_deref()
                        .is_none_or(|m| m.eq_ignore_ascii_case(request.method().as_str()))
                        && glob(&f.url, &request.uri().to_string())
                });
                let Some(fixture) = found.cloned() else {
                    trace(
                        "no fixture matches (mock mode never uses the network)".into(),
                        true,
                    );
                    return Box::new(async { Err(Error::HttpRequestDenied) });
                };
                trace(format!("{} (fixture)", fixture.status), false);
                Box::new(async move {
                    let mut builder = http::Response::builder().status(fixture.status);
                    for (k, v) in &fixture.headers {
                        builder = builder.header(k, v);
                    }
                    let body = Full::new(Bytes::from(fixture.body))
                        .map_err(|never: std::convert::Infallible| -> Error { match never {} })
                        .boxed_unsync();
                    let response = builder.body(body).map_err(|_| Error::HttpRequestDenied)?;
                    Ok((
                        response,
                        Box::new(async { Ok(()) }) as Box<dyn Future<Output = _> + Send>,
                    ))
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_patterns() {
        let exact: HostPattern = "api.example.com".parse().unwrap();
        assert!(exact.matches("api.example.com", 443));
        assert!(exact.matches("API.example.com", 80));
        assert!(!exact.matches("evil.api.example.com", 443));
        let wild: HostPattern = "*.example.com:443".parse().unwrap();
        assert!(wild.matches("a.example.com", 443));
        assert!(wild.matches("a.b.example.com", 443));
        assert!(!wild.matches("example.com", 443));
        assert!(!wild.matches("a.example.com", 80));
        assert!(!wild.matches("a.example.com.evil.net", 443));
        assert!("*".parse::<HostPattern>().is_err());
        assert!("host:http".parse::<HostPattern>().is_err());
    }

    #[test]
    fn url_globs() {
        assert!(glob(
            "https://api.example.com/users/*",
            "https://api.example.com/users/7"
        ));
        assert!(!glob(
            "https://api.example.com/users/*",
            "https://api.example.com/orders/7"
        ));
        assert!(glob("*://*/health", "http://x:8080/health"));
        assert!(glob("http://x/", "http://x/"));
        assert!(!glob("http://x/", "http://x/y"));
    }
}
