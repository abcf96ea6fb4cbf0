//! Provenance in a registry (docs/design.md §15): an OCI 1.1 artifact whose `subject` is the
//! pushed wasm manifest, found again through the referrers API, or, where the registry has
//! none, through the referrers tag schema (an image index at the tag `sha256-<hex>` listing
//! the referrers).
//!
//! The referrer is an image manifest with `artifactType: application/vnd.in-toto+json`, the
//! empty config (`application/vnd.oci.empty.v1+json`, `{}`), and one layer: the DSSE envelope
//! (`application/vnd.dsse.envelope.v1+json`). Fetching believes nothing a list says: every
//! referrer manifest is fetched by digest and checked against it, must name this very manifest
//! as its `subject`, and its one layer is read within [`MAX_ENVELOPE_LEN`] and checked
//! against its digest. What passes is still only bytes: `provenance::check` judges them.

use std::collections::BTreeMap;

use oci_client::manifest::{ImageIndexEntry, OciDescriptor, OciImageIndex, OciImageManifest};

use super::layout::{ANNOTATION_CREATED, OCI_MANIFEST_MEDIA_TYPE};
use super::transport::TransportError;
use super::{Digest, ImageRef, Registry, RegistryError};
use crate::provenance::MAX_ENVELOPE_LEN;

/// The artifact type of a provenance referrer.
pub const IN_TOTO_ARTIFACT_TYPE: &str = "application/vnd.in-toto+json";
/// The media type of its layer.
pub const DSSE_LAYER_MEDIA_TYPE: &str = "application/vnd.dsse.envelope.v1+json";
/// The OCI empty descriptor's media type and content.
pub const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
pub const EMPTY_BLOB: &[u8] = b"{}";
/// An image index (a referrers list).
pub const OCI_INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";
/// The most referrers of the in-toto type looked at for one manifest.
pub const MAX_REFERRERS: usize = 16;

/// A provenance referrer ready to push.
#[derive(Debug)]
pub struct Referrer {
    pub manifest: Vec<u8>,
    pub manifest_digest: Digest,
    pub envelope_digest: Digest,
}

/// Lays out `envelope` as a referrer of the manifest `subject` (`subject_size` bytes),
/// `created` (RFC 3339) as its creation time: the same envelope for the same manifest always
/// gives the same referrer digest.
pub fn referrer(envelope: &[u8], subject: &Digest, subject_size: u64, created: &str) -> Referrer {
    let envelope_digest = Digest::of(envelope);
    let manifest = OciImageManifest {
        schema_version: 2,
        media_type: Some(OCI_MANIFEST_MEDIA_TYPE.to_string()),
        artifact_type: Some(IN_TOTO_ARTIFACT_TYPE.to_string()),
        config: OciDescriptor {
            media_type: EMPTY_MEDIA_TYPE.to_string(),
            digest: Digest::of(EMPTY_BLOB).to_string(),
            size: EMPTY_BLOB.len() as i64,
            ..Default::default()
        },
        layers: vec![OciDescriptor {
            media_type: DSSE_LAYER_MEDIA_TYPE.to_string(),
            digest: envelope_digest.to_string(),
            size: envelope.len() as i64,
            ..Default::default()
        }],
        subject: Some(OciDescriptor {
            media_type: OCI_MANIFEST_MEDIA_TYPE.to_string(),
            digest: subject.to_string(),
            size: subject_size as i64,
            ..Default::default()
        }),
        annotations: Some(BTreeMap::from([(
            ANNOTATION_CREATED.to_string(),
            created.to_string(),
        )])),
    };
    let manifest = serde_json::to_vec(&manifest).expect("a manifest always serializes");
    Referrer {
        manifest_digest: Digest::of(&manifest),
        manifest,
        envelope_digest,
    }
}

/// The referrers tag of `subject`: `sha256-<hex>`.
pub fn fallback_tag(subject: &Digest) -> String {
    format!("sha256-{}", subject.hex())
}

/// What a provenance push did.
#[derive(Debug, Clone)]
pub struct PushedProvenance {
    /// The referrer manifest's digest.
    pub digest: Digest,
    /// The referrers tag that lists it, when the registry has no referrers API.
    pub fallback_tag: Option<String>,
}

/// The provenance envelopes a registry holds for a manifest: each the layer of a referrer that
/// passed the checks above, with the referrer's digest; and why other referrers were refused.
#[derive(Debug, Default)]
pub struct FoundProvenance {
    pub envelopes: Vec<(Digest, Vec<u8>)>,
    pub refused: Vec<String>,
}

fn is_not_found(e: &TransportError) -> bool {
    matches!(e, TransportError::Status { status, .. } if status.as_u16() == 404)
}

fn parse_index(bytes: &[u8], what: &str) -> Result<OciImageIndex, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("{what} is not an image index ({e})"))
}

impl Registry {
    /// Pushes `envelope` as a referrer of the manifest `subject` of `reference`'s repository
    /// (the empty config and the envelope blob when the repository lacks them, then the
    /// referrer manifest by digest); where the registry does not take the `subject` (no
    /// `OCI-Subject` answer), adds it to the referrers tag's index.
    pub async fn push_provenance(
        &self,
        reference: &ImageRef,
        subject: &Digest,
        subject_size: u64,
        envelope: &[u8],
        created: &str,
    ) -> Result<PushedProvenance, RegistryError> {
        self.within(
            "cannot push the provenance to",
            reference,
            self.push_provenance_now(reference, subject, subject_size, envelope, created),
        )
        .await
    }

    async fn push_provenance_now(
        &self,
        reference: &ImageRef,
        subject: &Digest,
        subject_size: u64,
        envelope: &[u8],
        created: &str,
    ) -> Result<PushedProvenance, RegistryError> {
        let referrer = referrer(envelope, subject, subject_size, created);
        let repository = reference.repository();
        let error = |action| Self::registry_error(action, reference);
        let blobs = [
            (
                Digest::of(EMPTY_BLOB),
                bytes::Bytes::from_static(EMPTY_BLOB),
            ),
            (
                referrer.envelope_digest.clone(),
                bytes::Bytes::copy_from_slice(envelope),
            ),
        ];
        for (digest, data) in blobs {
            let exists = self
                .transport
                .blob_exists(repository, digest.as_str())
                .await
                .map_err(error("cannot push the provenance to"))?;
            if !exists {
                self.transport
                    .push_blob(repository, digest.as_str(), data)
                    .await
                    .map_err(error("cannot push the provenance to"))?;
            }
        }
        let said = self
            .transport
            .push_manifest(
                repository,
                referrer.manifest_digest.as_str(),
                OCI_MANIFEST_MEDIA_TYPE,
                bytes::Bytes::from(referrer.manifest.clone()),
            )
            .await
            .map_err(error("cannot push the provenance to"))?;
        if said.is_some() {
            return Ok(PushedProvenance {
                digest: referrer.manifest_digest,
                fallback_tag: None,
            });
        }
        // No referrers API: list the referrer in the index at the referrers tag.
        let tag = fallback_tag(subject);
        let mut index =
            match self
                .transport
                .manifest(repository, &tag, &[OCI_INDEX_MEDIA_TYPE])
                .await
            {
                Ok((bytes, _)) => parse_index(&bytes, &format!("the referrers tag {tag}"))
                    .map_err(|why| RegistryError::NotWasm {
                        reference: reference.to_string(),
                        why,
                    })?,
                Err(e) if is_not_found(&e) => OciImageIndex {
                    schema_version: 2,
                    media_type: Some(OCI_INDEX_MEDIA_TYPE.to_string()),
                    manifests: Vec::new(),
                    artifact_type: None,
                    annotations: None,
                },
                Err(e) => return Err(error("cannot read the referrers tag of")(e)),
            };
        if !index
            .manifests
            .iter()
            .any(|m| m.digest == referrer.manifest_digest.as_str())
        {
            index.manifests.push(ImageIndexEntry {
                media_type: OCI_MANIFEST_MEDIA_TYPE.to_string(),
                digest: referrer.manifest_digest.to_string(),
                size: referrer.manifest.len() as i64,
                platform: None,
                annotations: Some(BTreeMap::from([(
                    ANNOTATION_CREATED.to_string(),
                    created.to_string(),
                )])),
                artifact_type: Some(IN_TOTO_ARTIFACT_TYPE.to_string()),
            });
            let body = serde_json::to_vec(&index).expect("an index always serializes");
            self.transport
                .push_manifest(repository, &tag, OCI_INDEX_MEDIA_TYPE, body.into())
                .await
                .map_err(error("cannot update the referrers tag of"))?;
        }
        Ok(PushedProvenance {
            digest: referrer.manifest_digest,
            fallback_tag: Some(tag),
        })
    }

    /// The provenance envelopes held for the manifest `subject` of `reference`'s repository:
    /// the referrers API's list, else the referrers tag's; each in-toto referrer (at most
    /// [`MAX_REFERRERS`]) fetched by digest, checked, and its envelope read.
    pub async fn fetch_provenance(
        &self,
        reference: &ImageRef,
        subject: &Digest,
    ) -> Result<FoundProvenance, RegistryError> {
        self.within(
            "cannot fetch the provenance of",
            reference,
            self.fetch_provenance_now(reference, subject),
        )
        .await
    }

    async fn fetch_provenance_now(
        &self,
        reference: &ImageRef,
        subject: &Digest,
    ) -> Result<FoundProvenance, RegistryError> {
        let repository = reference.repository();
        let error = |action| Self::registry_error(action, reference);
        let listed = match self
            .transport
            .referrers(repository, subject.as_str(), IN_TOTO_ARTIFACT_TYPE)
            .await
            .map_err(error("cannot list the referrers of"))?
        {
            Some(bytes) => Some(bytes),
            None => match self
                .transport
                .manifest(repository, &fallback_tag(subject), &[OCI_INDEX_MEDIA_TYPE])
                .await
            {
                Ok((bytes, _)) => Some(bytes),
                Err(e) if is_not_found(&e) => None,
                Err(e) => return Err(error("cannot read the referrers tag of")(e)),
            },
        };
        let mut found = FoundProvenance::default();
        let Some(listed) = listed else {
            return Ok(found);
        };
        let index = match parse_index(&listed, "the referrers list") {
            Ok(index) => index,
            Err(why) => {
                found.refused.push(why);
                return Ok(found);
            }
        };
        let candidates = index
            .manifests
            .iter()
            .filter(|m| m.artifact_type.as_deref() == Some(IN_TOTO_ARTIFACT_TYPE))
            .take(MAX_REFERRERS);
        for entry in candidates {
            match self.referrer_envelope(repository, subject, entry).await {
                Ok(Ok(found_one)) => found.envelopes.push(found_one),
                Ok(Err(why)) => found.refused.push(why),
                Err(e) => return Err(error("cannot fetch the provenance of")(e)),
            }
        }
        Ok(found)
    }

    /// The envelope of one listed referrer, or why it is refused (`Ok(Err(why))`); a
    /// transport failure is `Err`.
    async fn referrer_envelope(
        &self,
        repository: &str,
        subject: &Digest,
        entry: &ImageIndexEntry,
    ) -> Result<Result<(Digest, Vec<u8>), String>, TransportError> {
        let Some(digest) = Digest::parse(&entry.digest) else {
            return Ok(Err(format!(
                "a referrer's digest `{}` is not a sha256 digest",
                entry.digest
            )));
        };
        let bytes = match self
            .transport
            .manifest(repository, digest.as_str(), &[OCI_MANIFEST_MEDIA_TYPE])
            .await
        {
            Ok((bytes, _)) => bytes,
            Err(e) if is_not_found(&e) => {
                return Ok(Err(format!(
                    "the referrer {digest} is listed, but the registry does not hold it"
                )));
            }
            Err(e) => return Err(e),
        };
        if Digest::of(&bytes) != digest {
            return Ok(Err(format!(
                "the referrer {digest} does not match its digest"
            )));
        }
        let manifest: OciImageManifest = match serde_json::from_slice(&bytes) {
            Ok(m) => m,
            Err(e) => return Ok(Err(format!("the referrer {digest} cannot be read ({e})"))),
        };
        if manifest.artifact_type.as_deref() != Some(IN_TOTO_ARTIFACT_TYPE) {
            return Ok(Err(format!(
                "the referrer {digest} is not of type {IN_TOTO_ARTIFACT_TYPE}"
            )));
        }
        let about = manifest.subject.as_ref().map(|s| s.digest.as_str());
        if about != Some(subject.as_str()) {
            return Ok(Err(format!(
                "the referrer {digest} is about {}, not about {subject}",
                about.unwrap_or("nothing")
            )));
        }
        let layer = match manifest.layers.as_slice() {
            [layer] if layer.media_type == DSSE_LAYER_MEDIA_TYPE => layer,
            _ => {
                return Ok(Err(format!(
                    "the referrer {digest} does not hold one {DSSE_LAYER_MEDIA_TYPE} layer"
                )));
            }
        };
        let (Some(layer_digest), Ok(size)) =
            (Digest::parse(&layer.digest), u64::try_from(layer.size))
        else {
            return Ok(Err(format!(
                "the referrer {digest}'s layer is not a sha256 blob"
            )));
        };
        if size > MAX_ENVELOPE_LEN as u64 {
            return Ok(Err(format!(
                "the referrer {digest}'s envelope is {size} bytes, over the {MAX_ENVELOPE_LEN} bytes wzt reads"
            )));
        }
        let envelope = match self
            .transport
            .small_blob(repository, layer_digest.as_str(), size)
            .await
        {
            Ok(envelope) => envelope,
            Err(e) if is_not_found(&e) => {
                return Ok(Err(format!(
                    "the envelope of the referrer {digest} is not in the registry"
                )));
            }
            Err(e) => return Err(e),
        };
        if envelope.len() as u64 != size || Digest::of(&envelope) != layer_digest {
            return Ok(Err(format!(
                "the envelope of the referrer {digest} does not match its digest or size"
            )));
        }
        Ok(Ok((digest, envelope.to_vec())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_referrer_names_its_subject_and_is_a_function_of_its_inputs() {
        let subject = Digest::of(b"manifest");
        let a = referrer(b"{}", &subject, 8, "2026-01-01T00:00:00Z");
        let b = referrer(b"{}", &subject, 8, "2026-01-01T00:00:00Z");
        assert_eq!(a.manifest, b.manifest);
        let m: serde_json::Value = serde_json::from_slice(&a.manifest).unwrap();
        assert_eq!(m["artifactType"], IN_TOTO_ARTIFACT_TYPE);
        assert_eq!(m["subject"]["digest"], subject.as_str());
        assert_eq!(m["subject"]["size"], 8);
        assert_eq!(m["config"]["mediaType"], EMPTY_MEDIA_TYPE);
        assert_eq!(
            m["config"]["digest"],
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        assert_eq!(m["layers"][0]["mediaType"], DSSE_LAYER_MEDIA_TYPE);
        assert_eq!(fallback_tag(&subject), format!("sha256-{}", subject.hex()));
    }
}
