//! The `httpclient` provider: `wasi:http/outgoing-handler` requests either sent for real to
//! allowed hosts only (local), or answered from a fixtures file without touching the network
//! (mock). Everything else gets `HttpRequestDenied` in the guest, a line on stderr, and a trace.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, bail};
use bytes::Bytes;
use clap::Args;
use http_body_util::{BodyExt, Full};
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

use super::{CapCall, Linking, ProviderUnit, Providers};
use crate::caps::Capability;
use crate::host::HostEvent;
use crate::host::preopen::Protected;
use crate::host::state::ComponentState;
use crate::scopes::{HostScope, Resource, ScopeKind, Scopes};

/// The outgoing-HTTP flags of `wzt run` and `wzt dev`.
#[derive(Debug, Clone, Args)]
pub struct HttpClientArgs {
    /// Allow outgoing HTTP to this host: api.example.com, *.example.com, host:port, [::1]:port,
    /// and https:// or http:// in front for that scheme only (repeatable).
    #[arg(long = "allow-host", value_name = "PATTERN")]
    pub allow_hosts: Vec<HostPattern>,
    /// Answer outgoing HTTP from this TOML file of [[response]] entries (method, url with `*`,
    /// status, headers, body) instead of the network; implies the mock HTTP client.
    #[arg(long, value_name = "FILE")]
    pub http_fixtures: Option<PathBuf>,
}

/// The checked outgoing-HTTP settings of a run.
#[derive(Debug, Clone)]
pub struct HttpClientSettings {
    pub mode: HttpClientMode,
}

impl HttpClientArgs {
    /// The settings for the mock client (`mock`) or the local one; refuses the other one's
    /// flags and reads the fixtures file.
    pub fn settings(&self, mock: bool) -> anyhow::Result<HttpClientSettings> {
        let mode = if mock {
            if !self.allow_hosts.is_empty() {
                bail!(
                    "--allow-host applies to the local HTTP client; the mock one never uses the network"
                );
            }
            HttpClientMode::Mock {
                fixtures: match &self.http_fixtures {
                    Some(path) => load_fixtures(path)
                        .with_context(|| format!("--http-fixtures {}", path.display()))?,
                    None => Vec::new(),
                },
            }
        } else {
            if self.http_fixtures.is_some() {
                bail!(
                    "--http-fixtures applies to the mock HTTP client; drop --provider httpclient=local"
                );
            }
            HttpClientMode::Local {
                allow: self.allow_hosts.clone(),
            }
        };
        Ok(HttpClientSettings { mode })
    }
}

impl ProviderUnit for HttpClientSettings {
    fn capability(&self) -> Capability {
        Capability::HttpClient
    }

    fn writes(&self) -> Vec<PathBuf> {
        Vec::new()
    }

    fn protects(&self) -> Vec<Protected> {
        Vec::new()
    }

    /// `wasi:http/outgoing-handler` and the types; every request goes through
    /// [`HttpClientHooks`].
    fn link(&self, linking: &mut Linking<'_>) -> wasmtime::Result<()> {
        type T = ComponentState;
        super::wasi::link_http_types(linking)?;
        linking.add("wasi:http/outgoing-handler@0.2.12", |l| {
            use wasmtime_wasi_http::{WasiHttp, WasiHttpView};
            wasmtime_wasi_http::p2::bindings::http::outgoing_handler::add_to_linker::<T, WasiHttp>(
                l,
                T::http,
            )
        })
    }
}

/// An `--allow-host` pattern: `api.example.com`, `*.example.com`, `[::1]`, either with
/// `:port`, and with `http://` or `https://` to allow that scheme only. Read by the one parser
/// of destinations, [`HostScope::parse`], as the signed `httpclient.host` scopes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPattern(HostScope);

impl std::str::FromStr for HostPattern {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HostScope::parse(s.trim()).map(HostPattern).map_err(|e| {
            format!(
                "'{}' is not a host pattern ({e}); use api.example.com, *.example.com, host:port or https://host",
                crate::text::escape(s)
            )
        })
    }
}

impl HostPattern {
    /// The destinations this pattern allows, as a scope.
    pub fn to_scope(&self) -> HostScope {
        self.0.clone()
    }

    /// Whether a request to `scheme://host:port` is allowed.
    pub fn matches(&self, scheme: &str, host: &str, port: u16) -> bool {
        self.0.admits(scheme, host, port)
    }
}

/// Why an address is not reachable through a host-name pattern: the ranges an attacker's DNS
/// could point an allowed name at to reach this machine or its network.
fn special_range(ip: IpAddr) -> Option<&'static str> {
    let ip = match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            if v4.is_loopback() {
                Some("a loopback address")
            } else if v4.is_link_local() {
                Some("a link-local address (cloud metadata services live there)")
            } else if v4.is_private() || (a == 100 && (64..128).contains(&b)) {
                Some("a private-network address")
            } else if v4.is_unspecified() || v4.is_broadcast() || v4.is_multicast() || a == 0 {
                Some("not a unicast address")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            if v6.is_loopback() {
                Some("a loopback address")
            } else if first & 0xffc0 == 0xfe80 {
                Some("a link-local address")
            } else if first & 0xfe00 == 0xfc00 {
                Some("a private-network (unique local) address")
            } else if v6.is_unspecified() || v6.is_multicast() {
                Some("not a unicast address")
            } else {
                None
            }
        }
    }
}

/// Resolves `host` and returns the first address the allow-list admits: any public address,
/// and a loopback, link-local or private one only when a pattern names that very address.
async fn checked_address(host: &str, port: u16, allow: &[HostScope]) -> Result<SocketAddr, String> {
    // A URI writes an IPv6 address in brackets; the resolver takes it bare.
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((bare, port))
        .await
        .map_err(|e| format!("{host} does not resolve: {e}"))?
        .collect();
    let mut refused = None;
    for address in &addresses {
        match special_range(address.ip()) {
            None => return Ok(*address),
            Some(_) if allow.iter().any(|p| p.names_address(address.ip(), port)) => {
                return Ok(*address);
            }
            Some(why) => refused = refused.or(Some((address.ip(), why))),
        }
    }
    Err(match refused {
        Some((ip, why)) => format!(
            "{host} resolves to {ip}, {why}; a host name never reaches such an address: allow it by address with --allow-host {}",
            crate::text::shell_word(&SocketAddr::new(ip, port).to_string())
        ),
        None => format!("{host} resolves to no address"),
    })
}

/// Sends `request` over a new connection to `address` (TLS for `https`, with `host` as the
/// name the certificate must carry).
async fn send_to(
    mut request: http::Request<WasiBody>,
    address: SocketAddr,
    https: bool,
    host: &str,
    options: Option<RequestOptions>,
) -> Result<
    (
        http::Response<hyper::body::Incoming>,
        impl Future<Output = Result<(), Error>> + Send + use<>,
    ),
    Error,
> {
    use hyper_util::rt::TokioIo;
    let timeout = |pick: fn(&RequestOptions) -> Option<std::time::Duration>| {
        options
            .as_ref()
            .and_then(pick)
            .unwrap_or(DEFAULT_NETWORK_TIMEOUT)
    };
    let connect_timeout = timeout(|o| o.connect_timeout);
    let first_byte_timeout = timeout(|o| o.first_byte_timeout);
    let tcp = tokio::time::timeout(connect_timeout, tokio::net::TcpStream::connect(address))
        .await
        .map_err(|_| Error::ConnectionTimeout)?
        .map_err(Error::Connect)?;
    // The request line carries only the path; the Host header keeps the name.
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    *request.uri_mut() = path.parse().map_err(|_| Error::HttpRequestUriInvalid)?;
    let (mut sender, connection) = if https {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.into(),
        };
        let config = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = rustls::pki_types::ServerName::try_from(host.to_string())
            .map_err(|_| Error::HttpRequestUriInvalid)?;
        let tls = tokio::time::timeout(
            connect_timeout,
            tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp),
        )
        .await
        .map_err(|_| Error::ConnectionTimeout)?
        .map_err(Error::Tls)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake::<_, WasiBody>(TokioIo::new(tls))
                .await
                .map_err(Error::from)?;
        (sender, Box::pin(connection) as BoxedConnection)
    } else {
        let (sender, connection) =
            hyper::client::conn::http1::handshake::<_, WasiBody>(TokioIo::new(tcp))
                .await
                .map_err(Error::from)?;
        (sender, Box::pin(connection) as BoxedConnection)
    };
    let response = tokio::time::timeout(first_byte_timeout, async {
        let connection = tokio::spawn(connection);
        let response = sender.send_request(request).await;
        (response, connection)
    })
    .await
    .map_err(|_| Error::ConnectionReadTimeout)?;
    let (response, connection) = response;
    let response = response.map_err(Error::from)?;
    let io = async move {
        match connection.await {
            Ok(result) => result.map_err(Error::from),
            Err(_) => Err(Error::ConnectionTerminated),
        }
    };
    Ok((response, io))
}

type BoxedConnection =
    std::pin::Pin<Box<dyn Future<Output = Result<(), hyper::Error>> + Send + 'static>>;

/// Connect and first-byte timeout when the guest sets none (the invocation deadline bounds
/// everything anyway).
const DEFAULT_NETWORK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

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

/// The largest `--http-fixtures` file read (bodies included).
pub const MAX_FIXTURES_FILE: u64 = 64 << 20;

/// Reads `[[response]]` entries from a TOML fixtures file.
pub fn load_fixtures(path: &Path) -> anyhow::Result<Vec<Fixture>> {
    let text = crate::fsutil::read_named_text(path, MAX_FIXTURES_FILE)?;
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
#[derive(Debug, Clone)]
pub enum HttpClientMode {
    /// Real requests, to allowed hosts only.
    Local { allow: Vec<HostPattern> },
    /// Answers from fixtures; no network.
    Mock { fixtures: Vec<Fixture> },
}

/// The destinations an actor may reach in local mode: the `--allow-host` patterns, each of which
/// must be inside the actor's signed `httpclient.host` scope (flags only narrow what was
/// signed), or, with a scope and no pattern, the scope itself.
pub fn effective_allow(mode: &HttpClientMode, scopes: &Scopes) -> Result<Vec<HostScope>, String> {
    let HttpClientMode::Local { allow } = mode else {
        return Ok(Vec::new());
    };
    let kind = ScopeKind::HttpClientHost;
    if !scopes.scoped(kind.capability()) {
        return Ok(allow.iter().map(HostPattern::to_scope).collect());
    }
    if allow.is_empty() {
        return scopes
            .values(kind)
            .map(HostScope::parse)
            .collect::<Result<_, _>>();
    }
    for pattern in allow {
        let scope = pattern.to_scope();
        if !scopes.check_within(kind, &scope.to_string()).allowed() {
            return Err(format!(
                "--allow-host {scope} is outside the actor's signed scope httpclient.host ({}): flags can only narrow what was signed; drop it, or re-sign with --scope httpclient.host={scope}",
                scopes.describe(kind)
            ));
        }
    }
    Ok(allow.iter().map(HostPattern::to_scope).collect())
}

/// The `WasiHttpHooks` of a store: decides what happens to each outgoing request.
pub struct HttpClientHooks {
    pub providers: Arc<Providers>,
    /// The invocation whose guest sends the requests (for traces).
    pub invocation: Option<u64>,
    /// The actor's signed scopes.
    pub scopes: Arc<Scopes>,
    /// Where local mode may connect ([`effective_allow`]).
    pub allow: Arc<Vec<HostScope>>,
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
        let invocation = self.invocation;
        let scheme = if https { "https" } else { "http" };
        let destination = format!("{scheme}://{}:{port}", host.to_ascii_lowercase());
        if !self
            .scopes
            .check(ScopeKind::HttpClientHost, &destination)
            .allowed()
        {
            super::deny_outside_scope(
                &providers,
                &self.scopes,
                invocation,
                ScopeKind::HttpClientHost,
                &destination,
                "wasi:http/outgoing-handler.handle",
                format!("{method} {url}"),
                format!("outgoing HTTP request {method} {url}"),
            );
            return Box::new(async { Err(Error::HttpRequestDenied) });
        }
        let resource = Resource::new(ScopeKind::HttpClientHost, destination);
        let trace = move |result: String, denied: bool| {
            if providers.tracer.enabled() {
                providers.tracer.record(
                    &providers.events,
                    CapCall {
                        actor: providers.actor.clone(),
                        invocation,
                        call: "wasi:http/outgoing-handler.handle".into(),
                        resource: Some(resource.clone()),
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
            HttpClientMode::Local { .. } => {
                let allow = &self.allow;
                if !allow.iter().any(|p| p.admits(scheme, &host, port)) {
                    // The hint names the flag only for a host the flag accepts, quoted for a
                    // shell: the host came from the actor, maybe from a client.
                    let hint = match HostScope::parse(&host) {
                        Ok(scope) if !host.contains('*') => format!(
                            "allow it with --allow-host {}",
                            crate::text::shell_word(&scope.to_string())
                        ),
                        _ => "no allow-host pattern names such a host".to_string(),
                    };
                    trace(format!("{host}:{port} is not allowed; {hint}"), true);
                    return Box::new(async { Err(Error::HttpRequestDenied) });
                }
                let allow = Arc::clone(allow);
                Box::new(async move {
                    // Resolve once, check the addresses, connect to the one checked: a name
                    // the allow-list admits cannot be pointed at loopback or the metadata
                    // service by its DNS (rebinding). Redirects are the guest's own new
                    // requests, so each hop is checked again.
                    let address = match checked_address(&host, port, &allow).await {
                        Ok(address) => address,
                        Err(why) => {
                            trace(why, true);
                            return Err(Error::HttpRequestDenied);
                        }
                    };
                    let sent = send_to(request, address, https, &host, options).await;
                    match sent {
                        Ok((response, io)) => {
                            trace(format!("{} ({address})", response.status().as_u16()), false);
                            Ok((
                                response.map(|body| body.map_err(Error::from).boxed_unsync()),
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
        assert!(exact.matches("https", "api.example.com", 443));
        assert!(exact.matches("http", "API.example.com", 80));
        assert!(!exact.matches("https", "evil.api.example.com", 443));
        let wild: HostPattern = "*.example.com:443".parse().unwrap();
        assert!(wild.matches("https", "a.example.com", 443));
        assert!(wild.matches("https", "a.b.example.com", 443));
        assert!(!wild.matches("https", "example.com", 443));
        assert!(!wild.matches("http", "a.example.com", 80));
        assert!(!wild.matches("https", "a.example.com.evil.net", 443));
        // A scheme narrows it; IPv6 addresses in brackets.
        let tls: HostPattern = "https://api.example.com".parse().unwrap();
        assert!(tls.matches("https", "api.example.com", 443));
        assert!(!tls.matches("http", "api.example.com", 80));
        let v6: HostPattern = "[::1]:8080".parse().unwrap();
        assert!(v6.to_scope().names_address("::1".parse().unwrap(), 8080));
        assert!("*".parse::<HostPattern>().is_err());
        assert!("host:http".parse::<HostPattern>().is_err());
        assert!("ftp://host".parse::<HostPattern>().is_err());
        assert!("host/path".parse::<HostPattern>().is_err());
    }

    #[test]
    fn special_ranges_need_an_address_pattern() {
        for (ip, special) in [
            ("127.0.0.1", true),
            ("169.254.169.254", true),
            ("10.1.2.3", true),
            ("192.168.0.1", true),
            ("100.64.0.1", true),
            ("0.0.0.0", true),
            ("::1", true),
            ("fe80::1", true),
            ("fd00::1", true),
            ("::ffff:127.0.0.1", true),
            ("93.184.216.34", false),
            ("2606:2800:220:1::1", false),
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(special_range(ip).is_some(), special, "{ip}");
        }
        let by_address = "127.0.0.1:8080".parse::<HostPattern>().unwrap().to_scope();
        assert!(by_address.names_address("127.0.0.1".parse().unwrap(), 8080));
        assert!(!by_address.names_address("127.0.0.1".parse().unwrap(), 9090));
        let by_name = "localhost".parse::<HostPattern>().unwrap().to_scope();
        assert!(!by_name.names_address("127.0.0.1".parse().unwrap(), 80));
    }

    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_refused() {
        let allow = vec!["localhost".parse::<HostPattern>().unwrap().to_scope()];
        let why = checked_address("localhost", 8080, &allow)
            .await
            .unwrap_err();
        assert!(why.contains("a loopback address"), "{why}");
        assert!(
            why.contains("--allow-host 127.0.0.1:8080") || why.contains("--allow-host [::1]:8080"),
            "{why}"
        );
        let allow = vec!["127.0.0.1:8080".parse::<HostPattern>().unwrap().to_scope()];
        assert_eq!(
            checked_address("127.0.0.1", 8080, &allow).await.unwrap(),
            "127.0.0.1:8080".parse().unwrap()
        );
    }

    #[test]
    fn flags_only_narrow_the_signed_scope() {
        let mode = |hosts: &[&str]| HttpClientMode::Local {
            allow: hosts.iter().map(|h| h.parse().unwrap()).collect(),
        };
        let mut scopes = Scopes::new();
        // Unscoped: the flags decide.
        assert_eq!(
            effective_allow(&mode(&["a.example.com"]), &scopes)
                .unwrap()
                .len(),
            1
        );
        scopes
            .insert(ScopeKind::HttpClientHost, "*.example.com:443")
            .unwrap();
        // Scoped without flags: the scope is the allow-list.
        let allow = effective_allow(&mode(&[]), &scopes).unwrap();
        assert!(allow[0].admits("https", "api.example.com", 443));
        assert!(effective_allow(&mode(&["api.example.com:443"]), &scopes).is_ok());
        let err = effective_allow(&mode(&["evil.net"]), &scopes).unwrap_err();
        assert!(
            err.contains("outside the actor's signed scope httpclient.host (*.example.com:443)"),
            "{err}"
        );
        // A wider pattern than the scope (any port) is refused too.
        assert!(effective_allow(&mode(&["api.example.com"]), &scopes).is_err());
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
