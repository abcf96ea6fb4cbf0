//! Registry credentials: given on the command line, or found in the docker config file
//! (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`), as docker, skopeo, wkg and
//! wash find them.
//!
//! Read from the file: an `auths` entry for the registry with `auth` (base64 of
//! `user:password`) or `username` and `password`. Credential helpers (`credsStore`,
//! `credHelpers`) and identity tokens are not run or used; [`Lookup::Unsupported`] says so, so
//! the caller can tell the user why it goes anonymous.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Who to authenticate as.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    Anonymous,
    Basic { username: String, password: String },
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Anonymous => f.write_str("Anonymous"),
            // Never the password.
            Credentials::Basic { username, .. } => write!(f, "Basic({username:?}, …)"),
        }
    }
}

/// What the docker config file holds for a registry.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    Found(Credentials),
    /// No file, or no entry for the registry.
    None,
    /// An entry wzt cannot use; says what it is (a credential helper, an identity token).
    Unsupported(String),
}

/// Why the docker config file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Not a file wzt reads (a FIFO, a device, over [`MAX_DOCKER_CONFIG`]), or unreadable.
    #[error("the docker config file: {0}")]
    Read(#[from] crate::fsutil::FileError),
    #[error("the docker config file {} is not valid: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct DockerConfig {
    /// Each entry is read only when it is the registry's: a malformed entry for another
    /// registry does not stop this one.
    #[serde(default)]
    auths: std::collections::BTreeMap<String, serde_json::Value>,
    creds_store: Option<String>,
    #[serde(default)]
    cred_helpers: std::collections::BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "lowercase")]
struct AuthEntry {
    auth: Option<String>,
    username: Option<String>,
    password: Option<String>,
    identitytoken: Option<String>,
}

/// `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
pub fn docker_config_path() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    match var("DOCKER_CONFIG") {
        Some(dir) => Some(PathBuf::from(dir).join("config.json")),
        None => var("HOME").map(|h| PathBuf::from(h).join(".docker/config.json")),
    }
}

/// The credentials the docker config file holds for `registry` (`host[:port]`).
pub fn from_docker_config(registry: &str) -> Result<Lookup, AuthError> {
    match docker_config_path() {
        Some(path) => lookup_in(&path, registry),
        None => Ok(Lookup::None),
    }
}

/// The largest docker config file read (one holding many registries is a few KiB).
pub const MAX_DOCKER_CONFIG: u64 = 1 << 20;

/// The same, in the file at `path` (a missing file holds nothing): a regular file (a symbolic
/// link to one is followed) of at most [`MAX_DOCKER_CONFIG`].
pub fn lookup_in(path: &Path, registry: &str) -> Result<Lookup, AuthError> {
    use crate::fsutil::{CheckedFile, FileRules};
    let text = match CheckedFile::open_if_exists(path, FileRules::named(MAX_DOCKER_CONFIG))? {
        Some(file) => file.read_all()?,
        None => return Ok(Lookup::None),
    };
    lookup_text(path, &text, registry)
}

/// [`lookup_in`] on the file's bytes (`path` names it in messages). Never puts a value of the
/// file (a password, an `auth` string) in an error.
pub fn lookup_text(path: &Path, text: &[u8], registry: &str) -> Result<Lookup, AuthError> {
    let invalid = |message: String| AuthError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    // serde's messages can quote the value they choke on (a password, an auth string): only
    // where, never what.
    let where_ = |e: serde_json::Error| format!("line {}, column {}", e.line(), e.column());
    let config: DockerConfig = serde_json::from_slice(text).map_err(|e| {
        invalid(format!(
            "it is not JSON of the docker config's shape ({})",
            where_(e)
        ))
    })?;
    let names = registry_names(registry);
    let entry = config
        .auths
        .iter()
        .find(|(key, _)| names.contains(&normalize(key)))
        .map(|(_, entry)| {
            serde_json::from_value::<AuthEntry>(entry.clone()).map_err(|_| {
                invalid(format!(
                    "its entry for {registry} is not an object of auth, username, password or identitytoken strings"
                ))
            })
        })
        .transpose()?;
    if let Some(entry) = &entry {
        if let Some(auth) = &entry.auth {
            let decoded = data_encoding::BASE64
                .decode(auth.trim().as_bytes())
                .ok()
                .and_then(|d| String::from_utf8(d).ok())
                .ok_or_else(|| invalid(format!("the auth of {registry} is not base64 text")))?;
            let (username, password) = decoded.split_once(':').ok_or_else(|| {
                invalid(format!(
                    "the auth of {registry} is not base64 of user:password"
                ))
            })?;
            return Ok(Lookup::Found(Credentials::Basic {
                username: username.to_string(),
                password: password.to_string(),
            }));
        }
        if let (Some(username), Some(password)) = (&entry.username, &entry.password) {
            return Ok(Lookup::Found(Credentials::Basic {
                username: username.clone(),
                password: password.clone(),
            }));
        }
        if entry.identitytoken.is_some() {
            return Ok(Lookup::Unsupported(format!(
                "an identity token for {registry} (use --username and --password-stdin)"
            )));
        }
    }
    let helper = config
        .cred_helpers
        .iter()
        .find(|(key, _)| names.contains(&normalize(key)))
        .map(|(_, helper)| helper)
        .or(config.creds_store.as_ref());
    Ok(match helper {
        Some(helper) => Lookup::Unsupported(format!(
            "the credential helper `docker-credential-{helper}`, which wzt does not run (use --username and --password-stdin)"
        )),
        None => Lookup::None,
    })
}

/// A config key as a bare `host[:port]`, lower case: `https://ghcr.io/v1/` → `ghcr.io`.
fn normalize(key: &str) -> String {
    let key = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    key.split('/').next().unwrap_or(key).to_ascii_lowercase()
}

/// The names a registry goes by in config files (Docker Hub has several).
fn registry_names(registry: &str) -> Vec<String> {
    let registry = registry.to_ascii_lowercase();
    if matches!(
        registry.as_str(),
        "docker.io" | "index.docker.io" | "registry-1.docker.io"
    ) {
        vec![
            "docker.io".into(),
            "index.docker.io".into(),
            "registry-1.docker.io".into(),
        ]
    } else {
        vec![registry]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(json: &str, registry: &str) -> Result<Lookup, AuthError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, json).unwrap();
        lookup_in(&path, registry)
    }

    fn basic(u: &str, p: &str) -> Lookup {
        Lookup::Found(Credentials::Basic {
            username: u.into(),
            password: p.into(),
        })
    }

    #[test]
    fn entries_are_found_by_any_spelling_of_the_registry() {
        let auth = data_encoding::BASE64.encode(b"alice:s3cr:et");
        let json = format!(r#"{{"auths": {{"http://127.0.0.1:5000/v2/": {{"auth": "{auth}"}}}}}}"#);
        assert_eq!(
            lookup(&json, "127.0.0.1:5000").unwrap(),
            basic("alice", "s3cr:et")
        );
        assert_eq!(lookup(&json, "127.0.0.1:5001").unwrap(), Lookup::None);
        let hub =
            r#"{"auths": {"https://index.docker.io/v1/": {"username": "u", "password": "p"}}}"#;
        assert_eq!(lookup(hub, "docker.io").unwrap(), basic("u", "p"));
    }

    #[test]
    fn a_bad_entry_never_echoes_its_value_and_does_not_stop_another_registry() {
        let json = r#"{"auths": {"ghcr.io": "YWxpY2U6czNjcmV0", "quay.io": {"password": 123456789},
            "127.0.0.1:5000": {"username": "u", "password": "p"}}}"#;
        assert_eq!(lookup(json, "127.0.0.1:5000").unwrap(), basic("u", "p"));
        for registry in ["ghcr.io", "quay.io"] {
            let message = lookup(json, registry).unwrap_err().to_string();
            assert!(
                !message.contains("YWxpY2U6czNjcmV0") && !message.contains("123456789"),
                "{message}"
            );
            assert!(
                message.contains(&format!("its entry for {registry}")),
                "{message}"
            );
        }
        let message = lookup(r#"{"auths": {"x": {"auth": "secret-value"}"#, "x")
            .unwrap_err()
            .to_string();
        assert!(!message.contains("secret-value"), "{message}");
    }

    #[test]
    fn helpers_and_bad_files_are_reported() {
        let helper = r#"{"auths": {"ghcr.io": {}}, "credsStore": "desktop"}"#;
        assert!(matches!(
            lookup(helper, "ghcr.io").unwrap(),
            Lookup::Unsupported(why) if why.contains("docker-credential-desktop")
        ));
        assert!(matches!(
            lookup("{not json", "ghcr.io"),
            Err(AuthError::Invalid { .. })
        ));
        assert!(matches!(
            lookup(r#"{"auths": {"ghcr.io": {"auth": "!!"}}}"#, "ghcr.io"),
            Err(AuthError::Invalid { .. })
        ));
        let missing = tempfile::tempdir().unwrap();
        assert_eq!(
            lookup_in(&missing.path().join("none.json"), "ghcr.io").unwrap(),
            Lookup::None
        );
    }
}
