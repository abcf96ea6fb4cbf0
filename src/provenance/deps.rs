//! The dependency list `cargo auditable build` embeds: a custom section `.dep-v0` holding
//! zlib-compressed JSON (the `auditable-serde` format: every crate in the build with its
//! version, source and kind).
//!
//! Reading follows `auditable-info` (zlib inflated with an output limit, then
//! `auditable_serde::VersionInfo`, which checks the graph), but the section is found by wzt's
//! own scanner ([`crate::wasm::Layout`], at any nesting depth: in a component the list is in
//! the core module inside) rather than by `auditable-extract`, whose wasm support would bring a
//! second, older `wasmparser` into the build.

use std::io::{Read, Seek};

use serde::Serialize;

use crate::wasm::{Layout, WasmError};

/// The custom section cargo-auditable writes.
pub const DEPENDENCY_SECTION: &str = ".dep-v0";
/// The largest compressed section read, and the largest JSON inflated from it
/// (`auditable-info`'s default output limit).
pub const MAX_DEPENDENCY_JSON: usize = 8 << 20;

/// One crate of the build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Crate {
    pub name: String,
    pub version: String,
    /// `crates.io`, `git`, `local`, `registry`, or what the list says.
    pub source: String,
    /// `runtime`, or `build` (a build dependency: not in the artifact's code).
    pub kind: &'static str,
    /// The crate that was built (the actor itself).
    pub root: bool,
}

/// Why a dependency list cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum DepsError {
    #[error(transparent)]
    Wasm(#[from] WasmError),
    #[error("the artifact holds {0} {DEPENDENCY_SECTION} sections; cargo auditable writes one")]
    Several(usize),
    #[error("its {DEPENDENCY_SECTION} section is {0} bytes, over the {max} bytes wzt reads", max = MAX_DEPENDENCY_JSON)]
    TooLarge(u64),
    #[error("its {DEPENDENCY_SECTION} section does not inflate (zlib) within {max} bytes: {0}", max = MAX_DEPENDENCY_JSON)]
    Inflate(String),
    /// serde_json's message, which can quote the list (a crate's name as an unknown value).
    #[error(
        "its {DEPENDENCY_SECTION} section is not a cargo-auditable dependency list: {}",
        crate::text::Untrusted(.0)
    )]
    Format(String),
}

/// The crates the artifact lists, in the list's order; `None` when it has no list.
pub fn read<R: Read + Seek>(layout: &Layout, src: &mut R) -> Result<Option<Vec<Crate>>, DepsError> {
    let section = match layout.dependency_sections.as_slice() {
        [] => return Ok(None),
        [one] => one,
        several => return Err(DepsError::Several(several.len())),
    };
    let len = section.data.end - section.data.start;
    if len > MAX_DEPENDENCY_JSON as u64 {
        return Err(DepsError::TooLarge(len));
    }
    let compressed = layout.read_range(src, section.data.clone())?;
    decode(&compressed).map(Some)
}

/// Inflates and reads a `.dep-v0` section's data.
pub fn decode(compressed: &[u8]) -> Result<Vec<Crate>, DepsError> {
    let json =
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(compressed, MAX_DEPENDENCY_JSON)
            .map_err(|e| DepsError::Inflate(format!("{:?}", e.status)))?;
    let info: auditable_serde::VersionInfo =
        serde_json::from_slice(&json).map_err(|e| DepsError::Format(e.to_string()))?;
    Ok(info
        .packages
        .into_iter()
        .map(|p| Crate {
            name: p.name,
            version: p.version.to_string(),
            source: String::from(p.source),
            kind: match p.kind {
                auditable_serde::DependencyKind::Build => "build",
                auditable_serde::DependencyKind::Runtime => "runtime",
            },
            root: p.root,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zlib(data: &[u8]) -> Vec<u8> {
        miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
    }

    #[test]
    fn a_list_reads_and_a_bad_one_is_refused() {
        let json = br#"{"packages":[{"name":"itoa","version":"1.0.15","source":"crates.io"},{"name":"a","version":"0.1.0","source":"local","dependencies":[0],"root":true},{"name":"cc","version":"1.2.0","source":"crates.io","kind":"build"}]}"#;
        let crates = decode(&zlib(json)).unwrap();
        assert_eq!(crates.len(), 3);
        assert_eq!(
            crates[0],
            Crate {
                name: "itoa".into(),
                version: "1.0.15".into(),
                source: "crates.io".into(),
                kind: "runtime",
                root: false
            }
        );
        assert!(crates[1].root);
        assert_eq!(crates[2].kind, "build");

        assert!(matches!(decode(b"not zlib"), Err(DepsError::Inflate(_))));
        assert!(matches!(decode(&zlib(b"{}")), Err(DepsError::Format(_))));
        let cyclic = br#"{"packages":[{"name":"a","version":"1.0.0","source":"local","dependencies":[1]},{"name":"b","version":"1.0.0","source":"local","dependencies":[0]}]}"#;
        assert!(matches!(decode(&zlib(cyclic)), Err(DepsError::Format(_))));
        // A zlib bomb stops at the limit.
        let bomb = zlib(&vec![b' '; MAX_DEPENDENCY_JSON + 1]);
        assert!(matches!(decode(&bomb), Err(DepsError::Inflate(_))));
    }
}
