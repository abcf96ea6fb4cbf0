//! How a host reaches the NATS server: the URL (`nats://` or `tls://`), how it authenticates
//! (an nkey user, or a `.creds` file as `nsc` writes it) and which certificate authority it
//! trusts for TLS (docs/design.md §13, "Connection").
//!
//! TLS is required, never merely offered, when the URL is `tls://` or a CA is given: a server
//! (or a man in the middle) that answers in plain text is refused, so a connection cannot be
//! downgraded. Credentials never travel in the URL (they would show in process lists, logs
//! and the startup block).

use std::str::FromStr as _;
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;
use zeroize::Zeroizing;

use crate::keys::{Key, KeyRole};
use crate::text::Untrusted;

/// Why the connection settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error("'{}' is not a NATS server URL: {why}", Untrusted(.url))]
    BadUrl { url: String, why: String },
    #[error(
        "the NATS URL carries a user name or password, which would show in process lists and logs: authenticate with --nats-creds FILE or --nats-nkey NAME instead"
    )]
    CredentialsInUrl,
    #[error("the NATS user key must be a user key (U…), but it is {} key", .0.with_article())]
    NotAUserKey(KeyRole),
    #[error(
        "authenticating over plain nats:// to a server that is not on this machine would let anyone on the path relay the authentication and read the lattice: use tls://HOST:PORT, or --nats-ca FILE"
    )]
    AuthWithoutTls,
    #[error("the credentials file is not usable: {0}")]
    BadCreds(String),
    #[error("the CA file holds no usable certificate: {0}")]
    BadCa(String),
}

/// How the host proves who it is to the NATS server.
pub enum NatsAuth {
    /// No authentication (an open server).
    None,
    /// An nkey user (`U…`): the server's nonce is signed with it.
    Nkey(Arc<Key>),
    /// A user JWT and its seed, in the `.creds` format `nsc` writes (the file's text).
    Creds(Zeroizing<String>),
}

impl NatsAuth {
    /// A user key from the store; any other role is refused.
    pub fn nkey(key: Key) -> Result<NatsAuth, ConnectionError> {
        if key.role() != KeyRole::User {
            return Err(ConnectionError::NotAUserKey(key.role()));
        }
        Ok(NatsAuth::Nkey(Arc::new(key)))
    }

    /// The text of a `.creds` file; checked here (a user JWT and a user seed), so a bad file is
    /// refused before connecting.
    pub fn creds(text: Zeroizing<String>) -> Result<NatsAuth, ConnectionError> {
        async_nats::ConnectOptions::new()
            .credentials(&text)
            .map_err(|e| ConnectionError::BadCreds(e.to_string()))?;
        let seed = text
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with('S') && l.len() == 58)
            .ok_or_else(|| ConnectionError::BadCreds("it holds no nkey seed".into()))?;
        let key = Key::from_seed(seed).map_err(|e| ConnectionError::BadCreds(e.to_string()))?;
        if key.role() != KeyRole::User {
            return Err(ConnectionError::BadCreds(format!(
                "its seed is {} key, not a user key",
                key.role().with_article()
            )));
        }
        Ok(NatsAuth::Creds(text))
    }
}

/// Where the NATS server is and how to talk to it.
pub struct NatsConnection {
    url: String,
    auth: NatsAuth,
    /// Roots for TLS (only these when given, instead of the system's).
    ca: Option<Vec<CertificateDer<'static>>>,
    /// Where the CA came from, for the startup block.
    ca_name: Option<String>,
}

impl NatsConnection {
    /// `url` is `nats://HOST:PORT` or `tls://HOST:PORT` without user information; `ca_pem` the
    /// text of a PEM file of CA certificates (named `ca_name`), which also makes TLS required.
    pub fn new(
        url: &str,
        auth: NatsAuth,
        ca: Option<(&str, &[u8])>,
    ) -> Result<NatsConnection, ConnectionError> {
        let bad = |why: String| ConnectionError::BadUrl {
            url: url.to_string(),
            why,
        };
        if !url.starts_with("nats://") && !url.starts_with("tls://") {
            return Err(bad("use nats://HOST:PORT or tls://HOST:PORT".into()));
        }
        let addr = async_nats::ServerAddr::from_str(url).map_err(|e| bad(e.to_string()))?;
        if addr.username().is_some() || addr.password().is_some() {
            return Err(ConnectionError::CredentialsInUrl);
        }
        if addr.host().is_empty() {
            return Err(bad("it names no host".into()));
        }
        let requires_tls = url.starts_with("tls://") || ca.is_some();
        if !matches!(auth, NatsAuth::None) && !requires_tls && !is_loopback(addr.host()) {
            return Err(ConnectionError::AuthWithoutTls);
        }
        let (ca, ca_name) = match ca {
            Some((name, pem)) => {
                let certs = CertificateDer::pem_slice_iter(pem)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| ConnectionError::BadCa(format!("{name}: {e}")))?;
                if certs.is_empty() {
                    return Err(ConnectionError::BadCa(format!(
                        "{name} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
                    )));
                }
                let mut roots = rustls::RootCertStore::empty();
                for cert in &certs {
                    roots
                        .add(cert.clone())
                        .map_err(|e| ConnectionError::BadCa(format!("{name}: {e}")))?;
                }
                (Some(certs), Some(name.to_string()))
            }
            None => (None, None),
        };
        Ok(NatsConnection {
            url: url.to_string(),
            auth,
            ca,
            ca_name,
        })
    }

    /// An open server at `url`, no TLS unless the URL asks for it.
    pub fn open(url: &str) -> Result<NatsConnection, ConnectionError> {
        NatsConnection::new(url, NatsAuth::None, None)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether the connection must be TLS (a `tls://` URL or a CA given).
    pub fn requires_tls(&self) -> bool {
        self.url.starts_with("tls://") || self.ca.is_some()
    }

    /// How this host authenticates: `none`, `nkey U…` or `creds`.
    pub fn auth_kind(&self) -> String {
        match &self.auth {
            NatsAuth::None => "none".into(),
            NatsAuth::Nkey(key) => format!("nkey {}", key.public_key()),
            NatsAuth::Creds(_) => "creds".into(),
        }
    }

    /// One line for the startup block: TLS and authentication.
    pub fn describe(&self) -> String {
        let tls = match (&self.ca_name, self.requires_tls()) {
            (Some(ca), _) => format!("TLS required (CA {})", Untrusted(ca)),
            (None, true) => "TLS required (the system's CAs)".to_string(),
            (None, false) => "plain (no TLS)".to_string(),
        };
        let auth = match &self.auth {
            NatsAuth::None => "no authentication".to_string(),
            NatsAuth::Nkey(key) => format!("as nkey user {}", key.public_key()),
            NatsAuth::Creds(_) => "with a credentials file".to_string(),
        };
        format!("{tls}, {auth}")
    }

    /// Why connecting failed, with what to check for the usual causes.
    pub(super) fn connect_failed(&self, error: &async_nats::ConnectError) -> String {
        use async_nats::ConnectErrorKind as Kind;
        let hint = match (error.kind(), &self.auth) {
            (Kind::AuthorizationViolation, NatsAuth::None) => {
                " (the server wants a user: --nats-nkey NAME or --nats-creds FILE)"
            }
            (Kind::AuthorizationViolation, _) => {
                " (the server's configuration does not list this user, or not with these rights)"
            }
            (Kind::Tls | Kind::Io, _) if self.requires_tls() => {
                " (TLS is required here: the server must answer in TLS with a certificate for this host name that the CA signed, --nats-ca or the system's; a server answering in plain text is refused)"
            }
            _ => "",
        };
        format!(
            "cannot connect to the lattice at {}: {}{hint}",
            self.url,
            Untrusted(&error.to_string())
        )
    }

    /// The client's options: authentication and TLS. The rest (name, reconnects, events) is
    /// the caller's.
    pub(super) fn options(&self) -> Result<async_nats::ConnectOptions, ConnectionError> {
        let mut options = match &self.auth {
            NatsAuth::None => async_nats::ConnectOptions::new(),
            NatsAuth::Nkey(key) => {
                let key = Arc::clone(key);
                async_nats::ConnectOptions::with_auth_callback(move |nonce| {
                    let key = Arc::clone(&key);
                    async move {
                        let mut auth = async_nats::Auth::new();
                        auth.nkey = Some(key.public_key().to_string());
                        auth.signature = Some(
                            key.sign(&nonce)
                                .map_err(async_nats::AuthError::new)?
                                .to_vec(),
                        );
                        Ok(auth)
                    }
                })
            }
            NatsAuth::Creds(text) => async_nats::ConnectOptions::new()
                .credentials(text)
                .map_err(|e| ConnectionError::BadCreds(e.to_string()))?,
        };
        if self.requires_tls() {
            options = options.require_tls(true);
        }
        if let Some(certs) = &self.ca {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let mut roots = rustls::RootCertStore::empty();
            for cert in certs {
                roots
                    .add(cert.clone())
                    .map_err(|e| ConnectionError::BadCa(e.to_string()))?;
            }
            let config = rustls::ClientConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .map_err(|e| ConnectionError::BadCa(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
            options = options.tls_client_config(config);
        } else if self.requires_tls() {
            // async-nats builds its TLS client with the process's provider and the system's
            // roots.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        Ok(options)
    }
}

/// Whether `host` is this machine (a loopback address or `localhost`).
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_nats_or_tls_without_credentials() {
        assert!(NatsConnection::open("nats://127.0.0.1:4222").is_ok());
        assert!(
            NatsConnection::open("tls://nats.example:4222")
                .unwrap()
                .requires_tls()
        );
        assert!(
            !NatsConnection::open("nats://127.0.0.1:4222")
                .unwrap()
                .requires_tls()
        );
        for bad in ["http://x:4222", "127.0.0.1:4222", "ws://x:80", "nats://"] {
            let err = NatsConnection::open(bad).err().expect(bad).to_string();
            assert!(err.contains("is not a NATS server URL"), "{bad}: {err}");
        }
        for secret in ["nats://user:pass@x:4222", "tls://token@x:4222"] {
            let err = NatsConnection::open(secret).err().unwrap().to_string();
            assert!(err.contains("--nats-creds"), "{err}");
            assert!(!err.contains("pass") || !err.contains("user:pass"), "{err}");
        }
    }

    #[test]
    fn a_ca_makes_tls_required_and_must_hold_certificates() {
        let err = NatsConnection::new("nats://x:4222", NatsAuth::None, Some(("ca.pem", b"junk")))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("ca.pem holds no PEM certificate"), "{err}");
        let err = NatsConnection::new(
            "nats://x:4222",
            NatsAuth::None,
            Some((
                "ca.pem",
                b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            )),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(
            err.starts_with("the CA file holds no usable certificate"),
            "{err}"
        );
    }

    #[test]
    fn credentials_need_tls_unless_the_server_is_on_this_machine() {
        let user = || NatsAuth::nkey(Key::generate(KeyRole::User)).unwrap();
        for local in [
            "nats://127.0.0.1:4222",
            "nats://localhost:4222",
            "nats://[::1]:4222",
        ] {
            assert!(NatsConnection::new(local, user(), None).is_ok(), "{local}");
        }
        let err = NatsConnection::new("nats://nats.example:4222", user(), None)
            .err()
            .unwrap();
        assert!(matches!(err, ConnectionError::AuthWithoutTls), "{err}");
        assert!(NatsConnection::new("tls://nats.example:4222", user(), None).is_ok());
        assert!(NatsConnection::open("nats://nats.example:4222").is_ok());
    }

    #[test]
    fn only_user_keys_authenticate() {
        let err = NatsAuth::nkey(Key::generate(KeyRole::Server))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("must be a user key (U…)"), "{err}");
        assert!(NatsAuth::nkey(Key::generate(KeyRole::User)).is_ok());
        let err = NatsAuth::creds(Zeroizing::new("nothing".into()))
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.starts_with("the credentials file is not usable"),
            "{err}"
        );
    }
}
