//! The framing of WebAssembly modules and components: where the signature sections are, the
//! module hash, and writing a signed copy.
//!
//! Signing and verifying only need the section framing (id, size, custom-section name), never
//! the contents, so this module walks the framing itself over a `Read + Seek` source and keeps
//! only byte ranges: memory does not grow with the artifact, and the hash and the signed copy
//! are streamed. `wasmparser` needs a whole section in memory before it reports it (a 50 MiB
//! data section would be read whole), so it is used only for the small import and export
//! sections (`imports_and_exports`).
//!
//! The module hash is defined by wascap: SHA-256 of the artifact re-encoded without any `jwt` or
//! `wasmcloud_jwt` custom section, at any nesting depth, with every section size in minimal
//! LEB128. For ordinary input (minimal sizes, no nested signatures) that is exactly the file
//! minus its signature section, which the pieces below reduce to one or two byte ranges.

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::ops::Range;

use sha2::{Digest, Sha256};

/// The section wzt writes.
pub const SIGNATURE_SECTION: &str = "wasmcloud_jwt";
/// The section name wascap used before 0.9; read, never written.
pub const LEGACY_SIGNATURE_SECTION: &str = "jwt";

const MAGIC: [u8; 4] = *b"\0asm";
const MODULE_VERSION: [u8; 4] = [1, 0, 0, 0];
const COMPONENT_VERSION: [u8; 4] = [0x0d, 0, 1, 0];

/// Component-model section ids that hold a nested binary.
const COMPONENT_CORE_MODULE_SECTION: u8 = 1;
const COMPONENT_COMPONENT_SECTION: u8 = 4;
const COMPONENT_IMPORT_SECTION: u8 = 10;
const COMPONENT_EXPORT_SECTION: u8 = 11;
const MODULE_IMPORT_SECTION: u8 = 2;
const MODULE_EXPORT_SECTION: u8 = 7;

/// The largest artifact wzt reads (signs, verifies, runs, pushes, pulls): 1 GiB, the largest
/// module a browser engine compiles (V8). Running or pushing holds the whole artifact in memory.
pub const MAX_ARTIFACT_LEN: u64 = 1 << 30;
/// The largest signature section read into memory; real tokens are well under 4 KiB.
pub const MAX_TOKEN_LEN: u64 = 1 << 20;
/// How deep modules and components may nest inside a component (the top level is depth 0).
/// Real components nest a handful of levels; wasmparser caps component type nesting at 100.
pub const MAX_NESTING_DEPTH: u32 = 100;
/// How many sections, at all depths together, an artifact may have. Real ones have hundreds;
/// the limit bounds the scan's time and memory whatever the file holds.
pub const MAX_SECTIONS: u64 = 100_000;
/// How many signature sections a layout records. One is allowed; more already fail
/// (`duplicate_signature`), so [`Layout::scan_for_verdict`] stops at the next one.
pub const MAX_RECORDED_SIGNATURES: usize = 16;
/// The largest import or export section parsed for `inspect` and `--caps auto`.
const MAX_INTERFACE_SECTION_LEN: u64 = 64 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArtifactKind {
    Module,
    Component,
}

impl std::fmt::Display for ArtifactKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ArtifactKind::Module => "core module",
            ArtifactKind::Component => "component",
        })
    }
}

/// Why bytes are not a readable WebAssembly binary.
#[derive(Debug, thiserror::Error)]
pub enum WasmError {
    #[error("not a WebAssembly module or component (the file does not start with \\0asm)")]
    NotWasm,
    #[error("unsupported WebAssembly binary version {0:02x?} at offset {1}")]
    UnsupportedVersion([u8; 4], u64),
    #[error("{what} at offset {offset} is malformed: {reason}")]
    Malformed {
        what: &'static str,
        offset: u64,
        reason: &'static str,
    },
    #[error(
        "the file is truncated or corrupt: the section at offset {offset} declares {declared} bytes but only {available} remain"
    )]
    Truncated {
        offset: u64,
        declared: u64,
        available: u64,
    },
    #[error(
        "the signature section at offset {offset} is {len} bytes, larger than any token (limit {MAX_TOKEN_LEN})"
    )]
    TokenTooLarge { offset: u64, len: u64 },
    #[error(
        "the {what} section at offset {offset} is not valid: {}",
        crate::text::Untrusted(message)
    )]
    BadSection {
        what: &'static str,
        offset: u64,
        message: String,
    },
    #[error(
        "modules and components nest more than {MAX_NESTING_DEPTH} levels deep (at offset {offset}); the artifact is refused (too deeply nested)"
    )]
    TooDeeplyNested { offset: u64 },
    #[error(
        "the artifact has more than {MAX_SECTIONS} sections (the last read at offset {offset}); it is refused (too many sections)"
    )]
    TooManySections { offset: u64 },
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl WasmError {
    /// A stable name for the kind of input error, for JSON output.
    pub fn code(&self) -> &'static str {
        match self {
            WasmError::NotWasm => "not_wasm",
            WasmError::UnsupportedVersion(..) => "unsupported_version",
            WasmError::Malformed { .. } => "malformed_wasm",
            WasmError::Truncated { .. } => "truncated",
            WasmError::TokenTooLarge { .. } => "token_too_large",
            WasmError::BadSection { .. } => "bad_section",
            WasmError::TooDeeplyNested { .. } => "too_deeply_nested",
            WasmError::TooManySections { .. } => "too_many_sections",
            WasmError::Io(_) => "io_error",
        }
    }
}

/// A `jwt` or `wasmcloud_jwt` custom section found anywhere in the artifact.
#[derive(Debug, Clone)]
pub struct SignatureSection {
    pub name: String,
    /// 0 for the top level, 1 inside a nested module or component, and so on.
    pub depth: u32,
    /// File offset of the section's id byte.
    pub offset: u64,
    /// File range of the section's data (the token).
    pub data: Range<u64>,
}

/// A `.dep-v0` custom section (cargo-auditable's dependency list) found anywhere in the
/// artifact: where its data is. Read by `provenance::deps`.
#[derive(Debug, Clone)]
pub struct DependencySection {
    /// 0 for the top level, 1 inside a nested module or component, and so on.
    pub depth: u32,
    /// File offset of the section's id byte.
    pub offset: u64,
    /// File range of the section's data.
    pub data: Range<u64>,
}

/// The name of cargo-auditable's dependency section.
const DEPENDENCY_SECTION: &str = ".dep-v0";
/// How many dependency sections a layout records (cargo auditable writes one).
pub const MAX_RECORDED_DEPENDENCY_SECTIONS: usize = 4;

/// A piece of the artifact as re-encoded without signature sections.
#[derive(Debug, Clone)]
enum Piece {
    /// Bytes of the input, as they are.
    Input(Range<u64>),
    /// A section header re-encoded with a minimal size: id and size.
    Header(u8, u32),
}

/// The framing of one artifact: what it is, where its signature sections are, and how to
/// produce its signature-free encoding.
#[derive(Debug, Clone)]
pub struct Layout {
    pub kind: ArtifactKind,
    /// Length of the scanned file.
    pub len: u64,
    /// The signature sections found, in file order; at most [`MAX_RECORDED_SIGNATURES`]
    /// (see [`Layout::signature_count`]).
    pub signatures: Vec<SignatureSection>,
    /// Top-level import sections (a component may have several).
    pub import_sections: Vec<Range<u64>>,
    pub export_sections: Vec<Range<u64>>,
    /// cargo-auditable's `.dep-v0` sections, at any depth (at most
    /// [`MAX_RECORDED_DEPENDENCY_SECTIONS`]); they are part of the module hash like any other
    /// custom section.
    pub dependency_sections: Vec<DependencySection>,
    signature_count: usize,
    complete: bool,
    stripped: Vec<Piece>,
    stripped_len: u64,
}

impl Layout {
    /// Walks the framing of `src` (`len` bytes long), into nested modules and components.
    /// Reads section headers only, through a small window, so the time is linear in the number
    /// of sections and the bytes of the file are never all read; memory is bounded by
    /// [`MAX_SECTIONS`] and [`MAX_NESTING_DEPTH`], which are input errors when exceeded.
    pub fn scan<R: Read + Seek>(src: &mut R, len: u64) -> Result<Layout, WasmError> {
        Scanner::new(src, len, false).run()
    }

    /// Like [`Layout::scan`], but stops at the signature section after the
    /// [`MAX_RECORDED_SIGNATURES`]th: the artifact already fails (`duplicate_signature`), and
    /// the rest of it cannot change that. Such a layout is not [`complete`](Layout::is_complete):
    /// it has no signature-free encoding, so no module hash.
    pub fn scan_for_verdict<R: Read + Seek>(src: &mut R, len: u64) -> Result<Layout, WasmError> {
        Scanner::new(src, len, true).run()
    }

    /// False when [`Layout::scan_for_verdict`] stopped early.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// How many signature sections the artifact holds, at any depth; when the layout is not
    /// complete, how many were seen before the scan stopped (one more than recorded).
    pub fn signature_count(&self) -> usize {
        self.signature_count
    }

    /// Length of the signature-free encoding (the bytes the module hash covers).
    pub fn stripped_len(&self) -> u64 {
        self.stripped_len
    }

    /// Streams the signature-free encoding to `sink`, in chunks. Small gaps between pieces are
    /// read through rather than sought over, so a buffered source keeps its buffer.
    pub fn for_each_stripped_chunk<R: Read + Seek>(
        &self,
        src: &mut R,
        mut sink: impl FnMut(&[u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        // Small enough that a chunk copied out of the page cache is still in the L2 cache when it
        // is hashed and written: with 1 MiB chunks, copying cost as much as hashing (issue 26).
        const CHUNK: usize = 64 << 10;
        const SKIP_BY_READING: u64 = 64 << 10;
        if !self.complete {
            return Err(io::Error::other(
                "the scan stopped early: this layout has no signature-free encoding",
            ));
        }
        let mut buf = vec![0u8; CHUNK.min(self.len as usize).max(1)];
        let mut at: Option<u64> = None;
        for piece in &self.stripped {
            match piece {
                Piece::Header(id, size) => {
                    let mut header = [0u8; 6];
                    let n = encode_header(&mut header, *id, *size);
                    sink(&header[..n])?
                }
                Piece::Input(range) => {
                    match at {
                        Some(at) if at <= range.start && range.start - at <= SKIP_BY_READING => {
                            let gap = range.start - at;
                            let copied = io::copy(&mut src.by_ref().take(gap), &mut io::sink())?;
                            if copied != gap {
                                return Err(io::ErrorKind::UnexpectedEof.into());
                            }
                        }
                        _ => {
                            src.seek(SeekFrom::Start(range.start))?;
                        }
                    }
                    let mut left = range.end - range.start;
                    while left > 0 {
                        let n = (buf.len() as u64).min(left) as usize;
                        src.read_exact(&mut buf[..n])?;
                        sink(&buf[..n])?;
                        left -= n as u64;
                    }
                    at = Some(range.end);
                }
            }
        }
        Ok(())
    }

    /// The module hash: upper-case hex SHA-256 of the signature-free encoding.
    pub fn module_hash<R: Read + Seek>(&self, src: &mut R) -> io::Result<String> {
        let mut hasher = Sha256::new();
        self.for_each_stripped_chunk(src, |chunk| {
            hasher.update(chunk);
            Ok(())
        })?;
        Ok(data_encoding::HEXUPPER.encode(&hasher.finalize()))
    }

    /// Writes the signature-free encoding to `out` and returns its module hash, in one pass.
    pub fn write_stripped<R: Read + Seek, W: Write>(
        &self,
        src: &mut R,
        out: &mut W,
    ) -> io::Result<String> {
        let mut hasher = Sha256::new();
        self.for_each_stripped_chunk(src, |chunk| {
            hasher.update(chunk);
            out.write_all(chunk)
        })?;
        Ok(data_encoding::HEXUPPER.encode(&hasher.finalize()))
    }

    /// Reads the token of one signature section.
    pub fn read_token<R: Read + Seek>(
        &self,
        src: &mut R,
        section: &SignatureSection,
    ) -> Result<Vec<u8>, WasmError> {
        let len = section.data.end - section.data.start;
        if len > MAX_TOKEN_LEN {
            return Err(WasmError::TokenTooLarge {
                offset: section.offset,
                len,
            });
        }
        read_range(src, section.data.clone())
    }

    /// Reads the bytes of `range` of the artifact (a section's data the scan recorded).
    pub fn read_range<R: Read + Seek>(
        &self,
        src: &mut R,
        range: Range<u64>,
    ) -> Result<Vec<u8>, WasmError> {
        if range.end > self.len || range.start > range.end {
            return Err(WasmError::Truncated {
                offset: range.start,
                declared: range.end.saturating_sub(range.start),
                available: self.len.saturating_sub(range.start),
            });
        }
        read_range(src, range)
    }

    /// The top-level imports and exports, as the host will see them.
    pub fn imports_and_exports<R: Read + Seek>(
        &self,
        src: &mut R,
    ) -> Result<Interfaces, WasmError> {
        let mut interfaces = Interfaces::default();
        for range in &self.import_sections {
            let data = read_interface_section(src, range.clone())?;
            let bad = |e: wasmparser::BinaryReaderError| WasmError::BadSection {
                what: "import",
                offset: range.start,
                message: e.message().to_string(),
            };
            let reader = wasmparser::BinaryReader::new(&data, range.start as usize);
            match self.kind {
                ArtifactKind::Module => {
                    let section = wasmparser::ImportSectionReader::new(reader).map_err(bad)?;
                    for import in section.into_imports() {
                        let import = import.map_err(bad)?;
                        interfaces.imports.push(Import::Core {
                            module: import.module.to_string(),
                            name: import.name.to_string(),
                        });
                    }
                }
                ArtifactKind::Component => {
                    let section =
                        wasmparser::ComponentImportSectionReader::new(reader).map_err(bad)?;
                    for import in section {
                        let import = import.map_err(bad)?;
                        interfaces
                            .imports
                            .push(Import::Component(import.name.name.to_string()));
                    }
                }
            }
        }
        for range in &self.export_sections {
            let data = read_interface_section(src, range.clone())?;
            let bad = |e: wasmparser::BinaryReaderError| WasmError::BadSection {
                what: "export",
                offset: range.start,
                message: e.message().to_string(),
            };
            let reader = wasmparser::BinaryReader::new(&data, range.start as usize);
            match self.kind {
                ArtifactKind::Module => {
                    for export in wasmparser::ExportSectionReader::new(reader).map_err(bad)? {
                        interfaces
                            .exports
                            .push(export.map_err(bad)?.name.to_string());
                    }
                }
                ArtifactKind::Component => {
                    for export in
                        wasmparser::ComponentExportSectionReader::new(reader).map_err(bad)?
                    {
                        interfaces
                            .exports
                            .push(export.map_err(bad)?.name.name.to_string());
                    }
                }
            }
        }
        Ok(interfaces)
    }
}

/// One import of an artifact.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Import {
    /// A component import, e.g. `wasi:http/outgoing-handler@0.2.2`.
    Component(String),
    /// A core module import, e.g. `wasi_snapshot_preview1` / `fd_write`.
    Core { module: String, name: String },
}

impl std::fmt::Display for Import {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Import::Component(name) => f.write_str(name),
            Import::Core { module, name } => write!(f, "{module}::{name}"),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Interfaces {
    pub imports: Vec<Import>,
    pub exports: Vec<String>,
}

fn read_interface_section<R: Read + Seek>(
    src: &mut R,
    range: Range<u64>,
) -> Result<Vec<u8>, WasmError> {
    if range.end - range.start > MAX_INTERFACE_SECTION_LEN {
        return Err(WasmError::BadSection {
            what: "import/export",
            offset: range.start,
            message: "larger than 64 MiB".into(),
        });
    }
    read_range(src, range)
}

fn read_range<R: Read + Seek>(src: &mut R, range: Range<u64>) -> Result<Vec<u8>, WasmError> {
    src.seek(SeekFrom::Start(range.start))?;
    let mut data = vec![0; (range.end - range.start) as usize];
    src.read_exact(&mut data)?;
    Ok(data)
}

/// A nested module or component section whose contents are being scanned: what its parent
/// needs to re-encode it once the inner binary is done.
struct NestedSection {
    id: u8,
    /// File offset of the section's id byte.
    pos: u64,
    content_end: u64,
    size: u32,
    minimal: bool,
}

/// One module or component being scanned: the top level, or a nested one.
struct Frame {
    kind: ArtifactKind,
    depth: u32,
    /// Where the next section starts, and where this binary ends.
    pos: u64,
    end: u64,
    /// The signature-free encoding so far, and its length.
    pieces: Vec<Piece>,
    len: u64,
    /// `None` at the top level.
    nested: Option<NestedSection>,
}

/// Walks the framing iteratively (an explicit stack of [`Frame`]s, never recursion, so no
/// nesting can overflow the call stack) within the limits of [`MAX_NESTING_DEPTH`] and
/// [`MAX_SECTIONS`].
struct Scanner<'a, R> {
    src: Window<'a, R>,
    len: u64,
    stop_when_decided: bool,
    sections: u64,
    signatures: Vec<SignatureSection>,
    signature_count: usize,
    import_sections: Vec<Range<u64>>,
    export_sections: Vec<Range<u64>>,
    dependency_sections: Vec<DependencySection>,
}

impl<'a, R: Read + Seek> Scanner<'a, R> {
    fn new(src: &'a mut R, len: u64, stop_when_decided: bool) -> Self {
        Scanner {
            src: Window::new(src),
            len,
            stop_when_decided,
            sections: 0,
            signatures: Vec::new(),
            signature_count: 0,
            import_sections: Vec::new(),
            export_sections: Vec::new(),
            dependency_sections: Vec::new(),
        }
    }

    fn run(mut self) -> Result<Layout, WasmError> {
        let top = self.header(0..self.len, 0, None)?;
        let kind = top.kind;
        let mut stack = vec![top];
        let (stripped, stripped_len, complete) = loop {
            let frame = stack.last_mut().expect("the top frame is popped last");
            if frame.pos >= frame.end {
                let done = stack.pop().expect("a frame");
                match done.nested {
                    None => break (done.pieces, done.len, true),
                    Some(section) => {
                        let parent = stack.last_mut().expect("a nested frame has a parent");
                        close_nested(parent, section, done.pieces, done.len)?;
                    }
                }
                continue;
            }
            if let Some(child) = self.section(frame)? {
                stack.push(child);
            } else if self.stop_when_decided && self.signature_count > MAX_RECORDED_SIGNATURES {
                break (Vec::new(), 0, false);
            }
        };
        Ok(Layout {
            kind,
            len: self.len,
            signatures: self.signatures,
            import_sections: self.import_sections,
            export_sections: self.export_sections,
            dependency_sections: self.dependency_sections,
            signature_count: self.signature_count,
            complete,
            stripped,
            stripped_len,
        })
    }

    /// Reads the 8-byte header of the binary occupying `range` and starts its frame.
    fn header(
        &mut self,
        range: Range<u64>,
        depth: u32,
        nested: Option<(ArtifactKind, NestedSection)>,
    ) -> Result<Frame, WasmError> {
        let mut header = [0u8; 8];
        if range.end - range.start < 8 {
            if depth == 0 {
                return Err(WasmError::NotWasm);
            }
            return Err(WasmError::Malformed {
                what: "nested binary",
                offset: range.start,
                reason: "shorter than a header",
            });
        }
        self.src.read_exact_at(range.start, &mut header)?;
        if header[..4] != MAGIC {
            if depth == 0 {
                return Err(WasmError::NotWasm);
            }
            return Err(WasmError::Malformed {
                what: "nested binary",
                offset: range.start,
                reason: "no \\0asm magic",
            });
        }
        let version: [u8; 4] = header[4..].try_into().expect("4 bytes");
        let kind = match version {
            MODULE_VERSION => ArtifactKind::Module,
            COMPONENT_VERSION => ArtifactKind::Component,
            other => return Err(WasmError::UnsupportedVersion(other, range.start + 4)),
        };
        let (expected, nested) = match nested {
            Some((expected, section)) => (Some(expected), Some(section)),
            None => (None, None),
        };
        if expected.is_some_and(|e| e != kind) {
            return Err(WasmError::Malformed {
                what: "nested binary",
                offset: range.start,
                reason: "a module section holds a component, or the reverse",
            });
        }
        let mut frame = Frame {
            kind,
            depth,
            pos: range.start + 8,
            end: range.end,
            pieces: Vec::new(),
            len: 0,
            nested,
        };
        push_input(&mut frame, range.start..range.start + 8);
        Ok(frame)
    }

    /// Reads the section at `frame.pos` and moves past it; returns the frame of the binary it
    /// holds, for a nested module or component (whose section the parent finishes once the
    /// inner binary is done).
    fn section(&mut self, frame: &mut Frame) -> Result<Option<Frame>, WasmError> {
        let pos = frame.pos;
        self.sections += 1;
        if self.sections > MAX_SECTIONS {
            return Err(WasmError::TooManySections { offset: pos });
        }
        let mut id = [0u8; 1];
        self.src.read_exact_at(pos, &mut id)?;
        let id = id[0];
        let (size, size_len) = self.leb_u32(pos + 1, frame.end, "section size")?;
        let content = pos + 1 + size_len..pos + 1 + size_len + u64::from(size);
        if content.end > frame.end {
            return Err(WasmError::Truncated {
                offset: pos,
                declared: u64::from(size),
                available: frame.end.saturating_sub(content.start),
            });
        }
        let minimal = size_len == leb_len(size);
        frame.pos = content.end;

        if id == 0 {
            let (name_len, name_len_len) =
                self.leb_u32(content.start, content.end, "custom section name")?;
            let name_start = content.start + name_len_len;
            if name_start + u64::from(name_len) > content.end {
                return Err(WasmError::Malformed {
                    what: "custom section",
                    offset: pos,
                    reason: "its name is longer than the section",
                });
            }
            // Only names of the two signature lengths and the dependency section's need
            // reading.
            let mut name = [0u8; SIGNATURE_SECTION.len()];
            let name = &mut name[..name_len.min(SIGNATURE_SECTION.len() as u32) as usize];
            if name_len as usize == DEPENDENCY_SECTION.len()
                && self.dependency_sections.len() < MAX_RECORDED_DEPENDENCY_SECTIONS
            {
                self.src.read_exact_at(name_start, name)?;
                if name == DEPENDENCY_SECTION.as_bytes() {
                    self.dependency_sections.push(DependencySection {
                        depth: frame.depth,
                        offset: pos,
                        data: name_start + u64::from(name_len)..content.end,
                    });
                }
            }
            if name_len as usize == SIGNATURE_SECTION.len()
                || name_len as usize == LEGACY_SIGNATURE_SECTION.len()
            {
                self.src.read_exact_at(name_start, name)?;
                let name = &*name;
                if name == SIGNATURE_SECTION.as_bytes()
                    || name == LEGACY_SIGNATURE_SECTION.as_bytes()
                {
                    self.signature_count += 1;
                    if self.signatures.len() < MAX_RECORDED_SIGNATURES {
                        self.signatures.push(SignatureSection {
                            name: String::from_utf8_lossy(name).into_owned(),
                            depth: frame.depth,
                            offset: pos,
                            data: name_start + u64::from(name_len)..content.end,
                        });
                    }
                    return Ok(None);
                }
            }
        }

        let nested = match (frame.kind, id) {
            (ArtifactKind::Component, COMPONENT_CORE_MODULE_SECTION) => Some(ArtifactKind::Module),
            (ArtifactKind::Component, COMPONENT_COMPONENT_SECTION) => Some(ArtifactKind::Component),
            _ => None,
        };
        if let Some(nested_kind) = nested {
            if frame.depth >= MAX_NESTING_DEPTH {
                return Err(WasmError::TooDeeplyNested { offset: pos });
            }
            let section = NestedSection {
                id,
                pos,
                content_end: content.end,
                size,
                minimal,
            };
            let child = self.header(content, frame.depth + 1, Some((nested_kind, section)))?;
            return Ok(Some(child));
        }
        if minimal {
            push_input(frame, pos..content.end);
        } else {
            push_header(frame, id, size);
            push_input(frame, content.clone());
        }
        if frame.depth == 0 {
            match (frame.kind, id) {
                (ArtifactKind::Module, MODULE_IMPORT_SECTION)
                | (ArtifactKind::Component, COMPONENT_IMPORT_SECTION) => {
                    self.import_sections.push(content)
                }
                (ArtifactKind::Module, MODULE_EXPORT_SECTION)
                | (ArtifactKind::Component, COMPONENT_EXPORT_SECTION) => {
                    self.export_sections.push(content)
                }
                _ => {}
            }
        }
        Ok(None)
    }

    /// Reads an unsigned LEB128 u32 at `pos` that must end before `end`; returns it and its length.
    fn leb_u32(&mut self, pos: u64, end: u64, what: &'static str) -> Result<(u32, u64), WasmError> {
        let avail = end.saturating_sub(pos).min(5) as usize;
        let mut buf = [0u8; 5];
        self.src.read_exact_at(pos, &mut buf[..avail])?;
        let mut value: u64 = 0;
        for (i, byte) in buf[..avail].iter().enumerate() {
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                let value = u32::try_from(value).map_err(|_| WasmError::Malformed {
                    what,
                    offset: pos,
                    reason: "LEB128 value does not fit in 32 bits",
                })?;
                return Ok((value, i as u64 + 1));
            }
        }
        Err(WasmError::Malformed {
            what,
            offset: pos,
            reason: if avail < 5 {
                "LEB128 runs past the end"
            } else {
                "LEB128 is longer than 5 bytes"
            },
        })
    }
}

/// Finishes a nested module or component section in its parent: as it is when nothing inside
/// changed, else re-sized around the inner binary's signature-free encoding.
fn close_nested(
    parent: &mut Frame,
    section: NestedSection,
    inner: Vec<Piece>,
    inner_len: u64,
) -> Result<(), WasmError> {
    let inner_size = u32::try_from(inner_len).map_err(|_| WasmError::Malformed {
        what: "nested binary",
        offset: section.pos,
        reason: "larger than 4 GiB",
    })?;
    if inner_size == section.size && section.minimal {
        // Nothing stripped inside: keep the bytes as they are.
        push_input(parent, section.pos..section.content_end);
    } else {
        push_header(parent, section.id, inner_size);
        for piece in inner {
            match piece {
                Piece::Input(r) => push_input(parent, r),
                Piece::Header(id, size) => push_header(parent, id, size),
            }
        }
    }
    Ok(())
}

/// Reads of a few bytes at increasing offsets, served from one buffered window of the source:
/// a file of many small sections is read once, in large reads, and a seek happens only to
/// jump over a section larger than the window.
struct Window<'a, R> {
    src: &'a mut R,
    buf: Box<[u8]>,
    /// File offset of `buf[0]`, and how many bytes of `buf` are valid.
    start: u64,
    filled: usize,
}

impl<'a, R: Read + Seek> Window<'a, R> {
    const SIZE: usize = 64 << 10;

    fn new(src: &'a mut R) -> Self {
        Window {
            src,
            buf: vec![0u8; Self::SIZE].into_boxed_slice(),
            start: 0,
            filled: 0,
        }
    }

    /// Fills `out` (at most a few bytes) from offset `pos`.
    fn read_exact_at(&mut self, pos: u64, out: &mut [u8]) -> Result<(), WasmError> {
        debug_assert!(out.len() <= Self::SIZE);
        let in_window =
            pos >= self.start && pos - self.start + out.len() as u64 <= self.filled as u64;
        if !in_window {
            self.src.seek(SeekFrom::Start(pos))?;
            self.start = pos;
            self.filled = 0;
            while self.filled < self.buf.len() {
                match self.src.read(&mut self.buf[self.filled..]) {
                    Ok(0) => break,
                    Ok(n) => self.filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e.into()),
                }
            }
            if self.filled < out.len() {
                return Err(WasmError::Truncated {
                    offset: pos,
                    declared: out.len() as u64,
                    available: self.filled as u64,
                });
            }
        }
        let at = (pos - self.start) as usize;
        out.copy_from_slice(&self.buf[at..at + out.len()]);
        Ok(())
    }
}

fn push_input(frame: &mut Frame, range: Range<u64>) {
    frame.len += range.end - range.start;
    if let Some(Piece::Input(last)) = frame.pieces.last_mut()
        && last.end == range.start
    {
        last.end = range.end;
        return;
    }
    frame.pieces.push(Piece::Input(range));
}

fn push_header(frame: &mut Frame, id: u8, size: u32) {
    frame.len += 1 + leb_len(size);
    frame.pieces.push(Piece::Header(id, size));
}

fn leb_len(mut value: u32) -> u64 {
    let mut n = 1;
    while value >= 0x80 {
        value >>= 7;
        n += 1;
    }
    n
}

fn write_leb_u32(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn section_header(id: u8, size: u32) -> Vec<u8> {
    let mut header = [0u8; 6];
    let n = encode_header(&mut header, id, size);
    header[..n].to_vec()
}

/// Writes a section header (id, minimal LEB128 size) into `out`; returns its length.
fn encode_header(out: &mut [u8; 6], id: u8, mut size: u32) -> usize {
    out[0] = id;
    let mut n = 1;
    loop {
        let byte = (size & 0x7f) as u8;
        size >>= 7;
        if size == 0 {
            out[n] = byte;
            return n + 1;
        }
        out[n] = byte | 0x80;
        n += 1;
    }
}

/// Encodes a custom section named [`SIGNATURE_SECTION`] holding `token`.
pub fn signature_section(token: &str) -> Vec<u8> {
    let mut name = Vec::new();
    write_leb_u32(&mut name, SIGNATURE_SECTION.len() as u32);
    name.extend_from_slice(SIGNATURE_SECTION.as_bytes());
    let size = u32::try_from(name.len() + token.len()).expect("a token is far below 4 GiB");
    let mut section = section_header(0, size);
    section.extend_from_slice(&name);
    section.extend_from_slice(token.as_bytes());
    section
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn custom(name: &str, data: &[u8]) -> Vec<u8> {
        let mut content = Vec::new();
        write_leb_u32(&mut content, name.len() as u32);
        content.extend_from_slice(name.as_bytes());
        content.extend_from_slice(data);
        let mut s = section_header(0, content.len() as u32);
        s.extend(content);
        s
    }

    fn scan(bytes: &[u8]) -> Result<Layout, WasmError> {
        Layout::scan(&mut Cursor::new(bytes), bytes.len() as u64)
    }

    fn stripped(bytes: &[u8]) -> Vec<u8> {
        let layout = scan(bytes).unwrap();
        let mut out = Vec::new();
        layout
            .write_stripped(&mut Cursor::new(bytes), &mut out)
            .unwrap();
        assert_eq!(out.len() as u64, layout.stripped_len());
        out
    }

    const EMPTY_MODULE: [u8; 8] = [0, b'a', b's', b'm', 1, 0, 0, 0];

    #[test]
    fn stripping_removes_only_signature_sections() {
        let mut m = EMPTY_MODULE.to_vec();
        m.extend(custom("keep", b"1"));
        let plain = m.clone();
        m.extend(custom("wasmcloud_jwt", b"a.b.c"));
        m.extend(custom("jwt", b"x.y.z"));
        let layout = scan(&m).unwrap();
        assert_eq!(layout.kind, ArtifactKind::Module);
        assert_eq!(layout.signatures.len(), 2);
        assert_eq!(stripped(&m), plain);
    }

    #[test]
    fn non_minimal_sizes_are_re_encoded_minimally() {
        let mut m = EMPTY_MODULE.to_vec();
        // A type section with a padded 5-byte size of 1, holding zero types.
        m.extend([1, 0x81, 0x80, 0x80, 0x80, 0x00, 0x00]);
        let mut want = EMPTY_MODULE.to_vec();
        want.extend([1, 1, 0]);
        assert_eq!(stripped(&m), want);
    }

    #[test]
    fn nested_signatures_are_found_and_stripped_with_sizes_fixed() {
        let mut inner = EMPTY_MODULE.to_vec();
        inner.extend(custom("jwt", b"old"));
        let mut c = vec![0, b'a', b's', b'm', 0x0d, 0, 1, 0];
        c.extend(section_header(
            COMPONENT_CORE_MODULE_SECTION,
            inner.len() as u32,
        ));
        c.extend(&inner);
        let layout = scan(&c).unwrap();
        assert_eq!(layout.kind, ArtifactKind::Component);
        assert_eq!(layout.signatures.len(), 1);
        assert_eq!(layout.signatures[0].depth, 1);
        let mut want = vec![0, b'a', b's', b'm', 0x0d, 0, 1, 0];
        want.extend(section_header(COMPONENT_CORE_MODULE_SECTION, 8));
        want.extend(EMPTY_MODULE);
        assert_eq!(stripped(&c), want);
    }

    #[test]
    fn hostile_framing_is_an_error_not_a_panic() {
        assert!(matches!(scan(b"hello world"), Err(WasmError::NotWasm)));
        assert!(matches!(scan(b"\0as"), Err(WasmError::NotWasm)));
        let mut v = EMPTY_MODULE.to_vec();
        v[4] = 2;
        assert!(matches!(scan(&v), Err(WasmError::UnsupportedVersion(..))));
        // A section that claims 4 GiB in a tiny file.
        let mut big = EMPTY_MODULE.to_vec();
        big.extend([0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0]);
        assert!(matches!(scan(&big), Err(WasmError::Truncated { .. })));
        // A LEB128 that never ends.
        let mut leb = EMPTY_MODULE.to_vec();
        leb.extend([1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]);
        assert!(matches!(scan(&leb), Err(WasmError::Malformed { .. })));
        // A custom section whose name is longer than itself.
        let mut name = EMPTY_MODULE.to_vec();
        name.extend([0, 2, 10, b'a']);
        assert!(matches!(scan(&name), Err(WasmError::Malformed { .. })));
    }

    /// A component nested `depth` levels deep (each level one component section), with a
    /// `jwt` section in the innermost one when `signed`.
    fn nested_components(depth: usize, signed: bool) -> Vec<u8> {
        const COMPONENT: [u8; 8] = [0, b'a', b's', b'm', 0x0d, 0, 1, 0];
        let mut inner = COMPONENT.to_vec();
        if signed {
            inner.extend(custom("jwt", b"t"));
        }
        for _ in 0..depth {
            let mut outer = COMPONENT.to_vec();
            outer.extend(section_header(
                COMPONENT_COMPONENT_SECTION,
                inner.len() as u32,
            ));
            outer.extend(inner);
            inner = outer;
        }
        inner
    }

    #[test]
    fn nesting_is_limited_and_never_recursed() {
        let ok = nested_components(MAX_NESTING_DEPTH as usize, true);
        let layout = scan(&ok).unwrap();
        assert_eq!(layout.signatures[0].depth, MAX_NESTING_DEPTH);
        // Every level shrinks by the stripped section, sizes re-encoded all the way up.
        assert_eq!(
            stripped(&ok),
            nested_components(MAX_NESTING_DEPTH as usize, false)
        );
        let deep = nested_components(MAX_NESTING_DEPTH as usize + 1, false);
        assert!(matches!(
            scan(&deep),
            Err(WasmError::TooDeeplyNested { .. })
        ));
        assert_eq!(scan(&deep).unwrap_err().code(), "too_deeply_nested");
    }

    #[test]
    fn a_million_sections_are_refused_quickly() {
        let mut m = EMPTY_MODULE.to_vec();
        for _ in 0..1_000_000 {
            m.extend([0, 2, 1, b'x']);
        }
        let started = std::time::Instant::now();
        assert!(matches!(scan(&m), Err(WasmError::TooManySections { .. })));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        // Empty `jwt` sections: the verdict scan stops after the few it records.
        let mut j = EMPTY_MODULE.to_vec();
        for _ in 0..1_000_000 {
            j.extend(custom("jwt", b""));
        }
        let layout = Layout::scan_for_verdict(&mut Cursor::new(&j), j.len() as u64).unwrap();
        assert!(!layout.is_complete());
        assert_eq!(layout.signatures.len(), MAX_RECORDED_SIGNATURES);
        assert_eq!(layout.signature_count(), MAX_RECORDED_SIGNATURES + 1);
        assert!(layout.module_hash(&mut Cursor::new(&j)).is_err());
        // The full scan, for signing, counts them all up to the section limit.
        assert!(matches!(scan(&j), Err(WasmError::TooManySections { .. })));
    }

    #[test]
    fn many_removed_sections_hash_as_the_file_without_them() {
        let mut m = EMPTY_MODULE.to_vec();
        let mut want = EMPTY_MODULE.to_vec();
        for i in 0..5000u32 {
            let keep = custom("k", &i.to_le_bytes());
            m.extend(&keep);
            want.extend(&keep);
            m.extend(custom(
                if i % 2 == 0 { "jwt" } else { "wasmcloud_jwt" },
                b"x",
            ));
        }
        let layout = scan(&m).unwrap();
        assert_eq!(layout.signature_count(), 5000);
        assert_eq!(layout.signatures.len(), MAX_RECORDED_SIGNATURES);
        assert_eq!(stripped(&m), want);
        // Through a buffered file as the CLI reads it.
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&m).unwrap();
        let mut reader = io::BufReader::new(file);
        let layout = Layout::scan(&mut reader, m.len() as u64).unwrap();
        let hash = layout.module_hash(&mut reader).unwrap();
        assert_eq!(hash, data_encoding::HEXUPPER.encode(&Sha256::digest(&want)));
    }

    #[test]
    fn signature_section_round_trips() {
        let mut m = EMPTY_MODULE.to_vec();
        m.extend(signature_section("h.c.s"));
        let layout = scan(&m).unwrap();
        let sig = &layout.signatures[0];
        assert_eq!(sig.name, SIGNATURE_SECTION);
        assert_eq!(
            layout.read_token(&mut Cursor::new(&m), sig).unwrap(),
            b"h.c.s"
        );
    }
}
