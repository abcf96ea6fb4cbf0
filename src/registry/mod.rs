//! Distribution through OCI registries (docs/design.md §12): pushing an
//! admitted actor as a CNCF wasm OCI artifact, and fetching one back with every digest checked.
//!
//! References and manifest types are `oci-client`'s (the crate `wkg` uses); the requests go
//! through [`transport`], wzt's own small client on reqwest, because `oci-client`'s could be
//! steered by a hostile registry in ways its configuration cannot stop (see `transport`). This
//! module decides what is sent and what is believed. Nothing here prints: progress goes to a [`Progress`] the caller
//! passes, and strings that came from a registry are returned as they are, for the caller to
//! escape before they reach a terminal.
//!
//! The rules:
//! - only an [`Admitted`] actor can be pushed, so a push has passed the policy;
//! - a fetch checks the manifest's digest (against the pinned one, when the reference has one)
//!   and the layer's size and digest before returning bytes; [`Registry::pull`] then admits
//!   them (`verify::admit`), and its caller writes or runs only an `Admitted`;
//! - plain HTTP only to a loopback registry or when asked (`insecure`), for every URL a
//!   registry points to as well (redirects, token servers, upload locations);
//! - every operation ends within [`Options::deadline`].

use std::time::Duration;

use futures_util::StreamExt as _;
use oci_client::manifest::{OciDescriptor, OciImageManifest};
use sha2::Digest as _;

use crate::caps::Grants;
use crate::policy::Policy;
use crate::verify::{Admitted, Failure, Rejection, admit};
use layout::DOCKER_MANIFEST_MEDIA_TYPE;

pub mod auth;
pub mod cache;
pub mod challenge;
pub mod layout;
mod reference;
pub mod referrers;
pub mod transport;

pub use auth::Credentials;
pub use cache::{BlobCache, BlobCacheError, BlobWriter, Cached};
pub use layout::{
    LEGACY_WASM_LAYER_MEDIA_TYPE, Layer, OCI_MANIFEST_MEDIA_TYPE, WASM_CONFIG_MEDIA_TYPE,
    WASM_LAYER_MEDIA_TYPE,
};
pub use reference::{Digest, ImageRef, RefError};
use transport::{MAX_MANIFEST_SIZE, Transport, TransportError};

/// The largest wasm layer wzt fetches (it is held in memory to be verified and run): the
/// largest artifact wzt reads at all.
pub const MAX_LAYER_SIZE: u64 = crate::wasm::MAX_ARTIFACT_LEN;
/// How long a push or a fetch may take in all, by default.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(600);

/// How to reach a registry.
#[derive(Debug, Clone)]
pub struct Options {
    /// Plain HTTP even to a registry that is not on this machine.
    pub insecure: bool,
    pub credentials: Credentials,
    /// The most one push or fetch may take (a registry that trickles bytes is cut off).
    pub deadline: Duration,
}

/// Why a registry operation failed.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The registry said no, or could not be reached. The text may hold what the registry
    /// sent: escape it before printing.
    #[error("{action} {reference}")]
    Registry {
        action: &'static str,
        reference: String,
        #[source]
        source: TransportError,
    },
    #[error("cannot set up the registry client")]
    Client(#[source] TransportError),
    #[error("{action} {reference}: it took longer than {} s (--registry-timeout)", deadline.as_secs())]
    Timeout {
        action: &'static str,
        reference: String,
        deadline: Duration,
    },
    /// What arrived is not what was asked for (a failed check).
    #[error(
        "the {what} of {reference} does not match its digest: expected {expected}, got {actual}"
    )]
    DigestMismatch {
        what: &'static str,
        reference: String,
        expected: String,
        actual: String,
    },
    /// More (or fewer) bytes than the manifest declares (a failed check).
    #[error(
        "the layer of {reference} is not the size its manifest declares ({declared} bytes): {why}"
    )]
    SizeMismatch {
        reference: String,
        declared: u64,
        why: String,
    },
    #[error("the layer of {reference} is {size} bytes, over the {} MiB wzt fetches", MAX_LAYER_SIZE >> 20)]
    TooLarge { reference: String, size: u64 },
    /// The manifest is not one of a wasm artifact.
    #[error("{reference} is not a wasm artifact: {why}")]
    NotWasm { reference: String, why: String },
    #[error("cannot lay out the artifact: {0}")]
    Layout(#[from] crate::wasm::WasmError),
    #[error("cannot write to the blob cache")]
    Cache(#[source] std::io::Error),
    /// The private file a layer is downloaded into could not be made, written or read.
    #[error("cannot keep the download in a temporary file")]
    Spool(#[source] std::io::Error),
}

impl RegistryError {
    /// Whether this is a failed check (a digest or size that does not match: exit 1) rather
    /// than an error reaching or reading the registry.
    pub fn is_check_failure(&self) -> bool {
        matches!(
            self,
            RegistryError::DigestMismatch { .. } | RegistryError::SizeMismatch { .. }
        )
    }
}

/// Why a pull ended without an admitted actor.
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The fetched artifact was refused by verification.
    #[error(transparent)]
    Rejected(#[from] Rejection),
}

/// Hears about a download as it goes (a progress bar, or nothing).
pub trait Progress {
    /// A blob of `total` bytes starts downloading.
    fn start(&self, _total: u64) {}
    /// `n` more bytes arrived.
    fn advance(&self, _n: u64) {}
    /// The download ended, well or not.
    fn finish(&self) {}
}

/// No progress reporting.
pub struct Quiet;
impl Progress for Quiet {}

/// What a push did.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub reference: String,
    pub manifest_digest: Digest,
    pub manifest_size: u64,
    pub layer_digest: Digest,
    pub layer_size: u64,
    pub annotations: std::collections::BTreeMap<String, String>,
    /// Blobs the registry already held, so not uploaded again.
    pub blobs_reused: usize,
}

/// Where a fetched layer came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerSource {
    Registry,
    Cache,
    /// Downloaded again because the cached copy was refused (says why).
    RefetchedFromRegistry(String),
}

/// Facts about a fetched artifact.
#[derive(Debug, Clone)]
pub struct FetchInfo {
    /// The reference as given.
    pub reference: String,
    /// The same repository pinned at the manifest's digest.
    pub pinned: String,
    pub manifest_digest: Digest,
    pub layer_digest: Digest,
    pub layer_size: u64,
    pub layer_media_type: String,
    pub annotations: std::collections::BTreeMap<String, String>,
    pub layer_source: LayerSource,
}

/// A fetched artifact: digest-checked bytes, not yet verified.
#[derive(Debug)]
pub struct Fetched {
    pub info: FetchInfo,
    pub bytes: Vec<u8>,
}

/// A pulled artifact: fetched, then admitted.
#[derive(Debug)]
pub struct Pulled {
    pub info: FetchInfo,
    pub admitted: Admitted,
    /// The provenance envelope that passed the policy's provenance rules, when the policy
    /// has any (it was fetched only then).
    pub provenance: Option<Vec<u8>>,
}

/// A client for one registry.
pub struct Registry {
    transport: Transport,
    deadline: Duration,
}

impl Registry {
    /// A client for `reference`'s registry: HTTPS (rustls with the ring provider, the system's
    /// roots), or plain HTTP when the registry is loopback or `insecure` is set.
    pub fn new(reference: &ImageRef, options: &Options) -> Result<Registry, RegistryError> {
        // reqwest is built without a provider of its own; this process's rustls uses ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let transport = Transport::new(reference, options.insecure, options.credentials.clone())
            .map_err(RegistryError::Client)?;
        Ok(Registry {
            transport,
            deadline: options.deadline,
        })
    }

    fn registry_error(
        action: &'static str,
        reference: &ImageRef,
    ) -> impl FnOnce(TransportError) -> RegistryError {
        let reference = reference.to_string();
        move |source| RegistryError::Registry {
            action,
            reference,
            source,
        }
    }

    /// Runs `operation` within the deadline.
    async fn within<T>(
        &self,
        action: &'static str,
        reference: &ImageRef,
        operation: impl std::future::Future<Output = Result<T, RegistryError>>,
    ) -> Result<T, RegistryError> {
        match tokio::time::timeout(self.deadline, operation).await {
            Ok(result) => result,
            Err(_) => Err(RegistryError::Timeout {
                action,
                reference: reference.to_string(),
                deadline: self.deadline,
            }),
        }
    }

    /// Pushes `admitted` to `reference` as a wasm artifact: the layer and the config (each only
    /// when the repository does not hold it already), then the manifest. A reference pinned at
    /// a digest is pushed only when that is the digest of the manifest wzt lays out. `layer`,
    /// when given, is `admitted`'s layer hashed ahead of time (used only when it holds the very
    /// same buffer; see [`Layer::for_admitted`]).
    pub async fn push(
        &self,
        reference: &ImageRef,
        admitted: &Admitted,
        layer: Option<Layer>,
        now: u64,
    ) -> Result<Pushed, RegistryError> {
        self.within(
            "cannot push to",
            reference,
            self.push_now(reference, admitted, layer, now),
        )
        .await
    }

    async fn push_now(
        &self,
        reference: &ImageRef,
        admitted: &Admitted,
        layer: Option<Layer>,
        now: u64,
    ) -> Result<Pushed, RegistryError> {
        let layer = Layer::for_admitted(layer, admitted);
        let artifact = layout::build(admitted, &layer, reference.short_name(), now)?;
        if let Some(pinned) = reference.digest()
            && pinned != artifact.manifest_digest
        {
            return Err(RegistryError::DigestMismatch {
                what: "manifest",
                reference: reference.to_string(),
                expected: pinned.to_string(),
                actual: artifact.manifest_digest.to_string(),
            });
        }
        let repository = reference.repository();
        let mut blobs_reused = 0;
        let blobs: [(&Digest, bytes::Bytes); 2] = [
            (&artifact.layer_digest, layer.data()),
            (
                &artifact.config_digest,
                bytes::Bytes::from(artifact.config.clone()),
            ),
        ];
        for (digest, data) in blobs {
            let exists = self
                .transport
                .blob_exists(repository, digest.as_str())
                .await
                .map_err(Self::registry_error("cannot push to", reference))?;
            if exists {
                blobs_reused += 1;
                continue;
            }
            self.transport
                .push_blob(repository, digest.as_str(), data)
                .await
                .map_err(Self::registry_error("cannot push a blob to", reference))?;
        }
        // A tag when the reference has one (`REF:TAG@sha256:…` sets the tag; the digest was
        // checked above), else the digest.
        let target = match (reference.tag(), reference.digest()) {
            (Some(tag), _) => tag.to_string(),
            (None, Some(digest)) => digest.to_string(),
            (None, None) => unreachable!("ImageRef always has a tag or a digest"),
        };
        self.transport
            .push_manifest(
                repository,
                &target,
                OCI_MANIFEST_MEDIA_TYPE,
                bytes::Bytes::from(artifact.manifest.clone()),
            )
            .await
            .map_err(Self::registry_error(
                "cannot push the manifest to",
                reference,
            ))?;
        Ok(Pushed {
            reference: reference.to_string(),
            manifest_size: artifact.manifest.len() as u64,
            manifest_digest: artifact.manifest_digest,
            layer_digest: artifact.layer_digest,
            layer_size: admitted.bytes().len() as u64,
            annotations: artifact.annotations,
            blobs_reused,
        })
    }

    /// Fetches the wasm artifact at `reference`: the manifest (from the cache when the
    /// reference pins its digest), its digest checked; then the one wasm layer, from the cache
    /// when a copy there still matches its digest, else downloaded with its size and digest
    /// checked before anything is kept.
    pub async fn fetch(
        &self,
        reference: &ImageRef,
        cache: Option<&BlobCache>,
        progress: &dyn Progress,
    ) -> Result<Fetched, RegistryError> {
        let fetched = self
            .within(
                "cannot fetch",
                reference,
                self.fetch_now(reference, cache, progress),
            )
            .await;
        if fetched.is_err() {
            progress.finish();
        }
        fetched
    }

    async fn fetch_now(
        &self,
        reference: &ImageRef,
        cache: Option<&BlobCache>,
        progress: &dyn Progress,
    ) -> Result<Fetched, RegistryError> {
        let pinned = reference.digest();
        let cached_manifest = match (&pinned, cache) {
            (Some(digest), Some(cache)) => match cache.get(digest, None, MAX_MANIFEST_SIZE) {
                Cached::Hit(bytes) => Some(bytes),
                Cached::Miss | Cached::Refused(_) | Cached::OtherSize(_) => None,
            },
            _ => None,
        };
        let (manifest_bytes, manifest_digest) = match cached_manifest {
            Some(bytes) => (
                bytes,
                pinned.clone().expect("only pinned manifests are cached"),
            ),
            None => {
                let target = match &pinned {
                    Some(digest) => digest.to_string(),
                    None => reference
                        .tag()
                        .expect("ImageRef always has a tag or a digest")
                        .to_string(),
                };
                let (bytes, said) = self
                    .transport
                    .manifest(
                        reference.repository(),
                        &target,
                        &[OCI_MANIFEST_MEDIA_TYPE, DOCKER_MANIFEST_MEDIA_TYPE],
                    )
                    .await
                    .map_err(Self::registry_error(
                        "cannot fetch the manifest of",
                        reference,
                    ))?;
                // The digest is recomputed here; a registry that names another one for these
                // bytes holds a manifest that changed after it was stored.
                let digest = Digest::of(&bytes);
                if let Some(said) = said
                    && said != digest.as_str()
                {
                    return Err(RegistryError::DigestMismatch {
                        what: "manifest",
                        reference: reference.to_string(),
                        expected: said,
                        actual: digest.to_string(),
                    });
                }
                if let Some(pinned) = &pinned {
                    if *pinned != digest {
                        return Err(RegistryError::DigestMismatch {
                            what: "manifest",
                            reference: reference.to_string(),
                            expected: pinned.to_string(),
                            actual: digest.to_string(),
                        });
                    }
                    if let Some(cache) = cache {
                        cache.put(&digest, &bytes).map_err(RegistryError::Cache)?;
                    }
                }
                (bytes.to_vec(), digest)
            }
        };
        let manifest = parse_manifest(reference, &manifest_bytes)?;
        let layer = wasm_layer(reference, &manifest)?;
        let layer_digest = Digest::parse(&layer.digest).ok_or_else(|| RegistryError::NotWasm {
            reference: reference.to_string(),
            why: format!(
                "its layer's digest `{}` is not a sha256 digest",
                layer.digest
            ),
        })?;
        let size = u64::try_from(layer.size).map_err(|_| RegistryError::NotWasm {
            reference: reference.to_string(),
            why: "its layer has a negative size".into(),
        })?;
        if size > MAX_LAYER_SIZE {
            return Err(RegistryError::TooLarge {
                reference: reference.to_string(),
                size,
            });
        }
        let (bytes, layer_source) =
            match cache.map(|c| c.get(&layer_digest, Some(size), MAX_LAYER_SIZE)) {
                Some(Cached::Hit(bytes)) => (bytes, LayerSource::Cache),
                Some(Cached::OtherSize(actual)) => {
                    return Err(RegistryError::SizeMismatch {
                        reference: reference.to_string(),
                        declared: size,
                        why: format!("the blob of that digest is {actual} bytes"),
                    });
                }
                other => {
                    let bytes = self
                        .download(reference, &layer_digest, size, cache, progress)
                        .await?;
                    let source = match other {
                        Some(Cached::Refused(why)) => LayerSource::RefetchedFromRegistry(why),
                        _ => LayerSource::Registry,
                    };
                    (bytes, source)
                }
            };
        Ok(Fetched {
            info: FetchInfo {
                reference: reference.to_string(),
                pinned: reference.pinned(&manifest_digest),
                manifest_digest,
                layer_digest,
                layer_size: size,
                layer_media_type: layer.media_type.clone(),
                annotations: manifest.annotations.clone().unwrap_or_default(),
                layer_source,
            },
            bytes,
        })
    }

    /// Downloads the layer into a private file (the cache's, else an unnamed one in the
    /// temporary directory), hashing as it comes and stopping at the declared size; only when
    /// size and digest match is it read into memory (and named in the cache). Memory holds at
    /// most a write buffer until then, whatever size the registry announces or sends.
    async fn download(
        &self,
        reference: &ImageRef,
        digest: &Digest,
        size: u64,
        cache: Option<&BlobCache>,
        progress: &dyn Progress,
    ) -> Result<Vec<u8>, RegistryError> {
        let declared = self
            .transport
            .blob(reference.repository(), digest.as_str())
            .await
            .map_err(Self::registry_error("cannot fetch the layer of", reference))?;
        if declared.content_length().is_some_and(|n| n > size) {
            return Err(RegistryError::SizeMismatch {
                reference: reference.to_string(),
                declared: size,
                why: format!(
                    "the registry announces {} bytes",
                    declared.content_length().unwrap_or_default()
                ),
            });
        }
        let mut stream = declared.bytes_stream();
        let spool_dir = match cache {
            Some(cache) => cache.dir().to_path_buf(),
            None => std::env::temp_dir(),
        };
        let mut writer = match cache {
            Some(cache) => cache.writer(),
            None => BlobWriter::in_dir(&spool_dir),
        }
        .map_err(RegistryError::Spool)?;
        writer
            .check_room(&spool_dir, size)
            .map_err(RegistryError::Spool)?;
        let mut hasher = sha2::Sha256::new();
        let mut received = 0u64;
        progress.start(size);
        let mut stream_error = None;
        while let Some(chunk) = stream.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) => {
                    stream_error = Some(e);
                    break;
                }
            };
            if received + chunk.len() as u64 > size {
                progress.finish();
                return Err(RegistryError::SizeMismatch {
                    reference: reference.to_string(),
                    declared: size,
                    why: "the registry sent more".into(),
                });
            }
            hasher.update(&chunk);
            received += chunk.len() as u64;
            writer.write_all(&chunk).map_err(RegistryError::Spool)?;
            progress.advance(chunk.len() as u64);
        }
        progress.finish();
        let actual = Digest::from_hasher(hasher);
        let complete = received == size;
        if complete && actual != *digest {
            return Err(RegistryError::DigestMismatch {
                what: "layer",
                reference: reference.to_string(),
                expected: digest.to_string(),
                actual: actual.to_string(),
            });
        }
        if let Some(e) = stream_error {
            return Err(RegistryError::Registry {
                action: "cannot fetch the layer of",
                reference: reference.to_string(),
                source: TransportError::Http(e),
            });
        }
        if !complete {
            return Err(RegistryError::SizeMismatch {
                reference: reference.to_string(),
                declared: size,
                why: format!("the registry sent {received} bytes"),
            });
        }
        let bytes = writer.read_back(size).map_err(RegistryError::Spool)?;
        if let Some(cache) = cache {
            writer.commit(cache, digest).map_err(RegistryError::Cache)?;
        }
        Ok(bytes)
    }

    /// Fetches, then admits under `policy`: the only way this module hands out an actor.
    pub async fn pull(
        &self,
        reference: &ImageRef,
        cache: Option<&BlobCache>,
        progress: &dyn Progress,
        policy: &Policy,
        now: u64,
        unsigned_grants: Grants,
    ) -> Result<Pulled, PullError> {
        let fetched = self.fetch(reference, cache, progress).await?;
        let admitted = admit(fetched.bytes, policy, now, unsigned_grants)?;
        let provenance = if policy.requires_provenance() {
            let found = self
                .fetch_provenance(reference, &fetched.info.manifest_digest)
                .await?;
            let looked = format!(
                "no {} referrer of {}",
                referrers::IN_TOTO_ARTIFACT_TYPE,
                fetched.info.pinned
            );
            let chosen = crate::provenance::evaluate_candidates(
                found.envelopes.iter().map(|(_, e)| e.as_slice()),
                &looked,
                &found.refused,
                fetched.info.layer_digest.hex(),
                policy,
            )
            .map_err(|failures| {
                Rejection::Failed(failures.into_iter().map(Failure::Provenance).collect())
            })?;
            found.envelopes.into_iter().nth(chosen).map(|(_, e)| e)
        } else {
            None
        };
        Ok(Pulled {
            info: fetched.info,
            admitted,
            provenance,
        })
    }
}

fn parse_manifest(reference: &ImageRef, bytes: &[u8]) -> Result<OciImageManifest, RegistryError> {
    let not_wasm = |why: String| RegistryError::NotWasm {
        reference: reference.to_string(),
        why,
    };
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| not_wasm(format!("its manifest is not JSON ({e})")))?;
    if value.get("manifests").is_some() {
        return Err(not_wasm(
            "it is an image index (several platforms), not one artifact".into(),
        ));
    }
    let manifest: OciImageManifest = serde_json::from_value(value)
        .map_err(|e| not_wasm(format!("its manifest cannot be read ({e})")))?;
    if manifest.schema_version != 2 {
        return Err(not_wasm(format!(
            "its manifest has schema version {}",
            manifest.schema_version
        )));
    }
    Ok(manifest)
}

/// The one wasm layer: `application/wasm`, or the type older wash pushed.
fn wasm_layer<'a>(
    reference: &ImageRef,
    manifest: &'a OciImageManifest,
) -> Result<&'a OciDescriptor, RegistryError> {
    let is_wasm = |d: &&OciDescriptor| {
        d.media_type == WASM_LAYER_MEDIA_TYPE || d.media_type == LEGACY_WASM_LAYER_MEDIA_TYPE
    };
    match manifest.layers.as_slice() {
        [layer] if is_wasm(&layer) => Ok(layer),
        layers => Err(RegistryError::NotWasm {
            reference: reference.to_string(),
            why: format!(
                "it holds {} layer{} ({}), not one layer of type {WASM_LAYER_MEDIA_TYPE}",
                layers.len(),
                if layers.len() == 1 { "" } else { "s" },
                layers
                    .iter()
                    .map(|l| l.media_type.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}
