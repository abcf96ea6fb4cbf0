//! Image references as wzt takes them: `[oci://]REGISTRY/REPOSITORY(:TAG|@sha256:HEX|:TAG@sha256:HEX)`.
//!
//! The parsing is `oci-client`'s (the distribution reference grammar); wzt adds what it
//! requires: a tag or a digest written out (never an implied `latest`), sha256 digests only.

use std::fmt;
use std::net::IpAddr;

use oci_client::Reference;

/// A parsed reference that names a tag or a digest explicitly.
#[derive(Debug, Clone)]
pub struct ImageRef {
    inner: Reference,
    /// Whether a tag was written (the parser fills in `latest` when none was).
    tagged: bool,
}

/// Why a reference is refused (an input error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefError {
    #[error(
        "`{text}` is not an image reference ({reason}); expected REGISTRY/REPOSITORY:TAG, e.g. 127.0.0.1:5000/actors/echo:1.0.0"
    )]
    Invalid { text: String, reason: String },
    #[error(
        "`{0}` names no tag and no digest; name one, e.g. `{0}:1.0.0` or `{0}@sha256:…` (wzt never assumes `latest`)"
    )]
    NoTagOrDigest(String),
    #[error("`{0}`: only sha256 digests are supported (sha256: and 64 lower-case hex digits)")]
    BadDigest(String),
}

/// A sha256 digest, `sha256:` and 64 lower-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Digest(String);

impl Digest {
    /// Parses `sha256:<64 lower-case hex>`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Digest> {
        let hex = text.strip_prefix("sha256:")?;
        (hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Digest(text.to_string()))
    }

    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        use sha2::Digest as _;
        Digest::from_hasher(sha2::Sha256::new_with_prefix(bytes))
    }

    pub(crate) fn from_hasher(hasher: sha2::Sha256) -> Digest {
        use sha2::Digest as _;
        Digest(format!(
            "sha256:{}",
            data_encoding::HEXLOWER.encode(&hasher.finalize())
        ))
    }

    /// The hex part (the blob's file name in a cache).
    pub fn hex(&self) -> &str {
        &self.0["sha256:".len()..]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl ImageRef {
    /// Parses a reference, with or without the `oci://` prefix.
    pub fn parse(text: &str) -> Result<ImageRef, RefError> {
        let bare = text.strip_prefix("oci://").unwrap_or(text);
        let inner = Reference::try_from(bare).map_err(|e| RefError::Invalid {
            text: bare.to_string(),
            reason: e.to_string(),
        })?;
        let name = bare.split('@').next().unwrap_or(bare);
        let tagged = name
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains(':'));
        let digested = bare.contains('@');
        if !tagged && !digested {
            return Err(RefError::NoTagOrDigest(bare.to_string()));
        }
        if let Some(d) = inner.digest()
            && Digest::parse(d).is_none()
        {
            return Err(RefError::BadDigest(bare.to_string()));
        }
        Ok(ImageRef { inner, tagged })
    }

    /// The registry as written (`127.0.0.1:5000`, `ghcr.io`; `docker.io` when none was).
    pub fn registry(&self) -> &str {
        self.inner.registry()
    }

    /// The registry the client talks to (`index.docker.io` for `docker.io`).
    pub fn resolved_registry(&self) -> &str {
        self.inner.resolve_registry()
    }

    pub fn repository(&self) -> &str {
        self.inner.repository()
    }

    /// The tag, when one was written.
    pub fn tag(&self) -> Option<&str> {
        self.tagged.then(|| self.inner.tag()).flatten()
    }

    /// The pinned digest, when one was written.
    pub fn digest(&self) -> Option<Digest> {
        self.inner.digest().and_then(Digest::parse)
    }

    /// Whether the tag is `latest` (which `wzt push` takes only on purpose).
    pub fn is_latest(&self) -> bool {
        self.tag() == Some("latest")
    }

    /// The last path segment of the repository (`echo` for `actors/echo`): a default file
    /// name and title.
    pub fn short_name(&self) -> &str {
        self.repository()
            .rsplit('/')
            .next()
            .unwrap_or(self.repository())
    }

    /// Whether the registry is on this machine by name or address (`localhost`, `127.0.0.0/8`):
    /// the only registries spoken to over plain HTTP without `--insecure`. A name that merely
    /// resolves to a loopback address does not count. (The reference grammar has no IPv6
    /// literals.)
    pub fn is_loopback(&self) -> bool {
        let registry = self.registry();
        let host = registry.split(':').next().unwrap_or(registry);
        host.eq_ignore_ascii_case("localhost")
            || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }

    /// The same repository pinned at `digest` (what a pull resolved).
    pub fn pinned(&self, digest: &Digest) -> String {
        format!(
            "{}/{}@{}",
            self.registry(),
            self.repository(),
            digest.as_str()
        )
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry(), self.repository())?;
        if let Some(tag) = self.tag() {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = self.inner.digest() {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn tags_and_digests_must_be_written() {
        let r = ImageRef::parse("oci://127.0.0.1:5000/actors/echo:1.0.0").unwrap();
        assert_eq!(r.registry(), "127.0.0.1:5000");
        assert_eq!(r.repository(), "actors/echo");
        assert_eq!(r.tag(), Some("1.0.0"));
        assert_eq!(r.short_name(), "echo");
        assert!(r.is_loopback());
        assert_eq!(r.to_string(), "127.0.0.1:5000/actors/echo:1.0.0");

        let pinned = ImageRef::parse(&format!("localhost:5000/echo@sha256:{HEX}")).unwrap();
        assert_eq!(pinned.tag(), None);
        assert_eq!(pinned.digest().unwrap().hex(), HEX);
        assert!(pinned.is_loopback());

        assert!(matches!(
            ImageRef::parse("127.0.0.1:5000/echo"),
            Err(RefError::NoTagOrDigest(_))
        ));
        assert!(matches!(
            ImageRef::parse("ghcr.io/a/b"),
            Err(RefError::NoTagOrDigest(_))
        ));
        assert!(ImageRef::parse("ghcr.io/a/b:latest").unwrap().is_latest());
        assert!(!ImageRef::parse("ghcr.io/a/b:1").unwrap().is_loopback());
        assert!(matches!(
            ImageRef::parse("Bad Ref"),
            Err(RefError::Invalid { .. })
        ));
        assert!(
            ImageRef::parse("127.1.2.3:80/echo:1")
                .unwrap()
                .is_loopback()
        );
        assert!(
            !ImageRef::parse("localhost.example.com/echo:1")
                .unwrap()
                .is_loopback()
        );
    }

    #[test]
    fn digests_are_sha256_hex() {
        assert!(Digest::parse(&format!("sha256:{HEX}")).is_some());
        assert!(Digest::parse(&format!("sha256:{}", HEX.to_uppercase())).is_none());
        assert!(Digest::parse("sha512:00").is_none());
        assert_eq!(
            Digest::of(b"").as_str(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
