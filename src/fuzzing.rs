//! The logic of the fuzz targets in `fuzz/` (docs/design.md §11, FUZZING.md), here so that the
//! same code runs in two ways: under libFuzzer (`cargo fuzz run TARGET`, each target a one-line
//! call into this module) and as smoke tests under plain `cargo test` (a fixed corpus from
//! `fuzz/` plus a few thousand generated inputs per target), so CI keeps every target alive on
//! stable Rust.
//!
//! Each target asserts properties, not only "no panic":
//! - [`scan`]: any bytes either frame or are refused with a [`WasmError`](crate::wasm::WasmError); the stripped
//!   encoding has no signature section, stripping it again changes nothing, and its plain
//!   SHA-256 is the module hash.
//! - [`token`]: any text parses or is refused with a [`TokenError`] whose message shows no raw
//!   control character; claims signed then parsed round-trip and verify; a token changed in
//!   any byte does not verify with other signed content.
//! - [`pipeline`]: generated modules and components (wasm-encoder) with zero, one or many
//!   signature sections at any depth, some with valid tokens: the module hash equals an
//!   independent oracle (SHA-256 of the encoding built without signature sections), the
//!   verdict follows the section rules, `admit` agrees with `evaluate`, and signing then
//!   verifying round-trips with exactly one section left and the hash unchanged.
//! - [`policy`]: policy and `wzt.toml` text parse or are refused, never a panic.
//! - [`nkeys`]: seeds and public keys parse or are refused; a parsed seed round-trips; input
//!   shaped like a seed never appears in an error message.
//! - [`challenge`], [`docker_config`], [`lattice`]: what a registry, the docker config file
//!   and a lattice peer say ([`peers`]).
//! - [`provenance`]: any bytes as a DSSE envelope parse within the bounds or are refused with
//!   a printable reason and code; a statement built from hostile strings, signed, reads back
//!   exactly and checks; an envelope changed in one byte never verifies with other content.

use std::io::Cursor;
use std::sync::OnceLock;

use arbitrary::{Result as ArbResult, Unstructured};
use sha2::{Digest, Sha256};

use crate::caps::Grants;
use crate::claims::{self, ActorMetadata, Claims, Token, TokenError};
use crate::keys::{self, Key, KeyRole};
use crate::policy::{Policy, PolicyFile};
use crate::sign::{self, ClaimsSpec, Grant};
use crate::text::is_unsafe;
use crate::verify::{self, Seal};
use crate::wasm::{self, Layout};

pub mod peers;
pub use peers::{challenge, docker_config, lattice};

/// The fixed keys the targets sign with (fixed, so that a crash input replays exactly).
struct Keys {
    issuer: Key,
    other_issuer: Key,
    subject: Key,
}

fn fixed_keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let key = |role: nkeys::KeyPairType, byte: u8| {
            let pair = nkeys::KeyPair::new_from_raw(role, [byte; 32]).expect("32 bytes");
            Key::from_seed(&pair.seed().expect("a seed")).expect("a valid seed")
        };
        Keys {
            issuer: key(nkeys::KeyPairType::Account, 1),
            other_issuer: key(nkeys::KeyPairType::Account, 2),
            subject: key(nkeys::KeyPairType::Module, 3),
        }
    })
}

/// The time the targets verify at; generated validity windows are placed around it.
const NOW: u64 = 1_750_000_000;

pub(crate) fn assert_shown_safely(message: &str) {
    assert!(
        !message.chars().any(is_unsafe),
        "a raw control character reaches the terminal: {message:?}"
    );
}

/// Target `scan`: the section scanner and module hash on arbitrary bytes.
pub fn scan(data: &[u8]) {
    let len = data.len() as u64;
    let full = Layout::scan(&mut Cursor::new(data), len);
    let verdict = Layout::scan_for_verdict(&mut Cursor::new(data), len);
    let layout = match (full, verdict) {
        (Err(e), _) => {
            assert_shown_safely(&e.to_string());
            let _ = e.code();
            return;
        }
        (Ok(full), Ok(verdict)) => {
            assert_eq!(full.kind, verdict.kind);
            if verdict.is_complete() {
                assert_eq!(full.signature_count(), verdict.signature_count());
                assert_eq!(full.stripped_len(), verdict.stripped_len());
            } else {
                assert!(full.signature_count() > wasm::MAX_RECORDED_SIGNATURES);
            }
            full
        }
        (Ok(_), Err(e)) => panic!("the verdict scan failed where the full scan did not: {e}"),
    };
    assert!(layout.signatures.len() <= wasm::MAX_RECORDED_SIGNATURES);
    assert!(layout.signatures.len() <= layout.signature_count());
    let mut src = Cursor::new(data);
    let hash = layout.module_hash(&mut src).expect("in memory");
    let mut stripped = Vec::new();
    assert_eq!(
        layout.write_stripped(&mut src, &mut stripped).unwrap(),
        hash
    );
    assert_eq!(stripped.len() as u64, layout.stripped_len());
    assert_eq!(hash, hex_sha256(&stripped));
    // Stripping is idempotent: the stripped encoding frames, holds no signature section, and
    // strips to itself.
    let again = Layout::scan(&mut Cursor::new(&stripped), stripped.len() as u64)
        .expect("a stripped encoding frames");
    assert_eq!(again.signature_count(), 0);
    let mut twice = Vec::new();
    again
        .write_stripped(&mut Cursor::new(&stripped), &mut twice)
        .unwrap();
    assert_eq!(twice, stripped);
    if let Err(e) = layout.imports_and_exports(&mut Cursor::new(data)) {
        assert_shown_safely(&e.to_string());
    }
    for section in &layout.signatures {
        let _ = layout.read_token(&mut Cursor::new(data), section);
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    data_encoding::HEXUPPER.encode(&Sha256::digest(bytes))
}

/// Target `token`: token parsing and the signature check. The first byte chooses between raw
/// text and structured claims that are signed, then altered.
pub fn token(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        raw_token(&String::from_utf8_lossy(rest));
    } else {
        let _ = signed_token(&mut Unstructured::new(rest));
    }
}

fn raw_token(text: &str) {
    match Token::parse(text) {
        Err(e) => check_token_error(&e),
        Ok(token) => {
            if let Err(e) = token.verify_signature() {
                check_token_error(&e);
            }
        }
    }
}

fn check_token_error(e: &TokenError) {
    assert_shown_safely(&e.to_string());
    let _ = e.code();
}

fn arbitrary_claims(u: &mut Unstructured, hash: String) -> ArbResult<Claims> {
    let keys = fixed_keys();
    let opt_time = |u: &mut Unstructured| -> ArbResult<Option<u64>> {
        Ok(if u.arbitrary()? {
            Some(NOW.saturating_add_signed(u.int_in_range(-100_000i64..=100_000)?))
        } else {
            None
        })
    };
    Ok(Claims {
        expires: opt_time(u)?,
        id: u.arbitrary()?,
        issued_at: NOW.saturating_add_signed(u.int_in_range(-1_000_000i64..=1_000)?),
        issuer: keys.issuer.public_key().to_string(),
        subject: keys.subject.public_key().to_string(),
        not_before: opt_time(u)?,
        metadata: ActorMetadata {
            name: u.arbitrary()?,
            module_hash: hash,
            tags: u.arbitrary()?,
            caps: u.arbitrary()?,
            scopes: None,
            rev: u.arbitrary()?,
            ver: u.arbitrary()?,
            call_alias: u.arbitrary()?,
            provider: u.arbitrary()?,
        },
        wascap_revision: u.arbitrary()?,
    })
}

fn signed_token(u: &mut Unstructured) -> ArbResult<()> {
    let keys = fixed_keys();
    let hash: String = u.arbitrary()?;
    let claims = arbitrary_claims(u, hash)?;
    let token = claims::encode(&claims, &keys.issuer).expect("an account key signs");
    // Sign then parse and verify round-trips.
    let parsed = Token::parse(&token).expect("a token wzt wrote parses");
    assert_eq!(parsed.claims, claims);
    parsed
        .verify_signature()
        .expect("a token wzt signed verifies");
    // Any change to any byte either fails, or leaves the signed content as it was (base64url
    // has no second spelling of the same bytes here: trailing bits are checked).
    let mut altered = token.clone().into_bytes();
    let at = u.choose_index(altered.len())?;
    altered[at] = u.arbitrary()?;
    let Ok(altered) = String::from_utf8(altered) else {
        return Ok(());
    };
    if altered != token
        && let Ok(t) = Token::parse(&altered)
        && t.verify_signature().is_ok()
    {
        panic!("an altered token verifies: {altered}");
    }
    raw_token(&altered);
    Ok(())
}

// ---- structure-aware artifacts ----

/// A generated module or component, rendered by [`Node::render`].
#[derive(Debug, Clone)]
enum Node {
    Module(Vec<Section>),
    Component(Vec<Section>),
}

#[derive(Debug, Clone)]
enum Section {
    /// A section of another kind, with its content as is.
    Plain { id: u8, content: Vec<u8>, pad: bool },
    /// A custom section that is not a signature.
    Custom {
        name: String,
        data: Vec<u8>,
        pad: bool,
    },
    /// A signature section (`wasmcloud_jwt`, or `jwt` when legacy).
    Signature {
        legacy: bool,
        token: TokenKind,
        pad: bool,
    },
    /// A nested module or component (in a component only).
    Nested { node: Node, pad: bool },
}

/// What a generated signature section holds.
#[derive(Debug, Clone)]
enum TokenKind {
    /// Claims for the artifact's module hash, signed by the trusted issuer.
    Valid { claims_seed: Vec<u8> },
    /// Signed by another account key.
    OtherIssuer,
    /// Claims naming another hash.
    WrongHash,
    /// Arbitrary bytes.
    Garbage(Vec<u8>),
}

impl Node {
    fn arbitrary(u: &mut Unstructured, depth: u32, component: bool) -> ArbResult<Node> {
        let count = u.int_in_range(0..=if depth == 0 { 8 } else { 4 })?;
        let mut sections = Vec::with_capacity(count);
        for _ in 0..count {
            let pad = u.ratio(1, 8)?;
            let section = match u.int_in_range(0..=9)? {
                0..=2 => Section::Signature {
                    legacy: u.ratio(1, 4)?,
                    token: match u.int_in_range(0..=5)? {
                        0..=2 => {
                            let len = u.int_in_range(0..=64)?;
                            TokenKind::Valid {
                                claims_seed: u.bytes(len)?.to_vec(),
                            }
                        }
                        3 => TokenKind::OtherIssuer,
                        4 => TokenKind::WrongHash,
                        _ => TokenKind::Garbage(u.arbitrary()?),
                    },
                    pad,
                },
                3 | 4 if component && depth < 4 => {
                    let inner_component = u.arbitrary()?;
                    Section::Nested {
                        node: Node::arbitrary(u, depth + 1, inner_component)?,
                        pad,
                    }
                }
                5 => Section::Custom {
                    name: u
                        .choose(&["name", "producers", "jwt_", "wasmcloud_jw", "x", ""])?
                        .to_string(),
                    data: u.arbitrary()?,
                    pad,
                },
                _ => interface_section(u, component, pad)?,
            };
            sections.push(section);
        }
        Ok(if component {
            Node::Component(sections)
        } else {
            Node::Module(sections)
        })
    }

    /// The binary: with or without the signature sections, with the padded (non-minimal)
    /// sizes or all minimal. Tokens get `hash` as their claimed module hash.
    fn render(&self, with_signatures: bool, padded: bool, hash: &str) -> Vec<u8> {
        let (mut out, sections) = match self {
            Node::Module(s) => (b"\0asm\x01\0\0\0".to_vec(), s),
            Node::Component(s) => (b"\0asm\x0d\0\x01\0".to_vec(), s),
        };
        for section in sections {
            let (id, content, pad) = match section {
                Section::Plain { id, content, pad } => (*id, content.clone(), *pad),
                Section::Custom { name, data, pad } => (0, custom_content(name, data), *pad),
                Section::Signature { legacy, token, pad } => {
                    if !with_signatures {
                        continue;
                    }
                    let name = if *legacy {
                        wasm::LEGACY_SIGNATURE_SECTION
                    } else {
                        wasm::SIGNATURE_SECTION
                    };
                    (0, custom_content(name, &token.render(hash)), *pad)
                }
                Section::Nested { node, pad } => {
                    let id = match node {
                        Node::Module(_) => 1,
                        Node::Component(_) => 4,
                    };
                    (id, node.render(with_signatures, padded, hash), *pad)
                }
            };
            out.push(id);
            write_leb(&mut out, content.len() as u32, pad && padded);
            out.extend(content);
        }
        out
    }

    /// Signature sections: how many, and how many nested.
    fn signatures(&self) -> (usize, usize) {
        let sections = match self {
            Node::Module(s) | Node::Component(s) => s,
        };
        let mut count = (0, 0);
        for s in sections {
            match s {
                Section::Signature { .. } => count.0 += 1,
                Section::Nested { node, .. } => {
                    let (all, _) = node.signatures();
                    count.0 += all;
                    count.1 += all;
                }
                _ => {}
            }
        }
        count
    }

    /// The first top-level signature section's token, when there is one.
    fn first_top_level_token(&self) -> Option<&TokenKind> {
        let (Node::Module(s) | Node::Component(s)) = self;
        s.iter().find_map(|s| match s {
            Section::Signature { token, .. } => Some(token),
            _ => None,
        })
    }
}

impl TokenKind {
    fn render(&self, hash: &str) -> Vec<u8> {
        let keys = fixed_keys();
        let claims_for = |seed: &[u8], hash: &str| {
            let mut u = Unstructured::new(seed);
            let mut claims =
                arbitrary_claims(&mut u, hash.to_string()).expect("arbitrary never fails here");
            // A valid window around NOW, so the section rules alone decide.
            claims.expires = None;
            claims.not_before = None;
            claims.issued_at = NOW - 60;
            claims
        };
        match self {
            TokenKind::Valid { claims_seed } => {
                claims::encode(&claims_for(claims_seed, hash), &keys.issuer)
                    .expect("signs")
                    .into_bytes()
            }
            TokenKind::OtherIssuer => claims::encode(&claims_for(&[], hash), &keys.other_issuer)
                .expect("signs")
                .into_bytes(),
            TokenKind::WrongHash => claims::encode(&claims_for(&[], "00"), &keys.issuer)
                .expect("signs")
                .into_bytes(),
            TokenKind::Garbage(bytes) => bytes.clone(),
        }
    }
}

fn custom_content(name: &str, data: &[u8]) -> Vec<u8> {
    let mut content = Vec::new();
    write_leb(&mut content, name.len() as u32, false);
    content.extend_from_slice(name.as_bytes());
    content.extend_from_slice(data);
    content
}

/// LEB128; `pad` writes the 5-byte form that the module hash re-encodes minimally.
fn write_leb(out: &mut Vec<u8>, mut value: u32, pad: bool) {
    let bytes = if pad { 5 } else { 0 };
    let mut n = 0;
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        n += 1;
        if value == 0 && n >= bytes {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// An import or export section of the right kind, or another section with arbitrary bytes.
fn interface_section(u: &mut Unstructured, component: bool, pad: bool) -> ArbResult<Section> {
    use wasm_encoder::{
        ComponentExportKind, ComponentExportSection, ComponentImportSection, ComponentTypeRef,
        ComponentTypeSection, Encode, EntityType, ExportKind, ExportSection, ImportSection,
        InstanceType, TypeSection,
    };
    const COMPONENT_NAMES: [&str; 6] = [
        "wasi:io/streams@0.2.0",
        "wasi:http/types@0.2.0",
        "wasi:keyvalue/store@0.2.0-draft",
        "wasi:http/incoming-handler@0.2.0",
        "wasi:cli/run@0.2.0",
        "wasi:filesystem/types@0.2.0",
    ];
    const CORE_NAMES: [&str; 4] = ["fd_write", "path_open", "sock_accept", "random_get"];
    // The content of an encoded section, without its size.
    fn content(section: &impl Encode) -> Vec<u8> {
        let mut bytes = Vec::new();
        section.encode(&mut bytes);
        let skip = bytes
            .iter()
            .position(|b| b & 0x80 == 0)
            .map_or(0, |i| i + 1);
        bytes.split_off(skip)
    }
    let kind = u.int_in_range(0..=3)?;
    Ok(match (component, kind) {
        (true, 0) => {
            let mut types = ComponentTypeSection::new();
            types.instance(&InstanceType::new());
            Section::Plain {
                id: 7,
                content: content(&types),
                pad,
            }
        }
        (true, 1) => {
            let mut imports = ComponentImportSection::new();
            for _ in 0..u.int_in_range(0..=3)? {
                imports.import(*u.choose(&COMPONENT_NAMES)?, ComponentTypeRef::Instance(0));
            }
            Section::Plain {
                id: 10,
                content: content(&imports),
                pad,
            }
        }
        (true, 2) => {
            let mut exports = ComponentExportSection::new();
            exports.export(
                *u.choose(&COMPONENT_NAMES)?,
                ComponentExportKind::Instance,
                0,
                None,
            );
            Section::Plain {
                id: 11,
                content: content(&exports),
                pad,
            }
        }
        (false, 0) => {
            let mut types = TypeSection::new();
            types.ty().function([], []);
            Section::Plain {
                id: 1,
                content: content(&types),
                pad,
            }
        }
        (false, 1) => {
            let mut imports = ImportSection::new();
            for _ in 0..u.int_in_range(0..=3)? {
                let module = *u.choose(&["wasi_snapshot_preview1", "env"])?;
                imports.import(module, u.choose(&CORE_NAMES)?, EntityType::Function(0));
            }
            Section::Plain {
                id: 2,
                content: content(&imports),
                pad,
            }
        }
        (false, 2) => {
            let mut exports = ExportSection::new();
            exports.export("_start", ExportKind::Func, 0);
            Section::Plain {
                id: 7,
                content: content(&exports),
                pad,
            }
        }
        // Arbitrary bytes under an id that holds no nested binary.
        _ => Section::Plain {
            id: *u.choose(if component {
                &[2u8, 3, 5, 6, 8, 9][..]
            } else {
                &[1u8, 3, 5, 6, 8, 10, 11, 12][..]
            })?,
            content: u.arbitrary()?,
            pad,
        },
    })
}

/// Target `pipeline`: examine → evaluate → admit on generated artifacts, then sign and verify.
pub fn pipeline(data: &[u8]) {
    let _ = pipeline_inner(&mut Unstructured::new(data));
}

fn pipeline_inner(u: &mut Unstructured) -> ArbResult<()> {
    let keys = fixed_keys();
    let component = u.arbitrary()?;
    let node = Node::arbitrary(u, 0, component)?;
    // The oracle: the module hash is SHA-256 of the artifact built without any signature
    // section and with minimal sizes, whatever depth the sections were at.
    let oracle = hex_sha256(&node.render(false, false, ""));
    let bytes = node.render(true, true, &oracle);
    let (count, nested) = node.signatures();

    let examined = verify::examine(&mut Cursor::new(&bytes), bytes.len() as u64)
        .expect("a generated artifact frames");
    let recorded = count <= wasm::MAX_RECORDED_SIGNATURES;
    let seen = wasm::MAX_RECORDED_SIGNATURES + 1;
    assert_eq!(
        examined.layout().signature_count().min(seen),
        count.min(seen)
    );
    assert_eq!(examined.layout().is_complete(), recorded);
    if recorded {
        assert_eq!(examined.module_hash(), Some(oracle.as_str()));
    }
    let policy = Policy {
        trusted_issuers: vec![keys.issuer.public_key().to_string()],
        allow_unsigned: u.arbitrary()?,
        ..Policy::default()
    };
    let failures = verify::evaluate(&examined, &policy, NOW, &Grants::none());
    let codes: Vec<&str> = failures.iter().map(|f| f.code()).collect();
    for f in &failures {
        assert_shown_safely(&f.to_string());
    }
    match count {
        0 => assert_eq!(codes.contains(&"unsigned"), !policy.allow_unsigned),
        1 => assert!(!codes.contains(&"duplicate_signature")),
        _ => assert!(codes.contains(&"duplicate_signature"), "{codes:?}"),
    }
    if recorded {
        assert_eq!(codes.contains(&"nested_signature"), nested > 0, "{codes:?}");
    }
    if count == 1 && nested == 0 {
        let token = node.first_top_level_token().expect("one top-level section");
        let valid = matches!(token, TokenKind::Valid { .. });
        assert_eq!(failures.is_empty(), valid, "{codes:?}");
        if valid {
            assert!(matches!(examined.seal(), Seal::Valid(_)));
        }
    }
    // `admit` agrees with `evaluate`, and admits exactly the bytes it was given.
    match verify::admit(bytes.clone(), &policy, NOW, Grants::none()) {
        Ok(admitted) => {
            assert!(failures.is_empty());
            assert_eq!(admitted.bytes(), &bytes[..]);
            assert_eq!(admitted.module_hash(), oracle);
        }
        Err(verify::Rejection::Failed(f)) => assert_eq!(f, failures),
        Err(e) => panic!("a framed artifact is refused as input: {e}"),
    }

    // Signing leaves exactly one top-level section, keeps the hash, and verifies.
    let spec = ClaimsSpec {
        name: u.arbitrary()?,
        ver: u.arbitrary()?,
        rev: u.arbitrary()?,
        tags: u.arbitrary()?,
        scopes: Default::default(),
        grant: if u.arbitrary()? {
            Grant::Auto
        } else {
            Grant::List(Grants::none())
        },
        call_alias: None,
        expires: None,
        not_before: None,
        issued_at: NOW,
    };
    let (signed, _) = match sign::sign_bytes(&bytes, &spec, &keys.issuer, &keys.subject) {
        Ok(signed) => signed,
        // `--caps auto` reads the imports, which may be arbitrary bytes or unsupported.
        Err(sign::SignError::UnsupportedImport(_) | sign::SignError::Wasm(_))
            if matches!(spec.grant, Grant::Auto) =>
        {
            return Ok(());
        }
        Err(e) => panic!("signing a framed artifact failed: {e}"),
    };
    let again = verify::examine(&mut Cursor::new(&signed), signed.len() as u64).unwrap();
    assert_eq!(again.layout().signature_count(), 1);
    assert_eq!(again.layout().signatures[0].depth, 0);
    assert_eq!(again.module_hash(), Some(oracle.as_str()));
    let trusting = Policy {
        trusted_issuers: vec![keys.issuer.public_key().to_string()],
        ..Policy::default()
    };
    let failures = verify::evaluate(&again, &trusting, NOW, &Grants::none());
    assert!(failures.is_empty(), "{failures:?}");
    // Re-signing what was signed: still one section, same hash.
    let spec = ClaimsSpec {
        scopes: Default::default(),
        grant: Grant::List(Grants::none()),
        ..spec
    };
    let (resigned, info) = sign::sign_bytes(&signed, &spec, &keys.issuer, &keys.subject)
        .expect("a signed artifact signs again");
    assert_eq!(info.replaced_signatures, 1);
    assert_eq!(info.claims.metadata.module_hash, oracle);
    let layout = Layout::scan(&mut Cursor::new(&resigned), resigned.len() as u64).unwrap();
    assert_eq!(layout.signature_count(), 1);
    Ok(())
}

/// Target `policy`: the policy file, `wzt.toml` and the durations and times in them.
pub fn policy(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(file) = toml::from_str::<PolicyFile>(&text) {
        let resolve = |entry: &str| {
            keys::parse_public_key_of(entry, &[KeyRole::Account]).map(|_| entry.to_string())
        };
        match Policy::from_file(file, resolve) {
            Ok(policy) => {
                // Evaluating with any policy never panics, whatever the leeway or max age.
                for now in [0, NOW, u64::MAX] {
                    for f in verify::evaluate(extreme_times(), &policy, now, &Grants::none()) {
                        assert_shown_safely(&f.to_string());
                    }
                }
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
    if let Ok(file) = toml::from_str::<crate::project::ProjectFile>(&text) {
        let project = crate::project::Project {
            dir: "/p".into(),
            file,
        };
        let _ = project.claims_spec(NOW);
        let _ = project.subject_key_name();
        let _ = project.issuer();
    }
    for line in text.lines().take(16) {
        let _ = crate::time::parse_time(line, NOW);
        let _ = crate::time::parse_duration(line);
        let _ = Grants::parse(&[line]);
        let _ = sign::Grant::from_words(&[line]);
        let _ = sign::validate_call_alias(line);
    }
}

/// Target `scopes`: scope values, flags, token members and trace lines from outside. Never a
/// panic; a value that parses is written in one form that parses to itself, reaches itself and
/// lies within itself; an error message shows nothing a terminal would interpret.
pub fn scopes(data: &[u8]) {
    use crate::scopes::{self, ScopeKind, Scopes};
    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines();
    let pattern = lines.next().unwrap_or_default();
    for line in lines.take(8) {
        match scopes::parse_flag(line) {
            Ok((kind, value)) => {
                assert_eq!(kind.parse_value(&value).as_deref(), Ok(value.as_str()));
                assert!(scopes::within(kind, &value, &value), "{kind}={value}");
                let mut set = Scopes::new();
                set.insert(kind, &value).unwrap();
                assert!(set.check_within(kind, &value).allowed());
                assert!(set.scoped(kind.capability()));
                // Against anything else: answers, never panics.
                let _ = set.check(kind, pattern);
                let _ = scopes::within(kind, pattern, &value);
                let _ = scopes::matches(kind, pattern, &value);
                let wire = set.to_wire();
                assert_eq!(Scopes::from_wire(&wire).as_ref(), Ok(&set));
            }
            Err(e) => assert_shown_safely(&e.to_string()),
        }
        for kind in ScopeKind::ALL {
            if let Err(e) = kind.parse_value(line) {
                assert_shown_safely(&e.to_string());
            }
        }
    }
    // A token's member, read as verification reads it.
    if let Ok(wire) = serde_json::from_str::<std::collections::BTreeMap<String, Vec<String>>>(&text)
        && let Err(problems) = Scopes::from_wire(&wire)
    {
        for p in problems {
            assert_shown_safely(&p.to_string());
        }
    }
    // A trace file, as `--scopes-from` reads it.
    let grants = Grants::parse(&["kv", "httpclient", "msg", "config"]).expect("aliases");
    if let Err(e) = scopes::derive_from_trace(&text, &grants) {
        let _ = e.len();
    }
}

/// A signed core module whose claims hold the extreme times (`u64::MAX`).
fn extreme_times() -> &'static verify::Examined {
    static EXAMINED: OnceLock<verify::Examined> = OnceLock::new();
    EXAMINED.get_or_init(|| {
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        let claims = Claims {
            expires: Some(u64::MAX),
            id: "j".into(),
            issued_at: u64::MAX,
            issuer: fixed_keys().issuer.public_key().into(),
            subject: fixed_keys().subject.public_key().into(),
            not_before: Some(u64::MAX),
            metadata: ActorMetadata::default(),
            wascap_revision: None,
        };
        let token = claims::encode(&claims, &fixed_keys().issuer).expect("signs");
        module.extend(wasm::signature_section(&token));
        verify::examine(&mut Cursor::new(&module), module.len() as u64).expect("frames")
    })
}

/// Target `nkeys`: seeds, public keys and role names.
pub fn nkeys(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    if let Ok(key) = Key::from_seed(text) {
        assert_eq!(key.seed(), text.trim());
        let again = Key::from_seed(key.seed()).expect("a seed round-trips");
        assert_eq!(again.public_key(), key.public_key());
        let (role, _) = keys::parse_public_key(key.public_key()).expect("its public key parses");
        assert_eq!(role, key.role());
    }
    if let Ok((role, bytes)) = keys::parse_public_key(text) {
        assert_eq!(text.len(), keys::PUBLIC_KEY_LEN);
        assert!(text.starts_with(role.letter()));
        assert_eq!(bytes.len(), 32);
    }
    let _ = text.parse::<KeyRole>();
    // What is shaped like a seed never comes back in a message.
    let store = keys::KeyStore::new("/nonexistent/wzt-fuzz");
    let messages = [
        Key::from_seed(text).err().map(|e| e.to_string()),
        keys::parse_public_key(text).err().map(|e| e.to_string()),
        store.load(text).err().map(|e| e.to_string()),
    ];
    if keys::looks_like_seed(text) {
        let secret = &text.trim()[2..];
        for message in messages.into_iter().flatten() {
            assert!(!message.contains(secret), "a seed is echoed: {message}");
        }
    }
    // Any 32 bytes make a key of every role that round-trips through its seed.
    if data.len() >= 33 {
        let role = KeyRole::ALL[data[0] as usize % KeyRole::ALL.len()];
        let raw: [u8; 32] = data[1..33].try_into().expect("32 bytes");
        let seed = if role == KeyRole::Curve {
            nkeys::XKey::new_from_raw(raw).seed().expect("a seed")
        } else {
            let kind = nkeys::KeyPairType::from(role.prefix_byte());
            nkeys::KeyPair::new_from_raw(kind, raw)
                .expect("32 bytes")
                .seed()
                .expect("a seed")
        };
        let key = Key::from_seed(&seed).expect("a seed nkeys wrote parses");
        assert_eq!(key.role(), role);
        assert!(keys::looks_like_seed(&seed));
    }
}

/// Target `provenance`: the DSSE envelope and in-toto statement readers and the provenance
/// check. The first byte chooses between raw bytes as an envelope file, and a statement built
/// from the input (hostile strings in every field), signed, then altered in one byte.
pub fn provenance(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        raw_envelope(rest);
    } else {
        let _ = signed_envelope(&mut Unstructured::new(rest));
    }
}

/// A policy with every provenance rule, trusting the fixed issuer.
fn provenance_policy() -> Policy {
    Policy {
        trusted_issuers: vec![fixed_keys().issuer.public_key().to_string()],
        require_provenance: true,
        source_repos: vec!["https://example.com/acme/*".into()],
        require_clean_tree: true,
        ..Policy::default()
    }
}

fn raw_envelope(data: &[u8]) {
    use crate::provenance::{Envelope, check};
    match Envelope::parse(data) {
        Err(e) => assert_shown_safely(&e.to_string()),
        Ok(envelope) => {
            assert!(envelope.signatures().len() <= crate::provenance::dsse::MAX_SIGNATURES);
            assert!(!envelope.signatures().is_empty());
        }
    }
    let digest = "0".repeat(64);
    if let Err(failures) = check(data, &digest, &provenance_policy()) {
        for f in failures {
            assert_shown_safely(&f.to_string());
            let _ = f.code();
        }
    }
}

fn signed_envelope(u: &mut Unstructured) -> ArbResult<()> {
    use crate::provenance::facts::{BuildFacts, GitSource};
    use crate::provenance::statement::Statement;
    use crate::provenance::{Envelope, Subject, check};
    let artifact: [u8; 32] = u.arbitrary()?;
    let artifact = crate::provenance::facts::hex(&artifact);
    let subjects = vec![Subject {
        name: u.arbitrary()?,
        sha256: if u.arbitrary()? {
            artifact.clone()
        } else {
            u.arbitrary()?
        },
    }];
    let source = if u.arbitrary()? {
        Some(GitSource {
            repository: u.arbitrary()?,
            git_ref: u.arbitrary()?,
            commit: u.arbitrary()?,
            clean: u.arbitrary()?,
            top: "/".into(),
        })
    } else {
        None
    };
    let facts = BuildFacts {
        command: u.arbitrary()?,
        profile: "default",
        artifact: u.arbitrary()?,
        project_path: u.arbitrary()?,
        actor: serde_json::Value::String(u.arbitrary()?),
        source,
        cargo_lock: u.arbitrary()?,
        rustc: u.arbitrary()?,
        target: u.arbitrary()?,
        started: u.arbitrary()?,
        finished: u.arbitrary()?,
    };
    let statement = Statement::for_build(&subjects, &facts, &[], None);
    let envelope = Envelope::sign(statement.to_json(), &fixed_keys().issuer).expect("signs");
    let json = envelope.to_json();
    // It reads back as written, and the statement as built.
    assert_eq!(
        Envelope::parse(&json).expect("wzt's envelope parses"),
        envelope
    );
    assert_eq!(
        Statement::parse(envelope.unverified_payload()).expect("wzt's statement parses"),
        statement
    );
    let policy = provenance_policy();
    match check(&json, &artifact, &policy) {
        Ok(checked) => {
            assert_eq!(checked.statement, statement);
            assert!(subjects[0].sha256.eq_ignore_ascii_case(&artifact));
            let source = statement.source().unwrap().unwrap();
            assert_eq!(source.clean, Some(true));
        }
        Err(failures) => {
            for f in failures {
                assert_shown_safely(&f.to_string());
                assert_ne!(f.code(), "bad_provenance_signature");
                assert_ne!(f.code(), "malformed_provenance");
            }
        }
    }
    // One byte changed: refused, or the signed payload is unchanged.
    let mut altered = json.clone();
    let at = u.choose_index(altered.len())?;
    altered[at] = u.arbitrary()?;
    if let Ok(parsed) = Envelope::parse(&altered)
        && parsed.verified_by(&policy.trusted_issuers).is_some()
    {
        assert_eq!(parsed.unverified_payload(), envelope.unverified_payload());
    }
    Ok(())
}

/// A fuzz target: what libFuzzer calls with each input.
pub type Target = fn(&[u8]);

/// The targets by name, as `fuzz/fuzz_targets/` names them.
pub const TARGETS: [(&str, Target); 10] = [
    ("scan", scan),
    ("token", token),
    ("pipeline", pipeline),
    ("policy", policy),
    ("nkeys", nkeys),
    ("challenge", challenge),
    ("docker_config", docker_config),
    ("lattice", lattice),
    ("scopes", scopes),
    ("provenance", provenance),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// How many generated inputs each target gets under `cargo test`.
    const GENERATED: usize = 2000;

    /// A small deterministic generator (splitmix64), so a failure replays.
    struct SplitMix(u64);

    impl SplitMix {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn bytes(&mut self, max: usize) -> Vec<u8> {
            let len = (self.next() as usize) % (max + 1);
            (0..len).map(|_| self.next() as u8).collect()
        }
    }

    /// The committed inputs of a target: its seeds and every past crash (fuzz/corpus-seed,
    /// fuzz/regressions).
    fn committed(target: &str) -> Vec<(String, Vec<u8>)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        let mut inputs = Vec::new();
        for dir in ["corpus-seed", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_file() {
                    inputs.push((path.display().to_string(), std::fs::read(&path).unwrap()));
                }
            }
        }
        inputs.sort();
        inputs
    }

    fn smoke(target: &str, seed: u64, max_len: usize) {
        let run = TARGETS.iter().find(|(n, _)| *n == target).unwrap().1;
        let committed = committed(target);
        assert!(!committed.is_empty(), "fuzz/corpus-seed/{target} is empty");
        for (name, input) in &committed {
            let result = std::panic::catch_unwind(|| run(input));
            assert!(result.is_ok(), "{target} fails on {name}");
        }
        let mut rng = SplitMix(seed);
        for i in 0..GENERATED {
            let mut input = rng.bytes(max_len);
            // Half of them are a committed input with a few bytes changed.
            if i % 2 == 1 {
                let (_, base) = &committed[i / 2 % committed.len()];
                input = base.clone();
                for _ in 0..1 + rng.next() % 4 {
                    if !input.is_empty() {
                        let at = rng.next() as usize % input.len();
                        input[at] = rng.next() as u8;
                    }
                }
            }
            let result = std::panic::catch_unwind(|| run(&input));
            assert!(
                result.is_ok(),
                "{target} fails on generated input {i}: {input:?}"
            );
        }
    }

    #[test]
    fn fuzz_smoke_scan() {
        smoke("scan", 1, 512);
    }

    #[test]
    fn fuzz_smoke_token() {
        smoke("token", 2, 512);
    }

    #[test]
    fn fuzz_smoke_pipeline() {
        smoke("pipeline", 3, 1024);
    }

    #[test]
    fn fuzz_smoke_policy() {
        smoke("policy", 4, 256);
    }

    #[test]
    fn fuzz_smoke_nkeys() {
        smoke("nkeys", 5, 96);
    }

    #[test]
    fn fuzz_smoke_challenge() {
        smoke("challenge", 6, 256);
    }

    #[test]
    fn fuzz_smoke_docker_config() {
        smoke("docker_config", 7, 512);
    }

    #[test]
    fn fuzz_smoke_lattice() {
        smoke("lattice", 8, 512);
    }

    #[test]
    fn fuzz_smoke_scopes() {
        smoke("scopes", 9, 256);
    }

    #[test]
    fn fuzz_smoke_provenance() {
        smoke("provenance", 10, 1024);
    }
}
