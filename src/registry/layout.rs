//! The CNCF wasm OCI artifact layout (docs/design.md §12): an OCI image manifest whose config is
//! `application/vnd.wasm.config.v0+json` and whose one layer is the wasm, `application/wasm`.
//!
//! The config is written field for field as the `oci-wasm` crate (which `wkg` uses) writes its
//! `WasmConfig`, so `wkg` and `wash` read what wzt pushes. wzt does not depend on `oci-wasm`
//! itself: its latest release pins an older `oci-client` (whose only TLS choices bring
//! aws-lc-rs or OpenSSL) and `wit-component` 0.253 (a third `wasmparser` in the build), only to
//! list a component's imports and exports, which `wasm::Layout` already does.
//!
//! Everything here is a pure function of the admitted artifact, with `created` taken from the
//! claims' issue time: pushing the same signed file twice gives the same manifest digest.

use std::collections::BTreeMap;
use std::io::Cursor;

use bytes::Bytes;

use oci_client::manifest::{OciDescriptor, OciImageManifest};
use serde::Serialize;

use super::reference::Digest;
use crate::verify::Admitted;
use crate::wasm::{ArtifactKind, Import, Layout, WasmError};

/// The OCI image manifest media type (the wasm artifact is an image manifest).
pub const OCI_MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
/// The Docker v2 manifest media type, accepted on pull.
pub const DOCKER_MANIFEST_MEDIA_TYPE: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// The config media type of a wasm artifact.
pub const WASM_CONFIG_MEDIA_TYPE: &str = "application/vnd.wasm.config.v0+json";
/// The media type of the wasm layer.
pub const WASM_LAYER_MEDIA_TYPE: &str = "application/wasm";
/// The layer media type older `wash` pushed; accepted on pull, never written.
pub const LEGACY_WASM_LAYER_MEDIA_TYPE: &str = "application/vnd.module.wasm.content.layer.v1+wasm";

/// Manifest annotations wzt writes: the standard title, version and creation time, and the
/// claims repeated for registry UIs (they are informative: a pull trusts only the claims inside
/// the wasm, after verifying them).
pub const ANNOTATION_TITLE: &str = "org.opencontainers.image.title";
pub const ANNOTATION_VERSION: &str = "org.opencontainers.image.version";
pub const ANNOTATION_CREATED: &str = "org.opencontainers.image.created";
pub const ANNOTATION_ISSUER: &str = "dev.wzt.issuer";
pub const ANNOTATION_SUBJECT: &str = "dev.wzt.subject";
pub const ANNOTATION_CAPS: &str = "dev.wzt.caps";

/// `oci-wasm`'s `WasmConfig`, in its field order and naming.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WasmConfig {
    created: String,
    author: Option<String>,
    architecture: &'static str,
    os: &'static str,
    layer_digests: Vec<String>,
    component: Option<ComponentInfo>,
}

/// `oci-wasm`'s `Component`: the component's world, as its top-level import and export names.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ComponentInfo {
    exports: Vec<String>,
    imports: Vec<String>,
    target: Option<String>,
}

/// The wasm layer: the artifact's bytes and their digest, computed together (so a caller can
/// hash while `verify::admit` runs on the same buffer, and never pair bytes with another
/// digest).
#[derive(Debug, Clone)]
pub struct Layer {
    bytes: Bytes,
    digest: Digest,
}

impl Layer {
    pub fn new(bytes: Bytes) -> Layer {
        let digest = Digest::of(&bytes);
        Layer { bytes, digest }
    }

    pub fn digest(&self) -> &Digest {
        &self.digest
    }

    /// The bytes, shared (no copy) for the upload.
    pub fn data(&self) -> Bytes {
        self.bytes.clone()
    }

    /// Whether this is the layer of exactly `admitted`'s bytes (the same buffer).
    fn is_of(&self, admitted: &Admitted) -> bool {
        std::ptr::eq(self.bytes.as_ptr(), admitted.bytes().as_ptr())
            && self.bytes.len() == admitted.bytes().len()
    }

    /// `layer` when it holds `admitted`'s bytes, else the layer of those bytes.
    pub fn for_admitted(layer: Option<Layer>, admitted: &Admitted) -> Layer {
        match layer {
            Some(layer) if layer.is_of(admitted) => layer,
            _ => Layer::new(admitted.shared_bytes()),
        }
    }
}

/// An artifact ready to push: the three documents and their digests.
#[derive(Debug)]
pub struct Artifact {
    pub config: Vec<u8>,
    pub config_digest: Digest,
    pub layer_digest: Digest,
    pub manifest: Vec<u8>,
    pub manifest_digest: Digest,
    pub annotations: BTreeMap<String, String>,
}

/// Lays out `admitted` (whose layer is `layer`) as a wasm OCI artifact; `title` names it when
/// its claims carry no name.
pub fn build(
    admitted: &Admitted,
    layer: &Layer,
    title: &str,
    now: u64,
) -> Result<Artifact, WasmError> {
    let bytes = admitted.bytes();
    let layer_digest = if layer.is_of(admitted) {
        layer.digest.clone()
    } else {
        Digest::of(bytes)
    };
    let claims = admitted.claims();
    let created = crate::time::rfc3339(claims.map_or(now, |c| c.issued_at));
    let component = match admitted.kind() {
        ArtifactKind::Module => None,
        ArtifactKind::Component => {
            let mut cursor = Cursor::new(bytes);
            let layout = Layout::scan(&mut cursor, bytes.len() as u64)?;
            let interfaces = layout.imports_and_exports(&mut cursor)?;
            Some(ComponentInfo {
                exports: interfaces.exports,
                imports: interfaces
                    .imports
                    .iter()
                    .map(|i| match i {
                        Import::Component(name) => name.clone(),
                        core @ Import::Core { .. } => core.to_string(),
                    })
                    .collect(),
                target: None,
            })
        }
    };
    let config = WasmConfig {
        created: created.clone(),
        author: None,
        architecture: "wasm",
        os: match admitted.kind() {
            ArtifactKind::Module => "wasip1",
            ArtifactKind::Component => "wasip2",
        },
        layer_digests: vec![layer_digest.to_string()],
        component,
    };
    let config = serde_json::to_vec(&config).expect("the config always serializes");
    let config_digest = Digest::of(&config);

    let mut annotations = BTreeMap::new();
    let name = claims.and_then(|c| c.metadata.name.clone());
    annotations.insert(
        ANNOTATION_TITLE.to_string(),
        name.unwrap_or_else(|| title.to_string()),
    );
    if let Some(ver) = claims.and_then(|c| c.metadata.ver.clone()) {
        annotations.insert(ANNOTATION_VERSION.to_string(), ver);
    }
    annotations.insert(ANNOTATION_CREATED.to_string(), created);
    if let Some(c) = claims {
        annotations.insert(ANNOTATION_ISSUER.to_string(), c.issuer.clone());
        annotations.insert(ANNOTATION_SUBJECT.to_string(), c.subject.clone());
        annotations.insert(
            ANNOTATION_CAPS.to_string(),
            admitted.grants().contract_ids().join(","),
        );
    }

    let manifest = OciImageManifest {
        schema_version: 2,
        media_type: Some(OCI_MANIFEST_MEDIA_TYPE.to_string()),
        config: OciDescriptor {
            media_type: WASM_CONFIG_MEDIA_TYPE.to_string(),
            digest: config_digest.to_string(),
            size: config.len() as i64,
            ..Default::default()
        },
        layers: vec![OciDescriptor {
            media_type: WASM_LAYER_MEDIA_TYPE.to_string(),
            digest: layer_digest.to_string(),
            size: bytes.len() as i64,
            ..Default::default()
        }],
        annotations: Some(annotations.clone()),
        ..Default::default()
    };
    let manifest = serde_json::to_vec(&manifest).expect("the manifest always serializes");
    Ok(Artifact {
        config,
        config_digest,
        layer_digest,
        manifest_digest: Digest::of(&manifest),
        manifest,
        annotations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caps::Grants;
    use crate::policy::Policy;

    fn admitted(wat: &str) -> Admitted {
        let policy = Policy {
            allow_unsigned: true,
            ..Policy::default()
        };
        crate::verify::admit(wat::parse_str(wat).unwrap(), &policy, 0, Grants::none()).unwrap()
    }

    fn lay_out(admitted: &Admitted, title: &str) -> Artifact {
        build(admitted, &Layer::for_admitted(None, admitted), title, 0).unwrap()
    }

    #[test]
    fn a_layer_goes_with_its_own_bytes_only() {
        let admitted = admitted("(module)");
        let other = Layer::new(Bytes::from_static(b"\0asm\x01\0\0\0"));
        let layer = Layer::for_admitted(Some(other.clone()), &admitted);
        assert_eq!(layer.digest(), other.digest(), "same content");
        assert!(layer.is_of(&admitted) && !other.is_of(&admitted));
    }

    #[test]
    fn a_module_is_wasip1_and_a_component_lists_its_world() {
        let module = lay_out(&admitted("(module)"), "m");
        let config: serde_json::Value = serde_json::from_slice(&module.config).unwrap();
        assert_eq!(config["os"], "wasip1");
        assert_eq!(config["architecture"], "wasm");
        assert_eq!(config["component"], serde_json::Value::Null);
        assert_eq!(config["created"], "1970-01-01T00:00:00Z");
        assert_eq!(config["layerDigests"][0], module.layer_digest.as_str());

        let component = lay_out(
            &admitted(
                r#"(component
                    (import "wasi:io/streams@0.2.0" (instance))
                    (instance $h)
                    (export "wasi:http/incoming-handler@0.2.0" (instance $h)))"#,
            ),
            "c",
        );
        let config: serde_json::Value = serde_json::from_slice(&component.config).unwrap();
        assert_eq!(config["os"], "wasip2");
        assert_eq!(
            config["component"],
            serde_json::json!({
                "exports": ["wasi:http/incoming-handler@0.2.0"],
                "imports": ["wasi:io/streams@0.2.0"],
                "target": null,
            })
        );
        let manifest: serde_json::Value = serde_json::from_slice(&component.manifest).unwrap();
        assert_eq!(manifest["mediaType"], OCI_MANIFEST_MEDIA_TYPE);
        assert_eq!(manifest["config"]["mediaType"], WASM_CONFIG_MEDIA_TYPE);
        assert_eq!(manifest["layers"][0]["mediaType"], WASM_LAYER_MEDIA_TYPE);
        assert_eq!(manifest["annotations"][ANNOTATION_TITLE], "c");
        assert_eq!(component.manifest_digest, Digest::of(&component.manifest));
        // The same artifact lays out the same way, byte for byte.
        let again = lay_out(&admitted("(module)"), "m");
        assert_eq!(again.manifest, module.manifest);
    }
}
