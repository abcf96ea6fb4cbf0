//! Distribution through OCI registries (docs/design.md §12, DESIGN.md §10): pushing an
//! admitted actor as a CNCF wasm OCI artifact, and fetching one back with every digest checked.
//!
//! The registry protocol is `oci-client`'s (the client `wkg` uses); this module decides what is
//! sent and what is believed. Nothing here prints: progress goes to a [`Progress`] the caller
//! passes, and strings that came from a registry are returned as they are, for the caller to
//! escape before they reach a terminal.
//!
//! The rules:
//! - only an [`Admitted`] actor can be pushed, so a push has passed the policy;
//! - a fetch checks the manifest's digest (against the pinned one, when the reference has one)
//!   and the layer's size and digest before returning bytes; [`Registry::pull`] then admits
//!   them (`verify::admit`), and its caller writes or runs only an `Admitted`;
//! - plain HTTP only to a loopback registry or when asked (`insecure`).

use std::time::Duration;

use futures_util::StreamExt as _;
use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::errors::OciDistributionError;
use oci_client::manifest::{OciDescriptor, OciImageManifest};
use oci_client::secrets::RegistryAuth;
use sha2::Digest as _;

use crate::caps::Grants;
use crate::policy::Policy;
use crate::verify::{Admitted, Rejection, admit};
use layout::DOCKER_MANIFEST_MEDIA_TYPE;

pub mod auth;
pub mod cache;
pub mod layout;
mod reference;

pub use auth::Credentials;
pub use cache::{BlobCache, BlobCacheError, Cached};
pub use layout::{
    LEGACY_WASM_LAYER_MEDIA_TYPE, Layer, OCI_MANIFEST_MEDIA_TYPE, WASM_CONFIG_MEDIA_TYPE,
    WASM_LAYER_MEDIA_TYPE,
};
pub use reference::{Digest, ImageRef, RefError};

/// The largest wasm layer wzt fetches (it is held in memory to be verified and run).
pub const MAX_LAYER_SIZE: u64 = 1 << 30;
/// The largest manifest wzt reads from the cache.
const MAX_MANIFEST_SIZE: u64 = 4 << 20;

/// How to reach a registry.
#[derive(Debug, Clone)]
pub struct Options {
    /// Plain HTTP even to a registry that is not on this machine.
    pub insecure: bool,
    pub credentials: Credentials,
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
        source: OciDistributionError,
    },
    #[error("cannot set up the registry client")]
    Client(#[source] OciDistributionError),
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
}

/// A client for one registry.
pub struct Registry {
    client: oci_client::Client,
    auth: RegistryAuth,
}

impl Registry {
    /// A client for `reference`'s registry: HTTPS (rustls with the ring provider, the system's
    /// roots), or plain HTTP when the registry is loopback or `insecure` is set.
    pub fn new(reference: &ImageRef, options: &Options) -> Result<Registry, RegistryError> {
        // reqwest is built without a provider of its own; this process's rustls uses ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let protocol = if options.insecure || reference.is_loopback() {
            ClientProtocol::HttpsExcept(vec![reference.resolved_registry().to_string()])
        } else {
            ClientProtocol::Https
        };
        let config = ClientConfig {
            protocol,
            // One PUT per blob: fewer round trips than 4 MiB chunks.
            use_monolithic_push: true,
            connect_timeout: Some(Duration::from_secs(30)),
            read_timeout: Some(Duration::from_secs(120)),
            user_agent: concat!("wzt/", env!("CARGO_PKG_VERSION")),
            ..ClientConfig::default()
        };
        let client = oci_client::Client::try_from(config).map_err(RegistryError::Client)?;
        let auth = match &options.credentials {
            Credentials::Anonymous => RegistryAuth::Anonymous,
            Credentials::Basic { username, password } => {
                RegistryAuth::Basic(username.clone(), password.clone())
            }
        };
        Ok(Registry { client, auth })
    }

    fn registry_error(
        action: &'static str,
        reference: &ImageRef,
    ) -> impl FnOnce(OciDistributionError) -> RegistryError {
        let reference = reference.to_string();
        move |source| match source {
            OciDistributionError::DigestError(
                oci_client::errors::DigestError::VerificationError { expected, actual },
            ) => RegistryError::DigestMismatch {
                what: "manifest",
                reference,
                expected,
                actual,
            },
            source => RegistryError::Registry {
                action,
                reference,
                source,
            },
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
        let image = reference.reference();
        self.client
            .store_auth_if_needed(image.resolve_registry(), &self.auth)
            .await;
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
                .client
                .blob_exists(image, digest.as_str())
                .await
                .map_err(Self::registry_error("cannot push to", reference))?;
            if exists {
                blobs_reused += 1;
                continue;
            }
            self.client
                .push_blob(image, data, digest.as_str())
                .await
                .map_err(Self::registry_error("cannot push a blob to", reference))?;
        }
        let content_type = http::HeaderValue::from_static(OCI_MANIFEST_MEDIA_TYPE);
        self.client
            .push_manifest_raw(image, artifact.manifest.clone(), content_type)
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
        let image = reference.reference();
        let pinned = reference.digest();
        let cached_manifest = match (&pinned, cache) {
            (Some(digest), Some(cache)) => match cache.get(digest, None, MAX_MANIFEST_SIZE) {
                Cached::Hit(bytes) => Some(bytes),
                Cached::Miss | Cached::Refused(_) => None,
            },
            _ => None,
        };
        let (manifest_bytes, manifest_digest) = match cached_manifest {
            Some(bytes) => (
                bytes,
                pinned.clone().expect("only pinned manifests are cached"),
            ),
            None => {
                let (bytes, _) = self
                    .client
                    .pull_manifest_raw(
                        image,
                        &self.auth,
                        &[OCI_MANIFEST_MEDIA_TYPE, DOCKER_MANIFEST_MEDIA_TYPE],
                    )
                    .await
                    .map_err(Self::registry_error(
                        "cannot fetch the manifest of",
                        reference,
                    ))?;
                // The digest is recomputed here, whatever the registry's headers said.
                let digest = Digest::of(&bytes);
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
        let (bytes, layer_source) = match cache.map(|c| c.get(&layer_digest, Some(size), size)) {
            Some(Cached::Hit(bytes)) => (bytes, LayerSource::Cache),
            other => {
                let bytes = self
                    .download(reference, layer, &layer_digest, size, cache, progress)
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

    /// Downloads the layer, hashing as it comes and stopping at the declared size; it enters
    /// the cache only when size and digest match.
    async fn download(
        &self,
        reference: &ImageRef,
        layer: &OciDescriptor,
        digest: &Digest,
        size: u64,
        cache: Option<&BlobCache>,
        progress: &dyn Progress,
    ) -> Result<Vec<u8>, RegistryError> {
        let image = reference.reference();
        self.client
            .store_auth_if_needed(image.resolve_registry(), &self.auth)
            .await;
        let mut stream = self
            .client
            .pull_blob_stream(image, layer)
            .await
            .map_err(Self::registry_error("cannot fetch the layer of", reference))?;
        let mut writer = match cache {
            Some(cache) => Some(cache.writer().map_err(RegistryError::Cache)?),
            None => None,
        };
        let mut hasher = sha2::Sha256::new();
        let mut bytes = Vec::with_capacity(size as usize);
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
            if bytes.len() as u64 + chunk.len() as u64 > size {
                progress.finish();
                return Err(RegistryError::SizeMismatch {
                    reference: reference.to_string(),
                    declared: size,
                    why: "the registry sent more".into(),
                });
            }
            hasher.update(&chunk);
            bytes.extend_from_slice(&chunk);
            if let Some(w) = &mut writer {
                w.write_all(&chunk).map_err(RegistryError::Cache)?;
            }
            progress.advance(chunk.len() as u64);
        }
        progress.finish();
        let actual = Digest::from_hasher(hasher);
        let complete = bytes.len() as u64 == size;
        // oci-client checks digests too and ends the stream with an error when one does not
        // match; the digest recomputed here decides, and names both.
        if complete && actual != *digest {
            return Err(RegistryError::DigestMismatch {
                what: "layer",
                reference: reference.to_string(),
                expected: digest.to_string(),
                actual: actual.to_string(),
            });
        }
        if let Some(e) = stream_error {
            let is_digest_error = e
                .get_ref()
                .is_some_and(|inner| inner.is::<oci_client::errors::DigestError>());
            return Err(if is_digest_error {
                RegistryError::DigestMismatch {
                    what: "layer",
                    reference: reference.to_string(),
                    expected: digest.to_string(),
                    actual: e.to_string(),
                }
            } else {
                RegistryError::Registry {
                    action: "cannot fetch the layer of",
                    reference: reference.to_string(),
                    source: OciDistributionError::IoError(e),
                }
            });
        }
        if !complete {
            return Err(RegistryError::SizeMismatch {
                reference: reference.to_string(),
                declared: size,
                why: format!("the registry sent {} bytes", bytes.len()),
            });
        }
        if let (Some(writer), Some(cache)) = (writer, cache) {
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
        Ok(Pulled {
            info: fetched.info,
            admitted,
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
