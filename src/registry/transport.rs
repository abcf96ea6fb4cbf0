//! The registry HTTP protocol (the OCI distribution spec's few requests wzt needs), on reqwest,
//! with wzt's rules on every URL it is sent to and every body it reads.
//!
//! Why not `oci-client`'s client (which wzt still uses for references and manifest types): a
//! red-team pass against it found that a hostile registry could make it panic (an `unwrap` on
//! a token with a control character, and on an upload `Location` that is not a URL), read
//! manifests and error bodies of any size into memory, follow redirects and a manifest's
//! `urls` to plain HTTP on other hosts, send upload bodies wherever `Location` pointed, and send
//! Basic credentials to whatever token server ("realm") the registry named, over plain HTTP
//! too; its configuration offers no way to stop any of it. Here:
//!
//! - every URL (the registry's, a redirect's, a token server's, an upload location) must be
//!   HTTPS, or plain HTTP to a loopback address of the same host when the registry itself is
//!   loopback, or anything with `insecure`; an upload location must also stay on the registry;
//! - credentials are sent only in answer to the registry's challenge: Basic to the registry, or
//!   to the token server the Bearer challenge names when it passes the URL rule;
//! - every body read whole is capped (manifest 4 MiB, token and error bodies 64 KiB); a token is
//!   checked to be a header-safe string;
//! - system proxies are not used for a loopback registry;
//! - nothing here panics on what a registry sends.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt as _;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, LOCATION, WWW_AUTHENTICATE,
};
use reqwest::{Method, RequestBuilder, Response, StatusCode, Url};

use super::auth::Credentials;
use super::challenge::parse_challenge;
use super::reference::ImageRef;

/// The largest manifest wzt reads.
pub const MAX_MANIFEST_SIZE: u64 = 4 << 20;
/// The largest token-server answer or error body wzt reads.
const MAX_SMALL_BODY: u64 = 64 << 10;
/// How much of an error body is kept for the message.
const ERROR_EXCERPT: usize = 512;
/// The longest bearer token accepted.
const MAX_TOKEN_LEN: usize = 16 << 10;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("{0}")]
    Http(#[from] reqwest::Error),
    /// The registry answered with an error status. `body` is an excerpt of what it sent:
    /// escape it before printing.
    #[error("the registry answered {status}{}", if body.is_empty() { String::new() } else { format!(": {body}") })]
    Status { status: StatusCode, body: String },
    /// A URL the registry pointed to breaks the transport rules.
    #[error("{0}")]
    Refused(String),
    /// The registry's authentication does not work as the spec says.
    #[error("{0}")]
    Auth(String),
    /// A body over its cap.
    #[error("the registry sent more than {limit} bytes for {what}")]
    TooLarge { what: &'static str, limit: u64 },
}

/// A connection to one registry, for one repository's operations.
pub struct Transport {
    http: reqwest::Client,
    /// The same, following no redirect: uploads go to the registry's origin and nowhere else.
    upload: reqwest::Client,
    /// `scheme://host[:port]/` of the registry.
    base: Url,
    insecure: bool,
    credentials: Credentials,
    /// The `Authorization` value that worked, per scope (`pull`, `pull,push`).
    authorization: Mutex<HashMap<String, HeaderValue>>,
}

/// Where `localhost` is, whatever `/etc/hosts` or a DNS server says (the port is the URL's).
const LOCALHOST_ADDRESSES: [std::net::SocketAddr; 2] = [
    std::net::SocketAddr::new(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0),
    std::net::SocketAddr::new(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST), 0),
];

/// Whether `host` (as in a URL) names this machine by a loopback address or `localhost`.
fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The transport rule: HTTPS; or plain HTTP when `insecure`, or to a loopback host that is the
/// registry's own host when the registry is loopback. Never a URL with userinfo (reqwest would
/// turn it into an `Authorization` header the registry chose).
fn url_allowed(url: &Url, base: &Url, insecure: bool) -> bool {
    if !url.username().is_empty() || url.password().is_some() {
        return false;
    }
    match url.scheme() {
        "https" => true,
        "http" => {
            insecure
                || (base.scheme() == "http"
                    && url.host_str().is_some_and(is_loopback_host)
                    && url.host_str() == base.host_str())
        }
        _ => false,
    }
}

impl Transport {
    pub fn new(
        reference: &ImageRef,
        insecure: bool,
        credentials: Credentials,
    ) -> Result<Transport, TransportError> {
        let plain = insecure || reference.is_loopback();
        let scheme = if plain { "http" } else { "https" };
        let base = Url::parse(&format!("{scheme}://{}/", reference.resolved_registry()))
            .map_err(|e| TransportError::Refused(format!("not a registry address: {e}")))?;
        let policy_base = base.clone();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                attempt.error("more than 5 redirects")
            } else if url_allowed(attempt.url(), &policy_base, insecure) {
                attempt.follow()
            } else {
                let refused = format!(
                    "refusing a redirect to {}: only HTTPS, or plain HTTP to a loopback registry's own host (--insecure allows plain HTTP anywhere), and never a URL with a user name",
                    attempt.url()
                );
                attempt.error(refused)
            }
        });
        let builder = |redirect: reqwest::redirect::Policy| {
            let mut builder = reqwest::Client::builder()
                .user_agent(concat!("wzt/", env!("CARGO_PKG_VERSION")))
                .redirect(redirect)
                .connect_timeout(Duration::from_secs(30))
                .read_timeout(Duration::from_secs(60));
            if !plain {
                builder = builder.https_only(true);
            }
            if reference.is_loopback() {
                // A proxy from the environment would carry loopback traffic (and credentials)
                // off this machine.
                builder = builder.no_proxy();
            }
            // `localhost` is trusted as this machine by its name (plain HTTP, no proxy): it is
            // reached at the loopback addresses, never where a resolver says it is.
            builder.resolve_to_addrs("localhost", &LOCALHOST_ADDRESSES)
        };
        Ok(Transport {
            http: builder(redirects).build()?,
            upload: builder(reqwest::redirect::Policy::none()).build()?,
            base,
            insecure,
            credentials,
            authorization: Mutex::new(HashMap::new()),
        })
    }

    fn allowed(&self, url: &Url) -> bool {
        url_allowed(url, &self.base, self.insecure)
    }

    fn url(&self, path: &str) -> Result<Url, TransportError> {
        self.base
            .join(path)
            .map_err(|e| TransportError::Refused(format!("cannot make a URL of {path}: {e}")))
    }

    /// Sends the request `make` builds, answering one authentication challenge for `scope`.
    /// `upload`: the request writes to the registry, so it follows no redirect.
    async fn send(
        &self,
        scope: &str,
        upload: bool,
        make: &(dyn Fn(&reqwest::Client) -> RequestBuilder + Sync),
    ) -> Result<Response, TransportError> {
        let client = if upload { &self.upload } else { &self.http };
        let known = self
            .authorization
            .lock()
            .map(|m| m.get(scope).cloned())
            .unwrap_or(None);
        let mut request = make(client);
        if let Some(value) = &known {
            request = request.header(AUTHORIZATION, value.clone());
        }
        let response = request.send().await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        // A host the registry redirected to (blob storage, a CDN) asking for credentials gets
        // none: they are the registry's.
        if response.url().origin() != self.base.origin() {
            return Err(TransportError::Refused(format!(
                "{} (where the registry redirected) asks for credentials; wzt sends them only to the registry itself",
                response.url().origin().ascii_serialization()
            )));
        }
        let challenge = response
            .headers()
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let Some(challenge) = challenge else {
            return Err(TransportError::Auth(
                "the registry answered 401 Unauthorized without a WWW-Authenticate challenge"
                    .into(),
            ));
        };
        let value = self.answer(&challenge, scope).await?;
        if let Ok(mut map) = self.authorization.lock() {
            map.insert(scope.to_string(), value.clone());
        }
        let response = make(client).header(AUTHORIZATION, value).send().await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            return Err(TransportError::Auth(match self.credentials {
                Credentials::Anonymous => "the registry requires credentials: give them with --username and --password-stdin, or in the docker config file (`docker login`)".into(),
                Credentials::Basic { .. } => "the registry refused the credentials".into(),
            }));
        }
        Ok(response)
    }

    /// The `Authorization` value answering `challenge`.
    async fn answer(&self, challenge: &str, scope: &str) -> Result<HeaderValue, TransportError> {
        let (scheme, params) = parse_challenge(challenge);
        if scheme.eq_ignore_ascii_case("basic") {
            return match &self.credentials {
                Credentials::Basic { username, password } => basic(username, password),
                Credentials::Anonymous => Err(TransportError::Auth(
                    "the registry requires credentials: give them with --username and --password-stdin, or in the docker config file (`docker login`)".into(),
                )),
            };
        }
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(TransportError::Auth(format!(
                "the registry asks for `{scheme}` authentication, which wzt does not speak (Basic or Bearer)"
            )));
        }
        let realm = params
            .get("realm")
            .ok_or_else(|| TransportError::Auth("the Bearer challenge names no realm".into()))?;
        let mut realm = Url::parse(realm).map_err(|e| {
            TransportError::Auth(format!("the Bearer challenge's realm is not a URL: {e}"))
        })?;
        if !self.allowed(&realm) {
            return Err(TransportError::Refused(format!(
                "the registry's token server {realm} is not HTTPS (nor this loopback registry's own host): refusing to use it; pass --insecure to allow it"
            )));
        }
        {
            let mut query = realm.query_pairs_mut();
            if let Some(service) = params.get("service") {
                query.append_pair("service", service);
            }
            query.append_pair("scope", scope);
        }
        let mut request = self.http.get(realm);
        if let Credentials::Basic { username, password } = &self.credentials {
            request = request.header(AUTHORIZATION, basic(username, password)?);
        }
        let response = request.send().await?;
        if !response.status().is_success() {
            return Err(status_error(response).await);
        }
        let body = read_capped(response, MAX_SMALL_BODY, "a token").await?;
        #[derive(serde::Deserialize)]
        struct TokenAnswer {
            token: Option<String>,
            access_token: Option<String>,
        }
        let answer: TokenAnswer = serde_json::from_slice(&body).map_err(|e| {
            TransportError::Auth(format!("the token server's answer is not a token: {e}"))
        })?;
        let token = answer
            .token
            .or(answer.access_token)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| TransportError::Auth("the token server sent no token".into()))?;
        if token.len() > MAX_TOKEN_LEN || !token.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            return Err(TransportError::Auth(
                "the token server sent a token that is not a header-safe string".into(),
            ));
        }
        let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| TransportError::Auth("the token cannot be sent as a header".into()))?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// GET a manifest (at most [`MAX_MANIFEST_SIZE`] bytes), with the digest the registry
    /// says it has (`Docker-Content-Digest`), when it says one.
    pub async fn manifest(
        &self,
        repository: &str,
        reference: &str,
        accept: &[&str],
    ) -> Result<(Bytes, Option<String>), TransportError> {
        let url = self.url(&format!("v2/{repository}/manifests/{reference}"))?;
        let accept = accept.join(", ");
        let response = self
            .send(&pull_scope(repository), false, &|http| {
                http.get(url.clone()).header(ACCEPT, accept.as_str())
            })
            .await?;
        if !response.status().is_success() {
            return Err(status_error(response).await);
        }
        let said = response
            .headers()
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Ok((
            read_capped(response, MAX_MANIFEST_SIZE, "a manifest").await?,
            said,
        ))
    }

    /// GET the referrers of the manifest `digest` (the OCI 1.1 referrers API), filtered by
    /// `artifact_type`: an image index of at most [`MAX_MANIFEST_SIZE`] bytes, or `None` when
    /// the registry answers 404 (it has no such API: the caller falls back to the referrers
    /// tag). Only the first page is read.
    pub async fn referrers(
        &self,
        repository: &str,
        digest: &str,
        artifact_type: &str,
    ) -> Result<Option<Bytes>, TransportError> {
        let mut url = self.url(&format!("v2/{repository}/referrers/{digest}"))?;
        url.query_pairs_mut()
            .append_pair("artifactType", artifact_type);
        let response = self
            .send(&pull_scope(repository), false, &|http| {
                http.get(url.clone())
                    .header(ACCEPT, "application/vnd.oci.image.index.v1+json")
            })
            .await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(status_error(response).await);
        }
        Ok(Some(
            read_capped(response, MAX_MANIFEST_SIZE, "a referrers list").await?,
        ))
    }

    /// GET a blob of known `size` whole (at most `limit` bytes), e.g. a provenance envelope;
    /// the caller checks its digest.
    pub async fn small_blob(
        &self,
        repository: &str,
        digest: &str,
        limit: u64,
    ) -> Result<Bytes, TransportError> {
        let response = self.blob(repository, digest).await?;
        read_capped(response, limit, "a blob").await
    }

    /// GET a blob, streamed (the caller counts and hashes).
    pub async fn blob(&self, repository: &str, digest: &str) -> Result<Response, TransportError> {
        let url = self.url(&format!("v2/{repository}/blobs/{digest}"))?;
        let response = self
            .send(&pull_scope(repository), false, &|http| {
                http.get(url.clone())
            })
            .await?;
        if !response.status().is_success() {
            return Err(status_error(response).await);
        }
        Ok(response)
    }

    /// Whether the repository holds the blob (HEAD).
    pub async fn blob_exists(
        &self,
        repository: &str,
        digest: &str,
    ) -> Result<bool, TransportError> {
        let url = self.url(&format!("v2/{repository}/blobs/{digest}"))?;
        let response = self
            .send(&push_scope(repository), false, &|http| {
                http.head(url.clone())
            })
            .await?;
        match response.status() {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(status_error(response).await),
        }
    }

    /// Uploads a blob in one PUT (POST for an upload location, then PUT with the digest).
    pub async fn push_blob(
        &self,
        repository: &str,
        digest: &str,
        data: Bytes,
    ) -> Result<(), TransportError> {
        let scope = push_scope(repository);
        let start = self.url(&format!("v2/{repository}/blobs/uploads/"))?;
        let response = self
            .send(&scope, true, &|http| http.post(start.clone()))
            .await?;
        if response.status() != StatusCode::ACCEPTED {
            return Err(status_error(response).await);
        }
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                TransportError::Refused("the registry gave no upload location".into())
            })?;
        let mut upload = self.base.join(location).map_err(|e| {
            TransportError::Refused(format!("the registry's upload location is not a URL: {e}"))
        })?;
        if upload.origin() != self.base.origin() || !self.allowed(&upload) {
            return Err(TransportError::Refused(format!(
                "the registry's upload location {upload} is on another host; refusing to send the blob there"
            )));
        }
        upload.query_pairs_mut().append_pair("digest", digest);
        let response = self
            .send(&scope, true, &|http| {
                http.request(Method::PUT, upload.clone())
                    .header(CONTENT_TYPE, "application/octet-stream")
                    .body(data.clone())
            })
            .await?;
        if !response.status().is_success() {
            return Err(status_error(response).await);
        }
        Ok(())
    }

    /// PUTs a manifest. Returns the `OCI-Subject` header of the answer: a registry with the
    /// referrers API sends it for a manifest with a `subject`.
    pub async fn push_manifest(
        &self,
        repository: &str,
        reference: &str,
        media_type: &str,
        manifest: Bytes,
    ) -> Result<Option<String>, TransportError> {
        let url = self.url(&format!("v2/{repository}/manifests/{reference}"))?;
        let response = self
            .send(&push_scope(repository), true, &|http| {
                http.put(url.clone())
                    .header(CONTENT_TYPE, media_type)
                    .body(manifest.clone())
            })
            .await?;
        if !response.status().is_success() {
            return Err(status_error(response).await);
        }
        Ok(response
            .headers()
            .get("oci-subject")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string))
    }
}

fn pull_scope(repository: &str) -> String {
    format!("repository:{repository}:pull")
}

fn push_scope(repository: &str) -> String {
    format!("repository:{repository}:pull,push")
}

fn basic(username: &str, password: &str) -> Result<HeaderValue, TransportError> {
    let encoded = data_encoding::BASE64.encode(format!("{username}:{password}").as_bytes());
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
        .map_err(|_| TransportError::Auth("the credentials cannot be sent as a header".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// Reads a whole body, refusing one over `limit` bytes (declared or sent).
async fn read_capped(
    response: Response,
    limit: u64,
    what: &'static str,
) -> Result<Bytes, TransportError> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(TransportError::TooLarge { what, limit });
    }
    let mut stream = response.bytes_stream();
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Err(TransportError::TooLarge { what, limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

/// The error for a non-success answer, with an excerpt of its body (the message of an OCI
/// error document when there is one).
async fn status_error(response: Response) -> TransportError {
    let status = response.status();
    let body = read_capped(response, MAX_SMALL_BODY, "an error")
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    #[derive(serde::Deserialize)]
    struct Errors {
        errors: Vec<ErrorEntry>,
    }
    #[derive(serde::Deserialize)]
    struct ErrorEntry {
        code: Option<String>,
        message: Option<String>,
    }
    let text = match serde_json::from_str::<Errors>(&body) {
        Ok(errors) => errors
            .errors
            .iter()
            .map(|e| {
                format!(
                    "{}{}",
                    e.code.as_deref().unwrap_or(""),
                    e.message
                        .as_deref()
                        .map(|m| format!(" ({m})"))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        Err(_) => body.trim().to_string(),
    };
    let mut excerpt: String = text.chars().take(ERROR_EXCERPT).collect();
    if excerpt.len() < text.len() {
        excerpt.push('…');
    }
    TransportError::Status {
        status,
        body: excerpt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_the_loopback_registrys_own_host_unless_insecure() {
        let loopback = Url::parse("http://127.0.0.1:5000/").unwrap();
        let remote = Url::parse("https://registry.example/").unwrap();
        let ok = |u: &str, base: &Url, insecure: bool| {
            url_allowed(&Url::parse(u).unwrap(), base, insecure)
        };
        assert!(ok("http://127.0.0.1:5001/token", &loopback, false));
        assert!(ok("https://192.0.2.2/token", &loopback, false));
        assert!(!ok("http://192.0.2.2:17000/token", &loopback, false));
        assert!(
            !ok("http://localhost:5000/x", &loopback, false),
            "another host name"
        );
        assert!(!ok("http://127.0.0.1/x", &remote, false));
        assert!(!ok("ftp://127.0.0.1/x", &loopback, false));
        assert!(ok("http://192.0.2.2/x", &remote, true));
    }
}
